/*
 * annot.h: explains a TCP exchange segment by segment, as a teacher would.
 *
 * The caller feeds segments one at a time, in the order they were seen,
 * to annot_segment() (or annot_input(), which also takes what the caller
 * knows about the direction, the checksum and its own side). Each call
 * fills a struct annot_result with structured facts about that segment:
 * which connection it belongs to, whether the client or the server sent
 * it, its absolute and relative sequence and acknowledgment numbers and
 * the arithmetic behind them, which earlier segment it acknowledges, the
 * events it shows (retransmission, duplicate ACK, ...), and both sides' TCP
 * states before and after it, named as in RFC 9293. The same result also
 * carries the sentences a person reads (annot_note.c writes them);
 * annot_fmt.c formats a result as text or JSON. annot_preview() explains a
 * segment that is about to be sent without taking it in (step and predict
 * modes).
 *
 * The client is the side that sent the first SYN. When a capture starts
 * mid-stream, the client is guessed from the ports (the side on the
 * well-known or lower port is the server) and the result says so.
 * Connections are found by their address and port pair in a hash table;
 * a new SYN on a pair whose connection has closed starts a new connection.
 *
 * States. annot is the observer's model of TCP state; an endpoint's own
 * struct conn is the endpoint's. A program that is one end of the
 * connection tells annot its own side's states (annot_in.own,
 * annot_in.own_path) and annot takes them as they are; the other side,
 * and both sides for a pure observer, are inferred from the segments by
 * RFC 9293's rules, each segment changing its sender's state when sent
 * and its receiver's when it arrives. An arrival the capture cannot see
 * is assumed, and the state it leads to is marked inferred. When a later
 * segment contradicts an assumption (a retransmitted SYN-ACK proves that
 * the handshake's ACK had not arrived when it was sent; a FIN that does
 * not acknowledge the other FIN proves that the two crossed), annot
 * revises the side's state,
 * marks the result revised and says why in a note. Every change it reports
 * is a path of edges of RFC 9293's diagram (tcp_transition_ok()); one
 * segment may take a side along two edges (a FIN that carries the ACK of
 * ours: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT).
 *
 * Memory. A connection that has closed (both FINs acknowledged, or a RST)
 * lingers a while for late segments (ANNOT_LINGER_US of capture time, or
 * until more than ANNOT_LINGER_MAX others wait), then is finished: its
 * summary goes to the caller's done() callback and its memory is freed.
 * annot_finish() finishes every connection left, in the order they began.
 * So memory is bounded by the connections open at once.
 *
 * Pure: no I/O, no printing, no clock reads, no globals. The context
 * allocates its connections with malloc(); annot_free() releases them.
 */
#ifndef TCPLAB_ANNOT_H
#define TCPLAB_ANNOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conn.h"
#include "common/seg.h"
#include "common/tr.h"

/* The two ends of a connection; also indexes of the per-side arrays. */
enum annot_side {
	ANNOT_CLIENT = 0,
	ANNOT_SERVER = 1,
};

/* Who sent a segment, as the caller knows it (annot_in.from). */
enum annot_role {
	ANNOT_ROLE_UNKNOWN = 0, /* let annot decide from SYNs and ports */
	ANNOT_ROLE_CLIENT,      /* the sender is the client */
	ANNOT_ROLE_SERVER,      /* the sender is the server */
};

/* What is known of the TCP checksum (annot_in.cksum). */
enum annot_cksum {
	ANNOT_CKSUM_COMPUTE =
	        0,           /* compute it from the segment (needs payload) */
	ANNOT_CKSUM_UNKNOWN, /* not known (text input without -v) */
	ANNOT_CKSUM_OK,      /* tcpdump said "correct" */
	ANNOT_CKSUM_BAD,     /* tcpdump said "incorrect -> 0x..." */
};

/* Events a segment shows (annot_result.events, a bit set). */
#define ANNOT_EV_RETRANSMISSION                                                \
	0x0001                       /* its data or SYN/FIN was seen before    \
	                              */
