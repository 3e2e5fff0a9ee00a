/* blockdev.c: counted block reads, byte-range volume reads, the metadata block cache, GUID text. */
#include "blockdev.h"

int blockdev_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	if (lba > dev->num_blocks || count > dev->num_blocks - lba)
		return err_set(E_RANGE,
			       "%s: read of %llu blocks at %llu is beyond the end (%llu blocks)",
			       dev->name, (unsigned long long)count, (unsigned long long)lba,
			       (unsigned long long)dev->num_blocks);
	if (!count)
		return 0;
	dev->read_calls++;
	return dev->read(dev, lba, count, buf);
}

/* Checks that [off, off+len) lies inside the volume. */
static int vol_check(struct volume *v, uint64_t off, uint64_t len)
{
	uint64_t size = v->blocks * v->dev->block_size;

	if (off > size || len > size - off)
		return err_set(E_RANGE,
			       "%s: read of %llu bytes at %llu is beyond the end (%llu bytes)",
			       v->name, (unsigned long long)len, (unsigned long long)off,
			       (unsigned long long)size);
	return 0;
}

/* Copies part of one device block through a bounce buffer: the unaligned edges of a read. */
static int read_partial(struct volume *v, uint64_t lba, uint32_t skip, uint32_t n, uint8_t *dst,
			uint8_t **bounce)
{
	uint32_t bs = v->dev->block_size;
	int r;

	if (!*bounce && !(*bounce = mem_alloc(bs)))
		return err_set(E_NOMEM, "out of memory");
	r = blockdev_read(v->dev, v->start + lba, 1, *bounce);
	if (!r)
		memcpy(dst, *bounce + skip, n);
	return r;
}

int vol_read(struct volume *v, uint64_t off, uint64_t len, void *buf)
{
	uint32_t bs = v->dev->block_size;
	uint8_t *dst = buf, *bounce = NULL;
	int r = vol_check(v, off, len);

	if (r || !len)
		return r;
	uint64_t lba = off / bs;
	uint32_t skip = (uint32_t)(off % bs);
	if (skip) { /* head: the end of a block */
		uint32_t n = (uint32_t)MIN((uint64_t)(bs - skip), len);
		r = read_partial(v, lba, skip, n, dst, &bounce);
		dst += n, len -= n, lba++;
	}
	if (!r && len >= bs) { /* the whole blocks: one device call, straight into buf */
		uint64_t n = len / bs;
		r = blockdev_read(v->dev, v->start + lba, n, dst);
		dst += n * bs, len -= n * bs, lba += n;
	}
	if (!r && len) /* tail: the start of a block */
		r = read_partial(v, lba, 0, (uint32_t)len, dst, &bounce);
	mem_free(bounce);
	return r;
}

/*
 * The metadata cache: CACHE_N chunks of CHUNK bytes (or one block, if blocks are larger), keyed
 * by device and chunk number, evicted least recently used. A miss right after the previous chunk
 * (a FAT or a directory read in order) reads up to RA_CHUNKS chunks in one device call, so a
 * long cluster chain costs few reads. Only the entry headers are static; chunks are mem_alloc()ed.
 */
#define CACHE_N	  64
#define CHUNK	  4096u
#define RA_CHUNKS 8

struct chunk {
	struct blockdev *dev; /* NULL: free */
	uint64_t idx;	      /* chunk number on dev */
	uint64_t used;	      /* LRU stamp */
	uint32_t cap;	      /* bytes allocated at data */
	uint8_t *data;
};

/* Allocated on first use: a static array would be zeros stored in BOOTX64.EFI's .data. */
static struct chunk *cache;
static uint64_t cache_clock;
static struct chunk *cache_last; /* the most recent hit, tried first */

static uint32_t chunk_size(struct blockdev *dev)
{
	return MAX(dev->block_size, CHUNK);
}

static struct chunk *cache_find(struct blockdev *dev, uint64_t idx)
{
	if (cache_last && cache_last->dev == dev && cache_last->idx == idx)
		return cache_last;
	for (int i = 0; i < CACHE_N; i++)
		if (cache[i].dev == dev && cache[i].idx == idx)
			return &cache[i];
	return NULL;
}

static struct chunk *cache_victim(void)
{
	struct chunk *c = &cache[0];

	for (int i = 0; i < CACHE_N; i++) {
		if (!cache[i].dev)
			return &cache[i];
		if (cache[i].used < c->used)
			c = &cache[i];
	}
	return c;
}

