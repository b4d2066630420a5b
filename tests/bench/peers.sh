#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# peers.sh — the peer workloads (../shared/bench/peers/README.md) through
# dragnet's query language beside Kuzu, measured in the same run:
#   1. Kuzu's step of the peer scripts (10_kuzu.sh: one bulk import per graph,
#      REPS_IMPORT=1, then its query latencies with 2 threads and 1 thread),
#      writing $BENCH_TMP/results/kuzu_query_<graph>_t{0,1}.json;
#   2. build/tests/bench/bench_peers, which loads each graph into a fresh
#      dragnet database, runs the same query texts and prints one table per
#      graph with the ratio to Kuzu's best form.
# Usage: sh tests/bench/peers.sh [BUILD_DIR] [bench_peers options...]
# Env: PEERS_DIR (the peer scripts, default /work/shared/bench/peers),
#      BENCH_TMP (default /tmp/peersbench: data/ and results/), GRAPHS
#      (default "ldbc wiki-Vote twitter"), REPS_QUERY (default 20),
#      SKIP_KUZU=1 (reuse Kuzu's JSON files already in results/).
# Needs the peers' 00_setup.sh and 01_prep_data.py to have run (kuzu 0.11.3
# under /tmp/peers, the prepared data under $BENCH_TMP/data).
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
PEERS_DIR=${PEERS_DIR:-/work/shared/bench/peers}
BENCH_TMP=${BENCH_TMP:-/tmp/peersbench}
GRAPHS=${GRAPHS:-ldbc wiki-Vote twitter}
REPS_QUERY=${REPS_QUERY:-20}
DATASET_ROOT=${DATASET_ROOT:-/tmp/peers/node_modules/kuzu/kuzu-source/dataset}
export BENCH_TMP GRAPHS REPS_QUERY DATASET_ROOT
bin=$build/tests/bench/bench_peers
[ -x "$bin" ] || { echo "peers.sh: $bin not built (ninja -C $build tests/bench/bench_peers)" >&2; exit 2; }
[ -f "$BENCH_TMP/data/params.json" ] || {
	echo "peers.sh: $BENCH_TMP/data/params.json missing: run $PEERS_DIR/00_setup.sh and 01_prep_data.py first" >&2
	exit 2
}
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; loadavg $(cat /proc/loadavg)"
if [ -z "${SKIP_KUZU:-}" ]; then
	if [ -x "$PEERS_DIR/10_kuzu.sh" ] && [ -d /tmp/peers/node_modules/kuzu ]; then
		for g in $GRAPHS; do rm -f "$BENCH_TMP/results/kuzu_query_${g}_t0.json" "$BENCH_TMP/results/kuzu_query_${g}_t1.json"; done
		echo "Kuzu: $PEERS_DIR/10_kuzu.sh with REPS_IMPORT=1 (graphs: $GRAPHS)"
		REPS_IMPORT=1 bash "$PEERS_DIR/10_kuzu.sh" || echo "peers.sh: Kuzu's step failed; dragnet's figures only" >&2
	else
		echo "peers.sh: no Kuzu ($PEERS_DIR/10_kuzu.sh or /tmp/peers/node_modules/kuzu missing); dragnet's figures only" >&2
	fi
fi
graphs=$(echo $GRAPHS | tr ' ' ',')
exec "$bin" --data "$BENCH_TMP/data" --ldbc "$DATASET_ROOT/ldbc-sf01" --results "$BENCH_TMP/results" \
	--graphs "$graphs" --reps "$REPS_QUERY" "$@"
