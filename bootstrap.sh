#!/usr/bin/env bash
# bootstrap.sh: from a fresh clone to a built (and tested) tcplab.
#
#   ./bootstrap.sh          install what is missing, then configure and build
#   ./bootstrap.sh check    ... then run every test (make check)
#   ./bootstrap.sh demo     ... then run the main job: lab 7, the article replayed
#   ./bootstrap.sh deps     only install the packages
#
# Packages come from apt-get on Debian and Ubuntu, from dnf or yum on RHEL,
# CentOS and Fedora. Installing needs root; everything else does not.
set -eu

cd "$(dirname "$0")"
action=${1:-build}

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# Build, test and lab dependencies, as Debian names them. clang compiles
# the XDP programs of the lossy links (tests/netlib.sh); ethtool turns the
# veth offloads off there, so that a lost frame is one segment.
DEB_PKGS="gcc make autoconf automake pkg-config libpcap-dev libnet1-dev check
 tcpdump iproute2 wget curl python3 wireshark-common procps busybox nginx-light
 apache2-utils iptables tmux time clang ethtool"
# The same for the RPM family.
RPM_PKGS="gcc make autoconf automake pkgconf-pkg-config libpcap-devel
 libnet-devel check-devel tcpdump iproute wget curl python3 wireshark-cli
 procps-ng busybox nginx httpd-tools tmux time clang ethtool"

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
	# The main job: lab 7 replays the article's exchange between
	# tcplab-client and tcplab-server, both with --profile seed, in the
	# article's two-host topology (two network namespaces), and holds real
	# tcpdump's capture against the article's published trace.
	if [ "$(id -u)" -ne 0 ]; then
		die "the demo builds network namespaces: run it as root (sudo ./bootstrap.sh demo)"
	fi
	if labs/tcplab run 7 --auto; then
		say "the article's exchange, replayed by tcplab's two programs: identical"
	else
		die "lab 7 did not reproduce the article (see above)"
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
