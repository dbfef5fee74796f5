/*
 * check_scn.c: Check suite for the scenario parser (common/scn*.c).
 *
 * Every error message the parser has is provoked once, and its line,
 * column (in characters) and English text are checked. The man page's
 * examples are read from man/tcplab-scenario.5 itself and must parse.
 * Segment lines survive scn_format_seg() and a second parse unchanged;
 * scn_match() is tried on the article's segments with wildcards, ranges,
 * omitted options and EOL padding; scn_expand() across the 2^32 wrap and
 * with numbers not known yet; scn_answer_ok() with case, blanks, leading
 * zeros and alternatives.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/scn.h"
#include "tests/article.h"
#include "tests/testlib.h"

#ifndef MAN_DIR
#define MAN_DIR "man"
#endif

static int parse(const char *text, struct scn *s, struct scn_error *e)
{
	return scn_parse(text, strlen(text), NULL, s, e);
}

/* Parses text that must be right, and returns it. */
static struct scn parse_ok(const char *text)
{
	struct scn s;
	struct scn_error e;
	int rc = parse(text, &s, &e);

	ck_assert_msg(rc == 0, "%u:%u: %s\n---\n%s", e.line, e.col, e.msg,
	              text);
	return s;
}

/* One mistake: the text, and where and what the parser must say. */
struct bad {
	const char *text;
	unsigned line, col;
	const char *msg;
};

