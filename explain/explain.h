/*
 * explain.h: what the parts of tcplab-explain share.
 *
 *   main.c   the options, opening the input, main()
 *   run.c    one run's context: the output buffer, annotating a segment,
 *            the end of the run
 *   pcap.c   the pcap run: libpcap's records, one packet at a time
 *   text.c   the text run: tcpdump's lines, one packet at a time
 *   draw.c   the end of a connection: its summary, its ladder, the SVG
 *   tsg.c    --tsg: one connection's time-sequence graph, SVG or text
 *   cwnd.c   --cwnd: one connection's cwnd, ssthresh and flight over time
 *   handout.c --handout: a lab's printable handout or answer key (HTML)
 *   scenario.c  --scenario: one connection as a scenario that replays it
 *
 * Only main() exits; the runs return an exit status. Nothing here sends a
 * packet or makes a DNS query.
 */
#ifndef TCPLAB_EXPLAIN_H
#define TCPLAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/annot.h"
#include "common/ladder.h"
#include "common/show.h"
#include "common/tcpdump.h"
#include "common/tdtext.h"
#include "explain/other.h"

#define PROG "tcplab-explain"

struct scn;
struct handout_keep;

/* Exit statuses. */
#define EXIT_OK    0
#define EXIT_INPUT 1
#define EXIT_USAGE 2

/*
 * The output buffer, and the room one packet is given in it: more than
 * the longest text of an IPv4 packet (65,535 bytes, an HTTP line each
 * printed as three) with its notes. The buffer is written out when less
 * room is left.
 */
#define OUT_CAP  (1024 * 1024)
#define OUT_ROOM (256 * 1024)

struct options {
	struct tcpdump_flags flags;
	long count; /* -c; 0 for no limit */
	const char *file;
	char *filter; /* the expression, or NULL */
	int plain;
	int json;        /* --json: one JSON object per line, nothing else */
	int ladder_only; /* --ladder: only the diagrams */
	int ascii;       /* --ascii: no box drawing */
	unsigned width;  /* --width, else the terminal's: lines and ladders */
	unsigned conn;   /* --conn: the connection for --svg and --tsg */
	const char *svg; /* --svg FILE */
	const char *tsg; /* --tsg FILE, or "-" for a text plot */
	int tsg_text;    /* --tsg -: the plot instead of the usual output */
	const char *cwnd; /* --cwnd FILE, or "-" for a text plot */
	int graph_text;   /* --tsg - or --cwnd -: a plot, nothing else */
	int cc;           /* --cc: notes on the senders' estimates */

	/* --handout: a lab's handout (handout.c). */
	const char *handout; /* --handout FILE */
	const char *lab;     /* --lab FILE.scn: the handout's scenario */
	int key;             /* --key: the answer key */
	const char *student; /* --student NAME, in the handout's head */
	struct scn *scn;     /* the scenario, parsed (handout_load) */
	const char *scenario; /* --scenario FILE, or "-" instead of the
	                         usual output */
};

/* A long connection's ladder shows its first and last segments. */
#define DRAW_HEAD 250
#define DRAW_TAIL 250

/*
 * What tcplab-explain keeps of one connection, in annot's slot for it
 * (annot_result.user): the rows of its ladder; and once annot has
 * finished it, its summary, while it waits to be printed.
 */
struct conn_keep {
	/* Its first DRAW_HEAD rows, then its last DRAW_TAIL in a ring
	 * (the oldest at DRAW_HEAD + ring); dropped rows between them. */
	struct ladder_row *rows;
	size_t nrows, cap, ring;
	unsigned dropped;
	struct annot_summary sm;
	struct conn_keep *next; /* the queue of finished connections */
};

/* One run over one input. */
struct explain {
	const struct options *o;
	struct show sh; /* tcpdump's lines and annot's notes (common/show) */
	struct names *names;
	struct other_names onames;
	char *out; /* OUT_CAP bytes; out[0..used) waits to be written */
	size_t used;
	int write_failed;
	/* Connections annot finished while a packet was annotated, in the
	 * order it finished them: printed before that packet. */
	struct conn_keep *fin_first, *fin_last;
	char *hold; /* a packet's text while they go first (OUT_ROOM) */
	int lost;   /* connections not printed for want of memory */
	/* Text input: the labels behind made-up addresses (240.0.0.0/8). */
	struct {
		struct ipaddr addr;
		char name[TDTEXT_LABEL_LEN];
	} label[TDTEXT_LABELS];
	unsigned nlabel;
	int svg_done, svg_failed; /* --svg: written, or failed */
	struct tsg_keep *tsg;     /* --tsg: the connection's segments */
	int tsg_done, tsg_failed; /* --tsg: drawn (or tried), or failed */
	struct cwnd_keep *cwnd;     /* --cwnd: the connection's senders */
	int cwnd_done, cwnd_failed; /* --cwnd: drawn (or tried), or failed */

	struct handout_keep *ho;          /* --handout: the segments */
	int handout_done, handout_failed; /* --handout: written, or failed */
	struct scen_keep *scen;     /* --scenario: the connection's segments */
	int scen_done, scen_failed; /* --scenario: written (or tried), failed */
	/* The application protocols whose payloads were left out (struct
	 * tcpdump_ctx's app_skipped), each named once on standard error. */
	const char *app_noted[24];
	unsigned napp_noted;
};

/* run.c */

/* Prints "tcplab-explain: ", the message and a newline on standard error:
 * a message for a person, in the reader's language (the caller passes
 * _("...")). */
void explain_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A new run, or NULL (with a message) when out of memory. */
struct explain *explain_new(const struct options *o);

/* Writes out[0..used) to standard output. */
void explain_flush(struct explain *e);

