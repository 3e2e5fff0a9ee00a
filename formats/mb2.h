/* mb2.h: the Multiboot 2 information structure builder (Multiboot 2 kernels, plain ELF kernels). */
#ifndef BATON_MB2_H
#define BATON_MB2_H

#include "loadplan.h"
#include "bootinfo.h"
#include "elf.h"

#define MB2_BOOT_MAGIC 0x36D76289u

/* Information tag types (Multiboot2 2.0, 3.6). */
enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FB = 8,
	MB2_TAG_ELF = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_RSDP1 = 14,
	MB2_TAG_RSDP2 = 15,
	MB2_TAG_NET = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE = 21,
};

struct mb2_info {
	int info_seg, mod_seg0, n_mods;
	struct bi_strings str;	 /* "PATH cmdline", loader name, module strings */
	struct elf_sections sec; /* tag 9, when the kernel has section headers */
	int base_seg;		 /* tag 21: the placed address of this segment (-1: none) */
	bool want_fb;
	uint8_t bios_drive; /* tag 5, when nonzero */
	int bios_part;
};

/*
 * Adds the modules (page aligned, in [lo, 4 GiB)) and the info segment to the plan and keeps
 * the strings; the info structure is written by mb2_info_finish() once the memory map is known.
 */
int mb2_info_plan(const struct lp_input *in, struct load_plan *p, struct mb2_info *mi, uint64_t lo);
/* Reads the ELF section headers and unloaded sections for tag 9 (kept in mi). */
int mb2_info_sections(const struct lp_file *k, const struct elf_info *e, struct mb2_info *mi);
void mb2_info_finish(struct load_plan *p, const struct bootenv *env, struct mb2_info *mi);
void mb2_info_free(struct mb2_info *mi);
/* Tag types mb2_info_finish() can provide in this environment (bit n = type n). */
uint32_t mb2_info_provides(bool efi, bool boot_services);

#endif
