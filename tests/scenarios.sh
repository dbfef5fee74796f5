#!/bin/bash
# scenarios.sh: teachers' labs written as scenarios (tcplab-scenario(5)),
# run the way a teacher runs them.
#
# With namespace names of its own, through the runner in the build tree:
# - a scenario in a teacher's directory is listed by `tcplab list --labs
#   DIR` and with TCPLAB_LABS, and runs by its name;
# - the manual's examples run and hold as they are written;
# - a scenario with a mistake is not run: one line names its file, line
#   and column and what was expected, exit status 2;
# - each scenario that comes with tcplab holds with --auto (one end on
#   Linux's TCP in two of them), and what tcplab-play printed is tcpdump's
#   line for every segment; so do a teacher's with Linux's TCP as the
#   client, and one where tcplab drops a segment and delays another;
# - a scenario whose expectation cannot hold fails, names the line and
#   the field, exit status 1 (the check can fail);
# - --student: two students' ISNs and client ports differ (read from
#   tcpdump -S of their runs), the same student's are the same twice;
# - tcplab handout --key --student: each student's key has that
#   student's ISNs and not the neighbour's; her sheet to fill in has none;
# - --record: one "lab" JSON line per run with the outcome, and the
#   prediction lines of an interactive run fed from a pipe, right and wrong
#   as answered, with the expected value that student's run had;
# - a capture made into a scenario (tcplab-explain --scenario) and run
#   gives tcpdump the capture's flags: the article's exchange (its pcap,
#   and its text as the article prints it, without bytes), and real
#   wget and curl against python's http.server on the lab's hosts;
# - nothing is left behind: no namespace, no address the scenario added.
# Needs root; under CI=true it fails instead of skipping.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "scenarios.sh"
need_cmd ip tcpdump python3 timeout setsid ethtool
SCN_RUNNER=$top_srcdir/labs/tcplab
for p in client/tcplab-client server/tcplab-server explain/tcplab-explain \
	labs/tcplab-text labs/tcplab-play; do
	[ -x "$top_builddir/$p" ] || tl_skip_or_fail "$p not built (run make first)"
done
export TCPLAB_CLIENT_NS=tlsc$$ TCPLAB_SERVER_NS=tlss$$
export TCPLAB_CLIENT_BIN=$top_builddir/client/tcplab-client
export TCPLAB_SERVER_BIN=$top_builddir/server/tcplab-server
export TCPLAB_EXPLAIN_BIN=$top_builddir/explain/tcplab-explain
export TCPLAB_TEXT_BIN=$top_builddir/labs/tcplab-text
export TCPLAB_PLAY_BIN=$top_builddir/labs/tcplab-play
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
export TCPLAB_TMP=$W
TL_NETNS+=("$TCPLAB_CLIENT_NS" "$TCPLAB_SERVER_NS")
unset TCPLAB_LABS

runner() { COLUMNS=80 timeout 300 setsid -w "$SCN_RUNNER" "$@" </dev/null; }

# The hosts stay up for the whole test: each run finds them there.
runner up >/dev/null 2>&1 || fail "tcplab up failed"

