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
# second later, and the exchange still completes. A link of MTU 576 (and
# a route of MTU 1000) sets the SYN's mss. Python peers that misbehave on
# purpose (tests' peer.py) give a server that never answers (--timeout),
# a RST after a whole body and a RST that ends a body only the close
# delimits, a body sent in two parts that must be written as it arrives,
# 64 MiB through a client of bounded memory, and the request line and
# Host header, compared with wget's, of a URL with a Chinese query and a
# name from /etc/hosts. An unknown name sends no DNS query. Options may
# follow the URL; a usage error is one line that names the option. Needs
# root.

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

# Waits up to 5 s until something listens on the server's port ($1, or
# 8080).
wait_listen() {
	local i
	for i in $(seq 50); do
		ns_exec "$NSS" ss -ltn 2>/dev/null | grep -q "$SA:${1:-8080} " && return 0
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

# Starts tcpdump in the client's namespace writing $1, on its veth end
# or on interface $2, with filter $3 (default tcp).
start_tcpdump() {
	tl_bg ip netns exec "$NSC" timeout 60 "$TCPDUMP" --immediate-mode -U -n \
		-i "${2:-tlc$$a}" -w "$1" "${3:-tcp}" 2>"$1.err"
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

# mtu_fetch NAME MSS: fetches big.txt with a -w file; the body must be
# whole and the client's SYN must offer mss MSS.
mtu_fetch() {
	local name=$1 mss=$2 rc
	timeout 30 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --timeout 10 \
		--plain -w "$W/$name.pcap" -O "$W/$name.body" \
		"http://$SA:8080/big.txt" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/$name.body" "$W/www/big.txt"; then
		pass
	else
		fail "$name: exit status $rc, the body is not whole: $(cat "$W/$name.err")"
	fi
	if "$TCPDUMP" -n -r "$W/$name.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null |
		grep -q "options \[mss $mss,"; then pass; else
		fail "$name: the SYN does not offer mss $mss"
	fi
	grep -q "the SYN offers mss $mss, the MTU less 40" "$W/$name.out" && pass ||
		fail "$name: the client does not say why the mss is $mss"
}

# The client's link carries 576 bytes at most: its SYN offers 536, so
# that the server sends nothing the link drops, and the download of 59 kB
# completes. Then a route to the server with "mtu 1000": the SYN offers
# 960.
small_mtu() {
	ip -n "$NSC" link set "tlc$$a" mtu 576
	mtu_fetch mtu576 536
	ip -n "$NSC" link set "tlc$$a" mtu 1500
	ip -n "$NSC" route add "$SA/32" dev "tlc$$a" mtu 1000
	mtu_fetch mtu1000 960
	ip -n "$NSC" route del "$SA/32"
}

# The peers that misbehave on purpose, on Linux's own TCP in the
# server's namespace (the modes are at the top of the script).
write_peer() {
	cat >"$W/peer.py" <<-'PY'
		# peer.py ADDR PORT MODE [FILE]: an HTTP server on Linux's own
		# TCP that ends its answers one way per MODE:
		#   silent      reads the request and never answers
		#   length-rst  a body by Content-Length, then, once the client
		#               has acknowledged it, a RST (SO_LINGER 0)
		#   close-rst   the same with a body that only the close ends
		#   echo        answers 200 with the request line, and appends
		#               the request line and the Host line to FILE
		#   gated       a body by Content-Length in two parts: the second
		#               only once the file FILE exists
		#   big         64 MiB of body, bytes 0 to 255 over and over
		import fcntl, os, socket, struct, sys, termios, time
		addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		path = sys.argv[4] if len(sys.argv) > 4 else None

		def wait_acked(c):
		    # SIOCOUTQ: bytes not yet acknowledged, or not yet sent.
		    while struct.unpack("i", fcntl.ioctl(c, termios.TIOCOUTQ, b"\0" * 4))[0]:
		        time.sleep(0.01)

		def reset(c):
		    wait_acked(c)
		    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

		def head(c):
		    b = b""
		    while b"\r\n\r\n" not in b:
		        d = c.recv(4096)
		        if not d:
		            break
		        b += d
		    return b.split(b"\r\n")

		def serve(c):
		    h = head(c)
		    if mode == "silent":
		        c.recv(1)
		    elif mode == "length-rst":
		        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 26\r\n"
		                  b"Connection: close\r\n\r\ncomplete body, then a RST\n")
		        reset(c)
		    elif mode == "close-rst":
		        c.sendall(b"HTTP/1.0 200 OK\r\n\r\nbody that a RST ends\n")
		        reset(c)
		    elif mode == "echo":
		        host = [l for l in h if l.lower().startswith(b"host:")]
		        with open(path, "ab") as f:
		            f.write(h[0] + b"\t" + b"".join(host) + b"\n")
		        line = h[0] + b"\n"
		        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
		                  % len(line) + line)
		        c.recv(1)
		    elif mode == "gated":
		        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 23\r\n\r\n"
		                  b"first part\n")
		        while not os.path.exists(path):
		            time.sleep(0.01)
		        c.sendall(b"second part\n")
		        c.recv(1)
		    elif mode == "big":
		        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (64 << 20))
		        block = bytes(range(256)) * 4096
		        for _ in range(64):
		            c.sendall(block)
		        c.recv(1)

		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind((addr, port))
		s.listen(8)
		while True:
		    c, _ = s.accept()
		    try:
		        serve(c)
		    except OSError:
		        pass
		    c.close()
	PY
}

