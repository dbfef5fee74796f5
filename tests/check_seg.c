/*
 * check_seg.c: the segment codec (common/seg.c).
 *
 * The article's ten segments are encoded from their fields and must carry
 * the checksums that went on the wire; decoding them must give back every
 * field and re-encoding every byte. Every truncation of every segment must
 * fail cleanly: each test hands the decoder a buffer of exactly the
 * truncated size on the heap, so that AddressSanitizer catches a read past
 * it. Crafted packets cover each error code.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"
#include "tests/article.h"
#include "tests/testlib.h"

#define BUFSZ 2048

/* The IPv4 total length of each of the article's segments. */
static const uint16_t article_ip_len[ARTICLE_NSEG] = {60,  60, 52, 194, 52,
                                                      319, 52, 52, 52,  52};

/* Encodes the article's segment i into buf; returns its length. */
static size_t encode_article(unsigned i, uint8_t *buf)
{
	struct seg s;
	int n;

	article_build(i, &s);
	n = seg_encode(&s, buf, BUFSZ);
	ck_assert_int_gt(n, 0);
	return (size_t)n;
}

/* Decodes a heap copy of exactly len bytes, so over-reads are caught. */
static int decode_exact(struct seg *s, const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p, len);
	err = seg_decode(s, copy, len);
	free(copy);
	/* s->payload pointed into copy: do not let a caller use it. */
	s->payload = NULL;
	return err;
}

/*
 * An independent RFC 1071 sum: one 16-bit word at a time, folding the
 * carry after every addition. Data whose checksum field is filled in sums
 * to 0xffff.
 */
static uint16_t naive_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 2) {
		uint16_t w = (uint16_t)(p[i] << 8);

		if (i + 1 < len)
			w |= p[i + 1];
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* The naive sum over the pseudo-header and TCP segment of an IPv4 packet. */
static uint16_t naive_tcp_sum(const uint8_t *ip)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
	size_t total = (size_t)(ip[2] << 8 | ip[3]);
	uint8_t ph[12] = {0};

	memcpy(ph, ip + 12, 8);
	ph[9] = 6;
	ph[10] = (uint8_t)((total - hlen) >> 8);
	ph[11] = (uint8_t)(total - hlen);
	return naive_sum(naive_sum(0, ph, 12), ip + hlen, total - hlen);
}

/* Compares every field but the checksums, and the payload bytes. */
static void expect_same_fields(const struct seg *a, const struct seg *b)
{
	ck_assert_uint_eq(a->ip_tos, b->ip_tos);
	ck_assert_uint_eq(a->ip_id, b->ip_id);
	ck_assert_uint_eq(a->ip_off, b->ip_off);
	ck_assert_uint_eq(a->ip_ttl, b->ip_ttl);
	ck_assert_uint_eq(a->ip_proto, b->ip_proto);
	ck_assert_uint_eq(a->saddr, b->saddr);
	ck_assert_uint_eq(a->daddr, b->daddr);
	ck_assert_uint_eq(a->ip_opt_len, b->ip_opt_len);
	EXPECT_BYTES(a->ip_opt, a->ip_opt_len, b->ip_opt, b->ip_opt_len);
	ck_assert_uint_eq(a->sport, b->sport);
	ck_assert_uint_eq(a->dport, b->dport);
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_uint_eq(a->ack, b->ack);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->win, b->win);
	ck_assert_uint_eq(a->urp, b->urp);
	ck_assert_uint_eq(a->opt_len, b->opt_len);
	EXPECT_BYTES(a->opt_raw, a->opt_len, b->opt_raw, b->opt_len);
	ck_assert_uint_eq(a->has, b->has);
	ck_assert_uint_eq(a->mss, b->mss);
	ck_assert_uint_eq(a->wscale, b->wscale);
	ck_assert_uint_eq(a->ts_val, b->ts_val);
	ck_assert_uint_eq(a->ts_ecr, b->ts_ecr);
	ck_assert_uint_eq(a->sack_count, b->sack_count);
	ck_assert_uint_eq(a->payload_len, b->payload_len);
	if (a->payload_len > 0)
		EXPECT_BYTES(a->payload, a->payload_len, b->payload,
		             b->payload_len);
}

/* The third segment (a bare ACK, 52 bytes) is the base of crafted cases. */
static size_t base_ack(uint8_t *buf)
{
	return encode_article(2, buf);
}

/* Builds a segment with the given raw TCP options (a multiple of 4). */
static size_t with_options(uint8_t *buf, const uint8_t *opt, size_t n)
{
	struct seg s;
	int len;

	article_build(2, &s);
	seg_opt_clear(&s);
	memcpy(s.opt_raw, opt, n);
	s.opt_len = (uint8_t)n;
	len = seg_encode(&s, buf, BUFSZ);
	ck_assert_int_gt(len, 0);
	return (size_t)len;
}

static int decode_options(const uint8_t *opt, size_t n)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = with_options(buf, opt, n);

	return decode_exact(&s, buf, len);
}

/* ---- The article's segments ---- */

START_TEST(test_article_encode_cksum)
{
	uint8_t buf[BUFSZ];
	unsigned i = (unsigned)_i;
	size_t len = encode_article(i, buf);

	ck_assert_uint_eq(len, article_ip_len[i]);
	ck_assert_uint_eq(buf[2] << 8 | buf[3], article_ip_len[i]);
	ck_assert_msg((buf[36] << 8 | buf[37]) == article_cksum(i),
	              "segment %u: tcp cksum 0x%02x%02x, want 0x%04x", i + 1,
	              buf[36], buf[37], article_cksum(i));
	ck_assert_uint_eq(naive_tcp_sum(buf), 0xffff);
}
END_TEST

START_TEST(test_article_ip_cksum_independent)
{
	uint8_t buf[BUFSZ];
	unsigned i = (unsigned)_i;

	encode_article(i, buf);
	ck_assert_uint_eq(buf[0], 0x45);
	ck_assert_uint_eq(naive_sum(0, buf, 20), 0xffff);
	ck_assert_uint_eq(ip_cksum(buf, 20), buf[10] << 8 | buf[11]);
}
END_TEST

/* The IP header checksum of the SYN, worked by hand: the words
 * 4500 003c 9e73 4000 4006 ---- c0a8 6519 c0a8 6505 sum to 0x3af23,
 * which folds to 0xaf26, whose complement is 0x50d9. */
START_TEST(test_article_syn_ip_cksum_by_hand)
{
	uint8_t buf[BUFSZ];

	encode_article(0, buf);
	ck_assert_uint_eq(buf[10], 0x50);
	ck_assert_uint_eq(buf[11], 0xd9);
}
END_TEST

