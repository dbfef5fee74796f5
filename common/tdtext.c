/*
 * tdtext.c: reads tcpdump's text back into segments (see tdtext.h).
 *
 * Each line is first tried as the start of a packet (a timestamp or none,
 * maybe a link-layer prefix, then "IP "); then as the TCP line that
 * follows a -v IP line; then as a TCP line that starts a packet without
 * "IP " (a timestamp or none, then "SRC > DST: Flags [", as articles quote
 * tcpdump); then as a payload line of the packet being read (HTTP lines);
 * anything else is stray text. A packet is complete when the
 * next one starts or the input ends. The parsing works on a cursor over
 * the line and never reads outside it.
 *
 * This module must never do I/O, allocate or keep global state.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/seq.h"
#include "common/tdtext.h"
#include "common/tr.h"

/* A cursor over one line. */
struct cur {
	const char *p, *e;
};

static void skip_sp(struct cur *c)
{
	while (c->p < c->e && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->e - c->p) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A decimal number that fits in 32 bits. */
static bool num(struct cur *c, uint32_t *v)
{
	uint64_t x = 0;
	const char *start = c->p;

	while (c->p < c->e && is_digit(*c->p)) {
		x = x * 10 + (uint64_t)(*c->p - '0');
		if (x > 0xffffffffu)
			return false;
		c->p++;
	}
	*v = (uint32_t)x;
	return c->p > start;
}

/* Exactly n digits. */
static bool digits(struct cur *c, unsigned n, uint32_t *v)
{
	unsigned i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (c->p >= c->e || !is_digit(*c->p))
			return false;
		*v = *v * 10 + (uint32_t)(*c->p++ - '0');
	}
	return true;
}

