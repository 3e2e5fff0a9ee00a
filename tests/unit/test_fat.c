/* test_fat.c: unit tests of the FAT driver and fs dispatch (fs/fat.c, fs/fs.c) on real images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "fs.h"
#include "part.h"
#include "testdev.h"

struct mnt {
	struct blockdev dev;
	struct volume v[8];
	int n;
	struct fs *fs;
};

static void mnt_open(struct mnt *m, const char *img, int vi)
{
	td_open(&m->dev, img);
	m->n = part_scan(&m->dev, m->v, 8);
	assert_true(m->n > vi);
	m->fs = NULL;
	int r = fs_mount(&m->v[vi], &m->fs);
	if (r)
		fail_msg("%s volume %d: %s", img, vi, err_msg());
	assert_non_null(m->fs);
	assert_ptr_equal(m->fs->vol, &m->v[vi]);
}

static void mnt_close(struct mnt *m)
{
	fs_unmount(m->fs);
	td_close(&m->dev);
}

/* Opens path on fs, reads it whole in one call and compares it with images.sh's host copy. */
static void check_file(struct fs *fs, const char *path, const char *host)
{
	struct fs_file *f;
	size_t len;
	uint8_t *want = td_slurp(host, &len);

	if (fs_open(fs, path, &f))
		fail_msg("open %s: %s", path, err_msg());
	assert_int_equal(f->type, FS_FILE);
	assert_int_equal(f->size, len);
	uint8_t *got = malloc(len + 1);
	if (fs_read(f, 0, len, got))
		fail_msg("read %s: %s", path, err_msg());
	if (memcmp(got, want, len))
		fail_msg("%s: content differs from %s", path, host);
	fs_close(f);
	free(got);
	free(want);
}

static void expect_open_error(struct fs *fs, const char *path, int code)
{
	struct fs_file *f = (struct fs_file *)1;
	int r = fs_open(fs, path, &f);

	if (r != code)
		fail_msg("open %s: got %d (%s), wanted %d", path, r, err_msg(), code);
	assert_null(f);
}

/* Label and UUID as blkid prints them (images.sh recorded blkid's answer). */
static void test_mount_label_uuid(void **state)
{
	static const struct {
		const char *img, *key;
		int vi;
		const char *label, *uuid;
	} c[] = {
	    {"gpt.img", "gpt.v0", 0, "BATON ESP", "2BAD-CAFE"},
	    {"gpt.img", "gpt.v1", 1, "DATA", "0000-BEEF"},
	    {"mbr.img", "mbr.v0", 0, "MBRFAT16", "1616-1616"},
	    {"mbr.img", "mbr.v1", 1, "MBRFAT12", "1212-1212"},
	    {"sf32.img", "sf32.v0", 0, "SUPERFLOP", "5F32-ABCD"},
	    {"sf12.img", "sf12.v0", 0, "FLOPPY", "F123-4567"},
	    {"sffake.img", "sffake.v0", 0, "FAKEMBR", "FA4E-0000"},
	    {"gpt-small.img", "small.v0", 0, "SMALL", "5A11-5A11"},
	    {"corrupt32.img", "corrupt32.v0", 0, "CORRUPT32", "C0AA-0032"},
	};
	char k[64];

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct mnt m;
		mnt_open(&m, c[i].img, c[i].vi);
		snprintf(k, sizeof(k), "%s.label", c[i].key);
		assert_string_equal(m.fs->label, td_expect(k));
		assert_string_equal(m.fs->label, c[i].label);
		snprintf(k, sizeof(k), "%s.uuid", c[i].key);
		assert_string_equal(m.fs->uuid, td_expect(k));
		assert_string_equal(m.fs->uuid, c[i].uuid);
		assert_string_equal(m.fs->drv->name, "fat");
		mnt_close(&m);
	}
}

static void test_unformatted(void **state)
{
	struct blockdev dev;
	struct volume v[8];
	struct fs *fs = (struct fs *)1;

	td_open(&dev, "gpt.img");
	assert_int_equal(part_scan(&dev, v, 8), 3);
	assert_int_equal(fs_mount(&v[2], &fs), E_FORMAT);
	assert_null(fs);
	assert_non_null(strstr(err_msg(), "hd0,gpt4"));
	td_close(&dev);
}

