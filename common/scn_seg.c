/*
 * scn_seg.c: a segment in the scenario notation, tcpdump's short form as
 * packetdrill writes it:
 *
 *   client > P. 1:143(142) ack 1 win 502 <nop,nop,TS val * ecr *> "GET"
 *
 * read into a struct scn_seg (scn_parse_seg), written back in the same
 * notation (scn_format_seg), taken from a segment on the wire
 * (scn_seg_of), and compared with one (scn_match). One notation for the
 * parser, tcplab-explain --scenario and the runner's report.
 *
 * Pure: no I/O, no globals; the parser allocates only the payload.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/outbuf.h"
#include "common/scn_int.h"

/* tcpdump's flag letters, in the order it prints them. */
static const struct {
	uint16_t bit;
	char c;
} flag_tab[] = {{TH_FIN, 'F'}, {TH_SYN, 'S'}, {TH_RST, 'R'}, {TH_PSH, 'P'},
                {TH_ACK, '.'}, {TH_URG, 'U'}, {TH_ECE, 'E'}, {TH_CWR, 'W'}};

#define NFLAGS (sizeof(flag_tab) / sizeof(flag_tab[0]))

/* Bytes of a UTF-8 character that starts with byte b (1 for a stray). */
static int utf8_len(unsigned char b)
{
	if (b >= 0xf0 && b < 0xf8)
		return 4;
	if (b >= 0xe0)
		return b < 0xf0 ? 3 : 1;
	return b >= 0xc0 ? 2 : 1;
}

/* "client >" or "server >". */
static int parse_from(struct scn_ps *ps, struct scn_cur *c, enum scn_end *from)
{
	const char *b = c->p;
	size_t n = scn_word_len(c);
	struct scn_cur next;

	if (scn_take_word(c, "client") || scn_take_word(c, "server")) {
		*from = *b == 'c' ? SCN_CLIENT : SCN_SERVER;
		scn_skip_sp(c);
		if (scn_take_word(c, ">"))
			return 0;
		return scn_fail(ps, c, c->p,
		                TR(ps->tr, "expected \">\" after \"%.*s\""),
		                (int)n, b);
	}
	next = *c;
	next.p += n;
	scn_skip_sp(&next);
	if ((n == 1 && *b == '>') || scn_take_word(&next, ">"))
		return scn_fail(ps, c, b,
		                TR(ps->tr, "expected \"client\" or \"server\" "
		                           "before \">\""));
	return scn_fail(ps, c, b,
	                TR(ps->tr, "expected a segment: \"client > ...\" or "
	                           "\"server > ...\""));
}

/* The bit of flag letter ch (a letter flag_tab knows). */
static uint16_t flag_last(char ch)
{
	size_t k;

	for (k = 0; k < NFLAGS; k++)
		if (flag_tab[k].c == ch)
			return flag_tab[k].bit;
	return 0;
}

static int parse_flags(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s)
{
	size_t n = scn_word_len(c), i, k;

	if (n == 0)
		return scn_fail(ps, c, c->p,
		                TR(ps->tr, "expected the flags after \">\": "
		                           "S F R P U E W and ., none or *"));
	if (ps->inject && n == 1 && *c->p == '*')
		return scn_fail(ps, c, c->p,
		                TR(ps->tr, "an injected segment needs its "
		                           "flags: * is for expectations"));
	if (scn_take_word(c, "*")) {
		s->flags_any = true;
		return 0;
	}
	if (scn_take_word(c, "none"))
		return 0;
	for (i = 0; i < n; i++) {
		if (c->p[i] == '?' && i > 0 && c->p[i - 1] != '?') {
			/* the flag before may be there or not */
			if (ps->inject)
				return scn_fail(ps, c, c->p + i,
				                TR(ps->tr,
				                   "an injected segment's flags "
				                   "are given: ? is for "
				                   "expectations"));
			s->flags_opt |= s->flags & ~s->flags_opt &
			                flag_last(c->p[i - 1]);
			continue;
		}
		for (k = 0; k < NFLAGS && flag_tab[k].c != c->p[i]; k++)
			;
		if (k == NFLAGS)
			return scn_fail(ps, c, c->p + i,
			                TR(ps->tr, "unknown flag '%.*s': flags "
			                           "are S F R P U E W and ., "
			                           "each may be followed by ?"),
			                utf8_len((unsigned char)c->p[i]),
			                c->p + i);
		s->flags |= flag_tab[k].bit;
	}
	c->p += n;
	return 0;
}

