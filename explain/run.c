/*
 * run.c: what a run of tcplab-explain holds whichever its input: the
 * printer's and the annotator's contexts, the names, the output buffer,
 * and the step that annotates one segment (see explain.h).
 *
 * Output is gathered in one large buffer and written in big blocks, since
 * a capture can hold millions of packets. This file never reads the input
 * and never exits.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io/i18n.h"
#include "common/io/names.h"
#include "common/io/term.h"
#include "explain/explain.h"

void explain_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vwarn(PROG, fmt, ap);
	va_end(ap);
}

static const char *udp_port_lookup(void *arg, uint16_t port)
{
	return names_udp_port(arg, port);
}

/* How segments show: --plain, --json, --ladder (only the diagrams) or
 * explained. */
static enum show_mode show_mode(const struct options *o)
{
	if (o->plain)
		return SHOW_PLAIN;
	if (o->json)
		return SHOW_JSON;
	return o->ladder_only || o->graph_text ? SHOW_SILENT : SHOW_EXPLAIN;
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
	show_init(&e->sh, show_mode(o), o->width, &o->flags, &res,
	          ANNOT_ROLE_UNKNOWN);
	show_set_tr(&e->sh, &i18n_tr);
	e->sh.an.cc_notes = o->cc != 0;
	e->sh.an.done = draw_conn_done;
	e->sh.an.done_arg = e;
	e->o = o;
	return 0;
}

struct explain *explain_new(const struct options *o)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (e == NULL || setup(e, o) < 0) {
		explain_warn(_("out of memory"));
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

void explain_room(struct explain *e, size_t need)
{
	if (OUT_CAP - e->used < need)
		explain_flush(e);
}

void explain_explained(struct explain *e, const struct seg *s)
{
	if (!e->sh.explained)
		return;
	draw_keep_row(e, &e->sh.ar);
	handout_keep_seg(e, &e->sh.ar);
	tsg_keep_seg(e, &e->sh.ar, s);
	cwnd_keep_result(e, &e->sh.ar);
	scen_keep_seg(e, &e->sh.ar, s);
}

/* Prints the finished connections before a packet's text, which waits in
 * e->hold meanwhile. */
static void finished_first(struct explain *e, size_t n)
{
	if (n > OUT_ROOM ||
	    (e->hold == NULL && (e->hold = malloc(OUT_ROOM)) == NULL)) {
		/* The connections then come after the packet (a text longer
		 * than a packet's room cannot be, but is not lost). */
		e->used += n;
		draw_finished(e);
		return;
	}
	memcpy(e->hold, e->out + e->used, n);
	draw_finished(e);
	explain_room(e, n);
	memcpy(e->out + e->used, e->hold, n);
	e->used += n;
}

void explain_commit(struct explain *e, size_t n, int notice)
{
	if (notice && (e->o->json || e->o->ladder_only || e->o->graph_text)) {
		/* Standard output is for the JSON or the diagrams alone. */
		fwrite(e->out + e->used, 1, n, stderr);
		n = 0;
	}
	if (e->fin_first != NULL)
		finished_first(e, n);
	else
		e->used += n;
}

int explain_finish(struct explain *e)
{
	if (!e->o->plain) {
		annot_finish(&e->sh.an);
		draw_finished(e);
	}
	explain_flush(e);
	if (e->o->plain)
		return 0;
	if (e->lost > 0)
		explain_warn(_("out of memory: %d connections not summarised"),
		             e->lost);
	if (e->svg_failed)
		return -1;
	if (e->o->svg != NULL && !e->svg_done) {
		explain_warn(_("no connection %u in the capture for --svg"),
		             e->o->conn);
		return -1;
	}
	if (e->tsg_failed)
		return -1;
	if (e->o->tsg != NULL && !e->tsg_done) {
		explain_warn(_("no connection %u in the capture for --tsg"),
		             e->o->conn);
		return -1;
	}
	if (e->handout_failed)
		return -1;
	if (e->o->handout != NULL && !e->handout_done) {
		explain_warn(_("no connection %u in the capture for "
		               "--handout"),
		             e->o->conn);
		return -1;
	}
	if (e->cwnd_failed)
		return -1;
	if (e->o->cwnd != NULL && !e->cwnd_done) {
		explain_warn(_("no connection %u in the capture for --cwnd"),
		             e->o->conn);
		return -1;
	}
	if (e->scen_failed)
		return -1;
	if (e->o->scenario != NULL && !e->scen_done) {
		explain_warn(
		        _("no connection %u in the capture for --scenario"),
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
		explain_warn(_("cannot write the output: %s"), strerror(errno));
		rc = EXIT_INPUT;
	}
	/* What is kept of the connections left is freed with them. */
	e->sh.an.done = draw_forget;
	annot_finish(&e->sh.an);
	show_free(&e->sh);
	draw_forget_all(e);
	tsg_forget(e);
	cwnd_forget(e);
	handout_forget(e);
	scen_forget(e);
	free(e->hold);
	names_close(e->names);
	free(e->out);
	free(e);
	return rc;
}
