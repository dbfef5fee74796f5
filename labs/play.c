/*
 * play.c: tcplab-play's setup and I/O: the two ends in their namespaces,
 * their applications, the wire, the clock (see play.h).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/io/capture.h"
#include "common/io/guard.h"
#include "common/io/i18n.h"
#include "common/io/inject.h"
#include "common/io/privdrop.h"
#include "common/io/term.h"
#include "common/link.h"
#include "common/profile.h"
#include "labs/play.h"

#define EXIT_OK   0
#define EXIT_FAIL 1
#define EXIT_USE  2
#define EXIT_ENV  3

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/* conn takes 0 for "unset": the clock starts at one second. */
uint64_t play_now(const struct play *p)
{
	uint64_t t = mono_us() - p->t_start - p->paused_us + 1000000u;

	if (p->pause_from != 0)
		t -= mono_us() - p->pause_from;
	return t;
}

void play_pause(struct play *p)
{
	if (p->pause_from == 0)
		p->pause_from = mono_us();
}

void play_resume(struct play *p)
{
	if (p->pause_from == 0)
		return;
	p->paused_us += mono_us() - p->pause_from;
	p->pause_from = 0;
}

void play_say(struct play *p, FILE *f, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)strlen(line);
	n = show_text(&p->sh, line, (size_t)n, p->text, p->text_cap);
	if (n > 0)
		fwrite(p->text, 1, (size_t)n, f);
	fflush(f);
}

/* ------------------------------------------------------------------ */
/* The namespaces. */

static int enter_ns(const char *name, char *err, size_t cap)
{
	char path[256];
	int fd, rc;

	snprintf(path, sizeof path, "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, cap,
		         _("no network namespace %s: run tcplab up first"),
		         name);
		return -1;
	}
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	if (rc != 0) {
		snprintf(err, cap,
		         _("cannot enter the network namespace %s (%s): run as "
		           "root"),
		         name, strerror(errno));
		return -1;
	}
	return 0;
}

static int if_mac(const char *ifname, uint8_t mac[6], char *err, size_t cap)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		snprintf(err, cap, _("no interface %s: %s"), ifname,
		         strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* A kernel end's socket, bound to its address and port, made in its
 * namespace (a socket stays in the namespace it was made in). */
static int kernel_socket(struct play_end *e, char *err, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t sl = io_sockaddr_of(&e->addr, e->port, &ss);
	int one = 1, fd;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            0);
	if (fd < 0) {
		snprintf(err, cap, _("cannot open a socket: %s"),
		         strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		snprintf(err, cap, _("cannot bind port %u: %s"),
		         (unsigned)e->port, strerror(errno));
		close(fd);
		return -1;
	}
	if (e->id == SCN_SERVER)
		e->lfd = fd;
	else
		e->fd = fd;
	return 0;
}

/* What the scenario asks of end d's application: reads, a window. */
static bool uses_reads(const struct scn *s, enum scn_end d)
{
	unsigned i;

	for (i = 0; i < s->nstep; i++)
		if ((s->step[i].kind == SCN_READ ||
		     s->step[i].kind == SCN_RCVBUF) &&
		    s->step[i].end == d)
			return true;
	return false;
}

/* 64-bit FNV-1a of a string and a salt: the numbers of --student. */
static uint64_t fnv(const char *a, const char *b, const char *c)
{
	const char *parts[3] = {a, b, c};
	uint64_t h = 1469598103934665603ull;
	unsigned i;

	for (i = 0; i < 3; i++) {
		const unsigned char *s = (const unsigned char *)parts[i];
		for (; s != NULL && *s; s++) {
			h ^= *s;
			h *= 1099511628211ull;
		}
		h ^= 0xff;
		h *= 1099511628211ull;
	}
	return h;
}

/* A random word, from getrandom() as the other programs draw theirs;
 * the clock only if the kernel has none to give. */
static uint32_t random32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint32_t)mono_us();
	return r;
}

/* The numbers of this run: ISNs and the client's port, from the
 * student's name and the lab, or random. */
