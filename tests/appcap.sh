#!/bin/bash
# appcap.sh: tcplab-explain's application lines against tcpdump's.
#
# Part one needs no root. mkpcap's "appskip" capture holds payloads that
# tcpdump hands to printers tcplab lacks (BGP, OpenFlow, RESP, PPTP, BEEP,
# MSDP, RPKI-RTR, LDP, telnet commands, NFS calls and replies, the DNS
# records tcplab does not reproduce). For every flag set, tcplab-explain
# --plain must print tcpdump's lines, except that the line of such a
# packet ends at "length N" where tcpdump's goes on (its further lines
# left out), and it must name each protocol once on standard error. The
# "app" capture, whose payloads tcplab does decode, must draw no note.
#
# Part two, as root: real peers in two network namespaces of this test. A
# small DNS server and client written with python3's sockets talk DNS
# over TCP (queries with EDNS, answers with compression), and an SSH-like
# pair exchanges identification strings and a binary packet; tcpdump
# captures them on the veth, and both programs print the capture with
# every flag set. Nothing leaves the namespaces; everything is removed on
# every way out.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_cmd python3 timeout
tl_find_programs

SKIPPED="BGP OpenFlow RESP_(Redis) PPTP BEEP MSDP RPKI-RTR LDP telnet NFS DNS"

work=
tl_workdir work "$top_builddir/tests/work"
TL_EXP=$work/expected.out
TL_GOT=$work/got.out

# Compares tcpdump's lines ($1) with tcplab's ($2): equal lines, or a line
# of tcplab's ending at "length N" that begins tcpdump's; after such a
# line, tcpdump's lines that start with a tab and are not tcplab's next
# belong to the payload left out. Prints the number of packets cut; fails
# (status 1, after saying where) on anything else.
compare_cut() {
	python3 - "$1" "$2" <<-'PY'
		import re, sys
		exp = open(sys.argv[1], encoding="latin-1").read().split("\n")
		got = open(sys.argv[2], encoding="latin-1").read().split("\n")
		i = j = cuts = 0
		while j < len(got):
		    g = got[j]
		    e = exp[i] if i < len(exp) else None
		    if e != g and (e is None or not re.search(r"length \d+$", g)
		                   or not e.startswith(g)):
		        sys.exit("line %d: tcpdump %r, tcplab %r" % (j + 1, e, g))
		    cut = e != g
		    i += 1; j += 1
		    nxt = got[j] if j < len(got) else None
		    while (re.search(r"length \d+$", g) and i < len(exp)
		           and exp[i].startswith("\t") and exp[i] != nxt):
		        i += 1
		        cut = True
		    cuts += cut
		if i != len(exp):
		    sys.exit("tcpdump has %d lines more" % (len(exp) - i))
		print(cuts)
	PY
}

# The appskip capture with one flag set: the lines, and the notes.
check_skip() {
	local f=$1 flags=$2 tag cuts p n
	tag="$(basename "$f") [$flags] TZ=$TZ"
	# shellcheck disable=SC2086
	"$TCPDUMP" $flags -r "$f" >"$TL_EXP" 2>/dev/null
	# shellcheck disable=SC2086
	"$EXPLAIN" --plain $flags -r "$f" >"$TL_GOT" 2>"$work/notes"
	if ! cuts=$(compare_cut "$TL_EXP" "$TL_GOT" 2>&1); then
		fail "$tag: $cuts"
	elif [ "$cuts" -lt 20 ]; then
		fail "$tag: only $cuts lines cut at \"length N\""
	else
		pass
	fi
	local note='payloads are not decoded; their lines end at "length N"'
	for p in $SKIPPED; do
		p=${p//_/ }
		n=$(grep -cxF "tcplab-explain: $f: $p $note" "$work/notes")
		[ "$n" -eq 1 ] || fail "$tag: the note on $p appears $n times"
	done
	n=$(grep -c "not decoded" "$work/notes")
	check "$tag: $n notes, one per protocol" [ "$n" -eq 11 ]
}

# Part one: the crafted captures.
crafted() {
	local flags
	"$MKPCAP" appskip "$work/appskip.pcap" || fail "mkpcap appskip"
	"$MKPCAP" app "$work/app.pcap" || fail "mkpcap app"
	for TZ in America/New_York UTC; do
		export TZ
		for flags in "${FLAGSETS[@]}"; do
			check_skip "$work/appskip.pcap" "$flags"
		done
	done
	"$EXPLAIN" --plain -nn -vv -r "$work/app.pcap" >/dev/null 2>"$work/notes"
	if grep -q "not decoded" "$work/notes"; then
		fail "app.pcap drew a note: $(grep "not decoded" "$work/notes")"
	else
		pass
	fi
}

# The peers: a DNS server answering over TCP, with compression and EDNS.
write_peers() {
	cat >"$work/peers.py" <<-'PY'
		import socket, struct, sys

		def name(n):
		    out = b""
		    for l in n.split("."):
		        out += bytes([len(l)]) + l.encode()
		    return out + b"\0"

		def recv_msg(c):
		    head = b""
		    while len(head) < 2:
		        d = c.recv(2 - len(head))
		        if not d:
		            return None
		        head += d
		    n, = struct.unpack("!H", head)
		    body = b""
		    while len(body) < n:
		        d = c.recv(n - len(body))
		        if not d:
		            return None
		        body += d
		    return body

		def send_msg(c, m):
		    c.sendall(struct.pack("!H", len(m)) + m)

		def answer(q):
		    qid, flags, qd = struct.unpack("!HHH", q[:6])
		    end = 12
		    while q[end]:
		        end += q[end] + 1
		    qtype, = struct.unpack("!H", q[end + 1:end + 3])
		    question = q[12:end + 5]
		    rr = []
		    if qtype == 1:
		        rr.append(b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 300, 7)
		                  + b"\x03www\xc0\x10")
		        rr.append(b"\xc0\x10" + struct.pack("!HHIH", 1, 1, 3600, 4)
		                  + bytes([192, 0, 2, 80]))
		    elif qtype == 28:
		        rr.append(b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16)
		                  + bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [0x80]))
		    elif qtype == 15:
		        rr.append(b"\xc0\x0c" + struct.pack("!HHIH", 15, 1, 60, 9)
		                  + b"\x00\x0a\x04mail\xc0\x0c")
		    elif qtype == 16:
		        rr.append(b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, 12)
		                  + b"\x0bv=spf1 -all")
		    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
		    hdr = struct.pack("!HHHHHH", qid, 0x8580, 1, len(rr), 0, 1)
		    return hdr + question + b"".join(rr) + opt

		def query(qid, qname, qtype):
		    cookie = struct.pack("!HH", 10, 8) + bytes(range(1, 9))
		    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(cookie))
		    return (struct.pack("!HHHHHH", qid, 0x0120, 1, 0, 0, 1)
		            + name(qname) + struct.pack("!HH", qtype, 1) + opt + cookie)

		role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
		if role == "dns-server":
		    s = socket.socket()
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		    s.bind((addr, port)); s.listen(4)
		    s.settimeout(30)
		    while True:
		        c, _ = s.accept()
		        c.settimeout(10)
		        while True:
		            q = recv_msg(c)
		            if q is None:
		                break
		            send_msg(c, answer(q))
		        c.close()
		elif role == "dns-client":
		    c = socket.create_connection((addr, port), timeout=10)
		    for i, t in enumerate((1, 28, 15, 16)):
		        send_msg(c, query(40000 + i, "example.org", t))
		        if recv_msg(c) is None:
		            sys.exit("no answer")
		    c.close()
		elif role == "ssh-server":
		    s = socket.socket()
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		    s.bind((addr, port)); s.listen(1); s.settimeout(30)
		    c, _ = s.accept(); c.settimeout(10)
		    c.sendall(b"SSH-2.0-tcplab_test_1.0\r\n")
		    while b"\n" not in c.recv(256):
		        pass
		    c.sendall(bytes([0, 0, 1, 0x2c, 10, 20]) + bytes(range(40)))
		    c.recv(256)
		    c.close()
		elif role == "ssh-client":
		    c = socket.create_connection((addr, port), timeout=10)
		    c.recv(256)
		    c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
		    c.recv(256)
		    c.sendall(bytes([0, 0, 0, 12, 4, 21]) + bytes(10))
		    c.close()
	PY
}

