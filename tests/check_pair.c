/*
 * check_pair.c: two conns talk over a fake link while annot watches.
 *
 * A client conn (conn_connect) and a server conn (conn_listen) run through
 * a table of scenarios: the application's actions (connect, send, close,
 * abort), the link's (deliver the next segment of a direction, lose it,
 * or let it reach the receiving host but not its TCP) and the clock's
 * (advance it and run both conns' timers; "the student waits" 30 s). Two
 * captures watch, one at each host: each sees what its end sends, when it
 * sends it, and what arrives there, when it arrives. Each capture feeds
 * two annot contexts: a pure observer (annot_segment(), as tcplab-explain
 * reads a pcap file) and the end's own, which is told its side's states
 * from its conn's events (annot_in.own, own_path, own_ignored, as
 * tcplab-client and tcplab-server do).
 *
 * After every capture event, annot's states are held against the conns'
 * real states at that moment:
 *   (a) every step of every path is an edge of RFC 9293's diagram;
 *   (b) a side annot does not mark inferred is in the state annot says:
 *       annot never claims a wrong state as proved; unless the conn got
 *       there by its application or a timer in a way the capture cannot
 *       have seen yet (its FIN still on the link, an abort in TIME-WAIT,
 *       which sends nothing): no observer can know that;
 *   (c) a told side is its conn's state, never inferred;
 * and each scenario spells out what a student should see at its key
 * points (d), revisions included.
 *
 * A conn call that sends several segments changes its state before the
 * first leaves; the harness takes the state after the call as the state
 * at each of them, as annot_path_from_events() gives the whole path to
 * the first. The scenarios avoid a call whose segments straddle a state
 * change (data and FIN are sent by separate calls).
 *
 * No root, no sockets, no real clock. Set PAIR_VERBOSE=1 to print every
 * capture event with annot's states and the conns'.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/annot.h"
#include "common/conn.h"
#include "common/seg.h"
#include "tests/article.h"
#include "tests/testlib.h"

#define MS  1000ull
#define SEC 1000000ull
#define T0  (10 * SEC) /* the fake clock when a scenario starts */

/* The two ends: also the index of the direction they send in. */
enum end { C = 0, S = 1 };

static const uint32_t end_addr[2] = {ARTICLE_CLIENT_ADDR, ARTICLE_SERVER_ADDR};
static const uint16_t end_port[2] = {ARTICLE_CLIENT_PORT, ARTICLE_SERVER_PORT};
/* ISNs near 2^32: the client's first byte is 0xffffffff, the second 0. */
static const uint32_t end_iss[2] = {ISN_NEAR_WRAP, ISN_NEAR_WRAP_PEER};
/* A second connection on the same ports starts this far on. */
#define ISS_AGAIN 100000u

/* The four annot contexts: a pure observer and a told one per host. */
enum view { CAP_C = 0, CAP_S = 1, TOLD_C = 2, TOLD_S = 3, NVIEWS = 4 };

static const char *const view_name[NVIEWS] = {
        "capture at the client", "capture at the server", "client's own annot",
        "server's own annot"};

enum op {
	OP_END = 0,
	OP_LISTEN,    /* end a: conn_listen */
	OP_CLOSED,    /* end a: a conn in CLOSED on its port */
	OP_CONNECT,   /* end a: conn_connect to the other end */
	OP_SEND,      /* end a sends n bytes (the article's when n is 0) */
	OP_CLOSE,     /* end a: conn_close */
	OP_ABORT,     /* end a: conn_abort */
	OP_DELIVER,   /* the next segment end a sent arrives at the other */
	OP_DROP,      /* ... is lost on the link */
	OP_DROP_IN,   /* ... reaches the other's host but not its TCP */
	OP_FLUSH,     /* deliver every segment in flight, oldest first */
	OP_ADVANCE,   /* the clock moves n microseconds; timers run */
	OP_TIMER,     /* the clock moves to end a's next timer, which runs */
	OP_STATE,     /* end a's conn is in state st[0] (the harness's aim) */
	OP_INFLIGHT,  /* n segments from end a are in flight */
	OP_SEE,       /* view v, segment seg: end a's state after is st[0],
	                 inferred as flag (-1: either) */
	OP_PATH,      /* ... end a's path is st[0..nst) */
	OP_REVISED,   /* ... end a was revised to st[0] before the segment */
	OP_UNREVISED, /* ... end a was not revised */
	OP_NOTE,      /* ... a note contains text */
	OP_AUTO,      /* from now on the link delivers every segment at once */
};

struct step {
	enum op op;
	int a;       /* an end */
	enum view v; /* OP_SEE, OP_PATH, OP_REVISED, OP_NOTE */
	unsigned n;  /* bytes, microseconds, segments in flight */
	int seg;     /* a segment of view v: #seg, or with seg <= 0 the
	                last one but -seg */
	enum tcp_state st[ANNOT_PATH_MAX];
	unsigned nst;
	int flag;
	const char *text;
};

/* The steps, as the table writes them. */
/* clang-format off */
#define LISTEN(e)      {.op = OP_LISTEN, .a = (e)}
#define CLOSED_PORT(e) {.op = OP_CLOSED, .a = (e)}
#define CONNECT(e)     {.op = OP_CONNECT, .a = (e)}
#define SEND(e, bytes) {.op = OP_SEND, .a = (e), .n = (bytes)}
#define CLOSE(e)       {.op = OP_CLOSE, .a = (e)}
#define ABORT(e)       {.op = OP_ABORT, .a = (e)}
#define DELIVER(e)     {.op = OP_DELIVER, .a = (e)}
#define DROP(e)        {.op = OP_DROP, .a = (e)}
#define DROP_IN(e)     {.op = OP_DROP_IN, .a = (e)}
#define FLUSH()        {.op = OP_FLUSH}
#define ADVANCE(us)    {.op = OP_ADVANCE, .n = (us)}
#define TIMER(e)       {.op = OP_TIMER, .a = (e)}
#define AUTO()         {.op = OP_AUTO}
#define STATE(e, s)    {.op = OP_STATE, .a = (e), .st = {s}}
#define INFLIGHT(e, k) {.op = OP_INFLIGHT, .a = (e), .n = (k)}
#define SEE(view, num, e, s, inf)                                              \
	{.op = OP_SEE, .v = (view), .seg = (num), .a = (e), .st = {s},         \
	 .flag = (inf)}
#define PATH(view, num, e, ...)                                                \
	{.op = OP_PATH, .v = (view), .seg = (num), .a = (e),                   \
	 .st = {__VA_ARGS__},                                                  \
	 .nst = sizeof((enum tcp_state[]){__VA_ARGS__}) /                      \
	        sizeof(enum tcp_state)}
#define REVISED(view, num, e, s)                                               \
	{.op = OP_REVISED, .v = (view), .seg = (num), .a = (e), .st = {s}}
#define UNREVISED(view, num, e)                                                \
	{.op = OP_UNREVISED, .v = (view), .seg = (num), .a = (e)}
#define NOTE(view, num, t)                                                     \
	{.op = OP_NOTE, .v = (view), .seg = (num), .text = (t)}
#define END            {.op = OP_END}
/* clang-format on */

/* The application's bytes: the article's request and response. */
#define REQUEST()  SEND(C, 0)
#define RESPONSE() SEND(S, 0)
/* "The student waits": a long gap, timers running. */
#define WAIT() ADVANCE(30 * SEC)

