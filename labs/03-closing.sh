# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 3, sourced by tcplab: three exchanges that differ only in how the
# server closes (tcplab-server --close merged, four-way, server-first),
# each checked beside a real tcpdump. No step mode: tcplab-client's
# output goes to a file, and the lab shows the close from it, segment by
# segment, with a pause between them, so that a student can read each
# one on an 80x24 screen before the next scrolls it away.
# A bash lab, not a scenario (tcplab-scenario(5)), because its three closes
# are tcplab-server's --close modes, options of the program a student runs.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t "closing: the article's three segments, four segments, server first"
}

# close_run NAME MODE WANTED-FLAGS [server options]: one exchange.
# WANTED-FLAGS is tcpdump's flags in order, or "CLIENT / SERVER": the
# flags each side sent, for a close where both send at once.
close_run() {
	local name=$1 mode=$2 want=$3 port what
	shift 3
	heading "tcplab-server --close $mode${*:+ $*}"
	server_start "server-$name" --close "$mode" "$@"
	client_to_file "client-$name" --time-wait 1 "$(url)"
	server_stop
	port=$(client_port "$W/client-$name.out")
	say "$(t 'tcplab-client fetched the page; how the connection closed, as it printed it:')"
	say ""
	show_from "$W/client-$name.out" F "$(t 'the next segment of the close')"
	pause "$(t 'check the close against tcpdump')"
	expect "$(t 'the client completed the exchange (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	sleep 0.3
	expect_same --brief tcplab-client "$W/client-$name.out" "$W/dump.out" "$port"
	# TRANSLATORS: %s is how tcplab-server --close closes: merged,
	# four-way or server-first (an option's value, kept as it is).
	what=$(t '%s close' "$mode")
	case $want in
	*/*) expect_sides "$what" "$W/dump.out" "$port" \
		"${want% / *}" "${want#* / }" ;;
	*) expect_flags "$what" "$want" "$W/dump.out" "$port" ;;
	esac
	expect_no_rst "$W/dump.out"
	CLOSE_PORT=$port
}

# Who sent the first FIN of the connection on port $1: client or server.
first_fin() {
	segs "$W/dump.out" "$1" | cut -f2 | sed 's/^.* | //' |
		awk '/Flags \[F/ { print (index($0, ".8080 >") ? "server" : "client"); exit }'
}

lab_main() {
	tcpdump_start dump "$SNS"
	close_run merged merged "S S. . P. . P. . F. F. ."
	expect "$(t 'the client closed first')" [ "$(first_fin "$CLOSE_PORT")" = client ]
	expect "$(t "the server's ACK and FIN travel together (CLOSE-WAIT -> LAST-ACK at once)")" \
		has_states "$W/server-merged.out" server CLOSE-WAIT LAST-ACK
	expect "$(t 'the client waited in TIME-WAIT')" \
		has_states "$W/client-merged.out" client FIN-WAIT-1 TIME-WAIT
	pause "$(t 'next: %s' "$(t 'the four-segment close')")"

	close_run four four-way "S S. . P. . P. . F. . F. ." --close-delay 1
	expect "$(t 'the server sat in CLOSE-WAIT for a second')" \
		has_states "$W/server-four.out" server ESTABLISHED CLOSE-WAIT
	expect "$(t 'the client went FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT')" \
		has_states "$W/client-four.out" client FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT
	pause "$(t 'next: %s' "$(t 'the server closes first')")"

	# The server announces its close (Connection: close), so the client
	# waits for its FIN. The client's ACK of the response and the
	# server's FIN leave at the same time: tcpdump may see either first.
	close_run first server-first "S . P. . F. / S. . P. F. ."
	expect "$(t 'the server closed first')" [ "$(first_fin "$CLOSE_PORT")" = server ]
	expect "$(t 'the client passed through CLOSE-WAIT and LAST-ACK')" \
		has_states "$W/client-first.out" client ESTABLISHED CLOSE-WAIT LAST-ACK
	expect "$(t 'the server, not the client, went into TIME-WAIT')" \
		has_states "$W/server-first.out" server '.*' TIME-WAIT
	tcpdump_stop
}
