/* bios.h: the BIOS platform's internals: real-mode interrupts called from long mode. */
#ifndef BATON_BIOS_H
#define BATON_BIOS_H

#include "lib.h"

/* Registers for a real-mode interrupt; thunk.S's layout (36 bytes). */
struct bregs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags; /* out: CF is bit 0 */
};

/* Runs INT vector in real mode with r's registers; r gets what the BIOS left. */
int bios_call(int vector, struct bregs *r);

#define BIOS_CF 1u

#endif
