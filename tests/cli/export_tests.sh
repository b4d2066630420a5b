# SPDX-License-Identifier: GPL-2.0-or-later
#
# export_tests.sh — the CLI cases of `dragnet export`, sourced by
# run_cli_tests.sh (which defines run, want_*, tc, $dragnet and $work).
# Expectations come from the database through `dragnet query`, never from
# the export being checked. Needs python3 with networkx and graphviz's dot
# (tests/deps.sh installs them).

xdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
xdb=$work/export.db
xw=$work/export
mkdir -p "$xw"

# A graph with every value type, several labels, parallel edges, a self
# loop, an isolated node and strings hostile to XML, CSV, DOT and JSON.
hostile='"<a & b> \"q\" '"'"'x'"'"', \\ line1\nline2\tZoë 東京 ]]>"'
"$dragnet" init "$xdb" >/dev/null 2>&1
"$dragnet" query "$xdb" --param s="$hostile" "
CREATE (t:Trader:Company {tin: 'DE123', name: \$s, turnover: 1.5E6, ratio: 0.1, employees: -42,
        big: 9007199254740993, active: true, registered: date('2019-04-01'),
        seen: datetime('2024-01-02T03:04:05.678Z'), term: duration('P1Y2M3DT1H'),
        aliases: ['ACME', 'A & B <Ltd>'], nums: [1, -2, 3], empty: ''}),
       (p:Person {name: 'Zoë', labels: 'a property named labels', mixed: 3}),
       (q:Person {name: 'Bob', mixed: 2.5}),
       (d:Declaration {ref: 'D1', date: date('2024-02-29')}),
       (lonely {note: \$s}),
       (p)-[:DIRECTOR_OF {since: date('2020-01-01'), label: 'a property named label'}]->(t),
       (p)-[:DIRECTOR_OF {since: date('2021-01-01')}]->(t),
       (q)-[:ASSOCIATE_OF {why: \$s}]->(p),
       (t)-[:DECLARED]->(d),
       (t)-[:SAME_AS]->(t)" >/dev/null 2>"$xw/setup-err" ||
	echo "# export setup failed: $(cat "$xw/setup-err")"

# db_truth DB PREFIX: the nodes and edges of DB as `dragnet query` sees them.
db_truth() {
	"$dragnet" query "$1" --format jsonl \
		'MATCH (n) RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props' >"$2.nodes" &&
		"$dragnet" query "$1" --format jsonl \
			'MATCH (a)-[r]->(b) RETURN id(r) AS id, id(a) AS src, id(b) AS dst, type(r) AS type,
			 properties(r) AS props' >"$2.edges"
}
db_truth "$xdb" "$xw/all"

# check_with FORMAT FILE TRUTH: export_check.py against the truth files.
check_with() {
	python3 "$xdir/export_check.py" "$1" "$2" "$3.nodes" "$3.edges" 2>"$xw/check-err" && return 0
	why="$1 check: $(tail -n 3 "$xw/check-err")"
	return 1
}

