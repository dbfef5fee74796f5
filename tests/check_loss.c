/*
 * check_loss.c: seeded random loss: probabilities as people write them,
 * the same drops for the same seed, and about as many as asked.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/loss.h"
#include "tests/testlib.h"

START_TEST(test_parse)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t ppm;
	} t[] = {
	        {"0", 0, 0},          {"1", 0, LOSS_ONE},  {"0.05", 0, 50000},
	        {"5%", 0, 50000},     {"12.5%", 0, 125000}, {".5", 0, 500000},
	        {"100%", 0, LOSS_ONE}, {"0.000001", 0, 1},  {"0.0001%", 0, 1},
	        {"1.5", -1, 0},       {"101%", -1, 0},      {"-0.1", -1, 0},
	        {"", -1, 0},          {"%", -1, 0},         {"5 %", -1, 0},
	        {"0.1234567", -1, 0}, {"1.", -1, 0},        {"x", -1, 0},
	        {"99999999999", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint32_t ppm = 7;
		int rc = loss_parse(t[i].s, &ppm);

		ck_assert_msg(rc == t[i].rc, "'%s': %d", t[i].s, rc);
		if (rc == 0)
			ck_assert_msg(ppm == t[i].ppm, "'%s': %u", t[i].s, ppm);
	}
}
END_TEST

START_TEST(test_format)
{
	char b[16];

	loss_format(50000, b, sizeof b);
	ck_assert_str_eq(b, "5%");
	loss_format(125000, b, sizeof b);
	ck_assert_str_eq(b, "12.5%");
	loss_format(1, b, sizeof b);
	ck_assert_str_eq(b, "0.0001%");
	loss_format(LOSS_ONE, b, sizeof b);
	ck_assert_str_eq(b, "100%");
	loss_format(0, b, sizeof b);
	ck_assert_str_eq(b, "0%");
}
END_TEST

/* The same seed loses the same segments; another seed others. */
START_TEST(test_repeatable)
{
	struct loss a, b, c;
	unsigned i, same = 0;

	loss_init(&a, 200000, 42);
	loss_init(&b, 200000, 42);
	loss_init(&c, 200000, 43);
	for (i = 0; i < 1000; i++) {
		bool x = loss_next(&a);

		ck_assert(x == loss_next(&b));
		same += x == loss_next(&c);
	}
	ck_assert_uint_lt(same, 1000);
}
END_TEST

/* About P of the draws, for a few seeds: within 1 percentage point over
 * 100000 draws (the binomial's deviation there is 0.13 points at 20%). */
START_TEST(test_rate)
{
	static const uint32_t ppm[] = {0, 10000, 50000, 200000, 500000,
	                               LOSS_ONE};
	size_t i;
	unsigned seed, k, lost;

	for (i = 0; i < sizeof ppm / sizeof ppm[0]; i++)
		for (seed = 1; seed <= 3; seed++) {
			struct loss l;

			loss_init(&l, ppm[i], seed);
			for (k = lost = 0; k < 100000; k++)
				lost += loss_next(&l);
			ck_assert_msg(abs((int)lost - (int)(ppm[i] / 10)) <= 1000,
			              "%u ppm seed %u: %u of 100000", ppm[i],
			              seed, lost);
		}
}
END_TEST

static Suite *loss_suite(void)
{
	Suite *s = suite_create("loss");
	TCase *tc = tcase_create("loss");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_repeatable);
	tcase_add_test(tc, test_rate);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(loss_suite)
