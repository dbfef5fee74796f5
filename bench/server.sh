#!/bin/bash
# server.sh: tcplab-server's speed and memory beside Linux's own TCP.
#
# Usage: bench/server.sh [all|synack|rate|burst|rss]...   (default: all)
#   CONNS=2000  connections for the SYN -> SYN-ACK turnaround
#   ABN=20000 ABC=16 RUNS=3  the ab runs of the rate benchmark
#   BURSTN=5000 BURSTC=64  the ab runs of the burst benchmark (RUNS each)
#   HOLD=10000  connections held open for the RSS benchmark
#   PROFILE=1   also record perf profiles of tcplab-server under ab (in
#               rate and rss) and print their top symbols
#   KEEP=1      keep the work directory (pcaps, logs, profiles)
#
# Every measurement builds the same topology afresh: a client namespace
# holding 192.168.101.25 and a server namespace holding 192.168.101.5,
# joined by a veth pair; the server listens on 192.168.101.5:8080. Both
# namespaces, every process started in them and the work directory are
# removed on every way out (exit, Ctrl-C, kill). Nothing leaves them.
#
# 1. synack: tcpdump -w on the server's veth while a client connects and
#    closes CONNS times, one after another; each SYN is paired with the
#    SYN-ACK of the same 4-tuple, for tcplab-server (printing, and with
#    --quiet) and for a kernel listener (a python3 accept loop).
# 2. rate: ab -n ABN -c ABC, no keep-alive, RUNS times against
#    tcplab-server --quiet and against nginx returning the same body with
#    worker_processes 1 and auto; the median req/s of each.
# 3. burst: ab -n BURSTN -c BURSTC, RUNS times against tcplab-server
#    printing every segment into a file, printing into /dev/null, with
#    --quiet, and against nginx with 1 worker, in turn; the req/s, the
#    failures, the longest request and the frames the kernel dropped
#    before tcplab-server could read them.
# 4. rss: HOLD connections held open against tcplab-server; its VmRSS
#    before, after the handshakes, and after one request on each; then
#    ab -n ABN/4 -c ABC while they are all still open.
#
# This is a benchmark that prints figures, not a test: it exits 0 when it
# could run, whether the targets are met or not, and 2 when it could not.

# Functions called through a variable or a trap look unreachable to it.
# shellcheck disable=SC2317
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
CONNS=${CONNS:-2000}
ABN=${ABN:-20000}
ABC=${ABC:-16}
BURSTN=${BURSTN:-5000}
BURSTC=${BURSTC:-64}
RUNS=${RUNS:-3}
HOLD=${HOLD:-10000}
PROFILE=${PROFILE:-0}
SERVER_BIN=${SERVER:-$top_builddir/server/tcplab-server}
TCPDUMP=${TCPDUMP:-$(command -v tcpdump || echo /usr/sbin/tcpdump)}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
LOAD=$here/servload.py
CADDR=192.168.101.25
SADDR=192.168.101.5
PORT=8080
URL="http://$SADDR:$PORT/truedei/test?name=zhenghui"
BODY="This is zhenghui"
CLI=tlbc$$
SRV=tlbs$$
VC=vbc$$
VS=vbs$$

MY_NS=()
MY_PIDS=()
work=

die() {
	echo "server.sh: $*" >&2
	exit 2
}

say() {
	printf '%s\n' "$*"
}

# Stops what this script started in namespace $1, then deletes it.
ns_remove() {
	local ns=$1 p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	sleep 0.1
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns delete "$ns" 2>/dev/null
	rm -rf "/etc/netns/${ns:?}"
}

# Removes the namespaces of this run, also those a subshell created.
topology_down() {
	local ns
	for ns in "${MY_NS[@]}" "$CLI" "$SRV"; do
		[ -e "/run/netns/$ns" ] && ns_remove "$ns"
	done
	MY_NS=()
}

