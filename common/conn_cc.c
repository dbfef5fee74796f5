/*
 * conn_cc.c: the sender's congestion control and loss recovery.
 *
 * Slow start and congestion avoidance follow RFC 5681 3.1 with the initial
 * window of RFC 6928 and byte counting (RFC 3465); three duplicate ACKs
 * start fast retransmit and fast recovery, NewReno's (RFC 6582) when the
 * peer did not permit SACK, RFC 6675's when it did, driven by a scoreboard
 * of the SACK blocks the peer sends. A timeout sets cwnd to one segment and
 * resends, in slow start, everything that was outstanding and not SACKed
 * (go-back-N, as BSD and Linux do). cwnd and ssthresh are in bytes; every
 * change of them is reported as one CONN_EV_CC event per call.
 *
 * This file must never do I/O, print, read a clock or keep global state.
 */
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/tr.h"
#include "common/seq.h"

/* RFC 6675 2: "DupThresh: The number of duplicate acknowledgments
 * required to trigger a fast retransmission ... 3". */
#define DUP_THRESH 3
/* RFC 3465 2.2: slow start grows by at most L * SMSS per ACK, L = 2. */
#define ABC_L 2
/* RFC 6928: IW = min (10*MSS, max (2*MSS, 14600)). */
#define IW_SEGS  10
#define IW_BYTES 14600u

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t flight_size(const struct conn *c)
{
	/* RFC 5681 2: "The amount of data that has been sent but not yet
	 * cumulatively acknowledged." */
	return (uint32_t)seq_diff(c->snd_nxt, c->snd_una);
}

uint32_t conn_cc_iw(uint32_t smss)
{
	/* RFC 6928 2: "min (10*MSS, max (2*MSS, 14600))"; Linux sends 10
	 * segments whatever their size, which is the same for MSS >= 1460. */
	return min32(IW_SEGS * smss, max32(2 * smss, IW_BYTES));
}

static uint32_t initial_window(const struct conn *c)
{
	uint32_t smss = conn_smss(c);

	/* RFC 5681 3.1: "if the SYN or SYN/ACK is lost, the initial window
	 * used by a sender after a correctly transmitted SYN MUST be one
	 * segment consisting of at most SMSS bytes." */
	if (c->syn_rtx)
		return smss;
	return conn_cc_iw(smss);
}

/* RFC 5681 3.1: "The initial value of ssthresh SHOULD be set arbitrarily
 * high (e.g., to the size of the largest possible advertised window)". */
static uint32_t initial_ssthresh(const struct conn *c)
{
	return CONN_WIN_FIELD_MAX << c->snd_wscale;
}

void conn_cc_start(struct conn *c)
{
	if (c->cwnd != 0)
		return;
	c->cwnd = initial_window(c);
	c->ssthresh = initial_ssthresh(c);
	c->bytes_acked = 0;
	c->cc_phase = CONN_CC_OPEN;
	/* RFC 6582 3.2, 1): "initialize recover to the initial send
	 * sequence number" (here: the last number acknowledged). */
	c->recover = c->snd_una - 1;
	c->high_rxt = c->snd_una;
}

/* ---- Events. ---- */

/* One CONN_EV_CC per call: a second change rewrites the first event. */
static void cc_event(struct conn *c, struct conn_out *out, const char *why)
{
	unsigned i;

	for (i = 0; i < out->nev; i++)
		if (out->ev[i].kind == CONN_EV_CC) {
			out->ev[i].n = c->cwnd;
			out->ev[i].reason = why;
			return;
		}
	conn_ev(out, CONN_EV_CC, c->cwnd, why);
}

/* Sets cwnd and ssthresh; an event when either changed. */
static void cc_set(struct conn *c, uint32_t cwnd, uint32_t ssthresh,
                   struct conn_out *out, const char *why)
{
	uint32_t smss = conn_smss(c);