static bool hexnum(struct cur *c, uint32_t *v)
{
	const char *start = c->p;

	*v = 0;
	while (c->p < c->e && c->p - start < 8) {
		char ch = *c->p;

		if (is_digit(ch))
			*v = *v * 16 + (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			*v = *v * 16 + (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			*v = *v * 16 + (uint32_t)(ch - 'A' + 10);
		else
			break;
		c->p++;
	}
	return c->p > start;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The fraction after the seconds: 6 digits, or 9 (nanoseconds). */
static bool fraction(struct cur *c, uint32_t *usec)
{
	uint32_t v;
	struct cur save = *c;

	if (!lit(c, "."))
		return false;
	if (digits(c, 9, &v) && (c->p == c->e || !is_digit(*c->p))) {
		*usec = v / 1000;
		return true;
	}
	*c = save;
	c->p++;
	return digits(c, 6, usec);
}

/* "HH:MM:SS.ffffff" (also -ttt's deltas) as seconds of the day. */
static bool time_of_day(struct cur *c, int64_t *sec, uint32_t *usec)
{
	uint32_t h, m, s;

	if (!digits(c, 2, &h) || !lit(c, ":") || !digits(c, 2, &m) ||
	    !lit(c, ":") || !digits(c, 2, &s) || !fraction(c, usec))
		return false;
	*sec = (int64_t)h * 3600 + m * 60 + s;
	return true;
}

/* Any of tcpdump's timestamp forms, followed by a space; or none. */
static void timestamp(struct cur *c, struct tdtext_pkt *pk)
{
	struct cur t = *c;
	uint32_t y, mo, d, v;
	int64_t sec;

	if (digits(&t, 4, &y) && lit(&t, "-") && digits(&t, 2, &mo) &&
	    lit(&t, "-") && digits(&t, 2, &d) && lit(&t, " ") &&
	    time_of_day(&t, &sec, &pk->usec) && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= 31) {
		pk->sec = days_from_civil(y, mo, d) * 86400 + sec;
		pk->has_time = true;
		*c = t;
		return;
	}
	t = *c;
	if (time_of_day(&t, &pk->sec, &pk->usec)) {
		pk->has_time = true;
		*c = t;
		return;
	}
	t = *c;
	if (num(&t, &v) && t.p - c->p >= 9 && fraction(&t, &pk->usec)) {
		pk->sec = v;
		pk->has_time = true;
		*c = t;
	}
}

/* Moves the cursor past "IP " or "IP6 " at the start or after a link prefix
 * such as "lo    In  ". Returns 4 or 6, or 0 when the line has neither near
 * its start. */
static int find_ip(struct cur *c)
{
	const char *q;

	if (lit(c, "IP "))
		return 4;
	if (lit(c, "IP6 "))
		return 6;
	for (q = c->p; q + 5 <= c->e && q < c->p + 48; q++) {
		if (memcmp(q, " IP ", 4) == 0) {
			c->p = q + 4;
			return 4;
		}
		if (memcmp(q, " IP6 ", 5) == 0) {
			c->p = q + 5;
			return 6;
		}
	}
	return 0;
}

/*
 * Whether the cursor is at "SRC > DST: " and an IPv6 extension header as
 * tcpdump names it without -v ("HBH ", "DSTOPT ", "srcrt (", "frag ("):
 * the addresses have no ports, which come after the headers.
 */
static bool ip6_ext_text(const struct cur *c)
{
	static const char *const names[] = {"HBH ", "DSTOPT ", "srcrt (",
	                                    "frag ("};
	const char *q = c->p;
	size_t i, n;

	while (q + 3 <= c->e && memcmp(q, " > ", 3) != 0)
		q++;
	while (q + 2 <= c->e && (q[0] != ':' || q[1] != ' '))
		q++;
	if (q + 2 > c->e)
		return false;
	q += 2;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if ((size_t)(c->e - q) >= n && memcmp(q, names[i], n) == 0)
			return true;
	}
	return false;
}

/* Moves past the rest of a field of an IP header in parentheses, to the
 * next one or to the closing parenthesis (a "(6)" inside is passed over). */
static void next_field(struct cur *c)
{
	while (c->p < c->e && *c->p != ',' && *c->p != ')') {
		if (*c->p == '(')
			while (c->p < c->e && *c->p != ')')
				c->p++;
		if (c->p < c->e)
			c->p++;
	}
	if (c->p < c->e && *c->p == ',')
		c->p++;
}

/* "(class 0xb8, flowlabel 0xcdef1, hlim 64, next-header TCP (6) payload
 * length: 40) ": the IPv6 header of -v. Returns 1 when TCP follows it
 * directly, 0 for anything else, -1 when the text is not such a header. */
static int ip6_header(struct cur *c, struct seg *s)
{
	uint32_t v;
	int tcp = -1;

	if (!lit(c, "("))
		return -1;
	while (c->p < c->e && *c->p != ')') {
		skip_sp(c);
		if (lit(c, "class 0x") && hexnum(c, &v))
			s->ip_tos = (uint8_t)v;
		else if (lit(c, "flowlabel 0x") && hexnum(c, &v))
			s->ip6_flow = v & 0xfffff;
		else if (lit(c, "hlim ") && num(c, &v))
			s->ip_ttl = (uint8_t)v;
		else if (lit(c, "next-header TCP (6) payload length: ") &&
		         num(c, &v)) {
			s->ip_len = (uint16_t)v;
			tcp = 1;
		} else if (lit(c, "next-header ")) {
			tcp = 0;
		}
		next_field(c);
	}
	if (c->p >= c->e)
		return -1;
	c->p++;
	return tcp;
}

/* "(tos 0x0, ttl 64, id 40563, offset 0, flags [DF], proto TCP (6),
 * length 60)": the fields of the IPv4 header. Returns 1 for TCP, 0 for
 * another protocol, -1 when the text is not such a header. */
static int ip_header(struct cur *c, struct seg *s)
{
	uint32_t v;
	int tcp = -1;

	if (!lit(c, "("))
		return -1;
	while (c->p < c->e && *c->p != ')') {
		skip_sp(c);
		if (lit(c, "tos 0x") && hexnum(c, &v))
			s->ip_tos = (uint8_t)v;
		else if (lit(c, "ttl ") && num(c, &v))
			s->ip_ttl = (uint8_t)v;
		else if (lit(c, "id ") && num(c, &v))
			s->ip_id = (uint16_t)v;
		else if (lit(c, "flags [")) {
			s->ip_off = 0;
			if (c->e - c->p >= 2 && memcmp(c->p, "DF", 2) == 0)
				s->ip_off |= IP_DF;
		} else if (lit(c, "proto TCP (6)"))
			tcp = 1;
		else if (lit(c, "proto "))
			tcp = 0;
		else if (lit(c, "length ") && num(c, &v))
			s->ip_len = (uint16_t)v;
		next_field(c);
	}
	if (c->p >= c->e)
		return -1;
	c->p++;
	return tcp;
}

/* Well-known port names, for text from a machine whose /etc/services
 * differs from ours (CentOS names 8080 "webcache"). */
static const struct {
	const char *name;
	uint16_t port;
} known_ports[] = {
        {"http", 80},   {"https", 443}, {"http-alt", 8080}, {"webcache", 8080},
        {"ssh", 22},    {"ftp", 21},    {"telnet", 23},     {"smtp", 25},
        {"domain", 53}, {"pop3", 110},  {"imap", 143},      {"discard", 9},
};

/* A made-up address in 240.0.0.0/8 (or port from 60000 on) for a label
 * nobody can resolve; the same label always gets the same number. */
static uint32_t opaque(struct tdtext_ctx *ctx, const char *name)
{
	unsigned i;

	for (i = 0; i < ctx->nlabels; i++)
		if (strcmp(ctx->labels[i].name, name) == 0)
			return ctx->labels[i].addr;
	if (ctx->nlabels == TDTEXT_LABELS)
		return 0xf0ffffffu; /* the table is full: one shared label */
	snprintf(ctx->labels[i].name, TDTEXT_LABEL_LEN, "%s", name);
	ctx->labels[i].addr = 0xf0000001u + i;
	ctx->nlabels++;
	return ctx->labels[i].addr;
}

static bool dotted_quad(const char *s, uint32_t *addr)
{
	struct cur c = {s, s + strlen(s)};
	uint32_t v, a = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && !lit(&c, "."))
			return false;
		if (!num(&c, &v) || v > 255)
			return false;
		a = a << 8 | v;
	}
	*addr = a;
	return c.p == c.e;
}

