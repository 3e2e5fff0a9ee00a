/* test_fswalk.c: unit tests of fs.c itself: the path walk, symlinks and the extent-merging reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fs.h"
#include "testdev.h"

/*
 * A tiny filesystem described by a table, so that fs.c's own logic is tested apart from any real
 * driver: each node has a parent, a type, a symlink target or a list of extents.
 */
struct piece {
	uint64_t file_off, vol_off, len;
};

struct node {
	const char *name;
	int parent; /* index; the root (0) is its own parent */
	enum fs_ftype type;
	const char *target;
	uint64_t size;
	const struct piece *pieces;
	int n_pieces;
};

static const struct piece contiguous[] = {{0, 8192, 4096}, {4096, 12288, 4096}, {8192, 16384, 100}};
static const struct piece holey[] = {{0, 8192, 1000}, {1000, FS_HOLE, 3000}, {4000, 9192, 96}};
static const struct piece gap[] = {{0, 8192, 1000}, {1500, 9192, 500}};
static const struct piece overrun[] = {{0, 8192, 1000}, {1000, 9192, 5000}};

static const struct node nodes[] = {
    {"", 0, FS_DIR, NULL, 0, NULL, 0},			/* 0: / */
    {"a", 0, FS_DIR, NULL, 0, NULL, 0},			/* 1: /a */
    {"b", 1, FS_DIR, NULL, 0, NULL, 0},			/* 2: /a/b */
    {"f", 2, FS_FILE, NULL, 8292, contiguous, 3},	/* 3: /a/b/f */
    {"rel", 1, FS_SYMLINK, "b/f", 0, NULL, 0},		/* 4: /a/rel */
    {"abs", 0, FS_SYMLINK, "/a/b/f", 0, NULL, 0},	/* 5: /abs */
    {"dirlink", 0, FS_SYMLINK, "a/b", 0, NULL, 0},	/* 6: /dirlink */
    {"loop1", 0, FS_SYMLINK, "loop2", 0, NULL, 0},	/* 7 */
    {"loop2", 0, FS_SYMLINK, "/loop1", 0, NULL, 0},	/* 8 */
    {"dangling", 0, FS_SYMLINK, "nowhere", 0, NULL, 0}, /* 9 */
    {"holey", 0, FS_FILE, NULL, 4096, holey, 3},	/* 10 */
    {"gap", 0, FS_FILE, NULL, 2000, gap, 2},		/* 11 */
    {"overrun", 0, FS_FILE, NULL, 2000, overrun, 2},	/* 12 */
    {"up", 2, FS_SYMLINK, "../../a/./b/f", 0, NULL, 0}, /* 13: /a/b/up */
    {"empty", 0, FS_SYMLINK, "", 0, NULL, 0},		/* 14 */
    {"dev", 0, FS_OTHER, NULL, 0, NULL, 0},		/* 15 */
    {"over", 0, FS_SYMLINK, "chain0", 0, NULL, 0},	/* 16: 41 links to /a/b/f */
};

/* chainN -> chain(N+1) for N < 39; chain39 -> /a/b/f: 40 links, the most a path may take. */
#define CHAIN 40

struct tfile {
	struct fs_file f;
	int node; /* index in nodes[], or 1000 + N for chainN */
};

static struct tfile *tnew(int node)
{
	struct tfile *t = calloc(1, sizeof(*t));

	t->node = node;
	if (node >= 1000) {
		char b[16];
		t->f.type = FS_SYMLINK;
		t->f.size = node == 1000 + CHAIN - 1
				? 6
				: (uint64_t)snprintf(b, sizeof(b), "chain%d", node - 1000 + 1);
	} else {
		t->f.type = nodes[node].type;
		t->f.size = nodes[node].target ? strlen(nodes[node].target) : nodes[node].size;
	}
	t->f.ino = (uint64_t)node;
	return t;
}

static int opened; /* files open now: every walk must close what it opened */

static int t_root(struct fs *fs, struct fs_file **out)
{
	opened++;
	*out = &tnew(0)->f;
	return 0;
}

static int t_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	int d = ((struct tfile *)dir)->node;

	if (d == 0 && !strncmp(name, "chain", 5) && atoi(name + 5) < CHAIN) {
		opened++;
		*out = &tnew(1000 + atoi(name + 5))->f;
		return 0;
	}
	for (size_t i = 1; i < ARRAY_SIZE(nodes); i++)
		if (nodes[i].parent == d && !strcmp(nodes[i].name, name)) {
			opened++;
			*out = &tnew((int)i)->f;
			return 0;
		}
	return E_NOENT;
}