	/* cwnd never falls below one segment (RFC 5681's loss window). */
	if (cwnd < smss)
		cwnd = smss;
	if (cwnd == c->cwnd && ssthresh == c->ssthresh)
		return;
	if (cwnd < c->cwnd)
		c->bytes_acked = 0;
	c->cwnd = cwnd;
	c->ssthresh = ssthresh;
	cc_event(c, out, why);
}

uint32_t conn_cc_loss_ssthresh(uint32_t flight, uint32_t smss)
{
	/* RFC 5681 eq. (4): "ssthresh = max (FlightSize / 2, 2*SMSS)". */
	return max32(flight / 2, 2 * smss);
}

static uint32_t half_flight(const struct conn *c)
{
	return conn_cc_loss_ssthresh(flight_size(c), conn_smss(c));
}

/* ---- The scoreboard (RFC 6675 3). ---- */

/* Bytes of [l, r) the scoreboard does not hold yet. */
static uint32_t sb_new_bytes(const struct conn *c, uint32_t l, uint32_t r)
{
	uint32_t n = (uint32_t)seq_diff(r, l), a, b;
	unsigned i;

	for (i = 0; i < c->sb_n; i++) {
		a = seq_gt(c->sb[i].left, l) ? c->sb[i].left : l;
		b = seq_lt(c->sb[i].right, r) ? c->sb[i].right : r;
		if (seq_lt(a, b))
			n -= (uint32_t)seq_diff(b, a);
	}
	return n;
}

/*
 * Marks [l, r) SACKed, merged with the ranges it touches. The scoreboard
 * holds CONN_SB_MAX ranges: past that, the highest range is forgotten.
 * Forgetting only makes us think less was received: at worst we resend
 * data the peer has, never do we skip data it lacks. The low ranges are
 * kept because the holes below them are the ones resent first.
 */
static uint32_t sb_add(struct conn *c, uint32_t l, uint32_t r)
{
	struct seg_sack t[CONN_SB_MAX + 1];
	unsigned i, n = 0;
	bool placed = false;
	uint32_t fresh;

	/* Only what lies between SND.UNA and SND.NXT is news (a D-SACK
	 * block below SND.UNA, RFC 2883, is not). */
	if (seq_lt(l, c->snd_una))
		l = c->snd_una;
	if (seq_gt(r, c->snd_nxt))
		r = c->snd_nxt;
	if (!seq_lt(l, r))
		return 0;
	fresh = sb_new_bytes(c, l, r);
	for (i = 0; i < c->sb_n; i++) {
		struct seg_sack b = c->sb[i];

		if (seq_lt(b.right, l)) {
			t[n++] = b;
		} else if (seq_gt(b.left, r)) {
			if (!placed)
				t[n++] = (struct seg_sack){l, r};
			placed = true;
			t[n++] = b;
		} else {
			/* Overlapping or adjacent: one range. */
			l = seq_lt(b.left, l) ? b.left : l;
			r = seq_gt(b.right, r) ? b.right : r;
		}
	}
	if (!placed)
		t[n++] = (struct seg_sack){l, r};
	if (n > CONN_SB_MAX)
		n = CONN_SB_MAX;
	memcpy(c->sb, t, n * sizeof t[0]);
	c->sb_n = (uint8_t)n;
	return fresh;
}

/*
 * RFC 2018 8: a receiver may discard data it has SACKed ("reneging"), so
 * the sender MUST NOT free data before the cumulative ACK covers it. A
 * cumulative ACK that stops at, or inside, a range the peer SACKed shows
 * that it did: the whole scoreboard is forgotten, and what it held is
 * resent like any hole.
 */
void conn_sb_trim(struct conn *c)
{
	unsigned i, n = 0;

	for (i = 0; i < c->sb_n; i++) {
		if (seq_leq(c->sb[i].right, c->snd_una))
			continue;
		if (seq_leq(c->sb[i].left, c->snd_una)) {
			c->sb_n = 0;
			return;
		}
		c->sb[n++] = c->sb[i];
	}
	c->sb_n = (uint8_t)n;
}