static void choose_numbers(struct play *p)
{
	uint64_t h;

	if (p->student != NULL) {
		h = fnv(p->student, p->lab, "isn");
		p->e[SCN_CLIENT].iss = (uint32_t)h;
		p->e[SCN_SERVER].iss = (uint32_t)(h >> 32);
		h = fnv(p->student, p->lab, "port");
		if (p->e[SCN_CLIENT].port == 0)
			p->e[SCN_CLIENT].port = (uint16_t)(32768 + h % 28232);
	} else {
		p->e[SCN_CLIENT].iss = random32();
		p->e[SCN_SERVER].iss = random32();
		if (p->e[SCN_CLIENT].port == 0)
			p->e[SCN_CLIENT].port =
			        (uint16_t)(32768 + random32() % 28232);
	}
}

/* tcplab's end: Linux's live profile, as tcplab-client and -server. */
static void tcplab_cfg(struct play *p, struct play_end *e)
{
	struct profile prof;
	struct profile_random r;
	struct profile_side *side;

	profile_get("live", &prof);
	if (!ipaddr_is4(&e->addr))
		profile_ipv6(&prof);
	side = e->id == SCN_CLIENT ? &prof.client : &prof.server;
	r.iss = e->iss;
	r.ts_offset = random32();
	r.ip_id = (uint16_t)random32();
	profile_randomize(side, &r);
	e->cfg = side->cfg;
	e->cfg.iss = e->iss;
	e->cfg.time_wait_us = 2000000u;
	if (uses_reads(&p->scn, e->id)) {
		e->cfg.app_reads = true;
		e->cfg.rcv_wnd_max = 0;
	}
}

static int open_end(struct play *p, struct play_end *e, const char *filter,
                    char *err, size_t cap)
{
	if (enter_ns(p->ns[e->id], err, cap) != 0)
		return -1;
	if (if_mac(p->ifname, e->mac, err, cap) != 0)
		return -1;
	/* What arrives at this end, whoever plays it: the wire as the end
	 * sees it, taken when the end takes it. */
	e->cap = capture_open_ring(p->ifname, filter, 256, err, cap);
	if (e->cap == NULL)
		return -1;
	/* Every end may inject, a kernel end too (a crafted segment
	 * beside what its kernel sends). */
	e->inj = inject_open_link(p->ifname, err, cap);
	if (e->inj == NULL)
		return -1;
	if (e->player == SCN_KERNEL)
		return kernel_socket(e, err, cap);
	e->guard = guard_open_at(&e->addr, e->port, err, cap);
	if (e->guard < 0)
		return -1;
	if (e->player == SCN_TCPLAB)
		tcplab_cfg(p, e);
	return 0;
}