static const struct bad bads[] = {
        /* Segments. */
        {"foo > S 0:0(0)\n", 1, 1,
         "expected \"client\" or \"server\" before \">\""},
        {"client listen\n> S 0:0(0)\n", 2, 1,
         "expected \"client\" or \"server\" before \">\""},
        {"inject clinet > S 0:0(0)\n", 1, 8,
         "expected \"client\" or \"server\" before \">\""},
        {"inject S 0:0(0)\n", 1, 8,
         "expected a segment: \"client > ...\" or \"server > ...\""},
        {"inject client S 0:0(0)\n", 1, 15, "expected \">\" after \"client\""},
        {"client >\n", 1, 9,
         "expected the flags after \">\": S F R P U E W and ., none or *"},
        {"client > SQ. 0:0(0)\n", 1, 11,
         "unknown flag 'Q': flags are S F R P U E W and ., each may be "
         "followed by ?"},
        {"inject client > P?. 1:2(1) ack 1\n", 1, 18,
         "an injected segment's flags are given: ? is for expectations"},
        {"inject client > . 1:1(0) ack 1 ...\n", 1, 8,
         "\"...\" goes only after a segment expected, not injected, "
         "dropped or delayed"},
        {"client > . 1:1(0) ... ack 1\n", 1, 23,
         "expected the end of the line"},
        /* Translations. */
        {"say hi\nsay.zh_CN 嗨\nsay.zh_CN 你好\n", 3, 1,
         "a second translation into zh_CN"},
        {"say hi\nsay.de a\nsay.fr b\nsay.es c\nsay.it d\nsay.pt e\n", 6,
         1, "at most 4 translations of a text"},
        {"say hi\nsay.z 嗨\n", 2, 5,
         "expected a language after \".\", as in a locale's name: zh_CN"},
        {"say hi\nsay.zh-CN 嗨\n", 2, 5,
         "expected a language after \".\", as in a locale's name: zh_CN"},
        {"say hi\nclient listen\nsay.zh_CN 嗨\n", 3, 1,
         "\"say.zh_CN\" must follow the \"say\" it translates"},
        {"question q?\nanswer a\nquestion.zh_CN 问？\n", 3, 1,
         "\"question.zh_CN\" must follow the \"question\" it translates"},
        {"title t\ntitle.zh_CN\n", 2, 12, "expected a text after \"title\""},
        {"say hi\nsay.zh_CN {client.foo}\n", 2, 11,
         "unknown name {client.foo}: expected {client.isn}, {server.isn}, "
         "{client.port} or {server.port}"},
        {"client > S 0:0\n", 1, 12, "expected START:END(LENGTH) or *"},
        {"client > S\n", 1, 11, "expected START:END(LENGTH) or *"},
        {"client > P. 1:143(10) ack 1\n", 1, 19,
         "the length 10 does not match 1:143 (142)"},
        {"client > . 1:1(0) win 70000\n", 1, 23,
         "the number 70000 is out of range: 0 to 65535"},
        {"client > . 1:1(0) ack 99999999999\n", 1, 23,
         "the number 99999999999 is out of range: 0 to 4294967295"},
        {"client > . 1:1(0) ack\n", 1, 22,
         "expected a value, a range LOW-HIGH or *"},
        {"client > . 600-500:*(*)\n", 1, 12,
         "the range 600-500 is empty: write the low end first"},
        {"client > S 0:0(0) ack 1\n", 1, 19,
         "\"ack\" needs the ACK flag \".\""},
        {"client > . 1:1(0) win 5 ack 1\n", 1, 25,
         "expected ack N, win N, <OPTIONS>, \"PAYLOAD\" or ..., in that "
         "order"},
        {"client > P. 1:2(1) \"a\" x\n", 1, 24, "expected the end of the line"},
        {"client > S 0:0(0) <mss 1460,foo 1>\n", 1, 29,
         "unknown option \"foo\": expected mss, sackOK, TS, nop, wscale, eol "
         "or sack"},
        {"client > S 0:0(0) <mss 1460 nop>\n", 1, 29,
         "expected \",\" or \">\" between the options"},
        {"client > S 0:0(0) <mss 1460\n", 1, 28,
         "expected \",\" or \">\" between the options"},
        {"client > S 0:0(0) <TS val 1 ecn 2>\n", 1, 20,
         "expected TS val N ecr N"},
        {"client > . 1:1(0) <sack>\n", 1, 24,
         "expected a SACK block LEFT:RIGHT"},
        {"client > . 1:1(0) <sack 1:2 3>\n", 1, 29,
         "expected a SACK block LEFT:RIGHT"},
        {"client > . 1:1(0) <sack 1:2 3:4 5:6 7:8 9:10>\n", 1, 41,
         "at most 4 SACK blocks fit in a segment"},
        {"client > . 1:1(0) <nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,"
         "nop,nop>\n",
         1, 68, "more than 12 options"},
        {"client > . 1:1(0) <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,"
         "TS val 1 ecr 2,nop>\n",
         1, 19, "these options take 41 bytes: a TCP header has room for 40"},
        {"client > P. 1:4(3) \"abc\n", 1, 20, "unterminated quoted text"},
        {"client > P. 1:4(3) \"a\\qc\"\n", 1, 22,
         "unknown escape \"\\q\": use \\r \\n \\t \\\\ \\\" or \\xHH"},
        {"client > P. 1:4(3) \"a\\x4\"\n", 1, 22,
         "expected two hex digits after \\x"},
        /* Injections. */
        {"inject client > * 0:0(0)\n", 1, 17,
         "an injected segment needs its flags: * is for expectations"},
        {"inject client > . 1:1(0) win 100-200\n", 1, 30,
         "a range is for expectations: an injected segment needs a value "
         "or *"},
        {"inject client > S 5:5(0)\n", 1, 19,
         "an injected SYN has seq 0: 0:0(0), relative to the ISN it "
         "chooses"},
        {"inject client > P. 1:3(2) ack 1 \"abc\"\n", 1, 24,
         "the length 2 does not match the payload (3 bytes)"},
        {"client - tcplab\nserver - 8080 kernel\nserver listen\n"
         "drop server > S. 0:0(0)\n",
         4, 6,
         "drop and delay hold back tcplab's own segments: the server is "
         "played by kernel"},
        {"client - raw\ndelay 0.5 client > S 0:0(0)\n", 2, 11,
         "drop and delay hold back tcplab's own segments: the client is "
         "played by raw"},
        /* Ends. */
        {"client - raw\nclient connect\n", 2, 8,
         "the client is played by raw: \"connect\" needs a tcplab or "
         "kernel end"},
        {"server listen\nserver window 4096\n", 2, 8,
         "\"window\" sets the receive buffer before the end opens: put it "
         "before its \"listen\" or \"connect\""},
        {"client jump\n", 1, 8,
         "unknown action \"jump\": expected \">\", listen, connect, send, "
         "read, window, close or abort"},
        {"client send\n", 1, 12,
         "expected a number of bytes or \"TEXT\" after \"send\""},
        {"client send 0\n", 1, 13,
         "the number 0 is out of range: 1 to 1073741824"},
        {"client send \"abc\n", 1, 13, "unterminated quoted text"},
        {"client read some\n", 1, 13, "expected a number of bytes, all or off"},
        {"client window big\n", 1, 15, "expected the receive buffer in bytes"},
        {"client listen now\n", 1, 15, "expected the end of the line"},
        /* The header. */
        {"client listen\ntitle late\n", 2, 1,
         "\"title\" belongs to the header, before the first step"},
        {"client listen\nserver 10.0.0.1 80 raw\n", 2, 1,
         "\"server\" belongs to the header, before the first step"},
        {"client 2001:db8::1 tcplab\nserver 10.0.0.1 80 tcplab\n"
         "client listen\n",
         2, 8,
         "the client's address is IPv6 and the server's IPv4: both must "
         "be of one family"},
        {"server - 70000 kernel\n", 1, 10,
         "the port 70000 is out of range: 1 to 65535"},
        {"server - http kernel\n", 1, 10,
         "expected the server's port (1 to 65535) or -"},
        {"client 10.0.0.300 tcplab\n", 1, 8,
         "expected an IPv4 or IPv6 address, or - for the lab's own"},
        {"client - linux\n", 1, 10,
         "unknown player \"linux\": expected tcplab, kernel or raw"},
        {"title a\ntitle b\n", 2, 1, "the header gives \"title\" twice"},
        {"title\n", 1, 6, "expected a text after \"title\""},
        {"timeout 0\n", 1, 9,
         "the time 0 is out of range: 0.001 to 86400 seconds"},
        {"text\nhello\n", 1, 1, "text without \"end\""},
        {"  text\nhello\nend of it\n", 1, 3, "text without \"end\""},
        /* Times. */
        {"+90000 client listen\n", 1, 2,
         "the time 90000 is out of range: 0 to 86400 seconds"},
        {"+0.0000001 client listen\n", 1, 2,
         "the time 0.0000001 is finer than a microsecond"},
        {"+x client listen\n", 1, 2,
         "expected a time in seconds, such as 2, 0.5 or .1"},
        {"wait 1s\n", 1, 6, "expected a time in seconds, such as 2, 0.5 or .1"},
        /* Words. */
        {"frobnicate\n", 1, 1,
         "unknown word \"frobnicate\": expected title, client, server, "
         "timeout, text, or a step: inject, drop, delay, wait, say, "
         "question, predict"},
        {"client listen\nfrobnicate\n", 2, 1,
         "unknown step \"frobnicate\": expected client, server, inject, "
         "drop, delay, wait, say, question, answer, why or predict"},
        {"# nothing\n\n", 2, 1, "the scenario has no step"},
        {"", 1, 1, "the scenario has no step"},
        {"title only a title\n", 1, 1, "the scenario has no step"},
        /* Talking to the student. */
        {"say\n", 1, 4, "expected a text after \"say\""},
        {"say {client.foo} is wrong\n", 1, 5,
         "unknown name {client.foo}: expected {client.isn}, {server.isn}, "
         "{client.port} or {server.port}"},
        {"say 你好 {client.isn+x}\n", 1, 8,
         "unknown name {client.isn+x}: expected {client.isn}, "
         "{server.isn}, {client.port} or {server.port}"},
        {"answer 42\n", 1, 1, "\"answer\" must follow a \"question\""},
        {"client listen\nsay hi\nanswer 42\n", 3, 1,
         "\"answer\" must follow a \"question\""},
        {"question What?\nsay hi\n", 1, 1,
         "\"question\" needs an \"answer\" on the line after it"},
        {"client listen\n  question What?\n", 2, 3,
         "\"question\" needs an \"answer\" on the line after it"},
        {"question What?\n+1 answer 42\n", 2, 4,
         "\"answer\" cannot wait: it belongs to the question above"},
        {"question What?\nanswer 1 || 2\n", 2, 11,
         "an empty answer: write one on each side of \"|\""},
        {"question What?\nanswer {server.isnn}\n", 2, 8,
         "unknown name {server.isnn}: expected {client.isn}, "
         "{server.isn}, {client.port} or {server.port}"},
        {"question What?\nanswer\n", 2, 7, "expected a text after \"answer\""},
        {"say hi\nwhy because\n", 2, 1, "\"why\" must follow an \"answer\""},
        {"predict seq ack\nsay hi\n", 1, 1,
         "\"predict\" needs a segment step after it"},
        {"predict seq seq\n", 1, 13, "\"seq\" is already predicted"},
        {"predict seq rtt\n", 1, 13,
         "unknown field \"rtt\": expected seq, ack, win or len"},
        {"predict\n", 1, 8,
         "expected the fields to predict: seq, ack, win or len"},
        {"predict seq\npredict ack\nclient > S 0:0(0)\n", 2, 1,
         "a second \"predict\" before the segment of the first"},
};

