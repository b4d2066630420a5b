/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_shell.c — `dragnet shell DB`: the interactive Cypher shell. It reads
 * lines (with libedit's line editing and a persistent history when standard
 * input is a terminal, plainly otherwise), gathers them into statements
 * ended by ';', runs each through output.c in its own transaction, and
 * answers the shell's own commands (:help, :schema, :explain, :format,
 * :timing, :param, :params, :unparam, :quit).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <histedit.h>

#include "cli.h"
#include "lexer.h"
#include "output.h"

static const char shell_usage[] =
	"Usage: dragnet shell DB [--format FORMAT]\n"
	"\n"
	"An interactive Cypher shell on DB (docs/CLI.md). Statements end with\n"
	"';' and may span lines; each runs in its own transaction. Lines that\n"
	"start with ':' are shell commands (:help lists them). On a terminal\n"
	"the shell edits lines and keeps a history in $DRAGNET_HISTORY, else\n"
	"$XDG_STATE_HOME/dragnet/history, else ~/.dragnet_history (an empty\n"
	"DRAGNET_HISTORY keeps none); otherwise it reads the statements from\n"
	"standard input without prompts and exits with status 1 if any failed.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT   table (default), json, jsonl or csv\n"
	"\n"
	"Example:\n"
	"  dragnet shell case.db\n"
	"  printf ':format csv\\nMATCH (t:Trader) RETURN t.name;\\n' | dragnet shell case.db\n";

static const char shell_help[] =
	"Statements end with ';' and may span several lines.\n"
	"Commands (at the start of a line):\n"
	"  :help                 this list\n"
	"  :schema               labels, relationship types and property keys,\n"
	"                        with counts, and the indexes and constraints\n"
	"  :explain QUERY        the plan of QUERY, as EXPLAIN QUERY prints it\n"
	"  :format [FORMAT]      show or set the output: table, json, jsonl, csv\n"
	"  :timing [on|off]      show or set timing (elapsed time per statement)\n"
	"  :param NAME=JSON      bind $NAME to a JSON value\n"
	"  :params               list the bound parameters\n"
	"  :unparam NAME         remove the binding of $NAME\n"
	"  :quit                 leave the shell (as does Ctrl-D)\n";

static int shell_run(const dn_cli_cmd *cmd, int argc, char **argv);

const dn_cli_cmd dn_cli_cmd_shell = {
	"shell",
	"interactive Cypher shell with line editing and history",
	shell_usage,
	shell_run,
};

typedef struct shell {
	dn_cli_run run;
	dn_cli_params params;
	bool tty;         /* standard input is a terminal: prompts, editing, history */
	bool quit;        /* :quit was given */
	bool failed;      /* a statement or command failed */
	EditLine *el;
	History *hist;
	char *histfile;   /* NULL: no history file */
	bool hist_warned; /* the history could not be saved, and we said so */
	char *line;       /* getline's buffer when not a terminal */
	size_t line_cap;
	/* The text of the pending statement, from the start of the line where
	 * it begins: buf[start..len) is what has not run yet. */
	char *buf;
	size_t len, cap, start;
	int lineno;       /* lines read so far */
} shell;

/* Set by SIGINT (Ctrl-C): drop the pending statement, keep the shell. */
static volatile sig_atomic_t shell_interrupted;

static void shell_on_sigint(int sig)
{
	(void)sig;
	shell_interrupted = 1;
}

/* --- history ------------------------------------------------------------ */

/* The history file: $DRAGNET_HISTORY (empty: none), else
 * $XDG_STATE_HOME/dragnet/history (creating the directory), else
 * ~/.dragnet_history. Returns an owned path or NULL. */
static char *shell_history_path(void)
{
	const char *env = getenv("DRAGNET_HISTORY");
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;
	if (env)
		return env[0] ? strdup(env) : NULL;
	if (state && state[0] == '/') {
		if (asprintf(&path, "%s/dragnet", state) < 0)
			return NULL;
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			free(path);
			return NULL;
		}
		free(path);
		return asprintf(&path, "%s/dragnet/history", state) < 0 ? NULL : path;
	}
	if (home && home[0])
		return asprintf(&path, "%s/.dragnet_history", home) < 0 ? NULL : path;
	return NULL;
}

/* Adds an entered line (without its '\n') to the history and saves it, so
 * that a shell that is killed loses nothing. */
static void shell_history_add(shell *sh, const char *line)
{
	HistEvent ev;
	size_t n = strcspn(line, "\n");
	char *entry;
	if (!sh->hist || n == 0 || !(entry = strndup(line, n)))
		return;
	history(sh->hist, &ev, H_ENTER, entry);
	free(entry);
	if (sh->histfile && history(sh->hist, &ev, H_SAVE, sh->histfile) < 0 && !sh->hist_warned) {
		dn_cli_fail(sh->run.cmd, "cannot save the history in %s", sh->histfile);
		sh->hist_warned = true;
	}
}

