/*
 * route.h: where a segment to an address leaves this host: the interface
 * and the source address that Linux's routing would choose, or the ones
 * the user named with -i and -s. I/O: asks the kernel, never sends.
 */
#ifndef TCPLAB_CLIENT_ROUTE_H
#define TCPLAB_CLIENT_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Fills ifname (IF_NAMESIZE bytes) and *saddr for a destination daddr
 * (host byte order). want_if and want_saddr, when not NULL and not 0,
 * are what the user asked for and must agree with each other. Returns 0,
 * or -1 with err filled ("no route to 192.0.2.3", "no interface eth9").
 */
int route_find(uint32_t daddr, uint16_t dport, const char *want_if,
               uint32_t want_saddr, char *ifname, uint32_t *saddr, char *err,
               size_t errlen);

#endif
