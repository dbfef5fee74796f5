/*
 * mkpcap.c: writes the test captures that prove tcplab prints as tcpdump.
 *
 * "mkpcap KIND OUT.pcap [ARGS]" writes one capture of the named kind: the
 * article's exchange, every option format, damaged and truncated packets,
 * sequence numbers around 2^32, the link types tcpdump reads on Linux, and
 * large realistic mixes for the benchmarks. Segments are built with the
 * codec of common/seg.h; where a packet must be damaged, the encoded bytes
 * are changed afterwards. Files are written only through libpcap's dumper,
 * never by hand. This program never opens a network device and never
 * sends a packet.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"
#include "tests/article.h"

#define FRAME_MAX 4096
#define BASE_SEC  1700000000 /* 2023-11-14 22:13:20 UTC */

/* The writer of one capture, and the clock of its next packet. */
struct gen {
	pcap_t *pd;
	pcap_dumper_t *dump;
	int linktype;
	int64_t sec;
	uint32_t usec;
	uint8_t pkttype;  /* Linux cooked captures: the packet's direction */
	uint32_t ifindex; /* Linux cooked v2: the interface */
	uint32_t rng;     /* a deterministic pseudo-random sequence */
	int link_cut;     /* when >= 0: bytes of the link header captured */
	const char *err;  /* the first failure, or NULL */
};

/* One side of a connection: its address, port, next sequence number. */
struct peer {
	uint32_t addr;
	uint16_t port;
	uint32_t seq;
	uint32_t ts;
	uint16_t id;
	uint16_t win;
	uint8_t addr6[16]; /* IPv6 connections (conn.v6) */
};

struct conn {
	struct peer c; /* the client, which opens */
	struct peer s; /* the server */
	int v6;        /* over IPv6, between the peers' addr6 */
	int step;      /* the next step of conn_script() */
	char req[320];
	char resp[640];
};

#define IP4(a, b, c, d)                                                        \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |      \
	 (uint32_t)(d))

static uint32_t rnd(struct gen *g)
{
	/* A linear congruential generator: the same file every time. */
	g->rng = g->rng * 1103515245u + 12345u;
	return g->rng >> 8;
}

static void tick(struct gen *g, uint32_t us)
{
	g->usec += us;
	g->sec += g->usec / 1000000;
	g->usec %= 1000000;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* A plausible MAC for an IPv4 address: a VMware prefix, then the address. */
static void mac_for(uint8_t *mac, const uint8_t *addr)
{
	mac[0] = 0x00;
	mac[1] = 0x0c;
	mac[2] = 0x29;
	memcpy(mac + 3, addr + 1, 3);
}

/* Writes the link header for the datagram ip into out; returns its size. */
static size_t link_hdr(const struct gen *g, const uint8_t *ip, uint8_t *out)
{
	int v6 = ip[0] >> 4 == 6;
	uint16_t type = v6 ? 0x86dd : 0x0800;

	switch (g->linktype) {
	case DLT_EN10MB:
		mac_for(out, ip + 16);
		mac_for(out + 6, ip + 12);
		put16(out + 12, type);
		return 14;
	case DLT_LINUX_SLL:
		put16(out, g->pkttype);
		put16(out + 2, 1); /* ARPHRD_ETHER */
		put16(out + 4, 6);
		memset(out + 6, 0, 8);
		mac_for(out + 6, ip + 12);
		put16(out + 14, type);
		return 16;
	case DLT_PPP:
		/* Address and control on odd steps of the clock, else the
		 * protocol alone (RFC 1661's compressed forms). */
		if (g->usec & 1) {
			out[0] = 0xff;
			out[1] = 0x03;
			put16(out + 2, v6 ? 0x0057 : 0x0021);
			return 4;
		}
		put16(out, v6 ? 0x0057 : 0x0021);
		return 2;
	case DLT_PPP_SERIAL:
		/* PPP in HDLC framing, or Cisco HDLC on odd steps. */
		if (g->usec & 1) {
			out[0] = 0x0f;
			out[1] = 0;
			put16(out + 2, type);
			return 4;
		}
		out[0] = 0xff;
		out[1] = 0x03;
		put16(out + 2, v6 ? 0x0057 : 0x0021);
		return 4;
	case DLT_LINUX_SLL2:
		put16(out, type);
		put16(out + 2, 0);
		put32(out + 4, g->ifindex);
		put16(out + 8, 1); /* ARPHRD_ETHER */
		out[10] = g->pkttype;
		out[11] = 6;
		memset(out + 12, 0, 8);
		mac_for(out + 12, ip + 12);
		return 20;
	case DLT_NULL: {
		/* BSD loopback: the address family in the writer's byte order.
		 */
		uint32_t af = v6 ? 24 : 2;
		memcpy(out, &af, 4);
		return 4;
	}
	case DLT_LOOP:
		put32(out, v6 ? 24 : 2);
		return 4;
	default:
		return 0; /* raw IP */
	}
}

/*
 * Writes one packet: the datagram ip[0..len) behind its link header, of
 * which only the link header and caplen bytes of the datagram are captured.
 */
static void put_frame(struct gen *g, const uint8_t *ip, size_t len,
                      size_t caplen)
{
	uint8_t frame[FRAME_MAX];
	struct pcap_pkthdr h;
	size_t hl;

	if (len + 32 > sizeof frame) {
		g->err = "frame too large";
		return;
	}
	hl = link_hdr(g, ip, frame);
	memcpy(frame + hl, ip, len);
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = g->sec;
	h.ts.tv_usec = g->usec;
	h.len = hl + len;
	h.caplen = hl + (caplen < len ? caplen : len);
	if (g->link_cut >= 0 && (size_t)g->link_cut < hl)
		h.caplen = g->link_cut;
	pcap_dump((u_char *)g->dump, &h, frame);
}

/* Encodes s into buf (FRAME_MAX bytes); returns the length or 0. */
static size_t encode(struct gen *g, const struct seg *s, uint8_t *buf)
{
	int n = seg_encode(s, buf, FRAME_MAX - 64);

	if (n < 0) {
		g->err = tcplab_strerror(n);
		return 0;
	}
	return (size_t)n;
}

static size_t ip_hlen(const uint8_t *ip)
{
	return (ip[0] & 0x0f) * 4u;
}

/* Recomputes the TCP checksum of an encoded datagram after a change. */
static void fix_tcp_sum(uint8_t *ip)
{
	size_t hl = ip_hlen(ip);
	size_t len = ((size_t)ip[2] << 8 | ip[3]) - hl;
	uint32_t sa =
	        (uint32_t)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
	uint32_t da =
	        (uint32_t)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 | ip[19];

	put16(ip + hl + 16, tcp_cksum4(sa, da, ip + hl, len));
}

static void fix_ip_sum(uint8_t *ip)
{
	put16(ip + 10, ip_cksum(ip, ip_hlen(ip)));
}

static void put_seg(struct gen *g, const struct seg *s)
{
	uint8_t buf[FRAME_MAX];
	size_t n = encode(g, s, buf);

	if (n > 0)
		put_frame(g, buf, n, n);
}

/*
 * Writes s with the TCP options raw[0..n) exactly as given, however wrong:
 * the segment is encoded with the same number of NOPs, which are then
 * overwritten. n is rounded up to a multiple of 4 with zeros.
 */
static void put_seg_opts(struct gen *g, struct seg *s, const void *raw,
                         size_t n)
{
	uint8_t buf[FRAME_MAX];
	size_t len, padded = (n + 3) & ~(size_t)3;

	if (padded > SEG_OPT_MAX) {
		g->err = "options too long";
		return;
	}
	seg_opt_clear(s);
	memset(s->opt_raw, TCPOPT_NOP, padded);
	s->opt_len = padded;
	if ((len = encode(g, s, buf)) == 0)
		return;
	memset(buf + ip_hlen(buf) + 20, 0, padded);
	memcpy(buf + ip_hlen(buf) + 20, raw, n);
	fix_tcp_sum(buf);
	put_frame(g, buf, len, len);
}

static void conn_init(struct conn *k, uint32_t caddr, uint16_t cport,
                      uint32_t saddr, uint16_t sport, uint32_t ciss,
                      uint32_t siss)
{
	memset(k, 0, sizeof *k);
	k->c = (struct peer){caddr, cport, ciss, 4595424, 40563, 502, {0}};
	k->s = (struct peer){saddr, sport, siss, 2480165653u, 0, 509, {0}};
}

/*
 * Builds the next segment that one side of k sends, with Linux's options,
 * and advances that side's sequence number by the space it occupies.
 */
static void conn_seg(struct conn *k, int from_server, uint16_t flags,
                     const void *data, size_t len, struct seg *s)
{
	struct peer *a = from_server ? &k->s : &k->c;
	struct peer *b = from_server ? &k->c : &k->s;

	if (k->v6) {
		seg_init6(s, a->addr6, b->addr6);
	} else {
		seg_init(s);
		s->saddr = a->addr;
		s->daddr = b->addr;
		s->ip_id = a->id++;
	}
	s->sport = a->port;
	s->dport = b->port;
	s->seq = a->seq;
	s->ack = (flags & TH_ACK) ? b->seq : 0;
	s->flags = flags;
	s->win = (flags & TH_SYN) ? 64240 : a->win;
	if (flags & TH_SYN)
		seg_opt_linux_syn(s, k->v6 ? 1440 : 1460, a->ts,
		                  (flags & TH_ACK) ? b->ts : 0, 7);
	else
		seg_opt_linux_ts(s, a->ts, b->ts);
	a->ts += 1 + (a->ts & 3);
	s->payload = data;
	s->payload_len = len;
	a->seq += len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
}

/* An IPv6 connection between the addresses written c6 and s6. */
static void conn_init6(struct conn *k, const char *c6, uint16_t cport,
                       const char *s6, uint16_t sport, uint32_t ciss,
                       uint32_t siss)
{
	conn_init(k, 0, cport, 0, sport, ciss, siss);
	k->v6 = 1;
	if (inet_pton(AF_INET6, c6, k->c.addr6) != 1 ||
	    inet_pton(AF_INET6, s6, k->s.addr6) != 1)
		abort();
}

/* Sends one segment of k and moves the clock on by us microseconds. */
static void conn_send(struct gen *g, struct conn *k, int from_server,
                      uint16_t flags, const char *data, size_t len, uint32_t us)
{
	struct seg s;

	conn_seg(k, from_server, flags, data, len, &s);
	put_seg(g, &s);
	tick(g, us);
}

static void conn_sendstr(struct gen *g, struct conn *k, int from_server,
                         const char *data)
{
	conn_send(g, k, from_server, TH_PSH | TH_ACK, data, strlen(data), 431);
}

/* The three segments of the handshake. */
static void conn_open(struct gen *g, struct conn *k)
{
	conn_send(g, k, 0, TH_SYN, NULL, 0, 115);
	conn_send(g, k, 1, TH_SYN | TH_ACK, NULL, 0, 32);
	conn_send(g, k, 0, TH_ACK, NULL, 0, 866);
}

/* The close in three segments, as in the article: F., F., then an ACK. */
static void conn_close(struct gen *g, struct conn *k)
{
	conn_send(g, k, 0, TH_FIN | TH_ACK, NULL, 0, 120);
	conn_send(g, k, 1, TH_FIN | TH_ACK, NULL, 0, 77);
	conn_send(g, k, 0, TH_ACK, NULL, 0, 1000);
}

/*
 * The checksum a Linux sender hands to a NIC that offloads it: the folded
 * sum of the pseudo-header only, not complemented. tcpdump on the sending
 * host sees this value, which is why the article's trace says "incorrect".
 */
static uint16_t offload_sum(const uint8_t *ip)
{
	uint8_t ph[12];
	size_t hl = ip_hlen(ip);
	size_t len = ((size_t)ip[2] << 8 | ip[3]) - hl;

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)len);
	return (uint16_t)~inet_cksum_finish(inet_cksum_add(0, ph, sizeof ph));
}

/* The article's ten segments at their times, with the checksums that its
 * capture shows: partial ones on the client, which captured them. */
static void kind_article(struct gen *g, int argc, char **argv)
{
	uint8_t buf[FRAME_MAX];
	struct seg s;
	size_t n;

	for (unsigned i = 0; i < ARTICLE_NSEG; i++) {
		article_build(i, &s);
		article_time(i, &g->sec, &g->usec);
		if ((n = encode(g, &s, buf)) == 0)
			return;
		if (article_from_client(i))
			put16(buf + ip_hlen(buf) + 16, offload_sum(buf));
		else if (article_cksum(i) !=
		         (buf[ip_hlen(buf) + 16] << 8 | buf[ip_hlen(buf) + 17]))
			g->err = "article checksum differs from the codec's";
		put_frame(g, buf, n, n);
	}
}

/* An ACK-bearing segment of k that carries the options raw[0..n). */
static void zoo_one(struct gen *g, struct conn *k, uint16_t flags,
                    const char *raw, size_t n)
{
	struct seg s;

	conn_seg(k, 0, flags, NULL, 0, &s);
	put_seg_opts(g, &s, raw, n);
	tick(g, 1000);
}

#define ZOO(k, flags, lit) zoo_one(g, k, flags, lit, sizeof(lit) - 1)

