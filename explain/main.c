/*
 * main.c: tcplab-explain reads a capture file and prints each packet as
 * tcpdump 4.99.3 prints it with the same flags, then explains it.
 *
 * This is the program's shell: it parses tcpdump-like options, opens the
 * input and tells a pcap or pcapng file from tcpdump's text by its first
 * bytes, then hands the stream to the pcap run (pcap.c) or the text run
 * (text.c). The input is never read whole: libpcap and the text reader
 * take it as it comes. It never sends a packet and never makes a DNS
 * query; only main() exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "common/io/term.h"
#include "common/io/i18n.h"
#include "common/opt.h"
#include "common/wrap.h"

#include "explain/explain.h"

/* The help: one entry a line, fitted to the terminal by term_print(). */
static void usage(FILE *f)
{
	/* TRANSLATORS: the synopsis; only "usage:" is a word to translate:
	   the options, "count", "file", "expression", "options" and
	   "file.txt" stay as they are. The second line lines up with the
	   program's name on the first (its continuations do too). */
	const char *syn = _("usage: %s [-nStv] [-c count] "
	                    "[--plain|--json|--ladder] -r file [expression]\n"
	                    "       %s [options] file.txt|-\n");
	char buf[512];
	const char *at;
	size_t hang = 7;

	snprintf(buf, sizeof(buf), syn, PROG, PROG);
	at = strstr(buf, PROG);
	if (at != NULL)
		hang = wrap_cols(buf, (size_t)(at - buf));
	term_print_hang(f, buf, (unsigned)hang);
	/* TRANSLATORS: the help, one entry a line: the program wraps each
	   line to the terminal, its continuations under the description.
	   Keep the option names and the metavariables (FILE, COUNT, COLS,
	   N) as they are, and two spaces or more before each
	   description. */
	term_print(f, _("Prints a capture (pcap, or tcpdump's text) as "
	                "tcpdump does and explains every segment: "
	                "arithmetic, states, events, a ladder diagram.\n"
	                "\n"
	                "  -r FILE        read packets from FILE (- for "
	                "standard input)\n"
	                "  -n             do not convert addresses to names "
	                "(-nn: ports too)\n"
	                "  -v             verbose: the IP header and "
	                "checksums (-vv, -vvv: more)\n"
	                "  -S             print absolute TCP sequence "
	                "numbers\n"
	                "  -t             no timestamp (-tt seconds, -ttt "
	                "delta, -tttt date, -ttttt delta from the first "
	                "packet)\n"
	                "  -c COUNT       stop after COUNT packets\n"
	                "  --plain        print only tcpdump's lines, whole, "
	                "no explanations\n"
	                "  --json         one JSON object per segment and per "
	                "connection\n"
	                "  --ladder       only the ladder diagram of each "
	                "connection\n"
	                "  --ascii        draw with ASCII instead of box "
	                "drawing\n"
	                "  --width COLS   the width to fit (default: the "
	                "terminal's, else COLUMNS, else 80)\n"
	                "  --svg FILE     write the diagram of one connection "
	                "as SVG\n"
	                "  --tsg FILE     write a time-sequence graph of one "
	                "connection as SVG (- for a text plot instead of the "
	                "usual output)\n"
	                "  --cwnd FILE    write one connection's cwnd, "
	                "ssthresh and bytes in flight over time as SVG (- "
	                "for a text plot): estimated from a capture, exact "
	                "from a tcplab program's --json log\n"
	                "  --cc           under each segment, what the "
	                "capture lets one infer of its sender: cwnd, "
	                "ssthresh, flight, SRTT, RTO\n"
	                "  --scenario FILE  write one connection as a "
	                "scenario that replays it, for tcplab run (- for the "
	                "scenario instead of the usual output)\n"
	                "  --conn N       the connection --svg, --tsg, "
	                "--cwnd, --scenario and --handout take (default 1)\n"
	                "  --handout FILE  write a lab's printable handout "
	                "as HTML: its text and questions from --lab FILE.scn, "
	                "the ladder, a table of the segments with seq and "
	                "ack to fill in; --key fills them and gives the "
	                "answers, --student NAME puts a name in its head\n"
	                "  -h, --help     print this help and exit\n"
	                "  --version      print the version and exit\n"
	                "\n"
	                "An expression after the options selects packets, as "
	                "in pcap-filter(7). tcpdump's lines are folded at "
	                "their field boundaries to the width (continuations "
	                "start with eight spaces); --plain keeps them whole.\n"
	                "Exit status: 0 success, 1 the capture could not be "
	                "read, 2 usage.\n"));
}

