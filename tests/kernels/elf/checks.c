/* checks.c: baton ELF protocol checks (README "The baton ELF protocol", Multiboot 2 3.6), one line
 * each. */
#include "elf.h"

#define PTE_P	   0x1ull
#define PTE_W	   0x2ull
#define PTE_PS	   0x80ull
#define PTE_XD	   (1ull << 63)
#define PTE_ADDR   0x000ffffffffff000ull
#define CR0_PE	   (1ull << 0)
#define CR0_WP	   (1ull << 16)
#define CR0_PG	   (1ull << 31)
#define CR4_PAE	   (1ull << 5)
#define CR4_LA57   (1ull << 12)
#define EFER_LME   (1ull << 8)
#define EFER_LMA   (1ull << 10)
#define EFER_NXE   (1ull << 11)
#define FL_IF	   (1ull << 9)
#define FL_VM	   (1ull << 17)
#define GIB4	   0x100000000ull
#define MAX_MODS   32
#define MAX_INFO   0x100000
#define PG_DOWN(x) ((x) & ~0xfffull)
#define PG_UP(x)   (((x) + 0xfff) & ~0xfffull)

struct ck {
	const struct elf_state *st;
	struct report *r;
	const uint8_t *info;
	uint64_t info_addr, info_size;
	const uint8_t *tag[22]; /* the first tag of each type (modules: see mods) */
	const uint8_t *mods[MAX_MODS];
	int n_mods;
	const char *cmd;
	size_t cmd_len;
	bool tables_ok; /* every table page seen lies in available RAM, outside handed-over data */
	uint64_t bad_table;
};

static const void *rd(struct ck *c, uint64_t addr, uint64_t len)
{
	if (!addr || addr + len < addr)
		return NULL;
	return c->st->mem(c->st->ctx, addr, len);
}

static const char *seg_name[SEL_N] = {"CS", "DS", "ES", "FS", "GS", "SS"};

/* --- paging (README: ELF64 machine state) --- */

bool elf_translate(const struct elf_state *st, uint64_t va, struct elf_xlate *x)
{
	uint64_t table = st->cr3 & PTE_ADDR;
	bool w = true, xok = true;

	*x = (struct elf_xlate){.size = 4096};
	/* Canonical: bits 63..47 all equal (4-level paging). */
	if ((va >> 47) != 0 && (va >> 47) != 0x1ffff) {
		x->missing = 4;
		return false;
	}
	for (int lvl = 4; lvl >= 1; lvl--) {
		int shift = 12 + 9 * (lvl - 1);
		const uint8_t *t = st->table(st->ctx, table);
		x->tables[x->n_tables++] = table;
		if (!t) {
			x->missing = lvl;
			return false;
		}
		uint64_t e = ld64(t + ((va >> shift) & 511) * 8);
		if (!(e & PTE_P)) {
			x->missing = lvl;
			return false;
		}
		w = w && (e & PTE_W);
		xok = xok && !(e & PTE_XD);
		if (lvl == 1 || ((lvl == 3 || lvl == 2) && (e & PTE_PS))) {
			uint64_t size = 1ull << shift;
			x->pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			x->size = size;
			x->w = w || !(st->cr0 & CR0_WP);
			x->x = xok || !(st->efer & EFER_NXE);
			return true;
		}
		table = e & PTE_ADDR;
	}
	return false;
}

bool elf_identity(const struct elf_state *st, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + (len ? len : 1);
	struct elf_xlate x;

	if (end < addr)
		return false;
	for (uint64_t va = PG_DOWN(addr); va < end; va = (va & ~(x.size - 1)) + x.size)
		if (!elf_translate(st, va, &x) || x.pa != va)
			return false;
	return true;
}

/* Is [lo, hi) inside mmap type-1 entries? */
static bool in_ram(struct ck *c, uint64_t lo, uint64_t hi, uint64_t *gap);

static void note_tables(struct ck *c, const struct elf_xlate *x);

