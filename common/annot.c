/*
 * annot.c: the context of annot (see annot.h): the connection table, the
 * facts of each segment, and the finishing of connections.
 *
 * Each connection keeps, per side, what an observer of the wire learns:
 * the ISN, the highest sequence number sent (snd_max), the last ACK and
 * window sent, the SYN and FIN it sent, a short history of the segments
 * it sent (to say which one an ACK covers) and of its timestamps (to say
 * which one an echo repeats). From these the per-segment facts follow;
 * the states are annot_state.c's, the sentences annot_note.c's.
 *
 * Connections live in a hash table keyed by their address and port pair,
 * and on a list in the order they began. One that has closed lingers for
 * late segments, then is finished: reported to the caller and freed.
 *
 * This module must never do I/O, print, read a clock or keep global
 * state. Sequence numbers are compared only with seq.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/annot_int.h"
#include "common/err.h"
#include "common/seq.h"
#include "common/tr.h"

static const char *const event_names[ANNOT_EV_COUNT] = {
        N_("retransmission"), N_("duplicate-ack"), N_("out-of-order"),
        N_("missing-before"), N_("zero-window"),   N_("window-update"),
        N_("keep-alive"),     N_("reset"),         N_("challenged"),
        N_("window-probe"),
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

const char *annot_side_name(enum annot_side s)
{
	return s == ANNOT_CLIENT ? "client" : "server";
}

void annot_note(struct annot_result *r, enum annot_note_kind kind,
                const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= ANNOT_NOTES_MAX)
		return;
	r->note_kind[r->nnotes] = kind;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], ANNOT_NOTE_LEN, TR(r->tr, fmt), ap);
	va_end(ap);
}

void annot_note_text(struct annot_result *r, enum annot_note_kind kind,
                     const char *text)
{
	if (r->nnotes >= ANNOT_NOTES_MAX)
		return;
	r->note_kind[r->nnotes] = kind;
	snprintf(r->notes[r->nnotes++], ANNOT_NOTE_LEN, "%s", text);
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
	uint8_t ph[40], h[20];
	size_t tcplen = 20 + s->opt_len + s->payload_len, phlen = 12;
	unsigned doff = (20u + s->opt_len) / 4;
	uint32_t sum;

	if (s->ip_v == 6) {
		/* RFC 8200, 8.1: both addresses, a 32-bit length, next
		 * header 6. */
		memcpy(ph, s->saddr6, 16);
		memcpy(ph + 16, s->daddr6, 16);
		memset(ph + 32, 0, 8);
		ph[34] = (uint8_t)(tcplen >> 8), ph[35] = tcplen & 0xff;
		ph[39] = 6;
		phlen = 40;
	} else {
		ph[0] = s->saddr >> 24, ph[1] = s->saddr >> 16;
		ph[2] = s->saddr >> 8, ph[3] = s->saddr;
		ph[4] = s->daddr >> 24, ph[5] = s->daddr >> 16;
		ph[6] = s->daddr >> 8, ph[7] = s->daddr;
		ph[8] = 0, ph[9] = 6;
		ph[10] = tcplen >> 8, ph[11] = tcplen & 0xff;
	}
	h[0] = s->sport >> 8, h[1] = s->sport & 0xff;
	h[2] = s->dport >> 8, h[3] = s->dport & 0xff;
	h[4] = s->seq >> 24, h[5] = s->seq >> 16, h[6] = s->seq >> 8;
	h[7] = s->seq, h[8] = s->ack >> 24, h[9] = s->ack >> 16;
	h[10] = s->ack >> 8, h[11] = s->ack;
	h[12] = (uint8_t)(doff << 4 | ((s->flags & TH_NS) ? 1 : 0));
	h[13] = s->flags & 0xff;
	h[14] = s->win >> 8, h[15] = s->win & 0xff;
	h[16] = 0, h[17] = 0, h[18] = s->urp >> 8, h[19] = s->urp & 0xff;
	sum = inet_cksum_add(0, ph, phlen);
	sum = inet_cksum_add(sum, h, sizeof(h));
	sum = inet_cksum_add(sum, s->opt_raw, s->opt_len);
	if (s->payload_len > 0)
		sum = inet_cksum_add(sum, s->payload, s->payload_len);
	return inet_cksum_finish(sum);
}

