/*
 * play_steps.c: tcplab-play's walk through a scenario's steps, the
 * matching of what the wire shows against its segment steps, and what
 * the student sees, predicts, answers, and what --record keeps.
 *
 * Each sender's segment steps (expect, inject, drop, delay) are matched
 * in the order written, each direction on its own: a segment seen on the
 * wire is compared at once with its sender's next step, whatever step the
 * walk has reached, so that segments which cross on the wire may be
 * written in either order. The walk waits at a segment step until it is
 * settled. What the wire showed is printed when the walk is at a step
 * that lets it (not while a prediction is being asked), so that a student
 * never sees a segment before predicting it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/io/i18n.h"
#include "labs/play.h"

#define SHOWQ_MAX 256

/* A segment seen, waiting to be shown, with its note. */
struct shown {
	uint8_t bytes[1600];
	size_t len, wirelen;
	int64_t sec;
	uint32_t usec;
	enum scn_end from;
	int step; /* the step it settled, or -1 */
	char note[1024];
};

static struct shown showq[SHOWQ_MAX];
static unsigned showq_n;
/* flush_until() has shown the segment of the step it was given. */
static bool shown_target;

static bool is_seg_step(const struct scn_step *st)
{
	return st->kind == SCN_EXPECT || st->kind == SCN_INJECT ||
	       st->kind == SCN_DROP || st->kind == SCN_DELAY;
}

/* The next unsettled segment step of sender d, or -1. */
static int next_of(struct play *p, enum scn_end d)
{
	unsigned i;

	for (i = p->next_seg[d]; i < p->scn.nstep; i++) {
		const struct scn_step *st = &p->scn.step[i];
		if (!is_seg_step(st) || st->seg.from != d)
			continue;
		if (p->seen[i].verdict != 0) {
			p->next_seg[d] = i + 1;
			continue;
		}
		return (int)i;
	}
	p->next_seg[d] = p->scn.nstep;
	return -1;
}

/* The segment step of sender d after step k, or -1. */
static int next_of_after(const struct play *p, enum scn_end d, unsigned k)
{
	unsigned i;

	for (i = k + 1; i < p->scn.nstep; i++) {
		const struct scn_step *st = &p->scn.step[i];
		if (is_seg_step(st) && st->seg.from == d &&
		    p->seen[i].verdict == 0)
			return (int)i;
	}
	return -1;
}

void play_vars(const struct play *p, struct scn_vars *v)
{
	unsigned d;

	memset(v, 0, sizeof *v);
	for (d = 0; d < 2; d++) {
		v->isn[d] = p->isn[d];
		v->isn_known[d] = p->isn_seen[d];
		v->port[d] = p->e[d].port;
	}
}

/* Relative numbers, as tcpdump prints them. A sender whose SYN has not
 * been seen has no ISN to count from: a kernel end's is its kernel's, and
 * its numbers stay absolute (tcpdump's, for a connection whose SYN it
 * never saw); tcplab's and raw ends' are the run's own. */
static void rel_of(const struct play *p, enum scn_end d, const struct seg *s,
                   uint32_t *rseq, uint32_t *rack)
{
	uint32_t isn = p->isn_seen[d]                   ? p->isn[d]
	               : p->e[d].player == SCN_KERNEL ? 0
	                                              : p->e[d].iss;

	*rseq = s->seq - isn;
	*rack = p->isn_seen[!d] ? s->ack - p->isn[!d] : s->ack;
}

static void settle(struct play *p, unsigned k, const struct seg *s,
                   uint32_t rseq, uint32_t rack, int verdict)
{
	struct play_seen *v = &p->seen[k];

	v->verdict = verdict;
	v->has = s != NULL;
	if (s == NULL)
		return;
	v->seq = rseq;
	v->len = (uint32_t)s->payload_len;
	v->end = rseq + v->len;
	v->ack = rack;
	v->win = s->win;
	v->flags = s->flags;
}

/* A segment step as written, for a note: its payload only when short,
 * so that the note stays a line or two. */
static void step_text(const struct scn_seg *w, char *buf, size_t cap)
{
	struct scn_seg c = *w;

	if (c.payload != NULL && c.payload_len > 40)
		c.payload = NULL;
	if (scn_format_seg(&c, buf, cap) < 0) {
		c.payload = NULL;
		if (scn_format_seg(&c, buf, cap) < 0)
			snprintf(buf, cap, "?");
	}
}

