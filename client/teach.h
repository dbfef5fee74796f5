/*
 * teach.h: the arithmetic behind a segment's sequence and acknowledgment
 * numbers, for --step and --predict. Pure: writes into the caller's buffer.
 */
#ifndef TCPLAB_CLIENT_TEACH_H
#define TCPLAB_CLIENT_TEACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"

/* What each side has put in sequence space so far. */
struct teach_side {
	const char *name; /* "client", "server" */
	bool isn_known;
	uint32_t isn;
	bool fin; /* its FIN has been sent */
	uint32_t fin_seq;
};

/* A segment's numbers relative to the ISNs, as tcpdump shows them. */
struct teach_rel {
	uint32_t seq;
	bool has_ack;
	uint32_t ack;
};

void teach_relative(const struct seg *s, const struct teach_side *from,
                    const struct teach_side *to, struct teach_rel *r);

/*
 * Writes two lines explaining s's seq (from the sender's ISN, its SYN,
 * its data and its FIN) and ack (the same for the receiver). Returns the
 * length written.
 */
int teach_explain(const struct seg *s, const struct teach_side *from,
                  const struct teach_side *to, char *buf, size_t cap);

/*
 * Parses a student's answer "SEQ ACK" (ACK may be "-" when the segment
 * has no ACK flag; "0" is taken for it too). Returns 0 when it parses,
 * -1 otherwise.
 */
int teach_parse_answer(const char *line, uint32_t *seq, bool *has_ack,
                       uint32_t *ack);

/* Whether the answer matches r. */
bool teach_check(const struct teach_rel *r, uint32_t seq, bool has_ack,
                 uint32_t ack);

#endif