static char *shell_prompt(EditLine *el)
{
	shell *sh = NULL;
	el_get(el, EL_CLIENTDATA, &sh);
	return sh && sh->len > sh->start ? "      -> " : "dragnet> ";
}

/* Sets up libedit and the history on a terminal. Returns false when that
 * fails (the shell then reads plainly). */
static bool shell_edit_init(shell *sh)
{
	HistEvent ev;
	sh->hist = history_init();
	sh->el = el_init("dragnet", stdin, stdout, stderr);
	if (!sh->hist || !sh->el)
		return false;
	history(sh->hist, &ev, H_SETSIZE, 1000);
	history(sh->hist, &ev, H_SETUNIQUE, 1);
	sh->histfile = shell_history_path();
	if (sh->histfile)
		history(sh->hist, &ev, H_LOAD, sh->histfile); /* none yet is fine */
	el_set(sh->el, EL_CLIENTDATA, sh);
	el_set(sh->el, EL_PROMPT, shell_prompt);
	el_set(sh->el, EL_EDITOR, "emacs");
	el_set(sh->el, EL_HIST, history, sh->hist);
	el_set(sh->el, EL_SIGNAL, 1);
	el_source(sh->el, NULL); /* the user's ~/.editrc, if any */
	return true;
}

/* The next line, with its '\n' when it has one; NULL at the end of input.
 * Sets shell_interrupted (and returns "") when Ctrl-C interrupted it. */
static const char *shell_read_line(shell *sh)
{
	if (sh->el) {
		int count;
		shell_interrupted = 0;
		const char *line = el_gets(sh->el, &count);
		if (shell_interrupted)
			return "";
		if (!line || count <= 0)
			return NULL;
		shell_history_add(sh, line);
		return line;
	}
	return getline(&sh->line, &sh->line_cap, stdin) < 0 ? NULL : sh->line;
}

/* --- commands ----------------------------------------------------------- */

static int shell_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the names of one kind of token, sorted: each on its line with
 * its count, or without counts (count NULL) as a list wrapped at 78
 * columns. */
static int shell_schema_tokens(dn_txn *txn, dn_token_kind kind, const char *title,
                               int (*count)(dn_txn *, const char *, uint64_t *))
{
	char **names;
	size_t n, w = 0;
	int rc = dn_token_list(txn, kind, &names, &n);
	if (rc)
		return rc;
	if (n > 1) /* names may be NULL when there are none */
		qsort(names, n, sizeof *names, shell_strcmp);
	printf("%s:%s\n", title, n ? "" : " (none)");
	for (size_t i = 0; i < n; i++)
		w = strlen(names[i]) > w ? strlen(names[i]) : w;
	for (size_t i = 0, col = 0; i < n && !rc; i++) {
		uint64_t c = 0;
		if (!count) {
			size_t len = strlen(names[i]);
			if (col && col + 2 + len > 78) {
				printf(",\n");
				col = 0;
			}
			col += (size_t)printf("%s%s", col ? ", " : "  ", names[i]);
			if (i + 1 == n)
				printf("\n");
		} else if (!(rc = count(txn, names[i], &c))) {
			printf("  %-*s  %llu\n", (int)w, names[i], (unsigned long long)c);
		}
	}
	dn_strings_free(names, n);
	return rc;
}

static int shell_schema(shell *sh)
{
	dn_txn *txn = NULL;
	dn_index_info *idx = NULL;
	size_t n = 0, w = 0;
	int rc = dn_txn_begin(sh->run.db, DN_TXN_RDONLY, NULL, &txn);
	if (!rc)
		rc = shell_schema_tokens(txn, DN_TOKEN_LABEL, "labels", dn_count_label);
	if (!rc)
		rc = shell_schema_tokens(txn, DN_TOKEN_TYPE, "relationship types", dn_count_type);
	if (!rc)
		rc = shell_schema_tokens(txn, DN_TOKEN_KEY, "property keys", NULL);
	if (!rc)
		rc = dn_index_list(txn, &idx, &n);
	if (!rc) {
		printf("indexes and constraints:%s\n", n ? "" : " (none)");
		size_t wp = 0; /* width of ":Label(key)" */
		for (size_t i = 0; i < n; i++) {
			size_t p = strlen(idx[i].label) + strlen(idx[i].key) + 3;
			w = strlen(idx[i].name) > w ? strlen(idx[i].name) : w;
			wp = p > wp ? p : wp;
		}
		for (size_t i = 0; i < n; i++) {
			int p = printf("  %-*s  :%s(%s)", (int)w, idx[i].name, idx[i].label, idx[i].key);
			printf("%*s  %s, %llu entries\n", (int)(wp + w + 4) - p, "",
			       idx[i].flags & DN_INDEX_UNIQUE ? "unique constraint" : "index",
			       (unsigned long long)idx[i].entries);
		}
	}
	dn_index_list_free(idx, n);
	dn_txn_abort(txn);
	if (rc)
		return dn_cli_fail_db(sh->run.cmd, sh->run.db, rc, "schema");
	return DN_CLI_OK;
}

