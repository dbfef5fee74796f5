/*
 * tcpdump_app.c: the text after a TCP segment's "length N", byte for byte
 * as tcpdump 4.99.3 prints it.
 *
 * tcpdump picks an application printer by port, in a fixed order (a
 * segment from port 23 to port 80 is telnet, not HTTP), and prints its
 * text on the same line or on lines of its own. This file knows that
 * order for every port the installed tcpdump dispatches (found by sending
 * payloads of several shapes to all 65,535 ports), and reproduces:
 *
 *   - RST text with -v (RFC 1122, 4.2.2.12);
 *   - the text protocols, printed line by line: FTP, SMTP, WHOIS, HTTP
 *     and RTSP, the last two only when the payload starts with one of
 *     their request methods or a three-digit status;
 *   - SSH's identification string (RFC 4253, 4.2);
 *   - DNS over TCP (RFC 1035, 4.2.2), the records tcplab knows.
 *
 * For every other printer, and for the corners of DNS it does not know
 * (bit labels, A6, URI, TSIG, some EDNS options), nothing is printed and
 * the caller is told the protocol's name: a line that stops at "length N"
 * is honest, a look-alike that differs from tcpdump's is not.
 *
 * Every read is checked against the captured length first, in the order
 * tcpdump reads, so that " [|proto]" lands where tcpdump's does. Never
 * prints, reads a file or a clock, or keeps globals.
 */
#include <string.h>
#include <strings.h>

#include "common/tcpdump_app.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* tcpdump's fn_print_char(): M- for the high bit, ^X for controls. */
static void put_safe_char(struct outbuf *ob, uint8_t c)
{
	if (c & 0x80) {
		c &= 0x7f;
		ob_lit(ob, "M-");
	}
	if (c < 0x20 || c == 0x7f) {
		c ^= 0x40;
		ob_char(ob, '^');
	}
	ob_char(ob, (char)c);
}

/* RFC 1122, 4.2.2.12: a RST may carry text explaining it; -v shows up to
 * 30 bytes of it. */
static void rst_data(struct outbuf *ob, const struct tcpdump_app *a)
{
	uint32_t n = a->len, i;

	ob_str(ob, a->len <= a->cap ? " [RST" : " [!RST");
	if (n > 30) {
		n = 30;
		ob_char(ob, '+');
	}
	ob_char(ob, ' ');
	for (i = 0; i < n && i < a->cap; i++)
		put_safe_char(ob, a->d[i]);
	ob_char(ob, ']');
}

/* ------------------------------------------------------------------ */
/* The text protocols.                                                 */

/* The request methods that tcpdump 4.99.3's HTTP printer knows. */
static const char *const http_methods[] = {"GET",
                                           "PUT",
                                           "COPY",
                                           "HEAD",
                                           "LOCK",
                                           "MOVE",
                                           "POLL",
                                           "POST",
                                           "BCOPY",
                                           "BMOVE",
                                           "MKCOL",
                                           "TRACE",
                                           "LABEL",
                                           "MERGE",
                                           "DELETE",
                                           "SEARCH",
                                           "UNLOCK",
                                           "REPORT",
                                           "UPDATE",
                                           "NOTIFY",
                                           "BDELETE",
                                           "CONNECT",
                                           "OPTIONS",
                                           "CHECKIN",
                                           "PROPFIND",
                                           "CHECKOUT",
                                           "CCM_POST",
                                           "SUBSCRIBE",
                                           "PROPPATCH",
                                           "BPROPFIND",
                                           "BPROPPATCH",
                                           "UNCHECKOUT",
                                           "MKACTIVITY",
                                           "MKWORKSPACE",
                                           "UNSUBSCRIBE",
                                           "RPC_CONNECT",
                                           "VERSION-CONTROL",
                                           "BASELINE-CONTROL",
                                           NULL};

/* RTSP's methods (RFC 2326, 10). */
static const char *const rtsp_methods[] = {
        "DESCRIBE", "ANNOUNCE",      "GET_PARAMETER", "OPTIONS",
        "PAUSE",    "PLAY",          "RECORD",        "REDIRECT",
        "SETUP",    "SET_PARAMETER", "TEARDOWN",      NULL};

#define TXT_TOKEN_MAX 128

/* A run of text being looked at: d[0..len) by the header's count, of
 * which d[0..cap) was captured. */
struct txt {
	const uint8_t *d;
	uint32_t len;
	size_t cap;
};

/*
 * tcpdump's fetch_token(): the printable token at idx and the blanks after
 * it. Returns the index after them, or 0 when there is no token (a
 * non-printable byte, uncaptured bytes, or a token over 128 bytes).
 */
static uint32_t txt_token(const struct txt *t, uint32_t idx, char *tok,
                          size_t *toklen)
{
	size_t n = 0;

	for (; idx < t->len; idx++) {
		uint8_t c;
		if (idx >= t->cap)
			return 0;
		c = t->d[idx];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			break;
		if (!is_print(c) || n + 2 > TXT_TOKEN_MAX + 1)
			return 0;
		tok[n++] = (char)c;
	}
	if (n == 0)
		return 0;
	tok[n] = '\0';
	*toklen = n;
	/* Blanks after the token, up to the end of the line. */
	for (; idx < t->len && idx < t->cap; idx++) {
		uint8_t c = t->d[idx];
		if (c == '\r' || c == '\n' || !is_print(c) || c != ' ')
			break;
	}
	return idx;
}

