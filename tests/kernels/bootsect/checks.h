/* checks.h: the boot-sector kernel's checks, pure code over a captured state (kernel, selftest). */
#ifndef BS_CHECKS_H
#define BS_CHECKS_H

#include "report.h"

/* What main.c captured at the entry (sector.S's save area) and asked the BIOS. */
struct bs_state {
	uint16_t cs, ip, flags, ds, es, fs, gs, ss, sp;
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint32_t own_lba; /* where sector.S found this sector on drive DL */
	bool baton;	  /* check baton's promises too (the sector's flags byte) */
	uint16_t msw;	  /* CR0's low word */
	uint32_t idt_base;
	uint16_t idt_limit;
	bool a20;
	/* INT 13h on DL: AH=41h (CF, BX), AH=48h (CF, total sectors). */
	bool ext_cf;
	uint16_t ext_bx;
	bool params_cf;
	uint64_t sectors;
	uint16_t int12; /* INT 12h: KiB of low memory */
	/* Memory by linear address (the IVT, the BDA, 0000:0600, 0000:7C00 as loaded: sector.S
	 * writes nothing there), and one sector of a drive (INT 13h AH=42h): 0, else an error. */
	int (*peek)(void *ctx, uint32_t lin, void *buf, uint32_t len);
	int (*read)(void *ctx, uint8_t drive, uint32_t lba, uint8_t *buf);
	void *ctx;
};

/* Every check, one PASS/FAIL line each; first a line with the drive and LBA found. */
void bs_run_checks(const struct bs_state *st, struct report *r);

#endif
