/* selftest.c: host test of the mb1 checks: good synthetic Multiboot 1 boots pass, broken ones fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mb1.h"
#include "selftest.h"

#ifndef MB1_IMAGE
#define MB1_IMAGE "build/kernels/mb1.elf"
#endif

/* Fake physical memory and where the synthetic loader put things in it. */
#define GDT	 0x8000u
#define INFO	 0x9000u
#define CMD	 0xa000u
#define NAME	 0xa800u
#define MODTAB	 0xb000u
#define MODSTR	 0xb100u
#define SHDRS	 0xc000u
#define MMAP	 0xe000u
#define MOD0	 0x1000000u
#define MOD1	 0x1003000u
#define SECTS	 0x2000000u /* non-alloc section contents */
#define MEM_SIZE 0x4000000u
#define RAM_TOP	 0x7fe0000u
#define GOOD_CMD                                                                                   \
	"expect.mods=2 expect.name=baton expect.mmap=1 expect.elfsyms=1 expect.fb=1 "              \
	"expect.bootdev=8000ffff"

static uint8_t *image;
static size_t image_len;

struct machine {
	struct st_ram ram;
	struct mb1_state st;
};

static uint8_t *at(struct machine *mc, uint32_t a)
{
	return mc->ram.m + a;
}

static uint8_t *mi(struct machine *mc)
{
	return at(mc, INFO);
}

static void set_cmdline(struct machine *mc, const char *path, const char *tokens)
{
	snprintf((char *)at(mc, CMD), 0x800, "%s %s sum=%08x", path, tokens,
		 fnv1a32(FNV1A_INIT, tokens, strlen(tokens)));
}

static void put_mod(struct machine *mc, int i, uint32_t a, uint32_t seed, uint32_t len)
{
	uint8_t *e = at(mc, MODTAB + 16 * i);

	put_btni(at(mc, a), seed, len);
	st32(e, a);
	st32(e + 4, a + len);
	st32(e + 8, MODSTR + 0x40 * i);
	st32(e + 12, 0);
	sprintf((char *)at(mc, MODSTR + 0x40 * i), "/k/m%d seed=%u", i, seed);
}

static void put_mmap(struct machine *mc, int i, uint64_t base, uint64_t len, uint32_t type)
{
	uint8_t *e = at(mc, MMAP + 24 * i);

	st32(e, 20);
	st64(e + 4, base);
	st64(e + 12, len);
	st32(e + 20, type);
}

/* Loads mb1.elf's PT_LOADs by p_paddr, copies its section headers as GRUB does. */
static void load_kernel(struct machine *mc)
{
	uint32_t phoff = ld32(image + 28), shoff = ld32(image + 32), lo = ~0u, hi = 0;
	uint16_t phnum = ld16(image + 44), shnum = ld16(image + 48);

	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = image + phoff + 32 * i;
		if (ld32(ph) != 1)
			continue;
		memcpy(at(mc, ld32(ph + 12)), image + ld32(ph + 4), ld32(ph + 16));
		lo = ld32(ph + 12) < lo ? ld32(ph + 12) : lo;
		hi = ld32(ph + 12) + ld32(ph + 20) > hi ? ld32(ph + 12) + ld32(ph + 20) : hi;
	}
	mc->st.kernel_lo = lo, mc->st.kernel_hi = hi;
	mc->st.bss_lo = hi - 0x100, mc->st.bss_hi = hi;
	uint8_t *seal = memmem(at(mc, lo), hi - lo, MB1_SEAL_MAGIC, 8);
	mc->st.seal_addr = seal ? (uint32_t)(seal - mc->ram.m) : 0;

	uint32_t next = SECTS;
	memcpy(at(mc, SHDRS), image + shoff, shnum * 40);
	for (uint32_t i = 1; i < shnum; i++) {
		uint8_t *sh = at(mc, SHDRS + 40 * i);
		if ((ld32(sh + 8) & 2) || !ld32(sh + 20) || ld32(sh + 4) == 8)
			continue;
		memcpy(at(mc, next), image + ld32(sh + 16), ld32(sh + 20));
		st32(sh + 12, next);
		next = (next + ld32(sh + 20) + 4095) & ~4095u;
	}
	st32(mi(mc) + MI_SYMS, shnum);
	st32(mi(mc) + MI_SYMS + 4, 40);
	st32(mi(mc) + MI_SYMS + 8, SHDRS);
	st32(mi(mc) + MI_SYMS + 12, ld16(image + 50));
}

