#!/usr/bin/env bash
# bootstrap.sh: from a fresh clone to a built (and tested) tcplab.
#
#   ./bootstrap.sh          install what is missing, then configure and build
#   ./bootstrap.sh demo     ... then run the main job: lab 7, the article replayed
#   ./bootstrap.sh check    ... and the tests' packages, then run every test
#                           (make check) and the package test (root)
#   ./bootstrap.sh deps     only install what building and running need
#
# Packages come from apt-get on Debian and Ubuntu, from dnf or yum on RHEL,
# CentOS and Fedora; none of them is left running a service. The locale
# zh_CN.UTF-8 is made when missing. Installing needs root; building does not.
set -eu

cd "$(dirname "$0")"
action=${1:-build}

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# t FORMAT [ARG...]: a message in the reader's language (LANG), once the
# build has made the catalogs in locale/; before that, and without
# gettext, in English. Only what follows the build speaks it: the demo.
t() {
	local f=$1
	shift
	if [ -f locale/zh_CN/LC_MESSAGES/tcplab.mo ] &&
		command -v gettext >/dev/null 2>&1; then
		f=$(TEXTDOMAIN=tcplab TEXTDOMAINDIR=$PWD/locale gettext "$f")
	fi
	# shellcheck disable=SC2059 # the format is the message
	printf -- "$f" "$@"
}

# What building tcplab and running it need, as Debian names them: the
# compiler and autotools (autopoint and gettext for the translations),
# libpcap and libnet, tcpdump and iproute2, netbase (/etc/services, which
# the labs' hosts replace with their own), locales for zh_CN.UTF-8, and
# what some labs run: wget, python3, tmux, and ethtool, with which a
# scenario turns the veth offloads off (the package's Depends and
# Recommends). None of them starts a service.
DEB_PKGS="gcc make autoconf automake autopoint gettext pkg-config libpcap-dev
 libnet1-dev tcpdump iproute2 netbase locales wget python3 tmux ethtool"
# What the tests add: Check, the peers they run tcplab against, iptables;
# clang compiles the XDP programs of the lossy links (tests/netlib.sh) and
# ethtool turns the veth offloads off there, so that a lost frame is one
# segment; the package test (tests/package.sh) builds the .deb and
# installs it in a root made by debootstrap; rsvg-convert (librsvg2-bin)
# renders tcplab-explain --tsg's graph (tests/tsg.sh); chromium renders
# and prints tcplab-explain --handout's HTML and poppler-utils reads the
# PDF back (tests/handout.sh). nginx-light is
# among them: it is installed without starting, and its service is
# stopped and disabled (no_service).
DEB_CHECK_PKGS="check curl wireshark-common procps busybox nginx-light
 apache2-utils iptables time clang ethtool bash-completion debhelper lintian
 dpkg-dev fakeroot debootstrap librsvg2-bin chromium poppler-utils"
# The same for the RPM family (whose packages start no service when they
# are installed; glibc-langpack-zh is zh_CN.UTF-8).
RPM_PKGS="gcc make autoconf automake gettext-devel pkgconf-pkg-config
 libpcap-devel libnet-devel tcpdump iproute glibc-langpack-zh wget python3
 tmux ethtool"
RPM_CHECK_PKGS="check-devel curl wireshark-cli procps-ng busybox nginx
 httpd-tools iptables time clang ethtool librsvg2-tools chromium
 poppler-utils"

# missing_deb PACKAGE...: those that are not installed.
missing_deb() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || printf '%s ' "$p"
	done
}

