/*
 * main.c: tcplab-server, a pcap-based HTTP server that performs TCP by
 * hand.
 *
 * It opens the capture, the link-layer injector, the port guard and the
 * -w file while it may, drops privileges, and then loops: frames from the
 * capture go through serve.c, and the earliest timer of any connection
 * bounds the wait in poll(). SIGINT and SIGTERM end the loop; the summary
 * follows and every resource is closed, so nothing is left behind.
 * Exit status: 0 after a signal, 2 for a usage error, 3 when the
 * environment is wrong (privileges, interface, address, port).
 */
#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/io/capture.h"
#include "common/io/clock.h"
#include "common/io/guard.h"
#include "common/io/i18n.h"
#include "common/io/inject.h"
#include "common/io/names.h"
#include "common/io/privdrop.h"
#include "common/io/term.h"
#include "common/opt.h"
#include "server/server.h"

#define PROG       "tcplab-server"
#define EXIT_USAGE 2
#define EXIT_ENV   3

static volatile sig_atomic_t got_signal;

/* The synopsis, for --help and after a usage error. */
static const char *usage_line(void)
{
	return _("usage: tcplab-server --interface=IFACE --address=ADDR "
	         "[--port=PORT] [--write=FILE] [-nSvt] [--profile=NAME] "
	         "[--close=MODE] [--close-delay=SECS] [--piggyback] [--step] "
	         "[--lab-clock=FILE] [--quiet|--plain|--json] [--stats] "
	         "[--max-conns=N] [--keepalive-timeout=SECS] "
	         "[--header-timeout=SECS] [--user=USER]\n");
}

/* The help's options: the option column as it is, and the description
 * in the reader's language; a long option has its description on the
 * next line, in the same column. */
#define HELP_NEXT_LINE "\n                          "
static const struct term_opt help_opts[] = {
        /* TRANSLATORS: the descriptions of tcplab-server's options in
         * --help. Keep the words in capitals (IFACE, ADDR, FILE, N, ...):
         * they name the option's argument. */
        {"  -i, --interface IFACE   ", N_("capture and inject on IFACE")},
        {"  -a, --address ADDR      ",
         N_("the server's address, IPv4 or IPv6")},
        {"  -p, --port PORT         ", N_("the server's port (8080)")},
        {"  -w, --write FILE        ",
         N_("write every segment seen and sent to a pcap file")},
        {"  -n, -S, -v, -t          ",
         N_("print as tcpdump with these flags (default -vv -nn)")},
        {"      --profile NAME      ",
         N_("live (default) or seed (the article's fields: ISN, IP ids, TS "
            "values, windows, Date)")},
        {"      --close MODE        ",
         N_("merged (default), four-way, server-first or rst")},
        {"      --close-delay SECS  ", N_("four-way: wait before our FIN (1)")},
        {"      --piggyback         ",
         N_("the response carries the ACK of the request")},
        {"      --step              ",
         N_("show each segment before it is sent; Enter sends it, q "
            "aborts")},
        {"      --lab-clock FILE    ",
         N_("share a clock with the other end: while either waits for the "
            "student, both ends' timers wait")},
        {"      --sndbuf BYTES      ",
         N_("a send buffer of BYTES (default 16384, at most 4194304): "
            "what may be in flight at once, so that cwnd, not the "
            "buffer, limits a large body")},
        {"      --loss P            ",
         N_("lose each segment, outgoing or incoming, with probability P "
            "(0.05 or 5%), at random but the same for the same --seed")},
        {"      --seed N            ",
         N_("the seed of --loss (default: a random one, printed)")},
        {"      --quiet             ", N_("print only the summary")},
        {"      --plain             ",
         N_("tcpdump's lines whole and the server's own lines, no "
            "explanations")},
        {"      --json              ",
         N_("one JSON object per segment and per connection, as "
            "tcplab-explain --json; the summary on stderr")},
        {"      --cc                ",
         N_("under every segment, the server's sender: cwnd, ssthresh, "
            "bytes in flight, the client's window, SRTT, RTTVAR and RTO, "
            "and why each changed (always in --json)")},
        {"      --stats             ",
         N_("print the counters every second on stderr")},
        {"      --max-conns N       ",
         N_("connections held at once (1024); past that, a new one evicts "
            "one that is over (TIME-WAIT, FIN-WAIT-2), else the one idle "
            "the longest, else a half-open one")},
        {"      --keepalive-timeout SECS" HELP_NEXT_LINE,
         N_("close a connection idle between requests for that long (60), "
            "as its Keep-Alive header says, and abort a close the client "
            "has not finished that long after our FIN")},
        {"      --header-timeout SECS" HELP_NEXT_LINE,
         N_("answer 408 and close when a request head is not complete that "
            "long after its first byte (20)")},
        {"      --user USER         ",
         N_("drop privileges to USER ($SUDO_USER or nobody)")},
        {"  -h, --help              ", N_("this text")},
        {"  -V, --version           ", N_("the version")},
};

