/*
 * opt.c: tcpdump's printing flags, bounded numbers and the messages for
 * bad command lines, shared by tcplab's programs (see opt.h).
 *
 * Pure: it never reads getopt's globals, never prints and never exits.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/opt.h"
#include "common/tr.h"

/* tcpdump counts -v and -n without end; these are the counts past which
 * nothing prints differently for TCP. */
#define V_MAX 3
#define N_MAX 2
/* tcpdump refuses -tttttt. */
#define T_MAX 5

void opt_tcpdump_init(struct opt_tcpdump *o,
                      const struct tcpdump_flags *defaults)
{
	memset(o, 0, sizeof *o);
	if (defaults != NULL)
		o->f = *defaults;
}

/* One more of a counted flag: the first replaces the default. */
static int count_up(int *v, bool *given)
{
	int n = *given ? *v + 1 : 1;

	*given = true;
	return n;
}

int opt_tcpdump_flag(struct opt_tcpdump *o, int c)
{
	int n;

	switch (c) {
	case 'v':
		n = count_up(&o->f.v, &o->v_given);
		o->f.v = n > V_MAX ? V_MAX : n;
		return 0;
	case 'n':
		n = count_up(&o->f.n, &o->n_given);
		o->f.n = n > N_MAX ? N_MAX : n;
		return 0;
	case 'S':
		o->f.S = true;
		return 0;
	case 't':
		n = count_up(&o->f.t, &o->t_given);
		if (n > T_MAX)
			return TCPLAB_ERANGE;
		o->f.t = n;
		return 0;
	}
	return TCPLAB_EINVAL;
}

const char *opt_tcpdump_error(int err)
{
	if (err == TCPLAB_ERANGE)
		return N_("only -t, -tt, -ttt, -tttt and -ttttt are supported");
	return N_("not one of tcpdump's printing flags -n, -S, -v and -t");
}

int opt_number(const char *arg, int64_t lo, int64_t hi, int64_t *out)
{
	const char *p = arg;
	bool neg = *p == '-';
	uint64_t v = 0, limit;

	if (neg)
		p++;
	if (*p < '0' || *p > '9')
		return TCPLAB_EINVAL;
	/* The magnitude may reach 2^63 for a negative number. */
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			return TCPLAB_EINVAL;
		v = v * 10 + d;
	}
	if (*p != '\0')
		return TCPLAB_EINVAL;
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	if (*out < lo || *out > hi)
		return TCPLAB_ERANGE;
	return 0;
}

/* snprintf's result as opt.h's functions return it. */
static int written(int n, size_t cap)
{
	if (n < 0 || (size_t)n >= cap)
		return TCPLAB_ENOSPC;
	return n;
}

int opt_number_msg(const struct tr *tr, char *buf, size_t cap,
                   const char *name, const char *arg, int64_t lo, int64_t hi)
{
	return written(snprintf(buf, cap,
	                        TR(tr, "bad value '%s' for %s: give a number "
	                               "from %lld to %lld"),
	                        arg, name, (long long)lo, (long long)hi),
	               cap);
}

/* Up to cap long options whose names begin with name[0..len); an exact
 * match is the only one returned. Returns how many were found. */
static size_t find_long(const struct option *lo, const char *name, size_t len,
                        const struct option **hits, size_t cap)
{
	size_t n = 0;

	for (; lo != NULL && lo->name != NULL; lo++) {
		if (strncmp(lo->name, name, len) != 0)
			continue;
		if (lo->name[len] == '\0') {
			hits[0] = lo;
			return 1;
		}
		if (n < cap)
			hits[n] = lo;
		n++;
	}
	return n < cap ? n : cap;
}

/* Whether two long options are one to getopt: an abbreviation that
 * matches both (--output, --output-document) is not ambiguous. */
static bool same_option(const struct option *a, const struct option *b)
{
	return a->has_arg == b->has_arg && a->flag == b->flag &&
	       a->val == b->val;
}

/* Whether every hit is the same option as the first. */
static bool all_same(const struct option **hits, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!same_option(hits[0], hits[i]))
			return false;
	return true;
}

/* "--drop or --drop-in", "--a, --b or --c": the candidates. */
static void list_hits(const struct tr *tr, char *buf, size_t cap,
                      const struct option **hits, size_t n)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < cap; i++) {
		const char *sep = i == 0       ? ""
		                  : i + 1 == n ? TR(tr, " or ")
		                               : TR(tr, ", ");
		int k = snprintf(buf + len, cap - len, "%s--%s", sep,
		                 hits[i]->name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
}

/* Whether the word names a long option with this optopt (as getopt sets
 * it for a long option's missing or unwanted argument). */
static bool long_word(const struct option *lo, const struct opt_getopt *g)
{
	const struct option *hits[8];
	const char *name, *eq;
	size_t n;

	if (g->word == NULL || strncmp(g->word, "--", 2) != 0)
		return false;
	if (g->optopt == 0)
		return true;
	name = g->word + 2;
	eq = strchr(name, '=');
	n = find_long(lo, name, eq ? (size_t)(eq - name) : strlen(name), hits,
	              8);
	return n > 0 && all_same(hits, n) && hits[0]->flag == NULL &&
	       hits[0]->val == g->optopt;
}

/* The message about a long option word (the '=' part left out). */
static int long_msg(const struct tr *tr, char *buf, size_t cap,
                    const char *prog,
                    const struct option *lo, const struct opt_getopt *g)
{
	const struct option *hits[8];
	const char *name = g->word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	size_t n = find_long(lo, name, len, hits, 8);
	char alts[256];

	if (n == 0)
		return written(snprintf(buf, cap,
		                        TR(tr, "unknown option --%.*s: see %s --help"),
		                        (int)len, name, prog),
		               cap);
	if (!all_same(hits, n)) {
		list_hits(tr, alts, sizeof alts, hits, n);
		return written(snprintf(buf, cap,
		                        TR(tr, "ambiguous option --%.*s: %s?"),
		                        (int)len, name, alts),
		               cap);
	}
	if (g->c == ':')
		return written(snprintf(buf, cap,
		                        TR(tr, "option --%s needs an argument"),
		                        hits[0]->name),
		               cap);
	return written(snprintf(buf, cap, TR(tr, "option --%s takes no argument"),
	                        hits[0]->name),
	               cap);
}

int opt_getopt_msg(const struct tr *tr, char *buf, size_t cap,
                   const char *prog, const struct option *longopts,
                   const struct opt_getopt *g)
{
	if (long_word(longopts, g))
		return long_msg(tr, buf, cap, prog, longopts, g);
	if (g->c == ':')
		return written(snprintf(buf, cap,
		                        TR(tr, "option -%c needs an argument"),
		                        g->optopt),
		               cap);
	if (g->optopt > ' ' && g->optopt < 127)
		return written(snprintf(buf, cap,
		                        TR(tr, "unknown option -%c: see %s --help"),
		                        g->optopt, prog),
		               cap);
	return written(snprintf(buf, cap, TR(tr, "unknown option %s: see %s --help"),
	                        g->word ? g->word : "?", prog),
	               cap);
}
