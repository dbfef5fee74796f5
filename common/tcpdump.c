/*
 * tcpdump.c: prints an IPv4/TCP packet byte for byte as tcpdump 4.99.3 does.
 *
 * The printer reads the raw bytes itself rather than a decoded struct seg,
 * because it must also print what the decoder rejects: truncated captures,
 * bad header lengths, broken options, fragments. tcpdump stops a dissector
 * with a longjmp when it reads past the captured bytes and then prints
 * " [|proto]"; here every step returns PR_GO, PR_STOP (the line is complete)
 * or PR_TRUNC (append the marker), and each read is checked against the
 * captured length first, in the same order as tcpdump reads its fields, so
 * that the text stops at the same place.
 *
 * This module must never print, read a file or a clock, or keep globals:
 * names and local time come from the caller's resolver, and the
 * relative-sequence memory lives in the caller's struct tcpdump_ctx.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/outbuf.h"
#include "common/tcpdump.h"
#include "common/tcpdump_mptcp.h"
#include "common/tcpdump_app.h"

/* What a printing step tells its caller. */
enum { PR_GO = 0, PR_STOP = 1, PR_TRUNC = 2 };

/* One connection in a relative-sequence table. The key is tcpdump's: the
 * two endpoints put in a fixed order (lower port first, then lower
 * address), so that both directions find the same entry. */
struct seqkey {
	uint32_t ports;   /* first port << 16 | second port */
	uint32_t seq;     /* ISN of the "src" side */
	uint32_t ack;     /* ISN of the "dst" side */
	uint8_t addr[32]; /* src, then dst, in the table's order */
};

/* The tables keep entries as bytes, so that IPv4 entries stay small: the
 * in-use mark, ports, seq and ack (4 bytes each), then both addresses, 4
 * bytes each in the IPv4 table and 16 in the IPv6 one. The two families
 * never meet. */
#define SEQ_FIXED 16

/* One of the two tables, as the code that walks it sees it. */
struct seqtab {
	unsigned char **tab;
	size_t *cap, *count;
	size_t alen;   /* 4 or 16 */
	size_t stride; /* the size of one entry */
};

