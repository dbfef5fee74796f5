#!/bin/bash
# transfer.sh: tcplab-client beside curl, fetching large files from nginx
# over a lossy, reordering or narrow link.
#
# Usage: bench/transfer.sh [CASE...]     (default: every case)
#   cases: clean-0 clean-1m clean-10m loss1-1m loss1-10m loss5-1m
#          loss5-10m loss20-1m loss20-10m reorder-10m mtu576-1m
#          (clean-0, an empty file, is what starting and ending costs)
#   RUNS=3       runs of each program in each case; the median is printed
#   TIMEOUT=300  seconds a run may take before it is stopped ("timeout")
#   REORDER=2    the percentage of frames made late in the reorder case
#   KEEP=1       keep the work directory (bodies, logs, nginx's log)
#
# Each case builds its own topology: a client namespace holding
# 192.168.101.25 and a server namespace holding 192.168.101.5, a veth pair
# between them with its offloads off (one segment, one frame), and nginx
# serving random files of 1 MB and 10 MB on 192.168.101.5:8080. Loss is
# tests/net/drop.c on both veth ends (the percentage is of the frames in
# each direction), reordering tests/net/reorder.c on both ends, and the
# narrow link an MTU of 576 on the client's end only (the server's end
# stays at 1500: only the MSS the client announces tells nginx to send
# smaller segments). See tests/netlib.sh.
#
# In each case, RUNS times: curl -s -o FILE URL, then tcplab-client -q
# --time-wait 0 -O FILE URL, each under timeout TIMEOUT in the client's
# namespace, timed from outside with date +%s.%N (process start and exit
# included for both). Every body is checked against the file's sha256.
# A run that times out, fails or brings wrong bytes counts as a timeout
# for the median; once more than half of tcplab-client's runs in a case
# have timed out, its median is "timeout" and its remaining runs are
# skipped.
#
# The targets: at 5% loss tcplab-client takes at most 2 x curl's time; at
# 20% it finishes, in at most 3 x; over the reordering link at most 1.5 x;
# over the narrow link 1 MB in under 5 s. The table says which are met.
#
# This is a benchmark that prints figures, not a test: it exits 0 when it
# could run, whether the targets are met or not, and 2 when it could not.
# Namespaces, processes and the work directory go away on every way out.

set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-300}
REORDER=${REORDER:-2}
KEEP=${KEEP:-0}
CLIENT_BIN=${CLIENT:-$top_builddir/client/tcplab-client}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
ALL_CASES=(clean-0 clean-1m clean-10m loss1-1m loss1-10m loss5-1m loss5-10m
	loss20-1m loss20-10m reorder-10m mtu576-1m)

die() {
	echo "transfer.sh: $*" >&2
	exit 2
}

# tests/lib.sh owns the namespaces and background processes and removes
# them on every way out; tests/netlib.sh makes the link lossy.
# shellcheck source=tests/lib.sh disable=SC1091
. "$top_srcdir/tests/lib.sh"
# shellcheck source=tests/netlib.sh disable=SC1091
. "$top_srcdir/tests/netlib.sh"

CADDR=192.168.101.25
SADDR=192.168.101.5
NSC=tlxc$$
NSS=tlxs$$
VC=vxc$$
VS=vxs$$
work=

# Called by the trap.
# shellcheck disable=SC2317
bench_cleanup() {
	tl_cleanup
	if [ -n "$work" ] && [ "$KEEP" != 1 ]; then
		rm -rf "${work:?}"
	elif [ -n "$work" ]; then
		echo "work directory kept: $work"
	fi
}
trap bench_cleanup EXIT

