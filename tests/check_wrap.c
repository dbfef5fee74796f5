/*
 * check_wrap.c: tests for the text wrapper (display widths, paragraphs,
 * folding tcpdump's lines and unfolding them).
 *
 * Widths are checked on ASCII, Chinese, Korean, Japanese, fullwidth forms,
 * combining marks and invalid bytes. Wrapped paragraphs are checked at
 * every width from 1 to 100: no line wider than the width unless one
 * character alone is, prefixes in place, no UTF-8 sequence split, no word
 * lost. Folding is checked on every line of every trace in tests/data at
 * every width from 40 to 200: it must fit and unfold back, line by line
 * and as a whole file.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wrap.h"
#include "tests/testlib.h"

#define BUFSZ 65536

static char out[BUFSZ];
static char back[BUFSZ];

static size_t cols_of(const char *s)
{
	return wrap_cols(s, strlen(s));
}

/* Whether s[0..len) is valid UTF-8 from end to end. */
static bool valid_utf8(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c;
		size_t n = wrap_next(s + i, len - i, &c);

		/* wrap_next takes one byte for an invalid sequence. */
		if (n == 1 && (unsigned char)s[i] >= 0x80)
			return false;
		i += n;
	}
	return true;
}

START_TEST(test_cols_ascii)
{
	ck_assert_uint_eq(cols_of(""), 0);
	ck_assert_uint_eq(cols_of("hello"), 5);
	ck_assert_uint_eq(cols_of("Flags [S.], seq 1"), 17);
	/* Controls move no column forward. */
	ck_assert_uint_eq(cols_of("a\tb\nc\x1b"), 3);
	ck_assert_uint_eq(cols_of("\x7f"), 0);
}
END_TEST

START_TEST(test_cols_chinese)
{
	ck_assert_uint_eq(cols_of("三次握手"), 8);
	ck_assert_uint_eq(cols_of("TCP 三次握手"), 12);
	ck_assert_uint_eq(cols_of("四次挥手：FIN、ACK。"), 20);
	ck_assert_uint_eq(cols_of("한국어"), 6);
	ck_assert_uint_eq(cols_of("カタカナ ひらがな"), 17);
	ck_assert_uint_eq(cols_of("ＡＢＣ"), 6);
	ck_assert_uint_eq(cols_of("\xf0\xa0\x80\x80"), 2); /* U+20000 */
	ck_assert_uint_eq(cols_of("\xf0\x9f\x98\x80"), 2); /* an emoji */
	/* Narrow non-ASCII: Latin, Greek, Cyrillic, box drawing, arrows. */
	ck_assert_uint_eq(cols_of("é α ж ─│ →"), 10);
}
END_TEST

START_TEST(test_cols_zero_width)
{
	ck_assert_uint_eq(cols_of("e\xcc\x81"), 1); /* e + acute */
	ck_assert_uint_eq(cols_of("a\xe2\x80\x8b"
	                          "b"),
	                  2);                            /* ZWSP */
	ck_assert_uint_eq(cols_of("\xef\xbb\xbfx"), 1);  /* BOM */
	ck_assert_uint_eq(cols_of("か\xe3\x82\x99"), 2); /* voiced mark */
	ck_assert_uint_eq(cols_of("\xc2\x85"), 0);       /* C1 NEL */
}
END_TEST

START_TEST(test_cols_invalid_bytes)
{
	ck_assert_uint_eq(cols_of("\xff\xfe"), 2);
	ck_assert_uint_eq(cols_of("\xe4\xb8"), 2);         /* cut short */
	ck_assert_uint_eq(cols_of("\xc0\xaf"), 2);         /* overlong */
	ck_assert_uint_eq(cols_of("\xe0\x80\xaf"), 3);     /* overlong */
	ck_assert_uint_eq(cols_of("\xed\xa0\x80"), 3);     /* surrogate */
	ck_assert_uint_eq(cols_of("\xf4\x90\x80\x80"), 4); /* > U+10FFFF */
	ck_assert_uint_eq(cols_of("\x80"
	                          "a"),
	                  2); /* stray */
	ck_assert_uint_eq(cols_of("\xe4\xb8"
	                          "a三"),
	                  5); /* then valid */
	/* A length that stops inside a character counts its bytes. */
	ck_assert_uint_eq(wrap_cols("三", 2), 2);
}
END_TEST

