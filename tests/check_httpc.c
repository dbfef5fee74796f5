/*
 * check_httpc.c: URL parsing and percent-encoding, wget 1.14's request,
 * and the incremental response parser (by length, chunked, until close,
 * split anywhere).
 */
#include <string.h>

#include "common/err.h"
#include "common/httpc.h"
#include "tests/article.h"
#include "tests/testlib.h"

#define ARTICLE_URL "http://192.168.101.5:8080/truedei/test?name=zhenghui"

START_TEST(test_url_article)
{
	struct httpc_url u;

	ck_assert_int_eq(httpc_parse_url(ARTICLE_URL, &u), 0);
	ck_assert_str_eq(u.host, "192.168.101.5");
	ck_assert_uint_eq(u.port, 8080);
	ck_assert(u.port_given);
	ck_assert_str_eq(u.path, "/truedei/test?name=zhenghui");
}
END_TEST

/* wget takes a URL without a scheme, a port or a path. */
START_TEST(test_url_defaults)
{
	struct httpc_url u;

	ck_assert_int_eq(httpc_parse_url("10.0.0.1", &u), 0);
	ck_assert_str_eq(u.host, "10.0.0.1");
	ck_assert_uint_eq(u.port, 80);
	ck_assert(!u.port_given);
	ck_assert_str_eq(u.path, "/");
	ck_assert_int_eq(httpc_parse_url("HTTP://host.example:65535", &u), 0);
	ck_assert_str_eq(u.host, "host.example");
	ck_assert_uint_eq(u.port, 65535);
	ck_assert_str_eq(u.path, "/");
}
END_TEST

/* RFC 3986 3.2.2: an IPv6 address in brackets, the port after them; the
 * host is kept without them, in lower case. */
START_TEST(test_url_ipv6)
{
	struct httpc_url u;

	ck_assert_int_eq(httpc_parse_url("http://[2001:DB8:101::5]:8080/"
	                                 "truedei/test?name=zhenghui",
	                                 &u),
	                 0);
	ck_assert_str_eq(u.host, "2001:db8:101::5");
	ck_assert(u.host6);
	ck_assert_uint_eq(u.port, 8080);
	ck_assert(u.port_given);
	ck_assert_str_eq(u.path, "/truedei/test?name=zhenghui");
	ck_assert_int_eq(httpc_parse_url("[::ffff:192.0.2.1]", &u), 0);
	ck_assert_str_eq(u.host, "::ffff:192.0.2.1");
	ck_assert_uint_eq(u.port, 80);
	ck_assert(!u.port_given);
	ck_assert_str_eq(u.path, "/");
	ck_assert_int_eq(httpc_parse_url("http://10.0.0.1/", &u), 0);
	ck_assert(!u.host6);
}
END_TEST

