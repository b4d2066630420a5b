/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.c — the second stage of the query pipeline: a recursive-descent
 * parser over the lexer's tokens that builds the syntax tree (ast.h) of one
 * statement, with the span of every node and a positioned error for the
 * first thing that does not parse. This file holds the parser's shared
 * machinery, statements, clauses and schema commands; patterns are in
 * parser_pattern.c and expressions in parser_expr.c.
 *
 * The grammar (keywords are case-insensitive):
 *   statement   [EXPLAIN | PROFILE] [AS OF expr] (query | schema) [';']
 *   query       single (UNION [ALL] single)*   -- UNION and UNION ALL
 *                                                 cannot be mixed
 *   single      clause+                        -- RETURN only last
 *   clause      [OPTIONAL] MATCH pattern [WHERE expr]
 *             | WITH projection [WHERE expr] | RETURN projection
 *             | UNWIND expr AS var | CREATE pattern
 *             | MERGE path (ON (CREATE | MATCH) SET item, ...)*
 *             | SET item, ... | REMOVE item, ... | [DETACH] DELETE expr, ...
 *             | CALL name ['(' expr, ... ')']
 *                 [YIELD ('*' | field [AS var], ... [WHERE expr])]
 *   projection  [DISTINCT] ('*' [, item...] | item, ...) [ORDER BY expr
 *               [ASC|ASCENDING|DESC|DESCENDING], ...] [SKIP expr] [LIMIT expr]
 *   set item    expr.key = expr | var = expr | var += expr | var:L1:L2
 *   remove item expr.key | var:L1:L2
 *   schema      CREATE [RANGE] INDEX [name] [IF NOT EXISTS] FOR (v:L)
 *                 ON (v.k, ...)
 *             | CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (v:L)
 *                 REQUIRE v.k IS UNIQUE | REQUIRE (v.k, ...) IS UNIQUE
 *             | DROP (INDEX | CONSTRAINT) name [IF EXISTS]
 *             | SHOW [ALL | RANGE] (INDEX | INDEXES)
 *             | SHOW [ALL] (CONSTRAINT | CONSTRAINTS)
 * Rejected by name with DN_ENOTSUP: FOREACH, LOAD CSV, USE, FINISH, CALL
 * { } subqueries, USING hints and PERIODIC COMMIT, other CREATE/DROP/SHOW
 * commands (databases, users, TEXT indexes, ...), old-style schema syntax
 * (CREATE INDEX ON :L(k), ASSERT), constraints other than UNIQUE.
 *
 * After the grammar, one check the grammar cannot express: a pattern used
 * as an expression (a pattern predicate) may stand only where a predicate
 * does — a WHERE, a CASE WHEN, an operand of NOT/AND/OR/XOR, or the
 * argument of exists() — as in openCypher ("UnexpectedSyntax" elsewhere,
 * e.g. `RETURN (n)-->()` or `size((n)-->())`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser_internal.h"

/* ------------------------------------------------------------------ */
/* Positions and error reporting                                       */
/* ------------------------------------------------------------------ */

void dn_text_position(const char *text, size_t len, size_t off, int *line, int *column)
{
	int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off;) {
		if (text[i] == '\n') {
			l++, c = 1, i++;
			continue;
		}
		uint32_t cp;
		size_t n = dn_utf8_decode((const uint8_t *)text + i, off - i, &cp);
		i += n ? n : 1;
		c++;
	}
	*line = l;
	*column = c;
}

int dn_parse_error_set(dn_parse_error *err, const char *text, size_t len, int code,
                       size_t off, size_t span, const char *tck, const char *fmt, ...)
{
	if (!err || err->code)
		return err ? err->code : code;
	err->code = code;
	err->offset = off > len ? len : off;
	err->length = span;
	err->line = err->column = 1;
	if (text)
		dn_text_position(text, len, err->offset, &err->line, &err->column);
	snprintf(err->tck_code, sizeof err->tck_code, "%s", tck ? tck : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}

void *dn_parser_error(dn_parser *p, int code, size_t off, size_t len, const char *tck,
                      const char *fmt, ...)
{
	if (p->rc)
		return NULL;
	p->rc = code;
	if (p->err->code)
		return NULL;
	p->err->code = code;
	p->err->offset = off > p->len ? p->len : off;
	p->err->length = len;
	dn_text_position(p->text, p->len, p->err->offset, &p->err->line, &p->err->column);
	snprintf(p->err->tck_code, sizeof p->err->tck_code, "%s", tck ? tck : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
	va_end(ap);
	return NULL;
}

void *dn_parser_oom(dn_parser *p)
{
	if (!p->rc)
		p->rc = DN_ENOMEM;
	if (!p->err->code) {
		p->err->code = DN_ENOMEM;
		p->err->line = p->err->column = 1;
		snprintf(p->err->message, sizeof p->err->message, "out of memory");
	}
	return NULL;
}

const char *dn_parser_tok_desc(const dn_parser *p, const dn_token *t, char *buf, size_t cap)
{
	if (t->kind == DN_TOK_EOF) {
		snprintf(buf, cap, "end of input");
		return buf;
	}
	size_t n = t->len, max = 32;
	const char *s = p->text + t->off;
	bool cut = false;
	if (n > max) {
		n = max;
		while (n > 0 && ((uint8_t)s[n] & 0xC0) == 0x80)
			n--; /* do not cut a UTF-8 sequence */
		cut = true;
	}
	char tmp[40];
	for (size_t i = 0; i < n; i++)
		tmp[i] = ((uint8_t)s[i] < 0x20) ? ' ' : s[i];
	if (t->kind == DN_TOK_STRING)
		snprintf(buf, cap, "the string %.*s%s", (int)n, tmp, cut ? "..." : "");
	else
		snprintf(buf, cap, "'%.*s%s'", (int)n, tmp, cut ? "..." : "");
	return buf;
}

/* Reports the lexer's error for an error token. */
static void *parser_lex_error(dn_parser *p)
{
	return dn_parser_error(p, DN_ESYNTAX, p->lx.err_off, p->lx.err_len,
	                       p->lx.err_tck, "%s", p->lx.err_msg);
}

void *dn_parser_expected(dn_parser *p, const char *what)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_ERROR)
		return parser_lex_error(p);
	char desc[64];
	dn_parser_tok_desc(p, t, desc, sizeof desc);
	if (t->kind == DN_TOK_IDENT && dn_lex_keyword_reserved(t->kw) && !strcmp(what, "a variable name"))
		return dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "UnexpectedSyntax",
		                       "expected a variable name but found %s, a reserved word "
		                       "(write `%.*s` to use it as a name)",
		                       desc, (int)t->len, p->text + t->off);
	return dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "UnexpectedSyntax",
	                       "expected %s but found %s", what, desc);
}

