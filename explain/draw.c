/*
 * draw.c: the end of a connection in tcplab-explain: what it did (annot's
 * summary) and its ladder diagram, or its JSON line; with --svg, the
 * diagram of one connection as an SVG file; and the charts of --tsg and
 * --cwnd, as SVG files or text plots (explain_chart).
 *
 * The rows of a connection's ladder live with the connection, in annot's
 * slot for it, from its first segment until annot finishes it; then they
 * wait in a queue with its summary until the packet being explained has
 * been annotated, are printed and freed. A long connection keeps only its
 * first DRAW_HEAD and last DRAW_TAIL rows, and its diagram says how many
 * segments it leaves out between them. So what is kept grows with the
 * connections open at once, never with the capture. Rows are kept only
 * for a diagram that will be drawn. This file never reads the input; it
 * writes only through the output buffer and to the SVG file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/chart.h"
#include "common/err.h"
#include "common/io/i18n.h"
#include "common/outbuf.h"
#include "explain/explain.h"

/* Whether the ladder of connection conn will be drawn. */
static int wants_rows(const struct explain *e, unsigned conn)
{
	if (!e->o->json && !e->o->graph_text)
		return 1; /* the default output and --ladder draw them all */
	return (e->o->svg != NULL || e->o->handout != NULL) &&
	       conn == e->o->conn;
}

