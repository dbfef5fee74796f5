/*
 * text.c: the text run of tcplab-explain: tcpdump's text, as printed or
 * pasted from a web page, is read back into segments by common/tdtext,
 * and each segment is printed as it was (its lines) and explained.
 *
 * Names in the text are read back through the same files the printer
 * names from (common/io/names): hosts and services, never the network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/names.h"
#include "explain/explain.h"

static int text_host(void *arg, const char *name, uint32_t *addr)
{
	return names_host_addr(arg, name, addr);
}

static int text_port(void *arg, const char *name, uint16_t *port)
{
	return names_tcp_port_num(arg, name, port);
}

/* Remembers the label behind a made-up address of the text reader. */
static void keep_label(struct explain *e, uint32_t addr, const char *name)
{
	unsigned i;

	if ((addr >> 24) != 240)
		return;
	for (i = 0; i < e->nlabel; i++)
		if (e->label[i].addr == addr)
			return;
	if (e->nlabel < TDTEXT_LABELS) {
		e->label[e->nlabel].addr = addr;
		snprintf(e->label[e->nlabel].name, TDTEXT_LABEL_LEN, "%s",
		         name);
		e->nlabel++;
	}
}

/*
 * One packet read from text, into buf[0..cap): its lines as they were,
 * then the notes; or its JSON line, or nothing (--ladder). Returns the
 * length, or TCPLAB_ENOSPC. No I/O.
 */
static int text_packet(struct explain *e, const struct tdtext_pkt *pk,
                       char **lines, size_t *lens, char *buf, size_t cap)
{
	struct annot_in in;
	unsigned i;
	size_t n = 0;

	for (i = pk->first_line; i <= pk->last_line; i++) {
		size_t l = lens[i - 1];

		if (l + 1 > OUT_ROOM / 2 - n)
			l = OUT_ROOM / 2 - n - 1;
		memcpy(buf + n, lines[i - 1], l);
		n += l;
		buf[n++] = '\n';
	}
	keep_label(e, pk->seg.saddr, pk->src_host);
	keep_label(e, pk->seg.daddr, pk->dst_host);
	memset(&in, 0, sizeof(in));
	in.s = &pk->seg;
	in.sec = pk->sec;
	in.usec = pk->usec;
	in.cksum = pk->cksum;
	in.cksum_good = pk->cksum_good;
	return explain_segment(e, &in, buf, cap, (int)n);
}

/* Hands the text of one packet on. */
static void text_put(struct explain *e, const struct tdtext_pkt *pk,
                     char **lines, size_t *lens)
{
	int n;

	explain_room(e, OUT_ROOM);
	n = text_packet(e, pk, lines, lens, e->out + e->used,
	                OUT_CAP - e->used);
	if (n >= 0)
		explain_commit(e, (size_t)n, 0);
}

/* Splits buf into lines in place; returns their count. */
static size_t split_lines(char *buf, size_t len, char ***lines, size_t **lens)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	*lines = malloc((n + 1) * sizeof(**lines));
	*lens = malloc((n + 1) * sizeof(**lens));
	if (*lines == NULL || *lens == NULL)
		return 0;
	n = 0;
	for (i = 0; i <= len; i++)
		if (i == len || buf[i] == '\n') {
			if (i == len && i == start)
				break;
			(*lines)[n] = buf + start;
			(*lens)[n] = i - start;
			if ((*lens)[n] > 0 && buf[i - 1] == '\r')
				(*lens)[n]--;
			n++;
			start = i + 1;
		}
	return n;
}

int text_run(char *buf, size_t len, const struct options *o)
{
	struct explain *e = explain_new(o);
	struct tdtext_ctx *tc = calloc(1, sizeof(*tc));
	struct tdtext_names tn = {text_host, text_port, NULL};
	struct tdtext_pkt pk;
	struct tdtext_msg msg;
	char **lines = NULL;
	size_t *lens = NULL, nl, i;
	unsigned npk = 0;
	int rc = EXIT_OK, r;

	nl = split_lines(buf, len, &lines, &lens);
	if (e == NULL || tc == NULL || lines == NULL || lens == NULL) {
		rc = EXIT_INPUT;
		goto done;
	}
	tn.arg = e->names;
	tdtext_init(tc, &tn);
	for (i = 0; i <= nl; i++) {
		r = i < nl ? tdtext_line(tc, lines[i], lens[i], &pk, &msg)
		           : tdtext_end(tc, &pk);
		if (r & TDTEXT_PKT) {
			text_put(e, &pk, lines, lens);
			npk++;
			if (o->count > 0 && npk >= (unsigned)o->count)
				break;
		}
		if (r & (TDTEXT_BAD | TDTEXT_SKIP))
			fprintf(stderr, PROG ": line %u: %s\n", msg.line,
			        msg.text);
	}
	if (explain_finish(e) < 0)
		rc = EXIT_INPUT;
	if (npk == 0) {
		fprintf(stderr, PROG ": no TCP segment found in %s\n", o->file);
		rc = EXIT_INPUT;
	}
done:
	rc = explain_close(e, rc);
	free(tc);
	free(lines);
	free(lens);
	return rc;
}