cleanup() {
	local p
	for p in "${MY_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	topology_down
	rmdir /etc/netns 2>/dev/null
	if [ -n "$work" ] && [ "${KEEP:-0}" != 1 ]; then
		rm -rf "${work:?}"
	elif [ -n "$work" ]; then
		say "work directory kept: $work"
	fi
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Both namespaces, the veth pair and the addresses, all up.
topology_up() {
	local ns
	for ns in "$CLI" "$SRV"; do
		ip netns add "$ns" || return 1
		MY_NS+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
	ip link add "$VC" type veth peer name "$VS" &&
		ip link set "$VC" netns "$CLI" && ip link set "$VS" netns "$SRV" &&
		ip -n "$CLI" addr add "$CADDR/24" dev "$VC" &&
		ip -n "$SRV" addr add "$SADDR/24" dev "$VS" &&
		ip -n "$CLI" link set "$VC" up && ip -n "$SRV" link set "$VS" up
}

in_cli() { ip netns exec "$CLI" "$@"; }
in_srv() { ip netns exec "$SRV" "$@"; }

# Polls a command for up to five seconds.
wait_for() {
	local _
	for _ in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

listening() {
	in_srv ss -ltn | grep -q "$SADDR:$PORT "
}

# Starts tcplab-server in the server namespace with extra options; output
# in $work/$1.out. ip netns exec execs it, so $SPID is the server itself.
start_tcplab() {
	local name=$1
	shift
	ip netns exec "$SRV" "$SERVER" -i "$VS" -a "$SADDR" -p "$PORT" "$@" \
		>"$work/$name.out" 2>"$work/$name.err" &
	SPID=$!
	MY_PIDS+=("$SPID")
	wait_for listening || die "tcplab-server did not start: $(head -2 "$work/$name.err")"
}

# tcplab-server printing every segment into /dev/null: --stats writes
# its counters on standard error every second, in $work/$1.err.
start_tcplab_null() {
	local name=$1
	shift
	ip netns exec "$SRV" "$SERVER" -i "$VS" -a "$SADDR" -p "$PORT" \
		--stats "$@" >/dev/null 2>"$work/$name.err" &
	SPID=$!
	MY_PIDS+=("$SPID")
	wait_for listening || die "tcplab-server did not start: $(head -2 "$work/$name.err")"
}

start_kernel() {
	ip netns exec "$SRV" python3 "$LOAD" listen "$SADDR" "$PORT" >"$work/kern.out" 2>&1 &
	SPID=$!
	MY_PIDS+=("$SPID")
	wait_for listening || die "the kernel listener did not start"
}

# nginx answering every request with the body, $1 worker processes.
start_nginx() {
	local workers=$2 conf=$work/nginx-$1.conf
	mkdir -p "$work/nginx"
	cat >"$conf" <<-EOF
		worker_processes $workers;
		daemon off;
		master_process on;
		user root;
		pid $work/nginx/nginx.pid;
		error_log $work/nginx/error.log;
		events { worker_connections 4096; }
		http {
		    access_log off;
		    client_body_temp_path $work/nginx/body;
		    proxy_temp_path $work/nginx/proxy;
		    fastcgi_temp_path $work/nginx/fastcgi;
		    uwsgi_temp_path $work/nginx/uwsgi;
		    scgi_temp_path $work/nginx/scgi;
		    server {
		        listen $SADDR:$PORT;
		        default_type text/plain;
		        location / { return 200 "$BODY"; }
		    }
		}
	EOF
	ip netns exec "$SRV" "$NGINX" -p "$work/nginx" -c "$conf" >"$work/nginx.out" 2>&1 &
	SPID=$!
	MY_PIDS+=("$SPID")
	wait_for listening || die "nginx did not start: $(head -3 "$work/nginx.out")"
}

# CPU seconds (user + system) of every process in the server namespace.
srv_cpu() {
	local p t=0
	for p in $(ip netns pids "$SRV" 2>/dev/null); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# Stops the server started last: SIGTERM, then waits for it.
stop_server() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b;
		else printf "n/a" }'
}

# With PROFILE=1, perf record of the server ($SPID) into $work/$1.perf,
# $2 samples a second (2999).
prof_start() {
	[ "$PROFILE" = 1 ] || return 0
	perf record -e cpu-clock -F "${2:-2999}" -g -p "$SPID" -o "$work/$1.perf" \
		>/dev/null 2>&1 &
	PERF_PID=$!
	MY_PIDS+=("$PERF_PID")
	sleep 0.5
}

prof_stop() {
	[ "$PROFILE" = 1 ] || return 0
	kill -INT "$PERF_PID"
	wait "$PERF_PID" 2>/dev/null
}

# The top symbols by self time, then by time including callees.
prof_show() {
	say "    self:"
	perf report -i "$work/$1.perf" --stdio --no-children --sort sym \
		2>/dev/null | grep -E '^ +[0-9.]+%' | head -15 | sed 's/^/    /'
	say "    with callees (tcplab-server's own functions and syscalls):"
	perf report -i "$work/$1.perf" --stdio --children --sort sym \
		2>/dev/null | grep -E '^ +[0-9.]+% +[0-9.]+% +\[\.\] [a-z]' |
		head -15 | sed 's/^/    /'
}

# With PROFILE=1, perf sched record of the whole machine, to see how long
# the server waits between its wake-up and running, and how long it runs.
sched_start() {
	[ "$PROFILE" = 1 ] || return 0
	perf sched record -a -o "$work/sched.data" >/dev/null 2>&1 &
	SCHED_PID=$!
	MY_PIDS+=("$SCHED_PID")
	sleep 0.5
}

sched_stop() {
	[ "$PROFILE" = 1 ] || return 0
	kill -INT "$SCHED_PID"
	wait "$SCHED_PID" 2>/dev/null
	# Columns: time cpu task wait-time sched-delay run-time (ms).
	perf sched timehist -i "$work/sched.data" -p "$SPID" 2>/dev/null |
		awk 'NR > 3 && NF >= 6 { print $5 * 1000, $6 * 1000 }' \
		>"$work/sched.txt"
}

sched_show() {
	[ -s "$work/sched.txt" ] || return 0
	awk '{ print $1 }' "$work/sched.txt" | sort -g |
		awk '{ v[NR] = $1 } END { printf "  perf sched, second series: tcplab-server --quiet woke %d times; delay from wake-up to running: median %.0f us, p90 %.0f us;", NR, v[int((NR + 1) / 2)], v[int(NR * 0.9)] }'
	awk '{ print $2 }' "$work/sched.txt" | sort -g |
		awk '{ v[NR] = $1 } END { printf " run time per wake-up: median %.0f us, p90 %.0f us\n", v[int((NR + 1) / 2)], v[int(NR * 0.9)] }'
}

# --- 1. SYN -> SYN-ACK turnaround ---------------------------------------

# One turnaround measurement: $1 names it, $2 starts the server.
turnaround_one() {
	local name=$1 start=$2 dpid
	shift 2
	topology_up || die "cannot build the namespaces"
	"$start" "$name" "$@"
	ip netns exec "$SRV" "$TCPDUMP" -i "$VS" -nn -B 16384 \
		--time-stamp-precision=nano -w "$work/$name.pcap" \
		"tcp port $PORT and tcp[tcpflags] & tcp-syn != 0" \
		2>"$work/$name.td.err" &
	dpid=$!
	MY_PIDS+=("$dpid")
	wait_for grep -q 'listening on' "$work/$name.td.err" ||
		die "tcpdump did not start"
	# A few connections first, so that ARP and caches are warm.
	in_cli timeout 60 python3 "$LOAD" churn "$SADDR" "$PORT" 20 1 >/dev/null
	in_cli timeout 300 python3 "$LOAD" churn "$SADDR" "$PORT" "$CONNS" 1 \
		>"$work/$name.churn"
	sleep 0.5
	kill -INT "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	# The profiles come from a second series, so that they do not
	# disturb the figures of the first.
	if [ "$PROFILE" = 1 ] && [ "$name" = tcplab-quiet ]; then
		prof_start synack 20000
		sched_start
		in_cli timeout 300 python3 "$LOAD" churn "$SADDR" "$PORT" \
			"$CONNS" 1 >/dev/null
		sched_stop
		prof_stop
	fi
	stop_server
	topology_down
	"$TCPDUMP" --time-stamp-precision=nano -tt -nn -r "$work/$name.pcap" \
		2>/dev/null | python3 "$LOAD" turnaround >"$work/$name.ta"
	# Less the warm-up: those pairs are in the capture too.
	printf '  %-26s %s; %s\n' "$name" "$(head -1 "$work/$name.ta")" \
		"$(cat "$work/$name.churn")"
	printf '  %-26s %s\n' "" "$(sed -n 2p "$work/$name.ta")"
	grep -h 'dropped by kernel' "$work/$name.td.err" | sed 's/^/    tcpdump: /'
}

field() { # the number after word $2 in file $1
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"
}

bench_synack() {
	local k p q
	say "== SYN -> SYN-ACK turnaround, $CONNS connections one after another (1 ms apart)"
	say "   (tcpdump -w on the server's veth, nanosecond stamps; 20 warm-up connections included)"
	turnaround_one kernel start_kernel
	turnaround_one tcplab-quiet start_tcplab --quiet
	turnaround_one tcplab-printing start_tcplab
	k=$(field "$work/kernel.ta" median_us)
	q=$(field "$work/tcplab-quiet.ta" median_us)
	p=$(field "$work/tcplab-printing.ta" median_us)
	say "  median ratio tcplab-server/kernel: --quiet $(ratio "$q" "$k"), printing $(ratio "$p" "$k") (target <= 1.5)"
	k=$(field "$work/kernel.ta" p90_us)
	q=$(field "$work/tcplab-quiet.ta" p90_us)
	p=$(field "$work/tcplab-printing.ta" p90_us)
	say "  p90 ratio tcplab-server/kernel:    --quiet $(ratio "$q" "$k"), printing $(ratio "$p" "$k")"
	if [ "$PROFILE" = 1 ]; then
		sched_show
		say "  perf profile of tcplab-server --quiet during a second series (cpu-clock):"
		prof_show synack
	fi
}

# --- 2. Complete connections per second ---------------------------------

# One ab run against a fresh topology; sets AB_LINE to "req/s failed
# complete bytes".
ab_one() {
	local name=$1 start=$2 out c0 c1
	shift 2
	out=$work/$name.ab
	topology_up || die "cannot build the namespaces"
	"$start" "$name" "$@"
	in_cli timeout 60 curl -s -m 5 "$URL" >"$work/$name.body"
	[ "$name" = tcplab-prof ] && prof_start tcplab
	c0=$(srv_cpu)
	in_cli timeout 600 ab -q -s 10 -n "$ABN" -c "$ABC" "$URL" >"$out" 2>&1
	c1=$(srv_cpu)
	[ "$name" = tcplab-prof ] && prof_stop
	stop_server
	topology_down
	[ "$(cat "$work/$name.body")" = "$BODY" ] ||
		say "  warning: $name answered '$(head -c 60 "$work/$name.body")'"
	AB_LINE=$(awk '/^Requests per second/ { r = $4 }
		/^Failed requests/ { f = $3 } /^Complete requests/ { c = $3 }
		/^Total transferred/ { t = $3 } /^Time taken/ { s = $5 }
		END { printf "%s %s %s %s %s\n", r, f, c, t, s }' "$out")
	AB_LINE+=" $(awk -v a="$c1" -v b="$c0" 'BEGIN { printf "%.2f", a - b }')"
}

ab_series() {
	local label=$1 name=$2 start=$3 i rate fail comp bytes secs cpu
	local runs="" fails="" rates=""
	shift 3
	for i in $(seq "$RUNS"); do
		ab_one "$name-$i" "$start" "$@"
		read -r rate fail comp bytes secs cpu <<<"$AB_LINE"
		rates+="$rate "
		fails+="$fail "
		runs+="$rate (failed $fail, complete $comp, $(awk -v t="$bytes" -v n="$ABN" 'BEGIN { printf "%d", t / n }') B/resp, server CPU ${cpu}s in ${secs}s); "
	done
	AB_MEDIAN=$(tr ' ' '\n' <<<"$rates" | grep . | median)
	AB_FAILED=$(tr ' ' '\n' <<<"$fails" | grep . | awk '{ s += $1 } END { print s }')
	printf '  %-28s median %8.1f req/s, %s failed in all\n    runs: %s\n' \
		"$label" "$AB_MEDIAN" "$AB_FAILED" "$runs"
}

bench_rate() {
	local t n1 na
	say "== connections per second: ab -n $ABN -c $ABC (no keep-alive), $RUNS runs each, fresh namespaces per run"
	ab_series "tcplab-server --quiet" tcplab start_tcplab --quiet
	t=$AB_MEDIAN
	ab_series "nginx worker_processes 1" nginx1 start_nginx 1
	n1=$AB_MEDIAN
	ab_series "nginx worker_processes auto" nginxa start_nginx auto
	na=$AB_MEDIAN
	say "  (auto = $(nproc) workers here)"
	say "  ratio tcplab-server/nginx: $(ratio "$t" "$n1") against 1 worker, $(ratio "$t" "$na") against auto (target >= 1.0, 0 failed)"
	if [ "$PROFILE" = 1 ]; then
		ab_one tcplab-prof start_tcplab --quiet
		say "  perf profile of tcplab-server under ab (cpu-clock):"
		prof_show tcplab
	fi
}

# --- 3. Bursts ------------------------------------------------------------

# The frames the kernel dropped, from the last counters tcplab-server
# printed in $1 (its summary, or --stats); "-" when there are none. The
# lines are wrapped to 80 columns: continuations are joined first.
kernel_drops() {
	awk '/^  / { line = line $0; next } { if (line != "") print line; line = $0 }
		END { print line }' "$1" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) dropped by the kernel.*/\1/p' | tail -1 |
		grep . || echo -
}

# One ab -n BURSTN -c BURSTC run against a fresh topology; sets
# BURST_LINE to "req/s failed longest-ms kernel-drops".
burst_one() {
	local name=$1 start=$2 out=$work/$1.ab
	shift 2
	topology_up || die "cannot build the namespaces"
	"$start" "$name" "$@"
	in_cli timeout 60 curl -s -m 5 "$URL" >"$work/$name.body"
	[ "$name" = burst-prof ] && prof_start burst
	in_cli timeout 300 ab -q -s 10 -n "$BURSTN" -c "$BURSTC" "$URL" \
		>"$out" 2>&1
	[ "$name" = burst-prof ] && prof_stop
	# --stats prints every second: wait for the counters after ab.
	[ "$start" = start_tcplab_null ] && sleep 2.2
	stop_server
	topology_down
	[ "$(cat "$work/$name.body")" = "$BODY" ] ||
		say "  warning: $name answered '$(head -c 60 "$work/$name.body")'"
	BURST_LINE="$(awk '/^Requests per second/ { r = $4 }
		/^Failed requests/ { f = $3 } /longest request/ { l = $2 }
		END { printf "%s %s %s", r, f, l }' "$out")"
	case $start in
	start_tcplab) BURST_LINE+=" $(kernel_drops "$work/$name.out")" ;;
	start_tcplab_null) BURST_LINE+=" $(kernel_drops "$work/$name.err")" ;;
	*) BURST_LINE+=" -" ;;
	esac
	[ -f "$work/$name.out" ] && [ "${KEEP:-0}" != 1 ] &&
		truncate -s 0 "$work/$name.out"
}