/* Short names for the states, for the table. */
#define CL TCP_CLOSED
#define LI TCP_LISTEN
#define SS TCP_SYN_SENT
#define SR TCP_SYN_RECEIVED
#define ES TCP_ESTABLISHED
#define F1 TCP_FIN_WAIT_1
#define F2 TCP_FIN_WAIT_2
#define CW TCP_CLOSE_WAIT
#define CG TCP_CLOSING
#define LA TCP_LAST_ACK
#define TW TCP_TIME_WAIT

/*
 * The three-way handshake, every segment delivered, and what a student
 * sees of it: the server's SYN-RECEIVED is proved by its SYN-ACK; when the
 * client's ACK leaves, the client is ESTABLISHED (proved) and the server
 * SYN-RECEIVED -> ESTABLISHED (inferred: the ACK has yet to arrive); the
 * server's own annot knows it once its conn takes the ACK. Segments #1-#3
 * at both captures.
 */
#define OPEN                                                                   \
	LISTEN(S), CONNECT(C), DELIVER(C), SEE(CAP_S, 0, S, SR, 0),            \
	        DELIVER(S), SEE(CAP_C, 0, C, ES, 0),                           \
	        PATH(CAP_C, 0, S, SR, ES), SEE(CAP_C, 0, S, ES, 1),            \
	        DELIVER(C), SEE(TOLD_S, 0, S, ES, 0), STATE(C, ES),            \
	        STATE(S, ES)
/* The request, its ACK, the response, its ACK (#4-#7 after OPEN). The
 * server's ACK of the request proves its ESTABLISHED: it shows that the
 * client's segments arrived, and with them the ACK of the server's SYN. */
#define EXCHANGE                                                               \
	REQUEST(), DELIVER(C), DELIVER(S), SEE(CAP_C, 0, S, ES, 0),            \
	        RESPONSE(), DELIVER(S), DELIVER(C)
/* The client's FIN, the server's FIN with the ACK of it (the article). */
#define MERGED_CLOSE                                                           \
	CLOSE(C), DELIVER(C), STATE(S, CW), CLOSE(S), DELIVER(S),              \
	        STATE(C, TW), DELIVER(C), STATE(S, CL)
/* The same (#8-#10 after OPEN and EXCHANGE), with what both captures
 * show at each segment. */
#define ARTICLE_CLOSE                                                          \
	CLOSE(C), PATH(CAP_C, 0, C, ES, F1), SEE(CAP_C, 0, S, CW, 1),          \
	        DELIVER(C), STATE(S, CW), CLOSE(S), PATH(CAP_S, 0, S, CW, LA), \
	        SEE(CAP_S, 0, S, LA, 0), PATH(CAP_S, 0, C, F1, F2, TW),        \
	        SEE(CAP_S, 0, C, TW, 1), DELIVER(S), STATE(C, TW),             \
	        SEE(CAP_C, 0, C, TW, 0), PATH(CAP_C, 0, S, LA, CL),            \
	        SEE(CAP_C, 0, S, CL, 1),                                       \
	        NOTE(CAP_C, 0, "closed in three segments"), DELIVER(C),        \
	        STATE(S, CL), SEE(TOLD_S, 0, S, CL, 0)

struct scenario {
	const char *name;
	const struct step *steps;
};

/* ---- The harness. ---- */

#define WIRE_MAX 1600
#define QMAX     64
#define RMAX     256

/* One segment as it went on the wire. */
struct wire {
	uint8_t b[WIRE_MAX];
	int len;
	unsigned order; /* when it was sent, counted over both directions */
	unsigned idx;   /* how many segments its sender sent before it */
};

/* A direction of the link: segments in flight, oldest first. */
struct queue {
	struct wire w[QMAX];
	unsigned head, len;
};

struct pair {
	const struct scenario *sc;
	unsigned step;
	struct conn conn[2];
	struct conn_cfg cfg[2];
	unsigned connects[2];
	uint64_t now;
	struct queue q[2]; /* q[e]: sent by end e */
	unsigned sent;
	/* What each capture can know of each end: seen[host][end] counts the
	 * end's segments up to the last one the host's capture saw, and
	 * hidden_from[end] is the end's count when the application or a
	 * timer last changed its state (-1: never). */
	unsigned nsent[2];
	unsigned seen[2][2];
	long hidden_from[2];
	struct annot_ctx ctx[NVIEWS];
	struct annot_result res[NVIEWS][RMAX];
	unsigned nres[NVIEWS];
	unsigned failures;
	char first_failure[512];
	bool verbose;
	bool auto_deliver; /* OP_AUTO: no segment waits on the link */
};

static struct pair pair;

static void bad(struct pair *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Records a failure; the scenario goes on so that all of them show. */
static void bad(struct pair *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->failures++ == 0)
		snprintf(p->first_failure, sizeof p->first_failure,
		         "scenario %s, step %u: %s", p->sc->name, p->step + 1,
		         msg);
	fprintf(stderr, "FAIL scenario %s, step %u: %s\n", p->sc->name,
	        p->step + 1, msg);
}

static const char *side_name(enum annot_side i)
{
	return i == ANNOT_CLIENT ? "client" : "server";
}

static const char *end_name(int e)
{
	return e == C ? "client" : "server";
}

/* Which end sent a segment, from its source address and port. */
static int sender_of(struct ipaddr saddr, uint16_t sport)
{
	struct ipaddr c = ipaddr_of4(end_addr[C]);

	return ipaddr_eq(&saddr, &c) && sport == end_port[C] ? C : S;
}

/* annot's side for end e in result r. */
static enum annot_side side_of(const struct annot_result *r, int e)
{
	int from = sender_of(r->saddr, r->sport);

	return e == from ? r->from : (enum annot_side) !r->from;
}

/* ---- What annot says, held against the conns. ---- */

static void print_side(const struct annot_result *r, enum annot_side i,
                       enum tcp_state real)
{
	unsigned k;

	fprintf(stderr, " %s:", side_name(i));
	for (k = 0; k < r->path[i].n; k++)
		fprintf(stderr, "%s%s", k ? ">" : "",
		        tcp_state_name(r->path[i].st[k]));
	fprintf(stderr, "%s%s%s (conn %s)", r->inferred[i] ? "*" : "",
	        r->revised[i] ? " REVISED" : "", r->told[i] ? " told" : "",
	        tcp_state_name(real));
}

/* One line per capture event, for PAIR_VERBOSE. */
static void print_result(const struct pair *p, enum view v,
                         const struct annot_result *r)
{
	int from = sender_of(r->saddr, r->sport);
	enum annot_side i;

	fprintf(stderr, "  [%s] #%u %s %s seq %u ack %u len %u%s |",
	        view_name[v], r->n, end_name(from), r->flag_letters, r->rel_seq,
	        r->rel_ack, r->len, r->ignored ? " ignored" : "");
	for (i = ANNOT_CLIENT; i <= ANNOT_SERVER; i++) {
		int e = sender_of(r->saddr, r->sport);

		if (i != r->from)
			e = !e;
		print_side(r, i, p->conn[e].state);
	}
	fputc('\n', stderr);
	if (r->revised[0] || r->revised[1]) {
		unsigned k;

		for (k = 0; k < r->nnotes; k++)
			if (strstr(r->notes[k], "revised") != NULL)
				fprintf(stderr, "      %s\n", r->notes[k]);
	}
}

