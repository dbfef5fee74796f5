/*
 * check_opt.c: common/opt, the command-line pieces the programs share.
 *
 * tcpdump's flags are applied with tcpdump 4.99's limits (it refuses
 * -tttttt: "only -t, -tt, -ttt, -tttt and -ttttt are supported"; -vvv
 * and -nnn it takes, and prints TCP as with -vv and -nn, DNS with its
 * TTLs at -vvv). Numbers must be whole decimal numbers within bounds. The messages about getopt's
 * complaints are checked on what the real getopt_long leaves for real
 * command lines.
 */
#include <getopt.h>
#include <string.h>

#include "common/err.h"
#include "common/opt.h"
#include "tests/testlib.h"

/* tcplab-client's and tcplab-server's defaults: -vv -nn. */
static const struct tcpdump_flags vv_nn = {.v = 2, .n = 2};

/* The flags after applying each letter of s to defaults d. */
static struct tcpdump_flags apply(const struct tcpdump_flags *d, const char *s)
{
	struct opt_tcpdump o;

	opt_tcpdump_init(&o, d);
	for (; *s != '\0'; s++)
		ck_assert_int_eq(opt_tcpdump_flag(&o, *s), 0);
	return o.f;
}

#define EXPECT_FLAGS(f, v_, n_, S_, t_)                                        \
	do {                                                                   \
		ck_assert_int_eq((f).v, (v_));                                 \
		ck_assert_int_eq((f).n, (n_));                                 \
		ck_assert_int_eq((f).S, (S_));                                 \
		ck_assert_int_eq((f).t, (t_));                                 \
	} while (0)

START_TEST(test_tcpdump_defaults_replaced)
{
	EXPECT_FLAGS(apply(&vv_nn, ""), 2, 2, false, 0);
	/* The first -v replaces the default -vv; the next adds. */
	EXPECT_FLAGS(apply(&vv_nn, "v"), 1, 2, false, 0);
	EXPECT_FLAGS(apply(&vv_nn, "vv"), 2, 2, false, 0);
	EXPECT_FLAGS(apply(&vv_nn, "n"), 2, 1, false, 0);
	EXPECT_FLAGS(apply(&vv_nn, "nvS"), 1, 1, true, 0);
	EXPECT_FLAGS(apply(&vv_nn, "tt"), 2, 2, false, 2);
}
END_TEST

START_TEST(test_tcpdump_limits)
{
	/* -vvv is kept (DNS shows TTLs there), more prints as -vvv; -nnn
	 * prints as -nn. */
	EXPECT_FLAGS(apply(NULL, "vv"), 2, 0, false, 0);
	EXPECT_FLAGS(apply(NULL, "vvv"), 3, 0, false, 0);
	EXPECT_FLAGS(apply(NULL, "vvvvvv"), 3, 0, false, 0);
	EXPECT_FLAGS(apply(NULL, "nnn"), 0, 2, false, 0);
	EXPECT_FLAGS(apply(NULL, "SS"), 0, 0, true, 0);
	EXPECT_FLAGS(apply(NULL, "t"), 0, 0, false, 1);
	EXPECT_FLAGS(apply(NULL, "ttttt"), 0, 0, false, 5);
	EXPECT_FLAGS(apply(NULL, "vntSt"), 1, 1, true, 2);
}
END_TEST

START_TEST(test_tcpdump_sixth_t_refused)
{
	struct opt_tcpdump o;
	int i;

	opt_tcpdump_init(&o, &vv_nn);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(opt_tcpdump_flag(&o, 't'), 0);
	ck_assert_int_eq(opt_tcpdump_flag(&o, 't'), TCPLAB_ERANGE);
	ck_assert_int_eq(o.f.t, 5);
	ck_assert_str_eq(opt_tcpdump_error(TCPLAB_ERANGE),
	                 "only -t, -tt, -ttt, -tttt and -ttttt are supported");
	ck_assert_int_eq(opt_tcpdump_flag(&o, 'x'), TCPLAB_EINVAL);
	ck_assert_int_eq(opt_tcpdump_flag(&o, 'e'), TCPLAB_EINVAL);
	EXPECT_FLAGS(o.f, 2, 2, false, 5);
	ck_assert_ptr_nonnull(strchr(OPT_TCPDUMP_LETTERS, 'S'));
}
END_TEST

