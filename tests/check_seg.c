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

static Suite *seg_suite(void)
{
	Suite *s = suite_create("seg");
	TCase *art = tcase_create("article");
	TCase *err = tcase_create("errors");
	TCase *opt = tcase_create("options");
	TCase *ck = tcase_create("checksum");
	TCase *enc = tcase_create("encode");

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
	return s;
}

TESTLIB_MAIN(seg_suite)
