/*
 * chart.h: draws a chart of a few series over x and y axes, as an SVG
 * document or as lines of text for a terminal.
 *
 * A chart has a title, a label under each axis and up to CHART_SERIES_MAX
 * series. Each series has a name for the legend, a style (a step line, a
 * straight line, vertical bars or marks), a look (colour, width, dash,
 * marker, and the characters the text plot draws it with) and its points.
 * The axes get "nice" ticks (1, 2 or 5 times a power of ten) that cover
 * the range of the points, or the range the caller fixes. The series are
 * drawn in the order given, so a later one lies on top.
 *
 * Nothing here knows TCP: a time-sequence graph (common/tsg.h) and a
 * congestion window chart are two callers of the same drawing. Pure: no
 * I/O, no allocation, no globals; the caller owns the buffers, the chart
 * writes into them and returns the length, or TCPLAB_ENOSPC.
 */
#ifndef TCPLAB_CHART_H
#define TCPLAB_CHART_H

#include <stdbool.h>
#include <stddef.h>

#define CHART_SERIES_MAX 12
#define CHART_TICKS_MAX  16

/* How a series is drawn. */
enum chart_kind {
	CHART_STEP,  /* y holds from one point until the next x */
	CHART_LINE,  /* straight lines from point to point */
	CHART_BARS,  /* a vertical bar from y0 to y at x, with end ticks */
	CHART_MARKS, /* a marker at (x, y) */
};

/* The marker of CHART_MARKS (and of a bar's top with CHART_BARS). */
enum chart_marker {
	CHART_M_NONE = 0,
	CHART_M_CIRCLE,   /* hollow */
	CHART_M_SQUARE,   /* hollow */
	CHART_M_DIAMOND,  /* filled */
	CHART_M_CROSS,    /* an x */
	CHART_M_TRIANGLE, /* filled, pointing up */
};

/* The line's pattern. */
enum chart_dash {
	CHART_SOLID = 0,
	CHART_DASHED,
	CHART_DOTTED,
};

struct chart_point {
	double x, y;
	double y0; /* CHART_BARS: where the bar starts; otherwise unused */
};

struct chart_series {
	const char *name; /* the legend's words */
	const char *cls;  /* the SVG class of its elements ("data"), [a-z-] */
	enum chart_kind kind;
	unsigned rgb;   /* 0xRRGGBB */
	unsigned width; /* the stroke, in tenths of a pixel (0: 15) */
	enum chart_dash dash;
	enum chart_marker marker;
	char glyph;       /* the text plot's character with ASCII */
	const char *utf8; /* ... and otherwise (one column), or NULL */
	const struct chart_point *pts;
	size_t n;
};

struct chart {
	const char *title;
	const char *subtitle; /* a second, smaller line, or NULL */
	const char *xlabel, *ylabel;
	const struct chart_series *series;
	size_t nseries;
	/* The range shown; each pair with lo >= hi is taken from the
	 * points. What lies outside is cut off. */
	double xlo, xhi, ylo, yhi;
	/* The SVG's font-family list, or NULL for a sans-serif one. */
	const char *font;
};

/* Ticks over a range: values lo, lo + step, ... hi in nice steps. */
struct chart_ticks {
	double lo, hi, step;
	unsigned n;
	unsigned decimals; /* digits after the point that step needs */
	double v[CHART_TICKS_MAX];
};

/*
 * Nice ticks covering [lo, hi], about want of them (2 to
 * CHART_TICKS_MAX - 1): the step is 1, 2 or 5 times a power of ten, the
 * first tick at or below lo, the last at or above hi. An empty range is
 * widened first. Returns 0, or TCPLAB_EINVAL for a value that is not
 * finite.
 */
int chart_ticks(double lo, double hi, unsigned want, struct chart_ticks *t);

/* A tick's label: v with t's decimals ("0.25", "400000"). Returns the
 * length, or TCPLAB_ENOSPC. */
int chart_tick_label(const struct chart_ticks *t, double v, char *buf,
                     size_t cap);

/*
 * The chart as a standalone SVG document (viewBox 960x600, white
 * background, real text in the font list). Each bar and mark is one
 * element of its series' class, so a test can count them. Returns the
 * length written, or TCPLAB_ENOSPC.
 */
int chart_format_svg(const struct chart *c, char *buf, size_t cap);

/* The bytes chart_format_svg() needs at most for c. */
size_t chart_svg_max(const struct chart *c);

/*
 * The chart as lines of text, each ending in '\n' and at most width
 * columns: the title, rows plot rows (at least 5) with the y ticks'
 * labels on the left, the x axis and its labels, the axis labels and a
 * legend. With ascii, only ASCII; otherwise box drawing for the axes and
 * each series' utf8 glyph. Where series meet, the later one shows.
 * Returns the length written, or TCPLAB_ENOSPC (also for a width under
 * 40).
 */
int chart_format_text(const struct chart *c, unsigned width, unsigned rows,
                      bool ascii, char *buf, size_t cap);

#endif
