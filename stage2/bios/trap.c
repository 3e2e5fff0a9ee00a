/* trap.c: BIOS: an IDT and a TSS for the CPU exceptions while baton runs in long mode. */
/*
 * Before, long mode ran with no usable IDT (real mode's 0x3ff limit), so any exception or an NMI
 * was a triple fault: a silent reset. Now vectors 0-31 go to trapstub.S, all on a stack of their
 * own (IST 1 of a TSS whose descriptor is entry.S's selector 0x38), so a wild RSP still gets its
 * dump. thunk.S saves the IDTR before each drop to real mode and loads it back on the way up.
 * Off (the hand-off) loads the IDTR found at the start again; TR cannot be emptied (LTR takes no
 * null selector), so it keeps the TSS, unused, until the kernel loads its own. The handler
 * prints to the VGA text buffer and COM1 by their ports (plat_puts), never through a BIOS call:
 * the exception may have hit inside thunk.S. Between thunk.S's paging off and real mode, and
 * back, the IDT is read as a 32-bit one: an exception there still resets the machine.
 */
#include "bios.h"
#include "platform.h"
#include "trap.h"

#define TSS_SEL	 0x38 /* entry.S's GDT */
#define CODE_SEL 0x18

extern const char _start[], __bss_start[]; /* stage2.ld */

static uint8_t idt[TRAP_VECTORS * 16] __attribute__((aligned(16)));
static uint8_t tss[104] __attribute__((aligned(16)));
static uint8_t stack[TRAP_STACK / 2] __attribute__((aligned(16)));
static struct dtr before;
static bool loaded_tr;

void plat_traps(bool enable)
{
	if (!enable) {
		__asm__ volatile("lidt %0" : : "m"(before));
		return;
	}
	if (!loaded_tr) {
		struct dtr g;
		__asm__ volatile("sidt %0; sgdt %1" : "=m"(before), "=m"(g));
		put64(tss + 36, (uint64_t)(uintptr_t)(stack + sizeof(stack))); /* IST1 */
		put16(tss + 102, sizeof(tss));
		trap_tss_desc((uint8_t *)(uintptr_t)g.base + TSS_SEL, tss);
		__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
		for (int v = 0; v < TRAP_VECTORS; v++)
			trap_gate(idt, v, CODE_SEL, 1);
		loaded_tr = true;
	}
	struct dtr d = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(d));
}

/* body.elf is linked where it runs, so RIP is what addr2line wants. */
const char *trap_plat_begin(struct trap_place *w)
{
	w->base = (uint64_t)(uintptr_t)_start;
	w->end = (uint64_t)(uintptr_t)__bss_start;
	w->link = w->base;
	w->elf = "build/bios/body.elf";
	plat_highlight(false);
	return "Resetting";
}

void trap_plat_puts(const char *s)
{
	plat_puts(s);
}

void trap_plat_leave(void)
{
	plat_reboot();
	for (;;)
		__asm__ volatile("hlt");
}
