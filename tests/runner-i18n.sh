#!/bin/bash
# runner-i18n.sh: the lab runner in the reader's language, without root.
#
# Its messages first. Every message that labs/tcplab, labs/0*.sh and
# labs/compare-article mark with t is in each po/*.po that translates the
# runner, translated and not fuzzy (msgcmp against a template made from
# them), and each translation keeps its message's printf directives, in
# the same order and without positions (%1$s): bash's printf takes its
# arguments as they come. xgettext -L Shell marks no message of a shell
# script c-format, so msgfmt --check alone would not see a lost %s; here
# every runner message is checked as c-format.
#
# Then the runner with that catalog (TCPLAB_LOCALEDIR), under
# LANG=zh_CN.UTF-8: tcplab list names every lab in Chinese and fits 80
# columns, as --help does; an unknown option is named in a Chinese
# sentence; compare-article's usage is Chinese. Under LANG=C the same
# catalog changes nothing. Needs gettext's tools and the zh_CN.UTF-8
# locale.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd xgettext msggrep msgcmp msgfmt gettext setsid
LABS_RUNNER=$top_srcdir/labs/tcplab
COMPARE=$top_srcdir/labs/compare-article
TEXT=${TCPLAB_TEXT_BIN:-$top_builddir/labs/tcplab-text}
[ -x "$TEXT" ] || tl_skip_or_fail "$TEXT not built (run make first)"
export TCPLAB_TEXT_BIN=$TEXT
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"

# The runner's messages, as po/Makevars has xgettext find them.
(cd "$top_srcdir" && xgettext -L Shell --from-code=UTF-8 --keyword=t \
	--add-comments=TRANSLATORS: -o "$W/runner.pot" \
	labs/tcplab labs/0*.sh labs/compare-article) ||
	fail "xgettext cannot read the runner's messages"

# The catalogs that translate the runner: those with messages from labs/.
pos=()
for po in "$top_srcdir"/po/*.po; do
	[ -e "$po" ] || continue
	if msggrep -N 'labs/*' "$po" 2>/dev/null | grep -q '^msgid "[^"]'; then
		pos+=("$po")
	fi
done
[ "${#pos[@]}" -gt 0 ] || tl_skip_or_fail "no po/*.po translates the runner"

for po in "${pos[@]}"; do
	name=$(basename "$po")
	if msgcmp "$po" "$W/runner.pot" 2>"$W/msgcmp.err"; then pass; else
		fail "$name does not translate every message of the runner:"
		head -10 "$W/msgcmp.err" | sed 's/^/    /'
	fi
	msggrep -N 'labs/*' "$po" | sed '/^msgid "[^"]/i #, c-format' >"$W/labs.po"
	if msgfmt --check-format -o /dev/null "$W/labs.po" 2>"$W/fmt.err"; then
		pass
	else
		fail "$name: a translation of the runner's does not keep its % directives:"
		head -10 "$W/fmt.err" | sed 's/^/    /'
	fi
	if grep -n '^msgstr.*%[0-9][0-9]*\$' "$W/labs.po" >"$W/pos.err"; then
		fail "$name: bash's printf has no %1\$s:"
		head -5 "$W/pos.err" | sed 's/^/    /'
	else
		pass
	fi
done

# The runner with the Chinese catalog.
locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8' ||
	tl_skip_or_fail "the zh_CN.UTF-8 locale is missing (./bootstrap.sh makes it)"
po=$top_srcdir/po/zh_CN.po
[ -e "$po" ] || po=${pos[0]}
mkdir -p "$W/locale/zh_CN/LC_MESSAGES"
msgfmt -o "$W/locale/zh_CN/LC_MESSAGES/tcplab.mo" "$po" ||
	fail "msgfmt cannot build $(basename "$po")"
export TCPLAB_LOCALEDIR=$W/locale

# zh ARGS...: the runner in Chinese, no terminal, 80 columns.
zh() { LANG=zh_CN.UTF-8 LC_ALL='' COLUMNS=80 setsid -w "$LABS_RUNNER" "$@" </dev/null; }
en() { LANG=C LC_ALL='' COLUMNS=80 setsid -w "$LABS_RUNNER" "$@" </dev/null; }

# wide FILE: the lines of FILE with a character beyond ASCII.
wide() { LC_ALL=C grep -c $'[\x80-\xff]' "$1"; }

nlabs=$(find "$top_srcdir/labs" -name "[0-9]*.sh" | wc -l)
zh list >"$W/list.zh" 2>&1
fits "tcplab list (zh_CN)" "$W/list.zh"
n=$(grep '^[0-9]' "$W/list.zh" | LC_ALL=C grep -c $'[\x80-\xff]')
if [ "$n" -eq "$nlabs" ]; then pass; else
	fail "tcplab list (zh_CN) names $n of $nlabs labs in Chinese:"
	sed 's/^/    /' "$W/list.zh"
fi
zh --help >"$W/help.zh" 2>&1
fits "tcplab --help (zh_CN)" "$W/help.zh"
if [ "$(wide "$W/help.zh")" -ge 10 ]; then pass; else
	fail "tcplab --help is not Chinese under LANG=zh_CN.UTF-8"
fi
out=$(zh run 1 --atuo 2>&1)
if [[ $out == "tcplab: "*--atuo* ]] && [ "$(wide <(printf '%s\n' "$out"))" -eq 1 ]; then
	pass
else
	fail "an unknown option in Chinese: '$out'"
fi
out=$(LANG=zh_CN.UTF-8 LC_ALL='' "$COMPARE" 2>&1)
if [[ $out == *"compare-article [--names]"* ]] &&
	[ "$(wide <(printf '%s\n' "$out"))" -eq 1 ]; then
	pass
else
	fail "compare-article's usage in Chinese: '$out'"
fi

# In English the catalog changes nothing.
en list >"$W/list.en" 2>&1
en --help >"$W/help.en" 2>&1
TCPLAB_LOCALEDIR=$W/none en list >"$W/list.none" 2>&1
TCPLAB_LOCALEDIR=$W/none en --help >"$W/help.none" 2>&1
if cmp -s "$W/list.en" "$W/list.none" && cmp -s "$W/help.en" "$W/help.none" &&
	[ "$(wide "$W/list.en")" -eq 0 ]; then
	pass
else
	fail "under LANG=C, list or --help differ with the catalog"
fi
out=$(en run 1 --atuo 2>&1)
if [ "$out" = "tcplab: unknown option --atuo (see tcplab --help)" ]; then pass; else
	fail "an unknown option in English: '$out'"
fi
tl_summary
