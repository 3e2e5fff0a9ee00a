/* main.c: linux64 conformance kernel: captures the entry state, runs the checks, exits QEMU. */
#include "checks.h"
#include "proto.h"
#include "trap.h"

/* Filled by startup_64 (entry.S) before anything else runs. */
struct l64_boot {
	uint64_t rsi, rsp;
	uint16_t cs, ds, es, ss;
	uint64_t rflags;
};
extern struct l64_boot l64_boot;
extern const char _pm_start[], _pm_file_end[], l64_isr_stubs[];

static const struct bz_kernel kernel = BZ_KERNEL_VALUES;
static struct l64_state st;

/* Reads of loader-provided data go through the loader's page tables: only identity-mapped ones. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len, enum bz_access how)
{
	if (how == BZ_PHYS && !l64_identity(&st, addr, len))
		return NULL;
	return (const void *)(uintptr_t)addr;
}

void l64_main(void)
{
	struct dtr g;

	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	bz_runtime_init("linux64", l64_isr_stubs, cs);
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
	st.im.k = &kernel;
	st.im.load = (uint64_t)(uintptr_t)_pm_start; /* RIP-relative: where we really run */
	st.im.image_size = (uint64_t)(_pm_file_end - _pm_start);
	st.im.mem = kmem;

	rp_printf(
	    &bz_rep,
	    "\nbaton linux64 conformance kernel at 0x%lx, boot_params 0x%lx, entry RSP 0x%lx\n",
	    st.im.load, st.rsi, l64_boot.rsp);
	l64_run_checks(&st, &bz_rep);
	bz_finish();
}
