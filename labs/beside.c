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
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	printf("      %-*s %s%.*s%s\n", lw, label, lead ? "..." : "",
	       (int)(i - start), s + start, cut ? "..." : "");
}

/* Points at the first difference between tcpdump's line t and the
 * program's line p; what names the line ("line" or "IP line"). */
static void put_difference(struct view *v, const char *what, const char *t,
                           size_t tlen, const char *p, size_t plen)
{
	size_t off = first_diff(t, tlen, p, plen);
	int lw = (int)(strlen(v->who) > 7 ? strlen(v->who) : 7);
	size_t room = v->cols > (size_t)lw + 8 ? v->cols - (size_t)lw - 7 : 0;
	size_t start, caret;
	char msg[256];

	snprintf(msg, sizeof msg,
	         "** %s printed a different %s; the first difference is at "
	         "column %zu:",
	         v->who, what, wrap_cols(t, off) + 1);
	put_para(v, "   ", "      ", msg);
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
	char msg[160];

	v->same++;
	if (v->brief)
		return;
	put_segment(v, num, &k);
	snprintf(msg, sizeof msg,
	         "= %s printed exactly this line, and the IP line before it",
	         v->who);
	put_para(v, "   ", "     ", msg);
}

/* X: the program's line is not tcpdump's (td may be empty). */
static void put_different(struct view *v, const char *num, const char *prog,
                          const char *td)
{
	struct key p = split_key(prog), t = split_key(td);
	char msg[160];

	v->bad++;
	if (*td == '\0') {
		put_segment(v, num, &p);
		snprintf(msg, sizeof msg,
		         "** only %s printed this line: tcpdump saw no segment "
		         "with exactly this line",
		         v->who);
		put_para(v, "   ", "      ", msg);
		return;
	}
	put_segment(v, num, &t);
	if (t.iplen != p.iplen || memcmp(t.ip, p.ip, t.iplen) != 0)
		put_difference(v, "IP line", t.ip, t.iplen, p.ip, p.iplen);
	if (t.tcplen != p.tcplen || memcmp(t.tcp, p.tcp, t.tcplen) != 0)
		put_difference(v, "line", t.tcp, t.tcplen, p.tcp, p.tcplen);
}

/* D: dropped before the wire, as asked (--drop). */
static void put_dropped(struct view *v, const char *num, const char *prog)
{
	struct key p = split_key(prog);
	char msg[160];

	if (v->brief)
		return;
	put_segment(v, num, &p);
	snprintf(msg, sizeof msg,
	         "(nothing on the wire: %s dropped it before the wire, as "
	         "asked)",
	         v->who);
	put_para(v, "   ", "    ", msg);
}

/* T: a segment that only tcpdump saw; once the program was stopped, one
 * it never read. */
static void put_only_tcpdump(struct view *v, const char *td)
{
	struct key t = split_key(td);
	char msg[160];

	put_segment(v, "--", &t);
	if (v->stopped) {
		v->unread++;
		snprintf(msg, sizeof msg,
		         "(only tcpdump saw it: %s was stopped before it read "
		         "it)",
		         v->who);
		put_para(v, "   ", "    ", msg);
		return;
	}
	v->bad++;
	put_para(v, "   ", "      ", "** only tcpdump saw this one");
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
		text_die("beside: a record is not S, X, D or T (see --help)");
	}
}

static const char beside_help[] =
        "usage: tcplab-text beside --who NAME [--brief] [-w COLS]\n"
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
        "disagreements, at most 100.\n";

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
	struct view v = {"the program", text_cols(), false, false, 0, 0, 0, 0};
	char msg[256], *in, *line;
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
			fputs(beside_help, stdout);
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
	snprintf(msg, sizeof msg,
	         "%s and tcpdump agree on %u segment(s), disagree on %u.",
	         v.who, v.same, v.bad);
	if (v.unread > 0)
		snprintf(msg + strlen(msg) - 1, sizeof msg - strlen(msg) + 1,
		         "; tcpdump saw %u more that %s, stopped, never read.",
		         v.unread, v.who);
	put_para(&v, "", "", msg);
	return v.bad > 100 ? 100 : (int)v.bad;
}
