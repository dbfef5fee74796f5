/*
 * main.c: tcplab-client, a wget that performs its TCP by hand.
 *
 * It crafts every segment of an HTTP GET with libnet (raw IPv4 or IPv6),
 * reads the server's with libpcap, and prints each as tcpdump does with both
 * sides' states under it. This file reads the options, finds the route, opens
 * the port guard, the capture, the injector and the files, drops root,
 * and hands over to run.c. Only this file exits.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "client/client.h"
#include "client/route.h"
#include "common/io/capture.h"
#include "common/io/clock.h"
#include "common/io/guard.h"
#include "common/io/i18n.h"
#include "common/io/inject.h"
#include "common/io/names.h"
#include "common/io/privdrop.h"
#include "common/io/term.h"
#include "common/err.h"
#include "common/link.h"
#include "common/opt.h"

/* The help's options: the option column as it is, and the description
 * in the reader's language; each entry one line, fitted to the terminal
 * by term_print() with the description's column as its hanging indent. */
static const struct term_opt help_opts[] = {
        /* TRANSLATORS: the descriptions of tcplab-client's options in
         * --help. Keep the words in capitals (IFACE, ADDR, FILE, N, ...):
         * they name the option's argument. */
        {"  -i, --interface IFACE  ", N_("send and capture on IFACE")},
        {"  -s, --source ADDR      ",
         N_("use source address ADDR (IPv4 or IPv6, the server's family)")},
        {"  -4, --ipv4             ",
         N_("take the host's IPv4 address from /etc/hosts, never its IPv6 "
            "one")},
        {"  -6, --ipv6             ",
         N_("take the host's IPv6 address from /etc/hosts, never its IPv4 "
            "one")},
        {"      --sport PORT       ",
         N_("source port (default: ephemeral, or the profile's)")},
        {"      --isn N            ",
         N_("initial sequence number (default: random)")},
        {"      --profile NAME     ",
         N_("live (default) or seed (the article's fields)")},
        {"  -O, --output FILE      ",
         N_("write the body to FILE as it arrives, not to standard "
            "output")},
        {"  -U, --user-agent UA    ", N_("the User-Agent header")},
        {"  -H, --header 'N: V'    ", N_("add or replace a request header")},
        {"  -w FILE                ", N_("write the segments to a pcap file")},
        {"  -n, -S, -v, -t         ",
         N_("tcpdump's flags, as many times as tcpdump takes them "
            "(default -vv -nn)")},
        {"  -q, --quiet            ", N_("print only the body and errors")},
        {"      --plain            ",
         N_("tcpdump's lines whole, no explanations under them")},
        {"      --json             ",
         N_("one JSON object per segment and per connection, as "
            "tcplab-explain --json; the body only with -O")},
        {"      --cc               ",
         N_("under every segment, the client's sender: cwnd, ssthresh, "
            "bytes in flight, the server's window, SRTT, RTTVAR and RTO, "
            "and why each changed (always in --json)")},
        {"      --step             ",
         N_("show each segment and its arithmetic before it is sent; "
            "Enter sends, q aborts with a RST")},
        {"      --predict          ",
         N_("ask for each segment's relative seq and ack first")},
        {"      --lab-clock FILE   ",
         N_("share a clock with the other end: while either waits for the "
            "student, both ends' timers wait")},
        {"      --drop N           ",
         N_("do not send the Nth outgoing segment (repeatable)")},
        {"      --drop-in N        ",
         N_("ignore the Nth incoming segment (repeatable)")},
        {"      --blackout N,MS    ",
         N_("from the Nth incoming segment on, ignore everything that "
            "comes for MS milliseconds: a whole flight lost, no duplicate "
            "ACKs, only the server's timer repairs it")},
        {"      --no-sack          ",
         N_("offer no SACK in the SYN: the server recovers from losses "
            "with NewReno, one hole a round trip")},
        {"      --rcvbuf BYTES     ",
         N_("a receive buffer of BYTES: the window never offers more")},
        {"      --read-rate RATE   ",
         N_("the reader takes RATE bytes a second from the receive buffer, "
            "so that the window closes and opens again (zero windows, "
            "window probes, window updates)")},
        {"      --loss P           ",
         N_("lose each segment, outgoing or incoming, with probability P "
            "(0.05 or 5%), at random but the same for the same --seed")},
        {"      --seed N           ",
         N_("the seed of --loss (default: a random one, printed)")},
        {"      --time-wait SECS   ",
         N_("stay in TIME-WAIT SECS seconds (default 2MSL, 60)")},
        {"      --syn-retries N    ",
         N_("SYN retransmissions before giving up (default 6)")},
        {"  -T, --timeout SECS     ",
         N_("give up, with a RST, when the server sends nothing for SECS "
            "seconds before the response is whole (default 900, as wget; "
            "0: never)")},
        {"      --no-guard         ",
         N_("hold no port guard: this host's kernel answers the server's "
            "SYN-ACK with a RST (a lesson, not a mode)")},
        {"      --user USER        ",
         N_("drop root privileges to USER (default $SUDO_USER or "
            "nobody)")},
        {"  -h, --help             ", N_("print this help and exit")},
        {"      --version          ", N_("print the version and exit")},
};

