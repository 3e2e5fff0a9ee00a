/* elf.h: the baton ELF protocol kernels' layout, entry record and captured state (kernels,
 * selftest). */
#ifndef ELF_H
#define ELF_H

/*
 * elf32.elf: PT_LOAD 0 (marker, entry) linked at ELF32_BOOT_V, loaded at ELF32_BOOT_P, so e_entry
 * is virtual; PT_LOAD 1 (C code, data, bss) linked and loaded at ELF32_KERN.
 * elf64.elf: higher half: PT_LOAD 0 (text) ELF64_TEXT_V -> ELF64_TEXT_P, PT_LOAD 1 (data, bss)
 * ELF64_DATA_V -> ELF64_DATA_P, a different virtual-physical offset than PT_LOAD 0.
 */
#define ELF32_BOOT_V  0xC0200000
#define ELF32_BOOT_P  0x200000
#define ELF32_KERN    0x201000
#define ELF64_TEXT_V  0xffffffff80200000
#define ELF64_TEXT_P  0x200000
#define ELF64_DATA_V  0xffffffff80600000
#define ELF64_DATA_P  0x300000
#define ELF_LOAD_BASE 0x200000 /* the lowest p_paddr of both: tag 21 */

#define ELF_MAGIC 0x36D76289
#define ELF_MARK0 "ELFSEG0!" /* the first 8 bytes of PT_LOAD 0 */
#define ELF_MARK1 "ELFSEG1!" /* ... of PT_LOAD 1 */
#define ELF_TAIL  "ELFTAIL!" /* the last 8 file bytes of PT_LOAD 1 */

/* struct elf_boot offsets: what the entry records before anything else runs (8 bytes each). */
#define B_AX	    0
#define B_BX	    8
#define B_DI	    16
#define B_SI	    24
#define B_SP	    32
#define B_FLAGS	    40
#define B_ENTRY	    48 /* where the entry really ran */
#define B_BSS_BAD   56 /* first non-zero bss byte, 0: none */
#define B_SEL	    64 /* cs ds es fs gs ss, 16 bits each */
#define B_SIZE	    80
#define EARLY_STACK 128

#ifndef __ASSEMBLER__
#include "ckutil.h"

enum { SEL_CS, SEL_DS, SEL_ES, SEL_FS, SEL_GS, SEL_SS, SEL_N };

struct elf_seg {
	uint64_t vaddr, paddr, filesz, memsz;
};

struct elf_state {
	int bits; /* 32: elf32.elf, 64: elf64.elf */
	uint64_t ax, bx, di, si, flags;
	uint64_t cr0, cr3, cr4, efer, fs_base, gs_base;
	uint16_t sel[SEL_N];
	uint64_t desc[SEL_N];
	bool desc_ok[SEL_N];
	uint64_t entry,
	    entry_want; /* where the entry ran, and e_entry as linked (ELF32: translated) */
	uint64_t bss_bad;
	int a20; /* 1: on, 0: addresses wrap at 1 MiB, -1: not probed */
	struct elf_seg seg[2];
	uint64_t text_addr; /* sh_addr of our .text */
	/* Physical memory [addr, addr + len), or NULL when it cannot be read. */
	const void *(*mem)(void *ctx, uint64_t addr, uint64_t len);
	/* A 4 KiB page-table page by physical address (ELF64), or NULL. */
	const void *(*table)(void *ctx, uint64_t pa);
	void *ctx;
};

/* One 4-level walk: physical address, page size, W and X along the way; false: not mapped. */
struct elf_xlate {
	uint64_t pa, size;
	bool w, x;
	int missing; /* 4 = PML4E ... 1 = PTE */
	uint64_t tables[4];
	int n_tables;
};
bool elf_translate(const struct elf_state *st, uint64_t va, struct elf_xlate *x);
/* Is [addr, addr + len) present and identity-mapped? */
bool elf_identity(const struct elf_state *st, uint64_t addr, uint64_t len);
void elf_run_checks(const struct elf_state *st, struct report *r);
#endif

#endif