/*
 * Whether the payload starts like a request (one of cmds) or a response
 * (a three-digit status as the second token), as tcpdump's
 * txtproto_print() decides before it shows anything.
 */
static bool txt_is_message(const struct txt *t, const char *const *cmds)
{
	char tok[TXT_TOKEN_MAX + 1];
	size_t n;
	uint32_t idx = txt_token(t, 0, tok, &n);
	const char *const *m;
	bool yes = false;

	if (idx == 0)
		return false;
	for (m = cmds; *m != NULL && !yes; m++)
		yes = strcasecmp(tok, *m) == 0;
	idx = txt_token(t, idx, tok, &n);
	if (idx != 0 && n == 3 && tok[0] >= '0' && tok[0] <= '9' &&
	    tok[1] >= '0' && tok[1] <= '9' && tok[2] >= '0' && tok[2] <= '9')
		yes = true;
	return yes;
}

/*
 * tcpdump's print_txt_line(): prints the line at *idx after prefix when it
 * is all printable text and ends in LF or CRLF, and moves *idx past it.
 * Returns APP_GO for a printed line, APP_STOP when the line is binary or
 * has a bare CR (nothing printed), APP_TRUNC when it runs past the
 * captured bytes or has no end (then a final unterminated line is
 * printed first).
 */
static int txt_line(struct outbuf *ob, const struct txt *t, const char *prefix,
                    uint32_t *idx)
{
	uint32_t i = *idx, n;
	uint32_t stop = t->len < t->cap ? t->len : (uint32_t)t->cap;

	while (i < stop) {
		uint8_t c = t->d[i];
		if (c == '\n') {
			n = i - *idx;
			i++;
			goto print;
		}
		if (c == '\r') {
			if (i + 1 >= t->len)
				return APP_STOP;
			if (i + 1 >= t->cap)
				return APP_TRUNC;
			if (t->d[i + 1] != '\n')
				return APP_STOP;
			n = i - *idx;
			i += 2;
			goto print;
		}
		if (!is_print(c) && c != '\t')
			return APP_STOP;
		i++;
	}
	if (i < t->len)
		return APP_TRUNC; /* the next byte was not captured */
	ob_str(ob, prefix);
	ob_mem(ob, t->d + *idx, i - *idx);
	return APP_TRUNC;
print:
	ob_str(ob, prefix);
	ob_mem(ob, t->d + *idx, n);
	*idx = i;
	return APP_GO;
}

/*
 * tcpdump's txtproto_print(): ": NAME", then without -v the first line
 * after ": ", with -v ", length: N" and every line on a line of its own.
 * A protocol without a method list shows any payload; one with a list
 * only a request or a response.
 */
static int txt_print(struct outbuf *ob, int v, const struct txt *t,
                     const char *name, const char *const *cmds)
{
	uint32_t idx = 0;
	int rc;

	ob_lit(ob, ": ");
	ob_str(ob, name);
	if (cmds != NULL && !txt_is_message(t, cmds))
		return APP_GO;
	if (v == 0) {
		rc = txt_line(ob, t, ": ", &idx);
		return rc == APP_STOP ? APP_GO : rc;
	}
	ob_lit(ob, ", length: ");
	ob_u32(ob, t->len);
	while (idx < t->len) {
		rc = txt_line(ob, t, "\n\t", &idx);
		if (rc != APP_GO)
			return rc == APP_STOP ? APP_GO : rc;
	}
	return APP_GO;
}

/* ------------------------------------------------------------------ */
/* SSH and the payload tests of telnet and NFS.                        */

/*
 * RFC 4253, 4.2: each side first sends "SSH-protoversion-softwareversion"
 * and CR LF. tcpdump shows that line when the payload starts with it and
 * the line is printable ASCII; later (binary) packets show nothing.
 */
static int ssh_print(struct outbuf *ob, const struct tcpdump_app *a)
{
	static const char magic[4] = {'S', 'S', 'H', '-'};
	uint32_t idx;

	for (idx = 0; idx < 4; idx++) {
		if (idx >= a->cap)
			return APP_TRUNC;
		if (a->d[idx] != (uint8_t)magic[idx])
			return APP_GO;
	}
	for (; idx < a->len; idx++) {
		uint8_t c;
		if (idx >= a->cap)
			return APP_TRUNC;
		c = a->d[idx];
		if (c == '\n')
			break;
		if (c == '\r') {
			if (idx + 1 >= a->len)
				return APP_GO;
			if (idx + 1 >= a->cap)
				return APP_TRUNC;
			if (a->d[idx + 1] == '\n')
				break;
			return APP_GO;
		}
		if (!is_print(c))
			return APP_GO;
	}
	if (idx == a->len)
		return APP_GO;
	ob_lit(ob, ": SSH: ");
	ob_mem(ob, a->d, idx);
	return APP_GO;
}

/*
 * NFS over TCP (RFC 5531, 11: a record mark, then the RPC message): tcpdump
 * decodes a call to port 2049 or a reply from it, and prints nothing for
 * anything else on that port. Whether it decodes is all this tells.
 */
static bool nfs_decoded(const struct tcpdump_app *a)
{
	uint32_t dir;

	if (a->len < 4 || a->cap < 4 || a->cap < 12)
		return false;
	dir = rd32(a->d + 8);
	return (a->dport == 2049 && dir == 0) || (a->sport == 2049 && dir == 1);
}