static void test_esp_lookup(void **state)
{
	struct mnt m;

	mnt_open(&m, "gpt.img", 0);
	check_file(m.fs, "/EFI/BOOT/baton.cfg", "files/esp/EFI/BOOT/baton.cfg");
	check_file(m.fs, "/efi/boot/BATON.CFG", "files/esp/EFI/BOOT/baton.cfg");
	check_file(m.fs, "/EFI/BOOT/bootx64.efi", "files/esp/EFI/BOOT/BOOTX64.EFI");
	static const char host_long[] = "files/esp/Long Directory Name/Another Sub Directory/"
					"A file with a rather long name, indeed.txt";
	check_file(m.fs, host_long + 9, host_long);
	check_file(m.fs,
		   "/LONG DIRECTORY NAME/another sub directory/"
		   "A FILE WITH A RATHER LONG NAME, INDEED.TXT",
		   host_long);
	/* The 8.3 aliases of long names work too. */
	check_file(m.fs,
		   "/LONGDI~1/Another Sub Directory/A file with a rather long name, indeed.txt",
		   host_long);
	check_file(m.fs, "/MiXeD/CaSe.TxT", "files/esp/MiXeD/CaSe.TxT");
	check_file(m.fs, "/mixed/case.txt", "files/esp/MiXeD/CaSe.TxT");
	check_file(m.fs, "/a/b/c/d/e/deep.txt", "files/esp/a/b/c/d/e/deep.txt");
	check_file(m.fs, "//a//b/c/d/e//deep.txt", "files/esp/a/b/c/d/e/deep.txt");
	check_file(m.fs, "/naïve café.txt", "files/esp/naïve café.txt");
	check_file(m.fs, "/NAïVE CAFé.TXT", "files/esp/naïve café.txt"); /* ASCII folding only */
	check_file(m.fs, "/lower.txt", "files/esp/lower.txt");
	check_file(m.fs, "/LOWER.TXT", "files/esp/lower.txt");
	check_file(m.fs, "/one.bin", "files/esp/one.bin");
	check_file(m.fs, "/odd.bin", "files/esp/odd.bin");
	/* A directory of several clusters (60 long names, 512-byte clusters). */
	check_file(m.fs, "/many/file with a long name 01.txt",
		   "files/esp/many/file with a long name 01.txt");
	check_file(m.fs, "/many/FILE WITH A LONG NAME 60.txt",
		   "files/esp/many/file with a long name 60.txt");
	/* "." and ".." */
	check_file(m.fs, "/EFI/./BOOT/../BOOT/baton.cfg", "files/esp/EFI/BOOT/baton.cfg");
	check_file(m.fs, "/../EFI/BOOT/baton.cfg", "files/esp/EFI/BOOT/baton.cfg");
	check_file(m.fs, "/a/b/../../a/b/c/d/e/deep.txt", "files/esp/a/b/c/d/e/deep.txt");
	mnt_close(&m);
}

static void test_lookup_errors(void **state)
{
	struct mnt m;

	mnt_open(&m, "gpt.img", 0);
	expect_open_error(m.fs, "/nope.txt", E_NOENT);
	assert_non_null(strstr(err_msg(), "/nope.txt"));
	expect_open_error(m.fs, "/EFI/BOOT/baton.cf", E_NOENT);
	expect_open_error(m.fs, "/EFI/BOOT/baton.cfg.", E_NOENT);
	expect_open_error(m.fs, "/missing/baton.cfg", E_NOENT);
	expect_open_error(m.fs, "/EFI/BOOT/baton.cfg/x", E_NOENT);
	assert_non_null(strstr(err_msg(), "not a directory"));
	expect_open_error(m.fs, "/many/file with a long name 61.txt", E_NOENT);
	expect_open_error(m.fs, "/Long Directory Nam", E_NOENT);
	expect_open_error(m.fs, "EFI/BOOT/baton.cfg", E_INVAL);
	char longname[1200];
	longname[0] = '/';
	memset(longname + 1, 'a', sizeof(longname) - 2);
	longname[sizeof(longname) - 1] = 0;
	expect_open_error(m.fs, longname, E_NOENT);
	mnt_close(&m);
}

