/*
 * conn.c: the TCP state machine of one endpoint (RFC 9293), sans I/O.
 *
 * The input path follows RFC 9293 section 3.10.7 step by step: one function
 * for each of CLOSED, LISTEN and SYN-SENT, then the checks of the other
 * states in the RFC's order (sequence number, RST, SYN, ACK, text, FIN),
 * with RFC 5961's challenge ACKs where it tightens them. Retransmission
 * follows RFC 6298, options RFC 7323 and Linux's choices (option order,
 * IP ids, minimum RTO, retry limits).
 *
 * This file must never do I/O, print, read a clock or keep global state:
 * the time comes in as now_us, everything else is in the struct conn, and
 * what happened goes out in the struct conn_out. Its one allocation is
 * the send buffer (see sndbuf_room and sndbuf_trim).
 */
#include <stdlib.h>
#include <string.h>

#include "common/conn.h"
#include "common/err.h"
#include "common/seq.h"

/* RFC 9293 3.7.1: without an MSS option the peer accepts 536 bytes. */
#define DEFAULT_MSS 536
/* RFC 7323 2.3: a shift above 14 is taken as 14. */
#define WSCALE_MAX 14
/* nop, nop, TS: the 12 bytes every segment carries with timestamps. */
#define TS_OPT_SPACE 12
/* RFC 6298 2.x: G, the clock granularity; our TS clock ticks in ms. */
#define CLOCK_G_US    1000
#define WIN_FIELD_MAX 65535u

