# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 11, sourced by tcplab: lab 1's exchange twice, tcplab-client against
# tcplab-server, first between the hosts' IPv4 addresses, then between
# their IPv6 ones, a real tcpdump in the server's host each time. Then
# the lab walks through the IPv6 handshake a segment at a time, asking
# the student what the IPv4 run lets them predict: what the IPv6 header
# changes (its size, its fields, the MSS) and what it leaves as it was
# (TCP's seq/ack arithmetic, the states, the pattern of flags).
# A bash lab, not a scenario (tcplab-scenario(5)), because it runs the same
# programs over IPv4 and IPv6 and compares the two exchanges field by field.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'the same handshake over IPv6: a new IP header, the same TCP'
}

# key_of FILE PORT FLAGS: tcpdump's line in FILE (as segs gives it) of the
# first segment on PORT whose flags are FLAGS ("S", "S.").
key_of() {
	segs "$1" "$2" | cut -f2 | grep -F "Flags [$3]," | head -1
}

# mss_of KEY: the MSS option of a segment's line.
mss_of() { sed -n 's/.*options \[mss \([0-9]*\)[],].*/\1/p' <<<"$1"; }

# frame_of PCAP PORT: the length of the SYN's Ethernet frame, as tcpdump
# -e prints it ("ethertype IPv6 (0x86dd), length 94: ...").
frame_of() {
	"$TCPDUMP" -e -nn -r "$1" "tcp port $2" 2>/dev/null |
		grep -m1 'Flags \[S\],' |
		sed -n 's/^[^,]*, ethertype [^,]*, length \([0-9]*\): .*/\1/p'
}

# abs_field FILE FLAGS FIELD: seq or ack of the first segment with FLAGS,
# absolute, from tcpdump -S's lines in FILE.
abs_field() {
	grep -m1 "Flags \[$2\]," "$1" | sed -n "s/.* $3 \([0-9]*\),.*/\1/p"
}

# all_keys FILE PORT ERE: every segment on PORT matches ERE.
all_keys() {
	local n
	n=$(segs "$1" "$2" | cut -f2 | grep -cvE -- "$3")
	[ "$n" -eq 0 ] && [ -n "$(segs "$1" "$2")" ]
}

# no_key FILE PORT ERE: no segment on PORT matches ERE.
no_key() { ! segs "$1" "$2" | cut -f2 | grep -qE -- "$3"; }

# is_pair A WANT-A B WANT-B: A is WANT-A and B is WANT-B.
is_pair() { [ "$1" = "$2" ] && [ "$3" = "$4" ]; }

# plus A B N: the numbers A and B differ by N (A = B + N).
plus() {
	[[ $1 =~ ^[0-9]+$ ]] && [[ $2 =~ ^[0-9]+$ ]] && [ "$1" -eq $(($2 + $3)) ]
}

# id_df PORT4 PORT6: tcpdump printed an IP id and DF for every IPv4
# segment (dump-4.out), and neither for any IPv6 one (dump-6.out).
id_df() {
	all_keys "$W/dump-4.out" "$1" '^IP \(.* id [0-9]+, .*flags \[DF\]' &&
		no_key "$W/dump-6.out" "$2" '^IP6 \([^|]* id |flags \[DF\]'
}

# run_once NAME [-6] URL: tcpdump in the server's host, tcplab-server,
# tcplab-client; the outputs in NAME.out, client-NAME.out, server-NAME.out.
run_once() {
	local name=$1 six=()
	shift
	if [ "$1" = -6 ]; then
		six=(-6)
		shift
	fi
	tcpdump_start "dump-$name" "$SNS"
	server_start "${six[@]}" "server-$name"
	client_to_file "client-$name" --time-wait 1 "$1"
	tcpdump_stop
	server_stop
}