START_TEST(test_errors)
{
	const struct bad *b = &bads[_i];
	struct scn s;
	struct scn_error e;
	int rc = parse(b->text, &s, &e);

	ck_assert_msg(rc == TCPLAB_EINVAL, "accepted:\n%s", b->text);
	ck_assert_str_eq(e.msg, b->msg);
	ck_assert_msg(e.line == b->line && e.col == b->col,
	              "%u:%u instead of %u:%u for:\n%s", e.line, e.col, b->line,
	              b->col, b->text);
	ck_assert_ptr_null(s.step);
}
END_TEST

/* A NUL byte in the text: the text is not a scenario. */
START_TEST(test_error_nul)
{
	static const char text[] = "client listen\nsay a\0b\n";
	struct scn s;
	struct scn_error e;

	ck_assert_int_eq(scn_parse(text, sizeof(text) - 1, NULL, &s, &e),
	                 TCPLAB_EINVAL);
	ck_assert_str_eq(e.msg, "a NUL byte: a scenario is text");
	ck_assert_uint_eq(e.line, 2);
	ck_assert_uint_eq(e.col, 6);
}
END_TEST

/* Messages go through the caller's lookup. */
static const char *shout(void *arg, const char *ctx, const char *msgid)
{
	(void)arg;
	(void)ctx;
	return strcmp(msgid, "the scenario has no step") == 0 ? "NO STEP"
	                                                      : msgid;
}

START_TEST(test_errors_translated)
{
	struct tr tr = {shout, NULL};
	struct scn s;
	struct scn_error e;

	ck_assert_int_eq(scn_parse("", 0, &tr, &s, &e), TCPLAB_EINVAL);
	ck_assert_str_eq(e.msg, "NO STEP");
}
END_TEST

/* The man page's EXAMPLES, as the page shows them. */

/* Turns the roff of an .EX block into the text a reader copies. */
static void unroff(char *s)
{
	static const struct {
		const char *from, *to;
	} esc[] = {{"\\e", "\\"}, {"\\(dq", "\""}, {"\\-", "-"}, {"\\&", ""}};
	char *w = s, *r = s;
	size_t k;

	while (*r != '\0') {
		for (k = 0; k < sizeof(esc) / sizeof(esc[0]); k++)
			if (strncmp(r, esc[k].from, strlen(esc[k].from)) == 0)
				break;
		if (k < sizeof(esc) / sizeof(esc[0])) {
			memcpy(w, esc[k].to, strlen(esc[k].to));
			w += strlen(esc[k].to);
			r += strlen(esc[k].from);
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* Reads the .EX ... .EE blocks after ".SH EXAMPLES" into ex[]. */
static unsigned man_examples(char ex[][4096], unsigned max)
{
	FILE *f = fopen(MAN_DIR "/tcplab-scenario.5", "r");
	char line[1024];
	int on = 0, in = 0;
	unsigned n = 0;

	ck_assert_msg(f != NULL, "cannot read %s", MAN_DIR);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, ".SH", 3) == 0)
			on = strncmp(line, ".SH EXAMPLES", 12) == 0;
		else if (on && strncmp(line, ".EX", 3) == 0 && n < max)
			in = 1, ex[n][0] = '\0';
		else if (in && strncmp(line, ".EE", 3) == 0)
			in = 0, n++;
		else if (in && strlen(ex[n]) + strlen(line) < 4096)
			strcat(ex[n], line);
	}
	fclose(f);
	return n;
}

