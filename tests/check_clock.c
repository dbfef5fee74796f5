/*
 * check_clock.c: the lab clock (common/io/clock), private and shared.
 *
 * A shared clock is tested between two processes: the test forks a
 * second one, which opens the same file, and the two take turns through
 * pipes (one byte per step, so that neither ever guesses when the other
 * is ready). Time must stand still in one while the other pauses, pauses
 * must nest, time must run on after the last resume without a jump, and
 * a process killed while it holds a pause must not freeze the clock.
 * The short sleeps here let time pass to be measured; they never order
 * the two processes.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/io/clock.h"
#include "tests/testlib.h"

/* Time let pass between two readings, in microseconds. */
#define GAP_US 30000

static char dir[64], path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/check_clock.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/clock", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void let_time_pass(void)
{
	struct timespec ts = {0, GAP_US * 1000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static struct labclock *open_clock(const char *p)
{
	char err[256] = "";
	struct labclock *c = labclock_open(p, err, sizeof err);

	ck_assert_msg(c != NULL, "labclock_open: %s", err);
	return c;
}

/* How far the clock moves while GAP_US pass. */
static uint64_t moves(struct labclock *c)
{
	uint64_t t = labclock_now(c);

	let_time_pass();
	return labclock_now(c) - t;
}

/* The two processes' turns: one byte each way. */
struct turns {
	int to_child[2], to_parent[2];
};

static void turns_open(struct turns *t)
{
	ck_assert_int_eq(pipe(t->to_child), 0);
	ck_assert_int_eq(pipe(t->to_parent), 0);
}

static void send_byte(int fd, char b)
{
	ck_assert_int_eq(write(fd, &b, 1), 1);
}

static char wait_byte(int fd)
{
	char b = 0;

	ck_assert_int_eq(read(fd, &b, 1), 1);
	return b;
}

/*
 * The second process: opens the clock and runs a script of one-letter
 * commands from the parent, answering each with the same letter: 'p'
 * pauses, 'r' resumes, 'h' hangs while holding what it holds (until it
 * is killed), 'x' exits.
 */
static pid_t child(struct turns *t)
{
	pid_t pid = fork();
	struct labclock *c;
	char cmd;

	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	c = labclock_open(path, NULL, 0);
	if (c == NULL)
		_exit(2);
	for (;;) {
		if (read(t->to_child[0], &cmd, 1) != 1 || cmd == 'x')
			_exit(0);
		if (cmd == 'p')
			labclock_pause(c);
		else if (cmd == 'r')
			labclock_resume(c);
		if (write(t->to_parent[1], &cmd, 1) != 1)
			_exit(3);
		if (cmd == 'h')
			for (;;)
				pause();
	}
}

/* Has the child do cmd and waits until it is done. */
static void child_does(struct turns *t, char cmd)
{
	send_byte(t->to_child[1], cmd);
	ck_assert_int_eq(wait_byte(t->to_parent[0]), cmd);
}

static void child_end(struct turns *t, pid_t pid)
{
	int st;

	send_byte(t->to_child[1], 'x');
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

START_TEST(test_private_runs)
{
	struct labclock *c = open_clock(NULL);
	uint64_t t = labclock_now(c), m = mono_us();

	/* A new clock is the monotonic clock itself. */
	ck_assert_uint_le(t, m);
	ck_assert_uint_gt(t + 1000000u, m);
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(moves(c), GAP_US);
	labclock_close(c);
}
END_TEST

START_TEST(test_private_pause_nests)
{
	struct labclock *c = open_clock(NULL);
	uint64_t before, after, m;

	labclock_pause(c);
	labclock_pause(c);
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	labclock_resume(c);
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	before = labclock_now(c);
	m = mono_us();
	labclock_resume(c);
	ck_assert(!labclock_paused(c));
	/* It runs on from where it stood: no jump by the pause. */
	after = labclock_now(c);
	ck_assert_uint_ge(after, before);
	ck_assert_uint_lt(after - before, mono_us() - m + 1000);
	ck_assert_uint_ge(moves(c), GAP_US);
	/* A resume with no pause to end changes nothing. */
	labclock_resume(c);
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(moves(c), GAP_US);
	labclock_close(c);
}
END_TEST

START_TEST(test_shared_other_pauses)
{
	struct turns t;
	struct labclock *c;
	uint64_t t2, t3, m2, m3;
	pid_t pid;

	turns_open(&t);
	c = open_clock(path);
	pid = child(&t);
	ck_assert_uint_ge(moves(c), GAP_US);
	child_does(&t, 'p');
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	t2 = labclock_now(c);
	m2 = mono_us();
	let_time_pass();
	child_does(&t, 'r');
	t3 = labclock_now(c);
	m3 = mono_us();
	ck_assert(!labclock_paused(c));
	/* The pause took at least the time let pass, and the clock runs on
	 * from where it stood. */
	ck_assert_uint_ge(t3, t2);
	ck_assert_uint_ge((m3 - m2) - (t3 - t2), GAP_US);
	ck_assert_uint_ge(moves(c), GAP_US);
	child_end(&t, pid);
	labclock_close(c);
}
END_TEST

START_TEST(test_shared_pause_seen_by_other)
{
	struct turns t;
	struct labclock *c;
	pid_t pid;

	/* The file is created by the child's open here, not the parent's. */
	turns_open(&t);
	pid = child(&t);
	child_does(&t, 'p');
	c = open_clock(path);
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	/* Our own pause and resume do not end the child's. */
	labclock_pause(c);
	labclock_resume(c);
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	child_does(&t, 'r');
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(moves(c), GAP_US);
	child_end(&t, pid);
	labclock_close(c);
}
END_TEST

START_TEST(test_shared_pauses_nest_across)
{
	struct turns t;
	struct labclock *c;
	pid_t pid;

	turns_open(&t);
	c = open_clock(path);
	pid = child(&t);
	labclock_pause(c);
	child_does(&t, 'p');
	child_does(&t, 'p');
	labclock_resume(c);
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	child_does(&t, 'r');
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	child_does(&t, 'r');
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(moves(c), GAP_US);
	/* Pausing after the child's last resume still works. */
	labclock_pause(c);
	ck_assert_uint_eq(moves(c), 0);
	labclock_resume(c);
	ck_assert_uint_ge(moves(c), GAP_US);
	child_end(&t, pid);
	labclock_close(c);
}
END_TEST

START_TEST(test_shared_dead_pauser)
{
	struct turns t;
	struct labclock *c;
	uint64_t before;
	pid_t pid;
	int st;

	turns_open(&t);
	c = open_clock(path);
	pid = child(&t);
	child_does(&t, 'p');
	child_does(&t, 'h');
	ck_assert(labclock_paused(c));
	ck_assert_uint_eq(moves(c), 0);
	before = labclock_now(c);
	/* Killed while it holds the pause, with no chance to resume. */
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(labclock_now(c), before);
	ck_assert_uint_ge(moves(c), GAP_US);
	labclock_close(c);
	/* And a clock opened afterwards runs too. */
	c = open_clock(path);
	ck_assert(!labclock_paused(c));
	ck_assert_uint_ge(moves(c), GAP_US);
	labclock_close(c);
}
END_TEST

START_TEST(test_shared_close_resumes)
{
	struct labclock *a = open_clock(path), *b = open_clock(path);

	/* Two handles in one process are two holders, as two processes. */
	labclock_pause(a);
	ck_assert(labclock_paused(b));
	ck_assert_uint_eq(moves(b), 0);
	labclock_close(a);
	ck_assert(!labclock_paused(b));
	ck_assert_uint_ge(moves(b), GAP_US);
	labclock_close(b);
}
END_TEST

START_TEST(test_shared_refuses_other_files)
{
	static const char text[] = "not a clock\n";
	char err[256] = "", back[64];
	struct labclock *c;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof text - 1),
	                 (ssize_t)sizeof text - 1);
	close(fd);
	c = labclock_open(path, err, sizeof err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, path) != NULL &&
	                      strstr(err, "not a tcplab clock file") != NULL,
	              "message: %s", err);
	/* Left as it was. */
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read(fd, back, sizeof back), (ssize_t)sizeof text - 1);
	close(fd);
	ck_assert(memcmp(back, text, sizeof text - 1) == 0);

	c = labclock_open("/nonexistent-dir/clock", err, sizeof err);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err, "lab clock /nonexistent-dir/clock: No such file "
	                      "or directory");
}
END_TEST

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("clock");

	tcase_add_checked_fixture(tc, setup, teardown);
	TESTLIB_ADD(tc, test_private_runs);
	TESTLIB_ADD(tc, test_private_pause_nests);
	TESTLIB_ADD(tc, test_shared_other_pauses);
	TESTLIB_ADD(tc, test_shared_pause_seen_by_other);
	TESTLIB_ADD(tc, test_shared_pauses_nest_across);
	TESTLIB_ADD(tc, test_shared_dead_pauser);
	TESTLIB_ADD(tc, test_shared_close_resumes);
	TESTLIB_ADD(tc, test_shared_refuses_other_files);
	suite_add_tcase(s, tc);
	return s;
}

TESTLIB_MAIN(clock_suite)
