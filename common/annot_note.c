/*
 * annot_note.c: the sentences annot writes under a segment, from the facts
 * annot.c and annot_state.c found (see annot.h): the flags in words, the
 * arithmetic of seq and ack, the options, the window, the events, the
 * checksum, both sides' states and what each expects next.
 *
 * Every sentence is a message in the reader's language: annot_note()
 * translates its format through r->tr, and the words put into it
 * (a side, a state, a flag's meaning) are translated where they are
 * chosen. A state's RFC name stays; the first time a connection's notes
 * name a state, the reader's own name for it goes beside it.
 *
 * Every sentence is written from struct annot_result and the
 * connection's memory alone; nothing here changes what annot knows. This
 * module must never do I/O, print, read a clock or keep global state.
 */
#include <stdio.h>
#include <string.h>

#include "common/annot_int.h"

/* The flags in words, with what they ask for. */
static void note_flags(struct annot_result *r)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} tab[] = {{TH_SYN, "SYN"}, {TH_FIN, "FIN"}, {TH_RST, "RST"},
	           {TH_PSH, "PSH"}, {TH_ACK, "ACK"}, {TH_URG, "URG"},
	           {TH_ECE, "ECE"}, {TH_CWR, "CWR"}};
	char words[64] = "", what[160];
	uint16_t fl = r->flags;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (fl & tab[i].bit) {
			if (words[0] != '\0')
				strcat(words, "+");
			strcat(words, tab[i].name);
		}
	if (fl & TH_RST)
		snprintf(what, sizeof what, "%s",
		         TR(r->tr, "aborts the connection"));
	else if ((fl & (TH_SYN | TH_ACK)) == TH_SYN)
		snprintf(what, sizeof what, "%s",
		         TR(r->tr, "asks to open a connection"));
	else if (fl & TH_SYN)
		snprintf(what, sizeof what, "%s",
		         TR(r->tr, "accepts and acknowledges the SYN"));
	else if (fl & TH_FIN)
		snprintf(what, sizeof what, "%s",
		         TR(r->tr, "has no more data to send"));
	else if (r->len > 0)
		snprintf(what, sizeof what, "%s", TR(r->tr, "data"));
	else
		snprintf(what, sizeof what, "%s",
		         TR(r->tr, "acknowledgment only"));
	if (r->len > 0 && (fl & (TH_SYN | TH_FIN | TH_RST)))
		snprintf(what + strlen(what), sizeof what - strlen(what), "%s",
		         TR(r->tr, ", with data"));
	annot_note(r, ANNOT_N_HEAD,
	           "#%u conn %u: %s -> %s, [%s] %s: %s, %u bytes of data", r->n,
	           r->conn, annot_side_word(r->tr, r->from),
	           annot_side_word(r->tr, !r->from), r->flag_letters,
	           words[0] ? words : TR(r->tr, "no flags"), what, r->len);
	if (r->conn_new && r->from_inferred)
		annot_note(
		        r, ANNOT_N_HEAD,
		        "the capture starts after this connection opened: the "
		        "server is guessed from the ports (port %u)",
		        r->from == ANNOT_SERVER ? r->sport : r->dport);
}

/* " + 1 (its SYN) + 142 bytes + 1 (its FIN)", for an equation: the
 * sender's own numbers (theirs false) or the other side's (true). */
static void eq_parts(const struct tr *tr, const struct annot_eq *eq,
                     bool theirs, char *buf, size_t cap)
{
	int n = 0;

	buf[0] = '\0';
	if (eq->syn)
		n += snprintf(buf + n, cap - (size_t)n, "%s",
		              theirs ? TR(tr, " + 1 (their SYN)")
		                     : TR(tr, " + 1 (its SYN)"));
	if ((eq->bytes > 0 || (!eq->syn && !eq->fin)) && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, TR(tr, " + %u bytes"),
		              eq->bytes);
	if (eq->fin && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, "%s",
		         theirs ? TR(tr, " + 1 (their FIN)")
		                : TR(tr, " + 1 (its FIN)"));
}

