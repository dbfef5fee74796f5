#!/bin/bash
# scenario.sh: tcplab-explain --scenario writes a scenario that replays a
# capture's connection, and the scenario parser reads it back.
#
# No root: nothing is sent. The article's trace as published (tcpdump's
# text, no payload bytes), the same exchange as a pcap (mkpcap: with the
# bytes) and a real wget capture are each turned into a scenario; each
# must parse (tests/scnflags runs scn_parse), both ends raw, and its
# segment lines must give the flags of the capture itself as tcpdump
# reads it (S S. . P. . P. . F. F. . for the article). The pcap's request
# comes back as its bytes, the text's as its length; the timing is there.
# Every connection of mkpcap's odd captures (SACK, RSTs, a wrap, IPv6...)
# gives a scenario that parses and keeps its flags. Then the errors:
# --plain, a missing connection, an unwritable file; "--scenario -"
# prints the scenario alone; and in Chinese the comments are Chinese and
# the file still parses.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tl_find_programs
SCNFLAGS=${SCNFLAGS:-$top_builddir/tests/scnflags}
[ -x "$SCNFLAGS" ] || tl_skip_or_fail "$SCNFLAGS not found (run make check)"

DATA=$top_srcdir/tests/data
work=
tl_workdir work "$top_builddir/tests/work"
ARTICLE_FLAGS='S S. . P. . P. . F. F. .'

# The flags of a capture's segments as tcpdump prints them, one line.
tcpdump_flags() {
	"$TCPDUMP" -nn -r "$1" 2>/dev/null |
		sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ' |
		sed 's/ $//'
}

# The flags of one connection as tcplab-explain --json numbers them.
conn_flags() { # FILE CONN
	"$EXPLAIN" --json -r "$1" 2>/dev/null | python3 -c '
import json, sys
want = int(sys.argv[1])
print(" ".join(o["flags"] for o in map(json.loads, sys.stdin)
               if o.get("type") == "segment" and o.get("conn") == want))
' "$2"
}

# expect_flags WHAT SCN WANT: the scenario parses, with these flags.
expect_flags() {
	local got
	if ! got=$("$SCNFLAGS" "$2"); then
		fail "$1: the scenario does not parse: $got"
	elif [ "$got" = "$3" ]; then pass; else
		fail "$1: flags '$got', the capture's are '$3'"
	fi
}

# 1. The article's text: lengths, no bytes; names become "-".
if "$EXPLAIN" --scenario "$work/text.scn" "$DATA/article-trace.txt" \
	>/dev/null 2>"$work/err"; then pass; else
	fail "--scenario on the article's text: $(cat "$work/err")"
