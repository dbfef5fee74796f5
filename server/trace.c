/*
 * trace.c: what tcplab-server prints.
 *
 * Every segment in and out is printed by the tcpdump printer, so its lines
 * are those the installed tcpdump prints for the same bytes with the same
 * flags. Under them come the server's own lines, indented like tcpdump's
 * second line: state changes ("    server: SYN-RECEIVED -> ESTABLISHED"),
 * drops and their reasons, and the endpoint's log of visitors. With
 * several connections open, "server" becomes "server #N". --quiet prints
 * none of it, only the summary. Right under each segment's tcpdump lines
 * come the explanations of common/annot (arithmetic, both sides' states,
 * events), as tcplab-explain prints them, through the same path
 * (common/show); --plain leaves them out, and --json prints annot's JSON
 * lines instead of everything else. The server tells annot its own
 * states, from each connection's conn, and annot infers the client's.
 */
#include "config.h"

#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "common/io/i18n.h"
#include "common/io/term.h"
#include "common/seq.h"
#include "common/wrap.h"
#include "server/server.h"

/* TRANSLATORS: why the server dropped a segment, for "dropped: %s" and
 * the summary's "dropped: 3 odd flags, 1 bad TCP checksum". */
static const char *drop_names[DROP_MAX] = {
        [DROP_LINK] = N_("not IPv4"),
        [DROP_TRUNC] = N_("truncated"),
        [DROP_VERSION] = N_("bad IP version"),
        [DROP_IHL] = N_("bad IPv4 header length"),
        [DROP_IPLEN] = N_("bad IPv4 total length"),
        [DROP_PROTO] = N_("not TCP"),
        [DROP_FRAG] = N_("fragment"),
        [DROP_HDRLEN] = N_("bad TCP data offset"),
        [DROP_OPT] = N_("malformed TCP option"),
        [DROP_IPSUM] = N_("bad IPv4 checksum"),
        [DROP_TCPSUM] = N_("bad TCP checksum"),
        [DROP_FLAGS] = N_("odd flags"),
        [DROP_NOT_OURS] = N_("not for our address and port"),
        [DROP_NO_CONN] = N_("no connection"),
        [DROP_FULL] = N_("table full"),
        [DROP_CONN] = N_("refused by the state machine"),
        [DROP_INJECT] = N_("could not send"),
        [DROP_LOSS] = N_("lost on purpose (--loss)"),
};

const char *drop_name(enum drop_reason r)
{
	return (unsigned)r < DROP_MAX ? _(drop_names[r]) : "?";
}

/* Whether the server's own lines go to standard output. */
static bool chatty(const struct server *sv)
{
	return !sv->quiet && !sv->json;
}

/* --json: a finished connection's line (annot's done callback). */
static void on_conn_done(void *arg, const struct annot_summary *sm)
{
	struct server *sv = arg;
	char buf[2048];
	int n;

	if (!sv->json)
		return;
	n = show_summary(&sv->sh, sm, buf, sizeof buf);
	if (n > 0)
		fwrite(buf, 1, (size_t)n, stdout);
}

void trace_init(struct server *sv, const struct tcpdump_resolver *res)
{
	enum show_mode mode = SHOW_EXPLAIN;

	if (sv->quiet)
		mode = SHOW_SILENT;
	else if (sv->json)
		mode = SHOW_JSON;
	else if (sv->plain)
		mode = SHOW_PLAIN;
	show_init(&sv->sh, mode, term_cols(STDOUT_FILENO), &sv->tf, res,
	          ANNOT_ROLE_SERVER);
	show_set_tr(&sv->sh, &i18n_tr);
	sv->sh.an.cc_notes = sv->cc;
	sv->sh.an.done = on_conn_done;
	sv->sh.an.done_arg = sv;
}

/* Prints one segment through common/show: what the server captured came
 * from a client, what it injected is its own. */
