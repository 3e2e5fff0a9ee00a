/* checks.h: the linux16 checks, pure code over a captured entry state (kernel, host selftest). */
#ifndef L16_CHECKS_H
#define L16_CHECKS_H

#include "report.h"

struct l16_e820 {
	uint64_t base, len;
	uint32_t type;
};
#define L16_MAX_E820 64

/* The 16-bit entry as head.S saved it, what the CPU and BIOS say, and how to read memory. */
struct l16_state {
	uint16_t cs, ip, flags, ds, es, fs, gs, ss, sp;
	uint16_t base_seg;    /* where the real-mode code is (head.S's far return found it) */
	uint32_t setup_sects; /* as the image was built */
	uint16_t msw;	      /* CR0's low word */
	uint32_t idt_base;
	uint16_t idt_limit;
	bool a20;
	uint16_t int12; /* INT 12h: KiB of low memory */
	struct l16_e820 map[L16_MAX_E820];
	int n_map; /* INT 15h E820h's entries, or -1 */
	/* Any byte below 4 GiB by linear address: 0, else an error. */
	int (*peek)(void *ctx, uint32_t lin, void *buf, uint32_t len);
	void *ctx;
};

/* Every check, one PASS/FAIL line each. */
void l16_run_checks(const struct l16_state *st, struct report *r);

#endif
