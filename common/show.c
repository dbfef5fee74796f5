/*
 * show.c: one path from a segment's bytes to the lines a person reads
 * (see show.h): tcpdump's printer, the folding of its lines, annot, and
 * annot's formatting, in that order, for every program.
 *
 * This module must never do I/O, print, read a clock or keep global
 * state; it allocates only a scratch buffer for folding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/seg.h"
#include "common/show.h"
#include "common/wrap.h"

int show_init(struct show *sh, enum show_mode mode, unsigned cols,
              const struct tcpdump_flags *fl,
              const struct tcpdump_resolver *res, enum annot_role own)
{
	memset(sh, 0, sizeof(*sh));
	sh->mode = mode;
	sh->cols = cols;
	sh->own = own;
	tcpdump_ctx_init(&sh->td, fl, res);
	annot_init(&sh->an);
	return 0;
}

void show_set_tr(struct show *sh, const struct tr *tr)
{
	sh->an.tr = sh->mode == SHOW_JSON ? NULL : tr;
}

void show_free(struct show *sh)
{
	tcpdump_ctx_free(&sh->td);
	annot_free(&sh->an);
	free(sh->scratch);
	sh->scratch = NULL;
	sh->scratch_cap = 0;
}

/* Room for n bytes of scratch. */
static int scratch(struct show *sh, size_t n)
{
	char *p;

	if (n <= sh->scratch_cap)
		return 0;
	p = realloc(sh->scratch, n);
	if (p == NULL)
		return TCPLAB_ENOMEM;
	sh->scratch = p;
	sh->scratch_cap = n;
	return 0;
}

/* Folds each line of text[0..len) to cols into buf. */
static int fold_lines(const char *text, size_t len, unsigned cols, char *buf,
                      size_t cap)
{
	size_t off = 0, w = 0, end;
	int n;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);

		end = nl != NULL ? (size_t)(nl - text) : len;
		n = wrap_fold(text + off, end - off, cols, buf + w, cap - w);
		if (n < 0)
			return n;
		w += (size_t)n;
		off = end + 1;
	}
	return (int)w;
}

int show_lines(const struct show *sh, const char *text, size_t len, char *buf,
               size_t cap)
{
	if (sh->mode == SHOW_JSON || sh->mode == SHOW_SILENT)
		return 0;
	if (sh->mode == SHOW_PLAIN || sh->cols == 0) {
		if (len >= cap)
			return TCPLAB_ENOSPC;
		memcpy(buf, text, len);
		buf[len] = '\0';
		return (int)len;
	}
	return fold_lines(text, len, sh->cols, buf, cap);
}

int show_lines_of(struct show *sh, const struct show_pkt *pk, char *buf,
                  size_t cap)
{
	struct tcpdump_pkt p = {pk->sec,    pk->usec,   pk->ip,
	                        pk->caplen, pk->prefix, pk->wirelen};
	int n, rc;

	if ((rc = scratch(sh, cap)) < 0)
		return rc;
	n = tcpdump_format(&sh->td, &p, sh->scratch, cap);
	if (n < 0)
		return n;
	return show_lines(sh, sh->scratch, (size_t)n, buf, cap);
}

/* The own-side fields of an annot_in, from a packet's. */
static void own_in(const struct show *sh, const struct show_pkt *pk,
                   struct annot_in *in)
{
	in->own = sh->own;
	if (pk != NULL) {
		in->own_path = pk->own_path;
		in->own_ignored = pk->own_ignored;
		in->own_cc = pk->own_cc;
	}
}

int show_explain(struct show *sh, const struct annot_in *in, char *buf,
                 size_t cap)
{
	const char *own_state = NULL;
	int rc;

	sh->explained = false;
	if (sh->mode == SHOW_PLAIN)
		return 0;
	if (cap < SHOW_NOTES_ROOM)
		return TCPLAB_ENOSPC;
	rc = annot_input(&sh->an, in, &sh->ar);
	if (rc < 0)
		return rc;
	sh->explained = true;
	if (sh->own != ANNOT_ROLE_UNKNOWN) {
		sh->own_state = sh->ar.after[sh->own == ANNOT_ROLE_CLIENT
		                                     ? ANNOT_CLIENT
		                                     : ANNOT_SERVER];
		own_state = tcp_state_name(sh->own_state);
	}
	if (sh->mode == SHOW_JSON)
		return annot_format_json(&sh->ar, own_state, buf, cap);
	if (sh->mode == SHOW_SILENT)
		return 0;
	return annot_format_text(&sh->ar, sh->cols, buf, cap);
}

/* The annot_in for a decoded packet. */
static void packet_in(const struct show *sh, const struct show_pkt *pk,
                      const struct seg *s, struct annot_in *in)
{
	memset(in, 0, sizeof(*in));
	in->s = s;
	in->sec = pk->sec;
	in->usec = pk->usec;
	in->from = pk->from;
	in->cksum = ANNOT_CKSUM_COMPUTE;
	own_in(sh, pk, in);
}

