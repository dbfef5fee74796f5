#!/bin/bash
# grade.sh: tcplab grade, a class's records in a table and as CSV, without
# root.
#
# The test writes a record file as tcplab run --record appends one: three
# students (one with a comma and quotes in the name, one Chinese, written
# once with \u escapes), two labs, a student who runs a lab twice (the
# last run counts), answers before each run's lab line, a blank line and
# malformed lines. Beside each record it keeps what the table must say,
# so every row is computed from the records, never pasted. Then: the
# table's rows in order, each student's line, every line within 80
# columns (and within 60 with -w 60, the names cut with "…"); the CSV's
# fields read back by Python's csv module, its quoting and its CR LF; each
# malformed line named FILE:LINE on standard error, the count of lines
# skipped and exit status 1; exit 0 without them; two files read as one;
# the runner's tcplab grade the same as tcplab-text's; the table in
# Chinese within 80 columns.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd python3 setsid
TEXT=${TCPLAB_TEXT_BIN:-$top_builddir/labs/tcplab-text}
[ -x "$TEXT" ] || tl_skip_or_fail "$TEXT not built (run make first)"
export TCPLAB_TEXT_BIN=$TEXT
LABS_RUNNER=$top_srcdir/labs/tcplab
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
export LANG=C LC_ALL='' LANGUAGE=''

R=$W/class.jsonl
: >"$R"
LINE=0
BAD=() # the numbers of the malformed lines
declare -A RUNS SCORE OF MET CHECKS OUTCOME SECS RIGHT ANSWERS

# json_str S: S as a JSON string.
json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

put() {
	printf '%s\n' "$1" >>"$R"
	LINE=$((LINE + 1))
}

T=2026-12-01T06:10:00Z

# answer TYPE STUDENT LAB ITEM RIGHT [STUDENT AS JSON]: one answer of a
# run that has not ended yet.
answer() {
	local k="$2|$3" who=${6:-$(json_str "$2")}
	# The answer holds every escape a string may have.
	put "$(printf '{"type":"%s","student":%s,"lab":%s,"item":%s,%s,%s}' \
		"$1" "$who" "$(json_str "$3")" "$(json_str "$4")" \
		'"answer":"a \"b\" \\ \/ \t\n\u00e9\ud83d\ude00"' \
		"\"expected\":\"1\",\"right\":$5,\"time\":\"$T\"")"
	ANSWERS[$k]=$((${ANSWERS[$k]:-0} + 1))
	[ "$5" = true ] && RIGHT[$k]=$((${RIGHT[$k]:-0} + 1))
	return 0
}

# lab STUDENT LAB MET EXPECTATIONS DURATION OUTCOME: the end of a run;
# its score is the answers since the last.
lab() {
	local k="$1|$2" s=${RIGHT[$1|$2]:-0} of=${ANSWERS[$1|$2]:-0}
	put "$(printf '{"type":"lab","student":%s,"lab":%s,"score":%s,"of":%s,%s%s' \
		"$(json_str "$1")" "$(json_str "$2")" "$s" "$of" \
		"\"expectations\":$4,\"met\":$3,\"duration\":$5," \
		"\"outcome\":\"$6\",\"time\":\"$T\"}")"
	RUNS[$k]=$((${RUNS[$k]:-0} + 1))
	SCORE[$k]=$s OF[$k]=$of MET[$k]=$3 CHECKS[$k]=$4 OUTCOME[$k]=$6
	SECS[$k]=$(LC_ALL=C printf '%.1f' "$5")
	RIGHT[$k]=0 ANSWERS[$k]=0
}

bad() {
	put "$1"
	BAD+=("$LINE")
}

ANA='Ana Li'
BO='Lee, "Bo"'
ZH='李安娜'
ZH_JSON='"\u674e\u5b89\u5a1c"'
L1=01-handshake
L2=simclose

answer prediction "$ANA" $L2 'predict 1 seq' true
answer question "$ANA" $L2 'question 2' false
answer prediction "$BO" $L1 'predict 1 ack' true
lab "$ANA" $L2 10 12 40.5 failed
bad '{"type":"lab","student":"Ana Li","lab":"simclose","score":1'
answer prediction "$ZH" $L1 'predict 2 seq' true "$ZH_JSON"
lab "$BO" $L1 5 5 20 passed
put '' # a blank line is no record, and not skipped either
answer question "$ANA" $L2 'question 1' true
answer question "$ANA" $L2 'question 2' true
answer prediction "$ANA" $L2 'predict 3 ack' false
bad '{"type":"question","student":"Ana Li","lab":"simclose","item":"q",'\
'"answer":"x","expected":"x","right":"yes","time":"'$T'"}'
lab "$ANA" $L2 12 12 81.2 passed
lab "$ANA" $L1 5 5 30 passed
lab "$ZH" $L1 4 5 33.25 failed
answer question "$ZH" $L2 'question 1' false
answer question "$ZH" $L2 'question 2' true
bad '{"type":"lab","student":"Lee, Bo\q"}'
lab "$ZH" $L2 3 12 15 stopped
answer prediction "$BO" $L2 'predict 1 seq' true
lab "$BO" $L2 12 12 60 passed
# Answers of a run that never ended: no row of their own, no score.
answer question "$BO" $L2 'question 1' true

