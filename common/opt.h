/*
 * opt.h: the command-line pieces that tcplab's programs share.
 *
 * tcpdump's printing flags with tcpdump's own limits, whole numbers
 * within bounds, and the one-line messages for a bad number, an unknown
 * option, and an option short of its argument. Pure: nothing here reads
 * getopt's globals, prints or exits. The program hands over what
 * getopt_long left (with opterr = 0, so that getopt prints nothing of its
 * own) and prints the message, prefixed with its name.
 */
#ifndef TCPLAB_OPT_H
#define TCPLAB_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/tcpdump.h"
#include "common/tr.h"

/* The letters of tcpdump's printing flags, for getopt's option string. */
#define OPT_TCPDUMP_LETTERS "nSvt"

/*
 * tcpdump's printing flags as a command line gives them. A program may
 * print with other defaults than tcpdump's (tcplab-client and
 * tcplab-server print as -vv -nn); the first -v, -n or -t given replaces
 * the default, the next ones add to it, as if the default were not there.
 */
struct opt_tcpdump {
	struct tcpdump_flags f; /* the flags to print with */
	bool v_given, n_given, t_given;
};

/* Starts from the program's defaults; NULL means tcpdump's (none). */
void opt_tcpdump_init(struct opt_tcpdump *o,
                      const struct tcpdump_flags *defaults);

/*
 * Applies one flag letter, with tcpdump's limits: -v adds up without end
 * but nothing tcplab prints changes past -vvv (TCP prints there as at -vv,
 * DNS adds its TTLs), so v stays at 3; -n the same (-nn prints as -n); -S is on or off; -t goes up to -ttttt and tcpdump refuses
 * a sixth. Returns 0, TCPLAB_ERANGE for that sixth -t (the flags are left
 * at -ttttt), or TCPLAB_EINVAL when c is not one of OPT_TCPDUMP_LETTERS.
 */
int opt_tcpdump_flag(struct opt_tcpdump *o, int c);

/* The one-line message for an error of opt_tcpdump_flag(), tcpdump's own
 * for the sixth -t: a message (N_), for the caller to translate. */
const char *opt_tcpdump_error(int err);

/*
 * Parses a whole decimal number in [lo, hi]: an optional '-', digits,
 * nothing else (no spaces, no '+', no 0x, no trailing junk). Returns 0
 * with *out set, TCPLAB_EINVAL when arg is not such a number (or does not
 * fit in 64 bits), TCPLAB_ERANGE when it lies outside [lo, hi].
 */
int opt_number(const char *arg, int64_t lo, int64_t hi, int64_t *out);

/*
 * The message for a bad number given to option name, e.g. "bad value 'x'
 * for --time-wait: give a number from 0 to 3600". Writes at most cap
 * bytes, always NUL-terminated; returns the length, or TCPLAB_ENOSPC when
 * it was cut short. The message is in tr's language (common/tr.h; NULL
 * for English).
 */
int opt_number_msg(const struct tr *tr, char *buf, size_t cap,
                   const char *name, const char *arg, int64_t lo, int64_t hi);

/* What getopt_long left when it returned '?' or ':'. */
struct opt_getopt {
	int c;            /* its return: '?', or ':' when the option string
	                     starts with ':' and an argument is missing */
	int optopt;       /* getopt's optopt */
	const char *word; /* argv[optind - 1], the word it last read, or NULL */
};

/*
 * The one-line message for getopt_long's complaint, named as the user
 * wrote it (a long option by its full name when an abbreviation was
 * given):
 *   unknown option --atuo: see tcplab-client --help
 *   unknown option -q: see tcplab-client --help
 *   ambiguous option --dr: --drop or --drop-in?
 *   option --drop needs an argument
 *   option --quiet takes no argument
 * prog names the program for "see PROG --help". Returns as
 * opt_number_msg().
 */
int opt_getopt_msg(const struct tr *tr, char *buf, size_t cap,
                   const char *prog, const struct option *longopts,
                   const struct opt_getopt *g);

#endif
