# shellcheck shell=bash disable=SC2153,SC2016 # capitals: tcplab's; awk in quotes
# Lab 10, sourced by tcplab: flow control. tcplab-client takes a body
# from tcplab-server with a receive buffer of 4096 bytes and a reader
# that takes 600 bytes a second, so that its window shrinks to zero; the
# server's persist timer probes the zero window at doubling intervals
# until a window update opens it. The programs run without stopping;
# the lab shows the segments from the server's output, asks for a number
# first, and checks what always holds: the server never has more in
# flight than the client's window, the window, not cwnd, limits it, and
# each probe waits at least twice as long as the one before.
# A bash lab, not a scenario (tcplab-scenario(5)), because it runs
# tcplab-client's --rcvbuf and --read-rate against a real server and reads the
# window from the programs' output.

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'flow control: a small window, a zero window, probes, a window update'
}

FC_BYTES=6000
FC_RCVBUF=4096
FC_RATE=600

# The records of the server's zero-window probes: "SEG-NUMBER<TAB>TIME
# <TAB>K<TAB>MS", the Kth probe since the window closed, MS after the
# segment before it (the zero window's ACK, or the probe before).
# A probe is a segment from the server without data whose seq is one
# below the client's last ack, sent while the client's window is 0.
probes() {
	cc_awk '$1 != "SEG" { next }
		FROM != SPORT { if ($9 == 0) { if (!zero) { k = 0; last = $3 } zero = 1 } else zero = 0; next }
		zero && $8 == 0 && $6 == ACK - 1 { k++; printf "%s\t%s\t%d\t%.1f\n", SEG, $3, k, ($3 - last) * 1000; last = $3 }'
}

lab_main() {
	local port pr first win rows fl3 upd
	tcpdump_start dump "$SNS"
	server_start server --cc --sndbuf 262144
	heading "tcplab-client --rcvbuf $FC_RCVBUF --read-rate $FC_RATE $(url "/bytes/$FC_BYTES")"
	client_to_file client --time-wait 1 --rcvbuf "$FC_RCVBUF" \
		--read-rate "$FC_RATE" -O "$W/body" "$(url "/bytes/$FC_BYTES")"
	server_stop
	tcpdump_stop
	port=$(client_port "$W/client.out")
	cc_notes "$W/server.out" >"$W/cc.tsv"
	probes >"$W/probes"
	say "$(t 'tcplab-client took %d bytes through a %d-byte buffer read at %d bytes a second. From the server'"'"'s output:' \
		"$FC_BYTES" "$FC_RCVBUF" "$FC_RATE")"

	# The window limits the flight: the first ACK whose window is below cwnd and not zero.
	win=$(cc_awk '$1 == "SEG" && FROM != SPORT && $9 > 0 && $8 == 0 && ACK > 1 { at = SEG; w = $9 }
		$1 == "snd" && at == SEG && b($3) > w { print SEG "\t" w "\t" m($3); exit }')
	heading "$(t 'the window, not cwnd')"
	predict_point "$(t 'The client offers a window of %s bytes; cwnd is %s MSS. How many bytes may the server have in flight now?' \
		"$(cut -f2 <<<"$win")" "$(cut -f3 <<<"$win")")" "$(cut -f2 <<<"$win")" \
		"$(t 'The sender may have in flight the smaller of cwnd and the peer'"'"'s window (RFC 5681 3.1): here the window.')"
	[ -n "$win" ] && show_segs "$W/server.out" "$(cut -f1 <<<"$win")" 2 "$(t 'what the server sent')"
	pause

	# The zero window and the probes of its first episode.
	first=$(awk -F'\t' '$3 == 1 { print $1; exit }' "$W/probes")
	heading "$(t 'a zero window and its probes')"
	[ -n "$first" ] && show_segs "$W/server.out" "$((first - 1))" 2 "$(t 'the first probe')"
	rows=$(awk -F'\t' '$3 == 1 { n++ } n == 1' "$W/probes")
	pr=$(awk -F'\t' '$3 == 3 { print $4; exit }' <<<"$rows")
	predict_point --within 10% "$(t 'The first probe came %s ms after the zero window, the second %s ms after the first. The third, how many ms after the second?' \
		"$(awk -F'\t' '$3 == 1 { print $4 }' <<<"$rows")" "$(awk -F'\t' '$3 == 2 { print $4 }' <<<"$rows")")" \
		"$pr" "$(t 'The persist timer starts at the RTO and doubles after each probe, as the retransmission timer backs off.')"
	fl3=$(awk -F'\t' '$3 == 3 { print $1; exit }' <<<"$rows")
	[ -n "$fl3" ] && show_segs "$W/server.out" "$fl3" 1
	say ""
	say "$(t 'the probes, ms after the segment before each (the zero window, or the probe before):')"
	awk -F'\t' '{ printf "%s%s", (NR == 1 ? "" : $3 == 1 ? " | " : " "), $4 } END { print "" }' "$W/probes" |
		fit --first "  " --hang "  "
	pause "$(t 'next: %s' "$(t 'the window update')")"
	heading "$(t 'the window update')"
	upd=$(cc_first upd | cut -f1)
	[ -n "$upd" ] && show_segs "$W/server.out" "$upd" 2 "$(t 'what the server sent')"
	pause "$(t 'check the flow control')"

	say ""
	expect "$(t 'tcplab-client received the whole body: %s of %d bytes (exit status %d)' \
		"$(stat -c %s "$W/body" 2>/dev/null || echo 0)" "$FC_BYTES" "$RC")" \
		body_whole "$W/body" "$FC_BYTES"
	expect "$(t 'tcpdump saw the client offer a zero window')" \
		grep -qE "\\.$port > .*Flags \\[\\.\\].* win 0," "$W/dump.out"
	expect "$(t 'the server never had more in flight than the client'"'"'s window')" \
		cc_awk 'END { exit !(n && !badv) } $1 == "snd" && ACK > 1 { n++; if ($5 > $6) badv = 1 }'
	expect "$(t 'the window limited the server, not cwnd: cwnd stayed above the window, and the server filled the window')" \
		cc_awk 'END { exit !(full && !badv) }
			$1 == "snd" && ACK > 1 { if (b($3) <= $6) badv = 1; if ($6 > 0 && $5 == $6) full = 1 }'
	expect "$(t 'the server probed each zero window: %s probes' "$(wc -l <"$W/probes")")" \
		awk -F'\t' 'END { exit !(NR >= 2) }' "$W/probes"
	expect "$(t 'the timer doubled: the k-th probe of a zero window came at least 200 ms x 2^(k-1) after the segment before it (a busy machine only makes it later)')" \
		awk -F'\t' 'END { exit !(NR && !badv) } $4 < 0.9 * 200 * 2 ^ ($3 - 1) { badv = 1 }' "$W/probes"
	expect "$(t 'a window update opened the zero window')" \
		cc_awk 'END { exit !u } $1 == "zero" { z = 1 } z && $1 == "upd" { u = 1 }'
	expect_no_rst "$W/dump.out"
	expect_same --brief tcplab-client "$W/client.out" "$W/dump.out" "$port"
}
