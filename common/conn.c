/*
 * conn.c: the interface of the TCP state machine (RFC 9293), sans I/O.
 *
 * Here are the calls a program makes: opening (conn_listen, conn_connect),
 * conn_input, which hands a segment to the input path of the state it
 * finds (conn_in.c), the timers, and the application's send, close and
 * abort. Every call starts the same way (an empty conn_out) and ends the
 * same way (the send buffer freed when it is empty). Also here: the state
 * names and RFC 9293's diagram, events, and the send buffer, the conn's
 * one allocation on the sending side.
 *
 * This file must never do I/O, print, read a clock or keep global state:
 * the time comes in as now_us, everything else is in the struct conn, and
 * what happened goes out in the struct conn_out.
 */
#include <stdlib.h>
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/err.h"
#include "common/seq.h"
#include "common/tr.h"

/* RFC 9293's names, marked for the translators: a reader's language
 * gives each its own name beside the RFC's (annot_note.c). */
static const char *const state_names[] = {
        [TCP_CLOSED] = NC_("state", "CLOSED"),
        [TCP_LISTEN] = NC_("state", "LISTEN"),
        [TCP_SYN_SENT] = NC_("state", "SYN-SENT"),
        [TCP_SYN_RECEIVED] = NC_("state", "SYN-RECEIVED"),
        [TCP_ESTABLISHED] = NC_("state", "ESTABLISHED"),
        [TCP_FIN_WAIT_1] = NC_("state", "FIN-WAIT-1"),
        [TCP_FIN_WAIT_2] = NC_("state", "FIN-WAIT-2"),
        [TCP_CLOSE_WAIT] = NC_("state", "CLOSE-WAIT"),
        [TCP_CLOSING] = NC_("state", "CLOSING"),
        [TCP_LAST_ACK] = NC_("state", "LAST-ACK"),
        [TCP_TIME_WAIT] = NC_("state", "TIME-WAIT"),
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
	cfg->challenge_gap_us = 500000;
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

/* ---- Events and states. ---- */

static void out_reset(struct conn_out *out)
{
	out->nseg = 0;
	out->seg_lost = 0;
	out->nev = 0;
	out->ev_lost = 0;
	out->data = NULL;
	out->data_len = 0;
}

int conn_consume(struct conn *c, uint32_t n, uint64_t now_us,
                 struct conn_out *out)
{
	uint32_t before;

	if (c == NULL || out == NULL || !c->cfg.app_reads)
		return TCPLAB_EINVAL;
	out_reset(out);
	before = conn_rcv_window(c);
	c->rcv_unread -= n < c->rcv_unread ? n : c->rcv_unread;
	/* A window update, in the states that still take data. */
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	     c->state == TCP_FIN_WAIT_2) &&
	    conn_rcv_window(c) > before)
		conn_send_ack(c, now_us, out);
	return 0;
}

