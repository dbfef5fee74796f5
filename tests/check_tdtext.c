/*
 * check_tdtext.c: Check suite for the tcpdump-text reader (common/tdtext.c).
 *
 * Each test feeds lines as tcpdump printed them (the article's 4.9.2 -vv
 * trace, 4.99.3's default and -v forms, -S, -t/-tt/-tttt timestamps, names,
 * a link prefix) or as a web page mangles them (stray text, HTTP lines
 * without their TAB, segment lines without "IP "), and checks the segments
 * rebuilt: absolute numbers, options, lengths, checksums, line numbers, and
 * which lines are reported.
 */
#include <check.h>
#include <string.h>

#include "common/tdtext.h"
#include "tests/testlib.h"

#define MAXPKT 16

struct run {
	struct tdtext_ctx ctx;
	struct tdtext_pkt pk[MAXPKT];
	unsigned npk;
	unsigned bad[MAXPKT], nbad; /* line numbers reported as unreadable */
	unsigned nskip;
};

/* Feeds every line of text (separated by '\n') and the end. */
static void feed(struct run *r, const struct tdtext_names *names,
                 const char *text)
{
	const char *p = text, *nl;
	struct tdtext_pkt pk;
	struct tdtext_msg m;
	int rc;

	memset(r, 0, sizeof(*r));
	tdtext_init(&r->ctx, names);
	for (;;) {
		nl = strchr(p, '\n');
		rc = tdtext_line(&r->ctx, p, nl ? (size_t)(nl - p) : strlen(p),
		                 &pk, &m);
		if ((rc & TDTEXT_PKT) && r->npk < MAXPKT)
			r->pk[r->npk++] = pk;
		if ((rc & TDTEXT_BAD) && r->nbad < MAXPKT) {
			ck_assert_uint_gt(strlen(m.text), 0);
			r->bad[r->nbad++] = m.line;
		}
		if (rc & TDTEXT_SKIP)
			r->nskip++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (tdtext_end(&r->ctx, &pk) == TDTEXT_PKT && r->npk < MAXPKT)
		r->pk[r->npk++] = pk;
}

/* The article's first four packets, as published (tcpdump 4.9.2 -vv). */
static const char article[] =
        "10:49:10.094025 IP (tos 0x0, ttl 64, id 40563, offset 0, flags "
        "[DF], proto TCP (6), length 60)\n"
        "    localhost.localdomain.57290 > 192.168.101.5.webcache: Flags [S], "
        "cksum 0x4b9e (incorrect -> 0xdc83), seq 250118291, win 29200, "
        "options [mss 1460,sackOK,TS val 4595424 ecr 0,nop,wscale 7], length "
        "0\n"
        "10:49:10.094140 IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], "
        "proto TCP (6), length 60)\n"
        "    192.168.101.5.webcache > localhost.localdomain.57290: Flags [S.], "
        "cksum 0xe96e (correct), seq 2336326088, ack 250118292, win 28960, "
        "options [mss 1460,sackOK,TS val 2480165653 ecr 4595424,nop,wscale "
        "7], length 0\n"
        "10:49:10.094172 IP (tos 0x0, ttl 64, id 40564, offset 0, flags "
        "[DF], proto TCP (6), length 52)\n"
        "    localhost.localdomain.57290 > 192.168.101.5.webcache: Flags [.], "
        "cksum 0x4b96 (incorrect -> 0x8874), seq 1, ack 1, win 229, options "
        "[nop,nop,TS val 4595426 ecr 2480165653], length 0\n"
        "10:49:10.095038 IP (tos 0x0, ttl 64, id 40565, offset 0, flags "
        "[DF], proto TCP (6), length 194)\n"
        "    localhost.localdomain.57290 > 192.168.101.5.webcache: Flags [P.], "
        "cksum 0x4c24 (incorrect -> 0x0f76), seq 1:143, ack 1, win 229, "
        "options [nop,nop,TS val 4595426 ecr 2480165653], length 142: HTTP, "
        "length: 142\n"
        "\tGET /truedei/test?name=zhenghui HTTP/1.1\n"
        "\tUser-Agent: Wget/1.14 (linux-gnu)\n"
        "\tAccept: */*\n"
        "\tHost: 192.168.101.5:8080\n"
        "\tConnection: Keep-Alive\n"
        "\t\n";

START_TEST(test_vv_article)
{
	struct run r;
	const struct seg *s;

	feed(&r, NULL, article);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 4);
	s = &r.pk[0].seg;
	ck_assert(r.pk[0].verbose);
	ck_assert_str_eq(r.pk[0].src_host, "localhost.localdomain");
	ck_assert_uint_eq(s->saddr >> 24, 240); /* an opaque label */
	ck_assert_uint_eq(s->daddr, 0xc0a86505u);
	ck_assert_uint_eq(s->sport, 57290);
	ck_assert_uint_eq(s->dport, 8080); /* webcache */
	ck_assert_uint_eq(s->flags, TH_SYN);
	ck_assert_uint_eq(s->seq, 250118291u);
	ck_assert_uint_eq(s->ip_id, 40563);
	ck_assert_uint_eq(s->ip_len, 60);
	ck_assert_uint_eq(s->ip_ttl, 64);
	ck_assert(s->ip_off & IP_DF);
	ck_assert_uint_eq(s->mss, 1460);
	ck_assert_uint_eq(s->wscale, 7);
	ck_assert(s->has & SEG_HAS_SACKOK);
	ck_assert_uint_eq(s->ts_val, 4595424u);
	ck_assert_uint_eq(s->opt_len, 20); /* the SYN's 20 option bytes */
	ck_assert_int_eq(r.pk[0].cksum, ANNOT_CKSUM_BAD);
	ck_assert_uint_eq(r.pk[0].cksum_good, 0xdc83);
	ck_assert_int_eq(r.pk[1].cksum, ANNOT_CKSUM_OK);
	ck_assert_uint_eq(r.pk[0].first_line, 1);
	ck_assert_uint_eq(r.pk[0].last_line, 2);
	ck_assert_int_eq(r.pk[0].sec, 10 * 3600 + 49 * 60 + 10);
	ck_assert_uint_eq(r.pk[0].usec, 94025);
	/* The SYN-ACK is absolute; the third ACK relative to both ISNs. */
	ck_assert(!r.pk[1].relative);
	ck_assert(r.pk[2].relative);
	ck_assert_uint_eq(r.pk[2].seg.seq, 250118292u);
	ck_assert_uint_eq(r.pk[2].seg.ack, 2336326089u);
	/* The request: HTTP lines belong to it, up to the last "\t". */
	ck_assert_uint_eq(r.pk[3].seg.payload_len, 142);
	ck_assert_ptr_null(r.pk[3].seg.payload);
	ck_assert_uint_eq(r.pk[3].first_line, 7);
	ck_assert_uint_eq(r.pk[3].last_line, 14);
	ck_assert_uint_eq(r.pk[3].seg.ts_ecr, 2480165653u);
}
END_TEST

