/*
 * annot.c: explains a TCP exchange segment by segment (see annot.h).
 *
 * Each connection keeps, per side, what an observer of the wire learns:
 * the ISN, the highest sequence number sent (snd_max), the last ACK and
 * window sent, the SYN and FIN it sent, a short history of the segments
 * it sent (to say which one an ACK covers) and of its timestamps (to say
 * which one an echo repeats), and the TCP state the side must be in.
 * From these the per-segment facts follow; the sentences are written last,
 * from the facts alone.
 *
 * This module must never do I/O, print, read a clock or keep global
 * state. Sequence numbers are compared only with seq.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/annot.h"
#include "common/err.h"
#include "common/seq.h"

#define HIST 64 /* segments remembered per side, for "acknowledges #n" */
#define TSH  16 /* timestamps remembered per side, for "echoes #n" */

struct hist_ent {
	uint32_t end; /* sequence number just after the segment */
	unsigned n;
};

struct ts_ent {
	uint32_t val;
	unsigned n;
};

/* What one side of a connection has shown on the wire. */
struct side {
	uint32_t addr;
	uint16_t port;
	bool sent;        /* it has sent a segment */
	bool isn_known;   /* isn is the ISN of a SYN seen... */
	bool isn_assumed; /* ...or tcpdump's guess on a mid-stream capture */
	uint32_t isn;
	bool snd_valid;   /* snd_max is known */
	uint32_t snd_max; /* highest sequence number sent, plus one */
	bool gap;         /* [gap_lo, gap_hi) skipped by the capture */
	uint32_t gap_lo, gap_hi;
	bool syn_sent, fin_sent;
	uint32_t syn_seq, fin_seq;
	unsigned fin_n; /* the segment that carried the first FIN */
	bool ack_valid; /* last_ack and last_win are known */
	uint32_t last_ack;
	uint16_t last_win;
	bool rcv_valid; /* rcv_nxt: what it expects from the other side */
	uint32_t rcv_nxt;
	bool wscale_sent; /* its SYN offered window scaling */
	uint8_t wscale;
	enum tcp_state st;
	struct hist_ent hist[HIST];
	unsigned hist_next;
	struct ts_ent ts[TSH];
	unsigned ts_next;
};

struct annot_conn {
	unsigned id;
	struct side sd[2]; /* ANNOT_CLIENT, ANNOT_SERVER */
	bool midstream;    /* the capture began after the SYN */
	bool roles_inferred;
	bool syn_seen; /* wscale negotiation is known */
	bool handshake;
	bool reset;
	enum annot_side reset_by;
	bool fin_any;
	enum annot_side first_fin;
	bool first_fin_acked_alone; /* a bare ACK covered the first FIN */
	bool second_fin;
	bool simultaneous;
	bool merged; /* the second FIN carried the ACK of the first */
	bool closed; /* both FINs acknowledged */
	unsigned handshake_n, closed_n; /* the segments that completed them */
	unsigned offload_n[2]; /* the first "incorrect" checksum per side */
	unsigned first_n, last_n, segments;
	unsigned retrans, dup_acks, ooo, missing, zero_win, win_upd, keep;
	uint64_t bytes[2];
};

static const char *const event_names[ANNOT_EV_COUNT] = {
        "retransmission", "duplicate-ack", "out-of-order", "missing-before",
        "zero-window",    "window-update", "keep-alive",   "reset",
};

const char *annot_event_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < ANNOT_EV_COUNT; i++)
		if (bit == 1u << i)
			return event_names[i];
	return NULL;
}

const char *annot_close_name(enum annot_close c)
{
	switch (c) {
	case ANNOT_CLOSE_INCOMPLETE:
		return "incomplete";
	case ANNOT_CLOSE_THREE:
		return "three-segment";
	case ANNOT_CLOSE_FOUR:
		return "four-segment";
	case ANNOT_CLOSE_SERVER_FIRST:
		return "server-first";
	case ANNOT_CLOSE_SIMULTANEOUS:
		return "simultaneous";
	case ANNOT_CLOSE_RESET:
		return "reset";
	}
	return "?";
}

static const char *side_name(enum annot_side s)
{
	return s == ANNOT_CLIENT ? "client" : "server";
}

int annot_init(struct annot_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	return 0;
}

void annot_free(struct annot_ctx *ctx)
{
	free(ctx->conns);
	memset(ctx, 0, sizeof(*ctx));
}

unsigned annot_conn_count(const struct annot_ctx *ctx)
{
	return (unsigned)ctx->nconns;
}

/* Appends one sentence to r's notes; a note that does not fit is cut. */
static void note(struct annot_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= ANNOT_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], ANNOT_NOTE_LEN, fmt, ap);
	va_end(ap);
}

/* tcpdump's flag letters, in its fixed order F S R P . U E W. */
static void flag_letters(uint16_t fl, char *out)
{
	static const struct {
		uint16_t bit;
		char c;
	} tab[] = {{TH_FIN, 'F'}, {TH_SYN, 'S'}, {TH_RST, 'R'}, {TH_PSH, 'P'},
	           {TH_ACK, '.'}, {TH_URG, 'U'}, {TH_ECE, 'E'}, {TH_CWR, 'W'}};
	size_t i, k = 0;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (fl & tab[i].bit)
			out[k++] = tab[i].c;
	if (k == 0)
		strcpy(out, "none");
	else
		out[k] = '\0';
}

/*
 * The TCP checksum of s as it would be on the wire, from its fields:
 * pseudo-header, header with a zero checksum, options, payload.
 */