void draw_keep_row(struct explain *e, const struct annot_result *r)
{
	struct conn_keep *k;

	if (r->user == NULL || !wants_rows(e, r->conn))
		return;
	k = *r->user;
	if (k == NULL && (k = *r->user = calloc(1, sizeof(*k))) == NULL)
		return;
	if (k->nrows == DRAW_HEAD + DRAW_TAIL) {
		/* The oldest of the last rows gives way. */
		ladder_row_from(&k->rows[DRAW_HEAD + k->ring], r);
		k->ring = (k->ring + 1) % DRAW_TAIL;
		k->dropped++;
		return;
	}
	if (k->nrows == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 16;
		struct ladder_row *nr = realloc(k->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return;
		k->rows = nr;
		k->cap = ncap;
	}
	ladder_row_from(&k->rows[k->nrows++], r);
}

void draw_conn_done(void *arg, const struct annot_summary *sm)
{
	struct explain *e = arg;
	struct conn_keep *k = sm->user;

	if (k == NULL && (k = calloc(1, sizeof(*k))) == NULL) {
		e->lost++;
		return;
	}
	k->sm = *sm;
	k->sm.user = NULL;
	k->next = NULL;
	if (e->fin_last != NULL)
		e->fin_last->next = k;
	else
		e->fin_first = k;
	e->fin_last = k;
}

static void keep_free(struct conn_keep *k)
{
	if (k != NULL)
		free(k->rows);
	free(k);
}

void draw_forget(void *arg, const struct annot_summary *sm)
{
	(void)arg;
	keep_free(sm->user);
}

void draw_forget_all(struct explain *e)
{
	struct conn_keep *k;

	while ((k = e->fin_first) != NULL) {
		e->fin_first = k->next;
		keep_free(k);
	}
	e->fin_last = NULL;
}

int draw_addr(const struct explain *e, const struct ipaddr *a, bool v6,
              char *buf, size_t cap)
{
	struct outbuf ob;
	unsigned i;

	for (i = 0; i < e->nlabel; i++)
		if (ipaddr_eq(&e->label[i].addr, a)) {
			snprintf(buf, cap, "%s", e->label[i].name);
			return 1;
		}
	ob_init(&ob, buf, cap);
	if (ipaddr_is4(a) && !v6)
		ob_ipv4(&ob, ipaddr_v4(a));
	else
		ob_ipv6(&ob, a->b);
	ob_finish(&ob, buf);
	return 0;
}

void draw_addr_port(const struct explain *e, const struct ipaddr *a,
                    uint16_t port, char *buf, size_t cap)
{
	char text[TDTEXT_LABEL_LEN + 48];

	if (draw_addr(e, a, false, text, sizeof text) == 0 && !ipaddr_is4(a))
		/* RFC 5952, section 6: brackets keep the port apart. */
		snprintf(buf, cap, "[%s]:%u", text, port);
	else
		snprintf(buf, cap, "%s:%u", text, port);
}

/* The room for a column's title: an address and port after a word,
 * three bytes to a character in a translation. */
#define LABEL_CAP 128

/* Copies s into buf[0..cap), cut at a character boundary if it must be. */
static void copy_whole_chars(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* The diagram's options: width, ASCII, the two columns' titles, the
 * reader's language. */
static void ladder_opts_for(const struct explain *e,
                            const struct annot_summary *sm,
                            struct ladder_opts *lo, char lab[2][LABEL_CAP])
{
	char cl[48], sl[48], t[2 * LABEL_CAP];

	draw_addr_port(e, &sm->caddr, sm->cport, cl, sizeof(cl));
	draw_addr_port(e, &sm->saddr, sm->sport, sl, sizeof(sl));
	/* TRANSLATORS: the title of the ladder's left column, over the
	   client's line: its address and port, "192.0.2.1:40000". */
	snprintf(t, sizeof(t), _("client %s"), cl);
	copy_whole_chars(lab[0], LABEL_CAP, t);
	/* TRANSLATORS: the title of the ladder's right column. */
	snprintf(t, sizeof(t), _("server %s"), sl);
	copy_whole_chars(lab[1], LABEL_CAP, t);
	memset(lo, 0, sizeof(*lo));
	lo->width = e->o->width;
	lo->ascii = e->o->ascii != 0;
	lo->label[0] = lab[0];
	lo->label[1] = lab[1];
	lo->tr = &i18n_tr;
}

static void reverse(struct ladder_row *a, size_t n)
{
	struct ladder_row t;
	size_t i;

	for (i = 0; i < n / 2; i++) {
		t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

/* Puts the last rows of a long connection in order after its first
 * ones, and says where the gap between them is. */
static void rows_in_order(struct conn_keep *k, struct ladder_opts *lo)
{
	struct ladder_row *tail = k->rows + DRAW_HEAD;

	if (k->dropped == 0)
		return;
	/* A rotation by ring, as three reversals. */
	reverse(tail, k->ring);
	reverse(tail + k->ring, DRAW_TAIL - k->ring);
	reverse(tail, DRAW_TAIL);
	k->ring = 0;
	lo->gap = k->dropped;
	lo->gap_at = DRAW_HEAD;
}

/*
 * The most bytes a text ladder of n rows takes: each line at most width
 * columns of up to three bytes (box drawing), plus the title, the first
 * states and the legend.
 */
static size_t ladder_text_max(const struct explain *e, size_t n)
{
	return (n + 3) * (3 * (size_t)e->o->width + 64) + 256;
}

/* The ladder of a finished connection, into the output buffer (or, when
 * it is larger than the buffer, straight to standard output). */
static void print_ladder(struct explain *e, struct conn_keep *k)
{
	struct ladder_opts lo;
	char lab[2][LABEL_CAP], *buf;
	size_t cap = ladder_text_max(e, k->nrows + 1);
	int n;

	ladder_opts_for(e, &k->sm, &lo, lab);
	rows_in_order(k, &lo);
	if (cap <= OUT_CAP) {
		explain_room(e, cap);
		n = ladder_format_text(k->rows, k->nrows, k->sm.conn, &lo,
		                       e->out + e->used, OUT_CAP - e->used);
		if (n > 0)
			e->used += (size_t)n;
		return;
	}
	explain_flush(e);
	buf = malloc(cap);
	if (buf == NULL)
		return;
	n = ladder_format_text(k->rows, k->nrows, k->sm.conn, &lo, buf, cap);
	if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
		e->write_failed = 1;
	free(buf);
}

/* --svg: the ladder of one connection as an SVG file. */
char *draw_svg(struct explain *e, struct conn_keep *k, bool blank, size_t *len)
{
	struct ladder_opts lo;
	char lab[2][LABEL_CAP], *buf;
	size_t cap = 1024 * (k->nrows + 1) + 8192;
	int n;

	ladder_opts_for(e, &k->sm, &lo, lab);
	rows_in_order(k, &lo);
	lo.blank = blank;
	buf = malloc(cap);
	if (buf == NULL) {
		explain_warn(_("out of memory"));
		return NULL;
	}
	n = ladder_format_svg(k->rows, k->nrows, k->sm.conn, &lo, buf, cap);
	if (n < 0) {
		explain_warn(_("cannot draw connection %u: %s"), k->sm.conn,
		             _(tcplab_strerror(n)));
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static int write_svg(struct explain *e, struct conn_keep *k)
{
	size_t n;
	char *buf = draw_svg(e, k, false, &n);
	int rc;

	if (buf == NULL)
		return -1;
	rc = explain_write_file(e->o->svg, buf, n);
	free(buf);
	if (rc == 0)
		e->svg_done = 1;
	return rc;
}

/* A connection's summary: one JSON line, or its title and sentences. */
static void print_summary(struct explain *e, const struct annot_summary *sm)
{
	char cl[48], sl[48], line[512];
	int n;

	explain_room(e, 8192);
	if (e->o->json) {
		n = show_summary(&e->sh, sm, e->out + e->used,
		                 OUT_CAP - e->used);
		if (n > 0)
			e->used += (size_t)n;
		return;
	}
	draw_addr_port(e, &sm->caddr, sm->cport, cl, sizeof(cl));
	draw_addr_port(e, &sm->saddr, sm->sport, sl, sizeof(sl));
	/* The title over the summary, after a blank line. */
	strcpy(line, "\n== ");
	/* TRANSLATORS: the title over a connection's summary: its number,
	   the client's address and port, the server's. */
	snprintf(line + 4, sizeof(line) - 5,
	         _("connection %u: client %s, server %s"), sm->conn, cl, sl);
	strcat(line, "\n");
	n = show_text(&e->sh, line, strlen(line), e->out + e->used,
	              OUT_CAP - e->used);
	if (n > 0)
		e->used += (size_t)n;
	n = show_summary(&e->sh, sm, e->out + e->used, OUT_CAP - e->used);
	if (n > 0)
		e->used += (size_t)n;
}

void draw_finished(struct explain *e)
{
	struct conn_keep *k;

	while ((k = e->fin_first) != NULL) {
		e->fin_first = k->next;
		if (e->fin_first == NULL)
			e->fin_last = NULL;
		if (e->o->svg != NULL && k->sm.conn == e->o->conn &&
		    write_svg(e, k) < 0)
			e->svg_failed = 1;
		if (e->o->handout != NULL && k->sm.conn == e->o->conn) {
			if (handout_conn_done(e, k) < 0)
				e->handout_failed = 1;
			else
				e->handout_done = 1;
		}
		tsg_conn_done(e, &k->sm);
		cwnd_conn_done(e, &k->sm);
		scen_conn_done(e, &k->sm);
		if (e->o->graph_text) {
			keep_free(k);
			continue;
		}
		if (!e->o->ladder_only)
			print_summary(e, &k->sm);
		if (!e->o->json) {
			explain_room(e, 1);
			e->out[e->used++] = '\n';
			print_ladder(e, k);
		}
		keep_free(k);
	}
}

int explain_write_file(const char *file, const char *buf, size_t n)
{
	FILE *f = fopen(file, "w");
	int ok;

	if (f == NULL) {
		explain_warn(_("cannot write %s: %s"), file, strerror(errno));
		return -1;
	}
	ok = fwrite(buf, 1, n, f) == n;
	if (fclose(f) != 0 || !ok) {
		explain_warn(_("cannot write %s: %s"), file, strerror(errno));
		return -1;
	}
	return 0;
}

int explain_chart(struct explain *e, const struct chart *c, const char *file)
{
	size_t cap;
	char *buf;
	int n, rc;

	if (strcmp(file, "-") == 0) {
		cap = (CHART_TEXT_ROWS + 16) * (3 * (size_t)e->o->width + 8) +
		      4096;
		explain_room(e, cap);
		n = chart_format_text(c, e->o->width, CHART_TEXT_ROWS,
		                      e->o->ascii != 0, e->out + e->used,
		                      OUT_CAP - e->used);
		if (n < 0) {
			explain_warn(_("the graph does not fit in %u columns"),
			             e->o->width);
			return -1;
		}
		e->used += (size_t)n;
		return 0;
	}
	cap = chart_svg_max(c);
	if ((buf = malloc(cap)) == NULL) {
		explain_warn(_("out of memory"));
		return -1;
	}
	n = chart_format_svg(c, buf, cap);
	if (n < 0) {
		explain_warn(_("cannot write %s: %s"), file,
		             _(tcplab_strerror(n)));
		rc = -1;
	} else {
		rc = explain_write_file(file, buf, (size_t)n);
	}
	free(buf);
	return rc;
}
