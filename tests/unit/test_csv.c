/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_csv.c — unit suite for import/csv.c, the streaming RFC 4180 reader:
 * line ends, byte order mark, quoting, delimiters, UTF-8 checks with their
 * line and column, unterminated quotes, record limits, and a generated file
 * whose records straddle the input buffer, read back field by field.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../import/csv.h"
#include "testutil.h"

/* A reader over the bytes s[0..len) (fmemopen; the FILE is closed by
 * close_mem). */
static FILE *mem_file;

static dn_csv *open_mem(const char *s, size_t len, const dn_csv_opts *o)
{
	dn_csv *r = NULL;
	char err[256] = "";
	mem_file = fmemopen((void *)s, len, "rb");
	cr_assert_not_null(mem_file);
	int rc = dn_csv_open_file(mem_file, "mem.csv", o, &r, err, sizeof err);
	cr_assert_eq(rc, 0, "open: %s", err);
	return r;
}

#define OPEN(lit, o) open_mem((lit), sizeof(lit) - 1, (o))

static void close_mem(dn_csv *r)
{
	dn_csv_close(r);
	fclose(mem_file);
}

/* Reads one record and checks its fields against the NULL-terminated list. */
static void expect_row(dn_csv *r, ...)
{
	va_list ap;
	size_t i = 0;
	const char *want;
	int rc = dn_csv_next(r);
	cr_assert_eq(rc, DN_ROW, "next -> %d: %s", rc, dn_csv_errmsg(r));
	va_start(ap, r);
	while ((want = va_arg(ap, const char *)) != NULL) {
		size_t len;
		const char *got = dn_csv_field(r, i, &len);
		cr_assert_not_null(got, "field %zu missing", i);
		cr_assert_eq(len, strlen(want), "field %zu: len %zu, want '%s'", i, len, want);
		cr_assert_eq(memcmp(got, want, len), 0, "field %zu: '%s' want '%s'", i, got, want);
		cr_assert_eq(got[len], '\0');
		i++;
	}
	va_end(ap);
	cr_assert_eq(dn_csv_nfields(r), i, "%zu fields, want %zu", dn_csv_nfields(r), i);
}

static void expect_done(dn_csv *r)
{
	int rc = dn_csv_next(r);
	cr_assert_eq(rc, DN_DONE, "next -> %d: %s", rc, dn_csv_errmsg(r));
}

Test(csv, lf_records_and_line_numbers)
{
	dn_csv *r = OPEN("a,b,c\n1,2,3\n", NULL);
	expect_row(r, "a", "b", "c", NULL);
	cr_assert_eq(dn_csv_line(r), 1);
	expect_row(r, "1", "2", "3", NULL);
	cr_assert_eq(dn_csv_line(r), 2);
	cr_assert_eq(dn_csv_field_column(r, 2), 5);
	expect_done(r);
	expect_done(r);
	close_mem(r);
}

Test(csv, crlf_and_lone_cr)
{
	dn_csv *r = OPEN("a,b\r\n1,2\r\nx\ry\r\n", NULL);
	expect_row(r, "a", "b", NULL);
	expect_row(r, "1", "2", NULL);
	cr_assert_eq(dn_csv_line(r), 2);
	expect_row(r, "x", NULL);
	cr_assert_eq(dn_csv_line(r), 3);
	expect_row(r, "y", NULL);
	cr_assert_eq(dn_csv_line(r), 4);
	expect_done(r);
	close_mem(r);
}

Test(csv, last_record_without_newline)
{
	dn_csv *r = OPEN("a,b\n1,2", NULL);
	expect_row(r, "a", "b", NULL);
	expect_row(r, "1", "2", NULL);
	expect_done(r);
	close_mem(r);
}

Test(csv, bom_is_skipped)
{
	dn_csv *r = OPEN("\xEF\xBB\xBFid,name\n1,\xC3\xA4\n", NULL);
	expect_row(r, "id", "name", NULL);
	cr_assert_eq(dn_csv_field_column(r, 0), 1);
	expect_row(r, "1", "\xC3\xA4", NULL);
	expect_done(r);
	close_mem(r);
}

