/*
 * tsg.c: the time-sequence graph's points and words (see tsg.h).
 *
 * This file places what annot found; it never decides itself whether a
 * segment is a retransmission or an ACK a duplicate. No I/O, no
 * allocation: the caller gives the room for the points.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/tsg.h"

void tsg_seg_from(struct tsg_seg *k, const struct annot_result *r,
                  const struct seg *s)
{
	/* The ISN of the side the ACK (and so the SACK) acknowledges. */
	uint32_t isn_acked = r->ack - r->rel_ack;
	unsigned i;

	memset(k, 0, sizeof(*k));
	k->us = r->sec * 1000000 + r->usec;
	k->rel_seq = r->rel_seq;
	k->len = r->len;
	k->rel_ack = r->rel_ack;
	k->win_bytes = r->win_bytes;
	k->events = (uint16_t)r->events;
	k->from = (uint8_t)r->from;
	k->syn = (r->flags & TH_SYN) != 0;
	k->fin = (r->flags & TH_FIN) != 0;
	k->ack = (r->flags & TH_ACK) != 0;
	k->rel_valid = r->rel_valid;
	if (s == NULL || !k->ack || !r->rel_valid || !(s->has & SEG_HAS_SACK))
		return;
	for (i = 0; i < s->sack_count && i < TSG_SACK_MAX; i++) {
		k->sack[i][0] = s->sack[i].left - isn_acked;
		k->sack[i][1] = s->sack[i].right - isn_acked;
	}
	k->nsack = (uint8_t)i;
}

uint64_t tsg_bytes(const struct tsg_seg *segs, size_t n, enum annot_side side)
{
	uint64_t b = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (segs[i].from == side &&
		    !(segs[i].events & ANNOT_EV_RETRANSMISSION))
			b += segs[i].len;
	return b;
}

enum annot_side tsg_direction(const struct tsg_seg *segs, size_t n)
{
	return tsg_bytes(segs, n, ANNOT_CLIENT) >
	                       tsg_bytes(segs, n, ANNOT_SERVER)
	               ? ANNOT_CLIENT
	               : ANNOT_SERVER;
}

size_t tsg_points_max(size_t n)
{
	/* tsg_build() gives every series room for a point per segment and
	 * one more (a step line's end), the SACK blocks TSG_SACK_MAX. */
	return (TSG_NSERIES - 1) * (n + 1) + n * TSG_SACK_MAX;
}

/* The look of each series: colours from Okabe and Ito's palette, which
 * colour-blind readers tell apart, and which differ in grey too by
 * width, dash or marker. */
static void tsg_looks(struct chart_series *sr, const struct tr *tr)
{
	static const struct {
		const char *name, *cls;
		enum chart_kind kind;
		unsigned rgb, width;
		enum chart_dash dash;
		enum chart_marker marker;
		char glyph;
		const char *utf8;
	} look[TSG_NSERIES] = {
	        [TSG_WINDOW] = {N_("window edge"), "window", CHART_STEP,
	                        0x009e73, 18, CHART_DASHED, CHART_M_NONE, '=',
	                        "═"},
	        [TSG_ACK] = {N_("ACK"), "ack", CHART_STEP, 0x0072b2, 18,
	                     CHART_SOLID, CHART_M_NONE, '-', "─"},
	        [TSG_SACK] = {N_("SACK block"), "sack", CHART_BARS, 0xcc79a7,
	                      45, CHART_SOLID, CHART_M_NONE, 's', NULL},
	        [TSG_DATA] = {N_("data"), "data", CHART_BARS, 0x000000, 15,
	                      CHART_SOLID, CHART_M_NONE, '|', "┃"},
	        [TSG_SYNFIN] = {N_("SYN or FIN"), "synfin", CHART_MARKS,
	                        0x000000, 15, CHART_SOLID, CHART_M_SQUARE, 'o',
	                        NULL},
	        [TSG_REXMIT] = {N_("retransmission"), "rexmit", CHART_BARS,
	                        0xd55e00, 25, CHART_SOLID, CHART_M_CROSS, 'R',
	                        NULL},
	        [TSG_DUPACK] = {N_("duplicate ACK"), "dupack", CHART_MARKS,
	                        0xe69f00, 10, CHART_SOLID, CHART_M_TRIANGLE,
	                        'D', NULL},
	};
	unsigned i;

	for (i = 0; i < TSG_NSERIES; i++) {
		sr[i].name = TR(tr, look[i].name);
		sr[i].cls = look[i].cls;
		sr[i].kind = look[i].kind;
		sr[i].rgb = look[i].rgb;
		sr[i].width = look[i].width;
		sr[i].dash = look[i].dash;
		sr[i].marker = look[i].marker;
		sr[i].glyph = look[i].glyph;
		sr[i].utf8 = look[i].utf8;
		sr[i].n = 0;
	}
}

/* Appends a point to series s, whose points start at base[s]. */
static void put(struct tsg_graph *g, struct chart_point *base[],
                enum tsg_series s, double x, double y0, double y)
{
	struct chart_point *p = &base[s][g->series[s].n++];

	p->x = x;
	p->y0 = y0;
	p->y = y;
}

/* A segment of the data sender: a bar, a retransmitted one, or the mark
 * of a SYN or FIN that carries no data. */