static uint16_t cksum_of(const struct seg *s)
{
	uint8_t ph[12], h[20];
	size_t tcplen = 20 + s->opt_len + s->payload_len;
	unsigned doff = (20u + s->opt_len) / 4;
	uint32_t sum;

	ph[0] = s->saddr >> 24, ph[1] = s->saddr >> 16;
	ph[2] = s->saddr >> 8, ph[3] = s->saddr;
	ph[4] = s->daddr >> 24, ph[5] = s->daddr >> 16;
	ph[6] = s->daddr >> 8, ph[7] = s->daddr;
	ph[8] = 0, ph[9] = 6, ph[10] = tcplen >> 8, ph[11] = tcplen & 0xff;
	h[0] = s->sport >> 8, h[1] = s->sport & 0xff;
	h[2] = s->dport >> 8, h[3] = s->dport & 0xff;
	h[4] = s->seq >> 24, h[5] = s->seq >> 16, h[6] = s->seq >> 8;
	h[7] = s->seq, h[8] = s->ack >> 24, h[9] = s->ack >> 16;
	h[10] = s->ack >> 8, h[11] = s->ack;
	h[12] = (uint8_t)(doff << 4 | ((s->flags & TH_NS) ? 1 : 0));
	h[13] = s->flags & 0xff;
	h[14] = s->win >> 8, h[15] = s->win & 0xff;
	h[16] = 0, h[17] = 0, h[18] = s->urp >> 8, h[19] = s->urp & 0xff;
	sum = inet_cksum_add(0, ph, sizeof(ph));
	sum = inet_cksum_add(sum, h, sizeof(h));
	sum = inet_cksum_add(sum, s->opt_raw, s->opt_len);
	if (s->payload_len > 0)
		sum = inet_cksum_add(sum, s->payload, s->payload_len);
	return inet_cksum_finish(sum);
}

static bool conn_matches(const struct annot_conn *c, const struct seg *s,
                         enum annot_side *from)
{
	const struct side *a = &c->sd[ANNOT_CLIENT], *b = &c->sd[ANNOT_SERVER];

	if (a->addr == s->saddr && a->port == s->sport && b->addr == s->daddr &&
	    b->port == s->dport) {
		*from = ANNOT_CLIENT;
		return true;
	}
	if (b->addr == s->saddr && b->port == s->sport && a->addr == s->daddr &&
	    a->port == s->dport) {
		*from = ANNOT_SERVER;
		return true;
	}
	return false;
}

/* Whether a port looks like a server's: well known, or a usual proxy. */
static bool server_port(uint16_t p)
{
	return p < 1024 || p == 8080 || p == 8000 || p == 8443 || p == 3128;
}

/* Which side sends s when it opens a connection's entry. */
static enum annot_side first_sender(const struct seg *s, enum annot_role role,
                                    bool *inferred)
{
	*inferred = false;
	if (role == ANNOT_ROLE_CLIENT)
		return ANNOT_CLIENT;
	if (role == ANNOT_ROLE_SERVER)
		return ANNOT_SERVER;
	if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN)
		return ANNOT_CLIENT;
	if (s->flags & TH_SYN)
		return ANNOT_SERVER;
	*inferred = true;
	if (server_port(s->sport) != server_port(s->dport))
		return server_port(s->sport) ? ANNOT_SERVER : ANNOT_CLIENT;
	return s->sport < s->dport ? ANNOT_SERVER : ANNOT_CLIENT;
}

/* Sets the states a new connection starts from, by its first segment. */
static void conn_start_states(struct annot_conn *c, const struct seg *s,
                              enum annot_side f)
{
	struct side *snd = &c->sd[f], *rcv = &c->sd[!f];

	if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		snd->st = TCP_CLOSED;
		rcv->st = TCP_LISTEN;
	} else if (s->flags & TH_SYN) {
		/* A SYN-ACK first: the SYN went by before the capture. */
		snd->st = TCP_SYN_RECEIVED;
		rcv->st = TCP_SYN_SENT;
		c->midstream = true;
	} else {
		snd->st = TCP_ESTABLISHED;
		rcv->st = TCP_ESTABLISHED;
		c->midstream = true;
	}
}

/* Finds the connection of s, or opens a new entry. NULL when out of memory. */
static struct annot_conn *conn_find(struct annot_ctx *ctx,
                                    const struct annot_in *in,
                                    enum annot_side *from, bool *is_new)
{
	const struct seg *s = in->s;
	struct annot_conn *c;
	bool inf;
	size_t i;

	*is_new = false;
	for (i = ctx->nconns; i-- > 0;) {
		c = &ctx->conns[i];
		if (!conn_matches(c, s, from))
			continue;
		/* A fresh SYN on a pair whose connection is over opens a new
		 * one (a client reusing its port). */
		if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN &&
		    (c->closed || c->reset))
			break;
		return c;
	}
	if (ctx->nconns == ctx->cap) {
		size_t ncap = ctx->cap ? ctx->cap * 2 : 8;
		struct annot_conn *nc = realloc(ctx->conns, ncap * sizeof(*nc));

		if (nc == NULL)
			return NULL;
		ctx->conns = nc;
		ctx->cap = ncap;
	}
	c = &ctx->conns[ctx->nconns++];
	memset(c, 0, sizeof(*c));
	c->id = (unsigned)ctx->nconns;
	*from = first_sender(s, in->from, &inf);
	c->roles_inferred = inf;
	c->sd[*from].addr = s->saddr;
	c->sd[*from].port = s->sport;
	c->sd[!*from].addr = s->daddr;
	c->sd[!*from].port = s->dport;
	conn_start_states(c, s, *from);
	*is_new = true;
	return c;
}

/* The state a side moves to when it sends s. */
static enum tcp_state st_send(enum tcp_state st, uint16_t fl,
                              bool peer_fin_acked)
{
	if (fl & TH_RST)
		return TCP_CLOSED;
	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN)
		return st == TCP_CLOSED || st == TCP_LISTEN ? TCP_SYN_SENT : st;
	if (fl & TH_SYN)
		return st == TCP_LISTEN || st == TCP_CLOSED ||
		                       st == TCP_SYN_SENT
		               ? TCP_SYN_RECEIVED
		               : st;
	if (fl & TH_FIN) {
		/* RFC 9293 3.10.4: CLOSE in ESTABLISHED sends FIN and enters
		 * FIN-WAIT-1; in CLOSE-WAIT it enters LAST-ACK. */
		if (st == TCP_ESTABLISHED || st == TCP_SYN_RECEIVED)
			return TCP_FIN_WAIT_1;
		if (st == TCP_CLOSE_WAIT && !peer_fin_acked)
			/* It sent its FIN before the peer's arrived:
			 * FIN-WAIT-1, then the peer's FIN made it CLOSING. */
			return TCP_CLOSING;
		if (st == TCP_CLOSE_WAIT)
			return TCP_LAST_ACK;
	}
	return st;
}

