/*
 * other.c: tcpdump 4.99.3's lines for UDP without a dissector, ICMP echo
 * and ARP over Ethernet (see other.h).
 *
 * Every format here was checked against the installed tcpdump with real
 * and crafted captures, at -n, -v and -vv and with names. Whatever falls
 * outside what was checked (IP options, fragments, truncated packets, UDP
 * ports that tcpdump hands to a dissector, unusual ARP) is refused rather
 * than guessed. Pure: no I/O, no state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"
#include "explain/other.h"

#define IPPROTO_ICMP_ 1
#define IPPROTO_UDP_  17

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO      8

#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2

/* A bounded writer: once the buffer is full, every later write fails. */
struct out {
	char *buf;
	size_t len, cap;
	int err;
};

static void put(struct out *o, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->err = TCPLAB_ENOSPC;
		return;
	}
	o->len += (size_t)n;
}

static int finish(struct out *o)
{
	return o->err ? o->err : (int)o->len;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * UDP ports that tcpdump 4.99.3 gives to a dissector, found by printing
 * datagrams with eleven kinds of payload from and to every port, at -v
 * and -vv: a datagram from or to one of them is not a plain "UDP, length
 * N" line. 443 and 853 (QUIC) are added, since their dissector depends
 * on the payload.
 */
static const uint16_t udp_dissected[][2] = {
        {53, 53},       {67, 69},       {88, 88},       {123, 123},
        {161, 162},     {319, 320},     {443, 443},     {496, 496},
        {500, 500},     {514, 514},     {520, 521},     {525, 525},
        {546, 547},     {646, 646},     {654, 654},     {698, 698},
        {701, 701},     {750, 750},     {853, 853},     {921, 921},
        {1589, 1589},   {1645, 1646},   {1700, 1701},   {1812, 1813},
        {1985, 1985},   {2049, 2049},   {2103, 2104},   {3456, 3456},
        {3503, 3503},   {3784, 3785},   {3799, 3799},   {4342, 4342},
        {4500, 4500},   {4567, 4567},   {4784, 4784},   {4789, 4790},
        {5060, 5060},   {5353, 5353},   {5359, 5359},   {6081, 6081},
        {6343, 6343},   {6635, 6635},   {6696, 6697},   {6784, 6784},
        {7000, 7009},   {7500, 7500},   {8231, 8231},   {8472, 8472},
        {8500, 8500},   {12222, 12223}, {17754, 17754}, {30490, 30490},
        {65535, 65535},
};

/* AppleTalk's DDP ports in UDP: tcpdump decodes a datagram from or to one
 * of them whose third byte says DDP (LAP type 2). */
static const uint16_t udp_ddp[][2] = {{200, 327}, {768, 895}, {16512, 16639}};

/* BCM-LI-SHIM: tcpdump decodes every datagram from this port (only the
 * source port counts). */
#define UDP_BCM_LI_PORT 49152

static int port_in(const uint16_t (*tab)[2], size_t n, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (port >= tab[i][0] && port <= tab[i][1])
			return 1;
	return 0;
}

/* Whether tcpdump prints this datagram with a dissector rather than as
 * "UDP, length N"; data[0..len) is its payload. */
static int udp_dissected_by(uint16_t sport, uint16_t dport, const uint8_t *data,
                            size_t len)
{
	size_t n = sizeof(udp_dissected) / sizeof(udp_dissected[0]);
	size_t nd = sizeof(udp_ddp) / sizeof(udp_ddp[0]);

	if (port_in(udp_dissected, n, sport) ||
	    port_in(udp_dissected, n, dport) || sport == UDP_BCM_LI_PORT)
		return 1;
	return len >= 3 && data[2] == 2 &&
	       (port_in(udp_ddp, nd, sport) || port_in(udp_ddp, nd, dport));
}

static void put_addr(struct out *o, const struct tcpdump_flags *f,
                     const struct other_names *nm, uint32_t addr)
{
	const char *name = NULL;

	if (f->n == 0 && nm != NULL && nm->host != NULL)
		name = nm->host(nm->arg, addr);
	if (name != NULL)
		put(o, "%s", name);
	else
		put(o, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		    (addr >> 8) & 0xff, addr & 0xff);
}

static void put_udp_port(struct out *o, const struct tcpdump_flags *f,
                         const struct other_names *nm, uint16_t port)
{
	const char *name = NULL;

	if (f->n == 0 && nm != NULL && nm->udp_port != NULL)
		name = nm->udp_port(nm->arg, port);
	if (name != NULL)
		put(o, "%s", name);
	else
		put(o, "%u", port);
}

/* The -v header: "(tos 0x0, ttl 64, id 7, ...)", then a newline. */
static void put_ip_verbose(struct out *o, const uint8_t *ip, const char *proto)
{
	static const char *const ecn[] = {"", ",ECT(1)", ",ECT(0)", ",CE"};
	uint16_t off = be16(ip + 6), sum = be16(ip + 10);
	uint16_t good = ip_cksum(ip, 20);

	put(o, "(tos 0x%x%s", ip[1], ecn[ip[1] & 3]);
	/* tcpdump leaves a zero TTL out. */
	if (ip[8] != 0)
		put(o, ", ttl %u", ip[8]);
	put(o, ", id %u, offset %u, flags [%s], proto %s (%u), length %u",
	    be16(ip + 4), (off & 0x1fff) * 8, (off & 0x4000) ? "DF" : "none",
	    proto, ip[9], be16(ip + 2));
	if (sum != good)
		put(o, ", bad cksum %x (->%x)!", sum, good);
	put(o, ")\n    ");
}

/* "192.0.2.1.40000 > 192.0.2.2.4444: [udp sum ok] UDP, length 6". */
static int udp_body(struct out *o, const struct tcpdump_flags *f,
                    const struct other_names *nm, const uint8_t *ip,
                    const uint8_t *udp, size_t plen)
{
	uint16_t sport, dport, ulen, sum, good;
	uint32_t s;

	if (plen < 8)
		return -1;
	sport = be16(udp);
	dport = be16(udp + 2);
	ulen = be16(udp + 4);
	sum = be16(udp + 6);
	if (ulen < 8 || ulen > plen ||
	    udp_dissected_by(sport, dport, udp + 8, ulen - 8u))
		return -1;
	put_addr(o, f, nm, be32(ip + 12));
	put(o, ".");
	put_udp_port(o, f, nm, sport);
	put(o, " > ");
	put_addr(o, f, nm, be32(ip + 16));
	put(o, ".");
	put_udp_port(o, f, nm, dport);
	put(o, ": ");
	if (f->v >= 2 && sum == 0) {
		put(o, "[no cksum] ");
	} else if (f->v >= 2) {
		/* The pseudo-header, then the datagram with a zero sum. */
		s = inet_cksum_add(0, ip + 12, 8);
		s += IPPROTO_UDP_ + ulen;
		s = inet_cksum_add(s, udp, 6);
		s = inet_cksum_add(s, udp + 8, ulen - 8u);
		good = inet_cksum_finish(s);
		if (good == 0)
			good = 0xffff;
		if (good == sum)
			put(o, "[udp sum ok] ");
		else
			put(o, "[bad udp cksum 0x%04x -> 0x%04x!] ", sum, good);
	}
	put(o, "UDP, length %u\n", ulen - 8u);
	return 0;
}

/* "192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 2, length 64". */
static int icmp_body(struct out *o, const struct tcpdump_flags *f,
                     const struct other_names *nm, const uint8_t *ip,
                     const uint8_t *icmp, size_t plen)
{
	uint16_t sum, good;
	uint32_t s;

	if (plen < 8 || icmp[1] != 0 ||
	    (icmp[0] != ICMP_ECHO && icmp[0] != ICMP_ECHOREPLY))
		return -1;
	put_addr(o, f, nm, be32(ip + 12));
	put(o, " > ");
	put_addr(o, f, nm, be32(ip + 16));
	put(o, ": ICMP echo %s, id %u, seq %u, length %zu",
	    icmp[0] == ICMP_ECHO ? "request" : "reply", be16(icmp + 4),
	    be16(icmp + 6), plen);
	if (f->v >= 1) {
		sum = be16(icmp + 2);
		s = inet_cksum_add(0, icmp, 2);
		s = inet_cksum_add(s, icmp + 4, plen - 4);
		good = inet_cksum_finish(s);
		if (good != sum)
			put(o, " (wrong icmp cksum %x (->%x)!)", sum, good);
	}
	put(o, "\n");
	return 0;
}

int other_format_ipv4(const struct tcpdump_flags *f,
                      const struct other_names *nm, const uint8_t *ip,
                      size_t caplen, char *buf, size_t cap)
{
	struct out o = {buf, 0, cap, 0};
	uint16_t len;
	int rc;

	/* Only plain 20-byte headers of whole, unfragmented packets. */
	if (caplen < 20 || ip[0] != 0x45)
		return TCPLAB_EINVAL;
	len = be16(ip + 2);
	if (len < 20 || len > caplen || (be16(ip + 6) & 0xbfff) != 0)
		return TCPLAB_EINVAL;
	if (ip[9] != IPPROTO_UDP_ && ip[9] != IPPROTO_ICMP_)
		return TCPLAB_EPROTO;
	put(&o, "IP ");
	if (f->v >= 1)
		put_ip_verbose(&o, ip, ip[9] == IPPROTO_UDP_ ? "UDP" : "ICMP");
	if (ip[9] == IPPROTO_UDP_)
		rc = udp_body(&o, f, nm, ip, ip + 20, len - 20u);
	else
		rc = icmp_body(&o, f, nm, ip, ip + 20, len - 20u);
	if (rc < 0)
		return TCPLAB_EPROTO;
	return finish(&o);
}

/*
 * A MAC address as tcpdump prints it. Without -n it appends the vendor
 * from its OUI table; only locally administered addresses, which that
 * table cannot hold, are printed then (as "(oui Unknown)").
 */
static int put_mac(struct out *o, const struct tcpdump_flags *f,
                   const uint8_t *m)
{
	if (f->n == 0 && !(m[0] & 0x02))
		return -1;
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	    m[5]);
	if (f->n == 0)
		put(o, " (oui Unknown)");
	return 0;
}

