/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck_runner.c — the openCypher TCK runner's driver: finds the feature
 * files, parses them into cases (tck_gherkin.c), runs each file's cases in
 * a forked child (restarted after a crash, with a per-case timeout) via
 * tck_case.c, and prints per-file and per-directory counts, ending with
 * "N passed, M failed, K skipped"; --baseline makes fewer passes an error.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tck.h"

/* ------------------------------------------------------------------ */
/* The driver: files, children, report                                 */
/* ------------------------------------------------------------------ */

typedef struct tck_file {
	char *path; /* absolute or as given */
	char *name; /* "features/clauses/match/Match1.feature" */
	size_t first, count; /* its cases in the global array */
	size_t pass, fail, skip;
} tck_file;

static struct {
	tck_file *v;
	size_t n;
	const char *root;
} tck_files;

static int tck_collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 8 || strcmp(path + n - 8, ".feature"))
		return 0;
	tck_files.v = tck_xrealloc(tck_files.v, (tck_files.n + 1) * sizeof *tck_files.v);
	tck_file *f = &tck_files.v[tck_files.n++];
	memset(f, 0, sizeof *f);
	f->path = tck_xstrdup(path);
	const char *rel = path + strlen(tck_files.root);
	while (*rel == '/')
		rel++;
	tck_str b = {0};
	tck_str_printf(&b, "features/%s", rel);
	f->name = tck_str_take(&b);
	return 0;
}

static int tck_file_cmp(const void *a, const void *b)
{
	return strcmp(((const tck_file *)a)->name, ((const tck_file *)b)->name);
}


/* Per-case outcome as collected by the parent. */
typedef struct tck_outrec {
	int outcome; /* -1 = not run */
	int failk;
	char *reason;
} tck_outrec;

/* Child: runs cases [from, to) and writes "index\toutcome\tfailk\treason\n"
 * per case to fd. Each case has a wall-clock guard (SIGALRM). */
