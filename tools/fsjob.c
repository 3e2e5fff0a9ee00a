/* fsjob.c: files onto a filesystem of the target: staged on a scratch copy, or through a mount. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <unistd.h>
#include "cmds.h"
#include "fs.h"
#include "imgdev.h"
#include "install.h"

/*
 * An unmounted filesystem is never changed by a tool directly. The tools (mtools for FAT,
 * debugfs for ext2/3/4) work on a scratch copy of the partition; baton's own drivers read the
 * result back, fsck checks it, and the copy is compared sector by sector with the original, so
 * the installer knows every sector that changes, can save the old bytes first and writes the new
 * ones itself. Only the metadata is copied (FAT: reserved sectors, FATs, directories; ext:
 * `e2image -r`), into a sparse file: the tools read nothing else for what they do here, and new
 * file data lands in blocks that were free.
 */

#define CHUNK (1u << 20)

struct fop *job_add(struct fsjob *j, enum fop_kind kind, const char *path, const void *data,
		    size_t len)
{
	static struct fop spill;
	struct fop *o = j->n_ops < (int)ARRAY_SIZE(j->ops) ? &j->ops[j->n_ops++] : &spill;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->data = data;
	o->len = len;
	return o;
}

void job_free(struct fsjob *j)
{
	for (int i = 0; i < j->n_ops; i++)
		free(j->ops[i].old);
	for (int i = 0; i < j->n_runs; i++)
		free(j->runs[i].data);
	free(j->runs);
	j->runs = NULL;
	j->n_runs = 0;
	if (j->tmp[0]) {
		char cmd[PATH_MAX + 16];
		const char *rm[] = {"rm", "-rf", j->tmp, NULL};
		run_tool(cmd, sizeof(cmd), rm);
		j->tmp[0] = 0;
	}
}

/* A volume covering a whole scratch file, for baton's drivers. */
struct scratch {
	int fd;
	struct blockdev dev;
	struct volume vol;
	struct fs *fs;
};

static int scratch_mount(struct fsjob *j, const char *path, struct scratch *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st))
		return ierr(E_IO, "%s: %s", path, strerror(errno));
	imgdev_from_fd(s->fd, j->t->ss, (uint64_t)st.st_size, &s->dev);
	s->vol.dev = &s->dev;
	s->vol.blocks = s->dev.num_blocks;
	s->vol.scheme = PART_NONE;
	snprintf(s->vol.name, sizeof(s->vol.name), "%s", j->vol->name);
	return fs_mount_as(&s->vol, j->fsname, &s->fs);
}

static void scratch_close(struct scratch *s)
{
	if (s->fs)
		fs_unmount(s->fs);
	meta_cache_drop(&s->dev);
	close(s->fd);
}

/* Reads a whole file through a mounted baton fs; E_NOENT when it is not there. */
static int fs_slurp(struct fs *fs, const char *path, uint8_t **data, size_t *len, bool *is_dir)
{
	struct fs_file *f;
	int r = fs_open(fs, path, &f);

	*data = NULL;
	*len = 0;
	if (is_dir)
		*is_dir = false;
	if (r)
		return r;
	if (f->type == FS_DIR) {
		if (is_dir)
			*is_dir = true;
		fs_close(f);
		return 0;
	}
	if (f->type != FS_FILE || f->size > (256u << 20)) {
		fs_close(f);
		return ierr(E_UNSUPP, "%s is not a regular file baton can replace", path);
	}
	*len = (size_t)f->size;
	*data = malloc(*len ? *len : 1);
	r = *data ? fs_read(f, 0, *len, *data) : ierr(E_NOMEM, "out of memory");
	fs_close(f);
	if (r) {
		free(*data);
		*data = NULL;
	}
	return r;
}

