/*
 * check_httpd.c: the Check suite of the HTTP side of tcplab-server.
 *
 * The article's request must draw the article's 267-byte response byte for
 * byte; requests split at every byte, pipelined, malformed, oversized,
 * HTTP/1.0, HEAD and with bodies must each get the answer RFC 9112 and the
 * article's Spring Boot give; the keep-alive timeout announced is the
 * caller's, and a head that takes too long gets a 408. No root, no I/O.
 */
#include <string.h>

#include "common/err.h"
#include "common/httpd.h"
#include "tests/article.h"
#include "tests/testlib.h"

#define ARTICLE_DATE "Mon, 15 Jun 2020 14:49:10 GMT"

static struct httpd h;
static struct httpd_info info;
static char out[HTTPD_RESP_MAX];

static void feed_str(const char *s)
{
	ck_assert_uint_eq(httpd_feed(&h, (const uint8_t *)s, strlen(s)),
	                  strlen(s));
}

static int next(void)
{
	return httpd_next(&h, ARTICLE_DATE, out, sizeof out, &info);
}

/* The body of the last response: what follows the blank line. */
static const char *body_of(int n)
{
	out[n] = '\0';
	return strstr(out, "\r\n\r\n") + 4;
}

static void setup(void)
{
	httpd_init(&h, false);
}

START_TEST(test_article_response_bytes)
{
	int n;

	httpd_feed(&h, (const uint8_t *)article_request, article_request_len);
	n = next();
	ck_assert_int_eq(n, 267);
	EXPECT_BYTES(out, (size_t)n, article_response, article_response_len);
	ck_assert_int_eq(info.status, 200);
	ck_assert(info.visitor);
	ck_assert(!info.close);
	ck_assert_str_eq(info.name, "zhenghui");
	ck_assert_str_eq(info.path, "/truedei/test");
	ck_assert_str_eq(info.method, "GET");
	ck_assert_int_eq(next(), 0);
}
END_TEST

START_TEST(test_date_article)
{
	char d[40];

	ck_assert_int_eq(httpd_date(1592232550, d, sizeof d), 29);
	ck_assert_str_eq(d, ARTICLE_DATE);
	ck_assert_int_eq(httpd_date(0, d, sizeof d), 29);
	ck_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	/* A leap day and a single-digit day. */
	httpd_date(951782400, d, sizeof d);
	ck_assert_str_eq(d, "Tue, 29 Feb 2000 00:00:00 GMT");
	ck_assert_int_eq(httpd_date(0, d, 10), TCPLAB_ENOSPC);
}
END_TEST

/* A request split at every byte: no answer until the last one. */
START_TEST(test_split_every_byte)
{
	size_t i;
	int n = 0;

	for (i = 0; i < article_request_len; i++) {
		ck_assert_int_eq(n, 0);
		httpd_feed(&h, (const uint8_t *)article_request + i, 1);
		n = next();
	}
	ck_assert_int_eq(n, 267);
	EXPECT_BYTES(out, (size_t)n, article_response, article_response_len);
}
END_TEST

START_TEST(test_pipelined_in_order)
{
	static const char *names[] = {"a", "bb", "ccc"};
	int i, n;

	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\n"
	         "GET /truedei/test?name=bb HTTP/1.1\r\nHost: x\r\n\r\n"
	         "GET /truedei/test?name=ccc HTTP/1.1\r\nHost: x\r\n\r\nGET "
	         "/tr");
	for (i = 0; i < 3; i++) {
		n = next();
		ck_assert_int_gt(n, 0);
		ck_assert_str_eq(info.name, names[i]);
		ck_assert_str_eq(body_of(n) + 8, names[i]);
	}
	ck_assert_int_eq(next(), 0);
	feed_str("uedei/test?name=d HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_str_eq(body_of(n), "This is d");
}
END_TEST

