/*
 * check_conn.c: the TCP state machine of one endpoint (common/conn.h).
 *
 * Every test feeds segments and a fake clock to a conn and looks at what
 * it sends and reports. Fixtures build on each other, as smoltcp's do:
 * listen -> syn_rcvd -> established for a passive open, syn_sent ->
 * established for an active one. The later fixtures are written out by
 * hand, field by field, so that they spell out the arithmetic; the tests
 * that reach the same state with real segments compare with them. Our ISN
 * is 0xfffffffe and the peer's 0xfffffff0, so every exchange crosses 2^32.
 * The last tests wire two conns together and replay the article's ten
 * segments, byte for byte.
 */
#include <string.h>

#include "common/conn.h"
#include "common/err.h"
#include "common/seg.h"
#include "common/seq.h"
#include "tests/article.h"
#include "tests/connlib.h"
#include "tests/testlib.h"

/* 18 bytes: from the peer's first data byte R(1) they cross 2^32. */
static const char request[] = "GET / HTTP/1.1\r\n\r\n";
#define REQ_LEN (sizeof request - 1)

static struct seg pseg_data(uint16_t flags, uint32_t seq, uint32_t ack,
                            const char *data, size_t len)
{
	struct seg s = pseg(flags, seq, ack);

	s.payload = (const uint8_t *)data;
	s.payload_len = len;
	return s;
}

/* The peer's SYN: Linux's options, window 29200. */
static struct seg peer_syn(void)
{
	struct seg s = pseg(TH_SYN, REMOTE_ISS, 0);

	s.win = 29200;
	seg_opt_linux_syn(&s, 1460, PEER_TS, 0, 7);
	return s;
}

/* ---- Expectations. ---- */

static const struct conn_event *find_ev(const struct conn_out *o,
                                        enum conn_event_kind kind)
{
	unsigned i;

	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == kind)
			return &o->ev[i];
	return NULL;
}

static void expect_state_change(const struct conn_out *o, enum tcp_state from,
                                enum tcp_state to)
{
	unsigned i;

	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == CONN_EV_STATE && o->ev[i].from == from &&
		    o->ev[i].to == to)
			return;
	ck_abort_msg("no state change %s -> %s", tcp_state_name(from),
	             tcp_state_name(to));
}

static void expect_no_state_change(const struct conn_out *o)
{
	ck_assert_msg(find_ev(o, CONN_EV_STATE) == NULL,
	              "unexpected state change");
}

/* An event of this kind whose reason contains `what`. */
static void expect_ev(const struct conn_out *o, enum conn_event_kind kind,
                      const char *what)
{
	unsigned i;

	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == kind && o->ev[i].reason != NULL &&
		    strstr(o->ev[i].reason, what) != NULL)
			return;
	ck_abort_msg("no event %d with reason \"%s\"", (int)kind, what);
}

/* Segment i of out has these flags, seq and (when ACK is set) ack. */
static const struct seg *expect_seg(const struct conn_out *o, unsigned i,
                                    uint16_t flags, uint32_t seq, uint32_t ack)
{
	const struct seg *s;

	ck_assert_msg(o->nseg > i, "expected segment %u, have %u", i, o->nseg);
	s = &o->seg[i];
	ck_assert_uint_eq(s->flags, flags);
	ck_assert_uint_eq(s->seq, seq);
	if (flags & TH_ACK)
		ck_assert_uint_eq(s->ack, ack);
	return s;
}

/* The conn answered with exactly one segment: ACK of rcv_nxt. */
static void expect_just_ack(const struct conn_out *o, uint32_t seq,
                            uint32_t ack)
{
	ck_assert_uint_eq(o->nseg, 1);
	expect_seg(o, 0, TH_ACK, seq, ack);
	ck_assert_uint_eq(o->seg[0].payload_len, 0);
}

/* Two conns agree on everything but clocks they never compare. */
static void expect_same_conn(const struct conn *a, const struct conn *b)
{
	ck_assert_str_eq(tcp_state_name(a->state), tcp_state_name(b->state));
	ck_assert_int_eq(a->passive, b->passive);
	ck_assert(ipaddr_eq(&a->laddr, &b->laddr));
	ck_assert(ipaddr_eq(&a->raddr, &b->raddr));
	ck_assert_uint_eq(a->lport, b->lport);
	ck_assert_uint_eq(a->rport, b->rport);
	ck_assert_uint_eq(a->iss, b->iss);
	ck_assert_uint_eq(a->snd_una, b->snd_una);
	ck_assert_uint_eq(a->snd_nxt, b->snd_nxt);
	ck_assert_uint_eq(a->snd_wnd, b->snd_wnd);
	ck_assert_uint_eq(a->snd_wl1, b->snd_wl1);
	ck_assert_uint_eq(a->snd_wl2, b->snd_wl2);
	ck_assert_uint_eq(a->irs, b->irs);
	ck_assert_uint_eq(a->rcv_nxt, b->rcv_nxt);
	ck_assert_uint_eq(a->rcv_wnd, b->rcv_wnd);
	ck_assert_uint_eq(a->snd_mss, b->snd_mss);
	ck_assert_uint_eq(a->snd_wscale, b->snd_wscale);
	ck_assert_uint_eq(a->rcv_wscale, b->rcv_wscale);
	ck_assert_int_eq(a->ts_ok, b->ts_ok);
	ck_assert_int_eq(a->sack_ok, b->sack_ok);
	ck_assert_int_eq(a->wscale_ok, b->wscale_ok);
	ck_assert_uint_eq(a->ts_recent, b->ts_recent);
	ck_assert_uint_eq(a->last_ack_sent, b->last_ack_sent);
	ck_assert_uint_eq(a->ip_id, b->ip_id);
	ck_assert_uint_eq(a->snd_buf_seq, b->snd_buf_seq);
	ck_assert_uint_eq(a->snd_buf_len, b->snd_buf_len);
	ck_assert_uint_eq(a->rto_us, b->rto_us);
	ck_assert_uint_eq(a->rtx_at, b->rtx_at);
	ck_assert_uint_eq(a->retries, b->retries);
	ck_assert_int_eq(a->rtt_timing, b->rtt_timing);
	ck_assert_uint_eq(conn_next_timer(a), conn_next_timer(b));
}

/* ---- Passive fixtures. ---- */

static void conn_listen_fixture(struct conn *c)
{
	struct conn_cfg cfg;

	test_cfg(&cfg);
	ck_assert_int_eq(conn_listen(c, &cfg, LOCAL_ADDR, LOCAL_PORT), 0);
}

/* LISTEN after the peer's SYN at T0, written out by hand. */
static void conn_syn_rcvd_fixture(struct conn *c)
{
	conn_listen_fixture(c);
	c->state = TCP_SYN_RECEIVED;
	c->raddr = ipaddr_of4(REMOTE_ADDR);
	c->rport = REMOTE_PORT;
	c->irs = REMOTE_ISS;
	/* The peer's SYN takes REMOTE_ISS; its first byte will be R(1). */
	c->rcv_nxt = R(1);
	c->iss = LOCAL_ISS;
	/* Our SYN-ACK takes LOCAL_ISS; our first byte will be L(1). */
	c->snd_una = LOCAL_ISS;
	c->snd_nxt = L(1);
	c->snd_buf_seq = L(1);
	/* The SYN's window, never scaled. */
	c->snd_wnd = 29200;
	c->snd_wl1 = REMOTE_ISS;
	c->snd_wl2 = 0;
	c->ts_ok = c->sack_ok = c->wscale_ok = true;
	c->snd_wscale = 7;
	c->rcv_wscale = 7;
	/* 1460 less the 12 bytes of nop, nop, TS in every segment. */
	c->snd_mss = 1448;
	c->ts_recent = PEER_TS;
	c->last_ack_sent = R(1);
	/* The SYN-ACK is timed and will be sent again after 1 s. */
	c->rtt_timing = true;
	c->rtt_seq = L(1);
	c->rtt_start = T0;
	c->rtx_at = T0 + 1 * SEC;
}

/* The third ACK, 1 ms after the SYN-ACK: TS echoes our SYN-ACK's TS0. */
static struct seg third_ack(void)
{
	struct seg s = pseg(TH_ACK, R(1), L(1));

	seg_opt_linux_ts(&s, PEER_TS + 1, TS0);
	return s;
}

/* SYN-RECEIVED after the third ACK at T0 + 1 ms, by hand. */
static void conn_established_fixture(struct conn *c)
{
	conn_syn_rcvd_fixture(c);
	c->state = TCP_ESTABLISHED;
	/* The ACK of our SYN: snd_una moves past it. */
	c->snd_una = L(1);
	/* 229 << 7: the window after the handshake is scaled. */
	c->snd_wnd = 229u << 7;
	c->max_snd_wnd = 229u << 7;
	c->snd_wl1 = R(1);
	c->snd_wl2 = L(1);
	c->ts_recent = PEER_TS + 1;
	/* RTT 1 ms from the echoed TS: SRTT 1 ms, RTTVAR 0.5 ms, RTO =
	 * 1 + 4 * 0.5 = 3 ms, raised to Linux's 200 ms floor. */
	c->rtt_valid = true;
	c->srtt_us = 1 * MS;
	c->rttvar_us = 500;
	c->rto_us = 200 * MS;
	c->rtt_timing = false;
	c->rtx_at = 0;
}

/* ---- Active fixtures. ---- */

static void conn_syn_sent_fixture(struct conn *c, struct conn_out *o)
{
	struct conn_cfg cfg;

	test_cfg(&cfg);
	ck_assert_int_eq(conn_connect(c, &cfg, LOCAL_ADDR, LOCAL_PORT,
	                              REMOTE_ADDR, REMOTE_PORT, LOCAL_ISS, T0,
	                              o),
	                 0);
}

/* The peer's SYN-ACK, 1 ms later, echoing our SYN's TS0. */
static struct seg peer_synack(void)
{
	struct seg s = pseg(TH_SYN | TH_ACK, REMOTE_ISS, L(1));

	s.win = 28960;
	seg_opt_linux_syn(&s, 1460, PEER_TS, TS0, 7);
	return s;
}

/* SYN-SENT after the SYN-ACK at T0 + 1 ms, by hand. */
static void conn_active_established_fixture(struct conn *c)
{
	struct conn_out o;

	conn_syn_sent_fixture(c, &o);
	c->state = TCP_ESTABLISHED;
	c->irs = REMOTE_ISS;
	c->rcv_nxt = R(1);
	c->snd_una = L(1);
	/* The SYN-ACK's window is not scaled. */
	c->snd_wnd = 28960;
	c->snd_wl1 = REMOTE_ISS;
	c->snd_wl2 = L(1);
	c->ts_ok = c->sack_ok = c->wscale_ok = true;
	c->snd_wscale = c->rcv_wscale = 7;
	c->snd_mss = 1448;
	c->ts_recent = PEER_TS;
	c->last_ack_sent = R(1);
	/* The SYN took IP id 100, the ACK 101. */
	c->ip_id = IP_ID0 + 2;
	c->rtt_valid = true;
	c->srtt_us = 1 * MS;
	c->rttvar_us = 500;
	c->rto_us = 200 * MS;
	c->rtt_timing = false;
	c->rtx_at = 0;
}

/* ---- Names. ---- */