/* ---- The table. ---- */

int annot_init(struct annot_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	return 0;
}

void annot_free(struct annot_ctx *ctx)
{
	struct annot_conn *c = ctx->first, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(ctx->buckets);
	memset(ctx, 0, sizeof(*ctx));
}

unsigned annot_conn_count(const struct annot_ctx *ctx)
{
	return ctx->nconns;
}

/* One end's part of the hash: its address folded to 64 bits, and port. */
static uint64_t end_key(const struct ipaddr *a, uint16_t p)
{
	uint64_t x = p;
	int i;

	for (i = 0; i < 16; i++)
		x = (x << 8 | x >> 56) ^ a->b[i];
	return x * 0x9e3779b97f4a7c15ULL;
}

/* The same bucket for both directions of a connection. */
static size_t bucket_of(const struct annot_ctx *ctx, const struct ipaddr *a1,
                        uint16_t p1, const struct ipaddr *a2, uint16_t p2)
{
	uint64_t x = end_key(a1, p1) ^ end_key(a2, p2);

	/* A 64-bit mix (the finaliser of a well-known hash). */
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (size_t)x & (ctx->nbuckets - 1);
}

static size_t conn_bucket(const struct annot_ctx *ctx,
                          const struct annot_conn *c)
{
	return bucket_of(ctx, &c->sd[0].addr, c->sd[0].port, &c->sd[1].addr,
	                 c->sd[1].port);
}

/* Doubles the bucket array once the connections outnumber it. */
static int table_grow(struct annot_ctx *ctx)
{
	size_t n = ctx->nbuckets ? ctx->nbuckets * 2 : 256, i;
	struct annot_conn **b = calloc(n, sizeof(*b)), *c;

	if (b == NULL)
		return TCPLAB_ENOMEM;
	free(ctx->buckets);
	ctx->buckets = b;
	ctx->nbuckets = n;
	for (c = ctx->first; c != NULL; c = c->next) {
		i = conn_bucket(ctx, c);
		c->hnext = b[i];
		b[i] = c;
	}
	return 0;
}

/* The list of closed connections, by their last segment. */
static void over_unlink(struct annot_ctx *ctx, struct annot_conn *c)
{
	if (c->oprev != NULL)
		c->oprev->onext = c->onext;
	else
		ctx->over_first = c->onext;
	if (c->onext != NULL)
		c->onext->oprev = c->oprev;
	else
		ctx->over_last = c->oprev;
	c->oprev = c->onext = NULL;
	ctx->closed--;
}

static void over_append(struct annot_ctx *ctx, struct annot_conn *c)
{
	c->onext = NULL;
	c->oprev = ctx->over_last;
	if (ctx->over_last != NULL)
		ctx->over_last->onext = c;
	else
		ctx->over_first = c;
	ctx->over_last = c;
	ctx->closed++;
}

static void unlink_conn(struct annot_ctx *ctx, struct annot_conn *c)
{
	struct annot_conn **pp = &ctx->buckets[conn_bucket(ctx, c)];

	while (*pp != NULL && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp == c)
		*pp = c->hnext;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ctx->first = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		ctx->last = c->prev;
	ctx->live--;
	if (c->over)
		over_unlink(ctx, c);
}

static void fill_summary(const struct annot_conn *c, struct annot_summary *out);

/* Reports a connection to the caller and frees it. */
static void finish_conn(struct annot_ctx *ctx, struct annot_conn *c)
{
	struct annot_summary sm;

	unlink_conn(ctx, c);
	if (ctx->done != NULL) {
		fill_summary(c, &sm);
		ctx->done(ctx->done_arg, &sm);
	}
	free(c);
}

/*
 * Finishes the closed connections whose lingering is over at capture time
 * now: ANNOT_LINGER_US after their last segment, or at once when too many
 * wait.
 */