static void put_sent(struct tsg_graph *g, struct chart_point *base[],
                     const struct tsg_seg *k, double t)
{
	double seq = k->rel_seq;

	if (k->events & ANNOT_EV_RETRANSMISSION) {
		put(g, base, TSG_REXMIT, t, seq, seq + k->len);
		g->bars++;
		return;
	}
	if (k->len > 0) {
		put(g, base, TSG_DATA, t, seq, seq + k->len);
		g->bars++;
	}
	if (k->syn || k->fin)
		put(g, base, TSG_SYNFIN, t, 0, seq + k->len);
}

/* A segment of the other side: its ACK, window edge, SACK blocks. */
static void put_acked(struct tsg_graph *g, struct chart_point *base[],
                      const struct tsg_seg *k, double t)
{
	double ack = k->rel_ack;
	unsigned i;

	if (!k->ack || !k->rel_valid)
		return;
	put(g, base, TSG_ACK, t, 0, ack);
	if (k->win_bytes >= 0)
		put(g, base, TSG_WINDOW, t, 0, ack + k->win_bytes);
	for (i = 0; i < k->nsack; i++)
		put(g, base, TSG_SACK, t, k->sack[i][0], k->sack[i][1]);
	if (k->events & ANNOT_EV_DUP_ACK)
		put(g, base, TSG_DUPACK, t, 0, ack);
}

/* The step lines go on to the last segment's time. */
static void steps_to(struct tsg_graph *g, struct chart_point *base[], double t)
{
	static const enum tsg_series steps[] = {TSG_ACK, TSG_WINDOW};
	unsigned i;

	for (i = 0; i < 2; i++) {
		struct chart_series *cs = &g->series[steps[i]];

		if (cs->n > 0 && base[steps[i]][cs->n - 1].x < t)
			put(g, base, steps[i], t, 0,
			    base[steps[i]][cs->n - 1].y);
	}
}

/*
 * The y range: from 0 to the highest data, ACK or SACK, and the window's
 * edge only up to half as much again, so that a window far larger than
 * the data does not squash it to the bottom (the edge is then cut off).
 */
static void y_range(struct tsg_graph *g, struct chart_point *base[])
{
	double top = 1, win = 0;
	size_t i;
	int s;

	for (s = 0; s < TSG_NSERIES; s++)
		for (i = 0; i < g->series[s].n; i++) {
			if (s == TSG_WINDOW)
				win = base[s][i].y > win ? base[s][i].y : win;
			else if (base[s][i].y > top)
				top = base[s][i].y;
		}
	g->chart.ylo = 0;
	g->chart.yhi = win > top ? (win < top * 1.5 ? win : top * 1.5) : top;
}

static void words(struct tsg_graph *g, unsigned conn, const char *const addr[2],
                  const struct tr *tr)
{
	enum annot_side o =
	        g->side == ANNOT_CLIENT ? ANNOT_SERVER : ANNOT_CLIENT;

	/* TRANSLATORS: the graph's title: the connection's number, the
	   data sender's address and port, the receiver's. */
	snprintf(g->title, sizeof(g->title),
	         TR(tr, "time-sequence graph, connection %u: %s > %s"), conn,
	         addr[g->side], addr[o]);
	snprintf(g->subtitle, sizeof(g->subtitle), "%s",
	         g->side == ANNOT_SERVER
	                 ? TR(tr, "data sent by the server; ACKs and window "
	                          "from the client")
	                 : TR(tr, "data sent by the client; ACKs and window "
	                          "from the server"));
	g->chart.title = g->title;
	g->chart.subtitle = g->subtitle;
	g->chart.xlabel = TR(tr, "time (s)");
	g->chart.ylabel = TR(tr, "sequence number (bytes, relative)");
	g->chart.font = "DejaVu Sans, Noto Sans CJK SC, WenQuanYi Zen Hei, "
	                "sans-serif";
}

int tsg_build(struct tsg_graph *g, const struct tsg_seg *segs, size_t n,
              unsigned conn, const char *const addr[2], const struct tr *tr,
              struct chart_point *pts)
{
	struct chart_point *base[TSG_NSERIES];
	double t = 0;
	size_t i;
	int s;

	memset(g, 0, sizeof(*g));
	g->side = tsg_direction(segs, n);
	if (tsg_bytes(segs, n, g->side) == 0)
		return TCPLAB_EINVAL;
	tsg_looks(g->series, tr);
	/* Each series its own stretch of pts, as long as it may grow. */
	for (s = 0; s < TSG_NSERIES; s++) {
		base[s] = pts;
		pts += s == TSG_SACK ? n * TSG_SACK_MAX : n + 1;
		g->series[s].pts = base[s];
	}
	for (i = 0; i < n; i++) {
		t = (double)(segs[i].us - segs[0].us) / 1e6;
		if (segs[i].from == g->side)
			put_sent(g, base, &segs[i], t);
		else
			put_acked(g, base, &segs[i], t);
	}
	steps_to(g, base, t);
	y_range(g, base);
	g->chart.xlo = 0;
	g->chart.xhi = t;
	g->chart.series = g->series;
	g->chart.nseries = TSG_NSERIES;
	words(g, conn, addr, tr);
	return 0;
}
