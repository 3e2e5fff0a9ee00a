/* test_mkiso.c: `baton mkiso` end to end: the files come back, the boot chain's pointers are right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#include "config.h"
#include "fs.h"
#include "part.h"
#include "bios/gap.h"
#include "testdev.h"

/*
 * One ISO is made by the group setup from a small tree (names with spaces and '=', a directory,
 * a file put elsewhere by DEST=SRC) with build/baton and the boot files next to it (make all);
 * the tests read it back with `baton ls` and `baton cat`, and with the fs/ code directly.
 */
static char dir[256], iso[300];
static const char *baton; /* BATON_TOOL, or build/baton */
static const char *bdir;  /* where the boot files are: build */

static uint8_t *isomem;
static size_t isolen;
static struct memdisk md;
static struct volume vols[4];
static int n_vols;
static struct fs *isofs, *espfs;

static const char cfg_text[] = "timeout 3\n"
			       "entry test\n"
			       "  kernel /k/vmlinuz\n"
			       "  initrd /k/initrd.img\n"
			       "  cmdline console=ttyS0\n";

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n = 0;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		fail_msg("cannot read %s", path);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* A command's standard output. */
static uint8_t *capture(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 16, n = 0, r;
	uint8_t *buf = malloc(cap + 1);

	assert_non_null(p);
	while ((r = fread(buf + n, 1, cap - n, p)) > 0) {
		n += r;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	assert_int_equal(pclose(p), 0);
	buf[n] = 0;
	*len = n;
	return buf;
}

static const char *in_dir(const char *name)
{
	static char buf[4][512];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, name);
	return b;
}

static void write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(in_dir(name), "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		fail_msg("cannot write %s", name);
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	uint8_t rnd[70000];

	baton = getenv("BATON_TOOL") ? getenv("BATON_TOOL") : "build/baton";
	bdir = getenv("BATON_BUILD") ? getenv("BATON_BUILD") : "build";
	snprintf(dir, sizeof(dir), "%s/baton-test-mkiso.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(iso, sizeof(iso), "%s/out.iso", dir);
	mkdir(in_dir("tree"), 0755);
	mkdir(in_dir("tree/d"), 0755);
	mkdir(in_dir("tree/d/sub"), 0755);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)(i * 2654435761u >> 13);
	write_file("tree/vmlinuz", rnd, sizeof(rnd));
	write_file("tree/initrd.img", rnd + 1000, 5000);
	write_file("tree/a file=with odd name.txt", "odd\n", 4);
	write_file("tree/d/top.txt", "top\n", 4);
	write_file("tree/d/sub/deep.txt", "deep\n", 5);
	write_file("baton.cfg", cfg_text, strlen(cfg_text));
	/* vmlinuz and initrd.img by DEST=SRC, a directory by its name, a file to the root, and
	 * names with '=' (escaped as for xorriso's -graft-points) on both sides. */
	if (sh("%s mkiso %s --config %s/baton.cfg --label MKISO-TEST --boot-files %s "
	       "k/vmlinuz=%s/tree/vmlinuz /k/initrd.img=%s/tree/initrd.img %s/tree/d/ "
	       "'%s/tree/a file\\=with odd name.txt' 'e\\=q/top.txt=%s/tree/d/top.txt' "
	       ">%s/out.txt 2>&1",
	       baton, iso, dir, bdir, dir, dir, dir, dir, dir, dir)) {
		sh("cat %s/out.txt >&2", dir);
		return -1;
	}
	isomem = slurp(iso, &isolen);
	md_init(&md, isomem, isolen, 512);
	n_vols = part_scan(&md.dev, vols, 4);
	if (n_vols != 2 || fs_mount(&vols[0], &isofs) || fs_mount(&vols[1], &espfs))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (isofs)
		fs_unmount(isofs);
	if (espfs)
		fs_unmount(espfs);
	meta_cache_drop(&md.dev);
	free(isomem);
	if (dir[0])
		sh("rm -rf '%s'", dir);
	return 0;
}

