/* handoff.h: the trampoline page's layout, shared by exec.c and handoff.S. */
#ifndef BATON_HANDOFF_H
#define BATON_HANDOFF_H

#define T_CR3	  0
#define T_ENTRY	  8
#define T_REGS	  16 /* rax rbx rcx rdx rsi rdi rbp, 8 bytes each */
#define T_MODE	  72 /* 0: 64-bit long mode, 1: 32-bit protected mode, paging off */
#define T_CS	  80
#define T_DS	  88
#define T_GDTR	  96 /* limit (2 bytes), base (8 bytes) */
#define T_TR	  106 /* 32-bit entry: a TSS selector to load into TR, or 0 (2 bytes) */
#define T_NCOPY	  112
#define T_COPY	  120 /* dst, src, len: 8 bytes each */
#define T_MAXCOPY 16
#define T_GDT	  512  /* 8 descriptors */
#define T_CODE	  1024 /* the trampoline's code */
#define T_PAGE	  4096 /* the page's end: the stack grows down from here */

#ifndef __ASSEMBLER__
extern const char tramp_start[], tramp_end[];
#endif

#endif