#define ANNOT_EV_DUP_ACK      0x0002 /* same ACK again, data outstanding */
#define ANNOT_EV_OUT_OF_ORDER 0x0004 /* fills a gap left earlier */
#define ANNOT_EV_MISSING_BEFORE                                                \
	0x0008 /* data before it, or data it acks, never seen */
#define ANNOT_EV_ZERO_WINDOW   0x0010 /* the sender can take no more data */
#define ANNOT_EV_WINDOW_UPDATE 0x0020 /* only the window changed */
#define ANNOT_EV_KEEP_ALIVE    0x0040 /* one byte (or none) before snd.nxt */
#define ANNOT_EV_RESET         0x0080 /* RST */
/* A RST not at the receiver's RCV.NXT, or a SYN in an open connection:
 * the receiver does not take it (RFC 5961), it changes no state. */
#define ANNOT_EV_CHALLENGED 0x0100
/* A keep-alive's shape (one below what the sender has sent) while the
 * receiver's window is zero: the persist timer's window probe. */
#define ANNOT_EV_WINDOW_PROBE 0x0200
#define ANNOT_EV_COUNT        10

/* The JSON name of one event bit ("retransmission", ...), or NULL. */
const char *annot_event_name(unsigned bit);

/* How a connection ended (annot_summary.close). */
enum annot_close {
	ANNOT_CLOSE_INCOMPLETE = 0, /* no full close seen (yet) */
	ANNOT_CLOSE_THREE,        /* client FIN; server's FIN carries the ACK */
	ANNOT_CLOSE_FOUR,         /* client FIN, ACK, server FIN, ACK */
	ANNOT_CLOSE_SERVER_FIRST, /* the server sent the first FIN */
	ANNOT_CLOSE_SIMULTANEOUS, /* each FIN sent before the other arrived */
	ANNOT_CLOSE_RESET,        /* ended by RST (annot_summary.reset_by) */
};

/* "three-segment", "four-segment", "server-first", ... as in the JSON. */
const char *annot_close_name(enum annot_close c);

/* "client" or "server" in tr's language, for a sentence (the JSON
 * words are always English). */
const char *annot_side_word(const struct tr *tr, enum annot_side s);

/* A state for a sentence: its RFC name, and beside it its name in tr's
 * language when that has one of its own ("TIME-WAIT（时间等待）"), written
 * into buf; the RFC name alone otherwise. annot's notes give the second
 * name at a state's first mention in a connection only. */
const char *annot_state_words(const struct tr *tr, enum tcp_state st,
                              char *buf, size_t cap);

/*
 * One line of arithmetic: value = base + bytes [+ 1 (SYN)] [+ 1 (FIN)].
 * Relative values count from the ISN of the side whose numbers they are.
 */
struct annot_eq {
	bool valid;
	uint32_t value, base; /* absolute */
	uint32_t rel_value, rel_base;
	uint32_t bytes; /* data bytes between base and value */
	uint8_t syn;    /* 1 when a SYN lies between base and value */
	uint8_t fin;    /* 1 when a FIN lies between base and value */
};

#define ANNOT_NOTES_MAX 24
#define ANNOT_NOTE_LEN  512 /* bytes: a translation is longer in UTF-8 */

/* What a note is about (annot_result.note_kind). */
enum annot_note_kind {
	ANNOT_N_HEAD,      /* "#3 conn 1: client -> server, [.] ACK..." */
	ANNOT_N_SEQ,       /* the arithmetic of seq, and the data it carries */
	ANNOT_N_ACK,       /* the arithmetic of ack */
	ANNOT_N_OPTIONS,   /* options and timestamps */
	ANNOT_N_WINDOW,    /* the window */
	ANNOT_N_EVENT,     /* retransmission, duplicate ACK, ... */
	ANNOT_N_CKSUM,     /* an incorrect checksum */
	ANNOT_N_REVISED,   /* why a side's state was revised */
	ANNOT_N_STATE,     /* one side's states: "client: A -> B" */
	ANNOT_N_EXPECT,    /* what each side expects next */
	ANNOT_N_MILESTONE, /* handshake complete, connection closed */
	ANNOT_N_CC,        /* the caller's sender: cwnd, ssthresh, RTO... */
};