# The rows as the table and the CSV must give them, in order.
keys=$(for k in "${!RUNS[@]}"; do printf '%s\n' "$k"; done | LC_ALL=C sort)
want_rows() { # table | csv
	local k s l
	while IFS= read -r k; do
		s=${k%%|*} l=${k#*|}
		if [ "$1" = table ]; then
			printf '%s|%s|%s|%s/%s|%s/%s|%s|%s\n' "$s" "$l" \
				"${RUNS[$k]}" "${SCORE[$k]}" "${OF[$k]}" \
				"${MET[$k]}" "${CHECKS[$k]}" "${OUTCOME[$k]}" \
				"${SECS[$k]}"
		else
			printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$s" "$l" \
				"${RUNS[$k]}" "${SCORE[$k]}" "${OF[$k]}" \
				"${MET[$k]}" "${CHECKS[$k]}" "${OUTCOME[$k]}" \
				"${SECS[$k]}"
		fi
	done <<<"$keys"
}
want_students() {
	local who k passed labs score of
	for who in $(printf '%s\n' "$keys" | cut -d'|' -f1 | uniq | tr ' ' '\001'); do
		who=${who//$'\001'/ }
		passed=0 labs=0 score=0 of=0
		while IFS= read -r k; do
			[ "${k%%|*}" = "$who" ] || continue
			labs=$((labs + 1))
			[ "${OUTCOME[$k]}" = passed ] && passed=$((passed + 1))
			score=$((score + SCORE[$k])) of=$((of + OF[$k]))
		done <<<"$keys"
		printf '%s: %d of %d labs passed, score %d of %d\n' "$who" \
			"$passed" "$labs" "$score" "$of"
	done
}

expect_same() { # WHAT GOT WANTED
	if [ "$2" = "$3" ]; then pass; else
		fail "$1:"
		diff <(printf '%s\n' "$3") <(printf '%s\n' "$2") | sed 's/^/    /'
	fi
}

# The table, 80 columns wide.
TCPLAB_COLS=80 setsid -w "$TEXT" grade "$R" >"$W/table" 2>"$W/err" </dev/null
rc=$?
expect_same "exit status with lines skipped" "$rc" 1
fits "the grade table" "$W/table"
nrows=$(printf '%s\n' "$keys" | wc -l)
got=$(sed -n "3,$((nrows + 2))p" "$W/table" | sed -E 's/ {2,}/|/g')
expect_same "the table's rows" "$got" "$(want_rows table)"
expect_same "the headings" "$(head -1 "$W/table" | sed -E 's/ {2,}/|/g')" \
	'student|lab|runs|score|checks|outcome|seconds'
got=$(sed -n "$((nrows + 4)),\$p" "$W/table")
expect_same "each student's line" "$got" "$(want_students)"

# What was skipped, and where.
want=$(for n in "${BAD[@]}"; do printf '%s:%s: \n' "$R" "$n"; done)
fits "the lines skipped" "$W/err"
got=$(head -n -1 "$W/err" | grep -v '^  ' | sed -E 's/^([^:]*:[0-9]+: ).*/\1/')
expect_same "the malformed lines, by FILE:LINE" "$got" "$want"
expect_same "the count of lines skipped" "$(tail -1 "$W/err")" \
	"${#BAD[@]} lines skipped"
tr '\n' ' ' <"$W/err" | sed 's/  */ /g' >"$W/err.joined"
if grep -q '"right" must be true or false' "$W/err.joined" &&
	grep -q 'unknown escape \\q' "$W/err.joined"; then
	pass
else
	fail "what was wrong is not said: $(cat "$W/err")"
fi

# Without the malformed lines: the same table, nothing on stderr, 0.
awk -v bad=" ${BAD[*]} " 'index(bad, " " NR " ") == 0' "$R" >"$W/good.jsonl"
TCPLAB_COLS=80 setsid -w "$TEXT" grade "$W/good.jsonl" >"$W/table.good" \
	2>"$W/err.good" </dev/null
rc=$?
expect_same "exit status without a line skipped" "$rc:$(cat "$W/err.good")" "0:"
check "the same table without the malformed lines" \
	cmp -s "$W/table" "$W/table.good"
# Two files are read one after the other, as one.
head -8 "$W/good.jsonl" >"$W/part1"
tail -n +9 "$W/good.jsonl" >"$W/part2"
TCPLAB_COLS=80 setsid -w "$TEXT" grade "$W/part1" "$W/part2" \
	>"$W/table.parts" 2>&1 </dev/null
check "two files graded as one" cmp -s "$W/table.good" "$W/table.parts"
setsid -w "$TEXT" grade "$W/none.jsonl" >/dev/null 2>&1 </dev/null
expect_same "exit status for a file that cannot be read" "$?" 2

# Narrower: the names give way, cut with "…".
TCPLAB_COLS=80 setsid -w "$TEXT" grade -w 60 "$W/good.jsonl" >"$W/table60" \
	</dev/null
if [ -z "$("$TEXT" width --over 60 <"$W/table60")" ]; then pass; else
	fail "-w 60: lines wider than 60 columns"
fi
got=$(sed -n "3,$((nrows + 2))p" "$W/table60" | sed -E 's/ {2,}/|/g' |
	cut -d'|' -f1,2)
want=$(want_rows table | cut -d'|' -f1,2)
cut=$(grep -c … <<<"$got")
prefixes=1
while IFS='|' read -r gs gl <&3 && IFS='|' read -r ws wl <&4; do
	[[ $ws == "${gs%…}"* && $wl == "${gl%…}"* ]] || prefixes=0
done 3<<<"$got" 4<<<"$want"
if [ "$cut" -gt 0 ] && [ "$prefixes" -eq 1 ]; then pass; else
	fail "-w 60: $cut names cut, or a cut name is no start of its name:"
	sed 's/^/    /' "$W/table60"
fi

# CSV: every field, read back by another CSV reader.
"$TEXT" grade --csv "$R" >"$W/csv" 2>/dev/null
got=$(python3 -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f, strict=True):
        print("|".join(row))' "$W/csv")
expect_same "the CSV's fields" "$got" \
	"student|lab|runs|score|of|met|expectations|outcome|duration
$(want_rows csv)"
expect_same "the CSV's lines end in CR LF" \
	"$(grep -c $'\r$' "$W/csv")" "$((nrows + 1))"
check "a name with a comma and quotes is quoted, its quotes doubled" \
	grep -q '^"Lee, ""Bo""",' "$W/csv"

# The runner's tcplab grade is tcplab-text's.
TCPLAB_COLS=80 setsid -w "$LABS_RUNNER" grade "$W/good.jsonl" >"$W/runner" \
	2>&1 </dev/null
check "tcplab grade prints tcplab-text grade's table" \
	cmp -s "$W/runner" "$W/table.good"
setsid -w "$LABS_RUNNER" grade --csv "$R" >"$W/runner.csv" 2>/dev/null </dev/null
expect_same "tcplab grade --csv: exit status and CSV" \
	"$?:$(cmp -s "$W/runner.csv" "$W/csv" && echo same)" "1:same"

# In Chinese: the headings translated, every line within 80 columns.
if locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8' &&
	command -v msgfmt >/dev/null; then
	mkdir -p "$W/locale/zh_CN/LC_MESSAGES"
	msgfmt -o "$W/locale/zh_CN/LC_MESSAGES/tcplab.mo" \
		"$top_srcdir/po/zh_CN.po" || fail "msgfmt cannot build zh_CN.po"
	TCPLAB_LOCALEDIR=$W/locale LANG=zh_CN.UTF-8 TCPLAB_COLS=80 \
		setsid -w "$LABS_RUNNER" grade "$R" >"$W/table.zh" 2>"$W/err.zh" </dev/null
	fits "the grade table in Chinese" "$W/table.zh"
	fits "the skipped lines in Chinese" "$W/err.zh"
	if head -1 "$W/table.zh" | LC_ALL=C grep -q $'[\x80-\xff]' &&
		! grep -q 'lines skipped' "$W/err.zh"; then
		pass
	else
		fail "the table is not Chinese under LANG=zh_CN.UTF-8:"
		sed 's/^/    /' "$W/table.zh" "$W/err.zh"
	fi
elif [ "${CI:-}" = true ]; then
	fail "the zh_CN.UTF-8 locale or msgfmt is missing, and CI=true"
else
	tl_say "SKIP: the table in Chinese: no zh_CN.UTF-8 locale or msgfmt"
fi

tl_summary
