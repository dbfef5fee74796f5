/*
 * term.c: the width of the terminal a program writes to (see term.h).
 *
 * Reads the window size and the environment only; it must never print,
 * write to the terminal or change its settings.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "common/io/term.h"

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