/*
 * A caller that is one end of the connection and sends data: its
 * sender's numbers as its conn reports them (conn_cc_info), for one
 * segment it sends or takes. now holds them as the segment left, or after
 * its conn took it. With changes, before holds them before the call that
 * made or took the segment, and why is the call's CONN_EV_CC reason
 * (conn_cc_why(), a message id, or NULL): the notes then say what changed
 * and the arithmetic behind it. Only the first segment of a call carries
 * the changes.
 */
struct annot_cc {
	bool valid;
	bool changes;
	struct conn_cc_info now, before;
	const char *why;
};

/* The states one side goes through across one segment: st[0] before it,
 * st[n - 1] after it, each step an edge of RFC 9293's diagram. n is 1
 * when the state did not change, 0 when nothing is known. */
#define ANNOT_PATH_MAX 4
struct annot_path {
	enum tcp_state st[ANNOT_PATH_MAX];
	unsigned n;
};

/* Everything annot knows about one segment. */
struct annot_result {
	unsigned n;    /* 1-based number of the segment in the input */
	unsigned conn; /* 1-based connection number */
	bool conn_new; /* this segment opened the connection's entry */
	enum annot_side from;
	bool from_inferred; /* client and server guessed from the ports */
	int64_t sec;
	uint32_t usec;

	/* The segment. */
	struct ipaddr saddr, daddr;
	uint16_t sport, dport;
	uint16_t flags;        /* TH_* */
	char flag_letters[12]; /* tcpdump's, e.g. "S.", "F.", "none" */
	uint32_t seq, ack;     /* absolute */
	uint32_t rel_seq, rel_ack;
	bool rel_valid;   /* the ISNs are known or assumed as tcpdump does */
	uint32_t len;     /* payload bytes */
	uint32_t seq_end; /* seq + len + SYN + FIN */
	uint16_t win;
	int32_t win_bytes; /* the window in bytes after scaling; -1 unknown */
	uint8_t win_shift; /* the shift applied to get win_bytes */

	/* The arithmetic: how seq follows from the ISN and earlier data, and
	 * how ack follows from what the other side sent. */
	struct annot_eq eq_seq, eq_ack;
	unsigned acks_seg; /* n of the latest segment this ACK covers, or 0 */
	bool ack_new;      /* the ACK moved forward */

	/* Next sequence number each side expects from the other (its
	 * RCV.NXT as far as the capture shows), and whether it is known. */
	uint32_t expect[2];
	bool expect_valid[2];

	unsigned events; /* ANNOT_EV_* */

	/* States per side (ANNOT_CLIENT, ANNOT_SERVER). before and after are
	 * path[i].st[0] and path[i].st[path[i].n - 1]. */
	enum tcp_state before[2], after[2];
	struct annot_path path[2];
	bool inferred[2]; /* the state after cannot be proved by the capture */
	bool told[2];     /* the side's own end gave its state (annot_in.own) */
	bool revised[2];  /* an earlier inference of this side was wrong:
	                     before[] is the corrected state, a note says why */
	bool ignored;     /* the receiving end's TCP never took the segment
	                     (annot_in.own_ignored) */

	/* Checksum as known: ANNOT_CKSUM_OK, _BAD or _UNKNOWN. */
	enum annot_cksum cksum;
	uint16_t cksum_good; /* the correct value, when cksum is _BAD */

	/* The connection's slot for the caller's own data (annot_ctx.done
	 * gets it back when the connection is finished); NULL when the
	 * segment has no connection. */
	void **user;

	/* The caller's sender (annot_in.own_cc), valid or not, and its
	 * side. */
	struct annot_cc cc;
	enum annot_side cc_side;
	bool cc_notes; /* annot_ctx.cc_notes: the notes speak of it */
	/* Without it, an observer's estimate of the sender this segment
	 * speaks of (its own when it carries data, else the one whose data
	 * it acknowledges), from the capture alone: inferred. */
	struct annot_cc est;
	enum annot_side est_side;