/* One number of START:END(LENGTH), then the character that follows it. */
static int seq_part(struct scn_ps *ps, struct scn_cur *c, uint32_t max,
                    struct scn_num *n, char after)
{
	int rc = scn_parse_num(ps, c, max, n);

	if (rc != 0)
		return rc;
	if (after == '\0')
		return 0;
	if (c->p >= c->e || *c->p != after)
		return 1;
	c->p++;
	return 0;
}

/* A length that does not fit the numbers around it. */
static int seq_mismatch(struct scn_ps *ps, const struct scn_cur *c,
                        const char *at, const struct scn_seg *s)
{
	return scn_fail(ps, c, at,
	                TR(ps->tr, "the length %lu does not match %lu:%lu "
	                           "(%lu)"),
	                (unsigned long)s->len.lo, (unsigned long)s->seq.lo,
	                (unsigned long)s->end.lo,
	                (unsigned long)(uint32_t)(s->end.lo - s->seq.lo));
}

/* START:END(LENGTH), or "*" for all three; *len_at is where LENGTH is. */
static int parse_seq(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s,
                     const char **len_at)
{
	const char *b = c->p;
	int rc;

	if (scn_take_word(c, "*")) {
		s->seq.any = s->end.any = s->len.any = true;
		return 0;
	}
	rc = seq_part(ps, c, UINT32_MAX, &s->seq, ':');
	if (rc == 0)
		rc = seq_part(ps, c, UINT32_MAX, &s->end, '(');
	*len_at = c->p;
	if (rc == 0)
		rc = seq_part(ps, c, 65535, &s->len, ')');
	if (rc == 0 && c->p < c->e && !scn_is_sp(*c->p))
		rc = 1;
	if (rc > 0)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "expected START:END(LENGTH) or *"));
	if (rc < 0)
		return rc;
	if (!s->seq.any && !s->end.any && !s->len.any &&
	    s->seq.lo == s->seq.hi && s->end.lo == s->end.hi &&
	    s->len.lo == s->len.hi &&
	    (uint32_t)(s->end.lo - s->seq.lo) != s->len.lo)
		return seq_mismatch(ps, c, *len_at, s);
	/* The run chooses an injected SYN's ISN: its seq is 0 by name. */
	if (ps->inject && (s->flags & TH_SYN) && !s->seq.any && s->seq.lo != 0)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "an injected SYN has seq 0: "
		                           "0:0(0), relative to the ISN it "
		                           "chooses"));
	return 0;
}

/* The number after "ack", "win", "mss"...: a value, a range or "*". */
static int field_num(struct scn_ps *ps, struct scn_cur *c, uint32_t max,
                     struct scn_num *n)
{
	int rc;

	scn_skip_sp(c);
	rc = scn_parse_num(ps, c, max, n);
	if (rc > 0)
		return scn_fail(ps, c, c->p,
		                TR(ps->tr, "expected a value, a range "
		                           "LOW-HIGH or *"));
	return rc;
}

/* "TS val N ecr N", after "TS". */
static int opt_ts(struct scn_ps *ps, struct scn_cur *c, const char *b,
                  struct scn_opt *o)
{
	int rc;