void *dn_parser_notsup(dn_parser *p, size_t off, const char *what)
{
	const dn_token *t = dn_parser_peek(p);
	size_t end = t->off + t->len;
	return dn_parser_error(p, DN_ENOTSUP, off, end > off ? end - off : 1, "",
	                       "not supported: %s", what);
}

bool dn_parser_accept(dn_parser *p, int kind)
{
	if (dn_parser_peek(p)->kind != kind)
		return false;
	dn_parser_next(p);
	return true;
}

bool dn_parser_accept_kw(dn_parser *p, int kw)
{
	if (!dn_tok_is_kw(dn_parser_peek(p), kw))
		return false;
	dn_parser_next(p);
	return true;
}

bool dn_parser_expect(dn_parser *p, int kind)
{
	if (dn_parser_accept(p, kind))
		return true;
	dn_parser_expected(p, dn_lex_kind_name(kind));
	return false;
}

bool dn_parser_expect_kw(dn_parser *p, int kw)
{
	if (dn_parser_accept_kw(p, kw))
		return true;
	char what[40];
	snprintf(what, sizeof what, "%s", dn_lex_keyword_name(kw));
	dn_parser_expected(p, what);
	return false;
}

bool dn_parser_enter(dn_parser *p)
{
	p->nest++;
	p->depth++;
	if (p->nest > DN_PARSE_MAX_DEPTH || p->depth > DN_PARSE_MAX_TREE) {
		const dn_token *t = dn_parser_peek(p);
		dn_parser_error(p, DN_ELIMIT, t->off, t->len, "",
		                "query nests too deeply (more than %d levels)",
		                p->nest > DN_PARSE_MAX_DEPTH ? DN_PARSE_MAX_DEPTH : DN_PARSE_MAX_TREE);
		return false;
	}
	return true;
}

bool dn_parser_deepen(dn_parser *p)
{
	if (++p->depth > DN_PARSE_MAX_TREE) {
		const dn_token *t = dn_parser_peek(p);
		dn_parser_error(p, DN_ELIMIT, t->off, t->len, "",
		                "expression too long: operator chains deeper than %d levels",
		                DN_PARSE_MAX_TREE);
		return false;
	}
	return true;
}

dn_ast *dn_parser_node(dn_parser *p, int kind, uint32_t off)
{
	dn_ast *n = dn_ast_new(p->arena, kind, off, 0);
	if (!n)
		return dn_parser_oom(p);
	return n;
}

bool dn_parser_push(dn_parser *p, dn_ast_list *l, dn_ast *n)
{
	if (dn_ast_list_push(p->arena, l, n)) {
		dn_parser_oom(p);
		return false;
	}
	return true;
}

dn_ast *dn_parser_name_node(dn_parser *p, int kind, const dn_token *t)
{
	dn_ast *n = dn_ast_new(p->arena, kind, t->off, t->len);
	char *s = dn_arena_alloc(p->arena, (size_t)t->v.str.n + 1);
	if (!n || !s)
		return dn_parser_oom(p);
	if (t->v.str.n)
		memcpy(s, t->v.str.s, t->v.str.n);
	s[t->v.str.n] = '\0';
	n->u.name.s = s;
	n->u.name.len = t->v.str.n;
	return n;
}

bool dn_parser_at_var(const dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	return t->kind == DN_TOK_IDENT && !dn_lex_keyword_reserved(t->kw);
}

dn_ast *dn_parse_var(dn_parser *p, const char *what)
{
	if (!dn_parser_at_var(p))
		return dn_parser_expected(p, what ? what : "a variable name");
	return dn_parser_name_node(p, DN_AST_VAR, dn_parser_next(p));
}

dn_ast *dn_parse_name(dn_parser *p, const char *what)
{
	if (dn_parser_peek(p)->kind != DN_TOK_IDENT)
		return dn_parser_expected(p, what);
	return dn_parser_name_node(p, DN_AST_NAME, dn_parser_next(p));
}

/* A dotted name (procedure): ident ('.' ident)*, joined with '.'. */
static dn_ast *parse_dotted_name(dn_parser *p, const char *what)
{
	const dn_token *first = dn_parser_peek(p);
	if (first->kind != DN_TOK_IDENT)
		return dn_parser_expected(p, what);
	dn_buf b = {0};
	int rc = 0;
	for (;;) {
		const dn_token *t = dn_parser_next(p);
		rc |= dn_buf_put(&b, t->v.str.s, t->v.str.n);
		if (dn_parser_peek(p)->kind != DN_TOK_DOT ||
		    dn_parser_peek_at(p, 1)->kind != DN_TOK_IDENT)
			break;
		dn_parser_next(p);
		rc |= dn_buf_put(&b, ".", 1);
	}
	dn_ast *n = NULL;
	char *s = rc ? NULL : dn_arena_alloc(p->arena, b.len + 1);
	if (s)
		n = dn_ast_new(p->arena, DN_AST_NAME, first->off, p->last_end - first->off);
	if (!n) {
		dn_buf_free(&b);
		return dn_parser_oom(p);
	}
	if (b.len)
		memcpy(s, b.p, b.len);
	s[b.len] = '\0';
	n->u.name.s = s;
	n->u.name.len = (uint32_t)b.len;
	dn_buf_free(&b);
	return n;
}

