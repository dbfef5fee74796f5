/*
 * seg.h: TCP segments over IPv4 or IPv6, decoded into fields and encoded
 * back to bytes.
 *
 * seg_decode() checks every length before it reads a byte and reports each
 * kind of damage as its own error; seg_encode() writes the header, options
 * and payload and fills in both checksums. Options are kept as the bytes
 * that were on the wire (opt_raw), in their order, so that a decoded segment
 * re-encodes byte for byte; the parsed values beside them are for reading.
 * The seg_opt_*() builders append one option to opt_raw and set its value.
 *
 * Pure: no I/O, no allocation, no globals. Addresses and all multi-byte
 * fields are in host byte order.
 */
#ifndef TCPLAB_SEG_H
#define TCPLAB_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP flag bits, as in the 13th and 14th bytes of the header. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80
#define TH_NS 0x100 /* the low bit of the data-offset byte (RFC 3540) */

/* IPv4 flag bits in the fragment field (ip_off). */
#define IP_RF 0x8000     /* reserved */
#define IP_DF 0x4000     /* don't fragment */
#define IP_MF 0x2000     /* more fragments */
#define IP_OFFMASK 0x1fff

/* TCP option kinds (RFC 9293, 7323, 2018). */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACKOK 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8

#define SEG_IP_HDR_MIN 20
#define SEG_IP6_HDR_LEN 40
#define SEG_TCP_HDR_MIN 20
#define SEG_OPT_MAX 40 /* TCP options: data offset 15 * 4 - 20 */
#define SEG_IPOPT_MAX 40
#define SEG_SACK_MAX 4 /* blocks that fit in 40 bytes of options */

/* Which options a decoded segment carried (seg.has). */
#define SEG_HAS_MSS 0x01
#define SEG_HAS_WSCALE 0x02
#define SEG_HAS_SACKOK 0x04
#define SEG_HAS_SACK 0x08
#define SEG_HAS_TS 0x10
#define SEG_HAS_UNKNOWN 0x20 /* an option of a kind not listed above */
#define SEG_HAS_EOL 0x40

/*
 * An address of either family, 16 bytes in network order: an IPv6 address
 * as it is, an IPv4 address as the IPv4-mapped IPv6 address ::ffff:a.b.c.d
 * (RFC 4291, 2.5.5.2), so that one comparison and one hash serve both.
 */
struct ipaddr {
	uint8_t b[16];
};

struct seg_sack {
	uint32_t left;  /* first sequence number of the block */
	uint32_t right; /* sequence number just after the block */
};

struct seg {
	/* The IP header. ip_v says which: 4 (seg_init) or 6 (seg_init6). Over
	 * IPv6, ip_tos is the traffic class, ip_ttl the hop limit, ip_len the
	 * payload length, and ip_id, ip_off, ip_sum and the IPv4 options are
	 * zero; the addresses are saddr6 and daddr6. */
	uint8_t ip_v;
	uint8_t ip_tos;
	uint16_t ip_len; /* total length; seg_encode() computes it */
	uint16_t ip_id;
	uint16_t ip_off; /* flags (IP_DF, IP_MF) and fragment offset / 8 */
	uint8_t ip_ttl;
	uint8_t ip_proto;
	uint16_t ip_sum; /* as received; seg_encode() computes it */
	uint32_t saddr;
	uint32_t daddr;
	uint8_t ip_opt[SEG_IPOPT_MAX]; /* IPv4 options, kept as bytes */
	uint8_t ip_opt_len;            /* a multiple of 4 */
	uint32_t ip6_flow;             /* IPv6: the 20-bit flow label */
	uint8_t saddr6[16], daddr6[16]; /* IPv6, in network byte order */

	/* TCP header. */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint16_t flags; /* TH_* */
	uint16_t win;   /* as on the wire, unscaled */
	uint16_t sum;   /* as received; seg_encode() computes it */
	uint16_t urp;

	/* TCP options: the bytes in wire order, then their parsed values. */
	uint8_t opt_raw[SEG_OPT_MAX];
	uint8_t opt_len; /* seg_encode() pads it to a multiple of 4 with EOL */
	uint8_t has;     /* SEG_HAS_* */
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val;
	uint32_t ts_ecr;
	uint8_t sack_count;
	struct seg_sack sack[SEG_SACK_MAX];

