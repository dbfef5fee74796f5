/*
 * httpc.c: URL parsing, wget 1.14's request, and an incremental parser of
 * HTTP/1.x responses.
 *
 * The parser keeps only what the client needs to know where the body ends
 * (RFC 9112, section 6.3): no body for 1xx, 204 and 304; chunked transfer
 * coding when Transfer-Encoding ends in "chunked"; else Content-Length;
 * else the body runs until the server closes.
 *
 * This file must never do I/O, print, allocate, read a clock or keep state
 * between calls.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/httpc.h"

/* Copies n bytes of s into dst (cap bytes) with a NUL; fails when long. */
static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return TCPLAB_EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return TCPLAB_EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return TCPLAB_EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return TCPLAB_EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* A host may not hold spaces or control characters. */
static bool host_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

/*
 * Whether wget sends byte c of a path or query as %XX: its "unsafe"
 * characters that are not also "reserved" (wget's url.c, urlchr_table):
 * control characters, space, DEL, bytes of 0x80 and up (UTF-8 text among
 * them), and " < > \ ^ ` { | }. A '%' is decided by the caller.
 */
static bool needs_escape(unsigned char c)
{
	return c <= ' ' || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

int httpc_encode_path(const char *in, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		/* A '%' that starts %XX is an escape already and stays; any
		 * other '%' is a literal one, sent as %25. */
		bool esc = c == '%' ? !(i + 2 < n && is_hex(in[i + 1]) &&
		                        is_hex(in[i + 2]))
		                    : needs_escape(c);
		if (o + (esc ? 3 : 1) >= cap)
			return TCPLAB_ENOSPC;
		if (esc) {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (int)o;
}

/* The host as wget writes it in the Host header: in lower case. */
static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The IPv6 address between a URL's brackets, [s, e): kept in lower case,
 * without the brackets. A zone ("%25eth0", RFC 6874) is not taken. */
static int literal6(const char *s, const char *e, struct httpc_url *u)
{
	struct in6_addr a;

	if (copy_part(u->host, INET6_ADDRSTRLEN, s, (size_t)(e - s)) != 0 ||
	    inet_pton(AF_INET6, u->host, &a) != 1)
		return TCPLAB_EINVAL;
	lower_ascii(u->host);
	u->host6 = true;
	return 0;
}

int httpc_parse_url(const char *url, struct httpc_url *u)
{
	const char *host, *end, *colon, *path, *frag;

	if (url == NULL || u == NULL)
		return TCPLAB_EINVAL;
	memset(u, 0, sizeof *u);
	host = url;
	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strstr(url, "://") != NULL)
		return TCPLAB_EINVAL; /* https, ftp...: not this lab's */
	path = strchr(host, '/');
	end = path ? path : host + strlen(host);
	/* A query or fragment right after the host still ends it. */
	if (strpbrk(host, "?#") != NULL && strpbrk(host, "?#") < end)
		return TCPLAB_EINVAL;
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return TCPLAB_EINVAL; /* user:password@ is not supported */
	u->port = 80;
	if (*host == '[') {
		/* RFC 3986 3.2.2: an IPv6 address goes in brackets, so that
		 * its colons are not taken for the port's. */
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (rb == NULL || literal6(host + 1, rb, u) != 0 ||
		    (rb + 1 != end && rb[1] != ':'))
			return TCPLAB_EINVAL;
		colon = rb + 1 != end ? rb + 1 : NULL;
		if (colon != NULL &&
		    parse_port(colon + 1, (size_t)(end - colon - 1), &u->port))
			return TCPLAB_EINVAL;
		u->port_given = colon != NULL;
		goto path;
	}
	colon = memchr(host, ':', (size_t)(end - host));
	if (colon != NULL) {
		if (parse_port(colon + 1, (size_t)(end - colon - 1), &u->port))
			return TCPLAB_EINVAL;
		u->port_given = true;
		end = colon;
	}
	if (end == host || !host_chars_ok(host, (size_t)(end - host)) ||
	    copy_part(u->host, sizeof u->host, host, (size_t)(end - host)))
		return TCPLAB_EINVAL;
	lower_ascii(u->host);
path:
	if (path == NULL)
		path = "/";
	/* The fragment is the browser's: wget never sends it. */
	frag = strchr(path, '#');
	if (httpc_encode_path(path, frag ? (size_t)(frag - path) : strlen(path),
	                      u->path, sizeof u->path) < 0)
		return TCPLAB_EINVAL;
	return 0;
}

/* A request being written: headers kept as (name, value) until the end,
 * so that a -H header can replace one of wget's in place. */
struct hdr {
	const char *name;
	size_t name_len;
	const char *value;
};

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
static bool tchar(char ch)
{
	unsigned char c = (unsigned char)ch;

	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A field value may hold no control character but tab (RFC 9110 5.5). */
static bool value_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return false;
	return true;
}

static int hdr_set(struct hdr *h, unsigned *n, unsigned max, const char *line)
{
	const char *colon = strchr(line, ':'), *q;
	size_t nl;
	unsigned i;

	if (colon == NULL || colon == line || !value_ok(line))
		return TCPLAB_EINVAL;
	for (q = line; q < colon; q++)
		if (!tchar(*q))
			return TCPLAB_EINVAL;
	nl = (size_t)(colon - line);
	colon++;
	while (*colon == ' ' || *colon == '\t')
		colon++;
	for (i = 0; i < *n; i++) {
		if (h[i].name_len == nl &&
		    strncasecmp(h[i].name, line, nl) == 0) {
			h[i].name = line;
			h[i].value = colon;
			return 0;
		}
	}
	if (*n == max)
		return TCPLAB_EINVAL;
	h[*n].name = line;
	h[*n].name_len = nl;
	h[*n].value = colon;
	(*n)++;
	return 0;
}

/* Appends s[0..n) at *off in buf; remembers a shortage in *full. */
static void put(char *buf, size_t cap, size_t *off, const char *s, size_t n,
                bool *full)
{
	if (*full || cap - *off < n) {
		*full = true;
		return;
	}
	memcpy(buf + *off, s, n);
	*off += n;
}

#define PUTS(s) put(buf, cap, &off, (s), strlen(s), &full)

int httpc_request(const struct httpc_url *u, const struct httpc_req_opts *o,
                  char *buf, size_t cap)
{
	struct hdr h[4 + HTTPC_HEADERS_MAX];
	char hostval[HTTPC_HOST_MAX + 8];
	const char *ua = HTTPC_WGET_UA;
	unsigned n = 0, i, max = 4 + HTTPC_HEADERS_MAX;
	size_t off = 0;
	bool full = false;

	if (u == NULL || buf == NULL)
		return TCPLAB_EINVAL;
	if (o != NULL && o->user_agent != NULL)
		ua = o->user_agent;
	if (!value_ok(ua))
		return TCPLAB_EINVAL;
	/* wget's Host names the port only when it is not the default; an
	 * IPv6 address is in brackets there too (RFC 9110 7.2). */
	snprintf(hostval, sizeof hostval, u->host6 ? "[%s]" : "%s", u->host);
	if (u->port != 80)
		snprintf(hostval + strlen(hostval),
		         sizeof hostval - strlen(hostval), ":%u",
		         (unsigned)u->port);
	h[n++] = (struct hdr){"User-Agent", 10, ua};
	h[n++] = (struct hdr){"Accept", 6, "*/*"};
	h[n++] = (struct hdr){"Host", 4, hostval};
	h[n++] = (struct hdr){"Connection", 10, "Keep-Alive"};
	for (i = 0; o != NULL && i < o->nheaders && i < HTTPC_HEADERS_MAX; i++)
		if (hdr_set(h, &n, max, o->headers[i]) != 0)
			return TCPLAB_EINVAL;
	PUTS("GET ");
	PUTS(u->path);
	PUTS(" HTTP/1.1\r\n");
	for (i = 0; i < n; i++) {
		put(buf, cap, &off, h[i].name, h[i].name_len, &full);
		PUTS(": ");
		PUTS(h[i].value);
		PUTS("\r\n");
	}
	PUTS("\r\n");
	return full ? TCPLAB_ENOSPC : (int)off;
}

void httpc_resp_init(struct httpc_resp *r)
{
	memset(r, 0, sizeof *r);
	r->phase = HTTPC_P_STATUS;
	r->body = HTTPC_BODY_CLOSE;
}

bool httpc_resp_done(const struct httpc_resp *r)
{
	return r->phase == HTTPC_P_DONE;
}

/* Parses a decimal number that must fill s; fails on overflow. */
static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return TCPLAB_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return TCPLAB_EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* "HTTP/1.1 200 OK", or "HTTP/1.1 200 " with no reason phrase. */
static int status_line(struct httpc_resp *r, const char *l)
{
	const char *p;

	if (strncmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' ||
	    l[8] != ' ')
		return TCPLAB_EINVAL;
	r->version_minor = l[7] - '0';
	p = l + 9;
	if (p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9' || (p[3] != ' ' && p[3] != '\0'))
		return TCPLAB_EINVAL;
	r->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	copy_part(r->reason, sizeof r->reason, p[3] ? p + 4 : "",
	          strnlen(p[3] ? p + 4 : "", sizeof r->reason - 1));
	/* HTTP/1.1 keeps the connection unless told otherwise; 1.0 closes. */
	r->keep_alive = r->version_minor >= 1;
	return 0;
}

/* Whether the comma-separated value v ends in the token tok. */
static bool ends_in_token(const char *v, const char *tok)
{
	size_t n = strlen(v), t = strlen(tok);

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n < t || strncasecmp(v + n - t, tok, t) != 0)
		return false;
	return n == t || v[n - t - 1] == ',' || v[n - t - 1] == ' ';
}

static int header_line(struct httpc_resp *r, char *l)
{
	char *colon = strchr(l, ':'), *v;
	uint64_t len;

	if (colon == NULL || colon == l)
		return TCPLAB_EINVAL;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (strcasecmp(l, "Transfer-Encoding") == 0) {
		/* RFC 9112 6.3: Transfer-Encoding overrides Content-Length;
		 * "If a Transfer-Encoding header field is present in a
		 * response and the chunked transfer coding is not the final
		 * encoding, the message body length is determined by reading
		 * the connection until it is closed by the server." */
		r->te_seen = true;
		if (ends_in_token(v, "chunked")) {
			r->body = HTTPC_BODY_CHUNKED;
		} else {
			r->body = HTTPC_BODY_CLOSE;
			r->keep_alive = false;
		}
	} else if (strcasecmp(l, "Content-Length") == 0) {
		size_t n = strlen(v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			v[--n] = '\0';
		if (parse_u64(v, &len) != 0)
			return TCPLAB_EINVAL;
		if (!r->te_seen) {
			r->body = HTTPC_BODY_LENGTH;
			r->content_length = len;
		}
	} else if (strcasecmp(l, "Connection") == 0) {
		if (strcasestr(v, "close") != NULL)
			r->keep_alive = false;
		else if (strcasestr(v, "keep-alive") != NULL)
			r->keep_alive = true;
	}
	return 0;
}

/* The empty line after the headers: decides how the body ends. */
static void headers_end(struct httpc_resp *r)
{
	/* An interim 1xx response is followed by the real one. */
	if (r->status < 200) {
		r->phase = HTTPC_P_STATUS;
		r->body = HTTPC_BODY_CLOSE;
		r->te_seen = false;
		return;
	}
	if (r->status == 204 || r->status == 304)
		r->body = HTTPC_BODY_NONE;
	switch (r->body) {
	case HTTPC_BODY_NONE:
		r->phase = HTTPC_P_DONE;
		break;
	case HTTPC_BODY_CHUNKED:
		r->phase = HTTPC_P_CHUNK_SIZE;
		break;
	case HTTPC_BODY_LENGTH:
		r->left = r->content_length;
		r->phase = r->left ? HTTPC_P_BODY : HTTPC_P_DONE;
		break;
	case HTTPC_BODY_CLOSE:
		r->keep_alive = false;
		r->phase = HTTPC_P_BODY;
		break;
	}
}

/* "1a;ext=x": the chunk size in hex, extensions ignored. */
static int chunk_size(struct httpc_resp *r, const char *l)
{
	uint64_t v = 0;
	int digits = 0;

	for (; *l; l++, digits++) {
		int d;
		if (*l >= '0' && *l <= '9')
			d = *l - '0';
		else if (*l >= 'a' && *l <= 'f')
			d = *l - 'a' + 10;
		else if (*l >= 'A' && *l <= 'F')
			d = *l - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX >> 4))
			return TCPLAB_EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	if (digits == 0 || (*l != '\0' && *l != ';' && *l != ' '))
		return TCPLAB_EINVAL;
	r->left = v;
	r->phase = v ? HTTPC_P_CHUNK_DATA : HTTPC_P_TRAILERS;
	return 0;
}

/* One complete line (CRLF or LF removed) in the phase that reads lines. */
static int take_line(struct httpc_resp *r, char *l)
{
	switch (r->phase) {
	case HTTPC_P_STATUS:
		r->phase = HTTPC_P_HEADERS;
		return status_line(r, l);
	case HTTPC_P_HEADERS:
		if (*l == '\0') {
			headers_end(r);
			return 0;
		}
		return header_line(r, l);
	case HTTPC_P_CHUNK_SIZE:
		return chunk_size(r, l);
	case HTTPC_P_CHUNK_CRLF:
		if (*l != '\0')
			return TCPLAB_EINVAL;
		r->phase = HTTPC_P_CHUNK_SIZE;
		return 0;
	case HTTPC_P_TRAILERS:
		if (*l == '\0')
			r->phase = HTTPC_P_DONE;
		return 0;
	default:
		return TCPLAB_EINVAL;
	}
}

/* Reads line bytes from p; returns how many were used, or an error. */
static long feed_line(struct httpc_resp *r, const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;
	int err;

	if (r->line_len + take > sizeof r->line - 1)
		return TCPLAB_EINVAL;
	memcpy(r->line + r->line_len, p, take);
	r->line_len += take;
	if (r->phase == HTTPC_P_STATUS || r->phase == HTTPC_P_HEADERS)
		r->header_bytes += take;
	if (nl == NULL)
		return (long)take;
	r->line_len--; /* the LF */
	if (r->line_len > 0 && r->line[r->line_len - 1] == '\r')
		r->line_len--;
	r->line[r->line_len] = '\0';
	r->line_len = 0;
	err = take_line(r, r->line);
	return err ? err : (long)take;
}

/* Copies body bytes out; returns how many were used. */
static size_t feed_body(struct httpc_resp *r, const uint8_t *p, size_t n,
                        uint8_t *body, size_t *body_len)
{
	size_t take = n;

	if (r->body != HTTPC_BODY_CLOSE && r->left < take)
		take = (size_t)r->left;
	memcpy(body + *body_len, p, take);
	*body_len += take;
	r->body_bytes += take;
	if (r->body == HTTPC_BODY_CLOSE)
		return take;
	r->left -= take;
	if (r->left == 0)
		r->phase = r->phase == HTTPC_P_CHUNK_DATA ? HTTPC_P_CHUNK_CRLF
		                                          : HTTPC_P_DONE;
	return take;
}

int httpc_resp_feed(struct httpc_resp *r, const uint8_t *p, size_t n,
                    uint8_t *body, size_t *body_len)
{
	size_t off = 0;

	*body_len = 0;
	while (off < n && r->phase != HTTPC_P_DONE) {
		long used;
		if (r->phase == HTTPC_P_BODY || r->phase == HTTPC_P_CHUNK_DATA)
			used = (long)feed_body(r, p + off, n - off, body,
			                       body_len);
		else
			used = feed_line(r, p + off, n - off);
		if (used < 0)
			return (int)used;
		off += (size_t)used;
	}
	return 0;
}

int httpc_resp_eof(struct httpc_resp *r)
{
	if (r->phase == HTTPC_P_BODY && r->body == HTTPC_BODY_CLOSE)
		r->phase = HTTPC_P_DONE;
	return r->phase == HTTPC_P_DONE ? 0 : TCPLAB_ETRUNC;
}
