/* test_entries.c: the menu collector (config/entries.c) and `baton check` on images_entries.sh's
 * disks: BLS entries on the ESP and XBOOTLDR, kernel-install's entries, discovery. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "testdev.h"
#include "toolrun.h"
#include "entries.h"
#include "part.h"

#define MAXV 16

struct disk {
	struct blockdev dev;
	struct volume vols[MAXV];
	struct ent_vol ev[MAXV];
	struct ent_set s;
	struct config cfg;
	const char *found;
};

/* images_entries.sh's NAME.img with every volume mounted; the boot volume is volume boot. */
static void disk_open(struct disk *d, const char *name, int boot, bool efi)
{
	char path[64];

	meta_cache_drop(NULL); /* what a failed test left behind */
	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "entries/%s.img", name);
	td_open(&d->dev, path);
	int n = part_scan(&d->dev, d->vols, MAXV);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		struct fs *fs;
		if (fs_mount(&d->vols[i], &fs))
			fs = NULL;
		entries_vol(&d->ev[i], &d->vols[i], fs, i == boot);
	}
	d->s.vols = d->ev;
	d->s.n = n;
	d->s.efi = efi;
}

static void disk_collect(struct disk *d)
{
	assert_int_equal(entries_collect(&d->s, &d->cfg, &d->found), 0);
}

static void disk_close(struct disk *d)
{
	config_free(&d->cfg);
	for (int i = 0; i < d->s.n; i++)
		if (d->ev[i].fs)
			fs_unmount(d->ev[i].fs);
	td_close(&d->dev);
}

static bool has_error(const struct config *cfg, const char *text)
{
	for (int i = 0; i < cfg->n_errors; i++)
		if (!strcmp(cfg->errors[i], text))
			return true;
	return false;
}

static bool mentions(const struct config *cfg, const char *part)
{
	for (int i = 0; i < cfg->n_errors; i++)
		if (strstr(cfg->errors[i], part))
			return true;
	return false;
}

/* The menu's ids in order; NULL ids as "-". */
static void assert_ids(const struct config *cfg, const char *const *ids, int n)
{
	for (int i = 0; i < cfg->n_entries && i < n; i++) {
		const char *got = cfg->entries[i].id ? cfg->entries[i].id : "-";
		if (strcmp(got, ids[i]))
			fail_msg("entry %d: id '%s', expected '%s'", i + 1, got, ids[i]);
	}
	assert_int_equal(cfg->n_entries, n);
}

/* Volume flags from the partition types: ESP, XBOOTLDR, neither. */
static void test_flags(void **state)
{
	struct disk d;

	disk_open(&d, "bls", 0, true);
	assert_int_equal(d.ev[0].flags, ENT_BOOT | ENT_ESP);
	assert_int_equal(d.ev[1].flags, ENT_XBOOTLDR);
	assert_int_equal(d.ev[2].flags, 0);
	disk_close(&d);
}

/*
 * baton.cfg's entry first, then the BLS entries of the ESP and the XBOOTLDR partition in one
 * order (BLS "Sorting": sort-key, then the version newest first; no sort-key after, by id
 * descending; used-up tries last). Another architecture, a missing linux line, hidden and
 * auto-* files, and the ext4 partition's entries are not there.
 */
