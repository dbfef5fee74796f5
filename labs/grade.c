/*
 * grade.c: tcplab-text grade, the table of a class's runs from the
 * records that `tcplab run --student NAME --record FILE` appends.
 *
 *   tcplab-text grade [--csv] [-w COLS] FILE...
 *
 * Each line of a record file is one JSON object (grade.h). The answers of
 * a run ("prediction" and "question" lines) come before the "lab" line
 * that ends it, so that line closes them: the run's score is the answers
 * right of all its answers. A student who runs a lab twice is graded on
 * the last run, in the order of the files and of their lines.
 *
 * The table has one row per student and lab, sorted by student then lab
 * (in the order of their bytes, the same in every language), and then one
 * line per student. It fits the width (-w, else the terminal's): the
 * student's and the lab's columns give way, their names cut with "…". With
 * --csv it is RFC 4180 instead, with untranslated column names and
 * nothing cut.
 *
 * A line that is not such a record is reported on standard error as
 * FILE:LINE: what was wrong, and skipped; the exit status is then 1. This
 * file reads the files it is given and writes standard output and
 * standard error, nothing else.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/i18n.h"
#include "common/wrap.h"
#include "labs/grade.h"
#include "labs/text.h"

/* ---- The reader: one flat JSON object. ---- */

enum jv { JV_STRING, JV_NUMBER, JV_BOOL, JV_NULL };

static const struct {
	const char *name;
	enum jv kind;
} keys[GK_N] = {
        [GK_TYPE] = {"type", JV_STRING},
        [GK_STUDENT] = {"student", JV_STRING},
        [GK_LAB] = {"lab", JV_STRING},
        [GK_ITEM] = {"item", JV_STRING},
        [GK_ANSWER] = {"answer", JV_STRING},
        [GK_EXPECTED] = {"expected", JV_STRING},
        [GK_RIGHT] = {"right", JV_BOOL},
        [GK_SCORE] = {"score", JV_NUMBER},
        [GK_OF] = {"of", JV_NUMBER},
        [GK_EXPECTATIONS] = {"expectations", JV_NUMBER},
        [GK_MET] = {"met", JV_NUMBER},
        [GK_DURATION] = {"duration", JV_NUMBER},
        [GK_OUTCOME] = {"outcome", JV_STRING},
        [GK_TIME] = {"time", JV_STRING},
};

/* Where the reader is in a line, and where it says what was wrong. */
struct jr {
	const char *p, *end;
	char *err;
	size_t cap;
};

/* One value. */
struct jval {
	enum jv kind;
	char *s; /* JV_STRING, malloc'd */
	double num;
	bool b;
};

static int jr_fail(struct jr *j, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int jr_fail(struct jr *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, j->cap, fmt, ap);
	va_end(ap);
	return -1;
}

static void jr_ws(struct jr *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	                         *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static bool jr_at(const struct jr *j, char c)
{
	return j->p < j->end && *j->p == c;
}

/* The four hex digits of a \u escape, after the "\u". */
static int jr_hex4(struct jr *j, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, j->p++) {
		char c = j->p < j->end ? *j->p : '\0';
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return jr_fail(j, _("a \\u escape needs four hex "
			                    "digits"));
		*v = *v << 4 | d;
	}
	return 0;
}