/* The ACK part of receiving (RFC 9293 3.10.7.4, fifth step). */
static enum tcp_state st_recv_ack(const struct side *me, enum tcp_state st,
                                  uint32_t ack)
{
	bool syn_acked = me->syn_sent && seq_gt(ack, me->syn_seq);
	bool fin_acked = me->fin_sent && seq_gt(ack, me->fin_seq);

	if (st == TCP_SYN_RECEIVED && syn_acked)
		return TCP_ESTABLISHED;
	if (!fin_acked)
		return st;
	if (st == TCP_FIN_WAIT_1)
		return TCP_FIN_WAIT_2;
	if (st == TCP_CLOSING)
		return TCP_TIME_WAIT;
	if (st == TCP_LAST_ACK)
		return TCP_CLOSED;
	return st;
}

/* The state a side moves to when it receives s; new_fin is false for a
 * FIN it has seen before. */
static enum tcp_state st_recv(const struct side *me, enum tcp_state st,
                              const struct seg *s, bool new_fin)
{
	uint16_t fl = s->flags;

	if (fl & TH_RST)
		return st == TCP_LISTEN ? TCP_LISTEN : TCP_CLOSED;
	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN)
		return st == TCP_LISTEN || st == TCP_CLOSED ||
		                       st == TCP_SYN_SENT
		               ? TCP_SYN_RECEIVED
		               : st;
	if ((fl & TH_SYN) && st == TCP_SYN_SENT)
		return me->syn_sent && seq_gt(s->ack, me->syn_seq)
		               ? TCP_ESTABLISHED
		               : st;
	if (fl & TH_ACK)
		st = st_recv_ack(me, st, s->ack);
	if (!(fl & TH_FIN) || !new_fin)
		return st;
	/* RFC 9293 3.10.7.4, eighth step: the FIN. */
	switch (st) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		return TCP_CLOSE_WAIT;
	case TCP_FIN_WAIT_1:
		return TCP_CLOSING;
	case TCP_FIN_WAIT_2:
		return TCP_TIME_WAIT;
	default:
		return st;
	}
}

/* Relative numbers: from the ISNs, or from tcpdump's guess when the capture
 * began after the SYN (ISN(sender) = seq, ISN(receiver) = ack - 1). */
static void set_relative(struct side *snd, struct side *rcv,
                         const struct seg *s, struct annot_result *r)
{
	if (s->flags & TH_SYN) {
		snd->isn = s->seq;
		snd->isn_known = true;
		snd->isn_assumed = false;
	}
	if (!snd->isn_known && !snd->isn_assumed && (s->flags & TH_ACK)) {
		snd->isn = s->seq;
		snd->isn_assumed = true;
	}
	if (!rcv->isn_known && !rcv->isn_assumed && (s->flags & TH_ACK)) {
		rcv->isn = s->ack - 1;
		rcv->isn_assumed = true;
	}
	r->rel_valid =
	        (snd->isn_known || snd->isn_assumed) &&
	        (!(s->flags & TH_ACK) || rcv->isn_known || rcv->isn_assumed);
	r->rel_seq = s->seq - snd->isn;
	r->rel_ack = (s->flags & TH_ACK) ? s->ack - rcv->isn : 0;
}

/* Splits [base, value) of side o's numbers into SYN, FIN and bytes. */
static void fill_eq(struct annot_eq *eq, const struct side *o, uint32_t base,
                    uint32_t value)
{
	uint32_t span = value - base;

	eq->valid = true;
	eq->base = base;
	eq->value = value;
	eq->rel_base = base - o->isn;
	eq->rel_value = value - o->isn;
	eq->syn = o->syn_sent && seq_in_window(o->syn_seq, base, value);
	eq->fin = o->fin_sent && seq_in_window(o->fin_seq, base, value);
	eq->bytes = span - eq->syn - eq->fin;
}

/* The arithmetic of seq (from the sender's ISN) and of ack (from what the
 * sender acknowledged before, or from the receiver's ISN). */
static void equations(struct annot_conn *c, enum annot_side f,
                      const struct seg *s, struct annot_result *r)
{
	struct side *snd = &c->sd[f], *rcv = &c->sd[!f];

	if (snd->isn_known && !(s->flags & TH_SYN) && seq_geq(s->seq, snd->isn))
		fill_eq(&r->eq_seq, snd, snd->isn, s->seq);
	if (!(s->flags & TH_ACK))
		return;
	if (snd->ack_valid) {
		r->ack_new = seq_gt(s->ack, snd->last_ack);
		if (r->ack_new)
			fill_eq(&r->eq_ack, rcv, snd->last_ack, s->ack);
	} else if (rcv->isn_known && seq_gt(s->ack, rcv->isn)) {
		r->ack_new = true;
		fill_eq(&r->eq_ack, rcv, rcv->isn, s->ack);
	} else {
		r->ack_new = true;
	}
}

/* The latest segment of side o that ends at or before ack. */
static unsigned acked_segment(const struct side *o, uint32_t ack)
{
	unsigned i, best = 0, exact = 0;

	/* The segment that ends exactly at ack if there is one, else the
	 * latest one that ends before it. */
	for (i = 0; i < HIST; i++) {
		const struct hist_ent *h = &o->hist[i];

		if (h->n == 0 || !seq_leq(h->end, ack))
			continue;
		if (h->n > best)
			best = h->n;
		if (h->end == ack && h->n > exact)
			exact = h->n;
	}
	return exact != 0 ? exact : best;
}

static void hist_push(struct side *sd, uint32_t end, unsigned n)
{
	sd->hist[sd->hist_next].end = end;
	sd->hist[sd->hist_next].n = n;
	sd->hist_next = (sd->hist_next + 1) % HIST;
}

/* Retransmission, out-of-order, keep-alive and a gap before the segment,
 * judged from the sender's highest sequence number so far. */
static unsigned seq_events(struct side *snd, const struct seg *s, uint32_t end)
{
	uint32_t space = end - s->seq;
	unsigned ev = 0;

	if (s->flags & TH_RST)
		return 0;
	if (!snd->snd_valid) {
		snd->snd_valid = true;
		snd->snd_max = end;
		return 0;
	}
	if (space <= 1 && !(s->flags & (TH_SYN | TH_FIN)) &&
	    s->seq == snd->snd_max - 1)
		return ANNOT_EV_KEEP_ALIVE;
	if (seq_gt(s->seq, snd->snd_max)) {
		snd->gap = true;
		snd->gap_lo = snd->snd_max;
		snd->gap_hi = s->seq;
		snd->snd_max = end;
		return ANNOT_EV_MISSING_BEFORE;
	}
	if (space == 0)
		return 0;
	if (seq_lt(s->seq, snd->snd_max)) {
		if (snd->gap &&
		    seq_in_window(s->seq, snd->gap_lo, snd->gap_hi)) {
			ev = ANNOT_EV_OUT_OF_ORDER;
			if (s->seq == snd->gap_lo)
				snd->gap_lo = end;
			if (seq_geq(snd->gap_lo, snd->gap_hi))
				snd->gap = false;
		} else {
			ev = ANNOT_EV_RETRANSMISSION;
		}
		if (seq_gt(end, snd->snd_max))
			snd->snd_max = end;
		return ev;
	}
	snd->snd_max = end;
	return 0;
}