START_TEST(test_article_decode_fields)
{
	uint8_t buf[BUFSZ];
	unsigned i = (unsigned)_i;
	struct seg want, got;
	size_t len = encode_article(i, buf);

	article_build(i, &want);
	ck_assert_int_eq(seg_decode(&got, buf, len), 0);
	expect_same_fields(&got, &want);
	ck_assert_uint_eq(got.ip_len, article_ip_len[i]);
	ck_assert_uint_eq(got.sum, article_cksum(i));
	ck_assert_uint_eq(got.ip_sum, buf[10] << 8 | buf[11]);
	ck_assert_ptr_eq(got.payload, buf + len - want.payload_len);
}
END_TEST

START_TEST(test_article_roundtrip)
{
	uint8_t buf[BUFSZ], again[BUFSZ];
	unsigned i = (unsigned)_i;
	struct seg s;
	size_t len = encode_article(i, buf);
	int n;

	ck_assert_int_eq(seg_decode(&s, buf, len), 0);
	ck_assert_uint_eq(seg_encoded_len(&s), len);
	n = seg_encode(&s, again, sizeof again);
	ck_assert_int_eq(n, (int)len);
	EXPECT_BYTES(again, (size_t)n, buf, len);
}
END_TEST

START_TEST(test_article_every_truncation)
{
	uint8_t buf[BUFSZ];
	unsigned i = (unsigned)_i;
	size_t len = encode_article(i, buf), cut;
	struct seg s;

	for (cut = 0; cut < len; cut++) {
		int err = decode_exact(&s, buf, cut);

		ck_assert_msg(err == TCPLAB_ETRUNC,
		              "segment %u cut to %zu bytes: %d (%s)", i + 1,
		              cut, err, tcplab_strerror(err));
	}
	ck_assert_int_eq(decode_exact(&s, buf, len), 0);
}
END_TEST

/* Link padding after the IPv4 total length is not part of the segment. */
START_TEST(test_article_link_padding_ignored)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = encode_article(2, buf);

	memset(buf + len, 0xee, 6);
	ck_assert_int_eq(seg_decode(&s, buf, len + 6), 0);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_uint_eq(s.ip_len, 52);
}
END_TEST

START_TEST(test_article_syn_options_bytes)
{
	static const uint8_t want[20] = {
	        0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x46,
	        0x1e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};
	uint8_t buf[BUFSZ];

	encode_article(0, buf);
	ck_assert_uint_eq(buf[32], (20 + 20) / 4 << 4);
	/* TS val 4595424 = 0x00461ee0, ecr 0. */
	EXPECT_BYTES(buf + 40, 20, want, sizeof want);
}
END_TEST

START_TEST(test_article_ts_options_bytes)
{
	static const uint8_t want[12] = {0x01, 0x01, 0x08, 0x0a, 0x00, 0x46,
	                                 0x1e, 0xe2, 0x93, 0xd4, 0x53, 0x15};
	uint8_t buf[BUFSZ];

	encode_article(2, buf);
	ck_assert_uint_eq(buf[32], 0x80);
	/* TS val 4595426 = 0x00461ee2, ecr 2480165653 = 0x93d45315. */
	EXPECT_BYTES(buf + 40, 12, want, sizeof want);
}
END_TEST

START_TEST(test_article_payload_lengths)
{
	ck_assert_uint_eq(article_request_len, 142);
	ck_assert_uint_eq(article_response_len, 267);
	ck_assert_int_eq(memcmp(article_response, "HTTP/1.1 200 \r\n", 15), 0);
	ck_assert_int_eq(memcmp(article_response + 251, "This is zhenghui", 16),
	                 0);
}
END_TEST

START_TEST(test_article_seq_len)
{
	static const uint32_t want[ARTICLE_NSEG] = {1,   1, 0, 142, 0,
	                                            267, 0, 1, 1,   0};
	struct seg s;
	unsigned i;

	for (i = 0; i < ARTICLE_NSEG; i++) {
		article_build(i, &s);
		ck_assert_uint_eq(seg_seq_len(&s), want[i]);
	}
}
END_TEST

START_TEST(test_article_time)
{
	int64_t sec;
	uint32_t usec;

	article_time(0, &sec, &usec);
	ck_assert_int_eq(sec, 1592232550);
	ck_assert_uint_eq(usec, 94025);
	article_time(9, &sec, &usec);
	ck_assert_uint_eq(usec, 98487);
}
END_TEST

/* ---- Crafted errors ---- */

START_TEST(test_decode_version_5)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[0] = 0x55;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EVERSION);
}
END_TEST

START_TEST(test_decode_ihl_below_5)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[0] = 0x44;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIHL);
	buf[0] = 0x40;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIHL);
}
END_TEST

START_TEST(test_decode_ip_len_below_header)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[2] = 0;
	buf[3] = 19;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
	/* With IHL 6 a total length of 20 is shorter than the header too. */
	buf[0] = 0x46;
	buf[3] = 20;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
}
END_TEST

START_TEST(test_decode_ip_len_past_capture)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[3] = 53;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_ETRUNC);
}
END_TEST

START_TEST(test_decode_proto_udp)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[9] = 17;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EPROTO);
}
END_TEST

START_TEST(test_decode_fragment_mf)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[6] = 0x20; /* MF, offset 0 */
	buf[7] = 0;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
}
END_TEST

START_TEST(test_decode_fragment_offset)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[6] = 0x40; /* DF and offset 8 bytes: not a first fragment. */
	buf[7] = 1;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
	buf[6] = 0x1f;
	buf[7] = 0xff;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
}
END_TEST

START_TEST(test_decode_tcp_shorter_than_header)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	/* IPv4 says 39 bytes: 19 of TCP, one short of its fixed header. */
	buf[3] = 39;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_ETRUNC);
}
END_TEST

START_TEST(test_decode_doff_too_short)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	buf[32] = 0x40;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EHDRLEN);
	buf[32] = 0x00;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EHDRLEN);
}
END_TEST

START_TEST(test_decode_doff_too_long)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	/* 36 bytes of header in a 32-byte TCP segment. */
	buf[32] = 0x90;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EHDRLEN);
	buf[32] = 0xf0;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EHDRLEN);
}
END_TEST

START_TEST(test_decode_doff_shorter_is_payload)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len = base_ack(buf);

	/* A data offset of 5: the 12 option bytes become payload. */
	buf[32] = 0x50;
	ck_assert_int_eq(decode_exact(&s, buf, len), 0);
	ck_assert_uint_eq(s.opt_len, 0);
	ck_assert_uint_eq(s.payload_len, 12);
	ck_assert_uint_eq(s.has, 0);
}
END_TEST

