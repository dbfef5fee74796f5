/*
 * annot_state.c: the observer's model of both sides' TCP states.
 *
 * A side's state follows from a few facts (struct annot_facts): what it
 * sent (its SYN, its FIN, a RST), which the capture shows, and what it
 * received of the other side (the other's SYN and FIN, the ACKs of its own
 * SYN and FIN), which the capture can only assume. RFC 9293's diagram is
 * then a function of those facts (state_of()), and a segment's path is the
 * function taken after each of its effects in the order RFC 9293 3.10.7.4
 * processes them: the ACK, then the SYN, then the FIN.
 *
 * An arrival is assumed when the segment is seen, and proved when the
 * receiver's own later segments show it: an ACK that covers a SYN or a
 * FIN, and data, which a side sends only once its SYN is acknowledged
 * (RFC 9293 3.10.2). A RST that reaches a side is an arrival too:
 * assumed, since nothing the side sends afterwards can show it. The same
 * segments can refute an assumption: a side that sends its SYN again had
 * not got the ACK of it when it did; a FIN (or any ACK) that does not
 * cover the other's FIN was sent before that FIN arrived. Then the fact
 * is taken back, the side's state before the segment is revised, and
 * c->why says why. A SYN, a FIN or the ACK of one that had not arrived
 * yet is pending: it may still be on its way, so a state that rests on
 * its absence is inferred; it arrives, by assumption, with the next
 * segment of its sender.
 *
 * A side whose own end tells its states (annot_in.own) is shown as told;
 * its facts are still kept, for the segments it sends.
 *
 * This module must never do I/O, print, read a clock or keep global
 * state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/annot_int.h"
#include "common/seq.h"

/* The closing states, once the handshake is over (or SYN-RECEIVED when
 * the side closed before its SYN was acknowledged). */
static enum tcp_state closing_state(const struct annot_facts *f,
                                    enum tcp_state base)
{
	if (!f->fin_sent)
		return f->fin != RX_NO && base == TCP_ESTABLISHED
		               ? TCP_CLOSE_WAIT
		               : base;
	if (f->fin_after_peer)
		return f->fin_ack != RX_NO ? TCP_CLOSED : TCP_LAST_ACK;
	if (f->fin == RX_NO)
		return f->fin_ack != RX_NO ? TCP_FIN_WAIT_2 : TCP_FIN_WAIT_1;
	return f->fin_ack != RX_NO ? TCP_TIME_WAIT : TCP_CLOSING;
}

/* RFC 9293's state for a set of facts. */
static enum tcp_state state_of(const struct annot_facts *f)
{
	if (f->reset)
		return f->reset_to;
	if (!f->syn_sent)
		return f->syn != RX_NO ? TCP_SYN_RECEIVED : f->init;
	if (f->active && f->syn == RX_NO)
		return TCP_SYN_SENT;
	if (f->syn_ack == RX_NO)
		return closing_state(f, TCP_SYN_RECEIVED);
	return closing_state(f, TCP_ESTABLISHED);
}

/* The facts with every assumption taken out: what the capture proves. */
static void proved_only(const struct annot_facts *f, struct annot_facts *p)
{
	*p = *f;
	if (p->syn == RX_ASSUMED)
		p->syn = RX_NO;
	if (p->syn_ack == RX_ASSUMED)
		p->syn_ack = RX_NO;
	if (p->fin == RX_ASSUMED)
		p->fin = RX_NO;
	if (p->fin_ack == RX_ASSUMED)
		p->fin_ack = RX_NO;
	/* A RST it received is an arrival like any other: assumed. */
	if (p->reset_assumed)
		p->reset = false;
}

/* Whether the state shown for f rests on something assumed. */
static bool state_inferred(const struct annot_facts *f)
{
	struct annot_facts p;
	enum tcp_state st = state_of(f);

	if (f->told)
		return false;
	/* A RST it sent ends its connection, whatever it had received. */
	if (f->reset && !f->reset_assumed)
		return false;
	/* A SYN, a FIN or an ACK on its way to it may have arrived by now. */
	if (f->pend_syn || f->pend_fin || f->pend_syn_ack || f->pend_fin_ack)
		return true;
	if (!f->syn_sent && f->syn == RX_NO && !f->reset)
		return f->init_assumed;
	proved_only(f, &p);
	return state_of(&p) != st;
}