static int t_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	int d = ((struct tfile *)dir)->node;

	for (size_t i = 1; i < ARRAY_SIZE(nodes); i++)
		if (nodes[i].parent == d && fn(ctx, nodes[i].name, nodes[i].type))
			break;
	return 0;
}

static int t_readlink(struct fs_file *f, char *buf, size_t size)
{
	int n = ((struct tfile *)f)->node;

	if (n >= 1000 + CHAIN - 1)
		snprintf(buf, size, "/a/b/f");
	else if (n >= 1000)
		snprintf(buf, size, "chain%d", n - 1000 + 1);
	else
		snprintf(buf, size, "%s", nodes[n].target);
	return 0;
}

static int t_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	const struct node *n = &nodes[((struct tfile *)f)->node];

	/* Pieces clipped to [off, off+len), as drivers must; "overrun" breaks that rule. */
	for (int i = 0; i < n->n_pieces; i++) {
		const struct piece *p = &n->pieces[i];
		if (p->file_off + p->len <= off || p->file_off >= off + len)
			continue;
		uint64_t a = MAX(p->file_off, off), b = MIN(p->file_off + p->len, off + len);
		if (n == &nodes[12])
			b = p->file_off + p->len;
		int r = fn(ctx, a, p->vol_off == FS_HOLE ? FS_HOLE : p->vol_off + (a - p->file_off),
			   b - a);
		if (r)
			return r;
	}
	return 0;
}

static void t_close(struct fs_file *f)
{
	opened--;
	free(f);
}

static const struct fs_driver tdrv = {
    .name = "table",
    .root = t_root,
    .lookup = t_lookup,
    .readdir = t_readdir,
    .readlink = t_readlink,
    .extents = t_extents,
    .close = t_close,
};

struct env {
	uint8_t mem[32768];
	struct memdisk md;
	struct volume v;
	struct fs fs;
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	for (size_t i = 0; i < sizeof(e->mem); i++)
		e->mem[i] = (uint8_t)(i * 7 + i / 251);
	md_init(&e->md, e->mem, sizeof(e->mem), 512);
	e->v.dev = &e->md.dev;
	e->v.blocks = e->md.dev.num_blocks;
	strcpy(e->v.name, "md0");
	e->fs.drv = &tdrv;
	e->fs.vol = &e->v;
	return e;
}

/* Opens path and returns the node it reached, or the error. */
static int walk(struct env *e, const char *path, int flags)
{
	struct fs_file *f;
	int r = fs_open_flags(&e->fs, path, flags, &f);

	if (r) {
		assert_null(f);
		assert_int_equal(opened, 0);
		return r;
	}
	int n = ((struct tfile *)f)->node;
	fs_close(f);
	assert_int_equal(opened, 0);
	return n;
}

static void test_walk(void **state)
{
	struct env *e = env_new();

	assert_int_equal(walk(e, "/", 0), 0);
	assert_int_equal(walk(e, "//a///b/", 0), 2);
	assert_int_equal(walk(e, "/a/./b/../b/f", 0), 3);
	assert_int_equal(walk(e, "/../..", 0), 0); /* the root's parent is the root */
	assert_int_equal(walk(e, "/a/b/f/", 0), 3);
	assert_int_equal(walk(e, "/a/b/f/x", 0), E_NOENT);
	assert_non_null(strstr(err_msg(), "not a directory"));
	assert_int_equal(walk(e, "/a/nope", 0), E_NOENT);
	assert_non_null(strstr(err_msg(), "no such file"));
	assert_int_equal(walk(e, "a/b", 0), E_INVAL);
	char *longp = malloc(5000);
	memset(longp, '/', 4999);
	longp[4999] = 0;
	assert_int_equal(walk(e, longp, 0), E_RANGE);
	free(longp);
	free(e);
}

static void test_symlinks(void **state)
{
	struct env *e = env_new();

	assert_int_equal(walk(e, "/a/rel", 0), 3);
	assert_int_equal(walk(e, "/a/rel", FS_NOFOLLOW), 4);
	assert_int_equal(walk(e, "/abs", 0), 3);
	assert_int_equal(walk(e, "/dirlink/f", FS_NOFOLLOW), 3); /* not final: followed */
	assert_int_equal(walk(e, "/dirlink", 0), 2);
	assert_int_equal(walk(e, "/dirlink/", FS_NOFOLLOW), 2); /* a trailing slash follows */
	/* ".." after a symlinked directory is the target's parent, as in the kernel. */
	assert_int_equal(walk(e, "/dirlink/../b/f", 0), 3);
	assert_int_equal(walk(e, "/a/b/up", 0), 3);
	assert_int_equal(walk(e, "/loop1", 0), E_RANGE);
	assert_non_null(strstr(err_msg(), "symbolic links"));
	assert_int_equal(walk(e, "/dangling", 0), E_NOENT);
	assert_int_equal(walk(e, "/dangling", FS_NOFOLLOW), 9);
	assert_int_equal(walk(e, "/empty", 0), E_CORRUPT);
	assert_int_equal(walk(e, "/chain0", 0), 3); /* exactly FS_SYMLINK_MAX links */
	assert_int_equal(walk(e, "/chain1", 0), 3);
	assert_int_equal(walk(e, "/over", 0), E_RANGE); /* one more */
	free(e);
}

