/* checks.c: Multiboot 2 (spec 2.0) checks over a captured state: machine state, boot information,
 * image. */
#include "mb2.h"

#define MAX_MODS  16
#define ALIGN8(x) (((x) + 7) & ~(uint64_t)7)
#define KIB	  1024u

/* LAR access-rights bits (the descriptor's bytes 5 and 6 in bits 8-23). */
#define AR_TYPE(a) ((a) >> 8 & 15)
#define AR_S	   (1u << 12)
#define AR_P	   (1u << 15)
#define AR_L	   (1u << 21)
#define AR_DB	   (1u << 22)
#define AR_G	   (1u << 23)

#define CR0_PE	  (1ull << 0)
#define CR0_PG	  (1ull << 31)
#define EFER_LMA  (1ull << 10)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)

struct range {
	uint64_t lo, hi; /* [lo, hi) */
};

struct ck {
	const struct mb2_state *st;
	struct report *r;
	const uint8_t *info;
	uint32_t total;
	bool walk_ok;	    /* the tag list is well formed: later checks may look tags up */
	uint32_t requested; /* from our own header's required information requests */
	bool relocatable;   /* and its relocatable tag (3.1.13) */
	uint32_t rmin, rmax, ralign;
	const uint8_t *seal; /* NULL when the image cannot be read */
	struct range kernel; /* [run, run + memsz) */
	const char *cmd;     /* command line, NUL-terminated within its tag (or NULL) */
	bool sum_ok;	     /* expectations only count when sum= vouches for them */
	int exp_path, exp_mods, exp_fb, exp_fbmode, exp_rsdp; /* -1: no token */
	int exp_bootdev; /* -1: no token, 0: no tag 5, 1: tag 5 as bootdev_word says */
	uint32_t bootdev_word;
	const char *exp_name;
	size_t exp_name_len;
};

static const void *rd(const struct ck *c, uint64_t addr, uint64_t len)
{
	if (addr + len < addr)
		return NULL;
	return c->st->mem(c->st->ctx, addr, len);
}

static bool overlaps(struct range a, struct range b)
{
	return a.lo < b.hi && b.lo < a.hi;
}

/* A NUL within [p, p + n): the string is terminated inside its tag. */
static bool has_nul(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (!p[i])
			return true;
	return false;
}

uint32_t mb2_image_sum(const uint8_t *img, uint64_t filesz, uint64_t seal_off)
{
	uint32_t h = FNV1A_INIT;
	static const uint8_t zero;

	for (uint64_t i = 0; i < filesz; i++) {
		bool field = i >= seal_off + 8 && i < seal_off + SEAL_SIZE;
		h = fnv1a32(h, field ? &zero : img + i, 1);
	}
	return h;
}

const uint8_t *mb2_tag(const struct mb2_state *st, unsigned type, uint32_t *size)
{
	const uint8_t *h = st->mem(st->ctx, st->info, 8);
	if (!h || ld32(h) < 16)
		return NULL;
	uint32_t total = ld32(h);
	const uint8_t *p = st->mem(st->ctx, st->info, total);
	if (!p)
		return NULL;
	for (uint64_t off = 8; off + 8 <= total;) {
		uint32_t t = ld32(p + off), sz = ld32(p + off + 4);
		if (sz < 8 || off + sz > total)
			return NULL;
		if (t == type) {
			if (size)
				*size = sz;
			return p + off;
		}
		if (t == T_END)
			return NULL;
		off += ALIGN8(sz);
	}
	return NULL;
}

/* --- our own header: what we asked for (3.1.4, 3.1.13) --- */

static void read_header(struct ck *c)
{
	const uint8_t *h = rd(c, c->st->run, 16);
	if (!h || ld32(h) != MB2_HDR_MAGIC)
		return;
	uint32_t len = ld32(h + 8);
	h = rd(c, c->st->run, len);
	for (uint32_t off = 16; h && off + 8 <= len;) {
		uint16_t type = ld16(h + off), flags = ld16(h + off + 2);
		uint32_t sz = ld32(h + off + 4);
		if (type == 0 || sz < 8)
			break;
		if (type == 1 && !(flags & 1))
			for (uint32_t i = 8; i + 4 <= sz; i += 4)
				if (ld32(h + off + i) <= T_MAX)
					c->requested |= 1u << ld32(h + off + i);
		if (type == 10 && sz >= 24) {
			c->relocatable = true;
			c->rmin = ld32(h + off + 8), c->rmax = ld32(h + off + 12);
			c->ralign = ld32(h + off + 16);
		}
		off += (uint32_t)ALIGN8(sz);
	}
}

/* --- machine state (3.3 I386, 3.5 EFI amd64) --- */