uint32_t conn_sb_hole_end(const struct conn *c, uint32_t seq, uint32_t lim)
{
	unsigned i;

	for (i = 0; i < c->sb_n; i++)
		if (seq_gt(c->sb[i].right, seq)) {
			if (seq_leq(c->sb[i].left, seq))
				return seq; /* seq itself is SACKed */
			return seq_lt(c->sb[i].left, lim) ? c->sb[i].left : lim;
		}
	return lim;
}

static uint32_t sb_bytes(const struct conn *c)
{
	uint32_t n = 0;
	unsigned i;

	for (i = 0; i < c->sb_n; i++)
		n += (uint32_t)seq_diff(c->sb[i].right, c->sb[i].left);
	return n;
}

/*
 * RFC 6675 4, IsLost (SeqNum): "This routine returns whether the given
 * sequence number is considered to be lost. The routine returns true when
 * either DupThresh discontiguous SACKed sequences have arrived above
 * 'SeqNum' or more than (DupThresh - 1) * SMSS bytes with sequence numbers
 * greater than 'SeqNum' have been SACKed." For an unSACKed seq, the ranges
 * above it are those from hole k on. After a timeout, everything below
 * RecoveryPoint that is not SACKed is lost as well.
 */
static bool hole_lost(const struct conn *c, unsigned k)
{
	uint32_t above = 0;
	unsigned i;

	if (c->sb_n - k >= DUP_THRESH)
		return true;
	for (i = k; i < c->sb_n; i++)
		above += (uint32_t)seq_diff(c->sb[i].right, c->sb[i].left);
	return above > (DUP_THRESH - 1) * conn_smss(c);
}

static bool is_lost(const struct conn *c, uint32_t seq)
{
	unsigned k = 0;

	if (c->cc_phase == CONN_CC_LOSS && seq_leq(seq, c->recover))
		return true;
	while (k < c->sb_n && seq_leq(c->sb[k].right, seq))
		k++;
	return hole_lost(c, k);
}

/* Bytes of [a, b) at or after x. */
static uint32_t part_from(uint32_t a, uint32_t b, uint32_t x)
{
	if (seq_lt(a, x))
		a = x;
	return seq_lt(a, b) ? (uint32_t)seq_diff(b, a) : 0;
}

/* Bytes of [a, b) before x. */
static uint32_t part_before(uint32_t a, uint32_t b, uint32_t x)
{
	if (seq_gt(b, x))
		b = x;
	return seq_lt(a, b) ? (uint32_t)seq_diff(b, a) : 0;
}

/*
 * RFC 6675 4, SetPipe (): for each octet S1 from HighACK to HighData that
 * is not SACKed, "(a) If IsLost (S1) returns false: Pipe is incremented by
 * 1 octet. (b) If S1 <= HighRxt: Pipe is incremented by 1 octet." Done a
 * hole at a time, since IsLost does not change within a hole.
 */
static uint32_t sb_pipe(const struct conn *c)
{
	uint32_t pipe = 0, a = c->snd_una, b, lost_end;
	unsigned k;

	for (k = 0; k <= c->sb_n; k++) {
		b = k < c->sb_n ? c->sb[k].left : c->snd_nxt;
		if (seq_gt(b, c->snd_nxt))
			b = c->snd_nxt;
		if (seq_lt(a, b)) {
			/* (a): the part that is not lost. */
			if (!hole_lost(c, k)) {
				lost_end = c->cc_phase == CONN_CC_LOSS
				                   ? seq_add(c->recover, 1)
				                   : a;
				pipe += part_from(a, b, lost_end);
			}
			/* (b): the part already resent. */
			pipe += part_before(a, b, c->high_rxt);
		}
		if (k < c->sb_n)
			a = c->sb[k].right;
		if (!seq_lt(a, c->snd_nxt))
			break;
	}
	return pipe;
}

/* ---- Sending in recovery: NextSeg (RFC 6675 4). ---- */

/* The highest octet any SACK covers, as the number after it. */
static uint32_t high_sacked(const struct conn *c)
{
	return c->sb_n > 0 ? c->sb[c->sb_n - 1].right : c->snd_una;
}

