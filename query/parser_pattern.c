/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser_pattern.c — the pattern part of the parser (the second stage of
 * the query pipeline): graph patterns of MATCH, CREATE and MERGE, and the
 * pattern elements inside expressions (pattern predicates and pattern
 * comprehensions, which parser_expr.c hands over here).
 *
 *   pattern   path (',' path)*
 *   path      [var '='] (shortestPath '(' elem ')'
 *                       | allShortestPaths '(' elem ')' | elem)
 *   elem      node (rel node)* | '(' elem ')'
 *   node      '(' [var] (':' label)* [props] ')'
 *   rel       ('<-' | '-') ['[' [var] [':' type ('|' [':'] type)*]
 *                              ['*' [min] ['..' [max]]] [props] ']']
 *             ('->' | '-')
 *   props     map literal | $parameter
 * Rejected by name with DN_ENOTSUP: quantified path patterns
 * (((a)-->(b)){1,3}, -->+), GQL path selectors (SHORTEST k, ANY, ALL),
 * label expressions (:A|B, :A&B, :!A, :%, IS A) and WHERE inside a node or
 * relationship pattern.
 */
#include <string.h>
#include <strings.h>

#include "parser_internal.h"

bool dn_parser_at_rel_pattern(const dn_parser *p, size_t k)
{
	if (dn_parser_peek_at(p, k)->kind != DN_TOK_LPAREN)
		return false;
	int depth = 0;
	size_t i = k;
	for (;; i++) {
		const dn_token *t = dn_parser_peek_at(p, i);
		if (t->kind == DN_TOK_EOF || t->kind == DN_TOK_ERROR)
			return false;
		if (t->kind == DN_TOK_LPAREN)
			depth++;
		else if (t->kind == DN_TOK_RPAREN && --depth == 0)
			break;
	}
	int a = dn_parser_peek_at(p, i + 1)->kind;
	int b = dn_parser_peek_at(p, i + 2)->kind;
	int c = dn_parser_peek_at(p, i + 3)->kind;
	if (a == DN_TOK_MINUS)
		return b == DN_TOK_MINUS || b == DN_TOK_LBRACKET;
	if (a == DN_TOK_LT)
		return b == DN_TOK_MINUS && (c == DN_TOK_MINUS || c == DN_TOK_LBRACKET);
	return false;
}

dn_ast *dn_parse_props(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_LBRACE)
		return dn_parse_map(p);
	if (t->kind == DN_TOK_PARAM)
		return dn_parser_name_node(p, DN_AST_PARAM, dn_parser_next(p));
	return dn_parser_expected(p, "a map or a parameter");
}

/* After labels or types: the label-expression operators of GQL / Neo4j 5. */
static bool label_expr_follows(const dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_AMP || t->kind == DN_TOK_BANG || t->kind == DN_TOK_PERCENT)
		return true;
	return t->kind == DN_TOK_COLON &&
	       (dn_parser_peek_at(p, 1)->kind == DN_TOK_BANG ||
	        dn_parser_peek_at(p, 1)->kind == DN_TOK_PERCENT ||
	        dn_parser_peek_at(p, 1)->kind == DN_TOK_LPAREN);
}

static dn_ast *parse_node(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (!dn_parser_expect(p, DN_TOK_LPAREN))
		return NULL;
	dn_ast *n = dn_parser_node(p, DN_AST_NODE_PAT, t->off);
	if (!n)
		return NULL;
	t = dn_parser_peek(p);
	if (t->kind == DN_TOK_IDENT && !dn_tok_is_kw(t, DN_KW_WHERE) && !dn_tok_is_kw(t, DN_KW_IS)) {
		if (!(n->u.node.var = dn_parse_var(p, NULL)))
			return NULL;
	}
	if (label_expr_follows(p))
		return dn_parser_notsup(p, dn_parser_peek(p)->off, "label expressions (:!A, :%)");
	while (dn_parser_accept(p, DN_TOK_COLON)) {
		dn_ast *l = dn_parse_name(p, "a label name");
		if (!l || !dn_parser_push(p, &n->u.node.labels, l))
			return NULL;
		if (label_expr_follows(p) || dn_parser_peek(p)->kind == DN_TOK_PIPE)
			return dn_parser_notsup(p, dn_parser_peek(p)->off,
			                        "label expressions (:A|B, :A&B, :!A); write :A:B for both labels");
	}
	t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_IS))
		return dn_parser_notsup(p, t->off, "IS label expressions in patterns; write (n:Label)");
	if (t->kind == DN_TOK_LBRACE || t->kind == DN_TOK_PARAM) {
		if (!(n->u.node.props = dn_parse_props(p)))
			return NULL;
	}
	t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_WHERE))
		return dn_parser_notsup(p, t->off, "WHERE inside a node pattern; put it after the pattern");
	if (!dn_parser_expect(p, DN_TOK_RPAREN))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* A malformed length range: a sign, a float, or a range without '*'. */