/* What mkiso said, and the volumes: the ISO from sector 0, the ESP appended as partition 2. */
static void test_volumes(void **state)
{
	size_t n;
	char *out = (char *)slurp(in_dir("out.txt"), &n);

	assert_non_null(strstr(out, "ISO 9660 \"MKISO-TEST\", UUID "));
	assert_non_null(strstr(out, isofs->uuid));
	free(out);
	assert_int_equal(vols[0].scheme, PART_NONE);
	assert_int_equal(vols[0].start, 0);
	assert_string_equal(isofs->drv->name, "iso9660");
	assert_string_equal(isofs->label, "MKISO-TEST");
	/* blkid's form of the modification date: YYYY-MM-DD-hh-mm-ss-cc */
	assert_int_equal(strlen(isofs->uuid), 22);
	assert_string_equal(vols[1].name, "md0,msdos2");
	assert_int_equal(vols[1].mbr_type, 0xef);
	assert_string_equal(espfs->drv->name, "fat");

	/* xorriso's table: partition 1 active over the ISO from 0, partition 2 the ESP. */
	const uint8_t *e = isomem + 0x1be;
	assert_int_equal(e[0], 0x80);
	assert_int_equal(e[4], 0x83);
	assert_int_equal(get32(e + 8), 0);
	assert_int_equal(e[16 + 4], 0xef);
	assert_int_equal(get32(e + 16 + 8), vols[1].start);
	assert_int_equal(get32(e + 16 + 12), vols[1].blocks);
	assert_int_equal(get16(isomem + 510), 0xaa55);
}

/* `baton ls` lists the files where they were put. */
static void test_ls(void **state)
{
	static const struct {
		const char *path, *names[8];
	} want[] = {
	    {"/", {"a file=with odd name.txt", "boot", "d", "e=q", "k"}},
	    {"/k", {"initrd.img", "vmlinuz"}},
	    {"/d", {"sub", "top.txt"}},
	    {"/d/sub", {"deep.txt"}},
	    {"/boot/baton",
	     {"baton.cfg", "bios-gap.bin", "bios.bin", "boot.cat", "cdboot.img", "state"}},
	};
	char cmd[1024];

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		size_t n, count = 0;
		snprintf(cmd, sizeof(cmd), "%s ls %s '%s'", baton, iso, want[i].path);
		char *out = (char *)capture(cmd, &n);
		for (char *l = out; (l = strchr(l, '\n')); l++)
			count++;
		for (int j = 0; want[i].names[j]; j++) {
			char name[300];
			snprintf(name, sizeof(name), " %s\n", want[i].names[j]);
			if (!strstr(out, name))
				fail_msg("%s: no %s in:\n%s", want[i].path, want[i].names[j], out);
			count--;
		}
		assert_int_equal(count, 0); /* nothing else */
		free(out);
	}
}

/* `baton cat` gives every file back byte for byte. */
static void test_cat(void **state)
{
	static const struct {
		const char *iso_path, *src;
	} files[] = {
	    {"/k/vmlinuz", "tree/vmlinuz"},
	    {"/k/initrd.img", "tree/initrd.img"},
	    {"/a file=with odd name.txt", "tree/a file=with odd name.txt"},
	    {"/d/top.txt", "tree/d/top.txt"},
	    {"/e=q/top.txt", "tree/d/top.txt"},
	    {"/d/sub/deep.txt", "tree/d/sub/deep.txt"},
	    {"/boot/baton/baton.cfg", "baton.cfg"},
	};
	char cmd[1024];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t n, m;
		snprintf(cmd, sizeof(cmd), "%s cat %s '%s'", baton, iso, files[i].iso_path);
		uint8_t *got = capture(cmd, &n), *src = slurp(in_dir(files[i].src), &m);
		assert_int_equal(n, m);
		assert_memory_equal(got, src, n);
		free(got);
		free(src);
	}
	snprintf(cmd, sizeof(cmd), "%s cat %s /boot/baton/bios.bin", baton, iso);
	char path[512];
	snprintf(path, sizeof(path), "%s/bios.bin", bdir);
	size_t n, m;
	uint8_t *got = capture(cmd, &n), *body = slurp(path, &m);
	assert_int_equal(n, m);
	assert_memory_equal(got, body, n);
	free(got);
	free(body);
}

struct loc {
	uint64_t off, len;
	int n;
};