static const char *const state_names[] = {
        [TCP_CLOSED] = "CLOSED",           [TCP_LISTEN] = "LISTEN",
        [TCP_SYN_SENT] = "SYN-SENT",       [TCP_SYN_RECEIVED] = "SYN-RECEIVED",
        [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN-WAIT-1",
        [TCP_FIN_WAIT_2] = "FIN-WAIT-2",   [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
        [TCP_CLOSING] = "CLOSING",         [TCP_LAST_ACK] = "LAST-ACK",
        [TCP_TIME_WAIT] = "TIME-WAIT",
};

const char *tcp_state_name(enum tcp_state st)
{
	if ((unsigned)st >= sizeof state_names / sizeof state_names[0])
		return "?";
	return state_names[st];
}

/* RFC 9293's diagram, as from -> to pairs (3.3.2, figure 5). */
static const struct {
	enum tcp_state from, to;
} edges[] = {
        {TCP_CLOSED, TCP_LISTEN},            /* passive OPEN */
        {TCP_CLOSED, TCP_SYN_SENT},          /* active OPEN, snd SYN */
        {TCP_LISTEN, TCP_SYN_RECEIVED},      /* rcv SYN, snd SYN,ACK */
        {TCP_LISTEN, TCP_SYN_SENT},          /* SEND, snd SYN */
        {TCP_SYN_SENT, TCP_SYN_RECEIVED},    /* rcv SYN, snd ACK */
        {TCP_SYN_SENT, TCP_ESTABLISHED},     /* rcv SYN,ACK, snd ACK */
        {TCP_SYN_RECEIVED, TCP_ESTABLISHED}, /* rcv ACK of SYN */
        {TCP_SYN_RECEIVED, TCP_FIN_WAIT_1},  /* CLOSE, snd FIN */
        {TCP_SYN_RECEIVED, TCP_LISTEN},      /* rcv RST after LISTEN */
        {TCP_ESTABLISHED, TCP_FIN_WAIT_1},   /* CLOSE, snd FIN */
        {TCP_ESTABLISHED, TCP_CLOSE_WAIT},   /* rcv FIN, snd ACK */
        {TCP_FIN_WAIT_1, TCP_FIN_WAIT_2},    /* rcv ACK of FIN */
        {TCP_FIN_WAIT_1, TCP_CLOSING},       /* rcv FIN, snd ACK */
        {TCP_FIN_WAIT_2, TCP_TIME_WAIT},     /* rcv FIN, snd ACK */
        {TCP_CLOSING, TCP_TIME_WAIT},        /* rcv ACK of FIN */
        {TCP_CLOSE_WAIT, TCP_LAST_ACK},      /* CLOSE, snd FIN */
        {TCP_LAST_ACK, TCP_CLOSED},          /* rcv ACK of FIN */
        {TCP_TIME_WAIT, TCP_CLOSED},         /* timeout = 2MSL */
};

bool tcp_transition_ok(enum tcp_state from, enum tcp_state to)
{
	size_t i;

	/* ABORT, a RST, or a retry limit: any state may end in CLOSED. */
	if (to == TCP_CLOSED && from != TCP_CLOSED)
		return true;
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		if (edges[i].from == from && edges[i].to == to)
			return true;
	return false;
}

void conn_cfg_linux(struct conn_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mss = 1460;
	cfg->wscale = 7;
	cfg->use_wscale = true;
	cfg->use_ts = true;
	cfg->use_sack = true;
	/* The article's Linux: 20 * 1460 in a SYN, then 229 << 7. */
	cfg->syn_win = 29200;
	cfg->rcv_wnd = 229u << 7;
	cfg->ttl = 64;
	cfg->ip_id = 1;
	cfg->rto_initial_us = 1000000;
	cfg->rto_min_us = 200000;
	cfg->rto_max_us = 120000000;
	cfg->syn_retries = 6;
	cfg->synack_retries = 5;
	cfg->data_retries = 15;
	cfg->time_wait_us = 60000000;
	cfg->fin_ack_delay_us = 40000;
}

uint32_t conn_ts_now(const struct conn *c, uint64_t now_us)
{
	/* TS val ticks once a millisecond and wraps like a sequence number. */
	return c->cfg.ts_offset + (uint32_t)(now_us / 1000);
}

void conn_set_rcv_wnd(struct conn *c, uint32_t bytes)
{
	c->rcv_wnd = bytes;
}

/* ---- Output: events and segments. ---- */

static void out_reset(struct conn_out *out)
{
	out->nseg = 0;
	out->seg_lost = 0;
	out->nev = 0;
	out->ev_lost = 0;
	out->data = NULL;
	out->data_len = 0;
}

static void event(struct conn_out *out, enum conn_event_kind kind, uint32_t n,
                  const char *reason)
{
	struct conn_event *e;

	if (out->nev >= CONN_OUT_EVENTS) {
		out->ev_lost++;
		return;
	}
	e = &out->ev[out->nev++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->n = n;
	e->reason = reason;
}

static void drop(struct conn_out *out, const char *reason)
{
	event(out, CONN_EV_DROP, 0, reason);
}

static void set_state(struct conn *c, enum tcp_state to, struct conn_out *out)
{
	enum tcp_state from = c->state;

	if (from == to)
		return;
	c->state = to;
	event(out, CONN_EV_STATE, 0, NULL);
	if (out->nev > 0 && out->ev[out->nev - 1].kind == CONN_EV_STATE) {
		out->ev[out->nev - 1].from = from;
		out->ev[out->nev - 1].to = to;
	}
}

/* CLOSED forgets every timer: nothing is left to send or to wait for. */
static void enter_closed(struct conn *c, struct conn_out *out)
{
	c->rtx_at = c->persist_at = c->ack_at = c->tw_at = 0;
	set_state(c, TCP_CLOSED, out);
}

/* A fresh segment in out with this conn's addresses, or NULL when full. */
static struct seg *seg_new(struct conn *c, struct conn_out *out)
{
	struct seg *s;

	if (out->nseg >= CONN_OUT_SEGS) {
		out->seg_lost++;
		return NULL;
	}
	s = &out->seg[out->nseg++];
	seg_init(s);
	if (c->cfg.ttl != 0)
		s->ip_ttl = c->cfg.ttl;
	s->saddr = c->laddr;
	s->daddr = c->raddr;
	s->sport = c->lport;
	s->dport = c->rport;
	s->ip_id = c->ip_id++;
	return s;
}

/* The window we offer, in bytes, as the peer sees it after scaling. */
static uint32_t rcv_window(const struct conn *c)
{
	uint32_t field;

	/* Until the handshake is over, the SYN's unscaled window holds. */
	if (c->state == TCP_SYN_RECEIVED || c->state == TCP_SYN_SENT)
		return c->cfg.syn_win;
	field = c->rcv_wnd >> c->rcv_wscale;
	if (field > WIN_FIELD_MAX)
		field = WIN_FIELD_MAX;
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
static struct seg *emit(struct conn *c, uint16_t flags, uint32_t seq,
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
		s->win = (uint16_t)(rcv_window(c) >> c->rcv_wscale);
		if (c->ts_ok && !(flags & TH_RST))
			seg_opt_linux_ts(s, ts_val, c->ts_recent);
	}
	/* Linux sends a SYN-ACK with IP id 0 and leaves its counter alone. */
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		s->ip_id = 0;
		c->ip_id--;
	}
	return s;
}

static void send_ack(struct conn *c, uint64_t now, struct conn_out *out)
{
	emit(c, TH_ACK, c->snd_nxt, NULL, 0, now, out);
}

/* The SYN (active) or SYN-ACK (passive, or simultaneous open) at iss. */
static void send_syn(struct conn *c, uint16_t flags, uint64_t now,
                     struct conn_out *out)
{
	emit(c, flags, c->iss, NULL, 0, now, out);
}

/*
 * RFC 9293 3.10.7.1: "If the incoming segment has an ACK field, the reset
 * takes its sequence number from the ACK field of the segment, otherwise
 * the reset has sequence number zero and the ACK field is set to the sum
 * of the sequence number and segment length of the incoming segment."
 * The reset goes back to where the segment came from.
 */
static void send_rst_reply(struct conn *c, const struct seg *in,
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

/* ---- Retransmission timer (RFC 6298). ---- */

static void rto_clamp(struct conn *c)
{
	if (c->rto_us < c->cfg.rto_min_us)
		c->rto_us = c->cfg.rto_min_us;
	if (c->rto_us > c->cfg.rto_max_us)
		c->rto_us = c->cfg.rto_max_us;
}

/* One round-trip measurement r, in microseconds. */
static void rtt_sample(struct conn *c, uint64_t r)
{
	uint64_t delta;

	if (!c->rtt_valid) {
		/* RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2. */
		c->srtt_us = r;
		c->rttvar_us = r / 2;
		c->rtt_valid = true;
	} else {
		/* RFC 6298 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then
		 * SRTT <- 7/8 SRTT + 1/8 R'. */
		delta = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + r) / 8;
	}
	/* RTO <- SRTT + max(G, K*RTTVAR) with K = 4. */
	c->rto_us =
	        c->srtt_us +
	        (4 * c->rttvar_us > CLOCK_G_US ? 4 * c->rttvar_us : CLOCK_G_US);
	rto_clamp(c);
}

/*
 * Takes an RTT sample from an ACK that acknowledges new data: from the
 * echoed timestamp when there is one (RFC 7323 4.1), otherwise from the
 * segment being timed, which Karn's rule forgets on a retransmission.
 */
static void rtt_from_ack(struct conn *c, const struct seg *in, uint64_t now)
{
	uint32_t ticks;

	if (c->ts_ok && (in->has & SEG_HAS_TS) && in->ts_ecr != 0) {
		ticks = conn_ts_now(c, now) - in->ts_ecr;
		if (ticks < 0x80000000u)
			rtt_sample(c, (uint64_t)ticks * 1000);
		c->rtt_timing = false;
		return;
	}
	if (c->rtt_timing && seq_geq(in->ack, c->rtt_seq)) {
		rtt_sample(c, now - c->rtt_start);
		c->rtt_timing = false;
	}
}

/* RFC 6298 5.1: start the timer, if it is not running, when sending
 * something that occupies sequence space. */
static void rtx_arm(struct conn *c, uint64_t now)
{
	if (c->rtx_at == 0)
		c->rtx_at = now + c->rto_us;
}

/* ---- Sending data. ---- */

/* Our data may go out until our FIN has. */
static bool can_send_data(const struct conn *c)
{
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_LAST_ACK:
		return !c->fin_sent;
	default:
		return false;
	}
}

/* Bytes of the send buffer never sent. */
static size_t unsent_len(const struct conn *c)
{
	size_t sent;

	/* Our FIN goes after the last byte: nothing is left behind it. */
	if (c->fin_sent)
		return 0;
	/* The buffer starts at snd_buf_seq; up to snd_nxt it has been sent. */
	sent = (size_t)seq_diff(c->snd_nxt, c->snd_buf_seq);
	return c->snd_buf_len - sent;
}

/* Bytes the peer's window still admits beyond snd_nxt. */
static uint32_t usable_window(const struct conn *c)
{
	/* The peer takes sequence numbers below snd_una + snd_wnd. */
	int32_t room = seq_diff(seq_add(c->snd_una, c->snd_wnd), c->snd_nxt);

	return room > 0 ? (uint32_t)room : 0;
}

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
	rtx_arm(c, now);
}

