/*
 * peer.c: follows the server's state from both directions of traffic.
 *
 * The model is RFC 9293's diagram seen from outside: a SYN moves a
 * listener to SYN-RECEIVED, the ACK of its SYN to ESTABLISHED; its own FIN
 * moves it to FIN-WAIT-1 (or LAST-ACK after ours), our ACK of that FIN
 * moves it on (FIN-WAIT-2, CLOSED, TIME-WAIT), our FIN to CLOSE-WAIT,
 * CLOSING or TIME-WAIT; a RST either way closes it. Pure: no I/O.
 */
#include "client/peer.h"
#include "common/seq.h"

void peer_init(struct peer *p)
{
	*p = (struct peer){.state = TCP_LISTEN};
}

static bool set(struct peer *p, enum tcp_state to, enum tcp_state *from)
{
	if (p->state == to)
		return false;
	*from = p->state;
	p->state = to;
	return true;
}

bool peer_sent(struct peer *p, const struct seg *s, enum tcp_state *from)
{
	if (s->flags & TH_RST)
		return set(p, TCP_CLOSED, from);
	if ((s->flags & TH_SYN) && p->state == TCP_LISTEN)
		return set(p, TCP_SYN_RECEIVED, from);
	if (!(s->flags & TH_FIN) || p->fin_sent)
		return false;
	p->fin_sent = true;
	p->fin_seq = s->seq + (uint32_t)s->payload_len;
	if (p->state == TCP_CLOSE_WAIT)
		return set(p, TCP_LAST_ACK, from);
	if (p->state == TCP_ESTABLISHED || p->state == TCP_SYN_RECEIVED)
		return set(p, TCP_FIN_WAIT_1, from);
	return false;
}

/* Our segment acknowledges the peer's FIN. */
static bool acks_fin(const struct peer *p, const struct seg *s)
{
	return p->fin_sent && (s->flags & TH_ACK) && seq_gt(s->ack, p->fin_seq);
}

/* Our FIN arrives. */
static bool our_fin(struct peer *p, const struct seg *s, enum tcp_state *from)
{
	bool acked = acks_fin(p, s);

	p->our_fin = true;
	switch (p->state) {
	case TCP_ESTABLISHED:
		return set(p, TCP_CLOSE_WAIT, from);
	case TCP_FIN_WAIT_1:
		return set(p, acked ? TCP_TIME_WAIT : TCP_CLOSING, from);
	case TCP_FIN_WAIT_2:
		return set(p, TCP_TIME_WAIT, from);
	default:
		return false;
	}
}

bool peer_received(struct peer *p, const struct seg *s, enum tcp_state *from)
{
	if (s->flags & TH_RST)
		return set(p, TCP_CLOSED, from);
	if (s->flags & TH_SYN)
		return false;
	if (p->state == TCP_SYN_RECEIVED && (s->flags & TH_ACK)) {
		set(p, TCP_ESTABLISHED, from);
		if (s->flags & TH_FIN) {
			enum tcp_state ignored;
			our_fin(p, s, &ignored);
		}
		return true;
	}
	if ((s->flags & TH_FIN) && !p->our_fin)
		return our_fin(p, s, from);
	if (!acks_fin(p, s))
		return false;
	switch (p->state) {
	case TCP_FIN_WAIT_1:
		return set(p, TCP_FIN_WAIT_2, from);
	case TCP_LAST_ACK:
		return set(p, TCP_CLOSED, from);
	case TCP_CLOSING:
		return set(p, TCP_TIME_WAIT, from);
	default:
		return false;
	}
}
