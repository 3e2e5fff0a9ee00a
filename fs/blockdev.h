/* blockdev.h: block devices as the platform offers them, and volumes (partitions) on them. */
#ifndef BATON_BLOCKDEV_H
#define BATON_BLOCKDEV_H

#include "lib.h"

struct blockdev {
	char name[8];	     /* "hd0", "cd0": the name used in config paths */
	uint32_t block_size; /* bytes, a power of two >= 512 */
	uint64_t num_blocks;
	/* Reads count whole blocks in one call; returns 0, or E_IO after err_set(). */
	int (*read)(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf);
	/*
	 * Writes count whole blocks and flushes them to the medium; returns 0, or an error after
	 * err_set(). NULL: the device is read-only (a CD, or a platform without writes).
	 */
	int (*write)(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf);
	void *priv;
	uint64_t
	    read_calls; /* how many times read() was called: a measurement, see blockdev_read() */
	bool boot;	/* the disk baton was started from */
	uint8_t bios_drive; /* the BIOS's INT 13h number (0x80, 0xe0, ...); 0: not a BIOS disk */
};

/* Bounds-checked, counted read of whole blocks. */
int blockdev_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf);

/* Bounds-checked write of whole blocks (E_UNSUPP on a read-only device); the metadata cache
 * forgets the blocks written. */
int blockdev_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf);

enum part_scheme { PART_NONE, PART_MBR, PART_GPT };

/* A volume: a partition, or the whole disk when it has no partition table. */
struct volume {
	struct blockdev *dev;
	uint64_t start;	 /* first block on dev */
	uint64_t blocks; /* length in dev blocks */
	enum part_scheme scheme;
	int index; /* partition number as GRUB counts them (1-based); 0 for a whole disk */
	uint8_t mbr_type;
	/* MBR partitions: the sector holding its entry (0, or the EBR of a logical one) and the
	 * entry's slot there (0-3), for a chainloaded boot sector's DS:SI. */
	uint64_t table_lba;
	int table_slot;
	uint8_t type_guid[16]; /* GPT: on-disk (mixed-endian) bytes */
	uint8_t part_guid[16];
	char name[24];	   /* "hd0,gpt1", "hd0,msdos5", "hd0" */
	char partuuid[40]; /* as blkid prints PARTUUID=: a GPT unique GUID, or MBR "1234abcd-05" */
};

/*
 * Reads bytes [off, off+len) of a volume into buf. Whole blocks go straight into buf in one
 * device call per contiguous run; only unaligned edges use a bounce block. This is the path
 * file data takes, so it must stay large-grained.
 */
int vol_read(struct volume *v, uint64_t off, uint64_t len, void *buf);

/*
 * Writes whole blocks at byte off of a volume (off and len multiples of the block size), inside
 * it. Only for rewriting a file's own sectors in place (fs_rewrite()).
 */
int vol_write(struct volume *v, uint64_t off, uint64_t len, const void *buf);

/*
 * Reads metadata (FAT sectors, directories) through a small LRU cache of blocks. Never use it
 * for file data.
 */
int vol_read_meta(struct volume *v, uint64_t off, size_t len, void *buf);
/* Drops (and frees) the cached blocks of dev, or of every device when NULL. A write through
 * blockdev_write() drops the ones it changes by itself. */
void meta_cache_drop(struct blockdev *dev);

/* Formats a GUID in its canonical text form (36 chars + NUL). */
void guid_to_str(const uint8_t g[16], char out[37]);

#endif
