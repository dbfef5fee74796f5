/*
 * chart.c: axes with nice ticks and series of steps, lines, bars and
 * marks, drawn as SVG or as text (see chart.h).
 *
 * Both renderers map the same ranges: the ticks computed over the points
 * (or over the caller's range) are the ends of each axis. This file never
 * allocates and never prints; it writes into the caller's buffer.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/chart.h"
#include "common/err.h"
#include "common/outbuf.h"
#include "common/wrap.h"

/* The SVG's layout, in the viewBox's pixels. */
#define SVG_W       960
#define SVG_H       600
#define PLOT_LEFT   96
#define PLOT_TOP    70
#define PLOT_RIGHT  716
#define PLOT_BOTTOM 520
#define LEGEND_X    738

/* printf into an outbuf; a piece that does not fit marks it full. */
static void ob_fmt(struct outbuf *ob, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void ob_fmt(struct outbuf *ob, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ob->full = true;
		return;
	}
	ob_mem(ob, tmp, (size_t)n);
}

int chart_ticks(double lo, double hi, unsigned want, struct chart_ticks *t)
{
	static const double nice[] = {1, 2, 5, 10};
	double raw, mag, step = 1, first, last;
	unsigned i;

	if (!isfinite(lo) || !isfinite(hi))
		return TCPLAB_EINVAL;
	if (want < 2)
		want = 2;
	if (want > CHART_TICKS_MAX - 1)
		want = CHART_TICKS_MAX - 1;
	if (hi < lo) {
		double s = lo;
		lo = hi;
		hi = s;
	}
	if (hi - lo < 1e-9 * (fabs(hi) + 1)) {
		/* One value: a range of one unit around it. */
		hi = lo + (fabs(lo) > 1 ? fabs(lo) * 0.1 : 1);
	}
	raw = (hi - lo) / (double)(want - 1);
	mag = pow(10, floor(log10(raw)));
	for (i = 0; i < sizeof(nice) / sizeof(nice[0]); i++) {
		step = nice[i] * mag;
		if (step >= raw * 0.999)
			break;
	}
	/* Fewer ticks than the array holds, even with the ends rounded out. */
	while (floor(lo / step) < ceil(hi / step) - (CHART_TICKS_MAX - 1))
		step *= 2;
	first = floor(lo / step + 1e-9) * step;
	last = ceil(hi / step - 1e-9) * step;
	t->lo = first;
	t->hi = last;
	t->step = step;
	t->n = 0;
	while (t->n < CHART_TICKS_MAX &&
	       first + step * t->n <= last + step * 1e-6) {
		t->v[t->n] = first + step * t->n;
		if (fabs(t->v[t->n]) < step * 1e-9)
			t->v[t->n] = 0; /* no "-0" */
		t->n++;
	}
	t->decimals = step >= 1 ? 0 : (unsigned)ceil(-log10(step) - 1e-9);
	return 0;
}

int chart_tick_label(const struct chart_ticks *t, double v, char *buf,
                     size_t cap)
{
	int n;

	if (fabs(v) < t->step * 1e-6)
		v = 0; /* no "-0" */
	n = snprintf(buf, cap, "%.*f", (int)t->decimals, v);
	if (n < 0 || (size_t)n >= cap)
		return TCPLAB_ENOSPC;
	return n;
}

/* The axis ends at hi rather than at the tick after it, so that the
 * rounding does not leave an empty stretch: the ticks past hi go. */
static void ticks_end_at(struct chart_ticks *t, double hi)
{
	while (t->n > 2 && t->v[t->n - 1] > hi + t->step * 1e-6)
		t->n--;
	t->hi = fmax(hi, t->v[t->n - 1]);
}

/* The ranges of the points, or the caller's, as ticks. */
static int chart_axes(const struct chart *c, struct chart_ticks *tx,
                      unsigned wantx, struct chart_ticks *ty, unsigned wanty)
{
	double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
	size_t s, i;

	for (s = 0; s < c->nseries; s++)
		for (i = 0; i < c->series[s].n; i++) {
			const struct chart_point *p = &c->series[s].pts[i];

			x0 = fmin(x0, p->x);
			x1 = fmax(x1, p->x);
			y0 = fmin(y0, p->y);
			y1 = fmax(y1, p->y);
			if (c->series[s].kind == CHART_BARS) {
				y0 = fmin(y0, p->y0);
				y1 = fmax(y1, p->y0);
			}
		}
	if (x0 > x1)
		x0 = x1 = 0;
	if (y0 > y1)
		y0 = y1 = 0;
	if (c->xlo < c->xhi) {
		x0 = c->xlo;
		x1 = c->xhi;
	}
	if (c->ylo < c->yhi) {
		y0 = c->ylo;
		y1 = c->yhi;
	}
	if (chart_ticks(x0, x1, wantx, tx) < 0 ||
	    chart_ticks(y0, y1, wanty, ty) < 0)
		return TCPLAB_EINVAL;
	ticks_end_at(tx, x1);
	ticks_end_at(ty, y1);
	return 0;
}

