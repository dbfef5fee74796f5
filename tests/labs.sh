#!/bin/bash
# labs.sh: every guided lab runs to its expected outcome.
#
# Runs `tcplab check` from the build tree with namespace names of its own
# (so that a student's `tcplab up` is left alone): each lab with --auto,
# tcplab's programs beside a real tcpdump in two namespaces. The test
# passes when the summary says "7 passed, 0 failed" (as many as there are
# labs) and no namespace, process or /etc/netns directory of the run is
# left afterwards. Needs root; under CI=true it fails instead of skipping.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_root "labs.sh"
need_cmd ip tcpdump python3 wget ss timeout
RUNNER=$top_srcdir/labs/tcplab
[ -x "$RUNNER" ] || tl_skip_or_fail "$RUNNER is missing"
for p in client/tcplab-client server/tcplab-server explain/tcplab-explain; do
	[ -x "$top_builddir/$p" ] || tl_skip_or_fail "$p not built (run make first)"
done

export TCPLAB_CLIENT_NS=tllc$$ TCPLAB_SERVER_NS=tlls$$
export TCPLAB_CLIENT_BIN=$top_builddir/client/tcplab-client
export TCPLAB_SERVER_BIN=$top_builddir/server/tcplab-server
export TCPLAB_EXPLAIN_BIN=$top_builddir/explain/tcplab-explain
# Its work directories go under ours, so that what is left can be seen.
tl_workdir W "$top_builddir/tests/work"
tl_remove_at_exit "$W"
export TCPLAB_TMP=$W
# The namespaces are the runner's; tl_cleanup removes them if it cannot.
TL_NETNS+=("$TCPLAB_CLIENT_NS" "$TCPLAB_SERVER_NS")

nlabs=$(find "$top_srcdir/labs" -name "[0-9]*.sh" | wc -l)
out=$(timeout 600 "$RUNNER" check 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
if [ "$rc" -eq 0 ]; then pass; else fail "tcplab check exited $rc"; fi
if grep -qx "$nlabs passed, 0 failed" <<<"$out"; then pass; else
	fail "the summary is not '$nlabs passed, 0 failed'"
fi
if [ "$nlabs" -ge 7 ]; then pass; else fail "only $nlabs labs"; fi

# Nothing of the run is left behind.
if ip netns list | grep -qw -e "$TCPLAB_CLIENT_NS" -e "$TCPLAB_SERVER_NS"; then
	fail "a namespace of the run is left"
else
	pass
fi
if [ -e "/etc/netns/$TCPLAB_CLIENT_NS" ] || [ -e "/etc/netns/$TCPLAB_SERVER_NS" ]; then
	fail "an /etc/netns directory of the run is left"
else
	pass
fi
if pgrep -f "$W/" >/dev/null; then
	fail "processes of the run are left: $(pgrep -af "$W/")"
else
	pass
fi
if ls -d "$W"/tcplab.* >/dev/null 2>&1; then
	fail "a work directory of the run is left"
else
	pass
fi

# A lab that cannot meet its expectation makes check fail: lab 7 with
# addresses other than the article's.
out=$(TCPLAB_CLIENT_ADDR=10.77.0.25 TCPLAB_SERVER_ADDR=10.77.0.5 \
	timeout 120 "$RUNNER" run 7 --auto 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'NOT AS EXPECTED' <<<"$out"; then pass; else
	fail "lab 7 with other addresses passed (exit $rc)"
fi
tl_summary