/* Every option format tcpdump prints, right and wrong. */
static void kind_zoo(struct gen *g, int argc, char **argv)
{
	struct conn k;

	conn_init(&k, IP4(10, 9, 0, 1), 54321, IP4(10, 9, 0, 2), 8080, 1000000,
	          3000000000u);
	conn_open(g, &k);
	ZOO(&k, TH_ACK, "\x02\x04\x05\xb4");                 /* mss */
	ZOO(&k, TH_ACK, "\x02\x04\xff\xff\x02\x04\x00\x00"); /* two mss */
	ZOO(&k, TH_ACK, "\x01\x03\x03\x00");                 /* wscale 0 */
	ZOO(&k, TH_ACK, "\x01\x03\x03\x0e\x01\x03\x03\xff"); /* 14, 255 */
	ZOO(&k, TH_ACK, "\x04\x02\x01\x01");                 /* sackOK */
	ZOO(&k, TH_ACK, "\x08\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01");
	ZOO(&k, TH_ACK, "\x08\x0a\xff\xff\xff\xff\x80\x00\x00\x01\x00\x00");
	ZOO(&k, TH_ACK, "\x01\x01\x01\x01");                 /* nops */
	ZOO(&k, TH_ACK, "\x01\x00\xab\xcd");                 /* eol, junk */
	ZOO(&k, TH_ACK, "\x00\x02\x04\x05\xb4\x00\x00\x00"); /* eol first */
	ZOO(&k, TH_ACK, "\x02\x04\x05\xb4\x00\x00\x00\x00"); /* mss, eol */
	ZOO(&k, TH_ACK, "\x01\x01\x05\x0a\x00\x0f\x42\x41\x00\x0f\x46\x29");
	ZOO(&k, TH_ACK,
	    "\x01\x01\x05\x12\xb2\xd0\x5e\x01\xb2\xd0\x5e\x02"
	    "\xb2\xd0\x5e\x0a\xb2\xd0\x5e\x0b");
	ZOO(&k, TH_ACK,
	    "\x01\x01\x05\x1a\x00\x0f\x42\x41\x00\x0f\x46\x29"
	    "\x00\x0f\x50\x00\x00\x0f\x60\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x02");
	ZOO(&k, TH_ACK,
	    "\x01\x01\x05\x22\x00\x0f\x42\x41\x00\x0f\x46\x29"
	    "\x00\x0f\x50\x00\x00\x0f\x60\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x02\xff\xff\xff\xff\x00\x00\x00\x00");
	ZOO(&k, TH_ACK, "\x05\x0b\x00\x0f\x42\x41\x00\x0f\x46\x29\x01\x01");
	ZOO(&k, TH_ACK, "\x05\x02\x01\x01"); /* sack 0 */
	ZOO(&k, TH_ACK, "\x63\x04\xab\xcd"); /* unknown */
	ZOO(&k, TH_ACK, "\x63\x02\x01\x01");
	ZOO(&k, TH_ACK, "\xfd\x06\x01\x02\x03\x04\x63\x03\x07\x00");
	ZOO(&k, TH_ACK, "\x1c\x04\x80\x05"); /* uto */
	ZOO(&k, TH_ACK, "\x1c\x04\x00\x3c\x01\x01\x1c\x04\x7f\xff");
	ZOO(&k, TH_ACK, "\x1c\x03\x80\x01"); /* uto len 3 */
	ZOO(&k, TH_SYN,
	    "\x02\x04\x05\xb4\x22\x0a\x00\x01\x02\x03\x04\x05"
	    "\x06\x07\x01\x01");                             /* tfo cookie */
	ZOO(&k, TH_SYN, "\x02\x04\x05\xb4\x22\x02\x01\x01"); /* cookiereq */
	ZOO(&k, TH_SYN,
	    "\x22\x12\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"
	    "\x0a\x0b\x0c\x0d\x0e\x0f");     /* 16-byte cookie */
	ZOO(&k, TH_SYN, "\x22\x03\xaa\x00"); /* odd cookie */
	ZOO(&k, TH_ACK, "\x02\x05\x05\xb4\x00\x01\x01\x01"); /* mss len 5 */
	ZOO(&k, TH_ACK, "\x02\x03\x05\x01");                 /* mss len 3 */
	ZOO(&k, TH_ACK, "\x03\x04\x07\x00");                 /* wscale 4 */
	ZOO(&k, TH_ACK, "\x04\x03\x00\x01");                 /* sackOK 3 */
	ZOO(&k, TH_ACK, "\x08\x0c\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00");
	ZOO(&k, TH_ACK, "\x08\x08\x00\x00\x00\x01\x00\x00");
	ZOO(&k, TH_ACK, "\x02\x01\x05\xb4"); /* bad first */
	ZOO(&k, TH_ACK, "\x02\x00\x05\xb4");
	ZOO(&k, TH_ACK, "\x02\x28\x05\xb4"); /* runs over */
	ZOO(&k, TH_ACK, "\x01\x02\x01\x00"); /* bad later */
	ZOO(&k, TH_ACK,
	    "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02"
	    "\x63\x09\x00\x00");
	ZOO(&k, TH_ACK, "\x01\x01\x01\x03"); /* kind at end */
	ZOO(&k, TH_ACK | TH_PSH,
	    "\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x46"
	    "\x1f\xe0\x00\x00\x00\x00\x01\x03\x03\x07");
	conn_close(g, &k);
}

/* An ACK from one side of k that SACKs n blocks given relative to the ISN
 * of the other side (base), so that tcpdump's relative output is round. */
static void sack_one(struct gen *g, struct conn *k, int from_server,
                     uint32_t base, const uint32_t *rel, unsigned n)
{
	struct seg_sack b[SEG_SACK_MAX];
	struct peer *a = from_server ? &k->s : &k->c;
	struct seg s;

	for (unsigned i = 0; i < n; i++) {
		b[i].left = base + rel[2 * i];
		b[i].right = base + rel[2 * i + 1];
	}
	conn_seg(k, from_server, TH_ACK, NULL, 0, &s);
	seg_opt_clear(&s);
	seg_opt_nop(&s);
	seg_opt_nop(&s);
	if (n < 4)
		seg_opt_ts(&s, a->ts, 77);
	seg_opt_sack(&s, b, n);
	put_seg(g, &s);
	tick(g, 250);
}

/* SACK blocks after a handshake, in both directions, around the ISNs. */
static void kind_sack(struct gen *g, int argc, char **argv)
{
	static const uint32_t rel[] = {1001, 2001, 3001, 4001,
	                               5001, 6001, 7001, 8001};
	static const uint32_t odd[] = {0, 1, 4294967286u, 10, 1, 0};
	static char data[1000];
	struct conn k;
	uint32_t ciss = 3000000000u, siss = 4294967000u;

	memset(data, 'x', sizeof data);
	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 5001, ciss,
	          siss);
	conn_open(g, &k);
	conn_send(g, &k, 1, TH_ACK, data, sizeof data, 10);
	for (unsigned n = 1; n <= 4; n++)
		sack_one(g, &k, 0, siss, rel, n);
	sack_one(g, &k, 0, siss, odd, 3);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 500, 10);
	for (unsigned n = 1; n <= 3; n++)
		sack_one(g, &k, 1, ciss, rel, n);
	/* A second connection whose first packet carries SACK blocks. */
	conn_init(&k, IP4(10, 9, 0, 3), 40001, IP4(10, 9, 0, 2), 5001, 77,
	          1u << 31);
	sack_one(g, &k, 0, 1u << 31, rel, 2);
	sack_one(g, &k, 0, 1u << 31, rel, 2);
	sack_one(g, &k, 1, 77, rel, 1);
	conn_close(g, &k);
}

/* A segment with the RST flag and payload data. */
static void rst_data(struct gen *g, struct conn *k, uint16_t flags,
                     const char *data, size_t len)
{
	struct seg s;

	conn_seg(k, 0, flags, data, len, &s);
	seg_opt_clear(&s);
	s.win = 0;
	put_seg(g, &s);
	tick(g, 500);
}

/* Resets: with data of every byte class, long, and from a closed port. */
static void kind_rst(struct gen *g, int argc, char **argv)
{
	static const char *msgs[] = {
	        "Connection reset by peer\x01\xff!",
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", /* 30 bytes */
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
	        "a much longer reason for the reset than thirty bytes",
	        "\r\n\t\x7f\x80\x9b\xc3\xa9 \x1b[0m",
	        "GET / HTTP/1.0\r\n\r\n",
	        "x",
	};
	uint8_t ctl[40];
	struct conn k;
	struct seg s;

	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 8080, 100,
	          7000);
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
		rst_data(g, &k, TH_RST, msgs[i], strlen(msgs[i]));
	for (int i = 0; i < 40; i++)
		ctl[i] = (uint8_t)(i < 32 ? i : 0x78 + i);
	rst_data(g, &k, TH_RST, (const char *)ctl, 16);
	rst_data(g, &k, TH_RST, (const char *)ctl + 16, 24);
	k.c.port = 40001;
	k.s.port = 9000;
	rst_data(g, &k, TH_RST | TH_ACK, msgs[0], strlen(msgs[0]));
	rst_data(g, &k, TH_RST | TH_ACK, msgs[3], strlen(msgs[3]));
	rst_data(g, &k, TH_RST, NULL, 0);
	/* A SYN to a closed port and Linux's answer, seq 0 ack ISN+1. */
	conn_init(&k, IP4(10, 99, 1, 1), 54098, IP4(10, 99, 1, 2), 9,
	          1482982315, 0);
	conn_send(g, &k, 0, TH_SYN, NULL, 0, 40);
	conn_seg(&k, 1, TH_RST | TH_ACK, NULL, 0, &s);
	seg_opt_clear(&s);
	s.win = 0;
	s.ip_off = IP_DF;
	put_seg(g, &s);
	tick(g, 1000);
	/* A reset in the middle of an open connection. */
	conn_init(&k, IP4(10, 9, 0, 5), 40002, IP4(10, 9, 0, 2), 80, 5, 9);
	conn_open(g, &k);
	conn_sendstr(g, &k, 0, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	conn_send(g, &k, 1, TH_RST | TH_ACK, NULL, 0, 10);
	conn_send(g, &k, 0, TH_RST, NULL, 0, 10);
}

/* A segment whose data offset is replaced by doff after encoding. */
static void bad_doff(struct gen *g, struct conn *k, uint16_t flags,
                     const char *data, unsigned doff)
{
	uint8_t buf[FRAME_MAX];
	struct seg s;
	size_t n;

	conn_seg(k, 0, flags, data, data ? strlen(data) : 0, &s);
	if ((n = encode(g, &s, buf)) == 0)
		return;
	buf[ip_hlen(buf) + 12] = (uint8_t)(doff << 4);
	fix_tcp_sum(buf);
	put_frame(g, buf, n, n);
	tick(g, 100);
}

/* Data offsets below 5 and past the end of the segment. */
static void kind_badhdr(struct gen *g, int argc, char **argv)
{
	struct conn k;

	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 8080, 10, 20);
	conn_open(g, &k);
	for (unsigned doff = 0; doff < 5; doff++)
		bad_doff(g, &k, TH_ACK, NULL, doff);
	bad_doff(g, &k, TH_ACK | TH_PSH, "GET / HTTP/1.1\r\n\r\n", 4);
	bad_doff(g, &k, TH_ACK, NULL, 15);
	bad_doff(g, &k, TH_ACK, NULL, 9);
	bad_doff(g, &k, TH_ACK | TH_PSH, "0123", 9);
	bad_doff(g, &k, TH_ACK | TH_PSH, "0123", 10);
	bad_doff(g, &k, TH_ACK | TH_PSH, "GET / HTTP/1.1\r\n\r\n", 15);
	bad_doff(g, &k, TH_SYN, NULL, 12);
	bad_doff(g, &k, TH_SYN, NULL, 3);
	bad_doff(g, &k, TH_RST, "reset", 2);
	k.s.port = 7000;
	bad_doff(g, &k, TH_ACK, NULL, 14);
	bad_doff(g, &k, TH_ACK, NULL, 1);
	conn_close(g, &k);
}

/* Writes the datagram ip[0..len) once for each captured length in cuts. */
static void put_cuts(struct gen *g, const uint8_t *ip, size_t len,
                     const unsigned *cuts, size_t ncuts)
{
	for (size_t i = 0; i < ncuts; i++) {
		put_frame(g, ip, len, cuts[i]);
		tick(g, 10);
	}
}

static size_t conn_encode(struct gen *g, struct conn *k, int from_server,
                          uint16_t flags, const char *data, uint8_t *buf)
{
	struct seg s;

	conn_seg(k, from_server, flags, data, data ? strlen(data) : 0, &s);
	return encode(g, &s, buf);
}

/* Packets cut short by the snapshot length at every layer. */
static void kind_trunc(struct gen *g, int argc, char **argv)
{
	static const unsigned req_cuts[] = {
	        20, 24, 32, 33, 34,  36,  40,  45,  51,  52,  53,  60, 70,
	        71, 72, 80, 96, 100, 120, 150, 175, 180, 185, 190, 193};
	static const char req[] =
	        "GET /truedei/test?name=zhenghui HTTP/1.1\r\n"
	        "User-Agent: Wget/1.14 (linux-gnu)\r\nAccept: */*\r\n"
	        "Host: 192.168.101.5:8080\r\nConnection: Keep-Alive\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n"
	                           "\r\nThis is zhenghui";
	unsigned cuts[80];
	uint8_t buf[FRAME_MAX];
	struct conn k;
	size_t n;

	conn_init(&k, IP4(10, 9, 0, 1), 54321, IP4(10, 9, 0, 2), 8080, 1000000,
	          3000000000u);
	/* The SYN at every length, from nothing to all of it. */
	n = conn_encode(g, &k, 0, TH_SYN, NULL, buf);
	for (unsigned i = 0; i <= n && i < 80; i++)
		cuts[i] = i;
	put_cuts(g, buf, n, cuts, n + 1);
	n = conn_encode(g, &k, 1, TH_SYN | TH_ACK, NULL, buf);
	put_cuts(g, buf, n, cuts + 38, 10);
	put_frame(g, buf, n, n);
	n = conn_encode(g, &k, 0, TH_ACK, NULL, buf);
	put_cuts(g, buf, n, cuts + 30, 20);
	n = conn_encode(g, &k, 0, TH_ACK | TH_PSH, req, buf);
	put_cuts(g, buf, n, req_cuts, sizeof req_cuts / sizeof req_cuts[0]);
	n = conn_encode(g, &k, 1, TH_ACK | TH_PSH, resp, buf);
	for (unsigned i = 0; i < 60; i++)
		cuts[i] = 52 + i * 2;
	put_cuts(g, buf, n, cuts, 60);
	/* Frames shorter than the IP total length says. */
	put_frame(g, buf, n - 20, n - 20);
	put_frame(g, buf, 30, 30);
	put_frame(g, buf, 19, 19);
	/* Cuts inside the link header. */
	for (int i = 0; i < 14; i += 3) {
		g->link_cut = i;
		put_frame(g, buf, n, 0);
		tick(g, 10);
	}
	g->link_cut = -1;
}

