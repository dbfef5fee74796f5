#!/bin/bash
# student.sh: a slow student at an 80x24 terminal, for the interactive labs.
#
#   sudo bench/student.sh [LAB [SECONDS]]    (default: labs 1, 2, 3; 30 s)
#
# Runs each lab interactively in a tmux window of 80x24 and plays a student
# who thinks SECONDS at every prompt before answering it: Enter, or "0 0"
# for a --predict question. Then it prints what tcpdump saw of the lesson's
# connection and the lab's verdict. With the shared lab clock, a student
# who waits sees exactly the lesson's segments; a retransmission in the
# flags means a timer fired while the student thought.
#
# The student's waits are the point, not a way to synchronise: a prompt
# is recognised when the window has not changed for a second and is
# answered SECONDS later. Each lab runs in namespaces of its own and
# stops by itself (the runner's own bounds).
set -u
cd "$(dirname "$0")/.." || exit 2

[ "$(id -u)" -eq 0 ] || { echo "student.sh: needs root: sudo $0" >&2; exit 2; }
command -v tmux >/dev/null || { echo "student.sh: tmux is not installed" >&2; exit 2; }

WAIT=${2:-30}
LABS=${1:-1 2 3}
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
status=0

# drive LAB: the lab in its window; the student answers every prompt.
drive() {
	local lab=$1 s=tcplab-student-$1 prev= cur last
	tmux kill-session -t "$s" 2>/dev/null
	tmux new-session -d -s "$s" -x 80 -y 24 \
		"TCPLAB_CLIENT_NS=tlstc$lab TCPLAB_SERVER_NS=tlsts$lab labs/tcplab run $lab --keep 2>&1 | tee $out/lab$lab.log; echo LAB-ENDED; sleep 3600"
	while :; do
		sleep 1
		cur=$(tmux capture-pane -p -t "$s")
		grep -q LAB-ENDED <<<"$cur" && break
		if [ "$cur" != "$prev" ]; then
			prev=$cur
			continue
		fi
		last=$(grep -v '^$' <<<"$cur" | tail -1)
		sleep "$WAIT"
		if grep -q "predict its relative" <<<"$last"; then
			tmux send-keys -t "$s" "0 0" Enter
		else
			tmux send-keys -t "$s" Enter
		fi
		prev=
	done
	tmux kill-session -t "$s"
}

for lab in $LABS; do
	printf 'lab %s: a student who waits %s s at every prompt\n' "$lab" "$WAIT"
	drive "$lab"
	w=$(grep -o '/[^ ]*/tcplab\.[A-Za-z0-9]*' "$out/lab$lab.log" | tail -1)
	if [ -n "$w" ] && [ -r "$w/dump.pcap" ]; then
		printf '  tcpdump saw: %s\n' "$(tcpdump -nn -r "$w/dump.pcap" 2>/dev/null |
			grep -o 'Flags \[[^]]*\]' | cut -c8- | tr -d ']' | tr '\n' ' ')"
		rm -rf "$w"
	fi
	grep -E '^predict: ' "$out/lab$lab.log" | sed 's/^/  /'
	verdict=$(grep -E '^lab [0-9]' "$out/lab$lab.log" | tail -1)
	printf '  %s\n' "${verdict:-no verdict: see the output of the lab}"
	grep -q 'expectations met' <<<"$verdict" || status=1
done
exit "$status"