START_TEST(test_state_names)
{
	ck_assert_str_eq(tcp_state_name(TCP_CLOSED), "CLOSED");
	ck_assert_str_eq(tcp_state_name(TCP_SYN_SENT), "SYN-SENT");
	ck_assert_str_eq(tcp_state_name(TCP_SYN_RECEIVED), "SYN-RECEIVED");
	ck_assert_str_eq(tcp_state_name(TCP_FIN_WAIT_2), "FIN-WAIT-2");
	ck_assert_str_eq(tcp_state_name(TCP_TIME_WAIT), "TIME-WAIT");
	ck_assert_str_eq(tcp_state_name((enum tcp_state)99), "?");
}
END_TEST

/* ---- LISTEN. ---- */

START_TEST(test_listen_syn)
{
	struct conn c, want;
	struct conn_out o;
	struct seg syn = peer_syn();
	const struct seg *s;

	conn_listen_fixture(&c);
	ck_assert_int_eq(conn_input(&c, &syn, T0, &o), 0);
	expect_state_change(&o, TCP_LISTEN, TCP_SYN_RECEIVED);
	/* SYN-ACK: <SEQ=ISS><ACK=RCV.NXT>, where RCV.NXT = REMOTE_ISS + 1. */
	s = expect_seg(&o, 0, TH_SYN | TH_ACK, LOCAL_ISS, R(1));
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(s->ip_id, 0);
	ck_assert_uint_eq(s->win, 29200);
	ck_assert_uint_eq(s->saddr, LOCAL_ADDR);
	ck_assert_uint_eq(s->daddr, REMOTE_ADDR);
	ck_assert_uint_eq(s->sport, LOCAL_PORT);
	ck_assert_uint_eq(s->dport, REMOTE_PORT);
	/* mss 1460, sackOK, TS val 10000 ecr PEER_TS, nop, wscale 7. */
	{
		struct seg w;

		seg_init(&w);
		seg_opt_linux_syn(&w, 1460, TS0, PEER_TS, 7);
		EXPECT_BYTES(s->opt_raw, s->opt_len, w.opt_raw, w.opt_len);
	}
	conn_syn_rcvd_fixture(&want);
	expect_same_conn(&c, &want);
}
END_TEST

START_TEST(test_listen_syn_no_options)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, REMOTE_ISS, 0);

	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	/* A SYN-ACK offers only what the SYN offered: here, just the MSS. */
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(o.seg[0].opt_len, 4);
	ck_assert_uint_eq(o.seg[0].has, SEG_HAS_MSS);
	ck_assert(!c.ts_ok && !c.sack_ok && !c.wscale_ok);
	/* RFC 9293: without an MSS option the peer takes 536 bytes. */
	ck_assert_uint_eq(c.snd_mss, 536);
	ck_assert_uint_eq(c.rcv_wscale, 0);
}
END_TEST

START_TEST(test_listen_syn_without_wscale_unscaled)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, REMOTE_ISS, 0), ack;

	seg_opt_mss(&syn, 1400);
	seg_opt_sackok(&syn);
	seg_opt_ts(&syn, PEER_TS, 0);
	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	/* mss, sackOK, TS: no nop, wscale since the peer sent none. */
	ck_assert_uint_eq(o.seg[0].opt_len, 16);
	ck_assert(!(o.seg[0].has & SEG_HAS_WSCALE));
	/* min(1400, 1460) less 12 bytes of timestamps. */
	ck_assert_uint_eq(c.snd_mss, 1388);
	ack = third_ack();
	ack.win = 5000;
	conn_input(&c, &ack, T0 + MS, &o);
	/* Neither side shifts: 5000 is 5000 bytes, and our window field
	 * is our 29312 bytes as they are. */
	ck_assert_uint_eq(c.snd_wnd, 5000);
	conn_send(&c, (const uint8_t *)"x", 1, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.seg[0].win, 229u << 7);
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

START_TEST(test_listen_rst_ignored)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, REMOTE_ISS, 0);

	conn_listen_fixture(&c);
	conn_input(&c, &rst, T0, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_int_eq(c.state, TCP_LISTEN);
	expect_ev(&o, CONN_EV_DROP, "RST in LISTEN");
}
END_TEST

START_TEST(test_listen_ack_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg ack = pseg(TH_ACK, R(1), 12345);

	conn_listen_fixture(&c);
	conn_input(&c, &ack, T0, &o);
	/* <SEQ=SEG.ACK><CTL=RST>, back to where the ACK came from. */
	expect_seg(&o, 0, TH_RST, 12345, 0);
	ck_assert_uint_eq(o.seg[0].daddr, REMOTE_ADDR);
	ck_assert_uint_eq(o.seg[0].dport, REMOTE_PORT);
	ck_assert_int_eq(c.state, TCP_LISTEN);
}
END_TEST

START_TEST(test_listen_other_port_dropped)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = peer_syn();

	syn.dport = 80;
	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_int_eq(c.state, TCP_LISTEN);
	expect_ev(&o, CONN_EV_DROP, "not for this connection");
}
END_TEST

START_TEST(test_listen_close)
{
	struct conn c;
	struct conn_out o;

	conn_listen_fixture(&c);
	ck_assert_int_eq(conn_close(&c, T0, &o), 0);
	expect_state_change(&o, TCP_LISTEN, TCP_CLOSED);
	ck_assert_uint_eq(o.nseg, 0);
}
END_TEST

/* ---- SYN-RECEIVED. ---- */

START_TEST(test_syn_rcvd_ack)
{
	struct conn c, want;
	struct conn_out o;
	struct seg ack = third_ack();

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &ack, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_ESTABLISHED);
	ck_assert_uint_eq(o.nseg, 0);
	conn_established_fixture(&want);
	expect_same_conn(&c, &want);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

/* The fixtures agree with a handshake made of real segments. */
START_TEST(test_listen_to_established_by_segments)
{
	struct conn c, want;
	struct conn_out o;
	struct seg syn = peer_syn(), ack = third_ack();

	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	conn_input(&c, &ack, T0 + MS, &o);
	conn_established_fixture(&want);
	expect_same_conn(&c, &want);
}
END_TEST

START_TEST(test_syn_rcvd_ack_bad_rst)
{
	struct conn c;
	struct conn_out o;
	/* It acknowledges L(5): we never sent that far. */
	struct seg ack = pseg(TH_ACK, R(1), L(5));

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &ack, T0 + MS, &o);
	expect_seg(&o, 0, TH_RST, L(5), 0);
	ck_assert_int_eq(c.state, TCP_SYN_RECEIVED);
	expect_ev(&o, CONN_EV_DROP, "bad ACK");
}
END_TEST

START_TEST(test_syn_rcvd_dup_syn_synack_retransmitted)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = peer_syn();

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &syn, T0 + 500 * MS, &o);
	expect_seg(&o, 0, TH_SYN | TH_ACK, LOCAL_ISS, R(1));
	ck_assert_uint_eq(o.seg[0].ip_id, 0);
	expect_ev(&o, CONN_EV_RETRANSMIT, "duplicate SYN");
	ck_assert_int_eq(c.state, TCP_SYN_RECEIVED);
}
END_TEST

START_TEST(test_syn_rcvd_timeout_synack_retransmitted)
{
	struct conn c;
	struct conn_out o;

	conn_syn_rcvd_fixture(&c);
	/* The third ACK was lost: after 1 s, the SYN-ACK again. */
	ck_assert_uint_eq(conn_next_timer(&c), T0 + SEC);
	conn_timer(&c, T0 + SEC - 1, &o);
	ck_assert_uint_eq(o.nseg, 0);
	conn_timer(&c, T0 + SEC, &o);
	expect_seg(&o, 0, TH_SYN | TH_ACK, LOCAL_ISS, R(1));
	ck_assert_uint_eq(o.seg[0].ip_id, 0);
	expect_ev(&o, CONN_EV_RETRANSMIT, "SYN-ACK");
	/* RFC 6298 5.5: the RTO doubles, to 2 s. */
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 3 * SEC);
}
END_TEST

START_TEST(test_syn_rcvd_timeout_gives_up_listen)
{
	struct conn c;
	struct conn_out o;
	uint64_t t = T0;
	unsigned i;

	conn_syn_rcvd_fixture(&c);
	/* Linux's 5 SYN-ACK retries: at 1, 3, 7, 15, 31 s; give up at 63. */
	for (i = 0; i < 5; i++) {
		t = conn_next_timer(&c);
		conn_timer(&c, t, &o);
		ck_assert_uint_eq(o.nseg, 1);
	}
	ck_assert_uint_eq(t, T0 + 31 * SEC);
	t = conn_next_timer(&c);
	ck_assert_uint_eq(t, T0 + 63 * SEC);
	conn_timer(&c, t, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_TIMEOUT, "SYN-ACK retries");
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_LISTEN);
}
END_TEST

START_TEST(test_syn_rcvd_rst_back_to_listen)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(1), 0);

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &rst, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_LISTEN);
	expect_ev(&o, CONN_EV_RESET, "back to LISTEN");
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
	/* A new SYN is welcome again. */
	rst = peer_syn();
	conn_input(&c, &rst, T0 + 2 * MS, &o);
	ck_assert_int_eq(c.state, TCP_SYN_RECEIVED);
}
END_TEST

START_TEST(test_syn_rcvd_syn_new_back_to_listen)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(5), 0);

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &syn, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_LISTEN);
	ck_assert_uint_eq(o.nseg, 0);
}
END_TEST

/* The third ACK was lost but the request carries the same ACK. */
START_TEST(test_syn_rcvd_ack_with_data)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1), request, REQ_LEN);

	conn_syn_rcvd_fixture(&c);
	conn_input(&c, &d, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_ESTABLISHED);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	/* 18 bytes from R(1) = 0xfffffff1: the next is R(19) = 3. */
	ck_assert_uint_eq(c.rcv_nxt, 3);
	expect_just_ack(&o, L(1), R(19));
}
END_TEST

START_TEST(test_syn_rcvd_close_fin_after_established)
{
	struct conn c;
	struct conn_out o;
	struct seg ack = third_ack();

	conn_syn_rcvd_fixture(&c);
	ck_assert_int_eq(conn_close(&c, T0, &o), 0);
	ck_assert_uint_eq(o.nseg, 0);
	conn_input(&c, &ack, T0 + MS, &o);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_FIN_WAIT_1);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(1));
}
END_TEST

START_TEST(test_syn_rcvd_abort_rst)
{
	struct conn c;
	struct conn_out o;

	conn_syn_rcvd_fixture(&c);
	conn_abort(&c, T0, &o);
	expect_seg(&o, 0, TH_RST | TH_ACK, L(1), R(1));
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_CLOSED);
}
END_TEST

/* ---- ESTABLISHED (passive): receiving. ---- */

START_TEST(test_established_data)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	ck_assert_mem_eq(o.data, request, REQ_LEN);
	ck_assert_uint_eq(find_ev(&o, CONN_EV_DATA)->n, REQ_LEN);
	/* The request occupies R(1)..R(18) across the wrap; ACK R(19). */
	expect_just_ack(&o, L(1), R(19));
	ck_assert_uint_eq(o.seg[0].ip_id, IP_ID0);
	/* nop, nop, TS val 10002 ecr PEER_TS + 1, window 229 (<< 7). */
	ck_assert_uint_eq(o.seg[0].opt_len, 12);
	ck_assert_uint_eq(o.seg[0].ts_val, TS0 + 2);
	ck_assert_uint_eq(o.seg[0].ts_ecr, PEER_TS + 1);
	ck_assert_uint_eq(o.seg[0].win, 229);
}
END_TEST