/* Sequence numbers that cross 2^32, relative and absolute. */
static void kind_wrap(struct gen *g, int argc, char **argv)
{
	static char data[300];
	struct conn k;
	struct seg s;

	memset(data, 'w', sizeof data);
	conn_init(&k, IP4(10, 9, 0, 1), 33333, IP4(10, 9, 0, 2), 5000,
	          4294967290u, 4294967295u);
	conn_open(g, &k);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 100, 100);
	conn_send(g, &k, 1, TH_ACK, NULL, 0, 100);
	conn_send(g, &k, 1, TH_ACK | TH_PSH, data, 300, 100);
	/* An old duplicate from before the ISN prints as a huge number. */
	conn_seg(&k, 0, TH_ACK | TH_PSH, data, 10, &s);
	s.seq = 4294967280u;
	put_seg(g, &s);
	tick(g, 100);
	conn_close(g, &k);
	/* A connection seen mid-stream whose data ends past 2^32. */
	conn_init(&k, IP4(10, 9, 0, 3), 33334, IP4(10, 9, 0, 2), 5000,
	          4294967232u, 123);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 100, 100);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 100, 100);
	conn_send(g, &k, 1, TH_ACK, NULL, 0, 100);
	/* Bare segments without ACK, which always print absolute. */
	conn_send(g, &k, 0, TH_PSH, data, 64, 100);
	conn_send(g, &k, 0, TH_FIN, NULL, 0, 100);
	conn_init(&k, IP4(10, 9, 0, 4), 33335, IP4(10, 9, 0, 2), 5000, 0,
	          4294967295u);
	conn_open(g, &k);
	conn_send(g, &k, 1, TH_ACK | TH_PSH, data, 1, 100);
	conn_close(g, &k);
}

/* A capture that starts in ESTABLISHED, then sees a new handshake. */
static void kind_midstream(struct gen *g, int argc, char **argv)
{
	static char data[1448];
	struct conn k;

	memset(data, 'm', sizeof data);
	conn_init(&k, IP4(172, 16, 5, 10), 51000, IP4(172, 16, 5, 1), 8080,
	          2863311530u, 1431655765u);
	conn_send(g, &k, 1, TH_ACK, data, sizeof data, 20);
	conn_send(g, &k, 1, TH_ACK | TH_PSH, data, 700, 20);
	conn_send(g, &k, 0, TH_ACK, NULL, 0, 20);
	conn_send(g, &k, 1, TH_ACK, data, sizeof data, 20);
	conn_send(g, &k, 0, TH_ACK, NULL, 0, 20);
	conn_sendstr(g, &k, 0, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
	conn_close(g, &k);
	/* The same ports again: a SYN, then a SYN-ACK that resets the base. */
	k.c.seq = 42;
	k.s.seq = 4000000000u;
	conn_open(g, &k);
	conn_sendstr(g, &k, 0, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	conn_send(g, &k, 1, TH_ACK, NULL, 0, 20);
	/* The peer's side first, starting with a pure data segment. */
	conn_init(&k, IP4(172, 16, 5, 11), 51001, IP4(172, 16, 5, 1), 80, 9,
	          99999);
	conn_send(g, &k, 1, TH_PSH, data, 10, 20);
	conn_send(g, &k, 1, TH_FIN | TH_ACK, NULL, 0, 20);
	conn_send(g, &k, 0, TH_ACK, NULL, 0, 20);
}

/* Several connections whose segments interleave. */
static void kind_interleaved(struct gen *g, int argc, char **argv)
{
	static const uint16_t ports[] = {80, 8080, 443, 5000, 8080, 80};
	struct conn k[6];
	int left = 6 * 9;

	for (int i = 0; i < 6; i++) {
		conn_init(&k[i], IP4(10, 1, i / 3, 10 + i), 40000 + 7 * i,
		          IP4(10, 2, 0, 1 + i % 2), ports[i],
		          1000u * i * i * 997u, 4294967000u - i * 65536u);
		snprintf(k[i].req, sizeof k[i].req,
		         "GET /%d HTTP/1.1\r\nHost: 10.2.0.%d\r\n\r\n", i,
		         1 + i % 2);
		snprintf(k[i].resp, sizeof k[i].resp,
		         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n%d\n", i);
	}
	/* Take steps from the connections in a fixed shuffled order. */
	while (left > 0) {
		int i = rnd(g) % 6;

		if (k[i].step >= 9)
			continue;
		switch (k[i].step++) {
		case 0:
			conn_send(g, &k[i], 0, TH_SYN, NULL, 0, 50);
			break;
		case 1:
			conn_send(g, &k[i], 1, TH_SYN | TH_ACK, NULL, 0, 50);
			break;
		case 2:
			conn_send(g, &k[i], 0, TH_ACK, NULL, 0, 50);
			break;
		case 3:
			conn_sendstr(g, &k[i], 0, k[i].req);
			break;
		case 4:
			conn_sendstr(g, &k[i], 1, k[i].resp);
			break;
		case 5:
			conn_send(g, &k[i], 0, TH_ACK, NULL, 0, 50);
			break;
		case 6:
			conn_send(g, &k[i], i & 1, TH_FIN | TH_ACK, NULL, 0,
			          50);
			break;
		case 7:
			conn_send(g, &k[i], !(i & 1), TH_FIN | TH_ACK, NULL, 0,
			          50);
			break;
		default:
			conn_send(g, &k[i], i & 1, TH_ACK, NULL, 0, 50);
			break;
		}
		left--;
	}
}

/* Requests and responses whose first lines tcpdump's HTTP printer reads. */
static const char *const http_msgs[] = {
        "GET / HTTP/1.1\r\nHost: example\r\nUser-Agent: curl/7.88.1\r\n"
        "Accept: */*\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n"
        "\r\nThis is zhenghui",
        "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nx=1&y=2",
        "HTTP/1.1 200 \r\nVary: Origin\r\nContent-Length: 3\r\n\r\nok\n",
        "HEAD /x HTTP/1.0\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nServer: t\r\n\r\n",
        "PUT /f HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 2000 Odd\r\n\r\n",
        "DELETE /f HTTP/1.1\r\n\r\n",
        "HTTP/1.1 20 Short\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\n\r\n",
        "ICY 200 OK\r\nicy-name: radio\r\n\r\n",
        "CONNECT example:443 HTTP/1.1\r\nHost: example:443\r\n\r\n",
        "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n",
        "TRACE / HTTP/1.1\r\n\r\n",
        "HTTP/1.1 abc x\r\n\r\n",
        "get /lower HTTP/1.1\r\nhost: a\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "PATCH /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "HTTP/1.1 200",
        "GET /lf HTTP/1.1\nHost: a\nAccept: */*\n\n",
        "HTTP/1.1 301 Moved\nLocation: /b\n\nbody\n",
        "GET /cr HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\nX-B: d\r\n\r\n",
        "GET /crlast HTTP/1.1\r\nHost: a\r",
        "GET /noeol HTTP/1.1\r\nHost: a",
        "GET /bin HTTP/1.1\r\nHost: a\r\nX: \x01\x02\r\nY: z\r\n\r\n",
        "GET /hi HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n",
        "GET /tab HTTP/1.1\r\nX:\tb\tc\r\n\r\n",
        "GET",
        "GET\r\n",
        "GETX / HTTP/1.1\r\n\r\n",
        " GET / HTTP/1.1\r\n\r\n",
        "GET  /  HTTP/1.1\r\n\r\n",
        "\r\n",
        "\n",
        "COPY /a HTTP/1.1\r\n\r\n",
        "LOCK /a HTTP/1.1\r\n\r\n",
        "MOVE /a HTTP/1.1\r\n\r\n",
        "MKCOL /a HTTP/1.1\r\n\r\n",
        "PROPFIND /a HTTP/1.1\r\nDepth: 1\r\n\r\n",
        "PROPPATCH /a HTTP/1.1\r\n\r\n",
        "SEARCH /a HTTP/1.1\r\n\r\n",
        "UNLOCK /a HTTP/1.1\r\n\r\n",
        "REPORT /a HTTP/1.1\r\n\r\n",
        "SUBSCRIBE /a HTTP/1.1\r\n\r\n",
        "CCM_POST /a HTTP/1.1\r\n\r\n",
        "VERSION-CONTROL /a HTTP/1.1\r\n\r\n",
        "BASELINE-CONTROL /a HTTP/1.1\r\n\r\n",
        "NOTIFY * HTTP/1.1\r\n\r\n",
        "M-SEARCH * HTTP/1.1\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /a-rather-long-path/with/many/parts/and?query=string&and=more&and="
        "even+more+of+it+to+pass+eighty+columns HTTP/1.1\r\nHost: a\r\n"
        "Cookie: a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9; j=10; k=11; l=12"
        "\r\n\r\n",
        "get",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
};

/* Sends every message of http_msgs on k, alternating the sides. */
static void http_all(struct gen *g, struct conn *k)
{
	static char big[1200];
	size_t n = sizeof http_msgs / sizeof http_msgs[0];

	for (size_t i = 0; i < n; i++)
		conn_send(g, k, i & 1, TH_PSH | TH_ACK, http_msgs[i],
		          strlen(http_msgs[i]), 300);
	/* A response whose body comes in its own segments. */
	memset(big, 'b', sizeof big);
	conn_sendstr(g, k, 1,
	             "HTTP/1.1 200 OK\r\nContent-Length: 1205\r\n\r\n");
	conn_send(g, k, 1, TH_ACK, big, sizeof big, 20);
	conn_send(g, k, 1, TH_PSH | TH_ACK, "tail\n", 5, 20);
	conn_send(g, k, 0, TH_ACK, NULL, 0, 20);
	/* PSH with no data, and a single byte. */
	conn_send(g, k, 0, TH_PSH | TH_ACK, NULL, 0, 20);
	conn_send(g, k, 0, TH_PSH | TH_ACK, "G", 1, 20);
}

/* HTTP on ports 80 and 8080, and the same bytes on 8081, which has none. */
static void kind_http(struct gen *g, int argc, char **argv)
{
	static const uint16_t ports[] = {80, 8080, 8081};
	struct conn k;

	for (int i = 0; i < 3; i++) {
		conn_init(&k, IP4(192, 168, 101, 25), 57290 + i,
		          IP4(192, 168, 101, 5), ports[i], 250118291,
		          2336326088u);
		conn_open(g, &k);
		http_all(g, &k);
		conn_close(g, &k);
	}
	/* The server's port as the source of a request: still HTTP. */
	conn_init(&k, IP4(192, 168, 101, 5), 80, IP4(192, 168, 101, 25), 60000,
	          1, 2);
	conn_sendstr(g, &k, 0, "GET /reverse HTTP/1.1\r\n\r\n");
}

/* Encodes s, lets the caller's poke change the bytes, and writes it. */
static void put_poked(struct gen *g, const struct seg *s, int what)
{
	uint8_t buf[FRAME_MAX];
	size_t n = encode(g, s, buf), pad = 0;

	if (n == 0)
		return;
	switch (what) {
	case 1: /* a wrong IP header checksum */
		buf[10] ^= 0x5a;
		break;
	case 2: /* a wrong TCP checksum */
		buf[ip_hlen(buf) + 17] ^= 0x01;
		break;
	case 3: /* Ethernet's minimum frame: 6 bytes of padding */
		memset(buf + n, 0, 6);
		pad = 6;
		break;
	case 4: /* padding that is not zero */
		memset(buf + n, 0xee, 12);
		pad = 12;
		break;
	}
	put_frame(g, buf, n + pad, n + pad);
	tick(g, 100);
}

/* One segment of k with the IP and TCP header fields changed by f. */
static void ipvar_one(struct gen *g, struct conn *k, uint8_t tos, uint8_t ttl,
                      uint16_t off, uint16_t flags, uint16_t urp, int what)
{
	struct seg s;

	conn_seg(k, 0, flags,
	         (flags & TH_PSH) ? "GET / HTTP/1.1\r\n\r\n" : NULL,
	         (flags & TH_PSH) ? 18 : 0, &s);
	s.ip_tos = tos;
	s.ip_ttl = ttl;
	s.ip_off = off;
	s.urp = urp;
	put_poked(g, &s, what);
}

/* A segment of k that carries the IPv4 options raw[0..n), n % 4 == 0. */
static void ipopt_one(struct gen *g, struct conn *k, const char *raw, size_t n)
{
	struct seg s;

	conn_seg(k, 0, TH_ACK, NULL, 0, &s);
	memcpy(s.ip_opt, raw, n);
	s.ip_opt_len = n;
	put_seg(g, &s);
	tick(g, 100);
}

#define PA (TH_PSH | TH_ACK)

/* The IPv4 header's fields and the TCP flags in their variety. */
static void kind_ipvar(struct gen *g, int argc, char **argv)
{
	static const uint8_t tos[] = {0x10, 0x03, 0x01, 0x02, 0xb8, 0xff, 0xfc};
	struct conn k;

	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 8080, 1, 2);
	conn_open(g, &k);
	for (size_t i = 0; i < sizeof tos; i++)
		ipvar_one(g, &k, tos[i], 64, IP_DF, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 0, IP_DF, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 1, 0, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 255, IP_DF, PA, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 1);
	ipvar_one(g, &k, 0, 64, IP_DF, PA, 0, 1);
	ipvar_one(g, &k, 0, 64, IP_DF, PA, 0, 2);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 3);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 4);
	ipvar_one(g, &k, 0, 64, IP_MF, PA, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_MF | IP_DF, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_MF | 185, PA, 0, 0);
	ipvar_one(g, &k, 0, 64, 185, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF | 1, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_RF, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_RF | IP_DF | IP_MF, TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, PA | TH_URG, 5, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK | TH_URG, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 7, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_URG, 65535, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_SYN | TH_ECE | TH_CWR, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_SYN | TH_ACK | TH_ECE, 0, 0);
	ipvar_one(g, &k, 0x02, 64, IP_DF, PA | TH_CWR, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK | TH_NS, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK | TH_ECE, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, 0, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_PSH, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_SYN | TH_FIN, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_SYN | TH_FIN | TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, 0x1ff, 1, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_FIN | TH_PSH | TH_ACK, 0, 0);
	ipvar_one(g, &k, 0, 64, IP_DF, TH_RST | TH_PSH | TH_ACK, 0, 0);
	k.c.id = 0;
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 0);
	k.c.id = 65535;
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 0);
	k.c.win = 0;
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 0);
	k.c.win = 65535;
	ipvar_one(g, &k, 0, 64, IP_DF, TH_ACK, 0, 0);
	ipopt_one(g, &k, "\x01\x01\x01\x01", 4);
	ipopt_one(g, &k, "\x00\x00\x00\x00", 4);
	ipopt_one(g, &k, "\x94\x04\x00\x00", 4);
	ipopt_one(g, &k, "\x07\x07\x04\x0a\x09\x00\x01\x00", 8);
	ipopt_one(g, &k, "\x01\x94\x04\x00\x00\x00\x00\x00", 8);
	conn_close(g, &k);
}

