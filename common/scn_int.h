/*
 * scn_int.h: what the parts of the scenario parser share (common/scn.c,
 * common/scn_seg.c, common/scn_text.c); not for the rest of the tree.
 *
 * The parser reads one line at a time through a cursor that knows where
 * its line begins, so that every error can name its column in characters.
 * An error is written once, by scn_fail(), into the caller's struct
 * scn_error, and the parser returns at once: the first mistake is the one
 * reported.
 */
#ifndef TCPLAB_SCN_INT_H
#define TCPLAB_SCN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/scn.h"

/* A position in one line: p moves from the line's start towards e, the
 * end of what counts (a comment and trailing blanks are left out). */
struct scn_cur {
	const char *line; /* the line's first byte: columns count from it */
	const char *p, *e;
	unsigned lineno; /* 1-based */
};

/* The parser's state across lines. */
struct scn_ps {
	const struct tr *tr;
	struct scn_error *err;
	struct scn *out;
	unsigned cap; /* steps allocated in out->step */
	bool inject;  /* reading an injected segment: values only */
};

/* Fills ps->err with the line of c, the column of at and the message
 * (a format already translated). Returns TCPLAB_EINVAL. */
int scn_fail(struct scn_ps *ps, const struct scn_cur *c, const char *at,
             const char *fmt, ...);

/* Out of memory: fills ps->err and returns TCPLAB_ENOMEM. */
int scn_nomem(struct scn_ps *ps);

/* Characters (not bytes) in line[0..at): the column of at, less one. */
unsigned scn_cols(const char *line, const char *at);

static inline bool scn_is_sp(char ch)
{
	return ch == ' ' || ch == '\t';
}

static inline bool scn_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

void scn_skip_sp(struct scn_cur *c);
bool scn_at_end(const struct scn_cur *c);
/* Bytes in the word at c->p (up to a blank or the end). */
size_t scn_word_len(const struct scn_cur *c);
/* Whether the word at c->p is w (whole); then steps over it. */
bool scn_take_word(struct scn_cur *c, const char *w);

/*
 * A decimal number in [min, max] at c->p. Returns 0, 1 when no digit is
 * there (nothing read), or an error (out of range).
 */
int scn_read_u32(struct scn_ps *ps, struct scn_cur *c, uint32_t min,
                 uint32_t max, uint32_t *v);

/* A value, a range LO-HI or "*", each number up to max: 0, 1 when none is
 * there, or an error. */
int scn_parse_num(struct scn_ps *ps, struct scn_cur *c, uint32_t max,
                  struct scn_num *n);

/*
 * Seconds with up to six decimals ("2", "0.5", ".1") at c->p, as
 * microseconds within [min_us, max 86400 s]. Returns 0 or an error.
 */
int scn_parse_secs(struct scn_ps *ps, struct scn_cur *c, uint64_t min_us,
                   uint64_t *us);

/*
 * A segment, "client > FLAGS SEQ ...", up to the end of the line. With
 * inject, what cannot be crafted is refused: "*" flags, ranges, a SYN
 * whose seq is not 0, a length that differs from the payload's.
 */
int scn_parse_seg(struct scn_ps *ps, struct scn_cur *c, struct scn_seg *s,
                  bool inject);

/*
 * A quoted text at c->p (which is at its opening quote), its escapes
 * turned into bytes: *out is allocated, NUL-terminated, *len bytes long
 * (it may hold NULs). Returns 0 or an error.
 */
int scn_parse_quoted(struct scn_ps *ps, struct scn_cur *c, char **out,
                     size_t *len);

/* Checks the {names} of a text that starts at at in c's line; the text
 * runs to c->e. Returns 0 or an error. */
int scn_check_names(struct scn_ps *ps, const struct scn_cur *c, const char *at);

/* Where the comment of a line begins (a '#' outside quotes), or e. */
const char *scn_comment_at(const char *p, const char *e);

#endif
