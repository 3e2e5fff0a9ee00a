/* fs.c: the driver table, the path walk (".", "..", symlinks) and the extent-merging reader. */
#include "fs.h"

extern const struct fs_driver fat_driver;
extern const struct fs_driver ext4_driver;
extern const struct fs_driver iso9660_driver;

/* Every filesystem baton reads: a new one is its own file plus one line here. */
static const struct fs_driver *const drivers[] = {
    &fat_driver,
    &ext4_driver,
    &iso9660_driver,
};

#define PATH_MAX_BYTES 4096 /* a path being walked, symlink targets spliced in */
#define DEPTH_MAX      256  /* directories open at once during a walk */

static int mount_one(const struct fs_driver *drv, struct volume *v, struct fs **out)
{
	int r = drv->mount(v, out);

	if (r) {
		*out = NULL;
		return r;
	}
	(*out)->drv = drv;
	(*out)->vol = v;
	return 0;
}

int fs_mount(struct volume *v, struct fs **out)
{
	*out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
		int r = mount_one(drivers[i], v, out);
		if (r != E_FORMAT) /* E_FORMAT: not this driver's filesystem */
			return r;
	}
	return err_set(E_FORMAT, "%s: no filesystem baton can read", v->name);
}

int fs_mount_as(struct volume *v, const char *name, struct fs **out)
{
	*out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(drivers[i]->name, name))
			return mount_one(drivers[i], v, out);
	return err_set(E_INVAL, "no filesystem driver called %s", name);
}

void fs_unmount(struct fs *fs)
{
	if (fs)
		fs->drv->unmount(fs);
}

void fs_close(struct fs_file *f)
{
	if (f)
		f->fs->drv->close(f);
}

/* Opens one component; fs.c owns the fs pointer of every file a driver returns. */
static int do_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	int r = dir->fs->drv->lookup(dir, name, out);

	if (!r)
		(*out)->fs = dir->fs;
	else
		*out = NULL;
	return r;
}

/*
 * The walk keeps the directories it went through on a stack, so ".." is the directory the walk
 * came from (after symlinks, as the kernel does), and the root's ".." is the root. A symlink's
 * target is spliced in front of the rest of the path and the walk goes on.
 */
int fs_open_flags(struct fs *fs, const char *path, int flags, struct fs_file **out)
{
	struct fs_file **st = NULL, *child;
	char *todo = NULL, *comp = NULL, *link = NULL;
	const char *p;
	int n = 0, links = 0, r;

	*out = NULL;
	if (path[0] != '/')
		return err_set(E_INVAL, "%s: path must start with '/'", path);
	if (strlen(path) >= PATH_MAX_BYTES)
		return err_set(E_RANGE, "a path of %zu bytes is too long", strlen(path));
	st = mem_alloc(DEPTH_MAX * sizeof(*st));
	todo = mem_alloc(PATH_MAX_BYTES);
	comp = mem_alloc(PATH_MAX_BYTES);
	link = mem_alloc(PATH_MAX_BYTES);
	if (!st || !todo || !comp || !link) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	strlcpy_b(todo, path, PATH_MAX_BYTES);
	r = fs->drv->root(fs, &st[0]);
	if (r)
		goto out;
	st[0]->fs = fs;
	n = 1;
	p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t len = (size_t)(q - p);
		memcpy(comp, p, len);
		comp[len] = 0;
		p = q;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (n > 1)
				fs_close(st[--n]);
			continue;
		}
		if (st[n - 1]->type != FS_DIR) {
			r = err_set(E_NOENT, "%s: a component before %s is not a directory", path,
				    comp);
			goto out;
		}
		r = do_lookup(st[n - 1], comp, &child);
		if (r == E_NOENT)
			err_set(r, "%s: no such file or directory on %s", path, fs->vol->name);
		if (r)
			goto out;
		if (child->type == FS_SYMLINK && (*p || !(flags & FS_NOFOLLOW))) {
			if (++links > FS_SYMLINK_MAX) {
				fs_close(child);
				r = err_set(E_RANGE, "%s: more than %d symbolic links (a loop?)",
					    path, FS_SYMLINK_MAX);
				goto out;
			}
			r = fs_readlink(child, link, PATH_MAX_BYTES);
			fs_close(child);
			if (r)
				goto out;
			if (!link[0]) {
				r = err_set(E_CORRUPT, "%s: %s is an empty symbolic link", path,
					    comp);
				goto out;
			}
			size_t tl = strlen(link), rl = strlen(p);
			if (tl + 1 + rl >= PATH_MAX_BYTES) {
				r = err_set(E_RANGE, "%s: the path through %s is too long", path,
					    comp);
				goto out;
			}
			/* The rest moves right to make room: todo becomes target + "/" + rest. */
			memmove(todo + tl + 1, p, rl + 1);
			memcpy(todo, link, tl);
			todo[tl] = '/';
			p = todo;
			if (link[0] == '/') /* absolute: from this volume's root, as GRUB has it */
				while (n > 1)
					fs_close(st[--n]);
			continue;
		}
		if (n == DEPTH_MAX) {
			fs_close(child);
			r = err_set(E_RANGE, "%s: more than %d directories deep", path, DEPTH_MAX);
			goto out;
		}
		st[n++] = child;
	}
	*out = st[--n];
