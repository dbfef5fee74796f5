/*
 * fuzz_scn.c: libFuzzer target for the scenario parser.
 *
 * The input is a scenario. Whatever the bytes, nothing may read outside
 * them or crash; a mistake must name a line within the text and a column
 * from 1; and every segment step of a scenario that parses must survive
 * scn_format_seg() and a second parse into the same line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_scn: %s:%d: %s\n", __FILE__,     \
			        __LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static bool is_seg(enum scn_step_kind k)
{
	return k == SCN_EXPECT || k == SCN_INJECT || k == SCN_DROP ||
	       k == SCN_DELAY;
}

/* A segment step, formatted, parses again and formats the same. */
static void round_trip(const struct scn_seg *seg)
{
	char a[4096], b[4096];
	struct scn s;
	struct scn_error e;
	int n = scn_format_seg(seg, a, sizeof(a));

	if (n < 0)
		return; /* longer than the buffer: nothing to compare */
	CHECK(scn_parse(a, (size_t)n, NULL, &s, &e) == 0);
	CHECK(s.nstep == 1 && s.step[0].kind == SCN_EXPECT);
	CHECK(scn_format_seg(&s.step[0].seg, b, sizeof(b)) == n);
	CHECK(memcmp(a, b, (size_t)n) == 0);
	scn_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn s;
	struct scn_error e;
	unsigned i, lines = 1;
	size_t k;

	for (k = 0; k < size; k++)
		lines += data[k] == '\n';
	if (scn_parse((const char *)data, size, NULL, &s, &e) < 0) {
		CHECK(e.line >= 1 && e.line <= lines && e.col >= 1);
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)) != NULL);
		return 0;
	}
	for (i = 0; i < s.nstep; i++)
		if (is_seg(s.step[i].kind))
			round_trip(&s.step[i].seg);
	scn_free(&s);
	return 0;
}
