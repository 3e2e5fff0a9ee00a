/* elf.h: the ELF32/ELF64 executable parser shared by the Multiboot, PVH and plain ELF handlers. */
#ifndef BATON_ELF_H
#define BATON_ELF_H

#include "loadplan.h"

#define ELF_MAX_LOAD 12
#define EM_386	     3
#define EM_X86_64    62
/* Xen's public/elfnote.h: the 32-bit physical entry of a PVH kernel. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

struct elf_seg {
	uint64_t off, vaddr, paddr, filesz, memsz;
	uint32_t flags;
};

struct elf_info {
	int bits; /* 32 or 64 */
	uint16_t machine;
	uint64_t entry; /* e_entry as linked */
	struct elf_seg load[ELF_MAX_LOAD];
	int n_load;
	uint64_t lowest, highest; /* the physical span of the PT_LOADs */
	uint64_t shoff;
	uint32_t shnum, shentsize, shstrndx;
	bool pvh;
	uint32_t pvh_entry;
};

/* True when the head starts with an ELF identification for x86 (class 32 or 64, LSB). */
bool elf_detect(const struct lp_file *f);
/* An ELF file (its magic) that elf_detect() refuses: an error naming why; else 0. */
int elf_damaged(const struct lp_file *f);
/*
 * Parses the ELF header, the program headers (PT_LOAD, and PT_NOTE for the Xen PVH note) and
 * the section header location. Checks what a loader relies on (gABI "Program Header"): loadable
 * segments inside the file, p_filesz <= p_memsz, no two PT_LOADs overlapping in physical memory.
 */
int elf_parse(const struct lp_file *f, struct elf_info *e);
/* e_entry as a physical address: through the PT_LOAD whose virtual range holds it. */
int elf_entry_phys(const struct elf_info *e, uint64_t *pa);
/* Adds one LP_FIXED segment per PT_LOAD at its p_paddr (file bytes, then zeros). */
int elf_add_segments(const struct elf_info *e, struct load_plan *p, uint64_t max);

/*
 * Multiboot's ELF symbols: the section header table and, after it (8-aligned), the bytes of
 * every section no PT_LOAD brings in (sh_addr 0: symbol and string tables, the section names),
 * whose sh_addr is set where they land, as GRUB does.
 */
struct elf_sections {
	uint8_t *buf; /* headers, then the extra sections' bytes */
	uint32_t len, shnum, shentsize, shstrndx;
	bool is64;
	uint16_t moved[64]; /* sections whose sh_addr is an offset in buf until placed */
	uint32_t n_moved;
};
int elf_read_sections(const struct lp_file *k, const struct elf_info *e, struct elf_sections *s);
/* Copies the blob to dst, which the kernel will see at dst_addr, and sets the moved sh_addr. */
void elf_sections_place(const struct elf_sections *s, uint8_t *dst, uint64_t dst_addr);
void elf_sections_free(struct elf_sections *s);

#endif