/* A machine as a correct loader leaves it (QEMU's choices, plus GRUB's extras). */
static void build(struct machine *mc)
{
	static const uint16_t sel[SEG_N] = {0x10, 0x18, 0x18, 0x18, 0x18, 0x18};

	memset(mc->ram.m, 0, MEM_SIZE);
	mc->st = (struct mb1_state){
	    .name = "mb1-elf",
	    .elf = true,
	    .header_flags = 3,
	    .eax = MB1_BOOT_MAGIC,
	    .ebx = INFO,
	    .eflags = 0x2,
	    .esp = 0x7000,
	    .cr0 = 0x11,
	    .gdt_base = GDT,
	    .gdt_limit = 0x1f,
	    .a20_ok = true,
	    .entry_want = 0x200040,
	    .entry_got = 0x200040,
	    .mem = st_ram_read,
	    .ctx = &mc->ram,
	};
	st64(at(mc, GDT + 0x10), 0x00cf9b000000ffffull);
	st64(at(mc, GDT + 0x18), 0x00cf93000000ffffull);
	for (int i = 0; i < SEG_N; i++) {
		mc->st.sel[i] = sel[i];
		mc->st.lar[i] = i == SEG_CS ? 0x00c09b00 : 0x00c09300;
		mc->st.lsl[i] = 0xffffffff;
		mc->st.lar_ok[i] = mc->st.lsl_ok[i] = true;
	}
	load_kernel(mc);

	uint8_t *m = mi(mc);
	st32(m, MB1_IF_MEM | MB1_IF_BOOTDEV | MB1_IF_CMDLINE | MB1_IF_MODS | MB1_IF_ELF_SHDR |
		    MB1_IF_MMAP | MB1_IF_NAME | MB1_IF_FB);
	st32(m + MI_MEM_LOWER, 639);
	st32(m + MI_MEM_UPPER, (RAM_TOP - 0x100000) / 1024);
	st32(m + MI_BOOT_DEVICE, 0x8000ffff);
	st32(m + MI_CMDLINE, CMD);
	set_cmdline(mc, "/k/mb1.elf", GOOD_CMD);
	st32(m + MI_MODS_COUNT, 2);
	st32(m + MI_MODS_ADDR, MODTAB);
	put_mod(mc, 0, MOD0, 11, 10000);
	put_mod(mc, 1, MOD1, 22, 70001);
	put_mmap(mc, 0, 0, 0x9fc00, 1);
	put_mmap(mc, 1, 0x9fc00, 0x400, 2);
	put_mmap(mc, 2, 0xf0000, 0x10000, 2);
	put_mmap(mc, 3, 0x100000, RAM_TOP - 0x100000, 1);
	put_mmap(mc, 4, 0xfd00000000ull, 0x300000000ull, 2);
	st32(m + MI_MMAP_LENGTH, 5 * 24);
	st32(m + MI_MMAP_ADDR, MMAP);
	strcpy((char *)at(mc, NAME), "baton test");
	st32(m + MI_BOOT_LOADER, NAME);
	st64(m + MI_FB_ADDR, 0xfd000000);
	st32(m + MI_FB_PITCH, 4096);
	st32(m + MI_FB_WIDTH, 1024);
	st32(m + MI_FB_HEIGHT, 768);
	m[MI_FB_BPP] = 32;
	m[MI_FB_TYPE] = 1;
	memcpy(m + MI_FB_COLOR, "\x10\x08\x08\x08\x00\x08", 6);
}