Test(csv, bom_only_at_start)
{
	/* A BOM further on is data (a valid U+FEFF character). */
	dn_csv *r = OPEN("a\n\xEF\xBB\xBF" "b\n", NULL);
	expect_row(r, "a", NULL);
	expect_row(r, "\xEF\xBB\xBF" "b", NULL);
	close_mem(r);
}

Test(csv, quoted_fields)
{
	dn_csv *r = OPEN("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,\"x\r\ny\"\nlast\n", NULL);
	expect_row(r, "a,b", "say \"hi\"", "two\nlines", "", NULL);
	cr_assert(dn_csv_field_quoted(r, 3));
	cr_assert_not(dn_csv_field_quoted(r, 5));
	cr_assert_eq(dn_csv_line(r), 1);
	cr_assert_eq(dn_csv_field_line(r, 2), 1);
	cr_assert_eq(dn_csv_field_line(r, 3), 2);
	cr_assert_eq(dn_csv_field_column(r, 3), 8);
	expect_row(r, "next", "x\r\ny", NULL);
	cr_assert_eq(dn_csv_line(r), 3);
	expect_row(r, "last", NULL);
	cr_assert_eq(dn_csv_line(r), 5);
	expect_done(r);
	close_mem(r);
}

Test(csv, quote_inside_unquoted_field_is_literal)
{
	dn_csv *r = OPEN("5\" pipe,ab\"c\n", NULL);
	expect_row(r, "5\" pipe", "ab\"c", NULL);
	close_mem(r);
}

Test(csv, empty_fields_and_blank_lines)
{
	dn_csv *r = OPEN(",a,,\n\n\"\"\n", NULL);
	expect_row(r, "", "a", "", "", NULL);
	cr_assert_not(dn_csv_blank(r));
	expect_row(r, "", NULL);
	cr_assert(dn_csv_blank(r));
	cr_assert_eq(dn_csv_line(r), 2);
	expect_row(r, "", NULL);
	cr_assert_not(dn_csv_blank(r), "a quoted empty field is not a blank line");
	expect_done(r);
	close_mem(r);
}

Test(csv, empty_input)
{
	dn_csv *r = OPEN("", NULL);
	expect_done(r);
	close_mem(r);
}

Test(csv, other_delimiter_and_quote)
{
	dn_csv_opts o = {.delimiter = ';', .quote = '\''};
	dn_csv *r = OPEN("a;'b;c';'it''s'\n\"x\";y\n", &o);
	expect_row(r, "a", "b;c", "it's", NULL);
	expect_row(r, "\"x\"", "y", NULL);
	close_mem(r);

	dn_csv_opts t = {.delimiter = '\t'};
	r = OPEN("a,b\t\"c\td\"\n", &t);
	expect_row(r, "a,b", "c\td", NULL);
	close_mem(r);
}

Test(csv, delimiter_equal_to_quote_is_refused)
{
	dn_csv *r = NULL;
	char err[256] = "";
	dn_csv_opts o = {.delimiter = '"'};
	FILE *f = fmemopen((void *)"a", 1, "rb");
	cr_assert_eq(dn_csv_open_file(f, "x.csv", &o, &r, err, sizeof err), DN_EINVAL);
	cr_assert_null(r);
	cr_assert(strstr(err, "x.csv") != NULL, "%s", err);
	dn_csv_opts nl = {.delimiter = '\n'};
	cr_assert_eq(dn_csv_open_file(f, "x.csv", &nl, &r, err, sizeof err), DN_EINVAL);
	fclose(f);
}

Test(csv, missing_file)
{
	dn_csv *r = NULL;
	char err[256] = "";
	int rc = dn_csv_open("/nonexistent/dir/nothing.csv", NULL, &r, err, sizeof err);
	cr_assert_eq(rc, DN_ENOTFOUND);
	cr_assert_null(r);
	cr_assert(strstr(err, "nothing.csv") != NULL, "%s", err);
}