/* (a): every step of every path is an edge of RFC 9293's diagram. */
static void check_paths(struct pair *p, enum view v,
                        const struct annot_result *r)
{
	enum annot_side i;
	unsigned k;

	for (i = ANNOT_CLIENT; i <= ANNOT_SERVER; i++) {
		const struct annot_path *pa = &r->path[i];

		if (pa->n == 0)
			bad(p, "%s, segment #%u: %s has an empty path",
			    view_name[v], r->n, side_name(i));
		for (k = 1; k < pa->n; k++)
			if (!tcp_transition_ok(pa->st[k - 1], pa->st[k]))
				bad(p,
				    "%s, segment #%u: %s goes %s -> %s, "
				    "not an edge of RFC 9293's diagram",
				    view_name[v], r->n, side_name(i),
				    tcp_state_name(pa->st[k - 1]),
				    tcp_state_name(pa->st[k]));
	}
}

/*
 * Whether end e's state changed, by its application or a timer, in a way
 * view v's capture cannot have seen yet: no segment the end sent since
 * has reached the capture (a FIN still in flight, or an abort in
 * TIME-WAIT, which sends nothing). No observer can know such a state.
 */
static bool hidden(const struct pair *p, enum view v, int e)
{
	int host = v % 2;

	return p->hidden_from[e] >= 0 &&
	       (unsigned long)p->hidden_from[e] >= p->seen[host][e];
}

/* (b) and (c): a state not marked inferred is the conn's, unless the
 * conn's change is hidden from the capture; a told one is the conn's and
 * never inferred. */
static void check_states(struct pair *p, enum view v,
                         const struct annot_result *r)
{
	int e;

	for (e = C; e <= S; e++) {
		enum annot_side i = side_of(r, e);
		enum tcp_state real = p->conn[e].state;
		bool own = (int)v == TOLD_C + e;

		if (!r->inferred[i] && r->after[i] != real &&
		    !(hidden(p, v, e) && !own))
			bad(p,
			    "%s, segment #%u (%s from the %s): %s (%s) is "
			    "%s in annot, not inferred, but %s in its conn",
			    view_name[v], r->n, r->flag_letters,
			    end_name(sender_of(r->saddr, r->sport)),
			    end_name(e), side_name(i),
			    tcp_state_name(r->after[i]), tcp_state_name(real));
		if (own && (!r->told[i] || r->inferred[i]))
			bad(p,
			    "%s, segment #%u: own side %s told %d inferred %d",
			    view_name[v], r->n, end_name(e), r->told[i],
			    r->inferred[i]);
		if (own && r->after[i] != real)
			bad(p, "%s, segment #%u: own side %s is %s, conn %s",
			    view_name[v], r->n, end_name(e),
			    tcp_state_name(r->after[i]), tcp_state_name(real));
	}
}

static void keep_result(struct pair *p, enum view v,
                        const struct annot_result *r)
{
	if (p->nres[v] < RMAX)
		p->res[v][p->nres[v]++] = *r;
	else
		bad(p, "%s: more than %d segments", view_name[v], RMAX);
	if (p->verbose)
		print_result(p, v, r);
	check_paths(p, v, r);
	check_states(p, v, r);
}

/* ---- The captures. ---- */

static void decode(struct pair *p, const struct wire *w, struct seg *s)
{
	if (seg_decode(s, w->b, (size_t)w->len) != 0)
		bad(p, "a segment on the wire does not decode");
}

/* The told context's role for its end: annot's side of the sender, or
 * the other one. A preview says which side annot takes the sender for. */
static enum annot_role own_role(struct pair *p, enum view v, int host,
                                const struct seg *s)
{
	struct annot_in in;
	struct annot_result r;
	enum annot_side mine;

	memset(&in, 0, sizeof in);
	in.s = s;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	if (annot_preview(&p->ctx[v], &in, &r) != 0)
		bad(p, "annot_preview failed");
	mine = sender_of(seg_src(s), s->sport) == host
	               ? r.from
	               : (enum annot_side) !r.from;
	return mine == ANNOT_CLIENT ? ANNOT_ROLE_CLIENT : ANNOT_ROLE_SERVER;
}

/*
 * Host `host`'s capture sees segment w (sent by its end, or arriving
 * there): its pure observer takes it, and so does its end's own annot
 * with own_path (the conn's states across it) and ignored (it never
 * reached the conn).
 */
static void capture(struct pair *p, int host, const struct wire *w,
                    const struct annot_path *own_path, bool ignored)
{
	static struct annot_result r; /* static: a result is 4 KB */
	struct annot_in in;
	struct seg s;
	enum view told = (enum view)(TOLD_C + host);
	int end;
	int64_t sec = (int64_t)(p->now / SEC);
	uint32_t usec = (uint32_t)(p->now % SEC);

	decode(p, w, &s);
	end = sender_of(seg_src(&s), s.sport);
	if (p->seen[host][end] < w->idx + 1)
		p->seen[host][end] = w->idx + 1;
	if (annot_segment(&p->ctx[host], &s, sec, usec, &r) != 0)
		bad(p, "annot_segment failed");
	keep_result(p, (enum view)host, &r);
	memset(&in, 0, sizeof in);
	in.s = &s;
	in.sec = sec;
	in.usec = usec;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	in.own = own_role(p, told, host, &s);
	in.own_path = *own_path;
	in.own_ignored = ignored;
	if (annot_input(&p->ctx[told], &in, &r) != 0)
		bad(p, "annot_input failed");
	keep_result(p, told, &r);
}

/* End e's segments of one call go on the wire, and e's capture sees each.
 * With path_first, the first carries the call's path. */
static void send_out(struct pair *p, int e, enum tcp_state before,
                     const struct conn_out *out, bool path_first)
{
	struct annot_path path;
	unsigned i;

	if (out->seg_lost > 0)
		bad(p, "%s: %u segments did not fit in conn_out", end_name(e),
		    out->seg_lost);
	for (i = 0; i < out->nseg; i++) {
		struct queue *q = &p->q[e];
		struct wire *w;

		if (q->len >= QMAX) {
			bad(p, "more than %d segments in flight", QMAX);
			return;
		}
		w = &q->w[(q->head + q->len++) % QMAX];
		w->len = seg_encode(&out->seg[i], w->b, sizeof w->b);
		w->order = p->sent++;
		w->idx = p->nsent[e]++;
		if (w->len < 0)
			bad(p, "a segment of the %s does not encode",
			    end_name(e));
		path.n = 0;
		if (i == 0 && path_first)
			annot_path_from_events(&path, before, out);
		capture(p, e, w, &path, false);
	}
}

/* The next segment end e sent leaves the link: NULL when none is. */
static struct wire *take(struct pair *p, int e)
{
	struct queue *q = &p->q[e];
	struct wire *w;

	if (q->len == 0) {
		bad(p, "nothing in flight from the %s", end_name(e));
		return NULL;
	}
	w = &q->w[q->head];
	q->head = (q->head + 1) % QMAX;
	q->len--;
	return w;
}

/* Segment w from end e reaches the other end's host; its TCP takes it
 * unless ignored. Whatever the TCP answers goes out at once. */
