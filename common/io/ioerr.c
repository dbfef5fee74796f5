/*
 * ioerr.c: fills a caller's error buffer for the adapters in common/io.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/io/ioerr.h"

void io_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