int fs_get(struct target *t, struct volume *vol, const char *dir, const char *path, uint8_t **data,
	   size_t *len)
{
	if (dir && dir[0]) {
		char p[PATH_MAX * 2];
		struct stat st;
		snprintf(p, sizeof(p), "%s%s", dir, path);
		if (stat(p, &st))
			return errno == ENOENT ? E_NOENT : ierr(E_IO, "%s: %s", p, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return ierr(E_UNSUPP, "%s is not a regular file", p);
		*data = read_file(p, len);
		return *data ? 0 : ierr(E_IO, "%s: %s", p, strerror(errno));
	}
	struct fs *fs;
	bool is_dir;
	meta_cache_drop(&t->dev);
	int r = fs_mount(vol, &fs);
	if (r)
		return r;
	r = fs_slurp(fs, path, data, len, &is_dir);
	if (!r && is_dir)
		r = ierr(E_UNSUPP, "%s is a directory", path);
	fs_unmount(fs);
	return r;
}

/* What is there now: through the mount point, or baton's driver on the partition. */
static int look(struct fsjob *j, struct fs *fs, struct fop *o)
{
	bool is_dir = false;
	int r;

	if (j->dir[0]) {
		char p[PATH_MAX * 2];
		struct stat st;
		snprintf(p, sizeof(p), "%s%s", j->dir, o->path);
		if (lstat(p, &st)) {
			if (errno != ENOENT)
				return ierr(E_IO, "%s: %s", p, strerror(errno));
			r = E_NOENT;
		} else if (S_ISDIR(st.st_mode)) {
			is_dir = true;
			r = 0;
		} else if (S_ISREG(st.st_mode)) {
			o->old = read_file(p, &o->old_len);
			r = o->old ? 0 : ierr(E_IO, "%s: %s", p, strerror(errno));
		} else {
			return ierr(E_UNSUPP, "%s is neither a file nor a directory", p);
		}
	} else {
		r = fs_slurp(fs, o->path, &o->old, &o->old_len, &is_dir);
	}
	if (r && r != E_NOENT)
		return r;
	o->existed = !r;
	switch (o->kind) {
	case FOP_MKDIR:
		if (o->existed && !is_dir)
			return ierr(E_INVAL, "%s on %s is a file where baton needs a directory",
				    o->path, j->vol ? vol_label(j->vol) : j->dir);
		o->skip = o->existed;
		break;
	case FOP_PUT:
		if (is_dir)
			return ierr(E_INVAL, "%s on %s is a directory where baton puts a file",
				    o->path, j->vol ? vol_label(j->vol) : j->dir);
		o->skip = o->existed && o->old_len == o->len && !memcmp(o->old, o->data, o->len);
		break;
	case FOP_DEL: o->skip = !o->existed || is_dir; break;
	case FOP_RMDIR: o->skip = !o->existed || !is_dir; break;
	}
	return 0;
}

/* Copies len bytes at off of fd to a new sparse file: only blocks that are not all zeros. */
static int copy_sparse(int fd, uint64_t off, uint64_t len, const char *dst)
{
	int out = open(dst, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	uint8_t *buf = malloc(CHUNK);
	static const uint8_t zero[4096];
	int r = 0;

	if (out < 0 || !buf || ftruncate(out, (off_t)len)) {
		r = ierr(E_IO, "%s: %s", dst, strerror(errno));
		goto out;
	}
	for (uint64_t pos = 0; pos < len && !r;) {
		/* Image files: skip their holes (block devices have none to report). */
		off_t d = lseek(fd, (off_t)(off + pos), SEEK_DATA);
		if (d < 0 && errno == ENXIO)
			break;
		if (d >= 0 && (uint64_t)d > off + pos) {
			pos = (uint64_t)d - off;
			continue;
		}
		off_t h = d >= 0 ? lseek(fd, (off_t)(off + pos), SEEK_HOLE) : -1;
		uint64_t end = h > 0 ? MIN((uint64_t)h - off, len) : len;
		while (pos < end && !r) {
			size_t n = (size_t)MIN((uint64_t)CHUNK, end - pos);
			ssize_t got = pread(fd, buf, n, (off_t)(off + pos));
			if (got != (ssize_t)n) {
				r = ierr(E_IO, "reading the partition at byte %llu failed",
					 (unsigned long long)(off + pos));
				break;
			}
			for (size_t i = 0; i < n && !r; i += 4096) {
				size_t k = MIN((size_t)4096, n - i);
				if (!memcmp(buf + i, zero, k))
					continue;
				if (pwrite(out, buf + i, k, (off_t)(pos + i)) != (ssize_t)k)
					r = ierr(E_IO, "%s: write failed: %s", dst,
						 strerror(errno));
			}
			pos += n;
		}
	}
out:
	free(buf);
	if (out >= 0 && close(out) && !r)
		r = ierr(E_IO, "%s: %s", dst, strerror(errno));
	return r;
}

/* Copies bytes [a, b) of the partition at poff into the copy, skipping zero blocks. */
static int copy_part(struct target *t, uint64_t poff, uint64_t a, uint64_t b, int out, uint8_t *buf)
{
	static const uint8_t zero[4096];

	for (uint64_t pos = a; pos < b;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, b - pos);
		int r = tgt_read(t, poff + pos, n, buf);
		if (r)
			return r;
		for (size_t i = 0; i < n; i += 4096) {
			size_t k = MIN((size_t)4096, n - i);
			if (memcmp(buf + i, zero, k) &&
			    pwrite(out, buf + i, k, (off_t)(pos + i)) != (ssize_t)k)
				return ierr(E_IO, "writing the scratch copy failed: %s",
					    strerror(errno));
		}
		pos += n;
	}
	return 0;
}

/*
 * A FAT filesystem's metadata only (Microsoft's FAT specification, sections 3 and 6): the
 * reserved sectors, the FATs, the FAT12/16 root directory, and every directory's clusters,
 * found by walking the tree from the root. mtools and fsck.fat read nothing else for what
 * the installer does, so a big FAT partition costs what its directories take, not its size.
 * Returns E_FORMAT for anything odd; the caller then copies the whole partition.
 */
static int fat_meta_copy(struct target *t, uint64_t poff, uint64_t plen, const char *dst)
{
	uint8_t bs[512], *buf = malloc(CHUNK), *fat = NULL, *seen = NULL;
	uint32_t *queue = NULL;
	int out = -1, r = E_FORMAT;

	if (!buf || tgt_read(t, poff, 512, bs))
		goto out;
	uint32_t bps = get16(bs + 11), spc = bs[13], rsvd = get16(bs + 14), nfats = bs[16];
	uint32_t root_ents = get16(bs + 17),
		 fatsz = get16(bs + 22) ? get16(bs + 22) : get32(bs + 36);
	uint64_t tot = get16(bs + 19) ? get16(bs + 19) : get32(bs + 32);
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || !spc || (spc & (spc - 1)) || !rsvd ||
	    !nfats || !fatsz || tot * bps > plen)
		goto out;
	uint64_t root_secs = ((uint64_t)root_ents * 32 + bps - 1) / bps;
	uint64_t data = rsvd + (uint64_t)nfats * fatsz + root_secs;
	if (data >= tot)
		goto out;
	uint32_t nclus = (uint32_t)((tot - data) / spc), csize = bps * spc;
	int bits = nclus < 4085 ? 12 : nclus < 65525 ? 16 : 32;
	if ((bits == 32) != (root_ents == 0) ||
	    (uint64_t)fatsz * bps < (uint64_t)(nclus + 2) * bits / 8)
		goto out;
	out = open(dst, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	fat = malloc((size_t)fatsz * bps);
	seen = calloc(nclus / 8 + 2, 1);
	queue = malloc((nclus + 2) * sizeof(*queue));
	if (out < 0 || !fat || !seen || !queue || ftruncate(out, (off_t)plen)) {
		r = ierr(E_IO, "%s: %s", dst, strerror(errno));
		goto out;
	}
	r = copy_part(t, poff, 0, data * bps, out, buf);
	if (!r)
		r = tgt_read(t, poff + (uint64_t)rsvd * bps, (uint64_t)fatsz * bps, fat);
	if (r)
		goto out;
	/* The directories to walk: FAT32's root cluster, or the subdirectories of the root region.
	 */
	uint32_t nq = 0, qi = 0;
	uint8_t *dirbuf = malloc(MAX(csize, (uint32_t)(root_secs * bps)) + 1);
	if (!dirbuf) {
		r = ierr(E_NOMEM, "out of memory");
		goto out;
	}
	if (bits == 32)
		queue[nq++] = get32(bs + 44);
	for (int pass = bits == 32 ? 1 : 0; !r; pass = 1) {
		uint32_t len;
		if (!pass) { /* the FAT12/16 root directory region */
			len = (uint32_t)(root_secs * bps);
			r = tgt_read(t, poff + (uint64_t)(data - root_secs) * bps, len, dirbuf);
		} else {
			if (qi == nq)
				break;
			uint32_t c = queue[qi++];
			if (c < 2 || c >= nclus + 2 || (seen[c / 8] >> (c % 8) & 1))
				continue;
			seen[c / 8] |= (uint8_t)(1u << (c % 8));
			uint64_t at = (data + (uint64_t)(c - 2) * spc) * bps;
			r = copy_part(t, poff, at, at + csize, out, buf);
			if (!r)
				r = tgt_read(t, poff + at, csize, dirbuf);
			len = csize;
			/* The chain continues: its next cluster is more of this directory. */
			uint32_t next;
			if (bits == 12) {
				uint32_t v = get16(fat + c + c / 2);
				next = c & 1 ? v >> 4 : v & 0xfff;
				next = next >= 0xff8 ? 0 : next;
			} else if (bits == 16) {
				next = get16(fat + 2 * c);
				next = next >= 0xfff8 ? 0 : next;
			} else {
				next = get32(fat + 4 * c) & 0x0fffffff;
				next = next >= 0x0ffffff8 ? 0 : next;
			}
			if (next && nq <= nclus) /* walked like a directory of its own */
				queue[nq++] = next;
		}
		for (uint32_t i = 0; i + 32 <= len && !r; i += 32) {
			const uint8_t *e = dirbuf + i;
			if (!e[0])
				break;
			if (e[0] == 0xe5 || e[0] == '.' || (e[11] & 0x0f) == 0x0f ||
			    !(e[11] & 0x10))
				continue;
			uint32_t c =
			    get16(e + 26) | (bits == 32 ? (uint32_t)get16(e + 20) << 16 : 0);
			if (c >= 2 && c < nclus + 2 && nq <= nclus)
				queue[nq++] = c;
		}
	}
	free(dirbuf);
out:
	if (out >= 0 && close(out) && !r)
		r = ierr(E_IO, "%s: %s", dst, strerror(errno));
	free(buf);
	free(fat);
	free(seen);
	free(queue);
	return r;
}

static int tool(const char *what, const char *const argv[])
{
	char out[2048];
	int st = run_tool(out, sizeof(out), argv);

	if (st)
		return ierr(E_IO, "%s failed (%s: %s)", what, argv[0], out[0] ? out : "no message");
	return 0;
}

/* fsck, read-only, of a scratch copy. */
static int fsck(struct fsjob *j, const char *img, const char *when)
{
	char out[2048];
	int st;

	if (!strcmp(j->fsname, "fat")) {
		const char *a[] = {"fsck.fat", "-n", img, NULL};
		st = run_tool(out, sizeof(out), a);
	} else {
		const char *a[] = {"e2fsck", "-fn", img, NULL};
		st = run_tool(out, sizeof(out), a);
	}
	if (!st)
		return 0;
	char *last = strrchr(out, '\n');
	if (!strcmp(when, "before"))
		return ierr(E_CORRUPT,
			    "the filesystem on %s has errors or was not unmounted cleanly (%s -n "
			    "says: %s): repair it first (fsck.%s)",
			    vol_label(j->vol), strcmp(j->fsname, "fat") ? "e2fsck -f" : "fsck.fat",
			    last ? last + 1 : out, strcmp(j->fsname, "fat") ? "ext4" : "fat");
	return ierr(E_CORRUPT,
		    "internal error: the staged change to %s fails fsck (%s); nothing was "
		    "written",
		    vol_label(j->vol), last ? last + 1 : out);
}

/* Where a file lies in the scratch copy, in volume bytes. */
struct piece {
	uint64_t file_off, vol_off, len;
};
struct pieces {
	struct piece *p;
	int n, cap;
};

static int add_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct pieces *ps = ctx;

	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->p = realloc(ps->p, ps->cap * sizeof(*ps->p));
		if (!ps->p)
			return ierr(E_NOMEM, "out of memory");
	}
	ps->p[ps->n++] = (struct piece){file_off, vol_off, len};
	return 0;
}