static void arrive(struct pair *p, int e, const struct wire *w, bool ignored)
{
	int to = !e;
	struct conn_out out;
	struct annot_path path;
	enum tcp_state before = p->conn[to].state;
	struct seg s;

	decode(p, w, &s);
	path.n = 0;
	if (!ignored) {
		conn_input(&p->conn[to], &s, p->now, &out);
		annot_path_from_events(&path, before, &out);
	}
	capture(p, to, w, &path, ignored);
	if (!ignored)
		send_out(p, to, before, &out, false);
}

/* After the application or a timer acted on end e: a change of state
 * stays hidden from the captures until a segment sent from now on
 * reaches them. */
static void mark_hidden(struct pair *p, int e, enum tcp_state before)
{
	if (p->conn[e].state != before)
		p->hidden_from[e] = (long)p->nsent[e];
}

static void flush(struct pair *p);

/* ---- The clock. ---- */

/* The earlier of the two conns' next timers. */
static uint64_t next_timer(const struct pair *p, int *who)
{
	uint64_t t[2] = {conn_next_timer(&p->conn[C]),
	                 conn_next_timer(&p->conn[S])};

	*who = t[S] < t[C] ? S : C;
	return t[*who];
}

/* The clock moves by us; every timer due on the way runs at its time. */
static void advance(struct pair *p, uint64_t us)
{
	uint64_t until = p->now + us, t;
	struct conn_out out;
	unsigned rounds = 0;
	int e;

	while ((t = next_timer(p, &e)) <= until) {
		enum tcp_state before = p->conn[e].state;

		if (++rounds > 1000) {
			bad(p, "the timers never settle");
			break;
		}
		if (t > p->now)
			p->now = t;
		conn_timer(&p->conn[e], p->now, &out);
		mark_hidden(p, e, before);
		send_out(p, e, before, &out, true);
		if (p->auto_deliver)
			flush(p);
	}
	p->now = until;
}

/* ---- The steps. ---- */

static void cfg_for(struct conn_cfg *cfg, int e)
{
	conn_cfg_linux(cfg);
	cfg->iss = end_iss[e];
	cfg->ip_id = e == C ? 40563 : 22245;
	cfg->ts_offset = e == C ? 4595424u : 2480165653u;
}

static void do_connect(struct pair *p, int e)
{
	struct conn_out out;
	enum tcp_state before = p->conn[e].state;
	uint32_t iss = end_iss[e] + p->connects[e]++ * ISS_AGAIN;

	conn_release(&p->conn[e]);
	conn_connect(&p->conn[e], &p->cfg[e], end_addr[e], end_port[e],
	             end_addr[!e], end_port[!e], iss, p->now, &out);
	mark_hidden(p, e, before);
	send_out(p, e, before, &out, true);
}

static void do_send(struct pair *p, int e, unsigned n)
{
	static uint8_t bytes[1400];
	const uint8_t *data = bytes;
	enum tcp_state before = p->conn[e].state;
	struct conn_out out;
	int r;

	if (n == 0) {
		data = (const uint8_t *)(e == C ? article_request
		                                : article_response);
		n = (unsigned)(e == C ? article_request_len
		                      : article_response_len);
	}
	if (n > sizeof bytes) {
		bad(p, "send of %u bytes: at most %zu", n, sizeof bytes);
		return;
	}
	memset(bytes, 'x', sizeof bytes);
	r = conn_send(&p->conn[e], data, n, p->now, &out);
	if (r != (int)n)
		bad(p, "the %s's conn_send took %d of %u bytes", end_name(e), r,
		    n);
	send_out(p, e, before, &out, true);
}

/* conn_close, conn_abort: whatever they send goes out. */
static void do_app(struct pair *p, int e,
                   int (*fn)(struct conn *, uint64_t, struct conn_out *))
{
	struct conn_out out;
	enum tcp_state before = p->conn[e].state;

	if (fn(&p->conn[e], p->now, &out) != 0)
		bad(p, "the %s's %s failed in %s", end_name(e),
		    fn == conn_close ? "conn_close" : "conn_abort",
		    tcp_state_name(before));
	mark_hidden(p, e, before);
	send_out(p, e, before, &out, true);
}

/* Delivers every segment in flight, the oldest first, and the answers
 * they draw, until the link is quiet. */
static void flush(struct pair *p)
{
	unsigned rounds = 0;

	while (p->q[C].len + p->q[S].len > 0 && ++rounds < 1000) {
		int e;
		struct wire w;

		if (p->q[C].len == 0)
			e = S;
		else if (p->q[S].len == 0)
			e = C;
		else
			e = p->q[S].w[p->q[S].head].order <
			                    p->q[C].w[p->q[C].head].order
			            ? S
			            : C;
		w = *take(p, e);
		arrive(p, e, &w, false);
	}
}

static void do_link(struct pair *p, const struct step *st)
{
	struct wire *w = take(p, st->a), copy;

	if (w == NULL)
		return;
	copy = *w;
	if (st->op == OP_DELIVER)
		arrive(p, st->a, &copy, false);
	else if (st->op == OP_DROP_IN)
		arrive(p, st->a, &copy, true);
	/* OP_DROP: the sender's capture saw it leave; nothing else does. */
}

/* ---- Expectations: what a student should see. ---- */

/* Segment #seg of view v, or with seg <= 0 the last but -seg; NULL when
 * there is none. */
static const struct annot_result *result_at(struct pair *p, enum view v,
                                            int seg)
{
	long n = seg > 0 ? seg : (long)p->nres[v] + seg;

	if (n <= 0 || n > (long)p->nres[v]) {
		bad(p, "%s has no segment %d (%u so far)", view_name[v], seg,
		    p->nres[v]);
		return NULL;
	}
	return &p->res[v][n - 1];
}

static bool has_note(const struct annot_result *r, const char *text)
{
	unsigned i;

	for (i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], text) != NULL)
			return true;
	return false;
}

static void expect_see(struct pair *p, const struct step *st,
                       const struct annot_result *r)
{
	enum annot_side i = side_of(r, st->a);

	if (r->after[i] != st->st[0] ||
	    (st->flag >= 0 && r->inferred[i] != (st->flag != 0)))
		bad(p, "%s, segment #%u: %s should be %s%s, annot says %s%s",
		    view_name[st->v], r->n, end_name(st->a),
		    tcp_state_name(st->st[0]),
		    st->flag < 0 ? ""
		    : st->flag   ? " (inferred)"
		                 : " (proved)",
		    tcp_state_name(r->after[i]),
		    r->inferred[i] ? " (inferred)" : " (proved)");
}

static void expect_path(struct pair *p, const struct step *st,
                        const struct annot_result *r)
{
	enum annot_side i = side_of(r, st->a);
	const struct annot_path *pa = &r->path[i];
	char got[128] = "", want[128] = "";
	unsigned k;

	for (k = 0; k < pa->n; k++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s",
		         k ? " -> " : "", tcp_state_name(pa->st[k]));
	for (k = 0; k < st->nst; k++)
		snprintf(want + strlen(want), sizeof want - strlen(want),
		         "%s%s", k ? " -> " : "", tcp_state_name(st->st[k]));
	if (strcmp(got, want) != 0)
		bad(p, "%s, segment #%u: %s's path should be %s, annot says %s",
		    view_name[st->v], r->n, end_name(st->a), want, got);
}

