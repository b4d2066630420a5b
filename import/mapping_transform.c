/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapping_transform.c — the value transforms of mapping files: a compiled
 * chain of text steps (trim, case, name, TIN and phone normalisation, regex
 * extraction, lookup tables) that may end in one typed step (int, float,
 * number with decimal comma, bool, date and datetime with an explicit
 * format, split into a list). Unicode case mapping and normalisation come
 * from utf8proc; regular expressions are POSIX extended, as in the query
 * language's =~.
 */
#include "mapping.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

/* ------------------------------------------------------------------ */
/* Compiling                                                           */
/* ------------------------------------------------------------------ */

/* The transforms by name, in mt_kind order (messages index it by kind). */
static const struct {
	const char *name;
	mt_kind kind;
} mt_names[] = {
	{"trim", MT_TRIM}, {"collapse", MT_COLLAPSE}, {"upper", MT_UPPER}, {"lower", MT_LOWER},
	{"title", MT_TITLE}, {"name", MT_NAME}, {"tin", MT_TIN},
	{"phone", MT_PHONE}, {"regex", MT_REGEX}, {"map", MT_MAP},
	{"replace", MT_REPLACE}, {"int", MT_INT}, {"float", MT_FLOAT},
	{"number", MT_NUMBER}, {"bool", MT_BOOL}, {"date", MT_DATE},
	{"datetime", MT_DATETIME}, {"split", MT_SPLIT},
};

static int cerr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cerr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return DN_ESYNTAX;
}

static bool mt_typed(mt_kind k)
{
	return k >= MT_INT;
}

/* A string argument, either the value itself or the member `key` of an
 * object. Returns NULL when absent or not a string. */
static const char *arg_str(const json_t *arg, const char *key)
{
	if (json_is_string(arg))
		return json_string_value(arg);
	if (json_is_object(arg))
		return json_string_value(json_object_get(arg, key));
	return NULL;
}

/* Checks that a date format uses only the tokens mt_parse_date knows. */
static bool fmt_has(const char *f, const char *tok)
{
	return strstr(f, tok) != NULL;
}

const char *mt_regex_check(const char *pat)
{
	bool quant = false; /* the previous token was a repetition */
	if (strlen(pat) > MT_REGEX_MAX)
		return "longer than 256 characters";
	for (const char *p = pat; *p; p++) {
		bool q = *p == '*' || *p == '+' || *p == '?' || *p == '{';
		if (*p == '\\' && p[1]) {
			p++;
			quant = false;
			continue;
		}
		if (*p == '[') { /* a bracket expression: its characters are literal */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				break;
			quant = false;
			continue;
		}
		if (q && quant)
			return "a repetition of a repetition (such as a++ or (a*)*) is not allowed";
		if (*p == '{') {
			while (*p && *p != '}') {
				if (isdigit((unsigned char)*p) && atoi(p) > 100)
					return "a repetition count above 100";
				p++;
			}
			if (!*p)
				break;
		}
		/* a group that ends in a repetition, repeated, counts too */
		quant = q || (*p == ')' && p > pat && (p[-1] == '*' || p[-1] == '+' ||
		                                        p[-1] == '?' || p[-1] == '}'));
	}
	return NULL;
}

