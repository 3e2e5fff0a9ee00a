/* test_blockdev.c: unit tests of fs/blockdev.c's metadata cache and the writes that change it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "blockdev.h"

#define BLOCKS 64 /* 512-byte blocks: 8 of the cache's 4 KiB chunks */

static uint8_t disk[BLOCKS * 512];
static int reads; /* calls of the device's read */

static int mem_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	reads++;
	memcpy(buf, disk + lba * 512, count * 512);
	return 0;
}

static int mem_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	memcpy(disk + lba * 512, buf, count * 512);
	return 0;
}

static struct blockdev dev = {
    .name = "hd0", .block_size = 512, .num_blocks = BLOCKS, .read = mem_read, .write = mem_write};
static struct volume vol = {.dev = &dev, .start = 0, .blocks = BLOCKS};

/* Block lba's first byte through the cache; *n gets the device reads it took. */
static uint8_t meta(uint64_t lba, int *n)
{
	uint8_t b;
	int before = reads;

	assert_int_equal(vol_read_meta(&vol, lba * 512, 1, &b), 0);
	*n = reads - before;
	return b;
}

static void put(uint64_t lba, uint8_t v)
{
	uint8_t blk[512];

	memset(blk, v, sizeof(blk));
	assert_int_equal(blockdev_write(&dev, lba, 1, blk), 0);
}

/* A write drops exactly the cached chunks it touches; meta_cache_drop drops them all. */
static void test_write_drops(void **state)
{
	int n;

	for (int i = 0; i < BLOCKS; i++)
		disk[i * 512] = (uint8_t)i;
	meta_cache_drop(NULL);
	assert_int_equal(meta(0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(meta(17, &n), 17); /* chunk 2, blocks 16-23 */
	assert_int_equal(n, 1);
	put(17, 0xaa); /* chunk 2 only */
	assert_int_equal(meta(0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(meta(17, &n), 0xaa);
	assert_int_equal(n, 1);
	put(8, 0xbb);  /* chunk 1, not cached: chunks 0 and 2 stay */
	put(15, 0xbc); /* its last block */
	assert_int_equal(meta(7, &n), 7);
	assert_int_equal(n, 0);
	assert_int_equal(meta(16, &n), 16);
	assert_int_equal(n, 0);
	put(7, 0xcc); /* chunk 0's last block */
	assert_int_equal(meta(0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(meta(7, &n), 0xcc);
	assert_int_equal(n, 0);
	/* A write across chunks 0-2 drops all three. */
	uint8_t three[10 * 512];
	memset(three, 0xdd, sizeof(three));
	assert_int_equal(blockdev_write(&dev, 7, 10, three), 0);
	assert_int_equal(meta(0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(meta(16, &n), 0xdd);
	assert_int_equal(n, 1);
	/* Dropped whole, for this device and for all. */
	meta_cache_drop(&dev);
	assert_int_equal(meta(16, &n), 0xdd);
	assert_int_equal(n, 1);
	meta_cache_drop(NULL);
	assert_int_equal(meta(16, &n), 0xdd);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