static void expect(struct pair *p, const struct step *st)
{
	const struct annot_result *r = result_at(p, st->v, st->seg);
	enum annot_side i;

	if (r == NULL)
		return;
	i = side_of(r, st->a);
	switch (st->op) {
	case OP_SEE:
		expect_see(p, st, r);
		break;
	case OP_PATH:
		expect_path(p, st, r);
		break;
	case OP_REVISED:
		if (!r->revised[i] || r->before[i] != st->st[0])
			bad(p,
			    "%s, segment #%u: %s should be revised to %s, "
			    "annot says revised %d, before %s",
			    view_name[st->v], r->n, end_name(st->a),
			    tcp_state_name(st->st[0]), r->revised[i],
			    tcp_state_name(r->before[i]));
		break;
	case OP_UNREVISED:
		if (r->revised[i])
			bad(p, "%s, segment #%u: %s should not be revised",
			    view_name[st->v], r->n, end_name(st->a));
		break;
	default:
		if (!has_note(r, st->text))
			bad(p, "%s, segment #%u: no note with \"%s\"",
			    view_name[st->v], r->n, st->text);
		break;
	}
}

/* ---- Running a scenario. ---- */

/* A listener, or a CLOSED conn on the port (listen, then close). */
static void do_listen(struct pair *p, int e, bool closed)
{
	enum tcp_state before = p->conn[e].state;
	struct conn_out out;

	conn_release(&p->conn[e]);
	conn_listen(&p->conn[e], &p->cfg[e], end_addr[e], end_port[e]);
	if (closed)
		conn_close(&p->conn[e], p->now, &out);
	mark_hidden(p, e, before);
}

/* The clock moves to end e's next timer, and every timer due runs. */
static void do_timer(struct pair *p, int e)
{
	uint64_t t = conn_next_timer(&p->conn[e]);

	if (t == UINT64_MAX)
		bad(p, "the %s has no timer armed", end_name(e));
	else
		advance(p, t > p->now ? t - p->now : 0);
}

/* The application's steps and the link's: false for any other. */
static bool run_action(struct pair *p, const struct step *st)
{
	switch (st->op) {
	case OP_LISTEN:
	case OP_CLOSED:
		do_listen(p, st->a, st->op == OP_CLOSED);
		return true;
	case OP_CONNECT:
		do_connect(p, st->a);
		return true;
	case OP_SEND:
		do_send(p, st->a, st->n);
		return true;
	case OP_CLOSE:
		do_app(p, st->a, conn_close);
		return true;
	case OP_ABORT:
		do_app(p, st->a, conn_abort);
		return true;
	case OP_DELIVER:
	case OP_DROP:
	case OP_DROP_IN:
		do_link(p, st);
		return true;
	default:
		return false;
	}
}

static void run_step(struct pair *p, const struct step *st)
{
	if (run_action(p, st))
		return;
	switch (st->op) {
	case OP_FLUSH:
		flush(p);
		break;
	case OP_ADVANCE:
		advance(p, st->n);
		break;
	case OP_TIMER:
		do_timer(p, st->a);
		break;
	case OP_STATE:
		if (p->conn[st->a].state != st->st[0])
			bad(p, "the %s's conn is %s, the scenario wants %s",
			    end_name(st->a),
			    tcp_state_name(p->conn[st->a].state),
			    tcp_state_name(st->st[0]));
		break;
	case OP_AUTO:
		p->auto_deliver = true;
		break;
	case OP_INFLIGHT:
		if (p->q[st->a].len != st->n)
			bad(p, "%u segments in flight from the %s, want %u",
			    p->q[st->a].len, end_name(st->a), st->n);
		break;
	default:
		expect(p, st);
		break;
	}
}

static void pair_init(struct pair *p, const struct scenario *sc)
{
	int v;

	memset(p, 0, sizeof *p);
	p->sc = sc;
	p->now = T0;
	p->verbose = getenv("PAIR_VERBOSE") != NULL;
	p->hidden_from[C] = p->hidden_from[S] = -1;
	cfg_for(&p->cfg[C], C);
	cfg_for(&p->cfg[S], S);
	for (v = 0; v < NVIEWS; v++)
		annot_init(&p->ctx[v]);
}

static void pair_free(struct pair *p)
{
	int v;

	for (v = 0; v < NVIEWS; v++)
		annot_free(&p->ctx[v]);
	conn_release(&p->conn[C]);
	conn_release(&p->conn[S]);
}

static void run_scenario(const struct scenario *sc)
{
	struct pair *p = &pair;

	pair_init(p, sc);
	if (p->verbose)
		fprintf(stderr, "scenario %s\n", sc->name);
	for (p->step = 0; sc->steps[p->step].op != OP_END; p->step++) {
		if (p->verbose)
			fprintf(stderr, " step %u\n", p->step + 1);
		run_step(p, &sc->steps[p->step]);
		if (p->auto_deliver && sc->steps[p->step].op < OP_STATE)
			flush(p);
	}
	pair_free(p);
	ck_assert_msg(p->failures == 0, "%u failures; the first: %s",
	              p->failures, p->first_failure);
}

/* ---- The scenarios. ---- */

