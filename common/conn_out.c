/*
 * conn_out.c: the segments a conn sends, and when it sends them.
 *
 * emit() builds every segment: addresses, the ACK of RCV.NXT, our window,
 * the options the handshake chose in Linux's order. conn_output() sends
 * what the peer's window and the congestion window (conn_cc.c) admit of
 * the queued data, then a queued FIN, avoiding the silly window syndrome
 * (RFC 9293 3.8.6.2.1); the persist timer probes a zero window, or sends
 * what SWS avoidance held back when its override timeout runs out.
 *
 * This file must never do I/O, print, read a clock or keep global state.
 */
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/tr.h"
#include "common/seq.h"

/* A fresh segment in out with this conn's addresses, or NULL when full. */
static struct seg *seg_new(struct conn *c, struct conn_out *out)
{
	struct seg *s;

	if (out->nseg >= CONN_OUT_SEGS) {
		out->seg_lost++;
		return NULL;
	}
	s = &out->seg[out->nseg++];
	if (ipaddr_is4(&c->laddr)) {
		seg_init(s);
		s->saddr = ipaddr_v4(&c->laddr);
		s->daddr = ipaddr_v4(&c->raddr);
		s->ip_id = c->ip_id++;
	} else {
		/* IPv6 has no identification and no DF (RFC 8200). */
		seg_init6(s, c->laddr.b, c->raddr.b);
	}
	if (c->cfg.ttl != 0)
		s->ip_ttl = c->cfg.ttl;
	s->sport = c->lport;
	s->dport = c->rport;
	return s;
}

/*
 * With cfg.app_reads, the room the application leaves: what its buffer
 * holds less what it has not taken, offered only when that moves the
 * right edge on by min(buffer / 2, MSS); else the edge stays where it was
 * advertised (RFC 9293 3.8.6.2.2; never shrinking it, 3.8.6.2.1).
 */
static uint32_t app_window(const struct conn *c)
{
	uint32_t avail = c->rcv_wnd > c->rcv_unread ? c->rcv_wnd - c->rcv_unread
	                                             : 0;
	uint32_t cur = 0, step = c->rcv_wnd / 2;

	if (!c->rcv_adv_set)
		return avail;
	if (seq_gt(c->rcv_adv, c->rcv_nxt))
		cur = (uint32_t)seq_diff(c->rcv_adv, c->rcv_nxt);
	if (step > c->snd_mss && c->snd_mss > 0)
		step = c->snd_mss;
	/* An emptied buffer is offered whole, whatever the step. */
	if (avail >= cur + step || (avail == c->rcv_wnd && avail > cur))
		return avail;
	return cur;
}

uint32_t conn_rcv_window(const struct conn *c)
{
	uint32_t field;

	/* Until the handshake is over, the SYN's unscaled window holds. */
	if (c->state == TCP_SYN_RECEIVED || c->state == TCP_SYN_SENT)
		return c->cfg.syn_win;
	field = (c->cfg.app_reads ? app_window(c) : c->rcv_wnd) >>
	        c->rcv_wscale;
	if (field > CONN_WIN_FIELD_MAX)
		field = CONN_WIN_FIELD_MAX;
	return field << c->rcv_wscale;
}

/*
 * Options of our SYN or SYN-ACK, in the order Linux writes them
 * (tcp_options_write): mss, then sackOK and TS together, or NOPs in their
 * place, then nop and wscale. A SYN-ACK offers only what the SYN offered.
 */
static void syn_options(struct conn *c, struct seg *s, uint32_t ts_val)
{
	bool synack = s->flags & TH_ACK;
	bool ts = synack ? c->ts_ok : c->cfg.use_ts;
	bool sack = synack ? c->sack_ok : c->cfg.use_sack;
	bool ws = synack ? c->wscale_ok : c->cfg.use_wscale;
	uint32_t ecr = synack ? c->ts_recent : 0;

	if (ts && sack && ws) {
		seg_opt_linux_syn(s, c->cfg.mss, ts_val, ecr, c->cfg.wscale);
		return;
	}
	seg_opt_mss(s, c->cfg.mss);
	if (ts && sack) {
		seg_opt_sackok(s);
		seg_opt_ts(s, ts_val, ecr);
	} else if (ts) {
		seg_opt_linux_ts(s, ts_val, ecr);
	} else if (sack) {
		seg_opt_nop(s);
		seg_opt_nop(s);
		seg_opt_sackok(s);
	}
	if (ws) {
		seg_opt_nop(s);
		seg_opt_wscale(s, c->cfg.wscale);
	}
}