/* With a data ACK delay, the ACK of a request rides on the response. */
START_TEST(test_established_data_delayed_ack_rides_on_response)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	c.cfg.data_ack_delay_us = 40 * MS;
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 42 * MS);
	conn_send(&c, (const uint8_t *)"ok", 2, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_seg(&o, 0, TH_ACK | TH_PSH, L(1), R(19));
	/* The pure ACK never took an IP id. */
	ck_assert_uint_eq(o.seg[0].ip_id, IP_ID0);
	/* The delayed ACK is no longer due; the data's retransmission is. */
	ck_assert_uint_gt(conn_next_timer(&c), T0 + 42 * MS);
	conn_release(&c);
}
END_TEST

/* Without an answer in time, conn_timer() sends the ACK alone; a second
 * segment while one ACK is owed is acknowledged at once. */
START_TEST(test_established_data_delayed_ack_timer_and_second_segment)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1), request, REQ_LEN);
	struct seg d2 =
	        pseg_data(TH_ACK | TH_PSH, R(19), L(1), request, REQ_LEN);
	struct seg d3 =
	        pseg_data(TH_ACK | TH_PSH, R(37), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	c.cfg.data_ack_delay_us = 40 * MS;
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	conn_timer(&c, T0 + 42 * MS, &o);
	expect_just_ack(&o, L(1), R(19));
	conn_input(&c, &d, T0 + 50 * MS, &o); /* a retransmission: re-ACKed */
	expect_just_ack(&o, L(1), R(19));
	conn_input(&c, &d2, T0 + 60 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 100 * MS);
	conn_input(&c, &d3, T0 + 61 * MS, &o);
	expect_just_ack(&o, L(1), R(55));
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

/* A request that never left (q in step mode): the abort's RST carries
 * the request's sequence number, not the one after it. */
START_TEST(test_established_unsent_then_abort)
{
	struct conn c;
	struct conn_out o;
	struct seg req;

	conn_established_fixture(&c);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	req = o.seg[0];
	ck_assert_uint_eq(c.snd_nxt, L(1 + REQ_LEN));
	conn_unsent(&c, &req);
	ck_assert_uint_eq(c.snd_nxt, L(1));
	conn_abort(&c, T0 + 3 * MS, &o);
	expect_seg(&o, 0, TH_RST | TH_ACK, L(1), R(1));
	conn_release(&c);
}
END_TEST

START_TEST(test_established_data_retransmitted_reack)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	/* Our ACK was lost; the peer sends the request again. */
	conn_input(&c, &d, T0 + 300 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(19));
	expect_ev(&o, CONN_EV_DROP, "retransmission");
}
END_TEST

START_TEST(test_established_data_partly_old)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg_data(TH_ACK, R(1), L(1), request, 10);
	struct seg b = pseg_data(TH_ACK, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &a, T0 + 2 * MS, &o);
	/* The second copy starts 10 bytes below RCV.NXT: those are
	 * skipped, the other 8 delivered. */
	conn_input(&c, &b, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN - 10);
	ck_assert_mem_eq(o.data, request + 10, REQ_LEN - 10);
	expect_just_ack(&o, L(1), R(19));
}
END_TEST

/* The SACK option of segment i: n blocks, left and right edges. */
static void expect_sack(const struct conn_out *o, unsigned i, unsigned n,
                        const uint32_t *edges)
{
	unsigned k;

	ck_assert_msg(o->nseg > i, "expected segment %u", i);
	ck_assert_uint_eq(o->seg[i].sack_count, n);
	ck_assert_uint_eq(!!(o->seg[i].has & SEG_HAS_SACK), n > 0);
	for (k = 0; k < n; k++) {
		ck_assert_uint_eq(o->seg[i].sack[k].left, edges[2 * k]);
		ck_assert_uint_eq(o->seg[i].sack[k].right, edges[2 * k + 1]);
	}
}

/* Out-of-order data is kept and SACKed; the segment that fills the hole
 * delivers both in one piece, and the ACK that follows has no block. */
START_TEST(test_established_data_out_of_order_queued)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK, R(11), L(1), request + 10, 8);
	struct seg first = pseg_data(TH_ACK, R(1), L(1), request, 10);
	const uint32_t blk[] = {R(11), R(19)};

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(1));
	expect_sack(&o, 0, 1, blk);
	ck_assert_ptr_nonnull(find_ev(&o, CONN_EV_QUEUED));
	ck_assert_uint_eq(find_ev(&o, CONN_EV_QUEUED)->n, 8);
	conn_input(&c, &first, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	ck_assert_mem_eq(o.data, request, REQ_LEN);
	ck_assert_uint_eq(c.rcv_nxt, R(1 + REQ_LEN));
	/* A hole filled: the ACK goes at once (RFC 5681 4.2). */
	expect_just_ack(&o, L(1), R(1 + REQ_LEN));
	expect_sack(&o, 0, 0, NULL);
	conn_release(&c);
}
END_TEST

/* RFC 2018 4: the block of the latest segment first, then the most
 * recently reported, three at most beside timestamps. */
START_TEST(test_established_sack_most_recent_first)
{
	static const char x[100] = {0};
	struct conn c;
	struct conn_out o;
	struct seg d;
	const uint32_t four[] = {R(81), R(91), R(61), R(71), R(41), R(51)};
	const uint32_t grow[] = {R(21), R(36), R(81), R(91), R(61), R(71)};
	uint32_t at[] = {21, 41, 61, 81};
	unsigned i;

	conn_established_fixture(&c);
	for (i = 0; i < 4; i++) {
		d = pseg_data(TH_ACK, R(at[i]), L(1), x, 10);
		conn_input(&c, &d, T0 + (2 + i) * MS, &o);
	}
	expect_sack(&o, 0, 3, four);
	d = pseg_data(TH_ACK, R(31), L(1), x, 5);
	conn_input(&c, &d, T0 + 10 * MS, &o);
	expect_sack(&o, 0, 3, grow);
	ck_assert_uint_eq(c.rq_n, 4);
	conn_release(&c);
}
END_TEST

/* A FIN beyond a hole counts once the hole is filled. */
START_TEST(test_established_fin_beyond_hole)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_FIN, R(11), L(1), request + 10, 8);
	struct seg first = pseg_data(TH_ACK, R(1), L(1), request, 10);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	ck_assert(find_ev(&o, CONN_EV_PEER_FIN) == NULL);
	conn_input(&c, &first, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	ck_assert_ptr_nonnull(find_ev(&o, CONN_EV_PEER_FIN));
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	ck_assert_uint_eq(c.rcv_nxt, R(2 + REQ_LEN));
	conn_release(&c);
}
END_TEST

/* The queue keeps CONN_REASS_BLOCKS blocks; a segment that would make one
 * more is dropped, and still answered with the blocks we have. */
START_TEST(test_established_reass_blocks_bounded)
{
	static const char x[4] = {0};
	struct conn c;
	struct conn_out o;
	struct seg d;
	unsigned i;

	conn_established_fixture(&c);
	for (i = 0; i <= CONN_REASS_BLOCKS; i++) {
		d = pseg_data(TH_ACK, R(11 + 10 * i), L(1), x, 4);
		conn_input(&c, &d, T0 + (2 + i) * MS, &o);
	}
	ck_assert_uint_eq(c.rq_n, CONN_REASS_BLOCKS);
	expect_ev(&o, CONN_EV_DROP, "too many holes");
	expect_just_ack(&o, L(1), R(1));
	/* Filling the first hole joins nothing else: one block less. */
	d = pseg_data(TH_ACK, R(1), L(1), request, 10);
	conn_input(&c, &d, T0 + SEC, &o);
	ck_assert_uint_eq(o.data_len, 14);
	ck_assert_uint_eq(c.rq_n, CONN_REASS_BLOCKS - 1);
	conn_release(&c);
}
END_TEST

START_TEST(test_established_out_of_window_ack)
{
	struct conn c;
	struct conn_out o;
	/* Our window is 229 << 7 = 29312 bytes from R(1). */
	struct seg d = pseg_data(TH_ACK, R(1 + 29312), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "out of window");
	/* One byte inside the window's end is acceptable (not in order):
	 * that byte is kept, the rest is beyond the window. */
	d.seq = R(29312);
	conn_input(&c, &d, T0 + 3 * MS, &o);
	ck_assert_ptr_nonnull(find_ev(&o, CONN_EV_QUEUED));
	ck_assert_uint_eq(find_ev(&o, CONN_EV_QUEUED)->n, 1);
	conn_release(&c);
}
END_TEST

/*
 * cfg.app_reads: the application takes its data itself. The window offers
 * what it leaves of its buffer (4096 here, in units of 128 by the scale),
 * closes as it stops reading, and opens again with a window update once it
 * has read min(4096 / 2, MSS 1448) or emptied the buffer, not for less
 * (RFC 9293 3.8.6.2.2).
 */
START_TEST(test_app_reads_window_closes_and_updates)
{
	static const char x[1000] = {0};
	static const uint16_t win[] = {24, 16, 8, 0};
	struct conn c;
	struct conn_out o;
	struct seg d;
	unsigned i;

	conn_established_fixture(&c);
	c.cfg.app_reads = true;
	conn_set_rcv_wnd(&c, 4096);
	for (i = 0; i < 4; i++) {
		d = pseg_data(TH_ACK, R(1 + 1000 * i), L(1), x, sizeof x);
		conn_input(&c, &d, T0 + (2 + i) * MS, &o);
		ck_assert_uint_eq(o.data_len, sizeof x);
		ck_assert_uint_eq(c.rcv_unread, 1000 * (i + 1));
		expect_just_ack(&o, L(1), R(1001 + 1000 * i));
		ck_assert_uint_eq(o.seg[0].win, win[i]);
	}
	/* Window 0: a probe of one byte is not taken, and gets an ACK that
	 * says 0 again. */
	d = pseg_data(TH_ACK, R(4001), L(1), x, 1);
	conn_input(&c, &d, T0 + 10 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(4001));
	ck_assert_uint_eq(o.seg[0].win, 0);
	/* 500 read: less than the step, no update. */
	ck_assert_int_eq(conn_consume(&c, 500, T0 + 20 * MS, &o), 0);
	ck_assert_uint_eq(o.nseg, 0);
	/* 1500 read: 1596 free, the update offers 1536. */
	conn_consume(&c, 1000, T0 + 30 * MS, &o);
	expect_just_ack(&o, L(1), R(4001));
	ck_assert_uint_eq(o.seg[0].win, 12);
	/* All read: the whole buffer. */
	conn_consume(&c, 5000, T0 + 40 * MS, &o);
	ck_assert_uint_eq(c.rcv_unread, 0);
	expect_just_ack(&o, L(1), R(4001));
	ck_assert_uint_eq(o.seg[0].win, 32);
	/* Without app_reads there is nothing to consume. */
	c.cfg.app_reads = false;
	ck_assert_int_eq(conn_consume(&c, 1, T0 + 50 * MS, &o), TCPLAB_EINVAL);
}
END_TEST

START_TEST(test_established_zero_window_acceptance)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK, R(1), L(1), request, REQ_LEN);
	struct seg a = pseg(TH_ACK, R(1), L(1));

	conn_established_fixture(&c);
	conn_set_rcv_wnd(&c, 0);
	/* Window 0: data is not acceptable even at RCV.NXT... */
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(1));
	ck_assert_uint_eq(o.seg[0].win, 0);
	/* ... an empty segment is, exactly at RCV.NXT, and not one after. */
	conn_input(&c, &a, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	a.seq = R(2);
	conn_input(&c, &a, T0 + 4 * MS, &o);
	expect_ev(&o, CONN_EV_DROP, "out of window");
}
END_TEST

