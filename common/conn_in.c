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
#include "common/tr.h"
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
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = in->seq;
	c->snd_wl2 = in->ack;
}

/* The largest segment we send: the peer's MSS (RFC 9293 3.7.1: 536
 * without the option), at most ours, less the 12 bytes of timestamps
 * every segment carries. An MSS below 48 is taken as 48, as Linux does
 * (tcp_min_snd_mss): an MSS of 0 or 1 would make a segment per byte, or
 * none at all. */
static void accept_mss(struct conn *c, const struct seg *in)
{
	uint32_t mss = (in->has & SEG_HAS_MSS) ? in->mss : CONN_DEFAULT_MSS;

	if (mss < CONN_MIN_MSS)
		mss = CONN_MIN_MSS;
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
		conn_drop(out, N_("RST in CLOSED: ignored"));
		return;
	}
	conn_send_rst_reply(c, in, out);
	conn_drop(out, N_("no connection: RST sent"));
}

void conn_in_listen(struct conn *c, const struct seg *in, uint64_t now,
                    struct conn_out *out)
{
	/* "First, check for a RST: An incoming RST should be ignored." */
	if (in->flags & TH_RST) {
		conn_drop(out, N_("RST in LISTEN: ignored"));
		return;
	}
	/* "Second, check for an ACK: Any acknowledgment is bad if it arrives
	 * on a connection still in the LISTEN state. An acceptable reset
	 * segment should be formed ...: <SEQ=SEG.ACK><CTL=RST>" */
	if (in->flags & TH_ACK) {
		conn_send_rst_reply(c, in, out);
		conn_drop(out, N_("ACK in LISTEN: RST sent"));
		return;
	}
	if (!(in->flags & TH_SYN)) {
		conn_drop(out, N_("no SYN in LISTEN"));
		return;
	}
	/* "Third, check for a SYN: ... Set RCV.NXT to SEG.SEQ+1, IRS is set
	 * to SEG.SEQ ... <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> ... SND.NXT is
	 * set to ISS+1 and SND.UNA to ISS. The connection state should be
	 * changed to SYN-RECEIVED." */
	c->raddr = seg_src(in);
	c->rport = in->sport;
	if (ipaddr_any(&c->laddr))
		c->laddr = seg_dst(in);
	accept_syn(c, in);
	accept_mss(c, in);
	c->iss = c->cfg.iss;
	conn_set_state(c, TCP_SYN_RECEIVED, out);
	conn_send_syn(c, TH_SYN | TH_ACK, now, out);
	conn_syn_sent_space(c, now);
	if (in->payload_len > 0 || (in->flags & TH_FIN))
		conn_drop(out, N_("data or FIN on a SYN: not queued"));
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
		conn_drop(out, N_("data or FIN on a SYN-ACK: not queued"));
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
			          N_("RST with an ACK that is not of our SYN"));
			return;
		}
		conn_send_rst_reply(c, in, out);
		conn_drop(out, N_("ACK is not of our SYN: RST sent"));
		return;
	}
	/* "If the ACK was acceptable, then signal to the user 'error:
	 * connection reset', drop the segment, enter CLOSED state ...
	 * Otherwise (no ACK), drop the segment and return." */
	if (in->flags & TH_RST) {
		if (!ack) {
			conn_drop(out, N_("RST without ACK in SYN-SENT"));
			return;
		}
		conn_ev(out, CONN_EV_RESET, in->seq, N_("connection refused"));
		conn_enter_closed(c, out);
		return;
	}
	if (!(in->flags & TH_SYN)) {
		conn_drop(out, N_("neither SYN nor RST in SYN-SENT"));
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
		return N_("FIN again in TIME-WAIT: ACK sent, 2MSL restarted");
	/* Everything in it lies below RCV.NXT: the peer sent it again. */
	if (len > 0 && seq_leq(seq_add(in->seq, len), c->rcv_nxt))
		return N_("retransmission of what we have: ACK sent");
	return N_("out of window: ACK sent");
}

