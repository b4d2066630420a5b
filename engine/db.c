/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db.c — opening and closing a database: the LMDB environment, the table of
 * sub-databases (internal.h), the format check that tells a dragnet
 * database from anything else, and growth of the memory map, which LMDB
 * only allows while no transaction of this process is open.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "keys.h"

static const char DB_MAGIC[] = "dragnet graph database";

static const struct {
	const char *name;
	unsigned flags;
} dbi_table[DBI_COUNT] = {
#define X(id, name, flags) {name, flags},
	DN_DBI_LIST(X)
#undef X
};

const char *dn_db_path(const dn_db *db)
{
	return db->path;
}

/* Rejects a data file that LMDB would map past its end (truncated) or that
 * is too small to be an LMDB file at all, before anything is mapped. */
static int check_data_file(const char *path, bool creating, bool *exists)
{
	char file[4096];
	struct stat st;
	snprintf(file, sizeof file, "%s/data.mdb", path);
	if (stat(file, &st) != 0) {
		*exists = false;
		if (errno == ENOENT)
			return 0;
		return dn_error(NULL, DN_EIO, "%s: %s", file, strerror(errno));
	}
	*exists = true;
	if (!S_ISREG(st.st_mode))
		return dn_error(NULL, DN_ENOTDB, "%s is not a regular file", file);
	if (st.st_size == 0 && !creating)
		return dn_error(NULL, DN_ENOTDB, "%s is empty: not a dragnet database", file);
	if (st.st_size > 0 && st.st_size < 8192)
		return dn_error(NULL, DN_ENOTDB, "%s is too small (%lld bytes) to be a database",
		                file, (long long)st.st_size);
	return 0;
}

static int check_mapped_size(dn_db *db)
{
	MDB_envinfo info;
	MDB_stat st;
	char file[4096];
	struct stat fs;
	mdb_env_info(db->env, &info);
	mdb_env_stat(db->env, &st);
	snprintf(file, sizeof file, "%s/data.mdb", db->path);
	if (stat(file, &fs) != 0)
		return dn_error(NULL, DN_EIO, "%s: %s", file, strerror(errno));
	uint64_t need = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	if (fs.st_size > 0 && (uint64_t)fs.st_size < need)
		return dn_error(NULL, DN_ENOTDB,
		                "%s is truncated: %lld bytes, its header says %llu", file,
		                (long long)fs.st_size, (unsigned long long)need);
	return 0;
}

/* Begins the transaction that opens the sub-databases, adopting a map
 * size that another process grew meanwhile. */
static int begin_open_txn(dn_db *db, unsigned flags, MDB_txn **txn)
{
	int rc = 0;
	for (int i = 0; i < 3; i++) {
		rc = mdb_txn_begin(db->env, NULL, flags, txn);
		if (rc != MDB_MAP_RESIZED)
			break;
		if ((rc = mdb_env_set_mapsize(db->env, 0)))
			break;
	}
	return rc ? dn_error_lmdb(NULL, rc, "begin") : 0;
}

/* Opens every sub-database; on a new database writes the magic and format.
 * An existing database is opened in a read transaction, so opening never
 * waits for another process's writer. */
