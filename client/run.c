/*
 * run.c: tcplab-client's exchange loop and its output.
 *
 * The loop feeds the state machine (common/conn) from the capture, runs
 * its timers, and asks it for the request and the close. Every segment
 * the conn makes is encoded at once into a queue (struct outq), together
 * with the states the conn went through in the call that made it; the
 * queue is put on the wire in order, each segment through the step and
 * predict gates. Before a segment goes out, the frames captured meanwhile
 * are taken first, so that what the client shows follows the wire's order
 * and its times never go backwards, also after a student thought at a
 * prompt.
 *
 * Every segment on the wire, sent or received, goes through common/show:
 * tcpdump's lines, then annot's explanations (--plain leaves them out,
 * --json prints annot's JSON lines instead). The client tells annot its
 * own states, from its conn; annot infers only the server's. --step and
 * --predict show annot's preview of a segment before it is sent or shown;
 * --drop and --drop-in lose segments on purpose.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "common/err.h"
#include "common/io/capture.h"
#include "common/io/clock.h"
#include "common/io/i18n.h"
#include "common/io/inject.h"
#include "common/io/names.h"
#include "common/io/term.h"
#include "common/link.h"
#include "common/seq.h"
#include "common/wrap.h"

/* How long the client waits, once a response that announced its close
 * ("Connection: close", or HTTP/1.0) is complete, for the server's FIN
 * before it closes first itself. */
#define CLOSE_WAIT_FOR_SERVER_US 5000000u

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

/* A line of the client's own, wrapped to the width, to f. */
static void vsay(struct client *cl, FILE *f, const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)wrap_utf8_whole(line, sizeof line - 1);
	n = show_text(&cl->sh, line, (size_t)n, cl->text, sizeof cl->text);
	if (n > 0 && f == stdout)
		body_break(cl);
	if (n > 0)
		fwrite(cl->text, 1, (size_t)n, f);
	fflush(f);
}

void client_say(struct client *cl, FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(cl, f, fmt, ap);
	va_end(ap);
}

/* The client's own lines: none with --quiet, and none with --json,
 * whose standard output is for JSON. */
void say(struct client *cl, const char *fmt, ...)
{
	va_list ap;

	if (cl->o.quiet || cl->o.json)
		return;
	va_start(ap, fmt);
	vsay(cl, stdout, fmt, ap);
	va_end(ap);
}

void client_fail(struct client *cl, const char *fmt, ...)
{
	va_list ap;

	if (cl->failure != NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(cl->failbuf, sizeof cl->failbuf, fmt, ap) >=
	    (int)sizeof cl->failbuf)
		cl->failbuf[wrap_utf8_whole(cl->failbuf, strlen(cl->failbuf))] =
		        '\0';
	va_end(ap);
	cl->failure = cl->failbuf;
}

/* The time a line shows: never before the last one shown. */
static void shown_time(struct client *cl, int64_t *sec, uint32_t *usec)
{
	if (*sec < cl->shown_sec ||
	    (*sec == cl->shown_sec && *usec < cl->shown_usec)) {
		*sec = cl->shown_sec;
		*usec = cl->shown_usec;
	}
	cl->shown_sec = *sec;
	cl->shown_usec = *usec;
}

/*
 * Shows one packet on the wire through common/show and writes it to the
 * -w file. from says who sent it; own_path the client's states across it.
 */
static void show(struct client *cl, const uint8_t *ip, size_t len,
                 size_t wirelen, int64_t sec, uint32_t usec, bool ours,
                 const struct annot_path *own_path, const struct annot_cc *cc,
                 bool ignored)
{
	struct show_pkt pk;
	int n;

	shown_time(cl, &sec, &usec);
	if (cl->dump != NULL)
		capture_dump_write(cl->dump, ip, len, sec, usec);
	/* --quiet shows nothing of the segments: no need to explain them
	 * (a large body would spend most of its time here). */
	if (cl->o.quiet)
		return;
	memset(&pk, 0, sizeof pk);
	pk.ip = ip;
	pk.caplen = len;
	pk.wirelen = wirelen;
	pk.sec = sec;
	pk.usec = usec;
	pk.from = ours ? ANNOT_ROLE_CLIENT : ANNOT_ROLE_SERVER;
	if (own_path != NULL)
		pk.own_path = *own_path;
	pk.own_ignored = ignored;
	pk.own_cc = cc;
	n = show_packet(&cl->sh, &pk, cl->text, sizeof cl->text);
	if (n > 0) {
		body_break(cl);
		fwrite(cl->text, 1, (size_t)n, stdout);
	}
	fflush(stdout);
}

