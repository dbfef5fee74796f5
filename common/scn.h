/*
 * scn.h: tcplab's scenarios, the labs a teacher writes (tcplab-scenario(5)).
 *
 * A scenario is a text file of lines. Its header names the two hosts, the
 * server's port and who plays each end: tcplab's own TCP (a struct conn),
 * Linux's TCP behind a real socket, or nobody ("raw": the scenario crafts
 * every segment of that side). Its steps, in order, drive an end (listen,
 * connect, send, read, close, abort), inject a crafted segment, expect a
 * segment in tcpdump's short notation with wildcards, drop or delay one
 * of a tcplab end's segments, let time pass, say something to the
 * student, ask a question or ask for a prediction.
 *
 * scn_parse() reads the whole text into a struct scn, or reports the first
 * error with its line, its column (1-based, in characters) and what was
 * expected there. scn_format_seg() writes a segment step back in the same
 * notation, so that the parser, tcplab-explain --scenario and the runner's
 * report agree on one notation. scn_match() says whether a segment, in
 * numbers relative to the connection's ISNs, fits a segment step.
 *
 * Pure: no I/O, no globals. scn_parse() allocates the steps and strings
 * (scn_free() releases them); nothing else allocates.
 */
#ifndef TCPLAB_SCN_H
#define TCPLAB_SCN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"
#include "common/tr.h"

/* The two ends. */
enum scn_end { SCN_CLIENT, SCN_SERVER };

/* Who plays an end. */
enum scn_player {
	SCN_TCPLAB, /* tcplab's TCP (struct conn), Linux's profile */
	SCN_KERNEL, /* Linux's TCP, through a socket the runner opens */
	SCN_RAW,    /* nobody: only the scenario's inject steps */
};

/* A number in a segment step: a value, a range lo-hi, or "*". */
struct scn_num {
	bool any;      /* "*", or the field was left out */
	uint32_t lo, hi; /* a value is lo == hi */
};

/* Option kinds a segment step names, in the order written. */
enum scn_opt_kind {
	SCN_OPT_NOP,
	SCN_OPT_EOL,
	SCN_OPT_MSS,
	SCN_OPT_WSCALE,
	SCN_OPT_SACKOK,
	SCN_OPT_TS,
	SCN_OPT_SACK,
};

#define SCN_OPTS_MAX 12

struct scn_opt {
	enum scn_opt_kind kind;
	struct scn_num a; /* mss, wscale, TS val */
	struct scn_num b; /* TS ecr */
	unsigned nsack;   /* SCN_OPT_SACK: blocks in sl[]/sr[] below */
	/* SACK blocks' left and right edges, relative to the receiver's
	 * ISN as tcpdump prints them (as ack is). */
	struct scn_num sl[SEG_SACK_MAX], sr[SEG_SACK_MAX];
};

/*
 * A segment in the short notation, e.g.
 *   client > P. 1:143(142) ack 1 win 502 <nop,nop,TS val * ecr *>
 * seq is start:end(len); ack is present with the ACK flag. Numbers are
 * relative, as tcpdump prints them: seq to the sender's ISN, ack to the
 * receiver's (a SYN's seq is 0). An expectation leaves out what it does
 * not check; an injection fills what it leaves out from the state of its
 * side (next seq, last ack, its window, no options).
 */
struct scn_seg {
	enum scn_end from;    /* the sender; the receiver is the other end */
	uint16_t flags;       /* TH_*: S F R P U E W and "." for ACK */
	bool flags_any;       /* "*": any flags */
	uint16_t flags_opt;   /* flags written with "?" after them: there
	                         or not ("P?." fits "." and "P.") */
	struct scn_num seq, end, len;
	struct scn_num ack;   /* any when the step gives no ack */
	struct scn_num win;   /* any when the step gives no win */
	bool opts_given;      /* <...> was written; <> means no options */
	unsigned nopt;
	struct scn_opt opt[SCN_OPTS_MAX];
	/* "text" after the options: the payload (inject), or what the
	 * payload must begin with (expect); NULL when none. */
	char *payload;
	size_t payload_len;
	/* An expectation ending in "...": any number of such segments,
	 * none included; the sender's next step takes the first that does
	 * not fit. */
	bool many;
};

