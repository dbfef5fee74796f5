/*
 * conn.h: the TCP state machine of one endpoint (RFC 9293), sans I/O.
 *
 * A struct conn never touches a device or a clock. The caller feeds it
 * decoded segments (conn_input), the time (every call takes now_us, in
 * microseconds from any origin the caller likes), and the application's
 * requests (conn_send, conn_close, conn_abort). Each call fills a struct
 * conn_out with the segments to send and the events a trace should show:
 * state changes, data delivered, the peer's FIN, resets, drops with their
 * reason, retransmissions, timeouts. The caller asks conn_next_timer() when
 * to call conn_timer() next.
 *
 * Implemented: both opens (and simultaneous open), every close (and
 * simultaneous close), the segment acceptance test, RST, SYN and ACK
 * checks with RFC 5961's challenge ACKs, rate-limited (section 7), MSS
 * (a peer's below 48 taken as 48, as Linux does), SACK-permitted,
 * timestamps (RFC 7323) and window scaling negotiated as Linux does and
 * written in Linux's option order, retransmission per RFC 6298 with
 * Karn's rule and RFC 7323's timestamps (an echo older than our last
 * retransmission measures nothing), zero-window probes, TIME-WAIT, and a
 * newer SYN ending it (RFC 6191). On the receiving side: out-of-order
 * data kept in a bounded queue and reported in SACK blocks (RFC 2018),
 * quick then delayed ACKs and a window that grows for a fast reader (both
 * optional, as on Linux). On the sending side: slow start and congestion
 * avoidance (RFC 5681, IW of RFC 6928, byte counting of RFC 3465), fast
 * retransmit and fast recovery with NewReno (RFC 6582), or SACK-based
 * loss recovery (RFC 6675) when the peer permits SACK, go-back-N in slow
 * start after a timeout, and the sender's silly window syndrome avoidance
 * (RFC 9293 3.8.6.2.1, Nagle off). Not implemented: D-SACK, limited
 * transmit (RFC 3042), restart after idle (RFC 5681 4.1), urgent data.
 *
 * This module must never do I/O, print, read a clock or keep global state:
 * everything it knows is in struct conn. It allocates two things: the
 * send buffer, when the application first queues data, freed when all of
 * it is acknowledged, and the reassembly buffer, on the first segment out
 * of order, freed once the hole is filled; a connection that sends
 * nothing and receives in order costs the size of struct conn.
 * conn_release() frees both before a conn is forgotten.
 */
#ifndef TCPLAB_CONN_H
#define TCPLAB_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"

/* RFC 9293, 3.3.2. */
enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

/* "SYN-SENT", "ESTABLISHED"...: the names RFC 9293 uses. */
const char *tcp_state_name(enum tcp_state st);

/*
 * Whether from -> to is an edge of RFC 9293's state diagram (3.3.2), or
 * one of the ways to CLOSED the text adds to it: ABORT and a RST in any
 * state (3.10.5, 3.10.7.4), and a retry limit reached (3.8.3). A RST in
 * SYN-RECEIVED after a passive open returns to LISTEN.
 */
bool tcp_transition_ok(enum tcp_state from, enum tcp_state to);

/* Bytes of application data a conn holds until they are acknowledged
 * (the most its send buffer grows to), unless cfg.sndbuf says otherwise,
 * up to CONN_SNDBUF_MAX. */
#define CONN_SNDBUF_SIZE 16384
#define CONN_SNDBUF_MAX  (4u * 1024 * 1024)
/* Blocks of out-of-order data a conn keeps (a segment that would make
 * one more is dropped). */
#define CONN_REASS_BLOCKS 64
/* ... and at most this many bytes of it (the window, up to 4 MiB). */
#define CONN_REASS_MAX_BYTES (4u << 20)
/* Segments and events one call can report. */
#define CONN_OUT_SEGS   16
#define CONN_OUT_EVENTS 16