static bool bad_range(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	char desc[64];
	dn_parser_tok_desc(p, t, desc, sizeof desc);
	dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "InvalidRelationshipPattern",
	                "invalid length range in a relationship pattern at %s: write *, *2, *2.., "
	                "*..4 or *2..4 with non-negative integers", desc);
	return false;
}

/* After the range (or where it would be): numbers or '..' that are not part
 * of one. */
static bool at_bad_range(const dn_parser *p)
{
	int k = dn_parser_peek(p)->kind;
	return k == DN_TOK_FLOAT || k == DN_TOK_BADNUM || k == DN_TOK_STAR || k == DN_TOK_INT ||
	       k == DN_TOK_DOTDOT;
}

/* A range bound: a non-negative integer literal. */
static bool parse_range_int(dn_parser *p, int64_t *v)
{
	const dn_token *t = dn_parser_peek(p);
	if ((t->flags & DN_TOKF_OVERFLOW) || t->v.u > (uint64_t)INT64_MAX) {
		dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "IntegerOverflow",
		                "integer %.*s is too large for a path length",
		                (int)(t->len < 40 ? t->len : 40), p->text + t->off);
		return false;
	}
	*v = (int64_t)t->v.u;
	dn_parser_next(p);
	return true;
}

/* '*' [min] ['..' [max]] */
static bool parse_range(dn_parser *p, dn_ast *r)
{
	dn_parser_next(p); /* '*' */
	r->u.rel.varlen = true;
	r->u.rel.min = r->u.rel.max = -1;
	int k = dn_parser_peek(p)->kind;
	if (k == DN_TOK_MINUS || k == DN_TOK_PLUS || k == DN_TOK_FLOAT || k == DN_TOK_BADNUM)
		return bad_range(p);
	bool have_min = false;
	if (dn_parser_peek(p)->kind == DN_TOK_INT) {
		if (!parse_range_int(p, &r->u.rel.min))
			return false;
		have_min = true;
	}
	if (dn_parser_accept(p, DN_TOK_DOTDOT)) {
		if (dn_parser_peek(p)->kind == DN_TOK_INT)
			return parse_range_int(p, &r->u.rel.max);
		return true;
	}
	if (have_min)
		r->u.rel.max = r->u.rel.min;
	return true;
}

/* The inside of '[' ... ']' of a relationship pattern. */
static bool parse_rel_detail(dn_parser *p, dn_ast *r)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind == DN_TOK_IDENT && !dn_tok_is_kw(t, DN_KW_WHERE) && !dn_tok_is_kw(t, DN_KW_IS)) {
		if (!(r->u.rel.var = dn_parse_var(p, NULL)))
			return false;
	}
	if (label_expr_follows(p)) {
		dn_parser_notsup(p, dn_parser_peek(p)->off, "type expressions (:!T, :%)");
		return false;
	}
	if (dn_parser_accept(p, DN_TOK_COLON)) {
		do {
			dn_ast *ty = dn_parse_name(p, "a relationship type");
			if (!ty || !dn_parser_push(p, &r->u.rel.types, ty))
				return false;
			if (label_expr_follows(p)) {
				dn_parser_notsup(p, dn_parser_peek(p)->off, "type expressions (:A&B, :!A); write :A|B");
				return false;
			}
			if (dn_parser_peek(p)->kind == DN_TOK_COLON) {
				dn_parser_error(p, DN_ESYNTAX, dn_parser_peek(p)->off, 1, "UnexpectedSyntax",
				                "a relationship has one type: write :A|B for alternatives");
				return false;
			}
		} while (dn_parser_accept(p, DN_TOK_PIPE) && (dn_parser_accept(p, DN_TOK_COLON), true));
	}
	t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_IS)) {
		dn_parser_notsup(p, t->off, "IS type expressions in patterns; write [r:TYPE]");
		return false;
	}
	if (t->kind == DN_TOK_STAR && !parse_range(p, r))
		return false;
	if (at_bad_range(p))
		return bad_range(p);
	t = dn_parser_peek(p);
	if (t->kind == DN_TOK_LBRACE || t->kind == DN_TOK_PARAM) {
		if (!(r->u.rel.props = dn_parse_props(p)))
			return false;
	}
	t = dn_parser_peek(p);
	if (dn_tok_is_kw(t, DN_KW_WHERE)) {
		dn_parser_notsup(p, t->off, "WHERE inside a relationship pattern; put it after the pattern");
		return false;
	}
	return dn_parser_expect(p, DN_TOK_RBRACKET);
}

static bool at_rel(const dn_parser *p)
{
	int k = dn_parser_peek(p)->kind;
	return k == DN_TOK_MINUS || (k == DN_TOK_LT && dn_parser_peek_at(p, 1)->kind == DN_TOK_MINUS);
}

