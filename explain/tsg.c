/*
 * tsg.c: --tsg, the time-sequence graph of one connection, as an SVG file
 * or (--tsg -) as a text plot on standard output.
 *
 * What annot says of each segment of the chosen connection is kept here
 * (a struct tsg_seg each, common/tsg.h), and nothing of any other
 * connection, so memory grows with that one connection alone, up to
 * TSG_KEEP_MAX segments; a longer one is graphed up to there, with a
 * note. When annot finishes the connection, common/tsg builds the graph
 * and common/chart draws it. This file never reads the input.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/chart.h"
#include "common/err.h"
#include "common/io/i18n.h"
#include "common/tsg.h"
#include "explain/explain.h"

/* The most segments kept for the graph (about 6 MB of them). */
#define TSG_KEEP_MAX 100000

struct tsg_keep {
	struct tsg_seg *segs;
	size_t n, cap;
	int full_noted;
};

void tsg_keep_seg(struct explain *e, const struct annot_result *r,
                  const struct seg *s)
{
	struct tsg_keep *t = e->tsg;

	if (e->o->tsg == NULL || r->conn != e->o->conn)
		return;
	if (t == NULL && (t = e->tsg = calloc(1, sizeof(*t))) == NULL) {
		e->tsg_failed = 1;
		return;
	}
	if (t->n == TSG_KEEP_MAX) {
		if (!t->full_noted)
			explain_warn(
			        _("connection %u has more than %u "
			          "segments: the graph shows the first %u"),
			        r->conn, TSG_KEEP_MAX, TSG_KEEP_MAX);
		t->full_noted = 1;
		return;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct tsg_seg *ns = realloc(t->segs, ncap * sizeof(*ns));

		if (ns == NULL) {
			e->tsg_failed = 1;
			return;
		}
		t->segs = ns;
		t->cap = ncap;
	}
	tsg_seg_from(&t->segs[t->n++], r, s);
}

void tsg_forget(struct explain *e)
{
	if (e->tsg != NULL)
		free(e->tsg->segs);
	free(e->tsg);
	e->tsg = NULL;
}

/* Draws the graph of the connection annot finished. Returns 0, or -1
 * after a message. */
static int draw(struct explain *e, const struct annot_summary *sm)
{
	struct tsg_keep *t = e->tsg;
	struct chart_point *pts;
	struct tsg_graph *g;
	char a[2][48];
	const char *addr[2] = {a[0], a[1]};
	int rc = -1;

	draw_addr_port(e, &sm->caddr, sm->cport, a[ANNOT_CLIENT], sizeof(a[0]));
	draw_addr_port(e, &sm->saddr, sm->sport, a[ANNOT_SERVER], sizeof(a[1]));
	g = malloc(sizeof(*g));
	pts = malloc(tsg_points_max(t->n) * sizeof(*pts));
	if (g == NULL || pts == NULL) {
		explain_warn(_("out of memory"));
	} else if (tsg_build(g, t->segs, t->n, sm->conn, addr, &i18n_tr, pts) <
	           0) {
		explain_warn(_("connection %u carries no data to graph"),
		             sm->conn);
	} else {
		rc = explain_chart(e, &g->chart, e->o->tsg);
	}
	free(pts);
	free(g);
	return rc;
}

void tsg_conn_done(struct explain *e, const struct annot_summary *sm)
{
	if (e->o->tsg == NULL || sm->conn != e->o->conn || e->tsg_done)
		return;
	e->tsg_done = 1;
	if (e->tsg_failed) {
		explain_warn(_("out of memory"));
	} else if (e->tsg == NULL) {
		explain_warn(_("connection %u carries no data to graph"),
		             sm->conn);
		e->tsg_failed = 1;
	} else if (draw(e, sm) < 0) {
		e->tsg_failed = 1;
	}
	tsg_forget(e);
}
