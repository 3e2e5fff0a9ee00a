/* test_state.c: unit tests of the state file (config/state.c, statefile.c) and fs_rewrite. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#include "fs.h"
#include "part.h"
#include "state.h"
#include "testdev.h"

/* --- the format --- */

static uint8_t file[STATE_FILE_SIZE];

static void reseal(uint8_t *slot)
{
	memset(slot + 24, 0, 4);
	put32(slot + 24, (uint32_t)crc32(0, slot, STATE_SLOT_SIZE));
}

static void set_names(struct state *st, const char *saved, const char *oneshot)
{
	strcpy(st->saved, saved);
	strcpy(st->oneshot, oneshot);
}

/* No 512-byte block all zeros: no filesystem tool makes a hole of it. */
static bool no_zero_block(const uint8_t *f)
{
	static const uint8_t zero[512];

	for (size_t i = 0; i < STATE_FILE_SIZE; i += 512)
		if (!memcmp(f + i, zero, 512))
			return false;
	return true;
}

static void test_init(void **unused)
{
	struct state st;

	state_init(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	assert_int_equal(st.seq, 1);
	assert_int_equal(st.slot, 0);
	assert_string_equal(st.saved, "");
	assert_string_equal(st.oneshot, "");
	assert_memory_equal(file, "BTNSTATE", 8);
	for (size_t i = STATE_SLOT_SIZE; i < STATE_FILE_SIZE; i++)
		assert_int_equal(file[i], 0xff); /* slot 1: not a valid copy */
	assert_true(no_zero_block(file));
}

/* Each write goes to the other slot with the next sequence number; only that slot changes. */
static void test_roundtrip(void **unused)
{
	struct state st, got;
	uint8_t before[STATE_FILE_SIZE];

	state_init(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "entry %d", i);
		memcpy(before, file, sizeof(file));
		set_names(&st, name, i & 1 ? "Débian ✓" : "");
		int old = st.slot;
		int slot = state_build(file, &st);
		assert_int_equal(slot, 1 - old);
		assert_int_equal(st.slot, slot);
		assert_int_equal(st.seq, (uint64_t)i + 2);
		/* The slot not written is byte for byte as it was. */
		assert_memory_equal(file + old * STATE_SLOT_SIZE, before + old * STATE_SLOT_SIZE,
				    STATE_SLOT_SIZE);
		assert_int_equal(state_parse(file, sizeof(file), &got), 0);
		assert_int_equal(got.seq, st.seq);
		assert_int_equal(got.slot, slot);
		assert_string_equal(got.saved, name);
		assert_string_equal(got.oneshot, i & 1 ? "Débian ✓" : "");
		assert_true(no_zero_block(file));
	}
}