START_TEST(test_established_rst_exact_reset)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(1), 0);

	conn_established_fixture(&c);
	conn_input(&c, &rst, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_RESET, "connection reset by peer");
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSED);
}
END_TEST

START_TEST(test_established_rst_in_window_challenge_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(100), 0);

	conn_established_fixture(&c);
	conn_input(&c, &rst, T0 + 2 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "challenge ACK");
	expect_no_state_change(&o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_established_rst_out_of_window_dropped)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(0), 0);

	conn_established_fixture(&c);
	conn_input(&c, &rst, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_DROP, "RST out of window");
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_established_syn_challenge_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(50), 0);

	conn_established_fixture(&c);
	conn_input(&c, &syn, T0 + 2 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "challenge ACK");
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_established_old_syn_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = peer_syn();

	conn_established_fixture(&c);
	/* The peer's SYN again lies below RCV.NXT: ACK and drop. */
	conn_input(&c, &syn, T0 + 2 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_established_ack_unsent_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(10));

	conn_established_fixture(&c);
	conn_input(&c, &a, T0 + 2 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "not yet sent");
	ck_assert_uint_eq(c.snd_una, L(1));
}
END_TEST

START_TEST(test_established_no_ack_dropped)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_PSH, R(1), 0, request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(o.data_len, 0);
	expect_ev(&o, CONN_EV_DROP, "no ACK");
}
END_TEST

START_TEST(test_established_paws_dropped)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	/* TS.Recent is PEER_TS + 1: an older TS val is an old segment. */
	seg_opt_linux_ts(&d, PEER_TS, TS0);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "PAWS");
}
END_TEST

START_TEST(test_established_ts_recent_updated)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK, R(1), L(1), request, REQ_LEN);

	conn_established_fixture(&c);
	seg_opt_linux_ts(&d, PEER_TS + 7, TS0);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(c.ts_recent, PEER_TS + 7);
	ck_assert_uint_eq(o.seg[0].ts_ecr, PEER_TS + 7);
}
END_TEST

/* ---- ESTABLISHED (passive): sending. ---- */

START_TEST(test_established_send)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(1 + REQ_LEN));

	conn_established_fixture(&c);
	ck_assert_int_eq(conn_send(&c, (const uint8_t *)request, REQ_LEN,
	                           T0 + 2 * MS, &o),
	                 (int)REQ_LEN);
	expect_seg(&o, 0, TH_PSH | TH_ACK, L(1), R(1));
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_mem_eq(o.seg[0].payload, request, REQ_LEN);
	/* L(1) is 0xffffffff: the 18 bytes end at L(19) = 17. */
	ck_assert_uint_eq(c.snd_nxt, 17);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 2 * MS + 200 * MS);
	conn_input(&c, &a, T0 + 3 * MS, &o);
	ck_assert_uint_eq(find_ev(&o, CONN_EV_ACKED)->n, REQ_LEN);
	ck_assert_uint_eq(c.snd_una, L(19));
	ck_assert_uint_eq(c.snd_buf_len, 0);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
	ck_assert_uint_eq(o.nseg, 0);
}
END_TEST

START_TEST(test_established_send_segments_by_mss)
{
	struct conn c;
	struct conn_out o;
	static uint8_t big[4000];

	conn_established_fixture(&c);
	conn_send(&c, big, sizeof big, T0 + 2 * MS, &o);
	/* 1448 + 1448 + 1104; only the last one pushes. */
	ck_assert_uint_eq(o.nseg, 3);
	expect_seg(&o, 0, TH_ACK, L(1), R(1));
	expect_seg(&o, 1, TH_ACK, L(1 + 1448), R(1));
	expect_seg(&o, 2, TH_ACK | TH_PSH, L(1 + 2896), R(1));
	ck_assert_uint_eq(o.seg[2].payload_len, 4000 - 2896);
	ck_assert_uint_eq(o.seg[0].ip_id + 2, o.seg[2].ip_id);
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

/* The send buffer exists only while data waits for its ACK: none after
 * the handshake, enough for what is queued, none once all is acked. */
START_TEST(test_established_send_buffer_lazy)
{
	struct conn c;
	struct conn_out o;
	static uint8_t big[20000];
	struct seg a;
	int n;

	conn_established_fixture(&c);
	ck_assert_ptr_null(c.snd_buf);
	ck_assert_uint_eq(c.snd_buf_cap, 0);
	n = conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 2 * MS, &o);
	ck_assert_int_eq(n, REQ_LEN);
	ck_assert_ptr_nonnull(c.snd_buf);
	ck_assert_uint_ge(c.snd_buf_cap, REQ_LEN);
	ck_assert_uint_lt(c.snd_buf_cap, CONN_SNDBUF_SIZE);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_mem_eq(o.seg[0].payload, request, REQ_LEN);
	/* A partial ACK keeps it; the ACK of everything frees it. */
	a = pseg(TH_ACK, R(1), L(1 + 5));
	seg_opt_linux_ts(&a, PEER_TS + 2, TS0 + 2);
	conn_input(&c, &a, T0 + 3 * MS, &o);
	ck_assert_ptr_nonnull(c.snd_buf);
	ck_assert_uint_eq(c.snd_buf_len, REQ_LEN - 5);
	a = pseg(TH_ACK, R(1), L(1 + REQ_LEN));
	seg_opt_linux_ts(&a, PEER_TS + 3, TS0 + 2);
	conn_input(&c, &a, T0 + 4 * MS, &o);
	ck_assert_uint_eq(c.snd_buf_len, 0);
	ck_assert_ptr_null(c.snd_buf);
	/* It never grows past CONN_SNDBUF_SIZE; release frees it. */
	n = conn_send(&c, big, sizeof big, T0 + 5 * MS, &o);
	ck_assert_int_eq(n, CONN_SNDBUF_SIZE);
	ck_assert_uint_eq(c.snd_buf_cap, CONN_SNDBUF_SIZE);
	conn_release(&c);
	ck_assert_ptr_null(c.snd_buf);
	ck_assert_uint_eq(c.snd_buf_cap, 0);
}
END_TEST

START_TEST(test_established_send_respects_window)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(1));

	conn_established_fixture(&c);
	/* A peer that never offered more than 128 bytes (after a larger
	 * window, SWS avoidance would hold the 110 bytes back). */
	c.max_snd_wnd = 0;
	/* A window field of 1 is 1 << 7 = 128 bytes. */
	a.win = 1;
	conn_input(&c, &a, T0 + 2 * MS, &o);
	ck_assert_uint_eq(c.snd_wnd, 128);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.seg[0].payload_len, REQ_LEN);
	{
		static uint8_t big[300];

		conn_send(&c, big, sizeof big, T0 + 4 * MS, &o);
		/* 128 - 18 bytes are left in the window. */
		ck_assert_uint_eq(o.nseg, 1);
		ck_assert_uint_eq(o.seg[0].payload_len, 110);
	}
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

START_TEST(test_established_zero_window_probe)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(1));
	uint64_t t;

	conn_established_fixture(&c);
	a.win = 0;
	conn_input(&c, &a, T0 + 2 * MS, &o);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 3 * MS, &o);
	/* Nothing beyond a zero window. */
	ck_assert_uint_eq(o.nseg, 0);
	t = conn_next_timer(&c);
	ck_assert_uint_eq(t, T0 + 3 * MS + 200 * MS);
	conn_timer(&c, t, &o);
	/* The probe: an ACK one below SND.UNA, no data. */
	expect_just_ack(&o, L(0), R(1));
	ck_assert(find_ev(&o, CONN_EV_PROBE) != NULL);
	/* The probe interval doubles. */
	ck_assert_uint_eq(conn_next_timer(&c), t + 400 * MS);
	/* The window opens: the data goes, the probes stop. */
	a.win = 229;
	conn_input(&c, &a, t + 10 * MS, &o);
	expect_seg(&o, 0, TH_PSH | TH_ACK, L(1), R(1));
	ck_assert_uint_eq(c.persist_at, 0);
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

/* A student quits at a zero-window probe: it took no sequence space, so
 * the RST that follows still carries SND.NXT = SND.UNA (found by
 * fuzz_conn). */
START_TEST(test_established_probe_unsent_then_abort)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(1)), probe;

	conn_established_fixture(&c);
	a.win = 0;
	conn_input(&c, &a, T0 + 2 * MS, &o);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 3 * MS, &o);
	conn_timer(&c, conn_next_timer(&c), &o);
	expect_just_ack(&o, L(0), R(1));
	probe = o.seg[0];
	conn_unsent(&c, &probe);
	ck_assert_uint_eq(c.snd_nxt, L(1));
	conn_abort(&c, T0 + SEC, &o);
	expect_seg(&o, 0, TH_RST | TH_ACK, L(1), R(1));
	conn_release(&c);
}
END_TEST

START_TEST(test_established_send_timeout_retransmitted)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(19));

	conn_established_fixture(&c);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 2 * MS, &o);
	/* RTO is 200 ms (measured 1 ms, Linux's floor). */
	conn_timer(&c, T0 + 202 * MS, &o);
	expect_seg(&o, 0, TH_PSH | TH_ACK, L(1), R(1));
	ck_assert_mem_eq(o.seg[0].payload, request, REQ_LEN);
	expect_ev(&o, CONN_EV_RETRANSMIT, "data");
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 602 * MS);
	conn_timer(&c, T0 + 602 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 1402 * MS);
	/* The ACK finally comes: timer off, retries forgotten. */
	conn_input(&c, &a, T0 + 700 * MS, &o);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
	ck_assert_uint_eq(c.retries, 0);
}
END_TEST

START_TEST(test_established_send_retries_exhausted)
{
	struct conn c;
	struct conn_out o;
	unsigned i;

	conn_established_fixture(&c);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 2 * MS, &o);
	for (i = 0; i < 15; i++) {
		conn_timer(&c, conn_next_timer(&c), &o);
		expect_ev(&o, CONN_EV_RETRANSMIT, "data");
	}
	conn_timer(&c, conn_next_timer(&c), &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_TIMEOUT, "retries exhausted");
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSED);
	/* RTO doubles from 200 ms and stops at 120 s. */
	ck_assert_uint_eq(c.rto_us, 120 * SEC);
}
END_TEST

START_TEST(test_established_send_more_than_out_holds)
{
	struct conn c;
	struct conn_out o;
	static uint8_t big[2000];

	conn_established_fixture(&c);
	c.snd_mss = 100;
	/* A congestion window grown past IW's ten segments (check_cc.c). */
	c.cwnd = 20 * 100;
	conn_send(&c, big, sizeof big, T0 + 2 * MS, &o);
	/* 20 segments of 100 bytes; out holds 16. The rest is due now. */
	ck_assert_uint_eq(o.nseg, CONN_OUT_SEGS);
	ck_assert_uint_eq(o.seg_lost, 0);
	ck_assert_uint_eq(conn_next_timer(&c), 0);
	conn_timer(&c, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.nseg, 20 - CONN_OUT_SEGS);
	expect_seg(&o, 3, TH_PSH | TH_ACK, L(1 + 1900), R(1));
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 202 * MS);
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

