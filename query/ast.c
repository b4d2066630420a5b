/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ast.c — the syntax tree's helpers: node and list allocation in the parse
 * arena, a generic pre-order walk over children, and the canonical
 * S-expression dump that the parser tests compare against (and that EXPLAIN
 * or a debugger can print).
 *
 * The dump format, one S-expression per node:
 *   statement     body | (explain X) | (profile X) | (as-of E X)
 *   union         (union Q...) | (union-all Q...)
 *   query         (query C...)
 *   match         (match P [(where E)]) | (optional-match ...)
 *   with, return  (with|return [distinct] [*] ITEM... [(order S...)]
 *                   [(skip E)] [(limit E)] [(where E)])
 *   item          E | (as E alias)          sort item  (asc E) | (desc E)
 *   unwind        (unwind E x)              create     (create P)
 *   merge         (merge PATH (on-create SET...) (on-match SET...))
 *   set, remove   (set ITEM...) (remove ITEM...): (set-prop T V)
 *                 (set-all T V) (set-merge T V) (set-labels T L...)
 *                 (remove-prop T) (remove-labels T L...)
 *   delete        (delete E...) | (detach-delete E...)
 *   call          (call-proc NAME implicit|(args E...) [(yield *|Y...)]
 *                   [(where E)]), Y is field or (as field alias)
 *   schema        (create-index [name] [if-not-exists] (for v L) (on P...))
 *                 (create-constraint [name] [if-not-exists] (for v L)
 *                   (unique P...))
 *                 (drop-index name [if-exists]) (drop-constraint ...)
 *                 (show-indexes) (show-constraints)
 *   pattern       (pattern PATH...)
 *   path          (path [var] ELEM...) | (shortest-path ...)
 *                 | (all-shortest-paths ...)
 *   node          (node [var] [(labels L...)] [(props (k v)...|$p)])
 *   rel           (rel ->|<-|-|<-> [var] [(types T...)]
 *                   [(varlen MIN|_ MAX|_)] [(props ...)])
 *   names         n, `weird name`; parameters $p; literals 1, -5, 1.5,
 *                 "text" (C-style escapes), true, false, null
 *   expressions   (. E key) (index E I) (slice E F|_ T|_) (has-labels E L...)
 *                 (OP L R) with OP in or xor and = <> < > <= >= =~
 *                 starts-with ends-with contains in + - * / % ^;
 *                 (not E) (neg E) (pos E) (is-null E) (is-not-null E)
 *                 (call f [distinct] E...) (call count *)
 *                 (case [E] (when C V)... [(else E)])
 *                 (list E...) (map (k v)...) (map-proj v .a .* (k v)...)
 *                 (list-comp x L [(where W)] [(proj E)])
 *                 (all|any|none|single x L [(where W)])
 *                 (reduce acc INIT x L E)
 *                 (pattern-comp PATH [(where W)] (proj E))
 *                 (pattern-pred PATH)
 * With DN_AST_DUMP_SPANS every node's head (or atom) is followed by
 * @off:len.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l, newlocale, uselocale */
#endif
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"

static const char *const kind_names[] = {
#define X(k, name) name,
	DN_AST_KIND_LIST(X)
#undef X
};

const char *dn_ast_kind_name(int kind)
{
	if (kind < 0 || kind >= DN_AST_KIND_COUNT_)
		return "?";
	return kind_names[kind];
}

const char *dn_ast_op_name(int op)
{
	switch (op) {
	case DN_OP_OR: return "or";
	case DN_OP_XOR: return "xor";
	case DN_OP_AND: return "and";
	case DN_OP_EQ: return "=";
	case DN_OP_NE: return "<>";
	case DN_OP_LT: return "<";
	case DN_OP_GT: return ">";
	case DN_OP_LE: return "<=";
	case DN_OP_GE: return ">=";
	case DN_OP_REGEX: return "=~";
	case DN_OP_STARTS_WITH: return "starts-with";
	case DN_OP_ENDS_WITH: return "ends-with";
	case DN_OP_CONTAINS: return "contains";
	case DN_OP_IN: return "in";
	case DN_OP_ADD: return "+";
	case DN_OP_SUB: return "-";
	case DN_OP_MUL: return "*";
	case DN_OP_DIV: return "/";
	case DN_OP_MOD: return "%";
	case DN_OP_POW: return "^";
	case DN_OP_NOT: return "not";
	case DN_OP_NEG: return "neg";
	case DN_OP_PLUS: return "pos";
	case DN_OP_IS_NULL: return "is-null";
	case DN_OP_IS_NOT_NULL: return "is-not-null";
	case DN_OP_ALL: return "all";
	case DN_OP_ANY: return "any";
	case DN_OP_NONE_OF: return "none";
	case DN_OP_SINGLE: return "single";
	default: return "?";
	}
}