/* ------------------------------------------------------------------ */
/* DNS over TCP (RFC 1035).                                            */

#define DNS_MAXCDNAME 255
#define DNS_T_OPT     41

/* One message being printed: m[0..cap) captured, offsets from m. A step
 * that meets what tcplab cannot reproduce sets bail. */
struct dns {
	struct outbuf *ob;
	const uint8_t *m;
	int64_t cap;
	int v;
	bool bail;
};

static bool dns_have(const struct dns *d, int64_t off, int64_t n)
{
	return off >= 0 && n >= 0 && off <= d->cap && n <= d->cap - off;
}

/* The record types tcpdump 4.99.3 names (taken from its output for every
 * type number); any other prints as "TypeN". */
static const char *dns_type_name(uint16_t t)
{
	static const char *const low[] = {
	        NULL,    "A",     "NS",     "MD",       "MF",    "CNAME",
	        "SOA",   "MB",    "MG",     "MR",       "NULL",  "WKS",
	        "PTR",   "HINFO", "MINFO",  "MX",       "TXT",   "RP",
	        "AFSDB", "X25",   "ISDN",   "RT",       "NSAP",  "NSAP_PTR",
	        "SIG",   "KEY",   "PX",     "GPOS",     "AAAA",  "LOC",
	        "NXT",   "EID",   "NIMLOC", "SRV",      "ATMA",  "NAPTR",
	        "KX",    "CERT",  "A6",     "DNAME",    "SINK",  "OPT",
	        "APL",   "DS",    "SSHFP",  "IPSECKEY", "RRSIG", "NSEC",
	        "DNSKEY"};
	static const char *const mid[] = {"SPF", "UINFO",  "UID",
	                                  "GID", "UNSPEC", "UNSPECA"};
	static const char *const high[] = {"TKEY",  "TSIG",  "IXFR", "AXFR",
	                                   "MAILB", "MAILA", "ANY",  "URI"};

	if (t < sizeof low / sizeof low[0])
		return low[t];
	if (t >= 99 && t < 99 + sizeof mid / sizeof mid[0])
		return mid[t - 99];
	if (t >= 249 && t < 249 + sizeof high / sizeof high[0])
		return high[t - 249];
	return NULL;
}

static void dns_type(struct dns *d, uint16_t t)
{
	const char *name = dns_type_name(t);

	ob_char(d->ob, ' ');
	if (name != NULL) {
		ob_str(d->ob, name);
	} else {
		ob_lit(d->ob, "Type");
		ob_u32(d->ob, t);
	}
}

/* " CHAOS", or " (Class N)" for a class tcpdump does not name. */
static void dns_class(struct dns *d, uint16_t c)
{
	ob_char(d->ob, ' ');
	switch (c) {
	case 1:
		ob_lit(d->ob, "IN");
		break;
	case 3:
		ob_lit(d->ob, "CHAOS");
		break;
	case 4:
		ob_lit(d->ob, "HS");
		break;
	case 255:
		ob_lit(d->ob, "ANY");
		break;
	default:
		ob_lit(d->ob, "(Class ");
		ob_u32(d->ob, c);
		ob_char(d->ob, ')');
	}
}

/* n bytes at off, escaped; false when the capture ends first (what was
 * captured is printed, as tcpdump does). */
static bool dns_printn(struct dns *d, int64_t off, int64_t n)
{
	for (; n > 0 && off < d->cap; n--, off++)
		put_safe_char(d->ob, d->m[off]);
	return n == 0;
}

/*
 * The length of the label at off (RFC 1035, 4.1.4: the top two bits say
 * label, pointer, or RFC 6891's extended types), or -1 after printing
 * tcpdump's complaint.
 */
static int64_t dns_labellen(struct dns *d, int64_t off)
{
	uint8_t i;
	unsigned bits;

	if (!dns_have(d, off, 1))
		return -1;
	i = d->m[off];
	switch (i & 0xc0) {
	case 0x40:
		if ((i & 0x3f) != 1) {
			ob_lit(d->ob, "<ELT ");
			ob_u32(d->ob, i & 0x3f);
			ob_char(d->ob, '>');
			return -1;
		}
		if (!dns_have(d, off + 1, 1))
			return -1;
		bits = d->m[off + 1] ? d->m[off + 1] : 256;
		return (bits + 7) / 8 + 1;
	case 0x80:
		ob_lit(d->ob, "<BAD LABEL TYPE>");
		return -1;
	default:
		return i;
	}
}

/* Skips a name without printing it: the offset after it, or -1. */
static int64_t dns_skip(const struct dns *d, int64_t off)
{
	unsigned i, bits;

	if (!dns_have(d, off, 1))
		return -1;
	i = d->m[off++];
	while (i != 0) {
		switch (i & 0xc0) {
		case 0xc0:
			return off + 1;
		case 0x40:
			if ((i & 0x3f) != 1 || !dns_have(d, off, 1))
				return -1;
			bits = d->m[off] ? d->m[off] : 256;
			off += 1 + (bits + 7) / 8;
			break;
		case 0x80:
			return -1;
		default:
			off += i;
		}
		if (!dns_have(d, off, 1))
			return -1;
		i = d->m[off++];
	}
	return off;
}