	scn_skip_sp(c);
	if (c->e - c->p < 3 || strncasecmp(c->p, "val", 3) != 0)
		goto bad;
	c->p += 3;
	scn_skip_sp(c);
	if ((rc = scn_parse_num(ps, c, UINT32_MAX, &o->a)) != 0)
		goto num;
	scn_skip_sp(c);
	if (c->e - c->p < 3 || strncasecmp(c->p, "ecr", 3) != 0)
		goto bad;
	c->p += 3;
	scn_skip_sp(c);
	if ((rc = scn_parse_num(ps, c, UINT32_MAX, &o->b)) == 0)
		return 0;
num:
	if (rc < 0)
		return rc;
bad:
	return scn_fail(ps, c, b, TR(ps->tr, "expected TS val N ecr N"));
}

/* "sack A:B A:B ...", after "sack": up to four blocks. */
static int opt_sack(struct scn_ps *ps, struct scn_cur *c, struct scn_opt *o)
{
	const char *b;
	int rc;

	for (;;) {
		scn_skip_sp(c);
		b = c->p;
		if (c->p >= c->e || (!scn_is_digit(*c->p) && *c->p != '*'))
			break;
		if (o->nsack == SEG_SACK_MAX)
			return scn_fail(ps, c, b,
			                TR(ps->tr, "at most %d SACK blocks fit "
			                           "in a segment"),
			                SEG_SACK_MAX);
		rc = seq_part(ps, c, UINT32_MAX, &o->sl[o->nsack], ':');
		if (rc == 0)
			rc = seq_part(ps, c, UINT32_MAX, &o->sr[o->nsack], 0);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
		o->nsack++;
	}
	if (o->nsack == 0 || c->p != b)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "expected a SACK block "
		                           "LEFT:RIGHT"));
	return 0;
}

/* Option names as tcpdump prints them; read without regard to case. */
static const struct {
	const char *name;
	enum scn_opt_kind kind;
} opt_names[] = {{"mss", SCN_OPT_MSS},       {"sackOK", SCN_OPT_SACKOK},
                 {"TS", SCN_OPT_TS},         {"nop", SCN_OPT_NOP},
                 {"wscale", SCN_OPT_WSCALE}, {"eol", SCN_OPT_EOL},
                 {"sack", SCN_OPT_SACK}};

#define NOPTNAMES (sizeof(opt_names) / sizeof(opt_names[0]))

static int parse_opt(struct scn_ps *ps, struct scn_cur *c, struct scn_opt *o)
{
	const char *b = c->p;
	size_t n = 0, k;

	while (b + n < c->e && !scn_is_sp(b[n]) && b[n] != ',' && b[n] != '>')
		n++;
	for (k = 0; k < NOPTNAMES; k++)
		if (strlen(opt_names[k].name) == n &&
		    strncasecmp(b, opt_names[k].name, n) == 0)
			break;
	if (k == NOPTNAMES)
		return scn_fail(ps, c, b,
		                TR(ps->tr, "unknown option \"%.*s\": expected "
		                           "mss, sackOK, TS, nop, wscale, eol "
		                           "or sack"),
		                (int)n, b);
	memset(o, 0, sizeof(*o));
	o->kind = opt_names[k].kind;
	c->p += n;
	switch (o->kind) {
	case SCN_OPT_MSS:
		return field_num(ps, c, 65535, &o->a);
	case SCN_OPT_WSCALE:
		return field_num(ps, c, 255, &o->a);
	case SCN_OPT_TS:
		return opt_ts(ps, c, b, o);
	case SCN_OPT_SACK:
		return opt_sack(ps, c, o);
	default:
		return 0;
	}
}

/* Bytes the options take in a TCP header. */
static unsigned opts_bytes(const struct scn_seg *s)
{
	static const unsigned size[] = {
	        [SCN_OPT_NOP] = 1,    [SCN_OPT_EOL] = 1,    [SCN_OPT_MSS] = 4,
	        [SCN_OPT_WSCALE] = 3, [SCN_OPT_SACKOK] = 2, [SCN_OPT_TS] = 10,
	        [SCN_OPT_SACK] = 2};
	unsigned i, n = 0;

	for (i = 0; i < s->nopt; i++)
		n += size[s->opt[i].kind] + 8 * s->opt[i].nsack;
	return n;
}

