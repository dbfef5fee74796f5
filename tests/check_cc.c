/*
 * check_cc.c: the sender's congestion control and loss recovery
 * (common/conn_cc.c), its silly window avoidance and RTT rules
 * (common/conn_out.c, common/conn_rtx.c).
 *
 * Every test reaches ESTABLISHED with real segments, as check_conn.c's
 * fixtures spell out: the peer's SYN at T0, our SYN-ACK, the third ACK 1
 * ms later (RTT 1 ms, RTO 200 ms, Linux's floor). The peer offers MSS 1460
 * with timestamps, so that we send 1448 bytes a segment (SMSS), and window
 * 229 << 7 = 29312. Then the tests queue data, lose segments by not
 * acknowledging them, and hold cwnd, ssthresh, pipe and what is resent
 * against the numbers of RFC 5681, RFC 6582 and RFC 6675. Our ISN is
 * 0xfffffffe and the peer's 0xfffffff0, so every exchange crosses 2^32.
 */
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stdio.h>

#include "common/annot.h"
#include "common/conn.h"
#include "common/err.h"
#include "common/seg.h"
#include "common/seq.h"
#include "tests/connlib.h"
#include "tests/testlib.h"

#define SMSS 1448u       /* 1460 less 12 bytes of timestamps */
#define WND  (229u << 7) /* the peer's window: 29312 */
/* Our data byte k (from 0) is at L(1 + k): the SYN took L(0). */
#define D(k) L(1 + (uint32_t)(k))

static uint8_t data[CONN_SNDBUF_SIZE];

/* The peer's SYN: MSS, SACK-permitted or not, TS, window scale or not. */
static struct seg peer_syn(uint16_t mss, bool sack, bool wscale, uint16_t win)
{
	struct seg s = pseg(TH_SYN, REMOTE_ISS, 0);

	s.win = win;
	seg_opt_mss(&s, mss);
	if (sack) {
		seg_opt_sackok(&s);
		seg_opt_ts(&s, PEER_TS, 0);
	} else {
		seg_opt_nop(&s);
		seg_opt_nop(&s);
		seg_opt_ts(&s, PEER_TS, 0);
	}
	if (wscale) {
		seg_opt_nop(&s);
		seg_opt_wscale(&s, 7);
	}
	return s;
}

/* ESTABLISHED by real segments: the peer's SYN at T0, the third ACK at
 * T0 + 1 ms echoing our SYN-ACK's TS0, with window field win. */
static void open_with(struct conn *c, uint16_t mss, bool sack, bool wscale,
                      uint16_t syn_win, uint16_t win)
{
	struct conn_cfg cfg;
	struct conn_out o;
	struct seg s;

	test_cfg(&cfg);
	ck_assert_int_eq(conn_listen(c, &cfg, LOCAL_ADDR, LOCAL_PORT), 0);
	s = peer_syn(mss, sack, wscale, syn_win);
	conn_input(c, &s, T0, &o);
	ck_assert_uint_eq(o.nseg, 1);
	s = pseg(TH_ACK, R(1), L(1));
	s.win = win;
	seg_opt_linux_ts(&s, PEER_TS + 1, TS0);
	conn_input(c, &s, T0 + 1 * MS, &o);
	ck_assert_int_eq(c->state, TCP_ESTABLISHED);
}

static void established(struct conn *c, bool sack)
{
	open_with(c, 1460, sack, true, 29200, 229);
	ck_assert_uint_eq(c->snd_mss, SMSS);
	ck_assert_uint_eq(c->snd_wnd, WND);
	ck_assert_int_eq(c->sack_ok, sack);
}

/* An ACK from the peer at now, echoing our TS of 1 ms before, with nb
 * SACK blocks (at most 3 fit beside the timestamps). */
static void peer_ack(struct conn *c, uint32_t ack, const struct seg_sack *b,
                     unsigned nb, uint64_t now, struct conn_out *o)
{
	struct seg s = pseg(TH_ACK, R(1), ack);

	seg_opt_linux_ts(&s, PEER_TS + (uint32_t)(now / MS),
	                 conn_ts_now(c, now - 1 * MS));
	if (nb > 0)
		ck_assert_int_eq(seg_opt_sack(&s, b, nb), 0);
	conn_input(c, &s, now, o);
}

static unsigned count_ev(const struct conn_out *o, enum conn_event_kind k)
{
	unsigned i, n = 0;

	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == k)
			n++;
	return n;
}

/* The one CONN_EV_CC event of o, with this reason and cwnd. */
static void expect_cc(const struct conn_out *o, const char *why, uint32_t cwnd)
{
	unsigned i;

	ck_assert_uint_eq(count_ev(o, CONN_EV_CC), 1);
	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == CONN_EV_CC) {
			ck_assert_str_eq(o->ev[i].reason, why);
			ck_assert_uint_eq(o->ev[i].n, cwnd);
		}
}

/* Segment i of o carries len bytes of data from seq. */
static void expect_data(const struct conn_out *o, unsigned i, uint32_t seq,
                        size_t len)
{
	ck_assert_msg(o->nseg > i, "expected segment %u, have %u", i, o->nseg);
	ck_assert_uint_eq(o->seg[i].seq, seq);
	ck_assert_uint_eq(o->seg[i].payload_len, len);
}

static struct conn_cc_info info(const struct conn *c)
{
	struct conn_cc_info i;

	conn_cc_info(c, &i);
	return i;
}

/* Established, the send buffer full: IW's ten segments are out. */
static void iw_sent(struct conn *c, bool sack, struct conn_out *o)
{
	established(c, sack);
	ck_assert_int_eq(conn_send(c, data, sizeof data, T0 + 2 * MS, o),
	                 CONN_SNDBUF_SIZE);
	ck_assert_uint_eq(o->nseg, 10);
}

/* ---- Slow start and congestion avoidance. ---- */

START_TEST(test_established_initial_window)
{
	struct conn c;
	struct conn_out o;
	struct conn_cc_info i;
	unsigned k;

	established(&c, true);
	i = info(&c);
	/* RFC 6928: min(10 * 1448, max(2 * 1448, 14600)) = 14480. */
	ck_assert_uint_eq(i.cwnd, 14480);
	/* The largest window the peer can offer: 65535 << 7. */
	ck_assert_uint_eq(i.ssthresh, 65535u << 7);
	ck_assert_uint_eq(i.flight, 0);
	ck_assert(i.slow_start);
	ck_assert_int_eq(i.phase, CONN_CC_OPEN);
	conn_send(&c, data, sizeof data, T0 + 2 * MS, &o);
	/* Ten full segments; the other 16384 - 14480 = 1904 bytes wait. */
	ck_assert_uint_eq(o.nseg, 10);
	for (k = 0; k < 10; k++)
		expect_data(&o, k, D(k * SMSS), SMSS);
	ck_assert_uint_eq(info(&c).flight, 14480);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_CC), 0);
	/* Waiting for cwnd is not "due now": the next timer is the RTO. */
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 2 * MS + 200 * MS);
	conn_release(&c);
}
END_TEST

