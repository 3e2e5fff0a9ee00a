/* handoff.h: the trampoline page's layout, shared by exec.c and handoff.S. */
#ifndef BATON_HANDOFF_H
#define BATON_HANDOFF_H

#define T_CR3	  0
#define T_ENTRY	  8
#define T_REGS	  16 /* rax rbx rcx rdx rsi rdi rbp, 8 bytes each */
#define T_MODE	  72 /* 0: 64-bit long mode, 1: 32-bit protected mode, paging off, 2: real mode */
#define T_CS	  80
#define T_DS	  88
#define T_GDTR	  96  /* limit (2 bytes), base (8 bytes) */
#define T_TR	  106 /* 32-bit entry: a TSS selector to load into TR, or 0 (2 bytes) */
#define T_NCOPY	  112
#define T_COPY	  120 /* dst, src, len: 8 bytes each */
#define T_MAXCOPY 16
#define T_GDT	  512 /* 8 descriptors */
/*
 * Real mode (T_MODE 2): the entry as `ljmpw *` reads it (IP, then CS), the segment registers,
 * SP, whether to set IF; the trampoline's own way into real mode (offset, then segment: the
 * page's paragraph); and the real-mode IDTR (limit 0x3ff, base 0: the BIOS's IVT).
 */
#define T_R16_IP   576
#define T_R16_CS   578
#define T_R16_DS   580
#define T_R16_ES   582
#define T_R16_FS   584
#define T_R16_GS   586
#define T_R16_SS   588
#define T_R16_SP   590
#define T_R16_STI  592
#define T_R16_JMP  596
#define T_R16_IDTR 600
/* Real mode's selectors in the trampoline's GDT: flat 32-bit code for the way down from long
 * mode, then 16-bit code and data with the page as their base (SDM vol. 3, 9.9.2). */
#define T_SEL32_CS 0x08
#define T_SEL16_CS 0x18
#define T_SEL16_DS 0x20
#define T_CODE	   1024 /* the trampoline's code */
#define T_PAGE	   4096 /* the page's end: the stack grows down from here */

#ifndef __ASSEMBLER__
extern const char tramp_start[], tramp_end[], tramp_real16[];
#endif

#endif