/* "<opt,opt,...>" or "<>". */
static int parse_opts(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s)
{
	const char *open = c->p;
	int rc;

	c->p++;
	s->opts_given = true;
	scn_skip_sp(c);
	while (c->p >= c->e || *c->p != '>') {
		if (s->nopt == SCN_OPTS_MAX)
			return scn_fail(ps, c, c->p,
			                TR(ps->tr, "more than %d options"),
			                SCN_OPTS_MAX);
		rc = parse_opt(ps, c, &s->opt[s->nopt]);
		if (rc < 0)
			return rc;
		s->nopt++;
		scn_skip_sp(c);
		if (c->p < c->e && *c->p == ',') {
			c->p++;
			scn_skip_sp(c);
		} else if (c->p >= c->e || *c->p != '>') {
			return scn_fail(ps, c, c->p,
			                TR(ps->tr, "expected \",\" or \">\" "
			                           "between the options"));
		}
	}
	c->p++;
	if (opts_bytes(s) > SEG_OPT_MAX)
		return scn_fail(ps, c, open,
		                TR(ps->tr, "these options take %u bytes: a "
		                           "TCP header has room for %d"),
		                opts_bytes(s), SEG_OPT_MAX);
	return 0;
}

/* "ack N", "win N", "<OPTIONS>", "PAYLOAD" and "...", each optional, in
 * order. */
static int parse_tail(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s,
                      const char **ack_at)
{
	int stage = 0, rc;

	for (;;) {
		scn_skip_sp(c);
		if (scn_at_end(c))
			return 0;
		if (stage < 5 && scn_take_word(c, "...")) {
			s->many = true;
			rc = 0;
			stage = 5;
		} else if (stage < 1 && scn_take_word(c, "ack")) {
			*ack_at = c->p - 3;
			rc = field_num(ps, c, UINT32_MAX, &s->ack);
			stage = 1;
		} else if (stage < 2 && scn_take_word(c, "win")) {
			rc = field_num(ps, c, 65535, &s->win);
			stage = 2;
		} else if (stage < 3 && *c->p == '<') {
			rc = parse_opts(ps, c, s);
			stage = 3;
		} else if (stage < 4 && *c->p == '"') {
			rc = scn_parse_quoted(ps, c, &s->payload,
			                      &s->payload_len);
			stage = 4;
		} else if (stage >= 4) {
			return scn_fail(ps, c, c->p,
			                TR(ps->tr, "expected the end of the "
			                           "line"));
		} else {
			return scn_fail(ps, c, c->p,
			                TR(ps->tr,
			                   "expected ack N, win N, "
			                   "<OPTIONS>, \"PAYLOAD\" or ..., in "
			                   "that order"));
		}
		if (rc < 0)
			return rc;
	}
}

/* What only the whole segment shows: an ack without the ACK flag, an
 * injected payload that its length contradicts. */
static int seg_checks(struct scn_ps *ps, const struct scn_cur *c,
                      const struct scn_seg *s, const char *ack_at,
                      const char *len_at)
{
	if (!s->ack.any && !s->flags_any && !(s->flags & TH_ACK))
		return scn_fail(ps, c, ack_at,
		                TR(ps->tr, "\"ack\" needs the ACK flag "
		                           "\".\""));
	if (ps->inject && s->payload != NULL && !s->len.any &&
	    s->len.lo != s->payload_len)
		return scn_fail(ps, c, len_at,
		                TR(ps->tr, "the length %lu does not match the "
		                           "payload (%lu bytes)"),
		                (unsigned long)s->len.lo,
		                (unsigned long)s->payload_len);
	return 0;
}