START_TEST(test_man_examples)
{
	static char ex[8][4096];
	unsigned n = man_examples(ex, 8), i;
	struct scn s;

	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++) {
		unroff(ex[i]);
		s = parse_ok(ex[i]);
		ck_assert_uint_gt(s.nstep, 5);
		scn_free(&s);
	}
}
END_TEST

/* The header. */

START_TEST(test_header_defaults)
{
	struct scn s = parse_ok("client listen\n");

	ck_assert_ptr_null(s.title);
	ck_assert_ptr_null(s.text);
	ck_assert_str_eq(s.host[SCN_CLIENT].addr_text, SCN_DEFAULT_CLIENT);
	ck_assert_str_eq(s.host[SCN_SERVER].addr_text, SCN_DEFAULT_SERVER);
	ck_assert(!s.host[SCN_CLIENT].v6);
	ck_assert_uint_eq(ipaddr_v4(&s.host[SCN_SERVER].addr), 0xc0a86505u);
	ck_assert_uint_eq(s.host[SCN_SERVER].port, SCN_DEFAULT_PORT);
	ck_assert_uint_eq(s.host[SCN_CLIENT].port, 0);
	ck_assert_int_eq(s.host[SCN_CLIENT].player, SCN_TCPLAB);
	ck_assert_int_eq(s.host[SCN_SERVER].player, SCN_TCPLAB);
	ck_assert_uint_eq(s.timeout_us, SCN_DEFAULT_TIMEOUT_US);
	scn_free(&s);
}
END_TEST

START_TEST(test_header_given)
{
	struct scn s = parse_ok("title  a lab  # not this\n"
	                        "client 2001:db8::25 raw\n"
	                        "server - - kernel\n"
	                        "timeout 2.5\n"
	                        "text\n"
	                        "  # kept as it is\n"
	                        "\n"
	                        "second line\n"
	                        " end \n"
	                        "server listen\n");

	ck_assert_str_eq(s.title, "a lab");
	ck_assert_str_eq(s.text, "  # kept as it is\n\nsecond line");
	ck_assert(s.host[SCN_CLIENT].v6);
	ck_assert_str_eq(s.host[SCN_CLIENT].addr_text, "2001:db8::25");
	ck_assert_uint_eq(s.host[SCN_CLIENT].addr.b[0], 0x20);
	/* "-" beside an IPv6 address: the lab's IPv6 host. */
	ck_assert(s.host[SCN_SERVER].v6);
	ck_assert_str_eq(s.host[SCN_SERVER].addr_text, SCN_DEFAULT_SERVER6);
	ck_assert_uint_eq(s.host[SCN_SERVER].port, 8080);
	ck_assert_int_eq(s.host[SCN_CLIENT].player, SCN_RAW);
	ck_assert_int_eq(s.host[SCN_SERVER].player, SCN_KERNEL);
	ck_assert_uint_eq(s.timeout_us, 2500000);
	ck_assert_uint_eq(s.nstep, 1);
	ck_assert_uint_eq(s.step[0].line, 10);
	scn_free(&s);
}
END_TEST

START_TEST(test_header_v4)
{
	struct scn s = parse_ok("client 10.1.2.3 tcplab\r\n"
	                        "server 10.1.2.4 80 tcplab\r\n"
	                        "client listen\r\n");

	ck_assert_uint_eq(ipaddr_v4(&s.host[SCN_CLIENT].addr), 0x0a010203u);
	ck_assert_uint_eq(ipaddr_v4(&s.host[SCN_SERVER].addr), 0x0a010204u);
	ck_assert_uint_eq(s.host[SCN_SERVER].port, 80);
	ck_assert_str_eq(s.host[SCN_SERVER].addr_text, "10.1.2.4");
	scn_free(&s);
}
END_TEST

/* Steps. */

START_TEST(test_steps)
{
	struct scn s = parse_ok("server window 4096\n"
	                        "server listen\n"
	                        "+0.5 client connect\n"
	                        "+.1\n"
	                        "wait 2\n"
	                        "+2 client send \"a\\x00b\"\n"
	                        "client send 100\n"
	                        "server read 10\n"
	                        "server read all\n"
	                        "server read off\n"
	                        "delay 0.25 client > . * ack *\n"
	                        "drop server > P. *\n"
	                        "client close\n"
	                        "server abort\n");
	const struct scn_step *t = s.step;

	ck_assert_uint_eq(s.nstep, 14);
	ck_assert_int_eq(t[0].kind, SCN_RCVBUF);
	ck_assert_uint_eq(t[0].n, 4096);
	ck_assert_int_eq(t[0].end, SCN_SERVER);
	ck_assert_int_eq(t[1].kind, SCN_LISTEN);
	ck_assert_int_eq(t[2].kind, SCN_CONNECT);
	ck_assert_uint_eq(t[2].after_us, 500000);
	ck_assert_int_eq(t[2].end, SCN_CLIENT);
	ck_assert_int_eq(t[3].kind, SCN_WAIT);
	ck_assert_uint_eq(t[3].delay_us, 100000);
	ck_assert_uint_eq(t[3].after_us, 0);
	ck_assert_int_eq(t[4].kind, SCN_WAIT);
	ck_assert_uint_eq(t[4].delay_us, 2000000);
	ck_assert_int_eq(t[5].kind, SCN_SEND);
	ck_assert_uint_eq(t[5].after_us, 2000000);
	ck_assert_uint_eq(t[5].n, 3);
	ck_assert_mem_eq(t[5].text, "a\0b", 3);
	ck_assert_uint_eq(t[6].n, 100);
	ck_assert_ptr_null(t[6].text);
	ck_assert_uint_eq(t[7].n, 10);
	ck_assert_uint_eq(t[8].n, SCN_READ_ALL);
	ck_assert_uint_eq(t[9].n, SCN_READ_OFF);
	ck_assert_int_eq(t[10].kind, SCN_DELAY);
	ck_assert_uint_eq(t[10].delay_us, 250000);
	ck_assert_int_eq(t[10].seg.from, SCN_CLIENT);
	ck_assert_int_eq(t[11].kind, SCN_DROP);
	ck_assert(t[11].seg.seq.any && t[11].seg.len.any);
	ck_assert_int_eq(t[12].kind, SCN_CLOSE);
	ck_assert_int_eq(t[13].kind, SCN_ABORT);
	ck_assert_uint_eq(t[13].line, 14);
	scn_free(&s);
}
END_TEST

