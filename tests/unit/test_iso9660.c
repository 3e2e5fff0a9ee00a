/* test_iso9660.c: unit tests of the ISO 9660 driver (fs/iso9660.c) on images_iso.sh's images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "fs.h"
#include "part.h"
#include "testdev.h"

extern const struct fs_driver iso9660_driver;

/* td_open() with blocks of bs bytes: 512 as an image or a USB stick, 2048 as a CD. */
static void td_open_bs(struct blockdev *dev, const char *name, uint32_t bs)
{
	td_open(dev, name);
	dev->num_blocks = dev->num_blocks * 512 / bs;
	dev->block_size = bs;
}

struct mnt {
	struct blockdev dev;
	struct volume v[4];
	struct fs *fs;
};

static int mnt_try(struct mnt *m, const char *img, uint32_t bs)
{
	char p[128];

	snprintf(p, sizeof(p), "iso/%s", img);
	td_open_bs(&m->dev, p, bs);
	m->fs = NULL;
	if (part_scan(&m->dev, m->v, 4) < 1)
		fail_msg("%s: part_scan: %s", img, err_msg());
	return fs_mount(&m->v[0], &m->fs);
}

static void mnt_open(struct mnt *m, const char *img, uint32_t bs)
{
	if (mnt_try(m, img, bs))
		fail_msg("%s (%u-byte blocks): %s", img, bs, err_msg());
	assert_string_equal(m->fs->drv->name, "iso9660");
}

static void mnt_close(struct mnt *m)
{
	fs_unmount(m->fs);
	td_close(&m->dev);
}

/* A value of iso/expect.txt (what blkid said). */
static const char *expect(const char *img, const char *tag)
{
	static char *text, val[256];
	size_t len;
	char key[96];

	if (!text) { /* a newline before the first line, so that every key follows one */
		char *t = (char *)td_slurp("iso/expect.txt", &len);
		text = malloc(len + 2);
		text[0] = '\n';
		memcpy(text + 1, t, len);
		text[len + 1] = 0;
		free(t);
	}
	int kl = snprintf(key, sizeof(key), "\n%s.%s=", img, tag);
	char *at = strstr(text, key);
	if (!at)
		fail_msg("iso/expect.txt has no %s", key + 1);
	at += kl;
	size_t n = strcspn(at, "\n");
	memcpy(val, at, n);
	val[n] = 0;
	return val;
}

/* --- NAME.list: what each image should show --- */

struct item {
	char type; /* d, f, l */
	char *path, *extra, *resolved;
	char *parent;
	const char *name;
};

struct list {
	struct item *it;
	size_t n;
	char *text;
};

static void list_load(struct list *l, const char *img)
{
	char p[128];
	size_t len;

	snprintf(p, sizeof(p), "iso/%s.list", img);
	char *text = (char *)td_slurp(p, &len);
	text[len] = 0;
	l->text = text;
	l->n = 0;
	l->it = calloc(len / 4 + 1, sizeof(*l->it));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct item *it = &l->it[l->n++];
		char *f[4] = {0};
		/* TYPE, PATH, then SOURCE, or TARGET and what it resolves to */
		for (int i = 0; i < 4 && line; i++) {
			f[i] = line;
			line = strchr(line, '\t');
			if (line)
				*line++ = 0;
		}
		it->type = f[0][0];
		it->path = f[1], it->extra = f[2], it->resolved = f[3];
		char *slash = strrchr(it->path, '/');
		it->parent = strndup(it->path, slash == it->path ? 1 : (size_t)(slash - it->path));
		it->name = slash + 1;
	}
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->it[i].parent);
	free(l->text);
	free(l->it);
}

struct names {
	char **name;
	enum fs_ftype *type;
	size_t n, cap;
};

