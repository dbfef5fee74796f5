/*
 * httpd.h: the server side of HTTP/1.1 for tcplab-server, sans I/O.
 *
 * It parses requests from the bytes of a TCP stream as they arrive, in any
 * split (a request over several segments, several requests in one), and
 * writes the responses of the article's endpoint: GET /truedei/test?name=X
 * answers "This is X" with the headers Spring Boot sent, byte for byte.
 * Other paths get 404, a malformed request 400 and a request head over
 * 8 KiB 431; both of those close the connection, and so does the 408 the
 * caller asks for when a request head takes too long. The responses that
 * keep the connection announce the caller's keep-alive timeout (60 s, as
 * the article's). The date is the caller's:
 * this module never reads a clock, never prints, never allocates and keeps
 * no global state.
 */
#ifndef TCPLAB_HTTPD_H
#define TCPLAB_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest request head (request line and headers) accepted. */
#define HTTPD_HEAD_MAX 8192
/* Room for the longest response: a name can fill a whole head. */
#define HTTPD_RESP_MAX (HTTPD_HEAD_MAX + 512)
/* The endpoint of the article. */
#define HTTPD_PATH "/truedei/test"
/* Data to move: GET /bytes/N answers with N bytes of a known pattern
 * (httpd_body_fill()), at most HTTPD_BYTES_MAX. */
#define HTTPD_BYTES_PATH "/bytes/"
#define HTTPD_BYTES_MAX  (1024ULL * 1024 * 1024)

/* One connection's parser. */
struct httpd {
	uint8_t buf[HTTPD_HEAD_MAX]; /* bytes of requests not answered yet */
	size_t len;
	size_t skip;     /* body bytes of the last request still to discard */
	bool done;       /* a response closed the connection: ignore the rest */
	bool close_each; /* close after every response, as HTTP/1.0 servers */
	unsigned keepalive_s; /* Keep-Alive: timeout=N, what the server
	                         enforces (httpd_init() sets 60) */
};

/* What one answered request was, for the server's log. */
struct httpd_info {
	int status;   /* 200, 400, 404, 405, 408, 431 */
	bool close;   /* the connection must close after this response */
	bool visitor; /* the endpoint answered: name holds the visitor */
	char method[16];
	char path[128];            /* the path, cut to fit */
	char name[HTTPD_HEAD_MAX]; /* URL-decoded, NUL-terminated */
	size_t name_len;
	const char *reason; /* why 400, for the log, or NULL */
	/* Bytes of body the caller sends after the response's head, made
	 * by httpd_body_fill() (GET /bytes/N); 0 for none. Such a response
	 * closes the connection after its body. */
	uint64_t body_gen;
	bool generated; /* a /bytes/N response: body_gen is its body */
};

/* The bytes of a /bytes/N body from offset off on: lines of 64 bytes,
 * "0123...xyz+/" cut to 63 and a newline, so that a reader can see where
 * a byte belongs. */
void httpd_body_fill(uint64_t off, uint8_t *p, size_t n);

/* Prepares h; close_each makes every response close the connection. The
 * keep-alive timeout announced is 60 s until the caller sets another. */
void httpd_init(struct httpd *h, bool close_each);

/* Whether part of a request head has arrived and waits for the rest,
 * once httpd_next() has answered every complete one. */
bool httpd_partial(const struct httpd *h);

/*
 * Takes up to n bytes of the stream. Returns how many were taken: fewer
 * than n when the buffer is full, and then httpd_next() makes room.
 * Bytes after a closing response are taken and ignored.
 */
size_t httpd_feed(struct httpd *h, const uint8_t *p, size_t n);

/*
 * Answers the next complete request, if one has arrived: writes the
 * response into out (HTTPD_RESP_MAX bytes are always enough), fills info
 * and returns the response's length. Returns 0 when no complete request
 * is waiting, TCPLAB_ENOSPC when cap is too small (nothing consumed).
 * date is the Date header's value, e.g. "Mon, 15 Jun 2020 14:49:10 GMT".
 */
int httpd_next(struct httpd *h, const char *date, char *out, size_t cap,
               struct httpd_info *info);

/*
 * The caller has waited too long for the rest of a request head: writes
 * a 408 that closes the connection into out (RFC 9110 15.5.9), fills
 * info and returns the response's length; the rest of the stream is
 * ignored from now on. TCPLAB_ENOSPC when cap is too small.
 */
int httpd_timeout(struct httpd *h, const char *date, char *out, size_t cap,
                  struct httpd_info *info);

/*
 * The RFC 7231 IMF-fixdate of sec seconds after the epoch, e.g.
 * "Mon, 15 Jun 2020 14:49:10 GMT". Returns its length, or TCPLAB_ENOSPC.
 */
int httpd_date(int64_t sec, char *buf, size_t cap);

/*
 * Decodes %XX escapes and '+' (a space in a query) from src[0..n) into
 * dst. Returns the decoded length, or TCPLAB_EINVAL for a bad escape,
 * TCPLAB_ENOSPC when dst is too small. dst is NUL-terminated.
 */
int httpd_url_decode(const char *src, size_t n, char *dst, size_t cap);

#endif