t_export_help() {
	run export --help && want_rc 0 && want_out '^Usage: dragnet export DB --format' &&
		want_out 'graphml' && want_out '^Example' || return 1
	run --help && want_out '^  export '
}
t_export_usage() {
	run export "$xdb" && want_rc 2 && want_err 'missing --format' || return 1
	run export "$xdb" --format xml && want_rc 2 && want_err "unknown format 'xml'" || return 1
	run export "$xdb" --format csv && want_rc 2 && want_err 'give -o DIR' || return 1
	run export "$xdb" --format jsonl --param x=1 && want_rc 2 && want_err 'needs --query' || return 1
	run export "$work/no-such.db" --format jsonl && want_rc 1 && want_err '^dragnet: export: '
}
t_export_graphml_networkx() {
	run export "$xdb" --format graphml -o "$xw/g.graphml" && want_rc 0 &&
		want_out '^exported 5 nodes and 5 relationships to ' || return 1
	check_with graphml "$xw/g.graphml" "$xw/all"
}
t_export_gexf_networkx() {
	run export "$xdb" --format gexf -o "$xw/g.gexf" && want_rc 0 || return 1
	check_with gexf "$xw/g.gexf" "$xw/all"
}
t_export_cytoscape() {
	run export "$xdb" --format cytoscape && want_rc 0 || return 1
	cp "$out" "$xw/g.cyjs"
	check_with cytoscape "$xw/g.cyjs" "$xw/all"
}
t_export_dot_renders() {
	run export "$xdb" --format dot -o "$xw/g.dot" && want_rc 0 || return 1
	dot -Tsvg "$xw/g.dot" >"$xw/g.svg" 2>"$xw/dot-err" || {
		why="dot -Tsvg failed: $(head -n 3 "$xw/dot-err")"
		return 1
	}
	[ ! -s "$xw/dot-err" ] || { why="dot warned: $(head -n 3 "$xw/dot-err")"; return 1; }
	local nodes edges svg_nodes svg_edges
	nodes=$(grep -c . "$xw/all.nodes")
	edges=$(grep -c . "$xw/all.edges")
	svg_nodes=$(grep -c 'class="node"' "$xw/g.svg")
	svg_edges=$(grep -c 'class="edge"' "$xw/g.svg")
	[ "$svg_nodes" = "$nodes" ] && [ "$svg_edges" = "$edges" ] && return 0
	why="the SVG draws $svg_nodes nodes and $svg_edges edges, the database has $nodes and $edges"
	return 1
}
t_export_query_subgraph() {
	# the subgraph of the directors: both DIRECTOR_OF edges and their ends
	local q='MATCH (p:Person)-[r:DIRECTOR_OF]->(t) RETURN r'
	"$dragnet" query "$xdb" --format jsonl \
		"MATCH (p:Person)-[r:DIRECTOR_OF]->(t) WITH collect(DISTINCT p) + collect(DISTINCT t) AS ns
		 UNWIND ns AS n RETURN DISTINCT id(n) AS id, labels(n) AS labels, properties(n) AS props" \
		>"$xw/sub.nodes" &&
		"$dragnet" query "$xdb" --format jsonl \
			"MATCH (a:Person)-[r:DIRECTOR_OF]->(b) RETURN id(r) AS id, id(a) AS src, id(b) AS dst,
			 type(r) AS type, properties(r) AS props" >"$xw/sub.edges" || {
		why="the truth query failed"
		return 1
	}
	[ "$(grep -c . "$xw/sub.nodes")" = 2 ] || { why="truth query gave $(cat "$xw/sub.nodes")"; return 1; }
	run export "$xdb" --format graphml -o "$xw/sub.graphml" --query "$q" && want_rc 0 || return 1
	check_with graphml "$xw/sub.graphml" "$xw/sub" || return 1
	# a parameter, and a path
	run export "$xdb" --format cytoscape --param n='"Bob"' \
		--query 'MATCH p = (:Person {name: $n})-[:ASSOCIATE_OF]->(:Person) RETURN p' && want_rc 0 ||
		return 1
	python3 -c '