/* Makes room for need bytes at out + used, writing out what is there. */
void explain_room(struct explain *e, size_t need);

/*
 * After common/show explained a segment: keeps its ladder row, and for
 * --tsg what the graph needs of it (s is the decoded segment, or NULL).
 * No I/O: connections that annot finished meanwhile wait in e's queue.
 */
void explain_explained(struct explain *e, const struct seg *s);

/*
 * Takes the text of one packet (n bytes at out + used): first the
 * connections finished meanwhile are printed, then the text. A notice
 * (what is printed for a packet that is not an explained segment) goes to
 * standard error with --json and --ladder, whose standard output is for
 * the JSON objects or the diagrams alone.
 */
void explain_commit(struct explain *e, size_t n, int notice);

/* After the last packet: the connections left, the SVG. Returns 0, or -1
 * when the SVG was not written. */
int explain_finish(struct explain *e);

/*
 * Ends a run: checks that everything printed reached standard output, and
 * frees e (which may be NULL). Returns rc, or EXIT_INPUT when the output
 * could not be written.
 */
int explain_close(struct explain *e, int rc);

/* draw.c */

/* Keeps what the ladder diagram needs of one segment, in r->user. */
void draw_keep_row(struct explain *e, const struct annot_result *r);

/* annot's done callback: puts the connection in e's queue. */
void draw_conn_done(void *arg, const struct annot_summary *sm);

/* Prints the queue: each connection's summary and ladder, or its JSON
 * line; with --svg, writes the chosen connection's SVG. */
void draw_finished(struct explain *e);

/* Frees what is kept of a connection without printing it (a done
 * callback for the end of a run that failed), or of the whole queue. */
void draw_forget(void *arg, const struct annot_summary *sm);
void draw_forget_all(struct explain *e);

/* The ladder of a finished connection as an SVG document, blank (no
 * seq, ack or state) for a handout; malloc'd, its length in *len. NULL
 * after a message. */
char *draw_svg(struct explain *e, struct conn_keep *k, bool blank, size_t *len);

/* "192.0.2.1:80", "[2001:db8::1]:80", or "label:80" for a made-up address
 * of text input. */
void draw_addr_port(const struct explain *e, const struct ipaddr *a,
                    uint16_t port, char *buf, size_t cap);

/* Writes n bytes of buf to file. Returns 0, or -1 after a message. */
int explain_write_file(const char *file, const char *buf, size_t n);

/* The address alone, "192.0.2.1" or "2001:db8::1" (with v6, an IPv4 one
 * as the IPv4-mapped "::ffff:192.0.2.1"), or the label of a made-up one;
 * returns 1 for a label, else 0. */
int draw_addr(const struct explain *e, const struct ipaddr *a, bool v6,
              char *buf, size_t cap);

/* tsg.c */

/* Keeps what the graph needs of a segment of the --tsg connection. */
void tsg_keep_seg(struct explain *e, const struct annot_result *r,
                  const struct seg *s);

/* When annot finished a connection: the --tsg one is drawn, to its file
 * or into the output buffer, and what was kept of it freed. */
void tsg_conn_done(struct explain *e, const struct annot_summary *sm);

/* Frees what is kept for the graph. */
void tsg_forget(struct explain *e);

/* handout.c */

/* After the options: with --handout, checks the options that go with it
 * and reads the scenario (--lab) into o->scn. Returns -1 to go on, or
 * the status to exit with after a message. */
int handout_load(struct options *o);

/* Frees the scenario. */
void handout_unload(struct options *o);

/* Keeps what the handout needs of a segment of its connection. */
void handout_keep_seg(struct explain *e, const struct annot_result *r);

/* When annot finished the handout's connection: writes the file. Returns
 * 0, or -1 after a message. */
int handout_conn_done(struct explain *e, struct conn_keep *k);

/* Frees what the handout keeps. */
void handout_forget(struct explain *e);

/* pcap.c: explains what libpcap reads from p; returns the exit status. */
struct pcap;
int pcap_run(struct pcap *p, const struct options *o);

/* text.c: explains tcpdump's text read from f, line by line; returns the
 * exit status. */
int text_run(FILE *f, const struct options *o);

/* The text plots' rows (--tsg -, --cwnd -): with the title, axis and
 * legend about 21 lines, which leaves a 24-line terminal its prompt. */
#define CHART_TEXT_ROWS 14

struct chart;

/* Draws c into file as SVG, or with file "-" as a text plot into the
 * output. Returns 0, or -1 after a message. */
int explain_chart(struct explain *e, const struct chart *c, const char *file);

/* cwnd.c */

/* Keeps the sender's numbers of a segment of the --cwnd connection. */
void cwnd_keep_result(struct explain *e, const struct annot_result *r);

/* When annot finished a connection: the --cwnd one is drawn. */
void cwnd_conn_done(struct explain *e, const struct annot_summary *sm);

/* Draws what was kept (sm: the connection's summary, or NULL for a
 * --json log). Returns 0, or -1 after a message. */
int cwnd_draw(struct explain *e, const struct annot_summary *sm);

/* Frees what --cwnd keeps. */
void cwnd_forget(struct explain *e);

/* Reads a tcplab program's --json log for --cwnd; returns the exit
 * status. */
int cwnd_log_run(FILE *f, const struct options *o);

/* scenario.c */

/* Keeps a segment of the --scenario connection (s: the decoded segment,
 * with its payload, or NULL). */
void scen_keep_seg(struct explain *e, const struct annot_result *r,
                   const struct seg *s);

/* When annot finished a connection: the --scenario one is written. */
void scen_conn_done(struct explain *e, const struct annot_summary *sm);

/* Frees what --scenario keeps. */
void scen_forget(struct explain *e);

#endif