/* A write torn anywhere inside the new slot leaves the old state readable. */
static void test_torn(void **unused)
{
	struct state st, got;
	uint8_t old[STATE_FILE_SIZE], new[STATE_FILE_SIZE];

	state_init(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	set_names(&st, "first", "");
	state_build(file, &st); /* slot 1, seq 2 */
	memcpy(old, file, sizeof(file));
	set_names(&st, "second", "once");
	assert_int_equal(state_build(file, &st), 0); /* slot 0, seq 3 */
	memcpy(new, file, sizeof(file));
	/*
	 * Sector by sector (512 bytes), as a disk tears a write, in either order: the result is
	 * one state or the other, never a mix. Only sector 0 holds the names, the sequence number
	 * and the CRC, so a tear that left it old reads as the old state.
	 */
	for (int k = 1; k < 4; k++) {
		memcpy(file, old, sizeof(file));
		memcpy(file, new, (size_t)k * 512); /* the first k sectors landed */
		assert_int_equal(state_parse(file, sizeof(file), &got), 0);
		assert_int_equal(got.slot, 0);
		assert_string_equal(got.saved, "second");
		memcpy(file, new, sizeof(file));
		memcpy(file, old, (size_t)k * 512); /* the last 4 - k sectors landed */
		assert_int_equal(state_parse(file, sizeof(file), &got), 0);
		assert_int_equal(got.slot, 1);
		assert_int_equal(got.seq, 2);
		assert_string_equal(got.saved, "first");
		assert_string_equal(got.oneshot, "");
	}
	/* All four: the new state. */
	memcpy(file, new, sizeof(file));
	assert_int_equal(state_parse(file, sizeof(file), &got), 0);
	assert_string_equal(got.saved, "second");
	assert_string_equal(got.oneshot, "once");
	/* A single flipped bit anywhere in the new slot: the old one again. */
	for (size_t bit = 0; bit < STATE_SLOT_SIZE * 8; bit += 97) {
		memcpy(file, new, sizeof(file));
		file[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_int_equal(state_parse(file, sizeof(file), &got), 0);
		assert_int_equal(got.seq, 2);
	}
}

static void test_corrupt(void **unused)
{
	struct state st;

	memset(file, 0, sizeof(file));
	assert_int_equal(state_parse(file, sizeof(file), &st), E_CORRUPT);
	assert_int_equal(st.slot, -1);
	assert_non_null(strstr(err_msg(), "no valid copy"));
	state_init(file);
	file[100] ^= 1;
	assert_int_equal(state_parse(file, sizeof(file), &st), E_CORRUPT);
	assert_non_null(strstr(err_msg(), "slot 0: bad CRC, slot 1: no magic"));
	memset(file, 0xff, sizeof(file));
	assert_int_equal(state_parse(file, sizeof(file), &st), E_CORRUPT);
}

static void test_short(void **unused)
{
	struct state st;

	state_init(file);
	assert_int_equal(state_parse(file, STATE_FILE_SIZE - 1, &st), E_RANGE);
	assert_string_equal(err_msg(), "it is 4095 bytes, not 4096");
	assert_int_equal(state_parse(file, 0, &st), E_RANGE);
	assert_int_equal(state_parse(file, STATE_SLOT_SIZE, &st), E_RANGE);
}

/* A slot from a newer format, CRC and all: the file is not ours to read or write. */
static void test_newer_version(void **unused)
{
	struct state st;

	state_init(file);
	set_names(&st, "x", "");
	st.seq = 1, st.slot = 0;
	state_build(file, &st); /* slot 1, seq 2: a valid version 1 slot */
	put32(file + 8, 2);
	reseal(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), E_UNSUPP);
	assert_string_equal(err_msg(),
			    "it was written by a newer baton (format 2; this one reads 1)");
	/* An older version number is just a bad slot. */
	put32(file + 8, 0);
	reseal(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	assert_int_equal(st.slot, 1);
}

/* Fields a writer never makes are refused even with a good CRC. */
static void test_bad_fields(void **unused)
{
	struct state st;
	uint8_t good[STATE_FILE_SIZE];

	state_init(good);
	struct {
		size_t off;
		uint8_t val;
	} cases[] = {
	    {32 + 255, 'x'}, /* saved: no room for its NUL (with 'a's before) */
	    {32 + 100, 'x'}, /* a byte after the NUL */
	    {288 + 3, 'x'},  /* the same in the one-shot field */
	    {12, 1},	     /* flags */
	    {600, 1},	     /* the reserved tail is free for later versions... */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(file, good, sizeof(file));
		if (i == 0)
			memset(file + 32, 'a', 255);
		file[cases[i].off] = cases[i].val;
		reseal(file);
		int r = state_parse(file, sizeof(file), &st);
		if (cases[i].off == 600) {
			assert_int_equal(r, 0); /* ...and covered by the CRC only */
			continue;
		}
		assert_int_equal(r, E_CORRUPT);
	}
	/* A control character in a name; sequence number 0. */
	memcpy(file, good, sizeof(file));
	memcpy(file + 32, "a\nb", 3);
	reseal(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), E_CORRUPT);
	memcpy(file, good, sizeof(file));
	put64(file + 16, 0);
	reseal(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), E_CORRUPT);
}

