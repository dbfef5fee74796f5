/*
 * fuzz_httpd.c: libFuzzer target for the server's HTTP parser and
 * responder (common/httpd.c).
 *
 * The input's first byte chooses: bit 0 makes every response close the
 * connection (close_each), bits 1-3 repeat the rest 1 to 128 times (so
 * that a short input can make pipelined requests by the hundred, or a
 * request head past 8 KiB), bits 4-7 seed the split. The rest is the TCP
 * stream of requests. It is fed to httpd in pieces of pseudo-random sizes
 * (1 byte to 16 KiB, each copied to a buffer of exactly its size, so that
 * a read past a piece is caught), and every answer httpd_next() has is
 * taken after each httpd_feed(), as tcplab-server does.
 *
 * Invariants: httpd_feed() takes what fits and no more, and the buffer
 * stays within HTTPD_HEAD_MAX; when it takes nothing, httpd_next() has an
 * answer (or a caller would loop); HTTPD_RESP_MAX is always room enough,
 * and a smaller buffer that is refused changes no answer; every response
 * is well-formed (the status line, token header names, one Content-Length
 * that the body matches, except HEAD's, the caller's Date, Connection:
 * close exactly when the connection closes), its status matches info,
 * a 200 says "This is NAME"; 400 and 431 close, and after a closing
 * response nothing more is answered and every byte is taken. Finally the
 * answers do not depend on the split: the same stream fed in one piece
 * gets the same responses.
 *
 * Two rules of RFC 9112 are checked on the head each answer is for, which
 * the target finds in its own copy of the parser: a request with more than
 * one Host, or with Content-Length values that differ, gets 400. Their
 * names, one-host and one-length, can be listed in FUZZ_HTTPD_SKIP to look
 * past them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/httpd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_httpd: %s:%d: %s\n", __FILE__,   \
			        __LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static char skip_list[256];

/* An RFC rule FUZZ_HTTPD_SKIP can turn off by name. */
#define RULE(name, cond)                                                       \
	do {                                                                   \
		if (!(cond) && strstr(skip_list, name) == NULL) {              \
			fprintf(stderr,                                        \
			        "fuzz_httpd: rule %s broken (%s:%d: %s)\n",    \
			        name, __FILE__, __LINE__, #cond);              \
			abort();                                               \
		}                                                              \
	} while (0)

#define STREAM_MAX (64 * 1024)
#define DATE       "Mon, 15 Jun 2020 14:49:10 GMT"

/* What a run of the parser answered, to compare two splits. */
struct answers {
	unsigned n;
	uint64_t hash; /* FNV-1a over every response and its info */
	bool closed;
};

static void hash_in(struct answers *a, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		a->hash = (a->hash ^ b[i]) * 0x100000001b3ull;
}

/* xorshift32: the sizes of the pieces. */
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
		return 1 + (r >> 2) % 16;
	case 2:
		return 1 + (r >> 2) % 512;
	default:
		return 1 + (r >> 2) % 16384;
	}
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool has_nul(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* One header line "Name: value" of length n: returns the value. */
static const char *header_value(const char *l, size_t n, size_t *vlen)
{
	const char *colon = memchr(l, ':', n);
	size_t i;

	CHECK(colon != NULL && colon > l && colon + 1 < l + n &&
	      colon[1] == ' ');
	for (i = 0; l + i < colon; i++)
		CHECK(is_tchar(l[i]));
	for (i = 0; i < n; i++)
		CHECK(l[i] != '\r' && l[i] != '\n' && l[i] != '\0');
	*vlen = n - (size_t)(colon + 2 - l);
	return colon + 2;
}

static bool name_is(const char *l, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && l[k] == ':' && strncasecmp(l, name, k) == 0;
}

/* The response r[0..n) is well-formed and agrees with info. */
static void check_response(const char *r, size_t n,
                           const struct httpd_info *info, bool close_each)
{
	const char *p = r, *end = r + n, *eol, *v;
	size_t vlen, body, clen = 0;
	int ncl = 0, nclose = 0, nkeep = 0, ndate = 0;

	CHECK(n >= 17 && memcmp(r, "HTTP/1.1 ", 9) == 0);
	CHECK(r[9] >= '1' && r[9] <= '5' && r[10] >= '0' && r[10] <= '9' &&
	      r[11] >= '0' && r[11] <= '9' && memcmp(r + 12, " \r\n", 3) == 0);
	CHECK(info->status ==
	      (r[9] - '0') * 100 + (r[10] - '0') * 10 + (r[11] - '0'));
	CHECK(info->status == 200 || info->status == 400 ||
	      info->status == 404 || info->status == 405 ||
	      info->status == 431);
	p = r + 15;
	for (;;) {
		eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		CHECK(eol != NULL);
		if (eol == p)
			break;
		v = header_value(p, (size_t)(eol - p), &vlen);
		if (name_is(p, (size_t)(eol - p), "Content-Length")) {
			ncl++;
			CHECK(vlen > 0 && vlen <= 10);
			for (size_t i = 0; i < vlen; i++) {
				CHECK(v[i] >= '0' && v[i] <= '9');
				clen = clen * 10 + (size_t)(v[i] - '0');
			}
		} else if (name_is(p, (size_t)(eol - p), "Connection")) {
			nclose += vlen == 5 && memcmp(v, "close", 5) == 0;
			nkeep += vlen == 10 && memcmp(v, "keep-alive", 10) == 0;
		} else if (name_is(p, (size_t)(eol - p), "Date")) {
			ndate++;
			CHECK(vlen == strlen(DATE) &&
			      memcmp(v, DATE, vlen) == 0);
		}
		p = eol + 2;
	}
	body = (size_t)(end - (eol + 2));
	CHECK(ncl == 1 && ndate == 1 && nclose + nkeep == 1);
	CHECK((nclose == 1) == info->close);
	/* RFC 9110 9.3.2: HEAD gets GET's headers and no content. A
	 * /bytes/N body is the caller's to send: the head alone, closing. */
	CHECK(body == clen ||
	      (body == 0 &&
	       (strcasecmp(info->method, "HEAD") == 0 || info->status == 400 ||
	        (info->generated && info->body_gen == clen))));
	CHECK(!info->generated ||
	      (info->status == 200 && info->close && body == 0 &&
	       info->body_gen <= HTTPD_BYTES_MAX &&
	       strncmp(info->path, HTTPD_BYTES_PATH,
	               strlen(HTTPD_BYTES_PATH)) == 0));
	if (info->status == 400 || info->status == 431 || close_each)
		CHECK(info->close);
	CHECK(has_nul(info->method, sizeof info->method));
	CHECK(has_nul(info->path, sizeof info->path));
	CHECK(info->name_len < sizeof info->name &&
	      (!info->visitor || info->name[info->name_len] == '\0'));
	CHECK(info->visitor == (info->status == 200 && !info->generated));
	if (info->status == 200 && body > 0)
		CHECK(body == 8 + info->name_len &&
		      memcmp(eol + 2, "This is ", 8) == 0 &&
		      memcmp(eol + 10, info->name, info->name_len) == 0 &&
		      strcmp(info->path, HTTPD_PATH) == 0);
}

/* What the next head in c's buffer says, as httpd_next() will find it:
 * after the body still to skip and the empty lines before a request. */
struct head_facts {
	unsigned hosts;
	bool lengths_differ;
};

static void head_facts(const struct httpd *c, struct head_facts *f)
{
	const char *p = (const char *)c->buf, *end = p + c->len, *l, *e;
	const char *len1 = NULL;
	size_t len1_n = 0;

	memset(f, 0, sizeof *f);
	if (c->skip >= c->len)
		return;
	for (p += c->skip; p < end && (*p == '\r' || *p == '\n'); p++)
		;
	/* Every line but the request line, up to the blank one. */
	for (l = memchr(p, '\n', (size_t)(end - p)); l != NULL; l = e) {
		const char *v, *ve;

		l++;
		e = memchr(l, '\n', (size_t)(end - l));
		if (e == NULL || e == l || (e == l + 1 && *l == '\r'))
			return;
		if (e - l >= 5 && strncasecmp(l, "host:", 5) == 0)
			f->hosts++;
		if (e - l < 15 || strncasecmp(l, "content-length:", 15) != 0)
			continue;
		for (v = l + 15; v < e && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = e; ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
		                        ve[-1] == '\t');
		     ve--)
			;
		if (len1 == NULL) {
			len1 = v;
			len1_n = (size_t)(ve - v);
		} else if ((size_t)(ve - v) != len1_n ||
		           memcmp(v, len1, len1_n) != 0) {
			f->lengths_differ = true;
		}
	}
}