/* The first unSACKed stretch [*seq, *lim) at or above HighRxt that the
 * rule wants: lost ones (rule 1) or any below the highest SACK (3). */
static bool next_hole(const struct conn *c, bool need_lost, uint32_t *seq,
                      uint32_t *lim)
{
	uint32_t a = c->snd_una, b, s;
	unsigned k;

	for (k = 0; k <= c->sb_n; k++) {
		b = k < c->sb_n ? c->sb[k].left : c->snd_nxt;
		s = seq_lt(a, c->high_rxt) ? c->high_rxt : a;
		if (seq_lt(s, b) && seq_lt(s, c->snd_nxt)) {
			if (!need_lost && seq_lt(s, high_sacked(c))) {
				*seq = s;
				*lim = b;
				return true;
			}
			/* (1.b) "S2 is less than the highest octet covered by
			 * any received SACK": a lost hole is below a range,
			 * or below RecoveryPoint after a timeout. */
			if (need_lost && k < c->sb_n && hole_lost(c, k)) {
				*seq = s;
				*lim = b;
				return true;
			}
			if (need_lost && is_lost(c, s)) {
				*seq = s;
				*lim = seq_lt(b, seq_add(c->recover, 1))
				               ? b
				               : seq_add(c->recover, 1);
				return true;
			}
		}
		if (k < c->sb_n)
			a = c->sb[k].right;
	}
	return false;
}

/* Resends from seq, below lim, one SMSS; HighRxt follows (C.2). */
static uint32_t resend_hole(struct conn *c, uint32_t seq, uint32_t lim,
                            uint64_t now, struct conn_out *out, const char *why)
{
	uint32_t n = conn_resend(c, seq, lim, conn_smss(c), now, out, why);

	/* (C.2) "HighRxt MUST be set to the highest sequence number of the
	 * retransmitted segment". */
	if (n > 0 && seq_gt(seq_add(seq, n), c->high_rxt))
		c->high_rxt = seq_add(seq, n);
	return n;
}

/*
 * RFC 6675 5, (C): "If cwnd - pipe >= 1 SMSS, the sender SHOULD transmit
 * one or more segments": NextSeg's rule 1 (a lost hole), rule 2 (new data
 * the receiver's window allows), rule 3 (any hole below the highest SACK),
 * until "cwnd - pipe >= 1 SMSS" no longer holds. Rule 4, the optional
 * rescue retransmission, is not done: the timer covers that case.
 */
bool conn_cc_output(struct conn *c, uint64_t now, struct conn_out *out)
{
	uint32_t smss = conn_smss(c), pipe, seq, lim;
	const char *why;

	if (c->cc_phase == CONN_CC_OPEN ||
	    (c->cc_phase == CONN_CC_RECOVERY && !c->rec_sack))
		return false;
	why = c->cc_phase == CONN_CC_LOSS ? N_("data") : N_("SACK hole");
	for (;;) {
		pipe = sb_pipe(c);
		if (pipe >= c->cwnd || c->cwnd - pipe < smss)
			return true;
		/* Room for the segment and its event, and the CC event. */
		if (out->nseg >= CONN_OUT_SEGS ||
		    out->nev + 2 >= CONN_OUT_EVENTS) {
			c->out_more = true;
			return true;
		}
		if (next_hole(c, true, &seq, &lim)) {
			if (resend_hole(c, seq, lim, now, out, why) == 0)
				return true;
		} else if (conn_can_send_data(c) &&
		           conn_send_new_seg(c, c->cwnd - pipe, now, out)) {
			continue;
		} else if (next_hole(c, false, &seq, &lim)) {
			if (resend_hole(c, seq, lim, now, out, why) == 0)
				return true;
		} else {
			return true;
		}
	}
}

uint32_t conn_cc_room(const struct conn *c)
{
	uint32_t f = flight_size(c);

	if (c->cwnd == 0)
		return initial_window(c) > f ? initial_window(c) - f : 0;
	return c->cwnd > f ? c->cwnd - f : 0;
}