static int one(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct loc *l = ctx;

	l->off = vol_off;
	l->len = len;
	l->n++;
	return 0;
}

/* A file of the ISO: its bytes, and where they lie (one extent). */
static uint8_t *iso_file(const char *path, size_t *len, struct loc *l)
{
	struct fs_file *f;

	if (fs_open(isofs, path, &f))
		fail_msg("%s: %s", path, err_msg());
	uint8_t *buf = malloc(f->size + 1);
	assert_int_equal(fs_read(f, 0, f->size, buf), 0);
	memset(l, 0, sizeof(*l));
	assert_int_equal(fs_extents(f, 0, f->size, one, l), 0);
	assert_int_equal(l->n, 1);
	*len = f->size;
	fs_close(f);
	return buf;
}

/*
 * The USB stick's BIOS chain: stage1 in bytes 0-439 points at bios-gap.bin's sectors; the gap
 * part's header names bios.bin's sectors, size and CRC-32 (checked on the raw sectors).
 */
static void test_disk_chain(void **state)
{
	char path[512];
	size_t mlen, glen, blen, g2len;
	struct loc gl, bl;

	snprintf(path, sizeof(path), "%s/stage1/mbr.bin", bdir);
	uint8_t *mbr = slurp(path, &mlen);
	snprintf(path, sizeof(path), "%s/bios-gap.bin", bdir);
	uint8_t *gap0 = slurp(path, &g2len);
	uint8_t *gap = iso_file("/boot/baton/bios-gap.bin", &glen, &gl);
	uint8_t *body = iso_file("/boot/baton/bios.bin", &blen, &bl);

	/* stage1: its code as built, its patch block filled. */
	assert_memory_equal(isomem, mbr, 8);
	assert_memory_equal(isomem + 18, mbr + 18, 440 - 18);
	assert_int_equal(get64(isomem + 8) * 512, gl.off);
	assert_int_equal(get16(isomem + 16) * 512, glen);

	/* The gap part: the build's, with the header and one extent filled in. */
	const uint8_t *h = gap + GAP_HDR_OFF;
	assert_int_equal(glen, g2len);
	assert_memory_equal(gap, gap0, GAP_HDR_OFF + GH_BODY_SIZE);
	assert_int_equal(get32(h + GH_MAGIC), GAP_HDR_MAGIC);
	assert_memory_equal(h + GH_BUILD_ID, body + BODY_BUILDID_OFF, 8);
	assert_int_equal(get32(h + GH_BODY_SIZE), blen);
	assert_int_equal(get32(h + GH_BODY_CRC), (uint32_t)crc32(0, body, (uInt)blen));
	assert_int_equal(get64(h + GH_BOOT_LBA), 0);
	assert_int_equal(get16(h + GH_N_EXT), 1);
	assert_int_equal(get16(h + GH_SECTOR), 512);
	const uint8_t *ext = gap + get16(h + GH_EXT_OFF);
	assert_int_equal(get64(ext) * 512, bl.off);
	assert_int_equal(get32(ext + 8), (blen + 511) / 512);
	/* What gap.S reads: the sectors the extent names, then the CRC over body_size bytes. */
	assert_true(bl.off + get32(ext + 8) * 512ull <= isolen);
	assert_int_equal((uint32_t)crc32(0, isomem + get64(ext) * 512, (uInt)blen),
			 get32(h + GH_BODY_CRC));
	/* Nothing else in the gap part changed. */
	size_t ext_end = get16(h + GH_EXT_OFF) + 16;
	assert_memory_equal(gap + ext_end, gap0 + ext_end, glen - ext_end);
	free(mbr);
	free(gap0);
	free(gap);
	free(body);
}

