/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser_expr.c — the expression part of the parser (the second stage of
 * the query pipeline). Precedence climbs as in openCypher, loosest first:
 *
 *   expr      or
 *   or        xor (OR xor)*
 *   xor       and (XOR and)*
 *   and       not (AND not)*
 *   not       NOT* cmp
 *   cmp       pred ((= | <> | < | > | <= | >=) pred)*
 *             -- a < b < c means a < b AND b < c
 *   pred      add (STARTS WITH add | ENDS WITH add | CONTAINS add
 *                  | =~ add | IN add | IS [NOT] NULL)*
 *   add       mul (('+' | '-') mul)*
 *   mul       pow (('*' | '/' | '%') pow)*
 *   pow       unary ('^' unary)*              -- left-associative
 *   unary     ('+' | '-')* postfix            -- '-' folds into a literal
 *   postfix   atom ('.' key | '[' expr ']' | '[' [expr] '..' [expr] ']')*
 *             (':' label)*
 *   atom      literal | $param | (expr) | pattern predicate | [list]
 *             | [x IN list [WHERE p] [| e]] | [[p =] pattern [WHERE p] | e]
 *             | {map} | var{.a, .*, k: e, v} | CASE ... END
 *             | ALL|ANY|NONE|SINGLE(x IN list [WHERE p])
 *             | reduce(acc = init, x IN list | e) | f([DISTINCT] args)
 *             | ns.f(args) | count(*) | var
 *
 * Integer literals are range-checked here: 9223372036854775808 is an
 * IntegerOverflow except right after a unary minus. Rejected by name with
 * DN_ENOTSUP: EXISTS { }, COUNT { } and COLLECT { } subqueries, filter()
 * and extract(), shortestPath() outside a pattern.
 */
#include <string.h>
#include <strings.h>

#include "parser_internal.h"

static dn_ast *parse_or(dn_parser *p);

dn_ast *dn_parse_expr(dn_parser *p)
{
	if (!dn_parser_enter(p))
		return NULL;
	dn_ast *e = parse_or(p);
	dn_parser_leave(p);
	return e;
}

static dn_ast *binop(dn_parser *p, int op, dn_ast *l, dn_ast *r)
{
	dn_ast *n = dn_ast_new(p->arena, DN_AST_BINOP, l->off, r->off + r->len - l->off);
	if (!n)
		return dn_parser_oom(p);
	n->op = (uint8_t)op;
	n->u.bin.l = l;
	n->u.bin.r = r;
	return n;
}

/* A left-associative chain of one precedence level. */
static dn_ast *parse_chain(dn_parser *p, dn_ast *(*operand)(dn_parser *),
                           int (*op_at)(const dn_parser *))
{
	dn_ast *l = operand(p);
	if (!l)
		return NULL;
	int saved = p->depth;
	int op;
	while ((op = op_at(p)) != DN_OP_NONE) {
		if (!dn_parser_deepen(p))
			return NULL;
		dn_parser_next(p);
		dn_ast *r = operand(p);
		if (!r || !(l = binop(p, op, l, r)))
			return NULL;
	}
	p->depth = saved;
	return l;
}

static int op_or(const dn_parser *p)
{
	return dn_tok_is_kw(dn_parser_peek(p), DN_KW_OR) ? DN_OP_OR : DN_OP_NONE;
}

static int op_xor(const dn_parser *p)
{
	return dn_tok_is_kw(dn_parser_peek(p), DN_KW_XOR) ? DN_OP_XOR : DN_OP_NONE;
}

static int op_and(const dn_parser *p)
{
	return dn_tok_is_kw(dn_parser_peek(p), DN_KW_AND) ? DN_OP_AND : DN_OP_NONE;
}

static int op_add(const dn_parser *p)
{
	switch (dn_parser_peek(p)->kind) {
	case DN_TOK_PLUS: return DN_OP_ADD;
	case DN_TOK_MINUS: return DN_OP_SUB;
	default: return DN_OP_NONE;
	}
}

static int op_mul(const dn_parser *p)
{
	switch (dn_parser_peek(p)->kind) {
	case DN_TOK_STAR: return DN_OP_MUL;
	case DN_TOK_SLASH: return DN_OP_DIV;
	case DN_TOK_PERCENT: return DN_OP_MOD;
	default: return DN_OP_NONE;
	}
}

static int op_pow(const dn_parser *p)
{
	return dn_parser_peek(p)->kind == DN_TOK_CARET ? DN_OP_POW : DN_OP_NONE;
}