median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The median of the times in $1 (one a line, "timeout" for a run that did
# not finish): "timeout" when more than half did not.
median_or_timeout() {
	local n t
	n=$(grep -c . <<<"$1")
	t=$(grep -c timeout <<<"$1")
	if [ "$n" -eq 0 ] || [ $((t * 2)) -gt "$n" ]; then
		echo timeout
	else
		grep . <<<"${1//timeout/inf}" | median
	fi
}

topology_up() {
	ns_pair "$NSC" "$NSS" "$CADDR" "$SADDR" "$VC" "$VS" &&
		net_plain "$NSC:$VC" "$NSS:$VS"
}

# The namespaces and what runs in them go; the next case starts afresh.
topology_down() {
	tl_cleanup
}

start_nginx() {
	nginx_conf "$work" "$SADDR:8080" 64
	tl_bg ip netns exec "$NSS" "$NGINX" -c "$work/nginx.conf"
	tl_wait_for sh -c "ip netns exec $NSS ss -ltn | grep -q '$SADDR:8080 '"
}

# One timed run: $1 the program (curl or tcplab), $2 the file's name;
# prints the seconds, "timeout" when it did not finish, or "bad" when it
# brought wrong bytes. The reason goes to $work/last.why.
run_one() {
	local prog=$1 f=$2 out=$work/body s e rc sum
	rm -f "$out"
	s=$(date +%s.%N)
	if [ "$prog" = curl ]; then
		timeout "$TIMEOUT" ip netns exec "$NSC" curl -s -o "$out" \
			"http://$SADDR:8080/$f" 2>"$work/last.err"
	else
		timeout "$TIMEOUT" ip netns exec "$NSC" "$CLIENT" -q --time-wait 0 \
			-O "$out" "http://$SADDR:8080/$f" >/dev/null 2>"$work/last.err"
	fi
	rc=$?
	e=$(date +%s.%N)
	sum=$(sha256sum <"$out" 2>/dev/null | cut -d' ' -f1)
	if [ "$rc" -eq 124 ]; then
		echo "$prog $f: stopped after $TIMEOUT s" >"$work/last.why"
		echo timeout
	elif [ "$rc" -ne 0 ]; then
		echo "$prog $f: exit status $rc: $(tail -1 "$work/last.err")" >"$work/last.why"
		echo timeout
	elif [ "$sum" != "${SUM[$f]}" ]; then
		echo "$prog $f: wrong bytes ($(stat -c %s "$out" 2>/dev/null || echo 0) bytes)" \
			>"$work/last.why"
		echo bad
	else
		awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
	fi
}

# Sets up the link for case $1; prints the file it fetches.
link_for() {
	case $1 in
	clean-*) ;;
	loss*)
		local p=${1%%-*}
		net_loss "${p#loss}" "$NSC:$VC" "$NSS:$VS"
		;;
	reorder-*) net_reorder "$REORDER" "$NSC:$VC" "$NSS:$VS" ;;
	mtu576-*) net_mtu 576 "$NSC:$VC" ;;
	esac
}

# What the case must meet: "ratio R", "time T" or "-" (no target).
target_for() {
	case $1 in
	loss5-*) echo "ratio 2" ;;
	loss20-*) echo "ratio 3" ;;
	reorder-*) echo "ratio 1.5" ;;
	mtu576-*) echo "time 5" ;;
	*) echo - ;;
	esac
}

# Notes the outcome of the run just made (t): the bytes column says "ok"
# once a body was right and "BAD" once one was wrong; a run that did not
# finish with the right bytes counts as a timeout, with its reason.
check_run() {
	case $t in
	timeout) why+="$(cat "$work/last.why"); " ;;
	bad)
		why+="$(cat "$work/last.why"); "
		bytes=BAD
		t=timeout
		;;
	*) [ "$bytes" = - ] && bytes=ok ;;
	esac
}