/* ---- SVG ---- */

struct svgmap {
	struct chart_ticks tx, ty;
};

static double sx(const struct svgmap *m, double x)
{
	return PLOT_LEFT + (x - m->tx.lo) / (m->tx.hi - m->tx.lo) *
	                           (PLOT_RIGHT - PLOT_LEFT);
}

static double sy(const struct svgmap *m, double y)
{
	return PLOT_BOTTOM - (y - m->ty.lo) / (m->ty.hi - m->ty.lo) *
	                             (PLOT_BOTTOM - PLOT_TOP);
}

/* Writes s with &, <, > and " escaped for XML. */
static void svg_esc(struct outbuf *ob, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			ob_lit(ob, "&amp;");
			break;
		case '<':
			ob_lit(ob, "&lt;");
			break;
		case '>':
			ob_lit(ob, "&gt;");
			break;
		case '"':
			ob_lit(ob, "&quot;");
			break;
		default:
			ob_char(ob, *s);
		}
	}
}

static const char *dash_attr(enum chart_dash d)
{
	switch (d) {
	case CHART_DASHED:
		return "stroke-dasharray:8 4;";
	case CHART_DOTTED:
		return "stroke-dasharray:2 3;";
	default:
		return "";
	}
}

/* One CSS rule per series: its colour, width and dash. */
static void svg_style(struct outbuf *ob, const struct chart *c)
{
	size_t s;

	ob_lit(ob, "<style>\n"
	           "text{fill:#000}\n"
	           ".grid{stroke:#d8d8d8;stroke-width:1}\n"
	           ".axis{stroke:#000;stroke-width:1.2;fill:none}\n");
	for (s = 0; s < c->nseries; s++) {
		const struct chart_series *cs = &c->series[s];
		unsigned w = cs->width ? cs->width : 15;
		const char *fill =
		        cs->marker == CHART_M_DIAMOND ||
		                        cs->marker == CHART_M_TRIANGLE
		                ? "#%06x"
		                : "none";
		char f[16];

		snprintf(f, sizeof(f), fill, cs->rgb);
		ob_char(ob, '.');
		ob_str(ob, cs->cls);
		ob_fmt(ob, "{stroke:#%06x;stroke-width:%u.%u;fill:%s;%s}\n",
		       cs->rgb, w / 10, w % 10,
		       cs->kind == CHART_STEP || cs->kind == CHART_LINE ? "none"
		                                                        : f,
		       dash_attr(cs->dash));
	}
	ob_lit(ob, "</style>\n");
}

/* A marker centred at (x, y) as one element. */
static void svg_marker(struct outbuf *ob, enum chart_marker m, const char *cls,
                       double x, double y)
{
	const double r = 3.5;

	switch (m) {
	case CHART_M_CIRCLE:
		ob_fmt(ob,
		       "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
		       "r=\"%.1f\"/>\n",
		       cls, x, y, r);
		break;
	case CHART_M_SQUARE:
		ob_fmt(ob,
		       "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
		       "width=\"%.1f\" height=\"%.1f\"/>\n",
		       cls, x - r, y - r, 2 * r, 2 * r);
		break;
	case CHART_M_DIAMOND:
		ob_fmt(ob,
		       "<path class=\"%s\" d=\"M%.1f %.1fl%.1f %.1f "
		       "l%.1f %.1fl%.1f %.1fz\"/>\n",
		       cls, x, y - r - 1, r + 1, r + 1, -(r + 1), r + 1,
		       -(r + 1), -(r + 1));
		break;
	case CHART_M_TRIANGLE:
		ob_fmt(ob,
		       "<path class=\"%s\" d=\"M%.1f %.1fl%.1f %.1f "
		       "h%.1fz\"/>\n",
		       cls, x, y - r - 1, r + 1, 2 * r, -2 * (r + 1));
		break;
	default: /* CHART_M_CROSS, and a mark without a marker */
		ob_fmt(ob,
		       "<path class=\"%s\" d=\"M%.1f %.1fl%.1f %.1f"
		       "m0 %.1fl%.1f %.1f\"/>\n",
		       cls, x - r, y - r, 2 * r, 2 * r, -2 * r, -2 * r, 2 * r);
		break;
	}
}