static void flag_off(struct machine *mc, uint32_t bit)
{
	st32(mi(mc), ld32(mi(mc)) & ~bit);
}

/* --- mutations: good variants first (expected: no FAIL), then broken ones --- */

MUT(good)
{
}
MUT(good_minimal)
{
	st32(mi(mc), MB1_IF_MEM | MB1_IF_CMDLINE);
	set_cmdline(mc, "mb1.elf", "expect.path=0");
}
MUT(good_no_mods)
{
	flag_off(mc, MB1_IF_MODS);
	set_cmdline(mc, "/k/mb1.elf", "expect.mods=0 expect.name=baton");
}
MUT(good_mmap_unsorted)
{
	put_mmap(mc, 0, 0x100000, RAM_TOP - 0x100000, 1);
	put_mmap(mc, 3, 0, 0x9fc00, 1);
}
MUT(good_mmap_split)
{
	put_mmap(mc, 3, 0x100000, 0x1000000, 1);
	put_mmap(mc, 4, 0x1100000, RAM_TOP - 0x1100000, 1);
}
MUT(good_aout)
{
	mc->st.elf = false;
	flag_off(mc, MB1_IF_ELF_SHDR);
	set_cmdline(mc, "/k/mb1-aout.bin", "expect.mods=2 expect.mmap=1");
}
MUT(good_ega_text)
{
	st64(mi(mc) + MI_FB_ADDR, 0xb8000);
	st32(mi(mc) + MI_FB_PITCH, 160);
	st32(mi(mc) + MI_FB_WIDTH, 80);
	st32(mi(mc) + MI_FB_HEIGHT, 25);
	mi(mc)[MI_FB_BPP] = 16;
	mi(mc)[MI_FB_TYPE] = 2;
	set_cmdline(mc, "/k/mb1.elf", "expect.mods=2");
}

