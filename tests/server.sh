#!/bin/bash
# server.sh: tcplab-server against real clients, as in the article.
#
# Two network namespaces get the article's addresses (client
# 192.168.101.25, server 192.168.101.5) on a veth pair; tcplab-server runs
# on 192.168.101.5:8080 in the server namespace and a real tcpdump watches
# there. From the client namespace, wget and curl must read "This is
# zhenghui", tcpdump must show the article's ten-segment pattern (S, S.,
# ., P., ., P., ., F., F., .) and no RST from either kernel, the server's
# -w file must read back as the server printed it, ab must finish 5000
# requests, 64 at a time, without a failure or a frame lost by the
# kernel, an idle keep-alive connection and a request head sent a byte
# every 100 ms must be closed after --keepalive-timeout and
# --header-timeout, --close four-way must close in four segments,
# pipelined and split requests must be answered in order, GET /bytes/N
# must stream N bytes of its pattern to wget, curl and ab, crafted
# malformed packets must be counted and leave the server answering, and
# a table full of half-open or idle connections must still let a client
# in. Over IPv6 (2001:db8:101::5), wget -6, curl -6 and ab must be served
# the same way, with an MSS of 1440 and no RST. Every step has a timeout;
# everything is removed on exit.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "server.sh"
need_cmd ip python3 wget curl ab timeout ss
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
[ -x "$SERVER" ] || tl_skip_or_fail "$SERVER not built (run make first)"
[ -x "$TCPDUMP" ] || tl_skip_or_fail "tcpdump is not installed"

CLI=tlsvc$$
SRV=tlsvs$$
VC=vsvc$$
VS=vsvs$$
CADDR=192.168.101.25
SADDR=192.168.101.5
URL="http://$SADDR:8080/truedei/test?name=zhenghui"

work=
tl_workdir work "$top_builddir/tests/work"
[ -n "${TL_KEEP_WORK:-}" ] || tl_remove_at_exit "$work"
ns_pair "$CLI" "$SRV" "$CADDR" "$SADDR" "$VC" "$VS" ||
	tl_skip_or_fail "cannot build the two namespaces"

in_cli() { timeout 20 ip netns exec "$CLI" "$@"; }

# Starts tcplab-server with extra options into $work/$1.out; waits until
# its port guard listens. Sets SRV_PID.
start_server() {
	local name=$1
	shift
	ip netns exec "$SRV" timeout 120 "$SERVER" -i "$VS" -a "$SADDR" \
		"$@" >"$work/$name.out" 2>"$work/$name.err" &
	SRV_PID=$!
	TL_PIDS+=("$SRV_PID")
	local at=$SADDR:8080
	case $SADDR in *:*) at="[$SADDR]:8080" ;; esac
	tl_wait_for sh -c "ip netns exec $SRV ss -ltn | grep -qF '$at '"
}

# Stops the server with SIGTERM; it must exit 0 (sanitizers and all).
stop_server() {
	kill -TERM "$SRV_PID" 2>/dev/null
	wait "$SRV_PID"
	SRV_RC=$?
	[ "$SRV_RC" -eq 0 ] ||
		fail "tcplab-server exited $SRV_RC: $(head -3 "$work/$1.err")"
}

# tcpdump in the server namespace into $1; sets DUMP_PID.
start_dump() {
	ip netns exec "$SRV" timeout 120 "$TCPDUMP" -i "$VS" --immediate-mode \
		-U -w "$1" tcp 2>"$1.err" &
	DUMP_PID=$!
	TL_PIDS+=("$DUMP_PID")
	tl_wait_for grep -q 'listening on' "$1.err"
}

stop_dump() {
	sleep 0.3
	kill "$DUMP_PID" 2>/dev/null
	wait "$DUMP_PID" 2>/dev/null
}

# The flags of each segment of the connection on client port $2 in $1.
flags_of() {
	"$TCPDUMP" -nn -r "$1" 2>/dev/null | grep -E "\.$2( >|:)" |
		sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' '
}

tl_say "wget and curl, with tcpdump watching"
start_server main -w "$work/main.pcap" || fail "tcplab-server did not start"
start_dump "$work/real.pcap" || fail "tcpdump did not start"
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget read '$body'" [ "$body" = "This is zhenghui" ]
body=$(in_cli curl -s -m 5 "$URL")
check "curl read '$body'" [ "$body" = "This is zhenghui" ]
body=$(in_cli curl -s -m 5 "http://$SADDR:8080/truedei/test?name=%E9%83%91+hui")
check "curl with an escaped name read '$body'" \
	[ "$body" = "This is $(printf '\xe9\x83\x91') hui" ]
code=$(in_cli curl -s -m 5 -o /dev/null -w '%{http_code}' \
	"http://$SADDR:8080/other")
