/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TCK query sweep shared by unit suites (see tck_queries.h). */
#include "tck_queries.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tck/tck.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool tck_queries_find(char *out, size_t cap)
{
	const char *env = getenv("DN_TCK_DIR");
	if (env && is_dir(env)) {
		snprintf(out, cap, "%s", env);
		return true;
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return false;
	for (int up = 0; up < 8; up++) {
		char cand[PATH_MAX + 32];
		snprintf(cand, sizeof cand, "%s/../shared/data/tck", cwd);
		if (is_dir(cand) && cap >= PATH_MAX && realpath(cand, out))
			return true;
		char *slash = strrchr(cwd, '/');
		if (!slash || slash == cwd)
			break;
		*slash = '\0';
	}
	return false;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "%s: short read", path);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void one_file(const char *path, void (*fn)(void *, const tck_query *), void *ctx)
{
	char *text = read_all(path), err[256];
	tck_cases cs = {0};
	cr_assert_eq(tck_parse_feature(text, path, &cs, err, sizeof err), 0, "%s: %s", path, err);
	for (size_t c = 0; c < cs.n; c++) {
		const tck_case *k = &cs.v[c];
		const tck_step *expect = NULL;
		bool proc = false;
		for (size_t s = 0; s < k->nsteps; s++) {
			if (k->steps[s].kind == ST_ERROR)
				expect = &k->steps[s];
			proc |= k->steps[s].kind == ST_PROCEDURE;
		}
		for (size_t s = 0; s < k->nsteps; s++) {
			const tck_step *st = &k->steps[s];
			if ((st->kind != ST_EXECUTED && st->kind != ST_QUERY) || !st->doc)
				continue;
			bool main = st->kind == ST_QUERY;
			tck_query q = {path, st->line, st->doc, !main,
			               main && expect ? expect->err_kind : NULL,
			               main && expect ? expect->err_phase : NULL,
			               main && expect ? expect->arg : NULL, proc};
			fn(ctx, &q);
		}
	}
	tck_cases_free(&cs);
	free(text);
}

static int walk(const char *dir, void (*fn)(void *, const tck_query *), void *ctx)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t l = strlen(path);
		if (is_dir(path))
			files += walk(path, fn, ctx);
		else if (l > 8 && !strcmp(path + l - 8, ".feature")) {
			one_file(path, fn, ctx);
			files++;
		}
	}
	closedir(d);
	return files;
}

int tck_queries_each(const char *dir, void (*fn)(void *ctx, const tck_query *q), void *ctx)
{
	return walk(dir, fn, ctx);
}