void annot_state_start(struct annot_conn *c, const struct seg *s,
                       enum annot_side f)
{
	struct annot_facts *snd = &c->sd[f].f, *rcv = &c->sd[!f].f;

	snd->init = TCP_CLOSED;
	rcv->init = TCP_CLOSED;
	if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		/* Whoever gets the first SYN is taken to listen. */
		rcv->init = TCP_LISTEN;
		rcv->init_assumed = true;
	} else if (s->flags & TH_SYN) {
		/* A SYN-ACK first: the SYN went by before the capture. */
		snd->init = TCP_LISTEN;
		rcv->active = true;
		rcv->syn_sent = true;
		c->midstream = true;
	} else {
		/* Mid-stream: both are taken to be ESTABLISHED. */
		snd->init = f == ANNOT_SERVER ? TCP_LISTEN : TCP_CLOSED;
		rcv->init = f == ANNOT_SERVER ? TCP_CLOSED : TCP_LISTEN;
		snd->active = f == ANNOT_CLIENT;
		rcv->active = f != ANNOT_CLIENT;
		snd->syn_sent = rcv->syn_sent = true;
		snd->syn = rcv->syn = RX_ASSUMED;
		snd->syn_ack = rcv->syn_ack = RX_ASSUMED;
		c->midstream = true;
	}
	c->sd[0].st = state_of(&c->sd[0].f);
	c->sd[1].st = state_of(&c->sd[1].f);
}

/* Adds a state to a path unless it repeats the last one. */
static void path_add(struct annot_path *p, enum tcp_state st)
{
	if (p->n > 0 && p->st[p->n - 1] == st)
		return;
	if (p->n < ANNOT_PATH_MAX)
		p->st[p->n++] = st;
}

