/* selftest.c: host test of the boot-sector checks: good entries pass, each broken promise fails. */
#include <stdio.h>
#include <string.h>
#include "checks.h"
#include "selftest.h"

#define NSEC	  64
#define PRIMARY	  8  /* msdos2: slot 1 of the MBR */
#define EXT	  16 /* the extended partition; its first EBR */
#define LOGICAL	  18 /* msdos5: 2 after its EBR */
#define EXT_SIZE  40
#define PART_SIZE 6

/* A synthetic PC: its low megabyte and one disk (drive 0x80). */
struct machine {
	uint8_t low[0x100000];
	uint8_t disk[NSEC * 512];
	struct bs_state st;
};
static struct machine m;

static int peek(void *ctx, uint32_t lin, void *buf, uint32_t len)
{
	struct machine *mc = ctx;

	if (lin > sizeof(mc->low) || len > sizeof(mc->low) - lin)
		return -1;
	memcpy(buf, mc->low + lin, len);
	return 0;
}

static int read_sector(void *ctx, uint8_t drive, uint32_t lba, uint8_t *buf)
{
	struct machine *mc = ctx;

	if (drive != 0x80 || lba >= NSEC)
		return 1;
	memcpy(buf, mc->disk + lba * 512, 512);
	return 0;
}

static void entry(uint8_t *sector, int slot, uint8_t flag, uint8_t type, uint32_t lba, uint32_t n)
{
	uint8_t *e = sector + 0x1be + 16 * slot;

	e[0] = flag, e[1] = 0xfe, e[2] = 0xff, e[3] = 0xff, e[4] = type;
	e[5] = 0xfe, e[6] = 0xff, e[7] = 0xff;
	st32(e + 8, lba);
	st32(e + 12, n);
	sector[510] = 0x55, sector[511] = 0xaa;
}

/* What a correct loader leaves for the sector at own (0: the MBR itself). */
static void boot(uint32_t own)
{
	memset(&m, 0, sizeof(m));
	uint8_t *mbr = m.disk;
	for (int i = 0; i < 440; i++)
		mbr[i] = (uint8_t)i;
	entry(mbr, 1, 0x00, 0x83, PRIMARY, PART_SIZE);
	entry(mbr, 2, 0x00, 0x05, EXT, EXT_SIZE);
	entry(m.disk + EXT * 512, 0, 0x00, 0x07, LOGICAL - EXT, PART_SIZE);
	for (uint32_t s = 1; s < NSEC; s++)
		if (s != EXT)
			for (int i = 0; i < 512; i++)
				m.disk[s * 512 + i] = (uint8_t)(s * 7 + i);
	memcpy(m.low + 0x7c00, m.disk + own * 512, 512);
	st16(m.low + 0x413, 639);
	st16(m.low + 0x400, 0x3f8);
	st32(m.low + 0x13 * 4, 0xf000e3feu);
	m.st = (struct bs_state){.ip = 0x7c00,
				 .flags = 0x202,
				 .sp = 0x7c00,
				 .edx = 0x80,
				 .own_lba = own,
				 .baton = true,
				 .msw = 0x10,
				 .idt_limit = 0x3ff,
				 .a20 = true,
				 .ext_bx = 0xaa55,
				 .sectors = NSEC,
				 .int12 = 639,
				 .peek = peek,
				 .read = read_sector,
				 .ctx = &m};
	if (own) {
		/* The sector holding the entry at 0000:0600, the entry made absolute and active. */
		uint32_t table = own == PRIMARY ? 0 : EXT;
		int slot = own == PRIMARY ? 1 : 0;
		memcpy(m.low + 0x600, m.disk + table * 512, 512);
		uint8_t *e = m.low + 0x7be + 16 * slot;
		e[0] = 0x80;
		st32(e + 8, own);
		m.st.esi = m.st.ebp = 0x7be + 16 * slot;
	}
}

