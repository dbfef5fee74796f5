#!/bin/bash
# io.sh: the system adapters of common/io against a real kernel.
#
# Two network namespaces get the article's addresses (client
# 192.168.101.25, server 192.168.101.5) on a veth pair, and a plain kernel
# listener waits on 192.168.101.5:8080. From the client namespace, iotool
# sends the article's SYN with the raw IPv4 injector and waits for the
# kernel's SYN-ACK through the capture. The client's kernel knows no such
# connection: without the port guard it answers the SYN-ACK with a RST,
# with the guard it must stay silent (DESIGN.md, "Keeping the kernel out").
# A real tcpdump in the client namespace is the judge. Then the link-layer
# injector sends a SYN with IP id 0 and tcpdump in the server namespace
# must see id 0; the capture file written with -w must read back; a second
# guard on a taken port must name it. Everything is removed on exit.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "io.sh"
need_cmd ip python3 timeout
IOTOOL=${IOTOOL:-$top_builddir/tests/iotool}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
[ -x "$IOTOOL" ] || tl_skip_or_fail "$IOTOOL not built (run make check)"
[ -x "$TCPDUMP" ] || tl_skip_or_fail "tcpdump is not installed"

CLI=tlioc$$
SRV=tlios$$
CADDR=192.168.101.25
SADDR=192.168.101.5
VC=vioc$$
VS=vios$$

work=
tl_workdir work "$top_builddir/tests/work"
tl_remove_at_exit "$work"

ns_create "$CLI" && ns_create "$SRV" &&
	ip link add "$VC" type veth peer name "$VS" &&
	ip link set "$VC" netns "$CLI" && ip link set "$VS" netns "$SRV" &&
	ip -n "$CLI" addr add "$CADDR/24" dev "$VC" &&
	ip -n "$SRV" addr add "$SADDR/24" dev "$VS" &&
	ip -n "$CLI" link set "$VC" up && ip -n "$SRV" link set "$VS" up ||
	tl_skip_or_fail "cannot build the two namespaces"

# The server's kernel listens, so that a SYN draws a real SYN-ACK.
tl_bg ip netns exec "$SRV" timeout 60 python3 -c "
import socket, time
s = socket.socket()
s.bind(('$SADDR', 8080))
s.listen(8)
time.sleep(60)
"
for _ in $(seq 50); do
	ns_exec "$SRV" ss -ltn 2>/dev/null | grep -q ":8080 " && break
	sleep 0.1
done

# Starts tcpdump in namespace $1 on $2 writing $3 (filter $4) and waits
# until it listens; sets DUMP_PID.
start_dump() {
	ip netns exec "$1" timeout 30 "$TCPDUMP" -i "$2" --immediate-mode -U \
		-w "$3" "$4" 2>"$3.err" &
	DUMP_PID=$!
	TL_PIDS+=("$DUMP_PID")
	for _ in $(seq 50); do
		grep -q 'listening on' "$3.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

stop_dump() {
	sleep 0.3
	kill "$DUMP_PID" 2>/dev/null
	wait "$DUMP_PID" 2>/dev/null
}

# One SYN from the client port $1, with the extra iotool options after it;
# counts the client's RSTs toward the server in RSTS.
syn_round() {
	local port=$1 f=$work/rst.$1.pcap out
	shift
	start_dump "$CLI" "$VC" "$f" "tcp port $port" || return 1
	out=$(ns_exec "$CLI" timeout 10 "$IOTOOL" syn "$VC" "$CADDR" "$port" \
		"$SADDR" 8080 "$@")
	SYN_RC=$?
	stop_dump
	printf '%s\n' "$out" | sed 's/^/    /'
	RSTS=$("$TCPDUMP" -nn -r "$f" 2>/dev/null |
		grep -c "IP $CADDR.$port > $SADDR.8080: Flags \[R")
	UIDLINE=$(printf '%s\n' "$out" | grep '^uid ')
	SYNACK=$(printf '%s\n' "$out" | grep -c 'Flags \[S\.\]')
	tl_say "  tcpdump in the client namespace saw $RSTS RST"
}

tl_say "raw SYN without the guard: the client's kernel should send RST"
syn_round 41001
if [ "$SYN_RC" -eq 0 ] && [ "$SYNACK" -eq 1 ]; then pass; else
	fail "no SYN-ACK seen through the capture (iotool exit $SYN_RC)"
fi
if [ "$RSTS" -ge 1 ]; then pass; else
	fail "without the guard the kernel sent no RST ($RSTS)"
fi
if [ "$UIDLINE" != "uid 0" ] && [ -n "$UIDLINE" ]; then pass; else
	fail "privileges were not dropped ($UIDLINE)"
fi

tl_say "raw SYN with the guard: no RST"
syn_round 41002 --guard
if [ "$SYN_RC" -eq 0 ] && [ "$SYNACK" -eq 1 ]; then pass; else
	fail "no SYN-ACK seen with the guard (iotool exit $SYN_RC)"
fi
if [ "$RSTS" -eq 0 ]; then pass; else
	fail "with the guard the kernel still sent $RSTS RST"
fi

tl_say "link-layer SYN with IP id 0, written to a pcap file"
smac=$(ip -n "$SRV" -br link show "$VS" | awk '{print $3}')
f=$work/link.pcap
start_dump "$SRV" "$VS" "$f" "tcp port 41003" || fail "tcpdump did not start"
ns_exec "$CLI" timeout 10 "$IOTOOL" syn "$VC" "$CADDR" 41003 "$SADDR" 8080 \
	--guard --link "$smac" --id 0 -w "$work/own.pcap" >/dev/null
rc=$?
stop_dump
if [ "$rc" -eq 0 ]; then pass; else
	fail "link-layer SYN: iotool exit $rc (4: libnet's bytes differ)"
fi
if "$TCPDUMP" -nn -v -r "$f" 2>/dev/null |
	grep -q "id 0, offset 0, flags \[DF\], proto TCP (6), length 60)"; then
	pass
	"$TCPDUMP" -nn -v -r "$f" 2>/dev/null | sed -n '1p' | sed 's/^/    /'
else
	fail "the server did not see IP id 0 on the link-layer SYN"
fi
n=$("$TCPDUMP" -nn -r "$work/own.pcap" 2>/dev/null | grep -c "Flags \[S")
if [ "$n" -eq 2 ]; then pass; else
	fail "own.pcap should hold the SYN and the SYN-ACK, holds $n"
fi

tl_say "a guard on a taken port names it"
out=$(ns_exec "$SRV" "$IOTOOL" guard "$SADDR" 8080)
if [ $? -eq 3 ] && [ "$out" = "port 8080 on $SADDR is in use" ]; then pass
else fail "guard on a taken port said: $out"; fi
out=$(ns_exec "$SRV" "$IOTOOL" guard 192.168.101.77 8080)
if [ $? -eq 3 ] && [ "$out" = "address 192.168.101.77 is not on this host" ]
then pass; else fail "guard on a foreign address said: $out"; fi

tl_summary