/* The help: one entry a line, fitted to the terminal by term_print(). */
static void help(void)
{
	term_print_hang(stdout, usage_line(), 9);
	term_print(stdout,
	           _("Answers GET /truedei/test?name=NAME with \"This is "
	             "NAME\", doing TCP by hand, and prints every segment as "
	             "tcpdump does, with the arithmetic and both sides' states "
	             "under it.\n"));
	term_print(stdout, "\n");
	term_print_opts(stdout, help_opts,
	                sizeof help_opts / sizeof help_opts[0]);
	term_print(stdout, "\n");
	term_print(stdout,
	           _("Lines fit the terminal's width (COLUMNS when it is not a "
	             "terminal, else 80); --plain keeps tcpdump's lines "
	             "whole.\n"));
}

static void warn_line(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

/* "tcplab-server: " and a message on standard error, fitted. */
static void warn_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vwarn(PROG, fmt, ap);
	va_end(ap);
}

static void usage_error(const char *fmt, const char *arg)
{
	warn_line(fmt, arg);
	term_print_hang(stderr, usage_line(), 9);
	exit(EXIT_USAGE);
}

/* A usage error that says itself what to do: one line, no usage. */
static void usage_line_error(const char *msg)
{
	warn_line("%s", msg);
	exit(EXIT_USAGE);
}

static void on_signal(int sig)
{
	got_signal = sig;
}

/* The connections' clock, sv.clock, for server_now(): private, or the
 * --lab-clock file shared with the other end. */
static struct labclock *lab_clock;

uint64_t server_now(void)
{
	return labclock_now(lab_clock);
}

enum {
	OPT_CLOSE = 256,
	OPT_CLOSE_DELAY,
	OPT_PIGGYBACK,
	OPT_STEP,
	OPT_QUIET,
	OPT_STATS,
	OPT_MAX_CONNS,
	OPT_USER,
	OPT_JSON,
	OPT_CC,
	OPT_PLAIN,
	OPT_PROFILE,
	OPT_LOSS,
	OPT_SNDBUF,
	OPT_SEED,
	OPT_LAB_CLOCK,
	OPT_KEEPALIVE,
	OPT_HEADER,
};

static const struct option long_opts[] = {
        {"interface", required_argument, NULL, 'i'},
        {"address", required_argument, NULL, 'a'},
        {"port", required_argument, NULL, 'p'},
        {"write", required_argument, NULL, 'w'},
        {"close", required_argument, NULL, OPT_CLOSE},
        {"close-delay", required_argument, NULL, OPT_CLOSE_DELAY},
        {"piggyback", no_argument, NULL, OPT_PIGGYBACK},
        {"step", no_argument, NULL, OPT_STEP},
        {"lab-clock", required_argument, NULL, OPT_LAB_CLOCK},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"stats", no_argument, NULL, OPT_STATS},
        {"max-conns", required_argument, NULL, OPT_MAX_CONNS},
        {"keepalive-timeout", required_argument, NULL, OPT_KEEPALIVE},
        {"header-timeout", required_argument, NULL, OPT_HEADER},
        {"user", required_argument, NULL, OPT_USER},
        {"json", no_argument, NULL, OPT_JSON},
        {"cc", no_argument, NULL, OPT_CC},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"loss", required_argument, NULL, OPT_LOSS},
        {"sndbuf", required_argument, NULL, OPT_SNDBUF},
        {"seed", required_argument, NULL, OPT_SEED},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
};

struct options {
	const char *addr, *wfile, *user, *profile;
	const char *lab_clock; /* --lab-clock FILE, or NULL */
	long max_conns;
	struct opt_tcpdump td; /* -n, -S, -v, -t */
};

/* A whole number in [lo, hi], or a usage error naming the option. */
static long number(const char *s, long lo, long hi, const char *name)
{
	char msg[512];
	int64_t v;

	if (opt_number(s, lo, hi, &v) != 0) {
		opt_number_msg(&i18n_tr, msg, sizeof msg, name, s, lo, hi);
		usage_line_error(msg);
	}
	return (long)v;
}

