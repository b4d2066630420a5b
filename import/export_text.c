/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_text.c — the text every exporter shares: values as text, JSON
 * strings and values (tagged for the JSON Lines contract, plain for
 * link-chart formats), metadata fields, XML and DOT escaping, and the
 * captions charts show. Exporters write through these and nothing else,
 * so each escaping rule exists once.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"
#include "functions.h"

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

int dn_xp_scalar_text(const dn_value *v, char *buf, size_t cap)
{
	switch (v->type) {
	case DN_BOOL: return snprintf(buf, cap, "%s", v->u.b ? "true" : "false");
	case DN_INT: return snprintf(buf, cap, "%lld", (long long)v->u.i);
	case DN_FLOAT: return dn_cy_float_format(v->u.f, buf, cap);
	case DN_DATE: return dn_date_format(v->u.date, buf, cap);
	case DN_DATETIME:
		if (v->u.tm_ns || v->u.tm_offset || v->u.tm_zone) /* Cypher's text keeps them */
			return dn_value_format(v, buf, cap);
		return dn_datetime_format(v->u.datetime, buf, cap);
	case DN_DURATION:
		return dn_duration_format(v->u.dur.months, v->u.dur.days, v->u.dur.nanos, buf, cap);
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME: return dn_value_format(v, buf, cap);
	default:
		if (cap)
			buf[0] = '\0';
		return 0;
	}
}

/* Decodes one UTF-8 character of s[0..len) (len >= 1) into *cp and returns
 * its length; an invalid or overlong sequence is one byte of U+FFFD. */
static size_t text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return n;
}

/* Writes the longest prefix of p[0..len) made of printable ASCII outside
 * specials as it is, and returns its length (the fast path of escaping). */
static size_t text_plain_run(FILE *f, const unsigned char *p, size_t len, const char *specials)
{
	size_t n = 0;

	while (n < len && p[n] >= 0x20 && p[n] < 0x7F && !strchr(specials, p[n]))
		n++;
	if (n)
		fwrite(p, 1, n, f);
	return n;
}

static void text_put_utf8(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, f);
	} else if (cp < 0x800) {
		fputc((int)(0xC0 | (cp >> 6)), f);
		fputc((int)(0x80 | (cp & 0x3F)), f);
	} else if (cp < 0x10000) {
		fputc((int)(0xE0 | (cp >> 12)), f);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
		fputc((int)(0x80 | (cp & 0x3F)), f);
	} else {
		fputc((int)(0xF0 | (cp >> 18)), f);
		fputc((int)(0x80 | ((cp >> 12) & 0x3F)), f);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
		fputc((int)(0x80 | (cp & 0x3F)), f);
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* The characters of a JSON string, without the quotes. */
static void text_json_body(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		if ((i += text_plain_run(f, p + i, len - i, "\"\\")) >= len)
			break;
		i += text_utf8_next(p + i, len - i, &cp);
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (cp < 0x20 || cp == 0x7F)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				text_put_utf8(f, cp);
		}
	}
}

void dn_xp_json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	text_json_body(f, s, len);
	fputc('"', f);
}

bool dn_xp_is_reserved(const char *key, const char *const *reserved)
{
	for (; reserved && *reserved; reserved++)
		if (strcmp(key, *reserved) == 0)
			return true;
	return false;
}

void dn_xp_json_key(FILE *f, const char *key, const char *const *reserved)
{
	fputs(dn_xp_is_reserved(key, reserved) ? "\"prop." : "\"", f);
	text_json_body(f, key, strlen(key));
	fputc('"', f);
}

