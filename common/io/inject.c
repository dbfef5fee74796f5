/*
 * inject.c: puts a struct seg on the wire with libnet.
 *
 * Each segment is built from the top down, as libnet wants: the TCP
 * options, the TCP header with its payload, the IPv4 options and header
 * (or the IPv6 header) and, for a link-layer injector, the Ethernet
 * header. libnet computes the checksums. The finished bytes are culled
 * (libnet's "advanced" mode) so that the caller can keep a copy for a pcap
 * file, and then written. This file never prints and never exits: errors go
 * into the caller's buffer.
 */
#include "config.h"

#include <errno.h>
#include <libnet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/io/inject.h"
#include "common/io/i18n.h"
#include "common/io/ioerr.h"

struct injector {
	libnet_t *l;
	bool link;
	uint8_t mac[6];
	struct sockaddr_ll to; /* the device, for a link-layer write */
};

static struct injector *inject_open(int type, const char *ifname, char *err,
                                    size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct injector *in;

	if (ifname != NULL && if_nametoindex(ifname) == 0) {
		io_seterr(err, errlen, _("injection on %s: no such interface"),
		          ifname);
		return NULL;
	}
	in = calloc(1, sizeof *in);
	if (in == NULL) {
		io_seterr(err, errlen, _("injection: %s"), strerror(errno));
		return NULL;
	}
	errno = 0;
	in->l = libnet_init(type, ifname, ebuf);
	if (in->l == NULL) {
		/* libnet's own text for EPERM does not say what to do. */
		if (errno == EPERM || errno == EACCES || geteuid() != 0)
			io_seterr(
			        err, errlen,
			        _("injection needs CAP_NET_RAW: run as root or "
			          "grant it with setcap"));
		else
			io_seterr(err, errlen, _("injection on %s: %s"),
			          ifname != NULL ? ifname : "any", ebuf);
		free(in);
		return NULL;
	}
	in->link = type == LIBNET_LINK_ADV;
	return in;
}

struct injector *inject_open_link(const char *ifname, char *err, size_t errlen)
{
	struct injector *in;
	struct libnet_ether_addr *ea;

	in = inject_open(LIBNET_LINK_ADV, ifname, err, errlen);
	if (in == NULL)
		return NULL;
	/* Read now: the ioctl may need privileges we are about to drop. */
	ea = libnet_get_hwaddr(in->l);
	if (ea == NULL) {
		io_seterr(err, errlen, _("injection on %s: no MAC address: %s"),
		          ifname, libnet_geterror(in->l));
		inject_close(in);
		return NULL;
	}
	memcpy(in->mac, ea->ether_addr_octet, 6);
	/* packet(7): a frame written with sendto() on libnet's packet
	 * socket goes out of this device. libnet_adv_write_link() would ask
	 * the kernel for the device's index again for every frame (an
	 * ioctl per segment: a tenth of the server's time under ab). */
	in->to.sll_family = AF_PACKET;
	in->to.sll_protocol = htons(ETH_P_IP);
	in->to.sll_ifindex = (int)if_nametoindex(ifname);
	in->to.sll_halen = 6;
	return in;
}

struct injector *inject_open_raw4(const char *ifname, char *err, size_t errlen)
{
	return inject_open(LIBNET_RAW4, ifname, err, errlen);
}

struct injector *inject_open_raw6(const char *ifname, char *err, size_t errlen)
{
	return inject_open(LIBNET_RAW6, ifname, err, errlen);
}

/* TCP options, TCP header and payload, IPv4 options and header or the
 * IPv6 header. */
