#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run_cli_tests.sh — end-to-end tests of the `dragnet` tool: runs the binary
# on fresh and broken databases and checks exit statuses and output. Prints
# "ok - NAME" or "not ok - NAME" per case and a final "N passed, M failed";
# exits non-zero if any case failed.
#
# Usage: run_cli_tests.sh PATH_TO_DRAGNET WORKDIR
# Set DN_CLI_WRAPPER to run the tool under a wrapper, e.g.
# DN_CLI_WRAPPER='valgrind -q --leak-check=full --error-exitcode=99'.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 PATH_TO_DRAGNET WORKDIR" >&2
	exit 2
fi
dragnet=$1
work=$2/cli-tests
if [ ! -x "$dragnet" ]; then
	echo "$0: $dragnet is not an executable" >&2
	exit 2
fi
rm -rf "$work" && mkdir -p "$work" || exit 2
out=$work/stdout
err=$work/stderr
passed=0
failed=0
why=

# run ARGS...: runs the tool (with a time limit), keeping stdout, stderr and
# the exit status ($rc).
run() {
	# shellcheck disable=SC2086 # the wrapper is a command line
	timeout 60 ${DN_CLI_WRAPPER:-} "$dragnet" "$@" >"$out" 2>"$err"
	rc=$?
}

# Expectations: each returns 1 and says why when it does not hold.
want_rc() {
	[ "$rc" -eq "$1" ] && return 0
	why="exit status $rc, expected $1"
	return 1
}
want_out() {
	grep -Eq -- "$1" "$out" && return 0
	why="stdout does not match /$1/"
	return 1
}
want_err() {
	grep -Eq -- "$1" "$err" && return 0
	why="stderr does not match /$1/"
	return 1
}
want_no_out() {
	[ ! -s "$out" ] && return 0
	why="stdout is not empty"
	return 1
}

# tc NAME FUNCTION: runs one case and reports it.
tc() {
	why=
	if "$2"; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		[ -n "$why" ] && echo "#   $why"
		sed 's/^/#   stdout: /' "$out" | head -n 20
		sed 's/^/#   stderr: /' "$err" | head -n 20
	fi
}

db=$work/fresh.db

# --- global options and dispatch -----------------------------------------

t_version() {
	run --version && want_rc 0 &&
		want_out '^dragnet 0\.1\.0 \(format 2, LMDB [0-9]+\.[0-9]+\.[0-9]+\)$'
}
t_help() {
	run --help && want_rc 0 && want_out '^Usage: dragnet COMMAND DB' &&
		want_out '^  init ' && want_out '^  stats ' && want_out '^  check '
}
t_cmd_help() {
	run stats --help && want_rc 0 && want_out '^Usage: dragnet stats DB' &&
		want_out '--json' && want_out '^Example' || return 1
	cp "$out" "$work/stats-help"
	run help stats && want_rc 0 || return 1
	cmp -s "$out" "$work/stats-help" && return 0
	why="'dragnet help stats' differs from 'dragnet stats --help'"
	return 1
}
t_no_command() {
	run && want_rc 2 && want_err 'dragnet: missing command' && want_err '--help'
}
t_unknown_command() {
	run frobnicate "$db" && want_rc 2 &&
		want_err "^dragnet: unknown command 'frobnicate'" && want_err '--help'
}
t_unknown_global_option() {
	run --frobnicate && want_rc 2 && want_err "unknown option '--frobnicate'"
}
t_missing_db() {
	run stats && want_rc 2 && want_err '^dragnet: stats: missing DB' &&
		want_err "dragnet stats --help"
}
t_unknown_option() {
	run stats "$db" --frobnicate && want_rc 2 &&
		want_err "^dragnet: stats: unknown option '--frobnicate'" || return 1
	run stats "$db" --json=yes && want_rc 2 || return 1
	run check "$db" extra && want_rc 2 && want_err "unexpected argument 'extra'"
}
t_write_error() {
	[ -w /dev/full ] || return 0
	"$dragnet" --help >/dev/full 2>"$err"
	rc=$?
	want_rc 1 && want_err 'cannot write output'
}

# --- init ----------------------------------------------------------------

t_init() {
	run init "$db" && want_rc 0 || return 1
	if [ ! -f "$db/data.mdb" ]; then
		why="$db/data.mdb was not created"
		return 1
	fi
	local mode
	mode=$(stat -c %a "$db/data.mdb")
	[ "$mode" = 600 ] && return 0
	why="data.mdb has mode $mode, expected 600"
	return 1
}
t_init_twice() {
	run init "$db" && want_rc 1 &&
		want_err "^dragnet: init: .*fresh\.db already contains a database"
}
t_init_bad_parent() {
	run init "$work/no/such/parent/x.db" && want_rc 1 && want_err '^dragnet: init: '
}

# --- stats ---------------------------------------------------------------

