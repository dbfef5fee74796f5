/*
 * scn.c: reads a scenario (tcplab-scenario(5)) into a struct scn.
 *
 * The text is read line by line. A line is a header line (title, client,
 * server, timeout, text ... end) until the first step, then a step; a
 * comment (# outside quotes) and blanks do not count, except inside a
 * text ... end block, whose lines are kept as they are. Every line is
 * checked as far as the text alone allows: the words, the numbers and
 * their ranges, the segments (scn_seg.c), the {names} of the texts
 * (scn_text.c), what an end's player can do, and the order of questions,
 * answers and predictions. The first mistake is reported with its line
 * and column, and nothing is returned.
 *
 * Pure: no I/O, no globals; it allocates the steps and their strings,
 * which scn_free() releases.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/scn_int.h"

/* A send, or a receive buffer, of at most this many bytes. */
#define BYTES_MAX (1u << 30)

/* What the line before was, for "answer" and "why". */
enum last { LAST_OTHER, LAST_QUESTION, LAST_ANSWER };

struct st {
	struct scn_ps ps;
	bool steps; /* the first step has come: the header is closed */
	enum last last;
	unsigned question_line, question_col; /* waiting for its answer */
	/* The header's hosts: given, as "-", where the address was. */
	bool host_seen[2], host_given[2], host_dash[2];
	bool title, timeout, text;
	unsigned host_line[2], host_col[2];
	bool opened[2]; /* listen or connect came: too late for window */
	unsigned predict_line, predict_col; /* a predict without segment */
	/* What the line before gave, that a translation may follow: a
	 * title (-1), the text block (-2), or the step's say, question,
	 * answer or why; tr_step is -3 when nothing may. */
	int tr_step;
	const char *tr_word;
	/* The text ... end block being read, and where it goes. */
	bool in_text;
	char **text_to;
	unsigned text_line, text_col;
	unsigned text_lines;
	size_t text_len, text_cap;
};

static char *copy(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* A mistake at a line and column remembered from an earlier line. */
static int fail_at(struct scn_ps *ps, unsigned line, unsigned col,
                   const char *msg)
{
	ps->err->line = line;
	ps->err->col = col;
	snprintf(ps->err->msg, sizeof(ps->err->msg), "%s", msg);
	return TCPLAB_EINVAL;
}

/* Appends a step of kind, written on c's line. NULL when out of memory. */
static struct scn_step *new_step(struct st *st, const struct scn_cur *c,
                                 enum scn_step_kind kind, uint64_t after)
{
	struct scn *out = st->ps.out;
	struct scn_step *s;

	if (out->nstep == st->ps.cap) {
		unsigned ncap = st->ps.cap ? st->ps.cap * 2 : 16;

		s = realloc(out->step, ncap * sizeof(*s));
		if (s == NULL)
			return NULL;
		out->step = s;
		st->ps.cap = ncap;
	}
	s = &out->step[out->nstep++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->line = c->lineno;
	s->after_us = after;
	return s;
}

/* The end of the line must come now. */
static int line_end(struct st *st, struct scn_cur *c)
{
	scn_skip_sp(c);
	if (scn_at_end(c))
		return 0;
	return scn_fail(&st->ps, c, c->p,
	                TR(st->ps.tr, "expected the end of the line"));
}

/* The header. */

/* "-", or an address of either family; *at is where it was written. */
static int host_addr(struct st *st, struct scn_cur *c, enum scn_end end)
{
	struct scn_host *h = &st->ps.out->host[end];
	size_t n = scn_word_len(c);
	char tmp[sizeof(h->addr_text)];
	uint32_t v4;

	st->host_given[end] = true;
	st->host_line[end] = c->lineno;
	st->host_col[end] = scn_cols(c->line, c->p) + 1;
	st->host_dash[end] = n == 1 && *c->p == '-';
	if (st->host_dash[end]) {
		c->p++;
		return 0;
	}
	if (n > 0 && n < sizeof(tmp)) {
		memcpy(tmp, c->p, n);
		tmp[n] = '\0';
		if (inet_pton(AF_INET6, tmp, h->addr.b) == 1) {
			h->v6 = true;
		} else if (inet_pton(AF_INET, tmp, &v4) == 1) {
			h->v6 = false;
			h->addr = ipaddr_of4(ntohl(v4));
		} else {
			n = 0;
		}
	} else {
		n = 0;
	}
	if (n == 0)
		return scn_fail(&st->ps, c, c->p,
		                TR(st->ps.tr, "expected an IPv4 or IPv6 "
		                              "address, or - for the lab's "
		                              "own"));
	memcpy(h->addr_text, tmp, n + 1);
	c->p += n;
	return 0;
}

/* The server's port: 1 to 65535, or "-" for 8080. */
static int host_port(struct st *st, struct scn_cur *c)
{
	const char *b = c->p;
	size_t n = scn_word_len(c), i;
	uint32_t v = 0;

	if (n == 1 && *b == '-') {
		c->p++;
		return 0;
	}
	for (i = 0; i < n && scn_is_digit(b[i]); i++)
		if (v <= 65535)
			v = v * 10 + (uint32_t)(b[i] - '0');
	if (n == 0 || i < n)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "expected the server's port (1 "
		                              "to 65535) or -"));
	if (v < 1 || v > 65535)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "the port %.*s is out of range: "
		                              "1 to 65535"),
		                (int)n, b);
	st->ps.out->host[SCN_SERVER].port = (uint16_t)v;
	c->p += n;
	return 0;
}

