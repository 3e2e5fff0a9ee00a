/* entry.S: mb1 kernels' Multiboot 1 header, entry (captures the state, checks and clears bss). */
#include "layout.h"
#include "kasm.h"

#define MAGIC 0x1BADB002
#ifdef MB1_AOUT
#define FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, mem info, a.out kludge */
#elif defined(MB1_VIDEO)
#define FLAGS ((1 << 0) | (1 << 1) | (1 << 2))	/* ... and a video mode */
#else
#define FLAGS ((1 << 0) | (1 << 1))
#endif
#define VIDEO_W 1024
#define VIDEO_H 768
#define VIDEO_D 32

/* Physical address of a symbol of the first (virtually linked) section. */
#define PHYS(x) ((x) - MB1_VOFF)

	.section .mbhead, "ax"
	.code32
/* 3.1.1: 4-aligned within the first 8192 bytes; magic + flags + checksum = 0 (mod 2^32). */
	.balign	4
	.globl	mb1_header
mb1_header:
	.long	MAGIC
	.long	FLAGS
	.long	-(MAGIC + FLAGS)
#ifdef MB1_AOUT
	/* 3.1.3 address fields: load from the header's file offset - (header_addr - load_addr) */
	.long	mb1_header		/* header_addr */
	.long	_load_start		/* load_addr */
	.long	_load_end		/* load_end_addr: the file goes on past it (trailer) */
	.long	_bss_end		/* bss_end_addr */
	.long	mb1_entry		/* entry_addr */
#else
	.long	0, 0, 0, 0, 0
#endif
	/* 3.1.4 graphics fields: mode_type 0 = linear graphics, width, height, depth */
#ifdef MB1_VIDEO
	.long	0, VIDEO_W, VIDEO_H, VIDEO_D
#else
	.long	0, 0, 0, 0
#endif

/*
 * 3.2: EAX magic, EBX info, segments flat, no stack promised. Record everything with absolute
 * physical addresses (mb1_boot is in .data, linked at its physical address), take a small
 * stack in .data to read EFLAGS, then scan bss for non-zero bytes before clearing it.
 */
	.globl	mb1_entry
mb1_entry:
	movl	%esp, mb1_boot + BOOT_ESP
	movl	$mb1_early_stack, %esp
	pushfl
	popl	mb1_boot + BOOT_EFLAGS
	movl	%eax, mb1_boot + BOOT_EAX
	movl	%ebx, mb1_boot + BOOT_EBX
	save_selectors32 (mb1_boot + BOOT_SEL)
	call	1f
1:	popl	mb1_boot + BOOT_ENTRY_GOT	/* where this really runs */
	movl	$PHYS(1b), mb1_boot + BOOT_ENTRY_WANT
	bss_check_clear32 (mb1_boot + BOOT_BSS_BAD)
	movl	$mb1_stack_top, %esp
	movl	$mb1_main, %eax		/* absolute: this section is not where it was linked */
	call	*%eax
	halt_forever

/*
 * .data: the seal (mb1tool writes the image's ranges and their FNV-1a after the link, mb1.h),
 * then what the entry writes, all inside the seal's SEAL_EXCLUDE bytes the hash skips.
 */
	.section .data, "aw"
	.balign	4
	.globl	mb1_seal
mb1_seal:
	.ascii	"MB1SEAL!"
	.fill	SEAL_SIZE - 8, 1, 0
	.globl	mb1_boot
mb1_boot:
	.fill	BOOT_SIZE, 1, 0
	.fill	EARLY_STACK, 1, 0	/* the stack for pushfl/call above, not in bss */
mb1_early_stack:

	.section .bss, "aw", @nobits
	.balign	16
	.skip	MB1_STACK_SIZE
	.globl	mb1_stack_top
mb1_stack_top:

	.section .note.GNU-stack, "", @progbits