/* tcpdump 4.99.3 default form, names on (TCPDUMP-FORMAT.md 11C). */
static int host_cb(void *arg, const char *name, uint32_t *addr)
{
	(void)arg;
	if (strcmp(name, "alpha.example") != 0)
		return -1;
	*addr = 0x0a090001;
	return 0;
}

START_TEST(test_default_form_names)
{
	static const struct tdtext_names names = {host_cb, NULL, NULL};
	struct run r;

	feed(&r, &names,
	     "22:13:20.126456 IP alpha.example.54321 > 10.9.0.2.http-alt: "
	     "Flags [P.], seq 1:67, ack 1, win 502, options [nop,nop,TS val "
	     "113 "
	     "ecr 222], length 66: HTTP: GET /index.html HTTP/1.1\n"
	     "Posted by a student, 3 comments\n");
	ck_assert_uint_eq(r.npk, 1);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_uint_eq(r.bad[0], 2);
	ck_assert_uint_eq(r.pk[0].seg.saddr, 0x0a090001);
	ck_assert_uint_eq(r.pk[0].seg.dport, 8080);
	ck_assert_uint_eq(r.pk[0].seg.flags, TH_PSH | TH_ACK);
	ck_assert_uint_eq(r.pk[0].seg.payload_len, 66);
	ck_assert(!r.pk[0].verbose);
	ck_assert_int_eq(r.pk[0].cksum, ANNOT_CKSUM_UNKNOWN);
	/* The first ACK of a pair is taken as printed (tcpdump's rule). */
	ck_assert_uint_eq(r.pk[0].seg.seq, 1);
	ck_assert_int_eq(r.pk[0].sec, 22 * 3600 + 13 * 60 + 20);
}
END_TEST