START_TEST(test_established_ack_slow_start_growth)
{
	struct conn c;
	struct conn_out o;

	iw_sent(&c, false, &o);
	/* One segment acknowledged: cwnd grows by SMSS, to 15928; the
	 * flight is 13032, so 2896 bytes may go: 1448, then the last 456
	 * (all that is queued). */
	peer_ack(&c, D(SMSS), NULL, 0, T0 + 10 * MS, &o);
	expect_cc(&o, "slow start", 14480 + SMSS);
	ck_assert_uint_eq(o.nseg, 2);
	expect_data(&o, 0, D(10 * SMSS), SMSS);
	expect_data(&o, 1, D(11 * SMSS), 456);
	/* Three segments in one ACK: RFC 3465's L = 2 allows 2 SMSS. */
	peer_ack(&c, D(4 * SMSS), NULL, 0, T0 + 11 * MS, &o);
	expect_cc(&o, "slow start", 14480 + 3 * SMSS);
	ck_assert_uint_eq(info(&c).cwnd, 18824);
	conn_release(&c);
}
END_TEST

START_TEST(test_established_ack_congestion_avoidance_byte_counting)
{
	struct conn c;
	struct conn_out o;
	unsigned k;

	established(&c, false);
	/* As after a loss: cwnd = ssthresh = 4 segments. */
	c.cwnd = c.ssthresh = 4 * SMSS;
	conn_send(&c, data, sizeof data, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 4);
	ck_assert(!info(&c).slow_start);
	/* Each ACK of one segment frees room for one more; cwnd stays
	 * until a whole cwnd of bytes is acknowledged. */
	for (k = 1; k <= 3; k++) {
		peer_ack(&c, D(k * SMSS), NULL, 0, T0 + (10 + k) * MS, &o);
		ck_assert_uint_eq(count_ev(&o, CONN_EV_CC), 0);
		ck_assert_uint_eq(o.nseg, 1);
		expect_data(&o, 0, D((3 + k) * SMSS), SMSS);
		ck_assert_uint_eq(c.bytes_acked, k * SMSS);
	}
	/* The fourth: 5792 bytes = cwnd, so cwnd += SMSS: 7240, and two
	 * segments go. */
	peer_ack(&c, D(4 * SMSS), NULL, 0, T0 + 14 * MS, &o);
	expect_cc(&o, "congestion avoidance", 5 * SMSS);
	ck_assert_uint_eq(c.bytes_acked, 0);
	ck_assert_uint_eq(o.nseg, 2);
	conn_release(&c);
}
END_TEST

/* A request-response exchange does not fill cwnd: it does not grow. */
START_TEST(test_established_ack_app_limited_no_growth)
{
	struct conn c;
	struct conn_out o;

	established(&c, true);
	conn_send(&c, data, 267, T0 + 2 * MS, &o);
	peer_ack(&c, D(267), NULL, 0, T0 + 3 * MS, &o);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_CC), 0);
	ck_assert_uint_eq(info(&c).cwnd, 14480);
	conn_release(&c);
}
END_TEST

/* ---- NewReno (RFC 5681 3.2, RFC 6582). ---- */

/* Three duplicate ACKs of D(0): segment 0 lost, IW out, no SACK. */
static void newreno_recovery(struct conn *c, struct conn_out *o)
{
	unsigned k;

	iw_sent(c, false, o);
	for (k = 1; k <= 2; k++) {
		peer_ack(c, D(0), NULL, 0, T0 + (10 + k) * MS, o);
		ck_assert_uint_eq(o->nseg, 0);
		ck_assert_uint_eq(count_ev(o, CONN_EV_CC), 0);
		ck_assert_uint_eq(c->dupacks, k);
	}
	peer_ack(c, D(0), NULL, 0, T0 + 13 * MS, o);
}

START_TEST(test_established_three_dup_acks_newreno)
{
	struct conn c;
	struct conn_out o;
	struct conn_cc_info i;

	newreno_recovery(&c, &o);
	/* ssthresh = max(FlightSize / 2, 2 * SMSS) = 14480 / 2 = 7240;
	 * cwnd = ssthresh + 3 * SMSS = 11584. */
	expect_cc(&o, "three duplicate ACKs", 11584);
	i = info(&c);
	ck_assert_uint_eq(i.ssthresh, 7240);
	ck_assert_uint_eq(i.cwnd, 11584);
	ck_assert_int_eq(i.phase, CONN_CC_RECOVERY);
	/* recover = HighData, the last byte sent. */
	ck_assert_uint_eq(i.recover, D(14480 - 1));
	/* The fast retransmission: segment 0, and nothing new (flight
	 * 14480 > cwnd). */
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), SMSS);
	ck_assert_mem_eq(o.seg[0].payload, data, SMSS);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_RETRANSMIT), 1);
	conn_release(&c);
}
END_TEST

START_TEST(test_fast_recovery_dup_ack_inflates_newreno)
{
	struct conn c;
	struct conn_out o;

	newreno_recovery(&c, &o);
	/* Each further duplicate ACK adds SMSS: 13032, 14480 (flight 14480:
	 * still nothing), then 15928: one new segment of the 1904 queued. */
	peer_ack(&c, D(0), NULL, 0, T0 + 14 * MS, &o);
	expect_cc(&o, "duplicate ACK inflates cwnd", 13032);
	ck_assert_uint_eq(o.nseg, 0);
	peer_ack(&c, D(0), NULL, 0, T0 + 15 * MS, &o);
	expect_cc(&o, "duplicate ACK inflates cwnd", 14480);
	ck_assert_uint_eq(o.nseg, 0);
	peer_ack(&c, D(0), NULL, 0, T0 + 16 * MS, &o);
	expect_cc(&o, "duplicate ACK inflates cwnd", 15928);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(14480), SMSS);
	conn_release(&c);
}
END_TEST

START_TEST(test_fast_recovery_partial_ack_newreno)
{
	struct conn c;
	struct conn_out o;

	/* Segments 0 and 2 lost. */
	newreno_recovery(&c, &o);
	/* The retransmission of 0 fills the first hole: the ACK stops at
	 * segment 2, below recover. Deflate by the 2896 bytes acked, add
	 * back SMSS: 11584 - 2896 + 1448 = 10136, and resend segment 2. */
	peer_ack(&c, D(2 * SMSS), NULL, 0, T0 + 20 * MS, &o);
	expect_cc(&o, "partial ACK", 10136);
	ck_assert_int_eq(info(&c).phase, CONN_CC_RECOVERY);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(2 * SMSS), SMSS);
	/* The full ACK: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
	 * = min(7240, 1448 + 1448) = 2896; recovery ends, and the 1904
	 * queued bytes go: 1448 and 456. */
	peer_ack(&c, D(14480), NULL, 0, T0 + 30 * MS, &o);
	expect_cc(&o, "recovery ends", 2896);
	ck_assert_int_eq(info(&c).phase, CONN_CC_OPEN);
	ck_assert_uint_eq(info(&c).ssthresh, 7240);
	ck_assert_uint_eq(o.nseg, 2);
	expect_data(&o, 0, D(14480), SMSS);
	expect_data(&o, 1, D(14480 + SMSS), 456);
	conn_release(&c);
}
END_TEST

