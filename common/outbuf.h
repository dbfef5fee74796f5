/*
 * outbuf.h: appends text to a caller's buffer quickly and safely.
 *
 * The tcpdump printer writes millions of lines, so it cannot afford the
 * printf family: these helpers format integers, hex and addresses by hand.
 * Every append checks the room left first; when a piece does not fit,
 * nothing of it is written, the buffer is marked full and every later
 * append is refused, so the caller sees one error at the end instead of a
 * check after each call. One byte is always kept for the final NUL.
 *
 * Pure and header-only: no I/O, no allocation, no globals besides the
 * constant digit table.
 */
#ifndef TCPLAB_OUTBUF_H
#define TCPLAB_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct outbuf {
	char *p;   /* where the next byte goes */
	char *end; /* the last byte usable for text (kept for the NUL) */
	bool full; /* an append did not fit */
};

/* The two-digit decimal strings 00..99, for writing numbers by pairs. */
static const char ob_pairs_[201] = "00010203040506070809"
                                   "10111213141516171819"
                                   "20212223242526272829"
                                   "30313233343536373839"
                                   "40414243444546474849"
                                   "50515253545556575859"
                                   "60616263646566676869"
                                   "70717273747576777879"
                                   "80818283848586878889"
                                   "90919293949596979899";

static const char ob_hexdig_[17] = "0123456789abcdef";

/* Starts writing at buf; cap counts the NUL, so it must be at least 1. */
static inline void ob_init(struct outbuf *ob, char *buf, size_t cap)
{
	ob->p = buf;
	ob->end = buf + (cap > 0 ? cap - 1 : 0);
	ob->full = cap == 0;
}

/* Whether n more bytes fit; marks the buffer full when they do not. */
static inline bool ob_room(struct outbuf *ob, size_t n)
{
	if (ob->full || (size_t)(ob->end - ob->p) < n) {
		ob->full = true;
		return false;
	}
	return true;
}

/* Terminates the text; returns its length, or -1 when something did not
 * fit (the text is then incomplete). */
static inline long ob_finish(struct outbuf *ob, char *buf)
{
	*ob->p = '\0';
	return ob->full ? -1 : (long)(ob->p - buf);
}

static inline void ob_char(struct outbuf *ob, char c)
{
	if (ob_room(ob, 1))
		*ob->p++ = c;
}

static inline void ob_mem(struct outbuf *ob, const void *s, size_t n)
{
	if (ob_room(ob, n)) {
		memcpy(ob->p, s, n);
		ob->p += n;
	}
}

static inline void ob_str(struct outbuf *ob, const char *s)
{
	ob_mem(ob, s, strlen(s));
}

/* A string literal: its length is known when compiling. */
#define ob_lit(ob, s) ob_mem((ob), "" s, sizeof(s) - 1)

