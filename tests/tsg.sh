#!/bin/bash
# tsg.sh: tcplab-explain --tsg, the time-sequence graph.
#
# tests/tsgcap.py writes a capture with a lost segment, duplicate ACKs
# with SACK blocks, a fast retransmission and a zero window. Its graph
# must be valid XML, hold one data bar per data segment of the server and
# one retransmission bar per retransmission annot reports for the server
# (--json), a duplicate ACK mark per duplicate ACK, the axes' labels as
# text, and render with rsvg-convert to a PNG that is not blank. The text
# plot (--tsg -) must fit 80 columns, in English and in Chinese, and use
# only ASCII with --ascii. Errors: no such connection, a connection
# without data, a file that cannot be written (status 1), --tsg with
# --plain (status 2). No packet is sent.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd python3 rsvg-convert
tl_find_programs
TEXT=${TCPLAB_TEXT_BIN:-$top_builddir/labs/tcplab-text}
export TCPLAB_LOCALEDIR=${TCPLAB_LOCALEDIR:-$top_builddir/locale}

work=
tl_workdir work "$top_builddir/tests/work"
cap=$work/loss.pcap
svg=$work/loss.svg

python3 "$top_srcdir/tests/tsgcap.py" "$cap" || {
	fail "tsgcap.py failed"
	tl_summary
	exit 1
}

# well_formed FILE: xmllint when it is there, else python's parser.
well_formed() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1"
	else
		python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"
	fi
}

# count CLASS: the elements of that class (exactly) in the SVG.
count() {
	grep -o "class=\"$1\"" "$svg" | wc -l
}

# json_count WHAT: from annot's JSON, the server's data segments (data)
# or the server's retransmissions (rexmit) or the client's duplicate
# ACKs (dupack) of connection 1.
json_count() {
	"$EXPLAIN" --json -r "$cap" 2>/dev/null | python3 -c '
import json, sys
what = sys.argv[1]
n = 0
for line in sys.stdin:
    o = json.loads(line)
    if o.get("conn") != 1 or "from" not in o:
        continue
    ev = o.get("events", [])
    if what == "data" and o["from"] == "server" and o["len"] > 0:
        n += 1
    elif what == "rexmit" and o["from"] == "server" and "retransmission" in ev:
        n += 1
    elif what == "dupack" and o["from"] == "client" and "duplicate-ack" in ev:
        n += 1
print(n)' "$1"
}

check_svg() {
	if ! "$EXPLAIN" --tsg "$svg" -r "$cap" >"$work/out" 2>"$work/err"; then
		fail "--tsg exited $?: $(head -2 "$work/err")"
		return
	fi
	if well_formed "$svg"; then pass; else fail "the SVG is not valid XML"; fi
	local data rexmit dup
	data=$(json_count data)
	rexmit=$(json_count rexmit)
	dup=$(json_count dupack)
	tl_say "annot: $data data segments, $rexmit retransmissions, $dup duplicate ACKs"
	# The capture's story, so that a count of 0 = 0 proves nothing less.
	if [ "$data" -eq 61 ] && [ "$rexmit" -eq 1 ] && [ "$dup" -ge 3 ]; then
		pass
	else
		fail "annot does not see the capture's loss as expected"
	fi
	# Retransmissions are bars of their own class, not data bars.
	if [ "$(count data)" -eq $((data - rexmit)) ]; then pass; else
		fail "$(count data) data bars, want $((data - rexmit))"
	fi
	if [ "$(count rexmit)" -eq "$rexmit" ]; then pass; else
		fail "$(count rexmit) retransmission bars, want $rexmit"
	fi
	if [ "$(count dupack)" -eq "$dup" ]; then pass; else
		fail "$(count dupack) duplicate ACK marks, want $dup"
	fi
	if [ "$(count sack)" -ge 3 ] && [ "$(count ack)" -eq 1 ] &&
		[ "$(count window)" -eq 1 ] && [ "$(count synfin)" -eq 2 ]; then
		pass
	else
		fail "SACK blocks, ACK, window or SYN/FIN missing from the SVG"
	fi
	local want
	for want in '>time (s)<' '>sequence number (bytes, relative)<' \
		'10.0.2.5:8080 &gt; 10.0.2.25:53370' '>retransmission<'; do
		if grep -qF "$want" "$svg"; then pass; else
			fail "the SVG lacks the text $want"
		fi
	done
}

