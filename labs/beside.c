/*
 * beside.c: tcplab-text beside, the view that holds a tcplab program's
 * lines against a real tcpdump's, segment by segment.
 *
 * The lab runner pairs the segments (tcplab's segs and beside in
 * labs/tcplab) and writes one record a line, tab-separated, each key
 * being "IP line | TCP line" as tcpdump prints them, without the time:
 *
 *   S  PROGRAM-KEY  TCPDUMP-KEY   the same line on both sides
 *   X  PROGRAM-KEY  TCPDUMP-KEY   different lines (TCPDUMP-KEY may be
 *                                 empty: tcpdump saw no more segments)
 *   D  PROGRAM-KEY                the program dropped it before the wire
 *   T  (empty)      TCPDUMP-KEY   only tcpdump saw it
 *
 * For each, this prints the segment's number and tcpdump's TCP line once,
 * folded to the width, and then that the program's line is the same, or
 * where it first differs: the column, the two lines around it and a caret
 * under the first differing character (a line only one side printed is
 * shown as that side printed it). Then the counts. It only reads stdin
 * and prints.
 */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/i18n.h"
#include "common/wrap.h"
#include "labs/text.h"

struct view {
	const char *who; /* "tcplab-client" */
	unsigned cols;   /* 0: no folding */
	bool brief;      /* only what differs, and the counts */
	bool stopped;    /* the student stopped the program (q) */
	unsigned n;      /* segments the program printed so far */
	unsigned same, bad, unread;
};

/* A key split into its two lines. */
struct key {
	const char *ip, *tcp;
	size_t iplen, tcplen;
};

static struct key split_key(const char *k)
{
	struct key r = {"", k, 0, strlen(k)};
	const char *bar = strstr(k, " | ");

	if (bar != NULL) {
		r.ip = k;
		r.iplen = (size_t)(bar - k);
		r.tcp = bar + 3;
		r.tcplen = strlen(r.tcp);
	}
	return r;
}

static void put_para(struct view *v, const char *first, const char *hang,
                     const char *text)
{
	text_put_para(text, strlen(text), first, hang, v->cols);
}

/*
 * A note under a segment: after three spaces and its mark ("= ", "** ",
 * or none), its other lines under its first word; a note without a mark
 * is in brackets, its lines under the text inside them.
 */
static void put_note(struct view *v, const char *mark, const char *text)
{
	char first[16], hang[16];
	unsigned lead = 0;
	size_t w;

	if (*mark == '\0')
		wrap_next(text, strlen(text), &lead);
	snprintf(first, sizeof first, "   %s", mark);
	w = wrap_cols(first, strlen(first)) + lead;
	if (w >= sizeof hang)
		w = sizeof hang - 1;
	memset(hang, ' ', w);
	hang[w] = '\0';
	put_para(v, first, hang, text);
}

/* The label before a line of the difference, padded to lw columns. */
static void put_label(const char *label, int lw)
{
	size_t w = wrap_cols(label, strlen(label));

	printf("      %s%*s", label, w < (size_t)lw ? lw - (int)w : 0, "");
}

/* A segment's TCP line, folded, after its number (or "--"). */
static void put_segment(struct view *v, const char *num, const struct key *k)
{
	char first[24];

	snprintf(first, sizeof first, "%2s ", num);
	text_put_folded(first, "   ", k->tcp, k->tcplen, v->cols);
}

/* The byte offset of the first difference between a and b, moved back to
 * the start of the character it falls in. */
