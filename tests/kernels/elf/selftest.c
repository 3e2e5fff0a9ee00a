/* selftest.c: host test of the ELF protocol checks (synthetic good and broken boots) and of both
 * images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "elf.h"
#include "selftest.h"

#ifndef ELF_DIR
#define ELF_DIR "build/kernels"
#endif

/* Fake physical memory: 64 MiB from 0, and 1 MiB at 4 GiB. */
#define MEM_SIZE 0x4000000ull
#define HI_BASE	 0x100000000ull
#define HI_SIZE	 0x100000ull
#define GDT	 0x1000ull
#define INFO	 0x10000ull
#define PML4	 0x20000ull
#define PDPT_LO	 0x21000ull
#define PDPT_HI	 0x22000ull
#define PD_HI	 0x23000ull
#define PT_A	 0x24000ull
#define PT_B	 0x25000ull
#define SYSTAB	 0x30000ull
#define RSDP	 0xe0000ull
#define MOD0	 0x400000ull
#define MOD1	 0x800000ull
#define RAM_END	 0x3f00000ull
#define P	 1ull
#define W	 2ull
#define PS	 0x80ull

struct machine {
	uint8_t *m, *hi;
	struct elf_state st;
	uint32_t at; /* next tag offset in the info */
	char cmd[256];
	bool efi, no_sections;
	uint64_t info; /* where the information structure is */
};

static const void *fmem(void *ctx, uint64_t a, uint64_t len)
{
	struct machine *mc = ctx;

	if (a && a < MEM_SIZE && len <= MEM_SIZE - a)
		return mc->m + a;
	if (a >= HI_BASE && a - HI_BASE < HI_SIZE && len <= HI_SIZE - (a - HI_BASE))
		return mc->hi + (a - HI_BASE);
	return NULL;
}

static const void *ftable(void *ctx, uint64_t pa)
{
	return fmem(ctx, pa, 4096);
}

static uint8_t *at(struct machine *mc, uint64_t a)
{
	return (uint8_t *)fmem(mc, a, 1);
}

static uint8_t *tag(struct machine *mc, uint32_t type, uint32_t size)
{
	uint8_t *t = at(mc, mc->info + mc->at);

	st32(t, type);
	st32(t + 4, size);
	mc->at += (size + 7) & ~7u;
	return t;
}

static void put_mod(struct machine *mc, uint64_t a, uint32_t seed, uint32_t len, const char *s)
{
	uint8_t *t = tag(mc, 3, 16 + strlen(s) + 1);

	put_btni(at(mc, a), seed, len);
	st32(t + 8, (uint32_t)a);
	st32(t + 12, (uint32_t)(a + len));
	strcpy((char *)t + 16, s);
}

static void put_rsdp(uint8_t *r, int rev)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	r[15] = rev;
	st32(r + 20, 36);
	r[8] = (uint8_t)-ck_sum8(r, 20);
	if (rev >= 2)
		r[32] = (uint8_t)-ck_sum8(r, 36);
}

static void set_cmd(struct machine *mc, const char *args)
{
	snprintf(mc->cmd, sizeof(mc->cmd), "/boot/k.elf %s sum=%08x", args,
		 fnv1a32(FNV1A_INIT, args, strlen(args)));
}

static void put_map(uint8_t *e, uint64_t b, uint64_t l, uint32_t type)
{
	st64(e, b);
	st64(e + 8, l);
	st32(e + 16, type);
	st32(e + 20, 0);
}