/* The help: one entry a line, fitted to the terminal by term_print(). */
static void usage(FILE *f)
{
	term_print(f, _("usage: tcplab-client [options] URL\n"));
	term_print(f, _("Fetches http://HOST[:PORT]/PATH with a TCP handshake, "
	                "request and close crafted by hand, printing each "
	                "segment as tcpdump does, with the arithmetic and both "
	                "sides' states under it.\n"));
	term_print(f, _("Over IPv6 the host is an address in brackets, "
	                "http://[2001:db8::5]:8080/PATH, or a name.\n"));
	term_print(f, "\n");
	term_print_opts(f, help_opts, sizeof help_opts / sizeof help_opts[0]);
	term_print(f, "\n");
	term_print(f,
	           _("Lines fit the terminal's width (COLUMNS when it is not "
	             "a terminal, else 80); --plain keeps tcpdump's lines "
	             "whole.\n"));
	/* TRANSLATORS: HOST is the URL's host; "mss" is the option's name
	 * as tcpdump prints it. */
	term_print(f, _("HOST is an address or a name from /etc/hosts (never "
	                "DNS): a name takes the address of its first line "
	                "there, IPv4 or IPv6, unless -4 or -6 says which. The "
	                "path and query go out percent-encoded as wget sends "
	                "them. The SYN offers the MTU toward the server less "
	                "40 (IPv4) or 60 (IPv6) as its mss.\n"));
	term_print(f,
	           _("Exit status: 0 the whole response came (a RST after "
	             "it included), 1 the exchange failed (RST, timeout, bad "
	             "or cut response, a body the close delimits ended by a "
	             "RST), 2 usage, 3 environment (privileges, interface, "
	             "route, port, unknown host, a body that cannot be "
	             "written).\n"));
}

enum {
	OPT_SPORT = 256,
	OPT_ISN,
	OPT_PROFILE,
	OPT_STEP,
	OPT_PREDICT,
	OPT_DROP,
	OPT_DROP_IN,
	OPT_LOSS,
	OPT_SEED,
	OPT_RCVBUF,
	OPT_READ_RATE,
	OPT_TIME_WAIT,
	OPT_SYN_RETRIES,
	OPT_NO_GUARD,
	OPT_USER,
	OPT_VERSION,
	OPT_PLAIN,
	OPT_JSON,
	OPT_LAB_CLOCK,
	OPT_CC,
	OPT_NO_SACK,
	OPT_BLACKOUT,
};

static const struct option longopts[] = {
        {"interface", required_argument, NULL, 'i'},
        {"source", required_argument, NULL, 's'},
        {"ipv4", no_argument, NULL, '4'},
        {"ipv6", no_argument, NULL, '6'},
        {"sport", required_argument, NULL, OPT_SPORT},
        {"isn", required_argument, NULL, OPT_ISN},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"output", required_argument, NULL, 'O'},
        {"output-document", required_argument, NULL, 'O'},
        {"user-agent", required_argument, NULL, 'U'},
        {"header", required_argument, NULL, 'H'},
        {"quiet", no_argument, NULL, 'q'},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"json", no_argument, NULL, OPT_JSON},
        {"cc", no_argument, NULL, OPT_CC},
        {"step", no_argument, NULL, OPT_STEP},
        {"predict", no_argument, NULL, OPT_PREDICT},
        {"lab-clock", required_argument, NULL, OPT_LAB_CLOCK},
        {"drop", required_argument, NULL, OPT_DROP},
        {"drop-in", required_argument, NULL, OPT_DROP_IN},
        {"loss", required_argument, NULL, OPT_LOSS},
        {"rcvbuf", required_argument, NULL, OPT_RCVBUF},
        {"no-sack", no_argument, NULL, OPT_NO_SACK},
        {"blackout", required_argument, NULL, OPT_BLACKOUT},
        {"read-rate", required_argument, NULL, OPT_READ_RATE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"time-wait", required_argument, NULL, OPT_TIME_WAIT},
        {"syn-retries", required_argument, NULL, OPT_SYN_RETRIES},
        {"timeout", required_argument, NULL, 'T'},
        {"no-guard", no_argument, NULL, OPT_NO_GUARD},
        {"user", required_argument, NULL, OPT_USER},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
};