static void test_bls(void **state)
{
	static const char *const ids[] = {"from-baton.cfg", /* made of its title */
					  "debian-6.2.0-1-amd64",
					  "debian-6.1.0-13-amd64",
					  "debian-6.1.0-9-amd64",
					  "fedora-39",
					  "x64",
					  "shell",
					  "nokey-b",
					  "nokey-a",
					  "dtb",
					  "counted"};
	struct disk d;

	disk_open(&d, "bls", 0, true);
	disk_collect(&d);
	assert_string_equal(d.found, "/EFI/BOOT/baton.cfg");
	assert_int_equal(d.cfg.timeout, 7);
	assert_ids(&d.cfg, ids, ARRAY_SIZE(ids));
	assert_string_equal(d.cfg.entries[0].title, "From baton.cfg");
	assert_null(d.cfg.entries[0].root);

	const struct cfg_entry *x = &d.cfg.entries[1];
	assert_string_equal(x->title, "Debian GNU/Linux 12 (bookworm) (6.2.0-1-amd64)");
	assert_string_equal(x->root, "partuuid:5eed0002-0000-4000-8000-000000000002");
	assert_string_equal(x->source, "loader/entries/debian-6.2.0-1-amd64.conf on (hd0,gpt2)");

	const struct cfg_entry *e = &d.cfg.entries[2];
	assert_string_equal(e->title, "Debian GNU/Linux 12 (bookworm) (6.1.0-13-amd64)");
	assert_string_equal(e->kernel, "/debian/6.1.0-13-amd64/linux"); /* '/' added */
	assert_null(e->protocol);					/* detected */
	assert_int_equal(e->n_initrd, 1);
	assert_string_equal(e->initrd[0], "/debian/6.1.0-13-amd64/initrd.img");
	assert_string_equal(e->cmdline, "root=/dev/sda2 ro quiet");
	assert_string_equal(e->root, "partuuid:5eed0001-0000-4000-8000-000000000001");
	assert_string_equal(e->source, "loader/entries/debian-6.1.0-13-amd64.conf on (hd0,gpt1)");
	assert_int_equal(e->parent, -1);

	assert_string_equal(d.cfg.entries[4].title, "Fedora Linux 39"); /* unique: as it is */
	const struct cfg_entry *sh = &d.cfg.entries[6];
	assert_string_equal(sh->protocol, "efi");
	assert_string_equal(sh->kernel, "/shellx64.efi");
	assert_string_equal(sh->cmdline, "-nostartup");
	assert_string_equal(d.cfg.entries[10].source,
			    "loader/entries/counted+0-3.conf on (hd0,gpt1)");

	assert_true(has_error(&d.cfg, "(hd0,gpt1)/loader/entries/nolinux.conf: neither a linux "
				      "nor an efi line: nothing to boot"));
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/loader/entries/dtb.conf:3: devicetree ignored: "
				      "x86 has no device tree"));
	assert_false(mentions(&d.cfg, "arm.conf"));    /* hidden without a word, as systemd-boot */
	assert_false(mentions(&d.cfg, "unknown key")); /* only a note: BLS lets keys be added */
	assert_false(mentions(&d.cfg, "showing what baton found"));
	assert_int_equal(d.cfg.n_errors, 2);
	assert_int_equal(d.s.errors, 1);
	assert_int_equal(d.s.warnings, 1);
	/* The default: the config's first entry. */
	assert_int_equal(config_default_index(&d.cfg), 0);
	assert_int_equal(config_find(&d.cfg, "debian-6.1.0-9-amd64"), 3);
	disk_close(&d);
}

/* On BIOS an efi entry cannot run: hidden, as BLS says, so not a warning; notes (baton check)
 * say so, and name the unknown keys. */
static void test_bls_bios_notes(void **state)
{
	struct disk d;

	disk_open(&d, "bls", 0, false);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 10);
	assert_false(mentions(&d.cfg, "shell.conf"));
	assert_int_equal(d.s.warnings, 1); /* the device tree */
	disk_close(&d);

	disk_open(&d, "bls", 0, false);
	d.s.notes = true;
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 10);
	for (int i = 0; i < d.cfg.n_entries; i++)
		assert_true(!d.cfg.entries[i].id || strcmp(d.cfg.entries[i].id, "shell"));
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/loader/entries/shell.conf: an EFI program (efi "
				      "line): not shown, EFI programs need UEFI and this is a "
				      "BIOS boot"));
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/loader/entries/arm.conf: not shown: for another "
				      "architecture (aa64)"));
	assert_true(
	    has_error(&d.cfg, "(hd0,gpt1)/loader/entries/nokey-a.conf:3: unknown key ignored"));
	assert_int_equal(d.s.warnings, 1);
	disk_close(&d);
}

/* 70 entries: every one is read, and the menu is in BLS order (newest id first), not the
 * directory's (its first names). */
static void test_bls_many(void **state)
{
	struct disk d;

	disk_open(&d, "many", 0, true);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 70);
	assert_string_equal(d.cfg.entries[0].id, "e69");
	assert_string_equal(d.cfg.entries[0].title, "Entry 69");
	assert_string_equal(d.cfg.entries[69].id, "e00");
	assert_int_equal(d.cfg.n_errors, 0);
	assert_int_equal(d.s.errors + d.s.warnings, 0);
	disk_close(&d);
}

/*
 * twin.conf on the ESP and on the XBOOTLDR partition: ids stay unique (the BLI and `default`
 * pick by id), past twin-2 (an entry file) and twin-3 (baton.cfg's id); the equal titles get
 * the version, then the id.
 */
