#!/bin/bash
# hostile.sh: tcplab-server and tcplab-client against hostile peers (issue
# 10), in two namespaces this test makes and removes (client
# 192.168.101.25, server 192.168.101.5, a veth pair).
#
# tests/net/hostile.py crafts whole frames on a veth end (AF_PACKET) from
# addresses no interface holds, so no kernel answers for them. It proves:
#  A. a client from .99 whose SYN offers mss 0, 1, 65535 or none, or whose
#     window is 1 after the handshake, gets the whole response from
#     tcplab-server in segments no larger than max(mss, 48) - 12, none
#     pushed with 0 bytes, none past the window; curl is served after;
#  B. a server at .98 whose SYN-ACK offers mss 0, 1, 65535, or a window
#     of 1 that stays 1, gets tcplab-client's whole request in such
#     segments, and the client writes the body and exits 0;
#  C. RFC 5961's attacks on live connections, from a sniffer that knows
#     their numbers: into tcplab-server, an in-window RST not at RCV.NXT,
#     a SYN, a request and a FIN whose ACKs are 2^28 and 2^31-1 behind,
#     draw challenge ACKs, are not obeyed, and the connection still
#     answers; a flood of 2000 RSTs draws one challenge ACK per 500 ms at
#     most. Into tcplab-client, data and a FIN with old ACKs are dropped
#     and the real body is written.
# After each case the program under test stays idle: under 5% of a CPU
# over 3 s (the server), under 0.3 s of CPU for a whole run (the client).
# Every step has a timeout; everything is removed on exit. Needs root.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "hostile.sh"
need_cmd ip python3 curl timeout ss getconf
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
HOSTILE=$top_srcdir/tests/net/hostile.py
[ -x "$SERVER" ] || tl_skip_or_fail "$SERVER not built (run make first)"
[ -x "$CLIENT" ] || tl_skip_or_fail "$CLIENT not built (run make first)"

CLI=tlhc$$
SRV=tlhs$$
VC=vhc$$
VS=vhs$$
CADDR=192.168.101.25
SADDR=192.168.101.5
FAKE_CLIENT=192.168.101.99 # held by no interface
FAKE_SERVER=192.168.101.98 # held by no interface
QUERY="/truedei/test?name=zhenghui"

work=
tl_workdir work "$top_builddir/tests/work"
tl_remove_at_exit "$work"
ns_pair "$CLI" "$SRV" "$CADDR" "$SADDR" "$VC" "$VS" ||
	tl_skip_or_fail "cannot build the two namespaces"
MAC_C=$(ip netns exec "$CLI" cat "/sys/class/net/$VC/address")
MAC_S=$(ip netns exec "$SRV" cat "/sys/class/net/$VS/address")

# Counts hostile.py's verdicts in $1 for case $2; a script that did not
# finish ($3, its exit status, not 0) or gave no verdict is a failure.
verdicts() {
	local line n=0
	while IFS= read -r line; do
		case $line in
		PASS:*) pass; n=$((n + 1)); tl_say "  $2: ok: ${line#PASS: }" ;;
		FAIL:*) fail "$2: ${line#FAIL: }"; n=$((n + 1)) ;;
		INFO:*) tl_say "  $2: ${line#INFO: }" ;;
		esac
	done <"$1"
	if [ "$3" -ne 0 ] || [ "$n" -eq 0 ]; then
		fail "$2: hostile.py exited $3 after $n verdicts:"
		grep -v '^\(PASS\|FAIL\|INFO\):' "$1" | tail -5 | sed 's/^/    /'
	fi
}

# The pid of the process named $2 among $1's descendants.
descendant() {
	local p kids
	kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	for p in $kids; do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ]; then
			echo "$p"
			return 0
		fi
		descendant "$p" "$2" && return 0
	done
	return 1
}

# utime + stime of process $1, in clock ticks.
cpu_ticks() {
	local s
	s=$(cat "/proc/$1/stat") || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # the fields are separate words on purpose
	set -- $s
	echo $((${12} + ${13}))
}

# The server must stay idle: under 5% of a CPU over the next 3 s.
idle_check() {
	local what=$1 pid=$2 a b hz limit
	hz=$(getconf CLK_TCK)
	limit=$((hz * 3 * 5 / 100))
	a=$(cpu_ticks "$pid") || { fail "$what: tcplab-server is gone"; return; }
	sleep 3 # the measure's own window, not a wait for an event
	b=$(cpu_ticks "$pid") || { fail "$what: tcplab-server is gone"; return; }
	tl_say "  $what: tcplab-server used $((b - a)) ticks ($hz a second) in 3 s"
	check "$what: tcplab-server used $((b - a)) of $hz ticks a second over 3 s (5%: under $limit)" \
		[ $((b - a)) -lt "$limit" ]
}

# Starts tcplab-server into $work/$1.out; waits until its port guard
# listens. Sets SRV_WRAP (what to kill) and SRV_PID (the server itself).
start_server() {
	ip netns exec "$SRV" timeout 600 "$SERVER" -i "$VS" -a "$SADDR" \
		>"$work/$1.out" 2>"$work/$1.err" &
	SRV_WRAP=$!
	TL_PIDS+=("$SRV_WRAP")
	tl_wait_for sh -c "ip netns exec $SRV ss -ltn | grep -q '$SADDR:8080 '" ||
		fail "tcplab-server did not start: $(head -3 "$work/$1.err")"
	SRV_PID=$(descendant "$SRV_WRAP" tcplab-server) ||
		fail "tcplab-server's pid not found under $SRV_WRAP"
}

