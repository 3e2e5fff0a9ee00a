/* part.h: partition table scanning (GPT, MBR with extended/logical partitions, hybrid MBR). */
#ifndef BATON_PART_H
#define BATON_PART_H

#include "blockdev.h"

/*
 * Fills out[] with the volumes of dev: one per partition (GPT when an MBR has an 0xEE entry and
 * a GPT header, primary or backup, is valid; else the MBR's primary partitions, then the logical
 * ones of its first extended partition, numbered from 5), or one whole-disk volume when there is
 * no partition table. An MBR entry that starts at sector 0 (a hybrid ISO's) makes the whole disk
 * the first volume, before the other entries. Returns the count, or a negative error.
 */
int part_scan(struct blockdev *dev, struct volume *out, int max);

/*
 * Set by part_scan() when it worked around a problem (a bad primary GPT, so the backup was used;
 * entries outside the disk; too many partitions): a message the caller may show. Empty when
 * there was nothing to say; reset by every part_scan().
 */
extern char part_warning[160];

/* An EFI system partition: GPT type c12a7328-f81f-11d2-ba4b-00a0c93ec93b, or MBR type 0xEF. */
bool vol_is_esp(const struct volume *v);
/* An Extended Boot Loader partition (BLS): GPT type bc13c2ff-59e6-4262-a352-b275fd6f7172, or
 * MBR type 0xEA. */
bool vol_is_xbootldr(const struct volume *v);

#endif