/* Duplicate ACKs that change the window are window updates, not dups. */
START_TEST(test_established_window_change_not_dup_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg s;
	unsigned k;

	iw_sent(&c, false, &o);
	for (k = 0; k < 3; k++) {
		s = pseg(TH_ACK, R(1), D(0));
		s.win = (uint16_t)(230 + k);
		seg_opt_linux_ts(&s, PEER_TS + 20 + k, TS0);
		conn_input(&c, &s, T0 + (10 + k) * MS, &o);
	}
	ck_assert_uint_eq(c.dupacks, 0);
	ck_assert_int_eq(info(&c).phase, CONN_CC_OPEN);
	conn_release(&c);
}
END_TEST

/* ---- SACK-based recovery (RFC 6675). ---- */

/* The range [from, to) of our data segments, as a SACK block. */
static struct seg_sack segs(unsigned from, unsigned to)
{
	struct seg_sack b = {D(from * SMSS), D(to * SMSS)};

	return b;
}

START_TEST(test_established_sack_scoreboard_resends_holes)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack b[2];
	struct conn_cc_info i;

	/* Of IW's ten segments, 0 and 3 are lost. */
	iw_sent(&c, true, &o);
	b[0] = segs(1, 2);
	peer_ack(&c, D(0), b, 1, T0 + 11 * MS, &o);
	ck_assert_uint_eq(c.dupacks, 1);
	b[0] = segs(1, 3);
	peer_ack(&c, D(0), b, 1, T0 + 12 * MS, &o);
	ck_assert_uint_eq(c.dupacks, 2);
	ck_assert_uint_eq(o.nseg, 0);
	/* Segment 4 arrives: the third duplicate ACK. RFC 6675 (4):
	 * ssthresh = cwnd = FlightSize / 2 = 7240; segment 0 goes again,
	 * up to the first SACKed byte. */
	b[0] = segs(4, 5);
	b[1] = segs(1, 3);
	peer_ack(&c, D(0), b, 2, T0 + 13 * MS, &o);
	expect_cc(&o, "three duplicate ACKs", 7240);
	i = info(&c);
	ck_assert_uint_eq(i.ssthresh, 7240);
	ck_assert_uint_eq(i.sacked_ranges, 2);
	ck_assert_uint_eq(i.sacked, 3 * SMSS);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), SMSS);
	/* pipe: segment 0 lost but resent (1448), segment 3 not lost yet
	 * (one segment SACKed above it: 1448), segments 5-9 (7240). */
	ck_assert_uint_eq(i.pipe, 10136);
	/* Segments 5 and 6 arrive: 3 segments SACKed above segment 3, more
	 * than 2 * SMSS: IsLost. pipe = 1448 + 3 * 1448 (7-9) = 5792, so
	 * cwnd - pipe = 1448: segment 3 goes, and only it. */
	b[0] = segs(4, 6);
	peer_ack(&c, D(0), b, 2, T0 + 14 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	b[0] = segs(4, 7);
	peer_ack(&c, D(0), b, 2, T0 + 15 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(3 * SMSS), SMSS);
	ck_assert_uint_eq(info(&c).pipe, 7240);
	/* Segment 7 arrives: pipe 5792; no hole is lost above HighRxt, so
	 * NextSeg's rule 2 sends new data. */
	b[0] = segs(4, 8);
	peer_ack(&c, D(0), b, 2, T0 + 16 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(10 * SMSS), SMSS);
	/* The resent segment 0 arrives: a partial ACK, up to segment 3. */
	b[0] = segs(4, 8);
	peer_ack(&c, D(3 * SMSS), b, 1, T0 + 20 * MS, &o);
	ck_assert_int_eq(info(&c).phase, CONN_CC_RECOVERY);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_RETRANSMIT), 0);
	/* Segment 3 arrives, then everything: recovery ends, cwnd stays. */
	peer_ack(&c, D(11 * SMSS), NULL, 0, T0 + 30 * MS, &o);
	expect_cc(&o, "recovery ends", 7240);
	ck_assert_int_eq(info(&c).phase, CONN_CC_OPEN);
	ck_assert_uint_eq(info(&c).sacked_ranges, 0);
	conn_release(&c);
}
END_TEST

/* IsLost without three duplicate ACKs: one ACK SACKs three segments
 * above the hole (RFC 6675 5, step 2). */
START_TEST(test_established_sack_is_lost_enters_recovery)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack b = segs(1, 4);

	iw_sent(&c, true, &o);
	peer_ack(&c, D(0), &b, 1, T0 + 11 * MS, &o);
	ck_assert_uint_eq(c.dupacks, 1);
	ck_assert_int_eq(info(&c).phase, CONN_CC_RECOVERY);
	expect_cc(&o, "SACKs show a loss", 7240);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), SMSS);
	conn_release(&c);
}
END_TEST

/* The scoreboard merges blocks and keeps at most CONN_SB_MAX ranges,
 * forgetting the highest. */
START_TEST(test_established_sack_scoreboard_bounded)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack b[3];
	unsigned k;

	established(&c, true);
	c.snd_mss = 10;
	c.cwnd = 1000;
	conn_send(&c, data, 400, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, CONN_OUT_SEGS);
	/* Ranges [20k+10, 20k+20) for k = 0..9: ten, one every other
	 * segment, sent three at a time. */
	for (k = 0; k < 10; k += 3) {
		unsigned j, n = 0;

		for (j = k; j < k + 3 && j < 10; j++) {
			b[n].left = D(20 * j + 10);
			b[n].right = D(20 * j + 20);
			n++;
		}
		peer_ack(&c, D(0), b, n, T0 + (10 + k) * MS, &o);
	}
	ck_assert_uint_eq(c.sb_n, CONN_SB_MAX);
	ck_assert_uint_eq(c.sb[0].left, D(10));
	ck_assert_uint_eq(c.sb[CONN_SB_MAX - 1].right, D(20 * 7 + 20));
	/* A block over two ranges and the hole between merges them. */
	b[0].left = D(10);
	b[0].right = D(40);
	peer_ack(&c, D(0), b, 1, T0 + 30 * MS, &o);
	ck_assert_uint_eq(c.sb[0].left, D(10));
	ck_assert_uint_eq(c.sb[0].right, D(40));
	ck_assert_uint_eq(c.sb_n, CONN_SB_MAX - 1);
	conn_release(&c);
}
END_TEST

/* ---- The retransmission timer. ---- */