/* [va, va + len) maps to [pa, pa + len) 4 KiB-rounded; need_wx: writable and executable too. */
static void check_map(struct ck *c, const char *what, uint64_t va, uint64_t pa, uint64_t len,
		      bool need_wx)
{
	struct elf_xlate x;
	uint64_t end = PG_UP(va + len);

	for (uint64_t v = PG_DOWN(va); v < end; v = (v & ~(x.size - 1)) + x.size) {
		bool ok = elf_translate(c->st, v, &x);
		note_tables(c, &x);
		uint64_t want = PG_DOWN(pa) + (v - PG_DOWN(va));
		if (!ok) {
			rp_fail(c->r, what, "0x%lx not mapped (level-%d entry not present)",
				(unsigned long)v, x.missing);
			return;
		}
		if (x.pa != want) {
			rp_fail(c->r, what, "virtual 0x%lx maps 0x%lx, not 0x%lx", (unsigned long)v,
				(unsigned long)x.pa, (unsigned long)want);
			return;
		}
		if (need_wx && (!x.w || !x.x)) {
			rp_fail(c->r, what, "0x%lx is %s", (unsigned long)v,
				!x.w ? "read-only" : "not executable (XD)");
			return;
		}
		/* A large page is only identity as a whole when it starts at want's page. */
		if (x.size > 4096 && (v & ~(x.size - 1)) + x.size > end)
			break;
	}
	rp_pass(c->r, what);
}

/* --- CPU state --- */

static void check_seg(struct ck *c, int i, bool code)
{
	const struct elf_state *st = c->st;
	struct seg s;
	bool ok;

	ck_desc(st->desc[i], &s);
	if (code && st->bits == 64) /* "CS a 64-bit code segment" */
		ok = s.p && s.s && (s.type & 8) && s.l && !s.db;
	else if (code) /* "CS a flat 4 GiB 32-bit execute/read segment" */
		ok = s.p && s.s && (s.type & 8) && (s.type & 2) && s.db && !s.l && !s.base &&
		     s.limit == 0xffffffffull;
	else /* "flat 4 GiB read/write segments"; ELF64: "flat data segments" */
		ok = s.p && s.s && !(s.type & 8) && (s.type & 2) && !(s.type & 4) && !s.base &&
		     s.limit == 0xffffffffull;
	char what[96];
	const char *fmt = code ? (st->bits == 64 ? "%s: a 64-bit code segment (L=1, D=0)"
						 : "%s: flat 4 GiB 32-bit execute/read segment")
			       : "%s: flat 4 GiB read/write data segment";
	/* Tiny formatter: the names are fixed, build the line by hand. */
	size_t n = 0;
	for (const char *f = fmt; *f && n < sizeof(what) - 4; f++) {
		if (f[0] == '%' && f[1] == 's') {
			what[n++] = seg_name[i][0], what[n++] = seg_name[i][1];
			f++;
		} else {
			what[n++] = *f;
		}
	}
	what[n] = 0;
	rp_check(
	    c->r, st->desc_ok[i] && ok, what,
	    "selector 0x%x%s, descriptor 0x%08x%08x: P=%u S=%u type=0x%x L=%u D/B=%u base 0x%x "
	    "limit 0x%x",
	    st->sel[i], st->desc_ok[i] ? "" : " (null or outside the GDT)",
	    (unsigned)(st->desc[i] >> 32), (unsigned)st->desc[i], s.p, s.s, s.type, s.l, s.db,
	    (unsigned)s.base, (unsigned)s.limit);
}