/* Timestamps around day, year and DST boundaries, backwards, far apart. */
static void kind_times(struct gen *g, int argc, char **argv)
{
	static const struct {
		int64_t sec;
		uint32_t usec;
	} t[] = {
	        {1700000000, 0},
	        {1700000000, 1},
	        {1700000000, 999999},
	        {1700000001, 0},
	        {1700000001, 0},
	        {1700000000, 500000},
	        {1700006399, 999999},
	        {1700006400, 0},
	        {1700006400, 1},
	        {1700024399, 500000},
	        {1700024400, 250000},
	        {1699164000 - 1800, 7},
	        {1699164000 + 1800, 70},
	        {1710054000 - 1, 999000},
	        {1710054000, 1000},
	        {1704067199, 500000},
	        {1704067200, 500000},
	        {1704085199, 999999},
	        {1704085200, 0},
	        {1704085200 + 86400, 0},
	        {1704085200 + 86400 * 2 + 3 * 3600, 123456},
	        {1704085200 + 86400 * 12, 654321},
	        {1704085200, 1},
	        {0, 0},
	        {1, 1},
	        {86399, 999999},
	        {2147483647, 999999},
	        {2147483648u, 0},
	        {4102444800u, 42},
	        {4294967295u, 999999},
	        {1592232550, 94025},
	        {1592232550, 94140},
	};
	struct conn k;

	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 22222, 1, 2);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		g->sec = t[i].sec;
		g->usec = t[i].usec;
		if (i == 0)
			conn_open(g, &k);
		else
			conn_send(g, &k, i & 1, TH_ACK, NULL, 0, 0);
	}
}

/* A short HTTP exchange, for the link types other than Ethernet. */
static void link_script(struct gen *g, struct conn *k)
{
	static const uint8_t types[] = {0, 4, 1, 2, 3, 0, 4};
	int i = 0;

	g->ifindex = 1;
	for (int step = 0; step < 10; step++) {
		g->pkttype = types[i++ % sizeof types];
		if (step == 5)
			g->ifindex = 2;
		if (step == 7)
			g->ifindex = 4000;
		if (step == 0)
			conn_send(g, k, 0, TH_SYN, NULL, 0, 40);
		else if (step == 1)
			conn_send(g, k, 1, TH_SYN | TH_ACK, NULL, 0, 40);
		else if (step == 2)
			conn_send(g, k, 0, TH_ACK, NULL, 0, 40);
		else if (step == 3)
			conn_sendstr(g, k, 0,
			             "GET / HTTP/1.1\r\nHost: b\r\n\r\n");
		else if (step == 4)
			conn_sendstr(g, k, 1, "HTTP/1.1 200 OK\r\n\r\nhi\n");
		else if (step == 5)
			conn_send(g, k, 0, TH_ACK, NULL, 0, 40);
		else if (step == 6)
			conn_send(g, k, 0, TH_FIN | TH_ACK, NULL, 0, 40);
		else if (step == 7)
			conn_send(g, k, 1, TH_FIN | TH_ACK, NULL, 0, 40);
		else if (step == 8)
			conn_send(g, k, 0, TH_ACK, NULL, 0, 40);
		else
			conn_send(g, k, 0, TH_RST, "bye", 3, 40);
	}
}

static void kind_link(struct gen *g, int argc, char **argv)
{
	struct conn k;

	conn_init(&k, IP4(192, 168, 101, 25), 57290, IP4(192, 168, 101, 5),
	          8080, 250118291, 2336326088u);
	link_script(g, &k);
}

/* The same over IPv6. */
static void kind_link6(struct gen *g, int argc, char **argv)
{
	struct conn k;

	conn_init6(&k, "2001:db8:101::25", 57290, "2001:db8:101::5", 8080,
	           250118291, 2336326088u);
	link_script(g, &k);
}

/* Both, one after the other: for the link types that carry either. */
static void kind_link46(struct gen *g, int argc, char **argv)
{
	kind_link(g, argc, argv);
	kind_link6(g, argc, argv);
}
/* ------------------------------------------------------------------ */
/* IPv6.                                                               */

/*
 * Writes s with the IPv6 extension headers ext[0..n) between the fixed
 * header and TCP, of which caplen bytes (0: all) are captured. first is the
 * fixed header's next header (0 hop-by-hop, 60 destination options, 44
 * fragment); each header in ext names the one after it, the last one TCP
 * (6). The TCP checksum does not cover them, so it stays right.
 */
static void put_seg6_ext(struct gen *g, const struct seg *s, uint8_t first,
                         const uint8_t *ext, size_t n, size_t caplen)
{
	uint8_t enc[FRAME_MAX], buf[FRAME_MAX];
	size_t len = encode(g, s, enc);

	if (len == 0)
		return;
	memcpy(buf, enc, 40);
	memcpy(buf + 40, ext, n);
	memcpy(buf + 40 + n, enc + 40, len - 40);
	buf[6] = first;
	put16(buf + 4, (uint16_t)(len - 40 + n));
	put_frame(g, buf, len + n, caplen ? caplen : len + n);
}

/* The article's exchange over IPv6, and what IPv6 adds to a TCP line. */
static void kind_ip6(struct gen *g, int argc, char **argv)
{
	static const char req[] =
	        "GET /truedei/test?name=zhenghui HTTP/1.1\r\n"
	        "User-Agent: Wget/1.14 (linux-gnu)\r\nAccept: */*\r\n"
	        "Host: [2001:db8:101::5]:8080\r\nConnection: "
	        "Keep-Alive\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 \r\nContent-Type: text/plain"
	                           "\r\nContent-Length: 16\r\n\r\n"
	                           "This is zhenghui";
	/* Addresses whose text form tests every rule of RFC 5952. */
	static const char *const odd[] = {"::1",
	                                  "::ffff:10.1.2.3",
	                                  "::10.1.2.3",
	                                  "fe80::1:2",
	                                  "2001:db8:0:0:1:0:0:1",
	                                  "1::",
	                                  "1:0:1:0:1:0:1:0",
	                                  "2001:db8:a:b:c:d:e:f",
	                                  "::ffff:0:10.1.2.3",
	                                  "ff02::1:ff00:5",
	                                  "0:1::",
	                                  "2001:db8::100:0:0"};
	static const uint8_t hbh_pad[] = {6, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t hbh_ra[] = {6, 0, 5, 2, 0, 0, 1, 0};
	static const uint8_t hbh_mix[] = {6, 1, 0, 0x1e, 2, 0xaa, 0xbb, 0,
	                                  1, 6, 0, 0,    0, 0,    0,    0};
	static const uint8_t dst_pad1[] = {6, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t frag_first[] = {6,    0,    0,    1,
	                                     0x12, 0x34, 0x56, 0x78};
	static const uint8_t frag_last[] = {6, 0, 0, 0, 0, 0, 0, 9};
	static const uint8_t frag_later[] = {6, 0, 0x05, 0xa8, 0, 0, 0, 9};
	/* Hop-by-hop, destination options, fragment, in that order. */
	static const uint8_t chain[] = {60, 0, 1, 4, 0, 0, 0, 0, 44, 0, 5, 2,
	                                0,  1, 0, 0, 6, 0, 0, 1, 0,  0, 0, 7};
	static char data[1440];
	struct conn k;
	struct seg s;
	size_t i;

	memset(data, 'v', sizeof data);
	conn_init6(&k, "2001:db8:101::25", 53370, "2001:db8:101::5", 8080,
	           250118291, 2336326088u);
	conn_open(g, &k);
	conn_sendstr(g, &k, 0, req);
	conn_send(g, &k, 1, TH_ACK, NULL, 0, 200);
	conn_sendstr(g, &k, 1, resp);
	conn_send(g, &k, 0, TH_ACK, NULL, 0, 200);
	/* A flow label and a traffic class, each alone and together. */
	for (i = 0; i < 4; i++) {
		conn_seg(&k, (int)(i & 1), TH_ACK, data, 100 * i, &s);
		s.ip6_flow = (i & 1) ? 0xcdef1 : (i == 2 ? 0x00001 : 0);
		s.ip_tos = i >= 2 ? 0xb8 : (i == 1 ? 0x01 : 0);
		s.ip_ttl = (uint8_t)(255 - 60 * i);
		put_seg(g, &s);
		tick(g, 50);
	}
	/* A full-sized segment, SACK blocks and a damaged checksum. */
	conn_send(g, &k, 1, TH_ACK, data, sizeof data, 100);
	conn_seg(&k, 0, TH_ACK, NULL, 0, &s);
	{
		struct seg_sack b[2] = {{k.s.seq + 100, k.s.seq + 600},
		                        {k.s.seq + 900, k.s.seq + 1000}};
		seg_opt_clear(&s);
		seg_opt_nop(&s);
		seg_opt_nop(&s);
		seg_opt_sack(&s, b, 2);
		put_seg(g, &s);
		tick(g, 100);
	}
	conn_seg(&k, 1, TH_ACK | TH_PSH, data, 10, &s);
	{
		uint8_t buf[FRAME_MAX];
		size_t n = encode(g, &s, buf);
		if (n > 0) {
			buf[40 + 16] ^= 0x5a;
			put_frame(g, buf, n, n);
		}
		tick(g, 100);
	}
	/* Extension headers before TCP. */
	conn_seg(&k, 0, TH_ACK, NULL, 0, &s);
	put_seg6_ext(g, &s, 0, hbh_pad, sizeof hbh_pad, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 0, hbh_ra, sizeof hbh_ra, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 0, hbh_mix, sizeof hbh_mix, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 60, dst_pad1, sizeof dst_pad1, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 60, hbh_mix, sizeof hbh_mix, 0);
	tick(g, 10);
	conn_seg(&k, 1, TH_ACK | TH_PSH, data, 30, &s);
	put_seg6_ext(g, &s, 44, frag_first, sizeof frag_first, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 44, frag_last, sizeof frag_last, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 44, frag_later, sizeof frag_later, 0);
	tick(g, 10);
	put_seg6_ext(g, &s, 0, chain, sizeof chain, 0);
	tick(g, 10);
	conn_close(g, &k);
	/* A RST with data, on port 80; then sequence numbers across 2^32. */
	conn_init6(&k, "2001:db8:101::25", 53371, "2001:db8:101::5", 80,
	           4294967290u, 4294967295u);
	conn_open(g, &k);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 100, 100);
	conn_sendstr(g, &k, 1, "HTTP/1.1 404 Not Found\r\n\r\n");
	conn_send(g, &k, 1, TH_RST | TH_ACK, "reset: gone", 11, 100);
	/* The same port on both sides: the addresses order the entry. */
	conn_init6(&k, "2001:db8::2", 7000, "2001:db8::1", 7000, 5, 7);
	conn_open(g, &k);
	conn_send(g, &k, 1, TH_ACK | TH_PSH, data, 3, 50);
	conn_send(g, &k, 0, TH_ACK, NULL, 0, 50);
	/* Every address form, mid-stream. */
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		conn_init6(&k, odd[i], (uint16_t)(40000 + i), odd[(i + 5) % 12],
		           443, (uint32_t)i * 77777u, 12345);
		conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 20, 30);
		conn_send(g, &k, 1, TH_ACK, NULL, 0, 30);
	}
	/* An IPv4 connection with the same ports keeps its own numbers. */
	conn_init(&k, IP4(192, 168, 101, 25), 53370, IP4(192, 168, 101, 5),
	          8080, 99, 199);
	conn_open(g, &k);
	conn_send(g, &k, 0, TH_ACK | TH_PSH, data, 5, 30);
}

/* IPv6 packets cut short at every byte, and datagrams shorter than their
 * payload length says. */
