#!/bin/bash
# mptcp.sh: tcplab-explain against tcpdump on real Multipath TCP traffic.
#
# Two network namespaces are joined by two veth pairs, one subnet each
# (10.9.1.0/24 and 10.9.2.0/24). The server announces its second address
# (ADD_ADDR), the client accepts it and has a subflow endpoint of its own,
# so that a second subflow joins (MP_JOIN). A python3 server and client on
# IPPROTO_MPTCP sockets move some data, twice: once as the kernel starts,
# once with DSS checksums turned on. tcpdump captures on both of the
# server's veth ends; every flag set of golden.sh must print the same with
# tcplab-explain as with tcpdump, and tcpdump's own text must show
# MP_CAPABLE, DSS, MP_JOIN and ADD_ADDR, so that the test cannot pass on a
# capture without them. Packets never leave the namespaces, which are
# removed on every way out.

# Some functions run only through check and tl_wait_for.
# shellcheck disable=SC2317
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "mptcp.sh"
need_cmd ip ss python3 timeout
tl_find_programs
if [ ! -d /proc/sys/net/mptcp ]; then
	tl_skip_or_fail "this kernel has no Multipath TCP (/proc/sys/net/mptcp)"
fi

CLI=tlmpc$$
SRV=tlmps$$
C1=10.9.1.1
S1=10.9.1.2
C2=10.9.2.1
S2=10.9.2.2
PORT=5001

work=
tl_workdir work "$top_builddir/tests/work"
TL_EXP=$work/expected.out
TL_GOT=$work/got.out

# The two hosts, two cables, Multipath TCP on both with room for a
# second subflow and an announced address.
make_topology() {
	ns_pair "$CLI" "$SRV" "$C1" "$S1" "mc1$$" "ms1$$" &&
		ip link add "mc2$$" type veth peer name "ms2$$" &&
		ip link set "mc2$$" netns "$CLI" &&
		ip link set "ms2$$" netns "$SRV" &&
		ip -n "$CLI" addr add "$C2/24" dev "mc2$$" &&
		ip -n "$SRV" addr add "$S2/24" dev "ms2$$" &&
		ip -n "$CLI" link set "mc2$$" up &&
		ip -n "$SRV" link set "ms2$$" up || return 1
	local ns
	for ns in "$CLI" "$SRV"; do
		ns_exec "$ns" sysctl -q -w net.mptcp.enabled=1 &&
			ip -n "$ns" mptcp limits set subflow 2 \
				add_addr_accepted 2 || return 1
	done
	ip -n "$SRV" mptcp endpoint add "$S2" dev "ms2$$" signal &&
		ip -n "$CLI" mptcp endpoint add "$C2" dev "mc2$$" subflow
}

# The server: for each connection, reads until the client's end of
# stream, then answers with the number of bytes it read and closes; a
# connection the client aborts just ends.
SERVER_PY='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(4)
while True:
    c, _ = s.accept()
    n = 0
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            n += len(b)
        c.sendall(b"%d\n" % n)
    except OSError:
        pass
    c.close()
'

# The client: sends a first part, waits (up to ten seconds, by the
# kernel's MPTCP_INFO) until a second subflow has joined, sends the rest,
# and checks the server's count of what it sent. Given a directory, it
# says "joined" there instead and waits for "go" before it sends the rest,
# and then aborts the connection (a linger of zero: MP_FASTCLOSE).
CLIENT_PY='
import os, socket, struct, sys, time
SOL_MPTCP, MPTCP_INFO = 284, 1
def wait(cond, what):
    deadline = time.monotonic() + 10
    while not cond():
        if time.monotonic() > deadline:
            sys.exit("waited ten seconds for " + what)
        time.sleep(0.05)
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
c.settimeout(10)
c.connect((sys.argv[1], int(sys.argv[2])))
part = b"m" * 20000
c.sendall(part)
wait(lambda: c.getsockopt(SOL_MPTCP, MPTCP_INFO, 64)[0] >= 1,
     "a second subflow")
if len(sys.argv) > 3:
    open(os.path.join(sys.argv[3], "joined"), "w").close()
    wait(lambda: os.path.exists(os.path.join(sys.argv[3], "go")), "go")
    c.sendall(part)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    c.close()
    sys.exit(0)
for _ in range(5):
    c.sendall(part)
c.shutdown(socket.SHUT_WR)
answer = b""
while not answer.endswith(b"\n"):
    b = c.recv(100)
    if not b:
        break
    answer += b
c.close()
if answer != b"%d\n" % (6 * len(part)):
    sys.exit("the server counted %r" % answer)
'

start_server() {
	tl_bg ip netns exec "$SRV" python3 -c "$SERVER_PY" "$PORT" \
		>"$work/server.log" 2>&1
	tl_wait_for listening
}