/* Writes code point cp as UTF-8 at buf; returns the bytes written. */
static size_t utf8_put(char *buf, unsigned long cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape, after the backslash: one code point, or a surrogate pair
 * (RFC 8259, section 7) as one. */
static int jr_unicode(struct jr *j, unsigned long *cp)
{
	unsigned hi, lo;

	j->p++; /* the u */
	if (jr_hex4(j, &hi) < 0)
		return -1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jr_fail(j, _("a \\u escape of a lone surrogate"));
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
			return jr_fail(j, _("a \\u escape of a lone "
			                    "surrogate"));
		j->p += 2;
		if (jr_hex4(j, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return jr_fail(j, _("a \\u escape of a lone "
			                    "surrogate"));
		*cp = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) +
		      (lo - 0xdc00);
		return 0;
	}
	if (hi == 0)
		return jr_fail(j, _("a string holds \\u0000"));
	*cp = hi;
	return 0;
}

/* One escape, after the backslash, appended to buf at *n. */
static int jr_escape(struct jr *j, char *buf, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at;
	unsigned long cp = 0;

	if (j->p == j->end)
		return jr_fail(j, _("a string does not end"));
	if (*j->p == 'u') {
		if (jr_unicode(j, &cp) < 0)
			return -1;
		*n += utf8_put(buf + *n, cp);
		return 0;
	}
	at = strchr(from, *j->p);
	if (at == NULL || *j->p == '\0')
		return jr_fail(j, _("an unknown escape \\%c in a string"),
		               *j->p);
	buf[(*n)++] = to[at - from];
	j->p++;
	return 0;
}

/* A string, from its opening quote. Its text, unescaped, is never longer
 * than it is written. */
static int jr_string(struct jr *j, char **out)
{
	char *buf = text_alloc((size_t)(j->end - j->p) + 1);
	size_t n = 0;

	j->p++;
	for (;;) {
		unsigned char c = j->p < j->end ? (unsigned char)*j->p : 0;
		unsigned cols;
		size_t k;

		if (j->p == j->end) {
			jr_fail(j, _("a string does not end"));
			goto fail;
		}
		if (c == '"')
			break;
		if (c < 0x20) {
			jr_fail(j, _("a control character in a string"));
			goto fail;
		}
		if (c == '\\') {
			j->p++;
			if (jr_escape(j, buf, &n) < 0)
				goto fail;
			continue;
		}
		k = wrap_next(j->p, (size_t)(j->end - j->p), &cols);
		if (k == 1 && c >= 0x80) {
			jr_fail(j, _("a string is not valid UTF-8"));
			goto fail;
		}
		memcpy(buf + n, j->p, k);
		n += k;
		j->p += k;
	}
	j->p++;
	buf[n] = '\0';
	*out = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

static bool is_digit(const struct jr *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

/* A number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jr_number(struct jr *j, double *out)
{
	const char *start = j->p;
	char text[64];
	size_t n;

	if (jr_at(j, '-'))
		j->p++;
	if (jr_at(j, '0'))
		j->p++;
	else if (is_digit(j))
		while (is_digit(j))
			j->p++;
	else
		goto bad;
	if (jr_at(j, '.')) {
		j->p++;
		if (!is_digit(j))
			goto bad;
		while (is_digit(j))
			j->p++;
	}
	if (jr_at(j, 'e') || jr_at(j, 'E')) {
		j->p++;
		if (jr_at(j, '+') || jr_at(j, '-'))
			j->p++;
		if (!is_digit(j))
			goto bad;
		while (is_digit(j))
			j->p++;
	}
	n = (size_t)(j->p - start);
	if (n >= sizeof text)
		goto bad;
	memcpy(text, start, n);
	text[n] = '\0';
	/* Numbers stay in the C locale (i18n.h): the point is a point. */
	*out = strtod(text, NULL);
	return 0;
bad:
	return jr_fail(j, _("a number is not written as JSON writes one"));
}

/* A word: true, false or null. */
static bool jr_word(struct jr *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static int jr_value(struct jr *j, struct jval *v)
{
	memset(v, 0, sizeof(*v));
	if (jr_at(j, '"')) {
		v->kind = JV_STRING;
		return jr_string(j, &v->s);
	}
	if (jr_at(j, '-') || is_digit(j)) {
		v->kind = JV_NUMBER;
		return jr_number(j, &v->num);
	}
	v->kind = JV_BOOL;
	if (jr_word(j, "true")) {
		v->b = true;
		return 0;
	}
	if (jr_word(j, "false"))
		return 0;
	v->kind = JV_NULL;
	if (jr_word(j, "null"))
		return 0;
	if (jr_at(j, '{') || jr_at(j, '['))
		return jr_fail(j, _("a record's values are strings, numbers, "
		                    "true or false, not objects or arrays"));
	return jr_fail(j, _("a value expected"));
}

void grade_rec_free(struct grade_rec *r)
{
	for (int k = 0; k < GK_N; k++) {
		free(r->str[k]);
		r->str[k] = NULL;
	}
}

static int key_index(const char *name)
{
	for (int k = 0; k < GK_N; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

/* Keeps value v of key k in r, or says why it cannot (v is then freed). */
static int rec_set(struct jr *j, struct grade_rec *r, int k, struct jval *v)
{
	const char *want;

	if (r->have & 1ul << k) {
		free(v->s);
		return jr_fail(j, _("\"%s\" is given twice"), keys[k].name);
	}
	if (v->kind != keys[k].kind) {
		free(v->s);
		want = keys[k].kind == JV_STRING   ? _("a string")
		       : keys[k].kind == JV_NUMBER ? _("a number")
		                                   : _("true or false");
		/* TRANSLATORS: "score" must be a number: a record's key, and
		   the kind of value it needs. */
		return jr_fail(j, _("\"%s\" must be %s"), keys[k].name, want);
	}
	r->have |= 1ul << k;
	r->str[k] = v->s;
	r->num[k] = v->num;
	if (k == GK_RIGHT)
		r->right = v->b;
	return 0;
}

/* The members of the object, from after its "{". */
static int jr_members(struct jr *j, struct grade_rec *r)
{
	jr_ws(j);
	if (jr_at(j, '}')) {
		j->p++;
		return 0;
	}
	for (;;) {
		struct jval v;
		char *name;
		int k;

		if (!jr_at(j, '"'))
			return jr_fail(j, _("a key in double quotes "
			                    "expected"));
		if (jr_string(j, &name) < 0)
			return -1;
		k = key_index(name);
		jr_ws(j);
		if (!jr_at(j, ':')) {
			jr_fail(j, _("a colon expected after \"%s\""), name);
			free(name);
			return -1;
		}
		j->p++;
		jr_ws(j);
		if (jr_value(j, &v) < 0 ||
		    (k >= 0 ? rec_set(j, r, k, &v) : (free(v.s), 0)) < 0) {
			free(name);
			return -1;
		}
		jr_ws(j);
		if (jr_at(j, '}')) {
			free(name);
			j->p++;
			return 0;
		}
		if (!jr_at(j, ',')) {
			jr_fail(j,
			        _("a comma or } expected after the value "
			          "of \"%s\""),
			        name);
			free(name);
			return -1;
		}
		free(name);
		j->p++;
		jr_ws(j);
	}
}

/* Whether key k is a whole number from 0 (and at most a million). */
static bool whole(const struct grade_rec *r, int k)
{
	double v = r->num[k];

	return v >= 0 && v <= 1e6 && floor(v) == v;
}

/* The keys a record of its type needs, and what their values may be. */
static int rec_check(struct jr *j, struct grade_rec *r)
{
	static const int answer_keys[] = {GK_STUDENT, GK_LAB,      GK_ITEM,
	                                  GK_ANSWER,  GK_EXPECTED, GK_RIGHT,
	                                  GK_TIME,    -1};
	static const int lab_keys[] = {
	        GK_STUDENT, GK_LAB,      GK_SCORE,   GK_OF,   GK_EXPECTATIONS,
	        GK_MET,     GK_DURATION, GK_OUTCOME, GK_TIME, -1};
	static const int whole_keys[] = {GK_SCORE, GK_OF, GK_EXPECTATIONS,
	                                 GK_MET, -1};
	const char *type = r->str[GK_TYPE], *o = r->str[GK_OUTCOME];
	const int *need;

	if (type == NULL)
		return jr_fail(j, _("\"%s\" is missing"), "type");
	if (strcmp(type, "prediction") == 0)
		r->type = GRADE_PREDICTION;
	else if (strcmp(type, "question") == 0)
		r->type = GRADE_QUESTION;
	else if (strcmp(type, "lab") == 0)
		r->type = GRADE_LAB;
	else
		return jr_fail(j,
		               _("a record's type is prediction, question "
		                 "or lab, not \"%.40s\""),
		               type);
	need = r->type == GRADE_LAB ? lab_keys : answer_keys;
	for (; *need >= 0; need++)
		if (!(r->have & 1ul << *need))
			return jr_fail(j, _("\"%s\" is missing"),
			               keys[*need].name);
	if (r->str[GK_STUDENT][0] == '\0' || r->str[GK_LAB][0] == '\0')
		return jr_fail(j, _("\"%s\" is empty"),
		               r->str[GK_LAB][0] ? "student" : "lab");
	if (r->type != GRADE_LAB)
		return 0;
	for (need = whole_keys; *need >= 0; need++)
		if (!whole(r, *need))
			return jr_fail(j,
			               _("\"%s\" must be a whole number "
			                 "from 0"),
			               keys[*need].name);
	if (r->num[GK_SCORE] > r->num[GK_OF])
		return jr_fail(j, _("\"%s\" is more than \"%s\""), "score",
		               "of");
	if (r->num[GK_MET] > r->num[GK_EXPECTATIONS])
		return jr_fail(j, _("\"%s\" is more than \"%s\""), "met",
		               "expectations");
	if (!(r->num[GK_DURATION] >= 0 && r->num[GK_DURATION] < 1e9))
		return jr_fail(j, _("\"duration\" must be seconds from 0"));
	if (strcmp(o, "passed") != 0 && strcmp(o, "failed") != 0 &&
	    strcmp(o, "stopped") != 0)
		return jr_fail(j,
		               _("\"outcome\" is passed, failed or "
		                 "stopped, not \"%.40s\""),
		               o);
	return 0;
}

int grade_parse(const char *line, size_t len, struct grade_rec *r, char *err,
                size_t cap)
{
	struct jr j = {line, line + len, err, cap};

	memset(r, 0, sizeof(*r));
	jr_ws(&j);
	if (!jr_at(&j, '{')) {
		jr_fail(&j, _("not a record: a JSON object on one line "
		              "expected"));
		goto fail;
	}
	j.p++;
	if (jr_members(&j, r) < 0)
		goto fail;
	jr_ws(&j);
	if (j.p != j.end) {
		jr_fail(&j, _("text after the object"));
		goto fail;
	}
	if (rec_check(&j, r) < 0)
		goto fail;
	return 0;
fail:
	grade_rec_free(r);
	return -1;
}

/* ---- The book: every student's every lab. ---- */

enum outcome { OUT_PASSED, OUT_FAILED, OUT_STOPPED };

/* The outcomes as the records write them; the table translates them. */
static const char *const outcome_name[] = {
        /* TRANSLATORS: a run's outcome in the grade table. */
        N_("passed"),
        N_("failed"),
        N_("stopped"),
};

struct run {
	unsigned score, of;   /* answers right, answers */
	unsigned met, checks; /* expectations met, expectations */
	double duration;      /* seconds */
	enum outcome outcome;
};

struct row {
	char *student, *lab;
	unsigned runs;           /* lab lines */
	struct run last;         /* the last of them */
	unsigned right, answers; /* since the last lab line: the next run's */
};

struct book {
	struct row *row;
	size_t n, cap;
	unsigned skipped;
	unsigned cols; /* the width to fit (0: no limit) */
};

/* Prints "FILE:LINE: what" on stderr, wrapped to cols as the table is,
 * its continuations indented by two spaces. */
static void line_warn(const char *file, unsigned long line, const char *what,
                      unsigned cols)
{
	size_t len = strlen(file) + strlen(what) + 32, cap = 4 * len + 64;
	char *msg = text_alloc(len), *out = text_alloc(cap);
	int n;

	snprintf(msg, len, "%s:%lu: %s", file, line, what);
	n = wrap_para(msg, strlen(msg), "", "  ", cols, out, cap);
	if (n >= 0)
		fwrite(out, 1, (size_t)n, stderr);
	else
		fprintf(stderr, "%s\n", msg);
	free(msg);
	free(out);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(text_alloc(n), s, n);
}

static struct row *book_row(struct book *b, const char *student,
                            const char *lab)
{
	struct row *w;

	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->row[i].student, student) == 0 &&
		    strcmp(b->row[i].lab, lab) == 0)
			return &b->row[i];
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->row = realloc(b->row, b->cap * sizeof(*b->row));
		if (b->row == NULL)
			text_die(_("out of memory"));
	}
	w = &b->row[b->n++];
	memset(w, 0, sizeof(*w));
	w->student = dup_str(student);
	w->lab = dup_str(lab);
	return w;
}

/* A record into the book. A lab line ends its run: the answers given
 * since the last one are its own. */
static void book_add(struct book *b, const struct grade_rec *r,
                     const char *file, unsigned long line)
{
	struct row *w = book_row(b, r->str[GK_STUDENT], r->str[GK_LAB]);
	struct run *run = &w->last;

	if (r->type != GRADE_LAB) {
		w->answers++;
		w->right += r->right;
		return;
	}
	w->runs++;
	run->score = w->right;
	run->of = w->answers;
	run->met = (unsigned)r->num[GK_MET];
	run->checks = (unsigned)r->num[GK_EXPECTATIONS];
	run->duration = r->num[GK_DURATION];
	run->outcome = r->str[GK_OUTCOME][0] == 'p'   ? OUT_PASSED
	               : r->str[GK_OUTCOME][0] == 'f' ? OUT_FAILED
	                                              : OUT_STOPPED;
	if (run->score != (unsigned)r->num[GK_SCORE] ||
	    run->of != (unsigned)r->num[GK_OF]) {
		char msg[256];

		snprintf(msg, sizeof msg,
		         _("the run's answers score %u of %u, its lab line "
		           "says %u of %u: the table counts the answers"),
		         run->score, run->of, (unsigned)r->num[GK_SCORE],
		         (unsigned)r->num[GK_OF]);
		line_warn(file, line, msg, b->cols);
	}
	w->right = w->answers = 0;
}

static void book_read(struct book *b, FILE *f, const char *file)
{
	char *line = NULL, err[256];
	size_t cap = 0;
	unsigned long no = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, f)) >= 0) {
		struct grade_rec r;
		size_t len = (size_t)n;

		no++;
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (strspn(line, " \t") >= len)
			continue; /* a blank line is no record */
		if (memchr(line, '\0', len) != NULL) {
			snprintf(err, sizeof err, "%s",
			         _("a NUL byte in the line"));
		} else if (grade_parse(line, len, &r, err, sizeof err) == 0) {
			book_add(b, &r, file, no);
			grade_rec_free(&r);
			continue;
		}
		line_warn(file, no, err, b->cols);
		b->skipped++;
	}
	free(line);
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->student, y->student);

	return c ? c : strcmp(x->lab, y->lab);
}