/* Duplicate ACK, window update, zero window, and an ACK of data the
 * capture never showed. */
static unsigned ack_events(struct side *snd, struct side *rcv,
                           const struct seg *s, uint32_t space)
{
	unsigned ev = 0;
	bool pure = space == 0 && !(s->flags & (TH_SYN | TH_FIN | TH_RST));

	if (s->win == 0 && !(s->flags & TH_RST))
		ev |= ANNOT_EV_ZERO_WINDOW;
	if (s->flags & TH_RST)
		ev |= ANNOT_EV_RESET;
	if (!(s->flags & TH_ACK))
		return ev;
	if (rcv->snd_valid && seq_gt(s->ack, rcv->snd_max)) {
		ev |= ANNOT_EV_MISSING_BEFORE;
		rcv->snd_max = s->ack;
	}
	if (pure && snd->ack_valid && s->ack == snd->last_ack) {
		if (s->win != snd->last_win)
			ev |= ANNOT_EV_WINDOW_UPDATE;
		else if (rcv->snd_valid && seq_lt(s->ack, rcv->snd_max))
			ev |= ANNOT_EV_DUP_ACK;
	}
	return ev;
}

/* Remembers the segment's options, FIN and timestamps for the side. */
static void remember(struct annot_conn *c, struct side *snd,
                     const struct seg *s, unsigned n, unsigned events)
{
	uint32_t end = s->seq + seg_seq_len(s);

	if (s->flags & TH_SYN) {
		snd->syn_sent = true;
		snd->syn_seq = s->seq;
		snd->wscale_sent = (s->has & SEG_HAS_WSCALE) != 0;
		snd->wscale = s->wscale > 14 ? 14 : s->wscale;
		c->syn_seen = true;
	}
	if ((s->flags & TH_FIN) && !snd->fin_sent) {
		snd->fin_sent = true;
		snd->fin_seq = end - 1;
		snd->fin_n = n;
	}
	if (end != s->seq && !(events & ANNOT_EV_RETRANSMISSION))
		hist_push(snd, end, n);
	if (s->has & SEG_HAS_TS) {
		snd->ts[snd->ts_next].val = s->ts_val;
		snd->ts[snd->ts_next].n = n;
		snd->ts_next = (snd->ts_next + 1) % TSH;
	}
	if (s->flags & TH_ACK) {
		snd->ack_valid = true;
		snd->last_ack = s->ack;
		snd->last_win = s->win;
	}
	snd->sent = true;
}

/* The window in bytes: shifted once both SYNs offered scaling (RFC 7323
 * 2.2), never in a SYN itself. */
static void window_bytes(const struct annot_conn *c, const struct side *snd,
                         const struct side *rcv, const struct seg *s,
                         struct annot_result *r)
{
	r->win = s->win;
	r->win_shift = 0;
	if (s->flags & TH_SYN) {
		r->win_bytes = s->win;
		return;
	}
	if (!c->syn_seen || c->midstream) {
		r->win_bytes = -1;
		return;
	}
	if (snd->wscale_sent && rcv->wscale_sent)
		r->win_shift = snd->wscale;
	r->win_bytes = (int32_t)((uint32_t)s->win << r->win_shift);
}

/* The close: which side's FIN came first, whether the other FIN carried
 * the ACK of the first one, and when both FINs have been acknowledged. */
static void track_close(struct annot_conn *c, enum annot_side f,
                        const struct seg *s)
{
	struct side *snd = &c->sd[f], *rcv = &c->sd[!f];
	bool covers = (s->flags & TH_ACK) && rcv->fin_sent &&
	              seq_gt(s->ack, rcv->fin_seq);

	if ((s->flags & TH_RST) && !c->closed && !c->reset) {
		c->reset = true;
		c->reset_by = f;
	}
	if ((s->flags & TH_FIN) && !c->fin_any) {
		c->fin_any = true;
		c->first_fin = f;
	} else if ((s->flags & TH_FIN) && f != c->first_fin && !c->second_fin) {
		c->second_fin = true;
		if (!covers)
			c->simultaneous = true;
		else if (!c->first_fin_acked_alone)
			c->merged = true;
	}
	if (c->fin_any && f != c->first_fin && covers && !(s->flags & TH_FIN) &&
	    !c->second_fin)
		c->first_fin_acked_alone = true;
	if (c->second_fin && c->sd[0].fin_sent && c->sd[1].fin_sent) {
		/* Closed once each side's FIN is covered by the other's ACK. */
		struct side *a = &c->sd[0], *b = &c->sd[1];

		if (b->ack_valid && seq_gt(b->last_ack, a->fin_seq) &&
		    a->ack_valid && seq_gt(a->last_ack, b->fin_seq))
			c->closed = true;
	}
	(void)snd;
}

static void count(struct annot_conn *c, enum annot_side f, unsigned ev,
                  const struct seg *s)
{
	c->segments++;
	if (ev & ANNOT_EV_RETRANSMISSION)
		c->retrans++;
	else
		c->bytes[f] += s->payload_len;
	if (ev & ANNOT_EV_DUP_ACK)
		c->dup_acks++;
	if (ev & ANNOT_EV_OUT_OF_ORDER)
		c->ooo++;
	if (ev & ANNOT_EV_MISSING_BEFORE)
		c->missing++;
	if (ev & ANNOT_EV_ZERO_WINDOW)
		c->zero_win++;
	if (ev & ANNOT_EV_WINDOW_UPDATE)
		c->win_upd++;
	if (ev & ANNOT_EV_KEEP_ALIVE)
		c->keep++;
}

