/*
 * ioerr.c: fills a caller's error buffer for the adapters in common/io.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/io/ioerr.h"

/* The bytes a UTF-8 sequence takes, from its first byte; 1 for a byte
 * that starts none. */
static size_t seq_len(unsigned char b)
{
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	if (b >= 0xE0)
		return b <= 0xEF ? 3 : 1;
	if (b >= 0xC2)
		return 2;
	return 1;
}

void io_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	size_t len, start;
	int n;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n < errlen)
		return;
	/* Cut short (a translation takes three bytes to a character): the
	 * last character goes whole or not at all. */
	len = strlen(err);
	start = len;
	while (start > 0 && ((unsigned char)err[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0 &&
	    start - 1 + seq_len((unsigned char)err[start - 1]) > len)
		err[start - 1] = '\0';
}
