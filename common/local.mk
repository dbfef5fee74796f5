# Rules for the pure core's modules that keep their own, included by the
# top Makefile.am. Add with +=.

# Scenarios (tcplab-scenario(5)): the parser, the segment notation, the
# texts' names and answers.
common_libtcplab_a_SOURCES += common/scn.c common/scn.h common/scn_int.h \
	common/scn_lex.c common/scn_seg.c common/scn_text.c

check_PROGRAMS += tests/check_scn
tests_check_scn_SOURCES = tests/check_scn.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_scn_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DMAN_DIR='"$(abs_top_srcdir)/man"'
tests_check_scn_LDADD = $(CHECK_LD)
TESTS += tests/check_scn
EXTRA_DIST += fuzz/fuzz_scn.c

# tests/check_scn parses the format's man page's examples: it travels
# with the sources (the page is installed where the runner's rules say).
EXTRA_DIST += man/tcplab-scenario.5
