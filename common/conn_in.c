/*
 * conn_in.c: the input path of the TCP state machine, RFC 9293 3.10.7.
 *
 * One function for each of CLOSED, LISTEN and SYN-SENT, then the checks of
 * the synchronized states in the RFC's order (sequence number, RST, SYN,
 * ACK, text, FIN), with RFC 5961's challenge ACKs where it tightens them.
 * The ACK's effect on the sender's RTT belongs to conn_rtx.c.
 *
 * This file must never do I/O, print, read a clock or keep global state.
 */
#include <string.h>

#include "common/conn.h"
#include "common/conn_int.h"
#include "common/seq.h"

/*
 * What the peer's SYN tells us (RFC 9293 3.10.7.2, 3.10.7.3): its ISN, and
 * the options it offers. An option is in use only when both sides sent it.
 */
static void accept_syn(struct conn *c, const struct seg *in)
{
	c->irs = in->seq;
	/* SYN occupies one sequence number: the peer's data starts after. */
	c->rcv_nxt = seq_add(in->seq, 1);
	c->ts_ok = c->cfg.use_ts && (in->has & SEG_HAS_TS);
	c->sack_ok = c->cfg.use_sack && (in->has & SEG_HAS_SACKOK);
	c->wscale_ok = c->cfg.use_wscale && (in->has & SEG_HAS_WSCALE);
	if (c->ts_ok)
		c->ts_recent = in->ts_val;
	if (c->wscale_ok) {
		c->snd_wscale = in->wscale > CONN_WSCALE_MAX ? CONN_WSCALE_MAX
		                                             : in->wscale;
		c->rcv_wscale = c->cfg.wscale > CONN_WSCALE_MAX
		                        ? CONN_WSCALE_MAX
		                        : c->cfg.wscale;
	} else {
		c->snd_wscale = c->rcv_wscale = 0;
	}
	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	c->snd_wnd = in->win;
	c->snd_wl1 = in->seq;
	c->snd_wl2 = in->ack;
}

/* The largest segment we send: the peer's MSS (RFC 9293 3.7.1: 536
 * without the option), at most ours, less the 12 bytes of timestamps
 * every segment carries. */
static void accept_mss(struct conn *c, const struct seg *in)
{
	uint32_t mss = (in->has & SEG_HAS_MSS) ? in->mss : CONN_DEFAULT_MSS;

	if (mss > c->cfg.mss)
		mss = c->cfg.mss;
	/* Every segment carries 12 bytes of timestamps: less room for data. */
	if (c->ts_ok && mss > CONN_TS_SPACE)
		mss -= CONN_TS_SPACE;
	c->snd_mss = (uint16_t)mss;
}

/* ---- CLOSED, LISTEN, SYN-SENT (RFC 9293 3.10.7.1-3). ---- */

/* "An incoming segment containing a RST is discarded. An incoming segment
 * not containing a RST causes a RST to be sent in response." */
void conn_in_closed(struct conn *c, const struct seg *in, struct conn_out *out)
{
	if (in->flags & TH_RST) {
		conn_drop(out, "RST in CLOSED: ignored");
		return;
	}
	conn_send_rst_reply(c, in, out);
	conn_drop(out, "no connection: RST sent");
}

void conn_in_listen(struct conn *c, const struct seg *in, uint64_t now,
                    struct conn_out *out)
{
	/* "First, check for a RST: An incoming RST should be ignored." */
	if (in->flags & TH_RST) {
		conn_drop(out, "RST in LISTEN: ignored");
		return;
	}
	/* "Second, check for an ACK: Any acknowledgment is bad if it arrives
	 * on a connection still in the LISTEN state. An acceptable reset
	 * segment should be formed ...: <SEQ=SEG.ACK><CTL=RST>" */
	if (in->flags & TH_ACK) {
		conn_send_rst_reply(c, in, out);
		conn_drop(out, "ACK in LISTEN: RST sent");
		return;
	}
	if (!(in->flags & TH_SYN)) {
		conn_drop(out, "no SYN in LISTEN");
		return;
	}
	/* "Third, check for a SYN: ... Set RCV.NXT to SEG.SEQ+1, IRS is set
	 * to SEG.SEQ ... <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> ... SND.NXT is
	 * set to ISS+1 and SND.UNA to ISS. The connection state should be
	 * changed to SYN-RECEIVED." */
	c->raddr = in->saddr;
	c->rport = in->sport;
	if (c->laddr == 0)
		c->laddr = in->daddr;
	accept_syn(c, in);
	accept_mss(c, in);
	c->iss = c->cfg.iss;
	conn_set_state(c, TCP_SYN_RECEIVED, out);
	conn_send_syn(c, TH_SYN | TH_ACK, now, out);
	conn_syn_sent_space(c, now);
	if (in->payload_len > 0 || (in->flags & TH_FIN))
		conn_drop(out, "data or FIN on a SYN: not queued");
}

