/* checks.c: linux32 checks: boot.rst "32-bit Boot Protocol" and loader duties, one line each. */
#include "checks.h"

#define CR0_PE	  (1u << 0)
#define CR0_PG	  (1u << 31)
#define EFLAGS_IF (1u << 9)

/* LAR's access rights (Intel SDM vol. 2, LAR: descriptor bits 40-55 in place, limit bits out). */
#define AR_TYPE_CODE (1u << 11)
#define AR_TYPE_RW   (1u << 9) /* code: readable; data: writable */
#define AR_S	     (1u << 12)
#define AR_DPL	     (3u << 13)
#define AR_P	     (1u << 15)
#define AR_L	     (1u << 21)
#define AR_DB	     (1u << 22)
#define AR_G	     (1u << 23)

static const char sel_name[L32_NSEL][3] = {"CS", "DS", "ES", "SS"};

/*
 * What the CPU itself says of a loaded selector: LAR (access rights) and LSL (limit). code: a
 * 32-bit execute/read segment; else a read/write one with B set (a 32-bit stack for SS).
 */
static const char *lar_problem(const struct l32_state *st, int i, bool code)
{
	uint32_t ar = st->ar[i];
	uint32_t need = AR_P | AR_S | AR_TYPE_RW | AR_DB | AR_G | (code ? AR_TYPE_CODE : 0);

	if (!st->lar_ok[i] || !st->lsl_ok[i])
		return "LAR/LSL refuse the selector (null, beyond the GDT limit, or not a segment)";
	if ((ar & (need | AR_TYPE_CODE | AR_DPL | AR_L)) != need)
		return code ? "not a present DPL 0 32-bit execute/read code segment (G=1, D=1, L=0)"
			    : "not a present DPL 0 read/write data segment (G=1, B=1)";
	if (st->limit[i] != 0xffffffffu)
		return "limit below 4 GiB";
	return NULL;
}

/* --- the CPU state at entry (boot.rst "32-bit Boot Protocol") --- */

static void check_cpu(struct zp *z, const struct l32_state *st)
{
	struct report *r = z->r;
	const char *why;
	int i;

	rp_check(r, (st->cr0 & CR0_PE) && !(st->cr0 & CR0_PG),
		 "32-bit protected mode with paging disabled (CR0.PE set, CR0.PG clear)",
		 "CR0 0x%x", st->cr0);
	rp_check(r, !(st->eflags & EFLAGS_IF), "interrupts disabled at entry (EFLAGS.IF clear)",
		 "EFLAGS 0x%x", st->eflags);
	rp_check(r, st->sel[L32_CS] == BOOT_CS, "CS is __BOOT_CS (0x10)", "CS 0x%x",
		 st->sel[L32_CS]);
	rp_check(r,
		 st->sel[L32_DS] == BOOT_DS && st->sel[L32_ES] == BOOT_DS &&
		     st->sel[L32_SS] == BOOT_DS,
		 "DS, ES and SS are __BOOT_DS (0x18)", "DS 0x%x ES 0x%x SS 0x%x", st->sel[L32_DS],
		 st->sel[L32_ES], st->sel[L32_SS]);

	/* "a GDT must be loaded with the descriptors for selectors __BOOT_CS(0x10) and
	 * __BOOT_DS(0x18)": read through SGDT, then as the CPU sees the loaded selectors. */
	const uint8_t *g = NULL;
	if (st->gdt_limit >= BOOT_DS + 7)
		g = zp_read(z, st->gdt_base, BOOT_DS + 8, BZ_LINEAR);
	zp_check_desc(z, "GDT __BOOT_CS: present 4G flat 32-bit code, execute/read, DPL 0", g,
		      st->gdt_base, st->gdt_limit, BOOT_CS, 32);
	zp_check_desc(z, "GDT __BOOT_DS: present 4G flat data, read/write, DPL 0", g, st->gdt_base,
		      st->gdt_limit, BOOT_DS, 0);
	why = lar_problem(st, L32_CS, true);
	rp_check(r, !why, "CS per LAR/LSL: 32-bit execute/read code, DPL 0, limit 0xFFFFFFFF",
		 "%s: LAR 0x%08x, LSL 0x%08x", why, st->ar[L32_CS], st->limit[L32_CS]);
	for (i = L32_DS, why = NULL; i <= L32_SS && !why; i++)
		why = lar_problem(st, i, false);
	i--;
	rp_check(r, !why,
		 "DS, ES and SS per LAR/LSL: read/write data, B=1, DPL 0, limit 0xFFFFFFFF",
		 "%s %s: LAR 0x%08x, LSL 0x%08x", sel_name[i], why, st->ar[i], st->limit[i]);
}

/* --- all of it --- */

void l32_run_checks(const struct l32_state *st, struct report *r)
{
	struct zp z = {.im = st->im, .r = r, .entry32 = true};

	check_cpu(&z, st);
	rp_check(r, !st->ebp && !st->edi && !st->ebx, "EBP, EDI and EBX are 0",
		 "EBP 0x%x EDI 0x%x EBX 0x%x", st->ebp, st->edi, st->ebx);
	/* "%esi must hold the base address of the struct boot_params". */
	if (!zp_open(&z, "ESI holds the zero page: nonzero, 4 KiB readable", "ESI", st->esi))
		return; /* nothing else can be checked */

	zp_check_header(&z);
	zp_check_zeroed(&z);
	zp_check_cmdline(&z);
	zp_check_placement(&z);
	zp_check_initrd(&z);
	zp_check_below_4g(&z);

	/* The kernel overwrites [load, load + init_size) while still on the loader's GDT. */
	struct zp_range gdt = {st->gdt_base, st->gdt_base + st->gdt_limit + 1ull};
	rp_check(r, !zp_overlaps(gdt, z.kernel), "loader GDT lies outside [load, load + init_size)",
		 "GDT 0x%x-0x%x, kernel 0x%" PX64 "-0x%" PX64, st->gdt_base,
		 st->gdt_base + st->gdt_limit, z.kernel.lo, z.kernel.hi - 1);

	zp_check_e820(&z);
	zp_check_efi(&z);
	zp_check_overlaps(&z);
	zp_check_acpi(&z);
	zp_check_screen(&z);
}
