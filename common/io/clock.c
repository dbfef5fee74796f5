/*
 * clock.c: the lab clock, a monotonic clock that stands still while
 * paused, private to a process or shared through a file (see clock.h).
 *
 * The shared state is one word in the file's first page: the offset
 * from CLOCK_MONOTONIC while the clock runs, or the frozen time with the
 * top bit set while it stands still. Changes are made under flock() on
 * the file; reads are one atomic load. A handle that holds a pause holds
 * an OFD read lock on HOLD_BYTE too, which the kernel drops when the
 * process dies; a reader that sees the clock frozen and no such lock
 * starts it again. This file never prints and never exits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/io/clock.h"
#include "common/io/i18n.h"
#include "common/io/ioerr.h"

#define CLOCK_MAGIC   "tcplabck"
#define CLOCK_VERSION 1
/* The file's size: one page, so that the mapping covers it whole. */
#define CLOCK_SIZE 4096
/* The byte whose read locks mark the handles that hold a pause. It lies
 * past the data: a record lock may cover bytes the file does not have. */
#define HOLD_BYTE CLOCK_SIZE
/* The top bit of the word: the clock stands still, and the other bits
 * are the time it stands at. */
#define FROZEN (UINT64_C(1) << 63)

struct labclock_file {
	char magic[8];
	uint32_t version;
	uint32_t unused;
	_Atomic uint64_t word;
};

