/*
 * annot_fmt.c: annot's results as text and JSON, the summaries of
 * connections, and a student's answers to "predict seq and ack".
 *
 * The caller owns every buffer; each function returns the length it wrote
 * or TCPLAB_ENOSPC, and never prints. This module must never do I/O, read
 * a clock or keep global state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/annot_int.h"
#include "common/err.h"
#include "common/wrap.h"

/* Text formatting: a cursor over the caller's buffer. */
struct tb {
	char *p;
	size_t cap, len;
	bool full;
};

static void tb_printf(struct tb *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len)
		t->full = true;
	else
		t->len += (size_t)n;
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void tb_json_str(struct tb *t, const char *s)
{
	tb_printf(t, "\"");
	for (; *s != '\0' && !t->full; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			tb_printf(t, "\\%c", ch);
		else if (ch < 0x20)
			tb_printf(t, "\\u%04x", ch);
		else
			tb_printf(t, "%c", ch);
	}
	tb_printf(t, "\"");
}

static int tb_end(struct tb *t)
{
	if (t->full || t->cap == 0) {
		if (t->cap > 0)
			t->p[0] = '\0';
		return TCPLAB_ENOSPC;
	}
	return (int)t->len;
}

/* One paragraph, wrapped to cols with a hanging indent. */
static void tb_para(struct tb *t, const char *text, const char *first,
                    const char *hang, unsigned cols)
{
	int n;

	if (t->full)
		return;
	n = wrap_para(text, strlen(text), first, hang, cols, t->p + t->len,
	              t->cap - t->len);
	if (n < 0)
		t->full = true;
	else
		t->len += (size_t)n;
}

int annot_format_notes(const struct annot_result *r, unsigned kinds,
                       unsigned cols, char *buf, size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};
	unsigned i;

	for (i = 0; i < r->nnotes; i++)
		if (kinds & (1u << r->note_kind[i]))
			tb_para(&t, r->notes[i], "  | ", "  |   ", cols);
	return tb_end(&t);
}

int annot_format_text(const struct annot_result *r, unsigned cols, char *buf,
                      size_t cap)
{
	return annot_format_notes(r, ~0u, cols, buf, cap);
}

/* "[\"SYN-SENT\",\"ESTABLISHED\"]": the states a side went through. */
static void tb_json_path(struct tb *t, const struct annot_path *p)
{
	unsigned i;

	tb_printf(t, "[");
	for (i = 0; i < p->n; i++)
		tb_printf(t, "%s\"%s\"", i ? "," : "",
		          tcp_state_name(p->st[i]));
	tb_printf(t, "]");
}

static const char *cc_phase_name(enum conn_cc_phase p)
{
	return p == CONN_CC_RECOVERY ? "recovery"
	       : p == CONN_CC_LOSS   ? "loss"
	                             : "open";
}

/* "cc":{...}, the own end's sender as the segment left or was taken,
 * or an observer's estimate of a sender. */
static void tb_json_cc(struct tb *t, const struct annot_cc *cc,
                       enum annot_side side, bool inferred)
{
	const struct conn_cc_info *i = &cc->now;

	tb_printf(t, "\"cc\":{\"sender\":\"%s\",\"inferred\":%s,",
	          annot_side_name(side), inferred ? "true" : "false");
	tb_printf(t,
	          "\"cwnd\":%u,\"ssthresh\":%u,"
	          "\"ssthresh_initial\":%s,\"flight\":%u,\"pipe\":%u,"
	          "\"peer_window\":%u,\"smss\":%u,\"phase\":\"%s\","
	          "\"slow_start\":%s,\"dupacks\":%u,\"sacked\":%u,",
	          i->cwnd, i->ssthresh, i->ssthresh_initial ? "true" : "false",
	          i->flight, i->pipe, i->snd_wnd, i->smss,
	          cc_phase_name(i->phase), i->slow_start ? "true" : "false",
	          i->dupacks, i->sacked);
	tb_printf(t,
	          "\"srtt_us\":%llu,\"rttvar_us\":%llu,\"rto_us\":%llu,"
	          "\"rtt_samples\":%u,",
	          (unsigned long long)i->srtt_us,
	          (unsigned long long)i->rttvar_us,
	          (unsigned long long)i->rto_us, i->rtt_samples);
	if (cc->changes && i->rtt_samples != cc->before.rtt_samples)
		tb_printf(t, "\"rtt_sample_us\":%llu,",
		          (unsigned long long)i->rtt_us);
	if (cc->changes &&
	    (cc->before.cwnd != i->cwnd || cc->before.ssthresh != i->ssthresh))
		tb_printf(t, "\"cwnd_before\":%u,\"ssthresh_before\":%u,",
		          cc->before.cwnd, cc->before.ssthresh);
	tb_printf(t, "\"why\":");
	if (cc->changes && cc->why != NULL)
		tb_json_str(t, cc->why);
	else
		tb_printf(t, "null");
	tb_printf(t, "},");
}