static dn_ast *parse_atom(dn_parser *p);

/* ------------------------------------------------------------------ */
/* Unary and postfix                                                   */
/* ------------------------------------------------------------------ */

/* Whether a postfix operator follows (then '-' does not fold into the
 * literal before it: -1.x is -(1.x)). */
static bool postfix_at(const dn_token *t)
{
	return t->kind == DN_TOK_DOT || t->kind == DN_TOK_LBRACKET || t->kind == DN_TOK_COLON;
}

static dn_ast *int_literal(dn_parser *p, const dn_token *t, uint32_t off, bool neg)
{
	const uint64_t lim = (uint64_t)INT64_MAX + (neg ? 1 : 0);
	if ((t->flags & DN_TOKF_OVERFLOW) || t->v.u > lim) {
		uint32_t end = t->off + t->len;
		return dn_parser_error(p, DN_ESYNTAX, off, end - off, "IntegerOverflow",
		                       "integer literal %s%.*s is out of range (%s)", neg ? "-" : "",
		                       (int)(t->len < 40 ? t->len : 40), p->text + t->off,
		                       neg ? "the smallest is -9223372036854775808"
		                           : "the largest is 9223372036854775807");
	}
	dn_parser_next(p);
	dn_ast *n = dn_parser_node(p, DN_AST_INT, off);
	if (!n)
		return NULL;
	if (neg)
		n->u.i = t->v.u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)t->v.u;
	else
		n->u.i = (int64_t)t->v.u;
	dn_parser_close(p, n);
	return n;
}

