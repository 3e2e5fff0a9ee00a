/* fs.h: the filesystem interface: drivers in a table, file data read in large runs. */
#ifndef BATON_FS_H
#define BATON_FS_H

#include "blockdev.h"

struct fs;
struct fs_file;

/* One contiguous piece of a file: len bytes at file_off lie at vol_off in the volume. */
typedef int (*fs_extent_fn)(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len);

struct fs_driver {
	const char *name; /* "fat" */
	/* Returns 0 and a mounted fs, E_FORMAT if the volume is not this filesystem, or an error.
	 */
	int (*mount)(struct volume *v, struct fs **out);
	int (*open)(struct fs *fs, const char *path, struct fs_file **out);
	/* Reads [off, off+len) of the file; a read past the end is E_RANGE. */
	int (*read)(struct fs_file *f, uint64_t off, uint64_t len, void *buf);
	/* Calls fn for each contiguous piece of [off, off+len), in file order (bounds checked). */
	int (*extents)(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx);
	void (*close)(struct fs_file *f);
	void (*unmount)(struct fs *fs);
};

/* Common head of every driver's fs and file objects. */
struct fs {
	const struct fs_driver *drv;
	struct volume *vol;
	char label[32];
	char uuid[40]; /* text form as blkid prints it */
};

struct fs_file {
	struct fs *fs;
	uint64_t size;
	bool is_dir;
};

/* Tries each driver in turn. */
int fs_mount(struct volume *v, struct fs **out);
/* Paths are absolute, '/' separated; FAT lookups are case-insensitive. */
int fs_open(struct fs *fs, const char *path, struct fs_file **out);
int fs_read(struct fs_file *f, uint64_t off, uint64_t len, void *buf);
/* Where a file's bytes lie in its volume (the host tool's `map`, the benchmark's raw reads). */
int fs_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx);
void fs_close(struct fs_file *f);
void fs_unmount(struct fs *fs);

/* Reads a whole (small) file into a new mem_alloc()ed buffer with a NUL appended. */
int fs_read_all(struct fs *fs, const char *path, char **data, size_t *len, size_t max);

#endif
