/* checks.c: linux64 checks: boot.rst "64-bit BOOT PROTOCOL" and loader duties, one line each. */
#include "checks.h"

#define PTE_P	 0x1ull
#define PTE_W	 0x2ull
#define PTE_PS	 0x80ull
#define PTE_XD	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define CR0_PE	  (1ull << 0)
#define CR0_WP	  (1ull << 16)
#define CR0_PG	  (1ull << 31)
#define CR4_PAE	  (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define RFLAGS_IF (1ull << 9)

/* The 64-bit checks' own state beside the shared zero-page one. */
struct ck {
	struct zp z;
	const struct l64_state *st;
	uint64_t table_hit; /* a page-table page inside the kernel range (0: none seen) */
	bool table_hit_seen;
};

/* --- paging (boot.rst: "...get ident mapping") --- */

bool l64_translate(const struct l64_state *st, uint64_t va, struct l64_xlate *x)
{
	uint64_t table = st->cr3 & PTE_ADDR;
	bool w = true, xok = true;

	*x = (struct l64_xlate){0};
	if (st->cr4 & CR4_LA57) {
		x->level_missing = 5; /* 5-level paging: this kernel does not declare XLF_5LEVEL */
		return false;
	}
	if (va >> 47) {
		x->level_missing = 4; /* not a lower-half canonical address */
		return false;
	}
	for (int lvl = 4; lvl >= 1; lvl--) {
		int shift = 12 + 9 * (lvl - 1);
		const uint8_t *t = st->im.mem(st->im.ctx, table, 4096, BZ_TABLE);
		x->tables[x->n_tables++] = table;
		if (!t) {
			x->level_missing = lvl;
			return false;
		}
		uint64_t e = ld64(t + ((va >> shift) & 511) * 8);
		if (!(e & PTE_P)) {
			x->level_missing = lvl;
			return false;
		}
		w = w && (e & PTE_W);
		xok = xok && !(e & PTE_XD);
		/* PS: a 1 GiB page in a PDPTE, a 2 MiB page in a PDE (bit 7 of a PTE is PAT). */
		if (lvl == 1 || ((lvl == 3 || lvl == 2) && (e & PTE_PS))) {
			uint64_t size = 1ull << shift;
			x->pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			x->page_size = size;
			x->writable = w || !(st->cr0 & CR0_WP);
			x->executable = xok || !(st->efer & EFER_NXE);
			return true;
		}
		table = e & PTE_ADDR;
	}
	return false;
}

bool l64_identity(const struct l64_state *st, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + (len ? len : 1);
	struct l64_xlate x;

	if (end < addr)
		return false;
	for (uint64_t va = addr & ~0xfffull; va < end;
	     va = (va & ~(x.page_size - 1)) + x.page_size) {
		if (!l64_translate(st, va, &x) || x.pa != va)
			return false;
	}
	return true;
}

/* Walks [lo, hi): present, identity, writable (and executable when need_x). */
static void check_idmap(struct ck *c, const char *what, uint64_t lo, uint64_t hi, bool need_x)
{
	struct l64_xlate x;

	if (hi <= lo) {
		rp_fail(c->z.r, what, "empty or wrapping range 0x%lx-0x%lx", lo, hi);
		return;
	}
	for (uint64_t va = lo & ~0xfffull; va < hi; va = (va & ~(x.page_size - 1)) + x.page_size) {
		bool ok = l64_translate(c->st, va, &x);
		for (int i = 0; i < x.n_tables; i++) {
			struct zp_range t = {x.tables[i], x.tables[i] + 4096};
			if (!c->table_hit_seen && zp_overlaps(t, c->z.kernel))
				c->table_hit = x.tables[i], c->table_hit_seen = true;
		}
		if (!ok) {
			if (x.level_missing == 5)
				rp_fail(c->z.r, what,
					"CR4.LA57 set: 5-level paging, not declared by XLF_5LEVEL");
			else
				rp_fail(
				    c->z.r, what,
				    "0x%lx not mapped (level-%d entry not present, table 0x%lx)",
				    va, x.level_missing, x.n_tables ? x.tables[x.n_tables - 1] : 0);
			return;
		}
		if (x.pa != va) {
			rp_fail(c->z.r, what, "virtual 0x%lx maps physical 0x%lx, not itself", va,
				x.pa);
			return;
		}
		if (!x.writable) {
			rp_fail(c->z.r, what, "0x%lx is read-only (CR0.WP set, an R/W bit clear)",
				va);
			return;
		}
		if (need_x && !x.executable) {
			rp_fail(c->z.r, what,
				"0x%lx is not executable (EFER.NXE set, an XD bit set)", va);
			return;
		}
	}
	rp_pass(c->z.r, what);
}

/* --- the CPU state at entry (boot.rst "64-bit BOOT PROTOCOL") --- */

