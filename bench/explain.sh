#!/bin/bash
# explain.sh: how tcplab-explain scales with the connections in a capture,
# beside tcpdump.
#
# Usage: bench/explain.sh [CONNS...]   (default 10000 100000 1000000)
#        RUNS=3 TIMEOUT=600 bench/explain.sh
#
# For each size, "tests/mkpcap conns N" writes a capture of N whole
# connections (the article's exchange: handshake, request, response, close
# in three segments; 64 under way at once; no two on the same address and
# port pair; 5 to 204 us between segments), cached in bench/work. Then it
# runs, with output to /dev/null, RUNS times each:
#
#   tcplab-explain -nn -vv -r F          annotated: notes, summaries, ladders
#   tcplab-explain --plain -nn -vv -r F  tcpdump's lines only
#   tcpdump -nn -vv -r F
#
# under /usr/bin/time (wall time, peak RSS) and prints a table: the median
# time, its ratio to tcpdump's, the largest peak RSS. -nn because without
# it tcpdump asks DNS for the name of every address, which measures the
# network and sends queries out of the machine; tcplab-explain never does.
# A run that takes longer than TIMEOUT seconds (600) is stopped and the
# table says so; then that program's other runs at that size are skipped.
# It also prints what the printer's relative-sequence table costs, the
# peak RSS of --plain less that of --plain -S (which needs no table), and
# checks on the smallest capture that --plain prints what tcpdump prints.
#
# Targets: annotated at most 3 times tcpdump's time at every size, and
# under 100 MB at 1,000,000 connections. Exit status 0 when they are met,
# 1 when not, 2 when the benchmark could not run. Nothing here touches the
# network.

set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
runs=${RUNS:-3}
limit=${TIMEOUT:-600}
EXPLAIN=${EXPLAIN:-$top_builddir/explain/tcplab-explain}
MKPCAP=${MKPCAP:-$top_builddir/tests/mkpcap}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
TIME=/usr/bin/time
cache=$top_builddir/bench/work
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

die() {
	echo "explain.sh: $*" >&2
	exit 2
}

for p in "$EXPLAIN" "$MKPCAP"; do
	[ -x "$p" ] || make -C "$top_builddir" "${p#"$top_builddir"/}" >/dev/null ||
		die "cannot build $p"
done
[ -x "$TCPDUMP" ] || die "tcpdump not found (./bootstrap.sh installs it)"
[ -x "$TIME" ] ||
	die "$TIME not found (./bootstrap.sh installs the time package)"
command -v timeout >/dev/null || die "timeout (coreutils) not found"
mkdir -p "$cache" || die "cannot create $cache"
tmp=$(mktemp -d "$cache/run.XXXXXX") || die "cannot create a work directory"
trap 'rm -rf "$tmp"' EXIT

# The capture of N connections, written once (again when mkpcap is newer).
capture() {
	local cap=$cache/conns-$1.pcap
	if [ ! -s "$cap" ] || [ "$MKPCAP" -nt "$cap" ]; then
		echo "writing $cap ($1 connections)..." >&2
		"$MKPCAP" conns "$cap.tmp" "$1" || die "mkpcap conns $1 failed"
		mv "$cap.tmp" "$cap" || die "cannot rename $cap.tmp"
	fi
	echo "$cap"
}

# One run: "SECONDS KB", or "timeout KB" when it was stopped.
run_one() {
	local out=$tmp/time
	"$TIME" -o "$out" -f '%x %e %M' timeout "$limit" "$@" >/dev/null 2>&1
	awk 'END { if ($1 == 124) print "timeout", $3; else print $2, $3 }' "$out"
}

