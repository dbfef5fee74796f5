# shellcheck shell=bash
# netlib.sh: a lossy, reordering or narrow link between two network
# namespaces, for tests and benchmarks. Source it (after tests/lib.sh in a
# test); do not run it.
#
# This kernel has no netem qdisc, and iptables cannot drop what libpcap
# captures or what libnet injects at the link layer. Every effect here is
# an XDP program attached in generic mode to the receiving end of a veth
# pair (tests/net/drop.c, tests/net/reorder.c): it acts on each frame
# before libpcap, tcpdump or the kernel's TCP see it, so it acts alike on
# nginx, curl and tcplab's raw endpoints. A generic XDP program sees only
# the frames a device receives: an end named below is the end whose
# incoming frames are affected, and a link is lossy both ways when both of
# its ends are named.
#
# Ends are written NS:DEV (a namespace the caller created, a veth end in
# it). The functions return 1 after saying why on standard error; they
# never exit. They touch only the devices they are given, which vanish
# with their namespaces: nothing is left behind on the host.
#
#   net_plain END...          segmentation and receive offloads off, so that
#                             every TCP segment is one frame on the wire
#   net_loss PCT END...       lose PCT% of the IPv4 frames arriving at END
#   net_reorder PCT END...    send PCT% of them the long way: late
#   net_narrow MAXIP END...   lose every IPv4 packet longer than MAXIP bytes
#                             (a narrow hop that sends no ICMP)
#   net_mtu MTU END...        the device's MTU (ip link set mtu)
#   net_clear END...          remove the XDP program
#
# Needs root, ip, ethtool, clang and python3 (./bootstrap.sh installs
# them), and tests/net/cpumap for net_reorder (built by make check, or by
# `make tests/net/cpumap`). NET_OBJDIR is where the compiled programs go
# (default: a directory under $TMPDIR that net_cleanup removes).
# NET_OBJDIR=DIR keeps them elsewhere, e.g. in a test's work directory.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
NET_CPUMAP=${NET_CPUMAP:-$top_builddir/tests/net/cpumap}
NET_OBJDIR=${NET_OBJDIR:-}
NET_OWN_OBJDIR=

net_say() {
	printf 'netlib: %s\n' "$*" >&2
}

# Says which of the commands netlib needs are missing; returns 1 if any is.
net_missing() {
	local c missing=
	for c in ip ethtool clang python3; do
		command -v "$c" >/dev/null 2>&1 || missing+="$c "
	done
	[ -z "$missing" ] && return 0
	printf '%s' "$missing"
	return 1
}

# A percentage (0 to 100, decimals allowed) in parts per million.
net_ppm() {
	awk -v p="$1" 'BEGIN {
		if (p !~ /^[0-9]+(\.[0-9]+)?$/ || p + 0 > 100) exit 1
		printf "%d", p * 10000 + 0.5 }'
}

# Compiles tests/net/$1.c with the defines that follow (NAME=VALUE) into
# NET_OBJDIR, once for each set of defines; sets NET_OBJ to the object's
# path. (Not to be called in a subshell: it may set NET_OBJDIR.)
net_bpf() {
	local src=$top_srcdir/tests/net/$1.c arch inc=() d
	shift
	if [ -z "$NET_OBJDIR" ]; then
		NET_OBJDIR=$(mktemp -d "${TMPDIR:-/tmp}/netlib.XXXXXX") || return 1
		NET_OWN_OBJDIR=$NET_OBJDIR
	fi
	mkdir -p "$NET_OBJDIR" || return 1
	NET_OBJ=$NET_OBJDIR/$(basename "$src" .c)$(printf -- '-%s' "$@" | tr -c 'A-Za-z0-9_.=-' _).o
	[ -s "$NET_OBJ" ] && return 0
	# asm/types.h lives under the multiarch directory on Debian.
	arch=$(gcc -print-multiarch 2>/dev/null)
	[ -n "$arch" ] && [ -d "/usr/include/$arch" ] && inc=(-I"/usr/include/$arch")
	for d in "$@"; do inc+=(-D"$d"); done
	clang -O2 -g -Wall -target bpf "${inc[@]}" -c "$src" -o "$NET_OBJ.tmp" &&
		mv "$NET_OBJ.tmp" "$NET_OBJ" && return 0
	net_say "cannot compile $src with clang"
	return 1
}

