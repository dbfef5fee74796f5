/*
 * tsg.h: a time-sequence graph of one connection, as Stevens and
 * tcptrace draw it, made from annot's results.
 *
 * x is the time since the connection's first segment, y the sequence
 * number relative to the data sender's ISN. The direction graphed is the
 * one that carried more payload. Its data segments are vertical bars from
 * seq to seq + len (retransmissions apart, SYN and FIN small marks); the
 * other side's cumulative ACK and the right edge of the window it offers
 * (ack + window in bytes, scaled as annot scales it) are step lines, its
 * SACK blocks short bars and its duplicate ACKs marks. A zero window
 * shows where the window's edge meets the ACK line.
 *
 * Every classification (retransmission, duplicate ACK, the window in
 * bytes) is annot's: this module only places what annot found. The
 * caller keeps a struct tsg_seg per segment of the connection
 * (tsg_seg_from()), then tsg_build() turns them into a struct chart
 * (common/chart.h) to draw. Pure: no I/O, no allocation, no globals.
 */
#ifndef TCPLAB_TSG_H
#define TCPLAB_TSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/annot.h"
#include "common/chart.h"
#include "common/seg.h"
#include "common/tr.h"

#define TSG_SACK_MAX 4

/* What the graph keeps of one segment. */
struct tsg_seg {
	int64_t us; /* its time in microseconds (the capture's clock) */
	uint32_t rel_seq, len, rel_ack;
	int32_t win_bytes; /* -1 when annot does not know it */
	uint16_t events;   /* ANNOT_EV_* */
	uint8_t from;      /* enum annot_side */
	uint8_t syn, fin, ack, rel_valid;
	uint8_t nsack;
	/* SACK blocks, relative to the ISN of the side they acknowledge. */
	uint32_t sack[TSG_SACK_MAX][2];
};

/* Keeps what the graph needs of a segment annot explained; s is its
 * decoded form, for the SACK blocks (NULL: none). */
void tsg_seg_from(struct tsg_seg *k, const struct annot_result *r,
                  const struct seg *s);

/* The side whose data the graph shows: the one that sent more payload
 * bytes (new data, not retransmissions); the server on a tie. */
enum annot_side tsg_direction(const struct tsg_seg *segs, size_t n);

/* The payload bytes of side in segs (new data, not retransmissions). */
uint64_t tsg_bytes(const struct tsg_seg *segs, size_t n, enum annot_side side);

/* The series of a graph, in drawing order. */
enum tsg_series {
	TSG_WINDOW,
	TSG_ACK,
	TSG_SACK,
	TSG_DATA,
	TSG_SYNFIN,
	TSG_DUPACK,
	TSG_REXMIT, /* on top: the one a reader looks for */
	TSG_NSERIES,
};

#define TSG_TITLE_LEN 256

/* A graph ready to draw: the chart and what it points into. */
struct tsg_graph {
	struct chart chart;
	struct chart_series series[TSG_NSERIES];
	char title[TSG_TITLE_LEN], subtitle[TSG_TITLE_LEN];
	enum annot_side side; /* the data sender */
	size_t bars;          /* data bars (first copies and retransmissions) */
};

/* The points tsg_build() needs at most for n segments. */
size_t tsg_points_max(size_t n);

/*
 * Builds the graph of connection conn from its segments (in the order
 * seen): the data of the side tsg_direction() picks, pts (room for
 * tsg_points_max(n)) holding the points. sender and receiver name the two
 * ends as the title shows them ("192.0.2.5:8080"); in the side's order
 * addr[ANNOT_CLIENT], addr[ANNOT_SERVER]. The words are in tr's language.
 * Returns 0, or TCPLAB_EINVAL when no segment of that side carries data.
 */
int tsg_build(struct tsg_graph *g, const struct tsg_seg *segs, size_t n,
              unsigned conn, const char *const addr[2], const struct tr *tr,
              struct chart_point *pts);

#endif
