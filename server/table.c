/*
 * table.c: the connection table of tcplab-server (see table.h).
 *
 * Buckets hold singly linked chains; the number of buckets is the first
 * power of two at or above twice the maximum, so chains stay short. Entries
 * are allocated one by one when a SYN arrives and freed when their
 * connection closes, so an idle server holds almost nothing. This file
 * never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "server/table.h"

static size_t bucket_of(const struct table *t, const struct ipaddr *raddr,
                        uint16_t rport)
{
	/* A multiplicative hash of the peer's address and port. */
	uint64_t k = rport;
	int i;

	for (i = 0; i < 16; i++)
		k = (k << 8 | k >> 56) ^ raddr->b[i];
	k *= 0x9e3779b97f4a7c15ull;

	return (size_t)(k >> 32) & (t->nbuckets - 1);
}

int table_init(struct table *t, size_t max)
{
	memset(t, 0, sizeof *t);
	t->nbuckets = 16;
	while (t->nbuckets < 2 * max)
		t->nbuckets *= 2;
	t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
	if (t->buckets == NULL)
		return -1;
	/* Room for every entry: pages are touched only as it fills. */
	t->heap = malloc(max * sizeof *t->heap);
	if (t->heap == NULL)
		return -1;
	t->capheap = max;
	t->max = max;
	t->next_id = 1;
	return 0;
}

void table_free(struct table *t)
{
	while (t->first != NULL)
		table_remove(t, t->first);
	free(t->buckets);
	t->buckets = NULL;
	free(t->heap);
	t->heap = NULL;
	t->nheap = t->capheap = 0;
}

struct entry *table_find(struct table *t, const struct ipaddr *raddr,
                         uint16_t rport)
{
	struct entry *e = t->buckets[bucket_of(t, raddr, rport)];

	while (e != NULL && (e->rport != rport || !ipaddr_eq(&e->raddr, raddr)))
		e = e->hnext;
	return e;
}

static void ev_unlink(struct table *t, struct entry *e)
{
	int l = e->evlist;

	if (l == EVL_NONE)
		return;
	if (e->ev_prev != NULL)
		e->ev_prev->ev_next = e->ev_next;
	else
		t->ev_first[l] = e->ev_next;
	if (e->ev_next != NULL)
		e->ev_next->ev_prev = e->ev_prev;
	else
		t->ev_last[l] = e->ev_prev;
	e->ev_prev = e->ev_next = NULL;
	e->evlist = EVL_NONE;
}

static void ev_link(struct table *t, struct entry *e, int l)
{
	if (e->evlist == l)
		return;
	ev_unlink(t, e);
	if (l == EVL_NONE)
		return;
	e->ev_prev = t->ev_last[l];
	e->ev_next = NULL;
	if (t->ev_last[l] != NULL)
		t->ev_last[l]->ev_next = e;
	else
		t->ev_first[l] = e;
	t->ev_last[l] = e;
	e->evlist = l;
}

void table_update(struct table *t, struct entry *e)
{
	switch (e->c.state) {
	case TCP_LISTEN:
	case TCP_SYN_RECEIVED:
		/* A conn that has not finished its handshake is half-open;
		 * a new entry (still LISTEN) counts as one too. */
		ev_link(t, e, EVL_HALF_OPEN);
		break;
	case TCP_TIME_WAIT:
	case TCP_FIN_WAIT_2:
		/* Over for the server: all it sent is acknowledged, and
		 * it will send no more. */
		ev_link(t, e, EVL_OVER);
		break;
	default:
		/* An entry that stays idle keeps its place: the list is in
		 * the order the entries became idle. */
		ev_link(t, e, e->idle ? EVL_IDLE : EVL_NONE);
		break;
	}
}

/*
 * What to evict from a full table: a connection that is over first,
 * since that costs no client anything; then the one idle the longest,
 * whose client must open another for its next request; then a half-open
 * one, whose client may be a spoofed address of a SYN flood, or one
 * that is answering our SYN-ACK at this moment.
 */