static void print_packet(struct server *sv, const struct jrec *r,
                         const uint8_t *ip)
{
	struct show_pkt pk;
	int n;

	memset(&pk, 0, sizeof pk);
	pk.ip = ip;
	pk.caplen = r->len;
	pk.wirelen = r->wirelen;
	pk.sec = r->sec;
	pk.usec = r->usec;
	/* Times never go backwards: a frame captured while a --step prompt
	 * waited is shown when it is taken. */
	if (pk.sec < sv->shown_sec ||
	    (pk.sec == sv->shown_sec && pk.usec < sv->shown_usec)) {
		pk.sec = sv->shown_sec;
		pk.usec = sv->shown_usec;
	}
	sv->shown_sec = pk.sec;
	sv->shown_usec = pk.usec;
	pk.prefix = r->prefix[0] != '\0' ? r->prefix : NULL;
	pk.from = r->ours ? ANNOT_ROLE_SERVER : ANNOT_ROLE_CLIENT;
	pk.own_path = r->own_path;
	pk.own_cc = r->cc.valid ? &r->cc : NULL;
	n = show_packet(&sv->sh, &pk, sv->text, sizeof sv->text);
	if (n > 0)
		fwrite(sv->text, 1, (size_t)n, stdout);
}

/* Room for n more bytes in the journal's buffer. */
static bool jn_reserve(struct journal *j, size_t n)
{
	size_t cap = j->cap ? j->cap : 16384;
	char *b;

	if (j->len + n <= j->cap)
		return true;
	while (cap < j->len + n)
		cap *= 2;
	b = realloc(j->buf, cap);
	if (b == NULL)
		return false;
	j->buf = b;
	j->cap = cap;
	return true;
}

/* A new record at the end of the journal, or NULL (no memory). */
static struct jrec *jn_add(struct journal *j, int kind)
{
	struct jrec *r;