/* --json: a finished connection's summary line. */
static void on_conn_done(void *arg, const struct annot_summary *sm)
{
	struct client *cl = arg;
	int n;

	if (!cl->o.json)
		return;
	n = show_summary(&cl->sh, sm, cl->text, sizeof cl->text);
	if (n > 0)
		fwrite(cl->text, 1, (size_t)n, stdout);
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
	body_break(cl);
	fputs(prompt, stdout);
	fflush(stdout);
	got = cl->in != NULL && fgets(line, (int)cap, cl->in) != NULL;
	if (!got)
		fputs("\n", stdout);
	labclock_resume(cl->clock);
	return got;
}

/* annot's preview of a segment, as a packet the client knows. */
static int preview(struct client *cl, const uint8_t *ip, size_t len, bool ours,
                   const struct annot_path *own_path, struct annot_result *r)
{
	struct show_pkt pk;

	memset(&pk, 0, sizeof pk);
	pk.ip = ip;
	pk.caplen = len;
	pk.from = ours ? ANNOT_ROLE_CLIENT : ANNOT_ROLE_SERVER;
	if (own_path != NULL)
		pk.own_path = *own_path;
	return show_preview(&cl->sh, &pk, r);
}

/* "SYN ACK", the flags in words for the predict question. */
static void flag_words(uint16_t fl, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s%s%s", fl & TH_SYN ? " SYN" : "",
	         fl & TH_FIN ? " FIN" : "", fl & TH_RST ? " RST" : "",
	         fl & TH_PSH ? " PSH" : "", fl & TH_ACK ? " ACK" : "");
}

/* --predict: asks for the segment's relative seq and ack before showing
 * it, checks the answer, and explains the right one when it is wrong. */
static void predict(struct client *cl, const uint8_t *ip, size_t len, bool ours,
                    const struct annot_path *own_path)
{
	struct annot_result *r = &cl->sh.ar_preview;
	char line[128], words[40];
	uint32_t seq = 0, ack = 0;
	bool has_ack = false;
	int n;

	if (!cl->o.predict || preview(cl, ip, len, ours, own_path, r) < 0)
		return;
	flag_words(r->flags, words, sizeof words);
	body_break(cl);
	/* TRANSLATORS: the flags come as " SYN ACK", a space first. */
	printf(ours ? _("  next: a segment from the client with flags%s.\n")
	            : _("  next: a segment from the server with flags%s.\n"),
	       words);
	cl->asked++;
	for (;;) {
		if (!ask(cl,
		         /* TRANSLATORS: a prompt: the student types two
		          * numbers after it, on the same line. */
		         _("  predict its relative seq and ack (\"SEQ ACK\", "
		           "\"-\" for no ack): "),
		         line, sizeof line))
			break;
		if (annot_parse_answer(line, &seq, &has_ack, &ack) == 0)
			break;
		fputs(_("  two numbers please, e.g. \"1 1\"\n"), stdout);
	}
	if (annot_answer_ok(r, seq, has_ack, ack)) {
		cl->right++;
		fputs(_("  right.\n"), stdout);
		return;
	}
	if (r->flags & TH_ACK)
		printf(_("  not quite: seq %u, ack %u. Why:\n"), r->rel_seq,
		       r->rel_ack);
	else
		printf(_("  not quite: seq %u, no ack. Why:\n"), r->rel_seq);
	n = show_preview_text(&cl->sh, r, true, cl->text, sizeof cl->text);
	if (n > 0)
		fwrite(cl->text, 1, (size_t)n, stdout);
}

/* --step: shows what is about to be sent and waits; false: "abort". */
static bool step_gate(struct client *cl, const struct outseg *o,
                      const struct seg *s)
{
	struct annot_result *r = &cl->sh.ar_preview;
	char line[64];
	int n;

	if (!cl->o.step || (s->flags & TH_RST))
		return true;
	body_break(cl);
	if (preview(cl, o->bytes, o->len, true, &o->own_path, r) == 0) {
		n = show_preview_text(&cl->sh, r, false, cl->text,
		                      sizeof cl->text);
		if (n > 0)
			fwrite(cl->text, 1, (size_t)n, stdout);
	}
	if (!ask(cl,
	         /* TRANSLATORS: a prompt; Enter and q are the keys to
	          * press. */
	         _("  [Enter] sends it, q aborts the connection with a RST: "),
	         line, sizeof line))
		return true;
	return line[0] != 'q' && line[0] != 'Q';
}

