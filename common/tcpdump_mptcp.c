/*
 * tcpdump_mptcp.c: prints a Multipath TCP option (RFC 8684) byte for byte
 * as tcpdump 4.99.3 does.
 *
 * Every MPTCP option starts with kind 30, its length, and a byte whose
 * high four bits name the subtype. tcpdump prints the length and the
 * subtype's name, then the fields of the subtypes it knows (capable, join,
 * dss, add-addr, rem-addr, prio, fail, fast-close); any subtype from 8 on
 * (MP_TCPRST, MP_EXPERIMENTAL...) is "unknown" with nothing after it. Each
 * subtype accepts only the lengths its layout allows, some only with
 * certain TCP flags; any other length is "[bad opt]", printed by the
 * caller after the text written so far (for an option of 2 bytes, right
 * after "mptcp", before any length). The caller has checked that the
 * whole option was captured, so nothing here reads past len bytes.
 *
 * Like the rest of the printer, this never prints, reads files or keeps
 * globals: it only appends to the caller's outbuf.
 */
#include "common/tcpdump_mptcp.h"

/* The TCP flags that decide which layouts are allowed. */
#define MP_TH_SYN 0x02
#define MP_TH_ACK 0x10

/* Subtypes (RFC 8684, section 3, table of MPTCP option subtypes). */
enum {
	MP_CAPABLE = 0,
	MP_JOIN = 1,
	MP_DSS = 2,
	MP_ADD_ADDR = 3,
	MP_REMOVE_ADDR = 4,
	MP_PRIO = 5,
	MP_FAIL = 6,
	MP_FASTCLOSE = 7,
	MP_UNKNOWN = 8 /* tcpdump 4.99.3 names nothing past MP_FASTCLOSE */
};

/* The DSS flags byte (RFC 8684, section 3.3): F m M a A. */
#define DSS_A 0x01 /* Data ACK present */
#define DSS_a 0x02 /* ... and 8 octets long */
#define DSS_M 0x04 /* DSN, subflow sequence number and length present */
#define DSS_m 0x08 /* ... and the DSN 8 octets long */
#define DSS_F 0x10 /* DATA_FIN */

static uint32_t mp_rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t mp_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t mp_rd64(const uint8_t *p)
{
	return (uint64_t)mp_rd32(p) << 32 | mp_rd32(p + 4);
}

/* A 64-bit value in lowercase hex without leading zeros ("%llx"). */
static void mp_hex64(struct outbuf *ob, uint64_t v)
{
	uint32_t hi = (uint32_t)(v >> 32), lo = (uint32_t)v;
	int shift;

	if (hi == 0) {
		ob_hex(ob, lo);
		return;
	}
	ob_hex(ob, hi);
	for (shift = 28; shift >= 0; shift -= 4)
		ob_char(ob, ob_hexdig_[(lo >> shift) & 15]);
}

/* An IPv4 address as the rest of the line shows one: its name unless -n. */
static void mp_ipv4(struct outbuf *ob, const struct tcpdump_ctx *ctx,
                    const uint8_t *p)
{
	uint32_t addr = mp_rd32(p);
	const char *name = NULL;

	if (ctx->flags.n == 0 && ctx->res.host != NULL)
		name = ctx->res.host(ctx->res.arg, addr);
	if (name != NULL)
		ob_str(ob, name);
	else
		ob_ipv4(ob, addr);
}

/* ADD_ADDR's IPv6 address, named unless -n, as tcpdump names it. */
static void mp_ipv6(struct outbuf *ob, const struct tcpdump_ctx *ctx,
                    const uint8_t *p)
{
	const char *name = NULL;

	if (ctx->flags.n == 0 && ctx->res.host6 != NULL)
		name = ctx->res.host6(ctx->res.arg, p);
	if (name != NULL)
		ob_str(ob, name);
	else
		ob_ipv6(ob, p);
}

/*
 * MP_CAPABLE (RFC 8684, 3.1): version in the low nibble of byte 2, flags
 * in byte 3 (A: checksums required), then the keys. The SYN carries no key
 * in version 1 (4 octets) or the sender's (12); the SYN/ACK the sender's
 * (12); the third ACK both (20), plus a data-level length (22) when it
 * carries data. tcpdump accepts 4 and 12 with SYN set, 20 and 22 with ACK
 * set and SYN clear.
 */
