/*
 * annot_cc.c: the notes on a tcplab end's own sender, from the numbers its
 * conn reports (annot_in.own_cc): cwnd, ssthresh, what is in flight, the
 * peer's window, SRTT, RTTVAR and RTO for every segment; and, on the
 * segment whose call changed them, what changed and the arithmetic of
 * RFC 5681, RFC 6582, RFC 6675 and RFC 6298 behind it.
 *
 * annot computes nothing here: every number is conn's (common/conn_cc.c
 * and conn_rtx.c decide), and the notes only show how the RFCs' formulas
 * give them, with the inputs conn kept (the FlightSize a loss halved,
 * the RTT sample, the values before the call).
 *
 * This file must never do I/O, read a clock or keep global state.
 */
#include <stdio.h>
#include <string.h>

#include "common/annot_int.h"
#include "common/seq.h"

/* "14600 (10 MSS)", "6000 (4.1 MSS)": bytes, and in segments. */
static const char *mss_words(char *buf, size_t cap, uint32_t bytes,
                             uint32_t smss)
{
	uint64_t tenths;

	if (smss == 0)
		snprintf(buf, cap, "%u", bytes);
	else if (bytes % smss == 0)
		snprintf(buf, cap, "%u (%u MSS)", bytes, bytes / smss);
	else {
		tenths = (uint64_t)bytes * 10 / smss;
		snprintf(buf, cap, "%u (%llu.%llu MSS)", bytes,
		         (unsigned long long)(tenths / 10),
		         (unsigned long long)(tenths % 10));
	}
	return buf;
}