/* The information structure, from mc's settings (mutations change them and rebuild). */
static void build_info(struct machine *mc)
{
	const struct elf_state *st = &mc->st;
	uint8_t *t;

	memset(at(mc, mc->info), 0, 0x4000);
	mc->at = 8;
	t = tag(mc, 1, 8 + strlen(mc->cmd) + 1);
	strcpy((char *)t + 8, mc->cmd);
	t = tag(mc, 2, 8 + 10);
	memcpy(t + 8, "baton 0.1", 10);
	put_mod(mc, MOD0, 11, 10001, "/boot/m0 seed=11");
	put_mod(mc, MOD1, 22, 3001, "/boot/m1 seed=22");
	t = tag(mc, 4, 16);
	st32(t + 8, 639);
	st32(t + 12, (RAM_END - 0x100000) / 1024);
	t = tag(mc, 6, 16 + 4 * 24);
	st32(t + 8, 24);
	put_map(t + 16, 0, 0x9fc00, 1);
	put_map(t + 40, 0xf0000, 0x10000, 2);
	put_map(t + 64, 0x100000, RAM_END - 0x100000, 1);
	put_map(t + 88, HI_BASE, HI_SIZE, 1);
	if (!mc->no_sections) {
		uint32_t es = st->bits == 32 ? 40 : 64;
		t = tag(mc, 9, 20 + 3 * es);
		st32(t + 8, 3);
		st32(t + 12, es);
		st32(t + 16, 2);
		for (int i = 1; i < 3; i++) {
			uint8_t *h = t + 20 + i * es;
			uint64_t a = i == 1 ? st->seg[0].vaddr : st->text_addr;
			st32(h + 4, i == 1 ? 1 : 1);
			if (es == 40)
				st32(h + 8, 6), st32(h + 12, (uint32_t)a);
			else
				st64(h + 8, 6), st64(h + 16, a);
		}
	}
	if (mc->efi) {
		t = tag(mc, 12, 16);
		st64(t + 8, SYSTAB);
		t = tag(mc, 17, 16 + 2 * 48);
		st32(t + 8, 48);
		st32(t + 12, 1);
		st32(t + 16, 7), st64(t + 24, 0), st64(t + 40, 0x9f);
		st32(t + 64, 2), st64(t + 72, 0x200000), st64(t + 88, 0x200);
	}
	t = tag(mc, 14, 8 + 20);
	put_rsdp(t + 8, 0);
	t = tag(mc, 15, 8 + 36);
	put_rsdp(t + 8, 2);
	t = tag(mc, 21, 12);
	st32(t + 8, ELF_LOAD_BASE);
	tag(mc, 0, 8);
	st32(at(mc, mc->info), mc->at);
}

static void build(struct machine *mc, int bits)
{
	memset(mc->m, 0, MEM_SIZE);
	memset(mc->hi, 0, HI_SIZE);
	mc->efi = true, mc->no_sections = false, mc->info = INFO;
	mc->st = (struct elf_state){
	    .bits = bits,
	    .ax = ELF_MAGIC,
	    .bx = INFO,
	    .di = bits == 64 ? ELF_MAGIC : 0,
	    .si = bits == 64 ? INFO : 0,
	    .flags = 2,
	    .cr0 = bits == 64 ? 0x80010033 : 0x11,
	    .cr3 = bits == 64 ? PML4 : 0,
	    .cr4 = bits == 64 ? 0x20 : 0,
	    .efer = bits == 64 ? 0x500 : 0,
	    .sel = {0x08, 0x10, 0x10, 0x10, 0x10, 0x10},
	    .desc = {bits == 64 ? 0x00af9a000000ffffull : 0x00cf9a000000ffffull,
		     0x00cf92000000ffffull, 0x00cf92000000ffffull, 0x00cf92000000ffffull,
		     0x00cf92000000ffffull, 0x00cf92000000ffffull},
	    .desc_ok = {true, true, true, true, true, true},
	    .a20 = bits == 32 ? 1 : -1,
	    .mem = fmem,
	    .table = ftable,
	    .ctx = mc,
	};
	struct elf_state *st = &mc->st;
	if (bits == 64) {
		st->seg[0] = (struct elf_seg){ELF64_TEXT_V, ELF64_TEXT_P, 0x5000, 0x5000};
		st->seg[1] = (struct elf_seg){ELF64_DATA_V, ELF64_DATA_P, 0x100, 0x4000};
		st->entry = st->entry_want = ELF64_TEXT_V + 8;
		st->text_addr = ELF64_TEXT_V + 0x100;
		set_cmd(mc, "expect.mods=2 expect.efi=1 expect.rsdp=1");
	} else {
		st->seg[0] = (struct elf_seg){ELF32_BOOT_V, ELF32_BOOT_P, 0xa0, 0xa0};
		st->seg[1] = (struct elf_seg){ELF32_KERN, ELF32_KERN, 0x5000, 0x9000};
		st->entry = st->entry_want = ELF32_BOOT_P + 8;
		st->text_addr = ELF32_KERN + 0x10;
		set_cmd(mc, "expect.mods=2 expect.efi=1 expect.rsdp=1");
	}
	memcpy(at(mc, st->seg[0].paddr), ELF_MARK0, 8);
	memcpy(at(mc, st->seg[1].paddr), ELF_MARK1, 8);
	memcpy(at(mc, st->seg[1].paddr + st->seg[1].filesz - 8), ELF_TAIL, 8);
	/* 1 GiB pages for 0..5 GiB; the higher half through 4 KiB pages. */
	st64(at(mc, PML4), PDPT_LO | P | W);
	st64(at(mc, PML4 + 511 * 8), PDPT_HI | P | W);
	for (uint64_t g = 0; g < 5; g++)
		st64(at(mc, PDPT_LO + 8 * g), g << 30 | P | W | PS);
	st64(at(mc, PDPT_HI + 510 * 8), PD_HI | P | W);
	st64(at(mc, PD_HI + 1 * 8), PT_A | P | W);
	st64(at(mc, PD_HI + 3 * 8), PT_B | P | W);
	for (uint64_t i = 0; i < 512; i++) {
		st64(at(mc, PT_A + 8 * i), (ELF64_TEXT_P + (i << 12)) | P | W);
		st64(at(mc, PT_B + 8 * i), (ELF64_DATA_P + (i << 12)) | P | W);
	}
	uint8_t *s = at(mc, SYSTAB);
	st64(s, 0x5453595320494249ull);
	st32(s + 12, 120);
	st32(s + 16, crc32_ieee(s, 120));
	put_rsdp(at(mc, RSDP), 2);
	build_info(mc);
}

