#!/bin/bash
# print.sh: how fast tcplab-explain prints a large capture, beside tcpdump.
#
# Usage: bench/print.sh [SEGMENTS]   (default 1000000; RUNS=5 by default)
#
# Writes the "mix" capture of SEGMENTS segments once (cached in bench/work),
# checks that both programs print it identically, then times
# "tcplab-explain --plain -nn -vv -r F" and "tcpdump -nn -vv -r F" with
# output to /dev/null, alternating, RUNS times each, and prints the medians
# and their ratio. The target is a ratio of 0.7 or less; the exit status is
# 0 when it is met, 1 when not, 2 when the benchmark could not run.
# Nothing here touches the network.

set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
segs=${1:-1000000}
runs=${RUNS:-5}
EXPLAIN=${EXPLAIN:-$top_builddir/explain/tcplab-explain}
MKPCAP=${MKPCAP:-$top_builddir/tests/mkpcap}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
cache=$top_builddir/bench/work
cap=$cache/mix-$segs.pcap

die() {
	echo "print.sh: $*" >&2
	exit 2
}

for p in "$EXPLAIN" "$MKPCAP"; do
	[ -x "$p" ] || make -C "$top_builddir" "${p#"$top_builddir"/}" >/dev/null ||
		die "cannot build $p"
done
[ -x "$TCPDUMP" ] || die "tcpdump not found (./bootstrap.sh installs it)"

mkdir -p "$cache" || die "cannot create $cache"
if [ ! -s "$cap" ] || [ "$MKPCAP" -nt "$cap" ]; then
	echo "writing $cap ($segs segments)..."
	"$MKPCAP" mix "$cap.tmp" "$segs" || die "mkpcap mix failed"
	mv "$cap.tmp" "$cap" || die "cannot rename $cap.tmp"
fi

# The median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Seconds that one run of the command takes, output discarded.
time_one() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.4f\n", a - b }'
}

export TZ=UTC
if cmp -s <("$TCPDUMP" -nn -vv -r "$cap" 2>/dev/null) \
	<("$EXPLAIN" --plain -nn -vv -r "$cap" 2>/dev/null); then
	same=yes
else
	same="NO (the outputs differ: fix that first)"
fi

te=()
tt=()
for i in $(seq "$runs"); do
	# Alternate which program goes first, so that neither always
	# benefits from a warm page cache left by the other.
	if [ $((i % 2)) -eq 1 ]; then
		te+=("$(time_one "$EXPLAIN" --plain -nn -vv -r "$cap")")
		tt+=("$(time_one "$TCPDUMP" -nn -vv -r "$cap")")
	else
		tt+=("$(time_one "$TCPDUMP" -nn -vv -r "$cap")")
		te+=("$(time_one "$EXPLAIN" --plain -nn -vv -r "$cap")")
	fi
done
me=$(printf '%s\n' "${te[@]}" | median)
mt=$(printf '%s\n' "${tt[@]}" | median)
ratio=$(awk -v a="$me" -v b="$mt" 'BEGIN { printf "%.3f", a / b }')

echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "tcpdump:  $("$TCPDUMP" --version 2>&1 | head -n 1), $("$TCPDUMP" --version 2>&1 | sed -n 2p)"
echo "capture:  $cap ($segs segments, $(du -h "$cap" | cut -f1))"
echo "same output: $same"
echo "runs:     $runs each, alternating"
printf 'tcplab-explain --plain -nn -vv: median %.3f s  (%s)\n' "$me" "${te[*]}"
printf 'tcpdump -nn -vv:                median %.3f s  (%s)\n' "$mt" "${tt[*]}"
echo "ratio:    $ratio (target <= 0.7)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.7) }'