/* ---- The table. ---- */

enum col {
	C_STUDENT,
	C_LAB,
	C_RUNS,
	C_SCORE,
	C_CHECKS,
	C_OUTCOME,
	C_SECS,
	C_N
};

#define GAP      2 /* spaces between columns */
#define NAME_MIN 6 /* the narrowest a name column gives way to */

/* The cells of one row; names point into the row. */
struct cells {
	const char *s[C_N];
	char num[C_N][32];
};

static void row_cells(const struct row *w, struct cells *c)
{
	const struct run *r = &w->last;

	c->s[C_STUDENT] = w->student;
	c->s[C_LAB] = w->lab;
	snprintf(c->num[C_RUNS], 32, "%u", w->runs);
	snprintf(c->num[C_SCORE], 32, "%u/%u", r->score, r->of);
	snprintf(c->num[C_CHECKS], 32, "%u/%u", r->met, r->checks);
	snprintf(c->num[C_SECS], 32, "%.1f", r->duration);
	c->s[C_OUTCOME] = _(outcome_name[r->outcome]);
	for (int i = C_RUNS; i < C_N; i++)
		if (i != C_OUTCOME)
			c->s[i] = c->num[i];
}

static size_t cols_of(const char *s)
{
	return wrap_cols(s, strlen(s));
}

