/*
 * term.c: the width of the terminal a program writes to (see term.h).
 *
 * Reads the window size and the environment; term_print() writes the
 * text it is given to the stream it is given, and nothing else here
 * writes. It must never change the terminal's settings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common/io/i18n.h"
#include "common/io/term.h"
#include "common/wrap.h"

unsigned term_fd_cols(int fd)
{
	struct winsize ws;

	if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

unsigned term_env_cols(void)
{
	const char *s = getenv("COLUMNS");
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < TERM_MIN_COLS || v > 100000)
		return 0;
	return (unsigned)v;
}

unsigned term_cols(int fd)
{
	unsigned c = term_fd_cols(fd);

	if (c == 0)
		c = term_env_cols();
	return c ? c : TERM_DEFAULT_COLS;
}

/* Prints text's lines wrapped; hang is the continuations' indent, or
 * (unsigned)-1 for wrap_hang()'s. */
static int print_lines(FILE *f, const char *text, unsigned fixed)
{
	unsigned cols = term_cols(fileno(f));
	char first[64], hang[64], out[4096];
	const char *line = text, *nl;
	size_t len, lead, h;
	int n;

	for (; *line != '\0'; line = nl != NULL ? nl + 1 : line + len) {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		for (lead = 0; lead < len && line[lead] == ' '; lead++)
			;
		if (lead == len) {
			fputc('\n', f);
			continue;
		}
		h = fixed == (unsigned)-1 ? wrap_hang(line, len) : fixed;
		if (lead >= sizeof first || h >= sizeof hang)
			return -1;
		memset(first, ' ', lead);
		first[lead] = '\0';
		memset(hang, ' ', h);
		hang[h] = '\0';
		n = wrap_para(line + lead, len - lead, first, hang, cols, out,
		              sizeof out);
		if (n < 0)
			return -1;
		fwrite(out, 1, (size_t)n, f);
	}
	return 0;
}

int term_print(FILE *f, const char *text)
{
	return print_lines(f, text, (unsigned)-1);
}

int term_print_hang(FILE *f, const char *text, unsigned hang)
{
	return print_lines(f, text, hang);
}

void term_vwarn(const char *prog, const char *fmt, va_list ap)
{
	char msg[2048], line[2200];

	vsnprintf(msg, sizeof msg, fmt, ap);
	snprintf(line, sizeof line, "%s: %s", prog, msg);
	if (term_print_hang(stderr, line, 2) != 0)
		fprintf(stderr, "%s\n", line);
}

void term_print_opts(FILE *f, const struct term_opt *o, size_t n)
{
	char line[1024];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%s%s\n", o[i].opt, _(o[i].desc));
		term_print(f, line);
	}
}