static void kind_ip6trunc(struct gen *g, int argc, char **argv)
{
	static const char req[] =
	        "GET / HTTP/1.1\r\nHost: [2001:db8::5]\r\n\r\n";
	static const uint8_t hbh[] = {6, 0, 5, 2, 0, 0, 1, 0};
	static const uint8_t frag[] = {6, 0, 0, 1, 0, 0, 0, 3};
	static const uint8_t chain[] = {60, 0, 1, 4, 0, 0, 0, 0,
	                                6,  0, 1, 4, 0, 0, 0, 0};
	uint8_t buf[FRAME_MAX];
	struct conn k;
	struct seg s;
	size_t n, c;

	conn_init6(&k, "2001:db8::25", 54321, "2001:db8::5", 8080, 1000000,
	           3000000000u);
	n = conn_encode(g, &k, 0, TH_SYN, NULL, buf);
	for (c = 0; c <= n; c++) {
		put_frame(g, buf, n, c);
		tick(g, 10);
	}
	n = conn_encode(g, &k, 1, TH_SYN | TH_ACK, NULL, buf);
	put_frame(g, buf, n, n);
	n = conn_encode(g, &k, 0, TH_ACK | TH_PSH, req, buf);
	for (c = 40; c <= n; c += 3) {
		put_frame(g, buf, n, c);
		tick(g, 10);
	}
	/* Shorter on the wire than the payload length. */
	put_frame(g, buf, n - 10, n - 10);
	put_frame(g, buf, 60, 60);
	put_frame(g, buf, 41, 41);
	/* Extension headers cut at every byte. */
	conn_seg(&k, 1, TH_ACK, NULL, 0, &s);
	for (c = 38; c <= 40 + 8 + 32 + 1; c++) {
		put_seg6_ext(g, &s, 0, hbh, sizeof hbh, c);
		tick(g, 10);
	}
	for (c = 40; c <= 40 + 8 + 21; c++) {
		put_seg6_ext(g, &s, 44, frag, sizeof frag, c);
		tick(g, 10);
	}
	for (c = 40; c <= 40 + 16 + 21; c++) {
		put_seg6_ext(g, &s, 0, chain, sizeof chain, c);
		tick(g, 10);
	}
	/* Cuts inside the link header. */
	for (int i = 0; i < 14; i += 3) {
		g->link_cut = i;
		put_frame(g, buf, n, 0);
		tick(g, 10);
	}
	g->link_cut = -1;
}

/*
 * Fills connection number n of the mix, from the client caddr:cport to
 * one of three servers: its numbers, its request and its response.
 */
static void mix_conn(struct gen *g, struct conn *k, uint32_t n, uint32_t caddr,
                     uint16_t cport)
{
	static const uint16_t ports[] = {80, 8080, 443};
	int srv = n % 3;
	unsigned body = 20 + rnd(g) % 300;

	conn_init(k, caddr, cport, IP4(10, 1, 0, 1 + srv), ports[srv],
	          rnd(g) * 97u, rnd(g) * 131u);
	k->c.ts = rnd(g);
	k->s.ts = rnd(g);
	snprintf(k->req, sizeof k->req,
	         "GET /catalog/item/%u?ref=%u HTTP/1.1\r\n"
	         "Host: 10.1.0.%d:%u\r\nUser-Agent: Wget/1.21.3\r\n"
	         "Accept: */*\r\nAccept-Encoding: identity\r\n"
	         "Connection: Keep-Alive\r\n\r\n",
	         n, rnd(g) % 1000, 1 + srv, ports[srv]);
	snprintf(k->resp, sizeof k->resp,
	         "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
	         "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
	         "Content-Type: text/html\r\nContent-Length: %u\r\n"
	         "Connection: keep-alive\r\n\r\n%.*s",
	         body, (int)body,
	         "<html><body><p>tcplab</p>"
	         "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"
	         "pq"
	         "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"
	         "pq"
	         "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"
	         "pq"
	         "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"
	         "pq"
	         "0123456789abcdefghijklmnopqrstuvwxyz</body></html>\n");
}

/*
 * The address of client host h of the mix. The first octets vary as on
 * the Internet: tcpdump hashes IPv4 addresses by their first 12 bits in
 * memory, so a capture of one /16 would put every client in one hash
 * chain and measure that chain rather than the printing.
 */
static uint32_t mix_host(uint32_t h)
{
	return IP4(1 + (h * 37) % 223, h & 0xff, (h >> 8) & 0xff, 1 + h % 250);
}

/* Starts connection number n of the mix, from one of hosts clients. */
static void mix_new(struct gen *g, struct conn *k, uint32_t n, uint32_t hosts)
{
	mix_conn(g, k, n, mix_host(n % hosts), 32768 + (n * 7919) % 28000);
}

/* The next segment of a mix connection: the article's ten steps. */
static void mix_step(struct gen *g, struct conn *k)
{
	uint32_t us = 5 + rnd(g) % 200;

	switch (k->step++) {
	case 0:
		conn_send(g, k, 0, TH_SYN, NULL, 0, us);
		break;
	case 1:
		conn_send(g, k, 1, TH_SYN | TH_ACK, NULL, 0, us);
		break;
	case 2:
	case 6:
	case 9:
		conn_send(g, k, 0, TH_ACK, NULL, 0, us);
		break;
	case 3:
		conn_send(g, k, 0, PA, k->req, strlen(k->req), us);
		break;
	case 4:
		conn_send(g, k, 1, TH_ACK, NULL, 0, us);
		break;
	case 5:
		conn_send(g, k, 1, PA, k->resp, strlen(k->resp), us);
		break;
	case 7:
		conn_send(g, k, 0, TH_FIN | TH_ACK, NULL, 0, us);
		break;
	default:
		conn_send(g, k, 1, TH_FIN | TH_ACK, NULL, 0, us);
		break;
	}
}

/* The benchmark capture: "mix N [HOSTS]", N segments of many interleaved
 * connections from HOSTS clients (1000 by default). */
static void kind_mix(struct gen *g, int argc, char **argv)
{
	enum { ACTIVE = 64 };
	static struct conn k[ACTIVE];
	unsigned long total = argc > 0 ? strtoul(argv[0], NULL, 10) : 1000;
	unsigned long hosts = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	uint32_t next = 0;

	if (hosts == 0 || hosts > 1000000) {
		g->err = "HOSTS must be between 1 and 1000000";
		return;
	}
	for (int i = 0; i < ACTIVE; i++)
		mix_new(g, &k[i], next++, hosts);
	for (unsigned long done = 0; done < total && !g->err; done++) {
		struct conn *c = &k[rnd(g) % ACTIVE];

		mix_step(g, c);
		if (c->step == 10)
			mix_new(g, c, next++, hosts);
	}
}

/* Client hosts of "conns", and the ephemeral ports each uses (Linux's
 * 32768 to 60999). */
#define CONNS_HOSTS 1000
#define CONNS_PORTS 28232

/*
 * "conns N [OPEN]": N whole connections, each the article's exchange
 * (handshake, request, its ACK, response, its ACK, a close in three
 * segments), OPEN of them (64 by default) under way at once, their
 * segments interleaved at random, 5 to 204 us apart. Connection n comes
 * from client host n % 1000 and port 32768 + n / 1000, so no two share an
 * address and port pair; with OPEN 1 they follow each other.
 */
static void kind_conns(struct gen *g, int argc, char **argv)
{
	unsigned long total = argc > 0 ? strtoul(argv[0], NULL, 10) : 1000;
	unsigned long open = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	unsigned long next = 0, live = 0;
	struct conn *k, *c;

	if (total > (unsigned long)CONNS_HOSTS * CONNS_PORTS || open == 0 ||
	    open > 100000) {
		g->err = "N must be at most 28232000 and OPEN from 1 to 100000";
		return;
	}
	k = calloc(open, sizeof(*k));
	if (k == NULL) {
		g->err = "out of memory";
		return;
	}
	for (; live < open && next < total; next++)
		mix_conn(g, &k[live++], next, mix_host(next % CONNS_HOSTS),
		         32768 + next / CONNS_HOSTS);
	while (live > 0 && !g->err) {
		c = &k[rnd(g) % live];
		mix_step(g, c);
		if (c->step < 10)
			continue;
		if (next < total) {
			mix_conn(g, c, next, mix_host(next % CONNS_HOSTS),
			         32768 + next / CONNS_HOSTS);
			next++;
		} else {
			*c = k[--live];
		}
	}
	free(k);
}

/* Packets that are not IPv4 TCP, or whose IPv4 header is broken. */
static void kind_other(struct gen *g, int argc, char **argv)
{
	uint8_t buf[FRAME_MAX];
	struct conn k;
	struct seg s;
	size_t n;

	conn_init(&k, IP4(10, 9, 0, 1), 40000, IP4(10, 9, 0, 2), 8080, 1, 2);
	conn_seg(&k, 0, TH_ACK, NULL, 0, &s);
	n = encode(g, &s, buf);
	if (n == 0)
		return;
	buf[0] = 0x44; /* header length 16 */
	fix_ip_sum(buf);
	put_frame(g, buf, n, n);
	buf[0] = 0x45;
	buf[2] = 0;
	buf[3] = 10; /* total length shorter than the header */
	fix_ip_sum(buf);
	put_frame(g, buf, n, n);
	buf[3] = (uint8_t)n;
	buf[9] = 17; /* UDP */
	fix_ip_sum(buf);
	put_frame(g, buf, n, n);
	buf[9] = 1; /* ICMP */
	fix_ip_sum(buf);
	put_frame(g, buf, n, n);
	buf[9] = 6;
	buf[0] = 0x65; /* version 6 in an IPv4 frame */
	put_frame(g, buf, n, n);
}

/* ------------------------------------------------------------------ */
/* Multipath TCP (RFC 8684): every option subtype, right and wrong.     */

/* The TCP options of one segment, built byte by byte. */
struct mpo {
	uint8_t b[64];
	size_t n;
};

/* Appends the low nbytes bytes of v, most significant first. */
static void mpo_be(struct mpo *o, uint64_t v, unsigned nbytes)
{
	while (nbytes-- > 0 && o->n < sizeof o->b)
		o->b[o->n++] = (uint8_t)(v >> (8 * nbytes));
}

/* Starts an MPTCP option (kind 30) of subtype sub with byte 2's low
 * nibble low; returns where it starts, for mpo_end. */
static size_t mpo_start(struct mpo *o, unsigned sub, unsigned low)
{
	size_t at = o->n;

	mpo_be(o, 30, 1);
	mpo_be(o, 0, 1);
	mpo_be(o, (sub << 4 | (low & 15)) & 0xff, 1);
	return at;
}

/* Sets the length byte of the option at at: its true length plus delta,
 * so that a test can claim more or fewer bytes than are there. */
static void mpo_end(struct mpo *o, size_t at, int delta)
{
	o->b[at + 1] = (uint8_t)((int)(o->n - at) + delta);
}

/* Writes one segment of k from one side with the options of o, NOPs in
 * front to fill a 32-bit word as Linux does, and an optional payload. */
static void mp_put(struct gen *g, struct conn *k, int from_server,
                   uint16_t flags, const struct mpo *o, const char *data)
{
	uint8_t raw[64];
	size_t lead = (4 - o->n % 4) % 4;
	struct seg s;

	memset(raw, TCPOPT_NOP, lead);
	memcpy(raw + lead, o->b, o->n);
	conn_seg(k, from_server, flags, data, data ? strlen(data) : 0, &s);
	put_seg_opts(g, &s, raw, lead + o->n);
	tick(g, 250);
}

/* One option of subtype sub: byte 2's nibble low, then the bytes body
 * (nbody of them), its length byte off by delta. */
static void mp_one(struct gen *g, struct conn *k, uint16_t flags, unsigned sub,
                   unsigned low, const char *body, size_t nbody, int delta)
{
	struct mpo o = {.n = 0};
	size_t at = mpo_start(&o, sub, low);

	memcpy(o.b + o.n, body, nbody);
	o.n += nbody;
	mpo_end(&o, at, delta);
	mp_put(g, k, 0, flags, &o, NULL);
}

#define MP(k, flags, sub, low, lit)                                            \
	mp_one(g, k, flags, sub, low, lit, sizeof(lit) - 1, 0)
#define MP_LEN(k, flags, sub, low, lit, delta)                                 \
	mp_one(g, k, flags, sub, low, lit, sizeof(lit) - 1, delta)

#define KEY_A "\x8e\x0b\x1c\x2d\x3e\x4f\x50\x61"
#define KEY_B "\x00\x00\x00\x00\x0a\xbc\xde\xf0"
#define KEY_C "\x00\x01\x02\x03\x04\x05\x06\x07"

/* MP_CAPABLE: SYN (v1 without a key, v0 with one), SYN/ACK, the third
 * ACK with both keys and with data, the flags, unknown versions, and the
 * lengths that do not fit the segment's flags. */
static void mp_capable(struct gen *g, struct conn *k)
{
	const uint16_t sa = TH_SYN | TH_ACK;

	MP(k, TH_SYN, 0, 1, "\x81");
	MP(k, TH_SYN, 0, 1, "\x01");
	MP(k, TH_SYN, 0, 0, "\x81" KEY_A);
	MP(k, sa, 0, 1, "\x01" KEY_A);
	MP(k, sa, 0, 0, "\x80" KEY_B);
	MP(k, TH_ACK, 0, 1, "\x01" KEY_A KEY_B);
	MP(k, TH_ACK, 0, 0, "\x81" KEY_C KEY_A);
	MP(k, TH_ACK | TH_PSH, 0, 1, "\x01" KEY_A KEY_B "\x00\x0b");
	MP(k, TH_ACK | TH_PSH, 0, 1, "\x81" KEY_A KEY_B "\x00\x0b\xbe\xef");
	MP(k, TH_SYN, 0, 2, "\x81" KEY_A);
	MP(k, TH_ACK, 0, 15, "\x01" KEY_A KEY_B);
	MP(k, TH_SYN, 0, 1, "\xff");
	MP(k, TH_SYN, 0, 1, "\x01" KEY_A KEY_B);
	MP(k, TH_ACK, 0, 1, "\x01" KEY_A);
	MP(k, sa, 0, 1, "\x01" KEY_A KEY_B);
	MP(k, TH_ACK, 0, 1, "\x01");
	MP(k, 0, 0, 1, "\x01" KEY_A KEY_B);
	MP(k, TH_SYN, 0, 1, "\x01" KEY_A "\x00\x00");
	MP_LEN(k, TH_SYN, 0, 1, "\x01" KEY_A, -1);
}

