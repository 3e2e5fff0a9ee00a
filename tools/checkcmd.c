/* checkcmd.c: baton check: a config's problems by file and line, and the menu baton would show. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "entries.h"
#include "hostdir.h"
#include "imgdev.h"
#include "part.h"

#define MAX_VOLS 128

/* How includes are found: as stage2 finds them, with the host standing in for missing parts. */
struct host_incl {
	const char *dir;      /* FILE's directory: relative includes are beside it */
	char root[PATH_MAX];  /* without a volume: the host directory "/" stands for */
	struct ent_set *s;    /* the image's volumes or the directory, when given */
	struct ent_vol *boot; /* where "/p" is then */
};

/* A host file for the parser, which frees it with mem_free() (free() on the host). */
static int host_read(const char *path, char **text, size_t *len)
{
	*text = (char *)read_file(path, len);
	if (!*text)
		return err_set(errno == ENOENT ? E_NOENT : E_IO, "%s: %s", path, strerror(errno));
	if (*len > (1 << 20)) {
		free(*text);
		return err_set(E_IO, "%s: more than 1 MiB: not a config", path);
	}
	return 0;
}

static int host_include(void *ctx, const char *path, char **text, size_t *len)
{
	struct host_incl *h = ctx;
	char buf[PATH_MAX + 512];
	struct ent_vol *v;
	const char *p;

	if (path[0] == '(' || strchr(path, ':')) {
		if (!h->s->n)
			return err_set(E_NOENT, "%s names a volume: give --image to check it",
				       path);
		int r = entries_resolve(h->s, path, h->boot, &v, &p);
		return r ? r : fs_read_all(v->fs, p, text, len, 1 << 20);
	}
	if (path[0] == '/' && h->boot)
		return fs_read_all(h->boot->fs, path, text, len, 1 << 20);
	snprintf(buf, sizeof(buf), "%s%s%s", path[0] == '/' ? h->root : h->dir,
		 path[0] == '/' ? "" : "/", path);
	return host_read(buf, text, len);
}

/*
 * Without --image or --dir, "/p" in an include is on the config's volume: the host directory
 * FILE lies in, or the one above it when FILE sits where baton looks for it
 * (.../EFI/BOOT/baton.cfg: "/" is ...).
 */
static void host_root(const char *file, char *root)
{
	char real[PATH_MAX];

	if (!realpath(file, real)) {
		snprintf(root, PATH_MAX, ".");
		return;
	}
	size_t n = strlen(real);
	for (int i = 0; i < ENT_N_CFG_PATHS; i++) {
		size_t k = strlen(entries_cfg_paths[i]);
		if (n > k && !strcasecmp(real + n - k, entries_cfg_paths[i])) {
			snprintf(root, PATH_MAX, "%.*s", (int)(n - k), real);
			return;
		}
	}
	char *slash = strrchr(real, '/');
	snprintf(root, PATH_MAX, "%.*s", slash ? (int)(slash - real) : 0, real);
}

/* The image's volumes (scan_image), as stage2 keeps its own: for the whole run. */
static struct blockdev dev;
static struct volume vols[MAX_VOLS];
static struct ent_vol evols[MAX_VOLS];

static void unmount_all(struct ent_set *s)
{
	for (int i = 0; s->vols == evols && i < s->n; i++)
		fs_unmount(s->vols[i].fs);
	s->n = 0;
}

/* IMG[:PART]: every volume of the image, mounted, as stage2 sees a disk; the boot volume is
 * PART (a number or a PARTUUID), else the first ESP, else the first volume baton reads. */
