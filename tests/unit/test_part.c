/* test_part.c: unit tests of fs/blockdev.c (reads, metadata cache) and fs/part.c (MBR, GPT). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
#include "part.h"
#include "testdev.h"

/* A memory disk whose byte i is a function of i, so misplaced data shows. */
static uint8_t pat(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 9) * 7 + 1);
}

static uint8_t *pattern_mem(size_t n)
{
	uint8_t *m = malloc(n);

	for (size_t i = 0; i < n; i++)
		m[i] = pat(i);
	return m;
}

static void check_pattern(const uint8_t *buf, uint64_t dev_off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pat(dev_off + i))
			fail_msg("byte %zu (device offset %llu) is wrong", i,
				 (unsigned long long)(dev_off + i));
}

static void test_blockdev_bounds(void **state)
{
	struct memdisk md;
	uint8_t *mem = pattern_mem(16 * 512), buf[1024];

	md_init(&md, mem, 16 * 512, 512);
	assert_int_equal(blockdev_read(&md.dev, 15, 1, buf), 0);
	check_pattern(buf, 15 * 512, 512);
	assert_int_equal(md.dev.read_calls, 1);
	assert_int_equal(blockdev_read(&md.dev, 16, 1, buf), E_RANGE);
	assert_non_null(strstr(err_msg(), "md0"));
	assert_int_equal(blockdev_read(&md.dev, 15, 2, buf), E_RANGE);
	assert_int_equal(blockdev_read(&md.dev, UINT64_MAX, 2, buf), E_RANGE);
	assert_int_equal(blockdev_read(&md.dev, 1, UINT64_MAX, buf), E_RANGE);
	assert_int_equal(md.dev.read_calls, 1); /* refused reads never reach the device */
	md.fail = true;
	md.fail_lba = 3;
	assert_int_equal(blockdev_read(&md.dev, 2, 2, buf), E_IO);
	assert_int_equal(md.dev.read_calls, 2);
	free(mem);
}

static struct volume mkvol(struct blockdev *dev, uint64_t start, uint64_t blocks)
{
	struct volume v = {.dev = dev, .start = start, .blocks = blocks};

	strcpy(v.name, "md0,test");
	return v;
}

/* Whole blocks go to the caller's buffer in one device call, however many. */
static void test_vol_read_direct(void **state)
{
	size_t size = 4 << 20;
	struct memdisk md;
	uint8_t *mem = pattern_mem(size), *buf = malloc(size);

	md_init(&md, mem, size, 512);
	struct volume v = mkvol(&md.dev, 3, md.dev.num_blocks - 3);
	assert_int_equal(vol_read(&v, 512, 4 * 512, buf), 0);
	assert_int_equal(md.dev.read_calls, 1);
	assert_ptr_equal(md.last_buf, buf);
	check_pattern(buf, 4 * 512, 4 * 512);
	md.dev.read_calls = 0;
	uint64_t all = v.blocks * 512;
	assert_int_equal(vol_read(&v, 0, all, buf), 0);
	assert_int_equal(md.dev.read_calls, 1);
	assert_int_equal(md.last_count, v.blocks);
	check_pattern(buf, 3 * 512, (size_t)all);
	free(buf);
	free(mem);
}

/* Unaligned edges are bounced: head, middle and tail make three calls at most. */
static void test_vol_read_edges(void **state)
{
	struct memdisk md;
	uint8_t *mem = pattern_mem(64 * 1024), buf[8192];

	md_init(&md, mem, 64 * 1024, 512);
	struct volume v = mkvol(&md.dev, 5, 100);
	struct {
		uint64_t off, len;
		int calls;
	} c[] = {
	    {100, 2000, 3},			    /* head 412, three blocks, tail 52 */
	    {10, 20, 1},			    /* inside one block */
	    {500, 24, 2},			    /* across one boundary, no whole block */
	    {512, 700, 2},			    /* aligned start, tail */
	    {300, 724, 2},			    /* head, aligned end */
	    {0, 0, 0},	    {99 * 512 + 1, 511, 1}, /* up to the volume's last byte */
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		memset(buf, 0xee, sizeof(buf));
		md.dev.read_calls = 0;
		assert_int_equal(vol_read(&v, c[i].off, c[i].len, buf), 0);
		assert_int_equal(md.dev.read_calls, c[i].calls);
		check_pattern(buf, 5 * 512 + c[i].off, (size_t)c[i].len);
		assert_int_equal(buf[c[i].len], 0xee); /* nothing written past the range */
	}
	free(mem);
}

