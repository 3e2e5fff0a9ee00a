/* install.c: `baton install` and `baton uninstall`: baton onto a disk, and back off it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmds.h"
#include "entries.h"
#include "layout.h"
#include "sha256.h"
#include "state.h"
#include "zlib.h"

/*
 * The order of writes keeps an interrupted install bootable or untouched: the undo data is on
 * the host's disk first, then the files go into their filesystems, then the gap part, and
 * sector 0's boot code last (until then the disk boots as before). Every write is checked to
 * lie where baton may write (sector 0's bytes 0-439, the gap or BIOS boot partition, the
 * unmounted filesystem being changed), read back and compared.
 */

static const char starter_cfg[] =
    "# baton.cfg: baton's menu. Written by `baton install` as a start; edit it.\n"
    "# baton looks for it on the partition it started from: /EFI/BOOT/baton.cfg,\n"
    "# /EFI/baton/baton.cfg, /boot/baton/baton.cfg, /baton.cfg (the first found).\n"
    "# Check it with `baton check baton.cfg`. Lines starting with # are comments.\n"
    "\n"
    "# Seconds before the default entry boots; 0 boots at once, -1 waits forever.\n"
    "timeout 5\n"
    "\n"
    "# An entry: remove the # signs and change the paths and the command line.\n"
    "# Paths are on this partition, or name another: (hd0,gpt2)/boot/vmlinuz,\n"
    "# uuid:UUID/boot/vmlinuz, label:LABEL/vmlinuz.\n"
    "#entry Linux\n"
    "#  kernel /boot/vmlinuz\n"
    "#  initrd /boot/initrd.img\n"
    "#  cmdline root=/dev/sda2 ro quiet\n";

static int fail(const char *what)
{
	fprintf(stderr, "baton: %s: %s\n", what, imsg());
	return 1;
}

static int input(const char *dir, const char *name, char *path, uint8_t **data, size_t *len)
{
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	*data = read_file(path, len);
	if (!*data)
		return ierr(E_NOENT, "%s: %s (build it with make, or give --from DIR)", path,
			    strerror(errno));
	return 0;
}

/* mbr.bin, bios-gap.bin, bios.bin and BOOTX64.EFI, from --from DIR or beside this program. */
static int load_inputs(const struct inst_opts *o, struct inputs *in, bool bios, bool uefi)
{
	char self[PATH_MAX], dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int r = 0;

	memset(in, 0, sizeof(*in));
	if (o->from) {
		snprintf(dir, sizeof(dir), "%s", o->from);
	} else {
		self[n > 0 ? n : 0] = 0;
		snprintf(dir, sizeof(dir), "%s", n > 0 ? dirname(self) : ".");
	}
	if (bios) {
		r = input(dir, "stage1/mbr.bin", in->mbr_path, &in->mbr, &in->mbr_len);
		r = r ? r : input(dir, "bios-gap.bin", in->gap_path, &in->gap, &in->gap_len);
		r = r ? r : input(dir, "bios.bin", in->body_path, &in->body, &in->body_len);
		if (r)
			return r;
		if (in->gap_len < GAP_HDR_OFF + GH_SIZE || in->gap_len > GAP_MAX ||
		    memcmp(in->gap + 4, "BTN2", 4) || get32(in->gap + GAP_HDR_OFF) != GAP_HDR_MAGIC)
			return ierr(E_FORMAT, "%s is not baton's gap part", in->gap_path);
		if (in->body_len < 16 || get32(in->body + 4) != BODY_MAGIC)
			return ierr(E_FORMAT, "%s is not baton's BIOS stage2 body", in->body_path);
		if (in->body_len > BODY_END - BODY_ADDR)
			return ierr(E_RANGE, "%s is %zu bytes; the gap part loads at most %u",
				    in->body_path, in->body_len, BODY_END - BODY_ADDR);
		if (memcmp(in->body + BODY_BUILDID_OFF, in->gap + GAP_HDR_OFF + GH_BUILD_ID, 8))
			return ierr(E_FORMAT,
				    "%s and %s are from different builds (build ids differ)",
				    in->gap_path, in->body_path);
	}
	if (uefi)
		r = input(dir, "BOOTX64.EFI", in->efi_path, &in->efi, &in->efi_len);
	return r;
}

static void free_inputs(struct inputs *in)
{
	free(in->mbr);
	free(in->gap);
	free(in->body);
	free(in->efi);
}

/* The default undo data: beside an image file, or under /var/lib/baton for a disk. */
static void undo_path(struct target *t, const struct inst_opts *o, char *out, size_t n)
{
	static const uint8_t zero[16];

	if (o->undo) {
		snprintf(out, n, "%s", o->undo);
	} else if (!t->blk) {
		snprintf(out, n, "%s.baton-undo", t->path);
	} else if (memcmp(t->diskid, zero, 16)) {
		char id[40];
		if (t->scheme == PART_GPT)
			guid_to_str(t->diskid, id);
		else
			snprintf(id, sizeof(id), "%08x", get32(t->diskid));
		snprintf(out, n, "/var/lib/baton/disk-%s.undo", id);
	} else {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s", t->path);
		snprintf(out, n, "/var/lib/baton/%s.undo", basename(p));
	}
}

