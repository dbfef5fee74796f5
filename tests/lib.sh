# shellcheck shell=bash
# lib.sh: helpers shared by tcplab's shell tests (golden.sh, realcap.sh).
#
# It finds the programs under test and the installed tcpdump, counts passes
# and failures, decides whether a test that needs root may skip, and owns
# every network namespace, temporary directory and background process that
# a test creates: tl_cleanup removes them all on every way out (normal exit,
# failure, Ctrl-C, kill). It never touches a namespace it did not create.
# Source it; do not run it.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

TL_PASSED=0
TL_FAILED=0
TL_NETNS=()   # namespaces this test created
TL_DIRS=()    # directories to remove at exit
TL_TMPS=()    # directories to remove if the test is interrupted
TL_PIDS=()    # background processes to stop at exit
TL_NAME=$(basename "$0")
# The programs fold tcpdump's lines and wrap their notes to the terminal's
# width (80 columns when they cannot tell). Tests that hold their lines
# against tcpdump's want them whole: a wide terminal, unless a test asks
# for a width of its own.
export COLUMNS=${TL_COLUMNS:-1000}

tl_say() {
	printf '%s: %s\n' "$TL_NAME" "$*"
}

# Finds tcplab-explain, mkpcap and tcpdump; sets EXPLAIN, MKPCAP, TCPDUMP.
tl_find_programs() {
	EXPLAIN=${EXPLAIN:-$top_builddir/explain/tcplab-explain}
	MKPCAP=${MKPCAP:-$top_builddir/tests/mkpcap}
	if [ -z "${TCPDUMP:-}" ]; then
		TCPDUMP=$(command -v tcpdump || true)
		[ -n "$TCPDUMP" ] || TCPDUMP=/usr/sbin/tcpdump
	fi
	local p
	for p in "$EXPLAIN" "$MKPCAP" "$TCPDUMP"; do
		if [ ! -x "$p" ]; then
			tl_skip_or_fail "$p not found or not executable (run make first; tcpdump comes with ./bootstrap.sh)"
		fi
	done
}

# Stops the whole test: a skip (77) on a developer's machine, a failure
# when CI=true, where every test must really run.
tl_skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		tl_say "FAIL: $* (CI=true, so this cannot be skipped)"
		exit 1
	fi
	tl_say "SKIP: $*"
	exit 77
}

# Exits unless the test runs as root (see tl_skip_or_fail).
need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		tl_skip_or_fail "${1:-this test} needs root (network namespaces): run it as root, e.g. sudo make check"
	fi
}

# Like need_root for one part of a test: returns 1 (after saying so) when
# that part must be left out, and counts a failure when CI=true.
want_root() {
	if [ "$(id -u)" -eq 0 ]; then
		return 0
	fi
	if [ "${CI:-}" = true ]; then
		fail "$1 needs root and CI=true"
	else
		tl_say "SKIP: $1 needs root (network namespaces): run as root to include it"
	fi
	return 1
}

# Exits unless every named command exists (see tl_skip_or_fail).
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			tl_skip_or_fail "$c is not installed (./bootstrap.sh installs it)"
	done
}

pass() {
	TL_PASSED=$((TL_PASSED + 1))
}

fail() {
	TL_FAILED=$((TL_FAILED + 1))
	tl_say "FAIL: $*"
}