static void test_vol_read_range(void **state)
{
	struct memdisk md;
	uint8_t *mem = pattern_mem(64 * 1024), buf[1024];

	md_init(&md, mem, 64 * 1024, 512);
	struct volume v = mkvol(&md.dev, 5, 10);
	assert_int_equal(vol_read(&v, 10 * 512 - 10, 11, buf), E_RANGE);
	assert_non_null(strstr(err_msg(), "md0,test"));
	assert_int_equal(vol_read(&v, UINT64_MAX - 5, 10, buf), E_RANGE);
	assert_int_equal(vol_read_meta(&v, 10 * 512, 1, buf), E_RANGE);
	assert_int_equal(md.dev.read_calls, 0);
	assert_int_equal(vol_read(&v, 10 * 512 - 10, 10, buf), 0);
	check_pattern(buf, 15 * 512 - 10, 10);
	/* A device error comes back as it is. */
	md.fail = true;
	md.fail_lba = 7;
	assert_int_equal(vol_read(&v, 0, 4096, buf), E_IO);
	assert_int_equal(vol_read(&v, 2 * 512 + 3, 5, buf), E_IO);
	free(mem);
}

static void test_meta_cache(void **state)
{
	size_t size = 1 << 20;
	struct memdisk md;
	uint8_t *mem = pattern_mem(size), buf[8192];

	md_init(&md, mem, size, 512);
	meta_cache_drop(NULL);
	struct volume v = mkvol(&md.dev, 1, md.dev.num_blocks - 1);
	/* Across a 4 KiB chunk boundary (device offsets 4090..4109). */
	assert_int_equal(vol_read_meta(&v, 4090 - 512, 20, buf), 0);
	check_pattern(buf, 4090, 20);
	uint64_t calls = md.dev.read_calls;
	assert_true(calls >= 1 && calls <= 2);
	assert_int_equal(vol_read_meta(&v, 4090 - 512, 20, buf), 0);
	assert_int_equal(md.dev.read_calls, calls); /* a hit */
	/* Reading on in order: one call brings the next chunks too. */
	md.dev.read_calls = 0;
	for (uint64_t off = 8192; off < 8192 + 8 * 4096; off += 32) {
		assert_int_equal(vol_read_meta(&v, off - 512, 32, buf), 0);
		check_pattern(buf, off, 32);
	}
	assert_int_equal(md.dev.read_calls, 1);
	/* After 64 other chunks, the least recently used is gone; the one in use is not. */
	meta_cache_drop(&md.dev);
	md.dev.read_calls = 0;
	assert_int_equal(vol_read_meta(&v, 100000, 4, buf), 0);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(vol_read_meta(&v, 200000 + (uint64_t)i * 9000, 4, buf), 0);
		assert_int_equal(vol_read_meta(&v, 100000, 4, buf), 0); /* keeps it recent */
	}
	uint64_t before = md.dev.read_calls;
	assert_int_equal(vol_read_meta(&v, 100000, 4, buf), 0);
	assert_int_equal(md.dev.read_calls, before);
	assert_int_equal(vol_read_meta(&v, 200000, 4, buf), 0); /* evicted first */
	assert_int_equal(md.dev.read_calls, before + 1);
	check_pattern(buf, 200000 + 512, 4);
	/* Dropping the device's chunks makes the next read go to the device again. */
	meta_cache_drop(&md.dev);
	before = md.dev.read_calls;
	assert_int_equal(vol_read_meta(&v, 100000, 4, buf), 0);
	assert_int_equal(md.dev.read_calls, before + 1);
	meta_cache_drop(&md.dev);
	free(mem);
}

/* A disk of 3 blocks + 100 bytes: the last chunk is short and must not read past the end. */
static void test_meta_cache_short_disk(void **state)
{
	struct memdisk md;
	uint8_t *mem = pattern_mem(3 * 512), buf[512];

	md_init(&md, mem, 3 * 512 + 100, 512);
	struct volume v = mkvol(&md.dev, 0, 3);
	assert_int_equal(vol_read_meta(&v, 1000, 500, buf), 0);
	check_pattern(buf, 1000, 500);
	meta_cache_drop(&md.dev);
	free(mem);
}

