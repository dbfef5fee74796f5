/*
 * check_annot.c: Check suite for the annotations (common/annot.c).
 *
 * The article's ten segments are fed in order and every ACK equation,
 * every state pair and the three-segment close are checked against what
 * the article explains. Hand-built exchanges with ISNs near 2^32 cover the
 * other closes (four-segment, server-first, simultaneous, reset) and the
 * events (retransmission, duplicate ACK, missing and out-of-order data,
 * zero window, window update, keep-alive, a capture that starts
 * mid-stream).
 */
#include <check.h>
#include <string.h>

#include "common/annot.h"
#include "common/err.h"
#include "tests/article.h"
#include "tests/testlib.h"

/* One result per segment, kept across a whole test. */
static struct annot_result res[16];

/* Feeds the article's segments 0..n-1 with their wire checksums. */
static void feed_article(struct annot_ctx *ctx, unsigned n)
{
	unsigned i;

	ck_assert_int_eq(annot_init(ctx), 0);
	for (i = 0; i < n; i++) {
		struct seg s;
		int64_t sec;
		uint32_t usec;

		article_build(i, &s);
		s.sum = article_cksum(i);
		article_time(i, &sec, &usec);
		ck_assert_int_eq(annot_segment(ctx, &s, sec, usec, &res[i]), 0);
	}
}

/* Whether one of r's notes contains text. */
static int has_note(const struct annot_result *r, const char *text)
{
	unsigned i;

	for (i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], text) != NULL)
			return 1;
	return 0;
}

#define EXPECT_NOTE(r, text)                                                   \
	ck_assert_msg(has_note((r), (text)), "#%u: no note with \"%s\"",       \
	              (r)->n, (text))

START_TEST(test_article_directions_and_relative)
{
	struct annot_ctx ctx;
	unsigned i;

	feed_article(&ctx, ARTICLE_NSEG);
	for (i = 0; i < ARTICLE_NSEG; i++) {
		ck_assert_uint_eq(res[i].n, i + 1);
		ck_assert_uint_eq(res[i].conn, 1);
		ck_assert_int_eq(res[i].from == ANNOT_CLIENT,
		                 article_from_client(i) != 0);
		ck_assert(!res[i].from_inferred);
		ck_assert(res[i].rel_valid);
		ck_assert_int_eq(res[i].events, 0);
		ck_assert_int_eq(res[i].cksum, ANNOT_CKSUM_OK);
	}
	/* tcpdump's relative numbers: the data is 1:143 and 1:268. */
	ck_assert_uint_eq(res[3].rel_seq, 1);
	ck_assert_uint_eq(res[3].len, 142);
	ck_assert_uint_eq(res[5].rel_seq, 1);
	ck_assert_uint_eq(res[5].len, 267);
	ck_assert_uint_eq(res[9].rel_seq, 144);
	ck_assert_uint_eq(res[9].rel_ack, 269);
	ck_assert_uint_eq(res[1].rel_ack, 1);
	annot_free(&ctx);
}
END_TEST

/* Expected ACK arithmetic: relative value = relative base + bytes + SYN +
 * FIN, and the segment acknowledged. new == 0 when the ACK does not move. */
static const struct {
	int new;
	uint32_t rel_value, rel_base, bytes;
	int syn, fin;
	unsigned acks;
} ack_want[ARTICLE_NSEG] = {
        {0, 0, 0, 0, 0, 0, 0},     {1, 1, 0, 0, 1, 0, 1},
        {1, 1, 0, 0, 1, 0, 2},     {0, 0, 0, 0, 0, 0, 0},
        {1, 143, 1, 142, 0, 0, 4}, {0, 0, 0, 0, 0, 0, 0},
        {1, 268, 1, 267, 0, 0, 6}, {0, 0, 0, 0, 0, 0, 0},
        {1, 144, 143, 0, 0, 1, 8}, {1, 269, 268, 0, 0, 1, 9},
};

