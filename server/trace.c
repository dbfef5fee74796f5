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
 * events), as tcplab-explain prints them; --plain leaves them out, and
 * --json prints annot's JSON lines instead of everything else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/seq.h"
#include "server/server.h"

static const char *drop_names[DROP_MAX] = {
        [DROP_LINK] = "not IPv4",
        [DROP_TRUNC] = "truncated",
        [DROP_VERSION] = "bad IP version",
        [DROP_IHL] = "bad IPv4 header length",
        [DROP_IPLEN] = "bad IPv4 total length",
        [DROP_PROTO] = "not TCP",
        [DROP_FRAG] = "fragment",
        [DROP_HDRLEN] = "bad TCP data offset",
        [DROP_OPT] = "malformed TCP option",
        [DROP_IPSUM] = "bad IPv4 checksum",
        [DROP_TCPSUM] = "bad TCP checksum",
        [DROP_FLAGS] = "odd flags",
        [DROP_NOT_OURS] = "not for our address and port",
        [DROP_NO_CONN] = "no connection",
        [DROP_FULL] = "table full",
        [DROP_CONN] = "refused by the state machine",
        [DROP_INJECT] = "could not send",
};

const char *drop_name(enum drop_reason r)
{
	return (unsigned)r < DROP_MAX ? drop_names[r] : "?";
}

/* Whether the server's own lines go to standard output. */
static bool chatty(const struct server *sv)
{
	return !sv->quiet && !sv->json;
}

/*
 * Explains one segment with common/annot, under its tcpdump lines or as
 * a JSON line. The server knows who sent it: what it captured came from
 * a client, what it injected is its own.
 */
static void annotate(struct server *sv, const uint8_t *ip, size_t caplen,
                     int64_t sec, uint32_t usec, enum annot_role from)
{
	struct annot_in in;
	struct seg s;
	int n;

	if (seg_decode(&s, ip, caplen) != 0) {
		if (!sv->json)
			fputs("  | not explained: the segment is damaged or "
			      "cut short\n",
			      stdout);
		return;
	}
	memset(&in, 0, sizeof in);
	in.s = &s;
	in.sec = sec;
	in.usec = usec;
	in.from = from;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	if (annot_input(&sv->an, &in, &sv->ar) != 0)
		return;
	if (sv->json)
		n = annot_format_json(&sv->ar, NULL, sv->text, sizeof sv->text);
	else
		n = annot_format_text(&sv->ar, 0, sv->text, sizeof sv->text);
	if (n > 0)
		fwrite(sv->text, 1, (size_t)n, stdout);
}

static void print_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                         size_t wirelen, const char *prefix, int64_t sec,
                         uint32_t usec, bool ours)
{
	struct tcpdump_pkt p;

	memset(&p, 0, sizeof p);
	p.ts_sec = sec;
	p.ts_usec = usec;
	p.ip = ip;
	p.caplen = caplen;
	p.wirelen = wirelen;
	p.prefix = prefix;
	if (!sv->json &&
	    tcpdump_format(&sv->td, &p, sv->text, sizeof sv->text) > 0)
		fputs(sv->text, stdout);
	if (!sv->plain)
		annotate(sv, ip, caplen, sec, usec,
		         ours ? ANNOT_ROLE_SERVER : ANNOT_ROLE_CLIENT);
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

/* Prints what the journal holds, in order, and empties it. */
static void jn_replay(struct server *sv)
{
	struct journal *j = &sv->jn;
	const struct jrec *r;
	size_t i;

	for (i = 0; i < j->nrec; i++) {
		r = &j->rec[i];
		if (r->kind == JREC_TEXT)
			fwrite(j->buf + r->off, 1, r->len, stdout);
		else
			print_packet(sv, (const uint8_t *)j->buf + r->off,
			             r->len, r->wirelen, r->prefix, r->sec,
			             r->usec, r->ours);
	}
	j->nrec = 0;
	j->len = 0;
}

void trace_hold(struct server *sv)
{
	sv->jn.on = true;
}

void trace_release(struct server *sv)
{
	jn_replay(sv);
	sv->jn.on = false;
}

void trace_free(struct server *sv)
{
	free(sv->jn.rec);
	free(sv->jn.buf);
	memset(&sv->jn, 0, sizeof sv->jn);
}

/* Keeps a segment's bytes to print later; false when it cannot. */
static bool jn_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                      size_t wirelen, const char *prefix, int64_t sec,
                      uint32_t usec, bool ours)
{
	struct journal *j = &sv->jn;
	struct jrec *r;

	if (!jn_reserve(j, caplen) || (r = jn_add(j, JREC_PACKET)) == NULL)
		return false;
	memcpy(j->buf + j->len, ip, caplen);
	j->len += caplen;
	r->len = caplen;
	r->wirelen = wirelen;
	r->sec = sec;
	r->usec = usec;
	r->ours = ours;
	snprintf(r->prefix, sizeof r->prefix, "%s", prefix ? prefix : "");
	return true;
}

