# Rules for labs/, included by the top Makefile.am (non-recursive: paths
# are relative to the top). Add to bin_PROGRAMS, check_PROGRAMS, TESTS,
# dist_man_MANS and EXTRA_DIST with +=.

# The runner, installed as tcplab; the labs' scripts and texts beside it
# in $(pkgdatadir)/labs, where the installed runner looks for them, with
# the article's trace that lab 7 compares against.
dist_bin_SCRIPTS += labs/tcplab
labsdir = $(pkgdatadir)/labs
dist_labs_DATA = labs/01-handshake.sh labs/01-handshake.txt \
	labs/02-request.sh labs/02-request.txt \
	labs/03-closing.sh labs/03-closing.txt \
	labs/04-rst.sh labs/04-rst.txt \
	labs/05-loss.sh labs/05-loss.txt \
	labs/06-real.sh labs/06-real.txt \
	labs/07-article.sh labs/07-article.txt \
	labs/08-slowstart.sh labs/08-slowstart.txt \
	labs/09-recovery.sh labs/09-recovery.txt \
	labs/10-flow.sh labs/10-flow.txt \
	labs/11-ipv6.sh labs/11-ipv6.txt \
	tests/data/article-trace.vv.txt
dist_labs_SCRIPTS = labs/compare-article

# The lab texts in other languages, where the runner looks for them
# (labs/LANG/ beside the English ones). Each records the English text it
# translates; tests/i18n-docs.sh fails when the English one has changed.
labszhdir = $(labsdir)/zh_CN
dist_labszh_DATA = labs/zh_CN/01-handshake.txt labs/zh_CN/02-request.txt \
	labs/zh_CN/03-closing.txt labs/zh_CN/04-rst.txt labs/zh_CN/05-loss.txt \
	labs/zh_CN/06-real.txt labs/zh_CN/07-article.txt \
	labs/zh_CN/08-slowstart.txt labs/zh_CN/09-recovery.txt \
	labs/zh_CN/10-flow.txt labs/zh_CN/11-ipv6.txt

dist_man_MANS += man/tcplab.1

# Every lab with --auto between two namespaces (root).
TESTS += tests/labs.sh
EXTRA_DIST += tests/labs.sh

# tcplab-text, the runner's helper that fits its text to the terminal: a
# program for the runner alone, in $(pkglibexecdir), where the installed
# runner finds it ($prefix/libexec/tcplab beside $prefix/bin).
pkglibexec_PROGRAMS = labs/tcplab-text
labs_tcplab_text_SOURCES = labs/text.c labs/text.h labs/beside.c \
	labs/grade.c labs/grade.h
labs_tcplab_text_LDADD = common/io/libtcplabio.a common/libtcplab.a -lm

# tcplab-text without root: widths, wrapping, folding, the comparison.
TESTS += tests/text.sh
EXTRA_DIST += tests/text.sh

# tcplab grade: a class's records in a table and as CSV (no root).
TESTS += tests/grade.sh
EXTRA_DIST += tests/grade.sh

# The runner's messages in every catalog that translates them, and the
# runner in Chinese (no root).
TESTS += tests/runner-i18n.sh
EXTRA_DIST += tests/runner-i18n.sh

# tcplab-play, the engine of `tcplab run FILE.scn`: plays a scenario
# (tcplab-scenario(5)) between the lab's two namespaces. A program for
# the runner, in $(pkglibexecdir) beside tcplab-text.
pkglibexec_PROGRAMS += labs/tcplab-play
labs_tcplab_play_SOURCES = labs/play.c labs/play_steps.c labs/play.h
labs_tcplab_play_LDADD = common/io/libtcplabio.a common/libtcplab.a \
	$(LIBNET_LIBS) $(PCAP_LIBS)
dist_man_MANS += man/tcplab-scenario.5
dist_labs_DATA += labs/simultaneous-close.scn labs/reset-response.scn \
	labs/zero-window.scn

# Scenarios as a teacher runs them (root).
TESTS += tests/scenarios.sh
EXTRA_DIST += tests/scenarios.sh