static int open_dbis(dn_db *db, bool rdonly)
{
	MDB_txn *txn;
	MDB_val k, v;
	MDB_dbi meta;
	bool fresh = false, write = false;
	int rc;
	for (;;) {
		if ((rc = begin_open_txn(db, write ? 0 : MDB_RDONLY, &txn)))
			return rc;
		/* A dragnet database has the magic in `meta`; check it before
		 * creating anything, so a foreign LMDB environment is untouched. */
		rc = mdb_dbi_open(txn, "meta", 0, &meta);
		if (rc == MDB_NOTFOUND) {
			MDB_stat ms;
			MDB_dbi main_dbi;
			mdb_dbi_open(txn, NULL, 0, &main_dbi);
			mdb_stat(txn, main_dbi, &ms);
			if (ms.ms_entries != 0 || rdonly) {
				mdb_txn_abort(txn);
				return dn_error(NULL, DN_ENOTDB, "%s: an LMDB environment, but not a dragnet database",
				                db->path);
			}
			if (!write) { /* a new database: start again as the writer */
				mdb_txn_abort(txn);
				write = true;
				continue;
			}
			fresh = true;
		} else if (rc == MDB_INCOMPATIBLE) {
			mdb_txn_abort(txn);
			return dn_error(NULL, DN_ENOTDB, "%s: not a dragnet database", db->path);
		} else if (rc) {
			mdb_txn_abort(txn);
			return dn_error_lmdb(NULL, rc, "open meta");
		}
		break;
	}
	for (int i = 0; i < DBI_COUNT; i++) {
		unsigned fl = dbi_table[i].flags | (fresh ? MDB_CREATE : 0);
		rc = mdb_dbi_open(txn, dbi_table[i].name, fl, &db->dbi[i]);
		if (rc) {
			mdb_txn_abort(txn);
			if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
				return dn_error(NULL, DN_ENOTDB, "%s: sub-database '%s' missing or of the wrong kind",
				                db->path, dbi_table[i].name);
			return dn_error_lmdb(NULL, rc, dbi_table[i].name);
		}
	}
	if (fresh) {
		uint8_t fmt[4];
		dn_key_put_u32(fmt, DN_FORMAT_VERSION);
		k = (MDB_val){strlen("magic"), "magic"};
		v = (MDB_val){sizeof DB_MAGIC - 1, (void *)DB_MAGIC};
		if (!(rc = mdb_put(txn, db->dbi[DBI_META], &k, &v, 0))) {
			k = (MDB_val){strlen("format"), "format"};
			v = (MDB_val){4, fmt};
			rc = mdb_put(txn, db->dbi[DBI_META], &k, &v, 0);
		}
		if (!rc)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
		if (rc)
			return dn_error_lmdb(NULL, rc, "initialise database");
		return 0;
	}
	k = (MDB_val){strlen("magic"), "magic"};
	rc = mdb_get(txn, db->dbi[DBI_META], &k, &v);
	if (rc || v.mv_size != sizeof DB_MAGIC - 1 || memcmp(v.mv_data, DB_MAGIC, v.mv_size)) {
		mdb_txn_abort(txn);
		return dn_error(NULL, DN_ENOTDB, "%s: not a dragnet database (no magic)", db->path);
	}
	k = (MDB_val){strlen("format"), "format"};
	rc = mdb_get(txn, db->dbi[DBI_META], &k, &v);
	if (rc || v.mv_size != 4) {
		mdb_txn_abort(txn);
		return dn_error(NULL, DN_ECORRUPT, "%s: format version missing", db->path);
	}
	uint32_t fmtv = dn_key_get_u32(v.mv_data);
	/* commit, even read-only: LMDB closes handles opened in an aborted
	 * transaction */
	if ((rc = mdb_txn_commit(txn)))
		return dn_error_lmdb(NULL, rc, "open sub-databases");
	if (fmtv > DN_FORMAT_VERSION)
		return dn_error(NULL, DN_EVERSION,
		                "%s: written by a newer dragnet (format %u; this one reads up to %u)",
		                db->path, fmtv, DN_FORMAT_VERSION);
	if (fmtv < DN_FORMAT_VERSION && !rdonly) {
		/* this library reads the older format as it is, but writes the
		 * current one (docs/STORAGE.md, "Format versions"): mark the file,
		 * so that an older library refuses it rather than misread it */
		uint8_t fmt[4];
		dn_key_put_u32(fmt, DN_FORMAT_VERSION);
		if ((rc = begin_open_txn(db, 0, &txn)))
			return rc;
		k = (MDB_val){strlen("format"), "format"};
		v = (MDB_val){4, fmt};
		if ((rc = mdb_put(txn, meta, &k, &v, 0)))
			mdb_txn_abort(txn); /* mdb_txn_commit frees the transaction itself */
		else
			rc = mdb_txn_commit(txn);
		if (rc)
			return dn_error_lmdb(NULL, rc, "mark the format version");
	}
	return 0;
}

/* The name writes are logged under when the caller names no principal. */
static char *default_user(void)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res)
		return dn_strdup(res->pw_name);
	return dn_strdup("local");
}