static void test_read_merges(void **state)
{
	struct env *e = env_new();
	struct fs_file *f;
	uint8_t buf[8292];

	assert_int_equal(fs_open(&e->fs, "/a/b/f", &f), 0);
	uint64_t c0 = e->md.dev.read_calls;
	assert_int_equal(fs_read(f, 0, 8292, buf), 0);
	assert_int_equal(e->md.dev.read_calls - c0, 2); /* 16 whole blocks, then one bounced tail */
	assert_memory_equal(buf, e->mem + 8192, 8292);
	assert_int_equal(fs_read(f, 100, 5000, buf), 0);
	assert_memory_equal(buf, e->mem + 8292, 5000);
	assert_int_equal(fs_read(f, 8292, 1, buf), E_RANGE);
	fs_close(f);

	/* Holes read as zeros, whatever the buffer held. */
	assert_int_equal(fs_open(&e->fs, "/holey", &f), 0);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(fs_read(f, 0, 4096, buf), 0);
	assert_memory_equal(buf, e->mem + 8192, 1000);
	for (int i = 1000; i < 4000; i++)
		assert_int_equal(buf[i], 0);
	assert_memory_equal(buf + 4000, e->mem + 9192, 96);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(fs_read(f, 1500, 100, buf), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf[i], 0);
	fs_close(f);
	assert_int_equal(opened, 0);
	free(e);
}

/* A driver's map that skips bytes or runs past the file is caught, not followed. */
static void test_read_bad_extents(void **state)
{
	struct env *e = env_new();
	struct fs_file *f;
	uint8_t buf[2000];

	assert_int_equal(fs_open(&e->fs, "/gap", &f), 0);
	assert_int_equal(fs_read(f, 0, 2000, buf), E_CORRUPT);
	fs_close(f);
	assert_int_equal(fs_open(&e->fs, "/overrun", &f), 0);
	assert_int_equal(fs_read(f, 0, 2000, buf), E_CORRUPT);
	fs_close(f);
	free(e);
}

static int count_fn(void *ctx, const char *name, enum fs_ftype type)
{
	(*(int *)ctx)++;
	return 0;
}

static void test_types(void **state)
{
	struct env *e = env_new();
	struct fs_file *f;
	char link[8];
	int n = 0;

	assert_int_equal(fs_open(&e->fs, "/a", &f), 0);
	assert_int_equal(fs_read(f, 0, 0, link), E_INVAL);
	assert_int_equal(fs_readlink(f, link, sizeof(link)), E_INVAL);
	assert_int_equal(fs_readdir(f, count_fn, &n), 0);
	assert_int_equal(n, 2);
	fs_close(f);
	assert_int_equal(fs_open_flags(&e->fs, "/abs", FS_NOFOLLOW, &f), 0);
	assert_int_equal(fs_readlink(f, link, 6), E_RANGE); /* "/a/b/f" needs 7 bytes */
	assert_int_equal(fs_readlink(f, link, 7), 0);
	assert_string_equal(link, "/a/b/f");
	assert_int_equal(fs_readdir(f, count_fn, &n), E_INVAL);
	fs_close(f);
	assert_int_equal(fs_open(&e->fs, "/dev", &f), 0);
	assert_int_equal(f->type, FS_OTHER);
	assert_int_equal(fs_read(f, 0, 0, link), E_INVAL);
	fs_close(f);
	char *data;
	size_t len;
	assert_int_equal(fs_read_all(&e->fs, "/a", &data, &len, 100), E_INVAL);
	assert_int_equal(fs_read_all(&e->fs, "/a/rel", &data, &len, 100000), 0);
	assert_int_equal(len, 8292);
	mem_free(data);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walk),	cmocka_unit_test(test_symlinks),
	    cmocka_unit_test(test_read_merges), cmocka_unit_test(test_read_bad_extents),
	    cmocka_unit_test(test_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
