# Rules for completion/, included by the top Makefile.am (non-recursive:
# paths are relative to the top).
#
# The bash completion of all four commands is one file, installed once per
# command name in bash-completion's directory (configure finds it; see
# --with-bash-completion-dir), since bash-completion loads a command's
# completion from the file of that name. The copies are made here.

COMPLETION_ALIASES = completion/tcplab-client completion/tcplab-server \
	completion/tcplab-explain
bashcomp_DATA = completion/tcplab $(COMPLETION_ALIASES)
$(COMPLETION_ALIASES): completion/tcplab
	$(AM_V_GEN)$(MKDIR_P) completion && cp $(srcdir)/completion/tcplab $@
CLEANFILES += $(COMPLETION_ALIASES)

# Completions against the programs just built (no root).
TESTS += tests/completion.sh
EXTRA_DIST += completion/tcplab tests/completion.sh
