/* selftest.c: host test of the linux32 checks on both images: good boots pass, broken ones fail. */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "proto.h"
#include "zpfake.h"

#ifndef L32_DIR
#define L32_DIR "build/kernels"
#endif

#define CS_DESC 0x00cf9a000000ffffull /* flat 32-bit execute/read code, DPL 0 */

/* Built without L32_K64: BZ_* are linux32.bzImage's values; linux32-k64 differs in three. */
static const struct bz_kernel i386_kernel = BZ_KERNEL_VALUES;
static struct bz_kernel k64_kernel;
static struct l32_state st;

/* The 32-bit entry as a correct loader makes it, LAR/LSL as the CPU would answer. */
static void setup(struct fake *f)
{
	st = (struct l32_state){
	    .esi = FK_ZP,
	    .eflags = 0x2,
	    .sel = {BOOT_CS, BOOT_DS, BOOT_DS, BOOT_DS},
	    .cr0 = 0x11,
	    .gdt_base = FK_GDT,
	    .gdt_limit = 0x3f,
	};
	st64(fk_at(f, FK_GDT + BOOT_CS), CS_DESC);
	for (int i = 0; i < L32_NSEL; i++) {
		uint64_t d = ld64(fk_at(f, FK_GDT + st.sel[i]));
		st.lar_ok[i] = st.lsl_ok[i] = true;
		st.ar[i] = (uint32_t)(d >> 32) & 0x00f0ff00u;
		st.limit[i] = 0xffffffffu;
	}
}

static void run(struct report *r)
{
	l32_run_checks(&st, r);
}

/* --- the 32-bit entry's own cases --- */

#define MUT(name) static void name(struct fake *f)
MUT(paging_on)
{
	st.cr0 |= 0x80000000u;
}
MUT(real_mode)
{
	st.cr0 &= ~1u;
}
MUT(if_set)
{
	st.eflags |= 0x200;
}
MUT(wrong_cs)
{
	st.sel[L32_CS] = 0x08;
}
MUT(wrong_es)
{
	st.sel[L32_ES] = 0x20;
}
MUT(cs_desc_64bit)
{
	st64(fk_at(f, FK_GDT + BOOT_CS), 0x00af9a000000ffffull);
}
MUT(cs_desc_based)
{
	st64(fk_at(f, FK_GDT + BOOT_CS), CS_DESC | 1ull << 32); /* base 0x10000 */
}
MUT(ds_desc_16bit)
{
	st64(fk_at(f, FK_GDT + BOOT_DS), 0x008f92000000ffffull);
}
MUT(gdt_short)
{
	st.gdt_limit = 0x17;
}
MUT(gdt_in_kernel)
{
	memcpy(fk_at(f, f->load + 0x300000), fk_at(f, FK_GDT), 0x40);
	st.gdt_base = f->load + 0x300000;
}
MUT(cs_lar_16bit)
{
	st.ar[L32_CS] &= ~(1u << 22);
}
MUT(cs_lsl_1m)
{
	st.limit[L32_CS] = 0xfffff;
}
MUT(ss_lar_16bit)
{
	st.ar[L32_SS] &= ~(1u << 22);
}
MUT(es_lar_readonly)
{
	st.ar[L32_ES] &= ~(1u << 9);
}
MUT(ds_lar_refused)
{
	st.lar_ok[L32_DS] = false;
}
MUT(esi_zero)
{
	st.esi = 0;
}
MUT(ebp_set)
{
	st.ebp = 0x7000;
}
MUT(edi_set)
{
	st.edi = 1;
}
MUT(ebx_set)
{
	st.ebx = 0x9000;
}
MUT(ext_cmdline_set)
{
	st32(fk_at(f, FK_ZP) + ZP_EXT_CMD_LINE_PTR, 1);
}
MUT(efi_memmap_high)
{
	st32(fk_at(f, FK_ZP) + ZP_EFI_INFO + 28, 1);
}

static const struct fk_case cases[] = {
    FK_BAD(paging_on, "paging disabled"),
    FK_BAD(real_mode, "32-bit protected mode"),
    FK_BAD(if_set, "interrupts disabled"),
    FK_BAD(wrong_cs, "CS is __BOOT_CS"),
    FK_BAD(wrong_es, "DS, ES and SS are __BOOT_DS"),
    FK_BAD(cs_desc_64bit, "GDT __BOOT_CS"),
    FK_BAD(cs_desc_based, "GDT __BOOT_CS"),
    FK_BAD(ds_desc_16bit, "GDT __BOOT_DS"),
    FK_BAD(gdt_short, "GDT __BOOT_DS"),
    FK_BAD(gdt_in_kernel, "loader GDT lies outside"),
    FK_BAD(cs_lar_16bit, "CS per LAR/LSL"),
    FK_BAD(cs_lsl_1m, "CS per LAR/LSL"),
    FK_BAD(ss_lar_16bit, "DS, ES and SS per LAR/LSL"),
    FK_BAD(es_lar_readonly, "DS, ES and SS per LAR/LSL"),
    FK_BAD(ds_lar_refused, "DS, ES and SS per LAR/LSL"),
    FK_BAD(esi_zero, "ESI holds the zero page"),
    FK_BAD(ebp_set, "EBP, EDI and EBX are 0"),
    FK_BAD(edi_set, "EBP, EDI and EBX are 0"),
    FK_BAD(ebx_set, "EBP, EDI and EBX are 0"),
    FK_BAD(ext_cmdline_set, "boot data below 4 GiB"),
    FK_BAD(efi_memmap_high, "boot data below 4 GiB"),
};

static const struct fk_suite suites[] = {
    FK_SUITE("linux32", L32_DIR "/linux32.bzImage", &i386_kernel),
    FK_SUITE("linux32-k64", L32_DIR "/linux32-k64.bzImage", &k64_kernel),
};

int main(int argc, char **argv)
{
	k64_kernel = i386_kernel;
	k64_kernel.xloadflags = L32_K64_XLOADFLAGS;
	k64_kernel.kernel_alignment = L32_K64_KERNEL_ALIGNMENT;
	k64_kernel.pref_address = L32_K64_PREF_ADDRESS;
	return fk_main(argc, argv, "linux32-selftest", suites, 2);
}
