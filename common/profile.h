/*
 * profile.h: the field choices of an endpoint, for both tcplab-client and
 * tcplab-server.
 *
 * A profile says what the state machine cannot choose by itself: the
 * initial sequence number, the first IPv4 id, the TCP timestamp clock, the
 * windows, the ports and the response's Date. Two exist:
 *
 *   live  what a current Linux does: a random ISN, IP id and TS offset
 *         (supplied by the caller, since pure code reads no random source),
 *         TS from the clock, windows 64240 then 63 << 10 (client) and
 *         65160 then 64 << 10 (server), window scale 10, an ephemeral
 *         client port.
 *   seed  the article's exchange, every field fixed: client port 57290,
 *         ISNs 250118291 and 2336326088, IP ids from 40563 (client) and
 *         0 then 22245 (server), windows 29200 then 229 and 237 << 7
 *         (client) and 28960 then 235 << 7 (server), and the TS values as
 *         a virtual clock: the n-th segment a side sends carries the n-th
 *         value of its script, whatever the real time.
 *
 * Both sides of a seed exchange follow their scripts, so tcplab-client and
 * tcplab-server with --profile seed exchange the article's ten segments
 * byte for byte on the article's addresses (other addresses change the
 * addresses and therefore the checksums, nothing else).
 *
 * This module must never do I/O, print, read a clock or a random source,
 * or keep global state.
 */
#ifndef TCPLAB_PROFILE_H
#define TCPLAB_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conn.h"
#include "common/seg.h"

#define PROFILE_TS_SCRIPT_MAX 8

enum profile_id {
	PROFILE_LIVE,
	PROFILE_SEED,
};

/* One endpoint's choices. */
struct profile_side {
	struct conn_cfg cfg; /* windows, options, first IP id, TS offset */
	bool fixed_iss;      /* iss is the profile's; else random */
	uint32_t iss;
	bool fixed_ip_id; /* cfg.ip_id is the profile's; else random */
	bool fixed_ts;    /* TS follows ts_script; else clock + offset */
	/* The TS val of the n-th segment this side sends (n from 0). Past
	 * the end, the clock runs on from the last value. */
	uint32_t ts_script[PROFILE_TS_SCRIPT_MAX];
	unsigned ts_script_len;
	/* Receive window in bytes from the first segment with data on
	 * (Linux grows it as the application reads); 0 leaves it alone. */
	uint32_t rcv_wnd_data;
	/* The client's source port or the server's port; 0: ephemeral. */
	uint16_t port;
};

struct profile {
	enum profile_id id;
	const char *name; /* "live", "seed" */
	struct profile_side client, server;
	/* The addresses the profile's exchange had (seed: the article's),
	 * or 0 when any will do. */
	uint32_t client_addr, server_addr;
	/* The response's Date header, or NULL for the real date. */
	const char *date;
	/* The request's User-Agent (wget 1.14's in both profiles). */
	const char *user_agent;
};

/* Fills p with the profile called name. Returns 0 or TCPLAB_EINVAL. */
int profile_get(const char *name, struct profile *p);

/* The names profile_get() knows, for --help: "live, seed". */
const char *profile_names(void);

/* The random values a live profile needs, drawn by the caller. */
struct profile_random {
	uint32_t iss;
	uint32_t ts_offset;
	uint16_t ip_id; /* 0 is replaced by 1: a raw socket would fill it */
};

/* Takes from r every value s does not fix. */
void profile_randomize(struct profile_side *s, const struct profile_random *r);

/*
 * Sets c's TS clock before a call on c that may send, so that the next
 * segment carries ts_script[nsent], nsent being the number of segments
 * c has sent so far. Does nothing for a live profile or past the script.
 */
void profile_ts_apply(const struct profile_side *s, struct conn *c,
                      unsigned nsent, uint64_t now_us);

/* The ts_offset a conn_cfg needs to send ts_script[0] at now_us. */
uint32_t profile_ts_offset(const struct profile_side *s, uint64_t now_us);

/*
 * Called before c takes segment in: once data arrives, the receive window
 * becomes rcv_wnd_data, as the article's client's did (229 to 237 << 7).
 */
void profile_on_input(const struct profile_side *s, struct conn *c,
                      const struct seg *in);

/* Whether an exchange between these addresses can be the article's. */
/*
 * Turns p into its IPv6 form, as Linux does over IPv6 on Ethernet: an MSS
 * 20 bytes smaller (the IPv6 header is 40 bytes, not 20: 1440), and a live
 * profile's SYN windows recomputed by Linux's rule, the largest multiple
 * of the segment size under 65535 (the client's 64800; the server's SYN-
 * ACK counts its segments without the 12 bytes of timestamps: 64260).
 * The IPv4 windows 64240 and 65160 follow from the same rule.
 */
void profile_ipv6(struct profile *p);

bool profile_addrs_match(const struct profile *p, uint32_t client_addr,
                         uint32_t server_addr);

#endif