/* getopt_long's complaint, in one line that names the option. */
static void bad_option(int c, char **argv)
{
	struct opt_getopt g = {c, optopt, optind > 0 ? argv[optind - 1] : NULL};
	char msg[512];

	opt_getopt_msg(&i18n_tr, msg, sizeof msg, PROG, long_opts, &g);
	usage_line_error(msg);
}

static enum close_mode close_mode(const char *s)
{
	if (strcmp(s, "merged") == 0)
		return CLOSE_MERGED;
	if (strcmp(s, "four-way") == 0)
		return CLOSE_FOUR_WAY;
	if (strcmp(s, "server-first") == 0)
		return CLOSE_SERVER_FIRST;
	if (strcmp(s, "rst") == 0)
		return CLOSE_RST;
	usage_error(_("unknown close mode %s (merged, four-way, server-first, "
	              "rst)"),
	            s);
	return CLOSE_MERGED;
}

/* The options that are not tcpdump's flags. */
static void long_option(struct server *sv, struct options *o, int c)
{
	switch (c) {
	case OPT_CLOSE:
		sv->close_mode = close_mode(optarg);
		break;
	case OPT_CLOSE_DELAY:
		sv->close_delay_us =
		        (uint64_t)number(optarg, 0, 3600, "--close-delay") *
		        1000000u;
		break;
	case OPT_PIGGYBACK:
		sv->piggyback = true;
		break;
	case OPT_STEP:
		sv->step = true;
		break;
	case OPT_QUIET:
		sv->quiet = true;
		break;
	case OPT_STATS:
		sv->stats = true;
		break;
	case OPT_MAX_CONNS:
		o->max_conns = number(optarg, 1, 1000000, "--max-conns");
		break;
	case OPT_KEEPALIVE:
		sv->keepalive_s = (unsigned)number(optarg, 1, 3600,
		                                   "--keepalive-timeout");
		break;
	case OPT_HEADER:
		sv->header_s =
		        (unsigned)number(optarg, 1, 3600, "--header-timeout");
		break;
	case OPT_USER:
		o->user = optarg;
		break;
	case OPT_JSON:
		sv->json = true;
		break;
	case OPT_CC:
		sv->cc = true;
		break;
	case OPT_PLAIN:
		sv->plain = true;
		break;
	case OPT_PROFILE:
		o->profile = optarg;
		break;
	case OPT_LOSS:
		if (loss_parse(optarg, &sv->loss_ppm) != 0)
			usage_error(
			        _("bad value '%s' for --loss: give a "
			          "probability from 0 to 1, e.g. 0.05 or 5%%"),
			        optarg);
		break;
	case OPT_SNDBUF:
		sv->sndbuf = (uint32_t)number(optarg, 1024, CONN_SNDBUF_MAX,
		                              "--sndbuf");
		break;
	case OPT_SEED:
		sv->seed = (uint64_t)number(optarg, 0, LONG_MAX, "--seed");
		sv->seed_set = true;
		break;
	case OPT_LAB_CLOCK:
		o->lab_clock = optarg;
		break;
	}
}

/*
 * The option string starts with ':' so that a missing argument is told
 * apart, and opterr = 0 keeps getopt's own messages out: bad_option()
 * says it in one line.
 */
static void parse_args(int argc, char **argv, struct server *sv,
                       struct options *o)
{
	static const struct tcpdump_flags vv_nn = {.v = 2, .n = 2};
	int c, rc;

	opt_tcpdump_init(&o->td, &vv_nn);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:a:p:w:hV" OPT_TCPDUMP_LETTERS,
	                        long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			sv->ifname = optarg;
			break;
		case 'a':
			o->addr = optarg;
			break;
		case 'p':
			sv->port = (uint16_t)number(optarg, 1, 65535, "--port");
			break;
		case 'w':
			o->wfile = optarg;
			break;
		case 'n':
		case 'S':
		case 'v':
		case 't':
			rc = opt_tcpdump_flag(&o->td, c);
			if (rc != 0)
				usage_line_error(_(opt_tcpdump_error(rc)));
			break;
		case 'h':
			help();
			exit(0);
		case 'V':
			printf(PROG " " PACKAGE_VERSION "\n");
			exit(0);
		case '?':
		case ':':
			bad_option(c, argv);
			break;
		default:
			long_option(sv, o, c);
		}
	}
	if (optind < argc)
		usage_error(_("unexpected argument %s"), argv[optind]);
	if (sv->ifname == NULL || o->addr == NULL)
		usage_error("%s", _("-i IFACE and -a ADDR are required"));
	if ((sv->json ? 1 : 0) + (sv->plain ? 1 : 0) + (sv->quiet ? 1 : 0) > 1)
		usage_error("%s", _("--quiet, --plain and --json exclude each "
		                    "other"));
	if (sv->json && sv->step)
		usage_error("%s", _("--step talks on standard output, which "
		                    "--json keeps for JSON"));
}

