#!/bin/bash
# handout.sh: tcplab-explain --handout, a lab's handout and answer key,
# rendered and printed by a real browser.
#
# From a scenario in tests/data (the article's exchange, its text and two
# questions with answers and why) and the article's capture (mkpcap), it
# writes a student's handout and a teacher's key. The HTML must stand
# alone (nothing to fetch, UTF-8, a lang attribute, the print rules that
# keep rows whole). Then headless chromium, with no network at all (a
# network namespace of its own), takes a screenshot of each, which must
# not be blank, and prints each to PDF: every page A4, the key as long as
# the handout or longer; pdftotext finds the title, the text and the
# questions in both, and only in the key the answers and the numbers the
# student fills in, which the test reads from the capture with tcpdump.
# Last, what --handout refuses: options without it, a scenario with a
# mistake (named FILE:LINE:COL), a connection the capture lacks.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tl_find_programs
need_cmd python3 pdftotext pdfinfo unshare timeout
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] ||
	tl_skip_or_fail "chromium is not installed (./bootstrap.sh check installs it)"
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
export LANG=C LC_ALL='' LANGUAGE=''

SCN=$top_srcdir/tests/data/article-handout.scn
PCAP=$W/article.pcap
"$MKPCAP" article "$PCAP" || fail "mkpcap article"

# offline CMD...: CMD in a network namespace of its own, where nothing
# but a loopback that is down exists: the browser cannot send a packet.
offline() {
	if [ "$(id -u)" -eq 0 ]; then
		unshare -n "$@"
	else
		unshare -rn "$@"
	fi
}
offline true ||
	tl_skip_or_fail "unshare cannot make a network namespace here"

# browse OUTPUT-OPTION FILE.html: headless chromium, which needs
# --no-sandbox as root, with a profile of its own in the work directory.
browse() {
	offline timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$W/chromium" --no-pdf-header-footer \
		--window-size=1024,1400 "$1" "file://$2" >>"$W/chromium.log" 2>&1
}

# The numbers the key fills in, from the capture: each data segment's
# seq as tcpdump prints it (start:end), and the two ISNs.
SEQS=$("$TCPDUMP" -nn -t -r "$PCAP" 2>/dev/null | grep -o 'seq [0-9]*:[0-9]*' |
	cut -d' ' -f2)
ISNS=$("$TCPDUMP" -nn -t -S -r "$PCAP" 2>/dev/null | grep 'Flags \[S' |
	grep -o 'seq [0-9]*' | cut -d' ' -f2)
CISN=$(printf '%s\n' "$ISNS" | sed -n 1p)
if [ "$(printf '%s\n' "$SEQS" | wc -l)" -ne 2 ] || [ -z "$CISN" ]; then
	fail "cannot read the numbers from the capture: '$SEQS' '$ISNS'"
fi

for sheet in handout key; do
	opts=()
	[ $sheet = key ] && opts=(--key --student 'Ana Li')
	if "$EXPLAIN" --handout "$W/$sheet.html" --lab "$SCN" "${opts[@]}" \
		-r "$PCAP" >/dev/null 2>"$W/$sheet.err"; then
		pass
	else
		fail "--handout ($sheet): $(cat "$W/$sheet.err")"
	fi
done

# The HTML stands alone and prints well.
for sheet in handout key; do
	h=$W/$sheet.html
	if grep -qi '<html lang="[a-z]' "$h" && grep -q '<meta charset="utf-8">' "$h"
	then pass; else fail "$sheet: no lang attribute or no UTF-8"; fi
	# The SVG's namespace is a name, not an address that is fetched.
	if grep -Eiv 'xmlns="http://www.w3.org/2000/svg"' "$h" |
		grep -Eiq 'https?:|src=|href=|@import|url\([^#]'; then
		fail "$sheet: something is fetched from elsewhere:"
		grep -Ein 'https?:|src=|href=|@import|url\(' "$h" | head -5
	else
		pass
	fi
	if grep -q 'size: A4' "$h" &&
		grep -q 'table.segs tr, table.segs tbody { break-inside: avoid' "$h" &&
		grep -q 'thead { display: table-header-group' "$h" &&
		grep -q 'svg { display: block; width: 100%' "$h"; then
		pass
	else
		fail "$sheet: the print rules (A4, rows whole, head repeated, the diagram as wide as the page) are missing"
	fi
