/* fuzz_entries.c: libFuzzer target: the menu collector (config/entries.c) over arbitrary disks. */
#include "fuzzdisk.h"
#include "entries.h"

static bool set(const char *s)
{
	return s && memchr(s, 0, 1 << 16);
}

/*
 * Every volume mounted by whichever driver takes it, the first one as the boot volume, then
 * the whole collection twice (UEFI with notes, BIOS without): every entry must be complete and
 * its volume must be found again by its root, and the messages must fit.
 */
static void collect(struct volume *v, int n)
{
	struct ent_vol ev[16];
	struct config cfg;
	const char *found;

	for (int i = 0; i < n; i++) {
		struct fs *fs;
		if (fs_mount(&v[i], &fs))
			fs = NULL;
		entries_vol(&ev[i], &v[i], fs, i == 0);
	}
	for (int pass = 0; pass < 2; pass++) {
		struct ent_set s = {.vols = ev, .n = n, .efi = !pass, .notes = !pass};
		if (entries_collect(&s, &cfg, &found) && cfg.n_entries)
			abort(); /* only E_NOMEM, and then what was collected is still there */
		if (cfg.n_errors > CFG_MAX_ERRORS || s.errors < 0 || s.warnings < 0)
			abort();
		for (int i = 0; i < cfg.n_entries; i++) {
			const struct cfg_entry *e = &cfg.entries[i];
			struct ent_vol *rv;
			const char *p;
			if (!set(e->title) || !set(e->cmdline) || e->n_initrd < 0 ||
			    e->n_initrd > CFG_MAX_INITRD || (!e->submenu && !set(e->kernel)))
				abort();
			/* A BLS or discovered entry: its volume by its root, a path on it. */
			bool ours = e->source && (!strncmp(e->source, "loader/entries/", 15) ||
						  !strncmp(e->source, "found on ", 9));
			if (!ours) {
				if (!found)
					abort();
				continue;
			}
			if (!set(e->root) || entries_resolve(&s, e->root, NULL, &rv, &p) ||
			    strcmp(p, "/") || e->kernel[0] != '/' || !set(e->id))
				abort();
			if (e->protocol && (strcmp(e->protocol, "efi") || pass))
				abort(); /* only "efi", and no EFI programs on BIOS */
		}
		config_free(&cfg);
	}
	for (int i = 0; i < n; i++)
		if (ev[i].fs)
			fs_unmount(ev[i].fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_volumes = collect;
	return fuzz_disk(data, size, NULL, NULL, 0);
}