missing_rpm() {
	for p in "$@"; do
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

# apt_install PACKAGE...: apt-get install, while a policy-rc.d answers 101
# ("action forbidden") to every maintainer script that would start a
# service (Debian's mechanism for it). A policy-rc.d that was there is set
# aside and put back, whatever happens; one left by a run that was killed
# is recognized by its comment and removed.
apt_install() {
	# shellcheck disable=SC2016 # expanded by the root shell
	as_root sh -c '
		p=/usr/sbin/policy-rc.d
		saved=$p.tcplab-saved
		mark="# tcplab bootstrap.sh: no service starts while it installs"
		if grep -qxF "$mark" "$p" 2>/dev/null; then
			rm -f "$p"
		fi
		if [ -e "$saved" ] && [ ! -e "$p" ]; then
			mv "$saved" "$p"
		fi
		if [ -e "$p" ] || [ -L "$p" ]; then
			mv "$p" "$saved"
		fi
		restore() {
			rm -f "$p"
			if [ -e "$saved" ] || [ -L "$saved" ]; then
				mv "$saved" "$p"
			fi
		}
		trap restore EXIT
		trap "exit 130" INT
		trap "exit 143" TERM
		printf "#!/bin/sh\n%s\nexit 101\n" "$mark" >"$p"
		chmod 755 "$p"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends "$@"
	' sh "$@"
}

# no_service NAME: the service NAME, installed for the tests only, neither
# runs nor starts at boot, also when an earlier install started it. (The
# tests start their own nginx, inside their namespaces.)
no_service() {
	local svc=$1
	[ -e "/lib/systemd/system/$svc.service" ] || [ -e "/etc/init.d/$svc" ] ||
		return 0
	if [ -d /run/systemd/system ]; then
		as_root systemctl disable --now --quiet "$svc" 2>/dev/null || true
	else
		# No systemd running: only its links, for a later boot.
		if command -v systemctl >/dev/null 2>&1; then
			as_root systemctl disable --quiet "$svc" >/dev/null 2>&1 || true
		fi
		if [ -x "/etc/init.d/$svc" ]; then
			as_root update-rc.d "$svc" disable >/dev/null 2>&1 || true
			as_root service "$svc" stop >/dev/null 2>&1 || true
		fi
	fi
	say "$svc is there for the tests only: its service is stopped and disabled"
}

# zh_cn_locale: the locale zh_CN.UTF-8 exists, so that LANG=zh_CN.UTF-8
# shows tcplab in Chinese: enabled in /etc/locale.gen (which the locales
# package keeps across its upgrades and reconfiguration) and generated,
# when it is missing.
zh_cn_locale() {
	locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8' && return 0
	command -v locale-gen >/dev/null 2>&1 || return 0
	say "generating the locale zh_CN.UTF-8"
	# shellcheck disable=SC2016 # expanded by the root shell
	as_root sh -c '
		lg=/etc/locale.gen
		[ -L "$lg" ] && exit 0
		re="zh_CN\.UTF-8[[:space:]]\{1,\}UTF-8"
		if grep -q "^[[:space:]]*$re" "$lg" 2>/dev/null; then
			:
		elif grep -q "^[#[:space:]]*$re" "$lg" 2>/dev/null; then
			sed -i "s/^[#[:space:]]*\\($re\\)/\\1/" "$lg"
		else
			echo "zh_CN.UTF-8 UTF-8" >>"$lg"
		fi
		locale-gen --keep-existing >/dev/null
	'
}

# install_deps [check]: what building and running need; with check, what
# the tests need too.
install_deps() {
	local need
	if command -v apt-get >/dev/null 2>&1; then
		# shellcheck disable=SC2086 # the lists are meant to split
		if [ "${1:-}" = check ]; then
			need=$(missing_deb $DEB_PKGS $DEB_CHECK_PKGS)
		else
			need=$(missing_deb $DEB_PKGS)
		fi
		if [ -n "$need" ]; then
			say "installing: $need"
			as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
			# shellcheck disable=SC2086
			apt_install $need
		fi
		[ "${1:-}" = check ] && no_service nginx
		zh_cn_locale
	elif command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		if [ "${1:-}" = check ]; then
			need=$(missing_rpm $RPM_PKGS $RPM_CHECK_PKGS)
		else
			need=$(missing_rpm $RPM_PKGS)
		fi
		[ -z "$need" ] && return 0
		pm=dnf
		command -v dnf >/dev/null 2>&1 || pm=yum
		say "installing: $need (libnet-devel and check-devel come from EPEL on RHEL)"
		# shellcheck disable=SC2086
		as_root "$pm" install -y $need
	else
		say "no apt-get, dnf or yum here: install by hand libpcap, libnet, autoconf, automake, gettext, pkg-config, tcpdump (and Check for the tests)"
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
		die "$(t 'the demo builds network namespaces: run it as root (sudo ./bootstrap.sh demo)')"
	fi
	if labs/tcplab run 7 --auto; then
		say "$(t "the article's exchange, replayed by tcplab's two programs: identical")"
	else
		die "$(t 'lab 7 did not reproduce the article (see above)')"
	fi
}

# The package test: the .deb built from a clean copy of the tree, lintian,
# and an install into a fresh Debian 12 root where tcplab check must pass
# (root, Debian only).
package_test() {
	if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
		say "the package test skipped: it builds a Debian package (no dpkg-buildpackage here)"
	elif [ "$(id -u)" -ne 0 ]; then
		say "the package test skipped: it needs root (debootstrap, chroot); run sudo tests/package.sh"
	else
		say "tests/package.sh"
		tests/package.sh
	fi
}

case $action in
build) install_deps; build ;;
deps) install_deps ;;
check) install_deps check; build; make check; package_test ;;
demo) install_deps; build; demo ;;
-h|--help|help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown action '$action': use build, check, demo or deps" ;;
esac