START_TEST(test_decode_opt_overrun)
{
	/* A TS option claiming 10 bytes with 6 left in the header. */
	static const uint8_t o[8] = {1, 1, 8, 10, 0, 0, 0, 0};

	ck_assert_int_eq(decode_options(o, sizeof o), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_unknown_overrun)
{
	static const uint8_t o[4] = {1, 1, 0xfd, 3};

	ck_assert_int_eq(decode_options(o, sizeof o), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_len_below_2)
{
	static const uint8_t o1[4] = {0xfd, 1, 1, 1};
	static const uint8_t o0[4] = {0xfd, 0, 1, 1};

	ck_assert_int_eq(decode_options(o1, sizeof o1), TCPLAB_EOPT);
	ck_assert_int_eq(decode_options(o0, sizeof o0), TCPLAB_EOPT);
}
END_TEST

/* The kind octet is the header's last: its length octet is missing. */
START_TEST(test_decode_opt_len_byte_missing)
{
	static const uint8_t o[4] = {1, 1, 1, TCPOPT_MSS};

	ck_assert_int_eq(decode_options(o, sizeof o), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_bad_mss_len)
{
	static const uint8_t o[8] = {2, 5, 5, 0xb4, 0, 1, 1, 1};
	static const uint8_t o3[4] = {2, 3, 5, 1};

	ck_assert_int_eq(decode_options(o, sizeof o), TCPLAB_EOPT);
	ck_assert_int_eq(decode_options(o3, sizeof o3), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_bad_wscale_sackok_ts_len)
{
	static const uint8_t ws[4] = {3, 4, 7, 0};
	static const uint8_t sok[4] = {4, 3, 0, 1};
	static const uint8_t ts[12] = {8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

	ck_assert_int_eq(decode_options(ws, sizeof ws), TCPLAB_EOPT);
	ck_assert_int_eq(decode_options(sok, sizeof sok), TCPLAB_EOPT);
	ck_assert_int_eq(decode_options(ts, sizeof ts), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_bad_sack_len)
{
	/* 2 + 7: not a whole number of 8-byte blocks. */
	static const uint8_t o[12] = {1, 1, 5, 9, 0, 0, 0, 1, 0, 0, 0, 2};

	ck_assert_int_eq(decode_options(o, sizeof o), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_decode_opt_eol_ends_list)
{
	/* After EOL comes padding: even bytes that would not parse. */
	static const uint8_t o[8] = {1, 0, 2, 9, 0xff, 0xff, 0xff, 0xff};
	uint8_t buf[BUFSZ], again[BUFSZ];
	struct seg s;
	size_t len = with_options(buf, o, sizeof o);

	ck_assert_int_eq(seg_decode(&s, buf, len), 0);
	ck_assert_uint_eq(s.has, SEG_HAS_EOL);
	ck_assert_int_eq(seg_encode(&s, again, sizeof again), (int)len);
	EXPECT_BYTES(again, len, buf, len);
}
END_TEST

/* ---- Options and IP options ---- */

START_TEST(test_sack_blocks_parsed)
{
	static const struct seg_sack blocks[3] = {{0xfffffff0u, 0x10},
	                                          {0x100, 0x200},
	                                          {2336326357u, 2336326400u}};
	uint8_t buf[BUFSZ];
	struct seg s;
	int len;
	unsigned i;

	article_build(9, &s);
	seg_opt_clear(&s);
	ck_assert_int_eq(seg_opt_nop(&s), 0);
	ck_assert_int_eq(seg_opt_nop(&s), 0);
	ck_assert_int_eq(seg_opt_sack(&s, blocks, 3), 0);
	ck_assert_uint_eq(s.opt_len, 28);
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(len, 20 + 20 + 28);
	ck_assert_uint_eq(naive_tcp_sum(buf), 0xffff);
	ck_assert_int_eq(seg_decode(&s, buf, (size_t)len), 0);
	ck_assert_uint_eq(s.has, SEG_HAS_SACK);
	ck_assert_uint_eq(s.sack_count, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(s.sack[i].left, blocks[i].left);
		ck_assert_uint_eq(s.sack[i].right, blocks[i].right);
	}
	ck_assert_uint_eq(buf[42], TCPOPT_SACK);
	ck_assert_uint_eq(buf[43], 26);
}
END_TEST

START_TEST(test_sack_four_blocks_fill_space)
{
	struct seg_sack b[4] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
	struct seg s;

	seg_init(&s);
	ck_assert_int_eq(seg_opt_sack(&s, b, 4), 0);
	ck_assert_uint_eq(s.opt_len, 34);
	ck_assert_int_eq(seg_opt_ts(&s, 1, 2), TCPLAB_EOPT);
	ck_assert_uint_eq(s.opt_len, 34);
	ck_assert_int_eq(seg_opt_sack(&s, b, 5), TCPLAB_EOPT);
	ck_assert_int_eq(seg_opt_sack(&s, b, 0), TCPLAB_EOPT);
}
END_TEST

START_TEST(test_unknown_option_kept)
{
	/* Kind 253 (RFC 4727 experiment), then nop, nop, TS. */
	static const uint8_t o[16] = {0xfd, 4, 0xab, 0xcd, 1, 1, 8, 10,
	                              0,    0, 0,    7,    0, 0, 0, 9};
	uint8_t buf[BUFSZ], again[BUFSZ];
	struct seg s;
	size_t len = with_options(buf, o, sizeof o);

	ck_assert_int_eq(seg_decode(&s, buf, len), 0);
	ck_assert_uint_eq(s.has, SEG_HAS_UNKNOWN | SEG_HAS_TS);
	ck_assert_uint_eq(s.ts_val, 7);
	ck_assert_uint_eq(s.ts_ecr, 9);
	EXPECT_BYTES(s.opt_raw, s.opt_len, o, sizeof o);
	ck_assert_int_eq(seg_encode(&s, again, sizeof again), (int)len);
	EXPECT_BYTES(again, len, buf, len);
}
END_TEST

START_TEST(test_options_padded_with_eol)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	int len;

	article_build(2, &s);
	seg_opt_clear(&s);
	ck_assert_int_eq(seg_opt_wscale(&s, 7), 0);
	ck_assert_uint_eq(s.opt_len, 3);
	ck_assert_uint_eq(seg_encoded_len(&s), 44);
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(len, 44);
	ck_assert_uint_eq(buf[32], 6 << 4);
	ck_assert_uint_eq(buf[40], 3);
	ck_assert_uint_eq(buf[43], 0);
	ck_assert_int_eq(seg_decode(&s, buf, (size_t)len), 0);
	ck_assert_uint_eq(s.has, SEG_HAS_WSCALE | SEG_HAS_EOL);
	ck_assert_uint_eq(s.wscale, 7);
}
END_TEST

START_TEST(test_options_overflow_40)
{
	struct seg s;
	int i;

	seg_init(&s);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(seg_opt_nop(&s), 0);
	ck_assert_int_eq(seg_opt_nop(&s), TCPLAB_EOPT);
	ck_assert_int_eq(seg_opt_eol(&s), TCPLAB_EOPT);
	ck_assert_int_eq(seg_opt_mss(&s, 1460), TCPLAB_EOPT);
	ck_assert_uint_eq(s.has, 0);
	seg_opt_clear(&s);
	ck_assert_int_eq(seg_opt_ts(&s, 1, 2), 0);
	ck_assert_int_eq(seg_opt_linux_syn(&s, 1460, 1, 2, 7), 0);
	ck_assert_uint_eq(s.opt_len, 30);
	ck_assert_int_eq(seg_opt_linux_ts(&s, 1, 2), TCPLAB_EOPT);
	ck_assert_int_eq(seg_opt_linux_syn(&s, 1460, 1, 2, 7), TCPLAB_EOPT);
	ck_assert_uint_eq(s.opt_len, 30);
}
END_TEST

START_TEST(test_ip_options_roundtrip)
{
	/* Router alert (RFC 2113), then NOP padding and an unknown option. */
	static const uint8_t ipo[8] = {0x94, 4, 0, 0, 1, 0x88, 2, 0};
	uint8_t buf[BUFSZ], again[BUFSZ];
	struct seg s, d;
	int len;

	article_build(3, &s);
	memcpy(s.ip_opt, ipo, sizeof ipo);
	s.ip_opt_len = sizeof ipo;
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(len, 194 + 8);
	ck_assert_uint_eq(buf[0], 0x47);
	ck_assert_uint_eq(naive_sum(0, buf, 28), 0xffff);
	ck_assert_uint_eq(naive_tcp_sum(buf), 0xffff);
	/* The TCP segment, checksum included, is the one without options. */
	ck_assert_uint_eq(buf[28 + 16] << 8 | buf[28 + 17], article_cksum(3));
	ck_assert_int_eq(seg_decode(&d, buf, (size_t)len), 0);
	expect_same_fields(&d, &s);
	ck_assert_int_eq(seg_encode(&d, again, sizeof again), len);
	EXPECT_BYTES(again, (size_t)len, buf, (size_t)len);
}
END_TEST

START_TEST(test_ip_options_every_truncation)
{
	static const uint8_t ipo[4] = {0x94, 4, 0, 0};
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t cut;
	int len;

	article_build(0, &s);
	memcpy(s.ip_opt, ipo, sizeof ipo);
	s.ip_opt_len = sizeof ipo;
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(len, 64);
	for (cut = 0; cut < (size_t)len; cut++)
		ck_assert_int_eq(decode_exact(&s, buf, cut), TCPLAB_ETRUNC);
}
END_TEST

/* IP options claiming more than the IHL are bytes like any other: the
 * decoder never interprets them, so it never follows their lengths. */
START_TEST(test_ip_options_not_interpreted)
{
	static const uint8_t ipo[4] = {0x83, 0xff, 0xff, 0xff};
	uint8_t buf[BUFSZ];
	struct seg s;
	int len;

	article_build(2, &s);
	memcpy(s.ip_opt, ipo, sizeof ipo);
	s.ip_opt_len = sizeof ipo;
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(decode_exact(&s, buf, (size_t)len), 0);
	ck_assert_uint_eq(s.ip_opt_len, 4);
	EXPECT_BYTES(s.ip_opt, 4, ipo, 4);
}
END_TEST

START_TEST(test_ns_flag_low_bit)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	int len;

	article_build(2, &s);
	s.flags |= TH_NS | TH_ECE | TH_CWR;
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_uint_eq(buf[32], 0x81);
	ck_assert_uint_eq(buf[33], 0xd0);
	ck_assert_int_eq(seg_decode(&s, buf, (size_t)len), 0);
	ck_assert_uint_eq(s.flags, TH_NS | TH_ECE | TH_CWR | TH_ACK);
}
END_TEST

/* ---- Checksums ---- */

/* RFC 1071, section 3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2. */
START_TEST(test_cksum_rfc1071_example)
{
	static const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03,
	                             0xf4, 0xf5, 0xf6, 0xf7};

	ck_assert_uint_eq(inet_cksum_finish(inet_cksum_add(0, d, 8)),
	                  (uint16_t)~0xddf2);
}
END_TEST

START_TEST(test_cksum_odd_length_payload)
{
	static const uint8_t odd[3] = {'a', 'b', 'c'};
	uint8_t buf[BUFSZ];
	struct seg s;
	int len;

	article_build(3, &s);
	s.payload = odd;
	s.payload_len = sizeof odd;
	len = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(len, 52 + 3);
	ck_assert_uint_eq(naive_tcp_sum(buf), 0xffff);
	ck_assert_uint_eq(tcp_cksum4(s.saddr, s.daddr, buf + 20, 35),
	                  buf[36] << 8 | buf[37]);
	ck_assert_int_eq(seg_decode(&s, buf, (size_t)len), 0);
	EXPECT_BYTES(s.payload, s.payload_len, odd, sizeof odd);
}
END_TEST

/* A sum continued over even-length chunks equals the sum in one go, and
 * agrees with the naive sum for every length up to 64 and every offset. */
START_TEST(test_cksum_chunks_and_lengths)
{
	uint8_t d[80];
	size_t i, n, off;

	for (i = 0; i < sizeof d; i++)
		d[i] = (uint8_t)(i * 37 + 0xf0);
	for (off = 0; off < 4; off++)
		for (n = 0; n <= 64; n++)
			ck_assert_uint_eq(inet_cksum_finish(inet_cksum_add(
			                          0, d + off, n)),
			                  (uint16_t)~naive_sum(0, d + off, n));
	ck_assert_uint_eq(inet_cksum_finish(inet_cksum_add(
	                          inet_cksum_add(0, d, 6), d + 6, 73)),
	                  inet_cksum_finish(inet_cksum_add(0, d, 79)));
}
END_TEST

/* Many 0xffff words make the 64-bit accumulator carry many times. */
START_TEST(test_cksum_all_ones)
{
	static uint8_t d[65535];

	memset(d, 0xff, sizeof d);
	ck_assert_uint_eq(inet_cksum_finish(inet_cksum_add(0, d, sizeof d)),
	                  (uint16_t)~naive_sum(0, d, sizeof d));
}
END_TEST

/* ---- Encoder limits and defaults ---- */

START_TEST(test_encode_enospc)
{
	uint8_t buf[BUFSZ];
	struct seg s;

	article_build(5, &s);
	ck_assert_int_eq(seg_encode(&s, buf, 318), TCPLAB_ENOSPC);
	ck_assert_int_eq(seg_encode(&s, buf, 0), TCPLAB_ENOSPC);
	ck_assert_int_eq(seg_encode(&s, buf, 20), TCPLAB_ENOSPC);
	ck_assert_int_eq(seg_encode(&s, buf, 319), 319);
}
END_TEST

START_TEST(test_encode_einval)
{
	uint8_t buf[BUFSZ];
	struct seg s;

	article_build(2, &s);
	s.ip_opt_len = 3;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
	s.ip_opt_len = 44;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
	article_build(2, &s);
	s.opt_len = 41;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
	article_build(2, &s);
	s.payload = NULL;
	s.payload_len = 1;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
	s.payload = buf;
	s.payload_len = 65535 - 52 + 1;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
	s.payload_len = (size_t)-1;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), TCPLAB_EINVAL);
}
END_TEST

START_TEST(test_init_linux_defaults)
{
	uint8_t buf[BUFSZ];
	struct seg s;

	memset(&s, 0xaa, sizeof s);
	seg_init(&s);
	ck_assert_uint_eq(s.ip_ttl, 64);
	ck_assert_uint_eq(s.ip_off, IP_DF);
	ck_assert_uint_eq(s.ip_proto, 6);
	ck_assert_uint_eq(s.opt_len, 0);
	ck_assert_uint_eq(s.has, 0);
	ck_assert_ptr_null(s.payload);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), 40);
	ck_assert_uint_eq(buf[6], 0x40);
	ck_assert_uint_eq(buf[8], 64);
	ck_assert_uint_eq(buf[32], 0x50);
}
END_TEST