# The PNG: the right size, and dark pixels in the plot (python decodes
# it with zlib: 8-bit RGB or RGBA, non-interlaced, as rsvg-convert
# writes).
check_png() {
	local png=$work/loss.png
	if ! rsvg-convert -o "$png" "$svg" 2>"$work/err"; then
		fail "rsvg-convert: $(head -1 "$work/err")"
		return
	fi
	if python3 "$top_srcdir/tests/pngcheck.py" "$png"; then pass; else
		fail "the PNG is blank or not 960x600"
	fi
}

check_text() {
	local out=$work/plot.txt
	COLUMNS=80 "$EXPLAIN" --tsg - -r "$cap" >"$out" 2>/dev/null
	fits "--tsg -" "$out"
	local lines
	lines=$(wc -l <"$out")
	if [ "$lines" -ge 18 ] && [ "$lines" -le 23 ] && grep -q 'R' "$out" &&
		grep -q 'time (s)' "$out"; then
		pass
	else
		fail "--tsg -: $lines lines, or no retransmission or axis label"
	fi
	if "$EXPLAIN" --tsg - --ascii --width 80 -r "$cap" 2>/dev/null |
		LC_ALL=C grep -q '[^ -~]'; then
		fail "--tsg - --ascii: bytes outside ASCII"
	else
		pass
	fi
	if locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8' &&
		[ -f "$TCPLAB_LOCALEDIR/zh_CN/LC_MESSAGES/tcplab.mo" ]; then
		LC_ALL=zh_CN.UTF-8 LANGUAGE= COLUMNS=80 "$EXPLAIN" --tsg - -r "$cap" \
			>"$work/plot.zh" 2>/dev/null
		fits "--tsg - in zh_CN" "$work/plot.zh"
		if grep -q '时间序列图' "$work/plot.zh"; then pass; else
			fail "--tsg - in zh_CN: no Chinese title"
		fi
		LC_ALL=zh_CN.UTF-8 LANGUAGE= "$EXPLAIN" --tsg "$work/zh.svg" -r "$cap" \
			>/dev/null 2>&1
		if well_formed "$work/zh.svg" && grep -q '重传' "$work/zh.svg"; then
			pass
		else
			fail "the SVG in zh_CN: not valid or not in Chinese"
		fi
	else
		tl_say "SKIP: the zh_CN plot (no zh_CN.UTF-8 locale or catalog)"
	fi
}

# expect_error STATUS WHAT ARGS...: one line on standard error, STATUS.
expect_error() {
	local want=$1 what=$2 rc
	shift 2
	"$EXPLAIN" "$@" >/dev/null 2>"$work/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$work/err")" -ge 1 ] &&
		grep -q "$what" "$work/err"; then
		pass
	else
		fail "$*: status $rc, want $want and \"$what\": $(cat "$work/err")"
	fi
}

check_errors() {
	expect_error 1 "no connection 2" --tsg "$work/x.svg" --conn 2 -r "$cap"
	expect_error 1 "carries no data" --tsg "$work/x.svg" -c 3 \
		"$top_srcdir/tests/data/article-trace.txt"
	expect_error 1 "cannot write $work/no/x.svg" --tsg "$work/no/x.svg" -r "$cap"
	expect_error 2 "plain" --tsg "$work/x.svg" --plain -r "$cap"
	expect_error 2 "json" --tsg - --json -r "$cap"
}

# The article's exchange, as pasted text: the server's response graphed.
check_article() {
	local out=$work/article.svg
	if "$EXPLAIN" --tsg "$out" "$top_srcdir/tests/data/article-trace.txt" \
		>/dev/null 2>&1 && well_formed "$out" &&
		[ "$(grep -o 'class="data"' "$out" | wc -l)" -eq 1 ] &&
		grep -q '192.168.101.5:8080 &gt;' "$out"; then
		pass
	else
		fail "the article's graph: not one data bar from the server"
	fi
}

check_svg
check_png
check_text
check_errors
check_article

if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the files stay in $work"
exit 1