static void check_seg(struct ck *c, const char *what, const struct mb2_seg *s, bool code)
{
	uint32_t a = s->ar, t = AR_TYPE(a);
	uint64_t d = s->desc;
	uint64_t base = (d >> 16 & 0xffffff) | (d >> 56 & 0xff) << 24;

	if (!s->lar_ok || !s->lsl_ok) {
		rp_fail(c->r, what, "selector 0x%x: LAR/LSL say it is not valid in the GDT",
			s->sel);
		return;
	}
	bool kind = code ? (t & 8) && (t & 2)		    /* code, readable */
			 : !(t & 8) && (t & 2) && !(t & 4); /* data, writable, expand-up */
	bool ok = (a & AR_P) && (a & AR_S) && kind && (a & AR_DB) && s->limit == 0xffffffffu &&
		  s->desc_ok && base == 0;
	rp_check(c->r, ok, what,
		 "selector 0x%x: access 0x%06x (type 0x%x, D/B=%u), limit 0x%x, base %s0x%lx",
		 s->sel, a, t, !!(a & AR_DB), s->limit, s->desc_ok ? "" : "unreadable ",
		 (unsigned long)base);
}

/* Promise names as code, not pointer tables: mb2.elf must have no absolute addresses in data. */
static const char *seg_what(int i)
{
	switch (i) {
	case 0: return "CS: 32-bit execute/read code segment, offset 0, limit 0xFFFFFFFF (3.3)";
	case 1: return "DS: 32-bit read/write data segment, offset 0, limit 0xFFFFFFFF (3.3)";
	case 2: return "ES: 32-bit read/write data segment, offset 0, limit 0xFFFFFFFF (3.3)";
	case 3: return "FS: 32-bit read/write data segment, offset 0, limit 0xFFFFFFFF (3.3)";
	case 4: return "GS: 32-bit read/write data segment, offset 0, limit 0xFFFFFFFF (3.3)";
	default: return "SS: 32-bit read/write data segment, offset 0, limit 0xFFFFFFFF (3.3)";
	}
}

static void check_machine_i386(struct ck *c)
{
	const struct mb2_state *st = c->st;

	for (int i = 0; i < 6; i++)
		check_seg(c, seg_what(i), &st->seg[i], i == 0);
	rp_check(c->r, st->a20_on, "A20 gate enabled (3.3)",
		 "byte at 0x%lx and its alias 1 MiB away are the same memory",
		 (unsigned long)st->a20_addr);
	rp_check(c->r, (st->cr0 & CR0_PE) && !(st->cr0 & CR0_PG), "CR0: PE set, PG clear (3.3)",
		 "CR0 0x%lx", (unsigned long)st->cr0);
	rp_check(c->r, !(st->eflags & EFLAGS_VM), "EFLAGS.VM clear (3.3)", "EFLAGS 0x%x",
		 st->eflags);
	rp_check(c->r, !(st->eflags & EFLAGS_IF), "EFLAGS.IF clear (3.3)", "EFLAGS 0x%x",
		 st->eflags);
}

static void check_machine_efi64(struct ck *c)
{
	const struct mb2_state *st = c->st;
	const struct mb2_seg *cs = &st->seg[0];

	rp_check(c->r,
		 (st->efer & EFER_LMA) && (st->cr0 & CR0_PG) && cs->lar_ok && (cs->ar & AR_L) &&
		     (cs->ar & 0xf00) >= 0x800,
		 "64-bit mode as UEFI hands off: EFER.LMA, CR0.PG, CS.L (3.5)",
		 "EFER 0x%lx, CR0 0x%lx, CS 0x%x access 0x%x%s", (unsigned long)st->efer,
		 (unsigned long)st->cr0, cs->sel, cs->ar, cs->lar_ok ? "" : " (LAR failed)");
}

/* --- boot information layout (3.6.1, 3.6.2) --- */

/* Smallest size of each tag type that 3.6 defines (0: unknown or no fixed minimum). */
static uint32_t min_size(uint32_t type)
{
	static const uint16_t sz[T_MAX + 1] = {
	    [T_END] = 8,       [T_CMDLINE] = 9,	   [T_NAME] = 9,      [T_MODULE] = 17,
	    [T_MEMINFO] = 16,  [T_BOOTDEV] = 20,   [T_MMAP] = 16,     [T_VBE] = 784,
	    [T_FB] = 31,       [T_ELF] = 20,	   [T_APM] = 28,      [T_EFI32] = 12,
	    [T_EFI64] = 16,    [T_SMBIOS] = 16,	   [T_RSDP_OLD] = 28, [T_RSDP_NEW] = 44,
	    [T_NETWORK] = 8,   [T_EFI_MMAP] = 16,  [T_EFI_BS] = 8,    [T_EFI32_IH] = 12,
	    [T_EFI64_IH] = 16, [T_LOAD_BASE] = 12,
	};

	return type <= T_MAX ? sz[type] : 0;
}