/* The state of one packet while it is printed. */
struct pr {
	struct tcpdump_ctx *ctx;
	struct outbuf ob;
	const uint8_t *ip;
	size_t avail;          /* bytes of ip that may be read */
	const char *proto;     /* the name in the " [|proto]" marker */
	uint32_t saddr, daddr; /* IPv4 */
	/* Both families: the addresses in network order, 4 or 16 bytes. */
	uint8_t src[16], dst[16];
	uint8_t alen;
	/* IPv6: the fixed header's next header is TCP, so the TCP line
	 * names the addresses with the ports; else only the ports. */
	bool direct;
	/* A table update to make once the text is known to fit. */
	bool seq_pending;
	struct seqkey seq_new;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Whether n bytes at offset off of the IP datagram were captured. */
static bool pr_have(const struct pr *p, size_t off, size_t n)
{
	return off <= p->avail && n <= p->avail - off;
}

/* ------------------------------------------------------------------ */
/* Checksums (RFC 1071).                                               */

/*
 * Adds len bytes to a one's-complement sum kept in native byte order: the
 * sum of 16-bit words does not depend on the order of the bytes inside
 * them, so the words are summed as they lie in memory and swapped once at
 * the end (RFC 1071, section 2(B)).
 */
static uint64_t sum_native(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t w;
	uint16_t h;

	while (len >= 16) {
		uint32_t a, b, c, d;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		memcpy(&c, p + 8, 4);
		memcpy(&d, p + 12, 4);
		sum += (uint64_t)a + b + c + d;
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		uint8_t last[2] = {p[0], 0};
		memcpy(&h, last, 2);
		sum += h;
	}
	return sum;
}

/* Folds a native-order sum to 16 bits and returns it in network order. */
static uint16_t sum_fold_be(uint64_t sum)
{
	uint8_t b[2];
	uint16_t h;

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h = (uint16_t)sum;
	memcpy(b, &h, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* The value a checksum field should have held, given the field as sent
 * and the folded complement computed over the data including it. */
static uint16_t cksum_shouldbe(uint16_t sent, uint16_t computed)
{
	uint32_t v = (uint32_t)sent + computed;

	v = (v & 0xffff) + (v >> 16);
	v = (v & 0xffff) + (v >> 16);
	return (uint16_t)v;
}

/*
 * The destination of the pseudo-header: with a source route (LSRR or SSRR
 * option) it is the route's last address, as tcpdump's ip_finddst() says.
 */
static uint32_t ip_final_dst(const struct pr *p, size_t hlen)
{
	size_t off = 20;

	while (off < hlen) {
		uint8_t kind = p->ip[off];
		size_t len;

		if (kind == 0)
			break;
		if (kind == 1) {
			off++;
			continue;
		}
		if (off + 1 >= hlen)
			break;
		len = p->ip[off + 1];
		if (len < 2 || len > hlen - off)
			break;
		if ((kind == 131 || kind == 137) && len >= 7)
			return rd32(p->ip + off + len - 4);
		off += len;
	}
	return p->daddr;
}

/* ------------------------------------------------------------------ */
/* Timestamps.                                                         */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Broken-down time of sec: the resolver's local time, else UTC. */
static void ts_tm(const struct tcpdump_ctx *ctx, int64_t sec, struct tm *tm)
{
	int64_t days, rem;
	int y, m, d;

	if (ctx->res.local_time != NULL &&
	    ctx->res.local_time(ctx->res.arg, sec, tm) == 0)
		return;
	days = sec / 86400;
	rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
}

/* Fills the cache with "HH:MM:SS" (or "YYYY-MM-DD HH:MM:SS" for -tttt)
 * for sec. The local-time lookup is the slow part, so it runs only when
 * the second changes. */
static void ts_fill_cache(struct tcpdump_ctx *ctx, int64_t sec)
{
	struct outbuf ob;
	struct tm tm;

	ts_tm(ctx, sec, &tm);
	ob_init(&ob, ctx->ts_cache, sizeof ctx->ts_cache);
	if (ctx->flags.t == 4) {
		ob_i64(&ob, (int64_t)tm.tm_year + 1900);
		ob_char(&ob, '-');
		ob_u32_pad(&ob, (uint32_t)tm.tm_mon + 1, 2);
		ob_char(&ob, '-');
		ob_u32_pad(&ob, (uint32_t)tm.tm_mday, 2);
		ob_char(&ob, ' ');
	}
	ob_u32_pad(&ob, (uint32_t)tm.tm_hour, 2);
	ob_char(&ob, ':');
	ob_u32_pad(&ob, (uint32_t)tm.tm_min, 2);
	ob_char(&ob, ':');
	ob_u32_pad(&ob, (uint32_t)tm.tm_sec, 2);
	ctx->ts_cache_len = (uint8_t)(ob.p - ctx->ts_cache);
	ctx->ts_cache_sec = sec;
	ctx->ts_cache_valid = true;
}

/* A time difference as tcpdump's -ttt and -ttttt show it: a sign (a
 * space when it is not negative), then hours:minutes:seconds.micro of the
 * difference's magnitude. tcpdump formats that magnitude as a time of day,
 * so hours wrap at 24, and like every time it prints, it refuses one whose
 * seconds have bit 31 set. */
static void ts_delta(struct outbuf *ob, int64_t sec, uint32_t usec,
                     int64_t rsec, uint32_t rusec)
{
	bool neg = sec < rsec || (sec == rsec && usec < rusec);
	int64_t dsec = neg ? rsec - sec : sec - rsec;
	int64_t dusec = neg ? (int64_t)rusec - usec : (int64_t)usec - rusec;

	if (dusec < 0) {
		dsec--;
		dusec += 1000000;
	}
	ob_char(ob, neg ? '-' : ' ');
	if ((uint32_t)dsec & 0x80000000u) {
		ob_lit(ob, "[Error converting time] ");
		return;
	}
	ob_u32_pad(ob, (uint32_t)(dsec / 3600 % 24), 2);
	ob_char(ob, ':');
	ob_u32_pad(ob, (uint32_t)(dsec / 60 % 60), 2);
	ob_char(ob, ':');
	ob_u32_pad(ob, (uint32_t)(dsec % 60), 2);
	ob_char(ob, '.');
	ob_u32_pad(ob, (uint32_t)dusec, 6);
	ob_char(ob, ' ');
}

/*
 * -ttt counts from the previous packet, -ttttt from the first. tcpdump
 * keeps the reference in a timeval that starts zeroed and treats a zero
 * reference as "none yet", so a packet stamped 0.000000 is no reference.
 */
static void ts_delta_ref(const struct tcpdump_ctx *ctx, struct outbuf *ob,
                         int64_t sec, uint32_t usec)
{
	int64_t rsec = ctx->flags.t == 3 ? ctx->prev_sec : ctx->first_sec;
	uint32_t rusec = ctx->flags.t == 3 ? ctx->prev_usec : ctx->first_usec;

	if (!ctx->have_prev || (rsec == 0 && rusec == 0))
		ts_delta(ob, 0, 0, 0, 0);
	else
		ts_delta(ob, sec, usec, rsec, rusec);
}

/* Writes the timestamp prefix; the -ttt/-ttttt state is not touched. */
static void ts_put(struct tcpdump_ctx *ctx, struct outbuf *ob, int64_t sec,
                   uint32_t usec)
{
	/* tcpdump 4.99.3 refuses to format seconds whose bit 31 is set: a
	 * time before 1970 (libpcap reads a pcap file's seconds as signed
	 * 32-bit numbers) or after January 2038. */
	if (((uint32_t)sec & 0x80000000u) && ctx->flags.t != 1 &&
	    ctx->flags.t != 3 && ctx->flags.t != 5) {
		ob_lit(ob, "[Error converting time] ");
		return;
	}
	switch (ctx->flags.t) {
	case 1:
		return;
	case 2:
		ob_u32(ob, (uint32_t)sec);
		ob_char(ob, '.');
		ob_u32_pad(ob, usec, 6);
		ob_char(ob, ' ');
		return;
	case 3:
	case 5:
		ts_delta_ref(ctx, ob, sec, usec);
		return;
	default:
		if (!ctx->ts_cache_valid || ctx->ts_cache_sec != sec)
			ts_fill_cache(ctx, sec);
		ob_mem(ob, ctx->ts_cache, ctx->ts_cache_len);
		ob_char(ob, '.');
		ob_u32_pad(ob, usec, 6);
		ob_char(ob, ' ');
	}
}

/* Records a printed packet's time for -ttt (previous) and -ttttt (first). */
static void ts_advance(struct tcpdump_ctx *ctx, int64_t sec, uint32_t usec)
{
	if (!ctx->have_prev || (ctx->first_sec == 0 && ctx->first_usec == 0)) {
		ctx->first_sec = sec;
		ctx->first_usec = usec;
		ctx->have_prev = true;
	}
	ctx->prev_sec = sec;
	ctx->prev_usec = usec;
}

/* ------------------------------------------------------------------ */
/* Names.                                                              */

static void put_host(struct pr *p, uint32_t addr)
{
	const struct tcpdump_ctx *ctx = p->ctx;
	const char *name = NULL;

	if (ctx->flags.n == 0 && ctx->res.host != NULL)
		name = ctx->res.host(ctx->res.arg, addr);
	if (name != NULL)
		ob_str(&p->ob, name);
	else
		ob_ipv4(&p->ob, addr);
}

static void put_host6(struct pr *p, const uint8_t *addr)
{
	const struct tcpdump_ctx *ctx = p->ctx;
	const char *name = NULL;

	if (ctx->flags.n == 0 && ctx->res.host6 != NULL)
		name = ctx->res.host6(ctx->res.arg, addr);
	if (name != NULL)
		ob_str(&p->ob, name);
	else
		ob_ipv6(&p->ob, addr);
}

/* The packet's source (or destination) address, named when it can be. */
static void put_end(struct pr *p, bool dst)
{
	if (p->alen == 16)
		put_host6(p, dst ? p->dst : p->src);
	else
		put_host(p, dst ? p->daddr : p->saddr);
}

static void put_port(struct pr *p, uint16_t port)
{
	const struct tcpdump_ctx *ctx = p->ctx;
	const char *name = NULL;

	if (ctx->flags.n == 0 && ctx->res.tcp_port != NULL)
		name = ctx->res.tcp_port(ctx->res.arg, port);
	if (name != NULL)
		ob_str(&p->ob, name);
	else
		ob_u32(&p->ob, port);
}

/* ------------------------------------------------------------------ */
/* The relative-sequence table.                                        */

static struct seqtab seq_table(struct tcpdump_ctx *ctx, size_t alen)
{
	struct seqtab t;

	t.alen = alen;
	t.stride = SEQ_FIXED + 2 * alen;
	t.tab = alen == 16 ? &ctx->seq6_tab : &ctx->seq_tab;
	t.cap = alen == 16 ? &ctx->seq6_cap : &ctx->seq_cap;
	t.count = alen == 16 ? &ctx->seq6_count : &ctx->seq_count;
	return t;
}

static bool seq_used(const unsigned char *e)
{
	return e[0] != 0;
}

static size_t seq_hash(const struct seqtab *t, const struct seqkey *k)
{
	uint64_t h = (uint64_t)k->ports * 0xc2b2ae3d27d4eb4full;
	size_t i;

	for (i = 0; i < 2 * t->alen; i += 4)
		h = (h ^ rd32(k->addr + i)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29));
}

/* The entry for the key in tab (of cap slots), or the empty slot where it
 * would go. */
static unsigned char *seq_slot(unsigned char *tab, size_t cap,
                               const struct seqtab *t, const struct seqkey *k)
{
	size_t i = seq_hash(t, k) & (cap - 1);

	for (;;) {
		unsigned char *e = tab + i * t->stride;
		if (!seq_used(e) ||
		    (memcmp(e + 4, &k->ports, 4) == 0 &&
		     memcmp(e + SEQ_FIXED, k->addr, 2 * t->alen) == 0))
			return e;
		i = (i + 1) & (cap - 1);
	}
}

static void seq_get(const struct seqtab *t, const unsigned char *e,
                    struct seqkey *k)
{
	memcpy(&k->ports, e + 4, 4);
	memcpy(&k->seq, e + 8, 4);
	memcpy(&k->ack, e + 12, 4);
	memcpy(k->addr, e + SEQ_FIXED, 2 * t->alen);
}

static void seq_put(const struct seqtab *t, unsigned char *e,
                    const struct seqkey *k)
{
	e[0] = 1;
	memcpy(e + 4, &k->ports, 4);
	memcpy(e + 8, &k->seq, 4);
	memcpy(e + 12, &k->ack, 4);
	memcpy(e + SEQ_FIXED, k->addr, 2 * t->alen);
}

/* Finds the key's entry and copies it into *out; false when there is
 * none. */
static bool seq_find(const struct seqtab *t, const struct seqkey *k,
                     struct seqkey *out)
{
	const unsigned char *e;

	if (*t->cap == 0)
		return false;
	e = seq_slot(*t->tab, *t->cap, t, k);
	if (!seq_used(e))
		return false;
	seq_get(t, e, out);
	return true;
}

/* Doubles the table (or creates it) and moves every entry. */
static int seq_grow(const struct seqtab *t)
{
	size_t ncap = *t->cap ? *t->cap * 2 : 64, i;
	unsigned char *nt = calloc(ncap, t->stride);
	struct seqkey k;

	if (nt == NULL)
		return TCPLAB_ENOMEM;
	for (i = 0; i < *t->cap; i++) {
		const unsigned char *e = *t->tab + i * t->stride;
		if (!seq_used(e))
			continue;
		memset(&k, 0, sizeof k);
		seq_get(t, e, &k);
		seq_put(t, seq_slot(nt, ncap, t, &k), &k);
	}
	free(*t->tab);
	*t->tab = nt;
	*t->cap = ncap;
	return 0;
}

/* Stores k, inserting it when its key is new; the load stays below 1/2. */
static int seq_store(struct tcpdump_ctx *ctx, size_t alen,
                     const struct seqkey *k)
{
	struct seqtab t = seq_table(ctx, alen);
	unsigned char *slot = NULL;
	int err;

	if (*t.cap > 0)
		slot = seq_slot(*t.tab, *t.cap, &t, k);
	if (slot == NULL || !seq_used(slot)) {
		if ((*t.count + 1) * 2 > *t.cap && (err = seq_grow(&t)) != 0)
			return err;
		slot = seq_slot(*t.tab, *t.cap, &t, k);
		(*t.count)++;
	}
	seq_put(&t, slot, k);
	return 0;
}

/* The relative numbers of one ACK-bearing segment, tcpdump's way. */
struct relseq {
	uint32_t seq, ack; /* as printed */
	uint32_t base_s;   /* the ISN subtracted from SACK blocks */
};

/*
 * Section 6 of TCPDUMP-FORMAT.md: an ACK segment whose connection is
 * unknown, or that carries SYN, (re)sets the connection's ISNs (its own
 * numbers print raw); every other one prints its numbers minus the ISNs.
 * The table changes only once the text is known to fit (pr->seq_pending).
 */
static void seq_relative(struct pr *p, uint16_t sport, uint16_t dport,
                         uint16_t flags, struct relseq *r)
{
	bool rev = sport > dport ||
	           (sport == dport && memcmp(p->src, p->dst, p->alen) > 0);
	struct seqtab t = seq_table(p->ctx, p->alen);
	struct seqkey k, e;

	memset(&k, 0, sizeof k);
	memcpy(k.addr, rev ? p->dst : p->src, p->alen);
	memcpy(k.addr + p->alen, rev ? p->src : p->dst, p->alen);
	k.ports = rev ? (uint32_t)dport << 16 | sport
	              : (uint32_t)sport << 16 | dport;
	if (!seq_find(&t, &k, &e) || (flags & 0x02)) {
		k.seq = rev ? r->ack - 1 : r->seq;
		k.ack = rev ? r->seq : r->ack - 1;
		p->seq_new = k;
		p->seq_pending = true;
		e = k;
	} else if (rev) {
		r->seq -= e.ack;
		r->ack -= e.seq;
	} else {
		r->seq -= e.seq;
		r->ack -= e.ack;
	}
	r->base_s = rev ? e.seq : e.ack;
}

/* ------------------------------------------------------------------ */
/* TCP options.                                                        */

/* The options' names in tcpdump 4.99.3; NULL for "unknown-N". */
static const char *tcpopt_name(uint8_t kind)
{
	switch (kind) {
	case 0:
		return "eol";
	case 1:
		return "nop";
	case 2:
		return "mss";
	case 3:
		return "wscale";
	case 4:
		return "sackOK";
	case 5:
		return "sack";
	case 6:
		return "echo";
	case 7:
		return "echoreply";
	case 8:
		return "TS";
	case 11:
		return "cc";
	case 12:
		return "ccnew";
	case 13:
		return "ccecho";
	case 19:
		return "md5";
	case 20:
		return "scps";
	case 28:
		return "uto";
	case 29:
		return "tcp-ao";
	case 30:
		return "mptcp";
	case 34:
		return "tfo";
	case 254:
		return "exp";
	default:
		return NULL;
	}
}

/* The state of the option walk. */
struct optwalk {
	size_t off;    /* offset in the datagram of the option's data */
	uint32_t left; /* option bytes left after kind and length */
	uint8_t kind, len;
	bool first;
	uint32_t sack_base;
	uint8_t th_flags; /* the segment's TCP flags, for MPTCP */
};

/* tcpdump's LENCHECK: PR_STOP for "[bad opt]" (past the option space),
 * PR_TRUNC for bytes not captured, else PR_GO. */
static int opt_check(const struct pr *p, const struct optwalk *w, uint32_t n)
{
	if (n > w->left)
		return PR_STOP;
	return pr_have(p, w->off, n) ? PR_GO : PR_TRUNC;
}

static void opt_hex(struct pr *p, size_t off, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		ob_hex2(&p->ob, p->ip[off + i]);
}

/* SACK blocks, relative to the ISN of the side being acknowledged. */
static int opt_sack(struct pr *p, struct optwalk *w, uint32_t *datalen)
{
	uint32_t i;
	int rc;

	*datalen = (uint32_t)w->len - 2;
	if (*datalen % 8 != 0) {
		ob_lit(&p->ob, " invalid sack");
		return PR_GO;
	}
	ob_char(&p->ob, ' ');
	ob_u32(&p->ob, *datalen / 8);
	ob_char(&p->ob, ' ');
	for (i = 0; i < *datalen; i += 8) {
		if ((rc = opt_check(p, w, i + 8)) != PR_GO)
			return rc;
		ob_char(&p->ob, '{');
		ob_u32(&p->ob, rd32(p->ip + w->off + i) - w->sack_base);
		ob_char(&p->ob, ':');
		ob_u32(&p->ob, rd32(p->ip + w->off + i + 4) - w->sack_base);
		ob_char(&p->ob, '}');
	}
	return PR_GO;
}

/* TCP Fast Open (RFC 7413): a cookie, or a request for one. */
static void opt_tfo(struct pr *p, size_t off, uint32_t datalen)
{
	if (datalen == 0) {
		ob_lit(&p->ob, " cookiereq");
	} else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
		ob_lit(&p->ob, " (invalid)");
	} else {
		ob_lit(&p->ob, " cookie ");
		opt_hex(p, off, datalen);
	}
}

/* Prints an option whose data is a fixed-size number or nothing. */
static int opt_fixed(struct pr *p, struct optwalk *w, uint32_t *datalen)
{
	const uint8_t *d = p->ip + w->off;
	uint32_t uto;
	int rc;

	switch (w->kind) {
	case 2:
		*datalen = 2;
		break;
	case 3:
		*datalen = 1;
		break;
	case 8:
		*datalen = 8;
		break;
	case 20:
		*datalen = 2;
		break;
	case 28:
		*datalen = 2;
		break;
	case 19:
		*datalen = 16;
		break;
	default:
		*datalen = 4;
		break; /* echo, echoreply, cc, ccnew, ccecho */
	}
	if ((rc = opt_check(p, w, *datalen)) != PR_GO)
		return rc;
	switch (w->kind) {
	case 2:
		ob_char(&p->ob, ' ');
		ob_u32(&p->ob, rd16(d));
		break;
	case 3:
		ob_char(&p->ob, ' ');
		ob_u32(&p->ob, d[0]);
		break;
	case 8:
		ob_lit(&p->ob, " val ");
		ob_u32(&p->ob, rd32(d));
		ob_lit(&p->ob, " ecr ");
		ob_u32(&p->ob, rd32(d + 4));
		break;
	case 20:
		ob_lit(&p->ob, " cap ");
		ob_hex2(&p->ob, d[0]);
		ob_lit(&p->ob, " id ");
		ob_u32(&p->ob, d[1]);
		break;
	case 28:
		uto = rd16(d);
		ob_lit(&p->ob, " 0x");
		ob_hex(&p->ob, uto);
		ob_char(&p->ob, ' ');
		ob_u32(&p->ob, uto & 1 ? (uto >> 1) * 60 : uto >> 1);
		break;
	case 19:
		ob_lit(&p->ob, " shared secret not supplied with -M, "
		               "can't check - ");
		opt_hex(p, w->off, 16);
		break;
	default:
		ob_char(&p->ob, ' ');
		ob_u32(&p->ob, rd32(d));
	}
	return PR_GO;
}

/* Prints an option of variable length: tfo, exp, tcp-ao, unknown. */
static int opt_var(struct pr *p, struct optwalk *w, uint32_t *datalen)
{
	uint32_t i;
	int rc;

	*datalen = (uint32_t)w->len - 2;
	if (w->kind == 34 || w->kind == 254 || w->kind == 30) {
		if ((rc = opt_check(p, w, *datalen)) != PR_GO)
			return rc;
		if (w->kind == 34) {
			ob_char(&p->ob, ' ');
			opt_tfo(p, w->off, *datalen);
			return PR_GO;
		}
		if (w->kind == 30) {
			/* Later markers name it, as tcpdump's do. */
			p->proto = "mptcp";
			return tcpdump_mptcp_print(&p->ob, p->ctx,
			                           p->ip + w->off - 2, w->len,
			                           w->th_flags)
			               ? PR_GO
			               : PR_STOP;
		}
		if (*datalen < 2)
			return PR_STOP;
		ob_char(&p->ob, '-');
		if (rd16(p->ip + w->off) == 0xf989) {
			ob_lit(&p->ob, "tfo");
			opt_tfo(p, w->off + 2, *datalen - 2);
		} else {
			ob_hex4(&p->ob, rd16(p->ip + w->off));
		}
		return PR_GO;
	}
	if (*datalen)
		ob_lit(&p->ob, " 0x");
	for (i = 0; i < *datalen; i++) {
		if ((rc = opt_check(p, w, i + 1)) != PR_GO)
			return rc;
		ob_hex2(&p->ob, p->ip[w->off + i]);
	}
	return PR_GO;
}

/* TCP-AO (RFC 5925): key ids, then the MAC byte by byte. */
static int opt_tcpao(struct pr *p, struct optwalk *w, uint32_t *datalen)
{
	uint32_t i;
	int rc;

	*datalen = (uint32_t)w->len - 2;
	if (*datalen < 2) {
		ob_lit(&p->ob, " (invalid)");
		return PR_GO;
	}
	if ((rc = opt_check(p, w, 1)) != PR_GO)
		return rc;
	ob_lit(&p->ob, " keyid ");
	ob_u32(&p->ob, p->ip[w->off]);
	if ((rc = opt_check(p, w, 2)) != PR_GO)
		return rc;
	ob_lit(&p->ob, " rnextkeyid ");
	ob_u32(&p->ob, p->ip[w->off + 1]);
	if (*datalen > 2)
		ob_lit(&p->ob, " mac 0x");
	for (i = 2; i < *datalen; i++) {
		if ((rc = opt_check(p, w, i + 1)) != PR_GO)
			return rc;
		ob_hex2(&p->ob, p->ip[w->off + i]);
	}
	return PR_GO;
}

/* One option's name and value; *datalen is what its data took. */
static int opt_one(struct pr *p, struct optwalk *w, uint32_t *datalen)
{
	const char *name = tcpopt_name(w->kind);

	if (name != NULL) {
		ob_str(&p->ob, name);
	} else {
		ob_lit(&p->ob, "unknown-");
		ob_u32(&p->ob, w->kind);
	}
	*datalen = 0;
	switch (w->kind) {
	case 0:
	case 1:
	case 4:
		return PR_GO;
	case 5:
		return opt_sack(p, w, datalen);
	case 2:
	case 3:
	case 6:
	case 7:
	case 8:
	case 11:
	case 12:
	case 13:
	case 19:
	case 20:
	case 28:
		return opt_fixed(p, w, datalen);
	case 29:
		return opt_tcpao(p, w, datalen);
	default:
		return opt_var(p, w, datalen);
	}
}

/*
 * The option list. A length byte below 2 or past the header ends the line
 * with "[bad opt]" (and "]" unless it was the first option); bytes not
 * captured end it with " [|tcp]", followed by ">" when the check that
 * failed was tcpdump's LENCHECK on a later option. After an MPTCP option
 * the marker says " [|mptcp]": tcpdump's MPTCP printer names itself the
 * current protocol and nothing names TCP again.
 */
static int tcp_options(struct pr *p, size_t off, uint32_t optlen,
                       uint32_t sack_base)
{
	/* off is 20 bytes into the TCP header, whose flags were captured. */
	struct optwalk w = {.left = optlen,
	                    .first = true,
	                    .sack_base = sack_base,
	                    .th_flags = p->ip[off - 20 + 13]};
	uint32_t datalen;
	int rc;

	ob_lit(&p->ob, ", options [");
	while (w.left > 0) {
		if (!w.first)
			ob_char(&p->ob, ',');
		if (!pr_have(p, off, 1))
			return PR_TRUNC;
		w.kind = p->ip[off++];
		if (w.kind == 0 || w.kind == 1) {
			w.len = 1;
		} else {
			if (!pr_have(p, off, 1))
				return PR_TRUNC;
			w.len = p->ip[off++];
			if (w.len < 2 || w.len > w.left)
				goto bad;
			w.left--;
		}
		w.left--;
		w.off = off;
		rc = opt_one(p, &w, &datalen);
		if (rc == PR_STOP)
			goto bad;
		if (rc == PR_TRUNC) {
			ob_lit(&p->ob, " [|");
			ob_str(&p->ob, p->proto);
			ob_char(&p->ob, ']');
			if (!w.first)
				ob_char(&p->ob, '>');
			return PR_STOP;
		}
		off += datalen;
		w.left -= datalen;
		datalen += (w.kind == 0 || w.kind == 1) ? 1 : 2;
		if (datalen != w.len) {
			ob_lit(&p->ob, "[len ");
			ob_u32(&p->ob, w.len);
			ob_char(&p->ob, ']');
		}
		w.first = false;
		if (w.kind == 0)
			break;
	}
	ob_char(&p->ob, ']');
	return PR_GO;
bad:
	ob_lit(&p->ob, "[bad opt]");
	if (!w.first)
		ob_char(&p->ob, ']');
	return PR_STOP;
}

/* ------------------------------------------------------------------ */
/* TCP.                                                                */

/* The TCP fields after "Flags [..]" and before the options. */
static void tcp_fields(struct pr *p, const struct relseq *r, uint16_t flags,
                       uint32_t paylen, uint16_t win, uint16_t urp)
{
	if (p->ctx->flags.v > 1 || paylen > 0 || (flags & 0x07)) {
		ob_lit(&p->ob, ", seq ");
		ob_u32(&p->ob, r->seq);
		if (paylen > 0) {
			ob_char(&p->ob, ':');
			ob_u32(&p->ob, r->seq + paylen);
		}
	}
	if (flags & 0x10) {
		ob_lit(&p->ob, ", ack ");
		ob_u32(&p->ob, r->ack);
	}
	ob_lit(&p->ob, ", win ");
	ob_u32(&p->ob, win);
	if (flags & 0x20) {
		ob_lit(&p->ob, ", urg ");
		ob_u32(&p->ob, urp);
	}
}

static void tcp_flags(struct outbuf *ob, uint8_t f)
{
	static const char letters[8] = {'F', 'S', 'R', 'P', '.', 'U', 'E', 'W'};
	int i;

	ob_lit(ob, "Flags [");
	if (f == 0)
		ob_lit(ob, "none");
	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			ob_char(ob, letters[i]);
	ob_char(ob, ']');
}

/* ", cksum 0x%04x (correct)" or "(incorrect -> 0x%04x)", over the whole
 * segment and the pseudo-header (RFC 9293, section 3.1). */
static void tcp_cksum_print(struct pr *p, size_t toff, uint32_t tlen)
{
	uint8_t ph[40];
	uint64_t sum;
	uint16_t sent = rd16(p->ip + toff + 16), c;
	size_t phlen;

	if (p->alen == 16) {
		/* RFC 8200, section 8.1: addresses, 32-bit length, zeros and
		 * the next header. (Routing headers are never printed, so the
		 * destination is the header's.) */
		memcpy(ph, p->src, 16);
		memcpy(ph + 16, p->dst, 16);
		memset(ph + 32, 0, 8);
		ph[34] = (uint8_t)(tlen >> 8);
		ph[35] = (uint8_t)tlen;
		ph[39] = 6;
		phlen = 40;
	} else {
		uint32_t dst = toff > 20 ? ip_final_dst(p, toff) : p->daddr;

		memcpy(ph, p->ip + 12, 4);
		ph[4] = (uint8_t)(dst >> 24);
		ph[5] = (uint8_t)(dst >> 16);
		ph[6] = (uint8_t)(dst >> 8);
		ph[7] = (uint8_t)dst;
		ph[8] = 0;
		ph[9] = 6;
		ph[10] = (uint8_t)(tlen >> 8);
		ph[11] = (uint8_t)tlen;
		phlen = 12;
	}
	sum = sum_native(sum_native(0, ph, phlen), p->ip + toff, tlen);
	c = (uint16_t)~sum_fold_be(sum);
	ob_lit(&p->ob, ", cksum 0x");
	ob_hex4(&p->ob, sent);
	if (c != 0) {
		ob_lit(&p->ob, " (incorrect -> 0x");
		ob_hex4(&p->ob, cksum_shouldbe(sent, c));
		ob_char(&p->ob, ')');
	} else {
		ob_lit(&p->ob, " (correct)");
	}
}

/* What follows ", length N": RST text with -v, or an application's text
 * (common/tcpdump_app.c). */
static int tcp_payload(struct pr *p, size_t toff, uint32_t hlen,
                       uint32_t paylen, uint16_t sport, uint16_t dport,
                       uint8_t flags)
{
	struct tcpdump_app a;
	int rc;

	if (!pr_have(p, toff, hlen)) {
		ob_lit(&p->ob, " [remaining caplen(");
		ob_u32(&p->ob,
		       (uint32_t)(p->avail > toff ? p->avail - toff : 0));
		ob_lit(&p->ob, ") < header length(");
		ob_u32(&p->ob, hlen);
		ob_lit(&p->ob, ")]");
		return PR_TRUNC;
	}
	memset(&a, 0, sizeof a);
	a.d = p->ip + toff + hlen;
	a.len = paylen;
	a.cap = p->avail - toff - hlen;
	a.sport = sport;
	a.dport = dport;
	a.rst = (flags & 0x04) != 0;
	rc = tcpdump_app_print(&p->ob, &p->ctx->flags, &a);
	if (a.proto != NULL)
		p->proto = a.proto;
	p->ctx->app_skipped = a.skipped;
	return rc;
}

/* The ports, and the line's start "SRC.SPORT > DST.DPORT: ". */
static int tcp_addrs(struct pr *p, size_t toff)
{
	if (!pr_have(p, toff, 4)) {
		put_end(p, false);
		ob_lit(&p->ob, " > ");
		put_end(p, true);
		ob_char(&p->ob, ':');
		return PR_TRUNC;
	}
	/* After IPv6 extension headers the addresses are already out. */
	if (p->direct) {
		put_end(p, false);
		ob_char(&p->ob, '.');
	}
	put_port(p, rd16(p->ip + toff));
	ob_lit(&p->ob, " > ");
	if (p->direct) {
		put_end(p, true);
		ob_char(&p->ob, '.');
	}
	put_port(p, rd16(p->ip + toff + 2));
	ob_lit(&p->ob, ": ");
	return PR_GO;
}

/* tcpdump's tcp_print() for a segment of tlen bytes (by the IP header)
 * at offset toff; fragmented means that more fragments follow. */
static int tcp_print(struct pr *p, size_t toff, uint32_t tlen, bool fragmented)
{
	const uint8_t *th = p->ip + toff;
	uint16_t sport, dport;
	uint32_t hlen;
	uint8_t flags;
	struct relseq r;
	int rc;

	p->proto = "tcp";
	if ((rc = tcp_addrs(p, toff)) != PR_GO)
		return rc;
	sport = rd16(th);
	dport = rd16(th + 2);
	if (!pr_have(p, toff, 13))
		return PR_TRUNC;
	hlen = (uint32_t)(th[12] >> 4) * 4;
	if (hlen < 20) {
		ob_lit(&p->ob, " tcp ");
		ob_u32(&p->ob, tlen - hlen);
		ob_lit(&p->ob, " [bad hdr length ");
		ob_u32(&p->ob, hlen);
		ob_lit(&p->ob, " - too short, < 20]");
		return PR_STOP;
	}
	if (!pr_have(p, toff, 20))
		return PR_TRUNC;
	flags = th[13];
	r.seq = rd32(th + 4);
	r.ack = rd32(th + 8);
	r.base_s = 0;
	tcp_flags(&p->ob, flags);
	if (!p->ctx->flags.S && (flags & 0x10))
		seq_relative(p, sport, dport, flags, &r);
	if (hlen > tlen) {
		ob_lit(&p->ob, " [bad hdr length ");
		ob_u32(&p->ob, hlen);
		ob_lit(&p->ob, " - too long, > ");
		ob_u32(&p->ob, tlen);
		ob_char(&p->ob, ']');
		return PR_STOP;
	}
	if (p->ctx->flags.v && !fragmented && pr_have(p, toff, tlen))
		tcp_cksum_print(p, toff, tlen);
	tcp_fields(p, &r, flags, tlen - hlen, rd16(th + 14), rd16(th + 18));
	if (hlen > 20 &&
	    (rc = tcp_options(p, toff + 20, hlen - 20, r.base_s)) != PR_GO)
		return rc;
	ob_lit(&p->ob, ", length ");
	ob_u32(&p->ob, tlen - hlen);
	if (tlen == hlen)
		return PR_GO;
	return tcp_payload(p, toff, hlen, tlen - hlen, sport, dport, flags);
}

/* ------------------------------------------------------------------ */
/* IPv4.                                                               */

/* One IP option's name, as tcpdump's ip_option_values has them. */
static void ipopt_name(struct outbuf *ob, uint8_t kind)
{
	switch (kind) {
	case 0:
		ob_lit(ob, "EOL");
		break;
	case 1:
		ob_lit(ob, "NOP");
		break;
	case 68:
		ob_lit(ob, "timestamp");
		break;
	case 130:
		ob_lit(ob, "security");
		break;
	case 7:
		ob_lit(ob, "RR");
		break;
	case 137:
		ob_lit(ob, "SSRR");
		break;
	case 131:
		ob_lit(ob, "LSRR");
		break;
	case 148:
		ob_lit(ob, "RA");
		break;
	case 82:
		ob_lit(ob, "traceroute");
		break;
	default:
		ob_lit(ob, "unknown ");
		ob_u32(ob, kind);
	}
}

/* A record-route or source-route option's addresses (RFC 791). */
static void ipopt_route(struct pr *p, const uint8_t *o, uint32_t len)
{
	uint32_t ptr, i;

	if (len < 3) {
		ob_lit(&p->ob, " [bad length ");
		ob_u32(&p->ob, len);
		ob_char(&p->ob, ']');
		return;
	}
	if ((len + 1) & 3) {
		ob_lit(&p->ob, " [bad length ");
		ob_u32(&p->ob, len);
		ob_char(&p->ob, ']');
	}
	ptr = (uint32_t)o[2] - 1;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > len + 1) {
		ob_lit(&p->ob, " [bad ptr ");
		ob_u32(&p->ob, o[2]);
		ob_char(&p->ob, ']');
	}
	for (i = 3; i + 4 <= len; i += 4) {
		ob_char(&p->ob, ' ');
		/* tcpdump names these addresses too, unless -n. */
		put_host(p, rd32(o + i));
		if (ptr > i)
			ob_char(&p->ob, ',');
	}
}