/* -t, relative numbers across the wrap, and a bare ACK without seq. */
START_TEST(test_no_timestamp_relative_wrap)
{
	struct run r;

	feed(&r, NULL,
	     "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 4294967294, win "
	     "64240, length 0\n"
	     "\n"
	     "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 4294967280, ack "
	     "4294967295, win 65160, length 0\n"
	     "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 502, "
	     "length "
	     "0\n"
	     "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:11, ack 1, "
	     "win "
	     "502, length 10: HTTP: GET / HTTP/1.1\n"
	     "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 11, win 509, "
	     "length "
	     "0\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 5);
	ck_assert(!r.pk[0].has_time);
	ck_assert_uint_eq(r.pk[2].seg.ack, 4294967281u);
	/* No seq printed: the client's next number, 0xffffffff. */
	ck_assert(!r.pk[2].has_seq);
	ck_assert_uint_eq(r.pk[2].seg.seq, 4294967295u);
	ck_assert_uint_eq(r.pk[3].seg.seq, 4294967295u);
	ck_assert_uint_eq(r.pk[4].seg.ack, 9); /* 4294967295 + 10, wrapped */
	ck_assert_uint_eq(r.pk[4].seg.seq, 4294967281u);
	ck_assert_uint_eq(r.pk[2].first_line, 4);
}
END_TEST

/* -S: numbers near the ISNs are taken as absolute. */
START_TEST(test_absolute_S)
{
	struct run r;

	feed(&r, NULL,
	     "1700000000.123456 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], "
	     "seq "
	     "1000000000, win 64240, length 0\n"
	     "1700000000.123556 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], "
	     "seq 3000000000, ack 1000000001, win 65160, length 0\n"
	     "1700000000.123656 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], "
	     "seq 1000000001:1000000011, ack 3000000001, win 502, length 10\n");
	ck_assert_uint_eq(r.npk, 3);
	ck_assert(!r.pk[2].relative);
	ck_assert_uint_eq(r.pk[2].seg.seq, 1000000001u);
	ck_assert_uint_eq(r.pk[2].seg.ack, 3000000001u);
	ck_assert_int_eq(r.pk[0].sec, 1700000000);
	ck_assert_uint_eq(r.pk[0].usec, 123456);
}
END_TEST

/* -tttt dates, a Linux cooked prefix, HTTP lines pasted without TABs,
 * 4.99's [|http] marker. */
START_TEST(test_tttt_prefix_and_untabbed_http)
{
	struct run r;

	feed(&r, NULL,
	     "2023-11-14 22:13:20.128456 lo    In  IP (tos 0x0, ttl 64, id 6, "
	     "offset 0, flags [DF], proto TCP (6), length 133)\n"
	     "    10.9.0.2.8080 > 10.9.0.1.54321: Flags [P.], cksum 0x883e "
	     "(correct), seq 1:82, ack 67, win 509, options [nop,nop,TS val "
	     "224 "
	     "ecr 113], length 81: HTTP, length: 81\n"
	     "HTTP/1.1 200 OK\n"
	     "Content-Type: text/plain\n"
	     "\n"
	     "This is zhenghui [|http]\n"
	     "2023-11-14 22:13:20.128500 lo    In  IP 10.9.0.1.54321 > "
	     "10.9.0.2.8080: Flags [.], ack 82, win 500, length 0\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 2);
	ck_assert_int_eq(r.pk[0].sec, 1700000000);
	ck_assert_uint_eq(r.pk[0].usec, 128456);
	ck_assert_uint_eq(r.pk[0].last_line, 6);
	ck_assert_uint_eq(r.pk[0].seg.sport, 8080);
	/* The first packet set the bases as tcpdump does (ISN = seq 1). */
	ck_assert_uint_eq(r.pk[1].seg.ack, 83);
}
END_TEST

/* Lines that are not TCP, or not tcpdump at all. */
START_TEST(test_errors_reported_and_skipped)
{
	static const char nul_line[] = "IP 1.2.3.4.5 \0> 6";
	struct tdtext_ctx ctx;
	struct tdtext_pkt pk;
	struct tdtext_msg m;
	struct run r;

	feed(&r, NULL,
	     "Here is the capture from my server:\n"
	     "10:00:00.000001 IP 10.0.0.1.53 > 10.0.0.2.5353: UDP, length 5\n"
	     "10:00:00.000002 IP (tos 0x0, ttl 64, id 1, offset 0, flags "
	     "[none], "
	     "proto UDP (17), length 33)\n"
	     "    10.0.0.1.53 > 10.0.0.2.5353: UDP, length 5\n"
	     "10:00:00.000003 IP (tos 0x0, ttl 64, id 2, offset 0, flags [DF], "
	     "proto TCP (6), length 44)\n"
	     "    10.9.0.1.40000 > 10.9.0.2.8080:  tcp 4 [bad hdr length 16 - "
	     "too short, < 20]\n"
	     "10:00:00.000004 IP garbage here\n"
	     "10:00:00.000005 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq "
	     "5, "
	     "win 100, length 0\n"
	     "    continued text that is nothing\n");
	ck_assert_uint_eq(r.npk, 1);
	ck_assert_uint_eq(r.pk[0].seg.seq, 5);
	ck_assert_uint_eq(r.nskip, 3);
	ck_assert_uint_eq(r.nbad, 3);
	ck_assert_uint_eq(r.bad[0], 1);
	ck_assert_uint_eq(r.bad[1], 7);
	ck_assert_uint_eq(r.bad[2], 9);

	tdtext_init(&ctx, NULL);
	ck_assert_int_eq(
	        tdtext_line(&ctx, nul_line, sizeof(nul_line) - 1, &pk, &m),
	        TDTEXT_BAD);
	ck_assert_uint_eq(m.line, 1);
	ck_assert_int_eq(tdtext_end(&ctx, &pk), 0);
}
END_TEST

/* SACK blocks are relative to the ISN of the side being SACKed. */
START_TEST(test_sack_relative)
{
	struct run r;

	feed(&r, NULL,
	     "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 100, win 1, "
	     "length "
	     "0\n"
	     "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 101, "
	     "win "
	     "1, length 0\n"
	     "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 1, win 1, "
	     "options "
	     "[nop,nop,sack 1 {1001:2001}], length 0\n");
	ck_assert_uint_eq(r.npk, 3);
	ck_assert_uint_eq(r.pk[2].seg.sack_count, 1);
	ck_assert_uint_eq(r.pk[2].seg.sack[0].left, 1101);
	ck_assert_uint_eq(r.pk[2].seg.sack[0].right, 2101);
	ck_assert_uint_eq(r.pk[2].seg.seq, 5001);
}
END_TEST

/* The article's handshake as it quotes it: segment lines without "IP ". */
static const char article_bare[] =
        "localhost.localdomain.57290 > 192.168.101.5.webcache: Flags [S], "
        "seq 250118291, win 29200, options [mss 1460,sackOK,TS val 4595424 "
        "ecr 0,nop,wscale 7], length 0\n"
        "192.168.101.5.webcache > localhost.localdomain.57290: Flags [S.], "
        "seq 2336326088, ack 250118292, win 28960, options [mss "
        "1460,sackOK,TS val 2480165653 ecr 4595424,nop,wscale 7], length 0\n"
        "localhost.localdomain.57290 > 192.168.101.5.webcache: Flags [.], "
        "ack 1, win 229, options [nop,nop,TS val 4595426 ecr 2480165653], "
        "length 0\n";

START_TEST(test_no_ip_prefix_article)
{
	struct run r;
	const struct seg *s;

	feed(&r, NULL, article_bare);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.nskip, 0);
	ck_assert_uint_eq(r.npk, 3);
	s = &r.pk[1].seg;
	ck_assert_uint_eq(s->saddr, 0xc0a86505u);
	ck_assert_uint_eq(s->sport, 8080);
	ck_assert_str_eq(r.pk[1].dst_host, "localhost.localdomain");
	ck_assert_uint_eq(s->dport, 57290);
	ck_assert_uint_eq(s->flags, TH_SYN | TH_ACK);
	ck_assert_uint_eq(s->seq, 2336326088u);
	ck_assert_uint_eq(s->ack, 250118292u);
	ck_assert_uint_eq(s->win, 28960);
	ck_assert_uint_eq(s->mss, 1460);
	ck_assert_uint_eq(s->ts_val, 2480165653u);
	ck_assert(!r.pk[1].has_time);
	ck_assert(!r.pk[1].verbose);
	ck_assert_uint_eq(r.pk[1].first_line, 2);
	ck_assert_uint_eq(r.pk[1].last_line, 2);
	/* The third is relative to both ISNs, as with "IP " in front. */
	ck_assert(r.pk[2].relative);
	ck_assert_uint_eq(r.pk[2].seg.seq, 250118292u);
	ck_assert_uint_eq(r.pk[2].seg.ack, 2336326089u);
}
END_TEST

/* With a timestamp in front, and after a -v IP line that lost its
 * indentation; each reads as the same segment as with "IP ". */
START_TEST(test_no_ip_prefix_timestamp_and_ip_line)
{
	static const char syn_ack[] =
	        "192.168.101.5.webcache > localhost.localdomain.57290: Flags "
	        "[S.], seq 2336326088, ack 250118292, win 28960, options [mss "
	        "1460,sackOK,TS val 2480165653 ecr 4595424,nop,wscale 7], "
	        "length 0";
	char text[1024];
	struct run r, ref;

	snprintf(text, sizeof(text), "10:49:10.094140 IP %s\n", syn_ack);
	feed(&ref, NULL, text);
	ck_assert_uint_eq(ref.npk, 1);
	snprintf(text, sizeof(text), "10:49:10.094140 %s\n", syn_ack);
	feed(&r, NULL, text);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 1);
	ck_assert(r.pk[0].has_time);
	ck_assert_int_eq(r.pk[0].sec, 10 * 3600 + 49 * 60 + 10);
	ck_assert_uint_eq(r.pk[0].usec, 94140);
	ck_assert_mem_eq(&r.pk[0].seg, &ref.pk[0].seg, sizeof(struct seg));

	snprintf(text, sizeof(text),
	         "10:49:10.094140 IP (tos 0x0, ttl 64, id 0, offset 0, flags "
	         "[DF], proto TCP (6), length 60)\n%s\n",
	         syn_ack);
	feed(&r, NULL, text);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 1);
	ck_assert(r.pk[0].verbose);
	ck_assert_uint_eq(r.pk[0].seg.ip_len, 60);
	ck_assert_uint_eq(r.pk[0].seg.seq, 2336326088u);
	ck_assert_uint_eq(r.pk[0].last_line, 2);
}
END_TEST