import json, sys
el = json.load(sys.stdin)["elements"]
names = sorted(n["data"]["name"] for n in el["nodes"])
assert names == ["Bob", "Zoë"], names
assert [e["data"]["type"] for e in el["edges"]] == ["ASSOCIATE_OF"], el["edges"]
' <"$out" 2>"$xw/py-err" || { why="$(tail -n 1 "$xw/py-err")"; return 1; }
}
t_export_query_error() {
	run export "$xdb" --format jsonl --query 'MATCH (n:Trader RETURN n' && want_rc 1 &&
		want_err 'query:1:17: ' && want_err '^ {16}\^' || return 1
	run export "$xdb" --format jsonl --query 'CREATE (n)' && want_rc 1 && want_err 'read-only'
}
t_export_atomic() {
	# a float JSON cannot hold fails the export and keeps the old file
	"$dragnet" init "$xw/nan.db" >/dev/null 2>&1
	"$dragnet" query "$xw/nan.db" 'CREATE ({x: 0.0 / 0.0})' >/dev/null 2>&1
	echo old >"$xw/out.jsonl"
	run export "$xw/nan.db" --format jsonl -o "$xw/out.jsonl" && want_rc 1 && want_err 'NaN' || return 1
	[ "$(cat "$xw/out.jsonl")" = old ] || { why="the old file was changed"; return 1; }
	ls "$xw" | grep -q '\.tmp' && { why="a temporary file was left: $(ls "$xw")"; return 1; }
	# csv refuses a non-empty directory and writes nothing into it
	mkdir -p "$xw/full" && echo keep >"$xw/full/keep"
	run export "$xdb" --format csv -o "$xw/full" && want_rc 1 && want_err 'not empty' || return 1
	[ "$(ls "$xw/full")" = keep ] || { why="files were written into a full directory"; return 1; }
}
t_export_csv_files() {
	rm -rf "$xw/csv"
	run export "$xdb" --format csv -o "$xw/csv" && want_rc 0 || return 1
	# every node and edge once (python's csv module, so that quoted line
	# breaks are not taken for rows); each file holds one label set or one
	# type, and together they hold the label sets and types of the database
	python3 - "$xw/csv" "$xw/all" <<'EOF' 2>"$xw/py-err" ||
import csv, glob, json, sys
d, truth = sys.argv[1], sys.argv[2]
db_nodes = [json.loads(l) for l in open(truth + ".nodes", encoding="utf-8")]
db_edges = [json.loads(l) for l in open(truth + ".edges", encoding="utf-8")]
def read(pattern, key):
    ids, groups = [], set()
    for p in glob.glob(d + "/" + pattern):
        with open(p, newline="", encoding="utf-8") as f:
            r = list(csv.reader(f))
        col = r[0].index(key)
        kinds = {row[col] for row in r[1:]}
        assert len(kinds) == 1, (p, kinds)
        groups |= kinds
        ids += [tuple(row[:2]) if key == ":TYPE" else row[0] for row in r[1:]]
    return ids, groups
ids, groups = read("nodes*.csv", ":LABEL")
assert sorted(ids) == sorted(str(n["id"]) for n in db_nodes), ids
assert groups == {";".join(sorted(n["labels"])) for n in db_nodes}, groups
ids, groups = read("rels_*.csv", ":TYPE")
assert sorted(ids) == sorted((str(e["src"]), str(e["dst"])) for e in db_edges), ids
assert groups == {e["type"] for e in db_edges}, groups
EOF
	{ why="$(tail -n 1 "$xw/py-err")"; return 1; }
}

# The example customs case (examples/customs_case.c) carries markings:
# a reader cleared for CUSTOMS only must get exactly the elements whose
# caveats are all CUSTOMS, and the edges between them. The expectation is
# computed from the unrestricted JSON Lines export's metadata.
xcase=$(dirname "$dragnet")/../examples/customs_case
t_export_clearances_case() {
	[ -x "$xcase" ] || { why="$xcase not built"; return 1; }
	"$xcase" "$xw/case.db" --force >/dev/null 2>&1 || { why="customs_case failed"; return 1; }
	run export "$xw/case.db" --format jsonl -o "$xw/case-all.jsonl" && want_rc 0 || return 1
	run export "$xw/case.db" --format jsonl --clearances CUSTOMS -o "$xw/case-customs.jsonl" &&
		want_rc 0 || return 1
	run export "$xw/case.db" --format graphml --clearances CUSTOMS -o "$xw/case-customs.graphml" &&
		want_rc 0 || return 1
	python3 - "$xw/case-all.jsonl" "$xw/case-customs.jsonl" "$xw/case-customs.graphml" <<'EOF' 2>"$xw/py-err" ||
import json, sys
import networkx as nx
def load(p):
    return [json.loads(l) for l in open(p, encoding="utf-8")]
def cleared(el):
    m = el["meta"].get("marking", "")
    return all(c.strip() in ("", "CUSTOMS") for c in m.split(","))
every = load(sys.argv[1])
nodes = {e["id"] for e in every if e["type"] == "node" and cleared(e)}
edges = {e["id"] for e in every if e["type"] == "relationship" and cleared(e)
         and e["start"]["id"] in nodes and e["end"]["id"] in nodes}
hidden = sum(1 for e in every if e["type"] == "node") - len(nodes)
assert hidden > 0, "the case has no marked node: the test would prove nothing"
got = load(sys.argv[2])
assert {e["id"] for e in got if e["type"] == "node"} == nodes, "nodes differ"
assert {e["id"] for e in got if e["type"] == "relationship"} == edges, "edges differ"
assert all(cleared(e) for e in got), "a marked element was exported"
g = nx.read_graphml(sys.argv[3])
assert {n[1:] for n in g.nodes} == nodes, "graphml nodes differ"
assert g.number_of_edges() == len(edges), "graphml edges differ"
EOF
	{ why="$(tail -n 1 "$xw/py-err")"; return 1; }
}