/*
 * Sends one segment of this connection: seq and flags as given, ACK of
 * rcv_nxt when TH_ACK is set, our window, and the options the handshake
 * chose. Any ACK we send acknowledges everything, so a delayed ACK is no
 * longer due.
 */
struct seg *conn_emit(struct conn *c, uint16_t flags, uint32_t seq,
                      const uint8_t *p, size_t len, uint64_t now,
                      struct conn_out *out)
{
	struct seg *s = seg_new(c, out);
	uint32_t ts_val = conn_ts_now(c, now);

	if (s == NULL)
		return NULL;
	s->flags = flags;
	s->seq = seq;
	s->payload = p;
	s->payload_len = len;
	if (flags & TH_ACK) {
		s->ack = c->rcv_nxt;
		c->last_ack_sent = c->rcv_nxt;
		c->ack_at = 0;
		c->ack_now = false;
	}
	if (flags & TH_SYN) {
		/* RFC 7323 2.2: the window of a SYN is never scaled. */
		s->win = c->cfg.syn_win;
		syn_options(c, s, ts_val);
	} else {
		s->win = (uint16_t)(conn_rcv_window(c) >> c->rcv_wscale);
		c->rcv_adv = seq_add(c->rcv_nxt,
		                     (uint32_t)s->win << c->rcv_wscale);
		c->rcv_adv_set = true;
		if (c->ts_ok && !(flags & TH_RST))
			seg_opt_linux_ts(s, ts_val, c->ts_recent);
		if ((flags & TH_ACK) && !(flags & TH_RST))
			conn_reass_sack(c, s);
	}
	/* Linux sends a SYN-ACK with IP id 0 and leaves its counter alone. */
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		s->ip_id = 0;
		c->ip_id--;
	}
	return s;
}

void conn_send_ack(struct conn *c, uint64_t now, struct conn_out *out)
{
	conn_emit(c, TH_ACK, c->snd_nxt, NULL, 0, now, out);
}

/* Our TS val at now goes with a retransmission of data before end: an
 * ACK of it that echoes an older TS val measures nothing (conn_rtx.c). */
static void note_rtx(struct conn *c, uint32_t end, uint64_t now)
{
	if (!c->rtx_ts_set || seq_gt(end, c->rtx_ts_end))
		c->rtx_ts_end = end;
	c->rtx_ts_val = conn_ts_now(c, now);
	c->rtx_ts_set = true;
}

/* The SYN (active) or SYN-ACK (passive, or simultaneous open) at iss.
 * Any but the first is a retransmission of our SYN: Karn's rule and the
 * timestamp rule apply to it, and RFC 5681's one-segment IW. */
void conn_send_syn(struct conn *c, uint16_t flags, uint64_t now,
                   struct conn_out *out)
{
	conn_emit(c, flags, c->iss, NULL, 0, now, out);
	if (c->syn_tx) {
		c->syn_rtx = true;
		conn_rtt_karn(c);
		note_rtx(c, seq_add(c->iss, 1), now);
	}
	c->syn_tx = true;
}

/*
 * RFC 9293 3.10.7.1: "If the incoming segment has an ACK field, the reset
 * takes its sequence number from the ACK field of the segment, otherwise
 * the reset has sequence number zero and the ACK field is set to the sum
 * of the sequence number and segment length of the incoming segment."
 * The reset goes back to where the segment came from.
 */
void conn_send_rst_reply(struct conn *c, const struct seg *in,
                         struct conn_out *out)
{
	struct seg *s = seg_new(c, out);

	if (s == NULL)
		return;
	s->saddr = in->daddr;
	s->daddr = in->saddr;
	s->sport = in->dport;
	s->dport = in->sport;
	if (in->flags & TH_ACK) {
		s->flags = TH_RST;
		s->seq = in->ack;
	} else {
		s->flags = TH_RST | TH_ACK;
		s->seq = 0;
		s->ack = in->seq + seg_seq_len(in);
	}
}

/* ---- What may be sent. ---- */

bool conn_can_send_data(const struct conn *c)
{
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		/* CLOSING with our FIN unsent: the application closed while
		 * data waited (a zero window), then the peer's FIN came. */
		return !c->fin_sent;
	default:
		return false;
	}
}

size_t conn_unsent_len(const struct conn *c)
{
	size_t sent;

	/* Our FIN goes after the last byte: nothing is left behind it. */
	if (c->fin_sent)
		return 0;
	/* The buffer starts at snd_buf_seq; up to snd_nxt it has been sent. */
	sent = (size_t)seq_diff(c->snd_nxt, c->snd_buf_seq);
	return c->snd_buf_len - sent;
}

