/* imgdev.h: block devices over image files for the host tool. */
#ifndef BATON_IMGDEV_H
#define BATON_IMGDEV_H
#include <errno.h>
#include "blockdev.h"
/* Opens path read-only; its sector size as imgdev_sector_size() finds it. */
int imgdev_open(const char *path, struct blockdev *dev);
/* A block device of block_size-byte blocks over bytes of an open file or device (not closed). */
void imgdev_from_fd(int fd, uint32_t block_size, uint64_t bytes, struct blockdev *dev);
/*
 * The logical sector size: a block device's own; for an image file, 4096 when a GPT header is
 * at byte 4096 and not at 512 (a 4Kn disk's image), else 512.
 */
uint32_t imgdev_sector_size(int fd);
#endif
