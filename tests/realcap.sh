#!/bin/bash
# realcap.sh: tcplab-explain against tcpdump on captures of real traffic.
#
# Two network namespaces get the article's addresses (client 192.168.101.25,
# server 192.168.101.5) on a veth pair. Python's http.server listens on
# 8080 in the server namespace, tcpdump captures there on the veth
# (Ethernet) and on "any" (Linux cooked v2), and the client namespace runs
# a handful of wget and curl requests, bounded by timeouts. Then both
# captures are printed by tcpdump and tcplab-explain with every flag set,
# the run with names inside the server namespace. Packets never leave the
# two namespaces, and everything is removed on every way out.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "realcap.sh"
need_cmd ip python3 wget curl timeout
tl_find_programs

CLI=tlrc$$
SRV=tlrs$$
CADDR=192.168.101.25
SADDR=192.168.101.5
URL=http://$SADDR:8080

work=
tl_workdir work "$top_builddir/tests/work"
TL_EXP=$work/expected.out
TL_GOT=$work/got.out

# The two hosts and the cable between them.
make_topology() {
	ns_pair "$CLI" "$SRV" "$CADDR" "$SADDR" "vc$$" "vs$$"
}

start_server() {
	mkdir -p "$work/www/truedei"
	printf 'This is zhenghui' >"$work/www/truedei/test"
	printf 'hello from tcplab\n' >"$work/www/z.txt"
	tl_bg ip netns exec "$SRV" python3 -m http.server 8080 --bind "$SADDR" \
		--directory "$work/www" >"$work/http.log" 2>&1
	tl_wait_for ns_exec "$CLI" curl -s -m 1 -o /dev/null "$URL/z.txt"
}

# Starts tcpdump in the server namespace on interface $1 into file $2 and
# waits until it says it is listening; sets CAP_PID.
start_capture() {
	tl_bg ip netns exec "$SRV" "$TCPDUMP" -i "$1" --immediate-mode -U \
		-s 262144 -w "$2" tcp \
		2>"$2.err"
	CAP_PID=$!
	tl_wait_for grep -q 'listening on' "$2.err"
}

# The traffic: a bounded number of requests, each with a timeout.
run_clients() {
	local get=(timeout 10 ip netns exec "$CLI")
	"${get[@]}" wget -q -O /dev/null -T 5 -t 1 \
		"$URL/truedei/test?name=zhenghui"
	"${get[@]}" curl -s -m 5 -o /dev/null "$URL/truedei/test?name=zhenghui"
	"${get[@]}" curl -s -m 5 -o /dev/null "$URL/z.txt"
	"${get[@]}" curl -s -m 5 -o /dev/null -I "$URL/z.txt"
	"${get[@]}" wget -q -O /dev/null -T 5 -t 1 "$URL/missing" || true
	"${get[@]}" curl -s -m 5 -o /dev/null -d 'name=zhenghui' "$URL/form"
	# A closed port: the server's kernel answers with a reset.
	"${get[@]}" curl -s -m 5 -o /dev/null "http://$SADDR:8081/" || true
}

# Asks a capture to stop and waits for it to write its last packets.
stop_capture() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

compare_all() {
	local f flags
	for f in "$work/veth.pcap" "$work/any.pcap"; do
		if [ "$("$TCPDUMP" -r "$f" 2>/dev/null | wc -l)" -lt 30 ]; then
			fail "$(basename "$f") holds too few packets"
		fi
		for TZ in America/New_York UTC; do
			export TZ
			for flags in "${FLAGSETS[@]}"; do
				tl_compare "$f" "$flags"
			done
		done
		RUNNER=(ip netns exec "$SRV")
		NS=$SRV
		for flags in "${NAMEFLAGS[@]}"; do
			tl_compare "$f" "$flags"
		done
		RUNNER=()
		NS=
	done
}

make_topology || {
	fail "cannot build the two namespaces"
	exit 1
}
ns_names "$SRV"
start_server || fail "http.server did not answer within five seconds"
start_capture "vs$$" "$work/veth.pcap" || fail "tcpdump on the veth did not start"
veth_pid=$CAP_PID
start_capture any "$work/any.pcap" || fail "tcpdump -i any did not start"
any_pid=$CAP_PID
run_clients
sleep 1
stop_capture "$veth_pid"
stop_capture "$any_pid"
compare_all
[ -n "${REALCAP_KEEP:-}" ] && cp "$work"/*.pcap "$REALCAP_KEEP"/
if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the captures stay in $work"
exit 1