/* ------------------------------------------------------------------ */
/* Clauses                                                             */
/* ------------------------------------------------------------------ */

/* WHERE expr, if present. NULL (without error) when absent. */
static dn_ast *parse_opt_where(dn_parser *p)
{
	if (!dn_parser_accept_kw(p, DN_KW_WHERE))
		return NULL;
	return dn_parse_expr(p);
}

static dn_ast *parse_match(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	dn_ast *n = dn_parser_node(p, DN_AST_MATCH, t->off);
	if (!n)
		return NULL;
	if (dn_parser_accept_kw(p, DN_KW_OPTIONAL)) {
		n->u.match.optional = true;
		if (!dn_parser_expect_kw(p, DN_KW_MATCH))
			return NULL;
	} else {
		dn_parser_next(p);
	}
	n->u.match.pattern = dn_parse_pattern(p);
	if (!n->u.match.pattern)
		return NULL;
	if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_USING))
		return dn_parser_notsup(p, dn_parser_peek(p)->off, "USING hints");
	n->u.match.where = parse_opt_where(p);
	if (p->rc)
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* expr [AS var] */
static dn_ast *parse_proj_item(dn_parser *p)
{
	uint32_t off = dn_parser_peek(p)->off;
	dn_ast *e = dn_parse_expr(p);
	if (!e)
		return NULL;
	dn_ast *n = dn_parser_node(p, DN_AST_PROJ_ITEM, off);
	if (!n)
		return NULL;
	n->u.item.expr = e;
	if (dn_parser_accept_kw(p, DN_KW_AS)) {
		n->u.item.alias = dn_parse_var(p, "a variable name");
		if (!n->u.item.alias)
			return NULL;
	}
	dn_parser_close(p, n);
	return n;
}

static bool parse_sort_items(dn_parser *p, dn_ast_list *order)
{
	do {
		uint32_t off = dn_parser_peek(p)->off;
		dn_ast *e = dn_parse_expr(p);
		if (!e)
			return false;
		dn_ast *s = dn_parser_node(p, DN_AST_SORT_ITEM, off);
		if (!s)
			return false;
		s->u.sort.expr = e;
		if (dn_parser_accept_kw(p, DN_KW_DESC) || dn_parser_accept_kw(p, DN_KW_DESCENDING))
			s->u.sort.desc = true;
		else if (!dn_parser_accept_kw(p, DN_KW_ASC))
			dn_parser_accept_kw(p, DN_KW_ASCENDING);
		dn_parser_close(p, s);
		if (!dn_parser_push(p, order, s))
			return false;
	} while (dn_parser_accept(p, DN_TOK_COMMA));
	return true;
}

