# shellcheck shell=bash disable=SC2153,SC2016 # capitals: tcplab's; awk in quotes
# Lab 8, sourced by tcplab: slow start and congestion avoidance. One
# exchange of a few hundred kB from tcplab-server --cc, which says under
# every segment what its sender's cwnd and ssthresh are and why they
# changed; tcplab-client ignores one data segment (--drop-in) so that a
# loss sets ssthresh. The programs run without stopping; the lab then
# shows the interesting segments from the server's output, asks the
# student to predict the numbers first, and checks the RFC 5681 rules on
# every ACK: properties that hold however fast the machine is.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'slow start and congestion avoidance: cwnd, ssthresh, a loss'
}

# The body, and the incoming segment tcplab-client ignores: the 40th,
# when slow start has grown cwnd to about 35 MSS.
CC_BYTES=300000
CC_DROP=40

lab_main() {
	local port iw ss loss ca trace n
	tcpdump_start dump "$SNS" -B 32768
	server_start server --cc --sndbuf 262144
	heading "tcplab-client --drop-in $CC_DROP -O body $(url "/bytes/$CC_BYTES")"
	client_to_file client --time-wait 1 --drop-in "$CC_DROP" -O "$W/body" \
		"$(url "/bytes/$CC_BYTES")"
	server_stop
	tcpdump_stop
	port=$(client_port "$W/client.out")
	cc_notes "$W/server.out" >"$W/cc.tsv"
	say "$(t 'tcplab-client fetched %d bytes; tcplab-server --cc said what its sender did with every ACK. The segments that matter, from its output:' "$CC_BYTES")"

	# The initial window: cwnd under the first data segment.
	iw=$(cc_awk '$1 == "SEG" && FROM == SPORT && $8 > 0 { on = 1 }
		on && $1 == "snd" { print SEG "\t" m($3) "\t" b($3) "\t" SMSS; exit }')
	heading "$(t 'the initial window')"
	predict_point "$(t "Before any ACK of data, how many MSS may the server send (its initial window)?")" \
		"$(cut -f2 <<<"$iw")" "$(t 'RFC 6928: IW = min(10 MSS, max(2 MSS, 14600 bytes)), 10 MSS for an MSS of 1448.')"
	[ -n "$iw" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$iw")"
	pause

	# Slow start: the first ACK that acknowledges a full segment or more.
	ss=$(cc_awk '$1 == "ss" && ACKED >= SMSS { print SEG "\t" m($2) "\t" ACKED "\t" m($3); exit }')
	heading "$(t 'slow start')"
	predict_point "$(t 'cwnd is %s MSS and the next ACK acknowledges %s bytes. cwnd after it, in MSS?' \
		"$(cut -f2 <<<"$ss")" "$(cut -f3 <<<"$ss")")" "$(cut -f4 <<<"$ss")" \
		"$(t 'In slow start cwnd grows by the bytes each ACK acknowledges, at most 2 MSS: about double each round trip.')"
	[ -n "$ss" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$ss")"
	trace=$(cc_awk '$1 == "ss" || $1 == "ca" || $1 == "sack" || $1 == "reno" { printf "%s%s", (n++ ? " " : ""), m($3) }
		$1 == "loss" { printf " |" }')
	say ""
	say "$(t 'cwnd in MSS after each ACK that changed it (| the loss):')"
	printf '%s\n' "$trace" | fit --first "  " --hang "  " | page
	pause

	# The loss.
	loss=$(cc_first loss)
	heading "$(t 'a loss sets ssthresh')"
	say "$(t 'tcplab-client ignored incoming segment %d; the segments after it drew duplicate ACKs with SACK blocks.' "$CC_DROP")"
	predict_point "$(t '%s bytes are in flight when the server takes the segment as lost. ssthresh after it, in MSS?' \
		"$(cut -f2 <<<"$loss")")" "$(cc_awk '$1 == "loss" { print m($3); exit }')" \
		"$(t 'ssthresh = max(FlightSize / 2, 2 MSS) (RFC 5681 3.2); with SACK, cwnd = ssthresh too.')"
	[ -n "$loss" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$loss")" 2 "$(t 'the fast retransmission')"
	pause

	# Congestion avoidance.
	ca=$(cc_first ca)
	heading "$(t 'congestion avoidance')"
	predict_point "$(t 'After the loss cwnd = ssthresh = %s MSS: congestion avoidance. How many MSS of data must be acknowledged before cwnd grows by one MSS?' \
		"$(cc_awk '$1 == "ca" { print m($2); exit }')")" \
		"$(cc_awk '$1 == "ca" { print m($2); exit }')" \
		"$(t 'One MSS per cwnd of data acknowledged: about one MSS per round trip, not double.')"
	[ -n "$ca" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$ca")"
	pause "$(t 'check the rules on every ACK')"

	say ""
	expect "$(t 'tcplab-client received the whole body: %s of %d bytes (exit status %d)' \
		"$(stat -c %s "$W/body" 2>/dev/null || echo 0)" "$CC_BYTES" "$RC")" \
		body_whole "$W/body" "$CC_BYTES"
	expect "$(t 'tcplab-client says it ignored incoming segment %d' "$CC_DROP")" \
		has "$W/client.out" -F "$(said "dropped: incoming segment %u is ignored (%s); the client's TCP never sees it" "$CC_DROP" "--drop-in $CC_DROP")"
	expect "$(t 'the initial window is min(10 MSS, max(2 MSS, 14600)): %s bytes' "$(cut -f3 <<<"$iw")")" \
		cc_awk 'END { exit !(IW > 0 && IW == min(10 * S, max(2 * S, 14600))) }
			$1 == "SEG" && FROM == SPORT && $8 > 0 { on = 1 }
			on && $1 == "snd" && !IW { IW = b($3); S = SMSS }'
	n=$(cc_awk '$1 == "ss" { n++ } END { print n + 0 }')
	expect "$(t 'slow start: each of %d ACKs grew cwnd by the bytes it acknowledged, at most 2 MSS, and only below ssthresh' "$n")" \
		cc_awk 'END { exit !(n > 0 && !badv) }
			$1 == "ss" { n++; d = b($3) - b($2)
				if (d <= 0 || d > min(ACKED, 2 * SMSS)) badv = 1
				if (SSTHRESH >= 0 && b($2) >= SSTHRESH) badv = 1 }'
	expect "$(t 'the loss: ssthresh = max(flight / 2, 2 MSS), and with SACK cwnd = ssthresh')" \
		cc_awk 'END { exit !(x > 0 && x == y) }
			$1 == "loss" && !x { x = b($3); if (x != max(int($2 / 2), 2 * SMSS)) x = -1 }
			$1 == "sack" && x && !y { y = b($3) }'
	n=$(cc_awk '$1 == "ca" { n++ } END { print n + 0 }')
	expect "$(t 'congestion avoidance: %d times cwnd grew by one MSS, each after at least a cwnd of data was acknowledged, never below ssthresh' "$n")" \
		cc_awk 'END { exit !(n > 0 && !badv) }
			$1 == "ends" || $1 == "endc" { on = 1; acked = 0; need = 0; next }
			on && $1 == "SEG" { acked += ACKED }
			$1 == "ca" { n++; need += b($2)
				if (!on || b($3) - b($2) != SMSS || b($2) < SSTHRESH || acked < need) badv = 1 }'
	expect "$(t 'slow start up to the loss, congestion avoidance after it')" \
		cc_awk 'END { exit !(ss && loss && ca && !badv) }
			$1 == "ss" { ss = 1; if (loss) badv = 1 }
			$1 == "loss" { loss = 1; if (ca) badv = 1 }
			$1 == "ca" { ca = 1 }'
	sleep 0.3
	expect_no_rst "$W/dump.out"
	expect_same --brief tcplab-client "$W/client.out" "$W/dump.out" "$port"
}