static int parse_opts(int argc, char **argv, struct inst_opts *o, bool install)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--force"))
			o->force = true;
		else if (!strcmp(a, "--undo") && more)
			o->undo = argv[++i];
		else if (!strcmp(a, "--sector-size") && more)
			o->ss = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (install && !strcmp(a, "--bios"))
			o->bios = true;
		else if (install && !strcmp(a, "--uefi"))
			o->uefi = true;
		else if (install && !strcmp(a, "--register"))
			o->reg = true;
		else if (install && !strcmp(a, "--boot-part") && more)
			o->boot_part = atoi(argv[++i]);
		else if (install && !strcmp(a, "--esp") && more)
			o->esp_dir = argv[++i];
		else if (install && !strcmp(a, "--from") && more)
			o->from = argv[++i];
		else if (a[0] == '-' || o->target)
			return -1;
		else
			o->target = a;
	}
	if (!o->target || (o->ss && (o->ss < 512 || o->ss > 4096 || (o->ss & (o->ss - 1)))))
		return -1;
	if (o->bios && o->uefi)
		o->bios = o->uefi = false; /* both: the default */
	return 0;
}

/* A partition's file job: staged, or through its mount point (or --esp DIR). */
static struct fsjob *job_for(struct target *t, struct fsjob *jobs, int *n, struct volume *v,
			     const char *dir)
{
	for (int i = 0; i < *n; i++)
		if (jobs[i].vol == v && (v || !strcmp(jobs[i].dir, dir)))
			return &jobs[i];
	struct fsjob *j = &jobs[(*n)++];
	memset(j, 0, sizeof(*j));
	j->t = t;
	j->vol = v;
	if (dir)
		snprintf(j->dir, sizeof(j->dir), "%s", dir);
	return j;
}

/* Directories first, each once: /EFI, then /EFI/baton for /EFI/baton/x. */
static void add_dirs(struct fsjob *j, const char *file)
{
	char p[160];
	snprintf(p, sizeof(p), "%s", file);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		bool have = false;
		for (int i = 0; i < j->n_ops; i++)
			have |= j->ops[i].kind == FOP_MKDIR && !strcasecmp(j->ops[i].path, p);
		if (!have)
			job_add(j, FOP_MKDIR, p, NULL, 0);
		*s = '/';
	}
}

static bool has_config(struct target *t, struct fsjob *j)
{
	/* Where baton looks for its config (config/entries.c), so its list and this one agree. */
	for (size_t i = 0; i < ENT_N_CFG_PATHS; i++) {
		uint8_t *d;
		size_t n;
		if (!fs_get(t, j->vol, j->dir, entries_cfg_paths[i], &d, &n)) {
			free(d);
			return true;
		}
	}
	return false;
}

/* A state file baton can use is at path already: leave it (it holds the saved entry). */
static bool has_state(struct target *t, struct fsjob *j, const char *path)
{
	uint8_t *d;
	size_t n;
	struct state st;
	bool ok = false;

	if (!fs_get(t, j->vol, j->dir, path, &d, &n)) {
		ok = !state_parse(d, n, &st);
		free(d);
	}
	return ok;
}

struct extlist {
	struct gap_ext e[GAP_MAX_EXT];
	int n;
	bool over;
	uint64_t pieces;
};

static int add_ext(void *ctx, uint64_t lba, uint64_t count)
{
	struct extlist *l = ctx;

	while (count) {
		uint32_t c = (uint32_t)MIN(count, (uint64_t)0x7fffffff);
		if (l->n && l->e[l->n - 1].lba + l->e[l->n - 1].count == lba &&
		    (uint64_t)l->e[l->n - 1].count + c <= 0x7fffffff) {
			l->e[l->n - 1].count += c;
		} else if (l->n == GAP_MAX_EXT) {
			l->over = true;
			l->pieces++;
		} else {
			l->e[l->n++] = (struct gap_ext){lba, c, 0};
			l->pieces++;
		}
		lba += c;
		count -= c;
	}
	return 0;
}

/*
 * A job's partition: mounted (j->dir gets the mount point, files go through it) or not (its
 * sectors become writable on the target). Negative when it is in use another way.
 */
static int job_claim(struct target *t, struct fsjob *j)
{
	uint64_t off = j->vol->start * t->ss, len = j->vol->blocks * t->ss;
	int r = tgt_usage(t, off, len, j->dir, sizeof(j->dir));

	if (r == 0)
		tgt_allow(t, off, len);
	return r;
}

/* The stage2 file's sectors, for the gap part's block list, which holds GAP_MAX_EXT pieces. */
static int body_extents(struct fsjob *bj, const struct bios_plan *bp, struct extlist *el)
{
	int r = job_extents(bj, bp->body_path, add_ext, el);

	if (!r && el->over)
		r = ierr(E_RANGE,
			 "the stage2 file %s on %s is in %llu pieces; the gap part follows at most "
			 "%d: defragment that filesystem or free space on it, then run baton "
			 "install again",
			 bp->body_path, vol_label(bp->body_vol), (unsigned long long)el->pieces,
			 GAP_MAX_EXT);
	return r;
}

