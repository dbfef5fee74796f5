/*
 * link.c: finds the network-layer packet inside a captured frame and the
 * text tcpdump 4.99 prints before it when run without -e.
 *
 * What tcpdump prints there was checked against the installed tcpdump with
 * crafted files of every link type below: nothing for Ethernet (even with
 * an 802.1Q tag), raw IP, BSD and OpenBSD loopback and Linux cooked v1;
 * "ethertype IPv4, " for an 802.1Q tag inside a cooked capture; and for
 * Linux cooked v2, the interface name padded to 5 columns and the packet
 * direction padded to 3 ("lo    In  ").
 *
 * Pure: this file reads only the bytes it is given. It never prints, never
 * looks up an interface itself (the caller passes a lookup) and keeps no
 * state between calls.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/link.h"

#define ETHER_HDR_LEN 14
#define VLAN_TAG_LEN  4
#define SLL_HDR_LEN   16
#define SLL2_HDR_LEN  20
#define NULL_HDR_LEN  4

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_ARP      0x0806
#define ETHERTYPE_8021Q    0x8100
#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_8021AD   0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

/* Values up to this one in a type field are 802.3 lengths, not types. */
#define MAX_ETHERNET_LENGTH 1500

/* Address families in BSD loopback headers (IPv6 has three values). */
#define BSD_AF_INET          2
#define BSD_AF_INET6_BSD     24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN  30

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static enum link_proto proto_of_ethertype(uint16_t type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return LINK_P_IPV4;
	case ETHERTYPE_IPV6:
		return LINK_P_IPV6;
	case ETHERTYPE_ARP:
		return LINK_P_ARP;
	}
	return LINK_P_OTHER;
}

/* The name tcpdump's ethertype table gives the types this file tells apart. */
static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return "IPv4";
	case ETHERTYPE_IPV6:
		return "IPv6";
	case ETHERTYPE_ARP:
		return "ARP";
	case ETHERTYPE_8021Q:
		return "802.1Q";
	}
	return "Unknown";
}