static void check_cpu(struct ck *c)
{
	const struct elf_state *st = c->st;
	struct report *r = c->r;

	/* Entry: ELF32 e_entry translated through its PT_LOAD; ELF64 e_entry as virtual. */
	rp_check(r, st->entry == st->entry_want,
		 st->bits == 32 ? "entered at e_entry translated to its physical address"
				: "entered at the virtual e_entry",
		 "ran at 0x%lx, expected 0x%lx", (unsigned long)st->entry,
		 (unsigned long)st->entry_want);
	if (st->bits == 32) {
		rp_check(r, (st->cr0 & CR0_PE) && !(st->cr0 & CR0_PG),
			 "32-bit protected mode, paging off (CR0.PE set, CR0.PG clear)",
			 "CR0 0x%lx", (unsigned long)st->cr0);
		rp_check(r, st->a20 == 1, "A20 on (memory 1 MiB apart is distinct)", "a20 probe %d",
			 st->a20);
	} else {
		rp_check(r,
			 (st->cr0 & CR0_PE) && (st->cr0 & CR0_PG) && (st->cr4 & CR4_PAE) &&
			     (st->efer & EFER_LME) && (st->efer & EFER_LMA),
			 "64-bit long mode (CR0.PE, CR0.PG, CR4.PAE, EFER.LME, EFER.LMA)",
			 "CR0 0x%lx CR4 0x%lx EFER 0x%lx", (unsigned long)st->cr0,
			 (unsigned long)st->cr4, (unsigned long)st->efer);
		rp_check(r, !(st->cr4 & CR4_LA57), "4-level paging (CR4.LA57 clear)", "CR4 0x%lx",
			 (unsigned long)st->cr4);
	}
	check_seg(c, SEL_CS, true);
	for (int i = SEL_DS; i < SEL_N; i++)
		check_seg(c, i, false);
	if (st->bits == 64) /* FS and GS take their base from MSRs in 64-bit mode: flat = 0. */
		rp_check(r, !st->fs_base && !st->gs_base, "FS and GS bases 0 (IA32_FS/GS_BASE)",
			 "FS base 0x%lx GS base 0x%lx", (unsigned long)st->fs_base,
			 (unsigned long)st->gs_base);
	rp_check(r, !(st->flags & FL_IF), st->bits == 32 ? "EFLAGS.IF clear" : "RFLAGS.IF clear",
		 "flags 0x%lx", (unsigned long)st->flags);
	if (st->bits == 32)
		rp_check(r, !(st->flags & FL_VM), "EFLAGS.VM clear", "EFLAGS 0x%lx",
			 (unsigned long)st->flags);
	if (st->bits == 32) {
		rp_check(r, st->ax == ELF_MAGIC, "EAX = 0x36D76289", "EAX 0x%lx",
			 (unsigned long)st->ax);
	} else {
		rp_check(r, st->ax == ELF_MAGIC && st->di == ELF_MAGIC, "RAX = RDI = 0x36D76289",
			 "RAX 0x%lx RDI 0x%lx", (unsigned long)st->ax, (unsigned long)st->di);
		rp_check(r, st->bx == st->si, "RBX = RSI (the information structure)",
			 "RBX 0x%lx RSI 0x%lx", (unsigned long)st->bx, (unsigned long)st->si);
	}
}

/* --- loading (README "Loading") --- */

static void check_load(struct ck *c)
{
	const struct elf_state *st = c->st;
	static const char *const mark[2] = {ELF_MARK0, ELF_MARK1};
	const char *why = NULL;
	int bad = 0;

	/* "every PT_LOAD is loaded at its p_paddr (p_filesz bytes from p_offset ...)" */
	for (int i = 0; i < 2 && !why; i++) {
		const uint8_t *p = rd(c, st->seg[i].paddr, 8);
		bad = i;
		if (!p || !c_memeq(p, mark[i], 8))
			why = "its first 8 bytes are not at p_paddr";
	}
	if (!why) {
		const uint8_t *t = rd(c, st->seg[1].paddr + st->seg[1].filesz - 8, 8);
		if (!t || !c_memeq(t, ELF_TAIL, 8))
			why = "its last file bytes are not at p_paddr + p_filesz - 8";
	}
	rp_check(c->r, !why, "every PT_LOAD at its p_paddr (first and last file bytes)",
		 "PT_LOAD %d (p_paddr 0x%lx): %s", bad, (unsigned long)st->seg[bad].paddr, why);
	/* "... zeros up to p_memsz" */
	rp_check(c->r, !st->bss_bad, "zeros from p_filesz up to p_memsz (bss)",
		 "non-zero byte at 0x%lx", (unsigned long)st->bss_bad);
}

/* --- the information structure (Multiboot 2 3.6) --- */

static long cstr(const uint8_t *t, const char **s)
{
	uint32_t size = ld32(t + 4);

	*s = (const char *)t + 8;
	return size > 8 ? ck_strnlen(*s, size - 8) : -1;
}

