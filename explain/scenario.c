/*
 * scenario.c: --scenario, one connection of the capture written as a
 * scenario (tcplab-scenario(5)) that replays it: both ends raw, one
 * "inject" line per segment, in the capture's order and with its timing,
 * numbers relative as tcpdump prints them, the options in their order and
 * the payload where the capture holds its bytes (tcpdump's text does not:
 * its lines give the length, and the run sends that many x).
 *
 * Every segment line is written by scn_format_seg(), the notation the
 * parser reads. What is kept of the chosen connection grows with it, up
 * to SCEN_KEEP_MAX segments and SCEN_BYTES_MAX payload bytes (later
 * segments then keep their length only). This file never reads the
 * input; it writes only the scenario.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/i18n.h"
#include "common/scn.h"
#include "explain/explain.h"

#define SCEN_KEEP_MAX  100000
#define SCEN_BYTES_MAX (4u << 20)

/* One segment: in the notation, its payload a copy or NULL; its time. */
struct scen_seg {
	struct scn_seg w;
	int64_t sec;
	uint32_t usec;
};

struct scen_keep {
	struct scen_seg *segs;
	size_t n, cap;
	size_t bytes; /* payload bytes kept */
	int full_noted, bytes_noted;
	int v6; /* the connection is over IPv6 (1), IPv4 (0), unknown (-1) */
};

/* The segment in the notation; without the decoded segment, what annot
 * says of it (no options, no payload). Options the notation has no words
 * for are left out (scn_seg_of). */
static void notation(struct scn_seg *w, const struct annot_result *r,
                     const struct seg *s)
{
	enum scn_end from = r->from == ANNOT_CLIENT ? SCN_CLIENT : SCN_SERVER;
	struct seg bare;

	if (s == NULL) {
		memset(&bare, 0, sizeof(bare));
		bare.flags = r->flags;
		bare.seq = r->seq;
		bare.ack = r->ack;
		bare.win = r->win;
		bare.payload_len = r->len;
		s = &bare;
	}
	scn_seg_of(w, from, s, r->rel_seq, r->rel_ack);
}

/* Copies the payload w points at, while the budget lasts. */
static int keep_payload(struct explain *e, struct scen_keep *t,
                        struct scn_seg *w)
{
	char *copy;

	if (w->payload == NULL)
		return 0;
	if (t->bytes + w->payload_len > SCEN_BYTES_MAX) {
		if (!t->bytes_noted)
			explain_warn(_("connection %u carries more than %u "
			               "bytes: the scenario gives the rest as "
			               "lengths"),
			             e->o->conn, SCEN_BYTES_MAX);
		t->bytes_noted = 1;
		w->payload = NULL;
		w->payload_len = 0;
		return 0;
	}
	if ((copy = malloc(w->payload_len)) == NULL)
		return -1;
	memcpy(copy, w->payload, w->payload_len);
	w->payload = copy;
	t->bytes += w->payload_len;
	return 0;
}

static struct scen_seg *next_slot(struct explain *e, struct scen_keep *t)
{
	if (t->n == SCEN_KEEP_MAX) {
		if (!t->full_noted)
			explain_warn(_("connection %u has more than %u "
			               "segments: the scenario replays the "
			               "first %u"),
			             e->o->conn, SCEN_KEEP_MAX, SCEN_KEEP_MAX);
		t->full_noted = 1;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct scen_seg *ns = realloc(t->segs, ncap * sizeof(*ns));

		if (ns == NULL) {
			e->scen_failed = 1;
			return NULL;
		}
		t->segs = ns;
		t->cap = ncap;
	}
	return &t->segs[t->n];
}

void scen_keep_seg(struct explain *e, const struct annot_result *r,
                   const struct seg *s)
{
	struct scen_keep *t = e->scen;
	struct scen_seg *k;

	if (e->o->scenario == NULL || r->conn != e->o->conn || e->scen_failed)
		return;
	if (t == NULL && (t = e->scen = calloc(1, sizeof(*t))) == NULL) {
		e->scen_failed = 1;
		return;
	}
	if (t->n == 0)
		t->v6 = -1;
	if (s != NULL && t->v6 < 0)
		t->v6 = s->ip_v == 6;
	if ((k = next_slot(e, t)) == NULL)
		return;
	notation(&k->w, r, s);
	k->sec = r->sec;
	k->usec = r->usec;
	if (keep_payload(e, t, &k->w) < 0) {
		e->scen_failed = 1;
		return;
	}
	t->n++;
}

void scen_forget(struct explain *e)
{
	size_t i;

	if (e->scen == NULL)
		return;
	for (i = 0; i < e->scen->n; i++)
		free(e->scen->segs[i].w.payload);
	free(e->scen->segs);
	free(e->scen);
	e->scen = NULL;
}

/* "+1.5 ", the time since the segment before, to the millisecond;
 * nothing when it rounds to 0. */
static void write_time(FILE *f, const struct scen_seg *prev,
                       const struct scen_seg *k)
{
	int64_t us, ms;

	if (prev == NULL)
		return;
	us = (k->sec - prev->sec) * 1000000 + ((int64_t)k->usec - prev->usec);
	ms = (us + 500) / 1000;
	if (ms <= 0)
		return;
	fprintf(f, "+%lld", (long long)(ms / 1000));
	if (ms % 1000 != 0) {
		char frac[8];
		size_t n = (size_t)snprintf(frac, sizeof(frac), ".%03lld",
		                            (long long)(ms % 1000));

		while (frac[n - 1] == '0')
			frac[--n] = '\0';
		fputs(frac, f);
	}
	fputc(' ', f);
}

