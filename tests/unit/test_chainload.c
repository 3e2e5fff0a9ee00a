/* test_chainload.c: unit tests of protocol chainload: BIOS boot sector plans, and EFI under UEFI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "loadplan.h"
#include "part.h"
#include "testdev.h"

extern const struct format format_chainload;

#define NBLOCKS 4000

static void entry(uint8_t *sector, int slot, uint8_t boot, uint8_t type, uint32_t start,
		  uint32_t size)
{
	uint8_t *e = sector + 0x1be + 16 * slot;

	e[0] = boot;
	e[1] = 1, e[2] = 2, e[3] = 3; /* CHS bytes a copy must keep */
	e[4] = type;
	e[5] = 4, e[6] = 5, e[7] = 6;
	put32(e + 8, start);
	put32(e + 12, size);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

/* A boot sector that names itself, so a test sees which one was loaded. */
static void vbr(uint8_t *mem, uint64_t lba)
{
	uint8_t *s = mem + lba * 512;

	memset(s, 0x90, 510);
	put64(s + 8, lba);
	s[510] = 0x55, s[511] = 0xaa;
}

/*
 * A disk: MBR with an active FAT32 primary in slot 1 at 100, an extended partition at 1000 with
 * two logical ones (msdos5 at 1010, msdos6 at 2101), each with a boot sector.
 */
static uint8_t *disk(struct memdisk *md)
{
	uint8_t *mem = calloc(NBLOCKS, 512);

	assert_non_null(mem);
	md_init(md, mem, NBLOCKS * 512ull, 512);
	memset(mem, 0xfa, 440); /* MBR code: the copy at 0x600 keeps it too */
	put32(mem + 440, 0x5eed1234);
	entry(mem, 1, 0x80, 0x0c, 100, 800);
	entry(mem, 3, 0x00, 0x05, 1000, 2000);
	entry(mem + 1000 * 512, 0, 0x00, 0x83, 10, 990);   /* msdos5: 1010 */
	entry(mem + 1000 * 512, 1, 0x00, 0x05, 1100, 900); /* next EBR at 2100 */
	entry(mem + 2100 * 512, 0, 0x00, 0x07, 1, 899);	   /* msdos6: 2101 */
	vbr(mem, 100);
	vbr(mem, 1010);
	vbr(mem, 2101);
	return mem;
}

/* The plan for volume v's first sector, as boot.c builds its input. */
static int plan_volume(struct volume *v, struct load_plan *p, uint8_t drive, uint8_t *sector,
		       uint8_t *table, struct lp_bootsect *b)
{
	struct lp_input in;

	assert_int_equal(vol_read(v, 0, 512, sector), 0);
	if (v->scheme == PART_MBR)
		assert_int_equal(blockdev_read(v->dev, v->table_lba, 1, table), 0);
	lp_bootsect_from(b, v, table);
	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){.path = v->name, .size = 512, .head = sector, .head_len = 512};
	in.cmdline = "";
	in.protocol = "chainload";
	in.bios = true;
	in.bios_drive = drive;
	in.bootsect = b;
	memset(p, 0, sizeof(*p));
	return format_chainload.plan(&in, p);
}

static uint64_t reg(const struct load_plan *p, enum lp_regname r)
{
	assert_true(p->reg[r].used);
	assert_int_equal(p->reg[r].seg, -1);
	return p->reg[r].value;
}

/* What every boot sector gets (BIOS Boot Specification; GRUB's chainloader; SeaBIOS). */
static void check_common(const struct load_plan *p, uint8_t drive)
{
	assert_string_equal(p->format, "chainload");
	assert_int_equal(p->mode, LP_MODE_REAL16);
	assert_int_equal(p->r16.base_seg, -1);
	assert_int_equal(p->r16.cs, 0);
	assert_int_equal(p->r16.ip, 0x7c00);
	assert_int_equal(p->r16.ds, 0);
	assert_int_equal(p->r16.es, 0);
	assert_int_equal(p->r16.fs, 0);
	assert_int_equal(p->r16.gs, 0);
	assert_int_equal(p->r16.ss, 0);
	assert_int_equal(p->r16.sp, 0x7c00);
	assert_true(p->r16.sti);
	const struct lp_segment *s = &p->seg[0];
	assert_string_equal(s->name, "bootsector");
	assert_int_equal(s->place, LP_FIXED);
	assert_int_equal(s->addr, 0x7c00);
	assert_int_equal(s->memsz, 512);
	assert_int_equal(s->n_pieces, 1);
	assert_int_equal(s->piece[0].file, 0);
	assert_int_equal(s->piece[0].off, 0);
	assert_int_equal(s->piece[0].len, 512);
	assert_int_equal(p->entry_seg, 0);
	assert_int_equal(p->entry_off, 0);
	assert_int_equal(reg(p, LP_RDX), drive);
	assert_int_equal(reg(p, LP_RAX), 0);
	assert_int_equal(reg(p, LP_RBX), 0);
	assert_int_equal(reg(p, LP_RCX), 0);
	assert_int_equal(reg(p, LP_RDI), 0);
	assert_int_equal(reg(p, LP_RSI), reg(p, LP_RBP));
}

