/* fuzzdisk.h: the disk fuzz targets' harness: an input as a disk, scanned, mounted and walked. */
#ifndef FUZZDISK_H
#define FUZZDISK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "fs.h"
#include "part.h"

#define BS	     512
#define MAX_FILE     (1u << 20) /* larger files are skipped: the point is parsing, not allocating */
#define SPARSE_MAX   (1u << 24) /* blocks of a sparse disk (8 GiB, never allocated) */
#define SPARSE_MAGIC "SPRS"

/*
 * The input is a disk in one of two forms:
 *  - raw: the bytes are the disk (whole 512-byte blocks; a short tail is dropped);
 *  - sparse: "SPRS", a u32 block count, then extents (u32 byte offset, u16 length, bytes) over
 *    zeros. FAT16 needs 2 MiB and FAT32 32 MiB; as sparse seeds they are a few KiB.
 * Raw disks get their GPT CRCs recomputed, unless the header's reserved field (offset 20) is
 * nonzero, so that the fuzzer reaches the checks behind the CRCs as well as the CRCs.
 */
struct extent {
	uint64_t off;
	uint32_t len;
	const uint8_t *data;
};

struct memdev {
	struct blockdev dev;
	uint8_t *raw; /* raw form: exactly num_blocks * BS bytes */
	struct extent *ext;
	size_t n_ext;
};