/* WITH / RETURN: the projection body, and WITH's WHERE. */
static dn_ast *parse_projection(dn_parser *p, int kind)
{
	const dn_token *t = dn_parser_next(p);
	dn_ast *n = dn_parser_node(p, kind, t->off);
	if (!n)
		return NULL;
	n->u.proj.distinct = dn_parser_accept_kw(p, DN_KW_DISTINCT);
	bool need_item = true;
	if (dn_parser_accept(p, DN_TOK_STAR)) {
		n->u.proj.star = true;
		need_item = dn_parser_accept(p, DN_TOK_COMMA);
	}
	if (need_item) {
		do {
			dn_ast *it = parse_proj_item(p);
			if (!it || !dn_parser_push(p, &n->u.proj.items, it))
				return NULL;
		} while (dn_parser_accept(p, DN_TOK_COMMA));
	}
	if (dn_parser_accept_kw(p, DN_KW_ORDER)) {
		if (!dn_parser_expect_kw(p, DN_KW_BY) || !parse_sort_items(p, &n->u.proj.order))
			return NULL;
	}
	if (dn_parser_accept_kw(p, DN_KW_SKIP)) {
		n->u.proj.skip = dn_parse_expr(p);
		if (!n->u.proj.skip)
			return NULL;
	}
	if (dn_parser_accept_kw(p, DN_KW_LIMIT)) {
		n->u.proj.limit = dn_parse_expr(p);
		if (!n->u.proj.limit)
			return NULL;
	}
	if (kind == DN_AST_WITH) {
		n->u.proj.where = parse_opt_where(p);
		if (p->rc)
			return NULL;
	}
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_unwind(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_UNWIND, dn_parser_next(p)->off);
	if (!n || !(n->u.unwind.expr = dn_parse_expr(p)))
		return NULL;
	if (!dn_parser_expect_kw(p, DN_KW_AS))
		return NULL;
	if (!(n->u.unwind.var = dn_parse_var(p, NULL)))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* One SET item (remove: one REMOVE item). */
static dn_ast *parse_set_item(dn_parser *p, bool remove)
{
	uint32_t off = dn_parser_peek(p)->off;
	dn_ast *target = dn_parse_postfix(p);
	if (!target)
		return NULL;
	dn_ast *n;
	if (target->kind == DN_AST_HAS_LABELS && target->u.labels.expr->kind == DN_AST_VAR) {
		n = dn_parser_node(p, remove ? DN_AST_REMOVE_LABELS : DN_AST_SET_LABELS, off);
		if (!n)
			return NULL;
		n->u.set_item.target = target->u.labels.expr;
		n->u.set_item.labels = target->u.labels.labels;
		dn_parser_close(p, n);
		return n;
	}
	if (target->kind == DN_AST_PROP) {
		n = dn_parser_node(p, remove ? DN_AST_REMOVE_PROP : DN_AST_SET_PROP, off);
		if (!n)
			return NULL;
		n->u.set_item.target = target;
		if (!remove) {
			if (!dn_parser_expect(p, DN_TOK_EQ) || !(n->u.set_item.value = dn_parse_expr(p)))
				return NULL;
		}
		dn_parser_close(p, n);
		return n;
	}
	if (target->kind == DN_AST_VAR && !remove) {
		int kind;
		if (dn_parser_accept(p, DN_TOK_EQ))
			kind = DN_AST_SET_ALL;
		else if (dn_parser_accept(p, DN_TOK_PLUSEQ))
			kind = DN_AST_SET_MERGE;
		else
			return dn_parser_expected(p, "'=', '+=' or ':' after the variable");
		n = dn_parser_node(p, kind, off);
		if (!n)
			return NULL;
		n->u.set_item.target = target;
		if (!(n->u.set_item.value = dn_parse_expr(p)))
			return NULL;
		dn_parser_close(p, n);
		return n;
	}
	if (target->kind == DN_AST_VAR)
		return dn_parser_expected(p, "'.' and a property key, or ':' and a label, after the variable");
	return dn_parser_error(p, DN_ESYNTAX, target->off, target->len, "UnexpectedSyntax",
	                       remove ? "expected a property (n.key) or labels (n:Label) to REMOVE"
	                              : "expected a property (n.key), a variable or labels "
	                                "(n:Label) to SET");
}

static bool parse_set_items(dn_parser *p, dn_ast_list *items, bool remove)
{
	do {
		dn_ast *it = parse_set_item(p, remove);
		if (!it || !dn_parser_push(p, items, it))
			return false;
	} while (dn_parser_accept(p, DN_TOK_COMMA));
	return true;
}

static dn_ast *parse_set(dn_parser *p, int kind)
{
	dn_ast *n = dn_parser_node(p, kind, dn_parser_next(p)->off);
	if (!n || !parse_set_items(p, &n->u.set.items, kind == DN_AST_REMOVE))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_merge(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_MERGE, dn_parser_next(p)->off);
	if (!n || !(n->u.merge.path = dn_parse_path(p)))
		return NULL;
	while (dn_tok_is_kw(dn_parser_peek(p), DN_KW_ON)) {
		dn_ast *a = dn_parser_node(p, DN_AST_MERGE_ACTION, dn_parser_next(p)->off);
		if (!a)
			return NULL;
		if (dn_parser_accept_kw(p, DN_KW_CREATE))
			a->u.action.on_create = true;
		else if (!dn_parser_accept_kw(p, DN_KW_MATCH))
			return dn_parser_expected(p, "CREATE or MATCH after ON");
		if (!dn_parser_expect_kw(p, DN_KW_SET) || !parse_set_items(p, &a->u.action.items, false))
			return NULL;
		dn_parser_close(p, a);
		if (!dn_parser_push(p, &n->u.merge.actions, a))
			return NULL;
	}
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_delete(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_DELETE, dn_parser_peek(p)->off);
	if (!n)
		return NULL;
	if (dn_parser_accept_kw(p, DN_KW_DETACH)) {
		n->u.del.detach = true;
		if (!dn_parser_expect_kw(p, DN_KW_DELETE))
			return NULL;
	} else {
		dn_parser_next(p);
	}
	do {
		dn_ast *e = dn_parse_expr(p);
		if (!e || !dn_parser_push(p, &n->u.del.exprs, e))
			return NULL;
	} while (dn_parser_accept(p, DN_TOK_COMMA));
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_call(dn_parser *p)
{
	const dn_token *kw = dn_parser_next(p);
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_LBRACE || t->kind == DN_TOK_LPAREN)
		return dn_parser_notsup(p, kw->off, "CALL { } subqueries");
	dn_ast *n = dn_parser_node(p, DN_AST_CALL, kw->off);
	if (!n || !(n->u.call.proc = parse_dotted_name(p, "a procedure name")))
		return NULL;
	if (dn_parser_accept(p, DN_TOK_LPAREN)) {
		if (!dn_parser_accept(p, DN_TOK_RPAREN)) {
			do {
				dn_ast *e = dn_parse_expr(p);
				if (!e || !dn_parser_push(p, &n->u.call.args, e))
					return NULL;
			} while (dn_parser_accept(p, DN_TOK_COMMA));
			if (!dn_parser_expect(p, DN_TOK_RPAREN))
				return NULL;
		}
	} else {
		n->u.call.implicit_args = true;
	}
	if (dn_parser_accept_kw(p, DN_KW_YIELD)) {
		n->u.call.has_yield = true;
		if (dn_parser_accept(p, DN_TOK_STAR)) {
			n->u.call.yield_star = true;
		} else {
			do {
				uint32_t off = dn_parser_peek(p)->off;
				dn_ast *y = dn_parser_node(p, DN_AST_YIELD_ITEM, off);
				if (!y || !(y->u.yield.field = dn_parse_name(p, "a procedure output name")))
					return NULL;
				if (dn_parser_accept_kw(p, DN_KW_AS) &&
				    !(y->u.yield.alias = dn_parse_var(p, NULL)))
					return NULL;
				dn_parser_close(p, y);
				if (!dn_parser_push(p, &n->u.call.yield, y))
					return NULL;
			} while (dn_parser_accept(p, DN_TOK_COMMA));
			n->u.call.where = parse_opt_where(p);
			if (p->rc)
				return NULL;
		}
	}
	dn_parser_close(p, n);
	return n;
}

/* A clause keyword outside the subset, rejected by name (NULL if t is not
 * one). */
static const char *unsupported_clause(const dn_parser *p, const dn_token *t)
{
	if (t->kind != DN_TOK_IDENT || (t->flags & DN_TOKF_QUOTED))
		return NULL;
	switch (t->kw) {
	case DN_KW_FOREACH: return "FOREACH";
	case DN_KW_LOAD:
		return dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_CSV) ? "LOAD CSV" : "LOAD";
	case DN_KW_USE: return "USE (graph selection)";
	case DN_KW_FINISH: return "FINISH";
	case DN_KW_USING: return "USING PERIODIC COMMIT";
	default: return NULL;
	}
}