static int collect(void *ctx, const char *name, enum fs_ftype type)
{
	struct names *c = ctx;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->name = realloc(c->name, c->cap * sizeof(*c->name));
		c->type = realloc(c->type, c->cap * sizeof(*c->type));
	}
	c->name[c->n] = strdup(name);
	c->type[c->n++] = type;
	return 0;
}

static enum fs_ftype item_type(char t)
{
	return t == 'd' ? FS_DIR : t == 'l' ? FS_SYMLINK : FS_FILE;
}

/* readdir lists exactly the expected names, each once, with its type. */
static void check_dir(struct fs *fs, const struct list *l, const char *dir, const char *img)
{
	struct fs_file *d;
	struct names c = {0};
	size_t want = 0;

	if (fs_open(fs, dir, &d))
		fail_msg("%s: open %s: %s", img, dir, err_msg());
	assert_int_equal(d->type, FS_DIR);
	if (fs_readdir(d, collect, &c))
		fail_msg("%s: readdir %s: %s", img, dir, err_msg());
	fs_close(d);
	for (size_t i = 1; i < l->n; i++) {
		const struct item *it = &l->it[i];
		if (strcmp(it->parent, dir))
			continue;
		want++;
		size_t k;
		for (k = 0; k < c.n; k++)
			if (c.name[k] && !strcmp(c.name[k], it->name))
				break;
		if (k == c.n)
			fail_msg("%s: %s does not list %s", img, dir, it->name);
		if (c.type[k] != item_type(it->type))
			fail_msg("%s: %s/%s has type %d", img, dir, it->name, c.type[k]);
		free(c.name[k]);
		c.name[k] = NULL;
	}
	for (size_t k = 0; k < c.n; k++)
		if (c.name[k])
			fail_msg("%s: %s lists %s, which it should not", img, dir, c.name[k]);
	assert_int_equal(c.n, want);
	free(c.name);
	free(c.type);
}

static uint8_t *host_file(const char *host, const char *src, size_t *len)
{
	char p[4200];

	snprintf(p, sizeof(p), "iso/%s/%s", host, src);
	return td_slurp(p, len);
}

/* The whole file in one read, then windows at odd offsets. */
static void check_content(struct fs *fs, const char *path, const char *host, const char *src,
			  const char *img)
{
	struct fs_file *f;
	size_t len;
	uint8_t *want = host_file(host, src, &len), *got = malloc(len + 1);

	if (fs_open(fs, path, &f))
		fail_msg("%s: open %s: %s", img, path, err_msg());
	assert_int_equal(f->type, FS_FILE);
	if (f->size != len)
		fail_msg("%s: %s has %llu bytes, wanted %zu", img, path,
			 (unsigned long long)f->size, len);
	if (fs_read(f, 0, len, got))
		fail_msg("%s: read %s: %s", img, path, err_msg());
	if (memcmp(got, want, len))
		fail_msg("%s: %s differs from %s", img, path, src);
	const uint64_t w[][2] = {
	    {1, len > 2 ? len - 2 : 0},
	    {len / 3, MIN(len - len / 3, 4099)},
	    {len > 2049 ? len - 2049 : 0, len > 2049 ? 2049 : len},
	    {len / 2 + 511, len > len / 2 + 511 ? MIN(len - len / 2 - 511, 777) : 0}};
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		if (w[i][0] + w[i][1] > len)
			continue;
		memset(got, 0, w[i][1]);
		if (fs_read(f, w[i][0], w[i][1], got) || memcmp(got, want + w[i][0], w[i][1]))
			fail_msg("%s: %s at %llu+%llu differs (%s)", img, path,
				 (unsigned long long)w[i][0], (unsigned long long)w[i][1],
				 err_msg());
	}
	assert_int_equal(fs_read(f, len, 1, got), E_RANGE);
	fs_close(f);
	free(want);
	free(got);
}

