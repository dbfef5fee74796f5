/*
 * annot_est.c: what an observer can estimate of each sender's congestion
 * control from a capture alone: cwnd, ssthresh, bytes in flight, SRTT,
 * RTTVAR and RTO, as a sender following RFC 5681, RFC 6582, RFC 6675 and
 * RFC 6298 would hold them, given the segments and ACKs the capture shows.
 *
 * The arithmetic is conn's own (conn_cc_iw, conn_cc_loss_ssthresh,
 * conn_cc_ss_step, conn_rtt_update); what is estimated is when it
 * applies. A capture shows segments and ACKs as they passed the capture
 * point, not when the sender read its ACKs nor its timers: a loss is
 * taken when the sender's retransmission appears (fast retransmit after
 * duplicate ACKs, a timeout after none or after a silence of about an
 * RTO), with what it had in flight then; every ACK of new data grows
 * cwnd until the sender's FIN; an RTT is timed from a data segment to the
 * ACK that covers it, one segment at a time, as RFC 6298 times without
 * timestamps (Karn's rule: never a retransmitted one). Every result is
 * marked inferred. A connection whose SYNs were not captured is not
 * estimated: its MSS and its start are unknown.
 *
 * This file must never do I/O, read a clock or keep global state.
 */
#include <string.h>

#include "common/annot_int.h"
#include "common/seq.h"
#include "common/tr.h"

#define EST_RTO_MIN_US  200000ull    /* Linux's floor */
#define EST_RTO_MAX_US  120000000ull /* and ceiling */
#define EST_RTO_INIT_US 1000000ull   /* RFC 6298 2.1 */
/* A hostile capture's endless ACKs must not wrap cwnd around. */
#define EST_CWND_MAX (1u << 30)

static uint64_t rto_clamp(uint64_t rto, bool *floored)
{
	*floored = rto < EST_RTO_MIN_US;
	if (rto < EST_RTO_MIN_US)
		return EST_RTO_MIN_US;
	return rto > EST_RTO_MAX_US ? EST_RTO_MAX_US : rto;
}

/* A SYN: what its sender offers (MSS, timestamps, SACK). */
static void est_syn(struct annot_est *e, const struct seg *s)
{
	e->syn = true;
	e->syn_mss = (s->has & SEG_HAS_MSS) ? s->mss : 536;
	e->syn_ts = (s->has & SEG_HAS_TS) != 0;
	e->syn_sack = (s->has & SEG_HAS_SACKOK) != 0;
}

/* The sender x starts with its first data: RFC 6928's window. */
static bool est_start(struct annot_conn *c, enum annot_side x, uint32_t seq)
{
	struct annot_est *e = &c->sd[x].est, *p = &c->sd[!x].est;
	uint32_t smss;

	if (!e->syn || !p->syn || c->midstream)
		return false;
	/* The peer's MSS, less the timestamps both agreed to carry. */
	smss = p->syn_mss;
	if (e->syn_ts && p->syn_ts && smss > 12)
		smss -= 12;
	if (smss == 0)
		return false;
	e->on = true;
	e->smss = smss;
	e->sack = e->syn_sack && p->syn_sack;
	e->cwnd = conn_cc_iw(smss);
	/* RFC 5681 3.1: "arbitrarily high", the largest window the peer
	 * can offer, as conn starts it. */
	e->ssthresh = 65535u;
	if (c->sd[x].wscale_sent && c->sd[!x].wscale_sent)
		e->ssthresh <<= c->sd[!x].wscale;
	e->ss_initial = true;
	e->phase = CONN_CC_OPEN;
	e->una = seq;
	e->recover = seq - 1;
	e->rnd_end = seq;
	e->rto = EST_RTO_INIT_US;
	return true;
}

static uint32_t est_flight(const struct annot_conn *c, enum annot_side x)
{
	const struct annot_est *e = &c->sd[x].est;
	uint32_t max = c->sd[x].snd_max;

	return seq_gt(max, e->una) ? (uint32_t)seq_diff(max, e->una) : 0;
}

/*
 * Slow start or congestion avoidance for an ACK of n new bytes. A sender
 * grows cwnd only while cwnd limits it (conn_cc.c's cwnd_limited), which
 * a capture cannot tell: it shows the ACKs as they passed the capture
 * point, often long before a busy sender read them, so that the flight
 * it shows is smaller than the flight the sender saw. The estimate takes the
 * sender of data to be limited by cwnd, as the sender of a large body is; for a
 * sender that was not (an application sending little), cwnd is
 * overestimated, and the notes say it is inferred. Only a FIN shows
 * that the sender has nothing more to send.
 */
static void est_grow(struct annot_est *e, uint32_t n, const char **why)
{
	/* After its FIN a sender has nothing more to send: its window
	 * no longer limits it. */
	if (e->fin_sent)
		return;
	if (e->cwnd >= EST_CWND_MAX)
		return;
	if (e->cwnd < e->ssthresh) {
		e->cwnd += conn_cc_ss_step(n, e->smss);
		*why = N_("slow start");
		return;
	}
	e->bytes_acked += n;
	if (e->bytes_acked >= e->cwnd) {
		e->bytes_acked -= e->cwnd;
		e->cwnd += e->smss;
		*why = N_("congestion avoidance");
	}
}