dn_ast *dn_ast_new(dn_arena *arena, int kind, uint32_t off, uint32_t len)
{
	dn_ast *n = dn_arena_alloc(arena, sizeof *n);
	if (!n)
		return NULL;
	memset(n, 0, sizeof *n);
	n->kind = (uint8_t)kind;
	n->off = off;
	n->len = len;
	return n;
}

/* Lists grow by doubling inside the arena; capacity is implied by n (the
 * next power of two at or above it, from 4). */
int dn_ast_list_push(dn_arena *arena, dn_ast_list *list, dn_ast *node)
{
	uint32_t n = list->n;
	uint32_t cap = 4;
	while (cap < n)
		cap *= 2;
	if (n == 0 || n == cap) {
		uint32_t ncap = n == 0 ? 4 : cap * 2;
		dn_ast **items = dn_arena_alloc(arena, sizeof *items * ncap);
		if (!items)
			return DN_ENOMEM;
		if (n)
			memcpy(items, list->item, sizeof *items * n);
		list->item = items;
	}
	list->item[n] = node;
	list->n = n + 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Walk                                                                */
/* ------------------------------------------------------------------ */

typedef struct walk {
	dn_ast_walk_fn fn;
	void *ctx;
	int rc;
} walk;

static int walk_node(walk *w, dn_ast *n);

static int walk_kid(walk *w, dn_ast *parent, dn_ast *kid)
{
	if (!kid || w->rc)
		return w->rc;
	w->rc = w->fn(kid, parent, w->ctx);
	if (w->rc)
		return w->rc;
	return walk_node(w, kid);
}

static int walk_list(walk *w, dn_ast *parent, const dn_ast_list *l)
{
	for (uint32_t i = 0; i < l->n && !w->rc; i++)
		walk_kid(w, parent, l->item[i]);
	return w->rc;
}

static int walk_node(walk *w, dn_ast *n)
{
	switch (n->kind) {
	case DN_AST_STATEMENT:
		walk_kid(w, n, n->u.stmt.as_of);
		walk_kid(w, n, n->u.stmt.body);
		break;
	case DN_AST_UNION: walk_list(w, n, &n->u.uni.queries); break;
	case DN_AST_QUERY: walk_list(w, n, &n->u.query.clauses); break;
	case DN_AST_MATCH:
		walk_kid(w, n, n->u.match.pattern);
		walk_kid(w, n, n->u.match.where);
		break;
	case DN_AST_WITH:
	case DN_AST_RETURN:
		walk_list(w, n, &n->u.proj.items);
		walk_list(w, n, &n->u.proj.order);
		walk_kid(w, n, n->u.proj.skip);
		walk_kid(w, n, n->u.proj.limit);
		walk_kid(w, n, n->u.proj.where);
		break;
	case DN_AST_PROJ_ITEM:
		walk_kid(w, n, n->u.item.expr);
		walk_kid(w, n, n->u.item.alias);
		break;
	case DN_AST_SORT_ITEM: walk_kid(w, n, n->u.sort.expr); break;
	case DN_AST_UNWIND:
		walk_kid(w, n, n->u.unwind.expr);
		walk_kid(w, n, n->u.unwind.var);
		break;
	case DN_AST_CREATE: walk_kid(w, n, n->u.create.pattern); break;
	case DN_AST_MERGE:
		walk_kid(w, n, n->u.merge.path);
		walk_list(w, n, &n->u.merge.actions);
		break;
	case DN_AST_MERGE_ACTION: walk_list(w, n, &n->u.action.items); break;
	case DN_AST_SET:
	case DN_AST_REMOVE: walk_list(w, n, &n->u.set.items); break;
	case DN_AST_SET_PROP:
	case DN_AST_SET_ALL:
	case DN_AST_SET_MERGE:
	case DN_AST_SET_LABELS:
	case DN_AST_REMOVE_PROP:
	case DN_AST_REMOVE_LABELS:
		walk_kid(w, n, n->u.set_item.target);
		walk_kid(w, n, n->u.set_item.value);
		walk_list(w, n, &n->u.set_item.labels);
		break;
	case DN_AST_DELETE: walk_list(w, n, &n->u.del.exprs); break;
	case DN_AST_CALL:
		walk_kid(w, n, n->u.call.proc);
		walk_list(w, n, &n->u.call.args);
		walk_list(w, n, &n->u.call.yield);
		walk_kid(w, n, n->u.call.where);
		break;
	case DN_AST_YIELD_ITEM:
		walk_kid(w, n, n->u.yield.field);
		walk_kid(w, n, n->u.yield.alias);
		break;
	case DN_AST_CREATE_INDEX:
	case DN_AST_CREATE_CONSTRAINT:
	case DN_AST_DROP_INDEX:
	case DN_AST_DROP_CONSTRAINT:
		walk_kid(w, n, n->u.schema.name);
		walk_kid(w, n, n->u.schema.var);
		walk_kid(w, n, n->u.schema.label);
		walk_list(w, n, &n->u.schema.props);
		break;
	case DN_AST_PATTERN: walk_list(w, n, &n->u.pattern.paths); break;
	case DN_AST_PATH:
		walk_kid(w, n, n->u.path.var);
		walk_list(w, n, &n->u.path.elems);
		break;
	case DN_AST_NODE_PAT:
		walk_kid(w, n, n->u.node.var);
		walk_list(w, n, &n->u.node.labels);
		walk_kid(w, n, n->u.node.props);
		break;
	case DN_AST_REL_PAT:
		walk_kid(w, n, n->u.rel.var);
		walk_list(w, n, &n->u.rel.types);
		walk_kid(w, n, n->u.rel.props);
		break;
	case DN_AST_PROP:
		walk_kid(w, n, n->u.prop.expr);
		walk_kid(w, n, n->u.prop.key);
		break;
	case DN_AST_INDEX:
		walk_kid(w, n, n->u.index.expr);
		walk_kid(w, n, n->u.index.index);
		break;
	case DN_AST_SLICE:
		walk_kid(w, n, n->u.slice.expr);
		walk_kid(w, n, n->u.slice.from);
		walk_kid(w, n, n->u.slice.to);
		break;
	case DN_AST_HAS_LABELS:
		walk_kid(w, n, n->u.labels.expr);
		walk_list(w, n, &n->u.labels.labels);
		break;
	case DN_AST_BINOP:
		walk_kid(w, n, n->u.bin.l);
		walk_kid(w, n, n->u.bin.r);
		break;
	case DN_AST_UNOP: walk_kid(w, n, n->u.un.arg); break;
	case DN_AST_FUNC:
		walk_kid(w, n, n->u.func.name);
		walk_list(w, n, &n->u.func.args);
		break;
	case DN_AST_CASE:
		walk_kid(w, n, n->u.case_.subject);
		walk_list(w, n, &n->u.case_.alts);
		walk_kid(w, n, n->u.case_.else_);
		break;
	case DN_AST_CASE_ALT:
		walk_kid(w, n, n->u.alt.when);
		walk_kid(w, n, n->u.alt.then);
		break;
	case DN_AST_LIST: walk_list(w, n, &n->u.list.items); break;
	case DN_AST_MAP: walk_list(w, n, &n->u.map.entries); break;
	case DN_AST_MAP_ENTRY:
	case DN_AST_PROJ_PROP:
		walk_kid(w, n, n->u.entry.key);
		walk_kid(w, n, n->u.entry.value);
		break;
	case DN_AST_MAP_PROJ:
		walk_kid(w, n, n->u.mapproj.var);
		walk_list(w, n, &n->u.mapproj.items);
		break;
	case DN_AST_LIST_COMP:
	case DN_AST_QUANT:
		walk_kid(w, n, n->u.comp.var);
		walk_kid(w, n, n->u.comp.list);
		walk_kid(w, n, n->u.comp.where);
		walk_kid(w, n, n->u.comp.proj);
		break;
	case DN_AST_REDUCE:
		walk_kid(w, n, n->u.reduce.acc);
		walk_kid(w, n, n->u.reduce.init);
		walk_kid(w, n, n->u.reduce.var);
		walk_kid(w, n, n->u.reduce.list);
		walk_kid(w, n, n->u.reduce.expr);
		break;
	case DN_AST_PATTERN_COMP:
		walk_kid(w, n, n->u.pcomp.path);
		walk_kid(w, n, n->u.pcomp.where);
		walk_kid(w, n, n->u.pcomp.proj);
		break;
	case DN_AST_PATTERN_PRED: walk_kid(w, n, n->u.pred.path); break;
	case DN_AST_EXISTS_SUB: walk_kid(w, n, n->u.sub.query); break;
	default: break;
	}
	return w->rc;
}

int dn_ast_walk(dn_ast *node, dn_ast_walk_fn fn, void *ctx)
{
	walk w = {fn, ctx, 0};
	if (!node)
		return 0;
	return walk_node(&w, node);
}

/* ------------------------------------------------------------------ */
/* Dump                                                                */
/* ------------------------------------------------------------------ */

typedef struct dump {
	dn_buf *out;
	unsigned opts;
	int rc;
} dump;

static void put(dump *d, const char *s, size_t n)
{
	if (!d->rc && dn_buf_put(d->out, s, n))
		d->rc = DN_ENOMEM;
}

static void puts_(dump *d, const char *s)
{
	put(d, s, strlen(s));
}

static void putf(dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(dump *d, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(d, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void span(dump *d, const dn_ast *n)
{
	if (d->opts & DN_AST_DUMP_SPANS)
		putf(d, "@%u:%u", (unsigned)n->off, (unsigned)n->len);
}

/* Opens "(head" with the node's span. */
static void open_(dump *d, const dn_ast *n, const char *head)
{
	put(d, "(", 1);
	puts_(d, head);
	span(d, n);
}

static void close_(dump *d)
{
	put(d, ")", 1);
}

static void sp(dump *d)
{
	put(d, " ", 1);
}

/* A name, backquoted (with `` for `) unless it reads as a plain name;
 * keywords_ok for labels, types and keys, which may be reserved words. */
static void put_name(dump *d, const char *s, size_t n, bool keywords_ok)
{
	if (dn_lex_is_plain_name(s, n, keywords_ok)) {
		put(d, s, n);
		return;
	}
	put(d, "`", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`')
			put(d, "`", 1);
		put(d, s + i, 1);
	}
	put(d, "`", 1);
}

/* A dotted function or procedure name: plain when every part is. */
static void put_dotted(dump *d, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!dn_lex_is_plain_name(s + start, i - start, true)) {
			put_name(d, s, n, true);
			return;
		}
		start = i + 1;
	}
	put(d, s, n);
}

/* A parameter name: $0 and $name plain, others backquoted. */
static void put_param(dump *d, const char *s, size_t n)
{
	bool digits = n > 0;
	for (size_t i = 0; i < n; i++)
		digits = digits && s[i] >= '0' && s[i] <= '9';
	if (digits)
		put(d, s, n);
	else
		put_name(d, s, n, true);
}

static void put_string(dump *d, const char *s, size_t n)
{
	put(d, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': puts_(d, "\\\""); break;
		case '\\': puts_(d, "\\\\"); break;
		case '\n': puts_(d, "\\n"); break;
		case '\t': puts_(d, "\\t"); break;
		case '\r': puts_(d, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				putf(d, "\\x%02X", c);
			else
				put(d, s + i, 1);
		}
	}
	put(d, "\"", 1);
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Integral values below 1e15 as 500.0, others as the shortest %g text
 * that reads back as f, always with a '.' or an exponent so that it reads
 * as a float. */
static void put_float(dump *d, double f)
{
	char buf[40];
	pthread_once(&c_locale_once, c_locale_init);
	locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
	if (f == floor(f) && fabs(f) < 1e15) {
		snprintf(buf, sizeof buf, "%.1f", f);
	} else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, f);
			if (strtod(buf, NULL) == f)
				break;
		}
	}
	if (old)
		uselocale(old);
	puts_(d, buf);
	if (!strpbrk(buf, ".eni"))
		puts_(d, ".0");
}