static void test_directories(void **state)
{
	struct mnt m;
	struct fs_file *f;
	char c;

	mnt_open(&m, "gpt.img", 0);
	assert_int_equal(fs_open(m.fs, "/", &f), 0);
	assert_int_equal(f->type, FS_DIR);
	assert_int_equal(f->size, 0);
	assert_int_equal(fs_read(f, 0, 0, &c), E_INVAL);
	fs_close(f);
	assert_int_equal(fs_open(m.fs, "/efi/boot/", &f), 0);
	assert_int_equal(f->type, FS_DIR);
	fs_close(f);
	assert_int_equal(fs_open(m.fs, "/empty.txt", &f), 0);
	assert_int_equal(f->type, FS_FILE);
	assert_int_equal(f->size, 0);
	assert_int_equal(fs_read(f, 0, 0, &c), 0);
	assert_int_equal(fs_read(f, 0, 1, &c), E_RANGE);
	fs_close(f);
	mnt_close(&m);
}

/* --- mktree.py's tree, read back through the driver and compared with the host's copy --- */

struct names {
	char **v;
	int n, cap;
};

static int name_fn(void *ctx, const char *name, enum fs_ftype type)
{
	struct names *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, sizeof(*l->v) * (size_t)l->cap);
	}
	l->v[l->n++] = strdup(name);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Every directory lists exactly the host's names; every file reads back byte for byte. */
static int tree_walk(struct fs *fs, const char *host, const char *rel)
{
	struct names hn = {0}, bn = {0};
	struct fs_file *d;
	DIR *dir = opendir(host);
	struct dirent *e;
	int files = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			name_fn(&hn, e->d_name, FS_OTHER);
	closedir(dir);
	if (fs_open(fs, rel[0] ? rel : "/", &d))
		fail_msg("open %s: %s", rel, err_msg());
	assert_int_equal(d->type, FS_DIR);
	assert_int_equal(fs_readdir(d, name_fn, &bn), 0);
	fs_close(d);
	qsort(hn.v, (size_t)hn.n, sizeof(*hn.v), cmp_name);
	qsort(bn.v, (size_t)bn.n, sizeof(*bn.v), cmp_name);
	if (hn.n != bn.n)
		fail_msg("%s: %d entries, the host has %d", rel, bn.n, hn.n);
	for (int i = 0; i < hn.n; i++) {
		char h[4096], r[4096];
		struct stat st;
		assert_string_equal(bn.v[i], hn.v[i]);
		snprintf(h, sizeof(h), "%s/%s", host, hn.v[i]);
		snprintf(r, sizeof(r), "%s/%s", rel, hn.v[i]);
		assert_int_equal(lstat(h, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			files += tree_walk(fs, h, r);
			continue;
		}
		FILE *hf = fopen(h, "rb");
		struct fs_file *f;
		uint8_t *want = malloc((size_t)st.st_size + 1),
			*got = malloc((size_t)st.st_size + 1);
		assert_int_equal(fread(want, 1, (size_t)st.st_size, hf), (size_t)st.st_size);
		fclose(hf);
		if (fs_open(fs, r, &f))
			fail_msg("open %s: %s", r, err_msg());
		assert_int_equal(f->type, FS_FILE);
		assert_int_equal(f->size, st.st_size);
		if (fs_read(f, 0, f->size, got))
			fail_msg("read %s: %s", r, err_msg());
		if (memcmp(got, want, (size_t)st.st_size))
			fail_msg("%s differs from %s", r, h);
		fs_close(f);
		free(want);
		free(got);
		files++;
	}
	names_free(&hn);
	names_free(&bn);
	return files;
}

static void test_tree(void **state)
{
	static const struct {
		const char *img, *tree;
		int min_files;
	} c[] = {{"fat12-tree.img", "files/tree12", 20},
		 {"fat16-tree.img", "files/tree", 3000},
		 {"fat32-tree.img", "files/tree", 3000}};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct mnt m;
		char host[4096];
		mnt_open(&m, c[i].img, 0);
		assert_non_null(realpath(td_path(c[i].tree), host));
		int n = tree_walk(m.fs, host, "");
		printf("%s: %d files compared\n", c[i].img, n);
		assert_true(n >= c[i].min_files);
		/* Any case finds a name; the deep file through 40 directories. */
		struct fs_file *f;
		assert_int_equal(fs_open(m.fs, "/NAMES/mixed case.txt", &f), 0);
		fs_close(f);
		assert_int_equal(fs_open(m.fs,
					 "/d00/d01/../d01/d02/./d03/d04/d05/d06/d07/d08/d09/d10/"
					 "d11/d12/d13/d14/d15/d16/d17/d18/d19/middle.bin",
					 &f),
				 0);
		fs_close(f);
		mnt_close(&m);
	}
}

