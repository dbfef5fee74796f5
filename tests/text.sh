#!/bin/bash
# text.sh: tcplab-text, the lab runner's helper that fits text to the
# terminal.
#
# Without root and without a terminal (every command runs under setsid,
# which leaves it no controlling terminal): the width it finds (from
# TCPLAB_COLS, COLUMNS, else 80), paragraphs wrapped with their hanging
# indents, tcpdump's lines folded and unfolded back, widths measured in
# display columns, and the comparison view, whose caret must stand under
# the first character that differs.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd setsid
TEXT=${TCPLAB_TEXT_BIN:-$top_builddir/labs/tcplab-text}
[ -x "$TEXT" ] || tl_skip_or_fail "$TEXT not built (run make first)"

# t: tcplab-text detached from any terminal, so that only the
# environment gives it a width.
t() { setsid -w "$TEXT" "$@"; }

# expect_eq WHAT GOT WANTED
expect_eq() {
	if [ "$2" = "$3" ]; then pass; else
		fail "$1: got '$2', wanted '$3'"
	fi
}

# The width.
expect_eq "COLUMNS" "$(COLUMNS=57 t cols </dev/null)" 57
expect_eq "COLUMNS not a number" "$(COLUMNS=wide t cols </dev/null)" 80
expect_eq "COLUMNS below 20" "$(COLUMNS=12 t cols </dev/null)" 80
expect_eq "no COLUMNS" "$(env -u COLUMNS setsid -w "$TEXT" cols </dev/null)" 80
expect_eq "TCPLAB_COLS wins" "$(TCPLAB_COLS=33 COLUMNS=57 t cols </dev/null)" 33

# Display widths.
expect_eq "width of Chinese" "$(printf '三次握手\n' | t width)" 8
expect_eq "width of mixed text" "$(printf 'TCP 三次握手 ok\n' | t width)" 15
expect_eq "an escape sequence takes no column" \
	"$(printf '\033[1m=== bold\033[0m\n' | t width)" 8
expect_eq "a tab ends at a multiple of 8" "$(printf 'ab\tc\n' | t width)" 9
out=$(printf 'short\nthis line is longer than twenty\n' | t width --over 20)
rc=$?
expect_eq "width --over" "$rc:$out" "1:31: this line is longer than twenty"

# Paragraphs: list items keep their hanging indent, table rows theirs,
# blank lines stay, a plain line after a list item starts a paragraph.
got=$(t wrap -w 30 <<'EOF'
Goal: see the three segments that open a TCP connection.

What to watch:
  - the SYN-ACK (Flags [S.]): the server's own ISN,
    and ack = client ISN + 1;
  run LAB   run one lab, a number or a name
Take your time.
EOF
)
want='Goal: see the three segments
that open a TCP connection.

What to watch:
  - the SYN-ACK (Flags [S.]):
    the server'"'"'s own ISN, and
    ack = client ISN + 1;
  run LAB   run one lab, a
            number or a name
Take your time.'
expect_eq "wrap" "$got" "$want"
got=$(printf 'the handshake failed\n' | t wrap -w 20 --first '  ok: ')
expect_eq "wrap --first" "$got" "  ok: the handshake
      failed"
got=$(printf '客户端发送SYN报文，进入SYN-SENT状态。\n' | t wrap -w 16)
expect_eq "wrap Chinese" "$got" "客户端发送SYN报
文，进入SYN-SENT
状态。"
if [ -z "$(printf '%s\n' "$got" | t width --over 16)" ]; then pass; else
	fail "wrap Chinese: a line is wider than 16 columns"
fi

