#!/bin/bash
# labs.sh: every guided lab runs to its expected outcome.
#
# Runs `tcplab check --keep` from the build tree with namespace names of
# its own (so that a student's `tcplab up` is left alone): each lab with
# --auto, tcplab's programs beside a real tcpdump in two namespaces. The
# test passes when the summary says "10 passed, 0 failed" (as many as there
# are labs), no line of any lab's log, of `tcplab list` or of `tcplab
# --help` is wider than COLUMNS=80 (counted in display columns by
# tcplab-text), and no namespace, process or /etc/netns directory of the
# run is left afterwards, nor a work directory but the kept ones. Then the
# runner's rough edges: an unknown option is named; a tcplab-server left
# running in hosts that were up stops the next lab, named; `down` removes
# the work directory of a killed run and keeps a live run's; a student who
# presses q is told the lab was stopped. Every run has no controlling
# terminal (setsid), so that only COLUMNS gives the width. `tcplab up`
# gives the hosts IPv6 addresses that work at once. Needs root;
# under CI=true it fails instead of skipping.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "labs.sh"
need_cmd ip tcpdump python3 wget ss timeout setsid
LABS_RUNNER=$top_srcdir/labs/tcplab
[ -x "$LABS_RUNNER" ] || tl_skip_or_fail "$LABS_RUNNER is missing"
for p in client/tcplab-client server/tcplab-server explain/tcplab-explain \
	labs/tcplab-text labs/tcplab-play; do
	[ -x "$top_builddir/$p" ] || tl_skip_or_fail "$p not built (run make first)"
done

export TCPLAB_CLIENT_NS=tllc$$ TCPLAB_SERVER_NS=tlls$$
export TCPLAB_CLIENT_BIN=$top_builddir/client/tcplab-client
export TCPLAB_SERVER_BIN=$top_builddir/server/tcplab-server
export TCPLAB_EXPLAIN_BIN=$top_builddir/explain/tcplab-explain
export TCPLAB_TEXT_BIN=$top_builddir/labs/tcplab-text
export TCPLAB_PLAY_BIN=$top_builddir/labs/tcplab-play
TEXT=$TCPLAB_TEXT_BIN
# Its work directories go under ours, so that what is left can be seen.
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
export TCPLAB_TMP=$W
# The namespaces are the runner's; tl_cleanup removes them if it cannot.
TL_NETNS+=("$TCPLAB_CLIENT_NS" "$TCPLAB_SERVER_NS")

# runner ARGS...: the runner without a controlling terminal, 80 columns.
runner() { COLUMNS=80 setsid -w "$LABS_RUNNER" "$@" </dev/null; }

# The built-in labs and the scenarios that come with them.
nlabs=$(find "$top_srcdir/labs" -maxdepth 1 -name "[0-9]*.sh" -o \
	-maxdepth 1 -name "*.scn" | wc -l)