static void test_guid_to_str(void **state)
{
	/* The EFI system partition type as it is stored on disk (UEFI spec 5.3.3). */
	static const uint8_t esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	char s[37];

	memset(s, 'x', sizeof(s));
	guid_to_str(esp, s);
	assert_string_equal(s, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
}

/* Compares part_scan's volumes with what images.sh recorded from sgdisk / sfdisk. */
static void check_against_tools(const char *key, const struct volume *v, int n)
{
	char k[64], g[37];

	snprintf(k, sizeof(k), "%s.nvol", key);
	assert_int_equal(n, td_expect_u(k));
	for (int i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "%s.v%d.name", key, i);
		assert_string_equal(v[i].name, td_expect(k));
		snprintf(k, sizeof(k), "%s.v%d.index", key, i);
		assert_int_equal(v[i].index, td_expect_u(k));
		snprintf(k, sizeof(k), "%s.v%d.start", key, i);
		assert_int_equal(v[i].start, td_expect_u(k));
		snprintf(k, sizeof(k), "%s.v%d.blocks", key, i);
		assert_int_equal(v[i].blocks, td_expect_u(k));
		snprintf(k, sizeof(k), "%s.v%d.type", key, i);
		if (v[i].scheme == PART_GPT) {
			guid_to_str(v[i].type_guid, g);
			assert_string_equal(g, td_expect(k));
			snprintf(k, sizeof(k), "%s.v%d.guid", key, i);
			guid_to_str(v[i].part_guid, g);
			assert_string_equal(g, td_expect(k));
		} else if (v[i].scheme == PART_MBR) {
			assert_int_equal(v[i].mbr_type, strtoul(td_expect(k), NULL, 16));
		}
	}
}

static int scan_image(const char *img, struct blockdev *dev, struct volume *v, int max)
{
	td_open(dev, img);
	int n = part_scan(dev, v, max);
	td_close(dev);
	return n;
}