/* What a conn is configured to do; conn_cfg_linux() fills Linux's values. */
struct conn_cfg {
	uint16_t mss;     /* MSS announced in our SYN (1460 on Ethernet) */
	uint8_t wscale;   /* window shift announced in our SYN (7) */
	bool use_wscale;  /* offer window scaling (RFC 7323) */
	bool use_ts;      /* offer timestamps (RFC 7323) */
	bool use_sack;    /* offer SACK-permitted (RFC 2018) */
	uint16_t syn_win; /* window field of our SYN or SYN-ACK, never scaled */
	uint32_t rcv_wnd; /* receive window in bytes once established */
	uint8_t ttl;      /* IPv4 time to live */
	uint16_t ip_id;   /* first IPv4 id; each segment but a SYN-ACK takes
	                     the next one, a SYN-ACK has id 0 as on Linux */
	uint32_t iss;     /* initial send sequence for a passive open */
	uint32_t ts_offset; /* TS val = ts_offset + now_us / 1000 (ms ticks) */
	uint64_t rto_initial_us; /* RFC 6298 2.1: 1 s */
	uint64_t rto_min_us;     /* Linux: 200 ms */
	uint64_t rto_max_us;     /* Linux: 120 s */
	unsigned syn_retries;    /* Linux tcp_syn_retries: 6 */
	unsigned synack_retries; /* Linux tcp_synack_retries: 5 */
	unsigned data_retries;   /* Linux tcp_retries2: 15 */
	uint64_t time_wait_us;   /* 2MSL: 60 s on Linux */
	/* How long the ACK of a FIN waits for the application's own FIN to
	 * carry it (Linux's delayed ACK, 40 ms); 0 sends it at once. */
	uint64_t fin_ack_delay_us;
	/* How long the ACK of data waits for the application's answer to
	 * carry it (Linux's delayed ACK, 40 ms). 0, the default, ACKs at
	 * once: the reference exchange's pure ACK before the response. */
	uint64_t data_ack_delay_us;
	/* RFC 5961 7: challenge ACKs, and ACKs of out-of-window segments
	 * without data, go out at most once per this interval (Linux's
	 * tcp_invalid_ratelimit, 500 ms); 0 answers every one. */
	uint64_t challenge_gap_us;
	/* The receive window doubles each time a window's worth of data has
	 * been delivered, up to this many bytes, as Linux's receive buffer
	 * autotuning lets a fast reader's window grow; 0 keeps rcv_wnd. */
	uint32_t rcv_wnd_max;
	/* The most the send buffer holds, in bytes: what may be in flight
	 * at once. 0, the default, is CONN_SNDBUF_SIZE; at most
	 * CONN_SNDBUF_MAX. */
	uint32_t sndbuf;
	/* The application takes delivered data itself, when it likes
	 * (conn_consume()): rcv_wnd is then its buffer, and the window
	 * offers what the application has not left unread in it, moving
	 * on only by min(rcv_wnd / 2, MSS) at a time (RFC 9293 3.8.6.2.2,
	 * the receiver's silly window avoidance). false: data is taken as
	 * it is delivered. */
	bool app_reads;
	/* Linux ACKs the first segments of data at once (quick ACKs), then
	 * every second segment, or after this delay (its 40 ms delayed ACK,
	 * RFC 1122 4.2.3.2): a bulk transfer costs half the ACKs. 0, the
	 * default, ACKs every segment at once. */
	uint64_t bulk_ack_delay_us;
	unsigned quickack_segs; /* ... after this many segments of data */
};

/* What a trace may want to show about one call. */
enum conn_event_kind {
	CONN_EV_STATE,      /* from -> to */
	CONN_EV_DATA,       /* n bytes delivered in order (conn_out.data) */
	CONN_EV_PEER_FIN,   /* the peer has no more data */
	CONN_EV_RESET,      /* the connection was reset; reason says by whom */
	CONN_EV_DROP,       /* a segment was dropped; reason says why */
	CONN_EV_RETRANSMIT, /* a segment was sent again; reason says which */
	CONN_EV_TIMEOUT,    /* a retry limit was reached: connection closed */
	CONN_EV_ACKED,      /* n bytes of our data were acknowledged */
	CONN_EV_PROBE,      /* a zero-window probe was sent */
	CONN_EV_QUEUED,     /* n bytes out of order kept for later (SACKed) */
	CONN_EV_REOPEN,     /* a SYN reopens the 4-tuple held in TIME-WAIT:
	                       the conn is CLOSED, give the SYN to a listener */
	CONN_EV_CC,         /* cwnd or ssthresh changed (n: cwnd), or loss
	                       recovery ended; reason says why, at most one
	                       such event per call (the last reason) */
};

struct conn_event {
	enum conn_event_kind kind;
	enum tcp_state from, to; /* CONN_EV_STATE */
	uint32_t n;              /* bytes, or the sequence number concerned */
	const char *reason;      /* a static string, lowercase */
};

/*
 * The result of one call. Segment payloads point into the conn's send
 * buffer, data into the segment given to conn_input(): both are valid until
 * the next call on the conn. Each call starts by emptying out.
 */
struct conn_out {
	struct seg seg[CONN_OUT_SEGS];
	unsigned nseg;
	unsigned seg_lost; /* segments that did not fit in seg[] */
	struct conn_event ev[CONN_OUT_EVENTS];
	unsigned nev;
	unsigned ev_lost;    /* events that did not fit in ev[] */
	const uint8_t *data; /* in-order data received by this call */
	size_t data_len;
};

