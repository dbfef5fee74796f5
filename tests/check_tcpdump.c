/*
 * check_tcpdump.c: unit tests of the tcpdump printer (common/tcpdump.c).
 *
 * Every expected string below was printed by the installed tcpdump 4.99.3
 * (Debian, libpcap 1.10.3) for the same bytes: a throwaway program compiled
 * this file with TCPDUMP_TEST_HOOK defined to record each packet, wrote
 * the packets of each context to a pcap file (DLT_RAW, same timestamps and
 * captured lengths), ran `tcpdump -r FILE <the context's flags>` on it and
 * compared its output with these strings. The exceptions say so where they
 * are: the article's default-mode lines come from the article's own
 * capture (reference/seed-trace.vv.txt, names from the article's hosts),
 * with 4.99.3's " [|http]" for 4.9.2's "[!http]"; that rule, and every
 * other line, was checked against the installed tcpdump.
 *
 * The tests need neither root nor tcpdump.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"
#include "common/tcpdump.h"
#include "tests/article.h"
#include "tests/testlib.h"

#ifndef TCPDUMP_TEST_HOOK
#define TCPDUMP_TEST_HOOK(ctx, pkt, want) ((void)0)
#endif
#ifndef TCPDUMP_TEST_HOOK_INIT
#define TCPDUMP_TEST_HOOK_INIT(ctx) ((void)0)
#endif

#define CLIENT 0x0a090001u /* 10.9.0.1 */
#define SERVER 0x0a090002u /* 10.9.0.2 */
#define T0     1700000000  /* 2023-11-14 22:13:20 UTC */

static char out[1 << 16];

static void ctx_open(struct tcpdump_ctx *ctx, int n, int v, bool S, int t,
                     const struct tcpdump_resolver *res)
{
	struct tcpdump_flags f = {.v = v, .n = n, .S = S, .t = t};

	ck_assert_int_eq(tcpdump_ctx_init(ctx, &f, res), 0);
	TCPDUMP_TEST_HOOK_INIT(ctx);
}

/* A segment from 10.9.0.1:40000 to 10.9.0.2:8080 with IP id 1. */
static void mk(struct seg *s, uint16_t flags, uint32_t seq, uint32_t ack)
{
	seg_init(s);
	s->ip_id = 1;
	s->saddr = CLIENT;
	s->daddr = SERVER;
	s->sport = 40000;
	s->dport = 8080;
	s->flags = flags;
	s->seq = seq;
	s->ack = ack;
	s->win = 65535;
}

/* The same, from the server back to the client. */
static void mk_back(struct seg *s, uint16_t flags, uint32_t seq, uint32_t ack)
{
	mk(s, flags, seq, ack);
	s->saddr = SERVER;
	s->daddr = CLIENT;
	s->sport = 8080;
	s->dport = 40000;
}

static void set_opts(struct seg *s, const void *o, size_t n)
{
	memcpy(s->opt_raw, o, n);
	s->opt_len = (uint8_t)n;
}

static void set_data(struct seg *s, const char *d)
{
	s->payload = (const uint8_t *)d;
	s->payload_len = strlen(d);
}

static size_t enc(const struct seg *s, uint8_t *buf, size_t cap)
{
	int n = seg_encode(s, buf, cap);

	ck_assert_int_gt(n, 0);
	return (size_t)n;
}

/* Recomputes the TCP checksum after a test patched the header. */
static void fix_tcp_cksum(uint8_t *b, size_t len)
{
	size_t hl = (size_t)(b[0] & 15) * 4;

	b[hl + 16] = b[hl + 17] = 0;
	uint16_t c = tcp_cksum4(CLIENT, SERVER, b + hl, len - hl);
	b[hl + 16] = (uint8_t)(c >> 8);
	b[hl + 17] = (uint8_t)c;
}

/* Prints caplen bytes of a len-byte datagram and compares with want. */
static void expect_cut(struct tcpdump_ctx *ctx, const uint8_t *b, size_t len,
                       size_t caplen, int64_t sec, uint32_t usec,
                       const char *want)
{
	struct tcpdump_pkt p = {.ts_sec = sec,
	                        .ts_usec = usec,
	                        .ip = b,
	                        .caplen = caplen,
	                        .wirelen = len};
	int n;

	TCPDUMP_TEST_HOOK(ctx, &p, want);
	n = tcpdump_format(ctx, &p, out, sizeof out);
	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq((size_t)n, strlen(out));
	ck_assert_str_eq(out, want);
}

static void expect(struct tcpdump_ctx *ctx, const uint8_t *b, size_t len,
                   uint32_t usec, const char *want)
{
	expect_cut(ctx, b, len, len, T0, usec, want);
}

/* Encodes s and expects its line (at time T0 + usec). */
static void expect_seg(struct tcpdump_ctx *ctx, const struct seg *s,
                       uint32_t usec, const char *want)
{
	uint8_t b[2048];

	expect(ctx, b, enc(s, b, sizeof b), usec, want);
}

/* ------------------------------------------------------------------ */
/* The article's exchange.                                             */

static const char *const article_nn_vv[ARTICLE_NSEG] = {
        "14:49:10.094025 IP (tos 0x0, ttl 64, id 40563, offset 0, flags [DF], "
        "proto TCP (6), length 60)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [S], cksum 0xdc83 (correct), seq "
        "250118291, win 29200, options [mss 1460,sackOK,TS val 4595424 ecr "
        "0,nop,wscale 7], length 0\n",
        "14:49:10.094140 IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], "
        "proto TCP (6), length 60)\n    192.168.101.5.8080 > "
        "192.168.101.25.57290: Flags [S.], cksum 0xe96e (correct), seq "
        "2336326088, ack 250118292, win 28960, options [mss 1460,sackOK,TS val "
        "2480165653 ecr 4595424,nop,wscale 7], length 0\n",
        "14:49:10.094172 IP (tos 0x0, ttl 64, id 40564, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [.], cksum 0x8874 (correct), seq 1, ack 1, "
        "win 229, options [nop,nop,TS val 4595426 ecr 2480165653], length 0\n",
        "14:49:10.095038 IP (tos 0x0, ttl 64, id 40565, offset 0, flags [DF], "
        "proto TCP (6), length 194)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [P.], cksum 0x0f76 (correct), seq 1:143, "
        "ack 1, win 229, options [nop,nop,TS val 4595426 ecr 2480165653], "
        "length 142: HTTP, length: 142\n"
        "\tGET /truedei/test?name=zhenghui HTTP/1.1\n"
        "\tUser-Agent: Wget/1.14 (linux-gnu)\n"
        "\tAccept: */*\n"
        "\tHost: 192.168.101.5:8080\n"
        "\tConnection: Keep-Alive\n"
        "\t\n",
        "14:49:10.095134 IP (tos 0x0, ttl 64, id 22245, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.5.8080 > "
        "192.168.101.25.57290: Flags [.], cksum 0x87df (correct), seq 1, ack "
        "143, win 235, options [nop,nop,TS val 2480165654 ecr 4595426], length "
        "0\n",
        "14:49:10.097367 IP (tos 0x0, ttl 64, id 22246, offset 0, flags [DF], "
        "proto TCP (6), length 319)\n    192.168.101.5.8080 > "
        "192.168.101.25.57290: Flags [P.], cksum 0xc019 (correct), seq 1:268, "
        "ack 143, win 235, options [nop,nop,TS val 2480165657 ecr 4595426], "
        "length 267: HTTP, length: 267\n"
        "\tHTTP/1.1 200 \n"
        "\tVary: Origin\n"
        "\tVary: Access-Control-Request-Method\n"
        "\tVary: Access-Control-Request-Headers\n"
        "\tContent-Type: text/plain;charset=UTF-8\n"
        "\tContent-Length: 16\n"
        "\tDate: Mon, 15 Jun 2020 14:49:10 GMT\n"
        "\tKeep-Alive: timeout=60\n"
        "\tConnection: keep-alive\n"
        "\t\n"
        "\tThis is zhenghui [|http]\n",
        "14:49:10.097381 IP (tos 0x0, ttl 64, id 40566, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [.], cksum 0x86cc (correct), seq 143, ack "
        "268, win 237, options [nop,nop,TS val 4595429 ecr 2480165657], length "
        "0\n",
        "14:49:10.097971 IP (tos 0x0, ttl 64, id 40567, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [F.], cksum 0x86cb (correct), seq 143, ack "
        "268, win 237, options [nop,nop,TS val 4595429 ecr 2480165657], length "
        "0\n",
        "14:49:10.098475 IP (tos 0x0, ttl 64, id 22247, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.5.8080 > "
        "192.168.101.25.57290: Flags [F.], cksum 0x86cb (correct), seq 268, "
        "ack 144, win 235, options [nop,nop,TS val 2480165658 ecr 4595429], "
        "length 0\n",
        "14:49:10.098487 IP (tos 0x0, ttl 64, id 40568, offset 0, flags [DF], "
        "proto TCP (6), length 52)\n    192.168.101.25.57290 > "
        "192.168.101.5.8080: Flags [.], cksum 0x86c8 (correct), seq 144, ack "
        "269, win 237, options [nop,nop,TS val 4595430 ecr 2480165658], length "
        "0\n",
};