/* A segment line without "IP " ends the HTTP lines of the packet before
 * it; text that only looks like one is still reported. */
START_TEST(test_no_ip_prefix_after_http_and_strays)
{
	struct run r;

	feed(&r, NULL,
	     "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:17, ack 1, "
	     "win 502, length 16: HTTP, length: 16\n"
	     "\tGET / HTTP/1.0\n"
	     "10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 17, win 509, "
	     "length 0\n"
	     "the host 10.0.0.2.80 > 10.0.0.1.40000: Flags [.] was slow\n"
	     "10.0.0.2.80 > 10.0.0.1.40000: UDP, length 5\n"
	     "a.b > c: Flags [S], seq 1, win 1, length 0\n");
	ck_assert_uint_eq(r.npk, 2);
	ck_assert_uint_eq(r.pk[0].last_line, 2);
	ck_assert_uint_eq(r.pk[1].first_line, 3);
	ck_assert_uint_eq(r.pk[1].seg.sport, 80);
	ck_assert_uint_eq(r.nbad, 3);
	ck_assert_uint_eq(r.bad[0], 4);
	ck_assert_uint_eq(r.bad[1], 5);
	ck_assert_uint_eq(r.bad[2], 6);
}
END_TEST

/* ---- IPv6: "IP6 " lines ---- */