/* ---- IPv6 (RFC 8200) ---- */

/* 2001:db8::1 and 2001:db8::2 (RFC 3849's documentation prefix). */
static const uint8_t doc6_a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                   0,    0,    0,    0,    0, 0, 0, 1};
static const uint8_t doc6_b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                   0,    0,    0,    0,    0, 0, 0, 2};

/*
 * A SYN over IPv6 written byte by byte from the two header layouts, not by
 * the encoder. RFC 8200, 3: version 6, traffic class 0xb8, flow label
 * 0x12345 (so 6 b8 12345 in the first 32 bits), payload length 20, next
 * header 6, hop limit 64, then the two addresses. RFC 9293, 3.1: ports
 * 40000 and 80, sequence number 0xfffffffe, acknowledgment 0, data offset
 * 5 with SYN, window 64240, the checksum, urgent pointer 0.
 *
 * The checksum by hand (RFC 8200, 8.1; RFC 1071), 16-bit words:
 *   source      2001 + 0db8 + 0001        destination 2001 + 0db8 + 0002
 *   length      0000 + 0014 (20, in 32 bits)
 *   next header 0000 + 0006 (three zero bytes, then 6)
 *   TCP         9c40 + 0050 + ffff + fffe + 0000 + 0000 + 5002 + faf0
 * 4002 + 1b70 = 5b72; + 1 + 2 + 14 + 6 = 5b8f; + 9c40 = f7cf; + 50 = f81f;
 * + ffff = 1f81e -> f81f; + fffe = 1f81d -> f81e; + 5002 = 14820 -> 4821;
 * + faf0 = 14311 -> 4312. The complement of 4312 is bced.
 */
