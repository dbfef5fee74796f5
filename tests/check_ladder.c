/*
 * check_ladder.c: Check suite for the ladder diagram (common/ladder.c).
 *
 * The rows are built by hand, as annot would fill them for a handshake
 * followed by data. The tests check what a reader relies on: one arrow per
 * row in order, every line within the width, the rows of other
 * connections left out, and the line that stands for the segments a long
 * diagram leaves out, in text and SVG.
 */
#include <check.h>
#include <string.h>

#include "common/err.h"
#include "common/ladder.h"
#include "tests/testlib.h"

#define NROWS 8

/* Connection 1: SYN, SYN-ACK, ACK, then data from the client, numbered
 * from first; one row of connection 2 in the middle. */
static void make_rows(struct ladder_row *rows, unsigned first)
{
	unsigned i;

	memset(rows, 0, NROWS * sizeof(*rows));
	for (i = 0; i < NROWS; i++) {
		rows[i].n = first + i;
		rows[i].conn = 1;
		rows[i].from = i == 1 ? ANNOT_SERVER : ANNOT_CLIENT;
		strcpy(rows[i].flags, i == 0 ? "S" : i == 1 ? "S." : ".");
		rows[i].has_ack = i > 0;
		rows[i].len = i > 2 ? 100 : 0;
		rows[i].before[0] = rows[i].after[0] = TCP_ESTABLISHED;
		rows[i].before[1] = rows[i].after[1] = TCP_ESTABLISHED;
	}
	rows[0].before[0] = TCP_CLOSED;
	rows[0].after[0] = TCP_SYN_SENT;
	rows[0].before[1] = TCP_LISTEN;
	rows[0].after[1] = TCP_SYN_RECEIVED;
	rows[4].conn = 2;
}

/* The number of lines of s that contain needle. */
static unsigned count_lines(const char *s, const char *needle)
{
	unsigned n = 0;
	const char *line = s, *nl;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		for (const char *p = line; p + strlen(needle) <= nl; p++)
			if (strncmp(p, needle, strlen(needle)) == 0) {
				n++;
				break;
			}
		line = *nl != '\0' ? nl + 1 : nl;
	}
	return n;
}

/* The widest line of s, in bytes (ASCII output: bytes are columns). */
static size_t widest(const char *s)
{
	size_t w = 0, cur = 0;

	for (; *s != '\0'; s++) {
		cur = *s == '\n' ? 0 : cur + 1;
		if (cur > w)
			w = cur;
	}
	return w;
}