static void note_seq(const struct annot_conn *c, struct annot_result *r)
{
	const struct annot_side_mem *snd = &c->sd[r->from];
	char parts[192];

	if (r->flags & TH_SYN) {
		annot_note(
		        r, ANNOT_N_SEQ,
		        "seq %u is the %s's initial sequence number (ISN); the "
		        "SYN takes one number, so its data starts at %u "
		        "(relative 1)",
		        r->seq, annot_side_word(r->tr, r->from), r->seq + 1);
		return;
	}
	if (r->eq_seq.valid) {
		eq_parts(r->tr, &r->eq_seq, false, parts, sizeof(parts));
		annot_note(r, ANNOT_N_SEQ,
		           "seq %u = 0%s (absolute %u = ISN %u%s)", r->rel_seq,
		           parts, r->seq, snd->isn, parts);
	} else if (r->rel_valid) {
		annot_note(
		        r, ANNOT_N_SEQ,
		        "seq %u (relative %u; the ISN was not captured, so "
		        "relative numbers count from the first segment seen)",
		        r->seq, r->rel_seq);
	}
	if (r->len > 0)
		annot_note(r, ANNOT_N_SEQ,
		           "carries %u bytes: relative seq %u to %u, absolute "
		           "%u to "
		           "%u",
		           r->len, r->rel_seq, r->rel_seq + r->len - 1, r->seq,
		           r->seq + r->len - 1);
}

static void note_ack(struct annot_result *r)
{
	const char *them = annot_side_word(r->tr, !r->from);
	char parts[192], tail[96] = "";
	const struct annot_eq *eq = &r->eq_ack;

	if (!(r->flags & TH_ACK))
		return;
	if (r->acks_seg != 0)
		snprintf(tail, sizeof(tail), TR(r->tr, "; acknowledges #%u"),
		         r->acks_seg);
	if (!r->ack_new) {
		annot_note(r, ANNOT_N_ACK,
		           "ack %u (relative %u) repeats the last ACK: nothing "
		           "new "
		           "from the %s",
		           r->ack, r->rel_ack, them);
	} else if (eq->valid && eq->syn && eq->bytes == 0 && !eq->fin) {
		annot_note(r, ANNOT_N_ACK,
		           "ack %u = %u + 1 (their SYN takes one number)%s",
		           eq->value, eq->base, tail);
	} else if (eq->valid) {
		eq_parts(r->tr, eq, true, parts, sizeof(parts));
		annot_note(r, ANNOT_N_ACK,
		           "ack %u = %u%s (absolute %u = %u%s)%s",
		           eq->rel_value, eq->rel_base, parts, eq->value,
		           eq->base, parts, tail);
	} else {
		annot_note(r, ANNOT_N_ACK,
		           "ack %u (relative %u): the %s has everything before "
		           "it%s",
		           r->ack, r->rel_ack, them, tail);
	}
}

/* Appends one option in words to the list in buf (ANNOT_NOTE_LEN bytes,
 * n of them used), after the reader's separator; fmt takes up to two
 * numbers. Returns the new length. */
static int opt_item(const struct tr *tr, char *buf, int n, const char *fmt,
                    unsigned a, unsigned b)
{
	const size_t cap = ANNOT_NOTE_LEN;
	int k;

	if (n < 0 || (size_t)n >= cap)
		return n;
	if (n > 0) {
		k = snprintf(buf + n, cap - (size_t)n, "%s", TR(tr, ", "));
		if (k < 0 || (size_t)k >= cap - (size_t)n)
			return (int)cap;
		n += k;
	}
	k = snprintf(buf + n, cap - (size_t)n, fmt, a, b);
	if (k < 0 || (size_t)k >= cap - (size_t)n)
		return (int)cap;
	return n + k;
}