Test(csv, invalid_utf8_names_line_and_column_and_continues)
{
	/* Line 2, column 3: "ä" is one character, then the comma, then \xFF. */
	dn_csv *r = OPEN("a,b\n\xC3\xA4,\xFFx\nc,d\n", NULL);
	expect_row(r, "a", "b", NULL);
	int rc = dn_csv_next(r);
	cr_assert_eq(rc, DN_ESYNTAX);
	cr_assert_eq(dn_csv_error_line(r), 2);
	cr_assert_eq(dn_csv_error_column(r), 3);
	cr_assert_str_eq(dn_csv_errmsg(r), "mem.csv:2:3: invalid UTF-8 (byte 0xFF)");
	cr_assert(dn_csv_recoverable(r));
	cr_assert_eq(dn_csv_nfields(r), 2, "the whole bad record was read");
	expect_row(r, "c", "d", NULL);
	cr_assert_eq(dn_csv_line(r), 3);
	expect_done(r);
	close_mem(r);
}

Test(csv, invalid_utf8_cases)
{
	static const struct {
		const char *in;
		uint64_t col;
	} cases[] = {
		{"ab\xC3", 3},             /* truncated at end of field */
		{"ab\xC3,x", 3},           /* truncated before a delimiter */
		{"\xC0\x80", 1},           /* overlong NUL */
		{"x\xE0\x80\x80", 2},      /* overlong 3-byte */
		{"xy\xED\xA0\x80", 3},     /* UTF-16 surrogate */
		{"\xF4\x90\x80\x80", 1},   /* above U+10FFFF */
		{"\xC3\xA4\x80", 2},       /* stray continuation byte */
		{"\"q\xE2\x82\"", 3},      /* truncated inside quotes */
		{"\xC4-x", 1},            /* truncated before plain ASCII */
		{"a\xE2\x82zz", 2},        /* the same, mid-field */
		{"\"\xC4q\"", 2},          /* the same, inside quotes */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dn_csv *r = open_mem(cases[i].in, strlen(cases[i].in), NULL);
		int rc = dn_csv_next(r);
		cr_assert_eq(rc, DN_ESYNTAX, "case %zu: rc %d", i, rc);
		cr_assert_eq(dn_csv_error_line(r), 1, "case %zu", i);
		cr_assert_eq(dn_csv_error_column(r), cases[i].col, "case %zu: col %llu (%s)", i,
		             (unsigned long long)dn_csv_error_column(r), dn_csv_errmsg(r));
		cr_assert(strstr(dn_csv_errmsg(r), "invalid UTF-8") != NULL);
		close_mem(r);
	}
}

Test(csv, valid_utf8_passes)
{
	dn_csv *r = OPEN("\xE2\x82\xAC,\xF0\x9F\x98\x80,\xED\x9F\xBF,\xF4\x8F\xBF\xBF\n", NULL);
	expect_row(r, "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF", NULL);
	cr_assert_eq(dn_csv_field_column(r, 3), 7, "columns count characters");
	close_mem(r);
}

Test(csv, unterminated_quote_at_eof)
{
	dn_csv *r = OPEN("a,b\n1,\"open\nstill open\n", NULL);
	expect_row(r, "a", "b", NULL);
	int rc = dn_csv_next(r);
	cr_assert_eq(rc, DN_ESYNTAX);
	cr_assert_eq(dn_csv_error_line(r), 2);
	cr_assert_eq(dn_csv_error_column(r), 3);
	cr_assert(strstr(dn_csv_errmsg(r), "mem.csv:2:3: quoted field is not closed") != NULL,
	          "%s", dn_csv_errmsg(r));
	cr_assert_not(dn_csv_recoverable(r));
	cr_assert_eq(dn_csv_next(r), DN_ESYNTAX, "the error sticks");
	close_mem(r);
}

