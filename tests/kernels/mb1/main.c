/* main.c: mb1 conformance kernels: capture the Multiboot 1 entry state, run the checks, exit QEMU.
 */
/*
 * Expectations come from the Multiboot command line (info cmdline), baton convention:
 *
 *   PATH TOKEN... sum=XXXXXXXX
 *
 * PATH            the kernel's path; must start with '/' (unless expect.path=0)
 * expect.path=0   do not check PATH (QEMU -kernel passes the host file name as given)
 * expect.mods=N   exactly N modules (flags bit 3 with mods_count N; N=0: none)
 * expect.name=S   boot_loader_name present and beginning with S
 * expect.mmap=1   a memory map (flags bit 6)
 * expect.elfsyms=1 ELF section headers (flags bit 5; mb1-elf only)
 * expect.fb=1     a linear graphics framebuffer (flags bit 12, type 0 or 1)
 * expect.fbmode=1 the framebuffer has the width and height the header's graphics fields ask for
 * expect.bootdev=1 boot_device (flags bit 1)
 * sum=XXXXXXXX    FNV-1a (fnv1a32, FNV1A_INIT) of the text after PATH's space up to " sum=";
 *                 `build/kernels/mkinitrd --sum TEXT` prints it. Always the last token.
 *
 * Absent or =0 tokens demand nothing, but whatever the loader passes is checked.
 * Module strings: "PATH seed=N [...]", each module a BTNI file (mkinitrd OUT N LEN) whose
 * header seed must be N.
 */
#include "mb1.h"
#include "layout.h"
#include "serial.h"

#ifdef MB1_AOUT
#define MB1_NAME "mb1-aout"
#elif defined(MB1_VIDEO)
#define MB1_NAME "mb1-video"
#else
#define MB1_NAME "mb1-elf"
#endif

extern uint8_t mb1_boot[], mb1_seal[], mb1_isr_stubs[], mb1_header[];
extern uint8_t _bss_start[], _bss_end[];

static struct mb1_state st;
static struct report rep;
/* Accessed bits preset: the CPU would set them, changing loaded bytes the image check hashes. */
static uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
static uint64_t idt[32];
static volatile uint8_t a20_probe;

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

static void com1_putc(void *ctx, char c)
{
	serial_putc(c);
}

/* No paging: every physical address below 4 GiB reads without a fault. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len)
{
	if (!addr || addr > 0xffffffffull || len > 0x100000000ull - addr)
		return NULL;
	return (const void *)(uintptr_t)addr;
}

static __attribute__((noreturn)) void finish(void)
{
	rp_summary(&rep, MB1_NAME);
	debug_exit(rep.failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}

void mb1_trap(const uint32_t *frame)
{
	rp_fail(&rep, "no CPU exception while checking",
		"vector %u, error 0x%x, EIP 0x%x, after \"%s\"", frame[0], frame[1], frame[2],
		rep.last ? rep.last : "(start)");
	finish();
}

/* LAR/LSL read the descriptor from the loader's GDT: ZF reports whether it was valid. */
static void probe_selector(int i, uint16_t sel)
{
	uint32_t v = 0;
	uint8_t ok;

	__asm__ volatile("lar %2, %0; setz %1" : "+r"(v), "=q"(ok) : "r"((uint32_t)sel) : "cc");
	st.lar[i] = v, st.lar_ok[i] = ok;
	v = 0;
	__asm__ volatile("lsl %2, %0; setz %1" : "+r"(v), "=q"(ok) : "r"((uint32_t)sel) : "cc");
	st.lsl[i] = v, st.lsl_ok[i] = ok;
}

/* 3.2: "the OS image must create its own GDT as soon as it needs to load any segment register". */
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
		uint32_t h = (uint32_t)(uintptr_t)(mb1_isr_stubs + 16 * v);
		idt[v] = (h & 0xffff) | 0x08ull << 16 | 0x8e00ull << 32 | (uint64_t)(h >> 16) << 48;
	}
	d.limit = sizeof(idt) - 1;
	d.base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
}

/* A20: a byte of ours and its alias 1 MiB away must be different memory. */
static void probe_a20(void)
{
	volatile uint8_t *a = &a20_probe, *b = (volatile uint8_t *)((uintptr_t)a ^ 0x100000);
	uint8_t sa = *a, sb = *b;

	*a = 0x55;
	*b = 0xaa;
	st.a20_ok = *a == 0x55;
	*b = sb;
	*a = sa;
	st.a20_addr = (uint32_t)(uintptr_t)a;
}

void mb1_main(void)
{
	struct dtr g;

	rep.putc = com1_putc;
	st.name = MB1_NAME;
#ifdef MB1_AOUT
	st.elf = false;
#else
	st.elf = true;
#endif
	const uint8_t *hdr = (const uint8_t *)((uintptr_t)mb1_header - MB1_VOFF); /* physical */
	st.header_flags = ld32(hdr + 4);
	st.video_width = ld32(hdr + 36);
	st.video_height = ld32(hdr + 40);
	st.video_depth = ld32(hdr + 44);
	st.eax = ld32(mb1_boot + BOOT_EAX);
	st.ebx = ld32(mb1_boot + BOOT_EBX);
	st.eflags = ld32(mb1_boot + BOOT_EFLAGS);
	st.esp = ld32(mb1_boot + BOOT_ESP);
	for (int i = 0; i < SEG_N; i++) {
		st.sel[i] = ld16(mb1_boot + BOOT_SEL + 2 * i);
		probe_selector(i, st.sel[i]);
	}
	__asm__ volatile("mov %%cr0, %0" : "=r"(st.cr0));
	__asm__ volatile("sgdt %0" : "=m"(g));
	st.gdt_base = g.base, st.gdt_limit = g.limit;
	st.entry_got = ld32(mb1_boot + BOOT_ENTRY_GOT);
	st.entry_want = ld32(mb1_boot + BOOT_ENTRY_WANT);
	st.bss_bad = ld32(mb1_boot + BOOT_BSS_BAD);
	st.kernel_lo = MB1_PHYS;
	st.kernel_hi = (uint32_t)(uintptr_t)_bss_end;
	st.bss_lo = (uint32_t)(uintptr_t)_bss_start;
	st.bss_hi = st.kernel_hi;
	st.seal_addr = (uint32_t)(uintptr_t)mb1_seal;
	st.mem = kmem;

	own_tables();
	probe_a20();
	rp_printf(&rep, "\nbaton %s conformance kernel at 0x%x-0x%x, EAX 0x%x EBX 0x%x ESP 0x%x\n",
		  MB1_NAME, st.kernel_lo, st.kernel_hi, st.eax, st.ebx, st.esp);
	mb1_run_checks(&st, &rep);
	finish();
}
