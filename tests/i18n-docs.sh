#!/usr/bin/env bash
# i18n-docs.sh: every translated document is a translation of the English
# one as it is now. A translation names the English file it translates
# and that file's sha256 (the stamp); when the English file changes, this
# test fails until the translation, and its stamp, are brought up to date:
#   .\" translation of tcplab-client.1 sha256:HEX      (a man page)
#   # translation of 01-handshake.txt sha256:HEX       (a lab text)
#   <!-- translation of README.md sha256:HEX -->       (the README)
# It also fails when an English man page or lab text has no translation.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fail=0
checked=0

check() { # ENGLISH TRANSLATION
	local en=$1 tr=$2 base sum
	base=$(basename "$en")
	checked=$((checked + 1))
	if [ ! -f "$src/$tr" ]; then
		echo "FAIL: $en has no translation $tr"
		fail=1
		return
	fi
	sum=$(sha256sum "$src/$en" | cut -c1-64)
	if ! grep -q "translation of $base sha256:$sum" "$src/$tr"; then
		echo "FAIL: $tr translates an older $en: bring it up to date"
		echo "      (git log -p $en), then stamp it sha256:$sum"
		fail=1
	fi
}

for lang in zh_CN; do
	for f in "$src"/man/*.[1-8]; do
		check "man/${f##*/}" "man/$lang/${f##*/}"
	done
	for f in "$src"/labs/[0-9]*.txt; do
		check "labs/${f##*/}" "labs/$lang/${f##*/}"
	done
	check README.md "README.$lang.md"
done
[ "$fail" -eq 0 ] && echo "PASS: $checked translated documents are up to date"
exit "$fail"