stop_server() {
	local rc
	kill -TERM "$SRV_PID" 2>/dev/null
	wait "$SRV_WRAP"
	rc=$?
	check "tcplab-server exited $rc after SIGTERM: $(head -3 "$work/$1.err")" \
		[ "$rc" -eq 0 ]
}

curl_after() {
	local body
	body=$(timeout 20 ip netns exec "$CLI" curl -s -m 10 "http://$SADDR:8080$QUERY")
	check "curl after $1 read '$body'" [ "$body" = "This is zhenghui" ]
}

# ---- A. A hostile client (from .99) against tcplab-server. ----
tl_say "A. hostile clients against tcplab-server"
start_server a
for c in "mss 0|--mss 0" "mss 1|--mss 1" "mss 65535|--mss 65535" \
	"no mss|" "window 1|--win1"; do
	name=${c%%|*}
	f=$work/A-${name// /}
	# shellcheck disable=SC2086 # the options are separate words
	tl_bg timeout 60 ip netns exec "$CLI" python3 "$HOSTILE" --timeout 40 \
		client "$VC" "$MAC_S" "$FAKE_CLIENT" "$SADDR" 8080 ${c#*|} \
		--hold "$f" >"$f.res" 2>&1
	hp=$!
	# While the connection is open, before its close (with a window of
	# 1, part of the response still waiting to be sent).
	if tl_wait_for test -e "$f.held"; then
		idle_check "A, $name, the connection open" "$SRV_PID"
	else
		fail "A, $name: the hostile client never held its connection"
	fi
	touch "$f.go"
	wait "$hp"
	verdicts "$f.res" "A, $name" $?
	idle_check "A, after $name" "$SRV_PID"
	curl_after "A, $name"
done
stop_server a

# ---- C1. RFC 5961 against tcplab-server. ----
tl_say "C. RFC 5961's attacks on a live connection of tcplab-server"
start_server c1
timeout 90 ip netns exec "$CLI" python3 "$HOSTILE" --timeout 60 \
	attack-server "$VC" "$MAC_S" "$SADDR" 8080 "$work/c1.out" \
	>"$work/C1.res" 2>&1
verdicts "$work/C1.res" "C, server" $?
idle_check "C, server, after the attacks" "$SRV_PID"
curl_after "C, server"
stop_server c1
grep '^tcplab-server: ' "$work/c1.out" | sed 's/^/    /'

# ---- B. A hostile server (at .98) against tcplab-client. ----
tl_say "B. hostile servers against tcplab-client"
ip -n "$CLI" neigh add "$FAKE_SERVER" lladdr "$MAC_S" dev "$VC" ||
	fail "cannot add the neighbour $FAKE_SERVER"
for c in "mss 0|--mss 0" "mss 1|--mss 1" "mss 65535|--mss 65535" \
	"window 1|--win1"; do
	name=${c%%|*}
	f=$work/B-${name// /}
	# shellcheck disable=SC2086 # the options are separate words
	tl_bg ip netns exec "$SRV" timeout 60 python3 "$HOSTILE" --timeout 40 \
		server "$VS" "$MAC_C" "$FAKE_SERVER" 8080 "$f.ready" ${c#*|} \
		>"$f.res" 2>&1
	hp=$!
	tl_wait_for test -e "$f.ready" || fail "B, $name: hostile.py did not start"
	ip netns exec "$CLI" python3 "$HOSTILE" run "$f.run" timeout 50 \
		"$CLIENT" -q --time-wait 0 -O "$f.body" \
		"http://$FAKE_SERVER:8080$QUERY" >"$f.out" 2>"$f.err"
	wait "$hp"
	verdicts "$f.res" "B, $name" $?
	read -r rc wall cpu <"$f.run"
	tl_say "  B, $name: tcplab-client exited $rc after $wall s, $cpu s of CPU"
	check "B, $name: tcplab-client exited $rc: $(head -3 "$f.err")" [ "$rc" = 0 ]
	check "B, $name: the -O file holds '$(cat "$f.body" 2>/dev/null)'" \
		[ "$(cat "$f.body" 2>/dev/null)" = "This is zhenghui" ]
	check "B, $name: tcplab-client used $cpu s of CPU in $wall s (under 0.3 s)" \
		awk -v c="$cpu" 'BEGIN { exit !(c < 0.3) }'
done

# ---- C2. RFC 5961 against tcplab-client. ----
f=$work/C2
tl_bg ip netns exec "$SRV" timeout 90 python3 "$HOSTILE" --timeout 60 \
	attack-client "$VS" "$MAC_C" "$SADDR" 8080 "$f.ready" "$f.trace" \
	>"$f.res" 2>&1
hp=$!
tl_wait_for test -e "$f.ready" || fail "C, client: hostile.py did not start"
ip netns exec "$CLI" python3 "$HOSTILE" run "$f.run" timeout 70 \
	"$CLIENT" --time-wait 0 -O "$f.body" "http://$SADDR:8080$QUERY" \
	>"$f.trace" 2>"$f.err"
wait "$hp"
verdicts "$f.res" "C, client" $?
read -r rc wall cpu <"$f.run"
tl_say "  C, client: tcplab-client exited $rc after $wall s, $cpu s of CPU"
check "C, client: tcplab-client exited $rc: $(head -3 "$f.err")" [ "$rc" = 0 ]
check "C, client: the -O file holds '$(cat "$f.body" 2>/dev/null)'" \
	[ "$(cat "$f.body" 2>/dev/null)" = "This is zhenghui" ]
check "C, client: tcplab-client used $cpu s of CPU in $wall s (under 0.3 s)" \
	awk -v c="$cpu" 'BEGIN { exit !(c < 0.3) }'

tl_summary