/* ", options (...)" of the -v line; the header was captured. */
static void ip_options(struct pr *p, uint32_t hlen)
{
	uint32_t off = 20, len;

	ob_lit(&p->ob, ", options (");
	while (off < hlen) {
		const uint8_t *o = p->ip + off;
		if (off > 20)
			ob_char(&p->ob, ',');
		ipopt_name(&p->ob, o[0]);
		if (o[0] == 0 || o[0] == 1) {
			len = 1;
		} else {
			len = off + 1 < hlen ? o[1] : 0;
			if (len < 2 || len > hlen - off) {
				ob_lit(&p->ob, " [bad length ");
				ob_u32(&p->ob, len);
				ob_char(&p->ob, ']');
				break;
			}
		}
		if (o[0] == 0)
			break;
		if (o[0] == 7 || o[0] == 131 || o[0] == 137)
			ipopt_route(p, o, len);
		else if (o[0] == 148 && len >= 4 && rd16(o + 2) != 0) {
			ob_lit(&p->ob, " value ");
			ob_u32(&p->ob, rd16(o + 2));
		}
		off += len;
	}
	ob_char(&p->ob, ')');
}

static void ip_frag_flags(struct outbuf *ob, uint16_t off)
{
	bool any = false;

	ob_lit(ob, ", flags [");
	if (off & 0x2000) {
		ob_char(ob, '+');
		any = true;
	}
	if (off & 0x4000) {
		if (any)
			ob_lit(ob, ", ");
		ob_lit(ob, "DF");
		any = true;
	}
	if (off & 0x8000) {
		if (any)
			ob_lit(ob, ", ");
		ob_lit(ob, "rsvd");
		any = true;
	}
	if (!any)
		ob_lit(ob, "none");
	ob_char(ob, ']');
}

