/*
 * pcap.c: the pcap run of tcplab-explain: libpcap reads the records of a
 * pcap or pcapng file, and each one is printed as tcpdump 4.99.3 prints
 * it with the same flags, then explained.
 *
 * One packet goes through three steps in pcap_packet(): decode (the link
 * header, then IPv4 and TCP), format (tcpdump's text) and annotate (the
 * notes under it, or JSON instead), all into the output buffer and
 * without I/O. The rest of this file is I/O: libpcap, the filter, the
 * messages tcpdump writes to standard error, and handing the text on.
 */
#include "config.h"

#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io/i18n.h"
#include "common/link.h"
#include "common/seg.h"
#include "explain/explain.h"

/* Interface indexes below this are looked up once and remembered. */
#define IFCACHE 256

struct ifcache {
	char name[IFCACHE][IF_NAMESIZE];
	unsigned char state[IFCACHE]; /* 0 unknown, 1 named, 2 no name */
	char other[IF_NAMESIZE];
};

/* The pcap run: the common part, and what libpcap's records need. */
struct prun {
	struct explain *e;
	int linktype;
	struct ifcache ifc;
};

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

/*
 * A note's words in the reader's language; with --plain, whose output is
 * tcpdump's lines and what stands in for them, in English.
 */
static const char *say(const struct explain *e, const char *msgid)
{
	return e->o->plain ? msgid : _(msgid);
}

static const char *proto_word(const struct link_frame *lf)
{
	switch (lf->proto) {
	case LINK_P_IPV4:
		/* TRANSLATORS: "skipped %s (%u bytes)": what was skipped. */
		return N_("IPv4 packet");
	case LINK_P_IPV6:
		return N_("IPv6 packet");
	case LINK_P_ARP:
		return N_("ARP packet");
	case LINK_P_OTHER:
		break;
	}
	return N_("non-IP frame");
}

/* What an IPv4 packet that is printed as a note holds. */
static const char *ipv4_what(const uint8_t *ip)
{
	if ((ip[6] & 0x3f) != 0 || ip[7] != 0)
		/* TRANSLATORS: "skipped IPv4 packet, %s (%u bytes)": what
		   the packet holds (a fragment, ICMP, TCP, UDP or another
		   protocol). */
		return N_("a fragment");
	switch (ip[9]) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	}
	return N_("another protocol");
}

/* The note for a packet that is neither printed nor explained. */
static int skipped_note(const struct explain *e, const struct pcap_pkthdr *h,
                        const struct link_frame *lf, const uint8_t *net,
                        size_t ncap, char *p, size_t room)
{
	int k = snprintf(p, room, "%s: ", PROG), m;

	if (k < 0 || (size_t)k >= room)
		return -1;
	if (lf->proto == LINK_P_OTHER && lf->ethertype != 0)
		m = snprintf(p + k, room - (size_t)k,
		             say(e, N_("skipped non-IP frame, ethertype "
		                       "0x%04x (%u bytes)\n")),
		             lf->ethertype, h->len);
	else if (lf->proto == LINK_P_IPV4 && ncap >= 20)
		m = snprintf(p + k, room - (size_t)k,
		             say(e, N_("skipped IPv4 packet, %s (%u bytes)\n")),
		             say(e, ipv4_what(net)), h->len);
	else
		m = snprintf(p + k, room - (size_t)k,
		             say(e, N_("skipped %s (%u bytes)\n")),
		             say(e, proto_word(lf)), h->len);
	return m < 0 ? m : k + m;
}

/*
 * The text of a packet the printer does not handle: tcpdump's line when
 * other.c knows it, else a one-line note. The timestamp goes first in
 * both cases, as tcpdump_format() would write it.
 */
