/* main.c: linux32 conformance kernel: captures the 32-bit entry state, runs the checks, exits. */
#include "checks.h"
#include "proto.h"
#include "trap.h"

/* Filled by startup_32 (entry.S, offsets B_* in proto.h) before anything else runs. */
extern uint8_t l32_boot[B_SIZE];
extern const char _pm_start[], _pm_file_end[], l32_isr_stubs[];

static const struct bz_kernel kernel = BZ_KERNEL_VALUES;
static struct l32_state st;

/* Paging is off: every physical address below 4 GiB reads without a fault. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len, enum bz_access how)
{
	if (addr > 0xffffffffull || len > 0x100000000ull - addr)
		return NULL;
	return (const void *)(uintptr_t)addr;
}

/* LAR and LSL of a selector with the loader's GDT (ZF: the CPU accepted it). */
static void lar_lsl(int i)
{
	uint32_t sel = st.sel[i], ar, limit;
	uint8_t ok_ar, ok_limit;

	__asm__ volatile("larl %2, %0; setz %1" : "=r"(ar), "=q"(ok_ar) : "r"(sel) : "cc");
	__asm__ volatile("lsll %2, %0; setz %1" : "=r"(limit), "=q"(ok_limit) : "r"(sel) : "cc");
	st.lar_ok[i] = ok_ar, st.lsl_ok[i] = ok_limit;
	st.ar[i] = ok_ar ? ar & 0x00f0ff00u : 0;
	st.limit[i] = ok_limit ? limit : 0;
}

void l32_main(void)
{
	struct dtr g;

	st.esi = ld32(l32_boot + B_ESI), st.edi = ld32(l32_boot + B_EDI);
	st.ebp = ld32(l32_boot + B_EBP), st.ebx = ld32(l32_boot + B_EBX);
	st.eflags = ld32(l32_boot + B_EFLAGS);
	st.sel[L32_CS] = ld16(l32_boot + B_CS), st.sel[L32_DS] = ld16(l32_boot + B_DS);
	st.sel[L32_ES] = ld16(l32_boot + B_ES), st.sel[L32_SS] = ld16(l32_boot + B_SS);
	for (int i = 0; i < L32_NSEL; i++)
		lar_lsl(i);
	__asm__ volatile("mov %%cr0, %0" : "=r"(st.cr0));
	__asm__ volatile("sgdt %0" : "=m"(g));
	st.gdt_base = g.base;
	st.gdt_limit = g.limit;
	st.im.k = &kernel;
	st.im.load = (uintptr_t)_pm_start; /* from the GOT base: where we really run */
	st.im.image_size = (uintptr_t)(_pm_file_end - _pm_start);
	st.im.mem = kmem;
	bz_runtime_init("linux32", l32_isr_stubs, st.sel[L32_CS]);

	rp_printf(&bz_rep,
		  "\nbaton linux32 conformance kernel (xloadflags 0x%x) at 0x%x, boot_params 0x%x, "
		  "entry ESP 0x%x EFLAGS 0x%x\n",
		  kernel.xloadflags, (unsigned)st.im.load, st.esi, ld32(l32_boot + B_ESP),
		  st.eflags);
	l32_run_checks(&st, &bz_rep);
	bz_finish();
}