static bool at_schema_create(const dn_parser *p)
{
	const dn_token *t1 = dn_parser_peek_at(p, 1);
	return dn_tok_is_kw(dn_parser_peek(p), DN_KW_CREATE) && t1->kind == DN_TOK_IDENT &&
	       dn_parser_peek_at(p, 2)->kind != DN_TOK_EQ;
}

/* One clause, at a clause keyword. */
static dn_ast *parse_clause(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	const char *ns = unsupported_clause(p, t);
	if (ns)
		return dn_parser_notsup(p, t->off, ns);
	if (t->kind == DN_TOK_IDENT && !(t->flags & DN_TOKF_QUOTED)) {
		switch (t->kw) {
		case DN_KW_MATCH:
		case DN_KW_OPTIONAL: return parse_match(p);
		case DN_KW_WITH: return parse_projection(p, DN_AST_WITH);
		case DN_KW_RETURN: return parse_projection(p, DN_AST_RETURN);
		case DN_KW_UNWIND: return parse_unwind(p);
		case DN_KW_CREATE: {
			if (at_schema_create(p))
				return dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "InvalidClauseComposition",
				                       "CREATE %.*s must be a statement of its own",
				                       (int)dn_parser_peek_at(p, 1)->len,
				                       p->text + dn_parser_peek_at(p, 1)->off);
			dn_ast *n = dn_parser_node(p, DN_AST_CREATE, dn_parser_next(p)->off);
			if (!n || !(n->u.create.pattern = dn_parse_pattern(p)))
				return NULL;
			dn_parser_close(p, n);
			return n;
		}
		case DN_KW_MERGE: return parse_merge(p);
		case DN_KW_SET: return parse_set(p, DN_AST_SET);
		case DN_KW_REMOVE: return parse_set(p, DN_AST_REMOVE);
		case DN_KW_DELETE:
		case DN_KW_DETACH: return parse_delete(p);
		case DN_KW_CALL: return parse_call(p);
		default: break;
		}
	}
	return dn_parser_expected(p, "a clause (MATCH, WITH, RETURN, CREATE, ...)");
}

static bool at_query_end(const dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	return t->kind == DN_TOK_EOF || t->kind == DN_TOK_SEMI || dn_tok_is_kw(t, DN_KW_UNION) ||
	       (p->subq && t->kind == DN_TOK_RBRACE);
}

/* One single query: clauses up to UNION, ';' or the end. */
static dn_ast *parse_single(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	dn_ast *q = dn_parser_node(p, DN_AST_QUERY, t->off);
	if (!q)
		return NULL;
	if (at_query_end(p))
		return dn_parser_expected(p, "a clause (MATCH, WITH, RETURN, CREATE, ...)");
	const dn_ast *star_call = NULL;
	while (!at_query_end(p)) {
		dn_ast *c = parse_clause(p);
		if (!c || !dn_parser_push(p, &q->u.query.clauses, c))
			return NULL;
		if (c->kind == DN_AST_CALL && c->u.call.yield_star)
			star_call = c;
		if (c->kind == DN_AST_RETURN && !at_query_end(p))
			return dn_parser_expected(p, "UNION or the end of the query after RETURN");
	}
	if (star_call && q->u.query.clauses.n > 1)
		return dn_parser_error(p, DN_ESYNTAX, star_call->off, star_call->len, "UnexpectedSyntax",
		                       "YIELD * is allowed only in a CALL that is the whole query");
	dn_parser_close(p, q);
	return q;
}

dn_ast *dn_parse_subquery(dn_parser *p)
{
	p->subq++;
	dn_ast *q = parse_single(p);
	p->subq--;
	for (uint32_t i = 0; q && i < q->u.query.clauses.n; i++) {
		const dn_ast *c = q->u.query.clauses.item[i];
		if (c->kind != DN_AST_MATCH && c->kind != DN_AST_WITH && c->kind != DN_AST_RETURN &&
		    c->kind != DN_AST_UNWIND)
			return dn_parser_error(p, DN_ESYNTAX, c->off, c->len, "InvalidClauseComposition",
			                       "an EXISTS subquery only reads: %s is not allowed in it",
			                       dn_ast_kind_name(c->kind));
	}
	return q;
}

/* single (UNION [ALL] single)* */
static dn_ast *parse_union(dn_parser *p)
{
	uint32_t off = dn_parser_peek(p)->off;
	dn_ast *first = parse_single(p);
	if (!first)
		return NULL;
	if (!dn_tok_is_kw(dn_parser_peek(p), DN_KW_UNION))
		return first;
	dn_ast *u = dn_parser_node(p, DN_AST_UNION, off);
	if (!u || !dn_parser_push(p, &u->u.uni.queries, first))
		return NULL;
	int all = -1;
	while (dn_tok_is_kw(dn_parser_peek(p), DN_KW_UNION)) {
		const dn_token *ut = dn_parser_next(p);
		uint32_t uoff = ut->off;
		bool is_all = dn_parser_accept_kw(p, DN_KW_ALL);
		if (all >= 0 && is_all != (all == 1))
			return dn_parser_error(p, DN_ESYNTAX, uoff, p->last_end - uoff,
			                       "InvalidClauseComposition",
			                       "UNION and UNION ALL cannot be mixed in one query");
		all = is_all;
		dn_ast *q = parse_single(p);
		if (!q || !dn_parser_push(p, &u->u.uni.queries, q))
			return NULL;
	}
	u->u.uni.all = all == 1;
	dn_parser_close(p, u);
	return u;
}

/* ------------------------------------------------------------------ */
/* Schema commands                                                     */
/* ------------------------------------------------------------------ */

/* [name] [IF NOT EXISTS] before FOR */
static bool parse_schema_name(dn_parser *p, dn_ast *n)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_IDENT && !dn_tok_is_kw(t, DN_KW_FOR) && !dn_tok_is_kw(t, DN_KW_ON) &&
	    !(dn_tok_is_kw(t, DN_KW_IF) && dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_NOT))) {
		if (!(n->u.schema.name = dn_parse_name(p, "a name")))
			return false;
	}
	if (dn_parser_accept_kw(p, DN_KW_IF)) {
		if (!dn_parser_expect_kw(p, DN_KW_NOT) || !dn_parser_expect_kw(p, DN_KW_EXISTS))
			return false;
		n->u.schema.if_not_exists = true;
	}
	return true;
}