	if (j->nrec == j->caprec) {
		size_t cap = j->caprec ? 2 * j->caprec : 64;
		r = realloc(j->rec, cap * sizeof *r);
		if (r == NULL)
			return NULL;
		j->rec = r;
		j->caprec = cap;
	}
	r = &j->rec[j->nrec++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->off = j->len;
	return r;
}

/* Prints what journal j holds, in order, and empties it. */
static void jn_replay(struct server *sv, struct journal *j)
{
	const struct jrec *r;
	size_t i;

	for (i = 0; i < j->nrec; i++) {
		r = &j->rec[i];
		if (r->kind == JREC_TEXT) {
			fwrite(j->buf + r->off, 1, r->len, stdout);
		} else if (r->kind == JREC_STDERR) {
			/* Standard output's lines so far come first. */
			fflush(stdout);
			fwrite(j->buf + r->off, 1, r->len, stderr);
		} else if (r->kind == JREC_FORGET) {
			annot_forget(&sv->sh.an, &r->raddr, r->rport, &sv->addr,
			             sv->port);
		} else {
			print_packet(sv, r, (const uint8_t *)j->buf + r->off);
		}
	}
	j->nrec = 0;
	j->len = 0;
}

/* Waits until the printer thread, if any, has printed all it was given
 * and left standard output and the explanations to this thread. */
static void printer_idle(struct server *sv)
{
	struct printer *pr = &sv->pr;

	if (!pr->on)
		return;
	pthread_mutex_lock(&pr->mu);
	while (pr->pending.nrec > 0 || pr->busy)
		pthread_cond_wait(&pr->room, &pr->mu);
	pthread_mutex_unlock(&pr->mu);
}

/* Prints what is held now, from this thread: a way out when the journal
 * cannot grow, and the way of everything that talks to the student. */
static void jn_direct(struct server *sv)
{
	printer_idle(sv);
	jn_replay(sv, &sv->jn);
}

/* Appends from's records to to's; false when memory is short. */
static bool jn_append(struct journal *to, const struct journal *from)
{
	size_t i;

	if (!jn_reserve(to, from->len))
		return false;
	if (to->nrec + from->nrec > to->caprec) {
		size_t cap = to->caprec ? to->caprec : 64;
		struct jrec *r;
		while (cap < to->nrec + from->nrec)
			cap *= 2;
		r = realloc(to->rec, cap * sizeof *r);
		if (r == NULL)
			return false;
		to->rec = r;
		to->caprec = cap;
	}
	/* An empty journal may have no buffer yet: memcpy() takes none. */
	if (from->len > 0)
		memcpy(to->buf + to->len, from->buf, from->len);
	for (i = 0; i < from->nrec; i++) {
		to->rec[to->nrec + i] = from->rec[i];
		to->rec[to->nrec + i].off += to->len;
	}
	to->nrec += from->nrec;
	to->len += from->len;
	return true;
}

static void jn_swap(struct journal *a, struct journal *b)
{
	struct journal t = *a;

	*a = *b;
	*b = t;
}

/*
 * Hands the turn's journal to the printer thread: in place of an empty
 * pending one, else after what is pending. When the thread is behind by
 * its limits, the loop waits: it then goes at the printing's pace, in
 * bounded memory.
 */
static void release_to_printer(struct server *sv)
{
	struct printer *pr = &sv->pr;

	pthread_mutex_lock(&pr->mu);
	for (;;) {
		if (pr->pending.nrec == 0) {
			jn_swap(&pr->pending, &sv->jn);
			break;
		}
		if (pr->pending.len < PRINTER_MAX_BYTES &&
		    pr->pending.nrec < PRINTER_MAX_RECS &&
		    jn_append(&pr->pending, &sv->jn)) {
			sv->jn.nrec = 0;
			sv->jn.len = 0;
			break;
		}
		pthread_cond_wait(&pr->room, &pr->mu);
	}
	pthread_cond_signal(&pr->more);
	pthread_mutex_unlock(&pr->mu);
}

static void *printer_main(void *arg)
{
	struct server *sv = arg;
	struct printer *pr = &sv->pr;

	/* Linux gives each thread its own nice value. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), PRINTER_NICE);

	pthread_mutex_lock(&pr->mu);
	for (;;) {
		while (pr->pending.nrec == 0 && !pr->stop)
			pthread_cond_wait(&pr->more, &pr->mu);
		if (pr->pending.nrec == 0)
			break;
		jn_swap(&pr->taken, &pr->pending);
		pr->busy = true;
		pthread_cond_broadcast(&pr->room);
		pthread_mutex_unlock(&pr->mu);
		jn_replay(sv, &pr->taken);
		fflush(stdout);
		pthread_mutex_lock(&pr->mu);
		pr->busy = false;
		pthread_cond_broadcast(&pr->room);
	}
	pthread_mutex_unlock(&pr->mu);
	return NULL;
}

void trace_start(struct server *sv)
{
	struct printer *pr = &sv->pr;
	sigset_t all, old;

	if (pr->on || sv->quiet || sv->step)
		return;
	pthread_mutex_init(&pr->mu, NULL);
	pthread_cond_init(&pr->more, NULL);
	pthread_cond_init(&pr->room, NULL);
	pr->stop = pr->busy = false;
	/* Signals are the loop's: the thread is created with them blocked,
	 * so that SIGINT wakes poll() and not the printer. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pr->on = pthread_create(&pr->thread, NULL, printer_main, sv) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!pr->on) {
		/* Printing from the loop, as before, is slower but right. */
		pthread_cond_destroy(&pr->room);
		pthread_cond_destroy(&pr->more);
		pthread_mutex_destroy(&pr->mu);
	}
}

void trace_stop(struct server *sv)
{
	struct printer *pr = &sv->pr;

	if (!pr->on)
		return;
	pthread_mutex_lock(&pr->mu);
	pr->stop = true;
	pthread_cond_signal(&pr->more);
	pthread_mutex_unlock(&pr->mu);
	pthread_join(pr->thread, NULL);
	pthread_cond_destroy(&pr->room);
	pthread_cond_destroy(&pr->more);
	pthread_mutex_destroy(&pr->mu);
	pr->on = false;
}

bool trace_threaded(const struct server *sv)
{
	return sv->pr.on;
}

void trace_hold(struct server *sv)
{
	sv->jn.on = true;
}

void trace_release(struct server *sv)
{
	if (sv->pr.on)
		release_to_printer(sv);
	else
		jn_replay(sv, &sv->jn);
	sv->jn.on = false;
}