/* What each side now expects next from the other. */
static void expectations(struct annot_conn *c, enum annot_side f,
                         const struct seg *s, struct annot_result *r)
{
	struct side *snd = &c->sd[f], *rcv = &c->sd[!f];
	int i;

	if (snd->snd_valid && !(s->flags & TH_RST) &&
	    (!rcv->rcv_valid || seq_gt(snd->snd_max, rcv->rcv_nxt))) {
		rcv->rcv_valid = true;
		rcv->rcv_nxt = snd->snd_max;
	}
	if ((s->flags & TH_ACK) &&
	    (!snd->rcv_valid || seq_gt(s->ack, snd->rcv_nxt))) {
		snd->rcv_valid = true;
		snd->rcv_nxt = s->ack;
	}
	for (i = 0; i < 2; i++) {
		r->expect_valid[i] = c->sd[i].rcv_valid;
		r->expect[i] = c->sd[i].rcv_nxt;
	}
}

static void fill_basics(const struct annot_in *in, unsigned n,
                        struct annot_result *r)
{
	const struct seg *s = in->s;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->sec = in->sec;
	r->usec = in->usec;
	r->saddr = s->saddr;
	r->daddr = s->daddr;
	r->sport = s->sport;
	r->dport = s->dport;
	r->flags = s->flags;
	flag_letters(s->flags, r->flag_letters);
	r->seq = s->seq;
	r->ack = (s->flags & TH_ACK) ? s->ack : 0;
	r->len = (uint32_t)s->payload_len;
	r->seq_end = s->seq + seg_seq_len(s);
	r->win = s->win;
	r->win_bytes = -1;
	r->cksum = in->cksum;
	r->cksum_good = in->cksum_good;
	if (in->cksum == ANNOT_CKSUM_COMPUTE) {
		if (s->payload_len > 0 && s->payload == NULL) {
			r->cksum = ANNOT_CKSUM_UNKNOWN;
		} else {
			r->cksum_good = cksum_of(s);
			r->cksum = r->cksum_good == s->sum ? ANNOT_CKSUM_OK
			                                   : ANNOT_CKSUM_BAD;
		}
	}
}

static void write_notes(struct annot_conn *c, struct annot_result *r,
                        const struct seg *s);

int annot_input(struct annot_ctx *ctx, const struct annot_in *in,
                struct annot_result *r)
{
	const struct seg *s = in->s;
	struct annot_conn *c;
	struct side *snd, *rcv;
	enum annot_side f;
	bool is_new, new_fin;
	int i;

	fill_basics(in, ++ctx->nseg, r);
	c = conn_find(ctx, in, &f, &is_new);
	if (c == NULL)
		return TCPLAB_ENOMEM;
	snd = &c->sd[f];
	rcv = &c->sd[!f];
	r->conn = c->id;
	r->conn_new = is_new;
	r->from = f;
	r->from_inferred = c->roles_inferred;
	if (c->first_n == 0)
		c->first_n = r->n;
	c->last_n = r->n;
	for (i = 0; i < 2; i++)
		r->before[i] = c->sd[i].st;

	set_relative(snd, rcv, s, r);
	equations(c, f, s, r);
	if (r->ack_new && (s->flags & TH_ACK))
		r->acks_seg = acked_segment(rcv, s->ack);
	r->events = seq_events(snd, s, r->seq_end);
	r->events |= ack_events(snd, rcv, s, r->seq_end - s->seq);
	new_fin = (s->flags & TH_FIN) && !snd->fin_sent;
	snd->st = st_send(snd->st,
	                  new_fin || !(s->flags & TH_FIN) ? s->flags
	                                                  : s->flags & ~TH_FIN,
	                  rcv->fin_sent && (s->flags & TH_ACK) &&
	                          seq_gt(s->ack, rcv->fin_seq));
	remember(c, snd, s, r->n, r->events);
	rcv->st = st_recv(rcv, rcv->st, s, new_fin);
	window_bytes(c, snd, rcv, s, r);
	track_close(c, f, s);
	if (c->sd[0].syn_sent && c->sd[1].syn_sent &&
	    c->sd[0].st >= TCP_ESTABLISHED && c->sd[1].st >= TCP_ESTABLISHED &&
	    !c->handshake && !c->midstream) {
		c->handshake = true;
		c->handshake_n = r->n;
	}
	if (c->closed && c->closed_n == 0)
		c->closed_n = r->n;
	count(c, f, r->events, s);
	expectations(c, f, s, r);
	for (i = 0; i < 2; i++) {
		r->after[i] = c->sd[i].st;
		/* A state is proved by the side's own segments, after a
		 * capture that saw the connection open. */
		r->inferred[i] = c->midstream || !c->sd[i].sent;
	}
	write_notes(c, r, s);
	return 0;
}

int annot_segment(struct annot_ctx *ctx, const struct seg *s, int64_t sec,
                  uint32_t usec, struct annot_result *r)
{
	struct annot_in in;

	memset(&in, 0, sizeof(in));
	in.s = s;
	in.sec = sec;
	in.usec = usec;
	in.from = ANNOT_ROLE_UNKNOWN;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	return annot_input(ctx, &in, r);
}

static enum annot_close close_kind(const struct annot_conn *c)
{
	if (c->reset && !c->closed)
		return ANNOT_CLOSE_RESET;
	if (!c->closed)
		return ANNOT_CLOSE_INCOMPLETE;
	if (c->simultaneous)
		return ANNOT_CLOSE_SIMULTANEOUS;
	if (c->first_fin == ANNOT_SERVER)
		return ANNOT_CLOSE_SERVER_FIRST;
	return c->merged ? ANNOT_CLOSE_THREE : ANNOT_CLOSE_FOUR;
}

/* The flags in words, with what they ask for. */
static void note_flags(struct annot_result *r)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} tab[] = {{TH_SYN, "SYN"}, {TH_FIN, "FIN"}, {TH_RST, "RST"},
	           {TH_PSH, "PSH"}, {TH_ACK, "ACK"}, {TH_URG, "URG"},
	           {TH_ECE, "ECE"}, {TH_CWR, "CWR"}};
	char words[64] = "", what[48];
	uint16_t fl = r->flags;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (fl & tab[i].bit) {
			if (words[0] != '\0')
				strcat(words, "+");
			strcat(words, tab[i].name);
		}
	if (fl & TH_RST)
		strcpy(what, "aborts the connection");
	else if ((fl & (TH_SYN | TH_ACK)) == TH_SYN)
		strcpy(what, "asks to open a connection");
	else if (fl & TH_SYN)
		strcpy(what, "accepts and acknowledges the SYN");
	else if (fl & TH_FIN)
		strcpy(what, "has no more data to send");
	else if (r->len > 0)
		strcpy(what, "data");
	else
		strcpy(what, "acknowledgment only");
	if (r->len > 0 && (fl & (TH_SYN | TH_FIN | TH_RST)))
		strcat(what, ", with data");
	note(r, "#%u conn %u: %s -> %s, [%s] %s: %s, %u bytes of data", r->n,
	     r->conn, side_name(r->from), side_name(!r->from), r->flag_letters,
	     words[0] ? words : "no flags", what, r->len);
	if (r->conn_new && r->from_inferred)
		note(r,
		     "the capture starts after this connection opened: the "
		     "server is guessed from the ports (port %u)",
		     r->from == ANNOT_SERVER ? r->sport : r->dport);
}

