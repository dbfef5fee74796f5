/* cpumap.c: fills the CPU map of an attached XDP program (tests/net/reorder.c).
 *
 *   cpumap PROG_ID [QSIZE]
 *
 * An XDP program can hand a frame to another CPU through a map of type
 * BPF_MAP_TYPE_CPUMAP, but only to a CPU whose entry user space has set:
 * setting it starts the kernel thread that takes the frames from a queue
 * of QSIZE (default 256) and passes them on to the stack. `ip link set dev
 * DEV xdpgeneric obj F` loads the program and creates its maps empty, and
 * there is no bpftool here; this tool finds the program by the id that
 * `ip -j link show` gives, finds its CPU maps, and sets an entry for every
 * online CPU. It talks to the bpf(2) system call directly (no libbpf), so
 * it needs root, and it changes nothing but those map entries: removing
 * the program from the device removes the maps and their threads.
 * Exit status: 0 done, 1 a bpf(2) call failed, 2 usage.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_MAPS 16

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof *attr);
}

static int fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof a);
	if (cmd == BPF_PROG_GET_FD_BY_ID)
		a.prog_id = id;
	else
		a.map_id = id;
	return sys_bpf(cmd, &a);
}

static int info_by_fd(int fd, void *info, uint32_t len)
{
	union bpf_attr a;

	memset(&a, 0, sizeof a);
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = len;
	a.info.info = (uint64_t)(uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
}

/* The ids of the maps the program uses; returns how many, or -1. */
static int prog_maps(uint32_t prog_id, uint32_t *ids, uint32_t cap)
{
	struct bpf_prog_info info;
	int fd, rc;

	fd = fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id);
	if (fd < 0) {
		fprintf(stderr, "cpumap: program %u: %s\n", prog_id,
		        strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof info);
	info.nr_map_ids = cap;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	rc = info_by_fd(fd, &info, sizeof info);
	if (rc < 0)
		fprintf(stderr, "cpumap: program %u's maps: %s\n", prog_id,
		        strerror(errno));
	close(fd);
	if (rc < 0)
		return -1;
	return (int)(info.nr_map_ids < cap ? info.nr_map_ids : cap);
}

/* Sets an entry of queue size qsize for each online CPU in the CPU map
 * map_id; a map of another type is left alone. Returns the entries set,
 * or -1. */
static int fill_cpumap(uint32_t map_id, uint32_t qsize, long ncpus)
{
	struct bpf_map_info info;
	struct bpf_cpumap_val val;
	union bpf_attr a;
	uint32_t cpu;
	int fd, n = 0;

	fd = fd_by_id(BPF_MAP_GET_FD_BY_ID, map_id);
	if (fd < 0) {
		fprintf(stderr, "cpumap: map %u: %s\n", map_id,
		        strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof info);
	if (info_by_fd(fd, &info, sizeof info) < 0) {
		fprintf(stderr, "cpumap: map %u: %s\n", map_id,
		        strerror(errno));
		n = -1;
	}
	for (cpu = 0; n >= 0 && info.type == BPF_MAP_TYPE_CPUMAP &&
	              cpu < info.max_entries && cpu < (uint32_t)ncpus;
	     cpu++) {
		memset(&val, 0, sizeof val);
		val.qsize = qsize;
		val.bpf_prog.fd = -1; /* no program on the other CPU */
		memset(&a, 0, sizeof a);
		a.map_fd = (uint32_t)fd;
		a.key = (uint64_t)(uintptr_t)&cpu;
		a.value = (uint64_t)(uintptr_t)&val;
		a.flags = BPF_ANY;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0) {
			fprintf(stderr, "cpumap: map %u, cpu %u: %s\n", map_id,
			        cpu, strerror(errno));
			n = -1;
		} else {
			n++;
		}
	}
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	uint32_t ids[MAX_MAPS];
	unsigned long prog_id, qsize = 256;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	int nmaps, i, n, total = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: cpumap PROG_ID [QSIZE]\n");
		return 2;
	}
	prog_id = strtoul(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || prog_id == 0 ||
	    prog_id > UINT32_MAX) {
		fprintf(stderr, "cpumap: bad program id '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		qsize = strtoul(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || qsize == 0 ||
		    qsize > 16384) {
			fprintf(stderr,
			        "cpumap: bad queue size '%s': give 1 to "
			        "16384\n",
			        argv[2]);
			return 2;
		}
	}
	nmaps = prog_maps((uint32_t)prog_id, ids, MAX_MAPS);
	if (nmaps < 0)
		return 1;
	for (i = 0; i < nmaps; i++) {
		n = fill_cpumap(ids[i], (uint32_t)qsize, ncpus);
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "cpumap: program %lu has no CPU map\n",
		        prog_id);
		return 1;
	}
	printf("cpumap: %d CPU entries set, queues of %lu frames\n", total,
	       qsize);
	return 0;
}