/* Joins argv[0..argc) with spaces, as tcpdump does with its expression. */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* A number in [lo, hi] for option name; -1 after saying what is wrong. */
static int number(const char *arg, const char *name, int64_t lo, int64_t hi,
                  int64_t *out)
{
	char msg[256];

	if (opt_number(arg, lo, hi, out) == 0)
		return 0;
	opt_number_msg(&i18n_tr, msg, sizeof(msg), name, arg, lo, hi);
	explain_warn("%s", msg);
	return -1;
}

/* --tsg with an output it cannot go with: -1 after saying so. */
static int tsg_conflict(const struct options *o)
{
	if (o->plain) {
		explain_warn(_("--tsg needs the explanations: it cannot go "
		               "with --plain"));
		return -1;
	}
	if (o->tsg_text && (o->json || o->ladder_only)) {
		explain_warn(_("--tsg - prints the graph instead of the usual "
		               "output: it cannot go with --json or --ladder"));
		return -1;
	}
	return 0;
}

static int cwnd_conflict(const struct options *o)
{
	bool text = strcmp(o->cwnd, "-") == 0;

	if (o->plain) {
		explain_warn(_("--cwnd needs the explanations: it cannot go "
		               "with --plain"));
		return -1;
	}
	if (text && (o->json || o->ladder_only || o->tsg_text)) {
		explain_warn(_("--cwnd - prints the chart instead of the usual "
		               "output: it cannot go with --json, --ladder or "
		               "--tsg -"));
		return -1;
	}
	return 0;
}

static int scenario_conflict(const struct options *o)
{
	bool text = strcmp(o->scenario, "-") == 0;
	bool plot =
	        o->tsg_text || (o->cwnd != NULL && strcmp(o->cwnd, "-") == 0);

	if (o->plain) {
		explain_warn(
		        _("--scenario needs the explanations: it cannot go "
		          "with --plain"));
		return -1;
	}
	if (text && (o->json || o->ladder_only || plot)) {
		explain_warn(
		        _("--scenario - prints the scenario instead of the "
		          "usual output: it cannot go with --json, --ladder, "
		          "--tsg - or --cwnd -"));
		return -1;
	}
	return 0;
}