/* Reads the body back as the gap part will: its block list, raw, then size and CRC-32. */
static int check_block_list(struct target *t, const struct inputs *in, const struct extlist *l)
{
	uint64_t total = 0;
	for (int i = 0; i < l->n; i++)
		total += (uint64_t)l->e[i].count * t->ss;
	uint8_t *b = malloc(total ? total : 1);
	uint64_t pos = 0;
	int r = b ? 0 : ierr(E_NOMEM, "out of memory");

	for (int i = 0; i < l->n && !r; i++) {
		r = tgt_read(t, l->e[i].lba * t->ss, (uint64_t)l->e[i].count * t->ss, b + pos);
		pos += (uint64_t)l->e[i].count * t->ss;
	}
	if (!r && (total < in->body_len || memcmp(b, in->body, in->body_len)))
		r = ierr(E_IO, "the stage2 file read back by its block list differs from %s",
			 in->body_path);
	free(b);
	return r;
}

/* Reports records whose content changed since the install: 0 when none did. */
static int stale_records(struct target *t, struct undo *u, bool *stale)
{
	int n = 0;
	for (int i = 0; i < u->n; i++) {
		struct urec *e = &u->r[i];
		uint8_t now[32];
		stale[i] = false;
		if (!e->has_post)
			continue;
		int g = urec_current(t, e, now);
		if (g && g != E_NOENT)
			return g;
		if (!g && !memcmp(now, e->post, 32))
			continue;
		stale[i] = true;
		if (n++ < 5) {
			if (e->kind == UR_BYTES)
				fprintf(stderr,
					"baton: changed since the install: bytes %llu-%llu (%s)\n",
					(unsigned long long)e->off,
					(unsigned long long)(e->off + e->len - 1),
					e->cls == RUN_MBR   ? "sector 0's boot code"
					: e->cls == RUN_GAP ? "the gap part"
							    : "a filesystem");
			else
				fprintf(stderr, "baton: changed since the install: %s%s\n", e->dir,
					e->path);
		}
	}
	if (n > 5)
		fprintf(stderr, "baton: ... and %d more\n", n - 5);
	return n;
}

/* Fills the SHA-256 of what each record now covers (the state the install leaves). */
static int seal(struct target *t, struct undo *u, const bool *keep, int n_keep)
{
	for (int i = 0; i < u->n; i++) {
		struct urec *e = &u->r[i];
		if (i < n_keep && keep[i])
			continue; /* already stale before this install: stays so */
		if (e->kind != UR_BYTES && e->kind != UR_FILE) {
			e->has_post = false;
			continue;
		}
		int g = urec_current(t, e, e->post);
		if (g && g != E_NOENT)
			return g;
		e->has_post = !g;
	}
	u->complete = true;
	return 0;
}

/* efibootmgr: a Boot#### entry for \EFI\baton\BOOTX64.EFI on the ESP; its number, or -1. */
static int register_entry(struct target *t, struct volume *esp)
{
	char part[16], out[8192], before[8192];
	const char *list[] = {"efibootmgr", NULL};

	snprintf(part, sizeof(part), "%d", esp->index);
	if (run_tool(before, sizeof(before), list))
		return ierr(E_IO, "efibootmgr does not run: %s", before);
	const char *a[] = {"efibootmgr", "-c", "-d",	t->path, "-p",
			   part,	 "-L", "baton", "-l",	 "\\EFI\\baton\\BOOTX64.EFI",
			   NULL};
	if (run_tool(out, sizeof(out), a))
		return ierr(E_IO, "efibootmgr -c failed: %s", out);
	/* The new entry: a Boot#### line in the new list that was not in the old one. */
	for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned num;
		char key[16];
		if (sscanf(l, "Boot%4x", &num) != 1 || !strstr(l, "baton"))
			continue;
		snprintf(key, sizeof(key), "%.8s", l);
		if (!strstr(before, key))
			return (int)num;
	}
	return ierr(E_IO, "efibootmgr made no new entry that baton can find");
}

/* --esp DIR that is where a partition of the target is mounted: that partition, mounted. */
static void esp_on_target(struct target *t, struct uefi_plan *up)
{
	char want[PATH_MAX], dir[PATH_MAX], got[PATH_MAX];

	if (!realpath(up->dir, want))
		return;
	for (int i = 0; i < t->n_vols; i++) {
		struct volume *v = &t->vols[i];
		if (tgt_usage(t, v->start * t->ss, v->blocks * t->ss, dir, sizeof(dir)) == 1 &&
		    realpath(dir, got) && !strcmp(got, want)) {
			up->esp = v;
			up->dir = NULL;
			return;
		}
	}
}