# fits WHAT FILE: no line of FILE is wider than 80 display columns (a
# Chinese character counts two), as tcplab-text ($TEXT, else the build
# tree's) measures them; a failure shows the first few.
fits() {
	local over text=${TEXT:-$top_builddir/labs/tcplab-text}
	if [ ! -x "$text" ]; then
		fail "$1: cannot measure it, $text is missing"
		return
	fi
	if ! over=$("$text" width --over 80 <"$2"); then
		fail "$1: $text width failed"
	elif [ -z "$over" ]; then pass; else
		fail "$1 has lines wider than 80 columns:"
		printf '%s\n' "$over" | head -5 | sed 's/^/    /'
	fi
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

# Prints the closing line and returns 0 only when nothing failed.
tl_summary() {
	printf '%s: %d passed, %d failed\n' "$TL_NAME" "$TL_PASSED" "$TL_FAILED"
	[ "$TL_FAILED" -eq 0 ] && [ "$TL_PASSED" -gt 0 ]
}

# A fresh directory under $1 that tl_cleanup removes; prints its path.
tl_tempdir() {
	mkdir -p "$1"
	mktemp -d "$1/${TL_NAME%.sh}.XXXXXX"
}

# Makes a temporary directory with tl_tempdir into the variable named $1;
# it is removed if the test is interrupted, kept if the test fails.
tl_workdir() {
	local d
	d=$(tl_tempdir "$2") || exit 1
	TL_TMPS+=("$d")
	printf -v "$1" '%s' "$d"
}

tl_remove_at_exit() {
	TL_DIRS+=("$1")
}

# Creates a network namespace with its loopback up and a private
# /etc/netns/NAME for ip netns exec; tl_cleanup deletes both.
ns_create() {
	local ns=$1
	ip netns add "$ns" || return 1
	TL_NETNS+=("$ns")
	mkdir -p "/etc/netns/$ns"
	ip -n "$ns" link set lo up
}

# Runs a command inside a namespace this test created.
ns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Starts a command in the background and remembers it for tl_cleanup.
tl_bg() {
	"$@" &
	TL_PIDS+=("$!")
}

tl_cleanup() {
	local p ns d
	for p in "${TL_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${TL_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	TL_PIDS=()
	for ns in "${TL_NETNS[@]}"; do
		# Processes started inside it die with their own pids above;
		# deleting the namespace removes its veth ends too.
		ip netns delete "$ns" 2>/dev/null
		rm -rf "/etc/netns/${ns:?}"
	done
	TL_NETNS=()
	rmdir /etc/netns 2>/dev/null
	for d in "${TL_DIRS[@]}"; do
		rm -rf "${d:?}"
	done
	TL_DIRS=()
}

# The flag sets every capture is printed with, and those of the runs with
# names, which happen inside a namespace (see ns_names).
# shellcheck disable=SC2034 # used by the scripts that source this file
FLAGSETS=(
	"-nn" "-nn -v" "-nn -vv" "-nn -S -vv" "-t -nn -vv" "-n -tttt -v"
	"-tt -nn" "-ttt -nn -v" "-ttttt -nn"
)
# shellcheck disable=SC2034
NAMEFLAGS=("" "-v" "-S -vv" "-tttt -vv")
RUNNER=()  # a command prefix for both programs, e.g. ip netns exec NS
NS=        # the namespace RUNNER enters, for messages
declare -A TL_SHOWN # the files whose differences were shown

# Compares tcpdump and tcplab-explain on one file with one set of flags.
tl_compare() {
	local f=$1 flags=$2 erc grc tag
	tag="$(basename "$f") [${flags:-no flags}] TZ=$TZ${NS:+ in $NS}"
	# shellcheck disable=SC2086 # the flags are separate words on purpose
	timeout 120 "${RUNNER[@]}" "$TCPDUMP" $flags -r "$f" >"$TL_EXP" 2>/dev/null
	erc=$?
	# shellcheck disable=SC2086
	timeout 120 "${RUNNER[@]}" "$EXPLAIN" --plain $flags -r "$f" \
		>"$TL_GOT" 2>/dev/null
	grc=$?
	if [ "$erc" -ne "$grc" ]; then
		fail "$tag: exit status $grc, tcpdump's is $erc"
	elif ! cmp -s "$TL_EXP" "$TL_GOT"; then
		fail "$tag: output differs (- tcpdump, + tcplab-explain)"
		# The first differing lines, once for each file.
		if [ -z "${TL_SHOWN[$f]:-}" ]; then
			TL_SHOWN[$f]=1
			diff -u "$TL_EXP" "$TL_GOT" | sed -n '3,14p'
		fi
	else
		pass
		return 0
	fi
	return 1
}

# Writes DIR/nginx.conf for an nginx that serves DIR/www on LISTEN (an
# nginx listen argument: "192.0.2.5:8080", "[::]:80") in the foreground,
# as one process with at most CONNS connections, its files kept in DIR.
nginx_conf() {
	cat >"$1/nginx.conf" <<-NGINX
		daemon off;
		master_process off;
		pid $1/nginx.pid;
		error_log $1/nginx-error.log;
		events { worker_connections $3; }
		http {
			access_log off;
			client_body_temp_path $1; proxy_temp_path $1;
			fastcgi_temp_path $1; uwsgi_temp_path $1; scgi_temp_path $1;
			server { listen $2; root $1/www; }
		}
	NGINX
}

# Compares tcpdump and tcplab-explain on each capture after the first
# argument: with every flag set, in two time zones, then with names inside
# the namespace named by the first argument (whose files ns_names wrote).
tl_compare_files() {
	local ns=$1 f flags
	shift
	for f in "$@"; do
		for TZ in America/New_York UTC; do
			export TZ
			for flags in "${FLAGSETS[@]}"; do
				tl_compare "$f" "$flags"
			done
		done
		RUNNER=(ip netns exec "$ns")
		NS=$ns
		for flags in "${NAMEFLAGS[@]}"; do
			tl_compare "$f" "$flags"
		done
		RUNNER=()
		NS=
	done
}

# Gives namespace ns an /etc/hosts that names some test addresses, a DNS
# server on its own loopback where nothing listens, and files-then-DNS
# lookups as on the host, so that a name lookup never leaves it.
ns_names() {
	cat >"/etc/netns/$1/hosts" <<-'EOF'
		127.0.0.1	localhost
		192.168.101.25	localhost.localdomain
		10.9.0.1	alpha.example alpha
		10.9.0.2	beta.example
		172.16.5.1	server.example
		10.1.0.1	www.example.com
		::1	localhost6 ip6-localhost
		2001:db8:101::25	client6.example client6
		2001:db8:101::5	server6.example
		2001:db8:101::5	second-name.example
		2001:db8::5	beta6.example
	EOF
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>"/etc/netns/$1/resolv.conf"
	printf 'hosts: files dns\nservices: files\n' \
		>"/etc/netns/$1/nsswitch.conf"
}

tl_on_signal() {
	TL_DIRS+=("${TL_TMPS[@]}")
	tl_cleanup
	trap - EXIT
	exit "$1"
}

trap tl_cleanup EXIT
trap 'tl_on_signal 130' INT
trap 'tl_on_signal 143' TERM

# Polls a command for up to five seconds (TL_WAIT_TENTHS tenths of a
# second, if set); returns 0 as soon as it succeeds.
tl_wait_for() {
	local _
	for _ in $(seq "${TL_WAIT_TENTHS:-50}"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Creates namespaces $1 and $2 joined by a veth pair, $5 in $1 with
# address $3/24 and $6 in $2 with address $4/24, all up.
ns_pair() {
	ns_create "$1" && ns_create "$2" &&
		ip link add "$5" type veth peer name "$6" &&
		ip link set "$5" netns "$1" && ip link set "$6" netns "$2" &&
		ip -n "$1" addr add "$3/24" dev "$5" &&
		ip -n "$2" addr add "$4/24" dev "$6" &&
		ip -n "$1" link set "$5" up && ip -n "$2" link set "$6" up
}

# Reads the --json output of tcplab-explain, tcplab-server or
# tcplab-client in $1: every line must be one JSON object whose type is
# "segment" or "connection". Prints one line per segment, "FROM FLAGS
# REL_SEQ REL_ACK CLIENT-STATE SERVER-STATE" (the states after it), then
# "connections N". Returns 1, after saying why, when a line is not such
# an object.
json_segments() {
	python3 - "$1" <<-'PY'
		import json, sys
		n = 0
		for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
		    try:
		        o = json.loads(line)
		    except ValueError as e:
		        sys.exit("line %d is not JSON: %s" % (i, e))
		    if not isinstance(o, dict) or o.get("type") not in ("segment", "connection"):
		        sys.exit("line %d is not a segment or connection object" % i)
		    if o["type"] == "connection":
		        n += 1
		        continue
		    a = o["states_after"]
		    print(o["from"], o["flags"], o["rel_seq"], o["rel_ack"],
		          a["client"], a["server"])
		print("connections", n)
	PY
}
