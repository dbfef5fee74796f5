/*
 * fuzz_conn.c: libFuzzer target for the TCP state machine (common/conn*.c).
 *
 * The input is a small program. Its first eight bytes configure two conns,
 * a client that connects and a server that listens, on the article's
 * addresses and ports; all zeros is the article's Linux (ISNs, options,
 * windows). The rest is a list of operations: deliver, drop, duplicate,
 * reorder or alter the segments the conns sent each other (they travel as
 * encoded bytes on two wires, so what a conn reads is what seg_decode()
 * makes of them); inject segments built from the fuzzer's bytes (flags,
 * seq and ack relative to the receiver's real numbers or arbitrary,
 * windows, MSS 0/1/65535, wscale, SACK blocks, timestamps, payloads), or
 * raw datagrams, into the client, the server or a listener (a LISTEN conn
 * such as tcplab-server keeps for segments of no connection); move the
 * clock; run timers; and make the application's calls: send N bytes,
 * close, abort, change the receive window, quit in step mode.
 *
 * After every call, check_call() asserts conn's invariants. They are all in
 * the section "The invariants" below, each with the RFC rule it guards and
 * a short name; a violation prints the name and aborts, which libFuzzer
 * reports as a crash. FUZZ_CONN_SKIP, a comma-separated list of names,
 * turns invariants off so that a campaign can look past a fault that has
 * been reported already: a violation of one of them is not reported, and
 * the input ends there, because a conn that broke an invariant may do
 * anything next (a SND.UNA out of the send space made conn read 2 GiB
 * outside its buffer), and that is the same fault again. FUZZ_CONN_GO_ON
 * runs the input on after them, to see what a known fault leads to. With
 * FUZZ_CONN_TRACE set, every call and the segments it sent are printed,
 * to read a crash's story.
 *
 * Test code: it reads the environment and prints on failure. It must never
 * keep a pointer from a conn_out past the next call on that conn.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conn.h"
#include "common/err.h"
#include "common/seg.h"
#include "common/seq.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The article's endpoints (reference/SEED-EXCHANGE.md). */
#define C_ADDR      0xc0a86519u /* 192.168.101.25 */
#define S_ADDR      0xc0a86505u /* 192.168.101.5 */
#define C_PORT      57290
#define S_PORT      8080
#define ART_C_ISN   250118291u
#define ART_S_ISN   2336326088u
#define ART_C_TS    4595424u    /* the client's TS val in its SYN */
#define ART_S_TS    2480165653u /* the server's TS val in its SYN-ACK */
#define T0          10000000ull /* the clock at the start: 10 s */
#define DEFAULT_MSS 536         /* RFC 9293 3.7.1 */

/* Room for the largest datagram a conn sends: headers, both option
 * areas and a full send buffer (a conn whose own MSS is 65535). */
#define PKT_MAX  (60 + 60 + CONN_SNDBUF_SIZE)
#define WIRE_CAP 32
#define MAX_OPS  2000
/* Rounds of conn_timer() the spin check tries, each of which must do
 * something. Two are enough: the check runs after every call, so a conn
 * the program drives on meets it again. */
#define SPIN_ROUNDS 2

/* ---- The world: three conns, two wires, one clock. ---- */

enum { CLIENT, SERVER, LISTENER, NEP };
enum { C2S, S2C };

struct pkt {
	size_t len;
	uint8_t b[PKT_MAX];
};

/* Segments in flight one way, oldest first; a full wire drops new ones. */
struct wire {
	struct pkt q[WIRE_CAP];
	unsigned head, n;
};

/* One conn and what the fuzzer knows about it beyond the struct. */
struct ep {
	struct conn c;
	const char *name;
	int stream;           /* whose bytes it sends: 0 client, 1 server */
	int out_wire;         /* where its segments go */
	uint32_t written;     /* bytes conn_send() took since the open */
	uint32_t max_snd_wnd; /* RFC 5961's MAX.SND.WND */
	bool peer_fin;        /* the peer's FIN was taken in */
	bool edge_ok;         /* edge holds the right edge we offered */
	uint32_t edge;
	uint32_t peer_mss; /* the MSS the peer's SYN announced */
};

/* What the invariants need to know about the call just made. */
enum call_kind {
	K_CONNECT,
	K_LISTEN,
	K_INPUT,
	K_TIMER,
	K_SEND,
	K_CLOSE,
	K_ABORT
};

struct call {
	enum call_kind kind;
	const struct seg *in; /* K_INPUT */
	size_t took;          /* K_SEND: what conn_send() returned */
	int rc;
};

/* The segments of the last call, for a step-mode quit. */
struct last_call {
	struct ep *ep;
	unsigned nseg; /* segments it put on its wire */
	uint32_t seq[CONN_OUT_SEGS];
};

struct world {
	struct ep ep[NEP];
	struct wire wire[2];
	struct conn_cfg cfg[2]; /* the client's, the server's and listener's */
	uint64_t now;
	struct conn_out out;
	struct last_call last;
	struct pkt cur; /* the datagram being delivered */
};

static struct world W;

/* ---- Reading the program: missing bytes read as zero. ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t u16(struct rd *r)
{
	uint16_t hi = u8(r);

	return (uint16_t)(hi << 8 | u8(r));
}

static uint32_t u32(struct rd *r)
{
	uint32_t hi = u16(r);

	return hi << 16 | u16(r);
}

/* ---- Failing. ---- */

static char skip_list[512];
static bool tracing; /* FUZZ_CONN_TRACE is set: print every call */
static bool go_on;   /* FUZZ_CONN_GO_ON is set: run on past skipped ones */
/* Where a skipped invariant ends the input, and the copy of a conn that
 * check_no_spin() may hold then. */
static jmp_buf input_end;
static struct conn *spin_copy;

static bool skipped(const char *name)
{
	size_t n = strlen(name);
	const char *p = skip_list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == skip_list || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static void fail(const char *name, const char *cond, int line,
                 const struct ep *e)
{
	fprintf(stderr, "fuzz_conn: invariant %s broken (fuzz_conn.c:%d: %s)",
	        name, line, cond);
	if (e != NULL)
		fprintf(stderr,
		        " by the %s in %s: iss %u snd_una %u snd_nxt %u "
		        "snd_wnd %u snd_mss %u rcv_nxt %u, now %llu",
		        e->name, tcp_state_name(e->c.state), e->c.iss,
		        e->c.snd_una, e->c.snd_nxt, e->c.snd_wnd, e->c.snd_mss,
		        e->c.rcv_nxt, (unsigned long long)W.now);
	fputc('\n', stderr);
	abort();
}

/* A skipped invariant broke: the rest of the input is not run, unless
 * FUZZ_CONN_GO_ON says to. */
static void end_input(const char *name)
{
	if (go_on)
		return;
	if (tracing)
		fprintf(stderr,
		        "fuzz_conn: invariant %s broken, skipped: "
		        "the input ends\n",
		        name);
	longjmp(input_end, 1);
}

/* An invariant: name is what FUZZ_CONN_SKIP lists to turn it off. */
#define INV(name, cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			if (skipped(name))                                     \
				end_input(name);                               \
			else                                                   \
				fail(name, #cond, __LINE__, e);                \
		}                                                              \
	} while (0)

/* ---- Facts about states and streams. ---- */

/* RFC 9293 3.3.2: the states after the handshake. */
static bool synchronized(enum tcp_state st)
{
	return st >= TCP_ESTABLISHED && st <= TCP_TIME_WAIT;
}

/* States whose send sequence space (iss, snd_una, snd_nxt) is live. */
static bool has_space(enum tcp_state st)
{
	return st != TCP_CLOSED && st != TCP_LISTEN;
}

/* States whose receive sequence space (irs, rcv_nxt) is live. */
static bool has_rcv(enum tcp_state st)
{
	return has_space(st) && st != TCP_SYN_SENT;
}