static int plan_and_install(const struct inst_opts *o)
{
	struct target t;
	struct inputs in;
	struct bios_plan bp;
	struct uefi_plan up;
	struct fsjob jobs[4];
	int n_jobs = 0, r;
	char upath[PATH_MAX];
	struct undo u = {0};
	uint8_t *old_undo = NULL;
	size_t old_undo_len = 0;
	bool *stale = NULL, saved = false;
	int n_old = 0;
	bool do_bios, do_uefi;
	uint8_t state_new[STATE_FILE_SIZE];
	uint8_t *gap = NULL;
	size_t gap_len = 0;
	struct extlist el = {0};

	memset(jobs, 0, sizeof(jobs));
	state_init(state_new);
	r = load_inputs(o, &in, !o->uefi, !o->bios);
	if (r)
		return fail("install");
	if (tgt_open(&t, o->target, o->ss) || tgt_scan(&t)) {
		free_inputs(&in);
		return fail("install");
	}
	if (t.scheme == PART_NONE && in.mbr) {
		uint8_t s0[512], code[440];
		if (!tgt_read(&t, 0, 512, s0) && vbr_kind(s0) && !stage1_code(&in, 1, 1, code) &&
		    tgt_scan_behind(&t, code, o->force)) {
			free_inputs(&in);
			return fail("install");
		}
	}

	/* What can be done, and what was asked. */
	bool bios_ok = in.mbr && !bios_check(&t, o, &in, &bp);
	bool uefi_ok = in.efi && !uefi_check(&t, o, &up);
	if (uefi_ok && up.dir)
		esp_on_target(&t, &up);
	r = E_INVAL;
	if (o->bios && !bios_ok) {
		ierr(r, "BIOS: %s", bp.why);
		goto refuse;
	}
	if (o->uefi && !uefi_ok) {
		ierr(r, "UEFI: %s", up.why);
		goto refuse;
	}
	if (!o->bios && !o->uefi) {
		if (!bios_ok && bp.forceable) {
			ierr(r, "BIOS: %s (or --uefi for the UEFI part only)", bp.why);
			goto refuse;
		}
		if (!bios_ok && !uefi_ok) {
			ierr(r, "nothing can be installed on %s.\n  BIOS: %s\n  UEFI: %s", t.path,
			     bp.why, up.why);
			goto refuse;
		}
		if (!bios_ok)
			printf("BIOS part skipped: %s\n", bp.why);
		if (!uefi_ok)
			printf("UEFI part skipped: %s\n", up.why);
	}
	do_bios = bios_ok;
	do_uefi = uefi_ok;
	if (t.overlay)
		printf(
		    "sector 0 looked like a boot sector; its partition table is used (--force)\n");

	/* The files, grouped by filesystem. */
	struct fsjob *bj = NULL, *ej = NULL;
	if (do_bios) {
		bj = job_for(&t, jobs, &n_jobs, bp.body_vol, NULL);
		add_dirs(bj, bp.body_path);
		job_add(bj, FOP_PUT, bp.body_path, in.body, in.body_len);
	}
	if (do_uefi) {
		ej = job_for(&t, jobs, &n_jobs, up.esp, up.dir);
		add_dirs(ej, "/EFI/BOOT/x");
		add_dirs(ej, "/EFI/baton/x");
		job_add(ej, FOP_PUT, "/EFI/BOOT/BOOTX64.EFI", in.efi, in.efi_len);
		job_add(ej, FOP_PUT, "/EFI/baton/BOOTX64.EFI", in.efi, in.efi_len);
	}
	for (int i = 0; i < n_jobs; i++) {
		struct fsjob *j = &jobs[i];
		if (j->vol) {
			r = job_claim(&t, j);
			if (r < 0)
				goto refuse;
		} else {
			struct stat st;
			if (stat(j->dir, &st) || !S_ISDIR(st.st_mode)) {
				r = ierr(E_NOENT, "--esp %s: not a directory", j->dir);
				goto refuse;
			}
		}
		if (!has_config(&t, j)) {
			const char *cfg =
			    j == ej ? "/EFI/baton/baton.cfg" : "/boot/baton/baton.cfg";
			if (j == bj && bp.on_esp)
				cfg = "/EFI/baton/baton.cfg";
			job_add(j, FOP_PUT, cfg, starter_cfg, sizeof(starter_cfg) - 1);
		}
		/* The state file beside it (README "Saved and one-shot entries"): baton rewrites
		 * its sectors at boot and never allocates, so it is made here, whole. */
		const char *sp =
		    j == ej || (j == bj && bp.on_esp) ? state_paths[0] : state_paths[1];
		if (!has_state(&t, j, sp))
			job_add(j, FOP_PUT, sp, state_new, STATE_FILE_SIZE);
	}

	/* Undo data: an earlier install's stays (uninstall goes back to before the first). */
	undo_path(&t, o, upath, sizeof(upath));
	r = undo_load(upath, &u);
	if (r && r != E_NOENT)
		goto refuse;
	if (!r) {
		old_undo = read_file(upath, &old_undo_len);
		if (u.disk_bytes != t.bytes || u.ss != t.ss || memcmp(u.diskid, t.diskid, 16)) {
			if (!o->force) {
				r = ierr(E_INVAL,
					 "%s holds undo data for another disk (or this one was "
					 "resized or repartitioned): move it away, or --force to "
					 "replace it",
					 upath);
				goto refuse;
			}
			undo_free(&u);
		}
	}
	if (u.n) {
		if (!u.complete && !o->force) {
			r = ierr(E_INVAL,
				 "the last install (undo data %s) did not finish: run baton "
				 "uninstall --force %s first, or install with --force",
				 upath, t.path);
			goto refuse;
		}
		n_old = u.n;
		stale = calloc(u.n, sizeof(*stale));
		int n = stale ? stale_records(&t, &u, stale) : ierr(E_NOMEM, "oom");
		if (n < 0) {
			r = n;
			goto refuse;
		}
		if (n && !o->force) {
			r = ierr(E_INVAL,
				 "the disk changed since baton was installed: a later uninstall "
				 "would undo those changes too. Run baton uninstall first, or "
				 "--force to reinstall and keep the old undo data as it is");
			goto refuse;
		}
		/* One filesystem, one way: staged (sector records) or mounted (file records). */
		for (int i = 0; i < n_jobs; i++) {
			if (!jobs[i].vol)
				continue;
			for (int k = 0; k < u.n; k++) {
				struct urec *e = &u.r[k];
				bool mixed =
				    e->part == jobs[i].vol->start &&
				    ((e->kind == UR_BYTES && e->cls == RUN_FS && jobs[i].dir[0]) ||
				     ((e->kind == UR_FILE || e->kind == UR_DIR) && !e->dir[0] &&
				      !jobs[i].dir[0]));
				if (mixed) {
					r = ierr(
					    E_INVAL,
					    "baton was installed on %s while it was %s; it is %s "
					    "now: %s it again to reinstall, or uninstall first",
					    vol_label(jobs[i].vol),
					    jobs[i].dir[0] ? "unmounted" : "mounted",
					    jobs[i].dir[0] ? "mounted" : "not",
					    jobs[i].dir[0] ? "unmount" : "mount");
					goto refuse;
				}
			}
		}
	}
	u.disk_bytes = t.bytes;
	u.ss = t.ss;
	memcpy(u.diskid, t.diskid, 16);

	/* Stage the files (nothing written yet): refusals up to here leave the disk as it was. */
	for (int i = 0; i < n_jobs; i++) {
		r = job_prepare(&jobs[i]);
		if (r)
			goto refuse;
		for (int k = 0; k < jobs[i].n_ops; k++) {
			struct fop *f = &jobs[i].ops[k];
			if (f->kind == FOP_PUT && f->existed && !f->skip &&
			    !strcasecmp(f->path, "/EFI/BOOT/BOOTX64.EFI"))
				printf("replacing %s on %s (another boot loader's fallback copy, "
				       "or an "
				       "older baton; the undo data keeps the original)\n",
				       f->path, jobs[i].vol ? vol_label(jobs[i].vol) : jobs[i].dir);
		}
	}
	if (do_bios && !bj->dir[0]) {
		r = body_extents(bj, &bp, &el);
		if (r)
			goto refuse;
	}

	/* The undo data, before the first write. */
	uint8_t code[440], s0[440];
	uint8_t *gap_old = NULL;
	for (int i = 0; i < n_jobs && !r; i++) {
		struct fsjob *j = &jobs[i];
		for (int k = 0; k < j->n_runs && !r; k++) {
			uint8_t *orig = malloc(j->runs[k].len);
			r = orig ? tgt_read(&t, j->runs[k].off, j->runs[k].len, orig)
				 : ierr(E_NOMEM, "out of memory");
			if (!r)
				r = undo_add_bytes(&u, RUN_FS, j->vol->start, j->runs[k].off,
						   j->runs[k].len, orig);
			free(orig);
		}
		if (!j->dir[0])
			continue;
		uint64_t part = j->vol ? j->vol->start : UINT64_MAX;
		const char *rdir = j->vol ? "" : j->dir;
		for (int k = 0; k < j->n_ops && !r; k++) {
			struct fop *f = &j->ops[k];
			uint32_t kind = f->kind == FOP_MKDIR ? UR_DIR : UR_FILE;
			if (f->skip || undo_find(&u, kind, part, rdir, f->path))
				continue;
			struct urec *e = undo_push(&u, kind);
			if (!e) {
				r = ierr(E_NOMEM, "out of memory");
				break;
			}
			e->part = part;
			snprintf(e->dir, sizeof(e->dir), "%s", rdir);
			snprintf(e->path, sizeof(e->path), "%s", f->path);
			e->existed = f->existed;
			if (f->existed && kind == UR_FILE) {
				e->data = malloc(f->old_len ? f->old_len : 1);
				if (!e->data) {
					r = ierr(E_NOMEM, "out of memory");
					break;
				}
				memcpy(e->data, f->old, f->old_len);
				e->len = f->old_len;
			}
		}
	}
	/* Sector 0 and the gap are outside every partition; nothing may hold them either. */
	if (!r && do_bios &&
	    (tgt_usage(&t, 0, t.ss, NULL, 0) < 0 ||
	     tgt_usage(&t, bp.gap_lba * t.ss, bp.gsec * t.ss, NULL, 0) < 0))
		goto refuse;
	if (!r && do_bios) {
		gap_old = malloc(bp.gsec * t.ss);
		r = gap_old ? tgt_read(&t, bp.gap_lba * t.ss, bp.gsec * t.ss, gap_old)
			    : ierr(E_NOMEM, "out of memory");
		r = r ? r
		      : undo_add_bytes(&u, RUN_GAP, 0, bp.gap_lba * t.ss, bp.gsec * t.ss, gap_old);
		r = r ? r : tgt_read(&t, 0, 440, s0);
		r = r ? r : undo_add_bytes(&u, RUN_MBR, 0, 0, 440, s0);
		r = r ? r : stage1_code(&in, bp.gap_lba, bp.gsec, code);
		tgt_allow(&t, 0, 440);
		tgt_allow(&t, bp.gap_lba * t.ss, bp.gsec * t.ss);
	}
	if (r)
		goto refuse;
	if (t.blk && !o->undo)
		mkdir("/var/lib/baton", 0755);
	u.complete = false;
	r = undo_save(upath, &u);
	if (r)
		goto refuse;
	saved = true;

	/* Files first. */
	for (int i = 0; i < n_jobs && !r; i++)
		r = job_apply(&jobs[i]);
	if (!r && do_bios && bj->dir[0]) {
		r = body_extents(bj, &bp, &el);
	}
	/* Then the gap part, then sector 0. */
	if (!r && do_bios) {
		r = check_block_list(&t, &in, &el);
		r = r ? r : gap_image(&t, &in, bp.body_vol->start, el.e, el.n, &gap, &gap_len);
		if (!r && memcmp(gap, gap_old, gap_len))
			r = tgt_write(&t, bp.gap_lba * t.ss, gap_len, gap);
		if (!r && memcmp(code, s0, 440))
			r = tgt_write(&t, 0, 440, code);
	}
	free(gap_old);
	/* Every file back through baton's own drivers. */
	for (int i = 0; i < n_jobs && !r; i++) {
		for (int k = 0; k < jobs[i].n_ops && !r; k++) {
			struct fop *f = &jobs[i].ops[k];
			uint8_t *d;
			size_t n;
			if (f->kind != FOP_PUT || (jobs[i].dir[0] && jobs[i].vol))
				continue; /* mounted: checked through the block list and the mount
					   */
			r = fs_get(&t, jobs[i].vol, jobs[i].vol ? "" : jobs[i].dir, f->path, &d,
				   &n);
			if (!r && (n != f->len || memcmp(d, f->data, n)))
				r = ierr(E_IO, "%s read back through baton's driver differs",
					 f->path);
			if (!r)
				free(d);
		}
	}
	char note[300] = "";
	if (!r && o->reg) {
		struct stat st;
		if (!do_uefi || !up.esp || !t.blk || stat("/sys/firmware/efi", &st)) {
			snprintf(note, sizeof(note),
				 "UEFI: --register skipped: it needs the EFI system partition on a "
				 "block device, on a system started through UEFI\n");
		} else {
			int num = register_entry(&t, up.esp);
			struct urec *e = num < 0 ? NULL : undo_push(&u, UR_BOOTENTRY);
			if (num < 0)
				fprintf(stderr, "baton: warning: no boot entry: %s\n", imsg());
			else if (e)
				e->off = (uint64_t)num;
			if (num >= 0)
				snprintf(note, sizeof(note),
					 "UEFI: boot entry Boot%04X \"baton\" registered\n", num);
		}
	} else if (!r && do_uefi) {
		snprintf(note, sizeof(note),
			 "UEFI: no boot entry registered (--register adds one on a running UEFI "
			 "system; firmware finds \\EFI\\BOOT\\BOOTX64.EFI without one)\n");
	}
	if (!r)
		r = seal(&t, &u, stale, n_old);
	if (!r)
		r = undo_save(upath, &u);
	if (r) {
		fprintf(stderr, "baton: install: %s\n", imsg());
		if (t.writes)
			fprintf(
			    stderr,
			    "baton: the install stopped half way; the undo data %s has what was "
			    "there before: baton uninstall --force%s%s %s puts it back\n",
			    upath, o->undo ? " --undo " : "", o->undo ? o->undo : "", t.path);
		r = 1;
		goto out;
	}

	/* What went where. */
	if (do_bios) {
		printf("BIOS: boot code in sector 0 (bytes 0-439), gap part in %s at sector %llu "
		       "(%llu sector%s)\n",
		       bp.gap_where, (unsigned long long)bp.gap_lba, (unsigned long long)bp.gsec,
		       bp.gsec == 1 ? "" : "s");
		printf("BIOS: stage2 file %s on %s (%s, chosen as %s%s), %d piece%s\n",
		       bp.body_path, vol_label(bp.body_vol), bp.body_fs, bp.body_why,
		       bj->dir[0] ? ", through its mount" : "", el.n, el.n == 1 ? "" : "s");
	}
	if (do_uefi)
		printf("UEFI: \\EFI\\BOOT\\BOOTX64.EFI and \\EFI\\baton\\BOOTX64.EFI on %s%s\n",
		       up.esp ? vol_label(up.esp) : up.dir,
		       ej && ej->dir[0] && up.esp ? " (through its mount)" : "");
	fputs(note, stdout);
	for (int i = 0; i < n_jobs; i++)
		for (int k = 0; k < jobs[i].n_ops; k++)
			if (strstr(jobs[i].ops[k].path, "baton.cfg") && !jobs[i].ops[k].skip)
				printf("config: a starter %s on %s (no baton.cfg was there)\n",
				       jobs[i].ops[k].path,
				       jobs[i].vol ? vol_label(jobs[i].vol) : jobs[i].dir);
			else if (strstr(jobs[i].ops[k].path, "/state") && !jobs[i].ops[k].skip)
				printf("state: %s on %s, for the saved and one-shot entries (baton "
				       "set-default, baton oneshot)\n",
				       jobs[i].ops[k].path,
				       jobs[i].vol ? vol_label(jobs[i].vol) : jobs[i].dir);
	printf("undo data: %s (baton uninstall%s%s %s)\n", upath, o->undo ? " --undo " : "",
	       o->undo ? o->undo : "", t.path);
	r = 0;
	goto out;

refuse:
	fprintf(stderr, "baton: install: %s\n", imsg());
	r = 1;
out:
	if (r && saved && !t.writes) { /* nothing written: the undo data as it was before */
		if (old_undo)
			write_file(upath, old_undo, old_undo_len);
		else
			unlink(upath);
	}
	for (int i = 0; i < n_jobs; i++)
		job_free(&jobs[i]);
	free(gap);
	free(stale);
	free(old_undo);
	undo_free(&u);
	free_inputs(&in);
	tgt_close(&t);
	return r;
}

