/* state.c: `baton set-default`, `baton oneshot` and `baton state`: the state file from the OS. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cmds.h"
#include "config.h"
#include "entries.h"
#include "fs.h"
#include "hostdir.h"
#include "imgdev.h"
#include "install.h"
#include "state.h"

/*
 * Where a state file is: a directory (a mount point, or --esp DIR) whose files go through the
 * kernel, or a partition of an image or disk that nothing has mounted, whose state file's own
 * sectors are rewritten through baton's driver (fs_rewrite: the same code as at boot), each
 * write checked to lie in that file's sectors (tgt_allow), read back and compared.
 */
struct where {
	char label[PATH_MAX + 80]; /* for messages: "/boot/efi" or "disk.img (hd0,gpt2)" */
	char dir[PATH_MAX];	   /* "" for a partition written through baton's driver */
	struct target *t;
	struct volume *vol;
	struct fs *fs; /* mounted by baton's driver (dir == "") */
	const char *path;
};

#define MAX_WHERE 8

static int state_usage(void)
{
	fprintf(
	    stderr,
	    "usage: baton set-default ENTRY | --clear [--image IMAGE[:PART] | --esp DIR] "
	    "[--force]\n"
	    "       baton oneshot ENTRY | --clear [--image IMAGE[:PART] | --esp DIR] [--force]\n"
	    "       baton state [--image IMAGE[:PART] | --esp DIR]\n"
	    "ENTRY: an entry's id or title, a glob over them (kept as it is), or its number.\n"
	    "Without --image or --esp: the mounted filesystem holding EFI/baton/state or\n"
	    "boot/baton/state (the one baton started from, when the firmware says).\n");
	return 2;
}

/* --- finding the state file --- */

/* A regular file under dir: 1, 0 when there is none, or an error. */
static int dir_has(const char *dir, const char *path)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", dir, path);
	if (stat(p, &st))
		return errno == ENOENT || errno == ENOTDIR
			   ? 0
			   : ierr(E_IO, "%s: %s", p, strerror(errno));
	return S_ISREG(st.st_mode);
}

static int in_dir(const char *dir, struct where *w)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "%s", dir);
	snprintf(w->label, sizeof(w->label), "%s", dir);
	for (size_t i = 0; i < ARRAY_SIZE(state_paths); i++) {
		int r = dir_has(dir, state_paths[i]);
		if (r < 0)
			return r;
		if (r) {
			w->path = state_paths[i];
			return 1;
		}
	}
	return 0;
}