/* An address as printed: an IPv6 address, a dotted quad, a name the
 * lookups know, or a label that stands for itself. */
static struct ipaddr host_addr(struct tdtext_ctx *ctx, const char *name)
{
	struct ipaddr a6;
	uint32_t a;

	if (strchr(name, ':') != NULL && inet_pton(AF_INET6, name, a6.b) == 1)
		return a6;
	if (dotted_quad(name, &a))
		return ipaddr_of4(a);
	if (ctx->names.host && ctx->names.host(ctx->names.arg, name, &a) == 0)
		return ipaddr_of4(a);
	return ipaddr_of4(opaque(ctx, name));
}

static uint16_t port_num(struct tdtext_ctx *ctx, const char *name)
{
	struct cur c = {name, name + strlen(name)};
	char key[TDTEXT_LABEL_LEN + 8];
	uint16_t p;
	uint32_t v;
	size_t i;

	if (num(&c, &v) && c.p == c.e && v <= 65535)
		return (uint16_t)v;
	if (ctx->names.port && ctx->names.port(ctx->names.arg, name, &p) == 0)
		return p;
	for (i = 0; i < sizeof(known_ports) / sizeof(known_ports[0]); i++)
		if (strcmp(known_ports[i].name, name) == 0)
			return known_ports[i].port;
	snprintf(key, sizeof(key), "port:%s", name);
	return (uint16_t)(60000 + (opaque(ctx, key) & 0xfff) % 5000);
}

/* "host.port" up to the end of the cursor: host and port split at the
 * last dot. */