check "another path gave $code" [ "$code" = 404 ]
stop_dump
stop_server main

port=$("$TCPDUMP" -nn -r "$work/real.pcap" 2>/dev/null |
	sed -n '1s/.*IP [0-9.]*\.\([0-9]*\) > .*/\1/p')
pattern=$(flags_of "$work/real.pcap" "$port")
tl_say "  wget's connection: $pattern"
check "wget's segments were '$pattern'" \
	[ "$pattern" = "S S. . P. . P. . F. F. . " ]
nrst=$("$TCPDUMP" -nn -r "$work/real.pcap" 2>/dev/null | grep -c 'Flags \[R')
check "tcpdump saw $nrst RST" [ "$nrst" -eq 0 ]
synack=$("$TCPDUMP" -nn -v -r "$work/real.pcap" 2>/dev/null | grep -B1 'Flags \[S\.\]' | head -1)
check "the SYN-ACK's IP id is 0, as in the article: $synack" \
	grep -q 'id 0, offset 0' <<<"$synack"
check "the server's log names the visitor" \
	grep -q 'server: http: GET /truedei/test -> 200, visitor: zhenghui' \
	"$work/main.out"
check "the server's log shows the handshake's states" \
	grep -q '^  | server: SYN-RECEIVED -> ESTABLISHED$' "$work/main.out"
check "the summary counts 4 connections and 3 visitors" \
	grep -q '^tcplab-server: 4 connections (4 closed, .* 3 visitors$' \
	"$work/main.out"
# The -w file, read back by tcpdump, prints what the server printed.
grep -v '^    server\|^tcplab-server\|^  | ' "$work/main.out" >"$work/main.lines"
"$TCPDUMP" -vv -nn -r "$work/main.pcap" >"$work/main.td" 2>/dev/null
if cmp -s "$work/main.lines" "$work/main.td"; then pass; else
	fail "the -w file does not read back as printed"
	diff -u "$work/main.td" "$work/main.lines" | sed -n '3,10p'
fi
ports=$(ip netns exec "$SRV" ss -ltn | grep -c ":8080 ")
check "the port guard is gone after SIGTERM" [ "$ports" -eq 0 ]

tl_say "explanations and --json, for wget"
n=$(grep -c '^  | #[0-9]* conn [0-9]*: ' "$work/main.out")
m=$(grep -c '^[0-9:.]* IP ' "$work/main.out")
check "every segment printed is explained ($n of $m)" test "$n" -eq "$m" -a "$m" -gt 30
start_server json --json || fail "tcplab-server did not start"
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget read '$body' (--json)" [ "$body" = "This is zhenghui" ]
stop_server json
if json_segments "$work/json.out" >"$work/json.fields" 2>"$work/json.err2"; then
	pass
else
	fail "--json: $(cat "$work/json.err2")"
