/* test_mb1.c: unit tests of the ELF reader and the Multiboot 1, PVH and plain ELF handlers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "loadplan.h"
#include "elf.h"

extern const struct format format_multiboot1, format_linux, format_pvh, format_elf;

#define IMG   0x3000
#define HOFF  0x200 /* the Multiboot header's file offset */
#define TEXTV 0xC0100000u
#define TEXTP 0x100000u

static uint8_t img[IMG];

static void mb_header(uint8_t *h, uint32_t flags)
{
	put32(h, 0x1BADB002);
	put32(h + 4, flags);
	put32(h + 8, (uint32_t) - (0x1BADB002u + flags));
}

/* ELF32: text (file 0..0x1000) at vaddr 0xC0100000 -> paddr 0x100000, data + bss after it. */
static struct lp_file elf32(uint32_t flags)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 1, img[5] = 1, img[6] = 1;
	put16(img + 16, 2);		/* ET_EXEC */
	put16(img + 18, 3);		/* EM_386 */
	put32(img + 20, 1);		/* EV_CURRENT */
	put32(img + 24, TEXTV + 0x400); /* virtual entry */
	put32(img + 28, 52);		/* phoff */
	put16(img + 42, 32);		/* phentsize */
	put16(img + 44, 2);		/* phnum */
	uint8_t *ph = img + 52;
	put32(ph, 1), put32(ph + 4, 0), put32(ph + 8, TEXTV), put32(ph + 12, TEXTP);
	put32(ph + 16, 0x1000), put32(ph + 20, 0x1000);
	ph += 32;
	put32(ph, 1), put32(ph + 4, 0x1000), put32(ph + 8, TEXTV + 0x1000);
	put32(ph + 12, TEXTP + 0x1000), put32(ph + 16, 0x800), put32(ph + 20, 0x3000);
	mb_header(img + HOFF, flags);
	return (struct lp_file){.path = "/k/mb1.elf", .size = IMG, .head = img, .head_len = IMG};
}

static struct lp_input input(struct lp_file k, int n_mods)
{
	struct lp_input in;

	memset(&in, 0, sizeof(in));
	in.kernel = k;
	in.cmdline = "console=com0 x=1";
	in.loader_name = "baton test";
	for (int i = 0; i < n_mods; i++)
		in.mods[i] = (struct lp_file){.path = i ? "/k/m2" : "/k/m1",
					      .size = 1000 + 5000 * (uint64_t)i,
					      .args = i ? "seed=22" : NULL};
	in.n_mods = n_mods;
	return in;
}

static void expect_err(struct lp_input *in, int code, const char *msg)
{
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(in, &p), code);
	if (msg && !strstr(err_msg(), msg))
		fail_msg("\"%s\" not in \"%s\"", msg, err_msg());
	lp_free(&p);
}

static void expect_plan_fmt(const struct format *f, struct lp_input *in, int code, const char *msg)
{
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(f->plan(in, &p), code);
	if (msg && !strstr(err_msg(), msg))
		fail_msg("\"%s\" not in \"%s\"", msg, err_msg());
	lp_free(&p);
}

