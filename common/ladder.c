/*
 * ladder.c: draws a connection as a ladder diagram, as text or SVG (see
 * ladder.h).
 *
 * Text rows are three parts: the client's state (or its column line), the
 * arrow with its label, the server's state (or its column line). Box
 * drawing characters take one column but three bytes, so the text writer
 * counts columns and bytes apart.
 *
 * This module must never do I/O, allocate or keep global state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/ladder.h"
#include "common/tr.h"
#include "common/wrap.h"

#define SIDE_COLS 14 /* room for "SYN-RECEIVED*" and a space */

void ladder_row_from(struct ladder_row *row, const struct annot_result *r)
{
	int i;

	memset(row, 0, sizeof(*row));
	row->n = r->n;
	row->conn = r->conn;
	row->from = r->from;
	memcpy(row->flags, r->flag_letters, sizeof(row->flags));
	row->rel_seq = r->rel_seq;
	row->rel_ack = r->rel_ack;
	row->len = r->len;
	row->seq_space = r->seq_end - r->seq;
	row->has_ack = (r->flags & TH_ACK) != 0;
	row->events = r->events;
	for (i = 0; i < 2; i++) {
		row->before[i] = r->before[i];
		row->after[i] = r->after[i];
		row->inferred[i] = r->inferred[i];
	}
}

/* A writer that counts bytes and display columns. */
struct lw {
	char *p;
	size_t cap, len;
	bool full;
	unsigned col; /* columns on the current line */
};

static void lw_put(struct lw *w, const char *s)
{
	size_t n = strlen(s), i;

	if (w->full || n >= w->cap - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->p + w->len, s, n + 1);
	w->len += n;
	/* A wide character (a translated label) takes two columns. */
	for (i = n; i > 0 && s[i - 1] != '\n'; i--)
		;
	if (i > 0)
		w->col = 0;
	w->col += (unsigned)wrap_cols(s + i, n - i);
}

static void lw_printf(struct lw *w, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	lw_put(w, tmp);
}

/* Repeats s until the line reaches column col. */
static void lw_fill(struct lw *w, const char *s, unsigned col)
{
	size_t n = strlen(s), k;
	unsigned reps;
	char *p;

	/* s is one column: a space, a dash, a box-drawing line. */
	if (w->full || w->col >= col)
		return;
	reps = col - w->col;
	if ((size_t)reps * n >= w->cap - w->len) {
		w->full = true;
		return;
	}
	p = w->p + w->len;
	if (n == 1)
		memset(p, s[0], reps);
	else
		for (k = 0; k < reps; k++)
			memcpy(p + k * n, s, n);
	w->len += (size_t)reps * n;
	w->p[w->len] = '\0';
	w->col = col;
}

static int lw_end(struct lw *w)
{
	if (w->full) {
		if (w->cap > 0)
			w->p[0] = '\0';
		return TCPLAB_ENOSPC;
	}
	return (int)w->len;
}

/* Cuts s after the characters that fit in room columns. */
static void cut_cols(char *s, size_t room)
{
	size_t k = 0, cols = 0, len = strlen(s);

	while (k < len) {
		unsigned c;
		size_t step = wrap_next(s + k, len - k, &c);

		if (step == 0 || cols + c > room)
			break;
		cols += c;
		k += step;
	}
	s[k] = '\0';
}

/* The arrow's label: "#4 P. seq 1:143 ack 1 len 142 retransmission";
 * blank, without seq and ack: "#4 P. len 142". */