static int file_pieces(struct fs *fs, const char *path, struct pieces *ps)
{
	struct fs_file *f;
	int r = fs_open(fs, path, &f);

	ps->n = 0;
	if (r)
		return r;
	r = f->type == FS_FILE ? fs_extents(f, 0, f->size, add_piece, ps) : 0;
	fs_close(f);
	return r;
}

/* ext: the filesystem's block size from the superblock of the scratch copy. */
static uint32_t ext_block_size(const char *img)
{
	uint8_t sb[1024];
	int fd = open(img, O_RDONLY | O_CLOEXEC);
	uint32_t bs = 0;

	if (fd >= 0 && pread(fd, sb, sizeof(sb), 1024) == (ssize_t)sizeof(sb) &&
	    get16(sb + 56) == 0xef53 && get32(sb + 24) < 7)
		bs = 1024u << get32(sb + 24);
	if (fd >= 0)
		close(fd);
	return bs;
}

/*
 * debugfs's write leaves a hole for every all-zero block, and a hole cannot be in the gap
 * part's block list. So it is given the file with one byte set in each such block, and the
 * zeros are put back afterwards, in the blocks it allocated.
 */
static uint8_t *holeless(const uint8_t *data, size_t len, uint32_t bs, bool *changed)
{
	uint8_t *c = malloc(len ? len : 1);

	*changed = false;
	if (!c)
		return NULL;
	memcpy(c, data, len);
	for (size_t i = 0; i < len; i += bs) {
		size_t k = MIN((size_t)bs, len - i), z = 0;
		while (z < k && !c[i + z])
			z++;
		if (z == k) {
			c[i + k - 1] = 1;
			*changed = true;
		}
	}
	return c;
}