static void test_bls_twins(void **state)
{
	static const char *const ids[] = {"twin-3", "twin-2", "twin", "twin-4"};
	struct disk d;

	disk_open(&d, "dup", 0, true);
	d.s.notes = true;
	disk_collect(&d);
	assert_ids(&d.cfg, ids, ARRAY_SIZE(ids));
	assert_string_equal(d.cfg.entries[1].title, "Other");
	assert_string_equal(d.cfg.entries[2].title, "Twin (1) (twin)");
	assert_string_equal(d.cfg.entries[2].root, "partuuid:5eed0001-0000-4000-8000-000000000001");
	assert_string_equal(d.cfg.entries[3].title, "Twin (1) (twin-4)");
	assert_string_equal(d.cfg.entries[3].root, "partuuid:5eed0002-0000-4000-8000-000000000002");
	assert_true(has_error(&d.cfg, "(hd0,gpt2)/loader/entries/twin.conf: id twin is another "
				      "entry's: this one is twin-4"));
	assert_int_equal(config_find(&d.cfg, "twin"), 2);
	assert_int_equal(config_find(&d.cfg, "twin-4"), 3);
	assert_int_equal(d.s.errors + d.s.warnings, 0);
	disk_close(&d);
}

/* Paths as configs name them, on the collector's volumes. */
static void test_resolve(void **state)
{
	struct disk d;
	struct ent_vol *v;
	const char *p;

	disk_open(&d, "bls", 0, true);
	entries_specs(&d.s);
	assert_string_equal(d.ev[2].spec, "partuuid:5eed0003-0000-4000-8000-000000000003");
	assert_int_equal(entries_resolve(&d.s, "(hd0,gpt2)/loader", NULL, &v, &p), 0);
	assert_ptr_equal(v, &d.ev[1]);
	assert_string_equal(p, "/loader");
	assert_int_equal(
	    entries_resolve(&d.s, "partuuid:5EED0003-0000-4000-8000-000000000003", NULL, &v, &p),
	    0);
	assert_ptr_equal(v, &d.ev[2]);
	assert_string_equal(p, "/");
	assert_int_equal(entries_resolve(&d.s, "uuid:b150-0002/x", NULL, &v, &p), 0);
	assert_ptr_equal(v, &d.ev[1]);
	assert_int_equal(entries_resolve(&d.s, "label:BLSESP/EFI", NULL, &v, &p), 0);
	assert_ptr_equal(v, &d.ev[0]);
	assert_int_equal(entries_resolve(&d.s, "label:blsesp/EFI", NULL, &v, &p), E_NOENT);
	assert_string_equal(err_msg(), "no volume with label 'blsesp' for label:blsesp/EFI");
	assert_int_equal(entries_resolve(&d.s, "/boot/x", &d.ev[2], &v, &p), 0);
	assert_ptr_equal(v, &d.ev[2]);
	assert_int_equal(entries_resolve(&d.s, "/boot/x", NULL, &v, &p), E_NOENT);
	assert_int_equal(entries_resolve(&d.s, "(hd9,gpt1)/x", NULL, &v, &p), E_NOENT);
	assert_string_equal(err_msg(), "no volume (hd9,gpt1) for (hd9,gpt1)/x");
	assert_int_equal(entries_resolve(&d.s, "(hd0,gpt1)x", NULL, &v, &p), E_INVAL);
	disk_close(&d);
}

/* A spec names one volume: a PARTUUID, UUID or label that another volume shares is passed
 * over (cloned disks), down to the GRUB name. */
static void test_specs(void **state)
{
	static struct fs fs[3];
	static struct volume v[3];
	struct ent_vol ev[3];
	struct ent_set s = {.vols = ev, .n = 3};

	memset(fs, 0, sizeof(fs));
	memset(v, 0, sizeof(v));
	for (int i = 0; i < 3; i++) {
		v[i].scheme = PART_MBR;
		snprintf(v[i].name, sizeof(v[i].name), "hd%d,msdos1", i);
		snprintf(v[i].partuuid, sizeof(v[i].partuuid), "0000000%d-01", i);
		strcpy(fs[i].uuid, i < 2 ? "1234-ABCD" : "5678-0000");
		strcpy(fs[i].label, i == 0 ? "ONE" : "TWIN");
		entries_vol(&ev[i], &v[i], &fs[i], false);
	}
	strcpy(fs[2].label, "TWIN");
	strcpy(fs[1].uuid, "1234-abcd"); /* the same UUID, other case */
	entries_specs(&s);
	assert_string_equal(ev[0].spec, "label:ONE"); /* MBR PARTUUIDs are not used */
	assert_string_equal(ev[1].spec, "(hd1,msdos1)");
	assert_string_equal(ev[2].spec, "uuid:5678-0000");
	v[1].mbr_type = 0xea;
	v[2].mbr_type = 0xef;
	entries_vol(&ev[1], &v[1], &fs[1], false);
	entries_vol(&ev[2], &v[2], NULL, true);
	assert_int_equal(ev[1].flags, ENT_XBOOTLDR);
	assert_int_equal(ev[2].flags, ENT_BOOT | ENT_ESP);
}

