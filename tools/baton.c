/* baton.c: the host tool's entry point and kernel commands: probe a load plan, check a config. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "config.h"
#include "fs.h"
#include "imgdev.h"
#include "loadplan.h"
#include "part.h"
#include "gzip.h"
#include "video.h"

int usage(void)
{
	fprintf(
	    stderr,
	    "usage: baton probe KERNEL [--initrd FILE]... [--cmdline TEXT] [--protocol NAME] "
	    "[--bios [--drive N]]\n"
	    "       baton probe --volume IMAGE[:PART] [--bios [--drive N]]\n"
	    "                                       (chainload the volume's first sector)\n"
	    "       baton check CONFIG [--image IMAGE[:PART] | --dir DIR] [--bios]\n"
	    "                                       (problems by file and line, then the menu)\n"
	    "       baton ls IMAGE                  (the volumes: partitions and filesystems)\n"
	    "       baton ls IMAGE[:PART] [PATH]\n"
	    "       baton cat [--stats] IMAGE[:PART] PATH\n"
	    "       baton map IMAGE[:PART] PATH     (FILE_OFFSET VOLUME_OFFSET BYTES per piece)\n"
	    "       baton mkiso OUT.iso --config FILE [--label NAME] [FILE | DEST=FILE]...\n"
	    "       baton install [--bios | --uefi] [--boot-part N] [--esp DIR] [--register]\n"
	    "                     [--force] [--undo FILE] [--from DIR] [--sector-size N] TARGET\n"
	    "       baton uninstall [--force] [--undo FILE] [--sector-size N] TARGET\n"
	    "       baton set-default ENTRY | --clear [--image IMAGE[:PART] | --esp DIR] "
	    "[--force]\n"
	    "       baton oneshot ENTRY | --clear [--image IMAGE[:PART] | --esp DIR] [--force]\n"
	    "       baton state [--image IMAGE[:PART] | --esp DIR]\n"
	    "IMAGE is a disk image file or a block device. PART is a partition number as GRUB\n"
	    "counts them (1 = first, 5 = first logical) or a PARTUUID; without it, the first\n"
	    "volume holding a filesystem baton reads.\n"
	    "install puts baton's BIOS boot code (sector 0 bytes 0-439, the gap part in the MBR\n"
	    "gap or the GPT BIOS boot partition, the stage2 file in a FAT or ext filesystem) and\n"
	    "its UEFI files (on the EFI system partition) onto TARGET, an image file or a disk;\n"
	    "both by default, when the disk allows. It refuses, changing nothing, when that would\n"
	    "overwrite data (--force overrides where it can) and keeps what it changed in undo\n"
	    "data (TARGET.baton-undo for an image, /var/lib/baton/ for a disk): uninstall puts\n"
	    "it back byte for byte. --boot-part N: the stage2 file's partition; --esp DIR: a\n"
	    "mounted EFI system partition; --register: add a UEFI boot entry (efibootmgr);\n"
	    "--from DIR: the build's files (default: beside this program).\n"
	    "set-default and oneshot write the saved (`default @saved`) and one-shot entries\n"
	    "into baton's state file, in place: on the mounted filesystem holding it, or on\n"
	    "IMAGE; state shows them.\n");
	return 2;
}

unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	int e = 0;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			if (!(nb = realloc(buf, cap + 1))) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (!e && ferror(f)) /* a directory, an I/O error: not an empty or short file */
		e = errno ? errno : EIO;
	fclose(f);
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

static const char *place_str(const struct lp_segment *s, char *b, size_t n)
{
	if (s->place == LP_SERVED)
		snprintf(b, n, "not placed: served on request (EFI LoadFile2)");
	else if (s->place == LP_FIXED)
		snprintf(b, n, "at 0x%llx", (unsigned long long)s->addr);
	else
		snprintf(b, n, "anywhere in [0x%llx, 0x%llx) align 0x%llx%s%s%s",
			 (unsigned long long)s->min, (unsigned long long)s->max,
			 (unsigned long long)s->align, s->addr ? ", preferred 0x" : "",
			 s->addr ? "" : "", s->flags & LP_TOP_DOWN ? ", highest first" : "");
	if (s->place != LP_FIXED && s->addr) {
		size_t l = strlen(b);
		snprintf(b + l, n - l, "%llx", (unsigned long long)s->addr);
	}
	return b;
}

