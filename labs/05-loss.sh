# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 5, sourced by tcplab: tcplab-client --drop and --drop-in lose one
# segment on purpose; the retransmission after the timeout is seen by both
# tcplab-client and a real tcpdump, and timed with -ttt. No step mode:
# tcplab-client's output goes to a file, and the lab shows the segments
# around the loss from it, one at a time, so that each fits a screen.
# A bash lab, not a scenario (tcplab-scenario(5)), because it loses segments
# with tcplab-client's --drop and --loss and with XDP on the veth ends, which
# a scenario's drop does not replace.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'loss: a lost SYN, a lost request, a lost SYN-ACK, and the RTO'
}

# gap FILE PORT N: the -ttt delta (seconds) before the Nth segment that
# tcpdump's capture holds for the connection on PORT.
gap() {
	"$TCPDUMP" -ttt -nn -r "$W/dump.pcap" "tcp port $2" 2>/dev/null |
		sed -n "$3p" | awk '{ split($1, t, ":"); printf "%.6f", t[1] * 3600 + t[2] * 60 + t[3] }'
}

# within X LO HI: LO <= X <= HI, as decimals.
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }

# loss_run NAME FLAGS OPTION...: one exchange with tcplab-client -ttt
# OPTION...; shows three segments from the first with FLAGS.
loss_run() {
	local name=$1 from=$2
	shift 2
	heading "tcplab-client -ttt $*"
	client_to_file "$name" -ttt --time-wait 1 "$@" "$(url)"
	say "$(t 'tcplab-client is done; the loss and what followed, as it printed them:')"
	say ""
	show_from "$W/$name.out" "$from" "$(t 'the next segment')" 3
	pause "$(t 'check it against tcpdump')"
	PORTN=$(client_port "$W/$name.out")
	expect "$(t 'the exchange completed despite the loss (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	sleep 0.3
	expect_same tcplab-client "$W/$name.out" "$W/dump.out" "$PORTN"
}

lab_main() {
	local g
	tcpdump_start dump "$SNS"
	server_start server

	loss_run lost-syn S --drop 1
	expect "$(t 'tcplab-client says the SYN was not sent')" \
		has "$W/lost-syn.out" -F "$(said 'dropped: outgoing segment %u is not sent (%s); the server never sees it' 1 '--drop 1')"
	expect "$(t 'tcpdump saw one SYN only: the lost one never reached the wire')" \
		[ "$(flags "$W/dump.out" "$PORTN" | tr ' ' '\n' | grep -cx S)" -eq 1 ]
	g=$(unfolded "$W/lost-syn.out" | awk '/^[ -]?[0-9][0-9:.]* IP \(/ { t = $1 }
		/Flags \[S\],/ && ++n == 2 { split(t, a, ":"); printf "%.6f", a[1] * 3600 + a[2] * 60 + a[3] }')
	say "  $(t "the client's -ttt: the second SYN left %s s after the first" "${g:-?}")"
	expect "$(t 'the SYN was sent again after the initial RTO of about 1 s')" within "$g" 0.9 1.6
	pause "$(t 'next: %s' "$(t 'the request is lost')")"

	loss_run lost-request P --drop 3
	expect "$(t 'tcplab-client says the request was not sent')" \
		has "$W/lost-request.out" -F "$(said 'dropped: outgoing segment %u is not sent (%s); the server never sees it' 3 '--drop 3')"
	expect_flags "$(t 'tcpdump saw the request once, later')" "S S. . P. . P. . F. F. ." \
		"$W/dump.out" "$PORTN"
	g=$(gap dump "$PORTN" 4)
	say "  $(t 'tcpdump -ttt: the request came %s s after the ACK before it' "${g:-?}")"
	expect "$(t 'the request was retransmitted after an RTO of 0.2 s to 1.5 s')" within "$g" 0.15 1.5
	pause "$(t 'next: %s' "$(t "the SYN-ACK is lost on the client's side")")"

	loss_run lost-synack S. --drop-in 1
	expect "$(t 'tcplab-client says it ignored the SYN-ACK')" \
		has "$W/lost-synack.out" -F "$(said "dropped: incoming segment %u is ignored (%s); the client's TCP never sees it" 1 '--drop-in 1')"
	g=$(gap dump "$PORTN" 3)
	say "  $(t 'tcpdump -ttt: the next segment came %s s after the lost SYN-ACK' "${g:-?}")"
	expect "$(t 'a timer fired after about 1 s')" within "$g" 0.9 1.6
	g=$(flags "$W/dump.out" "$PORTN")
	expect "$(t 'tcpdump saw the SYN-ACK at least twice: %s' "$g")" \
		[ "$(tr ' ' '\n' <<<"$g" | grep -cx 'S\.')" -ge 2 ]
	server_stop
	tcpdump_stop
	expect_no_rst "$W/dump.out"
}