static int host_player(struct st *st, struct scn_cur *c, enum scn_end end)
{
	static const enum scn_player all[] = {SCN_TCPLAB, SCN_KERNEL, SCN_RAW};
	size_t i, n = scn_word_len(c);

	for (i = 0; i < 3; i++)
		if (scn_take_word(c, scn_player_name(all[i]))) {
			st->ps.out->host[end].player = all[i];
			return 0;
		}
	return scn_fail(&st->ps, c, c->p,
	                TR(st->ps.tr, "unknown player \"%.*s\": expected "
	                              "tcplab, kernel or raw"),
	                (int)n, c->p);
}

/* "client ADDRESS PLAYER" or "server ADDRESS PORT PLAYER". */
static int header_host(struct st *st, struct scn_cur *c, enum scn_end end)
{
	int rc;

	scn_skip_sp(c);
	rc = host_addr(st, c, end);
	if (rc == 0 && end == SCN_SERVER) {
		scn_skip_sp(c);
		rc = host_port(st, c);
	}
	if (rc == 0) {
		scn_skip_sp(c);
		rc = host_player(st, c, end);
	}
	return rc == 0 ? line_end(st, c) : rc;
}

/* Fills the hosts given as "-" or not at all: the lab's, of the family of
 * the other end when that one was written. */
static int header_close(struct st *st)
{
	struct scn *out = st->ps.out;
	const char *def[2][2] = {{SCN_DEFAULT_CLIENT, SCN_DEFAULT_SERVER},
	                         {SCN_DEFAULT_CLIENT6, SCN_DEFAULT_SERVER6}};
	char msg[256];
	int i, o, later;
	uint32_t v4;

	for (i = 0; i < 2; i++) {
		o = 1 - i;
		if (st->host_given[i] && !st->host_dash[i])
			continue;
		out->host[i].v6 = st->host_given[o] && !st->host_dash[o] &&
		                  out->host[o].v6;
		strcpy(out->host[i].addr_text, def[out->host[i].v6][i]);
		if (out->host[i].v6) {
			inet_pton(AF_INET6, out->host[i].addr_text,
			          out->host[i].addr.b);
		} else {
			inet_pton(AF_INET, out->host[i].addr_text, &v4);
			out->host[i].addr = ipaddr_of4(ntohl(v4));
		}
	}
	if (out->host[0].v6 == out->host[1].v6)
		return 0;
	later = st->host_line[SCN_SERVER] > st->host_line[SCN_CLIENT];
	snprintf(msg, sizeof(msg),
	         TR(st->ps.tr, "the client's address is %s and the server's "
	                       "%s: both must be of one family"),
	         out->host[0].v6 ? "IPv6" : "IPv4",
	         out->host[1].v6 ? "IPv6" : "IPv4");
	return fail_at(&st->ps, st->host_line[later], st->host_col[later], msg);
}

/* The rest of the line as a text, which must not be empty. */
static int rest_text(struct st *st, struct scn_cur *c, const char *word,
                     char **out)
{
	scn_skip_sp(c);
	if (scn_at_end(c))
		return scn_fail(&st->ps, c, c->p,
		                TR(st->ps.tr, "expected a text after \"%s\""),
		                word);
	*out = copy(c->p, (size_t)(c->e - c->p));
	c->p = c->e;
	return *out == NULL ? scn_nomem(&st->ps) : 0;
}

/* "text" alone on its line: the block begins. */
static int text_begin(struct st *st, struct scn_cur *c, const char *b)
{
	int rc = line_end(st, c);

	if (rc < 0)
		return rc;
	st->in_text = true;
	st->text_line = c->lineno;
	st->text_col = scn_cols(c->line, b) + 1;
	st->text_to = &st->ps.out->text;
	st->text_len = st->text_cap = 0;
	st->text_lines = 0;
	st->ps.out->text = calloc(1, 1);
	return st->ps.out->text == NULL ? scn_nomem(&st->ps) : 0;
}