/* Both valid: the higher sequence number, in either slot; equal ones: slot 0. */
static void test_sequence_order(void **unused)
{
	struct state st;

	memset(file, 0, sizeof(file));
	for (int s = 0; s < 2; s++) {
		memcpy(file + s * STATE_SLOT_SIZE, "BTNSTATE", 8);
		put32(file + s * STATE_SLOT_SIZE + 8, 1);
		snprintf((char *)file + s * STATE_SLOT_SIZE + 32, 8, "slot%d", s);
	}
	put64(file + 16, 5);
	put64(file + STATE_SLOT_SIZE + 16, 4);
	reseal(file), reseal(file + STATE_SLOT_SIZE);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	assert_string_equal(st.saved, "slot0");
	put64(file + STATE_SLOT_SIZE + 16, 1ull << 40);
	reseal(file + STATE_SLOT_SIZE);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	assert_string_equal(st.saved, "slot1");
	assert_int_equal(st.seq, 1ull << 40);
	put64(file + STATE_SLOT_SIZE + 16, 5);
	reseal(file + STATE_SLOT_SIZE);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	assert_string_equal(st.saved, "slot0");
}

static void test_names(void **unused)
{
	char n[300];
	struct state st;

	memset(n, 'a', sizeof(n));
	n[255] = 0;
	assert_true(state_name_ok(n));
	n[255] = 'a', n[256] = 0;
	assert_false(state_name_ok(n));
	assert_true(state_name_ok(""));
	assert_true(state_name_ok("Debian GNU/Linux (6.1) é"));
	assert_false(state_name_ok("a\tb"));
	assert_false(state_name_ok("a\x7f"));
	state_init(file);
	assert_int_equal(state_parse(file, sizeof(file), &st), 0);
	set_names(&st, "ok", "bad\001");
	uint8_t before[STATE_FILE_SIZE];
	memcpy(before, file, sizeof(file));
	assert_int_equal(state_build(file, &st), E_INVAL);
	assert_memory_equal(file, before, sizeof(file)); /* nothing changed */
	assert_int_equal(st.seq, 1);
}

/* --- the file on a filesystem, rewritten in place --- */

struct wdisk {
	struct memdisk md;
	size_t bytes;
	int writes;
	bool tear; /* the next write stops after tear_after blocks, with an error */
	int tear_after;
	bool torn;
};

static int wd_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	struct wdisk *w = (struct wdisk *)dev;
	uint64_t n = count;
	bool cut = w->tear && (uint64_t)w->tear_after < count;

	w->writes++;
	if (cut)
		n = (uint64_t)w->tear_after;
	memcpy(w->md.mem + lba * dev->block_size, buf, (size_t)(n * dev->block_size));
	if (cut) {
		w->torn = true;
		w->tear = false;
		return err_set(E_IO, "%s: injected power cut after %llu blocks", dev->name,
			       (unsigned long long)n);
	}
	return 0;
}

static char tmpdir[64];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		fail_msg("failed: %s", cmd);
}

