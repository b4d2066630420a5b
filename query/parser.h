/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.h — the second stage of the query pipeline: a recursive-descent
 * parser from the lexer's tokens (lexer.h) to the syntax tree (ast.h), with
 * positioned errors. The resolver comes next; it reads the tree and writes
 * its own errors through dn_parse_error_set, so that the first error of
 * the whole pipeline is the one reported.
 *
 * The language is the Cypher subset of DESIGN §4; the grammar, node by node,
 * is in parser.c. Two dragnet decisions a user can see:
 *  - `AS OF <expr>` comes first in a statement, or right after EXPLAIN or
 *    PROFILE: `AS OF 42 MATCH ...`, `EXPLAIN AS OF datetime('2024-03-01')
 *    MATCH ...`. It applies to the whole statement (every part of a UNION)
 *    and only to queries, not schema commands. The parser accepts any
 *    expression; the resolver requires a constant: an integer is a log
 *    position, a date or datetime a point in time.
 *  - A statement may end with one ';'. Several statements are split by the
 *    caller (dn_lex_split in lexer.h finds the first ';' that ends one).
 */
#ifndef DN_PARSER_H
#define DN_PARSER_H

#include <stddef.h>

#include "ast.h"

/* A positioned query error: the public dn_query_error (dragnet.h). The
 * parser sets DN_ESYNTAX, DN_ENOTSUP or DN_ELIMIT; later stages add
 * DN_ESEMANTIC and DN_ERUNTIME. */
typedef dn_query_error dn_parse_error;

/* The parse of one statement: the tree and everything it points to live in
 * the arena, with a NUL-terminated copy of the statement text (spans index
 * into it). */
typedef struct dn_parse_result {
	dn_arena arena;
	const char *text; /* copy of the statement, NUL-terminated */
	size_t len;
	dn_ast *root; /* DN_AST_STATEMENT */
} dn_parse_result;

/* How deep expressions and patterns may nest (brackets, parentheses,
 * operators); deeper input fails with DN_ELIMIT rather than exhausting the
 * stack. */
#define DN_PARSE_MAX_DEPTH 200

/*
 * Parses one statement text[0..len) (it need not be NUL-terminated; it may
 * contain NUL bytes inside strings). On success returns 0 and *out, which
 * the caller releases with dn_parse_free. On failure returns the error
 * code, fills *err (if not NULL) and sets *out to NULL: DN_ESYNTAX,
 * DN_ENOTSUP, DN_ELIMIT (also for text of 2 GiB or more), or DN_ENOMEM
 * (err->code is DN_ENOMEM, without a position).
 */
int dn_parse(const char *text, size_t len, dn_parse_result **out, dn_parse_error *err);

/* Releases a parse result and its tree. Accepts NULL. */
void dn_parse_free(dn_parse_result *res);

/* Line and column (from 1; the column in code points) of byte offset off
 * in text[0..len). */
void dn_text_position(const char *text, size_t len, size_t off, int *line, int *column);

/*
 * Records an error in *err unless one is there already (the first error
 * wins): code, span, tck code (NULL for none) and message, with line and
 * column computed from text. Returns err->code, the code of the error that
 * stands, so that callers can `return dn_parse_error_set(...)`.
 */
int dn_parse_error_set(dn_parse_error *err, const char *text, size_t len, int code,
                       size_t off, size_t span, const char *tck, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * Renders the line of text that holds byte offset `offset`, then a line
 * with ^ under the span (at least one ^; a span running past the end of
 * the line is cut there), each line ending in '\n'. Tabs in the source are
 * kept under the caret so that it lines up; a line longer than about 100
 * characters is shown as a window around the span, with "..." at the cut
 * ends. Writes at most cap bytes including the NUL (when cap > 0) and
 * returns the length the whole text needs, like snprintf.
 */
size_t dn_error_format_caret(const char *text, size_t offset, size_t length,
                             char *buf, size_t cap);

#endif /* DN_PARSER_H */