static void expect_article(struct tcpdump_ctx *ctx, unsigned i, uint16_t cksum,
                           const char *want)
{
	struct seg s;
	uint8_t b[2048];
	size_t n;
	int64_t sec;
	uint32_t usec;

	article_build(i, &s);
	n = enc(&s, b, sizeof b);
	if (cksum != 0) {
		b[36] = (uint8_t)(cksum >> 8);
		b[37] = (uint8_t)cksum;
	}
	article_time(i, &sec, &usec);
	expect_cut(ctx, b, n, n, sec, usec, want);
}

START_TEST(test_article_nn_vv)
{
	struct tcpdump_ctx ctx;
	unsigned i;

	/* No resolver: time is UTC and no names are looked up. */
	ctx_open(&ctx, 2, 2, false, 0, NULL);
	for (i = 0; i < ARTICLE_NSEG; i++)
		expect_article(&ctx, i, 0, article_nn_vv[i]);
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* The article's hosts: 192.168.101.25 is localhost.localdomain there, and
 * CentOS 7 calls port 8080 webcache. Its clock is UTC-4. */
static const char *art_host(void *arg, uint32_t a)
{
	(void)arg;
	return a == ARTICLE_CLIENT_ADDR ? "localhost.localdomain" : NULL;
}

static const char *art_port(void *arg, uint16_t port)
{
	(void)arg;
	return port == 8080 ? "webcache" : NULL;
}

static int art_local_time(void *arg, int64_t sec, struct tm *tm)
{
	time_t t = (time_t)(sec - 4 * 3600);

	(void)arg;
	return gmtime_r(&t, tm) != NULL ? 0 : -1;
}

/* The checksums in the article's capture: the client's are the partial
 * sums that checksum offload leaves (reference/SEED-EXCHANGE.md). */
static const uint16_t article_offload[ARTICLE_NSEG] = {
        0x4b9e, 0, 0x4b96, 0x4c24, 0, 0, 0x4b96, 0x4b96, 0, 0x4b96};

START_TEST(test_article_default_names_like_the_article)
{
	static const char *const want[3] = {
	        "10:49:10.094025 IP (tos 0x0, ttl 64, id 40563, offset 0, "
	        "flags [DF], proto TCP (6), length 60)\n    "
	        "localhost.localdomain.57290 > 192.168.101.5.webcache: Flags "
	        "[S], cksum 0x4b9e (incorrect -> 0xdc83), seq 250118291, win "
	        "29200, options [mss 1460,sackOK,TS val 4595424 ecr "
	        "0,nop,wscale 7], length 0\n",
	        "10:49:10.094140 IP (tos 0x0, ttl 64, id 0, offset 0, flags "
	        "[DF], proto TCP (6), length 60)\n    "
	        "192.168.101.5.webcache > localhost.localdomain.57290: Flags "
	        "[S.], cksum 0xe96e (correct), seq 2336326088, ack 250118292, "
	        "win 28960, options [mss 1460,sackOK,TS val 2480165653 ecr "
	        "4595424,nop,wscale 7], length 0\n",
	        "10:49:10.094172 IP (tos 0x0, ttl 64, id 40564, offset 0, "
	        "flags [DF], proto TCP (6), length 52)\n    "
	        "localhost.localdomain.57290 > 192.168.101.5.webcache: Flags "
	        "[.], cksum 0x4b96 (incorrect -> 0x8874), seq 1, ack 1, win "
	        "229, options [nop,nop,TS val 4595426 ecr 2480165653], length "
	        "0\n"};
	struct tcpdump_resolver res = {art_host, art_port, art_local_time, NULL,
	                               NULL};
	struct tcpdump_ctx ctx;
	unsigned i;

	ctx_open(&ctx, 0, 2, false, 0, &res);
	for (i = 0; i < 3; i++)
		expect_article(&ctx, i, article_offload[i], want[i]);
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_article_plain_and_absolute)
{
	struct tcpdump_ctx ctx;

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	expect_article(&ctx, 0, 0,
	               "IP 192.168.101.25.57290 > 192.168.101.5.8080: Flags "
	               "[S], seq 250118291, win 29200, options [mss "
	               "1460,sackOK,TS val 4595424 ecr 0,nop,wscale 7], "
	               "length 0\n");
	expect_article(&ctx, 1, 0,
	               "IP 192.168.101.5.8080 > 192.168.101.25.57290: Flags "
	               "[S.], seq 2336326088, ack 250118292, win 28960, "
	               "options [mss 1460,sackOK,TS val 2480165653 ecr "
	               "4595424,nop,wscale 7], length 0\n");
	expect_article(&ctx, 2, 0,
	               "IP 192.168.101.25.57290 > 192.168.101.5.8080: Flags "
	               "[.], ack 1, win 229, options [nop,nop,TS val 4595426 "
	               "ecr 2480165653], length 0\n");
	expect_article(&ctx, 3, 0,
	               "IP 192.168.101.25.57290 > 192.168.101.5.8080: Flags "
	               "[P.], seq 1:143, ack 1, win 229, options [nop,nop,TS "
	               "val 4595426 ecr 2480165653], length 142: HTTP: GET "
	               "/truedei/test?name=zhenghui HTTP/1.1\n");
	expect_article(&ctx, 5, 0,
	               "IP 192.168.101.5.8080 > 192.168.101.25.57290: Flags "
	               "[P.], seq 1:268, ack 143, win 235, options "
	               "[nop,nop,TS val 2480165657 ecr 4595426], length 267: "
	               "HTTP: HTTP/1.1 200 \n");
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 2, 2, true, 1, NULL);
	expect_article(&ctx, 6, 0,
	               "IP (tos 0x0, ttl 64, id 40566, offset 0, flags [DF], "
	               "proto TCP (6), length 52)\n    192.168.101.25.57290 > "
	               "192.168.101.5.8080: Flags [.], cksum 0x86cc (correct), "
	               "seq 250118434, ack 2336326356, win 237, options "
	               "[nop,nop,TS val 4595429 ecr 2480165657], length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Relative sequence numbers (TCPDUMP-FORMAT.md, section 6).           */

START_TEST(test_seq_midstream_and_wrap)
{
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	/* The first ACK-bearing packet prints raw and sets the bases. */
	mk(&s, TH_ACK, 5000, 9000);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 9000, "
	           "win 65535, length 0\n");
	/* Data sent before the base wraps below zero. */
	mk(&s, TH_ACK | TH_PSH, 4990, 9000);
	set_data(&s, "0123456789");
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [P.], seq "
	           "4294967286:0, ack 1, win 65535, length 10: HTTP\n");
	/* The other direction: its base is ack - 1 of the first packet. */
	mk_back(&s, TH_ACK, 8999, 5010);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [.], ack 10, "
	           "win 65535, length 0\n");
	/* A packet without ACK always prints absolute numbers. */
	mk(&s, TH_PSH, 5000, 0);
	set_data(&s, "x");
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [P], seq "
	           "5000:5001, win 65535, length 1: HTTP\n");
	/* A new SYN-ACK resets the bases; a bare SYN would not. */
	mk_back(&s, TH_SYN | TH_ACK, 100, 4294967295u);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [S.], seq 100, "
	           "ack 4294967295, win 65535, length 0\n");
	mk(&s, TH_ACK, 4294967295u, 101);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 1, win "
	           "65535, length 0\n");
	mk(&s, TH_ACK | TH_FIN, 0, 101);
	/* The client's ISN is 4294967294: seq 0 is two numbers after it. */
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [F.], seq 2, ack "
	           "1, win 65535, length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_seq_sack_blocks_relative)
{
	static const uint8_t sack1[] = {1,    1,    5, 10, 0,    0,
	                                0x13, 0x92, 0, 0,  0x17, 0x7a};
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	mk(&s, TH_SYN, 1000, 0);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 1000, "
	           "win 65535, length 0\n");
	mk_back(&s, TH_SYN | TH_ACK, 3000, 1001);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [S.], seq 3000, "
	           "ack 1001, win 65535, length 0\n");
	/* The server SACKs client data 5010..6010: relative 4010..5010. */
	mk_back(&s, TH_ACK, 3001, 1001);
	set_opts(&s, sack1, sizeof sack1);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [.], ack 1, win "
	           "65535, options [nop,nop,sack 1 {4010:5010}], length 0\n");
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [.], ack 1001, "
	           "win 65535, options [nop,nop,sack 1 {5010:6010}], length "
	           "0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* Many connections at once: the table grows and keeps every base. */
