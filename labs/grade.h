/*
 * grade.h: tcplab-text grade, the table a teacher reads from the records
 * that `tcplab run --record FILE` appends (grade.c).
 *
 * A record file has one JSON object a line, of three types: "prediction"
 * and "question" (one answer of a student, right or wrong) and "lab" (the
 * end of one run: its score, its expectations, its outcome). The reader
 * here takes exactly such flat objects: strings with their escapes,
 * numbers, true and false. A key it does not know is passed over, so that
 * records with more keys still grade.
 */
#ifndef TCPLAB_LABS_GRADE_H
#define TCPLAB_LABS_GRADE_H

#include <stdbool.h>
#include <stddef.h>

/* The keys of a record, in the order the runner writes them. */
enum grade_key {
	GK_TYPE,
	GK_STUDENT,
	GK_LAB,
	GK_ITEM,
	GK_ANSWER,
	GK_EXPECTED,
	GK_RIGHT,
	GK_SCORE,
	GK_OF,
	GK_EXPECTATIONS,
	GK_MET,
	GK_DURATION,
	GK_OUTCOME,
	GK_TIME,
	GK_N
};

enum grade_type { GRADE_PREDICTION, GRADE_QUESTION, GRADE_LAB };

/* One line, read. The strings are the record's, unescaped (NUL-free
 * UTF-8); grade_rec_free() releases them. */
struct grade_rec {
	enum grade_type type;
	char *str[GK_N];    /* the string keys; NULL for the others */
	double num[GK_N];   /* the number keys */
	bool right;         /* GK_RIGHT */
	unsigned long have; /* 1 << key for each key given */
};

/*
 * Reads one line (without its newline) into *r. Returns 0, or -1 with
 * what was wrong, translated, in err[0..cap) (then *r holds nothing to
 * free).
 */
int grade_parse(const char *line, size_t len, struct grade_rec *r, char *err,
                size_t cap);

void grade_rec_free(struct grade_rec *r);

/* The grade command: tcplab-text grade [--csv] [-w COLS] FILE... */
int text_grade(int argc, char **argv);

#endif
