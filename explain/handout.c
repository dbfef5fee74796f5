/*
 * handout.c: tcplab-explain --handout FILE --lab LAB.scn [--key]
 * [--student NAME]: a lab's printable handout, or its answer key, as one
 * self-contained HTML file.
 *
 * The handout holds the lab's title and text (the scenario's), the
 * ladder of one connection of the capture (the same SVG as --svg, drawn
 * blank: no seq, ack or state), a table of its segments whose seq and ack
 * cells the student fills in, and the scenario's questions with room to
 * write. The key fills the cells, puts under each segment the notes that
 * tcplab-explain prints for its numbers, and gives each question's
 * accepted answers, with the numbers of this capture in them, and why.
 *
 * What it needs of a segment is kept while the capture is read, from
 * annot's result (explain_explained); the file is written when annot
 * finishes the connection (draw_finished), with its ladder rows. Nothing
 * in the file is fetched from elsewhere: the style and the drawing are
 * inline, and it prints on A4 without cutting a row. This file reads the
 * scenario and writes the handout; nothing else.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io/i18n.h"
#include "common/scn.h"
#include "explain/explain.h"

/* The most segments the table shows; the others are counted. */
#define HANDOUT_ROWS 300

/* The notes of the key: how the numbers follow, and what they did. */
#define KEY_NOTES                                                              \
	(1u << ANNOT_N_SEQ | 1u << ANNOT_N_ACK | 1u << ANNOT_N_EVENT |         \
	 1u << ANNOT_N_STATE | 1u << ANNOT_N_MILESTONE)

/* One segment of the connection, as its table row needs it. */
struct ho_seg {
	unsigned n;
	enum annot_side from;
	char flags[12];
	uint32_t rel_seq, rel_ack, len;
	uint16_t win;
	bool has_ack;
	char *notes; /* the key's notes, one a line; NULL without --key */
};

struct handout_keep {
	struct ho_seg *seg;
	size_t n, cap;
	unsigned left_out; /* segments past HANDOUT_ROWS */
	struct scn_vars vars;
};

/* ---- The scenario. ---- */

/* Reads the whole of file; NULL after a message. */
static char *read_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "r");
	size_t cap = 8192, n = 0;
	char *buf = NULL, *nb;

	if (f == NULL)
		goto fail;
	for (;;) {
		if ((nb = realloc(buf, cap)) == NULL) {
			errno = ENOMEM;
			goto fail;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		cap *= 2;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	explain_warn(_("cannot read %s: %s"), file, strerror(errno));
	if (f != NULL)
		fclose(f);
	free(buf);
	return NULL;
}

int handout_load(struct options *o)
{
	struct scn_error err;
	struct scn *s;
	size_t len;
	char *text;
	int rc;

	if (o->handout == NULL) {
		if (o->lab == NULL && !o->key && o->student == NULL)
			return -1;
		explain_warn(_("--lab, --key and --student go with "
		               "--handout"));
		return EXIT_USAGE;
	}
	if (o->lab == NULL) {
		explain_warn(_("--handout needs the lab's scenario: --lab "
		               "FILE.scn"));
		return EXIT_USAGE;
	}
	if (o->plain) {
		explain_warn(_("--handout needs the explanations: it cannot "
		               "go with --plain"));
		return EXIT_USAGE;
	}
	if ((text = read_file(o->lab, &len)) == NULL)
		return EXIT_INPUT;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		free(text);
		explain_warn(_("out of memory"));
		return EXIT_INPUT;
	}
	rc = scn_parse(text, len, &i18n_tr, s, &err);
	free(text);
	if (rc < 0) {
		if (rc == TCPLAB_EINVAL)
			explain_warn("%s:%u:%u: %s", o->lab, err.line, err.col,
			             err.msg);
		else
			explain_warn(_("cannot read %s: %s"), o->lab,
			             _(tcplab_strerror(rc)));
		free(s);
		return EXIT_INPUT;
	}
	o->scn = s;
	return -1;
}

void handout_unload(struct options *o)
{
	if (o->scn != NULL)
		scn_free(o->scn);
	free(o->scn);
	o->scn = NULL;
}

/* ---- What is kept while the capture is read. ---- */