static const uint8_t syn6_hand[60] = {
        0x6b, 0x81, 0x23, 0x45, 0x00, 0x14, 0x06, 0x40, /* fixed header */
        0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,    /* source */
        0,    0,    0,    0,    0,    0,    0,    1,    /* */
        0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,    /* destination */
        0,    0,    0,    0,    0,    0,    0,    2,    /* */
        0x9c, 0x40, 0x00, 0x50, 0xff, 0xff, 0xff, 0xfe, /* ports, seq */
        0,    0,    0,    0,    0x50, 0x02, 0xfa, 0xf0, /* ack, SYN, win */
        0xbc, 0xed, 0,    0};                           /* cksum, urp */

/* The fields of syn6_hand. */
static void syn6_fields(struct seg *s)
{
	seg_init6(s, doc6_a, doc6_b);
	s->ip_tos = 0xb8;
	s->ip6_flow = 0x12345;
	s->sport = 40000;
	s->dport = 80;
	s->seq = ISN_NEAR_WRAP;
	s->flags = TH_SYN;
	s->win = 64240;
}

START_TEST(test_ip6_decode_hand_syn)
{
	struct seg s;

	ck_assert_int_eq(decode_exact(&s, syn6_hand, sizeof syn6_hand), 0);
	ck_assert_uint_eq(s.ip_v, 6);
	ck_assert_uint_eq(s.ip_tos, 0xb8);
	ck_assert_uint_eq(s.ip6_flow, 0x12345);
	ck_assert_uint_eq(s.ip_len, 20);
	ck_assert_uint_eq(s.ip_proto, 6);
	ck_assert_uint_eq(s.ip_ttl, 64);
	EXPECT_BYTES(s.saddr6, 16, doc6_a, 16);
	EXPECT_BYTES(s.daddr6, 16, doc6_b, 16);
	/* The IPv4-only fields stay zero over IPv6. */
	ck_assert_uint_eq(s.ip_id, 0);
	ck_assert_uint_eq(s.ip_off, 0);
	ck_assert_uint_eq(s.ip_sum, 0);
	ck_assert_uint_eq(s.saddr, 0);
	ck_assert_uint_eq(s.daddr, 0);
	ck_assert_uint_eq(s.ip_opt_len, 0);
	ck_assert_uint_eq(s.sport, 40000);
	ck_assert_uint_eq(s.dport, 80);
	ck_assert_uint_eq(s.seq, ISN_NEAR_WRAP);
	ck_assert_uint_eq(s.ack, 0);
	ck_assert_uint_eq(s.flags, TH_SYN);
	ck_assert_uint_eq(s.win, 64240);
	ck_assert_uint_eq(s.sum, 0xbced);
	ck_assert_uint_eq(s.opt_len, 0);
	ck_assert_uint_eq(s.payload_len, 0);
}
END_TEST

START_TEST(test_ip6_encode_hand_syn)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	int n;

	syn6_fields(&s);
	ck_assert_uint_eq(seg_encoded_len(&s), 60);
	n = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_eq(n, 60);
	EXPECT_BYTES(buf, (size_t)n, syn6_hand, sizeof syn6_hand);
	ck_assert_int_eq(seg_encode(&s, buf, 59), TCPLAB_ENOSPC);
}
END_TEST

/* tcp_cksum6() gives the hand computation, whatever the checksum field
 * holds, and the filled-in segment sums to all ones. */
START_TEST(test_ip6_cksum_by_hand)
{
	uint8_t tcp[20];
	uint8_t ph[40] = {0};

	memcpy(tcp, syn6_hand + 40, 20);
	ck_assert_uint_eq(tcp_cksum6(doc6_a, doc6_b, tcp, 20), 0xbced);
	tcp[16] = 0x12;
	tcp[17] = 0x34;
	ck_assert_uint_eq(tcp_cksum6(doc6_a, doc6_b, tcp, 20), 0xbced);
	/* The pseudo-header of RFC 8200, 8.1, built here field by field. */
	memcpy(ph, doc6_a, 16);
	memcpy(ph + 16, doc6_b, 16);
	ph[35] = 20;
	ph[39] = 6;
	ck_assert_uint_eq(naive_sum(naive_sum(0, ph, 40), syn6_hand + 40, 20),
	                  0xffff);
	/* Swapping the addresses changes nothing: the sum commutes. A
	 * different address does change it. */
	ck_assert_uint_eq(tcp_cksum6(doc6_b, doc6_a, tcp, 20), 0xbced);
	ck_assert_uint_ne(tcp_cksum6(doc6_a, doc6_a, tcp, 20), 0xbced);
}
END_TEST

static uint8_t payload6[301];

/* A segment that sets every IPv6 field to a value with all bits in use:
 * traffic class 0xfd, flow label 0xfffff, hop limit 255, Linux's SYN
 * options, and an odd payload longer than 255 bytes. */
