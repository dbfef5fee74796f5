#!/bin/bash
# client6.sh: tcplab-client over IPv6, against real HTTP servers between
# two network namespaces (client 2001:db8:101::25, server 2001:db8:101::5,
# a veth pair), all made and removed by this test.
#
# Against python's http.server bound to [::] (the server closes first)
# and nginx on [::]:8080 (the client closes first), with the server as a
# bracketed address and as a name from the namespace's hosts file, it
# checks that the body arrived, that the exit status is 0, that the
# exchange closed cleanly (one FIN each way, retransmissions aside, and
# both sides closed as tcplab-explain sees them), that tcpdump beside the
# client sees no RST from either kernel, that the SYN offers mss 1440
# (1500 less 40 of IPv6 and 20 of TCP) and Linux's window over IPv6 (1220
# on a link of MTU 1280), and that tcplab-explain --plain prints the
# capture as tcpdump does with every flag set of golden.sh;
# without the guard (--no-guard) the same count finds the client kernel's
# RST. Then -4 and -6 with a name on lines of both families, -i and -s,
# and the errors: a bracketed URL cut short or with a bad address (usage,
# one line), -s of the other family, an address not on the host and a
# name with no address of the family asked for. The addresses get
# "nodad", so that they are usable at once. Needs root.

# Some functions run only through tl_wait_for.
# shellcheck disable=SC2317
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
need_root "tcplab-client's IPv6 test"
need_cmd ip ss timeout python3 nginx
tl_find_programs
[ -x "$CLIENT" ] || tl_skip_or_fail "$CLIENT not built (run make first)"

CA=2001:db8:101::25
SA=2001:db8:101::5
NSC=tlc6-c-$$
NSS=tlc6-s-$$
IFC=tlc6$$a
IFS_=tlc6$$b
tl_workdir W "$top_builddir/tests/work"
TL_EXP=$W/expected.out
TL_GOT=$W/got.out
# What the client's SYN offers on Ethernet over IPv6, as Linux's: the MTU
# less 60, and the largest window of whole segments (45 x 1440).
MSS=1440
WIN=64800

setup_net() {
	ns_create "$NSC" && ns_create "$NSS" || return 1
	ip link add "$IFC" type veth peer name "$IFS_" || return 1
	ip link set "$IFC" netns "$NSC" && ip link set "$IFS_" netns "$NSS" &&
		ip -n "$NSC" addr add "$CA/64" dev "$IFC" nodad &&
		ip -n "$NSS" addr add "$SA/64" dev "$IFS_" nodad &&
		ip -n "$NSC" link set "$IFC" up &&
		ip -n "$NSS" link set "$IFS_" up || return 1
	# The hosts file of golden.sh's names (server6.example is $SA), and
	# a name on a line of each family, the IPv4 one first.
	ns_names "$NSC"
	printf '192.0.2.77\tdual6.example\n%s\tdual6.example\n' "$SA" \
		>>"/etc/netns/$NSC/hosts"
}

# Whether something listens on the server's port 8080 (any address).
listening() {
	ns_exec "$NSS" ss -Hltn 'sport = :8080' | grep -q LISTEN
}

# Stops the process started last (its pid is the last in TL_PIDS).
stop_last() {
	local p=${TL_PIDS[-1]}
	kill -INT "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	unset 'TL_PIDS[-1]'
}

# Starts tcpdump in the client's namespace writing $1, IPv6 TCP only.
start_tcpdump() {
	tl_bg ip netns exec "$NSC" timeout 120 "$TCPDUMP" --immediate-mode -U \
		-n -i "$IFC" -w "$1" 'ip6 and tcp' 2>"$1.err"
	tl_wait_for grep -q listening "$1.err"
}

# How many packets of capture $1 match filter $2.
count() {
	"$TCPDUMP" -n -r "$1" "$2" 2>/dev/null | grep -c .
}

# How many FINs host $2 sent in capture $1, a retransmission (the same
# sequence number: a server's tail loss probe on a busy machine) counted
# once.
fins() {
	"$TCPDUMP" -n -S -r "$1" "src host $2 and ip6[40+13] & 1 != 0" \
		2>/dev/null | sed -n 's/.* seq \([0-9]*\).*/\1/p' | sort -u |
		grep -c .
}