static void why(struct annot_conn *c, enum annot_side i, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Says why side i's state was revised (the first reason is kept), in
 * the reader's language: fmt is a message (po/Makevars knows why()). */
static void why(struct annot_conn *c, enum annot_side i, const char *fmt, ...)
{
	va_list ap;

	if (c->why[i][0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->why[i], sizeof(c->why[i]), TR(c->tr, fmt), ap);
	va_end(ap);
}

/* Whether the segment's ACK covers sequence number x. */
static bool covers(const struct seg *s, uint32_t x)
{
	return (s->flags & TH_ACK) && seq_gt(s->ack, x);
}

/*
 * Phase 1 of a sent segment: what it refutes. Each assumption it takes
 * back changes the side's state before the segment (a revision).
 */
static void sender_refutes(struct annot_conn *c, enum annot_side x,
                           const struct seg *s)
{
	struct annot_side_mem *me = &c->sd[x], *peer = &c->sd[!x];
	struct annot_facts *f = &me->f;
	const char *them = annot_side_word(c->tr, !x);
	bool syn = (s->flags & TH_SYN) != 0;

	/* A RST without ACK acknowledges nothing (RFC 9293 3.10.7.1): it
	 * cannot show that a SYN had not arrived. */
	if (peer->syn_seen && f->syn == RX_ASSUMED &&
	    (s->flags & (TH_SYN | TH_ACK)) && !covers(s, peer->syn_seq)) {
		f->syn = RX_NO;
		/* Not arrived when it sent this; it may still be on its
		 * way (a SYN that crossed this one), or lost. */
		f->pend_syn = true;
		if (syn && !f->syn_sent)
			why(c, x,
			    "its SYN does not acknowledge the %s's SYN (#%u): "
			    "the two SYNs crossed",
			    them, peer->syn_n);
		else if (syn)
			why(c, x,
			    "it sends its SYN again, so the %s's SYN (#%u) had "
			    "not reached it when it sent this",
			    them, peer->syn_n);
		else
			why(c, x,
			    "its ack does not cover the %s's SYN (#%u): that "
			    "SYN had not reached it when it sent this",
			    them, peer->syn_n);
	}
	if (peer->fin_seen && f->fin == RX_ASSUMED && (s->flags & TH_ACK) &&
	    !covers(s, peer->fin_seq)) {
		f->fin = RX_NO;
		f->pend_fin = true;
		why(c, x,
		    "its ack does not cover the %s's FIN (#%u): that FIN had "
		    "not reached it when it sent this",
		    them, peer->fin_n);
	}
	if (syn && f->syn_sent && f->syn_ack == RX_ASSUMED) {
		f->syn_ack = RX_NO;
		f->pend_syn_ack = true;
		why(c, x,
		    "it sends its SYN again, so the ACK of its SYN had not "
		    "reached it when it sent this");
	}
	if ((s->flags & TH_FIN) && f->fin_sent && me->fin_seen &&
	    s->seq + (uint32_t)s->payload_len == me->fin_seq &&
	    f->fin_ack == RX_ASSUMED) {
		f->fin_ack = RX_NO;
		f->pend_fin_ack = true;
		why(c, x,
		    "it sends its FIN again, so the ACK of its FIN had not "
		    "reached it when it sent this");
	}
	if (syn && !(s->flags & TH_ACK) && !f->syn_sent && f->init_assumed) {
		why(c, x,
		    "it sends a SYN of its own: it opens the connection too, "
		    "so it was not listening");
		f->init = TCP_CLOSED;
		f->init_assumed = false;
	}
	if ((s->flags & TH_RST) && !f->syn_sent && s->seq == 0 &&
	    (f->init != TCP_CLOSED || f->syn != RX_NO)) {
		/* A RST for a SYN, with the sequence number zero that RFC
		 * 9293 3.10.7.1 gives a CLOSED port's answer to a segment
		 * without ACK: nothing listened there. */
		why(c, x, "it answers with a RST: nothing listens on its port");
		f->init = TCP_CLOSED;
		f->init_assumed = false;
		f->syn = RX_NO;
		f->pend_syn = false;
	}
}

/* Sets an arrival proved; one not assumed before is a step of the path. */
static void prove(struct annot_facts *f, enum annot_rx *rx,
                  struct annot_path *p)
{
	bool step = *rx == RX_NO;

	*rx = RX_PROVED;
	if (step)
		path_add(p, state_of(f));
}

/*
 * The highest ACK the other side carried on its segments that end at or
 * before upto: a side that acknowledges upto has received them all, and
 * with them that ACK. False when none is remembered.
 */
static bool carried_ack(const struct annot_side_mem *peer, uint32_t upto,
                        uint32_t *ack)
{
	bool any = false;
	unsigned i;

	for (i = 0; i < ANNOT_HIST; i++) {
		const struct annot_hist *h = &peer->hist[i];

		if (h->n == 0 || !h->has_ack || !seq_leq(h->end, upto))
			continue;
		if (!any || seq_gt(h->ack, *ack))
			*ack = h->ack;
		any = true;
	}
	return any;
}

/*
 * Phase 2: what it proves. An ACK that covers the other's SYN or FIN shows
 * they arrived, and so did the ACK those segments (and the ones before
 * them) carried: that one may prove the ACK of the sender's own SYN or
 * FIN. Each arrival not assumed before is a step of the path.
 */
static void sender_proves(struct annot_conn *c, enum annot_side x,
                          const struct seg *s, struct annot_path *p)
{
	struct annot_side_mem *me = &c->sd[x], *peer = &c->sd[!x];
	struct annot_facts *f = &me->f;
	uint32_t got = 0;

	if ((s->flags & (TH_RST | TH_ACK)) != TH_ACK)
		return;
	if (peer->syn_seen && covers(s, peer->syn_seq)) {
		f->pend_syn = false;
		prove(f, &f->syn, p);
	}
	/* RFC 9293 3.10.2: data waits for ESTABLISHED, so a side that sends
	 * data has had the ACK of its SYN. */
	if (s->payload_len > 0 && !(s->flags & TH_SYN) && f->syn_sent) {
		f->pend_syn_ack = false;
		prove(f, &f->syn_ack, p);
	}
	if (carried_ack(peer, s->ack, &got)) {
		if (f->syn_sent && me->syn_seen && seq_gt(got, me->syn_seq)) {
			f->pend_syn_ack = false;
			prove(f, &f->syn_ack, p);
		}
		if (f->fin_sent && me->fin_seen && seq_gt(got, me->fin_seq)) {
			f->pend_fin_ack = false;
			prove(f, &f->fin_ack, p);
		}
	}
	if (peer->fin_seen && covers(s, peer->fin_seq)) {
		f->pend_fin = false;
		prove(f, &f->fin, p);
	}
}

/* Phase 3: the sender's own actions: SYN, FIN, RST. */
static void sender_acts(struct annot_conn *c, enum annot_side x,
                        const struct seg *s, struct annot_path *p)
{
	struct annot_facts *f = &c->sd[x].f;

	/* RFC 9293 3.10.7.3: in SYN-SENT a RST is the answer to an ACK that
	 * is not of its SYN, and the state stays (an abort sends nothing). */
	if ((s->flags & TH_RST) && state_of(f) == TCP_SYN_SENT)
		return;
	if (s->flags & TH_RST) {
		f->reset = true;
		f->reset_assumed = false;
		f->reset_to = TCP_CLOSED;
		path_add(p, state_of(f));
		return;
	}
	if ((s->flags & TH_SYN) && !f->syn_sent) {
		f->syn_sent = true;
		f->active = !(s->flags & TH_ACK);
		path_add(p, state_of(f));
	}
	if ((s->flags & TH_FIN) && !f->fin_sent) {
		f->fin_sent = true;
		f->fin_after_peer = f->fin != RX_NO;
		path_add(p, state_of(f));
	}
}

/*
 * Whether the receiver takes a RST. In SYN-SENT, when it acknowledges the
 * SYN (RFC 9293 3.10.7.3); else only when its sequence number is exactly
 * the next one expected: one elsewhere in the window draws a challenge
 * ACK and changes nothing (RFC 5961 3.2), as conn does. When the capture
 * has not shown what the receiver expects, the RST is taken.
 */
static bool rst_acceptable(const struct annot_side_mem *y, const struct seg *s)
{
	if (y->f.active && y->f.syn == RX_NO)
		return (s->flags & TH_ACK) && y->syn_seen &&
		       s->ack == y->syn_seq + 1;
	if (!y->rcv_valid)
		return true;
	return s->seq == y->rcv_nxt;
}

/* The segment arrives at y (by assumption): what was pending first, then
 * the ACK, the SYN, the FIN and a RST, each a step of the path. */
static void receiver_takes(struct annot_conn *c, enum annot_side y,
                           const struct seg *s, struct annot_path *p)
{
	struct annot_side_mem *me = &c->sd[y];
	struct annot_facts *f = &me->f;

	/* What was pending arrives first, in the order RFC 9293 takes a
	 * segment's parts: the ACK, then the SYN, then the FIN. */
	if (f->pend_syn_ack && f->syn_ack == RX_NO)
		f->syn_ack = RX_ASSUMED;
	if (f->pend_fin_ack && f->fin_ack == RX_NO)
		f->fin_ack = RX_ASSUMED;
	path_add(p, state_of(f));
	if (f->pend_syn && f->syn == RX_NO)
		f->syn = RX_ASSUMED;
	path_add(p, state_of(f));
	if (f->pend_fin && f->fin == RX_NO)
		f->fin = RX_ASSUMED;
	f->pend_syn = f->pend_fin = false;
	f->pend_syn_ack = f->pend_fin_ack = false;
	path_add(p, state_of(f));
	if (s->flags & TH_RST) {
		enum tcp_state st = state_of(f);

		if (st == TCP_LISTEN || !rst_acceptable(me, s))
			return;
		f->reset = true;
		f->reset_assumed = true;
		f->reset_to = st == TCP_SYN_RECEIVED && !f->active ? TCP_LISTEN
		                                                   : TCP_CLOSED;
		path_add(p, state_of(f));
		return;
	}
	if (me->syn_seen && covers(s, me->syn_seq) && f->syn_ack == RX_NO &&
	    f->syn_sent)
		f->syn_ack = RX_ASSUMED;
	if (me->fin_seen && covers(s, me->fin_seq) && f->fin_ack == RX_NO &&
	    f->fin_sent)
		f->fin_ack = RX_ASSUMED;
	path_add(p, state_of(f));
	if ((s->flags & TH_SYN) && f->syn == RX_NO)
		f->syn = RX_ASSUMED;
	path_add(p, state_of(f));
	if ((s->flags & TH_FIN) && f->fin == RX_NO)
		f->fin = RX_ASSUMED;
	path_add(p, state_of(f));
}

/* A side whose end told its states: the path as told. */
static void told_path(struct annot_side_mem *sd, const struct annot_in *in,
                      struct annot_path *p)
{
	unsigned i;

	if (!sd->f.told) {
		sd->f.told = true;
		sd->f.told_st =
		        in->own_path.n > 0 ? in->own_path.st[0] : sd->st;
	}
	p->n = 0;
	path_add(p, sd->f.told_st);
	for (i = 0; i < in->own_path.n; i++)
		path_add(p, in->own_path.st[i]);
	sd->f.told_st = p->st[p->n - 1];
}

static enum annot_side own_side(const struct annot_in *in)
{
	return in->own == ANNOT_ROLE_CLIENT ? ANNOT_CLIENT : ANNOT_SERVER;
}

void annot_state_segment(struct annot_conn *c, enum annot_side x,
                         const struct seg *s, const struct annot_in *in,
                         struct annot_result *r)
{
	struct annot_path *p = r->path;
	bool own = in->own != ANNOT_ROLE_UNKNOWN;
	int i;

	c->why[0][0] = c->why[1][0] = '\0';
	p[0].n = p[1].n = 0;
	/* A challenged RST or SYN (RFC 5961) changes neither side: the
	 * receiver refuses it, and it may not be the sender's at all. */
	if (r->events & ANNOT_EV_CHALLENGED) {
		path_add(&p[x], state_of(&c->sd[x].f));
		path_add(&p[!x], state_of(&c->sd[!x].f));
	} else {
		/* What the sender's segment refutes, proves, and does. */
		sender_refutes(c, x, s);
		path_add(&p[x], state_of(&c->sd[x].f));
		sender_proves(c, x, s, &p[x]);
		sender_acts(c, x, s, &p[x]);
		path_add(&p[!x], state_of(&c->sd[!x].f));
		if (!(own && in->own_ignored &&
		      own_side(in) == (enum annot_side) !x))
			receiver_takes(c, (enum annot_side) !x, s, &p[!x]);
	}
	if (own)
		told_path(&c->sd[own_side(in)], in, &p[own_side(in)]);
	r->ignored = own && in->own_ignored;
	for (i = 0; i < 2; i++) {
		struct annot_side_mem *sd = &c->sd[i];

		r->told[i] = sd->f.told;
		r->revised[i] = !sd->f.told && p[i].st[0] != sd->st;
		r->before[i] = p[i].st[0];
		r->after[i] = p[i].st[p[i].n - 1];
		r->inferred[i] =
		        state_inferred(&sd->f) || (c->midstream && !sd->f.told);
		sd->st = r->after[i];
	}
}

void annot_path_from_events(struct annot_path *p, enum tcp_state before,
                            const struct conn_out *out)
{
	unsigned i;

	p->n = 0;
	path_add(p, before);
	for (i = 0; i < out->nev; i++)
		if (out->ev[i].kind == CONN_EV_STATE) {
			path_add(p, out->ev[i].from);
			path_add(p, out->ev[i].to);
		}
}
