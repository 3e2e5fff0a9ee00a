/* selftest.c: host test of the linux64 checks: good synthetic boots pass, broken ones fail. */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "proto.h"
#include "zpfake.h"

#ifndef L64_IMAGE
#define L64_IMAGE "build/kernels/linux64.bzImage"
#endif

/* The page tables: PML4, PDPT, PD, and a PT of 4 KiB pages for the kernel's first 2 MiB. */
#define PML4 FK_TABLES
#define PDPT (FK_TABLES + 0x1000)
#define PD   (FK_TABLES + 0x2000)
#define PT   (FK_TABLES + 0x3000)
#define LOAD ((uint64_t)BZ_PREF_ADDRESS)

#define P  0x1ull
#define W  0x2ull
#define PS 0x80ull

static const struct bz_kernel kernel = BZ_KERNEL_VALUES;
static struct l64_state st;

/* The 64-bit entry as a correct loader makes it. */
static void setup(struct fake *f)
{
	st = (struct l64_state){
	    .rsi = FK_ZP,
	    .rflags = 0x2,
	    .cs = BOOT_CS,
	    .ds = BOOT_DS,
	    .es = BOOT_DS,
	    .ss = BOOT_DS,
	    .cr0 = 0x80010033,
	    .cr3 = PML4,
	    .cr4 = 0x668,
	    .efer = 0xd01,
	    .gdt_base = FK_GDT,
	    .gdt_limit = 0x3f,
	};
	/* 2 MiB pages for the first GiB (4 KiB ones for LOAD..+2M), 1 GiB pages to 4 GiB. */
	st64(fk_at(f, PML4), PDPT | P | W);
	st64(fk_at(f, PDPT), PD | P | W);
	for (uint64_t g = 1; g < 4; g++)
		st64(fk_at(f, PDPT + 8 * g), g << 30 | P | W | PS);
	for (uint64_t i = 0; i < 512; i++)
		st64(fk_at(f, PD + 8 * i), i << 21 | P | W | PS);
	st64(fk_at(f, PD + 8 * (LOAD >> 21)), PT | P | W);
	for (uint64_t j = 0; j < 512; j++)
		st64(fk_at(f, PT + 8 * j), (LOAD + (j << 12)) | P | W);
	st64(fk_at(f, FK_GDT + BOOT_CS), 0x00af9a000000ffffull);
}

static void run(struct report *r)
{
	l64_run_checks(&st, r);
}

/* --- the 64-bit entry's own cases --- */

#define MUT(name) static void name(struct fake *f)
MUT(good_1g_page)
{
	st64(fk_at(f, PDPT), 0 | P | W | PS);
}
MUT(good_wp_off_ro_page)
{
	st.cr0 &= ~0x10000ull; /* CR0.WP clear: supervisor writes ignore R/W */
	st64(fk_at(f, PT + 8 * 5), (LOAD + 0x5000) | P);
}
MUT(wrong_cs)
{
	st.cs = 0x08;
}
MUT(if_set)
{
	st.rflags |= 0x200;
}
MUT(wrong_ss)
{
	st.ss = 0;
}
MUT(no_lma)
{
	st.efer &= ~0x400ull;
}
MUT(la57)
{
	st.cr4 |= 0x1000;
}
MUT(cs_desc_32bit)
{
	st64(fk_at(f, FK_GDT + BOOT_CS), 0x00cf9a000000ffffull);
}
MUT(gdt_short)
{
	st.gdt_limit = 0x17;
}
MUT(rsi_zero)
{
	st.rsi = 0;
}
MUT(kernel_page_unmapped)
{
	st64(fk_at(f, PT + 8 * 5), 0);
}
MUT(kernel_page_readonly)
{
	st64(fk_at(f, PT + 8 * 5), (LOAD + 0x5000) | P);
}
MUT(kernel_page_nx)
{
	st64(fk_at(f, PT + 8 * 5), (LOAD + 0x5000) | P | W | 1ull << 63);
}
MUT(kernel_not_identity)
{
	st64(fk_at(f, PT + 8 * 5), (LOAD + 0x6000) | P | W);
}
MUT(zero_page_not_identity)
{
	st64(fk_at(f, PD), 0x200000 | P | W | PS);
}
MUT(initrd_unmapped)
{
	st64(fk_at(f, PD + 8 * (FK_INITRD >> 21)), 0);
}
MUT(tables_in_kernel)
{
	memcpy(fk_at(f, LOAD + 0x200000), fk_at(f, PT), 4096);
	st64(fk_at(f, PD + 8 * (LOAD >> 21)), (LOAD + 0x200000) | P | W);
}
MUT(gdt_in_kernel)
{
	memcpy(fk_at(f, LOAD + 0x300000), fk_at(f, FK_GDT), 0x40);
	st.gdt_base = LOAD + 0x300000;
}

static const struct fk_case cases[] = {
    FK_GOOD(good_1g_page),
    FK_GOOD(good_wp_off_ro_page),
    FK_BAD(wrong_cs, "CS is __BOOT_CS"),
    FK_BAD(if_set, "interrupts disabled"),
    FK_BAD(wrong_ss, "DS, ES and SS"),
    FK_BAD(no_lma, "CPU in 64-bit mode"),
    FK_BAD(la57, "4-level paging"),
    FK_BAD(cs_desc_32bit, "GDT __BOOT_CS"),
    FK_BAD(gdt_short, "GDT __BOOT_DS"),
    FK_BAD(rsi_zero, "RSI holds the zero page"),
    FK_BAD(kernel_page_unmapped, "identity map: kernel"),
    FK_BAD(kernel_page_readonly, "identity map: kernel"),
    FK_BAD(kernel_page_nx, "identity map: kernel"),
    FK_BAD(kernel_not_identity, "identity map: kernel"),
    FK_BAD(zero_page_not_identity, "identity map: zero page"),
    FK_BAD(initrd_unmapped, "identity map: initrd"),
    FK_BAD(tables_in_kernel, "loader GDT and page tables lie outside"),
    FK_BAD(gdt_in_kernel, "loader GDT and page tables lie outside"),
};

static const struct fk_suite suites[] = {FK_SUITE("linux64", L64_IMAGE, &kernel)};

int main(int argc, char **argv)
{
	return fk_main(argc, argv, "linux64-selftest", suites, 1);
}
