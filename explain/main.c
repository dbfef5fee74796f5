/*
 * main.c: tcplab-explain reads a capture file and prints each packet as
 * tcpdump 4.99.3 prints it with the same flags.
 *
 * This is the program's shell: it parses tcpdump-like options, opens the
 * file with libpcap, applies a filter expression as tcpdump does, and for
 * every packet asks the link decoder where the IP packet starts and the
 * printer for tcpdump's text. Output is gathered in one large buffer and
 * written in big blocks, since a capture can hold millions of packets.
 * It never sends a packet and never makes a DNS query.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <getopt.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "common/annot.h"
#include "common/err.h"
#include "common/io/names.h"
#include "common/link.h"
#include "common/ladder.h"
#include "common/seg.h"
#include "common/tcpdump.h"
#include "common/tdtext.h"
#include "explain/other.h"

#define PROG "tcplab-explain"

/* Exit statuses. */
#define EXIT_OK    0
#define EXIT_INPUT 1
#define EXIT_USAGE 2

/* The output buffer, and the room a packet may need before a flush. */
#define OUT_CAP  (256 * 1024)
#define OUT_ROOM (64 * 1024)

/* Interface indexes below this are looked up once and remembered. */
#define IFCACHE 256

struct options {
	struct tcpdump_flags flags;
	long count; /* -c; 0 for no limit */
	const char *file;
	char *filter; /* the expression, or NULL */
	int plain;
	int json;        /* --json: one JSON object per line, nothing else */
	int ladder_only; /* --ladder: only the diagrams */
	int ascii;       /* --ascii: no box drawing */
	unsigned width;  /* --width: terminal columns for the ladder */
	unsigned conn;   /* --conn: the connection for --svg (default 1) */
	const char *svg; /* --svg FILE */
};

struct ifcache {
	char name[IFCACHE][IF_NAMESIZE];
	unsigned char state[IFCACHE]; /* 0 unknown, 1 named, 2 no name */
	char other[IF_NAMESIZE];
};

struct explain {
	int linktype;
	struct tcpdump_ctx ctx;
	struct names *names;
	struct other_names onames;
	struct ifcache ifc;
	char *out;
	size_t used;
	int write_failed;
	const struct options *o;
	struct annot_ctx an;
	struct annot_result ar;
	struct ladder_row *rows; /* one per TCP segment, for the diagrams */
	size_t nrows, rcap;
	/* Text input: the labels behind made-up addresses (240.0.0.0/8). */
	struct {
		uint32_t addr;
		char name[TDTEXT_LABEL_LEN];
	} label[TDTEXT_LABELS];
	unsigned nlabel;
	int svg_done, svg_failed; /* --svg: written, or failed */
};

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

/*
 * The name an interface index has on this machine, as tcpdump prints it
 * for Linux cooked v2 captures. Small indexes are looked up once.
 */
static const char *ifname_lookup(void *arg, uint32_t ifindex)
{
	struct ifcache *c = arg;

	if (ifindex >= IFCACHE)
		return if_indextoname(ifindex, c->other);
	if (c->state[ifindex] == 0)
		c->state[ifindex] =
		        if_indextoname(ifindex, c->name[ifindex]) ? 1 : 2;
	return c->state[ifindex] == 1 ? c->name[ifindex] : NULL;
}

static void flush_out(struct explain *e)
{
	if (e->used > 0 && fwrite(e->out, 1, e->used, stdout) != e->used)
		e->write_failed = 1;
	e->used = 0;
}

static const char *proto_word(const struct link_frame *lf)
{
	switch (lf->proto) {
	case LINK_P_IPV4:
		return "IPv4 packet";
	case LINK_P_IPV6:
		return "IPv6 packet";
	case LINK_P_ARP:
		return "ARP packet";
	case LINK_P_OTHER:
		break;
	}
	return "non-IP frame";
}

/* What an IPv4 packet that is printed as a note holds. */
static const char *ipv4_what(const uint8_t *ip)
{
	if ((ip[6] & 0x3f) != 0 || ip[7] != 0)
		return "a fragment";
	switch (ip[9]) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	}
	return "another protocol";
}

