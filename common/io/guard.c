/*
 * guard.c: the port guard, a listening TCP socket that accepts nothing.
 *
 * The socket is bound to the endpoint's address and port and carries a
 * classic BPF filter of one instruction, "ret #0", attached before it
 * listens. Linux runs a socket's filter in tcp_v4_rcv() and tcp_v6_rcv()
 * before the listener or the connection sees the segment, so every segment
 * for the port is discarded silently: no RST for a SYN, nor for a SYN-ACK
 * that no kernel socket expects. Capture happens earlier, at the device, so
 * libpcap still sees them. This file never prints and never exits.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/io/guard.h"
#include "common/io/i18n.h"
#include "common/io/ioerr.h"

/* addr as text, or "any address" for the unspecified one. */
static const char *addr_text(const struct ipaddr *addr, char *buf, size_t cap)
{
	struct in_addr a;

	if (ipaddr_any(addr))
		/* TRANSLATORS: where a port guard listens when no address
		   is given: "port 80 on any address is in use". */
		return _("any address");
	if (!ipaddr_is4(addr))
		return inet_ntop(AF_INET6, addr->b, buf, (socklen_t)cap);
	a.s_addr = htonl(ipaddr_v4(addr));
	return inet_ntop(AF_INET, &a, buf, (socklen_t)cap);
}

/* The filter that drops every segment: one "ret #0". */
static int attach_drop_all(int fd)
{
	struct sock_filter insn[1] = {
	        {BPF_RET | BPF_K, 0, 0, 0},
	};
	struct sock_fprog prog = {1, insn};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static void bind_error(const struct ipaddr *addr, uint16_t port, int e,
                       char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];

	addr_text(addr, a, sizeof a);
	if (e == EADDRINUSE)
		io_seterr(err, errlen, _("port %u on %s is in use"), port, a);
	else if (e == EADDRNOTAVAIL)
		io_seterr(err, errlen, _("address %s is not on this host"), a);
	else if (e == EACCES || e == EPERM)
		io_seterr(err, errlen,
		          _("port guard on %s:%u: %s: run as root or grant "
		            "CAP_NET_BIND_SERVICE with setcap"),
		          a, port, strerror(e));
	else
		io_seterr(err, errlen, _("port guard on %s:%u: %s"), a, port,
		          strerror(e));
}

int guard_open(uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	struct ipaddr a = ipaddr_of4(addr);

	return guard_open_at(&a, port, err, errlen);
}

int guard_open_at(const struct ipaddr *addr, uint16_t port, char *err,
                  size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, one = 1, v6 = !ipaddr_is4(addr);

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		io_seterr(err, errlen, _("port guard: socket: %s"),
		          strerror(errno));
		return -1;
	}
	/* Old connections of an earlier run in TIME-WAIT must not keep the
	 * port; another listener still does (EADDRINUSE). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/* The filter goes on first: no segment may slip in before it. */
	if (attach_drop_all(fd) != 0) {
		io_seterr(err, errlen, _("port guard: filter: %s"),
		          strerror(errno));
		goto fail;
	}
	/* An IPv6 guard guards IPv6 only: the IPv4 port stays free for a
	 * kernel listener, as the user may want. */
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	sslen = io_sockaddr_of(addr, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
		bind_error(addr, port, errno, err, errlen);
		goto fail;
	}
	if (listen(fd, 1) != 0) {
		bind_error(addr, port, errno, err, errlen);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

void guard_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

socklen_t io_sockaddr_of(const struct ipaddr *a, uint16_t port,
                         struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (ipaddr_is4(a)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(ipaddr_v4(a));
		sin->sin_port = htons(port);
		return sizeof *sin;
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	memcpy(sin6->sin6_addr.s6_addr, a->b, 16);
	sin6->sin6_port = htons(port);
	return sizeof *sin6;
}