/* Enters ESTABLISHED, or FIN-WAIT-1 at once if the application has
 * closed already (RFC 9293 3.10.4: the close was queued). */
static void established(struct conn *c, struct conn_out *out)
{
	conn_set_state(c, TCP_ESTABLISHED, out);
	if (c->fin_queued)
		conn_set_state(c, TCP_FIN_WAIT_1, out);
}

/* RFC 9293 3.10.7.3, fourth: the SYN-ACK. "If SND.UNA > ISS (our SYN has
 * been ACKed), change the connection state to ESTABLISHED, form an ACK
 * segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it." Otherwise
 * (simultaneous open): "enter SYN-RECEIVED, form a SYN,ACK segment
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it." */
static void syn_sent_syn(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	accept_syn(c, in);
	accept_mss(c, in);
	if (!(in->flags & TH_ACK)) {
		conn_set_state(c, TCP_SYN_RECEIVED, out);
		conn_send_syn(c, TH_SYN | TH_ACK, now, out);
		return;
	}
	conn_ack_advance(c, in, now, out);
	established(c, out);
	conn_send_ack(c, now, out);
	if (in->payload_len > 0 || (in->flags & TH_FIN))
		conn_drop(out, "data or FIN on a SYN-ACK: not queued");
	conn_output(c, now, out);
}

void conn_in_syn_sent(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	bool ack = in->flags & TH_ACK;

	/* "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the
	 * RST bit is set, if so drop the segment and return)
	 * <SEQ=SEG.ACK><CTL=RST>" */
	if (ack && (seq_leq(in->ack, c->iss) || seq_gt(in->ack, c->snd_nxt))) {
		if (in->flags & TH_RST) {
			conn_drop(out,
			          "RST with an ACK that is not of our SYN");
			return;
		}
		conn_send_rst_reply(c, in, out);
		conn_drop(out, "ACK is not of our SYN: RST sent");
		return;
	}
	/* "If the ACK was acceptable, then signal to the user 'error:
	 * connection reset', drop the segment, enter CLOSED state ...
	 * Otherwise (no ACK), drop the segment and return." */
	if (in->flags & TH_RST) {
		if (!ack) {
			conn_drop(out, "RST without ACK in SYN-SENT");
			return;
		}
		conn_ev(out, CONN_EV_RESET, in->seq, "connection refused");
		conn_enter_closed(c, out);
		return;
	}
	if (!(in->flags & TH_SYN)) {
		conn_drop(out, "neither SYN nor RST in SYN-SENT");
		return;
	}
	syn_sent_syn(c, in, now, out);
}

/* ---- The synchronized states: first, the sequence number. ---- */

/*
 * The segment acceptance test: "Segment Length / Receive Window / Test:
 * 0 / 0 / SEG.SEQ = RCV.NXT; 0 / >0 / RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND;
 * >0 / 0 / not acceptable; >0 / >0 / RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 * or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND". SEG.LEN counts SYN
 * and FIN.
 */
static bool acceptable(const struct conn *c, const struct seg *in)
{
	uint32_t len = seg_seq_len(in);
	uint32_t wnd = conn_rcv_window(c);
	uint32_t end = seq_add(c->rcv_nxt, wnd);

	if (len == 0 && wnd == 0)
		return in->seq == c->rcv_nxt;
	if (len == 0)
		return seq_in_window(in->seq, c->rcv_nxt, end);
	if (wnd == 0)
		return false;
	/* The segment's last sequence number is SEG.SEQ + SEG.LEN - 1. */
	return seq_in_window(in->seq, c->rcv_nxt, end) ||
	       seq_in_window(seq_add(in->seq, len - 1), c->rcv_nxt, end);
}

/* Why a segment failed the acceptance test, for the trace. */
static const char *unacceptable_reason(const struct conn *c,
                                       const struct seg *in)
{
	uint32_t len = seg_seq_len(in);

	if (c->state == TCP_TIME_WAIT && (in->flags & TH_FIN))
		return "FIN again in TIME-WAIT: ACK sent, 2MSL restarted";
	/* Everything in it lies below RCV.NXT: the peer sent it again. */
	if (len > 0 && seq_leq(seq_add(in->seq, len), c->rcv_nxt))
		return "retransmission of what we have: ACK sent";
	return "out of window: ACK sent";
}

