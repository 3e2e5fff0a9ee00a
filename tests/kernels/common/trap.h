/* trap.h: run time the bzImage kernels share: a COM1 report, their own IDT for faults, the exit. */
#ifndef CONF_TRAP_H
#define CONF_TRAP_H

#include "report.h"

/* What LGDT/LIDT take and SGDT/SIDT store. */
struct __attribute__((packed)) dtr {
	uint16_t limit;
	uintptr_t base;
};

/* The kernel's report, printing on COM1. */
extern struct report bz_rep;

/*
 * Starts the report and loads our own IDT over the 32 stubs at stubs (bzentry.inc isr_stubs, whose
 * common part calls bz_trap) with code selector cs, so a fault during a check is reported
 * instead of resetting the machine. name: the kernel's, for the summary line.
 */
void bz_runtime_init(const char *name, const char *stubs, uint16_t cs);
/* The frame the stubs leave (vector, error code, IP, ...): a FAIL line, then bz_finish(). */
void bz_trap(const uintptr_t *frame);
/* "BATON-CONFORMANCE NAME done: ..." and the verdict through isa-debug-exit. */
__attribute__((noreturn)) void bz_finish(void);

#endif