/*
 * RFC 9293 3.8.6.1: a sender facing a zero window must probe it. The
 * persist timer runs while data waits, the window is zero and nothing is
 * in flight (otherwise the retransmission timer draws the peer's ACK).
 */
static void persist_check(struct conn *c, uint64_t now)
{
	bool stuck = can_send_data(c) && unsent_len(c) > 0 && c->snd_wnd == 0 &&
	             c->snd_una == c->snd_nxt;

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

/* Sends what the window admits of the queued data, then a queued FIN. */
static void output(struct conn *c, uint64_t now, struct conn_out *out)
{
	size_t unsent, n;
	uint16_t flags;
	struct seg *s;

	if (!can_send_data(c))
		return;
	while ((unsent = unsent_len(c)) > 0) {
		/* A full out is no loss: conn_next_timer() says "now". */
		if (out->nseg >= CONN_OUT_SEGS)
			return;
		n = unsent < c->snd_mss ? unsent : c->snd_mss;
		if (n > usable_window(c))
			n = usable_window(c);
		if (n == 0)
			break;
		flags = TH_ACK;
		/* Like Linux, push the segment that ends what was written,
		 * and let a queued FIN ride on it. */
		if (n == unsent)
			flags |= TH_PSH | (c->fin_queued ? TH_FIN : 0);
		s = emit(c, flags, c->snd_nxt,
		         c->snd_buf + (c->snd_buf_len - unsent), n, now, out);
		if (s == NULL)
			break;
		sent_new(c, s, now);
	}
	if (c->fin_queued && !c->fin_sent && unsent_len(c) == 0) {
		s = emit(c, TH_FIN | TH_ACK, c->snd_nxt, NULL, 0, now, out);
		if (s != NULL)
			sent_new(c, s, now);
	}
	persist_check(c, now);
}

/* A zero-window probe: like Linux, an ACK one below snd_una, which the
 * peer finds old and answers with an ACK that carries its window. */
static void persist_fire(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->persist_at = 0;
	emit(c, TH_ACK, c->snd_una - 1, NULL, 0, now, out);
	event(out, CONN_EV_PROBE, c->snd_una - 1, "zero window: probe sent");
	c->persist_us *= 2;
	if (c->persist_us > c->cfg.rto_max_us)
		c->persist_us = c->cfg.rto_max_us;
	c->persist_at = now + c->persist_us;
}

/* RFC 9293 3.10.7.4, fifth, ESTABLISHED: "If SND.UNA < SEG.ACK =< SND.NXT,
 * then set SND.UNA <- SEG.ACK. Any segments on the retransmission queue
 * that are thereby entirely acknowledged are removed." */
static void ack_advance(struct conn *c, const struct seg *in, uint64_t now,
                        struct conn_out *out)
{
	size_t n = 0;

	rtt_from_ack(c, in, now);
	if (seq_gt(in->ack, c->snd_buf_seq)) {
		/* The ACK covers the buffer's first bytes, and perhaps one
		 * more for our FIN, which is not in the buffer. */
		n = (size_t)seq_diff(in->ack, c->snd_buf_seq);
		if (n > c->snd_buf_len)
			n = c->snd_buf_len;
		if (n > 0)
			memmove(c->snd_buf, c->snd_buf + n, c->snd_buf_len - n);
		c->snd_buf_len -= n;
		c->snd_buf_seq = seq_add(c->snd_buf_seq, (uint32_t)n);
	}
	c->snd_una = in->ack;
	c->retries = 0;
	if (n > 0)
		event(out, CONN_EV_ACKED, (uint32_t)n, NULL);
	/* RFC 6298 5.2 and 5.3: stop the timer when all is acknowledged,
	 * otherwise restart it. */
	c->rtx_at = c->snd_una == c->snd_nxt ? 0 : now + c->rto_us;
}

/* ---- Retransmission. ---- */

/* Resends the oldest unacknowledged data, with our FIN if it fits. */
static void retransmit_data(struct conn *c, uint64_t now, struct conn_out *out)
{
	/* In flight: snd_nxt - snd_una, less one for a FIN already sent. */
	uint32_t flight = (uint32_t)seq_diff(c->snd_nxt, c->snd_una);
	size_t off = (size_t)seq_diff(c->snd_una, c->snd_buf_seq);
	size_t n;
	uint16_t flags = TH_ACK;

	if (c->fin_sent)
		flight--;
	n = flight < c->snd_mss ? flight : c->snd_mss;
	if (n > 0 && n == flight)
		flags |= TH_PSH;
	if (c->fin_sent && seq_add(c->snd_una, (uint32_t)n) == c->fin_seq)
		flags |= TH_FIN;
	if (n == 0 && !(flags & TH_FIN))
		return;
	emit(c, flags, c->snd_una, n > 0 ? c->snd_buf + off : NULL, n, now,
	     out);
	event(out, CONN_EV_RETRANSMIT, c->snd_una, n > 0 ? "data" : "FIN");
}

static unsigned retry_limit(const struct conn *c)
{
	if (c->state == TCP_SYN_SENT)
		return c->cfg.syn_retries;
	if (c->state == TCP_SYN_RECEIVED)
		return c->cfg.synack_retries;
	return c->cfg.data_retries;
}

static void back_to_listen(struct conn *c, struct conn_out *out);

static void give_up(struct conn *c, struct conn_out *out)
{
	switch (c->state) {
	case TCP_SYN_SENT:
		event(out, CONN_EV_TIMEOUT, c->retries,
		      "SYN retries exhausted");
		break;
	case TCP_SYN_RECEIVED:
		event(out, CONN_EV_TIMEOUT, c->retries,
		      "SYN-ACK retries exhausted");
		if (c->passive) {
			back_to_listen(c, out);
			return;
		}
		break;
	default:
		event(out, CONN_EV_TIMEOUT, c->retries,
		      "retransmission retries exhausted");
		break;
	}
	enter_closed(c, out);
}

/* RFC 6298 5.4-5.6: on expiry, retransmit the earliest unacknowledged
 * segment, double the RTO (up to the maximum) and restart the timer. */
static void rtx_fire(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->rtx_at = 0;
	if (c->retries >= retry_limit(c)) {
		give_up(c, out);
		return;
	}
	c->retries++;
	/* Karn: an ACK of a retransmitted segment measures nothing. */
	c->rtt_timing = false;
	if (c->state == TCP_SYN_SENT) {
		send_syn(c, TH_SYN, now, out);
		event(out, CONN_EV_RETRANSMIT, c->iss, "SYN");
	} else if (c->state == TCP_SYN_RECEIVED) {
		send_syn(c, TH_SYN | TH_ACK, now, out);
		event(out, CONN_EV_RETRANSMIT, c->iss, "SYN-ACK");
	} else {
		retransmit_data(c, now, out);
	}
	c->rto_us *= 2;
	rto_clamp(c);
	c->rtx_at = now + c->rto_us;
}

/* ---- Opening. ---- */

/* A conn with nothing but its configuration and local endpoint. */
static void conn_init(struct conn *c, const struct conn_cfg *cfg,
                      uint32_t laddr, uint16_t lport)
{
	struct conn_cfg copy = *cfg;

	memset(c, 0, sizeof *c);
	c->cfg = copy;
	c->state = TCP_CLOSED;
	c->laddr = laddr;
	c->lport = lport;
	c->ip_id = copy.ip_id;
	c->rcv_wnd = copy.rcv_wnd;
	/* RFC 6298 2.1: until a measurement, RTO is 1 second. */
	c->rto_us = copy.rto_initial_us;
	c->snd_mss = DEFAULT_MSS;
}

int conn_listen(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                uint16_t lport)
{
	if (c == NULL || cfg == NULL)
		return TCPLAB_EINVAL;
	conn_init(c, cfg, laddr, lport);
	c->passive = true;
	c->state = TCP_LISTEN;
	return 0;
}

/* RFC 9293 3.10.7.4, fourth: a passive conn that is reset, or that sees a
 * new SYN, while in SYN-RECEIVED goes back to LISTEN. */
static void back_to_listen(struct conn *c, struct conn_out *out)
{
	struct conn_cfg cfg = c->cfg;
	enum tcp_state from = c->state;
	uint16_t ip_id = c->ip_id;

	/* Data queued in SYN-RECEIVED goes with the connection. */
	conn_release(c);
	conn_init(c, &cfg, c->laddr, c->lport);
	c->passive = true;
	c->ip_id = ip_id;
	c->state = from;
	set_state(c, TCP_LISTEN, out);
}

/* Sets our send sequence space after sending a SYN or SYN-ACK at iss. */
static void syn_sent_space(struct conn *c, uint64_t now)
{
	c->snd_una = c->iss;
	/* SYN occupies one sequence number: data starts at iss + 1. */
	c->snd_nxt = seq_add(c->iss, 1);
	c->snd_buf_seq = c->snd_nxt;
	c->rtt_timing = true;
	c->rtt_seq = c->snd_nxt;
	c->rtt_start = now;
	rtx_arm(c, now);
}

int conn_connect(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                 uint16_t lport, uint32_t raddr, uint16_t rport, uint32_t iss,
                 uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || cfg == NULL || out == NULL)
		return TCPLAB_EINVAL;
	out_reset(out);
	conn_init(c, cfg, laddr, lport);
	c->raddr = raddr;
	c->rport = rport;
	c->iss = iss;
	/* Data queued before the handshake ends waits behind the SYN. */
	c->snd_buf_seq = seq_add(iss, 1);
	set_state(c, TCP_SYN_SENT, out);
	send_syn(c, TH_SYN, now_us, out);
	syn_sent_space(c, now_us);
	return 0;
}

