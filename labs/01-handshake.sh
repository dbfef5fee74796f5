# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 1, sourced by tcplab: tcplab-client fetches the article's page from
# tcplab-server while a real tcpdump watches in the server's namespace.
# Interactive: the client stops before each segment it sends (--step).
# A bash lab, not a scenario (tcplab-scenario(5)), because it steps through
# tcplab-client itself (--step) against tcplab-server, and compares the lines
# tcplab-client prints with tcpdump's.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'the three-way handshake: SYN, SYN-ACK, ACK'
}

lab_main() {
	local port isn sisn
	tcpdump_start dump "$SNS"
	server_start server
	heading "$(t 'tcplab-client --step: Enter sends each segment')"
	if [ "$AUTO" -eq 1 ]; then
		client client --time-wait 1 "$(url)"
	else
		client client --step --time-wait 1 "$(url)"
	fi
	tcpdump_stop
	server_stop
	pause "$(t 'compare with tcpdump')"
	port=$(client_port "$W/client.out")
	expect "$(t 'the client completed the exchange (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	expect_same tcplab-client "$W/client.out" "$W/dump.out" "$port"
	lab_stopped && return
	heading "$(t 'what the handshake showed')"
	expect_flags "$(t 'the handshake opens the connection')" \
		"S S. . P. . P. . F. F. ." "$W/dump.out" "$port"
	# The arithmetic, read from tcpdump's absolute numbers (-S).
	"$TCPDUMP" -S -vv -nn -r "$W/dump.pcap" "tcp port $port" 2>/dev/null |
		grep 'Flags' | sed 's/cksum [^,]*, //' >"$W/abs.txt"
	isn=$(sed -n 's/.*Flags \[S\], seq \([0-9]*\),.*/\1/p' "$W/abs.txt" | head -1)
	sisn=$(sed -n 's/.*Flags \[S\.\], seq \([0-9]*\),.*/\1/p' "$W/abs.txt" | head -1)
	say "  $(t 'client ISN %s, server ISN %s (tcpdump -S)' "${isn:-?}" "${sisn:-?}")"
	isn=${isn:-0}
	sisn=${sisn:-0}
	expect "$(t "the SYN-ACK acknowledges the client's ISN + 1 = %s" $(((isn + 1) % 4294967296)))" \
		grep -q "Flags \[S\.\], seq $sisn, ack $(((isn + 1) % 4294967296))," "$W/abs.txt"
	expect "$(t 'the third segment is seq client ISN + 1, ack server ISN + 1 = %s' $(((sisn + 1) % 4294967296)))" \
		grep -q "Flags \[\.\], seq $(((isn + 1) % 4294967296)), ack $(((sisn + 1) % 4294967296))," "$W/abs.txt"
	expect "$(t 'tcpdump prints the third segment relative: seq 1, ack 1')" \
		grep -q "Flags \[\.\], cksum .*, seq 1, ack 1, " "$W/dump.out"
	expect "$(t 'the client went CLOSED -> SYN-SENT -> ESTABLISHED')" \
		has_states "$W/client.out" client CLOSED SYN-SENT ESTABLISHED
	expect "$(t 'the server went LISTEN -> SYN-RECEIVED -> ESTABLISHED')" \
		has_states "$W/server.out" server LISTEN SYN-RECEIVED ESTABLISHED
	expect_no_rst "$W/dump.out"
}