static void test_elf_plan(void **state)
{
	struct lp_input in = input(elf32(3), 2);
	struct load_plan p;

	assert_true(format_multiboot1.detect(&in.kernel));
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_multiboot1);
	assert_ptr_equal(format_find(&in.kernel, "multiboot"), &format_multiboot1);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	/* spec 3.1.3: by p_paddr; the virtual entry translated through its segment. */
	assert_int_equal(p.seg[0].place, LP_FIXED);
	assert_int_equal(p.seg[0].addr, TEXTP);
	assert_int_equal(p.seg[0].memsz, 0x1000);
	assert_int_equal(p.seg[1].addr, TEXTP + 0x1000);
	assert_int_equal(p.seg[1].memsz, 0x3000);
	assert_int_equal(p.seg[1].piece[0].len, 0x800); /* the rest is bss, zeroed */
	assert_int_equal(p.entry_seg, -1);
	assert_int_equal(p.entry_off, TEXTP + 0x400);
	assert_int_equal(lp_reg_value(&p, LP_RAX), 0x2BADB002);
	assert_true(p.reg[LP_RBX].used && p.reg[LP_RBX].seg == 4);
	/* Modules: page aligned, above the kernel, below 4 GiB. */
	for (int i = 2; i < 4; i++) {
		assert_string_equal(p.seg[i].name, "module");
		assert_int_equal(p.seg[i].align, 4096);
		assert_true(p.seg[i].min >= TEXTP + 0x4000);
		assert_true(p.seg[i].max <= 1ull << 32);
	}
	assert_int_equal(p.seg[3].piece[0].file, 2);

	/* finish(): the information structure, as the spec lays it out. */
	static uint8_t info[16384];
	struct mem_range map[] = {{0, 0x9f000, MEM_RAM},
				  {0x100000, 0x700000, MEM_RAM},
				  {0x800000, 0x1000, MEM_NVS},
				  {0x900000, 0x1000000, MEM_RAM}};
	struct bootenv env = {.map = map, .n_map = 4};
	assert_true(p.seg[4].memsz <= sizeof(info));
	p.seg[4].ptr = info, p.seg[4].placed = 0x200000;
	p.seg[2].placed = 0x300000, p.seg[3].placed = 0x301000;
	p.finish(&p, &env);
	uint32_t fl = get32(info);
	assert_int_equal(fl, 0x24d); /* mem, cmdline, mods, mmap, name (no sections, no fb) */
	assert_int_equal(get32(info + 4), 0x9f000 >> 10);
	assert_int_equal(get32(info + 8), 0x700000 >> 10);
	uint32_t cmd = get32(info + 16) - 0x200000;
	assert_string_equal((char *)info + cmd, "/k/mb1.elf console=com0 x=1");
	assert_string_equal((char *)info + get32(info + 64) - 0x200000, "baton test");
	assert_int_equal(get32(info + 20), 2);
	const uint8_t *m = info + get32(info + 24) - 0x200000;
	assert_int_equal(get32(m), 0x300000);
	assert_int_equal(get32(m + 4), 0x300000 + 1000);
	assert_string_equal((char *)info + get32(m + 8) - 0x200000, "/k/m1");
	assert_string_equal((char *)info + get32(m + 24) - 0x200000, "/k/m2 seed=22");
	assert_int_equal(get32(info + 44), 4 * 24);
	const uint8_t *e = info + get32(info + 48) - 0x200000;
	assert_int_equal(get32(e), 20);
	assert_int_equal(get64(e + 24 * 2 + 4), 0x800000);
	assert_int_equal(get32(e + 24 * 2 + 20), MEM_NVS);
	lp_free(&p);
}

static void test_header_rules(void **state)
{
	struct lp_input in = input(elf32(3), 0);

	/* A bad checksum is no header at all. */
	put32(img + HOFF + 8, 0);
	assert_false(format_multiboot1.detect(&in.kernel));
	expect_err(&in, E_FORMAT, "no Multiboot header");
	/* Past 8 KiB or misaligned: not found either (spec 3.1.1). */
	elf32(3);
	memmove(img + 0x2004, img + HOFF, 12);
	memset(img + HOFF, 0, 12);
	assert_false(format_multiboot1.detect(&in.kernel));
	/* A requirement bit baton does not know fails the load with its value. */
	elf32(3 | 8);
	expect_err(&in, E_UNSUPP, "0x8");
	/* Bits 16-31 that are not the a.out kludge are optional: ignored. */
	elf32(3 | (1u << 20));
	expect_err(&in, 0, NULL);
}

static void test_elf_errors(void **state)
{
	struct lp_input in = input(elf32(3), 0);

	/* Truncated: the data segment's bytes end past the file. */
	in.kernel.size = in.kernel.head_len = 0x1400;
	expect_err(&in, E_FORMAT, "past the end of the file");
	/* Overlapping segments. */
	in = input(elf32(3), 0);
	put32(img + 52 + 32 + 12, TEXTP + 0x800);
	expect_err(&in, E_FORMAT, "overlap");
	/* An entry outside every segment. */
	elf32(3);
	put32(img + 24, 0x12345678);
	expect_err(&in, E_FORMAT, "outside every loadable segment");
	/* p_filesz > p_memsz. */
	elf32(3);
	put32(img + 52 + 20, 0x10);
	expect_err(&in, E_FORMAT, "p_filesz > p_memsz");
	/* Not an executable. */
	elf32(3);
	put16(img + 16, 3);
	expect_err(&in, E_UNSUPP, "ET_EXEC");
}

