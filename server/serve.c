/*
 * serve.c: one captured frame through tcplab-server.
 *
 * A frame is decoded (link, IPv4, TCP), checked (checksums, flags,
 * address), and handed to its connection's state machine; a SYN makes a
 * new connection. In-order data goes to the HTTP endpoint, whose
 * responses queue until the state machine takes them. What the state
 * machine answers is injected at the link layer to the MAC address the
 * frame came from. Closing follows --close. Printing is trace.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

#include "common/err.h"
#include "common/io/i18n.h"
#include "common/link.h"
#include "common/seg.h"
#include "server/server.h"

/* The largest queue of responses one connection may hold. */
#define OUTQ_MAX (256 * 1024)

static void count_drop(struct server *sv, struct entry *e, enum drop_reason r)
{
	sv->st.drops[r]++;
	trace_line(sv, e, _("dropped: %s"), drop_name(r));
}

static enum drop_reason decode_reason(int err)
{
	switch (err) {
	case TCPLAB_ETRUNC:
		return DROP_TRUNC;
	case TCPLAB_EVERSION:
		return DROP_VERSION;
	case TCPLAB_EIHL:
		return DROP_IHL;
	case TCPLAB_EIPLEN:
		return DROP_IPLEN;
	case TCPLAB_EPROTO:
		return DROP_PROTO;
	case TCPLAB_EFRAG:
		return DROP_FRAG;
	case TCPLAB_EHDRLEN:
		return DROP_HDRLEN;
	default:
		return DROP_OPT;
	}
}

/*
 * The TCP checksum a sender leaves for the device to finish (checksum
 * offload): the folded sum of the pseudo-header alone, not complemented.
 * Linux's own segments cross a veth pair in that state, and are accepted
 * by the receiving kernel as they are, so the server accepts them too.
 */
static uint16_t offload_sum(const struct seg *s, size_t tcplen)
{
	uint8_t ph[40];
	uint32_t sum;

	if (s->ip_v == 6) {
		/* The same over IPv6's pseudo-header (RFC 8200, 8.1). */
		memcpy(ph, s->saddr6, 16);
		memcpy(ph + 16, s->daddr6, 16);
		memset(ph + 32, 0, 8);
		ph[34] = (uint8_t)(tcplen >> 8);
		ph[35] = (uint8_t)tcplen;
		ph[39] = 6;
		sum = inet_cksum_add(0, ph, 40);
		return (uint16_t)~inet_cksum_finish(sum);
	}
	ph[0] = (uint8_t)(s->saddr >> 24);
	ph[1] = (uint8_t)(s->saddr >> 16);
	ph[2] = (uint8_t)(s->saddr >> 8);
	ph[3] = (uint8_t)s->saddr;
	ph[4] = (uint8_t)(s->daddr >> 24);
	ph[5] = (uint8_t)(s->daddr >> 16);
	ph[6] = (uint8_t)(s->daddr >> 8);
	ph[7] = (uint8_t)s->daddr;
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (uint8_t)(tcplen >> 8);
	ph[11] = (uint8_t)tcplen;
	sum = inet_cksum_add(0, ph, 12);
	return (uint16_t)~inet_cksum_finish(sum);
}

/* The checksums of a decoded segment (IPv6 has none of its own); ip
 * points at its IP header. */
static bool checksums_ok(struct server *sv, const struct seg *s,
                         const uint8_t *ip, struct entry *e)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t tcplen = s->ip_len - ihl;
	const uint8_t *tcp = ip + ihl;

	if (s->ip_v == 6) {
		/* After any extension headers: the TCP header ends where
		 * the payload starts. */
		tcplen = SEG_TCP_HDR_MIN + s->opt_len + s->payload_len;
		tcp = s->payload - SEG_TCP_HDR_MIN - s->opt_len;
		if (tcp_cksum6(s->saddr6, s->daddr6, tcp, tcplen) == s->sum)
			return true;
	} else if (ip_cksum(ip, ihl) != s->ip_sum) {
		count_drop(sv, e, DROP_IPSUM);
		return false;
	} else if (tcp_cksum4(s->saddr, s->daddr, tcp, tcplen) == s->sum) {
		return true;
	}
	if (s->sum == offload_sum(s, tcplen)) {
		sv->st.offloaded++;
		return true;
	}
	count_drop(sv, e, DROP_TCPSUM);
	return false;
}

