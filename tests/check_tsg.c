/*
 * check_tsg.c: Check suite for the chart (common/chart.c) and the
 * time-sequence graph's points (common/tsg.c).
 *
 * The ticks are checked for the ranges a graph meets (bytes, fractions of
 * a second, one value); the graph is built from segments written by hand
 * as annot would describe them: a handshake, data from the server with
 * one retransmission, a duplicate ACK with a SACK block and a FIN. The
 * tests count what the SVG holds per class and check that the text plot
 * fits its width.
 */
#include <check.h>
#include <string.h>

#include "common/chart.h"
#include "common/err.h"
#include "common/tsg.h"
#include "common/wrap.h"
#include "tests/testlib.h"

START_TEST(test_ticks_bytes)
{
	struct chart_ticks t;
	char lab[32];

	ck_assert_int_eq(chart_ticks(0, 86881, 8, &t), 0);
	ck_assert(t.step == 10000 || t.step == 20000);
	ck_assert(t.v[0] == 0);
	ck_assert(t.v[t.n - 1] >= 86881);
	ck_assert_uint_eq(t.decimals, 0);
	chart_tick_label(&t, t.v[1], lab, sizeof(lab));
	ck_assert(strcmp(lab, "10000") == 0 || strcmp(lab, "20000") == 0);
}
END_TEST

START_TEST(test_ticks_seconds)
{
	struct chart_ticks t;
	char lab[32];

	ck_assert_int_eq(chart_ticks(0, 0.93, 6, &t), 0);
	ck_assert(t.step == 0.2);
	ck_assert_uint_eq(t.decimals, 1);
	chart_tick_label(&t, t.v[2], lab, sizeof(lab));
	ck_assert_str_eq(lab, "0.4");
	ck_assert_int_eq(chart_ticks(0, 0.012, 5, &t), 0);
	ck_assert_uint_eq(t.decimals, 3);
}
END_TEST

START_TEST(test_ticks_one_value)
{
	struct chart_ticks t;

	ck_assert_int_eq(chart_ticks(5, 5, 6, &t), 0);
	ck_assert_uint_ge(t.n, 2);
	ck_assert(t.lo <= 5 && t.hi > 5);
	ck_assert_int_eq(chart_ticks(0, 1.0 / 0.0, 6, &t), TCPLAB_EINVAL);
}
END_TEST

#define NSEG 12

/* Server data of 1000 bytes a segment; the third retransmitted once,
 * the client's duplicate ACK SACKs the fourth. */
static size_t make_segs(struct tsg_seg *k)
{
	size_t n = 0;
	unsigned i;

	memset(k, 0, NSEG * sizeof(*k));
	/* SYN, SYN-ACK, ACK. */
	k[n].from = ANNOT_CLIENT, k[n].syn = 1, k[n].us = 0, n++;
	k[n].from = ANNOT_SERVER, k[n].syn = 1, k[n].ack = 1;
	k[n].rel_ack = 1, k[n].rel_valid = 1, k[n].us = 1000, n++;
	k[n].from = ANNOT_CLIENT, k[n].ack = 1, k[n].rel_ack = 1;
	k[n].rel_valid = 1, k[n].win_bytes = 64000, k[n].us = 2000, n++;
	for (i = 0; i < 4; i++, n++) {
		k[n].from = ANNOT_SERVER, k[n].ack = 1, k[n].rel_valid = 1;
		k[n].rel_seq = 1 + 1000 * i, k[n].len = 1000;
		k[n].us = 10000 + 1000 * i;
	}
	/* A duplicate ACK of 2001 that SACKs 3001:4001. */
	k[n].from = ANNOT_CLIENT, k[n].ack = 1, k[n].rel_valid = 1;
	k[n].rel_ack = 2001, k[n].win_bytes = 64000, k[n].us = 20000;
	k[n].events = ANNOT_EV_DUP_ACK, k[n].nsack = 1;
	k[n].sack[0][0] = 3001, k[n].sack[0][1] = 4001, n++;
	/* The retransmission of 2001:3001. */
	k[n].from = ANNOT_SERVER, k[n].ack = 1, k[n].rel_valid = 1;
	k[n].rel_seq = 2001, k[n].len = 1000, k[n].us = 30000;
	k[n].events = ANNOT_EV_RETRANSMISSION, n++;
	/* Everything acknowledged, a zero window; then the FIN. */
	k[n].from = ANNOT_CLIENT, k[n].ack = 1, k[n].rel_valid = 1;
	k[n].rel_ack = 4001, k[n].win_bytes = 0, k[n].us = 40000, n++;
	k[n].from = ANNOT_SERVER, k[n].ack = 1, k[n].fin = 1;
	k[n].rel_valid = 1, k[n].rel_seq = 4001, k[n].us = 50000, n++;
	return n;
}

static const char *const addr[2] = {"10.0.2.25:53370", "10.0.2.5:8080"};

/* The number of times needle occurs in s. */
static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

