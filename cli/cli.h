/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h — declarations shared by the files of the `dragnet` tool: the
 * command descriptor that main.c dispatches on, the exit statuses, and the
 * helpers (main.c) that parse a command's arguments, report errors in one
 * format and open a database. Each cmd_*.c file defines the descriptors of
 * its commands; main.c lists them in its command table.
 */
#ifndef DN_CLI_H
#define DN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "dragnet.h"

/* Exit statuses of the tool. */
enum dn_cli_status {
	DN_CLI_OK = 0,    /* success */
	DN_CLI_FAIL = 1,  /* the command failed (message on stderr) */
	DN_CLI_USAGE = 2, /* bad usage (message and a --help hint on stderr) */
};

/* Returned by dn_cli_parse when the command should go on running. */
#define DN_CLI_CONTINUE (-1)

typedef struct dn_cli_cmd dn_cli_cmd;

/* One command of the tool, as the dispatch table holds it. */
struct dn_cli_cmd {
	const char *name;    /* "stats" */
	const char *summary; /* one line for `dragnet --help` */
	const char *usage;   /* `dragnet NAME --help`: usage, options, example */
	/* Runs the command on argv[0..argc) (argv[0] is the command name) and
	 * returns the exit status (enum dn_cli_status). */
	int (*run)(const dn_cli_cmd *cmd, int argc, char **argv);
};

/* Commands, defined by their cmd_*.c file. */
extern const dn_cli_cmd dn_cli_cmd_init;  /* cmd_admin.c */
extern const dn_cli_cmd dn_cli_cmd_stats; /* cmd_admin.c */
extern const dn_cli_cmd dn_cli_cmd_check; /* cmd_admin.c */
extern const dn_cli_cmd dn_cli_cmd_query; /* cmd_query.c */
extern const dn_cli_cmd dn_cli_cmd_import; /* cmd_import.c */

/* One option a command accepts, matched as --name. Set exactly one of flag
 * (an option without argument: set to true when present) and arg (receives
 * the argument, given as --name=VALUE or --name VALUE; borrowed from argv).
 * A table of options ends with an entry whose name is NULL. */
typedef struct dn_cli_opt {
	const char *name;
	bool *flag;
	const char **arg;
} dn_cli_opt;

/* The positional arguments of a command: the database and what follows. */
typedef struct dn_cli_args {
	const char *db;    /* the DB argument (never NULL after a successful parse) */
	char **rest;       /* further positional arguments, in order */
	size_t nrest;
} dn_cli_args;

/*
 * Parses the arguments of `dragnet COMMAND DB [options]`: argv[0] is the
 * command name; options and positional arguments may come in any order,
 * "--" ends the options. -h/--help prints cmd->usage on stdout. DB is
 * required; at most max_rest positional arguments may follow it (argv is
 * reordered in place so that out->rest points into it).
 * Returns DN_CLI_CONTINUE when the command should run, DN_CLI_OK after
 * printing the help, or DN_CLI_USAGE after reporting bad usage.
 */
int dn_cli_parse(const dn_cli_cmd *cmd, int argc, char **argv,
                 const dn_cli_opt *opts, size_t max_rest, dn_cli_args *out);

/* Prints "dragnet: COMMAND: message" on stderr (just "dragnet: message"
 * when cmd is NULL) and returns DN_CLI_FAIL. */
int dn_cli_fail(const dn_cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the message as dn_cli_fail does, then a one-line hint to run
 * --help, and returns DN_CLI_USAGE. */
int dn_cli_usage_error(const dn_cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports the failure rc of a call on db (NULL for dn_open): the message
 * is dn_errmsg(db), or dn_strerror(rc) when that is empty, prefixed by
 * `context` (e.g. the path) unless the message already names it. Returns
 * DN_CLI_FAIL. */
int dn_cli_fail_db(const dn_cli_cmd *cmd, const dn_db *db, int rc,
                   const char *context);

/* Opens the database at path with flags (dn_open_flags), reporting a
 * failure. Returns DN_CLI_OK and *out, or DN_CLI_FAIL with *out NULL. */
int dn_cli_open(const dn_cli_cmd *cmd, const char *path, unsigned flags,
                dn_db **out);

#endif /* DN_CLI_H */