static void jn_free(struct journal *j)
{
	free(j->rec);
	free(j->buf);
	memset(j, 0, sizeof *j);
}

void trace_free(struct server *sv)
{
	trace_stop(sv);
	show_free(&sv->sh);
	jn_free(&sv->jn);
	jn_free(&sv->pr.pending);
	jn_free(&sv->pr.taken);
}

/* Keeps a segment's bytes to print later; false when it cannot. */
static bool jn_packet(struct server *sv, const struct jrec *pkt,
                      const uint8_t *ip)
{
	struct journal *j = &sv->jn;
	struct jrec *r;

	if (!jn_reserve(j, pkt->len) || (r = jn_add(j, JREC_PACKET)) == NULL)
		return false;
	memcpy(j->buf + j->len, ip, pkt->len);
	*r = *pkt;
	r->kind = JREC_PACKET;
	r->off = j->len;
	j->len += pkt->len;
	return true;
}

void trace_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                  size_t wirelen, const char *prefix, int64_t sec,
                  uint32_t usec, bool ours, const struct annot_path *own_path,
                  const struct annot_cc *cc)
{
	struct jrec r;

	if (sv->quiet)
		return;
	memset(&r, 0, sizeof r);
	r.ours = ours;
	r.len = caplen;
	r.wirelen = wirelen;
	r.sec = sec;
	r.usec = usec;
	snprintf(r.prefix, sizeof r.prefix, "%s", prefix ? prefix : "");
	if (own_path != NULL)
		r.own_path = *own_path;
	if (cc != NULL)
		r.cc = *cc;
	if (sv->jn.on && jn_packet(sv, &r, ip))
		return;
	/* Not held back (or no memory to): what was held goes first. */
	jn_direct(sv);
	print_packet(sv, &r, ip);
}

void trace_own_path(struct server *sv, const struct annot_path *p,
                    const struct annot_cc *cc)
{
	struct journal *j = &sv->jn;
	size_t i;

	for (i = j->nrec; i-- > 0;)
		if (j->rec[i].kind == JREC_PACKET && !j->rec[i].ours) {
			j->rec[i].own_path = *p;
			if (cc != NULL)
				j->rec[i].cc = *cc;
			return;
		}
}

void trace_forget(struct server *sv, const struct entry *e)
{
	struct jrec *r;

	if (sv->jn.on && (r = jn_add(&sv->jn, JREC_FORGET)) != NULL) {
		r->raddr = e->raddr;
		r->rport = e->rport;
		return;
	}
	jn_direct(sv);
	annot_forget(&sv->sh.an, &e->raddr, e->rport, &sv->addr, sv->port);
}

/* Text for standard output, held back while the journal is on. */
static void jn_vprintf(struct server *sv, const char *fmt, va_list ap)
{
	struct journal *j = &sv->jn;
	struct jrec *r;
	va_list aq;
	int n;

	if (j->on) {
		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
		if (n >= 0 && jn_reserve(j, (size_t)n + 1)) {
			r = j->nrec > 0 ? &j->rec[j->nrec - 1] : NULL;
			/* Text after text extends the same record. */
			if (r == NULL || r->kind != JREC_TEXT)
				r = jn_add(j, JREC_TEXT);
			if (r != NULL) {
				vsnprintf(j->buf + j->len, (size_t)n + 1, fmt,
				          ap);
				j->len += (size_t)n;
				r->len += (size_t)n;
				return;
			}
		}
		jn_direct(sv);
	}
	vprintf(fmt, ap);
}