/* The segment as the scenario's notation writes it, without its payload:
 * what the wire had, for a step that did not fit. */
static void describe(enum scn_end d, const struct seg *s, uint32_t rseq,
                     uint32_t rack, char *buf, size_t cap)
{
	struct scn_seg w;

	scn_seg_of(&w, d, s, rseq, rack);
	w.payload = NULL;
	if (scn_format_seg(&w, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static void queue_show(struct play *p, enum scn_end d, const uint8_t *ip,
                       size_t len, size_t wirelen, int64_t sec, uint32_t usec,
                       const char *note, int step);
static void flush_shown(struct play *p);

/* "  MARK line N: STEP" for segment step st, and under it why, if any:
 * the one form of every note about a step. */
static void step_note(const struct scn_step *st, const char *mark,
                      const char *why, char *note, size_t cap)
{
	char seg[256], line_of[300];

	step_text(&st->seg, seg, sizeof seg);
	/* TRANSLATORS: the scenario's line number and the segment step as
	 * written there. */
	snprintf(line_of, sizeof line_of, _("line %u: %s"), st->line, seg);
	if (why != NULL)
		snprintf(note, cap, "  %s%s\n    %s", mark, line_of, why);
	else
		snprintf(note, cap, "  %s%s", mark, line_of);
}

static void note_step(struct play *p, unsigned k, char *note, size_t cap)
{
	if (p->seen[k].verdict > 0)
		/* TRANSLATORS: before a segment step that held. */
		step_note(&p->scn.step[k], _("ok: "), NULL, note, cap);
	else
		/* The runner's mark of a failure. */
		step_note(&p->scn.step[k], _("NOT AS EXPECTED: "),
		          p->seen[k].why, note, cap);
}

/* The "..." steps of sender d from step k up to step j (all of them
 * when j < 0) are over. */
static void close_many(struct play *p, enum scn_end d, unsigned k, int j)
{
	unsigned i;

	for (i = k; i < p->scn.nstep && (j < 0 || i < (unsigned)j); i++) {
		const struct scn_step *st = &p->scn.step[i];
		if (is_seg_step(st) && st->seg.from == d && st->seg.many &&
		    p->seen[i].verdict == 0)
			p->seen[i].verdict = 1;
	}
}

void play_seen_on_wire(struct play *p, enum scn_end d, const struct seg *s,
                       const uint8_t *ip, size_t len, size_t wirelen,
                       int64_t sec, uint32_t usec)
{
	struct play_end *e = &p->e[d];
	uint32_t rseq, rack, end;
	char note[1024] = "", got[256];
	const char *field = NULL;
	unsigned i;
	bool again;
	int k;

	if ((s->flags & TH_SYN) && !p->isn_seen[d]) {
		p->isn[d] = s->seq;
		p->isn_seen[d] = true;
	}
	end = s->seq + (uint32_t)s->payload_len +
	      ((s->flags & TH_SYN) ? 1 : 0) + ((s->flags & TH_FIN) ? 1 : 0);
	/* What Linux's TCP sends again: its timers run while the lab
	 * waits for the student, and the kernel retransmits what went
	 * unanswered. A step may expect it; if none does, it is said for
	 * what it is, not taken for a mistake. */
	again = e->player == SCN_KERNEL && e->sent_any && end != s->seq &&
	        (int32_t)(end - e->nxt) <= 0;
	if (!e->sent_any || (int32_t)(end - e->nxt) > 0)
		e->nxt = end;
	e->sent_any = true;
	e->last_ack = s->ack;
	e->last_win = s->win;
	if (s->has & SEG_HAS_TS) {
		e->ts_last = s->ts_val;
		e->ts_seen = true;
	}
	rel_of(p, d, s, &rseq, &rack);
	/* Once the walk is over, the wire is only shown. */
	if (p->over) {
		queue_show(p, d, ip, len, wirelen, sec, usec, "", -1);
		return;
	}
	for (i = 0; i < PLAY_OURS_MAX; i++) {
		struct play_ours *o = &p->ours[i];
		if (!o->used || o->seq != s->seq || o->flags != s->flags ||
		    o->len != s->payload_len || o->ack != s->ack ||
		    (s->ip_v == 4 && o->ip_id != s->ip_id))
			continue;
		o->used = false;
		if (p->scn.step[o->step].kind == SCN_INJECT) {
			settle(p, o->step, s, rseq, rack, 1);
			/* TRANSLATORS: before an inject step. */
			step_note(&p->scn.step[o->step], _("injected: "), NULL,
			          note, sizeof note);
		}
		queue_show(p, d, ip, len, wirelen, sec, usec, note,
		           (int)o->step);
		return;
	}
	if (p->unseen[d] > 0)
		p->unseen[d]--;
	k = next_of(p, d);
	/* Steps of many segments ("..."): the first of them the segment
	 * fits takes it, and those before it are over; a segment that fits
	 * none of them goes to the sender's first step after them. */
	if (k >= 0 && p->scn.step[k].seg.many) {
		int j = k;
		while (j >= 0 && p->scn.step[j].seg.many &&
		       !scn_match(&p->scn.step[j].seg, d, s, rseq, rack, NULL))
			j = next_of_after(p, d, (unsigned)j);
		if (again && (j < 0 || p->scn.step[j].seg.many ||
		              !scn_match(&p->scn.step[j].seg, d, s, rseq, rack,
		                         NULL)))
			j = -2; /* a retransmission: said below */
		else
			close_many(p, d, (unsigned)k, j);
		if (j >= 0 && p->scn.step[j].seg.many) {
			p->seen[j].has = true;
			queue_show(p, d, ip, len, wirelen, sec, usec, "", -1);
			return;
		}
		k = j == -2 ? -1 : j;
	}
	if (again &&
	    (k < 0 || p->scn.step[k].kind != SCN_EXPECT ||
	     !scn_match(&p->scn.step[k].seg, d, s, rseq, rack, NULL))) {
		snprintf(note, sizeof note, "  %s",
		         _("(Linux sent it again: its retransmission timer "
		           "runs while the lab waits)"));
		k = -1;
	} else if (k < 0 || p->scn.step[k].kind == SCN_INJECT) {
		p->unexpected++;
		snprintf(note, sizeof note, "%s", _("  (not in the scenario)"));
	} else {
		const struct scn_step *st = &p->scn.step[k];
		bool fits = st->kind == SCN_EXPECT &&
		            scn_match(&st->seg, d, s, rseq, rack, &field);
		settle(p, (unsigned)k, s, rseq, rack, fits ? 1 : -1);
		if (!fits)
			describe(d, s, rseq, rack, got, sizeof got);
		if (!fits && st->kind != SCN_EXPECT)
			/* TRANSLATORS: a drop or delay step's segment went
			 * out as it was; then the segment in the notation. */
			snprintf(p->seen[k].why, sizeof p->seen[k].why,
			         _("it was sent, not held back: the wire had %s"),
			         got);
		else if (!fits)
			/* TRANSLATORS: the field that differs ("ack",
			 * "win", "options"...: words of the notation, kept
			 * as they are), then the segment in the notation. */
			snprintf(p->seen[k].why, sizeof p->seen[k].why,
			         _("differs in %s: the wire had %s"),
			         field ? field : "?", got);
		note_step(p, (unsigned)k, note, sizeof note);
	}
	queue_show(p, d, ip, len, wirelen, sec, usec, note,
	           k >= 0 && p->scn.step[k].kind != SCN_INJECT ? k : -1);
}

int play_hold(struct play *p, enum scn_end d, const struct seg *s)
{
	uint32_t rseq, rack;
	const char *field;
	int k = next_of(p, d);
	unsigned i, skip = p->unseen[d];

	/* Past the "..." steps, and past the steps of the segments this
	 * end has sent that the wire has not shown yet (an earlier one of
	 * the same burst). */
	while (k >= 0 && (p->scn.step[k].seg.many || skip > 0)) {
		if (!p->scn.step[k].seg.many)
			skip--;
		k = next_of_after(p, d, (unsigned)k);
	}
	if (k < 0)
		return 0;
	const struct scn_step *st = &p->scn.step[k];
	if (st->kind != SCN_DROP && st->kind != SCN_DELAY)
		return 0;
	rel_of(p, d, s, &rseq, &rack);
	if ((s->flags & TH_SYN))
		rseq = 0;
	if (!scn_match(&st->seg, d, s, rseq, rack, &field))
		return 0;
	if (st->kind == SCN_DROP) {
		char note[1024];
		settle(p, (unsigned)k, s, rseq, rack, 1);
		/* Only the note: tcpdump never prints a segment that was
		 * not on the wire, so neither does the engine. */
		step_note(st, _("dropped: "),
		          _("never on the wire: the other end will not see it"),
		          note, sizeof note);
		queue_show(p, d, NULL, 0, 0, 0, 0, note, k);
		return 1;
	}
	for (i = 0; i < PLAY_HELD_MAX; i++)
		if (!p->held[i].used)
			break;
	if (i == PLAY_HELD_MAX)
		return 0;
	settle(p, (unsigned)k, s, rseq, rack, 1);
	p->held[i].s = *s;
	if (s->payload_len > sizeof p->held[i].payload)
		p->held[i].s.payload_len = sizeof p->held[i].payload;
	memcpy(p->held[i].payload, s->payload, p->held[i].s.payload_len);
	p->held[i].s.payload = p->held[i].payload;
	p->held[i].due_us = play_now(p) + st->delay_us;
	p->held[i].used = true;
	{
		char note[1024], why[128];
		/* TRANSLATORS: seconds. */
		snprintf(why, sizeof why,
		         _("held back %.3f s before it goes on the wire"),
		         (double)st->delay_us / 1e6);
		step_note(st, _("delayed: "), why, note, sizeof note);
		queue_show(p, d, NULL, 0, 0, 0, 0, note, k);
	}
	for (unsigned j = 0; j < PLAY_OURS_MAX; j++)
		if (!p->ours[j].used) {
			p->ours[j] = (struct play_ours){
			        s->seq,      s->ack,
			        s->flags,    (uint32_t)p->held[i].s.payload_len,
			        (unsigned)k, true,
			        s->ip_id};
			break;
		}
	return 2;
}

/* ------------------------------------------------------------------ */
/* Showing. */

static void queue_show(struct play *p, enum scn_end d, const uint8_t *ip,
                       size_t len, size_t wirelen, int64_t sec, uint32_t usec,
                       const char *note, int step)
{
	struct shown *q;

	if (showq_n == SHOWQ_MAX)
		flush_shown(p);
	q = &showq[showq_n++];
	if (len > sizeof q->bytes)
		len = sizeof q->bytes;
	if (len > 0)
		memcpy(q->bytes, ip, len);
	q->len = len;
	q->wirelen = wirelen;
	q->sec = sec;
	q->usec = usec;
	q->from = d;
	q->step = step;
	snprintf(q->note, sizeof q->note, "%s", note);
}

/* Shows what the wire carried, in its order, up to the segment that
 * settled step `until` (everything when it is -1 or not there). */
static void flush_until(struct play *p, int until)
{
	unsigned i, shown = showq_n;
	int n;

	if (until >= 0)
		for (i = 0; i < showq_n; i++)
			if (showq[i].step == until) {
				shown = i + 1;
				shown_target = true;
				break;
			}
	for (i = 0; i < shown; i++) {
		struct shown *q = &showq[i];
		struct show_pkt pk;

		memset(&pk, 0, sizeof pk);
		pk.ip = q->bytes;
		pk.caplen = q->len;
		pk.wirelen = q->wirelen;
		pk.from = q->from == SCN_CLIENT ? ANNOT_ROLE_CLIENT
		                                : ANNOT_ROLE_SERVER;
		pk.sec = q->sec;
		pk.usec = q->usec;
		n = q->len == 0
		            ? 0
		            : show_packet(&p->sh, &pk, p->text, p->text_cap);
		if (n > 0 && !p->quiet)
			fwrite(p->text, 1, (size_t)n, stdout);
		if (q->note[0] != '\0' && !p->plain)
			play_say(p, stdout, "%s\n", q->note);
	}
	memmove(showq, showq + shown, (showq_n - shown) * sizeof showq[0]);
	showq_n -= shown;
	fflush(stdout);
}

static void flush_shown(struct play *p)
{
	flush_until(p, -1);
}

/* ------------------------------------------------------------------ */
/* Records. */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void now_iso(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void record_item(struct play *p, const char *type, const char *item,
                        const char *answer, const char *expected, bool right)
{
	char t[32];

	if (p->rec == NULL)
		return;
	now_iso(t, sizeof t);
	fprintf(p->rec, "{\"type\":");
	json_str(p->rec, type);
	fputs(",\"student\":", p->rec);
	json_str(p->rec, p->student ? p->student : "");
	fputs(",\"lab\":", p->rec);
	json_str(p->rec, p->lab);
	fputs(",\"item\":", p->rec);
	json_str(p->rec, item);
	fputs(",\"answer\":", p->rec);
	json_str(p->rec, answer);
	fputs(",\"expected\":", p->rec);
	json_str(p->rec, expected);
	fprintf(p->rec, ",\"right\":%s,\"time\":\"%s\"}\n",
	        right ? "true" : "false", t);
	fflush(p->rec);
}

static void record_lab(struct play *p, const char *outcome, double secs)
{
	char t[32];

	if (p->rec == NULL)
		return;
	now_iso(t, sizeof t);
	fputs("{\"type\":\"lab\",\"student\":", p->rec);
	json_str(p->rec, p->student ? p->student : "");
	fputs(",\"lab\":", p->rec);
	json_str(p->rec, p->lab);
	fprintf(p->rec,
	        ",\"score\":%u,\"of\":%u,\"expectations\":%u,\"met\":%u,"
	        "\"duration\":%.1f,\"outcome\":\"%s\",\"time\":\"%s\"}\n",
	        p->pred_right + p->q_right, p->pred_asked + p->q_asked,
	        p->good + p->bad, p->good, secs, outcome, t);
	fflush(p->rec);
}

/* ------------------------------------------------------------------ */
/* Talking with the student. */

/* Reads a line with the clock stopped; false at end of input. What the
 * wire carried meanwhile stays queued: a prediction is asked before its
 * segment shows. */
static bool ask(struct play *p, const char *prompt, char *line, size_t cap)
{
	bool got;
	size_t n;

	play_pause(p);
	fputs(prompt, stdout);
	fflush(stdout);
	got = fgets(line, (int)cap, stdin) != NULL && !play_interrupted();
	if (!got)
		fputs("\n", stdout);
	play_resume(p);
	if (got) {
		n = strlen(line);
		/* The rest of a line too long for line is not the next
		 * answer. */
		if (n > 0 && line[n - 1] != '\n') {
			int ch;
			while ((ch = getchar()) != EOF && ch != '\n')
				;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		/* Answers from a file or a pipe: the output reads as if
		 * they had been typed. */
		if (!isatty(STDIN_FILENO))
			printf("%s\n", line);
	}
	return got;
}

/* Before an action: Enter runs it, q stops the lab. */
static bool gate(struct play *p, const struct scn_step *st, const char *what)
{
	char line[64], prompt[512];

	if (p->autorun)
		return true;
	/* The step, wrapped to the width; the prompt on a line of its
	 * own. */
	snprintf(prompt, sizeof prompt, "-- %s", _("line %u: %s"));
	play_say(p, stdout, prompt, st->line, what);
	/* TRANSLATORS: Enter and q are keys. */
	if (!ask(p, _("   [Enter] runs it, q stops: "), line, sizeof line)) {
		/* no more input: the rest runs by itself; a signal stops */
		p->autorun = true;
		p->stopped = play_interrupted();
		return !p->stopped;
	}
	if (line[0] == 'q' || line[0] == 'Q') {
		p->stopped = true;
		return false;
	}
	return true;
}

/* After a segment step, interactively: Enter shows the next. */
static void next_gate(struct play *p)
{
	char line[64];

	if (p->autorun || p->stopped)
		return;
	if (!ask(p, _("-- [Enter] next, q stops: "), line, sizeof line)) {
		p->autorun = true;
		p->stopped = play_interrupted();
		return;
	}
	if (line[0] == 'q' || line[0] == 'Q')
		p->stopped = true;
}

static const char *kind_word(const struct scn_step *st, char *buf, size_t cap)
{
	static const char *const w[] = {
	        [SCN_LISTEN] = "listen", [SCN_CONNECT] = "connect",
	        [SCN_SEND] = "send",     [SCN_READ] = "read",
	        [SCN_CLOSE] = "close",   [SCN_ABORT] = "abort",
	        [SCN_RCVBUF] = "window",
	};
	const char *end = scn_end_name(st->end);

	switch (st->kind) {
	case SCN_SEND:
		if (st->text != NULL) {
			/* as written in the scenario, escapes and all, and
			 * cut to a line */
			char q[160];
			if (scn_format_text(st->text, st->n > 60 ? 60 : st->n, q,
			                    sizeof q) < 0)
				snprintf(q, sizeof q, "\"\"");
			snprintf(buf, cap, "%s send %s%s", end, q,
			         st->n > 60 ? "..." : "");
		} else
			snprintf(buf, cap, "%s send %u", end, st->n);
		break;
	case SCN_READ:
		if (st->n == SCN_READ_OFF)
			snprintf(buf, cap, "%s read off", end);
		else if (st->n == SCN_READ_ALL)
			snprintf(buf, cap, "%s read all", end);
		else
			snprintf(buf, cap, "%s read %u", end, st->n);
		break;
	case SCN_RCVBUF:
		snprintf(buf, cap, "%s window %u", end, st->n);
		break;
	default:
		snprintf(buf, cap, "%s %s", end, w[st->kind]);
	}
	return buf;
}

static bool is_action(enum scn_step_kind k)
{
	return k == SCN_LISTEN || k == SCN_CONNECT || k == SCN_SEND ||
	       k == SCN_READ || k == SCN_CLOSE || k == SCN_ABORT ||
	       k == SCN_RCVBUF;
}

static bool next_is_action(const struct play *p, unsigned i)
{
	return i + 1 < p->scn.nstep && is_action(p->scn.step[i + 1].kind) &&
	       p->scn.step[i + 1].after_us == 0;
}

static const char *const pred_names[4] = {"seq", "ack", "win", "len"};

static void ask_predict(struct play *p, unsigned i)
{
	const struct scn_step *st = &p->scn.step[i];
	char line[128], prompt[512], names[64] = "";
	int j;
	unsigned k, n = 0;

	for (j = (int)i + 1; j < (int)p->scn.nstep; j++)
		if (is_seg_step(&p->scn.step[j]) && !p->scn.step[j].seg.many)
			break;
	if (j >= (int)p->scn.nstep || p->autorun)
		return;
	for (k = 0; k < 4; k++)
		if (st->predict & (1u << k)) {
			strcat(names, n ? " " : "");
			strcat(names, pred_names[k]);
			n++;
		}
	p->pred_no++;
	for (;;) {
		/* TRANSLATORS: the line, then the fields asked for ("seq
		 * ack": words of the notation), in tcpdump's relative
		 * numbers. */
		snprintf(prompt, sizeof prompt,
		         p->scn.step[j].seg.from == SCN_CLIENT
		                 ? _("-- predict: the next segment from the "
		                     "client (line %u).\n   Its %s, as tcpdump "
		                     "prints them: ")
		                 : _("-- predict: the next segment from the "
		                     "server (line %u).\n   Its %s, as tcpdump "
		                     "prints them: "),
		         p->scn.step[j].line, names);
		if (!ask(p, prompt, line, sizeof line)) {
			p->stopped = play_interrupted();
			return;
		}
		/* q stops the lab; an empty answer lets this one go. */
		if (line[0] == 'q' || line[0] == 'Q') {
			p->stopped = true;
			return;
		}
		if (line[strspn(line, " \t")] == '\0')
			return;
		char *s = line, *endp;
		unsigned got = 0;
		for (k = 0; k < 4; k++) {
			if (!(st->predict & (1u << k)))
				continue;
			unsigned long v = strtoul(s, &endp, 10);
			if (endp == s)
				break;
			p->pred_val[k] = (uint32_t)v;
			s = endp;
			got++;
		}
		if (got == n)
			break;
		/* TRANSLATORS: how many numbers the student must type;
		 * Enter and q are keys. */
		printf(_("   %u number(s) please, separated by spaces (Enter "
		         "skips, q stops)\n"),
		       n);
	}
	p->pred_step = j;
	p->pred_mask = st->predict;
	p->pred_given = true;
}

static void score_predict(struct play *p, unsigned k)
{
	const struct play_seen *v = &p->seen[k];
	uint32_t actual[4];
	char item[64], a[16], x[16];
	unsigned f;
	bool all = true;

	if (!p->pred_given || p->pred_step != (int)k || !v->has)
		return;
	p->pred_given = false;
	actual[0] = v->seq;
	actual[1] = v->ack;
	actual[2] = v->win;
	actual[3] = v->len;
	for (f = 0; f < 4; f++) {
		if (!(p->pred_mask & (1u << f)))
			continue;
		bool right = p->pred_val[f] == actual[f];
		all = all && right;
		p->pred_asked++;
		p->pred_right += right;
		snprintf(item, sizeof item, "predict %u %s", p->pred_no,
		         pred_names[f]);
		snprintf(a, sizeof a, "%u", p->pred_val[f]);
		snprintf(x, sizeof x, "%u", actual[f]);
		record_item(p, "prediction", item, a, x, right);
		if (!right)
			/* TRANSLATORS: a field name, what the student
			 * said, what the segment had. */
			play_say(p, stdout,
			         _("   %s: you said %s, it was %s\n"),
			         pred_names[f], a, x);
	}
	play_say(p, stdout, "%s\n",
	         all ? _("   prediction right")
	             : _("   prediction not quite: the lines above show "
	                 "why"));
}

static void ask_question(struct play *p, unsigned i, unsigned no)
{
	const struct scn_step *st = &p->scn.step[i];
	struct scn_vars v;
	char text[1024], line[256], want[256], item[32];
	bool right;

	play_vars(p, &v);
	const char *q = scn_tr_pick(st->text, &st->tr, p->lang);
	if (scn_expand(q, &v, text, sizeof text) < 0)
		snprintf(text, sizeof text, "%s", q);
	want[0] = '\0';
	if (st->nanswers > 0) {
		const char *a =
		        scn_tr_pick(st->answers[0], &st->answer_tr, p->lang);
		if (scn_expand(a, &v, want, sizeof want) < 0)
			snprintf(want, sizeof want, "%s", a);
	}
	if (p->autorun)
		return;
	flush_shown(p);
	play_say(p, stdout, _("-- question %u\n"), no);
	play_say(p, stdout, "%s\n", text);
	if (!ask(p, "   > ", line, sizeof line)) {
		p->stopped = play_interrupted();
		return;
	}
	right = scn_answer_ok(st, &v, line);
	p->q_asked++;
	p->q_right += right;
	snprintf(item, sizeof item, "question %u", no);
	record_item(p, "question", item, line, want, right);
	if (right)
		play_say(p, stdout, "%s\n", _("   right"));
	else
		/* TRANSLATORS: the answer the scenario accepts. */
		play_say(p, stdout, _("   not quite: the answer is %s\n"),
		         want);
	if (st->why != NULL &&
	    scn_expand(scn_tr_pick(st->why, &st->why_tr, p->lang), &v, text,
	               sizeof text) >= 0)
		play_say(p, stdout, "   %s\n", text);
}

/* ------------------------------------------------------------------ */
/* The walk. */

/* Lets us microseconds of the lab clock pass, taking what comes. */
static void pass_time(struct play *p, uint64_t us)
{
	uint64_t until = play_now(p) + us;

	while (!play_interrupted() && play_now(p) < until) {
		uint64_t left = until - play_now(p);
		play_pump(p, left > 100000 ? 100 : (int)(left / 1000));
	}
}

static void wait_settled(struct play *p, unsigned i)
{
	uint64_t until = play_now(p) + p->scn.timeout_us;
	const struct scn_step *st = &p->scn.step[i];

	while (p->seen[i].verdict == 0 && !play_interrupted()) {
		if (play_now(p) >= until) {
			p->seen[i].verdict = -1;
			/* TRANSLATORS: seconds. */
			snprintf(p->seen[i].why, sizeof p->seen[i].why,
			         st->seg.from == SCN_CLIENT
			                 ? _("no segment from the client came "
			                     "in "
			                     "%.1f s")
			                 : _("no segment from the server came "
			                     "in "
			                     "%.1f s"),
			         (double)p->scn.timeout_us / 1e6);
			char note[1024];
			note_step(p, i, note, sizeof note);
			play_say(p, stdout, "%s\n", note);
			return;
		}
		play_pump(p, 50);
		flush_until(p, p->autorun ? -1 : (int)i);
	}
}

static void heading(struct play *p)
{
	play_say(p, stdout, "== %s\n",
	         p->scn.title
	                 ? scn_tr_pick(p->scn.title, &p->scn.title_tr, p->lang)
	                 : p->file);
	if (!p->autorun && p->scn.text != NULL)
		play_say(p, stdout, "%s\n\n",
		         scn_tr_pick(p->scn.text, &p->scn.text_tr, p->lang));
}

static int finish(struct play *p)
{
	const char *outcome;
	struct timespec ts;
	double secs;

	pass_time(p, 300000);
	flush_shown(p);
	if (play_wind_up(p)) {
		play_say(
		        p, stdout, "%s\n",
		        _("the scenario is over: what is still open is reset"));
		pass_time(p, 300000);
		flush_shown(p);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	secs = (double)ts.tv_sec + ts.tv_nsec / 1e9 -
	       (double)p->wall_start / 1e6;
	if (p->unexpected > 0)
		play_say(p, stdout,
		         _("%u segment(s) on the wire were not in the "
		           "scenario\n"),
		         p->unexpected);
	/* TRANSLATORS: expectations of the scenario that held, of all. */
	play_say(p, stdout, _("scenario: %u of %u expectations held\n"),
	         p->good, p->good + p->bad);
	if (p->pred_asked > 0)
		play_say(p, stdout, _("predictions: %u of %u right\n"),
		         p->pred_right, p->pred_asked);
	if (p->q_asked > 0)
		play_say(p, stdout, _("questions: %u of %u right\n"),
		         p->q_right, p->q_asked);
	outcome = p->stopped || play_interrupted() ? "stopped"
	          : p->bad > 0                     ? "failed"
	                                           : "passed";
	record_lab(p, outcome, secs);
	if (play_interrupted())
		/* TRANSLATORS: what the lab's record and its last line say
		 * of a run stopped by Ctrl-C. */
		play_say(p, stdout, "%s\n", _("stopped by a signal"));
	if (p->failed_env)
		return 3; /* what the scenario asked could not be done */
	return p->bad > 0 || p->stopped || play_interrupted() ? 1 : 0;
}

int play_steps(struct play *p)
{
	struct timespec ts;
	char what[512];
	unsigned i, qno = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	p->wall_start = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	p->pred_step = -1;
	heading(p);
	for (i = 0; i < p->scn.nstep && !p->stopped && !play_interrupted();
	     i++) {
		const struct scn_step *st = &p->scn.step[i];

		if (st->after_us > 0)
			pass_time(p, st->after_us);
		switch (st->kind) {
		case SCN_LISTEN:
		case SCN_CONNECT:
		case SCN_SEND:
		case SCN_READ:
		case SCN_CLOSE:
		case SCN_ABORT:
		case SCN_RCVBUF:
			flush_shown(p);
			if (!gate(p, st, kind_word(st, what, sizeof what)))
				break;
			if (play_action(p, st) != 0) {
				p->failed_env = true;
				break;
			}
			/* Actions written one after the other happen at
			 * once: nothing is taken from the wire between them
			 * (two closes cross, as in a simultaneous close). */
			if (!next_is_action(p, i))
				play_pump(p, 0);
			break;
		case SCN_WAIT:
			pass_time(p, st->delay_us);
			flush_shown(p);
			break;
		case SCN_SAY: {
			struct scn_vars v;
			char text[1024];
			flush_shown(p);
			play_vars(p, &v);
			const char *say =
			        scn_tr_pick(st->text, &st->tr, p->lang);
			if (scn_expand(say, &v, text, sizeof text) < 0)
				snprintf(text, sizeof text, "%s", say);
			play_say(p, stdout, "%s\n", text);
			break;
		}
		case SCN_QUESTION:
			ask_question(p, i, ++qno);
			break;
		case SCN_PREDICT:
			ask_predict(p, i);
			break;
		case SCN_INJECT:
			flush_shown(p);
			step_text(&st->seg, what, sizeof what);
			if (!gate(p, st, what))
				break;
			if (play_inject(p, i) != 0) {
				p->failed_env = true;
				break;
			}
			__attribute__((fallthrough));
		case SCN_EXPECT:
		case SCN_DROP:
		case SCN_DELAY:
			/* Many segments, or none: nothing to wait for. */
			if (st->seg.many)
				break;
			/* At the student's pace: this step's segment, and
			 * what the wire carried before it, then a pause. */
			shown_target = false;
			wait_settled(p, i);
			/* A signal ends the walk: an unsettled step is not
			 * a step that held. */
			if (play_interrupted() || p->seen[i].verdict == 0) {
				p->stopped = true;
				break;
			}
			/* What is left up to this step's segment; none of
			 * what follows it (a prediction may wait for it). */
			if (!shown_target || p->autorun)
				flush_until(p, p->autorun ? -1 : (int)i);
			if (p->seen[i].verdict < 0)
				p->bad++;
			else if (st->kind != SCN_INJECT)
				p->good++;
			score_predict(p, i);
			if (st->kind != SCN_INJECT && p->seen[i].verdict > 0 &&
			    shown_target)
				next_gate(p);
			break;
		}
		if (p->bad > 0 || p->stopped || p->failed_env)
			break;
	}
	p->over = true;
	if (p->bad > 0 && i + 1 < p->scn.nstep)
		/* TRANSLATORS: the line the run stopped at. */
		play_say(p, stdout,
		         _("the run stops at line %u: what follows depends "
		           "on it\n"),
		         p->scn.step[i].line);
	return finish(p);
}
