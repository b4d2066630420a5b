/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser_internal.h — what the parser's files share: the parser state over
 * the token array, token helpers, error reporting and node construction.
 * parser.c holds statements and clauses, parser_pattern.c patterns,
 * parser_expr.c expressions. Not part of any public API.
 */
#ifndef DN_PARSER_INTERNAL_H
#define DN_PARSER_INTERNAL_H

#include "ast.h"
#include "lexer.h"
#include "parser.h"

/* How deep the tree may get (each operator of a chain counts one level):
 * later stages recurse over it. */
#define DN_PARSE_MAX_TREE 1000

typedef struct dn_parser {
	const char *text; /* the statement (the result's copy) */
	size_t len;
	dn_arena *arena;
	dn_lexer lx;
	dn_token *toks; /* all tokens, ending with EOF or ERROR */
	size_t ntoks;
	size_t pos;       /* current token */
	uint32_t last_end; /* end offset of the last consumed token */
	dn_parse_error *err;
	int rc;    /* first error code; parsing unwinds once it is set */
	int nest;  /* recursion depth (DN_PARSE_MAX_DEPTH) */
	int depth; /* tree depth estimate (DN_PARSE_MAX_TREE) */
	int subq;  /* inside EXISTS { }: a '}' ends a query */
} dn_parser;

/* Token access. The last token (EOF or ERROR) repeats past the end. */
static inline const dn_token *dn_parser_peek_at(const dn_parser *p, size_t k)
{
	size_t i = p->pos + k;
	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static inline const dn_token *dn_parser_peek(const dn_parser *p)
{
	return dn_parser_peek_at(p, 0);
}

static inline const dn_token *dn_parser_next(dn_parser *p)
{
	const dn_token *t = dn_parser_peek(p);
	if (p->pos < p->ntoks - 1)
		p->pos++;
	p->last_end = t->off + t->len;
	return t;
}

static inline bool dn_tok_is_kw(const dn_token *t, int kw)
{
	return t->kind == DN_TOK_IDENT && t->kw == kw;
}

/* Consumes the current token if it is of kind / the keyword. */
bool dn_parser_accept(dn_parser *p, int kind);
bool dn_parser_accept_kw(dn_parser *p, int kw);
/* Consumes a token of kind, or fails with "expected <kind> but found ...". */
bool dn_parser_expect(dn_parser *p, int kind);
bool dn_parser_expect_kw(dn_parser *p, int kw);

/* Records an error at a span (the first error wins) and sets p->rc.
 * Returns NULL, for `return dn_parser_error(...)`. */
void *dn_parser_error(dn_parser *p, int code, size_t off, size_t len, const char *tck,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* "expected <what> but found <current token>" at the current token (a
 * lexical error token reports the lexer's error instead). */
void *dn_parser_expected(dn_parser *p, const char *what);
/* "not supported: <what>" (DN_ENOTSUP) over the span [off, end of the
 * current token). */
void *dn_parser_notsup(dn_parser *p, size_t off, const char *what);
/* Out of memory. */
void *dn_parser_oom(dn_parser *p);
/* A short quoted rendering of a token for messages: 'RETURN', end of
 * input, ... into buf. */
const char *dn_parser_tok_desc(const dn_parser *p, const dn_token *t, char *buf, size_t cap);

/* Entering a recursive rule; false (with an error) when too deep. */
bool dn_parser_enter(dn_parser *p);
static inline void dn_parser_leave(dn_parser *p)
{
	p->nest--;
	p->depth--;
}
/* One more level of tree depth in an operator chain; false when too deep. */
bool dn_parser_deepen(dn_parser *p);

/* Node construction: a node starting at off, and its span closed at the
 * end of the last consumed token. */
dn_ast *dn_parser_node(dn_parser *p, int kind, uint32_t off);
static inline void dn_parser_close(const dn_parser *p, dn_ast *n)
{
	n->len = p->last_end > n->off ? p->last_end - n->off : 0;
}
bool dn_parser_push(dn_parser *p, dn_ast_list *l, dn_ast *n);

/* Names: a VAR from the current token (an identifier that is not a
 * reserved word, unless backquoted), a NAME from any identifier (labels,
 * types, keys), a NAME from a token's text. NULL (with an error naming
 * `what`) when the current token does not fit. */
dn_ast *dn_parse_var(dn_parser *p, const char *what);
dn_ast *dn_parse_name(dn_parser *p, const char *what);
dn_ast *dn_parser_name_node(dn_parser *p, int kind, const dn_token *t);
/* Whether the current token can be a variable name. */
bool dn_parser_at_var(const dn_parser *p);

/* The query of EXISTS { ... } after its '{' (parser.c): clauses up to the
 * '}', reading only. */
dn_ast *dn_parse_subquery(dn_parser *p);

/* parser_expr.c */
dn_ast *dn_parse_expr(dn_parser *p);
/* An atom with its property lookups, indexing and label predicates (the
 * targets of SET and REMOVE). */
dn_ast *dn_parse_postfix(dn_parser *p);
/* A map literal at '{'. */
dn_ast *dn_parse_map(dn_parser *p);

/* parser_pattern.c */
/* A pattern: comma-separated parts. */
dn_ast *dn_parse_pattern(dn_parser *p);
/* One pattern part: [var =] [shortestPath(...)] elements. */
dn_ast *dn_parse_path(dn_parser *p);
/* A pattern element without a path variable, for pattern predicates and
 * comprehensions: (a)-[...]-(b)... */
dn_ast *dn_parse_path_elem(dn_parser *p);
/* Whether the tokens at pos+k start a relationship pattern: '(' ... ')'
 * followed by '-' '-', '-' '[', '<' '-'. */
bool dn_parser_at_rel_pattern(const dn_parser *p, size_t k);
/* Node properties: a map literal or a parameter. */
dn_ast *dn_parse_props(dn_parser *p);

#endif /* DN_PARSER_INTERNAL_H */
