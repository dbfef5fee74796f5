/*
 * teach.c: spells out seq = ISN + 1 (SYN) + data + 1 (FIN) for the sender
 * and the same sum for the receiver's side in the ack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/teach.h"
#include "common/seq.h"

void teach_relative(const struct seg *s, const struct teach_side *from,
                    const struct teach_side *to, struct teach_rel *r)
{
	uint32_t fisn = from->isn_known ? from->isn : s->seq;

	r->seq = s->seq - fisn;
	r->has_ack = (s->flags & TH_ACK) != 0;
	r->ack = r->has_ack && to->isn_known ? s->ack - to->isn : 0;
}

/* One side's sum up to sequence number n: ISN + SYN + data + FIN. */
static int explain_one(char *buf, size_t cap, const char *field, uint32_t n,
                       const struct teach_side *side, bool is_syn)
{
	uint32_t rel, data;
	unsigned fin;

	if (!side->isn_known || is_syn)
		return snprintf(buf, cap,
		                "    %s %u = the %s's ISN (relative 0): a SYN "
		                "starts the count\n",
		                field, n, side->name);
	rel = n - side->isn;
	fin = side->fin && seq_gt(n, side->fin_seq) ? 1 : 0;
	data = rel - 1 - fin;
	return snprintf(buf, cap,
	                "    %s %u = %s ISN %u + 1 (SYN) + %u byte%s of data%s"
	                " = relative %u\n",
	                field, n, side->name, side->isn, data,
	                data == 1 ? "" : "s", fin ? " + 1 (FIN)" : "", rel);
}

int teach_explain(const struct seg *s, const struct teach_side *from,
                  const struct teach_side *to, char *buf, size_t cap)
{
	int n = explain_one(buf, cap, "seq", s->seq, from,
	                    (s->flags & TH_SYN) != 0);
	int m;

	if (n < 0 || (size_t)n >= cap)
		return n;
	if (!(s->flags & TH_ACK))
		m = snprintf(buf + n, cap - (size_t)n,
		             "    ack: none (no ACK flag: nothing of the %s's "
		             "has been seen yet)\n",
		             to->name);
	else
		m = explain_one(buf + n, cap - (size_t)n, "ack", s->ack, to,
		                false);
	return m < 0 ? m : n + m;
}

int teach_parse_answer(const char *line, uint32_t *seq, bool *has_ack,
                       uint32_t *ack)
{
	char a[32], b[32], extra[2];
	char *end;
	unsigned long v;
	int n = sscanf(line, "%31s %31s %1s", a, b, extra);

	if (n != 2)
		return -1;
	v = strtoul(a, &end, 10);
	if (*end != '\0' || a[0] == '-' || v > UINT32_MAX)
		return -1;
	*seq = (uint32_t)v;
	if (strcmp(b, "-") == 0) {
		*has_ack = false;
		*ack = 0;
		return 0;
	}
	v = strtoul(b, &end, 10);
	if (*end != '\0' || b[0] == '-' || v > UINT32_MAX)
		return -1;
	*has_ack = true;
	*ack = (uint32_t)v;
	return 0;
}

bool teach_check(const struct teach_rel *r, uint32_t seq, bool has_ack,
                 uint32_t ack)
{
	if (seq != r->seq)
		return false;
	if (!r->has_ack)
		return !has_ack || ack == 0;
	return has_ack && ack == r->ack;
}