START_TEST(test_article_ack_equations)
{
	struct annot_ctx ctx;
	unsigned i;

	feed_article(&ctx, ARTICLE_NSEG);
	for (i = 0; i < ARTICLE_NSEG; i++) {
		const struct annot_eq *eq = &res[i].eq_ack;

		ck_assert_msg(eq->valid == (ack_want[i].new != 0),
		              "#%u: equation valid %d", i + 1, eq->valid);
		if (!eq->valid)
			continue;
		ck_assert_uint_eq(eq->rel_value, ack_want[i].rel_value);
		ck_assert_uint_eq(eq->rel_base, ack_want[i].rel_base);
		ck_assert_uint_eq(eq->bytes, ack_want[i].bytes);
		ck_assert_int_eq(eq->syn, ack_want[i].syn);
		ck_assert_int_eq(eq->fin, ack_want[i].fin);
		ck_assert_uint_eq(eq->value - eq->base,
		                  eq->bytes + eq->syn + eq->fin);
		ck_assert_uint_eq(res[i].acks_seg, ack_want[i].acks);
	}
	ck_assert_uint_eq(res[1].eq_ack.value, ARTICLE_CLIENT_ISN + 1);
	ck_assert_uint_eq(res[1].eq_ack.base, ARTICLE_CLIENT_ISN);
	EXPECT_NOTE(&res[1], "ack 250118292 = 250118291 + 1 (their SYN takes "
	                     "one number)");
	EXPECT_NOTE(&res[2], "ack 2336326089 = 2336326088 + 1 (their SYN");
	EXPECT_NOTE(&res[4], "ack 143 = 1 + 142 bytes");
	EXPECT_NOTE(&res[4], "acknowledges #4");
	EXPECT_NOTE(&res[6], "ack 268 = 1 + 267 bytes");
	EXPECT_NOTE(&res[8], "ack 144 = 143 + 1 (their FIN)");
	EXPECT_NOTE(&res[9], "ack 269 = 268 + 1 (their FIN)");
	EXPECT_NOTE(&res[3],
	            "seq 1 = 0 + 1 (its SYN) (absolute 250118292 = ISN "
	            "250118291 + 1 (its SYN))");
	EXPECT_NOTE(&res[6], "seq 143 = 0 + 1 (its SYN) + 142 bytes");
	annot_free(&ctx);
}
END_TEST

static const enum tcp_state st_want[ARTICLE_NSEG][2] = {
        {TCP_SYN_SENT, TCP_SYN_RECEIVED},   {TCP_ESTABLISHED, TCP_SYN_RECEIVED},
        {TCP_ESTABLISHED, TCP_ESTABLISHED}, {TCP_ESTABLISHED, TCP_ESTABLISHED},
        {TCP_ESTABLISHED, TCP_ESTABLISHED}, {TCP_ESTABLISHED, TCP_ESTABLISHED},
        {TCP_ESTABLISHED, TCP_ESTABLISHED}, {TCP_FIN_WAIT_1, TCP_CLOSE_WAIT},
        {TCP_TIME_WAIT, TCP_LAST_ACK},      {TCP_TIME_WAIT, TCP_CLOSED},
};

START_TEST(test_article_states)
{
	struct annot_ctx ctx;
	unsigned i;

	feed_article(&ctx, ARTICLE_NSEG);
	ck_assert_int_eq(res[0].before[ANNOT_CLIENT], TCP_CLOSED);
	ck_assert_int_eq(res[0].before[ANNOT_SERVER], TCP_LISTEN);
	/* The server's LISTEN and SYN-RECEIVED are deduced, not seen. */
	ck_assert(res[0].inferred[ANNOT_SERVER]);
	ck_assert(!res[1].inferred[ANNOT_SERVER]);
	for (i = 0; i < ARTICLE_NSEG; i++) {
		ck_assert_msg(res[i].after[0] == st_want[i][0] &&
		                      res[i].after[1] == st_want[i][1],
		              "#%u: client %s server %s", i + 1,
		              tcp_state_name(res[i].after[0]),
		              tcp_state_name(res[i].after[1]));
		if (i > 0) {
			ck_assert_int_eq(res[i].before[0], st_want[i - 1][0]);
			ck_assert_int_eq(res[i].before[1], st_want[i - 1][1]);
		}
	}
	EXPECT_NOTE(&res[2], "three-way handshake complete");
	EXPECT_NOTE(&res[8], "server: CLOSE-WAIT -> LAST-ACK");
	annot_free(&ctx);
}
END_TEST