/* The figure: a contiguous 256 MiB file costs at most 64 device reads, FAT walk included.
 */
static void test_256mib_reads(void **state)
{
	struct mnt m;
	struct fs_file *f;
	size_t len;
	uint8_t *want = td_slurp("files/big256.bin", &len);
	uint8_t *got = malloc(len);

	assert_int_equal(len, 256 << 20);
	assert_int_equal(td_expect_u("fat256.runs"), 1);
	mnt_open(&m, "fat256.img", 0);
	uint64_t c0 = m.dev.read_calls;
	assert_int_equal(fs_open(m.fs, "/big256.bin", &f), 0);
	assert_int_equal(fs_read(f, 0, len, got), 0);
	uint64_t n = m.dev.read_calls - c0;
	printf("big256.bin (256 MiB, FAT32, 4 KiB clusters): %llu device reads, open included\n",
	       (unsigned long long)n);
	assert_true(n <= 64);
	assert_memory_equal(got, want, len);
	fs_close(f);
	mnt_close(&m);
	free(got);
	free(want);
}

/* The point of the design: a contiguous 64 MiB file is a handful of device calls. */
static void test_big_file(void **state)
{
	struct mnt m;
	struct fs_file *f;
	size_t len;
	uint8_t *want = td_slurp("files/big.bin", &len);
	uint8_t *got = malloc(len);

	assert_int_equal(len, 64 << 20);
	assert_int_equal(td_expect_u("gpt.big.runs"), 1); /* mshowfat agrees it is contiguous */
	mnt_open(&m, "gpt.img", 0);
	assert_int_equal(fs_open(m.fs, "/BIG.BIN", &f), 0);
	assert_int_equal(f->size, len);
	uint64_t c0 = m.dev.read_calls;
	assert_int_equal(fs_read(f, 0, len, got), 0);
	uint64_t first = m.dev.read_calls - c0;
	assert_memory_equal(got, want, len);
	memset(got, 0, len);
	c0 = m.dev.read_calls;
	assert_int_equal(fs_read(f, 0, len, got), 0);
	uint64_t second = m.dev.read_calls - c0;
	assert_memory_equal(got, want, len);
	printf("big.bin (64 MiB, 512-byte clusters): %llu device reads on the first fs_read (the "
	       "FAT walk included), %llu on the second\n",
	       (unsigned long long)first, (unsigned long long)second);
	assert_true(first <= 32);
	assert_int_equal(second, 1);

	/* Odd offsets and lengths: head and tail bounced, the middle still one call. */
	static const struct {
		uint64_t off, len;
	} c[] = {{12345, 1000001},     {1, 1}, {511, 2}, {(64 << 20) - 7, 7}, {33554431, 33554433},
		 {4097, 65536 * 3 + 5}};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		memset(got, 0, c[i].len);
		c0 = m.dev.read_calls;
		assert_int_equal(fs_read(f, c[i].off, c[i].len, got), 0);
		assert_true(m.dev.read_calls - c0 <= 3);
		if (memcmp(got, want + c[i].off, c[i].len))
			fail_msg("big.bin at %llu+%llu differs", (unsigned long long)c[i].off,
				 (unsigned long long)c[i].len);
	}
	/* Past the end. */
	c0 = m.dev.read_calls;
	assert_int_equal(fs_read(f, len - 10, 11, got), E_RANGE);
	assert_int_equal(fs_read(f, len + 1, 0, got), E_RANGE);
	assert_int_equal(fs_read(f, UINT64_MAX, 2, got), E_RANGE);
	assert_int_equal(fs_read(f, 1, UINT64_MAX, got), E_RANGE);
	assert_int_equal(fs_read(f, len, 0, got), 0);
	assert_int_equal(m.dev.read_calls, c0);
	fs_close(f);
	mnt_close(&m);
	free(got);
	free(want);
}