/* Reads chunk idx (and, when reading in order, the chunks after it) into the cache. */
static int cache_fill(struct blockdev *dev, uint64_t idx, struct chunk **out)
{
	uint32_t cs = chunk_size(dev), per = cs / dev->block_size;
	uint64_t nchunks = (dev->num_blocks + per - 1) / per;
	uint64_t n = 1;
	uint8_t *buf;
	int r;

	if (idx >= nchunks)
		return err_set(E_RANGE, "%s: metadata read beyond the end of the disk", dev->name);
	if (idx > 0 && cache_find(dev, idx - 1))
		while (n < RA_CHUNKS && idx + n < nchunks && !cache_find(dev, idx + n))
			n++;
	buf = mem_alloc(n * cs);
	if (!buf)
		return err_set(E_NOMEM, "out of memory");
	/* The last chunk of a disk may be short: read what exists, zero the rest. */
	uint64_t lba = idx * per, blocks = MIN(n * per, dev->num_blocks - lba);
	memset(buf + blocks * dev->block_size, 0, n * cs - blocks * dev->block_size);
	r = blockdev_read(dev, lba, blocks, buf);
	*out = NULL;
	for (uint64_t i = 0; !r && i < n; i++) {
		struct chunk *c = cache_victim();
		if (c->cap < cs) {
			uint8_t *d = mem_alloc(cs);
			if (!d) {
				r = err_set(E_NOMEM, "out of memory");
				break;
			}
			mem_free(c->data);
			c->data = d;
			c->cap = cs;
		}
		memcpy(c->data, buf + i * cs, cs);
		c->dev = dev;
		c->idx = idx + i;
		c->used = ++cache_clock;
		if (!*out)
			*out = c;
	}
	mem_free(buf);
	return r;
}

int vol_read_meta(struct volume *v, uint64_t off, size_t len, void *buf)
{
	struct blockdev *dev = v->dev;
	uint32_t cs = chunk_size(dev);
	uint8_t *dst = buf;
	int r = vol_check(v, off, len);

	if (r)
		return r;
	if (!cache && !(cache = mem_zalloc(sizeof(*cache) * CACHE_N)))
		return err_set(E_NOMEM, "out of memory");
	uint64_t pos = v->start * dev->block_size + off; /* byte offset on the device */
	while (len) {
		uint64_t idx = pos / cs;
		uint32_t in = (uint32_t)(pos % cs);
		size_t n = MIN(len, (size_t)(cs - in));
		struct chunk *c = cache_find(dev, idx);
		if (!c && (r = cache_fill(dev, idx, &c)))
			return r;
		c->used = ++cache_clock;
		cache_last = c;
		memcpy(dst, c->data + in, n);
		dst += n, pos += n, len -= n;
	}
	return 0;
}

/*
 * Drops the cached chunks of dev (of every device when NULL) that hold any of blocks
 * [lba, lba + count): the ones a write changes, or all of them.
 */
static void cache_drop(struct blockdev *dev, uint64_t lba, uint64_t count)
{
	for (int i = 0; cache && i < CACHE_N; i++) {
		struct chunk *c = &cache[i];
		if (dev && c->dev != dev)
			continue;
		if (c->dev) {
			uint64_t per = chunk_size(c->dev) / c->dev->block_size;
			uint64_t first = c->idx * per; /* the chunk's first block */
			if (first >= lba ? first - lba >= count : lba - first >= per)
				continue;
		}
		mem_free(c->data);
		memset(c, 0, sizeof(*c));
		if (cache_last == c)
			cache_last = NULL;
	}
}

int blockdev_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	if (lba > dev->num_blocks || count > dev->num_blocks - lba)
		return err_set(E_RANGE,
			       "%s: write of %llu blocks at %llu is beyond the end (%llu blocks)",
			       dev->name, (unsigned long long)count, (unsigned long long)lba,
			       (unsigned long long)dev->num_blocks);
	if (!dev->write)
		return err_set(E_UNSUPP, "%s is read-only", dev->name);
	if (!count)
		return 0;
	cache_drop(dev, lba, count);
	return dev->write(dev, lba, count, buf);
}

int vol_write(struct volume *v, uint64_t off, uint64_t len, const void *buf)
{
	uint32_t bs = v->dev->block_size;
	uint64_t size = v->blocks * bs;

	if (off % bs || len % bs || off > size || len > size - off)
		return err_set(E_RANGE,
			       "%s: write of %llu bytes at %llu is not whole blocks inside the "
			       "volume (%llu bytes)",
			       v->name, (unsigned long long)len, (unsigned long long)off,
			       (unsigned long long)size);
	return blockdev_write(v->dev, v->start + off / bs, len / bs, buf);
}

void meta_cache_drop(struct blockdev *dev)
{
	cache_drop(dev, 0, UINT64_MAX);
}

/* UEFI spec appendix A: the first three fields are little-endian, the last two byte strings. */
void guid_to_str(const uint8_t g[16], char out[37])
{
	snfmt(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", get32(g), get16(g + 4),
	      get16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}
