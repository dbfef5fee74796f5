# shellcheck shell=bash disable=SC2153 # the names in capitals come from tcplab
# title: the article replayed: both ends --profile seed, tcpdump identical to the article
# Lab 7, sourced by tcplab: tcplab-client and tcplab-server both play the
# article's hosts field for field; a real tcpdump in the server's
# namespace records the exchange, and compare-article finds it identical
# to the article's published trace, with numbers and with names.

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
		bad "the article's addresses are 192.168.101.25 and 192.168.101.5, not $CADDR and $SADDR"
		return
	fi
	cmp=$(compare_prog) || {
		bad "compare-article not found next to the labs"
		return
	}
	tcpdump_start dump "$SNS"
	server_start server --profile seed
	if [ "$AUTO" -eq 1 ]; then
		client client --profile seed --time-wait 1 "$(url)"
	else
		heading "tcplab-client --profile seed --step: Enter sends each segment"
		client client --profile seed --step --time-wait 1 "$(url)"
	fi
	tcpdump_stop
	server_stop
	expect "the client completed the exchange (exit status $RC)" [ "$RC" -eq 0 ]
	pause "compare with tcpdump"
	expect_same tcplab-client "$W/client.out" "$W/dump.out" 57290
	expect_same tcplab-server "$W/server.out" "$W/dump.out" 57290
	lab_stopped && return
	pause "compare tcpdump's capture with the article's trace"

	heading "compare-article: tcpdump -vv -n of the capture against the article"
	out=$(TCPDUMP=$TCPDUMP "$cmp" "$W/dump.pcap" 2>&1)
	printf '%s\n' "$out" | head -40 | fold_lines "  "
	expect "with numbers, the capture is the article's, line for line" \
		[ "$out" = identical ]

	heading "the same without -n, in the server's host: the article's names"
	in_server "$TCPDUMP" -vv -r "$W/dump.pcap" 2>/dev/null | sed -n '1,2p;5,6p' |
		fold_lines "  "
	out=$(TCPDUMP=$TCPDUMP in_server "$cmp" --names "$W/dump.pcap" 2>&1)
	printf '%s\n' "$out" | head -40 | fold_lines "  "
	expect "with names (localhost.localdomain, webcache), it is the article's too" \
		[ "$out" = identical ]
	expect_no_rst "$W/dump.out"
}