/* Settles the options into sv. */
static void settle(struct server *sv, struct options *o)
{
	struct in_addr a;
	char msg[160];

	if (inet_pton(AF_INET, o->addr, &a) == 1) {
		sv->addr = ipaddr_of4(ntohl(a.s_addr));
	} else if (inet_pton(AF_INET6, o->addr, sv->addr.b) != 1) {
		snprintf(msg, sizeof msg,
		         _("bad address %s: give an IPv4 or IPv6 address"),
		         o->addr);
		usage_line_error(msg);
	}
	if (ipaddr_any(&sv->addr)) {
		snprintf(msg, sizeof msg,
		         _("--address %s means any address: give the "
		           "server's own"),
		         o->addr);
		usage_line_error(msg);
	}
	sv->tf = o->td.f;
	if (profile_get(o->profile, &sv->prof) != 0)
		usage_error(_("unknown profile %s (live, seed)"), o->profile);
	if (!ipaddr_is4(&sv->addr))
		profile_ipv6(&sv->prof);
	/* Windows, options and the seed's fixed fields; new_conn() draws
	 * what a live profile leaves to chance. */
	sv->cfg = sv->prof.server.cfg;
	/* Four-way: the ACK of the FIN goes at once, without our FIN. */
	if (sv->close_mode == CLOSE_FOUR_WAY)
		sv->cfg.fin_ack_delay_us = 0;
	/* --piggyback: the ACK of a request waits for the response to carry
	 * it, as Linux's delayed ACK would (40 ms at most). */
	if (sv->piggyback)
		sv->cfg.data_ack_delay_us = 40000;
	sv->cfg.sndbuf = sv->sndbuf;
	if (!sv->seed_set &&
	    getrandom(&sv->seed, sizeof sv->seed, 0) != sizeof sv->seed)
		sv->seed = (uint64_t)time(NULL);
	sv->seed &= LONG_MAX; /* as --seed takes it back */
	loss_init(&sv->loss, sv->loss_ppm, sv->seed);
}

/* Everything that needs privileges, in the order that names the first
 * missing one. Returns 0, or -1 with err filled. */
static int open_all(struct server *sv, const struct options *o, char *err,
                    size_t errlen)
{
	char filter[160], a[INET6_ADDRSTRLEN];
	bool v4 = ipaddr_is4(&sv->addr);
	struct in_addr x;

	if (v4) {
		x.s_addr = htonl(ipaddr_v4(&sv->addr));
		inet_ntop(AF_INET, &x, a, sizeof a);
	} else {
		inet_ntop(AF_INET6, sv->addr.b, a, sizeof a);
	}
	/* Only what is addressed to us: the capture is inbound already. */
	snprintf(filter, sizeof filter, "%s dst host %s and tcp dst port %u",
	         v4 ? "ip" : "ip6", a, sv->port);
	sv->cap =
	        capture_open_ring(sv->ifname, filter, SERVER_RING, err, errlen);
	if (sv->cap == NULL)
		return -1;
	sv->linktype = capture_linktype(sv->cap);
	sv->inj = inject_open_link(sv->ifname, err, errlen);
	if (sv->inj == NULL)
		return -1;
	sv->guard = guard_open_at(&sv->addr, sv->port, err, errlen);
	if (sv->guard < 0)
		return -1;
	if (o->wfile != NULL) {
		sv->dump =
		        capture_dump_open(o->wfile, sv->linktype, err, errlen);
		if (sv->dump == NULL)
			return -1;
	}
	/* The file is opened while the process may still create it. */
	sv->clock = labclock_open(o->lab_clock, err, errlen);
	if (sv->clock == NULL)
		return -1;
	lab_clock = sv->clock;
	if (sv->step) {
		sv->tty = fopen("/dev/tty", "r");
		if (sv->tty == NULL)
			sv->tty = stdin;
	}
	return privdrop(o->user, err, errlen);
}

static void close_all(struct server *sv)
{
	capture_dump_close(sv->dump);
	guard_close(sv->guard);
	inject_close(sv->inj);
	capture_close(sv->cap);
	if (sv->tty != NULL && sv->tty != stdin)
		fclose(sv->tty);
	table_free(&sv->tab);
	trace_free(sv);
	free(sv->due);
	labclock_close(sv->clock);
	sv->clock = lab_clock = NULL;
}