/*
 * What the peer's SYN tells us (RFC 9293 3.10.7.2, 3.10.7.3): its ISN, and
 * the options it offers. An option is in use only when both sides sent it.
 */
static void accept_syn(struct conn *c, const struct seg *in)
{
	uint32_t mss;

	c->irs = in->seq;
	/* SYN occupies one sequence number: the peer's data starts after. */
	c->rcv_nxt = seq_add(in->seq, 1);
	c->ts_ok = c->cfg.use_ts && (in->has & SEG_HAS_TS);
	c->sack_ok = c->cfg.use_sack && (in->has & SEG_HAS_SACKOK);
	c->wscale_ok = c->cfg.use_wscale && (in->has & SEG_HAS_WSCALE);
	if (c->ts_ok)
		c->ts_recent = in->ts_val;
	if (c->wscale_ok) {
		c->snd_wscale =
		        in->wscale > WSCALE_MAX ? WSCALE_MAX : in->wscale;
		c->rcv_wscale =
		        c->cfg.wscale > WSCALE_MAX ? WSCALE_MAX : c->cfg.wscale;
	} else {
		c->snd_wscale = c->rcv_wscale = 0;
	}
	mss = (in->has & SEG_HAS_MSS) ? in->mss : DEFAULT_MSS;
	if (mss > c->cfg.mss)
		mss = c->cfg.mss;
	/* Every segment carries 12 bytes of timestamps: less room for data. */
	if (c->ts_ok && mss > TS_OPT_SPACE)
		mss -= TS_OPT_SPACE;
	c->snd_mss = (uint16_t)mss;
	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	c->snd_wnd = in->win;
	c->snd_wl1 = in->seq;
	c->snd_wl2 = in->ack;
}

/* ---- Input: CLOSED, LISTEN, SYN-SENT (RFC 9293 3.10.7.1-3). ---- */

/* "An incoming segment containing a RST is discarded. An incoming segment
 * not containing a RST causes a RST to be sent in response." */
static void input_closed(struct conn *c, const struct seg *in,
                         struct conn_out *out)
{
	if (in->flags & TH_RST) {
		drop(out, "RST in CLOSED: ignored");
		return;
	}
	send_rst_reply(c, in, out);
	drop(out, "no connection: RST sent");
}

