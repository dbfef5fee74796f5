/*
 * check_seq.c: sequence-number arithmetic modulo 2^32 (common/seq.h).
 *
 * Every test sits on or next to the wrap, where a plain '<' would give the
 * wrong answer: 0xffffffff comes before 0, and a window may start below
 * 2^32 and end above it.
 */
#include "common/seq.h"
#include "tests/testlib.h"

START_TEST(test_lt_across_wrap)
{
	ck_assert(seq_lt(0xffffffffu, 0));
	ck_assert(seq_lt(0xfffffff0u, 0x10));
	ck_assert(!seq_lt(0, 0xffffffffu));
	ck_assert(!seq_lt(0x10, 0xfffffff0u));
}
END_TEST

START_TEST(test_lt_equal_is_false)
{
	ck_assert(!seq_lt(0, 0));
	ck_assert(!seq_lt(0xffffffffu, 0xffffffffu));
	ck_assert(seq_leq(0, 0));
	ck_assert(seq_leq(0xffffffffu, 0xffffffffu));
}
END_TEST

START_TEST(test_leq_across_wrap)
{
	ck_assert(seq_leq(0xffffffffu, 0));
	ck_assert(seq_leq(ISN_NEAR_WRAP, 5));
	ck_assert(!seq_leq(5, ISN_NEAR_WRAP));
}
END_TEST

START_TEST(test_gt_across_wrap)
{
	ck_assert(seq_gt(0, 0xffffffffu));
	ck_assert(seq_gt(3, ISN_NEAR_WRAP_PEER));
	ck_assert(!seq_gt(0xffffffffu, 0));
	ck_assert(!seq_gt(7, 7));
}
END_TEST

START_TEST(test_geq_across_wrap)
{
	ck_assert(seq_geq(1, 0xffffffffu));
	ck_assert(seq_geq(0, 0));
	ck_assert(!seq_geq(0xffffffffu, 1));
}
END_TEST

/* 2^31 apart the order flips: the nearer way round is the one that counts. */
START_TEST(test_lt_half_space)
{
	ck_assert(seq_lt(0, 0x7fffffffu));
	ck_assert(!seq_lt(0, 0x80000001u));
	ck_assert(seq_gt(0, 0x80000001u));
	ck_assert(seq_lt(0xffffffffu, 0x7ffffffeu));
	ck_assert(!seq_lt(0xffffffffu, 0x7fffffffu + 1u));
}
END_TEST

START_TEST(test_add_wraps)
{
	ck_assert_uint_eq(seq_add(0xffffffffu, 1), 0);
	ck_assert_uint_eq(seq_add(ISN_NEAR_WRAP, 142), 140);
	ck_assert_uint_eq(seq_add(ISN_NEAR_WRAP_PEER, 0x20), 0x10);
	ck_assert_uint_eq(seq_add(5, 0), 5);
}
END_TEST

/* A SYN at ISN_NEAR_WRAP, then 142 bytes: the next byte expected is 141. */
START_TEST(test_add_handshake_request)
{
	uint32_t iss = ISN_NEAR_WRAP;
	uint32_t first = seq_add(iss, 1); /* SYN occupies one number. */
	uint32_t next = seq_add(first, 142);

	ck_assert_uint_eq(first, 0xffffffffu);
	ck_assert_uint_eq(next, 141);
	ck_assert(seq_lt(iss, next));
	ck_assert_int_eq(seq_diff(next, iss), 143);
}
END_TEST

START_TEST(test_diff_across_wrap)
{
	ck_assert_int_eq(seq_diff(0, 0xffffffffu), 1);
	ck_assert_int_eq(seq_diff(0xffffffffu, 0), -1);
	ck_assert_int_eq(seq_diff(0x10, ISN_NEAR_WRAP_PEER), 0x20);
	ck_assert_int_eq(seq_diff(ISN_NEAR_WRAP_PEER, 0x10), -0x20);
	ck_assert_int_eq(seq_diff(1234, 1234), 0);
}
END_TEST

START_TEST(test_diff_extremes)
{
	ck_assert_int_eq(seq_diff(0x7fffffffu, 0), INT32_MAX);
	ck_assert_int_eq(seq_diff(0x80000000u, 0), INT32_MIN);
}
END_TEST

/* The window [0xfffffff0, 0x10) holds 0x20 numbers across 2^32. */
START_TEST(test_in_window_spanning_wrap)
{
	uint32_t a = ISN_NEAR_WRAP_PEER, b = seq_add(a, 0x20);

	ck_assert_uint_eq(b, 0x10);
	ck_assert(seq_in_window(a, a, b));
	ck_assert(seq_in_window(0xffffffffu, a, b));
	ck_assert(seq_in_window(0, a, b));
	ck_assert(seq_in_window(0xf, a, b));
	ck_assert(!seq_in_window(0x10, a, b));
	ck_assert(!seq_in_window(0xffffffefu, a, b));
	ck_assert(!seq_in_window(0x80000000u, a, b));
}
END_TEST

START_TEST(test_in_window_empty)
{
	ck_assert(!seq_in_window(0, 0, 0));
	ck_assert(!seq_in_window(0xffffffffu, 0xffffffffu, 0xffffffffu));
}
END_TEST

START_TEST(test_in_window_ending_at_wrap)
{
	/* [0xffffff00, 0): every number up to 0xffffffff, not 0. */
	ck_assert(seq_in_window(0xffffffffu, 0xffffff00u, 0));
	ck_assert(!seq_in_window(0, 0xffffff00u, 0));
	ck_assert(seq_in_window(0, 0, 1));
	ck_assert(!seq_in_window(0xffffffffu, 0, 1));
}
END_TEST

static Suite *seq_suite(void)
{
	Suite *s = suite_create("seq");
	TCase *tc = tcase_create("wrap");

	tcase_add_test(tc, test_lt_across_wrap);
	tcase_add_test(tc, test_lt_equal_is_false);
	tcase_add_test(tc, test_leq_across_wrap);
	tcase_add_test(tc, test_gt_across_wrap);
	tcase_add_test(tc, test_geq_across_wrap);
	tcase_add_test(tc, test_lt_half_space);
	tcase_add_test(tc, test_add_wraps);
	tcase_add_test(tc, test_add_handshake_request);
	tcase_add_test(tc, test_diff_across_wrap);
	tcase_add_test(tc, test_diff_extremes);
	tcase_add_test(tc, test_in_window_spanning_wrap);
	tcase_add_test(tc, test_in_window_empty);
	tcase_add_test(tc, test_in_window_ending_at_wrap);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(seq_suite)
