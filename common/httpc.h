/*
 * httpc.h: the HTTP client side of a wget-style exchange, sans I/O.
 *
 * Three pieces. httpc_parse_url() takes a URL as wget 1.14 takes it,
 * "http://HOST[:PORT]/PATH?QUERY" (the scheme may be left out), and
 * writes its path and query as wget sends them: the bytes a URL may not
 * carry (UTF-8 text, spaces, quotes...) percent-encoded.
 * httpc_request() writes the request wget 1.14 sends, with its headers in
 * its order (User-Agent, Accept, Host, Connection: Keep-Alive); a
 * --user-agent replaces the agent and each -H header replaces the header of
 * the same name in place or is appended, as wget does. The response parser
 * is incremental: it is fed the bytes of each segment as they arrive and
 * finds the status line, the headers and the body, delimited by
 * Content-Length, by chunked transfer coding, or by the end of the
 * connection.
 *
 * This module must never do I/O, print, allocate, read a clock or keep
 * global state; names are not resolved here (the host is kept as text).
 */
#ifndef TCPLAB_HTTPC_H
#define TCPLAB_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTPC_HOST_MAX    256
#define HTTPC_PATH_MAX    2048
#define HTTPC_LINE_MAX    4096 /* longest status or header line accepted */
#define HTTPC_HEADERS_MAX 16   /* -H headers one request may carry */

/* wget 1.14's User-Agent on Linux. */
#define HTTPC_WGET_UA "Wget/1.14 (linux-gnu)"

struct httpc_url {
	char host[HTTPC_HOST_MAX]; /* a name (in lower case), a dotted quad,
	                              or an IPv6 address without brackets */
	bool host6;                /* host came as "[IPv6 address]" */
	uint16_t port;             /* 80 unless the URL says otherwise */
	bool port_given;           /* the URL named a port */
	char path[HTTPC_PATH_MAX]; /* from the first '/' on, query included,
	                              percent-encoded as it goes out */
};

/*
 * Parses url into u. Accepts "http://" or no scheme, a host, an optional
 * ":PORT" (1..65535) and an optional path ("/" when there is none). The
 * host may be an IPv6 address in brackets, "http://[2001:db8::5]:8080/"
 * (RFC 3986 3.2.2), which is kept without them and sets host6. The
 * host is kept in lower case, as wget writes it in the Host header; the
 * path and query go through httpc_encode_path(), and a "#fragment" is
 * left out, as wget leaves it out. Returns 0, or TCPLAB_EINVAL for an
 * empty host, another scheme, a bad port, spaces or control characters
 * in the host, or a part too long.
 */
int httpc_parse_url(const char *url, struct httpc_url *u);

/*
 * Writes the n bytes of a path and query at in as wget sends them into
 * out (cap bytes, NUL included): control characters, space, DEL, bytes
 * from 0x80 up, and " < > \ ^ ` { | } become %XX (upper-case hex), and
 * so does a '%' that does not start a %XX escape; every other byte,
 * "/?&=:;@[]" among them, stays. "/?name=张三" becomes
 * "/?name=%E5%BC%A0%E4%B8%89". Returns the length written, or
 * TCPLAB_ENOSPC when out is too small.
 */
int httpc_encode_path(const char *in, size_t n, char *out, size_t cap);

/* What may change in the request: NULL/0 fields keep wget's defaults. */
struct httpc_req_opts {
	const char *user_agent;                 /* --user-agent */
	const char *headers[HTTPC_HEADERS_MAX]; /* -H "Name: value" */
	unsigned nheaders;
};

/*
 * Writes the GET request for u into buf (no NUL is counted). The Host
 * header carries ":PORT" only when the port is not 80, as wget's does,
 * and an IPv6 address in brackets.
 * Returns the length, TCPLAB_ENOSPC when cap is too small, or
 * TCPLAB_EINVAL for a -H header without a colon, with a name that is not
 * a token (RFC 9110 5.1) or a control character other than tab in it,
 * or for a user agent with such a character (no header can be smuggled
 * in through either).
 */
int httpc_request(const struct httpc_url *u, const struct httpc_req_opts *o,
                  char *buf, size_t cap);

/* How the end of a response body is found. */
enum httpc_body {
	HTTPC_BODY_LENGTH,  /* Content-Length bytes */
	HTTPC_BODY_CHUNKED, /* Transfer-Encoding: chunked */
	HTTPC_BODY_CLOSE,   /* until the server closes (HTTP/1.0 style) */
	HTTPC_BODY_NONE,    /* 1xx, 204 and 304 carry no body */
};

enum httpc_phase {
	HTTPC_P_STATUS,     /* reading the status line */
	HTTPC_P_HEADERS,    /* reading header lines */
	HTTPC_P_BODY,       /* body bytes (length or close) */
	HTTPC_P_CHUNK_SIZE, /* a chunk-size line */
	HTTPC_P_CHUNK_DATA, /* chunk data */
	HTTPC_P_CHUNK_CRLF, /* the CRLF after chunk data */
	HTTPC_P_TRAILERS,   /* trailer lines after the last chunk */
	HTTPC_P_DONE,       /* the response is complete */
};

struct httpc_resp {
	enum httpc_phase phase;
	char line[HTTPC_LINE_MAX]; /* the line being read */
	size_t line_len;

	int version_minor; /* HTTP/1.x */
	int status;        /* 200 */
	char reason[64];   /* "OK", or "" as Spring Boot sends */
	enum httpc_body body;
	uint64_t content_length; /* when body is HTTPC_BODY_LENGTH */
	bool keep_alive;         /* the server means to keep the connection */
	bool te_seen;            /* a Transfer-Encoding header came */
	uint64_t left;           /* bytes left in the body or the chunk */
	uint64_t header_bytes;   /* status line and headers, CRLFs included */
	uint64_t body_bytes;     /* body bytes delivered so far */
};

void httpc_resp_init(struct httpc_resp *r);

/*
 * Feeds n bytes of the response. Body bytes (de-chunked) are copied to
 * body, which must have room for n bytes, and their count stored in
 * *body_len. Bytes after the end of the response are ignored. Returns 0,
 * or TCPLAB_EINVAL for a malformed response (bad status line, bad
 * Content-Length or chunk size, a line longer than HTTPC_LINE_MAX).
 */
int httpc_resp_feed(struct httpc_resp *r, const uint8_t *p, size_t n,
                    uint8_t *body, size_t *body_len);

/*
 * Tells the parser that the server closed its side. Returns 0 when the
 * response is complete (a close-delimited body ends here), or
 * TCPLAB_ETRUNC when the server closed before the end of the response.
 */
int httpc_resp_eof(struct httpc_resp *r);

/* Whether the whole response has been read. */
bool httpc_resp_done(const struct httpc_resp *r);

#endif