static int step_compile(const char *name, const json_t *arg, const char *path,
                        mt_step *s, char *err, size_t errlen)
{
	size_t i;
	const char *a;

	memset(s, 0, sizeof *s);
	for (i = 0; i < sizeof mt_names / sizeof mt_names[0]; i++)
		if (strcmp(mt_names[i].name, name) == 0)
			break;
	if (i == sizeof mt_names / sizeof mt_names[0])
		return cerr(err, errlen, "%s: unknown transform '%s'", path, name);
	s->kind = mt_names[i].kind;
	switch (s->kind) {
	case MT_DATE:
	case MT_DATETIME:
		a = arg_str(arg, "format");
		if (!a)
			return cerr(err, errlen, "%s: '%s' needs a format, as {\"%s\": \"DD/MM/YYYY\"}",
			            path, name, name);
		if (!fmt_has(a, "YY") || !(fmt_has(a, "M")) || !fmt_has(a, "D"))
			return cerr(err, errlen, "%s: date format '%s' needs a year (YYYY), a month (MM) and a day (DD)",
			            path, a);
		break;
	case MT_TIN:
	case MT_PHONE:
		a = arg_str(arg, "country");
		if (arg && !a && !(json_is_object(arg) && !json_object_get(arg, "country")))
			return cerr(err, errlen, "%s: '%s' takes {\"country\": \"...\"}", path, name);
		if (s->kind == MT_PHONE) {
			if (!a)
				return cerr(err, errlen, "%s: 'phone' needs the default country calling code, as {\"phone\": {\"country\": \"49\"}}",
				            path);
			for (const char *p = a[0] == '+' ? a + 1 : a; *p; p++)
				if (!isdigit((unsigned char)*p))
					return cerr(err, errlen, "%s: phone country '%s' is not a calling code (digits)", path, a);
			if (a[0] == '+')
				a++;
		} else if (a && (strlen(a) != 2 || !isalpha((unsigned char)a[0]) ||
		                 !isalpha((unsigned char)a[1]))) {
			return cerr(err, errlen, "%s: TIN country '%s' is not a two-letter code", path, a);
		}
		break;
	case MT_SPLIT:
		a = arg_str(arg, "separator");
		if (!a)
			a = ";";
		if (!*a)
			return cerr(err, errlen, "%s: split separator is empty", path);
		break;
	case MT_REGEX:
		a = arg_str(arg, "pattern");
		if (!a)
			return cerr(err, errlen, "%s: 'regex' needs a pattern", path);
		break;
	case MT_REPLACE:
		a = arg_str(arg, "pattern");
		if (!a || !json_is_string(json_object_get(arg, "with")))
			return cerr(err, errlen, "%s: 'replace' takes {\"pattern\": \"...\", \"with\": \"...\"}", path);
		if (!(s->arg2 = strdup(json_string_value(json_object_get(arg, "with")))))
			return DN_ENOMEM;
		break;
	case MT_MAP: {
		const json_t *t = json_is_object(arg) ? json_object_get(arg, "values") : NULL;
		const char *k;
		json_t *v;
		if (!t)
			t = arg;
		if (!json_is_object(t))
			return cerr(err, errlen, "%s: 'map' takes {\"values\": {\"from\": \"to\", ...}}", path);
		json_object_foreach((json_t *)t, k, v)
			if (!json_is_string(v))
				return cerr(err, errlen, "%s.%s: map values must be strings", path, k);
		s->table = json_incref((json_t *)t);
		s->keep = !json_is_object(arg) || !json_is_false(json_object_get(arg, "keep"));
		a = NULL;
		break;
	}
	case MT_NUMBER: {
		const char *d = arg_str(arg, "decimal"), *t = NULL;
		if (json_is_object(arg))
			t = json_string_value(json_object_get(arg, "thousands"));
		s->dec = d ? d[0] : '.';
		s->thou = t ? t[0] : (s->dec == ',' ? '.' : ',');
		if ((d && strlen(d) != 1) || (t && strlen(t) > 1) || s->dec == s->thou)
			return cerr(err, errlen, "%s: 'number' takes {\"decimal\": \",\", \"thousands\": \".\"} (one character each, different)",
			            path);
		a = NULL;
		break;
	}
	case MT_NAME:
		s->strip_marks = json_is_object(arg) && json_is_true(json_object_get(arg, "strip_accents"));
		a = NULL;
		break;
	default:
		a = NULL;
		break;
	}
	if (a && !(s->arg = strdup(a)))
		return DN_ENOMEM;
	if (s->kind == MT_REGEX || s->kind == MT_REPLACE) {
		regex_t *re;
		const char *why = mt_regex_check(s->arg);
		int rc;
		if (why)
			return cerr(err, errlen, "%s: regular expression '%s': %s", path, s->arg, why);
		if (!(re = malloc(sizeof *re)))
			return DN_ENOMEM;
		if ((rc = regcomp(re, s->arg, REG_EXTENDED))) {
			char msg[128];
			regerror(rc, re, msg, sizeof msg);
			free(re);
			return cerr(err, errlen, "%s: bad regular expression '%s': %s", path, s->arg, msg);
		}
		s->re = re;
	}
	return 0;
}

