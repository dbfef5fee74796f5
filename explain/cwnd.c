/*
 * cwnd.c: --cwnd, one connection's sender over time: cwnd, ssthresh and
 * the bytes in flight, with its losses marked, as an SVG file or (--cwnd
 * -) as a text plot on standard output.
 *
 * Two sources. A capture: annot's estimate of each sender (annot_est.c),
 * labelled as estimated. A tcplab program's --json log: the numbers its
 * own conn reported in every segment's "cc", exact. Either way the points
 * of the chosen connection are kept here (both senders', memory growing
 * with that one connection alone, up to CWND_KEEP_MAX points each); the
 * sender drawn is the one that sent more data, and common/chart draws it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/chart.h"
#include "common/err.h"
#include "common/io/i18n.h"
#include "explain/explain.h"

#define CWND_KEEP_MAX 200000

/* One point: the sender's numbers after a segment. */
struct cwnd_pt {
	double t; /* seconds from the connection's first point */
	uint32_t cwnd, ssthresh, flight; /* flight: RFC 6675's pipe */
	bool ss_set;                     /* ssthresh was set by a loss */
	bool loss;      /* a loss was declared here (recovery or timeout) */
	bool in_flight; /* a data segment of this sender */
};

struct cwnd_keep {
	struct cwnd_pt *pts[2];
	size_t n[2], cap[2];
	uint64_t data[2]; /* bytes of data seen per sender */
	double t0;
	bool t0_set, exact, full_noted;
	unsigned cport, sport; /* from a --json log's connection line */
};

static bool loss_reason(const char *why)
{
	return why != NULL && (strcmp(why, "three duplicate ACKs") == 0 ||
	                       strcmp(why, "SACKs show a loss") == 0 ||
	                       strcmp(why, "retransmission timeout") == 0);
}

/* Keeps one point of sender x; false when out of memory. */
static bool keep_pt(struct explain *e, unsigned x, double t,
                    const struct cwnd_pt *p)
{
	struct cwnd_keep *k = e->cwnd;
	struct cwnd_pt *np;
	size_t ncap;

	if (k == NULL && (k = e->cwnd = calloc(1, sizeof(*k))) == NULL)
		return false;
	if (!k->t0_set) {
		k->t0 = t;
		k->t0_set = true;
	}
	if (k->n[x] == CWND_KEEP_MAX) {
		if (!k->full_noted)
			explain_warn(_("connection %u has more than %u "
			               "points: the chart shows the first %u"),
			             e->o->conn, CWND_KEEP_MAX, CWND_KEEP_MAX);
		k->full_noted = true;
		return true;
	}
	if (k->n[x] == k->cap[x]) {
		ncap = k->cap[x] ? k->cap[x] * 2 : 256;
		np = realloc(k->pts[x], ncap * sizeof(*np));
		if (np == NULL)
			return false;
		k->pts[x] = np;
		k->cap[x] = ncap;
	}
	np = &k->pts[x][k->n[x]++];
	*np = *p;
	np->t = t - k->t0;
	return true;
}

void cwnd_keep_result(struct explain *e, const struct annot_result *r)
{
	const struct annot_cc *cc = r->cc.valid ? &r->cc : &r->est;
	unsigned x = r->cc.valid ? r->cc_side : r->est_side;
	struct cwnd_pt p;

	if (e->o->cwnd == NULL || r->conn != e->o->conn || !cc->valid)
		return;
	memset(&p, 0, sizeof p);
	p.cwnd = cc->now.cwnd;
	p.ssthresh = cc->now.ssthresh;
	p.ss_set = !cc->now.ssthresh_initial;
	p.flight = cc->now.pipe;
	p.loss = cc->changes && loss_reason(cc->why);
	p.in_flight = r->len > 0 && (unsigned)r->from == x;
	if (!keep_pt(e, x, (double)r->sec + r->usec / 1e6, &p))
		e->cwnd_failed = 1;
	else if (p.in_flight)
		e->cwnd->data[x] += r->len;
}

void cwnd_forget(struct explain *e)
{
	if (e->cwnd != NULL) {
		free(e->cwnd->pts[0]);
		free(e->cwnd->pts[1]);
	}
	free(e->cwnd);
	e->cwnd = NULL;
}

/* ---- A --json log. ---- */

/* The number after "key": in the object at s, or -1 when absent. */
static double num_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	if (p == NULL)
		return -1;
	p += strlen(key);
	return strtod(p, NULL);
}

