/*
 * privdrop.c: gives up root after the raw sockets, captures and files are
 * open, so that no packet is ever parsed with privileges.
 *
 * The order matters: supplementary groups first (they need root), then the
 * group, then the user; afterwards setuid(0) must fail, or the drop did not
 * happen. Descriptors opened before stay usable. Nothing here prints or
 * exits.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/io/privdrop.h"
#include "common/io/i18n.h"
#include "common/io/ioerr.h"

/* The user to become: the one named, else the one sudo came from. */
static const char *target_user(const char *user)
{
	const char *s;

	if (user != NULL)
		return user;
	s = getenv("SUDO_USER");
	if (s != NULL && s[0] != '\0' && strcmp(s, "root") != 0)
		return s;
	return "nobody";
}

int privdrop(const char *user, char *err, size_t errlen)
{
	const struct passwd *pw;
	const char *name;
	gid_t gid;

	if (geteuid() != 0)
		return 0;
	name = target_user(user);
	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		io_seterr(err, errlen, _("dropping privileges: no user %s"),
		          name);
		return -1;
	}
	if (pw->pw_uid == 0) {
		io_seterr(err, errlen, _("dropping privileges: %s is root"),
		          name);
		return -1;
	}
	gid = pw->pw_gid;
	if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		io_seterr(err, errlen, _("dropping privileges to %s: %s"), name,
		          strerror(errno));
		return -1;
	}
	/* Root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		io_seterr(err, errlen,
		          _("dropping privileges: root came back"));
		return -1;
	}
	/* And no later execve() may bring anything back. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return 0;
}
