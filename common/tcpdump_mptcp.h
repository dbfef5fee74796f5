/*
 * tcpdump_mptcp.h: the Multipath TCP option as tcpdump 4.99.3 prints it.
 *
 * Internal to the tcpdump printer (tcpdump.c): it prints the text that
 * follows "mptcp" for one option of kind 30 (RFC 8684), whose bytes the
 * caller has already checked were all captured. Pure, like its caller.
 */
#ifndef TCPLAB_TCPDUMP_MPTCP_H
#define TCPLAB_TCPDUMP_MPTCP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/outbuf.h"
#include "common/tcpdump.h"

/*
 * Writes the option's length, subtype name and fields for opt[0..len)
 * (kind and length bytes included) of a segment with TCP flags th_flags.
 * Returns false when tcpdump finds the option malformed for its subtype:
 * the caller then writes "[bad opt]" after whatever was written so far.
 * ctx gives the flags (-n) and the resolver for ADD_ADDR's address.
 */
bool tcpdump_mptcp_print(struct outbuf *ob, const struct tcpdump_ctx *ctx,
                         const uint8_t *opt, uint32_t len, uint8_t th_flags);

#endif