/* Writes the real bytes of a file over its blocks in the scratch copy. */
static int restore_zeros(struct fsjob *j, struct fop *o)
{
	struct scratch s;
	struct pieces ps = {0};
	int r = scratch_mount(j, j->work, &s);

	if (!r)
		r = file_pieces(s.fs, o->path, &ps);
	if (!r) {
		int fd = open(j->work, O_RDWR | O_CLOEXEC);
		for (int i = 0; i < ps.n && !r; i++) {
			const struct piece *p = &ps.p[i];
			if (p->vol_off == FS_HOLE)
				continue;
			if (fd < 0 || pwrite(fd, o->data + p->file_off, p->len,
					     (off_t)p->vol_off) != (ssize_t)p->len)
				r = ierr(E_IO, "%s: write failed", j->work);
		}
		if (fd >= 0)
			close(fd);
	}
	free(ps.p);
	scratch_close(&s);
	return r;
}

static int check_copy(struct fsjob *j, const char *dbg);

/* Runs the operations on the scratch copy with mtools. */
static int stage_fat(struct fsjob *j)
{
	char img[PATH_MAX + 8], src[PATH_MAX + 32], dst[200];
	int r = 0;

	snprintf(img, sizeof(img), "%s", j->work);
	for (int i = 0; i < j->n_ops && !r; i++) {
		struct fop *o = &j->ops[i];
		if (o->skip)
			continue;
		snprintf(dst, sizeof(dst), "::%s", o->path);
		if (o->kind == FOP_MKDIR) {
			const char *a[] = {"mmd", "-i", img, dst, NULL};
			r = tool("creating a directory", a);
		} else if (o->kind == FOP_PUT) {
			snprintf(src, sizeof(src), "%s/f%d", j->tmp, i);
			r = write_file(src, o->data, o->len);
			const char *a[] = {"mcopy", "-o", "-i", img, src, dst, NULL};
			if (!r && (r = tool("copying a file", a)) && strstr(imsg(), "Disk full"))
				r = ierr(E_RANGE, "no room for %s (%zu bytes) on %s (FAT)", o->path,
					 o->len, vol_label(j->vol));
		} else if (o->kind == FOP_DEL) {
			const char *a[] = {"mdel", "-i", img, dst, NULL};
			r = tool("deleting a file", a);
		} else {
			const char *a[] = {"mrd", "-i", img, dst, NULL};
			char out[512];
			if (run_tool(out, sizeof(out), a)) /* not empty: it stays */
				o->skip = true;
		}
	}
	return r;
}