/* " + 1 (its SYN) + 142 bytes + 1 (its FIN)", for an equation. */
static void eq_parts(const struct annot_eq *eq, const char *whose, char *buf,
                     size_t cap)
{
	int n = 0;

	buf[0] = '\0';
	if (eq->syn)
		n += snprintf(buf + n, cap - (size_t)n, " + 1 (%s SYN)", whose);
	if (eq->bytes > 0 || (!eq->syn && !eq->fin))
		n += snprintf(buf + n, cap - (size_t)n, " + %u bytes",
		              eq->bytes);
	if (eq->fin && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, " + 1 (%s FIN)", whose);
}

static void note_seq(const struct annot_conn *c, struct annot_result *r)
{
	const struct side *snd = &c->sd[r->from];
	char parts[96];

	if (r->flags & TH_SYN) {
		note(r,
		     "seq %u is the %s's initial sequence number (ISN); the "
		     "SYN takes one number, so its data starts at %u "
		     "(relative 1)",
		     r->seq, side_name(r->from), r->seq + 1);
		return;
	}
	if (r->eq_seq.valid) {
		eq_parts(&r->eq_seq, "its", parts, sizeof(parts));
		note(r, "seq %u = 0%s (absolute %u = ISN %u%s)", r->rel_seq,
		     parts, r->seq, snd->isn, parts);
	} else if (r->rel_valid) {
		note(r,
		     "seq %u (relative %u; the ISN was not captured, so "
		     "relative numbers count from the first segment seen)",
		     r->seq, r->rel_seq);
	}
	if (r->len > 0)
		note(r,
		     "carries %u bytes: relative seq %u to %u, absolute %u to "
		     "%u",
		     r->len, r->rel_seq, r->rel_seq + r->len - 1, r->seq,
		     r->seq + r->len - 1);
}

static void note_ack(struct annot_result *r)
{
	const char *them = side_name(!r->from);
	char parts[96], tail[48] = "";
	const struct annot_eq *eq = &r->eq_ack;

	if (!(r->flags & TH_ACK))
		return;
	if (r->acks_seg != 0)
		snprintf(tail, sizeof(tail), "; acknowledges #%u", r->acks_seg);
	if (!r->ack_new) {
		note(r,
		     "ack %u (relative %u) repeats the last ACK: nothing new "
		     "from the %s",
		     r->ack, r->rel_ack, them);
	} else if (eq->valid && eq->syn && eq->bytes == 0 && !eq->fin) {
		note(r, "ack %u = %u + 1 (their SYN takes one number)%s",
		     eq->value, eq->base, tail);
	} else if (eq->valid) {
		eq_parts(eq, "their", parts, sizeof(parts));
		note(r, "ack %u = %u%s (absolute %u = %u%s)%s", eq->rel_value,
		     eq->rel_base, parts, eq->value, eq->base, parts, tail);
	} else {
		note(r,
		     "ack %u (relative %u): the %s has everything before "
		     "it%s",
		     r->ack, r->rel_ack, them, tail);
	}
}

/* The options, in words; timestamps get a sentence of their own. */
static void note_options(const struct annot_conn *c, struct annot_result *r,
                         const struct seg *s)
{
	const struct side *o = &c->sd[!r->from];
	char buf[ANNOT_NOTE_LEN] = "";
	int n = 0;
	unsigned i, echo = 0;

	if (s->has & SEG_HAS_MSS)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              ", MSS %u (the largest payload it accepts)",
		              s->mss);
	if ((s->has & SEG_HAS_SACKOK) && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              ", SACK permitted");
	if ((s->has & SEG_HAS_WSCALE) && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              ", window scale %u (later windows x %u)",
		              s->wscale,
		              1u << (s->wscale > 14 ? 14 : s->wscale));
	if ((s->has & SEG_HAS_SACK) && (size_t)n < sizeof(buf))
		for (i = 0; i < s->sack_count && (size_t)n < sizeof(buf); i++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			              ", SACK: it holds %u:%u",
			              s->sack[i].left - o->isn,
			              s->sack[i].right - o->isn);
	if (n > 0)
		note(r, "options: %s", buf + 2);
	if (!(s->has & SEG_HAS_TS))
		return;
	for (i = 0; i < TSH; i++)
		if (o->ts[i].n != 0 && o->ts[i].val == s->ts_ecr &&
		    o->ts[i].n > echo)
			echo = o->ts[i].n;
	if (s->ts_ecr == 0 && !(r->flags & TH_ACK))
		note(r,
		     "timestamp %u (the %s's clock); echo 0: nothing to echo "
		     "yet",
		     s->ts_val, side_name(r->from));
	else if (echo != 0)
		note(r, "timestamp %u (the %s's clock), echoing %u from #%u",
		     s->ts_val, side_name(r->from), s->ts_ecr, echo);
	else
		note(r, "timestamp %u (the %s's clock), echoing %u", s->ts_val,
		     side_name(r->from), s->ts_ecr);
}

static void note_window(struct annot_result *r)
{
	if (r->flags & TH_RST)
		return;
	if (r->flags & TH_SYN)
		note(r, "window %u bytes (a SYN's window is never scaled)",
		     r->win);
	else if (r->win_bytes >= 0 && r->win_shift > 0)
		note(r, "window %u x %u = %d bytes", r->win, 1u << r->win_shift,
		     r->win_bytes);
	else if (r->win_bytes >= 0)
		note(r, "window %u bytes (not scaled)", r->win);
	else
		note(r,
		     "window %u (its scale is unknown: the SYNs were not "
		     "captured)",
		     r->win);
}