void conn_ev(struct conn_out *out, enum conn_event_kind kind, uint32_t n,
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

void conn_drop(struct conn_out *out, const char *reason)
{
	conn_ev(out, CONN_EV_DROP, 0, reason);
}

void conn_set_state(struct conn *c, enum tcp_state to, struct conn_out *out)
{
	enum tcp_state from = c->state;

	if (from == to)
		return;
	c->state = to;
	conn_ev(out, CONN_EV_STATE, 0, NULL);
	if (out->nev > 0 && out->ev[out->nev - 1].kind == CONN_EV_STATE) {
		out->ev[out->nev - 1].from = from;
		out->ev[out->nev - 1].to = to;
	}
}

void conn_enter_closed(struct conn *c, struct conn_out *out)
{
	c->rtx_at = c->persist_at = c->ack_at = c->tw_at = 0;
	/* Nor is anything left over from a full out to send. */
	c->out_more = false;
	/* Out-of-order data will never be delivered; the next call frees
	 * its buffer (this one may have delivered from it). */
	c->rq_n = 0;
	c->rq_fin = false;
	conn_set_state(c, TCP_CLOSED, out);
}

/* ---- Opening. ---- */

/* A conn with nothing but its configuration and local endpoint. */
static void conn_init(struct conn *c, const struct conn_cfg *cfg,
                      const struct ipaddr *laddr, uint16_t lport)
{
	struct conn_cfg copy = *cfg;

	memset(c, 0, sizeof *c);
	c->cfg = copy;
	c->state = TCP_CLOSED;
	c->laddr = *laddr;
	c->lport = lport;
	c->ip_id = copy.ip_id;
	c->rcv_wnd = copy.rcv_wnd;
	/* RFC 6298 2.1: until a measurement, RTO is 1 second. */
	c->rto_us = copy.rto_initial_us;
	c->snd_mss = CONN_DEFAULT_MSS;
}

int conn_listen_at(struct conn *c, const struct conn_cfg *cfg,
                   const struct ipaddr *laddr, uint16_t lport)
{
	if (c == NULL || cfg == NULL || laddr == NULL)
		return TCPLAB_EINVAL;
	conn_init(c, cfg, laddr, lport);
	c->passive = true;
	c->state = TCP_LISTEN;
	return 0;
}

/* RFC 9293 3.10.7.4, fourth: a passive conn that is reset, or that sees a
 * new SYN, while in SYN-RECEIVED goes back to LISTEN. */
void conn_back_to_listen(struct conn *c, struct conn_out *out)
{
	struct conn_cfg cfg = c->cfg;
	struct ipaddr laddr = c->laddr;
	enum tcp_state from = c->state;
	uint16_t ip_id = c->ip_id;

	/* Data queued in SYN-RECEIVED goes with the connection. */
	conn_release(c);
	conn_init(c, &cfg, &laddr, c->lport);
	c->passive = true;
	c->ip_id = ip_id;
	c->state = from;
	conn_set_state(c, TCP_LISTEN, out);
}

int conn_connect_to(struct conn *c, const struct conn_cfg *cfg,
                    const struct ipaddr *laddr, uint16_t lport,
                    const struct ipaddr *raddr, uint16_t rport, uint32_t iss,
                    uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || cfg == NULL || out == NULL || laddr == NULL ||
	    raddr == NULL || ipaddr_is4(laddr) != ipaddr_is4(raddr))
		return TCPLAB_EINVAL;
	out_reset(out);
	conn_init(c, cfg, laddr, lport);
	c->raddr = *raddr;
	c->rport = rport;
	c->iss = iss;
	/* Data queued before the handshake ends waits behind the SYN. */
	c->snd_buf_seq = seq_add(iss, 1);
	conn_set_state(c, TCP_SYN_SENT, out);
	conn_send_syn(c, TH_SYN, now_us, out);
	conn_syn_sent_space(c, now_us);
	return 0;
}

/* ---- The send buffer. ---- */

/*
 * Room for need bytes in the send buffer (need is at most
 * sndbuf_max()): it starts at 1 KB and doubles. Only conn_send()
 * grows it, before anything of its call points into it. False when
 * memory is short.
 */
static size_t sndbuf_max(const struct conn *c)
{
	if (c->cfg.sndbuf == 0)
		return CONN_SNDBUF_SIZE;
	return c->cfg.sndbuf < CONN_SNDBUF_MAX ? c->cfg.sndbuf
	                                       : CONN_SNDBUF_MAX;
}

static bool sndbuf_room(struct conn *c, size_t need)
{
	size_t cap = c->snd_buf_cap ? c->snd_buf_cap : 1024;
	uint8_t *b;

	if (need <= c->snd_buf_cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > sndbuf_max(c))
		cap = sndbuf_max(c);
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
	free(c->snd_buf);
	c->snd_buf = NULL;
	c->snd_buf_cap = 0;
}

void conn_release(struct conn *c)
{
	if (c == NULL)
		return;
	free(c->snd_buf);
	c->snd_buf = NULL;
	c->snd_buf_cap = 0;
	conn_reass_free(c);
}

/* ---- Every call's start and end. ---- */

static void call_begin(struct conn *c, struct conn_out *out)
{
	out_reset(out);
	conn_reass_tidy(c);
}

static void call_end(struct conn *c, struct conn_out *out)
{
	sndbuf_trim(c, out);
}

int conn_listen(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                uint16_t lport)
{
	struct ipaddr l = ipaddr_of4(laddr);

	return conn_listen_at(c, cfg, &l, lport);
}

int conn_connect(struct conn *c, const struct conn_cfg *cfg, uint32_t laddr,
                 uint16_t lport, uint32_t raddr, uint16_t rport, uint32_t iss,
                 uint64_t now_us, struct conn_out *out)
{
	struct ipaddr l = ipaddr_of4(laddr), r = ipaddr_of4(raddr);

	return conn_connect_to(c, cfg, &l, lport, &r, rport, iss, now_us, out);
}

/* ---- The interface. ---- */

/* Is the segment for this conn: our port and address, the peer's? */
static bool seg_for_us(const struct conn *c, const struct seg *in)
{
	struct ipaddr src = seg_src(in), dst = seg_dst(in);

	if (in->dport != c->lport)
		return false;
	if (ipaddr_any(&c->laddr) ? ipaddr_is4(&c->laddr) != ipaddr_is4(&dst)
	                          : !ipaddr_eq(&c->laddr, &dst))
		return false;
	if (c->state == TCP_LISTEN)
		return true;
	return ipaddr_eq(&src, &c->raddr) && in->sport == c->rport;
}