static int mem_src(void *ctx, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

/* A gzip'd kernel is probed as what it inflates to (as stage2 does), CRC checked. */
static unsigned char *gunzip(const char *path, unsigned char *data, size_t *len)
{
	struct gz *g;
	uint64_t n;
	unsigned char *out;

	if (!gz_detect(data, *len))
		return data;
	if (gz_open(&g, *len, mem_src, data, path))
		return NULL;
	n = gz_size(g);
	out = malloc(n ? n : 1);
	if (!out || gz_read(g, 0, n, out) || gz_finish(g)) {
		gz_close(g);
		free(out);
		return NULL;
	}
	gz_close(g);
	printf("gzip:      %zu bytes inflate to %llu\n", *len, (unsigned long long)n);
	free(data);
	*len = n;
	return out;
}

/*
 * --volume IMAGE[:PART]: the first sector of a partition (PART as GRUB counts, or a PARTUUID)
 * or of the whole disk, and what a BIOS chainload gives it (its partition entry).
 */
static struct blockdev vdev;
static struct volume vol;
static struct lp_bootsect vbs;
static uint8_t vtable[512];

static unsigned char *volume_sector(const char *arg, size_t *len)
{
	char img[PATH_MAX];
	const char *part;
	struct volume vols[128];
	unsigned char *sector = malloc(512);
	int n;

	if (!sector) {
		err_set(E_NOMEM, "out of memory");
		return NULL;
	}
	if (imgdev_split(arg, img, sizeof(img), &part) || imgdev_open(img, &vdev) ||
	    (n = part_scan(&vdev, vols, 128)) < 0)
		goto fail;
	memset(&vol, 0, sizeof(vol));
	vol.dev = &vdev;
	vol.blocks = vdev.num_blocks;
	snprintf(vol.name, sizeof(vol.name), "%s", vdev.name);
	if (part) {
		int i = 0;
		while (i < n && !vol_match(&vols[i], part))
			i++;
		if (i == n) {
			err_set(E_NOENT, "%s: no partition %s", img, part);
			goto fail;
		}
		vol = vols[i];
	}
	if (vol_read(&vol, 0, 512, sector) ||
	    (vol.scheme == PART_MBR && blockdev_read(&vdev, vol.table_lba, 1, vtable)))
		goto fail;
	lp_bootsect_from(&vbs, &vol, vtable);
	*len = 512;
	return sector;
fail:
	free(sector);
	return NULL;
}

/* A real-mode segment register: its value, or how it follows from where a segment lands. */
static void r16_seg(const struct load_plan *p, const char *name, uint16_t v)
{
	int b = p->r16.base_seg;

	if (b < 0)
		printf(" %s=0x%04x", name, v);
	else if (p->seg[b].place == LP_FIXED)
		printf(" %s=0x%04x", name, (unsigned)(v + (p->seg[b].addr >> 4)));
	else
		printf(" %s=%s/16+0x%x", name, p->seg[b].name, v);
}

static int cmd_probe(int argc, char **argv)
{
	struct lp_input in;
	struct load_plan p;
	unsigned char *data[LP_MAX_FILES];
	size_t len;
	const char *protocol = NULL;
	bool volume = argc >= 2 && !strcmp(argv[0], "--volume");

	memset(&in, 0, sizeof(in));
	in.bios_part = -1; /* a bare file: no partition known */
	memset(&p, 0, sizeof(p));
	in.cmdline = "";
	in.efi = true; /* as under UEFI; --bios: as the BIOS platform */
	if (argc < 1)
		return usage();
	if (volume) {
		argc--, argv++;
		protocol = "chainload";
		data[0] = volume_sector(argv[0], &len);
		in.bootsect = &vbs;
	} else {
		data[0] = read_file(argv[0], &len);
		if (!data[0]) {
			fprintf(stderr, "baton: %s: %s\n", argv[0], strerror(errno));
			return 1;
		}
		data[0] = gunzip(argv[0], data[0], &len);
	}
	if (!data[0]) {
		fprintf(stderr, "baton: %s\n", err_msg());
		return 1;
	}
	/* The whole file is in memory: the head is all of it. */
	in.kernel =
	    (struct lp_file){.path = argv[0], .size = len, .head = data[0], .head_len = len};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
			in.cmdline = argv[++i];
		} else if (!strcmp(argv[i], "--protocol") && i + 1 < argc && !volume) {
			protocol = argv[++i];
		} else if (!strcmp(argv[i], "--drive") && i + 1 < argc) {
			char *end;
			unsigned long d = strtoul(argv[++i], &end, 0);
			if (*end || !d || d > 0xff)
				return usage();
			in.bios_drive = (uint8_t)d;
		} else if (!strcmp(argv[i], "--bios")) {
			/* As the BIOS platform: real-mode entries, the first hard disk (0x80). */
			in.bios = true;
			if (!in.bios_drive)
				in.bios_drive = 0x80;
			in.efi = false;
		} else if (!strcmp(argv[i], "--initrd") && i + 1 < argc &&
			   in.n_mods < LP_MAX_FILES - 1) {
			FILE *f = fopen(argv[++i], "rb");
			if (!f || fseek(f, 0, SEEK_END)) {
				fprintf(stderr, "baton: %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
			in.mods[in.n_mods++] =
			    (struct lp_file){.path = argv[i], .size = (uint64_t)ftell(f)};
			fclose(f);
		} else {
			return usage();
		}
	}
	in.loader_name = "baton";
	in.protocol = protocol;
	const struct format *fmt = format_find(&in.kernel, protocol);
	if (!fmt || fmt->plan(&in, &p)) {
		fprintf(stderr, "baton: %s: %s\n", argv[0], err_msg());
		if (fmt)
			lp_free(&p);
		return 1;
	}
	printf("file:      %s (%zu bytes%s)\n", argv[0], len,
	       volume ? ", the volume's first sector" : "");
	printf("format:    %s\n", p.format);
	if (p.mode == LP_MODE_REAL16) {
		printf("entry:     %s, 16-bit real mode, at %s+0x%llx\n", p.entry_kind,
		       p.entry_seg >= 0 ? p.seg[p.entry_seg].name : "absolute",
		       (unsigned long long)p.entry_off);
		printf("real mode:");
		r16_seg(&p, "CS", p.r16.cs);
		printf(" IP=0x%04x", p.r16.ip);
		r16_seg(&p, "DS", p.r16.ds);
		r16_seg(&p, "ES", p.r16.es);
		r16_seg(&p, "FS", p.r16.fs);
		r16_seg(&p, "GS", p.r16.gs);
		r16_seg(&p, "SS", p.r16.ss);
		printf(" SP=0x%04x, interrupts %s; IVT at 0, A20 on (BIOS only)\n", p.r16.sp,
		       p.r16.sti ? "enabled" : "disabled");
		const struct lp_segment *rm = &p.seg[p.entry_seg];
		if (!strcmp(p.format, "linux") && rm->n_pieces && rm->piece[0].len >= 0x22c) {
			/* The setup header as the kernel's setup code will find it (boot.rst). */
			const uint8_t *h = rm->piece[0].mem;
			printf(
			    "header:    type_of_loader 0x%02x, loadflags 0x%02x, vid_mode 0x%04x, "
			    "heap_end_ptr 0x%04x, cmd_line_ptr 0x%x",
			    h[0x210], h[0x211], get16(h + 0x1fa), get16(h + 0x224),
			    get32(h + 0x228));
			if (get16(h + 0x20) == 0xa33f)
				printf(
				    ", cmd_line_magic at 0x20 with offset 0x%04x, setup_move_size "
				    "0x%04x",
				    get16(h + 0x22), get16(h + 0x212));
			printf("; code32_start and ramdisk_* once placed\n");
		}
		uint64_t si = lp_reg_value(&p, LP_RSI);
		for (int i = 0; i < p.n_segs && si; i++) {
			const struct lp_segment *t = &p.seg[i];
			if (!strcmp(p.format, "chainload") && t->place == LP_FIXED &&
			    si >= t->addr && si + 16 <= t->addr + t->memsz && t->n_pieces &&
			    t->piece[0].mem) {
				const uint8_t *e =
				    (const uint8_t *)t->piece[0].mem + (si - t->addr);
				printf(
				    "DS:SI:     0000:%04llx, boot flag 0x%02x, type 0x%02x, start "
				    "%u, %u sectors\n",
				    (unsigned long long)si, e[0], e[4], get32(e + 8),
				    get32(e + 12));
			}
		}
		if (in.bootsect)
			printf("volume:    (%s) %s, start %llu, %llu sectors, drive 0x%02x\n",
			       in.bootsect->name,
			       in.bootsect->gpt		? "GPT partition"
			       : in.bootsect->partition ? "MBR partition"
							: "whole disk",
			       (unsigned long long)in.bootsect->start,
			       (unsigned long long)in.bootsect->blocks, in.bios_drive);
	} else if (p.mode == LP_MODE_EFI_IMAGE) {
		printf("entry:     %s, started by the firmware (LoadImage/StartImage of segment "
		       "%s)\n",
		       p.entry_kind, p.seg[p.entry_seg].name);
		printf("options:   \"%s\" (UTF-16 load options)\n", p.options ? p.options : "");
	} else {
		printf("entry:     %s, %s, at %s+0x%llx\n", p.entry_kind,
		       p.mode == LP_MODE_LONG64	    ? "64-bit long mode"
		       : p.mode == LP_MODE_EFI64_BS ? "64-bit, EFI boot services running"
						    : "32-bit protected mode, paging off",
		       p.entry_seg >= 0 ? p.seg[p.entry_seg].name : "absolute",
		       (unsigned long long)p.entry_off);
		printf("selectors: CS=0x%x DS=ES=SS=0x%x\n", p.cs, p.ds);
	}
	static const char *const rn[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp"};
	static const char *const rn16[] = {"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"};
	for (int i = 0; i < LP_NREGS; i++)
		if (p.reg[i].used)
			printf("register:  %s = %s+0x%llx\n",
			       p.mode == LP_MODE_REAL16 ? rn16[i] : rn[i],
			       p.reg[i].seg >= 0 ? p.seg[p.reg[i].seg].name : "0",
			       (unsigned long long)p.reg[i].value);
	printf("bootinfo:  %s\n", p.bootinfo_kind);
	if (p.video.prefer) {
		char b[240];
		video_describe(&p.video, b, sizeof(b));
		printf("video:     %s\n", b);
	}
	for (int i = 0; i < p.n_segs; i++) {
		char b[200];
		const struct lp_segment *s = &p.seg[i];
		printf("segment %d: %-12s %10llu bytes %s%s\n", i, s->name,
		       (unsigned long long)s->memsz, place_str(s, b, sizeof(b)),
		       s->flags & LP_EXEC ? ", code" : "");
		for (int j = 0; j < s->n_pieces; j++) {
			const struct lp_piece *pc = &s->piece[j];
			if (pc->file >= 0)
				printf("           +0x%llx: %llu bytes of %s at offset 0x%llx\n",
				       (unsigned long long)pc->dst_off, (unsigned long long)pc->len,
				       pc->file ? in.mods[pc->file - 1].path : in.kernel.path,
				       (unsigned long long)pc->off);
			else
				printf("           +0x%llx: %llu bytes built by baton\n",
				       (unsigned long long)pc->dst_off,
				       (unsigned long long)pc->len);
		}
	}
	lp_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 2, argv + 2);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "ls"))
		return cmd_ls(argc - 2, argv + 2);
	if (!strcmp(argv[1], "cat"))
		return cmd_cat(argc - 2, argv + 2);
	if (!strcmp(argv[1], "map"))
		return cmd_map(argc - 2, argv + 2);
	if (!strcmp(argv[1], "mkiso"))
		return cmd_mkiso(argc - 2, argv + 2);
	if (!strcmp(argv[1], "install"))
		return cmd_install(argc - 2, argv + 2);
	if (!strcmp(argv[1], "uninstall"))
		return cmd_uninstall(argc - 2, argv + 2);
	if (!strcmp(argv[1], "set-default"))
		return cmd_set_default(argc - 2, argv + 2);
	if (!strcmp(argv[1], "oneshot"))
		return cmd_oneshot(argc - 2, argv + 2);
	if (!strcmp(argv[1], "state"))
		return cmd_state(argc - 2, argv + 2);
	return usage();
}
