#!/bin/bash
# package.sh: the Debian package, built and installed as a classroom VM
# gets it (root; not part of make check: ./bootstrap.sh check runs it).
#
#   1. copies the tree (its git files as they are now, else make distdir)
#      into tests/work/pkg/src, so that the build tree is not touched, and
#      builds tcplab_*.deb there with dpkg-buildpackage -us -uc -b;
#   2. runs lintian on it: any error fails;
#   3. makes a fresh Debian 12 root with debootstrap --variant=minbase
#      (from this machine's Debian mirror; the finished root is kept in
#      tests/work/bookworm-minbase.tar.gz for the next run), and in it:
#      apt-get install ./tcplab_*.deb; the programs run, the completion
#      and the man pages are there, zh_CN.UTF-8 exists (also after
#      dpkg-reconfigure locales), no service and no nginx came with it;
#   4. runs `tcplab check` there, inside a network namespace of its own,
#      with its two hosts under names of this run;
#   5. installs man-db there (for this test only) and reads the pages with
#      man, the Chinese ones with man -L zh_CN when the package has them.
#
# Everything happens inside a mount namespace of its own (unshare -m):
# the root's /proc, /sys, /dev and /run vanish with it. On every way out
# the processes left in the root are killed and the root is removed; the
# logs stay in tests/work/pkg when something failed.

set -u
NAME=package.sh
say() { printf '%s: %s\n' "$NAME" "$*"; }
step() { printf '%s: == %s\n' "$NAME" "$*"; }
die() {
	say "FAIL: $*" >&2
	exit 1
}

FAILED=0
ok() { say "ok: $*"; }
bad() {
	say "FAIL: $*"
	FAILED=$((FAILED + 1))
}
# check WHAT COMMAND...: runs COMMAND, ok or FAIL by its exit status.
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}

# ---------------------------------------------------------------------------
# Inside the root (chroot), one phase at a time: package.sh --in-root PHASE.