static int setup_dir(void **unused)
{
	strcpy(tmpdir, "/tmp/baton-state-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	state_init(file);
	FILE *f = fopen("/tmp/baton-state-init", "wb");
	fwrite(file, 1, sizeof(file), f);
	fclose(f);
	return 0;
}

static int teardown_dir(void **unused)
{
	sh("rm -rf %s /tmp/baton-state-init", tmpdir);
	return 0;
}

static uint8_t *load_img(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(*len);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static void save_img(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
}

struct wmnt {
	struct wdisk w;
	struct volume v[4];
	struct fs *fs;
	uint8_t *orig;
};

static void wmnt_open(struct wmnt *m, const char *img, uint32_t bs)
{
	size_t len;

	memset(m, 0, sizeof(*m));
	uint8_t *mem = load_img(img, &len);
	m->orig = malloc(len);
	memcpy(m->orig, mem, len);
	md_init(&m->w.md, mem, len, bs);
	m->w.md.dev.write = wd_write;
	m->w.bytes = len;
	assert_true(part_scan(&m->w.md.dev, m->v, 4) >= 1);
	if (fs_mount(&m->v[0], &m->fs))
		fail_msg("%s: %s", img, err_msg());
}

static void wmnt_close(struct wmnt *m)
{
	fs_unmount(m->fs);
	meta_cache_drop(&m->w.md.dev);
	free(m->w.md.mem);
	free(m->orig);
}

/* The bytes the file's extents cover, marked in a map of the image. */
static int mark(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	uint8_t *map = ctx;
	memset(map + vol_off, 1, len);
	return 0;
}

static int count_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	(*(int *)ctx)++;
	return 0;
}

/* Every byte outside the state file's sectors is what it was. */
static void check_outside(struct wmnt *m, const char *path)
{
	struct fs_file *f;
	uint8_t *map = calloc(1, m->w.bytes);

	assert_int_equal(fs_open(m->fs, path, &f), 0);
	assert_int_equal(
	    fs_extents(f, 0, f->size, mark, map + m->v[0].start * m->w.md.dev.block_size), 0);
	fs_close(f);
	for (size_t i = 0; i < m->w.bytes; i++)
		if (!map[i] && m->w.md.mem[i] != m->orig[i])
			fail_msg("byte %zu outside the state file changed", i);
	free(map);
}

/* The writes of a series of state changes, read back through baton and through mtools/fsck. */
static void rewrite_series(struct wmnt *m, const char *path)
{
	uint8_t buf[STATE_FILE_SIZE];
	struct state st;

	assert_int_equal(state_read(m->fs, path, buf, &st), 0);
	assert_int_equal(st.seq, 1);
	for (int i = 0; i < 6; i++) {
		char name[40];
		snprintf(name, sizeof(name), "saved %d", i);
		set_names(&st, name, i == 2 ? "once" : "");
		int writes = m->w.writes;
		if (state_write(m->fs, path, buf, &st))
			fail_msg("write %d: %s", i, err_msg());
		assert_true(m->w.writes > writes);
		assert_int_equal(st.seq, (uint64_t)i + 2);
		struct state got;
		uint8_t again[STATE_FILE_SIZE];
		assert_int_equal(state_read(m->fs, path, again, &got), 0);
		assert_string_equal(got.saved, name);
		assert_string_equal(got.oneshot, i == 2 ? "once" : "");
		check_outside(m, path);
	}
}

static void test_fat_fragmented(void **unused)
{
	char img[128];
	struct wmnt m;
	struct fs_file *f;
	int pieces = 0;

	snprintf(img, sizeof(img), "%s/frag.img", tmpdir);
	sh("cd %s && truncate -s 4M frag.img && mkfs.vfat -s 1 -n STATE frag.img >/dev/null && "
	   "mmd -i frag.img ::/EFI ::/EFI/baton && head -c 512 /dev/urandom >f && "
	   "for i in $(seq 0 15); do mcopy -i frag.img f ::/f$i; done && "
	   "for i in 1 3 5 7 9 11 13 15; do mdel -i frag.img ::/f$i; done && "
	   "mcopy -i frag.img /tmp/baton-state-init ::/EFI/baton/state",
	   tmpdir);
	wmnt_open(&m, img, 512);
	assert_int_equal(fs_open(m.fs, "/EFI/baton/state", &f), 0);
	assert_int_equal(fs_extents(f, 0, f->size, count_piece, &pieces), 0);
	fs_close(f);
	assert_int_equal(pieces, 8); /* one cluster each: the hard case */
	rewrite_series(&m, "/EFI/baton/state");
	save_img(img, m.w.md.mem, m.w.bytes);
	wmnt_close(&m);
	/* What the real tools see: a clean filesystem, the file's last state. */
	sh("fsck.fat -n %s >/dev/null", img);
	sh("cd %s && mcopy -o -i frag.img ::/EFI/baton/state got && "
	   "python3 -c \"import sys; d=open('got','rb').read(); "
	   "sys.exit(0 if len(d)==4096 and b'saved 5' in d else 1)\"",
	   tmpdir);
}

/* On a disk of 4 KiB sectors both slots share one: the whole sector is written. */
static void test_fat_4k_sectors(void **unused)
{
	char img[128];
	struct wmnt m;

	snprintf(img, sizeof(img), "%s/4k.img", tmpdir);
	sh("cd %s && truncate -s 8M 4k.img && mkfs.vfat -S 4096 -s 1 4k.img >/dev/null && "
	   "mmd -i 4k.img ::/EFI ::/EFI/baton && "
	   "mcopy -i 4k.img /tmp/baton-state-init ::/EFI/baton/state",
	   tmpdir);
	wmnt_open(&m, img, 4096);
	rewrite_series(&m, "/EFI/baton/state");
	wmnt_close(&m);
}

static void test_ext4(void **unused)
{
	char img[128];
	struct wmnt m;

	snprintf(img, sizeof(img), "%s/ext.img", tmpdir);
	sh("cd %s && mkdir -p tree/boot/baton && cp /tmp/baton-state-init tree/boot/baton/state && "
	   "truncate -s 8M tree/sparse && mke2fs -q -t ext4 -d tree ext.img 8M",
	   tmpdir);
	wmnt_open(&m, img, 512);
	rewrite_series(&m, "/boot/baton/state");
	/* A file with a hole has no sectors there to rewrite. */
	struct fs_file *f;
	assert_int_equal(fs_open(m.fs, "/sparse", &f), 0);
	uint8_t z[4096] = {0};
	int w = m.w.writes;
	assert_int_equal(fs_rewrite(f, 0, sizeof(z), z), E_UNSUPP);
	assert_string_equal(err_msg(), "the file has a hole (no sectors to rewrite)");
	assert_int_equal(m.w.writes, w);
	assert_int_equal(fs_rewrite(f, 1, 512, z), E_INVAL);
	fs_close(f);
	save_img(img, m.w.md.mem, m.w.bytes);
	wmnt_close(&m);
	sh("e2fsck -fn %s >/dev/null 2>&1", img);
}

/* A read-only disk, a short file, a corrupt one: errors, and nothing written. */
static void test_refusals(void **unused)
{
	char img[128];
	struct wmnt m;
	uint8_t buf[STATE_FILE_SIZE];
	struct state st;

	snprintf(img, sizeof(img), "%s/ref.img", tmpdir);
	sh("cd %s && truncate -s 2M ref.img && mkfs.vfat ref.img >/dev/null && "
	   "head -c 4095 /tmp/baton-state-init >short && head -c 4096 /dev/zero >zero && "
	   "mcopy -i ref.img /tmp/baton-state-init ::/state && mcopy -i ref.img short ::/short && "
	   "mcopy -i ref.img zero ::/zero",
	   tmpdir);
	wmnt_open(&m, img, 512);
	assert_int_equal(state_read(m.fs, "/nope", buf, &st), E_NOENT);
	assert_int_equal(state_read(m.fs, "/short", buf, &st), E_RANGE);
	assert_string_equal(err_msg(), "it is 4095 bytes, not 4096");
	assert_int_equal(state_read(m.fs, "/zero", buf, &st), E_CORRUPT);
	assert_int_equal(state_read(m.fs, "/state", buf, &st), 0);
	m.w.md.dev.write = NULL;
	set_names(&st, "x", "");
	assert_int_equal(state_write(m.fs, "/state", buf, &st), E_UNSUPP);
	assert_string_equal(err_msg(), "md0 is read-only");
	assert_int_equal(st.seq, 1);
	assert_memory_equal(m.w.md.mem, m.orig, m.w.bytes);
	wmnt_close(&m);
}

/*
 * Power lost in the middle of a write: the next read gives the state before it, or the one after
 * once the slot's first sector (names, sequence, CRC: the commit point) landed; the rest of a
 * slot is the same in every state.
 */
static void test_power_cut(void **unused)
{
	char img[128];
	struct wmnt m;
	uint8_t buf[STATE_FILE_SIZE];
	struct state st, got;

	snprintf(img, sizeof(img), "%s/cut.img", tmpdir);
	sh("cd %s && truncate -s 2M cut.img && mkfs.vfat -s 4 cut.img >/dev/null && "
	   "mcopy -i cut.img /tmp/baton-state-init ::/state",
	   tmpdir);
	for (int tear = 0; tear < 4; tear++) {
		wmnt_open(&m, img, 512);
		assert_int_equal(state_read(m.fs, "/state", buf, &st), 0);
		set_names(&st, "before", "");
		assert_int_equal(state_write(m.fs, "/state", buf, &st), 0);
		set_names(&st, "after", "once");
		m.w.tear = true;
		m.w.tear_after = tear;
		assert_int_equal(state_write(m.fs, "/state", buf, &st), E_IO);
		assert_true(m.w.torn);
		assert_string_equal(st.saved, "after"); /* the caller's state is as it was */
		assert_int_equal(st.seq, 2);
		assert_int_equal(state_read(m.fs, "/state", buf, &got), 0);
		assert_string_equal(got.saved, tear ? "after" : "before");
		assert_string_equal(got.oneshot, tear ? "once" : "");
		/* The next write works. */
		set_names(&got, "next", "");
		assert_int_equal(state_write(m.fs, "/state", buf, &got), 0);
		assert_int_equal(state_read(m.fs, "/state", buf, &got), 0);
		assert_string_equal(got.saved, "next");
		wmnt_close(&m);
	}
}

static int first_lba(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	uint64_t *lba = ctx;

	*lba = vol_off / 512;
	return 1; /* the first piece is enough */
}

/*
 * The write reads back only what it wrote (fs_rewrite compares it), and checks the result in
 * memory: the slot it did not write, a sector the disk can no longer read, does not fail it.
 */
static void test_no_reread(void **unused)
{
	char img[128];
	struct wmnt m;
	uint8_t buf[STATE_FILE_SIZE];
	struct state st, got;
	struct fs_file *f;
	uint64_t lba = 0;

	snprintf(img, sizeof(img), "%s/reread.img", tmpdir);
	sh("cd %s && truncate -s 2M reread.img && mkfs.vfat -s 1 reread.img >/dev/null && "
	   "mcopy -i reread.img /tmp/baton-state-init ::/state",
	   tmpdir);
	wmnt_open(&m, img, 512);
	assert_int_equal(state_read(m.fs, "/state", buf, &st), 0);
	assert_int_equal(st.slot, 0);
	/* Slot 1 gets the write; slot 0's first sector now fails to read. */
	assert_int_equal(fs_open(m.fs, "/state", &f), 0);
	assert_int_equal(fs_extents(f, 0, 512, first_lba, &lba), 1);
	fs_close(f);
	m.w.md.fail = true;
	m.w.md.fail_lba = m.v[0].start + lba;
	set_names(&st, "kept", "");
	if (state_write(m.fs, "/state", buf, &st))
		fail_msg("%s", err_msg());
	assert_int_equal(st.seq, 2);
	assert_int_equal(st.slot, 1);
	assert_string_equal(st.saved, "kept");
	m.w.md.fail = false;
	assert_int_equal(state_read(m.fs, "/state", buf, &got), 0);
	assert_string_equal(got.saved, "kept");
	wmnt_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),	   cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_torn),	   cmocka_unit_test(test_corrupt),
	    cmocka_unit_test(test_short),	   cmocka_unit_test(test_newer_version),
	    cmocka_unit_test(test_bad_fields),	   cmocka_unit_test(test_sequence_order),
	    cmocka_unit_test(test_names),	   cmocka_unit_test(test_fat_fragmented),
	    cmocka_unit_test(test_fat_4k_sectors), cmocka_unit_test(test_ext4),
	    cmocka_unit_test(test_refusals),	   cmocka_unit_test(test_power_cut),
	    cmocka_unit_test(test_no_reread),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
