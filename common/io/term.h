/*
 * term.h: the width of the terminal a program writes to.
 *
 * Asks the terminal itself (TIOCGWINSZ), then the COLUMNS variable that
 * shells and tcplab's lab runner set, then falls back to 80 columns. Never
 * prints, never changes the terminal.
 */
#ifndef TCPLAB_IO_TERM_H
#define TCPLAB_IO_TERM_H

#include <stdarg.h>
#include <stdio.h>

/* The narrowest width believed: below it, COLUMNS is taken for a mistake. */
#define TERM_MIN_COLS 20
/* The width when nothing says otherwise. */
#define TERM_DEFAULT_COLS 80

/* The width of the terminal on fd; when fd is not a terminal (a pipe, a
 * file) or reports no width, $COLUMNS when it is a number of at least
 * TERM_MIN_COLS; else TERM_DEFAULT_COLS. */
unsigned term_cols(int fd);

/* The width $COLUMNS gives, or 0 when it is unset, not a number or below
 * TERM_MIN_COLS. */
unsigned term_env_cols(void);

/* The width of the terminal on fd by TIOCGWINSZ, or 0. */
unsigned term_fd_cols(int fd);

/*
 * Writes text to f with every line wrapped to the width of the terminal
 * on f: a line's continuations are indented as wrap_hang() says (past an
 * option's name in a table of options, past a list mark, or as the line
 * itself). For --help and the like: write each entry as one line and let
 * this fit it. Returns 0, or -1 when a line is too long to wrap.
 */
int term_print(FILE *f, const char *text);

/* term_print() with every continuation indented by hang columns (a usage
 * line: "usage: prog [options]..." continued under its options). */
int term_print_hang(FILE *f, const char *text, unsigned hang);

/* One entry of a table of options for --help: the option as typed, padded
 * to the descriptions' column, and its description, a message (N_()). */
struct term_opt {
	const char *opt, *desc;
};

/* Prints the table, each description translated, wrapped under its
 * column by term_print(). */
void term_print_opts(FILE *f, const struct term_opt *o, size_t n);

/*
 * A program's message on standard error: "prog: " and the message, as one
 * line when it fits the terminal, else wrapped with its continuations
 * indented by two (a translation is often wider than the English).
 */
void term_vwarn(const char *prog, const char *fmt, va_list ap);

#endif