static bool endpoint(struct tdtext_ctx *ctx, const char *b, const char *e,
                     char *host, struct ipaddr *addr, uint16_t *port)
{
	char portname[TDTEXT_LABEL_LEN];
	const char *dot = NULL, *q;
	size_t hl, pl;

	for (q = b; q < e; q++)
		if (*q == '.')
			dot = q;
	if (dot == NULL || dot == b || dot + 1 == e)
		return false;
	hl = (size_t)(dot - b);
	pl = (size_t)(e - dot - 1);
	if (hl >= TDTEXT_LABEL_LEN || pl >= TDTEXT_LABEL_LEN)
		return false;
	memcpy(host, b, hl);
	host[hl] = '\0';
	memcpy(portname, dot + 1, pl);
	portname[pl] = '\0';
	*addr = host_addr(ctx, host);
	*port = port_num(ctx, portname);
	return true;
}

/* "SRC > DST: ". An IPv6 address on both sides makes the segment IPv6
 * (a made-up label stands for an IPv4 address, and fits either). */
static bool endpoints(struct tdtext_ctx *ctx, struct cur *c,
                      struct tdtext_pkt *pk)
{
	const char *gt = NULL, *colon = NULL, *q;
	struct ipaddr sa, da;

	for (q = c->p; q + 3 <= c->e; q++)
		if (memcmp(q, " > ", 3) == 0) {
			gt = q;
			break;
		}
	if (gt == NULL)
		return false;
	for (q = gt + 3; q + 2 <= c->e; q++)
		if (q[0] == ':' && q[1] == ' ') {
			colon = q;
			break;
		}
	if (colon == NULL)
		return false;
	if (!endpoint(ctx, c->p, gt, pk->src_host, &sa, &pk->seg.sport) ||
	    !endpoint(ctx, gt + 3, colon, pk->dst_host, &da, &pk->seg.dport))
		return false;
	if (pk->seg.ip_v == 6 || !ipaddr_is4(&sa) || !ipaddr_is4(&da)) {
		pk->seg.ip_v = 6;
		pk->seg.ip_off = 0;
		memcpy(pk->seg.saddr6, sa.b, 16);
		memcpy(pk->seg.daddr6, da.b, 16);
	} else {
		pk->seg.saddr = ipaddr_v4(&sa);
		pk->seg.daddr = ipaddr_v4(&da);
	}
	c->p = colon + 2;
	return true;
}

static bool flags(struct cur *c, uint16_t *fl)
{
	static const char letters[] = "FSRP.UEW";
	static const uint16_t bits[] = {TH_FIN, TH_SYN, TH_RST, TH_PSH,
	                                TH_ACK, TH_URG, TH_ECE, TH_CWR};
	const char *k;

	*fl = 0;
	if (!lit(c, "Flags ["))
		return false;
	if (lit(c, "none]"))
		return true;
	while (c->p < c->e && *c->p != ']') {
		k = strchr(letters, *c->p);
		if (k == NULL || *c->p == '\0')
			return false;
		*fl |= bits[k - letters];
		c->p++;
	}
	return lit(c, "]");
}

/* "sack 2 {1001:2001}{3001:4001}" */
static void opt_sack(struct cur *c, struct seg *s)
{
	struct seg_sack b[SEG_SACK_MAX];
	uint32_t n, i = 0;

	if (!num(c, &n))
		return;
	skip_sp(c);
	while (i < SEG_SACK_MAX && lit(c, "{") && num(c, &b[i].left) &&
	       lit(c, ":") && num(c, &b[i].right) && lit(c, "}"))
		i++;
	if (i > 0)
		seg_opt_sack(s, b, i);
}