START_TEST(test_seq_table_grows)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	size_t n;
	unsigned i;

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	for (i = 0; i < 3000; i++) {
		mk_back(&s, TH_SYN | TH_ACK, 7u * i, 1000u + i);
		s.dport = (uint16_t)(10000 + i);
		n = enc(&s, b, sizeof b);
		ck_assert_int_gt(tcpdump_format(&ctx,
		                                &(struct tcpdump_pkt){
		                                        .ip = b, .caplen = n},
		                                out, sizeof out),
		                 0);
	}
	ck_assert_uint_eq(ctx.seq_count, 3000);
	for (i = 0; i < 3000; i += 7) {
		mk(&s, TH_ACK, 1000u + i, 7u * i + 1);
		s.sport = (uint16_t)(10000 + i);
		n = enc(&s, b, sizeof b);
		ck_assert_int_gt(tcpdump_format(&ctx,
		                                &(struct tcpdump_pkt){
		                                        .ip = b, .caplen = n},
		                                out, sizeof out),
		                 0);
		ck_assert_ptr_nonnull(strstr(out, "Flags [.], ack 1, win"));
	}
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Options (section 7).                                                */

START_TEST(test_options_every_format)
{
	static const uint8_t o1[] = {2, 4, 5, 0xb4, 3, 3, 7, 4, 2, 8, 10,
	                             0, 0, 0, 1,    0, 0, 0, 5, 1, 0};
	static const uint8_t o2[] = {0x63, 4, 0xab, 0xcd, 0x63, 2, 28, 4,
	                             0x80, 5, 34,   10,   0,    1, 2,  3,
	                             4,    5, 6,    7,    34,   2};
	static const uint8_t o3[] = {5, 10, 0, 0, 0, 1, 0, 0, 0, 5, 5, 7,
	                             0, 0,  0, 0, 0, 6, 6, 0, 0, 0, 7, 1};
	static const uint8_t len5[] = {2, 5, 5, 0xb4, 0, 0, 0, 0};
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	mk(&s, TH_ACK, 1, 2);
	set_opts(&s, o1, sizeof o1);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 2, win "
	           "65535, options [mss 1460,wscale 7,sackOK,TS val 1 ecr "
	           "5,nop,eol], length 0\n");
	set_opts(&s, o2, sizeof o2);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 2, win "
	           "65535, options [unknown-99 0xabcd,unknown-99,uto 0x8005 "
	           "983160,tfo  cookie 0001020304050607,tfo  cookiereq,eol], "
	           "length 0\n");
	set_opts(&s, o3, sizeof o3);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 2, win "
	           "65535, options [sack 1 {1:5},sack invalid sack,echo "
	           "7,nop], length 0\n");
	set_opts(&s, len5, sizeof len5);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 2, win "
	           "65535, options [mss 1460[len 5],eol], length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_options_bad_opt)
{
	static const uint8_t first[] = {2, 1, 5, 0xb4};
	static const uint8_t after_nop[] = {1, 2, 1, 5};
	static const uint8_t ts_short[] = {8, 8, 0, 0, 0, 1, 0, 0, 3, 4, 7, 0};
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 1, true, 1, NULL);
	mk(&s, TH_ACK, 1, 2);
	set_opts(&s, first, sizeof first);
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 44)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [.], cksum 0xc833 (correct), ack 2, win 65535, "
	           "options [[bad opt]\n");
	set_opts(&s, after_nop, sizeof after_nop);
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 44)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [.], cksum 0xcde1 (correct), ack 2, win 65535, "
	           "options [nop,[bad opt]]\n");
	set_opts(&s, ts_short, sizeof ts_short);
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 52)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [.], cksum 0x9dd3 (correct), ack 2, win 65535, "
	           "options [TS val 1 ecr 772[len 8],[bad opt]]\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/*
 * A DSS option with every field at its widest (RFC 8684, section 3.3):
 * kind 30, length 28, subtype 2 in the high nibble, the flags m M a A
 * (0x0f), an 8-octet Data ACK, an 8-octet data sequence number, the
 * 4-octet subflow sequence number, the 2-octet data-level length and the
 * 2-octet checksum, after nop,nop,TS as Linux puts them. The expected
 * text was written from that layout and tcpdump's words for the fields
 * (numbers in decimal, the checksum in hex), then held against tcpdump.
 */
