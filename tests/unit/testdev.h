/* testdev.h: test block devices (image file, memory) and images.sh's side files for fs/ tests. */
#ifndef BATON_TESTDEV_H
#define BATON_TESTDEV_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "blockdev.h"

#define TD_UNUSED __attribute__((unused))

/* build/test-images, or what tests/unit/run.sh says. */
static TD_UNUSED const char *td_path(const char *name)
{
	static char buf[4][512];
	static int next;
	const char *dir = getenv("BATON_TEST_IMAGES");
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir && *dir ? dir : "build/test-images", name);
	return b;
}

static TD_UNUSED int td_pread(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	int fd = (int)(intptr_t)dev->priv;
	size_t want = (size_t)(count * dev->block_size), got = 0;

	while (got < want) {
		ssize_t r =
		    pread(fd, (char *)buf + got, want - got, (off_t)(lba * dev->block_size + got));
		if (r <= 0)
			return err_set(E_IO, "%s: pread failed", dev->name);
		got += (size_t)r;
	}
	return 0;
}

/* Opens images.sh's NAME as a disk of 512-byte blocks called "hd0"; fails the test if missing. */
static TD_UNUSED void td_open(struct blockdev *dev, const char *name)
{
	const char *path = td_path(name);
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "cannot open %s (run tests/unit/images.sh first)\n", path);
		abort();
	}
	memset(dev, 0, sizeof(*dev));
	strcpy(dev->name, "hd0");
	dev->block_size = 512;
	dev->num_blocks = (uint64_t)st.st_size / 512;
	dev->read = td_pread;
	dev->priv = (void *)(intptr_t)fd;
}

/* The metadata cache is keyed by device: drop it before the struct is reused. */
static TD_UNUSED void td_close(struct blockdev *dev)
{
	meta_cache_drop(dev);
	close((int)(intptr_t)dev->priv);
}

/* A device over memory; a read that touches block fail_lba fails, when fail is set. */
struct memdisk {
	struct blockdev dev;
	uint8_t *mem;
	bool fail;
	uint64_t fail_lba;
	void *last_buf; /* where the latest read went, to see it went straight to the caller */
	uint64_t last_count;
};

static TD_UNUSED int md_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	struct memdisk *m = (struct memdisk *)dev;

	m->last_buf = buf;
	m->last_count = count;
	if (m->fail && lba <= m->fail_lba && m->fail_lba < lba + count)
		return err_set(E_IO, "%s: injected read error at %llu", dev->name,
			       (unsigned long long)m->fail_lba);
	memcpy(buf, m->mem + lba * dev->block_size, (size_t)(count * dev->block_size));
	return 0;
}

static TD_UNUSED void md_init(struct memdisk *m, void *mem, uint64_t bytes, uint32_t bs)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->dev.name, "md0");
	m->dev.block_size = bs;
	m->dev.num_blocks = bytes / bs;
	m->dev.read = md_read;
	m->mem = mem;
}

/* Reads a whole host file (images.sh's files/ or an image) into memory; aborts if missing. */
static TD_UNUSED uint8_t *td_slurp(const char *name, size_t *len)
{
	const char *path = td_path(name);
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "cannot read %s\n", path);
		abort();
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A value from expect.txt (what sgdisk, sfdisk, blkid, mshowfat said), or NULL. */
static TD_UNUSED const char *td_expect(const char *key)
{
	static char *text;
	static size_t len;
	size_t kl = strlen(key);

	if (!text)
		text = (char *)td_slurp("expect.txt", &len), text[len] = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			static char val[4][256];
			static int next;
			char *v = val[next++ % 4];
			size_t vl = (nl ? (size_t)(nl - line) : strlen(line)) - kl - 1;
			if (vl >= sizeof(val[0]))
				vl = sizeof(val[0]) - 1;
			memcpy(v, line + kl + 1, vl);
			v[vl] = 0;
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static TD_UNUSED unsigned long long td_expect_u(const char *key)
{
	const char *v = td_expect(key);

	if (!v) {
		fprintf(stderr, "expect.txt has no %s\n", key);
		abort();
	}
	return strtoull(v, NULL, 0);
}

#endif
