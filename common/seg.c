/*
 * seg.c: decodes IPv4 and IPv6 datagrams that carry TCP into struct seg,
 * encodes them back to bytes, and computes the Internet checksums.
 *
 * The decoder trusts no length field: before it reads a byte it checks that
 * the byte was captured and that the headers' own lengths agree, and each
 * kind of damage has its own error code. Options are kept as raw bytes so
 * that decode followed by encode gives back the same bytes.
 *
 * This file must never do I/O, allocate, print, read a clock or keep state
 * between calls.
 */
#include <string.h>

#include "common/err.h"
#include "common/seg.h"

#define IPPROTO_TCP_NUM 6

/* Option lengths fixed by RFC 9293 (mss), RFC 7323 (wscale, TS) and
 * RFC 2018 (sackOK, SACK). */
#define TCPOLEN_MSS        4
#define TCPOLEN_WSCALE     3
#define TCPOLEN_SACKOK     2
#define TCPOLEN_TS         10
#define TCPOLEN_SACK_BLOCK 8

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * RFC 1071: the checksum is the one's complement of the one's complement sum
 * of 16-bit words. Since 2^16 = 1 modulo 2^16 - 1, adding 32-bit big-endian
 * words into a 64-bit accumulator and folding the carries back in at the
 * end gives the same sum with half the additions. A trailing odd byte is
 * the high byte of a word whose low byte is zero; only the last chunk of a
 * continued sum may have an odd length.
 */