/* FOR (v:Label) */
static bool parse_schema_for(dn_parser *p, dn_ast *n, const char *what)
{
	const dn_token *t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_ON) || dn_tok_is_kw(t, DN_KW_ASSERT)) {
		char msg[96];
		snprintf(msg, sizeof msg, "this old %s syntax; write %s", what,
		         !strcmp(what, "index") ? "CREATE INDEX FOR (n:Label) ON (n.key)"
		                                : "CREATE CONSTRAINT FOR (n:Label) REQUIRE n.key IS UNIQUE");
		return dn_parser_notsup(p, t->off, msg) != NULL;
	}
	if (!dn_parser_expect_kw(p, DN_KW_FOR))
		return false;
	if (dn_parser_peek(p)->kind == DN_TOK_LPAREN && dn_parser_at_rel_pattern(p, 0)) {
		char msg[64];
		snprintf(msg, sizeof msg, "relationship %s", !strcmp(what, "index") ? "indexes" : "constraints");
		return dn_parser_notsup(p, dn_parser_peek(p)->off, msg) != NULL;
	}
	if (!dn_parser_expect(p, DN_TOK_LPAREN) || !(n->u.schema.var = dn_parse_var(p, NULL)) ||
	    !dn_parser_expect(p, DN_TOK_COLON) || !(n->u.schema.label = dn_parse_name(p, "a label name")))
		return false;
	if (dn_parser_peek(p)->kind == DN_TOK_COLON) {
		dn_parser_notsup(p, dn_parser_peek(p)->off, "a schema command over several labels");
		return false;
	}
	return dn_parser_expect(p, DN_TOK_RPAREN);
}

/* A property v.key of the schema variable. */
static dn_ast *parse_schema_prop(dn_parser *p)
{
	uint32_t off = dn_parser_peek(p)->off;
	dn_ast *v = dn_parse_var(p, NULL);
	if (!v || !dn_parser_expect(p, DN_TOK_DOT))
		return NULL;
	dn_ast *n = dn_parser_node(p, DN_AST_PROP, off);
	if (!n || !(n->u.prop.key = dn_parse_name(p, "a property key")))
		return NULL;
	n->u.prop.expr = v;
	dn_parser_close(p, n);
	return n;
}

/* v.k or (v.k, ...) */
static bool parse_schema_props(dn_parser *p, dn_ast *n, bool parens_required)
{
	bool paren = dn_parser_accept(p, DN_TOK_LPAREN);
	if (!paren && parens_required)
		return dn_parser_expect(p, DN_TOK_LPAREN);
	do {
		dn_ast *pr = parse_schema_prop(p);
		if (!pr || !dn_parser_push(p, &n->u.schema.props, pr))
			return false;
	} while (paren && dn_parser_accept(p, DN_TOK_COMMA));
	return !paren || dn_parser_expect(p, DN_TOK_RPAREN);
}

static dn_ast *parse_create_schema(dn_parser *p)
{
	const dn_token *c = dn_parser_next(p); /* CREATE */
	const dn_token *t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_RANGE) && dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_INDEX))
		dn_parser_next(p), t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_INDEX)) {
		dn_ast *n = dn_parser_node(p, DN_AST_CREATE_INDEX, c->off);
		dn_parser_next(p);
		if (!n || !parse_schema_name(p, n) || !parse_schema_for(p, n, "index") ||
		    !dn_parser_expect_kw(p, DN_KW_ON) || !parse_schema_props(p, n, true))
			return NULL;
		if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_OPTIONS))
			return dn_parser_notsup(p, dn_parser_peek(p)->off, "OPTIONS in schema commands");
		dn_parser_close(p, n);
		return n;
	}
	if (dn_tok_is_kw(t, DN_KW_CONSTRAINT)) {
		dn_ast *n = dn_parser_node(p, DN_AST_CREATE_CONSTRAINT, c->off);
		dn_parser_next(p);
		if (!n || !parse_schema_name(p, n) || !parse_schema_for(p, n, "constraint") ||
		    !dn_parser_expect_kw(p, DN_KW_REQUIRE) || !parse_schema_props(p, n, false))
			return NULL;
		const dn_token *is = dn_parser_peek(p);
		if (!dn_parser_expect_kw(p, DN_KW_IS))
			return NULL;
		if (!dn_parser_accept_kw(p, DN_KW_UNIQUE)) {
			const dn_token *k = dn_parser_peek(p);
			if (dn_tok_is_kw(k, DN_KW_NOT) || dn_tok_is_kw(k, DN_KW_NODE) ||
			    k->kind == DN_TOK_COLON || (k->kind == DN_TOK_IDENT && !k->kw))
				return dn_parser_notsup(p, is->off, "constraints other than IS UNIQUE");
			return dn_parser_expected(p, "UNIQUE");
		}
		if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_OPTIONS))
			return dn_parser_notsup(p, dn_parser_peek(p)->off, "OPTIONS in schema commands");
		dn_parser_close(p, n);
		return n;
	}
	if (dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_INDEX)) {
		char msg[64];
		snprintf(msg, sizeof msg, "%.*s indexes (only range indexes are)", (int)t->len,
		         p->text + t->off);
		return dn_parser_notsup(p, t->off, msg);
	}
	char msg[64];
	snprintf(msg, sizeof msg, "CREATE %.*s", (int)(t->len < 32 ? t->len : 32), p->text + t->off);
	return dn_parser_notsup(p, c->off, msg);
}