static bool mp_capable(struct outbuf *ob, const uint8_t *o, uint32_t len,
                       uint8_t th)
{
	uint32_t version = o[2] & 0x0f;

	if (!((len == 12 || len == 4) && (th & MP_TH_SYN)) &&
	    !((len == 20 || len == 22) &&
	      (th & (MP_TH_SYN | MP_TH_ACK)) == MP_TH_ACK))
		return false;
	if (version > 1) {
		ob_lit(ob, " Unknown Version (");
		ob_u32(ob, version);
		ob_char(ob, ')');
		return true;
	}
	ob_lit(ob, " v");
	ob_u32(ob, version);
	if (o[3] & 0x80)
		ob_lit(ob, " csum");
	if (len == 12 || len >= 20) {
		ob_lit(ob, " {0x");
		mp_hex64(ob, mp_rd64(o + 4));
		if (len >= 20) {
			ob_lit(ob, ",0x");
			mp_hex64(ob, mp_rd64(o + 12));
		}
		ob_char(ob, '}');
	}
	return true;
}

/*
 * MP_JOIN (RFC 8684, 3.2): the SYN (12 octets) has the backup bit, the
 * address id, the receiver's token and the sender's random number; the
 * SYN/ACK (16) a truncated 64-bit HMAC instead of the token; the third ACK
 * (24) the full 160-bit HMAC only.
 */
static bool mp_join(struct outbuf *ob, const uint8_t *o, uint32_t len,
                    uint8_t th)
{
	uint32_t i;

	if (!(len == 12 && (th & MP_TH_SYN)) &&
	    !(len == 16 &&
	      (th & (MP_TH_SYN | MP_TH_ACK)) == (MP_TH_SYN | MP_TH_ACK)) &&
	    !(len == 24 && (th & MP_TH_ACK)))
		return false;
	if (len != 24) {
		if (o[2] & 0x01)
			ob_lit(ob, " backup");
		ob_lit(ob, " id ");
		ob_u32(ob, o[3]);
	}
	if (len == 12) {
		ob_lit(ob, " token 0x");
		ob_hex(ob, mp_rd32(o + 4));
		ob_lit(ob, " nonce 0x");
		ob_hex(ob, mp_rd32(o + 8));
	} else if (len == 16) {
		ob_lit(ob, " hmac 0x");
		mp_hex64(ob, mp_rd64(o + 4));
		ob_lit(ob, " nonce 0x");
		ob_hex(ob, mp_rd32(o + 12));
	} else {
		ob_lit(ob, " hmac 0x");
		for (i = 4; i < 24; i++)
			ob_hex2(ob, o[i]);
	}
	return true;
}

/* A DSS number of 4 or 8 octets at o[*at], in decimal; false when the
 * option has fewer than that left. */
static bool dss_num(struct outbuf *ob, const uint8_t *o, uint32_t len,
                    uint32_t *at, bool wide)
{
	uint32_t n = wide ? 8 : 4;

	if (len - *at < n)
		return false;
	if (wide)
		ob_u64(ob, mp_rd64(o + *at));
	else
		ob_u32(ob, mp_rd32(o + *at));
	*at += n;
	return true;
}

/*
 * DSS (RFC 8684, 3.3): after the flags, the Data ACK (4 or 8 octets) when
 * A is set, then when M is set the data sequence number (4 or 8), the
 * subflow sequence number (4), the data-level length (2) and, when
 * checksums were negotiated, the checksum (2). tcpdump takes two octets
 * left after the length as the checksum, and refuses the option on a SYN,
 * when a field is short, or when octets are left over.
 */
static bool mp_dss(struct outbuf *ob, const uint8_t *o, uint32_t len,
                   uint8_t th)
{
	uint32_t at = 4;
	uint8_t f;

	if (len < 4 || (th & MP_TH_SYN))
		return false;
	f = o[3];
	if (f & DSS_F)
		ob_lit(ob, " fin");
	if (f & DSS_A) {
		ob_lit(ob, " ack ");
		if (!dss_num(ob, o, len, &at, f & DSS_a))
			return false;
	}
	if (f & DSS_M) {
		ob_lit(ob, " seq ");
		if (!dss_num(ob, o, len, &at, f & DSS_m))
			return false;
		if (len - at < 4)
			return false;
		ob_lit(ob, " subseq ");
		ob_u32(ob, mp_rd32(o + at));
		at += 4;
		if (len - at < 2)
			return false;
		ob_lit(ob, " len ");
		ob_u32(ob, mp_rd16(o + at));
		at += 2;
		if (len - at >= 2) {
			ob_lit(ob, " csum 0x");
			ob_hex(ob, mp_rd16(o + at));
			at += 2;
		}
	}
	return at == len;
}

/* The low nibble of ADD_ADDR's byte 2: IPVer in RFC 6824 (version 0),
 * the echo bit E in RFC 8684 (version 1). */
static void add_addr_kind(struct outbuf *ob, uint8_t nibble)
{
	switch (nibble) {
	case 0x6:
		ob_lit(ob, " v0-ip6");
		break;
	case 0x4:
		ob_lit(ob, " v0-ip4");
		break;
	case 0x1:
		ob_lit(ob, " v1-echo");
		break;
	case 0x0:
		ob_lit(ob, " v1");
		break;
	default:
		ob_lit(ob, " [bad version/echo]");
	}
}

