/*
 * route.c: finds the interface and source address toward a destination.
 *
 * The source address is what a connected UDP socket gets from the routing
 * table (connect() on a UDP socket sends nothing); the interface is the
 * one that holds that address. With -i the interface's first IPv4
 * address is the source; with -s the interface is the one holding it.
 *
 * The MTU is the interface's (SIOCGIFMTU), or the route's when that is
 * smaller: what IP_MTU tells on a UDP socket tied to the interface and
 * connected to the destination (a route's "mtu", or a path MTU Linux has
 * learnt).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/route.h"
#include "common/io/i18n.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *ntoa(uint32_t a, char *buf)
{
	struct in_addr in = {htonl(a)};

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* The source address the routing table gives toward daddr. */
static int route_source(uint32_t daddr, uint16_t dport, uint32_t *saddr,
                        char *err, size_t errlen)
{
	struct sockaddr_in sin = {0};
	socklen_t sl = sizeof sin;
	char a[INET_ADDRSTRLEN];
	int fd, rc = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		seterr(err, errlen, _("route lookup: %s"), strerror(errno));
		return -1;
	}
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(daddr);
	sin.sin_port = htons(dport);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		seterr(err, errlen, _("no route to %s: %s"), ntoa(daddr, a),
		       strerror(errno));
		goto done;
	}
	if (getsockname(fd, (struct sockaddr *)&sin, &sl) != 0) {
		seterr(err, errlen, _("route lookup: %s"), strerror(errno));
		goto done;
	}
	*saddr = ntohl(sin.sin_addr.s_addr);
	rc = 0;
done:
	close(fd);
	return rc;
}

/*
 * Looks through the host's IPv4 addresses for one matching want_if and
 * want_saddr (either may be unset). Fills ifname and *saddr.
 */
static int find_addr(const char *want_if, uint32_t want_saddr, char *ifname,
                     uint32_t *saddr)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		uint32_t a;
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		if (want_if != NULL && strcmp(i->ifa_name, want_if) != 0)
			continue;
		if (want_saddr != 0 && a != want_saddr)
			continue;
		snprintf(ifname, IF_NAMESIZE, "%s", i->ifa_name);
		*saddr = a;
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	return rc;
}

int route_find(uint32_t daddr, uint16_t dport, const char *want_if,
               uint32_t want_saddr, char *ifname, uint32_t *saddr, char *err,
               size_t errlen)
{
	char a[INET_ADDRSTRLEN];
	uint32_t src = want_saddr;

	if (want_if != NULL && if_nametoindex(want_if) == 0) {
		seterr(err, errlen, _("no interface %s"), want_if);
		return -1;
	}
	if (want_if == NULL && src == 0 &&
	    route_source(daddr, dport, &src, err, errlen) != 0)
		return -1;
	if (find_addr(want_if, src, ifname, saddr) == 0)
		return 0;
	if (want_if != NULL && src != 0)
		seterr(err, errlen, _("address %s is not on interface %s"),
		       ntoa(src, a), want_if);
	else if (want_if != NULL)
		seterr(err, errlen, _("interface %s has no IPv4 address"),
		       want_if);
	else
		seterr(err, errlen, _("address %s is not on this host"),
		       ntoa(src, a));
	return -1;
}

/* The MTU Linux keeps for the route from fd (a UDP socket) to daddr, or 0
 * when it cannot tell. */
static unsigned route_ip_mtu(int fd, const char *ifname, uint32_t daddr)
{
	struct sockaddr_in sin = {0};
	socklen_t sl;
	int mtu = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	               (socklen_t)strlen(ifname)) != 0)
		return 0;
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(daddr);
	sin.sin_port = htons(9); /* connect() on UDP sends nothing */
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		return 0;
	sl = sizeof mtu;
	if (getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &sl) != 0 || mtu <= 0)
		return 0;
	return (unsigned)mtu;
}

int route_mtu(uint32_t daddr, const char *ifname, unsigned *mtu, char *err,
              size_t errlen)
{
	struct ifreq ifr;
	unsigned rmtu;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		seterr(err, errlen, _("MTU of %s: %s"), ifname,
		       strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) != 0 || ifr.ifr_mtu <= 0) {
		seterr(err, errlen, _("MTU of %s: %s"), ifname,
		       strerror(errno));
		close(fd);
		return -1;
	}
	*mtu = (unsigned)ifr.ifr_mtu;
	rmtu = route_ip_mtu(fd, ifname, daddr);
	if (rmtu != 0 && rmtu < *mtu)
		*mtu = rmtu;
	close(fd);
	return 0;
}

uint16_t route_mss(unsigned mtu)
{
	/* Linux's floor (ip_rt_min_advmss) and its ceiling (the largest
	 * IPv4 packet, 65535 bytes, less the headers). */
	if (mtu < ROUTE_MIN_ADVMSS + 40)
		return ROUTE_MIN_ADVMSS;
	if (mtu > 65535)
		return 65535 - 40;
	return (uint16_t)(mtu - 40);
}