/*
 * Parses the command line. Returns -1 to go on, or the status to exit
 * with (0 after --help or --version, 2 for a usage error).
 */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_PLAIN = 256,
		OPT_VERSION,
		OPT_JSON,
		OPT_LADDER,
		OPT_ASCII,
		OPT_SVG,
		OPT_WIDTH,
		OPT_CONN,
		OPT_TSG,
		OPT_CWND,
		OPT_CC,
		OPT_HANDOUT,
		OPT_LAB,
		OPT_KEY,
		OPT_STUDENT,
		OPT_SCENARIO,
	};
	static const struct option longopts[] = {
	        {"plain", no_argument, NULL, OPT_PLAIN},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"ladder", no_argument, NULL, OPT_LADDER},
	        {"ascii", no_argument, NULL, OPT_ASCII},
	        {"svg", required_argument, NULL, OPT_SVG},
	        {"width", required_argument, NULL, OPT_WIDTH},
	        {"conn", required_argument, NULL, OPT_CONN},
	        {"tsg", required_argument, NULL, OPT_TSG},
	        {"cwnd", required_argument, NULL, OPT_CWND},
	        {"cc", no_argument, NULL, OPT_CC},
	        {"handout", required_argument, NULL, OPT_HANDOUT},
	        {"lab", required_argument, NULL, OPT_LAB},
	        {"key", no_argument, NULL, OPT_KEY},
	        {"student", required_argument, NULL, OPT_STUDENT},
	        {"scenario", required_argument, NULL, OPT_SCENARIO},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, OPT_VERSION},
	        {NULL, 0, NULL, 0},
	};
	struct opt_tcpdump td;
	struct opt_getopt g;
	char msg[256];
	int64_t num;
	int c, rc;

	opterr = 0;
	o->width = term_cols(STDOUT_FILENO);
	o->conn = 1;
	opt_tcpdump_init(&td, NULL);
	while ((c = getopt_long(argc, argv, "+c:hr:" OPT_TCPDUMP_LETTERS,
	                        longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (number(optarg, "-c", 1, INT32_MAX, &num) < 0)
				return EXIT_USAGE;
			o->count = (long)num;
			break;
		case 'r':
			o->file = optarg;
			break;
		case 'n':
		case 'S':
		case 't':
		case 'v':
			rc = opt_tcpdump_flag(&td, c);
			if (rc != 0) {
				explain_warn("%s", _(opt_tcpdump_error(rc)));
				return EXIT_USAGE;
			}
			o->flags = td.f;
			break;
		case OPT_PLAIN:
			o->plain = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_LADDER:
			o->ladder_only = 1;
			break;
		case OPT_ASCII:
			o->ascii = 1;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_TSG:
			o->tsg = optarg;
			o->tsg_text = strcmp(optarg, "-") == 0;
			break;
		case OPT_CWND:
			o->cwnd = optarg;
			break;
		case OPT_CC:
			o->cc = 1;
			break;
		case OPT_HANDOUT:
			o->handout = optarg;
			break;
		case OPT_LAB:
			o->lab = optarg;
			break;
		case OPT_KEY:
			o->key = 1;
			break;
		case OPT_STUDENT:
			o->student = optarg;
			break;
		case OPT_SCENARIO:
			o->scenario = optarg;
			break;
		case OPT_WIDTH:
			if (number(optarg, "--width", 40, 1000, &num) < 0)
				return EXIT_USAGE;
			o->width = (unsigned)num;
			break;
		case OPT_CONN:
			if (number(optarg, "--conn", 1, INT32_MAX, &num) < 0)
				return EXIT_USAGE;
			o->conn = (unsigned)num;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf(PROG " (tcplab) " PACKAGE_VERSION "\n");
			return EXIT_OK;
		default:
			g.c = c;
			g.optopt = optopt;
			g.word = optind > 0 ? argv[optind - 1] : NULL;
			opt_getopt_msg(&i18n_tr, msg, sizeof(msg), PROG,
			               longopts, &g);
			explain_warn("%s", msg);
			return EXIT_USAGE;
		}
	}
	if (o->tsg != NULL && tsg_conflict(o) < 0)
		return EXIT_USAGE;
	if (o->cwnd != NULL && cwnd_conflict(o) < 0)
		return EXIT_USAGE;
	if (o->scenario != NULL && scenario_conflict(o) < 0)
		return EXIT_USAGE;
	/* A plot or a scenario on standard output is all it gets. */
	o->graph_text = o->tsg_text ||
	                (o->cwnd != NULL && strcmp(o->cwnd, "-") == 0) ||
	                (o->scenario != NULL && strcmp(o->scenario, "-") == 0);
	if (o->file == NULL && optind < argc)
		o->file = argv[optind++]; /* tcplab-explain FILE.txt */
	if (o->file == NULL) {
		explain_warn(_("no capture file given: use -r FILE or FILE "
		               "(- for standard input)"));
		return EXIT_USAGE;
	}
	if (optind < argc) {
		o->filter = join_args(argc - optind, argv + optind);
		if (o->filter == NULL) {
			explain_warn(_("out of memory"));
			return EXIT_INPUT;
		}
	}
	return -1;
}

/* Whether the bytes start like a pcap or pcapng file, or hold a NUL
 * (binary: let libpcap say what is wrong with it). */