/*
 * ADD_ADDR (RFC 8684, 3.4.1): address id, an IPv4 (4 octets) or IPv6 (16)
 * address, an optional port (2) and, unless it is an echo, a truncated
 * 64-bit HMAC (8). tcpdump tells the family and the parts apart by the
 * length alone: 8, 10, 16, 18 are IPv4, 20, 22, 28, 30 IPv6.
 */
static bool mp_add_addr(struct outbuf *ob, const struct tcpdump_ctx *ctx,
                        const uint8_t *o, uint32_t len)
{
	bool v4 = len == 8 || len == 10 || len == 16 || len == 18;
	bool v6 = len == 20 || len == 22 || len == 28 || len == 30;
	uint32_t alen = v4 ? 4 : 16, base = v4 ? 8 : 20;
	bool port = len == base + 2 || len == base + 10;

	if (!v4 && !v6)
		return false;
	add_addr_kind(ob, o[2] & 0x0f);
	ob_lit(ob, " id ");
	ob_u32(ob, o[3]);
	ob_char(ob, ' ');
	if (v4)
		mp_ipv4(ob, ctx, o + 4);
	else
		mp_ipv6(ob, ctx, o + 4);
	if (port) {
		ob_char(ob, ':');
		ob_u32(ob, mp_rd16(o + 4 + alen));
	}
	if (len >= base + 8) {
		ob_lit(ob, " hmac 0x");
		mp_hex64(ob, mp_rd64(o + 4 + alen + (port ? 2 : 0)));
	}
	return true;
}

/* REMOVE_ADDR (RFC 8684, 3.4.2): one or more address ids. */
static bool mp_remove_addr(struct outbuf *ob, const uint8_t *o, uint32_t len)
{
	uint32_t i;

	if (len < 4)
		return false;
	ob_lit(ob, " id");
	for (i = 3; i < len; i++) {
		ob_char(ob, ' ');
		ob_u32(ob, o[i]);
	}
	return true;
}

/* MP_PRIO (RFC 8684, 3.3.8): the backup bit, and in RFC 6824's form an
 * address id (4 octets instead of 3). */
static bool mp_prio(struct outbuf *ob, const uint8_t *o, uint32_t len)
{
	if (len != 3 && len != 4)
		return false;
	if (o[2] & 0x01)
		ob_lit(ob, " backup");
	else
		ob_lit(ob, " non-backup");
	if (len == 4) {
		ob_lit(ob, " id ");
		ob_u32(ob, o[3]);
	}
	return true;
}

/* MP_FAIL (3.7) carries a 64-bit data sequence number, MP_FASTCLOSE
 * (3.5) the receiver's 64-bit key, both after a reserved octet. */
static bool mp_fail_or_close(struct outbuf *ob, const uint8_t *o, uint32_t len,
                             bool fail)
{
	if (len != 12)
		return false;
	if (fail) {
		ob_lit(ob, " seq ");
		ob_u64(ob, mp_rd64(o + 4));
	} else {
		ob_lit(ob, " key 0x");
		mp_hex64(ob, mp_rd64(o + 4));
	}
	return true;
}

/* The subtypes' names as tcpdump 4.99.3 prints them, by subtype. */
static const char *const mp_names[] = {
        "capable", "join", "dss",        "add-addr", "rem-addr",
        "prio",    "fail", "fast-close", "unknown",
};

bool tcpdump_mptcp_print(struct outbuf *ob, const struct tcpdump_ctx *ctx,
                         const uint8_t *opt, uint32_t len, uint8_t th_flags)
{
	uint32_t sub;

	if (len < 3)
		return false;
	sub = opt[2] >> 4;
	if (sub > MP_UNKNOWN)
		sub = MP_UNKNOWN;
	ob_char(ob, ' ');
	ob_u32(ob, len);
	ob_char(ob, ' ');
	ob_str(ob, mp_names[sub]);
	switch (sub) {
	case MP_CAPABLE:
		return mp_capable(ob, opt, len, th_flags);
	case MP_JOIN:
		return mp_join(ob, opt, len, th_flags);
	case MP_DSS:
		return mp_dss(ob, opt, len, th_flags);
	case MP_ADD_ADDR:
		return mp_add_addr(ob, ctx, opt, len);
	case MP_REMOVE_ADDR:
		return mp_remove_addr(ob, opt, len);
	case MP_PRIO:
		return mp_prio(ob, opt, len);
	case MP_FAIL:
	case MP_FASTCLOSE:
		return mp_fail_or_close(ob, opt, len, sub == MP_FAIL);
	default:
		return true;
	}
}