static void expire(struct annot_ctx *ctx, int64_t now)
{
	struct annot_conn *c;

	while ((c = ctx->over_first) != NULL &&
	       (ctx->closed > ANNOT_LINGER_MAX ||
	        now - c->last_us > ANNOT_LINGER_US))
		finish_conn(ctx, c);
}

static bool conn_matches(const struct annot_conn *c, const struct ipaddr *sa,
                         uint16_t sp, const struct ipaddr *da, uint16_t dp,
                         enum annot_side *from)
{
	const struct annot_side_mem *a = &c->sd[ANNOT_CLIENT],
	                            *b = &c->sd[ANNOT_SERVER];

	if (a->port == sp && b->port == dp && ipaddr_eq(&a->addr, sa) &&
	    ipaddr_eq(&b->addr, da)) {
		*from = ANNOT_CLIENT;
		return true;
	}
	if (b->port == sp && a->port == dp && ipaddr_eq(&b->addr, sa) &&
	    ipaddr_eq(&a->addr, da)) {
		*from = ANNOT_SERVER;
		return true;
	}
	return false;
}

static struct annot_conn *lookup(const struct annot_ctx *ctx,
                                 const struct ipaddr *sa, uint16_t sp,
                                 const struct ipaddr *da, uint16_t dp,
                                 enum annot_side *from)
{
	struct annot_conn *c;

	if (ctx->nbuckets == 0)
		return NULL;
	for (c = ctx->buckets[bucket_of(ctx, sa, sp, da, dp)]; c != NULL;
	     c = c->hnext)
		if (conn_matches(c, sa, sp, da, dp, from))
			return c;
	return NULL;
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

/* A new connection opened by s (not linked into any table). */
static void conn_begin(struct annot_conn *c, const struct annot_in *in,
                       unsigned id, enum annot_side *from)
{
	const struct seg *s = in->s;
	bool inf;

	memset(c, 0, sizeof(*c));
	c->id = id;
	*from = first_sender(s, in->from, &inf);
	c->roles_inferred = inf;
	c->sd[*from].addr = seg_src(s);
	c->sd[*from].port = s->sport;
	c->sd[!*from].addr = seg_dst(s);
	c->sd[!*from].port = s->dport;
	annot_state_start(c, s, *from);
}

/* Finds the connection of s, or opens a new entry. NULL when out of memory. */
static struct annot_conn *conn_find(struct annot_ctx *ctx,
                                    const struct annot_in *in,
                                    enum annot_side *from, bool *is_new)
{
	const struct seg *s = in->s;
	struct ipaddr sa = seg_src(s), da = seg_dst(s);
	struct annot_conn *c;
	size_t i;

