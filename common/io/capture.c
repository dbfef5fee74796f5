/*
 * capture.c: live capture with libpcap, and pcap files of what an endpoint
 * saw and sent.
 *
 * A capture is opened in immediate mode (each frame is delivered as soon as
 * it arrives, not when a buffer fills), non-blocking, inbound only, and
 * narrowed by the caller's BPF filter; its ring holds as many frames as
 * the caller says may arrive while it is busy. This file is the only
 * place besides the tests that includes pcap.h for live capture. It never
 * prints and never exits: errors go into the caller's buffer as "what
 * failed: why".
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/io/capture.h"
#include "common/io/i18n.h"
#include "common/io/ioerr.h"

/*
 * The longest frame kept whole. In immediate mode libpcap reads a
 * TPACKET_V2 ring of fixed slots, and on an interface with segmentation
 * offload (a veth pair, most NICs) each slot holds the snapshot length
 * and 70 bytes of headers. With 65,535 a slot took 65,616 bytes and a
 * 128 KiB block of its own, half of it unused (ss -0 -e shows the ring);
 * 65,466 fills a 64 KiB block exactly. Only an aggregate of segments
 * (GSO, GRO) is that long, and segments of one size make at most 65,226
 * bytes within IPv4's 65,535 (45 of 1,448); a longer frame would be cut,
 * and dropped as truncated.
 */
#define CAPTURE_SNAPLEN 65466
/* What each slot of the ring takes, and what the file of -w announces. */
#define CAPTURE_SLOT      65536
#define CAPTURE_DUMP_SNAP 65535

struct capture {
	pcap_t *p;
	int fd;
};

struct capture_dump {
	pcap_t *dead;
	pcap_dumper_t *dumper;
};

/* The message for a failed pcap_activate(), saying what to do. */
static void activate_error(pcap_t *p, int rc, const char *ifname, char *err,
                           size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		io_seterr(err, errlen,
		          _("capture on %s needs CAP_NET_RAW: run as root or "
		            "grant it with setcap"),
		          ifname);
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		io_seterr(err, errlen, _("capture on %s: no such interface"),
		          ifname);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		io_seterr(err, errlen,
		          _("capture on %s: the interface is down"), ifname);
		break;
	default:
		io_seterr(err, errlen, _("capture on %s: %s"), ifname,
		          pcap_geterr(p));
		break;
	}
}

/* Sets the options of a created handle and activates it. */
static int capture_activate(pcap_t *p, const char *ifname, unsigned slots,
                            char *err, size_t errlen)
{
	int rc;

	pcap_set_snaplen(p, CAPTURE_SNAPLEN);
	pcap_set_promisc(p, 0);
	/* libpcap makes as many slots as the buffer holds. */
	pcap_set_buffer_size(p, (int)(slots * CAPTURE_SLOT));
	/* Without immediate mode a frame may wait in the kernel's buffer
	 * for the packet-buffer timeout: a SYN would be answered late. */
	if (pcap_set_immediate_mode(p, 1) != 0) {
		io_seterr(err, errlen, _("capture on %s: no immediate mode"),
		          ifname);
		return -1;
	}
	rc = pcap_activate(p);
	if (rc < 0) {
		activate_error(p, rc, ifname, err, errlen);
		return -1;
	}
	return 0;
}