/* MP_JOIN: SYN, SYN/ACK and ACK, the backup bit, and wrong lengths. */
static void mp_join(struct gen *g, struct conn *k)
{
	const uint16_t sa = TH_SYN | TH_ACK;
	const char mac20[] = "\x01\x23\x45\x67\x89\xab\xcd\xef\x00\x11"
	                     "\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb";

	MP(k, TH_SYN, 1, 0, "\x02\x5e\xc0\x17\x0a\x00\x00\x01\x00\x2a");
	MP(k, TH_SYN, 1, 1, "\x00\x00\x00\x00\x01\xff\xff\xff\xff");
	MP(k, sa, 1, 0, "\x02" KEY_A "\x12\x34\x56\x78");
	MP(k, sa, 1, 1, "\xff" KEY_B "\x00\x00\x00\x00");
	MP(k, sa, 1, 0, "\x03\x5e\xc0\x17\x0a\x00\x00\x01\x00");
	mp_one(g, k, TH_ACK, 1, 0, mac20, 20, 0);
	mp_one(g, k, TH_ACK, 1, 1, mac20, 20, 0);
	mp_one(g, k, sa, 1, 0, mac20, 20, 0);
	mp_one(g, k, TH_ACK, 1, 0, mac20, 20, -1);
	MP(k, TH_ACK, 1, 0, "\x02" KEY_A "\x12\x34\x56\x78");
	MP(k, TH_SYN, 1, 0, "\x02" KEY_A "\x12\x34\x56\x78");
	MP(k, TH_ACK, 1, 0, "\x02\x5e\xc0\x17\x0a\x00\x00\x01\x00");
	MP(k, TH_SYN, 1, 0, "\x02");
	MP(k, TH_SYN, 1, 0, "\x02\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00");
}

/* One DSS option with the flags f (F m M a A in the low five bits), the
 * checksum when csum, extra bytes after the fields, and the length byte
 * off by delta. */
static void mp_dss_one(struct gen *g, struct conn *k, uint16_t flags,
                       unsigned f, int csum, unsigned extra, int delta)
{
	struct mpo o = {.n = 0};
	size_t at = mpo_start(&o, 2, 0);

	mpo_be(&o, f, 1);
	if (f & 0x01)
		mpo_be(&o, 0xfedcba9876543210ull, (f & 0x02) ? 8 : 4);
	if (f & 0x04) {
		mpo_be(&o, 0x0000000100000002ull + f, (f & 0x08) ? 8 : 4);
		mpo_be(&o, 0x89abcdefu, 4);
		mpo_be(&o, 1400 + f, 2);
		if (csum)
			mpo_be(&o, 0x0f0e, 2);
	}
	while (extra-- > 0)
		mpo_be(&o, 0xcc, 1);
	mpo_end(&o, at, delta);
	mp_put(g, k, 0, flags, &o, NULL);
}

/* DSS: every combination of the five flags, with and without the
 * checksum, reserved bits, lengths that are short or long, and a DSS in
 * a SYN. */
static void mp_dss(struct gen *g, struct conn *k)
{
	static const unsigned some[] = {0x01, 0x03, 0x04, 0x0c, 0x05, 0x0f};

	for (unsigned f = 0; f < 32; f++) {
		mp_dss_one(g, k, TH_ACK, f, 0, 0, 0);
		if (f & 0x04)
			mp_dss_one(g, k, TH_ACK, f, 1, 0, 0);
	}
	mp_dss_one(g, k, TH_ACK, 0xe5, 0, 0, 0);
	mp_dss_one(g, k, TH_FIN | TH_ACK, 0x11, 0, 0, 0);
	for (size_t i = 0; i < sizeof some / sizeof some[0]; i++) {
		mp_dss_one(g, k, TH_ACK, some[i], 0, 1, 0);
		mp_dss_one(g, k, TH_ACK, some[i], 0, 3, 0);
		mp_dss_one(g, k, TH_ACK, some[i], 1, 1, 0);
		mp_dss_one(g, k, TH_ACK, some[i], 0, 0, -1);
		mp_dss_one(g, k, TH_ACK, some[i], 0, 0, -2);
		mp_dss_one(g, k, TH_ACK, some[i], 0, 0, -4);
	}
	mp_dss_one(g, k, TH_SYN | TH_ACK, 0x01, 0, 0, 0);
	mp_dss_one(g, k, TH_SYN, 0x00, 0, 0, 0);
	mp_dss_one(g, k, TH_ACK, 0x00, 0, 0, -1);
}

/* One ADD_ADDR with byte 2's nibble low, id 7, the address addr (4 or 16
 * bytes), a port when port is not 0, the HMAC when hmac; delta bytes more
 * when it is positive, a length byte short by -delta when negative. */
static void mp_add_one(struct gen *g, struct conn *k, unsigned low,
                       const uint8_t *addr, size_t alen, uint16_t port,
                       int hmac, int delta)
{
	struct mpo o = {.n = 0};
	size_t at = mpo_start(&o, 3, low);

	mpo_be(&o, 7, 1);
	memcpy(o.b + o.n, addr, alen);
	o.n += alen;
	if (port)
		mpo_be(&o, port, 2);
	if (hmac)
		mpo_be(&o, 0x0123456789abcdefull, 8);
	for (int i = 0; i < delta; i++)
		mpo_be(&o, 0xa0 + i, 1);
	mpo_end(&o, at, delta < 0 ? delta : 0);
	mp_put(g, k, 0, TH_ACK, &o, NULL);
}

/* ADD_ADDR: IPv4 and IPv6, with and without port and HMAC, each version
 * and echo nibble, the forms of IPv6 text, and wrong lengths. */