START_TEST(test_next_lengths)
{
	unsigned c = 9;

	ck_assert_uint_eq(wrap_next("", 0, &c), 0);
	ck_assert_uint_eq(c, 0);
	ck_assert_uint_eq(wrap_next("三x", 4, &c), 3);
	ck_assert_uint_eq(c, 2);
	ck_assert_uint_eq(wrap_next("\xff", 1, &c), 1);
	ck_assert_uint_eq(c, 1);
}
END_TEST

START_TEST(test_para_golden)
{
	int n = wrap_para("the quick brown fox jumps", 25, "  - ", "    ", 14,
	                  out, sizeof out);

	ck_assert_int_eq(n, (int)strlen(out));
	ck_assert_str_eq(out, "  - the quick\n    brown fox\n    jumps\n");
	/* Spaces, tabs and newlines in the text are all breaks; runs of them
	 * at a break are dropped. */
	wrap_para("  one\ttwo\nthree   four  ", 24, "", "", 9, out, sizeof out);
	ck_assert_str_eq(out, "one two\nthree\nfour\n");
	/* No wrapping: one line. */
	wrap_para("a b c", 5, "> ", "  ", 0, out, sizeof out);
	ck_assert_str_eq(out, "> a b c\n");
	/* An empty paragraph writes nothing. */
	ck_assert_int_eq(wrap_para("   ", 3, "x", "y", 10, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_para_long_word_cut)
{
	wrap_para("abcdefghijklmnop q", 18, "", "", 5, out, sizeof out);
	ck_assert_str_eq(out, "abcde\nfghij\nklmno\np q\n");
	/* A prefix as wide as the line still lets one character through. */
	wrap_para("abc", 3, "12345", "12345", 5, out, sizeof out);
	ck_assert_str_eq(out, "12345a\n12345b\n12345c\n");
	/* A wide character never splits, even when it is too wide. */
	wrap_para("三次", 6, "", "", 1, out, sizeof out);
	ck_assert_str_eq(out, "三\n次\n");
}
END_TEST

START_TEST(test_para_chinese_breaks_between_characters)
{
	wrap_para("三次握手和四次挥手", 27, "", "", 8, out, sizeof out);
	ck_assert_str_eq(out, "三次握手\n和四次挥\n手\n");
	/* Closing punctuation stays with the character before it. */
	wrap_para("握手。挥手", 15, "", "", 5, out, sizeof out);
	ck_assert_str_eq(out, "握\n手。\n挥手\n");
	/* A line may also end between a wide and a narrow character, but
	 * not between two narrow ones, nor before closing punctuation. */
	wrap_para("握手TCP", 9, "", "", 5, out, sizeof out);
	ck_assert_str_eq(out, "握手\nTCP\n");
	wrap_para("进入SYN状态。", 18, "", "", 7, out, sizeof out);
	ck_assert_str_eq(out, "进入SYN\n状态。\n");
	wrap_para("握手.TCP", 10, "", "", 4, out, sizeof out);
	ck_assert_str_eq(out, "握\n手.T\nCP\n");
	/* Opening punctuation stays with the character after it. */
	wrap_para("状态（推断）", 18, "", "", 6, out, sizeof out);
	ck_assert_str_eq(out, "状态\n（推\n断）\n");
	wrap_para("状态(推断)", 14, "", "", 6, out, sizeof out);
	ck_assert_str_eq(out, "状态\n(推断)\n");
}
END_TEST

static const char *english =
        "tcplab-client makes every segment by hand; tcplab-server answers "
        "by hand too; a real tcpdump watches on the server's side. The "
        "client stops before each segment it sends: read the segment and "
        "its arithmetic, then press Enter to send it. "
        "Access-Control-Request-Headers is a long word.";

static const char *chinese =
        "客户端发送SYN报文，进入SYN-SENT状态；服务器收到后回复SYN+ACK，"
        "进入SYN-RECEIVED状态。客户端再发送ACK，双方进入ESTABLISHED状态，"
        "三次握手完成。これは日本語です。한국어 문장도 있습니다.";

/* Checks one wrapped paragraph: every line starts with its prefix, fits
 * (or is one character that alone is too wide), is valid UTF-8, and the
 * words come back in order. */
static void check_para(const char *text, const char *first, const char *hang,
                       unsigned cols)
{
	int n = wrap_para(text, strlen(text), first, hang, cols, out,
	                  sizeof out);
	char joined[BUFSZ] = "";
	char want[BUFSZ];
	size_t jl = 0, wl = 0;
	const char *line = out;
	bool firstline = true;

	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(n, (int)strlen(out));
	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *pre = firstline ? first : hang;
		size_t len, plen = strlen(pre);

		ck_assert_ptr_nonnull(nl);
		len = (size_t)(nl - line);
		ck_assert_msg(strncmp(line, pre, plen) == 0,
		              "line without its prefix at %u: %.*s", cols,
		              (int)len, line);
		ck_assert_msg(valid_utf8(line, len), "split UTF-8 at %u", cols);
		if (wrap_cols(line, len) > cols) {
			unsigned c;
			size_t k = wrap_next(line + plen, len - plen, &c);

			ck_assert_msg(plen + k == len,
			              "line of %zu columns at %u: %.*s",
			              wrap_cols(line, len), cols, (int)len,
			              line);
		}
		/* Words come back joined without spaces. */
		for (size_t i = plen; i < len; i++)
			if (line[i] != ' ')
				joined[jl++] = line[i];
		firstline = false;
		line = nl + 1;
	}
	joined[jl] = '\0';
	for (const char *p = text; *p; p++)
		if (*p != ' ')
			want[wl++] = *p;
	want[wl] = '\0';
	ck_assert_str_eq(joined, want);
}

START_TEST(test_para_every_width)
{
	for (unsigned cols = 1; cols <= 100; cols++) {
		check_para(english, "", "", cols);
		check_para(english, "  ok: ", "      ", cols);
		check_para(chinese, "", "", cols);
		check_para(chinese, "  1. ", "     ", cols);
		check_para(chinese, "  问题：", "        ", cols);
	}
}
END_TEST

START_TEST(test_para_no_room)
{
	char small[16];

	ck_assert_int_eq(wrap_para(english, strlen(english), "", "", 20, small,
	                           sizeof small),
	                 TCPLAB_ENOSPC);
	ck_assert_int_eq(wrap_para("abc", 3, "", "", 20, small, 4),
	                 TCPLAB_ENOSPC);
	ck_assert_int_eq(wrap_para("abc", 3, "", "", 20, small, 5), 4);
}
END_TEST

static const char *syn =
        "    192.168.101.25.48287 > 192.168.101.5.8080: Flags [S], cksum "
        "0xcb6a (correct), seq 644453560, win 64240, options [mss "
        "1460,sackOK,TS val 3759128272 ecr 0,nop,wscale 10], length 0";

START_TEST(test_fold_golden)
{
	int n = wrap_fold(syn, strlen(syn), 80, out, sizeof out);

	ck_assert_int_eq(n, (int)strlen(out));
	ck_assert_str_eq(out,
	                 "    192.168.101.25.48287 > 192.168.101.5.8080: Flags "
	                 "[S],\n"
	                 "        cksum 0xcb6a (correct), seq 644453560, win "
	                 "64240,\n"
	                 "        options [mss 1460,sackOK,TS val 3759128272 "
	                 "ecr 0,nop,wscale 10],\n"
	                 "        length 0\n");
}
END_TEST

START_TEST(test_fold_fits_unchanged)
{
	const char *s = "IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF])";

	ck_assert_int_eq(wrap_fold(s, strlen(s), 80, out, sizeof out),
	                 (int)strlen(s) + 1);
	ck_assert_str_eq(out, "IP (tos 0x0, ttl 64, id 0, offset 0, flags "
	                      "[DF])\n");
	/* Exactly as wide as the terminal still fits; a trailing newline is
	 * ignored; cols 0 never folds. */
	wrap_fold("abcde\n", 6, 5, out, sizeof out);
	ck_assert_str_eq(out, "abcde\n");
	wrap_fold(syn, strlen(syn), 0, out, sizeof out);
	ck_assert_uint_eq(strlen(out), strlen(syn) + 1);
}
END_TEST

START_TEST(test_fold_prefers_commas_then_spaces_then_cuts)
{
	wrap_fold("aaaa bbbb, cccc dddd eeee", 25, 20, out, sizeof out);
	ck_assert_str_eq(out, "aaaa bbbb,\n        cccc dddd\n        eeee\n");
	wrap_fold("aaaa bbbb cccc dddd eeee", 24, 20, out, sizeof out);
	ck_assert_str_eq(out, "aaaa bbbb cccc dddd\n        eeee\n");
	wrap_fold("abcdefghijklmnopqrstuvwxyz", 26, 20, out, sizeof out);
	ck_assert_str_eq(out, "abcdefghijklmnopqrst\n        uvwxyz\n");
	wrap_fold("    abcdefghij klmnopqrstu", 26, 20, out, sizeof out);
	ck_assert_str_eq(out, "    abcdefghij\n        klmnopqrstu\n");
	/* The line's own indent is no place to break. */
	wrap_fold("    abcdefghijklmnopqrstu", 25, 20, out, sizeof out);
	ck_assert_str_eq(out, "    abcdefghijklmnop\n        qrstu\n");
	/* A continuation that starts with spaces may break among them. */
	wrap_fold("aaaaaaaaaaaaaaaaaa b  cccccccccccc", 34, 20, out,
	          sizeof out);
	ck_assert_str_eq(out, "aaaaaaaaaaaaaaaaaa b\n        \n"
	                      "        cccccccccccc\n");
}
END_TEST

START_TEST(test_fold_wide_and_tabs)
{
	/* A tab at column 0 takes 8 columns. */
	wrap_fold("\tGET /x HTTP/1.1", 16, 16, out, sizeof out);
	ck_assert_str_eq(out, "\tGET /x\n        HTTP/1.1\n");
	/* Wide characters are cut whole. */
	wrap_fold("三次握手三次握手三次", 30, 15, out, sizeof out);
	ck_assert_str_eq(out, "三次握手三次握\n        手三次\n");
	ck_assert_msg(valid_utf8(out, strlen(out)), "split UTF-8");
}
END_TEST

START_TEST(test_unfold_joins_eight_spaces)
{
	const char *t = "a\n        b\n       c\n        \nd\n";

	ck_assert_int_eq(wrap_unfold(t, strlen(t), back, sizeof back), 16);
	ck_assert_str_eq(back, "a b\n       c \nd\n");
	/* The first line is never joined. */
	wrap_unfold("        x\n        y", 19, back, sizeof back);
	ck_assert_str_eq(back, "        x y");
	/* Nine spaces leave one. */
	wrap_unfold("a\n         b", 12, back, sizeof back);
	ck_assert_str_eq(back, "a  b");
	ck_assert_int_eq(wrap_unfold("abc", 3, back, 3), TCPLAB_ENOSPC);
}
END_TEST

START_TEST(test_fold_cut_does_not_round_trip)
{
	/* A word wider than cols - 8 must be cut, and a cut joins back with
	 * a space: the limit the header documents. */
	const char *s = "one two three 2001:db8:1234:5678:9abc:def0:1234:"
	                "5678.8080 four five";

	/* The address and port take 43 columns. */
	wrap_fold(s, strlen(s), 50, out, sizeof out);
	wrap_unfold(out, strlen(out) - 1, back, sizeof back);
	ck_assert_str_ne(back, s);
	wrap_fold(s, strlen(s), 51, out, sizeof out);
	wrap_unfold(out, strlen(out) - 1, back, sizeof back);
	ck_assert_str_eq(back, s);
}
END_TEST

/* Reads the file at path into a malloc'd string. */
static char *read_data(const char *path, size_t *len)
{
	FILE *f;
	char *text;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	text = malloc(BUFSZ);
	ck_assert_ptr_nonnull(text);
	*len = fread(text, 1, BUFSZ - 1, f);
	text[*len] = '\0';
	fclose(f);
	ck_assert_uint_gt(*len, 0);
	return text;
}

/* Folds every line of a trace at cols: each piece fits, continuations
 * start with exactly 8 spaces and then a word, each line unfolds back,
 * and so does the whole folded file. */
static void round_trip_file(const char *name, unsigned cols)
{
	size_t len, folded = 0;
	char *text = read_data(name, &len);
	char *all = malloc(BUFSZ * 4);
	const char *line = text;

	ck_assert_ptr_nonnull(all);
	while (line < text + len) {
		const char *nl =
		        memchr(line, '\n', (size_t)(text + len - line));
		size_t ll =
		        nl ? (size_t)(nl - line) : (size_t)(text + len - line);
		int n = wrap_fold(line, ll, cols, out, sizeof out);

		ck_assert_int_gt(n, 0);
		for (const char *p = out; *p;) {
			const char *e = strchr(p, '\n');

			ck_assert_msg(wrap_cols(p, (size_t)(e - p)) <= cols ||
			                      (*p == '\t'),
			              "%s at %u: piece too wide: %.*s", name,
			              cols, (int)(e - p), p);
			if (p != out)
				ck_assert_msg(strncmp(p, "        ", 8) == 0,
				              "%s at %u: continuation: %.*s",
				              name, cols, (int)(e - p), p);
			p = e + 1;
		}
		wrap_unfold(out, (size_t)n - 1, back, sizeof back);
		ck_assert_msg(strlen(back) == ll && memcmp(back, line, ll) == 0,
		              "%s at %u: %.*s\ncame back as\n%s", name, cols,
		              (int)ll, line, back);
		memcpy(all + folded, out, (size_t)n);
		folded += (size_t)n;
		line += ll + 1;
	}
	ck_assert_int_ge(wrap_unfold(all, folded, all, BUFSZ * 4), 0);
	ck_assert_msg(strcmp(all, text) == 0, "%s at %u: the file changed",
	              name, cols);
	free(all);
	free(text);
}

START_TEST(test_fold_round_trip_traces)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	glob_t g;

	snprintf(pattern, sizeof pattern, "%s/tests/data/*.txt",
	         top ? top : ".");
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	/* The article's traces, the seed trace and wget's, with -X too. */
	ck_assert_uint_ge(g.gl_pathc, 5);
	for (size_t f = 0; f < g.gl_pathc; f++)
		for (unsigned cols = 40; cols <= 200; cols++)
			round_trip_file(g.gl_pathv[f], cols);
	globfree(&g);
}
END_TEST

