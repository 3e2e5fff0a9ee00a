/* checks.c: PVH checks (Xen docs/misc/pvh.pandoc, public/arch-x86/hvm/start_info.h), one line each.
 */
#include "pvh.h"

#define CR0_PE	   (1u << 0)
#define CR0_ET	   (1u << 4) /* fixed to 1 on P6 and later: not writeable */
#define EFLAGS_TF  (1u << 8)
#define EFLAGS_IF  (1u << 9)
#define EFLAGS_VM  (1u << 17)
#define SI_MAGIC   0x336ec578u
#define SI_V0_SIZE 48
#define SI_V1_SIZE 56
#define MOD_SIZE   32
#define MAP_SIZE   24
#define SIF_KNOWN  0xff1fu /* xen.h SIF_PRIVILEGED..SIF_VIRT_P2M_4TOOLS, SIF_PM_MASK */
#define MAX_MODS   64
#define MAX_MAP	   1024
#define MAX_STR	   65536

struct ck {
	const struct pvh_state *st;
	struct report *r;
	const uint8_t *si;
	uint32_t version, nmods, nmap;
	const char *cmd;
	long cmd_len;
	long want_mods, want_map, want_rsdp, want_modcmd;
	const uint8_t *mods, *map;
	uint64_t mods_addr, map_addr, cmd_addr;
};

static const void *rd(struct ck *c, uint64_t addr, uint64_t len)
{
	if (!addr || addr + len < addr)
		return NULL;
	return c->st->mem(c->st->ctx, addr, len);
}

/* A string at addr: its length (NUL not counted), or -1 when unreadable or unterminated. */
static long str_at(struct ck *c, uint64_t addr, const char **out)
{
	uint64_t n = 0;

	*out = NULL;
	/* Read a byte at a time so a string near the end of memory is still found. */
	for (; n < MAX_STR; n++) {
		const char *p = rd(c, addr + n, 1);
		if (!p)
			return -1;
		if (!*p) {
			*out = rd(c, addr, n + 1);
			return *out ? (long)n : -1;
		}
	}
	return -1;
}

/* --- machine state (pvh.pandoc, the list after "with the following machine state") --- */

static void check_code(struct ck *c)
{
	const struct pvh_state *st = c->st;
	struct seg s;

	ck_desc(st->desc[SEL_CS], &s);
	/* "cs: must be a 32-bit read/execute code segment with a base of '0' and a limit of
	 * '0xFFFFFFFF'. The selector value is unspecified." */
	rp_check(c->r,
		 st->desc_ok[SEL_CS] && s.p && s.s && (s.type & 8) && (s.type & 2) && s.db &&
		     !s.l && s.base == 0 && s.limit == 0xffffffffull,
		 "CS: 32-bit read/execute code segment, base 0, limit 0xFFFFFFFF",
		 "selector 0x%x%s, descriptor 0x%08x%08x: P=%u S=%u type=0x%x D=%u L=%u base 0x%x "
		 "limit 0x%x",
		 st->sel[SEL_CS], st->desc_ok[SEL_CS] ? "" : " (not in the GDT)",
		 (unsigned)(st->desc[SEL_CS] >> 32), (unsigned)st->desc[SEL_CS], s.p, s.s, s.type,
		 s.db, s.l, (unsigned)s.base, (unsigned)s.limit);
}

static void check_data(struct ck *c, int i, const char *what, const char *name)
{
	const struct pvh_state *st = c->st;
	struct seg s;

	ck_desc(st->desc[i], &s);
	/* "ds, es: must be a 32-bit read/write data segment with a base of '0' and a limit of
	 * '0xFFFFFFFF'." Expand-down would turn the limit around: not flat. */
	rp_check(c->r,
		 st->desc_ok[i] && s.p && s.s && !(s.type & 8) && (s.type & 2) && !(s.type & 4) &&
		     s.db && s.base == 0 && s.limit == 0xffffffffull,
		 what,
		 "%s selector 0x%x%s, descriptor 0x%08x%08x: P=%u S=%u type=0x%x B=%u base 0x%x "
		 "limit 0x%x",
		 name, st->sel[i], st->desc_ok[i] ? "" : " (null or outside the GDT)",
		 (unsigned)(st->desc[i] >> 32), (unsigned)st->desc[i], s.p, s.s, s.type, s.db,
		 (unsigned)s.base, (unsigned)s.limit);
}