/* One option of "options [...]": appended in the order printed. */
static void option(struct cur *c, struct seg *s)
{
	uint32_t a, b;

	if (lit(c, "nop"))
		seg_opt_nop(s);
	else if (lit(c, "eol"))
		seg_opt_eol(s);
	else if (lit(c, "mss ") && num(c, &a))
		seg_opt_mss(s, (uint16_t)a);
	else if (lit(c, "wscale ") && num(c, &a))
		seg_opt_wscale(s, (uint8_t)(a > 14 ? 14 : a));
	else if (lit(c, "sackOK"))
		seg_opt_sackok(s);
	else if (lit(c, "TS val ") && num(c, &a) && lit(c, " ecr ") &&
	         num(c, &b))
		seg_opt_ts(s, a, b);
	else if (lit(c, "sack "))
		opt_sack(c, s);
}

/* "options [...]": up to the matching ']'. */
static void options(struct cur *c, struct seg *s)
{
	const char *end = c->p;
	int depth = 1;
	struct cur o;

	while (end < c->e && depth > 0) {
		if (*end == '[')
			depth++;
		else if (*end == ']')
			depth--;
		if (depth > 0)
			end++;
	}
	o.p = c->p;
	o.e = end;
	while (o.p < o.e) {
		struct cur one = o;
		const char *comma = memchr(o.p, ',', (size_t)(o.e - o.p));

		one.e = comma ? comma : o.e;
		option(&one, s);
		o.p = comma ? comma + 1 : o.e;
	}
	c->p = end < c->e ? end + 1 : end;
}

/* ", cksum 0x4b9e (incorrect -> 0xdc83)" */
static void cksum(struct cur *c, struct tdtext_pkt *pk)
{
	uint32_t v, good;

	if (!hexnum(c, &v))
		return;
	pk->seg.sum = (uint16_t)v;
	if (lit(c, " (correct)")) {
		pk->cksum = ANNOT_CKSUM_OK;
	} else if (lit(c, " (incorrect -> 0x") && hexnum(c, &good)) {
		pk->cksum = ANNOT_CKSUM_BAD;
		pk->cksum_good = (uint16_t)good;
	}
	/* The rest of the parenthesis, e.g. ")" or "unverified)". */
	if (lit(c, " ("))
		while (c->p < c->e && *c->p != ')')
			c->p++;
	lit(c, ")");
}

/*
 * The fields after the flags, in tcpdump's order. Returns 1 when the line
 * ended with ": HTTP, length: N" (HTTP lines follow), 0 otherwise, -1 when
 * "length" is missing.
 */
static int tcp_fields(struct cur *c, struct tdtext_pkt *pk)
{
	struct seg *s = &pk->seg;
	uint32_t v, end;

	while (c->p < c->e) {
		if (!lit(c, ", "))
			return -1;
		if (lit(c, "cksum 0x"))
			cksum(c, pk);
		else if (lit(c, "seq ") && num(c, &s->seq)) {
			pk->has_seq = true;
			if (lit(c, ":"))
				num(c, &end);
		} else if (lit(c, "ack ") && num(c, &s->ack))
			;
		else if (lit(c, "win ") && num(c, &v))
			s->win = (uint16_t)v;
		else if (lit(c, "urg ") && num(c, &v))
			s->urp = (uint16_t)v;
		else if (lit(c, "options ["))
			options(c, s);
		else if (lit(c, "length ") && num(c, &v)) {
			s->payload_len = v;
			return lit(c, ": HTTP, length: ") ? 1 : 0;
		} else
			return -1;
	}
	return -1;
}

static int msg(struct tdtext_msg *m, unsigned line, int kind, const char *text)
{
	m->line = line;
	snprintf(m->text, sizeof(m->text), "%s", text);
	return kind;
}

/* The TCP part of a packet: "SRC > DST: Flags [...], ...". Returns 0, or
 * TDTEXT_SKIP / TDTEXT_BAD with *m filled. */
static int tcp_part(struct tdtext_ctx *ctx, struct cur *c,
                    struct tdtext_pkt *pk, struct tdtext_msg *m)
{
	int http;