/* One bar from y0 to y at x, with short ticks at both ends. */
static void svg_bar(struct outbuf *ob, const char *cls, double x, double y0,
                    double y1)
{
	ob_fmt(ob,
	       "<path class=\"%s\" d=\"M%.1f %.1fV%.1fM%.1f %.1fh5"
	       "M%.1f %.1fh5\"/>\n",
	       cls, x, y0, y1, x - 2.5, y0, x - 2.5, y1);
}

static void svg_series(struct outbuf *ob, const struct svgmap *m,
                       const struct chart_series *cs)
{
	char top[80]; /* a bar's marker: styled as the bar, counted apart */
	size_t i;

	snprintf(top, sizeof(top), "%s top", cs->cls);
	if (cs->n == 0)
		return;
	if (cs->kind == CHART_STEP || cs->kind == CHART_LINE) {
		ob_fmt(ob, "<path class=\"%s\" d=\"M%.1f %.1f", cs->cls,
		       sx(m, cs->pts[0].x), sy(m, cs->pts[0].y));
		for (i = 1; i < cs->n; i++) {
			if (cs->kind == CHART_STEP)
				ob_fmt(ob, "H%.1fV%.1f", sx(m, cs->pts[i].x),
				       sy(m, cs->pts[i].y));
			else
				ob_fmt(ob, "L%.1f %.1f", sx(m, cs->pts[i].x),
				       sy(m, cs->pts[i].y));
		}
		ob_lit(ob, "\"/>\n");
		return;
	}
	for (i = 0; i < cs->n; i++) {
		double x = sx(m, cs->pts[i].x), y = sy(m, cs->pts[i].y);

		if (cs->kind == CHART_BARS) {
			svg_bar(ob, cs->cls, x, sy(m, cs->pts[i].y0), y);
			if (cs->marker != CHART_M_NONE)
				svg_marker(ob, cs->marker, top, x, y - 8);
		} else {
			svg_marker(ob, cs->marker, cs->cls, x, y);
		}
	}
}

static void svg_axes(struct outbuf *ob, const struct svgmap *m)
{
	char lab[64];
	unsigned i;

	for (i = 0; i < m->tx.n; i++) {
		double x = sx(m, m->tx.v[i]);

		ob_fmt(ob, "<path class=\"grid\" d=\"M%.1f %dV%d\"/>\n", x,
		       PLOT_TOP, PLOT_BOTTOM);
		ob_fmt(ob, "<path class=\"axis\" d=\"M%.1f %dv6\"/>\n", x,
		       PLOT_BOTTOM);
		chart_tick_label(&m->tx, m->tx.v[i], lab, sizeof(lab));
		ob_fmt(ob, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
		       x, PLOT_BOTTOM + 22);
		svg_esc(ob, lab);
		ob_lit(ob, "</text>\n");
	}
	for (i = 0; i < m->ty.n; i++) {
		double y = sy(m, m->ty.v[i]);

		ob_fmt(ob, "<path class=\"grid\" d=\"M%d %.1fH%d\"/>\n",
		       PLOT_LEFT, y, PLOT_RIGHT);
		ob_fmt(ob, "<path class=\"axis\" d=\"M%d %.1fh-6\"/>\n",
		       PLOT_LEFT, y);
		chart_tick_label(&m->ty, m->ty.v[i], lab, sizeof(lab));
		ob_fmt(ob, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
		       PLOT_LEFT - 9, y + 4);
		svg_esc(ob, lab);
		ob_lit(ob, "</text>\n");
	}
	ob_fmt(ob, "<path class=\"axis\" d=\"M%d %dV%dH%d\"/>\n", PLOT_LEFT,
	       PLOT_TOP, PLOT_BOTTOM, PLOT_RIGHT);
}

