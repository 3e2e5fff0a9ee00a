/* undo.c: the installer's undo data: what was on the disk before, kept in a host file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmds.h"
#include "fs.h"
#include "install.h"
#include "sha256.h"
#include "state.h"

/*
 * The file: a header ("BTNUNDO1", version, flags, the disk's size, sector size and id), the
 * records in the order the install made them, and the SHA-256 of everything before it. Each
 * record keeps the original bytes of a range of the disk (or a file's old content) and the
 * SHA-256 of what the install left there, so uninstall can tell whether the disk changed since.
 */
#define MAGIC	   "BTNUNDO1"
#define VERSION	   1
#define F_COMPLETE 1

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static int put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = MAX(b->cap * 2, b->n + n + 4096);
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return ierr(E_NOMEM, "out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	return 0;
}

static int put32b(struct buf *b, uint32_t v)
{
	uint8_t x[4];
	put32(x, v);
	return put(b, x, 4);
}

static int put64b(struct buf *b, uint64_t v)
{
	uint8_t x[8];
	put64(x, v);
	return put(b, x, 8);
}

struct urec *undo_push(struct undo *u, uint32_t kind)
{
	if (u->n == u->cap) {
		int cap = u->cap ? u->cap * 2 : 32;
		struct urec *r = realloc(u->r, cap * sizeof(*r));
		if (!r)
			return NULL;
		u->r = r;
		u->cap = cap;
	}
	struct urec *r = &u->r[u->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	return r;
}

void undo_free(struct undo *u)
{
	for (int i = 0; i < u->n; i++)
		free(u->r[i].data);
	free(u->r);
	memset(u, 0, sizeof(*u));
}

int undo_save(const char *path, const struct undo *u)
{
	struct buf b = {0};
	char tmp[PATH_MAX + 16];
	uint8_t sum[32];
	int r = put(&b, MAGIC, 8);

	r = r ? r : put32b(&b, VERSION);
	r = r ? r : put32b(&b, u->complete ? F_COMPLETE : 0);
	r = r ? r : put64b(&b, u->disk_bytes);
	r = r ? r : put32b(&b, u->ss);
	r = r ? r : put32b(&b, (uint32_t)u->n);
	r = r ? r : put(&b, u->diskid, 16);
	for (int i = 0; i < u->n && !r; i++) {
		const struct urec *e = &u->r[i];
		uint8_t x[8] = {e->existed, e->has_post};
		size_t pl = strlen(e->path), dl = strlen(e->dir);
		put16(x + 2, (uint16_t)pl);
		put16(x + 4, (uint16_t)dl);
		r = put32b(&b, e->kind);
		r = r ? r : put32b(&b, e->cls);
		r = r ? r : put64b(&b, e->off);
		r = r ? r : put64b(&b, e->part);
		r = r ? r : put64b(&b, e->len);
		r = r ? r : put(&b, x, 8);
		r = r ? r : put(&b, e->post, 32);
		r = r ? r : put(&b, e->path, pl);
		r = r ? r : put(&b, e->dir, dl);
		r = r ? r : put(&b, e->data, e->len);
	}
	if (!r) {
		sha256(b.p, b.n, sum);
		r = put(&b, sum, 32);
	}
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (!r)
		r = write_file(tmp, b.p, b.n);
	if (!r && chmod(tmp, 0600)) /* it holds disk sectors: the owner's alone */
		r = ierr(E_IO, "%s: %s", tmp, strerror(errno));
	if (!r && rename(tmp, path))
		r = ierr(E_IO, "%s: %s", path, strerror(errno));
	if (!r) { /* the rename itself must survive a crash */
		char d[PATH_MAX];
		snprintf(d, sizeof(d), "%s", path);
		char *s = strrchr(d, '/');
		if (s)
			s[s == d] = 0;
		int fd = open(s ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	free(b.p);
	return r;
}

int undo_load(const char *path, struct undo *u)
{
	size_t n, pos = 48;
	uint8_t *d = read_file(path, &n), sum[32];
	int r = 0;

	memset(u, 0, sizeof(*u));
	if (!d)
		return errno == ENOENT ? E_NOENT : ierr(E_IO, "%s: %s", path, strerror(errno));
	if (n < 48 + 32 || memcmp(d, MAGIC, 8)) {
		r = ierr(E_FORMAT, "%s is not baton undo data", path);
		goto out;
	}
	sha256(d, n - 32, sum);
	if (memcmp(sum, d + n - 32, 32) || get32(d + 8) != VERSION) {
		r = ierr(E_CORRUPT,
			 "%s is damaged (its checksum does not match) or from another "
			 "baton version",
			 path);
		goto out;
	}
	u->complete = get32(d + 12) & F_COMPLETE;
	u->disk_bytes = get64(d + 16);
	u->ss = get32(d + 24);
	uint32_t count = get32(d + 28);
	memcpy(u->diskid, d + 32, 16);
	n -= 32;
	for (uint32_t i = 0; i < count && !r; i++) {
		if (n - pos < 72) {
			r = ierr(E_CORRUPT, "%s is truncated", path);
			break;
		}
		const uint8_t *h = d + pos;
		struct urec *e = undo_push(u, get32(h));
		if (!e) {
			r = ierr(E_NOMEM, "out of memory");
			break;
		}
		e->cls = get32(h + 4);
		e->off = get64(h + 8);
		e->part = get64(h + 16);
		e->len = get64(h + 24);
		e->existed = h[32];
		e->has_post = h[33];
		size_t pl = get16(h + 34), dl = get16(h + 36);
		memcpy(e->post, h + 40, 32);
		pos += 72;
		if (pl >= sizeof(e->path) || dl >= sizeof(e->dir) || n - pos < pl + dl ||
		    n - pos - pl - dl < e->len) {
			r = ierr(E_CORRUPT, "%s is truncated", path);
			break;
		}
		memcpy(e->path, d + pos, pl);
		memcpy(e->dir, d + pos + pl, dl);
		pos += pl + dl;
		e->data = malloc(e->len ? e->len : 1);
		if (!e->data) {
			r = ierr(E_NOMEM, "out of memory");
			break;
		}
		memcpy(e->data, d + pos, e->len);
		pos += e->len;
	}
	if (!r && pos != n)
		r = ierr(E_CORRUPT, "%s has trailing bytes", path);
out:
	free(d);
	if (r)
		undo_free(u);
	return r;
}

/*
 * Adds the original bytes of [off, off+len), except where a record already holds that range:
 * there the older original (from before the first install) wins.
 */
int undo_add_bytes(struct undo *u, enum run_class cls, uint64_t part, uint64_t off, uint64_t len,
		   const uint8_t *orig)
{
	uint64_t pos = off, end = off + len;

	while (pos < end) {
		/* The first existing record that overlaps [pos, end), by start. */
		uint64_t next = end, skip_to = pos;
		for (int i = 0; i < u->n; i++) {
			const struct urec *e = &u->r[i];
			if (e->kind != UR_BYTES || e->off + e->len <= pos || e->off >= end)
				continue;
			if (e->off <= pos)
				skip_to = MAX(skip_to, e->off + e->len);
			else
				next = MIN(next, e->off);
		}
		if (skip_to > pos) {
			pos = skip_to;
			continue;
		}
		struct urec *e = undo_push(u, UR_BYTES);
		if (!e)
			return ierr(E_NOMEM, "out of memory");
		e->cls = cls;
		e->part = part;
		e->off = pos;
		e->len = next - pos;
		e->data = malloc(e->len);
		if (!e->data)
			return ierr(E_NOMEM, "out of memory");
		memcpy(e->data, orig + (pos - off), e->len);
		pos = next;
	}
	return 0;
}

struct urec *undo_find(struct undo *u, uint32_t kind, uint64_t part, const char *dir,
		       const char *path)
{
	for (int i = 0; i < u->n; i++) {
		struct urec *e = &u->r[i];
		if (e->kind == kind && e->part == part && !strcmp(e->dir, dir ? dir : "") &&
		    !strcasecmp(e->path, path))
			return e;
	}
	return NULL;
}

/*
 * The state file (config/state.h) changes after the install by design (baton set-default, a
 * choice saved at boot), and that is no change uninstall should stop at: where a state file
 * (STATE_FILE_SIZE bytes at its path: baton's, whatever it holds now, since only baton writes
 * it) lies in [off, off+len) of the partition at part, b gets a new file's bytes instead, the
 * ones the install wrote. A state file moved or replaced by another still counts as a change.
 *
 * Where the state files lie is found once per partition (one mount, not one per record) and
 * kept in the target until something is written to it.
 */
#define SMAP_PIECES 16 /* both state paths, in clusters or blocks of 512 bytes or more */

struct state_map {
	uint64_t part; /* the partition's first sector */
	int n;	       /* SMAP_PIECES + 1: more pieces than that, so nothing is masked */
	struct {
		uint64_t file_off, vol_off, len;
	} piece[SMAP_PIECES];
};

static int map_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t n)
{
	struct state_map *m = ctx;

	if (vol_off == FS_HOLE)
		return 0;
	if (m->n == SMAP_PIECES) {
		m->n++;
		return E_RANGE;
	}
	m->piece[m->n].file_off = file_off;
	m->piece[m->n].vol_off = vol_off;
	m->piece[m->n++].len = n;
	return 0;
}

/* The state files' pieces on the partition at part (none: no filesystem, no state file). */
static const struct state_map *state_map(struct target *t, uint64_t part)
{
	struct volume *v = tgt_vol_at(t, part);
	struct state_map *m;
	struct fs *fs;

	if (t->smaps_writes != t->writes) {
		t->n_smaps = 0;
		t->smaps_writes = t->writes;
	}
	for (int i = 0; i < t->n_smaps; i++)
		if (t->smaps[i].part == part)
			return &t->smaps[i];
	if (!v)
		return NULL;
	m = realloc(t->smaps, (size_t)(t->n_smaps + 1) * sizeof(*m));
	if (!m)
		return NULL;
	t->smaps = m;
	m = &t->smaps[t->n_smaps++];
	m->part = part;
	m->n = 0;
	meta_cache_drop(&t->dev);
	if (fs_mount(v, &fs))
		return m;
	for (size_t k = 0; k < ARRAY_SIZE(state_paths) && m->n <= SMAP_PIECES; k++) {
		struct fs_file *f;
		if (fs_open(fs, state_paths[k], &f))
			continue;
		if (f->type == FS_FILE && f->size == STATE_FILE_SIZE)
			fs_extents(f, 0, f->size, map_piece, m);
		fs_close(f);
	}
	fs_unmount(fs);
	return m;
}

static void mask_state(struct target *t, uint64_t part, uint64_t off, uint64_t len, uint8_t *b)
{
	const struct state_map *m = state_map(t, part);
	uint8_t init[STATE_FILE_SIZE];

	if (!m || m->n > SMAP_PIECES)
		return;
	state_init(init);
	for (int i = 0; i < m->n; i++) {
		uint64_t a = part * t->ss + m->piece[i].vol_off, e = a + m->piece[i].len;
		uint64_t lo = MAX(a, off), hi = MIN(e, off + len);
		if (lo < hi)
			memcpy(b + (lo - off), init + m->piece[i].file_off + (lo - a), hi - lo);
	}
}

int urec_current(struct target *t, const struct urec *r, uint8_t out[32])
{
	int g;

	if (r->kind == UR_BYTES) {
		uint8_t *b = malloc(r->len ? r->len : 1);
		g = b ? tgt_read(t, r->off, r->len, b) : ierr(E_NOMEM, "out of memory");
		if (!g && r->cls == RUN_FS)
			mask_state(t, r->part, r->off, r->len, b);
		if (!g)
			sha256(b, r->len, out);
		free(b);
		return g;
	}
	if (r->kind == UR_FILE) {
		char dir[PATH_MAX];
		struct volume *v = NULL;
		uint8_t *d;
		size_t n;
		snprintf(dir, sizeof(dir), "%s", r->dir);
		if (!dir[0]) {
			v = tgt_vol_at(t, r->part);
			if (!v)
				return ierr(E_NOENT, "no partition starts at sector %llu any more",
					    (unsigned long long)r->part);
			g = tgt_usage(t, v->start * t->ss, v->blocks * t->ss, dir, sizeof(dir));
			if (g < 0)
				return g;
		}
		g = fs_get(t, v, dir, r->path, &d, &n);
		if (!g) {
			for (size_t k = 0; k < ARRAY_SIZE(state_paths); k++)
				if (!strcmp(r->path, state_paths[k]) && n == STATE_FILE_SIZE)
					state_init(d); /* as the install left it */
			sha256(d, n, out);
			free(d);
		}
		return g;
	}
	memset(out, 0, 32);
	return 0;
}