	skip_sp(c);
	if (!endpoints(ctx, c, pk))
		return msg(m, ctx->line, TDTEXT_BAD,
		           N_("no 'SRC.PORT > DST.PORT: ' where a packet should "
		           "start"));
	if (lit(c, "tcp ") || (c->p < c->e && *c->p == ' '))
		return msg(m, ctx->line, TDTEXT_SKIP,
		           N_("TCP header tcpdump could not print: skipped"));
	if (!flags(c, &pk->seg.flags))
		return msg(m, ctx->line, TDTEXT_SKIP,
		           N_("not a TCP segment: skipped"));
	http = tcp_fields(c, pk);
	if (http < 0)
		return msg(m, ctx->line, TDTEXT_SKIP,
		           N_("TCP line without a readable length (damaged or cut "
		           "short): skipped"));
	ctx->in_http = http == 1;
	return 0;
}

/* The ISN table: tcpdump's relative numbers turned back into absolute. */
static struct tdtext_conn *conn_get(struct tdtext_ctx *ctx, const struct seg *s,
                                    int *src, bool create)
{
	struct ipaddr sa = seg_src(s), da = seg_dst(s);
	struct tdtext_conn *e;
	unsigned i;

	for (i = 0; i < TDTEXT_CONNS; i++) {
		e = &ctx->conns[i];
		if (!e->used)
			continue;
		/* tcpdump keeps IPv4 and IPv6 apart, even between an IPv4
		 * address and its IPv4-mapped IPv6 form. */
		if (e->ip_v != s->ip_v)
			continue;
		if (e->port[0] == s->sport && e->port[1] == s->dport &&
		    ipaddr_eq(&e->addr[0], &sa) &&
		    ipaddr_eq(&e->addr[1], &da)) {
			*src = 0;
			return e;
		}
		if (e->port[1] == s->sport && e->port[0] == s->dport &&
		    ipaddr_eq(&e->addr[1], &sa) &&
		    ipaddr_eq(&e->addr[0], &da)) {
			*src = 1;
			return e;
		}
	}
	if (!create)
		return NULL;
	e = &ctx->conns[ctx->next_conn];
	ctx->next_conn = (ctx->next_conn + 1) % TDTEXT_CONNS;
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->ip_v = s->ip_v;
	e->addr[0] = sa, e->port[0] = s->sport;
	e->addr[1] = da, e->port[1] = s->dport;
	*src = 0;
	return e;
}

/* Whether v was printed absolute: near the ISN and not a small number. */
static bool looks_absolute(uint32_t v, uint32_t isn)
{
	return v >= 0x1000000u && seq_in_window(v, isn, isn + 0x1000000u);
}

/* tcpdump's rules (TCPDUMP-FORMAT.md 6): only ACK-bearing packets are
 * relative; a SYN-ACK or the first ACK of a pair sets the bases and is
 * itself printed absolute. */
static void absolutize(struct tdtext_pkt *pk, struct tdtext_conn *e, int src)
{
	struct seg *s = &pk->seg;
	int i;

	if (!(s->flags & TH_ACK))
		return;
	if (!e->has_isn || (s->flags & TH_SYN)) {
		/* Printed absolute: it sets the bases. A bare ACK without seq
		 * takes the sender's next number. */
		if (!pk->has_seq && e->nxt_valid[src])
			s->seq = e->nxt[src];
		e->isn[src] = s->seq;
		e->isn[!src] = s->ack - 1;
		e->has_isn = true;
		return;
	}
	if ((!pk->has_seq || looks_absolute(s->seq, e->isn[src])) &&
	    looks_absolute(s->ack, e->isn[!src]))
		return; /* printed with -S */
	if (pk->has_seq)
		s->seq += e->isn[src];
	s->ack += e->isn[!src];
	for (i = 0; i < s->sack_count; i++) {
		s->sack[i].left += e->isn[!src];
		s->sack[i].right += e->isn[!src];
	}
	pk->relative = true;
}

/* Absolute numbers for a packet, and the seq a bare ACK did not show:
 * the sender's next sequence number. */