/* Writes s in width columns: cut with "…" when wider, padded with spaces
 * on the left (right) or the right (unless it is the line's last). */
static void put_cell(const char *s, size_t width, bool right, bool last)
{
	size_t len = strlen(s), w, n = wrap_cut(s, len, width, &w);

	if (n < len && width > 0) {
		n = wrap_cut(s, len, width - 1, &w);
		text_write(s, n);
		text_write("\xe2\x80\xa6", 3); /* … */
		w++;
		s = NULL;
	}
	for (; right && w < width; w++)
		text_write(" ", 1);
	if (s != NULL)
		text_write(s, n);
	for (; !right && !last && w < width; w++)
		text_write(" ", 1);
}

/* The columns' widths: each as wide as its heading and its cells; the
 * two names narrower, the wider first, until the table fits cols (0: no
 * limit). */
static void col_widths(const char *const *head, const struct book *b,
                       unsigned cols, size_t *w)
{
	size_t total = 0;
	struct cells c;

	for (int i = 0; i < C_N; i++)
		w[i] = cols_of(head[i]);
	for (size_t r = 0; r < b->n; r++) {
		row_cells(&b->row[r], &c);
		for (int i = 0; i < C_N; i++)
			if (cols_of(c.s[i]) > w[i])
				w[i] = cols_of(c.s[i]);
	}
	for (int i = 0; i < C_N; i++)
		total += w[i] + (i ? GAP : 0);
	while (cols > 0 && total > cols &&
	       (w[C_STUDENT] > NAME_MIN || w[C_LAB] > NAME_MIN)) {
		int i = w[C_STUDENT] >= w[C_LAB] ? C_STUDENT : C_LAB;

		if (w[i] <= NAME_MIN)
			i = i == C_STUDENT ? C_LAB : C_STUDENT;
		w[i]--;
		total--;
	}
}