static int scan_image(const char *arg, struct ent_set *s)
{
	char img[PATH_MAX];
	const char *part;
	int boot = -1;

	if (imgdev_split(arg, img, sizeof(img), &part) || imgdev_open(img, &dev))
		return -1;
	int n = part_scan(&dev, vols, MAX_VOLS);
	if (n < 0)
		return -1;
	if (part_warning[0])
		fprintf(stderr, "baton: warning: %s\n", part_warning);
	s->vols = evols;
	for (int i = 0; i < n; i++) {
		struct fs *fs;
		if (fs_mount(&vols[i], &fs))
			fs = NULL;
		entries_vol(&s->vols[i], &vols[i], fs, false);
		if (part && vol_match(&vols[i], part))
			boot = i;
	}
	s->n = n;
	for (int i = 0; i < n && boot < 0 && !part; i++)
		if (s->vols[i].fs && (s->vols[i].flags & ENT_ESP))
			boot = i;
	for (int i = 0; i < n && boot < 0 && !part; i++)
		if (s->vols[i].fs)
			boot = i;
	if (boot < 0 || !s->vols[boot].fs) {
		unmount_all(s);
		return err_set(E_NOENT, "%s: %s", img,
			       part ? "no such partition, or no filesystem baton reads on it"
				    : "no volume with a filesystem baton reads");
	}
	s->vols[boot].flags |= ENT_BOOT;
	return 0;
}

/* Does an entry's file exist where stage2 would look? Missing: an error; unknown volume: a
 * warning (it may be on a disk that is not in the image). */
static void check_file(struct ent_set *s, struct ent_vol *root, const char *where, const char *what,
		       const char *path, int *errors, int *warnings)
{
	struct ent_vol *v;
	struct fs_file *f;
	const char *p;

	if (entries_resolve(s, path, root, &v, &p)) {
		fprintf(stderr, "%s: warning: cannot check %s %s: %s\n", where, what, path,
			err_msg());
		(*warnings)++;
	} else if (fs_open(v->fs, p, &f)) {
		fprintf(stderr, "%s: %s %s not found (%s)\n", where, what, path, err_msg());
		(*errors)++;
	} else {
		if (f->type != FS_FILE) {
			fprintf(stderr, "%s: %s %s is not a regular file\n", where, what, path);
			(*errors)++;
		}
		fs_close(f);
	}
}

static void check_files(struct ent_set *s, const struct config *cfg, const char *file, int *errors,
			int *warnings)
{
	struct ent_vol *boot = NULL;
	char where[PATH_MAX + 32];

	for (int i = 0; i < s->n && !boot; i++)
		if (s->vols[i].flags & ENT_BOOT)
			boot = &s->vols[i];
	for (int i = 0; i < cfg->n_entries; i++) {
		const struct cfg_entry *e = &cfg->entries[i];
		const char *rs = e->root ? e->root : cfg->root, *p;
		struct ent_vol *root = boot;
		if (e->submenu || !e->kernel)
			continue;
		if (e->source)
			snprintf(where, sizeof(where), "%s", e->source);
		else
			snprintf(where, sizeof(where), "%s:%d", file, e->line);
		if (rs && entries_resolve(s, rs, NULL, &root, &p)) {
			fprintf(stderr, "%s: warning: cannot check its files: %s\n", where,
				err_msg());
			(*warnings)++;
			continue;
		}
		/* A volume alone ("(hd0,msdos1)") is a boot sector to chainload. */
		if (strchr(e->kernel, '/'))
			check_file(s, root, where, "kernel", e->kernel, errors, warnings);
		for (int k = 0; k < e->n_initrd; k++)
			check_file(s, root, where, e->args[k] ? "module" : "initrd", e->initrd[k],
				   errors, warnings);
	}
}