# Part two: the real exchange, captured, then compared.
real_peers() {
	local cli=tlapc$$ srv=tlaps$$ caddr=192.0.2.25 saddr=192.0.2.53
	local f=$work/real.pcap flags cap
	want_root "the real DNS and SSH peers" || return 0
	ns_pair "$cli" "$srv" "$caddr" "$saddr" "vac$$" "vas$$" || {
		fail "cannot build the two namespaces"
		return
	}
	ns_names "$srv"
	write_peers
	tl_bg ip netns exec "$srv" "$TCPDUMP" -i "vas$$" --immediate-mode -U \
		-s 262144 -w "$f" tcp 2>"$f.err"
	cap=$!
	tl_wait_for grep -q 'listening on' "$f.err" ||
		fail "tcpdump did not start"
	tl_bg ip netns exec "$srv" python3 "$work/peers.py" dns-server \
		"$saddr" 53
	tl_bg ip netns exec "$srv" python3 "$work/peers.py" ssh-server \
		"$saddr" 22
	tl_wait_for sh -c "ip netns exec $srv ss -ltnH | grep -q ':53 ' &&
		ip netns exec $srv ss -ltnH | grep -q ':22 '" ||
		fail "the peers did not listen"
	timeout 20 ip netns exec "$cli" python3 "$work/peers.py" dns-client \
		"$saddr" 53 || fail "the DNS client failed"
	timeout 20 ip netns exec "$cli" python3 "$work/peers.py" ssh-client \
		"$saddr" 22 || fail "the SSH client failed"
	# The last segments (FIN, ACK) are on the wire once both sides have
	# closed; wait until tcpdump has written the SSH peer's final ACK.
	tl_wait_for sh -c "'$TCPDUMP' -nn -r '$f' 2>/dev/null |
		grep -c 'Flags \[F' | grep -qx '[4-9]'" || true
	kill -INT "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	"$TCPDUMP" -nn -r "$f" >"$work/real.txt" 2>/dev/null
	check "real.pcap holds both SSH banners" \
		[ "$(grep -c ': SSH: SSH-2.0-' "$work/real.txt")" -eq 2 ]
	check "real.pcap holds four DNS answers" \
		[ "$(grep -c ' 4000[0-3]\* [12]/0/1 ' "$work/real.txt")" -eq 4 ]
	for TZ in America/New_York UTC; do
		export TZ
		for flags in "${FLAGSETS[@]}" "-nn -vvv"; do
			tl_compare "$f" "$flags"
		done
	done
	RUNNER=(ip netns exec "$srv")
	NS=$srv
	for flags in "${NAMEFLAGS[@]}"; do
		tl_compare "$f" "$flags"
	done
	RUNNER=()
	NS=
	"$EXPLAIN" --plain -nn -vv -r "$f" >/dev/null 2>"$work/notes"
	check "real.pcap drew no note" \
		[ "$(grep -c 'not decoded' "$work/notes")" -eq 0 ]
}

crafted
real_peers
if tl_summary; then
	tl_remove_at_exit "$work"
	exit 0
fi
tl_say "the captures stay in $work"
exit 1