# Every trace line folds to the width and unfolds back.
for f in "$top_srcdir"/tests/data/*.txt; do
	for w in 40 57 80 123 200; do
		folded=$(t fold -w "$w" <"$f")
		if [ -n "$(printf '%s\n' "$folded" | t width --over "$w")" ]; then
			fail "fold -w $w of $(basename "$f"): a line is too wide"
		elif ! printf '%s\n' "$folded" | t unfold | cmp -s - "$f"; then
			fail "fold -w $w of $(basename "$f") does not unfold back"
		else
			pass
		fi
	done
done
got=$(printf '    a > b: Flags [S], cksum 0x1 (correct), seq 1\n' |
	t fold -w 32 --prefix '  ')
expect_eq "fold --prefix" "$got" "      a > b: Flags [S],
          cksum 0x1 (correct),
          seq 1"

# show: a note wrapped under its bar at one width wraps anew at another,
# and a program's output already fitted passes unchanged.
note='  | seq 1 = 0 + 1 (its SYN): the first byte of data
  |   after the SYN
    client: ESTABLISHED'
got=$(printf '%s\n' "$note" | t show -w 80)
expect_eq "show joins a note" "$got" "  | seq 1 = 0 + 1 (its SYN): the first byte of data after the SYN
    client: ESTABLISHED"
expect_eq "show at the note's width" "$(printf '%s\n' "$note" | t show -w 52)" "$note"

# The comparison: one segment alike, one with another checksum.
ip='IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 52)'
tcp='10.0.0.1.4000 > 10.0.0.2.8080: Flags [.], cksum 0x28be (correct), seq 1, ack 1, win 63, length 0'
other=${tcp/0x28be/0x28bf}
out=$(printf 'S\t%s | %s\t%s | %s\nX\t%s | %s\t%s | %s\nT\t\t%s | %s\n' \
	"$ip" "$tcp" "$ip" "$tcp" "$ip" "$other" "$ip" "$tcp" "$ip" "$tcp" |
	t beside --who tcplab-client -w 60)
rc=$?
expect_eq "beside counts the disagreements" "$rc" 2
if grep -q '^   = tcplab-client printed exactly this line' <<<"$out"; then pass; else
	fail "beside: no mark for the line printed alike"
fi
if grep -q 'is at column 54:' <<<"$out"; then pass; else
	fail "beside: the column of the difference is not 54"
fi
if grep -q '^   \*\* only tcpdump saw this one' <<<"$out"; then pass; else
	fail "beside: no mark for the segment only tcpdump saw"
fi
# The caret stands under the first character that differs.
line=$(grep -m1 '^      tcplab-client ' <<<"$out")
caret=$(grep -m1 '^ *\^$' <<<"$out")
at=$((${#caret} - 1))
expect_eq "the caret's character" "${line:at:1}" f
expect_eq "the same column in tcpdump's line" \
	"$(grep -m1 '^      tcpdump ' <<<"$out" | cut -c$((at + 1)))" e
if [ -z "$(printf '%s\n' "$out" | t width --over 60)" ]; then pass; else
	fail "beside: a line is wider than 60 columns"
fi
out=$(printf 'S\t%s | %s\t%s | %s\n' "$ip" "$tcp" "$ip" "$tcp" |
	t beside --brief --who tcplab-client -w 80)
expect_eq "beside --brief" "$out" \
	"tcplab-client and tcpdump agree on 1 segment(s), disagree on 0."

# Once the student stopped the program, what only tcpdump saw is what the
# program never read: no disagreement.
out=$(printf 'S\t%s | %s\t%s | %s\nT\t\t%s | %s\n' \
	"$ip" "$tcp" "$ip" "$tcp" "$ip" "$tcp" |
	t beside --stopped --who tcplab-client -w 80)
rc=$?
expect_eq "beside --stopped" "$rc:$(tail -2 <<<"$out" | tr -s ' \n' '  ')" \
	"0:tcplab-client and tcpdump agree on 1 segment(s), disagree on 0; tcpdump saw 1 more that tcplab-client, stopped, never read. "

# Usage errors name what was wrong.
out=$(t frobnicate 2>&1 </dev/null)
expect_eq "an unknown command" "$?:$out" \
	"2:tcplab-text: unknown command frobnicate (see tcplab-text --help)"
tl_summary