static void numbers(struct tdtext_ctx *ctx, struct tdtext_pkt *pk)
{
	struct seg *s = &pk->seg;
	struct tdtext_conn *e;
	uint32_t end;
	int src;

	e = conn_get(ctx, s, &src, true);
	absolutize(pk, e, src);
	if (!pk->has_seq && e->nxt_valid[src])
		s->seq = e->nxt[src];
	end = s->seq + (uint32_t)s->payload_len +
	      ((s->flags & TH_SYN) ? 1 : 0) + ((s->flags & TH_FIN) ? 1 : 0);
	if ((pk->has_seq || e->nxt_valid[src]) && !(s->flags & TH_RST) &&
	    (!e->nxt_valid[src] || seq_gt(end, e->nxt[src]))) {
		e->nxt[src] = end;
		e->nxt_valid[src] = true;
	}
}

/* Hands out the packet being read, if there is one. */
static int complete(struct tdtext_ctx *ctx, struct tdtext_pkt *out)
{
	bool had = ctx->pending && !ctx->wait_tcp;

	ctx->pending = false;
	ctx->wait_tcp = false;
	ctx->in_http = false;
	if (!had)
		return 0;
	*out = ctx->cur;
	numbers(ctx, out);
	return TDTEXT_PKT;
}

static void start_pkt(struct tdtext_ctx *ctx, const struct tdtext_pkt *t)
{
	ctx->cur = *t;
	ctx->cur.first_line = ctx->line;
	ctx->cur.last_line = ctx->line;
	ctx->pending = true;
}

/* A packet that a line may start: empty, and its timestamp, if the line
 * has one, read. */
static void pkt_begin(struct cur *c, struct tdtext_pkt *t)
{
	memset(t, 0, sizeof(*t));
	seg_init(&t->seg);
	t->seg.ip_off = 0;
	t->cksum = ANNOT_CKSUM_UNKNOWN;
	skip_sp(c);
	timestamp(c, t);
	skip_sp(c);
}

/* A line that starts a packet. Returns -1 when it does not start one. */
static int packet_line(struct tdtext_ctx *ctx, struct cur *c,
                       struct tdtext_pkt *out, struct tdtext_msg *m)
{
	struct tdtext_pkt t;
	int rc, ip, v;

	pkt_begin(c, &t);
	if ((v = find_ip(c)) == 0)
		return -1;
	rc = complete(ctx, out);
	ctx->skipping = false;
	if (v == 6) {
		t.seg.ip_v = 6;
		if (c->p < c->e && *c->p == '(') {
			t.verbose = true;
			ip = ip6_header(c, &t.seg);
			if (ip < 0)
				return rc | msg(m, ctx->line, TDTEXT_BAD,
				                N_("unreadable IPv6 header in "
				                   "parentheses"));
			if (ip == 0) {
				ctx->skipping = true;
				return rc |
				       msg(m, ctx->line, TDTEXT_SKIP,
				           N_("IPv6 with extension headers, or "
				              "not TCP: skipped"));
			}
			skip_sp(c);
		} else if (ip6_ext_text(c)) {
			ctx->skipping = true;
			return rc | msg(m, ctx->line, TDTEXT_SKIP,
			                N_("IPv6 with extension headers, or "
			                   "not TCP: skipped"));
		}
		start_pkt(ctx, &t);
		ctx->wait_tcp = false;
		if ((ip = tcp_part(ctx, c, &ctx->cur, m)) != 0)
			ctx->pending = false;
		return rc | ip;
	}
	if (c->p < c->e && *c->p == '(') {
		t.verbose = true;
		ip = ip_header(c, &t.seg);
		if (ip < 0)
			return rc | msg(m, ctx->line, TDTEXT_BAD,
			                N_("unreadable IP header in parentheses"));
		if (ip == 0) {
			ctx->skipping = true;
			return rc | msg(m, ctx->line, TDTEXT_SKIP,
			                N_("IPv4 but not TCP: skipped"));
		}
		start_pkt(ctx, &t);
		skip_sp(c);
		ctx->wait_tcp = c->p >= c->e;
		if (ctx->wait_tcp)
			return rc;
	} else {
		start_pkt(ctx, &t);
	}
	ctx->wait_tcp = false;
	if ((ip = tcp_part(ctx, c, &ctx->cur, m)) != 0)
		ctx->pending = false;
	return rc | ip;
}