/* The string after "key":" in s, into buf ("" when absent). */
static void str_after(const char *s, const char *key, char *buf, size_t cap)
{
	const char *p = strstr(s, key), *q;
	size_t n;

	buf[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(key);
	q = strchr(p, '"');
	if (q == NULL)
		return;
	n = (size_t)(q - p) < cap - 1 ? (size_t)(q - p) : cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* One line of a log: a segment of the chosen connection with its "cc"
 * is kept; its connection line gives the ports. 1 kept, 0 not, -1 the
 * line is not tcplab's JSON. */
static int log_line(struct explain *e, const char *line)
{
	const char *cc;
	char who[16], why[64], from[16];
	struct cwnd_pt p;
	unsigned x;
	double t;

	if (strncmp(line, "{\"type\":\"", 9) != 0)
		return -1;
	if (num_after(line, "\"conn\":") != (double)e->o->conn)
		return 0;
	if (strncmp(line + 9, "connection\"", 11) == 0) {
		if (e->cwnd != NULL) {
			e->cwnd->cport =
			        (unsigned)num_after(line, "\"client_port\":");
			e->cwnd->sport =
			        (unsigned)num_after(line, "\"server_port\":");
		}
		return 0;
	}
	cc = strstr(line, "\"cc\":{");
	if (strncmp(line + 9, "segment\"", 8) != 0 || cc == NULL)
		return 0;
	str_after(cc, "\"sender\":\"", who, sizeof who);
	str_after(cc, "\"why\":\"", why, sizeof why);
	x = strcmp(who, "server") == 0 ? ANNOT_SERVER : ANNOT_CLIENT;
	memset(&p, 0, sizeof p);
	p.cwnd = (uint32_t)num_after(cc, "\"cwnd\":");
	p.ssthresh = (uint32_t)num_after(cc, "\"ssthresh\":");
	p.ss_set = strstr(cc, "\"ssthresh_initial\":false") != NULL;
	p.flight = (uint32_t)num_after(cc, "\"pipe\":");
	p.loss = loss_reason(why);
	str_after(line, "\"from\":\"", from, sizeof from);
	p.in_flight = num_after(line, "\"len\":") > 0 &&
	              (strcmp(from, "server") == 0) == (x == ANNOT_SERVER);
	t = num_after(line, "\"time\":");
	if (!keep_pt(e, x, t, &p))
		return -2;
	if (p.in_flight)
		e->cwnd->data[x] += (uint64_t)num_after(line, "\"len\":");
	e->cwnd->exact = strstr(cc, "\"inferred\":false") != NULL;
	return 1;
}

int cwnd_log_run(FILE *f, const struct options *o)
{
	struct explain *e = explain_new(o);
	char *line = NULL;
	size_t cap = 0;
	unsigned bad = 0, lines = 0;
	int rc;

	if (e == NULL)
		return EXIT_INPUT;
	while (getline(&line, &cap, f) >= 0) {
		lines++;
		rc = log_line(e, line);
		if (rc == -1)
			bad++;
		if (rc == -2) {
			e->cwnd_failed = 1;
			break;
		}
	}
	free(line);
	if (bad > 0 && bad == lines) {
		explain_warn(_("%s is not a --json log of tcplab-client or "
		               "tcplab-server"),
		             o->file);
		return explain_close(e, EXIT_INPUT);
	}
	rc = cwnd_draw(e, NULL) < 0 ? EXIT_INPUT : EXIT_OK;
	explain_flush(e);
	return explain_close(e, rc);
}

/* ---- The chart. ---- */

/* The series of sender x's points: cwnd, ssthresh once set, flight, and
 * the losses; pts holds room for 4 n points. */
static size_t series_of(const struct cwnd_keep *k, unsigned x,
                        struct chart_point *pts, struct chart_series *s)
{
	const struct cwnd_pt *p = k->pts[x];
	size_t n = k->n[x], i, nc = 0, ns = 0, nf = 0, nl = 0;
	struct chart_point *c = pts, *ss = pts + n, *fl = pts + 2 * n,
	                   *lo = pts + 3 * n;

	for (i = 0; i < n; i++) {
		c[nc++] = (struct chart_point){p[i].t, p[i].cwnd, 0};
		if (p[i].ss_set)
			ss[ns++] =
			        (struct chart_point){p[i].t, p[i].ssthresh, 0};
		fl[nf++] = (struct chart_point){p[i].t, p[i].flight, 0};
		if (p[i].loss)
			lo[nl++] = (struct chart_point){p[i].t, p[i].cwnd, 0};
	}
	s[0] = (struct chart_series){_("in flight (pipe)"),
	                             "flight",
	                             CHART_STEP,
	                             0x56b4e9,
	                             10,
	                             CHART_SOLID,
	                             CHART_M_NONE,
	                             '.',
	                             NULL,
	                             fl,
	                             nf};
	s[1] = (struct chart_series){_("ssthresh"),
	                             "ssthresh",
	                             CHART_STEP,
	                             0xe69f00,
	                             20,
	                             CHART_DASHED,
	                             CHART_M_NONE,
	                             '-',
	                             NULL,
	                             ss,
	                             ns};
	s[2] = (struct chart_series){
	        _("cwnd"),    "cwnd", CHART_STEP, 0x000000, 25, CHART_SOLID,
	        CHART_M_NONE, '#',    NULL,       c,        nc};
	s[3] = (struct chart_series){_("loss (recovery or timeout)"),
	                             "loss",
	                             CHART_MARKS,
	                             0xd55e00,
	                             20,
	                             CHART_SOLID,
	                             CHART_M_CROSS,
	                             'X',
	                             NULL,
	                             lo,
	                             nl};
	return 4;
}

/* The highest y of the series. */
static double top_of(const struct chart_series *s, size_t n)
{
	double top = 1;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].n; j++)
			if (s[i].pts[j].y > top)
				top = s[i].pts[j].y;
	return top;
}