/*
 * baton install [--bios|--uefi] [--boot-part N] [--esp DIR] [--register] [--force]
 *               [--undo FILE] [--from DIR] [--sector-size N] TARGET
 */
int cmd_install(int argc, char **argv)
{
	struct inst_opts o;

	if (parse_opts(argc, argv, &o, true))
		return usage();
	return plan_and_install(&o);
}

/* Which restore comes first: sector 0, the gap, filesystems (newest first), files. */
static int restore_rank(const struct urec *e)
{
	if (e->kind == UR_BOOTENTRY)
		return 0;
	if (e->kind == UR_BYTES)
		return 1 + (int)e->cls;
	return 4;
}

/* May a record's bytes be written back: inside sector 0's code, the gap, or an unmounted partition?
 */
static int check_region(struct target *t, const struct urec *e)
{
	uint32_t ss = t->ss;
	if (e->cls == RUN_MBR) {
		if (e->off + e->len <= 440) {
			tgt_allow(t, e->off, e->len);
			return 0;
		}
	} else if (e->cls == RUN_GAP) {
		uint64_t lo = UINT64_MAX, hi = 0;
		if (t->scheme == PART_MBR) {
			uint8_t *s0 = malloc(ss);
			uint64_t first = t->bytes / ss;
			if (s0 && !tgt_read(t, 0, ss, s0))
				for (int i = 0; i < 4; i++)
					if (s0[446 + 16 * i + 4] && get32(s0 + 446 + 16 * i + 8))
						first = MIN(first, get32(s0 + 446 + 16 * i + 8));
			free(s0);
			lo = ss, hi = first * ss;
		}
		for (int i = 0; i < t->n_vols; i++) {
			char g[37];
			guid_to_str(t->vols[i].type_guid, g);
			if (t->vols[i].scheme == PART_GPT &&
			    !strcasecmp(g, "21686148-6449-6e6f-744e-656564454649") &&
			    e->off >= t->vols[i].start * ss &&
			    e->off + e->len <= (t->vols[i].start + t->vols[i].blocks) * ss)
				lo = t->vols[i].start * ss, hi = lo + t->vols[i].blocks * ss;
		}
		if (e->off >= lo && e->off + e->len <= hi) {
			tgt_allow(t, e->off, e->len);
			return 0;
		}
	} else {
		struct volume *v = tgt_vol_at(t, e->part);
		if (v && e->off >= v->start * ss &&
		    e->off + e->len <= (v->start + v->blocks) * ss) {
			int u = tgt_usage(t, v->start * ss, v->blocks * ss, NULL, 0);
			if (u < 0)
				return u;
			if (u > 0)
				return ierr(E_INVAL,
					    "%s is mounted: unmount it to restore its sectors",
					    vol_label(v));
			tgt_allow(t, v->start * ss, v->blocks * ss);
			return 0;
		}
	}
	return ierr(E_INVAL,
		    "bytes %llu-%llu of the undo data are no longer inside %s: the partition "
		    "table changed since the install, and restoring them could damage data",
		    (unsigned long long)e->off, (unsigned long long)(e->off + e->len - 1),
		    e->cls == RUN_MBR	? "sector 0's boot code"
		    : e->cls == RUN_GAP ? "the gap or BIOS boot partition"
					: "the partition they came from");
}

