# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 4, sourced by tcplab: tcplab-client's port guard seen with ss; the
# same client with --no-guard, whose SYN-ACK draws the client kernel's RST;
# a SYN to a port where nothing listens, which draws the server kernel's
# RST.
# A bash lab, not a scenario (tcplab-scenario(5)), because it shows
# tcplab-client's port guard with ss, its --no-guard, and the RST of a kernel
# with no socket, all of them about the programs.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t "the kernel's RST, and the port guard that keeps it away"
}

lab_main() {
	local port guard first3
	tcpdump_start dump "$SNS"
	server_start server

	heading "1. $(t 'tcplab-client with its port guard (ss -ltn in the client host)')"
	bg client-guard "$CNS" "$TCPLAB_CLIENT_BIN" --time-wait 3 "$(url)"
	CL_PID=$BG_PID
	wait_for has "$W/client-guard.out" 'TIME-WAIT'
	port=$(client_port "$W/client-guard.out")
	guard=$(in_client ss -ltn "sport = :${port:-0}" | grep LISTEN)
	say "  ss -ltn: ${guard:-$(t 'nothing listens')}"
	expect "$(t 'while tcplab-client runs, a listening socket holds its port %s' "$port")" \
		[ -n "$guard" ]
	stop "$CL_PID"
	expect "$(t 'with the guard, no RST on the connection of port %s' "$port")" \
		sh -c "! grep -q '\\.$port.*Flags \\[R' '$W/dump.out'"
	pause "$(t 'next: %s' "$(t 'the same SYN without the guard')")"

	heading "2. $(t 'the same client without its guard: %s' 'tcplab-client --no-guard --sport 40000')"
	client client-noguard --no-guard --sport 40000 --syn-retries 1 \
		--time-wait 1 "$(url)"
	sleep 0.3
	say "  $(t "tcpdump saw (server's host):")"
	segs "$W/dump.out" 40000 | cut -f2 | sed 's/^.* | //' | fold_lines "    "
	expect "$(t 'tcplab-client fails (exit status %d, 1 expected)' "$RC")" [ "$RC" -eq 1 ]
	expect "$(t 'it says the guard was off')" has "$W/client-noguard.out" \
		-F "$(said "tcplab-client: no port guard on port %u: this host's kernel knows no socket there and will answer the server's SYN-ACK with a RST\n" 40000)"
	first3=$(flags "$W/dump.out" 40000 | cut -d' ' -f1-3)
	expect "$(t "the SYN-ACK draws a RST: tcpdump's flags begin '%s', S S. R expected" "$first3")" \
		[ "$first3" = 'S S. R' ]
	expect "$(t "the RST comes from the client's kernel (%s)" "$CADDR.40000")" \
		grep -q "$CADDR\\.40000 > .*Flags \\[R\\]" "$W/dump.out"
	expect_same tcplab-server "$W/server.out" "$W/dump.out" 40000
	server_stop
	pause "$(t 'next: %s' "$(t 'a SYN to a port where nothing listens')")"

	heading "3. $(t 'tcplab-client to port %s with the server stopped' "$PORT")"
	client client-closed --time-wait 1 "$(url)"
	port=$(client_port "$W/client-closed.out")
	expect "$(t 'tcplab-client fails (exit status %d, 1 expected)' "$RC")" [ "$RC" -eq 1 ]
	expect "$(t 'it says the connection was refused')" \
		has "$W/client-closed.out" -F "$(said 'connection refused: the server answered the SYN with a RST (nothing listens on port %u?)' "$PORT")"
	tcpdump_stop
	expect_flags "$(t "the server's kernel answers the SYN with RST+ACK")" \
		"S R." "$W/dump.out" "$port"
	expect_same tcplab-client "$W/client-closed.out" "$W/dump.out" "$port"
}
