/* main.c: linux64 conformance kernel: captures the entry state, runs the checks, exits QEMU. */
#include "checks.h"
#include "serial.h"

/* Filled by startup_64 (entry.S) before anything else runs. */
struct l64_boot {
	uint64_t rsi, rsp;
	uint16_t cs, ds, es, ss;
	uint64_t rflags;
};
extern struct l64_boot l64_boot;
extern const char _pm_start[], _pm_file_end[], l64_isr_stubs[];

static struct l64_state st;
static struct report rep;

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static uint64_t idt[32 * 2] __attribute__((aligned(16)));

static void com1_putc(void *ctx, char c)
{
	serial_putc(c);
}

/* Reads of loader-provided data go through the loader's page tables: only identity-mapped ones. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len, enum l64_access how)
{
	if (how == L64_PHYS && !l64_identity(&st, addr, len))
		return NULL;
	return (const void *)(uintptr_t)addr;
}

/* Our own IDT, so a fault during a check is reported instead of resetting the machine. */
static void setup_idt(void)
{
	uint16_t cs;
	struct dtr d;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < 32; v++) {
		uint64_t h = (uint64_t)(uintptr_t)(l64_isr_stubs + 16 * v);
		idt[2 * v] =
		    (h & 0xffff) | (uint64_t)cs << 16 | 0x8e00ull << 32 | (h >> 16 & 0xffff) << 48;
		idt[2 * v + 1] = h >> 32;
	}
	d.limit = sizeof(idt) - 1;
	d.base = (uint64_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
}

static __attribute__((noreturn)) void finish(void)
{
	rp_summary(&rep, "linux64");
	debug_exit(rep.failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}

void l64_trap(const uint64_t *frame)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	rp_fail(&rep, "no CPU exception while checking",
		"vector %lu, error 0x%lx, RIP 0x%lx, CR2 0x%lx, after \"%s\"", frame[0], frame[1],
		frame[2], cr2, rep.last ? rep.last : "(start)");
	finish();
}

void l64_main(void)
{
	struct dtr g;

	rep.putc = com1_putc;
	setup_idt();
	st.rsi = l64_boot.rsi;
	st.rflags = l64_boot.rflags;
	st.cs = l64_boot.cs, st.ds = l64_boot.ds, st.es = l64_boot.es, st.ss = l64_boot.ss;
	__asm__ volatile("mov %%cr0, %0" : "=r"(st.cr0));
	__asm__ volatile("mov %%cr3, %0" : "=r"(st.cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(st.cr4));
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u)); /* IA32_EFER */
	st.efer = lo | (uint64_t)hi << 32;
	__asm__ volatile("sgdt %0" : "=m"(g));
	st.gdt_base = g.base;
	st.gdt_limit = g.limit;
	st.load = (uint64_t)(uintptr_t)_pm_start; /* RIP-relative: where we really run */
	st.image_size = (uint64_t)(_pm_file_end - _pm_start);
	st.mem = kmem;

	rp_printf(
	    &rep,
	    "\nbaton linux64 conformance kernel at 0x%lx, boot_params 0x%lx, entry RSP 0x%lx\n",
	    st.load, st.rsi, l64_boot.rsp);
	l64_run_checks(&st, &rep);
	finish();
}