static void test_gpt_image(void **state)
{
	struct blockdev dev;
	struct volume v[8];
	char g[37];

	int n = scan_image("gpt.img", &dev, v, 8);
	assert_int_equal(n, 3);
	check_against_tools("gpt", v, n);
	assert_string_equal(part_warning, "");
	/* Slot 3 is empty: GRUB's numbering keeps the slot numbers. */
	assert_string_equal(v[0].name, "hd0,gpt1");
	assert_string_equal(v[1].name, "hd0,gpt2");
	assert_string_equal(v[2].name, "hd0,gpt4");
	for (int i = 0; i < n; i++) {
		assert_int_equal(v[i].scheme, PART_GPT);
		assert_ptr_equal(v[i].dev, &dev);
	}
	guid_to_str(v[0].type_guid, g);
	assert_string_equal(g, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	guid_to_str(v[0].part_guid, g);
	assert_string_equal(g, "0e5b0a70-1111-4222-8333-444455556666");
	assert_int_equal(v[0].start, 2048);
	assert_int_equal(v[0].blocks, 136 * 2048);
}

/* Names come from the device's name; max bounds the output. */
static void test_gpt_names_and_max(void **state)
{
	struct blockdev dev;
	struct volume v[3];

	td_open(&dev, "gpt.img");
	strcpy(dev.name, "hd3");
	memset(v, 0x5a, sizeof(v));
	assert_int_equal(part_scan(&dev, v, 2), 2);
	assert_string_equal(v[0].name, "hd3,gpt1");
	assert_string_equal(v[1].name, "hd3,gpt2");
	assert_int_equal(((uint8_t *)&v[2])[0], 0x5a); /* untouched */
	assert_non_null(strstr(part_warning, "more than 2"));
	td_close(&dev);
}

static void test_mbr_image(void **state)
{
	static const char *const imgs[] = {"mbr.img", "mbr-jump.img"};
	struct blockdev dev;
	struct volume v[8];

	for (size_t i = 0; i < ARRAY_SIZE(imgs); i++) {
		int n = scan_image(imgs[i], &dev, v, 8);
		/* Two primaries and two logical partitions; the extended one is not a volume. */
		assert_int_equal(n, 4);
		check_against_tools("mbr", v, n);
		assert_string_equal(part_warning, "");
		assert_string_equal(v[0].name, "hd0,msdos1");
		assert_string_equal(v[1].name, "hd0,msdos2");
		assert_string_equal(v[2].name, "hd0,msdos5");
		assert_string_equal(v[3].name, "hd0,msdos6");
		/* blkid's PARTUUID: the disk signature and the partition number. */
		assert_string_equal(v[0].partuuid, "1234abcd-01");
		assert_string_equal(v[3].partuuid, "1234abcd-06");
		assert_int_equal(v[0].scheme, PART_MBR);
		assert_int_equal(v[0].mbr_type, 0x06);
		assert_int_equal(v[1].mbr_type, 0x01);
		assert_int_equal(v[0].start, 2048);
		assert_int_equal(v[1].start, 34816);
	}
}

/* A broken EBR chain keeps the logical partitions found before the break, with a warning. */
static void test_mbr_broken_chain(void **state)
{
	struct blockdev dev;
	struct volume v[8];

	int n = scan_image("mbr-ebrloop.img", &dev, v, 8);
	assert_int_equal(n, 4);
	assert_non_null(strstr(part_warning, "loops back"));
	assert_string_equal(v[3].name, "hd0,msdos6");
	n = scan_image("mbr-ebrout.img", &dev, v, 8);
	assert_int_equal(n, 3);
	assert_non_null(strstr(part_warning, "outside the extended"));
	assert_string_equal(v[2].name, "hd0,msdos5");
	/* max bounds logical partitions too. */
	n = scan_image("mbr.img", &dev, v, 3);
	assert_int_equal(n, 3);
	assert_non_null(strstr(part_warning, "more partitions"));
}

/* sgdisk -h: the GPT wins over a hybrid MBR; without a usable GPT, the MBR's entries are used. */
static void test_hybrid_mbr(void **state)
{
	struct blockdev dev;
	struct volume v[8];
	char g[37];

	int n = scan_image("gpt-hybrid.img", &dev, v, 8);
	check_against_tools("hybrid", v, n);
	assert_string_equal(part_warning, "");
	assert_int_equal(v[0].scheme, PART_GPT);
	guid_to_str(v[0].part_guid, g);
	assert_string_equal(v[0].partuuid, g);
	n = scan_image("gpt-hybrid-nogpt.img", &dev, v, 8);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].scheme, PART_MBR);
	assert_int_equal(v[0].start, 2048);
	assert_int_equal(v[0].blocks, 8192);
	assert_non_null(strstr(part_warning, "hybrid MBR"));
}

/* A FAT boot sector ends in 0x55AA too, but a superfloppy is one whole-disk volume. */
static void test_superfloppies(void **state)
{
	static const char *const keys[] = {"sf32", "sf12", "sffake", "corrupt16"};
	struct blockdev dev;
	struct volume v[4];
	char img[32];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(img, sizeof(img), "%s.img", keys[i]);
		td_open(&dev, img);
		uint64_t blocks = dev.num_blocks;
		td_close(&dev);
		int n = scan_image(img, &dev, v, 4);
		assert_int_equal(n, 1);
		check_against_tools(keys[i], v, n);
		assert_int_equal(v[0].scheme, PART_NONE);
		assert_string_equal(v[0].name, "hd0");
		assert_int_equal(v[0].index, 0);
		assert_int_equal(v[0].start, 0);
		assert_int_equal(v[0].blocks, blocks);
	}
}

static void test_gpt_backup(void **state)
{
	static const char *const imgs[] = {"gpt-badprimary.img", "gpt-badarray.img",
					   "gpt-badentsize.img"};
	static const char *const why[] = {"header CRC32", "array CRC32", "entries of 64 bytes"};
	struct blockdev dev;
	struct volume v[4];

	assert_int_equal(scan_image("gpt-small.img", &dev, v, 4), 1);
	assert_string_equal(part_warning, "");
	for (size_t i = 0; i < ARRAY_SIZE(imgs); i++) {
		int n = scan_image(imgs[i], &dev, v, 4);
		assert_int_equal(n, 1);
		check_against_tools("small", v, n);
		assert_non_null(strstr(part_warning, "using the backup"));
		if (!strstr(part_warning, why[i]))
			fail_msg("%s: warning '%s' does not say '%s'", imgs[i], part_warning,
				 why[i]);
	}
}

