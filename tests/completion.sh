#!/bin/bash
# completion.sh: the bash completion (completion/tcplab) against the
# programs just built, without root: subcommands, the labs of `tcplab run`,
# each program's long options read from its --help, and option values.
#
# A line is completed as bash would complete it with the cursor at its
# end: the words are split at blanks and at =, as COMP_WORDBREAKS does.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

for p in "$top_builddir/client/tcplab-client" \
	"$top_builddir/server/tcplab-server" \
	"$top_builddir/explain/tcplab-explain"; do
	[ -x "$p" ] || tl_skip_or_fail "$p not built (run make first)"
done
# The runner is a script of the source tree.
PATH=$top_srcdir/labs:$top_builddir/client:$top_builddir/server:$top_builddir/explain:$PATH

# shellcheck source=completion/tcplab
. "$top_srcdir/completion/tcplab"

# complete LINE: what TAB offers at the end of LINE, sorted, on one line.
complete_line() {
	local w words=()
	read -ra words <<<"$1"
	COMP_WORDS=()
	for w in "${words[@]}"; do
		while [[ $w == *=* ]]; do
			[ -n "${w%%=*}" ] && COMP_WORDS+=("${w%%=*}")
			COMP_WORDS+=("=")
			w=${w#*=}
		done
		[ -n "$w" ] && COMP_WORDS+=("$w")
	done
	# A line that ends in a blank or an = starts a new, empty word.
	case $1 in *' ' | *=) COMP_WORDS+=("") ;; esac
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$1
	COMP_POINT=${#1}
	COMPREPLY=()
	_tcplab
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' '
}

# expect LINE WANTED
expect() {
	local got
	got=$(complete_line "$1")
	if [ "$got" = "$2" ]; then pass; else
		fail "'$1<TAB>': got '$got', wanted '$2'"
	fi
}

# expect_has LINE WORD...: TAB offers at least these.
expect_has() {
	local line=$1 got w
	shift
	got=" $(complete_line "$line") "
	for w in "$@"; do
		if [[ $got == *" $w "* ]]; then pass; else
			fail "'$line<TAB>' does not offer $w (it offers:$got)"
		fi
	done
}

# The labs the tree holds, by name: all of them, and those from 0.
labs=
for f in "$top_srcdir"/labs/[0-9][0-9]-*.sh; do
	f=${f##*/}
	labs="$labs${labs:+ }${f%.sh}"
done
# ... with the scenarios that come with them, in the order compgen gives.
scenarios=
for f in "$top_srcdir"/labs/*.scn; do
	f=${f##*/}
	scenarios="$scenarios${scenarios:+ }${f%.scn}"
done
# shellcheck disable=SC2086 # one name a word
labs0=$(printf '%s\n' $labs | grep '^0' | tr '\n' ' ')
labs0=${labs0% }

# tcplab: its commands, the labs, its options.
expect "tcplab r" "run"
expect "tcplab " "check down grade handout list run up"
# shellcheck disable=SC2086 # one name a word
expect "tcplab run " "$(printf '%s\n' $labs $scenarios | sort | tr '\n' ' ' | sed 's/ $//')"
expect "tcplab run zero" "zero-window"
expect "tcplab handout sim" "simultaneous-close"
expect "tcplab handout simultaneous-close --h" "--html"
expect "tcplab run 03" "03-closing"
expect "tcplab run hand" "handshake"
expect "tcplab run 7" "7"
expect "tcplab run --auto 0" "$labs0"
expect "tcplab --client-ns lab-c r" "run"
expect "tcplab --client-ns=lab-c r" "run"
expect "tcplab run 01-handshake " ""
# grade: record files, as many as given.
L=$top_srcdir/labs
expect "tcplab grade $L/01-handsh" "$L/01-handshake.sh $L/01-handshake.txt"
expect "tcplab grade $L/01-handshake.sh $L/02-req" \
	"$L/02-request.sh $L/02-request.txt"
expect "tcplab run --a" "--auto"
expect_has "tcplab --" --auto --panes --keep --client-ns --server-ns \
	--client-addr --server-addr --iface
expect "tcplab --client-ns " ""

# The programs' long options, read from their --help.
expect "tcplab-client --st" "--step"
expect_has "tcplab-client --" --interface --source --sport --isn --profile \
	--output --user-agent --header --quiet --plain --json --predict \
	--lab-clock --drop --drop-in --time-wait --syn-retries --timeout \
	--no-guard --user --help --version
expect "tcplab-server --po" "--port"
expect_has "tcplab-server --" --interface --address --write --close \
	--close-delay --piggyback --step --max-conns --keepalive-timeout \
	--header-timeout --stats --version
expect "tcplab-explain --la" "--ladder"
expect_has "tcplab-explain --" --plain --json --ladder --ascii --width \
	--svg --conn --scenario

# Option values: the fixed ones, files, interfaces, the = form.
expect "tcplab-client --profile " "live seed"
expect "tcplab-server --profile s" "seed"
expect "tcplab-server --close " "four-way merged rst server-first"
expect "tcplab-server --close=f" "four-way"
expect "tcplab-client -i l" "lo"
expect "tcplab-server --interface l" "lo"
dir=
tl_workdir dir "$top_builddir/tests/work"
tl_remove_at_exit "$dir"
touch "$dir/trace.pcap" "$dir/trace.txt" "$dir/other"
expect "tcplab-explain -r $dir/tr" "$dir/trace.pcap $dir/trace.txt"
expect "tcplab-explain $dir/o" "$dir/other"
expect "tcplab-client --lab-clock $dir/o" "$dir/other"
expect "tcplab-client --isn " ""

# A program that is not there completes nothing, quietly.
expect "tcplab-nothing --" ""

tl_summary
