/*
 * table.h: tcplab-server's connections, found by the peer's address and
 * port in O(1) and bounded in number.
 *
 * Each entry holds one connection's TCP state machine, its HTTP parser and
 * the response bytes the state machine has not taken yet. The parser and
 * the buffers exist only while they hold something, so an idle
 * connection costs little more than its struct conn. The table
 * chains entries in hash buckets and keeps a list of every entry in
 * creation order (for the summary), and three lists of the entries that
 * may be evicted, in the order they became so: those whose connection is
 * over for the server (TIME-WAIT, and FIN-WAIT-2, where our FIN has been
 * acknowledged), the idle ones (established, waiting for the client's
 * next request with nothing under way, as the server says), and the
 * half-open ones. When the table is full, a new SYN evicts the first
 * entry of the first list that has one: a connection that is over, else
 * the one idle the longest, else the oldest half-open one. With none of
 * them, the SYN is refused. A binary heap orders the entries that have a
 * deadline by the earliest, so that the server finds what is due without
 * looking at the others. The table never prints.
 */
#ifndef TCPLAB_SERVER_TABLE_H
#define TCPLAB_SERVER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conn.h"
#include "common/httpd.h"

/* The eviction lists, in the order they are emptied. */
enum {
	EVL_NONE = -1,
	EVL_OVER = 0,      /* TIME-WAIT, FIN-WAIT-2 */
	EVL_IDLE = 1,      /* established and idle (entry.idle) */
	EVL_HALF_OPEN = 2, /* LISTEN (a new entry), SYN-RECEIVED */
	EVL_COUNT = 3,
};

struct entry {
	struct conn c;
	struct httpd *http;  /* allocated when a request starts, or NULL */
	struct ipaddr raddr; /* the key: the peer's address and port */
	uint16_t rport;
	uint8_t peer_mac[6]; /* where our frames go */
	unsigned id;         /* the connection's number, from 1 */
	uint64_t close_at;   /* four-way close: when to send our FIN, or 0 */
	bool want_close;     /* close once the queued response is taken */
	bool peer_fin;       /* the peer has closed its side */
	bool idle;           /* waits for the next request, nothing under way:
	                        set by the server before table_update() */
	/* The server's timeouts, in the connections' time (0: not yet). */
	uint64_t active_at; /* established, or data last came or went */
	uint64_t head_at;   /* the first byte of an incomplete request head */
	uint64_t fin_at;    /* our side closed (FIN-WAIT-1 and on) */
	unsigned nsent;     /* segments sent, for the profile's TS script */
	/* Response bytes waiting for room in the conn's send buffer. */
	uint8_t *outq;
	size_t outq_len, outq_cap;
	/* A generated body (GET /bytes/N) still to queue after outq, and
	 * the offset of its next byte. */
	uint64_t body_left, body_off;
	struct entry *hnext;             /* hash chain */
	struct entry *prev, *next;       /* every entry, oldest first */
	struct entry *ev_prev, *ev_next; /* one of the eviction lists */
	int evlist;                      /* which one, or EVL_NONE */
	uint64_t due;                    /* the next deadline, in the heap */
	size_t hpos;                     /* heap index + 1, or 0: not in it */
};

struct table {
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t count, max;
	struct entry *first, *last; /* every entry */
	struct entry *ev_first[EVL_COUNT], *ev_last[EVL_COUNT];
	unsigned next_id;
	struct entry **heap; /* the earliest deadline first */
	size_t nheap, capheap;
};

/* Prepares a table of at most max entries. Returns 0, or -1 (no memory). */
int table_init(struct table *t, size_t max);
void table_free(struct table *t);

struct entry *table_find(struct table *t, const struct ipaddr *raddr,
                         uint16_t rport);

/*
 * A new, zeroed entry for raddr:rport. When the table is full, *evicted
 * is set to the entry that must make room (the caller reports and
 * removes it, then asks again); NULL is returned then, and also when
 * nothing can be evicted (*evicted NULL) or memory is short.
 */
struct entry *table_add(struct table *t, const struct ipaddr *raddr,
                        uint16_t rport, struct entry **evicted);

void table_remove(struct table *t, struct entry *e);

/* Keeps the eviction lists in step with the entry's TCP state and its
 * idle flag. */
void table_update(struct table *t, struct entry *e);

/*
 * Sets the entry's next deadline (UINT64_MAX: none) and its place in the
 * heap. Returns 0, or -1 when the heap cannot grow (no memory).
 */
int table_schedule(struct table *t, struct entry *e, uint64_t due);

/* The earliest deadline of any entry, or UINT64_MAX. */
uint64_t table_next_due(const struct table *t);

/* Takes out of the heap the entry with the earliest deadline if it is at
 * or before now, and returns it; NULL when nothing is due. */
struct entry *table_pop_due(struct table *t, uint64_t now);

#endif
