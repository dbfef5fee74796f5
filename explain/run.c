/*
 * run.c: what a run of tcplab-explain holds whichever its input: the
 * printer's and the annotator's contexts, the names, the output buffer,
 * and the step that annotates one segment (see explain.h).
 *
 * Output is gathered in one large buffer and written in big blocks, since
 * a capture can hold millions of packets. This file never reads the input
 * and never exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/names.h"
#include "explain/explain.h"

static const char *udp_port_lookup(void *arg, uint16_t port)
{
	return names_udp_port(arg, port);
}

static int setup(struct explain *e, const struct options *o)
{
	struct tcpdump_resolver res;

	e->out = malloc(OUT_CAP);
	e->names = names_open();
	if (e->out == NULL || e->names == NULL)
		return -1;
	names_resolver(e->names, &res);
	e->onames.host = res.host;
	e->onames.udp_port = udp_port_lookup;
	e->onames.arg = e->names;
	tcpdump_ctx_init(&e->ctx, &o->flags, &res);
	annot_init(&e->an);
	e->an.done = draw_conn_done;
	e->an.done_arg = e;
	e->o = o;
	return 0;
}

struct explain *explain_new(const struct options *o)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (e == NULL || setup(e, o) < 0) {
		fprintf(stderr, PROG ": out of memory\n");
		explain_close(e, EXIT_INPUT);
		return NULL;
	}
	return e;
}

void explain_flush(struct explain *e)
{
	if (e->used > 0 && fwrite(e->out, 1, e->used, stdout) != e->used)
		e->write_failed = 1;
	e->used = 0;
}

int explain_segment(struct explain *e, const struct annot_in *in, int n)
{
	const struct options *o = e->o;
	char *p = e->out + e->used;
	size_t room = OUT_CAP - e->used;
	int m;

	if (o->plain)
		return n;
	if (annot_input(&e->an, in, &e->ar) < 0)
		return n;
	draw_keep_row(e, &e->ar);
	if (o->ladder_only)
		return 0;
	if (o->json)
		return annot_format_json(&e->ar, NULL, p, room);
	m = annot_format_text(&e->ar, 0, p + n, room - (size_t)n);
	return m < 0 ? m : n + m;
}

int explain_finish(struct explain *e)
{
	if (e->o->plain)
		return 0;
	annot_finish(&e->an);
	if (e->svg_failed)
		return -1;
	if (e->o->svg != NULL && !e->svg_done) {
		fprintf(stderr,
		        PROG ": no connection %u in the capture for "
		             "--svg\n",
		        e->o->conn);
		return -1;
	}
	return 0;
}

int explain_close(struct explain *e, int rc)
{
	if (e == NULL)
		return rc;
	if (e->o != NULL && (fflush(stdout) != 0 || e->write_failed)) {
		fprintf(stderr, PROG ": cannot write the output: %s\n",
		        strerror(errno));
		rc = EXIT_INPUT;
	}
	tcpdump_ctx_free(&e->ctx);
	annot_free(&e->an);
	free(e->rows);
	names_close(e->names);
	free(e->out);
	free(e);
	return rc;
}