static dn_ast *float_literal(dn_parser *p, const dn_token *t, uint32_t off, bool neg)
{
	if (t->flags & DN_TOKF_OVERFLOW) {
		uint32_t end = t->off + t->len;
		return dn_parser_error(p, DN_ESYNTAX, off, end - off, "FloatingPointOverflow",
		                       "float literal %s%.*s is out of range", neg ? "-" : "",
		                       (int)(t->len < 40 ? t->len : 40), p->text + t->off);
	}
	dn_parser_next(p);
	dn_ast *n = dn_parser_node(p, DN_AST_FLOAT, off);
	if (!n)
		return NULL;
	n->u.f = neg ? -t->v.f : t->v.f;
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_postfix_ops(dn_parser *p, dn_ast *e);

static dn_ast *parse_unary(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (t->kind != DN_TOK_MINUS && t->kind != DN_TOK_PLUS)
		return dn_parse_postfix(p);
	dn_parser_next(p);
	const dn_token *lit = dn_parser_peek(p);
	if (t->kind == DN_TOK_MINUS && !postfix_at(dn_parser_peek_at(p, 1))) {
		if (lit->kind == DN_TOK_INT)
			return int_literal(p, lit, t->off, true);
		if (lit->kind == DN_TOK_FLOAT)
			return float_literal(p, lit, t->off, true);
	}
	if (!dn_parser_enter(p))
		return NULL;
	dn_ast *arg = parse_unary(p);
	dn_parser_leave(p);
	if (!arg)
		return NULL;
	dn_ast *n = dn_parser_node(p, DN_AST_UNOP, t->off);
	if (!n)
		return NULL;
	n->op = t->kind == DN_TOK_MINUS ? DN_OP_NEG : DN_OP_PLUS;
	n->u.un.arg = arg;
	dn_parser_close(p, n);
	return n;
}

dn_ast *dn_parse_postfix(dn_parser *p)
{
	dn_ast *e = parse_atom(p);
	if (!e)
		return NULL;
	return parse_postfix_ops(p, e);
}

/* The bound after '..' in a slice: absent before ']'. */
static bool parse_slice_to(dn_parser *p, dn_ast **to)
{
	*to = NULL;
	if (dn_parser_peek(p)->kind == DN_TOK_RBRACKET)
		return true;
	return (*to = dn_parse_expr(p)) != NULL;
}

static dn_ast *parse_postfix_ops(dn_parser *p, dn_ast *e)
{
	int saved = p->depth;
	for (;;) {
		const dn_token *t = dn_parser_peek(p);
		if (t->kind == DN_TOK_DOT) {
			if (!dn_parser_deepen(p))
				return NULL;
			dn_parser_next(p);
			dn_ast *n = dn_parser_node(p, DN_AST_PROP, e->off);
			if (!n || !(n->u.prop.key = dn_parse_name(p, "a property key after '.'")))
				return NULL;
			n->u.prop.expr = e;
			dn_parser_close(p, n);
			e = n;
		} else if (t->kind == DN_TOK_LBRACKET) {
			if (!dn_parser_deepen(p))
				return NULL;
			dn_parser_next(p);
			dn_ast *from = NULL, *to = NULL;
			int kind = DN_AST_INDEX;
			if (dn_parser_accept(p, DN_TOK_DOTDOT)) {
				kind = DN_AST_SLICE;
				if (!parse_slice_to(p, &to))
					return NULL;
			} else {
				if (!(from = dn_parse_expr(p)))
					return NULL;
				if (dn_parser_accept(p, DN_TOK_DOTDOT)) {
					kind = DN_AST_SLICE;
					if (!parse_slice_to(p, &to))
						return NULL;
				}
			}
			if (!dn_parser_expect(p, DN_TOK_RBRACKET))
				return NULL;
			dn_ast *n = dn_parser_node(p, kind, e->off);
			if (!n)
				return NULL;
			if (kind == DN_AST_INDEX) {
				n->u.index.expr = e;
				n->u.index.index = from;
			} else {
				n->u.slice.expr = e;
				n->u.slice.from = from;
				n->u.slice.to = to;
			}
			dn_parser_close(p, n);
			e = n;
		} else {
			break;
		}
	}
	if (dn_parser_peek(p)->kind == DN_TOK_COLON) {
		if (!dn_parser_deepen(p))
			return NULL;
		dn_ast *n = dn_parser_node(p, DN_AST_HAS_LABELS, e->off);
		if (!n)
			return NULL;
		n->u.labels.expr = e;
		while (dn_parser_accept(p, DN_TOK_COLON)) {
			dn_ast *l = dn_parse_name(p, "a label name");
			if (!l || !dn_parser_push(p, &n->u.labels.labels, l))
				return NULL;
		}
		const dn_token *t = dn_parser_peek(p);
		if (t->kind == DN_TOK_AMP || t->kind == DN_TOK_BANG)
			return dn_parser_notsup(p, t->off, "label expressions (:A&B, :!A); write n:A:B");
		dn_parser_close(p, n);
		e = n;
	}
	p->depth = saved;
	return e;
}

/* ------------------------------------------------------------------ */
/* Binary levels                                                       */
/* ------------------------------------------------------------------ */

static dn_ast *parse_pow(dn_parser *p)
{
	return parse_chain(p, parse_unary, op_pow);
}

static dn_ast *parse_mul(dn_parser *p)
{
	return parse_chain(p, parse_pow, op_mul);
}

static dn_ast *parse_add(dn_parser *p)
{
	return parse_chain(p, parse_mul, op_add);
}

/* STARTS WITH, ENDS WITH, CONTAINS, =~, IN, IS [NOT] NULL */
static dn_ast *parse_pred(dn_parser *p)
{
	dn_ast *l = parse_add(p);
	if (!l)
		return NULL;
	int saved = p->depth;
	for (;;) {
		const dn_token *t = dn_parser_peek(p);
		int op = DN_OP_NONE;
		if (dn_tok_is_kw(t, DN_KW_STARTS))
			op = DN_OP_STARTS_WITH;
		else if (dn_tok_is_kw(t, DN_KW_ENDS))
			op = DN_OP_ENDS_WITH;
		else if (dn_tok_is_kw(t, DN_KW_CONTAINS))
			op = DN_OP_CONTAINS;
		else if (dn_tok_is_kw(t, DN_KW_IN))
			op = DN_OP_IN;
		else if (t->kind == DN_TOK_REGEX)
			op = DN_OP_REGEX;
		else if (dn_tok_is_kw(t, DN_KW_IS))
			op = DN_OP_IS_NULL;
		else
			break;
		if (!dn_parser_deepen(p))
			return NULL;
		dn_parser_next(p);
		if (op == DN_OP_IS_NULL) {
			if (dn_parser_accept_kw(p, DN_KW_NOT))
				op = DN_OP_IS_NOT_NULL;
			if (!dn_parser_accept_kw(p, DN_KW_NULL))
				return dn_parser_expected(p, op == DN_OP_IS_NULL ? "NULL or NOT NULL after IS"
				                                                : "NULL after IS NOT");
			dn_ast *n = dn_parser_node(p, DN_AST_UNOP, l->off);
			if (!n)
				return NULL;
			n->op = (uint8_t)op;
			n->u.un.arg = l;
			dn_parser_close(p, n);
			l = n;
			continue;
		}
		if ((op == DN_OP_STARTS_WITH || op == DN_OP_ENDS_WITH) &&
		    !dn_parser_expect_kw(p, DN_KW_WITH))
			return NULL;
		dn_ast *r = parse_add(p);
		if (!r || !(l = binop(p, op, l, r)))
			return NULL;
	}
	p->depth = saved;
	return l;
}

static int op_cmp(const dn_token *t)
{
	switch (t->kind) {
	case DN_TOK_EQ: return DN_OP_EQ;
	case DN_TOK_NE: return DN_OP_NE;
	case DN_TOK_LT: return DN_OP_LT;
	case DN_TOK_GT: return DN_OP_GT;
	case DN_TOK_LE: return DN_OP_LE;
	case DN_TOK_GE: return DN_OP_GE;
	default: return DN_OP_NONE;
	}
}

/* Comparisons; a chain a < b < c becomes (a < b) AND (b < c). */
static dn_ast *parse_cmp(dn_parser *p)
{
	dn_ast *l = parse_pred(p);
	if (!l)
		return NULL;
	dn_ast *result = NULL, *prev = l;
	int saved = p->depth;
	for (;;) {
		const dn_token *t = dn_parser_peek(p);
		if (t->kind == DN_TOK_BANGEQ)
			return dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "UnexpectedSyntax",
			                       "'!=' is not Cypher: write '<>' for inequality");
		int op = op_cmp(t);
		if (op == DN_OP_NONE)
			break;
		if (!dn_parser_deepen(p))
			return NULL;
		dn_parser_next(p);
		dn_ast *r = parse_pred(p);
		if (!r)
			return NULL;
		dn_ast *c = binop(p, op, prev, r);
		if (!c)
			return NULL;
		if (result) {
			if (!(result = binop(p, DN_OP_AND, result, c)))
				return NULL;
			result->flags |= DN_AST_F_CHAINED;
		} else {
			result = c;
		}
		prev = r;
	}
	p->depth = saved;
	return result ? result : l;
}

