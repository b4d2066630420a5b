/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lexer.h — the first stage of the query pipeline: splits Cypher text into
 * tokens (identifiers and keywords, numbers, strings, parameters and
 * punctuation), skipping whitespace and comments. Literal values are decoded
 * here (string escapes, integer magnitudes, floats); malformed input becomes
 * an error token that the parser (parser.c) reports at its position.
 */
#ifndef DN_LEXER_H
#define DN_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Keywords: X(id, text, reserved). A reserved word cannot be an unquoted
 * variable name (it can still be a label, type, property key or map key);
 * the others are recognised only where the grammar expects them. The
 * reserved set is openCypher's, less the words that only schema commands
 * use (CONSTRAINT, FOR, REQUIRE, UNIQUE, DROP, ...). Sorted by text. */
#define DN_KEYWORD_LIST(X)                        \
	X(ALL, "ALL", 1)                              \
	X(ALLSHORTESTPATHS, "ALLSHORTESTPATHS", 0)    \
	X(AND, "AND", 1)                              \
	X(ANY, "ANY", 0)                              \
	X(AS, "AS", 1)                                \
	X(ASC, "ASC", 1)                              \
	X(ASCENDING, "ASCENDING", 1)                  \
	X(ASSERT, "ASSERT", 0)                        \
	X(BY, "BY", 1)                                \
	X(CALL, "CALL", 0)                            \
	X(CASE, "CASE", 1)                            \
	X(COLLECT, "COLLECT", 0)                      \
	X(CONSTRAINT, "CONSTRAINT", 0)                \
	X(CONSTRAINTS, "CONSTRAINTS", 0)              \
	X(CONTAINS, "CONTAINS", 1)                    \
	X(COUNT, "COUNT", 0)                          \
	X(CREATE, "CREATE", 1)                        \
	X(CSV, "CSV", 0)                              \
	X(DELETE, "DELETE", 1)                        \
	X(DESC, "DESC", 1)                            \
	X(DESCENDING, "DESCENDING", 1)                \
	X(DETACH, "DETACH", 1)                        \
	X(DISTINCT, "DISTINCT", 1)                    \
	X(DROP, "DROP", 0)                            \
	X(ELSE, "ELSE", 1)                            \
	X(END, "END", 1)                              \
	X(ENDS, "ENDS", 1)                            \
	X(EXISTS, "EXISTS", 1)                        \
	X(EXPLAIN, "EXPLAIN", 0)                      \
	X(EXTRACT, "EXTRACT", 0)                      \
	X(FALSE, "FALSE", 1)                          \
	X(FILTER, "FILTER", 0)                        \
	X(FINISH, "FINISH", 0)                        \
	X(FOR, "FOR", 0)                              \
	X(FOREACH, "FOREACH", 0)                      \
	X(IF, "IF", 0)                                \
	X(IN, "IN", 1)                                \
	X(INDEX, "INDEX", 0)                          \
	X(INDEXES, "INDEXES", 0)                      \
	X(IS, "IS", 1)                                \
	X(LIMIT, "LIMIT", 1)                          \
	X(LOAD, "LOAD", 0)                            \
	X(MATCH, "MATCH", 1)                          \
	X(MERGE, "MERGE", 1)                          \
	X(NODE, "NODE", 0)                            \
	X(NONE, "NONE", 0)                            \
	X(NOT, "NOT", 1)                              \
	X(NULL, "NULL", 1)                            \
	X(OF, "OF", 0)                                \
	X(ON, "ON", 1)                                \
	X(OPTIONAL, "OPTIONAL", 1)                    \
	X(OPTIONS, "OPTIONS", 0)                      \
	X(OR, "OR", 1)                                \
	X(ORDER, "ORDER", 1)                          \
	X(PROFILE, "PROFILE", 0)                      \
	X(RANGE, "RANGE", 0)                          \
	X(REDUCE, "REDUCE", 0)                        \
	X(REMOVE, "REMOVE", 1)                        \
	X(REQUIRE, "REQUIRE", 0)                      \
	X(RETURN, "RETURN", 1)                        \
	X(SET, "SET", 1)                              \
	X(SHORTESTPATH, "SHORTESTPATH", 0)            \
	X(SHOW, "SHOW", 0)                            \
	X(SINGLE, "SINGLE", 0)                        \
	X(SKIP, "SKIP", 1)                            \
	X(STARTS, "STARTS", 1)                        \
	X(THEN, "THEN", 1)                            \
	X(TRUE, "TRUE", 1)                            \
	X(UNION, "UNION", 1)                          \
	X(UNIQUE, "UNIQUE", 0)                        \
	X(UNWIND, "UNWIND", 1)                        \
	X(USE, "USE", 0)                              \
	X(USING, "USING", 0)                          \
	X(WHEN, "WHEN", 1)                            \
	X(WHERE, "WHERE", 1)                          \
	X(WITH, "WITH", 1)                            \
	X(XOR, "XOR", 1)                              \
	X(YIELD, "YIELD", 0)

enum dn_keyword {
	DN_KW_NONE_ = 0,
#define X(id, text, reserved) DN_KW_##id,
	DN_KEYWORD_LIST(X)
#undef X
	DN_KW_COUNT_
};

