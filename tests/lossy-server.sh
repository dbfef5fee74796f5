#!/bin/bash
# lossy-server.sh: the server part of tests/lossy.sh, for make check:
# tcplab-server answers curl, wget and ab at 1%, 5% and 20% frame loss.
# (tests/lossy.sh's client part is run by hand until tcplab-client
# recovers from loss in time: see bench/README.md, "Transfer benchmark".)
exec "${top_srcdir:-$(dirname "$0")/..}/tests/lossy.sh" server