/* A text given again in other languages ("say.zh_CN TEXT" on the line
 * after "say TEXT"): at most SCN_TR_MAX of them. */
#define SCN_TR_MAX 4
#define SCN_LANG_LEN 16
struct scn_trs {
	char lang[SCN_TR_MAX][SCN_LANG_LEN]; /* "zh_CN" */
	char *text[SCN_TR_MAX];
	unsigned n;
};

enum scn_step_kind {
	SCN_LISTEN,   /* END listen */
	SCN_CONNECT,  /* END connect */
	SCN_SEND,     /* END send N | END send "text" */
	SCN_READ,     /* END read N | END read all | END read off */
	SCN_CLOSE,    /* END close */
	SCN_ABORT,    /* END abort */
	SCN_RCVBUF,   /* END window N: the receive buffer, before the open */
	SCN_EXPECT,   /* a segment line */
	SCN_INJECT,   /* inject SEGMENT */
	SCN_DROP,     /* drop SEGMENT: the tcplab end's next such segment */
	SCN_DELAY,    /* delay T SEGMENT: ... goes T seconds late */
	SCN_WAIT,     /* +T on a line of its own, or wait T */
	SCN_SAY,      /* say TEXT */
	SCN_QUESTION, /* question TEXT, then answer A | B | ... */
	SCN_PREDICT,  /* predict FIELD...: of the next segment step */
};

/* Fields a prediction asks for (SCN_PREDICT's mask). */
#define SCN_P_SEQ 0x01
#define SCN_P_ACK 0x02
#define SCN_P_WIN 0x04
#define SCN_P_LEN 0x08

/* READ's amount: a number of bytes, everything there is, or stop. */
#define SCN_READ_ALL UINT32_MAX
#define SCN_READ_OFF 0

struct scn_step {
	enum scn_step_kind kind;
	unsigned line;     /* where it was written, 1-based */
	uint64_t after_us; /* "+T" before the step: time to let pass first */
	enum scn_end end;  /* the end an action drives */
	uint32_t n;        /* SEND's count, READ's amount, RCVBUF's bytes */
	uint64_t delay_us; /* DELAY's T, WAIT's T */
	unsigned predict;  /* SCN_P_* */
	char *text;        /* SEND's text (n is its length), SAY's,
	                      QUESTION's */
	char **answers;    /* QUESTION: its accepted answers */
	unsigned nanswers;
	char *why;         /* QUESTION: "why TEXT" after its answers, the
	                      explanation an answer key prints; or NULL */
	struct scn_trs tr;        /* SAY's or QUESTION's text, translated */
	struct scn_trs answer_tr; /* QUESTION: the first answer of each
	                             language (all are in answers too) */
	struct scn_trs why_tr;    /* QUESTION: why, translated */
	struct scn_seg seg; /* EXPECT, INJECT, DROP, DELAY */
};

struct scn_host {
	bool v6;
	struct ipaddr addr;
	char addr_text[48];    /* as written, for the runner */
	uint16_t port;         /* server: the port; client: 0 when unset */
	enum scn_player player;
};

/* Defaults of a header that says nothing: the lab topology. */
#define SCN_DEFAULT_CLIENT "192.168.101.25"
#define SCN_DEFAULT_SERVER "192.168.101.5"
#define SCN_DEFAULT_PORT   8080
/* "-" when the other end's address is IPv6: the lab's IPv6 hosts. */
#define SCN_DEFAULT_CLIENT6 "2001:db8:101::25"
#define SCN_DEFAULT_SERVER6 "2001:db8:101::5"
#define SCN_DEFAULT_TIMEOUT_US 10000000u /* an expectation waits 10 s */

struct scn {
	char *title;
	char *text; /* the lab's text (text ... end), lines joined by \n */
	struct scn_trs title_tr, text_tr; /* translated */
	struct scn_host host[2]; /* [SCN_CLIENT], [SCN_SERVER] */
	uint64_t timeout_us;     /* timeout T: how long an expectation waits */
	struct scn_step *step;
	unsigned nstep;
};

/* What went wrong, and where. */
struct scn_error {
	unsigned line, col; /* 1-based */
	char msg[256];      /* translated, without file, line or column */
};