#undef MUT
#define MUT(name) static void name(struct machine *mc)
MUT(vbr)
{
	boot(PRIMARY);
}
MUT(logical)
{
	boot(LOGICAL);
}
MUT(mbr)
{
	boot(0);
}
/* What SeaBIOS gives an MBR: its own stack; baton's promises are not asked (flags byte 0). */
MUT(seabios_mbr)
{
	boot(0);
	mc->st.baton = false;
	mc->st.sp = 0x6f04;
}
MUT(wrong_cs_ip)
{
	vbr(mc);
	mc->st.cs = 0x7c0, mc->st.ip = 0;
}
MUT(protected)
{
	vbr(mc);
	mc->st.msw |= 1;
}
MUT(idt_not_ivt)
{
	vbr(mc);
	mc->st.idt_base = 0x1000;
}
MUT(if_clear)
{
	vbr(mc);
	mc->st.flags &= ~0x200;
}
MUT(bda_mismatch)
{
	vbr(mc);
	st16(mc->low + 0x413, 512);
}
MUT(ivt13_empty)
{
	vbr(mc);
	st32(mc->low + 0x13 * 4, 0);
}
MUT(no_extensions)
{
	vbr(mc);
	mc->st.ext_cf = true;
}
MUT(disk_too_small)
{
	vbr(mc);
	mc->st.sectors = PRIMARY;
}
MUT(wrong_dl)
{
	vbr(mc);
	mc->st.edx = 0x81;
}
MUT(sector_not_on_disk)
{
	vbr(mc);
	mc->low[0x7c00 + 100] ^= 1;
}
MUT(es_di_garbage)
{
	vbr(mc);
	mc->st.es = 0x100, mc->st.edi = 4;
}
MUT(pnp_header)
{
	seabios_mbr(mc);
	mc->st.es = 0xf000, mc->st.edi = 0x10;
	memcpy(mc->low + 0xf0010, "$PnP", 4);
}
MUT(si_outside)
{
	vbr(mc);
	mc->st.esi = 0x7c00;
}
MUT(entry_lba_wrong)
{
	vbr(mc);
	st32(mc->low + 0x7ce + 8, PRIMARY + 1);
}
MUT(entry_relative)
{
	logical(mc);
	st32(mc->low + 0x7be + 8, LOGICAL - EXT); /* as GRUB copies an EBR */
}
MUT(entry_type_wrong)
{
	vbr(mc);
	mc->low[0x7ce + 4] = 0x0c;
}
MUT(entry_not_active)
{
	vbr(mc);
	mc->low[0x7ce] = 0;
}
MUT(table_copy_wrong)
{
	vbr(mc);
	mc->low[0x600 + 17] ^= 0xff;
}
MUT(bp_not_si)
{
	vbr(mc);
	mc->st.ebp = 0;
}
MUT(mbr_si_set)
{
	mbr(mc);
	mc->st.esi = 0x7be;
}
MUT(stack_elsewhere)
{
	vbr(mc);
	mc->st.ss = 0x9000;
}
MUT(fs_set)
{
	vbr(mc);
	mc->st.fs = 0x40;
}
MUT(a20_off)
{
	vbr(mc);
	mc->st.a20 = false;
}
MUT(df_set)
{
	vbr(mc);
	mc->st.flags |= 0x400;
}

static const struct tcase cases[] = {
    GOOD(vbr),
    GOOD(logical),
    GOOD(mbr),
    GOOD(seabios_mbr),
    GOOD(pnp_header),
    BAD(wrong_cs_ip, "entered at 0000:7C00"),
    BAD(protected, "real mode"),
    BAD(idt_not_ivt, "IDTR"),
    BAD(if_clear, "interrupts enabled"),
    BAD(bda_mismatch, "BIOS data area"),
    BAD(ivt13_empty, "INT 13h's vector"),
    BAD(no_extensions, "extensions present"),
    BAD(disk_too_small, "AH=48h"),
    BAD(wrong_dl, "DL is the drive"),
    BAD(sector_not_on_disk, "DL is the drive"),
    BAD(es_di_garbage, "ES:DI"),
    BAD(si_outside, "DS:SI points into"),
    BAD(entry_lba_wrong, "starts where this sector was read from"),
    BAD(entry_relative, "starts where this sector was read from"),
    BAD(entry_type_wrong, "the partition's own"),
    BAD(entry_not_active, "baton: the entry's boot flag"),
    BAD(table_copy_wrong, "baton: 0000:0600"),
    BAD(bp_not_si, "BP = SI"),
    BAD(mbr_si_set, "SI = 0"),
    BAD(stack_elsewhere, "SS:SP"),
    BAD(fs_set, "ES = FS = GS"),
    BAD(a20_off, "A20"),
    BAD(df_set, "DF"),
};

int main(int argc, char **argv)
{
	struct st_tally t = {.verbose = argc > 1 && !strcmp(argv[1], "-v")};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture k = {0};
		struct report r = {.putc = cap_putc, .ctx = &k};
		cases[i].mut(&m);
		bs_run_checks(&m.st, &r);
		st_case(&t, cases[i].name, 20, cases[i].want, 10, &k, &r);
	}
	return st_summary(&t, "bootsect-selftest");
}