START_TEST(test_established_rto_resets_cwnd)
{
	struct conn c;
	struct conn_out o;
	struct conn_cc_info i;

	iw_sent(&c, false, &o);
	conn_timer(&c, T0 + 202 * MS, &o);
	/* RFC 5681 eq. (4): ssthresh = max(14480 / 2, 2 * 1448) = 7240,
	 * cwnd = LW = 1 SMSS; segment 0 goes again, alone. */
	expect_cc(&o, "retransmission timeout", SMSS);
	i = info(&c);
	ck_assert_uint_eq(i.ssthresh, 7240);
	ck_assert_int_eq(i.phase, CONN_CC_LOSS);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), SMSS);
	/* Its ACK: slow start, cwnd 2896, and the next two lost segments
	 * go (everything up to RecoveryPoint counts as lost). */
	peer_ack(&c, D(SMSS), NULL, 0, T0 + 210 * MS, &o);
	expect_cc(&o, "slow start", 2 * SMSS);
	ck_assert_uint_eq(o.nseg, 2);
	expect_data(&o, 0, D(SMSS), SMSS);
	expect_data(&o, 1, D(2 * SMSS), SMSS);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_RETRANSMIT), 2);
	ck_assert_uint_eq(info(&c).pipe, 2 * SMSS);
	/* A second timeout keeps ssthresh ("held constant"). */
	conn_timer(&c, conn_next_timer(&c), &o);
	expect_cc(&o, "retransmission timeout", SMSS);
	ck_assert_uint_eq(info(&c).ssthresh, 7240);
	expect_data(&o, 0, D(SMSS), SMSS);
	ck_assert_uint_eq(o.nseg, 1);
	/* Everything acknowledged: the loss phase ends. */
	peer_ack(&c, D(14480), NULL, 0, T0 + 900 * MS, &o);
	ck_assert_int_eq(info(&c).phase, CONN_CC_OPEN);
	ck_assert_uint_eq(count_ev(&o, CONN_EV_CC), 1);
	conn_release(&c);
}
END_TEST

/* After a timeout, SACKed segments are not sent again. */
START_TEST(test_established_rto_keeps_sacked)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack b = segs(2, 3);

	iw_sent(&c, true, &o);
	peer_ack(&c, D(0), &b, 1, T0 + 11 * MS, &o);
	conn_timer(&c, T0 + 211 * MS, &o);
	expect_cc(&o, "retransmission timeout", SMSS);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), SMSS);
	/* Its ACK: cwnd 2896 resends segments 1 and 3, not 2. */
	peer_ack(&c, D(SMSS), &b, 1, T0 + 220 * MS, &o);
	ck_assert_uint_eq(o.nseg, 2);
	expect_data(&o, 0, D(SMSS), SMSS);
	expect_data(&o, 1, D(3 * SMSS), SMSS);
	conn_release(&c);
}
END_TEST

/* An ACK that stops inside what the peer SACKed: it reneged, and the
 * scoreboard is forgotten. */
START_TEST(test_established_sack_reneged_cleared)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack b = segs(2, 4);

	iw_sent(&c, true, &o);
	peer_ack(&c, D(0), &b, 1, T0 + 11 * MS, &o);
	ck_assert_uint_eq(c.sb_n, 1);
	peer_ack(&c, D(3 * SMSS), NULL, 0, T0 + 12 * MS, &o);
	ck_assert_uint_eq(c.sb_n, 0);
	conn_release(&c);
}
END_TEST

/* A block that starts at the ACK, or ends past SND.NXT, marks nothing;
 * and the timer resends SND.UNA's segment whatever a block said (found
 * by fuzz_conn: a FIN "SACKed" by a bogus block was never resent). */
START_TEST(test_established_bogus_sack_ignored)
{
	struct conn c;
	struct conn_out o;
	struct seg_sack at_ack = segs(0, 2), past = segs(8, 12);

	iw_sent(&c, true, &o);
	peer_ack(&c, D(0), &at_ack, 1, T0 + 11 * MS, &o);
	ck_assert_uint_eq(c.sb_n, 0);
	peer_ack(&c, D(0), &past, 1, T0 + 12 * MS, &o);
	ck_assert_uint_eq(c.sb_n, 0);
	conn_timer(&c, conn_next_timer(&c), &o);
	ck_assert_uint_ge(o.nseg, 1);
	ck_assert_uint_eq(o.seg[0].seq, D(0));
	ck_assert_uint_gt(o.seg[0].payload_len, 0);
	conn_release(&c);
}
END_TEST

START_TEST(test_established_rto_clamped_after_backoff)
{
	struct conn c;
	struct conn_out o;
	uint64_t t = 0;
	unsigned k;

	established(&c, true);
	conn_send(&c, data, 100, T0 + 2 * MS, &o);
	/* 200 ms doubling: 0.2, 0.4 ... 102.4, then 120 s, not 204.8. */
	for (k = 0; k < 11; k++) {
		t = conn_next_timer(&c);
		conn_timer(&c, t, &o);
		ck_assert_uint_eq(o.nseg, 1);
	}
	ck_assert_uint_eq(c.rto_us, 120 * SEC);
	ck_assert_uint_eq(conn_next_timer(&c), t + 120 * SEC);
	conn_release(&c);
}
END_TEST

START_TEST(test_established_rto_clamped_after_long_rtt)
{
	struct conn c;
	struct conn_out o;
	struct conn_cc_info i;
	struct seg s;

	established(&c, true);
	/* Measured 1 ms: RTO = 1 + 4 * 0.5 = 3 ms, raised to 200 ms. */
	i = info(&c);
	ck_assert_uint_eq(i.srtt_us, 1 * MS);
	ck_assert_uint_eq(i.rttvar_us, 500);
	ck_assert_uint_eq(i.rto_us, 200 * MS);
	conn_send(&c, data, 100, T0 + 2 * MS, &o);
	/* Its ACK 300 s later, never resent (no timer call): SRTT =
	 * 7/8 * 1 ms + 1/8 * 300 s, RTO above 120 s, lowered to 120 s. */
	s = pseg(TH_ACK, R(1), D(100));
	seg_opt_linux_ts(&s, PEER_TS + 5, TS0 + 2);
	conn_input(&c, &s, T0 + 2 * MS + 300 * SEC, &o);
	i = info(&c);
	ck_assert_uint_eq(i.srtt_us, (7 * MS + 300 * SEC) / 8);
	ck_assert_uint_eq(i.rto_us, 120 * SEC);
	conn_release(&c);
}
END_TEST

/* ---- RTT samples (RFC 6298, RFC 7323 4). ---- */

/* Our SYN, then three timeouts: T0 + 1 s, 3 s, 7 s. */
static void syn_sent_three_times(struct conn *c)
{
	struct conn_cfg cfg;
	struct conn_out o;
	unsigned k;

	test_cfg(&cfg);
	conn_connect(c, &cfg, LOCAL_ADDR, LOCAL_PORT, REMOTE_ADDR, REMOTE_PORT,
	             LOCAL_ISS, T0, &o);
	for (k = 0; k < 3; k++) {
		conn_timer(c, conn_next_timer(c), &o);
		ck_assert_uint_eq(o.nseg, 1);
	}
	ck_assert_uint_eq(conn_next_timer(c), T0 + 15 * SEC);
}