/*
 * RFC 5961 7: "An implementation SHOULD include an ACK throttling
 * mechanism". As Linux (tcp_oow_rate_limited), one such ACK per
 * cfg.challenge_gap_us for the challenge ACKs of sections 3 to 5, and
 * for the ACKs that answer an out-of-window segment carrying no data:
 * an attacker's flood then gets a few answers a second, not one each.
 * Sends the ACK and drops the segment with the reason `sent`, or only
 * drops it with the reason `held`.
 */
static void limited_ack(struct conn *c, uint64_t now, struct conn_out *out,
                        const char *sent, const char *held)
{
	if (c->cfg.challenge_gap_us != 0 && c->challenge_at != 0 &&
	    now - c->challenge_at < c->cfg.challenge_gap_us) {
		conn_drop(out, held);
		return;
	}
	c->challenge_at = now != 0 ? now : 1;
	conn_send_ack(c, now, out);
	conn_drop(out, sent);
}

/* First, check the sequence number (and RFC 7323 5.3, PAWS). */
static bool check_seq(struct conn *c, const struct seg *in, uint64_t now,
                      struct conn_out *out)
{
	/* "If ... SEG.TSval < TS.Recent ... then the segment is not
	 * acceptable ... send an acknowledgment in reply" (RFC 7323 5.3). */
	if (c->ts_ok && (in->has & SEG_HAS_TS) && !(in->flags & TH_RST) &&
	    seq_lt(in->ts_val, c->ts_recent)) {
		static const char sent[] =
		        N_("PAWS: timestamp older than TS.Recent, ACK sent");

		if (in->payload_len > 0) {
			conn_send_ack(c, now, out);
			conn_drop(out, sent);
		} else {
			limited_ack(c, now, out, sent,
			            N_("PAWS: timestamp older than TS.Recent, "
			            "ACK held back"));
		}
		return false;
	}
	if (acceptable(c, in))
		return true;
	/* "If an incoming segment is not acceptable, an acknowledgment
	 * should be sent in reply (unless the RST bit is set, if so drop the
	 * segment and return)" */
	if (in->flags & TH_RST) {
		conn_drop(out, N_("RST out of window: dropped"));
		return false;
	}
	/* "TIME-WAIT STATE: ... Restart the 2 MSL time-wait timeout." */
	if (c->state == TCP_TIME_WAIT && (in->flags & TH_FIN))
		c->tw_at = now + c->cfg.time_wait_us;
	if (seg_seq_len(in) == 0 && !(in->flags & TH_SYN)) {
		limited_ack(c, now, out, N_("out of window: ACK sent"),
		            N_("out of window: ACK held back (RFC 5961 7)"));
		return false;
	}
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
		limited_ack(c, now, out,
		            N_("RST not at RCV.NXT: challenge ACK"),
		            N_("RST not at RCV.NXT: dropped (ACK rate limit)"));
		return;
	}
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		if (c->passive) {
			conn_ev(out, CONN_EV_RESET, in->seq,
			        N_("reset by peer: back to LISTEN"));
			conn_back_to_listen(c, out);
			return;
		}
		why = N_("connection refused");
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		why = N_("connection reset by peer");
		break;
	default:
		why = N_("reset by peer while closing");
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
		conn_drop(out, N_("new SYN in SYN-RECEIVED: back to LISTEN"));
		conn_back_to_listen(c, out);
		return;
	}
	limited_ack(c, now, out,
	            N_("SYN in a synchronized state: challenge ACK"),
	            N_("SYN in a synchronized state: dropped "
	               "(ACK rate limit)"));
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
		conn_drop(out, N_("bad ACK in SYN-RECEIVED: RST sent"));
		return false;
	}
	established(c, out);
	/* RFC 7323 2.3: from now on the peer's window field is scaled. */
	c->snd_wnd = (uint32_t)in->win << c->snd_wscale;
	if (c->snd_wnd > c->max_snd_wnd)
		c->max_snd_wnd = c->snd_wnd;
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
		if (c->snd_wnd > c->max_snd_wnd)
			c->max_snd_wnd = c->snd_wnd;
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
		 * state; otherwise, ignore the segment." Its ACK and window
		 * still count for data and a FIN not yet sent (the peer's FIN
		 * came while they waited on its window). */
		if (fin_acked)
			enter_time_wait(c, now, out);
		else
			conn_output(c, now, out);
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
		limited_ack(c, now, out,
		            N_("ACK of something not yet sent: ACK sent"),
		            N_("ACK of something not yet sent: dropped"));
		return false;
	}
	/* RFC 5961 5.2: "The ACK value is considered acceptable only if it
	 * is in the range of ((SND.UNA - MAX.SND.WND) =< SEG.ACK =<
	 * SND.NXT). All incoming segments whose ACK value doesn't satisfy
	 * the above condition MUST be discarded and an ACK sent back." A
	 * blind attacker who guessed the sequence number rarely guesses an
	 * ACK this close as well. */
	if (seq_lt(in->ack, c->snd_una - c->max_snd_wnd)) {
		limited_ack(c, now, out, N_("ACK too old: challenge ACK"),
		            N_("ACK too old: dropped (ACK rate limit)"));
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
	uint64_t delay = c->cfg.data_ack_delay_us;

	/* Past the quick ACKs, bulk data waits for a second segment. */
	if (delay == 0 && c->cfg.bulk_ack_delay_us != 0) {
		if (c->data_segs >= c->cfg.quickack_segs)
			delay = c->cfg.bulk_ack_delay_us;
		else
			c->data_segs++;
	}
	if (delay == 0 || c->ack_at != 0) {
		c->ack_now = true;
		return;
	}
	c->ack_at = now + delay;
}