# peer MODE PORT [FILE]: starts peer.py in the server's namespace.
peer() {
	tl_bg ip netns exec "$NSS" timeout 120 python3 "$W/peer.py" "$SA" "$2" "$1" ${3:+"$3"}
	wait_listen "$2" || fail "peer.py $1 did not start on port $2"
}

# A server that never answers: with --timeout 2 the client gives up about
# 2 s after the server's last segment (the ACK of the request), says so in
# one line, sends a RST, and exits 1.
silent_server() {
	local rc err gap
	peer silent 8091
	timeout 30 ip netns exec "$NSC" "$CLIENT" --timeout 2 --plain -tt \
		-w "$W/silent.pcap" "http://$SA:8091/" >"$W/silent.out" 2>"$W/silent.err"
	rc=$?
	err=$(cat "$W/silent.err")
	if [ "$rc" -eq 1 ] && [ "$err" = "tcplab-client: the server sent nothing for 2 s (--timeout) before the response was whole: the client reset the connection" ]; then
		pass
	else
		fail "silent server: exit status $rc, said: $err"
	fi
	gap=$("$TCPDUMP" -tt -n -r "$W/silent.pcap" 2>/dev/null | awk '
		$0 ~ "IP " sa ".8091 >" { last = $1 }
		$0 ~ "IP " ca ".* Flags \\[R" { rst = $1; n++ }
		END { if (n == 1 && last) printf "%.2f", rst - last }' sa="$SA" ca="$CA")
	if [ -n "$gap" ] && awk -v g="$gap" 'BEGIN { exit !(g >= 1.9 && g <= 3.5) }'; then
		pass
	else
		fail "silent server: not one RST about 2 s after the server's last segment (${gap:-none})"
	fi
}

# A body complete by its Content-Length, then the server's RST: success,
# and the client says so. A body that only the close ends, ended by a
# RST: the bytes are written, exit status 1, and the line says so.
reset_endings() {
	local rc
	peer length-rst 8092
	peer close-rst 8093
	timeout 30 ip netns exec "$NSC" "$CLIENT" -O "$W/lrst.body" \
		"http://$SA:8092/" >"$W/lrst.out" 2>"$W/lrst.err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$W/lrst.body")" = "complete body, then a RST" ]; then
		pass
	else
		fail "RST after a whole body: exit status $rc: $(cat "$W/lrst.err")"
	fi
	grep -q "client: the server reset the connection after the whole response (26 body bytes, as its Content-Length says)" \
		"$W/lrst.out" && pass ||
		fail "RST after a whole body: the trace does not say so"
	timeout 30 ip netns exec "$NSC" "$CLIENT" -q -O "$W/crst.body" \
		"http://$SA:8093/" >"$W/crst.out" 2>"$W/crst.err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ "$(cat "$W/crst.body")" = "body that a RST ends" ] &&
		grep -q "the server ended the body with a RST, not a FIN: the 21 bytes that came are written" "$W/crst.err"; then
		pass
	else
		fail "RST ending a body: exit status $rc, said: $(cat "$W/crst.err")"
	fi
}