static void test_odd_reads(void **state)
{
	struct mnt m;
	struct fs_file *f;
	size_t len;
	uint8_t *want = td_slurp("files/esp/odd.bin", &len), buf[8192];

	mnt_open(&m, "gpt.img", 0);
	assert_int_equal(fs_open(m.fs, "/odd.bin", &f), 0);
	for (uint64_t off = 0; off < len; off += 1237) {
		uint64_t n = MIN((uint64_t)len - off, (uint64_t)(off % 7919) + 1);
		memset(buf, 0, sizeof(buf));
		assert_int_equal(fs_read(f, off, n, buf), 0);
		if (memcmp(buf, want + off, n))
			fail_msg("odd.bin at %llu+%llu differs", (unsigned long long)off,
				 (unsigned long long)n);
	}
	assert_int_equal(fs_read(f, len - 1, 2, buf), E_RANGE);
	fs_close(f);
	mnt_close(&m);
	free(want);
}

static void test_read_all(void **state)
{
	struct mnt m;
	char *data;
	size_t len, hlen;
	uint8_t *want = td_slurp("files/esp/EFI/BOOT/baton.cfg", &hlen);

	mnt_open(&m, "gpt.img", 0);
	assert_int_equal(fs_read_all(m.fs, "/EFI/BOOT/baton.cfg", &data, &len, 1 << 20), 0);
	assert_int_equal(len, hlen);
	assert_memory_equal(data, want, hlen);
	assert_int_equal(data[len], 0);
	mem_free(data);
	assert_int_equal(fs_read_all(m.fs, "/EFI/BOOT/baton.cfg", &data, &len, hlen), 0);
	mem_free(data);
	assert_int_equal(fs_read_all(m.fs, "/EFI/BOOT/baton.cfg", &data, &len, hlen - 1), E_RANGE);
	assert_null(data);
	assert_int_equal(fs_read_all(m.fs, "/big.bin", &data, &len, 1 << 20), E_RANGE);
	assert_int_equal(fs_read_all(m.fs, "/EFI", &data, &len, 1 << 20), E_INVAL);
	assert_int_equal(fs_read_all(m.fs, "/baton.cfg", &data, &len, 1 << 20), E_NOENT);
	assert_int_equal(fs_read_all(m.fs, "/empty.txt", &data, &len, 1 << 20), 0);
	assert_int_equal(len, 0);
	assert_int_equal(data[0], 0);
	mem_free(data);
	mnt_close(&m);
	free(want);
}

/* FAT16 with a fixed root of 40+ entries, FAT12 with a long chain of 12-bit entries. */
static void test_mbr_fat16_fat12(void **state)
{
	struct mnt m;
	char p[64], h[96];

	mnt_open(&m, "mbr.img", 0);
	check_file(m.fs, "/hello.txt", "files/mbr16/hello.txt");
	check_file(m.fs, "/efi/boot/baton.cfg", "files/mbr16/EFI/BOOT/baton.cfg");
	check_file(m.fs, "/some long name/INNER FILE.TXT",
		   "files/mbr16/Some Long Name/inner file.txt");
	for (int i = 1; i <= 40; i += 13) {
		snprintf(p, sizeof(p), "/root file %02d.txt", i);
		snprintf(h, sizeof(h), "files/mbr16/root file %02d.txt", i);
		check_file(m.fs, p, h);
	}
	expect_open_error(m.fs, "/root file 41.txt", E_NOENT);
	mnt_close(&m);
	mnt_open(&m, "mbr.img", 1);
	check_file(m.fs, "/data.bin", "files/mbr12/data.bin");
	check_file(m.fs, "/SUB/file.txt", "files/mbr12/sub/file.txt");
	mnt_close(&m);
}

static void test_superfloppy_files(void **state)
{
	struct mnt m;

	mnt_open(&m, "sf32.img", 0);
	check_file(m.fs, "/hello.txt", "files/sf32/hello.txt");
	check_file(m.fs, "/EFI/BOOT/baton.cfg", "files/sf32/EFI/BOOT/baton.cfg");
	mnt_close(&m);
	mnt_open(&m, "sf12.img", 0);
	check_file(m.fs, "/HELLO.TXT", "files/sf12/hello.txt");
	check_file(m.fs, "/a long name.txt", "files/sf12/A Long Name.txt");
	mnt_close(&m);
	mnt_open(&m, "sffake.img", 0);
	check_file(m.fs, "/hello.txt", "files/sffake/hello.txt");
	mnt_close(&m);
}