/* Byte off of stream s: what the application writes, so that every byte a
 * conn sends can be checked against what it was given. */
static uint8_t pat(int s, uint32_t off)
{
	uint32_t x = off * 2654435761u ^ (uint32_t)(s + 1) * 0x5bd1e995u;

	x ^= x >> 15;
	return (uint8_t)(x ^ x >> 7);
}

/* The window a conn offers, in bytes, as conn.h describes it. */
static uint32_t offered_window(const struct conn *c)
{
	uint32_t field;

	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)
		return c->cfg.syn_win;
	field = c->rcv_wnd >> c->rcv_wscale;
	if (field > 65535)
		field = 65535;
	return field << c->rcv_wscale;
}

static bool can_send_data(const struct conn *c)
{
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_LAST_ACK:
		return !c->fin_sent;
	default:
		return false;
	}
}

static uint32_t unsent(const struct conn *c)
{
	if (c->fin_sent || c->snd_buf_len == 0)
		return 0;
	return (uint32_t)c->snd_buf_len -
	       (uint32_t)seq_diff(c->snd_nxt, c->snd_buf_seq);
}

static unsigned count_ev(const struct conn_out *o, enum conn_event_kind k)
{
	unsigned i, n = 0;

	for (i = 0; i < o->nev; i++)
		n += o->ev[i].kind == k;
	return n;
}

/* A drop event whose reason says RFC 5961 7's limit held the ACK back. */
static bool ack_held(const struct conn_out *o)
{
	unsigned i;

	for (i = 0; i < o->nev; i++)
		if (o->ev[i].kind == CONN_EV_DROP && o->ev[i].reason != NULL &&
		    (strstr(o->ev[i].reason, "rate limit") != NULL ||
		     strstr(o->ev[i].reason, "held back") != NULL))
			return true;
	return false;
}

static bool seg_for(const struct conn *c, const struct seg *in)
{
	struct ipaddr src = seg_src(in), dst = seg_dst(in);

	if (in->dport != c->lport ||
	    (!ipaddr_any(&c->laddr) && !ipaddr_eq(&dst, &c->laddr)))
		return false;
	if (c->state == TCP_LISTEN)
		return true;
	return ipaddr_eq(&src, &c->raddr) && in->sport == c->rport;
}

/* A deep copy, for calls whose effect must not reach the real conn. */
static struct conn *conn_clone(const struct conn *c)
{
	struct conn *k = malloc(sizeof *k);

	if (k == NULL)
		abort();
	*k = *c;
	if (c->snd_buf != NULL) {
		k->snd_buf = malloc(c->snd_buf_cap);
		if (k->snd_buf == NULL)
			abort();
		memcpy(k->snd_buf, c->snd_buf, c->snd_buf_cap);
	}
	/* And the reassembly queue's buffer (conn_reass.c). */
	if (c->rq_buf != NULL) {
		size_t used = c->rq_n == 0
		                      ? 0
		                      : (size_t)seq_diff(c->rq[c->rq_n - 1].end,
		                                         c->rq_base);

		k->rq_buf = malloc(c->rq_cap);
		if (k->rq_buf == NULL)
			abort();
		/* Only the bytes the blocks cover are ever read. */
		memcpy(k->rq_buf, c->rq_buf, used);
	}
	return k;
}

static void conn_unclone(struct conn *k)
{
	conn_release(k);
	free(k);
}

/* ==== The invariants. ==== */

/*
 * conn_out: "Segments and events one call can report" are bounded, and a
 * call that has more to say must not drop it silently: a lost segment is
 * a lost ACK or RST the caller never learns of, a lost event a hole in the
 * trace a student reads.
 */
static void check_out_bounds(const struct ep *e, const struct conn_out *o)
{
	INV("out-bounds",
	    o->nseg <= CONN_OUT_SEGS && o->nev <= CONN_OUT_EVENTS);
	INV("out-seg-lost", o->seg_lost == 0);
	INV("out-ev-lost", o->ev_lost == 0);
}

/*
 * RFC 9293 3.3.2: every change of state is an edge of the diagram, or one
 * of the ways to CLOSED the text adds (tcp_transition_ok), and is reported:
 * the chain of CONN_EV_STATE events leads from the state before the call to
 * the state after it.
 */
static void check_transitions(const struct ep *e, const struct conn *b,
                              const struct call *k, const struct conn_out *o)
{
	enum tcp_state st = b->state;
	unsigned i;

	INV("state-valid", e->c.state <= TCP_TIME_WAIT);
	if (k->kind == K_LISTEN)
		return;
	for (i = 0; i < o->nev; i++) {
		const struct conn_event *v = &o->ev[i];

		if (v->kind != CONN_EV_STATE)
			continue;
		INV("state-chain", v->from == st);
		INV("state-edge", tcp_transition_ok(v->from, v->to));
		st = v->to;
	}
	INV("state-reported", st == e->c.state);
}

/*
 * RFC 9293 3.3.1 and 3.4, the send sequence space: SND.UNA =< SND.NXT,
 * and both lie in what the application gave: ISS is the SYN, data runs
 * from ISS+1 for `written` bytes, and a FIN takes the number after the
 * last byte. The send buffer holds exactly the bytes not yet acknowledged
 * ("segments on the retransmission queue that are thereby entirely
 * acknowledged are removed", 3.10.7.4 fifth), and they are the
 * application's bytes.
 */
static void check_send_space(const struct ep *e)
{
	const struct conn *c = &e->c;
	uint32_t start = seq_add(c->iss, 1), end = seq_add(start, e->written);
	uint32_t una = c->snd_una;
	size_t i, n;

	if (!has_space(c->state))
		return;
	INV("snd-una-le-nxt", seq_leq(c->snd_una, c->snd_nxt));
	INV("snd-in-space",
	    seq_leq(c->iss, c->snd_una) &&
	            seq_leq(c->snd_nxt, seq_add(end, c->fin_sent ? 1 : 0)));
	INV("sndbuf-bounds", c->snd_buf_len <= c->snd_buf_cap &&
	                             c->snd_buf_cap <= CONN_SNDBUF_SIZE &&
	                             (c->snd_buf_len == 0 || c->snd_buf));
	if (seq_lt(una, start))
		una = start;
	if (seq_gt(una, end))
		una = end;
	INV("sndbuf-holds-unacked", c->snd_buf_seq == una);
	INV("sndbuf-ends-at-written",
	    seq_add(c->snd_buf_seq, (uint32_t)c->snd_buf_len) == end);
	/* The first and last bytes: enough to catch a shift. */
	n = c->snd_buf_len;
	for (i = 0; i < n; i = (i == 63 && n > 128) ? n - 64 : i + 1)
		INV("sndbuf-bytes",
		    c->snd_buf[i] ==
		            pat(e->stream,
		                (uint32_t)seq_diff(c->snd_buf_seq, start) +
		                        (uint32_t)i));
	if (c->fin_sent)
		INV("fin-last", c->fin_queued && c->fin_seq == end &&
		                        c->snd_nxt == seq_add(end, 1));
}

/*
 * RFC 9293 3.10.7.2-4 and 3.3.2: what each state implies. Until our SYN is
 * acknowledged SND.UNA = ISS and SND.NXT = ISS+1; ESTABLISHED and later
 * only once it is; FIN-WAIT-2 and TIME-WAIT only once our FIN is
 * acknowledged; CLOSE-WAIT, CLOSING, LAST-ACK and TIME-WAIT only after the
 * peer's FIN; FIN-WAIT-1, CLOSING and LAST-ACK only after our close.
 */