uint32_t conn_usable_window(const struct conn *c)
{
	/* The peer takes sequence numbers below snd_una + snd_wnd. */
	int32_t room = seq_diff(seq_add(c->snd_una, c->snd_wnd), c->snd_nxt);

	return room > 0 ? (uint32_t)room : 0;
}

uint32_t conn_data_end(const struct conn *c)
{
	return c->fin_sent ? c->fin_seq : c->snd_nxt;
}

/* ---- Sending. ---- */

/* Bookkeeping after a new segment that occupies sequence space. */
static void sent_new(struct conn *c, const struct seg *s, uint64_t now)
{
	uint32_t end = seq_add(s->seq, seg_seq_len(s));

	if (s->flags & TH_FIN) {
		c->fin_sent = true;
		/* The FIN follows the segment's last data byte. */
		c->fin_seq = seq_add(s->seq, (uint32_t)s->payload_len);
	}
	if (!c->rtt_timing) {
		c->rtt_timing = true;
		c->rtt_seq = end;
		c->rtt_start = now;
	}
	c->snd_nxt = end;
	conn_rtx_arm(c, now);
}

/* New data from snd_nxt: len bytes, pushed when they end what was
 * written, with a queued FIN riding on the last of them (as Linux). */
static bool send_new(struct conn *c, uint32_t len, uint64_t now,
                     struct conn_out *out)
{
	size_t unsent = conn_unsent_len(c);
	uint16_t flags = TH_ACK;
	struct seg *s;

	if (len == unsent)
		flags |= TH_PSH | (c->fin_queued ? TH_FIN : 0);
	s = conn_emit(c, flags, c->snd_nxt,
	              c->snd_buf + (c->snd_buf_len - unsent), len, now, out);
	if (s == NULL)
		return false;
	sent_new(c, s, now);
	return true;
}

uint32_t conn_resend(struct conn *c, uint32_t seq, uint32_t lim, uint32_t max,
                     uint64_t now, struct conn_out *out, const char *reason)
{
	uint32_t end = conn_data_end(c), n = 0;
	uint16_t flags = TH_ACK;
	size_t off = (size_t)seq_diff(seq, c->snd_buf_seq);

	if (seq_lt(lim, end))
		end = lim;
	if (seq_lt(seq, end))
		n = (uint32_t)seq_diff(end, seq);
	if (n > max)
		n = max;
	if (n > 0 && seq_add(seq, n) == conn_data_end(c))
		flags |= TH_PSH;
	/* Our FIN goes with the data before it, unless it was acknowledged
	 * or SACKed (lim stops short of it then). */
	if (c->fin_sent && seq_add(seq, n) == c->fin_seq &&
	    seq_gt(lim, c->fin_seq) && seq_gt(c->snd_nxt, c->fin_seq))
		flags |= TH_FIN;
	if (n == 0 && !(flags & TH_FIN))
		return 0;
	if (conn_emit(c, flags, seq, n > 0 ? c->snd_buf + off : NULL, n, now,
	              out) == NULL)
		return 0;
	conn_ev(out, CONN_EV_RETRANSMIT, seq, reason);
	conn_rtt_karn(c);
	note_rtx(c, seq_add(seq, n + ((flags & TH_FIN) ? 1 : 0)), now);
	conn_rtx_arm(c, now);
	return n + ((flags & TH_FIN) ? 1 : 0);
}

uint32_t conn_smss(const struct conn *c)
{
	/* A peer's MSS of 0 must not stop the sender for good. */
	return c->snd_mss > 0 ? c->snd_mss : 1;
}

/*
 * The next segment of new data, RFC 9293 3.8.6.2.1: with D the data
 * queued and U the usable window (the peer's, within room bytes of
 * congestion window), "the sender should send data when: (1) if a
 * maximum-sized segment can be sent, i.e., if: min(D,U) >= Eff.snd.MSS;
 * (2) or if the data is pushed and all queued data can be sent now, i.e.,
 * if: [SND.NXT = SND.UNA and] PUSHed and D <= U (the bracketed condition
 * is imposed by the Nagle algorithm); (3) or if at least a fraction Fs of
 * the maximum window can be sent, i.e., if: [SND.NXT = SND.UNA and]
 * min(D,U) >= Fs * Max(SND.WND); (4) or if the override timeout occurs."
 * Every write is pushed; Nagle's bracketed condition is left out, as with
 * Linux's TCP_NODELAY. Fs = 1/2. The override is conn_persist_fire().
 * And, as Linux does (its Nagle test holds a small segment only while
 * others are unacknowledged), a smaller segment goes when nothing is in
 * flight: a peer that shrinks its window to a byte after offering a
 * large one gets a byte per round trip, not one per override timeout.
 */