/* Two filesystems of one disk mounted at once share the metadata cache without mixing. */
static void test_two_volumes(void **state)
{
	struct blockdev dev;
	struct volume v[8];
	struct fs *a, *b;

	td_open(&dev, "gpt.img");
	assert_int_equal(part_scan(&dev, v, 8), 3);
	assert_int_equal(fs_mount(&v[0], &a), 0);
	assert_int_equal(fs_mount(&v[1], &b), 0);
	for (int i = 0; i < 3; i++) {
		check_file(b, "/hello.txt", "files/gpt2/hello.txt");
		check_file(a, "/EFI/BOOT/baton.cfg", "files/esp/EFI/BOOT/baton.cfg");
		expect_open_error(a, "/hello.txt", E_NOENT);
		expect_open_error(b, "/EFI", E_NOENT);
	}
	fs_unmount(a);
	fs_unmount(b);
	td_close(&dev);
}

struct ext_check {
	struct volume *vol;
	const uint8_t *want;
	uint64_t next, n;
};

/* Each piece follows the previous one and holds the file's bytes at its volume offset. */
static int ext_check(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct ext_check *c = ctx;
	uint8_t *buf = malloc(len);

	assert_int_equal(file_off, c->next);
	assert_int_equal(vol_read(c->vol, vol_off, len, buf), 0);
	assert_memory_equal(buf, c->want + file_off, len);
	free(buf);
	c->next += len;
	c->n++;
	return 0;
}

static int ext_stop(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	return E_IO;
}

static void test_fragmented(void **state)
{
	struct mnt m;
	struct fs_file *f;
	size_t len;
	uint8_t *want = td_slurp("files/frag/frag.bin", &len), *got = malloc(len);
	uint64_t runs = td_expect_u("frag.runs");

	mnt_open(&m, "frag.img", 0);
	check_file(m.fs, "/f02", "files/frag/f02");
	check_file(m.fs, "/F10", "files/frag/f10");
	expect_open_error(m.fs, "/f01", E_NOENT); /* deleted */
	assert_int_equal(fs_open(m.fs, "/frag.bin", &f), 0);
	assert_int_equal(fs_read(f, 0, len, got), 0);
	assert_memory_equal(got, want, len);
	/* With the runs known, one call per run (mshowfat's count) plus the bounced last block. */
	uint64_t c0 = m.dev.read_calls;
	assert_int_equal(fs_read(f, 0, len, got), 0);
	assert_int_equal(m.dev.read_calls - c0, runs + (len % 512 != 0));
	assert_true(runs >= 3);
	for (uint64_t off = 0; off < len; off += 997) {
		uint64_t n = MIN((uint64_t)len - off, 3001);
		memset(got, 0, n);
		assert_int_equal(fs_read(f, off, n, got), 0);
		if (memcmp(got, want + off, n))
			fail_msg("frag.bin at %llu+%llu differs", (unsigned long long)off,
				 (unsigned long long)n);
	}
	/* fs_extents: one piece per run, tiling the file; a partial range; errors pass through. */
	struct ext_check c = {m.fs->vol, want, 0, 0};
	assert_int_equal(fs_extents(f, 0, len, ext_check, &c), 0);
	assert_int_equal(c.next, len);
	assert_int_equal(c.n, runs);
	c = (struct ext_check){m.fs->vol, want, 1000, 0};
	assert_int_equal(fs_extents(f, 1000, len - 2000, ext_check, &c), 0);
	assert_int_equal(c.next, len - 1000);
	assert_int_equal(fs_extents(f, 0, len, ext_stop, NULL), E_IO);
	assert_int_equal(fs_extents(f, 1, len, ext_check, &c), E_RANGE);
	fs_close(f);
	mnt_close(&m);
	free(got);
	free(want);
}

static void expect_read_error(struct fs *fs, const char *path, int code, const char *msg)
{
	struct fs_file *f;
	uint8_t *buf;

	if (fs_open(fs, path, &f))
		fail_msg("open %s: %s", path, err_msg());
	buf = malloc(f->size);
	for (int i = 0; i < 2; i++) { /* a failed map is not kept: the second read fails alike */
		int r = fs_read(f, 0, f->size, buf);
		if (r != code || !strstr(err_msg(), msg))
			fail_msg("%s: got %d '%s', wanted %d '...%s...'", path, r, err_msg(), code,
				 msg);
	}
	fs_close(f);
	free(buf);
}

