# shellcheck shell=bash disable=SC2153,SC2016 # capitals: tcplab's; awk in quotes
# Lab 8, sourced by tcplab: slow start and congestion avoidance. One
# exchange of a few hundred kB from tcplab-server --cc, which says under
# every segment what its sender's cwnd and ssthresh are and why they
# changed; tcplab-client ignores everything for a moment (--blackout), so
# that a whole flight is lost and only the timer repairs it: ssthresh is
# set, cwnd starts again from 1 MSS and climbs through slow start up to
# ssthresh, then congestion avoidance. The programs run without stopping;
# the lab then
# shows the interesting segments from the server's output, asks the
# student to predict the numbers first, and checks the RFC 5681 rules on
# every ACK: properties that hold however fast the machine is.
# A bash lab, not a scenario (tcplab-scenario(5)), because it reads cwnd and
# ssthresh from the programs' --cc notes over a long transfer, which no
# segment step can say.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'slow start and congestion avoidance: cwnd, ssthresh, a loss'
}

# The body, and the dark: from the 40th incoming segment, when slow start
# has grown cwnd to about 35 MSS, tcplab-client ignores everything for
# 100 ms. That is the whole flight, and it ends before the server's timer
# (200 ms at least) sends the first segment again.
CC_BYTES=300000
CC_DARK=40
CC_DARK_MS=100

lab_main() {
	local port iw ss loss ca trace n
	tcpdump_start dump "$SNS" -B 32768
	server_start server --cc --sndbuf 262144
	heading "tcplab-client --blackout $CC_DARK,$CC_DARK_MS -O body $(url "/bytes/$CC_BYTES")"
	client_to_file client --time-wait 1 --blackout "$CC_DARK,$CC_DARK_MS" \
		-O "$W/body" "$(url "/bytes/$CC_BYTES")"
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
		$1 == "loss" || $1 == "rto" { printf " |" }')
	say ""
	say "$(t 'cwnd in MSS after each ACK that changed it (| the loss):')"
	printf '%s\n' "$trace" | fit --first "  " --hang "  " | page
	pause

	# The loss: the timer fires.
	loss=$(cc_first rto)
	heading "$(t 'a timeout sets ssthresh')"
	say "$(t 'From incoming segment %d on, tcplab-client ignored everything for %d ms: the whole flight was lost, no ACK came back, and the retransmission timer fired.' "$CC_DARK" "$CC_DARK_MS")"
	predict_point "$(t '%s bytes are in flight when the timer fires. ssthresh after it, in MSS?' \
		"$(cut -f2 <<<"$loss")")" "$(cc_awk '$1 == "rto" { print m($3); exit }')" \
		"$(t 'ssthresh = max(FlightSize / 2, 2 MSS), and cwnd = 1 MSS, the loss window (RFC 5681 3.1).')"
	[ -n "$loss" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$loss")"
	pause

	# Slow start again, up to ssthresh: the crossing.
	heading "$(t 'slow start again, up to ssthresh')"
	predict_point --within 1.5 "$(t 'cwnd starts again at 1 MSS, ssthresh is %s MSS. Up to how many MSS does slow start take cwnd before congestion avoidance begins?' \
		"$(cc_awk '$1 == "rto" { print m($3); exit }')")" \
		"$(cc_awk '$1 == "rto" { print m($3); exit }')" \
		"$(t 'Slow start while cwnd < ssthresh; from ssthresh on, congestion avoidance (RFC 5681 3.1): the last slow start step may overshoot it by less than 2 MSS.')"
	trace=$(cc_awk '$1 == "rto" { on = 1; next }
		on && ($1 == "ss" || $1 == "ca") { printf "%s%s%s", (n++ ? " " : ""), ($1 == "ca" && !c++ ? "| " : ""), m($3) }
		on && $1 == "ca" && c > 4 { exit }')
	say "$(t 'cwnd in MSS after each ACK that changed it, from the timeout on (| congestion avoidance begins):')"
	printf '%s\n' "$trace" | fit --first "  " --hang "  " | page
	pause

	# Congestion avoidance.
	ca=$(cc_first ca)
	heading "$(t 'congestion avoidance')"
	predict_point "$(t 'cwnd has reached ssthresh: %s MSS, congestion avoidance. How many MSS of data must be acknowledged before cwnd grows by one MSS?' \
		"$(cc_awk '$1 == "ca" { print m($2); exit }')")" \
		"$(cc_awk '$1 == "ca" { print m($2); exit }')" \
		"$(t 'One MSS per cwnd of data acknowledged: about one MSS per round trip, not double.')"
	[ -n "$ca" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$ca")"
	pause "$(t 'check the rules on every ACK')"

	say ""
	expect "$(t 'tcplab-client received the whole body: %s of %d bytes (exit status %d)' \
		"$(stat -c %s "$W/body" 2>/dev/null || echo 0)" "$CC_BYTES" "$RC")" \
		body_whole "$W/body" "$CC_BYTES"
	expect "$(t 'tcplab-client says it ignored incoming segment %d' "$CC_DARK")" \
		has "$W/client.out" -F "$(said "dropped: incoming segment %u is ignored (%s); the client's TCP never sees it" "$CC_DARK" "--blackout $CC_DARK,$CC_DARK_MS")"
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
	expect "$(t 'the timeout: ssthresh = max(flight / 2, 2 MSS), and cwnd = 1 MSS')" \
		cc_awk 'END { exit !(x > 0 && y == SMSS) }
			$1 == "rto" && !x { x = b($3); if (x != max(int($2 / 2), 2 * SMSS)) x = -1; w = 1; next }
			w && $1 == "snd" { y = b($3); w = 0 }'
	n=$(cc_awk '$1 == "ca" { n++ } END { print n + 0 }')
	expect "$(t 'congestion avoidance: %d times cwnd grew by one MSS, each after at least a cwnd of data was acknowledged, never below ssthresh' "$n")" \
		cc_awk 'END { exit !(n > 0 && !badv) }
			# The bytes that count: ACKed in congestion avoidance, from the
			# last cwnd cut or slow start step, not during fast recovery.
			$1 == "loss" || $1 == "sack" || $1 == "reno" { on = 0; acked = 0; need = 0; next }
			$1 == "rto" || $1 == "ss" || $1 == "endc" { on = 1; acked = 0; need = 0; next }
			$1 == "ends" { on = 1; next }
			on && $1 == "SEG" { acked += ACKED }
			$1 == "ca" { n++; need += b($2)
				if (!on || b($3) - b($2) != SMSS || b($2) < SSTHRESH || acked < need) badv = 1 }'
	expect "$(t 'slow start up to the timeout, slow start again from 1 MSS up to ssthresh, then congestion avoidance')" \
		cc_awk 'END { exit !(ss && rto && ss2 && ca && !badv) }
			$1 == "ss" { if (ca) badv = 1; if (rto) ss2 = 1; else ss = 1 }
			$1 == "rto" { if (rto || ca) badv = 1; rto = 1 }
			$1 == "ca" { if (!ss2) badv = 1; ca = 1 }'
	sleep 0.3
	expect_no_rst "$W/dump.out"
	expect_same --brief tcplab-client "$W/client.out" "$W/dump.out" "$port"
}
