/* mb2.h: Multiboot 2 conformance kernels: constants, the captured state, the checks' interface. */
#ifndef MB2_H
#define MB2_H

/* Spec 3.1.2 header magic, 3.3 / 3.5 boot magic (EAX). */
#define MB2_HDR_MAGIC  0xE85250D6u
#define MB2_BOOT_MAGIC 0x36D76289u

/* Spec 3.6 boot information tag types. */
#define T_END	    0
#define T_CMDLINE   1
#define T_NAME	    2
#define T_MODULE    3
#define T_MEMINFO   4
#define T_BOOTDEV   5
#define T_MMAP	    6
#define T_VBE	    7
#define T_FB	    8
#define T_ELF	    9
#define T_APM	    10
#define T_EFI32	    11
#define T_EFI64	    12
#define T_SMBIOS    13
#define T_RSDP_OLD  14
#define T_RSDP_NEW  15
#define T_NETWORK   16
#define T_EFI_MMAP  17
#define T_EFI_BS    18
#define T_EFI32_IH  19
#define T_EFI64_IH  20
#define T_LOAD_BASE 21
#define T_MAX	    21

/* Where the i386 kernel is linked and what its relocatable header tag (3.1.13) allows. */
#define MB2_LINK	0x200000
#define MB2_RELOC_MIN	0x200000
#define MB2_RELOC_MAX	0x40000000
#define MB2_RELOC_ALIGN 0x200000
#define MB2_RELOC_PREF	2 /* highest possible address */
/* mb2-efi: ELF64, linked and loaded at a fixed address (EFI memory, allocated by the loader). */
#define MB2_EFI_LINK 0x2000000 /* OVMF keeps firmware data at 12-24 MiB while boot services run */

/* mb2: the framebuffer tag's preferred mode (3.1.10), not OVMF's first mode (1280x800), so a
 * loader that honours it visibly switches. */
#define MB2_FB_WIDTH  800
#define MB2_FB_HEIGHT 600
#define MB2_FB_DEPTH  32

#define MB2_STACK 131072 /* UEFI wants 128 KiB for boot service calls */

/* The seal mb2seal writes into the image after the link (see mb2seal.c). */
#define MB2_SEAL_MAGIC "MB2SEAL!"
#define SEAL_FILESZ    8  /* bytes of the image in the file (loaded) */
#define SEAL_MEMSZ     12 /* bytes in memory (with bss) */
#define SEAL_SUM       16 /* FNV-1a of the file bytes, this seal zeroed */
#define SEAL_SHNUM     20 /* ELF e_shnum */
#define SEAL_SHSTRNDX  24 /* ELF e_shstrndx */
#define SEAL_SHENTSIZE 28 /* ELF e_shentsize */
#define SEAL_SIZE      32

/* Offsets in struct mb2_entry, filled by entry.S (after it scanned and cleared bss). */
#define ENT_EAX	   0
#define ENT_EBX	   4 /* RBX in the EFI entry: 64 bits */
#define ENT_EFLAGS 12
#define ENT_BSSBAD 16 /* first non-zero bss byte's offset + 1, 0 when bss was all zero */
#define ENT_RUN	   20 /* where the image's first byte really is (call/pop) */
#define ENT_RSP	   24 /* EFI: RSP at entry (64 bits) */
#define ENT_SIZE   32

#ifndef __ASSEMBLER__
#include "report.h"

enum mb2_variant { MB2_I386, MB2_EFI64 };

/* One segment register as LAR/LSL (and the GDT, when it is readable) describe it. */
struct mb2_seg {
	uint16_t sel;
	bool lar_ok, lsl_ok;
	uint32_t ar, limit; /* LAR result (access rights in bits 8-23), LSL result */
	bool desc_ok;	    /* the descriptor could be read from the GDT */
	uint64_t desc;
};

/* Everything the checks look at: captured at entry by the kernel, or made up by the selftest. */
struct mb2_state {
	enum mb2_variant variant;
	uint32_t eax;
	uint64_t info; /* EBX (RBX for the EFI entry) */
	uint32_t eflags;
	uint64_t cr0, efer;
	struct mb2_seg seg[6]; /* CS DS ES FS GS SS */
	bool a20_on;
	uint64_t a20_addr;
	/* The image: where it runs, where its seal is, its bss, what the header asked for. */
	uint64_t run;
	uint64_t seal_off, bss_off, bss_size, bss_bad;
	uint32_t requested; /* bit n: tag type n asked for by a required information request */
	bool relocatable;
	uint32_t fb_width, fb_height; /* the framebuffer tag's preferred mode (0: no tag) */
	/* EFI variant: results of boot service calls made by main (status; ~0: not called). */
	uint64_t efi_getmemmap, efi_handleprot;
	uint64_t efi_memmap_count;
	/* Returns where [addr, addr + len) can be read, or NULL when it cannot. */
	const void *(*mem)(void *ctx, uint64_t addr, uint64_t len);
	void *ctx;
};

#define EFI_NOT_CALLED	 (~0ull)
#define EFI_SYSTAB_SIG	 0x5453595320494249ull /* "IBI SYST" */
#define EFI_BOOTSERV_SIG 0x56524553544f4f42ull /* "BOOTSERV" */

/* The tag of a type in the info structure (first one), or NULL; *size gets its size. */
const uint8_t *mb2_tag(const struct mb2_state *st, unsigned type, uint32_t *size);
/* Every check, one PASS/FAIL line each. */
void mb2_run_checks(const struct mb2_state *st, struct report *r);

#endif
#endif
