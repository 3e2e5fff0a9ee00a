/* rm16.h: real-mode support for the 16-bit conformance kernels (bootsect, linux16): BIOS calls. */
#ifndef CONF_RM16_H
#define CONF_RM16_H

#include "util.h"

/*
 * Registers in and out of a BIOS interrupt (rm16.S's layout). C compiled with gcc -m16 runs
 * with DS = SS = ES (pointers are offsets in that segment); ds and es here are what the BIOS
 * gets and leaves, the C segments are restored after the call.
 */
struct rmregs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags; /* out: CF is bit 0 */
};
#define RM_CF 1u

/* INT vec through the IVT (FLAGS pushed, IF cleared, as INT does). */
void rm_int(int vec, struct rmregs *r);

/* The segment C's pointers are offsets in (DS = SS). */
static inline uint16_t rm_ds(void)
{
	uint16_t v;

	__asm__ volatile("movw %%ds, %0" : "=r"(v));
	return v;
}

/* The linear address of a C object. */
static inline uint32_t rm_lin(const void *p)
{
	return (uint32_t)rm_ds() * 16 + (uint32_t)(uintptr_t)p;
}

/* Bytes at any linear address below 4 GiB: below 1 MiB through a segment register, above
 * through INT 15h AH=87h (the BIOS's block move). */
int rm_peek(uint32_t lin, void *buf, uint32_t len);
/* One sector of drive through INT 13h AH=42h: 0, or the BIOS status (AH), or -1. */
int rm_disk_read(uint8_t drive, uint32_t lba, void *buf);
/* The E820 map through INT 15h EAX=E820h: entries (base, length, type; 20 bytes each). */
struct rm_e820 {
	uint64_t base, len;
	uint32_t type;
};
int rm_e820_map(struct rm_e820 *out, int max);
/* Is the A20 gate on: do 0000:0500 and FFFF:0510 (1 MiB higher) differ when one changes? */
bool rm_a20(void);
/* CR0's low word (SMSW works in real mode), the IDTR (SIDT). */
uint16_t rm_msw(void);
void rm_sidt(uint32_t *base, uint16_t *limit);

#endif
