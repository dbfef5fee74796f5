/*
 * httpd.c: incremental HTTP/1.1 request parsing and the article's endpoint.
 *
 * Bytes of the stream collect in struct httpd until a blank line ends a
 * request head (RFC 9112, section 2.1); the head is then parsed as a whole,
 * answered, and removed, and whatever followed it stays for the next
 * request, so pipelined requests are answered in order. A body announced
 * by Content-Length is skipped. The responses copy what the article's
 * Spring Boot (Tomcat) sent: a status line with no reason phrase but its
 * trailing space, and the headers in Tomcat's order.
 *
 * Pure: no I/O, no clock, no allocation, no globals. It must never print:
 * the server logs what struct httpd_info tells it.
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/httpd.h"
#include "common/outbuf.h"
#include "common/tr.h"

/* The parts of a request head that decide the answer. */
struct head {
	const char *method, *target, *version;
	size_t method_len, target_len, version_len;
	bool http10;
	bool has_host;
	bool conn_close, conn_keep_alive;
	bool chunked;
	bool bad_length;
	bool has_length;
	size_t content_length;
	const char *reason; /* why the head is malformed, or NULL */
};

void httpd_init(struct httpd *h, bool close_each)
{
	/* The 8 KiB buffer is not cleared: only its first len bytes are
	 * ever read. */
	h->len = 0;
	h->skip = 0;
	h->done = false;
	h->close_each = close_each;
	h->keepalive_s = 60;
}

/* Empties info but its name, 8 KiB that only name_len bytes of count:
 * clearing it for every request cost more than the rest of the parse. */
static void info_clear(struct httpd_info *info)
{
	memset(info, 0, offsetof(struct httpd_info, name));
	info->name[0] = '\0';
	info->name_len = 0;
	info->reason = NULL;
	info->body_gen = 0;
	info->generated = false;
}

size_t httpd_feed(struct httpd *h, const uint8_t *p, size_t n)
{
	size_t room = sizeof h->buf - h->len;

	/* After a closing response, the rest of the stream is not read. */
	if (h->done)
		return n;
	if (n > room)
		n = room;
	memcpy(h->buf + h->len, p, n);
	h->len += n;
	return n;
}

static void consume(struct httpd *h, size_t n)
{
	if (n > h->len)
		n = h->len;
	memmove(h->buf, h->buf + n, h->len - n);
	h->len -= n;
}

/* Discards the rest of a body, and the empty lines RFC 9112 2.2 says a
 * server should ignore before a request line. */
static void skip_between(struct httpd *h)
{
	size_t n = h->skip < h->len ? h->skip : h->len;
	size_t i = 0;

	consume(h, n);
	h->skip -= n;
	if (h->skip > 0)
		return;
	while (i < h->len && (h->buf[i] == '\r' || h->buf[i] == '\n'))
		i++;
	consume(h, i);
}

/* The length of the head with its blank line, or 0 if not complete. A
 * line may end in CRLF or, as RFC 9112 2.2 allows, in a bare LF. */
static size_t head_end(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool is_tchar(char c)
{
	/* RFC 9110 5.6.2: token characters. */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool span_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* Does the comma-separated list s[0..n) hold token tok? */
static bool list_has(const char *s, size_t n, const char *tok)
{
	size_t i = 0, b, e;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		b = i;
		while (i < n && s[i] != ',')
			i++;
		e = i;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b && span_is(s + b, e - b, tok))
			return true;
	}
	return false;
}

