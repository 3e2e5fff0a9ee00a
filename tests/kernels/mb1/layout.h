/* layout.h: where the mb1 kernels are linked and loaded (shared by entry.S, the linker script,
 * main.c). */
#ifndef MB1_LAYOUT_H
#define MB1_LAYOUT_H

/*
 * mb1-elf / mb1-video: the first PT_LOAD (header and entry) is linked at virtual
 * MB1_PHYS + MB1_VOFF and loaded at physical MB1_PHYS (p_paddr), as GNU Mach does; the rest
 * is linked at its physical address so the C code runs without paging.
 * mb1-aout: one flat image, linked and loaded at MB1_PHYS, MB1_VOFF 0.
 */
#ifdef MB1_AOUT
#define MB1_PHYS 0x400000
#define MB1_VOFF 0
#else
#define MB1_PHYS 0x200000
#define MB1_VOFF 0xC0000000
#endif

#define MB1_STACK_SIZE 16384

/* struct mb1_boot offsets (entry.S fills it before anything else runs). */
#define BOOT_EAX	0
#define BOOT_EBX	4
#define BOOT_EFLAGS	8
#define BOOT_ESP	12
#define BOOT_SEL	16 /* cs ds es fs gs ss, 16 bits each */
#define BOOT_ENTRY_GOT	28
#define BOOT_ENTRY_WANT 32
#define BOOT_BSS_BAD	36
#define BOOT_SIZE	40
#define SEAL_SIZE	60 /* the seal in .data (fields: mb1.h), mb1_boot right after it */
#define EARLY_STACK	64 /* in .data after mb1_boot: used before bss is checked */

#endif