/*
 * Prints a packet the printer does not handle: tcpdump's line when
 * other.c knows it, else a one-line note. The timestamp goes first in
 * both cases, as tcpdump_format() would write it.
 */
static int print_other(struct explain *e, const struct pcap_pkthdr *h,
                       const uint8_t *bytes, int lrc,
                       const struct link_frame *lf)
{
	char *p = e->out + e->used;
	size_t room = OUT_CAP - e->used;
	const uint8_t *net = bytes + lf->offset;
	size_t ncap = h->caplen - lf->offset;
	int n, m = -1;

	n = tcpdump_format_ts(&e->ctx, h->ts.tv_sec, (uint32_t)h->ts.tv_usec, p,
	                      room);
	if (n < 0)
		return n;
	if (lrc == 0 && ncap > 0 &&
	    (lf->proto == LINK_P_IPV4 || lf->proto == LINK_P_ARP)) {
		int k = snprintf(p + n, room - (size_t)n, "%s", lf->prefix);

		if (k < 0 || (size_t)k >= room - (size_t)n)
			return TCPLAB_ENOSPC;
		if (lf->proto == LINK_P_IPV4)
			m = other_format_ipv4(&e->ctx.flags, &e->onames, net,
			                      ncap, p + n + k,
			                      room - (size_t)(n + k));
		else
			m = other_format_arp(&e->ctx.flags, &e->onames, net,
			                     ncap, h->len - lf->offset,
			                     p + n + k, room - (size_t)(n + k));
		if (m >= 0)
			return n + k + m;
	}
	if (lrc == TCPLAB_ETRUNC ||
	    (lrc == 0 && lf->proto == LINK_P_IPV4 && ncap == 0))
		/* tcpdump's marker for a header cut short: " [|ether]". */
		m = snprintf(p + n, room - (size_t)n, "%s [|%s]\n", lf->prefix,
		             lrc == TCPLAB_ETRUNC ? lf->trunc : "ip");
	else if (lf->proto == LINK_P_OTHER && lf->ethertype != 0)
		m = snprintf(p + n, room - (size_t)n,
		             PROG ": skipped non-IP frame, ethertype 0x%04x "
		                  "(%u bytes)\n",
		             lf->ethertype, h->len);
	else if (lf->proto == LINK_P_IPV4 && ncap >= 20)
		m = snprintf(p + n, room - (size_t)n,
		             PROG ": skipped IPv4 packet, %s (%u bytes)\n",
		             ipv4_what(net), h->len);
	else
		m = snprintf(p + n, room - (size_t)n,
		             PROG ": skipped %s (%u bytes)\n", proto_word(lf),
		             h->len);
	if (m < 0 || (size_t)m >= room - (size_t)n)
		return TCPLAB_ENOSPC;
	return n + m;
}