static void check_layout(struct ck *c)
{
	const struct mb2_state *st = c->st;
	struct report *r = c->r;
	const uint8_t *h = rd(c, st->info, 8);

	if (!rp_check(r, h && st->info && !(st->info & 7) && st->info <= 0xffffffffull,
		      st->variant == MB2_EFI64
			  ? "RBX: physical address of the info, 8-aligned (3.5, 3.6.1)"
			  : "EBX: 32-bit physical address of the info, 8-aligned (3.3, 3.6.1)",
		      "info at 0x%lx", (unsigned long)st->info))
		return;
	c->total = ld32(h);
	c->info = rd(c, st->info, c->total);
	if (!rp_check(r, c->info && c->total >= 16 && ld32(h + 4) == 0,
		      "info: total_size covers fixed part and end tag, reserved is 0 (3.6.1)",
		      "total_size %u, reserved 0x%x%s", c->total, ld32(h + 4),
		      c->info ? "" : ", not readable"))
		return;
	for (uint32_t off = 8;;) {
		if (off + 8 > c->total) {
			rp_fail(r, "tags: 8-aligned, sizes sane, end tag last (3.6.1, 3.6.2)",
				"list runs past total_size %u without an end tag", c->total);
			return;
		}
		uint32_t t = ld32(c->info + off), sz = ld32(c->info + off + 4);
		if (sz < 8 || sz > c->total - off || sz < min_size(t)) {
			rp_fail(r, "tags: 8-aligned, sizes sane, end tag last (3.6.1, 3.6.2)",
				"tag type %u at offset %u: size %u (minimum %u, %u bytes left)", t,
				off, sz, min_size(t) > 8 ? min_size(t) : 8, c->total - off);
			return;
		}
		if (t == T_END) {
			c->walk_ok = rp_check(
			    r, sz == 8 && off + 8 == c->total,
			    "tags: 8-aligned, sizes sane, end tag last (3.6.1, 3.6.2)",
			    "end tag size %u at offset %u, total_size %u", sz, off, c->total);
			return;
		}
		off += (uint32_t)ALIGN8(sz);
	}
}

/* The promise checked for a requested type, or NULL when judged elsewhere (modules, RSDP). */
static const char *requested_what(unsigned t)
{
	switch (t) {
	case T_CMDLINE: return "requested tag 1 (command line) present (3.1.4, 3.6.5)";
	case T_NAME: return "requested tag 2 (boot loader name) present (3.1.4, 3.6.9)";
	case T_MEMINFO: return "requested tag 4 (basic memory info) present (3.1.4, 3.6.3)";
	case T_MMAP: return "requested tag 6 (memory map) present (3.1.4, 3.6.8)";
	case T_ELF: return "requested tag 9 (ELF sections) present (3.1.4, 3.6.7)";
	case T_EFI64: return "requested tag 12 (EFI 64-bit system table) present (3.1.4, 3.6.14)";
	case T_EFI_BS:
		return "requested tag 18 (EFI boot services not terminated) present (3.1.4, "
		       "3.6.20)";
	case T_EFI64_IH:
		return "requested tag 20 (EFI 64-bit image handle) present (3.1.4, 3.6.22)";
	case T_LOAD_BASE: return "requested tag 21 (load base address) present (3.1.4, 3.6.23)";
	default: return NULL;
	}
}

/* Each type asked for by a required request is there (3.1.4); 14/15 and modules judged apart. */
static void check_requested(struct ck *c)
{
	for (unsigned t = 1; t <= T_MAX; t++) {
		const char *what = requested_what(t);
		if (!(c->requested & 1u << t) || !what)
			continue;
		rp_check(c->r, mb2_tag(c->st, t, NULL), what, "no tag of type %u", t);
	}
	if (c->requested & (1u << T_RSDP_OLD | 1u << T_RSDP_NEW))
		rp_check(c->r,
			 mb2_tag(c->st, T_RSDP_OLD, NULL) || mb2_tag(c->st, T_RSDP_NEW, NULL) ||
			     c->exp_rsdp == 0,
			 "requested ACPI RSDP (tag 14 or 15) present (3.1.4, 3.6.16, 3.6.17)",
			 "neither tag 14 nor tag 15");
}

/* --- the command line and the expectations it carries (3.6.5, baton convention) --- */

static bool tok_is(const char *s, size_t n, const char *lit)
{
	size_t m = c_strlen(lit);
	return n == m && c_memeq(s, lit, m);
}