START_TEST(test_text_rows_in_order_no_gap)
{
	struct ladder_row rows[NROWS];
	struct ladder_opts o = {.width = 80, .ascii = true};
	char buf[16384];
	int n;

	make_rows(rows, 1);
	n = ladder_format_text(rows, NROWS, 1, &o, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(count_lines(buf, "#"), NROWS - 1);
	ck_assert_ptr_null(strstr(buf, "#5 "));
	ck_assert_ptr_nonnull(strstr(buf, "#4 "));
	ck_assert(strstr(buf, "#4 ") < strstr(buf, "#6 "));
	ck_assert_ptr_null(strstr(buf, "not drawn"));
	ck_assert_uint_le(widest(buf), 80);
}
END_TEST

START_TEST(test_text_gap_between_head_and_tail)
{
	struct ladder_row rows[NROWS];
	struct ladder_opts o = {.width = 80, .ascii = true};
	char buf[16384], *gap;
	int n;

	make_rows(rows, 1);
	/* Rows 4.. stand for the last ones: 1000 segments were left out. */
	for (unsigned i = 4; i < NROWS; i++)
		rows[i].n += 1000;
	o.gap = 1000;
	o.gap_at = 4;
	n = ladder_format_text(rows, NROWS, 1, &o, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	gap = strstr(buf, "... 1000 segments not drawn ...");
	ck_assert_ptr_nonnull(gap);
	ck_assert_uint_eq(count_lines(buf, "not drawn"), 1);
	ck_assert(strstr(buf, "#4 ") < gap);
	ck_assert(gap < strstr(buf, "#1006 "));
	ck_assert_uint_le(widest(buf), 80);
	/* The columns' bars go on through the gap line. */
	ck_assert_ptr_nonnull(strstr(buf, "  |              ... 1000"));
}
END_TEST

START_TEST(test_text_one_segment_and_no_room)
{
	struct ladder_row rows[NROWS];
	struct ladder_opts o = {.width = 100, .ascii = false};
	char buf[16384];

	make_rows(rows, 1);
	o.gap = 1;
	o.gap_at = 2;
	ck_assert_int_gt(
	        ladder_format_text(rows, NROWS, 1, &o, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "... 1 segment not drawn ..."));
	ck_assert_int_eq(ladder_format_text(rows, NROWS, 1, &o, buf, 100),
	                 TCPLAB_ENOSPC);
}
END_TEST

START_TEST(test_svg_gap_takes_a_row)
{
	struct ladder_row rows[NROWS];
	struct ladder_opts o = {.width = 100};
	char buf[32768];
	int n;

	make_rows(rows, 1);
	o.gap = 42;
	o.gap_at = 3;
	n = ladder_format_svg(rows, NROWS, 1, &o, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(count_lines(buf, "marker-end"), NROWS - 1);
	ck_assert_ptr_nonnull(strstr(buf, "... 42 segments not drawn ..."));
	/* Eight rows of 40 units after the top (70), and the margin. */
	ck_assert_ptr_nonnull(strstr(buf, "height=\"430\""));
}
END_TEST

/* A handout's diagram: every arrow, with its flags and length, but no
 * seq, ack or state for the students to find there. */
START_TEST(test_blank_leaves_numbers_and_states_out)
{
	struct ladder_row rows[NROWS];
	struct ladder_opts o = {.width = 100, .ascii = true, .blank = true};
	char buf[32768];

	make_rows(rows, 1);
	rows[2].rel_seq = rows[2].rel_ack = 1;
	ck_assert_int_gt(
	        ladder_format_svg(rows, NROWS, 1, &o, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(count_lines(buf, "marker-end"), NROWS - 1);
	ck_assert_ptr_nonnull(strstr(buf, ">#2 S. len 0<"));
	ck_assert_ptr_nonnull(strstr(buf, ">#4 . len 100<"));
	ck_assert_ptr_null(strstr(buf, "seq"));
	ck_assert_ptr_null(strstr(buf, "ack"));
	ck_assert_ptr_null(strstr(buf, "SYN-SENT"));
	ck_assert_ptr_null(strstr(buf, "ESTABLISHED"));
	ck_assert_ptr_null(strstr(buf, "inferred"));
	ck_assert_ptr_nonnull(strstr(buf, "</svg>"));
	ck_assert_int_gt(
	        ladder_format_text(rows, NROWS, 1, &o, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(count_lines(buf, "#"), NROWS - 1);
	ck_assert_ptr_nonnull(strstr(buf, " #3 . len 0 "));
	ck_assert_ptr_null(strstr(buf, "seq"));
	ck_assert_ptr_null(strstr(buf, "LISTEN"));
	ck_assert_ptr_null(strstr(buf, "inferred"));
	/* Without blank, the same rows say them. */
	o.blank = false;
	ck_assert_int_gt(
	        ladder_format_svg(rows, NROWS, 1, &o, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, ">#3 . seq 1 ack 1 len 0<"));
	ck_assert_ptr_nonnull(strstr(buf, "SYN-SENT"));
}
END_TEST

static Suite *ladder_suite(void)
{
	Suite *s = suite_create("ladder");
	TCase *tc = tcase_create("draw");

	TESTLIB_ADD(tc, test_text_rows_in_order_no_gap);
	TESTLIB_ADD(tc, test_text_gap_between_head_and_tail);
	TESTLIB_ADD(tc, test_text_one_segment_and_no_room);
	TESTLIB_ADD(tc, test_svg_gap_takes_a_row);
	TESTLIB_ADD(tc, test_blank_leaves_numbers_and_states_out);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(ladder_suite)
