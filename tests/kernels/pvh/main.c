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
#include "serial.h"

extern uint8_t pvh_boot[], pvh_isr_stubs[];
extern uint8_t _kernel_start[], _file_end[], _bss_end[];
extern uint8_t pvh_entry[];

static struct pvh_state st;
static struct report rep;
/* Our own GDT once the loader's descriptors are recorded: 0x08 code, 0x10 data, flat. */
static uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
static uint64_t idt[32];

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

static void com1_putc(void *ctx, char c)
{
	serial_putc(c);
}

/* Paging is off: every physical address below 4 GiB reads without a fault. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len)
{
	if (!addr || addr > 0xffffffffull || len > 0x100000000ull - addr)
		return NULL;
	return (const void *)(uintptr_t)addr;
}

static __attribute__((noreturn)) void finish(void)
{
	rp_summary(&rep, "pvh");
	debug_exit(rep.failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}

void pvh_trap(const uint32_t *frame)
{
	rp_fail(&rep, "no CPU exception while checking",
		"vector %u, error 0x%x, EIP 0x%x, after \"%s\"", frame[0], frame[1], frame[2],
		rep.last ? rep.last : "(start)");
	finish();
}

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

static void own_tables(void)
{
	struct dtr d = {sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt};

	__asm__ volatile("lgdt %0\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\tmovl %%eax, %%es\n\tmovl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\tmovl %%eax, %%ss\n\t"
			 "ljmp $0x08, $1f\n1:"
			 :
			 : "m"(d)
			 : "eax", "memory");
	for (int v = 0; v < 32; v++) {
		uint32_t h = (uint32_t)(uintptr_t)(pvh_isr_stubs + 16 * v);
		idt[v] = (h & 0xffff) | 0x08ull << 16 | 0x8e00ull << 32 | (uint64_t)(h >> 16) << 48;
	}
	d.limit = sizeof(idt) - 1;
	d.base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
}

void pvh_main(void)
{
	struct dtr g;

	rep.putc = com1_putc;
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
	st.mem = kmem;

	own_tables();
	rp_printf(&rep, "\nbaton pvh conformance kernel at 0x%x-0x%x, EBX 0x%x ESP 0x%x\n",
		  (unsigned)st.kernel.lo, (unsigned)st.kernel.hi, st.ebx, st.esp);
	pvh_run_checks(&st, &rep);
	finish();
}