/* The CD's BIOS image: cdboot.bin (boot info table, mkiso's size and CRC) and the body. */
static void test_cdboot(void **state)
{
	char path[512];
	size_t clen, blen, ilen;
	struct loc il;

	snprintf(path, sizeof(path), "%s/stage1/cdboot.bin", bdir);
	uint8_t *cd = slurp(path, &clen);
	snprintf(path, sizeof(path), "%s/bios.bin", bdir);
	uint8_t *body = slurp(path, &blen);
	uint8_t *img = iso_file("/boot/baton/cdboot.img", &ilen, &il);

	assert_int_equal(clen, 2048);
	assert_int_equal(ilen, 2048 + blen);
	assert_memory_equal(img, cd, 8);
	assert_int_equal(get32(img + 8), 16);		     /* bi_pvd */
	assert_int_equal(get32(img + 12) * 2048ull, il.off); /* bi_file */
	assert_int_equal(get32(img + 16), ilen);	     /* bi_length */
	assert_memory_equal(img + 64, "BTNC", 4);
	assert_int_equal(get32(img + 68), blen);
	assert_int_equal(get32(img + 72), (uint32_t)crc32(0, body, (uInt)blen));
	assert_memory_equal(img + 76, cd + 76, 2048 - 76);
	assert_memory_equal(img + 2048, body, blen);
	free(cd);
	free(body);
	free(img);
}

/* The ESP: BOOTX64.EFI as built, and the config with `root uuid:<the ISO's UUID>` first. */
static void test_esp(void **state)
{
	char path[512], *text;
	size_t elen, tlen;
	struct config cfg;

	snprintf(path, sizeof(path), "%s/BOOTX64.EFI", bdir);
	uint8_t *efi = slurp(path, &elen);
	char *got;
	size_t glen;
	assert_int_equal(fs_read_all(espfs, "/EFI/BOOT/BOOTX64.EFI", &got, &glen, 1 << 24), 0);
	assert_int_equal(glen, elen);
	assert_memory_equal(got, efi, elen);
	mem_free(got);
	free(efi);

	assert_int_equal(fs_read_all(espfs, "/EFI/BOOT/baton.cfg", &text, &tlen, 1 << 20), 0);
	assert_true(tlen > strlen(cfg_text));
	assert_string_equal(text + tlen - strlen(cfg_text), cfg_text);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_parse(text, tlen, "esp.cfg", &cfg), 0);
	snprintf(path, sizeof(path), "uuid:%s", isofs->uuid);
	assert_string_equal(cfg.root, path);
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].kernel, "/k/vmlinuz");
	config_free(&cfg);
	mem_free(text);
}

/* A config that names its own root is copied as it is. */
static void test_own_root(void **state)
{
	static const char own[] = "root label:ELSEWHERE\nentry x\n  kernel /vmlinuz\n";
	char *text;
	size_t len;

	write_file("own.cfg", own, strlen(own));
	assert_int_equal(sh("%s mkiso %s/own.iso --config %s/own.cfg --boot-files %s >/dev/null",
			    baton, dir, dir, bdir),
			 0);
	size_t n;
	uint8_t *mem = slurp(in_dir("own.iso"), &n);
	struct memdisk d;
	struct volume v[4];
	struct fs *esp;
	md_init(&d, mem, n, 512);
	strcpy(d.dev.name, "md1");
	assert_int_equal(part_scan(&d.dev, v, 4), 2);
	assert_int_equal(fs_mount(&v[1], &esp), 0);
	assert_int_equal(fs_read_all(esp, "/EFI/BOOT/baton.cfg", &text, &len, 1 << 20), 0);
	assert_int_equal(len, strlen(own));
	assert_memory_equal(text, own, len);
	mem_free(text);
	fs_unmount(esp);
	meta_cache_drop(&d.dev);
	free(mem);
}