/* ---- ACKs. ---- */

/*
 * Whether cwnd limited the sender, so that an ACK may grow it. Linux
 * (tcp_is_cwnd_limited) and RFC 7661's reasoning: a window the sender does
 * not fill says nothing about the path, and a request-response exchange
 * would otherwise grow cwnd without end. In slow start: cwnd < 2 *
 * FlightSize; in congestion avoidance: a full segment no longer fitted.
 */
static bool cwnd_limited(const struct conn *c, uint32_t flight)
{
	if (c->cwnd < c->ssthresh)
		return c->cwnd < 2 * flight;
	return flight + conn_smss(c) > c->cwnd;
}

uint32_t conn_cc_ss_step(uint32_t acked, uint32_t smss)
{
	return min32(acked, ABC_L * smss);
}

/* RFC 5681 3.1 for an ACK of n new data bytes, outside fast recovery. */
static void grow(struct conn *c, uint32_t n, uint32_t flight,
                 struct conn_out *out)
{
	uint32_t smss = conn_smss(c), cwnd = c->cwnd;

	if (n == 0 || !cwnd_limited(c, flight))
		return;
	if (c->cwnd < c->ssthresh) {
		/* "During slow start, a TCP increments cwnd by at most SMSS
		 * bytes for each ACK received that cumulatively acknowledges
		 * new data"; RFC 3465 allows L = 2 SMSS. */
		cc_set(c, cwnd + conn_cc_ss_step(n, smss), c->ssthresh, out,
		       N_("slow start"));
		return;
	}
	/* Congestion avoidance, byte counting (RFC 5681 3.1, RFC 3465
	 * 2.1): "When the number of bytes acknowledged reaches cwnd, then
	 * cwnd can be incremented by up to SMSS bytes." */
	c->bytes_acked += n;
	if (c->bytes_acked >= cwnd) {
		c->bytes_acked -= cwnd;
		cc_set(c, cwnd + smss, c->ssthresh, out,
		       N_("congestion avoidance"));
	}
}

static void recovery_ends(struct conn *c, struct conn_out *out)
{
	c->cc_phase = CONN_CC_OPEN;
	c->dupacks = 0;
	cc_event(c, out, N_("recovery ends"));
}

/* RFC 5681 3.2, steps 2 and 3, and RFC 6675 5, step (4): fast
 * retransmit, and into recovery. */
static void enter_recovery(struct conn *c, uint64_t now, struct conn_out *out,
                           const char *why)
{
	uint32_t smss = conn_smss(c), ssthresh = half_flight(c);

	c->loss_flight = flight_size(c);
	/* RFC 6675 (4.1): "RecoveryPoint = HighData"; RFC 6582: "recover
	 * is ... the highest sequence number transmitted". */
	c->recover = c->snd_nxt - 1;
	c->high_rxt = c->snd_una;
	c->cc_phase = CONN_CC_RECOVERY;
	/* SACK-based when the peer sends SACK blocks; a peer that permitted
	 * SACK but sent none gets NewReno, which needs no scoreboard. */
	c->rec_sack = c->sack_ok && c->sb_n > 0;
	/* "The lost segment starting at SND.UNA MUST be retransmitted" (RFC
	 * 5681), "the segment starting with sequence number HighACK + 1"
	 * (RFC 6675 (4.3)): up to the first SACKed range. */
	resend_hole(c, c->snd_una, conn_sb_hole_end(c, c->snd_una, c->snd_nxt),
	            now, out, N_("fast retransmit"));
	if (c->rec_sack)
		/* RFC 6675 (4.2): "ssthresh = cwnd = (FlightSize / 2)". */
		cc_set(c, ssthresh, ssthresh, out, why);
	else
		/* RFC 5681 3.2, 3.: "cwnd = ssthresh + 3*SMSS. This
		 * artificially "inflates" the congestion window by the
		 * number of segments (three) that have left the network". */
		cc_set(c, ssthresh + DUP_THRESH * smss, ssthresh, out, why);
}