/* The -v part "(tos ..., length N[, options][, bad cksum])\n    ". */
static void ip_verbose(struct pr *p, uint32_t hlen)
{
	static const char *const ecn[4] = {"", ",ECT(1)", ",ECT(0)", ",CE"};
	const uint8_t *h = p->ip;
	uint16_t off = rd16(h + 6);

	ob_lit(&p->ob, "(tos 0x");
	ob_hex(&p->ob, h[1]);
	ob_str(&p->ob, ecn[h[1] & 3]);
	if (h[8] != 0) {
		ob_lit(&p->ob, ", ttl ");
		ob_u32(&p->ob, h[8]);
	}
	ob_lit(&p->ob, ", id ");
	ob_u32(&p->ob, rd16(h + 4));
	ob_lit(&p->ob, ", offset ");
	ob_u32(&p->ob, (uint32_t)(off & 0x1fff) * 8);
	ip_frag_flags(&p->ob, off);
	ob_lit(&p->ob, ", proto TCP (6), length ");
	ob_u32(&p->ob, rd16(h + 2));
	if (hlen > 20 && pr_have(p, 0, hlen))
		ip_options(p, hlen);
	if (pr_have(p, 0, hlen)) {
		uint16_t c = (uint16_t)~sum_fold_be(sum_native(0, h, hlen));
		if (c != 0) {
			ob_lit(&p->ob, ", bad cksum ");
			ob_hex(&p->ob, rd16(h + 10));
			ob_lit(&p->ob, " (->");
			ob_hex(&p->ob, cksum_shouldbe(rd16(h + 10), c));
			ob_lit(&p->ob, ")!");
		}
	}
	ob_lit(&p->ob, ")\n    ");
}

