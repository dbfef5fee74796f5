/*
 * text.c: the text run of tcplab-explain: tcpdump's text, as printed or
 * pasted from a web page, is read back into segments by common/tdtext,
 * and each segment is printed as it was (its lines) and explained.
 *
 * The input is read line by line and only the lines of the packet being
 * read are kept, up to a limit, so that a text of any size costs the same
 * memory. One packet goes through text_packet(): its lines, then the
 * notes (annotate and format), without I/O.
 *
 * Names in the text are read back through the same files the printer
 * names from (common/io/names): hosts and services, never the network.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/i18n.h"
#include "common/io/names.h"
#include "common/err.h"
#include "explain/explain.h"

/* The longest line read whole; the rest of a longer one is skipped. */
#define LINE_MAX_ (64 * 1024)

/* What is kept of the lines of the packet being read: its text is cut at
 * half a packet's room, as text_packet() prints it. */
#define KEEP_BYTES (OUT_ROOM / 2)
#define KEEP_LINES 1024

/* Reads lines from a stream in blocks; a line is valid until the next. */
struct reader {
	FILE *f;
	char buf[LINE_MAX_];
	size_t start, end;
	bool eof, skip; /* skip: the rest of a cut line is still to come */
};

/* The lines from number first on, while their packet is read. */
struct kept {
	unsigned first, n;
	size_t off[KEEP_LINES + 1]; /* line i is text[off[i]..off[i + 1]) */
	char text[KEEP_BYTES];
};

static int text_host(void *arg, const char *name, uint32_t *addr)
{
	return names_host_addr(arg, name, addr);
}

static int text_port(void *arg, const char *name, uint16_t *port)
{
	return names_tcp_port_num(arg, name, port);
}

/* Moves what is left to the front and reads more. */
static void reader_fill(struct reader *rd)
{
	size_t k;

	memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
	rd->end -= rd->start;
	rd->start = 0;
	k = fread(rd->buf + rd->end, 1, sizeof(rd->buf) - rd->end, rd->f);
	rd->end += k;
	if (k == 0)
		rd->eof = true;
}

/* The next piece of input up to a '\n' or as much as the buffer holds;
 * *cut when the line goes on after it. Returns false at the end. */
static bool reader_next(struct reader *rd, const char **line, size_t *len,
                        bool *cut)
{
	char *nl;

	for (;;) {
		nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
		if (nl != NULL || rd->eof ||
		    (rd->start == 0 && rd->end == sizeof(rd->buf)))
			break;
		reader_fill(rd);
	}
	if (nl == NULL && rd->start == rd->end)
		return false;
	*line = rd->buf + rd->start;
	*len = nl != NULL ? (size_t)(nl - *line) : rd->end - rd->start;
	rd->start += *len + (nl != NULL);
	*cut = nl == NULL && !rd->eof;
	return true;
}

/*
 * The next line, without its '\n' (nor a '\r' before it); a line longer
 * than the buffer is cut to its length and the rest skipped. Returns
 * false at the end.
 */
static bool reader_line(struct reader *rd, const char **line, size_t *len)
{
	bool rest, cut;

	do {
		rest = rd->skip;
		if (!reader_next(rd, line, len, &cut))
			return false;
		rd->skip = cut;
	} while (rest);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	return true;
}

/* Keeps line number num, if there is room. */
static void kept_add(struct kept *k, unsigned num, const char *line, size_t len)
{
	size_t used = k->off[k->n];

	if (k->n == 0)
		k->first = num;
	if (num != k->first + k->n || k->n == KEEP_LINES ||
	    len > KEEP_BYTES - used)
		return;
	memcpy(k->text + used, line, len);
	k->off[++k->n] = used + len;
}

/* Forgets the lines before number from. */
static void kept_trim(struct kept *k, unsigned from)
{
	unsigned drop = from - k->first, i;
	size_t base;

	if (k->n == 0 || from <= k->first)
		return;
	if (drop >= k->n) {
		k->n = 0;
		k->off[0] = 0;
		return;
	}
	base = k->off[drop];
	memmove(k->text, k->text + base, k->off[k->n] - base);
	for (i = 0; i + drop <= k->n; i++)
		k->off[i] = k->off[i + drop] - base;
	k->n -= drop;
	k->first = from;
}

/* Remembers the label behind a made-up address of the text reader. */
static void keep_label(struct explain *e, struct ipaddr a, const char *name)
{
	unsigned i;

	if (!ipaddr_is4(&a) || (ipaddr_v4(&a) >> 24) != 240)
		return;
	for (i = 0; i < e->nlabel; i++)
		if (ipaddr_eq(&e->label[i].addr, &a))
			return;
	if (e->nlabel < TDTEXT_LABELS) {
		e->label[e->nlabel].addr = a;
		snprintf(e->label[e->nlabel].name, TDTEXT_LABEL_LEN, "%s",
		         name);
		e->nlabel++;
	}
}