START_TEST(test_article_three_segment_close)
{
	struct annot_ctx ctx;
	struct annot_summary sm;

	feed_article(&ctx, ARTICLE_NSEG);
	ck_assert_uint_eq(annot_conn_count(&ctx), 1);
	ck_assert_int_eq(annot_summary(&ctx, 1, &sm), 0);
	ck_assert_int_eq(sm.close, ANNOT_CLOSE_THREE);
	ck_assert_str_eq(annot_close_name(sm.close), "three-segment");
	ck_assert(sm.handshake);
	ck_assert_uint_eq(sm.segments, 10);
	ck_assert_uint_eq(sm.retransmissions, 0);
	ck_assert_uint_eq(sm.bytes[ANNOT_CLIENT], 142);
	ck_assert_uint_eq(sm.bytes[ANNOT_SERVER], 267);
	ck_assert_uint_eq(sm.cport, ARTICLE_CLIENT_PORT);
	ck_assert_uint_eq(sm.sport, ARTICLE_SERVER_PORT);
	EXPECT_NOTE(&res[9], "closed in three segments");
	ck_assert_int_eq(annot_summary(&ctx, 2, &sm), TCPLAB_EINVAL);
	/* Before the last ACK the close is not complete. */
	annot_free(&ctx);
	feed_article(&ctx, 9);
	ck_assert_int_eq(annot_summary(&ctx, 1, &sm), 0);
	ck_assert_int_eq(sm.close, ANNOT_CLOSE_INCOMPLETE);
	annot_free(&ctx);
}
END_TEST

START_TEST(test_article_options_window_cksum)
{
	struct annot_ctx ctx;
	struct annot_in in;
	struct annot_result r;
	struct seg s;

	feed_article(&ctx, ARTICLE_NSEG);
	EXPECT_NOTE(&res[0], "MSS 1460");
	EXPECT_NOTE(&res[0], "SACK permitted");
	EXPECT_NOTE(&res[0], "window scale 7 (later windows x 128)");
	EXPECT_NOTE(&res[1], "echoing 4595424 from #1");
	ck_assert_int_eq(res[0].win_bytes, 29200);
	ck_assert_int_eq(res[2].win_bytes, 229 * 128);
	EXPECT_NOTE(&res[2], "window 229 x 128 = 29312 bytes");
	annot_free(&ctx);

	/* The SYN as the article's capture shows it: checksum offload. */
	annot_init(&ctx);
	article_build(0, &s);
	s.sum = 0x4b9e;
	ck_assert_int_eq(annot_segment(&ctx, &s, 0, 0, &r), 0);
	ck_assert_int_eq(r.cksum, ANNOT_CKSUM_BAD);
	ck_assert_uint_eq(r.cksum_good, 0xdc83);
	EXPECT_NOTE(&r, "checksum offload");
	s.ip_id++;
	ck_assert_int_eq(annot_segment(&ctx, &s, 0, 0, &r), 0);
	EXPECT_NOTE(&r, "offload again, as in #1");
	/* Text input says so itself. */
	memset(&in, 0, sizeof(in));
	article_build(1, &s);
	in.s = &s;
	in.cksum = ANNOT_CKSUM_UNKNOWN;
	ck_assert_int_eq(annot_input(&ctx, &in, &r), 0);
	ck_assert_int_eq(r.cksum, ANNOT_CKSUM_UNKNOWN);
	ck_assert(!has_note(&r, "checksum"));
	annot_free(&ctx);
}
END_TEST