	/* Payload: points into the decoded buffer, or at the caller's bytes. */
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Decodes one IPv4 or IPv6 datagram carrying a TCP segment. p holds len
 * bytes from the IP header on; bytes past the datagram's length (link
 * padding) are ignored. IPv6 hop-by-hop, routing and destination options
 * headers are skipped; a fragment header gives TCPLAB_EFRAG. Returns 0, or
 * TCPLAB_ETRUNC, TCPLAB_EVERSION, TCPLAB_EIHL, TCPLAB_EIPLEN, TCPLAB_EPROTO,
 * TCPLAB_EFRAG, TCPLAB_EHDRLEN, TCPLAB_EOPT. s->payload points into p.
 */
int seg_decode(struct seg *s, const uint8_t *p, size_t len);

/*
 * Parses TCP options from opt_raw[0..opt_len) into the parsed fields of s.
 * Returns 0 or TCPLAB_EOPT. seg_decode() calls it.
 */
int seg_parse_options(struct seg *s);

/*
 * Encodes s into buf: the IPv4 header (with s->ip_opt) or the IPv6 header
 * (without extension headers), TCP header, options, payload. Computes the
 * length fields, the data offset and the checksums. Returns the number of
 * bytes written, or TCPLAB_ENOSPC, TCPLAB_EINVAL.
 */
int seg_encode(const struct seg *s, uint8_t *buf, size_t cap);

/* Bytes seg_encode() will write for s. */
size_t seg_encoded_len(const struct seg *s);

/* A segment with Linux's usual IPv4 fields: TTL 64, DF, protocol TCP. */
void seg_init(struct seg *s);

/* An IPv6 segment between two addresses (16 bytes each): hop limit 64, no
 * flow label. */
void seg_init6(struct seg *s, const uint8_t *saddr, const uint8_t *daddr);

/* The option builders: each appends one option and records its value.
 * They return 0, or TCPLAB_EOPT when the 40 bytes of option space are full. */
void seg_opt_clear(struct seg *s);
int seg_opt_nop(struct seg *s);
int seg_opt_eol(struct seg *s);
int seg_opt_mss(struct seg *s, uint16_t mss);
int seg_opt_wscale(struct seg *s, uint8_t shift);
int seg_opt_sackok(struct seg *s);
int seg_opt_ts(struct seg *s, uint32_t val, uint32_t ecr);
int seg_opt_sack(struct seg *s, const struct seg_sack *blocks, unsigned n);

/* Linux's SYN options: mss, sackOK, TS val/ecr, nop, wscale (20 bytes). */
int seg_opt_linux_syn(struct seg *s, uint16_t mss, uint32_t ts_val,
		      uint32_t ts_ecr, uint8_t wscale);
/* Linux's options after the handshake: nop, nop, TS val/ecr (12 bytes). */
int seg_opt_linux_ts(struct seg *s, uint32_t ts_val, uint32_t ts_ecr);

/* The segment's source and destination as struct ipaddr. */
struct ipaddr seg_src(const struct seg *s);
struct ipaddr seg_dst(const struct seg *s);

/* An IPv4 address (host byte order) as struct ipaddr; whether a is one,
 * and which (host byte order). */
struct ipaddr ipaddr_of4(uint32_t v4);
bool ipaddr_is4(const struct ipaddr *a);
uint32_t ipaddr_v4(const struct ipaddr *a);
bool ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b);
/* Whether a is the unspecified address of its family (:: or 0.0.0.0). */
bool ipaddr_any(const struct ipaddr *a);

/* Sequence space a segment occupies: payload, plus one each for SYN and FIN. */
uint32_t seg_seq_len(const struct seg *s);

/*
 * The Internet checksum (RFC 1071) of len bytes, continuing from a partial
 * 32-bit sum. inet_cksum_finish() folds the sum and complements it.
 */
uint32_t inet_cksum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t inet_cksum_finish(uint32_t sum);

/* The TCP checksum of the segment tcp[0..len) between saddr and daddr,
 * computed as if its checksum field were zero. */
uint16_t tcp_cksum4(uint32_t saddr, uint32_t daddr, const uint8_t *tcp,
		    size_t len);

/* The TCP checksum over IPv6 (addresses of 16 bytes, network order). */
uint16_t tcp_cksum6(const uint8_t *saddr, const uint8_t *daddr,
                    const uint8_t *tcp, size_t len);

/* The IPv4 header checksum of hdr[0..hlen), computed as if its checksum
 * field were zero. */
uint16_t ip_cksum(const uint8_t *hdr, size_t hlen);

#endif