/* "METHOD SP request-target SP HTTP-version" (RFC 9112, 3). */
static void parse_request_line(const char *s, size_t n, struct head *hd)
{
	const char *sp1 = memchr(s, ' ', n), *sp2;
	size_t i;

	if (sp1 == NULL || sp1 == s) {
		hd->reason = N_("no method in the request line");
		return;
	}
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s));
	if (sp2 == NULL || sp2 == sp1 + 1) {
		hd->reason = N_("no target in the request line");
		return;
	}
	hd->method = s;
	hd->method_len = (size_t)(sp1 - s);
	hd->target = sp1 + 1;
	hd->target_len = (size_t)(sp2 - hd->target);
	hd->version = sp2 + 1;
	hd->version_len = n - (size_t)(hd->version - s);
	for (i = 0; i < hd->method_len; i++)
		if (!is_tchar(s[i]))
			hd->reason = N_("bad character in the method");
	for (i = 0; i < hd->target_len; i++)
		if (hd->target[i] <= ' ' || hd->target[i] == 0x7f)
			hd->reason = N_("bad character in the target");
	if (span_is(hd->version, hd->version_len, "HTTP/1.0"))
		hd->http10 = true;
	else if (!span_is(hd->version, hd->version_len, "HTTP/1.1"))
		hd->reason = N_("not HTTP/1.0 or HTTP/1.1");
}

/* Content-Length: digits only, the same value if repeated. */
static void parse_length(const char *v, size_t n, struct head *hd)
{
	size_t i, len = 0;

	if (n == 0)
		hd->bad_length = true;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || len > 1000000000) {
			hd->bad_length = true;
			return;
		}
		len = len * 10 + (size_t)(v[i] - '0');
	}
	/* RFC 9112 6.3: differing values make the request invalid. */
	if (hd->has_length && hd->content_length != len)
		hd->bad_length = true;
	hd->has_length = true;
	hd->content_length = len;
}

/* One "name: value" line (RFC 9112, 5). */
static void parse_field(const char *s, size_t n, struct head *hd)
{
	const char *colon = memchr(s, ':', n);
	size_t i, nlen, vb, ve;

	if (s[0] == ' ' || s[0] == '\t') {
		hd->reason = N_("obsolete line folding");
		return;
	}
	if (colon == NULL || colon == s) {
		hd->reason = N_("a header line without a name");
		return;
	}
	nlen = (size_t)(colon - s);
	for (i = 0; i < nlen; i++)
		if (!is_tchar(s[i])) {
			hd->reason = N_("bad character in a header name");
			return;
		}
	for (vb = nlen + 1; vb < n && (s[vb] == ' ' || s[vb] == '\t'); vb++)
		;
	for (ve = n; ve > vb && (s[ve - 1] == ' ' || s[ve - 1] == '\t'); ve--)
		;
	if (span_is(s, nlen, "host")) {
		/* RFC 9112 3.2: "A server MUST respond with a 400 (Bad
		 * Request) status code to any HTTP/1.1 request message that
		 * lacks a Host header field and to any request message that
		 * contains more than one Host header field line". */
		if (hd->has_host)
			hd->reason = N_("more than one Host");
		hd->has_host = true;
	} else if (span_is(s, nlen, "connection")) {
		hd->conn_close |= list_has(s + vb, ve - vb, "close");
		hd->conn_keep_alive |= list_has(s + vb, ve - vb, "keep-alive");
	} else if (span_is(s, nlen, "content-length"))
		parse_length(s + vb, ve - vb, hd);
	else if (span_is(s, nlen, "transfer-encoding"))
		hd->chunked = true;
}

/* Splits the head into lines and parses each; bare control characters
 * other than tab are refused. */