static struct entry *victim(struct table *t)
{
	int l;

	for (l = 0; l < EVL_COUNT; l++)
		if (t->ev_first[l] != NULL)
			return t->ev_first[l];
	return NULL;
}

struct entry *table_add(struct table *t, const struct ipaddr *raddr,
                        uint16_t rport, struct entry **evicted)
{
	struct entry *e;
	size_t b;

	*evicted = NULL;
	if (t->count >= t->max) {
		*evicted = victim(t);
		return NULL;
	}
	e = calloc(1, sizeof *e);
	if (e == NULL)
		return NULL;
	e->raddr = *raddr;
	e->rport = rport;
	e->id = t->next_id++;
	b = bucket_of(t, raddr, rport);
	e->hnext = t->buckets[b];
	t->buckets[b] = e;
	e->prev = t->last;
	if (t->last != NULL)
		t->last->next = e;
	else
		t->first = e;
	t->last = e;
	t->count++;
	e->evlist = EVL_NONE;
	ev_link(t, e, EVL_HALF_OPEN);
	return e;
}

/* The heap: entry i's children are 2i+1 and 2i+2; hpos is i + 1. */
static void heap_set(struct table *t, size_t i, struct entry *e)
{
	t->heap[i] = e;
	e->hpos = i + 1;
}

static void heap_up(struct table *t, size_t i)
{
	struct entry *e = t->heap[i];
	size_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (t->heap[p]->due <= e->due)
			break;
		heap_set(t, i, t->heap[p]);
		i = p;
	}
	heap_set(t, i, e);
}

static void heap_down(struct table *t, size_t i)
{
	struct entry *e = t->heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= t->nheap)
			break;
		if (c + 1 < t->nheap && t->heap[c + 1]->due < t->heap[c]->due)
			c++;
		if (e->due <= t->heap[c]->due)
			break;
		heap_set(t, i, t->heap[c]);
		i = c;
	}
	heap_set(t, i, e);
}

static void heap_delete(struct table *t, struct entry *e)
{
	size_t i = e->hpos - 1;
	struct entry *last = t->heap[--t->nheap];

	e->hpos = 0;
	if (last == e)
		return;
	heap_set(t, i, last);
	heap_up(t, i);
	heap_down(t, last->hpos - 1);
}

int table_schedule(struct table *t, struct entry *e, uint64_t due)
{
	struct entry **h;
	size_t cap;

	if (due == UINT64_MAX) {
		if (e->hpos != 0)
			heap_delete(t, e);
		e->due = due;
		return 0;
	}
	if (e->hpos == 0) {
		if (t->nheap == t->capheap) {
			cap = t->capheap ? 2 * t->capheap : 64;
			h = realloc(t->heap, cap * sizeof *h);
			if (h == NULL)
				return -1;
			t->heap = h;
			t->capheap = cap;
		}
		e->due = due;
		heap_set(t, t->nheap++, e);
		heap_up(t, e->hpos - 1);
		return 0;
	}
	e->due = due;
	heap_up(t, e->hpos - 1);
	heap_down(t, e->hpos - 1);
	return 0;
}

uint64_t table_next_due(const struct table *t)
{
	return t->nheap > 0 ? t->heap[0]->due : UINT64_MAX;
}

struct entry *table_pop_due(struct table *t, uint64_t now)
{
	struct entry *e;

	if (t->nheap == 0 || t->heap[0]->due > now)
		return NULL;
	e = t->heap[0];
	heap_delete(t, e);
	return e;
}

void table_remove(struct table *t, struct entry *e)
{
	struct entry **pp = &t->buckets[bucket_of(t, &e->raddr, e->rport)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	ev_unlink(t, e);
	if (e->hpos != 0)
		heap_delete(t, e);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		t->first = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		t->last = e->prev;
	t->count--;
	conn_release(&e->c);
	free(e->http);
	free(e->outq);
	free(e);
}