bench_burst() {
	local i k rate fail longest drops med
	local -a labels=("tcplab-server, printing to a file"
		"tcplab-server, printing to /dev/null" "tcplab-server --quiet"
		"nginx worker_processes 1")
	local -a starts=(start_tcplab start_tcplab_null start_tcplab start_nginx)
	local -a opts=("" "" --quiet 1)
	local -a rates=("" "" "" "") runs=("" "" "" "") fails=(0 0 0 0)
	local -a worst=(0 0 0 0) drop=("" "" "" "")
	say "== bursts: ab -n $BURSTN -c $BURSTC (no keep-alive), $RUNS runs of each in turn, fresh namespaces per run"
	for i in $(seq "$RUNS"); do
		for k in 0 1 2 3; do
			# shellcheck disable=SC2086 # opts[k] is one word or none
			burst_one "burst$k-$i" "${starts[k]}" ${opts[k]}
			read -r rate fail longest drops <<<"$BURST_LINE"
			rates[k]+="$rate "
			runs[k]+="$rate ($longest ms) "
			fails[k]=$((fails[k] + ${fail:-1}))
			[ "${longest:-0}" -gt "${worst[k]}" ] && worst[k]=$longest
			drop[k]+="$drops "
		done
	done
	med=()
	for k in 0 1 2 3; do
		med[k]=$(tr ' ' '\n' <<<"${rates[k]}" | grep . | median)
		printf '  %-38s median %8.1f req/s, %s failed, longest %s ms, kernel drops: %s\n    runs: %s\n' \
			"${labels[k]}" "${med[k]}" "${fails[k]}" "${worst[k]}" \
			"${drop[k]% }" "${runs[k]% }"
	done
	say "  ratio to nginx: printing to a file $(ratio "${med[0]}" "${med[3]}"), to /dev/null $(ratio "${med[1]}" "${med[3]}"), --quiet $(ratio "${med[2]}" "${med[3]}") (targets: >= 1.0, 0 failed, longest < 200 ms, no drop)"
	if [ "$PROFILE" = 1 ]; then
		burst_one burst-prof start_tcplab
		say "  perf profile of tcplab-server printing to a file under that ab (cpu-clock, every thread):"
		prof_show burst
	fi
}

