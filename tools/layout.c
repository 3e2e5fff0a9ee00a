/* layout.c: where the installer may put each part of baton on a disk, or why it cannot. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fs.h"
#include "gap.h"
#include "layout.h"
#include "part.h"
#include "zlib.h"

static const char BIOS_BOOT_GUID[] = "21686148-6449-6e6f-744e-656564454649";

static bool is_type(const struct volume *v, const char *guid)
{
	char s[37];
	if (v->scheme != PART_GPT)
		return false;
	guid_to_str(v->type_guid, s);
	return !strcasecmp(s, guid);
}

/* Which filesystem baton reads on v ("fat", "ext4", ...), or NULL. */
static const char *fs_name(struct volume *v)
{
	struct fs *fs;
	if (fs_mount(v, &fs))
		return NULL;
	const char *n = fs->drv->name;
	fs_unmount(fs);
	return n;
}

/* A FAT, NTFS or exFAT boot sector (the jump, the OEM name or a sane BPB), as blkid sees one. */
const char *vbr_kind(const uint8_t *s)
{
	if (!memcmp(s + 3, "NTFS    ", 8))
		return "NTFS";
	if (!memcmp(s + 3, "EXFAT   ", 8))
		return "exFAT";
	if (!((s[0] == 0xeb && s[2] == 0x90) || s[0] == 0xe9))
		return NULL;
	uint16_t bps = get16(s + 11);
	if (bps >= 512 && bps <= 4096 && !(bps & (bps - 1)) && s[13] && !(s[13] & (s[13] - 1)) &&
	    get16(s + 14) && s[16] && (s[21] == 0xf0 || s[21] >= 0xf8))
		return "FAT";
	return NULL;
}

/* The gap part's size in sectors of the disk. */
static uint64_t gap_sectors(struct target *t, size_t gap_len)
{
	return (gap_len + t->ss - 1) / t->ss;
}

/* The free sectors of a GPT disk, and an sgdisk command that makes a BIOS boot partition. */
static void gpt_hint(struct target *t, uint64_t need, char *out, size_t n)
{
	uint8_t *h = malloc(t->ss);
	uint64_t first = 34, last = t->bytes / t->ss - 34, mib = (1u << 20) / t->ss;

	if (h && !tgt_read(t, t->ss, t->ss, h) && !memcmp(h, "EFI PART", 8)) {
		first = get64(h + 40);
		last = get64(h + 48);
	}
	free(h);
	uint64_t cur = first, a = 0, b = 0;
	bool found = false;
	for (;;) {
		/* the next partition at or after cur */
		uint64_t ns = UINT64_MAX, ne = 0;
		for (int i = 0; i < t->n_vols; i++) {
			uint64_t s = t->vols[i].start, e = s + t->vols[i].blocks - 1;
			if (e >= cur && s < ns)
				ns = s, ne = e;
		}
		uint64_t fe = ns == UINT64_MAX ? last : (ns > cur ? ns - 1 : 0);
		if ((ns == UINT64_MAX || ns > cur) && fe >= cur && fe - cur + 1 >= need) {
			a = cur, b = fe, found = true;
			break;
		}
		if (ns == UINT64_MAX)
			break;
		cur = MAX(cur, ne + 1);
		if (cur > last)
			break;
	}
	if (!found) {
		snprintf(out, n,
			 "there is no free space for one (it needs %llu sectors): shrink or move a "
			 "partition to make room, then create it with sgdisk -t N:ef02",
			 (unsigned long long)need);
		return;
	}
	uint64_t end = a < mib && b >= mib - 1 ? mib - 1 : MIN(b, a + MAX(need, mib) - 1);
	snprintf(
	    out, n,
	    "create one (sectors %llu-%llu are free) with: sgdisk -a 1 -n 0:%llu:%llu -t 0:ef02 "
	    "%s",
	    (unsigned long long)a, (unsigned long long)b, (unsigned long long)a,
	    (unsigned long long)end, t->path);
}

/* What the gap region holds: 0 zeros, 1 baton's gap part, -1 something else. */
static int gap_owner(struct target *t, uint64_t lba, uint64_t secs)
{
	uint64_t len = secs * t->ss;
	uint8_t *b = malloc(len);
	int r = 0;

	if (!b || tgt_read(t, lba * t->ss, len, b)) {
		free(b);
		return -1;
	}
	if (!memcmp(b + 4, "BTN2", 4) && get32(b + GAP_HDR_OFF) == GAP_HDR_MAGIC)
		r = 1;
	else
		for (uint64_t i = 0; i < len && !r; i++)
			r = b[i] ? -1 : 0;
	free(b);
	return r;
}

int bios_check(struct target *t, const struct inst_opts *o, const struct inputs *in,
	       struct bios_plan *bp)
{
	uint64_t gsec = gap_sectors(t, in->gap_len);
	uint8_t *s0 = malloc(t->ss), sb[1024];