fi
# Ten segments; wget's request is L bytes, the response 267: the server's
# ACK and FIN acknowledge 1 + L and 2 + L, the client's 268 and 269.
got=$(awk '
	$1 == "connections" { nc = $2; next }
	{ n++; fl = fl $2 " "; from = from substr($1, 1, 1); rs[n] = $3; ra[n] = $4
	  st = st $5 "/" $6 " " }
	END {
		L = rs[7] - 1
		ok = (ra[1] == 0 && ra[2] == 1 && ra[3] == 1 && ra[4] == 1 &&
		      ra[5] == 1 + L && ra[6] == 1 + L && ra[7] == 268 &&
		      ra[8] == 268 && ra[9] == 2 + L && ra[10] == 269 &&
		      rs[8] == 1 + L && rs[9] == 268 && rs[10] == 2 + L && L > 0)
		printf "%s| %s| %s| %d| %s\n", fl, from, ok ? "acks ok" : "acks wrong", nc, st
	}' "$work/json.fields")
tl_say "  --json: $got"
check "--json: flags, senders and acks of wget's connection: $got" \
	grep -q '^S S\. \. P\. \. P\. \. F\. F\. \. | csccssccsc| acks ok| 1| ' <<<"$got"
check "--json: the states after each segment" \
	grep -q '| SYN-SENT/SYN-RECEIVED ESTABLISHED/SYN-RECEIVED ESTABLISHED/ESTABLISHED \(ESTABLISHED/ESTABLISHED \)\{4\}FIN-WAIT-1/CLOSE-WAIT TIME-WAIT/LAST-ACK TIME-WAIT/CLOSED $' <<<"$got"
check "--json: the summary went to standard error" \
	grep -q '^tcplab-server: 1 connections' "$work/json.err"

tl_say "--stats"
start_server stats --stats --quiet || fail "tcplab-server did not start"
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget read '$body' (--stats)" [ "$body" = "This is zhenghui" ]
sleep 2.2
stop_server stats
n=$(grep -c '^tcplab-server: 1 connections (1 closed, 0 reset, 0 evicted, 0 open), 6 segments in, 4 out, 1 visitors$' "$work/stats.err")
check "--stats printed the counters each second on stderr ($n times after wget)" \
	[ "$n" -ge 2 ]
check "--stats: the frames line comes with them" \
	grep -q '^tcplab-server: 6 frames captured, 0 dropped by the kernel, 6 with offloaded checksums$' "$work/stats.err"
check "--stats --quiet: standard output holds the final summary only" \
	test "$(grep -vc '^tcplab-server: ' "$work/stats.out")" -eq 0 -a \
	"$(wc -l <"$work/stats.out")" -eq 4

# Data to move: GET /bytes/N streams N bytes of a known pattern through
# the 16 KiB send buffer, whatever N; wget and curl read every byte,
# HEAD reads the length alone, and ab gets 200 bodies of 100 kB.
tl_say "GET /bytes/N: 10 MB to wget, 1 MB to curl, ab"
python3 -c '
import sys
line = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+\n"
n = int(sys.argv[1])
sys.stdout.buffer.write((line * (n // 64 + 1))[:n])' 10000000 >"$work/bytes.want"
start_server bytes --quiet || fail "tcplab-server did not start"
in_cli wget -q -O "$work/bytes.wget" -T 20 -t 1 "http://$SADDR:8080/bytes/10000000"
check "wget read the 10 MB pattern" cmp -s "$work/bytes.wget" "$work/bytes.want"
in_cli curl -s -m 20 -o "$work/bytes.curl" "http://$SADDR:8080/bytes/1000000"
check "curl read the 1 MB pattern" \
	cmp -s "$work/bytes.curl" <(head -c 1000000 "$work/bytes.want")
len=$(in_cli curl -s -m 5 -I "http://$SADDR:8080/bytes/123456" |
	tr -d '\r' | sed -n 's/^Content-Length: //p')
check "HEAD /bytes/123456 says Content-Length $len" [ "$len" = 123456 ]
code=$(in_cli curl -s -m 5 -o /dev/null -w '%{http_code}' \
	"http://$SADDR:8080/bytes/99999999999")
check "GET /bytes/99999999999 (over 1 GiB) gave $code" [ "$code" = 404 ]
in_cli ab -q -s 20 -n 200 -c 8 "http://$SADDR:8080/bytes/100000" \
	>"$work/abbytes.out" 2>&1
check "ab completed 200 bodies of 100 kB" \
	grep -q '^Complete requests: *200$' "$work/abbytes.out"
check "ab failed none of them" \
	grep -q '^Failed requests: *0$' "$work/abbytes.out"
stop_server bytes
# --loss: a tenth of the segments lost both ways, on purpose, with the
# seed said; curl still reads every byte, and the summary counts them.
start_server lossy --quiet --loss 10% --seed 5 ||
	fail "tcplab-server --loss did not start"
in_cli curl -s -m 60 -o "$work/bytes.curl" "http://$SADDR:8080/bytes/300000"
check "curl read 300 kB whole from a server losing 10%" \
	cmp -s "$work/bytes.curl" <(head -c 300000 "$work/bytes.want")
stop_server lossy
check "the server says its --loss and seed" \
	grep -q -- '--loss 10%: .*--seed 5 loses' <(cat "$work/lossy.out" "$work/lossy.err")
lost=$(cat "$work/lossy.out" "$work/lossy.err" |
	sed -n 's/^tcplab-server: dropped: .*\b\([0-9][0-9]*\) lost on purpose (--loss).*/\1/p')
tl_say "  --loss 10% --seed 5: ${lost:-no} segments lost"
check "the summary counts the segments lost on purpose (${lost:-none})" \
	[ "${lost:-0}" -ge 1 ]

# The sender's numbers: with --json every segment carries the server's
# cwnd, ssthresh and RTO in "cc", and each change obeys its RFC: slow
# start grows cwnd by at most 2 MSS (RFC 5681, RFC 3465), three
# duplicate ACKs or SACKs set cwnd = ssthresh (RFC 6675: curl's Linux
# permits SACK), a timeout sets cwnd to 1 MSS and ssthresh to at least
# 2 MSS; the RTO never goes below 200 ms; --sndbuf lets more than the
# default 16 KiB be in flight. With --cc the same changes are
# told under the segments, within 80 columns.
tl_say "--cc and \"cc\": the sender's numbers under loss"
start_server ccjson --json --loss 3% --seed 7 --sndbuf 262144 ||
	fail "tcplab-server --json --loss did not start"
in_cli curl -s -m 60 -o "$work/bytes.curl" "http://$SADDR:8080/bytes/1000000"
stop_server ccjson
check "curl read 1 MB whole from a server losing 3%" \
	cmp -s "$work/bytes.curl" <(head -c 1000000 "$work/bytes.want")
python3 - "$work/ccjson.out" >"$work/ccjson.check" 2>&1 <<'PY'
import json, sys
segs = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "segment"]
bad, whys, lost = [], {}, 0
for o in segs:
    cc = o.get("cc")
    # A client's segment that --loss lost never reached the server's TCP.
    if cc is None and o["from"] == "client":
        lost += 1
        continue
    if cc is None:
        bad.append("#%d has no cc" % o["n"])
        continue
    mss, why = cc["smss"], cc["why"]
    if cc["rto_us"] < 200000:
        bad.append("#%d RTO %d us" % (o["n"], cc["rto_us"]))
    if why is None:
        continue
    whys[why] = whys.get(why, 0) + 1
    grow = cc["cwnd"] - cc.get("cwnd_before", cc["cwnd"])
    if why == "slow start" and not 0 < grow <= 2 * mss:
        bad.append("#%d slow start grew %d" % (o["n"], grow))
    if why == "congestion avoidance" and grow != mss:
        bad.append("#%d avoidance grew %d" % (o["n"], grow))
    if why in ("three duplicate ACKs", "SACKs show a loss") and \
            (cc["cwnd"] != cc["ssthresh"] or cc["ssthresh"] < 2 * mss or
             cc["phase"] != "recovery"):
        bad.append("#%d %s: cwnd %d ssthresh %d" % (o["n"], why, cc["cwnd"], cc["ssthresh"]))
    if why == "retransmission timeout" and \
            (cc["cwnd"] != mss or cc["ssthresh"] < 2 * mss):
        bad.append("#%d timeout: cwnd %d ssthresh %d" % (o["n"], cc["cwnd"], cc["ssthresh"]))
print("changes:", ", ".join("%s %d" % kv for kv in sorted(whys.items())))
print("client's segments lost on the way in:", lost)
top = max(o["cc"]["flight"] for o in segs if "cc" in o)
print("most in flight:", top)
if top <= 16384:
    bad.append("--sndbuf 262144, yet never more than %d in flight" % top)
if lost > len(segs) // 10:
    bad.append("%d of %d segments without cc" % (lost, len(segs)))
print("\n".join(bad[:10]) or "all consistent")
sys.exit(1 if bad or "slow start" not in whys or
         not ({"three duplicate ACKs", "SACKs show a loss",
               "retransmission timeout"} & set(whys)) else 0)
PY
rc=$?
sed 's/^/    /' "$work/ccjson.check"
check "every segment's \"cc\" follows the RFCs' arithmetic" [ "$rc" -eq 0 ]
COLUMNS=80 start_server cctext --cc --loss 3% --seed 7 ||
	fail "tcplab-server --cc did not start"
in_cli curl -s -m 60 -o "$work/bytes.curl" "http://$SADDR:8080/bytes/300000"
stop_server cctext
check "--cc says why cwnd grows" \
	grep -q "^  | cwnd [0-9]* ([0-9.]* MSS) -> [0-9]* ([0-9.]* MSS): slow start" \
	"$work/cctext.out"
check "--cc shows the sender's numbers under the segments" \
	grep -q "^  | server's sender: cwnd [0-9]* ([0-9.]* MSS), ssthresh" \
	"$work/cctext.out"
check "--cc says how a loss sets ssthresh" \
	grep -Eq "^  \| (ssthresh = max\(flight [0-9]+ / 2, 2 MSS\)|retransmission timeout: ssthresh = max)" \
	"$work/cctext.out"
fits "--cc's output" "$work/cctext.out"
rm -f "$work/bytes.wget" "$work/bytes.want" "$work/bytes.curl"

# Every segment printed (the default), which is when the server is
# slowest: 64 clients at once must lose no frame in the capture's ring.
tl_say "ab -n 5000 -c 64, every segment printed"
start_server load || fail "tcplab-server did not start"
in_cli ab -q -s 10 -n 5000 -c 64 "$URL" >"$work/ab.out" 2>&1
grep -E '^(Complete|Failed) requests|^Requests per second|longest' \
	"$work/ab.out" | sed 's/^/    /'
check "ab completed 5000" grep -q '^Complete requests: *5000$' "$work/ab.out"
check "ab failed none" grep -q '^Failed requests: *0$' "$work/ab.out"
in_cli ab -q -s 10 -k -n 500 -c 8 "$URL" >"$work/abk.out" 2>&1
check "ab -k completed 500" grep -q '^Complete requests: *500$' "$work/abk.out"
check "ab -k failed none" grep -q '^Failed requests: *0$' "$work/abk.out"
stop_server load
grep '^tcplab-server: ' "$work/load.out" | sed 's/^/    /'
check "the server counted 5500 visitors" \
	grep -q '^tcplab-server: .* 5500 visitors$' "$work/load.out"
check "the kernel dropped no frame" \
	grep -q '^tcplab-server: [0-9]* frames captured, 0 dropped by the kernel, ' \
	"$work/load.out"
rm -f "$work/load.out"

# The server closes first (HTTP/1.0), so it holds the 4-tuple in
# TIME-WAIT; the kernel's next SYN from the same port has a newer
# timestamp and must open a new connection at once (RFC 6191), not get
# an ACK that the kernel answers with a RST. The client is Linux's TCP
# behind python, which reads until the server's FIN before it closes
# (curl may close first when Content-Length says the body is complete,
# and then the client, not the server, holds TIME-WAIT).
fetch_from_20123() {
	in_cli python3 - "$SADDR" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("", 20123))
s.connect((sys.argv[1], 8080))
s.sendall(b"GET /truedei/test?name=zhenghui HTTP/1.0\r\n\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
s.close()
print(data.split(b"\r\n\r\n", 1)[-1].decode())
PY
}
tl_say "a new SYN on a 4-tuple the server holds in TIME-WAIT"
start_server reuse || fail "tcplab-server did not start"
start_dump "$work/reuse.pcap"
for i in 1 2 3; do
	# The client's socket is in LAST-ACK until the server's ACK of its
	# FIN: the port is free once that has come. (20123 is below the
	# kernel's ephemeral ports: ab's sockets in TIME-WAIT are not on it.)
	tl_wait_for sh -c "! ip netns exec $CLI ss -tan | grep -q ':20123 '"
	body=$(fetch_from_20123)
	check "python read '$body' from port 20123 (time $i)" \
		[ "$body" = "This is zhenghui" ]
done
stop_dump
stop_server reuse
nrst=$("$TCPDUMP" -nr "$work/reuse.pcap" 'tcp[tcpflags] & tcp-rst != 0' \
	2>/dev/null | wc -l)
nsyn=$("$TCPDUMP" -nr "$work/reuse.pcap" \
	'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null | wc -l)
check "no RST on the reused port ($nrst), one SYN each ($nsyn)" \
	[ "$nrst" -eq 0 -a "$nsyn" -eq 3 ]
check "the server says a newer SYN ended TIME-WAIT" \
	grep -q 'a newer SYN ends TIME-WAIT' "$work/reuse.out"
check "the summary counts two reopened" \
	grep -q '^tcplab-server: 2 reopened from TIME-WAIT' "$work/reuse.out"

tl_say "--keepalive-timeout 1 and --header-timeout 1"
start_server timeouts --keepalive-timeout 1 --header-timeout 1 ||
	fail "tcplab-server did not start"
in_cli python3 - "$SADDR" >"$work/timeouts.py" 2>&1 <<'PY'
# Each wait ends with the server's FIN (recv() returns b"") or its RST,
# never with a sleep: an idle keep-alive connection, then a slowloris
# that sends a byte of its request head every 100 ms, then the idle one
# again, whose close this client never finishes.
import select, socket, sys, time
s = socket.create_connection((sys.argv[1], 8080), timeout=10)
s.sendall(b"GET /truedei/test?name=idle HTTP/1.1\r\nHost: x\r\n\r\n")
got = b""
while not got.endswith(b"This is idle"):
    got += s.recv(4096)
t = time.monotonic()
ka = [l for l in got.split(b"\r\n") if l.startswith(b"Keep-Alive")]
end = s.recv(4096)
fin = time.monotonic()
print("idle: %s, %s after %.1f s" % (ka[0].decode(),
      "FIN" if end == b"" else repr(end), fin - t))
idle = s
s = socket.create_connection((sys.argv[1], 8080), timeout=10)
head = b"GET /truedei/test?name=slowloris HTTP/1.1\r\nHost: x\r\n" * 2
t = time.monotonic()
got = b""
for b in head:
    s.send(bytes([b]))
    # The pace of the attack: a byte every 100 ms, unless the server
    # speaks first.
    if select.select([s], [], [], 0.1)[0]:
        break
while True:
    d = s.recv(4096)
    if not d:
        break
    got += d
print("slow: %s, FIN after %.1f s" % (got.split(b"\r\n")[0].decode(),
      time.monotonic() - t))
s.close()
# The idle one stays in CLOSE-WAIT: the server aborts its close. A reset
# is the only event poll() reports on it now (POLLERR, POLLHUP).
p = select.poll()
p.register(idle, 0)
ev = p.poll(10000)
print("idle: %s %.1f s after the FIN" % (
      "reset" if ev and ev[0][1] & select.POLLERR else "nothing",
      time.monotonic() - fin))
PY
stop_server timeouts
sed 's/^/    /' "$work/timeouts.py"
# Not a measure of speed: 1 s is the least, and 60 s or 20 s (the
# defaults) would mean the option was not taken.
check "the response announced timeout=1 and the FIN came 1 s later" \
	grep -Eq '^idle: Keep-Alive: timeout=1, FIN after [1-4]\.[0-9] s$' \
	"$work/timeouts.py"
check "the slow head got a 408 and the FIN 1 s after its first byte" \
	grep -Eq '^slow: HTTP/1.1 408 , FIN after [1-4]\.[0-9] s$' "$work/timeouts.py"
check "the server says why it closed the idle one" \
	grep -q '^    server\( #1\)\?: closing: idle for 1 s (--keepalive-timeout)$' \
	"$work/timeouts.out"
check "the server says why it closed the slow one" \
	grep -q '^    server\( #2\)\?: http: 408: the request head is not complete 1 s after its first byte (--header-timeout), closing$' \
	"$work/timeouts.out"
check "a close the client did not finish was reset 1 s after our FIN" \
	grep -Eq '^idle: reset [1-4]\.[0-9] s after the FIN$' "$work/timeouts.py"
check "the server says why it reset it" \
	grep -q '^    server\( #1\)\?: aborting: the close has not finished 1 s after our FIN (--keepalive-timeout)$' \
	"$work/timeouts.out"
check "the summary counts all three" \
	grep -q '^tcplab-server: timed out: 1 idle, 1 request heads (408), 1 closes$' \
	"$work/timeouts.out"

tl_say "--close four-way"
start_server four --close four-way --close-delay 1 ||
	fail "tcplab-server did not start"
start_dump "$work/four.pcap" || fail "tcpdump did not start"
body=$(in_cli curl -s -m 5 "$URL")
check "curl read '$body' (four-way)" [ "$body" = "This is zhenghui" ]
sleep 1.5
stop_dump
stop_server four
port=$("$TCPDUMP" -nn -r "$work/four.pcap" 2>/dev/null |
	sed -n '1s/.*IP [0-9.]*\.\([0-9]*\) > .*/\1/p')
pattern=$(flags_of "$work/four.pcap" "$port")
tl_say "  curl's connection: $pattern"
check "four closing segments: '$pattern'" \
	[ "$pattern" = "S S. . P. . P. . F. . F. . " ]
check "CLOSE-WAIT is shown" \
	grep -q '^  | server: ESTABLISHED -> CLOSE-WAIT$' "$work/four.out"

tl_say "--piggyback"
start_server piggy --piggyback || fail "tcplab-server did not start"
start_dump "$work/piggy.pcap" || fail "tcpdump did not start"
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget read '$body' (piggyback)" [ "$body" = "This is zhenghui" ]
stop_dump
stop_server piggy
port=$("$TCPDUMP" -nn -r "$work/piggy.pcap" 2>/dev/null |
	sed -n '1s/.*IP [0-9.]*\.\([0-9]*\) > .*/\1/p')
pattern=$(flags_of "$work/piggy.pcap" "$port")
tl_say "  wget's connection: $pattern"
check "the response carries the ACK of the request: '$pattern'" \
	[ "$pattern" = "S S. . P. P. . F. F. . " ]

tl_say "pipelined and split requests, malformed packets"
start_server odd || fail "tcplab-server did not start"
in_cli python3 - "$SADDR" >"$work/pipe.out" 2>&1 <<'PY'
import socket, sys, time
def req(name):
    return ("GET /truedei/test?name=%s HTTP/1.1\r\nHost: x\r\n\r\n"
            % name).encode()
s = socket.create_connection((sys.argv[1], 8080), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(req("one") + req("two") + req("three"))
r = req("split")
s.sendall(r[:10]); time.sleep(0.2); s.sendall(r[10:30]); time.sleep(0.2)
s.sendall(r[30:])
got = b""
deadline = time.time() + 5
while got.count(b"This is ") < 4 and time.time() < deadline:
    got += s.recv(4096)
print(" ".join(p.split(b"\r\n")[0].decode() for p in got.split(b"\r\n\r\n")[1:]))
s.close()
PY
check "pipelined and split answers in order: $(cat "$work/pipe.out")" \
	grep -q '^This is oneHTTP/1.1 200  This is twoHTTP/1.1 200  This is threeHTTP/1.1 200  This is split$' \
	"$work/pipe.out"
in_cli python3 - "$CADDR" "$SADDR" >"$work/craft.out" 2>&1 <<'PY'
# Crafted segments toward the server, each damaged in one way; sent with
# a raw socket inside the client namespace only.
import socket, struct, sys
src, dst = (socket.inet_aton(a) for a in sys.argv[1:3])
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def seg(flags, doff=5, opts=b"", bad_sum=False, sport=50000):
    tcp = struct.pack("!HHIIBBHHH", sport, 8080, 1000, 0, doff << 4,
                      flags, 1024, 0, 0) + opts
    ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(ph + tcp) ^ (0x1234 if bad_sum else 0)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000,
                     64, 6, 0, src, dst)
    return ip + tcp
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
pkts = [
    seg(0x03, sport=50001),                         # SYN+FIN
    seg(0x00, sport=50002),                         # no flags
    seg(0x02, bad_sum=True, sport=50003),           # bad checksum
    seg(0x02, doff=15, sport=50004),                # offset past the end
    seg(0x02, doff=6, opts=b"\x02\x09\x05\xb4", sport=50005),  # bad option
    seg(0x06, sport=50006),                         # SYN+RST
]
for p in pkts:
    r.sendto(p, (sys.argv[2], 0))
print(len(pkts), "sent")
PY
sleep 0.3
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget after malformed packets read '$body'" [ "$body" = "This is zhenghui" ]
stop_server odd
drops=$(grep '^tcplab-server: dropped:' "$work/odd.out")
tl_say "  $drops"
check "SYN+FIN, SYN+RST and no flags dropped as odd" \
	grep -q ' 3 odd flags' <<<"$drops"
check "the bad checksum dropped" grep -q ' 1 bad TCP checksum' <<<"$drops"
check "the bad data offset dropped" \
	grep -q ' 1 bad TCP data offset' <<<"$drops"
check "the bad option dropped" grep -q ' 1 malformed TCP option' <<<"$drops"

tl_say "a full table evicts half-open connections first"
start_server full --max-conns 4 || fail "tcplab-server did not start"
in_cli python3 - "$SADDR" >"$work/flood.out" 2>&1 <<'PY'
# Ten SYNs from addresses nobody holds, so that their connections stay
# half-open; sent with a raw socket inside the client namespace only.
import socket, struct, sys
dst = socket.inet_aton(sys.argv[1])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(10):
    src = socket.inet_aton("192.168.101.%d" % (100 + i))
    tcp = struct.pack("!HHIIBBHHH", 40000 + i, 8080, 7, 0, 5 << 4, 0x02,
                      1024, 0, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i, 0x4000, 64, 6, 0,
                     src, dst)
    r.sendto(ip + tcp, (sys.argv[1], 0))
PY
sleep 0.3
body=$(in_cli wget -q -O - -T 5 -t 1 "$URL")
check "wget with a full table read '$body'" [ "$body" = "This is zhenghui" ]
stop_server full
sum=$(grep '^tcplab-server: .* connections' "$work/full.out")
tl_say "  $sum"
check "seven half-open connections evicted" grep -q ' 7 evicted' <<<"$sum"
check "evictions are reported in SYN-RECEIVED" \
	grep -q 'evicted in SYN-RECEIVED: the table is full' "$work/full.out"

tl_say "a table full of idle keep-alive connections still lets a client in"
start_server idlefull --max-conns 4 || fail "tcplab-server did not start"
in_cli python3 - "$SADDR" "$URL" >"$work/idlefull.py" 2>&1 <<'PY'
# Four keep-alive connections, each idle after one request, fill the
# table; curl must still be served, the one idle the longest is reset,
# and the others keep their connection.
import socket, subprocess, sys
def req(name):
    return ("GET /truedei/test?name=%s HTTP/1.1\r\nHost: x\r\n\r\n"
            % name).encode()
def answer(s, name):
    got = b""
    while not got.endswith(b"This is " + name.encode()):
        d = s.recv(4096)
        if not d:
            return "EOF"
        got += d
    return got.split(b"\r\n")[0].decode()
held = []
for i in range(4):
    s = socket.create_connection((sys.argv[1], 8080), timeout=5)
    s.sendall(req("idle%d" % i))
    answer(s, "idle%d" % i)
    held.append(s)
r = subprocess.run(["curl", "-s", "-m", "5", sys.argv[2]],
                   capture_output=True)
print("new client:", r.stdout.decode())
for i in (0, 3):
    try:
        held[i].sendall(req("again%d" % i))
        print("idle%d:" % i, answer(held[i], "again%d" % i))
    except OSError as e:
        print("idle%d:" % i, e.strerror)
PY
stop_server idlefull
sed 's/^/    /' "$work/idlefull.py"
check "the new client was served" \
	grep -q '^new client: This is zhenghui$' "$work/idlefull.py"
check "the connection idle the longest was reset" \
	grep -q '^idle0: Connection reset by peer$' "$work/idlefull.py"
check "the others kept theirs" \
	grep -q '^idle3: HTTP/1.1 200 $' "$work/idlefull.py"
check "the server says it evicted an idle connection" \
	grep -q '^    server #1: evicted in ESTABLISHED, idle for [0-9]* s: the table is full$' \
	"$work/idlefull.out"
check "the summary counts one eviction" \
	grep -q '^tcplab-server: 5 connections (.* 1 evicted, ' "$work/idlefull.out"

# IPv6: the same hosts get documentation addresses (nodad: usable at once);
# wget -6, curl -6 and ab reach tcplab-server on [2001:db8:101::5]:8080.
tl_say "IPv6: wget -6, curl -6 and ab"
ip -n "$CLI" addr add 2001:db8:101::25/64 dev "$VC" nodad &&
	ip -n "$SRV" addr add 2001:db8:101::5/64 dev "$VS" nodad ||
	fail "cannot give the hosts IPv6 addresses"
SADDR4=$SADDR
SADDR=2001:db8:101::5
URL6="http://[$SADDR]:8080/truedei/test?name=zhenghui"
start_server v6 -w "$work/v6.pcap" || fail "tcplab-server -a $SADDR did not start"
start_dump "$work/real6.pcap" || fail "tcpdump did not start"
body=$(in_cli wget -6 -q -O - -T 5 -t 1 "$URL6")
check "wget -6 read '$body'" [ "$body" = "This is zhenghui" ]
body=$(in_cli curl -6 -s -m 5 "$URL6")
check "curl -6 read '$body'" [ "$body" = "This is zhenghui" ]
stop_dump
stop_server v6
port=$("$TCPDUMP" -nn -r "$work/real6.pcap" 2>/dev/null |
	sed -n '1s/.*IP6 [0-9a-f:]*\.\([0-9]*\) > .*/\1/p')
pattern=$(flags_of "$work/real6.pcap" "$port")
check "wget -6's segments were '$pattern'" \
	[ "$pattern" = "S S. . P. . P. . F. F. . " ]
nrst=$("$TCPDUMP" -nn -r "$work/real6.pcap" 2>/dev/null | grep -c 'Flags \[R')
check "tcpdump saw $nrst RST over IPv6" [ "$nrst" -eq 0 ]
synack=$("$TCPDUMP" -nn -r "$work/real6.pcap" 2>/dev/null |
	grep -m1 'Flags \[S\.\]')
check "the SYN-ACK announces MSS 1440 and Linux's window 64260: $synack" \
	grep -q 'win 64260, options \[mss 1440,' <<<"$synack"
grep -v '^    server\|^tcplab-server\|^  | ' "$work/v6.out" >"$work/v6.lines"
"$TCPDUMP" -vv -nn -r "$work/v6.pcap" >"$work/v6.td" 2>/dev/null
check "the IPv6 -w file reads back as the server printed it" \
	cmp -s "$work/v6.lines" "$work/v6.td"
n=$(grep -c '^  | #[0-9]* conn [0-9]*: ' "$work/v6.out")
m=$(grep -c '^[0-9:.]* IP6 ' "$work/v6.out")
check "every IPv6 segment printed is explained ($n of $m)" \
	test "$n" -eq "$m" -a "$m" -ge 20
start_server v6ab --quiet || fail "tcplab-server -a $SADDR did not start"
in_cli ab -q -n 1000 -c 32 -s 10 "http://[$SADDR]:8080/truedei/test?name=ab" \
	>"$work/ab6.out" 2>&1
stop_server v6ab
check "ab over IPv6: 1000 complete, none failed" \
	grep -qz 'Complete requests: *1000.*Failed requests: *0' "$work/ab6.out"
check "the server counts 1000 visitors over IPv6" \
	grep -q '^tcplab-server: [0-9]* connections (.* 1000 visitors$' \
	"$work/v6ab.out"
SADDR=$SADDR4

# A usage error about an option is one line that names it, exit status 2.
for args in "--atuo|unknown option --atuo: see tcplab-server --help" \
	"-p|option -p needs an argument" \
	"-p 0|bad value '0' for --port: give a number from 1 to 65535" \
	"--keepalive-timeout 0|bad value '0' for --keepalive-timeout: give a number from 1 to 3600" \
	"--st|ambiguous option --st: --step or --stats?" \
	"-a 2001:db8::5::1|bad address 2001:db8::5::1: give an IPv4 or IPv6 address" \
	"-a ::|--address :: means any address: give the server's own"; do
	want="tcplab-server: ${args#*|}"
	# shellcheck disable=SC2086 # the arguments are separate words
	got=$("$SERVER" -i "$VS" -a "$SADDR" ${args%%|*} 2>&1 >/dev/null)
	rc=$?
	check "tcplab-server ${args%%|*}: exit status $rc, said: $got" \
		test "$rc:$got" = "2:$want"
done

tl_summary