static void walk_tags(struct ck *c)
{
	struct report *r = c->r;
	const char *why = NULL;
	uint64_t off = 8, bad = 0;
	bool end = false;

	/* 3.6.1: "u32 total_size, u32 reserved", then 8-aligned tags ending with type 0 size 8. */
	c->info_size = ld32(c->info);
	if (c->info_size < 16 || c->info_size > MAX_INFO ||
	    !(c->info = rd(c, c->info_addr, c->info_size))) {
		rp_fail(r, "information structure: tags 8-aligned, within total_size, end tag last",
			"total_size %lu", (unsigned long)c->info_size);
		c->info = NULL;
		return;
	}
	while (!why && !end) {
		if (off + 8 > c->info_size) {
			why = "runs past total_size without an end tag";
			break;
		}
		const uint8_t *t = c->info + off;
		uint32_t type = ld32(t), size = ld32(t + 4);
		bad = off;
		if (size < 8 || off + size > c->info_size)
			why = "a tag's size is < 8 or past total_size";
		else if (type == 0)
			end = size == 8 ? true : (why = "end tag size is not 8", false);
		else if (type == 3 && c->n_mods < MAX_MODS)
			c->mods[c->n_mods++] = t;
		else if (type < 22 && !c->tag[type])
			c->tag[type] = t;
		off += (size + 7) & ~7u;
	}
	if (!why && off != c->info_size && (off + 0ull) != ((c->info_size + 7) & ~7ull))
		why = "total_size does not end at the end tag";
	rp_check(r, !why, "information structure: tags 8-aligned, within total_size, end tag last",
		 "at offset 0x%lx: %s", (unsigned long)bad, why);
}

static void check_cmdline(struct ck *c)
{
	struct report *r = c->r;
	const char *s = "";
	long n = c->tag[1] ? cstr(c->tag[1], &s) : -1;
	size_t at;
	uint32_t got, want;

	/* Tag 1 "as above": the kernel's path, a space, then the entry's cmdline. */
	if (!rp_check(r, n >= 0, "command line tag (1) present, NUL-terminated", "%s",
		      c->tag[1] ? "unterminated" : "missing"))
		return;
	c->cmd = s, c->cmd_len = (size_t)n;
	size_t sp = 0;
	while (sp < c->cmd_len && s[sp] != ' ')
		sp++;
	rp_check(r, n > 1 && s[0] == '/' && sp < c->cmd_len,
		 "command line: the kernel's path (starting '/'), a space, the arguments", "\"%s\"",
		 s);
	const char *why =
	    ck_sum(s, c->cmd_len, sp < c->cmd_len ? sp + 1 : c->cmd_len, &at, &got, &want);
	rp_check(r, !why, "command line: arguments as given (sum= matches)",
		 "%s: FNV-1a %08x, sum= says %08x", why, got, want);
}

static void check_loader_name(struct ck *c)
{
	const char *s;
	long n = c->tag[2] ? cstr(c->tag[2], &s) : -1;

	rp_check(c->r, n >= 6 && c_memeq(s, "baton ", 6),
		 "boot loader name tag (2): \"baton <version>\"", "%s",
		 n < 0 ? "missing or unterminated" : s);
}

static void check_mods(struct ck *c)
{
	struct report *r = c->r;
	long want = ck_expect(c->cmd, c->cmd_len, "expect.mods=");
	const char *why = NULL;
	int bad = 0;
	uint64_t off = 0;

	if (want >= 0)
		rp_check(r, c->n_mods == want, "module tags (3): as many as expect.mods says",
			 "%d module tags, expect.mods=%ld", c->n_mods, want);
	for (int i = 0; i < c->n_mods && !why; i++) {
		const uint8_t *t = c->mods[i];
		uint32_t lo = ld32(t + 8), hi = ld32(t + 12);
		const char *s;
		size_t vl;
		uint64_t seed;
		bad = i;
		long n = ld32(t + 4) > 16 ? ck_strnlen((const char *)t + 16, ld32(t + 4) - 16) : -1;
		s = (const char *)t + 16;
		const uint8_t *p = hi > lo ? rd(c, lo, hi - lo) : NULL;
		const char *v = n >= 0 ? ck_token(s, n, "seed=", &vl) : NULL;
		if (lo & 0xfff) /* README: "page aligned" */
			why = "mod_start not page aligned";
		else if (!p)
			why = "mod_end <= mod_start, or unreadable";
		else if (n < 2 || s[0] != '/' || !v || !ck_num(v, vl, &seed))
			why = "string is not \"PATH seed=N\"";
		else if ((why = ck_btni(p, hi - lo, &off)))
			;
		else if (seed != ld32(p + 4))
			why = "seed= differs from the BTNI header's seed";
	}
	if (c->n_mods) {
		const uint8_t *t = c->mods[bad];
		rp_check(r, !why,
			 "modules: page aligned, \"PATH seed=N\", every byte of the BTNI file",
			 "module %d at 0x%x-0x%x: %s (offset 0x%lx)", bad, ld32(t + 8),
			 ld32(t + 12), why, (unsigned long)off);
	}
}

