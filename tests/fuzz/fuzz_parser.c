/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_parser.c — libFuzzer target for the first two stages of the query
 * pipeline (query/lexer.c, query/parser*.c, query/ast.c): any byte string
 * must either parse, with every node's span inside the text and the dump
 * and walk completing, or fail with a positioned DN_ESYNTAX, DN_ENOTSUP or
 * DN_ELIMIT error whose caret rendering stays in bounds. Built and run by
 * tests/fuzz/run.sh (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                 \
	do {                         \
		if (!(c))                \
			__builtin_trap();    \
	} while (0)

typedef struct span_ctx {
	size_t len;
	size_t nodes;
} span_ctx;

static int check_span(dn_ast *n, dn_ast *parent, void *ctx)
{
	span_ctx *c = ctx;
	CHECK(n->kind < DN_AST_KIND_COUNT_);
	CHECK((size_t)n->off + n->len <= c->len);
	CHECK(n->off >= parent->off && n->off + n->len <= parent->off + parent->len);
	if (n->kind == DN_AST_VAR || n->kind == DN_AST_NAME || n->kind == DN_AST_STRING ||
	    n->kind == DN_AST_PARAM)
		CHECK(n->u.name.s && n->u.name.s[n->u.name.len] == '\0');
	c->nodes++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	dn_parse_result *res = NULL;
	dn_parse_error err;
	int rc = dn_parse(text, size, &res, &err);
	if (rc == 0) {
		CHECK(res && res->root && res->root->kind == DN_AST_STATEMENT);
		CHECK(res->len == size && res->text[size] == '\0');
		span_ctx c = {size, 0};
		CHECK(res->root->off + res->root->len <= size);
		dn_ast_walk(res->root, check_span, &c);
		dn_buf b = {0};
		CHECK(dn_ast_dump(res->root, &b, DN_AST_DUMP_SPANS) == 0);
		CHECK(b.len > 0 && b.p[b.len] == '\0');
		dn_buf_free(&b);
		dn_parse_free(res);
	} else {
		CHECK(res == NULL);
		CHECK(rc == DN_ESYNTAX || rc == DN_ENOTSUP || rc == DN_ELIMIT || rc == DN_ENOMEM);
		CHECK(err.code == rc);
		CHECK(err.offset <= size);
		CHECK(err.line >= 1 && err.column >= 1);
		CHECK(err.message[0] != '\0');
		CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
		/* The caret renderer wants NUL-terminated text. */
		char *z = malloc(size + 1);
		if (z) {
			memcpy(z, data, size);
			z[size] = '\0';
			char small[16], big[512];
			size_t need = dn_error_format_caret(z, err.offset, err.length, small, sizeof small);
			CHECK(strlen(small) < sizeof small);
			size_t need2 = dn_error_format_caret(z, err.offset, err.length, big, sizeof big);
			CHECK(need == need2);
			if (need < sizeof big)
				CHECK(strlen(big) == need);
			free(z);
		}
	}
	size_t stmt_len = 0;
	CHECK(dn_lex_split(text, size, &stmt_len) == 0);
	CHECK(stmt_len <= size);
	return 0;
}
