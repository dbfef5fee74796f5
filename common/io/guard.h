/*
 * guard.h: the port guard. Keeps Linux's own TCP from answering segments
 * meant for a user-space endpoint, without a firewall rule.
 *
 * A TCP socket bound to the endpoint's address and port, listening, with a
 * classic BPF socket filter that accepts nothing (one "ret #0"), makes the
 * kernel discard every segment for that port before it would answer with a
 * RST: tcp_v4_rcv() runs the socket filter before the listener's own
 * processing. libpcap still sees the segments, since capture happens at the
 * device. The guard also reserves the port, and it vanishes with the
 * process, so a crash leaves nothing behind.
 */
#ifndef TCPLAB_IO_GUARD_H
#define TCPLAB_IO_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/seg.h"

/*
 * Opens the guard on addr:port (host byte order; addr 0 means any). Returns
 * the socket, or -1 with err filled; a port already in use is named, e.g.
 * "port 8080 on 192.168.101.5 is in use".
 */
int guard_open(uint32_t addr, uint16_t port, char *err, size_t errlen);

/* The same for an address of either family (unspecified: any address of
 * that family). An IPv6 guard is IPV6_V6ONLY. */
int guard_open_at(const struct ipaddr *addr, uint16_t port, char *err,
                  size_t errlen);

void guard_close(int fd);

/*
 * The socket address of a and port (AF_INET for an IPv4-mapped address,
 * else AF_INET6) in *ss; returns its length. The one conversion the
 * guard, tcplab-client's route lookup and tcplab-play's sockets share.
 */
socklen_t io_sockaddr_of(const struct ipaddr *a, uint16_t port,
                         struct sockaddr_storage *ss);

#endif