static dn_ast *parse_drop(dn_parser *p)
{
	const dn_token *d = dn_parser_next(p); /* DROP */
	const dn_token *t = dn_parser_peek(p);
	int kind;
	if (dn_tok_is_kw(t, DN_KW_INDEX))
		kind = DN_AST_DROP_INDEX;
	else if (dn_tok_is_kw(t, DN_KW_CONSTRAINT))
		kind = DN_AST_DROP_CONSTRAINT;
	else {
		char msg[64];
		snprintf(msg, sizeof msg, "DROP %.*s", (int)(t->len < 32 ? t->len : 32), p->text + t->off);
		return dn_parser_notsup(p, d->off, msg);
	}
	dn_parser_next(p);
	if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_ON))
		return dn_parser_notsup(p, d->off, "this old DROP syntax; write DROP INDEX name");
	dn_ast *n = dn_parser_node(p, kind, d->off);
	if (!n || !(n->u.schema.name = dn_parse_name(p, "a name")))
		return NULL;
	if (dn_parser_accept_kw(p, DN_KW_IF)) {
		if (!dn_parser_expect_kw(p, DN_KW_EXISTS))
			return NULL;
		n->u.schema.if_exists = true;
	}
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_show(dn_parser *p)
{
	const dn_token *s = dn_parser_next(p); /* SHOW */
	dn_parser_accept_kw(p, DN_KW_ALL);
	if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_RANGE) &&
	    (dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_INDEX) ||
	     dn_tok_is_kw(dn_parser_peek_at(p, 1), DN_KW_INDEXES)))
		dn_parser_next(p);
	const dn_token *t = dn_parser_peek(p);
	int kind;
	if (dn_tok_is_kw(t, DN_KW_INDEX) || dn_tok_is_kw(t, DN_KW_INDEXES))
		kind = DN_AST_SHOW_INDEXES;
	else if (dn_tok_is_kw(t, DN_KW_CONSTRAINT) || dn_tok_is_kw(t, DN_KW_CONSTRAINTS))
		kind = DN_AST_SHOW_CONSTRAINTS;
	else {
		char msg[64];
		snprintf(msg, sizeof msg, "SHOW %.*s", (int)(t->len < 32 ? t->len : 32), p->text + t->off);
		return dn_parser_notsup(p, s->off, msg);
	}
	dn_parser_next(p);
	const dn_token *k = dn_parser_peek(p);
	if (dn_tok_is_kw(k, DN_KW_YIELD) || dn_tok_is_kw(k, DN_KW_WHERE))
		return dn_parser_notsup(p, k->off, "YIELD or WHERE after SHOW");
	dn_ast *n = dn_parser_node(p, kind, s->off);
	if (n)
		dn_parser_close(p, n);
	return n;
}

/* Whether the statement is a schema command (or an unsupported
 * administration command), from its first tokens. */
static bool at_schema(const dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind != DN_TOK_IDENT || (t->flags & DN_TOKF_QUOTED))
		return false;
	if (t->kw == DN_KW_CREATE)
		return at_schema_create(p);
	return t->kw == DN_KW_DROP || t->kw == DN_KW_SHOW;
}

static dn_ast *parse_schema(dn_parser *p)
{
	switch (dn_parser_peek(p)->kw) {
	case DN_KW_CREATE: return parse_create_schema(p);
	case DN_KW_DROP: return parse_drop(p);
	default: return parse_show(p);
	}
}

/* ------------------------------------------------------------------ */
/* Statement                                                           */
/* ------------------------------------------------------------------ */

static dn_ast *parse_statement(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	dn_ast *s = dn_parser_node(p, DN_AST_STATEMENT, t->off);
	if (!s)
		return NULL;
	if (dn_parser_accept_kw(p, DN_KW_EXPLAIN))
		s->u.stmt.mode = DN_STMT_EXPLAIN;
	else if (dn_parser_accept_kw(p, DN_KW_PROFILE))
		s->u.stmt.mode = DN_STMT_PROFILE;
	t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_AS)) {
		dn_parser_next(p);
		if (!dn_parser_expect_kw(p, DN_KW_OF) || !(s->u.stmt.as_of = dn_parse_expr(p)))
			return NULL;
	}
	if (at_schema(p)) {
		const char *what = s->u.stmt.as_of ? "AS OF"
		                   : s->u.stmt.mode == DN_STMT_EXPLAIN ? "EXPLAIN" : "PROFILE";
		if (s->u.stmt.mode != DN_STMT_RUN || s->u.stmt.as_of)
			return dn_parser_error(p, DN_ESYNTAX, s->off, p->last_end - s->off,
			                       "UnexpectedSyntax",
			                       "%s applies to queries, not to schema commands", what);
		s->u.stmt.body = parse_schema(p);
	} else {
		s->u.stmt.body = parse_union(p);
	}
	if (!s->u.stmt.body)
		return NULL;
	dn_parser_close(p, s);
	bool semi = dn_parser_accept(p, DN_TOK_SEMI);
	if (dn_parser_peek(p)->kind != DN_TOK_EOF)
		return dn_parser_expected(p, semi ? "the end of input after ';' (one statement at a time)"
		                                  : "the end of the statement");
	return s;
}

/* ------------------------------------------------------------------ */
/* The placement of pattern predicates                                 */
/* ------------------------------------------------------------------ */

static bool pred_allowed(const dn_ast *pred, const dn_ast *parent)
{
	switch (parent->kind) {
	case DN_AST_UNOP: return parent->op == DN_OP_NOT;
	case DN_AST_BINOP:
		return parent->op == DN_OP_AND || parent->op == DN_OP_OR || parent->op == DN_OP_XOR;
	case DN_AST_MATCH: return parent->u.match.where == pred;
	case DN_AST_WITH: return parent->u.proj.where == pred;
	case DN_AST_CALL: return parent->u.call.where == pred;
	case DN_AST_LIST_COMP:
	case DN_AST_QUANT: return parent->u.comp.where == pred;
	case DN_AST_PATTERN_COMP: return parent->u.pcomp.where == pred;
	case DN_AST_CASE_ALT: return parent->u.alt.when == pred;
	case DN_AST_FUNC:
		return !strcasecmp(parent->u.func.name->u.name.s, "exists");
	default: return false;
	}
}