/* The legend: a sample of each series and its name, down the right. */
static void svg_legend(struct outbuf *ob, const struct chart *c)
{
	size_t s;
	int y = PLOT_TOP + 10;

	for (s = 0; s < c->nseries; s++, y += 26) {
		const struct chart_series *cs = &c->series[s];
		char cls[80];

		snprintf(cls, sizeof(cls), "%s legend", cs->cls);
		if (cs->kind == CHART_BARS) {
			svg_bar(ob, cls, LEGEND_X + 12, y + 8, y - 8);
			if (cs->marker != CHART_M_NONE)
				svg_marker(ob, cs->marker, cls, LEGEND_X + 22,
				           y - 6);
		} else if (cs->kind == CHART_MARKS) {
			svg_marker(ob, cs->marker, cls, LEGEND_X + 12, y);
		} else {
			ob_fmt(ob, "<path class=\"%s\" d=\"M%d %dh28\"/>\n",
			       cls, LEGEND_X, y);
		}
		ob_fmt(ob, "<text x=\"%d\" y=\"%d\">", LEGEND_X + 36, y + 4);
		svg_esc(ob, cs->name);
		ob_lit(ob, "</text>\n");
	}
}

size_t chart_svg_max(const struct chart *c)
{
	size_t s, n = 16384;

	for (s = 0; s < c->nseries; s++)
		n += 512 + 160 * c->series[s].n;
	return n;
}