static void step_free(mt_step *s)
{
	free(s->arg);
	free(s->arg2);
	if (s->re) {
		regfree(s->re);
		free(s->re);
	}
	json_decref(s->table);
}

int mt_chain_compile(const json_t *spec, const char *path, mt_chain *out,
                     char *err, size_t errlen)
{
	size_t n = json_is_array(spec) ? json_array_size(spec) : 1;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!spec || json_is_null(spec))
		return 0;
	if (!(out->steps = calloc(n ? n : 1, sizeof *out->steps)))
		return DN_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		const json_t *e = json_is_array(spec) ? json_array_get(spec, i) : spec;
		char p[512];
		if (json_is_array(spec))
			snprintf(p, sizeof p, "%s[%zu]", path, i);
		else
			snprintf(p, sizeof p, "%s", path);
		if (json_is_string(e)) {
			rc = step_compile(json_string_value(e), NULL, p, &out->steps[i], err, errlen);
		} else if (json_is_object(e) && json_object_size(e) == 1) {
			const char *k = json_object_iter_key(json_object_iter((json_t *)e));
			rc = step_compile(k, json_object_get(e, k), p, &out->steps[i], err, errlen);
		} else {
			rc = cerr(err, errlen, "%s: a transform is a name (\"trim\") or an object with one key ({\"date\": \"DD/MM/YYYY\"})", p);
		}
		if (!rc)
			out->n = i + 1;
		else
			step_free(&out->steps[i]); /* what the failed step kept */
		if (!rc && i > 0 && mt_typed(out->steps[i - 1].kind))
			rc = cerr(err, errlen, "%s: '%s' cannot follow '%s', which does not give text", p,
			          mt_names[out->steps[i].kind].name, mt_names[out->steps[i - 1].kind].name);
	}
	if (rc)
		mt_chain_free(out);
	return rc;
}

void mt_chain_free(mt_chain *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		step_free(&c->steps[i]);
	if (c) {
		free(c->steps);
		memset(c, 0, sizeof *c);
	}
}

void mt_scratch_free(mt_scratch *sc)
{
	if (!sc)
		return;
	free(sc->a.p);
	free(sc->b.p);
	free(sc->items);
	memset(sc, 0, sizeof *sc);
}

/* ------------------------------------------------------------------ */
/* Text helpers                                                        */
/* ------------------------------------------------------------------ */

static int buf_reserve(mt_buf *b, size_t n)
{
	if (n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 64;
		char *p;
		while (c < n + 1)
			c *= 2;
		if (!(p = realloc(b->p, c)))
			return DN_ENOMEM;
		b->p = p;
		b->cap = c;
	}
	return 0;
}

static int buf_set(mt_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n))
		return DN_ENOMEM;
	memmove(b->p, s, n);
	b->p[n] = '\0';
	b->len = n;
	return 0;
}

static int buf_putc(mt_buf *b, char c)
{
	if (buf_reserve(b, b->len + 1))
		return DN_ENOMEM;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

static int buf_cp(mt_buf *b, utf8proc_int32_t cp)
{
	if (buf_reserve(b, b->len + 4))
		return DN_ENOMEM;
	b->len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)b->p + b->len);
	b->p[b->len] = '\0';
	return 0;
}

/* Whitespace: ASCII space and controls, and Unicode separators (Z*). */
static bool is_space(utf8proc_int32_t cp)
{
	utf8proc_category_t c;
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
	       c == UTF8PROC_CATEGORY_ZP;
}

/* Decodes one code point at s[*i..n) (invalid bytes read as U+FFFD). */
static utf8proc_int32_t next_cp(const char *s, size_t n, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
	                                      (utf8proc_ssize_t)(n - *i), &cp);
	if (k <= 0) {
		(*i)++;
		return 0xFFFD;
	}
	*i += (size_t)k;
	return cp;
}