/* tcpdump's words for the packet types of Linux cooked captures. */
static const char *sll_pkttype_name(unsigned int type)
{
	static const char *const names[] = {"In", "B", "M", "P", "Out"};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

static void set_ethertype(struct link_frame *out, uint16_t type)
{
	out->ethertype = type;
	out->proto = proto_of_ethertype(type);
}

/*
 * Ethernet II, with any number of 802.1Q/802.1ad tags. Without -e tcpdump
 * prints nothing for the link header, tags included. A type field of 1500
 * or less is an 802.3 length: the frame carries LLC, which is "other".
 */
static int decode_ether(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	size_t off = ETHER_HDR_LEN;
	uint16_t type;

	out->trunc = "ether";
	if (caplen < ETHER_HDR_LEN)
		return TCPLAB_ETRUNC;
	out->trunc = "vlan";
	type = get_be16(p + 12);
	while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
	       type == ETHERTYPE_QINQ_OLD) {
		if (caplen < off + VLAN_TAG_LEN)
			return TCPLAB_ETRUNC;
		type = get_be16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	out->offset = off;
	if (type <= MAX_ETHERNET_LENGTH) {
		out->proto = LINK_P_OTHER;
		return 0;
	}
	set_ethertype(out, type);
	return 0;
}

/*
 * The protocol field of a cooked capture, at off. An 802.1Q tag there is
 * the one case where tcpdump prints something without -e: "ethertype
 * <inner type>, " before the inner packet. One tag is followed; a second
 * one makes the frame "other".
 */
static int decode_sll_type(const uint8_t *p, size_t caplen, size_t off,
                           uint16_t type, size_t used, struct link_frame *out)
{
	if (type == ETHERTYPE_8021Q) {
		out->trunc = "vlan";
		if (caplen < off + VLAN_TAG_LEN)
			return TCPLAB_ETRUNC;
		type = get_be16(p + off + 2);
		off += VLAN_TAG_LEN;
		snprintf(
		        out->prefix + used, sizeof(out->prefix) - used,
		        "ethertype %s, ",
		        ethertype_name(type <= MAX_ETHERNET_LENGTH ? 0 : type));
		if (type == ETHERTYPE_8021Q) {
			out->offset = off;
			out->ethertype = type;
			out->proto = LINK_P_OTHER;
			return 0;
		}
	}
	out->offset = off;
	if (type <= MAX_ETHERNET_LENGTH) {
		out->proto = LINK_P_OTHER;
		return 0;
	}
	set_ethertype(out, type);
	return 0;
}

/* Linux cooked v1: the protocol is the last field of a 16-byte header. */
static int decode_sll(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	out->trunc = "sll";
	if (caplen < SLL_HDR_LEN)
		return TCPLAB_ETRUNC;
	return decode_sll_type(p, caplen, SLL_HDR_LEN, get_be16(p + 14), 0,
	                       out);
}

/*
 * Linux cooked v2: protocol first, then the interface index, address type
 * and packet type. tcpdump prints "%-5s %-3s " with the interface's name
 * on the reading machine ("?" when it has none) and the direction.
 */
static int decode_sll2(const uint8_t *p, size_t caplen, link_ifname_fn ifname,
                       void *arg, struct link_frame *out)
{
	const char *name = NULL;
	int used;

	out->trunc = "sll2";
	if (caplen < SLL2_HDR_LEN)
		return TCPLAB_ETRUNC;
	out->ifindex = get_be32(p + 4);
	if (ifname != NULL)
		name = ifname(arg, out->ifindex);
	if (name == NULL)
		name = "?";
	used = snprintf(out->prefix, sizeof(out->prefix), "%-5.16s %-3s ", name,
	                sll_pkttype_name(p[10]));
	if (used < 0)
		return TCPLAB_EINVAL;
	return decode_sll_type(p, caplen, SLL2_HDR_LEN, get_be16(p),
	                       (size_t)used, out);
}

static void set_family(struct link_frame *out, uint32_t family)
{
	out->offset = NULL_HDR_LEN;
	switch (family) {
	case BSD_AF_INET:
		out->proto = LINK_P_IPV4;
		out->ethertype = ETHERTYPE_IPV4;
		break;
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		out->proto = LINK_P_IPV6;
		out->ethertype = ETHERTYPE_IPV6;
		break;
	default:
		out->proto = LINK_P_OTHER;
	}
}

/*
 * BSD loopback writes the family in the byte order of the host that made
 * the capture. Like tcpdump, take a value with bits in its upper half as
 * written by a host of the other byte order (families are small numbers);
 * reading little-endian first gives tcpdump's answer on this machine.
 */
static int decode_null(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	uint32_t family;

	/* tcpdump names both loopback headers "null" when they are cut. */
	out->trunc = "null";
	if (caplen < NULL_HDR_LEN)
		return TCPLAB_ETRUNC;
	family = get_le32(p);
	if (family & 0xffff0000u)
		family = get_be32(p);
	set_family(out, family);
	return 0;
}

/* OpenBSD loopback: the same header, always in network byte order. */
static int decode_loop(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	/* tcpdump names both loopback headers "null" when they are cut. */
	out->trunc = "null";
	if (caplen < NULL_HDR_LEN)
		return TCPLAB_ETRUNC;
	set_family(out, get_be32(p));
	return 0;
}

/* Raw IP: the version nibble says which IP it is. */
static int decode_raw(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	out->trunc = "ip";
	if (caplen < 1)
		return TCPLAB_ETRUNC;
	out->offset = 0;
	switch (p[0] >> 4) {
	case 4:
		out->proto = LINK_P_IPV4;
		out->ethertype = ETHERTYPE_IPV4;
		break;
	case 6:
		out->proto = LINK_P_IPV6;
		out->ethertype = ETHERTYPE_IPV6;
		break;
	default:
		out->proto = LINK_P_OTHER;
	}
	return 0;
}

/* PPP's protocol numbers for IP (RFC 1332, RFC 5072). */
#define PPP_IP   0x0021
#define PPP_IPV6 0x0057

static void set_ppp_proto(struct link_frame *out, unsigned proto)
{
	if (proto == PPP_IP)
		set_ethertype(out, ETHERTYPE_IPV4);
	else if (proto == PPP_IPV6)
		set_ethertype(out, ETHERTYPE_IPV6);
	else
		out->proto = LINK_P_OTHER;
}

/*
 * PPP (RFC 1661): an optional address and control pair (ff 03), then the
 * protocol in two bytes, or in one when its first bit is odd (protocol
 * field compression). tcpdump prints nothing before the IP line, and
 * reads no frame shorter than 4 bytes (its PPP_HDRLEN), however short the
 * header: it prints " [|ppp]" for them.
 */
static int decode_ppp(const uint8_t *p, size_t caplen, struct link_frame *out)
{
	size_t off = 0;

	out->trunc = "ppp";
	if (caplen < 4)
		return TCPLAB_ETRUNC;
	if (p[0] == 0xff && p[1] == 0x03)
		off = 2;
	if (caplen < off + 1)
		return TCPLAB_ETRUNC;
	if (p[off] & 1) {
		set_ppp_proto(out, p[off]);
		out->offset = off + 1;
		return 0;
	}
	if (caplen < off + 2)
		return TCPLAB_ETRUNC;
	set_ppp_proto(out, get_be16(p + off));
	out->offset = off + 2;
	return 0;
}

/*
 * PPP in HDLC-like framing (RFC 1662): ff 03 and a two-byte protocol,
 * which tcpdump names before the line ("IP: ", "IP6: "); or Cisco HDLC
 * (0f or 8f, a zero, an ethertype), which it prints without a prefix.
 * Anything else is a frame this file does not read.
 */
static int decode_ppp_hdlc(const uint8_t *p, size_t caplen,
                           struct link_frame *out)
{
	out->trunc = "ppp_hdlc";
	if (caplen < 2)
		return TCPLAB_ETRUNC;
	/* tcpdump hands a Cisco address to its chdlc printer, which names
	 * the cut header after itself. */
	if (p[0] == 0x0f || p[0] == 0x8f)
		out->trunc = "chdlc";
	if (caplen < 4)
		return TCPLAB_ETRUNC;
	out->offset = 4;
	if (p[0] == 0xff && p[1] == 0x03) {
		set_ppp_proto(out, get_be16(p + 2));
		if (out->proto == LINK_P_IPV4)
			strcpy(out->prefix, "IP: ");
		else if (out->proto == LINK_P_IPV6)
			strcpy(out->prefix, "IP6: ");
		return 0;
	}
	if ((p[0] == 0x0f || p[0] == 0x8f) && p[1] == 0) {
		set_ethertype(out, get_be16(p + 2));
		if (out->proto != LINK_P_IPV4 && out->proto != LINK_P_IPV6)
			out->proto = LINK_P_OTHER;
		return 0;
	}
	out->proto = LINK_P_OTHER;
	out->ethertype = 0;
	return 0;
}

int link_supported(int linktype)
{
	switch (linktype) {
	case LINK_NULL:
	case LINK_EN10MB:
	case LINK_RAW_DLT:
	case LINK_RAW_DLT14:
	case LINK_RAW:
	case LINK_LOOP:
	case LINK_LINUX_SLL:
	case LINK_IPV4:
	case LINK_IPV6:
	case LINK_LINUX_SLL2:
	case LINK_PPP:
	case LINK_PPP_HDLC:
		return 1;
	}
	return 0;
}

int link_decode_named(int linktype, const uint8_t *p, size_t caplen,
                      link_ifname_fn ifname, void *arg, struct link_frame *out)
{
	memset(out, 0, sizeof(*out));
	out->proto = LINK_P_OTHER;
	switch (linktype) {
	case LINK_EN10MB:
		return decode_ether(p, caplen, out);
	case LINK_RAW_DLT:
	case LINK_RAW_DLT14:
	case LINK_RAW:
		return decode_raw(p, caplen, out);
	case LINK_IPV4:
		/* LINKTYPE_IPV4 promises IPv4; tcpdump prints it as IP. */
		out->trunc = "ip";
		if (caplen < 1)
			return TCPLAB_ETRUNC;
		out->proto = LINK_P_IPV4;
		out->ethertype = ETHERTYPE_IPV4;
		return 0;
	case LINK_IPV6:
		out->trunc = "ip6";
		if (caplen < 1)
			return TCPLAB_ETRUNC;
		out->proto = LINK_P_IPV6;
		out->ethertype = ETHERTYPE_IPV6;
		return 0;
	case LINK_PPP:
		return decode_ppp(p, caplen, out);
	case LINK_PPP_HDLC:
		return decode_ppp_hdlc(p, caplen, out);
	case LINK_NULL:
		return decode_null(p, caplen, out);
	case LINK_LOOP:
		return decode_loop(p, caplen, out);
	case LINK_LINUX_SLL:
		return decode_sll(p, caplen, out);
	case LINK_LINUX_SLL2:
		return decode_sll2(p, caplen, ifname, arg, out);
	}
	return TCPLAB_EINVAL;
}

int link_decode(int linktype, const uint8_t *p, size_t caplen,
                struct link_frame *out)
{
	return link_decode_named(linktype, p, caplen, NULL, NULL, out);
}