START_TEST(test_article_json)
{
	struct annot_ctx ctx;
	struct annot_summary sm;
	char buf[8192];
	int n;

	feed_article(&ctx, ARTICLE_NSEG);
	n = annot_format_json(&res[8], NULL, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_eq(memchr(buf, '\n', (size_t)n), buf + n - 1);
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"segment\",\"n\":9,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"from\":\"server\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"flags\":\"F.\""));
	ck_assert_ptr_nonnull(strstr(buf,
	                             "\"seq\":2336326356,\"ack\":250118435,"
	                             "\"rel_seq\":268,\"rel_ack\":144,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"states_after\":{\"client\":\"TIME-"
	                                  "WAIT\",\"server\":\"LAST-ACK\"}"));
	ck_assert_ptr_nonnull(strstr(buf, "\"events\":[]"));
	ck_assert_int_eq(annot_format_json(&res[8], NULL, buf, 40),
	                 TCPLAB_ENOSPC);
	annot_summary(&ctx, 1, &sm);
	n = annot_format_summary_json(&sm, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(
	        strstr(buf, "\"type\":\"connection\",\"conn\":1,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"close\":\"three-segment\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"segments\":10,"
	                                  "\"retransmissions\":0"));
	n = annot_format_text(&res[0], 0, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(strncmp(buf, "  | #1 conn 1: client -> server", 31),
	                 0);
	annot_free(&ctx);
}
END_TEST

/* Hand-built exchanges: client 10.0.0.1:40000, server 10.0.0.2:80. */
#define C_ISN ISN_NEAR_WRAP
#define S_ISN ISN_NEAR_WRAP_PEER

struct feed {
	struct annot_ctx ctx;
	unsigned n;
};

static const struct annot_result *put(struct feed *f, int from_client,
                                      uint16_t flags, uint32_t seq,
                                      uint32_t ack, uint32_t len, uint16_t win)
{
	static const uint8_t zeros[2048];
	struct annot_in in;
	struct seg s;

	seg_init(&s);
	s.saddr = from_client ? 0x0a000001 : 0x0a000002;
	s.daddr = from_client ? 0x0a000002 : 0x0a000001;
	s.sport = from_client ? 40000 : 80;
	s.dport = from_client ? 80 : 40000;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = win;
	s.payload = zeros;
	s.payload_len = len;
	memset(&in, 0, sizeof(in));
	in.s = &s;
	in.cksum = ANNOT_CKSUM_UNKNOWN;
	ck_assert_uint_lt(f->n, 16);
	ck_assert_int_eq(annot_input(&f->ctx, &in, &res[f->n]), 0);
	return &res[f->n++];
}

/* SYN, SYN-ACK, ACK with the ISNs above. */
static void handshake(struct feed *f)
{
	annot_init(&f->ctx);
	f->n = 0;
	put(f, 1, TH_SYN, C_ISN, 0, 0, 64240);
	put(f, 0, TH_SYN | TH_ACK, S_ISN, C_ISN + 1, 0, 65160);
	put(f, 1, TH_ACK, C_ISN + 1, S_ISN + 1, 0, 502);
	ck_assert_int_eq(res[2].after[0], TCP_ESTABLISHED);
	ck_assert_int_eq(res[2].after[1], TCP_ESTABLISHED);
}

static enum annot_close close_of(struct feed *f)
{
	struct annot_summary sm;

	ck_assert_int_eq(annot_summary(&f->ctx, 1, &sm), 0);
	return sm.close;
}

START_TEST(test_established_fin_four_segment_close)
{
	struct feed f;
	const struct annot_result *r;

	handshake(&f);
	/* The client's data crosses the wrap: C_ISN + 1 is 0xffffffff. */
	r = put(&f, 1, TH_PSH | TH_ACK, C_ISN + 1, S_ISN + 1, 10, 502);
	ck_assert_uint_eq(r->rel_seq, 1);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 11, 0, 509);
	ck_assert_uint_eq(r->eq_ack.bytes, 10);
	ck_assert_uint_eq(r->acks_seg, 4);
	put(&f, 1, TH_FIN | TH_ACK, C_ISN + 11, S_ISN + 1, 0, 502);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 12, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_FIN_WAIT_2);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_CLOSE_WAIT);
	r = put(&f, 0, TH_FIN | TH_ACK, S_ISN + 1, C_ISN + 12, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_TIME_WAIT);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_LAST_ACK);
	r = put(&f, 1, TH_ACK, C_ISN + 12, S_ISN + 2, 0, 502);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_CLOSED);
	ck_assert_int_eq(close_of(&f), ANNOT_CLOSE_FOUR);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_established_server_fin_first)
{
	struct feed f;
	const struct annot_result *r;

	handshake(&f);
	r = put(&f, 0, TH_FIN | TH_ACK, S_ISN + 1, C_ISN + 1, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_FIN_WAIT_1);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_CLOSE_WAIT);
	put(&f, 1, TH_ACK, C_ISN + 1, S_ISN + 2, 0, 502);
	r = put(&f, 1, TH_FIN | TH_ACK, C_ISN + 1, S_ISN + 2, 0, 502);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_LAST_ACK);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_TIME_WAIT);
	ck_assert_int_eq(close_of(&f), ANNOT_CLOSE_INCOMPLETE);
	r = put(&f, 0, TH_ACK, S_ISN + 2, C_ISN + 2, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_CLOSED);
	ck_assert_int_eq(close_of(&f), ANNOT_CLOSE_SERVER_FIRST);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_established_simultaneous_close)
{
	struct feed f;
	const struct annot_result *r;

	handshake(&f);
	put(&f, 1, TH_FIN | TH_ACK, C_ISN + 1, S_ISN + 1, 0, 502);
	/* The server's FIN left before the client's arrived: its ack does
	 * not cover the client's FIN, so the server was not in CLOSE-WAIT
	 * (annot assumed it) but ESTABLISHED, and its FIN takes it to
	 * FIN-WAIT-1. */
	r = put(&f, 0, TH_FIN | TH_ACK, S_ISN + 1, C_ISN + 1, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_CLOSING);
	ck_assert(r->revised[ANNOT_SERVER]);
	ck_assert_int_eq(r->before[ANNOT_SERVER], TCP_ESTABLISHED);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_FIN_WAIT_1);
	EXPECT_NOTE(r, "revised: the server was ESTABLISHED");
	/* The client's FIN reaches it with the client's next segment:
	 * CLOSING, then the ACK of its own FIN: TIME-WAIT. */
	r = put(&f, 1, TH_ACK, C_ISN + 2, S_ISN + 2, 0, 502);
	ck_assert_uint_eq(r->path[ANNOT_SERVER].n, 3);
	ck_assert_int_eq(r->path[ANNOT_SERVER].st[1], TCP_CLOSING);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_TIME_WAIT);
	r = put(&f, 0, TH_ACK, S_ISN + 2, C_ISN + 2, 0, 509);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_TIME_WAIT);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_TIME_WAIT);
	ck_assert_int_eq(close_of(&f), ANNOT_CLOSE_SIMULTANEOUS);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_established_rst_reset)
{
	struct feed f;
	struct annot_summary sm;
	const struct annot_result *r;

	handshake(&f);
	r = put(&f, 0, TH_RST | TH_ACK, S_ISN + 1, C_ISN + 1, 0, 0);
	ck_assert(r->events & ANNOT_EV_RESET);
	ck_assert(!(r->events & ANNOT_EV_ZERO_WINDOW));
	ck_assert_int_eq(r->after[0], TCP_CLOSED);
	ck_assert_int_eq(r->after[1], TCP_CLOSED);
	annot_summary(&f.ctx, 1, &sm);
	ck_assert_int_eq(sm.close, ANNOT_CLOSE_RESET);
	ck_assert_int_eq(sm.reset_by, ANNOT_SERVER);
	/* A new SYN on the same ports is a new connection. */
	r = put(&f, 1, TH_SYN, C_ISN + 1000, 0, 0, 64240);
	ck_assert_uint_eq(r->conn, 2);
	ck_assert(r->conn_new);
	ck_assert_uint_eq(annot_conn_count(&f.ctx), 2);
	annot_free(&f.ctx);
}
END_TEST