# The median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# RUNS runs of a command: "MEDIAN_SECONDS MAX_KB", or "timeout MAX_KB".
measure() {
	local i r t kb max=0 times=()
	for i in $(seq "$runs"); do
		r=$(run_one "$@")
		t=${r% *} kb=${r#* }
		[ "$kb" -gt "$max" ] && max=$kb
		if [ "$t" = timeout ]; then
			echo "timeout $max"
			return
		fi
		times+=("$t")
	done
	echo "$(printf '%s\n' "${times[@]}" | median) $max"
}

export TZ=UTC
flags=(-nn -vv)
met=1
first=$(capture "${sizes[0]}")
if cmp -s <("$TCPDUMP" "${flags[@]}" -r "$first" 2>/dev/null) \
	<("$EXPLAIN" --plain "${flags[@]}" -r "$first" 2>/dev/null); then
	same=yes
else
	same="NO (the outputs differ: fix that first)"
	met=0
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "machine:  $(nproc) CPUs, $cpu"
echo "          $(uname -sr)"
echo "tcpdump:  $("$TCPDUMP" --version 2>&1 | head -n 1)"
echo "          $("$TCPDUMP" --version 2>&1 | sed -n 2p)"
echo "runs:     $runs of each: median time, largest peak RSS;" \
	"timeout ${limit} s"
echo "--plain prints what tcpdump prints (${sizes[0]} connections): $same"
echo "annotated: tcplab-explain -nn -vv -r F; --plain: tcplab-explain --plain"
echo "-nn -vv -r F; tcpdump: tcpdump -nn -vv -r F; output to /dev/null"
echo
printf '%-11s %-11s %-6s %-10s %8s %6s %9s\n' connections segments file \
	program "time (s)" ratio "peak RSS"

# One row of the table: connections, segments, file size, time, peak kB,
# tcpdump's time (for the ratio), program.
row() {
	local t=$4 ratio=- kb=$5
	if [ "$t" != timeout ] && [ "$6" != timeout ]; then
		ratio=$(awk -v a="$t" -v b="$6" 'BEGIN { printf "%.2f", a / b }')
	fi
	printf '%-11s %-11s %-6s %-10s %8s %6s %6.1f MB\n' "$1" "$2" "$3" \
		"$7" "$t" "$ratio" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}

seqcost=()
for n in "${sizes[@]}"; do
	cap=$(capture "$n")
	segs=$((n * 10))
	size=$(du -h "$cap" | cut -f1)
	read -r td tdkb < <(measure "$TCPDUMP" "${flags[@]}" -r "$cap")
	read -r an ankb < <(measure "$EXPLAIN" "${flags[@]}" -r "$cap")
	read -r pl plkb < <(measure "$EXPLAIN" --plain "${flags[@]}" -r "$cap")
	read -r _ nskb < <(runs=1 measure "$EXPLAIN" --plain -S "${flags[@]}" \
		-r "$cap")
	row "$n" "$segs" "$size" "$an" "$ankb" "$td" annotated
	row "" "" "" "$pl" "$plkb" "$td" --plain
	row "" "" "" "$td" "$tdkb" "$td" tcpdump
	seqcost+=("$(printf '%11s connections: %6.1f MB' "$n" \
		"$(awk -v a="$plkb" -v b="$nskb" 'BEGIN { print (a - b) / 1024 }')")")
	if [ "$an" = timeout ] || [ "$td" = timeout ] ||
		! awk -v a="$an" -v b="$td" 'BEGIN { exit !(a <= 3 * b) }'; then
		met=0
	fi
	if [ "$n" -ge 1000000 ] && [ "$ankb" -ge $((100 * 1024)) ]; then
		met=0
	fi
done
echo
echo "the relative-sequence table (peak RSS of --plain less --plain -S):"
printf '%s\n' "${seqcost[@]}"
echo
if [ "$met" = 1 ]; then
	echo "targets met: annotated at most 3 x tcpdump's time,"
	echo "under 100 MB at 1,000,000 connections"
	exit 0
fi
echo "targets NOT met: annotated at most 3 x tcpdump's time,"
echo "under 100 MB at 1,000,000 connections"
exit 1