/* One label of a name, cut where tcpdump stops counting (255 bytes). */
static bool dns_label(struct dns *d, int64_t off, int64_t l, uint32_t *chars)
{
	bool ok = true;

	if (*chars + l <= DNS_MAXCDNAME)
		ok = dns_printn(d, off, l);
	else if (*chars < DNS_MAXCDNAME)
		ok = dns_printn(d, off, DNS_MAXCDNAME - *chars);
	*chars += (uint32_t)l;
	return ok;
}

/*
 * Prints the name at off, following compression pointers (RFC 1035,
 * 4.1.4) that must point backwards, as tcpdump requires. Returns the
 * offset after the name where it was written, or -1 (the text printed so
 * far stays, and tcpdump then marks the packet truncated).
 */
static int64_t dns_name(struct dns *d, int64_t off)
{
	int64_t l, rp = -1, max_off = off, ptr;
	uint32_t chars = 0;
	bool compressed = false;
	unsigned i;

	if ((l = dns_labellen(d, off)) < 0 || !dns_have(d, off, 1))
		return -1;
	i = d->m[off++];
	if ((i & 0xc0) != 0xc0)
		rp = off + l;
	if (i == 0) {
		ob_char(d->ob, '.');
		return rp;
	}
	while (i != 0 && off < d->cap) {
		if ((i & 0xc0) == 0xc0) {
			if (!compressed) {
				rp = off + 1;
				compressed = true;
			}
			if (!dns_have(d, off, 1))
				return -1;
			ptr = (int64_t)(((i << 8) | d->m[off]) & 0x3fff);
			if (ptr >= max_off) {
				ob_lit(d->ob, "<BAD PTR>");
				return -1;
			}
			max_off = off = ptr;
			if (!dns_have(d, off, 1))
				return -1;
			i = d->m[off];
			if ((l = dns_labellen(d, off)) < 0)
				return -1;
			off++;
			continue;
		}
		if ((i & 0xc0) == 0x40) {
			/* A bit label (RFC 2673): not reproduced. */
			d->bail = true;
			return -1;
		}
		if ((i & 0xc0) == 0x80) {
			ob_lit(d->ob, "<BAD LABEL TYPE>");
			return -1;
		}
		if (!dns_label(d, off, l, &chars))
			return -1;
		off += l;
		if (chars <= DNS_MAXCDNAME)
			ob_char(d->ob, '.');
		chars++;
		if (!dns_have(d, off, 1))
			return -1;
		i = d->m[off];
		if ((l = dns_labellen(d, off)) < 0)
			return -1;
		off++;
		if (!compressed)
			rp += l + 1;
	}
	if (chars > DNS_MAXCDNAME)
		ob_lit(d->ob, "<DOMAIN NAME TOO LONG>");
	return rp;
}

/* A question (RFC 1035, 4.1.2): " A? www.example.", class if not IN. */
static int64_t dns_question(struct dns *d, int64_t off)
{
	int64_t name = off;
	uint16_t cls;

	off = dns_skip(d, off);
	if (off < 0 || !dns_have(d, off, 4))
		return -1;
	dns_type(d, rd16(d->m + off));
	cls = rd16(d->m + off + 2);
	if (cls != 1)
		dns_class(d, cls);
	ob_lit(d->ob, "? ");
	off = dns_name(d, name);
	return off < 0 ? -1 : off + 4;
}

/* A TTL as tcpdump's -vvv shows it: "1h", "2d3h4m5s", "0s". */
static void dns_ttl(struct dns *d, uint32_t secs)
{
	static const char units[] = "ywdhms";
	static const uint32_t size[] = {31536000, 604800, 86400, 3600, 60, 1};
	int i;

	ob_lit(d->ob, " [");
	if (secs == 0)
		ob_lit(d->ob, "0s");
	for (i = 0; secs > 0; i++) {
		if (secs >= size[i]) {
			ob_u32(d->ob, secs / size[i]);
			ob_char(d->ob, units[i]);
			secs %= size[i];
		}
	}
	ob_char(d->ob, ']');
}

/* The address of an AAAA record in RFC 4291's text form, the longest run
 * of two or more zero groups written "::" (as inet_ntop() does). */
static void dns_ipv6(struct outbuf *ob, const uint8_t *a)
{
	int best = -1, blen = 0, cur = -1, clen = 0, i;
	uint16_t w[8];

	for (i = 0; i < 8; i++) {
		w[i] = rd16(a + 2 * i);
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, clen = 0;
			if (++clen > blen)
				best = cur, blen = clen;
		} else {
			cur = -1;
		}
	}
	if (blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (i == best) {
			ob_char(ob, ':');
			i += blen - 1;
			if (i == 7)
				ob_char(ob, ':');
			continue;
		}
		if (i > 0)
			ob_char(ob, ':');
		if (i == 6 && best == 0 &&
		    (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			ob_ipv4(ob, rd32(a + 12));
			return;
		}
		ob_hex(ob, w[i]);
	}
}

/* An EDNS option's name (RFC 6891 and the IANA registry). */
static const char *dns_eopt_name(uint16_t opt)
{
	static const char *const names[] = {
	        NULL,     "LLQ",        "UL",        "NSID",  NULL,
	        "DAU",    "DHU",        "N3U",       "ECS",   "EXPIRE",
	        "COOKIE", "KEEPALIVE",  "PADDING",   "CHAIN", "KEY-TAG",
	        NULL,     "CLIENT-TAG", "SERVER-TAG"};

	return opt < sizeof names / sizeof names[0] ? names[opt] : NULL;
}

