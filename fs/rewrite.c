/* rewrite.c: overwriting a file's bytes where they lie on the disk: no allocation, no metadata. */
#include "fs.h"

#define REWRITE_MAX_PIECES 64 /* a 4 KiB file in 512-byte sectors has at most 8 */

struct rw_map {
	struct fs_file *f;
	uint64_t next, end;
	int n;
	struct {
		uint64_t file_off, vol_off, len;
	} p[REWRITE_MAX_PIECES];
};

/* Collects the pieces first: every check is done before the first byte is written. */
static int rw_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct rw_map *m = ctx;
	struct volume *v = m->f->fs->vol;
	uint32_t bs = v->dev->block_size;

	if (file_off != m->next || !len || len > m->end - file_off)
		return err_set(E_CORRUPT, "%s: the file's extents are inconsistent", v->name);
	if (vol_off == FS_HOLE)
		return err_set(E_UNSUPP, "the file has a hole (no sectors to rewrite)");
	if (vol_off % bs || len % bs)
		return err_set(E_UNSUPP, "the file's pieces are not whole %u-byte sectors", bs);
	if (vol_off > v->blocks * bs || len > v->blocks * bs - vol_off)
		return err_set(E_CORRUPT, "%s: the file's extents run past the end of the volume",
			       v->name);
	m->next += len;
	if (m->n && m->p[m->n - 1].vol_off + m->p[m->n - 1].len == vol_off) {
		m->p[m->n - 1].len += len;
		return 0;
	}
	if (m->n == REWRITE_MAX_PIECES)
		return err_set(E_UNSUPP, "the file is in more than %d pieces", REWRITE_MAX_PIECES);
	m->p[m->n].file_off = file_off;
	m->p[m->n].vol_off = vol_off;
	m->p[m->n].len = len;
	m->n++;
	return 0;
}

int fs_rewrite(struct fs_file *f, uint64_t off, uint64_t len, const void *buf)
{
	struct volume *v = f->fs->vol;
	uint32_t bs = v->dev->block_size;
	struct rw_map *m;
	uint8_t *back = NULL;
	int r;

	if (off % bs || len % bs)
		return err_set(E_INVAL, "a rewrite must be whole %u-byte sectors", bs);
	m = mem_zalloc(sizeof(*m));
	if (!m)
		return err_set(E_NOMEM, "out of memory");
	m->f = f;
	m->next = off;
	m->end = off + len;
	/* Data kept outside blocks (ext4 inline data) has no extents: fs_extents says so. */
	r = fs_extents(f, off, len, rw_piece, m);
	if (!r && m->next != off + len)
		r = err_set(E_CORRUPT, "%s: the file's extents do not cover it", v->name);
	for (int i = 0; i < m->n && !r; i++)
		r = vol_write(v, m->p[i].vol_off, m->p[i].len,
			      (const uint8_t *)buf + (m->p[i].file_off - off));
	/* Read back past any cache (vol_read is the data path) and compare. */
	if (!r && !(back = mem_alloc(len)))
		r = err_set(E_NOMEM, "out of memory");
	for (int i = 0; i < m->n && !r; i++) {
		uint8_t *dst = back + (m->p[i].file_off - off);
		r = vol_read(v, m->p[i].vol_off, m->p[i].len, dst);
		if (!r && memcmp(dst, (const uint8_t *)buf + (m->p[i].file_off - off), m->p[i].len))
			r = err_set(E_IO, "%s: sectors read back differ from what was written",
				    v->name);
	}
	mem_free(back);
	mem_free(m);
	return r;
}