# Whether the server's socket listens yet.
listening() {
	ns_exec "$SRV" ss -Hltn "sport = :$PORT" | grep -q LISTEN
}

# Starts tcpdump in the server namespace on interface $1 into file $2
# and waits until it says it is listening; sets CAP_PID.
start_capture() {
	tl_bg ip netns exec "$SRV" "$TCPDUMP" -i "$1" --immediate-mode -U \
		-s 262144 -w "$2" tcp 2>"$2.err"
	CAP_PID=$!
	tl_wait_for grep -q 'listening on' "$2.err"
}

run_client() {
	timeout 30 ip netns exec "$CLI" python3 -c "$CLIENT_PY" "$S1" "$PORT" \
		"$@"
}

# A third connection that changes while it runs: once its second subflow
# has joined, the client marks its own endpoint as backup (MP_PRIO) and
# the server withdraws its announced address (REMOVE_ADDR); when the
# captures show both, the client goes on and aborts (MP_FASTCLOSE).
run_changes() {
	local dir=$work/changes pid rc
	mkdir -p "$dir"
	run_client "$dir" &
	pid=$!
	tl_wait_for test -e "$dir/joined" &&
		ip -n "$CLI" mptcp endpoint change id 1 backup &&
		ip -n "$SRV" mptcp endpoint delete id 1 &&
		tl_wait_for seen 'mptcp [0-9]+ prio' &&
		tl_wait_for seen 'mptcp [0-9]+ rem-addr'
	rc=$?
	touch "$dir/go"
	wait "$pid" && return "$rc"
}

# Whether tcpdump's text for the captures so far has a line matching $1.
seen() {
	local f
	for f in "$work/sub1.pcap" "$work/sub2.pcap"; do
		"$TCPDUMP" -nn -r "$f" 2>/dev/null
	done | grep -qE "$1"
}

# Prints how many lines of tcpdump's text for both captures match $1.
count() {
	cat "$work/sub1.pcap.txt" "$work/sub2.pcap.txt" 2>/dev/null |
		grep -cE "$1"
}

# Whether both captures already show what the test needs: each reads
# back whole, and together they hold the handshakes' MP_CAPABLE and
# MP_JOIN, ADD_ADDR, DSS options with and without a checksum, MP_PRIO,
# REMOVE_ADDR and MP_FASTCLOSE.
captured() {
	local f
	for f in "$work/sub1.pcap" "$work/sub2.pcap"; do
		"$TCPDUMP" -nn -r "$f" >"$f.txt" 2>/dev/null || return 1
	done
	[ "$(count 'mptcp [0-9]+ capable')" -ge 6 ] &&
		[ "$(count 'mptcp [0-9]+ join')" -ge 6 ] &&
		[ "$(count 'mptcp [0-9]+ add-addr')" -ge 1 ] &&
		[ "$(count 'mptcp [0-9]+ dss.* csum 0x')" -ge 1 ] &&
		[ "$(count 'mptcp [0-9]+ dss ')" -ge 10 ] &&
		[ "$(count 'mptcp [0-9]+ prio')" -ge 1 ] &&
		[ "$(count 'mptcp [0-9]+ rem-addr')" -ge 1 ] &&
		[ "$(count 'mptcp [0-9]+ fast-close')" -ge 1 ]
}

stop_capture() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}


# Says what the captures hold, and fails when it is not enough.
report_counts() {
	local what
	for what in capable join add-addr dss prio rem-addr fast-close \
		unknown; do
		tl_say "$what: $(count "mptcp [0-9]+ $what") options"
	done
	check "the captures show every option the transfers cause" captured
}

make_topology || {
	fail "cannot build the namespaces and their MPTCP endpoints"
	exit 1
}
ns_names "$SRV"
# A name for the announced address, so that the run with names shows
# ADD_ADDR's address resolved.
printf '%s\tsecond.example\n' "$S2" >>"/etc/netns/$SRV/hosts"
start_capture "ms1$$" "$work/sub1.pcap" ||
	fail "tcpdump on subflow 1 did not start"
cap1=$CAP_PID
start_capture "ms2$$" "$work/sub2.pcap" ||
	fail "tcpdump on subflow 2 did not start"
cap2=$CAP_PID
start_server || fail "the MPTCP server did not listen within five seconds"
check "a transfer with two subflows" run_client
for ns in "$CLI" "$SRV"; do
	ns_exec "$ns" sysctl -q -w net.mptcp.checksum_enabled=1
done
check "a transfer with two subflows and DSS checksums" run_client
check "a connection that changes priority, loses an address and aborts" \
	run_changes
tl_wait_for captured
stop_capture "$cap1"
stop_capture "$cap2"
report_counts
tl_compare_files "$SRV" "$work/sub1.pcap" "$work/sub2.pcap"
if tl_summary; then
	[ -n "${MPTCP_KEEP:-}" ] || tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the captures stay in $work"
exit 1