# --- import -> export -> import round trip --------------------------------
#
# Needs `dragnet import` (issue 4, the import branch). Until it exists the
# cases report themselves skipped. The typed CSV files of an export are
# loaded with one --nodes / --relationships per file; JSON Lines with
# import_jsonl below (adjust that one line if the import CLI spells it
# otherwise).

have_import() {
	"$dragnet" import --help >/dev/null 2>&1
}
import_csv_dir() { # DB DIR [IMPORT-OPTION...]
	local args=("${@:3}") f
	for f in "$2"/nodes*.csv; do args+=(--nodes "$f"); done
	for f in "$2"/rels_*.csv; do [ -e "$f" ] && args+=(--relationships "$f"); done
	"$dragnet" import "$1" "${args[@]}"
}
import_jsonl() { # DB FILE
	"$dragnet" import "$1" --jsonl "$2"
}
# same_canonical A B: the canonical dumps of two databases are equal.
same_canonical() {
	"$dragnet" export "$1" --format canonical >"$xw/canon-a" &&
		"$dragnet" export "$2" --format canonical >"$xw/canon-b" || {
		why="canonical export failed"
		return 1
	}
	[ -s "$xw/canon-a" ] || { why="empty canonical dump of $1"; return 1; }
	cmp -s "$xw/canon-a" "$xw/canon-b" && return 0
	why="the graphs differ: $(diff "$xw/canon-a" "$xw/canon-b" | head -n 4 | tr '\n' ' ')"
	return 1
}

# A JSON Lines file with metadata and markings and every temporal type,
# written by hand to the contract of docs/IMPORT_EXPORT.md.
cat >"$xw/source.jsonl" <<'EOF'
{"type":"node","id":"t1","labels":["Trader"],"properties":{"tin":"DE123","turnover":1.5E6,"registered":{"$date":"2019-04-01"},"aliases":["ACME","A;B"]},"meta":{"source":"tax-registry","record":"tax.csv:18","reliability":"B","credibility":2,"valid_from":"2019-04-01T00:00:00Z","marking":"CUSTOMS"}}
{"type":"node","id":"p1","labels":["Person"],"properties":{"name":"Zoë \"Z\" <x>\nline","seen":{"$datetime":"2024-01-02T03:04:05.678Z"},"term":{"$duration":"P1DT2H"},"opens":{"$localtime":"08:30:15.00000025"},"cutoff":{"$time":"17:45+01:00"},"loaded":{"$localdatetime":"2023-12-31T23:59:59.5"},"zoned":{"$datetime":"2015-07-21T21:40:32.142000007+02:00[Europe/Stockholm]"}},"meta":{"marking":"PERSONAL"}}
{"type":"node","id":"x","labels":[],"properties":{},"meta":{}}
{"type":"relationship","id":"r1","label":"DIRECTOR_OF","start":{"id":"p1"},"end":{"id":"t1"},"properties":{"share":0.25,"active":true},"meta":{"reliability":"C"}}
{"type":"relationship","id":"r2","label":"DIRECTOR_OF","start":{"id":"p1"},"end":{"id":"t1"},"properties":{},"meta":{}}
EOF

