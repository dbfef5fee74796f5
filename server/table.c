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

static size_t bucket_of(const struct table *t, uint32_t raddr, uint16_t rport)
{
	/* A multiplicative hash of the peer's address and port. */
	uint64_t k = ((uint64_t)raddr << 16 | rport) * 0x9e3779b97f4a7c15ull;

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
}

struct entry *table_find(struct table *t, uint32_t raddr, uint16_t rport)
{
	struct entry *e = t->buckets[bucket_of(t, raddr, rport)];

	while (e != NULL && (e->raddr != raddr || e->rport != rport))
		e = e->hnext;
	return e;
}

static void ho_unlink(struct table *t, struct entry *e)
{
	if (!e->half_open)
		return;
	if (e->ho_prev != NULL)
		e->ho_prev->ho_next = e->ho_next;
	else
		t->ho_first = e->ho_next;
	if (e->ho_next != NULL)
		e->ho_next->ho_prev = e->ho_prev;
	else
		t->ho_last = e->ho_prev;
	e->ho_prev = e->ho_next = NULL;
	e->half_open = false;
}

static void ho_link(struct table *t, struct entry *e)
{
	if (e->half_open)
		return;
	e->ho_prev = t->ho_last;
	e->ho_next = NULL;
	if (t->ho_last != NULL)
		t->ho_last->ho_next = e;
	else
		t->ho_first = e;
	t->ho_last = e;
	e->half_open = true;
}

void table_update(struct table *t, struct entry *e)
{
	/* A conn that has not finished its handshake is half-open; a new
	 * entry (still LISTEN) counts as one too. */
	if (e->c.state == TCP_SYN_RECEIVED || e->c.state == TCP_LISTEN)
		ho_link(t, e);
	else
		ho_unlink(t, e);
}

/* What to evict from a full table: half-open first, then TIME-WAIT. */
static struct entry *victim(struct table *t)
{
	struct entry *e;

	if (t->ho_first != NULL)
		return t->ho_first;
	for (e = t->first; e != NULL; e = e->next)
		if (e->c.state == TCP_TIME_WAIT)
			return e;
	return NULL;
}

struct entry *table_add(struct table *t, uint32_t raddr, uint16_t rport,
                        struct entry **evicted)
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
	e->raddr = raddr;
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
	ho_link(t, e);
	return e;
}

void table_remove(struct table *t, struct entry *e)
{
	struct entry **pp = &t->buckets[bucket_of(t, e->raddr, e->rport)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	ho_unlink(t, e);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		t->first = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		t->last = e->prev;
	t->count--;
	free(e->outq);
	free(e);
}