t_stats_fresh() {
	run stats "$db" && want_rc 0 && want_out '^nodes: +0$' &&
		want_out '^edges: +0$' && want_out '^format version: +2$' &&
		want_out '^file size: .*\([0-9]+ bytes\)$'
}
t_stats_json() {
	run stats "$db" --json && want_rc 0 || return 1
	python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["nodes"] == 0 and d["edges"] == 0, d
assert d["format_version"] == 2, d
assert d["labels"] == {} and d["types"] == {}, d
assert d["file_bytes"] > 0 and d["map_bytes"] >= d["file_bytes"], d
assert isinstance(d["log_position"], int), d
' <"$out" 2>"$work/python-err" && return 0
	why="JSON check failed: $(tail -n 1 "$work/python-err")"
	return 1
}
t_stats_missing() {
	run stats "$work/missing.db" && want_rc 1 && want_err '^dragnet: stats: .+' &&
		want_no_out
}

# A directory whose data.mdb is 100 KB of random bytes, and one whose
# data.mdb is a line of text: a clean failure (exit exactly 1, not a signal).
mkdir -p "$work/random.db" "$work/text.db"
head -c 102400 /dev/urandom >"$work/random.db/data.mdb"
echo "this is not a database" >"$work/text.db/data.mdb"

t_stats_random() {
	run stats "$work/random.db" && want_rc 1 && want_err '^dragnet: stats: .+'
}
t_stats_text() {
	run stats "$work/text.db" && want_rc 1 && want_err '^dragnet: stats: .+'
}
t_stats_file() {
	run stats "$db/data.mdb" && want_rc 1 && want_err '^dragnet: stats: .+'
}

# --- check ---------------------------------------------------------------

t_check_fresh() {
	run check "$db" && want_rc 0 && want_out '^ok: 0 nodes, 0 edges checked$'
}
t_check_random() {
	run check "$work/random.db" && want_rc 1 && want_err '^dragnet: check: .+'
}
t_check_text() {
	run check "$work/text.db" && want_rc 1 && want_err '^dragnet: check: .+'
}
t_readonly_commands() {
	# stats and check must not change a database they read.
	local before after
	before=$(stat -c %s-%.9Y "$db/data.mdb" 2>/dev/null)
	run stats "$db" && run check "$db" && want_rc 0 || return 1
	after=$(stat -c %s-%.9Y "$db/data.mdb" 2>/dev/null)
	[ "$before" = "$after" ] && return 0
	why="data.mdb changed ($before -> $after)"
	return 1
}

# --- query ---------------------------------------------------------------

