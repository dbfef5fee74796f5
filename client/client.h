/*
 * client.h: the state of one tcplab-client run, shared by main.c (options
 * and setup) and run.c (the exchange loop and its output).
 */
#ifndef TCPLAB_CLIENT_CLIENT_H
#define TCPLAB_CLIENT_CLIENT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/annot.h"
#include "common/conn.h"
#include "common/loss.h"
#include "common/httpc.h"
#include "common/profile.h"
#include "common/show.h"
#include "common/tcpdump.h"

/* Exit statuses (DESIGN.md). */
#define EXIT_OK    0
#define EXIT_FAIL  1 /* the exchange failed: RST, timeout, bad response */
#define EXIT_USAGE 2
#define EXIT_ENV   3 /* privileges, interface, route, port in use */

#define DROP_MAX 16

/* How long the loop waits while the other end holds the lab clock: the
 * longest a resume may go unnoticed. */
#define CLIENT_PAUSED_POLL_MS 50

struct client_opts {
	const char *url;
	const char *ifname;  /* -i */
	struct ipaddr saddr; /* -s, when saddr_set; else routing decides */
	bool saddr_set;
	int family;   /* -4 or -6: 4 or 6; 0: the URL's host decides */
	int sport;    /* --sport, -1: the profile's or ephemeral */
	bool isn_set; /* --isn */
	uint32_t isn;
	const char *profile;   /* --profile */
	const char *outfile;   /* -O */
	const char *wfile;     /* -w */
	const char *user;      /* --user: whom to drop privileges to */
	const char *lab_clock; /* --lab-clock FILE, or NULL */
	struct httpc_req_opts req;
	struct tcpdump_flags tf;
	bool quiet, step, predict;
	bool plain; /* --plain: no explanations under the segments */
	bool json;  /* --json: annot's JSON lines only on standard output */
	bool cc;    /* --cc: notes on the client's sender under every segment */
	long time_wait_s; /* --time-wait, -1: 2MSL (60 s) */
	int syn_retries;  /* --syn-retries, -1: the profile's (6) */
	long timeout_s;   /* --timeout: silence before giving up, 0: never */
	bool no_guard;    /* --no-guard: leave the kernel free to RST */
	unsigned drop[DROP_MAX], ndrop;       /* --drop N */
	unsigned drop_in[DROP_MAX], ndrop_in; /* --drop-in N */
	unsigned blackout_n;  /* --blackout N,MS: from the Nth incoming... */
	uint64_t blackout_us; /* ...everything for MS ms; 0: none */
	uint32_t rcvbuf;      /* --rcvbuf BYTES; 0: the profile's window */
	bool no_sack;         /* --no-sack: no sackOK in the SYN */
	uint32_t read_rate;   /* --read-rate BYTES/S; 0: reads at once */
	uint32_t loss_ppm;    /* --loss P, in millionths; 0: none */
	uint64_t seed;        /* --seed N */
	bool seed_set;
};

/* A segment the conn made: its bytes, and the states the conn went
 * through in the call that made it, when it is the call's first. */
struct outseg {
	uint8_t bytes[1600];
	size_t len;
	struct annot_path own_path;
	struct annot_cc cc; /* the client's sender as it left */
};

/* Segments the conn made and the client has not put on the wire yet, in
 * order: a ring. */
#define OUTQ_MAX 64
struct outq {
	struct outseg seg[OUTQ_MAX];
	unsigned head, count;
};

struct capture;
struct capture_dump;
struct injector;
struct labclock;
struct names;

struct client {
	struct client_opts o;
	struct loss loss;    /* --loss: its generator */
	uint32_t rcvbuf_eff; /* the receive buffer the conn gets */
	uint64_t read_at;    /* --read-rate: when the reader last took data */
	uint64_t read_carry; /* and the byte-microseconds it has not used */
	struct profile prof;
	struct httpc_url url;
	char req[8192];
	size_t req_len;

	/* The system: opened by main.c before privileges are dropped. */
	char ifname[IF_NAMESIZE];
	struct ipaddr saddr, daddr; /* of one family, IPv4 or IPv6 */
	uint16_t sport, dport;
	unsigned mtu; /* toward the server: the interface's or the route's */
	uint16_t mss; /* what the SYN announces: the MTU less the headers */
	int guard;
	struct capture *cap;
	struct injector *inj;
	struct capture_dump *dump;
	struct names *names;
	struct labclock *clock; /* the connection's time (--lab-clock) */
	FILE *out;              /* -O, or NULL for standard output */
	FILE *in;               /* answers for --step and --predict */

	/* The exchange. */
	struct conn c;
	struct conn_out co;
	struct show sh; /* tcpdump's lines and annot's notes, one path */
	struct outq q;  /* segments the conn made, not on the wire yet */
	unsigned nsent; /* segments the conn has produced */
	unsigned nout;  /* outgoing segments, for --drop */
	unsigned nin;   /* incoming segments, for --drop-in */
	bool req_sent, closing, peer_fin;

	/* The response (client/body.c): parsed and written as it arrives. */
	struct httpc_resp resp;
	bool resp_error;     /* it is not HTTP/1.x */
	bool body_midline;   /* standard output's last byte is body, no '\n' */
	bool body_done_said; /* the line that the body is whole was said */
	bool write_failed;   /* the -O file or standard output refused it */

	uint64_t blackout_end; /* --blackout: the end, once it has begun */
	enum tcp_state state_before;   /* before the call being taken */
	struct conn_cc_info cc_before; /* the sender before that call */
	uint32_t nxt_before;           /* SND.NXT before that call */
	const char *failure; /* why the exchange failed, NULL if it did not */
	char failbuf[1024];
	bool aborting;         /* the client resets the connection itself */
	unsigned right, asked; /* --predict score */
	uint64_t t0;           /* the lab clock at the start, in us, less 1 s */
	uint64_t call_t;       /* the time of the conn call under way */
	uint64_t fw2_since;    /* when FIN-WAIT-2 began */
	uint64_t heard_at;     /* when the server last sent a segment (or
	                          the SYN left, before it answered) */
	uint64_t resp_done_at; /* when a response that announced a close
	                          was complete, waiting for the server's FIN */
	int64_t shown_sec;     /* the time of the last line shown: shown */
	uint32_t shown_usec;   /* times never go backwards */
	char text[65536];      /* what one packet prints */
};

/* Prepares the way segments and lines are shown (before client_say). */
void client_show_init(struct client *cl);

/* One of the client's own lines, wrapped to the terminal's width. */
void client_say(struct client *cl, FILE *f, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* One of the client's own lines of the trace, on standard output: none
 * with --quiet or --json. */
void say(struct client *cl, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Records why the exchange failed; the first reason is the one told. */
void client_fail(struct client *cl, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Runs the exchange; returns the exit status. */
int client_run(struct client *cl);

/* body.c. Takes n bytes the server's TCP delivered in order. */
void body_take(struct client *cl, const uint8_t *p, size_t n);
/* Writes out what the -O file holds in its buffer. */
void body_flush(struct client *cl);

/* The server's FIN: the end of a body delimited by the close, or a
 * response cut short. */
void body_fin(struct client *cl);

/* The server reset the connection: returns true when that is said
 * already (the response was whole: no failure; or a body delimited by the
 * close ended by it: a failure), false when the caller explains it. */
bool body_reset(struct client *cl);

/* Before a line of the trace on standard output: ends the line a piece
 * of the body left open. */
void body_break(struct client *cl);

#endif