static void check_state_facts(const struct ep *e)
{
	const struct conn *c = &e->c;
	enum tcp_state st = c->state;

	if (st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED)
		INV("handshake-space",
		    c->snd_una == c->iss && c->snd_nxt == seq_add(c->iss, 1));
	if (synchronized(st))
		INV("synced-syn-acked", seq_gt(c->snd_una, c->iss));
	if (st == TCP_FIN_WAIT_2 || st == TCP_TIME_WAIT)
		INV("fin-acked", c->fin_sent && seq_gt(c->snd_una, c->fin_seq));
	if (st == TCP_FIN_WAIT_1 || st == TCP_CLOSING || st == TCP_LAST_ACK)
		INV("closed-by-app", c->fin_queued);
	if (st == TCP_CLOSE_WAIT || st == TCP_CLOSING || st == TCP_LAST_ACK ||
	    st == TCP_TIME_WAIT)
		INV("peer-fin-seen", e->peer_fin);
	if (st == TCP_ESTABLISHED || st == TCP_FIN_WAIT_1 ||
	    st == TCP_FIN_WAIT_2)
		INV("no-peer-fin", !e->peer_fin);
	if (st == TCP_LISTEN)
		INV("listen-empty", c->snd_buf == NULL && e->written == 0);
}

/*
 * RFC 9293 3.10.7.4, seventh and eighth: RCV.NXT moves only forward, by
 * exactly the bytes delivered plus one for the peer's FIN; the bytes
 * delivered are those of the segment from RCV.NXT on (with a SYN, the
 * first data octet is SEG.SEQ+1), no more than the window offered, in a
 * state that takes text. RFC 5961 5.2 (RFC 9293 MAY-12): data is taken
 * only from a segment with an ACK in [SND.UNA - MAX.SND.WND, SND.NXT],
 * so that a blind attacker must guess the ACK too.
 */
static void check_recv(const struct ep *e, const struct conn *b,
                       const struct call *k, const struct conn_out *o)
{
	const struct conn *c = &e->c;
	const struct seg *in = k->in;
	unsigned fins = count_ev(o, CONN_EV_PEER_FIN);
	uint32_t first, skip, maxw = e->max_snd_wnd;

	if (k->kind != K_INPUT) {
		INV("recv-only-input", o->data_len == 0 && fins == 0);
		return;
	}
	/* The peer's FIN is this segment's, or one that came beyond a hole
	 * and counts now that the hole is filled (b->rq_fin). */
	INV("data-event", count_ev(o, CONN_EV_DATA) == (o->data_len > 0) &&
	                          fins <= 1 &&
	                          (fins == 0 || (in->flags & TH_FIN) ||
	                           b->rq_fin));
	if (has_rcv(b->state) && c->state != TCP_LISTEN && c->irs == b->irs)
		INV("rcv-nxt-accounting", seq_diff(c->rcv_nxt, b->rcv_nxt) ==
		                                  (int64_t)o->data_len + fins);
	if (!has_rcv(b->state) && has_rcv(c->state))
		INV("rcv-nxt-after-syn",
		    c->irs == in->seq &&
		            c->rcv_nxt ==
		                    seq_add(c->irs,
		                            1 + (uint32_t)o->data_len + fins));
	if (o->data_len == 0)
		return;
	first = seq_add(in->seq, (in->flags & TH_SYN) ? 1 : 0);
	skip = (uint32_t)seq_diff(b->rcv_nxt, first);
	/* With data out of order queued before (conn_reass.c), what is
	 * delivered comes from the queue's buffer: the segment's bytes from
	 * RCV.NXT, and what the queue held after them. */
	if (b->rq_n == 0)
		INV("data-from-rcv-nxt",
		    has_rcv(b->state) && o->data == in->payload + skip &&
		            (size_t)skip + o->data_len <= in->payload_len);
	else
		INV("data-from-queue",
		    has_rcv(b->state) && c->rq_buf != NULL &&
		            o->data >= c->rq_buf &&
		            o->data + o->data_len <= c->rq_buf + c->rq_cap);
	/* Data the queue held was in the window offered when it came (the
	 * application may have shrunk it since). */
	INV("data-in-window", o->data_len <= offered_window(c) ||
	                              (b->rq_n > 0 && o->data_len <= c->rq_cap));
	INV("data-state",
	    b->state == TCP_SYN_RECEIVED || b->state == TCP_ESTABLISHED ||
	            b->state == TCP_FIN_WAIT_1 || b->state == TCP_FIN_WAIT_2);
	if (b->snd_wnd > maxw)
		maxw = b->snd_wnd;
	INV("blind-data", (in->flags & TH_ACK) &&
	                          seq_geq(in->ack, b->snd_una - maxw) &&
	                          seq_leq(in->ack, b->snd_nxt));
}

/*
 * What a segment may do to a connection (RFC 9293 3.10.7, RFC 5961). A
 * segment of another connection changes nothing. A RST is never answered
 * with a RST, and a synchronized connection answers what it does not
 * accept with an ACK, never a RST. It ends on input only by a RST at
 * exactly RCV.NXT (RFC 5961 3.2), or in LAST-ACK by the ACK of our FIN;
 * in SYN-SENT a RST counts only with the ACK of our SYN. The handshake
 * advances only on the segments that complete it: a bare SYN in LISTEN,
 * a SYN with the ACK of our SYN in SYN-SENT, the ACK of our SYN-ACK in
 * SYN-RECEIVED. A SYN in a synchronized state draws a challenge ACK (RFC
 * 5961 4.2).
 */