out=$(timeout 600 setsid -w env COLUMNS=80 "$LABS_RUNNER" check --keep </dev/null 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
if [ "$rc" -eq 0 ]; then pass; else fail "tcplab check exited $rc"; fi
if grep -qx "$nlabs passed, 0 failed" <<<"$out"; then pass; else
	fail "the summary is not '$nlabs passed, 0 failed'"
fi
if [ "$nlabs" -ge 10 ]; then pass; else fail "only $nlabs labs"; fi

# Every line fits 80 columns: check's, each lab's log, list, --help.
printf '%s\n' "$out" >"$W/check.out"
fits "tcplab check" "$W/check.out"
logs=$(find "$W" -name '*.log' | sort)
if [ "$(wc -l <<<"$logs")" -eq "$nlabs" ]; then pass; else
	fail "check --keep kept $(wc -l <<<"$logs") lab logs, not $nlabs"
fi
for log in $logs; do
	fits "$(basename "$log")" "$log"
done
runner list >"$W/list.out" 2>&1
fits "tcplab list" "$W/list.out"
if [ "$(wc -l <"$W/list.out")" -ge "$nlabs" ]; then pass; else
	fail "tcplab list shows fewer than $nlabs lines"
fi
runner --help >"$W/help.out" 2>&1
fits "tcplab --help" "$W/help.out"

# Nothing of the run is left behind.
if ip netns list | grep -qw -e "$TCPLAB_CLIENT_NS" -e "$TCPLAB_SERVER_NS"; then
	fail "a namespace of the run is left"
else
	pass
fi
if [ -e "/etc/netns/$TCPLAB_CLIENT_NS" ] || [ -e "/etc/netns/$TCPLAB_SERVER_NS" ]; then
	fail "an /etc/netns directory of the run is left"
else
	pass
fi
if pgrep -f "$W/" >/dev/null; then
	fail "processes of the run are left: $(pgrep -af "$W/")"
else
	pass
fi
# Only the kept directories are left, and none of them is a run's.
if ls "$W"/tcplab.*/runner.pid >/dev/null 2>&1; then
	fail "a work directory of the run is left"
else
	pass
fi
rm -rf "${W:?}"/tcplab.*

# An unknown option is named, not answered with the whole usage.
out=$("$LABS_RUNNER" run 1 --atuo 2>&1)
rc=$?
if [ "$rc" -eq 2 ] &&
	[ "$out" = "tcplab: unknown option --atuo (see tcplab --help)" ]; then
	pass
else
	fail "run 1 --atuo: exit $rc, '$out'"
fi

# `tcplab up`: the hosts have their IPv6 addresses beside the IPv4 ones,
# usable at once (no duplicate address detection to wait for), and the
# client's is named in both hosts files as its IPv4 address is.
if runner up >/dev/null 2>&1; then pass; else fail "tcplab up failed"; fi
while read -r ns a6; do
	if ip -n "$ns" -o addr show dev eth0 | grep -q "inet6 $a6/64 .*nodad" &&
		! ip -n "$ns" -o addr show dev eth0 | grep -q "inet6 $a6/64 .*tentative" &&
		grep -qx "2001:db8:101::25	localhost.localdomain" "/etc/netns/$ns/hosts"; then
		pass
	else
		fail "$ns: no $a6/64 ready, or no name for 2001:db8:101::25: $(ip -n "$ns" -o addr show dev eth0)"
	fi
done <<-EOF
	$TCPLAB_CLIENT_NS 2001:db8:101::25
	$TCPLAB_SERVER_NS 2001:db8:101::5
EOF
mkdir -p "$W/www6"
printf 'over IPv6\n' >"$W/www6/x"
tl_bg ip netns exec "$TCPLAB_SERVER_NS" timeout 60 python3 -m http.server 8086 \
	--bind 2001:db8:101::5 --directory "$W/www6"
get6() {
	[ "$(ip netns exec "$TCPLAB_CLIENT_NS" wget -6 -q -O - -T 2 -t 1 \
		'http://[2001:db8:101::5]:8086/x')" = "over IPv6" ]
}
if tl_wait_for get6; then pass; else fail "wget -6 between the hosts failed"; fi
kill "${TL_PIDS[-1]}" 2>/dev/null
wait "${TL_PIDS[-1]}" 2>/dev/null

# A tcplab-server left running after `tcplab up` stops the next lab.
tl_bg ip netns exec "$TCPLAB_SERVER_NS" "$TCPLAB_SERVER_BIN" -i eth0 \
	-a 192.168.101.5
stale=${TL_PIDS[-1]}
tl_wait_for grep -qx tcplab-server "/proc/$stale/comm"
out=$(runner run 1 --auto 2>&1)
rc=$?
flat=$(tr -s ' \n' '  ' <<<"$out") # the message may wrap
if [ "$rc" -eq 3 ] && grep -q "tcplab-server (pid $stale)" <<<"$flat" &&
	grep -q 'sudo tcplab down' <<<"$flat"; then
	pass
else
	fail "a stale tcplab-server: exit $rc, '$out'"
fi
fits "the stale process message" <(printf '%s\n' "$out")
runner down >/dev/null 2>&1
# It is this shell's child: once killed, a zombie until waited for.
gone() { [ ! -e "/proc/$1" ] || grep -q '^[^)]*) Z' "/proc/$1/stat"; }
if tl_wait_for gone "$stale"; then pass; else
	fail "tcplab down left tcplab-server $stale running"
fi

# down removes the work directory of a killed run, keeps a live run's
# (this shell's, with its start time) and one kept with --keep.
start_of() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat"; }
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir -p "$W/tcplab.dead" "$W/tcplab.live" "$W/tcplab.kept" "$W/tcplab.reused"
printf '%s 12345\n' "$dead" >"$W/tcplab.dead/runner.pid"
printf '%s %s\n' "$$" "$(start_of $$)" >"$W/tcplab.live/runner.pid"
printf '%s 1\n' "$$" >"$W/tcplab.reused/runner.pid"
out=$(runner down 2>&1)
if [ ! -e "$W/tcplab.dead" ] && [ ! -e "$W/tcplab.reused" ] &&
	[ -d "$W/tcplab.live" ] && [ -d "$W/tcplab.kept" ]; then
	pass
else
	fail "down: $(cd "$W" && echo tcplab.*) left, '$out'"
fi
if grep -q 'removed 2 work directories' <<<"$out"; then pass; else
	fail "down does not say it removed 2 work directories: '$out'"
fi
rm -rf "${W:?}"/tcplab.*

# A student who presses q in step mode: tcplab-client says so and exits
# 1 (a stand-in does it here, since --auto has no step mode). The lab
# says it was stopped, not that its expectations failed.
printf '#!/bin/sh\necho "tcplab-client: aborted: the user pressed q" >&2\nexit 1\n' \
	>"$W/quitter"
chmod +x "$W/quitter"
out=$(TCPLAB_CLIENT_BIN=$W/quitter runner run 1 --auto 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'you stopped it (q)' <<<"$out" &&
	! grep -q 'NOT AS EXPECTED' <<<"$out"; then
	pass
else
	fail "q: exit $rc, '$out'"
fi

# A lab that cannot meet its expectation makes check fail: lab 7 with
# addresses other than the article's.
out=$(TCPLAB_CLIENT_ADDR=10.77.0.25 TCPLAB_SERVER_ADDR=10.77.0.5 \
	timeout 120 "$LABS_RUNNER" run 7 --auto 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'NOT AS EXPECTED' <<<"$out"; then pass; else
	fail "lab 7 with other addresses passed (exit $rc)"
fi
tl_summary