static void explain_reset(struct client *cl, enum tcp_state st)
{
	char w[96];

	if (st == TCP_SYN_SENT)
		client_fail(cl,
		            _("connection refused: the server answered the SYN "
		              "with a RST (nothing listens on port %u?)"),
		            cl->dport);
	else if (cl->o.no_guard)
		client_fail(cl,
		            _("connection reset by the server in %s: with no "
		              "port guard, this host's kernel had answered the "
		              "SYN-ACK with a RST, so the server no longer "
		              "knows the connection"),
		            annot_state_words(&i18n_tr, st, w, sizeof w));
	else
		client_fail(cl,
		            _("connection reset by the server in %s (its "
		              "application closed abruptly, or it lost the "
		              "connection)"),
		            annot_state_words(&i18n_tr, st, w, sizeof w));
}

/* The events of one call but its state changes, which annot shows. */
static void take_events(struct client *cl, const struct conn_out *o)
{
	unsigned i;

	/* Data first: a FIN that comes with the last bytes ends the body
	 * only after them. */
	if (o->data_len > 0)
		body_take(cl, o->data, o->data_len);
	for (i = 0; i < o->nev; i++) {
		const struct conn_event *e = &o->ev[i];
		switch (e->kind) {
		case CONN_EV_PEER_FIN:
			cl->peer_fin = true;
			body_fin(cl);
			break;
		case CONN_EV_RESET:
			/* The conn reports the client's own abort too. */
			if (!cl->aborting && !body_reset(cl))
				explain_reset(cl, cl->state_before);
			break;
		case CONN_EV_TIMEOUT:
			if (cl->state_before == TCP_SYN_SENT ||
			    cl->c.state == TCP_SYN_SENT)
				client_fail(
				        cl,
				        _("no answer from %s port %u after %u "
				          "SYNs: host unreachable or port "
				          "filtered"),
				        cl->url.host, cl->dport, cl->nout);
			else
				client_fail(
				        cl,
				        _("the server stopped answering (%s)"),
				        e->reason ? _(e->reason)
				                  : _("timeout"));
			break;
		case CONN_EV_RETRANSMIT:
			say(cl, _("    client: retransmission (%s)\n"),
			    e->reason ? _(e->reason) : _("timeout"));
			break;
		case CONN_EV_DROP:
			say(cl, _("    client: segment dropped (%s)\n"),
			    e->reason ? _(e->reason) : "?");
			break;
		default:
			break;
		}
	}
}

/* A change of the client's state that no segment shows (a timer, a
 * close whose FIN waits): said on its own line. */
static void say_path(struct client *cl, const struct annot_path *p,
                     const char *why)
{
	char line[256];
	unsigned i;
	int n;

	if (p->n < 2 || cl->o.plain)
		return;
	n = snprintf(line, sizeof line, "%s", tcp_state_name(p->st[0]));
	for (i = 1; i < p->n && n > 0 && (size_t)n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, " -> %s",
		              tcp_state_name(p->st[i]));
	/* TRANSLATORS: the client's states, "A -> B -> C" (RFC names),
	 * then nothing or " (2MSL is over)". */
	say(cl, _("    client: %s%s\n"), line, why);
}

/* How long TIME-WAIT lasts, once the client is in it. */
static void say_time_wait(struct client *cl, const struct annot_path *p)
{
	if (p->n == 0 || p->st[p->n - 1] != TCP_TIME_WAIT ||
	    p->st[0] == TCP_TIME_WAIT)
		return;
	if (cl->o.time_wait_s >= 0 && cl->o.time_wait_s != 60)
		say(cl,
		    _("    client: TIME-WAIT shortened to %ld s by --time-wait "
		      "(2MSL is 60 s on Linux)\n"),
		    cl->o.time_wait_s);
	else
		say(cl, "%s",
		    _("    client: TIME-WAIT for 2MSL = 60 s, in case the "
		      "last ACK is lost (--time-wait shortens it)\n"));
}

