/*
 * peer.h: the server's TCP state as the client can deduce it from the
 * segments that pass between them: a segment changes its sender's state
 * when it is sent and its receiver's when it arrives, with nothing lost
 * on the way. Pure: no I/O.
 */
#ifndef TCPLAB_CLIENT_PEER_H
#define TCPLAB_CLIENT_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conn.h"
#include "common/seg.h"

struct peer {
	enum tcp_state state;
	bool fin_sent;    /* the peer has sent its FIN */
	uint32_t fin_seq; /* ... at this sequence number */
	bool fin_acked;   /* we have acknowledged it */
	bool our_fin;     /* our FIN has reached the peer */
	uint32_t our_fin_seq;
};

/* The server before the client's SYN: LISTEN (as far as one can tell). */
void peer_init(struct peer *p);

/* A segment the peer sent (seen by us). Returns true when its state
 * changed, with the old one in *from. */
bool peer_sent(struct peer *p, const struct seg *s, enum tcp_state *from);

/* A segment we sent that reached the peer. */
bool peer_received(struct peer *p, const struct seg *s, enum tcp_state *from);

#endif