t_roundtrip_csv() {
	have_import || return 0
	rm -rf "$xw/rt-csv" "$xw/rt-b.db"
	run export "$xdb" --format csv -o "$xw/rt-csv" && want_rc 0 || return 1
	"$dragnet" init "$xw/rt-b.db" >/dev/null 2>&1
	import_csv_dir "$xw/rt-b.db" "$xw/rt-csv" >"$out" 2>"$err" || { why="import failed"; return 1; }
	same_canonical "$xdb" "$xw/rt-b.db"
}
t_roundtrip_jsonl_meta() {
	have_import || return 0
	rm -rf "$xw/rt-a.db" "$xw/rt-c.db" "$xw/rt-d.db" "$xw/rt2-csv"
	"$dragnet" init "$xw/rt-a.db" >/dev/null 2>&1
	"$dragnet" init "$xw/rt-c.db" >/dev/null 2>&1
	"$dragnet" init "$xw/rt-d.db" >/dev/null 2>&1
	import_jsonl "$xw/rt-a.db" "$xw/source.jsonl" >"$out" 2>"$err" || { why="import A failed"; return 1; }
	run export "$xw/rt-a.db" --format jsonl -o "$xw/rt.jsonl" && want_rc 0 || return 1
	import_jsonl "$xw/rt-c.db" "$xw/rt.jsonl" >"$out" 2>"$err" || { why="import C failed"; return 1; }
	same_canonical "$xw/rt-a.db" "$xw/rt-c.db" || return 1
	run export "$xw/rt-a.db" --format csv -o "$xw/rt2-csv" --array-delimiter '|' && want_rc 0 || return 1
	import_csv_dir "$xw/rt-d.db" "$xw/rt2-csv" --array-delimiter '|' >"$out" 2>"$err" || { why="import D failed"; return 1; }
	same_canonical "$xw/rt-a.db" "$xw/rt-d.db"
}
t_export_clearances() {
	have_import || return 0
	# rt-a.db holds a PERSONAL person with two edges: a CUSTOMS reader sees
	# only the trader and the unlabelled node
	run export "$xw/rt-a.db" --format jsonl --clearances CUSTOMS && want_rc 0 || return 1
	grep -q 'PERSONAL\|Zo' "$out" && { why="a marked element was exported"; return 1; }
	[ "$(grep -c '"type":"node"' "$out")" = 2 ] && [ "$(grep -c relationship "$out")" = 0 ] ||
		{ why="wrong elements for a CUSTOMS reader"; return 1; }
	run export "$xw/rt-a.db" --format graphml --clearances '' && want_rc 0 || return 1
	grep -q 'DE123\|Zo' "$out" && { why="a marked element was exported to an uncleared reader"; return 1; }
	return 0
}
roundtrip_note=""
have_import || roundtrip_note=" # SKIP dragnet import does not exist yet"

tc "export --help, and export in the command list" t_export_help
tc "export: usage errors -> exit 2, missing DB -> exit 1" t_export_usage
tc "export graphml: networkx loads it with the database's nodes, edges and values" t_export_graphml_networkx
tc "export gexf: networkx loads it with the database's nodes, edges and values" t_export_gexf_networkx
tc "export cytoscape: JSON with the database's elements and values" t_export_cytoscape
tc "export dot: dot -Tsvg draws every node and edge" t_export_dot_renders
tc "export --query: exactly the subgraph, with parameters and paths" t_export_query_subgraph
tc "export --query: a syntax error is positioned, a write is refused" t_export_query_error
tc "export -o: a failure leaves the old file and no temporary file" t_export_atomic
tc "export csv: one file per label set and type, every row" t_export_csv_files
tc "export --clearances CUSTOMS: exactly the elements such a reader may see" t_export_clearances_case
tc "round trip: export csv -> import gives the same graph$roundtrip_note" t_roundtrip_csv
tc "round trip: import jsonl -> export jsonl/csv -> import, with metadata$roundtrip_note" t_roundtrip_jsonl_meta
tc "export --clearances: marked elements left out$roundtrip_note" t_export_clearances
