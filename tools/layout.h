/* layout.h: the installer's decisions about a disk: where each part of baton goes. */
#ifndef BATON_LAYOUT_H
#define BATON_LAYOUT_H

#include "gap.h"
#include "install.h"

struct inst_opts {
	bool bios, uefi, force, reg;
	int boot_part;	     /* --boot-part N, or 0 */
	const char *esp_dir; /* --esp DIR */
	const char *undo;    /* --undo FILE */
	const char *from; /* --from DIR: where mbr.bin, bios-gap.bin, bios.bin, BOOTX64.EFI are */
	uint32_t ss;	  /* --sector-size N */
	const char *target;
};

/* The build's files that go onto the disk. */
struct inputs {
	char mbr_path[PATH_MAX], gap_path[PATH_MAX], body_path[PATH_MAX], efi_path[PATH_MAX];
	uint8_t *mbr, *gap, *body, *efi;
	size_t mbr_len, gap_len, body_len, efi_len;
};

struct bios_plan {
	char why[900];	/* when it cannot be done */
	bool forceable; /* --force would do it */
	uint64_t gsec;	/* the gap part's sectors */
	uint64_t gap_lba;
	char gap_where[120];
	bool gap_foreign, gap_ours;
	struct volume *body_vol;
	const char *body_why, *body_fs;
	bool on_esp;
	char body_path[64];
};

struct uefi_plan {
	char why[600];
	struct volume *esp; /* on the disk, or NULL with dir */
	const char *dir;    /* --esp DIR */
};

/* A VBR-like sector 0 (FAT, NTFS, exFAT boot sector): its kind, or NULL. */
const char *vbr_kind(const uint8_t *s);
/* 0 and a plan, or -1 with the reason in bp->why. */
int bios_check(struct target *t, const struct inst_opts *o, const struct inputs *in,
	       struct bios_plan *bp);
int uefi_check(struct target *t, const struct inst_opts *o, struct uefi_plan *up);
int stage1_code(const struct inputs *in, uint64_t gap_lba, uint64_t gsec, uint8_t code[440]);
int gap_image(struct target *t, const struct inputs *in, uint64_t boot_lba,
	      const struct gap_ext *ext, int n_ext, uint8_t **out, size_t *out_len);

#endif
