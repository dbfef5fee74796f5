#!/bin/bash
# replay.sh: tcplab-client and tcplab-server, both with --profile seed,
# replay the article's exchange byte for byte.
#
# Two network namespaces get the article's addresses (client
# 192.168.101.25, server 192.168.101.5) on a veth pair. A real tcpdump
# -vv -n -w in the server's namespace records the exchange, and
# tests/compare-article.sh must find it identical to the article's
# published trace (tests/data/article-trace.vv.txt). The programs' own -w
# files must be identical too, no kernel may answer with a RST (the port
# guards), tcplab-explain on the capture must print the segment lines and
# explanations the programs printed, and a second run with --json must
# give the article's flags, relative numbers and states in both programs,
# as tcplab-explain --json gives them for the capture. From another
# client port both programs must say once that the exchange will differ,
# and compare-article.sh must show the port in its diff. --step is driven
# in both programs: Enter at every prompt leaves the capture the
# article's, q at the client's request sends one RST and says why, q at
# the server's SYN-ACK stops the server cleanly. With a shared
# --lab-clock, a student who thinks longer than the other end's RTO at
# every prompt draws no retransmission; without it, the server
# retransmits its SYN-ACK (and the client its SYN). Needs root; under
# CI=true it fails instead of skipping. KEEP=1 keeps tests/work/replay.*.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "replay.sh"
need_cmd ip timeout python3 ss
tl_find_programs
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
COMPARE=$top_srcdir/tests/compare-article.sh
for p in "$SERVER" "$CLIENT"; do
	[ -x "$p" ] || tl_skip_or_fail "$p not built (run make first)"
done

CA=192.168.101.25
SA=192.168.101.5
NSC=tlrc$$
NSS=tlrs$$
VC=vrc$$
VS=vrs$$
URL="http://$SA:8080/truedei/test?name=zhenghui"

tl_workdir W "$top_builddir/tests/work"
[ -n "${KEEP:-}" ] || tl_remove_at_exit "$W"
ns_pair "$NSC" "$NSS" "$CA" "$SA" "$VC" "$VS" ||
	tl_skip_or_fail "cannot build the two namespaces"

check() { # description, then a command that must succeed
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

# replay NAME [options for both programs]: tcpdump, then the server,
# then the client, all into $W/NAME.*; stops them all. Sets CLI_RC and
# SRV_RC. SRV_OPTS and CLI_OPTS add options to one program, SRV_IN and
# CLI_IN are their standard inputs, CLI_WANT the client's exit status.
SRV_OPTS=()
CLI_OPTS=()
replay() {
	local name=$1 dump srv
	shift
	ip netns exec "$NSS" timeout 60 "$TCPDUMP" -i "$VS" -vv -n \
		--immediate-mode -U -w "$W/$name.pcap" tcp 2>"$W/$name.td.err" &
	dump=$!
	TL_PIDS+=("$dump")
	tl_wait_for grep -q 'listening on' "$W/$name.td.err" ||
		fail "$name: tcpdump did not start"
	# setsid: no terminal, so that --step reads its answers from
	# standard input.
	ip netns exec "$NSS" timeout 60 setsid "$SERVER" -i "$VS" -a "$SA" \
		--profile seed -w "$W/$name.srv.pcap" "${SRV_OPTS[@]}" "$@" \
		<"${SRV_IN:-/dev/null}" >"$W/$name.srv" 2>"$W/$name.srv.err" &
	srv=$!
	TL_PIDS+=("$srv")
	tl_wait_for sh -c "ip netns exec $NSS ss -ltn | grep -q '$SA:8080 '" ||
		fail "$name: tcplab-server did not start: $(head -2 "$W/$name.srv.err")"
	timeout 30 ip netns exec "$NSC" "$CLIENT" --profile seed \
		--time-wait 1 -w "$W/$name.cli.pcap" "${CLI_OPTS[@]}" "$@" \
		"$URL" <"${CLI_IN:-/dev/null}" >"$W/$name.cli" 2>"$W/$name.cli.err"
	CLI_RC=$?
	sleep 0.3
	kill -TERM "$srv" 2>/dev/null
	wait "$srv"
	SRV_RC=$?
	kill "$dump" 2>/dev/null
	wait "$dump" 2>/dev/null
	check "$name: tcplab-client exited $CLI_RC, not ${CLI_WANT:-0}: $(head -2 "$W/$name.cli.err")" \
		[ "$CLI_RC" -eq "${CLI_WANT:-0}" ]
	check "$name: tcplab-server exited $SRV_RC: $(head -2 "$W/$name.srv.err")" \
		[ "$SRV_RC" -eq 0 ]
}

# No segment of $1 may carry RST: neither kernel answered.
no_rst() {
	local n
	n=$("$TCPDUMP" -n -r "$1" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null |
		grep -c 'Flags')
	check "$(basename "$1"): $n RST on the wire" [ "$n" -eq 0 ]
}

# Compares $1 with the article; prints the verdict.
against_article() {
	local what=$1 out
	out=$("$COMPARE" "$2")
	case $? in
	0) tl_say "  $what: $out"; pass ;;
	*) fail "$what differs from the article (- article, + capture):"
	   printf '%s\n' "$out" | head -40 ;;
	esac
}