/* opt_number's verdict on s in [lo, hi]; the value goes to *v. */
static int num(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
	*v = 12345;
	return opt_number(s, lo, hi, v);
}

START_TEST(test_number_good)
{
	int64_t v;

	ck_assert_int_eq(num("0", 0, 3600, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(num("3600", 0, 3600, &v), 0);
	ck_assert_int_eq(v, 3600);
	ck_assert_int_eq(num("007", 0, 3600, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(num("4294967295", 0, UINT32_MAX, &v), 0);
	ck_assert_int_eq(v, UINT32_MAX);
	ck_assert_int_eq(num("-5", -10, 10, &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(num("9223372036854775807", INT64_MIN, INT64_MAX, &v),
	                 0);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(num("-9223372036854775808", INT64_MIN, INT64_MAX, &v),
	                 0);
	ck_assert(v == INT64_MIN);
}
END_TEST

START_TEST(test_number_bad)
{
	static const char *junk[] = {"",
	                             "x",
	                             "12x",
	                             " 5",
	                             "5 ",
	                             "+5",
	                             "0x10",
	                             "1e3",
	                             "-",
	                             "--1",
	                             "1.5",
	                             "1,5",
	                             "\xd9\xa1",
	                             "\t7",
	                             "7\n",
	                             "9223372036854775808",
	                             "-9223372036854775809",
	                             "99999999999999999999999"};
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		ck_assert_msg(num(junk[i], INT64_MIN, INT64_MAX, &v) ==
		                      TCPLAB_EINVAL,
		              "'%s' taken", junk[i]);
	ck_assert_int_eq(num("3601", 0, 3600, &v), TCPLAB_ERANGE);
	ck_assert_int_eq(num("-1", 0, 3600, &v), TCPLAB_ERANGE);
	ck_assert_int_eq(num("0", 1, 65535, &v), TCPLAB_ERANGE);
	ck_assert_int_eq(num("65536", 1, 65535, &v), TCPLAB_ERANGE);
	ck_assert_int_eq(num("4294967296", 0, UINT32_MAX, &v), TCPLAB_ERANGE);
}
END_TEST

START_TEST(test_number_msg)
{
	char buf[128];
	int n;

	n = opt_number_msg(NULL, buf, sizeof buf, "--time-wait", "x", 0, 3600);
	ck_assert_str_eq(buf, "bad value 'x' for --time-wait: give a number "
	                      "from 0 to 3600");
	ck_assert_int_eq(n, (int)strlen(buf));
	opt_number_msg(NULL, buf, sizeof buf, "--isn", "-1", 0, UINT32_MAX);
	ck_assert_str_eq(buf, "bad value '-1' for --isn: give a number from 0 "
	                      "to 4294967295");
	/* Cut short, but still a string. */
	ck_assert_int_eq(opt_number_msg(NULL, buf, 10, "--port", "0", 1, 65535),
	                 TCPLAB_ENOSPC);
	ck_assert_str_eq(buf, "bad value");
}
END_TEST

enum { O_DROP = 300, O_DROP_IN, O_STEP };

static const struct option longopts[] = {
        {"drop", required_argument, NULL, O_DROP},
        {"drop-in", required_argument, NULL, O_DROP_IN},
        {"step", no_argument, NULL, O_STEP},
        {"quiet", no_argument, NULL, 'q'},
        {"output", required_argument, NULL, 'O'},
        {"output-document", required_argument, NULL, 'O'},
        {NULL, 0, NULL, 0},
};

/*
 * Runs the real getopt_long on the command line (NULL-terminated, after
 * the program's name) until its first complaint, and returns the message
 * for it.
 */
static const char *complaint(const char *const *args)
{
	static char buf[256];
	char *argv[16];
	struct opt_getopt g;
	int argc = 1, c;

	argv[0] = (char *)"tcplab-client";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	optind = 0; /* glibc: start over, with every internal state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qnO:", longopts, NULL)) != -1)
		if (c == '?' || c == ':')
			break;
	ck_assert_msg(c == '?' || c == ':', "getopt_long had no complaint");
	g.c = c;
	g.optopt = optopt;
	g.word = optind > 0 ? argv[optind - 1] : NULL;
	ck_assert_int_gt(
	        opt_getopt_msg(NULL, buf, sizeof buf, "tcplab-client", longopts, &g),
	        0);
	return buf;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(test_getopt_unknown)
{
	ck_assert_str_eq(complaint(ARGS("--atuo", "http://x/")),
	                 "unknown option --atuo: see tcplab-client --help");
	ck_assert_str_eq(complaint(ARGS("http://x/", "--atuo=3")),
	                 "unknown option --atuo: see tcplab-client --help");
	ck_assert_str_eq(complaint(ARGS("-X")),
	                 "unknown option -X: see tcplab-client --help");
	/* In a cluster, after a long option, after a URL. */
	ck_assert_str_eq(complaint(ARGS("--step", "-nXn")),
	                 "unknown option -X: see tcplab-client --help");
	ck_assert_str_eq(complaint(ARGS("--quiet", "-nX")),
	                 "unknown option -X: see tcplab-client --help");
	ck_assert_str_eq(complaint(ARGS("http://x/", "-q", "-Z")),
	                 "unknown option -Z: see tcplab-client --help");
}
END_TEST

START_TEST(test_getopt_ambiguous)
{
	ck_assert_str_eq(complaint(ARGS("--dr", "3")),
	                 "ambiguous option --dr: --drop or --drop-in?");
	/* Two names of one option are no ambiguity: --out is -O. */
	ck_assert_str_eq(complaint(ARGS("--out")),
	                 "option --output needs an argument");
}
END_TEST

START_TEST(test_getopt_argument)
{
	ck_assert_str_eq(complaint(ARGS("http://x/", "--drop")),
	                 "option --drop needs an argument");
	ck_assert_str_eq(complaint(ARGS("--drop-i")),
	                 "option --drop-in needs an argument");
	ck_assert_str_eq(complaint(ARGS("-O")), "option -O needs an argument");
	ck_assert_str_eq(complaint(ARGS("-nO")), "option -O needs an argument");
	ck_assert_str_eq(complaint(ARGS("--quiet=3")),
	                 "option --quiet takes no argument");
	ck_assert_str_eq(complaint(ARGS("--step=yes")),
	                 "option --step takes no argument");
}
END_TEST

START_TEST(test_getopt_msg_cut)
{
	struct opt_getopt g = {'?', 0, "--atuo"};
	char buf[12];

	ck_assert_int_eq(
	        opt_getopt_msg(NULL, buf, sizeof buf, "tcplab-client", longopts, &g),
	        TCPLAB_ENOSPC);
	ck_assert_str_eq(buf, "unknown opt");
}
END_TEST

static Suite *opt_suite(void)
{
	Suite *s = suite_create("opt");
	TCase *tc = tcase_create("tcpdump");

	TESTLIB_ADD(tc, test_tcpdump_defaults_replaced);
	TESTLIB_ADD(tc, test_tcpdump_limits);
	TESTLIB_ADD(tc, test_tcpdump_sixth_t_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("number");
	TESTLIB_ADD(tc, test_number_good);
	TESTLIB_ADD(tc, test_number_bad);
	TESTLIB_ADD(tc, test_number_msg);
	suite_add_tcase(s, tc);
	tc = tcase_create("getopt");
	TESTLIB_ADD(tc, test_getopt_unknown);
	TESTLIB_ADD(tc, test_getopt_ambiguous);
	TESTLIB_ADD(tc, test_getopt_argument);
	TESTLIB_ADD(tc, test_getopt_msg_cut);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(opt_suite)