/* SYN with FIN or RST, or none of SYN, ACK and RST: no TCP sends these. */
static bool odd_flags(uint16_t f)
{
	if ((f & TH_SYN) && (f & (TH_FIN | TH_RST)))
		return true;
	return (f & (TH_SYN | TH_ACK | TH_RST)) == 0;
}

/* --step: the student's time at the prompt is not the connections'. The
 * lab clock stands still meanwhile, at both ends with --lab-clock. */
static bool step_gate(struct server *sv, struct entry *e, const struct seg *s,
                      const struct annot_path *own_path)
{
	bool go;

	labclock_pause(sv->clock);
	go = trace_step(sv, e, s, own_path);
	labclock_resume(sv->clock);
	return go;
}

/* Injects the segments in out, through the step gate if asked; path
 * gives the server's states across the first (NULL: none). */
static void send_segs(struct server *sv, struct entry *e, const uint8_t *mac,
                      const struct conn_out *out, const struct annot_path *path)
{
	char err[256];
	size_t flen = 0;
	struct timeval tv;
	unsigned i;

	for (i = 0; i < out->nseg && !sv->stop; i++) {
		const struct seg *s = &out->seg[i];
		const struct annot_path *p = i == 0 ? path : NULL;
		struct annot_cc cc;

		if (sv->step && !step_gate(sv, e, s, p)) {
			sv->stop = 1;
			return;
		}
		if (loss_next(&sv->loss)) {
			sv->st.drops[DROP_LOSS]++;
			trace_line(
			        sv, e,
			        _("lost on purpose (--loss): the segment with "
			          "seq %u, %u bytes, is not sent"),
			        s->seq, (unsigned)s->payload_len);
			continue;
		}
		/* The time is read before sending: the answer to this
		 * segment may be captured before inject_seg() returns. */
		gettimeofday(&tv, NULL);
		if (inject_seg(sv->inj, s, mac, sv->frame, sizeof sv->frame,
		               &flen, err, sizeof err) != 0) {
			sv->st.drops[DROP_INJECT]++;
			trace_line(sv, e, _("not sent: %s"), err);
			continue;
		}
		sv->st.seg_out++;
		if (e != NULL)
			e->nsent++;
		capture_dump_write(sv->dump, sv->frame, flen, tv.tv_sec,
		                   (uint32_t)tv.tv_usec);
		if (e != NULL)
			annot_cc_from_conn(&cc, &e->c, out, sv->nxt_before,
			                   i + 1,
			                   p != NULL ? &sv->cc_before : NULL);
		if (flen > 14)
			trace_packet(sv, sv->frame + 14, flen - 14, 0, "",
			             tv.tv_sec, (uint32_t)tv.tv_usec, true, p,
			             e != NULL ? &cc : NULL);
	}
}

/* Counts what the state machine reports, for the summary. */
static void count_events(struct server *sv, const struct conn_out *out)
{
	unsigned i;

	for (i = 0; i < out->nev; i++) {
		if (out->ev[i].kind == CONN_EV_DROP)
			sv->st.drops[DROP_CONN]++;
		else if (out->ev[i].kind == CONN_EV_RESET)
			sv->st.resets++;
	}
}

/* Before any call on e's conn that may send: the seed profile's TS
 * values follow a script, one value per segment sent; and the sender's
 * numbers before the call, for the trace. */
static void ts_script(struct server *sv, struct entry *e, uint64_t now)
{
	profile_ts_apply(&sv->prof.server, &e->c, e->nsent, now);
	conn_cc_info(&e->c, &sv->cc_before);
	sv->nxt_before = e->c.snd_nxt;
}

/* After a call on e's conn that took no segment (a timer, the
 * application's send, close or abort), made in state before. */
static void handle_out(struct server *sv, struct entry *e,
                       enum tcp_state before, const struct conn_out *out)
{
	struct annot_path p;

	annot_path_from_events(&p, before, out);
	count_events(sv, out);
	trace_events(sv, e, out, out->nseg > 0);
	send_segs(sv, e, e->peer_mac, out, &p);
}