/* clang-format off */
static const struct scenario scenarios[] = {
	/* ---- Every close. ---- */
	{"established_fin_merged_close", (const struct step[]){
		OPEN, EXCHANGE, ARTICLE_CLOSE, ADVANCE(60 * SEC), STATE(C, CL),
		END}},
	/* The application closes after the delayed ACK (40 ms) went. */
	{"established_fin_four_way_close", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), STATE(S, CW),
		INFLIGHT(S, 0), ADVANCE(40 * MS), DELIVER(S), STATE(C, F2),
		PATH(CAP_C, 9, C, F1, F2), SEE(CAP_C, 9, C, F2, 1),
		SEE(TOLD_C, 9, C, F2, 0), CLOSE(S), DELIVER(S), STATE(C, TW),
		PATH(CAP_S, 10, C, F2, TW), SEE(CAP_S, 10, C, TW, 1),
		DELIVER(C), STATE(S, CL), SEE(CAP_S, 11, S, CL, 1),
		NOTE(CAP_S, 11, "closed in four segments"), ADVANCE(60 * SEC),
		STATE(C, CL), END}},
	{"established_server_fin_first", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), DELIVER(S), STATE(C, CW),
		PATH(CAP_S, 8, S, ES, F1), SEE(CAP_S, 8, C, CW, 1), CLOSE(C),
		DELIVER(C), STATE(S, TW), PATH(CAP_C, 9, C, CW, LA),
		PATH(CAP_C, 9, S, F1, F2, TW), SEE(CAP_C, 9, S, TW, 1),
		DELIVER(S), STATE(C, CL), SEE(CAP_S, 10, S, TW, 0),
		SEE(CAP_S, 10, C, CL, 1),
		NOTE(CAP_C, 10, "closed by the server first"), END}},
	{"established_server_fin_first_four_way", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), DELIVER(S), ADVANCE(40 * MS),
		DELIVER(C), STATE(S, F2), SEE(CAP_C, 9, C, CW, 0),
		PATH(CAP_S, 9, S, F1, F2), SEE(CAP_S, 9, S, F2, 1), CLOSE(C),
		DELIVER(C), STATE(S, TW), PATH(CAP_C, 10, C, CW, LA),
		DELIVER(S), STATE(C, CL), SEE(CAP_S, 11, S, TW, 0), END}},
	/* Both close before either FIN arrives: each FIN's ack does not
	 * cover the other FIN, and annot revises the sender from
	 * CLOSE-WAIT back to ESTABLISHED -> FIN-WAIT-1. */
	{"established_simultaneous_close", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), CLOSE(S), SEE(CAP_C, 8, S, CW, 1),
		DELIVER(C), STATE(S, CG), REVISED(CAP_S, 9, C, ES),
		SEE(CAP_S, 9, C, F1, 1), PATH(CAP_S, 9, S, F1, CG),
		NOTE(CAP_S, 9, "that FIN had not reached it"), DELIVER(S),
		STATE(C, CG), REVISED(CAP_C, 9, S, ES),
		SEE(CAP_C, 9, S, F1, 1), PATH(CAP_C, 10, S, F1, CG, TW),
		FLUSH(), STATE(C, TW), STATE(S, TW),
		PATH(CAP_C, 11, C, CG, TW), SEE(TOLD_C, 11, C, TW, 0),
		NOTE(CAP_S, 11, "closed simultaneously"), END}},

	/* ---- A RST, from each side, in each state. ---- */
	/* The client aborts in SYN-SENT (nothing sent); its host answers
	 * the SYN-ACK with a RST, which sends the server back to LISTEN. */
	{"syn_sent_abort_synack_draws_rst", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), STATE(S, SR), ABORT(C),
		STATE(C, CL), DELIVER(S), SEE(CAP_C, 3, C, CL, 0),
		UNREVISED(CAP_C, 3, C), PATH(CAP_C, 3, S, SR, LI), DELIVER(C),
		STATE(S, LI), SEE(CAP_S, 3, S, LI, 1),
		SEE(TOLD_S, 3, S, LI, 0), END}},
	/* The SYN-ACK is lost and the server aborts: a RST reaches the
	 * client in SYN-SENT. */
	{"syn_sent_rst_refused", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), DROP(S), ABORT(S),
		PATH(CAP_S, 3, S, SR, CL), SEE(CAP_S, 3, C, CL, 1), DELIVER(S),
		STATE(C, CL), PATH(CAP_C, 2, C, SS, CL),
		SEE(CAP_C, 2, C, CL, 1), PATH(CAP_C, 2, S, SR, CL),
		SEE(CAP_C, 2, S, CL, 0), SEE(TOLD_C, 2, C, CL, 0), END}},
	/* A SYN to a port where nothing listens: a CLOSED conn answers
	 * with RST, seq 0. */
	{"syn_sent_closed_port_rst", (const struct step[]){
		CLOSED_PORT(S), CONNECT(C), DELIVER(C), DELIVER(S),
		STATE(C, CL), STATE(S, CL), REVISED(CAP_C, 2, S, CL),
		SEE(CAP_C, 2, S, CL, 0), NOTE(CAP_C, 2, "nothing listens"),
		SEE(CAP_C, 2, C, CL, 1), SEE(TOLD_C, 2, C, CL, 0), END}},
	{"syn_rcvd_abort_rst", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), DELIVER(S), STATE(C, ES),
		ABORT(S), PATH(CAP_S, 3, S, SR, CL), SEE(CAP_S, 3, C, CL, 1),
		DELIVER(S), STATE(C, CL), PATH(CAP_C, 4, C, ES, CL),
		SEE(CAP_C, 4, S, CL, 0), DELIVER(C), SEE(CAP_S, 5, S, CL, 0),
		DELIVER(S), END}},
	{"established_client_abort_rst", (const struct step[]){
		OPEN, EXCHANGE, ABORT(C), PATH(CAP_C, 8, C, ES, CL),
		PATH(CAP_C, 8, S, ES, CL), SEE(CAP_C, 8, S, CL, 1), DELIVER(C),
		STATE(S, CL), SEE(CAP_S, 8, S, CL, 1),
		SEE(TOLD_S, 8, S, CL, 0), END}},
	{"established_server_abort_rst", (const struct step[]){
		OPEN, REQUEST(), DELIVER(C), DELIVER(S), ABORT(S),
		PATH(CAP_S, 6, S, ES, CL), SEE(CAP_S, 6, C, CL, 1), DELIVER(S),
		STATE(C, CL), SEE(CAP_C, 6, C, CL, 1),
		SEE(TOLD_C, 6, C, CL, 0), END}},
	/* The client closes and aborts at once: when its FIN reaches the
	 * server's capture, the client is CLOSED already, which no capture
	 * can know yet: annot says FIN-WAIT-1. */
	{"fin_wait_1_abort_rst_into_close_wait", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), ABORT(C), PATH(CAP_C, 9, C, F1, CL),
		PATH(CAP_C, 9, S, CW, CL), DELIVER(C), STATE(S, CW),
		SEE(CAP_S, 8, C, F1, 0), DELIVER(C), STATE(S, CL),
		PATH(CAP_S, 9, S, CW, CL), END}},
	/* The server aborts while the client's FIN is on its way: the
	 * RST's ack does not cover that FIN. */
	{"fin_wait_1_rst_from_established", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), ABORT(S), PATH(CAP_S, 8, S, ES, CL),
		DELIVER(S), STATE(C, CL), REVISED(CAP_C, 9, S, ES),
		SEE(CAP_C, 9, S, CL, 0), PATH(CAP_C, 9, C, F1, CL), DELIVER(C),
		DELIVER(S), END}},
	{"fin_wait_2_abort_rst", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), ADVANCE(40 * MS),
		DELIVER(S), STATE(C, F2), ABORT(C), PATH(CAP_C, 10, C, F2, CL),
		PATH(CAP_C, 10, S, CW, CL), DELIVER(C), STATE(S, CL), END}},
	{"close_wait_abort_rst_into_fin_wait_1", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), ABORT(S),
		PATH(CAP_S, 9, S, CW, CL), PATH(CAP_S, 9, C, F1, CL),
		DELIVER(S), STATE(C, CL), END}},
	{"close_wait_abort_rst_into_fin_wait_2", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), ADVANCE(40 * MS),
		DELIVER(S), STATE(C, F2), ABORT(S), PATH(CAP_S, 10, S, CW, CL),
		PATH(CAP_S, 10, C, F2, CL), DELIVER(S), STATE(C, CL), END}},
	{"server_fin_wait_1_abort_rst", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), ABORT(S), PATH(CAP_S, 9, S, F1, CL),
		PATH(CAP_S, 9, C, CW, CL), FLUSH(), STATE(C, CL),
		SEE(CAP_C, 9, C, CL, 1), END}},
	/* Both in CLOSING; the client aborts (nothing sent), its last ACK
	 * is lost, and the server's ACK draws a RST from its host. */
	{"closing_abort_ack_draws_rst", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), CLOSE(S), DELIVER(C), DELIVER(S),
		STATE(C, CG), STATE(S, CG), ABORT(C), DROP(C), DELIVER(S),
		SEE(CAP_C, 11, C, TW, 1), PATH(CAP_C, 12, C, TW, CL),
		DELIVER(C), STATE(S, CL), PATH(CAP_S, 11, S, CG, CL),
		SEE(TOLD_S, 11, S, CL, 0), END}},
	/* The server aborts in LAST-ACK (nothing sent); the client's last
	 * ACK draws a RST, which ends the client's TIME-WAIT. */
	{"last_ack_abort_ack_draws_rst", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), CLOSE(S), DELIVER(S),
		STATE(S, LA), ABORT(S), DELIVER(C), SEE(CAP_S, 11, S, CL, 0),
		PATH(CAP_S, 11, C, TW, CL), DELIVER(S), STATE(C, CL),
		SEE(CAP_C, 11, C, CL, 1), SEE(TOLD_C, 11, C, CL, 0), END}},
	/* The client aborts in TIME-WAIT (nothing sent) after its last ACK
	 * was lost: the server's FIN again draws a RST. */
	{"time_wait_abort_fin_again_draws_rst", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), CLOSE(S), DELIVER(S),
		STATE(C, TW), DROP(C), ABORT(C), TIMER(S), DELIVER(S),
		REVISED(CAP_C, 11, S, LA), SEE(CAP_C, 11, S, LA, 1),
		SEE(CAP_C, 11, C, TW, 0), PATH(CAP_C, 12, C, TW, CL),
		PATH(CAP_C, 12, S, LA, CL), DELIVER(C), STATE(S, CL),
		SEE(CAP_S, 11, S, CL, 1), END}},

	/* ---- Losses. ---- */
	{"syn_sent_syn_lost", (const struct step[]){
		LISTEN(S), CONNECT(C), DROP(C), TIMER(C),
		SEE(CAP_C, 2, C, SS, 0), SEE(CAP_C, 2, S, SR, 1), DELIVER(C),
		SEE(CAP_S, 1, S, SR, 1), DELIVER(S), DELIVER(C), STATE(S, ES),
		SEE(CAP_C, 4, S, ES, 1), END}},
	/* The server's capture sees the client's SYN again: the SYN-ACK
	 * had not reached it (lost, or still on its way). */
	{"syn_rcvd_synack_lost", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), DROP(S), TIMER(S), FLUSH(),
		STATE(C, ES), STATE(S, ES), REVISED(CAP_S, 4, C, SS),
		SEE(CAP_S, 4, C, SS, 1), NOTE(CAP_S, 4, "had not reached it"),
		SEE(CAP_S, 5, C, ES, 1), REVISED(CAP_C, 5, S, SR),
		SEE(CAP_C, 5, S, SR, 1), EXCHANGE, END}},
	/* The handshake's ACK is lost: the server sends its SYN-ACK again
	 * and annot revises the server back to SYN-RECEIVED. */
	{"syn_rcvd_ack_lost_synack_again", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), DELIVER(S), DROP(C),
		SEE(CAP_C, 3, S, ES, 1), TIMER(S), SEE(CAP_S, 3, S, SR, 0),
		DELIVER(S), REVISED(CAP_C, 4, S, SR), SEE(CAP_C, 4, S, SR, 1),
		NOTE(CAP_C, 4, "the ACK of its SYN had not"),
		PATH(CAP_C, 5, S, SR, ES), DELIVER(C), STATE(S, ES),
		SEE(TOLD_S, 4, S, ES, 0), EXCHANGE, ARTICLE_CLOSE, END}},
	/* The same ACK reaches the server's host, not its TCP (--drop-in):
	 * the server's own annot is told. */
	{"syn_rcvd_ack_dropped_in_host", (const struct step[]){
		LISTEN(S), CONNECT(C), DELIVER(C), DELIVER(S), DROP_IN(C),
		STATE(S, SR), SEE(CAP_S, 3, S, ES, 1),
		SEE(TOLD_S, 3, S, SR, 0), TIMER(S), REVISED(CAP_S, 4, S, SR),
		SEE(TOLD_S, 4, S, SR, 0), DELIVER(S), DELIVER(C), STATE(S, ES),
		EXCHANGE, ARTICLE_CLOSE, END}},
	{"established_request_lost", (const struct step[]){
		OPEN, REQUEST(), DROP(C), TIMER(C), DELIVER(C),
		SEE(CAP_S, 4, S, ES, 1), DELIVER(S), SEE(CAP_S, 5, S, ES, 0),
		RESPONSE(), DELIVER(S), DELIVER(C), MERGED_CLOSE, END}},
	{"established_request_dropped_in_host", (const struct step[]){
		OPEN, REQUEST(), DROP_IN(C), SEE(TOLD_S, 4, S, ES, 0),
		TIMER(C), DELIVER(C), DELIVER(S), RESPONSE(), DELIVER(S),
		DELIVER(C), MERGED_CLOSE, END}},
	{"established_response_lost", (const struct step[]){
		OPEN, REQUEST(), DELIVER(C), DELIVER(S), RESPONSE(), DROP(S),
		TIMER(S), DELIVER(S), DELIVER(C), SEE(CAP_C, 7, S, ES, 0),
		MERGED_CLOSE, END}},
	{"fin_wait_1_fin_lost", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DROP(C), TIMER(C),
		SEE(CAP_C, 9, C, F1, 0), SEE(CAP_C, 9, S, CW, 1), DELIVER(C),
		STATE(S, CW), CLOSE(S), DELIVER(S), DELIVER(C), STATE(S, CL),
		END}},
	/* The server's FIN+ACK is lost; the client's FIN comes again, and
	 * its ack shows the server's FIN had not reached it. */
	{"last_ack_fin_lost_merged", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), CLOSE(S), DROP(S),
		TIMER(S), FLUSH(), STATE(C, TW), STATE(S, CL),
		REVISED(CAP_S, 11, C, F1), SEE(CAP_S, 11, C, F1, 1),
		PATH(CAP_S, 12, C, F1, F2, TW), END}},
	{"last_ack_fin_lost_four_way", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), ADVANCE(40 * MS),
		DELIVER(S), STATE(C, F2), CLOSE(S), DROP(S), TIMER(S),
		SEE(CAP_S, 11, S, LA, 0), DELIVER(S),
		PATH(CAP_C, 10, C, F2, TW), DELIVER(C), STATE(S, CL), END}},
	/* The client's last ACK is lost: the server's FIN comes again. */
	{"last_ack_last_ack_lost", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), CLOSE(S), DELIVER(S),
		DROP(C), TIMER(S), DELIVER(S), REVISED(CAP_C, 11, S, LA),
		SEE(CAP_C, 11, S, LA, 1), SEE(TOLD_C, 11, C, TW, 0),
		PATH(CAP_C, 12, S, LA, CL), DELIVER(C), STATE(S, CL),
		STATE(C, TW), END}},
	/* The server's ACK of the client's FIN is lost; its FIN carries
	 * the ACK again: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT at once. */
	{"fin_wait_1_ack_of_fin_lost", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(C), DELIVER(C), ADVANCE(40 * MS),
		DROP(S), CLOSE(S), DELIVER(S), STATE(C, TW),
		PATH(CAP_C, 9, C, F1, F2, TW), PATH(TOLD_C, 9, C, F1, F2, TW),
		DELIVER(C), STATE(S, CL), END}},
	{"server_fin_first_fin_lost", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), DROP(S), TIMER(S),
		SEE(CAP_S, 9, S, F1, 0), DELIVER(S), CLOSE(C), DELIVER(C),
		DELIVER(S), STATE(C, CL), STATE(S, TW), END}},
	{"server_fin_first_last_ack_lost", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), DELIVER(S), CLOSE(C), DELIVER(C),
		STATE(S, TW), DROP(S), TIMER(C), DELIVER(C),
		REVISED(CAP_S, 11, C, LA), SEE(CAP_S, 11, C, LA, 1),
		PATH(CAP_S, 12, C, LA, CL), DELIVER(S), STATE(C, CL), END}},

	/* ---- Opens. ---- */
	/* Both connect; each SYN crosses the other. The client's capture
	 * first takes the server for a listener, then revises it. */
	{"syn_sent_simultaneous_open", (const struct step[]){
		CONNECT(C), CONNECT(S), DELIVER(C), STATE(S, SR), DELIVER(S),
		STATE(C, SR), REVISED(CAP_C, 2, S, CL),
		SEE(CAP_C, 2, S, SS, 1),
		NOTE(CAP_C, 2, "the two SYNs crossed"),
		PATH(CAP_C, 2, C, SS, SR), FLUSH(), STATE(C, ES), STATE(S, ES),
		SEE(CAP_C, 4, C, ES, 1), EXCHANGE, SEE(CAP_S, 5, C, ES, 0),
		MERGED_CLOSE, END}},
	/* After a server-first close the server holds the 4-tuple in
	 * TIME-WAIT; the client connects again from the same port. The
	 * server's conn answers the SYN with a challenge ACK, the client
	 * (SYN-SENT) resets it, which ends the TIME-WAIT; the server
	 * listens again and the client's SYN, sent again, opens. annot
	 * starts a new connection at the SYN and takes the server for a
	 * listener (inferred). */
	{"time_wait_new_syn", (const struct step[]){
		OPEN, EXCHANGE, CLOSE(S), DELIVER(S), CLOSE(C), DELIVER(C),
		DELIVER(S), STATE(S, TW), STATE(C, CL), CONNECT(C), DELIVER(C),
		STATE(S, TW), SEE(CAP_S, 11, S, SR, 1), DELIVER(S),
		SEE(CAP_C, 13, C, SS, 0), DELIVER(C), STATE(S, CL), LISTEN(S),
		TIMER(C), FLUSH(), STATE(C, ES), STATE(S, ES),
		SEE(CAP_C, 16, C, ES, 0), SEE(CAP_C, 16, S, ES, 1), END}},

	/* ---- A slow student: 30 s gaps, timers running. ---- */
	/* Between the application's steps: the server's delayed ACK of
	 * the FIN goes alone (four segments), the client's TIME-WAIT
	 * runs out. */
	{"slow_student_between_steps", (const struct step[]){
		AUTO(), LISTEN(S), WAIT(), CONNECT(C), WAIT(), REQUEST(),
		WAIT(), RESPONSE(), WAIT(), CLOSE(C), WAIT(), STATE(C, F2),
		STATE(S, CW), SEE(CAP_C, 0, C, F2, 1),
		SEE(TOLD_C, 0, C, F2, 0), CLOSE(S), STATE(C, TW),
		NOTE(CAP_C, 0, "closed in four segments"), WAIT(),
		STATE(C, TW), WAIT(), STATE(C, CL), END}},
	/*
	 * Between every step, deliveries included: while the first SYN
	 * waits on the link the client sends it four times more, and the
	 * server its SYN-ACK; a SYN sent again reaches the server after
	 * the client has its SYN-ACK (annot revises the client to
	 * SYN-SENT, inferred: the SYN-ACK may be on its way). The server
	 * runs out of SYN-ACK retries and listens again, twice; the
	 * student closes it while it only listens, and its CLOSED port
	 * resets the client.
	 */
	{"slow_student_every_step", (const struct step[]){
		LISTEN(S), WAIT(), CONNECT(C), WAIT(), DELIVER(C), WAIT(),
		DELIVER(S), WAIT(), DELIVER(C), REVISED(CAP_S, 8, C, SS),
		SEE(CAP_S, 8, C, SS, 1),
		NOTE(CAP_S, 8, "had not reached it when"), WAIT(),
		STATE(S, LI), REQUEST(), WAIT(), DELIVER(C), WAIT(),
		DELIVER(S), WAIT(), RESPONSE(), WAIT(), DELIVER(S), WAIT(),
		DELIVER(C), WAIT(), CLOSE(C), WAIT(), DELIVER(C), WAIT(),
		STATE(S, LI), CLOSE(S), WAIT(), DELIVER(S), WAIT(), DELIVER(C),
		WAIT(), FLUSH(), WAIT(), WAIT(), STATE(C, CL), STATE(S, CL),
		END}},
};
/* clang-format on */

