/* bios.h: the BIOS platform's internals: real-mode interrupts from long mode, ports, shared state. */
#ifndef BATON_BIOS_H
#define BATON_BIOS_H

#include "ioport.h"
#include "lib.h"
#include "gap.h"

/* Registers for a real-mode interrupt; thunk.S's layout (36 bytes). */
struct bregs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags; /* out: the flags the interrupt returned */
};

/* Runs INT vector in real mode with r's registers; r gets what the BIOS left. */
int bios_call(int vector, struct bregs *r);

#define BIOS_CF 0x01u
#define BIOS_ZF 0x40u

/* Low memory the platform uses for real-mode buffers (below 1 MiB, outside the body). */
#define LOW_BUF	     0x60000u /* 64 KiB: disk bounce buffer, VBE and E820 buffers */
#define LOW_BUF_SIZE 0x10000u
#define PAGE_TABLES  0x70000u /* entry.S: PML4, PDPT, 4 page directories */
#define PAGE_TABLES_END 0x76000u

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* What the gap part (or the CD boot image) handed over: a copy of its header. */
extern struct gap_hdr bios_boot;

void bios_console_init(void);
void bios_time_init(void);
int bios_mem_init(void);
void bios_disks_init(void);
/* The TSC ticks per microsecond, for the gap part's start time. */
uint64_t bios_tsc_per_us(void);

#endif
