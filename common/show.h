/*
 * show.h: one path from a segment's bytes to the lines a person reads, for
 * tcplab-client, tcplab-server and tcplab-explain alike.
 *
 * For every packet: tcpdump's lines for it (common/tcpdump), folded at
 * their field boundaries to the terminal's width; under them annot's
 * explanations (common/annot), wrapped with a hanging indent. --plain
 * keeps tcpdump's lines whole and explains nothing; --json prints
 * annot's JSON line for each segment instead of both. The step and
 * predict modes explain a segment before it is sent (show_preview), and
 * a connection's summary goes the same way (show_summary).
 *
 * A program that is one end of the connection says so (show_init's own)
 * and tells, with each packet, the states its own conn went through
 * (show_pkt.own_path); annot then shows that side as told and infers only
 * the other. Its JSON lines carry "own_state".
 *
 * Pure: no I/O, no clock, no globals. The caller owns every buffer; each
 * function returns the length it wrote, or a negative TCPLAB_E* code.
 */
#ifndef TCPLAB_SHOW_H
#define TCPLAB_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/annot.h"
#include "common/tcpdump.h"

/*
 * The room show_packet() and show_explain() want left for a segment's
 * notes or JSON: with less, they return TCPLAB_ENOSPC before annot takes
 * the segment in, so that the caller may try again with more room (annot
 * must take each segment once).
 */
#define SHOW_NOTES_ROOM 32768

enum show_mode {
	SHOW_EXPLAIN, /* tcpdump's lines, folded; the notes under them */
	SHOW_PLAIN,   /* tcpdump's lines whole; nothing else */
	SHOW_JSON,    /* annot's JSON lines only */
	SHOW_SILENT,  /* explained, but nothing written (--ladder, --quiet) */
};

struct show {
	enum show_mode mode;
	unsigned cols;       /* the width to fit; 0: no folding, no wrapping */
	enum annot_role own; /* the caller's side, or ANNOT_ROLE_UNKNOWN */
	struct tcpdump_ctx td;
	struct annot_ctx an;
	struct annot_result ar;         /* the last segment explained */
	struct annot_result ar_preview; /* the last preview, for the caller */
	bool explained;                 /* ar is the last packet's */
	enum tcp_state own_state;       /* the caller's conn, as last told */
	char *scratch;                  /* tcpdump's lines before folding */
	size_t scratch_cap;
};

/* One packet, from the IPv4 header on, and what the caller knows of it. */
struct show_pkt {
	const uint8_t *ip;
	size_t caplen;  /* bytes captured from ip on */
	size_t wirelen; /* bytes on the wire from ip on; 0: caplen */
	int64_t sec;    /* the time tcpdump's line shows */
	uint32_t usec;
	const char *prefix;         /* link-layer text before "IP ", or NULL */
	enum annot_role from;       /* who sent it, if known */
	struct annot_path own_path; /* the caller's states across it */
	bool own_ignored; /* it reached the caller's host, not its TCP */
	const struct annot_cc *own_cc; /* the caller's sender, or NULL */
};

/*
 * Prepares sh: flags and names for tcpdump's lines, the mode, the width
 * and the caller's side. Returns 0.
 */
int show_init(struct show *sh, enum show_mode mode, unsigned cols,
              const struct tcpdump_flags *fl,
              const struct tcpdump_resolver *res, enum annot_role own);

/*
 * The reader's language for every sentence (common/tr.h); until it is
 * set, English. In SHOW_JSON mode it stays English: the notes of --json
 * are the words of a format that programs read.
 */
void show_set_tr(struct show *sh, const struct tr *tr);

/* Releases what sh holds (annot's connections go without a report). */
void show_free(struct show *sh);

/*
 * One packet: its lines, explained as the mode says. Returns the length
 * written; TCPLAB_EPROTO or TCPLAB_EVERSION when it is not an IPv4 packet
 * tcpdump's TCP printer takes (nothing written then), or TCPLAB_ENOSPC.
 * sh->explained says whether sh->ar is this packet's.
 */
int show_packet(struct show *sh, const struct show_pkt *pk, char *buf,
                size_t cap);

/*
 * tcpdump's text for a packet given as text (tcplab-explain reading a
 * pasted trace): written as it is, folded unless the mode is plain;
 * nothing in JSON or silent mode.
 */
int show_lines(const struct show *sh, const char *text, size_t len, char *buf,
               size_t cap);

/*
 * A packet's tcpdump lines alone, folded as the mode says, and not
 * explained: a segment that never went on the wire (--drop). Nothing in
 * JSON or silent mode.
 */
int show_lines_of(struct show *sh, const struct show_pkt *pk, char *buf,
                  size_t cap);

/* Explains one segment under lines written by show_lines(). */
int show_explain(struct show *sh, const struct annot_in *in, char *buf,
                 size_t cap);

/*
 * A segment about to be sent, explained without being taken in: r gets
 * annot's result (the relative numbers a student predicts). Returns 0,
 * or a negative TCPLAB_E* code.
 */
int show_preview(struct show *sh, const struct show_pkt *pk,
                 struct annot_result *r);

/*
 * For step mode: one line that names the segment ("next: #3 client ->
 * server, Flags [.], seq 1, ack 1, length 0"), then the arithmetic of its
 * seq and ack and the states it leads to, wrapped. For predict mode,
 * why_only writes just the arithmetic.
 */
int show_preview_text(const struct show *sh, const struct annot_result *r,
                      bool why_only, char *buf, size_t cap);

/*
 * A program's own lines (notices, "    client: ..." lines), each wrapped
 * to the width: its continuations start two columns further in than the
 * line itself. In every mode: the caller decides where they go.
 */
int show_text(const struct show *sh, const char *text, size_t len, char *buf,
              size_t cap);

/* A finished connection's summary: sentences, or its JSON line. */
int show_summary(const struct show *sh, const struct annot_summary *sm,
                 char *buf, size_t cap);

#endif