/* :explain QUERY runs "EXPLAIN QUERY". */
static int shell_explain(shell *sh, const char *query)
{
	char *text;
	int n = asprintf(&text, "EXPLAIN %s", query);
	if (n < 0)
		return dn_cli_fail(sh->run.cmd, "out of memory");
	int status = dn_cli_run_stmt(&sh->run, text, (size_t)n, 0, (size_t)n);
	free(text);
	return status;
}

static int shell_params(shell *sh)
{
	for (size_t i = 0; i < sh->params.n; i++) {
		json_t *j = dn_cli_value_json(NULL, &sh->params.v[i].value);
		char *s = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		printf("$%s = %s\n", sh->params.v[i].name, s ? s : "?");
		free(s);
		json_decref(j);
	}
	if (!sh->params.n)
		printf("no parameters\n");
	return DN_CLI_OK;
}

/* Runs the command in line (':' then a name and an argument, without the
 * trailing blanks and ';'). */
static int shell_command(shell *sh, char *line)
{
	const dn_cli_cmd *cmd = sh->run.cmd;
	char *name = line + 1, *arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if (!strcmp(name, "quit") || !strcmp(name, "exit") || !strcmp(name, "q")) {
		sh->quit = true;
		return DN_CLI_OK;
	}
	if (!strcmp(name, "help")) {
		fputs(shell_help, stdout);
		return DN_CLI_OK;
	}
	if (!strcmp(name, "schema"))
		return shell_schema(sh);
	if (!strcmp(name, "explain"))
		return *arg ? shell_explain(sh, arg) : dn_cli_fail(cmd, ":explain needs a query");
	if (!strcmp(name, "format")) {
		int fmt = *arg ? dn_cli_format_parse(arg) : (int)sh->run.format;
		if (fmt < 0)
			return dn_cli_fail(cmd, "unknown format '%s' (" DN_CLI_FORMAT_NAMES ")", arg);
		sh->run.format = (dn_cli_format)fmt;
		if (!*arg) /* setting it says nothing: the output stays pure JSON, CSV... */
			printf("format: %s\n", dn_cli_format_name(sh->run.format));
		return DN_CLI_OK;
	}
	if (!strcmp(name, "timing")) {
		if (!strcmp(arg, "on") || !strcmp(arg, "off"))
			sh->run.timing = !strcmp(arg, "on");
		else if (*arg)
			return dn_cli_fail(cmd, ":timing takes on or off, not '%s'", arg);
		else
			printf("timing: %s\n", sh->run.timing ? "on" : "off");
		return DN_CLI_OK;
	}
	if (!strcmp(name, "param")) {
		char why[256];
		if (dn_cli_params_set(&sh->params, arg, why, sizeof why))
			return dn_cli_fail(cmd, "param %s", why);
		return DN_CLI_OK;
	}
	if (!strcmp(name, "params"))
		return shell_params(sh);
	if (!strcmp(name, "unparam")) {
		if (!dn_cli_params_unset(&sh->params, arg))
			return dn_cli_fail(cmd, "no parameter named '%s'", arg);
		return DN_CLI_OK;
	}
	return dn_cli_fail(cmd, "unknown command ':%s' (:help lists them)", name);
}

/* --- statements --------------------------------------------------------- */

/* Appends n bytes to the pending text. */
static bool shell_append(shell *sh, const char *s, size_t n)
{
	if (sh->len + n + 1 > sh->cap) {
		size_t cap = (sh->len + n + 1) * 2;
		char *p = realloc(sh->buf, cap);
		if (!p)
			return false;
		sh->buf = p;
		sh->cap = cap;
	}
	memcpy(sh->buf + sh->len, s, n);
	sh->len += n;
	sh->buf[sh->len] = '\0';
	return true;
}

/* Forgets the pending text; the next line starts a new statement. */
static void shell_reset(shell *sh)
{
	if (!sh->tty)
		sh->run.line_base = sh->lineno;
	sh->len = sh->start = 0;
}

static void shell_status(shell *sh, int status)
{
	if (status != DN_CLI_OK)
		sh->failed = true;
}

/* Runs the statements that the pending text completes (at_end: the input
 * is over, so a last statement without ';' runs too), then keeps only the
 * lines that the rest starts on. */
