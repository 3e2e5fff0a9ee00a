/* checks.h: linux64 checks as pure code over a captured machine state (kernel, host selftest). */
#ifndef L64_CHECKS_H
#define L64_CHECKS_H

#include "zeropage.h"

/* The state at the 64-bit entry, and how to read memory. */
struct l64_state {
	/* Captured by startup_64 before anything changed them. */
	uint64_t rsi, rflags;
	uint16_t cs, ds, es, ss;
	/* Not touched by this kernel before the checks. */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	/* This kernel; its BZ_PHYS reads must be identity-mapped (the kernel checks by a walk). */
	struct bz_image im;
};

/* One page-table walk (4-level paging). */
struct l64_xlate {
	uint64_t pa, page_size;
	bool writable, executable;
	int level_missing; /* 0 when present; 4 = PML4E ... 1 = PTE */
	uint64_t tables[4];
	int n_tables;
};

/* Translates va through CR3; false when not present, not canonical or a table is unreadable. */
bool l64_translate(const struct l64_state *st, uint64_t va, struct l64_xlate *x);
/* Is [addr, addr + len) present and identity-mapped? (The kernel's BZ_PHYS reads use this.) */
bool l64_identity(const struct l64_state *st, uint64_t addr, uint64_t len);
/* Every check, one PASS/FAIL line each. */
void l64_run_checks(const struct l64_state *st, struct report *r);

#endif
