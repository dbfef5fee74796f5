/*
 * privdrop.h: gives up root once the raw sockets, captures and files an
 * endpoint needs are open, before it parses a single packet.
 */
#ifndef TCPLAB_IO_PRIVDROP_H
#define TCPLAB_IO_PRIVDROP_H

#include <stddef.h>

/*
 * Switches to user (NULL: $SUDO_USER if set, else "nobody"): supplementary
 * groups, group and user, then checks that root cannot be regained. Does
 * nothing, successfully, when not running as root. Returns 0, or -1 with
 * err filled.
 */
int privdrop(const char *user, char *err, size_t errlen);

#endif
