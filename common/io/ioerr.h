/*
 * ioerr.h: how the adapters in common/io report a failure: a message in
 * the caller's buffer, "what failed: why", lowercase, no full stop, in
 * the reader's language (the adapters write _("...")). The adapters never
 * print; the program decides what to do with the message.
 */
#ifndef TCPLAB_IO_IOERR_H
#define TCPLAB_IO_IOERR_H

#include <stddef.h>

/* Writes the formatted message into err (at most errlen bytes, always
 * NUL-terminated; a message cut short ends with a whole UTF-8 character).
 * err may be NULL or errlen 0: then nothing is written. */
void io_seterr(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
