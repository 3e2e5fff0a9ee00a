/* fs.c: the filesystem driver table, and calls dispatched to a mounted filesystem's driver. */
#include "fs.h"

extern const struct fs_driver fat_driver;

/* Every filesystem baton reads: a new one is its own file plus one line here. */
static const struct fs_driver *const drivers[] = {
    &fat_driver,
};

int fs_mount(struct volume *v, struct fs **out)
{
	*out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
		int r = drivers[i]->mount(v, out);
		if (r == E_FORMAT) /* not this driver's filesystem */
			continue;
		if (r)
			return r;
		(*out)->drv = drivers[i];
		(*out)->vol = v;
		return 0;
	}
	return err_set(E_FORMAT, "%s: no filesystem baton can read", v->name);
}

int fs_open(struct fs *fs, const char *path, struct fs_file **out)
{
	*out = NULL;
	if (path[0] != '/')
		return err_set(E_INVAL, "%s: path must start with '/'", path);
	int r = fs->drv->open(fs, path, out);
	if (!r)
		(*out)->fs = fs;
	return r;
}

int fs_read(struct fs_file *f, uint64_t off, uint64_t len, void *buf)
{
	if (off > f->size || len > f->size - off)
		return err_set(
		    E_RANGE, "read of %llu bytes at %llu is past the end of the file (%llu bytes)",
		    (unsigned long long)len, (unsigned long long)off, (unsigned long long)f->size);
	if (!len)
		return 0;
	return f->fs->drv->read(f, off, len, buf);
}

int fs_extents(struct fs_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	if (off > f->size || len > f->size - off)
		return err_set(E_RANGE, "extents past the end of the file");
	if (!len)
		return 0;
	if (!f->fs->drv->extents)
		return err_set(E_INVAL, "%s cannot map files", f->fs->drv->name);
	return f->fs->drv->extents(f, off, len, fn, ctx);
}

void fs_close(struct fs_file *f)
{
	if (f)
		f->fs->drv->close(f);
}

void fs_unmount(struct fs *fs)
{
	if (fs)
		fs->drv->unmount(fs);
}

int fs_read_all(struct fs *fs, const char *path, char **data, size_t *len, size_t max)
{
	struct fs_file *f;
	int r = fs_open(fs, path, &f);

	*data = NULL;
	*len = 0;
	if (r)
		return r;
	if (f->is_dir) {
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
