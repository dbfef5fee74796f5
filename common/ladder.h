/*
 * ladder.h: draws a connection as a ladder (sequence) diagram.
 *
 * The client is the left column and the server the right one; every
 * segment is one arrow between them, labelled with its number, tcpdump's
 * flag letters, relative seq and ack and its length, and each side's TCP
 * state is written beside its column on the row where it changes.
 * ladder_format_text() draws with Unicode box-drawing characters, or with
 * plain ASCII, to fit a terminal of the given width; ladder_format_svg()
 * draws the same diagram as an SVG document. A long diagram can leave out
 * the middle of a connection; one line then says how many segments.
 *
 * The rows come from annot results (ladder_row_from()), which the caller
 * keeps. Pure: no I/O, no allocation, no globals.
 */
#ifndef TCPLAB_LADDER_H
#define TCPLAB_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/annot.h"

/* What the diagram needs of one segment. */
struct ladder_row {
	unsigned n, conn;
	enum annot_side from;
	char flags[12]; /* tcpdump's letters */
	uint32_t rel_seq, rel_ack, len, seq_space;
	bool has_ack;
	unsigned events; /* ANNOT_EV_* */
	enum tcp_state before[2], after[2];
	bool inferred[2];
};

struct ladder_opts {
	unsigned width;       /* terminal columns; at least 60, 100 is usual */
	bool ascii;           /* '-', '>', '|' instead of box drawing */
	const char *label[2]; /* column titles, e.g. "client 192.0.2.1:40000";
	                         NULL for "client" and "server" */
	/* Segments left out of a long diagram: gap of them came before
	 * rows[gap_at] (or the first row of conn after it); one line says
	 * so. 0: none. */
	unsigned gap;
	size_t gap_at;
	const struct tr *tr; /* the labels' language (common/tr.h); NULL:
	                        English */
	/* A diagram for students to fill in (a handout): each arrow says
	 * its number, flags and length but no seq or ack, and the columns
	 * carry no states. */
	bool blank;
};

/* Copies what the diagram needs from an annotation. */
void ladder_row_from(struct ladder_row *row, const struct annot_result *r);

/*
 * Draws the rows of connection conn (rows of other connections are
 * skipped) as text lines ending in '\n'. Returns the length written, or
 * TCPLAB_ENOSPC.
 */
int ladder_format_text(const struct ladder_row *rows, size_t nrows,
                       unsigned conn, const struct ladder_opts *o, char *buf,
                       size_t cap);

/* The same diagram as a standalone SVG document. */
int ladder_format_svg(const struct ladder_row *rows, size_t nrows,
                      unsigned conn, const struct ladder_opts *o, char *buf,
                      size_t cap);

#endif
