/*
 * scnflags.c: reads a scenario with scn_parse() and prints the flags of
 * its segment steps, tcpdump's letters, on one line ("S S. . P. ..."):
 * what tests/scenario.sh holds against the capture it came from. With
 * -l it prints every segment step as scn_format_seg() writes it instead.
 * A mistake is printed as FILE:LINE:COLUMN: MESSAGE, exit status 1.
 *
 *   tests/scnflags [-l] FILE.scn
 *
 * Test code only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/scn.h"

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	if (f == NULL)
		return NULL;
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				break;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int lines = argc == 3 && strcmp(argv[1], "-l") == 0;
	const char *file = argv[argc - 1];
	static char out[1 << 20];
	struct scn s;
	struct scn_error e;
	const char *sep = "";
	size_t len;
	unsigned i;
	char *text;

	if (argc != 2 + lines) {
		fprintf(stderr, "usage: scnflags [-l] FILE.scn\n");
		return 2;
	}
	if ((text = slurp(file, &len)) == NULL) {
		perror(file);
		return 2;
	}
	if (scn_parse(text, len, NULL, &s, &e) < 0) {
		printf("%s:%u:%u: %s\n", file, e.line, e.col, e.msg);
		return 1;
	}
	for (i = 0; i < s.nstep; i++) {
		enum scn_step_kind k = s.step[i].kind;

		if (k != SCN_EXPECT && k != SCN_INJECT && k != SCN_DROP &&
		    k != SCN_DELAY)
			continue;
		if (scn_format_seg(&s.step[i].seg, out, sizeof(out)) < 0)
			return 2;
		if (lines) {
			printf("%s\n", out);
		} else {
			/* "client > FLAGS ...": the third word. */
			printf("%s%.*s", sep, (int)strcspn(out + 9, " "),
			       out + 9);
			sep = " ";
		}
	}
	if (!lines)
		printf("\n");
	scn_free(&s);
	free(text);
	return 0;
}
