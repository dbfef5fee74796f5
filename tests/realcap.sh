#!/bin/bash
# realcap.sh: tcplab-explain against tcpdump on captures of real traffic.
#
# Two network namespaces get the article's addresses (client 192.168.101.25,
# server 192.168.101.5) on a veth pair, and documentation IPv6 addresses
# beside them (2001:db8:101::25 and ::5). Python's http.server listens on
# [::]:8080 in the server namespace (both families), nginx on [::]:80,
# tcpdump captures there on the veth (Ethernet) and on "any" (Linux cooked
# v2), and the client namespace runs a handful of wget and curl requests,
# bounded by timeouts: first over IPv4, then with -6 over IPv6, each family
# in captures of its own. Then every capture is printed by tcpdump and
# tcplab-explain with every flag set, the run with names inside the server
# namespace; and tcplab-explain --json finds in the IPv6 captures every
# connection opened by a handshake and closed with FINs, no RST. Packets
# never leave the two namespaces, and everything is removed on every way
# out.

# Some functions run only through capture_run, check and tl_wait_for.
# shellcheck disable=SC2317
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "realcap.sh"
need_cmd ip python3 wget curl timeout nginx
tl_find_programs

CLI=tlrc$$
SRV=tlrs$$
CADDR=192.168.101.25
SADDR=192.168.101.5
URL=http://$SADDR:8080
CADDR6=2001:db8:101::25
SADDR6=2001:db8:101::5
URL6=http://[$SADDR6]:8080
NGINX6=http://[$SADDR6]

work=
tl_workdir work "$top_builddir/tests/work"
TL_EXP=$work/expected.out
TL_GOT=$work/got.out

# The two hosts and the cable between them, in both families. The IPv6
# addresses skip duplicate address detection (nodad): usable at once.
make_topology() {
	ns_pair "$CLI" "$SRV" "$CADDR" "$SADDR" "vc$$" "vs$$" &&
		ip -n "$CLI" addr add "$CADDR6/64" dev "vc$$" nodad &&
		ip -n "$SRV" addr add "$SADDR6/64" dev "vs$$" nodad
}

# python's http.server on [::] takes both families (it turns
# IPV6_V6ONLY off); nginx listens on [::]:80, IPv6 only.
start_server() {
	mkdir -p "$work/www/truedei"
	printf 'This is zhenghui' >"$work/www/truedei/test"
	printf 'hello from tcplab\n' >"$work/www/z.txt"
	tl_bg ip netns exec "$SRV" python3 -m http.server 8080 --bind :: \
		--directory "$work/www" >"$work/http.log" 2>&1
	tl_wait_for ns_exec "$CLI" curl -s -m 1 -o /dev/null "$URL/z.txt" &&
		tl_wait_for ns_exec "$CLI" curl -6 -s -m 1 -o /dev/null "$URL6/z.txt"
}

start_nginx() {
	nginx_conf "$work" "[::]:80" 16
	tl_bg ip netns exec "$SRV" timeout 120 nginx -c "$work/nginx.conf"
	tl_wait_for ns_exec "$CLI" curl -6 -s -m 1 -o /dev/null "$NGINX6/z.txt"
}