/* Mistakes: exit status 1, a message on stderr, no ISO left behind. */
static void test_errors(void **state)
{
	static const struct {
		const char *args, *msg;
	} cases[] = {
	    {"--config DIR/nope.cfg", "DIR/nope.cfg: No such file or directory"},
	    {"--config DIR/baton.cfg DIR/tree/nope", "DIR/tree/nope: No such file or directory"},
	    {"--config DIR/bad.cfg", "bad.cfg:2: unknown keyword 'kernal'"},
	    {"--config DIR/empty.cfg", "DIR/empty.cfg: no entries"},
	    {"--config DIR/baton.cfg boot/baton/baton.cfg=DIR/baton.cfg",
	     "boot/baton/baton.cfg is baton's own file on the ISO"},
	    {"--config DIR/baton.cfg DIR/tree/..", "has no name of its own"},
	    {"--config DIR/baton.cfg --boot-files DIR", "DIR/BOOTX64.EFI: No such file"},
	    {"--config DIR/baton.cfg --label 123456789012345678901234567890123",
	     "longer than ISO 9660's 32 characters"},
	};
	char args[600], msg[600], *p;

	write_file("bad.cfg", "entry x\nkernal /k\n", 18);
	write_file("empty.cfg", "timeout 1\n", 10);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* DIR in a case is the test's directory. */
		snprintf(args, sizeof(args), "%s", cases[i].args);
		snprintf(msg, sizeof(msg), "%s", cases[i].msg);
		for (char *s = args; (p = strstr(s, "DIR"));) {
			char rest[600];
			snprintf(rest, sizeof(rest), "%s", p + 3);
			snprintf(p, sizeof(args) - (size_t)(p - args), "%s%s", dir, rest);
			s = p + strlen(dir);
		}
		for (char *s = msg; (p = strstr(s, "DIR"));) {
			char rest[600];
			snprintf(rest, sizeof(rest), "%s", p + 3);
			snprintf(p, sizeof(msg) - (size_t)(p - msg), "%s%s", dir, rest);
			s = p + strlen(dir);
		}
		if (!strstr(cases[i].args, "--boot-files")) {
			strncat(args, " --boot-files ", sizeof(args) - strlen(args) - 1);
			strncat(args, bdir, sizeof(args) - strlen(args) - 1);
		}
		int st = sh("%s mkiso %s/err.iso %s 2>%s/err.txt", baton, dir, args, dir);
		size_t n;
		char *err = (char *)slurp(in_dir("err.txt"), &n);
		if (st != 1 || !strstr(err, msg))
			fail_msg("mkiso %s: status %d, stderr:\n%s\n(wanted '%s')", args, st, err,
				 msg);
		assert_int_not_equal(access(in_dir("err.iso"), F_OK), 0);
		free(err);
	}
}

/* xorriso missing, and xorriso failing: named, its output shown, nothing left behind. */
static void test_tools(void **state)
{
	size_t n;
	char *err;

	mkdir(in_dir("bin"), 0755);
	/* mkfs.vfat and mtools from the system; xorriso absent. */
	sh("for t in mkfs.vfat mmd mcopy; do ln -sf \"$(command -v $t || "
	   "echo /usr/sbin/$t)\" %s/bin/$t; done",
	   dir);
	assert_int_equal(sh("PATH=%s/bin %s mkiso %s/err.iso --config %s/baton.cfg --boot-files "
			    "%s 2>%s/err.txt",
			    dir, baton, dir, dir, bdir, dir),
			 1);
	err = (char *)slurp(in_dir("err.txt"), &n);
	assert_non_null(strstr(err, "xorriso not found: install the xorriso package"));
	free(err);

	static const char fake[] = "#!/bin/sh\necho 'xorriso : FAILURE : no room' >&2\nexit 5\n";
	write_file("bin/xorriso", fake, strlen(fake));
	chmod(in_dir("bin/xorriso"), 0755);
	write_file("err.iso", "old", 3); /* an older ISO stays as it was */
	assert_int_equal(sh("PATH=%s/bin:/bin %s mkiso %s/err.iso --config %s/baton.cfg "
			    "--boot-files %s 2>%s/err.txt",
			    dir, baton, dir, dir, bdir, dir),
			 1);
	err = (char *)slurp(in_dir("err.txt"), &n);
	assert_non_null(strstr(err, "xorriso failed (exit status 5)"));
	assert_non_null(strstr(err, "xorriso : FAILURE : no room"));
	free(err);
	err = (char *)slurp(in_dir("err.iso"), &n);
	assert_int_equal(n, 3);
	free(err);
	assert_int_not_equal(access(in_dir("err.iso.part"), F_OK), 0);
	unlink(in_dir("err.iso"));
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_volumes),
		cmocka_unit_test(test_ls),
		cmocka_unit_test(test_cat),
		cmocka_unit_test(test_disk_chain),
		cmocka_unit_test(test_cdboot),
		cmocka_unit_test(test_esp),
		cmocka_unit_test(test_own_root),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_tools),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, setup, teardown);
}