static int t_trim(const char *s, size_t n, mt_buf *o)
{
	size_t b = 0, e = n, i;
	while (b < e) {
		i = b;
		if (!is_space(next_cp(s, e, &i)))
			break;
		b = i;
	}
	while (e > b) {
		size_t j = e - 1;
		while (j > b && ((unsigned char)s[j] & 0xC0) == 0x80)
			j--;
		i = j;
		if (!is_space(next_cp(s, e, &i)))
			break;
		e = j;
	}
	return buf_set(o, s + b, e - b);
}

/* collapse: trim, and each inner run of whitespace becomes one space. */
static int t_collapse(const char *s, size_t n, mt_buf *o)
{
	bool space = false;
	o->len = 0;
	if (buf_reserve(o, n))
		return DN_ENOMEM;
	for (size_t i = 0; i < n;) {
		size_t at = i;
		if (is_space(next_cp(s, n, &i))) {
			space = o->len > 0;
			continue;
		}
		if (space)
			o->p[o->len++] = ' ';
		space = false;
		memcpy(o->p + o->len, s + at, i - at);
		o->len += i - at;
	}
	o->p[o->len] = '\0';
	return 0;
}

/* upper / lower / title, code point by code point. */
static int t_case(mt_kind k, const char *s, size_t n, mt_buf *o)
{
	bool start = true;
	o->len = 0;
	if (buf_reserve(o, n))
		return DN_ENOMEM;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp, r;
		unsigned char b = (unsigned char)s[i];
		if (b < 0x80 && k != MT_TITLE) { /* ASCII: no table lookup */
			if (buf_putc(o, (char)(k == MT_UPPER ? toupper(b) : tolower(b))))
				return DN_ENOMEM;
			i++;
			continue;
		}
		cp = next_cp(s, n, &i);
		if (k == MT_UPPER)
			r = utf8proc_toupper(cp);
		else if (k == MT_LOWER)
			r = utf8proc_tolower(cp);
		else
			r = start ? utf8proc_totitle(cp) : utf8proc_tolower(cp);
		if (k == MT_TITLE) {
			utf8proc_category_t c = utf8proc_category(cp);
			/* a word goes on through letters, marks, digits and the
			 * apostrophe (O'Brien stays one word: O'brien) */
			start = !(c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
			          c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO ||
			          c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_MN ||
			          c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ND ||
			          cp == '\'' || cp == 0x2019);
		}
		if (buf_cp(o, r))
			return DN_ENOMEM;
	}
	return 0;
}

/* name: NFKC with case folding (and optionally without accents), then
 * punctuation dropped and runs of whitespace collapsed to one space. */
static int t_name(const mt_step *st, const char *s, size_t n, mt_buf *o)
{
	utf8proc_uint8_t *m = NULL;
	int opt = UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	          UTF8PROC_IGNORE | UTF8PROC_STRIPCC;
	utf8proc_ssize_t k;
	bool space = false;
	size_t ml;

	if (st->strip_marks)
		opt |= UTF8PROC_STRIPMARK;
	k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
	                 (utf8proc_option_t)opt);
	if (k < 0)
		return k == UTF8PROC_ERROR_NOMEM ? DN_ENOMEM : DN_ETYPE;
	ml = (size_t)k;
	o->len = 0;
	if (buf_reserve(o, ml)) {
		free(m);
		return DN_ENOMEM;
	}
	for (size_t i = 0; i < ml;) {
		utf8proc_int32_t cp = next_cp((const char *)m, ml, &i);
		utf8proc_category_t c = utf8proc_category(cp);
		bool punct = c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
		if (is_space(cp) || (punct && cp != '&')) {
			/* punctuation between letters ("A.B.C", "Smith-Jones")
			 * separates words */
			space = o->len > 0 && (is_space(cp) || cp == '-' || cp == '/' ||
			                       cp == ',' || cp == 0x2010 || cp == 0x2013) ? true : space;
			continue;
		}
		if (space && o->len > 0 && buf_putc(o, ' ')) {
			free(m);
			return DN_ENOMEM;
		}
		space = false;
		if (buf_cp(o, cp)) {
			free(m);
			return DN_ENOMEM;
		}
	}
	free(m);
	return 0;
}