	/* Sentences for a person, in order, in the language of tr. */
	const struct tr *tr;
	char notes[ANNOT_NOTES_MAX][ANNOT_NOTE_LEN];
	unsigned char note_kind[ANNOT_NOTES_MAX]; /* enum annot_note_kind */
	unsigned nnotes;
};

/* What one connection did, for the end of the output. */
struct annot_summary {
	unsigned conn;
	struct ipaddr caddr, saddr; /* client and server addresses */
	uint16_t cport, sport;
	bool roles_inferred;
	bool handshake; /* SYN, SYN-ACK and the ACK of the SYN-ACK were seen */
	enum annot_close close;
	enum annot_side reset_by; /* when close is ANNOT_CLOSE_RESET */
	enum annot_side first_fin;
	unsigned first_n, last_n; /* segment numbers */
	unsigned segments, retransmissions, dup_acks, out_of_order, missing;
	unsigned zero_windows, window_updates, keep_alives, window_probes;
	uint64_t bytes[2]; /* payload bytes sent by each side, first copies */
	enum tcp_state state[2];
	bool inferred[2];
	void *user; /* the connection's slot (annot_result.user) */
};

/* A closed connection is finished this long (capture time) after its
 * last segment, or when more than ANNOT_LINGER_MAX closed ones wait. */
#define ANNOT_LINGER_US  (60 * 1000000LL) /* 2MSL on Linux */
#define ANNOT_LINGER_MAX 4096

struct annot_conn; /* one connection's memory (annot.c) */

/* The context: one per capture or per program run. */
struct annot_ctx {
	struct annot_conn **buckets; /* hash table of the live connections */
	size_t nbuckets;             /* a power of two, 0 before the first */
	size_t live;                 /* connections not finished yet */
	struct annot_conn *first, *last; /* live ones, in the order begun */
	size_t closed;                   /* live ones that have closed... */
	struct annot_conn *over_first, *over_last; /* ...by last segment */
	unsigned nconns;                           /* connections begun */
	unsigned nseg;                             /* segments seen */
	/* Called when a connection is finished, just before it is freed;
	 * NULL to let it go silently. */
	void (*done)(void *arg, const struct annot_summary *sm);
	void *done_arg;
	/* The reader's language for every sentence (common/tr.h); NULL,
	 * as annot_init() leaves it, for English. */
	const struct tr *tr;
	/* Notes on the caller's sender (annot_in.own_cc), or an observer's
	 * estimate of the senders, for every segment; without it, the
	 * numbers go only into the JSON. */
	bool cc_notes;
};

/*
 * cc for a segment of a call on conn c that made out: its sender once
 * `sent` segments of out have left (0: as the call took its input), and
 * with before (the numbers before the call, NULL for none) what the call
 * changed. nxt_before is c's SND.NXT before the call.
 */
void annot_cc_from_conn(struct annot_cc *cc, const struct conn *c,
                        const struct conn_out *out, uint32_t nxt_before,
                        unsigned sent, const struct conn_cc_info *before);

/* Per-segment input for annot_input(). */
struct annot_in {
	const struct seg *s; /* decoded; payload may be NULL (text input) */
	int64_t sec;
	uint32_t usec;
	enum annot_role from;
	enum annot_cksum cksum;
	uint16_t cksum_good; /* with ANNOT_CKSUM_BAD: tcpdump's "-> 0x..." */
	/*
	 * A caller that is one end of the connection: own is its side
	 * (ANNOT_ROLE_UNKNOWN for a pure observer), own_path its conn's
	 * states across this segment (the states its conn reported while it
	 * sent or took the segment; own_path.n == 0 when unchanged), and
	 * own_ignored says that a segment to it never reached its TCP
	 * (tcplab-client --drop-in).
	 */
	enum annot_role own;
	struct annot_path own_path;
	bool own_ignored;
	const struct annot_cc *own_cc; /* the own end's sender, or NULL */
};