START_TEST(test_established_send_buffer_bounded)
{
	struct conn c;
	struct conn_out o;
	static uint8_t big[CONN_SNDBUF_SIZE + 100];

	conn_established_fixture(&c);
	ck_assert_int_eq(conn_send(&c, big, sizeof big, T0, &o),
	                 CONN_SNDBUF_SIZE);
	ck_assert_int_eq(conn_send(&c, big, 1, T0, &o), 0);
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

/* ---- Passive close. ---- */

START_TEST(test_established_fin_close_wait)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	ck_assert(find_ev(&o, CONN_EV_PEER_FIN) != NULL);
	/* FIN occupies one sequence number: ACK R(2). */
	expect_just_ack(&o, L(1), R(2));
}
END_TEST

START_TEST(test_established_fin_with_data)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg_data(TH_FIN | TH_PSH | TH_ACK, R(1), L(1),
	                           request, REQ_LEN);

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	/* 18 bytes and the FIN: one ACK of R(1 + 18 + 1). */
	expect_just_ack(&o, L(1), R(20));
}
END_TEST

START_TEST(test_established_fin_out_of_order_not_taken)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(5), L(1));

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	ck_assert(find_ev(&o, CONN_EV_PEER_FIN) == NULL);
	ck_assert_uint_eq(c.rcv_nxt, R(1));
}
END_TEST

/* The reference exchange's close: the peer's FIN, then the application
 * closes while the ACK waits; one F. carries both. */
START_TEST(test_established_fin_merged_close)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg last = pseg(TH_ACK, R(2), L(2));

	conn_established_fixture(&c);
	c.cfg.fin_ack_delay_us = 40 * MS;
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 42 * MS);
	ck_assert_int_eq(conn_close(&c, T0 + 3 * MS, &o), 0);
	expect_state_change(&o, TCP_CLOSE_WAIT, TCP_LAST_ACK);
	ck_assert_uint_eq(o.nseg, 1);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(2));
	/* The delayed ACK is no longer due; the FIN's retransmission is. */
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 203 * MS);
	conn_input(&c, &last, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_LAST_ACK, TCP_CLOSED);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

START_TEST(test_close_wait_delayed_ack_timer)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));

	conn_established_fixture(&c);
	c.cfg.fin_ack_delay_us = 40 * MS;
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	/* The application does not close: the ACK goes alone at 40 ms. */
	conn_timer(&c, T0 + 42 * MS, &o);
	expect_just_ack(&o, L(1), R(2));
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

START_TEST(test_close_wait_send_then_close)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg ack = pseg(TH_ACK, R(2), L(1 + REQ_LEN));

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 3 * MS, &o);
	expect_seg(&o, 0, TH_PSH | TH_ACK, L(1), R(2));
	conn_close(&c, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_CLOSE_WAIT, TCP_LAST_ACK);
	/* The FIN follows the 18 bytes: L(19). */
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(19), R(2));
	/* An ACK of the data only: still LAST-ACK. */
	conn_input(&c, &ack, T0 + 5 * MS, &o);
	ck_assert_int_eq(c.state, TCP_LAST_ACK);
	ack.ack = L(20);
	conn_input(&c, &ack, T0 + 6 * MS, &o);
	expect_state_change(&o, TCP_LAST_ACK, TCP_CLOSED);
}
END_TEST

START_TEST(test_last_ack_timeout_fin_retransmitted)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	conn_close(&c, T0 + 3 * MS, &o);
	conn_timer(&c, T0 + 203 * MS, &o);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(2));
	expect_ev(&o, CONN_EV_RETRANSMIT, "FIN");
}
END_TEST

START_TEST(test_last_ack_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg rst = pseg(TH_RST, R(2), 0);

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	conn_close(&c, T0 + 3 * MS, &o);
	conn_input(&c, &rst, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_LAST_ACK, TCP_CLOSED);
	expect_ev(&o, CONN_EV_RESET, "closing");
}
END_TEST

START_TEST(test_established_abort_rst)
{
	struct conn c;
	struct conn_out o;

	conn_established_fixture(&c);
	conn_abort(&c, T0 + 2 * MS, &o);
	expect_seg(&o, 0, TH_RST | TH_ACK, L(1), R(1));
	ck_assert_uint_eq(o.seg[0].opt_len, 0);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSED);
	ck_assert_int_eq(conn_send(&c, (const uint8_t *)"x", 1, T0, &o),
	                 TCPLAB_EINVAL);
}
END_TEST

START_TEST(test_closed_segment_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_PSH, R(1), 0, request, REQ_LEN);
	struct seg a = pseg(TH_ACK, R(1), 4242);

	conn_established_fixture(&c);
	conn_abort(&c, T0, &o);
	/* No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	conn_input(&c, &d, T0 + MS, &o);
	expect_seg(&o, 0, TH_RST | TH_ACK, 0, R(19));
	/* ACK: <SEQ=SEG.ACK><CTL=RST>. */
	conn_input(&c, &a, T0 + MS, &o);
	expect_seg(&o, 0, TH_RST, 4242, 0);
	/* A RST draws nothing. */
	a.flags = TH_RST;
	conn_input(&c, &a, T0 + MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
}
END_TEST

/* ---- SYN-SENT. ---- */

START_TEST(test_connect_syn)
{
	struct conn c;
	struct conn_out o;
	struct seg w;

	conn_syn_sent_fixture(&c, &o);
	expect_state_change(&o, TCP_CLOSED, TCP_SYN_SENT);
	ck_assert_uint_eq(o.nseg, 1);
	expect_seg(&o, 0, TH_SYN, LOCAL_ISS, 0);
	ck_assert_uint_eq(o.seg[0].ack, 0);
	ck_assert_uint_eq(o.seg[0].ip_id, IP_ID0);
	ck_assert_uint_eq(o.seg[0].win, 29200);
	ck_assert_uint_eq(o.seg[0].ip_ttl, 64);
	ck_assert_uint_eq(o.seg[0].ip_off, IP_DF);
	seg_init(&w);
	seg_opt_linux_syn(&w, 1460, TS0, 0, 7);
	EXPECT_BYTES(o.seg[0].opt_raw, o.seg[0].opt_len, w.opt_raw, w.opt_len);
	/* SYN occupies one sequence number. */
	ck_assert_uint_eq(c.snd_nxt, L(1));
	ck_assert_uint_eq(conn_next_timer(&c), T0 + SEC);
}
END_TEST

START_TEST(test_syn_sent_synack)
{
	struct conn c, want;
	struct conn_out o;
	struct seg sa = peer_synack();

	conn_syn_sent_fixture(&c, &o);
	conn_input(&c, &sa, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_SENT, TCP_ESTABLISHED);
	expect_just_ack(&o, L(1), R(1));
	ck_assert_uint_eq(o.seg[0].ip_id, IP_ID0 + 1);
	ck_assert_uint_eq(o.seg[0].ts_ecr, PEER_TS);
	conn_active_established_fixture(&want);
	expect_same_conn(&c, &want);
}
END_TEST

START_TEST(test_syn_sent_synack_data_queued)
{
	struct conn c;
	struct conn_out o;
	struct seg sa = peer_synack();

	conn_syn_sent_fixture(&c, &o);
	ck_assert_int_eq(
	        conn_send(&c, (const uint8_t *)request, REQ_LEN, T0, &o),
	        (int)REQ_LEN);
	ck_assert_uint_eq(o.nseg, 0);
	conn_input(&c, &sa, T0 + MS, &o);
	/* The ACK, then the data queued during the handshake. */
	ck_assert_uint_eq(o.nseg, 2);
	expect_seg(&o, 0, TH_ACK, L(1), R(1));
	expect_seg(&o, 1, TH_PSH | TH_ACK, L(1), R(1));
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

START_TEST(test_syn_sent_rst_acceptable_refused)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST | TH_ACK, 0, L(1));

	conn_syn_sent_fixture(&c, &o);
	conn_input(&c, &rst, T0 + MS, &o);
	expect_ev(&o, CONN_EV_RESET, "connection refused");
	expect_state_change(&o, TCP_SYN_SENT, TCP_CLOSED);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

START_TEST(test_syn_sent_rst_unacceptable)
{
	struct conn c;
	struct conn_out o;
	/* RFC 9293 3.10.7.3: a RST counts only if it ACKs our SYN. */
	struct seg rst = pseg(TH_RST | TH_ACK, 0, L(7));

	conn_syn_sent_fixture(&c, &o);
	conn_input(&c, &rst, T0 + MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_int_eq(c.state, TCP_SYN_SENT);
	/* ACK = ISS does not acknowledge the SYN either. */
	rst.ack = LOCAL_ISS;
	conn_input(&c, &rst, T0 + MS, &o);
	ck_assert_int_eq(c.state, TCP_SYN_SENT);
	/* Without an ACK, a RST is dropped. */
	rst.flags = TH_RST;
	conn_input(&c, &rst, T0 + MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_DROP, "RST without ACK");
	ck_assert_int_eq(c.state, TCP_SYN_SENT);
}
END_TEST

START_TEST(test_syn_sent_synack_bad_ack_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg sa = peer_synack();

	sa.ack = L(100);
	conn_syn_sent_fixture(&c, &o);
	conn_input(&c, &sa, T0 + MS, &o);
	expect_seg(&o, 0, TH_RST, L(100), 0);
	ck_assert_int_eq(c.state, TCP_SYN_SENT);
}
END_TEST

START_TEST(test_syn_sent_timeout_syn_retransmitted)
{
	struct conn c;
	struct conn_out o;
	uint64_t t, want = T0;
	unsigned i;

	conn_syn_sent_fixture(&c, &o);
	/* Linux: 6 retries at 1, 3, 7, 15, 31, 63 s; give up at 127 s. */
	for (i = 0; i < 6; i++) {
		want += (1ull << i) * SEC;
		t = conn_next_timer(&c);
		ck_assert_uint_eq(t, want);
		conn_timer(&c, t, &o);
		expect_seg(&o, 0, TH_SYN, LOCAL_ISS, 0);
		expect_ev(&o, CONN_EV_RETRANSMIT, "SYN");
		ck_assert_uint_eq(o.seg[0].ip_id, IP_ID0 + 1 + i);
	}
	t = conn_next_timer(&c);
	ck_assert_uint_eq(t, T0 + 127 * SEC);
	conn_timer(&c, t, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_TIMEOUT, "SYN retries");
	expect_state_change(&o, TCP_SYN_SENT, TCP_CLOSED);
}
END_TEST

START_TEST(test_syn_sent_syn_simultaneous_open)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = peer_syn(), sa;

	conn_syn_sent_fixture(&c, &o);
	conn_input(&c, &syn, T0 + MS, &o);
	expect_state_change(&o, TCP_SYN_SENT, TCP_SYN_RECEIVED);
	expect_seg(&o, 0, TH_SYN | TH_ACK, LOCAL_ISS, R(1));
	/* The peer's SYN-ACK repeats its SYN and ACKs ours. */
	sa = peer_synack();
	conn_input(&c, &sa, T0 + 2 * MS, &o);
	expect_state_change(&o, TCP_SYN_RECEIVED, TCP_ESTABLISHED);
	ck_assert_uint_eq(c.snd_una, L(1));
	ck_assert_uint_eq(c.rcv_nxt, R(1));
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

START_TEST(test_syn_sent_close)
{
	struct conn c;
	struct conn_out o;

	conn_syn_sent_fixture(&c, &o);
	conn_close(&c, T0, &o);
	expect_state_change(&o, TCP_SYN_SENT, TCP_CLOSED);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

/* ---- Active close. ---- */

/* ESTABLISHED (active) after the application's close: FIN at L(1). */
static void conn_fin_wait_1_fixture(struct conn *c)
{
	struct conn_out o;

	conn_active_established_fixture(c);
	ck_assert_int_eq(conn_close(c, T0 + 2 * MS, &o), 0);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_FIN_WAIT_1);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(1));
	/* FIN occupies one sequence number. */
	ck_assert_uint_eq(c->snd_nxt, L(2));
}