static void die(int status, const char *fmt, ...)
        __attribute__((format(printf, 2, 3), noreturn));

/* One line on standard error, "tcplab-client: " first, and the exit. */
static void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vwarn("tcplab-client", fmt, ap);
	va_end(ap);
	exit(status);
}

/* A whole number in [lo, hi], or a usage error naming the option. */
static int64_t number(const char *opt, const char *s, int64_t lo, int64_t hi)
{
	char msg[512];
	int64_t v;

	if (opt_number(s, lo, hi, &v) != 0) {
		opt_number_msg(&i18n_tr, msg, sizeof msg, opt, s, lo, hi);
		die(EXIT_USAGE, "%s", msg);
	}
	return v;
}

/* getopt_long's complaint, in one line that names the option. */
static void bad_option(int c, char **argv)
{
	struct opt_getopt g = {c, optopt, optind > 0 ? argv[optind - 1] : NULL};
	char msg[512];

	opt_getopt_msg(&i18n_tr, msg, sizeof msg, "tcplab-client", longopts,
	               &g);
	die(EXIT_USAGE, "%s", msg);
}

static void add_drop(unsigned *l, unsigned *n, const char *opt, const char *s)
{
	if (*n == DROP_MAX)
		die(EXIT_USAGE, _("%s: at most %d times"), opt, DROP_MAX);
	l[(*n)++] = (unsigned)number(opt, s, 1, 1000000);
}

/* --blackout N,MS: two numbers. */
static void blackout(struct client_opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	char n[24];

	if (comma == NULL || (size_t)(comma - s) >= sizeof n)
		die(EXIT_USAGE,
		    _("bad value '%s' for --blackout: give N,MS, e.g. "
		      "40,100"),
		    s);
	memcpy(n, s, (size_t)(comma - s));
	n[comma - s] = '\0';
	o->blackout_n = (unsigned)number("--blackout", n, 1, 1000000);
	o->blackout_us =
	        (uint64_t)number("--blackout", comma + 1, 1, 60000) * 1000;
}

static void parse_source(struct client_opts *o, const char *s)
{
	if (route_pton(s, 0, &o->saddr) != 0)
		die(EXIT_USAGE, _("-s: %s is not an IPv4 or IPv6 address"), s);
	o->saddr_set = true;
}

static void defaults(struct client_opts *o)
{
	memset(o, 0, sizeof *o);
	o->sport = -1;
	o->profile = "live";
	o->time_wait_s = -1;
	o->syn_retries = -1;
	o->timeout_s = 900;
}

/* tcpdump's flags that come as letters (common/opt): the defaults are
 * -vv -nn, and the first -v (or -n) given replaces that default. */
static void tcpdump_flag(struct opt_tcpdump *td, int c)
{
	int rc = opt_tcpdump_flag(td, c);

	if (rc != 0)
		die(EXIT_USAGE, "%s", _(opt_tcpdump_error(rc)));
}

/*
 * Options may come before or after the URL (getopt_long permutes). The
 * option string starts with ':' so that a missing argument is told
 * apart, and opterr = 0 keeps getopt's own messages out: bad_option()
 * says it in one line.
 */