static struct seg synack_echoing(uint32_t ecr)
{
	struct seg s = pseg(TH_SYN | TH_ACK, REMOTE_ISS, L(1));

	s.win = 28960;
	seg_opt_linux_syn(&s, 1460, PEER_TS, ecr, 7);
	return s;
}

/* The peer got our first SYN, and its SYN-ACKs were lost: the one that
 * arrives echoes the first SYN's TS val. 7 s is not a round trip. */
START_TEST(test_syn_sent_synack_stale_tsecr_no_sample)
{
	struct conn c;
	struct conn_out o;
	struct seg s = synack_echoing(TS0);
	struct conn_cc_info i;

	syn_sent_three_times(&c);
	conn_input(&c, &s, T0 + 7 * SEC + 5 * MS, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	i = info(&c);
	ck_assert_uint_eq(i.srtt_us, 0);
	/* No sample: RFC 6298 5.7, 3 s, as Linux. Not 7 + 4 * 3.5 = 21 s. */
	ck_assert_uint_eq(i.rto_us, 3 * SEC);
	/* RFC 5681 3.1: the SYN was lost, IW is one segment. */
	ck_assert_uint_eq(i.cwnd, SMSS);
	/* A lost request goes again 3 s later, not 21 s. */
	conn_send(&c, data, 100, T0 + 7 * SEC + 6 * MS, &o);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 10 * SEC + 6 * MS);
	conn_release(&c);
}
END_TEST

START_TEST(test_syn_sent_synack_fresh_tsecr_sample)
{
	struct conn c;
	struct conn_out o;
	/* The SYN sent at T0 + 7 s had TS val TS0 + 7000. */
	struct seg s = synack_echoing(TS0 + 7000);

	syn_sent_three_times(&c);
	conn_input(&c, &s, T0 + 7 * SEC + 5 * MS, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	ck_assert_uint_eq(info(&c).srtt_us, 5 * MS);
	/* 5 + 4 * 2.5 = 15 ms, raised to 200 ms. */
	ck_assert_uint_eq(info(&c).rto_us, 200 * MS);
	conn_release(&c);
}
END_TEST

/* Data resent by the timer: an ACK echoing the first copy's TS measures
 * nothing; one echoing the resent copy does. */
START_TEST(test_established_ack_stale_tsecr_after_rtx)
{
	struct conn c;
	struct conn_out o;
	struct seg s;

	established(&c, true);
	conn_send(&c, data, 100, T0 + 2 * MS, &o);
	conn_timer(&c, T0 + 202 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(c.rto_us, 400 * MS);
	/* Echo of TS0 + 2, 250 ms ago: no sample, RTO stays backed off. */
	s = pseg(TH_ACK, R(1), D(50));
	seg_opt_linux_ts(&s, PEER_TS + 5, TS0 + 2);
	conn_input(&c, &s, T0 + 252 * MS, &o);
	ck_assert_uint_eq(c.srtt_us, 1 * MS);
	ck_assert_uint_eq(c.rto_us, 400 * MS);
	/* Echo of the resent copy, TS0 + 202: a 60 ms sample. */
	s = pseg(TH_ACK, R(1), D(100));
	seg_opt_linux_ts(&s, PEER_TS + 6, TS0 + 202);
	conn_input(&c, &s, T0 + 262 * MS, &o);
	ck_assert_uint_eq(c.srtt_us, (7 * MS + 60 * MS) / 8);
	conn_release(&c);
}
END_TEST

/* ---- Silly window syndrome avoidance (RFC 9293 3.8.6.2.1). ---- */

/*
 * The peer takes everything sent and offers window win each time; when
 * that sends nothing, the conn's own timer runs, which must always be in
 * the future, and stay there once it has run. Until all of len bytes are
 * acknowledged or limit rounds pass. Every segment in sequence space
 * carries data (the zero-window probe sits below SND.UNA). Returns the
 * number of data segments.
 */
static unsigned drive(struct conn *c, size_t len, uint16_t win, unsigned limit)
{
	struct conn_out o;
	struct seg s;
	uint64_t now = T0 + 5 * MS, t;
	unsigned round, i, nseg = 0;

	for (round = 0; round < limit && c->snd_una != D(len); round++) {
		s = pseg(TH_ACK, R(1), c->snd_nxt);
		s.win = win;
		seg_opt_linux_ts(&s, PEER_TS + 10 + round,
		                 conn_ts_now(c, now - 1 * MS));
		conn_input(c, &s, now, &o);
		for (i = 0; i < o.nseg; i++) {
			ck_assert_uint_gt(o.seg[i].payload_len, 0);
			nseg++;
		}
		if (o.nseg == 0 && c->snd_una != D(len)) {
			t = conn_next_timer(c);
			ck_assert_msg(t != UINT64_MAX, "nothing armed");
			ck_assert_msg(t > now, "timer %llu not after %llu",
			              (unsigned long long)t,
			              (unsigned long long)now);
			now = t;
			conn_timer(c, now, &o);
			ck_assert_uint_gt(conn_next_timer(c), now);
			for (i = 0; i < o.nseg; i++) {
				if (o.seg[i].payload_len == 0)
					ck_assert_uint_eq(o.seg[i].seq,
					                  c->snd_una - 1);
				else
					nseg++;
			}
		}
		now += 1 * MS;
	}
	return nseg;
}

/* A peer with MSS 36 (taken as 48, as Linux does: 36 bytes of data
 * beside timestamps) and window 1, unscaled: one byte at a time, by ACK,
 * never a spin. */
START_TEST(test_established_window_1_mss_36)
{
	struct conn c;
	struct conn_out o;

	open_with(&c, 36, true, false, 1, 1);
	ck_assert_uint_eq(c.snd_mss, 36);
	ck_assert_uint_eq(c.snd_wnd, 1);
	conn_send(&c, data, 30, T0 + 2 * MS, &o);
	/* min(D, U) = 1 >= Fs * Max(SND.WND) = 1/2: one byte goes. */
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), 1);
	ck_assert_uint_eq(drive(&c, 30, 1, 100), 29);
	ck_assert_uint_eq(c.snd_una, D(30));
	conn_release(&c);
}
END_TEST

/* The window shrinks to 1 after the peer offered 29200: with nothing in
 * flight a byte goes at once (as Linux's Nagle test allows), then one per
 * ACK; the timer never spins. */
START_TEST(test_established_window_1_after_large)
{
	struct conn c;
	struct conn_out o;

	open_with(&c, 1460, true, false, 29200, 29200);
	ck_assert_uint_eq(c.snd_wnd, 29200);
	{
		struct seg s = pseg(TH_ACK, R(1), D(0));

		s.win = 1;
		seg_opt_linux_ts(&s, PEER_TS + 3, TS0 + 2);
		conn_input(&c, &s, T0 + 3 * MS, &o);
	}
	ck_assert_uint_eq(c.snd_wnd, 1);
	ck_assert_uint_eq(c.max_snd_wnd, 29200);
	conn_send(&c, data, 30, T0 + 4 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), 1);
	ck_assert_uint_gt(conn_next_timer(&c), T0 + 4 * MS);
	ck_assert_uint_eq(drive(&c, 30, 1, 200), 29);
	conn_release(&c);
}
END_TEST