int annot_format_json(const struct annot_result *r, const char *own_state,
                      char *buf, size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};
	unsigned i, k = 0;

	tb_printf(&t,
	          "{\"type\":\"segment\",\"n\":%u,\"conn\":%u,\"from\":\"%s\","
	          "\"from_inferred\":%s,\"time\":%lld.%06u,\"flags\":",
	          r->n, r->conn, annot_side_name(r->from),
	          r->from_inferred ? "true" : "false", (long long)r->sec,
	          r->usec);
	tb_json_str(&t, r->flag_letters);
	tb_printf(&t,
	          ",\"seq\":%u,\"ack\":%u,\"rel_seq\":%u,\"rel_ack\":%u,"
	          "\"len\":%u,\"win\":%u,\"win_bytes\":%d,\"acks\":%u,",
	          r->seq, r->ack, r->rel_seq, r->rel_ack, r->len, r->win,
	          r->win_bytes, r->acks_seg);
	tb_printf(&t,
	          "\"states_before\":{\"client\":\"%s\",\"server\":\"%s\"},"
	          "\"states_after\":{\"client\":\"%s\",\"server\":\"%s\"},"
	          "\"inferred\":{\"client\":%s,\"server\":%s",
	          tcp_state_name(r->before[0]), tcp_state_name(r->before[1]),
	          tcp_state_name(r->after[0]), tcp_state_name(r->after[1]),
	          r->inferred[0] ? "true" : "false",
	          r->inferred[1] ? "true" : "false");
	tb_printf(&t, "},\"paths\":{\"client\":");
	tb_json_path(&t, &r->path[0]);
	tb_printf(&t, ",\"server\":");
	tb_json_path(&t, &r->path[1]);
	tb_printf(&t,
	          "},\"revised\":{\"client\":%s,\"server\":%s},"
	          "\"told\":{\"client\":%s,\"server\":%s},",
	          r->revised[0] ? "true" : "false",
	          r->revised[1] ? "true" : "false",
	          r->told[0] ? "true" : "false", r->told[1] ? "true" : "false");
	if (own_state != NULL)
		tb_printf(&t, "\"own_state\":\"%s\",", own_state);
	if (r->cc.valid)
		tb_json_cc(&t, &r->cc, r->cc_side, false);
	else if (r->est.valid)
		tb_json_cc(&t, &r->est, r->est_side, true);
	tb_printf(&t, "\"events\":[");
	for (i = 0; i < ANNOT_EV_COUNT; i++)
		if (r->events & (1u << i))
			tb_printf(&t, "%s\"%s\"", k++ ? "," : "",
			          annot_event_name(1u << i));
	tb_printf(&t, "],\"cksum\":\"%s\",\"notes\":[",
	          r->cksum == ANNOT_CKSUM_OK    ? "correct"
	          : r->cksum == ANNOT_CKSUM_BAD ? "incorrect"
	                                        : "unknown");
	for (i = 0; i < r->nnotes; i++) {
		if (i > 0)
			tb_printf(&t, ",");
		tb_json_str(&t, r->notes[i]);
	}
	tb_printf(&t, "]}\n");
	return tb_end(&t);
}