static int mac_is_zero(const uint8_t *m)
{
	static const uint8_t zero[6];

	return memcmp(m, zero, 6) == 0;
}

int other_format_arp(const struct tcpdump_flags *f,
                     const struct other_names *nm, const uint8_t *arp,
                     size_t caplen, size_t len, char *buf, size_t cap)
{
	struct out o = {buf, 0, cap, 0};
	const uint8_t *sha = arp + 8, *tha = arp + 18;
	uint16_t op;

	/* Ethernet hardware (1, 6 bytes), IPv4 protocol (0x0800, 4 bytes). */
	if (caplen < 28 || be16(arp) != 1 || be16(arp + 2) != 0x0800 ||
	    arp[4] != 6 || arp[5] != 4)
		return TCPLAB_EINVAL;
	op = be16(arp + 6);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		return TCPLAB_EINVAL;
	put(&o, "ARP, ");
	if (f->v >= 1)
		put(&o, "Ethernet (len 6), IPv4 (len 4), ");
	if (op == ARPOP_REQUEST) {
		put(&o, "Request who-has ");
		put_addr(&o, f, nm, be32(arp + 24));
		if (!mac_is_zero(tha)) {
			put(&o, " (");
			if (put_mac(&o, f, tha) < 0)
				return TCPLAB_EINVAL;
			put(&o, ")");
		}
		put(&o, " tell ");
		put_addr(&o, f, nm, be32(arp + 14));
	} else {
		put(&o, "Reply ");
		put_addr(&o, f, nm, be32(arp + 14));
		put(&o, " is-at ");
		if (put_mac(&o, f, sha) < 0)
			return TCPLAB_EINVAL;
	}
	put(&o, ", length %zu\n", len);
	return finish(&o);
}
