# Rules for client/, included by the top Makefile.am (non-recursive: paths
# are relative to the top). Add to bin_PROGRAMS, check_PROGRAMS, TESTS,
# dist_man_MANS and EXTRA_DIST with +=.

common_libtcplab_a_SOURCES += common/httpc.c common/httpc.h \
	common/profile.c common/profile.h

check_PROGRAMS += tests/check_httpc tests/check_profile
TESTS += tests/check_httpc tests/check_profile

tests_check_httpc_SOURCES = tests/check_httpc.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_httpc_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_httpc_LDADD = $(CHECK_LD)

tests_check_profile_SOURCES = tests/check_profile.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_profile_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_profile_LDADD = $(CHECK_LD)

bin_PROGRAMS += client/tcplab-client
client_tcplab_client_SOURCES = client/main.c client/run.c client/client.h \
	client/body.c client/route.c client/route.h
client_tcplab_client_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
client_tcplab_client_LDADD = common/io/libtcplabio.a common/libtcplab.a \
	$(PCAP_LIBS) $(LIBNET_LIBS)

TESTS += tests/client.sh tests/client6.sh tests/states.sh
EXTRA_DIST += tests/client.sh tests/client6.sh tests/states.sh \
	tests/rfc9293.py
dist_man_MANS += man/tcplab-client.1