/* tin: letters and digits only, upper case; a country prefix added when
 * the value does not start with two letters. */
static int t_tin(const mt_step *st, const char *s, size_t n, mt_buf *o,
                 char *err, size_t errlen)
{
	o->len = 0;
	if (buf_reserve(o, n + 2))
		return DN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '.' || c == '-' || c == '/' || c == '\t')
			continue;
		if (!isalnum(c)) {
			snprintf(err, errlen, "'%.*s' is not a tax number (character '%c')",
			         (int)n, s, c);
			return DN_ETYPE;
		}
		o->p[o->len++] = (char)toupper(c);
	}
	o->p[o->len] = '\0';
	if (st->arg && o->len > 0 &&
	    !(o->len >= 2 && isalpha((unsigned char)o->p[0]) && isalpha((unsigned char)o->p[1]))) {
		memmove(o->p + 2, o->p, o->len + 1);
		o->p[0] = (char)toupper((unsigned char)st->arg[0]);
		o->p[1] = (char)toupper((unsigned char)st->arg[1]);
		o->len += 2;
	}
	return 0;
}

/* phone: E.164, "+" and 8 to 15 digits. "+CC...", "00CC..." keep their
 * country; a national number ("030 1234", trunk prefix 0) takes the
 * default country. */
static int t_phone(const mt_step *st, const char *s, size_t n, mt_buf *o,
                   char *err, size_t errlen)
{
	char d[64];
	size_t nd = 0, digits;
	bool plus = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plus && i + 3 <= n && memcmp(s + i, "(0)", 3) == 0) {
			i += 2; /* "+49 (0)421 ...": the trunk 0 is not dialled */
			continue;
		}
		if (c == '+' && nd == 0 && !plus) {
			plus = true;
		} else if (isdigit(c)) {
			if (nd + 1 >= sizeof d)
				goto bad;
			d[nd++] = (char)c;
		} else if (!(c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' ||
		             c == ')' || c == '\t')) {
			goto bad;
		}
	}
	d[nd] = '\0';
	o->len = 0;
	if (buf_reserve(o, nd + strlen(st->arg) + 2))
		return DN_ENOMEM;
	o->p[o->len++] = '+';
	if (plus) {
		memcpy(o->p + o->len, d, nd);
		o->len += nd;
	} else if (nd >= 2 && d[0] == '0' && d[1] == '0') {
		memcpy(o->p + o->len, d + 2, nd - 2);
		o->len += nd - 2;
	} else {
		size_t cl = strlen(st->arg);
		size_t skip = nd > 0 && d[0] == '0' ? 1 : 0;
		memcpy(o->p + o->len, st->arg, cl);
		memcpy(o->p + o->len + cl, d + skip, nd - skip);
		o->len += cl + nd - skip;
	}
	o->p[o->len] = '\0';
	digits = o->len - 1;
	if (digits < 8 || digits > 15 || o->p[1] == '0')
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "'%.*s' is not a phone number", (int)n, s);
	return DN_ETYPE;
}