void trace_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                  size_t wirelen, const char *prefix, int64_t sec,
                  uint32_t usec, bool ours)
{
	if (sv->quiet)
		return;
	if (sv->jn.on &&
	    jn_packet(sv, ip, caplen, wirelen, prefix, sec, usec, ours))
		return;
	/* Not held back (or no memory to): what was held goes first. */
	jn_replay(sv);
	print_packet(sv, ip, caplen, wirelen, prefix, sec, usec, ours);
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
		jn_replay(sv);
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
	struct annot_summary sm;
	unsigned i, nc = annot_conn_count(&sv->an);
	int n;

	if (!sv->json)
		return;
	for (i = 1; i <= nc; i++) {
		if (annot_summary(&sv->an, i, &sm) != 0)
			continue;
		n = annot_format_summary_json(&sm, sv->text, sizeof sv->text);
		if (n > 0)
			fwrite(sv->text, 1, (size_t)n, stdout);
	}
	fflush(stdout);
}

void trace_notice(struct server *sv, const char *fmt, ...)
{
	va_list ap;

	if (chatty(sv)) {
		jn_printf(sv, "tcplab-server: ");
		va_start(ap, fmt);
		jn_vprintf(sv, fmt, ap);
		va_end(ap);
		jn_printf(sv, "\n");
		return;
	}
	/* Standard output's lines so far come before this one. */
	jn_replay(sv);
	fflush(stdout);
	fputs("tcplab-server: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "server", or "server #N" when several connections are open. */
static void who(struct server *sv, struct entry *e, char *buf, size_t cap)
{
	if (e != NULL && sv->tab.count > 1)
		snprintf(buf, cap, "server #%u", e->id);
	else
		snprintf(buf, cap, "server");
}

void trace_line(struct server *sv, struct entry *e, const char *fmt, ...)
{
	char w[32];
	va_list ap;

	if (!chatty(sv))
		return;
	who(sv, e, w, sizeof w);
	jn_printf(sv, "    %s: ", w);
	va_start(ap, fmt);
	jn_vprintf(sv, fmt, ap);
	va_end(ap);
	jn_printf(sv, "\n");
}

void trace_events(struct server *sv, struct entry *e,
                  const struct conn_out *out)
{
	const struct conn_event *ev;
	unsigned i;

	for (i = 0; i < out->nev && chatty(sv); i++) {
		ev = &out->ev[i];
		switch (ev->kind) {
		case CONN_EV_STATE:
			trace_line(sv, e, "%s -> %s", tcp_state_name(ev->from),
			           tcp_state_name(ev->to));
			break;
		case CONN_EV_DROP:
			trace_line(sv, e, "dropped: %s", ev->reason);
			break;
		case CONN_EV_RESET:
			trace_line(sv, e, "reset: %s", ev->reason);
			break;
		case CONN_EV_RETRANSMIT:
			trace_line(sv, e, "retransmission: %s", ev->reason);
			break;
		case CONN_EV_TIMEOUT:
			trace_line(sv, e, "timeout: %s", ev->reason);
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
		trace_line(sv, e, "http: %d (%s), closing", info->status,
		           info->reason);
		return;
	}
	if (!info->visitor) {
		trace_line(sv, e, "http: %s %s -> %d", info->method, info->path,
		           info->status);
		return;
	}
	escape(info->name, info->name_len, name, sizeof name);
	trace_line(sv, e, "http: %s %s -> %d, visitor: %s", info->method,
	           info->path, info->status, name);
}

/* "seq X = ..." for a segment we are about to send. */
static void step_seq(const struct conn *c, const struct seg *s)
{
	uint32_t off = s->seq - c->iss;
	bool fin_before = c->fin_sent && seq_gt(s->seq, c->fin_seq);

	if (c->state == TCP_LISTEN || c->state == TCP_CLOSED) {
		printf("    seq %u = the ack of the segment it answers\n",
		       s->seq);
		return;
	}
	if (s->flags & TH_SYN) {
		printf("    seq %u = our ISN, chosen at random\n", s->seq);
		return;
	}
	printf("    seq %u = our ISN %u + 1 (SYN) + %u bytes sent%s\n", s->seq,
	       c->iss, off - 1 - (fin_before ? 1 : 0),
	       fin_before ? " + 1 (FIN)" : "");
}

/* "ack Y = ..." for a segment we are about to send. */
static void step_ack(const struct conn *c, const struct seg *s)
{
	uint32_t off = s->ack - c->irs;
	bool fin = c->state == TCP_CLOSE_WAIT || c->state == TCP_LAST_ACK ||
	           c->state == TCP_CLOSING || c->state == TCP_TIME_WAIT;

	if (!(s->flags & TH_ACK) || c->state == TCP_LISTEN ||
	    c->state == TCP_CLOSED)
		return;
	if (s->flags & TH_SYN) {
		printf("    ack %u = their seq %u + 1 (SYN)\n", s->ack, c->irs);
		return;
	}
	printf("    ack %u = their ISN %u + 1 (SYN) + %u bytes received%s\n",
	       s->ack, c->irs, off - 1 - (fin ? 1 : 0),
	       fin ? " + 1 (FIN)" : "");
}

bool trace_step(struct server *sv, struct entry *e, const struct seg *s)
{
	const struct conn *c = e != NULL ? &e->c : &sv->scratch;
	struct tcpdump_flags fl = {.v = 1, .n = 2, .S = true, .t = 1};
	struct tcpdump_ctx ctx;
	struct tcpdump_pkt p;
	uint8_t buf[2048];
	char line[64];
	uint64_t asked;
	bool got;
	int n;

	n = seg_encode(s, buf, sizeof buf);
	if (n <= 0)
		return true;
	/* What happened before this segment is shown before it. */
	jn_replay(sv);
	memset(&p, 0, sizeof p);
	p.ip = buf;
	p.caplen = (size_t)n;
	tcpdump_ctx_init(&ctx, &fl, NULL);
	printf("step: the server will send\n");
	if (tcpdump_format(&ctx, &p, sv->text, sizeof sv->text) > 0)
		fputs(sv->text, stdout);
	tcpdump_ctx_free(&ctx);
	step_seq(c, s);
	step_ack(c, s);
	if (s->payload_len > 0)
		printf("    %zu bytes of data: seq %u:%u\n", s->payload_len,
		       s->seq, s->seq + (uint32_t)s->payload_len);
	printf("step: Enter sends it, q aborts: ");
	fflush(stdout);
	asked = server_now();
	got = sv->tty != NULL && fgets(line, sizeof line, sv->tty) != NULL;
	/* The student's reading time is not the connections'. */
	server_clock_pause(server_now() - asked);
	if (!got || line[0] == 'q') {
		printf("\nstep: aborted\n");
		return false;
	}
	return true;
}

void trace_summary(struct server *sv, FILE *f)
{
	const struct stats *st = &sv->st;
	unsigned i, any = 0;

	if (f != stdout)
		fflush(stdout);
	fprintf(f,
	        "tcplab-server: %llu connections (%llu closed, %llu reset, "
	        "%llu evicted, %zu open), %llu segments in, %llu out, "
	        "%llu visitors\n",
	        (unsigned long long)st->conns, (unsigned long long)st->closed,
	        (unsigned long long)st->resets, (unsigned long long)st->evicted,
	        sv->tab.count, (unsigned long long)st->seg_in,
	        (unsigned long long)st->seg_out,
	        (unsigned long long)st->visitors);
	fprintf(f, "tcplab-server: dropped:");
	for (i = 0; i < DROP_MAX; i++) {
		if (st->drops[i] == 0)
			continue;
		fprintf(f, "%s %llu %s", any ? "," : "",
		        (unsigned long long)st->drops[i], drop_names[i]);
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : " none");
	fprintf(f,
	        "tcplab-server: %llu frames captured, %u dropped by the "
	        "kernel, %llu with offloaded checksums\n",
	        (unsigned long long)st->frames,
	        sv->cap != NULL ? capture_drops(sv->cap) : 0,
	        (unsigned long long)st->offloaded);
	fflush(f);
}