static bool in_ram(struct ck *c, uint64_t lo, uint64_t hi, uint64_t *gap)
{
	const uint8_t *t = c->tag[6];
	uint64_t pos = lo;

	if (!t)
		return *gap = lo, false;
	uint32_t es = ld32(t + 8), n = es ? (ld32(t + 4) - 16) / es : 0;
	while (pos < hi) {
		bool moved = false;
		for (uint32_t i = 0; i < n && !moved; i++) {
			const uint8_t *e = t + 16 + i * es;
			uint64_t b = ld64(e), l = ld64(e + 8);
			if (ld32(e + 16) == 1 && b <= pos && pos - b < l)
				pos = b + l, moved = true;
		}
		if (!moved)
			return *gap = pos, false;
	}
	return true;
}

static void check_mem(struct ck *c)
{
	struct report *r = c->r;
	const uint8_t *t = c->tag[6];
	const char *why = NULL;
	uint32_t bad = 0;
	uint64_t gap = 0;

	/* 3.6.8: entry_size a multiple of 8 (>= 24), entry_version 0, types 1..5. */
	if (!t || ld32(t + 8) < 24 || ld32(t + 8) % 8 || ld32(t + 12) != 0 || ld32(t + 4) < 16 + 24)
		why = "missing, or entry_size/entry_version/size wrong";
	uint32_t es = t ? ld32(t + 8) : 24, n = t && !why ? (ld32(t + 4) - 16) / es : 0;
	for (uint32_t i = 0; i < n && !why; i++) {
		const uint8_t *e = t + 16 + i * es;
		uint64_t b = ld64(e), l = ld64(e + 8);
		bad = i;
		if (!l || b + l < b || ld32(e + 16) < 1 || ld32(e + 16) > 5)
			why = "length 0, wrapping, or a type outside 1..5";
		for (uint32_t j = i + 1; j < n && !why; j++) {
			const uint8_t *f = t + 16 + j * es;
			if (rg_overlap((struct range){b, b + l},
				       (struct range){ld64(f), ld64(f) + ld64(f + 8)}))
				why = "overlaps a later entry";
		}
	}
	rp_check(r, !why, "memory map tag (6): entries sane and non-overlapping", "entry %u: %s",
		 bad, why ? why : "");
	if (why)
		c->tag[6] = NULL;

	/* 3.6.7 basic memory: mem_lower from 0, mem_upper from 1 MiB, both in KiB of RAM. */
	const uint8_t *m = c->tag[4];
	bool ok = m && ld32(m + 4) == 16 && ld32(m + 8) <= 640 &&
		  in_ram(c, 0, ld32(m + 8) * 1024ull, &gap) &&
		  in_ram(c, 0x100000, 0x100000 + ld32(m + 12) * 1024ull, &gap);
	rp_check(r, ok, "basic memory information tag (4): mem_lower/mem_upper are RAM in the map",
		 "%s mem_lower %u mem_upper %u", m ? "tag" : "missing", m ? ld32(m + 8) : 0,
		 m ? ld32(m + 12) : 0);

	/* Segments must "fit in RAM": the placed kernel is available RAM in the map. */
	for (int i = 0; i < 2; i++) {
		const struct elf_seg *s = &c->st->seg[i];
		if (!in_ram(c, s->paddr, s->paddr + s->memsz, &gap)) {
			rp_fail(r, "every PT_LOAD's [p_paddr, p_paddr + p_memsz) is RAM (type 1)",
				"PT_LOAD %d: 0x%lx is not in a type-1 entry", i,
				(unsigned long)gap);
			return;
		}
	}
	rp_pass(r, "every PT_LOAD's [p_paddr, p_paddr + p_memsz) is RAM (type 1)");
}