static void put_row(const char *const *s, const size_t *w)
{
	for (int i = 0; i < C_N; i++) {
		if (i > 0)
			text_write("  ", GAP);
		put_cell(s[i], w[i], i >= C_RUNS && i != C_OUTCOME,
		         i == C_N - 1);
	}
	text_write("\n", 1);
}

/* After the table, one line a student: labs passed of labs run, and the
 * answers right of all, over the last run of each lab. */
static void put_students(const struct book *b, unsigned cols)
{
	size_t i = 0;

	while (i < b->n) {
		const char *who = b->row[i].student;
		unsigned passed = 0, labs = 0, score = 0, of = 0;
		char line[512], rest[512];
		size_t room;

		for (; i < b->n && strcmp(b->row[i].student, who) == 0; i++) {
			labs++;
			passed += b->row[i].last.outcome == OUT_PASSED;
			score += b->row[i].last.score;
			of += b->row[i].last.of;
		}
		/* TRANSLATORS: a student's line under the grade table: the
		   name, labs passed of labs run, answers right of all. */
		const char *fmt = _("%s: %u of %u labs passed, score %u of %u");
		snprintf(rest, sizeof rest, fmt, "", passed, labs, score, of);
		room = cols == 0                         ? SIZE_MAX
		       : cols > cols_of(rest) + NAME_MIN ? cols - cols_of(rest)
		                                         : NAME_MIN;
		if (cols_of(who) > room) {
			size_t n = wrap_cut(who, strlen(who), room - 1, NULL);
			char cut[512];

			snprintf(cut, sizeof cut, "%.*s\xe2\x80\xa6", (int)n,
			         who);
			snprintf(line, sizeof line, fmt, cut, passed, labs,
			         score, of);
		} else {
			snprintf(line, sizeof line, fmt, who, passed, labs,
			         score, of);
		}
		printf("%s\n", line);
	}
}