/* baton uninstall [--force] [--undo FILE] [--sector-size N] TARGET */
int cmd_uninstall(int argc, char **argv)
{
	struct inst_opts o;
	struct target t;
	struct undo u;
	char upath[PATH_MAX];
	struct fsjob jobs[4];
	int n_jobs = 0, r, restored = 0;
	uint64_t bytes = 0;
	bool *stale = NULL;

	if (parse_opts(argc, argv, &o, false))
		return usage();
	memset(jobs, 0, sizeof(jobs));
	if (tgt_open(&t, o.target, o.ss))
		return fail("uninstall");
	r = tgt_scan(&t);
	if (r && !o.force) {
		tgt_close(&t);
		return fail("uninstall");
	}
	undo_path(&t, &o, upath, sizeof(upath));
	r = undo_load(upath, &u);
	if (r == E_NOENT) {
		ierr(r,
		     "no undo data at %s: baton was not installed on %s from this host, or the "
		     "data was moved (--undo FILE)",
		     upath, t.path);
		tgt_close(&t);
		return fail("uninstall");
	}
	if (r) {
		tgt_close(&t);
		return fail("uninstall");
	}
	if (u.disk_bytes != t.bytes || u.ss != t.ss || memcmp(u.diskid, t.diskid, 16)) {
		if (!o.force) {
			r = ierr(E_INVAL,
				 "%s is undo data for another disk (%llu bytes, %u-byte sectors, "
				 "another disk id): --force restores it anyway",
				 upath, (unsigned long long)u.disk_bytes, u.ss);
			goto out;
		}
		if (u.ss != t.ss) {
			r = ierr(E_INVAL, "%s was made with %u-byte sectors; %s has %u", upath,
				 u.ss, t.path, t.ss);
			goto out;
		}
	}
	if (!u.complete && !o.force) {
		r = ierr(E_INVAL, "the install did not finish; --force restores what the undo data "
				  "holds (the bytes it saved before it wrote anything)");
		goto out;
	}
	stale = calloc(u.n + 1, sizeof(*stale));
	int n = stale ? stale_records(&t, &u, stale) : ierr(E_NOMEM, "out of memory");
	if (n < 0) {
		r = n;
		goto out;
	}
	if (n && !o.force) {
		r = ierr(E_INVAL,
			 "the disk changed since baton was installed (above): restoring would "
			 "undo those changes too; --force restores anyway");
		goto out;
	}
	for (int i = 0; i < u.n; i++)
		if (u.r[i].kind == UR_BYTES && (r = check_region(&t, &u.r[i])))
			goto out;

	/* File records: back through the mount, or staged like an install. */
	for (int i = u.n - 1; i >= 0; i--) {
		struct urec *e = &u.r[i];
		if (e->kind != UR_FILE)
			continue;
		struct volume *v = e->dir[0] ? NULL : tgt_vol_at(&t, e->part);
		if (!v && !e->dir[0]) {
			r = ierr(E_INVAL, "no partition starts at sector %llu any more",
				 (unsigned long long)e->part);
			goto out;
		}
		struct fsjob *j = job_for(&t, jobs, &n_jobs, v, e->dir[0] ? e->dir : NULL);
		j->no_undo = true;
		if (e->existed)
			job_add(j, FOP_PUT, e->path, e->data, e->len);
		else
			job_add(j, FOP_DEL, e->path, NULL, 0);
	}
	for (int i = u.n - 1; i >= 0; i--) {
		struct urec *e = &u.r[i];
		if (e->kind != UR_DIR)
			continue;
		struct volume *v = e->dir[0] ? NULL : tgt_vol_at(&t, e->part);
		if (!v && !e->dir[0])
			continue;
		struct fsjob *j = job_for(&t, jobs, &n_jobs, v, e->dir[0] ? e->dir : NULL);
		job_add(j, FOP_RMDIR, e->path, NULL, 0);
	}
	for (int i = 0; i < n_jobs; i++) {
		struct fsjob *j = &jobs[i];
		if (j->vol && (r = job_claim(&t, j)) < 0)
			goto out;
		r = job_prepare(j);
		if (r)
			goto out;
	}

	/* Restore: boot entries, sector 0, the gap, filesystem sectors (newest first), files. */
	for (int rank = 0; rank <= 3 && !r; rank++) {
		for (int i = u.n - 1; i >= 0 && !r; i--) {
			struct urec *e = &u.r[i];
			if (restore_rank(e) != rank)
				continue;
			if (e->kind == UR_BOOTENTRY) {
				char num[8], out[4096];
				struct stat st;
				snprintf(num, sizeof(num), "%04llX", (unsigned long long)e->off);
				const char *a[] = {"efibootmgr", "-b", num, "-B", NULL};
				if (stat("/sys/firmware/efi", &st) || run_tool(out, sizeof(out), a))
					fprintf(stderr,
						"baton: warning: boot entry Boot%s not removed "
						"(efibootmgr -b %s -B)\n",
						num, num);
				continue;
			}
			r = tgt_write(&t, e->off, e->len, e->data);
			restored++;
			bytes += e->len;
		}
	}
	for (int i = 0; i < n_jobs && !r; i++)
		r = job_apply(&jobs[i]);
	if (r) {
		fprintf(stderr, "baton: uninstall: %s\n", imsg());
		if (t.writes)
			fprintf(stderr,
				"baton: uninstall stopped half way; the undo data %s is kept: "
				"baton uninstall --force %s finishes it\n",
				upath, t.path);
		r = 1;
		goto done;
	}
	if (unlink(upath))
		fprintf(stderr, "baton: warning: %s: %s\n", upath, strerror(errno));
	printf("restored %llu bytes in %d ranges", (unsigned long long)bytes, restored);
	for (int i = 0; i < n_jobs; i++) {
		int files = 0;
		for (int k = 0; k < jobs[i].n_ops; k++)
			files += !jobs[i].ops[k].skip;
		if (files)
			printf("; %d file changes undone on %s", files,
			       jobs[i].vol ? vol_label(jobs[i].vol) : jobs[i].dir);
	}
	printf("; undo data %s removed\n", upath);
	r = 0;
	goto done;
out:
	fprintf(stderr, "baton: uninstall: %s\n", imsg());
	r = 1;
done:
	for (int i = 0; i < n_jobs; i++)
		job_free(&jobs[i]);
	free(stale);
	undo_free(&u);
	tgt_close(&t);
	return r;
}