struct labclock {
	struct labclock_file *f; /* the mapping, or &own when private */
	struct labclock_file own;
	int fd;         /* the file, or -1 when private */
	unsigned depth; /* this handle's pauses */
	uint64_t last;  /* the last time returned: never goes back */
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The lab time that word w gives at monotonic time m. */
static uint64_t word_time(uint64_t w, uint64_t m)
{
	return (w & FROZEN) ? w & ~FROZEN : m - w;
}

/* Serialises the changes of every process that shares the file. */
static void lock_file(const struct labclock *c)
{
	if (c->fd < 0)
		return;
	while (flock(c->fd, LOCK_EX) != 0 && errno == EINTR)
		;
}

static void unlock_file(const struct labclock *c)
{
	if (c->fd >= 0)
		flock(c->fd, LOCK_UN);
}

/* Takes (F_RDLCK) or drops (F_UNLCK) this handle's mark of a pause. */
static int hold(const struct labclock *c, short type)
{
	struct flock l = {.l_type = type,
	                  .l_whence = SEEK_SET,
	                  .l_start = HOLD_BYTE,
	                  .l_len = 1};

	return fcntl(c->fd, F_OFD_SETLK, &l);
}

/*
 * True when another handle, of this process or of another, holds a
 * pause. A lock of this handle's own never conflicts with its own query,
 * so its own pause is not counted here.
 */
static bool others_hold(const struct labclock *c)
{
	struct flock l = {.l_type = F_WRLCK,
	                  .l_whence = SEEK_SET,
	                  .l_start = HOLD_BYTE,
	                  .l_len = 1};

	if (c->fd < 0)
		return false;
	/* When the kernel will not say, the pause is trusted. */
	if (fcntl(c->fd, F_OFD_GETLK, &l) != 0)
		return true;
	return l.l_type != F_UNLCK;
}

/* Stops the clock at its time now. Under lock_file(). */
static void freeze(struct labclock_file *f)
{
	uint64_t w = atomic_load(&f->word);

	if (!(w & FROZEN))
		atomic_store(&f->word, (mono_us() - w) | FROZEN);
}

/* Starts the clock again from the time it stands at. Under lock_file(). */
static void thaw(struct labclock_file *f)
{
	uint64_t w = atomic_load(&f->word), m = mono_us();

	if (!(w & FROZEN))
		return;
	w &= ~FROZEN;
	/* Only a file from an earlier boot can stand past the monotonic
	 * clock; its time means nothing now, and it starts again. */
	atomic_store(&f->word, w <= m ? m - w : 0);
}

/*
 * The word, once it is sure: a clock frozen while no handle holds a
 * pause was paused by a process that died, and runs again from now.
 */
static uint64_t current_word(struct labclock *c)
{
	uint64_t w = atomic_load(&c->f->word);

	if (!(w & FROZEN) || c->depth > 0 || others_hold(c))
		return w;
	/* Again under the file's lock: a pause being taken holds it. */
	lock_file(c);
	if (!others_hold(c))
		thaw(c->f);
	unlock_file(c);
	return atomic_load(&c->f->word);
}

uint64_t labclock_now(struct labclock *c)
{
	uint64_t w = current_word(c);
	uint64_t t = word_time(w, mono_us());

	/* A pause taken by another process at the same moment may freeze
	 * the clock a few microseconds short of a time read here. */
	if (t < c->last)
		t = c->last;
	c->last = t;
	return t;
}

bool labclock_paused(struct labclock *c)
{
	return (current_word(c) & FROZEN) != 0;
}

void labclock_pause(struct labclock *c)
{
	if (c->depth++ > 0)
		return;
	lock_file(c);
	freeze(c->f);
	if (c->fd >= 0)
		hold(c, F_RDLCK);
	unlock_file(c);
}

void labclock_resume(struct labclock *c)
{
	if (c->depth == 0 || --c->depth > 0)
		return;
	lock_file(c);
	if (c->fd >= 0)
		hold(c, F_UNLCK);
	if (!others_hold(c))
		thaw(c->f);
	unlock_file(c);
}

/* True when the page holds nothing but zeros. */
static bool blank(const void *p)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < CLOCK_SIZE; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/*
 * Maps the file and makes it a clock if it is new (empty, or a page of
 * zeros left by an opener that died before it wrote the header). Any
 * other content is refused and left as it is. Under lock_file().
 * Returns 0, or -1 with err filled.
 */
static int map_file(struct labclock *c, const char *path, char *err, size_t cap)
{
	struct stat st;
	void *p;

	if (fstat(c->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_size != 0 && st.st_size != CLOCK_SIZE)) {
		io_seterr(err, cap,
		          _("lab clock %s: not a tcplab clock file: give the "
		            "name of a new file"),
		          path);
		return -1;
	}
	if (st.st_size == 0 && ftruncate(c->fd, CLOCK_SIZE) != 0) {
		io_seterr(err, cap, _("lab clock %s: %s"), path,
		          strerror(errno));
		return -1;
	}
	p = mmap(NULL, CLOCK_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
	         0);
	if (p == MAP_FAILED) {
		io_seterr(err, cap, _("lab clock %s: mmap: %s"), path,
		          strerror(errno));
		return -1;
	}
	c->f = p;
	if (blank(c->f)) {
		atomic_store(&c->f->word, 0);
		c->f->version = CLOCK_VERSION;
		memcpy(c->f->magic, CLOCK_MAGIC, sizeof c->f->magic);
	}
	if (memcmp(c->f->magic, CLOCK_MAGIC, sizeof c->f->magic) != 0 ||
	    c->f->version != CLOCK_VERSION) {
		io_seterr(err, cap,
		          _("lab clock %s: not a tcplab clock file: give the "
		            "name of a new file"),
		          path);
		return -1;
	}
	return 0;
}

/* A clock left by earlier runs: a dead pauser's pause ends, and an
 * offset from an earlier boot (past the monotonic clock) starts over. */
static void settle(struct labclock *c)
{
	uint64_t w;

	if (!others_hold(c))
		thaw(c->f);
	w = atomic_load(&c->f->word);
	if (!(w & FROZEN) && w > mono_us())
		atomic_store(&c->f->word, 0);
}

static int open_shared(struct labclock *c, const char *path, char *err,
                       size_t cap)
{
	struct flock l = {.l_type = F_WRLCK,
	                  .l_whence = SEEK_SET,
	                  .l_start = HOLD_BYTE,
	                  .l_len = 1};
	int rc;

	c->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (c->fd < 0) {
		io_seterr(err, cap, _("lab clock %s: %s"), path,
		          strerror(errno));
		return -1;
	}
	if (fcntl(c->fd, F_OFD_GETLK, &l) != 0) {
		io_seterr(err, cap,
		          _("lab clock %s: no record locks there (%s): put the "
		            "file on a local file system"),
		          path, strerror(errno));
		return -1;
	}
	lock_file(c);
	rc = map_file(c, path, err, cap);
	if (rc == 0)
		settle(c);
	unlock_file(c);
	return rc;
}

struct labclock *labclock_open(const char *path, char *err, size_t cap)
{
	struct labclock *c = calloc(1, sizeof *c);

	if (c == NULL) {
		io_seterr(err, cap, _("lab clock: out of memory"));
		return NULL;
	}
	c->fd = -1;
	c->f = &c->own;
	atomic_init(&c->own.word, 0);
	if (path != NULL && open_shared(c, path, err, cap) != 0) {
		labclock_close(c);
		return NULL;
	}
	return c;
}

void labclock_close(struct labclock *c)
{
	if (c == NULL)
		return;
	if (c->depth > 0 && c->f != &c->own) {
		c->depth = 1;
		labclock_resume(c);
	}
	if (c->f != &c->own)
		munmap(c->f, CLOCK_SIZE);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
