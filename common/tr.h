/*
 * tr.h: the reader's language, for the pure core.
 *
 * The core writes sentences for a person (annot's notes, the ladder's
 * legend, the errors of pasted text and of options) but never opens a
 * message catalog: as with names and local time, its caller hands it a
 * lookup. A zero struct tr, or a NULL pointer to one, means English, the
 * language the messages are written in. The programs' lookup is gettext's
 * (common/io/i18n.c); a test may hand in its own.
 *
 * Marking: TR(tr, "msgid") and TRC(tr, "context", "msgid") translate a
 * message where it is used; N_("msgid") marks one that is translated
 * later, by whoever prints it (an error string, a conn event's reason),
 * and NC_("context", "msgid") one with a context (the state names,
 * translated as TRC(tr, "state", tcp_state_name(st))).
 * xgettext knows these names (po/Makevars), so every message marked here
 * reaches po/tcplab.pot.
 */
#ifndef TCPLAB_TR_H
#define TCPLAB_TR_H

#include <stddef.h>

struct tr {
	/* Returns the translation of msgid (in context ctx, or none when
	 * ctx is NULL), or msgid itself when there is none. The string
	 * must stay valid for as long as the lookup exists. */
	const char *(*text)(void *arg, const char *ctx, const char *msgid);
	void *arg;
};

static inline const char *tr_text(const struct tr *t, const char *ctx,
                                  const char *msgid)
{
	if (t == NULL || t->text == NULL)
		return msgid;
	return t->text(t->arg, ctx, msgid);
}

/* True when t gives msgid (in ctx) a translation of its own. */
static inline int tr_has(const struct tr *t, const char *ctx,
                         const char *msgid)
{
	return tr_text(t, ctx, msgid) != msgid;
}

#define TR(t, msgid)       tr_text((t), NULL, (msgid))
#define TRC(t, ctx, msgid) tr_text((t), (ctx), (msgid))
#ifndef N_
#define N_(msgid) msgid
#endif
#define NC_(ctx, msgid) msgid

#endif
