# Rules for explain/ and the annotations it prints, included by the top
# Makefile.am. Add with +=.

# The annotations, the ladder diagram and the tcpdump-text reader: pure.
common_libtcplab_a_SOURCES += common/annot.c common/annot.h common/annot_int.h \
	common/annot_state.c common/annot_note.c common/annot_fmt.c \
	common/annot_cc.c common/annot_est.c

check_PROGRAMS += tests/check_annot
tests_check_annot_SOURCES = tests/check_annot.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_annot_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_annot_LDADD = $(CHECK_LD)
TESTS += tests/check_annot
common_libtcplab_a_SOURCES += common/ladder.c common/ladder.h

check_PROGRAMS += tests/check_ladder
tests_check_ladder_SOURCES = tests/check_ladder.c tests/testlib.h
tests_check_ladder_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_ladder_LDADD = $(CHECK_LD)
TESTS += tests/check_ladder
common_libtcplab_a_SOURCES += common/tdtext.c common/tdtext.h

check_PROGRAMS += tests/check_tdtext
tests_check_tdtext_SOURCES = tests/check_tdtext.c tests/testlib.h
tests_check_tdtext_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_tdtext_LDADD = $(CHECK_LD)
TESTS += tests/check_tdtext

TESTS += tests/explain.sh
EXTRA_DIST += tests/explain.sh fuzz/fuzz_tdtext.c

# Two conns over a fake link, two captures, annot checked against both.
check_PROGRAMS += tests/check_pair
tests_check_pair_SOURCES = tests/check_pair.c tests/testlib.h \
	tests/article.c tests/article.h
tests_check_pair_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_pair_LDADD = $(CHECK_LD)
TESTS += tests/check_pair

# The time-sequence graph (--tsg): a chart module any graph can draw
# with, the graph's points from annot's results, and explain/tsg.c, which
# keeps one connection's segments and writes the SVG or the text plot.
common_libtcplab_a_SOURCES += common/chart.c common/chart.h \
	common/tsg.c common/tsg.h
explain_tcplab_explain_SOURCES += explain/tsg.c explain/cwnd.c
explain_tcplab_explain_LDADD += -lm

check_PROGRAMS += tests/check_tsg
tests_check_tsg_SOURCES = tests/check_tsg.c tests/testlib.h
tests_check_tsg_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_tsg_LDADD = $(CHECK_LD) -lm
TESTS += tests/check_tsg tests/tsg.sh tests/cwnd.sh
EXTRA_DIST += tests/tsg.sh tests/tsgcap.py tests/cwnd.sh tests/pngcheck.py

# --handout: a lab's handout or answer key, one HTML file rendered and
# printed by a headless chromium in the test.
explain_tcplab_explain_SOURCES += explain/handout.c
TESTS += tests/handout.sh
EXTRA_DIST += tests/handout.sh
# --scenario: one connection as a scenario that replays it (common/scn).
explain_tcplab_explain_SOURCES += explain/scenario.c
check_PROGRAMS += tests/scnflags
tests_scnflags_SOURCES = tests/scnflags.c
tests_scnflags_LDADD = common/libtcplab.a
TESTS += tests/scenario.sh
EXTRA_DIST += tests/scenario.sh
