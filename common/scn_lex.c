/*
 * scn_lex.c: the small pieces of a scenario line: blanks and words,
 * numbers and ranges, seconds, quoted texts with their escapes, comments,
 * and the error that names a line and a column.
 *
 * Columns count characters, not bytes: a Chinese character in UTF-8 is
 * three bytes and one column, as an editor shows it. Pure: no I/O, no
 * globals; only scn_parse_quoted() allocates (the text it returns).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/scn_int.h"

/* The longest time a step may name: a day. */
#define SECS_MAX 86400u

unsigned scn_cols(const char *line, const char *at)
{
	unsigned n = 0;

	for (; line < at; line++)
		if (((unsigned char)*line & 0xc0) != 0x80)
			n++; /* not a UTF-8 continuation byte */
	return n;
}

int scn_fail(struct scn_ps *ps, const struct scn_cur *c, const char *at,
             const char *fmt, ...)
{
	va_list ap;

	ps->err->line = c->lineno;
	ps->err->col = scn_cols(c->line, at) + 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return TCPLAB_EINVAL;
}

int scn_nomem(struct scn_ps *ps)
{
	ps->err->line = 0;
	ps->err->col = 0;
	snprintf(ps->err->msg, sizeof(ps->err->msg), "%s",
	         TR(ps->tr, "out of memory"));
	return TCPLAB_ENOMEM;
}

void scn_skip_sp(struct scn_cur *c)
{
	while (c->p < c->e && scn_is_sp(*c->p))
		c->p++;
}

bool scn_at_end(const struct scn_cur *c)
{
	return c->p >= c->e;
}

size_t scn_word_len(const struct scn_cur *c)
{
	const char *q = c->p;

	while (q < c->e && !scn_is_sp(*q))
		q++;
	return (size_t)(q - c->p);
}

bool scn_take_word(struct scn_cur *c, const char *w)
{
	size_t n = strlen(w);

	if (scn_word_len(c) != n || memcmp(c->p, w, n) != 0)
		return false;
	c->p += n;
	return true;
}

int scn_read_u32(struct scn_ps *ps, struct scn_cur *c, uint32_t min,
                 uint32_t max, uint32_t *v)
{
	const char *b = c->p;
	uint64_t x = 0;

	if (c->p >= c->e || !scn_is_digit(*c->p))
		return 1;
	for (; c->p < c->e && scn_is_digit(*c->p); c->p++)
		if (x <= UINT32_MAX)
			x = x * 10 + (uint64_t)(*c->p - '0');
	if (x < min || x > max)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "the number %.*s is out of range: "
		                           "%lu to %lu"),
		                (int)(c->p - b), b, (unsigned long)min,
		                (unsigned long)max);
	*v = (uint32_t)x;
	return 0;
}

int scn_parse_num(struct scn_ps *ps, struct scn_cur *c, uint32_t max,
                  struct scn_num *n)
{
	const char *b = c->p;
	int rc;

	memset(n, 0, sizeof(*n));
	if (c->p < c->e && *c->p == '*') {
		n->any = true;
		c->p++;
		return 0;
	}
	rc = scn_read_u32(ps, c, 0, max, &n->lo);
	if (rc != 0)
		return rc;
	n->hi = n->lo;
	if (c->e - c->p >= 2 && c->p[0] == '-' && scn_is_digit(c->p[1])) {
		if (ps->inject)
			return scn_fail(ps, c, b,
			                TR(ps->tr,
			                   "a range is for expectations: "
			                   "an injected segment needs a "
			                   "value or *"));
		c->p++;
		rc = scn_read_u32(ps, c, 0, max, &n->hi);
		if (rc < 0)
			return rc;
		if (n->hi < n->lo)
			return scn_fail(ps, c, b,
			                TR(ps->tr, "the range %.*s is empty: "
			                           "write the low end first"),
			                (int)(c->p - b), b);
	}
	return 0;
}

