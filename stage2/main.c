/* main.c: the boot flow: volumes, config, menu, boot, and back to the menu on error. */
#include "core.h"
#include "platform.h"

void con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	plat_puts(buf);
}

/* Where baton looks for its config on the volume it was started from, in this order. */
static const char *const cfg_paths[] = {
    "/EFI/BOOT/baton.cfg",
    "/EFI/baton/baton.cfg",
    "/boot/baton/baton.cfg",
    "/baton.cfg",
};

static int load_config(struct bvol *bv, struct config *cfg, const char **found)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_paths); i++) {
		char *text;
		size_t len;
		int r = fs_read_all(bv->fs, cfg_paths[i], &text, &len, 1 << 20);
		if (r == E_NOENT)
			continue;
		if (r)
			return r;
		*found = cfg_paths[i];
		r = config_parse(text, len, cfg_paths[i] + 1, cfg);
		mem_free(text);
		return r == E_INVAL ? 0
				    : r; /* syntax errors are in cfg->errors, shown by the menu */
	}
	return E_NOENT;
}

/* No usable config: say where it was looked for, and wait for a key, then look again. */
static void no_config_screen(struct bvol *bv, const char *cfgpath)
{
	con_printf("\nbaton %s\n\n", BATON_VERSION);
	if (!bv) {
		con_printf("baton could not read the volume it was started from.\n");
	} else if (cfgpath) {
		con_printf("(%s)%s has no entry baton can boot (see the errors above).\n",
			   bv->v.name, cfgpath);
	} else {
		con_printf("No config file found. baton looked on %s for:\n", bv->v.name);
		for (size_t i = 0; i < ARRAY_SIZE(cfg_paths); i++)
			con_printf("  (%s)%s\n", bv->v.name, cfg_paths[i]);
	}
	con_printf("\nSee README.md, \"The config file\", for the syntax.\n");
	con_printf("Press any key to look again, or R to reboot.\n");
	int k = plat_getkey(-1);
	if (k == 'r' || k == 'R')
		plat_reboot();
}

/* Boot Loader Interface: what systemd-analyze and bootctl show on the booted system. */
static void bli_init(const struct bvol *bv)
{
	char buf[40];

	plat_bli_set("LoaderInfo", "baton");
	snfmt(buf, sizeof(buf), "%llu", (unsigned long long)plat_start_us());
	plat_bli_set("LoaderTimeInitUSec", buf);
	if (bv && bv->v.scheme == PART_GPT) {
		guid_to_str(bv->v.part_guid, buf);
		plat_bli_set("LoaderDevicePartUUID", buf);
	}
}

void baton_main(void)
{
	uint64_t t0 = plat_start_us();
	bool first = true;

	for (;;) {
		struct config cfg;
		const char *cfgpath = NULL;
		volumes_scan();
		struct bvol *bv = volumes_boot();
		if (first)
			bli_init(bv);
		first = false;
		memset(&cfg, 0, sizeof(cfg));
		int r = bv ? load_config(bv, &cfg, &cfgpath) : E_NOENT;
		if (r || cfg.n_entries == 0) {
			if (r && r != E_NOENT)
				con_printf("error reading the config: %s\n", err_msg());
			if (!r && cfg.n_entries == 0 && cfg.n_errors == 0) {
				r = E_NOENT;
				con_printf("%s has no entries\n", cfgpath);
			}
			if (r || cfg.n_entries == 0) {
				if (cfg.n_errors)
					for (int i = 0; i < cfg.n_errors; i++)
						con_printf("%s\n", cfg.errors[i]);
				no_config_screen(bv, cfgpath);
				config_free(&cfg);
				continue;
			}
		}
		con_printf("baton: menu ready %llu ms after the firmware started baton\n",
			   (unsigned long long)((plat_time_us() - t0) / 1000));
		int timeout = cfg.timeout;
		for (;;) {
			int sel = menu_run(&cfg, config_default_index(&cfg), timeout, cfg.errors,
					   cfg.n_errors);
			struct cfg_entry *e = &cfg.entries[sel];
			plat_clear();
			con_printf("Booting '%s'\n", e->title);
			/* `root` moves bare paths to another volume, found afresh each time: its
			 * disk may be connected late. Returns on failure (tell the user) or when an
			 * EFI application is done; either way back to the menu without a countdown.
			 */
			struct bvol *root = bv;
			if ((cfg.root && volumes_root(cfg.root, &root)) || boot_entry(e, root))
				menu_error(e->title, err_msg());
			timeout = -1;
		}
	}
}
