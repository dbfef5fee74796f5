/*
 * check_link.c: tests for the link-layer decoder.
 *
 * Every frame is built around the same 20-byte IPv4 header; the tests check
 * where the decoder says the IP packet starts, what it says the frame
 * carries and the prefix it gives, which must be what tcpdump 4.99.3 prints
 * before "IP " for that link type (checked with crafted pcap files).
 * Every truncation of every header must fail with TCPLAB_ETRUNC.
 */
#include <stdint.h>
#include <string.h>

#include "common/err.h"
#include "common/link.h"
#include "tests/testlib.h"

/* An IPv4 header: 10.99.0.1 > 10.99.0.2, TCP, total length 40. */
static const uint8_t ip4[20] = {0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40,
                                0x00, 0x40, 0x06, 0x00, 0x00, 10,   99,
                                0,    1,    10,   99,   0,    2};

/* The start of an IPv6 header. */
static const uint8_t ip6[4] = {0x60, 0x00, 0x00, 0x00};

static const uint8_t macs[12] = {0xba, 0x75, 0x5a, 0x93, 0x7d, 0x0a,
                                 0xfa, 0xba, 0x39, 0x1f, 0x12, 0x9a};

static uint8_t frame[128];

/* Copies hdr and then body into frame; returns the total length. */
static size_t build(const uint8_t *hdr, size_t hlen, const uint8_t *body,
                    size_t blen)
{
	/* A header or a body may be empty, with a NULL pointer. */
	if (hlen > 0)
		memcpy(frame, hdr, hlen);
	if (blen > 0)
		memcpy(frame + hlen, body, blen);
	return hlen + blen;
}

static size_t ether_frame(uint16_t type, const uint8_t *body, size_t blen)
{
	uint8_t hdr[14];

	memcpy(hdr, macs, 12);
	hdr[12] = (uint8_t)(type >> 8);
	hdr[13] = (uint8_t)type;
	return build(hdr, sizeof(hdr), body, blen);
}

/* A Linux cooked v1 header with packet type pkttype and protocol type. */
static size_t sll_frame(uint16_t pkttype, uint16_t type, const uint8_t *body,
                        size_t blen)
{
	uint8_t hdr[16] = {0, 0, 0, 1, 0, 6};

	hdr[1] = (uint8_t)pkttype;
	memcpy(hdr + 6, macs + 6, 6);
	hdr[14] = (uint8_t)(type >> 8);
	hdr[15] = (uint8_t)type;
	return build(hdr, sizeof(hdr), body, blen);
}

/* A Linux cooked v2 header. */
static size_t sll2_frame(uint16_t type, uint32_t ifindex, uint8_t pkttype,
                         const uint8_t *body, size_t blen)
{
	uint8_t hdr[20] = {0};

	hdr[0] = (uint8_t)(type >> 8);
	hdr[1] = (uint8_t)type;
	hdr[4] = (uint8_t)(ifindex >> 24);
	hdr[5] = (uint8_t)(ifindex >> 16);
	hdr[6] = (uint8_t)(ifindex >> 8);
	hdr[7] = (uint8_t)ifindex;
	hdr[9] = 1; /* ARPHRD_ETHER */
	hdr[10] = pkttype;
	hdr[11] = 6;
	memcpy(hdr + 12, macs + 6, 6);
	return build(hdr, sizeof(hdr), body, blen);
}

/* Fails unless every length below hdrlen gives TCPLAB_ETRUNC. */
static void expect_truncations(int linktype, size_t hdrlen)
{
	struct link_frame lf;
	size_t n;

	for (n = 0; n < hdrlen; n++)
		ck_assert_msg(link_decode(linktype, frame, n, &lf) ==
		                      TCPLAB_ETRUNC,
		              "link type %d: %zu of %zu bytes not ETRUNC",
		              linktype, n, hdrlen);
}