static size_t first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0;

	while (i < alen && i < blen && a[i] == b[i])
		i++;
	while (i > 0 && i < alen && ((unsigned char)a[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* The start of the window shown around offset off: about a third of
 * room columns before it, on a character boundary. */
static size_t window_start(const char *s, size_t off, size_t room)
{
	size_t start = off;

	while (start > 0 && wrap_cols(s + start, off - start) < room / 3) {
		start--;
		while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80)
			start--;
	}
	return start;
}

/* Prints "LABEL ...TEXT..." with the text from start, cut to room
 * columns; returns nothing. */
static void put_window(const char *label, int lw, const char *s, size_t len,
                       size_t start, size_t room)
{
	size_t lead = start > 0 ? 3 : 0, i = start, w = 0;
	bool cut = false;

	while (i < len) {
		unsigned c;
		size_t n = wrap_next(s + i, len - i, &c);

		/* Keep 3 columns for "..." unless the text ends here. */
		if (lead + w + c + (i + n < len ? 3 : 0) > room) {
			cut = true;
			break;
		}
		w += c;
		i += n;
	}
	put_label(label, lw);
	printf(" %s%.*s%s\n", lead ? "..." : "", (int)(i - start), s + start,
	       cut ? "..." : "");
}

/* Points at the first difference between tcpdump's line t and the
 * program's line p, its IP line when ip is set, else its TCP line. */
static void put_difference(struct view *v, bool ip, const char *t, size_t tlen,
                           const char *p, size_t plen)
{
	size_t off = first_diff(t, tlen, p, plen);
	size_t ww = wrap_cols(v->who, strlen(v->who));
	int lw = (int)(ww > 7 ? ww : 7);
	size_t room = v->cols > (size_t)lw + 8 ? v->cols - (size_t)lw - 7 : 0;
	size_t start, caret;
	char msg[512];

	/* TRANSLATORS: the program's name, and the column of tcpdump's
	   line where the program's line first differs from it. Two lines
	   follow, tcpdump's and the program's, and a caret under that
	   column. */
	snprintf(msg, sizeof msg,
	         ip ? _("%s printed a different IP line; the first difference "
	                "is at column %zu:")
	            : _("%s printed a different line; the first difference is "
	                "at column %zu:"),
	         v->who, wrap_cols(t, off) + 1);
	put_note(v, "** ", msg);
	if (v->cols == 0)
		room = (size_t)-1 / 2;
	start = window_start(t, off, room);
	put_window("tcpdump", lw, t, tlen, start, room);
	put_window(v->who, lw, p, plen, start, room);
	caret = 6 + (size_t)lw + 1 + (start > 0 ? 3 : 0) + wrap_cols(t, off) -
	        wrap_cols(t, start);
	printf("%*s^\n", (int)caret, "");
}

/* S: the program printed tcpdump's line. */
static void put_same(struct view *v, const char *num, const char *td)
{
	struct key k = split_key(td);
	char msg[512];

	v->same++;
	if (v->brief)
		return;
	put_segment(v, num, &k);
	/* TRANSLATORS: under tcpdump's line for a segment: the program
	   (tcplab-client, tcplab-server) printed the same two lines; or,
	   over IPv6, where tcpdump prints a segment on one line, that
	   line. */
	if (k.iplen > 0)
		snprintf(msg, sizeof msg,
		         _("%s printed exactly this line, and the IP line "
		           "before it"),
		         v->who);
	else
		snprintf(msg, sizeof msg, _("%s printed exactly this line"),
		         v->who);
	put_note(v, "= ", msg);
}

/* X: the program's line is not tcpdump's (td may be empty). */
static void put_different(struct view *v, const char *num, const char *prog,
                          const char *td)
{
	struct key p = split_key(prog), t = split_key(td);
	char msg[512];

	v->bad++;
	if (*td == '\0') {
		put_segment(v, num, &p);
		snprintf(msg, sizeof msg,
		         _("only %s printed this line: tcpdump saw no segment "
		           "with exactly this line"),
		         v->who);
		put_note(v, "** ", msg);
		return;
	}
	put_segment(v, num, &t);
	if (t.iplen != p.iplen || memcmp(t.ip, p.ip, t.iplen) != 0)
		put_difference(v, true, t.ip, t.iplen, p.ip, p.iplen);
	if (t.tcplen != p.tcplen || memcmp(t.tcp, p.tcp, t.tcplen) != 0)
		put_difference(v, false, t.tcp, t.tcplen, p.tcp, p.tcplen);
}

/* D: dropped before the wire, as asked (--drop). */
static void put_dropped(struct view *v, const char *num, const char *prog)
{
	struct key p = split_key(prog);
	char msg[512];

	if (v->brief)
		return;
	put_segment(v, num, &p);
	/* TRANSLATORS: a note in brackets: the program was told to drop
	   this segment (--drop), so tcpdump never saw it. */
	snprintf(msg, sizeof msg,
	         _("(nothing on the wire: %s dropped it before the wire, as "
	           "asked)"),
	         v->who);
	put_note(v, "", msg);
}

/* T: a segment that only tcpdump saw; once the program was stopped, one
 * it never read. */
static void put_only_tcpdump(struct view *v, const char *td)
{
	struct key t = split_key(td);
	char msg[512];

	put_segment(v, "--", &t);
	if (v->stopped) {
		v->unread++;
		/* TRANSLATORS: a note in brackets: the student stopped the
		   program, which never read this segment. */
		snprintf(
		        msg, sizeof msg,
		        _("(only tcpdump saw it: %s was stopped before it read "
		          "it)"),
		        v->who);
		put_note(v, "", msg);
		return;
	}
	v->bad++;
	put_note(v, "** ", _("only tcpdump saw this one"));
}

/* One record; fields are cut in place at the tabs. */
static void put_record(struct view *v, char *rec)
{
	char *f[3] = {rec, "", ""};
	char num[16];

	for (int i = 1; i < 3; i++) {
		char *tab = strchr(f[i - 1], '\t');

		if (tab == NULL)
			break;
		*tab = '\0';
		f[i] = tab + 1;
	}
	if (f[0][0] != 'T')
		snprintf(num, sizeof num, "%u", ++v->n);
	switch (f[0][0]) {
	case 'S':
		put_same(v, num, f[2]);
		break;
	case 'X':
		put_different(v, num, f[1], f[2]);
		break;
	case 'D':
		put_dropped(v, num, f[1]);
		break;
	case 'T':
		put_only_tcpdump(v, f[2]);
		break;
	default:
		text_die(_("beside: a record is not S, X, D or T (see "
		           "--help)"));
	}
}

static const char beside_help[] =
        N_("usage: tcplab-text beside --who NAME [--brief] [-w COLS]\n"
           "Shows, for each segment, tcpdump's line folded to the width and\n"
           "whether NAME printed the same line; where it did not, the column\n"
           "of the first difference, both lines around it and a caret. Reads\n"
           "records from stdin, one a line, fields separated by tabs, keys\n"
           "\"IP line | TCP line\":\n"
           "  S  NAME-KEY  TCPDUMP-KEY   the same line\n"
           "  X  NAME-KEY  TCPDUMP-KEY   different lines (TCPDUMP-KEY may be\n"
           "                             empty)\n"
           "  D  NAME-KEY                dropped before the wire\n"
           "  T  (empty)   TCPDUMP-KEY   only tcpdump saw it\n"
           "--brief leaves out the segments printed alike. With --stopped\n"
           "(the student stopped NAME), what only tcpdump saw is what NAME\n"
           "never read, no disagreement. The exit status is the number of\n"
           "disagreements, at most 100.\n");

int text_beside(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"who", required_argument, NULL, 'o'},
	        {"brief", no_argument, NULL, 'b'},
	        {"stopped", no_argument, NULL, 's'},
	        {"width", required_argument, NULL, 'w'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct view v = {
	        /* TRANSLATORS: who printed the lines compared, when no
	           --who. */
	        _("the program"), text_cols(), false, false, 0, 0, 0, 0};
	char msg[512], *in, *line;
	size_t len;
	int c;

	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		if (c == 'o')
			v.who = optarg;
		else if (c == 'b')
			v.brief = true;
		else if (c == 's')
			v.stopped = true;
		else if (c == 'w')
			v.cols = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'h') {
			fputs(_(beside_help), stdout);
			return 0;
		} else
			return 100;
	}
	in = text_read_all(stdin, &len);
	for (line = in; line < in + len;) {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (*line != '\0')
			put_record(&v, line);
		line = nl ? nl + 1 : in + len;
	}
	free(in);
	if (v.unread == 0)
		/* TRANSLATORS: the counts under the comparison: the
		   program's name, the segments both printed alike, the
		   segments they disagree on. */
		snprintf(msg, sizeof msg,
		         _("%s and tcpdump agree on %u segment(s), disagree on "
		           "%u."),
		         v.who, v.same, v.bad);
	else
		/* TRANSLATORS: the counts when the student stopped the
		   program: its name, the segments printed alike, those they
		   disagree on, the segments tcpdump saw that the program
		   never read, and the program's name again. */
		snprintf(msg, sizeof msg,
		         _("%s and tcpdump agree on %u segment(s), disagree on "
		           "%u; tcpdump saw %u more that %s, stopped, never "
		           "read."),
		         v.who, v.same, v.bad, v.unread, v.who);
	put_para(&v, "", "", msg);
	return v.bad > 100 ? 100 : (int)v.bad;
}