/* Keeps what the ladder diagram needs of one segment. */
static void keep_row(struct explain *e, const struct annot_result *r)
{
	if (e->nrows == e->rcap) {
		size_t ncap = e->rcap ? e->rcap * 2 : 64;
		struct ladder_row *nr = realloc(e->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return;
		e->rows = nr;
		e->rcap = ncap;
	}
	ladder_row_from(&e->rows[e->nrows++], r);
}

/*
 * Explains one segment whose tcpdump text (n bytes) is at the end of the
 * output buffer: the notes go under it, or JSON replaces it, or nothing
 * shows but the ladder row (--ladder). Returns the new length.
 */
static int explain_segment(struct explain *e, const struct annot_in *in, int n)
{
	const struct options *o = e->o;
	char *p = e->out + e->used;
	size_t room = OUT_CAP - e->used;
	int m;

	if (o->plain)
		return n;
	if (annot_input(&e->an, in, &e->ar) < 0)
		return n;
	keep_row(e, &e->ar);
	if (o->ladder_only)
		return 0;
	if (o->json) {
		return annot_format_json(&e->ar, NULL, p, room);
	}
	m = annot_format_text(&e->ar, 0, p + n, room - (size_t)n);
	return m < 0 ? m : n + m;
}

/* Decodes the TCP segment the printer just wrote and explains it. */
static int explain_pkt(struct explain *e, const struct tcpdump_pkt *pkt, int n)
{
	struct annot_in in;
	struct seg s;

	if (e->o->plain)
		return n;
	if (seg_decode(&s, pkt->ip, pkt->caplen) < 0) {
		int m;

		if (e->o->json || e->o->ladder_only)
			return 0;
		m = snprintf(e->out + e->used + n,
		             OUT_CAP - e->used - (size_t)n,
		             "  | not explained: the segment is damaged or cut "
		             "short\n");
		return m < 0 || (size_t)m >= OUT_CAP - e->used - (size_t)n
		               ? TCPLAB_ENOSPC
		               : n + m;
	}
	memset(&in, 0, sizeof(in));
	in.s = &s;
	in.sec = pkt->ts_sec;
	in.usec = pkt->ts_usec;
	in.cksum = ANNOT_CKSUM_COMPUTE;
	return explain_segment(e, &in, n);
}

/* Formats one packet at the end of the output buffer. */
static int format_packet(struct explain *e, const struct pcap_pkthdr *h,
                         const uint8_t *bytes)
{
	struct link_frame lf;
	struct tcpdump_pkt pkt;
	int lrc, n;

	lrc = link_decode_named(e->linktype, bytes, h->caplen, ifname_lookup,
	                        &e->ifc, &lf);
	if (lrc == 0 && lf.proto == LINK_P_IPV4 && h->caplen > lf.offset) {
		pkt.ts_sec = h->ts.tv_sec;
		pkt.ts_usec = (uint32_t)h->ts.tv_usec;
		pkt.ip = bytes + lf.offset;
		pkt.caplen = h->caplen - lf.offset;
		pkt.prefix = lf.prefix[0] != '\0' ? lf.prefix : NULL;
		pkt.wirelen = h->len - lf.offset;
		n = tcpdump_format(&e->ctx, &pkt, e->out + e->used,
		                   OUT_CAP - e->used);
		if (n >= 0)
			return explain_pkt(e, &pkt, n);
		if (n != TCPLAB_EPROTO && n != TCPLAB_EVERSION)
			return n;
	}
	n = print_other(e, h, bytes, lrc, &lf);
	return n >= 0 && (e->o->json || e->o->ladder_only) ? 0 : n;
}

/*
 * tcpdump refuses a record whose lengths make no sense, without a
 * timestamp: "[Invalid header: caplen==0, len==0]". Returns the length
 * written, or 0 when the header is sound.
 */
static int invalid_header(const struct pcap_pkthdr *h, char *p, size_t room)
{
	int n;

	if (h->caplen == 0 && h->len == 0)
		n = snprintf(p, room, "[Invalid header: caplen==0, len==0]\n");
	else if (h->caplen == 0)
		n = snprintf(p, room, "[Invalid header: caplen==0]\n");
	else if (h->len == 0)
		n = snprintf(p, room, "[Invalid header: len==0]\n");
	else if (h->len < h->caplen)
		n = snprintf(p, room,
		             "[Invalid header: len(%u) < caplen(%u)]\n", h->len,
		             h->caplen);
	else
		return 0;
	return n > 0 && (size_t)n < room ? n : 0;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes)
{
	struct explain *e = (struct explain *)user;
	int n;

	if (OUT_CAP - e->used < OUT_ROOM)
		flush_out(e);
	n = invalid_header(h, e->out + e->used, OUT_CAP - e->used);
	if (n > 0) {
		e->used += (size_t)n;
		return;
	}
	n = format_packet(e, h, bytes);
	if (n == TCPLAB_ENOSPC && e->used > 0) {
		/* A packet bigger than the usual room: retry in an empty
		 * buffer. */
		flush_out(e);
		n = format_packet(e, h, bytes);
	}
	if (n >= 0)
		e->used += (size_t)n;
}

/* pcap's messages often start with the file name; leave it out. */
static const char *strip_name(const char *msg, const char *file)
{
	size_t len = strlen(file);

	if (strncmp(msg, file, len) == 0 && strncmp(msg + len, ": ", 2) == 0)
		return msg + len + 2;
	return msg;
}

static void print_reading(pcap_t *p, const char *file)
{
	int dlt = pcap_datalink(p);
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);

	if (name != NULL)
		fprintf(stderr,
		        "reading from file %s, link-type %s (%s), snapshot "
		        "length %d\n",
		        file, name, desc != NULL ? desc : name,
		        pcap_snapshot(p));
	else
		fprintf(stderr,
		        "reading from file %s, link-type %d, snapshot length "
		        "%d\n",
		        file, dlt, pcap_snapshot(p));
	/* tcpdump warns because the names come from this machine. */
	if (dlt == LINK_LINUX_SLL2)
		fprintf(stderr,
		        "Warning: interface names might be incorrect\n");
}

