/*
 * tdtext.h: reads tcpdump's text back into segments.
 *
 * The reader takes the lines of a tcpdump printout one at a time, as a
 * person pastes them from a terminal or a web page: tcpdump 4.99 and 4.9,
 * with or without -v/-vv, -S, -n, any timestamp form or none, host and
 * port names, "(incorrect -> 0x...)" checksums, segment lines quoted
 * without their "IP " (with or without a timestamp), HTTP lines with or
 * without their TAB, tcpdump's [!http] and [|http] markers, blank lines and
 * stray text. For each TCP packet over IPv4 or IPv6 ("IP6 " lines, without
 * extension headers) it rebuilds a struct seg with what the
 * text shows: addresses and ports, flags, absolute sequence and
 * acknowledgment numbers (relative ones are turned back into absolute by
 * tcpdump's own rules, from the SYN-ACK or the first ACK of a connection),
 * window, options, and the payload length (the payload bytes themselves
 * are not in the text: payload is NULL).
 *
 * Names are turned back into numbers through the caller's lookups; a name
 * no lookup knows becomes an opaque endpoint: a made-up address in
 * 240.0.0.0/8 (reserved, never on a wire) that stands for that label
 * alone. A line that cannot be read is reported with its number and
 * skipped.
 *
 * Pure: no I/O, no allocation, no globals; the lookups are the caller's.
 */
#ifndef TCPLAB_TDTEXT_H
#define TCPLAB_TDTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/annot.h"
#include "common/seg.h"

/* Lookups the caller supplies; each may be NULL. They return 0 when the
 * name is known and store its value. */
struct tdtext_names {
	int (*host)(void *arg, const char *name, uint32_t *addr);
	int (*port)(void *arg, const char *name, uint16_t *port);
	void *arg;
};

#define TDTEXT_LABEL_LEN 64
#define TDTEXT_LABELS    64  /* opaque host labels remembered */
#define TDTEXT_CONNS     256 /* connections whose ISNs are remembered */

/* One packet read from the text. */
struct tdtext_pkt {
	unsigned first_line, last_line; /* 1-based, inclusive */
	bool has_time;
	int64_t sec; /* seconds of the day, or since 1970 with -tt/-tttt */
	uint32_t usec;
	struct seg seg;
	char src_host[TDTEXT_LABEL_LEN], dst_host[TDTEXT_LABEL_LEN];
	enum annot_cksum cksum; /* _UNKNOWN without -v */
	uint16_t cksum_good;    /* with _BAD: the value after "->" */
	bool relative;          /* seq/ack were printed relative */
	bool has_seq;           /* the text showed seq (a bare ACK shows none
	                           below -vv: it is then the sender's next) */
	bool verbose;           /* the -v form, with the IP line */
};

/* A line that was not read, or a packet that was skipped. */
struct tdtext_msg {
	unsigned line;
	char text[120];
};

/* What tdtext_line() returns: a bit set. */
#define TDTEXT_PKT  0x1 /* a packet is complete and in *out */
#define TDTEXT_BAD  0x2 /* this line could not be read: see *msg */
#define TDTEXT_SKIP 0x4 /* a packet that is not IPv4 TCP was skipped */

struct tdtext_label {
	char name[TDTEXT_LABEL_LEN];
	uint32_t addr;
};

struct tdtext_conn {
	struct ipaddr addr[2];
	uint16_t port[2];
	uint32_t isn[2];
	bool has_isn;
	uint32_t nxt[2]; /* each side's next sequence number, as seen */
	bool nxt_valid[2];
	bool used;
	uint8_t ip_v; /* 4 or 6: the families' connections are apart */
};

struct tdtext_ctx {
	struct tdtext_names names;
	unsigned line; /* lines seen */
	/* The packet being read: its first line came, more may follow. */
	bool pending;
	bool wait_tcp; /* a -v IP line came; its TCP line is next */
	bool in_http;  /* HTTP lines follow the packet */
	bool skipping; /* the lines of a skipped packet follow */
	struct tdtext_pkt cur;
	struct tdtext_label labels[TDTEXT_LABELS];
	unsigned nlabels;
	struct tdtext_conn conns[TDTEXT_CONNS];
	unsigned next_conn; /* the entry to reuse when all are taken */
};

/* Prepares ctx. names may be NULL. Returns 0. */
int tdtext_init(struct tdtext_ctx *ctx, const struct tdtext_names *names);

/*
 * Reads the next line (len bytes, without its '\n'; a '\r' at the end is
 * ignored). Returns a TDTEXT_* bit set: TDTEXT_PKT when this line ended
 * the packet before it, which is then in *out; TDTEXT_BAD or TDTEXT_SKIP
 * with *msg filled. 0 when the line was taken into the current packet or
 * was blank.
 */
int tdtext_line(struct tdtext_ctx *ctx, const char *line, size_t len,
                struct tdtext_pkt *out, struct tdtext_msg *msg);

/* At the end of the input: returns TDTEXT_PKT with the last packet in
 * *out, or 0 when there is none. */
int tdtext_end(struct tdtext_ctx *ctx, struct tdtext_pkt *out);

#endif