static int format_other_raw(struct explain *e, const struct pcap_pkthdr *h,
                            const uint8_t *bytes, int lrc,
                            const struct link_frame *lf, char *p, size_t room)
{
	const uint8_t *net = bytes + lf->offset;
	size_t ncap = h->caplen - lf->offset;
	int n, m = -1;

	n = tcpdump_format_ts(&e->sh.td, h->ts.tv_sec, (uint32_t)h->ts.tv_usec,
	                      p, room);
	if (n < 0)
		return n;
	if (lrc == 0 && ncap > 0 &&
	    (lf->proto == LINK_P_IPV4 || lf->proto == LINK_P_ARP)) {
		int k = snprintf(p + n, room - (size_t)n, "%s", lf->prefix);

		if (k < 0 || (size_t)k >= room - (size_t)n)
			return TCPLAB_ENOSPC;
		if (lf->proto == LINK_P_IPV4)
			m = other_format_ipv4(&e->sh.td.flags, &e->onames, net,
			                      ncap, p + n + k,
			                      room - (size_t)(n + k));
		else
			m = other_format_arp(&e->sh.td.flags, &e->onames, net,
			                     ncap, h->len - lf->offset,
			                     p + n + k, room - (size_t)(n + k));
		if (m >= 0)
			return n + k + m;
	}
	if (lrc == TCPLAB_ETRUNC ||
	    (lrc == 0 && ncap == 0 &&
	     (lf->proto == LINK_P_IPV4 || lf->proto == LINK_P_IPV6)))
		/* tcpdump's marker for a header cut short: " [|ether]". */
		m = snprintf(p + n, room - (size_t)n, "%s [|%s]\n", lf->prefix,
		             lrc == TCPLAB_ETRUNC             ? lf->trunc
		             : lf->proto == LINK_P_IPV6 ? "ip6"
		                                        : "ip");
	else
		m = skipped_note(e, h, lf, net, ncap, p + n, room - (size_t)n);
	if (m < 0 || (size_t)m >= room - (size_t)n)
		return TCPLAB_ENOSPC;
	return n + m;
}

/* format_other_raw()'s text, folded to the width as tcpdump's lines of a
 * TCP segment are (common/show): written in the second half of buf,
 * folded into the first. */