/* "200 ms", "1.25 ms", "3 s", "0.041 ms": a time for a person. */
static const char *time_words(char *buf, size_t cap, uint64_t us)
{
	char frac[12];
	int i;

	if (us >= 1000000 && us % 1000000 == 0) {
		snprintf(buf, cap, "%llu s",
		         (unsigned long long)(us / 1000000));
		return buf;
	}
	if (us >= 1000000) {
		snprintf(frac, sizeof frac, "%06u", (unsigned)(us % 1000000));
		for (i = 5; i > 0 && frac[i] == '0'; i--)
			frac[i] = '\0';
		snprintf(buf, cap, "%llu.%s s",
		         (unsigned long long)(us / 1000000), frac);
		return buf;
	}
	if (us % 1000 == 0) {
		snprintf(buf, cap, "%llu ms", (unsigned long long)(us / 1000));
		return buf;
	}
	snprintf(frac, sizeof frac, "%03u", (unsigned)(us % 1000));
	for (i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(buf, cap, "%llu.%s ms", (unsigned long long)(us / 1000), frac);
	return buf;
}

/* The sender's numbers as this segment left or was taken. */
static void note_now(struct annot_result *r, const struct annot_cc *cc,
                     const char *who)
{
	const struct conn_cc_info *i = &cc->now;
	char cw[48], ss[48], s1[48], s2[48], s3[48];

	mss_words(cw, sizeof cw, i->cwnd, i->smss);
	if (i->ssthresh_initial)
		snprintf(ss, sizeof ss, "%s", TR(r->tr, "high (no loss yet)"));
	else
		mss_words(ss, sizeof ss, i->ssthresh, i->smss);
	if (i->rtt_samples == 0)
		annot_note(r, ANNOT_N_CC,
		           "%s's sender: cwnd %s, ssthresh %s, in flight %u, "
		           "peer's window %u; no RTT sample yet, RTO %s",
		           who, cw, ss, i->flight, i->snd_wnd,
		           time_words(s3, sizeof s3, i->rto_us));
	else
		annot_note(r, ANNOT_N_CC,
		           "%s's sender: cwnd %s, ssthresh %s, in flight %u, "
		           "peer's window %u; SRTT %s, RTTVAR %s, RTO %s",
		           who, cw, ss, i->flight, i->snd_wnd,
		           time_words(s1, sizeof s1, i->srtt_us),
		           time_words(s2, sizeof s2, i->rttvar_us),
		           time_words(s3, sizeof s3, i->rto_us));
}

/* Where loss recovery is, relative sequence numbers from isn. */
static void note_phase(struct annot_result *r, const struct annot_cc *cc,
                       uint32_t isn)
{
	const struct conn_cc_info *i = &cc->now;
	uint32_t rec = i->recover - isn + 1;

	if (i->phase == CONN_CC_RECOVERY && i->sack_recovery)
		annot_note(r, ANNOT_N_CC,
		           "fast recovery with SACK until ack %u: pipe %u "
		           "bytes (what is in flight less what was SACKed or "
		           "lost), %u bytes SACKed (RFC 6675)",
		           rec, i->pipe, i->sacked);
	else if (i->phase == CONN_CC_RECOVERY)
		annot_note(r, ANNOT_N_CC,
		           "fast recovery (NewReno) until ack %u (RFC 6582)",
		           rec);
	else if (i->phase == CONN_CC_LOSS)
		annot_note(r, ANNOT_N_CC,
		           "after a timeout: slow start sends again what was "
		           "lost, up to ack %u",
		           rec);
}

/* Why cwnd and ssthresh changed, with the RFCs' arithmetic. */
static void note_cwnd(struct annot_result *r, const struct annot_cc *cc,
                      uint32_t isn)
{
	const struct conn_cc_info *b = &cc->before, *a = &cc->now;
	const char *why = cc->why;
	char c0[48], c1[48], ss[48];

	if (why == NULL)
		return;
	mss_words(c0, sizeof c0, b->cwnd, a->smss);
	mss_words(c1, sizeof c1, a->cwnd, a->smss);
	mss_words(ss, sizeof ss, a->ssthresh, a->smss);
	if (strcmp(why, "slow start") == 0)
		annot_note(
		        r, ANNOT_N_CC,
		        "cwnd %s -> %s: slow start, cwnd grows by the bytes "
		        "this ACK acknowledges, at most 2 MSS (RFC 5681 3.1, "
		        "RFC 3465)",
		        c0, c1);
	else if (strcmp(why, "congestion avoidance") == 0)
		annot_note(
		        r, ANNOT_N_CC,
		        "cwnd %s -> %s: congestion avoidance, one MSS more "
		        "each time a whole cwnd of data has been acknowledged "
		        "(RFC 5681 3.1)",
		        c0, c1);
	else if (strcmp(why, "three duplicate ACKs") == 0 ||
	         strcmp(why, "SACKs show a loss") == 0) {
		annot_note(r, ANNOT_N_CC,
		           "ssthresh = max(flight %u / 2, 2 MSS) = %s: %s, the "
		           "segment at ack %u is taken as lost and sent again "
		           "(fast retransmit, RFC 5681 3.2)",
		           a->loss_flight, ss, TR(r->tr, why),
		           a->snd_una - isn);
		if (a->sack_recovery)
			annot_note(r, ANNOT_N_CC,
			           "cwnd %s -> %s: cwnd = ssthresh; recovery "
			           "with SACK counts the bytes still in the "
			           "network (pipe) instead (RFC 6675)",
			           c0, c1);
		else
			annot_note(
			        r, ANNOT_N_CC,
			        "cwnd %s -> %s: cwnd = ssthresh + 3 MSS, for "
			        "the three segments the duplicate ACKs show "
			        "have left the network (RFC 5681 3.2)",
			        c0, c1);
	} else if (strcmp(why, "duplicate ACK inflates cwnd") == 0)
		annot_note(r, ANNOT_N_CC,
		           "cwnd %s -> %s: one MSS more for each further "
		           "duplicate ACK, a segment that has left the network "
		           "(RFC 5681 3.2)",
		           c0, c1);
	else if (strcmp(why, "partial ACK") == 0)
		annot_note(
		        r, ANNOT_N_CC,
		        "cwnd %s -> %s: a partial ACK; the next hole is sent "
		        "again, cwnd shrinks by the %u bytes acknowledged and "
		        "gains one MSS back when they make a full segment "
		        "(RFC 6582 3.2)",
		        c0, c1, (uint32_t)seq_diff(a->snd_una, b->snd_una));
	else if (strcmp(why, "recovery ends") == 0 && a->cwnd != b->cwnd)
		annot_note(r, ANNOT_N_CC,
		           "recovery ends: this ACK covers everything sent "
		           "before the loss; cwnd %s -> %s, ssthresh %s",
		           c0, c1, ss);
	else if (strcmp(why, "recovery ends") == 0)
		annot_note(r, ANNOT_N_CC,
		           "recovery ends: this ACK covers everything sent "
		           "before the loss; cwnd stays %s",
		           c1);
	else if (strcmp(why, "retransmission timeout") == 0 &&
	         b->ssthresh != a->ssthresh)
		annot_note(
		        r, ANNOT_N_CC,
		        "retransmission timeout: ssthresh = max(flight %u / "
		        "2, 2 MSS) = %s, cwnd %s -> 1 MSS (the loss window); "
		        "slow start sends again what was outstanding (RFC "
		        "5681 3.1)",
		        a->loss_flight, ss, c0);
	else if (strcmp(why, "retransmission timeout") == 0)
		annot_note(r, ANNOT_N_CC,
		           "another timeout of the same data: ssthresh stays "
		           "%s, cwnd %s -> 1 MSS (RFC 5681 3.1)",
		           ss, c0);
	else
		annot_note(r, ANNOT_N_CC, "cwnd %s -> %s, ssthresh %s: %s", c0,
		           c1, ss, TR(r->tr, why));
}

/* A new RTT sample, or the RTO backed off. */
static void note_rtt(struct annot_result *r, const struct annot_cc *cc)
{
	const struct conn_cc_info *b = &cc->before, *a = &cc->now;
	char rt[48], s0[24], s1[24], v0[24], v1[24], ro[24], mn[24];
	char fl[96] = "";

	time_words(rt, sizeof rt, a->rtt_us);
	time_words(ro, sizeof ro, a->rto_us);
	if (a->rto_floored)
		snprintf(fl, sizeof fl, TR(r->tr, ", raised to the %s minimum"),
		         time_words(mn, sizeof mn, a->rto_min_us));
	if (a->rtt_samples != b->rtt_samples && b->rtt_samples == 0) {
		annot_note(r, ANNOT_N_CC,
		           "first RTT sample R = %s: SRTT = R = %s, RTTVAR = "
		           "R/2 = %s, RTO = SRTT + max(G, 4 x RTTVAR) = %s%s "
		           "(RFC 6298 "
		           "2.2)",
		           rt, time_words(s1, sizeof s1, a->srtt_us),
		           time_words(v1, sizeof v1, a->rttvar_us), ro, fl);
		return;
	}
	if (a->rtt_samples != b->rtt_samples) {
		annot_note(r, ANNOT_N_CC,
		           "RTT sample R = %1$s: RTTVAR = 3/4 x %2$s + 1/4 x "
		           "|%3$s - R| = %4$s, SRTT = 7/8 x %3$s + 1/8 x R = "
		           "%5$s, RTO = SRTT + max(G, 4 x RTTVAR) = %6$s%7$s "
		           "(RFC 6298 "
		           "2.3)",
		           rt, time_words(v0, sizeof v0, b->rttvar_us),
		           time_words(s0, sizeof s0, b->srtt_us),
		           time_words(v1, sizeof v1, a->rttvar_us),
		           time_words(s1, sizeof s1, a->srtt_us), ro, fl);
		return;
	}
	if (a->rto_us == b->rto_us || b->rto_us == 0)
		return;
	time_words(s0, sizeof s0, b->rto_us);
	if (a->retries > b->retries && a->rto_us > b->rto_us)
		annot_note(r, ANNOT_N_CC,
		           "RTO %s -> %s: doubled after the timeout, until an "
		           "ACK of new data (RFC 6298 5.5)",
		           s0, ro);
	else
		annot_note(r, ANNOT_N_CC, "RTO %s -> %s", s0, ro);
}

void annot_cc_from_conn(struct annot_cc *cc, const struct conn *c,
                        const struct conn_out *out, uint32_t nxt_before,
                        unsigned sent, const struct conn_cc_info *before)
{
	memset(cc, 0, sizeof *cc);
	cc->valid = true;
	conn_cc_info_seg(c, out, nxt_before, sent, &cc->now);
	if (before != NULL) {
		cc->changes = true;
		cc->before = *before;
		cc->why = conn_cc_why(out);
		/* The handshake sets the MSS: the initial window a listener
		 * or a new conn reported before it is no window at all. */
		if (before->smss != cc->now.smss) {
			cc->before.cwnd = cc->now.cwnd;
			cc->before.ssthresh = cc->now.ssthresh;
		}
	}
}

void annot_cc_notes(const struct annot_conn *c, struct annot_result *r)
{
	const struct annot_cc *cc = r->cc.valid ? &r->cc : &r->est;
	enum annot_side side = r->cc.valid ? r->cc_side : r->est_side;
	const char *who = annot_side_word(r->tr, side);
	char text[ANNOT_NOTE_LEN];
	unsigned first = r->nnotes, i;

	if (!cc->valid || !r->cc_notes)
		return;
	if (cc->changes) {
		note_rtt(r, cc);
		note_cwnd(r, cc, c->sd[side].isn);
	}
	/* Before the handshake is done, the numbers say nothing yet. */
	if (!((r->flags & TH_SYN) && r->from == side)) {
		note_now(r, cc, who);
		note_phase(r, cc, c->sd[side].isn);
	}
	if (cc == &r->cc)
		return;
	/* An observer's numbers are estimates: each note says so. */
	for (i = first; i < r->nnotes; i++) {
		/* TRANSLATORS: before each note that tcplab-explain infers
		 * about a sender from a capture; %s is the note. */
		snprintf(text, sizeof text, TR(r->tr, "inferred: %s"),
		         r->notes[i]);
		memcpy(r->notes[i], text, sizeof text);
	}
}