/* Runs the operations on the scratch copy with one debugfs script. */
static int stage_ext(struct fsjob *j)
{
	char script[PATH_MAX + 16], src[PATH_MAX + 32], out[4096];
	uint32_t bs = ext_block_size(j->work);
	bool patched[16] = {0};
	FILE *f;
	int r = 0;

	if (!bs)
		return ierr(E_CORRUPT, "%s: no ext superblock in the copy", vol_label(j->vol));
	snprintf(script, sizeof(script), "%s/debugfs.cmd", j->tmp);
	f = fopen(script, "we");
	if (!f)
		return ierr(E_IO, "%s: %s", script, strerror(errno));
	for (int i = 0; i < j->n_ops && !r; i++) {
		struct fop *o = &j->ops[i];
		if (o->skip)
			continue;
		switch (o->kind) {
		case FOP_MKDIR: fprintf(f, "mkdir %s\n", o->path); break;
		case FOP_DEL: fprintf(f, "rm %s\n", o->path); break;
		case FOP_RMDIR: fprintf(f, "rmdir %s\n", o->path); break;
		case FOP_PUT: {
			uint8_t *c = holeless(o->data, o->len, bs, &patched[i]);
			snprintf(src, sizeof(src), "%s/f%d", j->tmp, i);
			r = c ? write_file(src, c, o->len) : ierr(E_NOMEM, "out of memory");
			free(c);
			if (o->existed)
				fprintf(f, "rm %s\n", o->path);
			fprintf(f, "write %s %s\n", src, o->path);
			break;
		}
		}
	}
	if (fclose(f) && !r)
		r = ierr(E_IO, "%s: write failed", script);
	if (r)
		return r;
	/* debugfs exits 0 whatever a command did: its output is kept for the message. */
	const char *a[] = {"debugfs", "-w", "-f", script, j->work, NULL};
	if (run_tool(out, sizeof(out), a))
		return ierr(E_IO, "debugfs failed on the copy of %s: %s", vol_label(j->vol), out);
	if (strstr(out, "Could not allocate") || strstr(out, "No free space") ||
	    strstr(out, "No space"))
		for (int i = 0; i < j->n_ops; i++)
			if (j->ops[i].kind == FOP_PUT && !j->ops[i].skip)
				return ierr(E_RANGE, "no room for %s (%zu bytes) on %s (ext)",
					    j->ops[i].path, j->ops[i].len, vol_label(j->vol));
	for (int i = 0; i < j->n_ops && !r; i++)
		if (patched[i])
			r = restore_zeros(j, &j->ops[i]);
	if (!r)
		r = check_copy(j, out);
	return r;
}

/* Every operation's effect, read back through baton's own driver from the scratch copy. */
static int check_copy(struct fsjob *j, const char *dbg)
{
	struct scratch s;
	int r = scratch_mount(j, j->work, &s);

	for (int i = 0; i < j->n_ops && !r; i++) {
		struct fop *o = &j->ops[i];
		uint8_t *d;
		size_t n;
		bool is_dir;
		if (o->skip)
			continue;
		int g = fs_slurp(s.fs, o->path, &d, &n, &is_dir);
		bool ok = o->kind == FOP_MKDIR ? !g && is_dir
			  : o->kind == FOP_PUT
			      ? !g && !is_dir && n == o->len && !memcmp(d, o->data, n)
			      : g == E_NOENT;
		free(d);
		if (!ok)
			r = ierr(E_IO,
				 "%s of %s on the copy of %s did not give the expected result%s%s",
				 o->kind == FOP_MKDIR ? "creating"
				 : o->kind == FOP_PUT ? "writing"
						      : "removing",
				 o->path, vol_label(j->vol), dbg ? ": " : "", dbg ? dbg : "");
	}
	scratch_close(&s);
	return r;
}

/* The data segments of a sparse file, merged with those of another. */
struct seg {
	uint64_t a, b;
};

static int data_segs(const char *p1, const char *p2, uint64_t len, struct seg **out, int *n)
{
	const char *paths[2] = {p1, p2};
	int cap = 0;

	*out = NULL;
	*n = 0;
	for (int k = 0; k < 2; k++) {
		int fd = open(paths[k], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ierr(E_IO, "%s: %s", paths[k], strerror(errno));
		for (uint64_t pos = 0; pos < len;) {
			off_t d = lseek(fd, (off_t)pos, SEEK_DATA);
			if (d < 0)
				break;
			off_t h = lseek(fd, d, SEEK_HOLE);
			uint64_t e = h > d ? MIN((uint64_t)h, len) : len;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				*out = realloc(*out, cap * sizeof(**out));
				if (!*out) {
					close(fd);
					return ierr(E_NOMEM, "out of memory");
				}
			}
			(*out)[(*n)++] =
			    (struct seg){ALIGN_DOWN((uint64_t)d, 4096), ALIGN_UP(e, 4096)};
			pos = e;
		}
		close(fd);
	}
	/* sort by start, then merge */
	for (int i = 1; i < *n; i++)
		for (int k = i; k > 0 && (*out)[k].a < (*out)[k - 1].a; k--) {
			struct seg t = (*out)[k];
			(*out)[k] = (*out)[k - 1];
			(*out)[k - 1] = t;
		}
	int m = 0;
	for (int i = 0; i < *n; i++) {
		if (m && (*out)[i].a <= (*out)[m - 1].b)
			(*out)[m - 1].b = MAX((*out)[m - 1].b, (*out)[i].b);
		else
			(*out)[m++] = (*out)[i];
	}
	*n = m;
	return 0;
}

/* Sector ranges [a, b), partition-relative: appended, then sorted and merged. */
struct spans {
	struct seg *s;
	int n, cap;
};

static int span_add(struct spans *sp, uint64_t a, uint64_t b)
{
	if (sp->n && sp->s[sp->n - 1].b == a) {
		sp->s[sp->n - 1].b = b;
		return 0;
	}
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 64;
		struct seg *n = realloc(sp->s, sp->cap * sizeof(*n));
		if (!n)
			return ierr(E_NOMEM, "out of memory");
		sp->s = n;
	}
	sp->s[sp->n++] = (struct seg){a, b};
	return 0;
}

static int seg_cmp(const void *x, const void *y)
{
	const struct seg *p = x, *q = y;
	return p->a < q->a ? -1 : p->a > q->a;
}

static void span_merge(struct spans *sp)
{
	int m = 0;
	if (sp->n)
		qsort(sp->s, sp->n, sizeof(*sp->s), seg_cmp);
	for (int i = 0; i < sp->n; i++) {
		if (m && sp->s[i].a <= sp->s[m - 1].b)
			sp->s[m - 1].b = MAX(sp->s[m - 1].b, sp->s[i].b);
		else
			sp->s[m++] = sp->s[i];
	}
	sp->n = m;
}