/* Broken chains are E_CORRUPT with a message, and never hang (the alarm would kill the test). */
static void test_corrupt_chains(void **state)
{
	struct mnt m;

	alarm(20);
	mnt_open(&m, "corrupt16.img", 0);
	check_file(m.fs, "/ok.bin", "files/corrupt16/ok.bin");
	expect_read_error(m.fs, "/cycle.bin", E_CORRUPT, "loops back");
	expect_read_error(m.fs, "/midcycle.bin", E_CORRUPT, "loops back");
	expect_read_error(m.fs, "/oor.bin", E_CORRUPT, "out of range");
	expect_read_error(m.fs, "/short.bin", E_CORRUPT, "has 4 clusters, the file needs 16");
	expect_read_error(m.fs, "/free.bin", E_CORRUPT, "free");
	expect_open_error(m.fs, "/loopdir/entry number 01.txt", E_CORRUPT);
	expect_open_error(m.fs, "/loopdir/not there", E_CORRUPT);
	assert_non_null(strstr(err_msg(), "loops back"));
	mnt_close(&m);

	mnt_open(&m, "corrupt12.img", 0);
	check_file(m.fs, "/ok.bin", "files/corrupt12/ok.bin");
	expect_read_error(m.fs, "/cycle.bin", E_CORRUPT, "loops back");
	expect_read_error(m.fs, "/oor.bin", E_CORRUPT, "out of range");
	mnt_close(&m);

	mnt_open(&m, "corrupt32.img", 0);
	check_file(m.fs, "/ok.bin", "files/corrupt32/ok.bin");
	expect_read_error(m.fs, "/cycle.bin", E_CORRUPT, "loops back");
	expect_read_error(m.fs, "/oor.bin", E_CORRUPT, "out of range");
	mnt_close(&m);
	alarm(0);
}

/* --- in-memory copies of sf12.img, patched --- */

struct memfat {
	struct memdisk md;
	struct volume v;
	uint8_t *mem;
	size_t len;
};

static void memfat_load(struct memfat *mf)
{
	mf->mem = td_slurp("sf12.img", &mf->len);
	md_init(&mf->md, mf->mem, mf->len, 512);
	memset(&mf->v, 0, sizeof(mf->v));
	mf->v.dev = &mf->md.dev;
	mf->v.blocks = mf->md.dev.num_blocks;
	strcpy(mf->v.name, "md0");
}

static int memfat_mount(struct memfat *mf, struct fs **fs)
{
	meta_cache_drop(&mf->md.dev); /* the bytes changed under the cache */
	return fs_mount(&mf->v, fs);
}

static void test_bpb_checks(void **state)
{
	struct memfat mf;
	struct fs *fs;
	static const struct {
		int off, size;
		uint32_t val;
		int code;
	} c[] = {
	    {0, 1, 0x00, E_FORMAT},   /* no jump */
	    {11, 2, 300, E_FORMAT},   /* bytes per sector not a power of two */
	    {11, 2, 256, E_FORMAT},   /* too small */
	    {11, 2, 8192, E_FORMAT},  /* too large */
	    {13, 1, 3, E_FORMAT},     /* sectors per cluster */
	    {13, 1, 0, E_FORMAT},     /* no sectors per cluster */
	    {14, 2, 0, E_FORMAT},     /* no reserved sectors */
	    {16, 1, 0, E_FORMAT},     /* no FATs */
	    {17, 2, 0, E_FORMAT},     /* FAT12 without root entries */
	    {21, 1, 0x12, E_FORMAT},  /* media */
	    {22, 2, 5000, E_FORMAT},  /* FATs larger than the volume: no data area */
	    {19, 2, 2881, E_CORRUPT}, /* more sectors than the volume */
	};

	memfat_load(&mf);
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	assert_string_equal(fs->label, "FLOPPY");
	fs_unmount(fs);
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		uint8_t save[4];
		memcpy(save, mf.mem + c[i].off, 4);
		if (c[i].size == 1)
			mf.mem[c[i].off] = (uint8_t)c[i].val;
		else
			put16(mf.mem + c[i].off, (uint16_t)c[i].val);
		fs = (struct fs *)1;
		int r = memfat_mount(&mf, &fs);
		if (r != c[i].code)
			fail_msg("case %zu: got %d (%s), wanted %d", i, r, err_msg(), c[i].code);
		assert_null(fs);
		memcpy(mf.mem + c[i].off, save, 4);
	}
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	fs_unmount(fs);
	/* Zeros, and a volume too small to hold a boot sector. */
	memset(mf.mem, 0, 512);
	assert_int_equal(memfat_mount(&mf, &fs), E_FORMAT);
	assert_non_null(strstr(err_msg(), "no filesystem"));
	mf.v.blocks = 0;
	assert_int_equal(memfat_mount(&mf, &fs), E_FORMAT);
	meta_cache_drop(&mf.md.dev);
	free(mf.mem);
}