/* The data of an EDNS option that tcplab shows; false to give up. */
static bool dns_eopt_data(struct dns *d, uint16_t opt, const uint8_t *p,
                          uint32_t n)
{
	uint32_t i;

	switch (opt) {
	case 10: /* COOKIE (RFC 7873): client, then server cookie */
		if (n < 8 || (n > 8 && n < 16) || n > 40) {
			ob_lit(d->ob, " (invalid)");
			break;
		}
		for (i = 0; i < n; i++) {
			if (i == 8)
				ob_char(d->ob, ' ');
			ob_hex2(d->ob, p[i]);
		}
		break;
	case 11: /* edns-tcp-keepalive (RFC 7828): units of 100 ms */
		if (n != 2) {
			ob_lit(d->ob, " (invalid)");
			break;
		}
		ob_u32(d->ob, rd16(p) / 10u);
		ob_char(d->ob, '.');
		ob_u32(d->ob, rd16(p) % 10u);
		ob_lit(d->ob, " sec");
		break;
	case 9: /* EXPIRE (RFC 7314) */
		if (n != 4) {
			ob_lit(d->ob, " (invalid)");
			break;
		}
		ob_u32(d->ob, rd32(p));
		ob_lit(d->ob, " sec");
		break;
	case 12: /* PADDING (RFC 7830): only its length */
		ob_char(d->ob, '(');
		ob_u32(d->ob, n);
		ob_char(d->ob, ')');
		break;
	case 14: /* edns-key-tag (RFC 8145): 16-bit key tags */
		if (n % 2 != 0) {
			ob_lit(d->ob, " (invalid)");
			break;
		}
		for (i = 0; i < n; i += 2) {
			if (i > 0)
				ob_char(d->ob, ' ');
			ob_u32(d->ob, rd16(p + i));
		}
		break;
	case 5: /* DAU, DHU, N3U, ECS, CHAIN: not reproduced */
	case 6:
	case 7:
	case 8:
	case 13:
		return false;
	default: /* NSID and the rest: the bytes in hex */
		for (i = 0; i < n; i++)
			ob_hex2(d->ob, p[i]);
	}
	return true;
}

/* One EDNS option (RFC 6891, 6.1.2); the offset after it, or -1. */
static int64_t dns_eopt(struct dns *d, int64_t off)
{
	uint16_t opt, n;
	const char *name;

	if (!dns_have(d, off, 2))
		return -1;
	opt = rd16(d->m + off);
	off += 2;
	if ((name = dns_eopt_name(opt)) != NULL) {
		ob_str(d->ob, name);
	} else {
		ob_lit(d->ob, "Opt");
		ob_u32(d->ob, opt);
	}
	if (!dns_have(d, off, 2))
		return -1;
	n = rd16(d->m + off);
	off += 2;
	if (!dns_have(d, off, n))
		return -1;
	if (n > 0) {
		ob_char(d->ob, ' ');
		if (!dns_eopt_data(d, opt, d->m + off, n)) {
			d->bail = true;
			return -1;
		}
	}
	return off + n;
}

/* The OPT pseudo-record's data: " UDPsize=N[ DO][ [options]]". */
static int64_t dns_opt(struct dns *d, int64_t off, int64_t end, uint16_t cls,
                       uint16_t ttl_low)
{
	ob_lit(d->ob, " UDPsize=");
	ob_u32(d->ob, cls);
	if (ttl_low & 0x8000)
		ob_lit(d->ob, " DO");
	if (off >= end)
		return end;
	ob_lit(d->ob, " [");
	while (off < end) {
		if ((off = dns_eopt(d, off)) < 0)
			return -1;
		if (off < end)
			ob_char(d->ob, ',');
	}
	ob_char(d->ob, ']');
	return end;
}

/* Names in rdata: NS, CNAME, PTR, DNAME, SOA, MX, SRV. */
static int64_t dns_rdata_names(struct dns *d, uint16_t type, int64_t off)
{
	int i;

	ob_char(d->ob, ' ');
	switch (type) {
	case 6: /* SOA: two names and five numbers, with -v only */
		if ((off = dns_name(d, off)) < 0)
			return -1;
		ob_char(d->ob, ' ');
		if ((off = dns_name(d, off)) < 0 || !dns_have(d, off, 20))
			return -1;
		for (i = 0; i < 5; i++) {
			ob_char(d->ob, ' ');
			ob_u32(d->ob, rd32(d->m + off + 4 * i));
		}
		return 0;
	case 15: /* MX: the exchange, then the preference */
		if (!dns_have(d, off, 2) || dns_name(d, off + 2) < 0)
			return -1;
		ob_char(d->ob, ' ');
		ob_u32(d->ob, rd16(d->m + off));
		return 0;
	case 33: /* SRV: target:port priority weight */
		if (!dns_have(d, off, 6) || dns_name(d, off + 6) < 0)
			return -1;
		ob_char(d->ob, ':');
		ob_u32(d->ob, rd16(d->m + off + 4));
		ob_char(d->ob, ' ');
		ob_u32(d->ob, rd16(d->m + off));
		ob_char(d->ob, ' ');
		ob_u32(d->ob, rd16(d->m + off + 2));
		return 0;
	default:
		return dns_name(d, off) < 0 ? -1 : 0;
	}
}

