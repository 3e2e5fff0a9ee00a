/* install.h: the installer's parts: the target disk, file jobs on its filesystems, undo data. */
#ifndef BATON_INSTALL_H
#define BATON_INSTALL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "blockdev.h"

#define INST_MAX_VOLS 128

/* What a run of bytes belongs to; uninstall restores MBR first, then GAP, then FS. */
enum run_class { RUN_MBR, RUN_GAP, RUN_FS };

/* Bytes at an absolute offset of the target: what goes there, or what was there. */
struct run {
	uint64_t off, len;
	uint8_t *data;
	enum run_class cls;
	uint64_t part; /* RUN_FS: the first sector of the partition the bytes are in */
};

/* The disk being installed on (an image file or a block device), opened read-write. */
struct target {
	const char *path;
	int fd;
	int dfd; /* O_DIRECT, for reading back what was written to a block device; -1 if none */
	bool blk;
	dev_t rdev;   /* block device: its number */
	dev_t st_dev; /* image file: where it lives */
	ino_t ino;
	uint32_t ss; /* logical sector size */
	uint64_t bytes;
	struct blockdev dev; /* reads for part_scan() and the fs drivers */
	struct volume vols[INST_MAX_VOLS];
	int n_vols;
	enum part_scheme scheme;
	uint8_t diskid[16]; /* GPT disk GUID, or the MBR disk signature in the first 4 bytes */
	/* Where writes may go (tgt_write refuses anything else). */
	struct {
		uint64_t off, len;
	} allow[16];
	int n_allow;
	int writes; /* how many writes reached the target */
	/*
	 * A sector 0 that looks like a FAT/NTFS boot sector hides a partition table from
	 * part_scan(). table_behind: with baton's boot code in bytes 0-439 it would be one;
	 * overlay: reads of sector 0 return it so (--force).
	 */
	bool table_behind, overlay;
	uint8_t code[440];
	/* undo.c: where each partition's state file lies, found once until the next write */
	struct state_map *smaps;
	int n_smaps, smaps_writes;
};

int tgt_open(struct target *t, const char *path, uint32_t force_ss);
/* The same, read-only (listings): tgt_write() then fails as the kernel refuses it. */
int tgt_open_ro(struct target *t, const char *path);
void tgt_close(struct target *t);
/* Scans the partition table into t->vols (refuses one part_scan() had to work around). */
int tgt_scan(struct target *t);
/*
 * The partition that starts at sector start, or NULL: how undo records name a partition (by its
 * first sector, which stays when a table is rewritten), so uninstall finds it again.
 */
struct volume *tgt_vol_at(struct target *t, uint64_t start);
/* Looks for a partition table behind a boot-sector-like sector 0 (sets table_behind); keep: use it.
 */
int tgt_scan_behind(struct target *t, const uint8_t code[440], bool keep);
int tgt_read(struct target *t, uint64_t off, uint64_t len, void *buf);
void tgt_allow(struct target *t, uint64_t off, uint64_t len);
/* Writes inside the allowed ranges only, flushes, reads back and compares. */
int tgt_write(struct target *t, uint64_t off, uint64_t len, const void *buf);

/*
 * How the running system uses bytes [off, off+len) of the target: 0 when nothing does, 1 when
 * exactly that range is a filesystem mounted read-write (its root at dir), or an error naming
 * what holds it (a mount of part of it, a read-only mount, swap, device-mapper...).
 */
int tgt_usage(struct target *t, uint64_t off, uint64_t len, char *dir, size_t n);

/* Undoes /proc/self/mountinfo's octal escapes (\040 for a space) in a field, in place. */
void mountinfo_unescape(char *s);

/* A partition's label for messages: "(hd0,gpt2)" with the number baton counts by. */
const char *vol_label(const struct volume *v);

/* --- file jobs (fsjob.c): files put on one filesystem, staged or through its mount --- */

enum fop_kind { FOP_MKDIR, FOP_PUT, FOP_DEL, FOP_RMDIR };

struct fop {
	enum fop_kind kind;
	char path[160]; /* absolute, '/'-separated */
	const uint8_t *data;
	size_t len;
	/* Filled by job_prepare(): what was there, for the undo data. */
	bool existed;
	uint8_t *old;
	size_t old_len;
	bool skip; /* nothing to do: the directory exists, or the file holds these bytes already */
};

