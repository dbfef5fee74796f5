/*
 * names.c: host and port names from /etc/hosts and /etc/services, found the
 * way tcpdump finds them.
 *
 * tcpdump names an IPv4 address with gethostbyaddr(); from the files
 * backend that is the first /etc/hosts line holding the address, and the
 * name printed is the first name on that line (the canonical name). A TCP
 * port gets the official name of the first /etc/services entry for
 * port/tcp, because tcpdump's table keeps every entry and looks up the
 * first (8080 is "http-alt" on Debian, not its alias "webcache").
 *
 * Both files are read once, into a string pool, an open-addressing table
 * of addresses and two arrays indexed by port, so that a lookup costs a
 * few memory reads. This file never sends a DNS query and never prints.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/io/names.h"

#define NPORTS 65536

struct host_slot {
	uint32_t addr; /* host byte order */
	uint32_t name; /* offset in the pool; 0 for an empty slot */
};

/* A name read back to its number: a host name or alias to its address,
 * a TCP service name or alias to its port. */
struct name_ent {
	uint32_t name; /* offset in the pool */
	uint32_t val;  /* a port, an IPv4 address or an index in hosts6 */
	bool tcp;      /* a TCP service; else a host */
	bool v6;       /* a host of an IPv6 line: val indexes hosts6 */
};

/* An IPv6 address and its name. Hosts files hold few of them, so they are
 * kept in file order and searched one by one. */
struct host6_ent {
	uint8_t addr[16];
	uint32_t name; /* offset in the pool */
};

struct names {
	char *pool; /* NUL-terminated names; offset 0 holds "" */
	size_t pool_len, pool_cap;
	struct name_ent *byname; /* in file order: the first one wins */
	size_t nbyname, byname_cap;
	struct host_slot *hosts; /* hosts_cap is a power of two */
	size_t hosts_cap, hosts_count;
	struct host6_ent *hosts6;
	size_t nhosts6, hosts6_cap;
	uint32_t *tcp; /* per port: a pool offset, 0 for none */
	uint32_t *udp;
};

/*
 * Adds s[0..len) to the pool; returns its offset, or 0 when out of memory
 * (offset 0 is the empty string that names_open() puts first).
 */
static uint32_t pool_add(struct names *nm, const char *s, size_t len)
{
	uint32_t off;

	if (nm->pool_len + len + 1 > nm->pool_cap) {
		size_t cap = nm->pool_cap * 2 + len + 1;
		char *p = realloc(nm->pool, cap);

		if (p == NULL)
			return 0;
		nm->pool = p;
		nm->pool_cap = cap;
	}
	off = (uint32_t)nm->pool_len;
	memcpy(nm->pool + off, s, len);
	nm->pool[off + len] = '\0';
	nm->pool_len += len + 1;
	return off;
}

static size_t host_hash(uint32_t addr, size_t cap)
{
	/* Fibonacci hashing spreads addresses that differ in few bits. */
	return (size_t)((addr * 2654435769u) >> 7) & (cap - 1);
}

static struct host_slot *host_find(const struct names *nm, uint32_t addr)
{
	size_t i;

	if (nm->hosts_cap == 0)
		return NULL;
	i = host_hash(addr, nm->hosts_cap);
	while (nm->hosts[i].name != 0) {
		if (nm->hosts[i].addr == addr)
			return &nm->hosts[i];
		i = (i + 1) & (nm->hosts_cap - 1);
	}
	return &nm->hosts[i];
}

static int hosts_grow(struct names *nm)
{
	size_t cap = nm->hosts_cap ? nm->hosts_cap * 2 : 64;
	struct host_slot *old = nm->hosts;
	size_t old_cap = nm->hosts_cap, i;

	nm->hosts = calloc(cap, sizeof(*nm->hosts));
	if (nm->hosts == NULL) {
		nm->hosts = old;
		return -1;
	}
	nm->hosts_cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i].name != 0)
			*host_find(nm, old[i].addr) = old[i];
	free(old);
	return 0;
}

/* Records addr's name unless an earlier line already named it. */
static int host_add(struct names *nm, uint32_t addr, const char *name,
                    size_t len)
{
	struct host_slot *slot;

	if ((nm->hosts_count + 1) * 2 > nm->hosts_cap && hosts_grow(nm) < 0)
		return -1;
	slot = host_find(nm, addr);
	if (slot->name != 0)
		return 0;
	slot->name = pool_add(nm, name, len);
	if (slot->name == 0)
		return -1;
	slot->addr = addr;
	nm->hosts_count++;
	return 0;
}