#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/*
 * RFC 9293's diagram (3.3.2, figure 5), written out again here rather than
 * taken from conn.c: from, to, and the event the figure names.
 */
static const struct {
	enum tcp_state from, to;
} rfc9293_edges[] = {
        {CL, LI}, /* passive OPEN */
        {CL, SS}, /* active OPEN, snd SYN */
        {LI, SR}, /* rcv SYN, snd SYN,ACK */
        {LI, SS}, /* SEND, snd SYN */
        {LI, CL}, /* CLOSE */
        {SS, SR}, /* rcv SYN, snd SYN,ACK (simultaneous open) */
        {SS, ES}, /* rcv SYN,ACK, snd ACK */
        {SS, CL}, /* CLOSE */
        {SR, ES}, /* rcv ACK of SYN */
        {SR, F1}, /* CLOSE, snd FIN */
        {SR, LI}, /* rcv RST, after a passive OPEN (note 2) */
        {ES, F1}, /* CLOSE, snd FIN */
        {ES, CW}, /* rcv FIN, snd ACK */
        {F1, F2}, /* rcv ACK of FIN */
        {F1, CG}, /* rcv FIN, snd ACK */
        {F2, TW}, /* rcv FIN, snd ACK */
        {CG, TW}, /* rcv ACK of FIN */
        {CW, LA}, /* CLOSE, snd FIN */
        {LA, CL}, /* rcv ACK of FIN */
        {TW, CL}, /* timeout = 2MSL */
};