START_TEST(test_options_mptcp_dss_wide)
{
	static const uint8_t o[40] = {
	        1,    1,   8,    10,   0, 0, 0, 7, 0, 0, 0, 9, /* TS */
	        30,   28,  0x20, 0x0f,                         /* DSS */
	        0,    0,   0,    1,    0, 0, 0, 5, /* Data ACK 2^32 + 5 */
	        0x80, 0,   0,    0,    0, 0, 0, 1, /* DSN 2^63 + 1 */
	        0,    0,   0,    1,                /* subflow sequence 1 */
	        0,    100,                         /* data-level length */
	        0xbe, 0xef};                       /* checksum */
	static const char head[] = "IP 10.9.0.1.40000 > 10.9.0.2.5000: Flags "
	                           "[P.], seq 1:101, ack 2, win 65535, "
	                           "options [nop,nop,TS val 7 ecr 9,mptcp";
	uint8_t b[2048], o27[40];
	char want[512];
	char data[101];
	struct tcpdump_ctx ctx;
	struct seg s;
	size_t n;

	memset(data, 'x', 100);
	data[100] = '\0';
	ctx_open(&ctx, 2, 0, true, 1, NULL);
	mk(&s, TH_ACK | TH_PSH, 1, 2);
	s.dport = 5000;
	set_data(&s, data);
	set_opts(&s, o, sizeof o);
	n = enc(&s, b, sizeof b);
	snprintf(want, sizeof want,
	         "%s 28 dss ack 4294967301 seq 9223372036854775809 subseq 1 "
	         "len 100 csum 0xbeef], length 100\n",
	         head);
	expect(&ctx, b, n, 0, want);
	/* Cut two bytes before the option's end: the option's length check
	 * fails before MPTCP is decoded, after an earlier option (">"). */
	snprintf(want, sizeof want, "%s [|tcp]>\n", head);
	expect_cut(&ctx, b, n, 20 + 20 + 38, T0, 0, want);
	/* One octet short: the checksum no longer fits, one octet is left
	 * over, and tcpdump refuses the option after its fields. */
	memcpy(o27, o, sizeof o27);
	o27[13] = 27;
	set_opts(&s, o27, sizeof o27);
	snprintf(want, sizeof want,
	         "%s 27 dss ack 4294967301 seq 9223372036854775809 subseq 1 "
	         "len 100[bad opt]]\n",
	         head);
	expect_seg(&ctx, &s, 0, want);
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RST data, bad header lengths, flags (sections 5 and 9).             */

START_TEST(test_rst_data_verbose)
{
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 1, false, 1, NULL);
	mk(&s, TH_RST, 100, 0);
	set_data(&s, "Connection reset\r\n\x01\xff!");
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 61)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [R], cksum 0xc906 (correct), seq 100:121, win "
	           "65535, length 21 [RST Connection reset^M^J^AM-^?!]\n");
	mk(&s, TH_RST | TH_ACK, 100, 5);
	set_data(&s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 71)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [R.], cksum 0xcb90 (correct), seq 100:131, ack 5, "
	           "win 65535, length 31 [RST+ "
	           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA]\n");
	tcpdump_ctx_free(&ctx);

	/* Without -v the data goes to the port's dissector. */
	ctx_open(&ctx, 2, 0, false, 1, NULL);
	mk(&s, TH_RST, 100, 0);
	set_data(&s, "GET / HTTP/1.0\r\n\r\n");
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [R], seq "
	           "100:118, win 65535, length 18: HTTP: GET / HTTP/1.0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_bad_hdr_length_and_flags)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	size_t n;

	ctx_open(&ctx, 2, 1, false, 1, NULL);
	mk(&s, TH_ACK, 100, 5);
	set_data(&s, "AAAA");
	n = enc(&s, b, sizeof b);
	b[32] = 4 << 4;
	fix_tcp_cksum(b, n);
	expect(&ctx, b, n, 0,
	       "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP "
	       "(6), length 44)\n    10.9.0.1.40000 > 10.9.0.2.8080:  tcp 8 "
	       "[bad hdr length 16 - too short, < 20]\n");
	mk(&s, TH_ACK, 100, 5);
	n = enc(&s, b, sizeof b);
	b[32] = 15 << 4;
	fix_tcp_cksum(b, n);
	expect(&ctx, b, n, 0,
	       "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP "
	       "(6), length 40)\n    10.9.0.1.40000 > 10.9.0.2.8080: Flags "
	       "[.] [bad hdr length 60 - too long, > 20]\n");
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	mk(&s, 0, 1, 0);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [none], win "
	           "65535, length 0\n");
	mk(&s, 0xff | TH_NS, 1, 2);
	s.urp = 77;
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [FSRP.UEW], seq "
	           "1, ack 2, win 65535, urg 77, length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncated captures.                                                 */

START_TEST(test_truncation_cut_points)
{
	static const struct {
		size_t cap;
		const char *want;
	} cuts[] = {
	        {19, "IP  [|ip]\n"},
	        {22, "IP 10.9.0.1 > 10.9.0.2: [|tcp]\n"},
	        {32, "IP 10.9.0.1.40000 > 10.9.0.2.8080:  [|tcp]\n"},
	        {41, "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 1000, "
	             "win 65535, options [ [|tcp]\n"},
	        {43, "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 1000, "
	             "win 65535, options [mss [|tcp]\n"},
	        {45, "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 1000, "
	             "win 65535, options [mss 1460, [|tcp]\n"},
	        {50, "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 1000, "
	             "win 65535, options [mss 1460,sackOK,TS [|tcp]>\n"},
	};
	static const uint8_t syn_opts[] = {2,  4, 5,    0xb4, 4,    2, 8,
	                                   10, 0, 0x46, 0x1e, 0xe0, 0, 0,
	                                   0,  0, 1,    3,    3,    7};
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	size_t n, i;

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	mk(&s, TH_SYN, 1000, 0);
	set_opts(&s, syn_opts, sizeof syn_opts);
	n = enc(&s, b, sizeof b);
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		expect_cut(&ctx, b, n, cuts[i].cap, T0, 0, cuts[i].want);
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_truncation_in_http_and_ip)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[256];
	size_t n;

	ctx_open(&ctx, 2, 2, false, 1, NULL);
	mk(&s, TH_ACK | TH_PSH, 1, 1);
	set_data(&s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	n = enc(&s, b, sizeof b);
	/* Cut inside the second line: the first prints, then the marker. */
	expect_cut(&ctx, b, n, 60, T0, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 67)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [P.], seq 1:28, ack 1, win 65535, length 27: HTTP, "
	           "length: 27\n\tGET / HTTP/1.1 [|http]\n");
	/* Cut between CR and LF (the base is set now: seq 0). */
	expect_cut(&ctx, b, n, 55, T0, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 67)\n    10.9.0.1.40000 > 10.9.0.2.8080: "
	           "Flags [P.], seq 0:27, ack 1, win 65535, length 27: HTTP, "
	           "length: 27 [|http]\n");
	tcpdump_ctx_free(&ctx);

	/* The datagram itself is shorter than its IP length. */
	ctx_open(&ctx, 2, 1, false, 1, NULL);
	mk(&s, TH_ACK, 1, 1);
	n = enc(&s, b, sizeof b);
	b[3] = 60;
	b[10] = b[11] = 0;
	uint16_t c = ip_cksum(b, 20);
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
	expect(&ctx, b, n, 0,
	       "IP truncated-ip - 20 bytes missing! (tos 0x0, ttl 64, id 1, "
	       "offset 0, flags [DF], proto TCP (6), length 60)\n    "
	       "10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], seq 1:21, ack 1, "
	       "win 65535, length 20: HTTP\n");
	b[0] = 0x44;
	expect(&ctx, b, n, 0, "IP bad-hlen 16\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The IP line (section 3) and fragments.                              */

START_TEST(test_ip_line_fields)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	size_t n;

	ctx_open(&ctx, 2, 1, false, 1, NULL);
	mk(&s, TH_ACK, 1, 2);
	s.ip_tos = 3;
	s.ip_ttl = 0;
	s.ip_off = IP_RF | IP_DF | IP_MF;
	n = enc(&s, b, sizeof b);
	b[10] = 0x12;
	b[11] = 0x34;
	/* MF set: a fragment, so the TCP checksum is not shown. */
	expect(&ctx, b, n, 0,
	       "IP (tos 0x3,CE, id 1, offset 0, flags [+, DF, rsvd], proto "
	       "TCP (6), length 40, bad cksum 1234 (->c6b7)!)\n    "
	       "10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], ack 2, win 65535, "
	       "length 0\n");
	mk(&s, TH_ACK, 1, 2);
	s.ip_tos = 0x11;
	s.ip_off = 0;
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x11,ECT(1), ttl 64, id 1, offset 0, flags [none], "
	           "proto TCP (6), length 40)\n    10.9.0.1.40000 > "
	           "10.9.0.2.8080: Flags [.], cksum 0xdfec (correct), ack 1, "
	           "win 65535, length 0\n");
	/* A later fragment: no TCP header to read. */
	s.ip_off = 3;
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x11,ECT(1), ttl 64, id 1, offset 24, flags "
	           "[none], proto TCP (6), length 40)\n    10.9.0.1 > "
	           "10.9.0.2: ip-proto-6\n");
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 0, 0, false, 1, NULL);
	expect_seg(&ctx, &s, 0, "IP 10.9.0.1 > 10.9.0.2: tcp\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* A resolver that knows one name. */
static const char *name_5678(void *arg, uint32_t addr)
{
	(void)arg;
	return addr == 0x05060708u ? "beta.example" : NULL;
}

START_TEST(test_ip_options)
{
	static const uint8_t rr[] = {7, 11, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0};
	static const uint8_t ra[] = {1, 1, 148, 4, 0, 5, 1, 0};
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 1, false, 1, NULL);
	mk(&s, TH_ACK, 100, 0);
	memcpy(s.ip_opt, rr, sizeof rr);
	s.ip_opt_len = sizeof rr;
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 52, options (RR 1.2.3.4, 5.6.7.8,EOL))\n"
	           "    10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], cksum "
	           "0xdf8b (correct), ack 0, win 65535, length 0\n");
	/* Without -n the recorded addresses are named too (checked with
	 * tcpdump -v in a namespace whose hosts file names 5.6.7.8). */
	ctx.flags.n = 0;
	ctx.res.host = name_5678;
	expect_seg(
	        &ctx, &s, 0,
	        "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	        "TCP (6), length 52, options (RR 1.2.3.4, beta.example,EOL))\n"
	        "    10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], cksum "
	        "0xdf8b (correct), ack 1, win 65535, length 0\n");
	ctx.flags.n = 1;
	memcpy(s.ip_opt, ra, sizeof ra);
	s.ip_opt_len = sizeof ra;
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 48, options (NOP,NOP,RA value 5,NOP,EOL))"
	           "\n    10.9.0.1.40000 > 10.9.0.2.8080: Flags [.], cksum "
	           "0xdf8b (correct), ack 1, win 65535, length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Timestamps (section 1).                                             */

