/* mb1.h: Multiboot 0.6.96 constants, the mb1 kernels' captured entry state and the checks' API. */
#ifndef MB1_H
#define MB1_H

#include "report.h"
#include "layout.h"

/* 3.1.1 the header, 3.2 machine state */
#define MB1_HEADER_MAGIC 0x1BADB002u
#define MB1_BOOT_MAGIC	 0x2BADB002u
#define MB1_HF_ALIGN	 (1u << 0)  /* page-align modules */
#define MB1_HF_MEMINFO	 (1u << 1)  /* mem_* fields required */
#define MB1_HF_VIDEO	 (1u << 2)  /* video mode table */
#define MB1_HF_AOUT	 (1u << 16) /* address fields valid (a.out kludge) */

/* 3.3 the information structure: flag bits and field offsets */
#define MB1_IF_MEM	 (1u << 0)
#define MB1_IF_BOOTDEV	 (1u << 1)
#define MB1_IF_CMDLINE	 (1u << 2)
#define MB1_IF_MODS	 (1u << 3)
#define MB1_IF_AOUT_SYMS (1u << 4)
#define MB1_IF_ELF_SHDR	 (1u << 5)
#define MB1_IF_MMAP	 (1u << 6)
#define MB1_IF_DRIVES	 (1u << 7)
#define MB1_IF_CONFIG	 (1u << 8)
#define MB1_IF_NAME	 (1u << 9)
#define MB1_IF_APM	 (1u << 10)
#define MB1_IF_VBE	 (1u << 11)
#define MB1_IF_FB	 (1u << 12)
#define MI_FLAGS	 0
#define MI_MEM_LOWER	 4
#define MI_MEM_UPPER	 8
#define MI_BOOT_DEVICE	 12
#define MI_CMDLINE	 16
#define MI_MODS_COUNT	 20
#define MI_MODS_ADDR	 24
#define MI_SYMS		 28 /* a.out: tabsize strsize addr; ELF: num size addr shndx */
#define MI_MMAP_LENGTH	 44
#define MI_MMAP_ADDR	 48
#define MI_DRIVES_LENGTH 52
#define MI_DRIVES_ADDR	 56
#define MI_CONFIG_TABLE	 60
#define MI_BOOT_LOADER	 64
#define MI_APM_TABLE	 68
#define MI_VBE_CONTROL	 72
#define MI_VBE_MODE_INFO 76
#define MI_VBE_MODE	 80
#define MI_FB_ADDR	 88
#define MI_FB_PITCH	 96
#define MI_FB_WIDTH	 100
#define MI_FB_HEIGHT	 104
#define MI_FB_BPP	 108
#define MI_FB_TYPE	 109
#define MI_FB_COLOR	 110
#define MI_SIZE		 116

/* The seal: found by its magic in the image, written by mb1tool after the link. */
#define MB1_SEAL_MAGIC	   "MB1SEAL!"
#define MB1_SEAL_MAGIC0	   0x5331424du /* "MB1S" */
#define MB1_SEAL_MAGIC1	   0x214c4145u /* "EAL!" */
#define MB1_SEAL_RANGES	   3
#define SEAL_SUM	   8 /* FNV-1a of the ranges, the seal after its magic read as zero */
#define SEAL_NRANGES	   12
#define SEAL_RANGE	   16 /* MB1_SEAL_RANGES x (paddr, length) */
#define SEAL_SHNUM	   40 /* ELF only: e_shnum, e_shentsize, e_shstrndx */
#define SEAL_SHENTSIZE	   44
#define SEAL_SHSTRNDX	   48
#define SEAL_SHDR_HASH	   52 /* FNV-1a of the section headers' loader-invariant fields */
#define SEAL_SHSTRTAB_HASH 56 /* FNV-1a of .shstrtab's contents */
/* The hash skips [seal + 8, seal + SEAL_EXCLUDE): the seal's fields, then entry.S's mb1_boot and
 * early stack, which the entry writes before the check. */
#define SEAL_EXCLUDE (SEAL_SIZE + BOOT_SIZE + EARLY_STACK)

/* Selector order in the state arrays. */
enum { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, SEG_N };

struct mb1_state {
	const char *name; /* "mb1-elf", "mb1-aout", "mb1-video" */
	bool elf;	  /* ELF image (else a.out kludge) */
	uint32_t header_flags;
	uint32_t video_width, video_height, video_depth; /* the header's mode (0: none asked) */
	/* Registers at entry, captured by entry.S before anything changed them. */
	uint32_t eax, ebx, eflags, esp;
	uint16_t sel[SEG_N];
	uint32_t cr0;
	/* LAR / LSL on each selector (ZF: the descriptor was valid for the instruction). */
	uint32_t lar[SEG_N], lsl[SEG_N];
	bool lar_ok[SEG_N], lsl_ok[SEG_N];
	uint32_t gdt_base;
	uint16_t gdt_limit;
	/* Probes done by main.c. */
	bool a20_ok;
	uint32_t a20_addr;
	uint32_t entry_want, entry_got; /* physical address of the entry label, and where it ran */
	/* This kernel's memory: [kernel_lo, kernel_hi) incl. bss; bss [bss_lo, bss_hi). */
	uint32_t kernel_lo, kernel_hi, bss_lo, bss_hi;
	uint32_t bss_bad; /* first non-zero bss address seen by entry.S, 0 when all zero */
	uint32_t seal_addr;
	/* Returns where [addr, addr + len) can be read, or NULL. */
	const void *(*mem)(void *ctx, uint64_t addr, uint64_t len);
	void *ctx;
};

void mb1_run_checks(const struct mb1_state *st, struct report *r);
/* Hash of the image ranges listed in a seal (the seal's fields read as zero). */
uint32_t mb1_seal_hash(const uint8_t *seal, uint32_t seal_addr,
		       const void *(*mem)(void *, uint64_t, uint64_t), void *ctx, bool *ok);
/* Hash of one ELF32 section header's loader-invariant fields (all but sh_addr/sh_offset for
 * non-SHF_ALLOC sections, whose contents a loader may place anywhere). */
uint32_t mb1_shdr_hash(uint32_t h, const uint8_t *sh);

#endif
