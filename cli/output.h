/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h — how the `dragnet` tool runs Cypher statements and prints
 * their results, shared by `dragnet query`, `dragnet shell` and later
 * commands: values as JSON or text, rows as an aligned table, JSON, JSON
 * Lines or CSV, the summary of what a statement changed, and errors with
 * their position and the offending span underlined.
 */
#ifndef DN_CLI_OUTPUT_H
#define DN_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cli.h"
#include "params.h"

/* Output formats of rows (docs/CLI.md, `query`). */
typedef enum dn_cli_format {
	DN_CLI_TABLE, /* aligned columns and a row count, for people */
	DN_CLI_JSON,  /* one array of row objects keyed by column name */
	DN_CLI_JSONL, /* one row object a line */
	DN_CLI_CSV,   /* RFC 4180, CRLF line ends */
} dn_cli_format;

/* The names of the formats, for messages: "table, json, jsonl, csv". */
#define DN_CLI_FORMAT_NAMES "table, json, jsonl, csv"

/* The format called name ("table", ...), or -1 when there is none. */
int dn_cli_format_parse(const char *name);
/* Applies a --format option: leaves *fmt alone when name is NULL, sets it
 * when name is a format; otherwise reports bad usage. Returns
 * DN_CLI_CONTINUE or DN_CLI_USAGE. */
int dn_cli_format_option(const dn_cli_cmd *cmd, const char *name, dn_cli_format *fmt);
/* The name of a format. */
const char *dn_cli_format_name(dn_cli_format fmt);

/* A value as the tool prints it in JSON: nodes as {id, labels, properties},
 * relationships as {id, type, start, end, properties}, paths as {nodes,
 * relationships}, temporal values as ISO-8601 strings. Nodes and
 * relationships are read in txn (with NULL only their id is given).
 * Returns a new reference, NULL when out of memory. */
json_t *dn_cli_value_json(dn_txn *txn, const dn_value *v);

/* A value as one table or CSV cell: strings as they are, null as "",
 * floats as Cypher writes them (0.9, 1.0E7), everything else as compact
 * JSON text. Returns an owned string, NULL when out of memory. */
char *dn_cli_value_text(dn_txn *txn, const dn_value *v);
/* As dn_cli_value_text, but a node or relationship is its name (the first
 * of the properties name, title, ref, tin, number, text, id) with its label or
 * type and id; lists and paths of them likewise. */
char *dn_cli_value_short(dn_txn *txn, const dn_value *v);

/* Prints a JSON array of rows (DN_CLI_JSON) on stdout, indented. */
void dn_cli_print_json_rows(const json_t *rows);

/* How statements are run and where their output goes. */
typedef struct dn_cli_run {
	const dn_cli_cmd *cmd;       /* names the command in messages */
	dn_db *db;                   /* the open database */
	const char *source;          /* names the text in error reports: "query", a file */
	int line_base;               /* lines before the text's first line, added to reported lines */
	dn_cli_format format;
	const dn_cli_params *params; /* bound to every statement; NULL for none */
	/* DN_CLI_JSON: when not NULL, rows are appended to this array for the
	 * caller to print; when NULL each statement prints its own array. */
	json_t *rows;
	bool timing;                 /* print each statement's elapsed time on stderr */
	/* table and CSV: a node or relationship as a short name, "Acme Ltd
	 * (Trader 12)", instead of its whole JSON (dragnet analyze) */
	bool short_entities;
} dn_cli_run;

/* Reports the query error e at byte `at` of text[0..len) as
 * "dragnet: CMD: SOURCE:LINE:COL: message" (line_base lines before the
 * text's first line are added) followed by the line with the span
 * underlined. Returns DN_CLI_FAIL. */
int dn_cli_report_query_error(const dn_cli_cmd *cmd, const char *source, int line_base,
                              const char *text, size_t len, size_t at, const dn_query_error *e);

/* Whether text[0..n) holds no statement: only blanks and comments, up to
 * the end or a ';'. */
bool dn_cli_stmt_blank(const char *text, size_t n);

/*
 * Runs the statement text[off..off+n) of the script text[0..len) in its
 * own transaction (a write transaction when it writes) and prints its
 * rows, or for a statement without columns in table format what it
 * changed ("2 nodes created, ..."). A blank statement does nothing.
 * Errors go to stderr as "dragnet: CMD: SOURCE:LINE:COL: message", then
 * the line with the span underlined. Returns DN_CLI_OK or DN_CLI_FAIL;
 * nothing is committed on failure.
 */
int dn_cli_run_stmt(const dn_cli_run *r, const char *text, size_t len, size_t off, size_t n);

/* Splits text[0..len) into statements at ';' (not inside strings or
 * comments) and runs them in order with dn_cli_run_stmt, stopping at the
 * first that fails. Returns DN_CLI_OK or DN_CLI_FAIL. */
int dn_cli_run_script(const dn_cli_run *r, const char *text, size_t len);

#endif /* DN_CLI_OUTPUT_H */
