/* checks.h: linux32 checks as pure code over a captured machine state (kernel, host selftest). */
#ifndef L32_CHECKS_H
#define L32_CHECKS_H

#include "zeropage.h"

/* The selectors the checks look at through LAR/LSL, in this order. */
enum { L32_CS, L32_DS, L32_ES, L32_SS, L32_NSEL };

/* The state at the 32-bit entry, and how to read memory. */
struct l32_state {
	/* Captured by startup_32 before anything changed them. */
	uint32_t esi, edi, ebp, ebx, eflags;
	uint16_t sel[L32_NSEL];
	/* Not touched by this kernel before the checks (the loader's GDT is still loaded). */
	uint32_t cr0;
	uint32_t gdt_base;
	uint16_t gdt_limit;
	/* LAR (access rights, masked 0x00f0ff00) and LSL (limit in bytes) of sel[]; ok: ZF set. */
	bool lar_ok[L32_NSEL], lsl_ok[L32_NSEL];
	uint32_t ar[L32_NSEL], limit[L32_NSEL];
	/* This kernel (paging is off: every address below 4 GiB reads). */
	struct bz_image im;
};

/* Every check, one PASS/FAIL line each. */
void l32_run_checks(const struct l32_state *st, struct report *r);

#endif