/* The sector at 0000:0600 and the entry DS:SI names in it. */
static const uint8_t *table_seg(const struct load_plan *p, int slot)
{
	assert_int_equal(p->n_segs, 2);
	const struct lp_segment *t = &p->seg[1];
	assert_int_equal(t->place, LP_FIXED);
	assert_int_equal(t->addr, 0x600);
	assert_int_equal(t->memsz, 512);
	assert_int_equal(t->n_pieces, 1);
	assert_int_equal(t->piece[0].file, -1);
	assert_int_equal(t->piece[0].len, 512);
	assert_int_equal(reg(p, LP_RSI), 0x7be + 16 * slot);
	return t->piece[0].mem;
}

static void test_primary(void **state)
{
	struct memdisk md;
	uint8_t *mem = disk(&md), sector[512], table[512];
	struct volume v[8];
	struct load_plan p;
	struct lp_bootsect b;

	assert_int_equal(part_scan(&md.dev, v, 8), 3);
	assert_string_equal(v[0].name, "md0,msdos2");
	assert_int_equal(plan_volume(&v[0], &p, 0x80, sector, table, &b), 0);
	check_common(&p, 0x80);
	assert_int_equal(get64(sector + 8), 100); /* the partition's own first sector */
	/* The MBR as an MS-DOS MBR leaves it at 0x600, code and all, entry 1 as on disk. */
	const uint8_t *t = table_seg(&p, 1);
	assert_memory_equal(t, mem, 512);
	assert_non_null(strstr(p.entry_kind, "DS:SI"));
	lp_free(&p);
	free(mem);
}

static void test_logical(void **state)
{
	struct memdisk md;
	uint8_t *mem = disk(&md), sector[512], table[512];
	struct volume v[8];
	struct load_plan p;
	struct lp_bootsect b;

	assert_int_equal(part_scan(&md.dev, v, 8), 3);
	assert_string_equal(v[2].name, "md0,msdos6");
	assert_int_equal(plan_volume(&v[2], &p, 0x81, sector, table, &b), 0);
	check_common(&p, 0x81);
	assert_int_equal(get64(sector + 8), 2101);
	/* Its EBR, with the entry made absolute (2100 + 1) and marked active; the rest as is. */
	const uint8_t *t = table_seg(&p, 0), *ebr = mem + 2100 * 512;
	const uint8_t *e = t + 0x1be;
	assert_int_equal(e[0], 0x80);
	assert_memory_equal(e + 1, ebr + 0x1be + 1, 7); /* CHS and type */
	assert_int_equal(get32(e + 8), 2101);
	assert_int_equal(get32(e + 12), 899);
	assert_memory_equal(t, ebr, 0x1be);
	assert_memory_equal(t + 0x1ce, ebr + 0x1ce, 512 - 0x1ce);
	lp_free(&p);

	/* msdos5: the first EBR, which also holds the link to the next one. */
	assert_int_equal(plan_volume(&v[1], &p, 0x81, sector, table, &b), 0);
	t = table_seg(&p, 0);
	assert_int_equal(get32(t + 0x1be + 8), 1010);
	assert_int_equal(get32(t + 0x1ce + 8), 1100); /* the link stays relative */
	lp_free(&p);
	free(mem);
}