/* A local clock five hours and a half ahead of UTC. */
static int fake_local_time(void *arg, int64_t sec, struct tm *tm)
{
	time_t t = (time_t)(sec + 5 * 3600 + 1800);

	(void)arg;
	return gmtime_r(&t, tm) != NULL ? 0 : -1;
}

/* Prints one bare ACK at time sec.usec under ctx. */
static void expect_at(struct tcpdump_ctx *ctx, int64_t sec, uint32_t usec,
                      const char *want)
{
	struct seg s;
	uint8_t b[64];
	size_t n;

	mk(&s, 0, 100, 0);
	n = enc(&s, b, sizeof b);
	expect_cut(ctx, b, n, n, sec, usec, want);
}

#define TAIL                                                                   \
	"IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [none], win 65535, "         \
	"length 0\n"

START_TEST(test_time_formats)
{
	struct tcpdump_resolver res = {NULL, NULL, fake_local_time, NULL, NULL};
	struct tcpdump_ctx ctx;

	ctx_open(&ctx, 2, 0, false, 0, &res);
	expect_at(&ctx, T0, 5, "03:43:20.000005 " TAIL);
	expect_at(&ctx, T0 + 1, 999999, "03:43:21.999999 " TAIL);
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 2, 0, false, 4, &res);
	expect_at(&ctx, 951782400 - 19800, 7,
	          "2000-02-29 00:00:00.000007 " TAIL);
	tcpdump_ctx_free(&ctx);

	/* No resolver: UTC, computed without the C library. */
	ctx_open(&ctx, 2, 0, false, 4, NULL);
	expect_at(&ctx, T0, 123456, "2023-11-14 22:13:20.123456 " TAIL);
	expect_at(&ctx, 2000000000, 0, "2033-05-18 03:33:20.000000 " TAIL);
	expect_at(&ctx, -1, 0, "[Error converting time] " TAIL);
	tcpdump_ctx_free(&ctx);

	ctx_open(&ctx, 2, 0, false, 2, NULL);
	expect_at(&ctx, T0, 42, "1700000000.000042 " TAIL);
	expect_at(&ctx, 2147483648LL, 0, "[Error converting time] " TAIL);
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_time_deltas)
{
	struct tcpdump_ctx ctx;

	/* -ttt: from the previous packet; hours wrap at a day. */
	ctx_open(&ctx, 2, 0, false, 3, NULL);
	expect_at(&ctx, T0, 500000, " 00:00:00.000000 " TAIL);
	expect_at(&ctx, T0 + 1, 0, " 00:00:00.500000 " TAIL);
	expect_at(&ctx, T0, 999999, "-00:00:00.000001 " TAIL);
	expect_at(&ctx, T0 + 90000, 1, " 00:59:59.000002 " TAIL);
	tcpdump_ctx_free(&ctx);

	/* -ttttt: from the first packet. */
	ctx_open(&ctx, 2, 0, false, 5, NULL);
	expect_at(&ctx, T0, 500000, " 00:00:00.000000 " TAIL);
	expect_at(&ctx, T0 + 1, 0, " 00:00:00.500000 " TAIL);
	expect_at(&ctx, T0 + 3600, 0, " 00:59:59.500000 " TAIL);
	expect_at(&ctx, T0 - 1, 0, "-00:00:01.500000 " TAIL);
	tcpdump_ctx_free(&ctx);

	/* A difference whose seconds have bit 31 set is refused after the
	 * sign, as tcpdump 4.99.3 refuses it (checked on times.pcap). */
	ctx_open(&ctx, 2, 0, false, 3, NULL);
	expect_at(&ctx, 2147483647, 999999, " 00:00:00.000000 " TAIL);
	expect_at(&ctx, -1, 0, "-[Error converting time] " TAIL);
	expect_at(&ctx, 0, 1, " 00:00:01.000001 " TAIL);
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_time_prefix_only)
{
	struct tcpdump_ctx ctx;
	char b[64];

	ctx_open(&ctx, 2, 0, false, 3, NULL);
	ck_assert_int_eq(tcpdump_format_ts(&ctx, T0, 0, b, sizeof b), 17);
	ck_assert_str_eq(b, " 00:00:00.000000 ");
	ck_assert_int_eq(tcpdump_format_ts(&ctx, T0, 250, b, sizeof b), 17);
	ck_assert_str_eq(b, " 00:00:00.000250 ");
	ck_assert_int_eq(tcpdump_format_ts(&ctx, T0, 300, b, 5), TCPLAB_ENOSPC);
	tcpdump_ctx_free(&ctx);
	ctx_open(&ctx, 2, 0, false, 1, NULL);
	ck_assert_int_eq(tcpdump_format_ts(&ctx, T0, 0, b, sizeof b), 0);
	ck_assert_str_eq(b, "");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HTTP (section 8).                                                   */

START_TEST(test_http_edge_cases)
{
	static const struct {
		const char *data;
		const char *want;
	} cases[] = {
	        /* A lowercase method is still a method. */
	        {"get / HTTP/1.0\r\n", "length 16: HTTP: get / HTTP/1.0\n"},
	        /* PATCH is not in tcpdump 4.99.3's list. */
	        {"PATCH / HTTP/1.1\r\n", "length 18: HTTP\n"},
	        /* No line end: the line, then the marker. */
	        {"GET / HTTP/1.1", "length 14: HTTP: GET / HTTP/1.1 [|http]\n"},
	        /* A CR not followed by LF is binary. */
	        {"GET / HTTP/1.1\rX\n", "length 17: HTTP\n"},
	        {"GET / HTTP/1.1\r", "length 15: HTTP\n"},
	        /* A non-printable byte stops the line. */
	        {"GET /\x01 HTTP/1.1\r\n", "length 17: HTTP\n"},
	        /* The second token decides a response: 3 digits exactly. */
	        {"FOO 404 x\r\n", "length 11: HTTP: FOO 404 x\n"},
	        {"HTTP/1.1 2000 OK\r\n", "length 18: HTTP\n"},
	        {"GET\r\n", "length 5: HTTP: GET\n"},
	};
	struct tcpdump_ctx ctx;
	struct seg s;
	char want[256];
	size_t i;

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mk(&s, TH_PSH, 5, 0);
		s.dport = 80;
		set_data(&s, cases[i].data);
		snprintf(want, sizeof want,
		         "IP 10.9.0.1.40000 > 10.9.0.2.80: Flags [P], seq "
		         "5:%u, win 65535, %s",
		         5u + (unsigned)strlen(cases[i].data), cases[i].want);
		expect_seg(&ctx, &s, 0, want);
	}
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_http_verbose_lines)
{
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 2, true, 1, NULL);
	mk_back(&s, TH_PSH | TH_ACK, 1, 2);
	set_data(&s, "HTTP/1.1 200 OK\nX: y\n\nbody");
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 66)\n    10.9.0.2.8080 > 10.9.0.1.40000: "
	           "Flags [P.], cksum 0xe061 (correct), seq 1:27, ack 2, win "
	           "65535, length 26: HTTP, length: 26\n\tHTTP/1.1 200 "
	           "OK\n\tX: y\n\t\n\tbody [|http]\n");
	set_data(&s, "GET / HTTP/1.1\r\nA: \x80\r\nB: c\r\n");
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 68)\n    10.9.0.2.8080 > 10.9.0.1.40000: "
	           "Flags [P.], cksum 0x2fc6 (correct), seq 1:29, ack 2, win "
	           "65535, length 28: HTTP, length: 28\n\tGET / HTTP/1.1\n");
	/* A port that is neither 80 nor 8080: nothing after the length. */
	s.sport = 8081;
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto "
	           "TCP (6), length 68)\n    10.9.0.2.8081 > 10.9.0.1.40000: "
	           "Flags [P.], cksum 0x2fc5 (correct), seq 1:29, ack 2, win "
	           "65535, length 28\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors.                                                             */

