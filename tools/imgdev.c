/* imgdev.c: a block device over an image file or a host block device, for the baton host tool. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>
#include "imgdev.h"

static int img_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	int fd = (int)(intptr_t)dev->priv;
	size_t want = (size_t)(count * dev->block_size);
	size_t got = 0;

	while (got < want) {
		ssize_t r =
		    pread(fd, (char *)buf + got, want - got, (off_t)(lba * dev->block_size + got));
		if (r <= 0)
			return err_set(E_IO, "%s: read of %llu blocks at %llu failed", dev->name,
				       (unsigned long long)count, (unsigned long long)lba);
		got += (size_t)r;
	}
	return 0;
}

uint32_t imgdev_sector_size(int fd)
{
	struct stat st;
	char sig[8];
	int ss;

	if (!fstat(fd, &st) && S_ISBLK(st.st_mode))
		return ioctl(fd, BLKSSZGET, &ss) || ss < 512 ? 512 : (uint32_t)ss;
	if (pread(fd, sig, 8, 512) == 8 && !memcmp(sig, "EFI PART", 8))
		return 512;
	if (pread(fd, sig, 8, 4096) == 8 && !memcmp(sig, "EFI PART", 8))
		return 4096;
	return 512;
}

void imgdev_from_fd(int fd, uint32_t block_size, uint64_t bytes, struct blockdev *dev)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "hd0");
	dev->block_size = block_size;
	dev->num_blocks = bytes / block_size;
	dev->read = img_read;
	dev->priv = (void *)(intptr_t)fd;
}

int imgdev_open(const char *path, struct blockdev *dev)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t size;

	if (fd < 0 || fstat(fd, &st))
		return err_set(E_NOENT, "%s: %s", path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			return err_set(E_IO, "%s: cannot get the device size", path);
	} else {
		size = (uint64_t)st.st_size;
	}
	imgdev_from_fd(fd, imgdev_sector_size(fd), size, dev);
	return 0;
}

int imgdev_split(const char *arg, char *img, size_t n, const char **part)
{
	const char *colon = strrchr(arg, ':');
	size_t len = strlen(arg);

	*part = NULL;
	if (colon && colon != arg && colon[1] && !strchr(colon, '/')) {
		len = (size_t)(colon - arg);
		*part = colon + 1;
	}
	if (len >= n)
		return err_set(E_INVAL, "%.40s...: the path is too long", arg);
	memcpy(img, arg, len);
	img[len] = 0;
	return 0;
}

bool vol_match(const struct volume *v, const char *part)
{
	char *end;
	long idx = strtol(part, &end, 10);

	return *part && (*end ? !strcasecmp(part, v->partuuid) : v->index == idx);
}