/* The partition the firmware started baton from (BLI LoaderDevicePartUUID), as major:minor. */
static bool loader_partition(dev_t *out)
{
	static const char var[] = "/sys/firmware/efi/efivars/"
				  "LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
	char uuid[40], link[PATH_MAX];
	size_t len, n = 0;
	uint8_t *v = read_file(var, &len);
	struct stat st;

	/* efivarfs: 4 bytes of attributes, then the value (UTF-16, ASCII here). */
	for (size_t i = 4; v && i + 1 < len && v[i] && n + 1 < sizeof(uuid); i += 2)
		uuid[n++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	uuid[n] = 0;
	free(v);
	if (n != 36)
		return false;
	snprintf(link, sizeof(link), "/dev/disk/by-partuuid/%s", uuid);
	if (stat(link, &st) || !S_ISBLK(st.st_mode))
		return false;
	*out = st.st_rdev;
	return true;
}

static bool is_baton_fs(const char *type)
{
	static const char *const types[] = {"vfat", "msdos", "ext2", "ext3", "ext4", "iso9660"};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

/* On the running system: every mounted filesystem (its root) holding a state file. */
static int find_live(struct where *w, int *n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	struct {
		dev_t fdev;
		ino_t ino;
		dev_t mdev;
	} seen[MAX_WHERE];
	dev_t boot = 0;
	bool have_boot = loader_partition(&boot);
	int r = 0;

	*n = 0;
	if (!f)
		return ierr(E_IO, "/proc/self/mountinfo: %s", strerror(errno));
	while (getline(&line, &cap, f) > 0 && *n < MAX_WHERE) {
		char root[PATH_MAX], dir[PATH_MAX], p[PATH_MAX * 2];
		unsigned ma, mi;
		struct stat st;
		if (sscanf(line, "%*u %*u %u:%u %4095s %4095s", &ma, &mi, root, dir) != 4)
			continue;
		/* Only filesystems baton reads: looking into proc, autofs or a dead NFS server's
		 * mount would trigger, or hang on, something that cannot hold the file. */
		const char *dash = strstr(line, " - ");
		char type[32] = "";
		if (!dash || sscanf(dash, " - %31s", type) != 1 || !is_baton_fs(type))
			continue;
		mountinfo_unescape(root);
		mountinfo_unescape(dir);
		if (strcmp(root, "/") || in_dir(dir, &w[*n]) != 1)
			continue;
		snprintf(p, sizeof(p), "%s%s", dir, w[*n].path);
		if (stat(p, &st))
			continue;
		bool dup = false;
		for (int i = 0; i < *n; i++)
			dup |= seen[i].fdev == st.st_dev && seen[i].ino == st.st_ino;
		if (dup)
			continue;
		seen[*n].fdev = st.st_dev;
		seen[*n].ino = st.st_ino;
		seen[*n].mdev = makedev(ma, mi);
		(*n)++;
	}
	free(line);
	fclose(f);
	/* Several: the one the firmware started baton from, if it says. */
	for (int i = 0; *n > 1 && have_boot && i < *n; i++) {
		if (seen[i].mdev == boot) {
			w[0] = w[i];
			*n = 1;
		}
	}
	if (!*n)
		r = ierr(E_NOENT,
			 "no mounted filesystem holds a baton state file (EFI/baton/state or "
			 "boot/baton/state): mount the EFI system partition, or name it with --esp "
			 "DIR or the disk with --image DISK; if baton was installed before it had "
			 "one, run baton install again");
	return r;
}

/*
 * A disk or image: the state file on each volume (or on PART), through its mount if mounted.
 * ro: only read (`baton state`): opened read-only, so a write-protected image or a user who
 * may only read the disk can list it.
 */
static int find_image(const char *arg, bool ro, struct target *t, struct where *w, int *n)
{
	static char img[PATH_MAX]; /* t->path points at it */
	const char *part;
	int r;

	*n = 0;
	r = imgdev_split(arg, img, sizeof(img), &part);
	r = r ? r : ro ? tgt_open_ro(t, img) : tgt_open(t, img, 0);
	r = r ? r : tgt_scan(t);
	for (int i = 0; !r && i < t->n_vols && *n < MAX_WHERE; i++) {
		struct volume *v = &t->vols[i];
		struct where *x = &w[*n];
		struct fs *fs;
		if (part && !vol_match(v, part))
			continue;
		meta_cache_drop(&t->dev);
		if (fs_mount(v, &fs))
			continue;
		memset(x, 0, sizeof(*x));
		for (size_t k = 0; k < ARRAY_SIZE(state_paths) && !x->path; k++) {
			struct fs_file *f;
			if (!fs_open(fs, state_paths[k], &f)) {
				if (f->type == FS_FILE)
					x->path = state_paths[k];
				fs_close(f);
			}
		}
		if (!x->path) {
			fs_unmount(fs);
			continue;
		}
		char dir[PATH_MAX];
		int u = tgt_usage(t, v->start * t->ss, v->blocks * t->ss, dir, sizeof(dir));
		if (u < 0) {
			fs_unmount(fs);
			r = u;
			break;
		}
		x->t = t;
		x->vol = v;
		if (u == 1) { /* mounted: through the kernel, never under it */
			fs_unmount(fs);
			snprintf(x->dir, sizeof(x->dir), "%s", dir);
			snprintf(x->label, sizeof(x->label), "%s %s (mounted at %s)", t->path,
				 vol_label(v), dir);
		} else {
			x->fs = fs;
			snprintf(x->label, sizeof(x->label), "%s %s", t->path, vol_label(v));
		}
		(*n)++;
	}
	if (!r && !*n)
		r = part ? ierr(E_NOENT,
				"%s partition %s holds no baton state file (EFI/baton/state or "
				"boot/baton/state): run baton install again to make one",
				img, part)
			 : ierr(E_NOENT,
				"no volume of %s holds a baton state file (EFI/baton/state or "
				"boot/baton/state): run baton install again to make one",
				img);
	return r;
}

/* --- reading and writing it --- */

static int get_file(struct where *w, const char *path, uint8_t **data, size_t *len)
{
	if (w->dir[0])
		return fs_get(NULL, NULL, w->dir, path, data, len);
	char *d;
	int r = fs_read_all(w->fs, path, &d, len, 1 << 20);
	*data = (uint8_t *)d;
	return r;
}

static int read_state(struct where *w, uint8_t buf[STATE_FILE_SIZE], struct state *st)
{
	uint8_t *d;
	size_t len;
	int r;

	if (!w->dir[0])
		r = state_read(w->fs, w->path, buf, st);
	else if (!(r = get_file(w, w->path, &d, &len))) {
		r = state_parse(d, len, st);
		if (len == STATE_FILE_SIZE)
			memcpy(buf, d, len);
		free(d);
	}
	if (r == E_UNSUPP)
		return ierr(r, "%s%s: %s: use that baton's own tool", w->label, w->path, err_msg());
	if (r)
		return ierr(r, "%s%s: %s: run baton install again to make a new one", w->label,
			    w->path, err_msg());
	return 0;
}

/* The file's sectors are the only ones this run may write (tgt_write checks every write). */
static int allow_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct where *w = ctx;

	tgt_allow(w->t, w->vol->start * w->t->ss + vol_off, len);
	return 0;
}

static int tgt_dev_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	struct target *t = dev->priv;

	return tgt_write(t, lba * dev->block_size, count * dev->block_size, buf);
}

