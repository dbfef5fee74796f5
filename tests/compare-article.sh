#!/bin/bash
# compare-article.sh: does a capture hold the article's exchange, byte for
# byte? Used by tests/replay.sh and by the lab runner.
#
#   tests/compare-article.sh CAPTURE.pcap [ARTICLE.txt]
#
# It prints the capture with the installed tcpdump (-vv -n -r) and the
# article's published trace (tests/data/article-trace.vv.txt by default),
# and brings both to the same form before comparing them line by line:
#
#   - the timestamps at the start of each packet's first line are dropped
#     (the article's are 2020's);
#   - in the article, the names its CentOS host printed become numbers
#     (localhost.localdomain -> 192.168.101.25, webcache -> 8080), since
#     -n prints numbers;
#   - in the article, "cksum X (incorrect -> Y)" becomes "cksum Y
#     (correct)": its client's checksums were left to the network card
#     (checksum offload) when tcpdump saw them, and Y is what the wire
#     carried. The capture is not rewritten: a checksum that is incorrect
#     in it stays incorrect and shows in the diff;
#   - tcpdump 4.9.2 marked the response's end "[!http]", 4.99 prints
#     " [|http]": the article's mark is read as 4.99's.
#
# Prints "identical" and exits 0 when the two agree; otherwise prints the
# unified diff (- the article, + the capture) and exits 1. Exits 2 when
# the files cannot be read. TCPDUMP names the tcpdump to use.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cap=${1:-}
article=${2:-$here/data/article-trace.vv.txt}
if [ -z "$cap" ] || [ $# -gt 2 ]; then
	echo "usage: compare-article.sh CAPTURE.pcap [ARTICLE.txt]" >&2
	exit 2
fi
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
if [ ! -r "$cap" ] || [ ! -r "$article" ]; then
	echo "compare-article.sh: cannot read ${cap} or ${article}" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# The packet's first line starts with its time; continuation lines start
# with white space.
drop_time='s/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} //'

sed -E -e "$drop_time" \
	-e 's/(^|[ >])localhost\.localdomain\./\1192.168.101.25./g' \
	-e 's/\.webcache([:, ]|$)/.8080\1/g' \
	-e 's/cksum 0x[0-9a-f]{4} \(incorrect -> (0x[0-9a-f]{4})\)/cksum \1 (correct)/' \
	-e 's/\[!http\]$/ [|http]/' \
	"$article" >"$tmp/article"

if ! "$TCPDUMP" -vv -n -r "$cap" >"$tmp/raw" 2>"$tmp/err"; then
	echo "compare-article.sh: tcpdump cannot read $cap: $(head -1 "$tmp/err")" >&2
	exit 2
fi
sed -E -e "$drop_time" "$tmp/raw" >"$tmp/capture"

if cmp -s "$tmp/article" "$tmp/capture"; then
	echo identical
	exit 0
fi
diff -u --label article --label capture "$tmp/article" "$tmp/capture"
exit 1