/* title, timeout, text, client, server: the word at c->p is one. */
static int header_line(struct st *st, struct scn_cur *c)
{
	static const char *const words[] = {"client", "server", "title",
	                                    "timeout", "text"};
	bool *seen[] = {&st->host_seen[SCN_CLIENT], &st->host_seen[SCN_SERVER],
	                &st->title, &st->timeout, &st->text};
	struct scn *out = st->ps.out;
	const char *b = c->p;
	size_t n = scn_word_len(c), i;
	int rc;

	for (i = 0; i < 4 && !scn_take_word(c, words[i]); i++)
		;
	if (*seen[i])
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "the header gives \"%.*s\" "
		                              "twice"),
		                (int)n, b);
	*seen[i] = true;
	c->p = b + n;
	switch (i) {
	case 0:
	case 1:
		return header_host(st, c, (enum scn_end)i);
	case 2:
		rc = rest_text(st, c, "title", &out->title);
		st->tr_step = -1;
		st->tr_word = "title";
		return rc;
	case 3:
		scn_skip_sp(c);
		rc = scn_parse_secs(&st->ps, c, 1000, &out->timeout_us);
		return rc < 0 ? rc : line_end(st, c);
	default:
		return text_begin(st, c, b);
	}
}

/* One line of a text ... end block, as it is. */
static int text_line(struct st *st, const char *p, const char *e)
{
	struct scn *out = st->ps.out;
	const char *t = p, *te = e;
	size_t n = (size_t)(e - p), need;
	char *nt;

	while (t < te && scn_is_sp(*t))
		t++;
	while (te > t && scn_is_sp(te[-1]))
		te--;
	(void)out;
	if (te - t == 3 && memcmp(t, "end", 3) == 0) {
		st->in_text = false;
		st->tr_step = -2;
		st->tr_word = "text";
		return 0;
	}
	need = st->text_len + n + 2;
	if (need > st->text_cap) {
		size_t ncap = need > 2 * st->text_cap ? need : 2 * st->text_cap;

		if ((nt = realloc(*st->text_to, ncap)) == NULL)
			return scn_nomem(&st->ps);
		*st->text_to = nt;
		st->text_cap = ncap;
	}
	if (st->text_lines++ > 0)
		(*st->text_to)[st->text_len++] = '\n';
	memcpy(*st->text_to + st->text_len, p, n);
	st->text_len += n;
	(*st->text_to)[st->text_len] = '\0';
	return 0;
}

/* Steps. */

/* The first step closes the header. */
static int first_step(struct st *st)
{
	if (st->steps)
		return 0;
	st->steps = true;
	return header_close(st);
}

/* A segment step: an expectation, inject, drop or delay. */
static int seg_step(struct st *st, struct scn_cur *c, enum scn_step_kind kind,
                    uint64_t after, uint64_t delay_us)
{
	const struct scn_host *host = st->ps.out->host;
	const char *b = c->p;
	struct scn_step *s = new_step(st, c, kind, after);
	int rc;

	if (s == NULL)
		return scn_nomem(&st->ps);
	s->delay_us = delay_us;
	rc = scn_parse_seg(&st->ps, c, &s->seg, kind == SCN_INJECT);
	if (rc < 0)
		return rc;
	s->end = s->seg.from;
	if (s->seg.many && kind != SCN_EXPECT)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "\"...\" goes only after a "
		                              "segment expected, not injected, "
		                              "dropped or delayed"));
	if ((kind == SCN_DROP || kind == SCN_DELAY) &&
	    host[s->seg.from].player != SCN_TCPLAB)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "drop and delay hold back "
		                              "tcplab's own segments: the %s "
		                              "is played by %s"),
		                scn_end_name(s->seg.from),
		                scn_player_name(host[s->seg.from].player));
	st->predict_line = 0; /* this is the segment it predicts */
	return 0;
}

/* What follows "send", "read" and "window". */
static int action_args(struct st *st, struct scn_cur *c, struct scn_step *s)
{
	const char *b;
	size_t len;
	int rc = 0;

	scn_skip_sp(c);
	b = c->p;
	if (s->kind == SCN_SEND && c->p < c->e && *c->p == '"') {
		rc = scn_parse_quoted(&st->ps, c, &s->text, &len);
		s->n = (uint32_t)len;
	} else if (s->kind == SCN_SEND) {
		rc = scn_read_u32(&st->ps, c, 1, BYTES_MAX, &s->n);
		if (rc > 0)
			rc = scn_fail(&st->ps, c, b,
			              TR(st->ps.tr,
			                 "expected a number of bytes "
			                 "or \"TEXT\" after \"send\""));
	} else if (s->kind == SCN_READ) {
		if (scn_take_word(c, "all"))
			s->n = SCN_READ_ALL;
		else if (scn_take_word(c, "off"))
			s->n = SCN_READ_OFF;
		else if ((rc = scn_read_u32(&st->ps, c, 1, UINT32_MAX - 1,
		                            &s->n)) > 0)
			rc = scn_fail(&st->ps, c, b,
			              TR(st->ps.tr, "expected a number of "
			                            "bytes, all or off"));
	} else if (s->kind == SCN_RCVBUF) {
		rc = scn_read_u32(&st->ps, c, 1, BYTES_MAX, &s->n);
		if (rc > 0)
			rc = scn_fail(&st->ps, c, b,
			              TR(st->ps.tr, "expected the receive "
			                            "buffer in bytes"));
	}
	return rc < 0 ? rc : line_end(st, c);
}