# Starts tcpdump in the server namespace on interface $1 into file $2 and
# waits until it says it is listening; sets CAP_PID. Its ring holds a slot
# of the snapshot length for each packet: at the default 2 MB, a handful,
# which a tcpdump that waits for a busy CPU overruns (a packet "dropped by
# kernel"); 64 MB hold every packet of the run.
start_capture() {
	tl_bg ip netns exec "$SRV" "$TCPDUMP" -i "$1" --immediate-mode -U \
		-s 262144 -B 65536 -w "$2" tcp \
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

# The same over IPv6 (-6), against python and nginx; every connection
# ends with FINs.
run_clients6() {
	local get=(timeout 10 ip netns exec "$CLI")
	"${get[@]}" wget -6 -q -O /dev/null -T 5 -t 1 \
		"$URL6/truedei/test?name=zhenghui"
	"${get[@]}" curl -6 -s -m 5 -o /dev/null \
		"$URL6/truedei/test?name=zhenghui"
	"${get[@]}" curl -6 -s -m 5 -o /dev/null -I "$URL6/z.txt"
	# A 404 read whole (wget would close before python's second write,
	# and its kernel answer that with a RST).
	"${get[@]}" curl -6 -s -m 5 -o /dev/null "$URL6/missing"
	"${get[@]}" curl -6 -s -m 5 -o /dev/null "$NGINX6/z.txt"
	"${get[@]}" wget -6 -q -O /dev/null -T 5 -t 1 "$NGINX6/z.txt"
	# Keep-alive: two requests on one connection.
	"${get[@]}" curl -6 -s -m 5 -o /dev/null -o /dev/null \
		"$NGINX6/z.txt" "$NGINX6/truedei/test"
}

# Asks a capture to stop and waits for it to write its last packets.
stop_capture() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

compare_all() {
	local f
	for f in "$work"/{veth,any,veth6,any6}.pcap; do
		if [ "$("$TCPDUMP" -r "$f" 2>/dev/null | wc -l)" -lt 30 ]; then
			fail "$(basename "$f") holds too few packets"
		fi
	done
	tl_compare_files "$SRV" "$work"/{veth,any,veth6,any6}.pcap
}

# only_ip6 FILE: every packet tcpdump reads in FILE is IPv6.
only_ip6() {
	local all six
	all=$("$TCPDUMP" -nn -r "$1" 2>/dev/null | wc -l)
	six=$("$TCPDUMP" -nn -r "$1" ip6 2>/dev/null | wc -l)
	[ "$all" -gt 0 ] && [ "$all" -eq "$six" ]
}

# clean_conns FILE N: tcplab-explain --json on FILE reports N connections,
# each opened by a handshake and closed with FINs, and no segment with
# RST. Prints what is wrong, if anything.
clean_conns() {
	"$EXPLAIN" --json -r "$1" 2>/dev/null | python3 -c '
import json, sys
want = int(sys.argv[1])
bad, conns = [], 0
for line in sys.stdin:
    o = json.loads(line)
    if o["type"] == "segment" and "R" in o["flags"]:
        bad.append("a RST: %s" % line.strip())
    if o["type"] != "connection":
        continue
    conns += 1
    if not o["handshake"]:
        bad.append("connection %d: no handshake" % o["conn"])
    if o["close"] in ("incomplete", "reset", "?"):
        bad.append("connection %d: close %s" % (o["conn"], o["close"]))
if conns != want:
    bad.append("%d connections, not %d" % (conns, want))
print("\n".join(bad))
sys.exit(1 if bad else 0)
' "$2"
}

# The IPv6 captures hold nothing else, and every connection is whole.
check_ip6() {
	local f why
	for f in "$work/veth6.pcap" "$work/any6.pcap"; do
		check "$(basename "$f") holds IPv4 packets, or none" only_ip6 "$f"
		if why=$(clean_conns "$f" 7); then pass; else
			fail "$(basename "$f"): tcplab-explain --json: $why"
		fi
	done
}

# all_closed FILE: the capture so far holds connections, and each of them
# has ended at both sides (CLOSED or TIME-WAIT) as tcplab-explain reads it,
# or with a RST, after which its sender sends nothing more (wget's, when
# it closes before python has written the whole 404 page, may not even be
# in the window, so that the connection never ends in the explanation).
all_closed() {
	"$EXPLAIN" --json -r "$1" 2>/dev/null | python3 -c '
import json, sys
ends = ("CLOSED", "TIME-WAIT")
n, reset = 0, set()
for line in sys.stdin:
    o = json.loads(line)
    if o["type"] == "segment" and "R" in o["flags"]:
        reset.add(o["conn"])
    if o["type"] != "connection":
        continue
    n += 1
    if o["conn"] in reset:
        continue
    if o["states"]["client"] not in ends or o["states"]["server"] not in ends:
        sys.exit(1)
sys.exit(0 if n else 1)
'
}

# capture_run NAME FUNCTION: runs the clients of FUNCTION while tcpdump
# writes NAME.pcap on the veth and on any NAME.pcap on "any" (veth.pcap
# and any.pcap, veth6.pcap and any6.pcap).
capture_run() {
	local veth_pid any_pid f
	start_capture "vs$$" "$work/veth$1.pcap" ||
		fail "tcpdump on the veth did not start"
	veth_pid=$CAP_PID
	start_capture any "$work/any$1.pcap" || fail "tcpdump -i any did not start"
	any_pid=$CAP_PID
	"$2"
	# The clients have exited; the last ACKs may still be on their way.
	tl_wait_for all_closed "$work/veth$1.pcap" ||
		fail "veth$1.pcap: a connection did not close within five seconds"
	tl_wait_for all_closed "$work/any$1.pcap" ||
		fail "any$1.pcap: a connection did not close within five seconds"
	stop_capture "$veth_pid"
	stop_capture "$any_pid"
	for f in "$work/veth$1.pcap.err" "$work/any$1.pcap.err"; do
		if grep -q '^0 packets dropped by kernel' "$f"; then pass; else
			fail "$(basename "$f" .err): tcpdump lost packets: $(grep dropped "$f")"
		fi
	done
}

make_topology || {
	fail "cannot build the two namespaces"
	exit 1
}
ns_names "$SRV"
start_server || fail "http.server did not answer within five seconds"
start_nginx || fail "nginx did not answer on [::]:80 within five seconds"
capture_run "" run_clients
capture_run 6 run_clients6
compare_all
check_ip6
[ -n "${REALCAP_KEEP:-}" ] && cp "$work"/*.pcap "$REALCAP_KEEP"/
if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the captures stay in $work"
exit 1
