/*
 * route.h: where a segment to an address leaves this host: the interface
 * and the source address that Linux's routing would choose, or the ones
 * the user named with -i and -s, and the MTU on the way. I/O: asks the
 * kernel, never sends.
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

/*
 * Fills *mtu with the MTU toward daddr on ifname: the interface's, or the
 * route's when smaller. Returns 0, or -1 with err filled.
 */
int route_mtu(uint32_t daddr, const char *ifname, unsigned *mtu, char *err,
              size_t errlen);

/* Linux never announces an MSS below 256 (net.ipv4.route.min_adv_mss). */
#define ROUTE_MIN_ADVMSS 256

/*
 * The MSS a SYN announces on a link of this MTU: the MTU less 20 bytes of
 * IPv4 header and 20 of TCP header (RFC 9293, 3.7.1), between Linux's
 * floor of 256 and 65495, as Linux announces it.
 */
uint16_t route_mss(unsigned mtu);

#endif