static void test_gpt_both_bad(void **state)
{
	struct blockdev dev;
	struct volume v[4];

	assert_int_equal(scan_image("gpt-badboth.img", &dev, v, 4), E_CORRUPT);
	assert_non_null(strstr(err_msg(), "both GPT headers are bad"));
}

/* --- synthetic disks --- */

struct gpt_part {
	uint64_t start, end;
	uint8_t type_byte;
};

/* Writes a protective MBR, a primary and a backup GPT (128 entries of 128 bytes) into mem. */
static void gpt_build(uint8_t *mem, uint32_t bs, uint64_t nblocks, const struct gpt_part *p, int np)
{
	uint32_t abytes = 128 * 128, ablocks = (abytes + bs - 1) / bs;
	uint8_t *m = mem, arr[128 * 128];

	memset(mem, 0, bs * 2);
	m[0x1be + 4] = 0xee;
	put32(m + 0x1be + 8, 1);
	put32(m + 0x1be + 12, (uint32_t)MIN(nblocks - 1, 0xffffffffu));
	m[510] = 0x55;
	m[511] = 0xaa;
	memset(arr, 0, sizeof(arr));
	for (int i = 0; i < np; i++) {
		uint8_t *e = arr + 128 * i;
		memset(e, p[i].type_byte, 16);
		memset(e + 16, 0x10 + i, 16);
		put64(e + 32, p[i].start);
		put64(e + 40, p[i].end);
	}
	uint32_t acrc = (uint32_t)crc32(0, arr, abytes);
	for (int b = 0; b < 2; b++) {
		uint64_t my = b ? nblocks - 1 : 1, alt = b ? 1 : nblocks - 1;
		uint64_t alba = b ? nblocks - 1 - ablocks : 2;
		uint8_t *h = mem + my * bs;
		memset(h, 0, bs);
		memcpy(h, "EFI PART", 8);
		put32(h + 8, 0x00010000);
		put32(h + 12, 92);
		put64(h + 24, my);
		put64(h + 32, alt);
		put64(h + 40, 2 + ablocks);
		put64(h + 48, nblocks - 2 - ablocks);
		memset(h + 56, 0xd1, 16);
		put64(h + 72, alba);
		put32(h + 80, 128);
		put32(h + 84, 128);
		put32(h + 88, acrc);
		put32(h + 16, (uint32_t)crc32(0, h, 92));
		memcpy(mem + alba * bs, arr, abytes);
	}
}

/* 4 KiB blocks: LBAs, entry array size and names all in the device's block size. */
static void test_gpt_4k(void **state)
{
	uint64_t nblocks = 2048;
	uint8_t *mem = calloc(nblocks, 4096);
	struct gpt_part p[] = {{6, 105, 0xaa}, {106, 2000, 0xbb}};
	struct memdisk md;
	struct volume v[4];
	char g[37];

	gpt_build(mem, 4096, nblocks, p, 2);
	md_init(&md, mem, nblocks * 4096, 4096);
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	assert_string_equal(v[0].name, "md0,gpt1");
	assert_int_equal(v[0].start, 6);
	assert_int_equal(v[0].blocks, 100);
	assert_int_equal(v[1].start, 106);
	assert_int_equal(v[1].blocks, 1895);
	guid_to_str(v[1].part_guid, g);
	assert_string_equal(g, "11111111-1111-1111-1111-111111111111");
	assert_string_equal(part_warning, "");
	free(mem);
}

