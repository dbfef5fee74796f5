/*
 * link.h: finds the network-layer packet inside a captured frame.
 *
 * Knows the link types tcpdump writes and reads on Linux: Ethernet, raw IP
 * (v4, v6 or either), Linux cooked captures (v1 and v2, as "tcpdump -i any"
 * writes them), BSD loopback, PPP and PPP in HDLC framing. It also produces the
 * text tcpdump prints before "IP " for that link type. Pure: the numbers below
 * are the LINKTYPE_ and DLT_ values that libpcap reports, so this file needs no
 * pcap.h.
 */
#ifndef TCPLAB_LINK_H
#define TCPLAB_LINK_H

#include <stddef.h>
#include <stdint.h>

/* Link types as pcap_datalink() reports them on Linux. */
#define LINK_NULL       0   /* BSD loopback, host-order family */
#define LINK_EN10MB     1   /* Ethernet */
#define LINK_PPP        9   /* PPP, with or without address and control */
#define LINK_PPP_HDLC   50  /* PPP in HDLC-like framing, or Cisco HDLC */
#define LINK_RAW_DLT    12  /* raw IP (DLT_RAW on Linux) */
#define LINK_RAW_DLT14  14  /* raw IP (DLT_RAW on some BSDs) */
#define LINK_RAW        101 /* raw IP (LINKTYPE_RAW) */
#define LINK_LOOP       108 /* OpenBSD loopback, network-order family */
#define LINK_LINUX_SLL  113 /* Linux cooked v1 */
#define LINK_IPV4       228 /* raw IPv4 */
#define LINK_IPV6       229 /* raw IPv6 */
#define LINK_LINUX_SLL2 276 /* Linux cooked v2 */

/* What a frame carries. */
enum link_proto {
	LINK_P_IPV4,
	LINK_P_IPV6,
	LINK_P_ARP,
	LINK_P_OTHER,
};

struct link_frame {
	enum link_proto proto;
	uint16_t ethertype; /* when known, else 0 */
	size_t offset;      /* where the network-layer packet starts */
	char prefix[48];    /* tcpdump's text before "IP ", often "" */
	uint32_t ifindex;   /* Linux cooked v2: the interface's index, else 0 */
	/* After TCPLAB_ETRUNC: the header that was cut, as tcpdump names it
	 * in its " [|ether]" marker ("ether", "vlan", "sll", "sll2", "null",
	 * "ppp", "ppp_hdlc", "chdlc", "ip", "ip6").
	 */
	const char *trunc;
};

/*
 * Names the interface with index ifindex, or returns NULL when there is
 * none. A Linux cooked v2 frame carries only the index of the interface it
 * was captured on; tcpdump prints the name that index has on the machine
 * that reads the file, which is I/O, so the caller supplies the lookup.
 */
typedef const char *(*link_ifname_fn)(void *arg, uint32_t ifindex);

/*
 * Decodes the link header of a frame of type linktype. Returns 0, or
 * TCPLAB_ETRUNC when the frame is shorter than its link header,
 * TCPLAB_EINVAL for a link type this file does not know.
 */
int link_decode(int linktype, const uint8_t *p, size_t caplen,
                struct link_frame *out);

/*
 * Like link_decode(), with ifname (which may be NULL) naming the interfaces
 * of Linux cooked v2 frames; without a name tcpdump prints "?".
 */
int link_decode_named(int linktype, const uint8_t *p, size_t caplen,
                      link_ifname_fn ifname, void *arg, struct link_frame *out);

/* Whether link_decode() knows linktype. */
int link_supported(int linktype);

#endif