/*
 * The states a conn went through in one call, from the state it had
 * before the call and the CONN_EV_STATE events the call reported: the
 * own_path of the segment the call took (conn_input), or of the first
 * segment it sent (conn_connect, conn_close, conn_timer...). Later
 * segments of the same call leave own_path empty.
 */
void annot_path_from_events(struct annot_path *p, enum tcp_state before,
                            const struct conn_out *out);

/* Prepares an empty context. Returns 0. */
int annot_init(struct annot_ctx *ctx);

/* Releases every connection without reporting it; ctx can be
 * initialised again. */
void annot_free(struct annot_ctx *ctx);

/*
 * Explains the next segment. Returns 0, or TCPLAB_ENOMEM when the
 * connection table cannot grow (r is then filled without a connection).
 * Connections that this segment's time leaves finished are reported to
 * ctx->done first.
 */
int annot_input(struct annot_ctx *ctx, const struct annot_in *in,
                struct annot_result *r);

/* annot_input() with the direction inferred and the checksum computed. */
int annot_segment(struct annot_ctx *ctx, const struct seg *s, int64_t sec,
                  uint32_t usec, struct annot_result *r);

/*
 * Explains a segment as annot_input() would, without taking it in: the
 * context is left as it was (step and predict modes, before a segment is
 * sent). Returns 0, or TCPLAB_ENOMEM.
 */
int annot_preview(const struct annot_ctx *ctx, const struct annot_in *in,
                  struct annot_result *r);

/* Finishes the connection of this address and port pair now (an
 * endpoint forgot it). Returns 0, or TCPLAB_EINVAL when there is none. */
int annot_forget(struct annot_ctx *ctx, const struct ipaddr *saddr,
                 uint16_t sport, const struct ipaddr *daddr, uint16_t dport);

/* Finishes every connection left, in the order they began (the end of
 * the input). */
void annot_finish(struct annot_ctx *ctx);

/* The number of connections begun so far. */
unsigned annot_conn_count(const struct annot_ctx *ctx);

/*
 * Fills out for connection conn (1-based) if it is not finished yet.
 * Returns 0, or TCPLAB_EINVAL when there is no such connection (any more).
 */
int annot_summary(const struct annot_ctx *ctx, unsigned conn,
                  struct annot_summary *out);

/*
 * Writes r's notes as indented lines ("  | ..."), each ending in '\n',
 * wrapped to cols columns (0: no wrapping) with a hanging indent.
 * Returns the length written, or TCPLAB_ENOSPC.
 */
int annot_format_text(const struct annot_result *r, unsigned cols, char *buf,
                      size_t cap);

/* annot_format_text() for the notes whose kind is in kinds, a set of
 * bits (1u << ANNOT_N_SEQ | ...). */
int annot_format_notes(const struct annot_result *r, unsigned kinds,
                       unsigned cols, char *buf, size_t cap);

/*
 * Writes r as one JSON object on one line, ending in '\n' (the schema is
 * in tcplab-explain(1)); with own_state set (an endpoint's output), it
 * carries "own_state" too. Returns the length written, or TCPLAB_ENOSPC.
 */
int annot_format_json(const struct annot_result *r, const char *own_state,
                      char *buf, size_t cap);

/* The summary as a few sentences wrapped to cols (0: no wrapping), or as
 * one JSON line. Return the length written, or TCPLAB_ENOSPC. */
int annot_format_summary_text(const struct annot_summary *sm,
                              const struct tr *tr, unsigned cols,
                              char *buf, size_t cap);
int annot_format_summary_json(const struct annot_summary *sm, char *buf,
                              size_t cap);

/* The seq and ack a student should predict for r ("SEQ ACK", relative),
 * and whether an answer matches. annot_parse_answer() reads "SEQ ACK" or
 * "SEQ -" (no ACK flag); returns 0, or TCPLAB_EINVAL when it cannot. */
int annot_parse_answer(const char *line, uint32_t *seq, bool *has_ack,
                       uint32_t *ack);
bool annot_answer_ok(const struct annot_result *r, uint32_t seq, bool has_ack,
                     uint32_t ack);

#endif