out:
	while (n > 0)
		fs_close(st[--n]);
	mem_free(st);
	mem_free(todo);
	mem_free(comp);
	mem_free(link);
	return r;
}

int fs_open(struct fs *fs, const char *path, struct fs_file **out)
{
	return fs_open_flags(fs, path, 0, out);
}

static int check_range(struct fs_file *f, uint64_t off, uint64_t len)
{
	if (f->type != FS_FILE)
		return err_set(E_INVAL, "not a regular file");
	if (off > f->size || len > f->size - off)
		return err_set(
		    E_RANGE, "read of %llu bytes at %llu is past the end of the file (%llu bytes)",
		    (unsigned long long)len, (unsigned long long)off, (unsigned long long)f->size);
	return 0;
}

/*
 * Pieces that continue each other on disk are merged into one pending read, so a file whose
 * extents are contiguous (ext4 caps an extent at 128 MiB) costs one device read.
 */
struct reader {
	struct fs_file *f;
	uint8_t *buf;
	uint64_t off0;
	uint64_t file_off, vol_off, len; /* the pending run; len 0: none */
	uint64_t next;			 /* file offset the next piece must start at */
	uint64_t end;			 /* and where the caller's range ends */
};

static int flush(struct reader *rd)
{
	uint8_t *dst;
	int r = 0;

	if (!rd->len) /* nothing pending: file_off may be below off0 */
		return 0;
	dst = rd->buf + (rd->file_off - rd->off0);
	if (rd->vol_off == FS_HOLE)
		memset(dst, 0, rd->len);
	else
		r = vol_read(rd->f->fs->vol, rd->vol_off, rd->len, dst);
	rd->len = 0;
	return r;
}

static int piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct reader *rd = ctx;
	int r;

	/* A driver bug or a corrupt map must not write outside the caller's buffer. */
	if (file_off != rd->next || !len || len > rd->end - file_off)
		return err_set(E_CORRUPT, "%s: the file's extents are inconsistent",
			       rd->f->fs->vol->name);
	rd->next += len;
	if (rd->len &&
	    (rd->vol_off == FS_HOLE ? vol_off == FS_HOLE
				    : vol_off != FS_HOLE && rd->vol_off + rd->len == vol_off)) {
		rd->len += len;
		return 0;
	}
	r = flush(rd);
	rd->file_off = file_off, rd->vol_off = vol_off, rd->len = len;
	return r;
}

int fs_read_extents(struct fs_file *f, uint64_t off, uint64_t len, void *buf)
{
	struct reader rd = {f, buf, off, 0, 0, 0, off, off + len};
	int r;

	if (!len)
		return 0;
	r = f->fs->drv->extents(f, off, len, piece, &rd);
	if (!r)
		r = flush(&rd);
	if (!r && rd.next != off + len)
		r = err_set(E_CORRUPT, "%s: the file's extents do not cover it", f->fs->vol->name);
	return r;
}

int fs_read(struct fs_file *f, uint64_t off, uint64_t len, void *buf)
{
	int r = check_range(f, off, len);

	if (r || !len)
		return r;
	return f->fs->drv->read ? f->fs->drv->read(f, off, len, buf)
				: fs_read_extents(f, off, len, buf);
}

int fs_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	int r = check_range(f, off, len);

	if (r || !len)
		return r;
	return f->fs->drv->extents(f, off, len, fn, ctx);
}

int fs_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	if (dir->type != FS_DIR)
		return err_set(E_INVAL, "not a directory");
	return dir->fs->drv->readdir(dir, fn, ctx);
}

int fs_readlink(struct fs_file *f, char *buf, size_t size)
{
	if (f->type != FS_SYMLINK)
		return err_set(E_INVAL, "not a symbolic link");
	if (!size)
		return err_set(E_RANGE, "no room for a symbolic link");
	if (f->size >= size)
		return err_set(E_RANGE, "a symbolic link of %llu bytes is too long",
			       (unsigned long long)f->size);
	return f->fs->drv->readlink(f, buf, size);
}

int fs_read_all(struct fs *fs, const char *path, char **data, size_t *len, size_t max)
{
	struct fs_file *f;
	int r = fs_open(fs, path, &f);

	*data = NULL;
	*len = 0;
	if (r)
		return r;
	if (f->type == FS_DIR) {
		r = err_set(E_INVAL, "%s is a directory", path);
	} else if (f->size > max) {
		r = err_set(E_RANGE, "%s is %llu bytes, more than the %zu allowed", path,
			    (unsigned long long)f->size, max);
	} else {
		size_t n = (size_t)f->size;
		char *buf = mem_alloc(n + 1);
		r = buf ? fs_read(f, 0, n, buf)
			: err_set(E_NOMEM, "out of memory reading %s", path);
		if (r) {
			mem_free(buf);
		} else {
			buf[n] = 0;
			*data = buf;
			*len = n;
		}
	}
	fs_close(f);
	return r;
}