static int mem_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	struct memdev *m = (struct memdev *)dev;

	/* blockdev_read() checked the bounds already; a read outside them is a bug. */
	if (lba >= dev->num_blocks || count > dev->num_blocks - lba)
		abort();
	if (m->raw) {
		memcpy(buf, m->raw + lba * BS, count * BS);
		return 0;
	}
	uint64_t lo = lba * BS, hi = (lba + count) * BS;
	memset(buf, 0, count * BS);
	for (size_t i = 0; i < m->n_ext; i++) {
		const struct extent *e = &m->ext[i];
		uint64_t a = e->off > lo ? e->off : lo,
			 b = e->off + e->len < hi ? e->off + e->len : hi;
		if (a < b)
			memcpy((uint8_t *)buf + (a - lo), e->data + (a - e->off), b - a);
	}
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_gpt_crc(uint8_t *disk, uint64_t blocks, uint64_t lba)
{
	uint8_t *h = disk + lba * BS;
	uint32_t hsize = get32(h + 12), n = get32(h + 80), esz = get32(h + 84);
	uint64_t alba = get64(h + 72), bytes = (uint64_t)n * esz;

	if (memcmp(h, "EFI PART", 8) || get32(h + 20) || hsize < 92 || hsize > BS)
		return;
	if (bytes <= (1u << 20) && alba < blocks && bytes <= (blocks - alba) * BS)
		put32(h + 88, (uint32_t)crc32(0, disk + alba * BS, (uInt)bytes));
	put32(h + 16, 0);
	put32(h + 16, (uint32_t)crc32(0, h, hsize));
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

/* Extents must tile the range asked for, in order, and lie inside the volume. */
struct ext {
	uint64_t next, vol_bytes;
};

static int ext_fn(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct ext *e = ctx;

	if (file_off != e->next || !len)
		abort();
	if (vol_off != FS_HOLE && (vol_off > e->vol_bytes || len > e->vol_bytes - vol_off))
		abort();
	e->next += len;
	return 0;
}

/* Names must be non-empty, NUL-terminated strings; the walk stops after many. */
static int count_fn(void *ctx, const char *name, enum fs_ftype type)
{
	int *n = ctx;

	if (!name[0] || strlen(name) > 4096 || type > FS_OTHER)
		abort();
	return ++*n > 100000;
}

/* The errors a corrupt filesystem may give; anything else (or a crash) is a bug. */
static void check_error(int r)
{
	if (r && r != E_NOENT && r != E_CORRUPT && r != E_IO && r != E_NOMEM && r != E_RANGE &&
	    r != E_UNSUPP && r != E_FORMAT)
		abort();
}

static void read_file(struct fs *fs, const char *path)
{
	struct fs_file *f;
	char target[256];
	int r = fs_open_flags(fs, path, FS_NOFOLLOW, &f);

	check_error(r);
	if (!r) {
		if (f->type == FS_SYMLINK) {
			r = fs_readlink(f, target, sizeof(target));
			check_error(r);
			if (!r && !terminated(target, sizeof(target)))
				abort();
		}
		fs_close(f);
	}
	r = fs_open(fs, path, &f);
	check_error(r);
	if (r)
		return;
	if (f->fs != fs)
		abort();
	if (f->type == FS_DIR) {
		int count = 0;
		check_error(fs_readdir(f, count_fn, &count));
		fs_close(f);
		return;
	}
	if (f->type == FS_FILE && f->size <= MAX_FILE) {
		uint8_t *buf = malloc(f->size ? f->size : 1);
		if (buf) {
			check_error(fs_read(f, 0, f->size, buf));
			if (f->size >
			    3) { /* odd edges, and a start in the middle of the run list */
				fs_read(f, 1, f->size - 3, buf);
				fs_read(f, f->size / 2 + 1, f->size - f->size / 2 - 2, buf);
			}
			free(buf);
		}
	}
	struct ext e = {1, fs->vol->blocks * fs->vol->dev->block_size};
	if (f->size > 2 && !fs_extents(f, 1, f->size - 2, ext_fn, &e) && e.next != f->size - 1)
		abort();
	uint8_t b;
	if (f->type == FS_FILE && fs_read(f, f->size, 1, &b) != E_RANGE) /* past the end */
		abort();
	fs_close(f);
}

/* Set by a target that wants the scanned volumes itself (fuzz_entries.c); NULL for the rest. */
static void (*fuzz_volumes)(struct volume *v, int n);

/*
 * Scans the disk's partitions; with a driver name, mounts every volume with that driver only
 * and opens, reads, lists and maps each of paths.
 */
static void run(struct memdev *m, const char *drv, const char *const *paths, size_t npaths)
{
	struct volume v[16];
	uint64_t blocks = m->dev.num_blocks;

	int n = part_scan(&m->dev, v, (int)(sizeof(v) / sizeof(v[0])));
	if (n > (int)(sizeof(v) / sizeof(v[0])) || !terminated(part_warning, sizeof(part_warning)))
		abort();
	for (int i = 0; i < n; i++) {
		/* A volume starts inside the disk; only an MBR partition may end past its end
		 * (a disk cut short), and then part_warning says so. */
		if (v[i].dev != &m->dev || v[i].start >= blocks ||
		    (v[i].blocks > blocks - v[i].start &&
		     (v[i].scheme != PART_MBR || !part_warning[0])) ||
		    !terminated(v[i].name, sizeof(v[i].name)) ||
		    !terminated(v[i].partuuid, sizeof(v[i].partuuid)))
			abort();
		struct fs *fs;
		if (!drv || fs_mount_as(&v[i], drv, &fs))
			continue;
		if (!terminated(fs->label, sizeof(fs->label)) ||
		    !terminated(fs->uuid, sizeof(fs->uuid)))
			abort();
		for (size_t p = 0; p < npaths; p++)
			read_file(fs, paths[p]);
		char *text;
		size_t len;
		if (!fs_read_all(fs, paths[0], &text, &len, 4096)) {
			if (text[len])
				abort();
			mem_free(text);
		}
		fs_unmount(fs);
	}
	if (fuzz_volumes)
		fuzz_volumes(v, n);
	meta_cache_drop(&m->dev); /* the next input reuses the address */
}

/* Runs one input, in either form, through run(). */
static int fuzz_disk(const uint8_t *data, size_t size, const char *drv, const char *const *paths,
		     size_t npaths)
{
	struct memdev m;

	memset(&m, 0, sizeof(m));
	strcpy(m.dev.name, "hd0");
	m.dev.block_size = BS;
	m.dev.read = mem_read;
	if (size >= 8 && !memcmp(data, SPARSE_MAGIC, 4)) {
		m.dev.num_blocks = rd32(data + 4) % SPARSE_MAX;
		m.ext = malloc(sizeof(*m.ext) * (size / 6 + 1));
		if (!m.ext)
			return 0;
		for (size_t p = 8; p + 6 <= size;) {
			struct extent e = {rd32(data + p),
					   (uint32_t)(data[p + 4] | data[p + 5] << 8),
					   data + p + 6};
			if (e.len > size - p - 6)
				e.len = (uint32_t)(size - p - 6);
			p += 6 + e.len;
			if (e.off + e.len <= m.dev.num_blocks * BS)
				m.ext[m.n_ext++] = e;
		}
		run(&m, drv, paths, npaths);
		free(m.ext);
		return 0;
	}
	/* A copy of exactly the whole blocks, so that ASan sees any read past them. */
	m.dev.num_blocks = size / BS;
	m.raw = malloc(size / BS * BS + 1);
	if (!m.raw)
		return 0;
	memcpy(m.raw, data, size / BS * BS);
	if (m.dev.num_blocks > 2) {
		fix_gpt_crc(m.raw, m.dev.num_blocks, 1);
		fix_gpt_crc(m.raw, m.dev.num_blocks, m.dev.num_blocks - 1);
	}
	run(&m, drv, paths, npaths);
	free(m.raw);
	return 0;
}

#endif