# Runs case $1 and prints its row.
bench_case() {
	local c=$1 f=${1##*-} i t tl="" tc="" ntl=0 mt mc ratio target met why=""
	local bytes=-
	topology_up || die "cannot build the namespaces"
	start_nginx || die "nginx did not start: $(tail -2 "$work/nginx-error.log")"
	link_for "$c" || die "cannot set up the link for $c"
	for ((i = 0; i < RUNS; i++)); do
		t=$(run_one curl "$f")
		check_run
		tc+="$t"$'\n'
		if [ $((ntl * 2)) -gt "$RUNS" ]; then
			continue
		fi
		t=$(run_one tcplab "$f")
		check_run
		[ "$t" = timeout ] && ntl=$((ntl + 1))
		tl+="$t"$'\n'
	done
	topology_down
	mt=$(median_or_timeout "$tl")
	mc=$(median_or_timeout "$tc")
	if [ "$mt" = timeout ] || [ "$mc" = timeout ]; then
		ratio=-
	else
		ratio=$(awk -v a="$mt" -v b="$mc" 'BEGIN { printf "%.1f", a / b }')
	fi
	target=$(target_for "$c")
	case $target in
	-) met=- ;;
	ratio*)
		met=no
		[ "$ratio" != - ] && awk -v r="$ratio" -v m="${target#ratio }" \
			'BEGIN { exit !(r <= m) }' && met=yes
		target="<= ${target#ratio } x"
		;;
	time*)
		met=no
		[ "$mt" != timeout ] && awk -v t="$mt" -v m="${target#time }" \
			'BEGIN { exit !(t < m) }' && met=yes
		target="< ${target#time } s"
		;;
	esac
	printf '%-12s %10s %10s %8s %8s %5s %6s\n' "$c" "$mt" "$mc" "$ratio" \
		"$target" "$met" "$bytes"
	printf '%-12s   runs: tcplab-client %s; curl %s\n' "" \
		"$(tr '\n' ' ' <<<"$tl" | sed 's/ *$//')" "$(tr '\n' ' ' <<<"$tc" | sed 's/ *$//')"
	[ -n "$why" ] && printf '%-12s   %s\n' "" "${why%; }" | cut -c1-300
	[ "$met" = yes ] && MET=$((MET + 1))
	[ "$met" = no ] && MISSED=$((MISSED + 1))
}

# --- main ---------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
for c in ip ss curl timeout awk sha256sum; do
	command -v "$c" >/dev/null 2>&1 || die "$c is not installed"
done
missing=$(net_missing) || die "not installed: $missing(./bootstrap.sh installs them)"
[ -x "$NGINX" ] || die "nginx is not installed"
[ -x "$CLIENT_BIN" ] || die "$CLIENT_BIN not built (run make first)"
[ -x "$NET_CPUMAP" ] || die "$NET_CPUMAP not built (make tests/net/cpumap)"
case $RUNS in '' | *[!0-9]* | 0) die "RUNS must be a number from 1" ;; esac
case $TIMEOUT in '' | *[!0-9]* | 0) die "TIMEOUT must be a number of seconds" ;; esac
net_ppm "$REORDER" >/dev/null || die "REORDER must be a percentage"
[ $# -gt 0 ] || set -- "${ALL_CASES[@]}"
for c in "$@"; do
	case " ${ALL_CASES[*]} " in
	*" $c "*) ;;
	*) die "unknown case $c (cases: ${ALL_CASES[*]})" ;;
	esac
done

mkdir -p "$top_builddir/bench/work" || die "cannot create bench/work"
work=$(mktemp -d "$top_builddir/bench/work/transfer.XXXXXX") || die "no work directory"
# shellcheck disable=SC2034 # tests/netlib.sh reads it
NET_OBJDIR=$work/bpf
# Removed if the run is interrupted (tests/lib.sh's traps), unless KEEP=1.
[ "$KEEP" = 1 ] || TL_TMPS+=("$work")
# A private copy, so that a rebuild during the run changes nothing.
CLIENT=$work/tcplab-client
cp "$CLIENT_BIN" "$CLIENT" || die "cannot copy $CLIENT_BIN"
mkdir -p "$work/www"
declare -A SUM
for f in 0 1m 10m; do
	head -c $(( ${f%m} * 1048576 )) /dev/urandom >"$work/www/$f" || die "cannot write $f"
	SUM[$f]=$(sha256sum <"$work/www/$f" | cut -d' ' -f1)
done
chmod -R a+rX "$work"

echo "tcplab-client transfer bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Linux $(uname -r)"
echo "client: $CLIENT_BIN ($(cd "$top_srcdir" && git rev-parse --short HEAD 2>/dev/null || echo '?')); RUNS=$RUNS TIMEOUT=$TIMEOUT REORDER=$REORDER%"
printf '%-12s %10s %10s %8s %8s %5s %6s\n' case tcplab-cl curl ratio target met bytes
MET=0
MISSED=0
for c in "$@"; do
	bench_case "$c"
done
echo "targets met: $MET of $((MET + MISSED)) (times in seconds, medians of $RUNS)"
exit 0
