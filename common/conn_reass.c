/*
 * conn_reass.c: out-of-order data kept until the hole before it fills, and
 * the SACK blocks (RFC 2018) that tell the peer what we hold.
 *
 * RFC 9293 3.10.7.4, seventh: "segments with higher beginning sequence
 * numbers than expected ... may be held for later processing". tcplab
 * holds them in one buffer the size of the window it offers, allocated on
 * the first out-of-order segment and freed once the queue is empty, with
 * at most CONN_REASS_BLOCKS separate blocks: memory is bounded by the
 * window, work per segment by the number of blocks.
 *
 * rq_buf[i] holds the byte of sequence number rq_base + i. Delivery moves
 * RCV.NXT forward and leaves rq_base behind; the buffer is shifted down to
 * RCV.NXT only when a segment would not fit, so most segments cost one
 * copy and delivered data can point into the buffer until the next call.
 *
 * This file must never do I/O, print, read a clock or keep global state.
 */
#include <stdlib.h>
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/tr.h"
#include "common/seq.h"

/* Frees an empty queue's buffer at the start of the next call, when the
 * data delivered from it by the last call has been read. */
void conn_reass_tidy(struct conn *c)
{
	if (c->rq_n == 0 && c->rq_buf != NULL) {
		free(c->rq_buf);
		c->rq_buf = NULL;
		c->rq_cap = 0;
	}
}

void conn_reass_free(struct conn *c)
{
	free(c->rq_buf);
	c->rq_buf = NULL;
	c->rq_cap = 0;
	c->rq_n = 0;
	c->rq_fin = false;
}

/* Room for [rcv_nxt, rcv_nxt + want): allocates the buffer, or shifts it
 * down to RCV.NXT when the range would run past its end. */
static bool room(struct conn *c, uint32_t want)
{
	uint32_t shift, used;

	if (c->rq_buf == NULL) {
		size_t cap = c->rcv_wnd;

		if (cap < conn_rcv_window(c))
			cap = conn_rcv_window(c);
		/* A window scaled up to 1 GiB keeps no more than this. */
		if (cap > CONN_REASS_MAX_BYTES)
			cap = CONN_REASS_MAX_BYTES;
		if (cap == 0 || (c->rq_buf = malloc(cap)) == NULL)
			return false;
		c->rq_cap = cap;
		c->rq_base = c->rcv_nxt;
	}
	if (want > c->rq_cap)
		return false;
	shift = (uint32_t)seq_diff(c->rcv_nxt, c->rq_base);
	if ((size_t)shift + want <= c->rq_cap)
		return true;
	used = c->rq_n > 0 ? (uint32_t)seq_diff(c->rq[c->rq_n - 1].end,
	                                        c->rcv_nxt)
	                   : 0;
	memmove(c->rq_buf, c->rq_buf + shift, used);
	c->rq_base = c->rcv_nxt;
	return true;
}

/* Adds [s, e) to the blocks, merging what it overlaps or touches. Returns
 * the index of the block that holds it, or -1 when it would make one
 * block too many. */
static int add_block(struct conn *c, uint32_t s, uint32_t e)
{
	unsigned i = 0, j, k;

	/* i: the first block that ends at or after s. */
	while (i < c->rq_n && seq_lt(c->rq[i].end, s))
		i++;
	/* j: past the last block that starts at or before e. */
	j = i;
	while (j < c->rq_n && seq_leq(c->rq[j].start, e))
		j++;
	if (i == j) {
		if (c->rq_n == CONN_REASS_BLOCKS)
			return -1;
		memmove(&c->rq[i + 1], &c->rq[i],
		        (c->rq_n - i) * sizeof c->rq[0]);
		c->rq_n++;
		c->rq[i].start = s;
		c->rq[i].end = e;
	} else {
		if (seq_lt(c->rq[i].start, s))
			s = c->rq[i].start;
		if (seq_gt(c->rq[j - 1].end, e))
			e = c->rq[j - 1].end;
		c->rq[i].start = s;
		c->rq[i].end = e;
		k = j - i - 1; /* blocks merged into block i */
		memmove(&c->rq[i + 1], &c->rq[j],
		        (c->rq_n - j) * sizeof c->rq[0]);
		c->rq_n -= k;
	}
	c->rq[i].stamp = ++c->rq_stamp;
	return (int)i;
}

/*
 * The part of a segment's text beyond RCV.NXT: [seq, seq + len) with seq
 * after RCV.NXT. It is cut to the window we offer (and before a FIN the
 * queue holds), copied and kept. Returns the bytes kept; 0 with a drop
 * event when the queue is full or the memory is missing.
 */
