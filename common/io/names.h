/*
 * names.h: host and port names for the tcpdump printer, read the way
 * tcpdump's lookups find them, but from files only: /etc/hosts for
 * addresses and /etc/services for TCP ports. tcplab never sends a DNS query.
 */
#ifndef TCPLAB_NAMES_H
#define TCPLAB_NAMES_H

#include <stdint.h>

#include "common/seg.h"
#include "common/tcpdump.h"

struct names;

/*
 * Loads /etc/hosts and /etc/services (the paths can be overridden with the
 * environment variables TCPLAB_HOSTS and TCPLAB_SERVICES, for tests).
 * A missing file just means no names. Returns NULL only when out of memory.
 */
struct names *names_open(void);
void names_close(struct names *nm);

/* A resolver for the printer backed by nm (and by localtime_r for time). */
void names_resolver(struct names *nm, struct tcpdump_resolver *res);

/*
 * Direct lookups, for what the printer does not print itself: the name of
 * an IPv4 address (in host byte order like struct seg's saddr: 192.0.2.1
 * is 0xc0000201) and of a TCP or
 * UDP port, or NULL when the files hold none.
 */
const char *names_host(const struct names *nm, uint32_t addr);
/* The name of an IPv6 address (16 bytes in network order), or NULL. */
const char *names_host6(const struct names *nm, const uint8_t *addr);
const char *names_tcp_port(const struct names *nm, uint16_t port);
const char *names_udp_port(const struct names *nm, uint16_t port);

/*
 * The reverse, for names read from tcpdump's text: the address of a host
 * name or alias from the hosts file, the port of a TCP service name or
 * alias from the services file. The first entry wins; case is ignored for
 * hosts and services alike. Return 0, or -1 when the files hold no such
 * name.
 */
int names_host_addr(const struct names *nm, const char *name, uint32_t *addr);
/* The same for either family: family 4 or 6 looks only at the hosts
 * file's lines of that family, 0 at both, and then the name's first line
 * in the file wins. */
int names_host_ip(const struct names *nm, const char *name, int family,
                  struct ipaddr *addr);
int names_tcp_port_num(const struct names *nm, const char *name,
                       uint16_t *port);

#endif
