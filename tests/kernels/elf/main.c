/* main.c: baton ELF protocol kernels (elf32, elf64): capture the entry state, run the checks, exit
 * QEMU. */
/*
 * Expectations come from the command line tag (1), baton convention "PATH ARGS":
 *
 *   /PATH TOKEN... sum=XXXXXXXX
 *
 * PATH            the kernel's path as the config names it; must start with '/'
 * expect.mods=N   exactly N module tags (3); absent: any number, each checked
 * expect.efi=1    booted under UEFI: EFI64 system table (12) and EFI memory map (17) tags,
 *                 boot services ended; expect.efi=0: booted by BIOS, neither tag present
 * expect.rsdp=1   an ACPI RSDP tag (14 or 15); present ones are always checked
 * sum=XXXXXXXX    FNV-1a (fnv1a32, FNV1A_INIT) of the text after PATH's space up to " sum=";
 *                 `build/kernels/mkinitrd --sum TEXT` prints it. Always the last token.
 *
 * Module strings: "PATH seed=N", each module a BTNI file (mkinitrd OUT N LEN) with seed N.
 */
#include "elf.h"
#include "kmain.h"

extern uint8_t elf_boot[], elf_entry[];
extern uint8_t _file_end[], _bss_end[], _text_sec[], _boot_size[], _text_end[];

static struct elf_state st;

#ifdef __x86_64__
/* Loader data is read through the loader's tables: only where they are identity. */
static const void *kmem(void *ctx, uint64_t addr, uint64_t len)
{
	if (!elf_identity(&st, addr, len))
		return NULL;
	return (const void *)(uintptr_t)addr;
}

/* Table pages by their physical address: through the 1:1 map of the first 4 GiB. */
static const void *ktable(void *ctx, uint64_t pa)
{
	return pa < 0x100000000ull ? (const void *)(uintptr_t)pa : NULL;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (uint64_t)hi << 32;
}
#else
static const void *ktable(void *ctx, uint64_t pa)
{
	return NULL;
}
#endif

void elf_main(void)
{
	struct k_dtr g;
	uintptr_t v;

#ifdef __x86_64__
	k_start("elf64");
#else
	k_start("elf32");
#endif
	st.ax = ld64(elf_boot + B_AX), st.bx = ld64(elf_boot + B_BX);
	st.di = ld64(elf_boot + B_DI), st.si = ld64(elf_boot + B_SI);
	st.flags = ld64(elf_boot + B_FLAGS);
	st.entry = ld64(elf_boot + B_ENTRY);
	st.bss_bad = ld64(elf_boot + B_BSS_BAD);
	for (int i = 0; i < SEL_N; i++)
		st.sel[i] = ld16(elf_boot + B_SEL + 2 * i);
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	st.cr0 = v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	st.cr3 = v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	st.cr4 = v;
	__asm__ volatile("sgdt %0" : "=m"(g));
	for (int i = 0; i < SEL_N; i++) {
		uint16_t s = st.sel[i] & ~7;
		st.desc_ok[i] = s && !(st.sel[i] & 4) && s + 7u <= g.limit;
		if (st.desc_ok[i])
			st.desc[i] = ld64((const void *)(g.base + s));
	}
	st.table = ktable;
#ifdef __x86_64__
	st.mem = kmem;
	st.bits = 64;
	st.efer = rdmsr(0xc0000080u);
	st.fs_base = rdmsr(0xc0000100u);
	st.gs_base = rdmsr(0xc0000101u);
	st.a20 = -1;
	st.entry_want = (uintptr_t)elf_entry;
	st.seg[0] =
	    (struct elf_seg){ELF64_TEXT_V, ELF64_TEXT_P, (uintptr_t)_text_end - ELF64_TEXT_V,
			     (uintptr_t)_text_end - ELF64_TEXT_V};
	st.seg[1] =
	    (struct elf_seg){ELF64_DATA_V, ELF64_DATA_P, (uintptr_t)_file_end - ELF64_DATA_V,
			     (uintptr_t)_bss_end - ELF64_DATA_V};
#else
	uintptr_t a20_addr;
	st.mem = k_flat_mem;
	st.bits = 32;
	st.a20 = k_a20_on(&a20_addr);
	st.entry_want = (uintptr_t)elf_entry - ELF32_BOOT_V + ELF32_BOOT_P;
	st.seg[0] = (struct elf_seg){ELF32_BOOT_V, ELF32_BOOT_P, (uintptr_t)_boot_size,
				     (uintptr_t)_boot_size};
	st.seg[1] = (struct elf_seg){ELF32_KERN, ELF32_KERN, (uintptr_t)_file_end - ELF32_KERN,
				     (uintptr_t)_bss_end - ELF32_KERN};
#endif
	st.text_addr = (uintptr_t)_text_sec;
	/* Our IDT, with the loader's CS (its GDT stays where it is: we do not write there). */
	k_set_idt(st.sel[SEL_CS]);
	rp_printf(&k_rep, "\nbaton elf%d conformance kernel, info at 0x%lx, entry SP 0x%lx\n",
		  st.bits, (unsigned long)st.bx, (unsigned long)ld64(elf_boot + B_SP));
	elf_run_checks(&st, &k_rep);
	k_finish();
}