/* A cumulative ACK of n data bytes (flight before it) in each phase. */
static void new_ack(struct conn *c, uint32_t ack, uint32_t n, uint32_t flight,
                    uint64_t now, struct conn_out *out)
{
	uint32_t smss = conn_smss(c), cwnd;

	c->dupacks = 0;
	if (c->cc_phase == CONN_CC_OPEN) {
		/* Keep recover within reach of SND.UNA as sequence numbers
		 * wrap; the test "ACK > recover" stays true meanwhile. */
		if (seq_lt(c->recover, c->snd_una - 1))
			c->recover = c->snd_una - 1;
		grow(c, n, flight, out);
		return;
	}
	if (seq_lt(c->high_rxt, c->snd_una))
		c->high_rxt = c->snd_una;
	if (seq_gt(ack, c->recover)) {
		/* RFC 6582 3.2, 3) Full acknowledgments: "Set cwnd to
		 * either (1) min (ssthresh, max(FlightSize, SMSS) + SMSS)
		 * or (2) ssthresh": (1), which avoids a burst. RFC 6675
		 * leaves cwnd at ssthresh. */
		if (c->cc_phase == CONN_CC_RECOVERY && !c->rec_sack)
			cc_set(c,
			       min32(c->ssthresh,
			             max32(flight_size(c), smss) + smss),
			       c->ssthresh, out, N_("recovery ends"));
		if (c->cc_phase == CONN_CC_LOSS)
			grow(c, n, flight, out);
		recovery_ends(c, out);
		return;
	}
	if (c->cc_phase == CONN_CC_LOSS) {
		/* After a timeout, slow start resends what was lost. */
		grow(c, n, flight, out);
		return;
	}
	if (c->rec_sack)
		return;
	/* RFC 6582 3.2, 4) Partial acknowledgments: "retransmit the first
	 * unacknowledged segment. Deflate the congestion window by the
	 * amount of new data acknowledged by the Cumulative Acknowledgment
	 * field. If the partial ACK acknowledges at least one SMSS of new
	 * data, then add back SMSS bytes to the congestion window." */
	conn_resend(c, c->snd_una, c->snd_nxt, smss, now, out,
	            N_("partial ACK"));
	cwnd = c->cwnd > n ? c->cwnd - n : 0;
	if (n >= smss)
		cwnd += smss;
	cc_set(c, cwnd, c->ssthresh, out, N_("partial ACK"));
}

/*
 * RFC 5681 2: a duplicate ACK is one where "(a) the receiver of the ACK
 * has outstanding data, (b) the incoming acknowledgment carries no data,
 * (c) the SYN and FIN bits are both off, (d) the acknowledgment number is
 * equal to the greatest acknowledgment received on the given connection
 * (TCP.UNA from [RFC793]) and (e) the advertised window in the incoming
 * acknowledgment equals the advertised window in the last incoming
 * acknowledgment." (d) holds when we are called.
 */
static bool dup_ack_5681(const struct conn *c, const struct seg *in)
{
	return c->snd_una != c->snd_nxt && in->payload_len == 0 &&
	       !(in->flags & (TH_SYN | TH_FIN)) &&
	       ((uint32_t)in->win << c->snd_wscale) == c->snd_wnd;
}

/* A duplicate ACK: count it, and into recovery at the third. */
static void dup_ack(struct conn *c, uint64_t now, struct conn_out *out)
{
	if (c->cc_phase == CONN_CC_LOSS)
		return;
	if (c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->cc_phase == CONN_CC_RECOVERY) {
		/* RFC 5681 3.2, 4.: "For each additional duplicate ACK
		 * received (after the third), cwnd MUST be incremented by
		 * SMSS." NewReno only: RFC 6675 counts pipe instead. */
		if (!c->rec_sack)
			cc_set(c, c->cwnd + conn_smss(c), c->ssthresh, out,
			       N_("duplicate ACK inflates cwnd"));
		return;
	}
	/* RFC 6582 3.2, 2): "When the third duplicate ACK is received, the
	 * TCP sender first checks the value of recover to see if the
	 * Cumulative Acknowledgment field covers more than recover. If so,
	 * ... The TCP then enters fast retransmit ... If not, the TCP does
	 * not enter fast retransmit and does not reset ssthresh." */
	if (c->dupacks == DUP_THRESH && seq_gt(c->snd_una, c->recover))
		enter_recovery(c, now, out, N_("three duplicate ACKs"));
}

