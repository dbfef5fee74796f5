/*
 * fuzz_httpc.c: libFuzzer target for the client's HTTP side
 * (common/httpc.c): the response parser and the request builder.
 *
 * The input's first byte chooses the mode (its low two bits) and seeds the
 * split (the rest of it):
 *
 *   0, 1  raw: the rest is a response stream, fed in pseudo-random pieces
 *         (each copied to a buffer of exactly its size, with a body buffer
 *         of exactly the size the header asks for), then the server
 *         closes. Body bytes never exceed what the framing says, the
 *         counters add up, nothing changes once the response is done, and
 *         the same stream fed in one piece gives the same result.
 *   2     made: the rest describes a response (interim 1xx, version,
 *         status, reason, line ends, framing by Content-Length, chunked
 *         with extensions and trailers or the end of the connection, 204
 *         and 304, extra headers, body, trailing bytes), which the target
 *         writes and feeds in pieces, perhaps cut short. The parser must
 *         deliver exactly the body written, be done exactly where the
 *         response ends (RFC 9112 6.3), and report the right status and
 *         persistence.
 *   3     request: the rest is a URL, a User-Agent and -H headers, one a
 *         line. A URL httpc_parse_url() accepts must be made of the parts
 *         it returns; httpc_request() must write a valid request (request
 *         line, headers of token names and values without CR or LF, the
 *         right Host), refuse a buffer one byte short without writing past
 *         it, and fit one of exactly its length.
 *
 * A broken check prints its name and aborts; FUZZ_HTTPC_SKIP, a
 * comma-separated list of names, turns checks off to look past a fault
 * already reported. FUZZ_HTTPC_TRACE prints each made response.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/httpc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char skip_list[256];
static bool tracing; /* FUZZ_HTTPC_TRACE: print the made response */

