# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# title: closing: the article's three segments, four segments, server first
# Lab 3, sourced by tcplab: three exchanges that differ only in how the
# server closes (tcplab-server --close merged, four-way, server-first),
# each checked beside a real tcpdump.

# close_run NAME MODE WANTED-FLAGS [server options]: one exchange.
close_run() {
	local name=$1 mode=$2 want=$3 port
	shift 3
	heading "tcplab-server --close $mode${*:+ $*}"
	server_start "server-$name" --close "$mode" "$@"
	client "client-$name" --time-wait 1 "$(url)"
	server_stop
	port=$(client_port "$W/client-$name.out")
	expect "the client completed the exchange (exit status $RC)" [ "$RC" -eq 0 ]
	sleep 0.3
	expect_same tcplab-client "$W/client-$name.out" "$W/dump.out" "$port"
	expect_flags "$mode close" "$want" "$W/dump.out" "$port"
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
	expect "the client closed first" [ "$(first_fin "$CLOSE_PORT")" = client ]
	expect "the server's ACK and FIN travel together (CLOSE-WAIT -> LAST-ACK at once)" \
		grep -q 'server: CLOSE-WAIT -> LAST-ACK' "$W/server-merged.out"
	expect "the client waited in TIME-WAIT" \
		grep -q 'client: FIN-WAIT-1 -> .*TIME-WAIT' "$W/client-merged.out"
	pause "next: the four-segment close"

	close_run four four-way "S S. . P. . P. . F. . F. ." --close-delay 1
	expect "the server sat in CLOSE-WAIT for a second" \
		grep -q 'server: ESTABLISHED -> CLOSE-WAIT' "$W/server-four.out"
	expect "the client went FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT" \
		sh -c "grep -q 'client: FIN-WAIT-1 -> FIN-WAIT-2' '$W/client-four.out' &&
			grep -q 'client: FIN-WAIT-2 -> TIME-WAIT' '$W/client-four.out'"
	pause "next: the server closes first"

	close_run first server-first "S S. . P. . P. . F. F. .|S S. . P. . P. F. . F. ."
	expect "the server closed first" [ "$(first_fin "$CLOSE_PORT")" = server ]
	expect "the client passed through CLOSE-WAIT and LAST-ACK" \
		sh -c "grep -q 'client: ESTABLISHED -> CLOSE-WAIT' '$W/client-first.out' &&
			grep -q 'client: CLOSE-WAIT -> LAST-ACK' '$W/client-first.out'"
	expect "the server, not the client, went into TIME-WAIT" \
		grep -q 'server: .* -> TIME-WAIT' "$W/server-first.out"
	tcpdump_stop
}