/* First, check the sequence number (and RFC 7323 5.3, PAWS). */
static bool check_seq(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	/* "If ... SEG.TSval < TS.Recent ... then the segment is not
	 * acceptable ... send an acknowledgment in reply" (RFC 7323 5.3). */
	if (c->ts_ok && (in->has & SEG_HAS_TS) && !(in->flags & TH_RST) &&
	    seq_lt(in->ts_val, c->ts_recent)) {
		conn_send_ack(c, now, out);
		conn_drop(out,
		          "PAWS: timestamp older than TS.Recent, ACK sent");
		return false;
	}
	if (acceptable(c, in))
		return true;
	/* "If an incoming segment is not acceptable, an acknowledgment
	 * should be sent in reply (unless the RST bit is set, if so drop the
	 * segment and return)" */
	if (in->flags & TH_RST) {
		conn_drop(out, "RST out of window: dropped");
		return false;
	}
	/* "TIME-WAIT STATE: ... Restart the 2 MSL time-wait timeout." */
	if (c->state == TCP_TIME_WAIT && (in->flags & TH_FIN))
		c->tw_at = now + c->cfg.time_wait_us;
	conn_send_ack(c, now, out);
	conn_drop(out, unacceptable_reason(c, in));
	return false;
}

static void enter_time_wait(struct conn *c, uint64_t now, struct conn_out *out)
{
	c->rtx_at = c->persist_at = 0;
	c->tw_at = now + c->cfg.time_wait_us;
	conn_set_state(c, TCP_TIME_WAIT, out);
}

/* ---- Second, the RST bit; fourth, the SYN bit. ---- */

/*
 * Second, check the RST bit, as RFC 5961 3.2 tightens it: "If the RST bit
 * is set and the sequence number exactly matches the next expected
 * sequence number (RCV.NXT), then TCP MUST reset the connection ...
 * [otherwise] TCP MUST send an ACK (challenge ACK)".
 */
static void check_rst(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	const char *why;

	if (in->seq != c->rcv_nxt) {
		conn_send_ack(c, now, out);
		conn_drop(out, "RST not at RCV.NXT: challenge ACK");
		return;
	}
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		if (c->passive) {
			conn_ev(out, CONN_EV_RESET, in->seq,
			        "reset by peer: back to LISTEN");
			conn_back_to_listen(c, out);
			return;
		}
		why = "connection refused";
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		why = "connection reset by peer";
		break;
	default:
		why = "reset by peer while closing";
		break;
	}
	conn_ev(out, CONN_EV_RESET, in->seq, why);
	conn_enter_closed(c, out);
}

/*
 * Fourth, check the SYN bit. "SYN-RECEIVED STATE: If the connection was
 * initiated with a passive OPEN, then return this connection to the LISTEN
 * state and return." Otherwise, RFC 5961 4.2: "TCP MUST send an ACK (also
 * referred to as challenge ACK) to the remote peer ... After sending the
 * acknowledgment, TCP MUST drop the unacceptable segment".
 */
static void check_syn(struct conn *c, uint64_t now, struct conn_out *out)
{
	if (c->state == TCP_SYN_RECEIVED && c->passive) {
		conn_drop(out, "new SYN in SYN-RECEIVED: back to LISTEN");
		conn_back_to_listen(c, out);
		return;
	}
	conn_send_ack(c, now, out);
	conn_drop(out, "SYN in a synchronized state: challenge ACK");
}

/* ---- Fifth, the ACK field. ---- */

/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and
 * continue processing with the variables below set to: SND.WND <- SEG.WND,
 * SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK. If the segment acknowledgment is
 * not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>" */
static bool syn_rcvd_ack(struct conn *c, const struct seg *in,
                         struct conn_out *out)
{
	if (!seq_lt(c->snd_una, in->ack) || seq_gt(in->ack, c->snd_nxt)) {
		conn_send_rst_reply(c, in, out);
		conn_drop(out, "bad ACK in SYN-RECEIVED: RST sent");
		return false;
	}
	established(c, out);
	/* RFC 7323 2.3: from now on the peer's window field is scaled. */
	c->snd_wnd = (uint32_t)in->win << c->snd_wscale;
	c->snd_wl1 = in->seq;
	c->snd_wl2 = in->ack;
	return true;
}

