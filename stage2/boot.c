/* boot.c: turns a menu entry into a load plan: opens its files, asks the kernel's format. */
#include "core.h"
#include "platform.h"
#include "gzip.h"

/* lp_file.read over an open (maybe gzip'd) file: the handlers' way to bytes past the head. */
static int file_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf)
{
	return exec_file_read(f->ctx, off, len, buf);
}

static int gz_src(void *ctx, uint64_t off, uint64_t len, void *buf)
{
	return fs_read(ctx, off, len, buf);
}

/*
 * Chainload (BIOS): the volume a boot sector belongs to, for DS:SI and DL. The MBR or EBR that
 * holds an MBR partition's entry is read here (table: one block of the disk).
 */
static int bootsect_of(const struct volume *v, struct lp_bootsect *b, uint8_t **table)
{
	if (v->scheme == PART_MBR) {
		*table = mem_alloc(MAX(v->dev->block_size, 512u));
		if (!*table)
			return err_set(E_NOMEM, "out of memory");
		int r = blockdev_read(v->dev, v->table_lba, 1, *table);
		if (r)
			return r;
	}
	lp_bootsect_from(b, v, *table);
	return 0;
}

/* Does msg name s (a path)? The freestanding build has no strstr. */
static bool mentions(const char *msg, const char *s)
{
	size_t n = strlen(s);

	for (; *msg; msg++)
		if (!strncmp(msg, s, n))
			return true;
	return false;
}

/*
 * Every failure names the file it is about: "kernel PATH: reason" (the menu names the entry).
 * A driver's message may start with the path on its volume ("/k/x: ..."): that part goes, the
 * config's path says more.
 */
static int name_file(int r, const char *what, const char *path, const char *vpath)
{
	char tmp[ERR_MSG_MAX]; /* err_msg() is the buffer err_set() writes */
	const char *m = err_msg();
	size_t vl = vpath ? strlen(vpath) : 0;

	if (vl && !strncmp(m, vpath, vl) && m[vl] == ':' && m[vl + 1] == ' ')
		m += vl + 2;
	strlcpy_b(tmp, m, sizeof(tmp));
	return err_set(r, "%s %s: %s", what, path, tmp);
}

