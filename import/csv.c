/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csv.c — the streaming RFC 4180 reader (csv.h). Input goes through a fixed
 * 64 KiB buffer; one record at a time is unquoted into a growing record
 * buffer whose size is bounded by the longest record (and by max_record).
 * Runs of plain ASCII are copied in blocks; everything else goes through a
 * byte-at-a-time state machine that also checks UTF-8 and counts lines and
 * character columns for messages.
 */
#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CSV_INBUF (64 * 1024)
#define CSV_EOF (-1)
#define CSV_ERR (-2)

typedef struct csv_field {
	size_t off, len;
	uint64_t line, col;
	bool quoted;
} csv_field;

struct dn_csv {
	FILE *f;
	bool own;
	char *name;
	unsigned char delim, quote;
	size_t max_record;
	int64_t size;

	unsigned char *in;
	size_t in_len, in_pos;
	uint64_t consumed; /* bytes before in[0] */
	bool eof;

	/* Position of the byte last read: line, and the column of the
	 * character it belongs to; next_col is the column of the next one. */
	uint64_t line, col, next_col;

	/* UTF-8 decoder state: continuation bytes still expected, the range of
	 * the next one, and where the sequence started. */
	int u_need;
	unsigned char u_lo, u_hi, u_lead;
	uint64_t u_line, u_col;

	/* Current record */
	char *buf;
	size_t buf_len, buf_cap;
	csv_field *fields;
	size_t nf, fcap;
	uint64_t rec_line;

	bool stop_plain[256], stop_quoted[256]; /* bytes that end a plain run */

	int sticky; /* unrecoverable error, returned by every later call */
	int rec_err;
	bool recoverable;
	uint64_t err_line, err_col;
	char err[512];
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static int csv_fail(dn_csv *r, int code, bool recoverable, uint64_t line,
                    uint64_t col, const char *fmt, ...)
{
	char reason[384];
	va_list ap;
	if (r->rec_err && recoverable)
		return r->rec_err; /* the first error of a record wins */
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof r->err, "%s:%llu:%llu: %s", r->name,
	         (unsigned long long)line, (unsigned long long)col, reason);
	r->err_line = line;
	r->err_col = col;
	r->recoverable = recoverable;
	if (!recoverable)
		r->sticky = code;
	r->rec_err = code;
	return code;
}

static void set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Input                                                               */
/* ------------------------------------------------------------------ */

static bool refill(dn_csv *r)
{
	size_t n;
	if (r->eof || r->sticky)
		return false;
	r->consumed += r->in_len;
	r->in_pos = r->in_len = 0;
	n = fread(r->in, 1, CSV_INBUF, r->f);
	if (n == 0) {
		r->eof = true;
		if (ferror(r->f))
			csv_fail(r, DN_EIO, false, r->line, r->next_col,
			         "read error: %s", strerror(errno ? errno : EIO));
		return false;
	}
	r->in_len = n;
	return true;
}

/* The next byte without consuming it, CSV_EOF or CSV_ERR. */
static inline int peek(dn_csv *r)
{
	if (r->in_pos == r->in_len && !refill(r))
		return r->sticky ? CSV_ERR : CSV_EOF;
	return r->in[r->in_pos];
}

/* Consumes one byte and tracks its character column. */
static inline int get(dn_csv *r)
{
	int c = peek(r);
	if (c < 0)
		return c;
	r->in_pos++;
	if ((c & 0xC0) != 0x80 || r->u_need == 0)
		r->col = r->next_col++;
	return c;
}

static inline void newline(dn_csv *r)
{
	r->line++;
	r->next_col = 1;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

static void utf8_bad(dn_csv *r)
{
	csv_fail(r, DN_ESYNTAX, true, r->u_line, r->u_col,
	         "invalid UTF-8 (byte 0x%02X)", r->u_lead);
}

/* Ends a field or meets a structural byte: a pending sequence is cut. */
static inline void utf8_end(dn_csv *r)
{
	if (r->u_need) {
		utf8_bad(r);
		r->u_need = 0;
	}
}

/* How many continuation bytes a lead byte b needs (-1: b cannot start a
 * character) and the range of the first one. */
static int utf8_lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (b < 0x80)
		return 0;
	if (b >= 0xC2 && b <= 0xDF)
		return 1;
	if (b == 0xE0)
		return *lo = 0xA0, 2;
	if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
		return 2;
	if (b == 0xED)
		return *hi = 0x9F, 2;
	if (b == 0xF0)
		return *lo = 0x90, 3;
	if (b >= 0xF1 && b <= 0xF3)
		return 3;
	if (b == 0xF4)
		return *hi = 0x8F, 3;
	return -1;
}