static void input_listen(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	/* "First, check for a RST: An incoming RST should be ignored." */
	if (in->flags & TH_RST) {
		drop(out, "RST in LISTEN: ignored");
		return;
	}
	/* "Second, check for an ACK: Any acknowledgment is bad if it arrives
	 * on a connection still in the LISTEN state. An acceptable reset
	 * segment should be formed ...: <SEQ=SEG.ACK><CTL=RST>" */
	if (in->flags & TH_ACK) {
		send_rst_reply(c, in, out);
		drop(out, "ACK in LISTEN: RST sent");
		return;
	}
	if (!(in->flags & TH_SYN)) {
		drop(out, "no SYN in LISTEN");
		return;
	}
	/* "Third, check for a SYN: ... Set RCV.NXT to SEG.SEQ+1, IRS is set
	 * to SEG.SEQ ... <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> ... SND.NXT is
	 * set to ISS+1 and SND.UNA to ISS. The connection state should be
	 * changed to SYN-RECEIVED." */
	c->raddr = in->saddr;
	c->rport = in->sport;
	if (c->laddr == 0)
		c->laddr = in->daddr;
	accept_syn(c, in);
	c->iss = c->cfg.iss;
	set_state(c, TCP_SYN_RECEIVED, out);
	send_syn(c, TH_SYN | TH_ACK, now, out);
	syn_sent_space(c, now);
	if (in->payload_len > 0 || (in->flags & TH_FIN))
		drop(out, "data or FIN on a SYN: not queued");
}

/* Enters ESTABLISHED, or FIN-WAIT-1 at once if the application has
 * closed already (RFC 9293 3.10.4: the close was queued). */
static void established(struct conn *c, struct conn_out *out)
{
	set_state(c, TCP_ESTABLISHED, out);
	if (c->fin_queued)
		set_state(c, TCP_FIN_WAIT_1, out);
}

/* RFC 9293 3.10.7.3, fourth: the SYN-ACK. "If SND.UNA > ISS (our SYN has
 * been ACKed), change the connection state to ESTABLISHED, form an ACK
 * segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it." Otherwise
 * (simultaneous open): "enter SYN-RECEIVED, form a SYN,ACK segment
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it." */
static void syn_sent_syn(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	accept_syn(c, in);
	if (!(in->flags & TH_ACK)) {
		set_state(c, TCP_SYN_RECEIVED, out);
		send_syn(c, TH_SYN | TH_ACK, now, out);
		return;
	}
	ack_advance(c, in, now, out);
	established(c, out);
	send_ack(c, now, out);
	if (in->payload_len > 0 || (in->flags & TH_FIN))
		drop(out, "data or FIN on a SYN-ACK: not queued");
	output(c, now, out);
}

static void input_syn_sent(struct conn *c, const struct seg *in, uint64_t now,
                           struct conn_out *out)
{
	bool ack = in->flags & TH_ACK;

	/* "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the
	 * RST bit is set, if so drop the segment and return)
	 * <SEQ=SEG.ACK><CTL=RST>" */
	if (ack && (seq_leq(in->ack, c->iss) || seq_gt(in->ack, c->snd_nxt))) {
		if (in->flags & TH_RST) {
			drop(out, "RST with an ACK that is not of our SYN");
			return;
		}
		send_rst_reply(c, in, out);
		drop(out, "ACK is not of our SYN: RST sent");
		return;
	}
	/* "If the ACK was acceptable, then signal to the user 'error:
	 * connection reset', drop the segment, enter CLOSED state ...
	 * Otherwise (no ACK), drop the segment and return." */
	if (in->flags & TH_RST) {
		if (!ack) {
			drop(out, "RST without ACK in SYN-SENT");
			return;
		}
		event(out, CONN_EV_RESET, in->seq, "connection refused");
		enter_closed(c, out);
		return;
	}
	if (!(in->flags & TH_SYN)) {
		drop(out, "neither SYN nor RST in SYN-SENT");
		return;
	}
	syn_sent_syn(c, in, now, out);
}

/* ---- Input: the synchronized states (RFC 9293 3.10.7.4). ---- */

/*
 * The segment acceptance test: "Segment Length / Receive Window / Test:
 * 0 / 0 / SEG.SEQ = RCV.NXT; 0 / >0 / RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND;
 * >0 / 0 / not acceptable; >0 / >0 / RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 * or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND". SEG.LEN counts SYN
 * and FIN.
 */
static bool acceptable(const struct conn *c, const struct seg *in)
{
	uint32_t len = seg_seq_len(in);
	uint32_t wnd = rcv_window(c);
	uint32_t end = seq_add(c->rcv_nxt, wnd);

	if (len == 0 && wnd == 0)
		return in->seq == c->rcv_nxt;
	if (len == 0)
		return seq_in_window(in->seq, c->rcv_nxt, end);
	if (wnd == 0)
		return false;
	/* The segment's last sequence number is SEG.SEQ + SEG.LEN - 1. */
	return seq_in_window(in->seq, c->rcv_nxt, end) ||
	       seq_in_window(seq_add(in->seq, len - 1), c->rcv_nxt, end);
}

/* Why a segment failed the acceptance test, for the trace. */
static const char *unacceptable_reason(const struct conn *c,
                                       const struct seg *in)
{
	uint32_t len = seg_seq_len(in);

	if (c->state == TCP_TIME_WAIT && (in->flags & TH_FIN))
		return "FIN again in TIME-WAIT: ACK sent, 2MSL restarted";
	/* Everything in it lies below RCV.NXT: the peer sent it again. */
	if (len > 0 && seq_leq(seq_add(in->seq, len), c->rcv_nxt))
		return "retransmission of what we have: ACK sent";
	return "out of window: ACK sent";
}

/* First, check the sequence number (and RFC 7323 5.3, PAWS). */
static bool check_seq(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	/* "If ... SEG.TSval < TS.Recent ... then the segment is not
	 * acceptable ... send an acknowledgment in reply" (RFC 7323 5.3). */
	if (c->ts_ok && (in->has & SEG_HAS_TS) && !(in->flags & TH_RST) &&
	    seq_lt(in->ts_val, c->ts_recent)) {
		send_ack(c, now, out);
		drop(out, "PAWS: timestamp older than TS.Recent, ACK sent");
		return false;
	}
	if (acceptable(c, in))
		return true;
	/* "If an incoming segment is not acceptable, an acknowledgment
	 * should be sent in reply (unless the RST bit is set, if so drop the
	 * segment and return)" */
	if (in->flags & TH_RST) {
		drop(out, "RST out of window: dropped");
		return false;
	}
	/* "TIME-WAIT STATE: ... Restart the 2 MSL time-wait timeout." */
	if (c->state == TCP_TIME_WAIT && (in->flags & TH_FIN))
		c->tw_at = now + c->cfg.time_wait_us;
	send_ack(c, now, out);
	drop(out, unacceptable_reason(c, in));
	return false;
}