void conn_cc_ack(struct conn *c, const struct seg *in, uint64_t now,
                 struct conn_out *out)
{
	uint32_t flight = flight_size(c), fresh = 0, n;
	bool sack =
	        c->sack_ok && (in->has & SEG_HAS_SACK) && in->sack_count > 0;
	unsigned i;

	conn_cc_start(c);
	/* RFC 6675 5: "Upon the receipt of any ACK containing SACK
	 * information, the scoreboard MUST be updated via the Update ()
	 * routine." */
	if (sack)
		for (i = 0; i < in->sack_count && i < SEG_SACK_MAX; i++) {
			const struct seg_sack *k = &in->sack[i];

			/* A block that starts at or below the ACK (a D-SACK,
			 * RFC 2883, or a bogus one) or ends past SND.NXT
			 * marks nothing, as Linux's tcp_is_sackblock_valid
			 * decides: the peer cannot hold what it has not
			 * acknowledged in order, nor what was never sent. */
			if (!seq_gt(k->left, in->ack) ||
			    !seq_gt(k->left, c->snd_una) ||
			    seq_gt(k->right, c->snd_nxt))
				continue;
			fresh += sb_add(c, k->left, k->right);
		}
	if (seq_lt(c->snd_una, in->ack)) {
		n = (uint32_t)conn_ack_advance(c, in, now, out);
		conn_sb_trim(c);
		new_ack(c, in->ack, n, flight, now, out);
	} else if (sack ? fresh > 0 : dup_ack_5681(c, in)) {
		/* RFC 6675 2: a duplicate acknowledgment is "a segment that
		 * arrives carrying a SACK block that identifies previously
		 * unacknowledged and un-SACKed octets between HighACK and
		 * HighData". Without SACK blocks, RFC 5681's definition. */
		dup_ack(c, now, out);
	}
	/* RFC 6675 5, (2): "If DupAcks < DupThresh but IsLost (HighACK +
	 * 1) returns true -- indicating at least three segments have
	 * arrived above the current cumulative acknowledgment point, which
	 * is taken to indicate loss -- go to step (4)." */
	if (c->sack_ok && c->cc_phase == CONN_CC_OPEN && c->sb_n > 0 &&
	    seq_gt(c->snd_una, c->recover) && is_lost(c, c->snd_una))
		enter_recovery(c, now, out, N_("SACKs show a loss"));
}

/* ---- The retransmission timer. ---- */

/*
 * RFC 5681 3.1: "When a TCP sender detects segment loss using the
 * retransmission timer and the given segment has not yet been resent by
 * way of the retransmission timer, the value of ssthresh MUST be set to
 * no more than the value given in equation (4) ... Furthermore, upon a
 * timeout cwnd MUST be set to no more than the loss window, LW, which
 * equals 1 full-sized segment". RFC 6675 5.1: "If an RTO occurs during
 * loss recovery as specified in this document, RecoveryPoint MUST be set
 * to HighData." Everything up to it that is not SACKed is then lost and
 * goes again, in slow start.
 *
 * The SACKed marks are kept. RFC 2018 suggested forgetting them, "since
 * the timeout might indicate that the data receiver has reneged"; RFC
 * 6675 5.1 leaves it open. Kept, they spare resending what the peer holds
 * (Linux keeps them too), and reneging does not go unnoticed: a cumulative
 * ACK that stops at a SACKed range clears the scoreboard (conn_sb_trim),
 * and the timeout itself always resends the segment at SND.UNA.
 */
