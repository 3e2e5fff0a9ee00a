/* mkiso.c: baton mkiso: a hybrid ISO that boots baton from a CD or a USB stick, on BIOS or UEFI. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "cmds.h"
#include "config.h"
#include "fs.h"
#include "imgdev.h"
#include "part.h"
#include "state.h"
#include "bios/gap.h"

/*
 * The layout (ARCHITECTURE.md, "The bootable ISO"):
 *
 * - an ISO 9660 filesystem (Rock Ridge, Joliet) from sector 0: the user's files, and in
 *   /boot/baton the config, bios.bin (the BIOS body), bios-gap.bin (the gap part),
 *   cdboot.img (stage1/cdboot.bin followed by bios.bin), the El Torito BIOS boot image, and
 *   the state file (config/state.h);
 * - an EFI system partition appended after it (MBR partition 2, type 0xEF), a FAT image with
 *   \EFI\BOOT\BOOTX64.EFI, a copy of the config that starts with `root uuid:<the ISO's>` and
 *   \EFI\baton\state;
 *   it is also the El Torito UEFI boot image;
 * - xorriso's MBR: partition 1 (0x83, active) covers the ISO from sector 0, partition 2 is
 *   the ESP. mkiso then writes stage1 into bytes 0-439, pointed at bios-gap.bin's sectors,
 *   and fills bios-gap.bin's block list with bios.bin's sectors, in place in the image.
 */

#define BOOT_DIR "/boot/baton"
#define CD_PATCH 64 /* cdboot.S's block: "BTNC", body size, body CRC-32 */
#define S1_LBA	 8  /* mbr.S's patch block: stage2's LBA (u64) and sector count (u16) */
#define S1_COUNT 16
#define S1_CODE	 440 /* stage1's bytes; the disk signature and the table follow */

struct blob {
	const char *path;
	unsigned char *data;
	size_t len;
};

/* The work directory and what goes in it. */
static char tmpdir[PATH_MAX];
static char p_cdboot[PATH_MAX + 16], p_efi[PATH_MAX + 16], p_efi_cfg[PATH_MAX + 16],
    p_log[PATH_MAX + 16], p_state[PATH_MAX + 16];

static int mk_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int mk_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "baton: mkiso: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 1;
}

static int load(struct blob *b, const char *path)
{
	b->path = path;
	b->data = read_file(path, &b->len);
	return b->data ? 0 : mk_fail("%s: %s", path, strerror(errno));
}

static int save(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen) ||
	    fclose(f))
		return mk_fail("%s: %s", path, strerror(errno));
	return 0;
}

static int make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/baton-mkiso.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		mk_fail("%s: %s", tmpdir, strerror(errno));
		tmpdir[0] = 0;
		return 1;
	}
	snprintf(p_cdboot, sizeof(p_cdboot), "%s/cdboot.img", tmpdir);
	snprintf(p_efi, sizeof(p_efi), "%s/efi.img", tmpdir);
	snprintf(p_efi_cfg, sizeof(p_efi_cfg), "%s/efi.cfg", tmpdir);
	snprintf(p_log, sizeof(p_log), "%s/log", tmpdir);
	snprintf(p_state, sizeof(p_state), "%s/state", tmpdir);
	return 0;
}

static void cleanup(void)
{
	if (!tmpdir[0])
		return;
	unlink(p_cdboot);
	unlink(p_efi);
	unlink(p_efi_cfg);
	unlink(p_log);
	unlink(p_state);
	rmdir(tmpdir);
	tmpdir[0] = 0;
}

/* The tool's own output, shown only when it fails: the last lines say why. */
static void show_log(void)
{
	FILE *f = fopen(p_log, "r");
	char line[512], *ring[24] = {0};
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		free(ring[n % 24]);
		ring[n++ % 24] = strdup(line);
	}
	fclose(f);
	for (int i = n > 24 ? n - 24 : 0; i < n; i++) {
		fprintf(stderr, "  %s", ring[i % 24] ? ring[i % 24] : "\n");
		free(ring[i % 24]);
	}
}