static bool queue_response(struct entry *e, const char *p, size_t n)
{
	if (e->outq_len + n > e->outq_cap) {
		size_t cap = e->outq_cap ? e->outq_cap : 4096;
		uint8_t *q;
		while (cap < e->outq_len + n)
			cap *= 2;
		if (cap > OUTQ_MAX)
			return false;
		q = realloc(e->outq, cap);
		if (q == NULL)
			return false;
		e->outq = q;
		e->outq_cap = cap;
	}
	memcpy(e->outq + e->outq_len, p, n);
	e->outq_len += n;
	return true;
}

/* The Date header's value, formatted once a second; the seed profile's
 * is fixed. */
static const char *date_now(struct server *sv)
{
	time_t t;

	if (sv->prof.date != NULL)
		return sv->prof.date;
	t = time(NULL);
	if (t != sv->date_sec) {
		httpd_date(t, sv->date, sizeof sv->date);
		sv->date_sec = t;
	}
	return sv->date;
}

/* Feeds in-order data to the endpoint and queues its answers. */
static void take_data(struct server *sv, struct entry *e, const uint8_t *p,
                      size_t n, uint64_t now)
{
	struct httpd_info info;
	bool answered = false;
	size_t k;
	int len;

	/* The parser and its 8 KB buffer exist while a request is read. */
	if (e->http == NULL) {
		e->http = malloc(sizeof *e->http);
		if (e->http == NULL) {
			e->want_close = true;
			return;
		}
		httpd_init(e->http, sv->close_mode == CLOSE_SERVER_FIRST);
		e->http->keepalive_s = sv->keepalive_s;
	}
	do {
		k = httpd_feed(e->http, p, n);
		p += k;
		n -= k;
		while ((len = httpd_next(e->http, date_now(sv), sv->resp,
		                         sizeof sv->resp, &info)) > 0) {
			answered = true;
			if (info.visitor)
				sv->st.visitors++;
			trace_visitor(sv, e, &info);
			if (!queue_response(e, sv->resp, (size_t)len))
				e->want_close = true;
			e->body_left = info.body_gen;
			e->body_off = 0;
			if (info.close)
				e->want_close = true;
		}
	} while (n > 0 && k > 0);
	/* --header-timeout counts from the first byte of a head: of this
	 * segment's when it started one, or ended the one before. */
	if (!httpd_partial(e->http))
		e->head_at = 0;
	else if (answered || e->head_at == 0)
		e->head_at = now;
	/* Nothing held: httpd_init() would make the same parser again. */
	if (e->http->len == 0 && e->http->skip == 0 && !e->http->done) {
		free(e->http);
		e->http = NULL;
	}
}

/* Refills an empty outq with the next part of a generated body: as much
 * as the conn's send buffer holds, so that a body of any size costs the
 * server that much memory and no more. */
static void body_refill(struct entry *e)
{
	size_t n;

	if (e->outq_len > 0 || e->body_left == 0)
		return;
	n = e->body_left < CONN_SNDBUF_SIZE ? (size_t)e->body_left
	                                    : CONN_SNDBUF_SIZE;
	if (e->outq_cap < n) {
		uint8_t *q = realloc(e->outq, CONN_SNDBUF_SIZE);

		if (q == NULL) {
			e->body_left = 0;
			e->want_close = true;
			return;
		}
		e->outq = q;
		e->outq_cap = CONN_SNDBUF_SIZE;
	}
	httpd_body_fill(e->body_off, e->outq, n);
	e->outq_len = n;
	e->body_off += n;
	e->body_left -= n;
}

/* Hands queued response bytes to the state machine, then closes if due. */
static void pump(struct server *sv, struct entry *e, uint64_t now)
{
	int n;

	body_refill(e);
	while (e->outq_len > 0 && !sv->stop) {
		enum tcp_state before = e->c.state;

		ts_script(sv, e, now);
		n = conn_send(&e->c, e->outq, e->outq_len, now, &sv->out);
		if (n < 0) {
			e->outq_len = 0;
			break;
		}
		handle_out(sv, e, before, &sv->out);
		memmove(e->outq, e->outq + n, e->outq_len - (size_t)n);
		e->outq_len -= (size_t)n;
		if (n == 0)
			break;
		body_refill(e);
	}
	if (e->outq_len == 0 && e->outq != NULL) {
		free(e->outq);
		e->outq = NULL;
		e->outq_cap = 0;
	}
	if (e->want_close && e->outq_len == 0 && e->body_left == 0 &&
	    !sv->stop) {
		enum tcp_state before = e->c.state;

		e->want_close = false;
		ts_script(sv, e, now);
		if (conn_close(&e->c, now, &sv->out) == 0)
			handle_out(sv, e, before, &sv->out);
	}
}

