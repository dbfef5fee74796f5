/*
 * conn_rtx.c: round-trip time, the retransmission timeout, and what the
 * retransmission timer does when it fires.
 *
 * RTT samples follow RFC 6298 and RFC 7323 section 4: from the echoed
 * timestamp of an ACK that advances SND.UNA, unless the echo is older than
 * our last retransmission of what it acknowledges, or without timestamps
 * from the one segment being timed, which Karn's rule forgets as soon as
 * anything is sent again. A timeout on data also goes to conn_cc.c. The RTO
 * stays within Linux's bounds (cfg.rto_min_us, cfg.rto_max_us: 200 ms, 120 s)
 * and doubles on every expiry (RFC 6298 5.5).
 *
 * This file must never do I/O, print, read a clock or keep global state.
 */
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/tr.h"
#include "common/seq.h"

void conn_rto_clamp(struct conn *c)
{
	if (c->rto_us < c->cfg.rto_min_us)
		c->rto_us = c->cfg.rto_min_us;
	if (c->rto_us > c->cfg.rto_max_us)
		c->rto_us = c->cfg.rto_max_us;
}

uint64_t conn_rtt_update(uint64_t *srtt, uint64_t *rttvar, bool first,
                         uint64_t r)
{
	uint64_t delta;

	if (first) {
		/* RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2. */
		*srtt = r;
		*rttvar = r / 2;
	} else {
		/* RFC 6298 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then
		 * SRTT <- 7/8 SRTT + 1/8 R'. */
		delta = *srtt > r ? *srtt - r : r - *srtt;
		*rttvar = (3 * *rttvar + delta) / 4;
		*srtt = (7 * *srtt + r) / 8;
	}
	/* RTO <- SRTT + max(G, K*RTTVAR) with K = 4. */
	return *srtt +
	       (4 * *rttvar > CONN_CLOCK_G_US ? 4 * *rttvar : CONN_CLOCK_G_US);
}

/* One round-trip measurement r, in microseconds. */
static void rtt_sample(struct conn *c, uint64_t r)
{
	c->rtt_last_us = r;
	c->rtt_samples++;
	c->rto_us =
	        conn_rtt_update(&c->srtt_us, &c->rttvar_us, !c->rtt_valid, r);
	c->rtt_valid = true;
	c->rto_floored = c->rto_us < c->cfg.rto_min_us;
	conn_rto_clamp(c);
}

/*
 * RFC 7323 4.1 measures with the echoed timestamp, and 4.2 says when:
 * "TSecr value received in a segment MUST be used to update the averaged
 * RTT measurement only if the segment advances the left edge of the send
 * window, i.e., SND.UNA is increased" (the caller only calls us then).
 * Without an echo, the segment being timed, which Karn's rule forgets on
 * a retransmission.
 */
void conn_rtt_from_ack(struct conn *c, const struct seg *in, uint64_t now)
{
	uint32_t ticks;

	if (c->ts_ok && (in->has & SEG_HAS_TS) && in->ts_ecr != 0) {
		ticks = conn_ts_now(c, now) - in->ts_ecr;
		/* Karn's rule, timestamp edition: an echo older than our last
		 * retransmission of the data this ACK covers is the echo of
		 * an earlier copy (the peer keeps TS.Recent from the first
		 * one it took, RFC 7323 4.3), and the time since that copy
		 * includes our timeouts. It measures nothing. */
		if (ticks < 0x80000000u &&
		    !(c->rtx_ts_set && seq_lt(in->ts_ecr, c->rtx_ts_val)))
			rtt_sample(c, (uint64_t)ticks * 1000);
		c->rtt_timing = false;
		return;
	}
	if (c->rtt_timing && seq_geq(in->ack, c->rtt_seq)) {
		rtt_sample(c, now - c->rtt_start);
		c->rtt_timing = false;
	}
}

void conn_rtt_karn(struct conn *c)
{
	/* Karn: an ACK of a retransmitted segment measures nothing. */
	c->rtt_timing = false;
}

/* RFC 6298 5.1: start the timer, if it is not running, when sending
 * something that occupies sequence space. */
void conn_rtx_arm(struct conn *c, uint64_t now)
{
	if (c->rtx_at == 0)
		c->rtx_at = now + c->rto_us;
}

void conn_syn_sent_space(struct conn *c, uint64_t now)
{
	c->snd_una = c->iss;
	/* SYN occupies one sequence number: data starts at iss + 1. */
	c->snd_nxt = seq_add(c->iss, 1);
	c->snd_buf_seq = c->snd_nxt;
	c->rtt_timing = true;
	c->rtt_seq = c->snd_nxt;
	c->rtt_start = now;
	conn_rtx_arm(c, now);
}