static void parse_head(const char *p, size_t len, struct head *hd)
{
	size_t i = 0, b, e;
	bool first = true;

	memset(hd, 0, sizeof *hd);
	while (i < len && hd->reason == NULL) {
		b = i;
		while (i < len && p[i] != '\n')
			i++;
		e = i++;
		if (e > b && p[e - 1] == '\r')
			e--;
		if (e == b)
			break; /* the blank line that ends the head */
		for (size_t k = b; k < e; k++)
			if ((p[k] < ' ' && p[k] != '\t') || p[k] == 0x7f)
				hd->reason = N_("control character in the head");
		if (hd->reason != NULL)
			break;
		if (first)
			parse_request_line(p + b, e - b, hd);
		else
			parse_field(p + b, e - b, hd);
		first = false;
	}
	if (hd->reason == NULL && !hd->http10 && !hd->has_host)
		hd->reason = N_("HTTP/1.1 request without Host");
	if (hd->reason == NULL && hd->bad_length)
		hd->reason = N_("bad Content-Length");
	if (hd->reason == NULL && hd->chunked)
		hd->reason = N_("Transfer-Encoding is not supported");
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int httpd_url_decode(const char *src, size_t n, char *dst, size_t cap)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		char c = src[i];
		if (o + 1 >= cap)
			return TCPLAB_ENOSPC;
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= n)
				return TCPLAB_EINVAL;
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0)
				return TCPLAB_EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (int)o;
}

/*
 * The visitor's name: the first "name" parameter of the query, decoded.
 * Spring passes null to the controller when it is missing, and the body
 * then reads "This is null". Returns 0, or TCPLAB_EINVAL for a bad escape.
 */
static int query_name(const char *q, size_t n, struct httpd_info *info)
{
	size_t i = 0, b, eq;
	char key[8];
	int r;

	while (i < n) {
		b = i;
		while (i < n && q[i] != '&')
			i++;
		for (eq = b; eq < i && q[eq] != '='; eq++)
			;
		r = httpd_url_decode(q + b, eq - b, key, sizeof key);
		if (r == TCPLAB_EINVAL)
			return r;
		if (r == 4 && memcmp(key, "name", 4) == 0) {
			b = eq < i ? eq + 1 : i;
			r = httpd_url_decode(q + b, i - b, info->name,
			                     sizeof info->name);
			if (r < 0)
				return r;
			info->name_len = (size_t)r;
			return 0;
		}
		i++;
	}
	memcpy(info->name, "null", 5);
	info->name_len = 4;
	return 0;
}

static const char *status_body(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	default:
		return "Request Header Fields Too Large";
	}
}

/*
 * One response. The 200 of the endpoint carries Spring's three Vary
 * headers first; every response then has Tomcat's Content-Type,
 * Content-Length, Date and connection headers, in that order. HEAD gets
 * the same headers and no body.
 */
static long respond(char *out, size_t cap, const struct httpd *h,
                    const struct httpd_info *info, const char *date,
                    const char *body, size_t blen, bool head_only)
{
	struct outbuf ob;

	ob_init(&ob, out, cap);
	ob_lit(&ob, "HTTP/1.1 ");
	ob_u32(&ob, (uint32_t)info->status);
	/* Tomcat sends no reason phrase, but keeps the space before it. */
	ob_lit(&ob, " \r\n");
	if (info->status == 200)
		ob_lit(&ob, "Vary: Origin\r\n"
		            "Vary: Access-Control-Request-Method\r\n"
		            "Vary: Access-Control-Request-Headers\r\n");
	if (info->status == 405)
		ob_lit(&ob, "Allow: GET, HEAD\r\n");
	ob_lit(&ob, "Content-Type: text/plain;charset=UTF-8\r\n"
	            "Content-Length: ");
	ob_u64(&ob, blen);
	ob_lit(&ob, "\r\nDate: ");
	ob_str(&ob, date);
	if (info->close)
		ob_lit(&ob, "\r\nConnection: close\r\n\r\n");
	else {
		ob_lit(&ob, "\r\nKeep-Alive: timeout=");
		ob_u32(&ob, h->keepalive_s);
		ob_lit(&ob, "\r\nConnection: keep-alive\r\n\r\n");
	}
	if (!head_only)
		ob_mem(&ob, body, blen);
	return ob_finish(&ob, out);
}

/* Whether the path is /bytes/N with N a decimal number of at most
 * HTTPD_BYTES_MAX (no sign, no leading zero but "0" itself); *n is N. */
