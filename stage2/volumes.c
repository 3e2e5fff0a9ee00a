/* volumes.c: every volume on every disk, mounted once; config paths resolved to files. */
#include "core.h"
#include "entries.h"
#include "part.h"
#include "platform.h"

#define MAX_VOLS 64

/* Allocated by the first scan: a static array would be zeros stored in BOOTX64.EFI's .data. */
static struct bvol *vols;
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
		}
	}
	n_scanned = nd;
}

int volumes_scan(void)
{
	if (!vols && !(vols = mem_zalloc(sizeof(*vols) * MAX_VOLS)))
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
		s.vols = mem_alloc(sizeof(*s.vols) * (size_t)MAX(n_vols, 1));
		if (!s.vols) {
			*found = NULL;
			config_parse("", 0, "baton.cfg", cfg);
			return err_set(E_NOMEM, "out of memory");
		}
		for (; s.n < n_vols; s.n++)
			entries_vol(&s.vols[s.n], &vols[s.n].v, vols[s.n].fs, vols[s.n].boot);
		r = entries_collect(&s, cfg, found);
		mem_free(s.vols);
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

/* Matches "hd0,gpt1" against a volume's name; "hd0" alone names a whole, unpartitioned disk. */
static struct bvol *by_name(const char *name, size_t len)
{
	for (int i = 0; i < n_vols; i++)
		if (strlen(vols[i].v.name) == len && !strncmp(vols[i].v.name, name, len))
			return &vols[i];
	return NULL;
}

/*
 * The first volume whose filesystem UUID (kind 0), label (1) or partition's PARTUUID (2) is
 * key[0..klen). UUIDs compare case-insensitively (blkid prints FAT's in capitals, ext4's in
 * small letters); labels exactly.
 */
static struct bvol *by_key(int kind, const char *key, size_t klen)
{
	char k[64];

	if (klen >= sizeof(k))
		return NULL;
	memcpy(k, key, klen);
	k[klen] = 0;
	for (int i = 0; i < n_vols; i++) {
		const char *v = kind == 2     ? vols[i].v.partuuid
				: !vols[i].fs ? NULL
				: kind == 0   ? vols[i].fs->uuid
					      : vols[i].fs->label;
		if (v && v[0] && (kind == 1 ? !strcmp(v, k) : !strcasecmp_ascii(v, k)))
			return &vols[i];
	}
	return NULL;
}

/*
 * The volume spec names ("(hd0,gpt1)", "uuid:X", "label:X", "partuuid:X"; anything else is the
 * current volume cwd) and, in *rest, what follows its name. what is how messages name spec.
 */
static int find_volume(const char *spec, const char *what, struct bvol *cwd, struct bvol **vol,
		       const char **rest)
{
	if (spec[0] == '(') {
		const char *end = strchr(spec, ')');
		if (!end)
			return err_set(E_INVAL, "missing ')' in %s", what);
		*vol = by_name(spec + 1, (size_t)(end - spec - 1));
		if (!*vol && connect_more())
			*vol = by_name(spec + 1, (size_t)(end - spec - 1));
		if (!*vol)
			return err_set(E_NOENT, "no volume (%.*s) for %s", (int)(end - spec - 1),
				       spec + 1, what);
		*rest = end + 1;
	} else if (!strncmp(spec, "uuid:", 5) || !strncmp(spec, "label:", 6) ||
		   !strncmp(spec, "partuuid:", 9)) {
		int kind = spec[0] == 'u' ? 0 : spec[0] == 'l' ? 1 : 2;
		const char *key = strchr(spec, ':') + 1;
		const char *slash = strchr(key, '/');
		size_t klen = slash ? (size_t)(slash - key) : strlen(key);
		static const char *const kname[] = {"UUID", "label", "PARTUUID"};
		*vol = by_key(kind, key, klen);
		if (!*vol && connect_more())
			*vol = by_key(kind, key, klen);
		if (!*vol)
			return err_set(E_NOENT, "no volume with %s '%.*s' for %s", kname[kind],
				       (int)klen, key, what);
		*rest = slash ? slash : key + klen;
	} else {
		*vol = cwd;
		*rest = spec;
		if (!cwd)
			return err_set(E_NOENT, "%s: no current volume", what);
	}
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
	struct bvol *v = NULL;

	if (!volumes_is_raw(spec))
		return err_set(E_INVAL, "%s names a file, not a volume", spec);
	if (spec[0] == '(') {
		const char *name = spec + 1;
		size_t len = strlen(name) - 1;
		for (int pass = 0; pass < 2; pass++) {
			if (!memchr(name, ',', len) && whole_disk(name, len, out))
				return 0;
			if ((v = by_name(name, len)) != NULL)
				break;
			if (pass || !connect_more())
				return err_set(E_NOENT, "no disk or partition %s", spec);
		}
	} else {
		int kind = spec[0] == 'u' ? 0 : spec[0] == 'l' ? 1 : 2;
		const char *key = strchr(spec, ':') + 1;
		v = by_key(kind, key, strlen(key));
		if (!v && connect_more())
			v = by_key(kind, key, strlen(key));
		if (!v)
			return err_set(E_NOENT, "no volume %s", spec);
	}
	*out = v->v;
	return 0;
}
#endif