static void test_gpt_synthetic_errors(void **state)
{
	uint64_t nblocks = 4096;
	uint8_t *mem = calloc(nblocks, 512);
	struct gpt_part p[] = {{40, 99, 0xaa}, {100, 99999, 0xbb}, {200, 300, 0xcc}};
	struct memdisk md;
	struct volume v[4];

	md_init(&md, mem, nblocks * 512, 512);
	/* An entry that ends beyond the disk is skipped, and said so. */
	gpt_build(mem, 512, nblocks, p, 3);
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	assert_string_equal(v[0].name, "md0,gpt1");
	assert_string_equal(v[1].name, "md0,gpt3");
	assert_non_null(strstr(part_warning, "outside the disk"));
	/* A read error on the primary header: the backup serves. */
	md.fail = true;
	md.fail_lba = 1;
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	assert_non_null(strstr(part_warning, "backup"));
	/* ... and on LBA 0 the scan fails with it. */
	md.fail_lba = 0;
	assert_int_equal(part_scan(&md.dev, v, 4), E_IO);
	md.fail = false;
	/* A header CRC that matches but claims a huge entry count: rejected by the sanity checks.
	 */
	gpt_build(mem, 512, nblocks, p, 1);
	for (int b = 0; b < 2; b++) {
		uint8_t *h = mem + (b ? nblocks - 1 : 1) * 512;
		put32(h + 80, 1u << 24);
		put32(h + 16, 0);
		put32(h + 16, (uint32_t)crc32(0, h, 92));
	}
	assert_int_equal(part_scan(&md.dev, v, 4), E_CORRUPT);
	assert_non_null(strstr(err_msg(), "entries"));
	/* MyLBA must be where the header is. */
	gpt_build(mem, 512, nblocks, p, 1);
	put64(mem + 512 + 24, 7);
	put32(mem + 512 + 16, 0);
	put32(mem + 512 + 16, (uint32_t)crc32(0, mem + 512, 92));
	assert_int_equal(part_scan(&md.dev, v, 4), 1);
	assert_non_null(strstr(part_warning, "LBAs"));
	/* A protective MBR and no GPT at all. */
	memset(mem + 512, 0, (nblocks - 1) * 512);
	assert_int_equal(part_scan(&md.dev, v, 4), E_CORRUPT);
	free(mem);
}

static void mbr_entry(uint8_t *m, int i, uint8_t boot, uint8_t type, uint32_t start, uint32_t size)
{
	uint8_t *e = m + 0x1be + 16 * i;

	e[0] = boot;
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, size);
	m[510] = 0x55;
	m[511] = 0xaa;
}

/*
 * An EBR chain built by hand: logical starts are relative to their EBR, links to the extended
 * partition's start; an empty EBR still takes a number; a link to itself ends the chain.
 */
static void test_ebr_synthetic(void **state)
{
	uint64_t nblocks = 2000;
	uint8_t *mem = calloc(nblocks, 512);
	struct memdisk md;
	struct volume v[8];

	md_init(&md, mem, nblocks * 512, 512);
	put32(mem + 440, 0xcafe0001);
	mbr_entry(mem, 1, 0x00, 0x05, 1000, 1000);	   /* extended at 1000 */
	mbr_entry(mem + 1000 * 512, 0, 0, 0x83, 10, 90);   /* msdos5 at 1010 */
	mbr_entry(mem + 1000 * 512, 1, 0, 0x05, 200, 100); /* next EBR at 1200 */
	mbr_entry(mem + 1200 * 512, 1, 0, 0x05, 400, 100); /* empty: msdos6 has no entry */
	mbr_entry(mem + 1400 * 512, 0, 0, 0x0c, 1, 99);	   /* msdos7 at 1401 */
	assert_int_equal(part_scan(&md.dev, v, 8), 2);
	assert_string_equal(part_warning, "");
	assert_string_equal(v[0].name, "md0,msdos5");
	assert_int_equal(v[0].start, 1010);
	assert_int_equal(v[0].blocks, 90);
	assert_string_equal(v[0].partuuid, "cafe0001-05");
	assert_string_equal(v[1].name, "md0,msdos7");
	assert_int_equal(v[1].start, 1401);
	assert_int_equal(v[1].mbr_type, 0x0c);
	/* Where each entry is, for a chainload's DS:SI: the first slot of its own EBR. */
	assert_int_equal(v[0].table_lba, 1000);
	assert_int_equal(v[0].table_slot, 0);
	assert_int_equal(v[1].table_lba, 1400);
	assert_int_equal(v[1].table_slot, 0);
	/* The last EBR links back to the second: a loop, found, with both partitions kept. */
	mbr_entry(mem + 1400 * 512, 1, 0, 0x05, 200, 100);
	assert_int_equal(part_scan(&md.dev, v, 8), 2);
	assert_non_null(strstr(part_warning, "loops"));
	/* A logical partition reaching past the extended one is not used. */
	mbr_entry(mem + 1400 * 512, 1, 0, 0, 0, 0);
	mbr_entry(mem + 1400 * 512, 0, 0, 0x0c, 1, 700);
	assert_int_equal(part_scan(&md.dev, v, 8), 1);
	assert_non_null(strstr(part_warning, "outside"));
	/*
	 * A disk cut short: the extended partition runs past its end, and so does the link to the
	 * next EBR. The partitions before the break stay, the primary ones too, with a warning.
	 */
	mbr_entry(mem, 0, 0x00, 0x83, 100, 800);
	mbr_entry(mem, 1, 0x00, 0x05, 1000, 3000);
	mbr_entry(mem + 1400 * 512, 0, 0, 0x0c, 1, 99);
	mbr_entry(mem + 1400 * 512, 1, 0, 0x05, 1500, 100); /* next EBR at 2500: past the end */
	assert_int_equal(part_scan(&md.dev, v, 8), 3);
	assert_string_equal(v[0].name, "md0,msdos1");
	assert_string_equal(v[1].name, "md0,msdos5");
	assert_string_equal(v[2].name, "md0,msdos7");
	assert_non_null(strstr(part_warning, "reaches an EBR it cannot read"));
	/* A logical partition that starts past the disk's end (inside the extended one) is not
	 * used; one that only ends there is, with a warning. */
	mbr_entry(mem + 1400 * 512, 0, 0, 0x0c, 700, 99);
	assert_int_equal(part_scan(&md.dev, v, 8), 2);
	assert_non_null(strstr(part_warning, "starts past the end of the disk"));
	mbr_entry(mem + 1400 * 512, 0, 0, 0x0c, 500, 200);
	mbr_entry(mem + 1400 * 512, 1, 0, 0, 0, 0);
	assert_int_equal(part_scan(&md.dev, v, 8), 3);
	assert_int_equal(v[2].start, 1900);
	assert_int_equal(v[2].blocks, 200);
	assert_non_null(strstr(part_warning, "md0,msdos7 ends at sector 2099, past the end"));
	free(mem);
}

