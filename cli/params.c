/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params.c — query parameters given on the command line or in the shell
 * as NAME=JSON: decodes the JSON with jansson into an owned dn_value and
 * keeps the list of bindings (params.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "params.h"

/* Converts a JSON value to an owned dn_value (objects become maps). */
static int params_json_to_value(json_t *j, dn_value *out)
{
	int err = 0;
	switch (json_typeof(j)) {
	case JSON_NULL: *out = dn_value_null(); return 0;
	case JSON_TRUE: *out = dn_value_bool(true); return 0;
	case JSON_FALSE: *out = dn_value_bool(false); return 0;
	case JSON_INTEGER: *out = dn_value_int((int64_t)json_integer_value(j)); return 0;
	case JSON_REAL: *out = dn_value_float(json_real_value(j)); return 0;
	case JSON_STRING:
		*out = dn_value_stringn(json_string_value(j), json_string_length(j), &err);
		return err;
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		dn_value *items = calloc(n ? n : 1, sizeof *items);
		if (!items)
			return DN_ENOMEM;
		for (size_t i = 0; i < n && !err; i++)
			err = params_json_to_value(json_array_get(j, i), &items[i]);
		if (!err)
			*out = dn_value_list(items, n, &err);
		for (size_t i = 0; i < n; i++)
			dn_value_free(&items[i]);
		free(items);
		return err;
	}
	case JSON_OBJECT: {
		/* a map: 2*n values, key then value, keys sorted by bytes */
		size_t n = json_object_size(j), k = 0;
		const char **keys = calloc(n ? n : 1, sizeof *keys);
		dn_value *items = calloc(2 * n + 1, sizeof *items);
		const char *key;
		json_t *v;
		if (!keys || !items) {
			free(keys);
			free(items);
			return DN_ENOMEM;
		}
		json_object_foreach(j, key, v)
			keys[k++] = key;
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
				const char *tmp = keys[b];
				keys[b] = keys[b - 1];
				keys[b - 1] = tmp;
			}
		for (size_t i = 0; i < n && !err; i++) {
			items[2 * i] = dn_value_string(keys[i], &err);
			if (!err)
				err = params_json_to_value(json_object_get(j, keys[i]), &items[2 * i + 1]);
		}
		if (!err) {
			/* build the map through a list of 2n, then retag */
			*out = dn_value_list(items, 2 * n, &err);
			if (!err) {
				out->type = DN_MAP;
				out->len = (uint32_t)n;
			}
		}
		for (size_t i = 0; i < 2 * n; i++)
			dn_value_free(&items[i]);
		free(items);
		free(keys);
		return err;
	}
	}
	return DN_EINVAL;
}

int dn_cli_params_set(dn_cli_params *p, const char *spec, char *err, size_t cap)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec) {
		snprintf(err, cap, "'%s': expected NAME=JSON", spec);
		return DN_ESYNTAX;
	}
	json_error_t jerr;
	json_t *j = json_loads(eq + 1, JSON_DECODE_ANY, &jerr);
	if (!j) {
		snprintf(err, cap, "%.*s: not JSON: %s (column %d)", (int)(eq - spec), spec, jerr.text,
		         jerr.column);
		return DN_ESYNTAX;
	}
	dn_value value;
	int rc = params_json_to_value(j, &value);
	json_decref(j);
	if (rc) {
		snprintf(err, cap, "%s", dn_strerror(rc));
		return rc;
	}
	size_t len = (size_t)(eq - spec);
	for (size_t i = 0; i < p->n; i++)
		if (strlen(p->v[i].name) == len && !strncmp(p->v[i].name, spec, len)) {
			dn_value_free(&p->v[i].value);
			p->v[i].value = value;
			return 0;
		}
	char *name = strndup(spec, len);
	dn_cli_param *grown = name ? realloc(p->v, (p->n + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(name);
		dn_value_free(&value);
		snprintf(err, cap, "%s", dn_strerror(DN_ENOMEM));
		return DN_ENOMEM;
	}
	p->v = grown;
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->n++;
	return 0;
}

bool dn_cli_params_unset(dn_cli_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name)) {
			free(p->v[i].name);
			dn_value_free(&p->v[i].value);
			memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof *p->v);
			p->n--;
			return true;
		}
	return false;
}

void dn_cli_params_free(dn_cli_params *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		dn_value_free(&p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Takes every --param NAME=JSON (or --param=NAME=JSON) out of argv. */
int dn_cli_params_take(const dn_cli_cmd *cmd, int *argc, char **argv, dn_cli_params *out)
{
	int w = 0;
	for (int i = 0; i < *argc; i++) {
		const char *spec = NULL;
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--param")) {
			if (i + 1 >= *argc)
				return dn_cli_usage_error(cmd, "--param needs NAME=JSON");
			spec = argv[++i];
		} else if (!strncmp(argv[i], "--param=", 8)) {
			spec = argv[i] + 8;
		} else {
			argv[w++] = argv[i];
			continue;
		}
		char why[256];
		int rc = dn_cli_params_set(out, spec, why, sizeof why);
		if (rc == DN_ESYNTAX)
			return dn_cli_usage_error(cmd, "--param %s", why);
		if (rc)
			return dn_cli_fail(cmd, "--param: %s", why);
	}
	int tail = 0; /* what follows "--" stays as it is */
	for (int i = 0; i < *argc; i++)
		if (!strcmp(argv[i], "--")) {
			tail = *argc - i;
			memmove(argv + w, argv + i, (size_t)tail * sizeof *argv);
			break;
		}
	*argc = w + tail;
	return DN_CLI_CONTINUE;
}