/* A record's data; 0, or -1 when tcpdump marks the packet truncated. */
static int64_t dns_rdata(struct dns *d, uint16_t type, int64_t off, int64_t end)
{
	switch (type) {
	case 1: /* A */
		if (!dns_have(d, off, 4))
			return -1;
		ob_char(d->ob, ' ');
		ob_ipv4(d->ob, rd32(d->m + off));
		return 0;
	case 28: /* AAAA (RFC 3596) */
		if (!dns_have(d, off, 16))
			return -1;
		ob_char(d->ob, ' ');
		dns_ipv6(d->ob, d->m + off);
		return 0;
	case 16: /* TXT: each character-string quoted */
		while (off < end) {
			uint8_t n;
			ob_lit(d->ob, " \"");
			if (!dns_have(d, off, 1))
				return -1;
			n = d->m[off++];
			if (!dns_printn(d, off, n))
				return -1;
			off += n;
			ob_char(d->ob, '"');
		}
		return 0;
	case 6:
		if (d->v == 0)
			return 0;
		/* fall through */
	case 2:
	case 5:
	case 12:
	case 15:
	case 33:
	case 39:
		return dns_rdata_names(d, type, off);
	case 38: /* A6, URI, TSIG: not reproduced */
	case 250:
	case 256:
		d->bail = true;
		return -1;
	default:
		return 0;
	}
}

/*
 * A resource record (RFC 1035, 4.1.3): with -v its owner name, then the
 * class unless IN, the TTL with -vvv, the type and the data. Returns the
 * offset after it; d->cap when its fixed part was not captured (tcpdump
 * then stops the section without a marker), -1 for a truncation.
 */
static int64_t dns_rr(struct dns *d, int64_t off)
{
	uint16_t type, cls, ttl_low = 0;
	int64_t end;

	if (d->v) {
		ob_char(d->ob, ' ');
		if ((off = dns_name(d, off)) < 0)
			return -1;
	} else {
		off = dns_skip(d, off);
	}
	if (off < 0 || !dns_have(d, off, 10))
		return d->cap;
	type = rd16(d->m + off);
	cls = rd16(d->m + off + 2);
	if (cls != 1 && type != DNS_T_OPT)
		dns_class(d, cls);
	if (type == DNS_T_OPT)
		ttl_low = rd16(d->m + off + 6);
	else if (d->v > 2)
		dns_ttl(d, rd32(d->m + off + 4));
	end = off + 10 + rd16(d->m + off + 8);
	off += 10;
	dns_type(d, type);
	if (end > d->cap)
		return -1;
	if (type == DNS_T_OPT)
		return dns_opt(d, off, end, cls, ttl_low) < 0 ? -1 : end;
	return dns_rdata(d, type, off, end) < 0 ? -1 : end;
}

/*
 * A section of n records after label (" ns:", or "" for the answers),
 * printed as tcpdump does: it stops early at the end of the capture, and
 * records left over mean a truncated packet. Returns the offset after
 * them, or -1.
 */
static int64_t dns_section(struct dns *d, int64_t off, unsigned n,
                           const char *label, bool first_always)
{
	if (n > 0 && (first_always || off < d->cap)) {
		ob_str(d->ob, label);
		if ((off = dns_rr(d, off)) < 0)
			return -1;
		n--;
		while (off < d->cap && n > 0) {
			ob_char(d->ob, ',');
			if ((off = dns_rr(d, off)) < 0)
				return -1;
			n--;
		}
	}
	return n > 0 ? -1 : off;
}

/* The header's counts, and the RCODE with its EDNS extension. */
struct dns_hdr {
	uint16_t id, flags;
	unsigned qd, an, ns, ar;
	unsigned rcode;
};

/* RFC 6891, 6.1.3: the OPT record's TTL holds the RCODE's upper 8 bits.
 * tcpdump looks for it before printing, skipping what comes first. */
static unsigned dns_ext_rcode(const struct dns *d, const struct dns_hdr *h)
{
	unsigned rcode = h->flags & 0xf, i;
	int64_t off = 12;

	for (i = 0; i < h->qd; i++) {
		if ((off = dns_skip(d, off)) < 0 || (off += 4) >= d->cap)
			return rcode;
	}
	for (i = 0; i < h->an + h->ns; i++) {
		if ((off = dns_skip(d, off)) < 0 || (off += 8) + 2 > d->cap)
			return rcode;
		off += 2 + rd16(d->m + off);
		if (off >= d->cap)
			return rcode;
	}
	for (i = 0; i < h->ar; i++) {
		uint16_t type;
		if ((off = dns_skip(d, off)) < 0 || off + 2 > d->cap)
			return rcode;
		type = rd16(d->m + off);
		if ((off += 4) + 1 > d->cap)
			return rcode;
		if (type == DNS_T_OPT)
			return rcode | (unsigned)d->m[off] << 4;
		if ((off += 4) + 2 > d->cap)
			return rcode;
		off += 2 + rd16(d->m + off);
		if (off >= d->cap)
			return rcode;
	}
	return rcode;
}

