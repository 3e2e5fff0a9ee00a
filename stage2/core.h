/* core.h: stage2's platform-neutral core: volumes, the menu, loading and executing a plan. */
#ifndef BATON_CORE_H
#define BATON_CORE_H

#include "lib.h"
#include "fs.h"
#include "config.h"
#include "loadplan.h"

#define BATON_VERSION "0.1"

/* Entry from the platform's main. Does not return: it boots something, or reboots. */
void baton_main(void);

/* printf to screen and serial. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- volumes (volumes.c) --- */
struct bvol {
	struct volume v;
	struct fs *fs; /* NULL: no filesystem baton reads */
	bool boot;     /* the volume baton was started from */
};
int volumes_scan(void);
struct bvol *volumes_boot(void);
/* Resolves "(hd0,gpt1)/p", "uuid:X/p", "label:X/p" or "/p" (on cwd) to a volume and a path. */
int volumes_resolve(const char *spec, struct bvol *cwd, struct bvol **vol, const char **path);
/* The volume a config's `root` names ("(hd0,gpt2)", "uuid:X", ...: no path). */
int volumes_root(const char *spec, struct bvol **vol);
/*
 * A volume named with no path (BIOS chainload of its sector 0): "(hd0)" (a whole disk, even a
 * partitioned one), "(hd0,msdos1)", "uuid:X", "label:X", "partuuid:X". out gets a copy.
 */
bool volumes_is_raw(const char *spec);
int volumes_raw(const char *spec, struct volume *out);
/*
 * Every menu entry from every volume (config/entries.c): the boot volume's baton.cfg, BLS
 * entries, or what discovery finds. *found: the config's path, NULL if none. 0 or E_NOMEM.
 */
int volumes_entries(struct config *cfg, const char **found);
/* Opens a file by its config path; where (may be NULL) gets its volume and path there. */
int volumes_open(const char *spec, struct bvol *cwd, struct fs_file **out, struct bvol **where,
		 const char **path);

/* --- menu (menu.c) --- */
/*
 * Shows the menu with entry def selected (inside its submenu) and counts timeout seconds down to
 * it; returns the chosen entry's index. errors: lines shown above the hint. *edited: NULL, or the
 * command line edited with `e` (mem_alloc()ed; boot a copy of the entry with it, the config is
 * not changed).
 */
int menu_run(const struct config *cfg, int def, int timeout, char **errors, int n_errors,
	     char **edited);
/* Shows an error screen for an entry and waits for a key (or timeout). */
void menu_error(const char *title, const char *msg);

/* --- boot (boot.c, exec.c) --- */
/* Loads and starts an entry; returns 0 when an EFI application ran and returned, else an error
 * with err_msg() set. */
int boot_entry(const struct cfg_entry *e, struct bvol *cfgvol);
struct exec_file {
	struct fs_file *f;
	struct volume *raw; /* or: a volume's first bytes (chainload of "(hd0,msdos1)") */
	const char *path;
	struct gz *gz;		  /* a gzip'd kernel: its bytes are read through this */
	const struct volume *vol; /* where it lives, and its path there (EFI images' device path) */
	const char *vpath;
};
/* Reads [off, off + len) of the file's (uncompressed) bytes into buf. */
int exec_file_read(struct exec_file *x, uint64_t off, uint64_t len, void *buf);
/* Executes a plan: places and fills segments, leaves the firmware, hands off. */
int exec_plan(struct load_plan *p, struct exec_file *files, int n_files);

/* --- paging (paging.c) and the trampoline (handoff.S) --- */
/* Pages of tables paging_identity() may need for [0, top) and the mappings. */
uint64_t paging_pages(uint64_t top, const struct lp_vmap *maps, int n_maps);
/* Writes tables at base (below 4 GiB) identity-mapping [0, top) and mapping each maps[i].va
 * range to its pa; CR3 = base. */
int paging_identity(uint64_t top, uint64_t base, const struct lp_vmap *maps, int n_maps);

#endif
