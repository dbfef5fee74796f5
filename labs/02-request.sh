# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 2, sourced by tcplab: the same exchange as lab 1, but the student
# predicts each segment's relative seq and ack before seeing it
# (tcplab-client --predict).
# A bash lab, not a scenario (tcplab-scenario(5)), because it shows the HTTP
# request and response that tcplab-client and tcplab-server make, which a
# scenario's ends do not speak.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'request and response: relative numbers, seq 1:143, ack 143, seq 1:268'
}

lab_main() {
	local port
	tcpdump_start dump "$SNS"
	server_start server
	if [ "$AUTO" -eq 1 ]; then
		client client --time-wait 1 "$(url)"
	else
		heading "$(t "tcplab-client --predict: type each segment's relative 'SEQ ACK' (- for no ack)")"
		client client --predict --time-wait 1 "$(url)"
	fi
	tcpdump_stop
	server_stop
	pause "$(t 'compare with tcpdump')"
	port=$(client_port "$W/client.out")
	expect "$(t 'the client completed the exchange (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	expect_same tcplab-client "$W/client.out" "$W/dump.out" "$port"
	lab_stopped && return
	heading "$(t 'what the request and the response showed')"
	expect_flags "$(t "exactly the lesson's ten segments")" \
		"S S. . P. . P. . F. F. ." "$W/dump.out" "$port"
	segs "$W/dump.out" "$port" | cut -f2 | sed 's/^.* | //' >"$W/tcp.txt"
	expect "$(t 'the request is 142 bytes: seq 1:143')" \
		grep -q 'Flags \[P\.\], .*seq 1:143, ack 1, .*length 142' "$W/tcp.txt"
	expect "$(t 'the server acknowledges it alone first: Flags [.], seq 1, ack 143')" \
		grep -q '\.8080 > .*Flags \[\.\], .*seq 1, ack 143, .*length 0' "$W/tcp.txt"
	expect "$(t 'the response is 267 bytes: seq 1:268, ack 143')" \
		grep -q '\.8080 > .*Flags \[P\.\], .*seq 1:268, ack 143, .*length 267' "$W/tcp.txt"
	expect "$(t 'the pure ACK comes before the response')" \
		awk '/seq 1, ack 143,/ && !a { a = NR } /seq 1:268/ && !r { r = NR }
			END { exit !(a && r && a < r) }' "$W/tcp.txt"
	expect "$(t 'the client acknowledges the response: seq 143, ack 268')" \
		grep -q '\.8080: Flags \[\.\], .*seq 143, ack 268,' "$W/tcp.txt"
	expect "$(t "the body is the article's: %s" 'This is zhenghui')" \
		has "$W/client.out" -x 'This is zhenghui'
	expect "$(t 'the server logged its visitor')" \
		has "$W/server.out" -F "$(said_line 'http: %s %s -> %d, visitor: %s' GET "${ARTICLE_PATH%%\?*}" 200 zhenghui)"
	expect_no_rst "$W/dump.out"
}