int cwnd_draw(struct explain *e, const struct annot_summary *sm)
{
	struct cwnd_keep *k = e->cwnd;
	struct chart_series s[4];
	struct chart_point *pts;
	struct chart c;
	char title[256], sub[256], a[2][48];
	unsigned x;
	int rc;

	e->cwnd_done = 1;
	if (e->cwnd_failed) {
		explain_warn(_("out of memory"));
		return -1;
	}
	if (k == NULL || (k->data[0] == 0 && k->data[1] == 0)) {
		explain_warn(_("connection %u carries no data to graph"),
		             e->o->conn);
		return -1;
	}
	x = k->data[ANNOT_SERVER] >= k->data[ANNOT_CLIENT] ? ANNOT_SERVER
	                                                   : ANNOT_CLIENT;
	if (sm != NULL) {
		draw_addr_port(e, &sm->caddr, sm->cport, a[0], sizeof a[0]);
		draw_addr_port(e, &sm->saddr, sm->sport, a[1], sizeof a[1]);
		snprintf(title, sizeof title, _("cwnd, connection %u: %s > %s"),
		         e->o->conn, a[x], a[!x]);
	} else {
		snprintf(title, sizeof title,
		         _("cwnd, connection %u (client port %u, server port "
		           "%u)"),
		         e->o->conn, k->cport, k->sport);
	}
	if (k->exact)
		snprintf(sub, sizeof sub,
		         x == ANNOT_SERVER
		                 ? _("the server's cwnd, ssthresh and bytes in "
		                     "flight, exact: its own --json log")
		                 : _("the client's cwnd, ssthresh and bytes in "
		                     "flight, exact: its own --json log"));
	else
		snprintf(sub, sizeof sub,
		         x == ANNOT_SERVER
		                 ? _("the server's cwnd, ssthresh and bytes in "
		                     "flight, estimated from the capture alone "
		                     "(inferred)")
		                 : _("the client's cwnd, ssthresh and bytes in "
		                     "flight, estimated from the capture alone "
		                     "(inferred)"));
	pts = malloc(4 * k->n[x] * sizeof(*pts) + 1);
	if (pts == NULL) {
		explain_warn(_("out of memory"));
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.title = title;
	c.subtitle = sub;
	c.xlabel = _("time (s)");
	c.ylabel = _("bytes");
	c.series = s;
	c.nseries = series_of(k, x, pts, s);
	/* Room above the highest cwnd or flight, so that the peak shows. */
	c.ylo = 0;
	c.yhi = 1.05 * top_of(s, c.nseries);
	c.font = "DejaVu Sans, Noto Sans CJK SC, WenQuanYi Zen Hei, "
	         "sans-serif";
	rc = explain_chart(e, &c, e->o->cwnd);
	free(pts);
	return rc;
}

void cwnd_conn_done(struct explain *e, const struct annot_summary *sm)
{
	if (e->o->cwnd == NULL || sm->conn != e->o->conn || e->cwnd_done)
		return;
	if (cwnd_draw(e, sm) < 0)
		e->cwnd_failed = 1;
	cwnd_forget(e);
}