/* The peer has closed its side: answer as --close says. */
static void peer_closed(struct server *sv, struct entry *e, uint64_t now)
{
	switch (sv->close_mode) {
	case CLOSE_FOUR_WAY:
		/* The ACK went at once; our FIN waits, in CLOSE-WAIT. */
		e->close_at = now + sv->close_delay_us;
		break;
	case CLOSE_RST: {
		enum tcp_state before = e->c.state;

		ts_script(sv, e, now);
		conn_abort(&e->c, now, &sv->out);
		handle_out(sv, e, before, &sv->out);
		break;
	}
	default:
		/* Our FIN carries the delayed ACK of theirs: "F.". */
		e->want_close = true;
		break;
	}
}

/*
 * When the server gives up waiting on the client of an open connection:
 * --header-timeout after the first byte of an incomplete request head,
 * else --keepalive-timeout after data last came, went or was
 * acknowledged. UINT64_MAX once the server has closed its side.
 */
static uint64_t http_due(const struct server *sv, const struct entry *e)
{
	/* In CLOSE-WAIT the server closes as soon as its responses are
	 * taken, or after --close-delay (close_at). */
	if (e->c.state != TCP_ESTABLISHED &&
	    (e->c.state != TCP_CLOSE_WAIT || e->close_at != 0))
		return UINT64_MAX;
	if (e->head_at != 0)
		return e->head_at + (uint64_t)sv->header_s * 1000000u;
	return e->active_at + (uint64_t)sv->keepalive_s * 1000000u;
}