# --- a teacher's directory --------------------------------------------
mkdir -p "$W/mine"
cat >"$W/mine/my-handshake.scn" <<'EOF'
title my own handshake, against Linux's TCP
client - tcplab
server - 8080 kernel
server listen
client connect
client > S 0:0(0) win 64240 <mss 1460,sackOK,TS val * ecr 0,nop,wscale *>
server > S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val * ecr *,nop,wscale *>
client > . 1:1(0) ack 1
client send "hello"
client > P. 1:6(5) ack 1 "hello"
server > . 1:1(0) ack 6
client abort
client > R. 6:6(0) ack 1
EOF
# Linux's TCP as the client, and a lost and a late segment of tcplab's.
cat >"$W/mine/kernel-client.scn" <<'EOF'
title Linux's TCP as the client, tcplab's as the server
client - kernel
server - 8080 tcplab
server listen
client connect
client > S 0:0(0) <mss 1460,sackOK,TS val * ecr 0,nop,wscale *>
server > S. 0:0(0) ack 1
client > . 1:1(0) ack 1
client send "GET / HTTP/1.0\r\n\r\n"
client > P. 1:19(18) ack 1 "GET /"
server > . 1:1(0) ack 19
server send "HTTP/1.0 200 OK\r\n\r\nhi"
server > P. 1:22(21) ack 19 "HTTP/1.0 200"
client > . 19:19(0) ack 22
server close
server > F. 22:22(0) ack 19
client > . 19:19(0) ack 23
client close
client > F. 19:19(0) ack 23
server > . 23:23(0) ack 20
EOF
cat >"$W/mine/lost.scn" <<'EOF'
title a lost segment and a late one
server listen
client connect
client > S 0:0(0)
server > S. 0:0(0) ack 1
client > . 1:1(0) ack 1
client send "hello"
drop client > P. 1:6(5) ack 1
client > P. 1:6(5) ack 1
server > . 1:1(0) ack 6
server send "world"
delay 0.1 server > P. 1:6(5) ack 6
client > . 6:6(0) ack 6
client close
client > F. 6:6(0) ack 6
server close
server > F. 6:6(0) ack 7
client > . 7:7(0) ack 7
EOF
out=$(runner list --labs "$W/mine" 2>&1)
check "list --labs shows the teacher's scenario" grep -q '^my-handshake  *my own handshake' <<<"$out"
check "list shows the scenarios that come with tcplab" grep -q '^zero-window ' <<<"$out"
out=$(TCPLAB_LABS="/nonexistent-$$:$W/mine" runner list 2>&1)
rc=$?
check "a TCPLAB_LABS directory that does not exist is named" grep -q "nonexistent-$$" <<<"$out"
check "... and tcplab list exits 2 (it did $rc)" [ "$rc" -eq 2 ]
out=$(TCPLAB_LABS="$W/mine" runner list 2>&1)
check "TCPLAB_LABS adds the teacher's directory" grep -q '^my-handshake ' <<<"$out"
out=$(TCPLAB_LABS="$W/mine" runner run my-handshake --auto 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /' | tail -30
check "the teacher's scenario against Linux's TCP holds (exit $rc)" [ "$rc" -eq 0 ]
check "it says every expectation held" grep -q 'scenario: 6 of 6 expectations held' <<<"$out"
printf '%s\n' "$out" >"$W/mine.out"
fits "tcplab run my-handshake" "$W/mine.out"

# Addresses and a port of the scenario's own, and IPv6.
cat >"$W/mine/addresses.scn" <<'EOF'
title other addresses and port
client 10.9.1.2 kernel
server 10.9.2.1 9000 tcplab
server listen
client connect
client > S 0:0(0)
server > S. 0:0(0) ack 1
client > . 1:1(0) ack 1
client close
client > F. 1:1(0) ack 1
server > . 1:1(0) ack 2
server close
server > F. 1:1(0) ack 2
client > . 2:2(0) ack 2
EOF
sed -e 's/^client 10.9.1.2 kernel/client 2001:db8:101::25 tcplab/' \
	-e 's/^server 10.9.2.1 9000 tcplab/server 2001:db8:101::5 8080 kernel/' \
	-e 's/^client > S 0:0(0)$/client > S 0:0(0) <mss 1440,sackOK,TS val * ecr 0,nop,wscale *>/' \
	"$W/mine/addresses.scn" >"$W/mine/ipv6.scn"
out=$(runner run addresses --labs "$W/mine" --auto 2>&1)
check "a scenario's own addresses and port hold (exit $?)" \
	grep -q 'scenario: 7 of 7 expectations held' <<<"$out"
check "its segments went between them" grep -q '10.9.1.2.[0-9]* > 10.9.2.1.9000: Flags \[S\]' <<<"$out"
check "the address it added is gone after the run" \
	sh -c "! ip -n $TCPLAB_CLIENT_NS addr show | grep -q 10.9.1.2"
check "the route it added (two subnets) is gone after the run" \
	sh -c "! ip -n $TCPLAB_CLIENT_NS route show | grep -q 10.9.2.1"
out=$(runner run ipv6 --labs "$W/mine" --auto 2>&1)
check "a scenario over IPv6 holds (exit $?)" \
	grep -q 'scenario: 7 of 7 expectations held' <<<"$out"
check "its segments went between the IPv6 addresses" \
	grep -q '2001:db8:101::5\.8080: Flags \[S\]' <<<"$out"

out=$(runner run kernel-client --labs "$W/mine" --auto 2>&1)
rc=$?
check "Linux's TCP as the client holds (exit $rc)" [ "$rc" -eq 0 ]
check "every expectation of kernel-client held" \
	grep -q 'scenario: 11 of 11 expectations held' <<<"$out"
out=$(runner run lost --labs "$W/mine" --auto 2>&1)
rc=$?
check "the lost and the late segment hold (exit $rc)" [ "$rc" -eq 0 ]
check "the drop is said" grep -q '^  dropped: line 8: client > P. 1:6(5) ack 1' <<<"$out"
check "the delay is said" grep -q '^  delayed: line 12: server > P. 1:6(5) ack 6' <<<"$out"
check "the retransmission is the expectation after the drop" \
	grep -q '^  ok: line 9: client > P. 1:6(5) ack 1' <<<"$out"
check "tcpdump never saw the dropped segment: 10 segments agree" \
	grep -q 'agree on 10 segment(s), disagree on 0' <<<"$out"

# The manual's examples run as they are, written from tcplab-scenario(5)
# alone: every one that is a whole scenario (an end listens).
python3 - "$top_srcdir/man/tcplab-scenario.5" "$W/man" <<'EOF' ||
import os, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
os.makedirs(sys.argv[2], exist_ok=True)
ex = page[page.index(".SH EXAMPLES"):]
n = 0
for block in re.findall(r"\.EX\n(.*?)\.EE", ex, re.S):
    if " listen" not in block:
        continue
    n += 1
    text = block.replace("\\e", "\\").replace("\\-", "-")
    open(os.path.join(sys.argv[2], "example%d.scn" % n), "w").write(text)
sys.exit(0 if n >= 3 else 1)
EOF
	fail "the manual's examples could not be read"
for f in "$W"/man/example*.scn; do
	out=$(runner run "$f" --auto 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then pass; else
		fail "the manual's $(basename "$f") exited $rc"
		grep -A1 'NOT AS EXPECTED' <<<"$out" | head -6 | sed 's/^/    /'
	fi
done

# --- a mistake in a scenario ------------------------------------------
printf 'server listen\nclient connect\nclient > Q 0:0(0)\n' >"$W/bad.scn"
out=$(runner run "$W/bad.scn" --auto 2>&1)
rc=$?
check "a scenario with a mistake exits 2 (it did $rc)" [ "$rc" -eq 2 ]
# One message, wrapped to the 80 columns with a hanging indent; read
# unwrapped, whatever the length of the work directory's path.
check "the error is one message" [ "$(grep -vc '^  ' <<<"$out")" -eq 1 ]
out=$(printf '%s\n' "$out" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n  / /g')
check "the error names file, line and column: $out" \
	grep -q "^tcplab: $W/bad.scn:3:10: unknown flag 'Q'" <<<"$out"

# --- an expectation that cannot hold ------------------------------------
sed 's/win 65160/win 1234/' "$W/mine/my-handshake.scn" >"$W/wrong.scn"
out=$(runner run "$W/wrong.scn" --auto 2>&1)
rc=$?
check "a scenario that does not hold exits 1 (it did $rc)" [ "$rc" -eq 1 ]
check "it names the line and the field" \
	grep -q 'NOT AS EXPECTED: line 7: .*' <<<"$out"
check "and the window the wire had" grep -q 'differs in win: the wire had server > S. 0:0(0) ack 1 win 65160' <<<"$out"

# --- the scenarios that come with tcplab -------------------------------
for s in "$top_srcdir"/labs/*.scn; do
	n=$(basename "$s" .scn)
	out=$(runner run "$n" --auto 2>&1)
	rc=$?
	printf '%s\n' "$out" >"$W/$n.out"
	if [ "$rc" -eq 0 ]; then pass; else
		fail "scenario $n exited $rc"
		tail -40 "$W/$n.out" | sed 's/^/    /'
	fi
	check "$n: tcplab-play printed tcpdump's line for every segment" \
		grep -q "every line of tcplab-play is tcpdump's line" "$W/$n.out"
	fits "tcplab run $n" "$W/$n.out"
done

# --- students' numbers and records -------------------------------------
# isn_port NAME: "CLIENT-ISN SERVER-ISN CLIENT-PORT" of that student's run
# of simultaneous-close, from tcpdump -S of the capture the run kept.
isn_port() {
	local t d
	t=$(mktemp -d "$W/isn.XXXXXX")
	TCPLAB_TMP=$t runner run simultaneous-close --auto --keep \
		--student "$1" --record "$W/class.jsonl" >/dev/null 2>&1
	d=$(find "$t" -name dump.pcap | head -1)
	"$TCPDUMP" -S -nn -r "$d" 2>/dev/null | awk '
		/Flags \[S\],/ { split($3, a, "."); p = a[5]; c = $9; sub(/,/, "", c) }
		/Flags \[S\.\],/ { s = $9; sub(/,/, "", s) }
		END { print c, s, p }'
	rm -rf "$t"
}
TCPDUMP=$(command -v tcpdump || echo /usr/sbin/tcpdump)
a1=$(isn_port "Ana Li")
b1=$(isn_port "Bo Chen")
a2=$(isn_port "Ana Li")
tl_say "Ana Li: $a1 / $a2; Bo Chen: $b1"
check "a student's numbers were read ($a1)" [ "$(wc -w <<<"$a1")" -eq 3 ]
check "the same student gets the same ISNs and port" [ "$a1" = "$a2" ]
read -r ac as ap <<<"$a1"
read -r bc bs bp <<<"$b1"
check "neighbours' client ISNs differ" [ "$ac" != "$bc" ]
check "neighbours' server ISNs differ" [ "$as" != "$bs" ]
check "neighbours' ports differ" [ "$ap" != "$bp" ]
# The answer key of each student carries that student's numbers.
runner handout simultaneous-close --html "$W/key-ana.html" --key \
	--student "Ana Li" >/dev/null 2>&1 || fail "handout --key for Ana Li"
runner handout simultaneous-close --html "$W/key-bo.html" --key \
	--student "Bo Chen" >/dev/null 2>&1 || fail "handout --key for Bo Chen"
check "Ana's key has her client ISN $ac" grep -q "$ac" "$W/key-ana.html"
check "Ana's key has her server ISN $as" grep -q "$as" "$W/key-ana.html"
check "Ana's key names her" grep -q "Ana Li" "$W/key-ana.html"
check "Bo's key has his ISNs" grep -q "$bc" "$W/key-bo.html"
check "Bo's key has none of Ana's" sh -c "! grep -q '$ac' '$W/key-bo.html'"
runner handout simultaneous-close --html "$W/sheet.html" \
	--student "Ana Li" >/dev/null 2>&1 || fail "handout"
check "Ana's sheet, not a key, leaves her ISNs out" \
	sh -c "! grep -q '$ac' '$W/sheet.html'"
out=$(runner handout 1 --html "$W/no.html" 2>&1)
check "a built-in lab has no handout, and says so: $out" \
	grep -q "is a built-in lab" <<<"$out"

check "three lab records" [ "$(grep -c '"type":"lab"' "$W/class.jsonl")" -eq 3 ]
check "each passed" [ "$(grep -c '"outcome":"passed"' "$W/class.jsonl")" -eq 3 ]
if python3 - "$W/class.jsonl" <<'EOF'; then pass; else fail "the records do not follow the schema"; fi
import json, sys
keys = ["type", "student", "lab", "score", "of", "expectations", "met",
        "duration", "outcome", "time"]
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert list(o) == keys, list(o)
    assert o["lab"] == "simultaneous-close" and o["met"] == o["expectations"]
EOF

# A built-in lab records its run too.
rm -f "$W/lab1.jsonl"
runner run 1 --auto --student "Li Lei" --record "$W/lab1.jsonl" >/dev/null 2>&1 ||
	fail "lab 1 with --record"
check "lab 1's record: one lab line, passed, its expectations all met" \
	python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; assert len(r)==1 and r[0]["lab"]=="01-handshake" and r[0]["student"]=="Li Lei" and r[0]["outcome"]=="passed" and r[0]["met"]==r[0]["expectations"]>0' "$W/lab1.jsonl"
out=$(runner grade "$W/class.jsonl" "$W/lab1.jsonl" 2>&1)
check "grade: a row per student and lab" \
	[ "$(grep -cE '^(Ana Li|Bo Chen|Li Lei) ' <<<"$out")" -eq 3 ]
check "grade: Ana ran simultaneous-close twice" \
	grep -qE '^Ana Li +simultaneous-close +2 ' <<<"$out"

# An interactive run fed from a pipe, a line for each prompt: Enter for
# the two opens and after each of the handshake's segments, for the two
# closes, a prediction (right), Enter after each FIN, a prediction
# (wrong), Enter after the ACKs, then the two answers (right, wrong).
rm -f "$W/pred.jsonl"
printf '\n\n\n\n\n\n\n1 1\n\n\n7 7\n\nclosing\nthree\n' |
	COLUMNS=80 timeout 300 setsid -w "$SCN_RUNNER" run simultaneous-close \
		--student "Ana Li" --record "$W/pred.jsonl" >"$W/pred.out" 2>&1
fits "an interactive run, its questions and answers" "$W/pred.out"
check "the answer's why is shown" grep -q 'each is an active closer' "$W/pred.out"
records_wrong() {
	fail "the prediction records are wrong"
	cat "$W/pred.jsonl"
	tail -30 "$W/pred.out"
}
if python3 - "$W/pred.jsonl" <<'EOF'; then pass; else records_wrong; fi

import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pred = [r for r in recs if r["type"] == "prediction"]
ques = [r for r in recs if r["type"] == "question"]
lab = [r for r in recs if r["type"] == "lab"]
keys = ["type", "student", "lab", "item", "answer", "expected", "right", "time"]
for r in pred + ques:
    assert list(r) == keys, list(r)
assert [(r["item"], r["answer"], r["expected"], r["right"]) for r in pred] == [
    ("predict 1 seq", "1", "1", True), ("predict 1 ack", "1", "1", True),
    ("predict 2 seq", "7", "2", False), ("predict 2 ack", "7", "2", False)], pred
assert [r["right"] for r in ques] == [True, False], ques
assert len(lab) == 1 and lab[0]["score"] == 3 and lab[0]["of"] == 6, lab
EOF

# --- a capture made into a scenario, replayed ---------------------------
# flags_of PCAP: tcpdump's flags of every TCP segment, in order.
flags_of() {
	"$TCPDUMP" -nn -r "$1" tcp 2>/dev/null |
		sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' '
}
# round_trip NAME CAPTURE: tcplab-explain --scenario of the capture (a
# pcap, or tcpdump's text pasted into a .txt file), run with --auto;
# tcpdump's flags of the run are the capture's.
round_trip() {
	local name=$1 pcap=$2 t d want got src=(-r "$2")
	[ "${pcap%.txt}" != "$pcap" ] && src=("$pcap")
	if ! "$TCPLAB_EXPLAIN_BIN" --scenario "$W/$name.scn" "${src[@]}" \
		>/dev/null 2>"$W/$name.err"; then
		fail "$name: --scenario failed: $(cat "$W/$name.err")"
		return
	fi
	t=$(mktemp -d "$W/rt.XXXXXX")
	if TCPLAB_TMP=$t runner run "$W/$name.scn" --auto --keep \
		>"$W/$name.out" 2>&1; then pass; else
		fail "$name: the replay did not hold"
		tail -20 "$W/$name.out" | sed 's/^/    /'
	fi
	d=$(find "$t" -name dump.pcap | head -1)
	if [ "${pcap%.txt}" != "$pcap" ]; then
		want=$(sed -n 's/.*Flags \[\([^]]*\)\].*/\1 /p' "$pcap" | tr -d '\n')
	else
		want=$(flags_of "$pcap")
	fi
	got=$(flags_of "$d")
	tl_say "$name: capture [$want], replay [$got]"
	check "$name: a flag pattern was read" [ -n "$want" ]
	check "$name: the replay's flags are the capture's" [ "$got" = "$want" ]
	check "$name: tcplab-play printed tcpdump's lines" \
		grep -q "every line of tcplab-play is tcpdump's line" "$W/$name.out"
	rm -rf "$t"
}
"$top_builddir/tests/mkpcap" article "$W/article.pcap" ||
	fail "mkpcap article"
round_trip article "$W/article.pcap"
round_trip article-text "$top_srcdir/tests/data/article-trace.txt"

# Real wget and curl against python's http.server, captured by tcpdump on
# the server's host (the hosts tcplab up made).
TCPLAB_DEV=${TCPLAB_IF:-eth0}
# wait_until COMMAND...: tl_wait_for, for up to 30 s (a busy VM starts
# python slowly).
wait_until() { TL_WAIT_TENTHS=300 tl_wait_for "$@"; }
listening() { ip netns exec "$TCPLAB_SERVER_NS" ss -ltn | grep -q ':8080 '; }
# Both FINs of the exchange are in the capture.
closed() {
	[ "$("$TCPDUMP" -nn -r "$1" 2>/dev/null | grep -c 'Flags \[F')" -ge 2 ]
}
printf 'hello from the server\n' >"$W/index.html"
(cd "$W" && exec ip netns exec "$TCPLAB_SERVER_NS" python3 -m http.server \
	8080 --bind 192.168.101.5 >"$W/http.log" 2>&1) &
HTTP_PID=$!
TL_PIDS+=("$HTTP_PID")
wait_until listening ||
	fail "python's http.server did not start"
for peer in wget curl; do
	ip netns exec "$TCPLAB_SERVER_NS" "$TCPDUMP" -i "$TCPLAB_DEV" -U -nn \
		-w "$W/$peer.pcap" tcp port 8080 >"$W/$peer.td" 2>&1 &
	td=$!
	wait_until grep -q 'listening on' "$W/$peer.td" ||
		fail "tcpdump did not start for $peer"
	case $peer in
	wget) ip netns exec "$TCPLAB_CLIENT_NS" wget -q -O /dev/null \
		http://192.168.101.5:8080/index.html ;;
	curl) ip netns exec "$TCPLAB_CLIENT_NS" curl -s -o /dev/null \
		http://192.168.101.5:8080/index.html ;;
	esac || fail "$peer did not fetch the page"
	# Both FINs captured: the last ACK follows at once (-U writes
	# each packet as it comes).
	wait_until closed "$W/$peer.pcap" || fail "$peer's close was not captured"
	kill "$td" 2>/dev/null
	wait "$td" 2>/dev/null
done
# The replay's raw server holds port 8080 itself.
kill "$HTTP_PID" 2>/dev/null
wait "$HTTP_PID" 2>/dev/null
for peer in wget curl; do
	round_trip "$peer" "$W/$peer.pcap"
done

runner down >/dev/null 2>&1
if ip netns list | grep -qw -e "$TCPLAB_CLIENT_NS" -e "$TCPLAB_SERVER_NS"; then
	fail "a namespace is left"
else
	pass
fi
tl_summary
