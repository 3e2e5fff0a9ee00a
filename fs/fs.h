/* fs.h: the filesystem interface: drivers in a table, paths walked once, data read in large runs.
 */
#ifndef BATON_FS_H
#define BATON_FS_H

#include "blockdev.h"

struct fs;
struct fs_file;

enum fs_ftype { FS_FILE, FS_DIR, FS_SYMLINK, FS_OTHER };

/* A hole in a sparse file: the extent's vol_off when its bytes read as zeros. */
#define FS_HOLE UINT64_MAX

/* How many symlinks one path may go through (Linux's MAXSYMLINKS). */
#define FS_SYMLINK_MAX 40

/*
 * One contiguous piece of a file: len bytes at file_off lie at vol_off in the volume, or are
 * zeros when vol_off is FS_HOLE. Returning nonzero stops the walk with that value.
 */
typedef int (*fs_extent_fn)(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len);

/* One directory entry; type is FS_OTHER when the directory does not say. Nonzero stops. */
typedef int (*fs_dirent_fn)(void *ctx, const char *name, enum fs_ftype type);

/*
 * A driver. fs.c does the rest: it walks paths component by component (".", "..", repeated '/'
 * and symlinks are handled there, never by a driver), reads data by merging a file's extents
 * into as few device reads as possible, and checks every range before a driver sees it.
 */
struct fs_driver {
	const char *name; /* "fat", "ext4", "iso9660" */
	/* Returns 0 and a mounted fs, E_FORMAT if the volume is not this filesystem, or an error.
	 */
	int (*mount)(struct volume *v, struct fs **out);
	int (*root)(struct fs *fs, struct fs_file **out);
	/*
	 * Opens the entry called name (one component, never "." or "..", UTF-8) in directory dir.
	 * Returns E_NOENT, without a message, when there is none; fs.c words the error.
	 */
	int (*lookup)(struct fs_file *dir, const char *name, struct fs_file **out);
	/* Calls fn for each entry of dir except "." and "..", in on-disk order. */
	int (*readdir)(struct fs_file *dir, fs_dirent_fn fn, void *ctx);
	/* The target of symlink f, NUL-terminated; a target of size or more bytes is E_RANGE. */
	int (*readlink)(struct fs_file *f, char *buf, size_t size);
	/* Calls fn for each piece of [off, off+len) of a regular file, in file order. */
	int (*extents)(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx);
	/*
	 * Optional: reads [off, off+len) itself (data that is not in blocks, such as ext4 inline
	 * data); may call fs_read_extents() for the rest. NULL: fs.c reads through extents.
	 */
	int (*read)(struct fs_file *f, uint64_t off, uint64_t len, void *buf);
	void (*close)(struct fs_file *f);
	void (*unmount)(struct fs *fs);
};

/* Common head of every driver's fs object; the driver fills label and uuid in mount. */
struct fs {
	const struct fs_driver *drv;
	struct volume *vol;
	char label[64]; /* UTF-8, as blkid prints LABEL= */
	char uuid[40];	/* as blkid prints UUID= */
};

/* Common head of every driver's file object; the driver fills everything but fs. */
struct fs_file {
	struct fs *fs;
	uint64_t size; /* bytes; a symlink's target length */
	enum fs_ftype type;
	uint32_t mode; /* POSIX permission and type bits when the filesystem has them, else 0 */
	int64_t mtime; /* seconds since 1970 UTC, 0 when unknown */
	uint64_t ino;  /* an inode or entry number, unique within the fs (ls -i, loop checks) */
};

/* Tries each driver in turn. */
int fs_mount(struct volume *v, struct fs **out);
/* Mounts with the driver called name only (tests, fuzzing, `baton ls --fs`). */
int fs_mount_as(struct volume *v, const char *name, struct fs **out);
void fs_unmount(struct fs *fs);

/* fs_open() flags */
#define FS_NOFOLLOW 1 /* open a final symlink itself, not its target */

/*
 * Opens an absolute, '/'-separated path. Symlinks are followed in every component (relative
 * ones from their directory, absolute ones from this volume's root), at most FS_SYMLINK_MAX.
 */
int fs_open(struct fs *fs, const char *path, struct fs_file **out);
int fs_open_flags(struct fs *fs, const char *path, int flags, struct fs_file **out);
/* Reads [off, off+len) of a regular file; a read past the end is E_RANGE. */
int fs_read(struct fs_file *f, uint64_t off, uint64_t len, void *buf);
/* Where a file's bytes lie in its volume (the host tool's `map`, the benchmark's raw reads). */
int fs_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx);
int fs_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx);
int fs_readlink(struct fs_file *f, char *buf, size_t size);
void fs_close(struct fs_file *f);

/*
 * Overwrites [off, off+len) of an existing regular file with buf where its bytes already lie
 * (fs/rewrite.c): whole device blocks, no holes, nothing allocated and no metadata touched;
 * written, flushed, read back and compared. For the state file (config/state.h) only.
 */
int fs_rewrite(struct fs_file *f, uint64_t off, uint64_t len, const void *buf);

/* The generic reader behind fs_read(), for drivers whose read() handles only a special case. */
int fs_read_extents(struct fs_file *f, uint64_t off, uint64_t len, void *buf);

/* Reads a whole (small) file into a new mem_alloc()ed buffer with a NUL appended. */
int fs_read_all(struct fs *fs, const char *path, char **data, size_t *len, size_t max);

#endif
