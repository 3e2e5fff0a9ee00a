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
/*
 * The commands' IMAGE[:PART] argument: IMAGE into img (n bytes), PART into *part (NULL: none).
 * The last ':' splits only with something before it and a PART without '/' after it, so an
 * image path may hold colons. 0, or E_INVAL for an IMAGE longer than img.
 */
int imgdev_split(const char *arg, char *img, size_t n, const char **part);
/* Is v PART: a partition number as GRUB counts them (5 = first logical) or a PARTUUID? */
bool vol_match(const struct volume *v, const char *part);
#endif
