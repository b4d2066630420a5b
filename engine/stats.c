/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.c — database statistics for `dragnet stats` and the API: node and
 * edge totals, counts per label and per edge type, log position, file and
 * map size. Counts go through the same calls as everything else, so a
 * restricted transaction sees only what it is cleared for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "keys.h"

void dn_stats_free(dn_stats *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlabels; i++)
		free(s->labels[i].name);
	for (size_t i = 0; i < s->ntypes; i++)
		free(s->types[i].name);
	free(s->labels);
	free(s->types);
	free(s);
}

static int cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct dn_count *)a)->name, ((const struct dn_count *)b)->name);
}

/* Fills counts for every token of a kind; entries with count 0 are left
 * out (a label nobody carries any more, or one the reader cannot see). */
static int fill(dn_txn *t, dn_token_kind kind, struct dn_count **out, size_t *n)
{
	char **names;
	size_t cnt;
	int rc = dn_token_list(t, kind, &names, &cnt);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	struct dn_count *c = dn_calloc(cnt ? cnt : 1, sizeof *c);
	if (!c) {
		dn_strings_free(names, cnt);
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	}
	size_t w = 0;
	for (size_t i = 0; i < cnt; i++) {
		uint64_t k;
		rc = kind == DN_TOKEN_LABEL ? dn_count_label(t, names[i], &k) : dn_count_type(t, names[i], &k);
		if (rc)
			break;
		if (k == 0)
			continue;
		c[w].name = names[i];
		names[i] = NULL;
		c[w].count = k;
		w++;
	}
	dn_strings_free(names, cnt);
	if (rc) {
		for (size_t i = 0; i < w; i++)
			free(c[i].name);
		free(c);
		return rc;
	}
	qsort(c, w, sizeof *c, cmp_count);
	*out = c;
	*n = w;
	return 0;
}

int dn_stats_get(dn_txn *t, dn_stats **out)
{
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	dn_stats *s = dn_calloc(1, sizeof *s);
	if (!s)
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	if ((rc = dn_count_nodes(t, &s->nodes)) || (rc = dn_count_edges(t, &s->edges)) ||
	    (rc = fill(t, DN_TOKEN_LABEL, &s->labels, &s->nlabels)) ||
	    (rc = fill(t, DN_TOKEN_TYPE, &s->types, &s->ntypes))) {
		dn_stats_free(s);
		return rc;
	}
	s->log_position = t->base_pos;
	/* the file's own version: an older file read-only keeps its own */
	MDB_val fv;
	if (dn_get(t, DBI_META, "format", 6, &fv) == 0 && fv.mv_size == 4)
		s->format_version = dn_key_get_u32(fv.mv_data);
	else
		s->format_version = DN_FORMAT_VERSION;
	MDB_envinfo info;
	mdb_env_info(t->db->env, &info);
	s->map_bytes = info.me_mapsize;
	char file[4096];
	struct stat st;
	snprintf(file, sizeof file, "%s/data.mdb", t->db->path);
	if (stat(file, &st) == 0)
		s->file_bytes = (uint64_t)st.st_size;
	*out = s;
	return 0;
}
