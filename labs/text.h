/*
 * text.h: what the two files of tcplab-text share (text.c: the commands
 * and the terminal; beside.c: the comparison view).
 *
 * Program code: these functions print and exit on failure, which the
 * pure core in common/ never does.
 */
#ifndef TCPLAB_LABS_TEXT_H
#define TCPLAB_LABS_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Prints "tcplab-text: ", the message and a newline on stderr (a message
 * for a person: the caller passes _("...")). */
void text_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "tcplab-text: WHAT" on stderr and exits 2. */
void text_die(const char *what) __attribute__((noreturn));

/* malloc that exits when memory runs out. */
void *text_alloc(size_t n);

/* The whole of f, NUL-terminated; its length in *len. */
char *text_read_all(FILE *f, size_t *len);

/* The width to fit: TCPLAB_COLS when set (0: no wrapping), else the
 * terminal's (/dev/tty, stdout, stderr), else COLUMNS, else 80. */
unsigned text_cols(void);

/* The number of columns an option gives (-w COLS); exits 2 when it is
 * not one. */
unsigned text_width_arg(const char *s);

/* Writes n bytes to stdout. */
void text_write(const char *s, size_t n);

/* Prints text[0..len) as one wrapped paragraph (see wrap_para). */
void text_put_para(const char *text, size_t len, const char *first,
                   const char *hang, unsigned cols);

/* Prints one line folded (see wrap_fold) to cols minus the width of
 * prefix (at least 20 columns), the first line after first, each other
 * after prefix (first should be as wide as prefix). */
void text_put_folded(const char *first, const char *prefix, const char *line,
                     size_t len, unsigned cols);

/* The "beside" command (beside.c). */
int text_beside(int argc, char **argv);

#endif