/* tcpdump's ip_print() for a datagram that carries TCP. */
static int ip_print(struct pr *p, size_t wirelen)
{
	const uint8_t *h = p->ip;
	uint32_t hlen, iplen;
	uint16_t off;

	p->proto = "ip";
	ob_lit(&p->ob, "IP ");
	if (!pr_have(p, 0, 20))
		return PR_TRUNC;
	if (wirelen < 20) {
		ob_lit(&p->ob, "truncated-ip ");
		ob_u32(&p->ob, (uint32_t)wirelen);
		return PR_STOP;
	}
	hlen = (uint32_t)(h[0] & 15) * 4;
	if (hlen < 20) {
		ob_lit(&p->ob, "bad-hlen ");
		ob_u32(&p->ob, hlen);
		return PR_STOP;
	}
	iplen = rd16(h + 2);
	if (wirelen < iplen) {
		ob_lit(&p->ob, "truncated-ip - ");
		ob_u32(&p->ob, iplen - (uint32_t)wirelen);
		ob_lit(&p->ob, " bytes missing! ");
	}
	if (iplen < hlen) {
		ob_lit(&p->ob, "bad-len ");
		ob_u32(&p->ob, iplen);
		return PR_STOP;
	}
	/* Bytes past the IP length (link padding) are not part of it. */
	if (p->avail > iplen)
		p->avail = iplen;
	if (p->avail > wirelen)
		p->avail = wirelen;
	p->saddr = rd32(h + 12);
	p->daddr = rd32(h + 16);
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	p->alen = 4;
	p->direct = true;
	off = rd16(h + 6);
	if (p->ctx->flags.v)
		ip_verbose(p, hlen);
	if ((off & 0x1fff) == 0)
		return tcp_print(p, hlen, iplen - hlen, (off & 0x2000) != 0);
	/* A later fragment: its TCP header is in the first one. */
	put_host(p, p->saddr);
	ob_lit(&p->ob, " > ");
	put_host(p, p->daddr);
	ob_str(&p->ob, p->ctx->flags.n ? ": ip-proto-6" : ": tcp");
	return PR_STOP;
}