static void put_table(const struct book *b, unsigned cols)
{
	/* TRANSLATORS: the grade table's headings: a student, a lab, how
	   many times it was run, the last run's answers right of all, its
	   expectations met of all, its outcome and its duration. */
	const char *head[C_N] = {_("student"), _("lab"),    _("runs"),
	                         _("score"),   _("checks"), _("outcome"),
	                         _("seconds")};
	size_t w[C_N], total = 0;
	struct cells c;

	col_widths(head, b, cols, w);
	put_row(head, w);
	for (int i = 0; i < C_N; i++)
		total += w[i] + (i ? GAP : 0);
	for (size_t i = 0; i < total; i++)
		text_write("-", 1);
	text_write("\n", 1);
	for (size_t r = 0; r < b->n; r++) {
		row_cells(&b->row[r], &c);
		put_row(c.s, w);
	}
	if (b->n > 0)
		text_write("\n", 1);
	fflush(stdout);
	put_students(b, cols);
}

/* ---- CSV (RFC 4180). ---- */

static void csv_field(const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		text_write(s, strlen(s));
	} else {
		text_write("\"", 1);
		for (; *s; s++) {
			/* A quote inside is written twice. */
			if (*s == '"')
				text_write("\"", 1);
			text_write(s, 1);
		}
		text_write("\"", 1);
	}
	text_write(last ? "\r\n" : ",", last ? 2 : 1);
}