static int parse_dec(const char *s, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || x > 0xffffffffull / 10)
			return -1;
		x = x * 10 + (uint32_t)(s[i] - '0');
	}
	if (x > 0xffffffffull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int parse_hex(const char *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;

	if (n != 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						 : -1;
		if (d < 0)
			return -1;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return 0;
}

/* expect.KEY=VALUE tokens between the first space and " sum=". */
static void parse_tokens(struct ck *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		while (i < n && s[i] == ' ')
			i++;
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		const char *t = s + i, *eq = t;
		while (eq < s + j && *eq != '=')
			eq++;
		uint32_t v;
		size_t kl = (size_t)(eq - t), vl = eq < s + j ? (size_t)(s + j - eq - 1) : 0;
		const char *val = eq + 1;
		if (eq < s + j) {
			if (tok_is(t, kl, "expect.name"))
				c->exp_name = val, c->exp_name_len = vl;
			else if (!parse_dec(val, vl, &v)) {
				if (tok_is(t, kl, "expect.path"))
					c->exp_path = v != 0;
				else if (tok_is(t, kl, "expect.mods"))
					c->exp_mods = (int)(v > MAX_MODS ? MAX_MODS + 1 : v);
				else if (tok_is(t, kl, "expect.fb"))
					c->exp_fb = v > 2 ? 1 : (int)v;
				else if (tok_is(t, kl, "expect.fbmode"))
					c->exp_fbmode = v != 0;
				else if (tok_is(t, kl, "expect.rsdp"))
					c->exp_rsdp = v != 0;
			}
			if (tok_is(t, kl, "expect.bootdev")) {
				if (!parse_hex(val, vl, &v))
					c->exp_bootdev = 1, c->bootdev_word = v;
				else if (vl == 1 && *val == '0')
					c->exp_bootdev = 0;
			}
		}
		i = j;
	}
}

static void check_cmdline(struct ck *c)
{
	struct report *r = c->r;
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_CMDLINE, &sz);

	if (!t)
		return; /* reported by check_requested */
	if (!rp_check(r, has_nul(t + 8, sz - 8), "command line NUL-terminated in its tag (3.6.5)",
		      "no NUL in %u bytes", sz - 8))
		return;
	c->cmd = (const char *)t + 8;
	size_t n = c_strlen(c->cmd);
	const char *sp = c->cmd, *end = c->cmd + n;
	while (sp < end && *sp != ' ')
		sp++;
	/* " sum=XXXXXXXX" ends the line; it vouches for the bytes from after the first space. */
	const char *sum = n >= 13 ? end - 13 : NULL;
	uint32_t want = 0, got = 0;
	bool ok = sum && sum >= sp && c_memeq(sum, " sum=", 5) && !parse_hex(sum + 5, 8, &want);
	if (ok) {
		const char *from = sp < sum ? sp + 1 : sum;
		got = fnv1a32(FNV1A_INIT, from, (size_t)(sum - from));
		ok = got == want;
	}
	c->sum_ok = rp_check(r, ok, "command line intact: sum= matches (baton convention)",
			     "\"%s\": sum=%08x, text sums to %08x", c->cmd, want, got);
	if (!c->sum_ok)
		return;
	parse_tokens(c, sp, (size_t)(sum - sp));
	if (c->exp_path)
		rp_check(r, c->cmd[0] == '/' && sp > c->cmd + 1,
			 "command line starts with the kernel's path (expect.path=1)",
			 "first word of \"%s\"", c->cmd);
}

static void check_name(struct ck *c)
{
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_NAME, &sz);

	if (t &&
	    rp_check(c->r, has_nul(t + 8, sz - 8),
		     "boot loader name NUL-terminated in its tag (3.6.9)", "no NUL in %u bytes",
		     sz - 8) &&
	    c->exp_name) {
		const char *s = (const char *)t + 8;
		rp_check(c->r,
			 c_strlen(s) >= c->exp_name_len && c_memeq(s, c->exp_name, c->exp_name_len),
			 "boot loader name begins with expect.name", "\"%s\"", s);
	} else if (!t && c->exp_name) {
		rp_fail(c->r, "boot loader name begins with expect.name", "no tag 2");
	}
}

/* --- modules (3.6.6, 3.1.11) --- */

/* The seed=N token of a module string, or -1. */
static int64_t mod_seed(const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((p == s || p[-1] == ' ') && c_memeq(p, "seed=", 5)) {
			const char *q = p + 5;
			size_t n = 0;
			uint32_t v;
			while (q[n] && q[n] != ' ')
				n++;
			return parse_dec(q, n, &v) ? -1 : (int64_t)v;
		}
	}
	return -1;
}

/* A BTNI file intact: header, length, the xorshift32 stream; *err says what is wrong. */
static bool btni_ok(const uint8_t *p, uint64_t len, int64_t seed, const char **err, uint64_t *at)
{
	*at = 0;
	if (len < BTNI_HDR || !c_memeq(p, BTNI_MAGIC, 4)) {
		*err = "no BTNI header";
		return false;
	}
	if (ld32(p + 8) != len) {
		*err = "BTNI length differs from mod_end - mod_start";
		*at = ld32(p + 8);
		return false;
	}
	if (seed < 0 || ld32(p + 4) != (uint32_t)seed) {
		*err = "BTNI seed differs from the string's seed= (or no seed=)";
		*at = ld32(p + 4);
		return false;
	}
	uint32_t s = btni_state(ld32(p + 4)), v = 0;
	for (uint64_t i = BTNI_HDR; i < len; i++) {
		if ((i - BTNI_HDR) % 4 == 0)
			v = xorshift32(&s);
		if (p[i] != (uint8_t)(v >> 8 * ((i - BTNI_HDR) % 4))) {
			*err = "content differs at offset";
			*at = i;
			return false;
		}
	}
	return true;
}