static int setup(struct play *p, char *err, size_t cap)
{
	char filter[160];
	int home, rc = 0;
	unsigned d;

	for (d = 0; d < 2; d++) {
		struct play_end *e = &p->e[d];
		const struct scn_host *h = &p->scn.host[d];
		e->id = (enum scn_end)d;
		e->player = h->player;
		e->addr = h->addr;
		e->port = h->port;
		e->guard = -1;
		e->lfd = -1;
		e->fd = -1;
	}
	choose_numbers(p);
	snprintf(filter, sizeof filter, "tcp port %u and tcp port %u",
	         (unsigned)p->e[SCN_SERVER].port,
	         (unsigned)p->e[SCN_CLIENT].port);
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	for (d = 0; d < 2 && rc == 0; d++)
		rc = open_end(p, &p->e[d], filter, err, cap);
	if (home >= 0) {
		setns(home, CLONE_NEWNET);
		close(home);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* tcplab's ends: a conn and its segments. */

static int send_seg(struct play *p, enum scn_end d, const struct seg *s)
{
	char err[256];

	if (inject_seg(p->e[d].inj, s, p->e[!d].mac, NULL, 0, NULL, err,
	               sizeof err) == 0)
		return 0;
	play_say(p, stderr, "tcplab-play: %s\n", err);
	return -1;
}

/* A call on a tcplab end's conn is over: its segments go out (or are
 * held back by the scenario), its data is read as the application says. */
static void conn_done(struct play *p, struct play_end *e)
{
	unsigned i;

	for (i = 0; i < e->co.nseg; i++) {
		int h = play_hold(p, e->id, &e->co.seg[i]);
		if (h == 0) {
			send_seg(p, e->id, &e->co.seg[i]);
			p->unseen[e->id]++;
		}
	}
	if (!e->cfg.app_reads)
		e->received += e->co.data_len;
}

static void app_read_tcplab(struct play *p, struct play_end *e)
{
	uint32_t n = e->c.rcv_unread;

	if (!e->cfg.app_reads || n == 0 || e->read == PLAY_READ_OFF)
		return;
	if (e->read == PLAY_READ_SOME && n > e->read_left)
		n = (uint32_t)e->read_left;
	if (n == 0)
		return;
	conn_consume(&e->c, n, play_now(p), &e->co);
	e->received += n;
	if (e->read == PLAY_READ_SOME)
		e->read_left -= n;
	conn_done(p, e);
}

static bool conn_can_send(const struct conn *c)
{
	return c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT;
}

static void app_write_tcplab(struct play *p, struct play_end *e)
{
	int n;

	if (e->app_off < e->app_len && conn_can_send(&e->c)) {
		n = conn_send(&e->c, e->app + e->app_off,
		              e->app_len - e->app_off, play_now(p), &e->co);
		if (n > 0)
			e->app_off += (size_t)n;
		conn_done(p, e);
	}
	if (e->close_pending && e->app_off == e->app_len &&
	    conn_can_send(&e->c)) {
		e->close_pending = false;
		conn_close(&e->c, play_now(p), &e->co);
		conn_done(p, e);
	}
}

/* ------------------------------------------------------------------ */
/* Kernel ends: a socket. */

static void app_kernel(struct play *p, struct play_end *e)
{
	uint8_t buf[65536];
	ssize_t n;
	size_t want;

	(void)p;
	if (e->listening && e->fd < 0) {
		e->fd = accept4(e->lfd, NULL, NULL,
		                SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (e->fd < 0)
			e->fd = -1;
	}
	if (e->fd < 0 || e->closed)
		return;
	while (e->app_off < e->app_len) {
		n = send(e->fd, e->app + e->app_off, e->app_len - e->app_off,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		e->app_off += (size_t)n;
	}
	while (e->read != PLAY_READ_OFF) {
		want = sizeof buf;
		if (e->read == PLAY_READ_SOME) {
			if (e->read_left == 0)
				break;
			if (want > e->read_left)
				want = (size_t)e->read_left;
		}
		n = recv(e->fd, buf, want, MSG_DONTWAIT);
		if (n == 0)
			e->eof = true;
		if (n <= 0)
			break;
		e->received += (uint64_t)n;
		if (e->read == PLAY_READ_SOME)
			e->read_left -= (uint64_t)n;
	}
	/* The close comes after what there was to read: Linux answers a
	 * close with unread data by a RST, not a FIN. */
	if (e->close_pending && e->app_off == e->app_len) {
		e->close_pending = false;
		e->closed = true;
		close(e->fd);
		e->fd = -1;
	}
}

/* ------------------------------------------------------------------ */
/* The wire. */

static bool seg_of(const struct play *p, const struct capture_frame *f,
                   struct seg *s, size_t *off)
{
	struct link_frame lf;

	if (link_decode(LINK_EN10MB, f->data, f->caplen, &lf) != 0)
		return false;
	if (lf.proto != LINK_P_IPV4 && lf.proto != LINK_P_IPV6)
		return false;
	if (seg_decode(s, f->data + lf.offset, f->caplen - lf.offset) != 0)
		return false;
	*off = lf.offset;
	(void)p;
	return true;
}

/* The sender of s, if s belongs to the connection. */
static int sender(const struct play *p, const struct seg *s)
{
	struct ipaddr a = seg_src(s), b = seg_dst(s);
	const struct play_end *c = &p->e[SCN_CLIENT], *v = &p->e[SCN_SERVER];

	if (ipaddr_eq(&a, &c->addr) && s->sport == c->port &&
	    ipaddr_eq(&b, &v->addr) && s->dport == v->port)
		return SCN_CLIENT;
	if (ipaddr_eq(&a, &v->addr) && s->sport == v->port &&
	    ipaddr_eq(&b, &c->addr) && s->dport == c->port)
		return SCN_SERVER;
	return -1;
}

static void to_conn(struct play *p, struct play_end *e, const struct seg *s)
{
	if (e->player != SCN_TCPLAB || !e->opened)
		return;
	conn_input(&e->c, s, play_now(p), &e->co);
	conn_done(p, e);
}

/* A frame taken from an end's capture, waiting for its turn. */
struct arrival {
	uint8_t data[1600];
	size_t caplen, len;
	int64_t sec;
	uint32_t usec;
	enum scn_end to;
};

#define ARRIVALS_MAX 256
static struct arrival arrivals[ARRIVALS_MAX];

static int by_time(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	/* the same microsecond: the server's capture was read first */
	return x < y ? -1 : x > y;
}

/*
 * The segments that reached either end, in the order they arrived (both
 * captures stamp with the same clock): each is seen (shown, matched
 * against the scenario) at the moment its receiver's TCP takes it, so
 * that what the walk has seen, the receiving end has had too.
 */
static void read_wire(struct play *p)
{
	struct capture_frame f;
	struct seg s;
	char err[256];
	size_t off;
	unsigned n = 0, i, r;

	for (r = 0; r < 2; r++) {
		while (n < ARRIVALS_MAX &&
		       capture_next(p->e[r].cap, &f, err, sizeof err) == 1) {
			struct arrival *a = &arrivals[n];
			if (f.caplen > sizeof a->data)
				continue;
			memcpy(a->data, f.data, f.caplen);
			a->caplen = f.caplen;
			a->len = f.len;
			a->sec = f.sec;
			a->usec = f.usec;
			a->to = (enum scn_end)r;
			n++;
		}
	}
	qsort(arrivals, n, sizeof arrivals[0], by_time);
	for (i = 0; i < n; i++) {
		struct capture_frame g = {arrivals[i].data, arrivals[i].caplen,
		                          arrivals[i].len, arrivals[i].sec,
		                          arrivals[i].usec};
		enum scn_end to = arrivals[i].to;
		if (!seg_of(p, &g, &s, &off) || sender(p, &s) != (int)!to)
			continue;
		play_seen_on_wire(p, (enum scn_end) !to, &s, g.data + off,
		                  g.caplen - off, g.len - off, g.sec, g.usec);
		to_conn(p, &p->e[to], &s);
	}
}

static void run_held(struct play *p)
{
	unsigned i;

	for (i = 0; i < PLAY_HELD_MAX; i++) {
		struct play_held *h = &p->held[i];
		if (!h->used || h->due_us > play_now(p))
			continue;
		h->used = false;
		send_seg(p,
		         sender(p, &h->s) == SCN_SERVER ? SCN_SERVER
		                                        : SCN_CLIENT,
		         &h->s);
	}
}

void play_pump(struct play *p, int ms)
{
	struct pollfd pfd[4];
	unsigned n = 0, d;
	uint64_t next = UINT64_MAX, t = play_now(p);

	pfd[n++] = (struct pollfd){capture_fd(p->e[SCN_SERVER].cap), POLLIN, 0};
	pfd[n++] = (struct pollfd){capture_fd(p->e[SCN_CLIENT].cap), POLLIN, 0};
	for (d = 0; d < 2; d++) {
		struct play_end *e = &p->e[d];
		/* A kernel end is polled only when its application reads:
		 * unread data, or the peer's FIN, would wake poll() at once,
		 * for ever. */
		if (e->player == SCN_KERNEL && e->fd >= 0 && !e->eof &&
		    (e->read == PLAY_READ_ALL ||
		     (e->read == PLAY_READ_SOME && e->read_left > 0)))
			pfd[n++] = (struct pollfd){e->fd, POLLIN, 0};
		if (e->player == SCN_TCPLAB && e->opened &&
		    conn_next_timer(&e->c) < next)
			next = conn_next_timer(&e->c);
	}
	for (d = 0; d < PLAY_HELD_MAX; d++)
		if (p->held[d].used && p->held[d].due_us < next)
			next = p->held[d].due_us;
	if (next != UINT64_MAX) {
		int due = next <= t ? 0 : (int)((next - t + 999) / 1000);
		if (due < ms)
			ms = due;
	}
	/* A kernel end that writes or listens is looked at often. */
	for (d = 0; d < 2; d++)
		if (p->e[d].player == SCN_KERNEL && ms > 20 &&
		    (p->e[d].app_off < p->e[d].app_len ||
		     (p->e[d].listening && p->e[d].fd < 0)))
			ms = 20;
	poll(pfd, n, ms);
	read_wire(p);
	run_held(p);
	for (d = 0; d < 2; d++) {
		struct play_end *e = &p->e[d];
		if (e->player == SCN_KERNEL) {
			app_kernel(p, e);
			continue;
		}
		if (e->player != SCN_TCPLAB || !e->opened)
			continue;
		if (conn_next_timer(&e->c) <= play_now(p)) {
			conn_timer(&e->c, play_now(p), &e->co);
			conn_done(p, e);
		}
		app_write_tcplab(p, e);
		app_read_tcplab(p, e);
	}
	read_wire(p);
}

/* ------------------------------------------------------------------ */
/* The applications' steps. */

static void queue_app(struct play_end *e, const uint8_t *data, size_t n)
{
	uint8_t *b = realloc(e->app, e->app_len + n);

	if (b == NULL)
		return;
	e->app = b;
	memcpy(b + e->app_len, data, n);
	e->app_len += n;
}

static int kernel_open(struct play *p, struct play_end *e, bool active)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	/* The bound socket listens or connects, whichever comes. */
	if (!active && e->lfd < 0) {
		e->lfd = e->fd;
		e->fd = -1;
	} else if (active && e->fd < 0) {
		e->fd = e->lfd;
		e->lfd = -1;
	}
	if (!active) {
		if (listen(e->lfd, 8) != 0) {
			play_say(p, stderr, _("tcplab-play: listen: %s\n"),
			         strerror(errno));
			return -1;
		}
		e->listening = true;
		return 0;
	}
	sl = io_sockaddr_of(&p->e[!e->id].addr, p->e[!e->id].port, &ss);
	if (connect(e->fd, (struct sockaddr *)&ss, sl) != 0 &&
	    errno != EINPROGRESS) {
		play_say(p, stderr, _("tcplab-play: connect: %s\n"),
		         strerror(errno));
		return -1;
	}
	e->connecting = true;
	return 0;
}

static void set_window(struct play_end *e, uint32_t bytes)
{
	int v = (int)bytes;
	uint8_t ws = 0;

	if (e->player == SCN_KERNEL) {
		int fd = e->id == SCN_SERVER ? e->lfd : e->fd;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
		return;
	}
	e->cfg.rcv_wnd = bytes;
	if (e->cfg.syn_win > bytes)
		e->cfg.syn_win = (uint16_t)bytes;
	while ((bytes >> ws) > 65535 && ws < 14)
		ws++;
	if (e->cfg.use_wscale && ws < e->cfg.wscale)
		e->cfg.wscale = ws;
	e->cfg.rcv_wnd_max = 0;
	e->cfg.app_reads = true;
}

int play_action(struct play *p, const struct scn_step *st)
{
	struct play_end *e = &p->e[st->end];
	struct play_end *o = &p->e[!st->end];

	switch (st->kind) {
	case SCN_LISTEN:
	case SCN_CONNECT:
		if (e->player == SCN_KERNEL)
			return kernel_open(p, e, st->kind == SCN_CONNECT);
		e->opened = true;
		if (st->kind == SCN_LISTEN) {
			conn_listen_at(&e->c, &e->cfg, &e->addr, e->port);
			return 0;
		}
		conn_connect_to(&e->c, &e->cfg, &e->addr, e->port, &o->addr,
		                o->port, e->iss, play_now(p), &e->co);
		conn_done(p, e);
		return 0;
	case SCN_SEND:
		if (st->text != NULL)
			queue_app(e, (const uint8_t *)st->text, st->n);
		else {
			uint8_t x[4096];
			uint32_t left = st->n;
			memset(x, 'x', sizeof x);
			while (left > 0) {
				uint32_t k = left > sizeof x ? sizeof x : left;
				queue_app(e, x, k);
				left -= k;
			}
		}
		return 0;
	case SCN_READ:
		if (st->n == SCN_READ_OFF)
			e->read = PLAY_READ_OFF;
		else if (st->n == SCN_READ_ALL)
			e->read = PLAY_READ_ALL;
		else {
			if (e->read != PLAY_READ_SOME)
				e->read_left = 0;
			e->read = PLAY_READ_SOME;
			e->read_left += st->n;
		}
		return 0;
	case SCN_RCVBUF:
		set_window(e, st->n);
		return 0;
	case SCN_CLOSE:
		e->close_pending = true;
		return 0;
	case SCN_ABORT:
		if (e->player == SCN_KERNEL) {
			struct linger l = {1, 0};
			int fd = e->fd >= 0 ? e->fd : e->lfd;
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
			close(fd);
			if (fd == e->fd)
				e->fd = -1;
			else
				e->lfd = -1;
			e->closed = true;
			return 0;
		}
		conn_abort(&e->c, play_now(p), &e->co);
		conn_done(p, e);
		return 0;
	default:
		return 0;
	}
}

bool play_wind_up(struct play *p)
{
	struct linger l = {1, 0};
	bool any = false;
	unsigned d;

	for (d = 0; d < 2; d++) {
		struct play_end *e = &p->e[d];
		if (e->player == SCN_TCPLAB && e->opened) {
			enum tcp_state st = e->c.state;
			if (st == TCP_CLOSED || st == TCP_LISTEN ||
			    st == TCP_TIME_WAIT)
				continue;
			conn_abort(&e->c, play_now(p), &e->co);
			conn_done(p, e);
			any = true;
		} else if (e->player == SCN_KERNEL && e->fd >= 0 &&
		           !e->closed) {
			setsockopt(e->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
			close(e->fd);
			e->fd = -1;
			e->closed = true;
			any = true;
		}
	}
	return any;
}

/* ------------------------------------------------------------------ */
/* inject: a crafted segment from one side. */

static uint32_t num_or(const struct scn_num *n, uint32_t dflt)
{
	return n->any ? dflt : n->lo;
}

static void build_opts(struct play *p, const struct scn_seg *w, enum scn_end d,
                       struct seg *s)
{
	const struct play_end *e = &p->e[d], *o = &p->e[!d];
	unsigned i, k;

	for (i = 0; i < w->nopt; i++) {
		const struct scn_opt *op = &w->opt[i];
		switch (op->kind) {
		case SCN_OPT_NOP:
			seg_opt_nop(s);
			break;
		case SCN_OPT_EOL:
			seg_opt_eol(s);
			break;
		case SCN_OPT_MSS:
			seg_opt_mss(s, (uint16_t)num_or(&op->a, 1460));
			break;
		case SCN_OPT_WSCALE:
			seg_opt_wscale(s, (uint8_t)num_or(&op->a, 7));
			break;
		case SCN_OPT_SACKOK:
			seg_opt_sackok(s);
			break;
		case SCN_OPT_TS:
			seg_opt_ts(s,
			           num_or(&op->a,
			                  e->ts_base + (uint32_t)(play_now(p) /
			                                          1000)),
			           num_or(&op->b, o->ts_seen ? o->ts_last : 0));
			break;
		case SCN_OPT_SACK: {
			struct seg_sack b[SEG_SACK_MAX];
			for (k = 0; k < op->nsack && k < SEG_SACK_MAX; k++) {
				b[k].left = p->isn[!d] + num_or(&op->sl[k], 1);
				b[k].right = p->isn[!d] + num_or(&op->sr[k], 1);
			}
			seg_opt_sack(s, b, k);
			break;
		}
		}
	}
}

int play_inject(struct play *p, unsigned i)
{
	const struct scn_step *st = &p->scn.step[i];
	const struct scn_seg *w = &st->seg;
	enum scn_end d = w->from;
	struct play_end *e = &p->e[d], *o = &p->e[!d];
	static uint8_t fill[65536];
	struct seg s;
	uint32_t len, rel;
	unsigned k;

	if (ipaddr_is4(&e->addr)) {
		seg_init(&s);
		s.saddr = ipaddr_v4(&e->addr);
		s.daddr = ipaddr_v4(&o->addr);
	} else
		seg_init6(&s, e->addr.b, o->addr.b);
	s.sport = e->port;
	s.dport = o->port;
	s.flags = w->flags;
	if ((w->flags & TH_SYN) && !p->isn_seen[d]) {
		p->isn[d] = e->iss;
		p->isn_seen[d] = true;
	}
	if (!p->isn_seen[d]) {
		p->isn[d] = e->iss;
		p->isn_seen[d] = true;
	}
	rel = e->sent_any ? e->nxt - p->isn[d] : 0;
	if ((w->flags & TH_SYN) == 0 && !e->sent_any)
		rel = 1;
	s.seq = p->isn[d] + num_or(&w->seq, rel);
	if (w->flags & TH_ACK) {
		uint32_t dflt = o->sent_any ? o->nxt - p->isn[!d] : 0;
		s.ack = p->isn[!d] + num_or(&w->ack, dflt);
	}
	s.win = (uint16_t)num_or(&w->win, e->sent_any ? e->last_win : 64240);
	if (e->ts_base == 0)
		e->ts_base = random32() | 1;
	build_opts(p, w, d, &s);
	len = w->payload != NULL ? (uint32_t)w->payload_len : 0;
	if (!w->len.any)
		len = w->len.lo;
	else if (!w->end.any && !w->seq.any)
		len = w->end.lo - w->seq.lo;
	if (len > sizeof fill)
		len = sizeof fill;
	if (w->payload != NULL && w->payload_len >= len) {
		s.payload = (const uint8_t *)w->payload;
	} else {
		memset(fill, 'x', len);
		if (w->payload != NULL)
			memcpy(fill, w->payload, w->payload_len);
		s.payload = fill;
	}
	s.payload_len = len;
	for (k = 0; k < PLAY_OURS_MAX; k++)
		if (!p->ours[k].used)
			break;
	if (k < PLAY_OURS_MAX)
		p->ours[k] = (struct play_ours){s.seq, s.ack, s.flags, len,
		                                i,     true,  s.ip_id};
	return send_seg(p, d, &s);
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "%s",
	        _("usage: tcplab-play [--auto] [--plain] [--student NAME] "
	          "[--record FILE] [--lab NAME] [--check]\n"
	          "                   [--client-ns NS] [--server-ns NS] "
	          "[-i IFACE] FILE.scn\n"));
	if (f == stdout)
		fputs(_("\nRuns a scenario (tcplab-scenario(5)) between the "
		        "lab's two namespaces;\nthe engine of `tcplab run "
		        "FILE.scn`. --check only reads the scenario\nand says "
		        "where it is wrong; --title prints its title, --hosts "
		        "its\naddresses and port.\n"),
		      f);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The lab's name: the file's, without directory or .scn. */
static char *lab_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = strdup(b ? b + 1 : path);
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n > 4 && strcmp(s + n - 4, ".scn") == 0)
		s[n - 4] = '\0';
	return s;
}

/* --hosts: "CLIENT-ADDRESS SERVER-ADDRESS PORT", for the runner, which
 * gives the lab's hosts the scenario's addresses. */
static void print_hosts(const struct scn *s)
{
	char a[2][INET6_ADDRSTRLEN];
	unsigned d;

	for (d = 0; d < 2; d++) {
		const struct ipaddr *x = &s->host[d].addr;
		if (ipaddr_is4(x))
			inet_ntop(AF_INET, x->b + 12, a[d], sizeof a[d]);
		else
			inet_ntop(AF_INET6, x->b, a[d], sizeof a[d]);
	}
	printf("%s %s %u\n", a[0], a[1], (unsigned)s->host[SCN_SERVER].port);
}

static void cleanup(struct play *p)
{
	unsigned d;

	for (d = 0; d < 2; d++) {
		struct play_end *e = &p->e[d];
		if (e->cap)
			capture_close(e->cap);
		if (e->inj)
			inject_close(e->inj);
		if (e->guard >= 0)
			guard_close(e->guard);
		if (e->fd >= 0)
			close(e->fd);
		if (e->lfd >= 0)
			close(e->lfd);
		if (e->player == SCN_TCPLAB)
			conn_release(&e->c);
		free(e->app);
	}

	show_free(&p->sh);
	free(p->text);
	free(p->seen);
	if (p->rec)
		fclose(p->rec);
	scn_free(&p->scn);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"auto", no_argument, NULL, 'a'},
	        {"plain", no_argument, NULL, 'p'},
	        {"student", required_argument, NULL, 's'},
	        {"record", required_argument, NULL, 'r'},
	        {"lab", required_argument, NULL, 'l'},
	        {"check", no_argument, NULL, 'c'},
	        {"title", no_argument, NULL, 'T'},
	        {"hosts", no_argument, NULL, 'H'},
	        {"client-ns", required_argument, NULL, 'C'},
	        {"server-ns", required_argument, NULL, 'S'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	static const struct tcpdump_flags vv_nn = {.v = 2, .n = 2};
	struct play p;
	struct scn_error se;
	struct sigaction sa;
	bool check = false, title = false, hosts = false;
	char err[512], *buf, *name;
	const char *record = NULL;
	size_t len;
	int c, rc;

	i18n_init();
	memset(&p, 0, sizeof p);
	p.ifname = "eth0";
	p.ns[SCN_CLIENT] = "tcplab-client";
	p.ns[SCN_SERVER] = "tcplab-server";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			p.autorun = true;
			break;
		case 'p':
			p.plain = true;
			break;
		case 's':
			p.student = optarg;
			break;
		case 'r':
			record = optarg;
			break;
		case 'l':
			p.lab = optarg;
			break;
		case 'c':
			check = true;
			break;
		case 'T':
			title = true;
			break;
		case 'H':
			hosts = true;
			break;
		case 'C':
			p.ns[SCN_CLIENT] = optarg;
			break;
		case 'S':
			p.ns[SCN_SERVER] = optarg;
			break;
		case 'i':
			p.ifname = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("tcplab-play %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "%s",
			        _("tcplab-play: unknown option or missing "
			          "argument: see tcplab-play --help\n"));
			return EXIT_USE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USE;
	}
	p.file = argv[optind];
	buf = read_file(p.file, &len);
	if (buf == NULL) {
		fprintf(stderr, _("tcplab-play: cannot read %s: %s\n"), p.file,
		        strerror(errno));
		return EXIT_USE;
	}
	rc = scn_parse(buf, len, &i18n_tr, &p.scn, &se);
	free(buf);
	if (rc != 0) {
		fprintf(stderr, "%s:%u:%u: %s\n", p.file, se.line, se.col,
		        se.msg);
		return EXIT_USE;
	}
	p.lang = i18n_lang();
	if (title) {
		printf("%s\n", p.scn.title
		                       ? scn_tr_pick(p.scn.title,
		                                     &p.scn.title_tr, p.lang)
		                       : "");
		scn_free(&p.scn);
		return EXIT_OK;
	}
	if (hosts) {
		print_hosts(&p.scn);
		scn_free(&p.scn);
		return EXIT_OK;
	}
	if (check) {
		scn_free(&p.scn);
		return EXIT_OK;
	}
	/* The record file only for a run (not --check, --title, --hosts),
	 * and before root is given up. */
	if (record != NULL && (p.rec = fopen(record, "a")) == NULL) {
		fprintf(stderr, _("tcplab-play: cannot write %s: %s\n"), record,
		        strerror(errno));
		scn_free(&p.scn);
		return EXIT_ENV;
	}
	name = lab_name(p.file);
	if (p.lab == NULL)
		p.lab = name;
	p.text_cap = 1u << 20;
	p.text = malloc(p.text_cap);
	p.seen = calloc(p.scn.nstep + 1, sizeof *p.seen);
	if (p.text == NULL || p.seen == NULL) {
		fputs(_("tcplab-play: out of memory\n"), stderr);
		return EXIT_ENV;
	}
	show_init(&p.sh, p.plain ? SHOW_PLAIN : SHOW_EXPLAIN,
	          term_cols(STDOUT_FILENO), &vv_nn, NULL, ANNOT_ROLE_UNKNOWN);
	show_set_tr(&p.sh, &i18n_tr);
	/* Everything that needs root is open now: root is given up before
	 * a single segment is read. */
	if (setup(&p, err, sizeof err) != 0 ||
	    privdrop(NULL, err, sizeof err) != 0) {
		play_say(&p, stderr, "tcplab-play: %s\n", err);
		cleanup(&p);
		free(name);
		return EXIT_ENV;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	p.t_start = mono_us();
	rc = play_steps(&p);
	cleanup(&p);
	free(name);
	return rc;
}

bool play_interrupted(void)
{
	return interrupted != 0;
}