static dn_ast *parse_rel(dn_parser *p)
{
	dn_ast *r = dn_parser_node(p, DN_AST_REL_PAT, dn_parser_peek(p)->off);
	if (!r)
		return NULL;
	bool left = dn_parser_accept(p, DN_TOK_LT);
	if (!dn_parser_expect(p, DN_TOK_MINUS))
		return NULL;
	if (dn_parser_accept(p, DN_TOK_LBRACKET) && !parse_rel_detail(p, r))
		return NULL;
	if (!dn_parser_expect(p, DN_TOK_MINUS))
		return NULL;
	bool right = dn_parser_accept(p, DN_TOK_GT);
	r->u.rel.dir = left && right ? DN_DIR_BOTH : left ? DN_DIR_IN : right ? DN_DIR_OUT : DN_DIR_ANY;
	dn_parser_close(p, r);
	return r;
}

static bool at_quantifier(const dn_parser *p)
{
	int k = dn_parser_peek(p)->kind;
	return k == DN_TOK_LBRACE || k == DN_TOK_PLUS || k == DN_TOK_STAR;
}

/* node (rel node)* or '(' elem ')' into path->u.path.elems. */
static bool parse_elem(dn_parser *p, dn_ast *path)
{
	if (dn_parser_peek(p)->kind == DN_TOK_LPAREN && dn_parser_peek_at(p, 1)->kind == DN_TOK_LPAREN) {
		uint32_t off = dn_parser_next(p)->off;
		if (!dn_parser_enter(p))
			return false;
		bool ok = parse_elem(p, path);
		dn_parser_leave(p);
		if (!ok)
			return false;
		if (dn_tok_is_kw(dn_parser_peek(p), DN_KW_WHERE)) {
			dn_parser_notsup(p, off, "WHERE inside a parenthesized path pattern");
			return false;
		}
		if (!dn_parser_expect(p, DN_TOK_RPAREN))
			return false;
		if (at_quantifier(p) || at_rel(p)) {
			dn_parser_notsup(p, off, at_rel(p) ? "parenthesized path patterns inside a path"
			                                   : "quantified path patterns");
			return false;
		}
		return true;
	}
	dn_ast *n = parse_node(p);
	if (!n || !dn_parser_push(p, &path->u.path.elems, n))
		return false;
	while (at_rel(p)) {
		dn_ast *r = parse_rel(p);
		if (!r || !dn_parser_push(p, &path->u.path.elems, r))
			return false;
		if (at_quantifier(p)) {
			dn_parser_notsup(p, r->off, "quantified path patterns");
			return false;
		}
		if (!(n = parse_node(p)) || !dn_parser_push(p, &path->u.path.elems, n))
			return false;
	}
	return true;
}

dn_ast *dn_parse_path_elem(dn_parser *p)
{
	dn_ast *path = dn_parser_node(p, DN_AST_PATH, dn_parser_peek(p)->off);
	if (!path || !parse_elem(p, path))
		return NULL;
	dn_parser_close(p, path);
	return path;
}

/* A GQL path selector or match mode where a path should start. */
static bool at_gql_selector(const dn_parser *p, const dn_token *t)
{
	static const char *const words[] = {"SHORTEST", "ANY", "ALL", "WALK", "TRAIL", "ACYCLIC",
	                                    "REPEATABLE", "DIFFERENT"};
	if (t->flags & DN_TOKF_QUOTED)
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == t->len && !strncasecmp(words[i], p->text + t->off, t->len))
			return true;
	return false;
}

dn_ast *dn_parse_path(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	dn_ast *path = dn_parser_node(p, DN_AST_PATH, t->off);
	if (!path)
		return NULL;
	if (dn_parser_at_var(p) && dn_parser_peek_at(p, 1)->kind == DN_TOK_EQ) {
		if (!(path->u.path.var = dn_parse_var(p, NULL)))
			return NULL;
		dn_parser_next(p); /* '=' */
	}
	t = dn_parser_peek(p);
	const dn_token *t1 = dn_parser_peek_at(p, 1);
	if (t->kind == DN_TOK_IDENT && t1->kind != DN_TOK_LPAREN && at_gql_selector(p, t))
		return dn_parser_notsup(p, t->off,
		                        "GQL path selectors and match modes (SHORTEST, ANY, ALL, WALK, ...)");
	if ((dn_tok_is_kw(t, DN_KW_SHORTESTPATH) || dn_tok_is_kw(t, DN_KW_ALLSHORTESTPATHS)) &&
	    t1->kind == DN_TOK_LPAREN) {
		path->u.path.shortest = t->kw == DN_KW_SHORTESTPATH ? DN_PATH_SHORTEST : DN_PATH_ALL_SHORTEST;
		dn_parser_next(p);
		dn_parser_next(p);
		if (!parse_elem(p, path) || !dn_parser_expect(p, DN_TOK_RPAREN))
			return NULL;
	} else if (!parse_elem(p, path)) {
		return NULL;
	}
	dn_parser_close(p, path);
	return path;
}

dn_ast *dn_parse_pattern(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_PATTERN, dn_parser_peek(p)->off);
	if (!n)
		return NULL;
	do {
		dn_ast *path = dn_parse_path(p);
		if (!path || !dn_parser_push(p, &n->u.pattern.paths, path))
			return NULL;
	} while (dn_parser_accept(p, DN_TOK_COMMA));
	dn_parser_close(p, n);
	return n;
}