static void mp_add_addr(struct gen *g, struct conn *k)
{
	static const uint8_t v4[][4] = {
	        {192, 0, 2, 1}, {10, 9, 0, 1}, {0, 0, 0, 0}};
	/* 2001:db8::1, two equal runs of zeros, none, a single zero,
	 * IPv4-mapped and -compatible, ::1, ::, fe80::, a run at the end,
	 * and two that only look like IPv4 forms. */
	static const uint8_t v6[][16] = {
	        {0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	        {0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
	        {0x20, 1, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6},
	        {0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5},
	        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1},
	        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1},
	        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	        {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	        {0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
	        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 192, 0, 2, 1},
	        {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1},
	};
	static const unsigned nib[] = {0, 1, 4, 6, 2, 15};

	for (size_t i = 0; i < sizeof nib / sizeof nib[0]; i++) {
		for (int m = 0; m < 4; m++) {
			mp_add_one(g, k, nib[i], v4[0], 4, m & 1 ? 8080 : 0,
			           m & 2, 0);
			mp_add_one(g, k, nib[i], v6[0], 16, m & 1 ? 443 : 0,
			           m & 2, 0);
		}
	}
	for (size_t i = 1; i < sizeof v4 / sizeof v4[0]; i++)
		mp_add_one(g, k, 0, v4[i], 4, 0, 1, 0);
	for (size_t i = 1; i < sizeof v6 / sizeof v6[0]; i++)
		mp_add_one(g, k, 1, v6[i], 16, 0, 0, 0);
	mp_add_one(g, k, 0, v4[0], 4, 0, 0, 1);
	mp_add_one(g, k, 0, v4[0], 4, 0, 1, -1);
	mp_add_one(g, k, 0, v4[0], 4, 80, 1, 2);
	mp_add_one(g, k, 0, v6[0], 16, 0, 0, -1);
	mp_add_one(g, k, 0, v6[0], 16, 80, 1, 2);
	mp_add_one(g, k, 4, v4[0], 4, 0, 0, -2);
	mp_add_one(g, k, 6, v4[0], 4, 0, 0, 4);
	mp_add_one(g, k, 6, v6[0], 16, 0, 0, 4);
}

/* REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_TCPRST, the subtypes
 * tcpdump does not know, and options too short for any subtype. */
static void mp_others(struct gen *g, struct conn *k)
{
	struct mpo o = {.n = 0};

	MP(k, TH_ACK, 4, 0, "\x05");
	MP(k, TH_ACK, 4, 0, "\x01\x02\xff");
	MP(k, TH_ACK, 4, 0, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a");
	MP(k, TH_ACK, 4, 0, "");
	MP(k, TH_ACK, 5, 1, "");
	MP(k, TH_ACK, 5, 0, "");
	MP(k, TH_ACK, 5, 1, "\x03");
	MP(k, TH_ACK, 5, 14, "\x00");
	MP(k, TH_ACK, 5, 0, "\x03\x04");
	MP(k, TH_ACK, 6, 0, "\x00\xfe\xdc\xba\x98\x76\x54\x32\x10");
	MP(k, TH_ACK, 6, 0, "\x00\x00\x00\x00\x00\x00\x00\x00\x2a");
	MP(k, TH_ACK, 6, 0, "\x00\x00\x00\x00\x00\x00\x00\x2a");
	MP(k, TH_ACK, 7, 0, "\x00" KEY_A);
	MP(k, TH_RST | TH_ACK, 7, 0, "\x00" KEY_B);
	MP(k, TH_ACK, 7, 0, "\x00" KEY_A "\x00");
	MP(k, TH_RST | TH_ACK, 8, 1, "\x02");
	MP(k, TH_RST | TH_ACK, 8, 15, "\x06\x00\x00\x00");
	for (unsigned sub = 9; sub < 16; sub++)
		MP(k, TH_ACK, sub, sub, "\x01\x02\x03");
	MP(k, TH_ACK, 15, 0, "");
	/* Lengths 2 and 3 and one past the header. */
	mpo_be(&o, 0x1e02, 2);
	mp_put(g, k, 0, TH_ACK, &o, NULL);
	MP(k, TH_ACK, 2, 0, "");
	MP_LEN(k, TH_ACK, 2, 0, "\x01\x00\x00\x00\x01", 4);
}

/* Options around an MPTCP option as Linux sends them, several MPTCP
 * options in one header, and data. */
static void mp_mixed(struct gen *g, struct conn *k)
{
	static const uint8_t ts[] = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};
	struct mpo o = {.n = 0};
	size_t at;

	memcpy(o.b, ts, sizeof ts);
	o.n = sizeof ts;
	at = mpo_start(&o, 2, 0);
	mpo_be(&o, 0x05, 1);
	mpo_be(&o, 12345, 4);
	mpo_be(&o, 1, 4);
	mpo_be(&o, 1, 4);
	mpo_be(&o, 17, 2);
	mpo_end(&o, at, 0);
	mp_put(g, k, 0, TH_ACK | TH_PSH, &o, "hello, subflow 1\n");
	o.n = 0;
	at = mpo_start(&o, 5, 1);
	mpo_end(&o, at, 0);
	at = mpo_start(&o, 4, 0);
	mpo_be(&o, 3, 1);
	mpo_end(&o, at, 0);
	mpo_be(&o, 0x0101080a, 4);
	mpo_be(&o, 0x0000000800000007ull, 8);
	mp_put(g, k, 1, TH_ACK, &o, NULL);
}

/* A header of options o in a segment with data, written cut at every
 * length from the first option byte to the end of the header. */
static void mp_cuts(struct gen *g, struct conn *k, uint16_t flags,
                    const struct mpo *o, const char *data)
{
	uint8_t buf[FRAME_MAX];
	size_t lead = (4 - o->n % 4) % 4, len, hl;
	struct seg s;

	conn_seg(k, 0, flags, data, data ? strlen(data) : 0, &s);
	seg_opt_clear(&s);
	memset(s.opt_raw, TCPOPT_NOP, lead + o->n);
	s.opt_len = lead + o->n;
	if ((len = encode(g, &s, buf)) == 0)
		return;
	hl = ip_hlen(buf) + 20;
	memcpy(buf + hl + lead, o->b, o->n);
	fix_tcp_sum(buf);
	for (size_t cut = hl; cut <= hl + lead + o->n; cut++) {
		put_frame(g, buf, len, cut);
		tick(g, 10);
	}
	put_frame(g, buf, len, len);
	tick(g, 10);
}

/* Captures cut inside MPTCP options, and inside options after one. */
static void mp_trunc(struct gen *g, struct conn *k)
{
	struct mpo o = {.n = 0};
	size_t at;

	at = mpo_start(&o, 0, 1);
	mpo_be(&o, 0x81, 1);
	mpo_be(&o, 0x8e0b1c2d3e4f5061ull, 8);
	mpo_end(&o, at, 0);
	mpo_be(&o, 0x0101080a, 4);
	mpo_be(&o, 0x0000000800000007ull, 8);
	mp_cuts(g, k, TH_SYN, &o, NULL);
	o.n = 0;
	at = mpo_start(&o, 2, 0);
	mpo_be(&o, 0x0f, 1);
	mpo_be(&o, 0x0102030405060708ull, 8);
	mpo_be(&o, 0x1112131415161718ull, 8);
	mpo_be(&o, 0x21222324, 4);
	mpo_be(&o, 9, 2);
	mpo_be(&o, 0xabcd, 2);
	mpo_end(&o, at, 0);
	mp_cuts(g, k, TH_ACK | TH_PSH, &o, "some data");
	o.n = 0;
	at = mpo_start(&o, 3, 0);
	mpo_be(&o, 9, 1);
	mpo_be(&o, 0x20010db800000000ull, 8);
	mpo_be(&o, 0x0000000000000009ull, 8);
	mpo_be(&o, 8443, 2);
	mpo_be(&o, 0x0123456789abcdefull, 8);
	mpo_end(&o, at, 0);
	mp_cuts(g, k, TH_ACK, &o, NULL);
	/* An MPTCP option, then an end of options, then padding: a cut in
	 * the padding stops after the options, at the payload's check. */
	o.n = 0;
	at = mpo_start(&o, 2, 0);
	mpo_be(&o, 0x01, 1);
	mpo_be(&o, 77, 4);
	mpo_end(&o, at, 0);
	mpo_be(&o, 0, 4);
	mp_cuts(g, k, TH_ACK | TH_PSH, &o, "after the end");
}

/* Multipath TCP options of every subtype in a connection's segments. */
static void kind_mptcp(struct gen *g, int argc, char **argv)
{
	struct conn k;

	conn_init(&k, IP4(10, 9, 0, 1), 45000, IP4(10, 9, 0, 2), 5000,
	          4294967000u, 123456789);
	mp_capable(g, &k);
	mp_join(g, &k);
	mp_dss(g, &k);
	mp_add_addr(g, &k);
	mp_others(g, &k);
	mp_mixed(g, &k);
	mp_trunc(g, &k);
}

/* A DNS message being built (RFC 1035, 4.1), behind its two-byte length
 * as on TCP (4.2.2). */
struct dnsmsg {
	uint8_t b[1400];
	size_t n;
};

static void dm_u16(struct dnsmsg *m, uint16_t v)
{
	if (m->n + 2 <= sizeof m->b) {
		put16(m->b + m->n, v);
		m->n += 2;
	}
}

static void dm_u32(struct dnsmsg *m, uint32_t v)
{
	dm_u16(m, (uint16_t)(v >> 16));
	dm_u16(m, (uint16_t)v);
}

static void dm_raw(struct dnsmsg *m, const void *p, size_t n)
{
	if (m->n + n <= sizeof m->b) {
		memcpy(m->b + m->n, p, n);
		m->n += n;
	}
}

/* A name as labels, "www.example.org" or "" for the root; a name ending
 * in '@' ends with a pointer to offset 12 (the first question's name). */
static void dm_name(struct dnsmsg *m, const char *name)
{
	while (*name != '\0' && *name != '@') {
		size_t l = strcspn(name, ".@");
		uint8_t len = (uint8_t)l;
		dm_raw(m, &len, 1);
		dm_raw(m, name, l);
		name += l;
		if (*name == '.')
			name++;
	}
	if (*name == '@')
		dm_u16(m, 0xc000 | 12); /* offsets count from the header */
	else
		dm_raw(m, "", 1);
}

/* Starts a message: the length (filled in by dm_send), then the header. */
static void dm_start(struct dnsmsg *m, uint16_t id, uint16_t flags, uint16_t qd,
                     uint16_t an, uint16_t ns, uint16_t ar)
{
	m->n = 0;
	dm_u16(m, 0);
	dm_u16(m, id);
	dm_u16(m, flags);
	dm_u16(m, qd);
	dm_u16(m, an);
	dm_u16(m, ns);
	dm_u16(m, ar);
}

static void dm_q(struct dnsmsg *m, const char *name, uint16_t type,
                 uint16_t cls)
{
	dm_name(m, name);
	dm_u16(m, type);
	dm_u16(m, cls);
}

/* A record whose data is rd[0..n). */
static void dm_rr(struct dnsmsg *m, const char *name, uint16_t type,
                  uint16_t cls, uint32_t ttl, const void *rd, size_t n)
{
	dm_name(m, name);
	dm_u16(m, type);
	dm_u16(m, cls);
	dm_u32(m, ttl);
	dm_u16(m, (uint16_t)n);
	dm_raw(m, rd, n);
}

/* A record whose data is a name (NS, CNAME, PTR), compressed or not. */
static void dm_rr_name(struct dnsmsg *m, const char *name, uint16_t type,
                       uint32_t ttl, const char *target)
{
	struct dnsmsg t = {{0}, 0};

	dm_name(&t, target);
	dm_rr(m, name, type, 1, ttl, t.b, t.n);
}

/* Sends m on k; with fix, the length prefix says the message's length. */
static void dm_send(struct gen *g, struct conn *k, int from_server,
                    struct dnsmsg *m, int fix)
{
	if (fix)
		put16(m->b, (uint16_t)(m->n - 2));
	conn_send(g, k, from_server, TH_PSH | TH_ACK, (const char *)m->b, m->n,
	          200);
}

/* Writes m once for each captured length in cuts (plus the headers). */
static void dm_cuts(struct gen *g, struct conn *k, struct dnsmsg *m)
{
	uint8_t buf[FRAME_MAX];
	struct seg s;
	size_t n;

	put16(m->b, (uint16_t)(m->n - 2));
	conn_seg(k, 1, TH_PSH | TH_ACK, m->b, m->n, &s);
	if ((n = encode(g, &s, buf)) == 0)
		return;
	for (size_t c = 52; c <= n; c += (c < 100 ? 1 : 3)) {
		put_frame(g, buf, n, c);
		tick(g, 10);
	}
}

/* The plain text dialogues: FTP, SMTP, WHOIS, RTSP, and ports whose text
 * tcpdump 4.99.3 does not print (POP3, IMAP, SIP). */
static void app_text(struct gen *g)
{
	static const struct {
		uint16_t port;
		const char *msg[9];
	} talks[] = {
	        {21,
	         {"220 (vsFTPd 3.0.3)\r\n", "USER anonymous\r\n",
	          "331 Please specify the password.\r\n", "PASS guest\r\n",
	          "230 Login successful.\r\n", "FEAT\r\n",
	          "211-Features:\r\n EPRT\r\n PASV\r\n211 End\r\n", "QUIT",
	          "221 Goodbye.\n"}},
	        {25,
	         {"220 mail.example.org ESMTP Postfix\r\n",
	          "EHLO client.example.org\r\n",
	          "250-mail.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
	          "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 Ok\r\n",
	          "DATA\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n",
	          "Subject: hi\r\n\r\ncaf\xc3\xa9\r\n.\r\n",
	          "250 2.0.0 Ok: queued\r\n"}},
	        {43,
	         {"example.org\r\n",
	          "% whois server\r\n\r\ndomain: EXAMPLE.ORG\r\nstatus: "
	          "ACTIVE\r\n",
	          "\x01\x02binary\r\n", "a\rb\r\n", "tail without end"}},
	        {554,
	         {"OPTIONS rtsp://192.0.2.5/s RTSP/1.0\r\nCSeq: 1\r\n\r\n",
	          "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: DESCRIBE, "
	          "SETUP\r\n\r\n",
	          "describe rtsp://192.0.2.5/s RTSP/1.0\r\nCSeq: 2\r\n\r\n",
	          "RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n",
	          "GET / HTTP/1.1\r\n\r\n", "TEARDOWN rtsp://x RTSP/1.0\r\n",
	          "PLAY"}},
	        {8554, {"SETUP rtsp://h/t RTSP/1.0\r\nCSeq: 3\r\n\r\n"}},
	        {110, {"+OK POP3 ready\r\n", "USER a\r\n"}},
	        {143, {"* OK IMAP4rev1 ready\r\n", "a1 LOGIN a b\r\n"}},
	        {5060, {"INVITE sip:b@example.org SIP/2.0\r\n\r\n"}},
	        {23, {"login: ", "guest\r\n"}},
	};
	struct conn k;

	for (size_t i = 0; i < sizeof talks / sizeof talks[0]; i++) {
		/* FTP's and SMTP's servers speak first. */
		int first = talks[i].port == 21 || talks[i].port == 25;
		conn_init(&k, IP4(192, 0, 2, 25), 41000 + i, IP4(192, 0, 2, 5),
		          talks[i].port, 1000u * i, 3000000000u + i);
		conn_open(g, &k);
		for (int j = 0; j < 9 && talks[i].msg[j] != NULL; j++)
			conn_sendstr(g, &k, (j & 1) != first, talks[i].msg[j]);
		conn_close(g, &k);
	}
	/* The order of tcpdump's dispatch: SMTP before SSH, FTP before HTTP,
	 * HTTP before DNS. */
	conn_init(&k, IP4(192, 0, 2, 25), 22, IP4(192, 0, 2, 5), 25, 7, 9);
	conn_sendstr(g, &k, 0, "SSH-2.0-not-this\r\n");
	conn_init(&k, IP4(192, 0, 2, 25), 80, IP4(192, 0, 2, 5), 21, 7, 9);
	conn_sendstr(g, &k, 0, "GET / HTTP/1.1\r\n\r\n");
	conn_init(&k, IP4(192, 0, 2, 25), 53, IP4(192, 0, 2, 5), 8080, 7, 9);
	conn_sendstr(g, &k, 0, "GET / HTTP/1.1\r\n\r\n");
}

/* SSH: the identification strings (RFC 4253, 4.2), then binary packets. */
static void app_ssh(struct gen *g)
{
	static const char *const lines[] = {
	        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
	        "SSH-2.0-OpenSSH_8.4p1\r\n",
	        "SSH-1.99-lf only\nrest",
	        "SSH-2.0-bare\rcr\r\n",
	        "SSH-2.0-tab\there\r\n",
	        "SSH-2.0-no end",
	        "SSH-2.0-cr at end\r",
	        "hello\r\nSSH-2.0-late\r\n",
	        "ssh-2.0-lower\r\n",
	        "SS",
	        "SSH-",
	        "SSH-\r\n",
	};
	static const uint8_t bin[] = {0,    0,    4, 0x3c, 6, 20, 0xde, 0xad,
	                              0xbe, 0xef, 1, 2,    3, 4,  5,    6};
	struct conn k;
	uint8_t buf[FRAME_MAX];
	struct seg s;
	size_t n;

	conn_init(&k, IP4(192, 0, 2, 25), 42022, IP4(192, 0, 2, 5), 22, 5, 6);
	conn_open(g, &k);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		conn_sendstr(g, &k, i & 1, lines[i]);
	conn_send(g, &k, 0, TH_PSH | TH_ACK, (const char *)bin, sizeof bin,
	          100);
	/* The banner cut by the snapshot length at every byte. */
	conn_seg(&k, 1, TH_PSH | TH_ACK, lines[1], strlen(lines[1]), &s);
	if ((n = encode(g, &s, buf)) != 0)
		for (size_t c = 52; c <= n; c++)
			put_frame(g, buf, n, c);
	conn_close(g, &k);
}

/* Questions and answers of each common type (RFC 1035, 3596, 2782). */
static void app_dns_answers(struct gen *g, struct conn *k)
{
	static const uint8_t soa[] = {0,    0,    0, 1, 0,    0, 0x0e,
	                              0x10, 0,    0, 2, 0x58, 0, 0x09,
	                              0x3a, 0x80, 0, 0, 0,    60};
	static const uint8_t v6[][16] = {
	        {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	        {0},
	        {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1},
	        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
	        {0xfe, 0x80, [9] = 1, [15] = 1},
	        {[12] = 192, 0, 2, 9},
	        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 1, [15] = 1},
	};
	struct dnsmsg m, rd;

	dm_start(&m, 17177, 0x0120, 1, 0, 0, 1);
	dm_q(&m, "www.tcpdump.org", 1, 1);
	dm_name(&m, "");
	dm_u16(&m, 41);
	dm_u16(&m, 1232);
	dm_u32(&m, 0);
	dm_u16(&m, 12);
	dm_u16(&m, 10);
	dm_u16(&m, 8);
	dm_raw(&m, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 17177, 0x81a0, 1, 2, 0, 1);
	dm_q(&m, "www.tcpdump.org", 1, 1);
	dm_rr_name(&m, "@", 5, 300, "tcpdump.org");
	dm_rr(&m, "tcpdump.org", 1, 1, 3600, "\xc0\x00\x02\x01", 4);
	dm_name(&m, "");
	dm_u16(&m, 41);
	dm_u16(&m, 1232);
	dm_u32(&m, 0x8000);
	dm_u16(&m, 0);
	dm_send(g, k, 1, &m, 1);
	/* AAAA in its text forms. */
	dm_start(&m, 2, 0x8180, 1, 7, 0, 0);
	dm_q(&m, "v6.example.org", 28, 1);
	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++)
		dm_rr(&m, "@", 28, 1, 86400 * 8 + 61, v6[i], 16);
	dm_send(g, k, 1, &m, 1);
	/* MX, TXT, SOA, NS, PTR, SRV, an unknown type, CHAOS. */
	dm_start(&m, 3, 0x8580, 1, 6, 1, 1);
	dm_q(&m, "example.org", 255, 1);
	rd.n = 0;
	dm_u16(&rd, 10);
	dm_name(&rd, "mx.example.org");
	dm_rr(&m, "@", 15, 1, 60, rd.b, rd.n);
	dm_rr(&m, "@", 16, 1, 60, "\x05hello\x09two words\x00", 17);
	rd.n = 0;
	dm_name(&rd, "ns1.example.org");
	dm_name(&rd, "hostmaster@");
	dm_raw(&rd, soa, sizeof soa);
	dm_rr(&m, "@", 6, 1, 31536000 + 3661, rd.b, rd.n);
	dm_rr_name(&m, "@", 2, 0, "ns2@");
	rd.n = 0;
	dm_u16(&rd, 10);
	dm_u16(&rd, 5);
	dm_u16(&rd, 5060);
	dm_name(&rd, "sip@");
	dm_rr(&m, "_sip._tcp@", 33, 1, 60, rd.b, rd.n);
	dm_rr(&m, "@", 65, 1, 60, "\x00\x01\x00", 3);
	dm_rr_name(&m, "1.2.0.192.in-addr.arpa", 12, 60, "host.example.org");
	dm_rr(&m, "version.bind", 16, 3, 0, "\x049.18", 5);
	dm_send(g, k, 1, &m, 1);
	/* A CHAOS query, no recursion, with the checking bit. */
	dm_start(&m, 4, 0x0010, 1, 0, 0, 0);
	dm_q(&m, "version.bind", 16, 3);
	dm_send(g, k, 0, &m, 1);
}