# The body is written as it arrives: the gated server sends the second
# part only once the first is in the -O file (or on standard output).
# Then 64 MiB through standard output with a bounded memory.
streaming() {
	local how rc
	peer gated 8094 "$W/gate"
	for how in O q; do
		rm -f "$W/gate" "$W/gated-$how.body"
		if [ "$how" = O ]; then
			ip netns exec "$NSC" timeout 30 "$CLIENT" --time-wait 1 \
				-O "$W/gated-$how.body" "http://$SA:8094/" \
				>"$W/gated-$how.out" 2>"$W/gated-$how.err" &
		else
			ip netns exec "$NSC" timeout 30 "$CLIENT" --time-wait 1 \
				-q "http://$SA:8094/" \
				>"$W/gated-$how.body" 2>"$W/gated-$how.err" &
		fi
		if tl_wait_for grep -qx "first part" "$W/gated-$how.body"; then
			pass
		else
			fail "-$how: the first part of the body was not written before the second came"
		fi
		touch "$W/gate"
		wait $!
		rc=$?
		if [ "$rc" -eq 0 ] && [ "$(cat "$W/gated-$how.body")" = "first part
second part" ]; then pass; else
			fail "-$how: exit status $rc, body: $(cat "$W/gated-$how.body")"
		fi
	done
	# On standard output with the trace, each piece under its line.
	rm -f "$W/gate"
	ip netns exec "$NSC" timeout 30 "$CLIENT" --time-wait 1 --plain \
		"http://$SA:8094/" >"$W/gated-trace.out" 2>&1 &
	tl_wait_for grep -qx "first part" "$W/gated-trace.out"
	touch "$W/gate"
	wait $!
	if grep -A1 -x '    client: HTTP 200, body bytes 1-11 of 23:' "$W/gated-trace.out" | grep -qx 'first part' &&
		grep -A1 -x '    client: body bytes 12-23 of 23:' "$W/gated-trace.out" | grep -qx 'second part'; then
		pass
	else
		fail "the trace does not show the body's pieces under their lines"
	fi
	peer big 8095
	ip netns exec "$NSC" python3 - "$CLIENT" "http://$SA:8095/" >"$W/big.res" <<-'PY'
		import hashlib, resource, subprocess, sys
		p = subprocess.Popen(["timeout", "60", sys.argv[1], "-q", "--time-wait", "1",
		                      sys.argv[2]], stdout=subprocess.PIPE)
		h, n = hashlib.sha256(), 0
		for b in iter(lambda: p.stdout.read(1 << 16), b""):
		    h.update(b)
		    n += len(b)
		rc = p.wait()
		w = hashlib.sha256()
		for _ in range(64):
		    w.update(bytes(range(256)) * 4096)
		print(rc, n, h.digest() == w.digest(),
		      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
	PY
	read -r rc n same kb <"$W/big.res"
	if [ "$rc" = 0 ] && [ "$n" = $((64 << 20)) ] && [ "$same" = True ]; then pass; else
		fail "64 MiB body: exit status $rc, $n bytes, same: $same"
	fi
	if [ -n "$kb" ] && [ "$kb" -lt 32768 ]; then pass; else
		fail "64 MiB body: the client grew to ${kb:-?} kB"
	fi
}

# Standard output or the -O file refuses the body: a RST, exit status 3.
write_error() {
	local rc
	timeout 30 ip netns exec "$NSC" "$CLIENT" -q -O /dev/full \
		"http://$SA:8092/" >/dev/null 2>"$W/full.err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q "cannot write the body to /dev/full: No space left on device" "$W/full.err"; then
		pass
	else
		fail "-O /dev/full: exit status $rc, said: $(cat "$W/full.err")"
	fi
}

# Names come from /etc/hosts. A Chinese query string (and a space, quotes
# and a fragment) go out as wget sends them, and so does the Host header
# of a name written in capitals: the request line and Host header of the
# client and of wget, to the same peer, must be the same.
names_and_urls() {
	local url got want
	printf '127.0.0.1\tlocalhost\n%s\tLabServer\n' "$SA" >"/etc/netns/$NSC/hosts"
	peer echo 8096 "$W/echo.log"
	url='http://LabServer:8096/truedei/test?name=张三 李四&q="<>"#top'
	# wget first: the first line of the log is wget's, the second ours.
	timeout 30 ip netns exec "$NSC" wget -q -t 1 -T 10 -O /dev/null "$url" ||
		fail "echo: wget failed"
	timeout 30 ip netns exec "$NSC" "$CLIENT" -q --time-wait 1 "$url" \
		>"$W/echo.out" 2>"$W/echo.err" || fail "echo: $(cat "$W/echo.err")"
	want=$(printf 'GET /truedei/test?name=%%E5%%BC%%A0%%E4%%B8%%89%%20%%E6%%9D%%8E%%E5%%9B%%9B&q=%%22%%3C%%3E%%22 HTTP/1.1\tHost: labserver:8096')
	got=$(sed -n 1p "$W/echo.log")
	[ "$got" = "$want" ] && pass || fail "echo: wget sent '$got'"
	got=$(sed -n 2p "$W/echo.log")
	[ "$got" = "$want" ] && pass || fail "echo: the client sent '$got', not what wget sent"
	[ "$(cat "$W/echo.out")" = "${want%%	*}" ] && pass ||
		fail "echo: the body is not the request line"
}

# A name that /etc/hosts lacks: one line, exit status 3, and no DNS query
# on the wire, though the namespace's resolver would ask the server's
# address. A datagram the test sends to port 53 afterwards proves the
# capture was running: it must be the only packet caught.
unknown_host() {
	local rc err n
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$SA" \
		>"/etc/netns/$NSC/resolv.conf"
	printf 'hosts: files dns\n' >"/etc/netns/$NSC/nsswitch.conf"
	start_tcpdump "$W/dns.pcap" any 'port 53' ||
		{ fail "unknown host: tcpdump did not start"; return; }
	err=$(timeout 30 ip netns exec "$NSC" "$CLIENT" -q "http://nosuch.example:8080/" 2>&1)
	rc=$?
	if [ "$rc" -eq 3 ] && [ "$err" = "tcplab-client: unknown host nosuch.example: tcplab reads /etc/hosts only; give an address or add the name there" ]; then
		pass
	else
		fail "unknown host: exit status $rc, said: $err"
	fi
	ip netns exec "$NSC" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 40053))
s.sendto(b"tcplab control", (sys.argv[1], 53))' "$SA"
	tl_wait_for sh -c "'$TCPDUMP' -n -r '$W/dns.pcap' 'src port 40053' 2>/dev/null | grep -q ." ||
		fail "unknown host: the capture never saw the control datagram"
	stop_last
	n=$("$TCPDUMP" -n -r "$W/dns.pcap" 2>/dev/null | wc -l)
	[ "$n" -eq 1 ] && pass || fail "unknown host: $((n - 1)) DNS packets on the wire"
}

