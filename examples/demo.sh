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
