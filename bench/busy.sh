#!/bin/bash
# busy.sh: tcplab check on a classroom VM that is busy with other work.
#
#   sudo bench/busy.sh [LOADED [PINNED]]
#
# Runs `labs/tcplab check` LOADED times in a row (20 by default) while
# stress-ng keeps every CPU busy, then PINNED times (5 by default) with the
# whole check pinned to one CPU (taskset -c 0) and that CPU busy too. It
# prints each run's verdict and the failures' lines, then one line per
# condition, and exits 0 only when every run passed. Nothing here waits
# for a lab by time: a lab that depends on winning a race shows up as a
# failed run.
#
# The labs run in namespaces of their own (tcplab-busy-c, tcplab-busy-s),
# so that a student's `tcplab up` is left alone. stress-ng stops by itself
# (--timeout), and every check is bounded by `timeout`.
set -u
cd "$(dirname "$0")/.."

LOADED=${1:-20}
PINNED=${2:-5}
RUNNER=labs/tcplab
export TCPLAB_CLIENT_NS=tcplab-busy-c TCPLAB_SERVER_NS=tcplab-busy-s

die() {
	printf 'busy.sh: %s\n' "$*" >&2
	exit 2
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces): sudo $0"
command -v stress-ng >/dev/null ||
	die "stress-ng is not installed (apt-get install stress-ng)"
command -v taskset >/dev/null || die "taskset is not installed (util-linux)"
[ -x client/tcplab-client ] || die "build first: ./bootstrap.sh"

HOG=
stop_hog() {
	[ -n "$HOG" ] && kill "$HOG" 2>/dev/null && wait "$HOG" 2>/dev/null
	HOG=
}
trap 'stop_hog; "$RUNNER" down >/dev/null 2>&1' EXIT

# hog CPUS SECONDS: stress-ng on CPUS (a taskset list), stopping itself.
hog() {
	taskset -c "$1" stress-ng --cpu "$(nproc)" --timeout "$2" --quiet &
	HOG=$!
}

# runs N LABEL [taskset -c 0]: N checks in a row; prints the count passed.
runs() {
	local n=$1 label=$2 i pass=0 log
	shift 2
	log=$(mktemp)
	for i in $(seq "$n"); do
		if "$@" timeout 900 "$RUNNER" check >"$log" 2>&1; then
			pass=$((pass + 1))
			printf '  %s run %2d: %s\n' "$label" "$i" "$(tail -1 "$log")" >&2
		else
			printf '  %s run %2d: FAILED: %s\n' "$label" "$i" \
				"$(tail -1 "$log")" >&2
			grep -E 'FAIL|NOT AS EXPECTED|DIFFERENT' "$log" | head -8 |
				sed 's/^/      /' >&2
		fi
	done
	rm -f "$log"
	printf '%s\n' "$pass"
}

cpus=$(nproc)
printf 'busy.sh: %d CPUs; tcplab check %d times under stress-ng --cpu %d, ' \
	"$cpus" "$LOADED" "$cpus"
printf '%d times pinned to CPU 0 (busy too)\n' "$PINNED"
hog "0-$((cpus - 1))" $((LOADED * 120))
loaded=$(runs "$LOADED" loaded)
stop_hog
hog 0 $((PINNED * 240))
pinned=$(runs "$PINNED" pinned taskset -c 0)
stop_hog
printf 'loaded (stress-ng --cpu %d): %d of %d runs passed\n' "$cpus" \
	"$loaded" "$LOADED"
printf 'pinned (taskset -c 0, CPU 0 busy): %d of %d runs passed\n' \
	"$pinned" "$PINNED"
[ "$loaded" -eq "$LOADED" ] && [ "$pinned" -eq "$PINNED" ]