/* Texts again in other languages: each kept with its own, the answers
 * of every language accepted, the reader's chosen. */
START_TEST(test_translations)
{
	struct scn s = parse_ok("title both close\n"
	                        "title.zh_CN 同时关闭\n"
	                        "text\n"
	                        "Goal.\n"
	                        "end\n"
	                        "text.zh_CN\n"
	                        "目标。\n"
	                        "第二行\n"
	                        "end\n"
	                        "say hi {client.port}\n"
	                        "\n"
	                        "say.zh_CN 嗨 {client.port}\n"
	                        "say.de hallo\n"
	                        "question Which?\n"
	                        "question.zh_CN 哪个？\n"
	                        "answer CLOSING\n"
	                        "answer.zh_CN 关闭中 | 关闭\n"
	                        "why Both.\n"
	                        "why.zh_CN 两者。\n");
	const struct scn_step *q = &s.step[1];
	struct scn_vars v = {{0, 0}, {false, false}, {0, 0}};

	ck_assert_str_eq(scn_tr_pick(s.title, &s.title_tr, "zh_CN.UTF-8"),
	                 "同时关闭");
	ck_assert_str_eq(scn_tr_pick(s.title, &s.title_tr, "zh"), "同时关闭");
	ck_assert_str_eq(scn_tr_pick(s.title, &s.title_tr, "en_US.UTF-8"),
	                 "both close");
	ck_assert_str_eq(scn_tr_pick(s.title, &s.title_tr, NULL),
	                 "both close");
	ck_assert_str_eq(scn_tr_pick(s.text, &s.text_tr, "zh_CN"),
	                 "目标。\n第二行");
	ck_assert_str_eq(s.text, "Goal.");
	ck_assert_uint_eq(s.nstep, 2);
	ck_assert_str_eq(scn_tr_pick(s.step[0].text, &s.step[0].tr, "de_DE"),
	                 "hallo");
	ck_assert_str_eq(scn_tr_pick(s.step[0].text, &s.step[0].tr, "zh_CN"),
	                 "嗨 {client.port}");
	ck_assert_str_eq(scn_tr_pick(q->text, &q->tr, "zh_CN"), "哪个？");
	ck_assert_uint_eq(q->nanswers, 3);
	ck_assert_str_eq(scn_tr_pick(q->answers[0], &q->answer_tr, "zh_CN"),
	                 "关闭中");
	ck_assert(scn_answer_ok(q, &v, "closing"));
	ck_assert(scn_answer_ok(q, &v, "关闭"));
	ck_assert_str_eq(scn_tr_pick(q->why, &q->why_tr, "zh_CN"), "两者。");
	scn_free(&s);
}
END_TEST

START_TEST(test_talk)
{
	struct scn s = parse_ok("say The ISN is {client.isn} # a comment\n"
	                        "predict len win seq\n"
	                        "client > S 0:0(0)\n"
	                        "question What is \"#\" for? # a comment\n"
	                        "answer {server.isn} |  zero  | 0\n"
	                        "why The SYN-ACK's seq is the server's ISN.\n"
	                        "question Another?\n"
	                        "answer yes\n");
	const struct scn_step *t = s.step;

	ck_assert_uint_eq(s.nstep, 5);
	ck_assert_int_eq(t[0].kind, SCN_SAY);
	ck_assert_str_eq(t[0].text, "The ISN is {client.isn}");
	ck_assert_int_eq(t[1].kind, SCN_PREDICT);
	ck_assert_uint_eq(t[1].predict, SCN_P_SEQ | SCN_P_WIN | SCN_P_LEN);
	ck_assert_int_eq(t[2].kind, SCN_EXPECT);
	ck_assert_int_eq(t[3].kind, SCN_QUESTION);
	/* A '#' inside quotes is not a comment. */
	ck_assert_str_eq(t[3].text, "What is \"#\" for?");
	ck_assert_uint_eq(t[3].nanswers, 3);
	ck_assert_str_eq(t[3].answers[0], "{server.isn}");
	ck_assert_str_eq(t[3].answers[1], "zero");
	ck_assert_str_eq(t[3].answers[2], "0");
	ck_assert_str_eq(t[3].why, "The SYN-ACK's seq is the server's ISN.");
	ck_assert_ptr_null(t[4].why);
	scn_free(&s);
}
END_TEST

/* The notation: parse, format, parse again. */

static void expect_num(const struct scn_num *a, const struct scn_num *b)
{
	ck_assert_int_eq(a->any, b->any);
	ck_assert_uint_eq(a->lo, b->lo);
	ck_assert_uint_eq(a->hi, b->hi);
}