static void check_machine(struct ck *c)
{
	const struct pvh_state *st = c->st;
	struct report *r = c->r;

	/* "jump into the entry point defined at XEN_ELFNOTE_PHYS32_ENTRY" */
	rp_check(r, st->eip == st->eip_want, "entered at the XEN_ELFNOTE_PHYS32_ENTRY address",
		 "ran at 0x%x, the note says 0x%x", st->eip, st->eip_want);
	/* "cr0: bit 0 (PE) must be set. All the other writeable bits are cleared." */
	rp_check(r, (st->cr0 & ~CR0_ET) == CR0_PE,
		 "CR0: PE set, all other writeable bits clear (paging off)", "CR0 0x%x", st->cr0);
	/* "cr4: all bits are cleared." */
	rp_check(r, st->cr4 == 0, "CR4: all bits clear", "CR4 0x%x", st->cr4);
	check_code(c);
	check_data(c, SEL_DS, "DS: 32-bit read/write data segment, base 0, limit 0xFFFFFFFF", "DS");
	check_data(c, SEL_ES, "ES: 32-bit read/write data segment, base 0, limit 0xFFFFFFFF", "ES");
	/* "tr: must be a 32-bit TSS (active) with a base of '0' and a limit of '0x67'." With a
	 * null selector (Xen loads the hidden part directly) the descriptor cannot be seen. */
	if (!st->sel[SEL_TR]) {
		rp_printf(r,
			  "NOTE: TR selector is 0: its hidden base and limit cannot be inspected "
			  "(not counted)\n");
	} else {
		struct seg s;
		ck_desc(st->desc[SEL_TR], &s);
		rp_check(r,
			 st->desc_ok[SEL_TR] && s.p && !s.s && s.type == 0xb && s.base == 0 &&
			     s.limit == 0x67,
			 "TR: active (busy) 32-bit TSS, base 0, limit 0x67",
			 "selector 0x%x, P=%u S=%u type=0x%x base 0x%x limit 0x%x", st->sel[SEL_TR],
			 s.p, s.s, s.type, (unsigned)s.base, (unsigned)s.limit);
	}
	/* "eflags: bit 17 (VM) must be cleared. Bit 9 (IF) must be cleared. Bit 8 (TF) must be
	 * cleared." */
	rp_check(r, !(st->eflags & EFLAGS_VM), "EFLAGS.VM clear", "EFLAGS 0x%x", st->eflags);
	rp_check(r, !(st->eflags & EFLAGS_IF), "EFLAGS.IF clear", "EFLAGS 0x%x", st->eflags);
	rp_check(r, !(st->eflags & EFLAGS_TF), "EFLAGS.TF clear", "EFLAGS 0x%x", st->eflags);

	/* "The domain builder must load the kernel": every PT_LOAD at p_paddr, bss zeroed (ELF). */
	const uint8_t *h = rd(c, st->kernel.lo, 8), *t = rd(c, st->file_end - 8, 8);
	rp_check(r, h && t && c_memeq(h, PVH_MARK_HEAD, 8) && c_memeq(t, PVH_MARK_TAIL, 8),
		 "kernel loaded at p_paddr: first and last file bytes in place",
		 "head at 0x%lx %s, tail at 0x%lx %s", (unsigned long)st->kernel.lo,
		 h && c_memeq(h, PVH_MARK_HEAD, 8) ? "ok" : "differs",
		 (unsigned long)(st->file_end - 8),
		 t && c_memeq(t, PVH_MARK_TAIL, 8) ? "ok" : "differs");
	rp_check(r, !st->bss_bad, "bss (p_memsz past p_filesz) is zero at entry",
		 "non-zero byte at 0x%x", st->bss_bad);
}

/* --- the start info (start_info.h) --- */

static void check_cmdline(struct ck *c)
{
	struct report *r = c->r;
	uint64_t a = ld64(c->si + 24);
	size_t at;
	uint32_t got, want;

	c->cmd_addr = a;
	c->cmd_len = a ? str_at(c, a, &c->cmd) : -1;
	/* "cmdline_paddr: Physical address of the command line, a zero-terminated ASCII string" */
	if (!rp_check(r, c->cmd_len >= 0, "cmdline_paddr: a NUL-terminated command line",
		      "cmdline_paddr 0x%lx %s", (unsigned long)a,
		      a ? "unreadable or unterminated" : "is 0 (not present)")) {
		c->cmd = NULL;
		return;
	}
	const char *why = ck_sum(c->cmd, c->cmd_len, 0, &at, &got, &want);
	rp_check(r, !why, "command line: bytes as given (sum= matches)",
		 "%s: FNV-1a %08x, sum= says %08x, line \"%s\"", why, got, want, c->cmd);
	c->want_mods = ck_expect(c->cmd, c->cmd_len, "expect.mods=");
	c->want_map = ck_expect(c->cmd, c->cmd_len, "expect.memmap=");
	c->want_rsdp = ck_expect(c->cmd, c->cmd_len, "expect.rsdp=");
	c->want_modcmd = ck_expect(c->cmd, c->cmd_len, "expect.modcmd=");
}

