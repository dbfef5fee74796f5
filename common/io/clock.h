/*
 * clock.h: the lab clock, a monotonic clock in microseconds that stands
 * still while it is paused, and that two processes can share through a
 * small file.
 *
 * In the interactive labs an endpoint waits for the student (--step,
 * --predict). That wait is the student's, not the connection's: while
 * either end waits, both ends' timers, TCP timestamps and RTT samples
 * must wait too, or the other end retransmits while the student thinks.
 * Each program reads the connection's time from a lab clock and pauses
 * it around its prompts; with the same file, each sees the other's
 * pauses.
 *
 * How it is shared. The file holds one 64-bit word in a shared mapping:
 * when the clock runs, the word is the offset to subtract from
 * CLOCK_MONOTONIC; when it stands still, it is the frozen time with the
 * top bit set. Reading is one atomic load and clock_gettime(). Pausing
 * and resuming change the word under flock() on the file, so that they
 * are atomic between processes.
 *
 * Who holds a pause. A handle that holds a pause also holds an
 * open-file-description (OFD) read lock on one byte of the file. The
 * kernel drops that lock when the process dies, however it dies, so a
 * process killed while it holds a pause cannot freeze the other end
 * forever: a reader that finds the clock frozen with no lock held by
 * anyone starts it again. The time between the death and the moment a
 * reader notices counts as paused (nobody can know when the dead
 * process would have resumed); readers look at every read, so that is
 * at most one of the reader's waits. Locks, unlike recorded pids, are
 * not fooled by a pid used again, nor by another pid namespace.
 *
 * Limits. A handle must not cross fork(): the child would share its OFD,
 * and with it the parent's pause. Open the clock in the child instead.
 * Both processes must be able to open the file for writing.
 *
 * This adapter never prints and never exits: errors go to the caller's
 * buffer.
 */
#ifndef TCPLAB_IO_CLOCK_H
#define TCPLAB_IO_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct labclock;

/*
 * Opens a clock. With path NULL, the clock is private to this process.
 * Otherwise the file is created if missing (and then made a clock) and
 * mapped shared, so that every process that opens it sees the same
 * pauses; an existing file that is not a lab clock is refused, never
 * overwritten. Returns NULL with a message in err.
 */
struct labclock *labclock_open(const char *path, char *err, size_t cap);

/* CLOCK_MONOTONIC, in microseconds, minus the time spent paused. Never
 * goes back. */
uint64_t labclock_now(struct labclock *c);

/* Stops the clock until every pause, of this process and of every other
 * that shares the file, is resumed. Pauses nest. */
void labclock_pause(struct labclock *c);

/* Ends one of this handle's pauses (nothing when it holds none). */
void labclock_resume(struct labclock *c);

/* True while the clock stands still, whoever paused it. */
bool labclock_paused(struct labclock *c);

/* Resumes the handle's pauses and closes it. NULL is ignored. */
void labclock_close(struct labclock *c);

#endif