# The lines a program printed, without timestamps, that tcpdump (or
# tcplab-explain) would print: its own lines ("    client: ...",
# "    server: ...", "tcplab-...: ...") and the body are left out.
printed() {
	grep -v -E '^    (client|server)( #[0-9]+)?: |^tcplab-(client|server): |^This is zhenghui$' "$1" |
		sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} //'
}

tl_say "the seed replay, with tcpdump in the server's namespace"
replay text
against_article "tcpdump -vv -n -w in the server's namespace" "$W/text.pcap"
against_article "tcplab-server's -w file" "$W/text.srv.pcap"
against_article "tcplab-client's -w file" "$W/text.cli.pcap"
no_rst "$W/text.pcap"
check "the client printed the body" grep -qx 'This is zhenghui' "$W/text.cli"
check "the server named the visitor" \
	grep -q 'visitor: zhenghui$' "$W/text.srv"
check "no line says the addresses differ from the article's" \
	sh -c "! grep -q 'will differ' '$W/text.cli' '$W/text.srv'"
check "the server's summary: 1 connection closed, 5+1 segments in, 4 out" \
	grep -q '^tcplab-server: 1 connections (1 closed, 0 reset, 0 evicted, 0 open), 6 segments in, 4 out, 1 visitors$' \
	"$W/text.srv"
n=$(grep -c '^  | ' "$W/text.srv")
check "the server explained its segments ($n lines of notes)" [ "$n" -gt 40 ]
n=$(grep -c '^  | ' "$W/text.cli")
check "the client explained its segments ($n lines of notes)" [ "$n" -gt 40 ]

# tcplab-explain on the capture prints what each program printed: the
# tcpdump lines and, under each, the same explanations. One thing only
# may differ: a program knows its own side's states, where the capture
# can only infer them, so its own side is never "(inferred)" -- and in
# the article's exchange, explain does infer some of them.
"$EXPLAIN" -vv -nn -r "$W/text.pcap" 2>/dev/null | sed '/^$/,$d' |
	sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} //' >"$W/text.explain"