/* The options, in words; timestamps get a sentence of their own. */
static void note_options(const struct annot_conn *c, struct annot_result *r,
                         const struct seg *s)
{
	const struct annot_side_mem *o = &c->sd[!r->from];
	char buf[ANNOT_NOTE_LEN] = "";
	int n = 0;
	unsigned i, echo = 0;

	if (s->has & SEG_HAS_MSS)
		n = opt_item(
		        r->tr, buf, n,
		        TR(r->tr, "MSS %u (the largest payload it accepts)"),
		        s->mss, 0);
	if (s->has & SEG_HAS_SACKOK)
		n = opt_item(r->tr, buf, n, TR(r->tr, "SACK permitted"), 0, 0);
	if (s->has & SEG_HAS_WSCALE)
		n = opt_item(r->tr, buf, n,
		             TR(r->tr, "window scale %u (later windows x %u)"),
		             s->wscale,
		             1u << (s->wscale > 14 ? 14 : s->wscale));
	if (s->has & SEG_HAS_SACK)
		for (i = 0; i < s->sack_count; i++)
			n = opt_item(r->tr, buf, n,
			             TR(r->tr, "SACK: it holds %u:%u"),
			             s->sack[i].left - o->isn,
			             s->sack[i].right - o->isn);
	if (n > 0)
		annot_note(r, ANNOT_N_OPTIONS, "options: %s", buf);
	if (!(s->has & SEG_HAS_TS))
		return;
	for (i = 0; i < ANNOT_TSH; i++)
		if (o->ts[i].n != 0 && o->ts[i].val == s->ts_ecr &&
		    o->ts[i].n > echo)
			echo = o->ts[i].n;
	if (s->ts_ecr == 0 && !(r->flags & TH_ACK))
		annot_note(r, ANNOT_N_OPTIONS,
		           "timestamp %u (the %s's clock); echo 0: nothing to "
		           "echo "
		           "yet",
		           s->ts_val, annot_side_word(r->tr, r->from));
	else if (echo != 0)
		annot_note(r, ANNOT_N_OPTIONS,
		           "timestamp %u (the %s's clock), echoing %u from #%u",
		           s->ts_val, annot_side_word(r->tr, r->from),
		           s->ts_ecr, echo);
	else
		annot_note(r, ANNOT_N_OPTIONS,
		           "timestamp %u (the %s's clock), echoing %u",
		           s->ts_val, annot_side_word(r->tr, r->from),
		           s->ts_ecr);
}

static void note_window(struct annot_result *r)
{
	if (r->flags & TH_RST)
		return;
	if (r->flags & TH_SYN)
		annot_note(r, ANNOT_N_WINDOW,
		           "window %u bytes (a SYN's window is never scaled)",
		           r->win);
	else if (r->win_bytes >= 0 && r->win_shift > 0)
		annot_note(r, ANNOT_N_WINDOW, "window %u x %u = %d bytes",
		           r->win, 1u << r->win_shift, r->win_bytes);
	else if (r->win_bytes >= 0)
		annot_note(r, ANNOT_N_WINDOW, "window %u bytes (not scaled)",
		           r->win);
	else
		annot_note(r, ANNOT_N_WINDOW,
		           "window %u (its scale is unknown: the SYNs were not "
		           "captured)",
		           r->win);
}

