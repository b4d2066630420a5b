/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_mapping.c — libFuzzer target for mapping files: the input is split
 * at its first NUL byte into a mapping (JSON text, through
 * dn_mapping_parse) and a value that runs through every compiled transform
 * chain of the mapping's properties. A parse either succeeds or leaves a
 * message that names the file; a transform gives a value or DN_ETYPE with
 * a message. Built and run by tests/fuzz/run_mapping.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)              \
	do {                      \
		if (!(c))             \
			__builtin_trap(); \
	} while (0)

static void run_chain(const mt_chain *c, const char *v, size_t n, mt_scratch *sc)
{
	char err[512] = "";
	dn_value out;
	int rc = mt_chain_eval(c, v, n, sc, &out, err, sizeof err);
	CHECK(rc == 0 || rc == DN_ETYPE || rc == DN_ENOMEM);
	if (rc == DN_ETYPE)
		CHECK(err[0] != '\0');
	if (rc == 0 && out.type == DN_STRING)
		CHECK(out.u.s != NULL || out.len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	const char *val = nul ? (const char *)nul + 1 : "";
	size_t vlen = nul ? size - tlen - 1 : 0;
	mt_scratch sc = {0};
	dn_mapping *m = NULL;
	char err[1024] = "";
	int rc = dn_mapping_parse(text, tlen, "f.json", &m, err, sizeof err);

	if (rc) {
		CHECK(m == NULL);
		CHECK(rc == DN_ESYNTAX || rc == DN_ENOMEM);
		CHECK(strncmp(err, "f.json", 6) == 0);
		return 0;
	}
	for (size_t i = 0; i < m->nnodes; i++)
		for (size_t k = 0; k < m->nodes[i].nprops; k++)
			run_chain(&m->nodes[i].props[k].v.chain, val, vlen, &sc);
	for (size_t i = 0; i < m->nedges; i++)
		for (size_t k = 0; k < m->edges[i].nprops; k++)
			run_chain(&m->edges[i].props[k].v.chain, val, vlen, &sc);
	mt_scratch_free(&sc);
	dn_mapping_free(m);
	return 0;
}
