/* volumes.c: every volume on every disk, mounted once; config paths resolved to files. */
#include "core.h"
#include "entries.h"
#include "part.h"
#include "platform.h"

#define MAX_VOLS 64

/* Allocated by the first scan: a static array would be zeros stored in BOOTX64.EFI's .data. */
static struct bvol *vols;
/* evols[i] is vols[i] as config/entries.c sees it: its lookup by name finds volumes here too. */
static struct ent_vol *evols;
static int n_vols;

static int n_scanned; /* disks whose volumes are in vols[] */

/* Adds the volumes of the disks from n_scanned on, mounted. */
static void scan_new_disks(void)
{
	struct blockdev **disks, *bdev = NULL;
	uint64_t bstart = 0;
	int nd = plat_disks(&disks);

	if (plat_boot_volume(&bdev, &bstart) && !n_scanned)
		con_printf("warning: %s\n", err_msg());
	for (int d = n_scanned; d < nd && n_vols < MAX_VOLS; d++) {
		struct volume tmp[32];
		int n = part_scan(disks[d], tmp, (int)ARRAY_SIZE(tmp));
		if (n < 0) {
			con_printf("warning: %s: %s\n", disks[d]->name, err_msg());
			continue;
		}
		if (part_warning[0])
			con_printf("warning: %s\n", part_warning);
		for (int i = 0; i < n && n_vols < MAX_VOLS; i++) {
			struct bvol *b = &vols[n_vols++];
			b->v = tmp[i];
			b->boot = disks[d] == bdev && b->v.start == bstart;
			if (fs_mount(&b->v, &b->fs) != 0)
				b->fs = NULL;
			entries_vol(&evols[n_vols - 1], &b->v, b->fs, b->boot);
		}
	}
	n_scanned = nd;
}

int volumes_scan(void)
{
	if (!vols && !(vols = mem_zalloc(sizeof(*vols) * MAX_VOLS)))
		return 0;
	if (!evols && !(evols = mem_zalloc(sizeof(*evols) * MAX_VOLS)))
		return 0;
	/* A rescan (back at the menu, or the no-config screen looking again) starts afresh. */
	for (int i = 0; i < n_vols; i++)
		if (vols[i].fs)
			fs_unmount(vols[i].fs);
	n_vols = 0;
	n_scanned = 0;
	scan_new_disks();
	return n_vols;
}

/*
 * A path names a volume that is not there: the firmware may have left its disk unconnected.
 * Connect everything once and add the new disks' volumes, leaving the mounted ones (and files
 * open on them) alone. Returns true if there is something new to look at.
 */
static bool connect_more(void)
{
	if (!vols || plat_connect_disks() <= 0)
		return false;
	int before = n_vols;
	scan_new_disks();
	return n_vols > before;
}

int volumes_entries(struct config *cfg, const char **found)
{
	struct ent_set s;
	int r;

	/* Discovery looks at every disk: the firmware may have connected only the boot disk. */
	for (int pass = 0;; pass++) {
		memset(&s, 0, sizeof(s));
		s.efi = plat_can_start_images();
		s.vols = evols;
		s.n = n_vols;
		r = entries_collect(&s, cfg, found);
		if (pass || !s.discovered || !connect_more())
			return r;
		config_free(cfg);
	}
}

struct bvol *volumes_boot(void)
{
	for (int i = 0; i < n_vols; i++)
		if (vols[i].boot && vols[i].fs)
			return &vols[i];
	return NULL;
}

/*
 * config/entries.c's lookup (entries_find) over the volumes; a volume not found may be on a
 * disk the firmware left unconnected, so connect everything and look once more.
 */
static int lookup(const char *spec, const char *what, struct bvol **vol, const char **rest)
{
	struct ent_set s = {.vols = evols, .n = n_vols};
	struct ent_vol *ev = NULL;
	int r = entries_find(&s, spec, what, &ev, rest);

	if (r == E_NOENT && connect_more()) {
		s.n = n_vols;
		r = entries_find(&s, spec, what, &ev, rest);
	}
	*vol = ev ? &vols[ev - evols] : NULL;
	return r;
}

