#!/bin/bash
# client.sh: tcplab-client against real HTTP servers between two network
# namespaces with the article's addresses (client 192.168.101.25, server
# 192.168.101.5, a veth pair), all made and removed by this test.
#
# For python's http.server (HTTP/1.0: the server closes first), busybox
# httpd and nginx (HTTP/1.1: the client closes first) it checks that the
# body is right, that the exit status is 0, and that a real tcpdump in the
# client's namespace sees no RST from the client's kernel (the port guard
# at work). Then --drop 1: the SYN is lost, a second one follows about a
# second later, and the exchange still completes. Options may follow the
# URL; a usage error is one line that names the option. Needs root.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
need_root "tcplab-client's test"
need_cmd ip timeout python3 busybox nginx
tl_find_programs
[ -x "$CLIENT" ] || tl_skip_or_fail "$CLIENT not built (run make first)"

CA=192.168.101.25
SA=192.168.101.5
NSC=tlc-c-$$
NSS=tlc-s-$$
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"

setup_net() {
	ns_create "$NSC" && ns_create "$NSS" || return 1
	ip link add "tlc$$a" type veth peer name "tlc$$b" || return 1
	ip link set "tlc$$a" netns "$NSC" && ip link set "tlc$$b" netns "$NSS" &&
		ip -n "$NSC" addr add "$CA/24" dev "tlc$$a" &&
		ip -n "$NSS" addr add "$SA/24" dev "tlc$$b" &&
		ip -n "$NSC" link set "tlc$$a" up &&
		ip -n "$NSS" link set "tlc$$b" up
}

# Waits up to 5 s until something listens on the server's port 8080.
wait_listen() {
	local i
	for i in $(seq 50); do
		ns_exec "$NSS" ss -ltn 2>/dev/null | grep -q "$SA:8080" && return 0
		sleep 0.1
	done
	return 1
}

# Stops the server started last (its pid is the last in TL_PIDS).
stop_last() {
	local p=${TL_PIDS[-1]}
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	unset 'TL_PIDS[-1]'
}

