/*
 * check_outbuf.c: the IPv6 text of common/outbuf.h.
 *
 * ob_ipv6() must write what RFC 5952 (section 4) asks for, which is what
 * tcpdump prints through inet_ntop(): lowercase hex without leading zeros,
 * "::" for the longest run of two or more zero groups (the first of equal
 * runs), never for a single group, and a dotted quad at the end of the
 * IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d forms. Each
 * address below has its expected text written out from those rules; the
 * C library's inet_ntop() must agree with it, and so must ob_ipv6() on
 * many more addresses made of zero runs and small groups.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "common/outbuf.h"
#include "tests/testlib.h"

/* ob_ipv6() of a into a fresh buffer; returns the text. */
static const char *ob6(const uint8_t *a, char *buf, size_t cap)
{
	struct outbuf ob;

	ob_init(&ob, buf, cap);
	ob_ipv6(&ob, a);
	ck_assert_int_ge(ob_finish(&ob, buf), 0);
	return buf;
}

struct case6 {
	uint16_t w[8]; /* the eight groups */
	const char *text;
};

/* The groups in network byte order. */
static void bytes_of(const uint16_t *w, uint8_t *a)
{
	int i;

	for (i = 0; i < 8; i++) {
		a[2 * i] = (uint8_t)(w[i] >> 8);
		a[2 * i + 1] = (uint8_t)w[i];
	}
}

static const struct case6 cases[] = {
        /* 4.1: no leading zeros; 4.3: lowercase. */
        {{0x2001, 0xdb8, 0xa, 0xbc, 0xdef, 0xabcd, 0xe, 0xf},
         "2001:db8:a:bc:def:abcd:e:f"},
        {{0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff},
         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
        /* 4.2.1: the run shortened as far as it goes. */
        {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
        {{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
        {{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
        {{0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0}, "2001:db8:100::"},
        /* 4.2.2: a single zero group is written as 0. */
        {{0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
        {{1, 0, 1, 0, 1, 0, 1, 0}, "1:0:1:0:1:0:1:0"},
        {{0, 1, 2, 3, 4, 5, 6, 7}, "0:1:2:3:4:5:6:7"},
        {{1, 2, 3, 4, 5, 6, 7, 0}, "1:2:3:4:5:6:7:0"},
        /* 4.2.3: the longest run, and the first of equal runs. */
        {{0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
        {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {{0, 0, 1, 0, 0, 0, 0, 0}, "0:0:1::"},
        {{0, 0, 1, 1, 0, 0, 1, 1}, "::1:1:0:0:1:1"},
        {{0, 1, 0, 0, 0, 0, 0, 0}, "0:1::"},
        {{0xfe80, 0, 0, 0, 0, 0, 1, 2}, "fe80::1:2"},
        {{0xff02, 0, 0, 0, 0, 1, 0xff00, 5}, "ff02::1:ff00:5"},
        /* 5: the IPv4-mapped address ends in a dotted quad. */
        {{0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201}, "::ffff:192.0.2.1"},
        {{0, 0, 0, 0, 0, 0xffff, 0, 0}, "::ffff:0.0.0.0"},
        {{0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff}, "::ffff:255.255.255.255"},
        /* The IPv4-compatible form (RFC 4291, 2.5.5.1), as inet_ntop()
         * writes it; ::1 and :: are not written so. */
        {{0, 0, 0, 0, 0, 0, 0xc000, 0x201}, "::192.0.2.1"},
        {{0, 0, 0, 0, 0, 0, 1, 0}, "::0.1.0.0"},
        /* Look-alikes that are neither: other words before the address. */
        {{0, 0, 0, 0, 0xffff, 0, 0xc000, 0x201}, "::ffff:0:c000:201"},
        {{0, 0, 0, 0, 1, 0xffff, 0xc000, 0x201}, "::1:ffff:c000:201"},
        {{0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x201}, "64:ff9b::c000:201"},
        {{0, 0, 0, 0, 0, 1, 0xc000, 0x201}, "::1:c000:201"},
};

START_TEST(test_ob_ipv6_rfc5952)
{
	char buf[64], lib[INET6_ADDRSTRLEN];
	uint8_t a[16];

	bytes_of(cases[_i].w, a);
	ck_assert_str_eq(ob6(a, buf, sizeof buf), cases[_i].text);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, lib, sizeof lib));
	ck_assert_str_eq(lib, cases[_i].text);
}
END_TEST

/*
 * Every address whose groups are each 0, 1 or 0xffff, in the last two
 * groups also 0xc000 or 0x201 (so that the dotted forms come up), against
 * inet_ntop(): 3^6 * 5^2 = 18225 addresses, every pattern of zero runs.
 */
START_TEST(test_ob_ipv6_like_inet_ntop)
{
	static const uint16_t head[3] = {0, 1, 0xffff};
	static const uint16_t tail[5] = {0, 1, 0xffff, 0xc000, 0x201};
	char buf[64], lib[INET6_ADDRSTRLEN];
	uint16_t w[8];
	uint8_t a[16];
	unsigned n, k, i, count = 0;

	for (n = 0; n < 729 * 25; n++) {
		k = n;
		for (i = 0; i < 6; i++, k /= 3)
			w[i] = head[k % 3];
		w[6] = tail[k % 5];
		w[7] = tail[k / 5 % 5];
		bytes_of(w, a);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, lib, sizeof lib));
		ck_assert_msg(strcmp(ob6(a, buf, sizeof buf), lib) == 0,
		              "ob_ipv6 wrote %s, inet_ntop %s", buf, lib);
		count++;
	}
	ck_assert_uint_eq(count, 18225);
}
END_TEST

/* The longest text fits exactly; one byte less, and the buffer is full
 * and says so. */
START_TEST(test_ob_ipv6_room)
{
	static const uint16_t w[8] = {0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff};
	static const char want[] = "::ffff:255.255.255.255";
	char buf[64];
	struct outbuf ob;
	uint8_t a[16];

	bytes_of(w, a);
	ck_assert_str_eq(ob6(a, buf, sizeof want), want);
	ob_init(&ob, buf, sizeof want - 1);
	ob_ipv6(&ob, a);
	ck_assert_int_eq(ob_finish(&ob, buf), -1);
	ck_assert_uint_lt(strlen(buf), sizeof want - 1);
}
END_TEST

static Suite *outbuf_suite(void)
{
	Suite *s = suite_create("outbuf");
	TCase *tc = tcase_create("ipv6");

	tcase_add_loop_test(tc, test_ob_ipv6_rfc5952, 0,
	                    (int)(sizeof cases / sizeof cases[0]));
	TESTLIB_ADD(tc, test_ob_ipv6_like_inet_ntop);
	TESTLIB_ADD(tc, test_ob_ipv6_room);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(outbuf_suite)