START_TEST(test_url_ipv6_bad)
{
	static const char *bad[] = {
	        "http://[2001:db8::5/",        "http://[2001:db8::5]x/",
	        "http://[2001:db8::5]:/",      "http://[2001:db8::5]:0/",
	        "http://2001:db8::5/",         "http://[]/",
	        "http://[192.0.2.1]/",         "http://[fe80::1%25eth0]/",
	        "http://[2001:db8::g]/",       "http://[2001:db8::5]]/",
	        "http://[2001:db8::5]:80:80/",
	};
	struct httpc_url u;
	unsigned i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(httpc_parse_url(bad[i], &u) == TCPLAB_EINVAL,
		              "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_url_bad)
{
	static const char *bad[] = {
	        "",
	        "http://",
	        "http:///path",
	        "https://10.0.0.1/",
	        "ftp://10.0.0.1/",
	        "http://10.0.0.1:/",
	        "http://10.0.0.1:0/",
	        "http://10.0.0.1:65536/",
	        "http://10.0.0.1:80a/",
	        "http://10.0.0.1:123456/",
	        "http://:8080/",
	        "http://10.0.0 .1/",
	        "http://10.0.0.1\t/",
	        "http://user@10.0.0.1/",
	        "http://10.0.0.1?q=1",
	};
	struct httpc_url u;
	char longhost[HTTPC_HOST_MAX + 16];
	unsigned i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(httpc_parse_url(bad[i], &u) == TCPLAB_EINVAL,
		              "accepted \"%s\"", bad[i]);
	memset(longhost, 'a', sizeof longhost - 1);
	longhost[sizeof longhost - 1] = '\0';
	ck_assert_int_eq(httpc_parse_url(longhost, &u), TCPLAB_EINVAL);
	ck_assert_int_eq(httpc_parse_url(NULL, &u), TCPLAB_EINVAL);
}
END_TEST

/* Parses url and compares the path that goes out with want. */
static void expect_path(const char *url, const char *want)
{
	struct httpc_url u;

	ck_assert_int_eq(httpc_parse_url(url, &u), 0);
	ck_assert_str_eq(u.path, want);
}

/* A Chinese name in the query goes out as wget 1.21.3 sent it (captured
 * on this machine): each UTF-8 byte as %XX, in upper-case hex. */
START_TEST(test_url_utf8_query_encoded)
{
	expect_path("http://192.168.101.5:8080/truedei/test?name=张三",
	            "/truedei/test?name=%E5%BC%A0%E4%B8%89");
	expect_path("http://10.0.0.1/文件/", "/%E6%96%87%E4%BB%B6/");
}
END_TEST

/* Space and wget's other unsafe characters are encoded, a garbled '%'
 * too but not a valid %XX, and the fragment is left out: the request line
 * wget 1.21.3 sent for this URL, captured on this machine. */
START_TEST(test_url_unsafe_encoded_as_wget)
{
	expect_path("http://192.168.101.5:8080/a b/x?name=张三&"
	            "q=\"<>{}|\\^`%zz%41#frag",
	            "/a%20b/x?name=%E5%BC%A0%E4%B8%89&"
	            "q=%22%3C%3E%7B%7D%7C%5C%5E%60%25zz%41");
	expect_path("http://10.0.0.1/t\tab\x7f\x01", "/t%09ab%7F%01");
	expect_path("http://10.0.0.1/100%", "/100%25");
	expect_path("http://10.0.0.1/%4", "/%254");
	expect_path("http://10.0.0.1/%4g%ab%AB", "/%254g%ab%AB");
	expect_path("http://10.0.0.1/#top", "/");
}
END_TEST

/* Reserved characters keep their meaning, so they stay as written. */
START_TEST(test_url_reserved_kept)
{
	static const char p[] = "/p;a=b/c:d@e[f]?x=1&y=$,+!*'()~-._/";

	expect_path("http://10.0.0.1/p;a=b/c:d@e[f]?x=1&y=$,+!*'()~-._/", p);
}
END_TEST

/* The encoder fills its buffer exactly, NUL included, or says it cannot;
 * a URL whose encoded path is too long is refused. */
START_TEST(test_url_encode_room)
{
	static char url[HTTPC_PATH_MAX + 32];
	struct httpc_url u;
	char out[8];
	size_t i;

	ck_assert_int_eq(httpc_encode_path("/a b", 4, out, 7), 6);
	ck_assert_str_eq(out, "/a%20b");
	ck_assert_int_eq(httpc_encode_path("/a b", 4, out, 6), TCPLAB_ENOSPC);
	ck_assert_int_eq(httpc_encode_path("/ab", 3, out, 4), 3);
	ck_assert_int_eq(httpc_encode_path("/ab", 3, out, 3), TCPLAB_ENOSPC);
	/* 700 spaces fit in the URL but not, as %20, in the path. */
	strcpy(url, "http://10.0.0.1/");
	for (i = 0; i < 700; i++)
		strcat(url, " ");
	ck_assert_int_eq(httpc_parse_url(url, &u), TCPLAB_EINVAL);
}
END_TEST

/* wget writes the host in lower case in the Host header; the path keeps
 * its case. */
START_TEST(test_request_host_lower_case)
{
	struct httpc_url u;
	char buf[512];
	int n;

	ck_assert_int_eq(httpc_parse_url("http://LabServer.Example:8080/X", &u),
	                 0);
	ck_assert_str_eq(u.host, "labserver.example");
	ck_assert_str_eq(u.path, "/X");
	n = httpc_request(&u, NULL, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "GET /X HTTP/1.1\r\n"
	                      "User-Agent: Wget/1.14 (linux-gnu)\r\n"
	                      "Accept: */*\r\n"
	                      "Host: labserver.example:8080\r\n"
	                      "Connection: Keep-Alive\r\n\r\n");
}
END_TEST

/* The article's request, 142 bytes, byte for byte. */
START_TEST(test_request_article)
{
	struct httpc_url u;
	char buf[512];
	int n;

	httpc_parse_url(ARTICLE_URL, &u);
	n = httpc_request(&u, NULL, buf, sizeof buf);
	ck_assert_int_eq(n, 142);
	ck_assert_uint_eq(article_request_len, 142);
	EXPECT_BYTES(buf, (size_t)n, article_request, article_request_len);
}
END_TEST

/* Exactly the room needed is enough; one byte less is not. */
START_TEST(test_request_buffer_exact)
{
	struct httpc_url u;
	char buf[142];

	httpc_parse_url(ARTICLE_URL, &u);
	ck_assert_int_eq(httpc_request(&u, NULL, buf, 142), 142);
	ck_assert_int_eq(httpc_request(&u, NULL, buf, 141), TCPLAB_ENOSPC);
}
END_TEST

/* On port 80 the Host header carries no port. */
START_TEST(test_request_port_80_host)
{
	struct httpc_url u;
	char buf[512];
	int n;

	httpc_parse_url("http://10.0.0.1/", &u);
	n = httpc_request(&u, NULL, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "GET / HTTP/1.1\r\n"
	                      "User-Agent: Wget/1.14 (linux-gnu)\r\n"
	                      "Accept: */*\r\n"
	                      "Host: 10.0.0.1\r\n"
	                      "Connection: Keep-Alive\r\n\r\n");
}
END_TEST

/* The Host header writes an IPv6 address in brackets, as the URL does. */
START_TEST(test_request_ipv6_host)
{
	struct httpc_url u;
	char buf[512];
	int n;

	httpc_parse_url("http://[2001:db8:101::5]:8080/x", &u);
	n = httpc_request(&u, NULL, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(
	        strstr(buf, "\r\nHost: [2001:db8:101::5]:8080\r\n"));
	httpc_parse_url("http://[2001:db8:101::5]/x", &u);
	n = httpc_request(&u, NULL, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "\r\nHost: [2001:db8:101::5]\r\n"));
}
END_TEST

/* --user-agent changes the agent; -H replaces a header of the same name
 * in place (any case) and appends a new one, in the order given. */
START_TEST(test_request_user_agent_and_headers)
{
	struct httpc_url u;
	struct httpc_req_opts o = {0};
	char buf[512];
	int n;

	httpc_parse_url("http://10.0.0.1:8080/x", &u);
	o.user_agent = "tcplab";
	o.headers[0] = "accept: text/plain";
	o.headers[1] = "X-Lab: one";
	o.headers[2] = "Connection:close";
	o.nheaders = 3;
	n = httpc_request(&u, &o, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "GET /x HTTP/1.1\r\n"
	                      "User-Agent: tcplab\r\n"
	                      "accept: text/plain\r\n"
	                      "Host: 10.0.0.1:8080\r\n"
	                      "Connection: close\r\n"
	                      "X-Lab: one\r\n\r\n");
}
END_TEST

START_TEST(test_request_bad_header)
{
	struct httpc_url u;
	struct httpc_req_opts o = {0};
	char buf[512];

	httpc_parse_url("http://10.0.0.1/", &u);
	o.nheaders = 1;
	o.headers[0] = "no colon";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
	o.headers[0] = "X: a\r\nInjected: b";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
	o.headers[0] = ": empty name";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
	/* A name must be a token (RFC 9110 5.1), a value free of controls. */
	o.headers[0] = "Bad Name: x";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
	o.headers[0] = "X-Ok: a\x01b";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
	o.headers[0] = "X-Ok: a\tb";
	ck_assert_int_gt(httpc_request(&u, &o, buf, sizeof buf), 0);
	/* Nor can a header be smuggled in through the user agent. */
	o.nheaders = 0;
	o.user_agent = "tcplab\r\nInjected: 1";
	ck_assert_int_eq(httpc_request(&u, &o, buf, sizeof buf), TCPLAB_EINVAL);
}
END_TEST

/* Feeds text in pieces of size piece (0: all at once); collects the body. */
static int feed(struct httpc_resp *r, const char *text, size_t len,
                size_t piece, char *body, size_t *blen)
{
	size_t off = 0;
	uint8_t tmp[4096];

	*blen = 0;
	httpc_resp_init(r);
	while (off < len) {
		size_t n = piece && piece < len - off ? piece : len - off;
		size_t got;
		int err = httpc_resp_feed(r, (const uint8_t *)text + off, n,
		                          tmp, &got);
		if (err)
			return err;
		memcpy(body + *blen, tmp, got);
		*blen += got;
		off += n;
	}
	body[*blen] = '\0';
	return 0;
}

/* The article's response by Content-Length, whole and split anywhere,
 * one byte at a time included. */
START_TEST(test_resp_article_length_split)
{
	struct httpc_resp r;
	char body[64];
	size_t blen, piece;

	for (piece = 0; piece <= article_response_len; piece++) {
		ck_assert_int_eq(feed(&r, article_response,
		                      article_response_len, piece, body, &blen),
		                 0);
		ck_assert_msg(httpc_resp_done(&r), "piece %zu", piece);
		ck_assert_str_eq(body, "This is zhenghui");
		ck_assert_int_eq(r.status, 200);
		ck_assert_str_eq(r.reason, "");
		ck_assert_int_eq(r.body, HTTPC_BODY_LENGTH);
		ck_assert(r.keep_alive);
		ck_assert_uint_eq(r.header_bytes, article_response_len - 16);
	}
}
END_TEST

/* Until the Content-Length is reached the response is not done, and a
 * close before then is a truncation. */
START_TEST(test_resp_length_truncated)
{
	struct httpc_resp r;
	char body[64];
	size_t blen;

	feed(&r, article_response, article_response_len - 1, 0, body, &blen);
	ck_assert(!httpc_resp_done(&r));
	ck_assert_str_eq(body, "This is zhenghu");
	ck_assert_int_eq(httpc_resp_eof(&r), TCPLAB_ETRUNC);
}
END_TEST

/* Bytes after the end of the response are not body. */
START_TEST(test_resp_length_extra_ignored)
{
	static const char t[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
	                        "abcdef";
	struct httpc_resp r;
	char body[64];
	size_t blen;

	ck_assert_int_eq(feed(&r, t, sizeof t - 1, 0, body, &blen), 0);
	ck_assert_str_eq(body, "abc");
	ck_assert_str_eq(r.reason, "OK");
	ck_assert(httpc_resp_done(&r));
}
END_TEST

START_TEST(test_resp_chunked_split)
{
	static const char t[] = "HTTP/1.1 200 OK\r\n"
	                        "Transfer-Encoding: chunked\r\n"
	                        "Content-Length: 999\r\n"
	                        "\r\n"
	                        "5\r\nhello\r\n"
	                        "7;ext=1\r\n, world\r\n"
	                        "A\r\n0123456789\r\n"
	                        "0\r\n"
	                        "X-Trailer: yes\r\n"
	                        "\r\n";
	struct httpc_resp r;
	char body[64];
	size_t blen, piece;

	for (piece = 0; piece < sizeof t; piece++) {
		ck_assert_int_eq(feed(&r, t, sizeof t - 1, piece, body, &blen),
		                 0);
		ck_assert_int_eq(r.body, HTTPC_BODY_CHUNKED);
		ck_assert_msg(httpc_resp_done(&r), "piece %zu", piece);
		ck_assert_str_eq(body, "hello, world0123456789");
	}
}
END_TEST

START_TEST(test_resp_chunked_bad_size)
{
	static const char t[] = "HTTP/1.1 200 OK\r\n"
	                        "Transfer-Encoding: chunked\r\n\r\n"
	                        "zz\r\n";
	struct httpc_resp r;
	char body[64];
	size_t blen;

	ck_assert_int_eq(feed(&r, t, sizeof t - 1, 0, body, &blen),
	                 TCPLAB_EINVAL);
}
END_TEST

/* python's http.server: HTTP/1.0, no length, the body ends at the close. */
/* RFC 9112 6.3: a Transfer-Encoding whose last coding is not chunked
 * overrides Content-Length, and the body runs to the server's close. */
START_TEST(test_resp_te_not_chunked_to_close)
{
	static const char t[] = "HTTP/1.1 200 OK\r\n"
	                        "Content-Length: 3\r\n"
	                        "Transfer-Encoding: gzip\r\n"
	                        "Connection: keep-alive\r\n"
	                        "\r\n"
	                        "abcdef";
	struct httpc_resp r;
	char body[64];
	size_t blen;

	ck_assert_int_eq(feed(&r, t, sizeof t - 1, 2, body, &blen), 0);
	ck_assert_int_eq(r.body, HTTPC_BODY_CLOSE);
	ck_assert(!r.keep_alive);
	ck_assert(!httpc_resp_done(&r));
	ck_assert_str_eq(body, "abcdef");
}
END_TEST

START_TEST(test_resp_close_delimited)
{
	static const char t[] = "HTTP/1.0 200 OK\r\n"
	                        "Server: SimpleHTTP/0.6 Python/3.11.2\r\n"
	                        "\n"
	                        "line one\nline two\n";
	struct httpc_resp r;
	char body[64];
	size_t blen;

	ck_assert_int_eq(feed(&r, t, sizeof t - 1, 3, body, &blen), 0);
	ck_assert_int_eq(r.body, HTTPC_BODY_CLOSE);
	ck_assert(!r.keep_alive);
	ck_assert(!httpc_resp_done(&r));
	ck_assert_str_eq(body, "line one\nline two\n");
	ck_assert_int_eq(httpc_resp_eof(&r), 0);
	ck_assert(httpc_resp_done(&r));
}
END_TEST

START_TEST(test_resp_no_body_statuses)
{
	static const char t204[] = "HTTP/1.1 204 No Content\r\n\r\n";
	static const char t100[] = "HTTP/1.1 100 Continue\r\n\r\n"
	                           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	                           "\r\nok";
	struct httpc_resp r;
	char body[64];
	size_t blen;

	ck_assert_int_eq(feed(&r, t204, sizeof t204 - 1, 0, body, &blen), 0);
	ck_assert(httpc_resp_done(&r));
	ck_assert_int_eq(r.body, HTTPC_BODY_NONE);
	ck_assert_int_eq(feed(&r, t100, sizeof t100 - 1, 0, body, &blen), 0);
	ck_assert(httpc_resp_done(&r));
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(body, "ok");
}
END_TEST

START_TEST(test_resp_bad)
{
	static const char *bad[] = {
	        "SSH-2.0-OpenSSH\r\n",
	        "HTTP/1.1 20 OK\r\n",
	        "HTTP/2 200 OK\r\n",
	        "HTTP/1.1 200 OK\r\nNoColon\r\n",
	        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n",
	        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n",
	};
	struct httpc_resp r;
	char body[64];
	size_t blen;
	unsigned i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(feed(&r, bad[i], strlen(bad[i]), 0, body,
		                   &blen) == TCPLAB_EINVAL,
		              "accepted \"%s\"", bad[i]);
}
END_TEST

/* A line longer than the parser keeps is refused, not overrun. */
START_TEST(test_resp_line_too_long)
{
	static char t[HTTPC_LINE_MAX + 64];
	struct httpc_resp r;
	static char body[sizeof t];
	size_t blen;

	memcpy(t, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(t + 20, 'a', sizeof t - 21);
	ck_assert_int_eq(feed(&r, t, sizeof t - 1, 100, body, &blen),
	                 TCPLAB_EINVAL);
}
END_TEST

static Suite *httpc_suite(void)
{
	Suite *s = suite_create("httpc");
	TCase *url = tcase_create("url");
	TCase *req = tcase_create("request");
	TCase *resp = tcase_create("response");

	TESTLIB_ADD(url, test_url_article);
	TESTLIB_ADD(url, test_url_defaults);
	TESTLIB_ADD(url, test_url_bad);
	TESTLIB_ADD(url, test_url_ipv6);
	TESTLIB_ADD(url, test_url_ipv6_bad);
	TESTLIB_ADD(url, test_url_utf8_query_encoded);
	TESTLIB_ADD(url, test_url_unsafe_encoded_as_wget);
	TESTLIB_ADD(url, test_url_reserved_kept);
	TESTLIB_ADD(url, test_url_encode_room);
	TESTLIB_ADD(req, test_request_article);
	TESTLIB_ADD(req, test_request_buffer_exact);
	TESTLIB_ADD(req, test_request_port_80_host);
	TESTLIB_ADD(req, test_request_ipv6_host);
	TESTLIB_ADD(req, test_request_host_lower_case);
	TESTLIB_ADD(req, test_request_user_agent_and_headers);
	TESTLIB_ADD(req, test_request_bad_header);
	TESTLIB_ADD(resp, test_resp_article_length_split);
	TESTLIB_ADD(resp, test_resp_length_truncated);
	TESTLIB_ADD(resp, test_resp_length_extra_ignored);
	TESTLIB_ADD(resp, test_resp_chunked_split);
	TESTLIB_ADD(resp, test_resp_chunked_bad_size);
	TESTLIB_ADD(resp, test_resp_close_delimited);
	TESTLIB_ADD(resp, test_resp_te_not_chunked_to_close);
	TESTLIB_ADD(resp, test_resp_no_body_statuses);
	TESTLIB_ADD(resp, test_resp_bad);
	TESTLIB_ADD(resp, test_resp_line_too_long);
	suite_add_tcase(s, url);
	suite_add_tcase(s, req);
	suite_add_tcase(s, resp);
	return s;
}

TESTLIB_MAIN(httpc_suite)