static void enter_time_wait(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->rtx_at = c->persist_at = 0;
	c->tw_at = now + c->cfg.time_wait_us;
	set_state(c, TCP_TIME_WAIT, out);
}

/*
 * Second, check the RST bit, as RFC 5961 3.2 tightens it: "If the RST bit
 * is set and the sequence number exactly matches the next expected
 * sequence number (RCV.NXT), then TCP MUST reset the connection ...
 * [otherwise] TCP MUST send an ACK (challenge ACK)".
 */
static void check_rst(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	const char *why;

	if (in->seq != c->rcv_nxt) {
		send_ack(c, now, out);
		drop(out, "RST not at RCV.NXT: challenge ACK");
		return;
	}
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		if (c->passive) {
			event(out, CONN_EV_RESET, in->seq,
			      "reset by peer: back to LISTEN");
			back_to_listen(c, out);
			return;
		}
		why = "connection refused";
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		why = "connection reset by peer";
		break;
	default:
		why = "reset by peer while closing";
		break;
	}
	event(out, CONN_EV_RESET, in->seq, why);
	enter_closed(c, out);
}

/*
 * Fourth, check the SYN bit. "SYN-RECEIVED STATE: If the connection was
 * initiated with a passive OPEN, then return this connection to the LISTEN
 * state and return." Otherwise, RFC 5961 4.2: "TCP MUST send an ACK (also
 * referred to as challenge ACK) to the remote peer ... After sending the
 * acknowledgment, TCP MUST drop the unacceptable segment".
 */
static void check_syn(struct conn *c, uint64_t now, struct conn_out *out)
{
	if (c->state == TCP_SYN_RECEIVED && c->passive) {
		drop(out, "new SYN in SYN-RECEIVED: back to LISTEN");
		back_to_listen(c, out);
		return;
	}
	send_ack(c, now, out);
	drop(out, "SYN in a synchronized state: challenge ACK");
}

/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and
 * continue processing with the variables below set to: SND.WND <- SEG.WND,
 * SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK. If the segment acknowledgment is
 * not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>" */
static bool syn_rcvd_ack(struct conn *c, const struct seg *in,
                         struct conn_out *out)
{
	if (!seq_lt(c->snd_una, in->ack) || seq_gt(in->ack, c->snd_nxt)) {
		send_rst_reply(c, in, out);
		drop(out, "bad ACK in SYN-RECEIVED: RST sent");
		return false;
	}
	established(c, out);
	/* RFC 7323 2.3: from now on the peer's window field is scaled. */
	c->snd_wnd = (uint32_t)in->win << c->snd_wscale;
	c->snd_wl1 = in->seq;
	c->snd_wl2 = in->ack;
	return true;
}