static bool skipped(const char *name)
{
	size_t n = strlen(name);
	const char *p = skip_list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == skip_list || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

#define CHECK(name, cond)                                                      \
	do {                                                                   \
		if (!(cond) && !skipped(name)) {                               \
			fprintf(stderr,                                        \
			        "fuzz_httpc: check %s broken (%s:%d: %s)\n",   \
			        name, __FILE__, __LINE__, #cond);              \
			abort();                                               \
		}                                                              \
	} while (0)

/* xorshift32, for the sizes of the pieces. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static size_t piece_size(uint32_t *x)
{
	uint32_t r = next_rand(x);

	switch (r & 3) {
	case 0:
		return 1;
	case 1:
		return 1 + (r >> 2) % 8;
	case 2:
		return 1 + (r >> 2) % 100;
	default:
		return 1 + (r >> 2) % 5000;
	}
}

/* ==== Feeding a response. ==== */

/* The outcome of feeding a stream, to compare splits and expectations. */
struct result {
	int err;        /* the first error, or 0 */
	size_t at;      /* bytes fed before the piece that failed, or all */
	bool done;      /* done after the last piece fed (before EOF) */
	size_t done_at; /* bytes fed when it became done */
	int eof;        /* httpc_resp_eof(), when called */
	uint8_t *body;  /* every body byte delivered */
	size_t body_len;
	struct httpc_resp r;
};

/* Whether the framing the parser chose allows body_bytes so far. */
static void check_framing(const struct httpc_resp *r)
{
	CHECK("line-bounded", r->line_len < HTTPC_LINE_MAX);
	if (r->phase == HTTPC_P_STATUS || r->phase == HTTPC_P_HEADERS)
		return;
	if (r->body == HTTPC_BODY_LENGTH)
		CHECK("length-bound",
		      r->body_bytes <= r->content_length &&
		              (r->phase != HTTPC_P_DONE ||
		               r->body_bytes == r->content_length));
	if (r->body == HTTPC_BODY_NONE)
		CHECK("no-body",
		      r->body_bytes == 0 && r->phase == HTTPC_P_DONE);
	if (r->body == HTTPC_BODY_LENGTH && r->phase == HTTPC_P_BODY)
		CHECK("length-left",
		      r->left == r->content_length - r->body_bytes);
}

/* Feeds one piece p[0..n) (an exact copy) into res. */
static void feed_one(struct result *res, const uint8_t *p, size_t n)
{
	struct httpc_resp before = res->r;
	uint8_t *body = malloc(n ? n : 1);
	size_t got = (size_t)-1;
	int rc;

	CHECK("alloc", body != NULL);
	rc = httpc_resp_feed(&res->r, p, n, body, &got);
	CHECK("feed-result", rc == 0 || rc == TCPLAB_EINVAL);
	CHECK("body-len", got <= n);
	CHECK("body-count", res->r.body_bytes == before.body_bytes + got);
	/* Once done, the rest is ignored: nothing moves. */
	if (before.phase == HTTPC_P_DONE)
		CHECK("done-stays",
		      rc == 0 && got == 0 && res->r.phase == HTTPC_P_DONE &&
		              memcmp(&before, &res->r, sizeof before) == 0);
	CHECK("done-consistent",
	      httpc_resp_done(&res->r) == (res->r.phase == HTTPC_P_DONE));
	memcpy(res->body + res->body_len, body, got);
	res->body_len += got;
	free(body);
	if (rc != 0)
		res->err = rc;
	else
		check_framing(&res->r);
}

/*
 * Feeds s[0..n) in pieces (all of it in one when whole), stopping at the
 * first error, then tells the parser the server closed when eof.
 */
static void feed_stream(const uint8_t *s, size_t n, uint32_t seed, bool whole,
                        bool eof, struct result *res)
{
	uint32_t x = seed | 1;
	size_t off = 0;

	memset(res, 0, sizeof *res);
	res->body = malloc(n ? n : 1);
	CHECK("alloc", res->body != NULL);
	res->done_at = (size_t)-1;
	httpc_resp_init(&res->r);
	while (off < n && res->err == 0) {
		size_t k = whole ? n - off : piece_size(&x);
		uint8_t *piece;

		if (k > n - off)
			k = n - off;
		piece = malloc(k);
		CHECK("alloc", piece != NULL);
		memcpy(piece, s + off, k);
		res->at = off;
		feed_one(res, piece, k);
		free(piece);
		off += k;
		if (res->done_at == (size_t)-1 && httpc_resp_done(&res->r))
			res->done_at = off;
	}
	if (res->err == 0)
		res->at = n;
	res->done = httpc_resp_done(&res->r);
	if (eof && res->err == 0) {
		res->eof = httpc_resp_eof(&res->r);
		CHECK("eof-result", res->eof == 0 || res->eof == TCPLAB_ETRUNC);
		CHECK("eof-done", (res->eof == 0) == httpc_resp_done(&res->r));
		CHECK("eof-close-only",
		      res->done || res->eof != 0 ||
		              (res->r.body == HTTPC_BODY_CLOSE &&
		               res->r.phase == HTTPC_P_DONE));
	}
}

static void result_free(struct result *res)
{
	free(res->body);
}

/* Raw mode: any bytes; the split must not matter. */
static void run_raw(const uint8_t *s, size_t n, uint32_t seed)
{
	struct result a, b;

	feed_stream(s, n, seed, false, true, &a);
	feed_stream(s, n, seed, true, true, &b);
	CHECK("split-error", (a.err != 0) == (b.err != 0));
	if (a.err == 0) {
		CHECK("split-result",
		      a.done == b.done && a.eof == b.eof &&
		              a.r.status == b.r.status &&
		              a.r.body == b.r.body &&
		              a.r.keep_alive == b.r.keep_alive &&
		              a.r.header_bytes == b.r.header_bytes &&
		              a.r.body_bytes == b.r.body_bytes);
		CHECK("split-body",
		      a.body_len == b.body_len &&
		              memcmp(a.body, b.body, a.body_len) == 0);
	}
	result_free(&a);
	result_free(&b);
}

/* ==== Made responses. ==== */

struct gen {
	const uint8_t *p;
	size_t n;
};

static uint8_t g8(struct gen *g)
{
	if (g->n == 0)
		return 0;
	g->n--;
	return *g->p++;
}

/* A response being written, and what the parser must make of it. */
struct made {
	char text[65536];
	size_t len;
	uint8_t body[8192];
	size_t body_len;
	size_t head_end; /* where the final response's headers end */
	size_t end;      /* where the response ends; len when it runs to EOF */
	int status, minor;
	bool keep_alive;
	bool to_eof;
	bool te_last_not_chunked; /* Transfer-Encoding ends in another coding */
	bool full;                /* the text did not fit */
};

static void put(struct made *m, const void *s, size_t n)
{
	if (m->len + n > sizeof m->text) {
		m->full = true;
		return;
	}
	memcpy(m->text + m->len, s, n);
	m->len += n;
}

static void puts_(struct made *m, const char *s)
{
	put(m, s, strlen(s));
}

static const char *eol(struct gen *g, bool lf_only)
{
	return lf_only && (g8(g) & 1) ? "\n" : "\r\n";
}

static const char *cased(struct gen *g, const char *lower, const char *canon,
                         const char *upper)
{
	switch (g8(g) % 3) {
	case 0:
		return lower;
	case 1:
		return canon;
	default:
		return upper;
	}
}

/* An interim response: 100 Continue, 102, 103, with perhaps a header. */
static void made_interim(struct made *m, struct gen *g, bool lf)
{
	static const char *const lines[] = {"HTTP/1.1 100 Continue",
	                                    "HTTP/1.1 102 Processing",
	                                    "HTTP/1.1 103 Early Hints"};
	uint8_t b = g8(g);

	puts_(m, lines[b % 3]);
	puts_(m, eol(g, lf));
	if (b & 4) {
		puts_(m, "Link: </a.css>; rel=preload");
		puts_(m, eol(g, lf));
	}
	puts_(m, eol(g, lf));
}

/* The status line: version, status, and a reason or none. */
static void made_status(struct made *m, struct gen *g, bool lf)
{
	static const int statuses[] = {200, 200, 201, 204, 206, 301,
	                               304, 404, 500, 299, 599, 200};
	char line[64];
	uint8_t b = g8(g);

	m->minor = b & 1;
	m->status = statuses[(b >> 1) % 12];
	switch (b >> 5 & 3) {
	case 0: /* Spring Boot's: no reason, but the space */
		snprintf(line, sizeof line, "HTTP/1.%d %d ", m->minor,
		         m->status);
		break;
	case 1:
		snprintf(line, sizeof line, "HTTP/1.%d %d", m->minor,
		         m->status);
		break;
	default:
		snprintf(line, sizeof line, "HTTP/1.%d %d Some Reason",
		         m->minor, m->status);
		break;
	}
	puts_(m, line);
	puts_(m, eol(g, lf));
}

/* Connection: close, keep-alive or nothing; returns the persistence RFC
 * 9112 9.3 gives. */
static bool made_connection(struct made *m, struct gen *g, bool lf)
{
	switch (g8(g) % 4) {
	case 0:
		puts_(m, cased(g, "connection", "Connection", "CONNECTION"));
		puts_(m, ": close");
		puts_(m, eol(g, lf));
		return false;
	case 1:
		puts_(m, "Connection: Keep-Alive");
		puts_(m, eol(g, lf));
		return true;
	default:
		return m->minor >= 1;
	}
}

/* The body's bytes, from the description. */
static void made_body(struct made *m, struct gen *g)
{
	size_t i, n = (size_t)g8(g) * 8;
	uint8_t seed;

	n += g8(g) % 8;
	seed = g8(g);

	for (i = 0; i < n && i < sizeof m->body; i++)
		m->body[i] = (uint8_t)(seed + i * 31 + (i >> 8));
	m->body_len = i;
}

static void made_length(struct made *m, struct gen *g, bool lf, size_t n)
{
	char line[64];
	static const char *const pad[] = {"", " ", "\t", "  \t"};

	snprintf(line, sizeof line, ": %zu%s", n, pad[g8(g) % 4]);
	puts_(m,
	      cased(g, "content-length", "Content-Length", "CONTENT-LENGTH"));
	puts_(m, line);
	puts_(m, eol(g, lf));
}

/* The chunked body: sizes, hex in either case, leading zeros,
 * extensions, the last chunk and trailers (RFC 9112 7.1). */
static void made_chunks(struct made *m, struct gen *g, bool lf)
{
	static const char *const ext[] = {"", ";name=value", ";x",
	                                  " ;q=\"a b\""};
	size_t off = 0;
	char line[64];

	while (off < m->body_len) {
		size_t k = 1 + g8(g) % 200;
		uint8_t b = g8(g);

		if (k > m->body_len - off)
			k = m->body_len - off;
		snprintf(line, sizeof line, (b & 1) ? "%s%zX%s" : "%s%zx%s",
		         (b & 2) ? "00" : "", k, ext[b >> 2 & 3]);
		puts_(m, line);
		puts_(m, eol(g, lf));
		put(m, m->body + off, k);
		puts_(m, eol(g, lf));
		off += k;
	}
	snprintf(line, sizeof line, "%s0", (g8(g) & 1) ? "00" : "");
	puts_(m, line);
	snprintf(line, sizeof line, "%s", ext[g8(g) % 4]);
	puts_(m, line);
	puts_(m, eol(g, lf));
	if (g8(g) & 1) {
		puts_(m, "X-Trailer: done");
		puts_(m, eol(g, lf));
	}
	puts_(m, eol(g, lf));
}

/* The framing headers and the body after the blank line. */
static void made_framing(struct made *m, struct gen *g, bool lf)
{
	uint8_t how = g8(g) % 5;
	bool nobody = m->status == 204 || m->status == 304;

	if (nobody) {
		/* RFC 9112 6.3: no body, whatever the headers say. */
		if (how & 1)
			made_length(m, g, lf, 20);
		puts_(m, eol(g, lf));
		m->head_end = m->len;
		m->body_len = 0;
		return;
	}
	if (how == 0 || how == 3) {
		/* "If a message is received with both a Transfer-Encoding
		 * and a Content-Length header field, the Transfer-Encoding
		 * overrides the Content-Length." */
		if (how == 3 && (g8(g) & 1))
			made_length(m, g, lf, m->body_len + 7);
		puts_(m, cased(g, "transfer-encoding", "Transfer-Encoding",
		               "TRANSFER-ENCODING"));
		puts_(m, (g8(g) & 1) ? ": gzip, chunked" : ": chunked");
		puts_(m, eol(g, lf));
		puts_(m, eol(g, lf));
		m->head_end = m->len;
		made_chunks(m, g, lf);
		return;
	}
	if (how == 1) {
		made_length(m, g, lf, m->body_len);
		puts_(m, eol(g, lf));
		m->head_end = m->len;
		put(m, m->body, m->body_len);
		return;
	}
	/* "If a Transfer-Encoding header field is present in a response
	 * and the chunked transfer coding is not the final encoding, the
	 * message body length is determined by reading the connection until
	 * it is closed by the server", whatever Content-Length says. */
	if (how == 4) {
		puts_(m, "Transfer-Encoding: gzip");
		puts_(m, eol(g, lf));
		m->te_last_not_chunked = true;
		if (g8(g) & 1)
			made_length(m, g, lf, m->body_len);
	}
	/* Neither: the body runs until the server closes. */
	puts_(m, eol(g, lf));
	m->head_end = m->len;
	put(m, m->body, m->body_len);
	m->to_eof = true;
	m->keep_alive = false;
}

/* Writes the response the description gives. */
static void make(struct made *m, struct gen *g)
{
	uint8_t b = g8(g);
	bool lf = b & 1;
	unsigned i;

	m->len = m->body_len = 0;
	m->full = m->to_eof = m->te_last_not_chunked = false;
	for (i = 0; i < (b >> 1 & 3) % 3; i++)
		made_interim(m, g, lf);
	made_status(m, g, lf);
	if (b & 0x08) {
		puts_(m, "Server: fuzz");
		puts_(m, eol(g, lf));
	}
	m->keep_alive = made_connection(m, g, lf);
	if (b & 0x10) {
		puts_(m, "X-Empty:");
		puts_(m, eol(g, lf));
	}
	made_body(m, g);
	made_framing(m, g, lf);
	m->end = m->len;
}

/* Made mode: the parser must find the body and the end that were made. */
static void run_made(const uint8_t *d, size_t n, uint32_t seed)
{
	static struct made m;
	struct gen g = {d, n};
	struct result res;
	size_t feed_len, cut = 0;
	uint8_t how;

	make(&m, &g);
	how = g8(&g);
	if (m.full)
		return;
	/* After a delimited response, the rest of the input follows on the
	 * connection and must be ignored. */
	if (!m.to_eof)
		put(&m, g.p, g.n);
	feed_len = m.len;
	if (tracing)
		fprintf(stderr,
		        "made (%zu bytes, ends at %zu, body %zu%s):\n%.*s\n",
		        m.len, m.end, m.body_len, m.to_eof ? ", to EOF" : "",
		        (int)m.len, m.text);
	if (how & 1) {
		/* Cut short: the server closes early. */
		cut = m.end ? (size_t)(seed >> 8) % m.end : 0;
		feed_len = cut;
	}
	feed_stream((const uint8_t *)m.text, feed_len, seed, false, true, &res);
	CHECK("made-parses", res.err == 0);
	if (feed_len < m.end) {
		CHECK("made-cut-prefix",
		      res.body_len <= m.body_len &&
		              memcmp(res.body, m.body, res.body_len) == 0);
		CHECK("made-cut-not-done", !res.done);
		CHECK("made-cut-eof",
		      m.to_eof ? true : res.eof == TCPLAB_ETRUNC);
		result_free(&res);
		return;
	}
	CHECK("made-status",
	      res.r.status == m.status && res.r.version_minor == m.minor);
	CHECK("made-body", res.body_len == m.body_len &&
	                           memcmp(res.body, m.body, m.body_len) == 0);
	CHECK("made-head", res.r.header_bytes == m.head_end);
	/* Where the body ends, and so whether the connection can stay. */
	if (m.te_last_not_chunked) {
		CHECK("made-te-to-eof",
		      !res.done && res.eof == 0 && !res.r.keep_alive);
		result_free(&res);
		return;
	}
	CHECK("made-end", m.to_eof ? !res.done && res.eof == 0
	                           : res.done_at >= m.end &&
	                                     res.done_at - m.end < 5000 + 1);
	CHECK("made-keep-alive", res.r.keep_alive == m.keep_alive);
	result_free(&res);
}

/* ==== Requests. ==== */

/* Splits d into lines (at most max), each a NUL-terminated copy. */
static unsigned split_lines(const uint8_t *d, size_t n, char **lines,
                            unsigned max)
{
	unsigned k = 0;
	size_t b = 0, i;

	for (i = 0; i <= n && k < max; i++) {
		if (i < n && d[i] != '\n')
			continue;
		lines[k] = malloc(i - b + 1);
		CHECK("alloc", lines[k] != NULL);
		memcpy(lines[k], d + b, i - b);
		lines[k][i - b] = '\0';
		k++;
		b = i + 1;
	}
	return k;
}

static bool tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Whether httpc.h says the byte at p (of a path ending at end) goes out
 * as %XX: control characters, space, DEL, 0x80 and up, the nine it names,
 * and a '%' that does not start an escape. */
static bool escaped_byte(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;

	if (c == '%')
		return !(end - p > 2 && isxdigit((unsigned char)p[1]) &&
		         isxdigit((unsigned char)p[2]));
	return c <= ' ' || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

/* The path written as httpc.h says: up to a '#', each byte as it is or as
 * %XX in upper-case hex. */
static bool path_is_encoded(const char *p, const char *enc)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *end = p + strcspn(p, "#");

	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (!escaped_byte(p, end)) {
			if (*enc++ != (char)c)
				return false;
		} else if (enc[0] != '%' || enc[1] != hex[c >> 4] ||
		           enc[2] != hex[c & 15]) {
			return false;
		} else {
			enc += 3;
		}
	}
	return *enc == '\0';
}

/* A URL accepted is made of its parts: [http://]host[:port][path], the
 * path percent-encoded and without its fragment. */
static void check_url(const char *url, const struct httpc_url *u)
{
	const char *p = url;
	size_t hl = strlen(u->host);
	unsigned long port = 0;

	/* An IPv6 host came in brackets and is kept without them. */
	CHECK("url-host",
	      hl > 0 && hl < sizeof u->host &&
	              strpbrk(u->host, u->host6 ? "/?#@ []" : "/?#@: ") ==
	                      NULL);
	CHECK("url-path", u->path[0] == '/' &&
	                          strlen(u->path) < sizeof u->path &&
	                          strpbrk(u->path, " \r\n\t") == NULL);
	CHECK("url-port", u->port != 0 && (u->port_given || u->port == 80));
	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	if (u->host6) {
		CHECK("url-parts-host6", *p == '[' && p[1 + hl] == ']');
		p++;
	}
	/* httpc.h: the host is kept in lower case, as wget sends it. */
	CHECK("url-parts-host",
	      strncasecmp(p, u->host, hl) == 0 &&
	              strpbrk(u->host, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL);
	p += hl + (u->host6 ? 1 : 0);
	if (u->port_given) {
		CHECK("url-parts-port", *p == ':');
		for (p++; *p >= '0' && *p <= '9'; p++)
			port = port * 10 + (unsigned long)(*p - '0');
		CHECK("url-parts-port", port == u->port);
	}
	CHECK("url-parts-path",
	      path_is_encoded(p, u->path) ||
	              (*p == '\0' && strcmp(u->path, "/") == 0));
}

/* Whether httpc_request() must refuse these -H headers. */
/* A control character other than tab (RFC 9110 5.5). */
static bool has_ctl(const char *v)
{
	for (; *v != '\0'; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return true;
	return false;
}

/* What httpc.h says httpc_request() refuses: a -H header without a colon,
 * with a name that is not a token, or with a control character, and a
 * user agent with a control character. */
static bool headers_bad(const struct httpc_req_opts *o)
{
	const char *q;
	unsigned i;

	if (o->user_agent != NULL && has_ctl(o->user_agent))
		return true;
	for (i = 0; i < o->nheaders; i++) {
		const char *h = o->headers[i], *c = strchr(h, ':');

		if (c == NULL || c == h || has_ctl(h))
			return true;
		for (q = h; q < c; q++)
			if (!tchar(*q))
				return true;
	}
	return false;
}

/* The request req[0..n) is valid: "GET path HTTP/1.1", header lines of
 * token names and values without CR, LF or NUL, the blank line, and the
 * Host header names the URL's host and port. */
static void check_request(const char *req, size_t n, const struct httpc_url *u)
{
	char line[HTTPC_HOST_MAX + 16];
	const char *p, *end = req + n, *e;
	size_t pl = strlen(u->path);
	int hosts = 0;

	CHECK("req-line",
	      n > 4 + pl + 11 && memcmp(req, "GET ", 4) == 0 &&
	              memcmp(req + 4, u->path, pl) == 0 &&
	              memcmp(req + 4 + pl, " HTTP/1.1\r\n", 11) == 0);
	/* RFC 9112 3.2.1: origin-form is a path and a query; a fragment
	 * stays with the client (wget drops it). */
	CHECK("req-line-fragment", memchr(req + 4, '#', pl) == NULL);
	snprintf(line, sizeof line, u->host6 ? "Host: [%s]" : "Host: %s",
	         u->host);
	if (u->port != 80)
		snprintf(line + strlen(line), sizeof line - strlen(line), ":%u",
		         u->port);
	for (p = req + 4 + pl + 11; p < end; p = e + 2) {
		const char *q;

		e = memmem(p, (size_t)(end - p), "\r\n", 2);
		CHECK("req-crlf", e != NULL);
		if (e == p) {
			CHECK("req-blank-last", e + 2 == end);
			break;
		}
		for (q = p; q < e && *q != ':'; q++)
			CHECK("req-header-name", tchar(*q));
		CHECK("req-header-colon", q > p && q < e);
		for (; q < e; q++)
			CHECK("req-header-value",
			      *q != '\r' && *q != '\n' && *q != '\0');
		hosts +=
		        (size_t)(e - p) >= 5 && strncasecmp(p, "host:", 5) == 0;
		if ((size_t)(e - p) == strlen(line) &&
		    memcmp(p, line, strlen(line)) == 0)
			hosts += 100;
	}
	CHECK("req-ends", p < end);
	/* wget's own Host, unless a -H header replaced it. */
	CHECK("req-host", hosts == 101 || hosts == 1);
}

/* httpc_request() into a buffer of exactly cap bytes. */
static int request_into(const struct httpc_url *u,
                        const struct httpc_req_opts *o, size_t cap, char **out)
{
	char *buf = malloc(cap ? cap : 1);
	int n;

	CHECK("alloc", buf != NULL);
	n = httpc_request(u, o, buf, cap);
	*out = buf;
	return n;
}

static void run_request(const uint8_t *d, size_t n, uint8_t flags)
{
	char *lines[2 + HTTPC_HEADERS_MAX], *req, *req2;
	struct httpc_req_opts o;
	struct httpc_url u;
	unsigned k, i;
	int len, len2;

	k = split_lines(d, n, lines, 2 + HTTPC_HEADERS_MAX);
	memset(&o, 0, sizeof o);
	if (k >= 2 && (flags & 4))
		o.user_agent = lines[1];
	for (i = 2; i < k; i++)
		o.headers[o.nheaders++] = lines[i];
	if (k > 0 && httpc_parse_url(lines[0], &u) == 0) {
		check_url(lines[0], &u);
		len = request_into(&u, &o, 65536, &req);
		CHECK("req-result",
		      headers_bad(&o) ? len == TCPLAB_EINVAL : len > 0);
		if (len > 0) {
			check_request(req, (size_t)len, &u);
			/* One byte short is refused; exactly enough fits. */
			len2 = request_into(&u, &o, (size_t)len - 1, &req2);
			CHECK("req-short", len2 == TCPLAB_ENOSPC);
			free(req2);
			len2 = request_into(&u, &o, (size_t)len, &req2);
			CHECK("req-exact",
			      len2 == len &&
			              memcmp(req, req2, (size_t)len) == 0);
			free(req2);
		}
		free(req);
	}
	for (i = 0; i < k; i++)
		free(lines[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_HTTPC_SKIP");

	(void)argc;
	(void)argv;
	if (s != NULL)
		snprintf(skip_list, sizeof skip_list, "%s", s);
	tracing = getenv("FUZZ_HTTPC_TRACE") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed;

	if (size < 1)
		return 0;
	seed = ((uint32_t)data[0] >> 2) * 2654435761u ^ (uint32_t)size;
	switch (data[0] & 3) {
	case 2:
		run_made(data + 1, size - 1, seed);
		break;
	case 3:
		run_request(data + 1, size - 1, data[0]);
		break;
	default:
		run_raw(data + 1, size - 1, seed);
		break;
	}
	return 0;
}