static int t_regex(const mt_step *st, const char *s, size_t n, mt_buf *o)
{
	regmatch_t m[2];
	mt_buf tmp = {0};
	int rc;
	/* regexec needs a NUL-terminated subject */
	if (buf_set(&tmp, s, n))
		return DN_ENOMEM;
	if (regexec(st->re, tmp.p, 2, m, 0) != 0) {
		o->len = 0;
		rc = buf_set(o, "", 0);
	} else {
		int g = m[1].rm_so >= 0 ? 1 : 0;
		rc = buf_set(o, tmp.p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
	}
	free(tmp.p);
	return rc;
}

static int t_replace(const mt_step *st, const char *s, size_t n, mt_buf *o)
{
	mt_buf tmp = {0};
	regmatch_t m;
	size_t pos = 0;
	int rc = 0;
	if (buf_set(&tmp, s, n))
		return DN_ENOMEM;
	o->len = 0;
	while (!rc && pos <= tmp.len &&
	       regexec(st->re, tmp.p + pos, 1, &m, pos ? REG_NOTBOL : 0) == 0) {
		for (regoff_t i = 0; i < m.rm_so && !rc; i++)
			rc = buf_putc(o, tmp.p[pos + (size_t)i]);
		for (const char *w = st->arg2; *w && !rc; w++)
			rc = buf_putc(o, *w);
		if (m.rm_eo == m.rm_so) { /* empty match: step over a char */
			if (pos + (size_t)m.rm_eo < tmp.len && !rc)
				rc = buf_putc(o, tmp.p[pos + (size_t)m.rm_eo]);
			pos += (size_t)m.rm_eo + 1;
		} else {
			pos += (size_t)m.rm_eo;
		}
	}
	for (; !rc && pos < tmp.len; pos++)
		rc = buf_putc(o, tmp.p[pos]);
	if (!rc && o->len == 0)
		rc = buf_set(o, "", 0);
	free(tmp.p);
	return rc;
}

static int t_map(const mt_step *st, const char *s, size_t n, mt_buf *o,
                 char *err, size_t errlen)
{
	char key[256];
	const char *v;
	if (n < sizeof key) {
		memcpy(key, s, n);
		key[n] = '\0';
		if ((v = json_string_value(json_object_get(st->table, key))))
			return buf_set(o, v, strlen(v));
	}
	if (st->keep)
		return buf_set(o, s, n);
	snprintf(err, errlen, "'%.*s' is not one of the values the map lists", (int)n, s);
	return DN_ETYPE;
}

/* ------------------------------------------------------------------ */
/* Typed steps                                                         */
/* ------------------------------------------------------------------ */

static int type_err(char *err, size_t errlen, const char *s, size_t n,
                    const char *what)
{
	snprintf(err, errlen, "'%.*s' is not %s", (int)(n > 200 ? 200 : n), s, what);
	return DN_ETYPE;
}

static int t_int(const char *s, size_t n, dn_value *out, char *err, size_t errlen)
{
	char *end;
	long long v;
	char tmp[32];
	if (n == 0 || n >= sizeof tmp)
		return type_err(err, errlen, s, n, "an integer");
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || isspace((unsigned char)tmp[0]))
		return type_err(err, errlen, s, n, "an integer");
	*out = dn_value_int(v);
	return 0;
}

/* A number with the given decimal and thousands separators; ints stay
 * ints unless a decimal part is present or float is forced. */
static int t_number(const char *s, size_t n, char dec, char thou, bool force_float,
                    dn_value *out, char *err, size_t errlen)
{
	char tmp[64], *end;
	size_t k = 0, digits = 0, group = 0;
	bool seen_dec = false, seen_thou = false, seen_exp = false;
	double f;
	const char *what = "a number";

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (k + 2 >= sizeof tmp)
			return type_err(err, errlen, s, n, what);
		if (c == dec && !seen_dec && !seen_exp) {
			if (seen_thou && group != 3)
				return type_err(err, errlen, s, n, what);
			seen_dec = true;
			tmp[k++] = '.';
		} else if (thou && c == thou && !seen_dec && !seen_exp) {
			if (digits == 0 || (seen_thou && group != 3) || (!seen_thou && group > 3))
				return type_err(err, errlen, s, n, what);
			seen_thou = true;
			group = 0;
		} else if (isdigit((unsigned char)c)) {
			tmp[k++] = c;
			digits++;
			group++;
		} else if ((c == '-' || c == '+') && (k == 0 || tmp[k - 1] == 'e')) {
			tmp[k++] = c;
		} else if ((c == 'e' || c == 'E') && digits && !seen_exp) {
			seen_exp = true;
			tmp[k++] = 'e';
		} else {
			return type_err(err, errlen, s, n, what);
		}
	}
	if (!digits || (seen_thou && !seen_dec && group != 3))
		return type_err(err, errlen, s, n, what);
	tmp[k] = '\0';
	if (!force_float && !seen_dec && !seen_exp) {
		long long v;
		errno = 0;
		v = strtoll(tmp, &end, 10);
		if (!errno && !*end) {
			*out = dn_value_int(v);
			return 0;
		}
	}
	errno = 0;
	f = strtod(tmp, &end);
	if (*end || !isfinite(f))
		return type_err(err, errlen, s, n, what);
	*out = dn_value_float(f);
	return 0;
}