	*is_new = false;
	c = lookup(ctx, &sa, s->sport, &da, s->dport, from);
	/* A fresh SYN on a pair whose connection is over opens a new one
	 * (a client reusing its port); the old one is finished first. */
	if (c != NULL && (s->flags & (TH_SYN | TH_ACK)) == TH_SYN && c->over) {
		finish_conn(ctx, c);
		c = NULL;
	}
	if (c != NULL)
		return c;
	if (ctx->live >= ctx->nbuckets && table_grow(ctx) < 0)
		return NULL;
	c = malloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	conn_begin(c, in, ++ctx->nconns, from);
	i = conn_bucket(ctx, c);
	c->hnext = ctx->buckets[i];
	ctx->buckets[i] = c;
	c->prev = ctx->last;
	if (ctx->last != NULL)
		ctx->last->next = c;
	else
		ctx->first = c;
	ctx->last = c;
	ctx->live++;
	*is_new = true;
	return c;
}

/* ---- One segment's facts. ---- */

/* Relative numbers: from the ISNs, or from tcpdump's guess when the capture
 * began after the SYN (ISN(sender) = seq, ISN(receiver) = ack - 1). */
static void set_relative(struct annot_side_mem *snd, struct annot_side_mem *rcv,
                         const struct seg *s, struct annot_result *r)
{
	/* A challenged SYN (a forged one, or a peer's confusion) does not
	 * move the ISN of the connection it does not change. */
	if ((s->flags & TH_SYN) && !(r->events & ANNOT_EV_CHALLENGED)) {
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
static void fill_eq(struct annot_eq *eq, const struct annot_side_mem *o,
                    uint32_t base, uint32_t value)
{
	uint32_t span = value - base;

	eq->valid = true;
	eq->base = base;
	eq->value = value;
	eq->rel_base = base - o->isn;
	eq->rel_value = value - o->isn;
	eq->syn = o->syn_seen && seq_in_window(o->syn_seq, base, value);
	eq->fin = o->fin_seen && seq_in_window(o->fin_seq, base, value);
	eq->bytes = span - eq->syn - eq->fin;
}

/* The arithmetic of seq (from the sender's ISN) and of ack (from what the
 * sender acknowledged before, or from the receiver's ISN). */
static void equations(struct annot_conn *c, enum annot_side f,
                      const struct seg *s, struct annot_result *r)
{
	struct annot_side_mem *snd = &c->sd[f], *rcv = &c->sd[!f];

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
static unsigned acked_segment(const struct annot_side_mem *o, uint32_t ack)
{
	unsigned i, best = 0, exact = 0;

	/* The segment that ends exactly at ack if there is one, else the
	 * latest one that ends before it. */
	for (i = 0; i < ANNOT_HIST; i++) {
		const struct annot_hist *h = &o->hist[i];

		if (h->n == 0 || !seq_leq(h->end, ack))
			continue;
		if (h->n > best)
			best = h->n;
		if (h->end == ack && h->n > exact)
			exact = h->n;
	}
	return exact != 0 ? exact : best;
}

static void hist_push(struct annot_side_mem *sd, const struct seg *s,
                      uint32_t end, unsigned n)
{
	struct annot_hist *h = &sd->hist[sd->hist_next];

	h->end = end;
	h->n = n;
	h->has_ack = (s->flags & TH_ACK) != 0;
	h->ack = s->ack;
	sd->hist_next = (sd->hist_next + 1) % ANNOT_HIST;
}

/* Retransmission, out-of-order, keep-alive and a gap before the segment,
 * judged from the sender's highest sequence number so far. */
static unsigned seq_events(struct annot_side_mem *snd, const struct seg *s,
                           uint32_t end)
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
static unsigned ack_events(struct annot_side_mem *snd,
                           struct annot_side_mem *rcv, const struct seg *s,
                           uint32_t space)
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
static void remember(struct annot_conn *c, struct annot_side_mem *snd,
                     const struct seg *s, unsigned n, unsigned events)
{
	uint32_t end = s->seq + seg_seq_len(s);

	if (s->flags & TH_SYN) {
		if (!snd->syn_seen)
			snd->syn_n = n;
		snd->syn_seen = true;
		snd->syn_seq = s->seq;
		snd->wscale_sent = (s->has & SEG_HAS_WSCALE) != 0;
		snd->wscale = s->wscale > 14 ? 14 : s->wscale;
		c->syn_seen = true;
	}
	if ((s->flags & TH_FIN) && !snd->fin_seen) {
		snd->fin_seen = true;
		snd->fin_seq = end - 1;
		snd->fin_n = n;
	}
	if (end != s->seq && !(events & ANNOT_EV_RETRANSMISSION))
		hist_push(snd, s, end, n);
	if (s->has & SEG_HAS_TS) {
		snd->ts[snd->ts_next].val = s->ts_val;
		snd->ts[snd->ts_next].n = n;
		snd->ts_next = (snd->ts_next + 1) % ANNOT_TSH;
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
static void window_bytes(const struct annot_conn *c,
                         const struct annot_side_mem *snd,
                         const struct annot_side_mem *rcv, const struct seg *s,
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
                        const struct seg *s, bool challenged)
{
	struct annot_side_mem *snd = &c->sd[f], *rcv = &c->sd[!f];
	bool covers = (s->flags & TH_ACK) && rcv->fin_seen &&
	              seq_gt(s->ack, rcv->fin_seq);

	if ((s->flags & TH_RST) && !challenged && !c->closed && !c->reset) {
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
	if (c->second_fin && c->sd[0].fin_seen && c->sd[1].fin_seen) {
		/* Closed once each side's FIN is covered by the other's ACK. */
		struct annot_side_mem *a = &c->sd[0], *b = &c->sd[1];

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
	if (ev & ANNOT_EV_WINDOW_PROBE)
		c->probes++;
}

/* What each side now expects next from the other. */
static void expectations(struct annot_conn *c, enum annot_side f,
                         const struct seg *s, struct annot_result *r)
{
	struct annot_side_mem *snd = &c->sd[f], *rcv = &c->sd[!f];
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
                        const struct annot_ctx *ctx, struct annot_result *r)
{
	const struct seg *s = in->s;

	memset(r, 0, sizeof(*r));
	r->tr = ctx->tr;
	r->cc_notes = ctx->cc_notes;
	if (in->own != ANNOT_ROLE_UNKNOWN && in->own_cc != NULL &&
	    in->own_cc->valid) {
		r->cc = *in->own_cc;
		r->cc_side = in->own == ANNOT_ROLE_CLIENT ? ANNOT_CLIENT
		                                          : ANNOT_SERVER;
	}
	r->n = n;
	r->sec = in->sec;
	r->usec = in->usec;
	r->saddr = seg_src(s);
	r->daddr = seg_dst(s);
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

enum annot_close annot_close_kind(const struct annot_conn *c)
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

/*
 * RFC 5961, as conn applies it: a RST that is not exactly at the
 * receiver's RCV.NXT (3.2), or a SYN with another ISN while the receiver
 * is synchronized (4.2), is not taken: it draws a challenge ACK, or is
 * dropped, and changes nothing. What the capture shows of RCV.NXT decides.
 */
static bool challenged(const struct annot_side_mem *snd,
                       const struct annot_side_mem *rcv, const struct seg *s)
{
	if (s->flags & TH_RST)
		return rcv->st >= TCP_SYN_RECEIVED && rcv->rcv_valid &&
		       s->seq != rcv->rcv_nxt;
	if ((s->flags & TH_SYN) && snd->isn_known)
		return rcv->st >= TCP_ESTABLISHED && rcv->st < TCP_TIME_WAIT &&
		       s->seq != snd->isn;
	return false;
}

/* Whether the connection is over (both FINs acknowledged, or a RST). */
static bool conn_over(const struct annot_conn *c)
{
	return c->closed || c->reset;
}

/* Everything one segment tells, on connection c (which may be a copy). */
static void process(struct annot_conn *c, const struct annot_in *in,
                    enum annot_side f, struct annot_result *r)
{
	const struct seg *s = in->s;
	struct annot_side_mem *snd = &c->sd[f], *rcv = &c->sd[!f];

	c->tr = r->tr;
	r->conn = c->id;
	r->from = f;
	r->from_inferred = c->roles_inferred;
	if (c->first_n == 0)
		c->first_n = r->n;
	c->last_n = r->n;
	if (challenged(snd, rcv, s))
		r->events |= ANNOT_EV_CHALLENGED;
	set_relative(snd, rcv, s, r);
	equations(c, f, s, r);
	if (r->ack_new && (s->flags & TH_ACK))
		r->acks_seg = acked_segment(rcv, s->ack);
	/* A challenged segment's numbers are not the sender's: they do not
	 * move what the sender is known to have sent. */
	if (!(r->events & ANNOT_EV_CHALLENGED))
		r->events |= seq_events(snd, s, r->seq_end);
	/* Toward a zero window, the same shape is a window probe. */
	if ((r->events & ANNOT_EV_KEEP_ALIVE) && rcv->ack_valid &&
	    rcv->last_win == 0)
		r->events ^= ANNOT_EV_KEEP_ALIVE | ANNOT_EV_WINDOW_PROBE;
	r->events |= ack_events(snd, rcv, s, r->seq_end - s->seq);
	if (r->events & ANNOT_EV_CHALLENGED)
		r->events &= ~(unsigned)ANNOT_EV_RESET;
	annot_state_segment(c, f, s, in, r);
	if (!(r->events & ANNOT_EV_CHALLENGED))
		remember(c, snd, s, r->n, r->events);
	window_bytes(c, snd, rcv, s, r);
	track_close(c, f, s, (r->events & ANNOT_EV_CHALLENGED) != 0);
	if (c->sd[0].syn_seen && c->sd[1].syn_seen &&
	    c->sd[0].st >= TCP_ESTABLISHED && c->sd[1].st >= TCP_ESTABLISHED &&
	    !c->handshake && !c->midstream) {
		c->handshake = true;
		c->handshake_n = r->n;
	}
	if (c->closed && c->closed_n == 0)
		c->closed_n = r->n;
	count(c, f, r->events, s);
	expectations(c, f, s, r);
	if (!(r->events & ANNOT_EV_CHALLENGED))
		annot_est_segment(c, f, s, r->sec * 1000000 + r->usec, r);
	annot_write_notes(c, r, s);
}

int annot_input(struct annot_ctx *ctx, const struct annot_in *in,
                struct annot_result *r)
{
	int64_t now = in->sec * 1000000 + in->usec;
	struct annot_conn *c;
	enum annot_side f;
	bool is_new;

	fill_basics(in, ++ctx->nseg, ctx, r);
	expire(ctx, now);
	c = conn_find(ctx, in, &f, &is_new);
	if (c == NULL)
		return TCPLAB_ENOMEM;
	r->conn_new = is_new;
	r->user = &c->user;
	process(c, in, f, r);
	c->last_us = now;
	if (c->over)
		over_unlink(ctx, c);
	c->over = conn_over(c);
	if (c->over)
		over_append(ctx, c);
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

int annot_preview(const struct annot_ctx *ctx, const struct annot_in *in,
                  struct annot_result *r)
{
	const struct seg *s = in->s;
	struct annot_conn *tmp, *c;
	enum annot_side f;

	tmp = malloc(sizeof(*tmp));
	if (tmp == NULL)
		return TCPLAB_ENOMEM;
	fill_basics(in, ctx->nseg + 1, ctx, r);
	c = lookup(ctx, &r->saddr, s->sport, &r->daddr, s->dport, &f);
	if (c != NULL &&
	    !((s->flags & (TH_SYN | TH_ACK)) == TH_SYN && c->over)) {
		*tmp = *c;
		r->conn_new = false;
	} else {
		conn_begin(tmp, in, ctx->nconns + 1, &f);
		r->conn_new = true;
	}
	process(tmp, in, f, r);
	r->user = NULL;
	free(tmp);
	return 0;
}

int annot_forget(struct annot_ctx *ctx, const struct ipaddr *saddr,
                 uint16_t sport, const struct ipaddr *daddr, uint16_t dport)
{
	enum annot_side f;
	struct annot_conn *c = lookup(ctx, saddr, sport, daddr, dport, &f);

	if (c == NULL)
		return TCPLAB_EINVAL;
	finish_conn(ctx, c);
	return 0;
}

void annot_finish(struct annot_ctx *ctx)
{
	while (ctx->first != NULL)
		finish_conn(ctx, ctx->first);
}

static void fill_summary(const struct annot_conn *c, struct annot_summary *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->conn = c->id;
	out->caddr = c->sd[ANNOT_CLIENT].addr;
	out->cport = c->sd[ANNOT_CLIENT].port;
	out->saddr = c->sd[ANNOT_SERVER].addr;
	out->sport = c->sd[ANNOT_SERVER].port;
	out->roles_inferred = c->roles_inferred;
	out->handshake = c->handshake;
	out->close = annot_close_kind(c);
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
	out->window_probes = c->probes;
	for (i = 0; i < 2; i++) {
		out->bytes[i] = c->bytes[i];
		out->state[i] = c->sd[i].st;
		out->inferred[i] =
		        !c->sd[i].f.told && c->sd[i].st != TCP_CLOSED;
	}
	out->user = c->user;
}

int annot_summary(const struct annot_ctx *ctx, unsigned conn,
                  struct annot_summary *out)
{
	const struct annot_conn *c;

	for (c = ctx->first; c != NULL; c = c->next)
		if (c->id == conn) {
			fill_summary(c, out);
			return 0;
		}
	return TCPLAB_EINVAL;
}