static void check_sections(struct ck *c)
{
	const uint8_t *t = c->tag[9];
	uint32_t ent = c->st->bits == 32 ? 40 : 64;
	const char *why = NULL;

	/* Tag 9: u32 num, entsize, shndx (multiboot2.h and GRUB; baton: the same), headers. */
	if (!t || ld32(t + 4) < 20)
		why = "missing";
	uint32_t num = t ? ld32(t + 8) : 0, es = t ? ld32(t + 12) : 0, ndx = t ? ld32(t + 16) : 0;
	if (!why && (es != ent || !num || ndx >= num || 20 + (uint64_t)num * es > ld32(t + 4)))
		why = "num/entsize/shndx do not describe the headers in the tag";
	const uint8_t *h = t + 20;
	if (!why && (ld32(h + 4) != 0))
		why = "section 0 is not SHT_NULL";
	bool text = false;
	for (uint32_t i = 1; !why && i < num && !text; i++) {
		const uint8_t *s = h + i * es;
		uint64_t addr = ent == 40 ? ld32(s + 12) : ld64(s + 16);
		uint64_t flags = ent == 40 ? ld32(s + 8) : ld64(s + 8);
		text = ld32(s + 4) == 1 && (flags & 6) == 6 && addr == c->st->text_addr;
	}
	if (!why && !text)
		why = "no SHT_PROGBITS alloc+exec header with our .text's sh_addr";
	rp_check(c->r, !why, "ELF sections tag (9): this kernel's section headers",
		 "%s (num %u "
		 "entsize %u shndx %u)",
		 why, num, es, ndx);
}

static void check_efi(struct ck *c)
{
	struct report *r = c->r;
	long efi = ck_expect(c->cmd, c->cmd_len, "expect.efi=");

	if (efi != 1) {
		if (efi == 0)
			rp_check(r, !c->tag[12] && !c->tag[17],
				 "no EFI tags (12, 17) under BIOS (expect.efi=0)",
				 "tag 12 %s, tag 17 %s", c->tag[12] ? "present" : "absent",
				 c->tag[17] ? "present" : "absent");
		return;
	}
	/* Tag 12: the EFI system table; "boot services have ended when the kernel runs". */
	const uint8_t *t = c->tag[12];
	uint64_t a = t && ld32(t + 4) >= 16 ? ld64(t + 8) : 0;
	const uint8_t *s = a ? rd(c, a, 120) : NULL;
	bool ok = s && ld64(s) == 0x5453595320494249ull;
	if (ok) {
		uint8_t copy[120];
		for (int i = 0; i < 120; i++)
			copy[i] = s[i];
		st32(copy + 16, 0);
		ok = ld32(s + 12) == 120 ? crc32_ieee(copy, 120) == ld32(s + 16)
					 : ld32(s + 12) > 120;
	}
	rp_check(r, ok, "EFI 64-bit system table tag (12): a valid system table (expect.efi=1)",
		 "tag %s, pointer 0x%lx", t ? "present" : "missing", (unsigned long)a);
	if (ok)
		rp_check(r, !ld64(s + 96) && !ld64(s + 48) && !ld64(s + 64),
			 "EFI boot services ended (BootServices, ConIn, ConOut NULL)",
			 "BootServices 0x%lx", (unsigned long)ld64(s + 96));
	/* Tag 17: descriptor_size, descriptor_version, the map. */
	t = c->tag[17];
	const char *why = NULL;
	uint32_t ds = t ? ld32(t + 8) : 0, n = t && ds ? (ld32(t + 4) - 16) / ds : 0;
	if (!t || ds < 40 || ds % 8 || ld32(t + 12) != 1 || !n)
		why = "missing, or descriptor_size/version wrong, or empty";
	for (uint32_t i = 0; i < n && !why; i++) {
		const uint8_t *d = t + 16 + i * ds;
		uint32_t type = ld32(d);
		if ((type > 15 && type < 0x70000000) || (ld64(d + 8) & 0xfff) || !ld64(d + 24))
			why = "a descriptor with a bad type, start or page count";
	}
	rp_check(r, !why, "EFI memory map tag (17): sane descriptors (expect.efi=1)", "%s", why);
}