t_query_syntax_error() {
	run query "$db" 'MATCH (n:Trader RETURN n' && want_rc 1 &&
		want_err 'query:1:17: expected .\). but found .RETURN.' &&
		want_err '^MATCH \(n:Trader RETURN n$' && want_err '^ {16}\^{6}$'
}
t_query_file_error_position() {
	printf 'MATCH (n)\nWHERE n.x = 1\nRETURN n.y +\n' >"$work/bad.cypher"
	run query "$db" -f "$work/bad.cypher" && want_rc 1 &&
		want_err 'bad\.cypher:[34]:[0-9]+: ' && want_err '\^'
}
t_query_bad_param() {
	run query "$db" 'RETURN $x' --param 'x={bad' && want_rc 2 &&
		want_err 'param x: not JSON'
}
t_query_bad_format() {
	run query "$db" 'RETURN 1' --format xml && want_rc 2 && want_err "unknown format 'xml'"
}
t_query_no_query() {
	# an empty script on standard input runs nothing and says nothing
	run query "$db" </dev/null && want_rc 0 && want_no_out
}
t_query_formats() {
	q='UNWIND [2, 1] AS x RETURN x, x * 10 AS y, "a,b" AS s ORDER BY x'
	run query "$db" "$q" --format csv && want_rc 0 && want_out '^x,y,s' &&
		want_out '^1,10,"a,b"' || return 1
	run query "$db" "$q" --format jsonl && want_rc 0 && want_out '^\{"x":1,"y":10,"s":"a,b"\}$' || return 1
	run query "$db" "$q" --format json && want_rc 0 || return 1
	python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows == [{"x": 1, "y": 10, "s": "a,b"}, {"x": 2, "y": 20, "s": "a,b"}], rows
' <"$out" || { why="json output: $(cat "$out")"; return 1; }
	run query "$db" "$q" && want_rc 0 && want_out '^\(2 rows\)$'
}
t_query_create_then_count() {
	"$dragnet" init "$work/q.db" >/dev/null 2>&1
	run query "$work/q.db" "CREATE (:Trader {tin: 'GB1'})-[:OWNS]->(:Company) RETURN 1 AS done" &&
		want_rc 0 || return 1
	run stats "$work/q.db" && want_out '^nodes: +2$' && want_out '^edges: +1$'
}
t_query_schema() {
	"$dragnet" init "$work/s.db" >/dev/null 2>&1
	run query "$work/s.db" 'CREATE CONSTRAINT tin FOR (t:Trader) REQUIRE t.tin IS UNIQUE' && want_rc 0 || return 1
	run query "$work/s.db" "CREATE (:Trader {tin: 'GB1'})" && want_rc 0 && want_out '^1 nodes created' || return 1
	run query "$work/s.db" "CREATE (:Trader {tin: 'GB1'})" && want_rc 1 &&
		want_err 'index tin requires to be unique' || return 1
	run query "$work/s.db" 'SHOW CONSTRAINTS' --format csv && want_rc 0 &&
		want_out '^tin,Trader,tin,true,1' || return 1
	run query "$work/s.db" 'DROP CONSTRAINT nope' && want_rc 1 && want_err 'no index named nope' || return 1
	run query "$work/s.db" 'DROP CONSTRAINT nope IF EXISTS' && want_rc 0
}
t_query_shortest_paths() {
	"$dragnet" init "$work/p.db" >/dev/null 2>&1
	# a diamond a->b->d, a->c->d, plus a long way a->e->f->d
	run query "$work/p.db" "CREATE (a:P {n: 'a'}), (b:P {n: 'b'}), (c:P {n: 'c'}), (d:P {n: 'd'}),
	    (e:P {n: 'e'}), (f:P {n: 'f'}), (a)-[:K]->(b), (b)-[:K]->(d), (a)-[:K]->(c), (c)-[:K]->(d),
	    (a)-[:K]->(e), (e)-[:K]->(f), (f)-[:K]->(d)" && want_rc 0 || return 1
	run query "$work/p.db" "MATCH (a:P {n: 'a'}), (d:P {n: 'd'})
	    MATCH p = shortestPath((a)-[:K*]->(d)) RETURN length(p) AS len" --format csv &&
		want_rc 0 && want_out '^2' || return 1
	run query "$work/p.db" "MATCH (a:P {n: 'a'}), (d:P {n: 'd'})
	    MATCH p = allShortestPaths((a)-[:K*]->(d))
	    RETURN [x IN nodes(p) | x.n] AS via ORDER BY via" --format jsonl && want_rc 0 || return 1
	[ "$(cat "$out")" = '{"via":["a","b","d"]}
{"via":["a","c","d"]}' ] || { why="allShortestPaths gave: $(cat "$out")"; return 1; }
}
t_query_explain_profile() {
	# EXPLAIN plans without running: the Trader is found through the unique
	# index from WHERE, the path walked back from it, and nothing is created
	"$dragnet" init "$work/x.db" >/dev/null 2>&1
	run query "$work/x.db" "CREATE CONSTRAINT FOR (t:Trader) REQUIRE t.tin IS UNIQUE" && want_rc 0 || return 1
	run query "$work/x.db" "UNWIND range(1, 50) AS i CREATE (:Decl {no: i})-[:BY]->(:Trader {tin: 'T' + toString(i)})" &&
		want_rc 0 || return 1
	run query "$work/x.db" "EXPLAIN MATCH (d:Decl)-[:BY]->(t:Trader) WHERE t.tin = 'T7' CREATE (:Seen) RETURN d.no" \
		--format csv && want_rc 0 && want_out '^      Match,' && want_out '^        NodeUniqueIndexSeek,' &&
		want_out '^        Expand,.*walked backwards' && want_out '^    Create,' || return 1
	run query "$work/x.db" "MATCH (s:Seen) RETURN count(s) AS n" --format csv && want_out '^0' || return 1
	# PROFILE runs it and counts rows per operator: one declaration
	run query "$work/x.db" "PROFILE MATCH (d:Decl)-[:BY]->(t:Trader) WHERE t.tin = 'T7' RETURN d.no" \
		--format csv && want_rc 0 && want_out '^  Project,RETURN d.no,[0-9]+,1,[0-9.]+' || return 1
	run query "$work/x.db" "PROFILE MATCH (d:Decl)-[:BY*1..2]-(m) RETURN count(DISTINCT m) AS n" --format csv &&
		want_rc 0 && want_out '^      BreadthFirstExpand,' || return 1
	# a LIMIT stops pulling: the match reads as many Decls as it returns
	run query "$work/x.db" "PROFILE MATCH (d:Decl) RETURN d.no LIMIT 3" --format csv &&
		want_rc 0 && want_out '^  Limit,LIMIT,[0-9]+,3,' && want_out '^      Match,MATCH \(d:Decl\),[0-9]+,3,' &&
		want_out '^        NodeByLabelScan,.*,[0-9]+,3,'
}
t_query_procedures() {
	run query "$work/s.db" 'CALL db.labels()' --format csv && want_rc 0 && want_out '^label' &&
		want_out '^Trader' || return 1
	run query "$work/s.db" 'CALL db.nope()' && want_rc 1 && want_err 'ProcedureNotFound'
}
t_query_match() {
	run query "$work/q.db" "MATCH (t:Trader)-[:OWNS]->(c) RETURN t.tin AS tin, labels(c) AS l" \
		--format jsonl && want_rc 0 && want_out '^\{"tin":"GB1","l":\["Company"\]\}$'
}
t_query_trailing_comment() {
	# a script may end with a comment: it is no statement (an unclosed one is an error)
	run query "$db" 'RETURN 7 AS a; // done' --format csv && want_rc 0 || return 1
	[ "$(tr -d '\r' <"$out")" = "$(printf 'a\n7')" ] || { why="output: $(cat "$out")"; return 1; }
	run query "$db" 'RETURN 7 AS a; /* open' && want_rc 1 && want_err "query:1:16: unterminated comment"
}

# --- shell ---------------------------------------------------------------

# shell DB TEXT: runs `dragnet shell DB` with TEXT (printf escapes) on a pipe.
shell() {
	printf "$2" >"$work/shell-in"
	# shellcheck disable=SC2086 # the wrapper is a command line
	timeout 60 ${DN_CLI_WRAPPER:-} "$dragnet" shell "$1" <"$work/shell-in" >"$out" 2>"$err"
	rc=$?
}
# want_exact TEXT: stdout (CRs dropped) is exactly TEXT (printf escapes).
want_exact() {
	[ "$(tr -d '\r' <"$out")" = "$(printf "$1")" ] && return 0
	why="stdout is not exactly: $(printf "$1" | tr '\n' '|')"
	return 1
}
t_shell_multiline() {
	"$dragnet" init "$work/sh.db" >/dev/null 2>&1
	# one statement over three lines, then two on one line: 1+2+3+4 = 10
	shell "$work/sh.db" ':format csv\nUNWIND range(1, 4)\n  AS x\nRETURN sum(x) AS s;\nRETURN 7 AS a; RETURN "b" AS b;\n' &&
		want_rc 0 && want_exact 's\n10\na\n7\nb\nb'
}
t_shell_schema() {
	"$dragnet" init "$work/shs.db" >/dev/null 2>&1
	shell "$work/shs.db" "CREATE (:Trader {tin: 'a'}), (:Trader {tin: 'b'}),\n  (:Company)-[:OWNS]->(:Company)-[:OWNS]->(:Address {line: 'x'});\nCREATE CONSTRAINT tin FOR (t:Trader) REQUIRE t.tin IS UNIQUE;\n:schema\n" &&
		want_rc 0 && want_out '^labels:$' && want_out '^  Trader +2$' && want_out '^  Company +2$' &&
		want_out '^  Address +1$' && want_out '^relationship types:$' && want_out '^  OWNS +2$' &&
		want_out '^property keys:$' && want_out '^  line, tin$' &&
		want_out '^  tin +:Trader\(tin\) +unique constraint, 2 entries$'
}
t_shell_format_json() {
	shell "$work/sh.db" ':format json\nUNWIND [3, 1] AS x RETURN x, x * x AS sq ORDER BY x;\n:format\n' && want_rc 0 || return 1
	sed '/^format: json$/d' "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows == [{"x": 1, "sq": 1}, {"x": 3, "sq": 9}], rows
' 2>"$work/python-err" || { why="json output: $(tail -n 1 "$work/python-err")"; return 1; }
	want_out '^format: json$'
}
t_shell_params() {
	shell "$work/sh.db" ':param xs=[4, 5, 6]\n:param m={"k": "v"}\n:format jsonl\nUNWIND $xs AS x RETURN sum(x) AS s, $m.k AS k;\n:params\n:unparam xs\nRETURN size($xs) AS n;\n' &&
		want_rc 1 && want_out '^\{"s":15,"k":"v"\}$' && want_out '^\$xs = \[4,5,6\]$' && want_out '^\$m = \{"k":"v"\}$' &&
		want_err '<stdin>:7:13: parameter \$xs was not given' && ! want_out '^n'
}
t_shell_error_continues() {
	# an error on line 3 (column 3 of the statement's second line), then a later statement runs
	shell "$work/sh.db" ':format csv\nRETURN 1 AS a,\n  nope AS b;\nRETURN 2 AS after;\n:nosuch\nRETURN 3 AS last;\n' &&
		want_rc 1 && want_err '^dragnet: shell: <stdin>:3:3: variable `nope` not defined' &&
		want_err '^  nope AS b;$' && want_err '^  \^{4}$' &&
		want_err "unknown command ':nosuch'" && want_exact 'after\n2\nlast\n3'
}
t_shell_writes_commit() {
	"$dragnet" init "$work/shw.db" >/dev/null 2>&1
	shell "$work/shw.db" 'CREATE (:P {n: 1});\nCREATE (:P {n: 2});\nMATCH (p:P) RETURN 1 / (p.n - 2) AS boom;\n' && want_rc 1 || return 1
	run stats "$work/shw.db" && want_out '^nodes: +2$'
}
t_shell_usage() {
	run shell "$work/sh.db" --format xml </dev/null && want_rc 2 && want_err "unknown format 'xml'" || return 1
	run shell "$work/sh.db" extra </dev/null && want_rc 2 && want_err "unexpected argument 'extra'" || return 1
	run shell "$work/nowhere.db" </dev/null && want_rc 1 && want_err '^dragnet: shell: .*nowhere\.db' || return 1
	run help shell && want_rc 0 && want_out '^Usage: dragnet shell DB'
}
t_shell_history() {
	# line editing and history need a terminal: drive the shell through a pty
	local hist=$work/shell-history
	rm -f "$hist"
	shell "$work/sh.db" 'RETURN 1;\n' # a pipe keeps no history
	DRAGNET_HISTORY=$hist shell "$work/sh.db" 'RETURN 1;\n'
	[ ! -e "$hist" ] || { why="piped input wrote a history file"; return 1; }
	cat >"$work/shell_pty.py" <<'EOF'
import os, pty, re, select, sys, termios, time
# shell_pty.py DRAGNET DB INPUT...: runs `DRAGNET shell DB` on a terminal, sends
# each INPUT (with \\r, \\xNN escapes) after the next prompt, then Ctrl-D; prints what the terminal
# showed and exits with the shell's status.
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    os.execv(sys.argv[1], [sys.argv[1], "shell", sys.argv[2]])
seen = b""
mark = 0
for text in sys.argv[3:] + ["\\x04"]:
    # wait for the prompt that follows the end of the last line entered
    # (a line being edited may redraw its prompt: those do not count) and
    # for libedit's raw mode: what is typed before it is echoed twice, and
    # a Ctrl-D typed before it is lost
    deadline = time.time() + 20
    while not re.search(rb"\n[^\n]*(dragnet> |      -> )", seen[mark:]) or \
            termios.tcgetattr(fd)[3] & termios.ICANON:
        if time.time() > deadline:
            sys.exit("no prompt: " + seen.decode(errors="replace"))
        if select.select([fd], [], [], 0.1)[0]:
            seen += os.read(fd, 4096)
    mark = len(seen)
    os.write(fd, text.encode().decode("unicode_escape").encode("latin-1"))
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
	DRAGNET_HISTORY=$hist timeout 60 python3 "$work/shell_pty.py" "$dragnet" "$work/sh.db" \
		'RETURN 40 +\r' '2 AS answer;\r' >"$out" 2>"$err"
	rc=$?
	want_rc 0 && want_out '^ +-> 2 AS answer;' && want_out '^42' || return 1
	grep -q 'answer;' "$hist" 2>/dev/null || { why="history file $hist lacks the statement"; return 1; }
	# a new session recalls the last line with Ctrl-P and runs the statement again
	DRAGNET_HISTORY=$hist timeout 60 python3 "$work/shell_pty.py" "$dragnet" "$work/sh.db" \
		'\x10\x10\r' '\x10\x10\r' >"$out" 2>"$err"
	rc=$?
	want_rc 0 && want_out 'dragnet> RETURN 40 \+' && want_out '^42'
}

t_query_as_of() {
	# the node is printed as it was: read through the statement's past txn
	"$dragnet" init "$work/h.db" >/dev/null 2>&1
	run query "$work/h.db" "CREATE (:Trader {name: 'Old Name Ltd'})" && want_rc 0 || return 1
	run query "$work/h.db" "MATCH (t:Trader) SET t.name = 'New Name Ltd'" && want_rc 0 || return 1
	run query "$work/h.db" "AS OF 1 MATCH (t:Trader) RETURN t" --format jsonl && want_rc 0 &&
		want_out '"name":"Old Name Ltd"' || return 1
	run query "$work/h.db" "MATCH (t:Trader) RETURN t.name AS n" --format csv && want_out '^New Name Ltd' || return 1
	run query "$work/h.db" "AS OF 1 CREATE (:X)" && want_rc 1 && want_err 'AS OF reads the past'
}

t_analyze() {
	# a bow tie: two triangles that share the broker b; b is the only
	# articulation point, and removing it leaves components of 2
	"$dragnet" init "$work/a.db" >/dev/null 2>&1
	run query "$work/a.db" "CREATE (a:P {n:'a'}), (b:P {n:'b'}), (c:P {n:'c'}), (d:P {n:'d'}), (e:P {n:'e'}),
		(a)-[:K]->(b), (b)-[:K]->(c), (c)-[:K]->(a), (b)-[:K]->(d), (d)-[:K]->(e), (e)-[:K]->(b)" && want_rc 0 || return 1
	run analyze "$work/a.db" articulation --format jsonl && want_rc 0 && want_out '"n":"b"' || return 1
	[ "$(wc -l < "$out")" -eq 1 ] || { why="articulation points: $(cat "$out")"; return 1; }
	# tables name nodes briefly (these have no name-like key: label and id)
	run analyze "$work/a.db" articulation && want_rc 0 && want_out '^P [0-9]+$' || return 1
	run query "$work/a.db" "CALL algo.keyplayer({k: 1, strategy: 'greedy_lcc'}) YIELD node, largest_component
		RETURN node.n AS n, largest_component AS lcc" --format csv && want_rc 0 && want_out '^b,2' || return 1
	# --write stores the degree on every node, in one transaction
	run analyze "$work/a.db" degree --direction both --write deg && want_rc 0 || return 1
	run query "$work/a.db" "MATCH (p:P) RETURN p.n AS n, p.deg AS d ORDER BY n" --format csv &&
		want_out '^b,4' && want_out '^a,2' || return 1
	# seeds from a query; an unknown key and an unknown procedure are usage errors
	run analyze "$work/a.db" risk --seeds "MATCH (p:P {n:'a'}) RETURN p" --format csv && want_rc 0 || return 1
	run analyze "$work/a.db" pagerank --bogus 1 && want_rc 2 && want_err "no key 'bogus'" || return 1
	run analyze "$work/a.db" nosuch && want_rc 2 && want_err "unknown procedure 'nosuch'"
}

t_query_table_utf8() {
	# columns line up by characters, not bytes: 'Villacís' is 8 characters
	run query "$db" "UNWIND [['Villacís', 1], ['Nowakowski', 2]] AS r RETURN r[0] AS name, r[1] AS n" &&
		want_rc 0 || return 1
	python3 - "$out" <<'PY' || { why="misaligned: $(cat "$out")"; return 1; }
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
cols = {line.index(str(n)) for line in lines for n in (1, 2) if line.rstrip().endswith(" " + str(n))}
sys.exit(0 if cols == {len("Nowakowski  ")} else 1)
PY
}

tc "--version prints versions" t_version
tc "--help lists init, stats, check" t_help
tc "stats --help and help stats print usage" t_cmd_help
tc "no command -> exit 2" t_no_command
tc "unknown command -> exit 2" t_unknown_command
tc "unknown global option -> exit 2" t_unknown_global_option
tc "missing DB argument -> exit 2" t_missing_db
tc "unknown option, extra argument -> exit 2" t_unknown_option
tc "write error on stdout -> exit 1" t_write_error
tc "init creates DB with data.mdb mode 0600" t_init
tc "init twice -> exit 1" t_init_twice
tc "init under a missing parent -> exit 1" t_init_bad_parent
tc "stats on a fresh DB: 0 nodes, 0 edges" t_stats_fresh
tc "stats --json is valid JSON" t_stats_json
tc "stats on a missing path -> exit 1" t_stats_missing
tc "stats on random data.mdb -> exit 1" t_stats_random
tc "stats on text data.mdb -> exit 1" t_stats_text
tc "stats on a file instead of a directory -> exit 1" t_stats_file
tc "check on a fresh DB -> ok" t_check_fresh
tc "check on random data.mdb -> exit 1" t_check_random
tc "check on text data.mdb -> exit 1" t_check_text
tc "stats and check leave data.mdb unchanged" t_readonly_commands
tc "query: a syntax error names line and column and underlines the span" t_query_syntax_error
tc "query -f: an error names the file and its line" t_query_file_error_position
tc "query --param with bad JSON -> exit 2" t_query_bad_param
tc "query --format xml -> exit 2" t_query_bad_format
tc "query: an empty script on stdin runs nothing" t_query_no_query
tc "query: csv, jsonl, json and table output" t_query_formats
tc "query: CREATE writes, stats sees it" t_query_create_then_count
tc "query: MATCH over what CREATE wrote" t_query_match
tc "query: schema commands: constraint, violation, SHOW, DROP" t_query_schema
tc "query: db.labels() and an unknown procedure" t_query_procedures
tc "query: shortestPath and allShortestPaths" t_query_shortest_paths
tc "query: EXPLAIN plans without running, PROFILE counts rows" t_query_explain_profile
tc "query: AS OF reads and prints the past" t_query_as_of
tc "query: table columns line up with accented names" t_query_table_utf8
tc "analyze: articulation, key players, --write, seeds from a query, bad keys" t_analyze
tc "query: a trailing comment is not a statement" t_query_trailing_comment
tc "shell: a statement over several lines, two on one line" t_shell_multiline
tc "shell: :schema lists labels, types, keys with counts and constraints" t_shell_schema
tc "shell: :format json prints a JSON array" t_shell_format_json
tc "shell: :param, :params, :unparam" t_shell_params
tc "shell: an error is reported with its line, later statements run" t_shell_error_continues
tc "shell: each statement commits on its own" t_shell_writes_commit
tc "shell: bad usage -> 2, missing database -> 1" t_shell_usage
tc "shell: history file written on a terminal, recalled next session" t_shell_history

# shellcheck source=export_tests.sh
. "$(dirname "$0")/export_tests.sh"

# --- import ------------------------------------------------------------------

imp_data=$(cd "$(dirname "$0")/../data/import" && pwd)

# imp_load DB: loads the traders, declarations and declared sample files.
imp_load() {
	run import "$1" --nodes "$imp_data/traders.csv" \
		--nodes=Document "$imp_data/declarations.csv" \
		--relationships "$imp_data/declared.csv"
}

t_import_all_kinds() {
	local d=$work/imp1.db
	imp_load "$d" && want_rc 0 \
		&& want_out '^imported 8 rows .*: 5 nodes created, 0 already present, 0 updated; 3 relationships created, 0 already present$' \
		|| return 1
	run query "$d" --format csv "MATCH (t:Trader {tin: 'NL332'}) RETURN t.name, t.employees, t.vat, labels(t)" \
		&& want_rc 0 && want_out '^"Van Dijk, Import ""BV""",7,false,' && want_out 'Shell' || return 1
	run query "$d" --format csv "MATCH (t:Trader {tin: 'DE811'})-[r:DECLARED]->(d:Document) RETURN t.turnover, t.registered = date('2011-03-15'), t.checked = datetime('2024-05-02T09:30:00Z'), t.audit_cycle = duration('P1Y'), size(t.aliases), r.role, d.date = date('2024-02-12'), d.value" \
		&& want_rc 0 && want_out '^1250000.5,true,true,true,2,importer,true,15000.0.?$' || return 1
	run query "$d" --format csv "MATCH (t:Trader) WHERE t.internal_note IS NOT NULL RETURN count(t)" \
		&& want_rc 0 && want_out '^0.?$'
}

t_import_twice_changes_nothing() {
	local d=$work/imp2.db
	imp_load "$d" && want_rc 0 || return 1
	run stats "$d" && want_rc 0 || return 1
	cp "$out" "$work/imp2.before"
	imp_load "$d" && want_rc 0 \
		&& want_out '0 nodes created, 5 already present, 0 updated; 0 relationships created, 3 already present' \
		&& want_out '^nothing changed' || return 1
	run stats "$d" && want_rc 0 || return 1
	diff -q "$out" "$work/imp2.before" >/dev/null || { why="stats changed after the second import"; return 1; }
}

t_import_bad_date() {
	local d=$work/imp3.db
	run import "$d" --nodes "$imp_data/bad_date.csv" && want_rc 1 \
		&& want_err "bad_date.csv:3: column 'date': '2024-02-31' is not a valid date" \
		&& want_err 'nothing was imported'
}

t_import_abort_leaves_db_unchanged() {
	local d=$work/imp4.db
	imp_load "$d" && want_rc 0 || return 1
	run stats "$d" && want_rc 0 || return 1
	cp "$out" "$work/imp4.before"
	run import "$d" --nodes "$imp_data/bad_date.csv" && want_rc 1 || return 1
	run stats "$d" && want_rc 0 || return 1
	diff -q "$out" "$work/imp4.before" >/dev/null || { why="stats changed after a failed import"; return 1; }
}

t_import_skip_writes_rejects() {
	local d=$work/imp5.db
	run import "$d" --nodes "$imp_data/bad_date.csv" --on-error skip --rejects "$work/imp5.rej" \
		&& want_rc 0 && want_out '2 nodes created' && want_out "1 rows rejected \(see $work/imp5.rej\)" || return 1
	grep -q "bad_date.csv:3: column 'date': '2024-02-31' is not a valid date" "$work/imp5.rej" \
		|| { why="the rejects file lacks the reason"; return 1; }
	grep -q 'D-2024-0102' "$work/imp5.rej" || { why="the rejects file lacks the row"; return 1; }
	run query "$d" --format csv "MATCH (d:Declaration) RETURN count(d)" && want_rc 0 && want_out '^2.?$'
}

t_import_jsonl() {
	local d=$work/imp6.db
	run import "$d" --jsonl "$imp_data/graph.jsonl" && want_rc 0 \
		&& want_out '2 nodes created.*1 relationships created' || return 1
	run query "$d" --format csv "MATCH (t:Trader)-[r:DECLARED]->(d) RETURN t.registered = date('2019-04-01'), r.role, d.ref" \
		&& want_rc 0 && want_out '^true,importer,D-1.?$'
}

t_import_usage() {
	run import "$work/imp7.db" "$imp_data/traders.csv" && want_rc 2 \
		&& want_err 'say what it is with --nodes' || return 1
	run import "$work/imp7.db" --nodes "$imp_data/traders.csv" --on-error maybe && want_rc 2 || return 1
	run import --help && want_rc 0 && want_out '^Usage: dragnet import DB'
}

tc "import: typed CSV with every column kind" t_import_all_kinds
tc "import: a second import changes nothing and says so" t_import_twice_changes_nothing
tc "import: a bad date names file:line and column" t_import_bad_date
tc "import: a failed import leaves the database unchanged" t_import_abort_leaves_db_unchanged
tc "import: --on-error skip writes the rejects file" t_import_skip_writes_rejects
tc "import: JSON Lines" t_import_jsonl
tc "import: usage errors and --help" t_import_usage

# --- import --map: mapping files (examples/mappings) ----------------------
maps=$(cd "$(dirname "$0")/../../examples/mappings" && pwd)

t_map_examples_load_twice() {
	local m
	for m in declarations seizures tax_registry company_registry manifest; do
		run import "$work/map_$m.db" --map "$maps/$m.json" "$maps/$m.csv" && want_rc 0 &&
			want_out 'nodes created' || { why="$m: $why"; return 1; }
		grep -q 'nothing changed' "$out" && { why="$m: first load changed nothing"; return 1; }
		run import "$work/map_$m.db" --map "$maps/$m.json" "$maps/$m.csv" && want_rc 0 &&
			want_out ' 0 nodes created, [0-9]+ already present, 0 updated; 0 relationships created' &&
			want_out '^nothing changed' || { why="$m again: $why"; return 1; }
	done
}
t_map_examples_one_database() {
	# the five mappings share labels (Trader, Company, Conveyance, Location,
	# Person) without clashing keys, and a second round changes nothing
	local m
	for m in declarations seizures tax_registry company_registry manifest; do
		run import "$work/map_all.db" --map "$maps/$m.json" "$maps/$m.csv" && want_rc 0 ||
			{ why="$m: $why"; return 1; }
	done
	for m in declarations seizures tax_registry company_registry manifest; do
		run import "$work/map_all.db" --map "$maps/$m.json" "$maps/$m.csv" && want_rc 0 &&
			want_out '^nothing changed' || { why="$m again: $why"; return 1; }
	done
	# vessel 9321483 is one node for the declarations, seizures and manifests
	run query "$work/map_all.db" --format csv \
		"MATCH (v:Conveyance {id: '9321483'})<-[r]-() RETURN count(DISTINCT type(r))" && want_out '^3.?$'
}
t_map_declarations_graph() {
	# declarations.csv by hand: 16 rows, one CANCELLED (skipped); 15
	# declarations, 5 traders (DE123456789 written four ways), 3 consignees,
	# 3 brokers (one row has none), 3 vessels, 6 ports = 35 nodes
	local d=$work/map_declarations.db
	run query "$d" --format csv "MATCH (n) RETURN count(n)" && want_out '^35.?$' || return 1
	run query "$d" --format csv "MATCH (t:Trader {tin: 'DE123456789'})-[:DECLARED]->(d) RETURN count(d)" &&
		want_out '^5.?$' || return 1
	# on_match fill: the phone of the first row that names BRK-31 stays
	run query "$d" --format csv "MATCH (b:Broker {broker_id: 'BRK-31'}) RETURN b.phone" &&
		want_out '^\+49421778899.?$'
}
t_map_bad_date() {
	sed 's#04/01/2024;DE-987#31/02/2024;DE-987#' "$maps/declarations.csv" >"$work/bad_decl.csv"
	run import "$work/map_bad.db" --map "$maps/declarations.json" "$work/bad_decl.csv" && want_rc 1 &&
		want_err "bad_decl.csv:4:10: column 'decl_date': '31/02/2024' is not a valid date for format DD/MM/YYYY" &&
		want_err 'nothing was imported' || return 1
	run query "$work/map_bad.db" --format csv "MATCH (n) RETURN count(n)" && want_out '^0.?$'
}
t_map_skip_rejects() {
	run import "$work/map_skip.db" --map "$maps/declarations.json" "$work/bad_decl.csv" \
		--on-error skip --rejects "$work/map.rej" && want_rc 0 && want_out '1 rows rejected' || return 1
	grep -q "not a valid date for format DD/MM/YYYY" "$work/map.rej" || { why="no reason in rejects"; return 1; }
	grep -q '^"[^"]*bad_decl.csv",4,' "$work/map.rej" || { why="no file,line in rejects"; return 1; }
	# 14 declarations: 16 rows less the cancelled one less the rejected one
	run query "$work/map_skip.db" --format csv "MATCH (d:Declaration) RETURN count(d)" && want_out '^14.?$'
}
t_map_mapping_errors() {
	printf '{"nodes": [{"id": "t", "labels": ["T"], "key": ["tin"], "properties": {"tin": "no_such"}}]}' \
		>"$work/m1.json"
	run import "$work/map_err.db" --map "$work/m1.json" "$maps/declarations.csv" && want_rc 1 &&
		want_err "m1.json: nodes\[0\].properties.tin: unknown column 'no_such'" || return 1
	printf '{"nodes": [{"id": "t", "labels": ["T"], "key": ["x"], "properties": {"tin": "decl_no"}}]}' \
		>"$work/m2.json"
	run import "$work/map_err.db" --map "$work/m2.json" "$maps/declarations.csv" && want_rc 1 &&
		want_err "m2.json: nodes\[0\].key\[0\]: 'x' is not a property of this template" || return 1
	run import "$work/map_err.db" --map "$work/m2.json" && want_rc 2
}

tc "import --map: every example mapping loads, and again changes nothing" t_map_examples_load_twice
tc "import --map: all example mappings into one database" t_map_examples_one_database
tc "import --map: declarations make the graph counted by hand" t_map_declarations_graph
tc "import --map: a bad date names file:line:column, nothing kept" t_map_bad_date
tc "import --map: --on-error skip writes the rejects file" t_map_skip_rejects
tc "import --map: mapping errors name the JSON path" t_map_mapping_errors

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