static void tck_child(const tck_cases *cs, size_t from, size_t to, tck_env *env, int fd)
{
	char why[600];
	char line[700];
	for (size_t k = from; k < to; k++) {
		int failk = 0;
		alarm(30);
		tck_outcome o = tck_run_case(&cs->v[k], env, why, sizeof why, &failk);
		alarm(0);
		int n = snprintf(line, sizeof line, "%zu\t%d\t%d\t%s\n", k, (int)o, failk, why);
		if (n < 0)
			_exit(3);
		if ((size_t)n >= sizeof line) {
			n = (int)sizeof line - 1;
			line[n - 1] = '\n';
		}
		const char *p = line;
		while (n > 0) {
			ssize_t w = write(fd, p, (size_t)n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(3);
			p += w;
			n -= (int)w;
		}
	}
	_exit(0);
}

/* Runs cases [from, to) in children, restarting after a crash; a case
 * that kills its child fails with the signal as reason. */
static void tck_run_range(const tck_cases *cs, size_t from, size_t to, tck_env *env,
                          tck_outrec *rec)
{
	while (from < to) {
		int fds[2];
		if (pipe(fds)) {
			perror("tck_runner: pipe");
			exit(2);
		}
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0) {
			perror("tck_runner: fork");
			exit(2);
		}
		if (pid == 0) {
			close(fds[0]);
			tck_child(cs, from, to, env, fds[1]);
		}
		close(fds[1]);
		FILE *in = fdopen(fds[0], "r");
		char *line = NULL;
		size_t cap = 0;
		size_t next = from;
		while (in && getline(&line, &cap, in) > 0) {
			char *t1 = strchr(line, '\t');
			char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
			if (!t3)
				continue;
			size_t k = strtoull(line, NULL, 10);
			if (k < from || k >= to)
				continue;
			char *nl = strchr(t3 + 1, '\n');
			if (nl)
				*nl = 0;
			rec[k].outcome = atoi(t1 + 1);
			rec[k].failk = atoi(t2 + 1);
			rec[k].reason = tck_xstrdup(t3 + 1);
			next = k + 1;
		}
		free(line);
		if (in)
			fclose(in);
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (next >= to)
			break;
		/* the child died in case `next` */
		tck_str b = {0};
		if (WIFSIGNALED(status))
			tck_str_printf(&b, "crashed: %s%s", strsignal(WTERMSIG(status)),
			               WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		else
			tck_str_printf(&b, "crashed: child exited with status %d", WEXITSTATUS(status));
		rec[next].outcome = OUT_FAIL;
		rec[next].failk = FAILK_OTHER;
		rec[next].reason = tck_str_take(&b);
		from = next + 1;
	}
}

typedef struct tck_tally {
	char *name;
	size_t pass, fail, skip;
} tck_tally;

static void tck_tally_add(tck_tally **v, size_t *n, const char *name, const tck_file *f)
{
	size_t k;
	for (k = 0; k < *n; k++)
		if (!strcmp((*v)[k].name, name))
			break;
	if (k == *n) {
		*v = tck_xrealloc(*v, (*n + 1) * sizeof **v);
		memset(&(*v)[k], 0, sizeof **v);
		(*v)[k].name = tck_xstrdup(name);
		(*n)++;
	}
	(*v)[k].pass += f->pass;
	(*v)[k].fail += f->fail;
	(*v)[k].skip += f->skip;
}

static void tck_usage(void)
{
	fprintf(stderr,
	        "usage: tck_runner [--filter SUBSTRING] [--verbose] [--baseline FILE] FEATURES_DIR\n"
	        "  FEATURES_DIR is the TCK's tck/features; named graphs are read from\n"
	        "  FEATURES_DIR/../graphs. Exit status: 0, or 1 when fewer cases pass than\n"
	        "  the number in the baseline file, 2 on a usage or setup error, 77 (skip)\n"
	        "  when FEATURES_DIR does not exist.\n");
}

/* The first integer in a baseline file (lines starting with '#' ignored). */
static long tck_read_baseline(const char *path)
{
	char *text = tck_read_file(path);
	if (!text)
		return -1;
	long n = -1;
	for (char *p = text; *p && n < 0;) {
		char *eol = strchr(p, '\n');
		if (*p != '#') {
			char *q = p;
			while (*q && *q != '\n' && !isdigit((unsigned char)*q))
				q++;
			if (isdigit((unsigned char)*q))
				n = strtol(q, NULL, 10);
		}
		p = eol ? eol + 1 : p + strlen(p);
	}
	free(text);
	return n;
}

int main(int argc, char **argv)
{
	const char *filter = NULL, *baseline = NULL, *features = NULL;
	bool verbose = false;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--filter") && k + 1 < argc)
			filter = argv[++k];
		else if (!strcmp(argv[k], "--baseline") && k + 1 < argc)
			baseline = argv[++k];
		else if (!strcmp(argv[k], "--verbose") || !strcmp(argv[k], "-v"))
			verbose = true;
		else if (argv[k][0] != '-' && !features)
			features = argv[k];
		else {
			tck_usage();
			return 2;
		}
	}
	if (!features) {
		tck_usage();
		return 2;
	}
	struct stat st;
	if (stat(features, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tck_runner: %s: no such directory (TCK not available)\n", features);
		return 77;
	}
	long base = -1;
	if (baseline && (base = tck_read_baseline(baseline)) < 0) {
		fprintf(stderr, "tck_runner: cannot read a number from %s\n", baseline);
		return 2;
	}
	char graphs[4096];
	snprintf(graphs, sizeof graphs, "%s/../graphs", features);

	tck_files.root = features;
	if (nftw(features, tck_collect, 16, FTW_PHYS)) {
		perror("tck_runner: walking the features");
		return 2;
	}
	if (tck_files.n > 1)
		qsort(tck_files.v, tck_files.n, sizeof *tck_files.v, tck_file_cmp);

	/* parse every selected file into one array of cases */
	tck_cases cs = {0};
	size_t nfiles = 0;
	for (size_t k = 0; k < tck_files.n; k++) {
		tck_file *f = &tck_files.v[k];
		if (filter && !strstr(f->name, filter)) {
			free(f->path);
			free(f->name);
			continue;
		}
		tck_files.v[nfiles++] = *f;
		f = &tck_files.v[nfiles - 1];
		char *text = tck_read_file(f->path);
		char err[512];
		f->first = cs.n;
		if (!text || tck_parse_feature(text, f->name, &cs, err, sizeof err)) {
			fprintf(stderr, "tck_runner: %s\n", text ? err : f->path);
			free(text);
			return 2;
		}
		free(text);
		f->count = cs.n - f->first;
	}

	char tmpl[4096];
	const char *tmp = getenv("TMPDIR");
	snprintf(tmpl, sizeof tmpl, "%s/dragnet-tck-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl)) {
		perror("tck_runner: mkdtemp");
		return 2;
	}
	tck_env env = {.graphs_dir = graphs, .tmp_dir = tmpl};
	tck_outrec *rec = tck_xrealloc(NULL, (cs.n ? cs.n : 1) * sizeof *rec);
	for (size_t k = 0; k < cs.n; k++)
		rec[k] = (tck_outrec){.outcome = -1};

	size_t pass = 0, fail = 0, skip = 0, notsup = 0, nocode = 0;
	for (size_t k = 0; k < nfiles; k++) {
		tck_file *f = &tck_files.v[k];
		tck_run_range(&cs, f->first, f->first + f->count, &env, rec);
		for (size_t c = f->first; c < f->first + f->count; c++) {
			tck_outrec *r = &rec[c];
			if (r->outcome == OUT_PASS) {
				f->pass++;
			} else if (r->outcome == OUT_SKIP) {
				f->skip++;
			} else {
				f->fail++;
				notsup += r->failk == FAILK_NOTSUP;
				nocode += r->failk == FAILK_NOCODE;
				if (verbose) {
					const tck_case *tc = &cs.v[c];
					const char *q = "";
					for (size_t s = 0; s < tc->nsteps; s++)
						if (tc->steps[s].kind == ST_QUERY && tc->steps[s].doc)
							q = tc->steps[s].doc;
					printf("FAIL %s:%d: %s\n  query: ", f->name, tc->line, tc->name);
					for (const char *p = q; *p; p++)
						fputs(*p == '\n' ? "\n         " : (char[]){*p, 0}, stdout);
					printf("\n  reason: %s\n", r->reason ? r->reason : "(no result)");
				}
			}
		}
		printf("%s: %zu passed, %zu failed, %zu skipped\n", f->name, f->pass, f->fail, f->skip);
		fflush(stdout);
		pass += f->pass;
		fail += f->fail;
		skip += f->skip;
	}
	tck_rmtree(tmpl);

	/* summaries: features/<top>/<sub> and features/<top> */
	tck_tally *sub = NULL, *top = NULL;
	size_t nsub = 0, ntop = 0;
	for (size_t k = 0; k < nfiles; k++) {
		const tck_file *f = &tck_files.v[k];
		const char *rel = f->name + strlen("features/");
		const char *s1 = strchr(rel, '/');
		const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
		char *t = tck_xstrndup(rel, s1 ? (size_t)(s1 - rel) : strlen(rel));
		char *u = tck_xstrndup(rel, s2 ? (size_t)(s2 - rel) : strlen(rel));
		tck_tally_add(&top, &ntop, t, f);
		tck_tally_add(&sub, &nsub, u, f);
		free(t);
		free(u);
	}
	printf("\nby directory:\n");
	for (size_t k = 0; k < nsub; k++)
		printf("  %-34s %5zu passed, %5zu failed, %5zu skipped\n", sub[k].name, sub[k].pass,
		       sub[k].fail, sub[k].skip);
	for (size_t k = 0; k < ntop; k++)
		printf("%-36s %5zu passed, %5zu failed, %5zu skipped\n", top[k].name, top[k].pass,
		       top[k].fail, top[k].skip);
	printf("\nfailures: %zu not supported, %zu right phase but no TCK code, %zu other\n", notsup,
	       nocode, fail - notsup - nocode);
	int status = 0;
	if (base >= 0) {
		printf("baseline: %ld (from %s), passed now: %zu%s\n", base, baseline, pass,
		       (long)pass < base ? " -- REGRESSION" : "");
		if ((long)pass < base)
			status = 1;
	}
	printf("%zu passed, %zu failed, %zu skipped\n", pass, fail, skip);

	for (size_t k = 0; k < nsub; k++)
		free(sub[k].name);
	for (size_t k = 0; k < ntop; k++)
		free(top[k].name);
	free(sub);
	free(top);
	for (size_t k = 0; k < cs.n; k++)
		free(rec[k].reason);
	free(rec);
	for (size_t k = 0; k < nfiles; k++) {
		free(tck_files.v[k].path);
		free(tck_files.v[k].name);
	}
	free(tck_files.v);
	tck_cases_free(&cs);
	return status;
}
