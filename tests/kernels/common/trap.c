/* trap.c: run time the bzImage kernels share: a COM1 report, their own IDT for faults, the exit. */
#include "trap.h"
#include "serial.h"

struct report bz_rep;
static const char *kernel_name;

/* Interrupt gates (Intel SDM vol. 3, 6.14.1 / 6.11): 16 bytes each in long mode, 8 in 32-bit. */
#ifdef __x86_64__
#define GATE_WORDS 2
#else
#define GATE_WORDS 1
#endif
static uint64_t idt[32 * GATE_WORDS] __attribute__((aligned(16)));

static void com1_putc(void *ctx, char c)
{
	serial_putc(c);
}

void bz_runtime_init(const char *name, const char *stubs, uint16_t cs)
{
	struct dtr d;

	kernel_name = name;
	bz_rep.putc = com1_putc;
	for (int v = 0; v < 32; v++) {
		uint64_t h = (uintptr_t)(stubs + 16 * v);
		/* offset 15..0, selector, present DPL 0 interrupt gate, offset 31..16 (63..32). */
		idt[GATE_WORDS * v] =
		    (h & 0xffff) | (uint64_t)cs << 16 | 0x8e00ull << 32 | (h >> 16 & 0xffff) << 48;
#ifdef __x86_64__
		idt[GATE_WORDS * v + 1] = h >> 32;
#endif
	}
	d.limit = sizeof(idt) - 1;
	d.base = (uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
}

void bz_finish(void)
{
	rp_summary(&bz_rep, kernel_name);
	debug_exit(bz_rep.failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}

void bz_trap(const uintptr_t *frame)
{
	uintptr_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	rp_fail(&bz_rep, "no CPU exception while checking",
		"vector %lu, error 0x%lx, IP 0x%lx, CR2 0x%lx, after \"%s\"",
		(unsigned long)frame[0], (unsigned long)frame[1], (unsigned long)frame[2],
		(unsigned long)cr2, bz_rep.last ? bz_rep.last : "(start)");
	bz_finish();
}