typedef enum dn_tok_kind {
	DN_TOK_EOF = 0,
	DN_TOK_ERROR,   /* lexical error: details in the lexer's error fields */
	DN_TOK_IDENT,   /* identifier or keyword; backquoted ones are never keywords */
	DN_TOK_INT,     /* v.u holds the magnitude (sign is a separate '-') */
	DN_TOK_FLOAT,   /* v.f */
	DN_TOK_STRING,  /* v.str, decoded */
	DN_TOK_PARAM,   /* $name or $0: v.str is the name without '$' */
	DN_TOK_BADNUM,  /* a malformed number such as 0x or 12ab (InvalidNumberLiteral) */
	DN_TOK_LPAREN,  /* ( */
	DN_TOK_RPAREN,  /* ) */
	DN_TOK_LBRACKET, /* [ */
	DN_TOK_RBRACKET, /* ] */
	DN_TOK_LBRACE,  /* { */
	DN_TOK_RBRACE,  /* } */
	DN_TOK_COMMA,   /* , */
	DN_TOK_DOT,     /* . */
	DN_TOK_DOTDOT,  /* .. */
	DN_TOK_COLON,   /* : */
	DN_TOK_SEMI,    /* ; */
	DN_TOK_PIPE,    /* | */
	DN_TOK_EQ,      /* = */
	DN_TOK_NE,      /* <> */
	DN_TOK_BANGEQ,  /* != (not Cypher: reported with a hint) */
	DN_TOK_LT,      /* < */
	DN_TOK_GT,      /* > */
	DN_TOK_LE,      /* <= */
	DN_TOK_GE,      /* >= */
	DN_TOK_REGEX,   /* =~ */
	DN_TOK_PLUSEQ,  /* += */
	DN_TOK_PLUS,    /* + */
	DN_TOK_MINUS,   /* - */
	DN_TOK_STAR,    /* * */
	DN_TOK_SLASH,   /* / */
	DN_TOK_PERCENT, /* % */
	DN_TOK_CARET,   /* ^ */
	DN_TOK_AMP,     /* & (label expressions: not supported) */
	DN_TOK_BANG,    /* ! (label expressions: not supported) */
	DN_TOK_KIND_COUNT_
} dn_tok_kind;

enum dn_tok_flags {
	DN_TOKF_QUOTED = 1u << 0,   /* a `backquoted` identifier */
	DN_TOKF_OVERFLOW = 1u << 1, /* INT above UINT64_MAX, or FLOAT out of range */
};

typedef struct dn_token {
	uint8_t kind;  /* dn_tok_kind */
	uint8_t kw;    /* enum dn_keyword for unquoted identifiers, else 0 */
	uint8_t flags; /* dn_tok_flags */
	uint32_t off, len; /* byte span in the source text */
	union {
		uint64_t u;
		double f;
		struct {
			const char *s; /* identifiers: the name (quotes removed) */
			uint32_t n;
		} str;
	} v;
} dn_token;

/* The lexer over text[0..len). Strings it decodes (string literals,
 * backquoted names) are allocated in `arena` and live as long as it. */
typedef struct dn_lexer {
	const char *text;
	size_t len, pos;
	dn_arena *arena;
	bool nomem;
	/* The lexical error behind a DN_TOK_ERROR token. Its span may be
	 * narrower than the token's (the bad escape inside a string). */
	size_t err_off, err_len;
	const char *err_tck; /* TCK code, e.g. "InvalidUnicodeLiteral" */
	char err_msg[160];
} dn_lexer;

/* Starts lexing text[0..len); text need not be NUL-terminated. */
void dn_lex_init(dn_lexer *lx, const char *text, size_t len, dn_arena *arena);

/*
 * Scans the next token into *tok. Returns 0, or DN_ENOMEM when the arena
 * could not grow. A lexical error yields a DN_TOK_ERROR token (its fields
 * in lx->err_*); after it the lexer returns only DN_TOK_EOF, as it does at
 * the end of the text.
 */
int dn_lex_next(dn_lexer *lx, dn_token *tok);

/* The canonical (upper-case) text of a keyword, "" for 0. */
const char *dn_lex_keyword_name(int kw);
/* Whether a keyword is reserved (cannot name a variable unquoted). */
bool dn_lex_keyword_reserved(int kw);
/* How a token kind reads in messages: "'('", "an identifier", ... */
const char *dn_lex_kind_name(int kind);
/* Whether s[0..n) can be written without backquotes: identifier syntax
 * and, unless keywords_ok, not a reserved word. */
bool dn_lex_is_plain_name(const char *s, size_t n, bool keywords_ok);

/*
 * Finds the end of the first statement of a script: *stmt_len is the
 * offset just past the first ';' outside strings, names and comments, or
 * len when there is none. Lets a client split a script into statements
 * without being fooled by a ';' inside a string. Returns 0 or DN_ENOMEM;
 * lexical errors are left for the parser to report (the rest of the text
 * is then one statement).
 */
int dn_lex_split(const char *text, size_t len, size_t *stmt_len);

/* Decodes one UTF-8 sequence at p[0..n): returns its length (1..4) and
 * *cp, or 0 when the bytes are not valid UTF-8 (overlong, surrogate, past
 * U+10FFFF or truncated). */
size_t dn_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

#endif /* DN_LEXER_H */
