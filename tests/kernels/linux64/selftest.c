/* selftest.c: host test of the linux64 checks: good synthetic boots pass, broken ones fail. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checks.h"

#ifndef L64_IMAGE
#define L64_IMAGE "build/kernels/linux64.bzImage"
#endif

/* Fake physical memory and where the synthetic loader put things in it. */
#define ZP	 0x7000ull
#define CMD	 0x8000ull
#define GDT	 0x9000ull
#define SYSTAB	 0xa000ull
#define CFGTAB	 0xa100ull
#define MMAP	 0xb000ull
#define RSDP	 0xe0000ull
#define PML4	 0x100000ull
#define PDPT	 0x101000ull
#define PD	 0x102000ull
#define PT	 0x103000ull /* 4 KiB pages for the kernel's first 2 MiB */
#define LOAD	 ((uint64_t)L64_PREF_ADDRESS)
#define INITRD	 0x1800000ull
#define MEM_SIZE (LOAD + 0x1000000)
#define N_DESC	 10

#define P  0x1ull
#define W  0x2ull
#define PS 0x80ull

static uint8_t *image;
static size_t image_len;

struct machine {
	uint8_t *m;
	struct l64_state st;
};

static const void *fmem(void *ctx, uint64_t addr, uint64_t len, enum l64_access how)
{
	struct machine *mc = ctx;

	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return NULL;
	return mc->m + addr;
}

static uint8_t *at(struct machine *mc, uint64_t a)
{
	return mc->m + a;
}

static void set_cmdline(struct machine *mc, const char *tokens)
{
	char *c = (char *)at(mc, CMD);

	snprintf(c, 0x800, "%s sum=%08x", tokens, fnv1a32(FNV1A_INIT, tokens, strlen(tokens)));
}

static uint64_t put_btni(struct machine *mc, uint64_t a, uint32_t seed, uint32_t len)
{
	uint8_t *p = at(mc, a);
	uint32_t s = btni_state(seed), v = 0;

	memcpy(p, BTNI_MAGIC, 4);
	st32(p + 4, seed);
	st32(p + 8, len);
	st32(p + 12, 0);
	for (uint32_t i = BTNI_HDR; i < len; i++) {
		if ((i - BTNI_HDR) % 4 == 0)
			v = xorshift32(&s);
		p[i] = (uint8_t)(v >> 8 * ((i - BTNI_HDR) % 4));
	}
	return a + len;
}

static void systab_crc(struct machine *mc)
{
	uint8_t *t = at(mc, SYSTAB);

	st32(t + 16, 0);
	st32(t + 16, crc32_ieee(t, 120));
}

static void put_rsdp(struct machine *mc, uint64_t a)
{
	uint8_t *r = at(mc, a);

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BATON ", 6);
	r[15] = 2;
	st32(r + 16, 0x7ff0000);
	st32(r + 20, 36);
	st64(r + 24, 0x7ff0100);
	uint8_t s = 0;
	for (int i = 0; i < 20; i++)
		s += r[i];
	r[8] = (uint8_t)-s;
	s = 0;
	for (int i = 0; i < 36; i++)
		s += r[i];
	r[32] = (uint8_t)-s;
}

static void put_e820(uint8_t *bp, int i, uint64_t base, uint64_t len, uint32_t type)
{
	uint8_t *e = bp + ZP_E820_TABLE + i * ZP_E820_ENTRY;

	st64(e, base);
	st64(e + 8, len);
	st32(e + 16, type);
}

static void put_efi_desc(struct machine *mc, int i, uint32_t type, uint64_t start, uint64_t pages)
{
	uint8_t *d = at(mc, MMAP + i * 48);

	st32(d, type);
	st64(d + 8, start);
	st64(d + 16, start);
	st64(d + 24, pages);
	st64(d + 32, 0xf);
}