/* ------------------------------------------------------------------ */
/* IPv6.                                                               */

/* A printing step that found what tcplab does not print (a non-TCP next
 * header, a routing header, an option it does not know): tcpdump_format()
 * then writes nothing and says so, and the caller prints a skip notice. */
#define PR_SKIP 3

/* tcpdump's names for the first next header, in the -v part. */
static const char *ip6_nh_name(uint8_t nh)
{
	switch (nh) {
	case 0:
		return "Options";
	case 6:
		return "TCP";
	case 44:
		return "Fragment";
	default:
		return "unknown"; /* 60, destination options, among them */
	}
}

/* The options of a hop-by-hop or destination options header of hlen bytes
 * at off (RFC 8200, section 4.2), captured whole. tcpdump checks them with
 * or without -v and prints them with -v. */
static int ip6_opts(struct pr *p, size_t off, uint32_t hlen)
{
	const uint8_t *h = p->ip + off;
	uint32_t i = 2, len;

	while (i < hlen) {
		if (h[i] == 0) {
			if (p->ctx->flags.v)
				ob_lit(&p->ob, "(pad1)");
			i++;
			continue;
		}
		if (i + 2 > hlen || h[i + 1] > hlen - i - 2)
			return PR_SKIP;
		len = h[i + 1];
		switch (h[i]) {
		case 1:
			if (p->ctx->flags.v)
				ob_lit(&p->ob, "(padn)");
			break;
		case 5:
			if (len != 2)
				return PR_SKIP;
			if (p->ctx->flags.v) {
				ob_lit(&p->ob, "(rtalert: 0x");
				ob_hex4(&p->ob, rd16(h + i + 2));
				ob_lit(&p->ob, ") ");
			}
			break;
		case 0xc2: /* jumbo payload */
		case 0xc9: /* home address */
			return PR_SKIP;
		default:
			if (p->ctx->flags.v) {
				ob_lit(&p->ob, "(opt_type 0x");
				ob_hex2(&p->ob, h[i]);
				ob_lit(&p->ob, ": len=");
				ob_u32(&p->ob, len);
				ob_char(&p->ob, ')');
			}
		}
		i += 2 + len;
	}
	if (p->ctx->flags.v)
		ob_char(&p->ob, ' ');
	return PR_GO;
}

