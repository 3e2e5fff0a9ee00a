/* kmain.c: the conformance kernels' shared run time: COM1 report, verdict, traps, memory, A20. */
#include "kmain.h"
#include "serial.h"

struct report k_rep;
static const char *k_name;
#ifndef __x86_64__
static volatile uint8_t a20_probe;
#endif

static void com1_putc(void *ctx, char c)
{
	serial_putc(c);
}

/* Set at run time, not by an initializer: no absolute address in a relocatable image's data. */
void k_start(const char *name)
{
	k_rep.putc = com1_putc;
	k_name = name;
}

void k_finish(void)
{
	rp_summary(&k_rep, k_name);
	debug_exit(k_rep.failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}

#ifdef __x86_64__
#define TRAP_IP "RIP"
#else
#define TRAP_IP "EIP"
#endif

void k_trap(const uintptr_t *frame)
{
	rp_fail(&k_rep, "no CPU exception while checking",
		"vector %lu, error 0x%lx, " TRAP_IP " 0x%lx, after \"%s\"", (unsigned long)frame[0],
		(unsigned long)frame[1], (unsigned long)frame[2],
		k_rep.last ? k_rep.last : "(start)");
	k_finish();
}

const void *k_flat_mem(void *ctx, uint64_t addr, uint64_t len)
{
	if (!addr || addr > 0xffffffffull || len > 0x100000000ull - addr)
		return NULL;
	return (const void *)(uintptr_t)addr;
}

#ifndef __x86_64__
/* Restores both bytes: the alias may be anybody's memory. */
bool k_a20_on(uintptr_t *addr)
{
	volatile uint8_t *a = &a20_probe, *b = (volatile uint8_t *)((uintptr_t)a ^ 0x100000);
	uint8_t sa = *a, sb = *b;
	bool ok;

	*a = 0x55;
	*b = 0xaa;
	ok = *a == 0x55;
	*b = sb;
	*a = sa;
	*addr = (uintptr_t)a;
	return ok;
}
#endif