static void parse_args(int argc, char **argv, struct client_opts *o)
{
	static const struct tcpdump_flags vv_nn = {.v = 2, .n = 2};
	struct opt_tcpdump td;
	int c;

	defaults(o);
	opt_tcpdump_init(&td, &vv_nn);
	opterr = 0;
	while ((c = getopt_long(argc, argv,
	                        ":i:s:O:U:H:w:T:qh46" OPT_TCPDUMP_LETTERS,
	                        longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 's':
			parse_source(o, optarg);
			break;
		case '4':
		case '6':
			if (o->family != 0 && o->family != c - '0')
				die(EXIT_USAGE, "%s",
				    _("-4 and -6 exclude each other"));
			o->family = c - '0';
			break;
		case OPT_SPORT:
			o->sport = (int)number("--sport", optarg, 1, 65535);
			break;
		case OPT_ISN:
			o->isn_set = true;
			o->isn = (uint32_t)number("--isn", optarg, 0,
			                          UINT32_MAX);
			break;
		case OPT_PROFILE:
			o->profile = optarg;
			break;
		case 'O':
			o->outfile = optarg;
			break;
		case 'U':
			o->req.user_agent = optarg;
			break;
		case 'H':
			if (o->req.nheaders == HTTPC_HEADERS_MAX)
				die(EXIT_USAGE, _("-H: at most %d headers"),
				    HTTPC_HEADERS_MAX);
			o->req.headers[o->req.nheaders++] = optarg;
			break;
		case 'w':
			o->wfile = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'n':
		case 'S':
		case 'v':
		case 't':
			tcpdump_flag(&td, c);
			break;
		case OPT_PLAIN:
			o->plain = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CC:
			o->cc = true;
			break;
		case OPT_STEP:
			o->step = true;
			break;
		case OPT_PREDICT:
			o->predict = true;
			break;
		case OPT_LAB_CLOCK:
			o->lab_clock = optarg;
			break;
		case OPT_DROP:
			add_drop(o->drop, &o->ndrop, "--drop", optarg);
			break;
		case OPT_DROP_IN:
			add_drop(o->drop_in, &o->ndrop_in, "--drop-in", optarg);
			break;
		case OPT_LOSS:
			if (loss_parse(optarg, &o->loss_ppm) != 0)
				die(EXIT_USAGE,
				    _("bad value '%s' for --loss: give a "
				      "probability from 0 to 1, e.g. 0.05 or "
				      "5%%"),
				    optarg);
			break;
		case OPT_NO_SACK:
			o->no_sack = true;
			break;
		case OPT_BLACKOUT:
			blackout(o, optarg);
			break;
		case OPT_RCVBUF:
			o->rcvbuf = (uint32_t)number("--rcvbuf", optarg, 256,
			                             16 * 1024 * 1024);
			break;
		case OPT_READ_RATE:
			o->read_rate = (uint32_t)number("--read-rate", optarg,
			                                1, 1000 * 1000 * 1000);
			break;
		case OPT_SEED:
			o->seed = (uint64_t)number("--seed", optarg, 0,
			                           INT64_MAX);
			o->seed_set = true;
			break;
		case OPT_TIME_WAIT:
			o->time_wait_s =
			        (long)number("--time-wait", optarg, 0, 3600);
			break;
		case OPT_SYN_RETRIES:
			o->syn_retries =
			        (int)number("--syn-retries", optarg, 0, 20);
			break;
		case 'T':
			o->timeout_s =
			        (long)number("--timeout", optarg, 0, 86400);
			break;
		case OPT_NO_GUARD:
			o->no_guard = true;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("tcplab-client %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		default:
			bad_option(c, argv);
		}
	}
	o->tf = td.f;
	if (optind == argc)
		die(EXIT_USAGE, "%s",
		    _("no URL given: see tcplab-client --help"));
	if (optind != argc - 1)
		die(EXIT_USAGE, _("one URL only, please: %s is a second one"),
		    argv[optind + 1]);
	o->url = argv[optind];
	if ((o->step || o->predict) && o->quiet)
		die(EXIT_USAGE, "%s",
		    _("--quiet hides what --step and --predict show"));
	if ((o->step || o->predict) && o->json)
		die(EXIT_USAGE, "%s",
		    _("--step and --predict talk on standard output, which "
		      "--json keeps for JSON"));
	if ((o->quiet ? 1 : 0) + (o->plain ? 1 : 0) + (o->json ? 1 : 0) > 1)
		die(EXIT_USAGE, "%s",
		    _("--quiet, --plain and --json exclude each other"));
}

/*
 * The server's address: a dotted quad, an IPv6 address (in brackets in
 * the URL), or a name from /etc/hosts. tcplab never sends a DNS query (a
 * lab's capture must hold only the lab's packets), so a name the hosts
 * file does not hold is an error of the environment, said before
 * anything is opened. A name on lines of both families takes its first
 * line's, as the hosts file orders them; -4 and -6 choose, as curl's do.
 */
static void resolve(struct client *cl)
{
	const char *host = cl->url.host;
	int fam = cl->o.family;

	if (cl->url.host6 || route_pton(host, 4, &cl->daddr) == 0) {
		if (cl->url.host6 && route_pton(host, 6, &cl->daddr) != 0)
			die(EXIT_USAGE,
			    _("%s: an IPv4 address in brackets: write it "
			      "without them"),
			    cl->o.url);
		if (fam != 0 && fam != (ipaddr_is4(&cl->daddr) ? 4 : 6))
			die(EXIT_USAGE,
			    _("-%d: %s is an IPv%d address: leave -%d out"),
			    fam, host, fam == 4 ? 6 : 4, fam);
		return;
	}
	if (names_host_ip(cl->names, host, fam, &cl->daddr) == 0)
		return;
	if (fam != 0 && names_host_ip(cl->names, host, 0, &cl->daddr) == 0)
		die(EXIT_ENV,
		    _("%s has no IPv%d address in /etc/hosts: add one there, "
		      "or leave -%d out"),
		    host, fam, fam);
	die(EXIT_ENV,
	    _("unknown host %s: tcplab reads /etc/hosts only; give an "
	      "address or add the name there"),
	    host);
}

/* The URL did not parse. One that starts a host with '[' gets its own
 * word: RFC 3986's brackets hold a whole IPv6 address, a port after. */
static void bad_url(const char *url)
{
	const char *h = strncasecmp(url, "http://", 7) == 0 ? url + 7 : url;

	if (*h == '[' && strstr(h, "%25") != NULL)
		die(EXIT_USAGE, "%s",
		    _("no zones (%25...) in URLs: give the server's global "
		      "address"));
	if (*h == '[')
		die(EXIT_USAGE,
		    _("%s: an IPv6 address goes whole in brackets, the port "
		      "after them: http://[2001:db8::5]:8080/PATH"),
		    url);
	die(EXIT_USAGE, _("%s: not a URL of the form http://HOST[:PORT]/PATH"),
	    url);
}

static void draw_random(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n)
		die(EXIT_ENV, "%s", _("no random numbers: getrandom failed"));
}

/* The profile, with the random values a live run needs and --isn. */
static void setup_profile(struct client *cl)
{
	struct profile_random r;

	if (profile_get(cl->o.profile, &cl->prof) != 0)
		die(EXIT_USAGE, _("--profile: %s is not one of %s"),
		    cl->o.profile, profile_names());
	draw_random(&r, sizeof r);
	profile_randomize(&cl->prof.client, &r);
	if (cl->o.isn_set) {
		cl->prof.client.iss = cl->o.isn;
		cl->prof.client.fixed_iss = true;
	}
}

/* The port guard on the source port: a fixed one, or a free ephemeral
 * one from Linux's range (32768-60999). */
static void open_guard(struct client *cl)
{
	char err[256];
	unsigned i;
	int port = cl->o.sport >= 0 ? cl->o.sport : cl->prof.client.port;
	const struct ipaddr *a = &cl->saddr;

	if (cl->o.no_guard) {
		/* The lesson of --no-guard: nothing reserves the port, so the
		 * kernel has no socket there and resets what arrives. */
		if (port <= 0) {
			uint16_t p;
			draw_random(&p, sizeof p);
			port = 32768 + p % (61000 - 32768);
		}
		cl->sport = (uint16_t)port;
		cl->guard = -1;
		return;
	}
	if (port > 0) {
		cl->sport = (uint16_t)port;
		cl->guard = guard_open_at(a, cl->sport, err, sizeof err);
		if (cl->guard < 0)
			die(EXIT_ENV, "%s", err);
		return;
	}
	for (i = 0; i < 64; i++) {
		uint16_t p;
		draw_random(&p, sizeof p);
		cl->sport = (uint16_t)(32768 + p % (61000 - 32768));
		errno = 0;
		cl->guard = guard_open_at(a, cl->sport, err, sizeof err);
		if (cl->guard >= 0)
			return;
		/* A port in use: bind()'s EADDRINUSE, which guard_open()
		 * leaves in errno; its message may be in the reader's
		 * language, so the English words are only a fallback. */
		if (errno != EADDRINUSE && strstr(err, "in use") == NULL)
			die(EXIT_ENV, "%s", err);
	}
	die(EXIT_ENV, _("no free source port: %s"), err);
}

/* -s and the server must be of one family. */
static void check_source(struct client *cl)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];

	if (!cl->o.saddr_set ||
	    ipaddr_is4(&cl->o.saddr) == ipaddr_is4(&cl->daddr))
		return;
	die(EXIT_USAGE,
	    _("-s %s and the server %s are of two families: give -s an "
	      "address of the server's"),
	    route_ntop(&cl->o.saddr, sa, sizeof sa),
	    route_ntop(&cl->daddr, da, sizeof da));
}