static void expect_ipv4(int linktype, size_t len, size_t off,
                        const char *prefix)
{
	struct link_frame lf;

	ck_assert_int_eq(link_decode(linktype, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_IPV4);
	ck_assert_uint_eq(lf.ethertype, 0x0800);
	ck_assert_uint_eq(lf.offset, off);
	ck_assert_str_eq(lf.prefix, prefix);
	ck_assert_int_eq(frame[lf.offset], 0x45);
}

START_TEST(test_ether_ipv4)
{
	size_t len = ether_frame(0x0800, ip4, sizeof(ip4));

	expect_ipv4(LINK_EN10MB, len, 14, "");
	expect_truncations(LINK_EN10MB, 14);
}
END_TEST

START_TEST(test_ether_arp_ipv6_llc)
{
	struct link_frame lf;
	size_t len;

	len = ether_frame(0x0806, ip4, 8);
	ck_assert_int_eq(link_decode(LINK_EN10MB, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_ARP);
	ck_assert_uint_eq(lf.offset, 14);

	len = ether_frame(0x86dd, ip6, sizeof(ip6));
	ck_assert_int_eq(link_decode(LINK_EN10MB, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_IPV6);

	/* A type field of 1500 or less is an 802.3 length. */
	len = ether_frame(46, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_EN10MB, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/* tcpdump prints nothing for an 802.1Q tag on Ethernet without -e. */
START_TEST(test_ether_vlan)
{
	const uint8_t tag[4] = {0x60, 0x05, 0x08, 0x00}; /* prio 3, vlan 5 */
	uint8_t body[24];
	size_t len;

	memcpy(body, tag, 4);
	memcpy(body + 4, ip4, sizeof(ip4));
	len = ether_frame(0x8100, body, sizeof(body));
	expect_ipv4(LINK_EN10MB, len, 18, "");
	expect_truncations(LINK_EN10MB, 18);
}
END_TEST

START_TEST(test_ether_qinq)
{
	const uint8_t tags[8] = {0x00, 0x07, 0x81, 0x00,
	                         0x00, 0x05, 0x08, 0x00};
	uint8_t body[28];
	size_t len;

	memcpy(body, tags, 8);
	memcpy(body + 8, ip4, sizeof(ip4));
	len = ether_frame(0x88a8, body, sizeof(body));
	expect_ipv4(LINK_EN10MB, len, 22, "");
	expect_truncations(LINK_EN10MB, 22);
}
END_TEST

START_TEST(test_raw_types)
{
	const int types[] = {LINK_RAW_DLT, LINK_RAW_DLT14, LINK_RAW, LINK_IPV4};
	struct link_frame lf;
	size_t i, len;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		len = build(ip4, sizeof(ip4), NULL, 0);
		expect_ipv4(types[i], len, 0, "");
		expect_truncations(types[i], 1);
	}
	len = build(ip6, sizeof(ip6), NULL, 0);
	ck_assert_int_eq(link_decode(LINK_RAW, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_IPV6);
	frame[0] = 0x50;
	ck_assert_int_eq(link_decode(LINK_RAW, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/* BSD loopback: the family in either byte order. */
START_TEST(test_null_both_orders)
{
	const uint8_t le[4] = {2, 0, 0, 0}, be[4] = {0, 0, 0, 2};
	const uint8_t v6[4] = {30, 0, 0, 0}, odd[4] = {7, 0, 0, 0};
	struct link_frame lf;
	size_t len;

	len = build(le, 4, ip4, sizeof(ip4));
	expect_ipv4(LINK_NULL, len, 4, "");
	expect_truncations(LINK_NULL, 4);
	len = build(be, 4, ip4, sizeof(ip4));
	expect_ipv4(LINK_NULL, len, 4, "");
	len = build(v6, 4, ip6, sizeof(ip6));
	ck_assert_int_eq(link_decode(LINK_NULL, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_IPV6);
	len = build(odd, 4, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_NULL, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/* OpenBSD loopback: network order only, so a host-order 2 is not IPv4. */
START_TEST(test_loop_network_order)
{
	const uint8_t be[4] = {0, 0, 0, 2}, le[4] = {2, 0, 0, 0};
	struct link_frame lf;
	size_t len;

	len = build(be, 4, ip4, sizeof(ip4));
	expect_ipv4(LINK_LOOP, len, 4, "");
	expect_truncations(LINK_LOOP, 4);
	len = build(le, 4, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_LOOP, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/* Cooked v1 prints nothing without -e, whatever the direction. */
START_TEST(test_sll_v1)
{
	uint16_t pkttype;
	size_t len;

	for (pkttype = 0; pkttype <= 4; pkttype++) {
		len = sll_frame(pkttype, 0x0800, ip4, sizeof(ip4));
		expect_ipv4(LINK_LINUX_SLL, len, 16, "");
	}
	expect_truncations(LINK_LINUX_SLL, 16);
}
END_TEST

/* An 802.1Q tag in a cooked capture is the one prefix tcpdump prints. */
START_TEST(test_sll_v1_vlan)
{
	const uint8_t tag[4] = {0x00, 0x05, 0x08, 0x00};
	uint8_t body[24];
	size_t len;

	memcpy(body, tag, 4);
	memcpy(body + 4, ip4, sizeof(ip4));
	len = sll_frame(0, 0x8100, body, sizeof(body));
	expect_ipv4(LINK_LINUX_SLL, len, 20, "ethertype IPv4, ");
	expect_truncations(LINK_LINUX_SLL, 20);
}
END_TEST

static const char *fake_ifname(void *arg, uint32_t ifindex)
{
	(void)arg;
	switch (ifindex) {
	case 1:
		return "lo";
	case 5:
		return "tles0";
	case 6:
		return "verylongname0";
	}
	return NULL;
}

static void expect_sll2(uint32_t ifindex, uint8_t pkttype, const char *prefix)
{
	struct link_frame lf;
	size_t len = sll2_frame(0x0800, ifindex, pkttype, ip4, sizeof(ip4));

	ck_assert_int_eq(link_decode_named(LINK_LINUX_SLL2, frame, len,
	                                   fake_ifname, NULL, &lf),
	                 0);
	ck_assert_int_eq(lf.proto, LINK_P_IPV4);
	ck_assert_uint_eq(lf.offset, 20);
	ck_assert_uint_eq(lf.ifindex, ifindex);
	ck_assert_str_eq(lf.prefix, prefix);
}

/* Cooked v2: "%-5s %-3s " with the interface name and the direction. */
START_TEST(test_sll2_names_and_directions)
{
	expect_sll2(1, 0, "lo    In  ");
	expect_sll2(5, 4, "tles0 Out ");
	expect_sll2(1, 1, "lo    B   ");
	expect_sll2(1, 2, "lo    M   ");
	expect_sll2(1, 3, "lo    P   ");
	expect_sll2(1, 7, "lo    ?   ");
	expect_sll2(6, 0, "verylongname0 In  ");
	expect_sll2(99, 0, "?     In  ");
	expect_truncations(LINK_LINUX_SLL2, 20);
}
END_TEST

/* Without a lookup every interface is "?", as for an unknown index. */
START_TEST(test_sll2_without_lookup)
{
	size_t len = sll2_frame(0x0800, 1, 4, ip4, sizeof(ip4));

	expect_ipv4(LINK_LINUX_SLL2, len, 20, "?     Out ");
}
END_TEST

START_TEST(test_sll2_vlan_and_arp)
{
	const uint8_t tag[4] = {0x00, 0x05, 0x08, 0x06};
	struct link_frame lf;
	size_t len;

	len = sll2_frame(0x8100, 1, 0, tag, sizeof(tag));
	ck_assert_int_eq(link_decode_named(LINK_LINUX_SLL2, frame, len,
	                                   fake_ifname, NULL, &lf),
	                 0);
	ck_assert_int_eq(lf.proto, LINK_P_ARP);
	ck_assert_uint_eq(lf.offset, 24);
	ck_assert_str_eq(lf.prefix, "lo    In  ethertype ARP, ");
	ck_assert_int_eq(link_decode(LINK_LINUX_SLL2, frame, 23, &lf),
	                 TCPLAB_ETRUNC);
}
END_TEST

START_TEST(test_unknown_link_type)
{
	struct link_frame lf;
	size_t len = ether_frame(0x0800, ip4, sizeof(ip4));

	ck_assert_int_eq(link_decode(105, frame, len, &lf), TCPLAB_EINVAL);
	ck_assert_int_eq(link_decode(-1, frame, len, &lf), TCPLAB_EINVAL);
	ck_assert(!link_supported(105));
	ck_assert(!link_supported(127));
	ck_assert(link_supported(LINK_EN10MB));
	ck_assert(link_supported(LINK_LINUX_SLL2));
	ck_assert(link_supported(LINK_IPV4));
}
END_TEST

/* Which header was cut, named as in tcpdump's " [|ether]" marker. */
static void expect_trunc_name(int linktype, size_t len, const char *name)
{
	struct link_frame lf;

	ck_assert_int_eq(link_decode(linktype, frame, len, &lf), TCPLAB_ETRUNC);
	ck_assert_str_eq(lf.trunc, name);
}

START_TEST(test_truncation_names)
{
	const uint8_t tag[4] = {0x00, 0x05, 0x08, 0x00};

	ether_frame(0x8100, tag, sizeof(tag));
	expect_trunc_name(LINK_EN10MB, 5, "ether");
	expect_trunc_name(LINK_EN10MB, 15, "vlan");
	sll_frame(0, 0x8100, tag, sizeof(tag));
	expect_trunc_name(LINK_LINUX_SLL, 10, "sll");
	expect_trunc_name(LINK_LINUX_SLL, 17, "vlan");
	sll2_frame(0x0800, 1, 0, ip4, sizeof(ip4));
	expect_trunc_name(LINK_LINUX_SLL2, 10, "sll2");
	expect_trunc_name(LINK_NULL, 2, "null");
	expect_trunc_name(LINK_LOOP, 2, "null");
	expect_trunc_name(LINK_RAW, 0, "ip");
}
END_TEST

/* A whole IPv6 header, version 6, payload length 0, next header TCP. */
static const uint8_t ip6_full[40] = {0x60, 0, 0, 0, 0, 0, 6, 64};

/* Fails unless the frame decodes as proto at off with this prefix. */
static void expect_at(int linktype, size_t len, enum link_proto proto,
                      uint16_t ethertype, size_t off, const char *prefix)
{
	struct link_frame lf;

	ck_assert_int_eq(link_decode(linktype, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, proto);
	ck_assert_uint_eq(lf.ethertype, ethertype);
	ck_assert_uint_eq(lf.offset, off);
	ck_assert_str_eq(lf.prefix, prefix);
	ck_assert_int_eq(frame[lf.offset] >> 4, proto == LINK_P_IPV6 ? 6 : 4);
}

/* Fails unless every length below hdrlen is ETRUNC naming the header. */
static void expect_cuts_named(int linktype, size_t hdrlen, const char *name)
{
	struct link_frame lf;
	size_t n;

	for (n = 0; n < hdrlen; n++) {
		ck_assert_msg(link_decode(linktype, frame, n, &lf) ==
		                      TCPLAB_ETRUNC,
		              "link type %d: %zu of %zu bytes not ETRUNC",
		              linktype, n, hdrlen);
		ck_assert_msg(lf.trunc != NULL && strcmp(lf.trunc, name) == 0,
		              "link type %d: %zu bytes cut \"%s\", not \"%s\"",
		              linktype, n, lf.trunc ? lf.trunc : "(null)",
		              name);
	}
}

/* LINKTYPE_IPV6 (229): the frame is the IPv6 datagram itself. */
START_TEST(test_ipv6_link_type)
{
	size_t len = build(ip6_full, sizeof(ip6_full), NULL, 0);

	ck_assert(link_supported(LINK_IPV6));
	expect_at(LINK_IPV6, len, LINK_P_IPV6, 0x86dd, 0, "");
	expect_at(LINK_RAW, len, LINK_P_IPV6, 0x86dd, 0, "");
	expect_cuts_named(LINK_IPV6, 1, "ip6");
}
END_TEST

/*
 * PPP (RFC 1661, 2 and 6.5, 6.6; RFC 1662, 3.1): the address 0xff and the
 * control 0x03 may be left out, and a protocol whose first byte is even
 * takes two bytes, one whose first byte is odd may be sent as that byte
 * alone. IPv4 is 0x0021 (RFC 1332), IPv6 0x0057 (RFC 5072); tcpdump prints
 * nothing before the IP line.
 */
START_TEST(test_ppp_forms)
{
	static const struct {
		uint8_t hdr[4];
		size_t hlen;
		int v6;
	} forms[] = {
	        {{0xff, 0x03, 0x00, 0x21}, 4, 0},
	        {{0x00, 0x21}, 2, 0},
	        {{0x21}, 1, 0},
	        {{0xff, 0x03, 0x21}, 3, 0},
	        {{0xff, 0x03, 0x00, 0x57}, 4, 1},
	        {{0x00, 0x57}, 2, 1},
	        {{0x57}, 1, 1},
	        {{0xff, 0x03, 0x57}, 3, 1},
	};
	/* LCP (0xc021) and IPCP (0x8021), with and without address and
	 * control: PPP's own traffic, not IP. */
	static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21};
	struct link_frame lf;
	size_t i, len;

	ck_assert(link_supported(LINK_PPP));
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (forms[i].v6) {
			len = build(forms[i].hdr, forms[i].hlen, ip6_full,
			            sizeof(ip6_full));
			expect_at(LINK_PPP, len, LINK_P_IPV6, 0x86dd,
			          forms[i].hlen, "");
		} else {
			len = build(forms[i].hdr, forms[i].hlen, ip4,
			            sizeof(ip4));
			expect_at(LINK_PPP, len, LINK_P_IPV4, 0x0800,
			          forms[i].hlen, "");
		}
	}
	len = build(lcp, sizeof(lcp), ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_PPP, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
	len = build(lcp + 2, 2, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_PPP, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
	frame[0] = 0x80;
	ck_assert_int_eq(link_decode(LINK_PPP, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/*
 * A PPP frame cut short. tcpdump reads none shorter than four bytes
 * (PPP_HDRLEN), even when its header is one byte: "[|ppp]".
 */
START_TEST(test_ppp_cuts)
{
	static const uint8_t full[4] = {0xff, 0x03, 0x00, 0x21};
	static const uint8_t pfc[3] = {0xff, 0x03, 0x21};

	build(full, sizeof(full), ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP, 4, "ppp");
	build(pfc, sizeof(pfc), ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP, 4, "ppp");
	build(pfc + 2, 1, ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP, 4, "ppp");
	build(full + 2, 2, ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP, 4, "ppp");
}
END_TEST

/*
 * Link type 50: PPP in HDLC-like framing (RFC 1662, 3.1: 0xff, 0x03, then
 * the protocol in two bytes), which tcpdump names before the line, or
 * Cisco HDLC (address 0x0f unicast or 0x8f broadcast, control 0, an
 * ethertype), which it does not.
 */
START_TEST(test_ppp_hdlc_and_cisco)
{
	static const uint8_t ppp4[4] = {0xff, 0x03, 0x00, 0x21};
	static const uint8_t ppp6[4] = {0xff, 0x03, 0x00, 0x57};
	static const uint8_t cisco4[4] = {0x0f, 0x00, 0x08, 0x00};
	static const uint8_t cisco6[4] = {0x8f, 0x00, 0x86, 0xdd};
	static const uint8_t cisco_arp[4] = {0x0f, 0x00, 0x08, 0x06};
	static const uint8_t lcp[4] = {0xff, 0x03, 0xc0, 0x21};
	static const uint8_t odd[4] = {0x11, 0x22, 0x08, 0x00};
	struct link_frame lf;
	size_t len;

	ck_assert(link_supported(LINK_PPP_HDLC));
	len = build(ppp4, 4, ip4, sizeof(ip4));
	expect_at(LINK_PPP_HDLC, len, LINK_P_IPV4, 0x0800, 4, "IP: ");
	len = build(ppp6, 4, ip6_full, sizeof(ip6_full));
	expect_at(LINK_PPP_HDLC, len, LINK_P_IPV6, 0x86dd, 4, "IP6: ");
	len = build(cisco4, 4, ip4, sizeof(ip4));
	expect_at(LINK_PPP_HDLC, len, LINK_P_IPV4, 0x0800, 4, "");
	len = build(cisco6, 4, ip6_full, sizeof(ip6_full));
	expect_at(LINK_PPP_HDLC, len, LINK_P_IPV6, 0x86dd, 4, "");
	len = build(cisco_arp, 4, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_PPP_HDLC, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
	len = build(lcp, 4, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_PPP_HDLC, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
	len = build(odd, 4, ip4, sizeof(ip4));
	ck_assert_int_eq(link_decode(LINK_PPP_HDLC, frame, len, &lf), 0);
	ck_assert_int_eq(lf.proto, LINK_P_OTHER);
}
END_TEST

/*
 * Cut link type 50 headers. The first byte decides which printer tcpdump
 * hands the frame to, and so the name in its marker: with fewer than two
 * bytes, or with PPP's 0xff, "[|ppp_hdlc]"; with Cisco's address,
 * "[|chdlc]".
 */
START_TEST(test_ppp_hdlc_cuts)
{
	static const uint8_t ppp4[4] = {0xff, 0x03, 0x00, 0x21};
	static const uint8_t cisco4[4] = {0x0f, 0x00, 0x08, 0x00};

	build(ppp4, 4, ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP_HDLC, 4, "ppp_hdlc");
	build(cisco4, 4, ip4, sizeof(ip4));
	expect_cuts_named(LINK_PPP_HDLC, 2, "ppp_hdlc");
	expect_trunc_name(LINK_PPP_HDLC, 2, "chdlc");
	expect_trunc_name(LINK_PPP_HDLC, 3, "chdlc");
	frame[0] = 0x8f;
	expect_trunc_name(LINK_PPP_HDLC, 3, "chdlc");
}
END_TEST

static Suite *link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("decode");

	TESTLIB_ADD(tc, test_ether_ipv4);
	TESTLIB_ADD(tc, test_ether_arp_ipv6_llc);
	TESTLIB_ADD(tc, test_ether_vlan);
	TESTLIB_ADD(tc, test_ether_qinq);
	TESTLIB_ADD(tc, test_raw_types);
	TESTLIB_ADD(tc, test_null_both_orders);
	TESTLIB_ADD(tc, test_loop_network_order);
	TESTLIB_ADD(tc, test_sll_v1);
	TESTLIB_ADD(tc, test_sll_v1_vlan);
	TESTLIB_ADD(tc, test_sll2_names_and_directions);
	TESTLIB_ADD(tc, test_sll2_without_lookup);
	TESTLIB_ADD(tc, test_sll2_vlan_and_arp);
	TESTLIB_ADD(tc, test_unknown_link_type);
	TESTLIB_ADD(tc, test_truncation_names);
	TESTLIB_ADD(tc, test_ipv6_link_type);
	TESTLIB_ADD(tc, test_ppp_forms);
	TESTLIB_ADD(tc, test_ppp_cuts);
	TESTLIB_ADD(tc, test_ppp_hdlc_and_cisco);
	TESTLIB_ADD(tc, test_ppp_hdlc_cuts);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(link_suite)