static bool in_diagram(enum tcp_state from, enum tcp_state to)
{
	size_t i;

	for (i = 0; i < sizeof rfc9293_edges / sizeof rfc9293_edges[0]; i++)
		if (rfc9293_edges[i].from == from && rfc9293_edges[i].to == to)
			return true;
	return false;
}

/* tcp_transition_ok() takes exactly the diagram's edges, and the ways to
 * CLOSED the text adds (ABORT, a RST, a retry limit: 3.10.5, 3.10.7,
 * 3.8.3) from every other state; nothing else, no state to itself. */
START_TEST(test_transition_ok_diagram_and_closed)
{
	int from, to;

	for (from = TCP_CLOSED; from <= TCP_TIME_WAIT; from++)
		for (to = TCP_CLOSED; to <= TCP_TIME_WAIT; to++) {
			bool want = in_diagram(from, to) ||
			            (to == TCP_CLOSED && from != TCP_CLOSED);

			ck_assert_msg(tcp_transition_ok(from, to) == want,
			              "%s -> %s: tcp_transition_ok says %d",
			              tcp_state_name(from), tcp_state_name(to),
			              !want);
		}
}
END_TEST

START_TEST(test_pair_scenario)
{
	run_scenario(&scenarios[_i]);
}
END_TEST

static Suite *pair_suite(void)
{
	Suite *s = suite_create("pair");
	TCase *diagram = tcase_create("diagram");
	TCase *tc = tcase_create("scenarios");

	TESTLIB_ADD(diagram, test_transition_ok_diagram_and_closed);
	tcase_add_loop_test(tc, test_pair_scenario, 0, (int)NSCENARIOS);
	suite_add_tcase(s, diagram);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(pair_suite)
