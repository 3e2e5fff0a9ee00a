/* test_ext4.c: unit tests of the ext2/3/4 driver (fs/ext4.c) on images made by mke2fs -d. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "fs.h"
#include "part.h"
#include "testdev.h"

/* Paths are PATH_MAX buffers; a truncated one fails the test anyway. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* A value of images_ext.sh's ext/expect.txt, or NULL. */
static const char *xv(const char *fmt, ...)
{
	static char *text;
	static char val[8][256];
	static int next;
	char key[128];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (!text)
		text = (char *)td_slurp("ext/expect.txt", &len), text[len] = 0;
	size_t kl = strlen(key);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			char *v = val[next++ % 8];
			size_t vl = (nl ? (size_t)(nl - line) : strlen(line)) - kl - 1;
			vl = MIN(vl, sizeof(val[0]) - 1);
			memcpy(v, line + kl + 1, vl);
			v[vl] = 0;
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static unsigned long long xu(const char *fmt, const char *a)
{
	const char *v = xv(fmt, a);

	if (!v || !*v)
		fail_msg("ext/expect.txt has no value for %s (%s)", fmt, a);
	return strtoull(v, NULL, 0);
}

struct mnt {
	struct blockdev dev;
	struct volume v[8];
	int n;
	struct fs *fs;
};

static void mnt_open(struct mnt *m, const char *img)
{
	char path[128];
	int vi = (int)xu("%s.vol", img);

	snprintf(path, sizeof(path), "ext/%s.img", img);
	meta_cache_drop(&m->dev); /* a failed test may have left this address's blocks */
	td_open(&m->dev, path);
	m->n = part_scan(&m->dev, m->v, 8);
	assert_true(m->n > vi);
	if (fs_mount(&m->v[vi], &m->fs))
		fail_msg("%s: %s", img, err_msg());
	assert_string_equal(m->fs->drv->name, "ext4");
}

static void mnt_close(struct mnt *m)
{
	fs_unmount(m->fs);
	td_close(&m->dev);
}

/* --- the whole tree, compared with the host copy --- */

struct tw {
	struct fs *fs;
	const char *img;
	char root[PATH_MAX]; /* the host tree, resolved */
	bool typed;	     /* directory entries carry the file type */
	bool inline_ok;	     /* small files may be inline: no extents */
	int files, dirs, links, others;
	uint64_t bytes, holes;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char **v;
	int n, cap;
	enum fs_ftype *t;
};

static void names_add(struct names *ns, const char *name, enum fs_ftype t)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
		ns->t = realloc(ns->t, ns->cap * sizeof(*ns->t));
	}
	ns->t[ns->n] = t;
	ns->v[ns->n++] = strdup(name);
}

