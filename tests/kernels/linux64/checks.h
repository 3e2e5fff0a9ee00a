/* checks.h: linux64 checks as pure code over a captured machine state (kernel, host selftest). */
#ifndef L64_CHECKS_H
#define L64_CHECKS_H

#include "report.h"
#include "proto.h"

enum l64_access {
	L64_PHYS,   /* data the loader handed over: must be identity-mapped (kernel: checked by a
		       walk) */
	L64_TABLE,  /* a page-table page, by physical address */
	L64_LINEAR, /* a linear address the CPU itself uses (the GDT) */
};

/* The state at the 64-bit entry, and how to read memory. */
struct l64_state {
	/* Captured by startup_64 before anything changed them. */
	uint64_t rsi, rflags;
	uint16_t cs, ds, es, ss;
	/* Not touched by this kernel before the checks. */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	/* This kernel: where its protected-mode part runs, and its size in the file. */
	uint64_t load;
	uint64_t image_size;
	/* Returns where [addr, addr + len) can be read, or NULL when it cannot. */
	const void *(*mem)(void *ctx, uint64_t addr, uint64_t len, enum l64_access how);
	void *ctx;
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
/* Is [addr, addr + len) present and identity-mapped? (The kernel's L64_PHYS reads use this.) */
bool l64_identity(const struct l64_state *st, uint64_t addr, uint64_t len);
/* Every check, one PASS/FAIL line each. */
void l64_run_checks(const struct l64_state *st, struct report *r);

#endif
