/* trap.c: UEFI: baton's CPU exception handlers in a copy of the firmware's IDT while baton runs. */
/*
 * Boot services keep running with interrupts on and the firmware's timer in its own IDT, so the
 * firmware's table is copied (every vector as it was) and only vectors 0-31 point at trapstub.S.
 *
 * The stack: an exception from a broken stack (a wild RSP, an overflow) cannot push its frame
 * there and would end as a double fault, then a triple fault: a silent reset. So every exception
 * gate switches to a stack of baton's own (IST 1). The TSS that names it needs a descriptor in
 * the GDT, and the firmware's GDT and TR are not baton's to change: the GDT is copied too (every
 * selector stays valid), a TSS descriptor appended, and TR loaded with it; the TSS starts as a
 * copy of the firmware's, if it has one, so a firmware IST stack a kept vector names stays. Off
 * again, the firmware's GDT, IDT and TR (busy bit cleared, SDM 8.2.3) are loaded back. A
 * firmware without a TSS keeps ours cached in TR, unused (its gates name no IST, nothing runs
 * outside ring 0) until the OS loads its own; the pages are never freed.
 */
#include "efi_priv.h"
#include "platform.h"
#include "trap.h"

/*
 * Vectors the firmware's handlers keep: #VE (20, TDX guests), #HV and #VC (28, 29, AMD SEV-SNP
 * and SEV-ES guests), where the firmware emulates what the hypervisor may not see (port I/O,
 * CPUID, MSRs) and resumes; baton's COM1 writes alone would raise #VC.
 */
#define KEEP	(1u << 20 | 1u << 28 | 1u << 29)
#define TSS_OFF 0xf00 /* in the GDT's page, after room for a 3840-byte GDT */
#define PAGES	(2 + TRAP_STACK / 4096)

static uint8_t *pages; /* the IDT, the GDT copy and TSS, the stack */
static struct dtr fw_idt, fw_gdt;
static uint16_t fw_tr;
static bool on;
/* GNU-EFI's linker script: the image's first byte and the end of its data. */
extern const char ImageBase[] __attribute__((visibility("hidden"))),
    _edata[] __attribute__((visibility("hidden")));
static EFI_TPL trap_tpl;

void plat_traps(bool enable)
{
	if (enable == on)
		return;
	if (!enable) {
		__asm__ volatile("lgdt %0" : : "m"(fw_gdt));
		if (fw_tr) {
			((uint8_t *)(uintptr_t)fw_gdt.base)[(fw_tr & ~7) + 5] &= (uint8_t)~2;
			__asm__ volatile("ltr %0" : : "r"(fw_tr));
		}
		__asm__ volatile("lidt %0" : : "m"(fw_idt));
		on = false;
		return;
	}
	if (!pages) {
		EFI_PHYSICAL_ADDRESS a;
		if (efi_bs->AllocatePages(AllocateAnyPages, EfiLoaderData, PAGES, &a))
			return; /* no handlers: the firmware's own stay */
		pages = (uint8_t *)(uintptr_t)a;
	}
	uint16_t cs;
	__asm__ volatile("sidt %0; sgdt %1; str %2; mov %%cs, %3"
			 : "=m"(fw_idt), "=m"(fw_gdt), "=r"(fw_tr), "=r"(cs));
	if ((size_t)(fw_tr & ~7) + 15 > fw_gdt.limit)
		fw_tr = 0; /* none, or still ours: a firmware without a TSS, after an image ran */
	size_t n = MIN((size_t)fw_idt.limit + 1, (size_t)4096);
	memset(pages, 0, TRAP_VECTORS * 16); /* a firmware IDT shorter than 32 vectors */
	memcpy(pages, (void *)(uintptr_t)fw_idt.base, n);
	int ist = 0;
	size_t g = ((size_t)fw_gdt.limit + 8) & ~(size_t)7; /* where the TSS descriptor goes */
	if (g + 16 <= TSS_OFF) {
		uint8_t *gdt = pages + 4096, *tss = gdt + TSS_OFF;
		memcpy(gdt, (void *)(uintptr_t)fw_gdt.base, g);
		memset(tss, 0, 104);
		if (fw_tr) {
			const uint8_t *d = (const uint8_t *)(uintptr_t)fw_gdt.base + (fw_tr & ~7);
			memcpy(tss,
			       (void *)(uintptr_t)(get16(d + 2) | (uint64_t)d[4] << 16 |
						   (uint64_t)d[7] << 24 |
						   (uint64_t)get32(d + 8) << 32),
			       104);
		}
		put64(tss + 36, (uint64_t)(uintptr_t)(pages + PAGES * 4096)); /* IST1 */
		put16(tss + 102, 104);					      /* no I/O bitmap */
		trap_tss_desc(gdt + g, tss);
		struct dtr d = {(uint16_t)(g + 15), (uint64_t)(uintptr_t)gdt};
		__asm__ volatile("lgdt %0; ltr %w1" : : "m"(d), "r"(g));
		ist = 1;
	}
	for (int v = 0; v < TRAP_VECTORS; v++)
		if (!(KEEP >> v & 1))
			trap_gate(pages, v, cs, ist);
	struct dtr d = {(uint16_t)(MAX(n, (size_t)TRAP_VECTORS * 16) - 1),
			(uint64_t)(uintptr_t)pages};
	__asm__ volatile("lidt %0" : : "m"(d));
	on = true;
}

/*
 * The way out. gBS->Exit() (UEFI 7.4) returns to whoever started baton, which then tries its
 * next boot option, but only when the exception hit at TPL_APPLICATION: above it the firmware
 * was inside a notification or held a lock (its locks raise the TPL), and Exit would jump away
 * from that half-done work. Then ResetSystem is the only clean way. The TPL is read by raising
 * it to TPL_HIGH_LEVEL and restoring it (UEFI 7.1).
 *
 * The dump: the console protocols may be called at TPL_NOTIFY and below (UEFI 7.1, table
 * "TPL Restrictions"), so there it goes where baton's messages go (ConOut, and the serial port
 * as configured); above, ConOut's driver may be the code that was interrupted, so the dump goes
 * to the serial port by its registers alone.
 */
const char *trap_plat_begin(struct trap_place *w)
{
	w->base = (uint64_t)(uintptr_t)ImageBase;
	w->end = (uint64_t)(uintptr_t)_edata;
	w->link = 0; /* BOOTX64.so's addresses are the image's RVAs */
	w->elf = "build/BOOTX64.so";
	trap_tpl = efi_bs->RaiseTPL(TPL_HIGH_LEVEL);
	efi_bs->RestoreTPL(trap_tpl);
	if (trap_tpl <= TPL_NOTIFY)
		plat_highlight(false);
	return trap_tpl <= TPL_APPLICATION ? "Returning to the firmware" : "Resetting";
}

void trap_plat_puts(const char *s)
{
	if (trap_tpl <= TPL_NOTIFY)
		plat_puts(s);
	else
		plat_serial_puts(s);
}

void trap_plat_leave(void)
{
	if (trap_tpl <= TPL_APPLICATION) {
		plat_traps(false);
		efi_bs->Exit(efi_image, EFI_ABORTED, 0, NULL);
	}
	plat_reboot();
	for (;;)
		__asm__ volatile("hlt");
}