int scn_parse_seg(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s,
                  bool inject)
{
	const char *ack_at = NULL, *len_at = c->p;
	int rc;

	memset(s, 0, sizeof(*s));
	s->ack.any = s->win.any = true;
	ps->inject = inject;
	rc = parse_from(ps, c, &s->from);
	if (rc == 0) {
		scn_skip_sp(c);
		rc = parse_flags(ps, c, s);
	}
	if (rc == 0) {
		scn_skip_sp(c);
		rc = parse_seq(ps, c, s, &len_at);
	}
	if (rc == 0)
		rc = parse_tail(ps, c, s, &ack_at);
	if (rc == 0)
		rc = seg_checks(ps, c, s, ack_at, len_at);
	ps->inject = false;
	if (rc < 0) {
		free(s->payload);
		s->payload = NULL;
	}
	return rc;
}

/* Writing the notation back. */

static void fmt_num(struct outbuf *ob, const struct scn_num *n)
{
	if (n->any) {
		ob_char(ob, '*');
		return;
	}
	ob_u32(ob, n->lo);
	if (n->hi != n->lo) {
		ob_char(ob, '-');
		ob_u32(ob, n->hi);
	}
}

static void fmt_flags(struct outbuf *ob, const struct scn_seg *s)
{
	size_t k;

	if (s->flags_any) {
		ob_char(ob, '*');
		return;
	}
	if ((s->flags & 0xff) == 0)
		ob_lit(ob, "none");
	for (k = 0; k < NFLAGS; k++)
		if (s->flags & flag_tab[k].bit) {
			ob_char(ob, flag_tab[k].c);
			if (s->flags_opt & flag_tab[k].bit)
				ob_char(ob, '?');
		}
}

static void fmt_opt(struct outbuf *ob, const struct scn_opt *o)
{
	unsigned i;

	switch (o->kind) {
	case SCN_OPT_NOP:
		ob_lit(ob, "nop");
		break;
	case SCN_OPT_EOL:
		ob_lit(ob, "eol");
		break;
	case SCN_OPT_SACKOK:
		ob_lit(ob, "sackOK");
		break;
	case SCN_OPT_MSS:
	case SCN_OPT_WSCALE:
		ob_str(ob, o->kind == SCN_OPT_MSS ? "mss " : "wscale ");
		fmt_num(ob, &o->a);
		break;
	case SCN_OPT_TS:
		ob_lit(ob, "TS val ");
		fmt_num(ob, &o->a);
		ob_lit(ob, " ecr ");
		fmt_num(ob, &o->b);
		break;
	case SCN_OPT_SACK:
		ob_lit(ob, "sack");
		for (i = 0; i < o->nsack; i++) {
			ob_char(ob, ' ');
			fmt_num(ob, &o->sl[i]);
			ob_char(ob, ':');
			fmt_num(ob, &o->sr[i]);
		}
		break;
	}
}

/* A payload in quotes: printable ASCII as it is, the rest escaped. */
static void fmt_payload(struct outbuf *ob, const char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	ob_char(ob, '"');
	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)p[i];
		const char *k = b != 0 ? strchr("\r\n\t\\\"", b) : NULL;

		if (k != NULL) {
			ob_char(ob, '\\');
			ob_char(ob, "rnt\\\""[k - "\r\n\t\\\""]);
		} else if (b >= 0x20 && b < 0x7f) {
			ob_char(ob, (char)b);
		} else {
			ob_lit(ob, "\\x");
			ob_char(ob, hex[b >> 4]);
			ob_char(ob, hex[b & 15]);
		}
	}
	ob_char(ob, '"');
}

int scn_format_text(const char *p, size_t len, char *buf, size_t cap)
{
	struct outbuf ob;
	long n;

	ob_init(&ob, buf, cap);
	fmt_payload(&ob, p, len);
	n = ob_finish(&ob, buf);
	return n < 0 ? TCPLAB_ENOSPC : (int)n;
}

