/*
 * other.h: tcpdump's lines for the simple packets that are not TCP, so that
 * tcplab-explain can print a whole capture of a lab: UDP on ports that
 * tcpdump has no dissector for, ICMP echo requests and replies, and ARP
 * requests and replies for IPv4 over Ethernet.
 *
 * Each function writes the text that follows tcpdump's timestamp and link
 * prefix, with the final newline, and returns its length; it returns a
 * negative value, writing nothing useful, for a packet it does not know how
 * to print exactly as tcpdump 4.99.3 does (the caller then prints its own
 * one-line note). Pure: names come through the lookups below.
 */
#ifndef TCPLAB_EXPLAIN_OTHER_H
#define TCPLAB_EXPLAIN_OTHER_H

#include <stddef.h>
#include <stdint.h>

#include "common/tcpdump.h"

struct other_names {
	/* An IPv4 address in host byte order, or a UDP port; NULL: none. */
	const char *(*host)(void *arg, uint32_t addr);
	const char *(*udp_port)(void *arg, uint16_t port);
	void *arg;
};

/* An IPv4 packet that is not TCP; ip[0..caplen) as captured. */
int other_format_ipv4(const struct tcpdump_flags *f,
                      const struct other_names *nm, const uint8_t *ip,
                      size_t caplen, char *buf, size_t cap);

/* An ARP packet; len is its length on the wire, caplen what was captured. */
int other_format_arp(const struct tcpdump_flags *f,
                     const struct other_names *nm, const uint8_t *arp,
                     size_t caplen, size_t len, char *buf, size_t cap);

#endif