setup_net || tl_skip_or_fail "could not create the namespaces"
mkdir -p "$W/www"
BODY="hello from the server namespace $$"
printf '%s\n' "$BODY" >"$W/www/hello.txt"
seq 1 6000 | sed 's/^/line /' >"$W/www/big.txt"
write_peer
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
	# --loss: a tenth of the segments lost both ways, at random but
	# named with their seed: the body still arrives whole, and every
	# loss is said, with the option and seed that caused it.
	timeout 90 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --loss 10% \
		--seed 7 -O "$W/lossy.body" "http://$SA:8080/big.txt" \
		>"$W/lossy.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/lossy.body" "$W/www/big.txt"; then
		pass
	else
		fail "--loss 10%: exit status $rc, or the body differs"
	fi
	nlost=$(grep -c 'dropped: .* segment [0-9]* is .* (--loss 10%, seed 7)' \
		"$W/lossy.out")
	tl_say "  --loss 10% --seed 7: $nlost segments lost"
	if [ "$nlost" -ge 1 ] && grep -q -- '--seed 7 loses the same ones' \
		"$W/lossy.out"; then pass; else
		fail "--loss 10%: the losses are not said ($nlost), or not the seed"
	fi
	# A slow reader with a small buffer: Linux's TCP meets a window that
	# closes (zero windows) and opens again (window updates), and the
	# body still arrives whole.
	timeout 90 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --rcvbuf 4096 \
		--read-rate 30000 -O "$W/slow.body" "http://$SA:8080/big.txt" \
		>"$W/slow.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/slow.body" "$W/www/big.txt"; then
		pass
	else
		fail "--read-rate: exit status $rc, or the body differs"
	fi
	nzero=$(grep -c '^  | zero window: the client' "$W/slow.out")
	nupd=$(grep -c '^  | window update' "$W/slow.out")
	tl_say "  --rcvbuf 4096 --read-rate 30000: $nzero zero windows, $nupd window updates"
	if [ "$nzero" -ge 1 ] && [ "$nupd" -ge 1 ]; then pass; else
		fail "--read-rate: $nzero zero windows and $nupd window updates"
	fi
	if grep -q -- 'the reader takes 30000 bytes a second from a receive buffer of 4096 bytes' \
		"$W/slow.out"; then pass; else
		fail "--read-rate: the client does not say what its reader does"
	fi
	# --no-sack: the SYN offers no sackOK, and Linux sends no SACK block.
	timeout 90 ip netns exec "$NSC" "$CLIENT" --time-wait 1 --no-sack \
		--plain --loss 5% --seed 3 -O "$W/nosack.body" \
		"http://$SA:8080/big.txt" \
		>"$W/nosack.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/nosack.body" "$W/www/big.txt" &&
		grep -q 'Flags \[S\],.*options \[mss 1460,nop,nop,TS val' \
			"$W/nosack.out" &&
		! grep -q 'sack [0-9]' "$W/nosack.out"; then
		pass
	else
		fail "--no-sack: exit status $rc, or the body differs, or SACK was used"
	fi
	stop_last