int scn_format_seg(const struct scn_seg *s, char *buf, size_t cap)
{
	struct outbuf ob;
	unsigned i;
	long n;

	ob_init(&ob, buf, cap);
	ob_str(&ob, scn_end_name(s->from));
	ob_lit(&ob, " > ");
	fmt_flags(&ob, s);
	ob_char(&ob, ' ');
	if (s->seq.any && s->end.any && s->len.any) {
		ob_char(&ob, '*');
	} else {
		fmt_num(&ob, &s->seq);
		ob_char(&ob, ':');
		fmt_num(&ob, &s->end);
		ob_char(&ob, '(');
		fmt_num(&ob, &s->len);
		ob_char(&ob, ')');
	}
	if (!s->ack.any) {
		ob_lit(&ob, " ack ");
		fmt_num(&ob, &s->ack);
	}
	if (!s->win.any) {
		ob_lit(&ob, " win ");
		fmt_num(&ob, &s->win);
	}
	if (s->opts_given) {
		ob_lit(&ob, " <");
		for (i = 0; i < s->nopt; i++) {
			if (i > 0)
				ob_char(&ob, ',');
			fmt_opt(&ob, &s->opt[i]);
		}
		ob_char(&ob, '>');
	}
	if (s->payload != NULL) {
		ob_char(&ob, ' ');
		fmt_payload(&ob, s->payload, s->payload_len);
	}
	if (s->many)
		ob_lit(&ob, " ...");
	n = ob_finish(&ob, buf);
	return n < 0 ? TCPLAB_ENOSPC : (int)n;
}

/* A segment on the wire, in the notation. */

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static struct scn_num value(uint32_t v)
{
	struct scn_num n = {false, v, v};

	return n;
}

/* One option of opt_raw at o (len bytes left); its length, or 0 when it
 * is damaged or of a kind the notation has no word for. */
static unsigned one_opt(const uint8_t *o, unsigned left, uint32_t sack_base,
                        struct scn_opt *out)
{
	unsigned len = o[0] <= TCPOPT_NOP ? 1 : left >= 2 ? o[1] : 0, i;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > left)
		return 0;
	switch (o[0]) {
	case TCPOPT_EOL:
		out->kind = SCN_OPT_EOL;
		return 1;
	case TCPOPT_NOP:
		out->kind = SCN_OPT_NOP;
		return 1;
	case TCPOPT_MSS:
		out->kind = SCN_OPT_MSS;
		out->a = value(get16(o + 2));
		return len == 4 ? len : 0;
	case TCPOPT_WSCALE:
		out->kind = SCN_OPT_WSCALE;
		out->a = value(o[2]);
		return len == 3 ? len : 0;
	case TCPOPT_SACKOK:
		out->kind = SCN_OPT_SACKOK;
		return len == 2 ? len : 0;
	case TCPOPT_TS:
		out->kind = SCN_OPT_TS;
		out->a = value(get32(o + 2));
		out->b = value(get32(o + 6));
		return len == 10 ? len : 0;
	case TCPOPT_SACK:
		if (len < 10 || (len - 2) % 8 != 0 ||
		    len > 2 + 8 * SEG_SACK_MAX)
			return 0;
		out->kind = SCN_OPT_SACK;
		out->nsack = (len - 2) / 8;
		for (i = 0; i < out->nsack; i++) {
			out->sl[i] = value(get32(o + 2 + 8 * i) - sack_base);
			out->sr[i] = value(get32(o + 6 + 8 * i) - sack_base);
		}
		return len;
	}
	return 0;
}

/*
 * The options of got in their order, as tcpdump prints them: up to and
 * including the first EOL (the padding after it is not printed). Returns
 * false when they do not fit the notation (an unknown kind, damage, more
 * than SCN_OPTS_MAX).
 */
static bool wire_opts(const struct seg *got, uint32_t sack_base,
                      struct scn_seg *w)
{
	unsigned off = 0, n;