/* A machine as a correct loader leaves it, with the built bzImage loaded at pref_address. */
static void build(struct machine *mc)
{
	uint8_t *bp;

	memset(mc->m, 0, MEM_SIZE);
	mc->st = (struct l64_state){
	    .rsi = ZP,
	    .rflags = 0x2,
	    .cs = BOOT_CS,
	    .ds = BOOT_DS,
	    .es = BOOT_DS,
	    .ss = BOOT_DS,
	    .cr0 = 0x80010033,
	    .cr3 = PML4,
	    .cr4 = 0x668,
	    .efer = 0xd01,
	    .gdt_base = GDT,
	    .gdt_limit = 0x3f,
	    .load = LOAD,
	    .image_size = image_len - 0xa00,
	    .mem = fmem,
	    .ctx = mc,
	};
	/* Page tables: 2 MiB pages for the first GiB (4 KiB ones for LOAD..+2M), 1 GiB pages to 4
	 * GiB. */
	st64(at(mc, PML4), PDPT | P | W);
	st64(at(mc, PDPT), PD | P | W);
	for (uint64_t g = 1; g < 4; g++)
		st64(at(mc, PDPT + 8 * g), g << 30 | P | W | PS);
	for (uint64_t i = 0; i < 512; i++)
		st64(at(mc, PD + 8 * i), i << 21 | P | W | PS);
	st64(at(mc, PD + 8 * (LOAD >> 21)), PT | P | W);
	for (uint64_t j = 0; j < 512; j++)
		st64(at(mc, PT + 8 * j), (LOAD + (j << 12)) | P | W);
	st64(at(mc, GDT + BOOT_CS), 0x00af9a000000ffffull);
	st64(at(mc, GDT + BOOT_DS), 0x00cf92000000ffffull);

	/* boot.rst 64-bit protocol: zeroed boot_params, the header copied from 0x1f1 to its end. */
	bp = at(mc, ZP);
	memcpy(bp + H_SETUP_SECTS, image + H_SETUP_SECTS, 0x202 + image[0x201] - H_SETUP_SECTS);
	memcpy(at(mc, LOAD), image + 0xa00, image_len - 0xa00);
	bp[H_TYPE_OF_LOADER] = 0xff;
	st32(bp + H_CMD_LINE_PTR, CMD);
	set_cmdline(mc,
		    "baton.test=linux64 initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=1");
	/* Two initrds, the second at the next 4-byte boundary (3 bytes of zero padding). */
	uint64_t end = put_btni(mc, INITRD, 11, 10001);
	end = put_btni(mc, (end + 3) & ~3ull, 22, 3001);
	st32(bp + H_RAMDISK_IMAGE, INITRD);
	st32(bp + H_RAMDISK_SIZE, (uint32_t)(end - INITRD));

	bp[ZP_E820_ENTRIES] = 5;
	put_e820(bp, 0, 0, 0x9f000, 1);
	put_e820(bp, 1, 0x9f000, 0x61000, 2);
	put_e820(bp, 2, 0x100000, 0x7ef0000, 1);
	put_e820(bp, 3, 0x7ff0000, 0x10000, 3);
	put_e820(bp, 4, 0xffc00000, 0x400000, 2);

	uint8_t *ei = bp + ZP_EFI_INFO;
	memcpy(ei, "EL64", 4);
	st32(ei + 4, SYSTAB);
	st32(ei + 8, 48);
	st32(ei + 12, 1);
	st32(ei + 16, MMAP);
	st32(ei + 20, N_DESC * 48);
	put_efi_desc(mc, 0, 7, 0, 7);
	put_efi_desc(mc, 1, 2, 0x7000, 9); /* zero page, cmdline, GDT, systab, memmap */
	put_efi_desc(mc, 2, 4, 0x10000, 0x8f);
	put_efi_desc(mc, 3, 7, 0x100000, (INITRD - 0x100000) / 4096);
	put_efi_desc(mc, 4, 1, LOAD, 0x800); /* kernel (room for a load 2 MiB higher too) */
	put_efi_desc(mc, 5, 2, INITRD, 0x20);
	put_efi_desc(mc, 6, 7, INITRD + 0x20000, (LOAD - INITRD - 0x20000) / 4096);
	put_efi_desc(mc, 7, 7, LOAD + 0x800000, (0x7ff0000 - LOAD - 0x800000) / 4096);
	put_efi_desc(mc, 8, 9, 0x7ff0000, 0x10);
	put_efi_desc(mc, 9, 11, 0xffc00000, 0x400);

	uint8_t *t = at(mc, SYSTAB);
	st64(t, 0x5453595320494249ull);
	st32(t + 8, 0x20046);
	st32(t + 12, 120);
	st64(t + 88, 0x7e000000); /* RuntimeServices */
	st64(t + 104, 1);
	st64(t + 112, CFGTAB);
	static const uint8_t acpi20[16] = {0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					   0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81};
	memcpy(at(mc, CFGTAB), acpi20, 16);
	st64(at(mc, CFGTAB + 16), RSDP);
	systab_crc(mc);
	put_rsdp(mc, RSDP);
	st64(bp + ZP_ACPI_RSDP_ADDR, RSDP);

	/* A GOP framebuffer, as zero-page.rst / screen_info.h describe VIDEO_TYPE_EFI. */
	bp[0x0f] = 0x70;
	st16(bp + 0x12, 1280);
	st16(bp + 0x14, 800);
	st16(bp + 0x16, 32);
	st32(bp + 0x18, 0x80000000);
	st32(bp + 0x1c, 1280 * 4 * 800);
	st16(bp + 0x24, 1280 * 4);
	bp[0x26] = 8, bp[0x27] = 16, bp[0x28] = 8, bp[0x29] = 8, bp[0x2a] = 8, bp[0x2b] = 0;
	bp[0x2c] = 8, bp[0x2d] = 24;
}