/* Compiles and installs the filter expression, as tcpdump does. */
static int set_filter(pcap_t *p, const char *expr)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, expr, 1, 0) < 0) {
		fprintf(stderr, PROG ": bad filter expression: %s\n",
		        pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) < 0) {
		fprintf(stderr, PROG ": cannot apply the filter: %s\n",
		        pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static const char *udp_port_lookup(void *arg, uint16_t port)
{
	return names_udp_port(arg, port);
}

static void on_conn_done(void *arg, const struct annot_summary *sm);

static int setup(struct explain *e, const struct options *o)
{
	struct tcpdump_resolver res;

	e->out = malloc(OUT_CAP);
	e->names = names_open();
	if (e->out == NULL || e->names == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	names_resolver(e->names, &res);
	e->onames.host = res.host;
	e->onames.udp_port = udp_port_lookup;
	e->onames.arg = e->names;
	tcpdump_ctx_init(&e->ctx, &o->flags, &res);
	annot_init(&e->an);
	e->an.done = on_conn_done;
	e->an.done_arg = e;
	e->o = o;
	return 0;
}

static void addr_port(const struct explain *e, uint32_t a, uint16_t port,
                      char *buf, size_t cap)
{
	unsigned i;

	for (i = 0; i < e->nlabel; i++)
		if (e->label[i].addr == a) {
			snprintf(buf, cap, "%s:%u", e->label[i].name, port);
			return;
		}
	snprintf(buf, cap, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 0xff,
	         (a >> 8) & 0xff, a & 0xff, port);
}

/* Writes the ladder of a connection to stdout, or SVG to f. */
static int draw_ladder(struct explain *e, const struct annot_summary *sm,
                       FILE *svg)
{
	struct ladder_opts lo;
	char cl[48], sl[48], lab[2][64];
	size_t cap = 512 * e->nrows + 8192;
	char *buf = malloc(cap);
	int n;

	if (buf == NULL)
		return -1;
	addr_port(e, sm->caddr, sm->cport, cl, sizeof(cl));
	addr_port(e, sm->saddr, sm->sport, sl, sizeof(sl));
	snprintf(lab[0], sizeof(lab[0]), "client %s", cl);
	snprintf(lab[1], sizeof(lab[1]), "server %s", sl);
	memset(&lo, 0, sizeof(lo));
	lo.width = e->o->width;
	lo.ascii = e->o->ascii != 0;
	lo.label[0] = lab[0];
	lo.label[1] = lab[1];
	if (svg != NULL)
		n = ladder_format_svg(e->rows, e->nrows, sm->conn, &lo, buf,
		                      cap);
	else
		n = ladder_format_text(e->rows, e->nrows, sm->conn, &lo, buf,
		                       cap);
	if (n > 0 && fwrite(buf, 1, (size_t)n, svg ? svg : stdout) != (size_t)n)
		n = -1;
	free(buf);
	return n < 0 ? -1 : 0;
}

/* --svg: the ladder of one connection as an SVG file. */
static int write_svg(struct explain *e, const struct annot_summary *sm)
{
	FILE *f;
	int rc;

	f = fopen(e->o->svg, "w");
	if (f == NULL) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", e->o->svg,
		        strerror(errno));
		return -1;
	}
	rc = draw_ladder(e, sm, f);
	if (fclose(f) != 0 || rc < 0) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", e->o->svg,
		        strerror(errno));
		return -1;
	}
	e->svg_done = 1;
	return 0;
}