/*
 * The volume spec names ("(hd0,gpt1)", "uuid:X", "label:X", "partuuid:X"; anything else is the
 * current volume cwd) and, in *rest, what follows its name. what is how messages name spec.
 */
static int find_volume(const char *spec, const char *what, struct bvol *cwd, struct bvol **vol,
		       const char **rest)
{
	int r = lookup(spec, what, vol, rest);

	if (r)
		return r;
	if (!*vol && !(*vol = cwd))
		return err_set(E_NOENT, "%s: no current volume", what);
	if (!(*vol)->fs)
		return err_set(E_NOENT, "%s: volume %s has no filesystem baton can read", what,
			       (*vol)->v.name);
	return 0;
}

int volumes_resolve(const char *spec, struct bvol *cwd, struct bvol **vol, const char **path)
{
	int r = find_volume(spec, spec, cwd, vol, path);

	if (r)
		return r;
	if (!**path && spec[0] != '(')
		*path = "/"; /* "uuid:X" alone: its root */
	if ((*path)[0] != '/')
		return err_set(E_INVAL, "%s: path must start with '/'", spec);
	return 0;
}

int volumes_root(const char *spec, struct bvol **vol)
{
	char what[80];
	const char *rest;

	snfmt(what, sizeof(what), "root %s", spec);
	int r = find_volume(spec, what, NULL, vol, &rest);
	if (!r && *rest)
		r = err_set(E_INVAL, "%s: names a file, not a volume", what);
	return r;
}

int volumes_open(const char *spec, struct bvol *cwd, struct fs_file **out, struct bvol **where,
		 const char **path)
{
	struct bvol *v;
	const char *p;
	int r = volumes_resolve(spec, cwd, &v, &p);

	if (r)
		return r;
	if (where)
		*where = v, *path = p;
	return fs_open(v->fs, p, out);
}

bool volumes_is_raw(const char *spec)
{
	if (spec[0] == '(') {
		const char *end = strchr(spec, ')');
		return end && !end[1];
	}
	return (!strncmp(spec, "uuid:", 5) || !strncmp(spec, "label:", 6) ||
		!strncmp(spec, "partuuid:", 9)) &&
	       !strchr(spec, '/');
}

#ifndef BATON_EFI /* UEFI boots no volume's first sector: boot.c refuses before asking */
/* A whole disk by its name, partitioned or not ("hd1"): the volume that is all of it. */
static bool whole_disk(const char *name, size_t len, struct volume *out)
{
	struct blockdev **disks;
	int nd = plat_disks(&disks);

	for (int d = 0; d < nd; d++) {
		if (strlen(disks[d]->name) != len || strncmp(disks[d]->name, name, len))
			continue;
		memset(out, 0, sizeof(*out));
		out->dev = disks[d];
		out->blocks = disks[d]->num_blocks;
		out->scheme = PART_NONE;
		strlcpy_b(out->name, disks[d]->name, sizeof(out->name));
		return true;
	}
	return false;
}

int volumes_raw(const char *spec, struct volume *out)
{
	if (!volumes_is_raw(spec))
		return err_set(E_INVAL, "%s names a file, not a volume", spec);

	const char *name = spec + 1, *rest;
	size_t len = strlen(spec) - 2; /* "(NAME)": volumes_is_raw() saw the ')' last */
	bool disk = spec[0] == '(' && !memchr(name, ',', len); /* "(hd1)" */
	struct bvol *v;
	if (disk && whole_disk(name, len, out))
		return 0;
	if (lookup(spec, spec, &v, &rest)) {
		/* lookup() connected every disk: the one named may be there now. */
		if (disk && whole_disk(name, len, out))
			return 0;
		return err_set(E_NOENT, spec[0] == '(' ? "no disk or partition %s" : "no volume %s",
			       spec);
	}
	*out = v->v;
	return 0;
}
#endif
