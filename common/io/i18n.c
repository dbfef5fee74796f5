/*
 * i18n.c: the catalog behind _() and i18n_tr (see i18n.h).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/io/i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

void i18n_init(void)
{
#ifdef ENABLE_NLS
	const char *dir = getenv("TCPLAB_LOCALEDIR");

	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif
}

const char *i18n_ctext(const char *ctx, const char *msgid)
{
#ifdef ENABLE_NLS
	/* gettext keeps a context as "context\004msgid" (pgettext()). */
	char key[512];
	size_t lc = strlen(ctx), lm = strlen(msgid);
	const char *t;

	if (lc + 1 + lm + 1 > sizeof key)
		return msgid;
	memcpy(key, ctx, lc);
	key[lc] = '\004';
	memcpy(key + lc + 1, msgid, lm + 1);
	t = gettext(key);
	/* Untranslated, gettext hands back our own buffer. */
	return t == key ? msgid : t;
#else
	(void)ctx;
	return msgid;
#endif
}

static const char *lookup(void *arg, const char *ctx, const char *msgid)
{
	(void)arg;
	if (ctx != NULL)
		return i18n_ctext(ctx, msgid);
	return _(msgid);
}

const struct tr i18n_tr = {lookup, NULL};

const char *i18n_lang(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	static char first[64];
	const char *v = NULL, *l;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			break;
	}
	if (v == NULL || *v == '\0' || strcmp(v, "C") == 0 ||
	    strcmp(v, "POSIX") == 0 || strncmp(v, "C.", 2) == 0)
		return NULL;
	l = getenv("LANGUAGE");
	if (l != NULL && *l != '\0') {
		snprintf(first, sizeof first, "%.*s", (int)strcspn(l, ":"), l);
		return first;
	}
	return v;
}