# Splits NS:DEV into NET_NS and NET_DEV.
net_end() {
	NET_NS=${1%%:*}
	NET_DEV=${1#*:}
	if [ -z "$NET_NS" ] || [ -z "$NET_DEV" ] || [ "$NET_NS" = "$1" ]; then
		net_say "'$1' is not NS:DEV"
		return 1
	fi
}

# Attaches object $1 in generic mode to every end that follows, in place of
# any program there.
net_attach() {
	local obj=$1 e
	shift
	for e in "$@"; do
		net_end "$e" || return 1
		ip -n "$NET_NS" link set dev "$NET_DEV" xdpgeneric off 2>/dev/null
		ip -n "$NET_NS" link set dev "$NET_DEV" xdpgeneric obj "$obj" sec xdp || {
			net_say "cannot attach $(basename "$obj") to $e"
			return 1
		}
	done
}

net_plain() {
	local e
	for e in "$@"; do
		net_end "$e" || return 1
		ip netns exec "$NET_NS" ethtool -K "$NET_DEV" gso off tso off gro off \
			>/dev/null 2>&1 || {
			net_say "ethtool cannot turn the offloads of $e off"
			return 1
		}
	done
}

net_loss() {
	local ppm
	ppm=$(net_ppm "$1") || { net_say "bad loss '$1': give a percentage"; return 1; }
	shift
	net_bpf drop "LOSS_PPM=$ppm" && net_attach "$NET_OBJ" "$@"
}

net_narrow() {
	case $1 in
	'' | *[!0-9]*) net_say "bad packet size '$1'"; return 1 ;;
	esac
	net_bpf drop "MAX_IP=$1" || return 1
	shift
	net_attach "$NET_OBJ" "$@"
}

# The id of the XDP program on end $1, from ip's JSON.
net_prog_id() {
	net_end "$1" || return 1
	ip -j -n "$NET_NS" link show dev "$NET_DEV" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])' 2>/dev/null
}

net_reorder() {
	local ppm e id
	ppm=$(net_ppm "$1") || { net_say "bad share '$1': give a percentage"; return 1; }
	shift
	[ -x "$NET_CPUMAP" ] || {
		net_say "$NET_CPUMAP not built (make tests/net/cpumap)"
		return 1
	}
	net_bpf reorder "REORDER_PPM=$ppm" "NCPUS=$(nproc)" || return 1
	for e in "$@"; do
		net_attach "$NET_OBJ" "$e" || return 1
		id=$(net_prog_id "$e")
		if [ -z "$id" ]; then
			net_say "no XDP program id on $e"
			return 1
		fi
		"$NET_CPUMAP" "$id" >/dev/null || return 1
	done
}

net_mtu() {
	local mtu=$1 e
	shift
	for e in "$@"; do
		net_end "$e" || return 1
		ip -n "$NET_NS" link set dev "$NET_DEV" mtu "$mtu" || {
			net_say "cannot set the MTU of $e to $mtu"
			return 1
		}
	done
}

net_clear() {
	local e
	for e in "$@"; do
		net_end "$e" || return 1
		ip -n "$NET_NS" link set dev "$NET_DEV" xdpgeneric off || return 1
	done
}

# Removes the object directory net_bpf made; call it from the cleanup.
net_cleanup() {
	[ -n "$NET_OWN_OBJDIR" ] && rm -rf "${NET_OWN_OBJDIR:?}"
	NET_OWN_OBJDIR=
}