START_TEST(test_established_close_fin_wait_1)
{
	struct conn c;

	conn_fin_wait_1_fixture(&c);
	ck_assert_int_eq(c.state, TCP_FIN_WAIT_1);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 202 * MS);
}
END_TEST

START_TEST(test_fin_wait_1_ack_then_fin)
{
	struct conn c;
	struct conn_out o;
	struct seg ack = pseg(TH_ACK, R(1), L(2));
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(2));

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &ack, T0 + 3 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
	conn_input(&c, &fin, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_2, TCP_TIME_WAIT);
	expect_just_ack(&o, L(2), R(2));
	/* 2MSL: 60 s. */
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 4 * MS + 60 * SEC);
	conn_timer(&c, T0 + 4 * MS + 60 * SEC, &o);
	expect_state_change(&o, TCP_TIME_WAIT, TCP_CLOSED);
}
END_TEST

START_TEST(test_fin_wait_1_fin_ack_merged)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(2));

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &fin, T0 + 3 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2);
	expect_state_change(&o, TCP_FIN_WAIT_2, TCP_TIME_WAIT);
	expect_just_ack(&o, L(2), R(2));
}
END_TEST

/* Simultaneous close: the peer's FIN crosses ours. */
START_TEST(test_fin_wait_1_fin_closing)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg ack = pseg(TH_ACK, R(2), L(2));

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &fin, T0 + 3 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_1, TCP_CLOSING);
	expect_just_ack(&o, L(2), R(2));
	conn_input(&c, &ack, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_CLOSING, TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_fin_wait_1_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(1), 0);

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &rst, T0 + 3 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_1, TCP_CLOSED);
	expect_ev(&o, CONN_EV_RESET, "reset by peer");
}
END_TEST

START_TEST(test_fin_wait_2_data_then_fin)
{
	struct conn c;
	struct conn_out o;
	struct seg ack = pseg(TH_ACK, R(1), L(2));
	struct seg d = pseg_data(TH_PSH | TH_ACK, R(1), L(2), request, REQ_LEN);
	struct seg fin = pseg(TH_FIN | TH_ACK, R(19), L(2));

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &ack, T0 + 3 * MS, &o);
	/* A half-closed peer may still send. */
	conn_input(&c, &d, T0 + 4 * MS, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
	expect_just_ack(&o, L(2), R(19));
	conn_input(&c, &fin, T0 + 5 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_2, TCP_TIME_WAIT);
	expect_just_ack(&o, L(2), R(20));
}
END_TEST

START_TEST(test_fin_wait_2_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg ack = pseg(TH_ACK, R(1), L(2));
	struct seg rst = pseg(TH_RST, R(1), 0);

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &ack, T0 + 3 * MS, &o);
	conn_input(&c, &rst, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_FIN_WAIT_2, TCP_CLOSED);
}
END_TEST

START_TEST(test_fin_wait_1_timeout_fin_retransmitted)
{
	struct conn c;
	struct conn_out o;

	conn_fin_wait_1_fixture(&c);
	conn_timer(&c, T0 + 202 * MS, &o);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(1));
	expect_ev(&o, CONN_EV_RETRANSMIT, "FIN");
}
END_TEST

START_TEST(test_fin_wait_1_send_after_close_einval)
{
	struct conn c;
	struct conn_out o;

	conn_fin_wait_1_fixture(&c);
	ck_assert_int_eq(conn_send(&c, (const uint8_t *)"x", 1, T0, &o),
	                 TCPLAB_EINVAL);
	ck_assert_int_eq(conn_close(&c, T0, &o), TCPLAB_EINVAL);
}
END_TEST

START_TEST(test_established_send_close_fin_on_data)
{
	struct conn c;
	struct conn_out o;
	struct seg a = pseg(TH_ACK, R(1), L(1));

	conn_active_established_fixture(&c);
	/* The peer's window is closed: the data waits, and the FIN after
	 * it; when the window opens, the FIN rides on the last segment. */
	a.win = 0;
	conn_input(&c, &a, T0 + 2 * MS, &o);
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + 3 * MS, &o);
	conn_close(&c, T0 + 3 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	a.win = 229;
	conn_input(&c, &a, T0 + 4 * MS, &o);
	ck_assert_uint_eq(o.nseg, 1);
	expect_seg(&o, 0, TH_FIN | TH_PSH | TH_ACK, L(1), R(1));
	/* 18 bytes and a FIN: L(20). */
	ck_assert_uint_eq(c.snd_nxt, L(20));
	/* The conn is forgotten with data still queued. */
	conn_release(&c);
}
END_TEST

/* ---- TIME-WAIT. ---- */

static void conn_time_wait_fixture(struct conn *c, uint64_t tw_time)
{
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(2));

	conn_fin_wait_1_fixture(c);
	c->cfg.time_wait_us = tw_time;
	conn_input(c, &fin, T0 + 3 * MS, &o);
	ck_assert_int_eq(c->state, TCP_TIME_WAIT);
}

START_TEST(test_time_wait_fin_again_restarts)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(2));

	conn_time_wait_fixture(&c, 60 * SEC);
	/* Our last ACK was lost: the peer's FIN again. */
	conn_input(&c, &fin, T0 + 30 * SEC, &o);
	expect_just_ack(&o, L(2), R(2));
	expect_ev(&o, CONN_EV_DROP, "TIME-WAIT");
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 90 * SEC);
}
END_TEST

START_TEST(test_time_wait_length_configurable)
{
	struct conn c;
	struct conn_out o;

	conn_time_wait_fixture(&c, 2 * SEC);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 3 * MS + 2 * SEC);
	conn_timer(&c, T0 + 3 * MS + 2 * SEC - 1, &o);
	ck_assert_int_eq(c.state, TCP_TIME_WAIT);
	conn_timer(&c, T0 + 3 * MS + 2 * SEC, &o);
	expect_state_change(&o, TCP_TIME_WAIT, TCP_CLOSED);
}
END_TEST

START_TEST(test_time_wait_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(2), 0);

	conn_time_wait_fixture(&c, 60 * SEC);
	conn_input(&c, &rst, T0 + SEC, &o);
	expect_state_change(&o, TCP_TIME_WAIT, TCP_CLOSED);
}
END_TEST

START_TEST(test_time_wait_syn_challenge_ack)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(2), 0);

	conn_time_wait_fixture(&c, 60 * SEC);
	conn_input(&c, &syn, T0 + SEC, &o);
	expect_just_ack(&o, L(2), R(2));
	expect_ev(&o, CONN_EV_DROP, "challenge ACK");
	ck_assert_int_eq(c.state, TCP_TIME_WAIT);
}
END_TEST

/* RFC 6191: a SYN whose timestamp is newer than TS.Recent ends TIME-WAIT;
 * the caller gives it to a listener. */
START_TEST(test_time_wait_syn_newer_ts_reopens)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(2) - 1000, 0);

	conn_time_wait_fixture(&c, 60 * SEC);
	seg_opt_linux_syn(&syn, 1460, c.ts_recent + 5, 0, 7);
	conn_input(&c, &syn, T0 + SEC, &o);
	ck_assert_uint_eq(o.nseg, 0);
	ck_assert_ptr_nonnull(find_ev(&o, CONN_EV_REOPEN));
	expect_state_change(&o, TCP_TIME_WAIT, TCP_CLOSED);
	ck_assert_uint_eq(conn_next_timer(&c), UINT64_MAX);
}
END_TEST

/* An older timestamp does not: the SYN gets a challenge ACK. */
START_TEST(test_time_wait_syn_older_ts_challenged)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(2) + 100000, 0);

	conn_time_wait_fixture(&c, 60 * SEC);
	seg_opt_linux_syn(&syn, 1460, c.ts_recent - 5, 0, 7);
	conn_input(&c, &syn, T0 + SEC, &o);
	ck_assert(find_ev(&o, CONN_EV_REOPEN) == NULL);
	ck_assert_int_eq(c.state, TCP_TIME_WAIT);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(o.seg[0].flags, TH_ACK);
}
END_TEST

/* Without timestamps, a sequence number above RCV.NXT reopens. */
START_TEST(test_time_wait_syn_higher_seq_reopens)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, R(2) + 64000, 0);

	conn_time_wait_fixture(&c, 60 * SEC);
	conn_input(&c, &syn, T0 + SEC, &o);
	ck_assert_ptr_nonnull(find_ev(&o, CONN_EV_REOPEN));
	ck_assert_int_eq(c.state, TCP_CLOSED);
}
END_TEST

/* ---- RFC 5961 and the peer's MSS. ---- */

/* Section 5: data and FIN with an ACK far behind SND.UNA (a blind
 * attacker's) are not taken; a challenge ACK goes out instead. */
START_TEST(test_established_old_ack_challenged)
{
	struct conn c;
	struct conn_out o;
	struct seg d = pseg_data(TH_ACK | TH_PSH, R(1), L(1) - (1u << 28),
	                         request, REQ_LEN);
	struct seg fin = pseg(TH_ACK | TH_FIN, R(1), L(1) - 0x7fffffffu);

	conn_established_fixture(&c);
	conn_input(&c, &d, T0 + 2 * MS, &o);
	ck_assert_uint_eq(o.data_len, 0);
	expect_just_ack(&o, L(1), R(1));
	expect_ev(&o, CONN_EV_DROP, "ACK too old");
	conn_input(&c, &fin, T0 + 2 * SEC, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	ck_assert_uint_eq(c.rcv_nxt, R(1));
	/* Within MAX.SND.WND behind SND.UNA the ACK is a duplicate, and
	 * the data is taken. */
	d.ack = L(1) - 1000;
	conn_input(&c, &d, T0 + 3 * SEC, &o);
	ck_assert_uint_eq(o.data_len, REQ_LEN);
}
END_TEST

/* Section 7: one challenge ACK per 500 ms, whatever the attacker sends. */
START_TEST(test_established_challenge_ack_rate_limited)
{
	struct conn c;
	struct conn_out o;
	struct seg rst = pseg(TH_RST, R(100), 0);

	conn_established_fixture(&c);
	conn_input(&c, &rst, T0 + SEC, &o);
	expect_just_ack(&o, L(1), R(1));
	conn_input(&c, &rst, T0 + SEC + 100 * MS, &o);
	ck_assert_uint_eq(o.nseg, 0);
	expect_ev(&o, CONN_EV_DROP, "rate limit");
	conn_input(&c, &rst, T0 + SEC + 500 * MS, &o);
	expect_just_ack(&o, L(1), R(1));
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

/* A SYN with this MSS gives the conn this largest segment (timestamps
 * take 12 bytes of it): below 48 counts as 48, as on Linux. */
static void check_peer_mss(int mss, uint16_t want)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, REMOTE_ISS, 0);

	syn.win = 29200;
	if (mss >= 0)
		seg_opt_linux_syn(&syn, (uint16_t)mss, PEER_TS, 0, 7);
	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	ck_assert_int_eq(c.state, TCP_SYN_RECEIVED);
	ck_assert_uint_eq(c.snd_mss, want);
}

START_TEST(test_listen_syn_mss_clamped)
{
	check_peer_mss(0, 36);
	check_peer_mss(1, 36);
	check_peer_mss(47, 36);
	check_peer_mss(48, 36);
	check_peer_mss(65535, 1448);
	/* No option: 536, and no timestamps either. */
	check_peer_mss(-1, 536);
}
END_TEST