static void check_link(struct fs *fs, const struct item *it, const char *host, const char *img)
{
	struct fs_file *f;
	char buf[4096];
	int r;

	if (fs_open_flags(fs, it->path, FS_NOFOLLOW, &f))
		fail_msg("%s: open %s: %s", img, it->path, err_msg());
	assert_int_equal(f->type, FS_SYMLINK);
	assert_int_equal(f->size, strlen(it->extra));
	assert_int_equal(f->mode & 0170000, 0120000);
	assert_int_equal(fs_readlink(f, buf, sizeof(buf)), 0);
	assert_string_equal(buf, it->extra);
	assert_int_equal(fs_readlink(f, buf, strlen(it->extra)), E_RANGE);
	fs_close(f);
	r = fs_open(fs, it->path, &f);
	if (!strcmp(it->resolved, "ENOENT")) {
		assert_int_equal(r, E_NOENT);
	} else if (!strcmp(it->resolved, "ELOOP")) {
		assert_int_equal(r, E_RANGE);
		assert_non_null(strstr(err_msg(), "symbolic links"));
	} else if (it->resolved[0] == 'd') {
		assert_int_equal(r, 0);
		assert_int_equal(f->type, FS_DIR);
		fs_close(f);
	} else {
		assert_int_equal(r, 0);
		fs_close(f);
		check_content(fs, it->path, host, it->resolved + 2, img);
	}
}

/* Every directory, file and symlink of the image against its list and the host's files. */
static void check_image(const char *img, const char *host, uint32_t bs)
{
	struct mnt m;
	struct list l;

	char file[64];

	snprintf(file, sizeof(file), "%s.iso", img);
	list_load(&l, img);
	mnt_open(&m, file, bs);
	assert_string_equal(m.fs->label, expect(img, "LABEL"));
	assert_string_equal(m.fs->uuid, expect(img, "UUID"));
	assert_string_equal(expect(img, "TYPE"), "iso9660");
	for (size_t i = 0; i < l.n; i++) {
		const struct item *it = &l.it[i];
		if (it->type == 'd')
			check_dir(m.fs, &l, it->path, img);
		else if (it->type == 'l')
			check_link(m.fs, it, host, img);
		else if (strcmp(it->path, "/huge.bin")) /* read in pieces by test_huge */
			check_content(m.fs, it->path, host, it->extra, img);
	}
	printf("%s, %u-byte blocks: %zu entries checked, %llu device reads\n", img, bs, l.n,
	       (unsigned long long)m.dev.read_calls);
	mnt_close(&m);
	list_free(&l);
}

static void test_rock_ridge_joliet(void **state)
{
	check_image("rrj", "tree", 512);
	check_image("rrj", "tree", 2048);
}

static void test_joliet(void **state)
{
	check_image("joliet", "tree", 512);
	check_image("joliet", "tree", 2048);
}

static void test_plain(void **state)
{
	check_image("plain", "tree", 512);
	check_image("plain", "tree", 2048);
}

static void test_level3(void **state)
{
	check_image("huge", "tree", 2048);
}

static void test_small_hybrid(void **state)
{
	check_image("small", "st", 512);
	check_image("small", "st", 2048);
	check_image("hybrid", "st", 512);  /* the first MBR partition, at 32 KiB */
	check_image("hybrid", "st", 2048); /* a CD drive: the table, in 512-byte units, is not it */
}

static void expect_open(struct fs *fs, const char *path, int code)
{
	struct fs_file *f;
	int r = fs_open(fs, path, &f);

	if (r != code)
		fail_msg("open %s: got %d (%s), wanted %d", path, r, err_msg(), code);
	if (!r)
		fs_close(f);
}