static void row_label(const struct tr *tr, const struct ladder_row *r,
                      bool blank, char *buf, size_t cap)
{
	int n;
	unsigned i;

	n = snprintf(buf, cap, "#%u %s", r->n, r->flags);
	if (!blank && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " seq %u", r->rel_seq);
	if (!blank && r->len > 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, ":%u",
		              r->rel_seq + r->len);
	if (!blank && r->has_ack && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " ack %u", r->rel_ack);
	if ((size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " len %u", r->len);
	for (i = 0; i < ANNOT_EV_COUNT && (size_t)n < cap; i++)
		if ((r->events & (1u << i)) && (1u << i) != ANNOT_EV_RESET)
			n += snprintf(buf + n, cap - (size_t)n, " %s",
			              TR(tr, annot_event_name(1u << i)));
}

/* "ESTABLISHED", with '*' when the capture cannot prove it. */
static void state_text(enum tcp_state st, bool inferred, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s", tcp_state_name(st), inferred ? "*" : "");
}

static void text_header(struct lw *w, const struct ladder_opts *o,
                        const struct ladder_row *first, unsigned width)
{
	const char *l = o->label[0] ? o->label[0] : TR(o->tr, "client");
	const char *r = o->label[1] ? o->label[1] : TR(o->tr, "server");
	size_t rl = wrap_cols(r, strlen(r));
	char st[2][32];
	int i;

	lw_put(w, l);
	lw_fill(w, " ", rl + 1 < width ? width - (unsigned)rl : 0);
	if (w->col > 0)
		lw_put(w, " ");
	lw_put(w, r);
	lw_put(w, "\n");
	if (o->blank)
		return;
	for (i = 0; i < 2; i++)
		state_text(first->before[i], first->inferred[i] || i == 1,
		           st[i], sizeof(st[i]));
	lw_put(w, st[0]);
	lw_fill(w, " ", width - SIDE_COLS + 1);
	lw_put(w, st[1]);
	lw_put(w, "\n");
}

/* One side's cell: its new state, or its column line. */
static void side_cell(struct lw *w, const struct ladder_row *r, int side,
                      const char *bar, bool first, bool blank)
{
	char st[32];

	if (!blank && (first || r->after[side] != r->before[side])) {
		state_text(r->after[side], r->inferred[side], st, sizeof(st));
		lw_put(w, st);
	} else {
		lw_put(w, side == 0 ? "  " : " ");
		lw_put(w, bar);
	}
}

static void text_row(struct lw *w, const struct ladder_opts *o,
                     const struct ladder_row *r, bool first, unsigned width)
{
	bool ascii = o->ascii;
	const char *dash = ascii ? "-" : "\u2500";
	const char *bar = ascii ? "|" : "\u2502";
	unsigned start = SIDE_COLS, end = width - SIDE_COLS;
	char label[128];
	size_t room = end - start - 6;

	row_label(o->tr, r, o->blank, label, sizeof(label));
	cut_cols(label, room);
	side_cell(w, r, 0, bar, first, o->blank);
	lw_fill(w, " ", start);
	if (r->from == ANNOT_CLIENT) {
		lw_put(w, dash);
		lw_put(w, dash);
		lw_printf(w, " %s ", label);
		lw_fill(w, dash, end - 1);
		lw_put(w, ascii ? ">" : "\u25b6");
	} else {
		lw_put(w, ascii ? "<" : "\u25c0");
		lw_put(w, dash);
		lw_printf(w, " %s ", label);
		lw_fill(w, dash, end);
	}
	lw_put(w, " ");
	side_cell(w, r, 1, bar, first, o->blank);
	lw_put(w, "\n");
}

/* The line that stands for the segments left out (ladder_opts.gap): its
 * text where the arrows' labels go, between the two columns' bars. */
static void text_gap(struct lw *w, const struct tr *tr, unsigned gap,
                     unsigned width, bool ascii)
{
	const char *bar = ascii ? "|" : "\u2502";
	unsigned start = SIDE_COLS, end = width - SIDE_COLS;
	size_t room = end - start - 6;
	char label[192];

	snprintf(label, sizeof(label),
	         gap == 1 ? TR(tr, "... %u segment not drawn ...")
	                  : TR(tr, "... %u segments not drawn ..."),
	         gap);
	if (wrap_cols(label, strlen(label)) > room)
		snprintf(label, sizeof(label), TR(tr, "... %u not drawn ..."),
		         gap);
	cut_cols(label, room);
	lw_put(w, "  ");
	lw_put(w, bar);
	lw_fill(w, " ", start + 3);
	lw_put(w, label);
	lw_fill(w, " ", end);
	lw_put(w, "  ");
	lw_put(w, bar);
	lw_put(w, "\n");
}

int ladder_format_text(const struct ladder_row *rows, size_t nrows,
                       unsigned conn, const struct ladder_opts *o, char *buf,
                       size_t cap)
{
	struct lw w = {buf, cap, 0, cap == 0, 0};
	unsigned width = o->width < 60 ? 60 : o->width > 200 ? 200 : o->width;
	bool first = true, gap = o->gap > 0;
	size_t i;

	if (cap > 0)
		buf[0] = '\0';
	/* The right state may take SIDE_COLS - 1 columns after a space. */
	width -= 1;
	for (i = 0; i < nrows; i++) {
		if (rows[i].conn != conn)
			continue;
		if (first)
			text_header(&w, o, &rows[i], width);
		if (gap && i >= o->gap_at && !first) {
			text_gap(&w, o->tr, o->gap, width, o->ascii);
			gap = false;
		}
		text_row(&w, o, &rows[i], first, width);
		first = false;
	}
	if (!first && !o->blank)
		lw_printf(&w, "%s\n",
		          TR(o->tr, "(* inferred: the capture cannot prove "
		                    "this state)"));
	return lw_end(&w);
}

/* Writes s with &, < and > escaped for XML. */
static void svg_text(struct lw *w, const char *s)
{
	char one[2] = {0, 0};

	for (; *s != '\0' && !w->full; s++) {
		if (*s == '&')
			lw_put(w, "&amp;");
		else if (*s == '<')
			lw_put(w, "&lt;");
		else if (*s == '>')
			lw_put(w, "&gt;");
		else {
			one[0] = *s;
			lw_put(w, one);
		}
	}
}

#define SVG_W   780
#define SVG_LX  160 /* the client's column */
#define SVG_RX  620 /* the server's column */
#define SVG_TOP 70
#define SVG_ROW 40

static void svg_head(struct lw *w, const struct ladder_opts *o, unsigned nrows,
                     const struct ladder_row *first)
{
	unsigned h = SVG_TOP + nrows * SVG_ROW + 40;

	lw_printf(w,
	          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
	          "height=\"%u\" viewBox=\"0 0 %u %u\" "
	          "font-family=\"monospace\" font-size=\"12\">\n",
	          SVG_W, h, SVG_W, h);
	lw_put(w, "<defs><marker id=\"head\" markerWidth=\"10\" "
	          "markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
	          "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#222\"/></marker>"
	          "</defs>\n");
	lw_printf(w, "<rect width=\"%u\" height=\"%u\" fill=\"white\"/>\n",
	          SVG_W, h);
	lw_printf(w,
	          "<text x=\"%u\" y=\"20\" text-anchor=\"middle\" "
	          "font-weight=\"bold\">",
	          SVG_LX);
	svg_text(w, o->label[0] ? o->label[0] : TR(o->tr, "client"));
	lw_printf(w,
	          "</text>\n<text x=\"%u\" y=\"20\" text-anchor=\"middle\" "
	          "font-weight=\"bold\">",
	          SVG_RX);
	svg_text(w, o->label[1] ? o->label[1] : TR(o->tr, "server"));
	lw_printf(w, "</text>\n");
	lw_printf(w,
	          "<line x1=\"%u\" y1=\"50\" x2=\"%u\" y2=\"%u\" "
	          "stroke=\"#888\" stroke-width=\"2\"/>\n"
	          "<line x1=\"%u\" y1=\"50\" x2=\"%u\" y2=\"%u\" "
	          "stroke=\"#888\" stroke-width=\"2\"/>\n",
	          SVG_LX, SVG_LX, h - 20, SVG_RX, SVG_RX, h - 20);
	if (o->blank)
		return;
	lw_printf(w,
	          "<text x=\"%u\" y=\"44\" text-anchor=\"end\" "
	          "fill=\"#06c\">%s%s</text>\n",
	          SVG_LX - 8, tcp_state_name(first->before[0]),
	          first->inferred[0] ? "*" : "");
	lw_printf(w, "<text x=\"%u\" y=\"44\" fill=\"#06c\">%s*</text>\n",
	          SVG_RX + 8, tcp_state_name(first->before[1]));
}

static void svg_row(struct lw *w, const struct ladder_opts *o,
                    const struct ladder_row *r, unsigned k, bool first)
{
	unsigned y = SVG_TOP + k * SVG_ROW;
	unsigned x1 = r->from == ANNOT_CLIENT ? SVG_LX : SVG_RX;
	unsigned x2 = r->from == ANNOT_CLIENT ? SVG_RX - 2 : SVG_LX + 2;
	const char *colour = r->events ? "#c00" : "#222";
	char label[128];
	int i;

	row_label(o->tr, r, o->blank, label, sizeof(label));
	lw_printf(w,
	          "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" "
	          "stroke=\"%s\" stroke-width=\"1.5\" "
	          "marker-end=\"url(#head)\"/>\n",
	          x1, y, x2, y + 16, colour);
	lw_printf(w,
	          "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\" "
	          "fill=\"%s\">",
	          (SVG_LX + SVG_RX) / 2, y + 3, colour);
	svg_text(w, label);
	lw_put(w, "</text>\n");
	for (i = 0; i < 2 && !o->blank; i++) {
		if (!first && r->after[i] == r->before[i])
			continue;
		lw_printf(w,
		          "<text x=\"%u\" y=\"%u\"%s fill=\"#06c\">%s%s"
		          "</text>\n",
		          i == 0 ? SVG_LX - 8 : SVG_RX + 8, y + 20,
		          i == 0 ? " text-anchor=\"end\"" : "",
		          tcp_state_name(r->after[i]),
		          r->inferred[i] ? "*" : "");
	}
}

/* The row that stands for the segments left out (ladder_opts.gap). */
static void svg_gap(struct lw *w, const struct tr *tr, unsigned gap,
                    unsigned k)
{
	char label[192];

	snprintf(label, sizeof(label),
	         gap == 1 ? TR(tr, "... %u segment not drawn ...")
	                  : TR(tr, "... %u segments not drawn ..."),
	         gap);
	lw_printf(w,
	          "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\" "
	          "fill=\"#666\">",
	          (SVG_LX + SVG_RX) / 2, SVG_TOP + k * SVG_ROW + 8);
	svg_text(w, label);
	lw_put(w, "</text>\n");
}

int ladder_format_svg(const struct ladder_row *rows, size_t nrows,
                      unsigned conn, const struct ladder_opts *o, char *buf,
                      size_t cap)
{
	struct lw w = {buf, cap, 0, cap == 0, 0};
	unsigned k = 0, total = 0;
	bool gap = false;
	size_t i;

	if (cap > 0)
		buf[0] = '\0';
	for (i = 0; i < nrows; i++)
		if (rows[i].conn == conn) {
			/* The gap takes a row between two rows of conn. */
			gap |= o->gap > 0 && i >= o->gap_at && total > 0;
			total++;
		}
	total += gap;
	for (i = 0; i < nrows; i++) {
		if (rows[i].conn != conn)
			continue;
		if (k == 0)
			svg_head(&w, o, total, &rows[i]);
		if (gap && i >= o->gap_at && k > 0) {
			svg_gap(&w, o->tr, o->gap, k++);
			gap = false;
		}
		svg_row(&w, o, &rows[i], k, k == 0);
		k++;
	}
	if (k > 0 && !o->blank) {
		lw_printf(&w, "<text x=\"10\" y=\"%u\" fill=\"#666\">",
		          SVG_TOP + k * SVG_ROW + 30);
		svg_text(&w, TR(o->tr, "* inferred: the capture cannot prove "
		                       "this state"));
		lw_put(&w, "</text>\n");
	}
	if (k > 0)
		lw_put(&w, "</svg>\n");
	return lw_end(&w);
}
