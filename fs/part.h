/* part.h: partition table scanning (MBR primary partitions, GPT). */
#ifndef BATON_PART_H
#define BATON_PART_H

#include "blockdev.h"

/*
 * Fills out[] with the volumes of dev: one per partition (GPT when a protective MBR and a valid
 * GPT header are found, else MBR primaries), or one whole-disk volume when there is no
 * partition table. Returns the count, or a negative error with err_set().
 */
int part_scan(struct blockdev *dev, struct volume *out, int max);

#endif
