#!/bin/bash
# golden.sh: tcplab-explain against the installed tcpdump, byte for byte.
#
# mkpcap writes every kind of test capture (plus pcapng copies and the real
# captures in tests/data); for each file and each set of tcpdump flags, the
# stdout and exit status of "tcplab-explain --plain FLAGS -r F" must equal
# those of "tcpdump FLAGS -r F". Two time zones are tried, since tcpdump
# prints local time. The run with names (no -n) happens inside a private
# network namespace with its own /etc/hosts, so that no lookup leaves it.
# Set GOLDEN_EXTRA=1 to add the captures that are not TCP at all.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tl_find_programs

KINDS="article zoo sack rst badhdr trunc wrap midstream interleaved http
ipvar times cooked sll2 null loop raw ipv4 mptcp app ip6 ip6trunc cooked6
sll26 null6 loop6 raw6 ipv6 ppp hdlc"
[ -n "${GOLDEN_EXTRA:-}" ] && KINDS="$KINDS other"

work=
tl_workdir work "$top_builddir/tests/work"
TL_EXP=$work/expected.out
TL_GOT=$work/got.out

# Writes every kind of capture into $work; prints the files' paths.
make_captures() {
	local k
	for k in $KINDS; do
		"$MKPCAP" "$k" "$work/$k.pcap" || fail "mkpcap $k"
	done
	"$MKPCAP" mix "$work/mix.pcap" 3000 || fail "mkpcap mix"
	if command -v editcap >/dev/null 2>&1; then
		for k in article trunc sll2; do
			editcap -F pcapng "$work/$k.pcap" "$work/$k.pcapng" ||
				fail "editcap -F pcapng $k"
		done
	elif [ "${CI:-}" = true ]; then
		fail "editcap (wireshark-common) missing: no pcapng files to compare"
	else
		tl_say "SKIP: editcap (wireshark-common) missing: no pcapng files"
	fi
	cp "$top_srcdir"/tests/data/*.pcap "$work/"
}

# Checks that mkpcap rebuilt the article's exchange exactly: tcpdump must
# print the published trace, up to the names of its machine and tcpdump
# 4.9's "[!http]", which 4.99 writes " [|http]".
check_article() {
	TZ=America/New_York "$TCPDUMP" -nn -vv -r "$work/article.pcap" \
		>"$TL_GOT" 2>/dev/null
	sed -e 's/localhost\.localdomain/192.168.101.25/g' \
		-e 's/\.webcache/.8080/g' -e 's/zhenghui\[!http\]/zhenghui [|http]/' \
		"$top_srcdir/tests/data/article-trace.vv.txt" >"$TL_EXP"
	if diff -u "$TL_EXP" "$TL_GOT" >"$work/diff" 2>&1; then
		pass
	else
		fail "article.pcap does not print as the article's trace"
		head -n 20 "$work/diff"
	fi
}

# Every file with every flag set, in one time zone.
pass_numeric() {
	local f flags
	export TZ=$1
	for f in "$work"/*.pcap "$work"/*.pcapng; do
		[ -e "$f" ] || continue
		for flags in "${FLAGSETS[@]}"; do
			tl_compare "$f" "$flags"
		done
	done
}

# The runs with names, inside a namespace whose /etc/hosts names some of
# the test addresses and whose DNS server is its own closed loopback.
pass_names() {
	local f flags
	want_root "the run with names (no -n)" || return 0
	NS=tlg$$
	ns_create "$NS" || {
		fail "cannot create namespace $NS"
		return
	}
	ns_names "$NS"
	RUNNER=(ip netns exec "$NS")
	export TZ=America/New_York
	for f in "$work"/*.pcap; do
		for flags in "${NAMEFLAGS[@]}"; do
			tl_compare "$f" "$flags"
		done
	done
	RUNNER=()
	NS=
}

make_captures
check_article
pass_numeric America/New_York
pass_numeric UTC
pass_names
if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the captures stay in $work"
exit 1