static void print_menu(const struct config *cfg, const char *file)
{
	int def = cfg->n_entries ? config_default_index(cfg) : -1;

	printf("%s: %d entries, timeout %d", file, cfg->n_entries, cfg->timeout);
	if (def >= 0)
		printf(", default %d ('%s')", def + 1, cfg->entries[def].title);
	if (cfg->root)
		printf(", root %s", cfg->root);
	printf("\n");
	for (int i = 0; i < cfg->n_entries; i++) {
		const struct cfg_entry *e = &cfg->entries[i];
		int depth = 0;
		for (int p = e->parent; p >= 0 && depth < 16; p = cfg->entries[p].parent)
			depth++;
		int ind = 2 + 4 * depth;
		printf("%*s%d. %s%s\n", ind, "", i + 1, e->submenu ? "submenu " : "", e->title);
		printf("%*s   id %s; %s\n", ind, "", e->id ? e->id : "(none)",
		       e->source ? e->source : file);
		if (e->submenu)
			continue;
		printf("%*s   %s %s", ind, "", e->protocol ? e->protocol : "kernel", e->kernel);
		if (e->root)
			printf(" on %s", e->root);
		for (int k = 0; k < e->n_initrd; k++)
			printf(", %s %s%s%s", e->args[k] ? "module" : "initrd", e->initrd[k],
			       e->args[k] && e->args[k][0] ? " " : "",
			       e->args[k] ? e->args[k] : "");
		printf("; cmdline '%s'\n", e->cmdline ? e->cmdline : "");
	}
}

int cmd_check(int argc, char **argv)
{
	struct ent_set s = {.efi = true, .notes = true};
	struct hostdir hd;
	struct ent_vol dirvol;
	struct config cfg;
	const char *file = NULL, *image = NULL, *dir = NULL;
	char *text, fdir[PATH_MAX];
	size_t len;
	int errors = 0, warnings = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--image") && i + 1 < argc)
			image = argv[++i];
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--bios"))
			s.efi = false;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return usage();
	}
	if (!file || (image && dir))
		return usage();
	if (image && scan_image(image, &s)) {
		fprintf(stderr, "baton: %s\n", err_msg());
		return 1;
	}
	if (dir) {
		if (hostdir_mount(&hd, dir)) {
			fprintf(stderr, "baton: %s\n", err_msg());
			return 1;
		}
		hostdir_vol(&hd, &dirvol);
		s.vols = &dirvol;
		s.n = 1;
	}
	entries_specs(&s);

	struct host_incl h = {.dir = fdir, .s = &s};
	const char *slash = strrchr(file, '/');
	snprintf(fdir, sizeof(fdir), "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
		 slash ? file : ".");
	host_root(file, h.root);
	for (int i = 0; i < s.n && !h.boot; i++)
		if (s.vols[i].flags & ENT_BOOT)
			h.boot = &s.vols[i];

	if (host_read(file, &text, &len)) {
		fprintf(stderr, "baton: %s\n", err_msg());
		unmount_all(&s);
		return 1;
	}
	struct cfg_reader rd = {.read = host_include, .ctx = &h};
	int r = config_parse_with(text, len, file, &rd, &cfg);
	mem_free(text);
	if (r)
		errors++;
	if (s.n)
		entries_add(&s, &cfg, file);
	/* As stage2 does once every entry is in: a default that names none is an error. */
	int before = cfg.n_errors + cfg.n_dropped;
	config_finish(&cfg);
	if (cfg.n_errors + cfg.n_dropped > before)
		errors++;
	/* The config's own problems, then the collector's (BLS files, discovery notes). */
	for (int i = 0; i < cfg.n_errors; i++)
		fprintf(stderr, "%s\n", cfg.errors[i]);
	if (s.n)
		check_files(&s, &cfg, file, &errors, &warnings);
	errors += s.errors;
	warnings += s.warnings;
	if (!cfg.n_entries) {
		fprintf(stderr, "%s: no entries%s\n", file,
			s.n ? ", and no BLS entry or kernel found either"
			    : " (--image or --dir shows what baton would find instead)");
		errors++;
	}
	fflush(stderr);
	print_menu(&cfg, file);
	printf("%d error%s, %d warning%s\n", errors, errors == 1 ? "" : "s", warnings,
	       warnings == 1 ? "" : "s");
	config_free(&cfg);
	unmount_all(&s);
	return errors ? 1 : 0;
}