# Whether capture $1 holds at least $2 packets yet.
holds() {
	[ "$(count "$1" 'ip6')" -ge "$2" ]
}

# fetch NAME URL [client options...]: runs the client with --plain and a
# capture beside it, then checks the exchange.
fetch() {
	local name=$1 url=$2 rc n cap=$W/$1.pcap
	shift 2
	start_tcpdump "$cap" || { fail "$name: tcpdump did not start"; return; }
	timeout 60 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --plain \
		-O "$W/$name.body" "$@" "$url" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	# Every segment the client printed must be in the capture before
	# tcpdump stops.
	n=$(grep -c ' IP6 ' "$W/$name.out")
	tl_wait_for holds "$cap" "$n" ||
		fail "$name: the capture holds fewer than the $n segments printed"
	stop_last
	if [ "$rc" -eq 0 ]; then pass; else
		fail "$name: exit status $rc: $(cat "$W/$name.err")"
	fi
	cmp -s "$W/$name.body" "$W/www/hello.txt" && pass ||
		fail "$name: the body is not the file served"
	check_capture "$name" "$cap"
}

# check_capture NAME PCAP: a clean close, no RST, mss 1440, and
# tcplab-explain prints the capture as tcpdump does.
check_capture() {
	local name=$1 cap=$2 flags n
	# The TCP header follows the IPv6 header: its flags are byte 13.
	n="$(fins "$cap" "$CA") $(fins "$cap" "$SA")"
	[ "$n" = "1 1" ] && pass ||
		fail "$name: FINs from the client and the server: $n, not 1 1"
	"$EXPLAIN" -r "$cap" >"$W/$name.explained" 2>&1
	grep -Eq "last states: client (TIME-WAIT|CLOSED), server (TIME-WAIT|CLOSED)$" \
		"$W/$name.explained" && pass ||
		fail "$name: tcplab-explain does not see both sides closed"
	[ "$(count "$cap" 'ip6[40+13] & 4 != 0')" -eq 0 ] && pass ||
		fail "$name: $(count "$cap" 'ip6[40+13] & 4 != 0') RST in the capture"
	"$TCPDUMP" -n -v -r "$cap" "src host $CA and ip6[40+13] & 2 != 0" \
		2>/dev/null | grep -q "win $WIN, options \[mss $MSS," && pass ||
		fail "$name: the client's SYN does not offer win $WIN and mss $MSS"
	for flags in "${FLAGSETS[@]}"; do
		tl_compare "$cap" "$flags"
	done
	RUNNER=(ip netns exec "$NSC")
	NS=$NSC
	for flags in "${NAMEFLAGS[@]}"; do
		tl_compare "$cap" "$flags"
	done
	RUNNER=()
	NS=
}

# IPv6's smallest MTU, 1280, on the client's link: the SYN offers 1220,
# and the client says why. (Its window stays the profile's, as over
# IPv4 on a small MTU.)
mtu1280() {
	ip -n "$NSC" link set "$IFC" mtu 1280
	MSS=1220 WIN='[0-9]*' fetch mtu1280 "http://[$SA]:8080/hello.txt"
	ip -n "$NSC" link set "$IFC" mtu 1500
	grep -q "the SYN offers mss 1220, the MTU less 60 bytes of IPv6 and TCP headers" \
		"$W/mtu1280.out" && pass ||
		fail "mtu1280: the client does not say why the mss is 1220"
}

# The control: without the port guard the client's kernel answers the
# server's SYN-ACK with a RST, and the filter that counts none above
# finds it. (The exchange itself fails, as the lesson of --no-guard has
# it.)
no_guard() {
	local cap=$W/noguard.pcap
	start_tcpdump "$cap" || { fail "--no-guard: tcpdump did not start"; return; }
	timeout 60 ip netns exec "$NSC" "$CLIENT" --no-guard --syn-retries 0 \
		--timeout 2 -q "http://[$SA]:8080/hello.txt" >/dev/null 2>&1
	if tl_wait_for holds_rst "$cap"; then pass; else
		fail "--no-guard: no RST from the client's kernel in the capture"
	fi
	stop_last
}