int boot_entry(const struct cfg_entry *e, struct bvol *cfgvol)
{
	struct exec_file files[LP_MAX_FILES];
	struct lp_input in;
	struct load_plan plan;
	struct lp_bootsect bs;
	struct volume raw;
	uint8_t *head = NULL, *table = NULL;
	int nf = 0, r;
	bool opened =
	    false; /* every file is open: later failures are the kernel's, or name theirs */
	const char *protocol = e->protocol;

	memset(&in, 0, sizeof(in));
	memset(&plan, 0, sizeof(plan));
	memset(files, 0, sizeof(files));
	memset(&raw, 0, sizeof(raw));
	if (e->n_initrd > LP_MAX_FILES - 1)
		return err_set(E_RANGE, "too many initrds (%d)", e->n_initrd);

	/* Open everything first, so a missing initrd is reported before anything is loaded. */
	const char *paths[LP_MAX_FILES];
	paths[0] = e->kernel;
	for (int i = 0; i < e->n_initrd; i++)
		paths[i + 1] = e->initrd[i];
	/* A volume with no path, "(hd1)" or "(hd0,msdos1)", is its first sector: a chainload. */
	if (volumes_is_raw(e->kernel)) {
		if (protocol && strcmp(protocol, "chainload")) {
			r = err_set(E_INVAL,
				    "%s names a volume, not a file: only protocol chainload boots "
				    "a volume's first sector",
				    e->kernel);
			goto out;
		}
		protocol = "chainload";
		if (!plat_bios()) {
			r = err_set(E_UNSUPP,
				    "needs BIOS: %s is a volume, whose first sector only a BIOS "
				    "boots",
				    e->kernel);
			goto out;
		}
		r = volumes_raw(e->kernel, &raw);
		if (r)
			goto out;
		files[0].raw = &raw;
		files[0].path = e->kernel;
		files[0].vol = &raw;
		nf = 1;
	}
	for (; nf < e->n_initrd + 1; nf++) {
		struct bvol *bv = NULL;
		r = volumes_open(paths[nf], cfgvol, &files[nf].f, &bv, &files[nf].vpath);
		if (r) {
			if (r == E_NOENT) {
				/* err_msg() is the buffer err_set() writes */
				char why[ERR_MSG_MAX];
				strlcpy_b(why, err_msg(), sizeof(why));
				err_set(r, "%s %s not found (%s)", nf ? "initrd" : "kernel",
					paths[nf], why);
			} else if (!mentions(err_msg(), paths[nf])) {
				/* a loop of links, a corrupt directory or inode, a read error */
				name_file(r, nf ? "initrd" : "kernel", paths[nf], files[nf].vpath);
			}
			goto out;
		}
		files[nf].path = paths[nf];
		files[nf].vol = &bv->v;
		if (files[nf].f->type != FS_FILE) {
			r = err_set(E_INVAL, "%s is not a regular file", paths[nf]);
			nf++;
			goto out;
		}
	}

	opened = true;
	struct fs_file *k = files[0].f;
	/* A volume's first sector, or the file. */
	uint64_t ksize = k ? k->size : MIN(raw.blocks * raw.dev->block_size, 512ull);
	size_t hl = (size_t)MIN(ksize, (uint64_t)LP_HEAD_BYTES);
	head = mem_alloc(LP_HEAD_BYTES);
	if (!head) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	r = exec_file_read(&files[0], 0, hl, head);
	if (r)
		goto out;
	/* A gzip'd kernel (GNU Mach, Xen) is inflated first: the formats see its contents. */
	if (k && gz_detect(head, hl)) {
		r = gz_open(&files[0].gz, ksize, gz_src, k, e->kernel);
		if (r)
			goto out;
		ksize = gz_size(files[0].gz);
		con_printf("%s: gzip, %llu bytes inflate to %llu\n", e->kernel,
			   (unsigned long long)k->size, (unsigned long long)ksize);
		hl = (size_t)MIN(ksize, (uint64_t)LP_HEAD_BYTES);
		r = exec_file_read(&files[0], 0, hl, head);
		if (r)
			goto out;
	}
	in.kernel = (struct lp_file){.path = e->kernel,
				     .size = ksize,
				     .head = head,
				     .head_len = hl,
				     .read = file_read,
				     .ctx = &files[0]};
	for (int i = 1; i < nf; i++)
		in.mods[i - 1] = (struct lp_file){
		    .path = paths[i], .size = files[i].f->size, .args = e->args[i - 1]};
	in.n_mods = nf - 1;
	in.cmdline = e->cmdline ? e->cmdline : "";
	in.loader_name = "baton " BATON_VERSION;
	in.protocol = protocol;
	in.efi = plat_can_start_images();
	in.bios = plat_bios();
	in.bios_drive = files[0].vol->dev->bios_drive;
	in.bios_part = files[0].vol->index ? files[0].vol->index - 1 : -1;
	if (in.bios && protocol && !strcmp(protocol, "chainload")) {
		r = bootsect_of(files[0].vol, &bs, &table);
		if (r)
			goto out;
		in.bootsect = &bs;
	}

	const struct format *fmt = format_find(&in.kernel, in.protocol);
	if (!fmt) {
		r = E_FORMAT;
		goto out;
	}
	r = fmt->plan(&in, &plan);
	if (!r) {
		con_printf("%s: %s kernel, %s\n", e->kernel, plan.format, plan.entry_kind);
		r = exec_plan(&plan, files, nf);
	}
out:
	/* Name the kernel once (most handlers' messages start with its path already), unless the
	 * message is about another file of the entry. */
	if (r && opened) {
		bool named = false;
		for (int i = 0; i < nf && !named; i++)
			named = mentions(err_msg(), paths[i]);
		if (!named)
			name_file(r, "kernel", e->kernel, files[0].vpath);
	}
	lp_free(&plan);
	mem_free(head);
	mem_free(table);
	for (int i = 0; i < nf; i++) {
		gz_close(files[i].gz);
		if (files[i].f)
			fs_close(files[i].f);
	}
	return r;
}
