/*
 * tcpdump.h: prints a TCP packet over IPv4 or IPv6 exactly as tcpdump 4.99
 * prints it.
 *
 * The printer takes the packet's bytes (from the IP header on, as many as
 * were captured) and writes tcpdump's text for it into the caller's buffer:
 * the timestamp, the IP line, the TCP fields, the options, RST data, the
 * lines of the application printers tcplab reproduces (FTP, SMTP, WHOIS,
 * HTTP, RTSP, SSH's banner, DNS), and the markers tcpdump prints for
 * damaged or truncated packets. The flags mean what tcpdump's flags mean.
 *
 * Relative sequence numbers need memory of earlier packets: it lives in a
 * struct tcpdump_ctx that the caller owns, one per capture. Names come from
 * a resolver the caller supplies, and so does local time: the printer itself
 * never reads a file, a clock or the network, and never prints.
 */
#ifndef TCPLAB_TCPDUMP_H
#define TCPLAB_TCPDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* tcpdump's command-line flags that change how a TCP packet prints. */
struct tcpdump_flags {
	int v;  /* 0, 1 for -v, 2 for -vv, 3 for -vvv (TCP as -vv; DNS TTLs) */
	int n;  /* 0: names; 1: -n; 2: -nn (-n already gives port numbers) */
	bool S; /* -S: absolute sequence numbers */
	int t;  /* 0: default, 1: -t (none), 2: -tt, ... 5: -ttttt */
};

/*
 * Lookups done for the printer. Each may be NULL. host() and tcp_port()
 * return a name, or NULL when there is none (the number is printed then);
 * the string must stay valid until the next call. local_time() fills a
 * struct tm as localtime_r() would and returns 0, or -1 on failure.
 */
struct tcpdump_resolver {
	const char *(*host)(void *arg, uint32_t addr);
	const char *(*tcp_port)(void *arg, uint16_t port);
	int (*local_time)(void *arg, int64_t sec, struct tm *out);
	void *arg;
	/* An IPv6 address's name (addr: 16 bytes in network order). */
	const char *(*host6)(void *arg, const uint8_t *addr);
};

/* One packet, from the IP header (version 4 or 6) on. */
struct tcpdump_pkt {
	int64_t ts_sec;
	uint32_t ts_usec;
	const uint8_t *ip;
	size_t caplen;      /* bytes captured from ip on */
	const char *prefix; /* link-layer text printed before "IP ", or NULL */
	/* Bytes the datagram had on the wire from ip on (pcap's len minus the
	 * link header). 0 means caplen: nothing was cut by the snapshot
	 * length. tcpdump says "truncated-ip" only when this is short of the
	 * IP length; a snaplen cut prints " [|tcp]" instead. */
	size_t wirelen;
};

struct tcpdump_ctx {
	struct tcpdump_flags flags;
	struct tcpdump_resolver res;
	/* Previous and first timestamps, for -ttt and -ttttt. */
	bool have_prev;
	int64_t prev_sec, first_sec;
	uint32_t prev_usec, first_usec;
	/* The relative-sequence tables, IPv4's and IPv6's: open addressing,
	 * grown as needed. */
	unsigned char *seq_tab;
	size_t seq_cap;
	size_t seq_count;
	unsigned char *seq6_tab;
	size_t seq6_cap;
	size_t seq6_count;
	/* The date part of the last timestamp printed ("HH:MM:SS", or
	 * "YYYY-MM-DD HH:MM:SS" for -tttt), so that local time is looked up
	 * once a second rather than once a packet. */
	bool ts_cache_valid;
	uint8_t ts_cache_len;
	int64_t ts_cache_sec;
	char ts_cache[32];
	/* Set by tcpdump_format(): the application protocol ("BGP") whose
	 * printer tcplab lacks and to which tcpdump would have handed this
	 * packet's payload; its text then ends at "length N" where
	 * tcpdump's goes on. NULL when the text is tcpdump's whole. */
	const char *app_skipped;
};

/* Prepares ctx. res may be NULL (no names; time printed as UTC). Returns 0. */
int tcpdump_ctx_init(struct tcpdump_ctx *ctx, const struct tcpdump_flags *f,
                     const struct tcpdump_resolver *res);

/* Frees the memory ctx holds; ctx can be initialised again afterwards. */
void tcpdump_ctx_free(struct tcpdump_ctx *ctx);

/*
 * Writes tcpdump's text for one packet into buf, every line ending in '\n',
 * NUL-terminated. Returns the length written (without the NUL), or
 * TCPLAB_ENOSPC when cap is too small, TCPLAB_EVERSION for a packet that is
 * neither IPv4 nor IPv6, TCPLAB_EPROTO for one that is not TCP or that
 * tcplab does not print (an IPv6 routing header, a jumbogram, an unusual
 * extension header option): nothing is written and no state changes, so
 * the caller can print its own line.
 */
int tcpdump_format(struct tcpdump_ctx *ctx, const struct tcpdump_pkt *p,
                   char *buf, size_t cap);

/*
 * Writes only the timestamp prefix that tcpdump_format() would put before a
 * packet at this time (e.g. "10:49:10.094025 ", or "" for -t), and advances
 * the -ttt state as a printed packet does. Returns the length or
 * TCPLAB_ENOSPC.
 */
int tcpdump_format_ts(struct tcpdump_ctx *ctx, int64_t sec, uint32_t usec,
                      char *buf, size_t cap);

#endif
