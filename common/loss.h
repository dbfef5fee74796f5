/*
 * loss.h: random loss on purpose, the same every time for the same seed.
 *
 * tcplab-client and tcplab-server drop segments with --loss P (as --drop
 * does at given numbers), so that a lab shows retransmissions without
 * netem. A seed makes the drops repeatable: the same seed and the same
 * exchange lose the same segments. The generator is SplitMix64; the
 * probability is kept in millionths. Pure: no I/O, no clock, no globals.
 */
#ifndef TCPLAB_LOSS_H
#define TCPLAB_LOSS_H

#include <stdbool.h>
#include <stdint.h>

#define LOSS_ONE 1000000u /* a probability of 1, in millionths */

struct loss {
	uint32_t ppm;   /* the probability of a drop, in millionths */
	uint64_t state; /* the generator's */
	uint64_t seed;  /* as given, for the record */
};

/* Prepares l to drop with probability ppm / LOSS_ONE from seed on. */
void loss_init(struct loss *l, uint32_t ppm, uint64_t seed);

/* Whether the next segment is lost. Never with ppm 0, always with
 * LOSS_ONE. */
bool loss_next(struct loss *l);

/*
 * Parses a probability as a person writes it: "0.05", "5%", "0", "1",
 * "12.5%" (at most six decimals). Returns 0 with *ppm set, or -1 when s is
 * not one or lies outside [0, 1].
 */
int loss_parse(const char *s, uint32_t *ppm);

/* "5%", "12.5%", "0.0001%": ppm as a percentage, for messages. */
void loss_format(uint32_t ppm, char *buf, unsigned cap);

#endif