/* The key's notes of r, one a line. */
static char *key_notes(const struct annot_result *r)
{
	size_t len = 1;
	char *s;

	for (unsigned i = 0; i < r->nnotes; i++)
		if (KEY_NOTES & 1u << r->note_kind[i])
			len += strlen(r->notes[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (unsigned i = 0; i < r->nnotes; i++)
		if (KEY_NOTES & 1u << r->note_kind[i]) {
			strcat(s, r->notes[i]);
			strcat(s, "\n");
		}
	return s;
}

/* The numbers a scenario's texts may name: the ISNs from the SYN and
 * the SYN-ACK, the ports from any segment. */
static void keep_vars(struct scn_vars *v, const struct annot_result *r)
{
	enum scn_end from = r->from == ANNOT_SERVER ? SCN_SERVER : SCN_CLIENT;
	enum scn_end to = from == SCN_CLIENT ? SCN_SERVER : SCN_CLIENT;

	v->port[from] = r->sport;
	v->port[to] = r->dport;
	if ((r->flags & TH_SYN) && !v->isn_known[from]) {
		v->isn[from] = r->seq;
		v->isn_known[from] = true;
	}
}

void handout_keep_seg(struct explain *e, const struct annot_result *r)
{
	struct handout_keep *h = e->ho;
	struct ho_seg *g;

	if (e->o->handout == NULL || r->conn != e->o->conn)
		return;
	if (h == NULL && (h = e->ho = calloc(1, sizeof(*h))) == NULL)
		return;
	keep_vars(&h->vars, r);
	if (h->n == HANDOUT_ROWS) {
		h->left_out++;
		return;
	}
	if (h->n == h->cap) {
		size_t ncap = h->cap ? 2 * h->cap : 16;
		struct ho_seg *ns = realloc(h->seg, ncap * sizeof(*ns));

		if (ns == NULL)
			return;
		h->seg = ns;
		h->cap = ncap;
	}
	g = &h->seg[h->n++];
	memset(g, 0, sizeof(*g));
	g->n = r->n;
	g->from = r->from;
	snprintf(g->flags, sizeof g->flags, "%s", r->flag_letters);
	/* Relative numbers, as tcpdump prints them after the handshake;
	 * absolute ones when the capture lacks the ISNs. */
	g->rel_seq = r->rel_valid ? r->rel_seq : r->seq;
	g->rel_ack = r->rel_valid ? r->rel_ack : r->ack;
	g->len = r->len;
	g->win = r->win;
	g->has_ack = (r->flags & TH_ACK) != 0;
	if (e->o->key)
		g->notes = key_notes(r);
}

void handout_forget(struct explain *e)
{
	struct handout_keep *h = e->ho;

	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->seg[i].notes);
	free(h->seg);
	free(h);
	e->ho = NULL;
}

/* ---- The HTML. ---- */

/* A growing text; failed once memory ran out. */
struct hb {
	char *p;
	size_t len, cap;
	bool failed;
};

static void hb_put(struct hb *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = (b->len + n + 1) * 2;
		char *np = realloc(b->p, ncap);

		if (np == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void hb_s(struct hb *b, const char *s)
{
	hb_put(b, s, strlen(s));
}

static void hb_printf(struct hb *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void hb_printf(struct hb *b, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		b->failed = true;
	else
		hb_put(b, buf,
		       (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Text for HTML: & < > " escaped. */
static void hb_esc(struct hb *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			hb_s(b, "&amp;");
			break;
		case '<':
			hb_s(b, "&lt;");
			break;
		case '>':
			hb_s(b, "&gt;");
			break;
		case '"':
			hb_s(b, "&quot;");
			break;
		default:
			hb_put(b, s, 1);
		}
	}
}

/* A label before its value ("Student:", "Answer:"): escaped, and a
 * space after it unless it ends in a wide colon, which has its own. */
static void hb_label(struct hb *b, const char *label)
{
	size_t n = strlen(label);

	hb_esc(b, label);
	if (n == 0 || (unsigned char)label[n - 1] < 0x80)
		hb_s(b, " ");
}

/* A scenario's text with this capture's numbers in its {...} names;
 * as written when it names none that are known. Escaped. */
static void hb_expanded(struct hb *b, const char *text,
                        const struct scn_vars *v)
{
	size_t cap = strlen(text) * 2 + 256;
	char *buf = malloc(cap);

	if (buf != NULL && scn_expand(text, v, buf, cap) >= 0)
		hb_esc(b, buf);
	else
		hb_esc(b, text);
	free(buf);
}

/* The style: the screen and A4 paper; no row of the table cut by a page
 * break, its head repeated on every page, the diagram as wide as the
 * page. */
static const char css[] =
        "@page { size: A4; margin: 15mm 14mm 16mm; }\n"
        "html { font: 10.5pt/1.45 \"DejaVu Sans\", \"Noto Sans CJK SC\", "
        "sans-serif; color: #111; }\n"
        "body { margin: 0 auto; max-width: 182mm; }\n"
        "@media screen { body { padding: 12px; } }\n"
        "header.top { display: flex; justify-content: space-between; "
        "gap: 1em; border-bottom: 1px solid #777; padding-bottom: 2px; "
        "font-size: 9pt; color: #333; }\n"
        "h1 { font-size: 17pt; margin: 8px 0 6px; }\n"
        "h2 { font-size: 12.5pt; margin: 14px 0 6px; "
        "break-after: avoid; }\n"
        "pre.text { white-space: pre-wrap; font: inherit; margin: 0; }\n"
        "figure.ladder { margin: 0; }\n"
        "figure.ladder svg { display: block; width: 100%; height: auto; }\n"
        "p.hint { margin: 4px 0 6px; font-size: 9.5pt; color: #333; }\n"
        "table.segs { width: 100%; border-collapse: collapse; }\n"
        "table.segs thead { display: table-header-group; }\n"
        "table.segs tr, table.segs tbody { break-inside: avoid; "
        "page-break-inside: avoid; }\n"
        "table.segs th, table.segs td { border: 1px solid #888; "
        "padding: 3px 6px; text-align: left; vertical-align: top; }\n"
        "table.segs th { background: #eee; }\n"
        "td.num, td.fill { font-family: \"DejaVu Sans Mono\", monospace; "
        "white-space: nowrap; }\n"
        "td.fill { width: 17%; height: 1.5em; }\n"
        "tr.notes td { font-size: 8.5pt; color: #333; border-top: 0; }\n"
        "tr.notes ul { margin: 0; padding-left: 1.2em; }\n"
        "ol.questions > li { break-inside: avoid; margin-bottom: 10px; }\n"
        "div.write { border-bottom: 1px solid #999; height: 1.6em; }\n"
        "p.answer, p.why { margin: 3px 0; }\n"
        "p.answer b, p.why b { color: #064; }\n";

/* s as a CSS string: quoted, its quotes and backslashes escaped, "<" too
 * (no "</style>" may end the style early), control characters as spaces. */
static void hb_css_string(struct hb *b, const char *s)
{
	hb_s(b, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			hb_s(b, "\\");
			hb_put(b, s, 1);
		} else if (*s == '<') {
			hb_s(b, "\\3c ");
		} else if ((unsigned char)*s < 0x20) {
			hb_s(b, " ");
		} else {
			hb_put(b, s, 1);
		}
	}
	hb_s(b, "\"");
}

/* The head of every printed page after the first (which has the page's
 * own head): the lab and the sheet, the student; its number below. */
static void css_pages(struct hb *b, const struct options *o, const char *lab,
                      const char *sheet)
{
	char line[512];

	snprintf(line, sizeof line, "%s \xc2\xb7 %s", lab, sheet);
	hb_s(b, "@page {\n  @top-left { content: ");
	hb_css_string(b, line);
	hb_s(b, "; font: 8pt sans-serif; color: #555; }\n");
	if (o->student != NULL) {
		const char *label = _("Student:");
		size_t n = strlen(label);

		snprintf(line, sizeof line, "%s%s%s", label,
		         n > 0 && (unsigned char)label[n - 1] >= 0x80 ? ""
		                                                      : " ",
		         o->student);
		hb_s(b, "  @top-right { content: ");
		hb_css_string(b, line);
		hb_s(b, "; font: 8pt sans-serif; color: #555; }\n");
	}
	hb_s(b, "  @bottom-right { content: counter(page) \" / \" "
	        "counter(pages); font: 8pt sans-serif; color: #555; }\n}\n"
	        "@page :first {\n  @top-left { content: none; }\n"
	        "  @top-right { content: none; }\n}\n");
}

/* The page's head: the lab, the kind of sheet, the student; the title
 * and the lab's text. */
static void html_head(struct hb *b, const struct options *o, const char *lab,
                      const struct scn_vars *v)
{
	const char *title = o->scn->title != NULL
	                            ? scn_tr_pick(o->scn->title,
	                                          &o->scn->title_tr, i18n_lang())
	                            : lab;
	/* TRANSLATORS: the two kinds of sheet, in the handout's head. */
	const char *sheet = o->key ? _("answer key") : _("handout");

	hb_s(b, "<!DOCTYPE html>\n<html lang=\"");
	/* TRANSLATORS: the handout's language, as HTML's lang attribute
	   names it: zh-CN for Chinese. */
	hb_esc(b, _("en"));
	hb_s(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	hb_esc(b, title);
	hb_s(b, "</title>\n<style>\n");
	hb_s(b, css);
	css_pages(b, o, lab, sheet);
	hb_s(b, "</style>\n</head>\n<body>\n<header class=\"top\"><span>");
	hb_esc(b, lab);
	hb_s(b, " \xc2\xb7 ");
	hb_esc(b, sheet);
	hb_s(b, "</span><span>");
	if (o->student != NULL) {
		/* TRANSLATORS: in the handout's head, before the student's
		   name; "Name:" stands before a line to write it on. */
		hb_label(b, _("Student:"));
		hb_esc(b, o->student);
	} else {
		hb_label(b, _("Name:"));
		hb_s(b, "______________________");
	}
	hb_s(b, "</span></header>\n<h1>");
	hb_esc(b, title);
	hb_s(b, "</h1>\n");
	if (o->scn->text != NULL) {
		hb_s(b, "<pre class=\"text\">");
		hb_expanded(b,
		            scn_tr_pick(o->scn->text, &o->scn->text_tr,
		                        i18n_lang()),
		            v);
		hb_s(b, "</pre>\n");
	}
}

/* "client → server", in the reader's language. */
static void hb_direction(struct hb *b, enum annot_side from)
{
	enum annot_side to = from == ANNOT_CLIENT ? ANNOT_SERVER : ANNOT_CLIENT;

	hb_esc(b, annot_side_word(&i18n_tr, from));
	hb_s(b, " \xe2\x86\x92 ");
	hb_esc(b, annot_side_word(&i18n_tr, to));
}

/* One segment: its row, and in the key its notes under it. */
static void html_seg(struct hb *b, const struct ho_seg *g, bool key)
{
	hb_printf(b, "<tbody><tr><td class=\"num\">%u</td><td>", g->n);
	hb_direction(b, g->from);
	hb_s(b, "</td><td class=\"num\">[");
	hb_esc(b, g->flags);
	hb_printf(b,
	          "]</td><td class=\"num\">%u</td><td class=\"num\">%u"
	          "</td><td class=\"fill\">",
	          g->len, g->win);
	/* seq as tcpdump prints it: start:end when it carries data. */
	if (key && g->len > 0)
		hb_printf(b, "%u:%u", g->rel_seq, g->rel_seq + g->len);
	else if (key)
		hb_printf(b, "%u", g->rel_seq);
	hb_s(b, "</td><td class=\"fill\">");
	if (!g->has_ack)
		hb_s(b, "\xe2\x80\x93"); /* no ACK flag: nothing to fill */
	else if (key)
		hb_printf(b, "%u", g->rel_ack);
	hb_s(b, "</td></tr>\n");
	if (key && g->notes != NULL && g->notes[0] != '\0') {
		const char *line = g->notes, *nl;

		hb_s(b, "<tr class=\"notes\"><td></td><td colspan=\"6\"><ul>");
		for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			char *one = strndup(line, (size_t)(nl - line));

			hb_s(b, "<li>");
			hb_esc(b, one != NULL ? one : "");
			hb_s(b, "</li>");
			free(one);
		}
		hb_s(b, "</ul></td></tr>\n");
	}
	hb_s(b, "</tbody>\n");
}

/* The ladder and the table of the segments. */
static void html_conn(struct hb *b, const struct options *o,
                      const struct handout_keep *h, const char *svg)
{
	/* TRANSLATORS: the handout's headings. */
	hb_printf(b, "<h2>%s</h2>\n<figure class=\"ladder\">\n",
	          _("The connection"));
	hb_s(b, svg);
	hb_printf(b, "</figure>\n<h2>%s</h2>\n<p class=\"hint\">",
	          _("Its segments"));
	if (o->key && h->vars.isn_known[SCN_CLIENT] &&
	    h->vars.isn_known[SCN_SERVER])
		hb_printf(b,
		          _("seq and ack as tcpdump prints them: relative to "
		            "the initial sequence numbers, the client's %u "
		            "and the server's %u."),
		          h->vars.isn[SCN_CLIENT], h->vars.isn[SCN_SERVER]);
	else
		hb_esc(b, _("Fill in seq and ack as tcpdump prints them: "
		            "relative to each side's initial sequence number "
		            "(ISN), so that a SYN's seq is 0. A dash: no ACK "
		            "flag, no ack."));
	hb_s(b, "</p>\n<table class=\"segs\">\n<thead><tr><th>#</th><th>");
	/* TRANSLATORS: a heading of the handout's table, over "client →
	   server"; the others are tcpdump's words. */
	hb_esc(b, _("direction"));
	hb_s(b, "</th><th>Flags</th><th>len</th><th>win</th><th>seq</th>"
	        "<th>ack</th></tr></thead>\n");
	for (size_t i = 0; i < h->n; i++)
		html_seg(b, &h->seg[i], o->key);
	hb_s(b, "</table>\n");
	if (h->left_out > 0) {
		hb_s(b, "<p class=\"hint\">");
		hb_printf(b,
		          _("%u more segments of the connection are not in "
		            "the table."),
		          h->left_out);
		hb_s(b, "</p>\n");
	}
}

/* The questions, numbered, with room to write; in the key, the answers
 * that count as right and why. */
static void html_questions(struct hb *b, const struct options *o,
                           const struct scn_vars *v)
{
	const struct scn *s = o->scn;
	bool any = false;

	for (unsigned i = 0; i < s->nstep; i++) {
		const struct scn_step *q = &s->step[i];

		if (q->kind != SCN_QUESTION)
			continue;
		if (!any)
			hb_printf(b, "<h2>%s</h2>\n<ol class=\"questions\">\n",
			          _("Questions"));
		any = true;
		hb_s(b, "<li><p>");
		hb_expanded(b,
		            q->text != NULL
		                    ? scn_tr_pick(q->text, &q->tr, i18n_lang())
		                    : "",
		            v);
		hb_s(b, "</p>\n");
		if (!o->key) {
			hb_s(b, "<div class=\"write\"></div>"
			        "<div class=\"write\"></div></li>\n");
			continue;
		}
		hb_s(b, "<p class=\"answer\"><b>");
		hb_label(b, _("Answer:"));
		hb_s(b, "</b>");
		for (unsigned k = 0; k < q->nanswers; k++) {
			if (k > 0)
				hb_s(b, " | ");
			hb_expanded(b, q->answers[k], v);
		}
		hb_s(b, "</p>\n");
		if (q->why != NULL) {
			hb_s(b, "<p class=\"why\"><b>");
			hb_label(b, _("Why:"));
			hb_s(b, "</b>");
			hb_expanded(b, scn_tr_pick(q->why, &q->why_tr,
			                           i18n_lang()),
			            v);
			hb_s(b, "</p>\n");
		}
		hb_s(b, "</li>\n");
	}
	if (any)
		hb_s(b, "</ol>\n");
}

/* The lab's name: its file's, without the directory and ".scn". */
static char *lab_name(const char *file)
{
	const char *base = strrchr(file, '/');
	char *name = strdup(base != NULL ? base + 1 : file);
	size_t n = name != NULL ? strlen(name) : 0;

	if (n > 4 && strcmp(name + n - 4, ".scn") == 0)
		name[n - 4] = '\0';
	return name;
}

/* Writes b to file; 0, or -1 after a message. */
static int write_out(const char *file, const struct hb *b)
{
	FILE *f = fopen(file, "w");
	bool ok;

	if (f == NULL) {
		explain_warn(_("cannot write %s: %s"), file, strerror(errno));
		return -1;
	}
	ok = fwrite(b->p, 1, b->len, f) == b->len;
	if (fclose(f) != 0 || !ok) {
		explain_warn(_("cannot write %s: %s"), file, strerror(errno));
		return -1;
	}
	return 0;
}

int handout_conn_done(struct explain *e, struct conn_keep *k)
{
	static const struct handout_keep none;
	const struct handout_keep *h = e->ho != NULL ? e->ho : &none;
	const struct options *o = e->o;
	struct hb b = {0};
	char *lab = lab_name(o->lab), *svg;
	size_t n;
	int rc = -1;

	svg = draw_svg(e, k, !o->key, &n);
	if (svg == NULL || lab == NULL)
		goto out;
	html_head(&b, o, lab, &h->vars);
	html_conn(&b, o, h, svg);
	html_questions(&b, o, &h->vars);
	hb_s(&b, "</body>\n</html>\n");
	if (b.failed) {
		explain_warn(_("out of memory"));
		goto out;
	}
	rc = write_out(o->handout, &b);
out:
	free(svg);
	free(lab);
	free(b.p);
	return rc;
}