/*
 * Whether the cursor is at "SRC.PORT > DST.PORT: Flags [": a TCP line,
 * as tcpdump prints it after "IP ", or after a -v IP line.
 */
static bool at_segment(const struct cur *c)
{
	const char *sp = memchr(c->p, ' ', (size_t)(c->e - c->p)), *q;

	if (sp == NULL || sp == c->p ||
	    memchr(c->p, '.', (size_t)(sp - c->p)) == NULL)
		return false;
	if ((size_t)(c->e - sp) < 3 || memcmp(sp, " > ", 3) != 0)
		return false;
	for (q = sp + 3; q + 9 <= c->e && *q != ' '; q++)
		if (memcmp(q, ": Flags [", 9) == 0)
			return q > sp + 3;
	return false;
}

/*
 * A TCP line that starts a packet without "IP " in front, as articles
 * quote tcpdump: "[TIME ]SRC.PORT > DST.PORT: Flags [...], ...". Returns
 * -1 when the line is not one.
 */
static int bare_line(struct tdtext_ctx *ctx, struct cur *c,
                     struct tdtext_pkt *out, struct tdtext_msg *m)
{
	struct tdtext_pkt t;
	int rc, tcp;

	pkt_begin(c, &t);
	if (!at_segment(c))
		return -1;
	rc = complete(ctx, out);
	ctx->skipping = false;
	start_pkt(ctx, &t);
	if ((tcp = tcp_part(ctx, c, &ctx->cur, m)) != 0)
		ctx->pending = false;
	return rc | tcp;
}

int tdtext_init(struct tdtext_ctx *ctx, const struct tdtext_names *names)
{
	memset(ctx, 0, sizeof(*ctx));
	if (names != NULL)
		ctx->names = *names;
	return 0;
}

int tdtext_line(struct tdtext_ctx *ctx, const char *line, size_t len,
                struct tdtext_pkt *out, struct tdtext_msg *m)
{
	struct cur c = {line, line + len};
	int rc;

	ctx->line++;
	while (c.e > c.p && (c.e[-1] == '\r' || c.e[-1] == ' ' ||
	                     c.e[-1] == '\n' || c.e[-1] == '\t'))
		c.e--;
	if (memchr(line, '\0', len) != NULL)
		return msg(m, ctx->line, TDTEXT_BAD, N_("a NUL byte in the line"));
	rc = packet_line(ctx, &c, out, m);
	if (rc >= 0)
		return rc;
	c.p = line;
	skip_sp(&c);
	if (ctx->pending && ctx->wait_tcp) {
		ctx->wait_tcp = false;
		if ((rc = tcp_part(ctx, &c, &ctx->cur, m)) != 0) {
			ctx->pending = false;
			return rc;
		}
		ctx->cur.last_line = ctx->line;
		return 0;
	}
	c.p = line;
	rc = bare_line(ctx, &c, out, m);
	if (rc >= 0)
		return rc;
	c.p = line;
	skip_sp(&c);
	if (ctx->pending && ctx->in_http) {
		/* A payload line: with its TAB, or pasted without it. An
		 * empty line joins only when more payload follows it. */
		if (len > 0 && !(len == 1 && line[0] == '\r'))
			ctx->cur.last_line = ctx->line;
		return 0;
	}
	if (c.p == c.e || (ctx->skipping && c.p > line))
		return 0;
	ctx->skipping = false;
	return msg(m, ctx->line, TDTEXT_BAD, N_("not a tcpdump line: skipped"));
}

int tdtext_end(struct tdtext_ctx *ctx, struct tdtext_pkt *out)
{
	return complete(ctx, out);
}