int conn_input(struct conn *c, const struct seg *in, uint64_t now_us,
               struct conn_out *out)
{
	if (c == NULL || in == NULL || out == NULL)
		return TCPLAB_EINVAL;
	call_begin(c, out);
	c->ack_now = false;
	if (c->state != TCP_CLOSED && !seg_for_us(c, in)) {
		conn_drop(out, N_("not for this connection"));
		return 0;
	}
	switch (c->state) {
	case TCP_CLOSED:
		conn_in_closed(c, in, out);
		break;
	case TCP_LISTEN:
		conn_in_listen(c, in, now_us, out);
		break;
	case TCP_SYN_SENT:
		conn_in_syn_sent(c, in, now_us, out);
		break;
	default:
		conn_in_sync(c, in, now_us, out);
		break;
	}
	call_end(c, out);
	return 0;
}

int conn_timer(struct conn *c, uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || out == NULL)
		return TCPLAB_EINVAL;
	call_begin(c, out);
	if (c->tw_at != 0 && now_us >= c->tw_at) {
		/* "If the time-wait timeout expires on a connection, delete
		 * the TCB, enter the CLOSED state, and return." */
		conn_enter_closed(c, out);
		call_end(c, out);
		return 0;
	}
	if (c->ack_at != 0 && now_us >= c->ack_at)
		conn_send_ack(c, now_us, out);
	if (c->rtx_at != 0 && now_us >= c->rtx_at)
		conn_rtx_fire(c, now_us, out);
	if (c->persist_at != 0 && now_us >= c->persist_at)
		conn_persist_fire(c, now_us, out);
	/* Data that did not fit in an earlier call's out goes now. */
	conn_output(c, now_us, out);
	call_end(c, out);
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
	if (conn_output_due(c))
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
	call_begin(c, out);
	/* RFC 9293 3.10.2: data may be queued from SYN-SENT on, and sent
	 * until the application closes. */
	if (c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED &&
	    c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return TCPLAB_EINVAL;
	if (c->fin_queued)
		return TCPLAB_EINVAL;
	n = sndbuf_max(c) - c->snd_buf_len;
	if (n > len)
		n = len;
	/* Short of memory, take what the buffer already has room for. */
	if (n > 0 && !sndbuf_room(c, c->snd_buf_len + n))
		n = c->snd_buf_cap - c->snd_buf_len;
	if (n > 0) {
		memcpy(c->snd_buf + c->snd_buf_len, data, n);
		c->snd_buf_len += n;
	}
	conn_output(c, now_us, out);
	call_end(c, out);
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
	call_begin(c, out);
	switch (c->state) {
	case TCP_LISTEN:
	case TCP_SYN_SENT:
		conn_enter_closed(c, out);
		call_end(c, out);
		return 0;
	case TCP_SYN_RECEIVED:
		c->fin_queued = true;
		return 0;
	case TCP_ESTABLISHED:
		conn_set_state(c, TCP_FIN_WAIT_1, out);
		break;
	case TCP_CLOSE_WAIT:
		conn_set_state(c, TCP_LAST_ACK, out);
		break;
	default:
		return TCPLAB_EINVAL;
	}
	c->fin_queued = true;
	conn_output(c, now_us, out);
	call_end(c, out);
	return 0;
}

void conn_unsent(struct conn *c, const struct seg *s)
{
	/* A zero-window probe carries SND.UNA - 1: it takes no sequence
	 * space, and SND.NXT never goes below SND.UNA. */
	if (c != NULL && s != NULL && seq_lt(s->seq, c->snd_nxt) &&
	    seq_geq(s->seq, c->snd_una))
		c->snd_nxt = s->seq;
}

/*
 * RFC 9293 3.10.5: "SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2,
 * CLOSE-WAIT STATES: Send a reset segment: <SEQ=SND.NXT><CTL=RST>". Like
 * Linux, the reset also carries an ACK. Other states just close.
 */
int conn_abort(struct conn *c, uint64_t now_us, struct conn_out *out)
{
	if (c == NULL || out == NULL)
		return TCPLAB_EINVAL;
	call_begin(c, out);
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		conn_emit(c, TH_RST | TH_ACK, c->snd_nxt, NULL, 0, now_us, out);
		conn_ev(out, CONN_EV_RESET, c->snd_nxt,
		        N_("aborted: RST sent"));
		break;
	default:
		conn_ev(out, CONN_EV_RESET, 0, N_("aborted"));
		break;
	}
	conn_enter_closed(c, out);
	call_end(c, out);
	return 0;
}