/*
 * A connection is over (annot's done callback): what it did, then its
 * ladder; or its JSON line. What was printed before it goes out first.
 */
static void on_conn_done(void *arg, const struct annot_summary *sm)
{
	struct explain *e = arg;
	char buf[2048], cl[48], sl[48];
	int n;

	flush_out(e);
	if (e->o->svg != NULL && sm->conn == e->o->conn && write_svg(e, sm) < 0)
		e->svg_failed = 1;
	if (e->o->json) {
		n = annot_format_summary_json(sm, buf, sizeof(buf));
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		return;
	}
	if (!e->o->ladder_only) {
		addr_port(e, sm->caddr, sm->cport, cl, sizeof(cl));
		addr_port(e, sm->saddr, sm->sport, sl, sizeof(sl));
		printf("\n== connection %u: client %s, server %s\n", sm->conn,
		       cl, sl);
		n = annot_format_summary_text(sm, 0, buf, sizeof(buf));
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	printf("\n");
	draw_ladder(e, sm, NULL);
}

/* After the last packet: the connections left, the SVG. */
static int finish(struct explain *e)
{
	if (e->o->plain)
		return 0;
	annot_finish(&e->an);
	if (e->svg_failed)
		return -1;
	if (e->o->svg != NULL && !e->svg_done) {
		fprintf(stderr,
		        PROG ": no connection %u in the capture for "
		             "--svg\n",
		        e->o->conn);
		return -1;
	}
	return 0;
}

/*
 * Ends a run: checks that everything printed reached standard output, and
 * frees e (which may be NULL or half set up). Returns rc, or EXIT_INPUT
 * when the output could not be written.
 */
static int explain_close(struct explain *e, int rc)
{
	if (e == NULL)
		return rc;
	if (e->o != NULL && (fflush(stdout) != 0 || e->write_failed)) {
		fprintf(stderr, PROG ": cannot write the output: %s\n",
		        strerror(errno));
		rc = EXIT_INPUT;
	}
	tcpdump_ctx_free(&e->ctx);
	annot_free(&e->an);
	free(e->rows);
	names_close(e->names);
	free(e->out);
	free(e);
	return rc;
}

/* Reads every packet; returns the exit status. */
static int run(pcap_t *p, const struct options *o)
{
	struct explain *e = calloc(1, sizeof(*e));
	int rc = EXIT_OK, lrc;

	if (e == NULL || setup(e, o) < 0)
		return explain_close(e, EXIT_INPUT);
	e->linktype = pcap_datalink(p);
	lrc = pcap_loop(p, o->count > 0 ? (int)o->count : -1, on_packet,
	                (u_char *)e);
	flush_out(e);
	if (finish(e) < 0)
		rc = EXIT_INPUT;
	if (lrc == PCAP_ERROR) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", o->file,
		        strip_name(pcap_geterr(p), o->file));
		rc = EXIT_INPUT;
	}
	return explain_close(e, rc);
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

/* Names in pasted text read back through the same files the printer
 * names from (common/io/names): hosts and services, never the network. */
static int text_host(void *arg, const char *name, uint32_t *addr)
{
	return names_host_addr(arg, name, addr);
}

static int text_port(void *arg, const char *name, uint16_t *port)
{
	return names_tcp_port_num(arg, name, port);
}

/* Remembers the label behind a made-up address of the text reader. */
static void keep_label(struct explain *e, uint32_t addr, const char *name)
{
	unsigned i;

	if ((addr >> 24) != 240)
		return;
	for (i = 0; i < e->nlabel; i++)
		if (e->label[i].addr == addr)
			return;
	if (e->nlabel < TDTEXT_LABELS) {
		e->label[e->nlabel].addr = addr;
		snprintf(e->label[e->nlabel].name, TDTEXT_LABEL_LEN, "%s",
		         name);
		e->nlabel++;
	}
}