static void shell_run_complete(shell *sh, bool at_end)
{
	while (sh->start < sh->len) {
		size_t n, rest = sh->len - sh->start;
		if (dn_lex_split(sh->buf + sh->start, rest, &n) != 0) {
			shell_status(sh, dn_cli_fail(sh->run.cmd, "out of memory"));
			shell_reset(sh);
			return;
		}
		/* complete: the lexer found a ';', or (after a lexical error,
		 * when it gives the whole rest) the text ends with ';' */
		size_t end = rest;
		while (end && strchr(" \t\r\n", sh->buf[sh->start + end - 1]))
			end--;
		if (n == rest && !at_end && !(end && sh->buf[sh->start + end - 1] == ';'))
			break;
		shell_status(sh, dn_cli_run_stmt(&sh->run, sh->buf, sh->len, sh->start, n));
		sh->start += n;
	}
	if (dn_cli_stmt_blank(sh->buf + sh->start, sh->len - sh->start)) {
		shell_reset(sh);
		return;
	}
	/* drop the lines before the one the pending statement starts on */
	size_t cut = sh->start;
	while (cut && sh->buf[cut - 1] != '\n')
		cut--;
	for (size_t i = 0; i < cut && !sh->tty; i++)
		sh->run.line_base += sh->buf[i] == '\n';
	memmove(sh->buf, sh->buf + cut, sh->len - cut + 1);
	sh->len -= cut;
	sh->start -= cut;
}

/* Handles one line of input. */
static void shell_line(shell *sh, const char *line)
{
	size_t n = strlen(line);
	sh->lineno++;
	if (sh->len == sh->start) {
		/* no statement pending: a command, or the start of a statement */
		const char *p = line + strspn(line, " \t");
		if (*p == ':') {
			char *cmd = strdup(p);
			if (!cmd) {
				shell_status(sh, dn_cli_fail(sh->run.cmd, "out of memory"));
				return;
			}
			size_t end = strlen(cmd);
			while (end && strchr(" \t\r\n;", cmd[end - 1]))
				end--;
			cmd[end] = '\0';
			shell_status(sh, shell_command(sh, cmd));
			free(cmd);
			shell_reset(sh);
			return;
		}
	}
	if (!shell_append(sh, line, n) || (n && line[n - 1] != '\n' && !shell_append(sh, "\n", 1))) {
		shell_status(sh, dn_cli_fail(sh->run.cmd, "out of memory"));
		shell_reset(sh);
		return;
	}
	shell_run_complete(sh, false);
}

static int shell_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *format = NULL;
	dn_cli_opt opts[] = {{"format", NULL, &format}, {NULL, NULL, NULL}};
	dn_cli_args args;
	shell sh = {.run = {.cmd = cmd, .format = DN_CLI_TABLE}};
	int status = dn_cli_parse(cmd, argc, argv, opts, 0, &args);
	if (status == DN_CLI_CONTINUE)
		status = dn_cli_format_option(cmd, format, &sh.run.format);
	if (status != DN_CLI_CONTINUE)
		return status;
	status = dn_cli_open(cmd, args.db, DN_OPEN_NOCREATE, &sh.run.db);
	if (status != DN_CLI_OK)
		return status;
	sh.run.params = &sh.params;
	sh.tty = isatty(STDIN_FILENO);
	sh.run.source = sh.tty ? "shell" : "<stdin>";
	if (sh.tty) {
		struct sigaction sa = {.sa_handler = shell_on_sigint}; /* no SA_RESTART */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		if (!shell_edit_init(&sh))
			dn_cli_fail(cmd, "line editing unavailable; reading plain lines");
		printf("dragnet %s shell on %s. Statements end with ';'.\n"
		       ":help lists the commands; :quit or Ctrl-D leaves.\n",
		       DN_VERSION_STRING, args.db);
	}
	while (!sh.quit) {
		const char *line = shell_read_line(&sh);
		if (!line)
			break;
		if (shell_interrupted) {
			/* Ctrl-C: abandon the statement being typed */
			fputc('\n', stdout);
			shell_reset(&sh);
			continue;
		}
		shell_line(&sh, line);
		fflush(stdout);
	}
	if (!sh.quit && !sh.tty)
		shell_run_complete(&sh, true); /* like `dragnet query`: a last statement needs no ';' */
	if (sh.tty && !sh.quit)
		fputc('\n', stdout); /* after Ctrl-D, end the prompt's line */
	if (sh.el)
		el_end(sh.el);
	if (sh.hist)
		history_end(sh.hist);
	free(sh.histfile);
	free(sh.line);
	free(sh.buf);
	dn_cli_params_free(&sh.params);
	dn_close(sh.run.db);
	return sh.failed && !sh.tty ? DN_CLI_FAIL : DN_CLI_OK;
}