/* The client's sender once `sent` segments of the call have left; with
 * changes, what the call changed and why. */
static void sender_now(struct client *cl, unsigned sent, bool changes,
                       struct annot_cc *cc)
{
	annot_cc_from_conn(cc, &cl->c, &cl->co, cl->nxt_before, sent,
	                   changes ? &cl->cc_before : NULL);
}

/*
 * After a call on the conn: its events, and its segments into the queue
 * as bytes. The states the call went through go with its first segment;
 * after an input (taken is true) they went with the segment it took.
 */
static void queue_call(struct client *cl, enum tcp_state before, bool taken,
                       const struct annot_path *path)
{
	struct annot_path p = *path, none = {{TCP_CLOSED}, 0};
	unsigned i;
	int n;

	take_events(cl, &cl->co);
	if (!taken && cl->co.nseg == 0)
		say_path(cl, &p,
		         cl->c.state == TCP_CLOSED && before == TCP_TIME_WAIT
		                 ? _(" (2MSL is over)")
		                 : "");
	if (!taken)
		say_time_wait(cl, &p);
	cl->nsent += cl->co.nseg;
	for (i = 0; i < cl->co.nseg; i++) {
		struct outseg *o;

		if (cl->q.count == OUTQ_MAX) {
			client_fail(cl, "%s",
			            _("too many segments waiting to be sent"));
			return;
		}
		o = &cl->q.seg[(cl->q.head + cl->q.count) % OUTQ_MAX];
		n = seg_encode(&cl->co.seg[i], o->bytes, sizeof o->bytes);
		if (n < 0)
			continue;
		o->len = (size_t)n;
		o->own_path = (i == 0 && !taken) ? p : none;
		sender_now(cl, i + 1, i == 0 && !taken, &o->cc);
		cl->q.count++;
	}
}

/* Before a call on the conn: the state it leaves from, and the profile's
 * timestamps. The call takes the time read here (cl->call_t): the TS
 * value the profile sets for it must not move on by a millisecond
 * between two readings of the clock. */
static void call_begin(struct client *cl)
{
	cl->state_before = cl->c.state;
	conn_cc_info(&cl->c, &cl->cc_before);
	cl->nxt_before = cl->c.snd_nxt;
	cl->call_t = now(cl);
	profile_ts_apply(&cl->prof.client, &cl->c, cl->nsent, cl->call_t);
}

/* After a call that took no segment: its events and its segments. */
static void call_end(struct client *cl)
{
	struct annot_path p;

	annot_path_from_events(&p, cl->state_before, &cl->co);
	queue_call(cl, cl->state_before, false, &p);
}

static bool in_list(const unsigned *l, unsigned n, unsigned k)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (l[i] == k)
			return true;
	return false;
}

static void abort_conn(struct client *cl, const char *why)
{
	if (cl->c.state == TCP_SYN_SENT)
		say(cl,
		    _("    client: giving up (%s): the server never answered, "
		      "so there is no connection to reset\n"),
		    why);
	else
		say(cl,
		    _("    client: aborting (%s): a RST tells the server to "
		      "forget the connection\n"),
		    why);
	/* TRANSLATORS: why comes after: "the user pressed q", ... */
	client_fail(cl, _("aborted: %s"), why);
	cl->aborting = true;
	call_begin(cl);
	conn_abort(&cl->c, cl->call_t, &cl->co);
	call_end(cl);
}

/* The student pressed q at segment s: it never leaves, nor anything
 * after it, and the RST takes its sequence number, the one the server
 * expects next. */
static void stop_at(struct client *cl, const struct seg *s)
{
	cl->q.count = 0;
	conn_unsent(&cl->c, s);
	abort_conn(cl, _("the user pressed q"));
}

/* A segment --drop loses: its lines, and a word that it never left. */
/* Why a segment is lost on purpose, for "dropped: ... (%s)": "--drop 3",
 * or "--loss 5%, seed 42"; NULL when it is not. Draws --loss's next
 * number for every segment, so that a seed loses the same ones. */