/* A RST away from RCV.NXT and a SYN with another ISN, as a blind
 * attacker sends them: the receiver refuses both (RFC 5961), so the
 * connection, its states and its relative numbers stay as they were. */
START_TEST(test_established_forged_rst_and_syn_challenged)
{
	struct feed f;
	struct annot_summary sm;
	const struct annot_result *r;

	handshake(&f);
	put(&f, 1, TH_PSH | TH_ACK, C_ISN + 1, S_ISN + 1, 10, 502);
	put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 11, 0, 509);
	r = put(&f, 1, TH_RST, C_ISN + 500, 0, 0, 0);
	ck_assert(r->events & ANNOT_EV_CHALLENGED);
	ck_assert(!(r->events & ANNOT_EV_RESET));
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_ESTABLISHED);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_ESTABLISHED);
	EXPECT_NOTE(r, "not taken: the server expects another sequence");
	r = put(&f, 1, TH_SYN, C_ISN + 90000, 0, 0, 64240);
	ck_assert_uint_eq(r->conn, 1);
	ck_assert(r->events & ANNOT_EV_CHALLENGED);
	EXPECT_NOTE(r, "a SYN in an open connection");
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_ESTABLISHED);
	/* The real client goes on, numbered from its real ISN. */
	r = put(&f, 1, TH_PSH | TH_ACK, C_ISN + 11, S_ISN + 1, 10, 502);
	ck_assert_uint_eq(r->conn, 1);
	ck_assert_uint_eq(r->rel_seq, 11);
	ck_assert(!r->revised[ANNOT_CLIENT]);
	/* A RST at RCV.NXT is taken. */
	r = put(&f, 1, TH_RST, C_ISN + 21, 0, 0, 0);
	ck_assert(r->events & ANNOT_EV_RESET);
	ck_assert_int_eq(r->after[ANNOT_SERVER], TCP_CLOSED);
	annot_summary(&f.ctx, 1, &sm);
	ck_assert_int_eq(sm.close, ANNOT_CLOSE_RESET);
	ck_assert_uint_eq(annot_conn_count(&f.ctx), 1);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_established_retransmission_and_dup_acks)
{
	struct feed f;
	struct annot_summary sm;
	const struct annot_result *r;

	handshake(&f);
	put(&f, 1, TH_ACK, C_ISN + 1, S_ISN + 1, 100, 502);
	/* 101..200 never shows up in the capture. */
	r = put(&f, 1, TH_ACK, C_ISN + 201, S_ISN + 1, 100, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_MISSING_BEFORE);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 509);
	ck_assert_int_eq(r->events, 0);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 509);
	ck_assert_int_eq(r->events, ANNOT_EV_DUP_ACK);
	r = put(&f, 1, TH_ACK, C_ISN + 101, S_ISN + 1, 100, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_OUT_OF_ORDER);
	r = put(&f, 1, TH_ACK, C_ISN + 101, S_ISN + 1, 100, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_RETRANSMISSION);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 301, 0, 509);
	ck_assert_uint_eq(r->eq_ack.bytes, 200);
	ck_assert_uint_eq(r->acks_seg, 5);
	annot_summary(&f.ctx, 1, &sm);
	ck_assert_uint_eq(sm.retransmissions, 1);
	ck_assert_uint_eq(sm.dup_acks, 1);
	ck_assert_uint_eq(sm.out_of_order, 1);
	ck_assert_uint_eq(sm.missing, 1);
	ck_assert_uint_eq(sm.bytes[ANNOT_CLIENT], 300);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_established_windows_and_keepalive)
{
	struct feed f;
	const struct annot_result *r;

	handshake(&f);
	put(&f, 1, TH_ACK, C_ISN + 1, S_ISN + 1, 100, 502);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 0);
	ck_assert_int_eq(r->events, ANNOT_EV_ZERO_WINDOW);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 300);
	ck_assert_int_eq(r->events, ANNOT_EV_WINDOW_UPDATE);
	r = put(&f, 1, TH_ACK, C_ISN + 100, S_ISN + 1, 0, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_KEEP_ALIVE);
	r = put(&f, 1, TH_ACK, C_ISN + 100, S_ISN + 1, 1, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_KEEP_ALIVE);
	ck_assert_str_eq(annot_event_name(ANNOT_EV_KEEP_ALIVE), "keep-alive");
	ck_assert_ptr_null(annot_event_name(3));
	annot_free(&f.ctx);
}
END_TEST

