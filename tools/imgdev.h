/* imgdev.h: block devices over image files for the host tool. */
#ifndef BATON_IMGDEV_H
#define BATON_IMGDEV_H
#include <errno.h>
#include "blockdev.h"
int imgdev_open(const char *path, struct blockdev *dev);
#endif
