# SPDX-License-Identifier: GPL-2.0-or-later
"""export_check.py — checks a `dragnet export` file against the database it
came from, for the CLI tests (tests/cli/export_tests.sh).

Usage: export_check.py FORMAT FILE NODES.jsonl EDGES.jsonl

NODES.jsonl and EDGES.jsonl are what `dragnet query --format jsonl` printed
for the database itself:
  MATCH (n) RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props
  MATCH (a)-[r]->(b) RETURN id(r) AS id, id(a) AS src, id(b) AS dst,
                            type(r) AS type, properties(r) AS props
so the expectations come from the database, never from the export. FORMAT
is graphml or gexf (loaded with networkx) or cytoscape (loaded with json).
Every node and edge must be there with the same endpoints, labels, type and
property values, and nothing else. Exits 1 with the first difference.
"""
import json
import sys


def fail(msg):
    print("export_check: " + msg, file=sys.stderr)
    sys.exit(1)


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def same_value(want, got, where):
    """want: the database's value as `dragnet query` prints it (lists as
    JSON arrays, temporal values as ISO text); got: the exported one."""
    if isinstance(want, list):
        if isinstance(got, str):
            got = json.loads(got)
        ok = got == want
    elif isinstance(want, bool):
        ok = got is want
    elif isinstance(want, float):
        ok = isinstance(got, float) and got == want
    elif isinstance(want, int):
        # an int stays an int, unless its key also holds floats elsewhere:
        # then the key is declared double
        ok = got == want and (type(got) is int or (type(got) is float and FLOAT_KEYS))
    else:
        ok = got == want
    if not ok:
        fail("%s: database has %r, export has %r" % (where, want, got))


FLOAT_KEYS = False  # set per property: does the key hold floats anywhere?


def attr_name(key, reserved):
    return "prop." + key if key in reserved else key


def check_attrs(where, data, props, fixed, reserved):
    """data: exported attributes; fixed: the attributes every element
    carries besides its properties (name -> expected value, or None for
    any value)."""
    want = dict(fixed)
    want.update({attr_name(k, reserved): v for k, v in props.items()})
    # networkx before 3.0 drops a GraphML <data> element with empty text
    # (an empty string): accept its absence, and only for an empty string
    if NX_DROPS_EMPTY:
        want = {k: v for k, v in want.items() if not (v == "" and k not in data)}
    got_keys = set(k for k in data if not k.startswith("meta."))
    if got_keys != set(want):
        fail("%s: attributes %s, expected %s" % (where, sorted(got_keys), sorted(want)))
    for k, v in want.items():
        if k in fixed:
            if v is not None and data[k] != v:
                fail("%s: %s is %r, expected %r" % (where, k, data[k], v))
        else:
            global FLOAT_KEYS
            FLOAT_KEYS = k in FLOATS
            same_value(v, data[k], "%s property %s" % (where, k))


NX_DROPS_EMPTY = False
FLOATS = set()  # property keys that hold a float somewhere (nodes or edges)


def check_networkx(fmt, path, nodes, edges):
    global NX_DROPS_EMPTY
    import networkx as nx

    NX_DROPS_EMPTY = fmt == "graphml" and int(nx.__version__.split(".")[0]) < 3

    g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    if not g.is_directed():
        fail("the graph is not directed")
    if g.number_of_nodes() != len(nodes):
        fail("%d nodes, the database has %d" % (g.number_of_nodes(), len(nodes)))
    if g.number_of_edges() != len(edges):
        fail("%d edges, the database has %d" % (g.number_of_edges(), len(edges)))
    reserved_node = {"labels", "label"}
    reserved_edge = {"label", "id"} if fmt == "gexf" else {"label"}
    for n in nodes:
        nid = "n%d" % n["id"]
        if nid not in g.nodes:
            fail("node %s is missing" % nid)
        labels = ":" + ":".join(sorted(n["labels"])) if n["labels"] else ""
        data = dict(g.nodes[nid])
        check_attrs("node " + nid, data, n["props"], {"labels": labels, "label": None},
                    reserved_node)
    by_id = {}
    if g.is_multigraph():  # parallel edges: networkx keys them by their id
        for u, v, key, data in g.edges(keys=True, data=True):
            by_id[data.get("id", key)] = (u, v, data)
    else:
        for u, v, data in g.edges(data=True):
            by_id[data.get("id")] = (u, v, data)
    for e in edges:
        eid = "e%d" % e["id"]
        if eid not in by_id:
            fail("edge %s is missing (have %s)" % (eid, sorted(k for k in by_id if k)[:5]))
        u, v, data = by_id[eid]
        if (u, v) != ("n%d" % e["src"], "n%d" % e["dst"]):
            fail("edge %s goes %s->%s" % (eid, u, v))
        data = dict(data)
        data.pop("id", None)
        check_attrs("edge " + eid, data, e["props"], {"label": e["type"]}, reserved_edge)


def check_cytoscape(path, nodes, edges):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    el = doc["elements"]
    if len(el["nodes"]) != len(nodes) or len(el["edges"]) != len(edges):
        fail("%d nodes and %d edges, the database has %d and %d"
             % (len(el["nodes"]), len(el["edges"]), len(nodes), len(edges)))
    reserved = {"id", "source", "target", "labels", "label", "type", "meta"}
    got = {d["data"]["id"]: d["data"] for d in el["nodes"]}
    for n in nodes:
        data = dict(got.get("n%d" % n["id"]) or fail("node n%d is missing" % n["id"]))
        data.pop("meta")
        check_attrs("node n%d" % n["id"], data, n["props"],
                    {"id": None, "labels": n["labels"], "label": None}, reserved)
    got = {d["data"]["id"]: d["data"] for d in el["edges"]}
    for e in edges:
        data = dict(got.get("e%d" % e["id"]) or fail("edge e%d is missing" % e["id"]))
        data.pop("meta")
        fixed = {"id": None, "source": "n%d" % e["src"], "target": "n%d" % e["dst"],
                 "type": e["type"]}
        check_attrs("edge e%d" % e["id"], data, e["props"], fixed, reserved)


def main():
    if len(sys.argv) != 5:
        fail("usage: export_check.py FORMAT FILE NODES.jsonl EDGES.jsonl")
    fmt, path = sys.argv[1], sys.argv[2]
    nodes, edges = load_jsonl(sys.argv[3]), load_jsonl(sys.argv[4])
    for el in nodes + edges:
        FLOATS.update(k for k, v in el["props"].items() if isinstance(v, float))
    if not nodes:
        fail("the database query gave no nodes: nothing would be checked")
    if fmt in ("graphml", "gexf"):
        check_networkx(fmt, path, nodes, edges)
    elif fmt == "cytoscape":
        check_cytoscape(path, nodes, edges)
    else:
        fail("unknown format " + fmt)


main()