static void test_mbr_synthetic(void **state)
{
	uint64_t nblocks = 1000;
	uint8_t *mem = calloc(nblocks, 512);
	struct memdisk md;
	struct volume v[4];

	md_init(&md, mem, nblocks * 512, 512);
	mbr_entry(mem, 0, 0x80, 0x0c, 63, 400);
	mbr_entry(mem, 2, 0x00, 0x83, 500, 500);
	mbr_entry(mem, 3, 0x00, 0x0f, 463, 37); /* extended, with no EBR in it */
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	assert_non_null(strstr(part_warning, "0x55AA"));
	assert_string_equal(v[0].name, "md0,msdos1");
	assert_string_equal(v[1].name, "md0,msdos3");
	assert_int_equal(v[1].mbr_type, 0x83);
	assert_int_equal(v[1].start, 500);
	assert_int_equal(v[1].blocks, 500);
	/* A primary's entry is in the MBR, at its own slot. */
	assert_int_equal(v[0].table_lba, 0);
	assert_int_equal(v[0].table_slot, 0);
	assert_int_equal(v[1].table_lba, 0);
	assert_int_equal(v[1].table_slot, 2);
	assert_int_equal(part_scan(&md.dev, v, 1), 1);

	/* Each of these makes the sector not an MBR: the whole disk is the volume. */
	struct {
		int entry;
		uint8_t boot, type;
		uint32_t start, size;
	} bad[] = {
	    {1, 0x12, 0x83, 10, 10},  /* boot indicator */
	    {1, 0x00, 0x83, 0, 1001}, /* starts at 0, ends past the end */
	    {1, 0x00, 0x83, 10, 0},   /* empty */
	    {1, 0x00, 0x83, 1000, 1}, /* starts past the end */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t save[16];
		uint8_t *e = mem + 0x1be + 16 * bad[i].entry;
		memcpy(save, e, 16);
		mbr_entry(mem, bad[i].entry, bad[i].boot, bad[i].type, bad[i].start, bad[i].size);
		assert_int_equal(part_scan(&md.dev, v, 4), 1);
		assert_int_equal(v[0].scheme, PART_NONE);
		assert_string_equal(v[0].name, "md0");
		assert_int_equal(v[0].blocks, nblocks);
		memcpy(e, save, 16);
	}
	assert_int_equal(part_scan(&md.dev, v, 4), 2);

	/*
	 * An entry that starts inside the disk and ends past it (a disk image cut short): the
	 * table counts, as in Linux, the partition keeps its size (reads past the disk fail), and
	 * a warning says so.
	 */
	uint8_t ext[16];
	memcpy(ext, mem + 0x1be + 48, 16); /* the extended entry's own warning aside */
	memset(mem + 0x1be + 48, 0, 16);
	mbr_entry(mem, 1, 0x00, 0x83, 990, 11);
	assert_int_equal(part_scan(&md.dev, v, 4), 3);
	assert_string_equal(v[1].name, "md0,msdos2");
	assert_int_equal(v[1].start, 990);
	assert_int_equal(v[1].blocks, 11);
	assert_non_null(strstr(part_warning, "md0,msdos2 ends at sector 1000, past the end of the "
					     "disk (1000 sectors)"));
	memset(mem + 0x1be + 16, 0, 16);
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	assert_string_equal(part_warning, "");
	memcpy(mem + 0x1be + 48, ext, 16);

	/* A hybrid ISO's entry at sector 0: the whole disk first, then the other entries. */
	mbr_entry(mem, 1, 0x80, 0x83, 0, 10);
	assert_int_equal(part_scan(&md.dev, v, 4), 3);
	assert_int_equal(v[0].scheme, PART_NONE);
	assert_string_equal(v[0].name, "md0");
	assert_int_equal(v[0].start, 0);
	assert_int_equal(v[0].blocks, nblocks);
	assert_string_equal(v[1].name, "md0,msdos1");
	assert_string_equal(v[2].name, "md0,msdos3");
	assert_int_equal(part_scan(&md.dev, v, 1), 1);
	assert_int_equal(v[0].scheme, PART_NONE);
	memset(mem + 0x1be + 16, 0, 16);
	assert_int_equal(part_scan(&md.dev, v, 4), 2);

	/* The same table behind a FAT-like jump and BPB is a boot sector, not an MBR... */
	static const uint8_t bpb[] = {0xeb, 0x3c, 0x90, 'M',  'S',  'D',  'O',	'S',
				      '5',  '.',  '0',	0x00, 0x02, 0x04, 0x01, 0x00,
				      0x02, 0x00, 0x02, 0x00, 0x00, 0xf8};
	memcpy(mem, bpb, sizeof(bpb));
	assert_int_equal(part_scan(&md.dev, v, 4), 1);
	assert_int_equal(v[0].scheme, PART_NONE);
	/* ... but a jump alone (GRUB's boot code starts with one) leaves it an MBR. */
	memset(mem + 3, 0, sizeof(bpb) - 3);
	assert_int_equal(part_scan(&md.dev, v, 4), 2);
	/* NTFS's boot sector names itself. */
	memcpy(mem + 3, "NTFS    ", 8);
	assert_int_equal(part_scan(&md.dev, v, 4), 1);
	memset(mem, 0, 11);

	/* An MBR with no partitions: no volumes. No signature: the whole disk. */
	memset(mem + 0x1be, 0, 64);
	assert_int_equal(part_scan(&md.dev, v, 4), 0);
	mem[510] = 0;
	assert_int_equal(part_scan(&md.dev, v, 4), 1);
	assert_int_equal(v[0].scheme, PART_NONE);

	/* Not a usable device. */
	md.dev.block_size = 256;
	assert_int_equal(part_scan(&md.dev, v, 4), E_INVAL);
	md.dev.block_size = 512;
	md.dev.num_blocks = 0;
	assert_int_equal(part_scan(&md.dev, v, 4), E_RANGE);
	free(mem);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blockdev_bounds),
		cmocka_unit_test(test_vol_read_direct),
		cmocka_unit_test(test_vol_read_edges),
		cmocka_unit_test(test_vol_read_range),
		cmocka_unit_test(test_meta_cache),
		cmocka_unit_test(test_meta_cache_short_disk),
		cmocka_unit_test(test_guid_to_str),
		cmocka_unit_test(test_gpt_image),
		cmocka_unit_test(test_gpt_names_and_max),
		cmocka_unit_test(test_mbr_image),
		cmocka_unit_test(test_superfloppies),
		cmocka_unit_test(test_gpt_backup),
		cmocka_unit_test(test_gpt_both_bad),
		cmocka_unit_test(test_gpt_4k),
		cmocka_unit_test(test_gpt_synthetic_errors),
		cmocka_unit_test(test_mbr_synthetic),
		cmocka_unit_test(test_mbr_broken_chain),
		cmocka_unit_test(test_hybrid_mbr),
		cmocka_unit_test(test_ebr_synthetic),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