static uint8_t *zpg(struct machine *mc)
{
	return at(mc, ZP);
}

/* --- mutations: good variants first (expected: no FAIL), then broken ones --- */

#define MUT(name) static void name(struct machine *mc)
MUT(good)
{
}
MUT(good_no_fb)
{
	memset(zpg(mc), 0, 0x40);
	set_cmdline(mc, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}
MUT(good_fb_unexpected)
{
	set_cmdline(mc, "initrds=2 initrd.seeds=11,22 expect.fb=0");
}
MUT(good_no_initrd)
{
	st32(zpg(mc) + H_RAMDISK_IMAGE, 0);
	st32(zpg(mc) + H_RAMDISK_SIZE, 0);
	set_cmdline(mc, "initrds=0 expect.fb=1");
}
MUT(good_relocated)
{
	mc->st.load = LOAD + 0x200000;
	memcpy(at(mc, mc->st.load), image + 0xa00, image_len - 0xa00);
	set_cmdline(mc, "initrds=2 initrd.seeds=11,22 expect.pref=0 expect.fb=1");
}
MUT(good_1g_page)
{
	st64(at(mc, PDPT), 0 | P | W | PS);
}
MUT(good_fb_above_4g)
{
	st32(zpg(mc) + 0x3a, 0x80);
	st32(zpg(mc) + 0x36, 2);
}
MUT(good_wp_off_ro_page)
{
	mc->st.cr0 &= ~0x10000ull; /* CR0.WP clear: supervisor writes ignore R/W */
	st64(at(mc, PT + 8 * 5), (LOAD + 0x5000) | P);
}

MUT(wrong_cs)
{
	mc->st.cs = 0x08;
}
MUT(if_set)
{
	mc->st.rflags |= 0x200;
}
MUT(wrong_ss)
{
	mc->st.ss = 0;
}
MUT(no_lma)
{
	mc->st.efer &= ~0x400ull;
}
MUT(la57)
{
	mc->st.cr4 |= 0x1000;
}
MUT(cs_desc_32bit)
{
	st64(at(mc, GDT + BOOT_CS), 0x00cf9a000000ffffull);
}
MUT(ds_desc_readonly)
{
	st64(at(mc, GDT + BOOT_DS), 0x00cf90000000ffffull);
}
MUT(ds_desc_based)
{
	st64(at(mc, GDT + BOOT_DS), 0x01cf92000000ffffull);
}
MUT(gdt_short)
{
	mc->st.gdt_limit = 0x17;
}
MUT(rsi_zero)
{
	mc->st.rsi = 0;
}
MUT(hdr_xloadflags)
{
	zpg(mc)[H_XLOADFLAGS] = 1;
}
MUT(hdr_version)
{
	st16(zpg(mc) + H_VERSION, 0x020c);
}
MUT(hdr_syssize)
{
	st32(zpg(mc) + H_SYSSIZE, ld32(zpg(mc) + H_SYSSIZE) - 1);
}
MUT(hdr_init_size)
{
	st32(zpg(mc) + H_INIT_SIZE, 0x100000);
}
MUT(hdr_magic)
{
	zpg(mc)[H_HEADER] = 'h';
}
MUT(hdr_kernel_alignment)
{
	st32(zpg(mc) + H_KERNEL_ALIGNMENT, 0x400000);
}
MUT(type_of_loader_0)
{
	zpg(mc)[H_TYPE_OF_LOADER] = 0;
}
MUT(loaded_high_cleared)
{
	zpg(mc)[H_LOADFLAGS] = 0;
}
MUT(vid_mode_0)
{
	st16(zpg(mc) + H_VID_MODE, 0);
}
MUT(sentinel_set)
{
	zpg(mc)[ZP_SENTINEL] = 0xff;
}
MUT(header_overcopied)
{
	memcpy(zpg(mc) + L64_HDR_END, image + L64_HDR_END, ZP_HDR_PAD_END - L64_HDR_END);
}
MUT(tboot_set)
{
	st64(zpg(mc) + ZP_TBOOT_ADDR, 0x1234000);
}
MUT(setup_data_loop)
{
	st64(zpg(mc) + H_SETUP_DATA, 0x6000);
	st64(at(mc, 0x6000), 0x6000);
	st32(at(mc, 0x6008), 1);
}
MUT(cmdline_changed)
{
	at(mc, CMD)[1] ^= 0x20;
}
MUT(cmdline_unterminated)
{
	memset(at(mc, CMD), 'a', 0x900);
}
MUT(cmdline_ptr_zero)
{
	st32(zpg(mc) + H_CMD_LINE_PTR, 0);
}
MUT(cmdline_in_zero_page)
{
	strcpy((char *)zpg(mc) + 0xf00, (char *)at(mc, CMD));
	st32(zpg(mc) + H_CMD_LINE_PTR, ZP + 0xf00);
}
MUT(initrd_byte_flipped)
{
	at(mc, INITRD + 5000)[0] ^= 1;
}
MUT(initrd_misordered)
{
	set_cmdline(mc, "initrds=2 initrd.seeds=22,11 expect.pref=1 expect.fb=1");
}
MUT(initrd_padding_dirty)
{
	at(mc, INITRD + 10001)[0] = 0xaa;
}
MUT(initrd_size_short)
{
	st32(zpg(mc) + H_RAMDISK_SIZE, ld32(zpg(mc) + H_RAMDISK_SIZE) - 1);
}
MUT(initrd_missing)
{
	st32(zpg(mc) + H_RAMDISK_IMAGE, 0);
	st32(zpg(mc) + H_RAMDISK_SIZE, 0);
}
MUT(initrd_no_token)
{
	set_cmdline(mc, "expect.pref=1 expect.fb=1");
}
MUT(initrd_above_max)
{
	st32(zpg(mc) + ZP_EXT_RAMDISK_IMAGE, 1);
}
MUT(initrd_unaligned)
{
	uint32_t n = ld32(zpg(mc) + H_RAMDISK_SIZE);
	memmove(at(mc, INITRD + 4), at(mc, INITRD), n);
	st32(zpg(mc) + H_RAMDISK_IMAGE, INITRD + 4);
}
MUT(initrd_in_kernel)
{
	uint32_t n = ld32(zpg(mc) + H_RAMDISK_SIZE);
	memcpy(at(mc, LOAD + 0x100000), at(mc, INITRD), n);
	st32(zpg(mc) + H_RAMDISK_IMAGE, LOAD + 0x100000);
}
MUT(e820_overlap)
{
	zpg(mc)[ZP_E820_ENTRIES] = 6;
	put_e820(zpg(mc), 5, 0x7fe0000, 0x20000, 2);
}
MUT(e820_kernel_reserved)
{
	put_e820(zpg(mc), 2, 0x100000, 0x7ef0000, 2);
}
MUT(e820_empty)
{
	zpg(mc)[ZP_E820_ENTRIES] = 0;
}
MUT(e820_bad_type)
{
	put_e820(zpg(mc), 4, 0xffc00000, 0x400000, 99);
}
MUT(kernel_page_unmapped)
{
	st64(at(mc, PT + 8 * 5), 0);
}
MUT(kernel_page_readonly)
{
	st64(at(mc, PT + 8 * 5), (LOAD + 0x5000) | P);
}
MUT(kernel_page_nx)
{
	st64(at(mc, PT + 8 * 5), (LOAD + 0x5000) | P | W | 1ull << 63);
}
MUT(kernel_not_identity)
{
	st64(at(mc, PT + 8 * 5), (LOAD + 0x6000) | P | W);
}
MUT(zero_page_not_identity)
{
	st64(at(mc, PD), 0x200000 | P | W | PS);
}
MUT(initrd_unmapped)
{
	st64(at(mc, PD + 8 * (INITRD >> 21)), 0);
}
MUT(tables_in_kernel)
{
	memcpy(at(mc, LOAD + 0x200000), at(mc, PT), 4096);
	st64(at(mc, PD + 8 * (LOAD >> 21)), (LOAD + 0x200000) | P | W);
}
MUT(gdt_in_kernel)
{
	memcpy(at(mc, LOAD + 0x300000), at(mc, GDT), 0x40);
	mc->st.gdt_base = LOAD + 0x300000;
}
MUT(load_misaligned)
{
	mc->st.load = LOAD + 0x1000;
}
MUT(not_at_pref)
{
	mc->st.load = LOAD + 0x200000;
	memcpy(at(mc, mc->st.load), image + 0xa00, image_len - 0xa00);
}
MUT(image_truncated)
{
	memset(at(mc, LOAD + image_len - 0xa00 - 16), 0, 16);
}
MUT(no_el64)
{
	memset(zpg(mc) + ZP_EFI_INFO, 0, 4);
}
MUT(systab_bad_sig)
{
	at(mc, SYSTAB)[0] = 0;
}
MUT(systab_bad_crc)
{
	st32(at(mc, SYSTAB) + 8, 0x20050);
}
MUT(boot_services_alive)
{
	st64(at(mc, SYSTAB) + 96, 0x7f000000);
	systab_crc(mc);
}
MUT(memmap_desc_size)
{
	st32(zpg(mc) + ZP_EFI_INFO + 8, 24);
}
MUT(memmap_version)
{
	st32(zpg(mc) + ZP_EFI_INFO + 12, 2);
}
MUT(memmap_bad_desc)
{
	put_efi_desc(mc, 3, 7, 0x100800, 0xf00);
}
MUT(kernel_not_allocated)
{
	put_efi_desc(mc, 4, 7, LOAD, 0x800);
}
MUT(memmap_in_kernel)
{
	memcpy(at(mc, LOAD + 0x380000), at(mc, MMAP), N_DESC * 48);
	st32(zpg(mc) + ZP_EFI_INFO + 16, LOAD + 0x380000);
}
MUT(rsdp_bad_checksum)
{
	at(mc, RSDP)[9] ^= 1;
}
MUT(rsdp_bad_ext_checksum)
{
	at(mc, RSDP)[33] ^= 1;
}
MUT(rsdp_zero)
{
	st64(zpg(mc) + ZP_ACPI_RSDP_ADDR, 0);
}
MUT(rsdp_not_firmwares)
{
	put_rsdp(mc, RSDP + 0x1000);
	st64(zpg(mc) + ZP_ACPI_RSDP_ADDR, RSDP + 0x1000);
}
MUT(fb_missing)
{
	zpg(mc)[0x0f] = 0;
}
MUT(fb_size_64k_units)
{
	st32(zpg(mc) + 0x1c, (1280 * 4 * 800 + 65535) / 65536);
}
MUT(fb_ext_without_cap)
{
	st32(zpg(mc) + 0x3a, 0x80);
}
MUT(fb_bad_linelength)
{
	st16(zpg(mc) + 0x24, 1280);
	set_cmdline(mc, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}
MUT(fb_vga_text)
{
	memset(zpg(mc), 0, 0x40);
	zpg(mc)[0x0f] = 0x22;
	set_cmdline(mc, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}

struct tcase {
	const char *name;
	void (*mut)(struct machine *);
	const char *want; /* NULL: no FAIL at all; else a FAIL line containing this */
};

#define GOOD(f)                                                                                    \
	{                                                                                          \
#f, f, NULL                                                                        \
	}
#define BAD(f, w)                                                                                  \
	{                                                                                          \
#f, f, w                                                                           \
	}
static const struct tcase cases[] = {
    GOOD(good),
    GOOD(good_no_fb),
    GOOD(good_fb_unexpected),
    GOOD(good_no_initrd),
    GOOD(good_relocated),
    GOOD(good_1g_page),
    GOOD(good_fb_above_4g),
    GOOD(good_wp_off_ro_page),
    BAD(wrong_cs, "CS is __BOOT_CS"),
    BAD(if_set, "interrupts disabled"),
    BAD(wrong_ss, "DS, ES and SS"),
    BAD(no_lma, "CPU in 64-bit mode"),
    BAD(la57, "4-level paging"),
    BAD(cs_desc_32bit, "GDT __BOOT_CS"),
    BAD(ds_desc_readonly, "GDT __BOOT_DS"),
    BAD(ds_desc_based, "GDT __BOOT_DS"),
    BAD(gdt_short, "GDT __BOOT_DS"),
    BAD(rsi_zero, "RSI holds the zero page"),
    BAD(hdr_xloadflags, "setup header: xloadflags"),
    BAD(hdr_version, "setup header: version"),
    BAD(hdr_syssize, "setup header: syssize"),
    BAD(hdr_init_size, "setup header: init_size"),
    BAD(hdr_magic, "setup header: header"),
    BAD(hdr_kernel_alignment, "setup header: kernel_alignment"),
    BAD(type_of_loader_0, "type_of_loader"),
    BAD(loaded_high_cleared, "loadflags keeps LOADED_HIGH"),
    BAD(vid_mode_0, "vid_mode"),
    BAD(sentinel_set, "sentinel"),
    BAD(header_overcopied, "past the setup header end"),
    BAD(tboot_set, "unused zero page fields"),
    BAD(setup_data_loop, "setup_data"),
    BAD(cmdline_changed, "command line: bytes as sent"),
    BAD(cmdline_unterminated, "NUL within cmdline_size"),
    BAD(cmdline_ptr_zero, "cmd_line_ptr set"),
    BAD(cmdline_in_zero_page, "boot data do not overlap"),
    BAD(initrd_byte_flipped, "initrd: the files"),
    BAD(initrd_misordered, "initrd: the files"),
    BAD(initrd_padding_dirty, "initrd: the files"),
    BAD(initrd_size_short, "initrd: the files"),
    BAD(initrd_missing, "initrd: ramdisk_image/ramdisk_size present"),
    BAD(initrd_no_token, "initrd: ramdisk_image/ramdisk_size present"),
    BAD(initrd_above_max, "initrd: entirely at or below initrd_addr_max"),
    BAD(initrd_unaligned, "initrd: page-aligned"),
    BAD(initrd_in_kernel, "boot data do not overlap"),
    BAD(e820_overlap, "e820: entries non-overlapping"),
    BAD(e820_kernel_reserved, "e820: the kernel's"),
    BAD(e820_empty, "e820: 1 to 128 entries"),
    BAD(e820_bad_type, "e820: entries non-overlapping, nonzero, of known types"),
    BAD(kernel_page_unmapped, "identity map: kernel"),
    BAD(kernel_page_readonly, "identity map: kernel"),
    BAD(kernel_page_nx, "identity map: kernel"),
    BAD(kernel_not_identity, "identity map: kernel"),
    BAD(zero_page_not_identity, "identity map: zero page"),
    BAD(initrd_unmapped, "identity map: initrd"),
    BAD(tables_in_kernel, "loader GDT and page tables lie outside"),
    BAD(gdt_in_kernel, "loader GDT and page tables lie outside"),
    BAD(load_misaligned, "aligned to kernel_alignment"),
    BAD(not_at_pref, "kernel loaded at pref_address"),
    BAD(image_truncated, "the whole protected-mode part"),
    BAD(no_el64, "efi_loader_signature"),
    BAD(systab_bad_sig, "efi_systab points to the EFI system table"),
    BAD(systab_bad_crc, "efi_systab points to the EFI system table"),
    BAD(boot_services_alive, "EFI boot services exited"),
    BAD(memmap_desc_size, "efi_info: memory map"),
    BAD(memmap_version, "efi_info: memory map"),
    BAD(memmap_bad_desc, "efi_info: memory map"),
    BAD(kernel_not_allocated, "EfiLoaderCode/Data"),
    BAD(memmap_in_kernel, "boot data do not overlap"),
    BAD(rsdp_bad_checksum, "acpi_rsdp_addr points to a valid RSDP"),
    BAD(rsdp_bad_ext_checksum, "acpi_rsdp_addr points to a valid RSDP"),
    BAD(rsdp_zero, "acpi_rsdp_addr points to a valid RSDP"),
    BAD(rsdp_not_firmwares, "configuration table's RSDP"),
    BAD(fb_missing, "orig_video_isVGA is VIDEO_TYPE_EFI"),
    BAD(fb_size_64k_units, "screen_info: EFI framebuffer"),
    BAD(fb_ext_without_cap, "screen_info: EFI framebuffer"),
    BAD(fb_bad_linelength, "screen_info: no framebuffer, or a consistent"),
    BAD(fb_vga_text, "screen_info: no framebuffer, or a consistent"),
};

struct capture {
	char *buf;
	size_t len, cap;
};

static void cap_putc(void *ctx, char c)
{
	struct capture *k = ctx;

	if (c == '\r')
		return;
	if (k->len + 2 > k->cap) {
		k->cap = k->cap ? 2 * k->cap : 65536;
		k->buf = realloc(k->buf, k->cap);
		if (!k->buf)
			abort();
	}
	k->buf[k->len++] = c;
	k->buf[k->len] = 0;
}

/* Is there a line "FAIL: ...want..."? */
static bool has_fail(const char *out, const char *want)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > 6 && !strncmp(l, "FAIL: ", 6) && memmem(l, n, want, strlen(want)))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *path = L64_IMAGE;
	bool verbose = false;
	unsigned ok = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = true;
		else
			path = argv[i];
	}
	FILE *f = fopen(path, "rb");
	image = malloc(1 << 20);
	if (!f || !image || (image_len = fread(image, 1, 1 << 20, f)) < 0xa00 + 0x210) {
		fprintf(stderr, "linux64-selftest: cannot read the kernel image %s\n", path);
		printf("linux64-selftest: 0 passed, 1 failed\n");
		return 1;
	}
	fclose(f);

	struct machine mc = {.m = malloc(MEM_SIZE)};
	if (!mc.m)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];
		struct capture k = {0};
		struct report r = {.putc = cap_putc, .ctx = &k};
		build(&mc);
		t->mut(&mc);
		l64_run_checks(&mc.st, &r);
		bool good = t->want ? has_fail(k.buf, t->want) : r.failed == 0 && r.passed >= 40;
		if (good) {
			ok++;
			printf("ok   %-24s %s\n", t->name, t->want ? "detected" : "clean");
		} else {
			bad++;
			printf("UNEXPECTED %s: wanted %s%s%s\n", t->name,
			       t->want ? "a failure of \"" : "no failures", t->want ? t->want : "",
			       t->want ? "\"" : "");
		}
		if (verbose || !good)
			printf("%s", k.buf);
		free(k.buf);
	}
	free(mc.m);
	free(image);
	printf("linux64-selftest: %u passed, %u failed\n", ok, bad);
	return bad ? 1 : 0;
}