/* An unsigned number in decimal, as "%u" and "%lu" print it. */
static inline void ob_u64(struct outbuf *ob, uint64_t v)
{
	char tmp[20];
	char *q = tmp + sizeof tmp;

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		q -= 2;
		memcpy(q, ob_pairs_ + 2 * r, 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, ob_pairs_ + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	ob_mem(ob, q, (size_t)(tmp + sizeof tmp - q));
}

static inline void ob_u32(struct outbuf *ob, uint32_t v)
{
	char tmp[10];
	char *q = tmp + sizeof tmp;

	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		q -= 2;
		memcpy(q, ob_pairs_ + 2 * r, 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, ob_pairs_ + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	ob_mem(ob, q, (size_t)(tmp + sizeof tmp - q));
}

/* A signed number in decimal, as "%lld" prints it. */
static inline void ob_i64(struct outbuf *ob, int64_t v)
{
	if (v < 0) {
		ob_char(ob, '-');
		ob_u64(ob, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(ob, (uint64_t)v);
	}
}

/* v in decimal padded with zeros to width digits ("%02u", "%06u"); a
 * wider number is written in full, as printf does. */
static inline void ob_u32_pad(struct outbuf *ob, uint32_t v, unsigned width)
{
	char tmp[10];
	unsigned n = 0;

	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < sizeof tmp);
	while (n < width && n < sizeof tmp)
		tmp[sizeof tmp - 1 - n++] = '0';
	ob_mem(ob, tmp + sizeof tmp - n, n);
}

/* v in lowercase hex without padding, as "%x" prints it. */
static inline void ob_hex(struct outbuf *ob, uint32_t v)
{
	char tmp[8];
	unsigned n = 0;

	do {
		tmp[sizeof tmp - 1 - n++] = ob_hexdig_[v & 15];
		v >>= 4;
	} while (v != 0);
	ob_mem(ob, tmp + sizeof tmp - n, n);
}

/* A byte as two lowercase hex digits ("%02x"). */
static inline void ob_hex2(struct outbuf *ob, uint8_t v)
{
	if (ob_room(ob, 2)) {
		ob->p[0] = ob_hexdig_[v >> 4];
		ob->p[1] = ob_hexdig_[v & 15];
		ob->p += 2;
	}
}

/* A 16-bit value as four lowercase hex digits ("%04x"). */
static inline void ob_hex4(struct outbuf *ob, uint16_t v)
{
	if (ob_room(ob, 4)) {
		ob->p[0] = ob_hexdig_[v >> 12];
		ob->p[1] = ob_hexdig_[(v >> 8) & 15];
		ob->p[2] = ob_hexdig_[(v >> 4) & 15];
		ob->p[3] = ob_hexdig_[v & 15];
		ob->p += 4;
	}
}

/* An IPv4 address given in host byte order, as a dotted quad. */
static inline void ob_ipv4(struct outbuf *ob, uint32_t a)
{
	char tmp[16];
	unsigned n = 0;
	int i;

	for (i = 24; i >= 0; i -= 8) {
		unsigned b = (a >> i) & 0xff;
		if (b >= 100) {
			tmp[n++] = (char)('0' + b / 100);
			b %= 100;
			tmp[n++] = ob_pairs_[2 * b];
			tmp[n++] = ob_pairs_[2 * b + 1];
		} else if (b >= 10) {
			tmp[n++] = ob_pairs_[2 * b];
			tmp[n++] = ob_pairs_[2 * b + 1];
		} else {
			tmp[n++] = (char)('0' + b);
		}
		tmp[n++] = '.';
	}
	ob_mem(ob, tmp, n - 1);
}

/*
 * An IPv6 address (16 bytes in network order) in its text form: lowercase
 * hex groups without leading zeros, the longest run of two or more zero
 * groups (the first of equal runs) written "::", and the last 32 bits as a
 * dotted quad for IPv4-compatible (::a.b.c.d) and IPv4-mapped
 * (::ffff:a.b.c.d) addresses, as tcpdump and inet_ntop() write them.
 */
static inline void ob_ipv6(struct outbuf *ob, const uint8_t *a)
{
	char tmp[48];
	unsigned n = 0, w[8];
	int i, best = -1, best_len = 0, run = -1, run_len = 0, last;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i++) {
		if (w[i] != 0) {
			run = -1;
			continue;
		}
		if (run < 0)
			run = i, run_len = 0;
		if (++run_len > best_len)
			best = run, best_len = run_len;
	}
	if (best_len < 2)
		best = -1;
	last = best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))
	               ? 6
	               : 8;
	for (i = 0; i < last; i++) {
		int d;
		if (i == best) {
			tmp[n++] = ':';
			tmp[n++] = ':';
			i += best_len - 1;
			continue;
		}
		if (n > 0 && tmp[n - 1] != ':')
			tmp[n++] = ':';
		for (d = 12; d > 0 && (w[i] >> d) == 0; d -= 4)
			;
		for (; d >= 0; d -= 4)
			tmp[n++] = ob_hexdig_[(w[i] >> d) & 15];
	}
	if (last == 6 && tmp[n - 1] != ':')
		tmp[n++] = ':';
	ob_mem(ob, tmp, n);
	if (last == 6)
		ob_ipv4(ob, (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
		                    (uint32_t)a[14] << 8 | a[15]);
}

#endif
