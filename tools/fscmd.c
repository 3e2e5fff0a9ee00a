/* fscmd.c: the host tool's filesystem commands (ls, cat, map) through baton's own fs/ drivers. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmds.h"
#include "fs.h"
#include "imgdev.h"
#include "part.h"

#define MAX_VOLS 128

static struct blockdev dev;
static struct volume vols[MAX_VOLS];
static int n_vols;

static int fail(void)
{
	fprintf(stderr, "baton: %s\n", err_msg());
	return 1;
}

static int scan(const char *img)
{
	if (imgdev_open(img, &dev))
		return -1;
	n_vols = part_scan(&dev, vols, MAX_VOLS);
	if (n_vols < 0)
		return -1;
	if (part_warning[0])
		fprintf(stderr, "baton: warning: %s\n", part_warning);
	return 0;
}

/*
 * IMAGE[:PART]: PART is a partition number as GRUB counts them (msdos5 is the first logical
 * one) or a PARTUUID; without it, the first volume that holds a filesystem baton reads.
 */
static int mount_arg(const char *arg, struct fs **fs)
{
	char img[PATH_MAX], why[256] = "";
	const char *part;

	if (imgdev_split(arg, img, sizeof(img), &part) || scan(img))
		return -1;
	for (int i = 0; i < n_vols; i++) {
		if (part) {
			if (vol_match(&vols[i], part))
				return fs_mount(&vols[i], fs);
			continue;
		}
		int m = fs_mount(&vols[i], fs);
		if (!m)
			return 0;
		if (m != E_FORMAT && !why[0]) /* a filesystem that is there but broken: say why */
			snprintf(why, sizeof(why), "%s", err_msg());
	}
	if (part)
		return err_set(E_NOENT, "%s: no partition %s", img, part);
	if (why[0])
		return err_set(E_CORRUPT, "%s", why);
	return err_set(E_NOENT, "%s: no volume with a filesystem baton can read", img);
}

/* The volumes of a disk image, as GRUB's ls and blkid would describe them. */
static int list_volumes(const char *img)
{
	if (scan(img))
		return fail();
	for (int i = 0; i < n_vols; i++) {
		struct volume *v = &vols[i];
		struct fs *fs;
		printf("(%s) start %llu, %llu blocks of %u bytes", v->name,
		       (unsigned long long)v->start, (unsigned long long)v->blocks, dev.block_size);
		if (v->partuuid[0])
			printf(", partuuid %s", v->partuuid);
		if (v->scheme == PART_MBR)
			printf(", type 0x%02x", v->mbr_type);
		if (v->scheme == PART_GPT) {
			char t[37];
			guid_to_str(v->type_guid, t);
			printf(", type %s", t);
		}
		if (!fs_mount(v, &fs)) {
			printf(": %s", fs->drv->name);
			if (fs->uuid[0])
				printf(", uuid %s", fs->uuid);
			if (fs->label[0])
				printf(", label \"%s\"", fs->label);
			fs_unmount(fs);
		} else {
			printf(": %s", err_msg());
		}
		printf("\n");
	}
	return 0;
}