MUT(bad_eax)
{
	mc->st.eax = 0x36d76289; /* the Multiboot 2 magic */
}
MUT(if_set)
{
	mc->st.eflags |= 0x200;
}
MUT(vm_set)
{
	mc->st.eflags |= 0x20000;
}
MUT(paging_on)
{
	mc->st.cr0 |= 0x80000000;
}
MUT(real_mode)
{
	mc->st.cr0 &= ~1u;
}
MUT(cs_16bit)
{
	mc->st.lar[SEG_CS] &= ~(1u << 22);
}
MUT(cs_data)
{
	mc->st.lar[SEG_CS] = 0x00c09300;
}
MUT(ds_readonly)
{
	mc->st.lar[SEG_DS] = 0x00c09100;
}
MUT(ss_limit_1m)
{
	mc->st.lsl[SEG_SS] = 0xfffff;
}
MUT(gs_invalid)
{
	mc->st.lar_ok[SEG_GS] = false;
}
MUT(ds_based)
{
	st64(at(mc, GDT + 0x18), 0x00cf93100000ffffull);
}
MUT(a20_off)
{
	mc->st.a20_ok = false;
}
MUT(image_byte_flipped)
{
	at(mc, mc->st.kernel_lo + 0x1100)[0] ^= 1;
}
MUT(image_seal_missing)
{
	at(mc, mc->st.seal_addr)[0] = 'X';
}
MUT(entry_untranslated)
{
	mc->st.entry_got = 0xc0200040;
}
MUT(bss_dirty)
{
	mc->st.bss_bad = mc->st.bss_lo + 3;
}
MUT(ebx_zero)
{
	mc->st.ebx = 0;
}
MUT(no_mem_info)
{
	flag_off(mc, MB1_IF_MEM);
}
MUT(mem_lower_700)
{
	st32(mi(mc) + MI_MEM_LOWER, 700);
}
MUT(mem_upper_past_mmap)
{
	st32(mi(mc) + MI_MEM_UPPER, RAM_TOP / 1024);
}
MUT(mem_upper_small)
{
	st32(mi(mc) + MI_MEM_UPPER, 512);
}
MUT(bootdev_bad)
{
	st32(mi(mc) + MI_BOOT_DEVICE, 0x80ff00ff);
}
MUT(bootdev_wrong_part)
{
	st32(mi(mc) + MI_BOOT_DEVICE, 0x8001ffff);
}
MUT(bootdev_missing)
{
	flag_off(mc, MB1_IF_BOOTDEV);
}
MUT(no_cmdline)
{
	flag_off(mc, MB1_IF_CMDLINE);
}
MUT(cmdline_changed)
{
	at(mc, CMD)[14] ^= 0x20;
}
MUT(cmdline_no_path)
{
	set_cmdline(mc, "k/mb1.elf", GOOD_CMD);
}
MUT(cmdline_unterminated)
{
	memset(at(mc, CMD), 'a', 0x2000);
}
MUT(mods_count_wrong)
{
	st32(mi(mc) + MI_MODS_COUNT, 1);
}
MUT(mods_missing)
{
	flag_off(mc, MB1_IF_MODS);
}
MUT(module_unaligned)
{
	put_mod(mc, 1, MOD1 + 4, 22, 70001);
}
MUT(module_seeds_swapped)
{
	st32(at(mc, MODTAB + 8), MODSTR + 0x40);
	st32(at(mc, MODTAB + 24), MODSTR);
}
MUT(module_byte_flipped)
{
	at(mc, MOD1 + 5000)[0] ^= 1;
}
MUT(module_end_short)
{
	st32(at(mc, MODTAB + 4), MOD0 + 9999);
}
MUT(module_end_before_start)
{
	st32(at(mc, MODTAB + 4), MOD0 - 1);
}
MUT(module_reserved_set)
{
	st32(at(mc, MODTAB + 12), 1);
}
MUT(module_string_unterminated)
{
	memset(at(mc, MODSTR), 'a', 0x2000);
}
MUT(module_in_kernel)
{
	put_mod(mc, 0, mc->st.kernel_lo + 0x1000, 11, 100);
}
MUT(modules_overlap)
{
	put_mod(mc, 1, MOD0 + 0x1000, 22, 70001);
}
MUT(module_over_info)
{
	put_mod(mc, 0, MMAP, 11, BTNI_HDR);
	put_mmap(mc, 0, 0, 0x9fc00, 1); /* keep the map readable */
}
MUT(syms_both)
{
	st32(mi(mc), ld32(mi(mc)) | MB1_IF_AOUT_SYMS);
}
MUT(shdr_missing)
{
	flag_off(mc, MB1_IF_ELF_SHDR);
}
MUT(shdr_num_wrong)
{
	st32(mi(mc) + MI_SYMS, ld32(mi(mc) + MI_SYMS) - 1);
}
MUT(shdr_type_changed)
{
	at(mc, SHDRS + 40 + 4)[0] ^= 1;
}
MUT(shdr_alloc_addr_changed)
{
	at(mc, SHDRS + 40 + 12)[1] ^= 1;
}
MUT(shstrtab_corrupt)
{
	uint32_t i = ld32(mi(mc) + MI_SYMS + 12);
	at(mc, ld32(at(mc, SHDRS + 40 * i + 12)) + 1)[0] ^= 1;
}
MUT(mmap_missing)
{
	flag_off(mc, MB1_IF_MMAP);
}
MUT(mmap_bad_size)
{
	st32(at(mc, MMAP + 48), 12);
}
MUT(mmap_length_odd)
{
	st32(mi(mc) + MI_MMAP_LENGTH, 5 * 24 - 2);
}
MUT(mmap_kernel_reserved)
{
	put_mmap(mc, 3, 0x100000, RAM_TOP - 0x100000, 2);
	st32(mi(mc) + MI_MEM_UPPER, 0);
}
MUT(name_missing)
{
	flag_off(mc, MB1_IF_NAME);
}
MUT(name_wrong)
{
	strcpy((char *)at(mc, NAME), "GNU GRUB");
}
MUT(fb_missing)
{
	flag_off(mc, MB1_IF_FB);
}
MUT(fb_pitch_short)
{
	st32(mi(mc) + MI_FB_PITCH, 2048);
}
MUT(fb_bad_type)
{
	mi(mc)[MI_FB_TYPE] = 3;
}
MUT(fb_mask_past_bpp)
{
	mi(mc)[MI_FB_COLOR] = 30;
}
MUT(fb_color_at_112)
{
	memcpy(mi(mc) + MI_FB_COLOR, "\0\0\x10\x08\x08\x08\x00\x08", 8);
}
MUT(fb_text_not_graphics)
{
	good_ega_text(mc);
	set_cmdline(mc, "/k/mb1.elf", GOOD_CMD);
}
/* mb1-video asks for 1024x768x32 (header flag 2); the synthetic boot's framebuffer is that. */
MUT(good_fbmode)
{
	mc->st.name = "mb1-video";
	mc->st.header_flags |= MB1_HF_VIDEO;
	mc->st.video_width = 1024, mc->st.video_height = 768, mc->st.video_depth = 32;
	set_cmdline(mc, "/k/mb1-video.elf", GOOD_CMD " expect.fbmode=1");
}
MUT(fbmode_other_size)
{
	good_fbmode(mc);
	st32(mi(mc) + MI_FB_PITCH, 5120);
	st32(mi(mc) + MI_FB_WIDTH, 1280);
	st32(mi(mc) + MI_FB_HEIGHT, 800);
}
MUT(fbmode_other_height)
{
	good_fbmode(mc);
	st32(mi(mc) + MI_FB_HEIGHT, 600);
}
MUT(fbmode_no_fb)
{
	good_fbmode(mc);
	flag_off(mc, MB1_IF_FB);
}
MUT(fbmode_header_asks_none)
{
	set_cmdline(mc, "/k/mb1.elf", GOOD_CMD " expect.fbmode=1");
}
MUT(cmdline_in_kernel)
{
	uint32_t a = mc->st.bss_lo;
	strcpy((char *)at(mc, a), (char *)at(mc, CMD));
	st32(mi(mc) + MI_CMDLINE, a);
}
MUT(info_in_kernel)
{
	memcpy(at(mc, mc->st.bss_lo), mi(mc), MI_SIZE);
	mc->st.ebx = mc->st.bss_lo;
}