static int check_pred(dn_ast *n, dn_ast *parent, void *ctx)
{
	dn_parser *p = ctx;
	if (n->kind != DN_AST_PATTERN_PRED || pred_allowed(n, parent))
		return 0;
	dn_parser_error(p, DN_ESYNTAX, n->off, n->len, "UnexpectedSyntax",
	                "a pattern can only be a predicate here: use it in WHERE, with "
	                "NOT/AND/OR/XOR, or in exists()");
	return 1;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

/* Lexes the whole statement into p->toks (up to EOF or the first error). */
static int parser_tokenize(dn_parser *p)
{
	size_t cap = 64;
	p->toks = dn_malloc(sizeof *p->toks * cap);
	if (!p->toks)
		return DN_ENOMEM;
	for (;;) {
		if (p->ntoks == cap) {
			dn_token *nt = dn_realloc(p->toks, sizeof *p->toks * cap * 2);
			if (!nt)
				return DN_ENOMEM;
			p->toks = nt;
			cap *= 2;
		}
		dn_token *t = &p->toks[p->ntoks];
		int rc = dn_lex_next(&p->lx, t);
		if (rc)
			return rc;
		p->ntoks++;
		if (t->kind == DN_TOK_EOF || t->kind == DN_TOK_ERROR)
			return 0;
	}
}

int dn_parse(const char *text, size_t len, dn_parse_result **out, dn_parse_error *err)
{
	dn_parse_error local;
	if (!err)
		err = &local;
	memset(err, 0, sizeof *err);
	*out = NULL;
	if (len >= (size_t)INT32_MAX)
		return dn_parse_error_set(err, NULL, 0, DN_ELIMIT, 0, 0, "",
		                          "query text too long (%zu bytes)", len);
	dn_parse_result *res = dn_calloc(1, sizeof *res);
	char *copy = res ? dn_arena_alloc(&res->arena, len + 1) : NULL;
	if (!copy) {
		dn_parse_free(res);
		return dn_parse_error_set(err, NULL, 0, DN_ENOMEM, 0, 0, NULL, "out of memory");
	}
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	res->text = copy;
	res->len = len;

	dn_parser p;
	memset(&p, 0, sizeof p);
	p.text = copy;
	p.len = len;
	p.arena = &res->arena;
	p.err = err;
	dn_lex_init(&p.lx, copy, len, &res->arena);
	if (parser_tokenize(&p)) {
		dn_parser_oom(&p);
	} else {
		res->root = parse_statement(&p);
		if (res->root && !p.rc)
			dn_ast_walk(res->root, check_pred, &p);
	}
	free(p.toks);
	if (p.rc) {
		dn_parse_free(res);
		return err->code ? err->code : p.rc;
	}
	*out = res;
	return 0;
}

void dn_parse_free(dn_parse_result *res)
{
	if (!res)
		return;
	dn_arena_free(&res->arena);
	free(res);
}

/* ------------------------------------------------------------------ */
/* Caret rendering                                                     */
/* ------------------------------------------------------------------ */

typedef struct out {
	char *buf;
	size_t cap, len;
} out;

static void out_put(out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->cap)
			o->buf[o->len] = s[i];
}

/* Byte offset after `count` code points from i (stopping at end). */
static size_t skip_cps(const char *t, size_t i, size_t end, size_t count)
{
	while (count-- && i < end) {
		uint32_t cp;
		size_t n = dn_utf8_decode((const uint8_t *)t + i, end - i, &cp);
		i += n ? n : 1;
	}
	return i;
}

static size_t count_cps(const char *t, size_t from, size_t to)
{
	size_t c = 0;
	while (from < to) {
		uint32_t cp;
		size_t n = dn_utf8_decode((const uint8_t *)t + from, to - from, &cp);
		from += n ? n : 1;
		c++;
	}
	return c;
}

size_t dn_error_format_caret(const char *text, size_t offset, size_t length, char *buf, size_t cap)
{
	out o = {buf, cap, 0};
	size_t tlen = strlen(text);
	if (offset > tlen)
		offset = tlen;
	size_t ls = offset;
	while (ls > 0 && text[ls - 1] != '\n')
		ls--;
	size_t le = offset;
	while (le < tlen && text[le] != '\n')
		le++;
	if (le > ls && text[le - 1] == '\r')
		le--;
	size_t end = offset + length;
	if (end > le)
		end = le;
	if (end < offset)
		end = offset;
	/* A window of at most ~100 characters around the span. */
	const size_t before_max = 40, width_max = 100;
	size_t ws = ls, we = le;
	bool cut_left = false, cut_right = false;
	size_t col = count_cps(text, ls, offset);
	if (col > before_max) {
		ws = skip_cps(text, ls, offset, col - before_max);
		cut_left = true;
	}
	if (count_cps(text, ws, le) > width_max) {
		size_t keep = width_max;
		size_t span_cps = count_cps(text, ws, end);
		if (span_cps > keep)
			keep = span_cps;
		we = skip_cps(text, ws, le, keep);
		cut_right = we < le;
	}
	if (cut_left)
		out_put(&o, "...", 3);
	for (size_t i = ws; i < we; i++) {
		char c = text[i];
		out_put(&o, ((uint8_t)c < 0x20 && c != '\t') ? " " : &text[i], 1);
	}
	if (cut_right)
		out_put(&o, "...", 3);
	out_put(&o, "\n", 1);
	if (cut_left)
		out_put(&o, "   ", 3);
	for (size_t i = ws; i < offset;) {
		uint32_t cp;
		size_t n = dn_utf8_decode((const uint8_t *)text + i, offset - i, &cp);
		out_put(&o, text[i] == '\t' ? "\t" : " ", 1);
		i += n ? n : 1;
	}
	size_t carets = count_cps(text, offset, end > we ? we : end);
	if (carets == 0)
		carets = 1;
	for (size_t i = 0; i < carets; i++)
		out_put(&o, "^", 1);
	out_put(&o, "\n", 1);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