	while (off < got->opt_len) {
		if (w->nopt == SCN_OPTS_MAX)
			return false;
		n = one_opt(got->opt_raw + off, got->opt_len - off, sack_base,
		            &w->opt[w->nopt]);
		if (n == 0)
			return false;
		off += n;
		if (w->opt[w->nopt++].kind == SCN_OPT_EOL)
			break;
	}
	return true;
}

int scn_seg_of(struct scn_seg *w, enum scn_end from, const struct seg *got,
               uint32_t rel_seq, uint32_t rel_ack)
{
	uint32_t len = (uint32_t)got->payload_len;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->from = from;
	w->flags = got->flags & 0xff;
	w->seq = value(rel_seq);
	w->end = value(rel_seq + len);
	w->len = value(len);
	w->ack = value(rel_ack);
	w->ack.any = !(got->flags & TH_ACK);
	w->win = value(got->win);
	w->opts_given = true;
	/* SACK blocks are relative to the receiver's ISN, as ack is. */
	if (!wire_opts(got, got->ack - rel_ack, w)) {
		w->nopt = 0;
		w->opts_given = false;
		rc = TCPLAB_EOPT;
	}
	if (got->payload != NULL && got->payload_len > 0) {
		w->payload = (char *)got->payload;
		w->payload_len = got->payload_len;
	}
	return rc;
}

static bool num_fits(const struct scn_num *want, uint32_t v)
{
	return want->any || (v >= want->lo && v <= want->hi);
}

static bool opt_fits(const struct scn_opt *want, const struct scn_opt *got)
{
	unsigned i;

	if (want->kind != got->kind || !num_fits(&want->a, got->a.lo) ||
	    !num_fits(&want->b, got->b.lo))
		return false;
	if (want->kind != SCN_OPT_SACK)
		return true;
	if (want->nsack != got->nsack)
		return false;
	for (i = 0; i < want->nsack; i++)
		if (!num_fits(&want->sl[i], got->sl[i].lo) ||
		    !num_fits(&want->sr[i], got->sr[i].lo))
			return false;
	return true;
}

/* The options as written against those seen. An EOL on the wire after
 * the last option written is padding, and fits. */
static bool opts_fit(const struct scn_seg *want, const struct scn_seg *got)
{
	unsigned i;

	if (!want->opts_given)
		return true;
	if (!got->opts_given || got->nopt < want->nopt)
		return false;
	for (i = 0; i < want->nopt; i++)
		if (!opt_fits(&want->opt[i], &got->opt[i]))
			return false;
	return got->nopt == want->nopt ||
	       (got->nopt == want->nopt + 1 &&
	        got->opt[want->nopt].kind == SCN_OPT_EOL);
}

static bool payload_fits(const struct scn_seg *want, const struct seg *got)
{
	if (want->payload == NULL || want->payload_len == 0)
		return true;
	return got->payload != NULL && got->payload_len >= want->payload_len &&
	       memcmp(got->payload, want->payload, want->payload_len) == 0;
}

bool scn_match(const struct scn_seg *want, enum scn_end from,
               const struct seg *got, uint32_t rel_seq, uint32_t rel_ack,
               const char **field)
{
	struct scn_seg g;
	const char *f = NULL;

	scn_seg_of(&g, from, got, rel_seq, rel_ack);
	if (want->from != from)
		f = "from";
	else if (!want->flags_any && (want->flags & ~want->flags_opt) !=
	                                     (g.flags & ~want->flags_opt))
		f = "flags";
	else if (!num_fits(&want->seq, g.seq.lo))
		f = "seq";
	else if (!num_fits(&want->len, g.len.lo))
		f = "length";
	else if (!num_fits(&want->end, g.end.lo))
		f = "seq";
	else if (!want->ack.any &&
	         (g.ack.any || !num_fits(&want->ack, g.ack.lo)))
		f = "ack";
	else if (!num_fits(&want->win, g.win.lo))
		f = "win";
	else if (!opts_fit(want, &g))
		f = "options";
	else if (!payload_fits(want, got))
		f = "payload";
	if (field != NULL)
		*field = f;
	return f == NULL;
}
