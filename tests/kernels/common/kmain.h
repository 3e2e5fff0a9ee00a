/* kmain.h: the conformance kernels' shared run time (kmain.c, ktables.c, isr.S). */
#ifndef CONF_KMAIN_H
#define CONF_KMAIN_H

#include "report.h"

/* The kernel's report, printed on COM1. */
extern struct report k_rep;

/* GDTR/IDTR as SGDT stores and LGDT/LIDT load them. */
struct __attribute__((packed)) k_dtr {
	uint16_t limit;
	uintptr_t base;
};

/* Starts the report on COM1; name goes into the summary line. */
void k_start(const char *name);
/* "BATON-CONFORMANCE <name> done: ..." and the QEMU exit status of the verdict. */
__attribute__((noreturn)) void k_finish(void);
/* A CPU exception while checking (from isr.S): frame = vector, error code, EIP/RIP. */
void k_trap(const uintptr_t *frame);
/* Paging off or an identity map: every physical address below 4 GiB reads as itself. */
const void *k_flat_mem(void *ctx, uint64_t addr, uint64_t len);
/* Our IDT (ktables.c): the 32 exception stubs of isr.S as interrupt gates in code segment cs. */
void k_set_idt(uint16_t cs);
#ifndef __x86_64__
/* Our own flat GDT (ktables.c; 0x08 code, 0x10 data), every segment register reloaded from it. */
void k_own_gdt(void);
/* A20: a byte of ours and its alias 1 MiB away are different memory; *addr: the byte. */
bool k_a20_on(uintptr_t *addr);
#endif

/* LAR / LSL of a selector: false when the descriptor it names is not valid (ZF clear). */
static inline bool k_lar(uint16_t sel, uint32_t *ar)
{
	uintptr_t v = 0;
	uint8_t ok;

	__asm__ volatile("lar %2, %0; setz %1" : "+r"(v), "=q"(ok) : "r"((uintptr_t)sel) : "cc");
	*ar = (uint32_t)v;
	return ok;
}

static inline bool k_lsl(uint16_t sel, uint32_t *limit)
{
	uintptr_t v = 0;
	uint8_t ok;

	__asm__ volatile("lsl %2, %0; setz %1" : "+r"(v), "=q"(ok) : "r"((uintptr_t)sel) : "cc");
	*limit = (uint32_t)v;
	return ok;
}

#endif