struct fsjob {
	struct target *t;
	struct volume *vol; /* the partition; NULL when dir is a directory given by --esp */
	char dir[PATH_MAX]; /* the filesystem's mount point, or "" when staged */
	const char *fsname; /* "fat", "ext4" */
	struct fop ops[24];
	int n_ops;
	bool no_undo; /* uninstall's own jobs */
	/* Staged: the sectors that change, in the order they are written (file data first). */
	struct run *runs;
	int n_runs;
	char tmp[512];	/* scratch directory */
	char work[600]; /* the changed copy of the filesystem */
};

/* Adds an operation; returns it. */
struct fop *job_add(struct fsjob *j, enum fop_kind kind, const char *path, const void *data,
		    size_t len);
/*
 * Looks at the filesystem as it is (which files and directories exist), and for an unmounted
 * one carries the operations out on a scratch copy, checks them (the files read back through
 * baton's drivers, fsck before and after) and finds the sectors that change.
 */
int job_prepare(struct fsjob *j);
/* Writes: the changed sectors (staged) or the files through the mount point, fsync'ed. */
int job_apply(struct fsjob *j);
/*
 * Where path's bytes lie, as absolute sectors of the target: staged, in the scratch copy (the
 * same place they go on the disk); mounted, after job_apply(). fn gets (lba, sectors) per
 * contiguous piece, in file order; a hole or a piece not on a sector boundary is an error.
 */
int job_extents(struct fsjob *j, const char *path,
		int (*fn)(void *ctx, uint64_t lba, uint64_t count), void *ctx);
void job_free(struct fsjob *j);
/* Reads a whole file from a filesystem as it is now (mount or the partition itself). */
int fs_get(struct target *t, struct volume *vol, const char *dir, const char *path, uint8_t **data,
	   size_t *len);

/* --- undo data (undo.c) --- */

enum urec_kind { UR_BYTES = 1, UR_FILE = 2, UR_DIR = 3, UR_BOOTENTRY = 4 };

struct urec {
	uint32_t kind;
	uint32_t cls;	    /* UR_BYTES: enum run_class */
	uint64_t off;	    /* UR_BYTES: byte offset on the disk; UR_BOOTENTRY: the entry number */
	uint64_t part;	    /* first sector of the partition (RUN_FS, UR_FILE, UR_DIR) */
	uint64_t len;	    /* bytes of data */
	uint8_t *data;	    /* UR_BYTES: the original bytes; UR_FILE: the file's old content */
	bool existed;	    /* UR_FILE: there was a file (else uninstall deletes it) */
	char path[160];	    /* UR_FILE, UR_DIR */
	char dir[PATH_MAX]; /* UR_FILE, UR_DIR on a directory given by --esp, else "" */
	uint8_t post[32];   /* SHA-256 of the content the install left */
	bool has_post;
};

struct undo {
	uint64_t disk_bytes;
	uint32_t ss;
	uint8_t diskid[16];
	bool complete; /* the install finished (an interrupted one needs --force to undo) */
	struct urec *r;
	int n, cap;
};

int undo_load(const char *path, struct undo *u);
int undo_save(const char *path, const struct undo *u);
void undo_free(struct undo *u);
struct urec *undo_push(struct undo *u, uint32_t kind);
/* Records the original bytes of a range, keeping older originals where ranges overlap. */
int undo_add_bytes(struct undo *u, enum run_class cls, uint64_t part, uint64_t off, uint64_t len,
		   const uint8_t *orig);
/* The record of a file or directory at path on that partition or directory, or NULL. */
struct urec *undo_find(struct undo *u, uint32_t kind, uint64_t part, const char *dir,
		       const char *path);
/* The content a record covers as it is now (SHA-256); E_NOENT for a file that is not there. */
int urec_current(struct target *t, const struct urec *r, uint8_t out[32]);

/*
 * Errors with room for the installer's longer messages (lib's err_set() keeps 255 bytes):
 * ierr() sets both; imsg() is the latest message, whole when ierr() set it.
 */
int ierr(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *imsg(void);

/* Helpers shared by the parts. */
int run_tool(char *out, size_t n, const char *const argv[]);
int write_file(const char *path, const void *data, size_t len);

#endif
