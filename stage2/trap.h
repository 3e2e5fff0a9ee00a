/* trap.h: CPU exceptions while baton runs: stubs (trapstub.S), dump (trap.c), platform part. */
#ifndef BATON_TRAP_H
#define BATON_TRAP_H

#include "lib.h"

/* The exceptions (Intel SDM vol. 3, 6.15); the other vectors stay the firmware's. */
#define TRAP_VECTORS 32
#define TRAP_STACK   16384

/* The operand of LGDT, LIDT, SGDT and SIDT in 64-bit mode (SDM vol. 3, 3.5.1, 6.10). */
struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

/* What trapstub.S saves, lowest address first: the registers it pushed, the vector, then the CPU's
 * frame: the error code (only for the vectors that have one), RIP, CS, RFLAGS, RSP, SS. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec;
	uint64_t hw[6];
};

/* trapstub.S: 4-byte stubs for vectors 0-15, a jump to the common path (8 bytes), 16-31. */
extern const char trap_stubs[];
#define trap_stub(v) (trap_stubs + (v)*4 + ((v) >= 16 ? 8 : 0))
void trap_handler(struct trap_frame *f);
extern volatile int trap_depth; /* exceptions being handled: 1 while the dump runs */

/* One 64-bit interrupt gate (SDM 6.14.1) to v's stub, on IST stack ist (0: none). */
void trap_gate(void *idt, int v, uint16_t cs, int ist);
/* The 16-byte GDT descriptor (SDM 8.2.3) at desc of the 104-byte 64-bit TSS at tss. */
void trap_tss_desc(void *desc, const void *tss);

struct trap_place {
	uint64_t base, end; /* baton's image in memory */
	uint64_t link;	    /* the address base has in elf (addr2line's view) */
	const char *elf;    /* the file with baton's symbols, relative to the build */
};

/*
 * The platform's part. trap_plat_begin() fills in where baton is, readies the console for the
 * dump, and says what happens after the countdown ("Returning to the firmware", "Resetting");
 * trap_plat_puts() is the dump's output; trap_plat_leave() does what begin said.
 */
const char *trap_plat_begin(struct trap_place *where);
void trap_plat_puts(const char *s);
__attribute__((noreturn)) void trap_plat_leave(void);

#endif