in_root_install() {
	local before after deb new labs labs0
	export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
	deb=$(echo /tmp/tcplab-pkgtest/tcplab_*.deb)
	before=$(services)
	step "apt-get install ./$(basename "$deb") (in the root)"
	apt-get update -qq || return 2
	if ! (cd /tmp/tcplab-pkgtest && apt-get install -y -q "./$(basename "$deb")") \
		>/tmp/tcplab-pkgtest/apt.log 2>&1; then
		tail -20 /tmp/tcplab-pkgtest/apt.log
		bad "apt-get install ./$(basename "$deb")"
		return 2
	fi
	ok "apt-get install ./$(basename "$deb")"
	say "installed with it: $(sed -n 's/^Setting up \([^ ]*\) .*/\1/p' \
		/tmp/tcplab-pkgtest/apt.log | sort | paste -sd' ')"
	after=$(services)

	step "what the package installed"
	check "tcplab-client --version: $(tcplab-client --version 2>&1 | head -1)" \
		tcplab-client --version
	check "tcplab-server --version: $(tcplab-server --version 2>&1 | head -1)" \
		tcplab-server --version
	check "tcplab-explain --version: $(tcplab-explain --version 2>&1 | head -1)" \
		tcplab-explain --version
	check "tcplab --version: $(tcplab --version 2>&1 | head -1)" \
		tcplab --version
	# The labs the package installed: tcplab list names each of them.
	labs=$(find /usr/share/tcplab/labs -maxdepth 1 -name '[0-9][0-9]-*.sh' | wc -l)
	labs0=$(find /usr/share/tcplab/labs -maxdepth 1 -name '0[0-9]-*.sh' | wc -l)
	check "tcplab list names the $labs labs installed" \
		test "$labs" -ge 10 -a "$(tcplab list | grep -c '^[0-9][0-9]-')" -eq "$labs"
	check "tcplab-explain explains the article's trace" \
		sh -c 'tcplab-explain /usr/share/tcplab/labs/article-trace.vv.txt >/dev/null'
	check "tcplab-text is where the runner finds it (/usr/libexec/tcplab)" \
		test -x /usr/libexec/tcplab/tcplab-text
	check "tcplab-play is where the runner finds it (/usr/libexec/tcplab)" \
		test -x /usr/libexec/tcplab/tcplab-play
	check "tcplab list names the scenarios installed (zero-window)" \
		sh -c 'tcplab list | grep -q "^zero-window "'
	check "each installed scenario reads without a mistake" \
		sh -c 'for f in /usr/share/tcplab/labs/*.scn; do /usr/libexec/tcplab/tcplab-play --check "$f" || exit 1; done'
	check "tcplab grade reads a record (no root needed for it)" \
		sh -c 'printf "%s\n" "{\"type\":\"lab\",\"student\":\"A\",\"lab\":\"x\",\"score\":1,\"of\":1,\"expectations\":1,\"met\":1,\"duration\":1.0,\"outcome\":\"passed\",\"time\":\"2026-12-01T00:00:00Z\"}" | tcplab grade - | grep -q "^A "'
	local m
	for m in man1/tcplab.1 man1/tcplab-client.1 man1/tcplab-explain.1 \
		man5/tcplab-scenario.5 man8/tcplab-server.8; do
		check "man page /usr/share/man/$m.gz" test -s "/usr/share/man/$m.gz"
	done
	if has_zh_man; then
		for m in man1/tcplab.1 man1/tcplab-client.1 man1/tcplab-explain.1 \
			man5/tcplab-scenario.5 man8/tcplab-server.8; do
			check "Chinese man page /usr/share/man/zh_CN/$m.gz" \
				test -s "/usr/share/man/zh_CN/$m.gz"
		done
	else
		say "no Chinese man pages in this package yet (/usr/share/man/zh_CN/)"
	fi
	for m in tcplab tcplab-client tcplab-server tcplab-explain; do
		check "completion /usr/share/bash-completion/completions/$m" \
			test -s "/usr/share/bash-completion/completions/$m"
	done
	check "the completion completes: tcplab-client --st -> --step" \
		test "$(completes tcplab-client --st)" = --step
	check "the completion completes: tcplab r -> run" \
		test "$(completes tcplab r)" = run
	check "the completion completes: tcplab run 0 -> the $labs0 labs from 0" \
		test "$(completes tcplab run 0 | wc -w)" -eq "$labs0"
	check "nginx is not installed" \
		test -z "$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'nginx*' 2>/dev/null |
			grep '^installed')"
	check "no server binary came with it (nginx, apache2, lighttpd)" \
		sh -c '! command -v nginx apache2 lighttpd >/dev/null'
	check "the package has no service (no init script, no systemd unit)" \
		test -z "$(dpkg -L tcplab | grep -E '^/etc/init\.d/|^/lib/systemd/|^/usr/lib/systemd/')"
	# What its dependencies brought: libpcap's libdbus-1-3 recommends
	# dbus, which a minimal root lacks and any standard install has.
	new=$(comm -13 <(echo "$before") <(echo "$after") | paste -sd' ')
	say "services its dependencies brought into this minimal root: ${new:-none}"
	case " $new " in
	*nginx* | *apache* | *lighttpd* | *httpd*)
		bad "a web server's service came with it: $new" ;;
	*) ok "no web server's service came with it" ;;
	esac
	check "the locale zh_CN.UTF-8 exists (locale -a: $(locale -a | grep -i zh_CN | paste -sd' '))" \
		sh -c 'locale -a | grep -qix "zh_CN.utf8"'
	check "zh_CN.UTF-8 is enabled in /etc/locale.gen" \
		grep -q '^zh_CN\.UTF-8 UTF-8' /etc/locale.gen
	dpkg-reconfigure locales >/dev/null 2>&1
	check "zh_CN.UTF-8 exists after dpkg-reconfigure locales" \
		sh -c 'locale -a | grep -qix "zh_CN.utf8"'
	check "LANG=zh_CN.UTF-8 is a locale the C library knows" \
		sh -c 'LC_ALL=zh_CN.UTF-8 locale charmap 2>&1 | grep -qx UTF-8'
	if [ -e /usr/share/locale/zh_CN/LC_MESSAGES/tcplab.mo ]; then
		for m in "tcplab-client --help" "tcplab-server --help" \
			"tcplab-explain --help" "tcplab --help" "tcplab list"; do
			# shellcheck disable=SC2086 # the command and its words
			check "LANG=zh_CN.UTF-8 $m speaks Chinese" chinese $m
		done
	else
		say "no Chinese messages in this package yet (tcplab.mo)"
	fi
	[ "$FAILED" -eq 0 ]
}