MUT(good)
{
}
MUT(good_bios)
{
	mc->efi = false;
	set_cmd(mc, "expect.mods=2 expect.efi=0");
	build_info(mc);
}
/* RBX is 64 bits: the information structure may lie above 4 GiB (module tags are u32). */
MUT(good_high_info)
{
	mc->info = HI_BASE + 0x1000;
	mc->st.bx = mc->st.si = mc->info;
	build_info(mc);
}
MUT(wrong_entry)
{
	mc->st.entry = mc->st.bits == 64 ? ELF64_TEXT_P + 8 : ELF32_BOOT_V + 8;
}
MUT(paging_state)
{
	mc->st.cr0 ^= 0x80000000u;
}
MUT(la57)
{
	mc->st.cr4 |= 0x1000;
}
MUT(a20_off)
{
	mc->st.a20 = 0;
}
MUT(cs_wrong)
{
	mc->st.desc[SEL_CS] = mc->st.bits == 64 ? 0x00cf9a000000ffffull : 0x00af9a000000ffffull;
}
MUT(gs_readonly)
{
	mc->st.desc[SEL_GS] = 0x00cf90000000ffffull;
}
MUT(ss_null)
{
	mc->st.desc_ok[SEL_SS] = false;
}
MUT(fs_base)
{
	mc->st.fs_base = 0x1000;
}
MUT(if_set)
{
	mc->st.flags |= 0x200;
}
MUT(vm_set)
{
	mc->st.flags |= 0x20000;
}
MUT(bad_magic)
{
	mc->st.ax = 0x2badb002;
}
MUT(rdi_missing)
{
	mc->st.di = 0;
}
MUT(rsi_differs)
{
	mc->st.si = 0;
}
MUT(seg_missing)
{
	memset(at(mc, mc->st.seg[1].paddr), 0, 8);
}
MUT(tail_missing)
{
	memset(at(mc, mc->st.seg[1].paddr + mc->st.seg[1].filesz - 8), 0, 8);
}
MUT(bss_dirty)
{
	mc->st.bss_bad = mc->st.seg[1].paddr + 0x200;
}
MUT(info_unaligned)
{
	mc->st.bx = INFO + 4;
	mc->st.si = INFO + 4;
}
MUT(no_end_tag)
{
	st32(at(mc, INFO + mc->at - 8), 99);
}
MUT(total_size_short)
{
	st32(at(mc, INFO), 64);
}
MUT(cmd_no_path)
{
	const char *a = "expect.mods=2 expect.efi=1";
	snprintf(mc->cmd, sizeof(mc->cmd), "%s sum=%08x", a, fnv1a32(FNV1A_INIT, a, strlen(a)));
	build_info(mc);
}
MUT(cmd_changed)
{
	mc->cmd[14] ^= 1;
	build_info(mc);
}
MUT(loader_name)
{
	memcpy(at(mc, INFO + 8) + ((ld32(at(mc, INFO + 12)) + 7) & ~7u) + 8, "grub", 4);
}
MUT(mods_count)
{
	set_cmd(mc, "expect.mods=3 expect.efi=1 expect.rsdp=1");
	build_info(mc);
}
MUT(mod_unaligned)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 3) {
			memmove(at(mc, MOD0 + 4), at(mc, MOD0), 10001);
			st32(t + 8, MOD0 + 4), st32(t + 12, MOD0 + 4 + 10001);
			break;
		}
}
MUT(mod_byte)
{
	at(mc, MOD0 + 5000)[0] ^= 1;
}
MUT(mod_seed)
{
	at(mc, MOD0 + 4)[0] = 12;
}
MUT(mod_in_kernel)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 3) {
			put_btni(at(mc, ELF_LOAD_BASE + 0x1000), 11, 10001);
			st32(t + 8, ELF_LOAD_BASE + 0x1000),
			    st32(t + 12, ELF_LOAD_BASE + 0x1000 + 10001);
			break;
		}
}
MUT(mmap_overlap)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 6)
			put_map(t + 40, 0x90000, 0x70000, 2);
}
MUT(kernel_reserved)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 6)
			put_map(t + 64, 0x100000, 0x100000, 1);
}
MUT(meminfo_big)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 4)
			st32(t + 12, 0x100000);
}
MUT(no_sections)
{
	mc->no_sections = true;
	build_info(mc);
}
MUT(sections_entsize)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 9)
			st32(t + 12, 0);
}
MUT(no_efi)
{
	mc->efi = false;
	build_info(mc);
}
MUT(efi_under_bios)
{
	set_cmd(mc, "expect.mods=2 expect.efi=0");
	build_info(mc);
}
MUT(boot_services)
{
	uint8_t *s = at(mc, SYSTAB);
	st64(s + 96, 0x7000000);
	st32(s + 16, 0);
	st32(s + 16, crc32_ieee(s, 120));
}
MUT(systab_crc)
{
	at(mc, SYSTAB + 20)[0] ^= 1;
}
MUT(rsdp_sum)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 15)
			t[8 + 9] ^= 1;
}
MUT(load_base)
{
	for (uint8_t *t = at(mc, INFO + 8); ld32(t); t += (ld32(t + 4) + 7) & ~7u)
		if (ld32(t) == 21)
			st32(t + 8, 0x201000);
}
MUT(low_unmapped)
{
	st64(at(mc, PDPT_LO + 8 * 2), 0);
}
MUT(low_readonly)
{
	st64(at(mc, PDPT_LO + 8 * 3), 3ull << 30 | P | PS);
}
MUT(low_nx)
{
	mc->st.efer |= 0x800;
	st64(at(mc, PDPT_LO + 8 * 1), 1ull << 30 | P | W | PS | 1ull << 63);
}
MUT(seg_wrong_pa)
{
	st64(at(mc, PT_B + 8 * 2), (ELF64_DATA_P + 0x3000) | P | W);
}
MUT(seg_unmapped)
{
	st64(at(mc, PT_A + 8 * 4), 0);
}
MUT(high_unmapped)
{
	good_high_info(mc);
	st64(at(mc, PDPT_LO + 8 * 4), 0);
}
MUT(tables_in_module)
{
	memcpy(at(mc, MOD0 + 0x1000), at(mc, PT_A), 4096);
	st64(at(mc, PD_HI + 8), (MOD0 + 0x1000) | P | W);
}

