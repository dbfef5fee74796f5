/*
 * run.c: tcplab-client's exchange loop and its output.
 *
 * The loop feeds the state machine (common/conn) from the capture, hands
 * its segments to the injector, and runs its timers. Every segment sent
 * or received is printed as tcpdump prints it, followed by both sides'
 * states (the server's deduced, client/peer.c). Right under the tcpdump
 * lines come common/annot's explanations, as tcplab-explain prints them
 * (--plain leaves them out; --json prints its JSON lines instead of
 * everything else). --step and --predict are gates on that flow; --drop
 * and --drop-in lose segments on purpose.
 */
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "client/client.h"
#include "common/err.h"
#include "common/io/capture.h"
#include "common/io/clock.h"
#include "common/io/inject.h"
#include "common/io/names.h"
#include "common/link.h"
#include "common/seq.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The connection's time: the lab clock, which stands still while either
 * end waits for the student (common/io/clock.h). */
static uint64_t now(const struct client *cl)
{
	return labclock_now(cl->clock) - cl->t0;
}

static void say(const struct client *cl, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void say(const struct client *cl, const char *fmt, ...)
{
	va_list ap;

	if (cl->o.quiet || cl->o.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* Prints one packet as tcpdump does and writes it to the -w file. */
static void print_pkt(struct client *cl, const uint8_t *ip, size_t len,
                      size_t wirelen, int64_t sec, uint32_t usec)
{
	struct tcpdump_pkt p = {sec, usec, ip, len, NULL, wirelen};
	char buf[16384];

	if (cl->dump != NULL)
		capture_dump_write(cl->dump, ip, len, sec, usec);
	if (cl->o.quiet || cl->o.json)
		return;
	if (tcpdump_format(&cl->td, &p, buf, sizeof buf) > 0)
		fputs(buf, stdout);
	fflush(stdout);
}

/*
 * Explains one segment with common/annot, under its tcpdump lines or as
 * a JSON line. The client knows who sent it: ours is the client's.
 */
static void annotate(struct client *cl, const struct seg *s, int64_t sec,
                     uint32_t usec, bool ours)
{
	struct annot_in in;
	char buf[8192];
	int n;

	if (cl->o.quiet || cl->o.plain)
		return;
	memset(&in, 0, sizeof in);
	in.s = s;
	in.sec = sec;
	in.usec = usec;
	in.from = ours ? ANNOT_ROLE_CLIENT : ANNOT_ROLE_SERVER;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	if (annot_input(&cl->an, &in, &cl->ar) != 0)
		return;
	if (cl->o.json)
		n = annot_format_json(&cl->ar, NULL, buf, sizeof buf);
	else
		n = annot_format_text(&cl->ar, 0, buf, sizeof buf);
	if (n > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
}

/* --json: the connection's summary line, at the end. */
static void annotate_end(struct client *cl)
{
	struct annot_summary sm;
	char buf[2048];
	unsigned i;
	int n;

	if (!cl->o.json)
		return;
	for (i = 1; i <= annot_conn_count(&cl->an); i++) {
		if (annot_summary(&cl->an, i, &sm) != 0)
			continue;
		n = annot_format_summary_json(&sm, buf, sizeof buf);
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	fflush(stdout);
}

/*
 * Reads one line of the student's; returns false at end of input. The
 * time spent reading is the student's, not the connection's: the lab
 * clock (the client's retransmission timers and TS values) stands still
 * meanwhile, so that a segment held at a prompt is not retransmitted the
 * moment it is sent. With --lab-clock the server's clock stands still
 * too; without it, the server's runs on, as a real peer's would.
 */
static bool ask(struct client *cl, const char *prompt, char *line, size_t cap)
{
	bool got;

	labclock_pause(cl->clock);
	fputs(prompt, stdout);
	fflush(stdout);
	got = cl->in != NULL && fgets(line, (int)cap, cl->in) != NULL;
	if (!got)
		fputs("\n", stdout);
	labclock_resume(cl->clock);
	return got;
}

/* --predict: asks for the segment's relative seq and ack before showing
 * it, checks the answer, and explains the right one when it is wrong. */
static void predict(struct client *cl, const struct seg *s, bool out)
{
	const struct teach_side *from = out ? &cl->me : &cl->them;
	const struct teach_side *to = out ? &cl->them : &cl->me;
	struct teach_rel r;
	char line[128], why[512];
	uint32_t seq, ack;
	bool has_ack;

	if (!cl->o.predict)
		return;
	teach_relative(s, from, to, &r);
	printf("  next: a segment from the %s with flags%s%s%s%s%s.\n",
	       from->name, s->flags & TH_SYN ? " SYN" : "",
	       s->flags & TH_FIN ? " FIN" : "", s->flags & TH_RST ? " RST" : "",
	       s->flags & TH_PSH ? " PSH" : "",
	       s->flags & TH_ACK ? " ACK" : "");
	cl->asked++;
	for (;;) {
		if (!ask(cl,
		         "  predict its relative seq and ack (\"SEQ ACK\", "
		         "\"-\" for no ack): ",
		         line, sizeof line))
			break;
		if (teach_parse_answer(line, &seq, &has_ack, &ack) == 0)
			break;
		printf("  two numbers please, e.g. \"1 1\"\n");
	}
	if (teach_check(&r, seq, has_ack, ack)) {
		cl->right++;
		printf("  right.\n");
		return;
	}
	if (r.has_ack)
		printf("  not quite: seq %u, ack %u. Why:\n", r.seq, r.ack);
	else
		printf("  not quite: seq %u, no ack. Why:\n", r.seq);
	teach_explain(s, from, to, why, sizeof why);
	fputs(why, stdout);
}

static void show_client_state(struct client *cl)
{
	if (cl->pending) {
		say(cl, "    client: %s -> %s\n",
		    tcp_state_name(cl->pending_from),
		    tcp_state_name(cl->pending_to));
		cl->pending = false;
	} else {
		say(cl, "    client: %s\n", tcp_state_name(cl->c.state));
	}
}

static void show_server_state(struct client *cl, bool changed,
                              enum tcp_state from)
{
	if (changed)
		say(cl, "    server: %s -> %s\n", tcp_state_name(from),
		    tcp_state_name(cl->peer.state));
	else
		say(cl, "    server: %s\n", tcp_state_name(cl->peer.state));
}

static bool in_list(const unsigned *l, unsigned n, unsigned k)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (l[i] == k)
			return true;
	return false;
}

/* --step: shows the arithmetic and waits; false means "abort". */
static bool step_gate(struct client *cl, const struct seg *s)
{
	char line[64], why[512];

	if (!cl->o.step || (s->flags & TH_RST))
		return true;
	teach_explain(s, &cl->me, &cl->them, why, sizeof why);
	fputs(why, stdout);
	if (!ask(cl, "  [Enter] sends it, q aborts the connection with a RST: ",
	         line, sizeof line))
		return true;
	return line[0] != 'q' && line[0] != 'Q';
}

static void sync_teach(struct client *cl)
{
	if (cl->c.state != TCP_SYN_SENT && cl->c.state != TCP_CLOSED) {
		cl->them.isn_known = true;
		cl->them.isn = cl->c.irs;
	}
	cl->me.fin = cl->c.fin_sent;
	cl->me.fin_seq = cl->c.fin_seq;
	cl->them.fin = cl->peer.fin_sent;
	cl->them.fin_seq = cl->peer.fin_seq;
}

/* Sends (or drops) one segment the conn produced. Returns false when
 * the user asked to abort in step mode. */
static bool send_seg(struct client *cl, const struct seg *s)
{
	struct seg wire;
	uint8_t buf[2048];
	char err[256];
	struct timeval tv;
	enum tcp_state from;
	bool changed;
	int n;

	cl->nout++;
	sync_teach(cl);
	predict(cl, s, true);
	n = seg_encode(s, buf, sizeof buf);
	if (n < 0)
		return true;
	if (cl->o.step)
		say(cl, "  about to send:\n");
	gettimeofday(&tv, NULL);
	if (in_list(cl->o.drop, cl->o.ndrop, cl->nout)) {
		if (!cl->o.quiet) {
			struct tcpdump_pkt p = {tv.tv_sec, (uint32_t)tv.tv_usec,
			                        buf,       (size_t)n,
			                        NULL,      0};
			char line[16384];
			if (tcpdump_format(&cl->td, &p, line, sizeof line) > 0)
				fputs(line, stdout);
		}
		say(cl,
		    "    dropped: outgoing segment %u is not sent "
		    "(--drop %u); the server never sees it\n",
		    cl->nout, cl->nout);
		show_client_state(cl);
		return true;
	}
	if (cl->o.step) {
		print_pkt(cl, buf, (size_t)n, 0, tv.tv_sec,
		          (uint32_t)tv.tv_usec);
		if (!step_gate(cl, s))
			return false;
	}
	if (inject_seg(cl->inj, s, NULL, NULL, 0, NULL, err, sizeof err) != 0)
		fprintf(stderr, "tcplab-client: %s\n", err);
	if (!cl->o.step)
		print_pkt(cl, buf, (size_t)n, 0, tv.tv_sec,
		          (uint32_t)tv.tv_usec);
	/* Explained from the bytes sent, checksum included, as a capture
	 * would show them. */
	if (seg_decode(&wire, buf, (size_t)n) == 0)
		annotate(cl, &wire, tv.tv_sec, (uint32_t)tv.tv_usec, true);
	changed = peer_received(&cl->peer, s, &from);
	show_client_state(cl);
	show_server_state(cl, changed, from);
	return true;
}

static void fail(struct client *cl, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void fail(struct client *cl, const char *fmt, ...)
{
	va_list ap;

	if (cl->failure != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(cl->failbuf, sizeof cl->failbuf, fmt, ap);
	va_end(ap);
	cl->failure = cl->failbuf;
}

/* Keeps the body, growing the buffer as needed. */
static void keep_body(struct client *cl, const uint8_t *p, size_t n)
{
	/* An empty piece may come with no buffer at all. */
	if (n == 0)
		return;
	if (cl->body_len + n > cl->body_cap) {
		size_t cap = cl->body_cap ? cl->body_cap : 4096;
		uint8_t *nb;
		while (cap < cl->body_len + n)
			cap *= 2;
		nb = realloc(cl->body, cap);
		if (nb == NULL) {
			fail(cl, "out of memory for the body");
			return;
		}
		cl->body = nb;
		cl->body_cap = cap;
	}
	memcpy(cl->body + cl->body_len, p, n);
	cl->body_len += n;
}

static void take_data(struct client *cl, const uint8_t *p, size_t n)
{
	uint8_t tmp[65536];
	size_t off = 0;

	while (off < n && !cl->resp_error) {
		size_t k = n - off < sizeof tmp ? n - off : sizeof tmp;
		size_t got;
		if (httpc_resp_feed(&cl->resp, p + off, k, tmp, &got) != 0) {
			cl->resp_error = true;
			fail(cl, "the response from %s is not HTTP/1.x",
			     cl->url.host);
			return;
		}
		keep_body(cl, tmp, got);
		off += k;
	}
}

static void explain_reset(struct client *cl, enum tcp_state st)
{
	if (st == TCP_SYN_SENT)
		fail(cl,
		     "connection refused: the server answered the SYN with "
		     "a RST (nothing listens on port %u?)",
		     cl->dport);
	else if (cl->o.no_guard)
		fail(cl,
		     "connection reset by the server in %s: with no port "
		     "guard, this host's kernel had answered the SYN-ACK with "
		     "a RST, so the server no longer knows the connection",
		     tcp_state_name(st));
	else
		fail(cl,
		     "connection reset by the server in %s (its "
		     "application closed abruptly, or it lost the "
		     "connection)",
		     tcp_state_name(st));
}

/* The events of one call, except state changes (shown under segments). */
static void take_events(struct client *cl, const struct conn_out *o)
{
	unsigned i;

	/* Data first: a FIN that comes with the last bytes ends the body
	 * only after them. */
	if (o->data_len > 0)
		take_data(cl, o->data, o->data_len);
	for (i = 0; i < o->nev; i++) {
		const struct conn_event *e = &o->ev[i];
		switch (e->kind) {
		case CONN_EV_STATE:
			if (!cl->pending)
				cl->pending_from = e->from;
			cl->pending_to = e->to;
			cl->pending = true;
			if (e->to == TCP_TIME_WAIT)
				cl->pending_tw = true;
			break;
		case CONN_EV_PEER_FIN:
			cl->peer_fin = true;
			if (httpc_resp_eof(&cl->resp) != 0 && !cl->resp_error)
				fail(cl, "the server closed before the end of "
				         "the response");
			break;
		case CONN_EV_RESET:
			explain_reset(cl, cl->state_before);
			break;
		case CONN_EV_TIMEOUT:
			if (cl->state_before == TCP_SYN_SENT ||
			    cl->c.state == TCP_SYN_SENT)
				fail(cl,
				     "no answer from %s port %u after %u "
				     "SYNs: host unreachable or port "
				     "filtered",
				     cl->url.host, cl->dport, cl->nout);
			else
				fail(cl, "the server stopped answering (%s)",
				     e->reason ? e->reason : "timeout");
			break;
		case CONN_EV_RETRANSMIT:
			say(cl, "    client: retransmission (%s)\n",
			    e->reason ? e->reason : "timeout");
			break;
		case CONN_EV_DROP:
			say(cl, "    client: segment dropped (%s)\n",
			    e->reason ? e->reason : "?");
			break;
		default:
			break;
		}
	}
}

static void abort_conn(struct client *cl, const char *why);

/* Sends a call's segments; shows a state change no segment carried. */
static void send_out(struct client *cl)
{
	unsigned i, n = cl->co.nseg;
	struct seg segs[CONN_OUT_SEGS];

	memcpy(segs, cl->co.seg, n * sizeof segs[0]);
	cl->nsent += n;
	for (i = 0; i < n; i++)
		if (!send_seg(cl, &segs[i])) {
			/* The segment never left: the RST takes its sequence
			 * number, the one the server expects next. */
			conn_unsent(&cl->c, &segs[i]);
			abort_conn(cl, "the user pressed q");
			return;
		}
	if (cl->pending) {
		show_client_state(cl);
	}
	if (cl->pending_tw) {
		cl->pending_tw = false;
		if (cl->o.time_wait_s >= 0 && cl->o.time_wait_s != 60)
			say(cl,
			    "    client: TIME-WAIT shortened to %ld s by "
			    "--time-wait (2MSL is 60 s on Linux)\n",
			    cl->o.time_wait_s);
		else
			say(cl,
			    "    client: TIME-WAIT for 2MSL = 60 s, in case "
			    "the last ACK is lost (--time-wait shortens "
			    "it)\n");
	}
}

static void abort_conn(struct client *cl, const char *why)
{
	say(cl,
	    "    client: aborting (%s): a RST tells the server to forget "
	    "the connection\n",
	    why);
	fail(cl, "aborted: %s", why);
	profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, now(cl));
	conn_abort(&cl->c, now(cl), &cl->co);
	take_events(cl, &cl->co);
	send_out(cl);
}

/* One frame from the capture. */
static void handle_frame(struct client *cl, const struct capture_frame *f)
{
	struct link_frame lf;
	struct seg s;
	enum tcp_state from;
	bool changed;
	const uint8_t *ip;
	size_t len;

	if (link_decode(capture_linktype(cl->cap), f->data, f->caplen, &lf) !=
	            0 ||
	    lf.proto != LINK_P_IPV4)
		return;
	ip = f->data + lf.offset;
	len = f->caplen - lf.offset;
	if (seg_decode(&s, ip, len) != 0 || s.saddr != cl->daddr ||
	    s.daddr != cl->saddr || s.sport != cl->dport ||
	    s.dport != cl->sport)
		return;
	cl->nin++;
	if (in_list(cl->o.drop_in, cl->o.ndrop_in, cl->nin)) {
		print_pkt(cl, ip, len, f->len - lf.offset, f->sec, f->usec);
		annotate(cl, &s, f->sec, f->usec, false);
		say(cl,
		    "    dropped: incoming segment %u is ignored "
		    "(--drop-in %u); the client's TCP never sees it\n",
		    cl->nin, cl->nin);
		changed = peer_sent(&cl->peer, &s, &from);
		show_server_state(cl, changed, from);
		return;
	}
	if (s.flags & TH_SYN && !cl->them.isn_known) {
		cl->them.isn_known = true;
		cl->them.isn = s.seq;
	}
	sync_teach(cl);
	predict(cl, &s, false);
	cl->state_before = cl->c.state;
	profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, now(cl));
	profile_on_input(&cl->prof.client, &cl->c, &s);
	conn_input(&cl->c, &s, now(cl), &cl->co);
	print_pkt(cl, ip, len, f->len - lf.offset, f->sec, f->usec);
	annotate(cl, &s, f->sec, f->usec, false);
	changed = peer_sent(&cl->peer, &s, &from);
	take_events(cl, &cl->co);
	show_client_state(cl);
	show_server_state(cl, changed, from);
	send_out(cl);
}

static void run_timers(struct client *cl)
{
	uint64_t t = now(cl);

	if (conn_next_timer(&cl->c) > t)
		return;
	profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, t);
	/* A timeout's message depends on the state it ended. */
	cl->state_before = cl->c.state;
	conn_timer(&cl->c, t, &cl->co);
	take_events(cl, &cl->co);
	send_out(cl);
}

/* Writes the body once the response is complete. */
static void write_body(struct client *cl)
{
	FILE *f = cl->out ? cl->out : stdout;

	if (cl->body_written || !httpc_resp_done(&cl->resp))
		return;
	cl->body_written = true;
	/* --json keeps standard output for JSON: the body goes only to -O. */
	if (cl->o.json && cl->out == NULL)
		return;
	say(cl, "    client: HTTP %d, body of %zu bytes%s\n", cl->resp.status,
	    cl->body_len, cl->out ? " written to the -O file" : ":");
	if (cl->body_len > 0)
		fwrite(cl->body, 1, cl->body_len, f);
	if (cl->out == NULL && !cl->o.quiet && cl->body_len > 0 &&
	    cl->body[cl->body_len - 1] != '\n')
		fputc('\n', f);
	fflush(f);
}

/* What the client does next on its own: the request, then the close. */
static void advance(struct client *cl)
{
	uint64_t t = now(cl);
	int n;

	if (!cl->req_sent && cl->c.state == TCP_ESTABLISHED) {
		cl->req_sent = true;
		profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, t);
		n = conn_send(&cl->c, (const uint8_t *)cl->req, cl->req_len, t,
		              &cl->co);
		if (n < (int)cl->req_len)
			fail(cl, "the request did not fit in the send buffer");
		take_events(cl, &cl->co);
		send_out(cl);
	}
	write_body(cl);
	if (cl->closing ||
	    (cl->c.state != TCP_ESTABLISHED && cl->c.state != TCP_CLOSE_WAIT))
		return;
	if (!httpc_resp_done(&cl->resp) && !cl->peer_fin && !cl->resp_error)
		return;
	cl->closing = true;
	if (cl->peer_fin)
		say(cl, "    client: the server closed first; the client "
		        "closes its side too\n");
	else
		say(cl, "    client: response complete; the client closes "
		        "first, as wget does\n");
	profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, t);
	conn_close(&cl->c, t, &cl->co);
	take_events(cl, &cl->co);
	send_out(cl);
}

/*
 * Waits for a frame or the next timer, at most a second. While the
 * server holds the shared lab clock, no timer comes due: a bounded wait
 * then looks again soon, without spinning, for the clock to run.
 */
static void wait_input(struct client *cl)
{
	struct pollfd pfd = {capture_fd(cl->cap), POLLIN, 0};
	uint64_t next = conn_next_timer(&cl->c), t = now(cl);
	int ms = 1000;

	if (next != UINT64_MAX)
		ms = next <= t ? 0 : (int)((next - t + 999) / 1000);
	if (ms > 1000)
		ms = 1000;
	if (labclock_paused(cl->clock))
		ms = CLIENT_PAUSED_POLL_MS;
	poll(&pfd, 1, ms);
}

static void read_frames(struct client *cl)
{
	struct capture_frame f;
	char err[256];
	int rc;

	while ((rc = capture_next(cl->cap, &f, err, sizeof err)) == 1 &&
	       cl->c.state != TCP_CLOSED)
		handle_frame(cl, &f);
	if (rc < 0)
		fail(cl, "%s", err);
}

/* A FIN-WAIT-2 that never ends: Linux gives up after 60 s too. */
static void check_fin_wait_2(struct client *cl)
{
	uint64_t t = now(cl);

	if (cl->c.state != TCP_FIN_WAIT_2) {
		cl->fw2_since = 0;
		return;
	}
	if (cl->fw2_since == 0)
		cl->fw2_since = t;
	else if (t - cl->fw2_since > 60000000u)
		abort_conn(cl, "no FIN from the server in 60 s of FIN-WAIT-2");
}

static void start(struct client *cl)
{
	struct conn_cfg cfg = cl->prof.client.cfg;
	uint64_t t = now(cl);

	if (cl->o.time_wait_s >= 0)
		cfg.time_wait_us = (uint64_t)cl->o.time_wait_s * 1000000u;
	if (cl->o.syn_retries >= 0)
		cfg.syn_retries = (unsigned)cl->o.syn_retries;
	cfg.ts_offset = profile_ts_offset(&cl->prof.client, t);
	cl->me = (struct teach_side){"client", true, cl->prof.client.iss, false,
	                             0};
	cl->them = (struct teach_side){"server", false, 0, false, 0};
	peer_init(&cl->peer);
	httpc_resp_init(&cl->resp);
	conn_connect(&cl->c, &cfg, cl->saddr, cl->sport, cl->daddr, cl->dport,
	             cl->prof.client.iss, t, &cl->co);
	take_events(cl, &cl->co);
	send_out(cl);
}

static int finish(struct client *cl)
{
	if (cl->o.predict && cl->asked > 0)
		printf("predict: %u of %u right\n", cl->right, cl->asked);
	if (cl->failure == NULL && !httpc_resp_done(&cl->resp))
		fail(cl, "the connection closed before the whole response");
	if (cl->failure != NULL) {
		fprintf(stderr, "tcplab-client: %s\n", cl->failure);
		return EXIT_FAIL;
	}
	say(cl, "    client: exchange complete\n");
	return EXIT_OK;
}

int client_run(struct client *cl)
{
	struct sigaction sa;
	struct names *nm = cl->names;
	struct tcpdump_resolver res;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (nm != NULL)
		names_resolver(nm, &res);
	tcpdump_ctx_init(&cl->td, &cl->o.tf, nm ? &res : NULL);
	annot_init(&cl->an);
	/* conn treats time 0 as "unset". */
	cl->t0 = labclock_now(cl->clock) - 1000000u;
	start(cl);
	while (cl->c.state != TCP_CLOSED) {
		advance(cl);
		if (cl->c.state == TCP_CLOSED)
			break;
		wait_input(cl);
		read_frames(cl);
		run_timers(cl);
		check_fin_wait_2(cl);
		if (interrupted && cl->c.state != TCP_CLOSED)
			abort_conn(cl, "interrupted");
	}
	write_body(cl);
	annotate_end(cl);
	annot_free(&cl->an);
	tcpdump_ctx_free(&cl->td);
	free(cl->body);
	return finish(cl);
}
