# Rules for common/io/, included by the top Makefile.am (non-recursive: paths
# are relative to the top). Add to bin_PROGRAMS, check_PROGRAMS, TESTS,
# dist_man_MANS and EXTRA_DIST with +=.