static void jn_printf(struct server *sv, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void jn_printf(struct server *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jn_vprintf(sv, fmt, ap);
	va_end(ap);
}

void trace_connections(struct server *sv)
{
	trace_stop(sv);
	jn_replay(sv, &sv->jn);
	annot_finish(&sv->sh.an);
	fflush(stdout);
}

/* prefix and fmt's text, as one line wrapped to the width, into buf. */
static int wrapped(struct server *sv, char *buf, size_t cap, const char *prefix,
                   const char *fmt, va_list ap)
{
	char line[2048];
	int n = snprintf(line, sizeof line, "%s", prefix), m;

	if (n < 0 || (size_t)n >= sizeof line)
		return -1;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		return -1;
	if ((size_t)(n + m) >= sizeof line - 1)
		n = (int)wrap_utf8_whole(line, sizeof line - 2);
	else
		n += m;
	line[n++] = '\n';
	return show_text(&sv->sh, line, (size_t)n, buf, cap);
}

/* Keeps a line for standard error, in its place among the others. */
static bool jn_stderr(struct journal *j, const char *text, size_t n)
{
	struct jrec *r;

	if (!jn_reserve(j, n) || (r = jn_add(j, JREC_STDERR)) == NULL)
		return false;
	memcpy(j->buf + j->len, text, n);
	r->len = n;
	j->len += n;
	return true;
}

void trace_notice(struct server *sv, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = wrapped(sv, buf, sizeof buf, "tcplab-server: ", fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (chatty(sv)) {
		jn_printf(sv, "%s", buf);
		return;
	}
	if (sv->jn.on && jn_stderr(&sv->jn, buf, (size_t)n))
		return;
	/* Standard output's lines so far come before this one. */
	jn_direct(sv);
	fflush(stdout);
	fputs(buf, stderr);
}

/* "    server: ", or "    server #N: " when several connections are
 * open: the start of the server's own lines. */
static void who(struct server *sv, struct entry *e, char *buf, size_t cap)
{
	if (e != NULL && sv->tab.count > 1)
		/* TRANSLATORS: the start of the server's own lines under
		 * the segments when several connections are open,
		 * "    server #2: ...". Keep the four spaces. */
		snprintf(buf, cap, _("    server #%u: "), e->id);
	else
		/* TRANSLATORS: the start of the server's own lines under
		 * the segments, "    server: SYN-RECEIVED -> ESTABLISHED".
		 * Keep the four spaces. */
		snprintf(buf, cap, "%s", _("    server: "));
}

void trace_line(struct server *sv, struct entry *e, const char *fmt, ...)
{
	char prefix[64], buf[4096];
	va_list ap;
	int n;

	if (!chatty(sv))
		return;
	who(sv, e, prefix, sizeof prefix);
	va_start(ap, fmt);
	n = wrapped(sv, buf, sizeof buf, prefix, fmt, ap);
	va_end(ap);
	if (n > 0)
		jn_printf(sv, "%s", buf);
}

void trace_events(struct server *sv, struct entry *e,
                  const struct conn_out *out, bool carried)
{
	const struct conn_event *ev;
	unsigned i;

	/* annot says the changes a segment shows; --plain has no annot. */
	if (sv->plain)
		carried = false;
	for (i = 0; i < out->nev && chatty(sv); i++) {
		ev = &out->ev[i];
		switch (ev->kind) {
		case CONN_EV_STATE:
			if (!carried)
				trace_line(sv, e, "%s -> %s",
				           tcp_state_name(ev->from),
				           tcp_state_name(ev->to));
			break;
		case CONN_EV_DROP:
			trace_line(sv, e, _("dropped: %s"), _(ev->reason));
			break;
		case CONN_EV_RESET:
			trace_line(sv, e, _("reset: %s"), _(ev->reason));
			break;
		case CONN_EV_RETRANSMIT:
			trace_line(sv, e, _("retransmission: %s"),
			           _(ev->reason));
			break;
		case CONN_EV_TIMEOUT:
			trace_line(sv, e, _("timeout: %s"), _(ev->reason));
			break;
		default:
			break;
		}
	}
}

/* The visitor's name with bytes that are not printable ASCII escaped. */
static void escape(const char *s, size_t n, char *buf, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

void trace_visitor(struct server *sv, struct entry *e,
                   const struct httpd_info *info)
{
	char name[512];

	if (!chatty(sv))
		return;
	if (info->reason != NULL) {
		trace_line(sv, e, _("http: %d (%s), closing"), info->status,
		           _(info->reason));
		return;
	}
	if (!info->visitor) {
		trace_line(sv, e, "http: %s %s -> %d", info->method, info->path,
		           info->status);
		return;
	}
	escape(info->name, info->name_len, name, sizeof name);
	/* TRANSLATORS: method, path, status, then the visitor's name. */
	trace_line(sv, e, _("http: %s %s -> %d, visitor: %s"), info->method,
	           info->path, info->status, name);
}

bool trace_step(struct server *sv, struct entry *e, const struct seg *s,
                const struct annot_path *own_path)
{
	struct annot_result *r = &sv->sh.ar_preview;
	struct show_pkt pk;
	uint8_t buf[2048];
	char line[64];
	bool got;
	int n;

	(void)e;
	n = seg_encode(s, buf, sizeof buf);
	if (n <= 0)
		return true;
	/* What happened before this segment is shown before it. */
	jn_direct(sv);
	memset(&pk, 0, sizeof pk);
	pk.ip = buf;
	pk.caplen = (size_t)n;
	pk.from = ANNOT_ROLE_SERVER;
	if (own_path != NULL)
		pk.own_path = *own_path;
	fputs(_("step: the server will send\n"), stdout);
	if (show_preview(&sv->sh, &pk, r) == 0) {
		n = show_preview_text(&sv->sh, r, false, sv->text,
		                      sizeof sv->text);
		if (n > 0)
			fwrite(sv->text, 1, (size_t)n, stdout);
	}
	/* TRANSLATORS: a prompt; Enter and q are the keys to press. */
	fputs(_("step: Enter sends it, q aborts: "), stdout);
	fflush(stdout);
	got = sv->tty != NULL && fgets(line, sizeof line, sv->tty) != NULL;
	if (!got || line[0] == 'q') {
		fputs(_("\nstep: aborted\n"), stdout);
		return false;
	}
	return true;
}

/* One line of the summary, wrapped, to f. */
static void summary_line(struct server *sv, FILE *f, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void summary_line(struct server *sv, FILE *f, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = wrapped(sv, buf, sizeof buf, "tcplab-server: ", fmt, ap);
	va_end(ap);
	if (n > 0)
		fputs(buf, f);
}

void trace_summary(struct server *sv, FILE *f)
{
	const struct stats *st = &sv->st;
	char drops[2048] = "";
	unsigned i;
	int n = 0;

	if (f != stdout)
		fflush(stdout);
	summary_line(
	        sv, f,
	        _("%llu connections (%llu closed, %llu reset, %llu evicted, "
	          "%zu open), %llu segments in, %llu out, %llu visitors"),
	        (unsigned long long)st->conns, (unsigned long long)st->closed,
	        (unsigned long long)st->resets, (unsigned long long)st->evicted,
	        sv->tab.count, (unsigned long long)st->seg_in,
	        (unsigned long long)st->seg_out,
	        (unsigned long long)st->visitors);
	if (st->reopened != 0)
		summary_line(sv, f,
		             _("%llu reopened from TIME-WAIT by a newer SYN "
		               "(RFC 6191)"),
		             (unsigned long long)st->reopened);
	for (i = 0; i < DROP_MAX && (size_t)n < sizeof drops; i++)
		if (st->drops[i] != 0)
			n += snprintf(drops + n, sizeof drops - (size_t)n,
			              /* TRANSLATORS: the summary's "dropped: 3
			               * odd flags, 1 bad TCP checksum": " %llu
			               * %s" is the first count and reason,
			               * ", %llu %s" each next one, " none" when
			               * there is none. */
			              n > 0 ? _(", %llu %s") : _(" %llu %s"),
			              (unsigned long long)st->drops[i],
			              _(drop_names[i]));
	summary_line(sv, f, _("dropped:%s"), n > 0 ? drops : _(" none"));
	summary_line(sv, f,
	             _("timed out: %llu idle, %llu request heads (408), "
	               "%llu closes"),
	             (unsigned long long)st->idle_timeouts,
	             (unsigned long long)st->head_timeouts,
	             (unsigned long long)st->fin_timeouts);
	summary_line(sv, f,
	             _("%llu frames captured, %u dropped by the kernel, %llu "
	               "with offloaded checksums"),
	             (unsigned long long)st->frames,
	             sv->cap != NULL ? capture_drops(sv->cap) : 0,
	             (unsigned long long)st->offloaded);
	fflush(f);
}
