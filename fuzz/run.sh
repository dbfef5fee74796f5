#!/bin/sh
# fuzz/run.sh: builds tcplab's libFuzzer targets and runs each for a while.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS (default 60) is each target's -max_total_time, and 0 builds the
# targets without running them; TARGETs default to every fuzz/fuzz_*.c.
# Each target is compiled with clang, libFuzzer, ASan and UBSan straight
# from its sources (no configure needed) into fuzz/build/. First it runs
# the inputs of the faults it found and that were fixed, fuzz/repro/
# NAME-* (conn-* for fuzz_conn): each must pass. Then the seed corpus,
# fuzz/corpus/TARGET/ when the target has one (fuzz/mkcorpus.py writes
# them) and otherwise the files directly in fuzz/corpus/, is copied into
# a work corpus, fuzz/build/corpus-TARGET/, which keeps what the fuzzer
# learns between runs; crashes land in fuzz/build/artifacts-TARGET/.
# Exits 0 only when every target built, passed its repro inputs and ran
# without a finding. FUZZ_CONN_SKIP, FUZZ_HTTPD_SKIP and FUZZ_HTTPC_SKIP,
# passed on to the targets, turn off checks named in the targets'
# reports.
#
# fuzz/conn-known lists the invariants of fuzz_conn that conn breaks
# today, faults reported and not yet fixed: one name a line, '#' starts a
# comment (empty now). They are added to FUZZ_CONN_SKIP, so that a run
# fails only on a new fault. FUZZ_CONN_KNOWN names another list; set it
# empty to check every invariant.
set -u

root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$root" || exit 2

secs=60
case ${1:-} in
'' | *[!0-9]*) ;;
*)
	secs=$1
	shift
	;;
esac

if [ -z "${CC:-}" ]; then
	if command -v clang >/dev/null 2>&1; then
		CC=clang
	elif command -v clang-14 >/dev/null 2>&1; then
		CC=clang-14
	else
		echo "fuzz/run.sh: clang not found: install the Debian" \
			"packages clang and libclang-rt-14-dev" >&2
		exit 2
	fi
fi
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined"
CFLAGS="$CFLAGS -fno-sanitize-recover=undefined -I. -D_GNU_SOURCE"

if [ $# -eq 0 ]; then
	for f in fuzz/fuzz_*.c; do
		f=${f#fuzz/}
		set -- "$@" "${f%.c}"
	done
fi

# The pure core sources each target needs besides its own file. conn is
# every common/conn*.c, so that a file the conn work adds is built too.
sources_for() {
	case $1 in
	fuzz_seg) echo common/seg.c common/err.c ;;
	fuzz_conn) echo common/conn*.c common/seg.c common/err.c ;;
	fuzz_httpd) echo common/httpd.c ;;
	fuzz_httpc) echo common/httpc.c ;;
	*) echo common/*.c ;;
	esac
}

# The names in the list of known conn faults, joined by commas.
known_conn() {
	[ -n "$1" ] && [ -f "$1" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^$' |
		paste -s -d, -
}

known=$(known_conn "${FUZZ_CONN_KNOWN-fuzz/conn-known}")
if [ -n "$known" ]; then
	FUZZ_CONN_SKIP="${FUZZ_CONN_SKIP:+$FUZZ_CONN_SKIP,}$known"
	export FUZZ_CONN_SKIP
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

build=fuzz/build
mkdir -p "$build" || exit 2
status=0
summary=""

for t in "$@"; do
	t=${t%.c}
	t=${t#fuzz/}
	if [ ! -f "fuzz/$t.c" ]; then
		echo "fuzz/run.sh: no such target: fuzz/$t.c" >&2
		status=1
		summary="$summary
$t: NO SUCH TARGET"
		continue
	fi
	echo "== $t: building"
	# shellcheck disable=SC2046,SC2086 # the lists split on purpose
	if ! $CC $CFLAGS -o "$build/$t" "fuzz/$t.c" $(sources_for "$t"); then
		status=1
		summary="$summary
$t: BUILD FAILED"
		continue
	fi
	# libFuzzer would take 0 s as no limit at all.
	if [ "$secs" -eq 0 ]; then
		summary="$summary
$t: built $build/$t"
		continue
	fi
	work="$build/corpus-$t"
	art="$build/artifacts-$t"
	log="$build/$t.log"
	mkdir -p "$work" "$art"
	# The inputs of faults found and fixed (fuzz/repro/conn-* for
	# fuzz_conn...) must stay fixed: each runs once before fuzzing.
	bad=""
	for r in fuzz/repro/"${t#fuzz_}"-*; do
		[ -f "$r" ] || continue
		"$build/$t" "$r" >"$log" 2>&1 || bad="$bad ${r#fuzz/repro/}"
	done
	if [ -n "$bad" ]; then
		status=1
		echo "== $t: a fixed fault is back:$bad (log: $log)"
		summary="$summary
$t: FAILED on fuzz/repro:$bad"
		continue
	fi
	seeds=fuzz/corpus
	[ -d "fuzz/corpus/$t" ] && seeds=fuzz/corpus/$t
	find "$seeds" -maxdepth 1 -type f -exec cp {} "$work"/ \;
	echo "== $t: fuzzing for $secs s (log: $log)"
	skip=""
	if [ "$t" = fuzz_conn ] && [ -n "${FUZZ_CONN_SKIP:-}" ]; then
		echo "== $t: not checked: $FUZZ_CONN_SKIP"
		n=$(echo "$FUZZ_CONN_SKIP" | tr , '\n' | grep -c .)
		skip=" ($n invariants not checked)"
	fi
	"$build/$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	files=$(find "$work" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		line="$t: ok, ${execs:-?} executions in $secs s,"
		line="$line corpus $files files$skip"
	else
		status=1
		line="$t: FAILED (exit $rc) after ${execs:-?} executions;"
		line="$line see $log and $art/"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_|.*runtime error)' \
			"$log" | head -n 5
	fi
	echo "$line"
	summary="$summary
$line"
done

echo "== summary:$summary"
exit $status