size_t conn_reass_add(struct conn *c, uint32_t seq, const uint8_t *p,
                      size_t len, struct conn_out *out)
{
	uint32_t lim = seq_add(c->rcv_nxt, conn_rcv_window(c));
	uint32_t off, end;

	if (c->rq_fin && seq_gt(lim, c->rq_fin_seq))
		lim = c->rq_fin_seq;
	if (!seq_lt(seq, lim))
		return 0;
	if (len > (size_t)seq_diff(lim, seq))
		len = (size_t)seq_diff(lim, seq);
	end = seq_add(seq, (uint32_t)len);
	if (len == 0 || !room(c, (uint32_t)seq_diff(end, c->rcv_nxt))) {
		conn_drop(out, N_("out of order: no room, dropped"));
		return 0;
	}
	if (add_block(c, seq, end) < 0) {
		conn_drop(out, N_("out of order: too many holes, dropped"));
		return 0;
	}
	off = (uint32_t)seq_diff(seq, c->rq_base);
	memcpy(c->rq_buf + off, p, len);
	conn_ev(out, CONN_EV_QUEUED, (uint32_t)len, NULL);
	return len;
}

/* The peer's FIN, beyond a hole: it counts once the data before it is in. */
void conn_reass_fin(struct conn *c, uint32_t fin_seq)
{
	c->rq_fin = true;
	c->rq_fin_seq = fin_seq;
}

/*
 * n in-order bytes at RCV.NXT while the queue holds data: they join the
 * queue, and everything now contiguous from RCV.NXT is delivered in one
 * piece (out->data points into the buffer). RCV.NXT moves past it.
 * Returns the bytes delivered, 0 when the bytes could not be kept.
 */
size_t conn_reass_fill(struct conn *c, const uint8_t *p, size_t n,
                       struct conn_out *out)
{
	uint32_t end = seq_add(c->rcv_nxt, (uint32_t)n);
	size_t len;

	if (c->rq_fin && seq_gt(end, c->rq_fin_seq)) {
		n = (size_t)seq_diff(c->rq_fin_seq, c->rcv_nxt);
		end = c->rq_fin_seq;
	}
	if (n == 0 || !room(c, (uint32_t)n) ||
	    add_block(c, c->rcv_nxt, end) < 0)
		return 0;
	memcpy(c->rq_buf + seq_diff(c->rcv_nxt, c->rq_base), p, n);
	/* Block 0 starts at RCV.NXT now: it is all in order. */
	len = (size_t)seq_diff(c->rq[0].end, c->rcv_nxt);
	out->data = c->rq_buf + seq_diff(c->rcv_nxt, c->rq_base);
	out->data_len = len;
	c->rcv_nxt = c->rq[0].end;
	c->rq_n--;
	memmove(&c->rq[0], &c->rq[1], c->rq_n * sizeof c->rq[0]);
	return len;
}

/*
 * RFC 2018 4: "The first SACK block (i.e., the one immediately following
 * the kind and length fields in the option) MUST specify the contiguous
 * block of data containing the segment which triggered this ACK ... The
 * SACK option SHOULD be filled out by repeating the most recently reported
 * SACK blocks". Each block carries the time it last grew; the most recent
 * go first, as many as the option space holds (3 beside timestamps). The
 * option is written as Linux writes it: nop, nop, SACK.
 */
void conn_reass_sack(const struct conn *c, struct seg *s)
{
	struct seg_sack b[SEG_SACK_MAX];
	bool used[CONN_REASS_BLOCKS] = {false};
	unsigned max = c->ts_ok ? 3 : SEG_SACK_MAX, n = 0, i, best;

	if (!c->sack_ok || c->rq_n == 0)
		return;
	while (n < max && n < c->rq_n) {
		best = CONN_REASS_BLOCKS;
		for (i = 0; i < c->rq_n; i++)
			if (!used[i] && (best == CONN_REASS_BLOCKS ||
			                 seq_gt(c->rq[i].stamp, c->rq[best].stamp)))
				best = i;
		used[best] = true;
		b[n].left = c->rq[best].start;
		b[n].right = c->rq[best].end;
		n++;
	}
	if (s->opt_len + 4 + 8 * n > SEG_OPT_MAX)
		return;
	seg_opt_nop(s);
	seg_opt_nop(s);
	seg_opt_sack(s, b, n);
}