static int add_run(struct fsjob *j, int *cap, uint64_t off, uint64_t len, int wfd)
{
	if (j->n_runs == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		struct run *n = realloc(j->runs, *cap * sizeof(*n));
		if (!n)
			return ierr(E_NOMEM, "out of memory");
		j->runs = n;
	}
	struct run *r = &j->runs[j->n_runs];
	r->data = malloc(len);
	if (!r->data || pread(wfd, r->data, len, (off_t)off) != (ssize_t)len) {
		free(r->data);
		return ierr(E_IO, "%s: read failed", j->work);
	}
	r->off = j->vol->start * j->t->ss + off;
	r->len = len;
	r->cls = RUN_FS;
	r->part = j->vol->start;
	j->n_runs++;
	return 0;
}

/*
 * The sectors that differ between the original copy and the changed one, plus every sector of
 * the files written (their old content may equal the new by chance, and the blocks may have
 * been holes in a metadata-only copy). Each changed sector of the original copy that holds
 * data must still be on the disk as it was copied: a check that nothing changed meanwhile.
 */
static int diff(struct fsjob *j, const char *before, bool meta_only)
{
	uint32_t ss = j->t->ss;
	uint64_t len = j->vol->blocks * ss;
	uint8_t *a = malloc(CHUNK), *b = malloc(CHUNK), *c = malloc(ss);
	struct seg *segs = NULL;
	struct spans changed = {0}, files = {0}, rest = {0};
	int nseg = 0, r, bfd = open(before, O_RDONLY | O_CLOEXEC),
	    wfd = open(j->work, O_RDONLY | O_CLOEXEC);
	struct stat st;
	static const uint8_t zero[4096];
	int cap = 0;

	if (!a || !b || !c || bfd < 0 || wfd < 0) {
		r = ierr(E_NOMEM, "out of memory or scratch files gone");
		goto out;
	}
	if (fstat(wfd, &st) || (uint64_t)st.st_size != len) {
		r = ierr(E_IO, "internal error: the copy of %s changed size; nothing was written",
			 vol_label(j->vol));
		goto out;
	}
	r = data_segs(before, j->work, len, &segs, &nseg);
	for (int i = 0; i < nseg && !r; i++) {
		for (uint64_t pos = segs[i].a; pos < MIN(segs[i].b, len) && !r;) {
			size_t n = (size_t)MIN((uint64_t)CHUNK, MIN(segs[i].b, len) - pos);
			if (pread(bfd, a, n, (off_t)pos) != (ssize_t)n ||
			    pread(wfd, b, n, (off_t)pos) != (ssize_t)n) {
				r = ierr(E_IO, "reading the scratch copies failed");
				break;
			}
			for (size_t k = 0; k < n && !r; k += ss)
				if (memcmp(a + k, b + k, ss))
					r = span_add(&changed, (pos + k) / ss, (pos + k) / ss + 1);
			pos += n;
		}
	}
	/* The written files' sectors. */
	struct scratch s = {.fd = -1};
	struct pieces ps = {0};
	if (!r)
		r = scratch_mount(j, j->work, &s);
	for (int i = 0; i < j->n_ops && !r; i++) {
		if (j->ops[i].kind != FOP_PUT || j->ops[i].skip)
			continue;
		r = file_pieces(s.fs, j->ops[i].path, &ps);
		for (int k = 0; !r && k < ps.n; k++)
			if (ps.p[k].vol_off != FS_HOLE)
				r = span_add(&files, ps.p[k].vol_off / ss,
					     (ps.p[k].vol_off + ps.p[k].len + ss - 1) / ss);
	}
	free(ps.p);
	if (s.fd >= 0)
		scratch_close(&s);
	span_merge(&changed);
	span_merge(&files);
	/* The metadata: what changed, less the files' sectors. */
	for (int i = 0, k = 0; i < changed.n && !r; i++) {
		uint64_t x = changed.s[i].a, e = changed.s[i].b;
		while (x < e && !r) {
			while (k < files.n && files.s[k].b <= x)
				k++;
			if (k < files.n && files.s[k].a <= x) {
				x = files.s[k].b;
				continue;
			}
			uint64_t y = k < files.n ? MIN(e, files.s[k].a) : e;
			r = span_add(&rest, x, y);
			x = y;
		}
	}
	/* Still as copied? Every sector about to be written that held data in the copy. */
	for (int pass = 0; pass < 2 && !r; pass++) {
		struct spans *sp = pass ? &rest : &files;
		for (int i = 0; i < sp->n && !r; i++)
			for (uint64_t sec = sp->s[i].a; sec < sp->s[i].b && !r; sec++) {
				if (pread(bfd, a, ss, (off_t)(sec * ss)) != (ssize_t)ss) {
					r = ierr(E_IO, "reading the scratch copy failed");
					break;
				}
				bool has_data = false;
				for (uint32_t k = 0; k < ss && !has_data; k += sizeof(zero))
					has_data = memcmp(a + k, zero,
							  MIN(sizeof(zero), (size_t)(ss - k))) != 0;
				if (!has_data && meta_only)
					continue;
				r = tgt_read(j->t, j->vol->start * ss + sec * ss, ss, c);
				if (!r && memcmp(a, c, ss))
					r = ierr(
					    E_IO,
					    "%s changed while baton was preparing the install "
					    "(sector %llu of the partition); nothing was written",
					    vol_label(j->vol), (unsigned long long)sec);
			}
	}
	/* Runs: the files' data first, then the metadata in disk order, at most 1 MiB each. */
	for (int pass = 0; pass < 2 && !r; pass++) {
		struct spans *sp = pass ? &rest : &files;
		uint64_t most = MAX(1u, (1u << 20) / ss);
		for (int i = 0; i < sp->n && !r; i++)
			for (uint64_t x = sp->s[i].a; x < sp->s[i].b && !r;) {
				uint64_t y = MIN(sp->s[i].b, x + most);
				r = add_run(j, &cap, x * ss, (y - x) * ss, wfd);
				x = y;
			}
	}
out:
	free(segs);
	free(changed.s);
	free(files.s);
	free(rest.s);
	free(a);
	free(b);
	free(c);
	if (bfd >= 0)
		close(bfd);
	if (wfd >= 0)
		close(wfd);
	return r;
}

