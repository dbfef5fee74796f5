/*
 * annot_int.h: what the files of annot share and its callers never see.
 *
 *   annot.c        the context: the connection table, a segment's facts
 *                  (relative numbers, arithmetic, events), finishing
 *   annot_state.c  the observer's model of both sides' TCP states
 *   annot_note.c   the sentences a person reads, from the facts alone
 *   annot_fmt.c    text and JSON, summaries, a student's answers
 *
 * Pure, like annot.h: no I/O, no clock reads, no globals.
 */
#ifndef TCPLAB_ANNOT_INT_H
#define TCPLAB_ANNOT_INT_H

#include "common/annot.h"

#define ANNOT_HIST                                                             \
	64           /* segments remembered per side, for "acknowledges #n"    \
	              */
#define ANNOT_TSH 16 /* timestamps remembered per side, for "echoes #n" */

struct annot_hist {
	uint32_t end; /* sequence number just after the segment */
	unsigned n;
	bool has_ack; /* it carried an ACK... */
	uint32_t ack; /* ...of this */
};

struct annot_ts {
	uint32_t val;
	unsigned n;
};

/*
 * Whether a side has received one thing from the other: not (yet), assumed
 * (it was sent, and nothing says it was lost), or proved by what the side
 * itself sent afterwards.
 */
enum annot_rx {
	RX_NO = 0,
	RX_ASSUMED,
	RX_PROVED,
};

/*
 * The facts a side's TCP state follows from (annot_state.c). What it sent
 * is seen; what it received is assumed until its own segments prove it.
 */
struct annot_facts {
	bool active;   /* it sent the first SYN of its side, without ACK */
	bool syn_sent; /* it sent a SYN (or a SYN-ACK) */
	bool fin_sent; /* it sent a FIN... */
	bool fin_after_peer;     /* ...which acknowledged the other's FIN */
	bool reset;              /* a RST ended its connection... */
	bool reset_assumed;      /* ...the other's, assumed to have arrived */
	enum tcp_state reset_to; /* CLOSED, or LISTEN after a passive open */
	enum tcp_state init;     /* before anything: CLOSED or LISTEN */
	bool init_assumed;       /* LISTEN was assumed from a SYN to it */
	enum annot_rx syn;       /* the other's SYN */
	enum annot_rx syn_ack;   /* an ACK of its own SYN */
	enum annot_rx fin;       /* the other's FIN */
	enum annot_rx fin_ack;   /* an ACK of its own FIN */
	bool pend_syn, pend_fin; /* sent to it, proved not yet arrived */
	bool told;               /* its own end gives its state */
	enum tcp_state told_st;  /* ... which is this */
	/* The ACK of its own SYN, of its own FIN, that had not arrived when
	 * it sent them again. Whatever is pending may still be on its way. */
	bool pend_syn_ack, pend_fin_ack;
};

/* An observer's estimate of one side's sender (annot_est.c). */
struct annot_est {
	bool syn;              /* its SYN was seen: */
	uint16_t syn_mss;      /* ...the MSS it offered */
	bool syn_ts, syn_sack; /* ...timestamps, SACK-permitted */
	bool on;               /* its data is being estimated */
	bool sack;             /* both sides permitted SACK */
	uint32_t smss, cwnd, ssthresh, bytes_acked, loss_flight;
	bool ss_initial; /* ssthresh is still the initial one */
	bool fin_sent;   /* it has nothing more to send */
	uint32_t sacked; /* bytes above una the last ACK's SACK blocks hold */
	int64_t sent_at; /* when it last sent a segment (capture time, us) */
	uint32_t una;          /* the highest ACK of its data seen */
	uint32_t recover;
	uint32_t peer_win;     /* the window the other side offers it */
	unsigned dupacks, retries;
	unsigned una_rtx; /* the segment at una sent again since una moved */
	enum conn_cc_phase phase;
	bool timing;           /* a segment is being timed... */
	uint32_t timed_end;    /* ...that ends here... */
	int64_t timed_at;      /* ...sent then (capture time, us) */
	uint64_t srtt, rttvar, rto, rtt;
	unsigned samples;
	bool floored;
	/* The most in flight in this round trip (until rnd_end is acked)
	 * and in the one before. */
	uint32_t rnd_end, rnd_max, prev_rnd_max;
};