static void utf8_step(dn_csv *r, unsigned char b)
{
	int need;
	if (r->u_need) {
		if (b >= r->u_lo && b <= r->u_hi) {
			r->u_need--;
			r->u_lo = 0x80;
			r->u_hi = 0xBF;
			return;
		}
		utf8_bad(r);
		r->u_need = 0;
		/* b starts over as a lead byte */
	}
	r->u_lead = b;
	r->u_line = r->line;
	r->u_col = r->col;
	need = utf8_lead(b, &r->u_lo, &r->u_hi);
	if (need < 0)
		utf8_bad(r);
	else
		r->u_need = need;
}

bool dn_csv_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char lo, hi;
		int need = utf8_lead(p[i], &lo, &hi);
		if (need < 0)
			goto fail;
		for (int k = 1; k <= need; k++) {
			if (i + k >= len || p[i + k] < lo || p[i + k] > hi)
				goto fail;
			lo = 0x80;
			hi = 0xBF;
		}
		i += (size_t)need + 1;
		continue;
	fail:
		if (bad)
			*bad = i;
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Record buffer                                                       */
/* ------------------------------------------------------------------ */

static int reserve(dn_csv *r, size_t n)
{
	size_t need = r->buf_len + n + 1, cap;
	char *nb;
	if (need > r->max_record + 1)
		return csv_fail(r, DN_ELIMIT, false, r->rec_line, 1,
		                "record longer than %zu bytes", r->max_record);
	if (need <= r->buf_cap)
		return 0;
	cap = r->buf_cap ? r->buf_cap : 256;
	while (cap < need)
		cap *= 2;
	nb = realloc(r->buf, cap);
	if (!nb)
		return csv_fail(r, DN_ENOMEM, false, r->rec_line, 1, "out of memory");
	r->buf = nb;
	r->buf_cap = cap;
	return 0;
}

static inline int put(dn_csv *r, int c)
{
	if ((r->buf_len + 1 >= r->buf_cap || r->buf_len >= r->max_record) &&
	    reserve(r, 1))
		return r->sticky;
	r->buf[r->buf_len++] = (char)c;
	return 0;
}

/* Copies the run of plain ASCII bytes at the read position that are not
 * special (stop[] true), in blocks, advancing columns. */
static int copy_run(dn_csv *r, const bool *stop)
{
	for (;;) {
		size_t i = r->in_pos, n;
		if (i == r->in_len && !refill(r))
			return r->sticky;
		i = r->in_pos;
		while (i < r->in_len && !stop[r->in[i]])
			i++;
		n = i - r->in_pos;
		if (n) {
			utf8_end(r); /* ASCII cannot continue a sequence */
			if (reserve(r, n))
				return r->sticky;
			memcpy(r->buf + r->buf_len, r->in + r->in_pos, n);
			r->buf_len += n;
			r->next_col += n;
			r->col = r->next_col - 1;
			r->in_pos = i;
		}
		if (i < r->in_len)
			return 0;
	}
}

