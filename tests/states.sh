#!/bin/bash
# states.sh: each end's own states against what the other end infers.
#
# tcplab-client and tcplab-server each tell annot their own conn's states
# and let it infer the other side's. Run against each other with --json,
# in two namespaces made here, for every way the server closes and with
# segments lost on purpose (--drop, --drop-in), their JSON lines must
# agree: for every segment both printed, what the receiving end infers of
# the sender's state equals the sender's own_state whenever annot does not
# call it inferred (the segment itself shows it); an end never calls its
# own state inferred; every change of state either reports is an edge of
# RFC 9293's diagram; and both end with the connection in the same
# states. (What an end infers of the other side as a receiver may lag what
# that side did meanwhile out of its sight; check_pair holds those states
# against the two conns themselves.) Needs root.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

CLIENT=${CLIENT:-$top_builddir/client/tcplab-client}
SERVER=${SERVER:-$top_builddir/server/tcplab-server}
need_root "states.sh"
need_cmd ip timeout python3
for p in "$CLIENT" "$SERVER"; do
	[ -x "$p" ] || tl_skip_or_fail "$p not built (run make first)"
done

CA=192.168.101.25
SA=192.168.101.5
NSC=tls-c-$$
NSS=tls-s-$$
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
ns_pair "$NSC" "$NSS" "$CA" "$SA" "tls$$a" "tls$$b" ||
	tl_skip_or_fail "cannot build the namespaces"

listening() { ns_exec "$NSS" ss -ltn | grep -q "$SA:8080 "; }

# Judges two --json outputs; prints what disagrees, returns 1 if any.
judge() {
	python3 - "$1" "$2" <<-'PY'
		import json, os, sys
		sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "tests"))
		from rfc9293 import bad_steps
		def load(path, own):
		    segs = []
		    for line in open(path, encoding="utf-8"):
		        o = json.loads(line)
		        if o["type"] != "segment":
		            continue
		        o["own"] = own
		        segs.append(o)
		    return segs
		bad = []
		ends = {"client": load(sys.argv[1], "client"),
		        "server": load(sys.argv[2], "server")}
		for own, segs in ends.items():
		    for o in segs:
		        for step in bad_steps(o):
		            bad.append("%s #%d: %s is no edge" % (own, o["n"], step))
		        if o["inferred"][own]:
		            bad.append("%s #%d: its own state is inferred" % (own, o["n"]))
		        if o["own_state"] != o["states_after"][own]:
		            bad.append("%s #%d: own_state %s, states_after %s" %
		                       (own, o["n"], o["own_state"], o["states_after"][own]))
		# The same segment in both outputs, in order of appearance.
		def key(o):
		    return (o["from"], o["flags"], o["seq"], o["ack"], o["len"])
		seen = {}
		for o in ends["server"]:
		    seen.setdefault(key(o), []).append(o)
		matched = compared = 0
		for c in ends["client"]:
		    lst = seen.get(key(c))
		    if not lst:
		        continue
		    s = lst.pop(0)
		    matched += 1
		    for view, truth, side in ((c, s, "server"), (s, c, "client")):
		        if view["inferred"][side] or c["from"] != side:
		            continue
		        compared += 1
		        if view["states_after"][side] != truth["own_state"]:
		            bad.append("%s #%d %s: the %s sees the %s %s, the %s is %s" %
		                       (c["from"], c["n"], c["flags"], view["own"], side,
		                        view["states_after"][side], side, truth["own_state"]))
		if matched < 5 or compared < 5:
		    bad.append("only %d segments in both outputs, %d states compared"
		               % (matched, compared))
		for own in ("client", "server"):
		    last = ends[own][-1]["states_after"]
		    other = "server" if own == "client" else "client"
		    if last[other] != ends[other][-1]["own_state"] and \
		       not ends[own][-1]["inferred"][other]:
		        bad.append("at the end the %s sees the %s %s, it is %s" %
		                   (own, other, last[other], ends[other][-1]["own_state"]))
		for b in bad[:8]:
		    print("    " + b)
		print("    %d segments in both outputs, %d senders' states compared"
		      % (matched, compared))
		sys.exit(1 if bad else 0)
	PY
}

# run NAME "SERVER OPTIONS" "CLIENT OPTIONS": one exchange, judged.
run() {
	local name=$1 sopts=$2 copts=$3 spid
	# shellcheck disable=SC2086 # the options are meant to split
	ip netns exec "$NSS" timeout 60 "$SERVER" -i "tls$$b" -a "$SA" --json \
		$sopts >"$W/$name.srv" 2>"$W/$name.srv.err" &
	spid=$!
	TL_PIDS+=("$spid")
	if ! tl_wait_for listening; then
		fail "$name: tcplab-server did not start: $(head -1 "$W/$name.srv.err")"
		return
	fi
	# shellcheck disable=SC2086
	ip netns exec "$NSC" timeout 60 "$CLIENT" --json --time-wait 1 $copts \
		-O "$W/$name.body" "http://$SA:8080/truedei/test?name=states" \
		>"$W/$name.cli" 2>"$W/$name.cli.err"
	local rc=$?
	# The server's last lines come on SIGTERM, after the last segment.
	kill "$spid"
	wait "$spid" 2>/dev/null
	if [ "$rc" -eq 0 ] || [ "${4:-}" = may-fail ]; then pass; else
		fail "$name: tcplab-client exited $rc: $(head -1 "$W/$name.cli.err")"
	fi
	if judge "$W/$name.cli" "$W/$name.srv" >"$W/$name.judge"; then
		pass
	else
		fail "$name: the two ends disagree:"
	fi
	tl_say "  $name: $(tail -1 "$W/$name.judge" | sed 's/^ *//')"
	grep -v 'segments in both outputs' "$W/$name.judge"
}

for mode in merged four-way server-first rst; do
	run "$mode" "--close $mode --close-delay 1" "" \
		"$([ "$mode" = rst ] && echo may-fail)"
done
run lost-syn "" "--drop 1"
run lost-request "" "--drop 3"
run lost-fin "" "--drop 5"
run lost-synack "" "--drop-in 1"
run lost-response "" "--drop-in 3"
run lost-server-fin "--close server-first" "--drop-in 4"
run four-lost-ack "--close four-way --close-delay 1" "--drop-in 4"
tl_summary
