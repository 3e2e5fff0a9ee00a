/* zpfake.c: bzImage selftest harness: the good synthetic machine, shared cases, the runner. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zpfake.h"

#define PM_OFF ((BZ_SETUP_SECTS + 1) * 512) /* the protected-mode part in the file */

uint8_t *fk_at(struct fake *f, uint64_t a)
{
	return f->m + a;
}

static uint8_t *zpg(struct fake *f)
{
	return fk_at(f, FK_ZP);
}

const void *fk_mem(void *ctx, uint64_t addr, uint64_t len, enum bz_access how)
{
	struct fake *f = ctx;

	if (addr > FK_MEM_SIZE || len > FK_MEM_SIZE - addr)
		return NULL;
	return f->m + addr;
}

void fk_cmdline(struct fake *f, const char *tokens)
{
	char *c = (char *)fk_at(f, FK_CMD);

	snprintf(c, 0x800, "%s sum=%08x", tokens, fnv1a32(FNV1A_INIT, tokens, strlen(tokens)));
}

static uint64_t put_btni(struct fake *f, uint64_t a, uint32_t seed, uint32_t len)
{
	uint8_t *p = fk_at(f, a);
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

static void systab_crc(struct fake *f)
{
	uint8_t *t = fk_at(f, FK_SYSTAB);

	st32(t + 16, 0);
	st32(t + 16, crc32_ieee(t, 120));
}

static void put_rsdp(struct fake *f, uint64_t a)
{
	uint8_t *r = fk_at(f, a);

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BATON ", 6);
	r[15] = 2;
	st32(r + 16, 0x7ff0000);
	st32(r + 20, 36);
	st64(r + 24, 0x7ff0100);
	r[8] = (uint8_t)-zp_sum8(r, 20);
	r[32] = (uint8_t)-zp_sum8(r, 36);
}

static void put_e820(uint8_t *bp, int i, uint64_t base, uint64_t len, uint32_t type)
{
	uint8_t *e = bp + ZP_E820_TABLE + i * ZP_E820_ENTRY;

	st64(e, base);
	st64(e + 8, len);
	st32(e + 16, type);
}

static void put_efi_desc(struct fake *f, int i, uint32_t type, uint64_t start, uint64_t pages)
{
	uint8_t *d = fk_at(f, FK_MMAP + i * 48);

	st32(d, type);
	st64(d + 8, start);
	st64(d + 16, start);
	st64(d + 24, pages);
	st64(d + 32, 0xf);
}

/* The EFI memory map around the kernel's place: what baton allocated is loader code/data. */
static void put_efi_map(struct fake *f)
{
	uint64_t kend = f->load + f->k->init_size;

	put_efi_desc(f, 0, 7, 0, 7);
	put_efi_desc(f, 1, 2, 0x7000, 9); /* zero page, cmdline, GDT, systab, memmap */
	put_efi_desc(f, 2, 4, 0x10000, 0x8f);
	put_efi_desc(f, 3, 7, 0x100000, (FK_INITRD - 0x100000) / 4096);
	put_efi_desc(f, 4, 2, FK_INITRD, 0x20);
	put_efi_desc(f, 5, 7, FK_INITRD + 0x20000, (f->load - FK_INITRD - 0x20000) / 4096);
	put_efi_desc(f, FK_DESC_KERNEL, 1, f->load, f->k->init_size / 4096);
	put_efi_desc(f, 7, 7, kend, (0x7ff0000 - kend) / 4096);
	put_efi_desc(f, 8, 9, 0x7ff0000, 0x10);
	put_efi_desc(f, 9, 11, 0xffc00000, 0x400);
}

void fk_move_kernel(struct fake *f, uint64_t load)
{
	memset(fk_at(f, f->load), 0, f->image_size);
	f->load = load;
	memcpy(fk_at(f, load), f->image + PM_OFF, f->image_size);
	st32(zpg(f) + H_CODE32_START, (uint32_t)load);
	put_efi_map(f);
}

/* A machine as a correct loader leaves it, with the bzImage loaded at pref_address. */
static void build(struct fake *f)
{
	uint8_t *bp = zpg(f);

	memset(f->m, 0, FK_MEM_SIZE);
	f->image_size = f->image_len - PM_OFF;
	f->load = f->k->pref_address;
	memcpy(fk_at(f, f->load), f->image + PM_OFF, f->image_size);
	st64(fk_at(f, FK_GDT + BOOT_DS), 0x00cf92000000ffffull); /* flat read/write data, B=1 */

	/* Both protocols: zeroed boot_params, the header copied from 0x1f1 to its end. */
	memcpy(bp + H_SETUP_SECTS, f->image + H_SETUP_SECTS,
	       0x202 + f->image[0x201] - H_SETUP_SECTS);
	bp[H_TYPE_OF_LOADER] = 0xff;
	st32(bp + H_CODE32_START, (uint32_t)f->load);
	st32(bp + H_CMD_LINE_PTR, FK_CMD);
	fk_cmdline(f, "baton.test=selftest initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=1");
	/* Two initrds, the second at the next 4-byte boundary (3 bytes of zero padding). */
	uint64_t end = put_btni(f, FK_INITRD, 11, 10001);
	end = put_btni(f, (end + 3) & ~3ull, 22, 3001);
	st32(bp + H_RAMDISK_IMAGE, FK_INITRD);
	st32(bp + H_RAMDISK_SIZE, (uint32_t)(end - FK_INITRD));

	bp[ZP_E820_ENTRIES] = 5;
	put_e820(bp, 0, 0, 0x9f000, 1);
	put_e820(bp, 1, 0x9f000, 0x61000, 2);
	put_e820(bp, 2, 0x100000, 0x7ef0000, 1);
	put_e820(bp, 3, 0x7ff0000, 0x10000, 3);
	put_e820(bp, 4, 0xffc00000, 0x400000, 2);

	uint8_t *ei = bp + ZP_EFI_INFO;
	memcpy(ei, "EL64", 4);
	st32(ei + 4, FK_SYSTAB);
	st32(ei + 8, 48);
	st32(ei + 12, 1);
	st32(ei + 16, FK_MMAP);
	st32(ei + 20, FK_N_DESC * 48);
	put_efi_map(f);

	uint8_t *t = fk_at(f, FK_SYSTAB);
	st64(t, 0x5453595320494249ull);
	st32(t + 8, 0x20046);
	st32(t + 12, 120);
	st64(t + 88, 0x7e000000); /* RuntimeServices */
	st64(t + 104, 1);
	st64(t + 112, FK_CFGTAB);
	static const uint8_t acpi20[16] = {0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					   0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81};
	memcpy(fk_at(f, FK_CFGTAB), acpi20, 16);
	st64(fk_at(f, FK_CFGTAB + 16), FK_RSDP);
	systab_crc(f);
	put_rsdp(f, FK_RSDP);
	st64(bp + ZP_ACPI_RSDP_ADDR, FK_RSDP);

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

/* --- the shared cases: good variants first (expected: no FAIL), then broken ones --- */

#define MUT(name) static void name(struct fake *f)
MUT(good)
{
}
MUT(good_no_fb)
{
	memset(zpg(f), 0, 0x40);
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}
MUT(good_fb_unexpected)
{
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.fb=0");
}
MUT(good_no_initrd)
{
	st32(zpg(f) + H_RAMDISK_IMAGE, 0);
	st32(zpg(f) + H_RAMDISK_SIZE, 0);
	fk_cmdline(f, "initrds=0 expect.fb=1");
}
MUT(good_relocated)
{
	fk_move_kernel(f, f->load + f->k->kernel_alignment);
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.pref=0 expect.fb=1");
}
MUT(good_fb_above_4g)
{
	st32(zpg(f) + 0x3a, 0x80);
	st32(zpg(f) + 0x36, 2);
}
MUT(ds_desc_readonly)
{
	st64(fk_at(f, FK_GDT + BOOT_DS), 0x00cf90000000ffffull);
}
MUT(ds_desc_based)
{
	st64(fk_at(f, FK_GDT + BOOT_DS), 0x01cf92000000ffffull);
}
MUT(hdr_xloadflags)
{
	zpg(f)[H_XLOADFLAGS] ^= XLF_KERNEL_64;
}
MUT(hdr_version)
{
	st16(zpg(f) + H_VERSION, 0x020c);
}
MUT(hdr_syssize)
{
	st32(zpg(f) + H_SYSSIZE, ld32(zpg(f) + H_SYSSIZE) - 1);
}
MUT(hdr_init_size)
{
	st32(zpg(f) + H_INIT_SIZE, 0x100000);
}
MUT(hdr_magic)
{
	zpg(f)[H_HEADER] = 'h';
}
MUT(hdr_kernel_alignment)
{
	st32(zpg(f) + H_KERNEL_ALIGNMENT, 2 * f->k->kernel_alignment);
}
MUT(type_of_loader_0)
{
	zpg(f)[H_TYPE_OF_LOADER] = 0;
}
MUT(loaded_high_cleared)
{
	zpg(f)[H_LOADFLAGS] = 0;
}
MUT(vid_mode_0)
{
	st16(zpg(f) + H_VID_MODE, 0);
}
MUT(sentinel_set)
{
	zpg(f)[ZP_SENTINEL] = 0xff;
}
MUT(header_overcopied)
{
	memcpy(zpg(f) + BZ_HDR_END, f->image + BZ_HDR_END, ZP_HDR_PAD_END - BZ_HDR_END);
}
MUT(tboot_set)
{
	st64(zpg(f) + ZP_TBOOT_ADDR, 0x1234000);
}
MUT(setup_data_loop)
{
	st64(zpg(f) + H_SETUP_DATA, 0x6000);
	st64(fk_at(f, 0x6000), 0x6000);
	st32(fk_at(f, 0x6008), 1);
}
MUT(cmdline_changed)
{
	fk_at(f, FK_CMD)[1] ^= 0x20;
}
MUT(cmdline_unterminated)
{
	memset(fk_at(f, FK_CMD), 'a', 0x900);
}
MUT(cmdline_ptr_zero)
{
	st32(zpg(f) + H_CMD_LINE_PTR, 0);
}
MUT(cmdline_in_zero_page)
{
	strcpy((char *)zpg(f) + 0xf00, (char *)fk_at(f, FK_CMD));
	st32(zpg(f) + H_CMD_LINE_PTR, FK_ZP + 0xf00);
}
MUT(initrd_byte_flipped)
{
	fk_at(f, FK_INITRD + 5000)[0] ^= 1;
}
MUT(initrd_misordered)
{
	fk_cmdline(f, "initrds=2 initrd.seeds=22,11 expect.pref=1 expect.fb=1");
}
MUT(initrd_padding_dirty)
{
	fk_at(f, FK_INITRD + 10001)[0] = 0xaa;
}
MUT(initrd_size_short)
{
	st32(zpg(f) + H_RAMDISK_SIZE, ld32(zpg(f) + H_RAMDISK_SIZE) - 1);
}
MUT(initrd_missing)
{
	st32(zpg(f) + H_RAMDISK_IMAGE, 0);
	st32(zpg(f) + H_RAMDISK_SIZE, 0);
}
MUT(initrd_no_token)
{
	fk_cmdline(f, "expect.pref=1 expect.fb=1");
}
MUT(initrd_above_max)
{
	st32(zpg(f) + ZP_EXT_RAMDISK_IMAGE, 1);
}
MUT(initrd_unaligned)
{
	uint32_t n = ld32(zpg(f) + H_RAMDISK_SIZE);
	memmove(fk_at(f, FK_INITRD + 4), fk_at(f, FK_INITRD), n);
	st32(zpg(f) + H_RAMDISK_IMAGE, FK_INITRD + 4);
}
MUT(initrd_in_kernel)
{
	uint32_t n = ld32(zpg(f) + H_RAMDISK_SIZE);
	memcpy(fk_at(f, f->load + 0x100000), fk_at(f, FK_INITRD), n);
	st32(zpg(f) + H_RAMDISK_IMAGE, f->load + 0x100000);
}
MUT(e820_overlap)
{
	zpg(f)[ZP_E820_ENTRIES] = 6;
	put_e820(zpg(f), 5, 0x7fe0000, 0x20000, 2);
}
MUT(e820_kernel_reserved)
{
	put_e820(zpg(f), 2, 0x100000, 0x7ef0000, 2);
}
MUT(e820_empty)
{
	zpg(f)[ZP_E820_ENTRIES] = 0;
}
MUT(e820_bad_type)
{
	put_e820(zpg(f), 4, 0xffc00000, 0x400000, 99);
}
MUT(load_misaligned)
{
	f->load += 0x1000;
}
MUT(not_at_pref)
{
	fk_move_kernel(f, f->load + f->k->kernel_alignment);
}
MUT(code32_start_default)
{
	fk_move_kernel(f, f->load + f->k->kernel_alignment);
	st32(zpg(f) + H_CODE32_START, f->k->code32_start); /* the header's, not updated */
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.pref=0 expect.fb=1");
}
MUT(code32_start_off)
{
	st32(zpg(f) + H_CODE32_START, f->load + BZ_ENTRY64);
}
MUT(image_truncated)
{
	memset(fk_at(f, f->load + f->image_size - 16), 0, 16);
}
MUT(no_el64)
{
	memset(zpg(f) + ZP_EFI_INFO, 0, 4);
}
MUT(systab_bad_sig)
{
	fk_at(f, FK_SYSTAB)[0] = 0;
}
MUT(systab_bad_crc)
{
	st32(fk_at(f, FK_SYSTAB) + 8, 0x20050);
}
MUT(boot_services_alive)
{
	st64(fk_at(f, FK_SYSTAB) + 96, 0x7f000000);
	systab_crc(f);
}
MUT(memmap_desc_size)
{
	st32(zpg(f) + ZP_EFI_INFO + 8, 24);
}
MUT(memmap_version)
{
	st32(zpg(f) + ZP_EFI_INFO + 12, 2);
}
MUT(memmap_bad_desc)
{
	put_efi_desc(f, 3, 7, 0x100800, 0xf00);
}
MUT(kernel_not_allocated)
{
	put_efi_desc(f, FK_DESC_KERNEL, 7, f->load, f->k->init_size / 4096);
}
MUT(memmap_in_kernel)
{
	memcpy(fk_at(f, f->load + 0x380000), fk_at(f, FK_MMAP), FK_N_DESC * 48);
	st32(zpg(f) + ZP_EFI_INFO + 16, f->load + 0x380000);
}
MUT(rsdp_bad_checksum)
{
	fk_at(f, FK_RSDP)[9] ^= 1;
}
MUT(rsdp_bad_ext_checksum)
{
	fk_at(f, FK_RSDP)[33] ^= 1;
}
MUT(rsdp_zero)
{
	st64(zpg(f) + ZP_ACPI_RSDP_ADDR, 0);
}
MUT(rsdp_not_firmwares)
{
	put_rsdp(f, FK_RSDP + 0x1000);
	st64(zpg(f) + ZP_ACPI_RSDP_ADDR, FK_RSDP + 0x1000);
}
MUT(fb_missing)
{
	zpg(f)[0x0f] = 0;
}
MUT(fb_size_64k_units)
{
	st32(zpg(f) + 0x1c, (1280 * 4 * 800 + 65535) / 65536);
}
MUT(fb_ext_without_cap)
{
	st32(zpg(f) + 0x3a, 0x80);
}
MUT(fb_bad_linelength)
{
	st16(zpg(f) + 0x24, 1280);
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}
MUT(fb_vga_text)
{
	memset(zpg(f), 0, 0x40);
	zpg(f)[0x0f] = 0x22;
	fk_cmdline(f, "initrds=2 initrd.seeds=11,22 expect.pref=1 expect.fb=0");
}

static const struct fk_case shared[] = {
    FK_GOOD(good),
    FK_GOOD(good_no_fb),
    FK_GOOD(good_fb_unexpected),
    FK_GOOD(good_no_initrd),
    FK_GOOD(good_relocated),
    FK_GOOD(good_fb_above_4g),
    FK_BAD(ds_desc_readonly, "GDT __BOOT_DS"),
    FK_BAD(ds_desc_based, "GDT __BOOT_DS"),
    FK_BAD(hdr_xloadflags, "setup header: xloadflags"),
    FK_BAD(hdr_version, "setup header: version"),
    FK_BAD(hdr_syssize, "setup header: syssize"),
    FK_BAD(hdr_init_size, "setup header: init_size"),
    FK_BAD(hdr_magic, "setup header: header"),
    FK_BAD(hdr_kernel_alignment, "setup header: kernel_alignment"),
    FK_BAD(type_of_loader_0, "type_of_loader"),
    FK_BAD(loaded_high_cleared, "loadflags keeps LOADED_HIGH"),
    FK_BAD(vid_mode_0, "vid_mode"),
    FK_BAD(sentinel_set, "sentinel"),
    FK_BAD(header_overcopied, "past the setup header end"),
    FK_BAD(tboot_set, "unused zero page fields"),
    FK_BAD(setup_data_loop, "setup_data"),
    FK_BAD(cmdline_changed, "command line: bytes as sent"),
    FK_BAD(cmdline_unterminated, "NUL within cmdline_size"),
    FK_BAD(cmdline_ptr_zero, "cmd_line_ptr set"),
    FK_BAD(cmdline_in_zero_page, "boot data do not overlap"),
    FK_BAD(initrd_byte_flipped, "initrd: the files"),
    FK_BAD(initrd_misordered, "initrd: the files"),
    FK_BAD(initrd_padding_dirty, "initrd: the files"),
    FK_BAD(initrd_size_short, "initrd: the files"),
    FK_BAD(initrd_missing, "initrd: ramdisk_image/ramdisk_size present"),
    FK_BAD(initrd_no_token, "initrd: ramdisk_image/ramdisk_size present"),
    FK_BAD(initrd_above_max, "initrd: entirely at or below initrd_addr_max"),
    FK_BAD(initrd_unaligned, "initrd: page-aligned"),
    FK_BAD(initrd_in_kernel, "boot data do not overlap"),
    FK_BAD(e820_overlap, "e820: entries non-overlapping"),
    FK_BAD(e820_kernel_reserved, "e820: the kernel's"),
    FK_BAD(e820_empty, "e820: 1 to 128 entries"),
    FK_BAD(e820_bad_type, "e820: entries non-overlapping, nonzero, of known types"),
    FK_BAD(load_misaligned, "aligned to kernel_alignment"),
    FK_BAD(not_at_pref, "kernel loaded at pref_address"),
    FK_BAD(code32_start_default, "code32_start is the load address"),
    FK_BAD(code32_start_off, "code32_start is the load address"),
    FK_BAD(image_truncated, "the whole protected-mode part"),
    FK_BAD(no_el64, "efi_loader_signature"),
    FK_BAD(systab_bad_sig, "efi_systab points to the EFI system table"),
    FK_BAD(systab_bad_crc, "efi_systab points to the EFI system table"),
    FK_BAD(boot_services_alive, "EFI boot services exited"),
    FK_BAD(memmap_desc_size, "efi_info: memory map"),
    FK_BAD(memmap_version, "efi_info: memory map"),
    FK_BAD(memmap_bad_desc, "efi_info: memory map"),
    FK_BAD(kernel_not_allocated, "EfiLoaderCode/Data"),
    FK_BAD(memmap_in_kernel, "boot data do not overlap"),
    FK_BAD(rsdp_bad_checksum, "acpi_rsdp_addr points to a valid RSDP"),
    FK_BAD(rsdp_bad_ext_checksum, "acpi_rsdp_addr points to a valid RSDP"),
    FK_BAD(rsdp_zero, "acpi_rsdp_addr points to a valid RSDP"),
    FK_BAD(rsdp_not_firmwares, "configuration table's RSDP"),
    FK_BAD(fb_missing, "orig_video_isVGA is VIDEO_TYPE_EFI"),
    FK_BAD(fb_size_64k_units, "screen_info: EFI framebuffer"),
    FK_BAD(fb_ext_without_cap, "screen_info: EFI framebuffer"),
    FK_BAD(fb_bad_linelength, "screen_info: no framebuffer, or a consistent"),
    FK_BAD(fb_vga_text, "screen_info: no framebuffer, or a consistent"),
};

/* --- the runner --- */

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

static void run_case(const struct fk_suite *s, struct fake *f, const struct fk_case *t,
		     bool verbose, unsigned *ok, unsigned *bad)
{
	struct capture k = {0};
	struct report r = {.putc = cap_putc, .ctx = &k};

	build(f);
	s->setup(f);
	t->mut(f);
	*s->im = (struct bz_image){
	    .k = s->k, .load = f->load, .image_size = f->image_size, .mem = fk_mem, .ctx = f};
	s->run(&r);
	bool good = t->want ? has_fail(k.buf, t->want) : r.failed == 0 && r.passed >= s->min_passes;
	if (good) {
		++*ok;
		printf("ok   %-12s %-24s %s\n", s->name, t->name, t->want ? "detected" : "clean");
	} else {
		++*bad;
		printf("UNEXPECTED %s %s: wanted %s%s%s (%u passed)\n", s->name, t->name,
		       t->want ? "a failure of \"" : "no failures", t->want ? t->want : "",
		       t->want ? "\"" : "", r.passed);
	}
	if (verbose || !good)
		printf("%s", k.buf ? k.buf : "");
	free(k.buf);
}

static bool run_suite(const struct fk_suite *s, bool verbose, unsigned *ok, unsigned *bad)
{
	struct fake f = {.k = s->k, .m = malloc(FK_MEM_SIZE)};
	uint8_t *image = malloc(1 << 20);
	FILE *in = fopen(s->image, "rb");

	if (!in || !image || !f.m ||
	    (f.image_len = fread(image, 1, 1 << 20, in)) < PM_OFF + 0x210) {
		fprintf(stderr, "%s: cannot read the kernel image %s\n", s->name, s->image);
		if (in)
			fclose(in);
		free(image);
		free(f.m);
		return false;
	}
	fclose(in);
	f.image = image;
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		run_case(s, &f, &shared[i], verbose, ok, bad);
	for (size_t i = 0; i < s->n_cases; i++)
		run_case(s, &f, &s->cases[i], verbose, ok, bad);
	free(image);
	free(f.m);
	return true;
}

int fk_main(int argc, char **argv, const char *name, const struct fk_suite *suites, int n)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");
	unsigned ok = 0, bad = 0;

	for (int i = 0; i < n; i++)
		if (!run_suite(&suites[i], verbose, &ok, &bad))
			bad++;
	printf("%s: %u passed, %u failed\n", name, ok, bad);
	return bad ? 1 : 0;
}