static const struct tcase cases[] = {
    GOOD(good, 0),
    GOOD(good_bios, 0),
    GOOD(good_high_info, 64),
    BAD(wrong_entry, "entered at", 0),
    BAD(paging_state, "mode", 0),
    BAD(la57, "4-level", 64),
    BAD(a20_off, "A20", 32),
    BAD(cs_wrong, "CS:", 0),
    BAD(gs_readonly, "GS:", 0),
    BAD(ss_null, "SS:", 0),
    BAD(fs_base, "FS and GS bases", 64),
    BAD(if_set, "FLAGS.IF", 0),
    BAD(vm_set, "EFLAGS.VM", 32),
    BAD(bad_magic, "0x36D76289", 0),
    BAD(rdi_missing, "RDI", 64),
    BAD(rsi_differs, "RBX = RSI", 64),
    BAD(seg_missing, "every PT_LOAD at its p_paddr", 0),
    BAD(tail_missing, "every PT_LOAD at its p_paddr", 0),
    BAD(bss_dirty, "bss", 0),
    BAD(info_unaligned, "the information structure, 8-aligned", 0),
    BAD(no_end_tag, "end tag last", 0),
    BAD(total_size_short, "end tag last", 0),
    BAD(cmd_no_path, "the kernel's path", 0),
    BAD(cmd_changed, "sum= matches", 0),
    BAD(loader_name, "boot loader name", 0),
    BAD(mods_count, "as many as expect.mods", 0),
    BAD(mod_unaligned, "page aligned", 0),
    BAD(mod_byte, "every byte of the BTNI", 0),
    BAD(mod_seed, "every byte of the BTNI", 0),
    BAD(mod_in_kernel, "do not overlap", 0),
    BAD(mmap_overlap, "memory map tag (6)", 0),
    BAD(kernel_reserved, "is RAM (type 1)", 0),
    BAD(meminfo_big, "basic memory", 0),
    BAD(no_sections, "ELF sections tag", 0),
    BAD(sections_entsize, "ELF sections tag", 0),
    BAD(no_efi, "EFI 64-bit system table tag", 0),
    BAD(efi_under_bios, "no EFI tags", 0),
    BAD(boot_services, "boot services ended", 0),
    BAD(systab_crc, "EFI 64-bit system table tag", 0),
    BAD(rsdp_sum, "ACPI new RSDP", 0),
    BAD(load_base, "image load base", 0),
    BAD(low_unmapped, "first 4 GiB", 64),
    BAD(low_readonly, "first 4 GiB", 64),
    BAD(low_nx, "first 4 GiB", 64),
    BAD(seg_wrong_pa, "PT_LOAD 1's virtual range", 64),
    BAD(seg_unmapped, "PT_LOAD 0's virtual range", 64),
    BAD(high_unmapped, "above 4 GiB", 64),
    BAD(tables_in_module, "page tables in available RAM", 64),
};