int dn_xp_json_value(FILE *f, const dn_value *v, int mode)
{
	char buf[96];
	int rc = 0;

	switch (v->type) {
	case DN_NULL: fputs("null", f); return 0;
	case DN_BOOL: fputs(v->u.b ? "true" : "false", f); return 0;
	case DN_INT: fprintf(f, "%lld", (long long)v->u.i); return 0;
	case DN_FLOAT:
		dn_cy_float_format(v->u.f, buf, sizeof buf);
		if (isfinite(v->u.f)) {
			fputs(buf, f);
			return 0;
		}
		if (mode == DN_XP_JSON_TAGGED)
			return DN_EINVAL;
		if (mode == DN_XP_JSON_CANON)
			fputs("{\"$float\":", f);
		dn_xp_json_string(f, buf, strlen(buf));
		if (mode == DN_XP_JSON_CANON)
			fputc('}', f);
		return 0;
	case DN_STRING: dn_xp_json_string(f, v->u.s, v->len); return 0;
	case DN_DATE: case DN_DATETIME: case DN_DURATION:
	case DN_LOCALTIME: case DN_TIME: case DN_LOCALDATETIME: {
		static const char *const tags[] = {"{\"$date\":", "{\"$datetime\":", "{\"$duration\":"};
		int n = dn_xp_scalar_text(v, buf, sizeof buf);
		if (mode != DN_XP_JSON_PLAIN)
			fputs(v->type <= DN_DURATION ? tags[v->type - DN_DATE]
			      : v->type == DN_LOCALTIME ? "{\"$localtime\":"
			      : v->type == DN_TIME ? "{\"$time\":" : "{\"$localdatetime\":", f);
		dn_xp_json_string(f, buf, (size_t)n);
		if (mode != DN_XP_JSON_PLAIN)
			fputc('}', f);
		return 0;
	}
	case DN_LIST:
		fputc('[', f);
		for (uint32_t i = 0; i < v->len && !rc; i++) {
			if (i)
				fputc(',', f);
			rc = dn_xp_json_value(f, &v->u.list[i], mode);
		}
		fputc(']', f);
		return rc;
	default: fputs("null", f); return 0;
	}
}

int dn_xp_json_props(FILE *f, const dn_prop *props, size_t n, int mode)
{
	int rc = 0;

	fputc('{', f);
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			fputc(',', f);
		dn_xp_json_string(f, props[i].key, strlen(props[i].key));
		fputc(':', f);
		rc = dn_xp_json_value(f, &props[i].value, mode);
	}
	fputc('}', f);
	return rc;
}

void dn_xp_json_labels(FILE *f, const dn_node *n)
{
	fputc('[', f);
	for (size_t i = 0; i < n->nlabels; i++) {
		if (i)
			fputc(',', f);
		dn_xp_json_string(f, n->labels[i], strlen(n->labels[i]));
	}
	fputc(']', f);
}

void dn_xp_json_meta(FILE *f, const dn_meta *m)
{
	char buf[96];
	const char *sep = "";

	fputc('{', f);
	for (int i = 0; i < DN_XP_META_COUNT; i++) {
		const char *t = dn_xp_meta_field(m, i, buf, sizeof buf);
		if (!t)
			continue;
		fputs(sep, f);
		sep = ",";
		fprintf(f, "\"%s\":", dn_xp_meta_name(i));
		if (i == DN_XP_META_CREDIBILITY)
			fputs(t, f);
		else
			dn_xp_json_string(f, t, strlen(t));
	}
	fputc('}', f);
}

/* ------------------------------------------------------------------ */
/* XML and DOT                                                         */
/* ------------------------------------------------------------------ */

void dn_xp_xml_text(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		if ((i += text_plain_run(f, p + i, len - i, "&<>\"'")) >= len)
			break;
		i += text_utf8_next(p + i, len - i, &cp);
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t': fputs("&#9;", f); break;
		default:
			/* XML 1.0 has no way to carry other control characters,
			 * nor U+FFFE/U+FFFF */
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				cp = 0xFFFD;
			text_put_utf8(f, cp);
		}
	}
}

void dn_xp_xml_name(FILE *f, const char *key, const char *const *reserved)
{
	if (dn_xp_is_reserved(key, reserved))
		fputs("prop.", f);
	dn_xp_xml_text(f, key, strlen(key));
}