static uint32_t next_len(const struct conn *c, uint32_t room)
{
	uint32_t d = (uint32_t)conn_unsent_len(c);
	uint32_t u = conn_usable_window(c), m;

	if (u > room)
		u = room;
	m = d < u ? d : u;
	if (m == 0)
		return 0;
	if (m >= conn_smss(c))
		return conn_smss(c);
	if (d <= u)
		return d;
	if (2 * (uint64_t)m >= c->max_snd_wnd)
		return m;
	if (c->snd_una == c->snd_nxt)
		return m;
	return 0;
}

/*
 * RFC 9293 3.8.6.1: a sender facing a zero window must probe it; 3.8.6.2.1:
 * data that SWS avoidance holds back goes when the override timeout runs
 * out. One timer does both: it runs while data waits, nothing is in
 * flight (otherwise the retransmission timer draws the peer's ACK) and
 * nothing could be sent.
 */
static void persist_check(struct conn *c, uint64_t now)
{
	bool stuck = conn_can_send_data(c) && conn_unsent_len(c) > 0 &&
	             c->snd_una == c->snd_nxt &&
	             next_len(c, conn_cc_room(c)) == 0;

	if (!stuck) {
		c->persist_at = 0;
		c->persist_us = 0;
		return;
	}
	if (c->persist_at == 0) {
		if (c->persist_us == 0)
			c->persist_us = c->rto_us;
		c->persist_at = now + c->persist_us;
	}
}

bool conn_send_new_seg(struct conn *c, uint32_t room, uint64_t now,
                       struct conn_out *out)
{
	struct seg *s;
	uint32_t n = next_len(c, room);

	if (n > 0)
		return send_new(c, n, now, out);
	if (c->fin_queued && !c->fin_sent && conn_unsent_len(c) == 0) {
		s = conn_emit(c, TH_FIN | TH_ACK, c->snd_nxt, NULL, 0, now,
		              out);
		if (s != NULL)
			sent_new(c, s, now);
		return s != NULL;
	}
	return false;
}

void conn_output(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->out_more = false;
	if (c->state < TCP_ESTABLISHED)
		return;
	conn_cc_start(c);
	/* In SACK-based or timeout recovery, pipe governs what goes. */
	if (!conn_cc_output(c, now, out) && conn_can_send_data(c)) {
		/* RFC 5681 3.1: "The minimum of cwnd and rwnd governs data
		 * transmission." */
		while (next_len(c, conn_cc_room(c)) > 0 ||
		       (c->fin_queued && !c->fin_sent &&
		        conn_unsent_len(c) == 0)) {
			/* A full out is no loss: conn_next_timer() says
			 * "now". */
			if (out->nseg >= CONN_OUT_SEGS) {
				c->out_more = true;
				return;
			}
			if (!conn_send_new_seg(c, conn_cc_room(c), now, out))
				break;
		}
	}
	/* A FIN behind all the data takes no room in either window: it
	 * goes even while loss recovery holds new data back. */
	if (conn_can_send_data(c) && c->fin_queued && !c->fin_sent &&
	    conn_unsent_len(c) == 0) {
		if (out->nseg >= CONN_OUT_SEGS)
			c->out_more = true;
		else
			conn_send_new_seg(c, 0, now, out);
	}
	persist_check(c, now);
}

bool conn_output_due(const struct conn *c)
{
	return c->out_more;
}

/* A zero-window probe: like Linux, an ACK one below snd_una, which the
 * peer finds old and answers with an ACK that carries its window. */
void conn_persist_fire(struct conn *c, uint64_t now, struct conn_out *out)
{
	uint32_t n = (uint32_t)conn_unsent_len(c);

	c->persist_at = 0;
	/* The override timeout: what the window takes goes, small or not
	 * (never nothing: with no window, a probe). */
	if (n > conn_usable_window(c))
		n = conn_usable_window(c);
	if (n > conn_smss(c))
		n = conn_smss(c);
	if (n > 0 && conn_can_send_data(c)) {
		send_new(c, n, now, out);
		persist_check(c, now);
		return;
	}
	conn_emit(c, TH_ACK, c->snd_una - 1, NULL, 0, now, out);
	conn_ev(out, CONN_EV_PROBE, c->snd_una - 1,
	        N_("zero window: probe sent"));
	c->persist_us *= 2;
	if (c->persist_us > c->cfg.rto_max_us)
		c->persist_us = c->cfg.rto_max_us;
	c->persist_at = now + c->persist_us;
}