/* A reader that keeps up gets a window that doubles once a window's
 * worth has been delivered, up to cfg.rcv_wnd_max. */
START_TEST(test_established_window_grows)
{
	static const char x[1448] = {0};
	struct conn c;
	struct conn_out o;
	struct seg d;
	uint32_t got = 0;

	conn_established_fixture(&c);
	c.cfg.rcv_wnd_max = 4 * (229u << 7);
	while (got < (229u << 7)) {
		d = pseg_data(TH_ACK, R(1 + got), L(1), x, sizeof x);
		ck_assert_uint_eq(c.rcv_wnd, 229u << 7);
		conn_input(&c, &d, T0 + 2 * MS, &o);
		got += sizeof x;
	}
	ck_assert_uint_eq(c.rcv_wnd, 2 * (229u << 7));
	ck_assert_uint_eq(o.seg[o.nseg - 1].win, 458);
	while (got < 8 * (229u << 7)) {
		d = pseg_data(TH_ACK, R(1 + got), L(1), x, sizeof x);
		conn_input(&c, &d, T0 + 3 * MS, &o);
		got += sizeof x;
	}
	ck_assert_uint_eq(c.rcv_wnd, 4 * (229u << 7));
}
END_TEST

/* Quick ACKs first, then one ACK for every second segment, or when the
 * delayed ACK's time is up. */
START_TEST(test_established_bulk_ack_every_second)
{
	static const char x[100] = {0};
	struct conn c;
	struct conn_out o;
	struct seg d;
	unsigned i, acks[5];

	conn_established_fixture(&c);
	c.cfg.bulk_ack_delay_us = 40 * MS;
	c.cfg.quickack_segs = 2;
	for (i = 0; i < 5; i++) {
		d = pseg_data(TH_ACK, R(1 + 100 * i), L(1), x, sizeof x);
		conn_input(&c, &d, T0 + (2 + i) * MS, &o);
		acks[i] = o.nseg;
	}
	ck_assert_uint_eq(acks[0], 1);
	ck_assert_uint_eq(acks[1], 1);
	ck_assert_uint_eq(acks[2], 0);
	ck_assert_uint_eq(acks[3], 1);
	ck_assert_uint_eq(acks[4], 0);
	ck_assert_uint_eq(conn_next_timer(&c), T0 + 6 * MS + 40 * MS);
	conn_timer(&c, T0 + 46 * MS, &o);
	expect_just_ack(&o, L(1), R(501));
}
END_TEST

/* ---- More ESTABLISHED cases. ---- */

START_TEST(test_established_synack_again_reack)
{
	struct conn c;
	struct conn_out o;
	struct seg sa = peer_synack();

	conn_active_established_fixture(&c);
	/* Our third ACK was lost: the peer's SYN-ACK comes again. */
	sa.ts_val = PEER_TS;
	conn_input(&c, &sa, T0 + SEC, &o);
	expect_just_ack(&o, L(1), R(1));
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_established_peer_fin_first_active)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg ack = pseg(TH_ACK, R(2), L(2));

	conn_active_established_fixture(&c);
	/* The server closes first: the client takes the passive path. */
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	expect_state_change(&o, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	conn_close(&c, T0 + 3 * MS, &o);
	expect_seg(&o, 0, TH_FIN | TH_ACK, L(1), R(2));
	conn_input(&c, &ack, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_LAST_ACK, TCP_CLOSED);
}
END_TEST

START_TEST(test_close_wait_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg rst = pseg(TH_RST, R(2), 0);

	conn_established_fixture(&c);
	conn_input(&c, &fin, T0 + 2 * MS, &o);
	conn_input(&c, &rst, T0 + 3 * MS, &o);
	expect_state_change(&o, TCP_CLOSE_WAIT, TCP_CLOSED);
	expect_ev(&o, CONN_EV_RESET, "connection reset by peer");
}
END_TEST

START_TEST(test_closing_rst)
{
	struct conn c;
	struct conn_out o;
	struct seg fin = pseg(TH_FIN | TH_ACK, R(1), L(1));
	struct seg rst = pseg(TH_RST, R(2), 0);

	conn_fin_wait_1_fixture(&c);
	conn_input(&c, &fin, T0 + 3 * MS, &o);
	conn_input(&c, &rst, T0 + 4 * MS, &o);
	expect_state_change(&o, TCP_CLOSING, TCP_CLOSED);
}
END_TEST

/* RFC 9293: a segment older than the last window update (SEG.SEQ <
 * SND.WL1) does not change SND.WND, even when it brings new bytes. */
START_TEST(test_established_window_update_old_ignored)
{
	static const char twenty[] = "0123456789abcdefghij";
	struct conn c;
	struct conn_out o;
	struct seg d1 = pseg_data(TH_ACK, R(1), L(1), twenty, 10);
	struct seg d2 = pseg_data(TH_ACK, R(11), L(1), twenty + 10, 8);
	struct seg again = pseg_data(TH_ACK, R(1), L(1), twenty, 20);

	conn_established_fixture(&c);
	d1.win = d2.win = 300;
	conn_input(&c, &d1, T0 + 2 * MS, &o);
	conn_input(&c, &d2, T0 + 3 * MS, &o);
	ck_assert_uint_eq(c.snd_wnd, 300u << 7);
	ck_assert_uint_eq(c.snd_wl1, R(11));
	/* A repacketized retransmission from R(1) with an old window: its
	 * last 2 bytes are new, its window is not. */
	again.win = 7;
	conn_input(&c, &again, T0 + 4 * MS, &o);
	ck_assert_uint_eq(o.data_len, 2);
	ck_assert_uint_eq(c.rcv_nxt, R(21));
	ck_assert_uint_eq(c.snd_wnd, 300u << 7);
}
END_TEST

START_TEST(test_established_rtt_timed_without_ts)
{
	struct conn c;
	struct conn_out o;
	struct conn_cfg cfg;
	struct seg syn = pseg(TH_SYN, REMOTE_ISS, 0);
	struct seg ack = pseg(TH_ACK, R(1), L(1));

	test_cfg(&cfg);
	cfg.use_ts = false;
	conn_listen(&c, &cfg, LOCAL_ADDR, LOCAL_PORT);
	seg_opt_mss(&syn, 1460);
	conn_input(&c, &syn, T0, &o);
	ck_assert(!c.ts_ok);
	ck_assert_uint_eq(c.snd_mss, 1460);
	/* The SYN-ACK was timed: 300 ms. RTO = 300 + 4 * 150 = 900 ms. */
	conn_input(&c, &ack, T0 + 300 * MS, &o);
	ck_assert_uint_eq(c.srtt_us, 300 * MS);
	ck_assert_uint_eq(c.rttvar_us, 150 * MS);
	ck_assert_uint_eq(c.rto_us, 900 * MS);
	/* RFC 6298 2.3 with R' = 100 ms: RTTVAR = 3/4 150 + 1/4 200 =
	 * 162.5 ms, SRTT = 7/8 300 + 1/8 100 = 275 ms. */
	conn_send(&c, (const uint8_t *)request, REQ_LEN, T0 + SEC, &o);
	ack.ack = L(19);
	conn_input(&c, &ack, T0 + SEC + 100 * MS, &o);
	ck_assert_uint_eq(c.rttvar_us, 162500);
	ck_assert_uint_eq(c.srtt_us, 275 * MS);
	ck_assert_uint_eq(c.rto_us, 275 * MS + 4 * 162500);
}
END_TEST

START_TEST(test_listen_syn_no_sackok)
{
	struct conn c;
	struct conn_out o;
	struct seg syn = pseg(TH_SYN, REMOTE_ISS, 0);
	struct seg w;

	seg_opt_mss(&syn, 1460);
	seg_opt_nop(&syn);
	seg_opt_nop(&syn);
	seg_opt_ts(&syn, PEER_TS, 0);
	seg_opt_nop(&syn);
	seg_opt_wscale(&syn, 9);
	conn_listen_fixture(&c);
	conn_input(&c, &syn, T0, &o);
	ck_assert(!c.sack_ok && c.ts_ok && c.wscale_ok);
	ck_assert_uint_eq(c.snd_wscale, 9);
	/* Linux puts two NOPs where sackOK would have gone. */
	seg_init(&w);
	seg_opt_mss(&w, 1460);
	seg_opt_nop(&w);
	seg_opt_nop(&w);
	seg_opt_ts(&w, TS0, PEER_TS);
	seg_opt_nop(&w);
	seg_opt_wscale(&w, 7);
	EXPECT_BYTES(o.seg[0].opt_raw, o.seg[0].opt_len, w.opt_raw, w.opt_len);
}
END_TEST

START_TEST(test_input_null_einval)
{
	struct conn c;
	struct conn_out o;

	conn_listen_fixture(&c);
	ck_assert_int_eq(conn_input(&c, NULL, T0, &o), TCPLAB_EINVAL);
	ck_assert_int_eq(conn_listen(NULL, NULL, 0, 0), TCPLAB_EINVAL);
}
END_TEST

/* ---- The reference exchange, both sides. ---- */

/* Segment k of o encodes to exactly the article's segment i. */
static void expect_article(const struct conn_out *o, unsigned k, unsigned i)
{
	uint8_t got[1600], want[1600];
	struct seg ref;
	int gl, wl;

	ck_assert_msg(o->nseg > k, "segment %u of the article is missing",
	              i + 1);
	article_build(i, &ref);
	gl = seg_encode(&o->seg[k], got, sizeof got);
	wl = seg_encode(&ref, want, sizeof want);
	ck_assert_int_gt(gl, 0);
	ck_assert_int_gt(wl, 0);
	EXPECT_BYTES(got, (size_t)gl, want, (size_t)wl);
	/* The TCP checksum at offset 20 + 16 is the one on the wire. */
	ck_assert_uint_eq((unsigned)(got[36] << 8 | got[37]), article_cksum(i));
}

static void article_cfgs(struct conn_cfg *cli, struct conn_cfg *srv)
{
	conn_cfg_linux(cli);
	cli->ip_id = 40563;
	cli->ts_offset = 4595424;
	cli->syn_win = 29200;
	cli->rcv_wnd = 229u << 7;
	conn_cfg_linux(srv);
	srv->iss = ARTICLE_SERVER_ISN;
	srv->ip_id = 22245;
	srv->ts_offset = 2480165653u;
	srv->syn_win = 28960;
	srv->rcv_wnd = 235u << 7;
	srv->fin_ack_delay_us = 40 * MS;
}

/* Feeds o's segment k to conn `to`, after checking it is article seg i. */
static void deliver(struct conn *to, const struct conn_out *o, unsigned k,
                    unsigned i, uint64_t now, struct conn_out *reply)
{
	expect_article(o, k, i);
	ck_assert_int_eq(conn_input(to, &o->seg[k], now, reply), 0);
}

/*
 * The client and the server are two conns wired to each other. The clock
 * is milliseconds since the SYN; each side's TS clock is its own offset
 * plus that, so the TS values come out as the article's.
 */