# Starts tcpdump in the client's namespace writing $1.
start_tcpdump() {
	tl_bg ip netns exec "$NSC" timeout 60 "$TCPDUMP" --immediate-mode -U -n -i "tlc$$a" \
		-w "$1" tcp 2>"$1.err"
	local i
	for i in $(seq 50); do
		grep -q listening "$1.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# fetch NAME [client options...]: runs the client against the server on
# 8080 and checks body, status and the absence of the kernel's RST.
fetch() {
	local name=$1 rc rsts
	shift
	start_tcpdump "$W/$name.pcap" || { fail "$name: tcpdump did not start"; return; }
	timeout 30 ip netns exec "$NSC" "$CLIENT" --time-wait 1 "$@" \
		"http://$SA:8080/hello.txt" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	sleep 0.5
	stop_last
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit status $rc: $(cat "$W/$name.err")"
	else
		pass
	fi
	if [ "$1" = -q ]; then
		if cmp -s "$W/$name.out" "$W/www/hello.txt"; then pass; else
			fail "$name: body differs from the file served"
		fi
	elif grep -qx "$BODY" "$W/$name.out"; then pass; else
		fail "$name: the body is not in the output"
	fi
	# The capture must hold the exchange, and no RST from the client.
	if ! "$TCPDUMP" -n -r "$W/$name.pcap" 2>/dev/null |
		grep -q "$CA.* > $SA.8080: Flags \[F"; then
		fail "$name: tcpdump saw no FIN from the client"
	fi
	rsts=$("$TCPDUMP" -n -r "$W/$name.pcap" \
		"src host $CA and tcp[tcpflags] & tcp-rst != 0" 2>&1 | grep -c Flags)
	if [ "$rsts" -eq 0 ]; then pass; else
		fail "$name: $rsts RST from the client's side on the wire"
	fi
}

# Every segment printed has its explanation under it.
check_json_explained() {
	if [ "$1" -eq "$2" ] && [ "$2" -ge 9 ]; then pass; else
		fail "nginx: $1 explanations for $2 segments"
	fi
}

# --json against nginx: JSON only on standard output, the body in -O, and
# the fields of the exchange: the handshake's numbers, the request of L
# bytes acknowledged as 1 + L, the client's FIN as 2 + L, and the client
# in TIME-WAIT at the end.
json_nginx() {
	local rc got
	timeout 30 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --json \
		-O "$W/json.body" "http://$SA:8080/hello.txt" \
		>"$W/json.out" 2>"$W/json.err"
	rc=$?
	[ "$rc" -eq 0 ] && pass || fail "--json: exit status $rc: $(cat "$W/json.err")"
	cmp -s "$W/json.body" "$W/www/hello.txt" && pass ||
		fail "--json: the -O file is not the body"
	if ! json_segments "$W/json.out" >"$W/json.fields" 2>"$W/json.ferr"; then
		fail "--json: $(cat "$W/json.ferr")"
		return
	fi
	got=$(awk '
		$1 == "connections" { nc = $2; next }
		{ n++; f[n] = $1; fl[n] = $2; rs[n] = $3; ra[n] = $4; st[n] = $5 "/" $6 }
		# The server segment that first acknowledges data from the client.
		f[n] == "server" && ra[n] > 1 && !ackreq { ackreq = ra[n] }
		f[n] == "client" && fl[n] ~ /F/ { finseq = rs[n] }
		f[n] == "server" && fl[n] ~ /F/ { finack = ra[n] }
		END {
			print f[1], fl[1], rs[1], ra[1], st[1]
			print f[2], fl[2], rs[2], ra[2], st[2]
			print f[3], fl[3], rs[3], ra[3], st[3]
			print f[4], fl[4], rs[4], ra[4]
			print "request acked", (ackreq == finseq), "fin acked", (finack == finseq + 1)
			print "last", f[n], fl[n], st[n], "connections", nc
		}' "$W/json.fields")
	if [ "$got" = "client S 0 0 SYN-SENT/SYN-RECEIVED
server S. 0 1 ESTABLISHED/SYN-RECEIVED
client . 1 1 ESTABLISHED/ESTABLISHED
client P. 1 1
request acked 1 fin acked 1
last client . TIME-WAIT/CLOSED connections 1" ]; then
		pass
	else
		fail "--json: unexpected fields:"
		printf '%s\n' "$got" | sed 's/^/    /'
	fi
	grep -q '^tcplab-client: .* profile live' "$W/json.err" && pass ||
		fail "--json: the setup line is not on standard error"
}

setup_net || tl_skip_or_fail "could not create the namespaces"
mkdir -p "$W/www"
BODY="hello from the server namespace $$"
printf '%s\n' "$BODY" >"$W/www/hello.txt"
chmod -R a+rX "$W"

# python: HTTP/1.0, the server closes first.
(cd "$W/www" && exec ip netns exec "$NSS" timeout 120 python3 -m http.server \
	8080 --bind "$SA") >/dev/null 2>&1 &
TL_PIDS+=("$!")
if wait_listen; then
	fetch python -q
	fetch python-trace
	# python sends its FIN right after the body: whichever side's FIN
	# comes first, the trace ends with the client closed.
	grep -q "exchange complete" "$W/python-trace.out" && pass ||
		fail "python: the trace does not end with the exchange complete"
	# The SYN is lost: the client's TCP sends it again after its 1 s RTO.
	fetch python-drop -tt --drop 1
	grep -q "dropped: outgoing segment 1" "$W/python-drop.out" && pass ||
		fail "drop: the output does not say the SYN was dropped"
	gap=$(grep -F 'Flags [S]' -B1 "$W/python-drop.out" |
		awk '/IP \(/ { t[n++] = $1 } END { if (n == 2) printf "%.3f", t[1] - t[0] }')
	if [ -n "$gap" ] && awk -v g="$gap" 'BEGIN { exit !(g >= 0.9 && g <= 1.6) }'; then
		pass
	else
		fail "drop: the second SYN came ${gap:-never} s after the first, not about 1 s"
	fi
	stop_last
else
	fail "python's http.server did not start"
fi

# busybox httpd.
tl_bg ip netns exec "$NSS" timeout 120 busybox httpd -f -p "$SA:8080" -h "$W/www"
if wait_listen; then
	fetch busybox -q
	# Options may follow the URL: -q after it leaves only the body.
	timeout 30 ip netns exec "$NSC" "$CLIENT" "http://$SA:8080/hello.txt" \
		-q --time-wait 1 >"$W/after.out" 2>"$W/after.err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/after.out" "$W/www/hello.txt"; then
		pass
	else
		fail "options after the URL: exit status $rc: $(cat "$W/after.err")"
	fi
else
	fail "busybox httpd did not start"
fi
stop_last

# nginx: HTTP/1.1 keep-alive, the client closes first as wget did.
cat >"$W/nginx.conf" <<-NGINX
	daemon off;
	master_process off;
	pid $W/nginx.pid;
	error_log $W/nginx-error.log;
	events { worker_connections 16; }
	http {
		access_log off;
		client_body_temp_path $W; proxy_temp_path $W;
		fastcgi_temp_path $W; uwsgi_temp_path $W; scgi_temp_path $W;
		server { listen $SA:8080; root $W/www; }
	}
NGINX
tl_bg ip netns exec "$NSS" timeout 120 nginx -c "$W/nginx.conf"
if wait_listen; then
	fetch nginx -q
	fetch nginx-trace
	grep -q "client closes first" "$W/nginx-trace.out" && pass ||
		fail "nginx: the trace does not say the client closed first"
	grep -q "FIN-WAIT-1 -> TIME-WAIT\|FIN-WAIT-2 -> TIME-WAIT" "$W/nginx-trace.out" && pass ||
		fail "nginx: the client never reached TIME-WAIT"
	n=$(grep -c '^  | #[0-9]* conn 1: ' "$W/nginx-trace.out")
	m=$(grep -c '^[0-9:.]* IP ' "$W/nginx-trace.out")
	check_json_explained "$n" "$m"
	json_nginx
else
	fail "nginx did not start"
fi
stop_last

# A closed port: RST, exit status 1 and a line that says so.
timeout 10 ip netns exec "$NSC" "$CLIENT" -q "http://$SA:8081/" \
	>"$W/refused.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q "refused" "$W/refused.out"; then pass; else
	fail "closed port: exit status $rc, $(cat "$W/refused.out")"
fi

# A bad URL is a usage error; no route is an environment error.
timeout 10 ip netns exec "$NSC" "$CLIENT" "https://$SA/" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && pass || fail "bad URL: exit status $rc, not 2"
# A usage error is one line that names what is wrong, and exit status 2.
usage_case() { # the line expected on standard error, then the arguments
	local want=$1 got rc
	shift
	got=$("$CLIENT" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$got" = "$want" ]; then pass; else
		fail "tcplab-client $*: exit status $rc, said: $got"
	fi
}
usage_case "tcplab-client: unknown option --atuo: see tcplab-client --help" \
	--atuo "http://$SA/"
usage_case "tcplab-client: unknown option -X: see tcplab-client --help" \
	"http://$SA/" -X
usage_case "tcplab-client: option --drop needs an argument" "http://$SA/" --drop
usage_case "tcplab-client: bad value 'x' for --time-wait: give a number from 0 to 3600" \
	--time-wait x "http://$SA/"
usage_case "tcplab-client: only -t, -tt, -ttt, -tttt and -ttttt are supported" \
	-tttttt "http://$SA/"
timeout 10 ip netns exec "$NSC" "$CLIENT" "http://10.99.0.1/" >"$W/noroute.out" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q "no route" "$W/noroute.out"; then pass; else
	fail "no route: exit status $rc, $(cat "$W/noroute.out")"
fi

tl_summary
