/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error.c — error codes and messages. dn_strerror() is generated from the
 * one list in dragnet_errors.def; the message of the last failed call lives
 * in thread-local storage keyed by the database handle, so that threads
 * sharing a dn_db never read each other's messages. LMDB codes are turned
 * into dragnet codes here and nowhere else.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local struct {
	const dn_db *db;
	char msg[1024];
} err_tl;

const char *dn_strerror(int code)
{
	switch (code) {
	case DN_OK: return "success";
	case DN_ROW: return "row available";
	case DN_DONE: return "no more rows";
#define DN_ERROR(name, value, msg) case name: return msg;
#include "dragnet_errors.def"
#undef DN_ERROR
	default: return "unknown error";
	}
}

int dn_error(const dn_db *db, int code, const char *fmt, ...)
{
	va_list ap;
	err_tl.db = db;
	va_start(ap, fmt);
	vsnprintf(err_tl.msg, sizeof err_tl.msg, fmt, ap);
	va_end(ap);
	return code;
}

/* Maps an LMDB or errno code to a dragnet code and records a message. */
int dn_error_lmdb(const dn_db *db, int rc, const char *what)
{
	int code;
	switch (rc) {
	case MDB_NOTFOUND: code = DN_ENOTFOUND; break;
	case MDB_KEYEXIST: code = DN_EEXISTS; break;
	case MDB_MAP_FULL: return DN_EMAPFULL_INTERNAL;
	case MDB_READERS_FULL: code = DN_EBUSY; break;
	case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID:
		code = DN_ECORRUPT; break;
	case MDB_VERSION_MISMATCH: code = DN_EVERSION; break;
	case MDB_BAD_VALSIZE: code = DN_ETOOBIG; break;
	case MDB_TXN_FULL: case MDB_CURSOR_FULL: code = DN_ELIMIT; break;
	case MDB_BAD_TXN: code = DN_ETXN; break;
	case ENOMEM: code = DN_ENOMEM; break;
	case EACCES: case EPERM: code = DN_EPERM; break;
	case ENOENT: code = DN_ENOTFOUND; break;
	case EINVAL: code = DN_EINVAL; break;
	default: code = (rc > 0) ? DN_EIO : DN_ERROR_GENERIC; break;
	}
	return dn_error(db, code, "%s: %s", what, mdb_strerror(rc));
}

void dn_error_clear(const dn_db *db)
{
	if (err_tl.db == db)
		err_tl.msg[0] = '\0';
}

const char *dn_errmsg(const dn_db *db)
{
	return err_tl.db == db ? err_tl.msg : "";
}