/* Into recovery, or after a timeout: RFC 5681 eq. (4). */
static void est_loss(struct annot_conn *c, enum annot_side x, bool timeout,
                     const char **why)
{
	struct annot_est *e = &c->sd[x].est;
	uint32_t flight = est_flight(c, x);

	if (!(timeout && e->phase == CONN_CC_LOSS)) {
		e->loss_flight = flight;
		e->ssthresh = conn_cc_loss_ssthresh(flight, e->smss);
		e->ss_initial = false;
	}
	e->recover = c->sd[x].snd_max - 1;
	e->bytes_acked = 0;
	if (timeout) {
		e->phase = CONN_CC_LOSS;
		e->cwnd = e->smss;
		e->dupacks = 0;
		e->retries++;
		e->rto = rto_clamp(e->rto * 2, &e->floored);
		e->floored = false;
		*why = N_("retransmission timeout");
	} else {
		e->phase = CONN_CC_RECOVERY;
		e->cwnd = e->sack ? e->ssthresh : e->ssthresh + 3 * e->smss;
		*why = N_("three duplicate ACKs");
		/* Those that came after the third inflate cwnd (NewReno). */
		if (!e->sack && e->dupacks > 3)
			e->cwnd += (e->dupacks - 3) * e->smss;
	}
	e->timing = false;
}

/* x's data segment s, sent at t (microseconds). */
static void est_data(struct annot_conn *c, enum annot_side x,
                     const struct seg *s, int64_t t, unsigned events,
                     const char **why)
{
	struct annot_est *e = &c->sd[x].est;
	uint32_t end = s->seq + seg_seq_len(s);
	int64_t idle = t - e->sent_at;

	if (!e->on && !est_start(c, x, s->seq))
		return;
	e->sent_at = t;
	if (s->flags & TH_FIN)
		e->fin_sent = true;
	/* A segment that fills a hole the sender left went out before and
	 * was lost before the capture point: this is its second copy. */
	if (events & (ANNOT_EV_RETRANSMISSION | ANNOT_EV_OUT_OF_ORDER)) {
		/* Karn: nothing sent again is timed. */
		e->timing = false;
		/* The oldest segment sent again a second time since the ACKs
		 * last moved: only the timer does that. */
		if (s->seq == e->una && e->una_rtx++ > 0) {
			est_loss(c, x, true, why);
			return;
		}
		/* The first time: after duplicate ACKs (or SACK blocks), fast
		 * retransmit; after none, the timer. The sender's reaction
		 * shows what it had in flight when it decided, so the loss
		 * is taken here, not at the third duplicate ACK: the capture
		 * may show ACKs the sender had not read yet. */
		/* The timer also shows in a silence of about an RTO before
		 * the sender's retransmission, whatever came meanwhile. */
		if (e->phase == CONN_CC_OPEN && s->seq == e->una)
			est_loss(c, x,
			         e->dupacks == 0 ||
			                 idle >= (int64_t)(e->rto * 3 / 4),
			         why);
		else if (s->seq == e->una && idle >= (int64_t)(e->rto * 3 / 4))
			est_loss(c, x, true, why);
		return;
	}
	if (!e->timing) {
		e->timing = true;
		e->timed_end = end;
		e->timed_at = t;
	}
	if (est_flight(c, x) > e->rnd_max)
		e->rnd_max = est_flight(c, x);
}

/* What the ACK's SACK blocks hold above SND.UNA: with one hole, every
 * byte the receiver holds beyond it (RFC 6675's pipe leaves them out). */
static void est_sacked(struct annot_est *e, const struct seg *s)
{
	uint32_t una = seq_gt(s->ack, e->una) ? s->ack : e->una, l;
	unsigned i;

	e->sacked = 0;
	if (!e->sack || !(s->has & SEG_HAS_SACK))
		return;
	for (i = 0; i < s->sack_count && i < SEG_SACK_MAX; i++) {
		l = seq_gt(s->sack[i].left, una) ? s->sack[i].left : una;
		if (seq_gt(s->sack[i].right, l))
			e->sacked += (uint32_t)seq_diff(s->sack[i].right, l);
	}
}

