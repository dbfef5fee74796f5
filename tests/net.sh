#!/bin/bash
# net.sh: the lossy, reordering and narrow links of tests/netlib.sh do
# what they say, on a veth pair between two namespaces this test makes.
#
# Numbered UDP datagrams (tests/net/probe.py) cross the link: a plain link
# loses and reorders none; 20% loss on both ends loses 15-25% each way,
# and none once cleared; a narrow hop of 576 bytes passes a 576-byte
# packet and loses a 577-byte one; the reordering link delivers all of
# them, some late. Then TCP: over a link that makes 5% of the frames late
# curl fetches 1 MB intact while tcpdump at the receiver sees data
# segments arrive after later ones; with MTU 576 on the client's end, curl
# fetches 1 MB intact, the server's segments shrink to the client's MSS,
# and a datagram larger than 576 bytes sent to the client is lost. Needs
# root, clang and ethtool.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/netlib.sh"
need_root "net.sh"
need_cmd ip python3 curl timeout ss sha256sum
missing=$(net_missing) || tl_skip_or_fail "not installed: $missing"
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
[ -x "$TCPDUMP" ] || tl_skip_or_fail "tcpdump is not installed"
[ -x "$NET_CPUMAP" ] || tl_skip_or_fail "$NET_CPUMAP not built (run make check)"

CA=192.168.101.25
SA=192.168.101.5
NSC=tlnc-$$
NSS=tlns-$$
VC=tlnc$$
VS=tlns$$
PROBE=$top_srcdir/tests/net/probe.py
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
# shellcheck disable=SC2034 # tests/netlib.sh reads it
NET_OBJDIR=$W/bpf

if ! ns_pair "$NSC" "$NSS" "$CA" "$SA" "$VC" "$VS" ||
	! net_plain "$NSC:$VC" "$NSS:$VS"; then
	tl_skip_or_fail "cannot build the two namespaces"
fi

# probe FROM-NS TO-NS TO-ADDR SIZE COUNT: sends COUNT datagrams of SIZE
# bytes; sets GOT and LATE to what the receiver counted.
probe() {
	local from=$1 to=$2 addr=$3 size=$4 count=$5 rpid out=$W/probe.out
	rm -f "$W/ready"
	ip netns exec "$to" timeout 60 python3 "$PROBE" recv "$addr" 9999 \
		"$count" "$W/ready" >"$out" 2>&1 &
	rpid=$!
	TL_PIDS+=("$rpid")
	if ! tl_wait_for test -e "$W/ready"; then
		fail "the probe's receiver did not start: $(cat "$out")"
		GOT=-1 LATE=-1
		return
	fi
	ip netns exec "$from" timeout 60 python3 "$PROBE" send "$addr" 9999 \
		"$size" "$count"
	wait "$rpid"
	unset 'TL_PIDS[-1]'
	read -r _ GOT _ LATE <"$out"
	: "${GOT:=-1}" "${LATE:=-1}"
}

# expect_range WHAT VALUE LOW HIGH
expect_range() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then pass; else
		fail "$1: $2, not within $3..$4"
	fi
}

tl_say "a plain link"
probe "$NSC" "$NSS" "$SA" 100 2000
expect_range "plain link, datagrams received" "$GOT" 2000 2000
expect_range "plain link, datagrams late" "$LATE" 0 0

tl_say "20% loss on both ends"
net_loss 20 "$NSC:$VC" "$NSS:$VS" || fail "net_loss failed"
probe "$NSC" "$NSS" "$SA" 100 4000
expect_range "20% loss, client to server, received of 4000" "$GOT" 3000 3400
probe "$NSS" "$NSC" "$CA" 1000 4000
expect_range "20% loss, server to client, received of 4000" "$GOT" 3000 3400
net_clear "$NSC:$VC" "$NSS:$VS" || fail "net_clear failed"
probe "$NSS" "$NSC" "$CA" 1000 2000
expect_range "loss cleared, received" "$GOT" 2000 2000