/* Everything that needs root, before root is given up. */
static void open_system(struct client *cl)
{
	char err[256], filter[256], sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	bool v6 = !ipaddr_is4(&cl->daddr);

	check_source(cl);
	if (route_find(&cl->daddr, cl->dport, cl->o.ifname,
	               cl->o.saddr_set ? &cl->o.saddr : NULL, cl->ifname,
	               &cl->saddr, err, sizeof err) != 0)
		die(EXIT_ENV, "%s", err);
	if (route_mtu(&cl->daddr, cl->ifname, &cl->mtu, err, sizeof err) != 0)
		die(EXIT_ENV, "%s", err);
	cl->mss = v6 ? route_mss6(cl->mtu) : route_mss(cl->mtu);
	/* The raw socket first: without the privilege it names it. Over
	 * IPv6 as over IPv4 the kernel routes the segment and finds the next
	 * hop's link address (neighbour discovery, or ARP). */
	cl->inj = v6 ? inject_open_raw6(cl->ifname, err, sizeof err)
	             : inject_open_raw4(cl->ifname, err, sizeof err);
	if (cl->inj == NULL)
		die(EXIT_ENV, "%s", err);
	open_guard(cl);
	route_ntop(&cl->saddr, sa, sizeof sa);
	route_ntop(&cl->daddr, da, sizeof da);
	/* "tcp" after "ip6" matches a TCP header right after the IPv6 one,
	 * which is how the server's TCP sends. */
	snprintf(filter, sizeof filter,
	         "%s and tcp and src host %s and src port %u and dst host %s "
	         "and dst port %u",
	         v6 ? "ip6" : "ip", da, cl->dport, sa, cl->sport);
	cl->cap = capture_open(cl->ifname, filter, err, sizeof err);
	if (cl->cap == NULL)
		die(EXIT_ENV, "%s", err);
	if (cl->o.wfile != NULL) {
		cl->dump = capture_dump_open(cl->o.wfile, LINK_RAW_DLT, err,
		                             sizeof err);
		if (cl->dump == NULL)
			die(EXIT_ENV, "%s", err);
	}
	if (cl->o.outfile != NULL) {
		cl->out = fopen(cl->o.outfile, "w");
		if (cl->out != NULL)
			setvbuf(cl->out, NULL, _IOFBF, 65536);
		if (cl->out == NULL)
			die(EXIT_ENV, _("-O %s: %m"), cl->o.outfile);
	}
	/* The file is opened while the process may still create it. */
	cl->clock = labclock_open(cl->o.lab_clock, err, sizeof err);
	if (cl->clock == NULL)
		die(EXIT_ENV, "%s", err);
	if (cl->o.step || cl->o.predict)
		cl->in = stdin;
	if (privdrop(cl->o.user, err, sizeof err) != 0)
		die(EXIT_ENV, "%s", err);
}

