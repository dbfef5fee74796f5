# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 6, sourced by tcplab: a real client (wget, the host's own TCP)
# against tcplab-server, then tcplab-client against a real server (python3
# -m http.server, the host's own TCP), each beside a real tcpdump.
# A bash lab, not a scenario (tcplab-scenario(5)), because its peers are real
# wget, curl and Linux's server, run as programs with their own options.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t "the real thing: wget against tcplab-server, tcplab-client against python's server"
}

# fin_from FILE PORT FROM-PORT: a FIN left FROM-PORT on the connection.
fin_from() {
	segs "$1" "$2" | grep -q "\.$3 > .*Flags \[F"
}

# first_fin_from FILE PORT FROM-PORT: the first FIN left FROM-PORT.
first_fin_from() {
	segs "$1" "$2" | grep "Flags \[F" | head -1 | grep -q "\.$3 > "
}

lab_main() {
	local body port pattern
	heading "1. $(t "wget (Linux's TCP) -> tcplab-server (tcpdump in the server's host)")"
	tcpdump_start dump-wget "$SNS"
	server_start server
	body=$(in_client wget -q -O - -T 5 -t 1 "$(url)" 2>&1)
	say "  $(t 'wget printed: %s' "$body")"
	tcpdump_stop
	server_stop
	expect "$(t "wget read the article's body")" [ "$body" = "This is zhenghui" ]
	port=$(sed -n 's/^[0-9:.]* IP .*//; s/^    [0-9.]*\.\([0-9]*\) > [0-9.]*\.8080: Flags \[S\],.*/\1/p' \
		"$W/dump-wget.out" | head -1)
	expect_same tcplab-server "$W/server.out" "$W/dump-wget.out" "$port"
	expect_flags "$(t "wget's connection has the article's pattern")" \
		"S S. . P. . P. . F. F. ." "$W/dump-wget.out" "$port"
	expect_no_rst "$W/dump-wget.out"
	pause "$(t 'next: %s' "$(t "tcplab-client against python's http.server")")"

	heading "2. $(t "tcplab-client -> python3 -m http.server (Linux's TCP; tcpdump in the client's host)")"
	mkdir -p "$W/www"
	printf 'hello from a real server\n' >"$W/www/hello.txt"
	(cd "$W/www" && exec timeout 120 ip netns exec "$SNS" python3 -m http.server \
		"$PORT" --bind "$SADDR") >"$W/python.out" 2>&1 &
	PIDS+=("$!")
	PY_PID=$!
	wait_for sh -c "ip netns exec '$SNS' ss -ltn | grep -q '$SADDR:$PORT '" ||
		bad "$(t '%s did not start: %s' 'python3 -m http.server' "$(head -2 "$W/python.out")")"
	tcpdump_start dump-py "$CNS"
	# No --step here: python's TCP is Linux's, whose timers do not wait
	# for a student, so a pause would show its retransmissions instead
	# of the lesson.
	client client --time-wait 1 "$(url /hello.txt)"
	tcpdump_stop
	stop "$PY_PID"
	port=$(client_port "$W/client.out")
	expect "$(t 'tcplab-client completed the exchange (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	expect "$(t "it read the file's text")" \
		has "$W/client.out" -x 'hello from a real server'
	expect_same tcplab-client "$W/client.out" "$W/dump-py.out" "$port"
	lab_stopped && return
	pattern=$(flags "$W/dump-py.out" "$port")
	say "  $(t 'tcpdump saw: %s' "$pattern")"
	expect "$(t 'it opens with the three-way handshake')" [ "${pattern%% P*}" = "S S. ." ]
	expect "$(t 'the server sent a FIN')" fin_from "$W/dump-py.out" "$port" "$PORT"
	expect "$(t 'the client sent a FIN')" fin_from "$W/dump-py.out" "$port" "$port"
	expect "$(t "python's server closed first: HTTP/1.0, and the client waited for its FIN")" \
		first_fin_from "$W/dump-py.out" "$port" "$PORT"
	expect "$(t 'the last segment is a bare ACK')" [ "${pattern##* }" = . ]
	expect_no_rst "$W/dump-py.out"
}