static const struct {
	const char *word;
	enum scn_step_kind kind;
} actions[] = {{"listen", SCN_LISTEN}, {"connect", SCN_CONNECT},
               {"send", SCN_SEND},     {"read", SCN_READ},
               {"window", SCN_RCVBUF}, {"close", SCN_CLOSE},
               {"abort", SCN_ABORT}};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* What an end's player allows: a raw end has no application, and the
 * receive buffer is set before the end opens. */
static int action_allowed(struct st *st, const struct scn_cur *c, const char *a,
                          size_t n, enum scn_end end, enum scn_step_kind kind)
{
	enum scn_player pl = st->ps.out->host[end].player;

	if (pl == SCN_RAW)
		return scn_fail(&st->ps, c, a,
		                TR(st->ps.tr, "the %s is played by raw: "
		                              "\"%.*s\" needs a tcplab or "
		                              "kernel end"),
		                scn_end_name(end), (int)n, a);
	if (kind == SCN_RCVBUF && st->opened[end])
		return scn_fail(&st->ps, c, a,
		                TR(st->ps.tr, "\"window\" sets the receive "
		                              "buffer before the end opens: "
		                              "put it before its \"listen\" or "
		                              "\"connect\""));
	if (kind == SCN_LISTEN || kind == SCN_CONNECT)
		st->opened[end] = true;
	return 0;
}

/* "client ..." or "server ...": a segment, or an action of that end. */
static int end_step(struct st *st, struct scn_cur *c, uint64_t after)
{
	const char *b = c->p, *a;
	enum scn_end end = *b == 'c' ? SCN_CLIENT : SCN_SERVER;
	struct scn_step *s;
	size_t n, k;
	int rc;

	c->p += 6;
	scn_skip_sp(c);
	a = c->p;
	n = scn_word_len(c);
	if (n == 1 && *a == '>') {
		c->p = b;
		return seg_step(st, c, SCN_EXPECT, after, 0);
	}
	for (k = 0; k < NACTIONS && !scn_take_word(c, actions[k].word); k++)
		;
	if (k == NACTIONS)
		return scn_fail(&st->ps, c, a,
		                TR(st->ps.tr,
		                   "unknown action \"%.*s\": "
		                   "expected \">\", listen, connect, "
		                   "send, read, window, close or "
		                   "abort"),
		                (int)n, a);
	rc = action_allowed(st, c, a, n, end, actions[k].kind);
	if (rc < 0)
		return rc;
	if ((s = new_step(st, c, actions[k].kind, after)) == NULL)
		return scn_nomem(&st->ps);
	s->end = end;
	return action_args(st, c, s);
}

/* "say TEXT" and "question TEXT". */
static int text_step(struct st *st, struct scn_cur *c, enum scn_step_kind kind,
                     const char *word, uint64_t after)
{
	struct scn_step *s = new_step(st, c, kind, after);
	const char *at;
	int rc;

	if (s == NULL)
		return scn_nomem(&st->ps);
	scn_skip_sp(c);
	at = c->p;
	rc = rest_text(st, c, word, &s->text);
	return rc < 0 ? rc : scn_check_names(&st->ps, c, at);
}

/* One answer of "answer A | B": p..e, blanks trimmed, names checked. */
static int one_answer(struct st *st, const struct scn_cur *c, const char *p,
                      const char *e, struct scn_step *q)
{
	struct scn_cur sub = *c;
	char **na;
	int rc;

	while (p < e && scn_is_sp(*p))
		p++;
	while (e > p && scn_is_sp(e[-1]))
		e--;
	if (p == e)
		return scn_fail(&st->ps, c, p,
		                TR(st->ps.tr, "an empty answer: write one "
		                              "on each side of \"|\""));
	sub.e = e;
	if ((rc = scn_check_names(&st->ps, &sub, p)) < 0)
		return rc;
	na = realloc(q->answers, (q->nanswers + 1) * sizeof(*na));
	if (na == NULL)
		return scn_nomem(&st->ps);
	q->answers = na;
	if ((na[q->nanswers] = copy(p, (size_t)(e - p))) == NULL)
		return scn_nomem(&st->ps);
	q->nanswers++;
	return 0;
}