/* The RCODE's name as tcpdump spells it (two without the space). */
static void dns_rcode(struct dns *d, unsigned rcode)
{
	static const char *const names[] = {
	        "",          " FormErr",  " ServFail", " NXDomain", " NotImp",
	        " Refused",  " YXDomain", " YXRRSet",  " NXRRSet",  " NotAuth",
	        " NotZone",  " Resp11",   " Resp12",   " Resp13",   " Resp14",
	        " NoChange", " BadVers",  "Resp17",    " Resp18",   " Resp19",
	        " Resp20",   "Resp21",    " Resp22",   " BadCookie"};

	if (rcode < sizeof names / sizeof names[0]) {
		ob_str(d->ob, names[rcode]);
	} else {
		ob_lit(d->ob, " Resp");
		ob_u32(d->ob, rcode & 0xfff);
	}
}

static const char *const dns_ops[16] = {
        "",         " inv_q",    " stat",     " op3",
        " notify",  " update",   " op6",      " op7",
        " op8",     " updateA",  " updateD",  " updateDA",
        " updateM", " updateMA", " zoneInit", " zoneRef"};

/* A response: "17177 1/0/1 A 192.0.2.1"; the questions with -vv. */
static int dns_response(struct dns *d, const struct dns_hdr *h)
{
	unsigned i;
	int64_t off = 12;

	ob_u32(d->ob, h->id);
	ob_str(d->ob, dns_ops[(h->flags >> 11) & 0xf]);
	dns_rcode(d, h->rcode);
	if (h->flags & 0x0400)
		ob_char(d->ob, '*');
	if (!(h->flags & 0x0080))
		ob_char(d->ob, '-');
	if (h->flags & 0x0200)
		ob_char(d->ob, '|');
	if (h->flags & 0x0020)
		ob_char(d->ob, '$');
	if (h->qd != 1) {
		ob_lit(d->ob, " [");
		ob_u32(d->ob, h->qd);
		ob_lit(d->ob, "q]");
	}
	for (i = 0; i < h->qd; i++) {
		if (i != 0)
			ob_char(d->ob, ',');
		if (d->v > 1) {
			ob_lit(d->ob, " q:");
			off = dns_question(d, off);
		} else if ((off = dns_skip(d, off)) >= 0) {
			off += 4;
		}
		if (off < 0)
			return APP_TRUNC;
	}
	ob_char(d->ob, ' ');
	ob_u32(d->ob, h->an);
	ob_char(d->ob, '/');
	ob_u32(d->ob, h->ns);
	ob_char(d->ob, '/');
	ob_u32(d->ob, h->ar);
	if ((off = dns_section(d, off, h->an, "", true)) < 0)
		return APP_TRUNC;
	if (d->v > 1 &&
	    ((off = dns_section(d, off, h->ns, " ns:", false)) < 0 ||
	     dns_section(d, off, h->ar, " ar:", false) < 0))
		return APP_TRUNC;
	return APP_GO;
}

/* " [3a]": a count in brackets. */
static void dns_count(struct dns *d, unsigned n, const char *what)
{
	ob_lit(d->ob, " [");
	ob_u32(d->ob, n);
	ob_str(d->ob, what);
	ob_char(d->ob, ']');
}

/* A query: "17177+ [1au] A? www.tcpdump.org."; the other sections with
 * -vv. */
static int dns_query(struct dns *d, const struct dns_hdr *h)
{
	unsigned opcode = (h->flags >> 11) & 0xf, qd = h->qd;
	int64_t off = 12;

	ob_u32(d->ob, h->id);
	ob_str(d->ob, dns_ops[opcode]);
	if (h->flags & 0x0100)
		ob_char(d->ob, '+');
	if (h->flags & 0x0010)
		ob_char(d->ob, '%');
	/* Bits a query should not have: AA, TC, RA, Z, RCODE. */
	if (h->flags & 0x6cf) {
		ob_lit(d->ob, " [b2&3=0x");
		ob_hex(d->ob, h->flags);
		ob_char(d->ob, ']');
	}
	if (opcode == 1) { /* IQUERY (RFC 1035, 6.4): one answer, no question */
		if (h->qd)
			dns_count(d, h->qd, "q");
		if (h->an != 1)
			dns_count(d, h->an, "a");
	} else {
		if (h->an)
			dns_count(d, h->an, "a");
		if (h->qd != 1)
			dns_count(d, h->qd, "q");
	}
	if (h->ns)
		dns_count(d, h->ns, "n");
	if (h->ar)
		dns_count(d, h->ar, "au");
	for (; qd > 0 && (qd == h->qd || off < d->cap); qd--)
		if ((off = dns_question(d, off)) < 0)
			return APP_TRUNC;
	if (qd > 0)
		return APP_TRUNC;
	if (d->v > 1 &&
	    ((off = dns_section(d, off, h->an, "", true)) < 0 ||
	     (off = dns_section(d, off, h->ns, " ns:", false)) < 0 ||
	     dns_section(d, off, h->ar, " ar:", false) < 0))
		return APP_TRUNC;
	return APP_GO;
}

/* The message after the length prefix (RFC 1035, 4.1.1). */
static int dns_message(struct dns *d, uint32_t len)
{
	struct dns_hdr h;
	int rc;

	if (len < 12) {
		ob_lit(d->ob, "domain [length ");
		ob_u32(d->ob, len);
		ob_lit(d->ob, " < 12] (invalid)");
		return APP_GO;
	}
	if (d->cap < 12)
		return APP_TRUNC;
	h.id = rd16(d->m);
	h.flags = rd16(d->m + 2);
	h.qd = rd16(d->m + 4);
	h.an = rd16(d->m + 6);
	h.ns = rd16(d->m + 8);
	h.ar = rd16(d->m + 10);
	h.rcode = dns_ext_rcode(d, &h);
	rc = (h.flags & 0x8000) ? dns_response(d, &h) : dns_query(d, &h);
	if (rc == APP_GO) {
		ob_lit(d->ob, " (");
		ob_u32(d->ob, len);
		ob_char(d->ob, ')');
	}
	return rc;
}

