/* main.c: the boot flow: volumes, config, menu, boot, and back to the menu on error. */
#include "core.h"
#include "entries.h"
#include "platform.h"
#include "saved.h"

void con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	plat_puts(buf);
}

/* Nothing to boot: say where a config was looked for, and wait for a key, then look again. */
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
		for (size_t i = 0; i < ENT_N_CFG_PATHS; i++)
			con_printf("  (%s)%s\n", bv->v.name, entries_cfg_paths[i]);
	}
	con_printf("No boot entries (loader/entries/*.conf) and nothing to discover (/vmlinuz,\n"
		   "/boot/vmlinuz-*, \\EFI\\*\\*.efi) on any volume either.\n");
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
		/* baton.cfg, BLS entries, or what discovery finds: problems are in cfg.errors. */
		if (volumes_entries(&cfg, &cfgpath))
			con_printf("error: %s\n", err_msg());
		plat_console_setup(cfg.serial_port, cfg.serial_baud, cfg.console);
		if (cfg.n_entries == 0) {
			for (int i = 0; i < cfg.n_errors; i++)
				con_printf("%s\n", cfg.errors[i]);
			no_config_screen(bv, cfgpath);
			config_free(&cfg);
			continue;
		}
		saved_load(bv, &cfg); /* the state file and the BLI: one-shot, saved, timeout */
		con_printf("baton: menu ready %llu ms after the firmware started baton\n",
			   (unsigned long long)((plat_time_us() - t0) / 1000));
		int timeout = cfg.timeout;
		for (;;) {
			char *edited;
			int sel = menu_run(&cfg, config_default_index(&cfg), timeout, cfg.errors,
					   cfg.n_errors, &edited);
			/* An edited command line boots a copy of the entry, once. */
			struct cfg_entry *e = &cfg.entries[sel], copy;
			if (edited) {
				copy = *e;
				copy.cmdline = edited;
				e = &copy;
			}
			plat_clear();
			con_printf("Booting '%s'%s\n", e->title,
				   edited ? " with the edited command line" : "");
			saved_chosen(&cfg, sel); /* LoaderEntrySelected; `default @saved` */
			/* `root` moves bare paths to another volume, found afresh each time: its
			 * disk may be connected late. Returns on failure (tell the user) or when an
			 * EFI application is done; either way back to the menu without a countdown.
			 */
			struct bvol *root = bv;
			const char *rs = e->root ? e->root : cfg.root; /* a BLS entry's volume */
			if ((rs && volumes_root(rs, &root)) || boot_entry(e, root))
				menu_error(e->title, err_msg());
			mem_free(edited);
			timeout = -1;
		}
	}
}
