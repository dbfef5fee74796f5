# Rules for tests/net/, included by the top Makefile.am (non-recursive:
# paths are relative to the top). Add to check_PROGRAMS, TESTS and
# EXTRA_DIST with +=.
#
# Lossy, reordering and narrow links between two namespaces: XDP programs
# (drop.c, reorder.c) that tests/netlib.sh compiles with clang at run time,
# with the loss or the share of late frames as defines, and cpumap, which
# fills reorder.c's CPU map (no bpftool here); probe.py counts numbered
# datagrams across a link.
check_PROGRAMS += tests/net/cpumap
tests_net_cpumap_SOURCES = tests/net/cpumap.c

EXTRA_DIST += tests/netlib.sh tests/net/drop.c tests/net/reorder.c \
	tests/net/probe.py

# The links hold what they promise: loss, reordering, MTU (root).
TESTS += tests/net.sh
EXTRA_DIST += tests/net.sh

# tcplab-server against curl, wget and ab, and tcplab-client fetching
# from nginx, at 1%, 5% and 20% loss, over a reordering link and with an
# MTU of 576 (root).
TESTS += tests/lossy.sh
EXTRA_DIST += tests/lossy.sh

# Hostile peers (issue 10): MSS 0, 1 and 65535, a window of 1, and RFC
# 5961's blind attacks against both programs, from frames crafted by
# tests/net/hostile.py on AF_PACKET sockets; both stay idle (root).
TESTS += tests/hostile.sh
EXTRA_DIST += tests/hostile.sh tests/net/hostile.py
