/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * typed.h — text to typed values for the loaders: the property types of
 * the typed-CSV header (int, long, float, double, boolean, string, date,
 * datetime, duration and their arrays) and the conversion of a cell into a
 * dn_value, with a reason a person understands when the text does not fit.
 */
#ifndef DN_TYPED_H
#define DN_TYPED_H

#include <stdbool.h>
#include <stddef.h>

#include "dragnet.h"

typedef enum dn_ptype {
	DN_PT_STRING = 0,
	DN_PT_INT,
	DN_PT_FLOAT,
	DN_PT_BOOL,
	DN_PT_DATE,
	DN_PT_DATETIME,
	DN_PT_DURATION,
	DN_PT_LOCALTIME,
	DN_PT_TIME,
	DN_PT_LOCALDATETIME,
} dn_ptype;

/* Parses a type name ("int", "long", "float", "double", "boolean",
 * "string", "date", "datetime", "duration", case-insensitive, with "[]"
 * for an array). Returns 0 or DN_EINVAL. */
int dn_ptype_parse(const char *s, size_t len, dn_ptype *type, bool *array);

/* The name used in messages ("an integer", "a valid date", ...). */
const char *dn_ptype_what(dn_ptype type);

/*
 * Converts s[0..len) to a value of `type`. Strings are borrowed (they point
 * into s); other types need nothing freed. Surrounding spaces are ignored
 * for all types but strings. Returns 0, or DN_ESYNTAX when the text is not
 * a value of the type (the caller words the message with dn_ptype_what).
 */
int dn_ptype_convert(dn_ptype type, const char *s, size_t len, dn_value *out);

/* Parses an ISO-8601 duration "P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]"
 * (optionally signed as a whole and per component, as dn_duration_format
 * writes negative parts: "P-1M-2DT-3H"). Returns 0 or DN_ESYNTAX. */
int dn_duration_parse_iso(const char *s, size_t len, dn_value *out);

#endif