/* SACKed ranges the sender remembers (RFC 6675's scoreboard). */
#define CONN_SB_MAX 8

/* Where the sender's congestion control is. */
enum conn_cc_phase {
	CONN_CC_OPEN,     /* slow start or congestion avoidance */
	CONN_CC_RECOVERY, /* fast recovery: NewReno, or SACK-based */
	CONN_CC_LOSS,     /* after a timeout, until RecoveryPoint is acked */
};

/* The sender's numbers, as conn_cc_info() reports them. */
struct conn_cc_info {
	uint32_t cwnd;        /* congestion window, bytes */
	uint32_t ssthresh;    /* slow start threshold, bytes */
	uint32_t flight;      /* FlightSize: SND.NXT - SND.UNA */
	uint32_t pipe;        /* RFC 6675 pipe in loss recovery, else flight */
	uint32_t snd_wnd;     /* the peer's window, bytes */
	uint32_t max_snd_wnd; /* the largest window the peer offered */
	uint32_t smss;        /* the largest segment we send */
	uint32_t recover;     /* RFC 6582 recover, RFC 6675 RecoveryPoint */
	uint32_t sacked;      /* bytes SACKed above SND.UNA */
	unsigned sacked_ranges;
	unsigned dupacks;
	enum conn_cc_phase phase;
	bool slow_start;       /* cwnd < ssthresh */
	bool ssthresh_initial; /* still RFC 5681's "arbitrarily high" value */
	bool sack_recovery;    /* recovery is RFC 6675's, not NewReno's */
	uint32_t snd_una, snd_nxt;
	uint64_t srtt_us, rttvar_us, rto_us; /* 0 for srtt and rttvar: no
	                                        measurement yet */
	uint64_t rtt_us;       /* the last RTT sample, 0 before the first */
	unsigned rtt_samples;  /* samples taken so far */
	unsigned retries;      /* timeouts of the oldest segment */
	uint64_t rto_min_us;   /* the RTO's floor (cfg.rto_min_us) */
	bool rto_floored;      /* the last sample's RTO was raised to it */
	uint32_t loss_flight;  /* the FlightSize the last ssthresh halved */
};

struct conn {
	struct conn_cfg cfg;
	enum tcp_state state;
	bool passive; /* came from LISTEN (RFC 9293 3.10.7.4) */

	/* The addresses, IPv4 or IPv6; the segments are of the same family.
	 * A listener's laddr may be unspecified (any address). */
	struct ipaddr laddr, raddr;
	uint16_t lport, rport;

	/* Send sequence space (RFC 9293, 3.3.1). */
	uint32_t iss;
	uint32_t snd_una; /* oldest unacknowledged sequence number */
	uint32_t snd_nxt; /* next sequence number to send */
	uint32_t snd_wnd; /* peer's window in bytes, already scaled */
	uint32_t snd_wl1; /* segment sequence number of the last update */
	uint32_t snd_wl2; /* segment acknowledgment of the last update */

	/* Receive sequence space. */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_wnd; /* bytes we offer once established */

	/* The largest window the peer has offered: RFC 5961's MAX.SND.WND
	 * (section 5) and the sender's SWS avoidance use it; and when the last challenge ACK or rate-limited ACK
	 * went out (section 7), 0 before the first. */
	uint32_t max_snd_wnd;
	uint64_t challenge_at;
	/* Bytes delivered since the receive window last grew. */
	uint32_t rcv_delivered;
	/* cfg.app_reads: bytes delivered that the application has not
	 * taken yet, and the right edge of the window last advertised. */
	uint32_t rcv_unread;
	uint32_t rcv_adv;
	bool rcv_adv_set;
	unsigned data_segs; /* segments of data taken, up to quickack_segs */

	/* Reassembly (conn_reass.c): out-of-order data kept until the hole
	 * before it fills. rq_buf holds rq_cap bytes from sequence number
	 * rq_base on (allocated on the first out-of-order segment, freed
	 * when the queue empties); rq[] are its blocks of data, disjoint,
	 * in sequence order, each stamped with when it last grew so that
	 * our SACK option reports the most recent first (RFC 2018 4). */
	uint8_t *rq_buf;
	size_t rq_cap;
	uint32_t rq_base;
	struct conn_rblock {
		uint32_t start, end; /* [start, end) */
		uint32_t stamp;
	} rq[CONN_REASS_BLOCKS];
	unsigned rq_n;
	uint32_t rq_stamp;
	bool rq_fin;         /* the peer's FIN arrived beyond a hole */
	uint32_t rq_fin_seq; /* ... at this sequence number */