static void check_modules(struct ck *c)
{
	struct report *r = c->r;
	struct range mods[MAX_MODS];
	int n = 0, bad_align = -1, bad_str = -1, bad_data = -1, bad_range = -1;
	const char *err = "";
	uint64_t at = 0;
	bool all_ok = true;

	for (uint32_t off = 8; off + 8 <= c->total;) {
		const uint8_t *t = c->info + off;
		uint32_t type = ld32(t), sz = ld32(t + 4);
		off += (uint32_t)ALIGN8(sz);
		if (type == T_END)
			break;
		if (type != T_MODULE)
			continue;
		if (n == MAX_MODS) {
			n++;
			break;
		}
		uint64_t lo = ld32(t + 8), hi = ld32(t + 12);
		mods[n] = (struct range){lo, hi};
		if (bad_align < 0 && (lo & 0xfff))
			bad_align = n;
		bool str = has_nul(t + 16, sz - 16);
		if (bad_str < 0 && !str)
			bad_str = n;
		const uint8_t *p = hi > lo ? rd(c, lo, hi - lo) : NULL;
		if (bad_range < 0 && !p)
			bad_range = n;
		if (bad_data < 0 && p && str &&
		    !btni_ok(p, hi - lo, mod_seed((const char *)t + 16), &err, &at))
			bad_data = n;
		n++;
	}
	if (c->exp_mods >= 0)
		all_ok &= rp_check(r, n == c->exp_mods, "module count is expect.mods (3.6.6)",
				   "%d module tags, expect.mods=%d", n, c->exp_mods);
	if (!n)
		return;
	if (n > MAX_MODS) {
		rp_fail(r, "modules: at most 16 (this kernel's limit)", "more module tags");
		return;
	}
	rp_check(r, bad_align < 0, "modules page-aligned (3.1.11 module alignment tag)",
		 "module %d starts at 0x%lx", bad_align,
		 bad_align < 0 ? 0ul : (unsigned long)mods[bad_align].lo);
	rp_check(r, bad_str < 0, "module strings NUL-terminated in their tags (3.6.6)", "module %d",
		 bad_str);
	rp_check(r, bad_range < 0, "modules: mod_start < mod_end, readable memory (3.6.6)",
		 "module %d: 0x%lx-0x%lx", bad_range,
		 bad_range < 0 ? 0ul : (unsigned long)mods[bad_range].lo,
		 bad_range < 0 ? 0ul : (unsigned long)mods[bad_range].hi);
	rp_check(r, bad_data < 0,
		 "modules loaded intact (BTNI content, seed= of the string) (3.6.6)",
		 "module %d: %s 0x%lx", bad_data, err, (unsigned long)at);
	struct range info = {c->st->info, c->st->info + c->total};
	for (int i = 0; i < n; i++) {
		const char *with = NULL;
		int j = -1;
		if (overlaps(mods[i], c->kernel))
			with = "the kernel image";
		else if (overlaps(mods[i], info))
			with = "the boot information";
		for (j = i + 1; !with && j < n; j++)
			if (overlaps(mods[i], mods[j]))
				with = "another module";
		if (with) {
			rp_fail(r,
				"modules overlap nothing: each other, the kernel, the info (3.6.6)",
				"module %d (0x%lx-0x%lx) overlaps %s", i, (unsigned long)mods[i].lo,
				(unsigned long)mods[i].hi, with);
			return;
		}
	}
	rp_pass(r, "modules overlap nothing: each other, the kernel, the info (3.6.6)");
}

/* --- memory information (3.6.3, 3.6.8, 3.6.19) --- */

static void check_memory(struct ck *c)
{
	struct report *r = c->r;
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_MEMINFO, &sz);

	if (t)
		rp_check(r, ld32(t + 8) <= 640, "basic meminfo: mem_lower at most 640 KiB (3.6.3)",
			 "mem_lower %u KiB, mem_upper %u KiB", ld32(t + 8), ld32(t + 12));
	t = mb2_tag(c->st, T_MMAP, &sz);
	if (t) {
		uint32_t es = ld32(t + 8), ver = ld32(t + 12), bad = 0, n = 0;
		bool hdr = es >= 24 && es % 8 == 0 && ver == 0 && (sz - 16) % es == 0;
		if (rp_check(r, hdr,
			     "memory map: entry_size a multiple of 8 and >= 24, entry_version 0, "
			     "whole entries (3.6.8)",
			     "entry_size %u, entry_version %u, tag size %u", es, ver, sz) &&
		    sz > 16) {
			uint64_t ram = 0;
			for (uint32_t off = 16; off + es <= sz; off += es, n++) {
				const uint8_t *e = t + off;
				if (!bad && (ld64(e + 8) == 0 || ld32(e + 20) != 0))
					bad = off;
				if (ld32(e + 16) == 1)
					ram += ld64(e + 8);
			}
			rp_check(r, !bad && ram > 0,
				 "memory map entries: length > 0, reserved 0, some available RAM "
				 "(3.6.8)",
				 "%u entries, entry at tag offset %u, %lu KiB available", n, bad,
				 (unsigned long)(ram / KIB));
		}
	}
	t = mb2_tag(c->st, T_EFI_MMAP, &sz);
	if (t)
		rp_check(r, ld32(t + 8) >= 40 && ld32(t + 8) % 8 == 0 && ld32(t + 12) == 1,
			 "EFI memory map: descriptor size >= 40, version 1 (3.6.19, UEFI)",
			 "descriptor size %u, version %u", ld32(t + 8), ld32(t + 12));
}