/*
 * Milliseconds poll() may wait: until the earliest timer, at most 1 s.
 * While the other end holds the lab clock no timer comes due, and the
 * wait is short and fixed: no spinning on a deadline that does not come
 * nearer, and a resume is noticed within SERVER_PAUSED_POLL_MS.
 */
static int wait_ms(struct server *sv)
{
	uint64_t now = server_now(), dl = serve_deadline(sv);

	if (labclock_paused(sv->clock))
		return SERVER_PAUSED_POLL_MS;
	if (dl <= now)
		return 0;
	if (dl - now >= 1000000)
		return 1000;
	return (int)((dl - now + 999) / 1000);
}

/* --loss says its seed, so that a run can be repeated; the seed profile
 * replays the article only on the article's addresses and ports, and
 * elsewhere it says once what will differ. */
static void say_profile(struct server *sv)
{
	if (sv->loss_ppm > 0) {
		char p[16];

		loss_format(sv->loss_ppm, p, sizeof p);
		trace_notice(sv,
		             _("--loss %s: each segment, out or in, is lost "
		               "with that chance; --seed %llu loses the same "
		               "ones again"),
		             p, (unsigned long long)sv->seed);
	}
	if (sv->prof.id != PROFILE_SEED)
		return;
	if (ipaddr_is4(&sv->addr) &&
	    ipaddr_v4(&sv->addr) == sv->prof.server_addr &&
	    sv->port == sv->prof.server.port)
		return;
	seed_elsewhere(sv);
}

/*
 * Answers the frames waiting in the capture, at most SERVER_BATCH of them
 * so that timers run under load too. Returns 0, or -1 when the capture
 * fails (err filled).
 */
static int read_batch(struct server *sv, char *err, size_t errlen)
{
	struct capture_frame f;
	int n, rc;

	for (n = 0; n < SERVER_BATCH && !sv->stop; n++) {
		rc = capture_next(sv->cap, &f, err, errlen);
		if (rc <= 0)
			return rc;
		serve_frame(sv, &f);
	}
	return 0;
}

/*
 * Each turn answers every frame waiting and runs the timers that are due
 * before it prints a line of what they did: under a burst, the answers
 * go out and the capture's ring empties first, and the formatting, which
 * costs many times the answering, comes after, while the clients read.
 */
static int run(struct server *sv)
{
	struct pollfd pfd = {.fd = capture_fd(sv->cap), .events = POLLIN};
	char err[256];
	uint64_t last_stats = server_now();
	int rc;

	trace_start(sv);
	while (!got_signal && !sv->stop) {
		poll(&pfd, 1, wait_ms(sv));
		trace_hold(sv);
		rc = read_batch(sv, err, sizeof err);
		if (rc == 0)
			serve_timers(sv, server_now());
		trace_release(sv);
		/* One write for the batch, before poll() may sleep; the
		 * printer thread writes once for what it takes. */
		if (!trace_threaded(sv))
			fflush(stdout);
		if (rc < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			return 1;
		}
		if (sv->stats && server_now() - last_stats >= 1000000) {
			trace_summary(sv, stderr);
			last_stats = server_now();
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct server sv;
	struct options o;
	struct sigaction sa;
	struct names *nm = NULL;
	struct tcpdump_resolver res;
	char err[256];
	int rc;

	i18n_init();
	memset(&o, 0, sizeof o);
	o.max_conns = 1024;
	o.profile = "live";
	sv.port = 8080;
	sv.guard = -1;
	sv.close_delay_us = 1000000;
	sv.keepalive_s = 60;
	sv.header_s = 20;
	parse_args(argc, argv, &sv, &o);
	settle(&sv, &o);
	/* Fully buffered: run() flushes once per batch of frames. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (open_all(&sv, &o, err, sizeof err) != 0) {
		fprintf(stderr, PROG ": %s\n", err);
		close_all(&sv);
		return EXIT_ENV;
	}
	if (sv.tf.n < 2)
		nm = names_open();
	if (nm != NULL)
		names_resolver(nm, &res);
	if (table_init(&sv.tab, (size_t)o.max_conns) != 0) {
		fprintf(stderr, PROG ": %s\n", _("out of memory"));
		return EXIT_ENV;
	}
	trace_init(&sv, nm != NULL ? &res : NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	say_profile(&sv);
	fflush(stdout);
	rc = run(&sv);
	trace_connections(&sv);
	trace_summary(&sv, sv.json ? stderr : stdout);
	close_all(&sv);
	names_close(nm);
	return rc;
}