static const char *lost_why(struct client *cl, const unsigned *list,
                            unsigned nlist, const char *opt, unsigned n,
                            char *buf, size_t cap)
{
	bool random = loss_next(&cl->loss);
	char p[16];

	if (in_list(list, nlist, n))
		snprintf(buf, cap, "%s %u", opt, n);
	else if (random) {
		loss_format(cl->o.loss_ppm, p, sizeof p);
		snprintf(buf, cap, _("--loss %s, seed %llu"), p,
		         (unsigned long long)cl->o.seed);
	} else
		return NULL;
	return buf;
}

/* --blackout N,MS: whether this incoming segment falls in the dark,
 * which begins with the Nth and lasts MS of the connection's time. */
static bool blacked_out(struct client *cl, char *why, size_t cap)
{
	uint64_t t = now(cl);

	if (cl->o.blackout_us == 0 || cl->nin < cl->o.blackout_n)
		return false;
	if (cl->blackout_end == 0)
		cl->blackout_end = t + cl->o.blackout_us;
	if (t >= cl->blackout_end)
		return false;
	snprintf(why, cap, "--blackout %u,%llu", cl->o.blackout_n,
	         (unsigned long long)(cl->o.blackout_us / 1000));
	return true;
}

static void show_dropped(struct client *cl, const struct outseg *o,
                         const char *why)
{
	struct show_pkt pk;
	struct timeval tv;
	char msg[512];
	int n;

	gettimeofday(&tv, NULL);
	memset(&pk, 0, sizeof pk);
	pk.ip = o->bytes;
	pk.caplen = o->len;
	pk.sec = tv.tv_sec;
	pk.usec = (uint32_t)tv.tv_usec;
	shown_time(cl, &pk.sec, &pk.usec);
	n = show_lines_of(&cl->sh, &pk, cl->text, sizeof cl->text);
	if (n > 0 && !cl->o.quiet) {
		body_break(cl);
		fwrite(cl->text, 1, (size_t)n, stdout);
	}
	/* The lab runner finds this line by its message (labs/tcplab). */
	snprintf(msg, sizeof msg,
	         _("dropped: outgoing segment %u is not sent (%s); the server "
	           "never sees it"),
	         cl->nout, why);
	say(cl, "    %s\n", msg);
}

static void read_frames(struct client *cl);

/* Puts one queued segment on the wire (or loses it on purpose). */
static void send_one(struct client *cl, struct outseg *o)
{
	struct timeval tv;
	struct seg s;
	char err[256], why[96];

	if (seg_decode(&s, o->bytes, o->len) < 0)
		return;
	cl->nout++;
	if (lost_why(cl, cl->o.drop, cl->o.ndrop, "--drop", cl->nout, why,
	             sizeof why) != NULL) {
		show_dropped(cl, o, why);
		return;
	}
	predict(cl, o->bytes, o->len, true, &o->own_path);
	if (!step_gate(cl, o, &s)) {
		stop_at(cl, &s);
		return;
	}
	/* What arrived while the student read goes first, as on the wire. */
	if (cl->o.step || cl->o.predict)
		read_frames(cl);
	if (inject_seg(cl->inj, &s, NULL, NULL, 0, NULL, err, sizeof err) != 0)
		client_say(cl, stderr, "tcplab-client: %s\n", err);
	gettimeofday(&tv, NULL);
	show(cl, o->bytes, o->len, 0, tv.tv_sec, (uint32_t)tv.tv_usec, true,
	     &o->own_path, &o->cc, false);
}

/* Puts the queued segments on the wire, in order. */
static void flush_queue(struct client *cl)
{
	struct outseg o;

	while (cl->q.count > 0) {
		o = cl->q.seg[cl->q.head];
		cl->q.head = (cl->q.head + 1) % OUTQ_MAX;
		cl->q.count--;
		send_one(cl, &o);
	}
}

/* One frame from the capture: shown, and taken by the conn (or lost on
 * purpose with --drop-in). */