/* EDNS (RFC 6891): options, the extended RCODE, DO; and the header's
 * flags, opcodes and odd counts. */
static void app_dns_header(struct gen *g, struct conn *k)
{
	static const uint16_t flags[] = {0x2800, 0x2100, 0x0700, 0x0040,
	                                 0xa400, 0x8200, 0x8005, 0x800f,
	                                 0x9000, 0x8800, 0x8402};
	struct dnsmsg m;

	dm_start(&m, 5, 0x8180, 1, 0, 0, 1);
	dm_q(&m, "e.example", 1, 1);
	dm_name(&m, "");
	dm_u16(&m, 41);
	dm_u16(&m, 4096);
	dm_u32(&m, 0x01008000); /* extended RCODE 1: BADVERS */
	dm_u16(&m, 46);
	dm_raw(&m, "\x00\x03\x00\x03ns1", 7);
	dm_raw(&m, "\x00\x0b\x00\x02\x00\x19", 6);
	dm_raw(&m, "\x00\x09\x00\x04\x00\x00\x0e\x10", 8);
	dm_raw(&m, "\x00\x0c\x00\x03\x00\x00\x00", 7);
	dm_raw(&m, "\x00\x0e\x00\x04\x4f\x66\x50\x67", 8);
	dm_raw(&m, "\x00\x0a\x00\x02\x01\x02", 6);
	dm_raw(&m, "\x12\x34\x00\x00", 4);
	dm_send(g, k, 1, &m, 1);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		dm_start(&m, 100 + i, flags[i], i % 3, (i == 2), i % 2, 0);
		for (size_t q = 0; q < i % 3; q++)
			dm_q(&m, q ? "b.example" : "a.example", 1 + q, 1);
		if (i == 2)
			dm_rr(&m, "", 1, 1, 0, "\x0a\0\0\x01", 4);
		if (i % 2)
			dm_rr_name(&m, "example", 2, 60, "ns.example");
		dm_send(g, k, flags[i] >> 15, &m, 1);
	}
}

/* Damaged messages: tcpdump's own marks for each. */
static void app_dns_broken(struct gen *g, struct conn *k)
{
	struct dnsmsg m;
	char longname[300];

	dm_start(&m, 7, 0x0100, 1, 0, 0, 0); /* a pointer forwards */
	dm_u16(&m, 0xc020);
	dm_u16(&m, 1);
	dm_u16(&m, 1);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 8, 0x0100, 1, 0, 0, 0); /* a label type 0x80 */
	dm_raw(&m, "\x81x\x00\x00\x01\x00\x01", 7);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 9, 0x0100, 1, 0, 0, 0); /* an unknown extended label */
	dm_raw(&m, "\x42x\x00\x00\x01\x00\x01", 7);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 10, 0x0100, 1, 0, 0, 0); /* more than 255 bytes */
	memset(longname, 'a', sizeof longname);
	for (int i = 60; i < 290; i += 61)
		longname[i] = '.';
	longname[299] = '\0';
	dm_q(&m, longname, 1, 1);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 11, 0x0100, 1, 0, 0, 0); /* odd bytes in a label */
	dm_raw(&m, "\x05\x01.\x7f\xff \x00\x00\x01\x00\x01", 11);
	dm_send(g, k, 0, &m, 1);
	dm_start(&m, 12, 0x8180, 1, 2, 0, 0); /* more answers than sent */
	dm_q(&m, "c.example", 1, 1);
	dm_rr(&m, "@", 1, 1, 1, "\x0a\0\0\x02", 4);
	dm_send(g, k, 1, &m, 1);
	dm_start(&m, 13, 0x8180, 1, 1, 0, 0); /* data past the message */
	dm_q(&m, "c.example", 1, 1);
	dm_rr(&m, "@", 1, 1, 1, "\x0a\0", 2);
	dm_send(g, k, 1, &m, 1);
	dm_start(&m, 14, 0x0100, 1, 0, 0, 0); /* the prefix disagrees */
	dm_q(&m, "d.example", 1, 1);
	put16(m.b, 99);
	dm_send(g, k, 0, &m, 0);
	dm_start(&m, 15, 0x0100, 0, 0, 0, 0); /* a header cut short */
	m.n = 10;
	dm_send(g, k, 0, &m, 1);
	conn_send(g, k, 0, TH_PSH | TH_ACK, "\x00", 1, 100);
	dm_start(&m, 16, 0x8180, 1, 1, 0, 0); /* cut at every length */
	dm_q(&m, "cut.example.org", 1, 1);
	dm_rr(&m, "@", 16, 1, 60, "\x04some\x04text", 10);
	dm_cuts(g, k, &m);
	dm_start(&m, 17, 0x8180, 1, 1, 1, 1);
	dm_q(&m, "cut.example.org", 28, 1);
	dm_rr(&m, "@", 28, 1, 60, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1",
	      16);
	dm_rr_name(&m, "example.org", 2, 60, "ns@");
	dm_rr(&m, "", 41, 512, 0, "", 0);
	dm_cuts(g, k, &m);
}

/* Application payloads whose lines tcplab prints as tcpdump does: text
 * protocols, SSH, DNS over TCP. */
static void kind_app(struct gen *g, int argc, char **argv)
{
	struct conn k;

	app_text(g);
	app_ssh(g);
	conn_init(&k, IP4(192, 0, 2, 25), 43053, IP4(192, 0, 2, 53), 53, 1, 2);
	conn_open(g, &k);
	app_dns_answers(g, &k);
	app_dns_header(g, &k);
	app_dns_broken(g, &k);
	conn_close(g, &k);
}

/* Payloads tcpdump hands to printers tcplab lacks: their lines stop at
 * "length N" (see tests/appcap.sh). */
static void kind_appskip(struct gen *g, int argc, char **argv)
{
	static const struct {
		uint16_t port;
		int from_server;
		const char *data;
		size_t len;
	} pl[] = {
	        {179, 0,
	         "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
	         "\xff\x00\x1d\x01\x04\xfd\xe9\x00\xb4\xc0\x00\x02\x19\x00",
	         29},
	        {6653, 0, "\x04\x00\x00\x08\x00\x00\x00\x01", 8},
	        {6633, 1, "\x01\x00\x00\x08\x00\x00\x00\x02", 8},
	        {6379, 0, "*1\r\n$4\r\nPING\r\n", 14},
	        {1723, 0, "\x00\x9c\x00\x01\x1a\x2b\x3c\x4d\x00\x01\x00\x00",
	         12},
	        {10288, 0, "MSG 0 1 . 0 0\r\nEND\r\n", 20},
	        {639, 0, "\x01\x00\x0b\xc0\x00\x02\x05\x00\x00\x00\x00", 11},
	        {323, 1, "\x00\x02\x00\x00\x00\x00\x00\x08", 8},
	        {646, 0,
	         "\x00\x01\x00\x0e\xc0\x00\x02\x05\x00\x00\x00\x01"
	         "\x00\x04\x00\x00\x00\x01",
	         18},
	        {23, 1, "\xff\xfb\x01\xff\xfd\x03", 6},
	        {2049, 0,
	         "\x80\x00\x00\x28\x00\x00\x00\x07\x00\x00\x00\x00"
	         "\x00\x00\x00\x02\x00\x01\x86\xa3\x00\x00\x00\x03"
	         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	         "\x00\x00\x00\x00\x00\x00\x00\x00",
	         44},
	        {2049, 1,
	         "\x80\x00\x00\x18\x00\x00\x00\x07\x00\x00\x00\x01"
	         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	         "\x00\x00\x00\x00",
	         28},
	        {2049, 1, "not rpc at all, nothing printed", 31},
	        /* DNS corners: a bit label, A6, URI, TSIG, ECS. */
	        {53, 0,
	         "\x00\x17\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00"
	         "\x00\x41\x08\xc0\x00\x00\x01\x00\x01",
	         23},
	        {53, 1,
	         "\x00\x23\x00\x02\x81\x80\x00\x01\x00\x01\x00\x00\x00"
	         "\x00\x01\x61\x00\x00\x26\x00\x01\xc0\x0c\x00\x26\x00"
	         "\x01\x00\x00\x00\x3c\x00\x02\x80\x00\x00\x00",
	         37},
	        {53, 1,
	         "\x00\x27\x00\x03\x81\x80\x00\x01\x00\x01\x00\x00\x00"
	         "\x00\x01\x61\x00\x01\x00\x00\x01\xc0\x0c\x01\x00\x00"
	         "\x01\x00\x00\x00\x3c\x00\x06\x00\x01\x00\x01\x2f\x78"
	         "\x00\x00",
	         41},
	        {53, 0,
	         "\x00\x25\x00\x04\x01\x00\x00\x01\x00\x00\x00\x00\x00"
	         "\x01\x01\x61\x00\x00\x01\x00\x01\x00\x00\x29\x02\x00"
	         "\x00\x00\x00\x00\x00\x08\x00\x08\x00\x04\x00\x01\x18"
	         "\x00",
	         39},
	};
	struct conn k;

	for (size_t i = 0; i < sizeof pl / sizeof pl[0]; i++) {
		conn_init(&k, IP4(192, 0, 2, 25), 44000 + i, IP4(192, 0, 2, 5),
		          pl[i].port, 100u * i, 2000000000u + i);
		conn_open(g, &k);
		conn_send(g, &k, pl[i].from_server, TH_PSH | TH_ACK, pl[i].data,
		          pl[i].len, 150);
		conn_send(g, &k, pl[i].from_server, TH_PSH | TH_ACK, pl[i].data,
		          pl[i].len, 150);
		conn_close(g, &k);
	}
}

struct kind {
	const char *name;
	int linktype;
	void (*fn)(struct gen *g, int argc, char **argv);
};

static const struct kind kinds[] = {
        {"article", DLT_EN10MB, kind_article},
        {"zoo", DLT_EN10MB, kind_zoo},
        {"sack", DLT_EN10MB, kind_sack},
        {"rst", DLT_EN10MB, kind_rst},
        {"badhdr", DLT_EN10MB, kind_badhdr},
        {"trunc", DLT_EN10MB, kind_trunc},
        {"wrap", DLT_EN10MB, kind_wrap},
        {"midstream", DLT_EN10MB, kind_midstream},
        {"interleaved", DLT_EN10MB, kind_interleaved},
        {"http", DLT_EN10MB, kind_http},
        {"ipvar", DLT_EN10MB, kind_ipvar},
        {"times", DLT_EN10MB, kind_times},
        {"cooked", DLT_LINUX_SLL, kind_link},
        {"sll2", DLT_LINUX_SLL2, kind_link},
        {"null", DLT_NULL, kind_link},
        {"loop", DLT_LOOP, kind_link},
        {"raw", DLT_RAW, kind_link},
        {"ipv4", DLT_IPV4, kind_link},
        {"ip6", DLT_EN10MB, kind_ip6},
        {"ip6trunc", DLT_EN10MB, kind_ip6trunc},
        {"cooked6", DLT_LINUX_SLL, kind_link6},
        {"sll26", DLT_LINUX_SLL2, kind_link6},
        {"null6", DLT_NULL, kind_link6},
        {"loop6", DLT_LOOP, kind_link6},
        {"raw6", DLT_RAW, kind_link46},
        {"ipv6", DLT_IPV6, kind_link6},
        {"ppp", DLT_PPP, kind_link46},
        {"hdlc", DLT_PPP_SERIAL, kind_link46},
        {"mix", DLT_EN10MB, kind_mix},
        {"conns", DLT_EN10MB, kind_conns},
        {"other", DLT_EN10MB, kind_other},
        {"mptcp", DLT_EN10MB, kind_mptcp},
        {"app", DLT_EN10MB, kind_app},
        {"appskip", DLT_EN10MB, kind_appskip},
};

static int usage(void)
{
	fprintf(stderr, "usage: mkpcap KIND OUT.pcap [ARGS]\nkinds:");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		fprintf(stderr, " %s", kinds[i].name);
	fprintf(stderr, "\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct kind *kd = NULL;
	struct gen g;

	if (argc < 3)
		return usage();
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(argv[1], kinds[i].name) == 0)
			kd = &kinds[i];
	if (kd == NULL)
		return usage();
	memset(&g, 0, sizeof g);
	g.linktype = kd->linktype;
	g.sec = BASE_SEC;
	g.rng = 20200615;
	g.link_cut = -1;
	g.pd = pcap_open_dead_with_tstamp_precision(
	        g.linktype, 262144, PCAP_TSTAMP_PRECISION_MICRO);
	if (g.pd == NULL || (g.dump = pcap_dump_open(g.pd, argv[2])) == NULL) {
		fprintf(stderr, "mkpcap: cannot write %s: %s\n", argv[2],
		        g.pd ? pcap_geterr(g.pd) : "pcap_open_dead failed");
		return 1;
	}
	kd->fn(&g, argc - 3, argv + 3);
	if (pcap_dump_flush(g.dump) != 0 && g.err == NULL)
		g.err = "write failed";
	pcap_dump_close(g.dump);
	pcap_close(g.pd);
	if (g.err != NULL) {
		fprintf(stderr, "mkpcap: %s: %s\n", kd->name, g.err);
		remove(argv[2]);
		return 1;
	}
	return 0;
}
