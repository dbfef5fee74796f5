/*
 * play.h: tcplab-play, the engine behind `tcplab run FILE.scn`.
 *
 * One process plays a whole scenario (tcplab-scenario(5)). It enters both
 * of the lab's network namespaces while it starts, and opens there what
 * each end needs: for a tcplab end a capture, a link-layer injector and a
 * port guard, around a struct conn; for a kernel end an ordinary TCP
 * socket; for a raw end the same as tcplab's but no conn; for every end a
 * capture of what reaches it. A segment is seen when it reaches its
 * receiver, and at that moment the receiver's TCP takes it: it is shown
 * through common/show (tcpdump's line and annot's arithmetic) and matched
 * against the scenario's segment steps of its direction (play_steps.c), so
 * that whatever the walk has seen, the receiving end has had too. Since one
 * process holds both ends, one clock serves both: it stands still while the
 * student reads, so tcplab's ends never time out at a prompt.
 */
#ifndef TCPLAB_PLAY_H
#define TCPLAB_PLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/conn.h"
#include "common/scn.h"
#include "common/show.h"

struct capture;
struct injector;

/* How an end's application reads (END read ...). */
enum play_read { PLAY_READ_ALL, PLAY_READ_OFF, PLAY_READ_SOME };

/* A segment held back by a delay step. */
struct play_held {
	struct seg s;
	uint8_t payload[1600];
	uint64_t due_us;
	bool used;
};

#define PLAY_HELD_MAX 8
#define PLAY_OURS_MAX 32

/* A segment the engine itself put on the wire (inject, delay), which
 * the wire shows once more: not to be matched again. */
struct play_ours {
	uint32_t seq, ack;
	uint16_t flags;
	uint32_t len;
	unsigned step; /* the step that sent it */
	bool used;
	uint16_t ip_id; /* IPv4: a retransmission has another */
};

struct play_end {
	enum scn_end id;
	enum scn_player player;
	struct ipaddr addr;
	uint16_t port;
	struct capture *cap;  /* the segments that reach this end */
	struct injector *inj; /* tcplab and raw */
	uint8_t mac[6];       /* this end's interface */
	int guard;            /* tcplab and raw: the port guard */
	/* tcplab */
	struct conn c;
	struct conn_cfg cfg;
	struct conn_out co;
	bool opened;
	uint32_t iss;
	/* the application */
	uint8_t *app; /* bytes written, not yet taken by TCP */
	size_t app_len, app_off;
	bool close_pending, closed;
	enum play_read read;
	uint64_t read_left; /* PLAY_READ_SOME */
	uint64_t received;  /* bytes the application has read */
	/* kernel */
	int lfd, fd; /* the bound socket is one of them until it opens */
	bool listening, connecting;
	bool eof; /* the peer's FIN has been read */
	/* what this end sent, as the wire showed it (inject's defaults) */
	bool sent_any;
	uint32_t nxt, last_ack, ts_last;
	uint16_t last_win;
	bool ts_seen;
	uint32_t ts_base; /* a raw end's TS clock */
};

/* What became of a segment step. */
struct play_seen {
	int verdict; /* 0 not yet, 1 as expected, -1 not */
	bool has;    /* a segment was matched to it */
	uint32_t seq, end, len, ack, win;
	uint16_t flags;
	char why[400]; /* a verdict of -1: what differed */
};

struct play {
	struct scn scn;
	const char *file; /* the scenario's path */
	const char *lab;  /* its name, for records */
	const char *ifname;
	const char *ns[2];
	bool autorun, plain, quiet;
	const char *student;
	const char *lang; /* the reader's language, for the texts */
	FILE *rec;
	struct play_end e[2];
	struct show sh;
	char *text; /* show's output buffer */
	size_t text_cap;
	/* the lab clock: CLOCK_MONOTONIC less the time spent paused */
	uint64_t paused_us, pause_from;
	uint64_t t_start;
	/* the wire's ISNs, per sender */
	bool isn_seen[2];
	uint32_t isn[2];
	struct play_seen *seen; /* per step */
	unsigned next_seg[2];   /* per sender: the next segment step to match */
	struct play_held held[PLAY_HELD_MAX];
	unsigned unseen[2]; /* per sender: tcplab segments sent, not yet seen */
	bool over;          /* the walk has ended: the wire is only shown */
	struct play_ours ours[PLAY_OURS_MAX];
	unsigned good, bad, unexpected;
	unsigned pred_asked, pred_right, q_asked, q_right;
	int pred_step;      /* the segment step a prediction waits for */
	unsigned pred_mask; /* its fields */
	uint32_t pred_val[4];
	bool pred_given;
	unsigned pred_no;
	bool stopped, failed_env;
	int64_t wall_start;
};

/* play.c */
uint64_t play_now(const struct play *p);
void play_pause(struct play *p);
void play_resume(struct play *p);
/* Waits for input for at most ms, takes what came, runs the timers and
 * the applications. */
void play_pump(struct play *p, int ms);
/* Runs the application step on end e (listen, connect, send, read,
 * window, close, abort). Returns 0, or -1 with a message said. */
int play_action(struct play *p, const struct scn_step *st);
/* The scenario is over: resets the connection where an end still holds
 * it open (a tcplab end not closed, a kernel socket not closed), so that
 * nothing goes on after the engine has gone. True when it reset one. */
bool play_wind_up(struct play *p);
/* Crafts and sends an inject step's segment. */
int play_inject(struct play *p, unsigned i);
void play_say(struct play *p, FILE *f, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* play_steps.c */
int play_steps(struct play *p);
/* A segment from sender d seen on the wire (bytes from the IP header). */
void play_seen_on_wire(struct play *p, enum scn_end d, const struct seg *s,
                       const uint8_t *ip, size_t len, size_t wirelen,
                       int64_t sec, uint32_t usec);
/* A tcplab end's segment before it goes out: 0 send it, 1 dropped, 2 held
 * (a delay step took it). */
int play_hold(struct play *p, enum scn_end d, const struct seg *s);
void play_vars(const struct play *p, struct scn_vars *v);
/* SIGINT or SIGTERM came. */
bool play_interrupted(void);

#endif
