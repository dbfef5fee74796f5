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
		n = annot_format_json(&sv->ar, sv->text, sizeof sv->text);
	else
		n = annot_format_text(&sv->ar, sv->text, sizeof sv->text);
	if (n > 0)
		fwrite(sv->text, 1, (size_t)n, stdout);
}

void trace_packet(struct server *sv, const uint8_t *ip, size_t caplen,
                  size_t wirelen, const char *prefix, int64_t sec,
                  uint32_t usec, bool ours)
{
	struct tcpdump_pkt p;

	if (sv->quiet)
		return;
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
	FILE *f = chatty(sv) ? stdout : stderr;
	va_list ap;

	fputs("tcplab-server: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
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
	printf("    %s: ", w);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
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
	int n;

	n = seg_encode(s, buf, sizeof buf);
	if (n <= 0)
		return true;
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
	if (sv->tty == NULL || fgets(line, sizeof line, sv->tty) == NULL ||
	    line[0] == 'q') {
		printf("\nstep: aborted\n");
		return false;
	}
	return true;
}

void trace_summary(struct server *sv, FILE *f)
{
	const struct stats *st = &sv->st;
	unsigned i, any = 0;

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