/*
 * RFC 1035, 4.2.2: over TCP a message is preceded by its length in two
 * bytes. tcpdump decodes a segment only when that length is exactly the
 * rest of the segment: a message split over segments, or two in one,
 * is marked invalid.
 */
static int dns_print(struct outbuf *ob, int v, struct tcpdump_app *a)
{
	struct dns d = {ob, NULL, 0, v, false};
	char *mark = ob->p;
	bool full = ob->full;
	int rc;

	a->proto = "domain";
	if (a->len < 2) {
		ob_lit(ob, " [DNS over TCP: length ");
		ob_u32(ob, a->len);
		ob_lit(ob, " < 2] (invalid)");
		return APP_GO;
	}
	if (a->cap < 2)
		return APP_TRUNC;
	if (rd16(a->d) != a->len - 2) {
		ob_lit(ob, " [prefix length(");
		ob_u32(ob, rd16(a->d));
		ob_lit(ob, ") != length(");
		ob_u32(ob, a->len - 2);
		ob_lit(ob, ")] (invalid)");
		return APP_GO;
	}
	ob_char(ob, ' ');
	d.m = a->d + 2;
	d.cap = (int64_t)a->cap - 2;
	rc = dns_message(&d, a->len - 2);
	if (d.bail) {
		ob->p = mark;
		ob->full = full;
		a->skipped = "DNS";
		return APP_GO;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* tcpdump's dispatch by port.                                         */

enum app_kind { APP_TEXT, APP_SSH, APP_DNS, APP_TELNET, APP_NFS, APP_NONE };

struct app_port {
	uint16_t port, alt; /* alt 0: none */
	enum app_kind kind;
	const char *name;        /* as printed, or in the note */
	const char *proto;       /* the " [|proto]" marker */
	const char *const *cmds; /* text: the methods, or NULL */
};

/* tcp_print()'s order in tcpdump 4.99.3 as built by Debian (no SMB). */
static const struct app_port app_ports[] = {
        {23, 0, APP_TELNET, "telnet", "telnet", NULL},
        {25, 0, APP_TEXT, "SMTP", "smtp", NULL},
        {43, 0, APP_TEXT, "WHOIS", "whois", NULL},
        {179, 0, APP_NONE, "BGP", NULL, NULL},
        {1723, 0, APP_NONE, "PPTP", NULL, NULL},
        {6379, 0, APP_NONE, "RESP (Redis)", NULL, NULL},
        {22, 0, APP_SSH, "SSH", "ssh", NULL},
        {10288, 0, APP_NONE, "BEEP", NULL, NULL},
        {6633, 6653, APP_NONE, "OpenFlow", NULL, NULL},
        {21, 0, APP_TEXT, "FTP", "ftp", NULL},
        {80, 8080, APP_TEXT, "HTTP", "http", http_methods},
        {554, 8554, APP_TEXT, "RTSP", "rtsp", rtsp_methods},
        {53, 0, APP_DNS, "DNS", "domain", NULL},
        {639, 0, APP_NONE, "MSDP", NULL, NULL},
        {323, 0, APP_NONE, "RPKI-RTR", NULL, NULL},
        {646, 0, APP_NONE, "LDP", NULL, NULL},
        {2049, 0, APP_NFS, "NFS", NULL, NULL},
};

static bool app_port_is(const struct app_port *e, uint16_t port)
{
	return port == e->port || (e->alt != 0 && port == e->alt);
}

static const struct app_port *app_find(uint16_t sport, uint16_t dport)
{
	size_t i;

	for (i = 0; i < sizeof app_ports / sizeof app_ports[0]; i++)
		if (app_port_is(&app_ports[i], sport) ||
		    app_port_is(&app_ports[i], dport))
			return &app_ports[i];
	return NULL;
}

int tcpdump_app_print(struct outbuf *ob, const struct tcpdump_flags *f,
                      struct tcpdump_app *a)
{
	const struct app_port *e;
	struct txt t = {a->d, a->len, a->cap};

	a->skipped = NULL;
	if (a->rst && f->v) {
		rst_data(ob, a);
		return APP_GO;
	}
	if ((e = app_find(a->sport, a->dport)) == NULL)
		return APP_GO;
	a->proto = e->proto;
	switch (e->kind) {
	case APP_TEXT:
		return txt_print(ob, f->v, &t, e->name, e->cmds);
	case APP_SSH:
		return ssh_print(ob, a);
	case APP_DNS:
		return dns_print(ob, f->v, a);
	case APP_TELNET:
		/* Telnet commands start with IAC (RFC 854); other data
		 * prints nothing. */
		if (a->cap == 0)
			return APP_TRUNC;
		if (a->d[0] == 0xff)
			a->skipped = e->name;
		return APP_GO;
	case APP_NFS:
		if (nfs_decoded(a))
			a->skipped = e->name;
		return APP_GO;
	case APP_NONE:
		a->skipped = e->name;
		return APP_GO;
	}
	return APP_GO;
}