static bool bytes_target(const char *t, size_t len, uint64_t *n)
{
	size_t pl = strlen(HTTPD_BYTES_PATH), i;
	uint64_t v = 0;

	if (len <= pl || memcmp(t, HTTPD_BYTES_PATH, pl) != 0 || len - pl > 10)
		return false;
	if (t[pl] == '0' && len - pl > 1)
		return false;
	for (i = pl; i < len; i++) {
		if (t[i] < '0' || t[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(t[i] - '0');
	}
	if (v > HTTPD_BYTES_MAX)
		return false;
	*n = v;
	return true;
}

void httpd_body_fill(uint64_t off, uint8_t *p, size_t n)
{
	static const char line[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "abcdefghijklmnopqrstuvwxyz+/";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned k = (unsigned)((off + i) % 64);

		p[i] = k == 63 ? '\n' : (uint8_t)line[k];
	}
}

/* Decides the status of a parsed head and fills info. */
static void decide(const struct head *hd, struct httpd_info *info)
{
	const char *t = hd->target, *q;
	size_t tn = hd->target_len, pn;

	info->reason = hd->reason;
	if (hd->reason != NULL) {
		info->status = 400;
		return;
	}
	memcpy(info->method, hd->method,
	       hd->method_len < sizeof info->method ? hd->method_len
	                                            : sizeof info->method - 1);
	/* An absolute-form target (RFC 9112 3.2.2): keep its path. */
	if (tn > 7 && strncasecmp(t, "http://", 7) == 0) {
		const char *sl = memchr(t + 7, '/', tn - 7);
		tn = sl != NULL ? tn - (size_t)(sl - t) : 1;
		t = sl != NULL ? sl : "/";
	}
	if (t[0] != '/') {
		info->status = 400;
		info->reason = N_("the target is not a path");
		return;
	}
	q = memchr(t, '?', tn);
	pn = q != NULL ? (size_t)(q - t) : tn;
	memcpy(info->path, t,
	       pn < sizeof info->path ? pn : sizeof info->path - 1);
	if (bytes_target(t, pn, &info->body_gen)) {
		info->generated = true;
		if (!span_is(hd->method, hd->method_len, "GET") &&
		    !span_is(hd->method, hd->method_len, "HEAD"))
			info->status = 405;
		else
			info->status = 200;
		if (info->status != 200) {
			info->body_gen = 0;
			info->generated = false;
		}
	} else if (!(pn == strlen(HTTPD_PATH) &&
	             memcmp(t, HTTPD_PATH, pn) == 0)) {
		info->status = 404;
	} else if (!span_is(hd->method, hd->method_len, "GET") &&
	           !span_is(hd->method, hd->method_len, "HEAD")) {
		info->status = 405;
	} else if (query_name(q != NULL ? q + 1 : "",
	                      q != NULL ? tn - pn - 1 : 0, info) != 0) {
		info->status = 400;
		info->reason = N_("bad escape in the query");
	} else {
		info->status = 200;
		info->visitor = true;
	}
}

/* Whether the connection closes after answering hd. */
static bool closes(const struct httpd *h, const struct head *hd, int status)
{
	if (status == 400 || status == 431 || h->close_each)
		return true;
	if (hd->conn_close)
		return true;
	/* HTTP/1.0 closes unless the client asked to keep the connection. */
	return hd->http10 && !hd->conn_keep_alive;
}

static int answer_head(struct httpd *h, size_t end, const char *date, char *out,
                       size_t cap, struct httpd_info *info)
{
	struct head hd;
	char body[8 + HTTPD_HEAD_MAX];
	const char *b;
	size_t blen;
	long n;

	parse_head((const char *)h->buf, end, &hd);
	decide(&hd, info);
	info->close = closes(h, &hd, info->status) || info->generated;
	if (info->generated) {
		/* The head alone: the caller sends the body (body_gen). */
		n = respond(out, cap, h, info, date, "", (size_t)info->body_gen,
		            true);
		if (span_is(hd.method, hd.method_len, "HEAD"))
			info->body_gen = 0;
		if (n < 0)
			return TCPLAB_ENOSPC;
		consume(h, end);
		h->skip = hd.content_length;
		h->done = true;
		h->len = 0;
		return (int)n;
	}
	if (info->status == 200) {
		memcpy(body, "This is ", 8);
		memcpy(body + 8, info->name, info->name_len);
		b = body;
		blen = 8 + info->name_len;
	} else {
		b = status_body(info->status);
		blen = strlen(b);
	}
	n = respond(out, cap, h, info, date, b, blen,
	            span_is(hd.method, hd.method_len, "HEAD"));
	if (n < 0)
		return TCPLAB_ENOSPC;
	consume(h, end);
	h->skip = hd.reason == NULL ? hd.content_length : 0;
	h->done = info->close;
	if (h->done)
		h->len = 0;
	return (int)n;
}

/* A response that closes the connection before a whole head has come:
 * the rest of the stream is ignored. */
static int refuse(struct httpd *h, int status, const char *reason,
                  const char *date, char *out, size_t cap,
                  struct httpd_info *info)
{
	long n;

	info->status = status;
	info->close = true;
	info->reason = reason;
	n = respond(out, cap, h, info, date, status_body(status),
	            strlen(status_body(status)), false);
	if (n < 0)
		return TCPLAB_ENOSPC;
	h->len = 0;
	h->done = true;
	return (int)n;
}

int httpd_next(struct httpd *h, const char *date, char *out, size_t cap,
               struct httpd_info *info)
{
	size_t end;

	info_clear(info);
	if (h->done)
		return 0;
	skip_between(h);
	end = head_end(h->buf, h->len);
	if (end > 0)
		return answer_head(h, end, date, out, cap, info);
	if (h->len < sizeof h->buf)
		return 0;
	/* A full buffer and still no blank line: the head is too large. */
	return refuse(h, 431, N_("request head over 8 KiB"), date, out, cap,
	              info);
}

bool httpd_partial(const struct httpd *h)
{
	/* Empty lines before a request line are not part of a head (RFC
	 * 9112 2.2), and skip_between() has removed them by now. */
	return !h->done && h->skip == 0 && h->len > 0;
}

int httpd_timeout(struct httpd *h, const char *date, char *out, size_t cap,
                  struct httpd_info *info)
{
	info_clear(info);
	return refuse(h, 408, N_("request head not complete in time"), date, out,
	              cap, info);
}

int httpd_date(int64_t sec, char *buf, size_t cap)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct outbuf ob;
	struct tm tm;
	time_t t = (time_t)sec;
	long len;

	/* gmtime_r() converts; it reads neither a clock nor the time zone. */
	if (gmtime_r(&t, &tm) == NULL)
		return TCPLAB_EINVAL;
	ob_init(&ob, buf, cap);
	ob_mem(&ob, days + 3 * tm.tm_wday, 3);
	ob_lit(&ob, ", ");
	ob_u32_pad(&ob, (uint32_t)tm.tm_mday, 2);
	ob_char(&ob, ' ');
	ob_mem(&ob, months + 3 * tm.tm_mon, 3);
	ob_char(&ob, ' ');
	ob_u32_pad(&ob, (uint32_t)(tm.tm_year + 1900), 4);
	ob_char(&ob, ' ');
	ob_u32_pad(&ob, (uint32_t)tm.tm_hour, 2);
	ob_char(&ob, ':');
	ob_u32_pad(&ob, (uint32_t)tm.tm_min, 2);
	ob_char(&ob, ':');
	ob_u32_pad(&ob, (uint32_t)tm.tm_sec, 2);
	ob_lit(&ob, " GMT");
	len = ob_finish(&ob, buf);
	return len < 0 ? TCPLAB_ENOSPC : (int)len;
}