/*
 * No config and no entries: kernels on every volume (Debian's /vmlinuz links and versions,
 * newest first, with their initrds; Fedora's initramfs and /etc/kernel/cmdline), then EFI
 * programs, not baton's own, not shim's fallback, not ia32 ones, not \EFI\BOOT copies.
 */
static void test_discover(void **state)
{
	static const char *const ids[] = {"auto-vmlinuz",
					  "auto-linux-6.1.0-13-amd64",
					  "auto-linux-6.1.0-10-amd64",
					  "auto-linux-6.1.0-9-amd64",
					  "auto-vmlinuz.old",
					  "auto-linux-6.5.6-300.fc39.x86_64",
					  "auto-efi-debian-grubx64",
					  "auto-efi-debian-mmx64",
					  "auto-efi-debian-shimx64",
					  "auto-windows",
					  "auto-efi-ubuntu-shimx64"};
	struct disk d;

	disk_open(&d, "discover", 0, true);
	disk_collect(&d);
	assert_null(d.found);
	assert_ids(&d.cfg, ids, ARRAY_SIZE(ids));
	const struct cfg_entry *e = &d.cfg.entries[0];
	assert_string_equal(e->title, "Debian GNU/Linux, /vmlinuz (6.1.0-13-amd64) on (hd0,gpt2)");
	assert_string_equal(e->kernel, "/vmlinuz");
	assert_string_equal(e->initrd[0], "/initrd.img");
	assert_string_equal(e->cmdline, "root=UUID=d15c0002-0000-4000-8000-000000000002 ro");
	assert_string_equal(e->root, "partuuid:5eed0002-0000-4000-8000-000000000002");
	assert_string_equal(e->source, "found on (hd0,gpt2)");
	e = &d.cfg.entries[1];
	assert_string_equal(e->title, "Debian GNU/Linux, kernel 6.1.0-13-amd64 on (hd0,gpt2)");
	assert_string_equal(e->kernel, "/boot/vmlinuz-6.1.0-13-amd64");
	assert_string_equal(e->initrd[0], "/boot/initrd.img-6.1.0-13-amd64");
	assert_int_equal(d.cfg.entries[2].n_initrd, 0); /* 6.1.0-10 has none */
	assert_string_equal(d.cfg.entries[4].initrd[0], "/initrd.img.old");
	e = &d.cfg.entries[5];
	assert_string_equal(e->title, "Fedora, kernel 6.5.6-300.fc39.x86_64 on (hd0,gpt3)");
	assert_string_equal(e->initrd[0], "/boot/initramfs-6.5.6-300.fc39.x86_64.img");
	assert_string_equal(e->cmdline, "root=UUID=d15c0004-0000-4000-8000-000000000004 rw quiet");
	e = &d.cfg.entries[6];
	assert_string_equal(e->title, "\\EFI\\debian\\grubx64.efi on (hd0,gpt1)");
	assert_string_equal(e->kernel, "/EFI/debian/grubx64.efi");
	assert_string_equal(e->protocol, "efi");
	assert_string_equal(e->cmdline, "");
	assert_string_equal(d.cfg.entries[9].title, "Windows Boot Manager on (hd0,gpt1)");
	assert_string_equal(d.cfg.entries[9].kernel, "/EFI/Microsoft/Boot/bootmgfw.efi");
	assert_string_equal(d.cfg.entries[10].root,
			    "partuuid:5eed0004-0000-4000-8000-000000000004");
	assert_true(has_error(&d.cfg, "No baton.cfg on (hd0,gpt1): showing what baton found. It "
				      "looked for"));
	assert_true(has_error(&d.cfg, "/EFI/BOOT/baton.cfg, /EFI/baton/baton.cfg, "
				      "/boot/baton/baton.cfg, /baton.cfg"));
	assert_int_equal(d.cfg.n_errors, 2);
	assert_int_equal(d.s.errors + d.s.warnings, 0);
	for (int i = 0; i < d.cfg.n_errors; i++)
		assert_true(strlen(d.cfg.errors[i]) < 80); /* one screen line each */
	disk_close(&d);

	/* On BIOS: the kernels only. With notes: why each EFI program was passed over. */
	disk_open(&d, "discover", 0, false);
	disk_collect(&d);
	assert_ids(&d.cfg, ids, 6);
	disk_close(&d);
	disk_open(&d, "discover", 0, true);
	d.s.notes = true;
	disk_collect(&d);
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/EFI/BOOT/BOOTX64.EFI: not offered: it is baton"));
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/EFI/BOOT/fbx64.efi: not offered: shim's "
				      "fallback"));
	assert_true(has_error(&d.cfg, "(hd0,gpt1)/EFI/tools/ia32.efi: not offered: not an x64 EFI "
				      "application"));
	assert_true(has_error(&d.cfg, "(hd0,gpt4)/EFI/BOOT/BOOTX64.EFI: not offered: a copy of "
				      "/EFI/ubuntu/shimx64.efi"));
	disk_close(&d);
}