int annot_format_summary_text(const struct annot_summary *sm,
                              const struct tr *tr, unsigned cols, char *buf,
                              size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};
	char head[1024], body[1536], end[256] = "";

	if (sm->close == ANNOT_CLOSE_RESET)
		snprintf(end, sizeof end, TR(tr, " sent by the %s"),
		         annot_side_word(tr, sm->reset_by));
	snprintf(head, sizeof(head),
	         TR(tr, "connection %u (client port %u, server port %u%s): "
	                "%s; %s%s."),
	         sm->conn, sm->cport, sm->sport,
	         sm->roles_inferred ? TR(tr, ", roles guessed from the ports")
	                            : "",
	         sm->handshake ? TR(tr, "three-way handshake seen")
	                       : TR(tr, "no complete handshake in the capture"),
	         annot_close_sentence(tr, sm->close), end);
	snprintf(body, sizeof(body),
	         TR(tr,
	            "segments #%u to #%u: %u segments, %llu bytes from the "
	            "client, %llu from the server, %u retransmissions, %u "
	            "duplicate ACKs, %u out of order, %u with segments missing "
	            "before them, %u zero windows, %u window updates, %u "
	            "keep-alives, %u window probes; last states: client %s, "
	            "server %s"),
	         sm->first_n, sm->last_n, sm->segments,
	         (unsigned long long)sm->bytes[0],
	         (unsigned long long)sm->bytes[1], sm->retransmissions,
	         sm->dup_acks, sm->out_of_order, sm->missing, sm->zero_windows,
	         sm->window_updates, sm->keep_alives, sm->window_probes,
	         tcp_state_name(sm->state[0]), tcp_state_name(sm->state[1]));
	tb_para(&t, head, "", "  ", cols);
	tb_para(&t, body, "  ", "    ", cols);
	return tb_end(&t);
}

int annot_format_summary_json(const struct annot_summary *sm, char *buf,
                              size_t cap)
{
	struct tb t = {buf, cap, 0, cap == 0};

	tb_printf(&t,
	          "{\"type\":\"connection\",\"conn\":%u,\"client_port\":%u,"
	          "\"server_port\":%u,\"roles_inferred\":%s,\"handshake\":%s,"
	          "\"close\":\"%s\",",
	          sm->conn, sm->cport, sm->sport,
	          sm->roles_inferred ? "true" : "false",
	          sm->handshake ? "true" : "false",
	          annot_close_name(sm->close));
	if (sm->close == ANNOT_CLOSE_RESET)
		tb_printf(&t, "\"reset_by\":\"%s\",",
		          annot_side_name(sm->reset_by));
	tb_printf(&t,
	          "\"first\":%u,\"last\":%u,\"segments\":%u,"
	          "\"retransmissions\":%u,\"duplicate_acks\":%u,"
	          "\"out_of_order\":%u,\"missing\":%u,\"zero_windows\":%u,"
	          "\"window_updates\":%u,\"keep_alives\":%u,"
	          "\"window_probes\":%u,\"bytes\":{\"client\":%llu,\"server\":%"
	          "llu},"
	          "\"states\":{\"client\":\"%s\",\"server\":\"%s\"}}\n",
	          sm->first_n, sm->last_n, sm->segments, sm->retransmissions,
	          sm->dup_acks, sm->out_of_order, sm->missing, sm->zero_windows,
	          sm->window_updates, sm->keep_alives, sm->window_probes,
	          (unsigned long long)sm->bytes[0],
	          (unsigned long long)sm->bytes[1],
	          tcp_state_name(sm->state[0]), tcp_state_name(sm->state[1]));
	return tb_end(&t);
}

int annot_parse_answer(const char *line, uint32_t *seq, bool *has_ack,
                       uint32_t *ack)
{
	char a[32], b[32], extra[2];
	char *end;
	unsigned long v;
	int n = sscanf(line, "%31s %31s %1s", a, b, extra);

	if (n != 2)
		return TCPLAB_EINVAL;
	v = strtoul(a, &end, 10);
	if (*end != '\0' || a[0] == '-' || v > UINT32_MAX)
		return TCPLAB_EINVAL;
	*seq = (uint32_t)v;
	if (strcmp(b, "-") == 0) {
		*has_ack = false;
		*ack = 0;
		return 0;
	}
	v = strtoul(b, &end, 10);
	if (*end != '\0' || b[0] == '-' || v > UINT32_MAX)
		return TCPLAB_EINVAL;
	*has_ack = true;
	*ack = (uint32_t)v;
	return 0;
}

bool annot_answer_ok(const struct annot_result *r, uint32_t seq, bool has_ack,
                     uint32_t ack)
{
	if (seq != r->rel_seq)
		return false;
	if (!(r->flags & TH_ACK))
		return !has_ack || ack == 0;
	return has_ack && ack == r->rel_ack;
}