/* spec 3.1.3: with flag 16 the header's addresses win, whatever the ELF headers say. */
static void test_aout_kludge(void **state)
{
	struct lp_input in = input(elf32(3 | (1u << 16)), 1);
	uint8_t *h = img + HOFF;
	struct load_plan p;

	put32(h + 12, 0x200000 + HOFF); /* header_addr: the file is loaded from offset 0 */
	put32(h + 16, 0x200000);	/* load_addr */
	put32(h + 20, 0x202000);	/* load_end_addr: 8 KiB of the 12 KiB file */
	put32(h + 24, 0x205000);	/* bss_end_addr */
	put32(h + 28, 0x200400);	/* entry_addr */
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.seg[0].addr, 0x200000);
	assert_int_equal(p.seg[0].memsz, 0x5000);
	assert_int_equal(p.seg[0].n_pieces, 1);
	assert_int_equal(p.seg[0].piece[0].off, 0);
	assert_int_equal(p.seg[0].piece[0].len, 0x2000);
	assert_int_equal(p.entry_off, 0x200400);
	assert_true(p.seg[1].min >= 0x205000); /* the module after the bss */
	lp_free(&p);
	/* load_end_addr 0: to the end of the file. */
	put32(h + 20, 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.seg[0].piece[0].len, IMG);
	lp_free(&p);
	/* Bad combinations. */
	put32(h + 20, 0x202000);
	put32(h + 28, 0x206000);
	expect_err(&in, E_FORMAT, "entry_addr");
	put32(h + 28, 0x200400);
	put32(h + 24, 0x201000);
	expect_err(&in, E_FORMAT, "bss_end_addr");
	put32(h + 24, 0);
	put32(h + 20, 0x210000);
	expect_err(&in, E_FORMAT, "truncated");
	put32(h + 20, 0x202000);
	put32(h + 12, 0x100000);
	expect_err(&in, E_FORMAT, "header_addr");
}

/* The same ELF without its Multiboot header: the baton ELF protocol (README). */
static void test_plain_elf32(void **state)
{
	struct lp_input in = input(elf32(3), 1);
	struct load_plan p;

	memset(img + HOFF, 0, 12);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_elf);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_elf.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	assert_int_equal(p.entry_off, TEXTP + 0x400); /* virtual entry translated */
	assert_int_equal(lp_reg_value(&p, LP_RAX), 0x36D76289);
	assert_int_equal(p.n_vmap, 0);
	lp_free(&p);
}

/* Damaged signatures are named, not taken for another format (format_find's damaged hooks). */
static void expect_no_format(const struct lp_file *k, const char *msg)
{
	assert_null(format_find(k, NULL));
	if (!strstr(err_msg(), msg) || !strstr(err_msg(), k->path))
		fail_msg("\"%s\" and the path not in \"%s\"", msg, err_msg());
}

static void test_damaged(void **state)
{
	struct lp_input in = input(elf32(3), 0);

	/* A Multiboot header whose checksum is off by one: not booted as the plain ELF it is. */
	put32(img + HOFF + 8, get32(img + HOFF + 8) + 1);
	expect_no_format(&in.kernel, "Multiboot header at offset 0x200 has a bad checksum");
	/* Forced, the handler's own message; without the magic, the plain ELF. */
	assert_ptr_equal(format_find(&in.kernel, "multiboot"), &format_multiboot1);
	expect_err(&in, E_FORMAT, "valid checksum");
	memset(img + HOFF, 0, 12);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_elf);
	/* ELF identification and machine baton cannot run (gABI EI_CLASS, EI_DATA, e_machine). */
	img[4] = 3;
	expect_no_format(&in.kernel, "ELF class 3 is neither 32-bit (1) nor 64-bit (2)");
	img[4] = 1, img[5] = 2;
	expect_no_format(&in.kernel, "ELF data encoding 2 is not little-endian");
	img[5] = 1, put16(img + 18, 40); /* EM_ARM */
	expect_no_format(&in.kernel, "ELF machine 40 is neither x86");
	in.kernel.head_len = 30;
	expect_no_format(&in.kernel, "the ELF header is truncated");
	/* An empty file, forced or not. */
	in.kernel.size = in.kernel.head_len = 0;
	expect_no_format(&in.kernel, "is empty (0 bytes)");
	assert_null(format_find(&in.kernel, "elf"));
	/* Something that is no format at all keeps the generic message. */
	memset(img, 0x5a, IMG);
	in.kernel.size = in.kernel.head_len = IMG;
	expect_no_format(&in.kernel, "is not a kernel baton recognises");
}