static int build_ip(struct injector *in, const struct seg *s)
{
	libnet_t *l = in->l;
	uint32_t optlen = (s->opt_len + 3u) & ~3u;
	uint32_t tcplen = LIBNET_TCP_H + optlen + (uint32_t)s->payload_len;

	if (s->opt_len > 0 &&
	    libnet_build_tcp_options(s->opt_raw, s->opt_len, l, 0) == -1)
		return -1;
	/* The control byte has no room for the NS bit (RFC 3540). */
	if (libnet_build_tcp(s->sport, s->dport, s->seq, s->ack,
	                     (uint8_t)(s->flags & 0xff), s->win, 0, s->urp,
	                     (uint16_t)tcplen, s->payload,
	                     (uint32_t)s->payload_len, l, 0) == -1)
		return -1;
	if (s->ip_v == 6) {
		struct libnet_in6_addr src, dst;

		memcpy(src.__u6_addr.__u6_addr8, s->saddr6, 16);
		memcpy(dst.__u6_addr.__u6_addr8, s->daddr6, 16);
		return libnet_build_ipv6(s->ip_tos, s->ip6_flow,
		                         (uint16_t)tcplen, IPPROTO_TCP,
		                         s->ip_ttl, src, dst, NULL, 0, l,
		                         0) == -1
		               ? -1
		               : 0;
	}
	if (s->ip_opt_len > 0 &&
	    libnet_build_ipv4_options(s->ip_opt, s->ip_opt_len, l, 0) == -1)
		return -1;
	if (libnet_build_ipv4(
	            (uint16_t)(LIBNET_IPV4_H + s->ip_opt_len + tcplen),
	            s->ip_tos, s->ip_id, s->ip_off, s->ip_ttl, IPPROTO_TCP, 0,
	            htonl(s->saddr), htonl(s->daddr), NULL, 0, l, 0) == -1)
		return -1;
	return 0;
}

/* Writes the culled bytes, and copies them for the caller if asked. */
static int write_culled(struct injector *in, const uint8_t *pkt, uint32_t n,
                        uint8_t *frame, size_t cap, size_t *frame_len)
{
	int rc;

	if (frame != NULL) {
		size_t k = n < cap ? n : cap;
		memcpy(frame, pkt, k);
		if (frame_len != NULL)
			*frame_len = k;
	}
	rc = (int)sendto(libnet_getfd(in->l), pkt, n, 0,
	                 (const struct sockaddr *)&in->to, sizeof in->to);
	return rc == (int)n ? 0 : -1;
}

/*
 * libnet culls finished packets in link mode only. A raw IPv4 injector
 * writes with libnet_write(), and the copy for the caller is the codec's
 * encoding of the same segment: the same bytes, except that the kernel
 * fills in an IP id of 0 (raw(7)).
 */
static int write_raw4(struct injector *in, const struct seg *s, uint8_t *frame,
                      size_t cap, size_t *frame_len)
{
	int n;

	if (libnet_write(in->l) == -1)
		return -1;
	if (frame != NULL) {
		n = seg_encode(s, frame, cap);
		if (frame_len != NULL)
			*frame_len = n > 0 ? (size_t)n : 0;
	}
	return 0;
}

int inject_seg(struct injector *in, const struct seg *s,
               const uint8_t dst_mac[6], uint8_t *frame, size_t cap,
               size_t *frame_len, char *err, size_t errlen)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0;
	int rc = -1;

	libnet_clear_packet(in->l);
	if (build_ip(in, s) != 0)
		goto done;
	if (!in->link) {
		rc = write_raw4(in, s, frame, cap, frame_len);
		goto done;
	}
	if (libnet_build_ethernet(dst_mac, in->mac,
	                          s->ip_v == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP,
	                          NULL, 0, in->l, 0) == -1)
		goto done;
	in->to.sll_protocol = htons(s->ip_v == 6 ? ETH_P_IPV6 : ETH_P_IP);
	if (libnet_adv_cull_packet(in->l, &pkt, &n) == -1)
		goto done;
	rc = write_culled(in, pkt, n, frame, cap, frame_len);
done:
	if (rc != 0)
		io_seterr(err, errlen, _("injection: %s"),
		          libnet_geterror(in->l)[0] != '\0'
		                  ? libnet_geterror(in->l)
		                  : strerror(errno));
	if (pkt != NULL)
		libnet_adv_free_packet(in->l, pkt);
	libnet_clear_packet(in->l);
	return rc;
}

void inject_close(struct injector *in)
{
	if (in == NULL)
		return;
	libnet_destroy(in->l);
	free(in);
}