static void expect_same(const struct scn_seg *a, const struct scn_seg *b)
{
	unsigned i, k;

	ck_assert_int_eq(a->from, b->from);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_int_eq(a->flags_any, b->flags_any);
	ck_assert_uint_eq(a->flags_opt, b->flags_opt);
	ck_assert_int_eq(a->many, b->many);
	expect_num(&a->seq, &b->seq);
	expect_num(&a->end, &b->end);
	expect_num(&a->len, &b->len);
	expect_num(&a->ack, &b->ack);
	expect_num(&a->win, &b->win);
	ck_assert_int_eq(a->opts_given, b->opts_given);
	ck_assert_uint_eq(a->nopt, b->nopt);
	for (i = 0; i < a->nopt; i++) {
		ck_assert_int_eq(a->opt[i].kind, b->opt[i].kind);
		expect_num(&a->opt[i].a, &b->opt[i].a);
		expect_num(&a->opt[i].b, &b->opt[i].b);
		ck_assert_uint_eq(a->opt[i].nsack, b->opt[i].nsack);
		for (k = 0; k < a->opt[i].nsack; k++) {
			expect_num(&a->opt[i].sl[k], &b->opt[i].sl[k]);
			expect_num(&a->opt[i].sr[k], &b->opt[i].sr[k]);
		}
	}
	ck_assert_uint_eq(a->payload_len, b->payload_len);
	ck_assert_int_eq(a->payload == NULL, b->payload == NULL);
	if (a->payload != NULL)
		ck_assert_mem_eq(a->payload, b->payload, a->payload_len);
}

/* Lines in the canonical form: they come back as they are. */
static const char *const canonical[] = {
        "client > S 0:0(0) win 64240 <mss 1460,sackOK,TS val 4294967295 "
        "ecr 0,nop,wscale 7>",
        "server > S. 0:0(0) ack 1 win 65160 <mss 1400-1460,sackOK,TS val "
        "* ecr *,nop,wscale 7>",
        "client > P. 1:143(142) ack 1 win 502 <nop,nop,TS val * ecr *>",
        "server > . * win 1-65535",
        "server > * *",
        "client > none 5:5(0) win 0",
        "client > FSRP.UEW 1:1(0) ack 1",
        "server > . 1:1(0) ack 1 <nop,nop,sack 1001:2001 3001:4001 "
        "5001-5100:* *:9>",
        "client > . 1:1(0) ack 1 <>",
        "client > . 1:1(0) ack 1 <eol>",
        "client > . *:*(0-10) ack 1",
        "client > P. 1:20(19) ack 1 \"GET / HTTP/1.0\\r\\n\\r\\n\\t\\\\\\\"#\"",
        "client > P. 1:5(4) ack 1 \"\\x00\\xff\\xe4\\xbd\"",
        "client > P. 1:1(0) ack 1 \"\"",
        "client > P?. *:*(1-1448) ack 1 ...",
        "server > FP?. * ack 2 <nop,nop,TS val * ecr *> ...",
};

START_TEST(test_round_trip)
{
	const char *line = canonical[_i];
	struct scn a, b;
	char buf[512];
	int n;

	a = parse_ok(line);
	ck_assert_uint_eq(a.nstep, 1);
	n = scn_format_seg(&a.step[0].seg, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(line));
	ck_assert_str_eq(buf, line);
	b = parse_ok(buf);
	expect_same(&a.step[0].seg, &b.step[0].seg);
	/* Too small a buffer is an error, never a cut line. */
	ck_assert_int_eq(scn_format_seg(&a.step[0].seg, buf, (size_t)n),
	                 TCPLAB_ENOSPC);
	scn_free(&a);
	scn_free(&b);
}
END_TEST

/* Other spellings give the canonical form. */
START_TEST(test_format_canonical)
{
	static const char *const in[][2] = {
	        {"client > .S 0:0(0)  ack 1   win 5  < mss 1 , ts VAL 1 ecr 2 "
	         ">",
	         "client > S. 0:0(0) ack 1 win 5 <mss 1,TS val 1 ecr 2>"},
	        {"client > . *:*(*)", "client > . *"},
	        {"client > . * ack * win *", "client > . *"},
	        {"client > . 1-1:1(0)", "client > . 1:1(0)"},
	        {"inject client > P. 1:4(3) ack 1 \"a\\x62c\"",
	         "client > P. 1:4(3) ack 1 \"abc\""},
	};
	struct scn s;
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		s = parse_ok(in[i][0]);
		ck_assert_int_ge(
		        scn_format_seg(&s.step[0].seg, buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, in[i][1]);
		scn_free(&s);
	}
}
END_TEST

/* scn_match() on the article's segments. */

static uint32_t rel_seq(unsigned i, const struct seg *g)
{
	return g->seq - (article_from_client(i) ? ARTICLE_CLIENT_ISN
	                                        : ARTICLE_SERVER_ISN);
}

static uint32_t rel_ack(unsigned i, const struct seg *g)
{
	return g->ack - (article_from_client(i) ? ARTICLE_SERVER_ISN
	                                        : ARTICLE_CLIENT_ISN);
}

static enum scn_end from_of(unsigned i)
{
	return article_from_client(i) ? SCN_CLIENT : SCN_SERVER;
}

/* Whether article segment i fits the segment line want; *field names
 * what did not. */
static bool fits(unsigned i, const char *want, const char **field)
{
	struct scn s = parse_ok(want);
	struct seg g;
	bool ok;

	article_build(i, &g);
	ok = scn_match(&s.step[0].seg, from_of(i), &g, rel_seq(i, &g),
	               rel_ack(i, &g), field);
	scn_free(&s);
	return ok;
}