/*
 * Runs argv[0] (from PATH) with its output in the log. A program that is not there is named
 * with the Debian package that has it; a failure shows the end of its output.
 */
static int run(const char *pkg, char *const argv[])
{
	int fds[2], status, err = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return mk_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return mk_fail("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open(p_log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	/* The pipe closes on a successful exec; an errno arrives when exec failed. */
	if (read(fds[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err == ENOENT)
		return mk_fail("%s not found: install the %s package (make deps)", argv[0], pkg);
	if (err)
		return mk_fail("cannot run %s: %s", argv[0], strerror(err));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		mk_fail("%s failed (%s %d):", argv[0], WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		show_log();
		return 1;
	}
	return 0;
}

/* xorriso's -graft-points: '=' separates the two paths, so '=' and '\' in names are escaped. */
static char *graft(const char *dest, const char *src)
{
	size_t n = 2 * (strlen(dest) + strlen(src)) + 4;
	char *g = malloc(n), *p = g;

	if (!g)
		return NULL;
	if (dest[0] != '/')
		*p++ = '/';
	for (int side = 0; side < 2; side++) {
		for (const char *s = side ? src : dest; *s; s++) {
			if (*s == '=' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		if (!side)
			*p++ = '=';
	}
	*p = 0;
	return g;
}

/* What mkiso writes in /boot/baton: a file there is replaced, so asking for one is an error. */
static bool reserved(const char *dest)
{
	static const char *const names[] = {"baton.cfg",    "cdboot.img", "bios.bin",
					    "bios-gap.bin", "boot.cat",	  "state"};
	while (*dest == '/')
		dest++;
	if (strncmp(dest, "boot/baton/", 11))
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(dest + 11, names[i]))
			return true;
	return false;
}

struct file_loc {
	uint64_t off, len; /* bytes in the image */
	int pieces;
};

static int one_extent(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct file_loc *l = ctx;

	if (vol_off == FS_HOLE || l->pieces++)
		return E_FORMAT;
	l->off = vol_off;
	l->len = len;
	return 0;
}

/* Where a file of the ISO lies (one extent, as xorriso writes files below 4 GiB). */
static int locate(struct fs *fs, const char *path, size_t want, struct file_loc *l)
{
	struct fs_file *f;

	memset(l, 0, sizeof(*l));
	if (fs_open(fs, path, &f))
		return mk_fail("the new ISO: %s", err_msg());
	int r = f->size == want ? fs_extents(f, 0, f->size, one_extent, l) : E_RANGE;
	fs_close(f);
	if (r || l->pieces != 1 || l->off % 512)
		return mk_fail("the new ISO: %s is not one piece of %zu bytes on a sector boundary",
			       path, want);
	return 0;
}

/*
 * The disk boot: bios-gap.bin's block list gets bios.bin's sectors, stage1 gets bios-gap.bin's,
 * both in 512-byte sectors from the disk's start (where the ISO starts: boot_lba 0).
 */
static int patch_disk_boot(const char *iso, struct blob *mbr, struct blob *gap, struct blob *body)
{
	struct blockdev dev;
	struct volume v[8];
	struct fs *fs = NULL;
	struct file_loc gl, bl;
	int n, r = 1;

	if (imgdev_open(iso, &dev))
		return mk_fail("%s", err_msg());
	n = part_scan(&dev, v, 8);
	for (int i = 0; i < n && !fs; i++) {
		if (v[i].start || fs_mount(&v[i], &fs))
			continue;
		if (strcmp(fs->drv->name, "iso9660")) {
			fs_unmount(fs);
			fs = NULL;
		}
	}
	if (!fs) {
		mk_fail("%s: baton does not see an ISO 9660 filesystem at its first sector", iso);
		goto out;
	}
	if (locate(fs, BOOT_DIR "/bios-gap.bin", gap->len, &gl) ||
	    locate(fs, BOOT_DIR "/bios.bin", body->len, &bl))
		goto out;

	unsigned char *h = gap->data + GAP_HDR_OFF;
	uint16_t ext_off = get16(h + GH_EXT_OFF), max_ext = get16(h + GH_MAX_EXT);
	if (!max_ext || ext_off + 16u > gap->len) {
		mk_fail("%s: no room for a block list", gap->path);
		goto out;
	}
	put32(h + GH_BODY_SIZE, (uint32_t)body->len);
	put32(h + GH_BODY_CRC, (uint32_t)crc32(0, body->data, (uInt)body->len));
	put64(h + GH_BOOT_LBA, 0);
	put16(h + GH_N_EXT, 1);
	put16(h + GH_SECTOR, 512);
	put64(gap->data + ext_off, bl.off / 512);
	put32(gap->data + ext_off + 8, (uint32_t)((body->len + 511) / 512));

	unsigned char code[S1_CODE];
	memcpy(code, mbr->data, S1_CODE);
	put64(code + S1_LBA, gl.off / 512);
	put16(code + S1_COUNT, (uint16_t)(gap->len / 512));

	int fd = open(iso, O_WRONLY);
	if (fd < 0 || pwrite(fd, gap->data, gap->len, (off_t)gl.off) != (ssize_t)gap->len ||
	    pwrite(fd, code, S1_CODE, 0) != S1_CODE || fsync(fd)) {
		mk_fail("%s: %s", iso, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	r = close(fd) ? mk_fail("%s: %s", iso, strerror(errno)) : 0;
out:
	if (fs)
		fs_unmount(fs);
	meta_cache_drop(&dev);
	close((int)(intptr_t)dev.priv);
	return r;
}

/* The EFI system partition: BOOTX64.EFI and the config that finds the ISO by its UUID. */
static int make_esp(const struct blob *efi, const char *cfg_text, size_t cfg_len)
{
	char kib[32];
	/* FAT12's tables, root directory and two directories: a generous 64 KiB over the files,
	 * in whole 64 KiB (xorriso pads an appended partition to 2 KiB blocks). */
	size_t size = ((efi->len + cfg_len + STATE_FILE_SIZE + 1023) / 1024 + 64 + 63) / 64 * 64;

	snprintf(kib, sizeof(kib), "%zu", size);
	if (save(p_efi_cfg, cfg_text, cfg_len, NULL, 0))
		return 1;
	char *mkfs[] = {"mkfs.vfat", "-C", "-n", "BATON-EFI", p_efi, kib, NULL};
	char *mmd[] = {"mmd", "-i", p_efi, "::/EFI", "::/EFI/BOOT", "::/EFI/baton", NULL};
	char *cp1[] = {"mcopy", "-i", p_efi, (char *)efi->path, "::/EFI/BOOT/BOOTX64.EFI", NULL};
	char *cp2[] = {"mcopy", "-i", p_efi, p_efi_cfg, "::/EFI/BOOT/baton.cfg", NULL};
	char *cp3[] = {"mcopy", "-i", p_efi, p_state, "::/EFI/baton/state", NULL};
	return run("dosfstools", mkfs) || run("mtools", mmd) || run("mtools", cp1) ||
	       run("mtools", cp2) || run("mtools", cp3);
}

struct mkiso {
	const char *out, *cfg_path, *label, *boot;
	char **grafts; /* xorriso's DEST=SRC, escaped */
	int n_grafts;
	struct blob cfg, efi, body, gap, mbr, cdboot;
	struct config parsed;
	char date[24]; /* YYYYMMDDhhmmsscc: the ISO's modification date... */
	char uuid[32]; /* ...which blkid and baton print as its UUID */
	char paths[5][PATH_MAX + 32];
};

static int usage_mkiso(void)
{
	fprintf(stderr,
		"usage: baton mkiso OUT.iso --config FILE [--label NAME] [--boot-files DIR] "
		"[FILE | DEST=FILE]...\n"
		"FILE goes to the ISO's root under its own name, DEST=FILE to DEST (a directory\n"
		"with what it holds; '\\=' is an '=' in a name, as for xorriso -graft-points).\n"
		"The config becomes /boot/baton/baton.cfg. --boot-files: where baton's boot files\n"
		"are (default: this program's directory, as make leaves it).\n");
	return 2;
}

/*
 * A FILE argument, as xorriso's -graft-points spells one: DEST=SRC split at the first '=' that
 * no '\\' escapes, or SRC alone (to the root under its own name); "\\=" and "\\\\" are a
 * name's '=' and '\\'.
 */
static int add_file(struct mkiso *m, const char *arg)
{
	char *half[2], *p;
	int n = 0, r = 1;
	struct stat st;

	half[0] = p = malloc(strlen(arg) + 1);
	half[1] = NULL;
	for (const char *s = arg; *s; s++) {
		if (*s == '\\' && (s[1] == '=' || s[1] == '\\')) {
			*p++ = *++s;
		} else if (*s == '=' && !n) {
			*p++ = 0;
			half[++n] = p;
		} else {
			*p++ = *s;
		}
	}
	*p = 0;
	const char *src = half[n];
	char *dest = n ? strdup(half[0]) : NULL;
	if (!n) {
		char *c = strdup(src);
		size_t l = strlen(c);
		while (l > 1 && c[l - 1] == '/')
			c[--l] = 0;
		dest = strdup(basename(c));
		free(c);
	}
	if (!*src || stat(src, &st))
		mk_fail("%s: %s", *src ? src : arg, *src ? strerror(errno) : "no file after '='");
	else if (!n && (!strcmp(dest, "/") || !strcmp(dest, ".") || !strcmp(dest, "..")))
		mk_fail("%s has no name of its own: say where it goes, as DEST=%s", src, src);
	else if (reserved(dest))
		mk_fail("%s is baton's own file on the ISO: put %s somewhere else", dest, src);
	else
		r = 0;
	if (!r)
		m->grafts[m->n_grafts++] = graft(dest, src);
	free(dest);
	free(half[0]);
	return r;
}

/* The config must parse: a mistake on a CD cannot be fixed there. */
static int load_config(struct mkiso *m)
{
	if (load(&m->cfg, m->cfg_path))
		return 1;
	int r = config_parse((const char *)m->cfg.data, m->cfg.len, m->cfg_path, &m->parsed);
	for (int i = 0; i < m->parsed.n_errors; i++)
		fprintf(stderr, "%s\n", m->parsed.errors[i]);
	if (r || !m->parsed.n_entries)
		return mk_fail("%s: %s", m->cfg_path,
			       r ? "fix the errors above first" : "no entries");
	return 0;
}

/* baton's boot files, from one build (the build id ties the body and the gap part). */
static int load_boot_files(struct mkiso *m)
{
	static const char *const names[] = {"BOOTX64.EFI", "bios.bin", "bios-gap.bin",
					    "stage1/mbr.bin", "stage1/cdboot.bin"};
	struct blob *blobs[] = {&m->efi, &m->body, &m->gap, &m->mbr, &m->cdboot};
	char exe[PATH_MAX];

	if (!m->boot) {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		m->boot = n > 0 ? dirname(exe) : ".";
	}
	for (int i = 0; i < 5; i++) {
		snprintf(m->paths[i], sizeof(m->paths[i]), "%s/%s", m->boot, names[i]);
		if (access(m->paths[i], R_OK))
			return mk_fail("%s: %s (run make, or name baton's build directory with "
				       "--boot-files)",
				       m->paths[i], strerror(errno));
		if (load(blobs[i], m->paths[i]))
			return 1;
	}
	const struct blob *g = &m->gap, *b = &m->body;
	if (m->mbr.len != 512 || memcmp(m->mbr.data + 4, "BTN1", 4) || m->cdboot.len != 2048 ||
	    memcmp(m->cdboot.data + CD_PATCH, "BTNC", 4) || g->len % 512 || g->len > GAP_MAX ||
	    g->len < GAP_HDR_OFF + GH_SIZE || get32(g->data + GAP_HDR_OFF) != GAP_HDR_MAGIC ||
	    b->len < 16 || get32(b->data + 4) != BODY_MAGIC)
		return mk_fail("%s does not hold baton's boot files as this baton makes them",
			       m->boot);
	if (memcmp(b->data + BODY_BUILDID_OFF, g->data + GAP_HDR_OFF + GH_BUILD_ID, 8))
		return mk_fail("%s and %s are from different builds", b->path, g->path);
	if (b->len > BODY_END - BODY_ADDR)
		return mk_fail("%s is bigger than the %d bytes from 0x%x to 0x%x", b->path,
			       BODY_END - BODY_ADDR, BODY_ADDR, BODY_END);
	return 0;
}

/* The ISO's UUID, as blkid prints it, is its modification date: set it, and so know it. */
static void make_uuid(struct mkiso *m)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH"); /* reproducible builds' fixed time */
	struct timespec now;
	struct tm tm;
	char *d = m->date;

	clock_gettime(CLOCK_REALTIME, &now);
	if (sde && *sde)
		now = (struct timespec){.tv_sec = (time_t)strtoll(sde, NULL, 10)};
	gmtime_r(&now.tv_sec, &tm);
	strftime(m->date, sizeof(m->date) - 2, "%Y%m%d%H%M%S", &tm);
	char cc[12];
	snprintf(cc, sizeof(cc), "%02d", (int)(now.tv_nsec / 10000000) % 100);
	memcpy(m->date + 14, cc, 3); /* centiseconds: two ISOs made in one second differ */
	snprintf(m->uuid, sizeof(m->uuid), "%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s", d, d + 4, d + 6,
		 d + 8, d + 10, d + 12, d + 14);
}

/* The El Torito BIOS image (cdboot.bin told the body's size and CRC-32, then the body) and
 * the ESP, whose copy of the config says that bare paths are on the ISO. */
static int make_images(struct mkiso *m)
{
	unsigned char *cd = m->cdboot.data;
	char head[200];
	int hl = 0;

	put32(cd + CD_PATCH + 4, (uint32_t)m->body.len);
	put32(cd + CD_PATCH + 8, (uint32_t)crc32(0, m->body.data, (uInt)m->body.len));
	if (save(p_cdboot, cd, m->cdboot.len, m->body.data, m->body.len))
		return 1;
	/* The state file (saved and one-shot entries): on the ISO for a boot from it, on the ESP
	 * for a boot from there; baton rewrites it in place on a writable stick. */
	unsigned char st[STATE_FILE_SIZE];
	state_init(st);
	if (save(p_state, st, sizeof(st), NULL, 0))
		return 1;
	if (!m->parsed.root)
		hl = snprintf(head, sizeof(head),
			      "# baton mkiso: this copy is on the ISO's EFI system partition; bare "
			      "/paths are on the ISO\nroot uuid:%s\n",
			      m->uuid);
	char *text = malloc((size_t)hl + m->cfg.len + 1);
	if (!text)
		return mk_fail("out of memory");
	memcpy(text, head, (size_t)hl);
	memcpy(text + hl, m->cfg.data, m->cfg.len);
	int r = make_esp(&m->efi, text, (size_t)hl + m->cfg.len);
	free(text);
	return r;
}

static int run_xorriso(struct mkiso *m, const char *iso)
{
	char mdate[48];
	static char *const fixed[] = {
	    "xorriso", "-as", "mkisofs", "-graft-points", "-r", "-J", "-joliet-long", "-iso-level",
	    "3",
	    /* BIOS from a CD: El Torito, no emulation, the boot info table at 8. */
	    "-b", "boot/baton/cdboot.img", "-no-emul-boot", "-boot-load-size", "4",
	    "-boot-info-table", "-c", "boot/baton/boot.cat",
	    /* UEFI: the ESP, appended as MBR partition 2, is also the El Torito EFI image. */
	    "-append_partition", "2", "0xef", p_efi, "--mbr-force-bootable", "-eltorito-alt-boot",
	    "-e", "--interval:appended_partition_2:all::", "-no-emul-boot"};
	size_t nf = sizeof(fixed) / sizeof(fixed[0]), n = 0;
	char **argv = calloc(nf + (size_t)m->n_grafts + 12, sizeof(char *));

	if (!argv)
		return mk_fail("out of memory");
	snprintf(mdate, sizeof(mdate), "--modification-date=%s", m->date);
	memcpy(argv, fixed, sizeof(fixed));
	n = nf;
	argv[n++] = "-o";
	argv[n++] = (char *)iso;
	argv[n++] = "-V";
	argv[n++] = (char *)m->label;
	argv[n++] = mdate;
	for (int i = 0; i < m->n_grafts; i++)
		argv[n++] = m->grafts[i];
	/* baton's own files last: in a directory the user grafted, they win. */
	size_t first = n;
	argv[n++] = graft(BOOT_DIR "/cdboot.img", p_cdboot);
	argv[n++] = graft(BOOT_DIR "/bios.bin", m->paths[1]);
	argv[n++] = graft(BOOT_DIR "/bios-gap.bin", m->paths[2]);
	argv[n++] = graft(BOOT_DIR "/baton.cfg", m->cfg_path);
	argv[n++] = graft(BOOT_DIR "/state", p_state);
	int r = run("xorriso", argv);
	for (size_t i = first; i < n; i++)
		free(argv[i]);
	free(argv);
	return r;
}

/* Written beside OUT, then renamed: a failure never leaves half an ISO under its name. */
static int build(struct mkiso *m)
{
	struct stat st;
	char *part = NULL;
	int r;

	if (!stat(m->out, &st) && !S_ISREG(st.st_mode))
		return mk_fail("%s exists and is not a regular file (write the ISO to a file, then "
			       "copy it to the device)",
			       m->out);
	if (load_config(m) || load_boot_files(m) || make_tmpdir())
		return 1;
	make_uuid(m);
	if (make_images(m))
		return 1;
	if (asprintf(&part, "%s.part", m->out) < 0)
		return mk_fail("out of memory");
	r = run_xorriso(m, part) || patch_disk_boot(part, &m->mbr, &m->gap, &m->body);
	if (!r && rename(part, m->out))
		r = mk_fail("%s: %s", m->out, strerror(errno));
	if (r)
		unlink(part);
	else
		printf("%s: ISO 9660 \"%s\", UUID %s; boots baton from a CD or a USB stick, on "
		       "BIOS or UEFI\n",
		       m->out, m->label, m->uuid);
	free(part);
	return r;
}

int cmd_mkiso(int argc, char **argv)
{
	struct mkiso m;
	int r = 1;

	memset(&m, 0, sizeof(m));
	m.label = "BATON";
	m.grafts = calloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc && m.grafts; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			m.cfg_path = argv[++i];
		} else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
			m.label = argv[++i];
		} else if (!strcmp(argv[i], "--boot-files") && i + 1 < argc) {
			m.boot = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			r = usage_mkiso();
			goto out;
		} else if (!m.out) {
			m.out = argv[i];
		} else if (add_file(&m, argv[i])) {
			goto out;
		}
	}
	if (!m.out || !m.cfg_path) {
		r = usage_mkiso();
		goto out;
	}
	if (strlen(m.label) > 32) {
		mk_fail("the label '%s' is longer than ISO 9660's 32 characters", m.label);
		goto out;
	}
	r = build(&m);
out:
	cleanup();
	config_free(&m.parsed);
	for (int i = 0; i < m.n_grafts; i++)
		free(m.grafts[i]);
	free(m.grafts);
	struct blob *all[] = {&m.cfg, &m.efi, &m.body, &m.gap, &m.mbr, &m.cdboot};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]->data);
	return r;
}
