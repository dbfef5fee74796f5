/*
 * route.h: where a segment to an address leaves this host: the interface
 * and the source address that Linux's routing would choose, or the ones
 * the user named with -i and -s, and the MTU on the way, for IPv4 and
 * IPv6 alike. I/O: asks the kernel, never sends.
 */
#ifndef TCPLAB_CLIENT_ROUTE_H
#define TCPLAB_CLIENT_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"

/*
 * Fills ifname (IF_NAMESIZE bytes) and *saddr, of daddr's family, for a
 * destination daddr. want_if and want_saddr, when not NULL, are what the
 * user asked for and must agree with each other (want_saddr of daddr's
 * family). Returns 0, or -1 with err filled ("no route to 192.0.2.3",
 * "no interface eth9").
 */
int route_find(const struct ipaddr *daddr, uint16_t dport, const char *want_if,
               const struct ipaddr *want_saddr, char *ifname,
               struct ipaddr *saddr, char *err, size_t errlen);

/*
 * Fills *mtu with the MTU toward daddr on ifname: the interface's, or the
 * route's when smaller. Returns 0, or -1 with err filled.
 */
int route_mtu(const struct ipaddr *daddr, const char *ifname, unsigned *mtu,
              char *err, size_t errlen);

/* Linux never announces an MSS below 256 over IPv4
 * (net.ipv4.route.min_adv_mss), nor below 1220 over IPv6 (IPv6's minimum
 * MTU of 1280 less the headers, net.ipv6.route.min_adv_mss). */
#define ROUTE_MIN_ADVMSS  256
#define ROUTE_MIN_ADVMSS6 1220

/*
 * The MSS a SYN announces on a link of this MTU: the MTU less 20 bytes of
 * IPv4 header and 20 of TCP header (RFC 9293, 3.7.1), between Linux's
 * floor of 256 and 65495, as Linux announces it.
 */
uint16_t route_mss(unsigned mtu);

/*
 * The same over IPv6: the MTU less 40 bytes of IPv6 header and 20 of TCP
 * header (RFC 8200, 8.3), at least 1220; 65535 when the MTU leaves more
 * than 65515, as Linux announces it.
 */
uint16_t route_mss6(unsigned mtu);

/* a as text (inet_ntop's), into buf of cap bytes (INET6_ADDRSTRLEN is
 * enough); returns buf. */
const char *route_ntop(const struct ipaddr *a, char *buf, size_t cap);

/* Reads s, a dotted quad or an IPv6 address, into *a; family 4 or 6 takes
 * only that family, 0 either. An IPv4-mapped IPv6 address is not taken.
 * Returns 0, or -1. */
int route_pton(const char *s, int family, struct ipaddr *a);

#endif
