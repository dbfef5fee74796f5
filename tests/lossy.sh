#!/bin/bash
# lossy.sh: tcplab-client and tcplab-server against real peers over a
# link that loses, reorders or narrows, between two network namespaces
# with the article's addresses (client 192.168.101.25, server
# 192.168.101.5), made and removed by this test (see tests/netlib.sh).
#
#   tests/lossy.sh [server] [client]     (default: both parts)
#
# server: tcplab-server on port 8090 answers curl, wget and ab (48
# requests, 8 at a time) at 1%, 5% and 20% frame loss both ways: every
# body right, every exit status 0, ab with no failed request, and the
# server exiting 0 at the end.
# client: tcplab-client fetches random files of 1 MB and more (8 MB, 4 at
# 20%) from nginx on port 8080 at 1%, 5% and 20% loss both ways, over a
# link that makes 2% of the frames late both ways, and with an MTU of 576
# on the client's end (the server's end keeps 1500, so only the MSS the
# client announces keeps nginx's segments small): exit status 0 and the
# file's sha256. curl fetches the same file first, so that a broken link
# is not blamed on tcplab-client.
#
# Every run is stopped after LOSSY_BOUND seconds (120): a bound on a
# stall, not a benchmark (bench/transfer.sh times them). Needs root,
# clang and ethtool.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/netlib.sh"
need_root "lossy.sh"
need_cmd ip nginx curl wget ab timeout ss sha256sum
missing=$(net_missing) || tl_skip_or_fail "not installed: $missing"
CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
[ -x "$CLIENT" ] || tl_skip_or_fail "$CLIENT not built (run make first)"
[ -x "$SERVER" ] || tl_skip_or_fail "$SERVER not built (run make first)"
[ -x "$NET_CPUMAP" ] || tl_skip_or_fail "$NET_CPUMAP not built (run make check)"
BOUND=${LOSSY_BOUND:-120}
PARTS=" ${*:-server client} "
for p in $PARTS; do
	case $p in
	server | client) ;;
	*) echo "usage: tests/lossy.sh [server] [client]" >&2; exit 2 ;;
	esac
done

CA=192.168.101.25
SA=192.168.101.5
NSC=tllc-$$
NSS=tlls-$$
VC=tllc$$
VS=tlls$$
ENDS=("$NSC:$VC" "$NSS:$VS")
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
# shellcheck disable=SC2034 # tests/netlib.sh reads it
NET_OBJDIR=$W/bpf

if ! ns_pair "$NSC" "$NSS" "$CA" "$SA" "$VC" "$VS" ||
	! net_plain "${ENDS[@]}"; then
	tl_skip_or_fail "cannot build the two namespaces"
fi

# Runs a command in the client's namespace for at most BOUND seconds;
# sets RC and SECS.
timed() {
	local s e
	s=$(date +%s.%N)
	timeout "$BOUND" ip netns exec "$NSC" "$@"
	RC=$?
	e=$(date +%s.%N)
	SECS=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }')
}

# What went wrong with the run that set RC, in words.
why() {
	if [ "$RC" -eq 124 ]; then
		echo "did not finish within $BOUND s"
	else
		echo "exit status $RC after $SECS s"
	fi
}

listening() {
	ip netns exec "$NSS" ss -ltn | grep -q "$SA:$1 "
}

# --- tcplab-server under loss ------------------------------------------

URL="http://$SA:8090/truedei/test?name=zhenghui"

# serve_case PCT: curl, wget and ab against tcplab-server at PCT% loss.
serve_case() {
	local pct=$1 body
	tl_say "tcplab-server at $pct% loss both ways"
	net_loss "$pct" "${ENDS[@]}" || { fail "cannot make the link lossy"; return; }
	timed curl -s -o "$W/s.body" "$URL"
	body=$(cat "$W/s.body" 2>/dev/null)
	if [ "$RC" -eq 0 ] && [ "$body" = "This is zhenghui" ]; then pass; else
		fail "$pct% loss: curl from tcplab-server: $(why), read '$body'"
	fi
	timed wget -q -O "$W/s.body" -t 1 -T "$BOUND" "$URL"
	body=$(cat "$W/s.body" 2>/dev/null)
	if [ "$RC" -eq 0 ] && [ "$body" = "This is zhenghui" ]; then pass; else
		fail "$pct% loss: wget from tcplab-server: $(why), read '$body'"
	fi
	timed ab -q -s "$BOUND" -n 48 -c 8 "$URL" >"$W/ab-$pct.out" 2>&1
	if [ "$RC" -eq 0 ] && grep -q '^Complete requests: *48$' "$W/ab-$pct.out" &&
		grep -q '^Failed requests: *0$' "$W/ab-$pct.out"; then
		pass
	else
		fail "$pct% loss: ab -n 48 -c 8 against tcplab-server: $(why):" \
			"$(grep -E '^(Complete|Failed) requests' "$W/ab-$pct.out" | tr -s ' \n' ' ')"
	fi
	tl_say "  ab: 48 requests in $SECS s"
	net_clear "${ENDS[@]}"
}

