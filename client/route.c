/*
 * route.c: finds the interface and source address toward a destination,
 * IPv4 or IPv6.
 *
 * The source address is what a connected UDP socket gets from the routing
 * table (connect() on a UDP socket sends nothing); the interface is the
 * one that holds that address. With -i the interface's first IPv4
 * address is the source; over IPv6 the UDP socket is tied to the
 * interface instead, so that the kernel picks among its addresses one
 * whose scope fits the destination (an interface's first IPv6 address is
 * often its link-local one). With -s the interface is the one holding it.
 *
 * The MTU is the interface's (SIOCGIFMTU), or the route's when that is
 * smaller: what IP_MTU (IPV6_MTU) tells on a UDP socket tied to the
 * interface and connected to the destination (a route's "mtu", or a path
 * MTU Linux has learnt).
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
#include "common/io/guard.h"
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

const char *route_ntop(const struct ipaddr *a, char *buf, size_t cap)
{
	struct in_addr in;

	if (!ipaddr_is4(a))
		return inet_ntop(AF_INET6, a->b, buf, (socklen_t)cap);
	in.s_addr = htonl(ipaddr_v4(a));
	return inet_ntop(AF_INET, &in, buf, (socklen_t)cap);
}

int route_pton(const char *s, int family, struct ipaddr *a)
{
	struct in_addr in;

	if (family != 6 && inet_pton(AF_INET, s, &in) == 1) {
		*a = ipaddr_of4(ntohl(in.s_addr));
		return 0;
	}
	/* An IPv4-mapped address is IPv4 in struct ipaddr: not taken as
	 * IPv6, which it does not travel as. */
	if (family != 4 && inet_pton(AF_INET6, s, a->b) == 1 && !ipaddr_is4(a))
		return 0;
	return -1;
}

/* The address in a socket address of either family. */
static void ipaddr_of_sockaddr(const struct sockaddr *sa, struct ipaddr *a)
{
	if (sa->sa_family == AF_INET)
		*a = ipaddr_of4(ntohl(
		        ((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	else
		memcpy(a->b,
		       ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr,
		       16);
}

/* A UDP socket of daddr's family, tied to ifname when it is not NULL. */
static int udp_socket(const struct ipaddr *daddr, const char *ifname)
{
	int fd = socket(ipaddr_is4(daddr) ? AF_INET : AF_INET6,
	                SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && ifname != NULL &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	               (socklen_t)strlen(ifname)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The source address the routing table gives toward daddr (through
 * ifname, when it is not NULL). */
static int route_source(const struct ipaddr *daddr, uint16_t dport,
                        const char *ifname, struct ipaddr *saddr, char *err,
                        size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[INET6_ADDRSTRLEN];
	int fd, rc = -1;

	fd = udp_socket(daddr, ifname);
	if (fd < 0) {
		seterr(err, errlen, _("route lookup: %s"), strerror(errno));
		return -1;
	}
	sl = io_sockaddr_of(daddr, dport, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		/* fe80::/10 needs a zone, which a URL cannot give here. */
		if (!ipaddr_is4(daddr) && daddr->b[0] == 0xfe &&
		    (daddr->b[1] & 0xc0) == 0x80)
			seterr(err, errlen,
			       _("%s is link-local: give the server's global "
			         "address"),
			       route_ntop(daddr, a, sizeof a));
		else
			seterr(err, errlen, _("no route to %s: %s"),
			       route_ntop(daddr, a, sizeof a), strerror(errno));
		goto done;
	}
	sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		seterr(err, errlen, _("route lookup: %s"), strerror(errno));
		goto done;
	}
	ipaddr_of_sockaddr((struct sockaddr *)&ss, saddr);
	rc = 0;
done:
	close(fd);
	return rc;
}

/*
 * Looks through the host's addresses of one family (IPv6 when v6) for one
 * matching want_if and want_saddr (either may be unset: NULL). Fills
 * ifname and *saddr.
 */
static int find_addr(bool v6, const char *want_if,
                     const struct ipaddr *want_saddr, char *ifname,
                     struct ipaddr *saddr)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		struct ipaddr a;
		if (i->ifa_addr == NULL ||
		    i->ifa_addr->sa_family != (v6 ? AF_INET6 : AF_INET))
			continue;
		ipaddr_of_sockaddr(i->ifa_addr, &a);
		if (want_if != NULL && strcmp(i->ifa_name, want_if) != 0)
			continue;
		if (want_saddr != NULL && !ipaddr_eq(&a, want_saddr))
			continue;
		snprintf(ifname, IF_NAMESIZE, "%s", i->ifa_name);
		*saddr = a;
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	return rc;
}

int route_find(const struct ipaddr *daddr, uint16_t dport, const char *want_if,
               const struct ipaddr *want_saddr, char *ifname,
               struct ipaddr *saddr, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];
	bool v6 = !ipaddr_is4(daddr);
	struct ipaddr src;
	const struct ipaddr *want = want_saddr;

	if (want_if != NULL && if_nametoindex(want_if) == 0) {
		seterr(err, errlen, _("no interface %s"), want_if);
		return -1;
	}
	if (want == NULL && (want_if == NULL || v6)) {
		if (route_source(daddr, dport, want_if, &src, err, errlen) != 0)
			return -1;
		want = &src;
	}
	if (find_addr(v6, want_if, want, ifname, saddr) == 0)
		return 0;
	if (want_if != NULL && want != NULL)
		seterr(err, errlen, _("address %s is not on interface %s"),
		       route_ntop(want, a, sizeof a), want_if);
	else if (want_if != NULL)
		seterr(err, errlen, _("interface %s has no IPv4 address"),
		       want_if);
	else
		seterr(err, errlen,
		       _("address %s is not on this host: give -s one of "
		         "its addresses, or leave -s out"),
		       route_ntop(want, a, sizeof a));
	return -1;
}

/* The MTU Linux keeps for the route from fd (a UDP socket tied to the
 * interface) to daddr, or 0 when it cannot tell. */
static unsigned route_ip_mtu(int fd, const struct ipaddr *daddr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int mtu = 0;
	bool v6 = !ipaddr_is4(daddr);

	sl = io_sockaddr_of(daddr, 9, &ss); /* connect() on UDP sends nothing */
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0)
		return 0;
	sl = sizeof mtu;
	if (getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	               v6 ? IPV6_MTU : IP_MTU, &mtu, &sl) != 0 ||
	    mtu <= 0)
		return 0;
	return (unsigned)mtu;
}

int route_mtu(const struct ipaddr *daddr, const char *ifname, unsigned *mtu,
              char *err, size_t errlen)
{
	struct ifreq ifr;
	unsigned rmtu = 0;
	int fd;

	fd = socket(ipaddr_is4(daddr) ? AF_INET : AF_INET6,
	            SOCK_DGRAM | SOCK_CLOEXEC, 0);
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
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	               (socklen_t)strlen(ifname)) == 0)
		rmtu = route_ip_mtu(fd, daddr);
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

uint16_t route_mss6(unsigned mtu)
{
	/* Linux's ip6_default_advmss(): the floor is ip6_rt_min_advmss, and
	 * above 65535 - 20 the MSS is 65535, since a jumbogram's payload
	 * (RFC 2675) has no 16-bit limit. */
	if (mtu < ROUTE_MIN_ADVMSS6 + 60)
		return ROUTE_MIN_ADVMSS6;
	if (mtu - 60 > 65535 - 20)
		return 65535;
	return (uint16_t)(mtu - 60);
}