/* Plain names: ";1" and a bare '.' dropped, matched in any case; Joliet too; Rock Ridge not. */
static void test_names(void **state)
{
	struct mnt m;

	mnt_open(&m, "plain.iso", 512);
	expect_open(m.fs, "/SPARSE.BIN", 0);
	expect_open(m.fs, "/sparse.bin", 0);
	expect_open(m.fs, "/Sparse.Bin", 0);
	expect_open(m.fs, "/SPARSE.BIN;1", E_NOENT);
	expect_open(m.fs, "/files/size_512", 0);
	expect_open(m.fs, "/BOOT/", 0);
	mnt_close(&m);
	mnt_open(&m, "joliet.iso", 512);
	expect_open(m.fs, "/names/MiXeD CaSe.TXT", 0);
	expect_open(m.fs, "/NAMES/mixed case.txt", 0);
	expect_open(m.fs, "/names/naïve café.txt", 0);
	expect_open(m.fs, "/names/NAÏVE CAFÉ.TXT", E_NOENT); /* ASCII folding only */
	expect_open(m.fs, "/names/日本語のファイル名.txt", 0);
	mnt_close(&m);
	mnt_open(&m, "rrj.iso", 512);
	expect_open(m.fs, "/names/MiXeD CaSe.TXT", 0);
	expect_open(m.fs, "/names/mixed case.txt", E_NOENT);
	expect_open(m.fs, "/NAMES/MiXeD CaSe.TXT", E_NOENT);
	expect_open(m.fs, "/names/rocket \U0001F680.bin", 0);
	mnt_close(&m);
}

/* xorriso moved d07, d13, ... under RR_MOVED; Rock Ridge puts them back (CL) and hides it (RE). */
static void test_relocated(void **state)
{
	struct mnt m;
	struct fs_file *f;
	char path[512] = "";

	for (uint32_t bs = 512; bs <= 2048; bs *= 4) {
		mnt_open(&m, "rrj.iso", bs);
		expect_open(m.fs, "/RR_MOVED", E_NOENT);
		expect_open(m.fs, "/rr_moved", E_NOENT);
		path[0] = 0;
		for (int i = 0; i < 40; i++) {
			snprintf(path + strlen(path), sizeof(path) - strlen(path), "/d%02d", i);
			assert_int_equal(fs_open(m.fs, path, &f), 0);
			assert_int_equal(f->type, FS_DIR);
			assert_int_equal(f->mode & 0170000, 0040000);
			fs_close(f);
		}
		strcat(path, "/leaf.txt");
		assert_int_equal(fs_open(m.fs, path, &f), 0);
		assert_int_equal(f->size, 26);
		fs_close(f);
		/* ".." after a relocated directory is the one the walk came from. */
		expect_open(m.fs, "/d00/d01/d02/d03/d04/d05/d06/d07/../d07/d08/../../d07", 0);
		mnt_close(&m);
	}
	/* Without Rock Ridge, the same image shows the ECMA-119 tree: RR_MOVED and all. */
}

static int ext_count(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	uint64_t *c = ctx;

	c[c[0] * 2 + 1] = file_off;
	c[c[0] * 2 + 2] = len;
	c[0]++;
	return 0;
}

