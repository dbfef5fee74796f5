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
	/* The text ... end block being read. */
	bool in_text;
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
		return rest_text(st, c, "title", &out->title);
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
	if (te - t == 3 && memcmp(t, "end", 3) == 0) {
		st->in_text = false;
		return 0;
	}
	need = st->text_len + n + 2;
	if (need > st->text_cap) {
		size_t ncap = need > 2 * st->text_cap ? need : 2 * st->text_cap;

		if ((nt = realloc(out->text, ncap)) == NULL)
			return scn_nomem(&st->ps);
		out->text = nt;
		st->text_cap = ncap;
	}
	if (st->text_lines++ > 0)
		out->text[st->text_len++] = '\n';
	memcpy(out->text + st->text_len, p, n);
	st->text_len += n;
	out->text[st->text_len] = '\0';
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
	if (scn_take_word(c, "answer"))
		return answer_line(st, c, b, prev);
	if (scn_take_word(c, "why"))
		return why_line(st, c, b, prev);
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
	if (scn_take_word(c, "say"))
		return text_step(st, c, SCN_SAY, "say", after);
	if (scn_take_word(c, "question")) {
		st->last = LAST_QUESTION;
		st->question_line = c->lineno;
		st->question_col = scn_cols(c->line, b) + 1;
		return text_step(st, c, SCN_QUESTION, "question", after);
	}
	if (scn_take_word(c, "predict"))
		return predict_step(st, c, b, after);
	return unknown_word(st, c, header_open);
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
	}
	free(s->step);
	free(s->title);
	free(s->text);
	memset(s, 0, sizeof(*s));
}
