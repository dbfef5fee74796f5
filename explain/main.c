/*
 * main.c: tcplab-explain reads a capture file and prints each packet as
 * tcpdump 4.99.3 prints it with the same flags, then explains it.
 *
 * This is the program's shell: it parses tcpdump-like options, opens the
 * input and tells a pcap or pcapng file from tcpdump's text, then hands
 * it to the pcap run (pcap.c) or the text run (text.c). It never sends a
 * packet and never makes a DNS query; only main() exits.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "explain/explain.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: " PROG " [-nStv] [-c count] [--plain|--json|--ladder] "
	        "-r file [expression]\n"
	        "       " PROG " [options] file.txt|-\n"
	        "Print a capture (pcap, or tcpdump's text) as tcpdump does and "
	        "explain\nevery segment: arithmetic, states, events, a ladder "
	        "diagram.\n"
	        "\n"
	        "  -r FILE      read packets from FILE (- for standard input)\n"
	        "  -n           do not convert addresses to names (-nn: ports "
	        "too)\n"
	        "  -v           verbose: the IP header and checksums (-vv, "
	        "-vvv: more)\n"
	        "  -S           print absolute TCP sequence numbers\n"
	        "  -t           no timestamp (-tt seconds, -ttt delta, -tttt "
	        "date,\n"
	        "               -ttttt delta from the first packet)\n"
	        "  -c COUNT     stop after COUNT packets\n"
	        "      --plain  print only tcpdump's lines, no explanations\n"
	        "      --json   one JSON object per segment and per "
	        "connection\n"
	        "      --ladder only the ladder diagram of each connection\n"
	        "      --ascii  draw with ASCII instead of box drawing\n"
	        "      --width COLS  columns for the diagram (default 100)\n"
	        "      --svg FILE    write the diagram of one connection as "
	        "SVG\n"
	        "      --conn N      the connection --svg draws (default 1)\n"
	        "  -h, --help   print this help and exit\n"
	        "      --version  print the version and exit\n"
	        "\n"
	        "An expression after the options selects packets, as in "
	        "pcap-filter(7).\n"
	        "Exit status: 0 success, 1 the capture could not be read, 2 "
	        "usage.\n");
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

static int parse_count(const char *arg, long *count)
{
	char *end;

	errno = 0;
	*count = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || *count <= 0) {
		fprintf(stderr,
		        PROG ": bad packet count '%s': give a number "
		             "above 0\n",
		        arg);
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
	};
	static const struct option longopts[] = {
	        {"plain", no_argument, NULL, OPT_PLAIN},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"ladder", no_argument, NULL, OPT_LADDER},
	        {"ascii", no_argument, NULL, OPT_ASCII},
	        {"svg", required_argument, NULL, OPT_SVG},
	        {"width", required_argument, NULL, OPT_WIDTH},
	        {"conn", required_argument, NULL, OPT_CONN},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, OPT_VERSION},
	        {NULL, 0, NULL, 0},
	};
	long num;
	int c;

	opterr = 0;
	o->width = 100;
	o->conn = 1;
	while ((c = getopt_long(argc, argv, "+c:hnr:Stv", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			if (parse_count(optarg, &o->count) < 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (o->flags.n < 2)
				o->flags.n++;
			break;
		case 'r':
			o->file = optarg;
			break;
		case 'S':
			o->flags.S = true;
			break;
		case 't':
			if (o->flags.t < 5)
				o->flags.t++;
			break;
		case 'v':
			if (o->flags.v < 3)
				o->flags.v++;
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
		case OPT_WIDTH:
		case OPT_CONN:
			if (parse_count(optarg, &num) < 0)
				return EXIT_USAGE;
			if (c == OPT_WIDTH)
				o->width = num < 60    ? 60
				           : num > 200 ? 200
				                       : (unsigned)num;
			else
				o->conn = (unsigned)num;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf(PROG " (tcplab) " PACKAGE_VERSION "\n");
			return EXIT_OK;
		default:
			if (optopt == 'c' || optopt == 'r' ||
			    optopt == OPT_SVG || optopt == OPT_WIDTH ||
			    optopt == OPT_CONN)
				fprintf(stderr,
				        PROG ": option -%c needs an argument: "
				             "see " PROG " --help\n",
				        optopt);
			else if (optopt != 0)
				fprintf(stderr,
				        PROG ": unknown option -%c: see " PROG
				             " --help\n",
				        optopt);
			else
				fprintf(stderr,
				        PROG ": unknown option %s: see " PROG
				             " --help\n",
				        argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (o->file == NULL && optind < argc)
		o->file = argv[optind++]; /* tcplab-explain FILE.txt */
	if (o->file == NULL) {
		fprintf(stderr, PROG ": no capture file given: use -r FILE "
		                     "or FILE (- for standard input)\n");
		return EXIT_USAGE;
	}
	if (optind < argc) {
		o->filter = join_args(argc - optind, argv + optind);
		if (o->filter == NULL) {
			fprintf(stderr, PROG ": out of memory\n");
			return EXIT_INPUT;
		}
	}
	return -1;
}

/* Reads all of f into a malloc'd buffer; NULL on failure. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, k;
	char *buf = malloc(cap), *nb;

	while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf != NULL && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Whether the bytes start like a pcap or pcapng file, or hold a NUL
 * early on (binary: let libpcap say what is wrong with it). */
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
	return memchr(b, '\0', len < 4096 ? len : 4096) != NULL;
}

/*
 * Opens the input: a pcap file goes to libpcap, anything else is read as
 * tcpdump text. Standard input is read whole first to tell which.
 * Returns the pcap handle, or NULL with *status set (text was handled).
 */
static pcap_t *open_input(struct options *o, int *status, char **inbuf)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "rb");
	size_t len = 0;
	char *buf;
	pcap_t *p;

	*status = EXIT_INPUT;
	if (f == NULL) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", o->file,
		        strerror(errno));
		return NULL;
	}
	buf = slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (buf == NULL) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", o->file,
		        strerror(errno));
		return NULL;
	}
	if (!looks_binary(buf, len)) {
		if (o->filter != NULL)
			fprintf(stderr, PROG ": the filter expression is "
			                     "ignored for text input\n");
		*status = text_run(buf, len, o);
		free(buf);
		return NULL;
	}
	/* libpcap reads the same bytes from memory. */
	f = fmemopen(buf, len ? len : 1, "rb");
	*inbuf = buf;
	p = f ? pcap_fopen_offline_with_tstamp_precision(
	                f, PCAP_TSTAMP_PRECISION_MICRO, errbuf)
	      : NULL;
	if (p == NULL) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", o->file,
		        f ? errbuf : strerror(errno));
		if (f != NULL)
			fclose(f);
	}
	return p;
}

int main(int argc, char **argv)
{
	struct options o;
	char *inbuf = NULL;
	pcap_t *p;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	/* Microseconds, as tcpdump prints them even for a nanosecond pcapng. */
	p = open_input(&o, &rc, &inbuf);
	if (p == NULL) {
		free(o.filter);
		free(inbuf);
		return rc;
	}
	rc = pcap_run(p, &o);
	pcap_close(p);
	free(o.filter);
	free(inbuf);
	return rc;
}