/*
 * Parses a scenario of len bytes. Returns 0 and fills *out (scn_free()
 * it), or a negative TCPLAB_E* code with *err filled (TCPLAB_EINVAL for
 * a mistake in the text, TCPLAB_ENOMEM). Messages go through tr.
 */
int scn_parse(const char *text, size_t len, const struct tr *tr,
              struct scn *out, struct scn_error *err);

void scn_free(struct scn *s);

/*
 * Writes s in the notation scn_parse() reads: "client > S 0:0(0) win
 * 64240 <mss 1460,...>", with its payload when it has one (printable
 * bytes as they are, others escaped \r \n \t \\ \" \xHH), without a
 * newline. Returns the length written, or TCPLAB_ENOSPC.
 */
int scn_format_seg(const struct scn_seg *s, char *buf, size_t cap);

/*
 * Writes len bytes at p as a quoted text of the notation ("GET /\r\n"),
 * the way scn_format_seg() writes a payload. Returns the length written,
 * or TCPLAB_ENOSPC.
 */
int scn_format_text(const char *p, size_t len, char *buf, size_t cap);

/*
 * A segment seen on the wire, in relative numbers: seq and ack relative
 * to the sender's and receiver's ISNs (a SYN's seq 0, its ack absent).
 * Returns true when it fits every field want checks. On false, names the
 * first field that did not fit ("from" when want is the other sender's,
 * "flags", "seq", "length", "ack", "win", "options", "payload", checked
 * in that order) in *field. Options are compared in their order, as
 * tcpdump prints them; an EOL after the last option want names is
 * padding and fits. The payload fits when it begins with want's.
 */
bool scn_match(const struct scn_seg *want, enum scn_end from,
               const struct seg *got, uint32_t rel_seq, uint32_t rel_ack,
               const char **field);

/*
 * A segment on the wire in the notation, every field a value: what
 * scn_format_seg() writes for the runner's report and for tcplab-explain
 * --scenario. seq and ack as for scn_match() (ack left out without the
 * ACK flag), the window as sent, the options in their order up to the
 * first EOL with SACK blocks relative to the receiver's ISN (as ack),
 * the payload pointing at got's bytes (not a copy: never scn_free() it;
 * NULL when got has none, as in tcpdump's text). Returns 0, or
 * TCPLAB_EOPT when the options do not fit the notation (an unknown kind,
 * damage): w then says nothing of them (opts_given false).
 */
int scn_seg_of(struct scn_seg *w, enum scn_end from, const struct seg *got,
               uint32_t rel_seq, uint32_t rel_ack);

/*
 * The numbers of one run that a text may name in braces: {client.isn},
 * {server.isn}, {client.port}, {server.port}, each optionally followed by
 * +N or -N ({client.isn+1}; sequence numbers wrap at 2^32). A value not
 * known (a kernel's ISN before its SYN) is written as the name itself.
 */
struct scn_vars {
	uint32_t isn[2];  /* [SCN_CLIENT], [SCN_SERVER] */
	bool isn_known[2];
	uint16_t port[2];
};

/*
 * Writes text with its {...} replaced by their values. Returns the length
 * written, TCPLAB_ENOSPC, or TCPLAB_EINVAL for a name it does not know
 * (scn_parse() has already refused those in the scenario's texts).
 */
int scn_expand(const char *text, const struct scn_vars *v, char *buf,
               size_t cap);

/*
 * Compares a student's answer with a question's accepted answers, each
 * expanded with v: case, and spaces at either end or repeated inside, do
 * not count; numbers compare as numbers ("0042" is 42). True when one
 * fits.
 */
bool scn_answer_ok(const struct scn_step *q, const struct scn_vars *v,
                   const char *answer);

/*
 * The text to show a reader of language lang (a locale's name, "zh_CN",
 * "zh_CN.UTF-8", "zh"): the translation whose language it is, else en.
 */
const char *scn_tr_pick(const char *en, const struct scn_trs *t,
                        const char *lang);

/* "client" or "server"; "tcplab", "kernel" or "raw". */
const char *scn_end_name(enum scn_end e);
const char *scn_player_name(enum scn_player p);

#endif
