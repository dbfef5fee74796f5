/*
 * body.c: tcplab-client's response, taken as it arrives.
 *
 * The bytes the server's TCP delivers in order go to the HTTP parser
 * (common/httpc), and the body it finds in them is written at once, to
 * the -O file or to standard output: nothing of the body is kept, so the
 * client's memory is the same for a body of ten bytes or of ten
 * gigabytes. On standard output the body shares the lines with the trace:
 * each piece comes right after the segment that carried it, under a line
 * that says which bytes it holds, and a trace line that follows a piece
 * without its newline starts on a line of its own.
 *
 * This file also decides what the end of the connection means for the
 * response: a FIN ends a body delimited by the close; a RST after a
 * complete body is no failure; a RST in a body delimited by the close
 * keeps what arrived but cannot prove it whole.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "client/client.h"
#include "common/conn.h"
#include "common/io/i18n.h"

/* Once the -O file or standard output refused a write, the client stops
 * writing and resets the connection (client_run() sees write_failed). */
static void write_failed(struct client *cl, int err)
{
	cl->write_failed = true;
	client_fail(cl,
	            /* TRANSLATORS: a file name or "standard output", then
	             * why. */
	            _("cannot write the body to %s: %s; the connection is "
	              "reset"),
	            cl->out ? cl->o.outfile : _("standard output"),
	            strerror(err));
}

/* The line above a piece of the body on standard output: which bytes of
 * the body it is, and, above the first, the status. */
static void say_piece(struct client *cl, uint64_t first, size_t n)
{
	const struct httpc_resp *r = &cl->resp;
	char whole[128] = "";

	if (r->body == HTTPC_BODY_LENGTH)
		/* TRANSLATORS: " of %llu", " (chunked)" and " (until the
		 * server closes)" end the lines "client: HTTP 200, body
		 * bytes 1-11 of 23:" and "client: body bytes 12-23 of 23:". */
		snprintf(whole, sizeof whole, _(" of %llu"),
		         (unsigned long long)r->content_length);
	else if (r->body == HTTPC_BODY_CHUNKED)
		snprintf(whole, sizeof whole, "%s", _(" (chunked)"));
	else
		snprintf(whole, sizeof whole, "%s",
		         _(" (until the server closes)"));
	if (first == 1)
		say(cl, _("    client: HTTP %d, body bytes 1-%zu%s:\n"),
		    r->status, n, whole);
	else
		say(cl, _("    client: body bytes %llu-%llu%s:\n"),
		    (unsigned long long)first,
		    (unsigned long long)(first + n - 1), whole);
}

/* Writes n body bytes that start at body byte first (from 1). */
static void put(struct client *cl, const uint8_t *p, size_t n, uint64_t first)
{
	FILE *f = cl->out ? cl->out : stdout;
	bool traced = cl->out == NULL && !cl->o.quiet;

	/* --json keeps standard output for JSON: the body goes only to -O. */
	if (n == 0 || cl->write_failed || (cl->out == NULL && cl->o.json))
		return;
	if (traced)
		say_piece(cl, first, n);
	/* Standard output is flushed at once, between the trace's lines; an
	 * -O file fills its 64 KiB buffer first and is flushed whenever the
	 * client waits (client_flush_body), so it grows as the body comes. */
	errno = 0;
	if (fwrite(p, 1, n, f) != n || (f == stdout && fflush(f) != 0)) {
		write_failed(cl, errno ? errno : EIO);
		return;
	}
	if (traced)
		cl->body_midline = p[n - 1] != '\n';
}

/* Once the response is whole: a line that says so, where the pieces'
 * own lines have not said it already. */
static void check_done(struct client *cl)
{
	const struct httpc_resp *r = &cl->resp;
	unsigned long long n = (unsigned long long)r->body_bytes;

	if (cl->body_done_said || !httpc_resp_done(r))
		return;
	cl->body_done_said = true;
	if (cl->out != NULL)
		say(cl,
		    _("    client: HTTP %d, body of %llu bytes written to "
		      "%s\n"),
		    r->status, n, cl->o.outfile);
	else if (n == 0)
		say(cl, _("    client: HTTP %d, no body\n"), r->status);
	else if (r->body == HTTPC_BODY_CLOSE)
		say(cl,
		    _("    client: the server's FIN ends the body: %llu "
		      "bytes\n"),
		    n);
	else if (r->body == HTTPC_BODY_CHUNKED)
		say(cl,
		    _("    client: the last chunk ends the body: %llu "
		      "bytes\n"),
		    n);
}

void body_take(struct client *cl, const uint8_t *p, size_t n)
{
	uint8_t tmp[65536];
	size_t off = 0;

	while (off < n && !cl->resp_error) {
		size_t k = n - off < sizeof tmp ? n - off : sizeof tmp;
		size_t got;
		if (httpc_resp_feed(&cl->resp, p + off, k, tmp, &got) != 0) {
			cl->resp_error = true;
			client_fail(cl,
			            _("the response from %s is not HTTP/1.x"),
			            cl->url.host);
			return;
		}
		put(cl, tmp, got, cl->resp.body_bytes - got + 1);
		off += k;
	}
	check_done(cl);
}

void body_fin(struct client *cl)
{
	if (httpc_resp_eof(&cl->resp) != 0 && !cl->resp_error)
		client_fail(cl, "%s",
		            _("the server closed before the end of the "
		              "response"));
	check_done(cl);
}

/* How the body's end is found, in words, for the line below. */
static const char *delimiter(const struct httpc_resp *r)
{
	switch (r->body) {
	case HTTPC_BODY_LENGTH:
		/* TRANSLATORS: how the body's end is found, for "(26 body
		 * bytes, as %s says)": "its" is the response's. */
		return _("its Content-Length");
	case HTTPC_BODY_CHUNKED:
		return _("its last chunk");
	case HTTPC_BODY_NONE:
		return _("its status, which has none");
	default:
		return _("the server's FIN");
	}
}

bool body_reset(struct client *cl)
{
	const struct httpc_resp *r = &cl->resp;
	unsigned long long n = (unsigned long long)r->body_bytes;

	if (httpc_resp_done(r)) {
		/* The body proved itself whole before the RST came. */
		say(cl,
		    _("    client: the server reset the connection after the "
		      "whole response (%llu body bytes, as %s says): the "
		      "exchange succeeded all the same\n"),
		    n, delimiter(r));
		return true;
	}
	if (r->phase == HTTPC_P_BODY && r->body == HTTPC_BODY_CLOSE) {
		/* Only a FIN ends such a body: a RST may have thrown away
		 * what the server had not sent yet (curl exits 56 and wget
		 * 4 here, both keeping the bytes). */
		client_fail(cl,
		            cl->out || !cl->o.json
		                    ? _("the server ended the body with a RST, "
		                        "not a FIN: the %llu bytes that came "
		                        "are written, but nothing proves them "
		                        "the whole body")
		                    : _("the server ended the body with a RST, "
		                        "not a FIN: the %llu bytes that came "
		                        "are received, but nothing proves them "
		                        "the whole body"),
		            n);
		return true;
	}
	return false;
}

void body_break(struct client *cl)
{
	if (!cl->body_midline)
		return;
	cl->body_midline = false;
	fputc('\n', stdout);
}

void body_flush(struct client *cl)
{
	if (cl->out != NULL && !cl->write_failed && fflush(cl->out) != 0)
		write_failed(cl, errno ? errno : EIO);
}
