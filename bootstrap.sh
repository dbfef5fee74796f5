#!/usr/bin/env bash
# bootstrap.sh: from a fresh clone to a built (and tested) tcplab.
#
#   ./bootstrap.sh          install what is missing, then configure and build
#   ./bootstrap.sh check    ... then run every test (make check)
#   ./bootstrap.sh demo     ... then run the main job: the reference exchange
#   ./bootstrap.sh deps     only install the packages
#
# Packages come from apt-get on Debian and Ubuntu, from dnf or yum on RHEL,
# CentOS and Fedora. Installing needs root; everything else does not.
set -eu

cd "$(dirname "$0")"
action=${1:-build}

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# Build, test and lab dependencies, as Debian names them.
DEB_PKGS="gcc make autoconf automake pkg-config libpcap-dev libnet1-dev check
 tcpdump iproute2 wget curl python3 wireshark-common procps busybox nginx-light
 apache2-utils iptables tmux"
# The same for the RPM family.
RPM_PKGS="gcc make autoconf automake pkgconf-pkg-config libpcap-devel
 libnet-devel check-devel tcpdump iproute wget curl python3 wireshark-cli
 procps-ng busybox nginx httpd-tools tmux"

missing_deb() {
	for p in $DEB_PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || printf '%s ' "$p"
	done
}

missing_rpm() {
	for p in $RPM_PKGS; do
		rpm -q "$p" >/dev/null 2>&1 || printf '%s ' "$p"
	done
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "installing packages needs root: run as root, or install: $*"
	fi
}

install_deps() {
	if command -v apt-get >/dev/null 2>&1; then
		need=$(missing_deb)
		[ -z "$need" ] && return 0
		say "installing: $need"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		# shellcheck disable=SC2086 # the list is meant to split
		as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $need
	elif command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
		need=$(missing_rpm)
		[ -z "$need" ] && return 0
		pm=dnf
		command -v dnf >/dev/null 2>&1 || pm=yum
		say "installing: $need (libnet-devel and check-devel come from EPEL on RHEL)"
		# shellcheck disable=SC2086
		as_root "$pm" install -y $need
	else
		say "no apt-get, dnf or yum here: install by hand libpcap, libnet, Check, autoconf, automake, pkg-config, tcpdump"
	fi
}

build() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] ||
		[ Makefile.am -nt Makefile.in ]; then
		say "autoreconf -fi"
		autoreconf -fi
	fi
	if [ ! -f Makefile ] || [ configure -nt config.status ]; then
		say "./configure"
		./configure --quiet
	fi
	say "make"
	make -j"$(nproc 2>/dev/null || echo 2)"
}

demo() {
	# Until tcplab-client and tcplab-server exist, the main job prints the
	# reference exchange rebuilt from its fields and holds it against tcpdump.
	make -s tests/mkpcap
	mkdir -p tests/work
	pcap=tests/work/article.pcap
	tests/mkpcap article "$pcap"
	# The article's capture was taken at UTC-4; show its wall-clock times.
	TZ=America/New_York explain/tcplab-explain -vv -n -r "$pcap"
	if command -v tcpdump >/dev/null 2>&1 || [ -x /usr/sbin/tcpdump ]; then
		td=$(command -v tcpdump || echo /usr/sbin/tcpdump)
		TZ=America/New_York explain/tcplab-explain -vv -n -r "$pcap" \
			2>/dev/null >tests/work/article.tcplab
		TZ=America/New_York "$td" -vv -n -r "$pcap" \
			2>/dev/null >tests/work/article.tcpdump
		if cmp -s tests/work/article.tcplab tests/work/article.tcpdump; then
			say "tcplab-explain and tcpdump -vv -n: identical"
		else
			diff -u tests/work/article.tcpdump tests/work/article.tcplab || true
			die "tcplab-explain and tcpdump differ (see the diff above)"
		fi
	fi
}

case $action in
build) install_deps; build ;;
deps) install_deps ;;
check) install_deps; build; make check ;;
demo) install_deps; build; demo ;;
-h|--help|help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown action '$action': use build, check, demo or deps" ;;
esac