void dn_xp_dot_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		uint32_t cp;
		i += text_utf8_next(p + i, len - i, &cp);
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		/* a backslash starts an escape in DOT labels (\n, \l, \N) */
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': break;
		default:
			text_put_utf8(f, cp < 0x20 ? ' ' : cp);
		}
	}
	fputc('"', f);
}

char *dn_xp_value_text(const dn_value *v, size_t *len)
{
	char *s = NULL;
	size_t n = 0;
	FILE *m;

	if (v->type == DN_STRING) {
		s = malloc(v->len + 1);
		if (s) {
			memcpy(s, v->u.s, v->len);
			s[v->len] = '\0';
			*len = v->len;
		}
		return s;
	}
	m = open_memstream(&s, &n);
	if (!m)
		return NULL;
	if (v->type == DN_LIST) {
		dn_xp_json_value(m, v, DN_XP_JSON_PLAIN);
	} else {
		char buf[96];
		fputs(dn_xp_scalar_text(v, buf, sizeof buf) >= 0 ? buf : "", m);
	}
	if (fclose(m) != 0) {
		free(s);
		return NULL;
	}
	*len = n;
	return s;
}

/* ------------------------------------------------------------------ */
/* Metadata and captions                                               */
/* ------------------------------------------------------------------ */

void dn_xp_grade_text(const dn_meta *m, char buf[4])
{
	size_t n = 0;

	if (m->reliability)
		buf[n++] = m->reliability;
	if (m->credibility)
		buf[n++] = (char)('0' + m->credibility);
	buf[n] = '\0';
}

const char *dn_xp_meta_name(int i)
{
	static const char *const names[DN_XP_META_COUNT] = {
		"source", "record", "reliability", "credibility", "valid_from", "valid_to", "marking",
	};
	return i >= 0 && i < DN_XP_META_COUNT ? names[i] : NULL;
}

const char *dn_xp_meta_field(const dn_meta *m, int i, char *buf, size_t cap)
{
	const char *s = NULL;

	switch (i) {
	case DN_XP_META_SOURCE: s = m->source; break;
	case DN_XP_META_RECORD: s = m->record; break;
	case DN_XP_META_MARKING: s = m->marking; break;
	case DN_XP_META_RELIABILITY:
		if (!m->reliability)
			return NULL;
		snprintf(buf, cap, "%c", m->reliability);
		return buf;
	case DN_XP_META_CREDIBILITY:
		if (!m->credibility)
			return NULL;
		snprintf(buf, cap, "%u", (unsigned)m->credibility);
		return buf;
	case DN_XP_META_VALID_FROM:
	case DN_XP_META_VALID_TO: {
		int64_t t = i == DN_XP_META_VALID_FROM ? m->valid_from : m->valid_to;
		if (t == DN_TIME_UNSET)
			return NULL;
		dn_datetime_format(t, buf, cap);
		return buf;
	}
	default: return NULL;
	}
	return s != NULL && s[0] != '\0' ? s : NULL;
}

char *dn_xp_node_caption(const dn_node *n)
{
	const dn_value *name = dn_node_prop(n, "name");
	char *s = NULL;

	if (name && name->type == DN_STRING) {
		size_t len;
		return dn_xp_value_text(name, &len);
	}
	if (n->nlabels) {
		if (asprintf(&s, "%s %llu", n->labels[0], (unsigned long long)n->id) < 0)
			return NULL;
	} else if (asprintf(&s, "%llu", (unsigned long long)n->id) < 0) {
		return NULL;
	}
	return s;
}

char *dn_xp_labels_text(const dn_node *n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n->nlabels; i++)
		len += 1 + strlen(n->labels[i]);
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < n->nlabels; i++) {
		*p++ = ':';
		size_t l = strlen(n->labels[i]);
		memcpy(p, n->labels[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}