/* --- ELF sections (3.6.7) against what mb2seal recorded from the file --- */

static void check_elf(struct ck *c)
{
	struct report *r = c->r;
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_ELF, &sz);

	if (!t || !c->seal)
		return;
	uint32_t num = ld32(t + 8), es = ld32(t + 12), shndx = ld32(t + 16);
	bool is64 = c->st->variant == MB2_EFI64;
	if (!rp_check(
		r,
		num == ld32(c->seal + SEAL_SHNUM) && es == ld32(c->seal + SEAL_SHENTSIZE) &&
		    shndx == ld32(c->seal + SEAL_SHSTRNDX) && (uint64_t)num * es <= sz - 20,
		"ELF sections: num, entsize, shndx as in the image, headers in the tag (3.6.7)",
		"num %u entsize %u shndx %u (image: %u %u %u), tag size %u", num, es, shndx,
		ld32(c->seal + SEAL_SHNUM), ld32(c->seal + SEAL_SHENTSIZE),
		ld32(c->seal + SEAL_SHSTRNDX), sz))
		return;
	const uint8_t *sh = t + 20, *strs = sh + (uint64_t)shndx * es;
	uint64_t saddr = is64 ? ld64(strs + 16) : ld32(strs + 12); /* sh_addr */
	uint64_t ssize = is64 ? ld64(strs + 32) : ld32(strs + 20);
	const char *names = ssize ? rd(c, saddr, ssize) : NULL;
	bool text = false;
	for (uint32_t i = 0; names && i < num && !text; i++) {
		uint32_t nm = ld32(sh + (uint64_t)i * es);
		text = nm + 6 <= ssize && c_memeq(names + nm, ".text", 6);
	}
	uint64_t head = names && ssize >= 8 ? ld64(names) : 0;
	rp_check(r, text, "ELF sections: string table loaded, names readable (\".text\") (3.6.7)",
		 "string table section at 0x%lx, %lu bytes%s, first bytes 0x%016lx",
		 (unsigned long)saddr, (unsigned long)ssize, names ? "" : ", not readable",
		 (unsigned long)head);
}

/* --- ACPI (3.6.16, 3.6.17) --- */

static uint8_t sum8(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void check_rsdp(struct ck *c)
{
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_RSDP_OLD, &sz);

	if (t)
		rp_check(c->r, c_memeq(t + 8, "RSD PTR ", 8) && sum8(t + 8, 20) == 0,
			 "old RSDP copy: \"RSD PTR \", ACPI 1.0 checksum (3.6.16)",
			 "signature or checksum wrong: byte sum 0x%02x", sum8(t + 8, 20));
	t = mb2_tag(c->st, T_RSDP_NEW, &sz);
	if (t) {
		uint32_t len = ld32(t + 8 + 20);
		rp_check(c->r,
			 c_memeq(t + 8, "RSD PTR ", 8) && sum8(t + 8, 20) == 0 && len >= 36 &&
			     len <= sz - 8 && sum8(t + 8, len) == 0,
			 "new RSDP copy: \"RSD PTR \", both checksums, whole in the tag (3.6.17)",
			 "revision %u, length %u, tag size %u, sums 0x%02x 0x%02x", t[8 + 15], len,
			 sz, sum8(t + 8, 20), len <= sz - 8 ? sum8(t + 8, len) : 0);
	}
}

/* --- framebuffer (3.6.12) --- */