lab_main() {
	local p4 p6 rc4 syn4 syn6 mss4 mss6 f4 f6 len4 len6 isn sisn ack
	heading "1. $(t 'over IPv4, as in lab 1: %s' "tcplab-client $(url)")"
	run_once 4 "$(url)"
	rc4=$RC
	p4=$(client_port "$W/client-4.out")
	expect "$(t 'the client completed the exchange (exit status %d)' "$rc4")" \
		[ "$rc4" -eq 0 ]
	heading "2. $(t 'over IPv6: %s' "tcplab-server -a $SADDR6")"
	say "   tcplab-client '$(url6)'"
	run_once 6 -6 "$(url6)"
	p6=$(client_port "$W/client-6.out")
	expect "$(t 'the client completed the exchange (exit status %d)' "$RC")" \
		[ "$RC" -eq 0 ]
	if [ -z "$p4" ] || [ -z "$p6" ]; then
		bad "$(t "the client's port could not be read from its first line: %s" \
			"$(head -3 "$W/client-6.out" | tr '\n' ' ')")"
		return
	fi
	pause "$(t 'the two SYNs')"

	heading "$(t "the SYN over IPv4 (tcpdump -vv -nn in the server's host)")"
	syn4=$(key_of "$W/dump-4.out" "$p4" S)
	syn6=$(key_of "$W/dump-6.out" "$p6" S)
	printf '%s\n' "${syn4/ | /$'\n'    }" | fold_lines "  "
	mss4=$(mss_of "$syn4")
	mss6=$(mss_of "$syn6")
	f4=$(frame_of "$W/dump-4.pcap" "$p4")
	f6=$(frame_of "$W/dump-6.pcap" "$p6")
	len4=$(sed -n 's/^IP (.*, length \([0-9]*\)) |.*/\1/p' <<<"$syn4")
	len6=$(sed -n 's/^IP6 (.* payload length: \([0-9]*\)) .*/\1/p' <<<"$syn6")
	predict_point "$(t 'Over IPv4 the SYN offers MSS %s: a 1500-byte packet less 20 bytes of IPv4 header and 20 of TCP header. The IPv6 header is 40 bytes long. What MSS does the SYN offer over IPv6?' "${mss4:-?}")" \
		"$mss6" "$(t 'The same link, a header 20 bytes longer: 1500 - 40 - 20 = 1440 bytes of data at most in each segment.')"
	predict_point "$(t "The IPv4 SYN's frame was %s bytes: 14 of Ethernet, 20 of IPv4 header, %s of TCP header with its options. The IPv6 SYN carries the same TCP header. Its frame, in bytes?" "${f4:-?}" "$((${len4:-20} - 20))")" \
		"$f6" "$(t "Twenty bytes more: 14 + 40 + %s. tcpdump prints the IPv6 header's payload length (%s), which leaves the 40-byte header out, where IPv4's total length (%s) counts its own 20." "$((${len4:-20} - 20))" "${len6:-?}" "${len4:-?}")"

	heading "$(t 'the SYN over IPv6, as tcplab-client printed it')"
	show_segs "$W/client-6.out" 1 1
	pause "$(t 'what the IPv6 header showed')"
	expect "$(t 'both SYNs offer the MSS the link allows: %s over IPv4, %s over IPv6' "${mss4:-?}" "${mss6:-?}")" \
		is_pair "$mss4" 1460 "$mss6" 1440
	expect "$(t 'the SYN-ACK offers MSS %s over IPv6 too' 1440)" \
		[ "$(mss_of "$(key_of "$W/dump-6.out" "$p6" S.)")" = 1440 ]
	expect "$(t "the IPv6 SYN's frame is 20 bytes longer than the IPv4 one's: %s and %s" "${f6:-?}" "${f4:-?}")" \
		plus "$f6" "$f4" 20
	expect "$(t 'the payload length of the IPv6 SYN (%s) is the total length of the IPv4 one (%s) less its 20-byte header' "${len6:-?}" "${len4:-?}")" \
		plus "$len6" "$len4" -20
	expect "$(t 'every IPv6 segment says hlim 64 (IPv4: ttl 64) and next-header TCP (6)')" \
		all_keys "$W/dump-6.out" "$p6" '^IP6 \(.*hlim 64, next-header TCP \(6\) payload length: [0-9]+\) '
	expect "$(t 'every IPv4 segment has an IP id and DF; no IPv6 one has either')" \
		id_df "$p4" "$p6"
	expect "$(t "tcpdump finds every TCP checksum over IPv6 correct: each covers a pseudo-header with both 16-byte addresses")" \
		all_keys "$W/dump-6.out" "$p6" 'cksum 0x[0-9a-f]+ \(correct\)'
	pause "$(t 'the arithmetic')"

	heading "$(t 'the same arithmetic over IPv6 (tcpdump -S: absolute numbers)')"
	"$TCPDUMP" -S -vv -nn -r "$W/dump-6.pcap" "tcp port $p6" 2>/dev/null |
		sed 's/cksum [^,]*, //' >"$W/abs.txt"
	isn=$(abs_field "$W/abs.txt" S seq)
	sisn=$(abs_field "$W/abs.txt" S. seq)
	ack=$(abs_field "$W/abs.txt" S. ack)
	predict_point "$(t "The client's ISN is %s. The SYN-ACK's ack, in absolute numbers?" "${isn:-?}")" \
		"$ack" "$(t 'ISN + 1: the SYN takes one sequence number, over IPv6 as over IPv4.')"
	show_segs "$W/client-6.out" 2 2 "$(t 'the third segment')"
	pause "$(t 'what the handshake showed')"
	isn=${isn:-0}
	sisn=${sisn:-0}
	expect "$(t "the SYN-ACK acknowledges the client's ISN + 1 = %s" $(((isn + 1) % 4294967296)))" \
		grep -q "Flags \[S\.\], seq $sisn, ack $(((isn + 1) % 4294967296))," "$W/abs.txt"
	expect "$(t 'the third segment is seq client ISN + 1, ack server ISN + 1 = %s' $(((sisn + 1) % 4294967296)))" \
		grep -q "Flags \[\.\], seq $(((isn + 1) % 4294967296)), ack $(((sisn + 1) % 4294967296))," "$W/abs.txt"
	expect "$(t 'tcpdump prints the third segment relative: seq 1, ack 1')" \
		grep -q "Flags \[\.\], cksum .*, seq 1, ack 1, " "$W/dump-6.out"
	expect_flags "$(t "over IPv4, the lesson's ten segments")" \
		"S S. . P. . P. . F. F. ." "$W/dump-4.out" "$p4"
	expect_flags "$(t 'over IPv6, the same ten')" \
		"S S. . P. . P. . F. F. ." "$W/dump-6.out" "$p6"
	expect "$(t 'the client went CLOSED -> SYN-SENT -> ESTABLISHED')" \
		has_states "$W/client-6.out" client CLOSED SYN-SENT ESTABLISHED
	expect "$(t 'the server went LISTEN -> SYN-RECEIVED -> ESTABLISHED')" \
		has_states "$W/server-6.out" server LISTEN SYN-RECEIVED ESTABLISHED
	expect "$(t "the body is the article's: %s" 'This is zhenghui')" \
		has "$W/client-6.out" -x 'This is zhenghui'
	pause "$(t 'compare with tcpdump')"
	expect_same tcplab-client "$W/client-6.out" "$W/dump-6.out" "$p6"
	expect_same --brief tcplab-server "$W/server-6.out" "$W/dump-6.out" "$p6"
	expect_no_rst "$W/dump-6.out"
}