static void check_mods(struct ck *c)
{
	struct report *r = c->r;
	const char *what;

	c->nmods = ld32(c->si + 12);
	c->mods_addr = ld64(c->si + 16);
	c->mods = NULL;
	if (c->want_mods >= 0)
		rp_check(r, c->nmods == (uint64_t)c->want_mods, "nr_modules as expect.mods says",
			 "nr_modules %u, expect.mods=%ld", c->nmods, c->want_mods);
	if (!c->nmods)
		return;
	what = "modlist_paddr: nr_modules hvm_modlist_entry records, readable";
	c->mods = c->nmods <= MAX_MODS ? rd(c, c->mods_addr, c->nmods * MOD_SIZE) : NULL;
	if (!rp_check(r, c->mods != NULL, what, "modlist_paddr 0x%lx, nr_modules %u",
		      (unsigned long)c->mods_addr, c->nmods))
		return;

	const char *e_entry = NULL, *e_data = NULL, *e_cmd = NULL;
	unsigned bad_e = 0, bad_d = 0, bad_c = 0;
	uint64_t off = 0;
	for (uint32_t i = 0; i < c->nmods; i++) {
		const uint8_t *m = c->mods + i * MOD_SIZE;
		uint64_t pa = ld64(m), size = ld64(m + 8), ca = ld64(m + 16);
		/* "nothing will be loaded at physical address 0"; reserved: unused, zero. */
		if (!e_entry && (!pa || !size || pa + size < pa || ld64(m + 24)))
			e_entry = "paddr or size 0, wrapping, or reserved not 0", bad_e = i;
		const uint8_t *p = pa && size ? rd(c, pa, size) : NULL;
		const char *why = p ? ck_btni(p, size, &off) : "cannot be read";
		if (!e_data && why)
			e_data = why, bad_d = i;
		if (!ca) {
			if (!e_cmd && c->want_modcmd == 1)
				e_cmd = "no cmdline_paddr (expect.modcmd=1)", bad_c = i;
			continue;
		}
		const char *s;
		long n = str_at(c, ca, &s);
		size_t vl;
		uint64_t seed;
		const char *v = n >= 0 ? ck_token(s, n, "seed=", &vl) : NULL;
		if (e_cmd)
			continue;
		if (n < 0)
			e_cmd = "unreadable or unterminated", bad_c = i;
		else if (!v || !ck_num(v, vl, &seed))
			e_cmd = "no seed=N token", bad_c = i;
		else if (p && !why && seed != ld32(p + 4))
			e_cmd = "seed= differs from the BTNI header's seed", bad_c = i;
	}
	for (uint32_t i = 0; i < c->nmods; i++) {
		const uint8_t *m = c->mods + i * MOD_SIZE;
		rp_printf(r, "module %u: paddr 0x%lx size 0x%lx cmdline_paddr 0x%lx\n", i,
			  (unsigned long)ld64(m), (unsigned long)ld64(m + 8),
			  (unsigned long)ld64(m + 16));
	}
	rp_check(r, !e_entry, "module entries: paddr and size set, reserved 0", "module %u: %s",
		 bad_e, e_entry);
	const uint8_t *m = c->mods + bad_d * MOD_SIZE;
	rp_check(r, !e_data, "modules: every byte as the BTNI file holds it",
		 "module %u at 0x%lx, 0x%lx bytes: %s (offset 0x%lx)", bad_d,
		 (unsigned long)ld64(m), (unsigned long)ld64(m + 8), e_data, (unsigned long)off);
	rp_check(r, !e_cmd, "module command lines: NUL-terminated, seed= matches the module",
		 "module %u: %s", bad_c, e_cmd);
}

static bool known_type(uint32_t t)
{
	/* XEN_HVM_MEMMAP_TYPE_RAM .. _PMEM, and the Xen-specific 0xF0000001 .. 0xF0000004 */
	return (t >= 1 && t <= 7) || (t >= 0xf0000001u && t <= 0xf0000004u);
}