static void note_events(struct annot_result *r)
{
	const char *me = annot_side_word(r->tr, r->from),
	           *them = annot_side_word(r->tr, !r->from);
	unsigned ev = r->events;

	if (ev & ANNOT_EV_RETRANSMISSION)
		annot_note(r, ANNOT_N_EVENT,
		           "retransmission: the %s sent these sequence numbers "
		           "before",
		           me);
	if (ev & ANNOT_EV_OUT_OF_ORDER)
		annot_note(r, ANNOT_N_EVENT,
		           "out of order: it fills a hole left by earlier "
		           "segments");
	if (ev & ANNOT_EV_MISSING_BEFORE)
		annot_note(r, ANNOT_N_EVENT,
		           "missing from the capture: sequence numbers "
		           "before this "
		           "point were sent or acknowledged but never seen");
	if (ev & ANNOT_EV_DUP_ACK)
		annot_note(r, ANNOT_N_EVENT,
		           "duplicate ACK: the same ack again while the %s has "
		           "data "
		           "outstanding; relative %u is still missing",
		           them, r->rel_ack);
	if (ev & ANNOT_EV_ZERO_WINDOW)
		annot_note(
		        r, ANNOT_N_EVENT,
		        "zero window: the %s's receive buffer is full, the %s "
		        "must wait",
		        me, them);
	if (ev & ANNOT_EV_WINDOW_UPDATE)
		annot_note(r, ANNOT_N_EVENT,
		           "window update: same ack, only the window changed");
	if (ev & ANNOT_EV_KEEP_ALIVE)
		annot_note(
		        r, ANNOT_N_EVENT,
		        "keep-alive: one number below what the %s has sent, to "
		        "check that the %s is still there",
		        me, them);
	if (ev & ANNOT_EV_WINDOW_PROBE)
		annot_note(r, ANNOT_N_EVENT,
		           "window probe: the %s's window is zero, so the %s "
		           "asks, one number below what it has sent, whether "
		           "it has opened; the persist timer sends it, waiting "
		           "twice as long each time (RFC 9293 3.8.6.1)",
		           them, me);
	if ((ev & ANNOT_EV_CHALLENGED) && (r->flags & TH_RST))
		annot_note(
		        r, ANNOT_N_EVENT,
		        "not taken: the %s expects another sequence number "
		        "next, and a RST anywhere else changes nothing; in "
		        "its window it draws a challenge ACK (RFC 5961). The "
		        "%s's own RST would carry that number: this one may "
		        "be forged",
		        them, me);
	else if (ev & ANNOT_EV_CHALLENGED)
		annot_note(r, ANNOT_N_EVENT,
		           "not taken: a SYN in an open connection draws a "
		           "challenge ACK and changes nothing (RFC 5961), so a "
		           "forged SYN cannot reset it");
	if (ev & ANNOT_EV_RESET)
		annot_note(
		        r, ANNOT_N_EVENT,
		        "reset: the %s aborts the connection at once, without "
		        "the FIN exchange",
		        me);
}

/* The first incorrect checksum of a side gets the whole explanation. */
static void note_cksum(struct annot_conn *c, struct annot_result *r)
{
	if (r->cksum != ANNOT_CKSUM_BAD)
		return;
	if (c->offload_n[r->from] != 0 && c->offload_n[r->from] != r->n) {
		annot_note(
		        r, ANNOT_N_CKSUM,
		        "checksum incorrect (should be 0x%04x): offload again, "
		        "as in #%u",
		        r->cksum_good, c->offload_n[r->from]);
		return;
	}
	c->offload_n[r->from] = r->n;
	annot_note(
	        r, ANNOT_N_CKSUM,
	        "checksum incorrect (should be 0x%04x): the capture was taken "
	        "on the sending host, which leaves the checksum to the network "
	        "card (checksum offload); the wire carried the right one",
	        r->cksum_good);
}

/* The sentence for a way of closing, in English (a message). */
static const char *annot_close_msgid(enum annot_close k)
{
	switch (k) {
	case ANNOT_CLOSE_THREE:
		return N_(
		        "closed in three segments: the client's FIN, the "
		        "server's FIN carrying the ACK of it (FIN+ACK merged), "
		        "the client's last ACK");
	case ANNOT_CLOSE_FOUR:
		return N_("closed in four segments: the client's FIN, its ACK, "
		          "the "
		          "server's FIN, its ACK");
	case ANNOT_CLOSE_SERVER_FIRST:
		return N_(
		        "closed by the server first: the server sent the first "
		        "FIN");
	case ANNOT_CLOSE_SIMULTANEOUS:
		return N_(
		        "closed simultaneously: each side sent its FIN before "
		        "the other's arrived");
	case ANNOT_CLOSE_RESET:
		return N_("ended by a reset");
	case ANNOT_CLOSE_INCOMPLETE:
		break;
	}
	return N_("not closed");
}

const char *annot_close_sentence(const struct tr *tr, enum annot_close k)
{
	return TR(tr, annot_close_msgid(k));
}

const char *annot_side_word(const struct tr *tr, enum annot_side s)
{
	return s == ANNOT_CLIENT ? TR(tr, "client") : TR(tr, "server");
}

/*
 * A state's RFC name, and the first time this connection's notes name it,
 * the reader's own name beside it: "TIME-WAIT（时间等待）". In English
 * the name stands alone.
 */