int dn_open(const char *path, const dn_open_opts *opts, dn_db **out)
{
	dn_open_opts o = opts ? *opts : (dn_open_opts){0};
	bool rdonly = o.flags & DN_OPEN_RDONLY;
	bool create = !rdonly && !(o.flags & DN_OPEN_NOCREATE);
	struct stat st;
	bool exists = false;
	int rc;

	*out = NULL;
	dn_error_clear(NULL);
	if (!path || !*path)
		return dn_error(NULL, DN_EINVAL, "no database path given");
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return dn_error(NULL, DN_EIO, "%s: %s", path, strerror(errno));
		if (!create)
			return dn_error(NULL, DN_ENOTFOUND, "%s: no such database", path);
		if (mkdir(path, 0700) != 0)
			return dn_error(NULL, errno == EACCES ? DN_EPERM : DN_EIO, "%s: cannot create: %s",
			                path, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return dn_error(NULL, DN_ENOTDB, "%s is a file, not a database directory", path);
	}
	if ((rc = check_data_file(path, create, &exists)))
		return rc;
	if (!exists && !create)
		return dn_error(NULL, DN_ENOTFOUND, "%s: no database here (no data.mdb)", path);

	dn_db *db = dn_calloc(1, sizeof *db);
	if (!db || !(db->path = dn_strdup(path))) {
		free(db);
		return dn_error(NULL, DN_ENOMEM, "out of memory");
	}
	db->flags = o.flags;
	db->lock_fd = -1;
	pthread_mutex_init(&db->pool_lock, NULL);
	pthread_rwlock_init(&db->map_lock, NULL);
	pthread_mutex_init(&db->write_lock, NULL);
	if ((rc = mdb_env_create(&db->env))) {
		rc = dn_error_lmdb(NULL, rc, "create environment");
		goto fail;
	}
	mdb_env_set_maxdbs(db->env, DBI_COUNT + 2);
	mdb_env_set_maxreaders(db->env, o.max_readers ? o.max_readers : 126);
	size_t map = o.map_size ? o.map_size : DN_DEFAULT_MAP_SIZE;
	mdb_env_set_mapsize(db->env, map);
	unsigned flags = MDB_NOTLS | (rdonly ? MDB_RDONLY : 0) | ((o.flags & DN_OPEN_NOSYNC) ? MDB_NOSYNC : 0);
	rc = mdb_env_open(db->env, path, flags, 0600);
	if (rc) {
		if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
			rc = dn_error(NULL, DN_ENOTDB, "%s: data.mdb is not a dragnet database (%s)", path,
			              mdb_strerror(rc));
		else if (rc == EACCES || rc == EROFS)
			rc = dn_error(NULL, DN_EPERM, "%s: %s", path, mdb_strerror(rc));
		else
			rc = dn_error_lmdb(NULL, rc, path);
		goto fail;
	}
	if ((rc = check_mapped_size(db)))
		goto fail;
	if (!rdonly) {
		char lock[4096];
		snprintf(lock, sizeof lock, "%s/write.lock", path);
		db->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (db->lock_fd < 0) {
			rc = dn_error(NULL, errno == EACCES ? DN_EPERM : DN_EIO, "%s: %s", lock, strerror(errno));
			goto fail;
		}
	}
	if ((rc = open_dbis(db, rdonly)))
		goto fail;
	if (!rdonly && !(db->user = default_user())) {
		rc = dn_error(NULL, DN_ENOMEM, "out of memory");
		goto fail;
	}
	*out = db;
	return 0;
fail:
	dn_close(db);
	return rc;
}

void dn_close(dn_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->npool; i++)
		mdb_txn_abort(db->pool[i]);
	if (db->env)
		mdb_env_close(db->env);
	if (db->lock_fd >= 0)
		close(db->lock_fd);
	pthread_mutex_destroy(&db->pool_lock);
	free(db->user);
	pthread_rwlock_destroy(&db->map_lock);
	pthread_mutex_destroy(&db->write_lock);
	free(db->path);
	free(db);
}

static int lock_map_exclusive(dn_db *db, bool wait)
{
	struct timespec ts;
	if (!wait)
		return pthread_rwlock_trywrlock(&db->map_lock) == 0 ? 0 : DN_EBUSY;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	if (pthread_rwlock_timedwrlock(&db->map_lock, &ts) != 0)
		return dn_error(db, DN_EBUSY,
		                "the database map must grow but read transactions of this process "
		                "stayed open for 30 s");
	return 0;
}

/* Grows the map to at least min_size (and at least double). The caller
 * holds no transaction of this process open; other threads' transactions
 * are waited for (up to 30 s) when `wait`, else growth is skipped. */
int dn_db_grow(dn_db *db, size_t min_size, bool wait)
{
	MDB_envinfo info;
	int rc = lock_map_exclusive(db, wait);
	if (rc)
		return rc;
	mdb_env_info(db->env, &info);
	size_t size = info.me_mapsize * 2;
	if (size < min_size)
		size = min_size;
	rc = mdb_env_set_mapsize(db->env, size);
	pthread_rwlock_unlock(&db->map_lock);
	if (rc)
		return dn_error_lmdb(db, rc, "grow map");
	return 0;
}

/* Adopts a map size another process set (after MDB_MAP_RESIZED). */
int dn_db_adopt_mapsize(dn_db *db)
{
	int rc = lock_map_exclusive(db, true);
	if (rc)
		return rc;
	rc = mdb_env_set_mapsize(db->env, 0);
	pthread_rwlock_unlock(&db->map_lock);
	if (rc)
		return dn_error_lmdb(db, rc, "adopt map size");
	return 0;
}