/* Long-name entries whose checksum does not match their 8.3 entry are ignored (section 7.2). */
static void test_lfn_checksum(void **state)
{
	struct memfat mf;
	struct fs *fs;
	struct fs_file *f;
	char alias[16];
	int n = 0;

	memfat_load(&mf);
	uint32_t bps = get16(mf.mem + 11), rsvd = get16(mf.mem + 14), fatsz = get16(mf.mem + 22);
	uint8_t *root = mf.mem + (rsvd + mf.mem[16] * fatsz) * bps;
	uint8_t *lfn[20];
	int nl = 0;
	for (uint8_t *e = root; e[0]; e += 32) {
		if (e[11] == 0x0f) {
			lfn[nl++] = e;
			continue;
		}
		if (nl) { /* the 8.3 entry after the long name: its alias */
			for (int i = 0; i < 8 && e[i] != ' '; i++)
				alias[n++] = (char)e[i];
			alias[n++] = '.';
			for (int i = 8; i < 11 && e[i] != ' '; i++)
				alias[n++] = (char)e[i];
			alias[n] = 0;
			break;
		}
	}
	assert_true(nl >= 2 && n > 0);

	char apath[20];
	snprintf(apath, sizeof(apath), "/%s", alias);
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	assert_int_equal(fs_open(fs, "/A Long Name.txt", &f), 0);
	fs_close(f);
	fs_unmount(fs);

	for (int i = 0; i < nl; i++)
		lfn[i][13] ^= 0x01;
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	expect_open_error(fs, "/A Long Name.txt", E_NOENT);
	assert_int_equal(fs_open(fs, apath, &f), 0); /* the 8.3 name still works */
	assert_int_equal(f->size, strlen("found by its long name\n"));
	fs_close(f);
	fs_unmount(fs);
	for (int i = 0; i < nl; i++)
		lfn[i][13] ^= 0x01;

	/* A sequence with a part missing is ignored too. */
	lfn[nl - 1][0] = 0xe5;
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	expect_open_error(fs, "/A Long Name.txt", E_NOENT);
	fs_unmount(fs);
	meta_cache_drop(&mf.md.dev);
	free(mf.mem);
}

/* The label comes from the root directory's volume-ID entry only, as blkid reads it. */
static void test_label_source(void **state)
{
	struct memfat mf;
	struct fs *fs;

	memfat_load(&mf);
	uint32_t bps = get16(mf.mem + 11), rsvd = get16(mf.mem + 14), fatsz = get16(mf.mem + 22);
	uint8_t *e = mf.mem + (rsvd + mf.mem[16] * fatsz) * bps;
	while (e[0] && e[11] != 0x08)
		e += 32;
	assert_int_equal(e[0], 'F');
	assert_memory_equal(mf.mem + 43, "FLOPPY     ", 11); /* the BPB's copy */
	memcpy(e, "DIR LABEL  ", 11);
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	assert_string_equal(fs->label, "DIR LABEL");
	fs_unmount(fs);
	e[0] = 0xe5; /* removed */
	assert_int_equal(memfat_mount(&mf, &fs), 0);
	assert_string_equal(fs->label, "");
	assert_string_equal(fs->uuid, "F123-4567");
	fs_unmount(fs);
	meta_cache_drop(&mf.md.dev);
	free(mf.mem);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_label_uuid),
		cmocka_unit_test(test_unformatted),
		cmocka_unit_test(test_esp_lookup),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_big_file),
		cmocka_unit_test(test_256mib_reads),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_odd_reads),
		cmocka_unit_test(test_read_all),
		cmocka_unit_test(test_mbr_fat16_fat12),
		cmocka_unit_test(test_superfloppy_files),
		cmocka_unit_test(test_two_volumes),
		cmocka_unit_test(test_fragmented),
		cmocka_unit_test(test_corrupt_chains),
		cmocka_unit_test(test_bpb_checks),
		cmocka_unit_test(test_lfn_checksum),
		cmocka_unit_test(test_label_source),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