static void handle_frame(struct client *cl, const struct capture_frame *f)
{
	struct link_frame lf;
	struct ipaddr sa, da;
	struct annot_path p;
	struct annot_cc cc;
	struct seg s;
	char msg[512], why[96];
	const uint8_t *ip;
	size_t len, wirelen;

	if (link_decode(capture_linktype(cl->cap), f->data, f->caplen, &lf) !=
	            0 ||
	    lf.proto != (ipaddr_is4(&cl->daddr) ? LINK_P_IPV4 : LINK_P_IPV6))
		return;
	ip = f->data + lf.offset;
	len = f->caplen - lf.offset;
	wirelen = f->len - lf.offset;
	if (seg_decode(&s, ip, len) != 0)
		return;
	sa = seg_src(&s);
	da = seg_dst(&s);
	if (!ipaddr_eq(&sa, &cl->daddr) || !ipaddr_eq(&da, &cl->saddr) ||
	    s.sport != cl->dport || s.dport != cl->sport)
		return;
	cl->nin++;
	if (blacked_out(cl, why, sizeof why) ||
	    lost_why(cl, cl->o.drop_in, cl->o.ndrop_in, "--drop-in", cl->nin,
	             why, sizeof why) != NULL) {
		show(cl, ip, len, wirelen, f->sec, f->usec, false, NULL, NULL,
		     true);
		snprintf(msg, sizeof msg,
		         _("dropped: incoming segment %u is ignored (%s); the "
		           "client's TCP never sees it"),
		         cl->nin, why);
		say(cl, "    %s\n", msg);
		return;
	}
	predict(cl, ip, len, false, NULL);
	cl->heard_at = now(cl);
	call_begin(cl);
	profile_on_input(&cl->prof.client, &cl->c, &s);
	conn_input(&cl->c, &s, cl->call_t, &cl->co);
	annot_path_from_events(&p, cl->state_before, &cl->co);
	sender_now(cl, 0, true, &cc);
	show(cl, ip, len, wirelen, f->sec, f->usec, false, &p, &cc, false);
	queue_call(cl, cl->state_before, true, &p);
}

static void read_frames(struct client *cl)
{
	struct capture_frame f;
	char err[256];
	int rc;

	while ((rc = capture_next(cl->cap, &f, err, sizeof err)) == 1 &&
	       cl->c.state != TCP_CLOSED) {
		handle_frame(cl, &f);
		/* A burst of data wants its ACKs as it comes, not after the
		 * whole ring has been read (and the queue would overflow).
		 * Stepping, the queue goes out at the student's pace and
		 * send_one() reads what came meanwhile. */
		if (!cl->o.step && !cl->o.predict)
			flush_queue(cl);
	}
	if (rc < 0)
		client_fail(cl, "%s", err);
}

static void run_timers(struct client *cl)
{
	if (conn_next_timer(&cl->c) > now(cl))
		return;
	call_begin(cl);
	conn_timer(&cl->c, cl->call_t, &cl->co);
	call_end(cl);
}

/*
 * Whether the client closes now. It closes first once the response is
 * complete, as wget does; but a server that announced its close
 * ("Connection: close", or HTTP/1.0 without keep-alive) is given the
 * first FIN, for CLOSE_WAIT_FOR_SERVER_US of the connection's time, so
 * that who closes first follows from what the server said.
 */
static bool close_now(struct client *cl)
{
	uint64_t t = now(cl);

	if (cl->peer_fin || cl->resp_error)
		return true;
	if (!httpc_resp_done(&cl->resp))
		return false;
	if (cl->resp.keep_alive)
		return true;
	if (cl->resp_done_at == 0) {
		cl->resp_done_at = t;
		say(cl, "%s",
		    _("    client: the server said it closes the connection: "
		      "the client waits for its FIN\n"));
	}
	return t - cl->resp_done_at >= CLOSE_WAIT_FOR_SERVER_US;
}

/* What the client does next on its own: the request, then the close. */
static void advance(struct client *cl)
{
	int n;

	if (!cl->req_sent && cl->c.state == TCP_ESTABLISHED) {
		cl->req_sent = true;
		call_begin(cl);
		n = conn_send(&cl->c, (const uint8_t *)cl->req, cl->req_len,
		              cl->call_t, &cl->co);
		if (n < (int)cl->req_len)
			client_fail(cl, "%s",
			            _("the request did not fit in the send "
			              "buffer"));
		call_end(cl);
	}
	if (cl->closing ||
	    (cl->c.state != TCP_ESTABLISHED && cl->c.state != TCP_CLOSE_WAIT))
		return;
	if (!close_now(cl))
		return;
	cl->closing = true;
	if (cl->peer_fin)
		say(cl, "%s",
		    _("    client: the server closed first; the client "
		      "closes its side too\n"));
	else if (!cl->resp.keep_alive && !cl->resp_error)
		say(cl, "%s",
		    _("    client: no FIN from the server; the client "
		      "closes first\n"));
	else
		say(cl, "%s",
		    _("    client: response complete; the client closes "
		      "first, as wget does\n"));
	call_begin(cl);
	conn_close(&cl->c, cl->call_t, &cl->co);
	call_end(cl);
}