static void dump_node(dump *d, const dn_ast *n);

static void dump_list(dump *d, const dn_ast_list *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		sp(d);
		dump_node(d, l->item[i]);
	}
}

/* " (head items...)" when the list is not empty. */
static void dump_tagged_list(dump *d, const char *head, const dn_ast_list *l)
{
	if (!l->n)
		return;
	put(d, " (", 2);
	puts_(d, head);
	dump_list(d, l);
	close_(d);
}

/* " (head e)" when e is present. */
static void dump_tagged(dump *d, const char *head, const dn_ast *e)
{
	if (!e)
		return;
	put(d, " (", 2);
	puts_(d, head);
	sp(d);
	dump_node(d, e);
	close_(d);
}

static void dump_opt(dump *d, const dn_ast *e)
{
	if (e)
		dump_node(d, e);
	else
		put(d, "_", 1);
}

static void dump_props(dump *d, const dn_ast *props)
{
	if (!props)
		return;
	put(d, " (props", 7);
	if (props->kind == DN_AST_MAP) {
		span(d, props);
		dump_list(d, &props->u.map.entries);
	} else {
		sp(d);
		dump_node(d, props);
	}
	close_(d);
}

static void dump_node(dump *d, const dn_ast *n)
{
	if (d->rc)
		return;
	if (!n) {
		put(d, "_", 1);
		return;
	}
	switch (n->kind) {
	case DN_AST_STATEMENT: {
		int opened = 0;
		if (n->u.stmt.mode != DN_STMT_RUN) {
			open_(d, n, n->u.stmt.mode == DN_STMT_EXPLAIN ? "explain" : "profile");
			sp(d);
			opened++;
		}
		if (n->u.stmt.as_of) {
			if (opened)
				puts_(d, "(as-of");
			else
				open_(d, n, "as-of");
			sp(d);
			dump_node(d, n->u.stmt.as_of);
			sp(d);
			opened++;
		}
		dump_node(d, n->u.stmt.body);
		while (opened--)
			close_(d);
		break;
	}
	case DN_AST_UNION:
		open_(d, n, n->u.uni.all ? "union-all" : "union");
		dump_list(d, &n->u.uni.queries);
		close_(d);
		break;
	case DN_AST_QUERY:
		open_(d, n, "query");
		dump_list(d, &n->u.query.clauses);
		close_(d);
		break;
	case DN_AST_MATCH:
		open_(d, n, n->u.match.optional ? "optional-match" : "match");
		sp(d);
		dump_node(d, n->u.match.pattern);
		dump_tagged(d, "where", n->u.match.where);
		close_(d);
		break;
	case DN_AST_WITH:
	case DN_AST_RETURN:
		open_(d, n, kind_names[n->kind]);
		if (n->u.proj.distinct)
			puts_(d, " distinct");
		if (n->u.proj.star)
			puts_(d, " *");
		dump_list(d, &n->u.proj.items);
		dump_tagged_list(d, "order", &n->u.proj.order);
		dump_tagged(d, "skip", n->u.proj.skip);
		dump_tagged(d, "limit", n->u.proj.limit);
		dump_tagged(d, "where", n->u.proj.where);
		close_(d);
		break;
	case DN_AST_PROJ_ITEM:
		if (!n->u.item.alias) {
			dump_node(d, n->u.item.expr);
			break;
		}
		open_(d, n, "as");
		sp(d);
		dump_node(d, n->u.item.expr);
		sp(d);
		dump_node(d, n->u.item.alias);
		close_(d);
		break;
	case DN_AST_SORT_ITEM:
		open_(d, n, n->u.sort.desc ? "desc" : "asc");
		sp(d);
		dump_node(d, n->u.sort.expr);
		close_(d);
		break;
	case DN_AST_UNWIND:
		open_(d, n, "unwind");
		sp(d);
		dump_node(d, n->u.unwind.expr);
		sp(d);
		dump_node(d, n->u.unwind.var);
		close_(d);
		break;
	case DN_AST_CREATE:
		open_(d, n, "create");
		sp(d);
		dump_node(d, n->u.create.pattern);
		close_(d);
		break;
	case DN_AST_MERGE:
		open_(d, n, "merge");
		sp(d);
		dump_node(d, n->u.merge.path);
		dump_list(d, &n->u.merge.actions);
		close_(d);
		break;
	case DN_AST_MERGE_ACTION:
		open_(d, n, n->u.action.on_create ? "on-create" : "on-match");
		dump_list(d, &n->u.action.items);
		close_(d);
		break;
	case DN_AST_SET:
	case DN_AST_REMOVE:
		open_(d, n, kind_names[n->kind]);
		dump_list(d, &n->u.set.items);
		close_(d);
		break;
	case DN_AST_SET_PROP:
	case DN_AST_SET_ALL:
	case DN_AST_SET_MERGE:
	case DN_AST_SET_LABELS:
	case DN_AST_REMOVE_PROP:
	case DN_AST_REMOVE_LABELS:
		open_(d, n, kind_names[n->kind]);
		sp(d);
		dump_node(d, n->u.set_item.target);
		if (n->u.set_item.value) {
			sp(d);
			dump_node(d, n->u.set_item.value);
		}
		dump_list(d, &n->u.set_item.labels);
		close_(d);
		break;
	case DN_AST_DELETE:
		open_(d, n, n->u.del.detach ? "detach-delete" : "delete");
		dump_list(d, &n->u.del.exprs);
		close_(d);
		break;
	case DN_AST_CALL:
		open_(d, n, "call-proc");
		sp(d);
		dump_node(d, n->u.call.proc);
		if (n->u.call.implicit_args) {
			puts_(d, " implicit");
		} else {
			puts_(d, " (args");
			dump_list(d, &n->u.call.args);
			close_(d);
		}
		if (n->u.call.has_yield) {
			puts_(d, " (yield");
			if (n->u.call.yield_star)
				puts_(d, " *");
			dump_list(d, &n->u.call.yield);
			close_(d);
		}
		dump_tagged(d, "where", n->u.call.where);
		close_(d);
		break;
	case DN_AST_YIELD_ITEM:
		if (!n->u.yield.alias) {
			dump_node(d, n->u.yield.field);
			break;
		}
		open_(d, n, "as");
		sp(d);
		dump_node(d, n->u.yield.field);
		sp(d);
		dump_node(d, n->u.yield.alias);
		close_(d);
		break;
	case DN_AST_CREATE_INDEX:
	case DN_AST_CREATE_CONSTRAINT:
		open_(d, n, kind_names[n->kind]);
		if (n->u.schema.name) {
			sp(d);
			dump_node(d, n->u.schema.name);
		}
		if (n->u.schema.if_not_exists)
			puts_(d, " if-not-exists");
		puts_(d, " (for ");
		dump_node(d, n->u.schema.var);
		sp(d);
		dump_node(d, n->u.schema.label);
		close_(d);
		dump_tagged_list(d, n->kind == DN_AST_CREATE_INDEX ? "on" : "unique",
		                 &n->u.schema.props);
		close_(d);
		break;
	case DN_AST_DROP_INDEX:
	case DN_AST_DROP_CONSTRAINT:
		open_(d, n, kind_names[n->kind]);
		sp(d);
		dump_node(d, n->u.schema.name);
		if (n->u.schema.if_exists)
			puts_(d, " if-exists");
		close_(d);
		break;
	case DN_AST_SHOW_INDEXES:
	case DN_AST_SHOW_CONSTRAINTS:
	case DN_AST_PROJ_ALL:
		if (n->kind == DN_AST_PROJ_ALL) {
			puts_(d, ".*");
			span(d, n);
			break;
		}
		open_(d, n, kind_names[n->kind]);
		close_(d);
		break;
	case DN_AST_PATTERN:
		open_(d, n, "pattern");
		dump_list(d, &n->u.pattern.paths);
		close_(d);
		break;
	case DN_AST_PATH:
		open_(d, n, n->u.path.shortest == DN_PATH_SHORTEST ? "shortest-path"
		            : n->u.path.shortest == DN_PATH_ALL_SHORTEST ? "all-shortest-paths"
		                                                          : "path");
		if (n->u.path.var) {
			sp(d);
			dump_node(d, n->u.path.var);
		}
		dump_list(d, &n->u.path.elems);
		close_(d);
		break;
	case DN_AST_NODE_PAT:
		open_(d, n, "node");
		if (n->u.node.var) {
			sp(d);
			dump_node(d, n->u.node.var);
		}
		dump_tagged_list(d, "labels", &n->u.node.labels);
		dump_props(d, n->u.node.props);
		close_(d);
		break;
	case DN_AST_REL_PAT: {
		static const char *const dirs[] = {"->", "<-", "-", "<->"};
		open_(d, n, "rel");
		sp(d);
		puts_(d, dirs[n->u.rel.dir & 3]);
		if (n->u.rel.var) {
			sp(d);
			dump_node(d, n->u.rel.var);
		}
		dump_tagged_list(d, "types", &n->u.rel.types);
		if (n->u.rel.varlen) {
			puts_(d, " (varlen ");
			if (n->u.rel.min >= 0)
				putf(d, "%lld", (long long)n->u.rel.min);
			else
				puts_(d, "_");
			if (n->u.rel.max >= 0)
				putf(d, " %lld", (long long)n->u.rel.max);
			else
				puts_(d, " _");
			close_(d);
		}
		dump_props(d, n->u.rel.props);
		close_(d);
		break;
	}
	case DN_AST_VAR:
		put_name(d, n->u.name.s, n->u.name.len, false);
		span(d, n);
		break;
	case DN_AST_NAME:
		if (memchr(n->u.name.s, '.', n->u.name.len))
			put_dotted(d, n->u.name.s, n->u.name.len);
		else
			put_name(d, n->u.name.s, n->u.name.len, true);
		span(d, n);
		break;
	case DN_AST_PARAM:
		put(d, "$", 1);
		put_param(d, n->u.name.s, n->u.name.len);
		span(d, n);
		break;
	case DN_AST_STRING:
		put_string(d, n->u.name.s, n->u.name.len);
		span(d, n);
		break;
	case DN_AST_NULL_LIT:
		puts_(d, "null");
		span(d, n);
		break;
	case DN_AST_BOOL:
		puts_(d, n->u.b ? "true" : "false");
		span(d, n);
		break;
	case DN_AST_INT:
		putf(d, "%lld", (long long)n->u.i);
		span(d, n);
		break;
	case DN_AST_FLOAT:
		put_float(d, n->u.f);
		span(d, n);
		break;
	case DN_AST_PROP:
		open_(d, n, ".");
		sp(d);
		dump_node(d, n->u.prop.expr);
		sp(d);
		dump_node(d, n->u.prop.key);
		close_(d);
		break;
	case DN_AST_INDEX:
		open_(d, n, "index");
		sp(d);
		dump_node(d, n->u.index.expr);
		sp(d);
		dump_node(d, n->u.index.index);
		close_(d);
		break;
	case DN_AST_SLICE:
		open_(d, n, "slice");
		sp(d);
		dump_node(d, n->u.slice.expr);
		sp(d);
		dump_opt(d, n->u.slice.from);
		sp(d);
		dump_opt(d, n->u.slice.to);
		close_(d);
		break;
	case DN_AST_HAS_LABELS:
		open_(d, n, "has-labels");
		sp(d);
		dump_node(d, n->u.labels.expr);
		dump_list(d, &n->u.labels.labels);
		close_(d);
		break;
	case DN_AST_BINOP:
		open_(d, n, dn_ast_op_name(n->op));
		sp(d);
		dump_node(d, n->u.bin.l);
		sp(d);
		dump_node(d, n->u.bin.r);
		close_(d);
		break;
	case DN_AST_UNOP:
		open_(d, n, dn_ast_op_name(n->op));
		sp(d);
		dump_node(d, n->u.un.arg);
		close_(d);
		break;
	case DN_AST_FUNC:
		open_(d, n, "call");
		sp(d);
		dump_node(d, n->u.func.name);
		if (n->u.func.distinct)
			puts_(d, " distinct");
		if (n->u.func.star)
			puts_(d, " *");
		dump_list(d, &n->u.func.args);
		close_(d);
		break;
	case DN_AST_CASE:
		open_(d, n, "case");
		if (n->u.case_.subject) {
			sp(d);
			dump_node(d, n->u.case_.subject);
		}
		dump_list(d, &n->u.case_.alts);
		dump_tagged(d, "else", n->u.case_.else_);
		close_(d);
		break;
	case DN_AST_CASE_ALT:
		open_(d, n, "when");
		sp(d);
		dump_node(d, n->u.alt.when);
		sp(d);
		dump_node(d, n->u.alt.then);
		close_(d);
		break;
	case DN_AST_LIST:
		open_(d, n, "list");
		dump_list(d, &n->u.list.items);
		close_(d);
		break;
	case DN_AST_MAP:
		open_(d, n, "map");
		dump_list(d, &n->u.map.entries);
		close_(d);
		break;
	case DN_AST_MAP_ENTRY:
		put(d, "(", 1);
		dump_node(d, n->u.entry.key);
		span(d, n);
		sp(d);
		dump_node(d, n->u.entry.value);
		close_(d);
		break;
	case DN_AST_PROJ_PROP:
		put(d, ".", 1);
		dump_node(d, n->u.entry.key);
		break;
	case DN_AST_MAP_PROJ:
		open_(d, n, "map-proj");
		sp(d);
		dump_node(d, n->u.mapproj.var);
		dump_list(d, &n->u.mapproj.items);
		close_(d);
		break;
	case DN_AST_LIST_COMP:
	case DN_AST_QUANT:
		open_(d, n, n->kind == DN_AST_QUANT ? dn_ast_op_name(n->op) : "list-comp");
		sp(d);
		dump_node(d, n->u.comp.var);
		sp(d);
		dump_node(d, n->u.comp.list);
		dump_tagged(d, "where", n->u.comp.where);
		dump_tagged(d, "proj", n->u.comp.proj);
		close_(d);
		break;
	case DN_AST_REDUCE:
		open_(d, n, "reduce");
		sp(d);
		dump_node(d, n->u.reduce.acc);
		sp(d);
		dump_node(d, n->u.reduce.init);
		sp(d);
		dump_node(d, n->u.reduce.var);
		sp(d);
		dump_node(d, n->u.reduce.list);
		sp(d);
		dump_node(d, n->u.reduce.expr);
		close_(d);
		break;
	case DN_AST_PATTERN_COMP:
		open_(d, n, "pattern-comp");
		sp(d);
		dump_node(d, n->u.pcomp.path);
		dump_tagged(d, "where", n->u.pcomp.where);
		dump_tagged(d, "proj", n->u.pcomp.proj);
		close_(d);
		break;
	case DN_AST_PATTERN_PRED:
		open_(d, n, "pattern-pred");
		sp(d);
		dump_node(d, n->u.pred.path);
		close_(d);
		break;
	case DN_AST_EXISTS_SUB:
		open_(d, n, "exists");
		sp(d);
		dump_node(d, n->u.sub.query);
		close_(d);
		break;
	default:
		putf(d, "(?%d)", n->kind);
		break;
	}
}

int dn_ast_dump(const dn_ast *node, dn_buf *out, unsigned opts)
{
	dump d = {out, opts, 0};
	dump_node(&d, node);
	if (!d.rc && dn_buf_reserve(out, 1))
		d.rc = DN_ENOMEM;
	if (!d.rc)
		out->p[out->len] = '\0';
	return d.rc;
}