/* /etc/kernel/cmdline past 511 bytes is taken whole; past the command-line limit, said and
 * not used. */
static void test_discover_cmdline(void **state)
{
	char want[4000];
	size_t n;
	struct disk d;

	n = (size_t)snprintf(want, sizeof(want), "root=/dev/sda1");
	for (int i = 1; i <= 400; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, " opt%04d", i);
	assert_int_equal(n, 3214);
	disk_open(&d, "longcmd", 0, false);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 2);
	assert_string_equal(d.cfg.entries[0].kernel, "/boot/vmlinuz-400");
	assert_string_equal(d.cfg.entries[0].cmdline, want);
	assert_string_equal(d.cfg.entries[1].kernel, "/boot/vmlinuz-600");
	assert_string_equal(d.cfg.entries[1].cmdline,
			    "root=UUID=10c00002-0000-4000-8000-000000000002 ro");
	assert_true(has_error(&d.cfg, "(hd0,gpt2)/etc/kernel/cmdline: 4814 bytes, more than the "
				      "4095 of a command line: not used"));
	assert_int_equal(d.s.warnings, 1);
	disk_close(&d);
}

/* Discovery whatever the boot volume; not when there are BLS entries. */
static void test_discover_when(void **state)
{
	struct disk d;

	disk_open(&d, "discover", 1, true); /* booted from the ext4 volume: no config there */
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 11);
	assert_true(mentions(&d.cfg, "No baton.cfg on (hd0,gpt2): showing what baton found"));
	disk_close(&d);
	disk_open(&d, "discover", -1, true);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 11);
	assert_true(has_error(&d.cfg, "baton could not read the volume it was started from: "
				      "showing what baton found"));
	disk_close(&d);
	/* Booted from ext4: no config; the ESP's BLS entries and the boot volume's own. */
	disk_open(&d, "bls", 2, true);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_entries, 11);
	assert_int_equal(config_find(&d.cfg, "ext4"), 8);
	assert_false(mentions(&d.cfg, "showing what baton found"));
	disk_close(&d);
}

/* baton's own BOOTX64.EFI carries the string discovery recognises it by. */
static void test_baton_mark(void **state)
{
	const char *path = getenv("BATON_EFI") ? getenv("BATON_EFI") : "build/BOOTX64.EFI";
	static const char mark[] = "baton: this EFI program is baton itself";
	FILE *f = fopen(path, "rb");
	static char buf[4 << 20];
	size_t n;
	bool found = false;

	if (!f)
		skip();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t i = 0; i + sizeof(mark) - 1 <= n && !found; i++)
		found = !memcmp(buf + i, mark, sizeof(mark) - 1);
	assert_true(found);
}