START_TEST(test_article_exchange_both_sides)
{
	struct conn cli, srv;
	struct conn_cfg ccfg, scfg;
	struct conn_out co, so, tmp;

	article_cfgs(&ccfg, &scfg);
	conn_listen(&srv, &scfg, ARTICLE_SERVER_ADDR, ARTICLE_SERVER_PORT);
	conn_connect(&cli, &ccfg, ARTICLE_CLIENT_ADDR, ARTICLE_CLIENT_PORT,
	             ARTICLE_SERVER_ADDR, ARTICLE_SERVER_PORT,
	             ARTICLE_CLIENT_ISN, 0, &co);
	deliver(&srv, &co, 0, 0, 0, &so); /* 1: S */
	ck_assert_int_eq(srv.state, TCP_SYN_RECEIVED);
	deliver(&cli, &so, 0, 1, 2 * MS, &co); /* 2: S. */
	ck_assert_int_eq(cli.state, TCP_ESTABLISHED);
	deliver(&srv, &co, 0, 2, 1 * MS, &so); /* 3: . */
	ck_assert_int_eq(srv.state, TCP_ESTABLISHED);
	ck_assert_uint_eq(so.nseg, 0);

	conn_send(&cli, (const uint8_t *)article_request, article_request_len,
	          2 * MS, &co);
	deliver(&srv, &co, 0, 3, 1 * MS, &so); /* 4: P. 1:143 */
	ck_assert_mem_eq(so.data, article_request, article_request_len);
	deliver(&cli, &so, 0, 4, 5 * MS, &co); /* 5: . ack 143 */
	ck_assert_uint_eq(co.nseg, 0);

	conn_send(&srv, (const uint8_t *)article_response, article_response_len,
	          4 * MS, &so);
	/* The client's window has grown to 237 << 7 by the time it ACKs. */
	conn_set_rcv_wnd(&cli, 237u << 7);
	deliver(&cli, &so, 0, 5, 5 * MS, &co); /* 6: P. 1:268 */
	ck_assert_uint_eq(co.data_len, article_response_len);
	deliver(&srv, &co, 0, 6, 5 * MS, &tmp); /* 7: . ack 268 */
	ck_assert_uint_eq(tmp.nseg, 0);

	conn_close(&cli, 5 * MS, &co);
	ck_assert_int_eq(cli.state, TCP_FIN_WAIT_1);
	deliver(&srv, &co, 0, 7, 5 * MS, &so); /* 8: F. */
	ck_assert_int_eq(srv.state, TCP_CLOSE_WAIT);
	/* The ACK of the FIN waits for the server's own FIN. */
	ck_assert_uint_eq(so.nseg, 0);
	conn_close(&srv, 5 * MS, &so);
	ck_assert_int_eq(srv.state, TCP_LAST_ACK);
	deliver(&cli, &so, 0, 8, 6 * MS, &co); /* 9: F. ack 144 */
	ck_assert_int_eq(cli.state, TCP_TIME_WAIT);
	deliver(&srv, &co, 0, 9, 6 * MS, &so); /* 10: . ack 269 */
	ck_assert_int_eq(srv.state, TCP_CLOSED);

	/* Relative to the ISNs: the client sent 142 bytes and a FIN, the
	 * server 267 bytes and a FIN; each acknowledged all of it. */
	ck_assert_uint_eq(cli.snd_una - ARTICLE_CLIENT_ISN, 144);
	ck_assert_uint_eq(cli.rcv_nxt - ARTICLE_SERVER_ISN, 269);
	ck_assert_uint_eq(srv.rcv_nxt - ARTICLE_CLIENT_ISN, 144);
	ck_assert_uint_eq(srv.snd_una - ARTICLE_SERVER_ISN, 269);
	ck_assert_uint_eq(conn_next_timer(&cli), 6 * MS + 60 * SEC);
	ck_assert_uint_eq(conn_next_timer(&srv), UINT64_MAX);
}
END_TEST

static Suite *conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *names = tcase_create("names");
	TCase *listen = tcase_create("listen");
	TCase *synrcvd = tcase_create("syn_rcvd");
	TCase *est = tcase_create("established");
	TCase *pclose = tcase_create("passive_close");
	TCase *synsent = tcase_create("syn_sent");
	TCase *aclose = tcase_create("active_close");
	TCase *article = tcase_create("article");

	TESTLIB_ADD(names, test_state_names);

	TESTLIB_ADD(listen, test_listen_syn);
	TESTLIB_ADD(listen, test_listen_syn_no_options);
	TESTLIB_ADD(listen, test_listen_syn_without_wscale_unscaled);
	TESTLIB_ADD(listen, test_listen_rst_ignored);
	TESTLIB_ADD(listen, test_listen_ack_rst);
	TESTLIB_ADD(listen, test_listen_other_port_dropped);
	TESTLIB_ADD(listen, test_listen_close);

	TESTLIB_ADD(synrcvd, test_syn_rcvd_ack);
	TESTLIB_ADD(synrcvd, test_listen_to_established_by_segments);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_ack_bad_rst);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_dup_syn_synack_retransmitted);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_timeout_synack_retransmitted);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_timeout_gives_up_listen);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_rst_back_to_listen);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_syn_new_back_to_listen);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_ack_with_data);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_close_fin_after_established);
	TESTLIB_ADD(synrcvd, test_syn_rcvd_abort_rst);

	TESTLIB_ADD(est, test_established_data);
	TESTLIB_ADD(est, test_established_data_retransmitted_reack);
	TESTLIB_ADD(est, test_established_data_partly_old);
	TESTLIB_ADD(est, test_established_data_out_of_order_queued);
	TESTLIB_ADD(est, test_established_sack_most_recent_first);
	TESTLIB_ADD(est, test_established_fin_beyond_hole);
	TESTLIB_ADD(est, test_established_reass_blocks_bounded);
	TESTLIB_ADD(est, test_established_old_ack_challenged);
	TESTLIB_ADD(est, test_established_challenge_ack_rate_limited);
	TESTLIB_ADD(est, test_listen_syn_mss_clamped);
	TESTLIB_ADD(est, test_time_wait_syn_newer_ts_reopens);
	TESTLIB_ADD(est, test_time_wait_syn_older_ts_challenged);
	TESTLIB_ADD(est, test_time_wait_syn_higher_seq_reopens);
	TESTLIB_ADD(est, test_established_window_grows);
	TESTLIB_ADD(est, test_established_bulk_ack_every_second);
	TESTLIB_ADD(est, test_established_out_of_window_ack);
	TESTLIB_ADD(est, test_established_zero_window_acceptance);
	TESTLIB_ADD(est, test_app_reads_window_closes_and_updates);
	TESTLIB_ADD(est, test_established_rst_exact_reset);
	TESTLIB_ADD(est, test_established_rst_in_window_challenge_ack);
	TESTLIB_ADD(est, test_established_rst_out_of_window_dropped);
	TESTLIB_ADD(est, test_established_syn_challenge_ack);
	TESTLIB_ADD(est, test_established_old_syn_ack);
	TESTLIB_ADD(est, test_established_ack_unsent_ack);
	TESTLIB_ADD(est, test_established_no_ack_dropped);
	TESTLIB_ADD(est, test_established_paws_dropped);
	TESTLIB_ADD(est, test_established_ts_recent_updated);
	TESTLIB_ADD(est, test_established_send);
	TESTLIB_ADD(est, test_established_send_segments_by_mss);
	TESTLIB_ADD(est, test_established_send_buffer_lazy);
	TESTLIB_ADD(est, test_established_send_respects_window);
	TESTLIB_ADD(est, test_established_zero_window_probe);
	TESTLIB_ADD(est, test_established_probe_unsent_then_abort);
	TESTLIB_ADD(est, test_established_send_timeout_retransmitted);
	TESTLIB_ADD(est, test_established_send_retries_exhausted);
	TESTLIB_ADD(est, test_established_send_buffer_bounded);
	TESTLIB_ADD(est, test_established_send_more_than_out_holds);
	TESTLIB_ADD(est, test_established_abort_rst);
	TESTLIB_ADD(est, test_closed_segment_rst);

	TESTLIB_ADD(pclose, test_established_fin_close_wait);
	TESTLIB_ADD(pclose, test_established_fin_with_data);
	TESTLIB_ADD(pclose, test_established_fin_out_of_order_not_taken);
	TESTLIB_ADD(pclose, test_established_fin_merged_close);
	TESTLIB_ADD(pclose, test_close_wait_delayed_ack_timer);
	TESTLIB_ADD(pclose, test_established_unsent_then_abort);
	TESTLIB_ADD(pclose,
	            test_established_data_delayed_ack_rides_on_response);
	TESTLIB_ADD(pclose,
	            test_established_data_delayed_ack_timer_and_second_segment);
	TESTLIB_ADD(pclose, test_close_wait_send_then_close);
	TESTLIB_ADD(pclose, test_last_ack_timeout_fin_retransmitted);
	TESTLIB_ADD(pclose, test_last_ack_rst);

	TESTLIB_ADD(synsent, test_connect_syn);
	TESTLIB_ADD(synsent, test_syn_sent_synack);
	TESTLIB_ADD(synsent, test_syn_sent_synack_data_queued);
	TESTLIB_ADD(synsent, test_syn_sent_rst_acceptable_refused);
	TESTLIB_ADD(synsent, test_syn_sent_rst_unacceptable);
	TESTLIB_ADD(synsent, test_syn_sent_synack_bad_ack_rst);
	TESTLIB_ADD(synsent, test_syn_sent_timeout_syn_retransmitted);
	TESTLIB_ADD(synsent, test_syn_sent_syn_simultaneous_open);
	TESTLIB_ADD(synsent, test_syn_sent_close);

	TESTLIB_ADD(aclose, test_established_close_fin_wait_1);
	TESTLIB_ADD(aclose, test_fin_wait_1_ack_then_fin);
	TESTLIB_ADD(aclose, test_fin_wait_1_fin_ack_merged);
	TESTLIB_ADD(aclose, test_fin_wait_1_fin_closing);
	TESTLIB_ADD(aclose, test_fin_wait_1_rst);
	TESTLIB_ADD(aclose, test_fin_wait_2_data_then_fin);
	TESTLIB_ADD(aclose, test_fin_wait_2_rst);
	TESTLIB_ADD(aclose, test_fin_wait_1_timeout_fin_retransmitted);
	TESTLIB_ADD(aclose, test_fin_wait_1_send_after_close_einval);
	TESTLIB_ADD(aclose, test_established_send_close_fin_on_data);
	TESTLIB_ADD(aclose, test_time_wait_fin_again_restarts);
	TESTLIB_ADD(aclose, test_time_wait_length_configurable);
	TESTLIB_ADD(aclose, test_time_wait_rst);
	TESTLIB_ADD(aclose, test_time_wait_syn_challenge_ack);

	TESTLIB_ADD(est, test_established_synack_again_reack);
	TESTLIB_ADD(est, test_established_window_update_old_ignored);
	TESTLIB_ADD(est, test_established_rtt_timed_without_ts);
	TESTLIB_ADD(listen, test_listen_syn_no_sackok);
	TESTLIB_ADD(listen, test_input_null_einval);
	TESTLIB_ADD(pclose, test_close_wait_rst);
	TESTLIB_ADD(aclose, test_established_peer_fin_first_active);
	TESTLIB_ADD(aclose, test_closing_rst);

	TESTLIB_ADD(article, test_article_exchange_both_sides);

	suite_add_tcase(s, names);
	suite_add_tcase(s, listen);
	suite_add_tcase(s, synrcvd);
	suite_add_tcase(s, est);
	suite_add_tcase(s, pclose);
	suite_add_tcase(s, synsent);
	suite_add_tcase(s, aclose);
	suite_add_tcase(s, article);
	return s;
}

TESTLIB_MAIN(conn_suite)
