/*
 * testlib.h: small helpers shared by tcplab's Check suites.
 *
 *   TESTLIB_MAIN(suite_fn)   writes main(): runs the suite that suite_fn()
 *                            returns and exits 1 when a test failed.
 *   EXPECT_BYTES(got, glen, want, wlen)
 *                            fails with the first differing offset and the
 *                            bytes around it.
 *   ISN_NEAR_WRAP...         initial sequence numbers just below 2^32, so
 *                            that a test's arithmetic crosses the wrap.
 *
 * Test code only; header-only so that each suite is one .c file.
 */
#ifndef TCPLAB_TESTS_TESTLIB_H
#define TCPLAB_TESTS_TESTLIB_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The SYN takes the ISN; the first data byte is then ISN + 1. With these,
 * the first byte sits at 0xffffffff and the second wraps to 0. */
#define ISN_NEAR_WRAP 0xfffffffeu
/* The peer's ISN: 16 numbers short of the wrap. */
#define ISN_NEAR_WRAP_PEER 0xfffffff0u

/* Writes main() for a file that holds one suite. */
#define TESTLIB_MAIN(suite_fn)                                                 \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr_ = srunner_create(suite_fn());                     \
		int failed_;                                                   \
		srunner_run_all(sr_, CK_NORMAL);                               \
		failed_ = srunner_ntests_failed(sr_);                          \
		srunner_free(sr_);                                             \
		return failed_ ? 1 : 0;                                        \
	}

/* Adds test function fn to tcase tc (a shorter tcase_add_test). */
#define TESTLIB_ADD(tc, fn) tcase_add_test((tc), fn)

/*
 * Returns the first offset where a[0..alen) and b[0..blen) differ, or -1
 * when they are equal. When one is a prefix of the other, the offset is the
 * shorter length.
 */
static inline long testlib_first_diff(const uint8_t *a, size_t alen,
                                      const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return alen == blen ? -1 : (long)n;
}

/* Writes up to 8 bytes of p[0..len) starting at off as hex into out. */
static inline const char *testlib_hex_at(const uint8_t *p, size_t len,
                                         size_t off, char out[32])
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = off; i < len && i < off + 8; i++)
		o += (size_t)snprintf(out + o, 32 - o, "%02x ", p[i]);
	if (o > 0)
		out[o - 1] = '\0';
	return out;
}

/* Fails the test at the first byte where got and want differ. */
#define EXPECT_BYTES(got, glen, want, wlen)                                    \
	do {                                                                   \
		const uint8_t *g_ = (const uint8_t *)(got);                    \
		const uint8_t *w_ = (const uint8_t *)(want);                   \
		size_t gl_ = (glen), wl_ = (wlen);                             \
		long d_ = testlib_first_diff(g_, gl_, w_, wl_);                \
		char gh_[32], wh_[32];                                         \
		ck_assert_msg(                                                 \
		        d_ < 0,                                                \
		        "bytes differ at offset %ld (lengths %zu, %zu): "      \
		        "got [%s], want [%s]",                                 \
		        d_, gl_, wl_,                                          \
		        testlib_hex_at(g_, gl_, (size_t)(d_ < 0 ? 0 : d_),     \
		                       gh_),                                   \
		        testlib_hex_at(w_, wl_, (size_t)(d_ < 0 ? 0 : d_),     \
		                       wh_));                                  \
	} while (0)

#endif
