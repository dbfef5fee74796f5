#!/bin/bash
# cwnd.sh: the sender's numbers, exact and estimated, and --cwnd's chart.
#
# In two namespaces of its own, tcplab-server (--json --sndbuf 262144)
# sends 1 MB to tcplab-client, which ignores two of the incoming segments
# (--drop-in: lost on the wire as the server sees it), beside a real
# tcpdump on the server's side. Then:
# - tcplab-explain --json on tcpdump's capture estimates the server's
#   sender: the cwnd and ssthresh of each change it infers must be those
#   the server's own --json log gives (within one MSS), with SACK and,
#   with --no-sack, for NewReno's losses (NewReno's inflation, which
#   depends on when the server read each duplicate ACK, aside);
# - --cwnd draws the exact log and the capture's estimate as SVG (well
#   formed, one "loss" mark per loss the numbers show, the right subtitle,
#   a PNG that is not blank) and as a text plot within 80 columns.
# Needs root; under CI=true it fails instead of skipping.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "cwnd.sh"
need_cmd ip python3 timeout ss rsvg-convert
CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
EXPLAIN=${EXPLAIN:-$top_builddir/explain/tcplab-explain}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
for p in "$CLIENT" "$SERVER" "$EXPLAIN"; do
	[ -x "$p" ] || tl_skip_or_fail "$p not built (run make first)"
done
[ -x "$TCPDUMP" ] || tl_skip_or_fail "tcpdump is not installed"

CLI=tlwc$$
SRV=tlws$$
VC=vwc$$
VS=vws$$
CADDR=192.168.101.25
SADDR=192.168.101.5

work=
tl_workdir work "$top_builddir/tests/work"
tl_remove_at_exit "$work"
ns_pair "$CLI" "$SRV" "$CADDR" "$SADDR" "$VC" "$VS" ||
	tl_skip_or_fail "cannot build the two namespaces"

# run NAME CLIENT-OPTION...: one transfer of 1 MB, the server's --json
# log in NAME.json, tcpdump's capture in NAME.pcap.
run() {
	local name=$1 dpid spid
	shift
	# A large buffer: a capture that drops frames would make a
	# different story of the same transfer.
	ip netns exec "$SRV" timeout 120 "$TCPDUMP" -B 32768 -i "$VS" \
		--immediate-mode -U -w "$work/$name.pcap" tcp \
		2>"$work/$name.dump" &
	dpid=$!
	TL_PIDS+=("$dpid")
	tl_wait_for grep -q 'listening on' "$work/$name.dump"
	ip netns exec "$SRV" timeout 120 "$SERVER" -i "$VS" -a "$SADDR" \
		--json --sndbuf 262144 >"$work/$name.json" 2>"$work/$name.err" &
	spid=$!
	TL_PIDS+=("$spid")
	tl_wait_for sh -c "ip netns exec $SRV ss -ltn | grep -q '$SADDR:8080 '"
	timeout 120 ip netns exec "$CLI" "$CLIENT" -q --time-wait 1 \
		-O "$work/$name.body" "$@" "http://$SADDR:8080/bytes/1000000" \
		>"$work/$name.out" 2>&1
	RC=$?
	kill -TERM "$spid" 2>/dev/null
	wait "$spid"
	# tcpdump has seen the last ACK once the server has: wait until
	# its count of packets stops growing, then stop it.
	kill -INT "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	check "$name: the client read 1 MB (exit status $RC)" \
		[ "$RC" -eq 0 -a "$(stat -c %s "$work/$name.body")" -eq 1000000 ]
	check "$name: tcpdump dropped no frame" \
		grep -q '^0 packets dropped by kernel' "$work/$name.dump"
	"$EXPLAIN" --json -r "$work/$name.pcap" >"$work/$name.est" \
		2>/dev/null
}