/* A 5 GiB file of two sections (multi-extent); its pieces read past 4 GiB. */
static void test_huge(void **state)
{
	static const struct {
		uint64_t off, len;
	} c[] = {{0, 4096},
		 {4294965248ull - 1000, 3000}, /* across the two sections */
		 {(4ull << 30) - 100, 300},
		 {(4ull << 30) + 12345, 100000},
		 {(5ull << 30) + 21, 4300},
		 {(5ull << 30) - 1, 4322}};
	struct mnt m;
	struct fs_file *f;
	char p[256];

	snprintf(p, sizeof(p), "%s", td_path("iso/tree/huge.bin"));
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	for (uint32_t bs = 512; bs <= 2048; bs *= 4) {
		mnt_open(&m, "huge.iso", bs);
		assert_int_equal(fs_open(m.fs, "/huge.bin", &f), 0);
		assert_int_equal(f->size, (5ull << 30) + 4321);
		uint64_t ext[16] = {0};
		assert_int_equal(fs_extents(f, 0, f->size, ext_count, ext), 0);
		assert_int_equal(ext[0], 2); /* two sections, in order */
		assert_int_equal(ext[1], 0);
		assert_int_equal(ext[2], 4294965248ull);
		assert_int_equal(ext[3], 4294965248ull);
		assert_int_equal(ext[4], f->size - 4294965248ull);
		for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
			uint8_t *got = malloc(c[i].len), *want = malloc(c[i].len);
			uint64_t r0 = m.dev.read_calls;
			assert_int_equal(pread(fd, want, c[i].len, (off_t)c[i].off),
					 (ssize_t)c[i].len);
			if (fs_read(f, c[i].off, c[i].len, got))
				fail_msg("huge.bin at %llu: %s", (unsigned long long)c[i].off,
					 err_msg());
			assert_memory_equal(got, want, c[i].len);
			assert_true(m.dev.read_calls - r0 <=
				    3); /* contiguous: one read and edges */
			free(got);
			free(want);
		}
		assert_int_equal(fs_read(f, f->size - 1, 2, p), E_RANGE);
		fs_close(f);
		mnt_close(&m);
	}
	close(fd);
}

/* A contiguous 256 MiB file is a handful of device reads, the mount and the lookup included. */
static void test_big_reads(void **state)
{
	size_t len;
	uint8_t *want = td_slurp("iso/big/big.bin", &len), *got = malloc(len);

	assert_int_equal(len, 256 << 20);
	for (uint32_t bs = 512; bs <= 2048; bs *= 4) {
		struct mnt m;
		struct fs_file *f;
		mnt_open(&m, "big.iso", bs);
		uint64_t r0 = m.dev.read_calls;
		assert_int_equal(fs_open(m.fs, "/big.bin", &f), 0);
		uint64_t r1 = m.dev.read_calls;
		assert_int_equal(fs_read(f, 0, len, got), 0);
		uint64_t r2 = m.dev.read_calls;
		assert_memory_equal(got, want, len);
		printf("big.bin (256 MiB, %u-byte blocks): %llu device reads in all: %llu to scan "
		       "and mount, %llu to open, %llu to read\n",
		       bs, (unsigned long long)r2, (unsigned long long)r0,
		       (unsigned long long)(r1 - r0), (unsigned long long)(r2 - r1));
		assert_true(r2 <= 64);
		assert_int_equal(r2 - r1, 1);
		fs_close(f);
		mnt_close(&m);
	}
	free(want);
	free(got);
}

static uint8_t *pattern(int seed, size_t n)
{
	uint8_t *b = malloc(n);

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 31 + (size_t)seed) % 251);
	return b;
}

static void check_pattern(struct fs *fs, const char *path, int seed, size_t n)
{
	struct fs_file *f;
	uint8_t *want = pattern(seed, n), *got = malloc(n);

	if (fs_open(fs, path, &f))
		fail_msg("open %s: %s", path, err_msg());
	assert_int_equal(f->size, n);
	if (fs_read(f, 0, n, got))
		fail_msg("read %s: %s", path, err_msg());
	assert_memory_equal(got, want, n);
	for (size_t off = 0; off < n; off += 97) {
		size_t k = MIN(n - off, 1 + off % 1500);
		assert_int_equal(fs_read(f, off, k, got), 0);
		assert_memory_equal(got, want + off, k);
	}
	fs_close(f);
	free(want);
	free(got);
}

