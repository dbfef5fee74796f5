/*
 * fuzz_seg.c: libFuzzer target for the segment codec.
 *
 * Whatever the bytes, seg_decode() must return without reading past them.
 * When it accepts them, encoding the result must give a segment that
 * decodes to the same fields, re-encodes to the same bytes, and differs
 * from the input only where the encoder decides: the two checksums and the
 * three reserved bits of the TCP header. Any broken property aborts, which
 * libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKT 65535

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_seg: %s:%d: %s\n", __FILE__,     \
			        __LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

/* Every field but the checksums (and IPv6's payload length, which the
 * extension headers change), and the payload bytes. */
static void check_same(const struct seg *a, const struct seg *b)
{
	CHECK(a->ip_v == b->ip_v && a->ip_tos == b->ip_tos);
	CHECK(a->ip_v == 6 || a->ip_len == b->ip_len);
	CHECK(a->ip6_flow == b->ip6_flow);
	CHECK(memcmp(a->saddr6, b->saddr6, 16) == 0);
	CHECK(memcmp(a->daddr6, b->daddr6, 16) == 0);
	CHECK(a->ip_id == b->ip_id && a->ip_off == b->ip_off);
	CHECK(a->ip_ttl == b->ip_ttl && a->ip_proto == b->ip_proto);
	CHECK(a->saddr == b->saddr && a->daddr == b->daddr);
	CHECK(a->ip_opt_len == b->ip_opt_len);
	CHECK(memcmp(a->ip_opt, b->ip_opt, a->ip_opt_len) == 0);
	CHECK(a->sport == b->sport && a->dport == b->dport);
	CHECK(a->seq == b->seq && a->ack == b->ack);
	CHECK(a->flags == b->flags && a->win == b->win && a->urp == b->urp);
	CHECK(a->opt_len == b->opt_len);
	CHECK(memcmp(a->opt_raw, b->opt_raw, a->opt_len) == 0);
	CHECK(a->has == b->has && a->mss == b->mss && a->wscale == b->wscale);
	CHECK(a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr);
	CHECK(a->sack_count == b->sack_count);
	CHECK(memcmp(a->sack, b->sack, a->sack_count * sizeof a->sack[0]) == 0);
	CHECK(a->payload_len == b->payload_len);
	CHECK(a->payload_len == 0 ||
	      memcmp(a->payload, b->payload, a->payload_len) == 0);
}

/* The encoding equals the input but for the checksums and reserved bits. */
static void check_like_input(const uint8_t *in, const uint8_t *out, size_t len,
                             size_t ihl)
{
	bool v4 = (in[0] >> 4) == 4;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t mask = 0xff;

		/* The IPv4 header checksum (IPv6 has none), TCP's. */
		if ((v4 && (i == 10 || i == 11)) || i == ihl + 16 ||
		    i == ihl + 17)
			continue;
		if (i == ihl + 12)
			mask = 0xf1;
		CHECK(((in[i] ^ out[i]) & mask) == 0);
	}
}

/*
 * IPv6: the datagram fits in the input; its encoding (without extension
 * headers) equals the input when it had none, but for the TCP checksum
 * and reserved bits; decoding it gives the same segment; the checksum is
 * right over IPv6's pseudo-header; encoding again gives the same bytes.
 */
static void check_v6(const uint8_t *data, size_t size, const struct seg *s1)
{
	static uint8_t enc1[MAX_PKT], enc2[MAX_PKT];
	size_t tcplen = SEG_TCP_HDR_MIN + s1->opt_len + s1->payload_len;
	struct seg s2;
	int n1, n2;

	CHECK(SEG_IP6_HDR_LEN + (size_t)s1->ip_len <= size);
	CHECK(seg_encoded_len(s1) == SEG_IP6_HDR_LEN + tcplen);
	n1 = seg_encode(s1, enc1, sizeof enc1);
	CHECK(n1 == (int)(SEG_IP6_HDR_LEN + tcplen));
	if (data[6] == 6) {
		CHECK(s1->ip_len == tcplen);
		check_like_input(data, enc1, (size_t)n1, SEG_IP6_HDR_LEN);
	}
	CHECK(seg_decode(&s2, enc1, (size_t)n1) == 0);
	check_same(s1, &s2);
	CHECK(s2.ip_len == tcplen);
	CHECK(tcp_cksum6(s2.saddr6, s2.daddr6, enc1 + SEG_IP6_HDR_LEN,
	                 tcplen) == s2.sum);
	n2 = seg_encode(&s2, enc2, sizeof enc2);
	CHECK(n2 == n1);
	CHECK(memcmp(enc1, enc2, (size_t)n1) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc1[MAX_PKT], enc2[MAX_PKT];
	struct seg s1, s2;
	int n1, n2, err;

	err = seg_decode(&s1, data, size);
	CHECK(err <= 0 && err >= TCPLAB_EOPT);
	if (err != 0)
		return 0;
	if (s1.ip_v == 6) {
		check_v6(data, size, &s1);
		return 0;
	}
	CHECK(s1.ip_len <= size);
	CHECK(seg_encoded_len(&s1) == s1.ip_len);
	n1 = seg_encode(&s1, enc1, sizeof enc1);
	CHECK(n1 == (int)s1.ip_len);
	check_like_input(data, enc1, (size_t)n1, 20u + s1.ip_opt_len);

	CHECK(seg_decode(&s2, enc1, (size_t)n1) == 0);
	check_same(&s1, &s2);
	CHECK(ip_cksum(enc1, 20u + s2.ip_opt_len) == s2.ip_sum);
	CHECK(tcp_cksum4(s2.saddr, s2.daddr, enc1 + 20 + s2.ip_opt_len,
	                 (size_t)n1 - 20 - s2.ip_opt_len) == s2.sum);

	n2 = seg_encode(&s2, enc2, sizeof enc2);
	CHECK(n2 == n1);
	CHECK(memcmp(enc1, enc2, (size_t)n1) == 0);
	return 0;
}