/* Remembers that name[0..len) stands for val, for the reverse lookups. */
static int byname_add(struct names *nm, const char *name, size_t len,
                      uint32_t val, bool tcp, bool v6)
{
	struct name_ent *e;

	if (nm->nbyname == nm->byname_cap) {
		size_t cap = nm->byname_cap ? nm->byname_cap * 2 : 256;

		e = realloc(nm->byname, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		nm->byname = e;
		nm->byname_cap = cap;
	}
	e = &nm->byname[nm->nbyname];
	e->name = pool_add(nm, name, len);
	if (e->name == 0)
		return -1;
	e->val = val;
	e->tcp = tcp;
	e->v6 = v6;
	nm->nbyname++;
	return 0;
}

/* Cuts a line at '#' and splits it into at most max words. */
static int split_words(char *line, char **w, size_t *wlen, int max)
{
	char *p = line;
	int n = 0;

	p[strcspn(p, "#\n")] = '\0';
	while (n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		w[n] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		wlen[n] = (size_t)(p - w[n]);
		n++;
	}
	return n;
}

#define LINE_WORDS 32

/* An IPv6 line: its address takes the canonical name, unless an earlier
 * line named it. Returns the address's index in hosts6, or -1. */
static long host6_add(struct names *nm, const struct in6_addr *a,
                      const char *name, size_t len)
{
	struct host6_ent *e;
	size_t i;

	for (i = 0; i < nm->nhosts6; i++)
		if (memcmp(nm->hosts6[i].addr, a->s6_addr, 16) == 0)
			return (long)i;
	if (nm->nhosts6 == nm->hosts6_cap) {
		size_t cap = nm->hosts6_cap ? nm->hosts6_cap * 2 : 16;
		struct host6_ent *p = realloc(nm->hosts6, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		nm->hosts6 = p;
		nm->hosts6_cap = cap;
	}
	e = &nm->hosts6[nm->nhosts6];
	memcpy(e->addr, a->s6_addr, 16);
	if ((e->name = pool_add(nm, name, len)) == 0)
		return -1;
	return (long)nm->nhosts6++;
}

/* "ADDRESS CANONICAL-NAME [ALIASES...]". The canonical name is what an
 * address prints as; every name of a line reads back to its address. */
static int hosts_line(struct names *nm, char *line)
{
	char *w[LINE_WORDS];
	size_t wl[LINE_WORDS];
	struct in_addr in;
	struct in6_addr in6;
	int n, i;

	if ((n = split_words(line, w, wl, LINE_WORDS)) < 2)
		return 0;
	w[0][wl[0]] = '\0';
	if (strchr(w[0], ':') != NULL && inet_pton(AF_INET6, w[0], &in6) == 1) {
		long k = host6_add(nm, &in6, w[1], wl[1]);

		for (i = 1; k >= 0 && i < n; i++)
			if (byname_add(nm, w[i], wl[i], (uint32_t)k, false,
			               true) < 0)
				return -1;
		return k >= 0 ? 0 : -1;
	}
	if (inet_aton(w[0], &in) == 0)
		return 0;
	for (i = 1; i < n; i++)
		if (byname_add(nm, w[i], wl[i], ntohl(in.s_addr), false,
		               false) < 0)
			return -1;
	return host_add(nm, ntohl(in.s_addr), w[1], wl[1]);
}

/* "NAME PORT/PROTOCOL [ALIASES...]": the first entry for a port wins. */
static int services_line(struct names *nm, char *line)
{
	char *w[LINE_WORDS], *slash, *end;
	size_t wl[LINE_WORDS];
	unsigned long port;
	uint32_t *table, off;
	int n, i;

	if ((n = split_words(line, w, wl, LINE_WORDS)) < 2)
		return 0;
	w[1][wl[1]] = '\0';
	slash = strchr(w[1], '/');
	if (slash == NULL || !isdigit((unsigned char)w[1][0]))
		return 0;
	port = strtoul(w[1], &end, 10);
	if (end != slash || port >= NPORTS)
		return 0;
	if (strcmp(slash + 1, "tcp") == 0)
		table = nm->tcp;
	else if (strcmp(slash + 1, "udp") == 0)
		table = nm->udp;
	else
		return 0;
	if (table == nm->tcp)
		for (i = 0; i < n; i++)
			if (i != 1 &&
			    byname_add(nm, w[i], wl[i], (uint32_t)port, true,
			               false) < 0)
				return -1;
	if (table[port] != 0)
		return 0;
	off = pool_add(nm, w[0], wl[0]);
	if (off == 0)
		return -1;
	table[port] = off;
	return 0;
}

/* Feeds each line of the file at path to fn; a missing file is empty. */
static int read_lines(struct names *nm, const char *path,
                      int (*fn)(struct names *, char *))
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (f == NULL)
		return 0;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL)
		rc = fn(nm, line);
	fclose(f);
	return rc;
}