uint32_t inet_cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = sum;

	while (len >= 4) {
		acc += get32(p);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		acc += get16(p);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		acc += (uint32_t)p[0] << 8;
	/* Fold the 64-bit sum into 32 bits; the end-around carry keeps the
	 * value modulo 2^16 - 1. Twice, because the first fold can carry. */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t inet_cksum_finish(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Sums hdr[0..len) as if the 16-bit field at off were zero. */
static uint32_t cksum_skip(uint32_t sum, const uint8_t *p, size_t len,
                           size_t off)
{
	if (len < off + 2)
		return inet_cksum_add(sum, p, len);
	sum = inet_cksum_add(sum, p, off);
	return inet_cksum_add(sum, p + off + 2, len - off - 2);
}

uint16_t ip_cksum(const uint8_t *hdr, size_t hlen)
{
	return inet_cksum_finish(cksum_skip(0, hdr, hlen, 10));
}

/*
 * RFC 9293, section 3.1: the TCP checksum also covers a pseudo-header of
 * source address, destination address, zero, protocol and TCP length.
 */
uint16_t tcp_cksum4(uint32_t saddr, uint32_t daddr, const uint8_t *tcp,
                    size_t len)
{
	uint8_t ph[12];

	put32(ph, saddr);
	put32(ph + 4, daddr);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP_NUM;
	put16(ph + 10, (uint16_t)len);
	return inet_cksum_finish(
	        cksum_skip(inet_cksum_add(0, ph, sizeof ph), tcp, len, 16));
}

/*
 * RFC 8200, section 8.1: over IPv6 the pseudo-header holds both addresses,
 * the upper-layer length in 32 bits, three zero bytes and the next header.
 */
uint16_t tcp_cksum6(const uint8_t *saddr, const uint8_t *daddr,
                    const uint8_t *tcp, size_t len)
{
	uint8_t ph[40];

	memcpy(ph, saddr, 16);
	memcpy(ph + 16, daddr, 16);
	put32(ph + 32, (uint32_t)len);
	memset(ph + 36, 0, 3);
	ph[39] = IPPROTO_TCP_NUM;
	return inet_cksum_finish(
	        cksum_skip(inet_cksum_add(0, ph, sizeof ph), tcp, len, 16));
}

/* Checks the length of a known option kind; unknown kinds pass. */
static int opt_len_ok(uint8_t kind, uint8_t olen)
{
	switch (kind) {
	case TCPOPT_MSS:
		return olen == TCPOLEN_MSS;
	case TCPOPT_WSCALE:
		return olen == TCPOLEN_WSCALE;
	case TCPOPT_SACKOK:
		return olen == TCPOLEN_SACKOK;
	case TCPOPT_TS:
		return olen == TCPOLEN_TS;
	case TCPOPT_SACK:
		return (olen - 2) % TCPOLEN_SACK_BLOCK == 0 &&
		       (olen - 2) / TCPOLEN_SACK_BLOCK <= SEG_SACK_MAX;
	}
	return 1;
}

/* Records the value of one well-formed option of kind o[0]. */
static void opt_record(struct seg *s, const uint8_t *o)
{
	unsigned i;

	switch (o[0]) {
	case TCPOPT_MSS:
		s->has |= SEG_HAS_MSS;
		s->mss = get16(o + 2);
		break;
	case TCPOPT_WSCALE:
		s->has |= SEG_HAS_WSCALE;
		s->wscale = o[2];
		break;
	case TCPOPT_SACKOK:
		s->has |= SEG_HAS_SACKOK;
		break;
	case TCPOPT_TS:
		s->has |= SEG_HAS_TS;
		s->ts_val = get32(o + 2);
		s->ts_ecr = get32(o + 6);
		break;
	case TCPOPT_SACK:
		s->has |= SEG_HAS_SACK;
		s->sack_count = (uint8_t)((o[1] - 2) / TCPOLEN_SACK_BLOCK);
		for (i = 0; i < s->sack_count; i++) {
			s->sack[i].left = get32(o + 2 + 8 * i);
			s->sack[i].right = get32(o + 6 + 8 * i);
		}
		break;
	default:
		s->has |= SEG_HAS_UNKNOWN;
		break;
	}
}

/*
 * RFC 9293, section 3.1: an option is either a single octet of kind (EOL,
 * NOP) or a kind, a length that counts both of these octets, and data.
 * EOL ends the list; what follows it is padding.
 */
int seg_parse_options(struct seg *s)
{
	size_t i = 0;

	s->has = 0;
	s->mss = 0;
	s->wscale = 0;
	s->ts_val = s->ts_ecr = 0;
	s->sack_count = 0;
	if (s->opt_len > SEG_OPT_MAX)
		return TCPLAB_EOPT;
	while (i < s->opt_len) {
		const uint8_t *o = s->opt_raw + i;

		if (o[0] == TCPOPT_EOL) {
			s->has |= SEG_HAS_EOL;
			break;
		}
		if (o[0] == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* The length octet itself must be inside the option area. */
		if (i + 1 >= s->opt_len)
			return TCPLAB_EOPT;
		if (o[1] < 2 || i + o[1] > s->opt_len)
			return TCPLAB_EOPT;
		if (!opt_len_ok(o[0], o[1]))
			return TCPLAB_EOPT;
		opt_record(s, o);
		i += o[1];
	}
	return 0;
}

/* Decodes the fixed IPv4 header and its options; sets *hlen. */
static int decode_ip(struct seg *s, const uint8_t *p, size_t len, size_t *hlen)
{
	if (len < SEG_IP_HDR_MIN)
		return TCPLAB_ETRUNC;
	if (p[0] >> 4 != 4)
		return TCPLAB_EVERSION;
	*hlen = (size_t)(p[0] & 0x0f) * 4;
	if (*hlen < SEG_IP_HDR_MIN)
		return TCPLAB_EIHL;
	s->ip_len = get16(p + 2);
	if (s->ip_len < *hlen)
		return TCPLAB_EIPLEN;
	/* Bytes past ip_len are link padding; bytes missing before it were
	 * not captured. */
	if (len < s->ip_len)
		return TCPLAB_ETRUNC;
	s->ip_proto = p[9];
	if (s->ip_proto != IPPROTO_TCP_NUM)
		return TCPLAB_EPROTO;
	s->ip_off = get16(p + 6);
	if ((s->ip_off & IP_MF) || (s->ip_off & IP_OFFMASK))
		return TCPLAB_EFRAG;
	s->ip_tos = p[1];
	s->ip_id = get16(p + 4);
	s->ip_ttl = p[8];
	s->ip_sum = get16(p + 10);
	s->saddr = get32(p + 12);
	s->daddr = get32(p + 16);
	/* IP options are kept, never interpreted: the length bounds them. */
	s->ip_opt_len = (uint8_t)(*hlen - SEG_IP_HDR_MIN);
	memcpy(s->ip_opt, p + SEG_IP_HDR_MIN, s->ip_opt_len);
	return 0;
}

/* IPv6 extension headers that may stand before TCP (RFC 8200, 4.1). */
#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_FRAGMENT 44
#define IP6_DSTOPTS  60

/*
 * Decodes the IPv6 header and walks the extension headers to TCP: hop-by-
 * hop, routing and destination options are skipped by their own length,
 * checked against the payload first; a fragment is reported, since its
 * TCP header may be in another datagram. Sets *hlen to TCP's offset.
 */
static int decode_ip6(struct seg *s, const uint8_t *p, size_t len, size_t *hlen)
{
	size_t end, off = SEG_IP6_HDR_LEN;
	uint8_t nh;

	if (len < SEG_IP6_HDR_LEN)
		return TCPLAB_ETRUNC;
	s->ip_v = 6;
	s->ip6_flow = get32(p) & 0x000fffff;
	s->ip_tos = (uint8_t)(get32(p) >> 20);
	s->ip_len = get16(p + 4);
	s->ip_ttl = p[7];
	memcpy(s->saddr6, p + 8, 16);
	memcpy(s->daddr6, p + 24, 16);
	end = SEG_IP6_HDR_LEN + (size_t)s->ip_len;
	if (len < end)
		return TCPLAB_ETRUNC;
	nh = p[6];
	while (nh != IPPROTO_TCP_NUM) {
		size_t xlen;

		if (nh == IP6_FRAGMENT)
			return TCPLAB_EFRAG;
		if (nh != IP6_HOPOPTS && nh != IP6_ROUTING &&
		    nh != IP6_DSTOPTS) {
			s->ip_proto = nh;
			return TCPLAB_EPROTO;
		}
		if (end - off < 8)
			return TCPLAB_EIPLEN;
		xlen = ((size_t)p[off + 1] + 1) * 8;
		if (xlen > end - off)
			return TCPLAB_EIPLEN;
		/* Each header's first byte names the one after it. */
		nh = p[off];
		off += xlen;
	}
	s->ip_proto = IPPROTO_TCP_NUM;
	*hlen = off;
	return 0;
}

/* Decodes the TCP header in t[0..tlen), tlen being what IP says. */
static int decode_tcp(struct seg *s, const uint8_t *t, size_t tlen)
{
	size_t doff;

	if (tlen < SEG_TCP_HDR_MIN)
		return TCPLAB_ETRUNC;
	doff = (size_t)(t[12] >> 4) * 4;
	if (doff < SEG_TCP_HDR_MIN || doff > tlen)
		return TCPLAB_EHDRLEN;
	s->sport = get16(t);
	s->dport = get16(t + 2);
	s->seq = get32(t + 4);
	s->ack = get32(t + 8);
	/* RFC 3540 put the NS flag in the low bit of the data-offset octet. */
	s->flags = (uint16_t)(t[13] | ((t[12] & 1) ? TH_NS : 0));
	s->win = get16(t + 14);
	s->sum = get16(t + 16);
	s->urp = get16(t + 18);
	s->opt_len = (uint8_t)(doff - SEG_TCP_HDR_MIN);
	memcpy(s->opt_raw, t + SEG_TCP_HDR_MIN, s->opt_len);
	s->payload = t + doff;
	s->payload_len = tlen - doff;
	return seg_parse_options(s);
}

int seg_decode(struct seg *s, const uint8_t *p, size_t len)
{
	size_t hlen = 0;
	int err;

	memset(s, 0, sizeof *s);
	if (len >= 1 && p[0] >> 4 == 6) {
		err = decode_ip6(s, p, len, &hlen);
		if (err != 0)
			return err;
		return decode_tcp(s, p + hlen,
		                  SEG_IP6_HDR_LEN + (size_t)s->ip_len - hlen);
	}
	s->ip_v = 4;
	err = decode_ip(s, p, len, &hlen);
	if (err != 0)
		return err;
	return decode_tcp(s, p + hlen, s->ip_len - hlen);
}

static size_t tcp_hdr_len(const struct seg *s)
{
	/* The data offset counts 32-bit words, so options are padded. */
	return SEG_TCP_HDR_MIN + (((size_t)s->opt_len + 3) & ~(size_t)3);
}

/* The IP header's length: IPv6 is written without extension headers. */
static size_t ip_hdr_len(const struct seg *s)
{
	return s->ip_v == 6 ? SEG_IP6_HDR_LEN : SEG_IP_HDR_MIN + s->ip_opt_len;
}

size_t seg_encoded_len(const struct seg *s)
{
	return ip_hdr_len(s) + tcp_hdr_len(s) + s->payload_len;
}

static void encode_ip6(const struct seg *s, uint8_t *b, size_t total)
{
	put32(b, 0x60000000u | (uint32_t)s->ip_tos << 20 |
	                 (s->ip6_flow & 0x000fffff));
	put16(b + 4, (uint16_t)(total - SEG_IP6_HDR_LEN));
	b[6] = s->ip_proto;
	b[7] = s->ip_ttl;
	memcpy(b + 8, s->saddr6, 16);
	memcpy(b + 24, s->daddr6, 16);
}

static void encode_ip(const struct seg *s, uint8_t *b, size_t total)
{
	size_t hlen = SEG_IP_HDR_MIN + s->ip_opt_len;

	b[0] = (uint8_t)(0x40 | hlen / 4);
	b[1] = s->ip_tos;
	put16(b + 2, (uint16_t)total);
	put16(b + 4, s->ip_id);
	put16(b + 6, s->ip_off);
	b[8] = s->ip_ttl;
	b[9] = s->ip_proto;
	put32(b + 12, s->saddr);
	put32(b + 16, s->daddr);
	memcpy(b + SEG_IP_HDR_MIN, s->ip_opt, s->ip_opt_len);
	put16(b + 10, ip_cksum(b, hlen));
}

static void encode_tcp(const struct seg *s, uint8_t *t)
{
	size_t thlen = tcp_hdr_len(s);

	put16(t, s->sport);
	put16(t + 2, s->dport);
	put32(t + 4, s->seq);
	put32(t + 8, s->ack);
	t[12] = (uint8_t)(thlen / 4 << 4 | ((s->flags & TH_NS) ? 1 : 0));
	t[13] = (uint8_t)s->flags;
	put16(t + 14, s->win);
	put16(t + 18, s->urp);
	memcpy(t + SEG_TCP_HDR_MIN, s->opt_raw, s->opt_len);
	/* Pad with EOL (zero) octets up to the data offset. */
	memset(t + SEG_TCP_HDR_MIN + s->opt_len, 0,
	       thlen - SEG_TCP_HDR_MIN - s->opt_len);
	if (s->payload_len > 0)
		memcpy(t + thlen, s->payload, s->payload_len);
	if (s->ip_v == 6)
		put16(t + 16, tcp_cksum6(s->saddr6, s->daddr6, t,
		                         thlen + s->payload_len));
	else
		put16(t + 16, tcp_cksum4(s->saddr, s->daddr, t,
		                         thlen + s->payload_len));
}

int seg_encode(const struct seg *s, uint8_t *buf, size_t cap)
{
	size_t total;

	if (s->ip_opt_len > SEG_IPOPT_MAX || s->ip_opt_len % 4 != 0)
		return TCPLAB_EINVAL;
	if (s->opt_len > SEG_OPT_MAX)
		return TCPLAB_EINVAL;
	if (s->payload_len > 0 && s->payload == NULL)
		return TCPLAB_EINVAL;
	/* Compare before adding, so that a huge payload_len cannot wrap. */
	if (s->payload_len > 65535)
		return TCPLAB_EINVAL;
	total = seg_encoded_len(s);
	if (total > 65535)
		return TCPLAB_EINVAL;
	if (cap < total)
		return TCPLAB_ENOSPC;
	if (s->ip_v == 6)
		encode_ip6(s, buf, total);
	else
		encode_ip(s, buf, total);
	encode_tcp(s, buf + ip_hdr_len(s));
	return (int)total;
}

void seg_init(struct seg *s)
{
	memset(s, 0, sizeof *s);
	s->ip_v = 4;
	s->ip_ttl = 64;
	s->ip_off = IP_DF;
	s->ip_proto = IPPROTO_TCP_NUM;
}

void seg_init6(struct seg *s, const uint8_t *saddr, const uint8_t *daddr)
{
	memset(s, 0, sizeof *s);
	s->ip_v = 6;
	s->ip_ttl = 64;
	s->ip_proto = IPPROTO_TCP_NUM;
	memcpy(s->saddr6, saddr, 16);
	memcpy(s->daddr6, daddr, 16);
}

uint32_t seg_seq_len(const struct seg *s)
{
	uint32_t n = (uint32_t)s->payload_len;

	/* SYN and FIN each occupy one sequence number (RFC 9293, 3.4). */
	if (s->flags & TH_SYN)
		n++;
	if (s->flags & TH_FIN)
		n++;
	return n;
}

/* Appends n option bytes, or fails when the option area would overflow. */
static int opt_put(struct seg *s, const uint8_t *o, size_t n)
{
	if ((size_t)s->opt_len + n > SEG_OPT_MAX)
		return TCPLAB_EOPT;
	memcpy(s->opt_raw + s->opt_len, o, n);
	s->opt_len = (uint8_t)(s->opt_len + n);
	return 0;
}

void seg_opt_clear(struct seg *s)
{
	memset(s->opt_raw, 0, sizeof s->opt_raw);
	s->opt_len = 0;
	s->has = 0;
	s->mss = 0;
	s->wscale = 0;
	s->ts_val = s->ts_ecr = 0;
	s->sack_count = 0;
	memset(s->sack, 0, sizeof s->sack);
}

int seg_opt_nop(struct seg *s)
{
	static const uint8_t o[1] = {TCPOPT_NOP};

	return opt_put(s, o, sizeof o);
}

int seg_opt_eol(struct seg *s)
{
	static const uint8_t o[1] = {TCPOPT_EOL};
	int err = opt_put(s, o, sizeof o);

	if (err == 0)
		s->has |= SEG_HAS_EOL;
	return err;
}

int seg_opt_mss(struct seg *s, uint16_t mss)
{
	uint8_t o[TCPOLEN_MSS] = {TCPOPT_MSS, TCPOLEN_MSS};
	int err;

	put16(o + 2, mss);
	if ((err = opt_put(s, o, sizeof o)) != 0)
		return err;
	s->has |= SEG_HAS_MSS;
	s->mss = mss;
	return 0;
}

int seg_opt_wscale(struct seg *s, uint8_t shift)
{
	uint8_t o[TCPOLEN_WSCALE] = {TCPOPT_WSCALE, TCPOLEN_WSCALE, shift};
	int err;

	if ((err = opt_put(s, o, sizeof o)) != 0)
		return err;
	s->has |= SEG_HAS_WSCALE;
	s->wscale = shift;
	return 0;
}

int seg_opt_sackok(struct seg *s)
{
	static const uint8_t o[TCPOLEN_SACKOK] = {TCPOPT_SACKOK,
	                                          TCPOLEN_SACKOK};
	int err;

	if ((err = opt_put(s, o, sizeof o)) != 0)
		return err;
	s->has |= SEG_HAS_SACKOK;
	return 0;
}

int seg_opt_ts(struct seg *s, uint32_t val, uint32_t ecr)
{
	uint8_t o[TCPOLEN_TS] = {TCPOPT_TS, TCPOLEN_TS};
	int err;

	put32(o + 2, val);
	put32(o + 6, ecr);
	if ((err = opt_put(s, o, sizeof o)) != 0)
		return err;
	s->has |= SEG_HAS_TS;
	s->ts_val = val;
	s->ts_ecr = ecr;
	return 0;
}

/* RFC 2018: kind 5, length 2 + 8n, then n pairs of left and right edges. */
int seg_opt_sack(struct seg *s, const struct seg_sack *blocks, unsigned n)
{
	uint8_t o[2 + SEG_SACK_MAX * TCPOLEN_SACK_BLOCK];
	unsigned i;
	int err;

	if (n == 0 || n > SEG_SACK_MAX)
		return TCPLAB_EOPT;
	o[0] = TCPOPT_SACK;
	o[1] = (uint8_t)(2 + n * TCPOLEN_SACK_BLOCK);
	for (i = 0; i < n; i++) {
		put32(o + 2 + 8 * i, blocks[i].left);
		put32(o + 6 + 8 * i, blocks[i].right);
	}
	if ((err = opt_put(s, o, o[1])) != 0)
		return err;
	s->has |= SEG_HAS_SACK;
	s->sack_count = (uint8_t)n;
	memcpy(s->sack, blocks, n * sizeof *blocks);
	return 0;
}

/* Linux (tcp_options_write) sends mss, sackOK, TS, nop, wscale on a SYN
 * when all are enabled: 4 + 2 + 10 + 1 + 3 = 20 bytes. */
int seg_opt_linux_syn(struct seg *s, uint16_t mss, uint32_t ts_val,
                      uint32_t ts_ecr, uint8_t wscale)
{
	if (s->opt_len + 20 > SEG_OPT_MAX)
		return TCPLAB_EOPT;
	seg_opt_mss(s, mss);
	seg_opt_sackok(s);
	seg_opt_ts(s, ts_val, ts_ecr);
	seg_opt_nop(s);
	return seg_opt_wscale(s, wscale);
}

/* After the handshake Linux aligns the timestamps with two NOPs. */
int seg_opt_linux_ts(struct seg *s, uint32_t ts_val, uint32_t ts_ecr)
{
	if (s->opt_len + 12 > SEG_OPT_MAX)
		return TCPLAB_EOPT;
	seg_opt_nop(s);
	seg_opt_nop(s);
	return seg_opt_ts(s, ts_val, ts_ecr);
}

struct ipaddr ipaddr_of4(uint32_t v4)
{
	struct ipaddr a;

	memset(a.b, 0, 10);
	a.b[10] = 0xff;
	a.b[11] = 0xff;
	put32(a.b + 12, v4);
	return a;
}

bool ipaddr_is4(const struct ipaddr *a)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0,    0,
	                                   0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a->b, prefix, 12) == 0;
}

uint32_t ipaddr_v4(const struct ipaddr *a)
{
	return get32(a->b + 12);
}

bool ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

bool ipaddr_any(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->b, zero, 16) == 0 ||
	       (ipaddr_is4(a) && ipaddr_v4(a) == 0);
}

struct ipaddr seg_src(const struct seg *s)
{
	struct ipaddr a;

	if (s->ip_v != 6)
		return ipaddr_of4(s->saddr);
	memcpy(a.b, s->saddr6, 16);
	return a;
}

struct ipaddr seg_dst(const struct seg *s)
{
	struct ipaddr a;

	if (s->ip_v != 6)
		return ipaddr_of4(s->daddr);
	memcpy(a.b, s->daddr6, 16);
	return a;
}