static int stage(struct fsjob *j)
{
	char before[PATH_MAX + 16], off[32];
	bool fat = !strcmp(j->fsname, "fat");
	const char *tmpdir = getenv("TMPDIR");
	int r;

	snprintf(j->tmp, sizeof(j->tmp), "%s/baton-install.XXXXXX", tmpdir ? tmpdir : "/var/tmp");
	if (!mkdtemp(j->tmp)) {
		r = ierr(E_IO, "%s: %s", j->tmp, strerror(errno));
		j->tmp[0] = 0;
		return r;
	}
	snprintf(before, sizeof(before), "%s/before.img", j->tmp);
	snprintf(j->work, sizeof(j->work), "%s/work.img", j->tmp);
	uint64_t poff = j->vol->start * j->t->ss, plen = j->vol->blocks * j->t->ss;
	if (fat) {
		r = fat_meta_copy(j->t, poff, plen, before);
		if (r == E_FORMAT) /* not a layout the walk knows: all of it */
			r = copy_sparse(j->t->fd, poff, plen, before);
	} else {
		snprintf(off, sizeof(off), "%llu", (unsigned long long)poff);
		const char *a[] = {"e2image", "-r", "-o", off, j->t->path, before, NULL};
		r = tool("copying the ext filesystem's metadata", a);
		if (!r) { /* e2image writes only up to the last block it copies */
			int fd = open(before, O_RDWR | O_CLOEXEC);
			if (fd < 0 || ftruncate(fd, (off_t)plen))
				r = ierr(E_IO, "%s: %s", before, strerror(errno));
			if (fd >= 0)
				close(fd);
		}
	}
	if (!r)
		r = fsck(j, before, "before");
	if (!r) {
		int fd = open(before, O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? ierr(E_IO, "%s: %s", before, strerror(errno))
			   : copy_sparse(fd, 0, plen, j->work);
		if (fd >= 0)
			close(fd);
	}
	if (!r)
		r = fat ? stage_fat(j) : stage_ext(j); /* each reads its work back */
	if (!r && fat)
		r = check_copy(j, NULL);
	if (!r)
		r = fsck(j, j->work, "after");
	if (!r)
		r = diff(j, before, true);
	return r;
}

int job_prepare(struct fsjob *j)
{
	struct fs *fs = NULL;
	int r = 0;

	if (!j->dir[0]) {
		meta_cache_drop(&j->t->dev);
		r = fs_mount(j->vol, &fs);
		if (r)
			return ierr(r, "%s: %s", vol_label(j->vol), imsg());
		j->fsname = fs->drv->name;
		if (strcmp(j->fsname, "fat") && strcmp(j->fsname, "ext4")) {
			fs_unmount(fs);
			return ierr(E_UNSUPP,
				    "%s holds %s, which baton cannot write files to (FAT and "
				    "ext2/3/4 only)",
				    vol_label(j->vol), j->fsname);
		}
	}
	for (int i = 0; i < j->n_ops && !r; i++)
		r = look(j, fs, &j->ops[i]);
	if (fs)
		fs_unmount(fs);
	if (r || j->dir[0])
		return r;
	bool any = false;
	for (int i = 0; i < j->n_ops; i++)
		any |= !j->ops[i].skip;
	if (!any)
		return 0;
	return stage(j);
}

/* Through the mount point: a new file beside the old one, fsync'ed, renamed over it. */
static int put_mounted(const char *path, const uint8_t *data, size_t len)
{
	char tmp[PATH_MAX * 2 + 16];
	int r;

	snprintf(tmp, sizeof(tmp), "%s.baton-new", path);
	r = write_file(tmp, data, len);
	if (!r && rename(tmp, path))
		r = ierr(E_IO, "%s: %s", path, strerror(errno));
	if (r)
		unlink(tmp);
	return r;
}

static void sync_dir_of(const char *path)
{
	char d[PATH_MAX * 2];
	snprintf(d, sizeof(d), "%s", path);
	char *s = strrchr(d, '/');
	if (s)
		*s = 0;
	int fd = open(d[0] ? d : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int job_apply(struct fsjob *j)
{
	int r = 0;

	if (!j->dir[0]) {
		for (int i = 0; i < j->n_runs && !r; i++)
			r = tgt_write(j->t, j->runs[i].off, j->runs[i].len, j->runs[i].data);
		return r;
	}
	for (int i = 0; i < j->n_ops && !r; i++) {
		struct fop *o = &j->ops[i];
		char p[PATH_MAX * 2];
		if (o->skip)
			continue;
		snprintf(p, sizeof(p), "%s%s", j->dir, o->path);
		j->t->writes++;
		switch (o->kind) {
		case FOP_MKDIR: /* another job on the same filesystem may have made it */
			if (mkdir(p, 0755) && errno != EEXIST)
				r = ierr(E_IO, "%s: %s", p, strerror(errno));
			break;
		case FOP_PUT: r = put_mounted(p, o->data, o->len); break;
		case FOP_DEL:
			if (unlink(p) && errno != ENOENT)
				r = ierr(E_IO, "%s: %s", p, strerror(errno));
			break;
		case FOP_RMDIR:
			if (rmdir(p))
				o->skip = true; /* not empty: it stays */
			break;
		}
		if (!r)
			sync_dir_of(p);
	}
	int fd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
	return r;
}

/* FIEMAP of a file on a mounted filesystem: physical bytes from the filesystem's start. */
static int fiemap(const char *path, struct pieces *ps)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t sz = sizeof(struct fiemap) + 256 * sizeof(struct fiemap_extent);
	struct fiemap *fm = calloc(1, sz);
	int r = 0;

	ps->n = 0;
	if (fd < 0 || !fm) {
		r = ierr(E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	fm->fm_length = ~0ull;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = 256;
	if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
		r = ierr(E_UNSUPP, "%s: FIEMAP: %s", path, strerror(errno));
		goto out;
	}
	const uint32_t bad = FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC |
			     FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_ENCRYPTED |
			     FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_DATA_INLINE |
			     FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_UNWRITTEN;
	for (uint32_t i = 0; i < fm->fm_mapped_extents && !r; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];
		if (e->fe_flags & bad)
			r = ierr(E_UNSUPP,
				 "%s: a piece of the file is not plainly on the disk (FIEMAP "
				 "flags 0x%x)",
				 path, e->fe_flags);
		else
			r = add_piece(ps, e->fe_logical, e->fe_physical, e->fe_length);
	}
out:
	free(fm);
	if (fd >= 0)
		close(fd);
	return r;
}

int job_extents(struct fsjob *j, const char *path,
		int (*fn)(void *ctx, uint64_t lba, uint64_t count), void *ctx)
{
	struct pieces ps = {0}, fm = {0};
	uint32_t ss = j->t->ss;
	int r;

	if (!j->dir[0]) {
		struct scratch s;
		if (j->work[0] && !access(j->work, F_OK)) {
			r = scratch_mount(j, j->work, &s);
			if (!r)
				r = file_pieces(s.fs, path, &ps);
			scratch_close(&s);
		} else { /* nothing was staged: the file is on the disk as it is */
			struct fs *fs;
			meta_cache_drop(&j->t->dev);
			r = fs_mount(j->vol, &fs);
			if (!r) {
				r = file_pieces(fs, path, &ps);
				fs_unmount(fs);
			}
		}
	} else {
		/*
		 * Mounted: freeze and thaw the filesystem so that its journal is written back
		 * (ext4) and baton's driver, which does not replay journals, sees the file; then
		 * FIEMAP must agree with it.
		 */
		char p[PATH_MAX * 2];
		struct fs *fs;
		snprintf(p, sizeof(p), "%s%s", j->dir, path);
		r = fiemap(p, &fm);
		int dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (!r && dfd >= 0 && !ioctl(dfd, FIFREEZE, 0))
			ioctl(dfd, FITHAW, 0);
		if (dfd >= 0)
			close(dfd);
		if (!r) {
			meta_cache_drop(&j->t->dev);
			if (!fs_mount(j->vol, &fs)) {
				int g = file_pieces(fs, path, &ps);
				fs_unmount(fs);
				if (g)
					ps.n = 0;
			}
			if (!ps.n) {
				fprintf(
				    stderr,
				    "baton: note: %s: baton's driver cannot see %s on the disk yet "
				    "(journal not written back); using the kernel's map "
				    "(FIEMAP)\n",
				    vol_label(j->vol), path);
				struct pieces t = ps;
				ps = fm;
				fm = t;
			}
		}
	}
	/* FIEMAP and baton's driver must agree, piece by piece once merged. */
	if (!r && fm.n) {
		for (int i = 0; i < fm.n && !r; i++) {
			const struct piece *f = &fm.p[i];
			uint64_t fo = f->file_off;
			while (fo < f->file_off + f->len && !r) {
				int k = 0;
				while (k < ps.n && !(fo >= ps.p[k].file_off &&
						     fo < ps.p[k].file_off + ps.p[k].len))
					k++;
				if (k == ps.n)
					break; /* FIEMAP rounds the last piece up to a block */
				const struct piece *q = &ps.p[k];
				if (q->vol_off == FS_HOLE || q->vol_off + (fo - q->file_off) !=
								 f->vol_off + (fo - f->file_off))
					r = ierr(
					    E_IO,
					    "%s: baton's driver and the kernel (FIEMAP) disagree "
					    "on where %s is",
					    vol_label(j->vol), path);
				fo = q->file_off + q->len;
			}
		}
	}
	for (int i = 0; i < ps.n && !r; i++) {
		const struct piece *q = &ps.p[i];
		if (q->vol_off == FS_HOLE)
			r = ierr(E_UNSUPP, "%s on %s has a hole, which the boot code cannot read",
				 path, vol_label(j->vol));
		else if (q->vol_off % ss || (q->len % ss && i + 1 < ps.n))
			r = ierr(E_UNSUPP, "%s on %s has a piece not on a %u-byte sector boundary",
				 path, vol_label(j->vol), ss);
		else
			r = fn(ctx, j->vol->start + q->vol_off / ss, (q->len + ss - 1) / ss);
	}
	free(ps.p);
	free(fm.p);
	return r;
}