static void note_events(struct annot_result *r)
{
	const char *me = side_name(r->from), *them = side_name(!r->from);
	unsigned ev = r->events;

	if (ev & ANNOT_EV_RETRANSMISSION)
		note(r,
		     "retransmission: the %s sent these sequence numbers "
		     "before",
		     me);
	if (ev & ANNOT_EV_OUT_OF_ORDER)
		note(r,
		     "out of order: it fills a hole left by earlier segments");
	if (ev & ANNOT_EV_MISSING_BEFORE)
		note(r,
		     "missing from the capture: sequence numbers before this "
		     "point were sent or acknowledged but never seen");
	if (ev & ANNOT_EV_DUP_ACK)
		note(r,
		     "duplicate ACK: the same ack again while the %s has data "
		     "outstanding; relative %u is still missing",
		     them, r->rel_ack);
	if (ev & ANNOT_EV_ZERO_WINDOW)
		note(r,
		     "zero window: the %s's receive buffer is full, the %s "
		     "must wait",
		     me, them);
	if (ev & ANNOT_EV_WINDOW_UPDATE)
		note(r, "window update: same ack, only the window changed");
	if (ev & ANNOT_EV_KEEP_ALIVE)
		note(r,
		     "keep-alive: one number below what the %s has sent, to "
		     "check that the %s is still there",
		     me, them);
	if (ev & ANNOT_EV_RESET)
		note(r,
		     "reset: the %s aborts the connection at once, without "
		     "the FIN exchange",
		     me);
}

/* The first incorrect checksum of a side gets the whole explanation. */
static void note_cksum(struct annot_conn *c, struct annot_result *r)
{
	if (r->cksum != ANNOT_CKSUM_BAD)
		return;
	if (c->offload_n[r->from] != 0 && c->offload_n[r->from] != r->n) {
		note(r,
		     "checksum incorrect (should be 0x%04x): offload again, "
		     "as in #%u",
		     r->cksum_good, c->offload_n[r->from]);
		return;
	}
	c->offload_n[r->from] = r->n;
	note(r,
	     "checksum incorrect (should be 0x%04x): the capture was taken "
	     "on the sending host, which leaves the checksum to the network "
	     "card (checksum offload); the wire carried the right one",
	     r->cksum_good);
}

static void note_states(const struct annot_conn *c, struct annot_result *r)
{
	char part[2][80];
	int i, n;

	for (i = 0; i < 2; i++) {
		if (r->before[i] == r->after[i])
			n = snprintf(part[i], sizeof(part[i]), "%s %s",
			             side_name(i), tcp_state_name(r->after[i]));
		else
			n = snprintf(part[i], sizeof(part[i]), "%s %s -> %s",
			             side_name(i), tcp_state_name(r->before[i]),
			             tcp_state_name(r->after[i]));
		if (r->inferred[i] && n > 0 && (size_t)n < sizeof(part[i]))
			snprintf(part[i] + n, sizeof(part[i]) - (size_t)n,
			         " (inferred)");
	}
	note(r, "states: %s; %s", part[0], part[1]);
	if (r->expect_valid[ANNOT_CLIENT] && r->expect_valid[ANNOT_SERVER])
		note(r,
		     "next expected: the client waits for server seq %u "
		     "(relative %u), the server for client seq %u (relative "
		     "%u)",
		     r->expect[ANNOT_CLIENT],
		     r->expect[ANNOT_CLIENT] - c->sd[ANNOT_SERVER].isn,
		     r->expect[ANNOT_SERVER],
		     r->expect[ANNOT_SERVER] - c->sd[ANNOT_CLIENT].isn);
	else if (r->expect_valid[!r->from])
		note(r, "next expected: the %s waits for %s seq %u",
		     side_name(!r->from), side_name(r->from),
		     r->expect[!r->from]);
}

static const char *close_sentence(enum annot_close k)
{
	switch (k) {
	case ANNOT_CLOSE_THREE:
		return "closed in three segments: the client's FIN, the "
		       "server's FIN carrying the ACK of it (FIN+ACK merged), "
		       "the client's last ACK";
	case ANNOT_CLOSE_FOUR:
		return "closed in four segments: the client's FIN, its ACK, "
		       "the "
		       "server's FIN, its ACK";
	case ANNOT_CLOSE_SERVER_FIRST:
		return "closed by the server first: the server sent the first "
		       "FIN";
	case ANNOT_CLOSE_SIMULTANEOUS:
		return "closed simultaneously: each side sent its FIN before "
		       "the other's arrived";
	case ANNOT_CLOSE_RESET:
		return "ended by a reset";
	case ANNOT_CLOSE_INCOMPLETE:
		break;
	}
	return "not closed";
}

static void write_notes(struct annot_conn *c, struct annot_result *r,
                        const struct seg *s)
{
	note_flags(r);
	note_seq(c, r);
	note_ack(r);
	note_options(c, r, s);
	note_window(r);
	note_events(r);
	note_cksum(c, r);
	note_states(c, r);
	if (c->handshake_n == r->n)
		note(r, "three-way handshake complete: both sides ESTABLISHED");
	if (c->closed_n == r->n)
		note(r, "connection %u %s", c->id,
		     close_sentence(close_kind(c)));
}

int annot_summary(const struct annot_ctx *ctx, unsigned conn,
                  struct annot_summary *out)
{
	const struct annot_conn *c;

	if (conn == 0 || conn > ctx->nconns)
		return TCPLAB_EINVAL;
	c = &ctx->conns[conn - 1];
	memset(out, 0, sizeof(*out));
	out->conn = c->id;
	out->caddr = c->sd[ANNOT_CLIENT].addr;
	out->cport = c->sd[ANNOT_CLIENT].port;
	out->saddr = c->sd[ANNOT_SERVER].addr;
	out->sport = c->sd[ANNOT_SERVER].port;
	out->roles_inferred = c->roles_inferred;
	out->handshake = c->handshake;
	out->close = close_kind(c);
	out->reset_by = c->reset_by;
	out->first_fin = c->first_fin;
	out->first_n = c->first_n;
	out->last_n = c->last_n;
	out->segments = c->segments;
	out->retransmissions = c->retrans;
	out->dup_acks = c->dup_acks;
	out->out_of_order = c->ooo;
	out->missing = c->missing;
	out->zero_windows = c->zero_win;
	out->window_updates = c->win_upd;
	out->keep_alives = c->keep;
	out->bytes[0] = c->bytes[0];
	out->bytes[1] = c->bytes[1];
	out->state[0] = c->sd[0].st;
	out->state[1] = c->sd[1].st;
	return 0;
}