static int t_bool(const char *s, size_t n, dn_value *out, char *err, size_t errlen)
{
	static const char *const yes[] = {"true", "yes", "y", "1", "t", "x"};
	static const char *const no[] = {"false", "no", "n", "0", "f"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strlen(yes[i]) == n && strncasecmp(yes[i], s, n) == 0) {
			*out = dn_value_bool(true);
			return 0;
		}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strlen(no[i]) == n && strncasecmp(no[i], s, n) == 0) {
			*out = dn_value_bool(false);
			return 0;
		}
	return type_err(err, errlen, s, n, "a boolean (true/false, yes/no, y/n, 1/0)");
}

static const char *const mt_months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};

/* Reads between min and max digits at s[*i..n). */
static bool read_num(const char *s, size_t n, size_t *i, int min, int max, int *v)
{
	int k = 0;
	*v = 0;
	while (k < max && *i < n && isdigit((unsigned char)s[*i])) {
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min;
}

/*
 * Parses s by a format of tokens YYYY, YY, MMM (Jan), MM, M, DD, D, HH, H,
 * mm, ss, SSS; other format characters must appear as they are. A datetime
 * is UTC.
 */
static int t_date(const mt_step *st, const char *s, size_t n, dn_value *out,
                  char *err, size_t errlen)
{
	const char *f = st->arg;
	size_t i = 0;
	int y = -1, mo = 1, d = 1, h = 0, mi = 0, se = 0, ms = 0;
	int32_t days;
	bool ok = true;

	while (*f && ok) {
		if (strncmp(f, "YYYY", 4) == 0) {
			ok = read_num(s, n, &i, 4, 4, &y);
			f += 4;
		} else if (strncmp(f, "YY", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &y);
			y += y < 70 ? 2000 : 1900;
			f += 2;
		} else if (strncmp(f, "MMM", 3) == 0) {
			ok = false;
			for (int k = 0; k < 12 && i + 3 <= n; k++)
				if (strncasecmp(s + i, mt_months[k], 3) == 0) {
					mo = k + 1;
					i += 3;
					ok = true;
					break;
				}
			f += 3;
		} else if (strncmp(f, "MM", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &mo);
			f += 2;
		} else if (f[0] == 'M') {
			ok = read_num(s, n, &i, 1, 2, &mo);
			f += 1;
		} else if (strncmp(f, "DD", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &d);
			f += 2;
		} else if (f[0] == 'D') {
			ok = read_num(s, n, &i, 1, 2, &d);
			f += 1;
		} else if (strncmp(f, "HH", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &h) && h < 24;
			f += 2;
		} else if (f[0] == 'H') {
			ok = read_num(s, n, &i, 1, 2, &h) && h < 24;
			f += 1;
		} else if (strncmp(f, "mm", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &mi) && mi < 60;
			f += 2;
		} else if (strncmp(f, "ss", 2) == 0) {
			ok = read_num(s, n, &i, 2, 2, &se) && se < 60;
			f += 2;
		} else if (strncmp(f, "SSS", 3) == 0) {
			ok = read_num(s, n, &i, 3, 3, &ms);
			f += 3;
		} else {
			ok = i < n && s[i] == *f;
			i++;
			f++;
		}
	}
	if (!ok || i != n || y < 0 || dn_date_from_ymd(y, mo, d, &days)) {
		snprintf(err, errlen, "'%.*s' is not a valid %s for format %s",
		         (int)(n > 200 ? 200 : n), s,
		         st->kind == MT_DATE ? "date" : "datetime", st->arg);
		return DN_ETYPE;
	}
	if (st->kind == MT_DATE)
		*out = dn_value_date(days);
	else
		*out = dn_value_datetime((int64_t)days * 86400000 + h * 3600000LL +
		                         mi * 60000LL + se * 1000LL + ms);
	return 0;
}

static int t_split(const mt_step *st, const char *s, size_t n, mt_scratch *sc,
                   mt_buf *o, dn_value *out)
{
	size_t sl = strlen(st->arg), cnt = 0, start = 0;

	/* the items are trimmed copies laid end to end in sc->b */
	o->len = 0;
	if (buf_reserve(o, n))
		return DN_ENOMEM;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && !(i + sl <= n && memcmp(s + i, st->arg, sl) == 0))
			continue;
		{
			mt_buf t = {0};
			if (t_trim(s + start, i - start, &t)) {
				free(t.p);
				return DN_ENOMEM;
			}
			if (t.len) {
				dn_value *it;
				if (cnt + 1 > sc->icap) {
					size_t c = sc->icap ? sc->icap * 2 : 8;
					if (!(it = realloc(sc->items, c * sizeof *it))) {
						free(t.p);
						return DN_ENOMEM;
					}
					sc->items = it;
					sc->icap = c;
				}
				memcpy(o->p + o->len, t.p, t.len);
				/* offsets for now; pointers once o->p is final */
				sc->items[cnt] = dn_value_stringn_ref(o->p, t.len);
				sc->items[cnt].u.i = (int64_t)o->len;
				o->len += t.len;
				cnt++;
			}
			free(t.p);
		}
		start = i + sl;
		i += sl - 1;
	}
	for (size_t k = 0; k < cnt; k++) {
		size_t off = (size_t)sc->items[k].u.i;
		sc->items[k].u.s = o->p + off;
	}
	if (!cnt) {
		*out = dn_value_null();
		return 0;
	}
	out->type = DN_LIST;
	out->owned = 0;
	out->len = (uint32_t)cnt;
	out->u.list = sc->items;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