static void big6_fields(struct seg *s)
{
	size_t i;

	for (i = 0; i < sizeof payload6; i++)
		payload6[i] = (uint8_t)(i * 7 + 1);
	seg_init6(s, doc6_b, doc6_a);
	s->ip_tos = 0xfd;
	s->ip6_flow = 0xfffff;
	s->ip_ttl = 255;
	s->sport = 8080;
	s->dport = 53370;
	s->seq = ISN_NEAR_WRAP_PEER;
	s->ack = ISN_NEAR_WRAP + 1;
	s->flags = TH_ACK | TH_PSH | TH_ECE;
	s->win = 509;
	s->urp = 0;
	ck_assert_int_eq(seg_opt_linux_syn(s, 1440, 4595424, 2480165653u, 7),
	                 0);
	s->payload = payload6;
	s->payload_len = sizeof payload6;
}

START_TEST(test_ip6_roundtrip_fields)
{
	uint8_t buf[BUFSZ], again[BUFSZ];
	struct seg a, b;
	size_t want = 40 + 40 + sizeof payload6;
	int n;

	big6_fields(&a);
	n = seg_encode(&a, buf, sizeof buf);
	ck_assert_int_eq(n, (int)want);
	/* The fixed header, as RFC 8200, 3 lays it out. */
	ck_assert_uint_eq(buf[0], 0x6f);
	ck_assert_uint_eq(buf[1], 0xdf);
	ck_assert_uint_eq(buf[2], 0xff);
	ck_assert_uint_eq(buf[3], 0xff);
	ck_assert_uint_eq(buf[4] << 8 | buf[5], want - 40);
	ck_assert_uint_eq(buf[6], 6);
	ck_assert_uint_eq(buf[7], 255);
	EXPECT_BYTES(buf + 8, 16, doc6_b, 16);
	EXPECT_BYTES(buf + 24, 16, doc6_a, 16);
	ck_assert_uint_eq(buf[52], 0xa0); /* data offset 10: 20 option bytes */

	ck_assert_int_eq(seg_decode(&b, buf, (size_t)n), 0);
	ck_assert_uint_eq(b.ip_v, 6);
	ck_assert_uint_eq(b.ip6_flow, 0xfffff);
	ck_assert_uint_eq(b.ip_len, want - 40);
	EXPECT_BYTES(b.saddr6, 16, doc6_b, 16);
	EXPECT_BYTES(b.daddr6, 16, doc6_a, 16);
	ck_assert_uint_eq(b.mss, 1440);
	ck_assert_uint_eq(b.ts_ecr, 2480165653u);
	ck_assert(b.has & SEG_HAS_SACKOK);
	expect_same_fields(&a, &b);
	ck_assert_int_eq(seg_encode(&b, again, sizeof again), n);
	EXPECT_BYTES(again, (size_t)n, buf, (size_t)n);
}
END_TEST

/* The flow label has 20 bits: a wider value must not spill into the
 * traffic class or the version. */
START_TEST(test_ip6_flow_label_20_bits)
{
	uint8_t buf[BUFSZ];
	struct seg s;

	syn6_fields(&s);
	s.ip6_flow = 0xfff12345u;
	ck_assert_int_eq(seg_encode(&s, buf, sizeof buf), 60);
	EXPECT_BYTES(buf, 8, syn6_hand, 8);
}
END_TEST

/* The naive sum over RFC 8200's pseudo-header, with the upper-layer
 * length in 32 bits, and the TCP bytes at tcp[0..len). */
static uint16_t naive_tcp6_sum(const uint8_t *ip, const uint8_t *tcp,
                               size_t len)
{
	uint8_t ph[40] = {0};

	memcpy(ph, ip + 8, 32);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = 6;
	return naive_sum(naive_sum(0, ph, 40), tcp, len);
}

START_TEST(test_ip6_cksum_independent)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	int n;

	big6_fields(&s);
	n = seg_encode(&s, buf, sizeof buf);
	ck_assert_int_gt(n, 40);
	ck_assert_uint_eq(naive_tcp6_sum(buf, buf + 40, (size_t)n - 40),
	                  0xffff);
	/* One bit flipped anywhere the checksum covers is caught. */
	buf[8] ^= 0x40;
	ck_assert_uint_ne(naive_tcp6_sum(buf, buf + 40, (size_t)n - 40),
	                  0xffff);
}
END_TEST

/* Every cut of an IPv6 datagram is ETRUNC; bytes after it are padding. */
START_TEST(test_ip6_every_truncation)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t cut;
	int n;

	big6_fields(&s);
	n = seg_encode(&s, buf, sizeof buf);
	for (cut = 0; cut < (size_t)n; cut++)
		ck_assert_msg(decode_exact(&s, buf, cut) == TCPLAB_ETRUNC,
		              "cut at %zu of %d", cut, n);
	memset(buf + n, 0xee, 6);
	ck_assert_int_eq(decode_exact(&s, buf, (size_t)n + 6), 0);
	ck_assert_uint_eq(s.payload_len, sizeof payload6);
}
END_TEST

/* The payload length decides where the datagram ends, not the capture. */
START_TEST(test_ip6_payload_length)
{
	uint8_t buf[BUFSZ];
	struct seg s;

	memcpy(buf, syn6_hand, 60);
	buf[5] = 21; /* one byte more than was captured */
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_ETRUNC);
	buf[4] = buf[5] = 0xff;
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_ETRUNC);
	/* 19 bytes: one short of TCP's fixed header; 0 is a jumbogram's
	 * mark (RFC 2675), which carries no TCP header here either. */
	buf[4] = 0;
	buf[5] = 19;
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_ETRUNC);
	buf[5] = 0;
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_ETRUNC);
	/* A data offset of 6 words needs 24 bytes of the 20. */
	buf[5] = 20;
	buf[52] = 0x60;
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_EHDRLEN);
}
END_TEST

/* syn6_hand with the extension headers ext[0..n) after the fixed header,
 * whose next header becomes first; returns the length. */
static size_t ip6_with_ext(uint8_t *out, uint8_t first, const uint8_t *ext,
                           size_t n)
{
	memcpy(out, syn6_hand, 40);
	memcpy(out + 40, ext, n);
	memcpy(out + 40 + n, syn6_hand + 40, 20);
	out[6] = first;
	out[4] = (uint8_t)((20 + n) >> 8);
	out[5] = (uint8_t)(20 + n);
	return 60 + n;
}

/* Next header numbers (RFC 8200, 4 and IANA). */
#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAG    44
#define NH_ICMPV6  58
#define NH_NONE    59
#define NH_DSTOPTS 60

/* Hop-by-hop (RFC 8200, 4.3): next header, length 0 (8 bytes), PadN. */
#define EXT_HBH(nh) (nh), 0, 1, 4, 0, 0, 0, 0
/* Destination options (4.6), 16 bytes: Pad1, then PadN of 11. */
#define EXT_DST(nh) (nh), 1, 0, 1, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
/* Routing (4.4), 24 bytes: type 253 (RFC 4727, experiments), segments
 * left 0, so that a node ignores it; reserved, then 2001:db8::9. */