/* Is [lo, hi) inside type-1 entries? *gap: the first byte that is not. */
static bool in_ram(struct ck *c, uint64_t lo, uint64_t hi, uint64_t *gap)
{
	uint64_t pos = lo;

	while (pos < hi) {
		bool moved = false;
		for (uint32_t i = 0; i < c->nmap && !moved; i++) {
			const uint8_t *e = c->map + i * MAP_SIZE;
			uint64_t b = ld64(e), l = ld64(e + 8);
			if (ld32(e + 16) == 1 && b <= pos && pos - b < l)
				pos = b + l, moved = true;
		}
		if (!moved) {
			*gap = pos;
			return false;
		}
	}
	return true;
}

static void check_memmap(struct ck *c)
{
	struct report *r = c->r;
	const char *why = NULL;
	uint32_t bad = 0;

	c->nmap = 0;
	c->map = NULL;
	if (c->version < 1)
		return;
	c->map_addr = ld64(c->si + 40);
	uint32_t n = ld32(c->si + 48);
	/* "guests ... must check that memmap_entries is non-zero before trying to read" */
	if (c->want_map == 1)
		rp_check(r, n > 0, "memmap_entries non-zero (expect.memmap=1)", "memmap_entries 0");
	if (!n)
		return;
	c->map = n <= MAX_MAP ? rd(c, c->map_addr, (uint64_t)n * MAP_SIZE) : NULL;
	if (!rp_check(r, c->map != NULL, "memmap_paddr: memmap_entries records, readable",
		      "memmap_paddr 0x%lx, memmap_entries %u", (unsigned long)c->map_addr, n))
		return;
	c->nmap = n;
	for (uint32_t i = 0; i < n && !why; i++) {
		const uint8_t *e = c->map + i * MAP_SIZE;
		uint64_t b = ld64(e), l = ld64(e + 8);
		bad = i;
		if (!l || b + l < b)
			why = "size 0 or wrapping";
		else if (!known_type(ld32(e + 16)))
			why = "unknown type";
		else if (ld32(e + 20)) /* "reserved: Must be zero for Version 1." */
			why = "reserved not 0";
	}
	const uint8_t *e = c->map + bad * MAP_SIZE;
	rp_check(r, !why, "memmap: entries with size, known type, reserved 0",
		 "entry %u (0x%lx, 0x%lx bytes, type 0x%x, reserved 0x%x): %s", bad,
		 (unsigned long)ld64(e), (unsigned long)ld64(e + 8), ld32(e + 16), ld32(e + 20),
		 why);
	/* Not in start_info.h: E820 convention, and what baton and QEMU build. */
	why = NULL;
	for (uint32_t i = 1; i < n && !why; i++) {
		e = c->map + i * MAP_SIZE;
		bad = i;
		if (ld64(e) < ld64(e - MAP_SIZE) + ld64(e - MAP_SIZE + 8))
			why = "starts before the previous entry ends";
	}
	rp_check(r, !why, "memmap: sorted by address, non-overlapping (convention)",
		 "entry %u at 0x%lx: %s", bad, (unsigned long)ld64(c->map + bad * MAP_SIZE), why);

	uint64_t gap = 0;
	rp_check(r, in_ram(c, c->st->kernel.lo, c->st->kernel.hi, &gap),
		 "memmap: the kernel's [p_paddr, p_paddr + p_memsz) is RAM (type 1)",
		 "0x%lx is not in a type-1 entry", (unsigned long)gap);
	bool ok = true;
	uint32_t i;
	for (i = 0; i < c->nmods && c->mods && ok; i++)
		ok = in_ram(c, ld64(c->mods + i * MOD_SIZE),
			    ld64(c->mods + i * MOD_SIZE) + ld64(c->mods + i * MOD_SIZE + 8), &gap);
	if (c->nmods && c->mods)
		rp_check(r, ok, "memmap: every module is RAM (type 1)",
			 "module %u: 0x%lx is not in a type-1 entry", i - 1, (unsigned long)gap);
}

