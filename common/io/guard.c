/*
 * guard.c: the port guard, a listening TCP socket that accepts nothing.
 *
 * The socket is bound to the endpoint's address and port and carries a
 * classic BPF filter of one instruction, "ret #0", attached before it
 * listens. Linux runs a socket's filter in tcp_v4_rcv() before the
 * listener or the connection sees the segment, so every segment for the
 * port is discarded silently: no RST for a SYN, nor for a SYN-ACK that no
 * kernel socket expects. Capture happens earlier, at the device, so
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

/* addr (host order) as a dotted quad, or "any address" for 0. */
static const char *addr_text(uint32_t addr, char *buf, size_t cap)
{
	struct in_addr a;

	if (addr == 0)
		/* TRANSLATORS: where a port guard listens when no address
		   is given: "port 80 on any address is in use". */
		return _("any address");
	a.s_addr = htonl(addr);
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

static void bind_error(uint32_t addr, uint16_t port, int e, char *err,
                       size_t errlen)
{
	char a[INET_ADDRSTRLEN];

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
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
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