/* RFC 9112 3.2: "A server MUST respond with a 400 (Bad Request) status
 * code to any HTTP/1.1 request message that lacks a Host header field
 * and to any request message that contains more than one Host header
 * field line". RFC 9112 6.3: Content-Length values that differ make the
 * framing invalid, and the server "MUST respond with a 400 (Bad Request)
 * status code and then close the connection". */
static void check_head_rules(const struct head_facts *f,
                             const struct httpd_info *info)
{
	if (info->status == 431)
		return;
	if (f->hosts > 1)
		RULE("one-host", info->status == 400);
	if (f->lengths_differ)
		RULE("one-length", info->status == 400 && info->close);
}

/*
 * Takes every answer waiting. The first try of each may use a buffer too
 * small: it must then fail with TCPLAB_ENOSPC and change nothing a retry
 * would answer (a copy of the parser, asked with room enough, must give
 * the same response). Returns the number of answers.
 */
static unsigned drain(struct httpd *h, struct answers *a, uint32_t *x,
                      bool close_each)
{
	static struct httpd copy;
	static char full[HTTPD_RESP_MAX], again[HTTPD_RESP_MAX];
	struct httpd_info info, info2;
	struct head_facts facts;
	unsigned got = 0;
	int n, n2;

	for (;;) {
		size_t cap = 1 + next_rand(x) % HTTPD_RESP_MAX;
		char *small = malloc(cap);

		CHECK(small != NULL);
		copy = *h;
		head_facts(&copy, &facts);
		n = httpd_next(h, DATE, small, cap, &info);
		if (n > 0)
			memcpy(full, small, (size_t)n);
		free(small);
		if (n == TCPLAB_ENOSPC) {
			n = httpd_next(h, DATE, full, sizeof full, &info);
			n2 = httpd_next(&copy, DATE, again, sizeof again,
			                &info2);
			CHECK(n > 0 && n2 == n &&
			      memcmp(full, again, (size_t)n) == 0);
			CHECK(info.status == info2.status &&
			      info.close == info2.close);
		}
		CHECK(n >= 0 && n <= HTTPD_RESP_MAX);
		CHECK(h->len <= HTTPD_HEAD_MAX);
		if (n == 0)
			return got;
		check_response(full, (size_t)n, &info, close_each);
		check_head_rules(&facts, &info);
		got++;
		a->n++;
		hash_in(a, full, (size_t)n);
		hash_in(a, &info.status, sizeof info.status);
		hash_in(a, &info.close, sizeof info.close);
		if (info.close) {
			/* A closing response ends the connection. */
			CHECK(h->done);
			a->closed = true;
		}
	}
}