/* images_iso.sh's hand-made image: what xorriso never writes. */
static void test_crafted(void **state)
{
	static const char *const root_names[] = {
	    "assoc.txt", "hidden.txt", "ino.txt",  "inter.bin", "longtf.txt", "multi.bin",
	    "pn.txt",	 "stop.txt",   "sub",	   "VER.TXT",	"xar.txt",    "badnm",
	    "badsl",	 "cechain",    "badmulti", "badmult2",	"badcl",      "chained"};
	const char *chained_target = "/usr/long/./../";
	char name[400], target[600], buf[600];
	struct fs_file *f;

	memset(name, 'N', 200);
	strcpy(name + 200, "-continued-");
	memset(name + 211, 'M', 100);
	name[311] = 0;
	strcpy(target, chained_target);
	memset(target + strlen(target), 'x', 240);
	memset(target + strlen(chained_target) + 240, 'y', 10);
	strcpy(target + strlen(chained_target) + 250, "/end");
	for (uint32_t bs = 512; bs <= 2048; bs *= 4) {
		struct mnt m;
		mnt_open(&m, "crafted.iso", bs);
		assert_string_equal(m.fs->label, "CRAFTED");
		assert_string_equal(m.fs->uuid, "2025-06-07-08-09-10-11");
		assert_string_equal(m.fs->uuid, expect("crafted", "UUID"));
		/* The listing: no associated file, the hidden one, the chained NM name. */
		struct names c = {0};
		assert_int_equal(fs_open(m.fs, "/", &f), 0);
		assert_int_equal(f->mode, 0040755);
		assert_int_equal(fs_readdir(f, collect, &c), 0);
		fs_close(f);
		assert_int_equal(c.n, ARRAY_SIZE(root_names));
		for (size_t i = 0; i < c.n; i++) {
			const char *want = i + 1 < c.n ? root_names[i] : name;
			size_t k;
			for (k = 0; k < c.n && strcmp(c.name[k], want); k++)
				;
			if (k == c.n)
				fail_msg("crafted: / does not list %.40s", want);
			free(c.name[k]);
			c.name[k] = strdup("");
		}
		for (size_t k = 0; k < c.n; k++)
			free(c.name[k]);
		free(c.name);
		free(c.type);

		/* Data after the extended attribute record; record date 2024-02-29 12:34:56 +01. */
		check_pattern(m.fs, "/xar.txt", 1, 3000);
		assert_int_equal(fs_open(m.fs, "/xar.txt", &f), 0);
		assert_int_equal(f->mtime, 1709206496);
		assert_int_equal(f->mode, 0100644);
		fs_close(f);
		check_pattern(m.fs, "/hidden.txt", 2, 100);
		check_pattern(m.fs, "/assoc.txt", 3, 50); /* not the associated file before it */
		check_pattern(m.fs, "/VER.TXT", 5, 10);	  /* "VER.TXT;2", no NM */
		check_pattern(m.fs, "/ver.txt", 5, 10);
		check_pattern(m.fs, "/stop.txt", 8, 40); /* entries after ST are not read */
		check_pattern(m.fs, "/pn.txt", 9, 5);
		check_pattern(m.fs, "/multi.bin", 10, 1024 + 2048 + 700);
		uint64_t ext[16] = {0};
		assert_int_equal(fs_open(m.fs, "/multi.bin", &f), 0);
		assert_int_equal(fs_extents(f, 0, f->size, ext_count, ext), 0);
		assert_int_equal(ext[0], 3);
		assert_int_equal(ext[3], 1024);
		assert_int_equal(ext[5], 3072);
		assert_int_equal(ext[6], 700);
		fs_close(f);
		/* PX of RRIP 1.12 carries the inode number. */
		assert_int_equal(fs_open(m.fs, "/ino.txt", &f), 0);
		assert_int_equal(f->ino, 424242);
		assert_int_equal(f->mode, 0100640);
		fs_close(f);
		/* TF long form: 2023-12-31 23:59:59 at GMT-2. */
		assert_int_equal(fs_open(m.fs, "/longtf.txt", &f), 0);
		assert_int_equal(f->mtime, 1704074399);
		fs_close(f);
		/* Interleaved: listed and opened, not read. */
		assert_int_equal(fs_open(m.fs, "/inter.bin", &f), 0);
		assert_int_equal(fs_read(f, 0, 10, buf), E_UNSUPP);
		assert_non_null(strstr(err_msg(), "interleaved"));
		fs_close(f);
		/* NM over two CE areas; SL with ROOT, CURRENT, PARENT and continued components. */
		char path[512];
		snprintf(path, sizeof(path), "/%s", name);
		assert_int_equal(fs_open_flags(m.fs, path, FS_NOFOLLOW, &f), 0);
		assert_int_equal(f->type, FS_SYMLINK);
		assert_int_equal(f->size, strlen(target));
		assert_int_equal(fs_readlink(f, buf, sizeof(buf)), 0);
		assert_string_equal(buf, target);
		fs_close(f);
		/* One bad record in a directory: clean errors. */
		static const struct {
			const char *path, *msg;
		} bad[] = {
		    {"/badnm/x", "NM) is too long"},
		    {"/badsl/x", "longer than 4095"},
		    {"/cechain/x", "too many SUSP continuation areas"},
		    {"/badmulti/m", "no last section"},
		    {"/badmult2/n", "sections are apart"},
		    {"/badcl/x", "does not point to a directory"},
		};
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			assert_int_equal(fs_open(m.fs, bad[i].path, &f), E_CORRUPT);
			if (!strstr(err_msg(), bad[i].msg))
				fail_msg("%s: '%s' lacks '%s'", bad[i].path, err_msg(), bad[i].msg);
		}
		/* A directory of two sectors, zero padding between. */
		for (int i = 0; i < 40; i++) {
			char p[32], want[16];
			snprintf(p, sizeof(p), "/sub/f%02d.txt", i);
			snprintf(want, sizeof(want), "file %02d\n", i);
			assert_int_equal(fs_open(m.fs, p, &f), 0);
			assert_int_equal(f->size, 8);
			assert_int_equal(fs_read(f, 0, 8, buf), 0);
			assert_memory_equal(buf, want, 8);
			fs_close(f);
		}
		mnt_close(&m);
	}
}

