/*
 * capture.h: live capture of one endpoint's segments with libpcap, and
 * pcap files of what an endpoint saw and sent (-w).
 *
 * The capture runs in immediate mode, narrowed by a BPF filter that the
 * caller writes in pcap-filter(7) syntax, and sees inbound frames only, so
 * that an endpoint never reads its own output. Errors are written into the
 * caller's buffer as "what failed: why"; nothing here prints or exits.
 */
#ifndef TCPLAB_IO_CAPTURE_H
#define TCPLAB_IO_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;
struct capture_dump;

/* One captured frame; data stays valid until the next capture_next(). */
struct capture_frame {
	const uint8_t *data;
	size_t caplen; /* bytes captured */
	size_t len;    /* bytes on the wire */
	int64_t sec;
	uint32_t usec;
};

/* The frames capture_open()'s ring holds (64 KiB of kernel memory each). */
#define CAPTURE_RING_DEFAULT 64

/*
 * Opens ifname for capture (frames kept whole up to 65,466 bytes,
 * immediate mode, inbound only) and applies filter. Returns NULL and
 * fills err on failure; a missing privilege says so ("needs CAP_NET_RAW:
 * run as root or grant it with setcap").
 */
struct capture *capture_open(const char *ifname, const char *filter,
			     char *err, size_t errlen);

/*
 * capture_open() with a ring of slots frames: what may arrive while the
 * caller is busy. A frame that finds the ring full is dropped by the
 * kernel and counted (capture_drops()).
 */
struct capture *capture_open_ring(const char *ifname, const char *filter,
				  unsigned slots, char *err, size_t errlen);

/* A descriptor to poll() for readability. */
int capture_fd(const struct capture *c);

/* The link type (pcap_datalink()) of the capture. */
int capture_linktype(const struct capture *c);

/*
 * Reads one frame without blocking. Returns 1 and fills f, 0 when nothing
 * is waiting, -1 on error (err filled).
 */
int capture_next(struct capture *c, struct capture_frame *f, char *err,
		 size_t errlen);

/* Frames dropped by the kernel for lack of buffer space, if known. */
unsigned capture_drops(struct capture *c);

void capture_close(struct capture *c);

/*
 * Opens path for writing a pcap file of link type linktype (snaplen
 * 65535); "-" is standard output. Open it before dropping privileges.
 */
struct capture_dump *capture_dump_open(const char *path, int linktype,
				       char *err, size_t errlen);

/* Appends one frame. */
void capture_dump_write(struct capture_dump *d, const uint8_t *frame,
			size_t len, int64_t sec, uint32_t usec);

void capture_dump_close(struct capture_dump *d);

#endif
