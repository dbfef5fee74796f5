# shellcheck shell=bash disable=SC2153,SC2016 # capitals: tcplab's; awk in quotes
# Lab 9, sourced by tcplab: three ways back from a loss, each an exchange
# with tcplab-server --cc: fast retransmit and recovery with SACK, the
# same without SACK (NewReno, two losses so that a partial ACK shows),
# and losses at the end of the body, which draw too few duplicate ACKs:
# a retransmission timeout, twice. The programs run without stopping;
# the lab shows the segments around each loss from the server's output,
# asks the student to predict a number first, times each recovery from
# the server's own timestamps and checks the RFCs' arithmetic.
# A bash lab, not a scenario (tcplab-scenario(5)), because it loses segments
# with XDP and reads the recovery from the programs' --cc notes.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'fast retransmit and recovery: SACK, NewReno, and a timeout'
}

# rtx_gaps: the time in ms from each of the first two data segments the
# server sent again to the transmission before it, "first second".
rtx_gaps() {
	cc_awk '$1 == "SEG" && FROM == SPORT && $8 > 0 {
		if ($6 in sent) { printf "%s%.1f", (n ? " " : ""), ($3 - sent[$6]) * 1000; if (++n == 2) exit }
		sent[$6] = $3 }'
}

# part NAME BYTES CLIENT-OPTIONS...: one exchange; the server's notes in
# $W/NAME.tsv, which the checks that follow read (CC_FILE).
part() {
	local name=$1 bytes=$2
	shift 2
	heading "tcplab-client $* $(url "/bytes/$bytes")"
	server_start "server-$name" --cc --sndbuf 262144
	client_to_file "client-$name" --time-wait 1 -O "$W/body-$name" "$@" \
		"$(url "/bytes/$bytes")"
	server_stop
	CC_FILE=$W/$name.tsv
	cc_notes "$W/server-$name.out" >"$CC_FILE"
	PORTN=$(client_port "$W/client-$name.out")
	expect "$(t 'tcplab-client received the whole body: %s of %d bytes (exit status %d)' \
		"$(stat -c %s "$W/body-$name" 2>/dev/null || echo 0)" "$bytes" "$RC")" \
		body_whole "$W/body-$name" "$bytes"
}

# The segment the first record of KIND is under, and the next COUNT-1.
show_at() {
	local at
	at=$(cc_first "$1" | cut -f1)
	[ -n "$at" ] && show_segs "$W/server-$2.out" "$at" "${3:-1}" "${4:-}"
}

part_sack() {
	part sack 100000 --drop-in 20
	say "$(t 'tcplab-client ignored incoming segment %d; what the server did about it:' 20)"
	predict_point "$(t '%s bytes are in flight when the duplicate ACKs show the loss. ssthresh after it, in MSS?' \
		"$(cc_first loss | cut -f2)")" "$(cc_awk '$1 == "loss" { print m($3); exit }')" \
		"$(t 'ssthresh = max(FlightSize / 2, 2 MSS); with SACK, cwnd = ssthresh, and pipe counts what is still in the network.')"
	show_at loss sack 2 "$(t 'the fast retransmission')"
	pause "$(t 'check the recovery')"
	expect "$(t 'the duplicate ACKs carried SACK blocks')" \
		grep -qE "\\.$PORTN > .*sack [0-9] \\{" "$W/dump.out"
	expect "$(t 'fast retransmit: ssthresh = max(flight / 2, 2 MSS), cwnd = ssthresh')" \
		cc_awk 'END { exit !(x > 0 && x == y) }
			$1 == "loss" && !x { x = b($3); if (x != max(int($2 / 2), 2 * SMSS)) x = -1 }
			$1 == "sack" && x && !y { y = b($3) }'
	expect "$(t 'recovery with SACK counted pipe, then ended')" \
		cc_awk 'END { exit !(p && e) } $1 == "pipe" { p = 1 } p && ($1 == "ends" || $1 == "endc") { e = 1 }'
	GAP_SACK=$(rtx_gaps | cut -d' ' -f1)
	expect_same --brief tcplab-client "$W/client-sack.out" "$W/dump.out" "$PORTN"
}

