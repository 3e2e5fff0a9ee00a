/* checks.c: Multiboot 0.6.96 checks (3.2 machine state, 3.3 boot information), one line each. */
#include "mb1.h"

#define MAX_MODS   16
#define MAX_RANGES (8 + MAX_MODS * 2 + 64)
#define STR_MAX	   4096 /* longest string this kernel accepts from a loader */

struct range {
	uint64_t lo, hi; /* [lo, hi) */
	const char *name;
};

struct ck {
	const struct mb1_state *st;
	struct report *r;
	const uint8_t *mi; /* the information structure, NULL when unreadable */
	uint32_t flags;
	const char *cmd; /* NULL: none or unusable */
	uint32_t cmd_len;
	/* -1: not on the command line */
	int exp_path, exp_mmap, exp_elfsyms, exp_fb, exp_fbmode, exp_bootdev;
	bool exp_bootdev_word; /* expect.bootdev=XXXXXXXX: exactly this boot_device */
	uint32_t bootdev_word;
	long exp_mods;
	const char *exp_name;
	uint32_t exp_name_len;
	struct range info[MAX_RANGES]; /* everything the loader handed over but the modules */
	int n_info;
	struct range mods[MAX_MODS];
	int n_mods;
};

/* report.c's %lx is 32-bit on i386: 64-bit values print through this (4 at a time). */
static const char *hex64(uint64_t v)
{
	static char bufs[4][20];
	static int k;
	char *b = bufs[k++ & 3], *p = b + 19;

	*p = 0;
	do
		*--p = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	*--p = 'x';
	*--p = '0';
	return p;
}

static const void *rd(struct ck *c, uint64_t addr, uint64_t len)
{
	if (addr + len < addr)
		return NULL;
	return c->st->mem(c->st->ctx, addr, len);
}

static uint32_t f32(struct ck *c, unsigned off)
{
	return ld32(c->mi + off);
}

static bool overlaps(struct range a, struct range b)
{
	return a.lo < b.hi && b.lo < a.hi;
}

static void add_info(struct ck *c, uint64_t lo, uint64_t len, const char *name)
{
	if (c->n_info < MAX_RANGES && len)
		c->info[c->n_info++] = (struct range){lo, lo + len, name};
}