static void check_rsdp(struct ck *c)
{
	uint64_t a = ld64(c->si + 32);

	if (c->want_rsdp == 1)
		rp_check(c->r, a != 0, "rsdp_paddr set (expect.rsdp=1)", "rsdp_paddr is 0");
	if (!a)
		return;
	const uint8_t *p = rd(c, a, 36);
	uint64_t avail = 36;
	if (!p)
		p = rd(c, a, 20), avail = 20;
	const char *why = p ? ck_rsdp(p, avail) : "cannot be read";
	rp_check(c->r, !why, "rsdp_paddr: a valid RSDP (signature, checksums)", "at 0x%lx: %s",
		 (unsigned long)a, why);
}

/* Everything handed over, and the kernel: nothing may overlap. */
static void check_overlaps(struct ck *c)
{
	struct range g[4 + MAX_MODS];
	const char *name[4 + MAX_MODS];
	int n = 0;

	g[n] = c->st->kernel, name[n++] = "kernel";
	g[n] = (struct range){c->st->ebx, c->st->ebx + (c->version ? SI_V1_SIZE : SI_V0_SIZE)};
	name[n++] = "start info";
	if (c->cmd)
		g[n] = (struct range){c->cmd_addr, c->cmd_addr + c->cmd_len + 1},
		name[n++] = "cmdline";
	if (c->mods)
		g[n] = (struct range){c->mods_addr, c->mods_addr + c->nmods * MOD_SIZE},
		name[n++] = "module list";
	if (c->map) {
		g[n] = (struct range){c->map_addr, c->map_addr + c->nmap * MAP_SIZE};
		name[n++] = "memmap";
	}
	for (uint32_t i = 0; c->mods && i < c->nmods; i++) {
		const uint8_t *m = c->mods + i * MOD_SIZE;
		g[n] = (struct range){ld64(m), ld64(m) + ld64(m + 8)}, name[n++] = "a module";
	}
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			if (rg_overlap(g[i], g[j])) {
				rp_fail(c->r,
					"modules, start info, lists and the kernel do not overlap",
					"%s 0x%lx-0x%lx overlaps %s 0x%lx-0x%lx", name[i],
					(unsigned long)g[i].lo, (unsigned long)g[i].hi - 1, name[j],
					(unsigned long)g[j].lo, (unsigned long)g[j].hi - 1);
				return;
			}
		}
	}
	rp_pass(c->r, "modules, start info, lists and the kernel do not overlap");
}

void pvh_run_checks(const struct pvh_state *st, struct report *r)
{
	struct ck c = {
	    .st = st, .r = r, .want_mods = -1, .want_map = -1, .want_rsdp = -1, .want_modcmd = -1};

	check_machine(&c);
	/* "ebx: contains the physical memory address where the loader has placed the boot start
	 * info structure." */
	c.si = rd(&c, st->ebx, SI_V0_SIZE);
	if (!rp_check(r, c.si != NULL, "EBX: the start info's address, non-zero and readable",
		      "EBX 0x%x", st->ebx))
		return;
	if (!rp_check(r, ld32(c.si) == SI_MAGIC, "start info magic is 0x336ec578", "magic 0x%x",
		      ld32(c.si)))
		return;
	c.version = ld32(c.si + 4);
	if (c.version >= 1 && !(c.si = rd(&c, st->ebx, SI_V1_SIZE)))
		c.version = 0, c.si = rd(&c, st->ebx, SI_V0_SIZE);
	rp_printf(r,
		  "start info: version %u flags 0x%x nr_modules %u modlist 0x%lx cmdline 0x%lx "
		  "rsdp 0x%lx",
		  c.version, ld32(c.si + 8), ld32(c.si + 12), (unsigned long)ld64(c.si + 16),
		  (unsigned long)ld64(c.si + 24), (unsigned long)ld64(c.si + 32));
	if (c.version >= 1)
		rp_printf(r, " memmap 0x%lx entries %u", (unsigned long)ld64(c.si + 40),
			  ld32(c.si + 48));
	rp_puts(r, "\n");
	check_cmdline(&c);
	if (c.want_map == 1)
		rp_check(r, c.version >= 1,
			 "start info version >= 1: memmap fields present (expect.memmap=1)",
			 "version %u", c.version);
	rp_check(r, !(ld32(c.si + 8) & ~SIF_KNOWN), "flags: only defined SIF_* bits", "flags 0x%x",
		 ld32(c.si + 8));
	if (c.version >= 1)
		rp_check(r, !ld32(c.si + 52), "start info reserved field is 0 (version 1)",
			 "reserved 0x%x", ld32(c.si + 52));
	check_mods(&c);
	check_memmap(&c);
	check_rsdp(&c);
	check_overlaps(&c);
}