static int write_state(struct where *w, uint8_t buf[STATE_FILE_SIZE], struct state *st)
{
	if (!w->dir[0]) {
		struct fs_file *f;
		int r = fs_open(w->fs, w->path, &f);
		if (r)
			return r;
		w->t->n_allow = 0;
		r = fs_extents(f, 0, f->size, allow_piece, w);
		fs_close(f);
		w->t->dev.write = tgt_dev_write;
		r = r ? r : state_write(w->fs, w->path, buf, st);
		w->t->dev.write = NULL;
		return r ? ierr(r, "%s%s: %s", w->label, w->path, imsg()) : 0;
	}
	/* Through the kernel: the same bytes over the slot, in place (no O_TRUNC, no rename). */
	char p[PATH_MAX * 2];
	struct state want = *st, got;
	int slot = state_build(buf, &want);
	snprintf(p, sizeof(p), "%s%s", w->dir, w->path);
	if (slot < 0)
		return slot;
	int fd = open(p, O_RDWR | O_CLOEXEC);
	off_t off = (off_t)slot * STATE_SLOT_SIZE;
	if (fd < 0 || pwrite(fd, buf + off, STATE_SLOT_SIZE, off) != STATE_SLOT_SIZE ||
	    fdatasync(fd)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ierr(E_IO, "%s: %s", p, strerror(e));
	}
	uint8_t back[STATE_FILE_SIZE];
	ssize_t n = pread(fd, back, sizeof(back), 0);
	close(fd);
	if (n != STATE_FILE_SIZE || state_parse(back, STATE_FILE_SIZE, &got) ||
	    got.seq != want.seq || strcmp(got.saved, want.saved) ||
	    strcmp(got.oneshot, want.oneshot))
		return ierr(E_IO, "%s: read back, it does not hold what was written", p);
	*st = got;
	return 0;
}

/* --- the entries baton would show --- */