/* 2001:db8:101::25 and 2001:db8:101::5, written out group by group. */
static const uint8_t td6_client[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25};
static const uint8_t td6_server[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};

/* A handshake and a request over IPv6, as tcpdump 4.99.3 prints them
 * without -v: the first two absolute, then relative to both ISNs. */
static const char ip6_plain[] =
        "22:13:20.000000 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: "
        "Flags [S], seq 250118291, win 64240, options [mss 1440,sackOK,TS "
        "val 4595424 ecr 0,nop,wscale 7], length 0\n"
        "22:13:20.000115 IP6 2001:db8:101::5.8080 > 2001:db8:101::25.53370: "
        "Flags [S.], seq 2336326088, ack 250118292, win 64240, options [mss "
        "1440,sackOK,TS val 2480165653 ecr 4595425,nop,wscale 7], length 0\n"
        "22:13:20.000147 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: "
        "Flags [.], ack 1, win 502, options [nop,nop,TS val 4595425 ecr "
        "2480165655], length 0\n"
        "22:13:20.001013 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: "
        "Flags [P.], seq 1:147, ack 1, win 502, options [nop,nop,TS val "
        "4595427 ecr 2480165655], length 146: HTTP: GET "
        "/truedei/test?name=zhenghui HTTP/1.1\n";

START_TEST(test_ip6_plain_relative)
{
	struct run r;
	const struct seg *s;
	unsigned i;

	feed(&r, NULL, ip6_plain);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.nskip, 0);
	ck_assert_uint_eq(r.npk, 4);
	for (i = 0; i < 4; i++) {
		s = &r.pk[i].seg;
		ck_assert_uint_eq(s->ip_v, 6);
		ck_assert(!r.pk[i].verbose);
		EXPECT_BYTES(i == 1 ? s->daddr6 : s->saddr6, 16, td6_client,
		             16);
		EXPECT_BYTES(i == 1 ? s->saddr6 : s->daddr6, 16, td6_server,
		             16);
		ck_assert_uint_eq(i == 1 ? s->dport : s->sport, 53370);
		ck_assert_uint_eq(i == 1 ? s->sport : s->dport, 8080);
	}
	s = &r.pk[0].seg;
	ck_assert_uint_eq(s->flags, TH_SYN);
	ck_assert_uint_eq(s->seq, 250118291u);
	ck_assert_uint_eq(s->mss, 1440);
	ck_assert_uint_eq(s->wscale, 7);
	ck_assert_uint_eq(r.pk[1].seg.flags, TH_SYN | TH_ACK);
	ck_assert_uint_eq(r.pk[1].seg.ack, 250118292u);
	/* The third ACK: relative 1 and 1 are each side's ISN + 1. */
	ck_assert(r.pk[2].relative);
	ck_assert_uint_eq(r.pk[2].seg.flags, TH_ACK);
	ck_assert_uint_eq(r.pk[2].seg.seq, 250118292u);
	ck_assert_uint_eq(r.pk[2].seg.ack, 2336326089u);
	ck_assert_uint_eq(r.pk[3].seg.flags, TH_PSH | TH_ACK);
	ck_assert_uint_eq(r.pk[3].seg.seq, 250118292u);
	ck_assert_uint_eq(r.pk[3].seg.payload_len, 146);
	ck_assert_uint_eq(r.pk[3].seg.ts_val, 4595427u);
}
END_TEST