int mt_chain_eval(const mt_chain *c, const char *s, size_t len,
                  mt_scratch *sc, dn_value *out, char *err, size_t errlen)
{
	const char *cur = s;
	size_t cl = len;
	int rc = 0;

	*out = dn_value_null();
	for (size_t i = 0; i < c->n; i++) {
		const mt_step *st = &c->steps[i];
		mt_buf *o = cur == sc->a.p ? &sc->b : &sc->a;
		if (cl == 0 && st->kind != MT_MAP)
			return 0; /* empty: a missing value */
		switch (st->kind) {
		case MT_TRIM: rc = t_trim(cur, cl, o); break;
		case MT_COLLAPSE: rc = t_collapse(cur, cl, o); break;
		case MT_UPPER:
		case MT_LOWER:
		case MT_TITLE: rc = t_case(st->kind, cur, cl, o); break;
		case MT_NAME:
			rc = t_name(st, cur, cl, o);
			if (rc == DN_ETYPE)
				return type_err(err, errlen, cur, cl, "valid UTF-8 text");
			break;
		case MT_TIN: rc = t_tin(st, cur, cl, o, err, errlen); break;
		case MT_PHONE: rc = t_phone(st, cur, cl, o, err, errlen); break;
		case MT_REGEX: rc = t_regex(st, cur, cl, o); break;
		case MT_REPLACE: rc = t_replace(st, cur, cl, o); break;
		case MT_MAP: rc = t_map(st, cur, cl, o, err, errlen); break;
		case MT_INT: return t_int(cur, cl, out, err, errlen);
		case MT_FLOAT: return t_number(cur, cl, '.', 0, true, out, err, errlen);
		case MT_NUMBER:
			rc = t_number(cur, cl, st->dec, st->thou, true, out, err, errlen);
			if (rc == DN_ETYPE) {
				size_t m = strlen(err);
				snprintf(err + m, errlen - m, " (decimal '%c', thousands '%c')",
				         st->dec, st->thou);
			}
			return rc;
		case MT_BOOL: return t_bool(cur, cl, out, err, errlen);
		case MT_DATE:
		case MT_DATETIME: return t_date(st, cur, cl, out, err, errlen);
		case MT_SPLIT: return t_split(st, cur, cl, sc, o, out);
		}
		if (rc)
			return rc;
		cur = o->p;
		cl = o->len;
	}
	if (cl == 0)
		return 0;
	*out = dn_value_stringn_ref(cur, cl);
	return 0;
}