static void check_fb(struct ck *c)
{
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_FB, &sz);

	if (c->exp_fb >= 0)
		rp_check(c->r, !!t == !!c->exp_fb && (c->exp_fb != 2 || t[29] == 2),
			 "framebuffer tag as expect.fb says (3.6.12)",
			 "expect.fb=%d, tag %s (type %d)", c->exp_fb, t ? "present" : "absent",
			 t ? t[29] : -1);
	if (!t)
		return;
	uint64_t addr = ld64(t + 8);
	uint32_t pitch = ld32(t + 16), w = ld32(t + 20), h = ld32(t + 24);
	uint8_t bpp = t[28], type = t[29];
	bool ok = addr && w && h && type <= 2;
	if (type == 2) /* EGA text: 16 bits per character cell */
		ok = ok && bpp == 16 && pitch >= w * 2;
	else
		ok = ok && bpp && pitch >= (uint64_t)w * bpp / 8 && (type != 1 || sz >= 38);
	rp_check(c->r, ok, "framebuffer info fields sane: type, bpp, pitch >= width (3.6.12)",
		 "addr 0x%lx, %ux%u, bpp %u, pitch %u, type %u, size %u", (unsigned long)addr, w, h,
		 bpp, pitch, type, sz);
	uint32_t vsz;
	const uint8_t *v = mb2_tag(c->st, T_VBE, &vsz);
	if (v && type != 2)
		/* 3.6.11: the VBE mode info block (VBE 3.0 4.4: XResolution at 18, YResolution at
		 * 20, PhysBasePtr at 40) describes the mode the framebuffer tag reports. */
		rp_check(c->r,
			 c_memeq(v + 16, "VESA", 4) && ld32(v + 528 + 40) == addr &&
			     (uint32_t)(v[528 + 18] | v[528 + 19] << 8) == w &&
			     (uint32_t)(v[528 + 20] | v[528 + 21] << 8) == h,
			 "VBE tag: control block \"VESA\", mode info is the framebuffer's (3.6.11)",
			 "mode 0x%x: base 0x%x %ux%u", v[8] | v[9] << 8, ld32(v + 528 + 40),
			 v[528 + 18] | v[528 + 19] << 8, v[528 + 20] | v[528 + 21] << 8);
}

/* 3.6.4: the BIOS boot device, only when booted from a BIOS disk. */
static void check_bootdev(struct ck *c)
{
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_BOOTDEV, &sz);

	if (c->exp_bootdev == 0)
		rp_check(c->r, !t,
			 "no BIOS boot device tag when not booted from a BIOS disk (3.6.4)",
			 "tag 5 present");
	if (c->exp_bootdev != 1)
		return;
	uint32_t w = c->bootdev_word, part = (w >> 16) & 0xff, sub = (w >> 8) & 0xff;
	rp_check(c->r,
		 t && ld32(t + 8) == w >> 24 &&
		     ld32(t + 12) == (part == 0xff ? 0xffffffffu : part) &&
		     ld32(t + 16) == (sub == 0xff ? 0xffffffffu : sub),
		 "BIOS boot device tag: the kernel's drive and partition (3.6.4, expect.bootdev=)",
		 "tag 5 %s: biosdev 0x%x partition 0x%x sub 0x%x, expected word 0x%08x",
		 t ? "present" : "absent", t ? ld32(t + 8) : 0, t ? ld32(t + 12) : 0,
		 t ? ld32(t + 16) : 0, w);
}

/* 3.1.10: the mode is only a preference; the token says this machine offers it. */
static void check_fbmode(struct ck *c)
{
	const char *what = "framebuffer is the width and height our framebuffer tag asks for "
			   "(3.1.10, expect.fbmode=1)";
	uint32_t sz;
	const uint8_t *t = mb2_tag(c->st, T_FB, &sz);

	if (c->exp_fbmode != 1)
		return;
	if (!c->st->fb_width || !c->st->fb_height)
		rp_fail(c->r, what, "this kernel's header asks for no mode");
	else if (!t)
		rp_fail(c->r, what, "no framebuffer tag");
	else
		rp_check(c->r, ld32(t + 20) == c->st->fb_width && ld32(t + 24) == c->st->fb_height,
			 what, "%ux%u, asked %ux%u", ld32(t + 20), ld32(t + 24), c->st->fb_width,
			 c->st->fb_height);
}

/* --- the image: where it runs, intact, bss (3.1.13, 3.6.23, ELF loading) --- */

static void check_image(struct ck *c)
{
	const struct mb2_state *st = c->st;
	struct report *r = c->r;
	uint32_t sz;

	if (!rp_check(r, c->seal, "kernel image readable where it runs, with its seal",
		      "image at 0x%lx", (unsigned long)st->run))
		return;
	uint32_t filesz = ld32(c->seal + SEAL_FILESZ), want = ld32(c->seal + SEAL_SUM);
	const uint8_t *img = rd(c, st->run, filesz);
	uint32_t got = img ? mb2_image_sum(img, filesz, st->seal_off) : 0;
	rp_check(r, img && got == want, "kernel image loaded intact (3.1.1, ELF program headers)",
		 "FNV-1a of %u bytes at 0x%lx is %08x, sealed %08x", filesz, (unsigned long)st->run,
		 got, want);
	rp_check(r, !st->bss_bad, "kernel bss zero at entry (ELF p_memsz > p_filesz)",
		 "byte at bss offset 0x%lx of 0x%lx is not zero", (unsigned long)(st->bss_bad - 1),
		 (unsigned long)st->bss_size);
	if (c->info) {
		struct range info = {st->info, st->info + c->total};
		rp_check(r, !overlaps(info, c->kernel),
			 "boot information does not overlap the kernel image (3.6.1)",
			 "info 0x%lx-0x%lx, kernel 0x%lx-0x%lx", (unsigned long)info.lo,
			 (unsigned long)info.hi, (unsigned long)c->kernel.lo,
			 (unsigned long)c->kernel.hi);
	}
	if (!c->relocatable)
		return;
	const uint8_t *t = mb2_tag(st, T_LOAD_BASE, &sz);
	if (!t)
		return; /* requested: reported missing by check_requested */
	uint64_t base = ld32(t + 8);
	rp_check(r, base == st->run, "load base address tag is where the image runs (3.6.23)",
		 "tag says 0x%lx, runs at 0x%lx", (unsigned long)base, (unsigned long)st->run);
	rp_check(r,
		 st->run >= c->rmin && c->kernel.hi <= c->rmax &&
		     (!c->ralign || st->run % c->ralign == 0),
		 "image placed within [min_addr, max_addr] at align (3.1.13)",
		 "0x%lx-0x%lx, min 0x%x max 0x%x align 0x%x", (unsigned long)c->kernel.lo,
		 (unsigned long)c->kernel.hi, c->rmin, c->rmax, c->ralign);
}

