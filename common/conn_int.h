/*
 * conn_int.h: what the files of conn share and its callers never see.
 *
 *   conn.c        the interface: opening, closing, the calls' entry and
 *                 exit, events and states, the send buffer
 *   conn_in.c     the input path of RFC 9293 3.10.7
 *   conn_out.c    building segments, options, the send loop with the
 *                 sender's SWS avoidance, zero-window probes and the
 *                 override timeout
 *   conn_reass.c  out-of-order data kept for later, and our SACK blocks
 *   conn_rtx.c    RTT samples, the RTO (RFC 6298, RFC 7323 4) and what
 *                 the retransmission timer does
 *   conn_cc.c     congestion control (RFC 5681), fast recovery (NewReno,
 *                 RFC 6582), the SACK scoreboard and SACK-based loss
 *                 recovery (RFC 6675), and what a timeout does to them
 *
 * Pure, like conn.h: no I/O, no clock reads, no globals.
 */
#ifndef TCPLAB_CONN_INT_H
#define TCPLAB_CONN_INT_H

#include "common/conn.h"

/* RFC 9293 3.7.1: without an MSS option the peer accepts 536 bytes. */
#define CONN_DEFAULT_MSS 536
/* Linux (tcp_min_snd_mss): a peer's MSS below 48 is taken as 48. */
#define CONN_MIN_MSS 48
/* RFC 7323 2.3: a shift above 14 is taken as 14. */
#define CONN_WSCALE_MAX 14
/* nop, nop, TS: the 12 bytes every segment carries with timestamps. */
#define CONN_TS_SPACE 12
/* RFC 6298 2.x: G, the clock granularity; our TS clock ticks in ms. */
#define CONN_CLOCK_G_US    1000
#define CONN_WIN_FIELD_MAX 65535u
/* RFC 6298 5.7 and Linux's TCP_TIMEOUT_FALLBACK: 3 s. */
#define CONN_RTO_FALLBACK_US 3000000u

/* ---- conn.c: events and states. ---- */

void conn_ev(struct conn_out *out, enum conn_event_kind kind, uint32_t n,
             const char *reason);
void conn_drop(struct conn_out *out, const char *reason);
void conn_set_state(struct conn *c, enum tcp_state to, struct conn_out *out);
/* CLOSED forgets every timer: nothing is left to send or to wait for. */
void conn_enter_closed(struct conn *c, struct conn_out *out);
/* A passive conn reset or given up in SYN-RECEIVED goes back to LISTEN. */
void conn_back_to_listen(struct conn *c, struct conn_out *out);

/* ---- conn_in.c: the input path, one function per group of states. ---- */

void conn_in_closed(struct conn *c, const struct seg *in, struct conn_out *out);
void conn_in_listen(struct conn *c, const struct seg *in, uint64_t now,
                    struct conn_out *out);
void conn_in_syn_sent(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out);
void conn_in_sync(struct conn *c, const struct seg *in, uint64_t now,
                  struct conn_out *out);

/* ---- conn_out.c: segments and the send loop. ---- */

struct seg *conn_emit(struct conn *c, uint16_t flags, uint32_t seq,
                      const uint8_t *p, size_t len, uint64_t now,
                      struct conn_out *out);
void conn_send_ack(struct conn *c, uint64_t now, struct conn_out *out);
void conn_send_syn(struct conn *c, uint16_t flags, uint64_t now,
                   struct conn_out *out);
void conn_send_rst_reply(struct conn *c, const struct seg *in,
                         struct conn_out *out);
/* The window we offer, in bytes, as the peer sees it after scaling. */
uint32_t conn_rcv_window(const struct conn *c);
/* Our data may go out until our FIN has. */
bool conn_can_send_data(const struct conn *c);
/* Bytes of the send buffer never sent. */
size_t conn_unsent_len(const struct conn *c);
/* Bytes the peer's window still admits beyond snd_nxt. */
uint32_t conn_usable_window(const struct conn *c);
/* The sequence number after our last data byte sent (our FIN's). */
uint32_t conn_data_end(const struct conn *c);
/* Sends what the windows admit of the queued data, then a queued FIN. */
void conn_output(struct conn *c, uint64_t now, struct conn_out *out);
/* Sends one segment of new data (or the queued FIN) that the peer's
 * window, SWS avoidance and room bytes of congestion window admit. */