static void check_input_effect(const struct ep *e, const struct conn *b,
                               const struct call *k, const struct conn_out *o)
{
	const struct seg *in = k->in;
	enum tcp_state st0 = b->state, st1 = e->c.state;
	unsigned i, rsts = 0, acks = 0;

	if (k->kind != K_INPUT)
		return;
	for (i = 0; i < o->nseg; i++) {
		rsts += (o->seg[i].flags & TH_RST) != 0;
		acks += o->seg[i].flags == TH_ACK;
	}
	if (st0 != TCP_CLOSED && !seg_for(b, in)) {
		INV("other-connection", o->nseg == 0 && st1 == st0);
		return;
	}
	if (in->flags & TH_RST)
		INV("no-rst-for-rst", rsts == 0);
	if (synchronized(st0))
		INV("no-rst-when-synced", rsts == 0);
	/* RFC 6191: a newer SYN ends TIME-WAIT (CONN_EV_REOPEN). */
	if (synchronized(st0) && st1 == TCP_CLOSED)
		INV("close-on-input",
		    ((in->flags & TH_RST) && in->seq == b->rcv_nxt) ||
		            (st0 == TCP_LAST_ACK && (in->flags & TH_ACK) &&
		             seq_gt(in->ack, b->fin_seq)) ||
		            (st0 == TCP_TIME_WAIT &&
		             (in->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
		             count_ev(o, CONN_EV_REOPEN) == 1));
	if (st0 == TCP_SYN_SENT && st1 == TCP_CLOSED)
		INV("syn-sent-rst",
		    (in->flags & (TH_RST | TH_ACK)) == (TH_RST | TH_ACK) &&
		            seq_gt(in->ack, b->iss) &&
		            seq_leq(in->ack, b->snd_nxt));
	if (st0 == TCP_SYN_SENT && synchronized(st1))
		INV("syn-sent-synack",
		    (in->flags & (TH_SYN | TH_ACK | TH_RST)) ==
		                    (TH_SYN | TH_ACK) &&
		            seq_gt(in->ack, b->iss) &&
		            seq_leq(in->ack, b->snd_nxt));
	if (st0 == TCP_SYN_RECEIVED && synchronized(st1))
		INV("syn-rcvd-ack", (in->flags & (TH_ACK | TH_RST)) == TH_ACK &&
		                            seq_lt(b->snd_una, in->ack) &&
		                            seq_leq(in->ack, b->snd_nxt));
	if (st0 == TCP_LISTEN && st1 == TCP_SYN_RECEIVED)
		INV("listen-syn",
		    (in->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN);
	/* The challenge ACK may be held back by RFC 5961 7's limit. */
	if (synchronized(st0) && (in->flags & (TH_SYN | TH_RST)) == TH_SYN &&
	    count_ev(o, CONN_EV_REOPEN) == 0)
		INV("syn-challenge-ack",
		    (acks >= 1 || ack_held(o)) && st1 == st0);
}

/*
 * A RST (RFC 9293 3.10.7.1-4, 3.10.5). In reply to a segment: <SEQ=SEG.ACK>
 * if it had an ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, to
 * where it came from, and only from CLOSED, LISTEN (to an ACK), SYN-SENT or
 * SYN-RECEIVED. From ABORT: <SEQ=SND.NXT> in SYN-RECEIVED, ESTABLISHED,
 * FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT only. No other call sends one. A
 * RST carries no data.
 */
static void check_rst(const struct ep *e, const struct conn *b,
                      const struct call *k, const struct seg *s)
{
	const struct seg *in = k->in;
	enum tcp_state st0 = b->state;

	INV("rst-bare", s->payload_len == 0 && !(s->flags & (TH_SYN | TH_FIN)));
	if (k->kind == K_ABORT) {
		INV("abort-rst",
		    (st0 == TCP_SYN_RECEIVED || st0 == TCP_ESTABLISHED ||
		     st0 == TCP_FIN_WAIT_1 || st0 == TCP_FIN_WAIT_2 ||
		     st0 == TCP_CLOSE_WAIT) &&
		            s->seq == b->snd_nxt);
		/* The peer takes a RST only at its RCV.NXT, which is at least
		 * our SND.UNA: one below it is lost (RFC 5961 3.2). */
		INV("abort-rst-seq", seq_geq(s->seq, b->snd_una));
		return;
	}
	INV("rst-only-reply", k->kind == K_INPUT);
	INV("rst-reply-state",
	    st0 == TCP_CLOSED || st0 == TCP_SYN_SENT ||
	            (st0 == TCP_LISTEN && (in->flags & TH_ACK)) ||
	            (st0 == TCP_SYN_RECEIVED && (in->flags & TH_ACK)));
	INV("rst-reply-to-sender",
	    s->saddr == in->daddr && s->daddr == in->saddr &&
	            s->sport == in->dport && s->dport == in->sport);
	if (in->flags & TH_ACK)
		INV("rst-reply-seq", s->flags == TH_RST && s->seq == in->ack);
	else
		INV("rst-reply-ack",
		    s->flags == (TH_RST | TH_ACK) && s->seq == 0 &&
		            s->ack == seq_add(in->seq, seg_seq_len(in)));
}

/*
 * A SYN (RFC 9293 3.10.7, RFC 7323 1.3 and 2.2, RFC 2018): at ISS, with no
 * data; alone only in SYN-SENT, with ACK only in SYN-RECEIVED; its window
 * never scaled; always an MSS; a SYN-ACK offers window scaling, timestamps
 * and SACK-permitted only if the peer's SYN did.
 */
static void check_syn(const struct ep *e, const struct seg *s)
{
	const struct conn *c = &e->c;

	INV("syn-bare",
	    s->payload_len == 0 && !(s->flags & TH_FIN) && s->seq == c->iss);
	INV("syn-state", (s->flags & TH_ACK) ? c->state == TCP_SYN_RECEIVED
	                                     : c->state == TCP_SYN_SENT);
	INV("syn-window", s->win == c->cfg.syn_win && (s->has & SEG_HAS_MSS));
	if (s->flags & TH_ACK) {
		INV("synack-ack", s->ack == c->rcv_nxt);
		INV("synack-options",
		    !!(s->has & SEG_HAS_TS) == c->ts_ok &&
		            !!(s->has & SEG_HAS_WSCALE) == c->wscale_ok &&
		            !!(s->has & SEG_HAS_SACKOK) == c->sack_ok);
	}
}

/*
 * A data segment (RFC 9293 3.8.6, 3.7.1): at most the MSS conn settled on,
 * which is no more than the smaller of the peer's MSS and ours, less the
 * options every segment carries, when that leaves room (when it does not,
 * the RFC leaves no room for data at all, and conn sends what its MSS
 * says, as Linux sends 48 bytes at least); the application's bytes at the right
 * offset, sent and not yet acknowledged; and new data within the peer's
 * window (SND.UNA + SND.WND). A retransmission starts at SND.UNA and may
 * go past a window the peer has since shrunk, as Linux's does.
 */
static void check_data(const struct ep *e, const struct conn *b,
                       const struct seg *s)
{
	const struct conn *c = &e->c;
	uint32_t start = seq_add(c->iss, 1);
	uint32_t off = (uint32_t)seq_diff(s->seq, start);
	uint32_t end = seq_add(s->seq, (uint32_t)s->payload_len);
	uint32_t opts = c->ts_ok ? 12 : 0;
	/* A peer's MSS below 48 counts as 48, as on Linux (conn_in.c). */
	uint32_t pm = e->peer_mss < 48 ? 48 : e->peer_mss;
	uint32_t eff = pm < c->cfg.mss ? pm : c->cfg.mss;
	size_t i;

	INV("data-mss", s->payload_len <= c->snd_mss &&
	                        (eff <= opts || c->snd_mss <= eff - opts));
	INV("data-sent-unacked",
	    s->payload != NULL && seq_geq(s->seq, start) &&
	            seq_geq(s->seq, c->snd_una) && seq_leq(end, c->snd_nxt) &&
	            (uint64_t)off + s->payload_len <= e->written);
	for (i = 0; i < s->payload_len; i++)
		INV("data-bytes",
		    s->payload[i] == pat(e->stream, off + (uint32_t)i));
	if (has_space(b->state) && seq_geq(s->seq, b->snd_nxt))
		INV("data-in-peer-window",
		    seq_leq(end, seq_add(c->snd_una, c->snd_wnd)));
}

/*
 * The segments with no SYN and no RST (RFC 9293 3.10.7.4: once
 * synchronized, every segment carries an ACK of RCV.NXT). Each is one of:
 * data; a FIN, at the number after our last byte, in FIN-WAIT-1, CLOSING
 * or LAST-ACK; a zero-window probe (3.8.6.1), from a timer while the
 * peer's window is zero, at SND.UNA-1 as Linux sends it; or a pure ACK
 * <SEQ=SND.NXT><CTL=ACK>. Anything else, such as a PSH or a sequence
 * number of its own on a segment without data, is a bare segment that
 * should not exist.
 */
static void check_plain(const struct ep *e, const struct conn *b,
                        const struct call *k, const struct conn_out *o,
                        const struct seg *s)
{
	const struct conn *c = &e->c;
	uint32_t lo_ack = has_rcv(b->state) ? b->rcv_nxt : c->rcv_nxt;
	uint32_t lo_seq = has_space(b->state) ? b->snd_nxt : c->snd_nxt;

	/* A timer may send a delayed ACK and then give up: the state after
	 * the call is then CLOSED. */
	INV("ack-on-every-segment",
	    (s->flags & TH_ACK) && (has_rcv(b->state) || has_rcv(c->state)));
	INV("ack-is-rcv-nxt",
	    seq_geq(s->ack, lo_ack) && seq_leq(s->ack, c->rcv_nxt));
	if (s->payload_len > 0)
		check_data(e, b, s);
	if (s->flags & TH_FIN) {
		INV("fin-seq",
		    c->fin_sent &&
		            seq_add(s->seq, (uint32_t)s->payload_len) ==
		                    c->fin_seq &&
		            (c->state == TCP_FIN_WAIT_1 ||
		             c->state == TCP_CLOSING ||
		             c->state == TCP_LAST_ACK));
		return;
	}
	if (s->payload_len > 0)
		return;
	if (s->seq == c->snd_una - 1 && count_ev(o, CONN_EV_PROBE) > 0) {
		INV("probe", s->flags == TH_ACK && k->kind == K_TIMER &&
		                     c->snd_wnd == 0);
		return;
	}
	INV("bare-segment", s->flags == TH_ACK && seq_geq(s->seq, lo_seq) &&
	                            seq_leq(s->seq, c->snd_nxt));
}

/*
 * Options after the SYN (RFC 7323 3.2, 2.2; RFC 9293 3.7.1; RFC 2018):
 * once timestamps are agreed every segment but a RST carries them, with
 * TSval from the conn's clock and TSecr = TS.Recent, and never otherwise;
 * MSS, window scale and SACK-permitted appear only on a SYN; SACK blocks
 * only when SACK was agreed. Our window's right edge never moves left
 * (3.8.6.2.2, SHLD-14) while the application leaves the window alone.
 */
static void check_options(struct ep *e, const struct conn *b,
                          const struct seg *s)
{
	const struct conn *c = &e->c;
	uint32_t edge;

	INV("syn-only-options",
	    !(s->has & (SEG_HAS_MSS | SEG_HAS_WSCALE | SEG_HAS_SACKOK)));
	INV("sack-agreed", !(s->has & SEG_HAS_SACK) || c->sack_ok);
	INV("ts-every-segment", !!(s->has & SEG_HAS_TS) == c->ts_ok);
	if (c->ts_ok)
		INV("ts-values", s->ts_val == conn_ts_now(c, W.now) &&
		                         (s->ts_ecr == c->ts_recent ||
		                          s->ts_ecr == b->ts_recent));
	if (!synchronized(c->state) || !(s->flags & TH_ACK))
		return;
	edge = seq_add(s->ack, (uint32_t)s->win << c->rcv_wscale);
	if (e->edge_ok)
		INV("window-not-shrunk", seq_geq(edge, e->edge));
	e->edge_ok = true;
	e->edge = edge;
}

/* Every segment: known flags only, our addresses unless a RST reply, and
 * then what its kind requires. */
static void check_seg(struct ep *e, const struct conn *b, const struct call *k,
                      const struct conn_out *o, const struct seg *s)
{
	const struct conn *c = &e->c;

	INV("flags-known",
	    (s->flags & ~(TH_FIN | TH_SYN | TH_RST | TH_PSH | TH_ACK)) == 0);
	if (s->flags & TH_RST) {
		check_rst(e, b, k, s);
		return;
	}
	INV("own-tuple", s->saddr == ipaddr_v4(&c->laddr) &&
	                         s->daddr == ipaddr_v4(&c->raddr) &&
	                         s->sport == c->lport && s->dport == c->rport);
	if (s->flags & TH_SYN) {
		check_syn(e, s);
		return;
	}
	check_plain(e, b, k, o, s);
	check_options(e, b, s);
}

/*
 * Timers (RFC 6298, RFC 9293 3.8.6.1 and 3.10.8). An idle conn, CLOSED or
 * LISTEN, has none (conn_next_timer() says UINT64_MAX). The retransmission
 * timer runs exactly while something is in flight (RFC 6298 5.1, 5.2),
 * except in TIME-WAIT, which has only its 2MSL timer. Data waiting for a
 * zero window keeps the persist timer armed, or nothing would ever open
 * it. A timer set by this call is in the future. The RTO stays within
 * [rto_min, rto_max] (RFC 6298 2.4, 2.5). After conn_timer() at now, the
 * next timer is in the future, unless the call's out was full.
 */
static void check_timers(const struct ep *e, const struct conn *b,
                         const struct call *k, const struct conn_out *o)
{
	const struct conn *c = &e->c;
	uint64_t next = conn_next_timer(c), now = W.now;

	if (c->state == TCP_CLOSED || c->state == TCP_LISTEN)
		INV("idle-no-timer", next == UINT64_MAX);
	if (has_space(c->state) && c->snd_una == c->snd_nxt)
		INV("rtx-off-when-acked", c->rtx_at == 0);
	if (has_space(c->state) && c->state != TCP_TIME_WAIT &&
	    c->snd_una != c->snd_nxt)
		INV("rtx-on-in-flight", c->rtx_at != 0);
	INV("time-wait-timer", (c->state == TCP_TIME_WAIT) == (c->tw_at != 0));
	if (can_send_data(c) && unsent(c) > 0 && c->snd_una == c->snd_nxt &&
	    c->snd_wnd == 0)
		INV("persist-armed", c->persist_at != 0);
	INV("timers-future",
	    (c->rtx_at == b->rtx_at || c->rtx_at == 0 || c->rtx_at > now) &&
	            (c->persist_at == b->persist_at || c->persist_at == 0 ||
	             c->persist_at > now) &&
	            (c->ack_at == b->ack_at || c->ack_at == 0 ||
	             c->ack_at > now) &&
	            (c->tw_at == b->tw_at || c->tw_at == 0 || c->tw_at > now));
	INV("rto-bounds",
	    c->rto_us >= c->cfg.rto_min_us && c->rto_us <= c->cfg.rto_max_us);
	if (k->kind == K_TIMER)
		INV("timer-then-future",
		    next > now || o->nseg == CONN_OUT_SEGS ||
		            o->nev + 2 >= CONN_OUT_EVENTS);
}

/*
 * No spin: when conn_next_timer() says a timer is due now or earlier, a
 * caller runs conn_timer() at now, and again while it keeps saying so.
 * Each such call must get something done (send a segment or change
 * state) or leave no timer due, and may leave the next timer due at once only when its out was
 * full (of segments, or of events); otherwise a caller loops forever with the clock standing still
 * (a peer's MSS of 0 did this). Run on a copy, so that the program goes on
 * with the conn as it was.
 */
static void check_no_spin(const struct ep *e0)
{
	struct conn *k;
	struct ep *e = (struct ep *)e0;
	unsigned r;

	if (conn_next_timer(&e->c) > W.now)
		return;
	k = spin_copy = conn_clone(&e->c);
	for (r = 0; r < SPIN_ROUNDS && conn_next_timer(k) <= W.now; r++) {
		conn_timer(k, W.now, &W.out);
		/* A call that did nothing (output left over from a full
		 * out, which the window or cwnd no longer admits) must at
		 * least leave no timer due: the caller then sleeps. */
		INV("no-spin",
		    W.out.nseg > 0 || count_ev(&W.out, CONN_EV_STATE) > 0 ||
		            conn_next_timer(k) > W.now);
		/* Full: out's segments, or its events (loss recovery keeps
		 * room for a segment's event and its CC event). */
		INV("timer-then-future",
		    conn_next_timer(k) > W.now ||
		            W.out.nseg == CONN_OUT_SEGS ||
		            W.out.nev + 2 >= CONN_OUT_EVENTS);
	}
	spin_copy = NULL;
	conn_unclone(k);
}

/* Every invariant, after one call on e; b is e's conn before it. */
static void check_call(struct ep *e, const struct conn *b, const struct call *k,
                       const struct conn_out *o)
{
	unsigned i;

	check_out_bounds(e, o);
	check_transitions(e, b, k, o);
	check_send_space(e);
	check_state_facts(e);
	check_recv(e, b, k, o);
	check_input_effect(e, b, k, o);
	for (i = 0; i < o->nseg; i++)
		check_seg(e, b, k, o, &o->seg[i]);
	check_timers(e, b, k, o);
}

/* ==== Running calls. ==== */

static void track_reset(struct ep *e)
{
	e->written = 0;
	e->max_snd_wnd = 0;
	e->peer_fin = false;
	e->edge_ok = false;
	e->peer_mss = DEFAULT_MSS;
}

/* What the fuzzer learns from a call before checking it: a new
 * connection, the peer's MSS and FIN, the bytes the application gave. */
static void track(struct ep *e, const struct conn *b, const struct call *k,
                  const struct conn_out *o)
{
	const struct conn *c = &e->c;

	if (k->kind == K_CONNECT || k->kind == K_LISTEN ||
	    (c->state == TCP_LISTEN && b->state != TCP_LISTEN) ||
	    (b->state == TCP_LISTEN && c->state != TCP_LISTEN))
		track_reset(e);
	if (k->kind == K_INPUT && !has_rcv(b->state) && has_rcv(c->state))
		e->peer_mss =
		        (k->in->has & SEG_HAS_MSS) ? k->in->mss : DEFAULT_MSS;
	if (count_ev(o, CONN_EV_PEER_FIN) > 0)
		e->peer_fin = true;
	if (k->kind == K_SEND && k->rc > 0)
		e->written += (uint32_t)k->rc;
}

/* Encodes each segment of out onto e's wire (the wire drops what does
 * not fit) and remembers them for a step-mode quit. Every segment a conn
 * makes must encode, and decode back to the same fields. */
static void to_wire(struct ep *e, const struct conn_out *o)
{
	static struct pkt tmp;
	struct wire *w = &W.wire[e->out_wire];
	unsigned i;

	W.last.ep = e;
	W.last.nseg = 0;
	for (i = 0; i < o->nseg; i++) {
		const struct seg *s = &o->seg[i];
		struct seg d;
		int n = seg_encode(s, tmp.b, sizeof tmp.b);

		INV("seg-encodes", n > 0);
		INV("seg-decodes", seg_decode(&d, tmp.b, (size_t)n) == 0 &&
		                           d.flags == s->flags &&
		                           d.seq == s->seq &&
		                           d.payload_len == s->payload_len);
		if (w->n == WIRE_CAP)
			continue;
		w->q[(w->head + w->n) % WIRE_CAP].len = (size_t)n;
		memcpy(w->q[(w->head + w->n) % WIRE_CAP].b, tmp.b, (size_t)n);
		w->n++;
		W.last.seq[W.last.nseg++] = s->seq;
	}
}

/* One line per call and one per segment, for FUZZ_CONN_TRACE. */
static void trace(const struct ep *e, const struct conn *b,
                  const struct call *k)
{
	static const char *const kinds[] = {"connect", "listen", "input",
	                                    "timer",   "send",   "close",
	                                    "abort"};
	const struct seg *s = k->in;
	unsigned i;

	fprintf(stderr, "%10llu %-8s %-7s", (unsigned long long)W.now, e->name,
	        kinds[k->kind]);
	if (k->kind == K_INPUT)
		fprintf(stderr,
		        " flags %03x seq %u ack %u win %u len %zu mss %d",
		        s->flags, s->seq, s->ack, s->win, s->payload_len,
		        (s->has & SEG_HAS_MSS) ? s->mss : -1);
	if (k->kind == K_SEND)
		fprintf(stderr, " took %d", k->rc);
	fprintf(stderr, " %s -> %s\n", tcp_state_name(b->state),
	        tcp_state_name(e->c.state));
	for (i = 0; i < W.out.nseg; i++) {
		s = &W.out.seg[i];
		fprintf(stderr,
		        "%30s flags %03x seq %u ack %u win %u len %zu\n",
		        "sent", s->flags, s->seq, s->ack, s->win,
		        s->payload_len);
	}
	for (i = 0; i < W.out.nev; i++)
		if (W.out.ev[i].reason != NULL)
			fprintf(stderr, "%30s %s\n", "event",
			        W.out.ev[i].reason);
}

static void after_call(struct ep *e, const struct conn *b, const struct call *k)
{
	if (tracing)
		trace(e, b, k);
	track(e, b, k, &W.out);
	check_call(e, b, k, &W.out);
	if (e->c.snd_wnd > e->max_snd_wnd)
		e->max_snd_wnd = e->c.snd_wnd;
	to_wire(e, &W.out);
	check_no_spin(e);
}

static void do_input(struct ep *e, const struct seg *in)
{
	struct conn b = e->c;
	struct call k = {.kind = K_INPUT, .in = in};

	k.rc = conn_input(&e->c, in, W.now, &W.out);
	INV("input-returns-0", k.rc == 0);
	after_call(e, &b, &k);
}

static void do_timer(struct ep *e)
{
	struct conn b = e->c;
	struct call k = {.kind = K_TIMER};

	k.rc = conn_timer(&e->c, W.now, &W.out);
	INV("timer-returns-0", k.rc == 0);
	after_call(e, &b, &k);
}

/* conn_send() of n bytes: the next n bytes of the application's stream. */
static void do_send(struct ep *e, size_t n)
{
	static uint8_t buf[2 * CONN_SNDBUF_SIZE];
	struct conn b = e->c;
	struct call k = {.kind = K_SEND};
	bool may =
	        e->c.state == TCP_SYN_SENT || e->c.state == TCP_SYN_RECEIVED ||
	        e->c.state == TCP_ESTABLISHED || e->c.state == TCP_CLOSE_WAIT;
	size_t i;

	if (n > sizeof buf)
		n = sizeof buf;
	for (i = 0; i < n; i++)
		buf[i] = pat(e->stream, e->written + (uint32_t)i);
	k.rc = conn_send(&e->c, buf, n, W.now, &W.out);
	k.took = k.rc > 0 ? (size_t)k.rc : 0;
	/* conn.h: the bytes taken, fewer only when the buffer is full, or
	 * TCPLAB_EINVAL in a state that cannot send or after a close. */
	INV("send-result",
	    may && !b.fin_queued
	            ? k.rc >= 0 && (size_t)k.rc <= n &&
	                      ((size_t)k.rc == n ||
	                       e->c.snd_buf_len == CONN_SNDBUF_SIZE)
	            : k.rc == TCPLAB_EINVAL);
	if (k.rc == TCPLAB_EINVAL)
		k.rc = 0;
	after_call(e, &b, &k);
}

static void do_close(struct ep *e)
{
	struct conn b = e->c;
	struct call k = {.kind = K_CLOSE};

	k.rc = conn_close(&e->c, W.now, &W.out);
	after_call(e, &b, &k);
}

static void do_abort(struct ep *e)
{
	struct conn b = e->c;
	struct call k = {.kind = K_ABORT};

	k.rc = conn_abort(&e->c, W.now, &W.out);
	INV("abort-closes", k.rc == 0 && e->c.state == TCP_CLOSED);
	after_call(e, &b, &k);
}

static void do_connect(struct ep *e, uint32_t iss)
{
	struct conn b = e->c;
	struct call k = {.kind = K_CONNECT};

	conn_release(&e->c);
	k.rc = conn_connect(&e->c, &W.cfg[0], C_ADDR, C_PORT, S_ADDR, S_PORT,
	                    iss, W.now, &W.out);
	b.state = TCP_CLOSED;
	after_call(e, &b, &k);
}

static void do_listen(struct ep *e)
{
	struct conn b = e->c;
	struct call k = {.kind = K_LISTEN};

	conn_release(&e->c);
	W.out.nseg = W.out.nev = W.out.seg_lost = W.out.ev_lost = 0;
	W.out.data_len = 0;
	k.rc = conn_listen(&e->c, &W.cfg[1], S_ADDR, S_PORT);
	after_call(e, &b, &k);
}

/* ==== Segments: from the wires, built, or raw. ==== */

/* Decodes the datagram p (kept in W.cur) and gives it to e. */
static void deliver_bytes(struct ep *e, const uint8_t *p, size_t len)
{
	struct seg s;

	if (len > sizeof W.cur.b)
		len = sizeof W.cur.b;
	memmove(W.cur.b, p, len);
	W.cur.len = len;
	if (seg_decode(&s, W.cur.b, len) == 0)
		do_input(e, &s);
}

/* Takes the oldest segment of wire w and gives it to e. */
static void deliver(int w, struct ep *e)
{
	struct wire *wi = &W.wire[w];
	struct pkt *p;

	if (wi->n == 0)
		return;
	p = &wi->q[wi->head];
	wi->head = (wi->head + 1) % WIRE_CAP;
	wi->n--;
	deliver_bytes(e, p->b, p->len);
}

/* A sequence number for a segment to e: near what e expects, or not. */
static uint32_t pick_seq(struct rd *r, const struct ep *e,
                         const struct ep *peer)
{
	const struct conn *c = &e->c;

	switch (u8(r) % 8) {
	case 0:
		return c->rcv_nxt;
	case 1:
		return c->rcv_nxt + (uint32_t)(int8_t)u8(r);
	case 2:
		return c->rcv_nxt + offered_window(c) + (uint32_t)(int8_t)u8(r);
	case 3:
		return c->irs;
	case 4:
		return c->rcv_nxt - 1;
	case 5:
		return u32(r);
	case 6:
		return c->rcv_nxt + u16(r);
	default:
		return peer->c.snd_nxt;
	}
}

/* An acknowledgment number for a segment to e. */
static uint32_t pick_ack(struct rd *r, const struct ep *e)
{
	const struct conn *c = &e->c;

	switch (u8(r) % 8) {
	case 0:
		return c->snd_nxt;
	case 1:
		return c->snd_una;
	case 2:
		return c->snd_una + (uint32_t)(int8_t)u8(r);
	case 3:
		return c->snd_nxt + 1;
	case 4:
		return c->iss + 1;
	case 5:
		return u32(r);
	case 6:
		return c->snd_una - u16(r);
	default:
		return c->snd_una - 0x80000000u + u16(r);
	}
}

static uint16_t pick_mss(struct rd *r)
{
	static const uint16_t t[] = {0, 1, 12, 13, 48, 536, 1460, 65535};
	uint8_t b = u8(r);

	return b < 8 ? t[b] : b < 128 ? t[b % 8] : u16(r);
}

/* The options of a built segment: one byte says which. */
static void pick_options(struct rd *r, struct seg *s, const struct ep *e)
{
	const struct conn *c = &e->c;
	uint8_t m = u8(r);

	if (m & 0x01)
		seg_opt_mss(s, pick_mss(r));
	if (m & 0x02)
		seg_opt_sackok(s);
	if (m & 0x04) {
		uint32_t val = (m & 0x40)
		                       ? u32(r)
		                       : c->ts_recent + (uint32_t)(int8_t)u8(r);
		uint32_t ecr =
		        (m & 0x80) ? u32(r) : conn_ts_now(c, W.now) - u8(r);
		seg_opt_ts(s, val, ecr);
	}
	if (m & 0x08) {
		seg_opt_nop(s);
		seg_opt_wscale(s, u8(r));
	}
	if (m & 0x10) {
		struct seg_sack b[3];
		unsigned i, n = 1 + u8(r) % 3;

		for (i = 0; i < n; i++) {
			b[i].left = c->snd_una + (uint32_t)u8(r) * 64;
			b[i].right = b[i].left + u16(r);
		}
		seg_opt_sack(s, b, n);
	}
	if (m & 0x20)
		seg_opt_eol(s);
}

/* A segment from e's peer to e, built from the program. */
static void build_seg(struct rd *r, const struct ep *e, const struct ep *peer,
                      struct seg *s)
{
	static const uint8_t payload[4096];
	static const uint16_t lens[] = {0, 0, 0, 1, 2, 100, 536, 1460};
	uint8_t m = u8(r);
	bool at_c = ipaddr_v4(&e->c.laddr) == C_ADDR;

	seg_init(s);
	s->saddr = at_c ? S_ADDR : C_ADDR;
	s->daddr = at_c ? C_ADDR : S_ADDR;
	s->sport = at_c ? S_PORT : C_PORT;
	s->dport = at_c ? C_PORT : S_PORT;
	if (m & 0x80)
		s->sport ^= u16(r);
	s->flags = u8(r);
	s->seq = pick_seq(r, e, peer);
	s->ack = pick_ack(r, e);
	s->win = (m & 0x40) ? u16(r) : (uint16_t)(229 >> (m & 7));
	pick_options(r, s, e);
	s->payload = payload;
	s->payload_len =
	        (m & 0x20) ? u16(r) % sizeof payload : lens[m >> 2 & 7];
}

/* Changes the oldest segment on wire w in one field, as a middlebox or a
 * forger might. */
static void mutate(struct rd *r, int w)
{
	struct wire *wi = &W.wire[w];
	struct pkt *p;
	struct seg s;
	int n;

	W.last.ep = NULL;
	if (wi->n == 0)
		return;
	p = &wi->q[wi->head];
	if (seg_decode(&s, p->b, p->len) != 0)
		return;
	switch (u8(r) % 6) {
	case 0:
		s.flags ^= u8(r);
		break;
	case 1:
		s.seq += (uint32_t)(int16_t)u16(r);
		break;
	case 2:
		s.ack += (uint32_t)(int16_t)u16(r);
		break;
	case 3:
		s.win = u16(r);
		break;
	case 4:
		seg_opt_clear(&s);
		if (u8(r) & 1)
			seg_opt_mss(&s, pick_mss(r));
		break;
	default:
		s.payload_len = s.payload_len ? u16(r) % s.payload_len : 0;
		break;
	}
	/* Encoding reads s.payload, which points into p: encode aside. */
	n = seg_encode(&s, W.cur.b, sizeof W.cur.b);
	if (n > 0) {
		memcpy(p->b, W.cur.b, (size_t)n);
		p->len = (size_t)n;
	}
}

/* ==== The program. ==== */

static struct ep *side(struct rd *r)
{
	return &W.ep[u8(r) % NEP];
}

/* The client and the server: the listener is not one of the pair. */
static struct ep *pair_side(struct rd *r)
{
	return &W.ep[u8(r) & 1];
}

/* Runs the timers of every conn that has one due. */
static void run_due(void)
{
	int i;

	for (i = 0; i < NEP; i++)
		if (conn_next_timer(&W.ep[i].c) <= W.now)
			do_timer(&W.ep[i]);
}

/* Moves the clock to the earliest timer of any conn and runs it. */
static bool jump(void)
{
	uint64_t t = UINT64_MAX;
	int i;

	for (i = 0; i < NEP; i++) {
		uint64_t n = conn_next_timer(&W.ep[i].c);
		if (n < t)
			t = n;
	}
	if (t == UINT64_MAX)
		return false;
	if (t > W.now)
		W.now = t;
	run_due();
	return true;
}

/* The network and the clock run on their own for a while: every segment
 * delivered in order, timers run when nothing is in flight. */
static void pump(unsigned steps)
{
	while (steps-- > 0) {
		if (W.wire[C2S].n == 0 && W.wire[S2C].n == 0) {
			if (!jump())
				return;
			continue;
		}
		deliver(C2S, &W.ep[SERVER]);
		deliver(S2C, &W.ep[CLIENT]);
	}
}

/* Step mode's quit: the caller did not send the last call's segments
 * from the k-th on; conn_unsent() takes SND.NXT back and the abort's RST
 * must carry it (conn.h). */
static void quit_step(struct rd *r)
{
	struct ep *e = W.last.ep;
	struct wire *w;
	struct seg s;
	unsigned k;

	if (e == NULL || W.last.nseg == 0)
		return;
	k = u8(r) % W.last.nseg;
	w = &W.wire[e->out_wire];
	w->n -= W.last.nseg - k < w->n ? W.last.nseg - k : w->n;
	seg_init(&s);
	s.seq = W.last.seq[k];
	conn_unsent(&e->c, &s);
	do_abort(e);
}

static void op_wire(struct rd *r, uint8_t op)
{
	int w = u8(r) & 1;
	struct wire *wi = &W.wire[w];

	/* The wire changes under the last call's segments. */
	W.last.ep = NULL;
	if (wi->n == 0)
		return;
	switch (op) {
	case 0: /* drop */
		wi->head = (wi->head + 1) % WIRE_CAP;
		wi->n--;
		break;
	case 1: /* duplicate: deliver a copy, keep the original */
		deliver_bytes(&W.ep[w == C2S ? SERVER : CLIENT],
		              wi->q[wi->head].b, wi->q[wi->head].len);
		break;
	default: /* reorder: the oldest goes last */
		if (wi->n < WIRE_CAP) {
			wi->q[(wi->head + wi->n) % WIRE_CAP] = wi->q[wi->head];
			wi->head = (wi->head + 1) % WIRE_CAP;
		}
		break;
	}
}

static void op_inject(struct rd *r)
{
	struct ep *e = side(r);
	struct seg s;

	if (e == &W.ep[LISTENER] && (u8(r) & 1))
		do_listen(e);
	build_seg(r, e, &W.ep[e == &W.ep[CLIENT] ? SERVER : CLIENT], &s);
	do_input(e, &s);
}

/* A raw datagram from the program: a length byte, then the bytes. */
static void op_raw(struct rd *r)
{
	struct ep *e = side(r);
	size_t n = u8(r);

	n += (size_t)(u8(r) & 1) * 256;

	if (n > r->n)
		n = r->n;
	deliver_bytes(e, r->p, n);
	r->p += n;
	r->n -= n;
}

static void op_clock(struct rd *r)
{
	static const uint64_t unit[4] = {1000, 10000, 1000000, 60000000};
	uint8_t b = u8(r);

	W.now += (uint64_t)(b >> 2) * unit[b & 3] + 1;
}

static void op_app(struct rd *r, uint8_t op)
{
	static const uint32_t wnd[8] = {0,     1,        536,      29312,
	                                65535, 1u << 20, 1u << 30, 3000};
	struct ep *e = pair_side(r);

	switch (op) {
	case 0:
		do_send(e, u8(r) < 200 ? u8(r) * 16u : u16(r));
		break;
	case 1:
		do_close(e);
		break;
	case 2:
		do_abort(e);
		break;
	case 3:
		/* The application changes its window: edges start anew. */
		conn_set_rcv_wnd(&e->c, wnd[u8(r) % 8]);
		e->edge_ok = false;
		break;
	default:
		if (e->c.state != TCP_CLOSED)
			break;
		if (e == &W.ep[CLIENT])
			do_connect(e, e->c.iss + 0x10000u + u16(r));
		else
			do_listen(e);
		break;
	}
}

static void run_op(struct rd *r)
{
	uint8_t op = u8(r);

	switch (op % 20) {
	case 0:
	case 1:
		deliver(C2S, &W.ep[SERVER]);
		break;
	case 2:
	case 3:
		deliver(S2C, &W.ep[CLIENT]);
		break;
	case 4:
		deliver(C2S, &W.ep[LISTENER]);
		break;
	case 5:
	case 6:
	case 7:
		op_wire(r, (uint8_t)(op % 20 - 5));
		break;
	case 8:
		mutate(r, u8(r) & 1);
		break;
	case 9:
	case 10:
		op_inject(r);
		break;
	case 11:
		op_raw(r);
		break;
	case 12:
		op_clock(r);
		break;
	case 13:
		jump();
		break;
	case 14:
		do_timer(side(r));
		break;
	case 15:
		op_app(r, u8(r) % 5);
		break;
	case 16:
		do_send(pair_side(r), u8(r) * 64u);
		break;
	case 17:
		quit_step(r);
		break;
	case 18:
		pump(1 + u8(r) % 64);
		break;
	default:
		do_close(pair_side(r));
		break;
	}
}

/* ==== Setting up. ==== */

/* One side's configuration from two bytes; zeros give Linux's, with the
 * article's windows. */
static void config(struct conn_cfg *cfg, uint8_t flags, uint8_t sizes,
                   uint8_t wins, bool server)
{
	static const uint16_t mss[16] = {1460, 536,   1,    13,   48,   64,
	                                 1000, 65535, 100,  1448, 9000, 2,
	                                 12,   20,    1200, 4000};
	static const uint32_t rcv[16] = {
	        229u << 7, 0,    1,      536, 1000,  65535, 65536, 1u << 20,
	        1u << 30,  3000, 100000, 8,   29200, 14600, 2920,  7};
	static const uint16_t syn[8] = {0, 0, 1, 1000, 65535, 536, 14600, 2920};

	conn_cfg_linux(cfg);
	cfg->use_ts = !(flags & 0x01);
	cfg->use_sack = !(flags & 0x02);
	cfg->use_wscale = !(flags & 0x04);
	cfg->fin_ack_delay_us = (flags & 0x08) ? 0 : 40000;
	cfg->data_ack_delay_us = (flags & 0x10) ? 40000 : 0;
	if (flags >> 5) {
		/* Few retries, so that the fuzzer reaches the limits. */
		cfg->syn_retries = cfg->synack_retries = flags >> 5;
		cfg->data_retries = flags >> 5;
		cfg->time_wait_us = 1000000;
	}
	cfg->mss = mss[sizes & 15];
	cfg->wscale = (uint8_t)(sizes >> 4) ^ 7;
	cfg->rcv_wnd = rcv[wins & 15];
	cfg->syn_win = syn[wins >> 4 & 7];
	if (cfg->syn_win == 0)
		cfg->syn_win = server ? 28960 : 29200;
	if (wins & 0x80)
		cfg->syn_win = 0;
}

static uint32_t pick_iss(struct rd *r, uint8_t mode, uint32_t article)
{
	switch (mode & 3) {
	case 0:
		return article;
	case 1:
		return 0xfffffffeu;
	case 2:
		return 0;
	default:
		return u32(r);
	}
}

static void setup(struct rd *r)
{
	uint8_t f[6], iss, t;
	int i;

	for (i = 0; i < 6; i++)
		f[i] = u8(r);
	iss = u8(r);
	t = u8(r);
	/* Just the counters: the wires are large. */
	for (i = 0; i < 2; i++)
		W.wire[i].head = W.wire[i].n = 0;
	W.last.ep = NULL;
	W.now = (t & 1) ? 0 : T0 + (uint64_t)(t >> 1) * 1000003;
	config(&W.cfg[0], f[0], f[2], f[4], false);
	config(&W.cfg[1], f[1], f[3], f[5], true);
	W.cfg[1].iss = pick_iss(r, iss >> 4, ART_S_ISN);
	/* TS vals as in the article at the start. */
	W.cfg[0].ts_offset = ART_C_TS - (uint32_t)(W.now / 1000);
	W.cfg[1].ts_offset = ART_S_TS - (uint32_t)(W.now / 1000);
	for (i = 0; i < NEP; i++) {
		memset(&W.ep[i], 0, sizeof W.ep[i]);
		W.ep[i].stream = i == CLIENT ? 0 : 1;
		W.ep[i].out_wire = i == CLIENT ? C2S : S2C;
		track_reset(&W.ep[i]);
	}
	W.ep[CLIENT].name = "client";
	W.ep[SERVER].name = "server";
	W.ep[LISTENER].name = "listener";
	do_listen(&W.ep[SERVER]);
	do_listen(&W.ep[LISTENER]);
	do_connect(&W.ep[CLIENT], pick_iss(r, iss, ART_C_ISN));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_CONN_SKIP");

	(void)argc;
	(void)argv;
	if (s != NULL)
		snprintf(skip_list, sizeof skip_list, "%s", s);
	tracing = getenv("FUZZ_CONN_TRACE") != NULL;
	go_on = getenv("FUZZ_CONN_GO_ON") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	unsigned ops = 0;
	int i;

	if (setjmp(input_end) == 0) {
		setup(&r);
		while (r.n > 0 && ops++ < MAX_OPS)
			run_op(&r);
	} else if (spin_copy != NULL) {
		conn_unclone(spin_copy);
		spin_copy = NULL;
	}
	for (i = 0; i < NEP; i++)
		conn_release(&W.ep[i].c);
	return 0;
}