/* An ACK of x's data, sent by the other side, arriving at t. */
static void est_ack(struct annot_conn *c, enum annot_side x,
                    const struct seg *s, int64_t t, unsigned events,
                    const char **why)
{
	struct annot_est *e = &c->sd[x].est;
	uint32_t n, cwnd;

	if (!e->on)
		return;
	est_sacked(e, s);
	if (!seq_gt(s->ack, e->una)) {
		if (!(events & ANNOT_EV_DUP_ACK) || e->phase == CONN_CC_LOSS)
			return;
		if (e->dupacks < 255)
			e->dupacks++;
		/* RFC 5681 3.2, 4.: each duplicate ACK after the third. */
		if (e->phase == CONN_CC_RECOVERY && !e->sack &&
		    e->dupacks > 3 && e->cwnd < EST_CWND_MAX) {
			e->cwnd += e->smss;
			*why = N_("duplicate ACK inflates cwnd");
		}
		return;
	}
	n = (uint32_t)seq_diff(s->ack, e->una);
	e->una = s->ack;
	e->dupacks = 0;
	e->una_rtx = 0;
	e->retries = 0;
	if (seq_geq(s->ack, e->rnd_end)) {
		e->prev_rnd_max = e->rnd_max;
		e->rnd_max = est_flight(c, x);
		e->rnd_end = c->sd[x].snd_max;
	}
	if (e->timing && seq_geq(s->ack, e->timed_end) && t >= e->timed_at) {
		e->rtt = (uint64_t)(t - e->timed_at);
		e->rto = rto_clamp(conn_rtt_update(&e->srtt, &e->rttvar,
		                                   e->samples == 0, e->rtt),
		                   &e->floored);
		e->samples++;
		e->timing = false;
	}
	if (e->phase == CONN_CC_OPEN) {
		if (seq_lt(e->recover, e->una - 1))
			e->recover = e->una - 1;
		est_grow(e, n, why);
		return;
	}
	if (seq_gt(s->ack, e->recover)) {
		if (e->phase == CONN_CC_RECOVERY && !e->sack) {
			cwnd = est_flight(c, x);
			cwnd = (cwnd > e->smss ? cwnd : e->smss) + e->smss;
			e->cwnd = cwnd < e->ssthresh ? cwnd : e->ssthresh;
		}
		if (e->phase == CONN_CC_LOSS)
			est_grow(e, n, why);
		e->phase = CONN_CC_OPEN;
		*why = N_("recovery ends");
		return;
	}
	if (e->phase == CONN_CC_LOSS) {
		est_grow(e, n, why);
		return;
	}
	if (e->sack)
		return;
	/* RFC 6582 3.2 (4): a partial ACK deflates cwnd by what it acks
	 * and adds back SMSS when that is a full segment or more. */
	cwnd = e->cwnd > n ? e->cwnd - n : 0;
	if (n >= e->smss)
		cwnd += e->smss;
	e->cwnd = cwnd > e->smss ? cwnd : e->smss;
	*why = N_("partial ACK");
}

/* The numbers of x's sender, as conn_cc_info() would report them. */
static void est_info(const struct annot_conn *c, enum annot_side x,
                     int32_t peer_win, struct conn_cc_info *i)
{
	const struct annot_est *e = &c->sd[x].est;

	memset(i, 0, sizeof *i);
	i->cwnd = e->cwnd;
	i->ssthresh = e->ssthresh;
	i->ssthresh_initial = e->ss_initial;
	i->flight = est_flight(c, x);
	i->sacked = e->sacked < i->flight ? e->sacked : i->flight;
	i->pipe = i->flight;
	if (e->phase == CONN_CC_RECOVERY && e->sack)
		i->pipe = i->flight - i->sacked;
	i->snd_wnd = peer_win > 0 ? (uint32_t)peer_win : 0;
	i->smss = e->smss;
	i->recover = e->recover;
	i->dupacks = e->dupacks;
	i->phase = e->phase;
	i->slow_start = e->cwnd < e->ssthresh;
	i->sack_recovery = e->phase == CONN_CC_RECOVERY && e->sack;
	i->snd_una = e->una;
	i->snd_nxt = c->sd[x].snd_max;
	i->srtt_us = e->srtt;
	i->rttvar_us = e->rttvar;
	i->rto_us = e->rto;
	i->rtt_us = e->rtt;
	i->rtt_samples = e->samples;
	i->retries = e->retries;
	i->rto_min_us = EST_RTO_MIN_US;
	i->rto_floored = e->floored;
	i->loss_flight = e->loss_flight;
}

void annot_est_segment(struct annot_conn *c, enum annot_side f,
                       const struct seg *s, int64_t t, struct annot_result *r)
{
	struct conn_cc_info before;
	enum annot_side x;
	const char *why = NULL, *why_other = NULL;
	bool data = s->payload_len > 0 || (s->flags & TH_FIN);

	if (s->flags & TH_SYN) {
		est_syn(&c->sd[f].est, s);
		return;
	}
	if (s->flags & TH_RST)
		return;
	/* Whose sender this segment speaks of: its own when it carries
	 * data, else the other side's, whose data it acknowledges. */
	x = data ? f : (enum annot_side) !f;
	if (c->sd[x].est.on)
		est_info(c, x, c->sd[x].est.peer_win, &before);
	else
		memset(&before, 0, sizeof before);
	if (data)
		est_data(c, f, s, t, r->events, &why);
	if ((s->flags & TH_ACK) && r->win_bytes >= 0)
		c->sd[!f].est.peer_win = r->win_bytes;
	if (s->flags & TH_ACK)
		est_ack(c, (enum annot_side) !f, s, t, r->events,
		        x == f ? &why_other : &why);
	if (!c->sd[x].est.on)
		return;
	r->est.valid = true;
	r->est.changes = before.smss != 0;
	r->est.before = before;
	r->est.why = why;
	est_info(c, x, c->sd[x].est.peer_win, &r->est.now);
	r->est_side = x;
}
