/*
 * draw.c: the end of a connection in tcplab-explain: what it did (annot's
 * summary), its ladder diagram on standard output, or its JSON line; and
 * with --svg, the diagram of one connection as an SVG file.
 *
 * The ladder's rows are kept as the segments are annotated. This file
 * never reads the input; it writes only the diagrams, the summaries and
 * the SVG file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain/explain.h"

void draw_keep_row(struct explain *e, const struct annot_result *r)
{
	if (e->nrows == e->rcap) {
		size_t ncap = e->rcap ? e->rcap * 2 : 64;
		struct ladder_row *nr = realloc(e->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return;
		e->rows = nr;
		e->rcap = ncap;
	}
	ladder_row_from(&e->rows[e->nrows++], r);
}

void draw_addr_port(const struct explain *e, uint32_t a, uint16_t port,
                    char *buf, size_t cap)
{
	unsigned i;

	for (i = 0; i < e->nlabel; i++)
		if (e->label[i].addr == a) {
			snprintf(buf, cap, "%s:%u", e->label[i].name, port);
			return;
		}
	snprintf(buf, cap, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 0xff,
	         (a >> 8) & 0xff, a & 0xff, port);
}

/* Writes the ladder of a connection to stdout, or SVG to f. */
static int draw_ladder(struct explain *e, const struct annot_summary *sm,
                       FILE *svg)
{
	struct ladder_opts lo;
	char cl[48], sl[48], lab[2][64];
	size_t cap = 512 * e->nrows + 8192;
	char *buf = malloc(cap);
	int n;

	if (buf == NULL)
		return -1;
	draw_addr_port(e, sm->caddr, sm->cport, cl, sizeof(cl));
	draw_addr_port(e, sm->saddr, sm->sport, sl, sizeof(sl));
	snprintf(lab[0], sizeof(lab[0]), "client %s", cl);
	snprintf(lab[1], sizeof(lab[1]), "server %s", sl);
	memset(&lo, 0, sizeof(lo));
	lo.width = e->o->width;
	lo.ascii = e->o->ascii != 0;
	lo.label[0] = lab[0];
	lo.label[1] = lab[1];
	if (svg != NULL)
		n = ladder_format_svg(e->rows, e->nrows, sm->conn, &lo, buf,
		                      cap);
	else
		n = ladder_format_text(e->rows, e->nrows, sm->conn, &lo, buf,
		                       cap);
	if (n > 0 && fwrite(buf, 1, (size_t)n, svg ? svg : stdout) != (size_t)n)
		n = -1;
	free(buf);
	return n < 0 ? -1 : 0;
}

/* --svg: the ladder of one connection as an SVG file. */
static int write_svg(struct explain *e, const struct annot_summary *sm)
{
	FILE *f;
	int rc;

	f = fopen(e->o->svg, "w");
	if (f == NULL) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", e->o->svg,
		        strerror(errno));
		return -1;
	}
	rc = draw_ladder(e, sm, f);
	if (fclose(f) != 0 || rc < 0) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", e->o->svg,
		        strerror(errno));
		return -1;
	}
	e->svg_done = 1;
	return 0;
}

/* What was printed before the connection's end goes out first. */
void draw_conn_done(void *arg, const struct annot_summary *sm)
{
	struct explain *e = arg;
	char buf[2048], cl[48], sl[48];
	int n;

	explain_flush(e);
	if (e->o->svg != NULL && sm->conn == e->o->conn && write_svg(e, sm) < 0)
		e->svg_failed = 1;
	if (e->o->json) {
		n = annot_format_summary_json(sm, buf, sizeof(buf));
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		return;
	}
	if (!e->o->ladder_only) {
		draw_addr_port(e, sm->caddr, sm->cport, cl, sizeof(cl));
		draw_addr_port(e, sm->saddr, sm->sport, sl, sizeof(sl));
		printf("\n== connection %u: client %s, server %s\n", sm->conn,
		       cl, sl);
		n = annot_format_summary_text(sm, 0, buf, sizeof(buf));
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	printf("\n");
	draw_ladder(e, sm, NULL);
}
