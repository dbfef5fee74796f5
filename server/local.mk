# Rules for server/, included by the top Makefile.am (non-recursive: paths
# are relative to the top). Add to bin_PROGRAMS, check_PROGRAMS, TESTS,
# dist_man_MANS and EXTRA_DIST with +=.

# The HTTP side of the server is pure and lives in the core.
common_libtcplab_a_SOURCES += common/httpd.c common/httpd.h

check_PROGRAMS += tests/check_httpd
TESTS += tests/check_httpd
tests_check_httpd_SOURCES = tests/check_httpd.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_httpd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_httpd_LDADD = $(CHECK_LD)

bin_PROGRAMS += server/tcplab-server
server_tcplab_server_SOURCES = server/main.c server/server.h \
	server/serve.c server/trace.c server/table.c server/table.h
# -pthread: the printer thread (server/trace.c).
server_tcplab_server_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) -pthread
server_tcplab_server_LDFLAGS = -pthread
server_tcplab_server_LDADD = common/io/libtcplabio.a common/libtcplab.a \
	$(PCAP_LIBS) $(LIBNET_LIBS)

# The server against wget, curl, ab and tcpdump in two namespaces (root).
TESTS += tests/server.sh
EXTRA_DIST += tests/server.sh

dist_man_MANS += man/tcplab-server.8

# The article replayed byte for byte by tcplab-client and tcplab-server
# with --profile seed (root); compare-article.sh is shared with the labs.
TESTS += tests/replay.sh
EXTRA_DIST += tests/replay.sh tests/compare-article.sh