START_TEST(test_no_name_is_null)
{
	int n;

	feed_str("GET /truedei/test HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_str_eq(body_of(n), "This is null");
	ck_assert(strstr(out, "Content-Length: 12\r\n") != NULL);
	feed_str("GET /truedei/test?x=1&name= HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_str_eq(body_of(n), "This is ");
}
END_TEST

START_TEST(test_url_decoding)
{
	char d[64];
	int n;

	ck_assert_int_eq(httpd_url_decode("a%20b+c%2b", 10, d, sizeof d), 6);
	ck_assert_str_eq(d, "a b c+");
	ck_assert_int_eq(httpd_url_decode("%e9%83%91", 9, d, sizeof d), 3);
	ck_assert_str_eq(d, "\xe9\x83\x91");
	ck_assert_int_eq(httpd_url_decode("%4", 2, d, sizeof d), TCPLAB_EINVAL);
	ck_assert_int_eq(httpd_url_decode("%zz", 3, d, sizeof d),
	                 TCPLAB_EINVAL);
	ck_assert_int_eq(httpd_url_decode("abcdef", 6, d, 4), TCPLAB_ENOSPC);
	/* In a request: the name decoded, and its byte count in the
	 * header. */
	feed_str("GET /truedei/test?name=zheng%20hui%E9%83%91 HTTP/1.1\r\n"
	         "Host: x\r\n\r\n");
	n = next();
	ck_assert_str_eq(body_of(n), "This is zheng hui\xe9\x83\x91");
	ck_assert(strstr(out, "Content-Length: 20\r\n") != NULL);
}
END_TEST

START_TEST(test_bad_escape_400_close)
{
	int n;

	feed_str("GET /truedei/test?name=%G1 HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_int_eq(info.status, 400);
	ck_assert(info.close);
	ck_assert(strncmp(out, "HTTP/1.1 400 \r\n", 15) == 0);
	ck_assert(strstr(out, "Connection: close\r\n\r\n") != NULL);
	ck_assert_str_eq(body_of(n), "Bad Request");
}
END_TEST

START_TEST(test_other_path_404_keeps_alive)
{
	int n;

	feed_str("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_int_eq(info.status, 404);
	ck_assert(!info.close);
	ck_assert(!info.visitor);
	ck_assert(strncmp(out, "HTTP/1.1 404 \r\n", 15) == 0);
	ck_assert(strstr(out, "Vary") == NULL);
	ck_assert(strstr(out, "Connection: keep-alive\r\n\r\n") != NULL);
	ck_assert_str_eq(body_of(n), "Not Found");
	/* The connection goes on. */
	feed_str("GET /truedei/test?name=z HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert_int_eq(info.status, 200);
}
END_TEST

/* Each malformed head: 400, close, and nothing after it is read. */
START_TEST(test_malformed_400_close)
{
	static const char *bad[] = {
	        "GARBAGE\r\n\r\n",
	        "GET /truedei/test HTTP/2.0\r\nHost: x\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\n\r\n", /* no Host */
	        "GET /truedei/test HTTP/1.1\r\nNoColon\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\nBad Name: 1\r\nHost: x\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\nHost: x\r\nContent-Length: "
	        "-1\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
	        "chunked\r\n\r\n",
	        "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
	        "GET truedei HTTP/1.1\r\nHost: x\r\n\r\n",
	        "G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n",
	        /* RFC 9112 3.2 and 6.3 (found by fuzz_httpd). */
	        "GET /truedei/test HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	        "GET /truedei/test HTTP/1.1\r\nHost: x\r\nContent-Length: "
	        "0\r\nContent-Length: 1\r\n\r\nX",
	};
	size_t i;
	int n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		httpd_init(&h, false);
		feed_str(bad[i]);
		feed_str(
		        "GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\n");
		n = next();
		ck_assert_msg(info.status == 400, "case %zu: status %d", i,
		              info.status);
		ck_assert(info.close);
		ck_assert(info.reason != NULL);
		ck_assert_str_eq(body_of(n), "Bad Request");
		ck_assert_int_eq(next(), 0);
	}
}
END_TEST

START_TEST(test_head_over_8k_431)
{
	char line[100];
	int i, n;

	feed_str("GET /truedei/test HTTP/1.1\r\nHost: x\r\n");
	memset(line, 'a', sizeof line);
	memcpy(line, "X-Pad: ", 7);
	line[97] = '\r';
	line[98] = '\n';
	line[99] = '\0';
	for (i = 0; i < 90; i++)
		httpd_feed(&h, (const uint8_t *)line, 99);
	n = next();
	ck_assert_int_eq(info.status, 431);
	ck_assert(info.close);
	ck_assert(strncmp(out, "HTTP/1.1 431 \r\n", 15) == 0);
	ck_assert_str_eq(body_of(n), "Request Header Fields Too Large");
	ck_assert_int_eq(next(), 0);
}
END_TEST

/* A head of exactly 8192 bytes, blank line included, is accepted. */
START_TEST(test_head_of_8k_accepted)
{
	char head[HTTPD_HEAD_MAX + 1];
	const char *start = "GET /truedei/test?name=k HTTP/1.1\r\nHost: x\r\n"
	                    "X-Pad: ";
	size_t s = strlen(start);

	memcpy(head, start, s);
	memset(head + s, 'p', HTTPD_HEAD_MAX - s - 4);
	memcpy(head + HTTPD_HEAD_MAX - 4, "\r\n\r\n", 5);
	ck_assert_uint_eq(strlen(head), HTTPD_HEAD_MAX);
	feed_str(head);
	ck_assert_int_gt(next(), 0);
	ck_assert_int_eq(info.status, 200);
	ck_assert_str_eq(info.name, "k");
}
END_TEST

START_TEST(test_http10_closes_unless_keep_alive)
{
	feed_str("GET /truedei/test?name=a HTTP/1.0\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert_int_eq(info.status, 200);
	ck_assert(info.close);
	ck_assert(strstr(out, "Connection: close\r\n") != NULL);
	ck_assert(strstr(out, "Keep-Alive") == NULL);

	httpd_init(&h, false);
	feed_str("GET /truedei/test?name=a HTTP/1.0\r\n"
	         "Connection: Keep-Alive\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert(!info.close);
}
END_TEST

START_TEST(test_connection_close_and_close_each)
{
	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n"
	         "Connection: foo, close\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert(info.close);

	httpd_init(&h, true);
	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\n"
	         "GET /truedei/test?name=b HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert(info.close);
	ck_assert(strstr(out, "Connection: close\r\n") != NULL);
	ck_assert_int_eq(next(), 0);
}
END_TEST

START_TEST(test_body_skipped_and_405)
{
	int n;

	feed_str("POST /truedei/test HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: 11\r\n\r\nname=hello\n");
	n = next();
	ck_assert_int_eq(info.status, 405);
	ck_assert(strstr(out, "Allow: GET, HEAD\r\n") != NULL);
	ck_assert_str_eq(body_of(n), "Method Not Allowed");
	/* The 11 body bytes are not taken for a request. */
	feed_str("GET /truedei/test?name=after HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_str_eq(body_of(n), "This is after");
}
END_TEST

START_TEST(test_head_method_no_body)
{
	int n;

	feed_str(
	        "HEAD /truedei/test?name=zhenghui HTTP/1.1\r\nHost: x\r\n\r\n");
	n = next();
	ck_assert_int_eq(n, 267 - 16);
	EXPECT_BYTES(out, (size_t)n, article_response, (size_t)n);
}
END_TEST

START_TEST(test_lf_only_and_leading_crlf)
{
	int n;

	feed_str("\r\nGET /truedei/test?name=lf HTTP/1.1\nHost: x\n\n");
	n = next();
	ck_assert_int_eq(info.status, 200);
	ck_assert_str_eq(body_of(n), "This is lf");
}
END_TEST

START_TEST(test_small_buffer_consumes_nothing)
{
	char small[100];

	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_eq(
	        httpd_next(&h, ARTICLE_DATE, small, sizeof small, &info),
	        TCPLAB_ENOSPC);
	ck_assert_int_gt(next(), 0);
	ck_assert_str_eq(info.name, "a");
}
END_TEST

START_TEST(test_absolute_form_target)
{
	int n;

	feed_str("GET http://192.168.101.5:8080/truedei/test?name=abs HTTP/1.1"
	         "\r\nHost: 192.168.101.5:8080\r\n\r\n");
	n = next();
	ck_assert_int_eq(info.status, 200);
	ck_assert_str_eq(body_of(n), "This is abs");
}
END_TEST

START_TEST(test_keepalive_timeout_announced)
{
	h.keepalive_s = 7;
	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert(!info.close);
	ck_assert(strstr(out, "\r\nKeep-Alive: timeout=7\r\n"
	                      "Connection: keep-alive\r\n\r\n") != NULL);
}
END_TEST

START_TEST(test_partial_head_408_closes)
{
	int n;

	ck_assert(!httpd_partial(&h));
	/* Empty lines before a request are not a head (RFC 9112 2.2). */
	feed_str("\r\n");
	ck_assert_int_eq(next(), 0);
	ck_assert(!httpd_partial(&h));
	feed_str("GET /truedei/test?name=slow HTTP/1.1\r\nHost:");
	ck_assert_int_eq(next(), 0);
	ck_assert(httpd_partial(&h));
	n = httpd_timeout(&h, ARTICLE_DATE, out, sizeof out, &info);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(info.status, 408);
	ck_assert(info.close);
	ck_assert(!info.visitor);
	ck_assert_ptr_nonnull(info.reason);
	out[n] = '\0';
	ck_assert(strncmp(out, "HTTP/1.1 408 \r\n", 15) == 0);
	ck_assert(strstr(out, "Connection: close\r\n") != NULL);
	ck_assert_str_eq(body_of(n), "Request Timeout");
	/* The rest of the stream is not read. */
	ck_assert(!httpd_partial(&h));
	feed_str(" x\r\n\r\n");
	ck_assert_int_eq(next(), 0);
}
END_TEST

START_TEST(test_complete_head_not_partial)
{
	feed_str("GET /truedei/test?name=a HTTP/1.1\r\nHost: x\r\n\r\nGE");
	ck_assert_int_gt(next(), 0);
	/* What is left is the start of the next head. */
	ck_assert(httpd_partial(&h));
	feed_str("T /truedei/test?name=b HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_gt(next(), 0);
	ck_assert(!httpd_partial(&h));
}
END_TEST

static Suite *httpd_suite(void)
{
	Suite *s = suite_create("httpd");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	TESTLIB_ADD(tc, test_article_response_bytes);
	TESTLIB_ADD(tc, test_date_article);
	TESTLIB_ADD(tc, test_split_every_byte);
	TESTLIB_ADD(tc, test_pipelined_in_order);
	TESTLIB_ADD(tc, test_no_name_is_null);
	TESTLIB_ADD(tc, test_url_decoding);
	TESTLIB_ADD(tc, test_bad_escape_400_close);
	TESTLIB_ADD(tc, test_other_path_404_keeps_alive);
	TESTLIB_ADD(tc, test_malformed_400_close);
	TESTLIB_ADD(tc, test_head_over_8k_431);
	TESTLIB_ADD(tc, test_head_of_8k_accepted);
	TESTLIB_ADD(tc, test_http10_closes_unless_keep_alive);
	TESTLIB_ADD(tc, test_connection_close_and_close_each);
	TESTLIB_ADD(tc, test_body_skipped_and_405);
	TESTLIB_ADD(tc, test_head_method_no_body);
	TESTLIB_ADD(tc, test_lf_only_and_leading_crlf);
	TESTLIB_ADD(tc, test_small_buffer_consumes_nothing);
	TESTLIB_ADD(tc, test_absolute_form_target);
	TESTLIB_ADD(tc, test_keepalive_timeout_announced);
	TESTLIB_ADD(tc, test_partial_head_408_closes);
	TESTLIB_ADD(tc, test_complete_head_not_partial);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(httpd_suite)
