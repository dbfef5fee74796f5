/*
 * wrap.h: fits text to a terminal's width.
 *
 * Measures UTF-8 text in display columns (an East Asian wide character
 * takes two, a combining mark none), wraps a paragraph at its spaces with a
 * hanging indent, and folds one line of tcpdump output at its field
 * boundaries so that unfolding gives the line back. A Chinese paragraph,
 * which has no spaces, may break before or after any wide character.
 *
 * Pure: no I/O, no allocation, no globals, no locale. The caller owns the
 * buffers; every function that writes one counts a terminating NUL in cap,
 * writes it, and returns the length written (without the NUL) or
 * TCPLAB_ENOSPC when the text did not fit.
 */
#ifndef TCPLAB_WRAP_H
#define TCPLAB_WRAP_H

#include <stddef.h>

/* The spaces that start each continuation line of a folded line. tcpdump
 * never starts a line with 8 spaces (its second line has 4, payload lines
 * a tab), which is what makes folding reversible. */
#define WRAP_FOLD_INDENT 8

/* The length in bytes of the character at s[0..len) (1 for a byte that
 * starts no valid UTF-8 sequence; 0 when len is 0), and in *cols its
 * display columns: 0, 1 or 2. */
size_t wrap_next(const char *s, size_t len, unsigned *cols);

/* The display columns of s[0..len): East Asian wide and fullwidth
 * characters 2; combining marks, zero-width characters and controls 0;
 * any other character, and each invalid byte, 1. */
size_t wrap_cols(const char *s, size_t len);

/*
 * Wraps one paragraph to cols display columns. The first line starts with
 * first, every other line with hang (a hanging indent); lines break at
 * spaces (a tab or newline counts as a space), and before or after a wide
 * character, but never before closing punctuation (CJK or ASCII). A word longer than
 * a line is cut at a character boundary. Spaces at the start and end of
 * the text and at each break are dropped. cols 0 means no wrapping: one
 * line. Each line ends in '\n'; an empty paragraph writes nothing.
 */
int wrap_para(const char *text, size_t len, const char *first, const char *hang,
              unsigned cols, char *buf, size_t cap);

/*
 * Folds one line of tcpdump output (a trailing '\n' is ignored) to cols
 * display columns, a tab counting up to the next multiple of 8. A line
 * that fits is written unchanged. Otherwise each piece ends after the last
 * ", " that fits, else at the last space that fits after a word, else at a
 * space before the piece's first word, else it is cut after the last
 * character that fits. The space at a break is dropped, and each
 * continuation line starts with WRAP_FOLD_INDENT spaces. cols 0 means no
 * folding. Lines end in '\n'.
 *
 * The round trip, wrap_unfold(wrap_fold(line)) == line, holds exactly when
 * fold never had to cut, which is so whenever every word of the line (a
 * run of characters other than spaces, a tab counted as 8 columns) is at
 * most cols - WRAP_FOLD_INDENT columns wide: then some space always fits.
 * tcpdump's words are at most 30 columns in the lab's traces and 45 for an
 * IPv6 address with a port, so its lines fold back at 40 columns and more
 * (53 for IPv6). A cut joins back with a space that was not there. A whole
 * file folds back line by line when none of its lines starts with
 * WRAP_FOLD_INDENT spaces, which tcpdump's never do.
 */
int wrap_fold(const char *line, size_t len, unsigned cols, char *buf,
              size_t cap);

/*
 * Joins every line of text[0..len) that starts with WRAP_FOLD_INDENT
 * spaces to the line before it: those spaces and the newline before them
 * become one space. The first line is never joined. The result is never
 * longer than the text, so cap = len + 1 always suffices.
 */
int wrap_unfold(const char *text, size_t len, char *buf, size_t cap);

/*
 * The hanging indent, in columns, for a paragraph whose first line is
 * line[0..len): past a list mark ("- ", "* ", "| ", "1. ", "2) ") after
 * the leading spaces; else past the first gap of two or more spaces
 * after them, as in a table of options (when the gap ends within the
 * first 40 columns); else the leading spaces.
 */
size_t wrap_hang(const char *line, size_t len);

/*
 * The length in bytes of the longest start of s[0..len) that is at most
 * cols display columns wide and ends at a character boundary, its width
 * in *width (which may be NULL): where to cut a name that must fit a
 * column.
 */
size_t wrap_cut(const char *s, size_t len, size_t cols, size_t *width);

/* The length of s[0..n) without a UTF-8 character that a cut left
 * incomplete at its end: where to cut a translated line that did not fit
 * its buffer. */
size_t wrap_utf8_whole(const char *s, size_t n);

#endif