/* The same segment toward a zero window is the persist timer's probe. */
START_TEST(test_established_zero_window_probe)
{
	struct annot_summary sm;
	struct feed f;
	const struct annot_result *r;

	handshake(&f);
	put(&f, 1, TH_ACK, C_ISN + 1, S_ISN + 1, 100, 502);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 0);
	ck_assert_int_eq(r->events, ANNOT_EV_ZERO_WINDOW);
	r = put(&f, 1, TH_ACK, C_ISN + 100, S_ISN + 1, 0, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_WINDOW_PROBE);
	EXPECT_NOTE(r, "window probe: the server's window is zero");
	ck_assert_str_eq(annot_event_name(ANNOT_EV_WINDOW_PROBE),
	                 "window-probe");
	/* Its answer still offers nothing; a second probe, then the window
	 * opens and the same shape is a keep-alive again. */
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 0);
	r = put(&f, 1, TH_ACK, C_ISN + 100, S_ISN + 1, 0, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_WINDOW_PROBE);
	r = put(&f, 0, TH_ACK, S_ISN + 1, C_ISN + 101, 0, 300);
	ck_assert_int_eq(r->events, ANNOT_EV_WINDOW_UPDATE);
	r = put(&f, 1, TH_ACK, C_ISN + 100, S_ISN + 1, 0, 502);
	ck_assert_int_eq(r->events, ANNOT_EV_KEEP_ALIVE);
	annot_summary(&f.ctx, 1, &sm);
	ck_assert_uint_eq(sm.window_probes, 2);
	ck_assert_uint_eq(sm.keep_alives, 1);
	annot_free(&f.ctx);
}
END_TEST