/*
 * The menu baton would show when started from the state file's volume: the collector's own
 * (config/entries.c: baton.cfg with its includes, BLS entries on the disk's ESP and XBOOTLDR
 * partitions, else what discovery finds). A directory (a mount point, --esp) is seen alone, as
 * `baton check --dir` sees it.
 */
static int load_entries(struct where *w, struct config *cfg, const char **cfgpath)
{
	struct ent_set s = {.efi = w->path == state_paths[0]};
	struct hostdir hd;
	int r;

	if (w->t) {
		s.vols = calloc((size_t)w->t->n_vols + 1, sizeof(*s.vols));
		for (int i = 0; s.vols && i < w->t->n_vols; i++) {
			struct fs *fs;
			if (fs_mount(&w->t->vols[i], &fs))
				fs = NULL;
			entries_vol(&s.vols[s.n++], &w->t->vols[i], fs, &w->t->vols[i] == w->vol);
		}
	} else if (!(r = hostdir_mount(&hd, w->dir)) && (s.vols = calloc(1, sizeof(*s.vols)))) {
		hostdir_vol(&hd, &s.vols[0]);
		s.n = 1;
	} else if (r) {
		return r;
	}
	if (!s.vols)
		return ierr(E_NOMEM, "out of memory");
	entries_specs(&s);
	r = entries_collect(&s, cfg, cfgpath);
	for (int i = 0; w->t && i < s.n; i++)
		if (s.vols[i].fs)
			fs_unmount(s.vols[i].fs);
	free(s.vols);
	return r;
}

/*
 * What ENTRY names, as the state file should keep it: a glob as it is (it follows the newest
 * entry that matches), else the entry's id or title (a number would shift as entries come and
 * go). NULL when it names none.
 */
static const char *resolve(const struct config *cfg, const char *entry)
{
	int i = config_find(cfg, entry);

	if (i < 0) /* as the BLI's ids are matched: with or without .conf, any case */
		i = config_find_bli(cfg, entry);
	if (i < 0)
		return NULL;
	return strchr(entry, '*') || strchr(entry, '?') ? entry
							: config_entry_name(&cfg->entries[i]);
}

static void list_entries(const struct config *cfg)
{
	fprintf(stderr, "baton: the entries are:\n");
	for (int i = 0; i < cfg->n_entries; i++) {
		const struct cfg_entry *e = &cfg->entries[i];
		if (!config_pickable(e))
			continue;
		if (e->id && strcmp(e->id, e->title))
			fprintf(stderr, "  %s  (%s)\n", e->id, e->title);
		else
			fprintf(stderr, "  %s\n", e->title);
	}
}

/* --- the commands --- */

enum op { OP_SHOW, OP_DEFAULT, OP_ONESHOT };

static void show(const struct where *w, const struct state *st)
{
	printf("%s%s: saved entry %s%s%s, one-shot entry %s%s%s (sequence %llu)\n", w->label,
	       w->path, st->saved[0] ? "'" : "", st->saved[0] ? st->saved : "none",
	       st->saved[0] ? "'" : "", st->oneshot[0] ? "'" : "",
	       st->oneshot[0] ? st->oneshot : "none", st->oneshot[0] ? "'" : "",
	       (unsigned long long)st->seq);
}