/*
 * One packet read from text, into buf[0..cap): its lines as they were
 * (those kept), then the notes; or its JSON line, or nothing (--ladder).
 * Returns the length, or TCPLAB_ENOSPC. No I/O.
 */
static int text_packet(struct explain *e, const struct tdtext_pkt *pk,
                       const struct kept *k, char *buf, size_t cap)
{
	struct annot_in in;
	unsigned i;
	size_t n = 0, l;
	int w, m;

	/* The lines as they were, gathered at the end of buf. */
	for (i = pk->first_line; i <= pk->last_line; i++) {
		if (i < k->first || i - k->first >= k->n)
			continue;
		l = k->off[i - k->first + 1] - k->off[i - k->first];
		n += l + 1;
	}
	if (n >= cap / 2)
		return TCPLAB_ENOSPC;
	n = 0;
	for (i = pk->first_line; i <= pk->last_line; i++) {
		if (i < k->first || i - k->first >= k->n)
			continue;
		l = k->off[i - k->first + 1] - k->off[i - k->first];
		memcpy(buf + cap / 2 + n, k->text + k->off[i - k->first], l);
		n += l;
		buf[cap / 2 + n++] = '\n';
	}
	w = show_lines(&e->sh, buf + cap / 2, n, buf, cap / 2);
	if (w < 0)
		return w;
	keep_label(e, seg_src(&pk->seg), pk->src_host);
	keep_label(e, seg_dst(&pk->seg), pk->dst_host);
	memset(&in, 0, sizeof(in));
	in.s = &pk->seg;
	in.sec = pk->sec;
	in.usec = pk->usec;
	in.cksum = pk->cksum;
	in.cksum_good = pk->cksum_good;
	m = show_explain(&e->sh, &in, buf + w, cap - (size_t)w);
	if (m < 0)
		return m;
	explain_explained(e, &pk->seg);
	return w + m;
}

/* Hands the text of one packet on. */
static void text_put(struct explain *e, const struct tdtext_pkt *pk,
                     const struct kept *k)
{
	int n;

	explain_room(e, OUT_ROOM);
	n = text_packet(e, pk, k, e->out + e->used, OUT_CAP - e->used);
	if (n >= 0)
		explain_commit(e, (size_t)n, 0);
}

/* The state of a text run. */
struct trun {
	struct explain *e;
	struct tdtext_ctx tc;
	struct reader rd;
	struct kept k;
	unsigned npk;
};

/* Feeds one line (or the end, when line is NULL); false to stop. */
static bool text_step(struct trun *t, const char *line, size_t len)
{
	const struct options *o = t->e->o;
	struct tdtext_pkt pk;
	struct tdtext_msg msg;
	int r;

	r = line != NULL ? tdtext_line(&t->tc, line, len, &pk, &msg)
	                 : tdtext_end(&t->tc, &pk);
	if (r & TDTEXT_PKT) {
		text_put(t->e, &pk, &t->k);
		t->npk++;
		if (o->count > 0 && t->npk >= (unsigned)o->count)
			return false;
	}
	if (r & (TDTEXT_BAD | TDTEXT_SKIP))
		/* TRANSLATORS: a line of the text that is not read as a
		   segment: its number, and what is wrong with it. */
		explain_warn(_("line %u: %s"), msg.line, _(msg.text));
	if (line == NULL)
		return false;
	/* Only the lines of the packet being read are kept. */
	kept_trim(&t->k, t->tc.pending ? t->tc.cur.first_line : t->tc.line + 1);
	if (t->tc.pending)
		kept_add(&t->k, t->tc.line, line, len);
	return true;
}

int text_run(FILE *f, const struct options *o)
{
	struct trun *t = calloc(1, sizeof(*t));
	struct tdtext_names tn = {text_host, text_port, NULL};
	const char *line;
	size_t len;
	int rc = EXIT_OK;

	if (t == NULL || (t->e = explain_new(o)) == NULL) {
		free(t);
		return EXIT_INPUT;
	}
	tn.arg = t->e->names;
	tdtext_init(&t->tc, &tn);
	t->rd.f = f;
	while (reader_line(&t->rd, &line, &len) && text_step(t, line, len))
		;
	if (t->npk < (unsigned)o->count || o->count == 0)
		text_step(t, NULL, 0);
	if (ferror(f)) {
		explain_warn(_("cannot read %s: %s"), o->file, strerror(errno));
		rc = EXIT_INPUT;
	}
	if (explain_finish(t->e) < 0)
		rc = EXIT_INPUT;
	if (t->npk == 0) {
		explain_warn(_("no TCP segment found in %s"), o->file);
		rc = EXIT_INPUT;
	}
	rc = explain_close(t->e, rc);
	free(t);
	return rc;
}
