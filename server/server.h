/*
 * server.h: the state of a running tcplab-server, shared by its files.
 *
 * main.c parses the options, opens the capture, the injector, the guard
 * and the -w file, drops privileges and runs the loop; serve.c takes each
 * captured frame through the connection table, the TCP state machine and
 * the HTTP endpoint, and injects what they answer; trace.c prints
 * segments, states, the step mode's arithmetic and the statistics.
 */
#ifndef TCPLAB_SERVER_SERVER_H
#define TCPLAB_SERVER_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/annot.h"
#include "common/conn.h"
#include "common/loss.h"
#include "common/show.h"
#include "common/httpd.h"
#include "common/io/capture.h"
#include "common/io/clock.h"
#include "common/io/inject.h"
#include "common/profile.h"
#include "common/tcpdump.h"
#include "server/table.h"

/*
 * What the server prints while it handles a frame or its timers, held
 * back until what it sends is sent: segments (their bytes, formatted
 * later) and finished lines of text, in the order they came.
 */
enum { JREC_TEXT, JREC_PACKET, JREC_FORGET, JREC_STDERR };

struct jrec {
	int kind;
	bool ours;
	size_t off, len; /* the text or the IPv4 bytes, in journal.buf */
	size_t wirelen;
	int64_t sec;
	uint32_t usec;
	char prefix[48];
	struct annot_path own_path; /* the server's states across it */
	struct annot_cc cc;         /* the server's sender (cc.valid) */
	struct ipaddr raddr;        /* JREC_FORGET: the connection's peer */
	uint16_t rport;
};

struct journal {
	bool on;
	struct jrec *rec;
	size_t nrec, caprec;
	char *buf;
	size_t len, cap;
};

/*
 * The thread that prints what each turn of the loop released, while the
 * loop goes on answering (trace_start). The explanations cost many
 * times the answering (about 200 lines a connection): under a burst the
 * printer, at a lower priority (PRINTER_NICE), takes the CPU time the
 * loop and its clients leave, falls behind by at most PRINTER_MAX_BYTES
 * or PRINTER_MAX_RECS (5,000 of ab's connections fit), and then the
 * loop waits for it. Only this thread touches the explanations (sv->sh)
 * and standard output while it runs.
 */
struct printer {
	bool on;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;    /* pending has records, or stop is set */
	pthread_cond_t room;    /* the thread took pending, or went idle */
	struct journal pending; /* released, not taken yet */
	struct journal taken;   /* being printed by the thread */
	bool busy;              /* taken is not printed yet */
	bool stop;
};

#define PRINTER_MAX_BYTES (16u << 20)
#define PRINTER_MAX_RECS  (128u << 10)
/* Under a burst with every CPU busy, nice 10 let the loop answer ab -c
 * 64 half as fast again as nice 0; with any other load the printer
 * still gets its share (a tenth of a CPU against each busy process). */
#define PRINTER_NICE 10

/* How the server closes a connection (--close). */
enum close_mode {
	CLOSE_MERGED,       /* answer the peer's FIN with one FIN+ACK */
	CLOSE_FOUR_WAY,     /* ACK the FIN at once, FIN after --close-delay */
	CLOSE_SERVER_FIRST, /* close after each response (HTTP/1.0 style) */
	CLOSE_RST,          /* answer the peer's FIN with a reset */
};

/* Why a frame or segment was not taken by a connection. */
enum drop_reason {
	DROP_LINK,  /* not IPv4, or a link header cut short */
	DROP_TRUNC, /* seg_decode() errors, one each */
	DROP_VERSION,
	DROP_IHL,
	DROP_IPLEN,
	DROP_PROTO,
	DROP_FRAG,
	DROP_HDRLEN,
	DROP_OPT,
	DROP_IPSUM,    /* bad IPv4 header checksum */
	DROP_TCPSUM,   /* bad TCP checksum */
	DROP_FLAGS,    /* SYN+FIN, SYN+RST, or none of SYN, ACK, RST */
	DROP_NOT_OURS, /* another address or port */
	DROP_NO_CONN,  /* no connection and not a SYN */
	DROP_FULL,     /* the table is full of established connections */
	DROP_CONN,     /* the state machine dropped it */
	DROP_INJECT,   /* our own segment could not be sent */
	DROP_LOSS,     /* lost on purpose, either way (--loss) */
	DROP_MAX,
};

/* How long poll() waits while the other end holds the lab clock: the
 * longest a resume may go unnoticed. */
#define SERVER_PAUSED_POLL_MS 50

/* Random words drawn at once (see random32 in serve.c). */
#define RND_POOL 64

struct stats {
	uint64_t frames, seg_in, seg_out;
	uint64_t conns, closed, resets, evicted, visitors;
	uint64_t reopened; /* TIME-WAIT ended by a newer SYN (RFC 6191) */
	/* Closed for time: idle (--keepalive-timeout), a request head not
	 * complete (--header-timeout, a 408), a close that did not finish
	 * (--keepalive-timeout after our FIN: aborted). */
	uint64_t idle_timeouts, head_timeouts, fin_timeouts;
	uint64_t offloaded; /* segments whose checksum the sender left to
	                       the device (veth, checksum offload) */
	uint64_t drops[DROP_MAX];
};