static void check_cpu(struct ck *c)
{
	const struct l64_state *st = c->st;
	struct report *r = c->z.r;

	rp_check(r,
		 (st->efer & EFER_LMA) && (st->cr0 & CR0_PG) && (st->cr0 & CR0_PE) &&
		     (st->cr4 & CR4_PAE),
		 "CPU in 64-bit mode with paging (EFER.LMA, CR0.PG, CR0.PE, CR4.PAE)",
		 "EFER 0x%lx CR0 0x%lx CR4 0x%lx", st->efer, st->cr0, st->cr4);
	/* The kernel does not set XLF_5LEVEL (bootparam.h), so the loader must not enable LA57. */
	rp_check(r, !(st->cr4 & CR4_LA57),
		 "4-level paging (CR4.LA57 clear; no XLF_5LEVEL declared)", "CR4 0x%lx", st->cr4);
	rp_check(r, !(st->rflags & RFLAGS_IF), "interrupts disabled at entry (RFLAGS.IF clear)",
		 "RFLAGS 0x%lx", st->rflags);
	rp_check(r, st->cs == BOOT_CS, "CS is __BOOT_CS (0x10)", "CS 0x%x", st->cs);
	rp_check(r, st->ds == BOOT_DS && st->es == BOOT_DS && st->ss == BOOT_DS,
		 "DS, ES and SS are __BOOT_DS (0x18)", "DS 0x%x ES 0x%x SS 0x%x", st->ds, st->es,
		 st->ss);

	const uint8_t *g = NULL;
	if (st->gdt_limit >= BOOT_DS + 7)
		g = zp_read(&c->z, st->gdt_base, BOOT_DS + 8, BZ_LINEAR);
	zp_check_desc(&c->z, "GDT __BOOT_CS: present 4G flat 64-bit code, execute/read, DPL 0", g,
		      st->gdt_base, st->gdt_limit, BOOT_CS, 64);
	zp_check_desc(&c->z, "GDT __BOOT_DS: present 4G flat data, read/write, DPL 0", g,
		      st->gdt_base, st->gdt_limit, BOOT_DS, 0);
}

/* --- all of it --- */

void l64_run_checks(const struct l64_state *st, struct report *r)
{
	struct ck c = {.st = st};
	struct zp *z = &c.z;

	*z = (struct zp){.im = st->im, .r = r};
	check_cpu(&c);
	/* "%rsi must hold the base address of the struct boot_params". */
	if (!zp_open(z, "RSI holds the zero page: nonzero, 4 KiB readable and identity-mapped",
		     "RSI", st->rsi))
		return; /* nothing else can be checked */

	zp_check_header(z);
	zp_check_zeroed(z);
	zp_check_cmdline(z);
	zp_check_placement(z);

	/* "The range with setup_header.init_size from start address of loaded kernel and zero page
	 * and command line buffer get ident mapping". */
	check_idmap(&c, "identity map: kernel [load, load + init_size), writable, executable",
		    z->kernel.lo, z->kernel.hi, true);
	check_idmap(&c, "identity map: zero page, writable", z->bp_addr, z->bp_addr + ZP_SIZE,
		    false);
	if (z->cmd_addr)
		check_idmap(&c, "identity map: command line, writable", z->cmd_addr,
			    z->cmd_addr + (z->cmd ? z->cmd_len + 1 : 1), false);

	zp_check_initrd(z);
	if (z->rd_size)
		check_idmap(&c,
			    "identity map: initrd (baton promise; boot.rst maps kernel, zero page, "
			    "cmdline)",
			    z->rd_addr, z->rd_addr + z->rd_size, false);

	/* The kernel overwrites [load, load + init_size) while still on the loader's tables and
	 * GDT. */
	struct zp_range gdt = {st->gdt_base, st->gdt_base + st->gdt_limit + 1ull};
	struct zp_range pml4 = {st->cr3 & PTE_ADDR, (st->cr3 & PTE_ADDR) + 4096};
	uint64_t hit = zp_overlaps(gdt, z->kernel)    ? st->gdt_base
		       : zp_overlaps(pml4, z->kernel) ? pml4.lo
		       : c.table_hit_seen	      ? c.table_hit
						      : 0;
	rp_check(r,
		 !zp_overlaps(gdt, z->kernel) && !zp_overlaps(pml4, z->kernel) && !c.table_hit_seen,
		 "loader GDT and page tables lie outside [load, load + init_size)",
		 "0x%lx is inside 0x%lx-0x%lx", hit, z->kernel.lo, z->kernel.hi - 1);

	zp_check_below_4g(z);
	zp_check_e820(z);
	zp_check_efi(z);
	zp_check_overlaps(z);
	zp_check_acpi(z);
	zp_check_screen(z);
}
