/*
 * seq.h: TCP sequence-number arithmetic modulo 2^32.
 *
 * Sequence numbers wrap, so "a comes before b" means that the signed
 * distance from a to b is positive (RFC 9293, section 3.4). Code in tcplab
 * compares sequence numbers only through these functions, never with '<'.
 * Pure: no state, no I/O.
 */
#ifndef TCPLAB_SEQ_H
#define TCPLAB_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* The distance from a to b, as a signed number: positive when b is after a. */
static inline int32_t seq_diff(uint32_t b, uint32_t a)
{
	return (int32_t)(b - a);
}

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}

static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0;
}

/* a + n, wrapping at 2^32. */
static inline uint32_t seq_add(uint32_t a, uint32_t n)
{
	return a + n;
}

/* a <= x < b, all modulo 2^32 (the window test of RFC 9293). */
static inline bool seq_in_window(uint32_t x, uint32_t a, uint32_t b)
{
	return seq_leq(a, x) && seq_lt(x, b);
}

#endif