# compare NAME MODE: the estimate against the exact log (see above).
compare() {
	python3 - "$work/$1.json" "$work/$1.est" "$2" >"$work/$1.cmp" 2>&1 <<'PY'
import json, sys

def changes(path):
    out = []
    for line in open(path):
        if not line.startswith('{"type":"segment"'):
            continue
        cc = json.loads(line).get("cc")
        if cc and cc["sender"] == "server" and cc["why"] is not None:
            out.append((cc["why"], cc["cwnd"], cc["ssthresh"], cc["smss"],
                        cc["inferred"]))
    return out

exact, est = changes(sys.argv[1]), changes(sys.argv[2])
bad = []
if any(c[4] for c in exact) or not all(c[4] for c in est):
    bad.append("the log must be exact and the estimate inferred")
if sys.argv[3] == "newreno":
    # Losses and the ends of recovery: the same numbers, in order (the
    # cwnd a loss sets, ssthresh + 3 MSS, then grows with each duplicate
    # ACK the server has read: the capture shows them before it does).
    keep = lambda l: [(c[0], c[1] if c[0] == "recovery ends" else 0, c[2])
                      for c in l if c[0] in
                      ("three duplicate ACKs", "recovery ends",
                       "retransmission timeout")]
    exact, est = keep(exact), keep(est)
    if exact != est:
        bad.append("losses differ: %s / %s" % (exact[:4], est[:4]))
    print("losses and recoveries: exact %s" % exact)
else:
    n = min(len(exact), len(est))
    for i in range(n):
        mss = exact[i][3]
        if abs(exact[i][1] - est[i][1]) > mss or \
                abs(exact[i][2] - est[i][2]) > mss:
            bad.append("change %d: exact %s, estimated %s" %
                       (i, exact[i][:3], est[i][:3]))
    if abs(len(exact) - len(est)) > 2 or n < 20:
        bad.append("%d changes exact, %d estimated" % (len(exact), len(est)))
    losses = [c[:3] for c in exact if c[0] in
              ("three duplicate ACKs", "SACKs show a loss")]
    print("%d changes exact, %d estimated; losses %s" %
          (len(exact), len(est), losses))
    if len(losses) < 2:
        bad.append("the two losses did not show")
print("\n".join(bad[:5]) or "the estimate follows the sender")
sys.exit(1 if bad else 0)
PY
	local rc=$?
	sed 's/^/    /' "$work/$1.cmp"
	check "$1: the capture's estimate follows the server's own numbers" \
		[ "$rc" -eq 0 ]
}

tl_say "SACK: two segments lost on the wire"
run sack --drop-in 40 --drop-in 90
compare sack sack
tl_say "no SACK: NewReno"
run newreno --no-sack --drop-in 40 --drop-in 90
compare newreno newreno

# --cwnd: the SVG of the log (exact) and of the capture (estimated).
chart() {
	local name=$1 src=$2 want=$3
	shift 3
	"$EXPLAIN" --cwnd "$work/$name.svg" "$@" "$src" >/dev/null 2>"$work/$name.cerr"
	check "--cwnd $name: exit status 0" [ $? -eq 0 ]
	python3 - "$work/$name.svg" "$want" >"$work/$name.chk" 2>&1 <<'PY'
import sys
import xml.etree.ElementTree as ET
svg, want = sys.argv[1:3]
root = ET.parse(svg).getroot()
ns = "{http://www.w3.org/2000/svg}"
marks = sum(1 for el in root.iter() if "loss" in (el.get("class") or "").split())
text = " ".join(t.text or "" for t in root.iter(ns + "text"))
print("loss marks:", marks)
ok = want in text and "time (s)" in text and "bytes" in text and marks >= 2
sys.exit(0 if ok else 1)
PY
	check "--cwnd $name: well formed, subtitle \"$want\", losses marked" \
		[ $? -eq 0 ]
	sed 's/^/    /' "$work/$name.chk"
	rsvg-convert -o "$work/$name.png" "$work/$name.svg" 2>"$work/$name.rerr"
	check "--cwnd $name: the PNG is a chart" \
		python3 "$top_srcdir/tests/pngcheck.py" "$work/$name.png"
}
chart exact "$work/sack.json" "exact: its own --json log"
chart estimate "$work/sack.pcap" "estimated from the capture alone" -r
# Every loss in the numbers is one mark in the chart.
for name in exact:sack.json estimate:sack.est; do
	n=$(grep -c '"why":"\(three duplicate ACKs\|SACKs show a loss\|retransmission timeout\)"' \
		"$work/${name#*:}")
	m=$(grep -o 'class="loss"' "$work/${name%%:*}.svg" | wc -l)
	check "--cwnd ${name%%:*}: $m loss marks for $n losses" [ "$n" -eq "$m" ]
done
COLUMNS=80 "$EXPLAIN" --cwnd - "$work/sack.json" >"$work/plot.txt" 2>&1
check "--cwnd -: a text plot with its legend" grep -q '# cwnd' "$work/plot.txt"
fits "--cwnd -" "$work/plot.txt"
LANG=zh_CN.UTF-8 TCPLAB_LOCALEDIR=$top_builddir/locale COLUMNS=80 \
	"$EXPLAIN" --cwnd - "$work/sack.json" >"$work/plot.zh" 2>&1
fits "--cwnd - in Chinese" "$work/plot.zh"

tl_summary