/* The image: class, machine, PT_LOADs as elf.h says, e_entry virtual, no Multiboot header or note.
 */
static const char *image_problem(const char *path, int bits)
{
	static uint8_t f[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(f, 1, sizeof(f), fp) : 0;
	bool is64 = bits == 64;

	if (fp)
		fclose(fp);
	if (n < 64 || memcmp(f, "\177ELF", 4) || f[4] != (is64 ? 2 : 1) ||
	    ld16(f + 18) != (is64 ? 62 : 3))
		return "wrong ELF class or machine";
	uint64_t entry = is64 ? ld64(f + 24) : ld32(f + 24);
	uint64_t phoff = is64 ? ld64(f + 32) : ld32(f + 28);
	unsigned phent = ld16(f + (is64 ? 54 : 42)), phnum = ld16(f + (is64 ? 56 : 44));
	uint64_t v[2] = {0}, p[2] = {0};
	int loads = 0;
	for (unsigned i = 0; i < phnum && phoff + (i + 1) * phent <= n; i++) {
		const uint8_t *h = f + phoff + i * phent;
		uint32_t type = ld32(h);
		if (type == 4)
			return "a PT_NOTE (a PVH note would make it a PVH kernel)";
		if (type != 1 || loads == 2)
			continue;
		v[loads] = is64 ? ld64(h + 16) : ld32(h + 8);
		p[loads++] = is64 ? ld64(h + 24) : ld32(h + 12);
	}
	uint64_t wv0 = is64 ? ELF64_TEXT_V : ELF32_BOOT_V, wp0 = is64 ? ELF64_TEXT_P : ELF32_BOOT_P;
	uint64_t wv1 = is64 ? ELF64_DATA_V : ELF32_KERN, wp1 = is64 ? ELF64_DATA_P : ELF32_KERN;
	if (loads != 2 || v[0] != wv0 || p[0] != wp0 || v[1] != wv1 || p[1] != wp1)
		return "PT_LOADs differ from elf.h";
	if (entry < wv0 || entry >= wv0 + 0x1000)
		return "e_entry is not a virtual address in PT_LOAD 0";
	if (has_multiboot_magic(f, n))
		return "a Multiboot magic in the first 32 KiB";
	return NULL;
}

int main(int argc, char **argv)
{
	struct st_tally t = {.verbose = argc > 1 && !strcmp(argv[1], "-v")};

	for (int bits = 32; bits <= 64; bits += 32) {
		char path[256];
		snprintf(path, sizeof(path), "%s/elf%d.elf", ELF_DIR, bits);
		st_image(&t, path, image_problem(path, bits));
	}
	struct machine mc = {.m = malloc(MEM_SIZE), .hi = malloc(HI_SIZE)};
	if (!mc.m || !mc.hi)
		return 1;
	for (int bits = 32; bits <= 64; bits += 32) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct tcase *c = &cases[i];
			struct capture k = {0};
			struct report r = {.putc = cap_putc, .ctx = &k};
			char label[64];
			if (c->bits && c->bits != bits)
				continue;
			build(&mc, bits);
			c->mut(&mc);
			elf_run_checks(&mc.st, &r);
			snprintf(label, sizeof(label), "elf%d %s", bits, c->name);
			st_case(&t, label, 26, c->want, 25, &k, &r);
		}
	}
	free(mc.m);
	free(mc.hi);
	return st_summary(&t, "elf-selftest");
}
