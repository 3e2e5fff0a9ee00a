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
 * expect.bootdev=1 boot_device (flags bit 1); =0: none (not a BIOS disk); =XXXXXXXX (8 hex
 *                 digits): exactly this word (drive in the top byte, part1..3, 0xFF unused)
 * sum=XXXXXXXX    FNV-1a (fnv1a32, FNV1A_INIT) of the text after PATH's space up to " sum=";
 *                 `build/kernels/mkinitrd --sum TEXT` prints it. Always the last token.
 *
 * Absent or =0 tokens demand nothing, but whatever the loader passes is checked.
 * Module strings: "PATH seed=N [...]", each module a BTNI file (mkinitrd OUT N LEN) whose
 * header seed must be N.
 */
#include "mb1.h"
#include "layout.h"
#include "kmain.h"

#ifdef MB1_AOUT
#define MB1_NAME "mb1-aout"
#elif defined(MB1_VIDEO)
#define MB1_NAME "mb1-video"
#else
#define MB1_NAME "mb1-elf"
#endif

extern uint8_t mb1_boot[], mb1_seal[], mb1_header[];
extern uint8_t _bss_start[], _bss_end[];

static struct mb1_state st;

void mb1_main(void)
{
	struct k_dtr g;

	k_start(MB1_NAME);
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
	/* LAR/LSL read the descriptors from the loader's GDT, before we replace it. */
	for (int i = 0; i < SEG_N; i++) {
		st.sel[i] = ld16(mb1_boot + BOOT_SEL + 2 * i);
		st.lar_ok[i] = k_lar(st.sel[i], &st.lar[i]);
		st.lsl_ok[i] = k_lsl(st.sel[i], &st.lsl[i]);
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
	st.mem = k_flat_mem;

	/* 3.2: "the OS image must create its own GDT as soon as it needs to load any segment
	 * register". */
	k_own_gdt();
	k_set_idt(0x08);
	uintptr_t a20_addr;
	st.a20_ok = k_a20_on(&a20_addr);
	st.a20_addr = (uint32_t)a20_addr;
	rp_printf(&k_rep,
		  "\nbaton %s conformance kernel at 0x%x-0x%x, EAX 0x%x EBX 0x%x ESP 0x%x\n",
		  MB1_NAME, st.kernel_lo, st.kernel_hi, st.eax, st.ebx, st.esp);
	mb1_run_checks(&st, &k_rep);
	k_finish();
}
