/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params.h — the query parameters of the `dragnet` tool: a list of
 * $name -> value bindings built from NAME=JSON text, as `dragnet query
 * --param` and the shell's `:param` give them. output.c binds the list to
 * every statement it runs.
 */
#ifndef DN_CLI_PARAMS_H
#define DN_CLI_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "dragnet.h"

/* One binding: $name -> value (both owned by the list). */
typedef struct dn_cli_param {
	char *name;
	dn_value value;
} dn_cli_param;

/* The bindings, in the order they were first set. Zero-initialise;
 * release with dn_cli_params_free. */
typedef struct dn_cli_params {
	dn_cli_param *v;
	size_t n;
} dn_cli_params;

/*
 * Parses spec "NAME=JSON" and binds $NAME to the value (JSON objects
 * become maps), replacing an earlier binding of the same name. Returns 0,
 * or an error with the reason in err[0..cap): DN_ESYNTAX for bad text
 * ("'x': expected NAME=JSON", "x: not JSON: ... (column N)"), DN_ENOMEM
 * or another code of the value builders. The list is unchanged on failure.
 */
int dn_cli_params_set(dn_cli_params *p, const char *spec, char *err, size_t cap);

/* Removes the binding of name; returns whether there was one. */
bool dn_cli_params_unset(dn_cli_params *p, const char *name);

/* Takes every "--param NAME=JSON" (or "--param=NAME=JSON") out of
 * argv[0..*argc) of a command (what follows "--" stays) and binds it in
 * *out. Returns DN_CLI_CONTINUE, or an exit status after reporting the
 * error (DN_CLI_USAGE for bad text). */
int dn_cli_params_take(const dn_cli_cmd *cmd, int *argc, char **argv, dn_cli_params *out);

/* Releases the bindings and leaves *p empty. Accepts NULL. */
void dn_cli_params_free(dn_cli_params *p);

#endif /* DN_CLI_PARAMS_H */