/* Waits for a frame or the next timer, at most a second. While the
 * server holds the shared lab clock, no timer comes due: a bounded wait
 * then looks again soon, without spinning, for the clock to run. */
static void wait_input(struct client *cl)
{
	struct pollfd pfd = {capture_fd(cl->cap), POLLIN, 0};
	uint64_t next = conn_next_timer(&cl->c), t = now(cl);
	int ms = 1000;

	if (next != UINT64_MAX)
		ms = next <= t ? 0 : (int)((next - t + 999) / 1000);
	if (cl->resp_done_at != 0 && !cl->closing)
		ms = 50;
	/* A slow reader reads every 20 ms while it has data to read. */
	if (cl->c.cfg.app_reads && cl->c.rcv_unread > 0 && ms > 20)
		ms = 20;
	if (cl->o.timeout_s > 0) {
		uint64_t due =
		        cl->heard_at + (uint64_t)cl->o.timeout_s * 1000000u;
		if (due <= t)
			ms = 0;
		else if (due - t < (uint64_t)ms * 1000u)
			ms = (int)((due - t + 999) / 1000);
	}
	if (ms > 1000)
		ms = 1000;
	if (labclock_paused(cl->clock))
		ms = CLIENT_PAUSED_POLL_MS;
	/* Before the client sleeps, the -O file gets what it has buffered. */
	if (ms > 0 && poll(&pfd, 1, 0) > 0)
		return;
	body_flush(cl);
	poll(&pfd, 1, ms);
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
		abort_conn(cl,
		           _("no FIN from the server in 60 s of FIN-WAIT-2"));
}

/*
 * --timeout, wget's read timeout: while the response is not whole, a
 * server that sends nothing for that long (of the lab clock, which
 * stands still while a student thinks) is given up, with a RST where
 * the connection exists. Once the response is whole, the close has
 * bounds of its own (the wait for the server's FIN, the FIN's
 * retransmissions, FIN-WAIT-2's 60 s).
 */
static void check_timeout(struct client *cl)
{
	uint64_t t = now(cl), limit = (uint64_t)cl->o.timeout_s * 1000000u;

	if (cl->o.timeout_s == 0 || cl->closing || httpc_resp_done(&cl->resp) ||
	    cl->c.state == TCP_CLOSED || cl->c.state == TCP_TIME_WAIT ||
	    t - cl->heard_at < limit)
		return;
	if (cl->c.state == TCP_SYN_SENT)
		client_fail(cl,
		            _("no answer from %s port %u in %ld s (--timeout): "
		              "host unreachable or port filtered"),
		            cl->url.host, cl->dport, cl->o.timeout_s);
	else
		client_fail(cl,
		            _("the server sent nothing for %ld s (--timeout) "
		              "before the response was whole: the client reset "
		              "the connection"),
		            cl->o.timeout_s);
	abort_conn(cl, "--timeout");
}

/*
 * --rcvbuf and --read-rate: a fixed receive buffer (no autotuning), and a
 * window scale no larger than the buffer needs (as Linux chooses it);
 * with --read-rate, the reader takes its data itself (cfg.app_reads).
 */
static void receive_buffer(struct client *cl, struct conn_cfg *cfg)
{
	uint8_t ws = 0;

	if (cl->o.no_sack)
		cfg->use_sack = false;
	if (cl->o.rcvbuf == 0 && cl->o.read_rate == 0)
		return;
	if (cl->o.rcvbuf > 0) {
		cfg->rcv_wnd = cl->o.rcvbuf;
		if (cfg->syn_win > cl->o.rcvbuf)
			cfg->syn_win = (uint16_t)cl->o.rcvbuf;
		while ((cl->o.rcvbuf >> ws) > 65535 && ws < 14)
			ws++;
		if (cfg->use_wscale && ws < cfg->wscale)
			cfg->wscale = ws;
	}
	cfg->rcv_wnd_max = 0;
	cfg->app_reads = cl->o.read_rate > 0;
}

/* --read-rate: the reader takes what its rate allows since it last
 * did, and the conn says when that opens the window. */