static const char *env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v != NULL && *v != '\0' ? v : dflt;
}

struct names *names_open(void)
{
	struct names *nm = calloc(1, sizeof(*nm));

	if (nm == NULL)
		return NULL;
	nm->tcp = calloc(NPORTS, sizeof(*nm->tcp));
	nm->udp = calloc(NPORTS, sizeof(*nm->udp));
	nm->pool_cap = 4096;
	nm->pool = malloc(nm->pool_cap);
	if (nm->tcp == NULL || nm->udp == NULL || nm->pool == NULL)
		goto fail;
	/* Offset 0 holds "", so that 0 can mean "no name". */
	nm->pool[0] = '\0';
	nm->pool_len = 1;
	if (read_lines(nm, env_or("TCPLAB_HOSTS", "/etc/hosts"), hosts_line) <
	    0)
		goto fail;
	if (read_lines(nm, env_or("TCPLAB_SERVICES", "/etc/services"),
	               services_line) < 0)
		goto fail;
	/* Local time follows TZ, as tcpdump's does. */
	tzset();
	return nm;
fail:
	names_close(nm);
	return NULL;
}

void names_close(struct names *nm)
{
	if (nm == NULL)
		return;
	free(nm->pool);
	free(nm->byname);
	free(nm->hosts);
	free(nm->hosts6);
	free(nm->tcp);
	free(nm->udp);
	free(nm);
}

const char *names_host(const struct names *nm, uint32_t addr)
{
	const struct host_slot *slot = host_find(nm, addr);

	return slot != NULL && slot->name != 0 ? nm->pool + slot->name : NULL;
}

const char *names_host6(const struct names *nm, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < nm->nhosts6; i++)
		if (memcmp(nm->hosts6[i].addr, addr, 16) == 0)
			return nm->pool + nm->hosts6[i].name;
	return NULL;
}

const char *names_tcp_port(const struct names *nm, uint16_t port)
{
	return nm->tcp[port] != 0 ? nm->pool + nm->tcp[port] : NULL;
}

const char *names_udp_port(const struct names *nm, uint16_t port)
{
	return nm->udp[port] != 0 ? nm->pool + nm->udp[port] : NULL;
}

/* The first entry of the kind asked for whose name matches, ignoring case
 * as the resolver does. For hosts, family 4 or 6 takes only lines of that
 * family, 0 either. */
static const struct name_ent *
byname_find(const struct names *nm, const char *name, bool tcp, int family)
{
	const struct name_ent *e;
	size_t i;

	for (i = 0; i < nm->nbyname; i++) {
		e = &nm->byname[i];
		if (e->tcp != tcp || (!tcp && family == 4 && e->v6) ||
		    (!tcp && family == 6 && !e->v6))
			continue;
		if (strcasecmp(nm->pool + e->name, name) == 0)
			return e;
	}
	return NULL;
}

int names_host_addr(const struct names *nm, const char *name, uint32_t *addr)
{
	const struct name_ent *e = byname_find(nm, name, false, 4);

	if (e == NULL)
		return -1;
	*addr = e->val;
	return 0;
}

int names_host_ip(const struct names *nm, const char *name, int family,
                  struct ipaddr *addr)
{
	const struct name_ent *e = byname_find(nm, name, false, family);

	if (e == NULL)
		return -1;
	if (e->v6)
		memcpy(addr->b, nm->hosts6[e->val].addr, 16);
	else
		*addr = ipaddr_of4(e->val);
	return 0;
}

int names_tcp_port_num(const struct names *nm, const char *name, uint16_t *port)
{
	const struct name_ent *e = byname_find(nm, name, true, 0);

	if (e == NULL)
		return -1;
	*port = (uint16_t)e->val;
	return 0;
}

static const char *res_host(void *arg, uint32_t addr)
{
	return names_host(arg, addr);
}

static const char *res_host6(void *arg, const uint8_t *addr)
{
	return names_host6(arg, addr);
}

static const char *res_tcp_port(void *arg, uint16_t port)
{
	return names_tcp_port(arg, port);
}

static int res_local_time(void *arg, int64_t sec, struct tm *out)
{
	time_t t = (time_t)sec;

	(void)arg;
	return localtime_r(&t, out) != NULL ? 0 : -1;
}

void names_resolver(struct names *nm, struct tcpdump_resolver *res)
{
	res->host = res_host;
	res->host6 = res_host6;
	res->tcp_port = res_tcp_port;
	res->local_time = res_local_time;
	res->arg = nm;
}
