/*
 * fuzz_tdtext.c: libFuzzer target for the tcpdump-text reader.
 *
 * The input is split into lines and fed to tdtext_line() as tcplab-explain
 * does; every packet it returns is then explained by annot and formatted
 * as text and JSON. Whatever the bytes, nothing may read outside them or
 * crash, a packet's line numbers must lie within the lines seen, and an
 * unreadable line must be reported with its own number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/annot.h"
#include "common/tdtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_tdtext: %s:%d: %s\n", __FILE__,  \
			        __LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static void explain_one(struct annot_ctx *an, const struct tdtext_pkt *pk,
                        unsigned lines)
{
	struct annot_result r;
	struct annot_in in;
	char buf[8192];

	CHECK(pk->first_line >= 1 && pk->first_line <= pk->last_line);
	CHECK(pk->last_line <= lines);
	memset(&in, 0, sizeof(in));
	in.s = &pk->seg;
	in.cksum = pk->cksum;
	in.cksum_good = pk->cksum_good;
	if (annot_input(an, &in, &r) < 0)
		return;
	CHECK(annot_format_text(&r, 80, buf, sizeof(buf)) >= 0);
	CHECK(annot_format_json(&r, NULL, buf, sizeof(buf)) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdtext_ctx *ctx = malloc(sizeof(*ctx));
	struct tdtext_pkt *pk = malloc(sizeof(*pk));
	struct annot_ctx an;
	struct tdtext_msg m;
	const char *p = (const char *)data, *end = p + size, *nl;
	unsigned lines = 0;
	int rc;

	if (ctx == NULL || pk == NULL)
		goto out;
	tdtext_init(ctx, NULL);
	annot_init(&an);
	while (p <= end) {
		size_t len;
		char *copy;

		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* An exact-size copy, so ASan sees any read past the line. */
		copy = malloc(len ? len : 1);
		CHECK(copy != NULL);
		memcpy(copy, p, len);
		rc = tdtext_line(ctx, copy, len, pk, &m);
		free(copy);
		lines++;
		if (rc & (TDTEXT_BAD | TDTEXT_SKIP))
			CHECK(m.line >= 1 && m.line <= lines);
		if (rc & TDTEXT_BAD)
			CHECK(m.line == lines);
		if (rc & TDTEXT_PKT)
			explain_one(&an, pk, lines);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (tdtext_end(ctx, pk) == TDTEXT_PKT)
		explain_one(&an, pk, lines);
	annot_free(&an);
out:
	free(ctx);
	free(pk);
	return 0;
}