/* The notes part of show_packet(), after the lines (n bytes) in buf. */
static int explain_pkt(struct show *sh, const struct show_pkt *pk, char *buf,
                       size_t cap, int n)
{
	struct annot_in in;
	struct seg s;
	int m;

	if (seg_decode(&s, pk->ip, pk->caplen) < 0) {
		if (sh->mode != SHOW_EXPLAIN)
			return n;
		m = snprintf(buf + n, cap - (size_t)n, "  | %s\n",
		             TR(sh->an.tr, "not explained: the segment is "
		                           "damaged or cut short"));
		return m < 0 || (size_t)m >= cap - (size_t)n ? TCPLAB_ENOSPC
		                                             : n + m;
	}
	packet_in(sh, pk, &s, &in);
	m = show_explain(sh, &in, buf + n, cap - (size_t)n);
	return m < 0 ? m : n + m;
}

int show_packet(struct show *sh, const struct show_pkt *pk, char *buf,
                size_t cap)
{
	struct tcpdump_pkt p = {pk->sec,    pk->usec,   pk->ip,
	                        pk->caplen, pk->prefix, pk->wirelen};
	bool fold = sh->mode == SHOW_EXPLAIN && sh->cols > 0;
	char *out = buf;
	size_t room = cap;
	int n = 0, rc;

	sh->explained = false;
	if (cap == 0)
		return TCPLAB_ENOSPC;
	if (fold) {
		if ((rc = scratch(sh, cap)) < 0)
			return rc;
		out = sh->scratch;
	}
	/* tcpdump's lines are formatted in every mode: its relative
	 * numbers need every packet. */
	n = tcpdump_format(&sh->td, &p, out, room);
	if (n < 0)
		return n;
	if (fold)
		n = fold_lines(out, (size_t)n, sh->cols, buf, cap);
	else if (sh->mode == SHOW_JSON || sh->mode == SHOW_SILENT)
		n = 0;
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (sh->mode == SHOW_PLAIN)
		return n;
	return explain_pkt(sh, pk, buf, cap, n);
}

int show_preview(struct show *sh, const struct show_pkt *pk,
                 struct annot_result *r)
{
	struct annot_in in;
	struct seg s;
	int rc;

	rc = seg_decode(&s, pk->ip, pk->caplen);
	if (rc < 0)
		return rc;
	packet_in(sh, pk, &s, &in);
	return annot_preview(&sh->an, &in, r);
}

/* "next: #3 client -> server, Flags [P.], seq 1:143, ack 1, length 142",
 * in tcpdump's relative numbers. */
static void preview_head(const struct annot_result *r, char *buf, size_t cap)
{
	int n;

	n = snprintf(buf, cap, TR(r->tr, "next: #%u %s -> %s, "), r->n,
	             annot_side_word(r->tr, r->from),
	             annot_side_word(r->tr, !r->from));
	if (n > 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, "Flags [%s], seq %u",
		              r->flag_letters, r->rel_seq);
	if (r->len > 0 && n > 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, ":%u",
		              r->rel_seq + r->len);
	if ((r->flags & TH_ACK) && n > 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, ", ack %u", r->rel_ack);
	if (n > 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, ", length %u", r->len);
}

int show_preview_text(const struct show *sh, const struct annot_result *r,
                      bool why_only, char *buf, size_t cap)
{
	unsigned kinds = 1u << ANNOT_N_SEQ | 1u << ANNOT_N_ACK;
	char head[320];
	int n = 0, m;

	if (!why_only) {
		kinds |= 1u << ANNOT_N_REVISED | 1u << ANNOT_N_STATE;
		preview_head(r, head, sizeof(head));
		n = wrap_para(head, strlen(head), "", "    ", sh->cols, buf,
		              cap);
		if (n < 0)
			return n;
	}
	m = annot_format_notes(r, kinds, sh->cols, buf + n, cap - (size_t)n);
	return m < 0 ? m : n + m;
}

int show_text(const struct show *sh, const char *text, size_t len, char *buf,
              size_t cap)
{
	char first[64], hang[66];
	size_t off = 0, w = 0, end, lead;
	int n;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);

		end = nl != NULL ? (size_t)(nl - text) : len;
		for (lead = 0; off + lead < end && text[off + lead] == ' ' &&
		               lead < sizeof(first) - 1;
		     lead++)
			;
		memset(first, ' ', lead);
		first[lead] = '\0';
		memset(hang, ' ', lead + 2);
		hang[lead + 2] = '\0';
		if (end == off + lead) {
			/* An empty line stays one. */
			if (w + 1 >= cap)
				return TCPLAB_ENOSPC;
			buf[w++] = '\n';
			buf[w] = '\0';
		} else {
			n = wrap_para(text + off + lead, end - off - lead,
			              first, hang, sh->cols, buf + w, cap - w);
			if (n < 0)
				return n;
			w += (size_t)n;
		}
		off = end + 1;
	}
	return (int)w;
}

int show_summary(const struct show *sh, const struct annot_summary *sm,
                 char *buf, size_t cap)
{
	if (sh->mode == SHOW_JSON)
		return annot_format_summary_json(sm, buf, cap);
	if (sh->mode == SHOW_PLAIN)
		return 0;
	return annot_format_summary_text(sm, sh->an.tr, sh->cols, buf, cap);
}