/* include, through the collector's reader: beside the config, on its volume, on another. */
static void test_include(void **state)
{
	static const char *const ids[] = {"sub", "extra", "other", "main"}; /* their titles' */
	struct disk d;

	disk_open(&d, "incl", 0, true);
	disk_collect(&d);
	assert_int_equal(d.cfg.n_errors, 0);
	assert_ids(&d.cfg, ids, 4);
	assert_string_equal(d.cfg.entries[0].title, "Sub");
	assert_string_equal(d.cfg.entries[1].title, "Extra");
	assert_string_equal(d.cfg.entries[2].title, "Other");
	assert_string_equal(d.cfg.entries[3].title, "Main");
	disk_close(&d);

	/* baton check: "p" beside FILE on the host, "/p" in the image, another volume's there. */
	static char out[16384];
	char dir[] = "/tmp/baton-incl-XXXXXX", path[64], cmd[1400];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub.cfg", dir);
	FILE *f = fopen(path, "w");
	fputs("entry Beside\n  kernel /vmlinuz-cfg\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/main.cfg", dir);
	f = fopen(path, "w");
	fputs("include sub.cfg\ninclude /EFI/BOOT/baton.cfg\ninclude (hd0,gpt2)/nope.cfg\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s check %s --image %s 2>&1", tool_path(), path,
		 td_path("entries/bls.img"));
	FILE *p = popen(cmd, "r");
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	out[got] = 0;
	assert_int_equal(WEXITSTATUS(pclose(p)), 1); /* nope.cfg is not there */
	assert_non_null(strstr(out, "1. Beside"));
	assert_non_null(strstr(out, "2. From baton.cfg"));
	assert_non_null(strstr(out, "nope.cfg"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The entries Debian 12's own kernel-install wrote (images_entries.sh ran it). */
static void test_kernel_install(void **state)
{
	FILE *f = fopen(td_path("entries/kinstall.skip"), "r");
	char why[256] = "", title[200] = "", want[300];
	struct disk d;

	if (f) {
		if (!fgets(why, sizeof(why), f))
			why[0] = 0;
		fclose(f);
		printf("test_kernel_install: skipped: %s", why);
		skip();
	}
	/* The title kernel-install wrote (this host's os-release PRETTY_NAME). */
	f = fopen(td_path("entries/debian-6.1.0-13-amd64.conf"), "r");
	assert_non_null(f);
	while (fgets(why, sizeof(why), f))
		if (!strncmp(why, "title", 5))
			sscanf(why, "title %199[^\n]", title);
	fclose(f);
	assert_true(title[0]);

	disk_open(&d, "kinstall", 0, true);
	disk_collect(&d);
	static const char *const ids[] = {"debian-6.1.0-13-amd64", "debian-6.1.0-9-amd64",
					  "0123456789abcdef0123456789abcdef-6.1.0-14-amd64"};
	/* One sort-key; no machine-id sorts before one; then versions, newest first. */
	assert_ids(&d.cfg, ids, 3);
	assert_int_equal(d.cfg.n_errors, 0);
	snprintf(want, sizeof(want), "%s (6.1.0-13-amd64)", title);
	assert_string_equal(d.cfg.entries[0].title, want);
	const struct cfg_entry *e = &d.cfg.entries[2];
	assert_string_equal(e->cmdline, "root=/dev/vda2 console=ttyS0 "
					"systemd.machine_id=0123456789abcdef0123456789abcdef");
	assert_string_equal(e->source, "loader/entries/"
				       "0123456789abcdef0123456789abcdef-6.1.0-14-amd64+3.conf on "
				       "(hd0,gpt1)");
	/* Every file it names is on the ESP, where the entry's root says. */
	for (int i = 0; i < 3; i++) {
		const struct cfg_entry *x = &d.cfg.entries[i];
		struct ent_vol *v;
		const char *p;
		struct fs_file *ff;
		assert_int_equal(x->n_initrd, 1);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(entries_resolve(&d.s, x->root, NULL, &v, &p), 0);
			assert_int_equal(fs_open(v->fs, k ? x->initrd[0] : x->kernel, &ff), 0);
			fs_close(ff);
		}
	}
	disk_close(&d);
}

/* --- baton check --- */

static const char *tmp_cfg(const char *text)
{
	static char path[] = "/tmp/baton-check-XXXXXX.cfg";
	strcpy(path, "/tmp/baton-check-XXXXXX.cfg");
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_check(void **state)
{
	static char out[16384];
	char img[512], dir[512];
	const char *cfg;

	snprintf(img, sizeof(img), "%s", td_path("entries/bls.img"));
	snprintf(dir, sizeof(dir), "%s", td_path("entries/bls-esp"));
	if (access(tool_path(), X_OK))
		fail_msg("%s is missing (make all)", tool_path());

	/* A good config alone: exit 0, its menu. */
	cfg = tmp_cfg("timeout 2\nentry One\n  kernel /vmlinuz-cfg\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s", cfg), 0);
	assert_non_null(strstr(out, "1 entries, timeout 2, default 1 ('One')"));
	assert_non_null(strstr(out, "0 errors, 0 warnings"));
	unlink(cfg);

	/* A syntax error: FILE:LINE, exit 1, the good entry still listed. */
	cfg = tmp_cfg("entry One\n  kernal /vmlinuz-cfg\n  kernel /vmlinuz-cfg\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s", cfg), 1);
	char want[700];
	snprintf(want, sizeof(want), "%s:2: unknown keyword 'kernal'", cfg);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "1. One"));

	/* With the image: the BLS entries after it, the bad ones reported, exit 1. */
	assert_int_equal(tool_run(out, sizeof(out), "check %s --image %s", cfg, img), 1);
	assert_non_null(strstr(out, "(hd0,gpt1)/loader/entries/nolinux.conf: neither a linux"));
	assert_non_null(strstr(out, "(hd0,gpt1)/loader/entries/arm.conf: not shown: for another "
				    "architecture (aa64)"));
	assert_non_null(strstr(out, "3. Debian GNU/Linux 12 (bookworm) (6.1.0-13-amd64)\n"
				    "     id debian-6.1.0-13-amd64; loader/entries/"
				    "debian-6.1.0-13-amd64.conf on (hd0,gpt1)\n"));
	assert_non_null(strstr(out, "11 entries"));
	unlink(cfg);

	/* A kernel or initrd that is not there is an error; another disk's volume a warning. */
	cfg = tmp_cfg("entry Gone\n  kernel /nope\n  initrd /vmlinuz-cfg /nope.img\n"
		      "entry Elsewhere\n  kernel label:NOWHERE/vmlinuz\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s --image %s:1", cfg, img), 1);
	snprintf(want, sizeof(want), "%s:1: kernel /nope not found", cfg);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%s:1: initrd /nope.img not found", cfg);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "warning: cannot check kernel label:NOWHERE/vmlinuz: no "
				    "volume with label 'NOWHERE'"));
	unlink(cfg);

	/* --dir: the directory is the ESP's root; its files are checked there. */
	cfg = tmp_cfg("timeout 1\nentry One\n  kernel /vmlinuz-cfg\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s --dir %s", cfg, dir),
			 1); /* nolinux.conf */
	snprintf(want, sizeof(want), "%s/loader/entries/nolinux.conf: neither", dir);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "id fedora-39; %s/loader/entries/fedora-39.conf", dir);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "not found"));
	/* --bios: the efi entry is hidden, and said so. */
	assert_int_equal(tool_run(out, sizeof(out), "check %s --dir %s --bios", cfg, dir), 1);
	assert_non_null(strstr(out, "shell.conf: an EFI program (efi line): not shown"));
	assert_null(strstr(out, "EFI Shell"));
	unlink(cfg);

	/* An empty config: the discovered menu with the image, an error without. */
	cfg = tmp_cfg("timeout 3\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s", cfg), 1);
	assert_non_null(strstr(out, "no entries"));
	assert_int_equal(
	    tool_run(out, sizeof(out), "check %s --image %s", cfg, td_path("entries/discover.img")),
	    0);
	assert_non_null(strstr(out, "has no entries: showing what baton found"));
	assert_non_null(strstr(out, "11. \\EFI\\ubuntu\\shimx64.efi on (hd0,gpt4)"));
	unlink(cfg);
	assert_int_equal(tool_run(out, sizeof(out), "check /nonexistent.cfg"), 1);
	assert_int_equal(tool_run(out, sizeof(out), "check a.cfg --image x --dir y"),
			 2); /* usage */
}

int main(void)
{
	struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags),	   cmocka_unit_test(test_bls),
	    cmocka_unit_test(test_bls_bios_notes), cmocka_unit_test(test_bls_many),
	    cmocka_unit_test(test_bls_twins),	   cmocka_unit_test(test_discover_cmdline),
	    cmocka_unit_test(test_resolve),	   cmocka_unit_test(test_specs),
	    cmocka_unit_test(test_discover),	   cmocka_unit_test(test_discover_when),
	    cmocka_unit_test(test_baton_mark),	   cmocka_unit_test(test_kernel_install),
	    cmocka_unit_test(test_check),	   cmocka_unit_test(test_include),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