/* RFC 9293 3.10.7.4, fifth, ESTABLISHED: "If SND.UNA < SEG.ACK =< SND.NXT,
 * then set SND.UNA <- SEG.ACK. Any segments on the retransmission queue
 * that are thereby entirely acknowledged are removed." */
size_t conn_ack_advance(struct conn *c, const struct seg *in, uint64_t now,
                        struct conn_out *out)
{
	size_t n = 0;
	/* This ACK is the first to cover our SYN. */
	bool syn_acked = c->snd_una == c->iss;

	conn_rtt_from_ack(c, in, now);
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
	if (c->rtx_ts_set && seq_geq(c->snd_una, c->rtx_ts_end))
		c->rtx_ts_set = false;
	/* RFC 6298 5.7: "If the timer expires awaiting the ACK of a SYN
	 * segment and the TCP implementation is using an RTO less than 3
	 * seconds, the RTO MUST be re-initialized to 3 seconds when data
	 * transmission begins". Like Linux (TCP_TIMEOUT_FALLBACK), any RTO
	 * without a sample after our SYN went again is 3 s, not the backed
	 * off value of the handshake. */
	if (syn_acked && c->syn_rtx && !c->rtt_valid)
		c->rto_us = CONN_RTO_FALLBACK_US;
	if (n > 0)
		conn_ev(out, CONN_EV_ACKED, (uint32_t)n, NULL);
	/* RFC 6298 5.2 and 5.3: stop the timer when all is acknowledged,
	 * otherwise restart it. */
	c->rtx_at = c->snd_una == c->snd_nxt ? 0 : now + c->rto_us;
	return n;
}

/* ---- The retransmission timer. ---- */

static unsigned retry_limit(const struct conn *c)
{
	if (c->state == TCP_SYN_SENT)
		return c->cfg.syn_retries;
	if (c->state == TCP_SYN_RECEIVED)
		return c->cfg.synack_retries;
	return c->cfg.data_retries;
}

static void give_up(struct conn *c, struct conn_out *out)
{
	switch (c->state) {
	case TCP_SYN_SENT:
		conn_ev(out, CONN_EV_TIMEOUT, c->retries,
		        N_("SYN retries exhausted"));
		break;
	case TCP_SYN_RECEIVED:
		conn_ev(out, CONN_EV_TIMEOUT, c->retries,
		        N_("SYN-ACK retries exhausted"));
		if (c->passive) {
			conn_back_to_listen(c, out);
			return;
		}
		break;
	default:
		conn_ev(out, CONN_EV_TIMEOUT, c->retries,
		        N_("retransmission retries exhausted"));
		break;
	}
	conn_enter_closed(c, out);
}

/* RFC 6298 5.4: "Retransmit the earliest segment that has not been
 * acknowledged by the TCP receiver." Data, with our FIN if it fits, up to
 * what the peer SACKed. Loss recovery resends the rest (conn_cc.c). */
static void resend_first(struct conn *c, uint64_t now, struct conn_out *out)
{
	bool data = seq_lt(c->snd_una, conn_data_end(c));
	uint32_t lim = conn_sb_hole_end(c, c->snd_una, c->snd_nxt), n;

	/* RFC 6298 5.4: "Retransmit the earliest segment that has not been
	 * acknowledged by the TCP receiver", whatever a SACK block said. */
	if (lim == c->snd_una)
		lim = c->snd_nxt;
	n = conn_resend(c, c->snd_una, lim, conn_smss(c), now, out,
	                data ? N_("data") : "FIN");
	c->high_rxt = seq_add(c->snd_una, n);
}

/* RFC 6298 5.4-5.6: on expiry, retransmit the earliest unacknowledged
 * segment, double the RTO (up to the maximum) and restart the timer. */
void conn_rtx_fire(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->rtx_at = 0;
	if (c->retries >= retry_limit(c)) {
		give_up(c, out);
		return;
	}
	c->retries++;
	conn_rtt_karn(c);
	if (c->state == TCP_SYN_SENT) {
		conn_send_syn(c, TH_SYN, now, out);
		conn_ev(out, CONN_EV_RETRANSMIT, c->iss, "SYN");
	} else if (c->state == TCP_SYN_RECEIVED) {
		conn_send_syn(c, TH_SYN | TH_ACK, now, out);
		conn_ev(out, CONN_EV_RETRANSMIT, c->iss, "SYN-ACK");
	} else {
		conn_cc_rto(c, out);
		resend_first(c, now, out);
	}
	c->rto_us *= 2;
	conn_rto_clamp(c);
	c->rtx_at = now + c->rto_us;
}