	memset(bp, 0, sizeof(*bp));
	bp->gsec = gsec;
	if (!s0 || tgt_read(t, 0, t->ss, s0) || tgt_read(t, 1024, sizeof(sb), sb)) {
		free(s0);
		snprintf(bp->why, sizeof(bp->why), "%s", imsg());
		return -1;
	}
	if (t->scheme == PART_NONE) {
		const char *kind = vbr_kind(s0);
		const char *fsn = fs_name(&t->vols[0]);
		if (kind && t->table_behind) {
			snprintf(
			    bp->why, sizeof(bp->why),
			    "sector 0 of %s looks like a %s boot sector, though it also holds a "
			    "partition table: systems may take the disk for a %s superfloppy. "
			    "--force installs anyway (baton's boot code replaces bytes 0-439, so "
			    "the partition table is what counts afterwards)",
			    t->path, kind, kind);
			bp->forceable = true;
		} else if (kind || fsn || get16(sb + 56) == 0xef53) {
			snprintf(
			    bp->why, sizeof(bp->why),
			    "%s holds a filesystem (%s) starting at sector 0 (a superfloppy, no "
			    "partition table): there is no place for the boot code outside it "
			    "(--force cannot help). Partition the disk (sfdisk, sgdisk) with a "
			    "gap of at least %llu sectors before the first partition",
			    t->path,
			    kind  ? kind
			    : fsn ? fsn
				  : "ext2/3/4",
			    (unsigned long long)gsec + 1);
		} else {
			snprintf(
			    bp->why, sizeof(bp->why),
			    "%s has no partition table: create one (sfdisk, sgdisk) with a gap of "
			    "at least %llu sectors before the first partition",
			    t->path, (unsigned long long)gsec + 1);
		}
		free(s0);
		return -1;
	}
	if (t->scheme == PART_MBR) {
		/* The MBR gap: from sector 1 to the first primary entry's start. */
		uint64_t first = UINT64_MAX;
		for (int i = 0; i < 4; i++) {
			const uint8_t *e = s0 + 446 + 16 * i;
			if (e[4] && get32(e + 8))
				first = MIN(first, (uint64_t)get32(e + 8));
		}
		if (first == UINT64_MAX)
			first = t->bytes / t->ss;
		if (first < 1 + gsec) {
			snprintf(
			    bp->why, sizeof(bp->why),
			    "no room for the gap part: it needs %llu sectors after sector 0, and "
			    "the first partition of %s starts at sector %llu. Move it to start at "
			    "1 MiB (sector %u), as partitioning tools do by default",
			    (unsigned long long)gsec, t->path, (unsigned long long)first,
			    (1u << 20) / t->ss);
			free(s0);
			return -1;
		}
		bp->gap_lba = 1;
		snprintf(bp->gap_where, sizeof(bp->gap_where), "the MBR gap (sectors 1-%llu free)",
			 (unsigned long long)first - 1);
	} else {
		struct volume *bb = NULL;
		for (int i = 0; i < t->n_vols && !bb; i++)
			if (is_type(&t->vols[i], BIOS_BOOT_GUID))
				bb = &t->vols[i];
		if (!bb) {
			char hint[400];
			gpt_hint(t, gsec, hint, sizeof(hint));
			snprintf(bp->why, sizeof(bp->why),
				 "%s is a GPT disk without a BIOS boot partition (type "
				 "21686148-6449-6E6F-744E-656564454649), where the BIOS boot code "
				 "goes: %s",
				 t->path, hint);
			free(s0);
			return -1;
		}
		if (bb->blocks < gsec) {
			snprintf(bp->why, sizeof(bp->why),
				 "the BIOS boot partition %s has %llu sectors; the gap part needs "
				 "%llu",
				 vol_label(bb), (unsigned long long)bb->blocks,
				 (unsigned long long)gsec);
			free(s0);
			return -1;
		}
		bp->gap_lba = bb->start;
		snprintf(bp->gap_where, sizeof(bp->gap_where), "the BIOS boot partition %s",
			 vol_label(bb));
	}
	free(s0);
	int own = gap_owner(t, bp->gap_lba, gsec);
	if (own < 0 && !o->force) {
		snprintf(bp->why, sizeof(bp->why),
			 "%s holds another program's data (sectors %llu-%llu are neither zeros nor "
			 "baton's): another boot loader (GRUB's core.img?) or a tool's data would "
			 "be overwritten. --force overwrites it (the undo data keeps a copy)",
			 bp->gap_where, (unsigned long long)bp->gap_lba,
			 (unsigned long long)(bp->gap_lba + gsec - 1));
		bp->forceable = true;
		return -1;
	}
	bp->gap_foreign = own < 0;
	bp->gap_ours = own > 0;