static int push_field(dn_csv *r, size_t off, uint64_t line, uint64_t col,
                      bool quoted)
{
	csv_field *fl;
	if (r->nf == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 16;
		csv_field *nfs = realloc(r->fields, cap * sizeof *nfs);
		if (!nfs)
			return csv_fail(r, DN_ENOMEM, false, line, col, "out of memory");
		r->fields = nfs;
		r->fcap = cap;
	}
	if (put(r, 0))
		return r->sticky;
	fl = &r->fields[r->nf++];
	fl->off = off;
	fl->len = r->buf_len - 1 - off;
	fl->line = line;
	fl->col = col;
	fl->quoted = quoted;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

/* Which bytes end a run of plain characters, outside and inside quotes. */
static void make_stops(dn_csv *r)
{
	for (int b = 0; b < 256; b++) {
		r->stop_plain[b] = b >= 0x80 || b == '\n' || b == '\r' || b == r->delim;
		r->stop_quoted[b] = b >= 0x80 || b == '\n' || b == '\r' || b == r->quote;
	}
}

/* Reads the body of a quoted field after its opening quote; returns the
 * byte after the closing quote (or CSV_EOF / CSV_ERR). */
static int read_quoted(dn_csv *r, const bool *stop, uint64_t line, uint64_t col)
{
	for (;;) {
		int c;
		if (copy_run(r, stop))
			return CSV_ERR;
		c = get(r);
		if (c == CSV_ERR)
			return CSV_ERR;
		if (c == CSV_EOF) {
			utf8_end(r);
			csv_fail(r, DN_ESYNTAX, false, line, col,
			         "quoted field is not closed before the end of the file");
			return CSV_ERR;
		}
		if (c == r->quote) {
			utf8_end(r);
			if (peek(r) != r->quote)
				return get(r);
			get(r);
			if (put(r, c))
				return CSV_ERR;
			continue;
		}
		if (c == '\n' || c == '\r') {
			utf8_end(r);
			if (put(r, c))
				return CSV_ERR;
			if (c == '\n' || peek(r) != '\n')
				newline(r);
			continue;
		}
		utf8_step(r, (unsigned char)c);
		if (put(r, c))
			return CSV_ERR;
	}
}

/* Reads unquoted field content until a delimiter, line end or EOF and
 * returns that byte. */
static int read_plain(dn_csv *r, const bool *stop)
{
	for (;;) {
		int c;
		if (copy_run(r, stop))
			return CSV_ERR;
		c = peek(r);
		if (c < 0 || c == r->delim || c == '\n' || c == '\r') {
			utf8_end(r);
			return c < 0 ? c : get(r);
		}
		get(r);
		utf8_step(r, (unsigned char)c);
		if (put(r, c))
			return CSV_ERR;
	}
}

int dn_csv_next(dn_csv *r)
{
	const bool *sp = r->stop_plain, *sq = r->stop_quoted;
	int c;

	if (r->sticky)
		return r->sticky;
	r->nf = 0;
	r->buf_len = 0;
	r->rec_err = 0;
	r->u_need = 0;

	c = peek(r);
	if (c == CSV_ERR)
		return r->sticky;
	if (c == CSV_EOF)
		return DN_DONE;
	r->rec_line = r->line;
	for (;;) {
		size_t off = r->buf_len;
		uint64_t fline = r->line, fcol = r->next_col;
		bool quoted = false;
		c = peek(r);
		if (c == r->quote) {
			get(r);
			quoted = true;
			c = read_quoted(r, sq, fline, fcol);
			if (c >= 0 && c != r->delim && c != '\n' && c != '\r') {
				csv_fail(r, DN_ESYNTAX, true, r->line, r->col,
				         "unexpected character after the closing quote of "
				         "a field (a quote inside a quoted field is written "
				         "twice)");
				utf8_step(r, (unsigned char)c);
				if (put(r, c))
					return r->sticky;
				c = read_plain(r, sp);
			}
		} else {
			c = read_plain(r, sp);
		}
		if (c == CSV_ERR)
			return r->sticky;
		if (push_field(r, off, fline, fcol, quoted))
			return r->sticky;
		if (c == r->delim)
			continue;
		if (c == '\r') {
			if (peek(r) == '\n')
				get(r);
			newline(r);
		} else if (c == '\n') {
			newline(r);
		}
		break;
	}
	if (r->sticky)
		return r->sticky;
	return r->rec_err ? r->rec_err : DN_ROW;
}

/* ------------------------------------------------------------------ */
/* Open / close / accessors                                            */
/* ------------------------------------------------------------------ */

static int csv_init(FILE *f, bool own, const char *name,
                    const dn_csv_opts *opts, dn_csv **out, char *errbuf,
                    size_t errlen)
{
	dn_csv *r;
	struct stat st;
	char d = opts && opts->delimiter ? opts->delimiter : ',';
	char q = opts && opts->quote ? opts->quote : '"';

	*out = NULL;
	if (d == q || d == '\n' || d == '\r' || q == '\n' || q == '\r') {
		set_errbuf(errbuf, errlen,
		           "%s: the delimiter and the quote must be different and "
		           "not line breaks", name);
		return DN_EINVAL;
	}
	r = calloc(1, sizeof *r);
	if (r)
		r->in = malloc(CSV_INBUF);
	if (r)
		r->name = strdup(name);
	if (!r || !r->in || !r->name) {
		if (r) {
			free(r->in);
			free(r->name);
		}
		free(r);
		set_errbuf(errbuf, errlen, "%s: out of memory", name);
		return DN_ENOMEM;
	}
	r->f = f;
	r->own = own;
	r->delim = (unsigned char)d;
	r->quote = (unsigned char)q;
	r->max_record = opts && opts->max_record ? opts->max_record
	                                         : (size_t)64 << 20;
	r->size = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
	              ? (int64_t)st.st_size
	              : -1;
	r->line = 1;
	r->next_col = 1;
	make_stops(r);
	/* A byte order mark is not part of the first field. */
	if (peek(r) == 0xEF && r->in_len - r->in_pos >= 3 &&
	    r->in[r->in_pos + 1] == 0xBB && r->in[r->in_pos + 2] == 0xBF)
		r->in_pos += 3;
	*out = r;
	return 0;
}

int dn_csv_open(const char *path, const dn_csv_opts *opts, dn_csv **out,
                char *errbuf, size_t errlen)
{
	FILE *f;
	int rc;
	*out = NULL;
	if (strcmp(path, "-") == 0)
		return dn_csv_open_file(stdin, "<stdin>", opts, out, errbuf, errlen);
	f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		set_errbuf(errbuf, errlen, "%s: %s", path, strerror(e));
		return e == ENOENT ? DN_ENOTFOUND
		       : (e == EACCES || e == EPERM) ? DN_EPERM
		                                     : DN_EIO;
	}
	rc = csv_init(f, true, path, opts, out, errbuf, errlen);
	if (rc)
		fclose(f);
	return rc;
}