/* Whether the server has closed its side and the close goes on. */
static bool closing(const struct entry *e)
{
	switch (e->c.state) {
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* When a close the server began must have finished: it waits as long
 * for the client to close as for its next request (60 s by default, as
 * Linux's tcp_fin_timeout for FIN-WAIT-2). */
static uint64_t fin_due(const struct server *sv, const struct entry *e)
{
	if (!closing(e))
		return UINT64_MAX;
	return e->fin_at + (uint64_t)sv->keepalive_s * 1000000u;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The entry's next deadline: its conn's timers, our delayed FIN, or one
 * of the server's timeouts. */
static uint64_t entry_due(const struct server *sv, const struct entry *e)
{
	uint64_t t = conn_next_timer(&e->c);

	if (e->close_at != 0)
		t = earliest(t, e->close_at);
	return earliest(t, earliest(http_due(sv, e), fin_due(sv, e)));
}

/* The times the timeouts count from, and whether e is idle: established,
 * and waiting for the next request with nothing under way. */
static void note_times(struct entry *e, uint64_t now)
{
	enum tcp_state st = e->c.state;

	if ((st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT) &&
	    e->active_at == 0)
		e->active_at = now;
	if (closing(e) && e->fin_at == 0)
		e->fin_at = now;
	e->idle = st == TCP_ESTABLISHED && !e->want_close && !e->peer_fin &&
	          e->http == NULL && e->outq_len == 0 && e->c.snd_buf_len == 0;
}

/* Forgets a connection that has reached CLOSED; else files it again in
 * the eviction lists and the timer heap. */
static void finish(struct server *sv, struct entry *e, uint64_t now)
{
	if (e->c.state != TCP_CLOSED) {
		note_times(e, now);
		table_update(&sv->tab, e);
		table_schedule(&sv->tab, e, entry_due(sv, e));
		return;
	}
	sv->st.closed++;
	trace_forget(sv, e);
	table_remove(&sv->tab, e);
}

/* After conn_input: events, data, our segments, then the application. */
static void after_input(struct server *sv, struct entry *e, uint64_t now)
{
	struct conn_out *out = &sv->out;
	bool fin = false;
	unsigned i;

	count_events(sv, out);
	trace_events(sv, e, out, true);
	for (i = 0; i < out->nev; i++) {
		if (out->ev[i].kind == CONN_EV_PEER_FIN)
			fin = true;
		/* The client is taking the responses: not idle. */
		if (out->ev[i].kind == CONN_EV_ACKED)
			e->active_at = now;
	}
	if (out->data_len > 0) {
		e->active_at = now;
		take_data(sv, e, out->data, out->data_len, now);
	}
	send_segs(sv, e, e->peer_mac, out, NULL);
	if (fin && !e->peer_fin) {
		e->peer_fin = true;
		peer_closed(sv, e, now);
	}
	pump(sv, e, now);
}

/*
 * A random word from a pool of RND_POOL, refilled by one getrandom() when
 * it is empty (256 bytes: getrandom() gives that much at once), so that a
 * SYN's three draws rarely cost a system call.
 */
static uint32_t random32(struct server *sv)
{
	ssize_t n;
	size_t i;

	if (sv->nrnd == 0) {
		n = getrandom(sv->rnd, sizeof sv->rnd, 0);
		if (n != (ssize_t)sizeof sv->rnd) {
			/* Not expected: a weak fallback rather than none. */
			for (i = 0; i < RND_POOL; i++)
				sv->rnd[i] ^= (uint32_t)(time(NULL) + i) *
				              2654435761u;
		}
		sv->nrnd = RND_POOL;
	}
	return sv->rnd[--sv->nrnd];
}

void seed_elsewhere(struct server *sv)
{
	if (sv->addrs_said)
		return;
	sv->addrs_said = true;
	trace_notice(sv, "%s",
	             _("the seed profile's exchange had 192.168.101.25.57290 "
	               "-> 192.168.101.5.8080: on other addresses or ports, "
	               "the addresses and checksums will differ from the "
	               "article"));
}

/* Resets e's connection, as RFC 9293's ABORT does: the client is told. */
static void reset(struct server *sv, struct entry *e, uint64_t now)
{
	enum tcp_state before = e->c.state;

	ts_script(sv, e, now);
	if (conn_abort(&e->c, now, &sv->out) == 0)
		handle_out(sv, e, before, &sv->out);
}

/* Makes room for a new connection (see table.h for the choice). */
static void evict(struct server *sv, struct entry *v, uint64_t now)
{
	enum tcp_state st = v->c.state;
	uint64_t idle_s = (now - v->active_at) / 1000000;
	char w[96];

	if (v->idle)
		trace_line(sv, v,
		           _("evicted in %s, idle for %llu s: the table "
		             "is full"),
		           annot_state_words(&i18n_tr, st, w, sizeof w),
		           (unsigned long long)idle_s);
	else
		trace_line(sv, v, _("evicted in %s: the table is full"),
		           annot_state_words(&i18n_tr, st, w, sizeof w));
	/* A half-open connection, or one in TIME-WAIT, is forgotten
	 * silently; a client that may still send is reset. */
	if (st != TCP_LISTEN && st != TCP_SYN_RECEIVED && st != TCP_TIME_WAIT)
		reset(sv, v, now);
	sv->st.evicted++;
	trace_forget(sv, v);
	table_remove(&sv->tab, v);
}

/* A new connection for a SYN; makes room when the table is full. */
static struct entry *new_conn(struct server *sv, const struct seg *s,
                              uint64_t now)
{
	struct ipaddr src = seg_src(s);
	struct entry *e, *victim;
	struct profile_side side = sv->prof.server;
	struct profile_random r;

	e = table_add(&sv->tab, &src, s->sport, &victim);
	if (e == NULL && victim != NULL) {
		evict(sv, victim, now);
		e = table_add(&sv->tab, &src, s->sport, &victim);
	}
	if (e == NULL)
		return NULL;
	if (sv->prof.id == PROFILE_SEED &&
	    (s->ip_v != 4 || s->saddr != sv->prof.client_addr ||
	     s->sport != sv->prof.client.port))
		seed_elsewhere(sv);
	/* Live: a random ISN, TS offset and first IP id, like Linux. Seed:
	 * the article's, and its TS script starts now. */
	side.cfg = sv->cfg;
	r.iss = random32(sv);
	r.ts_offset = random32(sv);
	r.ip_id = (uint16_t)random32(sv);
	profile_randomize(&side, &r);
	side.cfg.ts_offset = profile_ts_offset(&side, now);
	conn_listen_at(&e->c, &side.cfg, &sv->addr, sv->port);
	sv->st.conns++;
	return e;
}

/* A segment for no connection: RFC 9293 as a listener answers it. */
static void no_conn(struct server *sv, const struct seg *s, const uint8_t *mac,
                    uint64_t now)
{
	struct annot_path p;

	sv->st.drops[DROP_NO_CONN]++;
	conn_listen_at(&sv->scratch, &sv->cfg, &sv->addr, sv->port);
	conn_input(&sv->scratch, s, now, &sv->out);
	annot_path_from_events(&p, TCP_LISTEN, &sv->out);
	trace_own_path(sv, &p, NULL);
	trace_line(sv, NULL, "%s", _("no connection for this segment"));
	trace_events(sv, NULL, &sv->out, true);
	send_segs(sv, NULL, mac, &sv->out, NULL);
}

/* Checks a decoded segment; false when it is dropped. */
static bool acceptable(struct server *sv, const struct seg *s,
                       const uint8_t *ip)
{
	if (!checksums_ok(sv, s, ip, NULL))
		return false;
	if (odd_flags(s->flags)) {
		count_drop(sv, NULL, DROP_FLAGS);
		return false;
	}
	struct ipaddr dst = seg_dst(s);

	if (!ipaddr_eq(&dst, &sv->addr) || s->dport != sv->port) {
		count_drop(sv, NULL, DROP_NOT_OURS);
		return false;
	}
	return true;
}

/* Did conn end TIME-WAIT for a newer SYN (CONN_EV_REOPEN)? */
static bool reopens(const struct conn_out *out)
{
	unsigned i;

	for (i = 0; i < out->nev; i++)
		if (out->ev[i].kind == CONN_EV_REOPEN)
			return true;
	return false;
}

/* A segment to its entry's conn, and what follows. True when conn ended
 * TIME-WAIT for a newer SYN: the entry is gone, the SYN is for a new one. */
static bool deliver(struct server *sv, struct entry *e, const struct seg *s,
                    const uint8_t *mac, uint64_t now)
{
	struct annot_path p;
	struct annot_cc cc;
	enum tcp_state before = e->c.state;
	bool reopen;

	memcpy(e->peer_mac, mac, 6);
	ts_script(sv, e, now);
	profile_on_input(&sv->prof.server, &e->c, s);
	conn_input(&e->c, s, now, &sv->out);
	annot_path_from_events(&p, before, &sv->out);
	annot_cc_from_conn(&cc, &e->c, &sv->out, sv->nxt_before, 0,
	                   &sv->cc_before);
	trace_own_path(sv, &p, &cc);
	reopen = reopens(&sv->out);
	if (reopen)
		trace_line(sv, e, "%s",
		           _("a newer SYN ends TIME-WAIT: the 4-tuple opens "
		             "again"));
	after_input(sv, e, now);
	finish(sv, e, now);
	return reopen;
}

/* The segment, decoded and checked, to its connection; a SYN of no
 * connection, or one that ends TIME-WAIT (RFC 6191), to a new one. */
static void dispatch(struct server *sv, const struct seg *s, const uint8_t *mac)
{
	uint64_t now = server_now();
	struct ipaddr src = seg_src(s);
	struct entry *e = table_find(&sv->tab, &src, s->sport);

	sv->st.seg_in++;
	if (e != NULL) {
		if (!deliver(sv, e, s, mac, now))
			return;
		sv->st.reopened++;
	} else if ((s->flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN) {
		no_conn(sv, s, mac, now);
		return;
	}
	e = new_conn(sv, s, now);
	if (e == NULL) {
		count_drop(sv, NULL, DROP_FULL);
		return;
	}
	deliver(sv, e, s, mac, now);
}

void serve_frame(struct server *sv, const struct capture_frame *f)
{
	static const uint8_t zero_mac[6];
	struct link_frame lf;
	const uint8_t *ip;
	struct seg s;
	size_t len;
	int rc;

	sv->st.frames++;
	capture_dump_write(sv->dump, f->data, f->caplen, f->sec, f->usec);
	if (link_decode(sv->linktype, f->data, f->caplen, &lf) != 0 ||
	    (lf.proto != LINK_P_IPV4 && lf.proto != LINK_P_IPV6)) {
		sv->st.drops[DROP_LINK]++;
		return;
	}
	ip = f->data + lf.offset;
	len = f->caplen - lf.offset;
	trace_packet(sv, ip, len, f->len - lf.offset, lf.prefix, f->sec,
	             f->usec, false, NULL, NULL);
	rc = seg_decode(&s, ip, len);
	if (rc != 0) {
		count_drop(sv, NULL, decode_reason(rc));
		return;
	}
	if (!acceptable(sv, &s, ip))
		return;
	if (loss_next(&sv->loss)) {
		count_drop(sv, NULL, DROP_LOSS);
		return;
	}
	/* Answer to the frame's source address (Ethernet bytes 6..11). */
	dispatch(sv, &s, sv->linktype == LINK_EN10MB ? f->data + 6 : zero_mac);
}

/* Creation order, as the entries are listed in the table. */
static int by_id(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* --header-timeout: a 408 says why, then the connection closes. */
static void head_timeout(struct server *sv, struct entry *e, uint64_t now)
{
	struct httpd_info info;
	int len;

	trace_line(sv, e,
	           _("http: 408: the request head is not complete %u s "
	             "after its first byte (--header-timeout), closing"),
	           sv->header_s);
	sv->st.head_timeouts++;
	/* The 408 has --keepalive-timeout to be taken. */
	e->head_at = 0;
	e->active_at = now;
	len = httpd_timeout(e->http, date_now(sv), sv->resp, sizeof sv->resp,
	                    &info);
	if (len > 0)
		queue_response(e, sv->resp, (size_t)len);
	e->want_close = true;
}

/* --keepalive-timeout: our FIN, after what the conn holds already. */
static void idle_timeout(struct server *sv, struct entry *e)
{
	if (e->idle)
		trace_line(sv, e,
		           _("closing: idle for %u s (--keepalive-timeout)"),
		           sv->keepalive_s);
	else
		trace_line(sv, e,
		           _("closing: no progress for %u s "
		             "(--keepalive-timeout)"),
		           sv->keepalive_s);
	sv->st.idle_timeouts++;
	/* Responses the client has left for that long are not sent. */
	e->outq_len = 0;
	e->body_left = 0;
	e->want_close = true;
}

/* Runs the timers of one entry that is due. */
static void run_due(struct server *sv, struct entry *e, uint64_t now)
{
	if (conn_next_timer(&e->c) <= now) {
		enum tcp_state before = e->c.state;

		ts_script(sv, e, now);
		conn_timer(&e->c, now, &sv->out);
		handle_out(sv, e, before, &sv->out);
	}
	if (e->close_at != 0 && now >= e->close_at) {
		e->close_at = 0;
		e->want_close = true;
	}
	if (http_due(sv, e) <= now) {
		/* A closing response the client does not take in time is
		 * given up, like an idle connection. */
		if (e->head_at != 0 && e->http != NULL && !e->want_close)
			head_timeout(sv, e, now);
		else
			idle_timeout(sv, e);
	}
	if (fin_due(sv, e) <= now) {
		trace_line(sv, e,
		           _("aborting: the close has not finished %u s after "
		             "our FIN (--keepalive-timeout)"),
		           sv->keepalive_s);
		sv->st.fin_timeouts++;
		reset(sv, e, now);
	}
	pump(sv, e, now);
}

/*
 * Only the entries whose deadline has come are visited: they leave the
 * heap, run in creation order (as a walk of the table would), and
 * finish() files them again under their next deadline.
 */
void serve_timers(struct server *sv, uint64_t now)
{
	struct entry *e;
	size_t i, n = 0;

	while ((e = table_pop_due(&sv->tab, now)) != NULL) {
		if (n == sv->ndue) {
			size_t cap = sv->ndue ? 2 * sv->ndue : 64;
			struct entry **d = realloc(sv->due, cap * sizeof *d);
			if (d == NULL) {
				/* Put it back: the next loop will do. */
				table_schedule(&sv->tab, e, e->due);
				break;
			}
			sv->due = d;
			sv->ndue = cap;
		}
		sv->due[n++] = e;
	}
	if (n > 1)
		qsort(sv->due, n, sizeof *sv->due, by_id);
	for (i = 0; i < n; i++) {
		e = sv->due[i];
		if (!sv->stop)
			run_due(sv, e, now);
		finish(sv, e, now);
	}
}

uint64_t serve_deadline(struct server *sv)
{
	return table_next_due(&sv->tab);
}
