/* trap.c: a CPU exception inside baton: the registers on screen and serial, a countdown, out. */
/*
 * Never a silent reset and never a hang: the platform (stage2/efi/trap.c, stage2/bios/trap.c)
 * points vectors 0-31 at trapstub.S's stubs while baton runs; this prints what a developer needs
 * to find the fault (the vector, error code, RIP and where it lies in baton's ELF file for
 * addr2line, the control registers, every general register), counts 10 s down visibly, and
 * leaves as the platform says (UEFI: back to the firmware, or a reset; BIOS: a reset). Output is
 * snfmt into a buffer on this stack (baton's own, see trapstub.S), then trap_plat_puts(): the
 * console where the platform can still use it (UEFI: not above TPL_NOTIFY), else the serial
 * port by its registers; neither takes the heap.
 */
#include "trap.h"
#include "platform.h"
#include "com1.h"
#include "core.h"

/* Intel SDM vol. 3, table 6-1, vectors 0-21; the rest are reserved here. */
static const char names[22][4] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
				  "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "",
				  "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};
/* The vectors whose frame holds an error code: 8, 10-14, 17, 21, 29, 30 (SDM 6.15, AMD APM 8.2). */
#define ERR_VECTORS 0x60227d00u
/* The dump's registers in its order: trap_handler() fills r[] to match. */
static const char reg_names[] =
    "RIPRSPRFLCS SS CR2CR0CR3CR4RAXRBXRCXRDXRSIRDIRBPR8 R9 R10R11R12R13R14R15";

volatile int trap_depth; /* trapstub.S reads it too */

static void __attribute__((format(printf, 1, 2))) out(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	trap_plat_puts(buf);
}

void trap_handler(struct trap_frame *f)
{
	uint64_t r[24];
	unsigned v = (unsigned)f->vec & (TRAP_VECTORS - 1);

	__asm__ volatile("mov %%cr2, %0" : "=r"(r[5])); /* before anything else can fault */
	if (trap_depth++) {
		/* An NMI while the dump runs (the firmware's interrupts IRET, which unblocks NMIs):
		 * carry on with the first. Any other fault here: the handler itself is broken. */
		if (v == 2) {
			trap_depth--;
			return;
		}
		com1_puts("\nbaton: a CPU exception while reporting one; resetting.\n");
		plat_reboot();
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	const uint64_t *hw = f->hw + (ERR_VECTORS >> v & 1); /* RIP, CS, RFLAGS, RSP, SS */
	r[0] = hw[0];
	r[1] = hw[3];
	r[2] = hw[2];
	r[3] = hw[1];
	r[4] = hw[4];
	__asm__ volatile("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2"
			 : "=r"(r[6]), "=r"(r[7]), "=r"(r[8]));
	for (int i = 0; i < 15; i++)
		r[9 + i] = ((const uint64_t *)f)[14 - i];
	/* The frame is read: from here a nested NMI may overwrite it (the firmware's calls may turn
	 * interrupts on, and their IRETs unblock NMIs). */
	bool err = hw != f->hw;
	uint64_t code = f->hw[0];
	struct trap_place w = {0};
	const char *how = trap_plat_begin(&w);

	out("\n\nbaton: CPU exception %u (%s)", v, v < 22 && names[v][0] ? names[v] : "reserved");
	if (err)
		out(", error code 0x%llx", (unsigned long long)code);
	out("\n");
	for (int i = 0; i < 24; i++)
		out("%.3s %016llx%s", reg_names + 3 * i, (unsigned long long)r[i],
		    i % 3 == 2 ? "\n" : "  ");
	if (r[0] >= w.base && r[0] < w.end)
		out("baton is at 0x%llx; RIP - base = 0x%llx (addr2line -e %s 0x%llx)\n",
		    (unsigned long long)w.base, (unsigned long long)(r[0] - w.base), w.elf,
		    (unsigned long long)(r[0] - w.base + w.link));
	else
		out("RIP is outside baton (0x%llx-0x%llx)\n", (unsigned long long)w.base,
		    (unsigned long long)w.end);
	out("%s in 10 s:", how);
	for (int s = 10; s > 0; s--) {
		out(" %d", s);
		for (uint64_t t = plat_time_us(); plat_time_us() - t < 1000000;)
			;
	}
	out("\n");
	trap_plat_leave();
}

void trap_gate(void *idt, int v, uint16_t cs, int ist)
{
	uint64_t a = (uint64_t)(uintptr_t)trap_stub(v);

	/* Offset 15:0, selector, IST, type 0x8e (present, DPL 0, 64-bit interrupt gate: IF cleared
	 * on entry), offset 31:16; then offset 63:32 and 4 reserved bytes. */
	put64((uint8_t *)idt + v * 16, (a & 0xffff) | (uint64_t)cs << 16 | (uint64_t)ist << 32 |
					   0x8eull << 40 | (a & 0xffff0000) << 32);
	put64((uint8_t *)idt + v * 16 + 8, a >> 32);
}

void trap_tss_desc(void *desc, const void *tss)
{
	uint64_t b = (uint64_t)(uintptr_t)tss;

	/* Limit 103 (104 bytes, no I/O bitmap), base 23:0, type 0x89 (present, DPL 0, available
	 * 64-bit TSS, SDM 8.2.3), base 31:24; then base 63:32. */
	put64(desc, 103 | (b & 0xffffff) << 16 | 0x89ull << 40 | (b & 0xff000000) << 32);
	put64((uint8_t *)desc + 8, b >> 32);
}
