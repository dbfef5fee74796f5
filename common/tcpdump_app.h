/*
 * tcpdump_app.h: what tcpdump 4.99.3 prints after a TCP segment's
 * "length N": RST text with -v, and the application printer it picks by
 * port (tcplab does the text protocols, SSH's banner and DNS).
 *
 * Used by common/tcpdump.c only. Pure like it: no I/O, no globals, and
 * no printing of a line tcpdump would print differently. A payload whose
 * printer tcplab lacks is left out, and the caller is told which one.
 */
#ifndef TCPLAB_TCPDUMP_APP_H
#define TCPLAB_TCPDUMP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/outbuf.h"
#include "common/tcpdump.h"

/* The step results; they equal tcpdump.c's PR_GO, PR_STOP, PR_TRUNC. */
enum { APP_GO = 0, APP_STOP = 1, APP_TRUNC = 2 };

/* One segment's payload, and what the printer says back about it. */
struct tcpdump_app {
	const uint8_t *d; /* the payload */
	uint32_t len;     /* its length by the IP header (more than 0) */
	size_t cap;       /* how many bytes of it were captured */
	uint16_t sport, dport;
	bool rst;            /* the segment carries RST */
	const char *proto;   /* out: the name in " [|proto]" on APP_TRUNC */
	const char *skipped; /* out: the protocol left out, or NULL */
};

/*
 * Appends tcpdump's text for the payload. When tcpdump would hand it to a
 * printer tcplab lacks (or to a part of one it cannot reproduce), nothing
 * is appended, a->skipped names the protocol ("BGP") and APP_GO is
 * returned.
 */
int tcpdump_app_print(struct outbuf *ob, const struct tcpdump_flags *f,
                      struct tcpdump_app *a);

#endif