/* "answer A | B | ...", the line after its question. */
static int answer_line(struct st *st, struct scn_cur *c, const char *b,
                       enum last prev)
{
	struct scn_step *q;
	const char *bar;
	int rc;

	if (prev != LAST_QUESTION)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "\"answer\" must follow a "
		                              "\"question\""));
	q = &st->ps.out->step[st->ps.out->nstep - 1]; /* the question */
	scn_skip_sp(c);
	if (scn_at_end(c))
		return scn_fail(&st->ps, c, c->p,
		                TR(st->ps.tr, "expected a text after \"%s\""),
		                "answer");
	for (;;) {
		bar = memchr(c->p, '|', (size_t)(c->e - c->p));
		rc = one_answer(st, c, c->p, bar ? bar : c->e, q);
		if (rc < 0 || bar == NULL)
			break;
		c->p = bar + 1;
	}
	st->last = LAST_ANSWER;
	return rc;
}

/* "why TEXT", after an answer: the answer key's explanation. */
static int why_line(struct st *st, struct scn_cur *c, const char *b,
                    enum last prev)
{
	struct scn_step *q;
	const char *at;
	int rc;

	if (prev != LAST_ANSWER)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "\"why\" must follow an "
		                              "\"answer\""));
	q = &st->ps.out->step[st->ps.out->nstep - 1]; /* the question */
	scn_skip_sp(c);
	at = c->p;
	rc = rest_text(st, c, "why", &q->why);
	return rc < 0 ? rc : scn_check_names(&st->ps, c, at);
}

/* "predict seq ack win len": at least one, each once. */
static int predict_step(struct st *st, struct scn_cur *c, const char *b,
                        uint64_t after)
{
	static const char *const fields[] = {"seq", "ack", "win", "len"};
	struct scn_step *s;
	unsigned k, mask = 0;
	size_t n;

	if (st->predict_line != 0)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "a second \"predict\" before the "
		                              "segment of the first"));
	for (scn_skip_sp(c); !scn_at_end(c); scn_skip_sp(c)) {
		n = scn_word_len(c);
		for (k = 0; k < 4 && !scn_take_word(c, fields[k]); k++)
			;
		if (k == 4)
			return scn_fail(&st->ps, c, c->p,
			                TR(st->ps.tr,
			                   "unknown field \"%.*s\": "
			                   "expected seq, ack, win or "
			                   "len"),
			                (int)n, c->p);
		if (mask & (1u << k))
			return scn_fail(&st->ps, c, c->p - n,
			                TR(st->ps.tr, "\"%s\" is already "
			                              "predicted"),
			                fields[k]);
		mask |= 1u << k; /* SCN_P_SEQ, _ACK, _WIN, _LEN in order */
	}
	if (mask == 0)
		return scn_fail(&st->ps, c, c->p,
		                TR(st->ps.tr, "expected the fields to predict: "
		                              "seq, ack, win or len"));
	if ((s = new_step(st, c, SCN_PREDICT, after)) == NULL)
		return scn_nomem(&st->ps);
	s->predict = mask;
	st->predict_line = c->lineno;
	st->predict_col = scn_cols(c->line, b) + 1;
	return 0;
}

/* "wait T", or "+T" alone. */
static int wait_step(struct st *st, const struct scn_cur *c, uint64_t after,
                     uint64_t t)
{
	struct scn_step *s = new_step(st, c, SCN_WAIT, after);

	if (s == NULL)
		return scn_nomem(&st->ps);
	s->delay_us = t;
	return 0;
}

/* A word no step begins with. */
static int unknown_word(struct st *st, struct scn_cur *c, bool header_open)
{
	const char *b = c->p;
	size_t n = scn_word_len(c);
	struct scn_cur next = *c;
	struct scn_seg seg;

	next.p += n;
	scn_skip_sp(&next);
	if ((n == 1 && *b == '>') || scn_take_word(&next, ">"))
		return scn_parse_seg(&st->ps, c, &seg, false);
	if (header_open)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "unknown word \"%.*s\": "
		                              "expected title, client, server, "
		                              "timeout, text, or a step: "
		                              "inject, drop, delay, wait, say, "
		                              "question, predict"),
		                (int)n, b);
	return scn_fail(&st->ps, c, b,
	                TR(st->ps.tr, "unknown step \"%.*s\": expected "
	                              "client, server, inject, drop, delay, "
	                              "wait, say, question, answer, why or "
	                              "predict"),
	                (int)n, b);
}

/* "delay T SEGMENT". */
static int delay_step(struct st *st, struct scn_cur *c, uint64_t after)
{
	uint64_t t;
	int rc;

	scn_skip_sp(c);
	rc = scn_parse_secs(&st->ps, c, 0, &t);
	if (rc < 0)
		return rc;
	scn_skip_sp(c);
	return seg_step(st, c, SCN_DELAY, after, t);
}