/* The file's name without its directory; "capture" for standard input. */
static const char *base_name(const char *file)
{
	const char *base = strrchr(file, '/');

	base = base != NULL ? base + 1 : file;
	return strcmp(file, "-") == 0 || *base == '\0' ? "capture" : base;
}

/* The title: the capture's file name without its extension. */
static void write_title(FILE *f, const char *file)
{
	const char *base = base_name(file), *dot;

	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = base + strlen(base);
	fprintf(f, "title %.*s\n", (int)(dot - base), base);
}

/* "client ADDRESS raw" or "server ADDRESS PORT raw"; "-" for a name the
 * text gave instead of an address, with a comment that says so. */
static void write_host(struct explain *e, FILE *f, enum scn_end end,
                       const struct ipaddr *a, uint16_t port, bool v6)
{
	char text[TDTEXT_LABEL_LEN + 48];
	int label = draw_addr(e, a, v6, text, sizeof(text));

	if (label)
		/* TRANSLATORS: a comment in the scenario file; %s is a
		   host's name in tcpdump's text. */
		fprintf(f,
		        _("# %s: a name in the capture; - is the lab's "
		          "address\n"),
		        text);
	fprintf(f, "%s %s", scn_end_name(end), label ? "-" : text);
	if (end == SCN_SERVER)
		fprintf(f, " %u", port);
	fprintf(f, " %s\n", scn_player_name(SCN_RAW));
}

/* The header: a comment for the teacher, the title, the two hosts. */
static void write_header(struct explain *e, FILE *f,
                         const struct annot_summary *sm)
{
	/* Over IPv6, an IPv4-mapped address is written as one. */
	bool v6 = e->scen->v6 > 0 ||
	          (e->scen->v6 < 0 &&
	           (!ipaddr_is4(&sm->caddr) || !ipaddr_is4(&sm->saddr)));

	/* TRANSLATORS: comment lines at the top of the scenario file; keep
	   each line a comment (# first), "inject", "tcplab" and "kernel" as
	   they are, and every line within 80 columns. */
	fprintf(f,
	        _("# Connection %u of %s, replayed.\n"
	          "# Both ends are raw: the run injects every segment as the "
	          "capture has it.\n"
	          "# To let an end play itself, set its player to tcplab or "
	          "kernel and\n"
	          "# remove \"inject\" from its lines: they become "
	          "expectations to check.\n"),
	        sm->conn, base_name(e->o->file));
	write_title(f, e->o->file);
	write_host(e, f, SCN_CLIENT, &sm->caddr, sm->cport, v6);
	write_host(e, f, SCN_SERVER, &sm->saddr, sm->sport, v6);
}

/* Whether the run can inject w: a SYN whose seq is not 0 (another
 * attempt with another ISN, on the same ports) it cannot. */
static bool injectable(const struct scn_seg *w)
{
	return !(w->flags & TH_SYN) || w->seq.lo == 0;
}

/* The whole scenario into f. Returns 0, or -1 when a line could not be
 * formatted (after a message). */
static int write_scenario(struct explain *e, FILE *f,
                          const struct annot_summary *sm)
{
	const struct scen_keep *t = e->scen;
	const struct scen_seg *prev = NULL;
	char *line = NULL;
	size_t i, cap = 0, need;
	int rc = 0;

	write_header(e, f, sm);
	for (i = 0; i < t->n && rc == 0; i++) {
		need = 4 * t->segs[i].w.payload_len + 512;
		if (need > cap) {
			free(line);
			cap = need;
			if ((line = malloc(cap)) == NULL) {
				explain_warn(_("out of memory"));
				return -1;
			}
		}
		if (scn_format_seg(&t->segs[i].w, line, cap) < 0) {
			explain_warn(_("out of memory"));
			rc = -1;
			break;
		}
		if (!injectable(&t->segs[i].w)) {
			/* TRANSLATORS: a comment in the scenario file, before
			   a segment line it leaves out. */
			fprintf(f, _("# The run cannot inject this SYN: a "
			             "SYN's seq is 0, its ISN.\n"));
			fprintf(f, "# inject %s\n", line);
			continue;
		}
		/* The time since the last segment written. */
		write_time(f, prev, &t->segs[i]);
		prev = &t->segs[i];
		fprintf(f, "inject %s\n", line);
	}
	free(line);
	return rc;
}

/* Writes the scenario to its file, or into the output for "-". */
static int write_out(struct explain *e, const struct annot_summary *sm)
{
	const char *file = e->o->scenario;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL) {
		explain_warn(_("out of memory"));
		return -1;
	}
	rc = write_scenario(e, f, sm);
	if (fclose(f) != 0 && rc == 0) {
		explain_warn(_("out of memory"));
		rc = -1;
	}
	if (rc == 0 && strcmp(file, "-") == 0) {
		explain_flush(e);
		if (fwrite(buf, 1, len, stdout) != len)
			e->write_failed = 1;
	} else if (rc == 0) {
		rc = explain_write_file(file, buf, len);
	}
	free(buf);
	return rc;
}

void scen_conn_done(struct explain *e, const struct annot_summary *sm)
{
	if (e->o->scenario == NULL || sm->conn != e->o->conn || e->scen_done)
		return;
	e->scen_done = 1;
	if (e->scen_failed || e->scen == NULL) {
		explain_warn(_("out of memory"));
		e->scen_failed = 1;
	} else if (write_out(e, sm) < 0) {
		e->scen_failed = 1;
	}
	scen_forget(e);
}
