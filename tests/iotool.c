/*
 * iotool.c: drives the common/io adapters for tests/io.sh.
 *
 *   iotool syn IFACE SRC SPORT DST DPORT [--guard] [--link MAC] [--id N]
 *              [-w FILE]
 *     sends the article's SYN from SRC:SPORT to DST:DPORT (raw IPv4, or at
 *     the link layer to MAC), waits up to three seconds for the SYN-ACK and
 *     prints it as "tcpdump -t -vv -nn" would; exit 0 when it came, 1 when
 *     not, 4 when the bytes libnet sent differ from the codec's.
 *   iotool guard ADDR PORT
 *     opens the port guard and says whether it could; exit 3 if not.
 *
 * It opens everything first and drops privileges before reading a packet,
 * as the programs do. Test code only: run it inside a test namespace.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/io/capture.h"
#include "common/io/guard.h"
#include "common/io/inject.h"
#include "common/io/privdrop.h"
#include "common/link.h"
#include "common/seg.h"
#include "common/tcpdump.h"
#include "tests/article.h"

struct opts {
	const char *ifname, *wfile;
	uint32_t src, dst;
	uint16_t sport, dport;
	int guard, link, id;
	uint8_t mac[6];
};

static uint32_t addr_arg(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "iotool: bad address %s\n", s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

static int parse_syn(int argc, char **argv, struct opts *o)
{
	int i;

	if (argc < 7)
		return -1;
	o->ifname = argv[2];
	o->src = addr_arg(argv[3]);
	o->sport = (uint16_t)atoi(argv[4]);
	o->dst = addr_arg(argv[5]);
	o->dport = (uint16_t)atoi(argv[6]);
	o->id = -1;
	for (i = 7; i < argc; i++) {
		if (strcmp(argv[i], "--guard") == 0)
			o->guard = 1;
		else if (strcmp(argv[i], "--link") == 0 && i + 1 < argc) {
			unsigned m[6];
			if (sscanf(argv[++i], "%x:%x:%x:%x:%x:%x", &m[0], &m[1],
			           &m[2], &m[3], &m[4], &m[5]) != 6)
				return -1;
			for (int k = 0; k < 6; k++)
				o->mac[k] = (uint8_t)m[k];
			o->link = 1;
		} else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc)
			o->id = atoi(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			o->wfile = argv[++i];
		else
			return -1;
	}
	return 0;
}

/* Prints a received segment as "tcpdump -t -vv -nn" would. */
static void print_seg(const uint8_t *ip, size_t len)
{
	struct tcpdump_flags fl = {.v = 2, .n = 2, .S = false, .t = 1};
	struct tcpdump_ctx ctx;
	struct tcpdump_pkt p = {0};
	char buf[4096];

	tcpdump_ctx_init(&ctx, &fl, NULL);
	p.ip = ip;
	p.caplen = len;
	if (tcpdump_format(&ctx, &p, buf, sizeof buf) > 0)
		fputs(buf, stdout);
	tcpdump_ctx_free(&ctx);
}

/* The SYN to send, and a check that libnet put the codec's bytes on the
 * wire (after the link header, if any). */
static int send_syn(struct injector *in, const struct opts *o,
                    struct capture_dump *d, struct seg *s)
{
	uint8_t frame[2048], enc[2048];
	size_t flen = 0, hdr = o->link ? 14 : 0;
	char err[256];
	int n;

	article_build(0, s);
	s->saddr = o->src;
	s->daddr = o->dst;
	s->sport = o->sport;
	s->dport = o->dport;
	if (o->id >= 0)
		s->ip_id = (uint16_t)o->id;
	if (inject_seg(in, s, o->mac, frame, sizeof frame, &flen, err,
	               sizeof err) != 0) {
		fprintf(stderr, "iotool: %s\n", err);
		return 1;
	}
	capture_dump_write(d, frame, flen, time(NULL), 0);
	n = seg_encode(s, enc, sizeof enc);
	if (n < 0 || flen != hdr + (size_t)n ||
	    memcmp(frame + hdr, enc, (size_t)n) != 0) {
		fprintf(stderr,
		        "iotool: libnet's bytes differ from the codec's "
		        "(%zu sent, %d encoded)\n",
		        flen, n);
		return 4;
	}
	return 0;
}