/* A step, at c->p, after its time (timed: one was written). */
/* The last step's text may be translated on the next line. */
static void tr_target(struct st *st, const char *word)
{
	st->tr_step = (int)st->ps.out->nstep - 1;
	st->tr_word = word;
}

static int step_line(struct st *st, struct scn_cur *c, uint64_t after,
                     bool timed, enum last prev)
{
	const char *b = c->p;
	bool header_open = !st->steps;
	uint64_t t;
	int rc;

	if (timed && (scn_take_word(c, "answer") || scn_take_word(c, "why")))
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr,
		                   "\"%.*s\" cannot wait: it belongs "
		                   "to the question above"),
		                (int)(c->p - b), b);
	if ((rc = first_step(st)) < 0)
		return rc;
	if (scn_take_word(c, "answer")) {
		rc = answer_line(st, c, b, prev);
		tr_target(st, "answer");
		return rc;
	}
	if (scn_take_word(c, "why")) {
		rc = why_line(st, c, b, prev);
		tr_target(st, "why");
		return rc;
	}
	if (scn_word_len(c) == 6 &&
	    (scn_take_word(c, "client") || scn_take_word(c, "server"))) {
		c->p = b;
		return end_step(st, c, after);
	}
	if (scn_take_word(c, "inject") || scn_take_word(c, "drop")) {
		scn_skip_sp(c);
		return seg_step(st, c, *b == 'i' ? SCN_INJECT : SCN_DROP, after,
		                0);
	}
	if (scn_take_word(c, "delay"))
		return delay_step(st, c, after);
	if (scn_take_word(c, "wait")) {
		scn_skip_sp(c);
		rc = scn_parse_secs(&st->ps, c, 0, &t);
		if (rc == 0)
			rc = wait_step(st, c, after, t);
		return rc < 0 ? rc : line_end(st, c);
	}
	if (scn_take_word(c, "say")) {
		rc = text_step(st, c, SCN_SAY, "say", after);
		tr_target(st, "say");
		return rc;
	}
	if (scn_take_word(c, "question")) {
		st->last = LAST_QUESTION;
		st->question_line = c->lineno;
		st->question_col = scn_cols(c->line, b) + 1;
		rc = text_step(st, c, SCN_QUESTION, "question", after);
		tr_target(st, "question");
		return rc;
	}
	if (scn_take_word(c, "predict"))
		return predict_step(st, c, b, after);
	return unknown_word(st, c, header_open);
}

/* Adds text in lang to t. */
static int tr_add(struct st *st, const struct scn_cur *c, const char *at,
                  struct scn_trs *t, const char *lang, size_t langlen,
                  char *text)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->lang[i]) == langlen &&
		    memcmp(t->lang[i], lang, langlen) == 0) {
			free(text);
			return scn_fail(&st->ps, c, at,
			                TR(st->ps.tr, "a second translation "
			                              "into %.*s"),
			                (int)langlen, lang);
		}
	if (t->n == SCN_TR_MAX) {
		free(text);
		return scn_fail(&st->ps, c, at,
		                TR(st->ps.tr, "at most %u translations of a "
		                              "text"),
		                SCN_TR_MAX);
	}
	memcpy(t->lang[t->n], lang, langlen);
	t->lang[t->n][langlen] = '\0';
	t->text[t->n++] = text;
	return 0;
}

/* "WORD.LANG TEXT": a translation of the text on the line before (or of
 * the text block before, "text.LANG" ... "end"). */