	/* Negotiated options. */
	uint16_t snd_mss;   /* largest payload we send (peer's MSS, less TS) */
	uint8_t snd_wscale; /* shift applied to the peer's window field */
	uint8_t rcv_wscale; /* shift applied to our window field */
	bool ts_ok, sack_ok, wscale_ok;
	uint32_t ts_recent;     /* RFC 7323: the TS val to echo */
	uint32_t last_ack_sent; /* RFC 7323 4.3: Last.ACK.sent */
	uint16_t ip_id;         /* next IPv4 id */

	/* Application data from snd_buf_seq on, acknowledged or not yet:
	 * snd_buf_cap bytes (at most CONN_SNDBUF_SIZE) allocated on demand,
	 * NULL while nothing is queued. */
	uint8_t *snd_buf;
	size_t snd_buf_cap;
	uint32_t snd_buf_seq;
	size_t snd_buf_len;
	bool fin_queued; /* the application closed: send FIN after the data */
	bool fin_sent;
	uint32_t fin_seq; /* sequence number of our FIN once sent */

	/* Retransmission (RFC 6298). 0 means "no sample yet" for srtt. */
	uint64_t srtt_us, rttvar_us, rto_us;
	bool rtt_valid;     /* srtt_us and rttvar_us hold a measurement */
	uint64_t rtt_last_us;  /* the last sample, for the trace */
	unsigned rtt_samples;  /* samples taken, for the trace */
	bool rto_floored;      /* the last sample's RTO was below rto_min */
	unsigned retries;   /* retransmissions of the oldest segment */
	bool rtt_timing;    /* a segment is being timed (no timestamps) */
	uint32_t rtt_seq;   /* ... it ends before this sequence number */
	uint64_t rtt_start; /* ... and was sent then */

	/* Timers: absolute times in microseconds, 0 when not armed. */
	uint64_t rtx_at;     /* retransmission */
	uint64_t persist_at; /* zero-window probe */
	uint64_t ack_at;     /* delayed ACK of the peer's data or FIN */
	uint64_t tw_at;      /* end of TIME-WAIT */
	uint64_t persist_us; /* current zero-window probe interval */
	bool ack_now;        /* this call owes the peer an ACK */

	/* Congestion control and loss recovery (conn_cc.c). */
	uint32_t cwnd;        /* RFC 5681, bytes; 0 until data flows (IW) */
	uint32_t ssthresh;    /* RFC 5681, bytes */
	uint32_t bytes_acked; /* RFC 3465 byte count in congestion avoidance */
	uint32_t loss_flight; /* FlightSize when ssthresh was last set */
	uint32_t recover;     /* RFC 6582 recover = RFC 6675 RecoveryPoint:
	                         HighData (SND.NXT - 1) when recovery began */
	uint32_t high_rxt;    /* RFC 6675 HighRxt, as the number after it */
	uint32_t rtx_ts_val;  /* TS val of our last retransmission, which */
	uint32_t rtx_ts_end;  /* ... ends before this: an older echo is no
	                         RTT sample until SND.UNA passes it */
	uint8_t cc_phase;     /* enum conn_cc_phase */
	uint8_t dupacks;      /* RFC 5681 and RFC 6675 DupAcks */
	uint8_t sb_n;         /* ranges in sb[] */
	bool rec_sack;        /* this recovery is RFC 6675's, not NewReno */
	bool rtx_ts_set;      /* rtx_ts_val and rtx_ts_end hold */
	bool syn_tx;          /* our SYN (or SYN-ACK) went out once ... */
	bool syn_rtx;         /* ... and again: IW is 1 SMSS (RFC 5681 3.1) */
	bool out_more;        /* conn_output() stopped with out full */
	struct seg_sack sb[CONN_SB_MAX]; /* SACKed ranges above SND.UNA,
	                                    sorted, disjoint (scoreboard) */
};

/* Fills cfg with Linux's defaults (ISS 0: set cfg->iss before listening). */
void conn_cfg_linux(struct conn_cfg *cfg);

/* Passive open: the conn waits in LISTEN for a SYN to laddr:lport. */
int conn_listen_at(struct conn *c, const struct conn_cfg *cfg,
                   const struct ipaddr *laddr, uint16_t lport);

/* Active open: sends a SYN with sequence number iss; state SYN-SENT. The
 * two addresses must be of one family. */
int conn_connect_to(struct conn *c, const struct conn_cfg *cfg,
                    const struct ipaddr *laddr, uint16_t lport,
                    const struct ipaddr *raddr, uint16_t rport, uint32_t iss,
                    uint64_t now_us, struct conn_out *out);