static void say_setup(struct client *cl)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	bool v6 = !ipaddr_is4(&cl->daddr);

	/* --json keeps standard output for JSON. */
	FILE *f = cl->o.json ? stderr : stdout;

	if (cl->o.quiet)
		return;
	route_ntop(&cl->saddr, sa, sizeof sa);
	route_ntop(&cl->daddr, da, sizeof da);
	client_say(cl, f,
	           /* TRANSLATORS: keep "tcplab-client: ADDR.PORT ->
	            * ADDR.PORT" at the start: the lab runner reads the
	            * client's port there. */
	           _("tcplab-client: %s.%u -> %s.%u on %s, profile %s, "
	             "ISN %u\n"),
	           sa, cl->sport, da, cl->dport, cl->ifname, cl->prof.name,
	           cl->prof.client.iss);
	if (cl->prof.id == PROFILE_SEED &&
	    (v6 ||
	     !profile_addrs_match(&cl->prof, ipaddr_v4(&cl->saddr),
	                          ipaddr_v4(&cl->daddr)) ||
	     cl->sport != cl->prof.client.port ||
	     cl->dport != cl->prof.server.port))
		client_say(cl, f, "%s",
		           _("tcplab-client: the seed profile's exchange had "
		             "192.168.101.25.57290 -> 192.168.101.5.8080: on "
		             "other addresses or ports, the addresses and "
		             "checksums will differ from the article\n"));
	if (cl->mss != cl->prof.client.cfg.mss && v6)
		client_say(cl, f,
		           _("tcplab-client: MTU %u toward %s: the SYN offers "
		             "mss %u, the MTU less 60 bytes of IPv6 and TCP "
		             "headers%s\n"),
		           cl->mtu, da, cl->mss,
		           cl->prof.id == PROFILE_SEED
		                   ? _(" (the article's SYN offered 1460)")
		                   : "");
	else if (cl->mss != cl->prof.client.cfg.mss)
		client_say(
		        cl, f,
		        _("tcplab-client: MTU %u toward %s: the SYN offers mss "
		          "%u, the MTU less 40 bytes of IPv4 and TCP "
		          "headers%s\n"),
		        cl->mtu, da, cl->mss,
		        cl->prof.id == PROFILE_SEED
		                ? _(" (the article's SYN offered 1460)")
		                : "");
	if (cl->o.read_rate > 0) {
		char msg[512];

		snprintf(msg, sizeof msg,
		         _("the reader takes %u bytes a second from a receive "
		           "buffer of %u bytes: the window offers what it "
		           "leaves "
		           "(--read-rate, --rcvbuf)"),
		         cl->o.read_rate, cl->rcvbuf_eff);
		client_say(cl, f, "tcplab-client: %s\n", msg);
	}
	if (cl->o.loss_ppm > 0) {
		char p[16], msg[512];

		loss_format(cl->o.loss_ppm, p, sizeof p);
		snprintf(
		        msg, sizeof msg,
		        _("--loss %s: each segment, out or in, is lost with "
		          "that chance; --seed %llu loses the same ones again"),
		        p, (unsigned long long)cl->o.seed);
		client_say(cl, f, "tcplab-client: %s\n", msg);
	}
	if (cl->o.no_guard)
		client_say(
		        cl, f,
		        _("tcplab-client: no port guard on port %u: this "
		          "host's kernel knows no socket there and will answer "
		          "the server's SYN-ACK with a RST\n"),
		        cl->sport);
}