/* What one side of a connection has shown on the wire. */
struct annot_side_mem {
	struct ipaddr addr;
	uint16_t port;
	bool sent;        /* it has sent a segment */
	bool isn_known;   /* isn is the ISN of a SYN seen... */
	bool isn_assumed; /* ...or tcpdump's guess on a mid-stream capture */
	uint32_t isn;
	bool snd_valid;   /* snd_max is known */
	uint32_t snd_max; /* highest sequence number sent, plus one */
	bool gap;         /* [gap_lo, gap_hi) skipped by the capture */
	uint32_t gap_lo, gap_hi;
	bool syn_seen, fin_seen; /* a SYN / FIN of this side was seen */
	uint32_t syn_seq, fin_seq;
	unsigned syn_n, fin_n; /* the segments that carried the first ones */
	bool ack_valid;        /* last_ack and last_win are known */
	uint32_t last_ack;
	uint16_t last_win;
	bool rcv_valid; /* rcv_nxt: what it expects from the other side */
	uint32_t rcv_nxt;
	bool wscale_sent; /* its SYN offered window scaling */
	uint8_t wscale;
	struct annot_facts f;
	enum tcp_state st; /* the state shown after the last segment */
	struct annot_hist hist[ANNOT_HIST];
	unsigned hist_next;
	struct annot_ts ts[ANNOT_TSH];
	unsigned ts_next;
	struct annot_est est;
};

struct annot_conn {
	unsigned id;
	struct annot_side_mem sd[2]; /* ANNOT_CLIENT, ANNOT_SERVER */
	bool midstream;              /* the capture began after the SYN */
	bool roles_inferred;
	bool syn_seen; /* wscale negotiation is known */
	bool handshake;
	bool reset;
	enum annot_side reset_by;
	bool fin_any;
	enum annot_side first_fin;
	bool first_fin_acked_alone; /* a bare ACK covered the first FIN */
	bool second_fin;
	bool simultaneous;
	bool merged; /* the second FIN carried the ACK of the first */
	bool closed; /* both FINs acknowledged */
	unsigned handshake_n, closed_n; /* the segments that completed them */
	unsigned offload_n[2]; /* the first "incorrect" checksum per side */
	unsigned first_n, last_n, segments;
	unsigned retrans, dup_acks, ooo, missing, zero_win, win_upd, keep;
	unsigned probes;
	uint64_t bytes[2];
	/* Why a side's state was revised by the segment being explained
	 * (annot_state.c writes it, annot_note.c says it); "" for none. */
	char why[2][ANNOT_NOTE_LEN];
	/* The states already named in this connection's notes: the first
	 * mention carries the state's name in the reader's language. */
	uint16_t named_states;
	const struct tr *tr; /* the reader's language (annot_ctx.tr) */
	void *user; /* the caller's (annot_result.user) */
	/* The table: a hash chain, the live list in the order begun, and
	 * the time of the last segment (capture time, microseconds). */
	struct annot_conn *hnext, *prev, *next;
	struct annot_conn *oprev, *onext; /* the closed ones, oldest first */
	int64_t last_us;
	bool over; /* closed or reset: it lingers, then is finished */
};

/* "client" or "server". */
const char *annot_side_name(enum annot_side s);

/* How the connection ended, from its close-tracking flags. */
enum annot_close annot_close_kind(const struct annot_conn *c);

/* The sentence for a way of closing (annot_note.c), in tr's language. */
const char *annot_close_sentence(const struct tr *tr, enum annot_close k);

/* Appends one sentence to r's notes; a note that does not fit is cut.
 * fmt is a message: it is translated by r->tr before it is filled in. */
void annot_note(struct annot_result *r, enum annot_note_kind kind,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends a sentence written already (in the reader's language). */
void annot_note_text(struct annot_result *r, enum annot_note_kind kind,
                     const char *text);

/*
 * annot_state.c: a new connection's sides start from their first segment;
 * then each segment updates both sides' facts and fills r's states
 * (path, before, after, inferred, told, revised) and c->why.
 */
void annot_state_start(struct annot_conn *c, const struct seg *s,
                       enum annot_side f);
void annot_state_segment(struct annot_conn *c, enum annot_side f,
                         const struct seg *s, const struct annot_in *in,
                         struct annot_result *r);

/* annot_note.c: writes r's sentences. */
/* annot_est.c: the senders' estimates, after the segment is taken in. */
void annot_est_segment(struct annot_conn *c, enum annot_side f,
                       const struct seg *s, int64_t t,
                       struct annot_result *r);

/* annot_cc.c: the notes on the caller's own sender (annot_result.cc),
 * or the estimate of one (annot_result.est). */
void annot_cc_notes(const struct annot_conn *c, struct annot_result *r);

void annot_write_notes(struct annot_conn *c, struct annot_result *r,
                       const struct seg *s);

#endif