/* The same for IPv4 addresses in host byte order (0: any address). */
int conn_listen(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                uint16_t lport);
int conn_connect(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                 uint16_t lport, uint32_t raddr, uint16_t rport, uint32_t iss,
                 uint64_t now_us, struct conn_out *out);

/*
 * Processes one segment addressed to this endpoint. Always returns 0: a
 * segment the conn does not want is dropped, answered or reset, and the
 * reason is in out's events. TCPLAB_EINVAL if an argument is NULL.
 */
int conn_input(struct conn *c, const struct seg *in, uint64_t now_us,
               struct conn_out *out);

/* Runs the timers that are due at now_us. Returns 0. */
int conn_timer(struct conn *c, uint64_t now_us, struct conn_out *out);

/* When conn_timer() should next run, or UINT64_MAX when nothing is armed. */
uint64_t conn_next_timer(const struct conn *c);

/*
 * Queues len bytes of application data and sends what the peer's window
 * allows. Returns the number of bytes taken (fewer than len when the send
 * buffer is full), or TCPLAB_EINVAL in a state that cannot send.
 */
int conn_send(struct conn *c, const uint8_t *data, size_t len, uint64_t now_us,
              struct conn_out *out);

/*
 * The application has no more data: a FIN follows the queued data.
 * Returns 0, or TCPLAB_EINVAL when the conn has already closed its side.
 */
int conn_close(struct conn *c, uint64_t now_us, struct conn_out *out);

/* Resets the connection: sends RST where RFC 9293 says to; state CLOSED. */
int conn_abort(struct conn *c, uint64_t now_us, struct conn_out *out);

/*
 * The caller did not send s, a segment of this conn's last output, nor
 * anything after it (a student pressed q in step mode): SND.NXT goes back
 * to s's sequence number, so that a RST from conn_abort() next carries
 * the number the peer expects. Nothing else changes.
 */
void conn_unsent(struct conn *c, const struct seg *s);

/*
 * Frees the send buffer, if the conn holds one, before the conn is
 * forgotten or opened again (conn_listen and conn_connect start afresh and
 * do not free it). Queued data is lost. The conn must not be used again
 * but through conn_listen or conn_connect.
 */
void conn_release(struct conn *c);

/* Sets the receive window offered from now on, in bytes. */
void conn_set_rcv_wnd(struct conn *c, uint32_t bytes);

/*
 * cfg.app_reads: the application has taken n more of the bytes delivered
 * (at most those it has not taken). When that opens the window by
 * min(rcv_wnd / 2, MSS) or more, out holds an ACK that says so (a window
 * update). Returns 0, or TCPLAB_EINVAL without app_reads.
 */
int conn_consume(struct conn *c, uint32_t n, uint64_t now_us,
                 struct conn_out *out);

/* The sender's congestion control numbers, exact and cheap (no
 * allocation, a few comparisons per SACKed range). */
void conn_cc_info(const struct conn *c, struct conn_cc_info *i);

/*
 * The same numbers once the first `sent` segments of out have left, for a
 * trace that shows them segment by segment: FlightSize grows with each
 * new segment of a call (sent 0: as the call took its input). nxt_before
 * is SND.NXT before the call.
 */
void conn_cc_info_seg(const struct conn *c, const struct conn_out *out,
                      uint32_t nxt_before, unsigned sent,
                      struct conn_cc_info *i);

/*
 * The formulas, for an observer that estimates a sender from a capture
 * (annot) with the same arithmetic: RFC 6928's initial window for smss,
 * RFC 5681's ssthresh after a loss with flight in the network, and one
 * RFC 6298 RTT sample r (first: the first sample) folded into srtt and
 * rttvar, returning the RTO before any floor or ceiling.
 */
uint32_t conn_cc_iw(uint32_t smss);
uint32_t conn_cc_loss_ssthresh(uint32_t flight, uint32_t smss);
uint64_t conn_rtt_update(uint64_t *srtt, uint64_t *rttvar, bool first,
                         uint64_t r);
/* Slow start's growth for an ACK of acked new bytes (RFC 5681 3.1 with
 * RFC 3465's L = 2). */
uint32_t conn_cc_ss_step(uint32_t acked, uint32_t smss);

/* Why the call that made out changed cwnd or ssthresh (CONN_EV_CC's
 * reason, a message id), or NULL. */
const char *conn_cc_why(const struct conn_out *out);

/* The TS val the conn sends at now_us. */
uint32_t conn_ts_now(const struct conn *c, uint64_t now_us);

#endif