const char *annot_state_words(const struct tr *tr, enum tcp_state st, char *buf,
                              size_t cap)
{
	const char *rfc = tcp_state_name(st);
	const char *own = TRC(tr, "state", rfc);

	if (own == rfc || strcmp(own, rfc) == 0)
		return rfc;
	/* TRANSLATORS: a TCP state's RFC name (kept as it is), then its
	 * name in your language. */
	snprintf(buf, cap, TR(tr, "%s (%s)"), rfc, own);
	return buf;
}

static const char *state_word(struct annot_conn *c, enum tcp_state st,
                              char *buf, size_t cap)
{
	uint16_t bit = (uint16_t)(1u << ((unsigned)st & 15));

	if (c->named_states & bit)
		return tcp_state_name(st);
	c->named_states |= bit;
	return annot_state_words(c->tr, st, buf, cap);
}

/* One side's states across the segment: "client: A -> B (inferred)". */
static void note_side(struct annot_conn *c, const struct annot_result *r, int i,
                      char *buf, size_t cap)
{
	const struct annot_path *p = &r->path[i];
	char w[96];
	unsigned k;
	int n;

	n = snprintf(
	        buf, cap, TR(r->tr, "%s: %s"),
	        annot_side_word(r->tr, (enum annot_side)i),
	        state_word(c, p->n > 0 ? p->st[0] : r->after[i], w, sizeof w));
	for (k = 1; k < p->n && n > 0 && (size_t)n < cap; k++)
		n += snprintf(buf + n, cap - (size_t)n, " -> %s",
		              state_word(c, p->st[k], w, sizeof w));
	if (n > 0 && (size_t)n < cap && (r->inferred[i] || r->revised[i]))
		snprintf(buf + n, cap - (size_t)n, "%s",
		         r->inferred[i] && r->revised[i]
		                 ? TR(r->tr, " (inferred, revised)")
		         : r->inferred[i] ? TR(r->tr, " (inferred)")
		                          : TR(r->tr, " (revised)"));
}

static void note_states(struct annot_conn *c, struct annot_result *r)
{
	char line[ANNOT_NOTE_LEN], w[96];
	int i;

	for (i = 0; i < 2; i++) {
		if (r->revised[i] && c->why[i][0] != '\0')
			annot_note(r, ANNOT_N_STATE,
			           "revised: the %s was %s before this "
			           "segment: %s",
			           annot_side_word(r->tr, (enum annot_side)i),
			           state_word(c, r->before[i], w, sizeof w),
			           c->why[i]);
		note_side(c, r, i, line, sizeof(line));
		annot_note_text(r, ANNOT_N_STATE, line);
	}
	if (r->expect_valid[ANNOT_CLIENT] && r->expect_valid[ANNOT_SERVER])
		annot_note(r, ANNOT_N_EXPECT,
		           "next expected: the client waits for server seq %u "
		           "(relative %u), the server for client seq %u "
		           "(relative %u)",
		           r->expect[ANNOT_CLIENT],
		           r->expect[ANNOT_CLIENT] - c->sd[ANNOT_SERVER].isn,
		           r->expect[ANNOT_SERVER],
		           r->expect[ANNOT_SERVER] - c->sd[ANNOT_CLIENT].isn);
	else if (r->expect_valid[!r->from])
		annot_note(r, ANNOT_N_EXPECT,
		           "next expected: the %s waits for %s seq %u",
		           annot_side_word(r->tr, !r->from),
		           annot_side_word(r->tr, r->from),
		           r->expect[!r->from]);
}

void annot_write_notes(struct annot_conn *c, struct annot_result *r,
                       const struct seg *s)
{
	note_flags(r);
	note_seq(c, r);
	note_ack(r);
	note_options(c, r, s);
	note_window(r);
	note_events(r);
	annot_cc_notes(c, r);
	note_cksum(c, r);
	note_states(c, r);
	if (c->handshake_n == r->n)
		annot_note(r, ANNOT_N_MILESTONE,
		           "three-way handshake complete: both sides "
		           "ESTABLISHED");
	if (c->closed_n == r->n)
		annot_note(r, ANNOT_N_MILESTONE, "connection %u %s", c->id,
		           annot_close_sentence(c->tr, annot_close_kind(c)));
}
