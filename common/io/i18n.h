/*
 * i18n.h: tcplab's programs in the reader's language (GNU gettext).
 *
 * i18n_init() takes the language from the environment (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and opens tcplab's catalog: from $TCPLAB_LOCALEDIR
 * when set (the lab runner sets it to the build tree's locale/), else
 * from the directory configure chose. Only the messages and the character
 * type follow the locale; numbers, time and collation stay "C", so that
 * tcpdump's lines, which are never translated, come out the same in every
 * language.
 *
 * The programs write _("...") for a message and N_("...") for one
 * translated later; the pure core gets i18n_tr, a struct tr that looks up
 * the same catalog (common/tr.h).
 */
#ifndef TCPLAB_IO_I18N_H
#define TCPLAB_IO_I18N_H

/* ENABLE_NLS comes from configure: a file that used _() without it would
 * translate nothing, silently. */
#include "config.h"

#include "common/tr.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(msgid) gettext(msgid)
#else
#define _(msgid) ((const char *)(msgid))
#endif

/* Chooses the language and opens the catalog. Call first in main(). */
void i18n_init(void);

/*
 * The reader's language, for texts that come with their own translations
 * (a scenario's): LANGUAGE's first, else LC_ALL, LC_MESSAGES, LANG, as
 * gettext chooses; NULL in the C or POSIX locale, where gettext ignores
 * LANGUAGE too.
 */
const char *i18n_lang(void);

/* The catalog, as a lookup for the core. */
extern const struct tr i18n_tr;

/* A message with a context (the state names: "state", "LISTEN"). */
const char *i18n_ctext(const char *ctx, const char *msgid);
#define C_(ctx, msgid) i18n_ctext((ctx), (msgid))

#endif
