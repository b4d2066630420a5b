/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csv.h — a streaming RFC 4180 reader, the first stage of every CSV loader
 * (typed CSV, mapping files). It reads through a fixed buffer, so memory
 * depends on the longest record, never on the size of the file; it skips a
 * UTF-8 byte order mark, accepts LF, CRLF and lone CR line ends, quoted
 * fields with embedded delimiters, doubled quotes and line breaks, a
 * configurable delimiter and quote character, and checks that every field
 * is valid UTF-8. Errors carry "name:line:column: reason".
 *
 * Usage:
 *     dn_csv *r; int rc = dn_csv_open(path, NULL, &r);
 *     while ((rc = dn_csv_next(r)) == DN_ROW)
 *         for (size_t i = 0; i < dn_csv_nfields(r); i++)
 *             use(dn_csv_field(r, i, &len), len);
 *     if (rc != DN_DONE) report(dn_csv_errmsg(r));
 *     dn_csv_close(r);
 */
#ifndef DN_CSV_H
#define DN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dragnet.h"

typedef struct dn_csv dn_csv;

typedef struct dn_csv_opts {
	char delimiter;    /* field separator; 0 means ',' */
	char quote;        /* quote character; 0 means '"' */
	size_t max_record; /* longest record in bytes; 0 means 64 MiB */
} dn_csv_opts;

/*
 * Opens the file at path for reading ("-" is standard input); messages call
 * the file by its path. opts may be NULL (the defaults). Returns 0 and *out,
 * or, with *out NULL and a message in errbuf[0..errlen) when errbuf is not
 * NULL: DN_ENOTFOUND, DN_EPERM or DN_EIO (the file cannot be opened),
 * DN_EINVAL (delimiter equal to quote, or a line break as either),
 * DN_ENOMEM.
 */
int dn_csv_open(const char *path, const dn_csv_opts *opts, dn_csv **out,
                char *errbuf, size_t errlen);

/*
 * Reads from an open stream that stays the caller's (dn_csv_close does not
 * close it). name is used in messages ("<stdin>" when NULL). Same errors as
 * dn_csv_open, without the file errors.
 */
int dn_csv_open_file(FILE *f, const char *name, const dn_csv_opts *opts,
                     dn_csv **out, char *errbuf, size_t errlen);

/*
 * Reads the next record. Returns DN_ROW (a record is available), DN_DONE
 * (end of input), or an error with the message in dn_csv_errmsg:
 *  - DN_ESYNTAX: invalid UTF-8, or a character after a closing quote. The
 *    whole record has been read (its fields are available, the bad bytes
 *    kept as they are) and dn_csv_recoverable is true: the next call reads
 *    the following record.
 *  - DN_ESYNTAX: a quoted field not closed before the end of the input;
 *    not recoverable.
 *  - DN_ELIMIT: a record longer than max_record; not recoverable.
 *  - DN_EIO: a read error; DN_ENOMEM. Not recoverable.
 * After an unrecoverable error, further calls return the same error.
 * An empty line is a record of one empty field (dn_csv_blank is true).
 */
int dn_csv_next(dn_csv *r);

/* Number of fields of the current record (at least 1). */
size_t dn_csv_nfields(const dn_csv *r);

/*
 * Field i (0-based) of the current record, unquoted, NUL-terminated (a
 * field may itself contain NUL bytes; *len, when len is not NULL, is its
 * length in bytes). Valid until the next dn_csv_next or dn_csv_close.
 * NULL when i is out of range.
 */
const char *dn_csv_field(const dn_csv *r, size_t i, size_t *len);

/* Whether field i was quoted in the input ("" is then an empty string
 * rather than a missing value, for loaders that distinguish them). */
bool dn_csv_field_quoted(const dn_csv *r, size_t i);

/* The 1-based line on which field i starts and its 1-based column, counted
 * in characters (code points) on that line. 0 when i is out of range. */
uint64_t dn_csv_field_line(const dn_csv *r, size_t i);
uint64_t dn_csv_field_column(const dn_csv *r, size_t i);

/* The 1-based line on which the current record starts. */
uint64_t dn_csv_line(const dn_csv *r);

/* True when the current record is an empty line. */
bool dn_csv_blank(const dn_csv *r);

/* Bytes consumed so far (for progress) and the size of the input in bytes
 * when known (a regular file), else -1. */
uint64_t dn_csv_offset(const dn_csv *r);
int64_t dn_csv_size(const dn_csv *r);

/* The name given at open. */
const char *dn_csv_name(const dn_csv *r);

/* The message of the last error: "name:line:column: reason". "" if none. */
const char *dn_csv_errmsg(const dn_csv *r);

/* Where the last error was found (1-based), 0 when none. */
uint64_t dn_csv_error_line(const dn_csv *r);
uint64_t dn_csv_error_column(const dn_csv *r);

/* Whether reading may continue after the last error (see dn_csv_next). */
bool dn_csv_recoverable(const dn_csv *r);

/* Closes the reader (and the file if dn_csv_open opened it). Accepts NULL. */
void dn_csv_close(dn_csv *r);

/* Checks that s[0..len) is valid UTF-8. Returns true, or false with
 * *bad (when not NULL) the offset of the first byte of the bad sequence. */
bool dn_csv_utf8_valid(const char *s, size_t len, size_t *bad);

#endif
