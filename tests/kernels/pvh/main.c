/* main.c: PVH conformance kernel: captures the entry state, runs the checks, exits QEMU. */
/*
 * Expectations come from the start info command line (pvh.pandoc passes it as given):
 *
 *   TOKEN... sum=XXXXXXXX
 *
 * expect.mods=N     exactly N modules (nr_modules); absent: any number, each checked
 * expect.memmap=1   a version >= 1 start info with a non-empty memory map
 * expect.rsdp=1     rsdp_paddr set (checked whenever it is non-zero)
 * expect.modcmd=1   every module has a command line (cmdline_paddr non-zero)
 * sum=XXXXXXXX      FNV-1a (fnv1a32, FNV1A_INIT) of everything before " sum=";
 *                   `build/kernels/mkinitrd --sum TEXT` prints it. Always the last token.
 *
 * Modules are BTNI files (`mkinitrd OUT SEED LEN`); a module command line "PATH seed=N" or
 * "seed=N" names the seed its header must hold.
 */
#include "pvh.h"
#include "kmain.h"

extern uint8_t pvh_boot[];
extern uint8_t _kernel_start[], _file_end[], _bss_end[];
extern uint8_t pvh_entry[];

static struct pvh_state st;

/* The descriptor a selector names in the loader's GDT (or LDT), read before we replace them. */
static bool lookup(uint16_t sel, uint64_t *d)
{
	uint64_t base = st.gdt_base, limit = st.gdt_limit;

	if (sel & 4) { /* TI: the LDT, itself a GDT system descriptor */
		uint64_t ld;
		struct seg s;
		if (!lookup(st.sel[SEL_LDTR] & ~7, &ld))
			return false;
		ck_desc(ld, &s);
		base = s.base, limit = s.limit;
	} else if (!(sel & ~7)) {
		return false; /* the null selector */
	}
	sel &= ~7;
	if (sel + 7ull > limit)
		return false;
	*d = ld64((const void *)(uintptr_t)(base + sel));
	return true;
}

void pvh_main(void)
{
	struct k_dtr g;

	k_start("pvh");
	st.eax = ld32(pvh_boot + B_EAX);
	st.ebx = ld32(pvh_boot + B_EBX);
	st.esp = ld32(pvh_boot + B_ESP);
	st.eflags = ld32(pvh_boot + B_EFLAGS);
	st.cr0 = ld32(pvh_boot + B_CR0);
	st.cr4 = ld32(pvh_boot + B_CR4);
	st.eip = ld32(pvh_boot + B_EIP);
	st.eip_want = (uint32_t)(uintptr_t)pvh_entry;
	st.bss_bad = ld32(pvh_boot + B_BSS_BAD);
	__asm__ volatile("sgdt %0" : "=m"(g));
	st.gdt_base = g.base, st.gdt_limit = g.limit;
	for (int i = 0; i < SEL_N; i++)
		st.sel[i] = ld16(pvh_boot + B_SEL + 2 * i);
	for (int i = 0; i < SEL_N; i++)
		st.desc_ok[i] = i != SEL_LDTR && lookup(st.sel[i], &st.desc[i]);
	st.kernel = (struct range){(uintptr_t)_kernel_start, (uintptr_t)_bss_end};
	st.file_end = (uintptr_t)_file_end;
	st.mem = k_flat_mem;

	/* Our own GDT once the loader's descriptors are recorded: 0x08 code, 0x10 data, flat. */
	k_own_gdt();
	k_set_idt(0x08);
	rp_printf(&k_rep, "\nbaton pvh conformance kernel at 0x%x-0x%x, EBX 0x%x ESP 0x%x\n",
		  (unsigned)st.kernel.lo, (unsigned)st.kernel.hi, st.ebx, st.esp);
	pvh_run_checks(&st, &k_rep);
	k_finish();
}