static const struct tcase cases[] = {
    GOOD(good),
    GOOD(good_minimal),
    GOOD(good_no_mods),
    GOOD(good_mmap_unsorted),
    GOOD(good_mmap_split),
    GOOD(good_aout),
    GOOD(good_ega_text),
    GOOD(good_fbmode),
    BAD(bad_eax, "EAX holds the magic"),
    BAD(if_set, "EFLAGS.IF clear"),
    BAD(vm_set, "EFLAGS.VM clear"),
    BAD(paging_on, "CR0: PE set, PG clear"),
    BAD(real_mode, "CR0: PE set, PG clear"),
    BAD(cs_16bit, "CS: 32-bit"),
    BAD(cs_data, "CS: 32-bit"),
    BAD(ds_readonly, "DS: 32-bit"),
    BAD(ss_limit_1m, "SS: 32-bit"),
    BAD(gs_invalid, "GS: 32-bit"),
    BAD(ds_based, "segment bases 0"),
    BAD(a20_off, "A20 gate enabled"),
    BAD(image_byte_flipped, "kernel image loaded intact"),
    BAD(image_seal_missing, "kernel image loaded intact"),
    BAD(entry_untranslated, "entered at e_entry"),
    BAD(bss_dirty, "bss"),
    BAD(ebx_zero, "EBX points to the information structure"),
    BAD(no_mem_info, "mem_lower/mem_upper present"),
    BAD(mem_lower_700, "mem_lower at most 640"),
    BAD(mem_upper_past_mmap, "within the mmap's RAM"),
    BAD(mem_upper_small, "mem_upper covers this kernel"),
    BAD(bootdev_bad, "boot_device"),
    BAD(bootdev_missing, "boot_device"),
    BAD(bootdev_wrong_part, "boot_device is the kernel's"),
    BAD(no_cmdline, "cmdline: NUL-terminated"),
    BAD(cmdline_changed, "cmdline: bytes as sent"),
    BAD(cmdline_no_path, "first word is the kernel's path"),
    BAD(cmdline_unterminated, "cmdline: NUL-terminated"),
    BAD(mods_count_wrong, "mods_count as expect.mods"),
    BAD(mods_missing, "mods_count as expect.mods"),
    BAD(module_unaligned, "module: page-aligned"),
    BAD(module_seeds_swapped, "module contents intact"),
    BAD(module_byte_flipped, "module contents intact"),
    BAD(module_end_short, "module contents intact"),
    BAD(module_end_before_start, "mod_start <= mod_end"),
    BAD(module_reserved_set, "reserved field 0"),
    BAD(module_string_unterminated, "string is NUL-terminated"),
    BAD(module_in_kernel, "modules do not overlap"),
    BAD(modules_overlap, "modules do not overlap"),
    BAD(module_over_info, "modules do not overlap"),
    BAD(syms_both, "mutually exclusive"),
    BAD(shdr_missing, "expect.elfsyms=1"),
    BAD(shdr_num_wrong, "ELF shdr: num, size, shndx"),
    BAD(shdr_type_changed, "ELF shdr: the table is the file's"),
    BAD(shdr_alloc_addr_changed, "ELF shdr: the table is the file's"),
    BAD(shstrtab_corrupt, "section name table"),
    BAD(mmap_missing, "memory map present"),
    BAD(mmap_bad_size, "mmap: entries with size >= 20"),
    BAD(mmap_length_odd, "mmap: entries with size >= 20"),
    BAD(mmap_kernel_reserved, "covers the kernel"),
    BAD(name_missing, "boot_loader_name"),
    BAD(name_wrong, "begins with expect.name"),
    BAD(fb_missing, "framebuffer"),
    BAD(fb_pitch_short, "framebuffer: type, bpp, pitch"),
    BAD(fb_bad_type, "framebuffer: type, bpp, pitch"),
    BAD(fb_mask_past_bpp, "framebuffer: type, bpp, pitch"),
    BAD(fb_color_at_112, "framebuffer: type, bpp, pitch"),
    BAD(fb_text_not_graphics, "linear graphics"),
    BAD(fbmode_other_size, "the width and height the header asks for"),
    BAD(fbmode_other_height, "the width and height the header asks for"),
    BAD(fbmode_no_fb, "the width and height the header asks for"),
    BAD(fbmode_header_asks_none, "the width and height the header asks for"),
    BAD(cmdline_in_kernel, "boot information does not overlap the kernel"),
    BAD(info_in_kernel, "boot information does not overlap the kernel"),
};

int main(int argc, char **argv)
{
	const char *path = MB1_IMAGE;
	struct st_tally t = {0};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			t.verbose = true;
		else
			path = argv[i];
	}
	FILE *f = fopen(path, "rb");
	image = malloc(1 << 22);
	if (!f || !image || (image_len = fread(image, 1, 1 << 22, f)) < 52 ||
	    memcmp(image, "\177ELF\1", 5)) {
		fprintf(stderr, "mb1-selftest: cannot read the ELF32 kernel %s\n", path);
		printf("mb1-selftest: 0 passed, 1 failed\n");
		return 1;
	}
	fclose(f);

	struct machine mc = {.ram = {malloc(MEM_SIZE), MEM_SIZE}};
	if (!mc.ram.m)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct capture k = {0};
		struct report r = {.putc = cap_putc, .ctx = &k};
		build(&mc);
		c->mut(&mc);
		mb1_run_checks(&mc.st, &r);
		st_case(&t, c->name, 28, c->want, 20, &k, &r);
	}
	free(mc.ram.m);
	free(image);
	return st_summary(&t, "mb1-selftest");
}