#define EXT_RT(nh)                                                             \
	(nh), 2, 253, 0, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, \
	        0, 0, 0, 0, 0, 9

/* Decodes p and expects syn6_hand's TCP segment, its checksum right over
 * the TCP bytes alone (the extension headers are not in the sum). */
static void expect_syn6_after(const uint8_t *p, size_t len, size_t ext)
{
	struct seg s;
	uint8_t *copy = malloc(len);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p, len);
	ck_assert_int_eq(seg_decode(&s, copy, len), 0);
	ck_assert_uint_eq(s.ip_v, 6);
	ck_assert_uint_eq(s.ip_len, 20 + ext);
	ck_assert_uint_eq(s.ip_proto, 6);
	ck_assert_uint_eq(s.sport, 40000);
	ck_assert_uint_eq(s.dport, 80);
	ck_assert_uint_eq(s.seq, ISN_NEAR_WRAP);
	ck_assert_uint_eq(s.flags, TH_SYN);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_ptr_eq(s.payload, copy + len);
	ck_assert_uint_eq(tcp_cksum6(s.saddr6, s.daddr6, copy + 40 + ext, 20),
	                  s.sum);
	free(copy);
}

START_TEST(test_ip6_ext_each_skipped)
{
	static const uint8_t hbh[] = {EXT_HBH(6)};
	static const uint8_t rt[] = {EXT_RT(6)};
	static const uint8_t dst[] = {EXT_DST(6)};
	uint8_t buf[BUFSZ];

	expect_syn6_after(buf, ip6_with_ext(buf, NH_HOPOPTS, hbh, 8), 8);
	expect_syn6_after(buf, ip6_with_ext(buf, NH_ROUTING, rt, 24), 24);
	expect_syn6_after(buf, ip6_with_ext(buf, NH_DSTOPTS, dst, 16), 16);
}
END_TEST

/* RFC 8200, 4.1's order: hop-by-hop, destination options, routing,
 * destination options, then TCP: 64 bytes of headers. */
static const uint8_t chain6[] = {EXT_HBH(NH_DSTOPTS), EXT_DST(NH_ROUTING),
                                 EXT_RT(NH_DSTOPTS), EXT_DST(6)};

START_TEST(test_ip6_ext_chain)
{
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len, cut;

	ck_assert_uint_eq(sizeof chain6, 64);
	len = ip6_with_ext(buf, NH_HOPOPTS, chain6, sizeof chain6);
	expect_syn6_after(buf, len, sizeof chain6);
	for (cut = 0; cut < len; cut++)
		ck_assert_msg(decode_exact(&s, buf, cut) == TCPLAB_ETRUNC,
		              "cut at %zu of %zu", cut, len);
}
END_TEST

/* An extension header's length is checked against the payload length
 * before the decoder steps over it, even when the capture goes on. */
START_TEST(test_ip6_ext_len_past_payload)
{
	uint8_t ext[48] = {EXT_HBH(6)};
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len;

	len = ip6_with_ext(buf, NH_HOPOPTS, ext, 8);
	buf[41] = 3; /* 32 bytes of header in a 28-byte payload */
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
	buf[41] = 255; /* 2048 bytes */
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
	/* A payload too short for an extension header's first 8 bytes. */
	buf[41] = 0;
	buf[4] = 0;
	buf[5] = 7;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
	/* A header that fills the payload exactly leaves no TCP header. */
	buf[5] = 8;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_ETRUNC);
	/* The chain ends past the payload in its last header. */
	len = ip6_with_ext(buf, NH_HOPOPTS, chain6, sizeof chain6);
	buf[5] = 64 - 1;
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EIPLEN);
}
END_TEST

/* A fragment header, alone or after others: the TCP header may be in
 * another datagram, so the decoder reports it. */
START_TEST(test_ip6_fragment)
{
	/* RFC 8200, 4.5: next header, reserved, offset and M, the id. */
	static const uint8_t first[] = {6,    0,    0x00, 0x01,
	                                0x12, 0x34, 0x56, 0x78};
	static const uint8_t later[] = {6, 0, 0x05, 0xa8, 0, 0, 0, 9};
	static const uint8_t hbh_frag[] = {
	        EXT_HBH(NH_FRAG), 6, 0, 0, 1, 0, 0, 0, 7};
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len;

	len = ip6_with_ext(buf, NH_FRAG, first, sizeof first);
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
	len = ip6_with_ext(buf, NH_FRAG, later, sizeof later);
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
	len = ip6_with_ext(buf, NH_HOPOPTS, hbh_frag, sizeof hbh_frag);
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EFRAG);
}
END_TEST

START_TEST(test_ip6_not_tcp)
{
	static const uint8_t hbh_icmp[] = {EXT_HBH(NH_ICMPV6)};
	static const uint8_t dst_none[] = {EXT_DST(NH_NONE)};
	uint8_t buf[BUFSZ];
	struct seg s;
	size_t len;

	memcpy(buf, syn6_hand, 60);
	buf[6] = 17; /* UDP */
	ck_assert_int_eq(decode_exact(&s, buf, 60), TCPLAB_EPROTO);
	ck_assert_uint_eq(s.ip_proto, 17);
	len = ip6_with_ext(buf, NH_HOPOPTS, hbh_icmp, sizeof hbh_icmp);
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EPROTO);
	ck_assert_uint_eq(s.ip_proto, NH_ICMPV6);
	len = ip6_with_ext(buf, NH_DSTOPTS, dst_none, sizeof dst_none);
	ck_assert_int_eq(decode_exact(&s, buf, len), TCPLAB_EPROTO);
	ck_assert_uint_eq(s.ip_proto, NH_NONE);
}
END_TEST

/* struct ipaddr: IPv4 as the IPv4-mapped address of RFC 4291, 2.5.5.2
 * (80 zero bits, 16 one bits, the IPv4 address). */
