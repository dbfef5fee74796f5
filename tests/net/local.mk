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

# tcplab-server against curl, wget and ab at 1%, 5% and 20% loss (root).
# tests/lossy.sh's client part (tcplab-client fetching from nginx over
# lossy, reordering and narrow links) is run by hand for now: on today's
# code it stalls at 5% loss on 8 MB, at 20% and with an MTU of 576 (see
# bench/README.md, "Transfer benchmark"); then it joins TESTS as
# tests/lossy.sh in place of tests/lossy-server.sh.
TESTS += tests/lossy-server.sh
EXTRA_DIST += tests/lossy.sh tests/lossy-server.sh

# Hostile peers (issue 10): MSS 0, 1 and 65535, a window of 1, and RFC
# 5961's blind attacks against both programs, from frames crafted by
# tests/net/hostile.py on AF_PACKET sockets; both stay idle (root).
TESTS += tests/hostile.sh
EXTRA_DIST += tests/hostile.sh tests/net/hostile.py