static int tr_line(struct st *st, struct scn_cur *c, enum last prev)
{
	struct scn *out = st->ps.out;
	const char *b = c->p, *dot, *lang, *at;
	size_t n = scn_word_len(c), langlen, k;
	struct scn_step *s = NULL;
	struct scn_trs *t;
	char *text = NULL;
	int rc;

	dot = memchr(b, '.', n);
	lang = dot + 1;
	langlen = (size_t)(b + n - lang);
	for (k = 0; k < langlen; k++)
		if (!((lang[k] >= 'a' && lang[k] <= 'z') ||
		      (lang[k] >= 'A' && lang[k] <= 'Z') || lang[k] == '_'))
			break;
	if (langlen < 2 || langlen >= SCN_LANG_LEN || k < langlen)
		return scn_fail(&st->ps, c, lang,
		                TR(st->ps.tr, "expected a language after "
		                              "\".\", as in a locale's name: "
		                              "zh_CN"));
	if (st->tr_step == -3 || st->tr_word == NULL ||
	    strlen(st->tr_word) != (size_t)(dot - b) ||
	    memcmp(st->tr_word, b, (size_t)(dot - b)) != 0)
		return scn_fail(&st->ps, c, b,
		                TR(st->ps.tr, "\"%.*s\" must follow the "
		                              "\"%.*s\" it translates"),
		                (int)n, b, (int)(dot - b), b);
	c->p = b + n;
	if (st->tr_step == -2) { /* text.LANG: a block of its own */
		if ((rc = line_end(st, c)) < 0)
			return rc;
		if ((text = calloc(1, 1)) == NULL)
			return scn_nomem(&st->ps);
		rc = tr_add(st, c, b, &out->text_tr, lang, langlen, text);
		if (rc < 0)
			return rc;
		st->in_text = true;
		st->text_line = c->lineno;
		st->text_col = scn_cols(c->line, b) + 1;
		st->text_to = &out->text_tr.text[out->text_tr.n - 1];
		st->text_len = st->text_cap = 0;
		st->text_lines = 0;
		return 0;
	}
	scn_skip_sp(c);
	at = c->p;
	if (st->tr_step >= 0)
		s = &out->step[st->tr_step];
	if (s != NULL && strcmp(st->tr_word, "answer") == 0) {
		unsigned first = s->nanswers;
		/* every language's answers count */
		st->last = LAST_QUESTION;
		rc = answer_line(st, c, b, LAST_QUESTION);
		if (rc < 0)
			return rc;
		c->p = c->e;
		st->last = prev;
		text = malloc(strlen(s->answers[first]) + 1);
		if (text == NULL)
			return scn_nomem(&st->ps);
		strcpy(text, s->answers[first]);
		return tr_add(st, c, b, &s->answer_tr, lang, langlen, text);
	}
	if ((rc = rest_text(st, c, st->tr_word, &text)) < 0)
		return rc;
	if (s != NULL && (rc = scn_check_names(&st->ps, c, at)) < 0) {
		free(text);
		return rc;
	}
	t = s == NULL ? &out->title_tr
	    : strcmp(st->tr_word, "why") == 0 ? &s->why_tr
	                                     : &s->tr;
	st->last = prev;
	return tr_add(st, c, b, t, lang, langlen, text);
}

/* Whether the word at c->p is WORD.LANG, a translation line. */
static bool is_tr_word(const struct scn_cur *c)
{
	static const char *const words[] = {"title", "text", "say",
	                                    "question", "answer", "why"};
	size_t n = scn_word_len(c), i, w;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		w = strlen(words[i]);
		if (n > w + 1 && memcmp(c->p, words[i], w) == 0 &&
		    c->p[w] == '.')
			return true;
	}
	return false;
}

/* Whether the word at c->p begins a header line rather than a step. */
static bool header_word(const struct scn_cur *c)
{
	struct scn_cur n = *c;
	size_t k, len;

	if (scn_take_word(&n, "title") || scn_take_word(&n, "timeout") ||
	    scn_take_word(&n, "text"))
		return true;
	if (!scn_take_word(&n, "client") && !scn_take_word(&n, "server"))
		return false;
	/* "client ADDRESS": "-", or digits, dots and colons. */
	scn_skip_sp(&n);
	len = scn_word_len(&n);
	if (len == 0)
		return false;
	if (len == 1 && *n.p == '-')
		return true;
	for (k = 0; k < len; k++)
		if (n.p[k] == ':' || n.p[k] == '.')
			return true;
	return scn_is_digit(*n.p);
}

/* The question before this line has no answer. */
static int no_answer(struct st *st)
{
	return fail_at(&st->ps, st->question_line, st->question_col,
	               TR(st->ps.tr, "\"question\" needs an \"answer\" on "
	                             "the line after it"));
}

/* One line of the header or a step, blanks and comment left out. */
static int one_line(struct st *st, struct scn_cur *c)
{
	enum last prev = st->last;
	struct scn_cur probe;
	uint64_t after = 0;
	bool timed = false;
	int rc;

	scn_skip_sp(c);
	if (scn_at_end(c))
		return 0;
	st->last = LAST_OTHER;
	if (*c->p == '+') {
		c->p++;
		if ((rc = scn_parse_secs(&st->ps, c, 0, &after)) < 0)
			return rc;
		timed = true;
		scn_skip_sp(c);
	}
	if (!timed && is_tr_word(c)) {
		/* A translation keeps what the line before was: an answer
		 * may still follow a question, a why an answer. */
		rc = tr_line(st, c, prev);
		return rc < 0 ? rc : line_end(st, c);
	}
	st->tr_step = -3;
	probe = *c;
	if (prev == LAST_QUESTION && !scn_take_word(&probe, "answer"))
		return no_answer(st);
	if (timed && scn_at_end(c)) {
		rc = first_step(st);
		return rc < 0 ? rc : wait_step(st, c, 0, after);
	}
	if (!timed && header_word(c)) {
		if (st->steps)
			return scn_fail(&st->ps, c, c->p,
			                TR(st->ps.tr,
			                   "\"%.*s\" belongs to the "
			                   "header, before the first "
			                   "step"),
			                (int)scn_word_len(c), c->p);
		return header_line(st, c);
	}
	return step_line(st, c, after, timed, prev);
}