/*
 * The magic numbers where no header is (data that happens to hold them) are skipped, as GRUB
 * does: only a magic whose flags look like a header's is named as a damaged header.
 */
static void test_stray_magic(void **state)
{
	struct lp_input in = input(elf32(3), 0);

	/* A stray magic before the real header: the header is found. */
	put32(img + 0x100, 0x1BADB002), put32(img + 0x104, 0xdeadbeef);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_multiboot1);
	/* A plain ELF with stray magics, Multiboot 1's and 2's: booted as the ELF. */
	memset(img + HOFF, 0, 12);
	put32(img + 0x108, 0xE85250D6), put32(img + 0x10c, 0x1234);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_elf);
	/* A Multiboot 2 magic whose length runs past 32 KiB is no header either. */
	put32(img + 0x10c, 0), put32(img + 0x110, 0x8000);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_elf);
	/* A damaged header after a stray magic: the header's offset is named, not the magic's. */
	elf32(3);
	put32(img + 0x100, 0x1BADB002), put32(img + 0x104, 0xdeadbeef);
	put32(img + HOFF + 8, get32(img + HOFF + 8) + 1);
	expect_no_format(&in.kernel, "Multiboot header at offset 0x200 has a bad checksum");
	/* The a.out kludge's flag is one a header may have. */
	put32(img + HOFF + 4, 3 | (1u << 16));
	expect_no_format(&in.kernel, "Multiboot header at offset 0x200 has a bad checksum");
}

/* ELF64 linked higher-half: entered at the virtual e_entry, each PT_LOAD mapped. */
static void test_plain_elf64(void **state)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 2, img[5] = 1, img[6] = 1;
	put16(img + 16, 2), put16(img + 18, 62), put32(img + 20, 1);
	put64(img + 24, 0xffffffff80200010ull);
	put64(img + 32, 64), put16(img + 54, 56), put16(img + 56, 1);
	uint8_t *ph = img + 64;
	put32(ph, 1), put64(ph + 8, 0x1000), put64(ph + 16, 0xffffffff80200000ull);
	put64(ph + 24, 0x200000), put64(ph + 32, 0x1000), put64(ph + 40, 0x2000);
	struct lp_input in =
	    input((struct lp_file){.path = "/k/e64", .size = IMG, .head = img, .head_len = IMG}, 0);
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_elf.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_LONG64);
	assert_int_equal(p.entry_off, 0xffffffff80200010ull);
	assert_int_equal(p.n_vmap, 1);
	assert_int_equal(p.vmap[0].va, 0xffffffff80200000ull);
	assert_int_equal(p.vmap[0].pa, 0x200000);
	assert_int_equal(p.vmap[0].len, 0x2000);
	assert_int_equal(lp_reg_value(&p, LP_RDI), 0x36D76289);
	assert_int_equal(p.reg[LP_RSI].seg, p.reg[LP_RBX].seg);
	lp_free(&p);
	/* Virtual and physical addresses that differ within a page cannot be mapped. */
	put64(ph + 24, 0x200800);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_elf.plan(&in, &p), E_FORMAT);
	lp_free(&p);
	/* A virtual range inside the 1:1 map at another address neither. */
	put64(ph + 16, 0x40000000), put64(ph + 24, 0x200000), put64(img + 24, 0x40000010);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_elf.plan(&in, &p), E_FORMAT);
	lp_free(&p);
}