/* The states in which the peer may still send text (RFC 9293 3.10.7.4,
 * seventh: "CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: This should not
 * occur since a FIN has been received from the remote side. Ignore the
 * segment text."). */
static bool takes_text(const struct conn *c)
{
	return c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	       c->state == TCP_FIN_WAIT_2;
}

/* Text and FIN beyond RCV.NXT: kept for later (conn_reass.c), and
 * answered at once with a duplicate ACK that carries SACK blocks (RFC
 * 5681 4.2: "an out-of-order segment ... SHOULD" be ACKed immediately). */
static void text_ahead(struct conn *c, const struct seg *in,
                       struct conn_out *out)
{
	uint32_t end = seq_add(in->seq, (uint32_t)in->payload_len);
	size_t kept = in->payload_len;

	c->ack_now = true;
	if (in->payload_len > 0)
		kept = conn_reass_add(c, in->seq, in->payload, in->payload_len,
		                      out);
	if ((in->flags & TH_FIN) && kept == in->payload_len &&
	    seq_lt(end, seq_add(c->rcv_nxt, conn_rcv_window(c) + 1)))
		conn_reass_fin(c, end);
}

/* The caller reads all it is given at once: once a window's worth has
 * been delivered, the window may double, up to cfg.rcv_wnd_max (Linux
 * grows its receive buffer for a reader that keeps up, tcp_rcv_space_
 * adjust; without it a fast link waits on a 64 KB window). */
static void grow_window(struct conn *c, size_t n)
{
	if (c->cfg.rcv_wnd_max <= c->rcv_wnd)
		return;
	c->rcv_delivered += (uint32_t)n;
	if (c->rcv_delivered < c->rcv_wnd)
		return;
	c->rcv_delivered = 0;
	c->rcv_wnd = c->rcv_wnd > c->cfg.rcv_wnd_max / 2 ? c->cfg.rcv_wnd_max
	                                                  : c->rcv_wnd * 2;
}

/*
 * Seventh, process the segment text: deliver the in-order bytes we do not
 * have yet, up to our window, with what the reassembly queue then holds
 * in order after them, and owe an ACK for them. Returns true when the
 * peer's FIN (this segment's, or one the queue held) is now in sequence.
 */
