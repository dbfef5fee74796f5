/* drop.c: an XDP program that loses frames, for tests and benchmarks.
 *
 * Attached in generic mode to the receiving end of a veth pair, it runs
 * before libpcap, the kernel's TCP and tcpdump see a frame, so a frame it
 * drops is lost for every endpoint alike: Linux's TCP under nginx or curl,
 * and tcplab's raw endpoints, which iptables cannot touch. It only ever
 * answers XDP_PASS or XDP_DROP: it never sends a frame anywhere.
 *
 * Compiled by tests/netlib.sh with clang -target bpf, with the settings as
 * defines:
 *   LOSS_PPM  the probability of losing an IPv4 frame, in parts per
 *             million (50000 is 5%); 0 or absent loses none at random
 *   MAX_IP    the largest IPv4 packet that passes, in bytes (576 drops
 *             every frame whose IP packet is longer, as a router with a
 *             576-byte next hop would that sends no ICMP); absent: any
 * Only IPv4 frames are lost: ARP always passes, so that a test measures
 * how TCP recovers, not how long a neighbour entry takes to resolve.
 * It needs no libbpf headers: the helper is declared here from its number.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>

#ifndef LOSS_PPM
#define LOSS_PPM 0
#endif

/* bpf_get_prandom_u32() returns a uniform 32-bit number: the frame is lost
 * when it falls under LOSS_PPM millionths of 2^32 (2^32 itself, all of
 * them, at a million: hence 64 bits). */
#define LOSS_BELOW ((((__u64)(LOSS_PPM)) << 32) / 1000000)

static __u32 (*bpf_get_prandom_u32)(void) = (void *)BPF_FUNC_get_prandom_u32;

__attribute__((section("xdp"), used)) int drop(struct xdp_md *ctx)
{
	const unsigned char *data = (const unsigned char *)(long)ctx->data;
	const unsigned char *end = (const unsigned char *)(long)ctx->data_end;
	const struct ethhdr *eth = (const struct ethhdr *)data;

	/* The verifier wants the header's bounds checked before any read. */
	if ((const unsigned char *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
#ifdef MAX_IP
	if (end - data - ETH_HLEN > MAX_IP)
		return XDP_DROP;
#endif
	if (LOSS_PPM > 0 && (__u64)bpf_get_prandom_u32() < LOSS_BELOW)
		return XDP_DROP;
	return XDP_PASS;
}

char drop_license[] __attribute__((section("license"), used)) = "GPL";