part_reno() {
	local three
	part reno 100000 --no-sack --drop-in 20 --drop-in 23
	say "$(t 'No SACK now, and two segments lost (20 and 23): the first ACK after the retransmission is partial.')"
	predict_point "$(t 'ssthresh becomes %s MSS at the third duplicate ACK. cwnd after it, in MSS?' \
		"$(cc_awk '$1 == "loss" { print m($3); exit }')")" \
		"$(cc_awk '$1 == "reno" { print m($3); exit }')" \
		"$(t 'NewReno: cwnd = ssthresh + 3 MSS for the three segments that left the network, then one MSS more per further duplicate ACK.')"
	show_at loss reno 2 "$(t 'the fast retransmission')"
	pause "$(t 'next: %s' "$(t 'the partial ACK')")"
	show_at part reno 2 "$(t 'the next hole sent again')"
	pause "$(t 'check the recovery')"
	expect "$(t "tcplab-client's SYN offered no SACK")" \
		sh -c "! grep -E '\\.$PORTN > .*Flags \\[S\\].*sackOK' '$W/dump.out'"
	three=$(said_text 'three duplicate ACKs' | tr -d ' ')
	export WHY=$three
	expect "$(t 'three duplicate ACKs: ssthresh = max(flight / 2, 2 MSS), cwnd = ssthresh + 3 MSS')" \
		cc_awk 'END { exit !(x > 0 && y == x + 3 * S) }
			$1 == "loss" && !x { x = b($3); S = SMSS; if (x != max(int($2 / 2), 2 * SMSS) || $4 != ENVIRON["WHY"]) x = -1 }
			$1 == "reno" && x && !y { y = b($3) }'
	expect "$(t 'each further duplicate ACK: cwnd one MSS more')" \
		cc_awk 'END { exit !(n && !badv) } $1 == "infl" { n++; if (b($3) - b($2) != SMSS) badv = 1 }'
	expect "$(t 'each partial ACK: cwnd less the bytes acknowledged, one MSS back for a full segment')" \
		cc_awk 'END { exit !(n && !badv) }
			$1 == "part" { n++; want = b($2) - $4 + ($4 >= SMSS ? SMSS : 0); if (b($3) != max(want, SMSS)) badv = 1 }'
	expect "$(t 'recovery ended with cwnd at most ssthresh')" \
		cc_awk 'END { exit !e } $1 == "endc" && b($3) <= b($4) { e = 1 }'
	GAP_RENO=$(rtx_gaps | cut -d' ' -f1)
	expect_same --brief tcplab-client "$W/client-reno.out" "$W/dump.out" "$PORTN"
}

part_rto() {
	local gaps
	part rto 20000 --drop-in 16 --drop-in 17 --drop-in 18
	say "$(t 'The last two segments of the body are lost (16 and 17), and so is the first retransmission (18): no duplicate ACKs, only timers.')"
	predict_point --within 1 "$(t 'The first timeout doubled the RTO from %s ms to %s ms. The retransmission is lost as well: the RTO after the second timeout, in ms?' \
		"$(cc_awk '$1 == "rtox" { print ms($2); exit }')" "$(cc_awk '$1 == "rtox" { print ms($3); exit }')")" \
		"$(cc_awk '$1 == "rtox" && ++n == 2 { print ms($3); exit }')" \
		"$(t 'Each timeout of the same data doubles the RTO (RFC 6298 5.5), until an ACK of new data.')"
	show_at rto rto 1
	pause "$(t 'next: %s' "$(t 'the second timeout')")"
	show_segs "$W/server-rto.out" "$(cc_awk '$1 == "rtox" && ++n == 2 { print SEG; exit }')" 3 \
		"$(t 'slow start again')"
	pause "$(t 'check the timeouts')"
	expect "$(t 'the timeout: ssthresh = max(flight / 2, 2 MSS), cwnd 1 MSS')" \
		cc_awk 'END { exit !ok } $1 == "rto" && !seen { seen = 1; ok = b($3) == max(int($2 / 2), 2 * SMSS) }'
	expect "$(t 'the second timeout kept ssthresh and doubled the RTO again')" \
		cc_awk 'END { exit !(n == 2 && r == 1 && !badv) }
			$1 == "rtox" { n++; if (ms($3) != 2 * ms($2) || (n == 2 && ms($2) != last)) badv = 1; last = ms($3) }
			$1 == "rto" { r++ }'
	expect "$(t 'after the timeouts, slow start again from 1 MSS')" \
		cc_awk 'END { exit !ok } $1 == "rtox" && ++n == 2 { on = 1 } on && $1 == "ss" && m($2) == 1 { ok = 1 }'
	gaps=$(rtx_gaps)
	GAP_RTO=${gaps%% *}
	GAP_RTO2=$(cc_awk '$1 == "SEG" && FROM == SPORT && $8 > 0 { if ($6 in sent) { if (++n == 2) { printf "%.1f", ($3 - last[$6]) * 1000; exit } } else sent[$6] = 1; last[$6] = $3 }')
	expect "$(t 'the retransmissions waited at least the RTO: %s ms, then %s ms' "${GAP_RTO:-?}" "${GAP_RTO2:-?}")" \
		awk -v a="$GAP_RTO" -v b="$GAP_RTO2" 'BEGIN { exit !(a != "" && b != "" && a >= 180 && b >= 360) }'
	expect_same --brief tcplab-client "$W/client-rto.out" "$W/dump.out" "$PORTN"
}

lab_main() {
	tcpdump_start dump "$SNS" -B 32768
	heading "$(t 'fast retransmit and recovery with SACK')"
	part_sack
	pause "$(t 'next: %s' "$(t 'without SACK: NewReno')")"
	heading "$(t 'without SACK: NewReno')"
	part_reno
	pause "$(t 'next: %s' "$(t 'a timeout')")"
	heading "$(t 'a timeout')"
	part_rto
	tcpdump_stop
	say ""
	say "$(t "from the lost segment to its retransmission, by the server's clock:")"
	say "  $(t 'SACK: %s ms; NewReno: %s ms; the timeout: %s ms, then %s ms' \
		"${GAP_SACK:-?}" "${GAP_RENO:-?}" "${GAP_RTO:-?}" "${GAP_RTO2:-?}")"
	expect_no_rst "$W/dump.out"
}