fi
expect_flags "the article's text" "$work/text.scn" "$ARTICLE_FLAGS"
text_flags=$(sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' \
	"$DATA/article-trace.txt" | tr '\n' ' ' | sed 's/ $//')
check "the article's text has the article's flags" \
	test "$text_flags" = "$ARTICLE_FLAGS"
check "the text's scenario: a title from the file name" \
	grep -qx 'title article-trace' "$work/text.scn"
check "the text's scenario: the client's name is the lab's address" \
	grep -qx 'client - raw' "$work/text.scn"
check "the text's scenario: the server as captured" \
	grep -qx 'server 192.168.101.5 8080 raw' "$work/text.scn"
check "the text's request: its length, without bytes" \
	grep -qx '+0.001 inject client > P. 1:143(142) ack 1 win 229 <nop,nop,TS val 4595426 ecr 2480165653>' \
	"$work/text.scn"
check "the text's lines: one inject per segment" \
	test "$(grep -c '^\(+[0-9.]* \)\?inject ' "$work/text.scn")" -eq 10
check "the text's first segment: no time before it" \
	grep -q '^inject client > S 0:0(0) win 29200 <mss 1460,sackOK,TS val 4595424 ecr 0,nop,wscale 7>$' \
	"$work/text.scn"

# 2. The article's pcap: the same, with the bytes.
"$MKPCAP" article "$work/article.pcap" || fail "mkpcap article"
if "$EXPLAIN" --scenario "$work/pcap.scn" -r "$work/article.pcap" \
	>/dev/null 2>"$work/err"; then pass; else
	fail "--scenario on the article's pcap: $(cat "$work/err")"
fi
expect_flags "the article's pcap" "$work/pcap.scn" \
	"$(tcpdump_flags "$work/article.pcap")"
expect_flags "the article's pcap (the article's flags)" "$work/pcap.scn" \
	"$ARTICLE_FLAGS"
check "the pcap's request: its bytes, escaped" \
	grep -q '^+0.001 inject client > P. 1:143(142) ack 1 win 229 <nop,nop,TS val 4595426 ecr 2480165653> "GET /truedei/test?name=zhenghui HTTP/1.1\\r\\nUser-Agent: Wget/1.14 (linux-gnu)\\r\\n' \
	"$work/pcap.scn"
check "the pcap's response: its bytes" \
	grep -q 'inject server > P. 1:268(267) .*"HTTP/1.1 200 \\r\\n.*This is zhenghui"$' \
	"$work/pcap.scn"
check "the pcap's hosts as captured" \
	grep -qx 'client 192.168.101.25 raw' "$work/pcap.scn"
# The text and the pcap agree but for the payload.
sed 's/ "[^"]*\(\\"[^"]*\)*"$//' "$work/pcap.scn" | grep -v '^[#ct]' \
	>"$work/pcap.lines"
grep -v '^[#ct]' "$work/text.scn" >"$work/text.lines"
check "the text's and the pcap's scenarios differ only in the bytes" \
	cmp -s "$work/pcap.lines" "$work/text.lines"

# 3. A real capture: wget and Linux's own TCP.
cap=$DATA/wget-kernel-8080.pcap
"$EXPLAIN" --scenario "$work/wget.scn" -r "$cap" >/dev/null 2>&1 ||
	fail "--scenario on $cap"
expect_flags "wget's capture" "$work/wget.scn" "$(tcpdump_flags "$cap")"

# 4. Every connection of the odd captures parses and keeps its flags;
# a SYN the run cannot inject (seq not 0) is left in a comment.
for k in zoo sack rst wrap midstream interleaved http ip6; do
	"$MKPCAP" "$k" "$work/$k.pcap" >/dev/null || fail "mkpcap $k"
	n=$("$EXPLAIN" --json -r "$work/$k.pcap" 2>/dev/null |
		grep -c '"type":"connection"')
	for c in $(seq 1 "$n"); do
		"$EXPLAIN" --conn "$c" --scenario "$work/k.scn" \
			-r "$work/$k.pcap" >/dev/null 2>&1 ||
			fail "--scenario, $k connection $c"
		want=$(conn_flags "$work/$k.pcap" "$c")
		if grep -q '^# inject ' "$work/k.scn"; then
			# The flags of the lines left in comments go too.
			skipped=$(sed -n 's/^# inject [a-z]* > \([^ ]*\) .*/\1/p' \
				"$work/k.scn" | tr '\n' ' ')
			check "$k connection $c: the SYNs left out are SYNs" \
				test -z "$(echo "$skipped" | tr -d 'S ')"
			want=$(grep -v '^# ' "$work/k.scn" | grep -c inject)
			got=$("$SCNFLAGS" "$work/k.scn" | wc -w)
			check "$k connection $c: the rest parses" test "$got" = "$want"
		else
			expect_flags "$k connection $c" "$work/k.scn" "$want"
		fi
	done
done
"$EXPLAIN" --scenario "$work/zoo.scn" -r "$work/zoo.pcap" >/dev/null 2>&1
check "zoo: a SYN the run cannot inject is in a comment" \
	grep -q '^# inject client > S [1-9]' "$work/zoo.scn"

# 5. "--scenario -": the scenario alone on standard output.
"$EXPLAIN" --scenario - -r "$work/article.pcap" >"$work/out.scn" \
	2>"$work/err" || fail "--scenario -"
check "--scenario -: standard output is the scenario" \
	cmp -s "$work/out.scn" "$work/pcap.scn"
grep '^[#ct]' "$work/out.scn" >"$work/head.txt"
fits "the scenario's header" "$work/head.txt"

# 6. Mistakes: each says what, and the status says how.
"$EXPLAIN" --plain --scenario "$work/x.scn" -r "$work/article.pcap" \
	>/dev/null 2>"$work/err"
rc=$?
check "--scenario with --plain: status 2" test "$rc" -eq 2
check "--scenario with --plain: the message" \
	grep -q -- '--scenario needs the explanations: it cannot go with --plain' \
	"$work/err"
"$EXPLAIN" --scenario - --json -r "$work/article.pcap" >/dev/null \
	2>"$work/err"
check "--scenario - with --json: status 2" test $? -eq 2
"$EXPLAIN" --conn 9 --scenario "$work/x.scn" -r "$work/article.pcap" \
	>/dev/null 2>"$work/err"
rc=$?
check "--conn 9: status 1" test "$rc" -eq 1
check "--conn 9: the message" \
	grep -q 'no connection 9 in the capture for --scenario' "$work/err"
check "--conn 9: no file" test ! -e "$work/x.scn"
"$EXPLAIN" --scenario "$work/no/such/dir.scn" -r "$work/article.pcap" \
	>/dev/null 2>"$work/err"
rc=$?
check "an unwritable file: status 1" test "$rc" -eq 1
check "an unwritable file: the message" \
	grep -q "cannot write $work/no/such/dir.scn" "$work/err"

# 7. In Chinese: the comments are Chinese, the scenario the same.
if locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8'; then
	LC_ALL=zh_CN.UTF-8 "$EXPLAIN" --scenario - "$DATA/article-trace.txt" \
		>"$work/zh.scn" 2>/dev/null || fail "--scenario in Chinese"
	check "in Chinese: the comments are translated" \
		env LC_ALL=C.UTF-8 grep -q -P '^#.*[\x{4e00}-\x{9fff}]' \
		"$work/zh.scn"
	expect_flags "in Chinese" "$work/zh.scn" "$ARTICLE_FLAGS"
	grep -v '^#' "$work/zh.scn" >"$work/zh.lines"
	grep -v '^#' "$work/text.scn" >"$work/en.lines"
	check "in Chinese: the same scenario" \
		cmp -s "$work/zh.lines" "$work/en.lines"
	grep '^#' "$work/zh.scn" >"$work/zh.head"
	fits "the Chinese scenario's comments" "$work/zh.head"
elif [ "${CI:-}" = true ]; then
	fail "the zh_CN.UTF-8 locale is missing (./bootstrap.sh makes it)"
else
	tl_say "SKIP: Chinese part: no zh_CN.UTF-8 locale"
fi

if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the files stay in $work"
exit 1