Test(csv, character_after_closing_quote)
{
	dn_csv *r = OPEN("\"ab\"cd,e\nf\n", NULL);
	int rc = dn_csv_next(r);
	cr_assert_eq(rc, DN_ESYNTAX);
	cr_assert_eq(dn_csv_error_line(r), 1);
	cr_assert_eq(dn_csv_error_column(r), 5);
	cr_assert(dn_csv_recoverable(r));
	size_t len;
	cr_assert_str_eq(dn_csv_field(r, 0, &len), "abcd");
	cr_assert_str_eq(dn_csv_field(r, 1, &len), "e");
	expect_row(r, "f", NULL);
	close_mem(r);
}

Test(csv, record_limit)
{
	dn_csv_opts o = {.max_record = 8};
	dn_csv *r = OPEN("short\n0123456789abcdef\n", &o);
	expect_row(r, "short", NULL);
	cr_assert_eq(dn_csv_next(r), DN_ELIMIT);
	cr_assert_eq(dn_csv_error_line(r), 2);
	cr_assert_not(dn_csv_recoverable(r));
	close_mem(r);
}

Test(csv, nul_bytes_are_data)
{
	dn_csv *r = OPEN("a\0b,c\n", NULL);
	cr_assert_eq(dn_csv_next(r), DN_ROW);
	size_t len;
	const char *f = dn_csv_field(r, 0, &len);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(f, "a\0b", 3), 0);
	cr_assert_null(dn_csv_field(r, 2, &len));
	close_mem(r);
}

/* A generated file large enough to cross the 64 KiB input buffer many
 * times, with quoted fields containing delimiters, quotes and line breaks
 * and multi-byte characters, read back and checked field by field; the
 * offset at the end is the file size. */
Test(csv, generated_file_across_buffers)
{
	const char *dir = tu_fresh_dir("csvgen");
	char path[4200];
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/gen.csv", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	const int n = 50000;
	for (int i = 0; i < n; i++)
		fprintf(f, "%d,\"q,%d \"\"x\"\"\n\xC3\xA9\",plain%d\r\n", i, i * 7, i % 13);
	fclose(f);

	dn_csv *r = NULL;
	char err[256];
	cr_assert_eq(dn_csv_open(path, NULL, &r, err, sizeof err), 0, "%s", err);
	cr_assert_gt(dn_csv_size(r), 64 * 1024 * 10);
	char want[64];
	uint64_t line = 1;
	for (int i = 0; i < n; i++) {
		cr_assert_eq(dn_csv_next(r), DN_ROW, "row %d: %s", i, dn_csv_errmsg(r));
		cr_assert_eq(dn_csv_nfields(r), 3);
		cr_assert_eq(dn_csv_line(r), line, "row %d line", i);
		snprintf(want, sizeof want, "%d", i);
		cr_assert_str_eq(dn_csv_field(r, 0, NULL), want);
		snprintf(want, sizeof want, "q,%d \"x\"\n\xC3\xA9", i * 7);
		cr_assert_str_eq(dn_csv_field(r, 1, NULL), want, "row %d", i);
		snprintf(want, sizeof want, "plain%d", i % 13);
		cr_assert_str_eq(dn_csv_field(r, 2, NULL), want);
		/* third field: after "é", the closing quote and the comma */
		cr_assert_eq(dn_csv_field_line(r, 2), line + 1);
		cr_assert_eq(dn_csv_field_column(r, 2), 4);
		line += 2;
	}
	expect_done(r);
	cr_assert_eq(dn_csv_offset(r), (uint64_t)dn_csv_size(r));
	dn_csv_close(r);
	tu_rmtree(dir);
}

Test(csv, utf8_valid_helper)
{
	size_t bad = 99;
	cr_assert(dn_csv_utf8_valid("abc\xC3\xA4", 5, &bad));
	cr_assert_not(dn_csv_utf8_valid("ab\xC3(", 4, &bad));
	cr_assert_eq(bad, 2);
	cr_assert_not(dn_csv_utf8_valid("\xF0\x9F\x98", 3, &bad));
	cr_assert_eq(bad, 0);
}
