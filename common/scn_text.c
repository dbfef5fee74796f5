/*
 * scn_text.c: the texts of a scenario that speak to the student: the
 * {names} of a run's numbers in them (checked by the parser, replaced by
 * scn_expand), and the comparison of a student's answer with a question's
 * accepted answers.
 *
 * Pure: no I/O, no allocation, no globals.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/outbuf.h"
#include "common/scn_int.h"

/* A {name} read from a text. */
struct name {
	enum scn_end end;
	bool port;         /* {END.port}, else {END.isn} */
	bool minus;        /* -N, else +N (or none) */
	uint32_t add;      /* N */
	const char *close; /* its '}' */
};

static const char *skip_blanks(const char *p, const char *e)
{
	while (p < e && scn_is_sp(*p))
		p++;
	return p;
}

/* The part after "client." or "server.": "isn" or "port". */
static const char *name_field(const char *p, const char *e, struct name *nm)
{
	if (e - p >= 3 && memcmp(p, "isn", 3) == 0)
		return p + 3;
	if (e - p >= 4 && memcmp(p, "port", 4) == 0) {
		nm->port = true;
		return p + 4;
	}
	return NULL;
}

/* "+N" or "-N", spaces allowed around the sign. */
static const char *name_offset(const char *p, const char *e, struct name *nm)
{
	uint64_t v = 0;
	const char *d;

	p = skip_blanks(p, e);
	if (p >= e || (*p != '+' && *p != '-'))
		return p;
	nm->minus = *p == '-';
	d = p = skip_blanks(p + 1, e);
	for (; p < e && scn_is_digit(*p); p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > UINT32_MAX)
			return NULL;
	if (p == d)
		return NULL;
	nm->add = (uint32_t)v;
	return skip_blanks(p, e);
}

/* Reads the name whose '{' is at p (e ends the text). True when it is
 * one of the four, with nm filled. */
static bool name_at(const char *p, const char *e, struct name *nm)
{
	memset(nm, 0, sizeof(*nm));
	p = skip_blanks(p + 1, e);
	if (e - p >= 7 && memcmp(p, "client.", 7) == 0)
		nm->end = SCN_CLIENT;
	else if (e - p >= 7 && memcmp(p, "server.", 7) == 0)
		nm->end = SCN_SERVER;
	else
		return false;
	p = name_field(p + 7, e, nm);
	if (p != NULL)
		p = name_offset(p, e, nm);
	if (p == NULL || p >= e || *p != '}')
		return false;
	nm->close = p;
	return true;
}

int scn_check_names(struct scn_ps *ps, const struct scn_cur *c, const char *at)
{
	const char *p = at, *close;
	struct name nm;

	while ((p = memchr(p, '{', (size_t)(c->e - p))) != NULL) {
		if (!name_at(p, c->e, &nm)) {
			close = memchr(p, '}', (size_t)(c->e - p));
			close = close != NULL ? close : c->e;
			return scn_fail(ps, c, p,
			                TR(ps->tr,
			                   "unknown name {%.*s}: "
			                   "expected {client.isn}, "
			                   "{server.isn}, {client.port} "
			                   "or {server.port}"),
			                (int)(close - p - 1), p + 1);
		}
		p = nm.close + 1;
	}
	return 0;
}

/* The value of a name, written into ob; the name as written when the
 * run does not know it yet. */
static void name_value(struct outbuf *ob, const struct name *nm,
                       const char *open, const struct scn_vars *v)
{
	int64_t port;
	uint32_t isn;

	if (nm->port) {
		port = (int64_t)v->port[nm->end] +
		       (nm->minus ? -(int64_t)nm->add : (int64_t)nm->add);
		ob_i64(ob, port);
	} else if (v->isn_known[nm->end]) {
		/* Sequence numbers wrap at 2^32. */
		isn = v->isn[nm->end];
		ob_u32(ob, nm->minus ? isn - nm->add : isn + nm->add);
	} else {
		ob_mem(ob, open, (size_t)(nm->close + 1 - open));
	}
}