/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If
 * (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
 * SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK." */
static void window_update(struct conn *c, const struct seg *in)
{
	if (seq_lt(c->snd_wl1, in->seq) ||
	    (c->snd_wl1 == in->seq && seq_leq(c->snd_wl2, in->ack))) {
		c->snd_wnd = (uint32_t)in->win << c->snd_wscale;
		c->snd_wl1 = in->seq;
		c->snd_wl2 = in->ack;
	}
}

/* The closing states' part of the fifth step. Returns false when the
 * segment needs no further processing. */
static bool ack_closing(struct conn *c, uint64_t now, struct conn_out *out)
{
	/* Our FIN is acknowledged when SND.UNA has moved past it. */
	bool fin_acked = c->fin_sent && seq_gt(c->snd_una, c->fin_seq);

	switch (c->state) {
	case TCP_FIN_WAIT_1:
		/* "if the FIN segment is now acknowledged, then enter
		 * FIN-WAIT-2 and continue processing in that state." */
		if (fin_acked)
			conn_set_state(c, TCP_FIN_WAIT_2, out);
		return true;
	case TCP_CLOSING:
		/* "if the ACK acknowledges our FIN, then enter the TIME-WAIT
		 * state; otherwise, ignore the segment." */
		if (fin_acked)
			enter_time_wait(c, now, out);
		return false;
	case TCP_LAST_ACK:
		/* "If our FIN is now acknowledged, delete the TCB, enter the
		 * CLOSED state, and return." */
		if (fin_acked) {
			conn_enter_closed(c, out);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/* Fifth, check the ACK field. */
static bool check_ack(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	if (c->state == TCP_SYN_RECEIVED && !syn_rcvd_ack(c, in, out))
		return false;
	/* "If the ACK acknowledges something not yet sent (SEG.ACK >
	 * SND.NXT), then send an ACK, drop the segment, and return." */
	if (seq_gt(in->ack, c->snd_nxt)) {
		conn_send_ack(c, now, out);
		conn_drop(out, "ACK of something not yet sent: ACK sent");
		return false;
	}
	/* "If the ACK is a duplicate (SEG.ACK < SND.UNA), it can be
	 * ignored." An ACK of new data, or a duplicate in RFC 5681's sense
	 * (SEG.ACK = SND.UNA), goes to congestion control (conn_cc.c). */
	if (seq_leq(c->snd_una, in->ack))
		conn_cc_ack(c, in, now, out);
	if (seq_leq(c->snd_una, in->ack))
		window_update(c, in);
	return ack_closing(c, now, out);
}

/* ---- Sixth to eighth: the text and the FIN. ---- */

/* RFC 7323 4.3: "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent,
 * then SEG.TSval is copied to TS.Recent". */
static void ts_update(struct conn *c, const struct seg *in)
{
	if (c->ts_ok && (in->has & SEG_HAS_TS) &&
	    seq_geq(in->ts_val, c->ts_recent) &&
	    seq_leq(in->seq, c->last_ack_sent))
		c->ts_recent = in->ts_val;
}

/*
 * With cfg.data_ack_delay_us, the ACK of data waits for the application's
 * answer to carry it; conn_timer() sends it alone when the delay runs
 * out. A second segment while one ACK is owed is acknowledged at once, as
 * RFC 1122 (4.2.3.2) asks of every second full-sized segment.
 */
static void data_ack_later(struct conn *c, uint64_t now)
{
	if (c->cfg.data_ack_delay_us == 0 || c->ack_at != 0) {
		c->ack_now = true;
		return;
	}
	c->ack_at = now + c->cfg.data_ack_delay_us;
}

/*
 * Seventh, process the segment text: deliver the in-order bytes we do not
 * have yet, up to our window, and owe an ACK for them. Out-of-order data
 * is not queued: a duplicate ACK tells the peer what we still need.
 * Returns true when everything before the segment's FIN has arrived.
 */
static bool process_text(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	uint32_t end = seq_add(in->seq, (uint32_t)in->payload_len);
	int32_t have;
	size_t n;

	if (in->payload_len == 0)
		return end == c->rcv_nxt;
	/* "CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: This should not occur
	 * since a FIN has been received from the remote side. Ignore the
	 * segment text." */
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return false;
	/* The first `have` bytes of the segment are below RCV.NXT. */
	have = seq_diff(c->rcv_nxt, in->seq);
	if (have < 0) {
		c->ack_now = true;
		conn_drop(out, "out of order: not queued, duplicate ACK sent");
		return false;
	}
	if ((size_t)have >= in->payload_len)
		return end == c->rcv_nxt;
	n = in->payload_len - (size_t)have;
	if (n > conn_rcv_window(c))
		n = conn_rcv_window(c);
	out->data = in->payload + have;
	out->data_len = n;
	/* The next byte we expect follows the n bytes just delivered. */
	c->rcv_nxt = seq_add(c->rcv_nxt, (uint32_t)n);
	conn_ev(out, CONN_EV_DATA, (uint32_t)n, NULL);
	data_ack_later(c, now);
	return end == c->rcv_nxt;
}

/*
 * The ACK of the peer's FIN waits a moment in ESTABLISHED: an application
 * usually closes as soon as it reads the end of the stream, and then our
 * FIN carries the ACK, as Linux's delayed ACK makes it do (segment 9 of
 * the reference exchange, "F.").
 */
static void fin_ack_later(struct conn *c, uint64_t now)
{
	if (c->cfg.fin_ack_delay_us == 0) {
		c->ack_now = true;
		return;
	}
	c->ack_now = false;
	c->ack_at = now + c->cfg.fin_ack_delay_us;
}

/* Eighth, check the FIN bit; the FIN, at fin_seq, is in sequence. */
static void process_fin(struct conn *c, uint32_t fin_seq, uint64_t now,
                        struct conn_out *out)
{
	/* FIN occupies one sequence number. */
	c->rcv_nxt = seq_add(c->rcv_nxt, 1);
	conn_ev(out, CONN_EV_PEER_FIN, fin_seq, NULL);
	switch (c->state) {
	case TCP_ESTABLISHED:
		/* "Enter the CLOSE-WAIT state." */
		conn_set_state(c, TCP_CLOSE_WAIT, out);
		fin_ack_later(c, now);
		return;
	case TCP_FIN_WAIT_1:
		/* Our FIN is not acknowledged yet, or the fifth step would
		 * have moved us to FIN-WAIT-2: "enter the CLOSING state." */
		conn_set_state(c, TCP_CLOSING, out);
		break;
	case TCP_FIN_WAIT_2:
		/* "Enter the TIME-WAIT state. Start the time-wait timer" */
		enter_time_wait(c, now, out);
		break;
	default:
		break;
	}
	c->ack_now = true;
}

/*
 * A SYN with the peer's ISN again, in SYN-RECEIVED. Without ACK it is the
 * peer's SYN retransmitted: our SYN-ACK was lost, send it again. With ACK
 * it is the peer's SYN-ACK of a simultaneous open: its SYN we have, its
 * ACK is new. Returns the segment left to process, or NULL.
 */
static const struct seg *syn_rcvd_syn_again(struct conn *c,
                                            const struct seg *in,
                                            struct seg *trimmed, uint64_t now,
                                            struct conn_out *out)
{
	if (!(in->flags & TH_ACK)) {
		conn_send_syn(c, TH_SYN | TH_ACK, now, out);
		conn_ev(out, CONN_EV_RETRANSMIT, c->iss,
		        "SYN-ACK (duplicate SYN)");
		return NULL;
	}
	*trimmed = *in;
	trimmed->flags &= (uint16_t)~TH_SYN;
	/* Past the SYN's one sequence number, the segment starts at irs+1. */
	trimmed->seq = seq_add(in->seq, 1);
	/* A SYN's window is not scaled, but the rest of the path will scale
	 * it: shift it down first (rounding down is the safe side). */
	trimmed->win = (uint16_t)(in->win >> c->snd_wscale);
	return trimmed;
}

/* Sixth to eighth, once the ACK was taken: text, FIN, and what we owe. */
static void input_text(struct conn *c, const struct seg *in, uint64_t now,
                       struct conn_out *out)
{
	uint32_t fin_seq = seq_add(in->seq, (uint32_t)in->payload_len);

	ts_update(c, in);
	if (process_text(c, in, now, out) && (in->flags & TH_FIN))
		process_fin(c, fin_seq, now, out);
	conn_output(c, now, out);
	if (c->ack_now)
		conn_send_ack(c, now, out);
}

void conn_in_sync(struct conn *c, const struct seg *in, uint64_t now,
                  struct conn_out *out)
{
	struct seg trimmed;

	if (c->state == TCP_SYN_RECEIVED && (in->flags & TH_SYN) &&
	    !(in->flags & TH_RST) && in->seq == c->irs) {
		in = syn_rcvd_syn_again(c, in, &trimmed, now, out);
		if (in == NULL)
			return;
	}
	if (!check_seq(c, in, now, out))
		return;
	if (in->flags & TH_RST) {
		check_rst(c, in, now, out);
		return;
	}
	if (in->flags & TH_SYN) {
		check_syn(c, now, out);
		return;
	}
	if (!(in->flags & TH_ACK)) {
		conn_drop(out, "no ACK bit: dropped");
		return;
	}
	if (!check_ack(c, in, now, out))
		return;
	input_text(c, in, now, out);
}