static dn_ast *parse_not(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (!dn_tok_is_kw(t, DN_KW_NOT))
		return parse_cmp(p);
	dn_parser_next(p);
	if (!dn_parser_enter(p))
		return NULL;
	dn_ast *arg = parse_not(p);
	dn_parser_leave(p);
	if (!arg)
		return NULL;
	dn_ast *n = dn_parser_node(p, DN_AST_UNOP, t->off);
	if (!n)
		return NULL;
	n->op = DN_OP_NOT;
	n->u.un.arg = arg;
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_and(dn_parser *p)
{
	return parse_chain(p, parse_not, op_and);
}

static dn_ast *parse_xor(dn_parser *p)
{
	return parse_chain(p, parse_and, op_xor);
}

static dn_ast *parse_or(dn_parser *p)
{
	return parse_chain(p, parse_xor, op_or);
}

/* ------------------------------------------------------------------ */
/* Atoms                                                               */
/* ------------------------------------------------------------------ */

dn_ast *dn_parse_map(dn_parser *p)
{
	dn_ast *m = dn_parser_node(p, DN_AST_MAP, dn_parser_peek(p)->off);
	if (!m || !dn_parser_expect(p, DN_TOK_LBRACE))
		return NULL;
	if (!dn_parser_accept(p, DN_TOK_RBRACE)) {
		for (;;) {
			uint32_t off = dn_parser_peek(p)->off;
			dn_ast *e = dn_parser_node(p, DN_AST_MAP_ENTRY, off);
			if (!e || !(e->u.entry.key = dn_parse_name(p, "a property key")))
				return NULL;
			if (!dn_parser_expect(p, DN_TOK_COLON) || !(e->u.entry.value = dn_parse_expr(p)))
				return NULL;
			dn_parser_close(p, e);
			if (!dn_parser_push(p, &m->u.map.entries, e))
				return NULL;
			if (dn_parser_accept(p, DN_TOK_COMMA))
				continue;
			if (dn_parser_accept(p, DN_TOK_RBRACE))
				break;
			return dn_parser_expected(p, "',' or '}'");
		}
	}
	dn_parser_close(p, m);
	return m;
}

/* var{.a, .*, k: expr, v} at the variable. */
static dn_ast *parse_map_proj(dn_parser *p)
{
	const dn_token *vt = dn_parser_peek(p);
	dn_ast *m = dn_parser_node(p, DN_AST_MAP_PROJ, vt->off);
	if (!m || !(m->u.mapproj.var = dn_parse_var(p, NULL)))
		return NULL;
	dn_parser_next(p); /* '{' */
	if (!dn_parser_accept(p, DN_TOK_RBRACE)) {
		for (;;) {
			const dn_token *t = dn_parser_peek(p);
			dn_ast *it;
			if (t->kind == DN_TOK_DOT) {
				dn_parser_next(p);
				if (dn_parser_peek(p)->kind == DN_TOK_STAR) {
					dn_parser_next(p);
					if (!(it = dn_parser_node(p, DN_AST_PROJ_ALL, t->off)))
						return NULL;
				} else {
					if (!(it = dn_parser_node(p, DN_AST_PROJ_PROP, t->off)) ||
					    !(it->u.entry.key = dn_parse_name(p, "a property key or '*' after '.'")))
						return NULL;
				}
			} else if (t->kind == DN_TOK_IDENT && dn_parser_peek_at(p, 1)->kind == DN_TOK_COLON) {
				if (!(it = dn_parser_node(p, DN_AST_MAP_ENTRY, t->off)) ||
				    !(it->u.entry.key = dn_parse_name(p, "a key")))
					return NULL;
				dn_parser_next(p); /* ':' */
				if (!(it->u.entry.value = dn_parse_expr(p)))
					return NULL;
			} else if (dn_parser_at_var(p)) {
				if (!(it = dn_parser_node(p, DN_AST_MAP_ENTRY, t->off)) ||
				    !(it->u.entry.key = dn_parser_name_node(p, DN_AST_NAME, t)) ||
				    !(it->u.entry.value = dn_parse_var(p, NULL)))
					return NULL;
			} else {
				return dn_parser_expected(p, "'.key', '.*', 'key: expression' or a variable");
			}
			dn_parser_close(p, it);
			if (!dn_parser_push(p, &m->u.mapproj.items, it))
				return NULL;
			if (dn_parser_accept(p, DN_TOK_COMMA))
				continue;
			if (dn_parser_accept(p, DN_TOK_RBRACE))
				break;
			return dn_parser_expected(p, "',' or '}'");
		}
	}
	dn_parser_close(p, m);
	return m;
}

/* [x IN list [WHERE p] [| e]] after the variable and IN were seen, or
 * NULL without an error when what follows the list is not WHERE, '|' or
 * ']' (the caller then reads a list literal). */
static dn_ast *try_list_comp(dn_parser *p, uint32_t off, bool *not_comp)
{
	*not_comp = false;
	dn_ast *n = dn_parser_node(p, DN_AST_LIST_COMP, off);
	if (!n || !(n->u.comp.var = dn_parse_var(p, NULL)))
		return NULL;
	dn_parser_next(p); /* IN */
	if (!(n->u.comp.list = dn_parse_expr(p)))
		return NULL;
	const dn_token *t = dn_parser_peek(p);
	if (!dn_tok_is_kw(t, DN_KW_WHERE) && t->kind != DN_TOK_PIPE && t->kind != DN_TOK_RBRACKET) {
		*not_comp = true;
		return NULL;
	}
	if (dn_parser_accept_kw(p, DN_KW_WHERE) && !(n->u.comp.where = dn_parse_expr(p)))
		return NULL;
	if (dn_parser_accept(p, DN_TOK_PIPE) && !(n->u.comp.proj = dn_parse_expr(p)))
		return NULL;
	if (!dn_parser_expect(p, DN_TOK_RBRACKET))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* At '[': a list literal, a list comprehension or a pattern
 * comprehension. */
static dn_ast *parse_bracket(dn_parser *p)
{
	const dn_token *open = dn_parser_peek(p);
	const dn_token *t1 = dn_parser_peek_at(p, 1);
	uint32_t off = open->off;
	if (t1->kind == DN_TOK_IDENT && !dn_lex_keyword_reserved(t1->kw) &&
	    dn_tok_is_kw(dn_parser_peek_at(p, 2), DN_KW_IN)) {
		size_t save = p->pos;
		uint32_t save_end = p->last_end;
		dn_parser_next(p);
		bool not_comp;
		dn_ast *c = try_list_comp(p, off, &not_comp);
		if (c || !not_comp)
			return c;
		p->pos = save;
		p->last_end = save_end;
	}
	bool named = t1->kind == DN_TOK_IDENT && !dn_lex_keyword_reserved(t1->kw) &&
	             dn_parser_peek_at(p, 2)->kind == DN_TOK_EQ && dn_parser_at_rel_pattern(p, 3);
	if (named || (t1->kind == DN_TOK_LPAREN && dn_parser_at_rel_pattern(p, 1))) {
		dn_parser_next(p);
		dn_ast *n = dn_parser_node(p, DN_AST_PATTERN_COMP, off);
		if (!n || !(n->u.pcomp.path = dn_parse_path(p)))
			return NULL;
		if (dn_parser_accept_kw(p, DN_KW_WHERE) && !(n->u.pcomp.where = dn_parse_expr(p)))
			return NULL;
		if (!dn_parser_expect(p, DN_TOK_PIPE) || !(n->u.pcomp.proj = dn_parse_expr(p)) ||
		    !dn_parser_expect(p, DN_TOK_RBRACKET))
			return NULL;
		dn_parser_close(p, n);
		return n;
	}
	dn_parser_next(p);
	dn_ast *n = dn_parser_node(p, DN_AST_LIST, off);
	if (!n)
		return NULL;
	if (!dn_parser_accept(p, DN_TOK_RBRACKET)) {
		for (;;) {
			dn_ast *e = dn_parse_expr(p);
			if (!e || !dn_parser_push(p, &n->u.list.items, e))
				return NULL;
			if (dn_parser_accept(p, DN_TOK_COMMA))
				continue;
			if (dn_parser_accept(p, DN_TOK_RBRACKET))
				break;
			return dn_parser_expected(p, "',' or ']'");
		}
	}
	dn_parser_close(p, n);
	return n;
}

/* EXISTS { pattern [WHERE expr] } or EXISTS { query }: a query either
 * way, the short form held as MATCH pattern [WHERE expr]. */
static dn_ast *parse_exists(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_EXISTS_SUB, dn_parser_next(p)->off);
	if (!n || !dn_parser_expect(p, DN_TOK_LBRACE))
		return NULL;
	const dn_token *f = dn_parser_peek(p);
	bool full = f->kind == DN_TOK_IDENT && !(f->flags & DN_TOKF_QUOTED) && f->kw != DN_KW_NONE_ &&
	            dn_lex_keyword_reserved(f->kw);
	if (full) {
		n->u.sub.query = dn_parse_subquery(p);
	} else {
		dn_ast *q = dn_parser_node(p, DN_AST_QUERY, f->off), *m = dn_parser_node(p, DN_AST_MATCH, f->off);
		if (!q || !m || !(m->u.match.pattern = dn_parse_pattern(p)))
			return NULL;
		if (dn_parser_accept_kw(p, DN_KW_WHERE) && !(m->u.match.where = dn_parse_expr(p)))
			return NULL;
		dn_parser_close(p, m);
		if (!dn_parser_push(p, &q->u.query.clauses, m))
			return NULL;
		dn_parser_close(p, q);
		n->u.sub.query = q;
	}
	if (!n->u.sub.query || !dn_parser_expect(p, DN_TOK_RBRACE))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

static dn_ast *parse_case(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_CASE, dn_parser_next(p)->off);
	if (!n)
		return NULL;
	if (!dn_tok_is_kw(dn_parser_peek(p), DN_KW_WHEN) && !(n->u.case_.subject = dn_parse_expr(p)))
		return NULL;
	while (dn_tok_is_kw(dn_parser_peek(p), DN_KW_WHEN)) {
		dn_ast *a = dn_parser_node(p, DN_AST_CASE_ALT, dn_parser_next(p)->off);
		if (!a || !(a->u.alt.when = dn_parse_expr(p)) || !dn_parser_expect_kw(p, DN_KW_THEN) ||
		    !(a->u.alt.then = dn_parse_expr(p)))
			return NULL;
		dn_parser_close(p, a);
		if (!dn_parser_push(p, &n->u.case_.alts, a))
			return NULL;
	}
	if (!n->u.case_.alts.n)
		return dn_parser_expected(p, "WHEN");
	if (dn_parser_accept_kw(p, DN_KW_ELSE) && !(n->u.case_.else_ = dn_parse_expr(p)))
		return NULL;
	if (!dn_parser_expect_kw(p, DN_KW_END))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* ALL|ANY|NONE|SINGLE (x IN list [WHERE p]) */
static dn_ast *parse_quant(dn_parser *p)
{
	const dn_token *t = dn_parser_next(p);
	dn_ast *n = dn_parser_node(p, DN_AST_QUANT, t->off);
	if (!n)
		return NULL;
	n->op = t->kw == DN_KW_ALL ? DN_OP_ALL : t->kw == DN_KW_ANY ? DN_OP_ANY
	        : t->kw == DN_KW_NONE ? DN_OP_NONE_OF : DN_OP_SINGLE;
	dn_parser_next(p); /* '(' */
	if (!(n->u.comp.var = dn_parse_var(p, NULL)))
		return NULL;
	dn_parser_next(p); /* IN */
	if (!(n->u.comp.list = dn_parse_expr(p)))
		return NULL;
	if (dn_parser_accept_kw(p, DN_KW_WHERE) && !(n->u.comp.where = dn_parse_expr(p)))
		return NULL;
	if (!dn_parser_expect(p, DN_TOK_RPAREN))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* reduce(acc = init, x IN list | expr) */
static dn_ast *parse_reduce(dn_parser *p)
{
	dn_ast *n = dn_parser_node(p, DN_AST_REDUCE, dn_parser_next(p)->off);
	if (!n)
		return NULL;
	dn_parser_next(p); /* '(' */
	if (!(n->u.reduce.acc = dn_parse_var(p, NULL)) || !dn_parser_expect(p, DN_TOK_EQ) ||
	    !(n->u.reduce.init = dn_parse_expr(p)) || !dn_parser_expect(p, DN_TOK_COMMA) ||
	    !(n->u.reduce.var = dn_parse_var(p, NULL)) || !dn_parser_expect_kw(p, DN_KW_IN) ||
	    !(n->u.reduce.list = dn_parse_expr(p)) || !dn_parser_expect(p, DN_TOK_PIPE) ||
	    !(n->u.reduce.expr = dn_parse_expr(p)) || !dn_parser_expect(p, DN_TOK_RPAREN))
		return NULL;
	dn_parser_close(p, n);
	return n;
}

/* name(args) with a dotted name of `parts` identifiers. */
static dn_ast *parse_func(dn_parser *p, size_t parts)
{
	const dn_token *first = dn_parser_peek(p);
	dn_ast *n = dn_parser_node(p, DN_AST_FUNC, first->off);
	dn_ast *name = n ? dn_parser_node(p, DN_AST_NAME, first->off) : NULL;
	if (!name)
		return NULL;
	size_t total = 0;
	for (size_t i = 0; i < parts; i++)
		total += dn_parser_peek_at(p, 2 * i)->v.str.n + 1;
	char *s = dn_arena_alloc(p->arena, total);
	if (!s)
		return dn_parser_oom(p);
	size_t o = 0;
	for (size_t i = 0; i < parts; i++) {
		const dn_token *t = dn_parser_next(p);
		if (t->v.str.n)
			memcpy(s + o, t->v.str.s, t->v.str.n);
		o += t->v.str.n;
		if (i + 1 < parts) {
			dn_parser_next(p); /* '.' */
			s[o++] = '.';
		}
	}
	s[o] = '\0';
	name->u.name.s = s;
	name->u.name.len = (uint32_t)o;
	dn_parser_close(p, name);
	n->u.func.name = name;
	dn_parser_next(p); /* '(' */
	if (parts == 1 && dn_tok_is_kw(first, DN_KW_COUNT) && dn_parser_peek(p)->kind == DN_TOK_STAR) {
		dn_parser_next(p);
		n->u.func.star = true;
	} else if (dn_parser_peek(p)->kind != DN_TOK_RPAREN) {
		n->u.func.distinct = dn_parser_accept_kw(p, DN_KW_DISTINCT);
		do {
			dn_ast *e = dn_parse_expr(p);
			if (!e || !dn_parser_push(p, &n->u.func.args, e))
				return NULL;
		} while (dn_parser_accept(p, DN_TOK_COMMA));
	}
	if (!dn_parser_accept(p, DN_TOK_RPAREN))
		return dn_parser_expected(p, n->u.func.args.n ? "',' or ')'" : "')'");
	dn_parser_close(p, n);
	return n;
}

/* The number of identifiers in ident ('.' ident)* '(' at the current
 * token, or 0 when no '(' follows (not a function call). */
static size_t func_parts(const dn_parser *p)
{
	size_t i = 0;
	for (;;) {
		int k = dn_parser_peek_at(p, i + 1)->kind;
		if (k == DN_TOK_LPAREN)
			return i / 2 + 1;
		if (k != DN_TOK_DOT || dn_parser_peek_at(p, i + 2)->kind != DN_TOK_IDENT)
			return 0;
		i += 2;
	}
}

/* An atom that starts with an identifier. */
static dn_ast *parse_ident_atom(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	const dn_token *t1 = dn_parser_peek_at(p, 1);
	bool call_form = t1->kind == DN_TOK_LPAREN;
	bool comp_form = call_form && dn_parser_peek_at(p, 2)->kind == DN_TOK_IDENT &&
	                 dn_tok_is_kw(dn_parser_peek_at(p, 3), DN_KW_IN);
	switch (t->kw) {
	case DN_KW_TRUE:
	case DN_KW_FALSE: {
		dn_ast *n = dn_parser_node(p, DN_AST_BOOL, t->off);
		if (!n)
			return NULL;
		n->u.b = t->kw == DN_KW_TRUE;
		dn_parser_next(p);
		dn_parser_close(p, n);
		return n;
	}
	case DN_KW_NULL: {
		dn_ast *n = dn_parser_node(p, DN_AST_NULL_LIT, t->off);
		if (n) {
			dn_parser_next(p);
			dn_parser_close(p, n);
		}
		return n;
	}
	case DN_KW_CASE: return parse_case(p);
	case DN_KW_EXISTS:
		if (t1->kind == DN_TOK_LBRACE)
			return parse_exists(p);
		break;
	case DN_KW_COUNT:
	case DN_KW_COLLECT:
		if (t1->kind == DN_TOK_LBRACE) {
			char msg[64];
			snprintf(msg, sizeof msg, "%s { } subqueries", dn_lex_keyword_name(t->kw));
			return dn_parser_notsup(p, t->off, msg);
		}
		break;
	case DN_KW_ALL:
	case DN_KW_ANY:
	case DN_KW_NONE:
	case DN_KW_SINGLE:
		if (comp_form)
			return parse_quant(p);
		break;
	case DN_KW_REDUCE:
		if (call_form && dn_parser_peek_at(p, 2)->kind == DN_TOK_IDENT &&
		    dn_parser_peek_at(p, 3)->kind == DN_TOK_EQ)
			return parse_reduce(p);
		break;
	case DN_KW_FILTER:
	case DN_KW_EXTRACT:
		if (comp_form)
			return dn_parser_notsup(p, t->off, t->kw == DN_KW_FILTER
			                        ? "filter(); write [x IN list WHERE predicate]"
			                        : "extract(); write [x IN list | expression]");
		break;
	case DN_KW_SHORTESTPATH:
	case DN_KW_ALLSHORTESTPATHS:
		if (call_form)
			return dn_parser_notsup(p, t->off, "shortestPath() and allShortestPaths() outside "
			                                   "MATCH; write MATCH p = shortestPath(...)");
		break;
	default: break;
	}
	size_t parts = func_parts(p);
	if (parts && (!dn_lex_keyword_reserved(t->kw) || t->kw == DN_KW_EXISTS))
		return parse_func(p, parts);
	if (t1->kind == DN_TOK_LBRACE && dn_parser_at_var(p))
		return parse_map_proj(p);
	return dn_parse_var(p, "an expression");
}

static dn_ast *parse_atom(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	switch (t->kind) {
	case DN_TOK_INT: return int_literal(p, t, t->off, false);
	case DN_TOK_FLOAT: return float_literal(p, t, t->off, false);
	case DN_TOK_STRING:
	case DN_TOK_PARAM:
		return dn_parser_name_node(p, t->kind == DN_TOK_STRING ? DN_AST_STRING : DN_AST_PARAM,
		                           dn_parser_next(p));
	case DN_TOK_BADNUM:
		return dn_parser_error(p, DN_ESYNTAX, t->off, t->len, "InvalidNumberLiteral",
		                       "invalid number literal '%.*s'", (int)(t->len < 40 ? t->len : 40),
		                       p->text + t->off);
	case DN_TOK_LPAREN: {
		if (dn_parser_at_rel_pattern(p, 0)) {
			dn_ast *n = dn_parser_node(p, DN_AST_PATTERN_PRED, t->off);
			if (!n || !(n->u.pred.path = dn_parse_path_elem(p)))
				return NULL;
			dn_parser_close(p, n);
			return n;
		}
		dn_parser_next(p);
		dn_ast *e = dn_parse_expr(p);
		if (!e || !dn_parser_expect(p, DN_TOK_RPAREN))
			return NULL;
		/* The span takes the parentheses in: an unaliased `RETURN (a+b)`
		 * is the column "(a+b)". */
		e->off = t->off;
		dn_parser_close(p, e);
		e->flags |= DN_AST_F_PAREN;
		return e;
	}
	case DN_TOK_LBRACKET: return parse_bracket(p);
	case DN_TOK_LBRACE: return dn_parse_map(p);
	case DN_TOK_IDENT: return parse_ident_atom(p);
	default: return dn_parser_expected(p, "an expression");
	}
}