START_TEST(test_hang)
{
	static const struct {
		const char *line;
		size_t hang;
	} cases[] = {
	        {"Goal: see the three segments", 0},
	        {"  - the SYN (Flags [S]): the client's", 4},
	        {"- a mark at the margin", 2},
	        {"  1. Why does the SYN-ACK", 5},
	        {"  12) twelve", 6},
	        {"  | seq 644453560 is", 4},
	        {"    because a SYN uses up", 4},
	        {"  up                 create the two hosts", 21},
	        {"      --auto         no pauses or questions", 21},
	        {"  run LAB            run one lab", 21},
	        {"  --client-ns NAME --server-ns NAME   namespaces", 38},
	        {"  a  b: a gap after the first word", 5},
	        {"x                                          far", 0},
	        {"  -notamark", 2},
	        {"  问题  答案", 8},
	        {"", 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(wrap_hang(cases[i].line, strlen(cases[i].line)) ==
		                      cases[i].hang,
		              "hang of '%s': %zu, not %zu", cases[i].line,
		              wrap_hang(cases[i].line, strlen(cases[i].line)),
		              cases[i].hang);
}
END_TEST

START_TEST(test_cut)
{
	static const struct {
		const char *s;
		size_t cols, len, width;
	} cases[] = {
	        {"Ana Li", 10, 6, 6},
	        {"Ana Li", 3, 3, 3},
	        {"Ana Li", 0, 0, 0},
	        {"李安娜", 5, 6, 4}, /* a wide character never half */
	        {"李安娜", 6, 9, 6},
	        {"a李b", 2, 1, 1},
	        {"e\xcc\x81x", 1, 3, 1}, /* a combining mark stays */
	        {"", 4, 0, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t w = 99, n = wrap_cut(cases[i].s, strlen(cases[i].s),
		                            cases[i].cols, &w);

		ck_assert_msg(n == cases[i].len && w == cases[i].width,
		              "cut of '%s' to %zu: %zu bytes, %zu columns",
		              cases[i].s, cases[i].cols, n, w);
	}
}
END_TEST

static Suite *wrap_suite(void)
{
	Suite *s = suite_create("wrap");
	TCase *tc = tcase_create("wrap");

	tcase_set_timeout(tc, 60);
	TESTLIB_ADD(tc, test_cols_ascii);
	TESTLIB_ADD(tc, test_cols_chinese);
	TESTLIB_ADD(tc, test_cols_zero_width);
	TESTLIB_ADD(tc, test_cols_invalid_bytes);
	TESTLIB_ADD(tc, test_next_lengths);
	TESTLIB_ADD(tc, test_para_golden);
	TESTLIB_ADD(tc, test_para_long_word_cut);
	TESTLIB_ADD(tc, test_para_chinese_breaks_between_characters);
	TESTLIB_ADD(tc, test_para_every_width);
	TESTLIB_ADD(tc, test_para_no_room);
	TESTLIB_ADD(tc, test_fold_golden);
	TESTLIB_ADD(tc, test_fold_fits_unchanged);
	TESTLIB_ADD(tc, test_fold_prefers_commas_then_spaces_then_cuts);
	TESTLIB_ADD(tc, test_fold_wide_and_tabs);
	TESTLIB_ADD(tc, test_unfold_joins_eight_spaces);
	TESTLIB_ADD(tc, test_fold_cut_does_not_round_trip);
	TESTLIB_ADD(tc, test_fold_round_trip_traces);
	TESTLIB_ADD(tc, test_hang);
	TESTLIB_ADD(tc, test_cut);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(wrap_suite)