START_TEST(test_match)
{
	static const struct {
		unsigned seg;
		const char *want;
		const char *field; /* NULL: it fits */
	} t[] = {
	        {0, "client > S 0:0(0)", NULL},
	        {0,
	         "client > S 0:0(0) win 29200 <mss 1460,sackOK,TS val * "
	         "ecr 0,nop,wscale 7>",
	         NULL},
	        {0, "client > * *", NULL},
	        {0, "client > S. 0:0(0)", "flags"},
	        {0, "server > S 0:0(0)", "from"},
	        {0, "client > S 0:0(0) <mss 1460>", "options"},
	        {0, "client > S 0:0(0) <>", "options"},
	        {0,
	         "client > S 0:0(0) <mss 1400-1460,sackOK,TS val * ecr "
	         "*,nop,wscale 6-8>",
	         NULL},
	        {0,
	         "client > S 0:0(0) <mss 1400-1459,sackOK,TS val * ecr "
	         "*,nop,wscale 7>",
	         "options"},
	        {0, "client > S 0:0(0) win 29201-30000", "win"},
	        {1, "server > S. 0:0(0) ack 1", NULL},
	        {1, "server > S. 0:0(0) ack 2", "ack"},
	        {2, "client > . 1:1(0) ack 1 win 229", NULL},
	        {3,
	         "client > P. 1:143(142) ack 1 win 229 <nop,nop,TS val * ecr "
	         "*> \"GET /truedei/test?name=\"",
	         NULL},
	        {3, "client > P. 1:143(142) \"POST\"", "payload"},
	        {3, "client > P. 2:143(141)", "seq"},
	        {3, "client > P. 1:*(100-141)", "length"},
	        {3, "client > P. 1:142(*)", "seq"},
	        {3, "client > P. 1:*(*) ack 1", NULL},
	        {5, "server > P. 1:268(267) ack 143", NULL},
	        {7, "client > F. 143:143(0) ack 268", NULL},
	        {7, "client > F. * ack 200-300", NULL},
	        {0, "client > S 0:0(0) ack *", NULL},
	        {3, "client > P?. 1:143(142)", NULL},
	        {2, "client > P?. 1:1(0)", NULL},
	        {2, "client > F?P?. 1:1(0)", NULL},
	        {3, "client > F?. 1:143(142)", "flags"},
	        {3, "client > P. 1:143(142) ...", NULL},
	};
	const char *field;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool ok = fits(t[i].seg, t[i].want, &field);

		ck_assert_msg(ok == (t[i].field == NULL), "segment %u, %s: %s",
		              t[i].seg, t[i].want, ok ? "fits" : field);
		if (!ok)
			ck_assert_str_eq(field, t[i].field);
	}
}
END_TEST

/* A SYN carries no ACK: an ack the step asks for cannot fit. */
START_TEST(test_match_ack_absent)
{
	const char *field;

	ck_assert(!fits(0, "client > * * ack 0", &field));
	ck_assert_str_eq(field, "ack");
}
END_TEST

/* Options padded with EOL, and SACK blocks relative to the receiver. */
START_TEST(test_match_eol_sack)
{
	struct seg g;
	struct seg_sack blk[2] = {
	        {ISN_NEAR_WRAP_PEER + 1001, ISN_NEAR_WRAP_PEER + 2001},
	        {ISN_NEAR_WRAP_PEER + 3001, ISN_NEAR_WRAP_PEER + 4001}};
	struct scn s;
	const char *field;

	seg_init(&g);
	g.flags = TH_ACK;
	g.seq = ISN_NEAR_WRAP + 1;
	g.ack = ISN_NEAR_WRAP_PEER + 1; /* crosses 2^32 at +16 */
	g.win = 500;
	seg_opt_wscale(&g, 7);
	seg_opt_eol(&g);
	s = parse_ok("client > . 1:1(0) ack 1 <wscale 7>");
	ck_assert(scn_match(&s.step[0].seg, SCN_CLIENT, &g, 1, 1, &field));
	scn_free(&s);
	s = parse_ok("client > . 1:1(0) ack 1 <wscale 7,eol>");
	ck_assert(scn_match(&s.step[0].seg, SCN_CLIENT, &g, 1, 1, &field));
	scn_free(&s);

	seg_opt_clear(&g);
	seg_opt_nop(&g);
	seg_opt_nop(&g);
	seg_opt_sack(&g, blk, 2);
	s = parse_ok("client > . 1:1(0) ack 1 <nop,nop,sack 1001:2001 "
	             "3001:4001>");
	ck_assert(scn_match(&s.step[0].seg, SCN_CLIENT, &g, 1, 1, &field));
	scn_free(&s);
	s = parse_ok("client > . 1:1(0) ack 1 <nop,nop,sack 1001:2001>");
	ck_assert(!scn_match(&s.step[0].seg, SCN_CLIENT, &g, 1, 1, &field));
	ck_assert_str_eq(field, "options");
	scn_free(&s);
}
END_TEST

/* scn_seg_of() and scn_format_seg() write the article as tcpdump would. */
START_TEST(test_seg_of_article)
{
	static const char *const want[ARTICLE_NSEG] = {
	        "client > S 0:0(0) win 29200 <mss 1460,sackOK,TS val 4595424 "
	        "ecr 0,nop,wscale 7>",
	        "server > S. 0:0(0) ack 1 win 28960 <mss 1460,sackOK,TS val "
	        "2480165653 ecr 4595424,nop,wscale 7>",
	        "client > . 1:1(0) ack 1 win 229 <nop,nop,TS val 4595426 ecr "
	        "2480165653>",
	};
	char buf[1024];
	struct seg g;
	struct scn_seg w;
	unsigned i;

	for (i = 0; i < ARTICLE_NSEG; i++) {
		article_build(i, &g);
		ck_assert_int_eq(scn_seg_of(&w, from_of(i), &g, rel_seq(i, &g),
		                            rel_ack(i, &g)),
		                 0);
		ck_assert_int_gt(scn_format_seg(&w, buf, sizeof(buf)), 0);
		if (i < 3)
			ck_assert_str_eq(buf, want[i]);
		if (i == 3) {
			ck_assert_ptr_nonnull(strstr(
			        buf, "1:143(142) ack 1 win 229 <nop,nop,TS"));
			ck_assert_ptr_nonnull(
			        strstr(buf, "\"GET /truedei/test?name=zhenghui "
			                    "HTTP/1.1\\r\\nUser-Agent: "));
		}
		/* What is written fits the segment it was written from. */
		{
			struct scn s = parse_ok(buf);
			const char *field;

			ck_assert_msg(scn_match(&s.step[0].seg, from_of(i), &g,
			                        rel_seq(i, &g), rel_ack(i, &g),
			                        &field),
			              "%s: %s", buf, field);
			scn_free(&s);
		}
	}
}
END_TEST