/* Text formatting: a cursor over the caller's buffer. */
struct tb {
	char *p;
	size_t cap, len;
	bool full;
};

static void tb_printf(struct tb *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len)
		t->full = true;
	else
		t->len += (size_t)n;
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void tb_json_str(struct tb *t, const char *s)
{
	tb_printf(t, "\"");
	for (; *s != '\0' && !t->full; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			tb_printf(t, "\\%c", ch);
		else if (ch < 0x20)
			tb_printf(t, "\\u%04x", ch);
		else
			tb_printf(t, "%c", ch);
	}
	tb_printf(t, "\"");
}

static int tb_end(struct tb *t)
{
	if (t->full || t->cap == 0) {
		if (t->cap > 0)
			t->p[0] = '\0';
		return TCPLAB_ENOSPC;
	}
	return (int)t->len;
}

int annot_format_text(const struct annot_result *r, char *buf, size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};
	unsigned i;

	for (i = 0; i < r->nnotes; i++)
		tb_printf(&t, "  | %s\n", r->notes[i]);
	return tb_end(&t);
}

int annot_format_json(const struct annot_result *r, char *buf, size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};
	unsigned i, k = 0;

	tb_printf(&t,
	          "{\"type\":\"segment\",\"n\":%u,\"conn\":%u,\"from\":\"%s\","
	          "\"from_inferred\":%s,\"time\":%lld.%06u,\"flags\":",
	          r->n, r->conn, side_name(r->from),
	          r->from_inferred ? "true" : "false", (long long)r->sec,
	          r->usec);
	tb_json_str(&t, r->flag_letters);
	tb_printf(&t,
	          ",\"seq\":%u,\"ack\":%u,\"rel_seq\":%u,\"rel_ack\":%u,"
	          "\"len\":%u,\"win\":%u,\"win_bytes\":%d,\"acks\":%u,",
	          r->seq, r->ack, r->rel_seq, r->rel_ack, r->len, r->win,
	          r->win_bytes, r->acks_seg);
	tb_printf(&t,
	          "\"states_before\":{\"client\":\"%s\",\"server\":\"%s\"},"
	          "\"states_after\":{\"client\":\"%s\",\"server\":\"%s\"},"
	          "\"inferred\":{\"client\":%s,\"server\":%s},\"events\":[",
	          tcp_state_name(r->before[0]), tcp_state_name(r->before[1]),
	          tcp_state_name(r->after[0]), tcp_state_name(r->after[1]),
	          r->inferred[0] ? "true" : "false",
	          r->inferred[1] ? "true" : "false");
	for (i = 0; i < ANNOT_EV_COUNT; i++)
		if (r->events & (1u << i))
			tb_printf(&t, "%s\"%s\"", k++ ? "," : "",
			          event_names[i]);
	tb_printf(&t, "],\"cksum\":\"%s\",\"notes\":[",
	          r->cksum == ANNOT_CKSUM_OK    ? "correct"
	          : r->cksum == ANNOT_CKSUM_BAD ? "incorrect"
	                                        : "unknown");
	for (i = 0; i < r->nnotes; i++) {
		if (i > 0)
			tb_printf(&t, ",");
		tb_json_str(&t, r->notes[i]);
	}
	tb_printf(&t, "]}\n");
	return tb_end(&t);
}

int annot_format_summary_text(const struct annot_summary *sm, char *buf,
                              size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};

	tb_printf(&t, "connection %u (client port %u, server port %u%s): ",
	          sm->conn, sm->cport, sm->sport,
	          sm->roles_inferred ? ", roles guessed from the ports" : "");
	tb_printf(&t, "%s; %s",
	          sm->handshake ? "three-way handshake seen"
	                        : "no complete handshake in the capture",
	          close_sentence(sm->close));
	if (sm->close == ANNOT_CLOSE_RESET)
		tb_printf(&t, " sent by the %s", side_name(sm->reset_by));
	tb_printf(&t,
	          ".\n  segments #%u to #%u: %u segments, %llu bytes from the "
	          "client, %llu from the server, %u retransmissions, %u "
	          "duplicate ACKs, %u out of order, %u with segments missing "
	          "before them, %u zero windows, %u window updates, %u "
	          "keep-alives; last states: client %s, server %s\n",
	          sm->first_n, sm->last_n, sm->segments,
	          (unsigned long long)sm->bytes[0],
	          (unsigned long long)sm->bytes[1], sm->retransmissions,
	          sm->dup_acks, sm->out_of_order, sm->missing, sm->zero_windows,
	          sm->window_updates, sm->keep_alives,
	          tcp_state_name(sm->state[0]), tcp_state_name(sm->state[1]));
	return tb_end(&t);
}

int annot_format_summary_json(const struct annot_summary *sm, char *buf,
                              size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};

	tb_printf(&t,
	          "{\"type\":\"connection\",\"conn\":%u,\"client_port\":%u,"
	          "\"server_port\":%u,\"roles_inferred\":%s,\"handshake\":%s,"
	          "\"close\":\"%s\",",
	          sm->conn, sm->cport, sm->sport,
	          sm->roles_inferred ? "true" : "false",
	          sm->handshake ? "true" : "false",
	          annot_close_name(sm->close));
	if (sm->close == ANNOT_CLOSE_RESET)
		tb_printf(&t, "\"reset_by\":\"%s\",", side_name(sm->reset_by));
	tb_printf(&t,
	          "\"first\":%u,\"last\":%u,\"segments\":%u,"
	          "\"retransmissions\":%u,\"duplicate_acks\":%u,"
	          "\"out_of_order\":%u,\"missing\":%u,\"zero_windows\":%u,"
	          "\"window_updates\":%u,\"keep_alives\":%u,"
	          "\"bytes\":{\"client\":%llu,\"server\":%llu},"
	          "\"states\":{\"client\":\"%s\",\"server\":\"%s\"}}\n",
	          sm->first_n, sm->last_n, sm->segments, sm->retransmissions,
	          sm->dup_acks, sm->out_of_order, sm->missing, sm->zero_windows,
	          sm->window_updates, sm->keep_alives,
	          (unsigned long long)sm->bytes[0],
	          (unsigned long long)sm->bytes[1],
	          tcp_state_name(sm->state[0]), tcp_state_name(sm->state[1]));
	return tb_end(&t);
}