static void names_free(struct names *ns)
{
	for (int i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	free(ns->t);
}

static int list_fn(void *ctx, const char *name, enum fs_ftype type)
{
	names_add(ctx, name, type);
	return 0;
}

static enum fs_ftype host_type(mode_t m)
{
	return S_ISREG(m) ? FS_FILE : S_ISDIR(m) ? FS_DIR : S_ISLNK(m) ? FS_SYMLINK : FS_OTHER;
}

static void hpath(struct tw *w, const char *rel, char *out)
{
	snprintf(out, PATH_MAX, "%s%s", w->root, rel);
}

/* Each piece follows the last; data matches the host file, holes are zeros there. */
struct xc {
	struct tw *w;
	struct volume *vol;
	int fd;
	uint64_t next, holes;
	int pieces;
	uint8_t *a, *b;
};

#define XC_CHUNK (8u << 20)

static int xc_fn(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct xc *c = ctx;

	if (file_off != c->next || !len)
		fail_msg("piece at %llu (len %llu), expected %llu", (unsigned long long)file_off,
			 (unsigned long long)len, (unsigned long long)c->next);
	c->next += len;
	c->pieces++;
	if (vol_off == FS_HOLE) {
		c->holes += len;
		/* Only where the host file has data can it differ from zeros. */
		for (off_t o = (off_t)file_off; o < (off_t)(file_off + len);) {
			off_t d = lseek(c->fd, o, SEEK_DATA);
			if (d < 0 || d >= (off_t)(file_off + len))
				break;
			off_t h = lseek(c->fd, d, SEEK_HOLE);
			h = MIN(h, (off_t)(file_off + len));
			for (off_t p = d; p < h; p += XC_CHUNK) {
				size_t n = (size_t)MIN((off_t)XC_CHUNK, h - p);
				assert_int_equal(pread(c->fd, c->a, n, p), n);
				for (size_t i = 0; i < n; i++)
					if (c->a[i])
						fail_msg("hole at %llu, host has data",
							 (unsigned long long)(p + i));
			}
			o = h;
		}
		return 0;
	}
	for (uint64_t o = 0; o < len; o += XC_CHUNK) {
		size_t n = (size_t)MIN((uint64_t)XC_CHUNK, len - o);
		assert_int_equal(pread(c->fd, c->a, n, (off_t)(file_off + o)), n);
		if (vol_read(c->vol, vol_off + o, n, c->b))
			fail_msg("vol_read: %s", err_msg());
		if (memcmp(c->a, c->b, n))
			fail_msg("piece at %llu differs from the host file",
				 (unsigned long long)(file_off + o));
	}
	return 0;
}

static uint8_t *xc_a, *xc_b; /* shared buffers */

static void check_extents(struct tw *w, struct fs_file *f, const char *host, uint64_t off,
			  uint64_t len, struct xc *c)
{
	int fd = open(host, O_RDONLY);

	assert_true(fd >= 0);
	*c = (struct xc){w, w->fs->vol, fd, off, 0, 0, xc_a, xc_b};
	int r = fs_extents(f, off, len, xc_fn, c);
	close(fd);
	if (r)
		fail_msg("%s: extents of %s: %s", w->img, host, err_msg());
	assert_int_equal(c->next, off + len);
}

/* fs_read at [off, off+len) equals the host file's bytes. */
static void check_read(struct tw *w, struct fs_file *f, int fd, const char *rel, uint64_t off,
		       uint64_t len)
{
	uint8_t *a = malloc(len + 1), *b = malloc(len + 1);

	assert_int_equal(pread(fd, a, len, (off_t)off), len);
	memset(b, 0xa5, len);
	if (fs_read(f, off, len, b))
		fail_msg("%s: read %s at %llu+%llu: %s", w->img, rel, (unsigned long long)off,
			 (unsigned long long)len, err_msg());
	if (memcmp(a, b, len))
		fail_msg("%s: %s at %llu+%llu differs", w->img, rel, (unsigned long long)off,
			 (unsigned long long)len);
	free(a);
	free(b);
}

static int count_fn(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	uint64_t *c = ctx;

	c[0]++;
	c[1] += vol_off == FS_HOLE ? len : 0;
	return 0;
}

static void check_reg(struct tw *w, const char *rel, const struct stat *st)
{
	char host[PATH_MAX];
	struct fs_file *f;
	uint64_t size = (uint64_t)st->st_size;

	hpath(w, rel, host);
	if (fs_open_flags(w->fs, rel, FS_NOFOLLOW, &f))
		fail_msg("%s: open %s: %s", w->img, rel, err_msg());
	assert_int_equal(f->type, FS_FILE);
	if (f->size != size)
		fail_msg("%s: %s is %llu bytes, host %llu", w->img, rel,
			 (unsigned long long)f->size, (unsigned long long)size);
	assert_int_equal(f->mode, st->st_mode & 0xffff);
	if (f->mtime != st->st_mtime)
		fail_msg("%s: %s mtime %lld, host %lld", w->img, rel, (long long)f->mtime,
			 (long long)st->st_mtime);
	int fd = open(host, O_RDONLY);
	assert_true(fd >= 0);
	if (size <= (64u << 20)) {
		check_read(w, f, fd, rel, 0, size);
		/* Odd offsets and lengths. */
		for (uint64_t off = 1; off < size; off += size / 5 + 4093)
			check_read(w, f, fd, rel, off, MIN(size - off, off % 70001 + 1));
		if (size > 1)
			check_read(w, f, fd, rel, size - 1, 1);
	} else {
		/* Large (sparse) files in chunks, not at once: the start, the end, past 4 GiB. */
		check_read(w, f, fd, rel, 0, MIN(size, 32u << 20));
		check_read(w, f, fd, rel, size - MIN(size, 32u << 20), MIN(size, 32u << 20));
		if (size > (5ull << 30))
			check_read(w, f, fd, rel, (4ull << 30) - (16 << 20), 32 << 20);
	}
	close(fd);
	struct xc c;
	if (size) {
		uint64_t cnt[2] = {0, 0};
		int r = fs_extents(f, 0, size, count_fn, cnt);
		if (r == E_UNSUPP && w->inline_ok && size < 1024) {
			assert_non_null(strstr(err_msg(), "inline"));
		} else {
			check_extents(w, f, host, 0, size, &c);
			w->holes += c.holes;
			if (size > 3)
				check_extents(w, f, host, 1, size - 3, &c);
		}
	}
	w->bytes += size;
	w->files++;
	fs_close(f);
}

static void check_link(struct tw *w, const char *rel, const struct stat *st)
{
	char host[PATH_MAX], target[PATH_MAX], got[PATH_MAX], hp[PATH_MAX], real[PATH_MAX];
	struct fs_file *f, *g, *h;
	ssize_t n;

	hpath(w, rel, host);
	n = readlink(host, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = 0;
	if (fs_open_flags(w->fs, rel, FS_NOFOLLOW, &f))
		fail_msg("%s: open %s: %s", w->img, rel, err_msg());
	assert_int_equal(f->type, FS_SYMLINK);
	assert_int_equal(f->size, n);
	if (fs_readlink(f, got, sizeof(got)))
		fail_msg("%s: readlink %s: %s", w->img, rel, err_msg());
	assert_string_equal(got, target);
	assert_int_equal(fs_readlink(f, got, (size_t)n), E_RANGE);
	fs_close(f);

	/* Where the link leads on the host, absolute targets taken from the tree's root. */
	if (target[0] == '/') {
		snprintf(hp, sizeof(hp), "%s%s", w->root, target);
	} else {
		snprintf(hp, sizeof(hp), "%s", host);
		*strrchr(hp, '/') = 0;
		strcat(hp, "/");
		strcat(hp, target);
	}
	int r = fs_open(w->fs, rel, &g);
	if (!realpath(hp, real)) {
		if (errno == ENOENT && r != E_NOENT)
			fail_msg("%s: %s is dangling, open gave %d", w->img, rel, r);
		if (errno == ELOOP && r != E_RANGE)
			fail_msg("%s: %s loops, open gave %d", w->img, rel, r);
		assert_non_null(err_msg());
		w->links++;
		return;
	}
	if (r)
		fail_msg("%s: open through %s: %s", w->img, rel, err_msg());
	size_t rl = strlen(w->root);
	assert_memory_equal(real, w->root, rl);
	if (fs_open(w->fs, real[rl] ? real + rl : "/", &h))
		fail_msg("%s: open %s: %s", w->img, real + rl, err_msg());
	assert_int_equal(g->ino, h->ino);
	assert_int_equal(g->type, h->type);
	fs_close(g);
	fs_close(h);
	w->links++;
	(void)st;
}

static void walk_dir(struct tw *w, const char *rel)
{
	char host[PATH_MAX], child[PATH_MAX];
	struct names hn = {0}, bn = {0};
	struct fs_file *d;
	DIR *dir;
	struct dirent *e;

	hpath(w, rel, host);
	dir = opendir(host);
	assert_non_null(dir);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names_add(&hn, e->d_name, FS_OTHER);
	closedir(dir);
	if (fs_open(w->fs, rel[0] ? rel : "/", &d))
		fail_msg("%s: open dir %s: %s", w->img, rel, err_msg());
	assert_int_equal(d->type, FS_DIR);
	assert_int_equal(d->mode & 0xf000, 0x4000);
	if (fs_readdir(d, list_fn, &bn))
		fail_msg("%s: readdir %s: %s", w->img, rel, err_msg());
	fs_close(d);
	if (!rel[0]) /* mke2fs makes lost+found; the host tree has none */
		for (int i = 0; i < bn.n; i++)
			if (!strcmp(bn.v[i], "lost+found")) {
				free(bn.v[i]);
				bn.v[i] = bn.v[--bn.n];
				bn.t[i] = bn.t[bn.n];
			}
	/* Types as the directory says, before sorting names only. */
	for (int i = 0; i < bn.n; i++) {
		struct stat st;
		snprintf(child, sizeof(child), "%s/%s", host, bn.v[i]);
		if (lstat(child, &st))
			fail_msg("%s: %s/%s is not on the host", w->img, rel, bn.v[i]);
		if (w->typed ? bn.t[i] != host_type(st.st_mode) : bn.t[i] != FS_OTHER)
			fail_msg("%s: %s/%s has type %d", w->img, rel, bn.v[i], bn.t[i]);
	}
	if (hn.n > 1)
		qsort(hn.v, hn.n, sizeof(*hn.v), cmp_str);
	if (bn.n > 1)
		qsort(bn.v, bn.n, sizeof(*bn.v), cmp_str);
	if (hn.n != bn.n)
		fail_msg("%s: %s has %d entries, host %d", w->img, rel, bn.n, hn.n);
	for (int i = 0; i < hn.n; i++)
		assert_string_equal(bn.v[i], hn.v[i]);
	w->dirs++;
	for (int i = 0; i < hn.n; i++) {
		struct stat st;
		snprintf(child, sizeof(child), "%s/%s", rel, hn.v[i]);
		snprintf(host, sizeof(host), "%s%s", w->root, child);
		assert_int_equal(lstat(host, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk_dir(w, child);
		} else if (S_ISREG(st.st_mode)) {
			check_reg(w, child, &st);
		} else if (S_ISLNK(st.st_mode)) {
			check_link(w, child, &st);
		} else {
			struct fs_file *f;
			if (fs_open_flags(w->fs, child, FS_NOFOLLOW, &f))
				fail_msg("%s: open %s: %s", w->img, child, err_msg());
			assert_int_equal(f->type, FS_OTHER);
			assert_int_equal(f->mode, st.st_mode & 0xffff);
			fs_close(f);
			w->others++;
		}
	}
	names_free(&hn);
	names_free(&bn);
}

static void tree_test(const char *img)
{
	struct mnt m;
	struct tw w = {0};
	char k[64];

	alarm(120);
	if (!xc_a) {
		xc_a = malloc(XC_CHUNK);
		xc_b = malloc(XC_CHUNK);
	}
	mnt_open(&m, img);
	snprintf(k, sizeof(k), "ext/%s", xv("%s.tree", img));
	assert_non_null(realpath(td_path(k), w.root));
	w.fs = m.fs;
	w.img = img;
	w.typed = strcmp(img, "ext2-rev0") != 0;
	w.inline_ok = strstr(img, "inline") != NULL;
	/* blkid's UUID= and LABEL= */
	assert_string_equal(m.fs->uuid, xv("%s.uuid", img));
	assert_string_equal(m.fs->label, xv("%s.label", img));
	uint64_t c0 = m.dev.read_calls;
	walk_dir(&w, "");
	/* mke2fs's lost+found: empty, several blocks (the tree has none). */
	struct fs_file *lf;
	struct names ns = {0};
	assert_int_equal(fs_open(m.fs, "/lost+found", &lf), 0);
	assert_true(lf->size >= 2 * 1024);
	assert_int_equal(fs_readdir(lf, list_fn, &ns), 0);
	assert_int_equal(ns.n, 0);
	fs_close(lf);
	printf("%s: %d files (%llu MiB, %llu MiB of holes), %d dirs, %d links, %d others, %llu "
	       "device reads\n",
	       img, w.files, (unsigned long long)(w.bytes >> 20),
	       (unsigned long long)(w.holes >> 20), w.dirs, w.links, w.others,
	       (unsigned long long)(m.dev.read_calls - c0));
	assert_true(w.files > 3000 || strstr(img, "64k"));
	assert_true(w.links >= 10 && w.others >= 1);
	mnt_close(&m);
	alarm(0);
}

#define TREE_TEST(fn, img)                                                                         \
	static void fn(void **state)                                                               \
	{                                                                                          \
		tree_test(img);                                                                    \
	}
TREE_TEST(test_tree_ext2, "ext2")
TREE_TEST(test_tree_ext2_rev0, "ext2-rev0")
TREE_TEST(test_tree_ext3, "ext3")
TREE_TEST(test_tree_ext4, "ext4")
TREE_TEST(test_tree_ext4_1k, "ext4-1k")
TREE_TEST(test_tree_ext4_noext, "ext4-noext")
TREE_TEST(test_tree_ext4_32bit, "ext4-32bit")
TREE_TEST(test_tree_ext4_inline, "ext4-inline")
TREE_TEST(test_tree_ext4_nojournal, "ext4-nojournal")
TREE_TEST(test_tree_ext4_metabg, "ext4-metabg")
TREE_TEST(test_tree_ext4_64k, "ext4-64k")
TREE_TEST(test_tree_ext4_huge, "ext4-huge")
TREE_TEST(test_tree_ext4_part, "ext4-part")

/* The structures the tree tests are meant to go through are really there (debugfs says). */
static void test_structures(void **state)
{
	assert_true(xu("%s.frag.depth", "ext4-1k") >= 2);
	assert_true(xu("%s.frag.depth", "ext4") >= 1);
	assert_int_equal(xu("%s.tind", "ext2"), 1);
	assert_int_equal(xu("%s.tind", "ext4-noext"), 1);
	assert_int_equal(xu("%s.tind", "ext3"), 1);
	/* An inode whose group's descriptor is in the second meta group (16 per 1 KiB block). */
	assert_true((xu("%s.last_ino", "ext4-metabg") - 1) / xu("%s.ipg", "ext4-metabg") >= 16);
}

/* A contiguous 256 MiB file costs few device reads (fs.c merges, extents are few). */
static void test_big_file(void **state)
{
	struct mnt m;
	struct fs_file *f;
	const uint64_t len = 256u << 20;
	uint8_t *buf = malloc(len);

	assert_int_equal(xu("%s.runs", "ext4-big"), 1); /* debugfs: contiguous */
	mnt_open(&m, "ext4-big");
	uint64_t c0 = m.dev.read_calls;
	assert_int_equal(fs_open(m.fs, "/big.bin", &f), 0);
	assert_int_equal(f->size, len);
	uint64_t c1 = m.dev.read_calls;
	assert_int_equal(fs_read(f, 0, len, buf), 0);
	uint64_t reads = m.dev.read_calls - c1;
	assert_int_equal(crc32(0, buf, (uInt)len), xu("%s.crc", "ext4-big"));
	uint64_t c[2] = {0, 0};
	assert_int_equal(fs_extents(f, 0, len, count_fn, c), 0);
	printf("big.bin (256 MiB, contiguous): %llu device reads to read it (%llu with the open), "
	       "%llu piece(s)\n",
	       (unsigned long long)reads, (unsigned long long)(m.dev.read_calls - c0),
	       (unsigned long long)c[0]);
	assert_true(reads <= 64);
	assert_int_equal(c[0], 1);
	/* Odd ranges: the middle is one call, the edges bounced. */
	c1 = m.dev.read_calls;
	memset(buf, 0, 3 << 20);
	assert_int_equal(fs_read(f, 12345, 3 << 20, buf), 0);
	assert_true(m.dev.read_calls - c1 <= 3);
	fs_close(f);
	mnt_close(&m);
	free(buf);
}

/* Files over 4 GiB: i_size_high, and data past 4 GiB, through extents and a triple indirect. */
static void test_huge(void **state)
{
	static const char *imgs[] = {"ext4-huge", "ext3"};
	const uint64_t size = (5ull << 30) + 4321;

	for (size_t i = 0; i < ARRAY_SIZE(imgs); i++) {
		struct mnt m;
		struct fs_file *f;
		uint8_t *buf = malloc(64 << 20);
		char host[PATH_MAX];

		mnt_open(&m, imgs[i]);
		assert_int_equal(fs_open(m.fs, "/huge.bin", &f), 0);
		assert_int_equal(f->size, size);
		snprintf(host, sizeof(host), "%s", td_path("ext/tree-huge/huge.bin"));
		int fd = open(host, O_RDONLY);
		uint8_t *want = malloc(64 << 20);
		static const uint64_t at[][2] = {
		    {(4ull << 30) - 100, 300},		   /* across 4 GiB */
		    {(5ull << 30) + 21, 4300},		   /* the tail */
		    {(4ull << 30) - (32 << 20), 64 << 20}, /* a 64 MiB chunk around 4 GiB */
		    {size - (64 << 20), 64 << 20},	   /* the last 64 MiB */
		};
		for (size_t j = 0; j < ARRAY_SIZE(at); j++) {
			memset(buf, 0xa5, at[j][1]);
			assert_int_equal(pread(fd, want, at[j][1], (off_t)at[j][0]), at[j][1]);
			assert_int_equal(fs_read(f, at[j][0], at[j][1], buf), 0);
			if (memcmp(buf, want, at[j][1]))
				fail_msg("%s: huge.bin at %llu differs", imgs[i],
					 (unsigned long long)at[j][0]);
		}
		uint64_t c[2] = {0, 0};
		assert_int_equal(fs_extents(f, 0, size, count_fn, c), 0);
		assert_true(c[1] > (5ull << 30) - (1 << 20)); /* nearly all holes */
		close(fd);
		fs_close(f);
		mnt_close(&m);
		free(buf);
		free(want);
	}
}

/* The sparse file's holes come back as FS_HOLE pieces, on extents and on block maps. */
static void test_sparse(void **state)
{
	static const char *imgs[] = {"ext4", "ext2", "ext4-noext"};

	for (size_t i = 0; i < ARRAY_SIZE(imgs); i++) {
		struct mnt m;
		struct fs_file *f;
		uint64_t c[2] = {0, 0};
		uint8_t buf[4096];

		mnt_open(&m, imgs[i]);
		assert_int_equal(fs_open(m.fs, "/sparse.bin", &f), 0);
		assert_int_equal(fs_extents(f, 0, f->size, count_fn, c), 0);
		assert_true(c[0] >= 5);
		assert_true(c[1] >= (60u << 20));
		memset(buf, 0xff, sizeof(buf));
		assert_int_equal(fs_read(f, 5 << 20, sizeof(buf), buf), 0);
		for (size_t j = 0; j < sizeof(buf); j++)
			assert_int_equal(buf[j], 0);
		fs_close(f);
		mnt_close(&m);
	}
}

static void expect_open(struct fs *fs, const char *path, int code, const char *msg)
{
	struct fs_file *f = (struct fs_file *)1;
	int r = fs_open(fs, path, &f);

	if (r != code || (msg && !strstr(err_msg(), msg)))
		fail_msg("open %s: got %d '%s', wanted %d '...%s...'", path, r, err_msg(), code,
			 msg ? msg : "");
	if (r)
		assert_null(f);
	else
		fs_close(f);
}

static int stop_after(void *ctx, const char *name, enum fs_ftype type)
{
	return ++*(int *)ctx == 10;
}

static void test_lookup(void **state)
{
	struct mnt m;
	struct fs_file *f;
	char c, longname[300];

	mnt_open(&m, "ext4-1k");
	expect_open(m.fs, "/nope", E_NOENT, "/nope");
	expect_open(m.fs, "/FILES/size-1", E_NOENT, NULL); /* names are case-sensitive */
	expect_open(m.fs, "/files/SIZE-1", E_NOENT, NULL);
	expect_open(m.fs, "/files/size-", E_NOENT, NULL);
	expect_open(m.fs, "/files/size-10", E_NOENT, NULL);
	expect_open(m.fs, "/files/size-1/x", E_NOENT, "not a directory");
	expect_open(m.fs, "/many/entry-3000.txt", E_NOENT, NULL);
	expect_open(m.fs, "/many/entry-2999.txt", 0, NULL);
	expect_open(m.fs, "/names/naïve café.txt", 0, NULL);
	expect_open(m.fs, "/names/naive cafe.txt", E_NOENT, NULL);
	expect_open(m.fs, "/dangling", E_NOENT, NULL);
	expect_open(m.fs, "/loop-a", E_RANGE, "symbolic links");
	expect_open(m.fs, "/dir-link/d03/../d03", 0, NULL);
	expect_open(m.fs, "/names/dotdot-link", 0, NULL);
	longname[0] = '/';
	memset(longname + 1, 'x', 256);
	longname[257] = 0;
	expect_open(m.fs, longname, E_NOENT, NULL);
	assert_int_equal(fs_open(m.fs, "/files", &f), 0);
	assert_int_equal(fs_read(f, 0, 0, &c), E_INVAL);
	assert_int_equal(fs_extents(f, 0, 1, count_fn, &c), E_INVAL);
	fs_close(f);
	assert_int_equal(fs_open(m.fs, "/files/size-0", &f), 0);
	assert_int_equal(f->size, 0);
	assert_int_equal(fs_read(f, 0, 0, &c), 0);
	assert_int_equal(fs_read(f, 0, 1, &c), E_RANGE);
	assert_int_equal(fs_readdir(f, list_fn, NULL), E_INVAL);
	fs_close(f);
	/* A readdir callback that stops. */
	assert_int_equal(fs_open(m.fs, "/many", &f), 0);
	int n = 0;
	assert_int_equal(fs_readdir(f, stop_after, &n), 0);
	assert_int_equal(n, 10);
	fs_close(f);
	mnt_close(&m);
}

static void test_inline(void **state)
{
	struct mnt m;
	struct fs_file *f;
	uint8_t c[2];

	mnt_open(&m, "ext4-inline");
	assert_int_equal(fs_open(m.fs, "/files/size-513", &f), 0);
	assert_int_equal(fs_extents(f, 0, f->size, count_fn, c), E_UNSUPP);
	assert_non_null(strstr(err_msg(), "inline"));
	fs_close(f);
	mnt_close(&m);
}

/* --- in-memory copies of small images, patched --- */

struct memimg {
	struct memdisk md;
	struct volume v;
	uint8_t *mem, *orig;
	size_t len;
};

static void mi_load(struct memimg *mi, const char *img)
{
	char p[128];

	snprintf(p, sizeof(p), "ext/%s.img", img);
	mi->mem = td_slurp(p, &mi->len);
	mi->orig = malloc(mi->len);
	memcpy(mi->orig, mi->mem, mi->len);
	md_init(&mi->md, mi->mem, mi->len, 512);
	memset(&mi->v, 0, sizeof(mi->v));
	mi->v.dev = &mi->md.dev;
	mi->v.blocks = mi->md.dev.num_blocks;
	strcpy(mi->v.name, "md0");
}

static void mi_reset(struct memimg *mi)
{
	memcpy(mi->mem, mi->orig, mi->len);
	mi->v.blocks = mi->md.dev.num_blocks;
	meta_cache_drop(&mi->md.dev);
}

static void mi_free(struct memimg *mi)
{
	meta_cache_drop(&mi->md.dev);
	free(mi->mem);
	free(mi->orig);
}

/* Mounts the patched copy, opens path and reads it whole (or lists it, a directory). */
static int mi_try(struct memimg *mi, const char *path)
{
	struct fs *fs;
	struct fs_file *f;
	int r;

	meta_cache_drop(&mi->md.dev); /* the bytes changed under the cache */
	r = fs_mount(&mi->v, &fs);
	if (r)
		return r;
	r = fs_open(fs, path, &f);
	if (!r) {
		if (f->type == FS_DIR) {
			struct names ns = {0};
			r = fs_readdir(f, list_fn, &ns);
			names_free(&ns);
		} else {
			uint64_t n = MIN(f->size, 64u << 20);
			uint8_t *buf = malloc(n + 1);
			r = fs_read(f, f->size - n, n, buf);
			free(buf);
		}
		fs_close(f);
	}
	fs_unmount(fs);
	return r;
}

static void mi_expect(struct memimg *mi, const char *what, const char *path, int code,
		      const char *msg)
{
	int r = mi_try(mi, path);

	if (r != code || (msg && !strstr(err_msg(), msg)))
		fail_msg("%s: %s: got %d '%s', wanted %d '...%s...'", what, path, r,
			 r ? err_msg() : "", code, msg ? msg : "");
	mi_reset(mi);
}

static void p16(struct memimg *mi, uint64_t off, uint16_t v)
{
	put16(mi->mem + off, v);
}

static void p32(struct memimg *mi, uint64_t off, uint32_t v)
{
	put32(mi->mem + off, v);
}

#define SB 1024

static void test_superblock(void **state)
{
	struct memimg mi;

	alarm(20);
	mi_load(&mi, "corrupt-ext4");
	mi_expect(&mi, "intact", "/ok.bin", 0, NULL);
	p16(&mi, SB + 0x38, 0xef54);
	mi_expect(&mi, "magic", "/ok.bin", E_FORMAT, "no filesystem");
	p32(&mi, SB + 0x18, 7);
	mi_expect(&mi, "block size", "/ok.bin", E_CORRUPT, "block size");
	p16(&mi, SB + 0x58, 100);
	mi_expect(&mi, "inode size", "/ok.bin", E_CORRUPT, "inconsistent");
	p32(&mi, SB + 0x20, 0);
	mi_expect(&mi, "blocks per group", "/ok.bin", E_CORRUPT, "inconsistent");
	p32(&mi, SB + 0x28, 0);
	mi_expect(&mi, "inodes per group", "/ok.bin", E_CORRUPT, "inconsistent");
	p32(&mi, SB + 0x14, 5);
	mi_expect(&mi, "first data block", "/ok.bin", E_CORRUPT, "inconsistent");
	p32(&mi, SB + 0x4, 0x7fffffff);
	mi_expect(&mi, "block count", "/ok.bin", E_CORRUPT, "larger than the volume");
	mi.v.blocks /= 2;
	mi_expect(&mi, "truncated", "/ok.bin", E_CORRUPT, "truncated");
	/* Incompat features: the message names what is refused. */
	p32(&mi, SB + 0x60, get32(mi.mem + SB + 0x60) | 0x1);
	mi_expect(&mi, "compression", "/ok.bin", E_UNSUPP, "compression");
	p32(&mi, SB + 0x60, get32(mi.mem + SB + 0x60) | 0x8);
	mi_expect(&mi, "journal_dev", "/ok.bin", E_UNSUPP, "journal_dev");
	p32(&mi, SB + 0x60, get32(mi.mem + SB + 0x60) | 0x40000);
	mi_expect(&mi, "unknown incompat", "/ok.bin", E_UNSUPP, "0x40000");
	/* needs_recovery: read as checkpointed. Unknown compat and ro_compat bits: fine. */
	p32(&mi, SB + 0x60, get32(mi.mem + SB + 0x60) | 0x4);
	mi_expect(&mi, "recover", "/ok.bin", 0, NULL);
	p32(&mi, SB + 0x5c, get32(mi.mem + SB + 0x5c) | 0x80000000);
	p32(&mi, SB + 0x64, get32(mi.mem + SB + 0x64) | 0x80000000);
	mi_expect(&mi, "unknown compat", "/ok.bin", 0, NULL);
	/* The group descriptor (block 2 with 1 KiB blocks) without an inode table. */
	p32(&mi, 2048 + 8, 0);
	mi_expect(&mi, "inode table", "/ok.bin", E_CORRUPT, "inode table");
	/* 64-byte descriptors: the inode table's high half. */
	assert_true(get32(mi.mem + SB + 0x60) & 0x80);
	p32(&mi, 2048 + 0x28, 1);
	mi_expect(&mi, "inode table hi", "/ok.bin", E_CORRUPT, "inode table");
	/* Too small to hold a superblock. */
	mi.v.blocks = 3;
	mi_expect(&mi, "tiny", "/ok.bin", E_FORMAT, NULL);
	mi_free(&mi);
	alarm(0);
}

static void test_corrupt_inodes(void **state)
{
	struct memimg mi;
	uint64_t ok, frag, etb0;

	alarm(20);
	mi_load(&mi, "corrupt-ext4");
	ok = xu("%s.ok.inode", "corrupt-ext4");
	frag = xu("%s.frag.inode", "corrupt-ext4");
	etb0 = xu("%s.frag.etb0", "corrupt-ext4");
	assert_int_equal(xu("%s.frag.depth", "corrupt-ext4"), 2);
	mi_expect(&mi, "intact", "/frag.bin", 0, NULL);
	p16(&mi, ok + 0x28, 0x1234);
	mi_expect(&mi, "extent magic", "/ok.bin", E_CORRUPT, "magic");
	p32(&mi, ok + 0x28 + 12 + 8, 0xffffff00);
	mi_expect(&mi, "extent start", "/ok.bin", E_CORRUPT, "beyond the filesystem");
	p16(&mi, ok + 0x28 + 12 + 6, 0x100);
	mi_expect(&mi, "extent start hi", "/ok.bin", E_CORRUPT, "beyond the filesystem");
	p16(&mi, ok + 0x28 + 12 + 4, 0);
	mi_expect(&mi, "extent length 0", "/ok.bin", E_CORRUPT, "outside");
	p16(&mi, ok + 0x28 + 2, 5);
	mi_expect(&mi, "entries > max", "/ok.bin", E_CORRUPT, "overflows");
	p16(&mi, ok + 0x28 + 4, 40);
	p16(&mi, ok + 0x28 + 2, 40);
	mi_expect(&mi, "max beyond i_block", "/ok.bin", E_CORRUPT, "overflows");
	p16(&mi, frag + 0x28 + 6, 100);
	mi_expect(&mi, "huge depth", "/frag.bin", E_CORRUPT, "depth 100");
	p16(&mi, frag + 0x28 + 6, 5);
	mi_expect(&mi, "wrong depth", "/frag.bin", E_CORRUPT, "depth");
	/* The depth-1 node's first entry points to itself: a loop, caught by depth. */
	p32(&mi, etb0 + 12 + 4, (uint32_t)(etb0 / 1024));
	mi_expect(&mi, "extent loop", "/frag.bin", E_CORRUPT, "depth");
	/* All its entries point to the first leaf: extents outside their index range. */
	for (uint32_t i = 1; i < get16(mi.mem + etb0 + 2); i++)
		p32(&mi, etb0 + 12 + 12 * i + 4, get32(mi.mem + etb0 + 12 + 4));
	mi_expect(&mi, "extent dag", "/frag.bin", E_CORRUPT, "out of order");
	p32(&mi, etb0 + 12 + 12 + 4, 0x0fffffff);
	mi_expect(&mi, "index beyond", "/frag.bin", E_CORRUPT, "beyond the filesystem");
	p32(&mi, etb0 + 12 + 12, 0);
	mi_expect(&mi, "index order", "/frag.bin", E_CORRUPT, "out of order");
	/* Per-inode flags. */
	p32(&mi, ok + 0x20, get32(mi.mem + ok + 0x20) | 0x800);
	mi_expect(&mi, "encrypted", "/ok.bin", E_UNSUPP, "encrypted");
	p32(&mi, ok + 0x20, get32(mi.mem + ok + 0x20) | 0x10000000);
	mi_expect(&mi, "inline without the feature", "/ok.bin", E_CORRUPT, "inline");
	p16(&mi, ok + 0x80, 1000);
	mi_expect(&mi, "extra isize", "/ok.bin", E_CORRUPT, "i_extra_isize");
	p32(&mi, ok + 0x6c, 0x100000); /* 4 PiB: more than 2^32 blocks */
	mi_expect(&mi, "size", "/ok.bin", E_CORRUPT, "more than its map addresses");
	mi_free(&mi);
	alarm(0);
}

/* i_mtime_extra's two low bits extend the seconds past 2038 (4.1 Inode Timestamps). */
static void test_mtime_epoch(void **state)
{
	struct memimg mi;
	struct fs *fs;
	struct fs_file *f;
	uint64_t ok;

	mi_load(&mi, "corrupt-ext4");
	ok = xu("%s.ok.inode", "corrupt-ext4");
	p32(&mi, ok + 0x10, 0x80000000u); /* 1901 as a signed 32-bit time */
	p32(&mi, ok + 0x88, 0);
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	assert_int_equal(fs_open(fs, "/ok.bin", &f), 0);
	assert_int_equal(f->mtime, -2147483648ll);
	fs_close(f);
	fs_unmount(fs);
	p32(&mi, ok + 0x88, 1); /* epoch 1: 2038 */
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	assert_int_equal(fs_open(fs, "/ok.bin", &f), 0);
	assert_int_equal(f->mtime, 2147483648ll);
	fs_close(f);
	fs_unmount(fs);
	mi_free(&mi);
}

/* An uninitialized extent reads as zeros and is reported as a hole. */
static void test_uninit_extent(void **state)
{
	struct memimg mi;
	struct fs *fs;
	struct fs_file *f;
	uint64_t ok, c[2] = {0, 0};

	mi_load(&mi, "corrupt-ext4");
	ok = xu("%s.ok.inode", "corrupt-ext4");
	p16(&mi, ok + 0x28 + 12 + 4, get16(mi.mem + ok + 0x28 + 12 + 4) | 0x8000);
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	assert_int_equal(fs_open(fs, "/ok.bin", &f), 0);
	uint8_t *buf = malloc(f->size);
	memset(buf, 0xff, f->size);
	assert_int_equal(fs_read(f, 0, f->size, buf), 0);
	for (uint64_t i = 0; i < f->size; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(fs_extents(f, 0, f->size, count_fn, c), 0);
	assert_int_equal(c[0], 1);
	assert_int_equal(c[1], f->size);
	free(buf);
	fs_close(f);
	fs_unmount(fs);
	mi_free(&mi);
}

static void test_corrupt_dirs(void **state)
{
	struct memimg mi;
	uint64_t d0;
	char path[300];

	alarm(20);
	mi_load(&mi, "corrupt-ext4");
	d0 = xu("%s.d.block0", "corrupt-ext4");
	mi_expect(&mi, "intact", "/d", 0, NULL);
	assert_int_equal(get16(mi.mem + d0 + 4), 12); /* "." */
	p16(&mi, d0 + 4, 5);
	mi_expect(&mi, "rec_len 5", "/d", E_CORRUPT, "bad entry");
	p16(&mi, d0 + 4, 5);
	mi_expect(&mi, "rec_len 5 lookup", "/d/file-07", E_CORRUPT, "rec_len 5");
	p16(&mi, d0 + 4, 0);
	mi_expect(&mi, "rec_len 0", "/d", E_CORRUPT, "bad entry");
	p16(&mi, d0 + 4, 2048);
	mi_expect(&mi, "rec_len past the block", "/d", E_CORRUPT, "bad entry");
	p16(&mi, d0 + 4, 14);
	mi_expect(&mi, "rec_len unaligned", "/d", E_CORRUPT, "bad entry");
	mi.mem[d0 + 12 + 6] = 200;
	mi_expect(&mi, "name_len", "/d", E_CORRUPT, "name_len 200");
	/* The third entry's inode out of range: listing works, opening it does not. */
	uint32_t nl = mi.mem[d0 + 24 + 6];
	snprintf(path, sizeof(path), "/d/%.*s", (int)nl, (char *)mi.mem + d0 + 24 + 8);
	mi_expect(&mi, "third entry", path, 0, NULL);
	p32(&mi, d0 + 24, 0xfffffff0);
	mi_expect(&mi, "inode number", path, E_CORRUPT, "out of range");
	p32(&mi, d0 + 24, 0xfffffff0);
	mi_expect(&mi, "inode number, list", "/d", 0, NULL);
	/* A directory whose size is not whole blocks. */
	uint64_t di = xu("%s.d.inode", "corrupt-ext4");
	p32(&mi, di + 4, 1000);
	mi_expect(&mi, "dir size", "/d", E_CORRUPT, "whole blocks");
	mi_free(&mi);
	alarm(0);
}

static int type_of(void *ctx, const char *name, enum fs_ftype type)
{
	struct names *ns = ctx;

	if (!strcmp(name, ns->v[0]))
		ns->t[0] = type;
	return 0;
}

/* dirdata (Lustre): flags in the type byte's high bits; the type is still its low bits. */
static void test_dirdata(void **state)
{
	struct memimg mi;
	struct fs *fs;
	struct fs_file *d;
	struct names ns = {0};
	uint64_t d0;

	mi_load(&mi, "corrupt-ext4");
	d0 = xu("%s.d.block0", "corrupt-ext4");
	names_add(&ns, "", FS_DIR);
	free(ns.v[0]);
	ns.v[0] = strndup((char *)mi.mem + d0 + 24 + 8, mi.mem[d0 + 24 + 6]);
	assert_int_equal(mi.mem[d0 + 24 + 7], 1);
	for (int dirdata = 0; dirdata < 2; dirdata++) {
		mi.mem[d0 + 24 + 7] = 0x11;
		if (dirdata)
			p32(&mi, SB + 0x60, get32(mi.mem + SB + 0x60) | 0x1000);
		meta_cache_drop(&mi.md.dev);
		assert_int_equal(fs_mount(&mi.v, &fs), 0);
		assert_int_equal(fs_open(fs, "/d", &d), 0);
		assert_int_equal(fs_readdir(d, type_of, &ns), 0);
		assert_int_equal(ns.t[0], dirdata ? FS_FILE : FS_OTHER);
		fs_close(d);
		fs_unmount(fs);
	}
	names_free(&ns);
	mi_free(&mi);
}

static void test_corrupt_blockmap(void **state)
{
	struct memimg mi;
	uint64_t dind, ind;

	alarm(20);
	mi_load(&mi, "corrupt-ext2");
	dind = xu("%s.big.dind", "corrupt-ext2");
	ind = xu("%s.big.ind", "corrupt-ext2");
	mi_expect(&mi, "intact", "/big.bin", 0, NULL);
	p32(&mi, dind, (uint32_t)(dind / 1024));
	mi_expect(&mi, "indirect loop", "/big.bin", E_CORRUPT, "loop");
	p32(&mi, ind + 8, 0xfffffff0);
	mi_expect(&mi, "data beyond", "/big.bin", E_CORRUPT, "beyond the filesystem");
	p32(&mi, dind, 0xfffffff0);
	mi_expect(&mi, "indirect beyond", "/big.bin", E_CORRUPT, "beyond the filesystem");
	/* A zero pointer is a hole: zeros, no error. */
	p32(&mi, ind + 8, 0);
	mi_expect(&mi, "hole", "/big.bin", 0, NULL);
	mi_free(&mi);
	alarm(0);
}

/* An inline directory whose entries continue in the system.data attribute (4.3). */
static void test_inline_dir_ea(void **state)
{
	struct memimg mi;
	struct fs *fs;
	struct fs_file *f;
	struct names ns = {0};
	char buf[8];

	mi_load(&mi, "inline-small");
	uint64_t ino = xu("%s.small4.inode", "inline-small");
	uint32_t f1 = (uint32_t)xu("%s.f1.ino", "inline-small");
	uint8_t *in = mi.mem + ino;
	assert_int_equal(get32(in + 0x20) & 0x10000000, 0x10000000);
	uint32_t first = 128 + get16(in + 0x80) + 4, isz = 1024;
	assert_int_equal(get32(in + first - 4), 0xea020000);
	uint8_t *e = in + first;
	while (get32(e) && !(e[1] == 7 && e[0] == 4 && !memcmp(e + 16, "data", 4)))
		e += (16 + e[0] + 3) & ~3u;
	assert_true(get32(e) != 0);
	assert_int_equal(get32(e + 8), 0); /* mke2fs left the attribute empty */
	uint32_t voff = isz - first - 64, vlen = 48;
	uint8_t *v = in + first + voff;
	memset(v, 0, vlen);
	put32(v, f1), put16(v + 4, 16), v[6] = 6, v[7] = 1, memcpy(v + 8, "ea-one", 6);
	put32(v + 16, f1), put16(v + 20, 32), v[22] = 6, v[23] = 1, memcpy(v + 24, "ea-two", 6);
	put16(e + 2, (uint16_t)voff);
	put32(e + 8, vlen);
	put32(in + 4, 60 + vlen);
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	assert_int_equal(fs_open(fs, "/small4", &f), 0);
	assert_int_equal(fs_readdir(f, list_fn, &ns), 0);
	fs_close(f);
	qsort(ns.v, ns.n, sizeof(*ns.v), cmp_str);
	assert_int_equal(ns.n, 6);
	static const char *want[] = {"ea-one", "ea-two", "f1", "f2", "f3", "f4"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(ns.v[i], want[i]);
	names_free(&ns);
	assert_int_equal(fs_open(fs, "/small4/ea-two", &f), 0);
	assert_int_equal(f->size, 2);
	assert_int_equal(fs_read(f, 0, 2, buf), 0);
	assert_memory_equal(buf, "1\n", 2);
	fs_close(f);
	/* A bad entry in the attribute part is caught like one in a block. */
	put16(v + 20, 40);
	fs_unmount(fs);
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	expect_open(fs, "/small4/nothere", E_CORRUPT, "bad entry");
	fs_unmount(fs);
	/* The attribute's value past the inode. */
	mi_reset(&mi);
	put16(e + 2, (uint16_t)(isz - first - 8));
	put32(e + 8, 48);
	meta_cache_drop(&mi.md.dev);
	assert_int_equal(fs_mount(&mi.v, &fs), 0);
	expect_open(fs, "/small4", E_CORRUPT, "beyond the inode");
	fs_unmount(fs);
	mi_free(&mi);
}

/* Random damage to the metadata of a small image: any error, never a crash or a hang. */
static void fuzz_walk(struct fs *fs, const char *path, int depth, int *budget)
{
	struct fs_file *d;
	struct names ns = {0};
	char child[512];

	if (depth > 6 || --*budget < 0 || fs_open(fs, path, &d))
		return;
	if (d->type == FS_DIR) {
		fs_readdir(d, list_fn, &ns);
	} else if (d->type == FS_FILE && d->size < (64u << 20)) {
		uint8_t *buf = malloc(d->size + 1);
		fs_read(d, 0, d->size, buf);
		if (d->size > 10)
			fs_read(d, 3, d->size - 7, buf);
		fs_extents(d, 0, d->size, count_fn, (uint64_t[2]){0, 0});
		free(buf);
	} else if (d->type == FS_SYMLINK) {
		char t[4096];
		fs_readlink(d, t, sizeof(t));
	}
	fs_close(d);
	for (int i = 0; i < ns.n; i++) {
		snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", ns.v[i]);
		fuzz_walk(fs, child, depth + 1, budget);
	}
	names_free(&ns);
}

static void test_fuzz(void **state)
{
	static const char *imgs[] = {"corrupt-ext4", "corrupt-ext2", "inline-small"};
	int iters = getenv("EXT_FUZZ_ITERS") ? atoi(getenv("EXT_FUZZ_ITERS")) : 300;
	unsigned seed = 12345;

	alarm(300);
	for (size_t k = 0; k < ARRAY_SIZE(imgs); k++) {
		struct memimg mi;
		mi_load(&mi, imgs[k]);
		/* Metadata lives in the first blocks (superblock, descriptors, bitmaps, inodes)
		 * and in the blocks debugfs pointed at; data blocks matter less. */
		uint64_t hot[4] = {1024, 2048, 0, 0}, span = 256 << 10;
		if (k == 0) {
			hot[2] = xu("%s.frag.etb0", imgs[k]);
			hot[3] = xu("%s.d.block0", imgs[k]);
		} else if (k == 1) {
			hot[2] = xu("%s.big.dind", imgs[k]);
			hot[3] = xu("%s.big.ind", imgs[k]);
		} else {
			hot[2] = hot[3] = xu("%s.small4.inode", imgs[k]);
		}
		for (int it = 0; it < iters; it++) {
			int n = 1 + rand_r(&seed) % 8;
			for (int j = 0; j < n; j++) {
				int h = rand_r(&seed) % 5;
				uint64_t at = h < 4 ? hot[h] + rand_r(&seed) % 1024
						    : rand_r(&seed) % MIN(span, mi.len);
				mi.mem[at] =
				    rand_r(&seed) % 3 ? (uint8_t)rand_r(&seed) : mi.mem[at] ^ 0x80;
			}
			struct fs *fs;
			meta_cache_drop(&mi.md.dev);
			if (!fs_mount(&mi.v, &fs)) {
				int budget = 200;
				fuzz_walk(fs, "/", 0, &budget);
				fs_unmount(fs);
			}
			mi_reset(&mi);
		}
		mi_free(&mi);
	}
	alarm(0);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structures),
		cmocka_unit_test(test_tree_ext2),
		cmocka_unit_test(test_tree_ext2_rev0),
		cmocka_unit_test(test_tree_ext3),
		cmocka_unit_test(test_tree_ext4),
		cmocka_unit_test(test_tree_ext4_1k),
		cmocka_unit_test(test_tree_ext4_noext),
		cmocka_unit_test(test_tree_ext4_32bit),
		cmocka_unit_test(test_tree_ext4_inline),
		cmocka_unit_test(test_tree_ext4_nojournal),
		cmocka_unit_test(test_tree_ext4_metabg),
		cmocka_unit_test(test_tree_ext4_64k),
		cmocka_unit_test(test_tree_ext4_huge),
		cmocka_unit_test(test_tree_ext4_part),
		cmocka_unit_test(test_big_file),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_superblock),
		cmocka_unit_test(test_corrupt_inodes),
		cmocka_unit_test(test_mtime_epoch),
		cmocka_unit_test(test_uninit_extent),
		cmocka_unit_test(test_corrupt_dirs),
		cmocka_unit_test(test_dirdata),
		cmocka_unit_test(test_corrupt_blockmap),
		cmocka_unit_test(test_inline_dir_ea),
		cmocka_unit_test(test_fuzz),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