	/* The stage2 file's partition. */
	struct volume *v = NULL;
	const char *why = "";
	if (o->boot_part) {
		for (int i = 0; i < t->n_vols; i++)
			if (t->vols[i].index == o->boot_part)
				v = &t->vols[i];
		if (!v) {
			snprintf(bp->why, sizeof(bp->why), "%s has no partition %d (--boot-part)",
				 t->path, o->boot_part);
			return -1;
		}
		why = "--boot-part";
	}
	for (int i = 0; i < t->n_vols && !v; i++)
		if (vol_is_esp(&t->vols[i]))
			v = &t->vols[i], why = "the EFI system partition";
	for (int i = 0; i < t->n_vols && !v; i++) {
		const char *n = fs_name(&t->vols[i]);
		if (n && (!strcmp(n, "fat") || !strcmp(n, "ext4")))
			v = &t->vols[i], why = "the first FAT or ext2/3/4 partition";
	}
	if (!v) {
		snprintf(bp->why, sizeof(bp->why),
			 "%s has no FAT or ext2/3/4 partition baton can read to hold its stage2 "
			 "file: create one, or name one with --boot-part N",
			 t->path);
		return -1;
	}
	const char *n = fs_name(v);
	if (!n || (strcmp(n, "fat") && strcmp(n, "ext4"))) {
		snprintf(bp->why, sizeof(bp->why),
			 "partition %s holds %s; the stage2 file needs FAT or ext2/3/4",
			 vol_label(v), n ? n : "no filesystem baton reads");
		return -1;
	}
	bp->body_vol = v;
	bp->body_why = why;
	bp->body_fs = n;
	bp->on_esp = vol_is_esp(v);
	snprintf(bp->body_path, sizeof(bp->body_path), "%s/bios.bin",
		 bp->on_esp ? "/EFI/baton" : "/boot/baton");
	return 0;
}

int uefi_check(struct target *t, const struct inst_opts *o, struct uefi_plan *up)
{
	memset(up, 0, sizeof(*up));
	if (o->esp_dir) {
		up->dir = o->esp_dir;
		return 0;
	}
	for (int i = 0; i < t->n_vols && !up->esp; i++)
		if (vol_is_esp(&t->vols[i]))
			up->esp = &t->vols[i];
	if (!up->esp) {
		snprintf(up->why, sizeof(up->why),
			 "%s has no EFI system partition (GPT type "
			 "C12A7328-F81F-11D2-BA4B-00A0C93EC93B, or MBR type 0xEF): create one "
			 "(e.g. sgdisk -n 0:0:+100M -t 0:ef00 %s, then mkfs.vfat), or name a "
			 "mounted one with --esp DIR",
			 t->path, t->path);
		return -1;
	}
	const char *n = fs_name(up->esp);
	if (!n || strcmp(n, "fat")) {
		snprintf(up->why, sizeof(up->why),
			 "the EFI system partition %s holds %s, not FAT: format it (mkfs.vfat)",
			 vol_label(up->esp), n ? n : "no filesystem baton reads");
		return -1;
	}
	return 0;
}

/* Sector 0's boot code: bytes 0-439 of mbr.bin, with its patch block pointing at the gap part. */
int stage1_code(const struct inputs *in, uint64_t gap_lba, uint64_t gsec, uint8_t code[440])
{
	if (in->mbr_len < 440 || memcmp(in->mbr + 4, "BTN1", 4))
		return ierr(E_FORMAT, "%s is not baton's stage1 (no BTN1 patch block)",
			    in->mbr_path);
	if (gsec > 960)
		return ierr(E_RANGE, "the gap part is too big for stage1");
	memcpy(code, in->mbr, 440);
	put64(code + 8, gap_lba);
	put16(code + 16, (uint16_t)gsec);
	code[18] = 0;
	return 0;
}

/* The gap part with its header filled: the body's size, CRC-32, partition and block list. */
int gap_image(struct target *t, const struct inputs *in, uint64_t boot_lba,
	      const struct gap_ext *ext, int n_ext, uint8_t **out, size_t *out_len)
{
	size_t len = (size_t)(gap_sectors(t, in->gap_len) * t->ss);
	uint8_t *g = calloc(1, len);
	struct gap_hdr h;

	if (!g)
		return ierr(E_NOMEM, "out of memory");
	memcpy(g, in->gap, in->gap_len);
	memcpy(&h, g + GAP_HDR_OFF, sizeof(h));
	if (n_ext > h.max_ext ||
	    h.ext_off + (size_t)h.max_ext * sizeof(struct gap_ext) > in->gap_len) {
		free(g);
		return ierr(E_RANGE, "the block list does not fit the gap part");
	}
	h.body_size = (uint32_t)in->body_len;
	h.body_crc = (uint32_t)crc32(0, in->body, (uInt)in->body_len);
	h.boot_lba = boot_lba;
	h.n_ext = (uint16_t)n_ext;
	h.sector_size = (uint16_t)t->ss;
	memcpy(g + GAP_HDR_OFF, &h, sizeof(h));
	memcpy(g + h.ext_off, ext, n_ext * sizeof(*ext));
	*out = g;
	*out_len = len;
	return 0;
}