void conn_cc_rto(struct conn *c, struct conn_out *out)
{
	uint32_t ssthresh;
	bool held;

	conn_cc_start(c);
	/* A timeout before the last one's RecoveryPoint is acknowledged
	 * ends the same episode: what go-back-N resent was resent "by way
	 * of the retransmission timer" too, and FlightSize still counts
	 * what the first timeout declared lost. */
	held = c->retries > 1 || c->cc_phase == CONN_CC_LOSS;
	ssthresh = held ? c->ssthresh : half_flight(c);
	if (!held)
		c->loss_flight = flight_size(c);
	c->cc_phase = CONN_CC_LOSS;
	c->dupacks = 0;
	c->recover = c->snd_nxt - 1;
	c->high_rxt = c->snd_una;
	cc_set(c, conn_smss(c), ssthresh, out, N_("retransmission timeout"));
}

/* ---- What a trace prints. ---- */

void conn_cc_info(const struct conn *c, struct conn_cc_info *i)
{
	memset(i, 0, sizeof *i);
	i->smss = conn_smss(c);
	i->cwnd = c->cwnd != 0 ? c->cwnd : initial_window(c);
	i->ssthresh = c->cwnd != 0 ? c->ssthresh : initial_ssthresh(c);
	i->flight = flight_size(c);
	i->phase = (enum conn_cc_phase)c->cc_phase;
	i->pipe = i->phase == CONN_CC_OPEN ||
	                          (i->phase == CONN_CC_RECOVERY && !c->rec_sack)
	                  ? i->flight
	                  : sb_pipe(c);
	i->snd_wnd = c->snd_wnd;
	i->max_snd_wnd = c->max_snd_wnd;
	i->recover = c->recover;
	i->sacked = sb_bytes(c);
	i->sacked_ranges = c->sb_n;
	i->dupacks = c->dupacks;
	i->slow_start = i->cwnd < i->ssthresh;
	i->ssthresh_initial = i->ssthresh == initial_ssthresh(c);
	i->sack_recovery = i->phase != CONN_CC_OPEN && c->rec_sack;
	i->snd_una = c->snd_una;
	i->snd_nxt = c->snd_nxt;
	i->srtt_us = c->rtt_valid ? c->srtt_us : 0;
	i->rttvar_us = c->rtt_valid ? c->rttvar_us : 0;
	i->rto_us = c->rto_us;
	i->rtt_us = c->rtt_last_us;
	i->rtt_samples = c->rtt_samples;
	i->retries = c->retries;
	i->rto_min_us = c->cfg.rto_min_us;
	i->rto_floored = c->rto_floored;
	i->loss_flight = c->loss_flight;
}

void conn_cc_info_seg(const struct conn *c, const struct conn_out *out,
                      uint32_t nxt_before, unsigned sent,
                      struct conn_cc_info *i)
{
	uint32_t nxt = nxt_before, end;
	unsigned j;

	conn_cc_info(c, i);
	if (seq_lt(nxt, c->snd_una))
		nxt = c->snd_una;
	for (j = 0; j < sent && j < out->nseg; j++) {
		const struct seg *s = &out->seg[j];

		if (s->flags & TH_RST)
			continue;
		end = seq_add(s->seq, (uint32_t)s->payload_len +
		                              !!(s->flags & TH_SYN) +
		                              !!(s->flags & TH_FIN));
		if (seq_gt(end, nxt))
			nxt = end;
	}
	/* What later segments of the call add is not in flight yet. */
	if (seq_gt(nxt, c->snd_nxt))
		nxt = c->snd_nxt;
	i->snd_nxt = nxt;
	i->flight = (uint32_t)seq_diff(nxt, c->snd_una);
	if (i->phase == CONN_CC_OPEN || !i->sack_recovery)
		i->pipe = i->flight;
}

const char *conn_cc_why(const struct conn_out *out)
{
	unsigned i;

	for (i = 0; i < out->nev; i++)
		if (out->ev[i].kind == CONN_EV_CC)
			return out->ev[i].reason;
	return NULL;
}