START_TEST(test_enospc_leaves_state_alone)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	char small[40];
	size_t n;
	struct tcpdump_pkt p;

	ctx_open(&ctx, 2, 0, false, 3, NULL);
	mk(&s, TH_ACK, 5000, 9000);
	n = enc(&s, b, sizeof b);
	p = (struct tcpdump_pkt){.ts_sec = T0, .ip = b, .caplen = n};
	memset(small, 'Z', sizeof small);
	ck_assert_int_eq(tcpdump_format(&ctx, &p, small, 30), TCPLAB_ENOSPC);
	/* Nothing past cap was touched. */
	for (n = 30; n < sizeof small; n++)
		ck_assert_int_eq(small[n], 'Z');
	ck_assert_int_eq(tcpdump_format(&ctx, &p, small, 0), TCPLAB_ENOSPC);
	/* The failed calls neither made a table entry nor moved the clock:
	 * this is still the first packet, printed raw and at delta 0. */
	ck_assert_uint_eq(ctx.seq_count, 0);
	expect_cut(&ctx, b, 40, 40, T0, 0,
	           " 00:00:00.000000 IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags "
	           "[.], ack 9000, win 65535, length 0\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_not_ipv4_tcp)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[128];
	size_t n;
	struct tcpdump_pkt p;

	ctx_open(&ctx, 2, 0, false, 3, NULL);
	mk(&s, TH_ACK, 5000, 9000);
	s.ip_proto = 17;
	n = enc(&s, b, sizeof b);
	p = (struct tcpdump_pkt){.ts_sec = T0, .ip = b, .caplen = n};
	strcpy(out, "untouched");
	ck_assert_int_eq(tcpdump_format(&ctx, &p, out, sizeof out),
	                 TCPLAB_EPROTO);
	ck_assert_str_eq(out, "untouched");
	b[0] = 0x55; /* neither IPv4 nor IPv6 */
	ck_assert_int_eq(tcpdump_format(&ctx, &p, out, sizeof out),
	                 TCPLAB_EVERSION);
	ck_assert(!ctx.have_prev);
	ck_assert_uint_eq(ctx.seq_count, 0);
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IPv6.                                                               */

/* An RFC 1071 sum, one 16-bit word at a time, written apart from seg.c. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += (uint32_t)(p[i] << 8) | (i + 1 < len ? p[i + 1] : 0);
	return sum;
}

/*
 * A SYN over IPv6, byte by byte: RFC 8200's fixed header (version 6,
 * traffic class 0x2e, flow label 0xabcde, payload length 40, next header
 * TCP, hop limit 57), then TCP with Linux's SYN options. The TCP checksum
 * is filled in here over RFC 8200, 8.1's pseudo-header.
 */
#define SYN6_TC    0x2e
#define SYN6_FLOW  0xabcdeu
#define SYN6_HLIM  57
#define SYN6_SPORT 53370
#define SYN6_DPORT 8080
#define SYN6_SEQ   4294967290u
#define SYN6_WIN   64800
#define SYN6_MSS   1440
#define SYN6_TSVAL 4595424u
#define SYN6_WS    7

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

static size_t syn6(uint8_t *b)
{
	/* 2001:db8:101::25 > 2001:db8:101::5 */
	static const uint8_t addrs[32] = {
	        0x20, 0x01, 0x0d, 0xb8, 0x01, 0x01, 0, 0,
	        0,    0,    0,    0,    0,    0,    0, 0x25,
	        0x20, 0x01, 0x0d, 0xb8, 0x01, 0x01, 0, 0,
	        0,    0,    0,    0,    0,    0,    0, 0x05};
	/* mss 1440 (0x05a0), sackOK, TS (val below, ecr 0), nop,
	 * wscale 7: 20 bytes. */
	static const uint8_t opts[20] = {2, 4, 5, 0xa0, 4, 2, 8, 10, 0, 0,
	                                 0, 0, 0, 0,    0, 0, 1, 3,  3, 7};
	uint8_t ph[8] = {0, 0, 0, 40, 0, 0, 0, 6}, *t = b + 40;
	uint32_t sum;

	memset(b, 0, 80);
	/* Version, traffic class, flow label. */
	be32(b, 6u << 28 | SYN6_TC << 20 | SYN6_FLOW);
	be16(b + 4, 40);  /* payload length */
	b[6] = 6;         /* next header: TCP */
	b[7] = SYN6_HLIM; /* hop limit */
	memcpy(b + 8, addrs, 32);
	be16(t, SYN6_SPORT);     /* source port */
	be16(t + 2, SYN6_DPORT); /* destination port */
	be32(t + 4, SYN6_SEQ);   /* sequence number; ack 0 */
	t[12] = 10 << 4;         /* data offset: 10 words */
	t[13] = 0x02;            /* SYN */
	be16(t + 14, SYN6_WIN);  /* window; checksum and urgent 0 for now */
	memcpy(t + 20, opts, 20);
	be32(t + 28, SYN6_TSVAL);
	sum = sum16(sum16(sum16(0, addrs, 32), ph, 8), t, 40);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	be16(t + 16, (uint16_t)~sum);
	return 80;
}

START_TEST(test_ip6_syn_line_from_fields)
{
	struct tcpdump_ctx ctx;
	uint8_t b[80];
	char want[512], tcp[256];
	size_t n = syn6(b);

	snprintf(tcp, sizeof tcp,
	         "2001:db8:101::25.%u > 2001:db8:101::5.%u: Flags [S], ",
	         SYN6_SPORT, SYN6_DPORT);
	ctx_open(&ctx, 2, 0, false, 1, NULL);
	snprintf(want, sizeof want,
	         "IP6 %sseq %u, win %u, options [mss %u,sackOK,TS val %u ecr "
	         "0,nop,wscale %u], length 0\n",
	         tcp, SYN6_SEQ, SYN6_WIN, SYN6_MSS, SYN6_TSVAL, SYN6_WS);
	expect(&ctx, b, n, 0, want);
	tcpdump_ctx_free(&ctx);

	/* -v: the fixed header in parentheses, then TCP on the same line. */
	ctx_open(&ctx, 2, 1, false, 1, NULL);
	snprintf(want, sizeof want,
	         "IP6 (class 0x%02x, flowlabel 0x%05x, hlim %u, next-header "
	         "TCP (6) payload length: %u) %scksum 0x%02x%02x (correct), "
	         "seq %u, win %u, options [mss %u,sackOK,TS val %u ecr "
	         "0,nop,wscale %u], length 0\n",
	         SYN6_TC, SYN6_FLOW, SYN6_HLIM, 40, tcp, b[56], b[57], SYN6_SEQ,
	         SYN6_WIN, SYN6_MSS, SYN6_TSVAL, SYN6_WS);
	expect(&ctx, b, n, 0, want);
	/* A wrong checksum is shown with the right one. */
	b[57] ^= 0x01;
	snprintf(
	        want, sizeof want,
	        "IP6 (class 0x%02x, flowlabel 0x%05x, hlim %u, next-header "
	        "TCP (6) payload length: %u) %scksum 0x%02x%02x (incorrect -> "
	        "0x%02x%02x), seq %u, win %u, options [mss %u,sackOK,TS val %u "
	        "ecr 0,nop,wscale %u], length 0\n",
	        SYN6_TC, SYN6_FLOW, SYN6_HLIM, 40, tcp, b[56], b[57], b[56],
	        b[57] ^ 0x01, SYN6_SEQ, SYN6_WIN, SYN6_MSS, SYN6_TSVAL,
	        SYN6_WS);
	expect(&ctx, b, n, 0, want);
	tcpdump_ctx_free(&ctx);
}
END_TEST

/* A segment between two IPv6 addresses on 40000 and 8080, as mk() does. */
static void mk6(struct seg *s, const uint8_t *src, const uint8_t *dst,
                uint16_t flags, uint32_t seq, uint32_t ack)
{
	mk(s, flags, seq, ack);
	s->ip_v = 6;
	s->ip_off = 0;
	s->ip_id = 0;
	memcpy(s->saddr6, src, 16);
	memcpy(s->daddr6, dst, 16);
}

/*
 * An IPv6 connection and an IPv4 one on the same ports, interleaved. The
 * IPv6 addresses end in the IPv4 ones' 32 bits (2001:db8::a09:1, and the
 * IPv4-mapped ::ffff:10.9.0.1), so that only the family and the upper
 * bytes tell them apart: each keeps its own ISNs.
 */
static void two_families(const uint8_t *c6, const uint8_t *s6,
                         const char *c6txt, const char *s6txt)
{
	struct tcpdump_ctx ctx;
	struct seg s;
	char want[256];

	ctx_open(&ctx, 2, 0, false, 1, NULL);
	mk6(&s, c6, s6, TH_SYN, 1000, 0);
	snprintf(want, sizeof want,
	         "IP6 %s.40000 > %s.8080: Flags [S], seq 1000, win 65535, "
	         "length 0\n",
	         c6txt, s6txt);
	expect_seg(&ctx, &s, 0, want);
	mk(&s, TH_SYN, 7000, 0);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [S], seq 7000, "
	           "win 65535, length 0\n");
	mk6(&s, s6, c6, TH_SYN | TH_ACK, 3000, 1001);
	s.sport = 8080;
	s.dport = 40000;
	snprintf(want, sizeof want,
	         "IP6 %s.8080 > %s.40000: Flags [S.], seq 3000, ack 1001, win "
	         "65535, length 0\n",
	         s6txt, c6txt);
	expect_seg(&ctx, &s, 0, want);
	mk_back(&s, TH_SYN | TH_ACK, 9000, 7001);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.2.8080 > 10.9.0.1.40000: Flags [S.], seq 9000, "
	           "ack 7001, win 65535, length 0\n");
	mk6(&s, c6, s6, TH_ACK | TH_PSH, 1001, 3001);
	set_data(&s, "0123456789");
	snprintf(want, sizeof want,
	         "IP6 %s.40000 > %s.8080: Flags [P.], seq 1:11, ack 1, win "
	         "65535, length 10: HTTP\n",
	         c6txt, s6txt);
	expect_seg(&ctx, &s, 0, want);
	mk(&s, TH_ACK | TH_PSH, 7001, 9001);
	set_data(&s, "01234567890123456789");
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.8080: Flags [P.], seq 1:21, "
	           "ack 1, win 65535, length 20: HTTP\n");
	mk6(&s, s6, c6, TH_ACK, 3001, 1011);
	s.sport = 8080;
	s.dport = 40000;
	snprintf(want, sizeof want,
	         "IP6 %s.8080 > %s.40000: Flags [.], ack 11, win 65535, "
	         "length 0\n",
	         s6txt, c6txt);
	expect_seg(&ctx, &s, 0, want);
	ck_assert_uint_eq(ctx.seq_count, 1);
	ck_assert_uint_eq(ctx.seq6_count, 1);
	tcpdump_ctx_free(&ctx);
}