static void put_csv(const struct book *b)
{
	static const char *const head[] = {
	        "student", "lab",          "runs",    "score",   "of",
	        "met",     "expectations", "outcome", "duration"};
	enum { NF = sizeof head / sizeof head[0] };

	for (int i = 0; i < NF; i++)
		csv_field(head[i], i == NF - 1);
	for (size_t r = 0; r < b->n; r++) {
		const struct row *w = &b->row[r];
		char f[6][32];

		snprintf(f[0], 32, "%u", w->runs);
		snprintf(f[1], 32, "%u", w->last.score);
		snprintf(f[2], 32, "%u", w->last.of);
		snprintf(f[3], 32, "%u", w->last.met);
		snprintf(f[4], 32, "%u", w->last.checks);
		snprintf(f[5], 32, "%.1f", w->last.duration);
		csv_field(w->student, false);
		csv_field(w->lab, false);
		for (int i = 0; i < 5; i++)
			csv_field(f[i], false);
		csv_field(outcome_name[w->last.outcome], false);
		csv_field(f[5], true);
	}
}

/* ---- The command. ---- */

static const char grade_help[] =
        N_("usage: tcplab-text grade [--csv] [-w COLS] FILE...\n"
           "Reads the records that tcplab run --record appends (- for stdin)\n"
           "and prints one row per student and lab: the runs, and the last\n"
           "run's score (answers right of all), expectations met, outcome\n"
           "and duration; then each student's labs passed and total score.\n"
           "--csv prints the rows as CSV (RFC 4180) instead. A line that is\n"
           "not a record is reported as FILE:LINE and skipped; the exit\n"
           "status is then 1.\n");

static void book_file(struct book *b, const char *file, int *rc)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");

	if (f == NULL) {
		text_warn(_("cannot read %s: %s"), file, strerror(errno));
		*rc = 2;
		return;
	}
	book_read(b, f, file);
	if (ferror(f)) {
		text_warn(_("cannot read %s: %s"), file, strerror(errno));
		*rc = 2;
	}
	if (f != stdin)
		fclose(f);
}

int text_grade(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"csv", no_argument, NULL, 'c'},
	        {"width", required_argument, NULL, 'w'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct book b = {0};
	unsigned cols = text_cols();

	b.cols = cols;
	bool csv = false;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		if (c == 'c')
			csv = true;
		else if (c == 'w')
			b.cols = cols = text_width_arg(optarg);
		else if (c == 'h') {
			fputs(_(grade_help), stdout);
			return 0;
		} else
			return 2;
	}
	if (optind == argc)
		text_die(_("grade needs the record files (see grade --help)"));
	for (int i = optind; i < argc; i++)
		book_file(&b, argv[i], &rc);
	/* Only rows with a run: answers without their lab line belong to
	 * a run that never ended. */
	size_t kept = 0;
	for (size_t i = 0; i < b.n; i++)
		if (b.row[i].runs > 0)
			b.row[kept++] = b.row[i];
		else {
			free(b.row[i].student);
			free(b.row[i].lab);
		}
	b.n = kept;
	/* No rows: no table to sort (and qsort() must not get NULL). */
	if (b.n > 0)
		qsort(b.row, b.n, sizeof(*b.row), row_cmp);
	if (csv)
		put_csv(&b);
	else
		put_table(&b, cols);
	if (b.skipped > 0) {
		char msg[128];

		if (b.skipped == 1)
			snprintf(msg, sizeof msg, "%s", _("1 line skipped"));
		else
			snprintf(msg, sizeof msg, _("%u lines skipped"),
			         b.skipped);
		fprintf(stderr, "%s\n", msg);
	}
	for (size_t i = 0; i < b.n; i++) {
		free(b.row[i].student);
		free(b.row[i].lab);
	}
	free(b.row);
	if (fflush(stdout) != 0)
		text_die(_("cannot write the standard output"));
	return rc ? rc : b.skipped ? 1 : 0;
}