/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If
 * (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
 * SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK." */
static void window_update(struct conn *c, const struct seg *in)
{
	if (seq_lt(c->snd_wl1, in->seq) ||
	    (c->snd_wl1 == in->seq && seq_leq(c->snd_wl2, in->ack))) {
		c->snd_wnd = (uint32_t)in->win << c->snd_wscale;
		c->snd_wl1 = in->seq;
		c->snd_wl2 = in->ack;
	}
}

/* The closing states' part of the fifth step. Returns false when the
 * segment needs no further processing. */
static bool ack_closing(struct conn *c, uint64_t now, struct conn_out *out)
{
	/* Our FIN is acknowledged when SND.UNA has moved past it. */
	bool fin_acked = c->fin_sent && seq_gt(c->snd_una, c->fin_seq);

	switch (c->state) {
	case TCP_FIN_WAIT_1:
		/* "if the FIN segment is now acknowledged, then enter
		 * FIN-WAIT-2 and continue processing in that state." */
		if (fin_acked)
			set_state(c, TCP_FIN_WAIT_2, out);
		return true;
	case TCP_CLOSING:
		/* "if the ACK acknowledges our FIN, then enter the TIME-WAIT
		 * state; otherwise, ignore the segment." */
		if (fin_acked)
			enter_time_wait(c, now, out);
		return false;
	case TCP_LAST_ACK:
		/* "If our FIN is now acknowledged, delete the TCB, enter the
		 * CLOSED state, and return." */
		if (fin_acked) {
			enter_closed(c, out);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/* Fifth, check the ACK field. */
static bool check_ack(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	if (c->state == TCP_SYN_RECEIVED && !syn_rcvd_ack(c, in, out))
		return false;
	/* "If the ACK acknowledges something not yet sent (SEG.ACK >
	 * SND.NXT), then send an ACK, drop the segment, and return." */
	if (seq_gt(in->ack, c->snd_nxt)) {
		send_ack(c, now, out);
		drop(out, "ACK of something not yet sent: ACK sent");
		return false;
	}
	/* "If the ACK is a duplicate (SEG.ACK < SND.UNA), it can be
	 * ignored." */
	if (seq_lt(c->snd_una, in->ack))
		ack_advance(c, in, now, out);
	if (seq_leq(c->snd_una, in->ack))
		window_update(c, in);
	return ack_closing(c, now, out);
}

/* RFC 7323 4.3: "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent,
 * then SEG.TSval is copied to TS.Recent". */
static void ts_update(struct conn *c, const struct seg *in)
{
	if (c->ts_ok && (in->has & SEG_HAS_TS) &&
	    seq_geq(in->ts_val, c->ts_recent) &&
	    seq_leq(in->seq, c->last_ack_sent))
		c->ts_recent = in->ts_val;
}

/*
 * With cfg.data_ack_delay_us, the ACK of data waits for the application's
 * answer to carry it; conn_timer() sends it alone when the delay runs
 * out. A second segment while one ACK is owed is acknowledged at once, as
 * RFC 1122 (4.2.3.2) asks of every second full-sized segment.
 */
static void data_ack_later(struct conn *c, uint64_t now)
{
	if (c->cfg.data_ack_delay_us == 0 || c->ack_at != 0) {
		c->ack_now = true;
		return;
	}
	c->ack_at = now + c->cfg.data_ack_delay_us;
}

/*
 * Seventh, process the segment text: deliver the in-order bytes we do not
 * have yet, up to our window, and owe an ACK for them. Out-of-order data
 * is not queued: a duplicate ACK tells the peer what we still need.
 * Returns true when everything before the segment's FIN has arrived.
 */
static bool process_text(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	uint32_t end = seq_add(in->seq, (uint32_t)in->payload_len);
	int32_t have;
	size_t n;

	if (in->payload_len == 0)
		return end == c->rcv_nxt;
	/* "CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: This should not occur
	 * since a FIN has been received from the remote side. Ignore the
	 * segment text." */
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return false;
	/* The first `have` bytes of the segment are below RCV.NXT. */
	have = seq_diff(c->rcv_nxt, in->seq);
	if (have < 0) {
		c->ack_now = true;
		drop(out, "out of order: not queued, duplicate ACK sent");
		return false;
	}
	if ((size_t)have >= in->payload_len)
		return end == c->rcv_nxt;
	n = in->payload_len - (size_t)have;
	if (n > rcv_window(c))
		n = rcv_window(c);
	out->data = in->payload + have;
	out->data_len = n;
	/* The next byte we expect follows the n bytes just delivered. */
	c->rcv_nxt = seq_add(c->rcv_nxt, (uint32_t)n);
	event(out, CONN_EV_DATA, (uint32_t)n, NULL);
	data_ack_later(c, now);
	return end == c->rcv_nxt;
}

/*
 * The ACK of the peer's FIN waits a moment in ESTABLISHED: an application
 * usually closes as soon as it reads the end of the stream, and then our
 * FIN carries the ACK, as Linux's delayed ACK makes it do (segment 9 of
 * the reference exchange, "F.").
 */
static void fin_ack_later(struct conn *c, uint64_t now)
{
	if (c->cfg.fin_ack_delay_us == 0) {
		c->ack_now = true;
		return;
	}
	c->ack_now = false;
	c->ack_at = now + c->cfg.fin_ack_delay_us;
}

/* Eighth, check the FIN bit; the FIN is in sequence. */
static void process_fin(struct conn *c, const struct seg *in, uint64_t now,
                        struct conn_out *out)
{
	/* FIN occupies one sequence number. */
	c->rcv_nxt = seq_add(c->rcv_nxt, 1);
	event(out, CONN_EV_PEER_FIN,
	      seq_add(in->seq, (uint32_t)in->payload_len), NULL);
	switch (c->state) {
	case TCP_ESTABLISHED:
		/* "Enter the CLOSE-WAIT state." */
		set_state(c, TCP_CLOSE_WAIT, out);
		fin_ack_later(c, now);
		return;
	case TCP_FIN_WAIT_1:
		/* Our FIN is not acknowledged yet, or the fifth step would
		 * have moved us to FIN-WAIT-2: "enter the CLOSING state." */
		set_state(c, TCP_CLOSING, out);
		break;
	case TCP_FIN_WAIT_2:
		/* "Enter the TIME-WAIT state. Start the time-wait timer" */
		enter_time_wait(c, now, out);
		break;
	default:
		break;
	}
	c->ack_now = true;
}

/*
 * A SYN with the peer's ISN again, in SYN-RECEIVED. Without ACK it is the
 * peer's SYN retransmitted: our SYN-ACK was lost, send it again. With ACK
 * it is the peer's SYN-ACK of a simultaneous open: its SYN we have, its
 * ACK is new. Returns the segment left to process, or NULL.
 */
static const struct seg *syn_rcvd_syn_again(struct conn *c,
                                            const struct seg *in,
                                            struct seg *trimmed, uint64_t now,
                                            struct conn_out *out)
{
	if (!(in->flags & TH_ACK)) {
		send_syn(c, TH_SYN | TH_ACK, now, out);
		event(out, CONN_EV_RETRANSMIT, c->iss,
		      "SYN-ACK (duplicate SYN)");
		return NULL;
	}
	*trimmed = *in;
	trimmed->flags &= (uint16_t)~TH_SYN;
	/* Past the SYN's one sequence number, the segment starts at irs+1. */
	trimmed->seq = seq_add(in->seq, 1);
	/* A SYN's window is not scaled, but the rest of the path will scale
	 * it: shift it down first (rounding down is the safe side). */
	trimmed->win = (uint16_t)(in->win >> c->snd_wscale);
	return trimmed;
}

static void input_sync(struct conn *c, const struct seg *in, uint64_t now,
                       struct conn_out *out)
{
	struct seg trimmed;

	if (c->state == TCP_SYN_RECEIVED && (in->flags & TH_SYN) &&
	    !(in->flags & TH_RST) && in->seq == c->irs) {
		in = syn_rcvd_syn_again(c, in, &trimmed, now, out);
		if (in == NULL)
			return;
	}
	if (!check_seq(c, in, now, out))
		return;
	if (in->flags & TH_RST) {
		check_rst(c, in, now, out);
		return;
	}
	if (in->flags & TH_SYN) {
		check_syn(c, now, out);
		return;
	}
	if (!(in->flags & TH_ACK)) {
		drop(out, "no ACK bit: dropped");
		return;
	}
	if (!check_ack(c, in, now, out))
		return;
	ts_update(c, in);
	if (process_text(c, in, now, out) && (in->flags & TH_FIN))
		process_fin(c, in, now, out);
	output(c, now, out);
	if (c->ack_now)
		send_ack(c, now, out);
}

/* ---- The interface. ---- */

/* Is the segment for this conn: our port and address, the peer's? */
static bool seg_for_us(const struct conn *c, const struct seg *in)
{
	if (in->dport != c->lport || (c->laddr != 0 && in->daddr != c->laddr))
		return false;
	if (c->state == TCP_LISTEN)
		return true;
	return in->saddr == c->raddr && in->sport == c->rport;
}

/* ---- The send buffer. ---- */

/*
 * Room for need bytes in the send buffer (need is at most
 * CONN_SNDBUF_SIZE): it starts at 1 KB and doubles. Only conn_send()
 * grows it, before anything of its call points into it. False when
 * memory is short.
 */
static bool sndbuf_room(struct conn *c, size_t need)
{
	size_t cap = c->snd_buf_cap ? c->snd_buf_cap : 1024;
	uint8_t *b;

	if (need <= c->snd_buf_cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > CONN_SNDBUF_SIZE)
		cap = CONN_SNDBUF_SIZE;
	b = realloc(c->snd_buf, cap);
	if (b == NULL)
		return false;
	c->snd_buf = b;
	c->snd_buf_cap = cap;
	return true;
}

/* Frees the send buffer once it is empty, or once the conn is CLOSED
 * (reset, or given up: it will never send again), unless a segment of out
 * points into it. */
static void sndbuf_trim(struct conn *c, const struct conn_out *out)
{
	unsigned i;

	if (c->snd_buf == NULL ||
	    (c->snd_buf_len > 0 && c->state != TCP_CLOSED))
		return;
	for (i = 0; i < out->nseg; i++)
		if (out->seg[i].payload_len > 0 &&
		    out->seg[i].payload >= c->snd_buf &&
		    out->seg[i].payload < c->snd_buf + c->snd_buf_cap)
			return;
	conn_release(c);
}

void conn_release(struct conn *c)
{
	if (c == NULL)
		return;
	free(c->snd_buf);
	c->snd_buf = NULL;
	c->snd_buf_cap = 0;
}

int conn_input(struct conn *c, const struct seg *in, uint64_t now_us,
               struct conn_out *out)
{
	if (c == NULL || in == NULL || out == NULL)
		return TCPLAB_EINVAL;
	out_reset(out);
	c->ack_now = false;
	if (c->state != TCP_CLOSED && !seg_for_us(c, in)) {
		drop(out, "not for this connection");
		return 0;
	}
	switch (c->state) {
	case TCP_CLOSED:
		input_closed(c, in, out);
		break;
	case TCP_LISTEN:
		input_listen(c, in, now_us, out);
		break;
	case TCP_SYN_SENT:
		input_syn_sent(c, in, now_us, out);
		break;
	default:
		input_sync(c, in, now_us, out);
		break;
	}
	sndbuf_trim(c, out);
	return 0;
}

int conn_timer(struct conn *c, uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || out == NULL)
		return TCPLAB_EINVAL;
	out_reset(out);
	if (c->tw_at != 0 && now_us >= c->tw_at) {
		/* "If the time-wait timeout expires on a connection, delete
		 * the TCB, enter the CLOSED state, and return." */
		enter_closed(c, out);
		return 0;
	}
	if (c->ack_at != 0 && now_us >= c->ack_at)
		send_ack(c, now_us, out);
	if (c->rtx_at != 0 && now_us >= c->rtx_at)
		rtx_fire(c, now_us, out);
	if (c->persist_at != 0 && now_us >= c->persist_at)
		persist_fire(c, now_us, out);
	/* Data that did not fit in an earlier call's out goes now. */
	output(c, now_us, out);
	sndbuf_trim(c, out);
	return 0;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

uint64_t conn_next_timer(const struct conn *c)
{
	uint64_t t;

	/* Sendable data left over (out was full) is due at once. */
	if (can_send_data(c) && unsent_len(c) > 0 && usable_window(c) > 0)
		return 0;
	t = earliest(earliest(c->rtx_at, c->persist_at),
	             earliest(c->ack_at, c->tw_at));
	return t == 0 ? UINT64_MAX : t;
}

int conn_send(struct conn *c, const uint8_t *data, size_t len, uint64_t now_us,
              struct conn_out *out)
{
	size_t n;

	if (c == NULL || out == NULL || (data == NULL && len > 0))
		return TCPLAB_EINVAL;
	out_reset(out);
	/* RFC 9293 3.10.2: data may be queued from SYN-SENT on, and sent
	 * until the application closes. */
	if (c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED &&
	    c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return TCPLAB_EINVAL;
	if (c->fin_queued)
		return TCPLAB_EINVAL;
	n = CONN_SNDBUF_SIZE - c->snd_buf_len;
	if (n > len)
		n = len;
	/* Short of memory, take what the buffer already has room for. */
	if (n > 0 && !sndbuf_room(c, c->snd_buf_len + n))
		n = c->snd_buf_cap - c->snd_buf_len;
	if (n > 0) {
		memcpy(c->snd_buf + c->snd_buf_len, data, n);
		c->snd_buf_len += n;
	}
	output(c, now_us, out);
	return (int)n;
}

/*
 * RFC 9293 3.10.4. LISTEN and SYN-SENT close at once. SYN-RECEIVED queues
 * the FIN until ESTABLISHED. ESTABLISHED goes to FIN-WAIT-1 and
 * CLOSE-WAIT to LAST-ACK; the FIN follows the queued data.
 */
int conn_close(struct conn *c, uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || out == NULL)
		return TCPLAB_EINVAL;
	out_reset(out);
	switch (c->state) {
	case TCP_LISTEN:
	case TCP_SYN_SENT:
		enter_closed(c, out);
		return 0;
	case TCP_SYN_RECEIVED:
		c->fin_queued = true;
		return 0;
	case TCP_ESTABLISHED:
		set_state(c, TCP_FIN_WAIT_1, out);
		break;
	case TCP_CLOSE_WAIT:
		set_state(c, TCP_LAST_ACK, out);
		break;
	default:
		return TCPLAB_EINVAL;
	}
	c->fin_queued = true;
	output(c, now_us, out);
	return 0;
}

/*
 * RFC 9293 3.10.5: "SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2,
 * CLOSE-WAIT STATES: Send a reset segment: <SEQ=SND.NXT><CTL=RST>". Like
 * Linux, the reset also carries an ACK. Other states just close.
 */
void conn_unsent(struct conn *c, const struct seg *s)
{
	if (c != NULL && s != NULL && seq_lt(s->seq, c->snd_nxt))
		c->snd_nxt = s->seq;
}

int conn_abort(struct conn *c, uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || out == NULL)
		return TCPLAB_EINVAL;
	out_reset(out);
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		emit(c, TH_RST | TH_ACK, c->snd_nxt, NULL, 0, now_us, out);
		event(out, CONN_EV_RESET, c->snd_nxt, "aborted: RST sent");
		break;
	default:
		event(out, CONN_EV_RESET, 0, "aborted");
		break;
	}
	enter_closed(c, out);
	return 0;
}