static bool process_text(struct conn *c, const struct seg *in, uint64_t now,
                         struct conn_out *out)
{
	uint32_t end = seq_add(in->seq, (uint32_t)in->payload_len);
	bool fin = (in->flags & TH_FIN) != 0;
	bool queued = c->rq_n > 0;
	int32_t have;
	size_t n;

	if (!takes_text(c))
		return in->payload_len == 0 && fin && end == c->rcv_nxt;
	/* The first `have` bytes of the segment are below RCV.NXT. */
	have = seq_diff(c->rcv_nxt, in->seq);
	if (have < 0) {
		text_ahead(c, in, out);
		return false;
	}
	if ((size_t)have >= in->payload_len)
		return fin && end == c->rcv_nxt;
	n = in->payload_len - (size_t)have;
	if (n > conn_rcv_window(c))
		n = conn_rcv_window(c);
	if (n == 0)
		return false;
	if (queued) {
		n = conn_reass_fill(c, in->payload + have, n, out);
		if (n == 0) {
			conn_drop(out, N_("in order, but no room: dropped"));
			c->ack_now = true;
			return false;
		}
		/* RFC 5681 4.2: "an immediate ACK SHOULD be generated when
		 * the incoming segment fills in all or part of a gap". */
		c->ack_now = true;
	} else {
		out->data = in->payload + have;
		out->data_len = n;
		/* The next byte we expect follows the n bytes delivered. */
		c->rcv_nxt = seq_add(c->rcv_nxt, (uint32_t)n);
		data_ack_later(c, now);
	}
	conn_ev(out, CONN_EV_DATA, (uint32_t)n, NULL);
	grow_window(c, n);
	if (c->rq_fin && c->rq_fin_seq == c->rcv_nxt) {
		c->rq_fin = false;
		return true;
	}
	return fin && end == c->rcv_nxt;
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

/* Eighth, check the FIN bit; the FIN, at RCV.NXT, is in sequence. */
static void process_fin(struct conn *c, uint64_t now, struct conn_out *out)
{
	uint32_t fin_seq = c->rcv_nxt;

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
		        N_("SYN-ACK (duplicate SYN)"));
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
	size_t before = out->data_len;

	ts_update(c, in);
	if (process_text(c, in, now, out))
		process_fin(c, now, out);
	if (c->cfg.app_reads)
		c->rcv_unread += (uint32_t)(out->data_len - before);
	conn_output(c, now, out);
	if (c->ack_now)
		conn_send_ack(c, now, out);
}

/*
 * RFC 9293 3.10.7.4 lets TIME-WAIT accept a new SYN for the same 4-tuple
 * (RFC 1122 4.2.2.13, RFC 6191): with timestamps when "the timestamp
 * option is present in the incoming SYN and its value is larger than
 * TS.Recent" (RFC 6191 2), without them when the SYN's sequence number is
 * above RCV.NXT. The old connection ends, and the caller gives the SYN
 * to a listener.
 */
static bool time_wait_reopen(struct conn *c, const struct seg *in,
                             struct conn_out *out)
{
	bool newer;

	if (c->state != TCP_TIME_WAIT ||
	    (in->flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	if (c->ts_ok && (in->has & SEG_HAS_TS))
		newer = seq_gt(in->ts_val, c->ts_recent);
	else
		newer = seq_gt(in->seq, c->rcv_nxt);
	if (!newer)
		return false;
	conn_ev(out, CONN_EV_REOPEN, in->seq,
	        N_("new SYN in TIME-WAIT: the old connection ends"));
	conn_enter_closed(c, out);
	return true;
}

void conn_in_sync(struct conn *c, const struct seg *in, uint64_t now,
                  struct conn_out *out)
{
	struct seg trimmed;

	if (time_wait_reopen(c, in, out))
		return;

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
		conn_drop(out, N_("no ACK bit: dropped"));
		return;
	}
	if (!check_ack(c, in, now, out))
		return;
	input_text(c, in, now, out);
}