# The init scripts and systemd units in the root.
services() {
	local f
	for f in /etc/init.d/* /lib/systemd/system/*.service \
		/lib/systemd/system/*.socket; do
		[ -e "$f" ] && printf '%s\n' "$f"
	done | sort
}

# chinese COMMAND...: COMMAND under LANG=zh_CN.UTF-8 prints Chinese.
chinese() {
	LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$@" 2>&1 </dev/null |
		LC_ALL=C.UTF-8 grep -qP '\p{Han}'
}

# Whether the tcplab package has Chinese man pages.
has_zh_man() {
	dpkg -L tcplab | grep -q '^/usr/share/man/zh_CN/'
}

# completes WORD...: what the installed completion offers for the line
# WORD... with the cursor at the end of the last word, in a bash that has
# nothing but that file.
completes() {
	local f=/usr/share/bash-completion/completions/$1
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tcplab
		printf "%s\n" "${COMPREPLY[@]}"' bash "$f" "$@" | paste -sd' '
}

in_root_labs() {
	local t0 rc
	export LC_ALL=C.UTF-8
	step "tcplab check (in the root, in a network namespace of its own; hosts $TCPLAB_CLIENT_NS and $TCPLAB_SERVER_NS)"
	t0=$(date +%s)
	TCPLAB_TMP=/tmp tcplab check
	rc=$?
	say "tcplab check took $(($(date +%s) - t0)) s"
	check "tcplab check passes in a fresh Debian 12 with the package" test "$rc" -eq 0
	if [ -e /usr/share/locale/zh_CN/LC_MESSAGES/tcplab.mo ]; then
		step "LANG=zh_CN.UTF-8 tcplab run 1 --auto (in the root)"
		LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 TCPLAB_TMP=/tmp \
			tcplab run 1 --auto >/tmp/tcplab-pkgtest/lab1-zh.out 2>&1
		rc=$?
		tail -3 /tmp/tcplab-pkgtest/lab1-zh.out | sed 's/^/    /'
		check "lab 1 in Chinese passes" test "$rc" -eq 0
		check "lab 1 in Chinese speaks Chinese" \
			grep -qP '\p{Han}' /tmp/tcplab-pkgtest/lab1-zh.out
	fi
	check "tcplab check left no namespace behind" \
		test -z "$(ip netns list 2>/dev/null)"
	check "tcplab check left no work directory behind" \
		sh -c '! ls -d /tmp/tcplab.* 2>/dev/null'
	[ "$FAILED" -eq 0 ]
}

in_root_man() {
	local out
	export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
	step "man-db, for this test only; the man pages read with man"
	if ! apt-get install -y -q --no-install-recommends man-db \
		>/tmp/tcplab-pkgtest/apt-man.log 2>&1; then
		tail -20 /tmp/tcplab-pkgtest/apt-man.log
		bad "apt-get install man-db"
		return 1
	fi
	out=$(MANWIDTH=80 man -P cat tcplab-client 2>&1)
	check "man tcplab-client shows the page" \
		grep -q 'tcplab-client' <<<"$out"
	out=$(MANWIDTH=80 man -P cat 8 tcplab-server 2>&1)
	check "man 8 tcplab-server shows the page" \
		grep -q 'tcplab-server' <<<"$out"
	if has_zh_man; then
		out=$(LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 MANWIDTH=80 \
			man -L zh_CN -P cat tcplab-client 2>&1)
		check "man -L zh_CN tcplab-client shows the Chinese page" \
			grep -qP '\p{Han}' <<<"$out"
		printf '%s\n' "$out" | sed -n '1,12p' | sed 's/^/    /'
	else
		say "man -L zh_CN: not checked, the package has no /usr/share/man/zh_CN yet"
	fi
	[ "$FAILED" -eq 0 ]
}

# ---------------------------------------------------------------------------
# Inside the mount namespace: package.sh --in-ns ROOT. Mounts what the
# root needs, runs the phases in it; the mounts vanish with the namespace.

in_ns() {
	local root=$1 rc=0 run_id=$2
	mount --make-rprivate / || die "cannot make the mounts private"
	# The root bound onto itself: / in the chroot must be a mount point,
	# or ip netns exec cannot make its mounts slave ("mount --make-rslave
	# /" failed: Invalid argument).
	if ! { mount --bind "$root" "$root" &&
		mount -t proc proc "$root/proc" &&
		mount -t sysfs sysfs "$root/sys" &&
		mount --rbind /dev "$root/dev" &&
		mount -t tmpfs -o mode=755 tmpfs "$root/run" &&
		mkdir -p "$root/run/lock"; }; then
		die "cannot mount the root, its /proc, /sys, /dev and /run"
	fi
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# No service may start in the root (nothing should try).
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"

	chroot "$root" /bin/bash /tmp/tcplab-pkgtest/package.sh --in-root install
	case $? in
	0) ;;
	2) return 1 ;; # not installed: nothing more to test
	*) rc=1 ;;
	esac
	rm -f "$root/usr/sbin/policy-rc.d"
	# tcplab check in a network namespace of its own: nothing it makes
	# (veth pairs, the hosts) is ever seen by this machine's own network.
	unshare -n env TCPLAB_CLIENT_NS="pkgtest-$run_id-c" \
		TCPLAB_SERVER_NS="pkgtest-$run_id-s" \
		chroot "$root" /bin/bash /tmp/tcplab-pkgtest/package.sh --in-root labs ||
		rc=1
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	chroot "$root" /bin/bash /tmp/tcplab-pkgtest/package.sh --in-root man ||
		rc=1
	return $rc
}

# ---------------------------------------------------------------------------
# On this machine.

# The Debian mirror this machine's apt uses for bookworm (deb822 .sources
# or one-line .list files), else deb.debian.org.
mirror() {
	local f m=
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		m=$(awk '
			/^[ \t]*$/ { if (ok && deb && uri != "") { print uri; exit } ok = deb = 0; uri = ""; next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") ok = 1 }
			END { if (ok && deb && uri != "") print uri }' "$f" | head -1)
		[ -n "$m" ] && break
	done
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++
				if ($i ~ /^\[/ || $i ~ /\]$/) i++
				if ($(i + 1) == "bookworm") { print $i; exit } }')
	fi
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# Stops what still runs with its root in ROOT (nothing should), so that
# the mount namespace ends and its mounts with it: TERM, a moment to
# clean up (the runner removes its hosts), then KILL.
in_root_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in
		"$1" | "$1"/*) printf '%s\n' "${p#/proc/}" ;;
		esac
	done
}

kill_in_root() {
	local root=$1 pids _
	pids=$(in_root_pids "$root")
	[ -n "$pids" ] || return 0
	say "stopping $(echo "$pids" | wc -l) process(es) left in the root"
	# shellcheck disable=SC2086 # one pid a word
	kill -TERM $pids 2>/dev/null
	for _ in $(seq 30); do
		[ -n "$(in_root_pids "$root")" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2046
	kill -KILL $(in_root_pids "$root") 2>/dev/null
	sleep 0.2
}

# run COMMAND...: COMMAND in the background, waited for, so that a TERM or
# INT to this script is handled at once (bash runs a trap only after the
# command in the foreground has ended).
CHILD=
run() {
	local rc
	"$@" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	return "$rc"
}

# kill_tree PID: PID and everything it started, TERM.
kill_tree() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		kill_tree "$c"
	done
	kill -TERM "$1" 2>/dev/null
}

# Removes directory $1 unless something is mounted under it here.
remove_tree() {
	local d=$1
	[ -e "$d" ] || return 0
	if awk -v d="$d" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' \
		/proc/self/mountinfo; then
		say "something is still mounted under $d: not removing it"
		return 1
	fi
	rm -rf --one-file-system "$d"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "$CHILD" ] && kill_tree "$CHILD"
	[ -n "${ROOT:-}" ] && kill_in_root "$ROOT"
	[ -n "$CHILD" ] && wait "$CHILD" 2>/dev/null
	[ -n "${ROOT:-}" ] && remove_tree "$ROOT"
	remove_tree "${DEBOOT:-}"
	[ -n "${PKG:-}" ] && remove_tree "$PKG/src"
	if [ "$rc" -eq 0 ]; then
		[ -n "${PKG:-}" ] && remove_tree "$PKG"
	elif [ -n "${PKG:-}" ] && [ -d "$PKG" ]; then
		say "the logs are in $PKG"
	fi
	exit "$rc"
}

# The tree as it is now, into directory $1: the files git knows (tracked,
# and new ones it does not ignore), else what make distdir puts in a
# release.
copy_tree() {
	local dst=$1
	mkdir -p "$dst"
	if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top_srcdir" &&
			git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				[ -e "$f" ] && printf '%s\0' "$f"
			done | tar --null -T - -cf -) | tar -C "$dst" -xf -
	elif [ -f "$top_builddir/Makefile" ]; then
		make -s -C "$top_builddir" distdir distdir="$dst" >/dev/null
	else
		die "neither a git checkout nor a configured tree: nothing to copy from"
	fi
}

main() {
	local t_all t0 mirror_url cache deb changes out run_id
	: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
	: "${top_builddir:=$top_srcdir}"
	[ "$(id -u)" -eq 0 ] || die "this needs root (debootstrap, chroot, namespaces): sudo $0"
	for c in dpkg-buildpackage lintian debootstrap unshare chroot tar; do
		command -v "$c" >/dev/null ||
			die "$c is not installed (./bootstrap.sh check installs what this needs)"
	done
	t_all=$(date +%s)
	WORK=$top_builddir/tests/work
	PKG=$WORK/pkg
	mkdir -p "$WORK"
	exec 9>"$WORK/package.lock"
	flock -n 9 || die "another package.sh runs in $WORK"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# What a run that was killed left.
	kill_in_root "$PKG/root"
	remove_tree "$PKG" || die "cannot clean $PKG"
	mkdir -p "$PKG"

	step "1. the tree copied to $PKG/src; dpkg-buildpackage -us -uc -b"
	t0=$(date +%s)
	copy_tree "$PKG/src"
	if ! run sh -c 'cd "$1" && exec dpkg-buildpackage -us -uc -b' sh "$PKG/src" \
		>"$PKG/build.log" 2>&1; then
		tail -30 "$PKG/build.log"
		die "dpkg-buildpackage failed (the whole log: $PKG/build.log)"
	fi
	deb=$(echo "$PKG"/tcplab_*_*.deb)
	changes=$(echo "$PKG"/tcplab_*.changes)
	if [ ! -f "$deb" ] || [ ! -f "$changes" ]; then
		die "no tcplab_*.deb or .changes in $PKG"
	fi
	ok "built $(basename "$deb") in $(($(date +%s) - t0)) s"
	say "$(grep -E '^# (TOTAL|PASS|FAIL):' "$PKG/build.log" | paste -sd' ') (the build's tests)"

	step "2. lintian $(basename "$changes")"
	out=$(lintian "$changes" 2>&1 | grep -v 'running with root privileges')
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
	if grep -q '^E:' <<<"$out"; then
		bad "lintian reports errors"
	else
		ok "lintian: no errors ($(grep -c '^W:' <<<"$out") warnings)"
	fi

	step "3. a fresh Debian 12 root (debootstrap --variant=minbase bookworm)"
	t0=$(date +%s)
	ROOT=$PKG/root
	cache=$WORK/bookworm-minbase.tar.gz
	if [ -s "$cache" ]; then
		say "from $cache (made by an earlier run; remove it to make a new one)"
		mkdir -p "$ROOT"
		tar -C "$ROOT" --numeric-owner --xattrs --xattrs-include="*" -xzf "$cache" || die "cannot unpack $cache"
	else
		mirror_url=$(mirror)
		say "debootstrap from $mirror_url"
		DEBOOT=$WORK/debootstrap.tmp
		remove_tree "$DEBOOT"
		if ! run unshare -m --propagation private debootstrap --variant=minbase \
			bookworm "$DEBOOT" "$mirror_url" >"$PKG/debootstrap.log" 2>&1; then
			tail -20 "$PKG/debootstrap.log"
			die "debootstrap failed (the whole log: $PKG/debootstrap.log)"
		fi
		rm -rf "$DEBOOT"/var/cache/apt/archives/*.deb
		if ! tar -C "$DEBOOT" --numeric-owner --xattrs --xattrs-include="*" \
			-czf "$cache.tmp" . || ! mv "$cache.tmp" "$cache"; then
			die "cannot write $cache"
		fi
		mv "$DEBOOT" "$ROOT"
		DEBOOT=
	fi
	ok "the root is ready in $(($(date +%s) - t0)) s ($(du -sh "$ROOT" | cut -f1))"
	# Every installed Debian has an /etc/hosts (the installer writes it);
	# a debootstrap root has none. The runner's hosts need one to bind
	# their own over.
	[ -e "$ROOT/etc/hosts" ] ||
		printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
			>"$ROOT/etc/hosts"
	mkdir -p "$ROOT/tmp/tcplab-pkgtest"
	cp "$deb" "$ROOT/tmp/tcplab-pkgtest/"
	cp "$0" "$ROOT/tmp/tcplab-pkgtest/package.sh"

	run_id=$$
	t0=$(date +%s)
	if run unshare -m --propagation private /bin/bash "$0" --in-ns "$ROOT" "$run_id"; then
		:
	else
		FAILED=$((FAILED + 1))
	fi
	say "in the root: $(($(date +%s) - t0)) s"
	kill_in_root "$ROOT"

	step "the end"
	if [ "$FAILED" -eq 0 ]; then
		say "the package builds, passes lintian, installs in a fresh Debian 12, and tcplab check passes there ($(($(date +%s) - t_all)) s)"
		exit 0
	fi
	say "FAILED ($(($(date +%s) - t_all)) s)"
	exit 1
}

case ${1:-} in
--in-root)
	case ${2:-} in
	install) in_root_install ;;
	labs) in_root_labs ;;
	man) in_root_man ;;
	*) die "unknown phase ${2:-}" ;;
	esac
	;;
--in-ns) in_ns "$2" "$3" ;;
*) main "$@" ;;
esac
