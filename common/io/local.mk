# Rules for common/io/, included by the top Makefile.am (non-recursive: paths
# are relative to the top). Add to bin_PROGRAMS, check_PROGRAMS, TESTS,
# dist_man_MANS and EXTRA_DIST with +=.

# The system adapters: capture (libpcap), injection (libnet), the port
# guard, the privilege drop and the lab clock. Programs that link them
# add $(PCAP_LIBS) and $(LIBNET_LIBS).
common_io_libtcplabio_a_SOURCES += \
	common/io/capture.c common/io/capture.h \
	common/io/inject.c common/io/inject.h \
	common/io/guard.c common/io/guard.h \
	common/io/privdrop.c common/io/privdrop.h \
	common/io/ioerr.c common/io/ioerr.h \
	common/io/term.c common/io/term.h \
	common/io/clock.c common/io/clock.h \
	common/io/i18n.c common/io/i18n.h
# libnet.h compiles without libnet-config's -D_BSD_SOURCE, which glibc
# deprecates with a warning, so LIBNET_CFLAGS is left out.
common_io_libtcplabio_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)

# iotool drives the adapters for tests/io.sh (root, in namespaces).
check_PROGRAMS += tests/iotool
tests_iotool_SOURCES = tests/iotool.c tests/article.c tests/article.h
tests_iotool_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
tests_iotool_LDADD = common/io/libtcplabio.a common/libtcplab.a \
	$(PCAP_LIBS) $(LIBNET_LIBS)

# The lab clock between two processes (no root needed).
check_PROGRAMS += tests/check_clock
tests_check_clock_SOURCES = tests/check_clock.c tests/testlib.h
tests_check_clock_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_clock_LDADD = common/io/libtcplabio.a $(CHECK_LIBS)

TESTS += tests/check_clock tests/io.sh
EXTRA_DIST += tests/io.sh