# --- 4. RSS with many open connections ----------------------------------

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

bench_rss() {
	local hpid r0 r1 r2 open answered c0 c1
	say "== RSS of tcplab-server with $HOLD connections open (--quiet --max-conns $((HOLD * 2)))"
	topology_up || die "cannot build the namespaces"
	start_tcplab rss --quiet --max-conns $((HOLD * 2))
	sleep 0.5
	r0=$(rss_kb "$SPID")
	ip netns exec "$CLI" python3 "$LOAD" hold "$SADDR" "$PORT" "$HOLD" 120 request \
		>"$work/hold.out" 2>&1 &
	hpid=$!
	MY_PIDS+=("$hpid")
	for _ in $(seq 600); do
		grep -q '^open' "$work/hold.out" && break
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.1
	done
	sleep 0.5
	r1=$(rss_kb "$SPID")
	open=$(in_cli ss -Htn state established "dst $SADDR:$PORT" | wc -l)
	# hold waits for SIGUSR1 before sending the requests.
	kill -USR1 "$(field "$work/hold.out" pid)"
	for _ in $(seq 600); do
		grep -q '^answered' "$work/hold.out" && break
		sleep 0.1
	done
	sleep 0.5
	r2=$(rss_kb "$SPID")
	answered=$(field "$work/hold.out" answered)
	# The same ab load as the rate benchmark, with every connection
	# still open: what a large table costs each packet.
	prof_start rss
	c0=$(srv_cpu)
	in_cli timeout 300 ab -q -s 10 -n "$((ABN / 4))" -c "$ABC" "$URL" \
		>"$work/rss.ab" 2>&1
	c1=$(srv_cpu)
	prof_stop
	kill "$hpid" 2>/dev/null
	stop_server
	topology_down
	say "  client: $(grep '^open' "$work/hold.out"); established seen by the client's kernel: $open; answered: ${answered:-?}"
	say "  VmRSS idle:              $r0 kB"
	say "  VmRSS after handshakes:  $r1 kB  ($(awk -v a="$r1" -v b="$r0" -v n="$HOLD" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }') bytes per connection)"
	say "  VmRSS after one request: $r2 kB  ($(awk -v a="$r2" -v b="$r0" -v n="$HOLD" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }') bytes per connection)"
	say "  ab -n $((ABN / 4)) -c $ABC with the $HOLD connections still open: $(awk '/^Requests per second/ { r = $4 }
		/^Failed requests/ { f = $3 } END { printf "%s req/s, %s failed", r, f }' "$work/rss.ab"), server CPU $(awk -v a="$c1" -v b="$c0" 'BEGIN { printf "%.2f", a - b }') s"
	if [ "$PROFILE" = 1 ]; then
		say "  perf profile of tcplab-server under that ab (cpu-clock):"
		prof_show rss
	fi
}