/* {names}. */

START_TEST(test_expand)
{
	struct scn_vars v = {
	        {ISN_NEAR_WRAP, 1000}, {true, false}, {40000, 8080}};
	char buf[128];
	int n;

	n = scn_expand("seq {client.isn+1}, {client.isn + 2}, {client.isn-1}",
	               &v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "seq 4294967295, 0, 4294967293");
	ck_assert_int_eq(n, (int)strlen(buf));
	/* The server's ISN is not known yet: its name stays. */
	scn_expand("ack {server.isn+1} to {client.port}:{server.port-80}", &v,
	           buf, sizeof(buf));
	ck_assert_str_eq(buf, "ack {server.isn+1} to 40000:8000");
	v.isn_known[SCN_SERVER] = true;
	scn_expand("{server.isn+1}", &v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1001");
	ck_assert_int_eq(scn_expand("{client.isn}", &v, buf, 5), TCPLAB_ENOSPC);
	ck_assert_int_eq(scn_expand("{client.foo}", &v, buf, sizeof(buf)),
	                 TCPLAB_EINVAL);
	ck_assert_int_eq(scn_expand("{client.isn", &v, buf, sizeof(buf)),
	                 TCPLAB_EINVAL);
	ck_assert_int_eq(scn_expand("no names", &v, buf, sizeof(buf)), 8);
}
END_TEST

START_TEST(test_answer_ok)
{
	struct scn s = parse_ok("question What?\n"
	                        "answer CLOSING | time wait | {client.isn+1}\n"
	                        "question Which?\n"
	                        "answer 42\n");
	struct scn_vars v = {{0xffffffffu, 7}, {true, true}, {40000, 8080}};
	const struct scn_step *q = &s.step[0], *q2 = &s.step[1];

	ck_assert(scn_answer_ok(q, &v, "closing"));
	ck_assert(scn_answer_ok(q, &v, "  Closing "));
	ck_assert(scn_answer_ok(q, &v, "TIME   WAIT"));
	ck_assert(scn_answer_ok(q, &v, "time\twait"));
	ck_assert(!scn_answer_ok(q, &v, "timewait"));
	ck_assert(!scn_answer_ok(q, &v, "closed"));
	ck_assert(scn_answer_ok(q, &v, "0")); /* 2^32 - 1 + 1 wraps */
	ck_assert(scn_answer_ok(q2, &v, "0042"));
	ck_assert(scn_answer_ok(q2, &v, "42"));
	ck_assert(scn_answer_ok(q2, &v,
	                        "\xe3\x80\x80"
	                        "42"));
	ck_assert(!scn_answer_ok(q2, &v, "420"));
	ck_assert(!scn_answer_ok(q2, &v, "4 2"));
	ck_assert(!scn_answer_ok(q2, &v, ""));
	scn_free(&s);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(scn_end_name(SCN_CLIENT), "client");
	ck_assert_str_eq(scn_end_name(SCN_SERVER), "server");
	ck_assert_str_eq(scn_player_name(SCN_TCPLAB), "tcplab");
	ck_assert_str_eq(scn_player_name(SCN_KERNEL), "kernel");
	ck_assert_str_eq(scn_player_name(SCN_RAW), "raw");
}
END_TEST

static Suite *scn_suite(void)
{
	Suite *s = suite_create("scn");
	TCase *tc = tcase_create("parse");
	TCase *nt = tcase_create("notation");

	tcase_add_loop_test(tc, test_errors, 0,
	                    (int)(sizeof(bads) / sizeof(bads[0])));
	TESTLIB_ADD(tc, test_error_nul);
	TESTLIB_ADD(tc, test_errors_translated);
	TESTLIB_ADD(tc, test_man_examples);
	TESTLIB_ADD(tc, test_header_defaults);
	TESTLIB_ADD(tc, test_header_given);
	TESTLIB_ADD(tc, test_header_v4);
	TESTLIB_ADD(tc, test_steps);
	TESTLIB_ADD(tc, test_talk);
	TESTLIB_ADD(tc, test_translations);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(nt, test_round_trip, 0,
	                    (int)(sizeof(canonical) / sizeof(canonical[0])));
	TESTLIB_ADD(nt, test_format_canonical);
	TESTLIB_ADD(nt, test_match);
	TESTLIB_ADD(nt, test_match_ack_absent);
	TESTLIB_ADD(nt, test_match_eol_sack);
	TESTLIB_ADD(nt, test_seg_of_article);
	TESTLIB_ADD(nt, test_expand);
	TESTLIB_ADD(nt, test_answer_ok);
	TESTLIB_ADD(nt, test_names);
	suite_add_tcase(s, nt);
	return s;
}

TESTLIB_MAIN(scn_suite)
