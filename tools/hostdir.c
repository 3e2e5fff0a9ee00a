/* hostdir.c: a host directory as a baton filesystem (fs/fs.h), for `baton check --dir DIR`. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hostdir.h"

struct hd_file {
	struct fs_file f;
	int fd;	    /* the open file or directory; for a symlink, its directory */
	char *name; /* a symlink's name in that directory */
};

static struct fs_file *hd_new(int fd, const struct stat *st)
{
	struct hd_file *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->fd = fd;
	h->f.size = (uint64_t)st->st_size;
	h->f.type = S_ISREG(st->st_mode)   ? FS_FILE
		    : S_ISDIR(st->st_mode) ? FS_DIR
		    : S_ISLNK(st->st_mode) ? FS_SYMLINK
					   : FS_OTHER;
	h->f.mode = st->st_mode;
	h->f.mtime = st->st_mtime;
	h->f.ino = st->st_ino;
	return &h->f;
}

static int hd_root(struct fs *fs, struct fs_file **out)
{
	struct hostdir *hd = (struct hostdir *)fs;
	struct stat st;
	int fd = open(hd->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) || !(*out = hd_new(fd, &st))) {
		if (fd >= 0)
			close(fd);
		return err_set(E_IO, "%s: %s", hd->path, strerror(errno));
	}
	return 0;
}

static int hd_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	struct hd_file *d = (struct hd_file *)dir;
	struct stat st;
	int fd;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT || errno == ENOTDIR
			   ? E_NOENT
			   : err_set(E_IO, "%s: %s", name, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		/* fs.c reads the target and walks it: keep the directory and the name. */
		fd = dup(d->fd);
		*out = fd >= 0 ? hd_new(fd, &st) : NULL;
		if (*out && !(((struct hd_file *)*out)->name = strdup(name))) {
			close(fd);
			free(*out);
			*out = NULL;
		}
	} else {
		/* O_NONBLOCK: a fifo must not wait for a writer. */
		fd = openat(d->fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		*out = fd >= 0 ? hd_new(fd, &st) : NULL;
	}
	if (!*out) {
		if (fd >= 0)
			close(fd);
		return err_set(E_IO, "%s: %s", name, strerror(errno));
	}
	return 0;
}

static int hd_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	struct hd_file *d = (struct hd_file *)dir;
	int fd = dup(d->fd), r = 0;
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dp) {
		if (fd >= 0)
			close(fd);
		return err_set(E_IO, "readdir: %s", strerror(errno));
	}
	rewinddir(dp);
	while (!r && (de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		enum fs_ftype t = de->d_type == DT_REG	 ? FS_FILE
				  : de->d_type == DT_DIR ? FS_DIR
				  : de->d_type == DT_LNK ? FS_SYMLINK
							 : FS_OTHER;
		r = fn(ctx, de->d_name, t);
	}
	closedir(dp);
	return r;
}

static int hd_readlink(struct fs_file *f, char *buf, size_t size)
{
	struct hd_file *h = (struct hd_file *)f;
	ssize_t n = readlinkat(h->fd, h->name, buf, size - 1);

	if (n < 0)
		return err_set(E_IO, "%s: %s", h->name, strerror(errno));
	buf[n] = 0;
	return 0;
}

static int hd_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	return err_set(E_UNSUPP, "a host directory's files have no extents");
}

static int hd_read(struct fs_file *f, uint64_t off, uint64_t len, void *buf)
{
	struct hd_file *h = (struct hd_file *)f;

	for (uint64_t got = 0; got < len;) {
		ssize_t n = pread(h->fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n <= 0)
			return err_set(E_IO, "read failed: %s",
				       n ? strerror(errno) : "end of file");
		got += (uint64_t)n;
	}
	return 0;
}

static void hd_close(struct fs_file *f)
{
	struct hd_file *h = (struct hd_file *)f;

	close(h->fd);
	free(h->name);
	free(h);
}

static void hd_unmount(struct fs *fs)
{
}

static const struct fs_driver hostdir_driver = {
    .name = "hostdir",
    .root = hd_root,
    .lookup = hd_lookup,
    .readdir = hd_readdir,
    .readlink = hd_readlink,
    .extents = hd_extents,
    .read = hd_read,
    .close = hd_close,
    .unmount = hd_unmount,
};

int hostdir_mount(struct hostdir *hd, const char *path)
{
	struct stat st;

	memset(hd, 0, sizeof(*hd));
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return err_set(E_NOENT, "%s: not a directory", path);
	hd->fs.drv = &hostdir_driver;
	hd->fs.vol = &hd->vol;
	snprintf(hd->vol.name, sizeof(hd->vol.name), "dir");
	hd->path = path;
	return 0;
}

void hostdir_vol(struct hostdir *hd, struct ent_vol *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->fs = &hd->fs;
	ev->name = hd->path;
	ev->flags = ENT_BOOT | ENT_ESP | ENT_HOSTDIR;
}