/* -v: the fixed header in parentheses, the TCP part on the same line. */
START_TEST(test_ip6_verbose_class_flowlabel)
{
	struct run r;
	const struct seg *s;

	feed(&r, NULL,
	     "22:13:20.002425 IP6 (class 0xb8, flowlabel 0xcdef1, hlim 75, "
	     "next-header TCP (6) payload length: 332) 2001:db8:101::5.8080 > "
	     "2001:db8:101::25.53370: Flags [.], cksum 0x17bd (correct), seq "
	     "180:480, ack 347, win 509, options [nop,nop,TS val 2480165667 "
	     "ecr 4595443], length 300: HTTP\n"
	     "22:13:20.002675 IP6 (hlim 64, next-header TCP (6) payload "
	     "length: 42) 2001:db8:101::5.8080 > 2001:db8:101::25.53370: Flags "
	     "[P.], cksum 0x7118 (incorrect -> 0x2b18), seq 1920:1930, ack "
	     "347, win 509, options [nop,nop,TS val 2480165675 ecr 4595447], "
	     "length 10: HTTP\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.nskip, 0);
	ck_assert_uint_eq(r.npk, 2);
	s = &r.pk[0].seg;
	ck_assert(r.pk[0].verbose);
	ck_assert_uint_eq(s->ip_v, 6);
	ck_assert_uint_eq(s->ip_tos, 0xb8);
	ck_assert_uint_eq(s->ip6_flow, 0xcdef1);
	ck_assert_uint_eq(s->ip_ttl, 75);
	ck_assert_uint_eq(s->ip_len, 332);
	EXPECT_BYTES(s->saddr6, 16, td6_server, 16);
	EXPECT_BYTES(s->daddr6, 16, td6_client, 16);
	ck_assert_uint_eq(s->sport, 8080);
	ck_assert_uint_eq(s->dport, 53370);
	ck_assert_uint_eq(s->flags, TH_ACK);
	ck_assert_uint_eq(s->seq, 180);
	ck_assert_uint_eq(s->ack, 347);
	ck_assert_uint_eq(s->payload_len, 300);
	ck_assert_int_eq(r.pk[0].cksum, ANNOT_CKSUM_OK);
	/* Without class and flow label tcpdump prints neither: both 0. */
	s = &r.pk[1].seg;
	ck_assert_uint_eq(s->ip_tos, 0);
	ck_assert_uint_eq(s->ip6_flow, 0);
	ck_assert_uint_eq(s->ip_ttl, 64);
	ck_assert_uint_eq(s->ip_len, 42);
	ck_assert_int_eq(r.pk[1].cksum, ANNOT_CKSUM_BAD);
	ck_assert_uint_eq(r.pk[1].cksum_good, 0x2b18);
	ck_assert_uint_eq(r.pk[1].last_line, 2);
}
END_TEST

/* Names: a host no lookup knows is a label; the segment stays IPv6, and
 * the same label is the same address on every line. */
START_TEST(test_ip6_names)
{
	struct run r;

	feed(&r, NULL,
	     "IP6 client6.example.53370 > server6.example.http-alt: Flags "
	     "[S], seq 4294967290, win 64240, length 0\n"
	     "IP6 server6.example.http-alt > client6.example.53370: Flags "
	     "[S.], seq 4294967295, ack 4294967291, win 64240, length 0\n"
	     "IP6 client6.example.53370 > server6.example.http-alt: Flags "
	     "[.], ack 1, win 502, length 0\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 3);
	ck_assert_uint_eq(r.pk[0].seg.ip_v, 6);
	ck_assert_uint_eq(r.pk[2].seg.ip_v, 6);
	ck_assert_str_eq(r.pk[0].src_host, "client6.example");
	ck_assert_str_eq(r.pk[0].dst_host, "server6.example");
	ck_assert_uint_eq(r.pk[0].seg.dport, 8080);
	EXPECT_BYTES(r.pk[0].seg.saddr6, 16, r.pk[1].seg.daddr6, 16);
	EXPECT_BYTES(r.pk[0].seg.daddr6, 16, r.pk[2].seg.daddr6, 16);
	ck_assert(memcmp(r.pk[0].seg.saddr6, r.pk[0].seg.daddr6, 16) != 0);
	/* Relative numbers across the wrap: ISNs 4294967290, 4294967295. */
	ck_assert(r.pk[2].relative);
	ck_assert_uint_eq(r.pk[2].seg.seq, 4294967291u);
	ck_assert_uint_eq(r.pk[2].seg.ack, 0);
}
END_TEST

/* An IPv4 connection with the same ports, interleaved, keeps its own
 * ISNs, and so does the IPv6 one. */
START_TEST(test_ip6_and_ip4_same_ports)
{
	struct run r;

	feed(&r, NULL,
	     "IP6 2001:db8::1.40000 > 2001:db8::2.80: Flags [S], seq 1000, "
	     "win 1, length 0\n"
	     "IP 192.0.2.1.40000 > 192.0.2.2.80: Flags [S], seq 7000, win 1, "
	     "length 0\n"
	     "IP6 2001:db8::2.80 > 2001:db8::1.40000: Flags [S.], seq 3000, "
	     "ack 1001, win 1, length 0\n"
	     "IP 192.0.2.2.80 > 192.0.2.1.40000: Flags [S.], seq 9000, ack "
	     "7001, win 1, length 0\n"
	     "IP6 2001:db8::1.40000 > 2001:db8::2.80: Flags [P.], seq 1:11, "
	     "ack 1, win 1, length 10\n"
	     "IP 192.0.2.1.40000 > 192.0.2.2.80: Flags [P.], seq 1:21, ack 1, "
	     "win 1, length 20\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 6);
	ck_assert_uint_eq(r.pk[4].seg.ip_v, 6);
	ck_assert_uint_eq(r.pk[4].seg.seq, 1001);
	ck_assert_uint_eq(r.pk[4].seg.ack, 3001);
	ck_assert_uint_eq(r.pk[5].seg.ip_v, 4);
	ck_assert_uint_eq(r.pk[5].seg.saddr, 0xc0000201u);
	ck_assert_uint_eq(r.pk[5].seg.seq, 7001);
	ck_assert_uint_eq(r.pk[5].seg.ack, 9001);
}
END_TEST

/* The same with the IPv4-mapped forms of the IPv4 addresses: the same
 * 16 bytes, yet two connections, as tcpdump keeps them. */
START_TEST(test_ip6_mapped_apart_from_ip4)
{
	struct run r;

	feed(&r, NULL,
	     "IP6 ::ffff:192.0.2.1.40000 > ::ffff:192.0.2.2.80: Flags [S], "
	     "seq 1000000, win 1, length 0\n"
	     "IP 192.0.2.1.40000 > 192.0.2.2.80: Flags [S], seq 7000000, win "
	     "1, length 0\n"
	     "IP6 ::ffff:192.0.2.2.80 > ::ffff:192.0.2.1.40000: Flags [S.], "
	     "seq 3000000, ack 1000001, win 1, length 0\n"
	     "IP 192.0.2.2.80 > 192.0.2.1.40000: Flags [S.], seq 9000000, ack "
	     "7000001, win 1, length 0\n"
	     "IP6 ::ffff:192.0.2.1.40000 > ::ffff:192.0.2.2.80: Flags [P.], "
	     "seq 1:11, ack 1, win 1, length 10\n"
	     "IP 192.0.2.1.40000 > 192.0.2.2.80: Flags [P.], seq 1:21, ack 1, "
	     "win 1, length 20\n");
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_uint_eq(r.npk, 6);
	ck_assert_uint_eq(r.pk[4].seg.ip_v, 6);
	ck_assert_uint_eq(r.pk[4].seg.saddr6[10], 0xff);
	ck_assert_uint_eq(r.pk[4].seg.seq, 1000001);
	ck_assert_uint_eq(r.pk[4].seg.ack, 3000001);
	ck_assert_uint_eq(r.pk[5].seg.ip_v, 4);
	ck_assert_uint_eq(r.pk[5].seg.seq, 7000001);
	ck_assert_uint_eq(r.pk[5].seg.ack, 9000001);
}
END_TEST

/* Feeds text and keeps the messages of the lines that were skipped. */
static unsigned feed_skips(struct run *r, const char *text,
                           struct tdtext_msg *skips, unsigned max)
{
	const char *p = text, *nl;
	struct tdtext_pkt pk;
	struct tdtext_msg m;
	unsigned n = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	tdtext_init(&r->ctx, NULL);
	for (;;) {
		nl = strchr(p, '\n');
		rc = tdtext_line(&r->ctx, p, nl ? (size_t)(nl - p) : strlen(p),
		                 &pk, &m);
		if ((rc & TDTEXT_PKT) && r->npk < MAXPKT)
			r->pk[r->npk++] = pk;
		if ((rc & TDTEXT_BAD) && r->nbad < MAXPKT)
			r->bad[r->nbad++] = m.line;
		if ((rc & TDTEXT_SKIP) && n < max)
			skips[n++] = m;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (tdtext_end(&r->ctx, &pk) == TDTEXT_PKT && r->npk < MAXPKT)
		r->pk[r->npk++] = pk;
	return n;
}

/* A TCP segment behind extension headers is skipped and said to be, in
 * either form; the line after it is read as usual. */
START_TEST(test_ip6_extension_headers_skipped)
{
	static const char *const lines[] = {
	        "22:13:20.002775 IP6 (hlim 64, next-header Options (0) payload "
	        "length: 40) 2001:db8:101::25 > 2001:db8:101::5: HBH (padn) "
	        "53370 > 8080: Flags [.], cksum 0x7b73 (correct), ack 1930, "
	        "win 502, options [nop,nop,TS val 4595447 ecr 2480165679], "
	        "length 0",
	        "22:13:20.002775 IP6 2001:db8:101::25 > 2001:db8:101::5: HBH "
	        "53370 > 8080: Flags [.], ack 1930, win 502, options "
	        "[nop,nop,TS val 4595447 ecr 2480165679], length 0",
	        "22:13:20.002805 IP6 2001:db8:101::25 > 2001:db8:101::5: "
	        "DSTOPT "
	        "53370 > 8080: Flags [.], ack 1930, win 502, length 0",
	        "22:13:20.002825 IP6 2001:db8:101::5 > 2001:db8:101::25: frag "
	        "(0|62) 8080 > 53370: Flags [P.], seq 1930:1960, ack 347, win "
	        "509, length 30: HTTP",
	        "22:13:20.002845 IP6 2001:db8:101::5 > 2001:db8:101::25: frag "
	        "(1448|62)",
	};
	static const char next[] =
	        "22:13:20.002865 IP6 2001:db8:101::25.53370 > "
	        "2001:db8:101::5.8080: Flags [F.], seq 347, ack 1960, win 502, "
	        "length 0\n";
	char text[1024];
	struct tdtext_msg skips[4];
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "%s\n%s", lines[i], next);
		ck_assert_uint_eq(feed_skips(&r, text, skips, 4), 1);
		ck_assert_msg(r.nbad == 0, "line %zu reported as unreadable",
		              i);
		ck_assert_uint_eq(skips[0].line, 1);
		ck_assert_ptr_nonnull(
		        strstr(skips[0].text, "extension headers"));
		ck_assert_uint_eq(r.npk, 1);
		ck_assert_uint_eq(r.pk[0].first_line, 2);
		ck_assert_uint_eq(r.pk[0].seg.flags, TH_FIN | TH_ACK);
		ck_assert_uint_eq(r.pk[0].seg.seq, 347);
	}
}
END_TEST

static Suite *tdtext_suite(void)
{
	Suite *s = suite_create("tdtext");
	TCase *tc = tcase_create("forms");

	TESTLIB_ADD(tc, test_vv_article);
	TESTLIB_ADD(tc, test_default_form_names);
	TESTLIB_ADD(tc, test_no_timestamp_relative_wrap);
	TESTLIB_ADD(tc, test_absolute_S);
	TESTLIB_ADD(tc, test_tttt_prefix_and_untabbed_http);
	TESTLIB_ADD(tc, test_errors_reported_and_skipped);
	TESTLIB_ADD(tc, test_sack_relative);
	TESTLIB_ADD(tc, test_no_ip_prefix_article);
	TESTLIB_ADD(tc, test_no_ip_prefix_timestamp_and_ip_line);
	TESTLIB_ADD(tc, test_no_ip_prefix_after_http_and_strays);
	TESTLIB_ADD(tc, test_ip6_plain_relative);
	TESTLIB_ADD(tc, test_ip6_verbose_class_flowlabel);
	TESTLIB_ADD(tc, test_ip6_names);
	TESTLIB_ADD(tc, test_ip6_and_ip4_same_ports);
	TESTLIB_ADD(tc, test_ip6_mapped_apart_from_ip4);
	TESTLIB_ADD(tc, test_ip6_extension_headers_skipped);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(tdtext_suite)