# The server part: tcplab-server at 1%, 5% and 20% loss.
serve_all() {
	ip netns exec "$NSS" timeout 1200 "$SERVER" -i "$VS" -a "$SA" -p 8090 --quiet \
		>"$W/server.out" 2>"$W/server.err" &
	SRV_PID=$!
	TL_PIDS+=("$SRV_PID")
	if tl_wait_for listening 8090; then
		for pct in 1 5 20; do
			serve_case "$pct"
		done
		kill -TERM "$SRV_PID"
		wait "$SRV_PID"
		rc=$?
		if [ "$rc" -eq 0 ]; then pass; else
			fail "tcplab-server exited $rc: $(head -3 "$W/server.err")"
		fi
	else
		fail "tcplab-server did not start: $(head -3 "$W/server.err")"
	fi
}

# --- tcplab-client under loss, reordering and a small MTU -------------

# fetch WHAT FILE: curl, then tcplab-client, fetch FILE from nginx.
fetch() {
	local what=$1 f=$2 sum curl_secs
	rm -f "$W/got"
	timed curl -s -o "$W/got" "http://$SA:8080/$f"
	curl_secs=$SECS
	sum=$(sha256sum <"$W/got" 2>/dev/null | cut -d' ' -f1)
	if [ "$RC" -ne 0 ] || [ "$sum" != "${SUM[$f]}" ]; then
		fail "$what, $f: curl itself failed ($(why)): the link is broken"
		return
	fi
	rm -f "$W/got"
	timed "$CLIENT" -q --time-wait 0 -O "$W/got" "http://$SA:8080/$f" \
		>/dev/null 2>"$W/client.err"
	sum=$(sha256sum <"$W/got" 2>/dev/null | cut -d' ' -f1)
	tl_say "  $f: tcplab-client $SECS s (exit status $RC), curl $curl_secs s"
	if [ "$RC" -eq 0 ]; then pass; else
		fail "$what, $f: tcplab-client $(why): $(tail -1 "$W/client.err")"
	fi
	if [ "$sum" = "${SUM[$f]}" ]; then pass; else
		fail "$what, $f: tcplab-client's body is not the file" \
			"($(stat -c %s "$W/got" 2>/dev/null || echo 0) bytes)"
	fi
}

# The client part: nginx serves random files of 1, 4 and 8 MB.
fetch_all() {
	mkdir -p "$W/www"
	declare -gA SUM
	for mb in 1 4 8; do
		head -c $((mb * 1048576)) /dev/urandom >"$W/www/${mb}m"
		SUM[${mb}m]=$(sha256sum <"$W/www/${mb}m" | cut -d' ' -f1)
	done
	chmod -R a+rX "$W"
	nginx_conf "$W" "$SA:8080" 64
	tl_bg ip netns exec "$NSS" timeout 3600 nginx -c "$W/nginx.conf"
	tl_wait_for listening 8080 || tl_skip_or_fail "nginx did not start"

	for pct in 1 5 20; do
		tl_say "tcplab-client at $pct% loss both ways"
		if net_loss "$pct" "${ENDS[@]}"; then
			fetch "$pct% loss" 1m
			# 8 MB, but 4 at 20%, where curl itself takes seconds.
			if [ "$pct" -lt 20 ]; then
				fetch "$pct% loss" 8m
			else
				fetch "$pct% loss" 4m
			fi
		else
			fail "cannot make the link lossy"
		fi
		net_clear "${ENDS[@]}"
	done

	tl_say "tcplab-client with 2% of the frames late both ways"
	if net_reorder 2 "${ENDS[@]}"; then
		fetch "reordering" 1m
		fetch "reordering" 8m
	else
		fail "cannot make the link reorder"
	fi
	net_clear "${ENDS[@]}"

	tl_say "tcplab-client with MTU 576 on its end"
	if net_mtu 576 "$NSC:$VC"; then
		fetch "MTU 576" 1m
	else
		fail "cannot set the MTU"
	fi
}

case $PARTS in *" server "*) serve_all ;; esac
case $PARTS in *" client "*) fetch_all ;; esac
tl_summary