/* A Xen PVH note (type 18, "Xen") makes it a PVH kernel with an hvm_start_info. */
static void test_pvh(void **state)
{
	struct lp_input in = input(elf32(3), 1);
	struct load_plan p;

	memset(img + HOFF, 0, 12);
	/* A PT_NOTE as the third program header, its note at 0x2f00. */
	put16(img + 44, 3);
	uint8_t *ph = img + 52 + 64, *n = img + 0x2f00;
	put32(ph, 4), put32(ph + 4, 0x2f00), put32(ph + 16, 20);
	put32(n, 4), put32(n + 4, 4), put32(n + 8, 18);
	memcpy(n + 12, "Xen", 4);
	put32(n + 16, TEXTP + 0x800);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_pvh);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_pvh.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	assert_int_equal(p.entry_off, TEXTP + 0x800);
	assert_true(p.tr != 0);

	static uint8_t si[16384];
	struct mem_range map[] = {{0, 0x9f000, MEM_RAM}, {0x100000, 0x700000, MEM_RAM}};
	struct bootenv env = {.map = map, .n_map = 2, .acpi_rsdp = 0xe0000};
	int is = p.reg[LP_RBX].seg;
	assert_true(p.seg[is].memsz <= sizeof(si));
	p.seg[is].ptr = si, p.seg[is].placed = 0x500000;
	p.seg[2].placed = 0x600000;
	p.finish(&p, &env);
	/* start_info.h: magic, version 1, modules, cmdline, RSDP, memory map. */
	assert_int_equal(get32(si), 0x336ec578);
	assert_int_equal(get32(si + 4), 1);
	assert_int_equal(get32(si + 12), 1);
	const uint8_t *m = si + get64(si + 16) - 0x500000;
	assert_int_equal(get64(m), 0x600000);
	assert_int_equal(get64(m + 8), 1000);
	assert_string_equal((char *)si + get64(si + 24) - 0x500000, "console=com0 x=1");
	assert_int_equal(get64(si + 32), 0xe0000);
	assert_int_equal(get32(si + 48), 2);
	assert_int_equal(get64(si + get64(si + 40) - 0x500000 + 24 + 8), 0x700000);
	lp_free(&p);
	/* An entry outside every segment. */
	put32(n + 16, 0x12345678);
	expect_plan_fmt(&format_pvh, &in, E_FORMAT, "PVH entry");
}

/* spec 3.1.4: the graphics fields (flag 2) become the plan's video request, never required. */
static void test_video_request(void **state)
{
	struct lp_input in = input(elf32(3), 0);
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.video.prefer, 0); /* no flag 2: no request */
	lp_free(&p);

	in = input(elf32(7), 0);
	put32(img + HOFF + 32, 0), put32(img + HOFF + 36, 1024);
	put32(img + HOFF + 40, 768), put32(img + HOFF + 44, 32);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.video.prefer, LP_CON_FB);
	assert_int_equal(p.video.accept, LP_CON_FB | LP_CON_TEXT);
	assert_int_equal(p.video.width, 1024);
	assert_int_equal(p.video.height, 768);
	assert_int_equal(p.video.depth, 32);
	assert_false(p.video.required);
	assert_non_null(strstr(p.video.source, "flag 2"));
	lp_free(&p);

	/* EGA text: columns and rows, no depth (the field is 0 in text mode). */
	put32(img + HOFF + 32, 1), put32(img + HOFF + 36, 80);
	put32(img + HOFF + 40, 25), put32(img + HOFF + 44, 8);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_multiboot1.plan(&in, &p), 0);
	assert_int_equal(p.video.prefer, LP_CON_TEXT);
	assert_int_equal(p.video.width, 80);
	assert_int_equal(p.video.height, 25);
	assert_int_equal(p.video.depth, 0);
	assert_false(p.video.required);
	lp_free(&p);

	/* Reserved mode types, and a header cut before its graphics fields. */
	put32(img + HOFF + 32, 2);
	expect_err(&in, E_UNSUPP, "mode_type 2");
	put32(img + HOFF + 32, 0);
	in.kernel.head_len = HOFF + 40;
	expect_err(&in, E_FORMAT, "truncated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_plan),	cmocka_unit_test(test_header_rules),
	    cmocka_unit_test(test_elf_errors),	cmocka_unit_test(test_aout_kludge),
	    cmocka_unit_test(test_plain_elf32), cmocka_unit_test(test_plain_elf64),
	    cmocka_unit_test(test_damaged),	cmocka_unit_test(test_stray_magic),
	    cmocka_unit_test(test_pvh),		cmocka_unit_test(test_video_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