done
nseg=$("$TCPDUMP" -nn -r "$PCAP" 2>/dev/null | grep -c 'Flags')
expect_count() { # WHAT GOT WANTED
	if [ "$2" -eq "$3" ]; then pass; else fail "$1: $2, wanted $3"; fi
}
expect_count "handout: empty seq and ack cells" \
	"$(grep -o '<td class="fill"></td>' "$W/handout.html" | wc -l)" \
	$((2 * nseg - 1)) # the SYN's ack is a dash: it has no ACK flag
expect_count "key: segments explained" \
	"$(grep -c '<tr class="notes">' "$W/key.html")" "$nseg"

# Rendered: a screenshot that is not blank, and A4 pages.
declare -A PAGES
for sheet in handout key; do
	browse --screenshot="$W/$sheet.png" "$W/$sheet.html"
	if python3 "$top_srcdir/tests/pngcheck.py" "$W/$sheet.png" 1024 1400 \
		20000 >"$W/$sheet.png.txt"; then
		pass
	else
		fail "$sheet: the screenshot is blank or not 1024x1400: $(cat "$W/$sheet.png.txt")"
	fi
	browse --print-to-pdf="$W/$sheet.pdf" "$W/$sheet.html"
	pages=$(pdfinfo "$W/$sheet.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	PAGES[$sheet]=${pages:-0}
	a4=$(pdfinfo -f 1 -l "${pages:-1}" "$W/$sheet.pdf" 2>/dev/null |
		grep -c 'size: *59[45].* x 84[12].* pts')
	if [ "${pages:-0}" -ge 1 ] && [ "$a4" -eq "$pages" ]; then pass; else
		fail "$sheet: ${pages:-no} pages, $a4 of them A4"
	fi
	pdftotext -layout "$W/$sheet.pdf" "$W/$sheet.txt"
	tr -s ' \n' '  ' <"$W/$sheet.txt" >"$W/$sheet.flat"
done
if [ "${PAGES[key]}" -ge "${PAGES[handout]}" ]; then pass; else
	fail "the key has ${PAGES[key]} pages, fewer than the handout's ${PAGES[handout]}"
fi
tl_say "pages: handout ${PAGES[handout]}, key ${PAGES[key]}"

# has SHEET TEXT... / lacks SHEET TEXT...: in the printed text, or not.
has() {
	local s=$1 x
	shift
	for x in "$@"; do
		if grep -qF -- "$x" "$W/$s.flat"; then pass; else
			fail "$s.pdf does not say '$x'"
		fi
	done
}
lacks() {
	local s=$1 x
	shift
	for x in "$@"; do
		if grep -qF -- "$x" "$W/$s.flat"; then
			fail "$s.pdf gives away '$x'"
		else pass; fi
	done
}
title=$(sed -n 's/^title //p' "$SCN")
q1=$(grep '^question ' "$SCN" | sed -n 1p | sed 's/^question //; s/{client.isn}/'"$CISN"'/')
q2=$(grep '^question ' "$SCN" | sed -n 2p | sed 's/^question //')
for sheet in handout key; do
	has $sheet "$title" "A client fetches one page" \
		"$(cut -c1-40 <<<"$q1")" "$CISN" "$(cut -c1-40 <<<"$q2")"
done
has handout "Name:"
has key "Student: Ana Li" "Answer: $((CISN + 1))" "Answer: TIME-WAIT" \
	"Why: A SYN takes one sequence number" "acknowledges #1"
# shellcheck disable=SC2086 # one number a word
has key $SEQS
# shellcheck disable=SC2086
lacks handout $SEQS "$((CISN + 1))" TIME-WAIT SYN-SENT "Answer:"

# What --handout refuses.
"$EXPLAIN" --key -r "$PCAP" >/dev/null 2>"$W/err"
expect_count "--key without --handout: exit status" $? 2
"$EXPLAIN" --handout "$W/x.html" -r "$PCAP" >/dev/null 2>"$W/err"
expect_count "--handout without --lab: exit status" $? 2
printf 'title a mistake\nserver listen\nbogus 1\n' >"$W/bad.scn"
"$EXPLAIN" --handout "$W/x.html" --lab "$W/bad.scn" -r "$PCAP" \
	>/dev/null 2>"$W/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.scn:3:1: " "$W/err" && [ ! -e "$W/x.html" ]
then pass; else
	fail "a scenario with a mistake: exit $rc, '$(cat "$W/err")'"
fi
"$EXPLAIN" --handout "$W/x.html" --lab "$SCN" --conn 2 -r "$PCAP" \
	>/dev/null 2>"$W/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'no connection 2 .*--handout' "$W/err"; then
	pass
else
	fail "--conn 2 of one connection: exit $rc, '$(cat "$W/err")'"
fi

tl_summary