bool conn_send_new_seg(struct conn *c, uint32_t room, uint64_t now,
                       struct conn_out *out);
/* conn_output() stopped with out full: conn_timer() is due at once. */
bool conn_output_due(const struct conn *c);
/* The largest segment we send, never 0. */
uint32_t conn_smss(const struct conn *c);
/* Resends up to max bytes of sent data from seq, within [seq, lim), with
 * our FIN if it fits. Returns the sequence space sent (0: nothing). */
uint32_t conn_resend(struct conn *c, uint32_t seq, uint32_t lim, uint32_t max,
                     uint64_t now, struct conn_out *out, const char *reason);
void conn_persist_fire(struct conn *c, uint64_t now, struct conn_out *out);

/* ---- conn_reass.c: the reassembly queue and SACK blocks. ---- */

size_t conn_reass_add(struct conn *c, uint32_t seq, const uint8_t *p,
                      size_t len, struct conn_out *out);
void conn_reass_fin(struct conn *c, uint32_t fin_seq);
size_t conn_reass_fill(struct conn *c, const uint8_t *p, size_t n,
                       struct conn_out *out);
void conn_reass_sack(const struct conn *c, struct seg *s);
/* Frees the buffer of an empty queue (at a call's start). */
void conn_reass_tidy(struct conn *c);
void conn_reass_free(struct conn *c);

/* ---- conn_rtx.c: RTT, RTO, the retransmission timer. ---- */

void conn_rtx_arm(struct conn *c, uint64_t now);
void conn_rto_clamp(struct conn *c);
/* An ACK that advanced SND.UNA: the RTT sample it may carry. */
void conn_rtt_from_ack(struct conn *c, const struct seg *in, uint64_t now);
/* The segment being timed was sent again: Karn's rule forgets it. */
void conn_rtt_karn(struct conn *c);
void conn_rtx_fire(struct conn *c, uint64_t now, struct conn_out *out);
/* After our SYN or SYN-ACK at iss: the send sequence space. */
void conn_syn_sent_space(struct conn *c, uint64_t now);
/* RFC 9293 3.10.7.4: SND.UNA moves to SEG.ACK. Returns data bytes
 * acknowledged (our FIN and SYN are not data). */
size_t conn_ack_advance(struct conn *c, const struct seg *in, uint64_t now,
                        struct conn_out *out);

/* ---- conn_cc.c: congestion control and loss recovery. ---- */

/* cwnd and ssthresh take their first values (RFC 5681 3.1, RFC 6928). */
void conn_cc_start(struct conn *c);
/* Fifth step, an acceptable ACK (SND.UNA =< SEG.ACK =< SND.NXT): SND.UNA
 * moves, or the ACK is a duplicate; the scoreboard takes its SACK blocks. */
void conn_cc_ack(struct conn *c, const struct seg *in, uint64_t now,
                 struct conn_out *out);
/* The retransmission timer fired on data (RFC 5681 eq. 4, RFC 6675 5.1). */
void conn_cc_rto(struct conn *c, struct conn_out *out);
/* Sends what loss recovery sends (RFC 6675 (C), NextSeg). Returns false
 * when the conn is not in SACK or timeout recovery, and conn_output()
 * sends by the congestion window instead. */
bool conn_cc_output(struct conn *c, uint64_t now, struct conn_out *out);
/* Bytes of congestion window left for new data outside that recovery. */
uint32_t conn_cc_room(const struct conn *c);
/* SND.UNA moved: drop what the scoreboard holds below it. */
void conn_sb_trim(struct conn *c);
/* The end of the first unSACKed stretch from seq (at most lim). */
uint32_t conn_sb_hole_end(const struct conn *c, uint32_t seq, uint32_t lim);

#endif