/* Inbound only, the caller's filter, and reads that never block. */
static int capture_narrow(pcap_t *p, const char *ifname, const char *filter,
                          char *err, size_t errlen)
{
	struct bpf_program prog;
	char ebuf[PCAP_ERRBUF_SIZE];

	/* An endpoint must not read the segments it sends itself. */
	if (pcap_setdirection(p, PCAP_D_IN) != 0) {
		io_seterr(err, errlen, _("capture on %s: inbound only: %s"),
		          ifname, pcap_geterr(p));
		return -1;
	}
	if (pcap_compile(p, &prog, filter != NULL ? filter : "", 1,
	                 PCAP_NETMASK_UNKNOWN) != 0) {
		io_seterr(err, errlen, _("capture filter \"%s\": %s"),
		          filter != NULL ? filter : "", pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		io_seterr(err, errlen, _("capture filter: %s"), pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, ebuf) != 0) {
		io_seterr(err, errlen, _("capture on %s: non-blocking: %s"),
		          ifname, ebuf);
		return -1;
	}
	return 0;
}

struct capture *capture_open(const char *ifname, const char *filter, char *err,
                             size_t errlen)
{
	return capture_open_ring(ifname, filter, CAPTURE_RING_DEFAULT, err,
	                         errlen);
}

struct capture *capture_open_ring(const char *ifname, const char *filter,
                                  unsigned slots, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;

	if (ifname == NULL || if_nametoindex(ifname) == 0) {
		/* TRANSLATORS: "(none)" stands for the name of an interface
		   that was not given. */
		io_seterr(err, errlen, _("capture on %s: no such interface"),
		          ifname != NULL ? ifname : _("(none)"));
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		io_seterr(err, errlen, _("capture: %s"), strerror(errno));
		return NULL;
	}
	c->p = pcap_create(ifname, ebuf);
	if (c->p == NULL) {
		io_seterr(err, errlen, _("capture on %s: %s"), ifname, ebuf);
		goto fail;
	}
	if (capture_activate(c->p, ifname, slots, err, errlen) != 0 ||
	    capture_narrow(c->p, ifname, filter, err, errlen) != 0)
		goto fail;
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0) {
		io_seterr(err, errlen, _("capture on %s: nothing to poll"),
		          ifname);
		goto fail;
	}
	return c;
fail:
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
	return NULL;
}

int capture_fd(const struct capture *c)
{
	return c->fd;
}

int capture_linktype(const struct capture *c)
{
	return pcap_datalink(c->p);
}

int capture_next(struct capture *c, struct capture_frame *f, char *err,
                 size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(c->p, &h, &data);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		/* TRANSLATORS: "capture: interrupted": a signal stopped the
		   wait for a frame. */
		io_seterr(err, errlen, _("capture: %s"),
		          rc == PCAP_ERROR_BREAK ? _("interrupted")
		                                 : pcap_geterr(c->p));
		return -1;
	}
	f->data = data;
	f->caplen = h->caplen;
	f->len = h->len;
	f->sec = (int64_t)h->ts.tv_sec;
	f->usec = (uint32_t)h->ts.tv_usec;
	return 1;
}

unsigned capture_drops(struct capture *c)
{
	struct pcap_stat st;

	if (pcap_stats(c->p, &st) != 0)
		return 0;
	return st.ps_drop;
}

void capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->p);
	free(c);
}

struct capture_dump *capture_dump_open(const char *path, int linktype,
                                       char *err, size_t errlen)
{
	struct capture_dump *d;

	d = calloc(1, sizeof *d);
	if (d == NULL) {
		io_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	d->dead = pcap_open_dead(linktype, CAPTURE_DUMP_SNAP);
	if (d->dead == NULL) {
		io_seterr(err, errlen, _("%s: cannot write link type %d"), path,
		          linktype);
		goto fail;
	}
	d->dumper = pcap_dump_open(d->dead, path);
	if (d->dumper == NULL) {
		io_seterr(err, errlen, "%s", pcap_geterr(d->dead));
		goto fail;
	}
	return d;
fail:
	if (d->dead != NULL)
		pcap_close(d->dead);
	free(d);
	return NULL;
}

void capture_dump_write(struct capture_dump *d, const uint8_t *frame,
                        size_t len, int64_t sec, uint32_t usec)
{
	struct pcap_pkthdr h;

	if (d == NULL)
		return;
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = (suseconds_t)usec;
	h.caplen = (bpf_u_int32)(len > CAPTURE_DUMP_SNAP ? CAPTURE_DUMP_SNAP
	                                                 : len);
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d->dumper, &h, frame);
	/* Flushed at once, so that the file is whole if we are killed. */
	pcap_dump_flush(d->dumper);
}

void capture_dump_close(struct capture_dump *d)
{
	if (d == NULL)
		return;
	pcap_dump_close(d->dumper);
	pcap_close(d->dead);
	free(d);
}