for side in srv:server cli:client; do
	who=${side#*:}
	side=${side%:*}
	printed "$W/text.$side" >"$W/text.$side.lines"
	sed "/^  | $who: /s/ (inferred)\$//" "$W/text.explain" >"$W/text.explain.$side"
	if cmp -s "$W/text.explain.$side" "$W/text.$side.lines"; then
		pass
	else
		fail "tcplab-explain on the capture and tcplab-$side's output differ (- explain, + $side):"
		diff -u "$W/text.explain.$side" "$W/text.$side.lines" | sed -n '3,20p'
	fi
	if grep -q "^  | $who: .*(inferred)" "$W/text.$side.lines"; then
		fail "tcplab-$side says its own state is inferred"
	else
		pass
	fi
done
if grep -q '^  | client: .*(inferred)' "$W/text.explain"; then pass; else
	fail "tcplab-explain infers none of the client's states: nothing was compared"
fi

tl_say "the seed replay again, with --json"
replay json --json
against_article "the --json run's capture" "$W/json.pcap"
no_rst "$W/json.pcap"
# The article's ten segments: who sent each, its flags, its relative seq
# and ack, and both sides' states after it. The SYN has no ACK: its ack
# field is 0.
cat >"$W/expect" <<-'EOF'
	client S 0 0 SYN-SENT SYN-RECEIVED
	server S. 0 1 ESTABLISHED SYN-RECEIVED
	client . 1 1 ESTABLISHED ESTABLISHED
	client P. 1 1 ESTABLISHED ESTABLISHED
	server . 1 143 ESTABLISHED ESTABLISHED
	server P. 1 143 ESTABLISHED ESTABLISHED
	client . 143 268 ESTABLISHED ESTABLISHED
	client F. 143 268 FIN-WAIT-1 CLOSE-WAIT
	server F. 268 144 TIME-WAIT LAST-ACK
	client . 144 269 TIME-WAIT CLOSED
	connections 1
EOF
"$EXPLAIN" --json -r "$W/json.pcap" >"$W/json.explain" 2>/dev/null
for f in json.srv json.cli json.explain; do
	if ! json_segments "$W/$f" >"$W/$f.fields" 2>"$W/$f.fields.err"; then
		fail "$f: $(cat "$W/$f.fields.err")"
	elif cmp -s "$W/expect" "$W/$f.fields"; then
		pass
	else
		fail "$f: the segments are not the article's (- article, + $f):"
		diff -u "$W/expect" "$W/$f.fields" | sed -n '3,20p'
	fi
done
check "--json: the client's body and setup line stay off standard output" \
	sh -c "! grep -q -e 'This is zhenghui' -e '^tcplab-client' '$W/json.cli'"
check "--json: the server's summary goes to standard error" \
	grep -q '^tcplab-server: 1 connections' "$W/json.srv.err"

tl_say "from another client port, both programs say the exchange will differ"
CLI_OPTS=(--sport 40000)
replay other
CLI_OPTS=()
n=$(grep -c '^tcplab-client: .*: on other addresses or ports, the addresses and checksums will differ from the article$' "$W/other.cli")
check "the client said so once ($n)" [ "$n" -eq 1 ]
n=$(grep -c '^tcplab-server: .*: on other addresses or ports, the addresses and checksums will differ from the article$' "$W/other.srv")
check "the server said so once ($n)" [ "$n" -eq 1 ]
"$COMPARE" "$W/other.pcap" >"$W/other.diff" 2>&1
rc=$?
n=$(grep -Ec '^\+.*\.40000( >|:)' "$W/other.diff")
check "compare-article.sh finds the port (exit $rc, $n lines)" \
	test "$rc" -eq 1 -a "$n" -eq 10
n=$(grep -Ec '^-.*\.57290( >|:)' "$W/other.diff")
check "... against the article's 57290 ($n lines)" [ "$n" -eq 10 ]

tl_say "--step in both programs, Enter at every prompt"
printf '\n%.0s' 1 2 3 4 5 6 7 8 9 10 >"$W/enters"
SRV_IN=$W/enters CLI_IN=$W/enters replay step --step
against_article "the --step run's capture" "$W/step.pcap"
n=$(grep -c '^step: Enter sends it, q aborts: ' "$W/step.srv")
check "the server asked before each of its 4 segments ($n)" [ "$n" -eq 4 ]
n=$(grep -c 'Enter\] sends it, q aborts' "$W/step.cli")
check "the client asked before each of its 6 segments ($n)" [ "$n" -eq 6 ]
check "the server showed the SYN-ACK's ack arithmetic" \
	grep -q '^  | ack 250118292 = 250118291 + 1 (their SYN takes one number)' "$W/step.srv"

tl_say "--step: two seconds at the client's first prompt"
# The client's clock stands still at a prompt: the SYN, held there longer
# than its 1 s RTO, must go out once, not once and again at once.
mkfifo "$W/slow"
(
	sleep 2
	printf '\n%.0s' 1 2 3 4 5 6
) >"$W/slow" &
TL_PIDS+=("$!")
CLI_OPTS=(--step)
CLI_IN=$W/slow replay slow
CLI_OPTS=()
n=$("$TCPDUMP" -n -r "$W/slow.pcap" \
	'tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0' 2>/dev/null | grep -c Flags)
check "one SYN on the wire after 2 s at its prompt ($n)" [ "$n" -eq 1 ]
against_article "the slow --step run's capture" "$W/slow.pcap"

tl_say "--step: two seconds at the server's prompt for the response"
# The same for the server: its response, held at the prompt longer than
# its RTO, goes out once.
mkfifo "$W/sslow"
(
	printf '\n\n'
	sleep 2
	printf '\n%.0s' 1 2 3 4 5
) >"$W/sslow" &
TL_PIDS+=("$!")
SRV_OPTS=(--step)
SRV_IN=$W/sslow replay sslow
SRV_OPTS=()
n=$("$TCPDUMP" -n -r "$W/sslow.pcap" \
	'src port 8080 and tcp[tcpflags] & tcp-push != 0' 2>/dev/null | grep -c Flags)
check "one response on the wire after 2 s at its prompt ($n)" [ "$n" -eq 1 ]
against_article "the slow server --step run's capture" "$W/sslow.pcap"

# slow_enters FIFO N: a student who thinks 1.5 s before each of N
# Enters, longer than the other end's initial RTO of 1 s. The sleep is
# the student's delay, not a synchronisation: the prompts simply wait.
slow_enters() {
	mkfifo "$1"
	(
		for _ in $(seq "$2"); do
			sleep 1.5
			printf '\n'
		done
	) >"$1" &
	TL_PIDS+=("$!")
}

# The flags of every segment in capture $1, in order, on one line.
flags_of() {
	"$TCPDUMP" -n -r "$1" 2>/dev/null |
		sed -nE 's/.*Flags \[([^]]*)\].*/\1/p' | paste -sd ' '
}

# How many segments of capture $1 carry exactly the flags $2 ("S.").
count_flags() {
	flags_of "$1" | tr ' ' '\n' | grep -cxF -- "$2"
}

tl_say "--lab-clock: 1.5 s at each of the client's --step prompts"
# The server's timers wait while the client's student thinks: not one
# segment is retransmitted, though each prompt outlasts the server's
# RTO. The capture is then the article's, TS values included.
slow_enters "$W/lab.in" 6
CLI_OPTS=(--step)
CLI_IN=$W/lab.in replay lab --lab-clock "$W/lab.clock"
CLI_OPTS=()
got=$(flags_of "$W/lab.pcap")
check "no retransmission with a shared clock: $got" \
	[ "$got" = "S S. . P. . P. . F. F. ." ]
against_article "the --lab-clock --step run's capture" "$W/lab.pcap"
no_rst "$W/lab.pcap"

tl_say "... and without --lab-clock, the server retransmits its SYN-ACK"
slow_enters "$W/nolab.in" 8
CLI_OPTS=(--step)
CLI_IN=$W/nolab.in replay nolab
CLI_OPTS=()
n=$(count_flags "$W/nolab.pcap" S.)
check "the SYN-ACK went out more than once ($n): $(flags_of "$W/nolab.pcap")" \
	[ "$n" -gt 1 ]

tl_say "--lab-clock: 1.5 s at the server's --step prompt for the SYN-ACK"
# The other way round: the client's SYN waits with the server's student.
slow_enters "$W/slab.in" 4
SRV_OPTS=(--step)
SRV_IN=$W/slab.in replay slab --lab-clock "$W/slab.clock"
SRV_OPTS=()
got=$(flags_of "$W/slab.pcap")
check "one SYN with a shared clock: $got" \
	[ "$got" = "S S. . P. . P. . F. F. ." ]

tl_say "--step: q at the client's request aborts it with a RST"
printf '\n\nq\n' >"$W/quit"
CLI_OPTS=(--step)
CLI_WANT=1 CLI_IN=$W/quit replay quit
CLI_OPTS=()
rst=$("$TCPDUMP" -t -n -r "$W/quit.pcap" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null)
check "one RST, from the client, at the request's seq: $rst" \
	grep -qx 'IP 192.168.101.25.57290 > 192.168.101.5.8080: Flags \[R\.\], seq 250118292, ack 2336326089, win 229, length 0' <<<"$rst"
n=$("$TCPDUMP" -n -r "$W/quit.pcap" 2>/dev/null | grep -c 'Flags')
check "the SYN, SYN-ACK, ACK and RST only ($n segments)" [ "$n" -eq 4 ]
check "the client says the user aborted" \
	grep -q 'aborted: the user pressed q' "$W/quit.cli.err"
check "the server saw the reset" \
	grep -q '^tcplab-server: 1 connections (1 closed, 1 reset, ' "$W/quit.srv"

tl_say "--step: q at the server's SYN-ACK stops the server"
printf 'q\n' >"$W/quit"
SRV_OPTS=(--step)
CLI_OPTS=(--syn-retries 0)
SRV_IN=$W/quit CLI_WANT=1 replay squit
SRV_OPTS=()
CLI_OPTS=()
check "the server said it aborted" grep -q '^step: aborted$' "$W/squit.srv"
check "the server sent nothing" \
	grep -q '^tcplab-server: 1 connections .* 1 segments in, 0 out' "$W/squit.srv"
check "the client gave up on its SYN: $(cat "$W/squit.cli.err")" \
	grep -q 'no answer from 192.168.101.5 port 8080 after 1 SYNs' "$W/squit.cli.err"
no_rst "$W/squit.pcap"

tl_summary