else
	fail "python's http.server did not start"
fi

# busybox httpd.
tl_bg ip netns exec "$NSS" timeout 120 busybox httpd -f -p "$SA:8080" -h "$W/www"
if wait_listen; then
	fetch busybox -q
	# Options may come before and after the URL (getopt_long permutes):
	# -q after it leaves only the body.
	timeout 30 ip netns exec "$NSC" "$CLIENT" -T 10 "http://$SA:8080/hello.txt" \
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
nginx_conf "$W" "$SA:8080" 16
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
	small_mtu
else
	fail "nginx did not start"
fi
stop_last

# Peers that end their answers badly, and URLs and names.
silent_server
reset_endings
streaming
write_error
names_and_urls
unknown_host

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
usage_case "tcplab-client: bad value '40' for --blackout: give N,MS, e.g. 40,100" \
	--blackout 40 "http://$SA/"
usage_case "tcplab-client: bad value '0' for --blackout: give a number from 1 to 60000" \
	--blackout 40,0 "http://$SA/"
timeout 10 ip netns exec "$NSC" "$CLIENT" "http://10.99.0.1/" >"$W/noroute.out" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q "no route" "$W/noroute.out"; then pass; else
	fail "no route: exit status $rc, $(cat "$W/noroute.out")"
fi

tl_summary
