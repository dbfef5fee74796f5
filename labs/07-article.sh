# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# Lab 7, sourced by tcplab: tcplab-client and tcplab-server both play the
# article's hosts field for field; a real tcpdump in the server's
# namespace records the exchange, and compare-article finds it identical
# to the article's published trace, with numbers and with names.
# A bash lab, not a scenario (tcplab-scenario(5)), because it reproduces the
# article's exchange byte for byte with the seed profile and compares it with
# the article's trace (compare-article).

# The lab's title, for tcplab list and the lab's heading.
lab_title() {
	t 'the article replayed: both ends --profile seed, tcpdump identical to the article'
}

compare_prog() {
	local p
	for p in "${TCPLAB_COMPARE:-}" "$LAB_DIR/compare-article" \
		"$HERE/../tests/compare-article.sh"; do
		[ -n "$p" ] && [ -x "$p" ] && printf '%s\n' "$p" && return 0
	done
	return 1
}

lab_main() {
	local cmp out
	if [ "$CADDR" != 192.168.101.25 ] || [ "$SADDR" != 192.168.101.5 ]; then
		bad "$(t "the article's addresses are %s and %s, not %s and %s" 192.168.101.25 192.168.101.5 "$CADDR" "$SADDR")"
		return
	fi
	cmp=$(compare_prog) || {
		bad "$(t '%s not found next to the labs' compare-article)"
		return
	}
	tcpdump_start dump "$SNS"
	server_start server --profile seed
	if [ "$AUTO" -eq 1 ]; then
		client client --profile seed --time-wait 1 "$(url)"
	else
		heading "$(t 'tcplab-client --profile seed --step: Enter sends each segment')"
		client client --profile seed --step --time-wait 1 "$(url)"
	fi
	tcpdump_stop
	server_stop
	expect "$(t 'the client completed the exchange (exit status %d)' "$RC")" [ "$RC" -eq 0 ]
	pause "$(t 'compare with tcpdump')"
	expect_same tcplab-client "$W/client.out" "$W/dump.out" 57290
	expect_same tcplab-server "$W/server.out" "$W/dump.out" 57290
	lab_stopped && return
	pause "$(t "compare tcpdump's capture with the article's trace")"

	heading "$(t 'compare-article: tcpdump -vv -n of the capture against the article')"
	out=$(TCPDUMP=$TCPDUMP "$cmp" "$W/dump.pcap" 2>&1)
	printf '%s\n' "$out" | head -40 | fold_lines "  "
	expect "$(t "with numbers, the capture is the article's, line for line")" \
		[ "$out" = identical ]

	heading "$(t "the same without -n, in the server's host: the article's names")"
	in_server "$TCPDUMP" -vv -r "$W/dump.pcap" 2>/dev/null | sed -n '1,2p;5,6p' |
		fold_lines "  "
	out=$(TCPDUMP=$TCPDUMP in_server "$cmp" --names "$W/dump.pcap" 2>&1)
	printf '%s\n' "$out" | head -40 | fold_lines "  "
	expect "$(t "with names (localhost.localdomain, webcache), it is the article's too")" \
		[ "$out" = identical ]
	expect_no_rst "$W/dump.out"
}