START_TEST(test_tsg_build_series)
{
	struct tsg_seg k[NSEG];
	struct chart_point pts[256];
	struct tsg_graph g;
	size_t n = make_segs(k);

	ck_assert_uint_le(tsg_points_max(n), 256);
	ck_assert_int_eq(tsg_direction(k, n), ANNOT_SERVER);
	ck_assert_int_eq(tsg_build(&g, k, n, 1, addr, NULL, pts), 0);
	ck_assert_uint_eq(g.series[TSG_DATA].n, 4);
	ck_assert_uint_eq(g.series[TSG_REXMIT].n, 1);
	ck_assert_uint_eq(g.series[TSG_SYNFIN].n, 2);
	ck_assert_uint_eq(g.series[TSG_SACK].n, 1);
	ck_assert_uint_eq(g.series[TSG_DUPACK].n, 1);
	ck_assert_uint_eq(g.bars, 5);
	/* ACKs of the SYN-ACK's receiver: 3, and one more to the end. */
	ck_assert_uint_eq(g.series[TSG_ACK].n, 4);
	/* The zero window: its edge is the ACK. */
	ck_assert(g.series[TSG_WINDOW].pts[2].y == g.series[TSG_ACK].pts[2].y);
	ck_assert(strstr(g.title, "10.0.2.5:8080 > 10.0.2.25:53370") != NULL);
}
END_TEST

START_TEST(test_tsg_no_data)
{
	struct tsg_seg k[NSEG];
	struct chart_point pts[256];
	struct tsg_graph g;

	make_segs(k);
	/* The handshake alone carries no data. */
	ck_assert_int_eq(tsg_build(&g, k, 3, 1, addr, NULL, pts),
	                 TCPLAB_EINVAL);
}
END_TEST

START_TEST(test_tsg_svg_counts)
{
	struct tsg_seg k[NSEG];
	struct chart_point pts[256];
	struct tsg_graph g;
	static char buf[65536];
	size_t n = make_segs(k);
	int len;

	ck_assert_int_eq(tsg_build(&g, k, n, 1, addr, NULL, pts), 0);
	ck_assert_uint_le(chart_svg_max(&g.chart), sizeof(buf));
	len = chart_format_svg(&g.chart, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(count(buf, "class=\"data\""), 4);
	ck_assert_uint_eq(count(buf, "class=\"rexmit\""), 1);
	ck_assert_uint_eq(count(buf, "class=\"synfin\""), 2);
	ck_assert_uint_eq(count(buf, "class=\"dupack\""), 1);
	ck_assert_uint_eq(count(buf, "class=\"sack\""), 1);
	ck_assert_uint_eq(count(buf, "class=\"ack\""), 1);
	/* The title's ">" is escaped, the labels are text. */
	ck_assert(strstr(buf, "10.0.2.5:8080 &gt; 10.0.2.25:53370") != NULL);
	ck_assert(strstr(buf, ">time (s)</text>") != NULL);
	ck_assert(strstr(buf, "Noto Sans CJK SC") != NULL);
	/* Too small a buffer is an error, not a cut document. */
	ck_assert_int_eq(chart_format_svg(&g.chart, buf, 1000), TCPLAB_ENOSPC);
}
END_TEST

/* Every line of s within width columns; returns the number of lines. */
static unsigned check_width(const char *s, unsigned width)
{
	unsigned lines = 0;
	const char *nl;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(wrap_cols(s, (size_t)(nl - s)) <= width,
		              "line wider than %u: %.*s", width, (int)(nl - s),
		              s);
		lines++;
		s = nl + 1;
	}
	return lines;
}

START_TEST(test_tsg_text_fits)
{
	static const unsigned widths[] = {40, 80, 132};
	struct tsg_seg k[NSEG];
	struct chart_point pts[256];
	struct tsg_graph g;
	static char buf[65536];
	size_t n = make_segs(k);
	unsigned i, lines;
	int len;

	ck_assert_int_eq(tsg_build(&g, k, n, 1, addr, NULL, pts), 0);
	for (i = 0; i < 3; i++) {
		len = chart_format_text(&g.chart, widths[i], 14, i == 1, buf,
		                        sizeof(buf));
		ck_assert_int_gt(len, 0);
		lines = check_width(buf, widths[i]);
		ck_assert_uint_ge(lines, 14 + 4);
		/* An 80x24 terminal shows it all; 40 columns wrap more. */
		ck_assert_uint_le(lines, widths[i] >= 80 ? 22 : 30);
		ck_assert(strchr(buf, 'R') != NULL); /* the retransmission */
	}
	ck_assert_int_eq(
	        chart_format_text(&g.chart, 39, 14, true, buf, sizeof(buf)),
	        TCPLAB_ENOSPC);
}
END_TEST

static Suite *tsg_suite(void)
{
	Suite *s = suite_create("tsg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ticks_bytes);
	tcase_add_test(tc, test_ticks_seconds);
	tcase_add_test(tc, test_ticks_one_value);
	tcase_add_test(tc, test_tsg_build_series);
	tcase_add_test(tc, test_tsg_no_data);
	tcase_add_test(tc, test_tsg_svg_counts);
	tcase_add_test(tc, test_tsg_text_fits);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(tsg_suite)