/* Feeds one piece, answering as it goes. */
static void feed_piece(struct httpd *h, const uint8_t *p, size_t len,
                       struct answers *a, uint32_t *x, bool close_each)
{
	size_t off = 0;

	while (off < len) {
		size_t before = h->len, room = HTTPD_HEAD_MAX - h->len;
		bool done = h->done;
		size_t took = httpd_feed(h, p + off, len - off);

		if (done) {
			/* "Bytes after a closing response are taken and
			 * ignored." */
			CHECK(took == len - off && h->len == before);
		} else {
			CHECK(took == (len - off < room ? len - off : room));
			CHECK(h->len == before + took);
		}
		off += took;
		/* Nothing taken: only an answer makes room. */
		if (drain(h, a, x, close_each) == 0 && took == 0)
			CHECK(!"httpd_feed took nothing and httpd_next had no "
			       "answer");
	}
}

/* Runs the whole stream through a fresh parser in pieces from seed. */
static void run(const uint8_t *s, size_t n, bool close_each, uint32_t seed,
                bool whole, struct answers *a)
{
	static struct httpd h;
	uint32_t x = seed | 1, y = seed | 1;
	size_t off = 0;

	memset(a, 0, sizeof *a);
	a->hash = 0xcbf29ce484222325ull;
	httpd_init(&h, close_each);
	while (off < n) {
		size_t k = whole ? n - off : piece_size(&x);
		uint8_t *piece;

		if (k > n - off)
			k = n - off;
		piece = malloc(k);
		CHECK(piece != NULL);
		memcpy(piece, s + off, k);
		feed_piece(&h, piece, k, a, &y, close_each);
		free(piece);
		off += k;
	}
	/* After a closing response, nothing more is answered. */
	if (a->closed)
		CHECK(drain(&h, a, &y, close_each) == 0);
}

