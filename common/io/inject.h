/*
 * inject.h: puts a struct seg on the wire with libnet.
 *
 * Two kinds of injector. A link-layer one (LIBNET_LINK) builds the
 * Ethernet frame itself and sends the IPv4 header exactly as the segment
 * says, IP id 0 included; the server uses it and answers to the source MAC
 * of the frame it received, so it never needs ARP. A raw IPv4 one
 * (LIBNET_RAW4) lets the kernel route and fill the link layer (and an IP
 * id of 0); the client uses it. Errors are written into the caller's
 * buffer; nothing here prints or exits.
 */
#ifndef TCPLAB_IO_INJECT_H
#define TCPLAB_IO_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"

struct injector;

/* A link-layer injector on ifname. */
struct injector *inject_open_link(const char *ifname, char *err,
				  size_t errlen);

/* A raw IPv4 injector; ifname may be NULL (routing decides). */
struct injector *inject_open_raw4(const char *ifname, char *err,
				  size_t errlen);

/* A raw IPv6 injector: the kernel routes, finds the neighbour and writes
 * the link header, as for IPv4; the segment's IPv6 header goes as built. */
struct injector *inject_open_raw6(const char *ifname, char *err,
				  size_t errlen);

/*
 * Sends s: its TCP header and options, payload and IP header (IPv4 or
 * IPv6, as s says) are built with libnet from the fields of s (checksums
 * computed). For a link-layer
 * injector, dst_mac is the next hop's address; it is ignored otherwise.
 * If frame is not NULL, the bytes sent (from the link header on for a
 * link-layer injector, from the IPv4 header on otherwise) are copied there,
 * up to cap, and their length stored in *frame_len, for -w files.
 * Returns 0, or -1 with err filled.
 */
int inject_seg(struct injector *in, const struct seg *s,
	       const uint8_t dst_mac[6], uint8_t *frame, size_t cap,
	       size_t *frame_len, char *err, size_t errlen);

void inject_close(struct injector *in);

#endif