START_TEST(test_midstream_roles_from_ports)
{
	struct feed f;
	const struct annot_result *r;

	annot_init(&f.ctx);
	f.n = 0;
	/* The capture starts with the server's data on port 80. */
	r = put(&f, 0, TH_PSH | TH_ACK, 5000, 7000, 50, 509);
	ck_assert_int_eq(r->from, ANNOT_SERVER);
	ck_assert(r->from_inferred);
	ck_assert(r->inferred[0] && r->inferred[1]);
	ck_assert_int_eq(r->after[0], TCP_ESTABLISHED);
	/* tcpdump's base: the first ACK-bearing segment's seq and ack - 1. */
	ck_assert_uint_eq(r->rel_seq, 0);
	ck_assert_uint_eq(r->rel_ack, 1);
	ck_assert_int_eq(r->win_bytes, -1);
	EXPECT_NOTE(r, "guessed from the ports (port 80)");
	r = put(&f, 1, TH_ACK, 7000, 5050, 0, 502);
	ck_assert_int_eq(r->from, ANNOT_CLIENT);
	ck_assert_uint_eq(r->rel_ack, 50);
	ck_assert_uint_eq(r->acks_seg, 1);
	r = put(&f, 1, TH_FIN | TH_ACK, 7000, 5050, 0, 502);
	ck_assert_int_eq(r->after[ANNOT_CLIENT], TCP_FIN_WAIT_1);
	annot_free(&f.ctx);
}
END_TEST

static Suite *annot_suite(void)
{
	Suite *s = suite_create("annot");
	TCase *tc = tcase_create("article");
	TCase *tx = tcase_create("exchanges");

	TESTLIB_ADD(tc, test_article_directions_and_relative);
	TESTLIB_ADD(tc, test_article_ack_equations);
	TESTLIB_ADD(tc, test_article_states);
	TESTLIB_ADD(tc, test_article_three_segment_close);
	TESTLIB_ADD(tc, test_article_options_window_cksum);
	TESTLIB_ADD(tc, test_article_json);
	TESTLIB_ADD(tx, test_established_fin_four_segment_close);
	TESTLIB_ADD(tx, test_established_server_fin_first);
	TESTLIB_ADD(tx, test_established_simultaneous_close);
	TESTLIB_ADD(tx, test_established_rst_reset);
	TESTLIB_ADD(tx, test_established_forged_rst_and_syn_challenged);
	TESTLIB_ADD(tx, test_established_retransmission_and_dup_acks);
	TESTLIB_ADD(tx, test_established_windows_and_keepalive);
	TESTLIB_ADD(tx, test_established_zero_window_probe);
	TESTLIB_ADD(tx, test_midstream_roles_from_ports);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tx);
	return s;
}

TESTLIB_MAIN(annot_suite)
