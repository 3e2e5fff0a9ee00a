/* entries.h: every menu entry from every volume: baton.cfg, BLS entries, and discovery. */
#ifndef BATON_ENTRIES_H
#define BATON_ENTRIES_H

#include "config.h"
#include "fs.h"

/* What a volume is to the collector (struct ent_vol.flags). */
#define ENT_BOOT     1 /* the volume baton was started from: where baton.cfg is looked for */
#define ENT_ESP	     2 /* an EFI system partition: GPT c12a7328-..., MBR type 0xEF */
#define ENT_XBOOTLDR 4 /* an Extended Boot Loader partition: GPT bc13c2ff-..., MBR type 0xEA */
#define ENT_HOSTDIR  8 /* a directory of the host (baton check --dir): name is its path */

/* A volume as the collector sees it: stage2's mounted volumes, or the host tool's. */
struct ent_vol {
	struct fs *fs;		/* NULL: no filesystem baton reads */
	const struct volume *v; /* NULL: not on a disk (ENT_HOSTDIR) */
	const char *name;	/* "hd0,gpt1", as paths name it */
	/* How entries found here name it in their `root`: "partuuid:..." on GPT, else
	 * "uuid:...", "label:..." or "(hd0,msdos1)"; set by entries_specs(). */
	char spec[80];
	unsigned flags;
};

struct ent_set {
	struct ent_vol *vols;
	int n;
	bool efi;	      /* the platform starts EFI programs (UEFI) */
	bool notes;	      /* also say what was skipped, and why (baton check) */
	int errors, warnings; /* what the collector reported (the config parser counts its own) */
	bool discovered;      /* set: there was no entry, so kernels and programs were looked for */
};

/* Where baton.cfg is looked for on the boot volume, in this order. */
#define ENT_N_CFG_PATHS 4
extern const char *const entries_cfg_paths[ENT_N_CFG_PATHS];

/* Fills ev from a volume and its filesystem (NULL: none); flags from the partition type. */
void entries_vol(struct ent_vol *ev, const struct volume *v, struct fs *fs, bool boot);
/*
 * Sets every volume's spec: its PARTUUID on GPT, else its filesystem's UUID, else its label,
 * else its name; a PARTUUID, UUID or label that another volume shares (a cloned disk) is
 * passed over, so the spec finds this volume and no other.
 */
void entries_specs(struct ent_set *s);
/*
 * The volume a spec starts with, the one lookup of volumes by name for baton (stage2 and the
 * host tool): "(hd0,gpt1)", "partuuid:X", "uuid:X" (case-insensitive) or "label:X" (exact), X
 * up to a '/'. 0 with *vol (NULL when spec starts with no volume: *rest is spec) and *rest,
 * what follows the name; or E_INVAL / E_NOENT, the message naming what.
 */
int entries_find(const struct ent_set *s, const char *spec, const char *what, struct ent_vol **vol,
		 const char **rest);
/*
 * The volume a config path names ("(hd0,gpt1)/p", "uuid:X/p", "label:X/p", "partuuid:X/p"; a
 * bare "/p" is on cwd) and, in *path, the path on it ("/" for a volume alone).
 */
int entries_resolve(const struct ent_set *s, const char *spec, struct ent_vol *cwd,
		    struct ent_vol **vol, const char **path);

/*
 * The menu, into cfg (initialised here): the boot volume's baton.cfg (its includes read through
 * the volumes: "/p" on the config's volume, "p" beside the config, or another volume's path),
 * then the Boot Loader Specification entries, then, when neither gave an entry, the kernels and
 * EFI programs discovered on every volume. *found: the config's path on the boot volume, or
 * NULL when there is none. Every problem is in cfg->errors. 0, or E_NOMEM.
 */
int entries_collect(struct ent_set *s, struct config *cfg, const char **found);
/*
 * The part after the config (baton check's with a config of its own): BLS entries, then
 * discovery when cfg still has no entry. where: how messages name the config (NULL: there is
 * none).
 */
void entries_add(struct ent_set *s, struct config *cfg, const char *where);

#endif