/* --- EFI with boot services (3.1.12, 3.5, 3.6.14, 3.6.20, 3.6.22) --- */

static void check_efi(struct ck *c)
{
	const struct mb2_state *st = c->st;
	struct report *r = c->r;
	const uint8_t *t = mb2_tag(st, T_EFI64, NULL);

	if (t) {
		/* EFI_SYSTEM_TABLE (x64): BootServices at offset 96. */
		const uint8_t *systab = rd(c, ld64(t + 8), 120);
		const uint8_t *bs = systab ? rd(c, ld64(systab + 96), 8) : NULL;
		rp_check(r, systab && ld64(systab) == EFI_SYSTAB_SIG,
			 "EFI system table pointer: signature \"IBI SYST\" (3.6.14, UEFI 4.3)",
			 "table at 0x%lx, signature 0x%lx", (unsigned long)ld64(t + 8),
			 systab ? (unsigned long)ld64(systab) : 0ul);
		rp_check(r, bs && ld64(bs) == EFI_BOOTSERV_SIG,
			 "EFI boot services table: signature \"BOOTSERV\" (3.6.20, UEFI 4.4)",
			 "BootServices 0x%lx, signature 0x%lx",
			 systab ? (unsigned long)ld64(systab + 96) : 0ul,
			 bs ? (unsigned long)ld64(bs) : 0ul);
	}
	t = mb2_tag(st, T_EFI64_IH, NULL);
	if (t)
		rp_check(r, ld64(t + 8) != 0, "EFI image handle not NULL (3.6.22)", "handle 0");
	rp_check(r, st->efi_getmemmap == 0,
		 "boot services still work: GetMemoryMap returns EFI_SUCCESS (3.5, 3.6.20)",
		 "status 0x%lx%s", (unsigned long)st->efi_getmemmap,
		 st->efi_getmemmap == EFI_NOT_CALLED ? " (not called: no usable table)" : "");
	rp_check(r, st->efi_handleprot == 0,
		 "image handle is ours: HandleProtocol(LoadedImage) returns EFI_SUCCESS (3.6.22)",
		 "status 0x%lx%s", (unsigned long)st->efi_handleprot,
		 st->efi_handleprot == EFI_NOT_CALLED ? " (not called)" : "");
}

void mb2_run_checks(const struct mb2_state *st, struct report *r)
{
	struct ck c = {.st = st,
		       .r = r,
		       .exp_path = 1,
		       .exp_mods = -1,
		       .exp_fb = -1,
		       .exp_fbmode = -1,
		       .exp_rsdp = -1,
		       .exp_bootdev = -1};

	c.seal = rd(&c, st->run + st->seal_off, SEAL_SIZE);
	if (c.seal && !c_memeq(c.seal, MB2_SEAL_MAGIC, 8))
		c.seal = NULL;
	c.kernel = (struct range){st->run, st->run + (c.seal ? ld32(c.seal + SEAL_MEMSZ) : 1)};
	read_header(&c);
	rp_check(r, st->eax == MB2_BOOT_MAGIC,
		 st->variant == MB2_EFI64 ? "EAX holds the magic 0x36D76289 (3.5)"
					  : "EAX holds the magic 0x36D76289 (3.3)",
		 "EAX 0x%08x", st->eax);
	if (st->variant == MB2_I386)
		check_machine_i386(&c);
	else
		check_machine_efi64(&c);
	check_layout(&c);
	if (c.walk_ok) {
		check_cmdline(&c);
		check_requested(&c);
		check_name(&c);
		check_modules(&c);
		check_memory(&c);
		check_elf(&c);
		check_rsdp(&c);
		check_fb(&c);
		check_fbmode(&c);
		check_bootdev(&c);
	}
	check_image(&c);
	if (st->variant == MB2_EFI64)
		check_efi(&c);
}