static int looks_binary(const char *b, size_t len)
{
	static const uint8_t magic[][4] = {
	        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
	        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
	        {0x0a, 0x0d, 0x0d, 0x0a},
	};
	size_t i;

	if (len == 0)
		return 1;
	for (i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (len >= 4 && memcmp(b, magic[i], 4) == 0)
			return 1;
	return memchr(b, '\0', len) != NULL;
}

/*
 * The first bytes of an input that cannot seek back, replayed before the
 * rest of it: a stream that fopencookie() makes for libpcap or the text
 * reader.
 */
#define PEEK 4096

struct peeked {
	int fd;
	char buf[PEEK];
	size_t len, pos;
};

static ssize_t peeked_read(void *cookie, char *buf, size_t size)
{
	struct peeked *pk = cookie;
	ssize_t r;

	if (pk->pos < pk->len) {
		size_t n = pk->len - pk->pos < size ? pk->len - pk->pos : size;

		memcpy(buf, pk->buf + pk->pos, n);
		pk->pos += n;
		return (ssize_t)n;
	}
	do
		r = read(pk->fd, buf, size);
	while (r < 0 && errno == EINTR);
	return r;
}

static int peeked_close(void *cookie)
{
	struct peeked *pk = cookie;
	int rc = close(pk->fd);

	free(pk);
	return rc;
}

/*
 * Reads the first bytes of fd: what one read gives, and at least the four
 * of a file's magic number unless the input is shorter. Returns 0, or -1
 * with errno set.
 */
static int peek(struct peeked *pk)
{
	ssize_t r;

	pk->len = 0;
	while (pk->len < 4) {
		r = read(pk->fd, pk->buf + pk->len, PEEK - pk->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		pk->len += (size_t)r;
	}
	return 0;
}

/*
 * The stream of the rest: the file itself when it can seek back to where
 * it was (libpcap then reads straight from it), else the peeked bytes
 * replayed before it. Takes pk. NULL with errno set on failure.
 */
static FILE *stream_of(struct peeked *pk, off_t start)
{
	static const cookie_io_functions_t io = {peeked_read, NULL, NULL,
	                                         peeked_close};
	FILE *f;

	if (start >= 0 && lseek(pk->fd, start, SEEK_SET) == start) {
		f = fdopen(pk->fd, "rb");
		if (f != NULL)
			free(pk);
	} else {
		f = fopencookie(pk, "rb", io);
	}
	if (f != NULL)
		setvbuf(f, NULL, _IOFBF, 256 * 1024);
	return f;
}

/*
 * Opens the input (- for standard input) and tells a pcap or pcapng file
 * from tcpdump's text by its first bytes, without reading more. Returns
 * the stream, or NULL after a message.
 */
static FILE *open_input(const char *file, int *binary, int *json_log)
{
	struct peeked *pk = malloc(sizeof(*pk));
	off_t start;
	FILE *f;

	if (pk == NULL) {
		explain_warn(_("out of memory"));
		return NULL;
	}
	pk->pos = 0;
	pk->fd = strcmp(file, "-") == 0 ? dup(STDIN_FILENO)
	                                : open(file, O_RDONLY | O_CLOEXEC);
	if (pk->fd < 0)
		goto fail;
	start = lseek(pk->fd, 0, SEEK_CUR);
	if (peek(pk) < 0)
		goto fail;
	*binary = looks_binary(pk->buf, pk->len);
	/* A tcplab program's --json log starts with its first object. */
	*json_log = !*binary && pk->len > 0 && pk->buf[0] == '{';
	f = stream_of(pk, start);
	if (f == NULL)
		goto fail;
	return f;
fail:
	explain_warn(_("cannot read %s: %s"), file, strerror(errno));
	if (pk->fd >= 0)
		close(pk->fd);
	free(pk);
	return NULL;
}

/* Hands a pcap or pcapng stream to libpcap; returns the exit status. */
static int read_pcap(FILE *f, const struct options *o)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	/* Microseconds, as tcpdump prints them even for a nanosecond pcapng. */
	p = pcap_fopen_offline_with_tstamp_precision(
	        f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		explain_warn(_("cannot read %s: %s"), o->file, errbuf);
		fclose(f);
		return EXIT_INPUT;
	}
	rc = pcap_run(p, o);
	pcap_close(p); /* and f with it */
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc, binary, json_log = 0;
	FILE *f;

	i18n_init();
	memset(&o, 0, sizeof(o));
	rc = parse_options(argc, argv, &o);
	if (rc < 0)
		rc = handout_load(&o);
	if (rc >= 0)
		return rc;
	f = open_input(o.file, &binary, &json_log);
	if (f == NULL) {
		rc = EXIT_INPUT;
	} else if (binary) {
		rc = read_pcap(f, &o);
	} else if (json_log) {
		if (o.cwnd == NULL || o.tsg != NULL || o.svg != NULL ||
		    o.scenario != NULL) {
			explain_warn(
			        _("%s is a --json log: tcplab-explain reads "
			          "one only with --cwnd"),
			        o.file);
			rc = EXIT_USAGE;
		} else {
			rc = cwnd_log_run(f, &o);
		}
		fclose(f);
	} else {
		if (o.filter != NULL)
			explain_warn(_("the filter expression is ignored for "
			               "text input"));
		rc = text_run(f, &o);
		fclose(f);
	}
	free(o.filter);
	handout_unload(&o);
	return rc;
}