/* SWS avoidance holds a small segment while another is in flight: a
 * window of 2000 after 29200, 1448 bytes unacknowledged, 552 usable. */
START_TEST(test_established_sws_holds_small_in_flight)
{
	static uint8_t big[3000];
	struct conn c;
	struct conn_out o;
	struct seg s = pseg(TH_ACK, R(1), D(0));

	open_with(&c, 1460, true, false, 29200, 29200);
	s.win = 2000;
	seg_opt_linux_ts(&s, PEER_TS + 3, TS0 + 2);
	conn_input(&c, &s, T0 + 3 * MS, &o);
	conn_send(&c, big, sizeof big, T0 + 4 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_data(&o, 0, D(0), 1448);
	ck_assert_uint_eq(c.snd_nxt, D(1448));
	conn_release(&c);
}
END_TEST

/* A peer with MSS 1 is taken at 48 (36 bytes beside timestamps), not
 * one byte a segment. */
START_TEST(test_established_mss_1_no_spin)
{
	struct conn c;
	struct conn_out o;

	open_with(&c, 1, true, true, 29200, 229);
	ck_assert_uint_eq(c.snd_mss, 36);
	conn_send(&c, data, 40, T0 + 2 * MS, &o);
	/* A full segment, then the rest: all queued data can go. */
	ck_assert_uint_eq(o.nseg, 2);
	expect_data(&o, 0, D(0), 36);
	expect_data(&o, 1, D(36), 4);
	ck_assert_uint_eq(drive(&c, 40, 229, 100), 0);
	conn_release(&c);
}
END_TEST

/* ---- Reporting. ---- */

START_TEST(test_established_cc_info_exact)
{
	struct conn c;
	struct conn_out o;
	struct conn_cc_info i;

	iw_sent(&c, false, &o);
	i = info(&c);
	ck_assert_uint_eq(i.cwnd, 14480);
	ck_assert_uint_eq(i.flight, 14480);
	ck_assert_uint_eq(i.pipe, 14480);
	ck_assert_uint_eq(i.snd_wnd, WND);
	ck_assert_uint_eq(i.max_snd_wnd, WND);
	ck_assert_uint_eq(i.smss, SMSS);
	ck_assert_uint_eq(i.srtt_us, 1 * MS);
	ck_assert_uint_eq(i.rttvar_us, 500);
	ck_assert_uint_eq(i.rto_us, 200 * MS);
	ck_assert_uint_eq(i.dupacks, 0);
	conn_release(&c);
}
END_TEST

/* ---- What the programs print: annot's notes on the sender. ----
 *
 * The same segments go through annot, as tcplab-server shows them with
 * --cc: each input with the numbers before and after the call that took
 * it, each output segment with the numbers as it left. The expected
 * sentences are built here from RFC 5681, RFC 6582, RFC 6675 and RFC
 * 6298's formulas, not from the conn's fields.
 */
struct cc_trace {
	struct annot_ctx an;
	struct annot_result r;
	/* An observer of the same segments (as tcplab-explain reads a
	 * capture), and its latest estimate of the server's sender. */
	struct annot_ctx obs;
	struct annot_result ro;
	struct annot_cc est;
	char notes[1 << 16]; /* every note of the latest call, one a line */
	char json[1 << 14];  /* the JSON of the latest call's first segment */
	struct conn_cc_info before;
	uint32_t nxt;
};

static void trace_seg(struct cc_trace *t, const struct seg *s, bool ours,
                      uint64_t now, const struct annot_cc *cc)
{
	struct annot_in in;
	size_t len = strlen(t->notes);
	unsigned i;

	memset(&in, 0, sizeof in);
	in.s = s;
	in.sec = (int64_t)(now / 1000000);
	in.usec = (uint32_t)(now % 1000000);
	in.from = ours ? ANNOT_ROLE_SERVER : ANNOT_ROLE_CLIENT;
	in.cksum = ANNOT_CKSUM_UNKNOWN;
	in.own = ANNOT_ROLE_SERVER;
	in.own_cc = cc;
	ck_assert_int_eq(annot_input(&t->an, &in, &t->r), 0);
	for (i = 0; i < t->r.nnotes; i++) {
		snprintf(t->notes + len, sizeof t->notes - len, "%s\n",
		         t->r.notes[i]);
		len = strlen(t->notes);
	}
	if (t->json[0] == '\0')
		annot_format_json(&t->r, NULL, t->json, sizeof t->json);
	in.own = ANNOT_ROLE_UNKNOWN;
	in.own_cc = NULL;
	ck_assert_int_eq(annot_input(&t->obs, &in, &t->ro), 0);
	if (t->ro.est.valid && t->ro.est_side == ANNOT_SERVER)
		t->est = t->ro.est;
}

/* The observer's estimate equals the sender's own numbers: a capture
 * taken at the sender shows its segments and ACKs in the order it took
 * them, as here. */
static void est_matches(const struct cc_trace *t, const struct conn *c)
{
	struct conn_cc_info i;

	conn_cc_info(c, &i);
	ck_assert_msg(t->est.valid, "no estimate");
	ck_assert_uint_eq(t->est.now.cwnd, i.cwnd);
	ck_assert_uint_eq(t->est.now.ssthresh, i.ssthresh);
	ck_assert_int_eq(t->est.now.phase, i.phase);
	ck_assert_uint_eq(t->est.now.flight, i.flight);
}

static void trace_begin(struct cc_trace *t, const struct conn *c)
{
	t->notes[0] = t->json[0] = '\0';
	conn_cc_info(c, &t->before);
	t->nxt = c->snd_nxt;
}

/* The segments of a call, the first with the call's changes when the
 * call took no input (changes). */
static void trace_out(struct cc_trace *t, const struct conn *c,
                      const struct conn_out *o, uint64_t now, bool changes)
{
	struct annot_cc cc;
	unsigned i;

	for (i = 0; i < o->nseg; i++) {
		annot_cc_from_conn(&cc, c, o, t->nxt, i + 1,
		                   i == 0 && changes ? &t->before : NULL);
		trace_seg(t, &o->seg[i], true, now, &cc);
	}
}

static void tr_input(struct cc_trace *t, struct conn *c, const struct seg *s,
                     uint64_t now, struct conn_out *o)
{
	struct annot_cc cc;

	trace_begin(t, c);
	conn_input(c, s, now, o);
	annot_cc_from_conn(&cc, c, o, t->nxt, 0, &t->before);
	trace_seg(t, s, false, now, &cc);
	trace_out(t, c, o, now, false);
}

static void tr_ack(struct cc_trace *t, struct conn *c, uint32_t ack,
                   uint64_t now, struct conn_out *o)
{
	struct seg s = pseg(TH_ACK, R(1), ack);

	seg_opt_linux_ts(&s, PEER_TS + (uint32_t)(now / MS),
	                 conn_ts_now(c, now - 1 * MS));
	tr_input(t, c, &s, now, o);
}

static void tr_timer(struct cc_trace *t, struct conn *c, uint64_t now,
                     struct conn_out *o)
{
	trace_begin(t, c);
	conn_timer(c, now, o);
	trace_out(t, c, o, now, true);
}

static void tr_send(struct cc_trace *t, struct conn *c, size_t n, uint64_t now,
                    struct conn_out *o)
{
	trace_begin(t, c);
	ck_assert_int_eq(conn_send(c, data, n, now, o), (int)n);
	trace_out(t, c, o, now, true);
}

/* The notes of the latest call hold this sentence (printf format). */
static void said(const struct cc_trace *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void said(const struct cc_trace *t, const char *fmt, ...)
{
	char want[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	ck_assert_msg(strstr(t->notes, want) != NULL, "expected \"%s\" in:\n%s",
	              want, t->notes);
}

/* The observer's notes on the latest segment hold this sentence. */
static void obs_said(const struct cc_trace *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void obs_said(const struct cc_trace *t, const char *fmt, ...)
{
	char want[512];
	va_list ap;
	unsigned i;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	for (i = 0; i < t->ro.nnotes; i++)
		if (strstr(t->ro.notes[i], want) != NULL)
			return;
	ck_abort_msg("the observer did not say \"%s\"", want);
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* ESTABLISHED as open_with() does it (MSS 1460, SACK or not, window
 * 229 << 7), every segment through annot; then the send buffer full:
 * IW's ten segments out at T0 + 2 ms. */
static void tr_open(struct cc_trace *t, struct conn *c, bool sack)
{
	struct conn_cfg cfg;
	struct conn_out o;
	struct seg s;

	memset(t, 0, sizeof *t);
	ck_assert_int_eq(annot_init(&t->an), 0);
	ck_assert_int_eq(annot_init(&t->obs), 0);
	t->an.cc_notes = true;
	t->obs.cc_notes = true;
	test_cfg(&cfg);
	ck_assert_int_eq(conn_listen(c, &cfg, LOCAL_ADDR, LOCAL_PORT), 0);
	s = peer_syn(1460, sack, true, 29200);
	tr_input(t, c, &s, T0, &o);
	s = pseg(TH_ACK, R(1), L(1));
	s.win = 229;
	seg_opt_linux_ts(&s, PEER_TS + 1, TS0);
	tr_input(t, c, &s, T0 + 1 * MS, &o);
	ck_assert_int_eq(c->state, TCP_ESTABLISHED);
	/* RFC 6298 2.2: R = 1 ms, SRTT = R, RTTVAR = R / 2; RTO = SRTT +
	 * max(G, 4 RTTVAR) = 3 ms, below the 200 ms floor. */
	said(t, "first RTT sample R = 1 ms: SRTT = R = 1 ms, RTTVAR = R/2 = "
	        "0.5 ms, RTO = SRTT + max(G, 4 x RTTVAR) = 200 ms, raised to "
	        "the 200 ms minimum (RFC 6298 2.2)");
	tr_send(t, c, sizeof data, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 10);
	/* RFC 6928: IW = min(10 MSS, max(2 MSS, 14600)) = 14480. */
	said(t,
	     "server's sender: cwnd %u (10 MSS), ssthresh high (no loss "
	     "yet), in flight %u, peer's window %u",
	     10 * SMSS, 10 * SMSS, WND);
	said(t, "in flight %u,", 1 * SMSS);
	said(t, "in flight %u,", 5 * SMSS);
	est_matches(t, c);
}

static void tr_free(struct cc_trace *t, struct conn *c)
{
	annot_free(&t->an);
	annot_free(&t->obs);
	conn_release(c);
	free(t);
}

START_TEST(test_notes_slow_start_and_rtt)
{
	struct cc_trace *t = calloc(1, sizeof *t);
	struct conn c;
	struct conn_out o;
	uint64_t srtt = 1000, rttvar = 500, r = 1000, rv, rs;

	tr_open(t, &c, false);
	/* An ACK of one segment 10 ms later, echoing a TS 1 ms old: R =
	 * 1 ms. RFC 6298 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT =
	 * 7/8 SRTT + 1/8 R. */
	tr_ack(t, &c, D(SMSS), T0 + 10 * MS, &o);
	rv = (3 * rttvar + (srtt > r ? srtt - r : r - srtt)) / 4;
	rs = (7 * srtt + r) / 8;
	said(t,
	     "RTT sample R = 1 ms: RTTVAR = 3/4 x 0.5 ms + 1/4 x |1 ms - "
	     "R| = %llu.%03llu ms, SRTT = 7/8 x 1 ms + 1/8 x R = %llu ms",
	     (unsigned long long)(rv / 1000), (unsigned long long)(rv % 1000),
	     (unsigned long long)(rs / 1000));
	/* RFC 5681 3.1: cwnd += min(N, SMSS) for an ACK of N = SMSS. */
	said(t, "cwnd %u (10 MSS) -> %u (11 MSS): slow start", 10 * SMSS,
	     11 * SMSS);
	/* Two new segments leave: the one acknowledged and the one cwnd
	 * grew by; flight is 10 MSS again. */
	said(t,
	     "cwnd %u (11 MSS), ssthresh high (no loss yet), in flight "
	     "%u,",
	     11 * SMSS, 10 * SMSS);
	ck_assert_ptr_nonnull(strstr(t->json, "\"why\":\"slow start\""));
	est_matches(t, &c);
	tr_free(t, &c);
}
END_TEST

START_TEST(test_notes_newreno_recovery)
{
	struct cc_trace *t = calloc(1, sizeof *t);
	struct conn c;
	struct conn_out o;
	uint32_t flight = 10 * SMSS, ss = max_u32(flight / 2, 2 * SMSS);
	uint32_t cwnd = ss + 3 * SMSS, acked = 2 * SMSS;
	unsigned k;

	tr_open(t, &c, false);
	for (k = 1; k <= 3; k++)
		tr_ack(t, &c, D(0), T0 + (10 + k) * MS, &o);
	/* RFC 5681 eq. (4) and 3.2 step 3. */
	said(t,
	     "ssthresh = max(flight %u / 2, 2 MSS) = %u (5 MSS): three "
	     "duplicate ACKs, the segment at ack 1 is taken as lost",
	     flight, ss);
	said(t, "cwnd %u (10 MSS) -> %u (8 MSS): cwnd = ssthresh + 3 MSS",
	     flight, cwnd);
	said(t, "fast recovery (NewReno) until ack %u (RFC 6582)", flight + 1);
	ck_assert_ptr_nonnull(
	        strstr(t->json, "\"why\":\"three duplicate ACKs\""));
	est_matches(t, &c);
	/* RFC 6582 3.2 (4): a partial ACK of 2 MSS deflates cwnd by it and
	 * adds back SMSS. */
	tr_ack(t, &c, D(acked), T0 + 20 * MS, &o);
	said(t, "cwnd %u (8 MSS) -> %u (7 MSS): a partial ACK", cwnd,
	     cwnd - acked + SMSS);
	said(t, "the %u bytes acknowledged", acked);
	est_matches(t, &c);
	cwnd = cwnd - acked + SMSS;
	/* RFC 6582 3.2 (3): the full ACK, cwnd = min(ssthresh,
	 * max(FlightSize, SMSS) + SMSS) with FlightSize 0 after it. */
	tr_ack(t, &c, D(flight), T0 + 30 * MS, &o);
	said(t,
	     "recovery ends: this ACK covers everything sent before the "
	     "loss; cwnd %u (7 MSS) -> %u (2 MSS), ssthresh %u (5 MSS)",
	     cwnd, 2 * SMSS, ss);
	est_matches(t, &c);
	tr_free(t, &c);
}
END_TEST

START_TEST(test_notes_sack_recovery_and_timeout)
{
	struct cc_trace *t = calloc(1, sizeof *t);
	struct conn c, d;
	struct conn_out o;
	struct seg_sack b[1];
	uint32_t flight = 10 * SMSS, ss = max_u32(flight / 2, 2 * SMSS);
	unsigned k;

	/* Segment 0 lost; the peer SACKs 1, then 1-2, then 1-3. */
	tr_open(t, &c, true);
	for (k = 1; k <= 3; k++) {
		struct seg s = pseg(TH_ACK, R(1), D(0));

		b[0].left = D(SMSS);
		b[0].right = D((k + 1) * SMSS);
		seg_opt_linux_ts(&s, PEER_TS + 10 + k,
		                 conn_ts_now(&c, T0 + (9 + k) * MS));
		ck_assert_int_eq(seg_opt_sack(&s, b, 1), 0);
		tr_input(t, &c, &s, T0 + (10 + k) * MS, &o);
	}
	/* RFC 6675 (4.2): ssthresh = cwnd = FlightSize / 2. */
	said(t, "ssthresh = max(flight %u / 2, 2 MSS) = %u (5 MSS)", flight,
	     ss);
	said(t,
	     "cwnd %u (10 MSS) -> %u (5 MSS): cwnd = ssthresh; recovery "
	     "with SACK",
	     flight, ss);
	said(t, "fast recovery with SACK until ack %u: pipe", flight + 1);
	est_matches(t, &c);
	tr_free(t, &c);

	/* A timeout: RFC 5681 eq. (4) and the loss window; RFC 6298 5.5
	 * doubles the RTO. */
	t = calloc(1, sizeof *t);
	tr_open(t, &d, false);
	tr_timer(t, &d, conn_next_timer(&d), &o);
	said(t,
	     "retransmission timeout: ssthresh = max(flight %u / 2, 2 MSS) "
	     "= %u (5 MSS), cwnd %u (10 MSS) -> 1 MSS (the loss window)",
	     flight, ss, flight);
	said(t, "RTO 200 ms -> 400 ms: doubled after the timeout");
	said(t,
	     "after a timeout: slow start sends again what was lost, up "
	     "to ack %u",
	     flight + 1);
	ck_assert_ptr_nonnull(
	        strstr(t->json, "\"why\":\"retransmission timeout\""));
	ck_assert_ptr_nonnull(strstr(t->json, "\"phase\":\"loss\""));
	est_matches(t, &d);
	/* The observer says so, and says it is inferred. */
	obs_said(t,
	         "inferred: retransmission timeout: ssthresh = max(flight "
	         "%u / 2, 2 MSS) = %u (5 MSS)",
	         flight, ss);
	/* A second timeout of the same data keeps ssthresh, and cwnd is
	 * one segment already: only the RTO changes. */
	tr_timer(t, &d, conn_next_timer(&d), &o);
	said(t, "RTO 400 ms -> 800 ms: doubled");
	said(t, "cwnd %u (1 MSS), ssthresh %u (5 MSS),", SMSS, ss);
	ck_assert_ptr_null(strstr(t->notes, "ssthresh = "));
	est_matches(t, &d);
	tr_free(t, &d);
}
END_TEST

static Suite *cc_suite(void)
{
	Suite *s = suite_create("cc");
	TCase *ss = tcase_create("slow start");
	TCase *fr = tcase_create("fast recovery");
	TCase *rto = tcase_create("timeout");
	TCase *rtt = tcase_create("rtt");
	TCase *sws = tcase_create("sws");
	TCase *notes = tcase_create("notes");

	TESTLIB_ADD(ss, test_established_initial_window);
	TESTLIB_ADD(ss, test_established_ack_slow_start_growth);
	TESTLIB_ADD(ss,
	            test_established_ack_congestion_avoidance_byte_counting);
	TESTLIB_ADD(ss, test_established_ack_app_limited_no_growth);
	TESTLIB_ADD(ss, test_established_cc_info_exact);
	suite_add_tcase(s, ss);
	TESTLIB_ADD(fr, test_established_three_dup_acks_newreno);
	TESTLIB_ADD(fr, test_fast_recovery_dup_ack_inflates_newreno);
	TESTLIB_ADD(fr, test_fast_recovery_partial_ack_newreno);
	TESTLIB_ADD(fr, test_established_window_change_not_dup_ack);
	TESTLIB_ADD(fr, test_established_sack_scoreboard_resends_holes);
	TESTLIB_ADD(fr, test_established_sack_is_lost_enters_recovery);
	TESTLIB_ADD(fr, test_established_sack_scoreboard_bounded);
	TESTLIB_ADD(fr, test_established_sack_reneged_cleared);
	TESTLIB_ADD(fr, test_established_bogus_sack_ignored);
	suite_add_tcase(s, fr);
	TESTLIB_ADD(rto, test_established_rto_resets_cwnd);
	TESTLIB_ADD(rto, test_established_rto_keeps_sacked);
	TESTLIB_ADD(rto, test_established_rto_clamped_after_backoff);
	TESTLIB_ADD(rto, test_established_rto_clamped_after_long_rtt);
	suite_add_tcase(s, rto);
	TESTLIB_ADD(rtt, test_syn_sent_synack_stale_tsecr_no_sample);
	TESTLIB_ADD(rtt, test_syn_sent_synack_fresh_tsecr_sample);
	TESTLIB_ADD(rtt, test_established_ack_stale_tsecr_after_rtx);
	suite_add_tcase(s, rtt);
	TESTLIB_ADD(sws, test_established_window_1_mss_36);
	TESTLIB_ADD(sws, test_established_window_1_after_large);
	TESTLIB_ADD(sws, test_established_sws_holds_small_in_flight);
	TESTLIB_ADD(sws, test_established_mss_1_no_spin);
	suite_add_tcase(s, sws);
	TESTLIB_ADD(notes, test_notes_slow_start_and_rtt);
	TESTLIB_ADD(notes, test_notes_newreno_recovery);
	TESTLIB_ADD(notes, test_notes_sack_recovery_and_timeout);
	suite_add_tcase(s, notes);
	return s;
}

TESTLIB_MAIN(cc_suite)