struct server {
	/* Options. */
	const char *ifname;
	struct ipaddr addr; /* IPv4 or IPv6 */
	uint16_t port;
	enum close_mode close_mode;
	uint64_t close_delay_us;
	unsigned keepalive_s; /* --keepalive-timeout */
	unsigned header_s;    /* --header-timeout */
	bool piggyback, quiet, stats, step;
	bool plain;          /* no annotations under the segments */
	bool json;           /* annot's JSON lines only on standard output */
	bool cc;             /* --cc: notes on the server's sender */
	struct profile prof; /* --profile: live or seed */
	uint32_t loss_ppm;   /* --loss, in millionths; 0: none */
	uint32_t sndbuf;     /* --sndbuf BYTES; 0: conn's default */
	uint64_t seed;       /* --seed, or a random one */
	bool seed_set;
	struct loss loss;    /* --loss: its generator */
	struct conn_cfg cfg; /* the profile's server side, as adjusted */

	/* The system. */
	struct capture *cap;
	struct injector *inj;
	struct capture_dump *dump;
	int guard;
	int linktype;
	FILE *tty;              /* step mode's input */
	struct labclock *clock; /* the connections' time (--lab-clock) */

	/* What runs. */
	struct table tab;
	struct tcpdump_flags tf; /* how tcpdump's lines print */
	struct show sh;          /* tcpdump's lines and annot's notes */
	struct conn scratch;     /* answers segments that have no connection */
	struct conn_out out;
	struct conn_cc_info cc_before; /* the sender before the current call */
	uint32_t nxt_before;           /* its SND.NXT then */
	struct stats st;
	struct journal jn;      /* output held back until the sending is done */
	struct printer pr;      /* prints it, when it is a thread of its own */
	int64_t shown_sec;      /* the time of the last packet shown: shown */
	uint32_t shown_usec;    /* times never go backwards */
	uint32_t rnd[RND_POOL]; /* random words not used yet: rnd[0..nrnd) */
	unsigned nrnd;
	struct entry **due; /* serve_timers(): the entries due, by id */
	size_t ndue;        /* room in due */
	bool addrs_said;    /* the seed profile's address warning is out */
	volatile int stop;  /* set by a signal or by 'q' in step mode */
	int64_t date_sec;
	char date[40];
	char resp[HTTPD_RESP_MAX];
	char text[65536];
	uint8_t frame[2048];
};

/* The connections' time, in microseconds: the lab clock, which stands
 * still while either end waits for the student (common/io/clock.h). */
uint64_t server_now(void);

/*
 * The frames the capture's ring holds (64 KiB of kernel memory each):
 * what clients may send while the server is busy printing or off the
 * CPU. A client waiting for the server has at most three frames in
 * flight (ab's ACK, FIN and next SYN), so 256 hold what 64 clients send,
 * with room to spare; ab -c 64 lost frames with 160 slots and none with
 * 192 (bench/README.md).
 */
#define SERVER_RING 256

/* The most frames answered in one turn of the loop before the timers run
 * and the output is printed. */
#define SERVER_BATCH 256

/* serve.c: what they print is held (trace_hold) until the caller
 * releases it, once the turn's answers are sent. */
void serve_frame(struct server *sv, const struct capture_frame *f);
void serve_timers(struct server *sv, uint64_t now);
uint64_t serve_deadline(struct server *sv);
/* Says once that a seed exchange will not be the article's, byte for
 * byte, on these addresses or ports. */
void seed_elsewhere(struct server *sv);

/* trace.c */
/* From hold to release, printing is only recorded; release prints it all
 * in order (into stdout's buffer: the caller flushes once per batch), or
 * hands it to the printer thread. */
void trace_hold(struct server *sv);
void trace_release(struct server *sv);
/* Starts the printer thread, unless nothing is printed (--quiet) or the
 * loop talks to the student (--step); without it, trace_release()
 * prints. trace_stop() waits until it has printed everything. */
void trace_start(struct server *sv);
void trace_stop(struct server *sv);
/* Whether standard output is the printer thread's. */
bool trace_threaded(const struct server *sv);
void trace_free(struct server *sv);
/* Prepares the path from segments to lines (common/show) at the
 * terminal's width. */
void trace_init(struct server *sv, const struct tcpdump_resolver *res);
/* Prints a segment as tcpdump does and explains it; ours says the server
 * sent it, own_path gives the server's states across it (NULL: none). */
void trace_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                  size_t wirelen, const char *prefix, int64_t sec,
                  uint32_t usec, bool ours, const struct annot_path *own_path,
                  const struct annot_cc *cc);
/* The server's states across the segment it received last, once its
 * conn has taken it. */
void trace_own_path(struct server *sv, const struct annot_path *p,
                    const struct annot_cc *cc);
/* The connection of e is over for the server: the explanations forget it
 * too, after what is printed before. */
void trace_forget(struct server *sv, const struct entry *e);
/* The connections left, at the end: --json's lines. */
void trace_connections(struct server *sv);
/* A line about the run: on stdout, or stderr with --quiet or --json. */
void trace_notice(struct server *sv, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* The events of a call, but its state changes when a segment shows them
 * (carried: the call took or sent a segment and annot explains it). */
void trace_events(struct server *sv, struct entry *e,
                  const struct conn_out *out, bool carried);
void trace_line(struct server *sv, struct entry *e, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void trace_visitor(struct server *sv, struct entry *e,
                   const struct httpd_info *info);
/* Step mode: shows s and its arithmetic; returns false to abort. */
bool trace_step(struct server *sv, struct entry *e, const struct seg *s,
                const struct annot_path *own_path);
void trace_summary(struct server *sv, FILE *f);
const char *drop_name(enum drop_reason r);

#endif