/* A NUL-terminated string at addr: its length, or -1 when unreadable or longer than STR_MAX. */
static long str_at(struct ck *c, uint64_t addr, const char **out)
{
	for (uint32_t n = 0; n < STR_MAX; n++) {
		const char *p = rd(c, addr + n, 1);
		if (!p)
			return -1;
		if (!*p) {
			*out = rd(c, addr, n + 1);
			return n;
		}
	}
	return -1;
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hexval(char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

/* The value of "key..." in s[0, n) at the start or after a space, with its length. */
static const char *token_in(const char *s, uint32_t n, const char *key, uint32_t *vlen)
{
	uint32_t kl = c_strlen(key);

	for (uint32_t i = 0; s && i + kl <= n; i++) {
		if ((i == 0 || s[i - 1] == ' ') && c_memeq(s + i, key, kl)) {
			uint32_t e = i + kl;
			while (e < n && s[e] != ' ')
				e++;
			*vlen = e - i - kl;
			return s + i + kl;
		}
	}
	return NULL;
}

/* Eight hex digits, as expect.bootdev= gives a whole boot_device word. */
static bool parse_hex8(const char *s, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < 8; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						 : -1;
		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

static bool parse_num(const char *s, uint32_t len, uint32_t *v)
{
	uint64_t x = 0;

	if (!len)
		return false;
	for (uint32_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
		if (x > 0xffffffffull)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

static int flag_token(struct ck *c, const char *key)
{
	uint32_t vl, v;
	const char *s = token_in(c->cmd, c->cmd_len, key, &vl);

	return s && parse_num(s, vl, &v) ? (int)(v != 0) : -1;
}

/* --- 3.2 machine state --- */

#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)
#define CR0_PE	  (1u << 0)
#define CR0_PG	  (1u << 31)
/* LAR result bits: type (8-11), S (12), DPL (13-14), P (15), D/B (22), G (23). */
#define AR_CODE	 (1u << 11)
#define AR_RW	 (1u << 9)  /* code: readable; data: writable */
#define AR_EXPDN (1u << 10) /* data: expand-down */
#define AR_S	 (1u << 12)
#define AR_P	 (1u << 15)
#define AR_DB	 (1u << 22)

static const char *const seg_names[SEG_N] = {"CS", "DS", "ES", "FS", "GS", "SS"};

static void check_segment(struct ck *c, int i, const char *what)
{
	const struct mb1_state *st = c->st;
	uint32_t a = st->lar[i];
	bool code = i == SEG_CS;

	if (!st->lar_ok[i] || !st->lsl_ok[i]) {
		rp_fail(c->r, what, "%s 0x%x: LAR/LSL refused the selector (LAR %s, LSL %s)",
			seg_names[i], st->sel[i], st->lar_ok[i] ? "ok" : "ZF=0",
			st->lsl_ok[i] ? "ok" : "ZF=0");
		return;
	}
	bool ok = (a & AR_P) && (a & AR_S) && (a & AR_DB) && (a & AR_RW) &&
		  (code ? (a & AR_CODE) != 0 : !(a & AR_CODE) && !(a & AR_EXPDN)) &&
		  st->lsl[i] == 0xffffffffu;
	rp_check(c->r, ok, what,
		 "%s 0x%x: access rights 0x%x (P %u S %u type 0x%x D/B %u), limit 0x%x",
		 seg_names[i], st->sel[i], a, a >> 15 & 1, a >> 12 & 1, a >> 8 & 15, a >> 22 & 1,
		 st->lsl[i]);
}

/* Bases cannot be read in 32-bit mode: compare with the GDT entry where GDTR still holds one
 * that matches what LAR returned (the GDTR may be invalid, 3.2, so a mismatch is not a failure). */
static void check_bases(struct ck *c)
{
	const struct mb1_state *st = c->st;
	const char *what = "segment bases 0 (GDT entries that match LAR/LSL)";

	for (int i = 0; i < SEG_N; i++) {
		uint32_t sel = st->sel[i] & ~7u;
		const uint8_t *d;
		if ((st->sel[i] & 4) || !sel || sel + 7 > st->gdt_limit || !st->lar_ok[i] ||
		    !(d = rd(c, st->gdt_base + (uint64_t)sel, 8)))
			continue;
		if ((ld32(d + 4) & 0x00f0ff00u) != (st->lar[i] & 0x00f0ff00u))
			continue;
		uint32_t base = ld16(d + 2) | (uint32_t)d[4] << 16 | (uint32_t)d[7] << 24;
		if (base) {
			rp_fail(c->r, what, "%s 0x%x: base 0x%x", seg_names[i], st->sel[i], base);
			return;
		}
	}
	rp_pass(c->r, what);
}

static void check_machine(struct ck *c)
{
	const struct mb1_state *st = c->st;
	struct report *r = c->r;

	rp_check(r, st->eax == MB1_BOOT_MAGIC, "EAX holds the magic 0x2BADB002 (3.2)", "EAX 0x%x",
		 st->eax);
	check_segment(c, SEG_CS, "CS: 32-bit execute/read code, limit 0xFFFFFFFF (3.2)");
	check_segment(c, SEG_DS, "DS: 32-bit read/write data, limit 0xFFFFFFFF (3.2)");
	check_segment(c, SEG_ES, "ES: 32-bit read/write data, limit 0xFFFFFFFF (3.2)");
	check_segment(c, SEG_FS, "FS: 32-bit read/write data, limit 0xFFFFFFFF (3.2)");
	check_segment(c, SEG_GS, "GS: 32-bit read/write data, limit 0xFFFFFFFF (3.2)");
	check_segment(c, SEG_SS, "SS: 32-bit read/write data, limit 0xFFFFFFFF (3.2)");
	check_bases(c);
	rp_check(r, st->a20_ok, "A20 gate enabled (3.2)", "a write to 0x%x shows at 0x%x",
		 st->a20_addr | 0x100000u, st->a20_addr);
	rp_check(r, (st->cr0 & CR0_PE) && !(st->cr0 & CR0_PG), "CR0: PE set, PG clear (3.2)",
		 "CR0 0x%x", st->cr0);
	rp_check(r, !(st->eflags & EFLAGS_VM), "EFLAGS.VM clear (3.2)", "EFLAGS 0x%x", st->eflags);
	rp_check(r, !(st->eflags & EFLAGS_IF), "EFLAGS.IF clear (3.2)", "EFLAGS 0x%x", st->eflags);
}

/* --- this kernel's image (3.1.3 / 3.1.5: loaded where it asked, bss zeroed) --- */

uint32_t mb1_seal_hash(const uint8_t *seal, uint32_t seal_addr,
		       const void *(*mem)(void *, uint64_t, uint64_t), void *ctx, bool *ok)
{
	uint32_t h = FNV1A_INIT, n = ld32(seal + SEAL_NRANGES);

	*ok = n >= 1 && n <= MB1_SEAL_RANGES;
	for (uint32_t i = 0; *ok && i < n; i++) {
		uint32_t lo = ld32(seal + SEAL_RANGE + 8 * i),
			 len = ld32(seal + SEAL_RANGE + 8 * i + 4);
		const uint8_t *p = mem(ctx, lo, len);
		if (!p) {
			*ok = false;
			break;
		}
		for (uint32_t j = 0; j < len; j++) {
			uint32_t a = lo + j;
			uint8_t b = a >= seal_addr + 8 && a < seal_addr + SEAL_EXCLUDE ? 0 : p[j];
			h = fnv1a32(h, &b, 1);
		}
	}
	return h;
}

uint32_t mb1_shdr_hash(uint32_t h, const uint8_t *sh)
{
	uint8_t tmp[40];

	for (int i = 0; i < 40; i++)
		tmp[i] = sh[i];
	st32(tmp + 16, 0); /* sh_offset: a file position */
	if (!(ld32(sh + 8) & 2))
		st32(tmp + 12, 0); /* sh_addr of a non-SHF_ALLOC section: where the loader put it */
	return fnv1a32(h, tmp, 40);
}

static void check_image(struct ck *c)
{
	const struct mb1_state *st = c->st;
	struct report *r = c->r;
	const char *what = "kernel image loaded intact at its physical addresses (3.1.3/3.1.5)";
	const uint8_t *seal = rd(c, st->seal_addr, SEAL_SIZE);
	bool ok = false;

	/* the magic as numbers: a string literal here would be a second seal magic in the image */
	if (!seal || ld32(seal) != MB1_SEAL_MAGIC0 || ld32(seal + 4) != MB1_SEAL_MAGIC1) {
		rp_fail(r, what, "no seal at 0x%x", st->seal_addr);
	} else {
		uint32_t got = mb1_seal_hash(seal, st->seal_addr, st->mem, st->ctx, &ok);
		uint32_t want = ld32(seal + SEAL_SUM);
		if (!ok)
			rp_fail(r, what, "seal lists %u unreadable ranges",
				ld32(seal + SEAL_NRANGES));
		else
			rp_check(r, got == want, what,
				 "FNV-1a of the loaded bytes %08x, build says %08x", got, want);
	}
	rp_check(r, st->entry_got == st->entry_want,
		 st->elf ? "entered at e_entry translated through its PT_LOAD to physical (3.1.3)"
			 : "entered at entry_addr (3.1.3)",
		 "ran at 0x%x, expected 0x%x", st->entry_got, st->entry_want);
	rp_check(r, !st->bss_bad,
		 st->elf ? "ELF bss (p_memsz beyond p_filesz) zeroed"
			 : "bss [load_end_addr, bss_end_addr) zeroed, file bytes past "
			   "load_end_addr not loaded (3.1.3)",
		 "byte at 0x%x is not zero (bss 0x%x-0x%x)", st->bss_bad, st->bss_lo, st->bss_hi);
}

/* --- 3.3 the information structure --- */

static void check_cmdline(struct ck *c)
{
	struct report *r = c->r;
	const char *what = "cmdline: NUL-terminated string (3.3 bit 2)";

	if (!(c->flags & MB1_IF_CMDLINE)) {
		rp_fail(r, what, "flags bit 2 clear: this test always passes a command line");
		return;
	}
	long n = str_at(c, f32(c, MI_CMDLINE), &c->cmd);
	if (!rp_check(r, n >= 0, what, "no NUL within %u bytes at 0x%x", STR_MAX,
		      f32(c, MI_CMDLINE))) {
		c->cmd = NULL;
		return;
	}
	c->cmd_len = (uint32_t)n;
	add_info(c, f32(c, MI_CMDLINE), n + 1, "cmdline");
	rp_printf(r, "  cmdline: \"%s\"\n", c->cmd);

	uint32_t vl;
	c->exp_path = flag_token(c, "expect.path=");
	c->exp_mmap = flag_token(c, "expect.mmap=");
	c->exp_elfsyms = flag_token(c, "expect.elfsyms=");
	c->exp_fb = flag_token(c, "expect.fb=");
	c->exp_fbmode = flag_token(c, "expect.fbmode=");
	c->exp_bootdev = flag_token(c, "expect.bootdev=");
	uint32_t bl;
	const char *bv = token_in(c->cmd, c->cmd_len, "expect.bootdev=", &bl);
	if (bv && bl == 8 && parse_hex8(bv, &c->bootdev_word))
		c->exp_bootdev = 1, c->exp_bootdev_word = true;
	c->exp_mods = -1;
	const char *s = token_in(c->cmd, c->cmd_len, "expect.mods=", &vl);
	uint32_t v;
	if (s && parse_num(s, vl, &v) && v <= MAX_MODS)
		c->exp_mods = v;
	c->exp_name = token_in(c->cmd, c->cmd_len, "expect.name=", &c->exp_name_len);

	/* baton convention: "PATH tokens... sum=XXXXXXXX", sum over the bytes after PATH's space.
	 */
	uint32_t sp = 0;
	while (sp < c->cmd_len && c->cmd[sp] != ' ')
		sp++;
	if (c->exp_path != 0)
		rp_check(r, sp > 0 && c->cmd[0] == '/', "cmdline: first word is the kernel's path",
			 "first word does not start with '/' (expect.path=0 skips this)");
	what = "cmdline: bytes as sent (sum= is the FNV-1a of the text after the path)";
	uint32_t at = c->cmd_len;
	for (uint32_t i = 0; i + 5 <= c->cmd_len; i++)
		if (c_memeq(c->cmd + i, " sum=", 5))
			at = i;
	if (sp >= c->cmd_len || at < sp || c->cmd_len - at != 13) {
		rp_fail(r, what, "does not read \"PATH ... sum=\" and 8 hex digits");
		return;
	}
	uint32_t want = 0;
	for (int i = 0; i < 8; i++) {
		char ch = c->cmd[at + 5 + i];
		if (!is_hex(ch)) {
			rp_fail(r, what, "sum= has a non-hex digit '%c'", ch);
			return;
		}
		want = want << 4 | hexval(ch);
	}
	const char *text = c->cmd + sp + 1;
	uint32_t len = at > sp ? at - sp - 1 : 0;
	uint32_t got = fnv1a32(FNV1A_INIT, text, len);
	rp_check(r, got == want, what, "FNV-1a of the %u bytes is %08x, sum= says %08x", len, got,
		 want);
}

static void check_mem(struct ck *c)
{
	struct report *r = c->r;

	/* 3.1.2 header bit 1: "information on available memory via at least the mem_* fields ...
	 * must be included" */
	if (!rp_check(r, c->flags & MB1_IF_MEM, "mem_lower/mem_upper present (3.1.2 header bit 1)",
		      "flags 0x%x", c->flags))
		return;
	uint32_t lo = f32(c, MI_MEM_LOWER), up = f32(c, MI_MEM_UPPER);
	rp_check(r, lo <= 640, "mem_lower at most 640 KiB (3.3)", "mem_lower %u", lo);
	/* This kernel sits in upper memory, so mem_upper must reach past it. */
	rp_check(r, (uint64_t)up * 1024 + 0x100000 >= c->st->kernel_hi,
		 "mem_upper covers this kernel (3.3)",
		 "mem_upper %u KiB ends at %s, kernel ends 0x%x", up,
		 hex64((uint64_t)up * 1024 + 0x100000), c->st->kernel_hi);
}

static void check_bootdev(struct ck *c)
{
	const char *what = "boot_device: drive, part1..3 with 0xFF tails (3.3 bit 1)";

	if (!(c->flags & MB1_IF_BOOTDEV)) {
		if (c->exp_bootdev == 1)
			rp_fail(c->r, what, "flags bit 1 clear, expect.bootdev=1");
		return;
	}
	/* 3.3: not loaded from a BIOS disk (UEFI), "this field must not be present" */
	if (c->exp_bootdev == 0)
		rp_fail(c->r, "boot_device absent when not booted from a BIOS disk (3.3 bit 1)",
			"flags bit 1 set, expect.bootdev=0");
	uint32_t d = f32(c, MI_BOOT_DEVICE);
	uint8_t p1 = d >> 16, p2 = d >> 8, p3 = d;
	/* a sub-partition needs a partition: once a partN is 0xFF, the later ones are too */
	bool ok = (p1 != 0xff || p2 == 0xff) && (p2 != 0xff || p3 == 0xff);
	rp_check(c->r, ok, what, "boot_device 0x%08x", d);
	if (c->exp_bootdev_word)
		rp_check(c->r, d == c->bootdev_word,
			 "boot_device is the kernel's drive and partition (expect.bootdev=)",
			 "0x%08x, expected 0x%08x", d, c->bootdev_word);
}

/* Module strings: "PATH seed=N ...". */
static void check_module_file(struct ck *c, int i, const uint8_t *m, uint32_t size, const char *str,
			      uint32_t slen)
{
	const char *what =
	    "module contents intact: BTNI file whose seed matches its string's seed=";
	uint32_t vl, seed;
	const char *s = token_in(str, slen, "seed=", &vl);

	if (!s || !parse_num(s, vl, &seed)) {
		rp_fail(c->r, what, "module %d string \"%s\" has no seed=N", i, str);
		return;
	}
	if (size < BTNI_HDR || !c_memeq(m, BTNI_MAGIC, 4) || ld32(m + 8) != size || ld32(m + 12)) {
		rp_fail(c->r, what, "module %d: no BTNI header of length %u (length field %u)", i,
			size, size >= BTNI_HDR ? ld32(m + 8) : 0);
		return;
	}
	if (ld32(m + 4) != seed) {
		rp_fail(c->r, what, "module %d has seed %u, its string says %u (modules swapped?)",
			i, ld32(m + 4), seed);
		return;
	}
	uint32_t st = btni_state(seed), v = 0;
	for (uint32_t j = BTNI_HDR; j < size; j++) {
		if ((j - BTNI_HDR) % 4 == 0)
			v = xorshift32(&st);
		if (m[j] != (uint8_t)(v >> 8 * ((j - BTNI_HDR) % 4))) {
			rp_fail(c->r, what, "module %d byte %u is 0x%02x, expected 0x%02x", i, j,
				m[j], (uint8_t)(v >> 8 * ((j - BTNI_HDR) % 4)));
			return;
		}
	}
	rp_pass(c->r, what);
}

static void check_mods(struct ck *c)
{
	struct report *r = c->r;
	const char *what = "mods_count as expect.mods= says (3.3 bit 3)";
	uint32_t n = c->flags & MB1_IF_MODS ? f32(c, MI_MODS_COUNT) : 0;

	if (c->exp_mods >= 0)
		rp_check(r, n == (uint32_t)c->exp_mods, what,
			 "flags bit 3 %s, %u modules, expected %ld",
			 c->flags & MB1_IF_MODS ? "set" : "clear", n, c->exp_mods);
	if (!n)
		return;
	const uint8_t *tab = rd(c, f32(c, MI_MODS_ADDR), (uint64_t)n * 16);
	if (!rp_check(r, tab && n <= MAX_MODS, "mods_addr: readable table of mods_count entries",
		      "%u entries at 0x%x", n, f32(c, MI_MODS_ADDR)))
		return;
	add_info(c, f32(c, MI_MODS_ADDR), n * 16, "module table");
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = tab + 16 * i;
		uint32_t start = ld32(e), end = ld32(e + 4), sa = ld32(e + 8);
		const char *str = NULL;
		long sl;
		rp_printf(r, "  module %u: 0x%x-0x%x \"", i, start, end);
		if (sa && (sl = str_at(c, sa, &str)) >= 0)
			rp_printf(r, "%s\"\n", str);
		else
			rp_puts(r, "(none)\"\n");
		rp_check(r, start <= end, "module: mod_start <= mod_end (3.3)",
			 "module %u: 0x%x > 0x%x", i, start, end);
		/* 3.1.2 header bit 0: "all boot modules ... must be aligned on page (4KB)
		 * boundaries" */
		rp_check(r, !(start & 4095), "module: page-aligned (3.1.2 header bit 0)",
			 "module %u at 0x%x", i, start);
		sl = sa ? str_at(c, sa, &str) : -1;
		if (rp_check(r, sl >= 0, "module: string is NUL-terminated (3.3)",
			     "module %u: string at 0x%x", i, sa))
			add_info(c, sa, sl + 1, "module string");
		rp_check(r, ld32(e + 12) == 0, "module: reserved field 0 (3.3)", "module %u: 0x%x",
			 i, ld32(e + 12));
		if (start > end)
			continue;
		const uint8_t *m = rd(c, start, end - start);
		if (!m)
			rp_fail(r,
				"module contents intact: BTNI file whose seed matches its string's "
				"seed=",
				"module %u at 0x%x cannot be read", i, start);
		else if (sl >= 0)
			check_module_file(c, i, m, end - start, str, (uint32_t)sl);
		if (c->n_mods < MAX_MODS)
			c->mods[c->n_mods++] = (struct range){start, end, "module"};
	}
}

static void check_syms(struct ck *c)
{
	struct report *r = c->r;
	const struct mb1_state *st = c->st;
	bool aout = c->flags & MB1_IF_AOUT_SYMS, elf = c->flags & MB1_IF_ELF_SHDR;

	rp_check(r, !(aout && elf), "flags bits 4 and 5 mutually exclusive (3.3)", "flags 0x%x",
		 c->flags);
	if (st->elf)
		rp_check(r, !aout, "no a.out symbol table (bit 4) for an ELF image (3.3)",
			 "flags 0x%x", c->flags);
	else
		rp_check(r, !elf, "no ELF section headers (bit 5) for an a.out kludge image (3.3)",
			 "flags 0x%x", c->flags);
	if (c->exp_elfsyms == 1 && st->elf && !elf)
		rp_fail(r, "ELF section headers present as expect.elfsyms=1 says (3.3 bit 5)",
			"flags bit 5 clear");
	if (!elf || !st->elf)
		return;

	/* 3.3 bit 5: num, size, addr, shndx "from the ELF executable's section header table" */
	const char *what =
	    "ELF shdr: num, size, shndx as in the file, a readable table (3.3 bit 5)";
	const uint8_t *seal = rd(c, st->seal_addr, SEAL_SIZE);
	uint32_t num = f32(c, MI_SYMS), size = f32(c, MI_SYMS + 4), addr = f32(c, MI_SYMS + 8);
	uint32_t shndx = f32(c, MI_SYMS + 12);
	if (!seal)
		return;
	const uint8_t *tab = size == 40 ? rd(c, addr, (uint64_t)num * 40) : NULL;
	if (!rp_check(r,
		      num == ld32(seal + SEAL_SHNUM) && size == ld32(seal + SEAL_SHENTSIZE) &&
			  shndx == ld32(seal + SEAL_SHSTRNDX) && tab,
		      what, "num %u size %u addr 0x%x shndx %u, the file has %u, %u, shndx %u", num,
		      size, addr, shndx, ld32(seal + SEAL_SHNUM), ld32(seal + SEAL_SHENTSIZE),
		      ld32(seal + SEAL_SHSTRNDX)))
		return;
	add_info(c, addr, num * 40, "ELF section headers");
	uint32_t h = FNV1A_INIT;
	for (uint32_t i = 0; i < num; i++)
		h = mb1_shdr_hash(h, tab + 40 * i);
	rp_check(r, h == ld32(seal + SEAL_SHDR_HASH),
		 "ELF shdr: the table is the file's (all but sh_addr of non-alloc sections)",
		 "hash %08x, the file's %08x", h, ld32(seal + SEAL_SHDR_HASH));
	const uint8_t *ss = tab + 40 * shndx;
	const uint8_t *strs = ld32(ss + 12) ? rd(c, ld32(ss + 12), ld32(ss + 20)) : NULL;
	if (rp_check(r,
		     strs && fnv1a32(FNV1A_INIT, strs, ld32(ss + 20)) ==
				 ld32(seal + SEAL_SHSTRTAB_HASH),
		     "ELF shdr: section name table loaded at its sh_addr intact",
		     "sh_addr 0x%x, %u bytes", ld32(ss + 12), ld32(ss + 20)))
		add_info(c, ld32(ss + 12), ld32(ss + 20), "shstrtab");
}

/* 3.3 mmap: entries of "size" (not counting itself), base_addr, length, type. */
struct mm {
	const uint8_t *p;
	uint32_t len;
};

/* Follows type-1 entries from pos; returns how far contiguous available RAM reaches. */
static uint64_t ram_reach(struct mm *m, uint64_t pos)
{
	for (bool moved = true; moved;) {
		moved = false;
		for (uint32_t o = 0; o + 24 <= m->len; o += ld32(m->p + o) + 4) {
			uint64_t b = ld64(m->p + o + 4), l = ld64(m->p + o + 12);
			if (ld32(m->p + o + 20) == 1 && b <= pos && pos < b + l) {
				pos = b + l;
				moved = true;
			}
			if (ld32(m->p + o) < 20)
				break;
		}
	}
	return pos;
}

static void check_mmap(struct ck *c)
{
	struct report *r = c->r;
	const struct mb1_state *st = c->st;
	const char *what = "mmap: entries with size >= 20 filling mmap_length exactly (3.3 bit 6)";

	if (!(c->flags & MB1_IF_MMAP)) {
		if (c->exp_mmap == 1)
			rp_fail(r, "memory map present as expect.mmap=1 says (3.3 bit 6)",
				"flags bit 6 clear");
		return;
	}
	struct mm m = {rd(c, f32(c, MI_MMAP_ADDR), f32(c, MI_MMAP_LENGTH)), f32(c, MI_MMAP_LENGTH)};
	if (!m.p || !m.len) {
		rp_fail(r, what, "%u bytes at 0x%x cannot be read", m.len, f32(c, MI_MMAP_ADDR));
		return;
	}
	add_info(c, f32(c, MI_MMAP_ADDR), m.len, "mmap");
	uint32_t o = 0, n = 0;
	while (o + 4 <= m.len && ld32(m.p + o) >= 20 && o + 4 + ld32(m.p + o) <= m.len) {
		rp_printf(r, "  mmap: %s +%s type %u\n", hex64(ld64(m.p + o + 4)),
			  hex64(ld64(m.p + o + 12)), ld32(m.p + o + 20));
		o += ld32(m.p + o) + 4, n++;
	}
	if (!rp_check(r, o == m.len && n, what, "entry %u at offset %u: size %u, mmap_length %u", n,
		      o, o + 4 <= m.len ? ld32(m.p + o) : 0, m.len))
		return;
	uint64_t reach = ram_reach(&m, st->kernel_lo);
	rp_check(r, reach >= st->kernel_hi, "mmap: available RAM (type 1) covers the kernel",
		 "0x%x-0x%x: RAM from 0x%x ends at %s", st->kernel_lo, st->kernel_hi, st->kernel_lo,
		 hex64(reach));
	if (c->flags & MB1_IF_MEM) {
		/* mem_lower/upper: "maximally the address of the first upper memory hole minus 1
		 * MB" */
		uint64_t low = ram_reach(&m, 0), up = ram_reach(&m, 0x100000) - 0x100000;
		uint32_t ml = f32(c, MI_MEM_LOWER), mu = f32(c, MI_MEM_UPPER);
		rp_check(r, (uint64_t)ml * 1024 <= low && (uint64_t)mu * 1024 <= up,
			 "mem_lower/mem_upper within the mmap's RAM at 0 and at 1 MiB (3.3)",
			 "mem_lower %u KiB, mmap RAM at 0 %u KiB; mem_upper %u KiB, mmap RAM at 1 "
			 "MiB %u KiB",
			 ml, (uint32_t)(low / 1024), mu, (uint32_t)(up / 1024));
		if (mu * 1024ull != up)
			rp_printf(r, "  note: mem_upper %u KiB, mmap RAM from 1 MiB %u KiB\n", mu,
				  (uint32_t)(up / 1024));
	}
}

static void check_misc(struct ck *c)
{
	struct report *r = c->r;

	if (c->flags & MB1_IF_DRIVES) {
		/* 3.3 bit 7: entries of size, drive_number, mode, cylinders, heads, sectors, ports
		 */
		uint32_t len = f32(c, MI_DRIVES_LENGTH), o = 0;
		const uint8_t *p = rd(c, f32(c, MI_DRIVES_ADDR), len);
		while (p && o + 10 <= len && ld32(p + o) >= 10)
			o += ld32(p + o);
		rp_check(r, p && o == len,
			 "drives: entries of size >= 10 filling drives_length (3.3 bit 7)",
			 "drives_addr 0x%x length %u, walk ends at %u", f32(c, MI_DRIVES_ADDR), len,
			 o);
		add_info(c, f32(c, MI_DRIVES_ADDR), len, "drives");
	}
	if (c->flags & MB1_IF_CONFIG)
		rp_check(r, f32(c, MI_CONFIG_TABLE) != 0,
			 "config_table address nonzero (3.3 bit 8)", "0");
	const char *what = "boot_loader_name: NUL-terminated string (3.3 bit 9)";
	if (c->flags & MB1_IF_NAME) {
		const char *s = NULL;
		long n = str_at(c, f32(c, MI_BOOT_LOADER), &s);
		if (rp_check(r, n >= 0, what, "at 0x%x", f32(c, MI_BOOT_LOADER))) {
			rp_printf(r, "  boot_loader_name: \"%s\"\n", s);
			add_info(c, f32(c, MI_BOOT_LOADER), n + 1, "boot_loader_name");
			if (c->exp_name)
				rp_check(r,
					 (uint32_t)n >= c->exp_name_len &&
					     c_memeq(s, c->exp_name, c->exp_name_len),
					 "boot_loader_name begins with expect.name=", "\"%s\"", s);
		}
	} else if (c->exp_name) {
		rp_fail(r, what, "flags bit 9 clear but expect.name= given");
	}
	if (c->flags & MB1_IF_APM) {
		/* 3.3 bit 10: version, cseg, offset, cseg_16, dseg, flags, 3 lengths: 20 bytes */
		rp_check(r, rd(c, f32(c, MI_APM_TABLE), 20) && f32(c, MI_APM_TABLE),
			 "apm_table readable (3.3 bit 10)", "at 0x%x", f32(c, MI_APM_TABLE));
		add_info(c, f32(c, MI_APM_TABLE), 20, "APM table");
	}
	if (c->flags & MB1_IF_VBE) {
		/* 3.3 bit 11: VBE function 00h / 01h results: the controller block says "VESA" */
		const uint8_t *ci = rd(c, f32(c, MI_VBE_CONTROL), 512);
		rp_check(r, ci && c_memeq(ci, "VESA", 4) && rd(c, f32(c, MI_VBE_MODE_INFO), 256),
			 "vbe: control info \"VESA\", mode info readable (3.3 bit 11)",
			 "control 0x%x mode info 0x%x", f32(c, MI_VBE_CONTROL),
			 f32(c, MI_VBE_MODE_INFO));
		/* VBE 3.0 4.4 mode info: XResolution at 18, YResolution at 20, PhysBasePtr at 40;
		 * the mode a loader set is the framebuffer it reports (bit 12). */
		const uint8_t *m = rd(c, f32(c, MI_VBE_MODE_INFO), 256);
		if (m && (c->flags & MB1_IF_FB))
			rp_check(r,
				 ld32(m + 40) == f32(c, MI_FB_ADDR) &&
				     (uint32_t)(m[18] | m[19] << 8) == f32(c, MI_FB_WIDTH) &&
				     (uint32_t)(m[20] | m[21] << 8) == f32(c, MI_FB_HEIGHT),
				 "vbe: mode info is the framebuffer's mode (3.3 bits 11, 12)",
				 "mode 0x%x: base 0x%x %ux%u, framebuffer 0x%x %ux%u",
				 f32(c, MI_VBE_MODE) & 0xffff, ld32(m + 40), m[18] | m[19] << 8,
				 m[20] | m[21] << 8, f32(c, MI_FB_ADDR), f32(c, MI_FB_WIDTH),
				 f32(c, MI_FB_HEIGHT));
		add_info(c, f32(c, MI_VBE_CONTROL), 512, "VBE control info");
		add_info(c, f32(c, MI_VBE_MODE_INFO), 256, "VBE mode info");
	}
}

/* 3.1.4: the header's graphics fields ask for a mode; a loader may choose another, so only a
 * command line token (the test knows the machine offers it) demands it. */
static void check_fbmode(struct ck *c)
{
	const struct mb1_state *st = c->st;
	const char *what = "framebuffer is the width and height the header asks for (3.1.4, "
			   "expect.fbmode=1)";

	if (c->exp_fbmode != 1)
		return;
	if (!(st->header_flags & MB1_HF_VIDEO) || !st->video_width || !st->video_height) {
		rp_fail(c->r, what, "the header asks for no mode (flags 0x%x, %ux%u)",
			st->header_flags, st->video_width, st->video_height);
		return;
	}
	if (!(c->flags & MB1_IF_FB)) {
		rp_fail(c->r, what, "flags bit 12 clear, no framebuffer");
		return;
	}
	uint32_t w = f32(c, MI_FB_WIDTH), h = f32(c, MI_FB_HEIGHT);
	rp_check(c->r, w == st->video_width && h == st->video_height, what, "%ux%u, asked %ux%u", w,
		 h, st->video_width, st->video_height);
}

static void check_fb(struct ck *c)
{
	struct report *r = c->r;
	const char *what =
	    "framebuffer: type, bpp, pitch >= width * bpp / 8 consistent (3.3 bit 12)";

	if (!(c->flags & MB1_IF_FB)) {
		if (c->exp_fb == 1)
			rp_fail(r, what, "flags bit 12 clear, expect.fb=1");
		return;
	}
	uint64_t addr = ld64(c->mi + MI_FB_ADDR);
	uint32_t pitch = f32(c, MI_FB_PITCH), w = f32(c, MI_FB_WIDTH), h = f32(c, MI_FB_HEIGHT);
	uint8_t bpp = c->mi[MI_FB_BPP], type = c->mi[MI_FB_TYPE];
	const uint8_t *ci = c->mi + MI_FB_COLOR;
	const uint8_t *ci8 = rd(c, c->st->ebx + MI_FB_COLOR, 8); /* 2 bytes more: see below */

	if (ci8)
		ci = ci8;
	rp_printf(r, "  framebuffer: %s %ux%u bpp %u pitch %u type %u\n", hex64(addr), w, h, bpp,
		  pitch, type);
	bool ok = addr && w && h && type <= 2 && (uint64_t)pitch * 8 >= (uint64_t)w * bpp;
	if (type == 1) {
		/* RGB: each field_position + mask_size within bpp; color_info is at offset 110 */
		bool rgb = true, rgb112 = true;
		for (int i = 0; i < 3; i++) {
			rgb = rgb && ci[2 * i + 1] && ci[2 * i] + ci[2 * i + 1] <= bpp;
			rgb112 = rgb112 && ci[2 * i + 3] && ci[2 * i + 2] + ci[2 * i + 3] <= bpp;
		}
		if (!rgb && rgb112)
			rp_printf(
			    r, "  note: color_info is at offset 112 (multiboot.h's unpacked union, "
			       "as GRUB 2 writes it); the spec puts it at 110\n");
		ok = ok && rgb && (bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32);
	} else if (type == 0) {
		/* indexed: palette address and num_colors */
		ok = ok && ld16(ci + 4) && rd(c, ld32(ci), ld16(ci + 4) * 3ull) && bpp && bpp <= 8;
		if (ok)
			add_info(c, ld32(ci), ld16(ci + 4) * 3ull, "palette");
	} else if (type == 2) {
		ok = ok && bpp == 16; /* EGA text: width, height in characters */
	}
	rp_check(r, ok, what,
		 "addr %s %ux%u bpp %u pitch %u type %u color_info %02x %02x %02x %02x %02x %02x",
		 hex64(addr), w, h, bpp, pitch, type, ci[0], ci[1], ci[2], ci[3], ci[4], ci[5]);
	if (c->exp_fb == 1)
		rp_check(r, type != 2, "framebuffer is linear graphics as expect.fb=1 says (3.1.4)",
			 "type %u (EGA text)", type);
	if (c->st->video_depth && type == 1)
		rp_printf(r, "  note: header asked for depth %u, got %u\n", c->st->video_depth,
			  bpp);
}

static size_t info_size(uint32_t flags)
{
	return flags & MB1_IF_FB     ? MI_SIZE
	       : flags & MB1_IF_VBE  ? MI_FB_ADDR
	       : flags & MB1_IF_APM  ? MI_VBE_CONTROL
	       : flags & MB1_IF_NAME ? MI_APM_TABLE
				     : MI_BOOT_LOADER;
}

/* 3.3: the structure "may be placed anywhere in memory by the boot loader (with the exception
 * of the memory reserved for the kernel and boot modules, of course)". */
static void check_overlaps(struct ck *c)
{
	struct range k = {c->st->kernel_lo, c->st->kernel_hi, "kernel"};
	const char *w1 = "boot information does not overlap the kernel (3.3)";
	const char *w2 = "modules do not overlap the kernel, each other or boot information (3.3)";
	int i, j;

	for (i = 0; i < c->n_info && !overlaps(c->info[i], k); i++)
		;
	if (i < c->n_info)
		rp_fail(c->r, w1, "%s %s-%s, kernel %s-%s", c->info[i].name, hex64(c->info[i].lo),
			hex64(c->info[i].hi), hex64(k.lo), hex64(k.hi));
	else
		rp_pass(c->r, w1);
	if (!c->n_mods)
		return;
	for (i = 0; i < c->n_mods; i++) {
		struct range m = c->mods[i];
		const struct range *o = overlaps(m, k) ? &k : NULL;
		for (j = 0; j < c->n_mods && !o; j++)
			if (j != i && overlaps(m, c->mods[j]))
				o = &c->mods[j];
		for (j = 0; j < c->n_info && !o; j++)
			if (overlaps(m, c->info[j]))
				o = &c->info[j];
		if (o) {
			rp_fail(c->r, w2, "module %d %s-%s overlaps %s %s-%s", i, hex64(m.lo),
				hex64(m.hi), o->name, hex64(o->lo), hex64(o->hi));
			return;
		}
	}
	rp_pass(c->r, w2);
}

void mb1_run_checks(const struct mb1_state *st, struct report *r)
{
	struct ck c = {.st = st, .r = r, .exp_path = -1, .exp_mods = -1};

	check_machine(&c);
	check_image(&c);
	c.mi = st->ebx ? rd(&c, st->ebx, 4) : NULL;
	if (c.mi)
		c.mi = rd(&c, st->ebx, info_size(ld32(c.mi)));
	if (!rp_check(r, c.mi != NULL, "EBX points to the information structure (3.2)", "EBX 0x%x",
		      st->ebx))
		return;
	c.flags = f32(&c, MI_FLAGS);
	add_info(&c, st->ebx, info_size(c.flags), "info structure");
	rp_printf(r, "  info flags 0x%x\n", c.flags);
	check_cmdline(&c);
	check_mem(&c);
	check_bootdev(&c);
	check_mods(&c);
	check_syms(&c);
	check_mmap(&c);
	check_misc(&c);
	check_fb(&c);
	check_fbmode(&c);
	check_overlaps(&c);
}