int scn_expand(const char *text, const struct scn_vars *v, char *buf,
               size_t cap)
{
	const char *p = text, *e = text + strlen(text), *open;
	struct outbuf ob;
	struct name nm;
	long n;

	ob_init(&ob, buf, cap);
	while ((open = memchr(p, '{', (size_t)(e - p))) != NULL) {
		if (!name_at(open, e, &nm))
			return TCPLAB_EINVAL;
		ob_mem(&ob, p, (size_t)(open - p));
		name_value(&ob, &nm, open, v);
		p = nm.close + 1;
	}
	ob_mem(&ob, p, (size_t)(e - p));
	n = ob_finish(&ob, buf);
	return n < 0 ? TCPLAB_ENOSPC : (int)n;
}

/* Bytes of the blank at p: a space, a tab, or the ideographic space
 * (U+3000) a Chinese input method types; 0 when p is not one. */
static size_t blank_len(const char *p, const char *e)
{
	if (p < e && (scn_is_sp(*p) || *p == '\r' || *p == '\n'))
		return 1;
	if (e - p >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static const char *trim_start(const char *p, const char *e)
{
	size_t n;

	while ((n = blank_len(p, e)) > 0)
		p += n;
	return p;
}

/* The end of s without the blanks it ends with. */
static const char *trim_end(const char *s, const char *e)
{
	const char *q = s, *last = s;
	size_t n;

	while (q < e) {
		n = blank_len(q, e);
		if (n == 0) {
			q++;
			last = q;
		} else {
			q += n;
		}
	}
	return last;
}

/* Compares the digit runs at *a and *b as numbers and steps over them. */
static bool same_number(const char **a, const char *ae, const char **b,
                        const char *be)
{
	const char *x = *a, *y = *b, *xd, *yd;

	while (x + 1 < ae && *x == '0' && scn_is_digit(x[1]))
		x++;
	while (y + 1 < be && *y == '0' && scn_is_digit(y[1]))
		y++;
	for (xd = x; xd < ae && scn_is_digit(*xd); xd++)
		;
	for (yd = y; yd < be && scn_is_digit(*yd); yd++)
		;
	*a = xd;
	*b = yd;
	return xd - x == yd - y && memcmp(x, y, (size_t)(xd - x)) == 0;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Whether two answers are the same: case, blanks at either end or
 * repeated inside, and leading zeros do not count. */
static bool same_answer(const char *a, const char *b)
{
	const char *ae = trim_end(a, a + strlen(a));
	const char *be = trim_end(b, b + strlen(b));
	size_t na, nb;

	a = trim_start(a, ae);
	b = trim_start(b, be);
	while (a < ae && b < be) {
		na = blank_len(a, ae);
		nb = blank_len(b, be);
		if (na > 0 || nb > 0) {
			if (na == 0 || nb == 0)
				return false;
			a = trim_start(a, ae);
			b = trim_start(b, be);
		} else if (scn_is_digit(*a) && scn_is_digit(*b)) {
			if (!same_number(&a, ae, &b, be))
				return false;
		} else if (lower(*a++) != lower(*b++)) {
			return false;
		}
	}
	return a == ae && b == be;
}

bool scn_answer_ok(const struct scn_step *q, const struct scn_vars *v,
                   const char *answer)
{
	char buf[1024];
	unsigned i;

	for (i = 0; i < q->nanswers; i++)
		if (scn_expand(q->answers[i], v, buf, sizeof(buf)) >= 0 &&
		    same_answer(buf, answer))
			return true;
	return false;
}

const char *scn_end_name(enum scn_end e)
{
	return e == SCN_CLIENT ? "client" : "server";
}

const char *scn_player_name(enum scn_player p)
{
	switch (p) {
	case SCN_TCPLAB:
		return "tcplab";
	case SCN_KERNEL:
		return "kernel";
	default:
		return "raw";
	}
}