# --- main ----------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
for c in ip ss python3 ab curl timeout awk; do
	command -v "$c" >/dev/null 2>&1 || die "$c is not installed"
done
[ -x "$SERVER_BIN" ] || die "$SERVER_BIN not built (run make first)"
[ -x "$TCPDUMP" ] || die "tcpdump is not installed"
mkdir -p "$top_builddir/bench/work" || die "cannot create bench/work"
work=$(mktemp -d "$top_builddir/bench/work/server.XXXXXX") || die "no work directory"
# A private copy, so that a rebuild during the run changes nothing.
SERVER=$work/tcplab-server
cp "$SERVER_BIN" "$SERVER" || die "cannot copy $SERVER_BIN"
chmod 755 "$work"

say "tcplab-server bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
say "server: $SERVER_BIN ($(cd "$top_srcdir" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
[ $# -gt 0 ] || set -- all
for what in "$@"; do
	case $what in
	synack) bench_synack ;;
	rate)
		[ -x "$NGINX" ] || die "nginx is not installed"
		bench_rate
		;;
	burst)
		[ -x "$NGINX" ] || die "nginx is not installed"
		bench_burst
		;;
	rss) bench_rss ;;
	all)
		[ -x "$NGINX" ] || die "nginx is not installed"
		bench_synack
		bench_rate
		bench_burst
		bench_rss
		;;
	*) die "unknown benchmark $what (synack, rate, burst, rss or all)" ;;
	esac
done
exit 0