/* Labels and UUIDs exactly as blkid prints them, on patched descriptors. */
static void test_labels(void **state)
{
	size_t len;
	char *n = (char *)td_slurp("iso/labels.txt", &len);
	int count = atoi(n);

	free(n);
	assert_true(count > 5);
	for (int i = 0; i < count; i++) {
		char img[32], key[32];
		struct mnt m;
		snprintf(img, sizeof(img), "label-%d.iso", i);
		snprintf(key, sizeof(key), "label-%d", i);
		mnt_open(&m, img, 2048);
		if (strcmp(m.fs->label, expect(key, "LABEL")))
			fail_msg("%s: label '%s', blkid says '%s'", img, m.fs->label,
				 expect(key, "LABEL"));
		assert_string_equal(m.fs->uuid, expect(key, "UUID"));
		mnt_close(&m);
	}
}

/* Corrupt images: clean errors with a message, never a crash or a hang (the alarm). */
static void test_corrupt(void **state)
{
	static const struct {
		const char *img, *path;
		int mount, open, read, other; /* other: opening a name the image lacks */
		const char *msg;
	} c[] = {
	    {"corrupt-celoop.iso",
	     "/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	     "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	     "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	     "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.txt",
	     0, E_CORRUPT, 0, E_CORRUPT, "CE loop"},
	    {"corrupt-rootce.iso", NULL, E_CORRUPT, 0, 0, 0, "CE loop"},
	    {"corrupt-len0.iso", "/hello.txt", 0, E_NOENT, 0, E_NOENT, NULL},
	    {"corrupt-lenshort.iso", "/hello.txt", 0, E_CORRUPT, 0, E_CORRUPT, "malformed"},
	    {"corrupt-lenover.iso", "/many/a file with a longer name 40.txt", 0, E_CORRUPT, 0,
	     E_NOENT, "crosses a sector"},
	    {"corrupt-extent.iso", "/hello.txt", 0, 0, E_CORRUPT, E_NOENT, "beyond the end"},
	    {"corrupt-dirextent.iso", "/sub/inner.txt", 0, E_CORRUPT, 0, E_NOENT, "beyond the end"},
	    {"corrupt-ceextent.iso", "/verylong", 0, E_CORRUPT, 0, E_CORRUPT, "beyond the volume"},
	    {"corrupt-sl.iso", "/abs", 0, E_CORRUPT, 0, E_CORRUPT, "SL component"},
	    {"corrupt-nm.iso", "/hello.txt", 0, E_CORRUPT, 0, E_CORRUPT, "overruns"},
	    {"corrupt-trunc-data.iso", "/hello.txt", 0, 0, E_CORRUPT, E_NOENT, "beyond the end"},
	    {"corrupt-trunc-dir.iso", "/sub/inner.txt", 0, E_CORRUPT, 0, E_NOENT, "beyond the end"},
	    {"corrupt-trunc-vd.iso", NULL, E_CORRUPT, 0, 0, 0, "past the volume"},
	    {"corrupt-noterm.iso", NULL, E_CORRUPT, 0, 0, 0, "no terminator"},
	    {"corrupt-vdflood.iso", NULL, E_CORRUPT, 0, 0, 0, "no terminator"},
	};

	alarm(60);
	for (uint32_t bs = 512; bs <= 2048; bs *= 4) {
		for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
			struct mnt m;
			struct fs_file *f = NULL;
			char buf[16];
			int r = mnt_try(&m, c[i].img, bs);
			if (r != c[i].mount)
				fail_msg("%s: mount gave %d (%s), wanted %d", c[i].img, r,
					 err_msg(), c[i].mount);
			if (!r) {
				r = fs_open(m.fs, c[i].path, &f);
				if (r != c[i].open)
					fail_msg("%s: open gave %d (%s), wanted %d", c[i].img, r,
						 err_msg(), c[i].open);
			}
			if (!r && f) {
				r = fs_read(f, 0, MIN(f->size, sizeof(buf)), buf);
				if (r != c[i].read)
					fail_msg("%s: read gave %d (%s), wanted %d", c[i].img, r,
						 err_msg(), c[i].read);
				fs_close(f);
			}
			if (c[i].msg && !strstr(err_msg(), c[i].msg))
				fail_msg("%s: message '%s' lacks '%s'", c[i].img, err_msg(),
					 c[i].msg);
			/* Another name: not there, or the same clean error. */
			if (m.fs)
				expect_open(m.fs, "/nothing-here", c[i].other);
			if (m.fs)
				fs_unmount(m.fs);
			td_close(&m.dev);
		}
	}
	alarm(0);
}

/* Not ISO 9660: the driver says E_FORMAT, so that the next driver may try. */
static void test_not_iso(void **state)
{
	struct mnt m;
	struct fs *fs = (struct fs *)1;

	td_open(&m.dev, "gpt.img");
	assert_true(part_scan(&m.dev, m.v, 4) >= 2);
	assert_int_equal(iso9660_driver.mount(&m.v[1], &fs), E_FORMAT);
	td_close(&m.dev);
	mnt_open(&m, "small.iso", 512);
	assert_int_equal(m.v[0].blocks, m.dev.num_blocks);
	mnt_close(&m);
	/* A volume that ends before sector 17. */
	td_open_bs(&m.dev, "iso/small.iso", 2048);
	m.dev.num_blocks = 16;
	assert_int_equal(part_scan(&m.dev, m.v, 4), 1);
	assert_int_equal(iso9660_driver.mount(&m.v[0], &fs), E_FORMAT);
	td_close(&m.dev);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_iso),
		cmocka_unit_test(test_small_hybrid),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_relocated),
		cmocka_unit_test(test_rock_ridge_joliet),
		cmocka_unit_test(test_joliet),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_level3),
		cmocka_unit_test(test_big_reads),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
