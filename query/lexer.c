/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lexer.c — the first stage of the query pipeline: turns Cypher text into
 * tokens for the parser. It skips whitespace (ASCII and Unicode spaces) and
 * comments, recognises keywords case-insensitively, decodes string escapes
 * and backquoted names, and scans numbers (decimal, 0x hex, 0o octal,
 * floats). It never fails on bad input: that becomes a DN_TOK_ERROR token
 * (or DN_TOK_BADNUM for a malformed number), with the TCK code that applies,
 * for the parser to report where it meets it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l, newlocale, uselocale */
#endif
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

static const struct {
	const char *text;
	uint8_t len;
	bool reserved;
} kw_table[] = {
	{"", 0, false},
#define X(id, text, reserved) {text, sizeof(text) - 1, reserved},
	DN_KEYWORD_LIST(X)
#undef X
};

const char *dn_lex_keyword_name(int kw)
{
	if (kw <= 0 || kw >= DN_KW_COUNT_)
		return "";
	return kw_table[kw].text;
}

bool dn_lex_keyword_reserved(int kw)
{
	return kw > 0 && kw < DN_KW_COUNT_ && kw_table[kw].reserved;
}

/* Binary search of the sorted keyword table; s is upper-cased already. */
static int lex_keyword(const char *s, size_t n)
{
	int lo = 1, hi = DN_KW_COUNT_ - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const char *k = kw_table[mid].text;
		size_t kn = kw_table[mid].len;
		int c = (uint8_t)s[0] - (uint8_t)k[0];
		if (c == 0)
			c = memcmp(s, k, n < kn ? n : kn);
		if (c == 0)
			c = (n > kn) - (n < kn);
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *dn_lex_kind_name(int kind)
{
	switch (kind) {
	case DN_TOK_EOF: return "end of input";
	case DN_TOK_ERROR: return "invalid input";
	case DN_TOK_IDENT: return "an identifier";
	case DN_TOK_INT: return "an integer";
	case DN_TOK_FLOAT: return "a float";
	case DN_TOK_STRING: return "a string";
	case DN_TOK_PARAM: return "a parameter";
	case DN_TOK_BADNUM: return "an invalid number";
	case DN_TOK_LPAREN: return "'('";
	case DN_TOK_RPAREN: return "')'";
	case DN_TOK_LBRACKET: return "'['";
	case DN_TOK_RBRACKET: return "']'";
	case DN_TOK_LBRACE: return "'{'";
	case DN_TOK_RBRACE: return "'}'";
	case DN_TOK_COMMA: return "','";
	case DN_TOK_DOT: return "'.'";
	case DN_TOK_DOTDOT: return "'..'";
	case DN_TOK_COLON: return "':'";
	case DN_TOK_SEMI: return "';'";
	case DN_TOK_PIPE: return "'|'";
	case DN_TOK_EQ: return "'='";
	case DN_TOK_NE: return "'<>'";
	case DN_TOK_BANGEQ: return "'!='";
	case DN_TOK_LT: return "'<'";
	case DN_TOK_GT: return "'>'";
	case DN_TOK_LE: return "'<='";
	case DN_TOK_GE: return "'>='";
	case DN_TOK_REGEX: return "'=~'";
	case DN_TOK_PLUSEQ: return "'+='";
	case DN_TOK_PLUS: return "'+'";
	case DN_TOK_MINUS: return "'-'";
	case DN_TOK_STAR: return "'*'";
	case DN_TOK_SLASH: return "'/'";
	case DN_TOK_PERCENT: return "'%'";
	case DN_TOK_CARET: return "'^'";
	case DN_TOK_AMP: return "'&'";
	case DN_TOK_BANG: return "'!'";
	default: return "a token";
	}
}

size_t dn_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	uint8_t c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Writes cp as UTF-8 into out (room for 4); returns the byte count. */
static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Unicode white space outside ASCII (openCypher's WHITESPACE). */
static bool lex_is_uspace(uint32_t cp)
{
	return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/*
 * Whether a code point above ASCII may appear in an identifier. A compact
 * approximation of Unicode's ID_Continue: letters of every script pass;
 * the punctuation, symbol, arrow, dash, emoji and private-use blocks do
 * not (so `42 — 41` is an InvalidUnicodeCharacter, not a name).
 */
static bool lex_is_uident(uint32_t cp)
{
	if (cp < 0xC0)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp == 0xD7 || cp == 0xF7)
		return false;
	if (lex_is_uspace(cp))
		return false;
	if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
	    (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xE000 && cp <= 0xF8FF) ||
	    (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
	    (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
	    (cp >= 0xFF5B && cp <= 0xFF65) || cp >= 0xFFF0)
		return cp >= 0x20000 && cp <= 0x3FFFF; /* CJK ext. planes */
	return true;
}

static bool lex_is_ascii_ident(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Length of an identifier character at pos (0 if there is none). */
static size_t lex_ident_char(const dn_lexer *lx, size_t pos)
{
	if (pos >= lx->len)
		return 0;
	uint8_t c = (uint8_t)lx->text[pos];
	if (c < 0x80)
		return lex_is_ascii_ident(c) ? 1 : 0;
	uint32_t cp;
	size_t n = dn_utf8_decode((const uint8_t *)lx->text + pos, lx->len - pos, &cp);
	return n && lex_is_uident(cp) ? n : 0;
}

void dn_lex_init(dn_lexer *lx, const char *text, size_t len, dn_arena *arena)
{
	memset(lx, 0, sizeof *lx);
	lx->text = text;
	lx->len = len;
	lx->arena = arena;
}

/* Records a lexical error and turns *tok into the error token. */
static void lex_error(dn_lexer *lx, dn_token *tok, size_t off, size_t len,
                      const char *tck, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void lex_error(dn_lexer *lx, dn_token *tok, size_t off, size_t len,
                      const char *tck, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lx->err_msg, sizeof lx->err_msg, fmt, ap);
	va_end(ap);
	lx->err_off = off;
	lx->err_len = len;
	lx->err_tck = tck;
	tok->kind = DN_TOK_ERROR;
	tok->off = (uint32_t)off;
	tok->len = (uint32_t)len;
	lx->pos = lx->len; /* nothing is scanned after an error */
}

/* A printable rendering of the (possibly multi-byte) character at pos. */
static void lex_char_desc(const dn_lexer *lx, size_t pos, char *buf, size_t cap)
{
	uint8_t c = (uint8_t)lx->text[pos];
	uint32_t cp;
	size_t n;
	if (c >= 0x20 && c < 0x7F)
		snprintf(buf, cap, "'%c'", c);
	else if (c < 0x80)
		snprintf(buf, cap, "U+%04X", c);
	else if ((n = dn_utf8_decode((const uint8_t *)lx->text + pos, lx->len - pos, &cp)))
		snprintf(buf, cap, "'%.*s' (U+%04X)", (int)n, lx->text + pos, (unsigned)cp);
	else
		snprintf(buf, cap, "byte 0x%02X", c);
}

/* Skips white space and comments. Returns false (with *tok an error) on an
 * unterminated block comment. */
static bool lex_skip(dn_lexer *lx, dn_token *tok)
{
	const char *t = lx->text;
	while (lx->pos < lx->len) {
		uint8_t c = (uint8_t)t[lx->pos];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && t[lx->pos + 1] == '/') {
			while (lx->pos < lx->len && t[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && t[lx->pos + 1] == '*') {
			size_t start = lx->pos;
			lx->pos += 2;
			for (;;) {
				if (lx->pos + 1 >= lx->len) {
					lex_error(lx, tok, start, 2, "UnexpectedSyntax",
					          "unterminated comment: '/*' has no '*/'");
					return false;
				}
				if (t[lx->pos] == '*' && t[lx->pos + 1] == '/') {
					lx->pos += 2;
					break;
				}
				lx->pos++;
			}
		} else if (c >= 0x80) {
			uint32_t cp;
			size_t n = dn_utf8_decode((const uint8_t *)t + lx->pos, lx->len - lx->pos, &cp);
			if (!n || !lex_is_uspace(cp))
				return true;
			lx->pos += n;
		} else {
			return true;
		}
	}
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads exactly n hex digits at p; -1 if there are not n of them. */
static long lex_hex(const dn_lexer *lx, size_t p, int n)
{
	long v = 0;
	for (int i = 0; i < n; i++) {
		if (p + (size_t)i >= lx->len)
			return -1;
		int d = hexval(lx->text[p + (size_t)i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *lex_alloc(dn_lexer *lx, size_t n)
{
	if (!lx->arena)
		return NULL;
	char *p = dn_arena_alloc(lx->arena, n);
	if (!p)
		lx->nomem = true;
	return p;
}

/*
 * A string literal: quote q at lx->pos. Escapes: \\ \' \" \b \f \n \r \t
 * (letters in either case), \uXXXX and \UXXXXXXXX; a UTF-16 surrogate pair
 * written as two \u escapes becomes one code point.
 */
static void lex_string(dn_lexer *lx, dn_token *tok)
{
	const char *t = lx->text;
	size_t start = lx->pos;
	char q = t[start];
	size_t p = start + 1;
	/* First pass: find the end, validate. */
	size_t out_len = 0;
	for (;;) {
		if (p >= lx->len) {
			lex_error(lx, tok, start, 1, "UnexpectedSyntax",
			          "unterminated string: %c has no closing %c", q, q);
			return;
		}
		char c = t[p];
		if (c == q)
			break;
		if (c == '\\') {
			if (p + 1 >= lx->len) {
				lex_error(lx, tok, start, 1, "UnexpectedSyntax",
				          "unterminated string: %c has no closing %c", q, q);
				return;
			}
			char e = t[p + 1];
			switch (e) {
			case '\\': case '\'': case '"': case 'b': case 'B': case 'f':
			case 'F': case 'n': case 'N': case 'r': case 'R': case 't': case 'T':
				out_len++;
				p += 2;
				continue;
			case 'u': case 'U': {
				int nd = 4;
				long v = -1;
				if (e == 'U')
					v = lex_hex(lx, p + 2, 8), nd = 8;
				if (v < 0)
					v = lex_hex(lx, p + 2, 4), nd = 4;
				if (v < 0) {
					size_t el = 2;
					while (el < 6 && p + el < lx->len && t[p + el] != q &&
					       lex_is_ascii_ident((uint8_t)t[p + el]))
						el++;
					lex_error(lx, tok, p, el, "InvalidUnicodeLiteral",
					          "invalid Unicode escape '%.*s': expected \\u and 4 hex digits or \\U and 8",
					          (int)el, t + p);
					return;
				}
				size_t el = 2 + (size_t)nd;
				if (v >= 0xD800 && v <= 0xDBFF && p + el + 1 < lx->len &&
				    t[p + el] == '\\' && (t[p + el + 1] == 'u' || t[p + el + 1] == 'U')) {
					long lo = lex_hex(lx, p + el + 2, 4);
					if (lo >= 0xDC00 && lo <= 0xDFFF) {
						out_len += 4;
						p += el + 6;
						continue;
					}
				}
				if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
					lex_error(lx, tok, p, el, "InvalidUnicodeLiteral",
					          "invalid Unicode escape '%.*s': not a Unicode scalar value",
					          (int)el, t + p);
					return;
				}
				out_len += 4;
				p += el;
				continue;
			}
			default: {
				uint32_t cp;
				size_t n = dn_utf8_decode((const uint8_t *)t + p + 1, lx->len - p - 1, &cp);
				lex_error(lx, tok, p, 1 + (n ? n : 1), "UnexpectedSyntax",
				          "invalid escape sequence '\\%.*s' in string (allowed: \\\\ \\' "
				          "\\\" \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX)",
				          (int)(n ? n : 1), t + p + 1);
				return;
			}
			}
		}
		if ((uint8_t)c >= 0x80) {
			uint32_t cp;
			size_t n = dn_utf8_decode((const uint8_t *)t + p, lx->len - p, &cp);
			if (!n) {
				lex_error(lx, tok, p, 1, "InvalidUnicodeCharacter",
				          "invalid UTF-8 byte 0x%02X in string", (uint8_t)c);
				return;
			}
			out_len += n;
			p += n;
			continue;
		}
		out_len++;
		p++;
	}
	size_t end = p + 1;
	tok->kind = DN_TOK_STRING;
	tok->off = (uint32_t)start;
	tok->len = (uint32_t)(end - start);
	lx->pos = end;
	if (!lx->arena) {
		tok->v.str.s = NULL;
		tok->v.str.n = 0;
		return;
	}
	char *out = lex_alloc(lx, out_len + 1);
	if (!out)
		return;
	/* Second pass: decode. */
	size_t o = 0;
	for (p = start + 1; p < end - 1;) {
		char c = t[p];
		if (c != '\\') {
			out[o++] = c;
			p++;
			continue;
		}
		char e = t[p + 1];
		switch (e) {
		case 'b': case 'B': out[o++] = '\b'; p += 2; break;
		case 'f': case 'F': out[o++] = '\f'; p += 2; break;
		case 'n': case 'N': out[o++] = '\n'; p += 2; break;
		case 'r': case 'R': out[o++] = '\r'; p += 2; break;
		case 't': case 'T': out[o++] = '\t'; p += 2; break;
		case 'u': case 'U': {
			long v = -1;
			size_t el = 6;
			if (e == 'U' && (v = lex_hex(lx, p + 2, 8)) >= 0)
				el = 10;
			else
				v = lex_hex(lx, p + 2, 4);
			if (v >= 0xD800 && v <= 0xDBFF) {
				long lo = lex_hex(lx, p + el + 2, 4);
				v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
				el += 6;
			}
			o += utf8_encode((uint32_t)v, out + o);
			p += el;
			break;
		}
		default: out[o++] = e; p += 2; break;
		}
	}
	out[o] = '\0';
	tok->v.str.s = out;
	tok->v.str.n = (uint32_t)o;
}

/* A `backquoted name` at lx->pos; `` stands for one backquote. For
 * parameters, start is the '$' before it. */
static void lex_quoted(dn_lexer *lx, dn_token *tok, size_t start, int kind)
{
	const char *t = lx->text;
	size_t q = lx->pos;
	size_t p = q + 1, n = 0;
	for (;;) {
		if (p >= lx->len) {
			lex_error(lx, tok, q, 1, "UnexpectedSyntax",
			          "unterminated quoted name: ` has no closing `");
			return;
		}
		if (t[p] == '`') {
			if (p + 1 < lx->len && t[p + 1] == '`') {
				p += 2, n++;
				continue;
			}
			break;
		}
		if ((uint8_t)t[p] >= 0x80) {
			uint32_t cp;
			size_t k = dn_utf8_decode((const uint8_t *)t + p, lx->len - p, &cp);
			if (!k) {
				lex_error(lx, tok, p, 1, "InvalidUnicodeCharacter",
				          "invalid UTF-8 byte 0x%02X in quoted name", (uint8_t)t[p]);
				return;
			}
			p += k, n += k;
			continue;
		}
		p++, n++;
	}
	size_t end = p + 1;
	tok->kind = (uint8_t)kind;
	tok->flags |= DN_TOKF_QUOTED;
	tok->off = (uint32_t)start;
	tok->len = (uint32_t)(end - start);
	lx->pos = end;
	char *out = lex_alloc(lx, n + 1);
	if (!out) {
		tok->v.str.s = NULL;
		tok->v.str.n = 0;
		return;
	}
	size_t o = 0;
	for (p = q + 1; p < end - 1; p++) {
		out[o++] = t[p];
		if (t[p] == '`')
			p++;
	}
	out[o] = '\0';
	tok->v.str.s = out;
	tok->v.str.n = (uint32_t)o;
}

/* Consumes the identifier characters glued to a malformed number and makes
 * the whole run one DN_TOK_BADNUM token. */
static void lex_badnum(dn_lexer *lx, dn_token *tok, size_t start, size_t p)
{
	size_t k;
	while ((k = lex_ident_char(lx, p)) != 0)
		p += k;
	tok->kind = DN_TOK_BADNUM;
	tok->off = (uint32_t)start;
	tok->len = (uint32_t)(p - start);
	lx->pos = p;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* strtod in the C locale, whatever the program's locale is. */
static double lex_strtod(const char *s, bool *overflow)
{
	pthread_once(&c_locale_once, c_locale_init);
	errno = 0;
	double v = c_locale ? strtod_l(s, NULL, c_locale) : strtod(s, NULL);
	*overflow = isinf(v) || (errno == ERANGE && fabs(v) > 1.0);
	return v;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number at lx->pos (a digit, or '.' followed by a digit). */
static void lex_number(dn_lexer *lx, dn_token *tok)
{
	const char *t = lx->text;
	size_t start = lx->pos, p = start;
	tok->off = (uint32_t)start;
	if (t[p] == '0' && p + 1 < lx->len && (t[p + 1] == 'x' || t[p + 1] == 'X' ||
	                                       t[p + 1] == 'o' || t[p + 1] == 'O')) {
		int base = (t[p + 1] == 'x' || t[p + 1] == 'X') ? 16 : 8;
		p += 2;
		uint64_t v = 0;
		bool over = false;
		size_t nd = 0;
		for (; p < lx->len; p++, nd++) {
			int d = hexval(t[p]);
			if (d < 0 || d >= base)
				break;
			if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
				over = true;
			v = v * (uint64_t)base + (uint64_t)d;
		}
		if (nd == 0 || lex_ident_char(lx, p)) {
			lex_badnum(lx, tok, start, p);
			return;
		}
		tok->kind = DN_TOK_INT;
		tok->v.u = over ? UINT64_MAX : v;
		if (over)
			tok->flags |= DN_TOKF_OVERFLOW;
		tok->len = (uint32_t)(p - start);
		lx->pos = p;
		return;
	}
	bool is_float = false;
	while (p < lx->len && is_digit(t[p]))
		p++;
	size_t int_end = p;
	if (p + 1 < lx->len && t[p] == '.' && is_digit(t[p + 1])) {
		is_float = true;
		p++;
		while (p < lx->len && is_digit(t[p]))
			p++;
	}
	if (p < lx->len && (t[p] == 'e' || t[p] == 'E')) {
		size_t q = p + 1;
		if (q < lx->len && (t[q] == '+' || t[q] == '-'))
			q++;
		if (q < lx->len && is_digit(t[q])) {
			is_float = true;
			p = q;
			while (p < lx->len && is_digit(t[p]))
				p++;
		}
	}
	if (lex_ident_char(lx, p) || (!is_float && t[start] == '0' && int_end - start > 1)) {
		lex_badnum(lx, tok, start, p);
		return;
	}
	tok->len = (uint32_t)(p - start);
	lx->pos = p;
	if (!is_float) {
		uint64_t v = 0;
		bool over = false;
		for (size_t i = start; i < p; i++) {
			uint64_t d = (uint64_t)(t[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				over = true;
			v = v * 10 + d;
		}
		tok->kind = DN_TOK_INT;
		tok->v.u = over ? UINT64_MAX : v;
		if (over)
			tok->flags |= DN_TOKF_OVERFLOW;
		return;
	}
	tok->kind = DN_TOK_FLOAT;
	size_t n = p - start;
	char small[64];
	char *buf = small;
	if (n >= sizeof small) {
		buf = lex_alloc(lx, n + 1);
		if (!buf) {
			tok->v.f = 0;
			return;
		}
	}
	memcpy(buf, t + start, n);
	buf[n] = '\0';
	bool over;
	tok->v.f = lex_strtod(buf, &over);
	if (over)
		tok->flags |= DN_TOKF_OVERFLOW;
}

int dn_lex_next(dn_lexer *lx, dn_token *tok)
{
	memset(tok, 0, sizeof *tok);
	if (!lex_skip(lx, tok))
		return 0;
	const char *t = lx->text;
	size_t start = lx->pos;
	tok->off = (uint32_t)start;
	if (start >= lx->len) {
		tok->kind = DN_TOK_EOF;
		return 0;
	}
	uint8_t c = (uint8_t)t[start];
	char c1 = start + 1 < lx->len ? t[start + 1] : '\0';
	int k = -1;
	size_t n = 1;
	switch (c) {
	case '(': k = DN_TOK_LPAREN; break;
	case ')': k = DN_TOK_RPAREN; break;
	case '[': k = DN_TOK_LBRACKET; break;
	case ']': k = DN_TOK_RBRACKET; break;
	case '{': k = DN_TOK_LBRACE; break;
	case '}': k = DN_TOK_RBRACE; break;
	case ',': k = DN_TOK_COMMA; break;
	case ':': k = DN_TOK_COLON; break;
	case ';': k = DN_TOK_SEMI; break;
	case '|': k = DN_TOK_PIPE; break;
	case '-': k = DN_TOK_MINUS; break;
	case '*': k = DN_TOK_STAR; break;
	case '/': k = DN_TOK_SLASH; break;
	case '%': k = DN_TOK_PERCENT; break;
	case '^': k = DN_TOK_CARET; break;
	case '&': k = DN_TOK_AMP; break;
	case '=':
		if (c1 == '~')
			k = DN_TOK_REGEX, n = 2;
		else
			k = DN_TOK_EQ;
		break;
	case '<':
		if (c1 == '>')
			k = DN_TOK_NE, n = 2;
		else if (c1 == '=')
			k = DN_TOK_LE, n = 2;
		else
			k = DN_TOK_LT;
		break;
	case '>':
		if (c1 == '=')
			k = DN_TOK_GE, n = 2;
		else
			k = DN_TOK_GT;
		break;
	case '+':
		if (c1 == '=')
			k = DN_TOK_PLUSEQ, n = 2;
		else
			k = DN_TOK_PLUS;
		break;
	case '!':
		if (c1 == '=')
			k = DN_TOK_BANGEQ, n = 2;
		else
			k = DN_TOK_BANG;
		break;
	case '.':
		if (c1 == '.')
			k = DN_TOK_DOTDOT, n = 2;
		else if (is_digit(c1)) {
			lex_number(lx, tok);
			return lx->nomem ? DN_ENOMEM : 0;
		} else
			k = DN_TOK_DOT;
		break;
	default:
		break;
	}
	if (k >= 0) {
		tok->kind = (uint8_t)k;
		tok->len = (uint32_t)n;
		lx->pos = start + n;
		return 0;
	}
	if (is_digit((char)c)) {
		lex_number(lx, tok);
		return lx->nomem ? DN_ENOMEM : 0;
	}
	if (c == '\'' || c == '"') {
		lex_string(lx, tok);
		return lx->nomem ? DN_ENOMEM : 0;
	}
	if (c == '`') {
		lex_quoted(lx, tok, start, DN_TOK_IDENT);
		return lx->nomem ? DN_ENOMEM : 0;
	}
	if (c == '$') {
		lx->pos = start + 1;
		if (lx->pos < lx->len && t[lx->pos] == '`') {
			lex_quoted(lx, tok, start, DN_TOK_PARAM);
			return lx->nomem ? DN_ENOMEM : 0;
		}
		size_t p = lx->pos, w;
		while ((w = lex_ident_char(lx, p)) != 0)
			p += w;
		if (p == lx->pos) {
			lex_error(lx, tok, start, 1, "UnexpectedSyntax",
			          "expected a parameter name after '$'");
			return 0;
		}
		tok->kind = DN_TOK_PARAM;
		tok->len = (uint32_t)(p - start);
		tok->v.str.s = t + start + 1;
		tok->v.str.n = (uint32_t)(p - start - 1);
		lx->pos = p;
		return 0;
	}
	size_t w = lex_ident_char(lx, start);
	if (w && !is_digit((char)c)) {
		size_t p = start + w;
		while ((w = lex_ident_char(lx, p)) != 0)
			p += w;
		tok->kind = DN_TOK_IDENT;
		tok->len = (uint32_t)(p - start);
		tok->v.str.s = t + start;
		tok->v.str.n = (uint32_t)(p - start);
		if (p - start <= 16) {
			char up[17];
			size_t m = p - start;
			for (size_t i = 0; i < m; i++) {
				char ch = t[start + i];
				up[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
			}
			tok->kw = (uint8_t)lex_keyword(up, m);
		}
		lx->pos = p;
		return 0;
	}
	char desc[48];
	lex_char_desc(lx, start, desc, sizeof desc);
	uint32_t cp;
	size_t cl = dn_utf8_decode((const uint8_t *)t + start, lx->len - start, &cp);
	if (c >= 0x80)
		lex_error(lx, tok, start, cl ? cl : 1, "InvalidUnicodeCharacter",
		          cl ? "unexpected character %s" : "invalid UTF-8: %s", desc);
	else
		lex_error(lx, tok, start, 1, "UnexpectedSyntax",
		          "unexpected character %s", desc);
	return 0;
}

bool dn_lex_is_plain_name(const char *s, size_t n, bool keywords_ok)
{
	if (n == 0)
		return false;
	dn_lexer lx;
	dn_lex_init(&lx, s, n, NULL);
	if (is_digit(s[0]))
		return false;
	size_t p = 0, w;
	while ((w = lex_ident_char(&lx, p)) != 0)
		p += w;
	if (p != n)
		return false;
	if (n > 16 || keywords_ok)
		return true;
	char up[17];
	for (size_t i = 0; i < n; i++)
		up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	return !dn_lex_keyword_reserved(lex_keyword(up, n));
}

int dn_lex_split(const char *text, size_t len, size_t *stmt_len)
{
	dn_lexer lx;
	dn_lex_init(&lx, text, len, NULL);
	dn_token tok;
	for (;;) {
		int rc = dn_lex_next(&lx, &tok);
		if (rc)
			return rc;
		if (tok.kind == DN_TOK_SEMI) {
			*stmt_len = tok.off + 1;
			return 0;
		}
		if (tok.kind == DN_TOK_EOF || tok.kind == DN_TOK_ERROR) {
			*stmt_len = len;
			return 0;
		}
	}
}