static int format_other(struct explain *e, const struct pcap_pkthdr *h,
                        const uint8_t *bytes, int lrc,
                        const struct link_frame *lf, char *buf, size_t cap)
{
	int n = format_other_raw(e, h, bytes, lrc, lf, buf + cap / 2, cap / 2);

	if (n <= 0)
		return n;
	/* With --json or --ladder it is a notice, for standard error. */
	if (e->sh.mode != SHOW_EXPLAIN) {
		memmove(buf, buf + cap / 2, (size_t)n);
		return n;
	}
	return show_lines(&e->sh, buf + cap / 2, (size_t)n, buf, cap / 2);
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

/*
 * One record, decoded (link, IPv4, TCP), annotated and formatted into
 * buf[0..cap): tcpdump's text and the notes, the JSON line, or nothing
 * (--ladder). *notice is set when the text is not an explained segment.
 * Returns the length, or TCPLAB_ENOSPC. No I/O.
 */
static int pcap_packet(struct prun *pr, const struct pcap_pkthdr *h,
                       const uint8_t *bytes, char *buf, size_t cap, int *notice)
{
	struct explain *e = pr->e;
	struct link_frame lf;
	struct show_pkt pk;
	struct seg s;
	int lrc, n;

	*notice = 1;
	if ((n = invalid_header(h, buf, cap)) > 0)
		return n;
	/* Decode. */
	lrc = link_decode_named(pr->linktype, bytes, h->caplen, ifname_lookup,
	                        &pr->ifc, &lf);
	if (lrc != 0 ||
	    (lf.proto != LINK_P_IPV4 && lf.proto != LINK_P_IPV6) ||
	    h->caplen <= lf.offset)
		return format_other(e, h, bytes, lrc, &lf, buf, cap);
	memset(&pk, 0, sizeof(pk));
	pk.sec = h->ts.tv_sec;
	pk.usec = (uint32_t)h->ts.tv_usec;
	pk.ip = bytes + lf.offset;
	pk.caplen = h->caplen - lf.offset;
	pk.prefix = lf.prefix[0] != '\0' ? lf.prefix : NULL;
	pk.wirelen = h->len - lf.offset;
	/* A segment that cannot be explained is a notice: with --json and
	 * --ladder its tcpdump lines go to standard error. */
	if (e->o->json || e->o->ladder_only) {
		if (seg_decode(&s, pk.ip, pk.caplen) < 0) {
			struct tcpdump_pkt tp = {pk.sec,    pk.usec,   pk.ip,
			                         pk.caplen, pk.prefix, pk.wirelen};

			n = tcpdump_format(&e->sh.td, &tp, buf, cap);
			return n == TCPLAB_EPROTO || n == TCPLAB_EVERSION
			               ? format_other(e, h, bytes, lrc, &lf,
			                              buf, cap)
			               : n;
		}
	}
	/* tcpdump's lines, then annot's notes (common/show). */
	n = show_packet(&e->sh, &pk, buf, cap);
	if (n == TCPLAB_EPROTO || n == TCPLAB_EVERSION)
		return format_other(e, h, bytes, lrc, &lf, buf, cap);
	*notice = !e->sh.explained && !e->o->plain;
	/* --tsg wants the SACK blocks, which only the decoded segment has;
	 * --scenario its options and payload. */
	if ((e->o->tsg != NULL || e->o->scenario != NULL) && e->sh.explained &&
	    e->sh.ar.conn == e->o->conn &&
	    seg_decode(&s, pk.ip, pk.caplen) >= 0)
		explain_explained(e, &s);
	else
		explain_explained(e, NULL);
	return n;
}

/*
 * Says once per protocol that tcpdump would have printed more of a
 * packet: the printer (common/tcpdump_app.c) left out a payload whose
 * decoder tcplab lacks, so that its lines end at "length N".
 */
static void note_app_skipped(struct explain *e)
{
	const char *name = e->sh.td.app_skipped;
	unsigned i;

	if (name == NULL)
		return;
	for (i = 0; i < e->napp_noted; i++)
		if (strcmp(e->app_noted[i], name) == 0)
			return;
	if (e->napp_noted < sizeof e->app_noted / sizeof e->app_noted[0])
		e->app_noted[e->napp_noted++] = name;
	/* TRANSLATORS: the first %s is the capture file, the second a
	   protocol's name (BGP, OpenFlow, ...); "length N" stays as it is,
	   it is what tcpdump's lines say. */
	explain_warn(_("%s: %s payloads are not decoded; their lines end at "
	               "\"length N\""),
	             e->o->file, name);
}

/* libpcap's callback: one record in, its text out. */
static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes)
{
	struct prun *pr = (struct prun *)user;
	struct explain *e = pr->e;
	int n, notice;

	explain_room(e, OUT_ROOM);
	e->sh.td.app_skipped = NULL;
	n = pcap_packet(pr, h, bytes, e->out + e->used, OUT_CAP - e->used,
	                &notice);
	note_app_skipped(e);
	if (n >= 0)
		explain_commit(e, (size_t)n, notice);
	else
		explain_warn(_("a packet at %lld.%06u: %s: not shown"),
		             (long long)h->ts.tv_sec, (unsigned)h->ts.tv_usec,
		             _(tcplab_strerror(n)));
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
		explain_warn(_("bad filter expression: %s"), pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) < 0) {
		explain_warn(_("cannot apply the filter: %s"), pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* Reads every packet; returns the exit status. */
static int read_all(pcap_t *p, const struct options *o)
{
	struct prun *pr = calloc(1, sizeof(*pr));
	int rc = EXIT_OK, lrc;

	if (pr == NULL || (pr->e = explain_new(o)) == NULL) {
		free(pr);
		return EXIT_INPUT;
	}
	pr->linktype = pcap_datalink(p);
	lrc = pcap_loop(p, o->count > 0 ? (int)o->count : -1, on_packet,
	                (u_char *)pr);
	if (explain_finish(pr->e) < 0)
		rc = EXIT_INPUT;
	if (lrc == PCAP_ERROR) {
		explain_warn(_("cannot read %s: %s"), o->file,
		             strip_name(pcap_geterr(p), o->file));
		rc = EXIT_INPUT;
	}
	rc = explain_close(pr->e, rc);
	free(pr);
	return rc;
}

int pcap_run(pcap_t *p, const struct options *o)
{
	print_reading(p, o->file);
	if (!link_supported(pcap_datalink(p))) {
		explain_warn(
		        _("cannot print %s: link-type %d is not supported "
		          "(use Ethernet, raw IP, loopback, PPP or Linux "
		          "cooked captures)"),
		        o->file, pcap_datalink(p));
		return EXIT_INPUT;
	}
	if (o->filter != NULL && set_filter(p, o->filter) < 0)
		return EXIT_USAGE;
	return read_all(p, o);
}