START_TEST(test_ip6_relative_apart_from_ip4)
{
	static const uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, 0,  0, 0, 0,
	                               0,    0,    0,    0,    10, 9, 0, 1};
	static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0,  0, 0, 0,
	                               0,    0,    0,    0,    10, 9, 0, 2};
	static const uint8_t c4m[16] = {0, 0, 0,    0,    0,  0, 0, 0,
	                                0, 0, 0xff, 0xff, 10, 9, 0, 1};
	static const uint8_t s4m[16] = {0, 0, 0,    0,    0,  0, 0, 0,
	                                0, 0, 0xff, 0xff, 10, 9, 0, 2};

	two_families(c6, s6, "2001:db8::a09:1", "2001:db8::a09:2");
	two_families(c4m, s4m, "::ffff:10.9.0.1", "::ffff:10.9.0.2");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Application payloads: DNS over TCP, and the printers left out.      */

/*
 * RFC 1035, 4.1.1: the header is ID, the flag word (QR, Opcode, AA, TC,
 * RD, RA, Z, AD, CD, RCODE), then QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT;
 * 4.2.2: over TCP the message is preceded by its length in two bytes.
 * "www.tcpdump.org" is 3 www 7 tcpdump 3 org 0 (3.1), QTYPE A (1) and
 * QCLASS IN (1) follow it (4.1.2); a record's owner may be a pointer to
 * offset 12, the question's name (4.1.4).
 */
static const uint8_t dns_query_a[] = {
        0x00, 0x2c,             /* length: 44 bytes follow */
        0x43, 0x19,             /* ID 17177 */
        0x01, 0x00,             /* RD */
        0x00, 0x01, 0x00, 0x00, /* one question, no answer */
        0x00, 0x00, 0x00, 0x01, /* one additional record */
        3,    'w',  'w',  'w',  7,    't', 'c', 'p',  'd',  'u',
        'm',  'p',  3,    'o',  'r',  'g', 0,   0x00, 0x01, /* A */
        0x00, 0x01,                                         /* IN */
        0,    0x00, 0x29, /* the root, OPT (RFC 6891) */
        0x04, 0xd0,       /* UDP payload size 1232 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static const uint8_t dns_answer_a[] = {
        0x00, 0x31, 0x43, 0x19, /* length 49, ID 17177 */
        0x84, 0x00,             /* QR, AA; RA not set */
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 3,    'w', 'w',
        'w',  7,    't',  'c',  'p',  'd',  'u',  'm',  'p',  3,   'o',
        'r',  'g',  0,    0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, /* a pointer to 12
                                                               */
        0x00, 0x01, 0x00, 0x01,                               /* A, IN */
        0x00, 0x00, 0x0e, 0x10,                               /* TTL 3600 */
        0x00, 0x04, 192,  0,    2,    1};

