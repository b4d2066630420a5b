/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_csv.c — libFuzzer target for the streaming CSV reader
 * (import/csv.c). The first byte picks the delimiter, the quote and a
 * small record limit; the rest is the file. Every record must come back
 * with NUL-terminated fields no longer than the input, valid UTF-8 when the
 * reader accepted it, lines that never go backwards, and errors positioned
 * inside the input; an unrecoverable error must stick. Built and run by
 * tests/fuzz/run_csv.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)              \
	do {                      \
		if (!(c))             \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', ';', '\t', '|'};
	static const char quotes[] = {'"', '\''};
	dn_csv_opts o;
	dn_csv *r = NULL;
	FILE *f;
	uint64_t last_line = 1, lines = 1;
	int rc;

	if (size < 1)
		return 0;
	o.delimiter = delims[data[0] & 3];
	o.quote = quotes[(data[0] >> 2) & 1];
	o.max_record = (data[0] & 8) ? 64 : 0;
	data++;
	size--;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	f = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "rb");
	if (!f)
		return 0;
	if (!size)
		fgetc(f); /* an empty stream */
	CHECK(dn_csv_open_file(f, "fuzz", &o, &r, NULL, 0) == 0);
	while ((rc = dn_csv_next(r)) != DN_DONE) {
		size_t total = 0;
		if (rc != DN_ROW) {
			CHECK(rc == DN_ESYNTAX || rc == DN_ELIMIT);
			CHECK(dn_csv_error_line(r) >= 1 && dn_csv_error_line(r) <= lines);
			CHECK(dn_csv_error_column(r) >= 1 && dn_csv_error_column(r) <= size + 1);
			CHECK(strstr(dn_csv_errmsg(r), "fuzz:") == dn_csv_errmsg(r));
			if (!dn_csv_recoverable(r)) {
				CHECK(dn_csv_next(r) == rc);
				break;
			}
		}
		CHECK(dn_csv_nfields(r) >= 1);
		CHECK(dn_csv_line(r) >= last_line && dn_csv_line(r) <= lines);
		last_line = dn_csv_line(r);
		for (size_t i = 0; i < dn_csv_nfields(r); i++) {
			size_t len;
			const char *s = dn_csv_field(r, i, &len);
			CHECK(s && s[len] == '\0');
			CHECK(dn_csv_field_line(r, i) >= last_line);
			CHECK(rc != DN_ROW || dn_csv_utf8_valid(s, len, NULL));
			total += len;
		}
		CHECK(total <= size);
		CHECK(dn_csv_field(r, dn_csv_nfields(r), NULL) == NULL);
		CHECK(dn_csv_offset(r) <= size);
	}
	dn_csv_close(r);
	fclose(f);
	return 0;
}
