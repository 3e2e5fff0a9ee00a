/* statefile.c: the state file (state.h) on a filesystem: read it, rewrite one slot in place. */
#include "fs.h"
#include "state.h"

static int open_state(struct fs *fs, const char *path, struct fs_file **f)
{
	int r = fs_open(fs, path, f);

	if (r)
		return r;
	if ((*f)->type != FS_FILE || (*f)->size != STATE_FILE_SIZE) {
		r = (*f)->type != FS_FILE
			? err_set(E_INVAL, "it is not a regular file")
			: err_set(E_RANGE, "it is %llu bytes, not %u",
				  (unsigned long long)(*f)->size, STATE_FILE_SIZE);
		fs_close(*f);
	}
	return r;
}

int state_read(struct fs *fs, const char *path, uint8_t buf[STATE_FILE_SIZE], struct state *st)
{
	struct fs_file *f;
	int r = open_state(fs, path, &f);

	memset(st, 0, sizeof(*st));
	st->slot = -1;
	if (r)
		return r;
	r = fs_read(f, 0, STATE_FILE_SIZE, buf);
	fs_close(f);
	return r ? r : state_parse(buf, STATE_FILE_SIZE, st);
}

int state_write(struct fs *fs, const char *path, uint8_t buf[STATE_FILE_SIZE], struct state *st)
{
	struct fs_file *f;
	struct state want = *st, got;
	int r, slot = state_build(buf, &want);

	if (slot < 0)
		return slot;
	r = open_state(fs, path, &f);
	if (r)
		return r;
	/* The slot's sectors only; a sector bigger than a slot (4 KiB) holds both: its other
	 * half is the older slot as it is on the disk. */
	uint32_t bs = fs->vol->dev->block_size;
	uint64_t lo = ALIGN_DOWN((uint64_t)slot * STATE_SLOT_SIZE, bs);
	uint64_t hi = ALIGN_UP((uint64_t)(slot + 1) * STATE_SLOT_SIZE, bs);
	if (hi > STATE_FILE_SIZE)
		r = err_set(E_UNSUPP, "its %u-byte sectors are bigger than the file", bs);
	else
		r = fs_rewrite(f, lo, hi - lo, buf + lo);
	fs_close(f);
	/* fs_rewrite read the sectors back and compared them: buf is what the file holds now,
	 * so parsing it checks the new slot is the one a reader takes, without reading again. */
	if (!r)
		r = state_parse(buf, STATE_FILE_SIZE, &got);
	if (!r && (got.seq != want.seq || strcmp(got.saved, want.saved) ||
		   strcmp(got.oneshot, want.oneshot)))
		r = err_set(E_IO, "it does not hold what was written");
	if (!r)
		*st = got;
	return r;
}