static int run(enum op op, int argc, char **argv)
{
	const char *entry = NULL, *image = NULL, *esp = NULL;
	bool clear = false, force = false;
	struct where w[MAX_WHERE];
	struct target t;
	int n = 0, r, status = 0;

	for (int i = 0; i < argc; i++) {
		bool more = i + 1 < argc;
		if (!strcmp(argv[i], "--image") && more && !image)
			image = argv[++i];
		else if (!strcmp(argv[i], "--esp") && more && !esp)
			esp = argv[++i];
		else if (!strcmp(argv[i], "--clear") && op != OP_SHOW)
			clear = true;
		else if (!strcmp(argv[i], "--force") && op != OP_SHOW)
			force = true;
		else if (argv[i][0] != '-' && !entry && op != OP_SHOW)
			entry = argv[i];
		else
			return state_usage();
	}
	if ((image && esp) || (op != OP_SHOW && !entry == !clear))
		return state_usage();
	memset(&t, 0, sizeof(t));
	t.fd = t.dfd = -1;
	if (image) {
		r = find_image(image, op == OP_SHOW, &t, w, &n);
	} else if (esp) {
		r = in_dir(esp, &w[0]);
		if (!r)
			r = ierr(
			    E_NOENT,
			    "%s holds no baton state file (EFI/baton/state or boot/baton/state): "
			    "run baton install again to make one",
			    esp);
		n = r == 1;
		r = r == 1 ? 0 : r;
	} else {
		r = find_live(w, &n);
		if (!r && n > 1) {
			fprintf(stderr, "baton: several mounted filesystems hold a state file:\n");
			for (int i = 0; i < n; i++)
				fprintf(stderr, "  %s%s\n", w[i].label, w[i].path);
			r = ierr(E_INVAL, "name one with --esp DIR or --image DISK");
		}
	}
	/* An image may hold more than one (an ISO and its EFI system partition): each is set. */
	for (int i = 0; !r && i < n; i++) {
		uint8_t buf[STATE_FILE_SIZE];
		struct state st;
		struct config cfg;
		const char *cfgpath, *name = "";
		if ((r = read_state(&w[i], buf, &st)))
			break;
		if (op == OP_SHOW) {
			show(&w[i], &st);
			continue;
		}
		if ((r = load_entries(&w[i], &cfg, &cfgpath)))
			break;
		if (entry && !force) {
			name = resolve(&cfg, entry);
			if (!name && !cfg.n_entries) {
				r = ierr(
				    E_NOENT,
				    "baton finds no entry from %s (no config, BLS entry or kernel) "
				    "to check '%s' against: --force sets it anyway",
				    w[i].label, entry);
			} else if (!name) {
				list_entries(&cfg);
				if (cfgpath)
					r = ierr(E_NOENT,
						 "no entry '%s' in %s%s or the BLS entries", entry,
						 w[i].label, cfgpath);
				else
					r = ierr(E_NOENT,
						 "no entry '%s' among what baton finds from %s (no "
						 "baton.cfg: BLS entries, else discovered kernels)",
						 entry, w[i].label);
			}
		} else if (entry) {
			name = entry;
		}
		if (!r && !state_name_ok(name))
			r = ierr(E_INVAL,
				 "'%s' is too long (at most %u bytes) or has control characters",
				 name, STATE_ID_MAX - 1);
		if (!r) {
			char *field = op == OP_DEFAULT ? st.saved : st.oneshot;
			if (!strcmp(field, name)) {
				printf("%s%s: already %s\n", w[i].label, w[i].path,
				       name[0] ? name : "clear");
			} else {
				memcpy(field, name, strlen(name) + 1);
				r = write_state(&w[i], buf, &st);
				if (!r)
					show(&w[i], &st);
			}
		}
		if (!r && op == OP_DEFAULT && !clear &&
		    (!cfg.default_entry || strcmp(cfg.default_entry, "@saved")))
			printf("note: %s%s says `default %s`, not `default @saved`: the saved "
			       "entry is "
			       "used with `default @saved` (or LoaderEntryDefault \"@saved\")\n",
			       w[i].label, cfgpath ? cfgpath : "",
			       cfg.default_entry ? cfg.default_entry : "(none)");
		config_free(&cfg);
	}
	for (int i = 0; i < n; i++)
		if (w[i].fs)
			fs_unmount(w[i].fs);
	if (t.fd >= 0)
		tgt_close(&t);
	if (r) {
		fprintf(stderr, "baton: %s\n", imsg());
		status = 1;
	}
	return status;
}

int cmd_set_default(int argc, char **argv)
{
	return run(OP_DEFAULT, argc, argv);
}

int cmd_oneshot(int argc, char **argv)
{
	return run(OP_ONESHOT, argc, argv);
}

int cmd_state(int argc, char **argv)
{
	return run(OP_SHOW, argc, argv);
}