holds_rst() {
	[ "$(count "$1" "src host $CA and ip6[40+13] & 4 != 0")" -ge 1 ]
}

# want_error NAME STATUS LINE CLIENT-ARGS...: the client exits STATUS
# having said LINE, one line, on standard error.
want_error() {
	local name=$1 want_rc=$2 want=$3 got rc
	shift 3
	got=$(timeout 30 ip netns exec "$NSC" "$CLIENT" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && [ "$got" = "$want" ]; then pass; else
		fail "$name: exit status $rc, not $want_rc; said: $got"
	fi
}

setup_net || {
	fail "cannot build the namespaces"
	tl_summary
	exit 1
}
mkdir -p "$W/www"
echo "hello over IPv6, by hand" >"$W/www/hello.txt"

# python's http.server on [::]: HTTP/1.0, the server closes first.
tl_bg ip netns exec "$NSS" timeout 120 python3 -m http.server --bind :: \
	--directory "$W/www" 8080 >"$W/python.log" 2>&1
if tl_wait_for listening; then
	fetch python "http://[$SA]:8080/hello.txt"
	fetch python-name "http://server6.example:8080/hello.txt"
	fetch python-dual "http://dual6.example:8080/hello.txt" -6
	fetch python-i-s "http://[$SA]:8080/hello.txt" -i "$IFC" -s "$CA"
	mtu1280
	no_guard
else
	fail "python's http.server did not start"
fi
stop_last

# nginx on [::]:8080: HTTP/1.1 keep-alive, the client closes first.
nginx_conf "$W" "[::]:8080" 16
tl_bg ip netns exec "$NSS" timeout 120 nginx -c "$W/nginx.conf"
if tl_wait_for listening; then
	fetch nginx "http://[$SA]:8080/hello.txt"
	grep -q "the client closes first" "$W/nginx.out" && pass ||
		fail "nginx: the trace does not say the client closed first"
else
	fail "nginx did not start"
fi
stop_last

# Family and address errors: one line each, that says what to do.
want_error "bracket not closed" 2 \
	"tcplab-client: http://[$SA:8080/: an IPv6 address goes whole in brackets, the port after them: http://[2001:db8::5]:8080/PATH" \
	"http://[$SA:8080/"
want_error "not an address in brackets" 2 \
	"tcplab-client: http://[2001:db8::zz]/: an IPv6 address goes whole in brackets, the port after them: http://[2001:db8::5]:8080/PATH" \
	"http://[2001:db8::zz]/"
want_error "-s of the other family" 2 \
	"tcplab-client: -s 192.0.2.25 and the server $SA are of two families: give -s an address of the server's" \
	-s 192.0.2.25 "http://[$SA]:8080/"
want_error "-s not on the host" 3 \
	"tcplab-client: address 2001:db8:101::99 is not on this host: give -s one of its addresses, or leave -s out" \
	-s 2001:db8:101::99 "http://[$SA]:8080/"
want_error "-4 and an IPv6 address" 2 \
	"tcplab-client: -4: $SA is an IPv6 address: leave -4 out" \
	-4 "http://[$SA]:8080/"
want_error "-4 and a name with IPv6 only" 3 \
	"tcplab-client: server6.example has no IPv4 address in /etc/hosts: add one there, or leave -4 out" \
	-4 "http://server6.example:8080/"
want_error "a zone in the URL" 2 \
	"tcplab-client: no zones (%25...) in URLs: give the server's global address" \
	"http://[fe80::1%25$IFC]:8080/"
want_error "a link-local server" 3 \
	"tcplab-client: fe80::1 is link-local: give the server's global address" \
	"http://[fe80::1]:8080/"
# Without -6 the name's first line, IPv4, wins: no route there.
want_error "a name's first line" 3 \
	"tcplab-client: no route to 192.0.2.77: Network is unreachable" \
	"http://dual6.example:8080/"

if tl_summary; then
	tl_remove_at_exit "$W"
	exit 0
fi
tl_say "the captures stay in $W"
exit 1
