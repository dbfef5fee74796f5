/* reorder.c: an XDP program that makes some frames arrive late, for tests
 * and benchmarks: real reordering on a veth, where there is no netem.
 *
 * Attached in generic mode to the receiving end of a veth pair, it hands
 * a random share of the IPv4 frames to another CPU through a CPU map
 * (BPF_MAP_TYPE_CPUMAP). There a kernel thread takes them from a queue
 * and passes them to the stack, while the frames behind them go on, on
 * the CPU that received them, with no wait: a frame handed over reaches
 * tcpdump, the kernel's TCP and libpcap after some of those that followed
 * it on the wire. Nothing is lost, and the frame is not changed.
 * tests/net/cpumap fills the map (an empty entry lets the frame pass).
 *
 * Compiled by tests/netlib.sh with clang -g -target bpf (the map is
 * described in BTF, as `ip link ... obj F` expects), with defines:
 *   REORDER_PPM  the share of IPv4 frames sent the long way, in parts per
 *                million (20000 is 2%)
 *   NCPUS        the number of CPUs; a frame goes to the CPU after the
 *                one that received it
 * ARP always passes straight, as in drop.c. It never sends a frame out of
 * a device, and answers only XDP_PASS or a redirect to a CPU.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>

#ifndef REORDER_PPM
#define REORDER_PPM 20000
#endif
#ifndef NCPUS
#define NCPUS 2
#endif
#define MAX_CPUS 64

/* As in drop.c: 2^32 at a million, so that every frame goes. */
#define REORDER_BELOW ((((__u64)(REORDER_PPM)) << 32) / 1000000)

/* BTF map definitions, as libbpf's bpf_helpers.h spells them. */
#define uint_field(name, val) int(*name)[val]
#define type_field(name, val) __typeof__(val) *name

struct {
	uint_field(type, BPF_MAP_TYPE_CPUMAP);
	uint_field(max_entries, MAX_CPUS);
	type_field(key, __u32);
	type_field(value, struct bpf_cpumap_val);
} cpus __attribute__((section(".maps"), used));

static __u32 (*bpf_get_prandom_u32)(void) = (void *)BPF_FUNC_get_prandom_u32;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)
        BPF_FUNC_get_smp_processor_id;
static long (*bpf_redirect_map)(void *map, __u64 key,
                                __u64 flags) = (void *)BPF_FUNC_redirect_map;

__attribute__((section("xdp"), used)) int reorder(struct xdp_md *ctx)
{
	const unsigned char *data = (const unsigned char *)(long)ctx->data;
	const unsigned char *end = (const unsigned char *)(long)ctx->data_end;
	const struct ethhdr *eth = (const struct ethhdr *)data;
	__u32 cpu;

	if ((const unsigned char *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
	if ((__u64)bpf_get_prandom_u32() >= REORDER_BELOW)
		return XDP_PASS;
	cpu = (bpf_get_smp_processor_id() + 1) % NCPUS;
	/* The low bits of the flags are the answer when the entry is empty. */
	return (int)bpf_redirect_map(&cpus, cpu, XDP_PASS);
}

char reorder_license[] __attribute__((section("license"), used)) = "GPL";