static void check_misc(struct ck *c)
{
	struct report *r = c->r;
	const uint8_t *t;
	long want = ck_expect(c->cmd, c->cmd_len, "expect.rsdp=");

	/* Tags 14/15: copies of the RSDP (version 1: 20 bytes, version 2: its length). */
	if (want == 1)
		rp_check(r, c->tag[14] || c->tag[15],
			 "ACPI RSDP tag (14 or 15) present (expect.rsdp=1)", "neither");
	for (int k = 14; k <= 15; k++) {
		if (!(t = c->tag[k]))
			continue;
		/* Tag 14 holds the ACPI 1.0 part (20 bytes): on ACPI 2.0 firmware, the first 20
		 * bytes of the one RSDP, its revision 2 included (as GRUB gives it). */
		const char *why = ck_rsdp(t + 8, k == 14 ? 20 : ld32(t + 4) - 8);
		if (k == 14 && why && ld32(t + 4) - 8 >= 20 && c_memeq(t + 8, "RSD PTR ", 8) &&
		    !ck_sum8(t + 8, 20))
			why = NULL;
		if (!why && k == 15 && t[8 + 15] < 2)
			why = "revision below 2 in the new RSDP tag";
		rp_check(r, !why,
			 k == 14 ? "ACPI old RSDP tag (14): a valid RSDP v1 copy"
				 : "ACPI new RSDP tag (15): a valid RSDP v2 copy",
			 "%s", why);
	}
	/* Tag 21: "image load base (21, the lowest p_paddr)". */
	t = c->tag[21];
	uint32_t lo =
	    c->st->seg[0].paddr < c->st->seg[1].paddr ? c->st->seg[0].paddr : c->st->seg[1].paddr;
	rp_check(r, t && ld32(t + 4) >= 12 && ld32(t + 8) == lo,
		 "image load base tag (21): the lowest p_paddr",
		 "%s, load_base_addr 0x%x, want 0x%x", t ? "tag" : "missing", t ? ld32(t + 8) : 0,
		 lo);
	/* Optional tags, checked when present. */
	if ((t = c->tag[5]))
		rp_check(r, ld32(t + 4) == 20, "BIOS boot device tag (5): size 20", "size %u",
			 ld32(t + 4));
	if ((t = c->tag[8])) {
		uint64_t fa = ld64(t + 8);
		uint32_t pitch = ld32(t + 16), w = ld32(t + 20), h = ld32(t + 24), bpp = t[28];
		rp_check(r,
			 fa && w && h && bpp && (uint64_t)pitch * 8 >= (uint64_t)w * bpp &&
			     t[29] <= 2,
			 "framebuffer tag (8): address, geometry, pitch >= width * bpp / 8",
			 "addr 0x%lx pitch %u %ux%u bpp %u type %u", (unsigned long)fa, pitch, w, h,
			 bpp, t[29]);
	}
	if ((t = c->tag[13]))
		rp_check(r,
			 ld32(t + 4) >= 24 &&
			     (c_memeq(t + 16, "_SM_", 4) || c_memeq(t + 16, "_SM3_", 5)),
			 "SMBIOS tag (13): an SMBIOS entry point copy",
			 "anchor %02x %02x %02x %02x", t[16], t[17], t[18], t[19]);
}

/* --- page tables (ELF64) --- */

static bool handed_over(struct ck *c, struct range t)
{
	if (rg_overlap(t, (struct range){c->info_addr, c->info_addr + c->info_size}))
		return true;
	for (int i = 0; i < 2; i++)
		if (rg_overlap(t, (struct range){c->st->seg[i].paddr,
						 c->st->seg[i].paddr + c->st->seg[i].memsz}))
			return true;
	for (int i = 0; i < c->n_mods; i++)
		if (rg_overlap(t, (struct range){ld32(c->mods[i] + 8), ld32(c->mods[i] + 12)}))
			return true;
	return false;
}

static void note_tables(struct ck *c, const struct elf_xlate *x)
{
	uint64_t gap;

	for (int i = 0; i < x->n_tables && c->tables_ok; i++) {
		struct range t = {x->tables[i], x->tables[i] + 4096};
		if (!in_ram(c, t.lo, t.hi, &gap) || handed_over(c, t))
			c->tables_ok = false, c->bad_table = t.lo;
	}
}