static void app_read(struct client *cl)
{
	uint64_t t = now(cl), n;

	if (!cl->c.cfg.app_reads)
		return;
	if (cl->c.rcv_unread == 0 || cl->read_at == 0 || t < cl->read_at) {
		cl->read_at = t;
		cl->read_carry = 0;
		return;
	}
	cl->read_carry += (t - cl->read_at) * cl->o.read_rate;
	cl->read_at = t;
	n = cl->read_carry / 1000000u;
	if (n == 0)
		return;
	cl->read_carry -= n * 1000000u;
	call_begin(cl);
	conn_consume(&cl->c, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n,
	             cl->call_t, &cl->co);
	call_end(cl);
}

static void start(struct client *cl)
{
	struct conn_cfg cfg = cl->prof.client.cfg;

	/* The largest segment this link carries whole: the server must send
	 * nothing larger, or the link drops it and the download stalls. */
	cfg.mss = cl->mss;
	if (cl->o.time_wait_s >= 0)
		cfg.time_wait_us = (uint64_t)cl->o.time_wait_s * 1000000u;
	if (cl->o.syn_retries >= 0)
		cfg.syn_retries = (unsigned)cl->o.syn_retries;
	receive_buffer(cl, &cfg);
	cfg.ts_offset = profile_ts_offset(&cl->prof.client, now(cl));
	httpc_resp_init(&cl->resp);
	cl->heard_at = now(cl);
	call_begin(cl);
	conn_connect_to(&cl->c, &cfg, &cl->saddr, cl->sport, &cl->daddr,
	                cl->dport, cl->prof.client.iss, cl->call_t, &cl->co);
	call_end(cl);
}

static int finish(struct client *cl)
{
	if (cl->o.predict && cl->asked > 0)
		printf(_("predict: %u of %u right\n"), cl->right, cl->asked);
	if (cl->failure == NULL && !httpc_resp_done(&cl->resp))
		client_fail(cl, "%s",
		            _("the connection closed before the whole "
		              "response"));
	if (cl->failure != NULL) {
		client_say(cl, stderr, "tcplab-client: %s\n", cl->failure);
		return cl->write_failed ? EXIT_ENV : EXIT_FAIL;
	}
	say(cl, "%s", _("    client: exchange complete\n"));
	return EXIT_OK;
}

/* How the segments show: --quiet, --plain, --json or explained. */
static enum show_mode show_mode(const struct client_opts *o)
{
	if (o->quiet)
		return SHOW_SILENT;
	if (o->plain)
		return SHOW_PLAIN;
	return o->json ? SHOW_JSON : SHOW_EXPLAIN;
}

void client_show_init(struct client *cl)
{
	struct tcpdump_resolver res;

	if (cl->names != NULL)
		names_resolver(cl->names, &res);
	show_init(&cl->sh, show_mode(&cl->o), term_cols(STDOUT_FILENO),
	          &cl->o.tf, cl->names ? &res : NULL, ANNOT_ROLE_CLIENT);
	show_set_tr(&cl->sh, &i18n_tr);
	cl->sh.an.cc_notes = cl->o.cc;
	cl->sh.an.done = on_conn_done;
	cl->sh.an.done_arg = cl;
}

int client_run(struct client *cl)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reader that goes away (| head) is a write error, which resets
	 * the connection, not a signal that leaves it open at the server. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* conn treats time 0 as "unset". */
	cl->t0 = labclock_now(cl->clock) - 1000000u;
	start(cl);
	for (;;) {
		flush_queue(cl);
		if (cl->c.state == TCP_CLOSED)
			break;
		advance(cl);
		flush_queue(cl);
		if (cl->c.state == TCP_CLOSED)
			break;
		wait_input(cl);
		read_frames(cl);
		app_read(cl);
		run_timers(cl);
		check_fin_wait_2(cl);
		check_timeout(cl);
		if (interrupted && cl->c.state != TCP_CLOSED)
			abort_conn(cl, _("interrupted"));
		if (cl->write_failed && cl->c.state != TCP_CLOSED)
			abort_conn(cl, _("the body cannot be written"));
	}
	flush_queue(cl);
	body_flush(cl);
	annot_finish(&cl->sh.an);
	body_break(cl);
	fflush(stdout);
	show_free(&cl->sh);
	return finish(cl);
}
