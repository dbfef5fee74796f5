#!/bin/bash
# i18n.sh: tcplab in Simplified Chinese (zh_CN.UTF-8).
#
#   1. po/zh_CN.po, as the build left it (po/Makefile merges every new
#      message into it): msgfmt --check passes, every message is
#      translated and none is fuzzy. A change that adds a message without
#      its translation fails here.
#   2. tcplab-explain on the article's trace, in the C locale and in
#      zh_CN: tcpdump's lines are byte for byte the same, and every
#      sentence under them is Chinese.
#   3. Every program's --help in zh_CN is Chinese and fits 80 columns.
#   4. Lab 1 with --auto in zh_CN (root: two namespaces of its own): it
#      passes (tcplab-client printed every segment exactly as the real
#      tcpdump did), its text and the runner's sentences are Chinese, and
#      every line fits 80 columns.
#
# Needs the zh_CN.UTF-8 locale (./bootstrap.sh makes it) and, for 4, root;
# under CI=true a missing one fails instead of skipping.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd msgfmt locale setsid
export TCPLAB_LOCALEDIR=${TCPLAB_LOCALEDIR:-$top_builddir/locale}
EXPLAIN=$top_builddir/explain/tcplab-explain
TEXT=$top_builddir/labs/tcplab-text
# The runner finds its helper here also when the build is elsewhere.
export TCPLAB_TEXT_BIN=$TEXT
for p in "$EXPLAIN" "$TEXT" "$top_builddir/client/tcplab-client" \
	"$top_builddir/server/tcplab-server"; do
	[ -x "$p" ] || tl_skip_or_fail "$p not built (run make first)"
done
[ -f "$TCPLAB_LOCALEDIR/zh_CN/LC_MESSAGES/tcplab.mo" ] ||
	tl_skip_or_fail "no catalog in $TCPLAB_LOCALEDIR (run make first)"
locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8' ||
	tl_skip_or_fail "the zh_CN.UTF-8 locale is missing (./bootstrap.sh makes it)"
ZH=zh_CN.UTF-8

# han FILE: FILE holds a Chinese character. no_han FILE: prints the
# lines of FILE without one. Both fail (status 2) when grep cannot tell.
han() { LC_ALL=C.UTF-8 grep -q -P '[\x{4e00}-\x{9fff}]' "$1"; }
no_han() {
	local rc
	LC_ALL=C.UTF-8 grep -v -P '[\x{4e00}-\x{9fff}]' "$1"
	rc=$?
	[ "$rc" -le 1 ] || { echo "grep cannot look for Chinese characters"; exit 1; }
}

tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"

# 1. The catalog is complete.
stats=$(msgfmt --check --statistics -o /dev/null "$top_srcdir/po/zh_CN.po" 2>&1)
rc=$?
tl_say "po/zh_CN.po: $stats"
if [ "$rc" -eq 0 ]; then pass; else fail "msgfmt --check failed: $stats"; fi
case $stats in
*fuzzy* | *untranslated*)
	fail "po/zh_CN.po is not complete: translate the new messages" ;;
*" translated message"*) pass ;;
*) fail "msgfmt printed no statistics" ;;
esac

# 2. The explainer: tcpdump's lines untouched, the sentences Chinese.
trace=$top_srcdir/tests/data/article-trace.vv.txt
# At a width that folds nothing, tcpdump's lines are what comes before
# the connection's summary ("== ...") that are not notes ("  | ...");
# they must be those of --plain in the C locale, byte for byte.
LC_ALL=C "$EXPLAIN" --plain "$trace" >"$W/en.td" 2>&1 ||
	fail "tcplab-explain --plain failed in the C locale"
LC_ALL=$ZH "$EXPLAIN" --width 1000 "$trace" >"$W/zh.out" 2>&1 ||
	fail "tcplab-explain failed in zh_CN"
awk '/^== /{exit} !/^  \|/' "$W/zh.out" | sed '${/^$/d}' >"$W/zh.td"
if [ -s "$W/en.td" ] && cmp -s "$W/en.td" "$W/zh.td"; then pass; else
	fail "tcpdump's lines differ between C and zh_CN:"
	diff "$W/en.td" "$W/zh.td" | head -5 | sed 's/^/    /'
fi
grep '^  |' "$W/zh.out" >"$W/zh.notes"
n=$(wc -l <"$W/zh.notes")
if [ "$n" -gt 50 ] && [ -z "$(no_han "$W/zh.notes")" ]; then pass; else
	fail "of $n notes in zh_CN, some are not Chinese:"
	no_han "$W/zh.notes" | head -5 | sed 's/^/    /'
fi
if grep -q '三次握手' "$W/zh.notes" && grep -q 'TIME-WAIT（时间等待）' "$W/zh.notes"; then
	pass
else
	fail "the notes lack 三次握手 or the state name TIME-WAIT（时间等待）"
fi
COLUMNS=80 LC_ALL=$ZH "$EXPLAIN" "$trace" >"$W/zh80.out" 2>&1
fits "tcplab-explain at 80 columns in zh_CN" "$W/zh80.out"

# 3. --help, in Chinese, at 80 columns.
for p in explain/tcplab-explain client/tcplab-client server/tcplab-server; do
	COLUMNS=80 LC_ALL=$ZH setsid -w "$top_builddir/$p" --help \
		>"$W/help.out" 2>&1 </dev/null
	if han "$W/help.out"; then pass; else
		fail "${p##*/} --help is not Chinese"
	fi
	fits "${p##*/} --help" "$W/help.out"
done
COLUMNS=80 LC_ALL=$ZH setsid -w "$top_srcdir/labs/tcplab" --help \
	>"$W/help.out" 2>&1 </dev/null
if han "$W/help.out"; then pass; else
	fail "tcplab --help is not Chinese"
fi
fits "tcplab --help" "$W/help.out"

# 4. Lab 1, in Chinese, as a student would run it (without a terminal).
if want_root "lab 1 in zh_CN"; then
	need_cmd ip tcpdump
	export TCPLAB_CLIENT_NS=tlzc$$ TCPLAB_SERVER_NS=tlzs$$
	export TCPLAB_CLIENT_BIN=$top_builddir/client/tcplab-client
	export TCPLAB_SERVER_BIN=$top_builddir/server/tcplab-server
	export TCPLAB_EXPLAIN_BIN=$EXPLAIN
	export TCPLAB_TMP=$W
	TL_NETNS+=("$TCPLAB_CLIENT_NS" "$TCPLAB_SERVER_NS")
	timeout 300 setsid -w env COLUMNS=80 LC_ALL=$ZH \
		"$top_srcdir/labs/tcplab" run 1 --auto >"$W/lab1.out" 2>&1 </dev/null
	rc=$?
	sed 's/^/    /' "$W/lab1.out"
	if [ "$rc" -eq 0 ]; then pass; else fail "lab 1 in zh_CN exited $rc"; fi
	fits "lab 1 in zh_CN" "$W/lab1.out"
	for want in '三次握手' '初始序列号' '确认号' 'SYN-SENT（同步已发送）'; do
		if grep -qF "$want" "$W/lab1.out"; then pass; else
			fail "lab 1 in zh_CN does not say $want"
		fi
	done
	# tcpdump's own lines are never translated: the lab shows each as
	# the real tcpdump printed it, beside tcplab-client's.
	if grep -q 'Flags \[S\.\],' "$W/lab1.out"; then pass; else
		fail "lab 1 in zh_CN shows no tcpdump line"
	fi
fi
tl_summary