/* At the end of the text: what is still open is a mistake. */
static int finish(struct st *st, unsigned lines)
{
	int rc;

	if (st->in_text)
		return fail_at(&st->ps, st->text_line, st->text_col,
		               TR(st->ps.tr, "text without \"end\""));
	if (st->last == LAST_QUESTION)
		return no_answer(st);
	if (st->predict_line != 0)
		return fail_at(&st->ps, st->predict_line, st->predict_col,
		               TR(st->ps.tr, "\"predict\" needs a segment step "
		                             "after it"));
	if (st->ps.out->nstep == 0)
		return fail_at(&st->ps, lines > 0 ? lines : 1, 1,
		               TR(st->ps.tr, "the scenario has no step"));
	rc = first_step(st);
	return rc;
}

/* A NUL byte: the file is not text. */
static int nul_byte(struct st *st, const char *text, const char *nul)
{
	const char *line = text, *p;
	unsigned n = 1;

	for (p = text; p < nul; p++)
		if (*p == '\n') {
			n++;
			line = p + 1;
		}
	return fail_at(&st->ps, n, scn_cols(line, nul) + 1,
	               TR(st->ps.tr, "a NUL byte: a scenario is text"));
}

static void defaults(struct scn *out)
{
	memset(out, 0, sizeof(*out));
	out->host[SCN_CLIENT].player = SCN_TCPLAB;
	out->host[SCN_SERVER].player = SCN_TCPLAB;
	out->host[SCN_SERVER].port = SCN_DEFAULT_PORT;
	out->timeout_us = SCN_DEFAULT_TIMEOUT_US;
}

int scn_parse(const char *text, size_t len, const struct tr *tr,
              struct scn *out, struct scn_error *err)
{
	const char *p = text, *e = text + len, *nl, *le, *nul;
	struct st st;
	struct scn_cur c;
	unsigned lineno = 0;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.tr_step = -3;
	memset(err, 0, sizeof(*err));
	st.ps.tr = tr;
	st.ps.err = err;
	st.ps.out = out;
	defaults(out);
	if ((nul = memchr(text, '\0', len)) != NULL)
		return nul_byte(&st, text, nul);
	while (rc == 0 && p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		le = nl != NULL ? nl : e;
		if (le > p && le[-1] == '\r')
			le--;
		lineno++;
		if (st.in_text) {
			rc = text_line(&st, p, le);
		} else {
			c.line = c.p = p;
			c.e = scn_comment_at(p, le);
			c.lineno = lineno;
			while (c.e > c.p && scn_is_sp(c.e[-1]))
				c.e--;
			rc = one_line(&st, &c);
		}
		p = nl != NULL ? nl + 1 : e;
	}
	if (rc == 0)
		rc = finish(&st, lineno);
	if (rc < 0)
		scn_free(out);
	return rc;
}

static void trs_free(struct scn_trs *t)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		free(t->text[i]);
	t->n = 0;
}

const char *scn_tr_pick(const char *en, const struct scn_trs *t,
                        const char *lang)
{
	size_t n;
	unsigned i;

	if (lang == NULL || t == NULL)
		return en;
	/* "zh_CN.UTF-8@x": the name up to its codeset or modifier */
	n = strcspn(lang, ".@");
	for (i = 0; i < t->n; i++)
		if (strlen(t->lang[i]) == n && strncmp(t->lang[i], lang, n) == 0)
			return t->text[i];
	/* "zh" for "zh_CN", and "zh_CN" for "zh" */
	for (i = 0; i < t->n; i++) {
		size_t a = strcspn(t->lang[i], "_"), b = strcspn(lang, "_.@");
		if (a == b && strncmp(t->lang[i], lang, a) == 0)
			return t->text[i];
	}
	return en;
}

void scn_free(struct scn *s)
{
	unsigned i, k;

	for (i = 0; i < s->nstep; i++) {
		struct scn_step *st = &s->step[i];

		free(st->text);
		for (k = 0; k < st->nanswers; k++)
			free(st->answers[k]);
		free(st->answers);
		free(st->why);
		free(st->seg.payload);
		trs_free(&st->tr);
		trs_free(&st->answer_tr);
		trs_free(&st->why_tr);
	}
	free(s->step);
	free(s->title);
	free(s->text);
	trs_free(&s->title_tr);
	trs_free(&s->text_tr);
	memset(s, 0, sizeof(*s));
}