/* A fragment header at off (RFC 8200, section 4.5), captured whole; end is
 * where the datagram ends. PR_STOP after a later fragment. */
static int ip6_frag(struct pr *p, size_t off, size_t end)
{
	const uint8_t *f = p->ip + off;
	uint32_t foff = rd16(f + 2) & 0xfff8;

	ob_lit(&p->ob, "frag (");
	if (p->ctx->flags.v) {
		ob_lit(&p->ob, "0x");
		ob_hex4(&p->ob, rd16(f + 4));
		ob_hex4(&p->ob, rd16(f + 6));
		ob_char(&p->ob, ':');
	}
	ob_u32(&p->ob, foff);
	ob_char(&p->ob, '|');
	ob_u32(&p->ob, (uint32_t)(end - off - 8));
	ob_char(&p->ob, ')');
	if (foff != 0)
		return PR_STOP;
	ob_char(&p->ob, ' ');
	return PR_GO;
}

/* The "(class ..., flowlabel ..., hlim ..., ...) " part of -v. */
static void ip6_verbose(struct pr *p)
{
	const uint8_t *h = p->ip;
	uint32_t flow = rd32(h);

	ob_char(&p->ob, '(');
	if (flow & 0x0ff00000) {
		ob_lit(&p->ob, "class 0x");
		ob_hex2(&p->ob, (uint8_t)(flow >> 20));
		ob_lit(&p->ob, ", ");
	}
	if (flow & 0x000fffff) {
		/* "%05x": the label's top four bits, then sixteen. */
		ob_lit(&p->ob, "flowlabel 0x");
		ob_char(&p->ob, ob_hexdig_[(flow >> 16) & 0x0f]);
		ob_hex4(&p->ob, (uint16_t)flow);
		ob_lit(&p->ob, ", ");
	}
	ob_lit(&p->ob, "hlim ");
	ob_u32(&p->ob, h[7]);
	ob_lit(&p->ob, ", next-header ");
	ob_str(&p->ob, ip6_nh_name(h[6]));
	ob_lit(&p->ob, " (");
	ob_u32(&p->ob, h[6]);
	ob_lit(&p->ob, ") payload length: ");
	ob_u32(&p->ob, rd16(h + 4));
	ob_lit(&p->ob, ") ");
}