int main(int argc, char **argv)
{
	static struct client cl;
	int n, status;

	i18n_init();
	parse_args(argc, argv, &cl.o);
	if (httpc_parse_url(cl.o.url, &cl.url) != 0)
		bad_url(cl.o.url);
	setup_profile(&cl);
	if (!cl.o.seed_set) {
		draw_random(&cl.o.seed, sizeof cl.o.seed);
		cl.o.seed &= INT64_MAX; /* as --seed takes it back */
	}
	loss_init(&cl.loss, cl.o.loss_ppm, cl.o.seed);
	cl.rcvbuf_eff = cl.o.rcvbuf ? cl.o.rcvbuf : cl.prof.client.cfg.rcv_wnd;
	if (cl.o.req.user_agent == NULL)
		cl.o.req.user_agent = cl.prof.user_agent;
	n = httpc_request(&cl.url, &cl.o.req, cl.req, sizeof cl.req);
	if (n < 0)
		die(EXIT_USAGE, "%s",
		    n == TCPLAB_ENOSPC
		            ? _("the request is too long")
		            : _("-H or --user-agent: want \"Name: value\", no "
		                "control characters"));
	cl.req_len = (size_t)n;
	cl.names = names_open();
	if (cl.names == NULL)
		die(EXIT_ENV, "%s", _("out of memory reading /etc/hosts"));
	resolve(&cl);
	/* Over IPv6 the profile's SYN is Linux's over IPv6: the MSS and the
	 * windows follow from the 20 more bytes of IP header. */
	if (!ipaddr_is4(&cl.daddr))
		profile_ipv6(&cl.prof);
	cl.dport = cl.url.port;
	open_system(&cl);
	client_show_init(&cl);
	say_setup(&cl);
	status = client_run(&cl);
	if (cl.out != NULL && fclose(cl.out) != 0)
		status = EXIT_ENV;
	if (cl.dump != NULL)
		capture_dump_close(cl.dump);
	capture_close(cl.cap);
	inject_close(cl.inj);
	guard_close(cl.guard);
	if (cl.names != NULL)
		names_close(cl.names);
	labclock_close(cl.clock);
	return status;
}