/* A segment from 10.9.0.1:40000 to port 53 carrying d[0..n). */
static void mk_dns(struct seg *s, const uint8_t *d, size_t n, uint16_t sport,
                   uint16_t dport)
{
	mk(s, TH_PSH, 5, 0);
	s->sport = sport;
	s->dport = dport;
	s->payload = d;
	s->payload_len = n;
}

START_TEST(test_dns_header_and_question)
{
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	mk_dns(&s, dns_query_a, sizeof dns_query_a, 40000, 53);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.53: Flags [P], seq 5:51, win "
	           "65535, length 46 17177+ [1au] A? www.tcpdump.org. (44)\n");
	mk_dns(&s, dns_answer_a, sizeof dns_answer_a, 53, 40000);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.53 > 10.9.0.2.40000: Flags [P], seq 5:56, win "
	           "65535, length 51 17177*- 1/0/0 A 192.0.2.1 (49)\n");
	ck_assert_ptr_null(ctx.app_skipped);
	tcpdump_ctx_free(&ctx);
	/* -vv: the question of a response, the owner of a record, EDNS. */
	ctx_open(&ctx, 2, 2, true, 1, NULL);
	mk_dns(&s, dns_query_a, sizeof dns_query_a, 40000, 53);
	expect_seg(
	        &ctx, &s, 0,
	        "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP "
	        "(6), length 86)\n    10.9.0.1.40000 > 10.9.0.2.53: Flags "
	        "[P], cksum 0x8650 (correct), seq 5:51, win 65535, length 46 "
	        "17177+ [1au] A? www.tcpdump.org. ar: . OPT UDPsize=1232 "
	        "(44)\n");
	mk_dns(&s, dns_answer_a, sizeof dns_answer_a, 53, 40000);
	expect_seg(
	        &ctx, &s, 0,
	        "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP "
	        "(6), length 91)\n    10.9.0.1.53 > 10.9.0.2.40000: Flags "
	        "[P], cksum 0xe3ae (correct), seq 5:56, win 65535, length 51 "
	        "17177*- q: A? www.tcpdump.org. 1/0/0 www.tcpdump.org. A "
	        "192.0.2.1 (49)\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_dns_marks)
{
	uint8_t d[sizeof dns_query_a];
	struct tcpdump_ctx ctx;
	struct seg s;
	uint8_t b[256];
	size_t n;

	ctx_open(&ctx, 2, 0, true, 1, NULL);
	/* RFC 1035, 4.2.2's length must be the rest of the segment. */
	memcpy(d, dns_query_a, sizeof d);
	d[1] = 0x40;
	mk_dns(&s, d, sizeof d, 40000, 53);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.53: Flags [P], seq 5:51, win "
	           "65535, length 46 [prefix length(64) != length(44)] "
	           "(invalid)\n");
	/* A pointer must point backwards (to a name already seen); the
	 * type and class are read after the pointer, from "ww" and "w\a". */
	d[1] = 0x2c;
	d[14] = 0xc0;
	d[15] = 0x20;
	mk_dns(&s, d, sizeof d, 40000, 53);
	expect_seg(&ctx, &s, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.53: Flags [P], seq 5:51, win "
	           "65535, length 46 17177+ [1au] Type30583 (Class 1908)? <BAD "
	           "PTR> "
	           "[|domain]\n");
	/* Cut inside the question's name: the name is skipped to its type
	 * before anything of the question is printed. */
	mk_dns(&s, dns_query_a, sizeof dns_query_a, 40000, 53);
	n = enc(&s, b, sizeof b);
	expect_cut(&ctx, b, n, 40 + 2 + 12 + 6, T0, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.53: Flags [P], seq 5:51, win "
	           "65535, length 46 17177+ [1au] [|domain]\n");
	expect_cut(&ctx, b, n, 40 + 1, T0, 0,
	           "IP 10.9.0.1.40000 > 10.9.0.2.53: Flags [P], seq 5:51, win "
	           "65535, length 46 [|domain]\n");
	tcpdump_ctx_free(&ctx);
}
END_TEST

START_TEST(test_app_left_out_is_named)
{
	static const uint8_t bgp_keepalive[19] = {
	        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04};
	struct tcpdump_ctx ctx;
	struct seg s;

	ctx_open(&ctx, 2, 1, true, 1, NULL);
	/* tcpdump goes on with ": BGP" and a line "\tKeepalive Message
	 * (4), length: 19"; tcplab stops at the length and names the
	 * printer it lacks. */
	mk_dns(&s, bgp_keepalive, sizeof bgp_keepalive, 40000, 179);
	expect_seg(&ctx, &s, 0,
	           "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP "
	           "(6), length 59)\n    10.9.0.1.40000 > 10.9.0.2.179: Flags "
	           "[P], cksum 0xfaa9 (correct), seq 5:24, win 65535, length "
	           "19\n");
	ck_assert_str_eq(ctx.app_skipped, "BGP");
	/* The next packet starts afresh. */
	mk_dns(&s, dns_query_a, sizeof dns_query_a, 40000, 53);
	ck_assert_int_gt(
	        tcpdump_format(
	                &ctx,
	                &(struct tcpdump_pkt){.ip = (uint8_t *)"", .caplen = 0},
	                out, sizeof out),
	        0);
	ck_assert_ptr_null(ctx.app_skipped);
	tcpdump_ctx_free(&ctx);
}
END_TEST

static Suite *tcpdump_suite(void)
{
	Suite *su = suite_create("tcpdump");
	TCase *tc = tcase_create("print");

	TESTLIB_ADD(tc, test_article_nn_vv);
	TESTLIB_ADD(tc, test_article_default_names_like_the_article);
	TESTLIB_ADD(tc, test_article_plain_and_absolute);
	TESTLIB_ADD(tc, test_seq_midstream_and_wrap);
	TESTLIB_ADD(tc, test_seq_sack_blocks_relative);
	TESTLIB_ADD(tc, test_seq_table_grows);
	TESTLIB_ADD(tc, test_options_every_format);
	TESTLIB_ADD(tc, test_options_bad_opt);
	TESTLIB_ADD(tc, test_options_mptcp_dss_wide);
	TESTLIB_ADD(tc, test_rst_data_verbose);
	TESTLIB_ADD(tc, test_bad_hdr_length_and_flags);
	TESTLIB_ADD(tc, test_truncation_cut_points);
	TESTLIB_ADD(tc, test_truncation_in_http_and_ip);
	TESTLIB_ADD(tc, test_ip_line_fields);
	TESTLIB_ADD(tc, test_ip_options);
	TESTLIB_ADD(tc, test_time_formats);
	TESTLIB_ADD(tc, test_time_deltas);
	TESTLIB_ADD(tc, test_time_prefix_only);
	TESTLIB_ADD(tc, test_http_edge_cases);
	TESTLIB_ADD(tc, test_http_verbose_lines);
	TESTLIB_ADD(tc, test_enospc_leaves_state_alone);
	TESTLIB_ADD(tc, test_not_ipv4_tcp);
	TESTLIB_ADD(tc, test_ip6_syn_line_from_fields);
	TESTLIB_ADD(tc, test_ip6_relative_apart_from_ip4);
	TESTLIB_ADD(tc, test_dns_header_and_question);
	TESTLIB_ADD(tc, test_dns_marks);
	TESTLIB_ADD(tc, test_app_left_out_is_named);
	suite_add_tcase(su, tc);
	return su;
}

TESTLIB_MAIN(tcpdump_suite)