/* One packet read from text: its lines as they were, then the notes. */
static void text_packet(struct explain *e, const struct tdtext_pkt *pk,
                        char **lines, size_t *lens)
{
	struct annot_in in;
	unsigned i;
	size_t n = 0;
	int m;

	if (OUT_CAP - e->used < OUT_ROOM)
		flush_out(e);
	for (i = pk->first_line; i <= pk->last_line; i++) {
		size_t l = lens[i - 1];

		if (l + 1 > OUT_ROOM / 2 - n)
			l = OUT_ROOM / 2 - n - 1;
		memcpy(e->out + e->used + n, lines[i - 1], l);
		n += l;
		e->out[e->used + n++] = '\n';
	}
	keep_label(e, pk->seg.saddr, pk->src_host);
	keep_label(e, pk->seg.daddr, pk->dst_host);
	memset(&in, 0, sizeof(in));
	in.s = &pk->seg;
	in.sec = pk->sec;
	in.usec = pk->usec;
	in.cksum = pk->cksum;
	in.cksum_good = pk->cksum_good;
	m = explain_segment(e, &in, (int)n);
	if (m >= 0)
		e->used += (size_t)m;
}

/* Splits buf into lines in place; returns their count. */
static size_t split_lines(char *buf, size_t len, char ***lines, size_t **lens)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	*lines = malloc((n + 1) * sizeof(**lines));
	*lens = malloc((n + 1) * sizeof(**lens));
	if (*lines == NULL || *lens == NULL)
		return 0;
	n = 0;
	for (i = 0; i <= len; i++)
		if (i == len || buf[i] == '\n') {
			if (i == len && i == start)
				break;
			(*lines)[n] = buf + start;
			(*lens)[n] = i - start;
			if ((*lens)[n] > 0 && buf[i - 1] == '\r')
				(*lens)[n]--;
			n++;
			start = i + 1;
		}
	return n;
}

/* Reads tcpdump text; returns the exit status. */
static int run_text(char *buf, size_t len, const struct options *o)
{
	struct explain *e = calloc(1, sizeof(*e));
	struct tdtext_ctx *tc = calloc(1, sizeof(*tc));
	struct tdtext_names tn = {text_host, text_port, NULL};
	struct tdtext_pkt pk;
	struct tdtext_msg msg;
	char **lines = NULL;
	size_t *lens = NULL, nl, i;
	unsigned npk = 0, bad = 0;
	int rc = EXIT_OK, r;

	nl = split_lines(buf, len, &lines, &lens);
	if (e == NULL || tc == NULL || lines == NULL || lens == NULL ||
	    setup(e, o) < 0) {
		rc = EXIT_INPUT;
		goto done;
	}
	tn.arg = e->names;
	tdtext_init(tc, &tn);
	for (i = 0; i <= nl; i++) {
		r = i < nl ? tdtext_line(tc, lines[i], lens[i], &pk, &msg)
		           : tdtext_end(tc, &pk);
		if (r & TDTEXT_PKT) {
			text_packet(e, &pk, lines, lens);
			npk++;
			if (o->count > 0 && npk >= (unsigned)o->count)
				break;
		}
		if (r & (TDTEXT_BAD | TDTEXT_SKIP)) {
			bad += (r & TDTEXT_BAD) != 0;
			fprintf(stderr, PROG ": line %u: %s\n", msg.line,
			        msg.text);
		}
	}
	flush_out(e);
	if (finish(e) < 0)
		rc = EXIT_INPUT;
	if (npk == 0) {
		fprintf(stderr, PROG ": no TCP segment found in %s\n", o->file);
		rc = EXIT_INPUT;
	}
done:
	rc = explain_close(e, rc);
	free(tc);
	free(lines);
	free(lens);
	return rc;
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
		*status = run_text(buf, len, o);
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
		        f ? strip_name(errbuf, o->file) : strerror(errno));
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
	print_reading(p, o.file);
	if (!link_supported(pcap_datalink(p))) {
		fprintf(stderr,
		        PROG ": cannot print %s: link-type %d is not supported "
		             "(use Ethernet, raw IP, loopback or Linux cooked "
		             "captures)\n",
		        o.file, pcap_datalink(p));
		rc = EXIT_INPUT;
	} else if (o.filter != NULL && set_filter(p, o.filter) < 0) {
		rc = EXIT_USAGE;
	} else {
		rc = run(p, &o);
	}
	pcap_close(p);
	free(o.filter);
	free(inbuf);
	return rc;
}