/* Waits up to three seconds for the SYN-ACK of s. */
static int wait_synack(struct capture *c, const struct seg *s,
                       struct capture_dump *d)
{
	struct pollfd pfd = {.fd = capture_fd(c), .events = POLLIN};
	struct capture_frame f;
	struct link_frame lf;
	struct seg in;
	char err[256];
	int i;

	for (i = 0; i < 30; i++) {
		poll(&pfd, 1, 100);
		while (capture_next(c, &f, err, sizeof err) == 1) {
			capture_dump_write(d, f.data, f.caplen, f.sec, f.usec);
			if (link_decode(capture_linktype(c), f.data, f.caplen,
			                &lf) != 0 ||
			    lf.proto != LINK_P_IPV4 ||
			    seg_decode(&in, f.data + lf.offset,
			               f.caplen - lf.offset) != 0)
				continue;
			if ((in.flags & (TH_SYN | TH_ACK)) ==
			            (TH_SYN | TH_ACK) &&
			    in.ack == s->seq + 1) {
				print_seg(f.data + lf.offset,
				          f.caplen - lf.offset);
				return 0;
			}
		}
	}
	return 1;
}

static int cmd_syn(const struct opts *o)
{
	char err[256], filter[256], a[16], b[16];
	struct in_addr x;
	struct capture *c;
	struct injector *in;
	struct capture_dump *d = NULL;
	struct seg s;
	int g = -1, rc;

	x.s_addr = htonl(o->src);
	inet_ntop(AF_INET, &x, a, sizeof a);
	x.s_addr = htonl(o->dst);
	inet_ntop(AF_INET, &x, b, sizeof b);
	snprintf(filter, sizeof filter,
	         "tcp and src host %s and src port %u and dst host %s and "
	         "dst port %u",
	         b, o->dport, a, o->sport);
	c = capture_open(o->ifname, filter, err, sizeof err);
	in = c == NULL
	             ? NULL
	             : (o->link ? inject_open_link(o->ifname, err, sizeof err)
	                        : inject_open_raw4(o->ifname, err, sizeof err));
	if (in != NULL && o->guard)
		g = guard_open(o->src, o->sport, err, sizeof err);
	if (in != NULL && o->wfile != NULL)
		d = capture_dump_open(o->wfile, capture_linktype(c), err,
		                      sizeof err);
	if (c == NULL || in == NULL || (o->guard && g < 0) ||
	    (o->wfile != NULL && d == NULL) ||
	    privdrop(NULL, err, sizeof err) != 0) {
		fprintf(stderr, "iotool: %s\n", err);
		return 3;
	}
	printf("uid %u\n", (unsigned)getuid());
	rc = send_syn(in, o, d, &s);
	if (rc == 0)
		rc = wait_synack(c, &s, d);
	/* Hold the guard a moment: the kernel answers the SYN-ACK at once. */
	usleep(300000);
	capture_dump_close(d);
	guard_close(g);
	inject_close(in);
	capture_close(c);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	char err[256];
	int g;

	memset(&o, 0, sizeof o);
	if (argc >= 2 && strcmp(argv[1], "syn") == 0) {
		if (parse_syn(argc, argv, &o) != 0)
			goto usage;
		return cmd_syn(&o);
	}
	if (argc == 4 && strcmp(argv[1], "guard") == 0) {
		g = guard_open(addr_arg(argv[2]), (uint16_t)atoi(argv[3]), err,
		               sizeof err);
		if (g < 0) {
			printf("%s\n", err);
			return 3;
		}
		printf("guard open\n");
		guard_close(g);
		return 0;
	}
usage:
	fprintf(stderr, "usage: iotool syn IFACE SRC SPORT DST DPORT [--guard] "
	                "[--link MAC] [--id N] [-w FILE] | guard ADDR PORT\n");
	return 2;
}