tl_say "a narrow hop of 576 bytes before the server"
net_narrow 576 "$NSS:$VS" || fail "net_narrow failed"
# 20 bytes of IP header and 8 of UDP: 548 bytes make a 576-byte packet.
probe "$NSC" "$NSS" "$SA" 548 200
expect_range "narrow hop, 576-byte packets received" "$GOT" 200 200
probe "$NSC" "$NSS" "$SA" 549 200
expect_range "narrow hop, 577-byte packets received" "$GOT" 0 0
net_clear "$NSS:$VS"

tl_say "10% of the frames late at the server's end"
net_reorder 10 "$NSS:$VS" || fail "net_reorder failed"
probe "$NSC" "$NSS" "$SA" 1000 4000
tl_say "  $GOT of 4000 datagrams received, $LATE late"
expect_range "reordering, received" "$GOT" 4000 4000
expect_range "reordering, late" "$LATE" 10 4000
net_clear "$NSS:$VS"

# TCP through the same links, from python's http.server.
head -c 1048576 /dev/urandom >"$W/1m"
chmod -R a+rX "$W"
(cd "$W" && exec ip netns exec "$NSS" timeout 300 python3 -m http.server \
	8080 --bind "$SA") >/dev/null 2>&1 &
TL_PIDS+=("$!")
tl_wait_for sh -c "ip netns exec $NSS ss -ltn | grep -q '$SA:8080 '" ||
	tl_skip_or_fail "python's http.server did not start"

# capture FILE: starts tcpdump on the client's end; sets DUMP.
capture() {
	ip netns exec "$NSC" timeout 120 "$TCPDUMP" -i "$VC" -n -s 96 -B 16384 \
		--immediate-mode -U -w "$1" tcp 2>"$1.err" &
	DUMP=$!
	TL_PIDS+=("$DUMP")
	tl_wait_for grep -q listening "$1.err" || fail "tcpdump did not start"
}

uncapture() {
	kill "$DUMP" 2>/dev/null
	wait "$DUMP" 2>/dev/null
	unset 'TL_PIDS[-1]'
}

# fetch NAME: curl fetches 1 MB into $W/NAME.body and must get it whole.
fetch() {
	local rc
	timeout 120 ip netns exec "$NSC" curl -s -o "$W/$1.body" \
		"http://$SA:8080/1m"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/$1.body" "$W/1m"; then pass; else
		fail "$1: curl's exit status $rc, or the body is not the file"
	fi
}

tl_say "TCP with 5% of the frames late at the client's end"
net_reorder 5 "$NSC:$VC" || fail "net_reorder failed"
capture "$W/reorder.pcap"
fetch reorder
uncapture
# Data segments from the server whose sequence number is below the
# highest seen before them, in the order the client's end received them
# (counted from the first, modulo 2^32, so that a wrap changes nothing);
# a sequence number seen before is a retransmission, not counted.
payload='ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) != 0'
late=$("$TCPDUMP" -n -S -r "$W/reorder.pcap" "src host $SA and $payload" \
	2>/dev/null | awk '{
		for (i = 1; i < NF; i++) if ($i == "seq") {
			split($(i + 1), r, ":")
			if (!n++) first = r[1]
			s = (r[1] - first + 4294967296) % 4294967296
			if (s < top && !(s in seen)) late++
			if (s > top) top = s
			seen[s] = 1
		}
	} END { print late + 0, n + 0 }')
tl_say "  tcpdump at the client: ${late% *} of ${late#* } data segments late"
expect_range "TCP over the reordering link, late data segments" "${late% *}" 5 100000
net_clear "$NSC:$VC"

tl_say "MTU 576 on the client's end"
net_mtu 576 "$NSC:$VC" || fail "net_mtu failed"
capture "$W/mtu.pcap"
fetch mtu
uncapture
big=$("$TCPDUMP" -n -v -r "$W/mtu.pcap" "src host $SA" 2>/dev/null |
	sed -n 's/.*, length \([0-9]*\))$/\1/p' | sort -n | tail -1)
expect_range "MTU 576, the server's largest packet" "${big:-0}" 100 576
probe "$NSS" "$NSC" "$CA" 600 100
expect_range "MTU 576, 628-byte datagrams to the client received" "$GOT" 0 0

tl_summary