/* tcpdump's ip6_print() for a datagram that carries TCP, possibly after
 * hop-by-hop, destination options and fragment headers. */
static int ip6_print(struct pr *p, size_t wirelen)
{
	const uint8_t *h = p->ip;
	uint32_t plen, end;
	size_t off = 40;
	uint8_t nh;
	bool frag = false;
	int rc;

	p->proto = "ip6";
	if (!pr_have(p, 0, 40))
		return PR_TRUNC;
	plen = rd16(h + 4);
	if (plen == 0)
		return PR_SKIP; /* a jumbogram, or damage */
	ob_lit(&p->ob, "IP6 ");
	end = 40 + plen;
	if (wirelen < end) {
		ob_lit(&p->ob, "truncated-ip6 - ");
		ob_u32(&p->ob, end - (uint32_t)wirelen);
		ob_lit(&p->ob, " bytes missing!");
	}
	if (p->avail > end)
		p->avail = end;
	if (p->avail > wirelen)
		p->avail = wirelen;
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);
	p->alen = 16;
	nh = h[6];
	p->direct = nh == 6;
	if (p->ctx->flags.v)
		ip6_verbose(p);
	if (!p->direct) {
		put_end(p, false);
		ob_lit(&p->ob, " > ");
		put_end(p, true);
		ob_lit(&p->ob, ": ");
	}
	while (nh != 6) {
		uint32_t xlen;

		/* Hop-by-hop options may only come first (RFC 8200, 4.3). */
		if ((nh != 0 && nh != 60 && nh != 44) || (nh == 0 && off != 40))
			return PR_SKIP;
		if (off >= end)
			return PR_SKIP;
		p->proto = nh == 0 ? "hbhopt" : nh == 60 ? "dstopt" : "frag6";
		if (nh == 44) {
			/* Without -v the identification is not read. */
			if (!pr_have(p, off, p->ctx->flags.v ? 8 : 4))
				return PR_TRUNC;
			if ((rc = ip6_frag(p, off, end)) != PR_GO)
				return rc;
			/* tcpdump ends the line when nothing follows. */
			if (!pr_have(p, off + 8, 1))
				return PR_STOP;
			frag = true;
			xlen = 8;
		} else {
			if (!pr_have(p, off, 2))
				return PR_TRUNC;
			xlen = ((uint32_t)h[off + 1] + 1) * 8;
			if (!pr_have(p, off, xlen))
				return PR_TRUNC;
			ob_str(&p->ob, nh == 0 ? "HBH " : "DSTOPT ");
			if ((rc = ip6_opts(p, off, xlen)) != PR_GO)
				return rc;
		}
		if (xlen > end - off)
			return PR_SKIP;
		nh = h[off];
		off += xlen;
	}
	return tcp_print(p, off, end - (uint32_t)off, frag);
}

/* ------------------------------------------------------------------ */
/* The interface.                                                      */

int tcpdump_ctx_init(struct tcpdump_ctx *ctx, const struct tcpdump_flags *f,
                     const struct tcpdump_resolver *res)
{
	memset(ctx, 0, sizeof *ctx);
	if (f != NULL)
		ctx->flags = *f;
	if (res != NULL)
		ctx->res = *res;
	return 0;
}

void tcpdump_ctx_free(struct tcpdump_ctx *ctx)
{
	free(ctx->seq_tab);
	free(ctx->seq6_tab);
	ctx->seq_tab = ctx->seq6_tab = NULL;
	ctx->seq_cap = ctx->seq6_cap = 0;
	ctx->seq_count = ctx->seq6_count = 0;
}

int tcpdump_format_ts(struct tcpdump_ctx *ctx, int64_t sec, uint32_t usec,
                      char *buf, size_t cap)
{
	struct outbuf ob;
	long n;

	ob_init(&ob, buf, cap);
	ts_put(ctx, &ob, sec, usec);
	n = ob_finish(&ob, buf);
	if (n < 0)
		return TCPLAB_ENOSPC;
	ts_advance(ctx, sec, usec);
	return (int)n;
}

int tcpdump_format(struct tcpdump_ctx *ctx, const struct tcpdump_pkt *pkt,
                   char *buf, size_t cap)
{
	struct pr p;
	long n;
	int rc;

	ctx->app_skipped = NULL;
	if (pkt->caplen >= 1 && (pkt->ip[0] >> 4) != 4 &&
	    (pkt->ip[0] >> 4) != 6)
		return TCPLAB_EVERSION;
	if (pkt->caplen >= 10 && (pkt->ip[0] >> 4) == 4 && pkt->ip[9] != 6)
		return TCPLAB_EPROTO;
	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.ip = pkt->ip;
	p.avail = pkt->caplen;
	ob_init(&p.ob, buf, cap);
	ts_put(ctx, &p.ob, pkt->ts_sec, pkt->ts_usec);
	if (pkt->prefix != NULL)
		ob_str(&p.ob, pkt->prefix);
	if (pkt->caplen >= 1 && (pkt->ip[0] >> 4) == 6)
		rc = ip6_print(&p, pkt->wirelen ? pkt->wirelen : pkt->caplen);
	else
		rc = ip_print(&p, pkt->wirelen ? pkt->wirelen : pkt->caplen);
	if (rc == PR_SKIP)
		return TCPLAB_EPROTO;
	if (rc == PR_TRUNC) {
		ob_lit(&p.ob, " [|");
		ob_str(&p.ob, p.proto);
		ob_char(&p.ob, ']');
	}
	ob_char(&p.ob, '\n');
	n = ob_finish(&p.ob, buf);
	if (n < 0 || n > 0x7fffffff)
		return TCPLAB_ENOSPC;
	if (p.seq_pending && (rc = seq_store(ctx, p.alen, &p.seq_new)) != 0)
		return rc;
	ts_advance(ctx, pkt->ts_sec, pkt->ts_usec);
	return (int)n;
}
