#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh — the README's first command. On a fresh Debian 12 machine (as
# root) it installs what is missing, builds dragnet, builds the customs case
# example into a new database and runs its investigation, then shows the
# database through the `dragnet` tool (stats, check).
# Usage: sh examples/demo.sh [DB_DIR]   (default /tmp/dragnet-demo; an
# existing database there is replaced)
set -eu

db=${1:-/tmp/dragnet-demo}
case $db in
/*) ;;
*) db=$(pwd)/$db ;; # relative to where the user ran us, not the repo
esac

cd "$(dirname -- "$0")/.."

sh tests/deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build --werror
fi
ninja -C build

build/examples/customs_case "$db" --force
echo
echo "== The same database through the dragnet tool =="
build/cli/dragnet stats "$db"
build/cli/dragnet check "$db"

echo
echo "== The investigation in Cypher (dragnet query) =="
echo "-- who else do the directors of a seizure's importer run?"
build/cli/dragnet query "$db" "
  MATCH (s:Seizure)-[:SEIZED_IN]->(:Declaration)<-[:DECLARED]-(t:Trader)
        <-[:DIRECTOR_OF]-(p:Person)-[:DIRECTOR_OF]->(other:Trader)
  WHERE other <> t
  RETURN s.ref AS seizure, t.name AS importer, p.name AS director,
         other.name AS also_directs
  ORDER BY seizure, also_directs"
echo "-- traders sharing a registered address"
build/cli/dragnet query "$db" "
  MATCH (a:Trader)-[:REGISTERED_AT]->(addr:Address)<-[:REGISTERED_AT]-(b:Trader)
  WHERE id(a) < id(b)
  RETURN addr.text AS address, a.name AS trader, b.name AS shares_with"
echo "-- seizures per commodity"
build/cli/dragnet query "$db" "
  MATCH (s:Seizure)
  RETURN s.commodity AS commodity, count(*) AS seizures, sum(s.quantity) AS quantity
  ORDER BY seizures DESC"

echo
echo "== Flat exports in through mapping files (dragnet import --map; examples/mappings/) =="
imp="$db-imports"
rm -rf "$imp"
m=examples/mappings
build/cli/dragnet import "$imp" --map $m/declarations.json $m/declarations.csv
build/cli/dragnet import "$imp" --map $m/seizures.json $m/seizures.csv
build/cli/dragnet import "$imp" --map $m/tax_registry.json $m/tax_registry.csv
echo "-- the same file again changes nothing:"
build/cli/dragnet import "$imp" --map $m/seizures.json $m/seizures.csv
echo "-- conveyances that link seizures to declared cargo, with the declarants"
build/cli/dragnet query "$imp" "
  MATCH (s:Seizure)-[:ON_CONVEYANCE]->(v:Conveyance)<-[:CARRIED_BY]-(d:Declaration)<-[:DECLARED]-(t:Trader)
  RETURN v.name AS conveyance, count(DISTINCT s) AS seizures, collect(DISTINCT t.name) AS declarants,
         count(DISTINCT d) AS declarations
  ORDER BY seizures DESC, conveyance"

echo
echo "== Network analysis (CALL algo.* and dragnet analyze; docs/ANALYSIS.md) =="
echo "-- brokers: who sits on the most shortest paths between the others?"
build/cli/dragnet query "$db" "
  CALL algo.betweenness({direction: 'both'}) YIELD node, score
  WHERE score > 0 AND (node:Person OR node:Trader)
  RETURN coalesce(node.name, node.number) AS who, labels(node)[0] AS kind,
         round(score * 10) / 10 AS betweenness
  ORDER BY betweenness DESC LIMIT 5"
echo "-- risk spread from the people involved in seizures, with the path that carried it"
build/cli/dragnet query "$db" "
  MATCH (:Seizure)<-[:INVOLVED_IN]-(p) WITH collect(DISTINCT p) AS offenders
  CALL algo.risk({seeds: offenders, direction: 'both', decay: 0.5}) YIELD node, score, paths
  WHERE (node:Trader OR node:Person) AND NOT node IN offenders
  RETURN coalesce(node.name, node.number) AS who, round(score * 1000) / 1000 AS risk,
         [n IN nodes(paths[0].path) | coalesce(n.name, n.ref, n.number)] AS because
  ORDER BY risk DESC LIMIT 5"
echo "-- key players: which three removals break the network up most?"
build/cli/dragnet query "$db" "
  CALL algo.keyplayer({k: 3, strategy: 'greedy_lcc', direction: 'both'})
  YIELD step, node, largest_component
  RETURN step, coalesce(node.name, node.ref, node.number) AS removed,
         largest_component AS largest_remaining"