static void test_whole_disk(void **state)
{
	struct memdisk md;
	uint8_t *mem = disk(&md), sector[512], table[512];
	struct volume whole = {.dev = &md.dev, .blocks = NBLOCKS, .scheme = PART_NONE};
	struct load_plan p;
	struct lp_bootsect b;

	strcpy(whole.name, "md0");
	/* An MBR: DS:SI and BP 0 (no partition: what GRUB gives; a BIOS gives nothing). */
	assert_int_equal(plan_volume(&whole, &p, 0x80, sector, table, &b), 0);
	check_common(&p, 0x80);
	assert_memory_equal(sector, mem, 512);
	assert_int_equal(p.n_segs, 1);
	assert_int_equal(reg(&p, LP_RSI), 0);
	assert_false(strstr(p.entry_kind, "DS:SI"));
	lp_free(&p);
	free(mem);
}

static void test_gpt(void **state)
{
	uint8_t sector[512];
	struct lp_bootsect b = {.name = "hd0,gpt3",
				.partition = true,
				.gpt = true,
				.start = 0x123456789ull,
				.blocks = 2048};
	struct lp_input in;
	struct load_plan p;

	memset(sector, 0, sizeof(sector));
	sector[510] = 0x55, sector[511] = 0xaa;
	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){.path = "gpt", .size = 512, .head = sector, .head_len = 512};
	in.cmdline = "";
	in.bios = true;
	in.bios_drive = 0x80;
	in.bootsect = &b;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_chainload.plan(&in, &p), 0);
	/* No MBR entry exists: one is made up in slot 0, type 0xED, LBA only, 32 bits at most. */
	const uint8_t *t = table_seg(&p, 0), *e = t + 0x1be;
	assert_int_equal(e[0], 0x80);
	assert_int_equal(e[4], 0xed);
	assert_int_equal(get32(e + 8), 0xffffffffu);
	assert_int_equal(get32(e + 12), 2048);
	assert_int_equal(e[1], 0xfe);
	assert_int_equal(e[3], 0xff);
	for (int i = 0; i < 0x1be; i++)
		assert_int_equal(t[i], 0);
	lp_free(&p);
}

static void expect_error(const uint8_t *sector, uint64_t size, uint8_t drive, bool bios, int code,
			 const char *msg)
{
	struct lp_input in;
	struct load_plan p;

	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){
	    .path = "bs.bin", .size = size, .head = sector, .head_len = (size_t)MIN(size, 512)};
	in.cmdline = "";
	in.bios = bios;
	in.efi = !bios;
	in.bios_drive = drive;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_chainload.plan(&in, &p), code);
	if (!strstr(err_msg(), msg))
		fail_msg("error \"%s\" does not say \"%s\"", err_msg(), msg);
	lp_free(&p);
}

static void test_errors(void **state)
{
	uint8_t s[512];

	memset(s, 0, sizeof(s));
	/* No 55 AA: refused, as a BIOS would; the bytes are named. */
	expect_error(s, 512, 0x80, true, E_FORMAT, "not a boot sector (bytes 510-511 are 00 00");
	s[510] = 0x55, s[511] = 0xaa;
	expect_error(s, 511, 0x80, true, E_FORMAT, "less than a 512-byte boot sector");
	expect_error(s, 512, 0, true, E_UNSUPP, "BIOS drive number");
	/* A file bigger than a sector: its first 512 bytes, no partition entry known. */
	struct lp_input in;
	struct load_plan p;
	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){.path = "bs.bin", .size = 4096, .head = s, .head_len = 512};
	in.cmdline = "";
	in.bios = true;
	in.bios_drive = 0x9f;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_chainload.plan(&in, &p), 0);
	check_common(&p, 0x9f);
	assert_int_equal(p.n_segs, 1);
	lp_free(&p);
	/* Under UEFI chainload means an EFI application: a boot sector is not one. */
	expect_error(s, 512, 0, false, E_FORMAT, "not a PE/COFF image");
}

static void test_find(void **state)
{
	uint8_t s[512];
	struct lp_file k = {.path = "bs.bin", .size = 512, .head = s, .head_len = 512};

	memset(s, 0, sizeof(s));
	s[510] = 0x55, s[511] = 0xaa;
	/* Never detected (a bzImage ends its first sector with 55 AA too); found when forced. */
	assert_false(format_chainload.detect(&k));
	assert_null(format_find(&k, NULL));
	assert_ptr_equal(format_find(&k, "chainload"), &format_chainload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_primary),    cmocka_unit_test(test_logical),
	    cmocka_unit_test(test_whole_disk), cmocka_unit_test(test_gpt),
	    cmocka_unit_test(test_errors),     cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