int dn_csv_open_file(FILE *f, const char *name, const dn_csv_opts *opts,
                     dn_csv **out, char *errbuf, size_t errlen)
{
	return csv_init(f, false, name ? name : "<stdin>", opts, out, errbuf,
	                errlen);
}

void dn_csv_close(dn_csv *r)
{
	if (!r)
		return;
	if (r->own)
		fclose(r->f);
	free(r->in);
	free(r->name);
	free(r->buf);
	free(r->fields);
	free(r);
}

size_t dn_csv_nfields(const dn_csv *r)
{
	return r->nf;
}

const char *dn_csv_field(const dn_csv *r, size_t i, size_t *len)
{
	if (i >= r->nf)
		return NULL;
	if (len)
		*len = r->fields[i].len;
	return r->buf + r->fields[i].off;
}

bool dn_csv_field_quoted(const dn_csv *r, size_t i)
{
	return i < r->nf && r->fields[i].quoted;
}

uint64_t dn_csv_field_line(const dn_csv *r, size_t i)
{
	return i < r->nf ? r->fields[i].line : 0;
}

uint64_t dn_csv_field_column(const dn_csv *r, size_t i)
{
	return i < r->nf ? r->fields[i].col : 0;
}

uint64_t dn_csv_line(const dn_csv *r)
{
	return r->rec_line;
}

bool dn_csv_blank(const dn_csv *r)
{
	return r->nf == 1 && r->fields[0].len == 0 && !r->fields[0].quoted;
}

uint64_t dn_csv_offset(const dn_csv *r)
{
	return r->consumed + r->in_pos;
}

int64_t dn_csv_size(const dn_csv *r)
{
	return r->size;
}

const char *dn_csv_name(const dn_csv *r)
{
	return r->name;
}

const char *dn_csv_errmsg(const dn_csv *r)
{
	return r->err;
}

uint64_t dn_csv_error_line(const dn_csv *r)
{
	return r->err_line;
}

uint64_t dn_csv_error_column(const dn_csv *r)
{
	return r->err_col;
}

bool dn_csv_recoverable(const dn_csv *r)
{
	return r->recoverable && !r->sticky;
}