/* The digits of a fraction: at most six count (microseconds). */
static void fraction(struct scn_cur *c, uint64_t *us, unsigned *nf)
{
	uint64_t scale = 100000;

	for (; c->p < c->e && scn_is_digit(*c->p); c->p++, (*nf)++) {
		*us += (uint64_t)(*c->p - '0') * scale;
		scale /= 10;
	}
}

int scn_parse_secs(struct scn_ps *ps, struct scn_cur *c, uint64_t min_us,
                   uint64_t *us)
{
	const char *b = c->p;
	uint64_t whole = 0, frac = 0;
	unsigned nd = 0, nf = 0;

	for (; c->p < c->e && scn_is_digit(*c->p); c->p++, nd++)
		if (whole <= SECS_MAX)
			whole = whole * 10 + (uint64_t)(*c->p - '0');
	if (c->p < c->e && *c->p == '.') {
		c->p++;
		fraction(c, &frac, &nf);
	}
	if (nd + nf == 0 || (c->p < c->e && !scn_is_sp(*c->p)))
		return scn_fail(ps, c, b,
		                TR(ps->tr, "expected a time in seconds, such "
		                           "as 2, 0.5 or .1"));
	if (nf > 6)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "the time %.*s is finer than a "
		                           "microsecond"),
		                (int)(c->p - b), b);
	*us = whole * 1000000 + frac;
	if (whole > SECS_MAX || *us > (uint64_t)SECS_MAX * 1000000 ||
	    *us < min_us)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "the time %.*s is out of range: "
		                           "%s to %u seconds"),
		                (int)(c->p - b), b, min_us > 0 ? "0.001" : "0",
		                SECS_MAX);
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One escape at *q (its backslash), written at *w. */
static int escape(struct scn_ps *ps, const struct scn_cur *c, const char **q,
                  char **w)
{
	static const char from[] = "rnt\\\"", to[] = "\r\n\t\\\"";
	const char *k, *b = *q;
	int hi, lo;

	k = strchr(from, b[1]);
	if (b[1] != '\0' && k != NULL) {
		*(*w)++ = to[k - from];
		*q = b + 2;
		return 0;
	}
	if (b[1] != 'x')
		return scn_fail(ps, c, b,
		                TR(ps->tr, "unknown escape \"\\%.*s\": use "
		                           "\\r \\n \\t \\\\ \\\" or \\xHH"),
		                1, b + 1);
	hi = b + 2 < c->e ? hex_digit(b[2]) : -1;
	lo = b + 3 < c->e ? hex_digit(b[3]) : -1;
	if (hi < 0 || lo < 0)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "expected two hex digits after "
		                           "\\x"));
	*(*w)++ = (char)(hi << 4 | lo);
	*q = b + 4;
	return 0;
}

int scn_parse_quoted(struct scn_ps *ps, struct scn_cur *c, char **out,
                     size_t *len)
{
	const char *open = c->p, *q = c->p + 1;
	char *buf = malloc((size_t)(c->e - c->p) + 1), *w = buf;
	int rc;

	if (buf == NULL)
		return scn_nomem(ps);
	while (q < c->e && *q != '"') {
		if (*q != '\\') {
			*w++ = *q++;
			continue;
		}
		if (q + 1 >= c->e)
			break; /* a backslash at the end: no closing quote */
		rc = escape(ps, c, &q, &w);
		if (rc < 0) {
			free(buf);
			return rc;
		}
	}
	if (q >= c->e) {
		free(buf);
		return scn_fail(ps, c, open,
		                TR(ps->tr, "unterminated quoted text"));
	}
	*w = '\0';
	c->p = q + 1;
	*out = buf;
	*len = (size_t)(w - buf);
	return 0;
}

const char *scn_comment_at(const char *p, const char *e)
{
	bool quoted = false;

	for (; p < e; p++) {
		if (quoted && *p == '\\' && p + 1 < e)
			p++; /* an escaped character, a quote among them */
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '#' && !quoted)
			return p;
	}
	return e;
}