static void print_entry(struct fs_file *f, const char *name, const char *target)
{
	static const char tc[] = {'-', 'd', 'l', '?'};
	char when[32] = "";
	time_t t = (time_t)f->mtime;
	struct tm tm;

	if (f->mtime && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	printf("%c %04o %12llu %16s %s%s%s\n", tc[f->type], f->mode & 07777,
	       (unsigned long long)f->size, when, name, target ? " -> " : "", target ? target : "");
}

struct lsctx {
	struct fs *fs;
	const char *dir;
	int errors;
};

static int ls_entry(void *ctx, const char *name, enum fs_ftype type)
{
	struct lsctx *l = ctx;
	size_t n = strlen(l->dir) + strlen(name) + 2;
	char *path = malloc(n), target[4096];
	struct fs_file *f;

	snprintf(path, n, "%s%s%s", l->dir, l->dir[strlen(l->dir) - 1] == '/' ? "" : "/", name);
	if (fs_open_flags(l->fs, path, FS_NOFOLLOW, &f)) {
		fprintf(stderr, "baton: %s\n", err_msg());
		l->errors++;
	} else {
		bool link = f->type == FS_SYMLINK && !fs_readlink(f, target, sizeof(target));
		print_entry(f, name, link ? target : NULL);
		fs_close(f);
	}
	free(path);
	return 0;
}

/* baton ls IMAGE[:PART] [PATH]: a directory's entries (or one file); IMAGE alone: volumes. */
int cmd_ls(int argc, char **argv)
{
	struct fs *fs;
	struct fs_file *f;
	char img[PATH_MAX];
	const char *part;

	if (argc < 1 || argc > 2)
		return usage();
	if (argc == 1 && !imgdev_split(argv[0], img, sizeof(img), &part) && !part)
		return list_volumes(argv[0]);
	const char *path = argc == 2 ? argv[1] : "/";
	if (mount_arg(argv[0], &fs) || fs_open(fs, path, &f))
		return fail();
	if (f->type != FS_DIR) {
		print_entry(f, path, NULL);
		return 0;
	}
	struct lsctx l = {fs, path, 0};
	if (fs_readdir(f, ls_entry, &l))
		return fail();
	return l.errors ? 1 : 0;
}

/*
 * baton cat [--stats] IMAGE[:PART] PATH: the file's bytes on stdout, read in 64 MiB calls so
 * that a contiguous file costs few device reads. --stats prints the device reads and the time
 * on stderr.
 */
int cmd_cat(int argc, char **argv)
{
	const uint64_t chunk_max = 64ull << 20;
	struct fs *fs;
	struct fs_file *f;
	struct timespec t0, t1;
	bool stats = argc > 0 && !strcmp(argv[0], "--stats");

	if (stats)
		argc--, argv++;
	if (argc != 2)
		return usage();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mount_arg(argv[0], &fs) || fs_open(fs, argv[1], &f))
		return fail();
	if (f->type != FS_FILE) {
		err_set(E_INVAL, "%s is not a regular file", argv[1]);
		return fail();
	}
	uint64_t reads0 = dev.read_calls;
	char *buf = malloc(f->size < chunk_max ? f->size + 1 : chunk_max);
	if (!buf) {
		err_set(E_NOMEM, "out of memory");
		return fail();
	}
	for (uint64_t off = 0; off < f->size;) {
		uint64_t n = f->size - off < chunk_max ? f->size - off : chunk_max;
		if (fs_read(f, off, n, buf))
			return fail();
		if (fwrite(buf, 1, n, stdout) != n) {
			err_set(E_IO, "write to stdout failed");
			return fail();
		}
		off += n;
	}
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats) {
		double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr,
			"%s: %llu bytes, %llu device reads for the data (%llu in all), %.3f s, "
			"%.0f MiB/s\n",
			argv[1], (unsigned long long)f->size,
			(unsigned long long)(dev.read_calls - reads0),
			(unsigned long long)dev.read_calls, s, f->size / 1048576.0 / s);
	}
	free(buf);
	return 0;
}

static int print_extent(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	if (vol_off == FS_HOLE)
		printf("%llu hole %llu\n", (unsigned long long)file_off, (unsigned long long)len);
	else
		printf("%llu %llu %llu\n", (unsigned long long)file_off,
		       (unsigned long long)vol_off, (unsigned long long)len);
	return 0;
}

/* baton map IMAGE[:PART] PATH: FILE_OFFSET VOLUME_OFFSET BYTES per piece ("hole" for holes). */
int cmd_map(int argc, char **argv)
{
	struct fs *fs;
	struct fs_file *f;

	if (argc != 2)
		return usage();
	if (mount_arg(argv[0], &fs) || fs_open(fs, argv[1], &f) ||
	    fs_extents(f, 0, f->size, print_extent, NULL))
		return fail();
	return 0;
}