int chart_format_svg(const struct chart *c, char *buf, size_t cap)
{
	struct outbuf ob;
	struct svgmap m;
	size_t s;
	long n;

	if (chart_axes(c, &m.tx, 10, &m.ty, 8) < 0)
		return TCPLAB_EINVAL;
	ob_init(&ob, buf, cap);
	ob_fmt(&ob,
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	       "height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"13\" "
	       "font-family=\"",
	       SVG_W, SVG_H, SVG_W, SVG_H);
	svg_esc(&ob, c->font != NULL ? c->font : "DejaVu Sans, sans-serif");
	ob_lit(&ob, "\">\n");
	svg_style(&ob, c);
	ob_fmt(&ob, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", SVG_W,
	       SVG_H);
	ob_fmt(&ob,
	       "<clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" "
	       "width=\"%d\" height=\"%d\"/></clipPath>\n",
	       PLOT_LEFT - 4, PLOT_TOP - 4, PLOT_RIGHT - PLOT_LEFT + 8,
	       PLOT_BOTTOM - PLOT_TOP + 8);
	ob_fmt(&ob,
	       "<text class=\"title\" x=\"%d\" y=\"28\" font-size=\"18\" "
	       "font-weight=\"bold\">",
	       PLOT_LEFT);
	svg_esc(&ob, c->title);
	ob_lit(&ob, "</text>\n");
	if (c->subtitle != NULL) {
		ob_fmt(&ob, "<text x=\"%d\" y=\"50\">", PLOT_LEFT);
		svg_esc(&ob, c->subtitle);
		ob_lit(&ob, "</text>\n");
	}
	svg_axes(&ob, &m);
	ob_lit(&ob, "<g clip-path=\"url(#plot)\">\n");
	for (s = 0; s < c->nseries; s++)
		svg_series(&ob, &m, &c->series[s]);
	ob_lit(&ob, "</g>\n");
	ob_fmt(&ob,
	       "<text class=\"xlabel\" x=\"%d\" y=\"%d\" "
	       "text-anchor=\"middle\">",
	       (PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 48);
	svg_esc(&ob, c->xlabel);
	ob_fmt(&ob,
	       "</text>\n<text class=\"ylabel\" x=\"0\" y=\"0\" "
	       "text-anchor=\"middle\" transform=\"translate(20 %d) "
	       "rotate(-90)\">",
	       (PLOT_TOP + PLOT_BOTTOM) / 2);
	svg_esc(&ob, c->ylabel);
	ob_lit(&ob, "</text>\n");
	svg_legend(&ob, c);
	ob_lit(&ob, "</svg>\n");
	n = ob_finish(&ob, buf);
	return n < 0 || n > 0x7fffffff ? TCPLAB_ENOSPC : (int)n;
}

/* ---- Text ---- */

/* The plot's cells: the index of the series shown, or -1. */
#define TEXT_COLS_MAX 1000
#define TEXT_ROWS_MAX 60

struct grid {
	signed char cell[TEXT_ROWS_MAX][TEXT_COLS_MAX];
	unsigned cols, rows;
	struct chart_ticks tx, ty;
};

static int gcol(const struct grid *g, double x)
{
	return (int)lround((x - g->tx.lo) / (g->tx.hi - g->tx.lo) *
	                   (g->cols - 1));
}

static int grow(const struct grid *g, double y)
{
	return (int)lround((g->ty.hi - y) / (g->ty.hi - g->ty.lo) *
	                   (g->rows - 1));
}

static void gput(struct grid *g, int col, int row, int s)
{
	if (col >= 0 && row >= 0 && (unsigned)col < g->cols &&
	    (unsigned)row < g->rows)
		g->cell[row][col] = (signed char)s;
}

static void grid_series(struct grid *g, const struct chart_series *cs, int s)
{
	size_t i;
	int c, r, r0, c1;

	for (i = 0; i < cs->n; i++) {
		const struct chart_point *p = &cs->pts[i];

		c = gcol(g, p->x);
		r = grow(g, p->y);
		switch (cs->kind) {
		case CHART_BARS:
			r0 = grow(g, p->y0);
			for (; r0 >= r; r0--)
				gput(g, c, r0, s);
			break;
		case CHART_MARKS:
			gput(g, c, r, s);
			break;
		case CHART_STEP:
		case CHART_LINE:
			c1 = i + 1 < cs->n ? gcol(g, cs->pts[i + 1].x) : c + 1;
			for (; c < c1; c++) {
				int rr = r;

				if (cs->kind == CHART_LINE && i + 1 < cs->n &&
				    c1 > gcol(g, p->x))
					rr = (int)lround(
					        r +
					        (double)(grow(g, cs->pts[i + 1]
					                                 .y) -
					                 r) *
					                (c - gcol(g, p->x)) /
					                (c1 - gcol(g, p->x)));
				gput(g, c, rr, s);
			}
			break;
		}
	}
}

/* Writes the label of tick v into a field of w columns, at its right. */
static void text_pad_left(struct outbuf *ob, const char *s, unsigned w)
{
	size_t n = strlen(s);

	while (w-- > n)
		ob_char(ob, ' ');
	ob_str(ob, s);
}

/* The y axis' labels: which row shows which, and their widest. */
static unsigned text_ylabels(const struct grid *g, char lab[][24], int *row_of)
{
	unsigned i, w = 0;

	for (i = 0; i < g->ty.n; i++) {
		chart_tick_label(&g->ty, g->ty.v[i], lab[i], 24);
		row_of[i] = grow(g, g->ty.v[i]);
		if (strlen(lab[i]) > w)
			w = (unsigned)strlen(lab[i]);
	}
	return w;
}

static const char *glyph_of(const struct chart_series *cs, bool ascii,
                            char tmp[2])
{
	if (!ascii && cs->utf8 != NULL)
		return cs->utf8;
	tmp[0] = cs->glyph ? cs->glyph : '*';
	tmp[1] = '\0';
	return tmp;
}

static void text_rows(struct outbuf *ob, const struct chart *c,
                      const struct grid *g, bool ascii, unsigned lw)
{
	char lab[CHART_TICKS_MAX][24], tmp[2];
	int row_of[CHART_TICKS_MAX];
	unsigned r, x, i;

	text_ylabels(g, lab, row_of);
	for (r = 0; r < g->rows; r++) {
		const char *l = "", *axis = ascii ? "|" : "│";
		char *start = ob->p;

		for (i = 0; i < g->ty.n; i++)
			if (row_of[i] == (int)r) {
				l = lab[i];
				axis = ascii ? "+" : "┤";
			}
		text_pad_left(ob, l, lw);
		ob_str(ob, axis);
		for (x = 0; x < g->cols; x++) {
			int s = g->cell[r][x];

			if (s < 0)
				ob_char(ob, ' ');
			else
				ob_str(ob, glyph_of(&c->series[s], ascii, tmp));
		}
		/* No spaces at the end of a line. */
		while (!ob->full && ob->p > start && ob->p[-1] == ' ')
			ob->p--;
		ob_char(ob, '\n');
	}
}

/* The x axis, with a tick mark under each tick's column. */
static void text_xaxis(struct outbuf *ob, const struct grid *g, bool ascii,
                       unsigned lw)
{
	unsigned x, i;

	text_pad_left(ob, "", lw);
	ob_str(ob, ascii ? "+" : "└");
	for (x = 0; x < g->cols; x++) {
		int tick = 0;

		for (i = 0; i < g->tx.n; i++)
			tick |= gcol(g, g->tx.v[i]) == (int)x;
		if (ascii)
			ob_char(ob, tick ? '+' : '-');
		else
			ob_str(ob, tick ? "┬" : "─");
	}
	ob_char(ob, '\n');
}

/*
 * The x ticks' labels, each centred under its column where it does not
 * run into the one before, then the axis' label at the right when it
 * fits there, else on a line of its own.
 */
static void text_xlabels(struct outbuf *ob, const struct chart *c,
                         const struct grid *g, unsigned lw, unsigned width)
{
	char lab[24];
	unsigned at = 0, i, n,
	         name = (unsigned)wrap_cols(c->xlabel, strlen(c->xlabel));

	for (i = 0; i < g->tx.n; i++) {
		int pos;

		chart_tick_label(&g->tx, g->tx.v[i], lab, sizeof(lab));
		n = (unsigned)strlen(lab);
		pos = (int)lw + 1 + gcol(g, g->tx.v[i]) - (int)n / 2;
		if (pos < (int)at + (at > 0) || pos + n > width)
			continue;
		while (at < (unsigned)pos) {
			ob_char(ob, ' ');
			at++;
		}
		ob_str(ob, lab);
		at += n;
	}
	if (at + 2 + name <= width) {
		while (at + name < width) {
			ob_char(ob, ' ');
			at++;
		}
	} else {
		ob_char(ob, '\n');
		for (at = 0; at + name < width; at++)
			ob_char(ob, ' ');
	}
	ob_str(ob, c->xlabel);
	ob_char(ob, '\n');
}

/* The legend: "G name" for each series, as many on a line as fit. */
static void text_legend(struct outbuf *ob, const struct chart *c, bool ascii,
                        unsigned width)
{
	unsigned at = 0, w;
	char tmp[2];
	size_t s;

	for (s = 0; s < c->nseries; s++) {
		const struct chart_series *cs = &c->series[s];

		w = 2 + (unsigned)wrap_cols(cs->name, strlen(cs->name));
		if (at > 0 && at + 3 + w > width) {
			ob_char(ob, '\n');
			at = 0;
		} else if (at > 0) {
			ob_lit(ob, "   ");
			at += 3;
		}
		ob_str(ob, glyph_of(cs, ascii, tmp));
		ob_char(ob, ' ');
		ob_str(ob, cs->name);
		at += w;
	}
	ob_char(ob, '\n');
}

/* A paragraph wrapped to width (a title, the y axis' label). */
static void text_para(struct outbuf *ob, const char *s, unsigned width)
{
	int n;

	if (s == NULL || ob->full)
		return;
	n = wrap_para(s, strlen(s), "", "", width, ob->p,
	              (size_t)(ob->end - ob->p) + 1);
	if (n < 0)
		ob->full = true;
	else
		ob->p += n;
}

int chart_format_text(const struct chart *c, unsigned width, unsigned rows,
                      bool ascii, char *buf, size_t cap)
{
	struct grid g;
	char lab[CHART_TICKS_MAX][24];
	int row_of[CHART_TICKS_MAX];
	struct outbuf ob;
	unsigned lw, wantx;
	size_t s;
	long n;

	if (width < 40 || width > TEXT_COLS_MAX)
		return TCPLAB_ENOSPC;
	if (rows < 5)
		rows = 5;
	if (rows > TEXT_ROWS_MAX)
		rows = TEXT_ROWS_MAX;
	/* The y labels' width first: it leaves the plot its columns. */
	wantx = width / 14;
	if (chart_axes(c, &g.tx, wantx, &g.ty, rows / 4 + 1) < 0)
		return TCPLAB_EINVAL;
	g.rows = rows;
	g.cols = 10;
	lw = text_ylabels(&g, lab, row_of);
	g.cols = width - lw - 2; /* the axis, and a column to spare */
	memset(g.cell, -1, sizeof(g.cell));
	for (s = 0; s < c->nseries; s++)
		grid_series(&g, &c->series[s], (int)s);
	ob_init(&ob, buf, cap);
	text_para(&ob, c->title, width);
	text_para(&ob, c->subtitle, width);
	text_para(&ob, c->ylabel, width);
	text_rows(&ob, c, &g, ascii, lw);
	text_xaxis(&ob, &g, ascii, lw);
	text_xlabels(&ob, c, &g, lw, width);
	text_legend(&ob, c, ascii, width);
	n = ob_finish(&ob, buf);
	return n < 0 || n > 0x7fffffff ? TCPLAB_ENOSPC : (int)n;
}