/* httpd_date() and httpd_url_decode() on bytes of the input. */
static void check_helpers(const uint8_t *d, size_t n)
{
	char buf[64], *dst;
	int64_t sec = 0;
	size_t i, cap;
	int r;

	for (i = 0; i < 8 && i < n; i++)
		sec = (int64_t)((uint64_t)sec << 8 | d[i]);
	r = httpd_date(sec % 253402300800, buf, sizeof buf);
	/* Years 1970..9999 (and before, to year 0) have 29 characters. */
	if (sec % 253402300800 >= 0)
		CHECK(r == 29 && strlen(buf) == 29 &&
		      memcmp(buf + 25, " GMT", 4) == 0);
	r = httpd_date(sec, buf, sizeof buf);
	CHECK(r == TCPLAB_EINVAL || (r > 0 && (size_t)r == strlen(buf)));
	cap = 1 + (n > 0 ? d[0] : 0);
	dst = malloc(cap);
	CHECK(dst != NULL);
	r = httpd_url_decode((const char *)d, n < 300 ? n : 300, dst, cap);
	CHECK(r == TCPLAB_EINVAL || r == TCPLAB_ENOSPC ||
	      (r >= 0 && (size_t)r < cap && dst[r] == '\0'));
	free(dst);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_HTTPD_SKIP");

	(void)argc;
	(void)argv;
	if (s != NULL)
		snprintf(skip_list, sizeof skip_list, "%s", s);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t stream[STREAM_MAX];
	struct answers split, whole;
	size_t n = 0, reps, i;
	bool close_each;
	uint32_t seed;

	if (size < 1)
		return 0;
	close_each = data[0] & 1;
	reps = (size_t)1 << (data[0] >> 1 & 7);
	seed = (uint32_t)data[0] >> 4 ^ (uint32_t)size * 2654435761u;
	for (i = 0; i < reps && n + size - 1 <= sizeof stream; i++) {
		memcpy(stream + n, data + 1, size - 1);
		n += size - 1;
	}
	run(stream, n, close_each, seed, false, &split);
	run(stream, n, close_each, seed, true, &whole);
	if (split.n != whole.n || split.hash != whole.hash) {
		fprintf(stderr,
		        "fuzz_httpd: %u answers in pieces, %u in one piece%s\n",
		        split.n, whole.n,
		        split.n == whole.n ? ", with different bytes" : "");
		abort();
	}
	check_helpers(data + 1, size - 1);
	return 0;
}