START_TEST(test_ipaddr_helpers)
{
	static const uint8_t mapped[16] = {0, 0, 0,    0,    0,   0, 0, 0,
	                                   0, 0, 0xff, 0xff, 192, 0, 2, 1};
	/* ::192.0.2.1 (2.5.5.1, deprecated) and ::ffff:0:192.0.2.1 (RFC
	 * 6052's neighbour, SIIT) are not IPv4 addresses here. */
	static const uint8_t compat[16] = {0, 0, 0, 0, 0,   0, 0, 0,
	                                   0, 0, 0, 0, 192, 0, 2, 1};
	static const uint8_t siit[16] = {0,    0,    0, 0, 0,   0, 0, 0,
	                                 0xff, 0xff, 0, 0, 192, 0, 2, 1};
	struct ipaddr a = ipaddr_of4(0xc0000201u), b, z4 = ipaddr_of4(0), z6;

	EXPECT_BYTES(a.b, 16, mapped, 16);
	ck_assert(ipaddr_is4(&a));
	ck_assert_uint_eq(ipaddr_v4(&a), 0xc0000201u);
	memcpy(b.b, compat, 16);
	ck_assert(!ipaddr_is4(&b));
	ck_assert(!ipaddr_eq(&a, &b));
	memcpy(b.b, siit, 16);
	ck_assert(!ipaddr_is4(&b));
	memcpy(b.b, doc6_a, 16);
	ck_assert(!ipaddr_is4(&b));
	ck_assert(ipaddr_eq(&a, &a));
	b = ipaddr_of4(0xc0000202u);
	ck_assert(!ipaddr_eq(&a, &b));
	b = a;
	b.b[0] = 1;
	ck_assert(!ipaddr_eq(&a, &b));
	/* The unspecified address of each family: :: and 0.0.0.0. */
	memset(z6.b, 0, 16);
	ck_assert(ipaddr_any(&z6));
	ck_assert(ipaddr_any(&z4));
	ck_assert(!ipaddr_eq(&z4, &z6));
	ck_assert(!ipaddr_any(&a));
	z6.b[15] = 1; /* ::1 */
	ck_assert(!ipaddr_any(&z6));
	z4 = ipaddr_of4(1);
	ck_assert(!ipaddr_any(&z4));
	z4 = ipaddr_of4(0x80000000u);
	ck_assert(!ipaddr_any(&z4));
}
END_TEST

START_TEST(test_seg_src_dst)
{
	struct seg s;
	struct ipaddr a, want4 = ipaddr_of4(0xc0a86519u);

	article_build(0, &s);
	a = seg_src(&s);
	ck_assert(ipaddr_eq(&a, &want4));
	a = seg_dst(&s);
	ck_assert(ipaddr_is4(&a));
	ck_assert_uint_eq(ipaddr_v4(&a), 0xc0a86505u);
	syn6_fields(&s);
	/* Leftover IPv4 fields do not matter over IPv6. */
	s.saddr = 0xc0a86519u;
	a = seg_src(&s);
	EXPECT_BYTES(a.b, 16, doc6_a, 16);
	a = seg_dst(&s);
	EXPECT_BYTES(a.b, 16, doc6_b, 16);
	ck_assert(!ipaddr_is4(&a));
}
END_TEST

static Suite *seg_suite(void)
{
	Suite *s = suite_create("seg");
	TCase *art = tcase_create("article");
	TCase *err = tcase_create("errors");
	TCase *opt = tcase_create("options");
	TCase *ck = tcase_create("checksum");
	TCase *enc = tcase_create("encode");
	TCase *v6 = tcase_create("ipv6");

	tcase_add_loop_test(art, test_article_encode_cksum, 0, ARTICLE_NSEG);
	tcase_add_loop_test(art, test_article_ip_cksum_independent, 0,
	                    ARTICLE_NSEG);
	tcase_add_test(art, test_article_syn_ip_cksum_by_hand);
	tcase_add_loop_test(art, test_article_decode_fields, 0, ARTICLE_NSEG);
	tcase_add_loop_test(art, test_article_roundtrip, 0, ARTICLE_NSEG);
	tcase_add_loop_test(art, test_article_every_truncation, 0,
	                    ARTICLE_NSEG);
	tcase_add_test(art, test_article_link_padding_ignored);
	tcase_add_test(art, test_article_syn_options_bytes);
	tcase_add_test(art, test_article_ts_options_bytes);
	tcase_add_test(art, test_article_payload_lengths);
	tcase_add_test(art, test_article_seq_len);
	tcase_add_test(art, test_article_time);
	suite_add_tcase(s, art);

	tcase_add_test(err, test_decode_version_5);
	tcase_add_test(err, test_decode_ihl_below_5);
	tcase_add_test(err, test_decode_ip_len_below_header);
	tcase_add_test(err, test_decode_ip_len_past_capture);
	tcase_add_test(err, test_decode_proto_udp);
	tcase_add_test(err, test_decode_fragment_mf);
	tcase_add_test(err, test_decode_fragment_offset);
	tcase_add_test(err, test_decode_tcp_shorter_than_header);
	tcase_add_test(err, test_decode_doff_too_short);
	tcase_add_test(err, test_decode_doff_too_long);
	tcase_add_test(err, test_decode_doff_shorter_is_payload);
	tcase_add_test(err, test_decode_opt_overrun);
	tcase_add_test(err, test_decode_opt_unknown_overrun);
	tcase_add_test(err, test_decode_opt_len_below_2);
	tcase_add_test(err, test_decode_opt_len_byte_missing);
	tcase_add_test(err, test_decode_opt_bad_mss_len);
	tcase_add_test(err, test_decode_opt_bad_wscale_sackok_ts_len);
	tcase_add_test(err, test_decode_opt_bad_sack_len);
	tcase_add_test(err, test_decode_opt_eol_ends_list);
	suite_add_tcase(s, err);

	tcase_add_test(opt, test_sack_blocks_parsed);
	tcase_add_test(opt, test_sack_four_blocks_fill_space);
	tcase_add_test(opt, test_unknown_option_kept);
	tcase_add_test(opt, test_options_padded_with_eol);
	tcase_add_test(opt, test_options_overflow_40);
	tcase_add_test(opt, test_ip_options_roundtrip);
	tcase_add_test(opt, test_ip_options_every_truncation);
	tcase_add_test(opt, test_ip_options_not_interpreted);
	tcase_add_test(opt, test_ns_flag_low_bit);
	suite_add_tcase(s, opt);

	tcase_add_test(ck, test_cksum_rfc1071_example);
	tcase_add_test(ck, test_cksum_odd_length_payload);
	tcase_add_test(ck, test_cksum_chunks_and_lengths);
	tcase_add_test(ck, test_cksum_all_ones);
	suite_add_tcase(s, ck);

	tcase_add_test(enc, test_encode_enospc);
	tcase_add_test(enc, test_encode_einval);
	tcase_add_test(enc, test_init_linux_defaults);
	suite_add_tcase(s, enc);

	tcase_add_test(v6, test_ip6_decode_hand_syn);
	tcase_add_test(v6, test_ip6_encode_hand_syn);
	tcase_add_test(v6, test_ip6_cksum_by_hand);
	tcase_add_test(v6, test_ip6_roundtrip_fields);
	tcase_add_test(v6, test_ip6_flow_label_20_bits);
	tcase_add_test(v6, test_ip6_cksum_independent);
	tcase_add_test(v6, test_ip6_every_truncation);
	tcase_add_test(v6, test_ip6_payload_length);
	tcase_add_test(v6, test_ip6_ext_each_skipped);
	tcase_add_test(v6, test_ip6_ext_chain);
	tcase_add_test(v6, test_ip6_ext_len_past_payload);
	tcase_add_test(v6, test_ip6_fragment);
	tcase_add_test(v6, test_ip6_not_tcp);
	tcase_add_test(v6, test_ipaddr_helpers);
	tcase_add_test(v6, test_seg_src_dst);
	suite_add_tcase(s, v6);
	return s;
}

TESTLIB_MAIN(seg_suite)