static void check_paging(struct ck *c)
{
	const struct elf_state *st = c->st;

	/* "The page tables map (writable, executable) the first 4 GiB ... 1:1" */
	check_map(c, "page tables: the first 4 GiB identity-mapped, writable, executable", 0, 0,
		  GIB4, true);
	/* "... each PT_LOAD's [p_vaddr, p_vaddr + p_memsz) (rounded out to 4 KiB) to its p_paddr"
	 */
	check_map(c, "page tables: PT_LOAD 0's virtual range maps its p_paddr", st->seg[0].vaddr,
		  st->seg[0].paddr, st->seg[0].memsz, false);
	check_map(c, "page tables: PT_LOAD 1's virtual range maps its p_paddr", st->seg[1].vaddr,
		  st->seg[1].paddr, st->seg[1].memsz, false);
	/* "... every byte baton placed above it (information structure, modules) 1:1" */
	struct range hi[1 + MAX_MODS];
	int n = 0;
	hi[n++] = (struct range){c->info_addr, c->info_addr + c->info_size};
	for (int i = 0; i < c->n_mods; i++)
		hi[n++] = (struct range){ld32(c->mods[i] + 8), ld32(c->mods[i] + 12)};
	bool any = false;
	for (int i = 0; i < n; i++) {
		if (hi[i].hi <= GIB4 || hi[i].hi <= hi[i].lo)
			continue;
		uint64_t lo = hi[i].lo < GIB4 ? GIB4 : hi[i].lo;
		check_map(
		    c, "page tables: placed data above 4 GiB identity-mapped, writable, executable",
		    lo, lo, hi[i].hi - lo, true);
		any = true;
	}
	if (!any)
		rp_printf(c->r, "NOTE: nothing placed above 4 GiB (not counted)\n");
	/* "The page tables live in memory the memory map reports as available" (and so outside
	 * the segments, modules and information structure the kernel keeps). */
	struct range pml4 = {st->cr3 & PTE_ADDR, (st->cr3 & PTE_ADDR) + 4096};
	uint64_t gap;
	if (!in_ram(c, pml4.lo, pml4.hi, &gap) || handed_over(c, pml4))
		c->tables_ok = false, c->bad_table = pml4.lo;
	rp_check(c->r, c->tables_ok,
		 "page tables in available RAM (type 1), outside segments, modules, info",
		 "table page 0x%lx", (unsigned long)c->bad_table);
}

static void check_overlaps(struct ck *c)
{
	struct range g[3 + MAX_MODS];
	int n = 0;

	g[n++] = (struct range){c->info_addr, c->info_addr + c->info_size};
	for (int i = 0; i < 2; i++)
		g[n++] =
		    (struct range){c->st->seg[i].paddr, c->st->seg[i].paddr + c->st->seg[i].memsz};
	for (int i = 0; i < c->n_mods; i++)
		g[n++] = (struct range){ld32(c->mods[i] + 8), ld32(c->mods[i] + 12)};
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (rg_overlap(g[i], g[j])) {
				rp_fail(c->r,
					"segments, modules and the information structure do not "
					"overlap",
					"0x%lx-0x%lx overlaps 0x%lx-0x%lx", (unsigned long)g[i].lo,
					(unsigned long)g[i].hi, (unsigned long)g[j].lo,
					(unsigned long)g[j].hi);
				return;
			}
	rp_pass(c->r, "segments, modules and the information structure do not overlap");
}

void elf_run_checks(const struct elf_state *st, struct report *r)
{
	struct ck c = {.st = st, .r = r, .tables_ok = true};

	check_cpu(&c);
	check_load(&c);
	/* EBX/RBX: "the physical address of the information structure" (3.6: 8-aligned). */
	c.info_addr = st->bx;
	c.info = st->bx && !(st->bx & 7) ? rd(&c, st->bx, 16) : NULL;
	if (!rp_check(r, c.info != NULL,
		      st->bits == 32 ? "EBX: the information structure, 8-aligned, readable"
				     : "RBX: the information structure, 8-aligned, readable",
		      "0x%lx", (unsigned long)st->bx))
		return;
	walk_tags(&c);
	if (!c.info)
		return;
	check_cmdline(&c);
	check_loader_name(&c);
	check_mods(&c);
	check_mem(&c);
	check_sections(&c);
	check_efi(&c);
	check_misc(&c);
	check_overlaps(&c);
	if (st->bits == 64)
		check_paging(&c);
}
