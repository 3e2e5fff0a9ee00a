/* test_linux.c: unit tests of the bzImage header parser and the Linux load plan and zero page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "linux_hdr.h"
#include "loadplan.h"
#include "pe.h"

extern const struct format format_linux, format_efi;

/* ---- inputs ---- */

/* The Debian kernel that mk/fetch.sh puts in the cache; its absence is a failure, not a skip. */
static uint8_t *real;
static size_t real_size;

static void load_real(void)
{
	const char *cache = getenv("BATON_CACHE");
	char path[512];
	FILE *f;

	if (real)
		return;
	snprintf(path, sizeof(path), "%s/linux/vmlinuz", cache && *cache ? cache : "cache");
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s is missing: run `make fetch` (or set BATON_CACHE)", path);
	fseek(f, 0, SEEK_END);
	real_size = (size_t)ftell(f);
	rewind(f);
	real = malloc(real_size);
	assert_non_null(real);
	assert_int_equal(fread(real, 1, real_size, f), real_size);
	fclose(f);
}

static struct lp_file real_file(void)
{
	load_real();
	return (struct lp_file){.path = "vmlinuz",
				.size = real_size,
				.head = real,
				.head_len = MIN(real_size, (size_t)LP_HEAD_BYTES)};
}

#define SYN_SIZE 0x3000
#define SYN_KOFF 0xa00 /* setup_sects 4 */

/* A minimal bzImage: a 64-bit capable, relocatable 2.15 header and a few KiB of "kernel". */
static uint8_t *synth(uint16_t version, uint16_t xlf)
{
	uint8_t *b = calloc(1, SYN_SIZE);

	assert_non_null(b);
	/* Bytes outside the setup header must not reach the zero page: make them visible. */
	memset(b, 0xcc, SYN_SIZE);
	memset(b + LX_SETUP_SECTS, 0, 0x26c - LX_SETUP_SECTS);
	b[LX_SETUP_SECTS] = 4;
	put32(b + LX_SYSSIZE, (SYN_SIZE - SYN_KOFF) / 16);
	put16(b + LX_BOOT_FLAG, 0xaa55);
	b[LX_JUMP] = 0xeb;
	b[LX_JUMP + 1] = 0x6a; /* header ends at 0x26c */
	memcpy(b + LX_HEADER, "HdrS", 4);
	put16(b + LX_VERSION, version);
	b[LX_LOADFLAGS] = LX_LOADED_HIGH;
	put32(b + LX_CODE32_START, 0x100000);
	put32(b + LX_INITRD_ADDR_MAX, 0x7fffffff);
	put32(b + LX_KERNEL_ALIGNMENT, 0x200000);
	b[LX_RELOCATABLE] = 1;
	b[LX_MIN_ALIGNMENT] = 21;
	put16(b + LX_XLOADFLAGS, xlf);
	put32(b + LX_CMDLINE_SIZE, 100);
	put64(b + LX_PREF_ADDRESS, 0x1000000);
	put32(b + LX_INIT_SIZE, 0x400000);
	put32(b + LX_HANDOVER_OFFSET, 0x190);
	return b;
}

static struct lp_file syn_file(const uint8_t *b, uint64_t size)
{
	return (struct lp_file){
	    .path = "syn", .size = size, .head = b, .head_len = MIN(size, (uint64_t)SYN_SIZE)};
}

static struct lp_input input(struct lp_file k, const char *cmdline, const uint64_t *rd, int n_rd)
{
	struct lp_input in;

	memset(&in, 0, sizeof(in));
	in.kernel = k;
	in.cmdline = cmdline;
	in.loader_name = "baton test";
	for (int i = 0; i < n_rd; i++)
		in.mods[i] = (struct lp_file){.path = "initrd", .size = rd[i]};
	in.n_mods = n_rd;
	return in;
}

static int find_seg(const struct load_plan *p, const char *name)
{
	for (int i = 0; i < p->n_segs; i++)
		if (!strcmp(p->seg[i].name, name))
			return i;
	return -1;
}

/* ---- linux_parse ---- */

static void test_parse_real(void **state)
{
	struct lp_file k = real_file();
	struct linux_hdr h;
	const uint8_t *b = real;

	assert_int_equal(linux_parse(k.head, k.head_len, k.size, &h), 0);
	/* Expected values come from the file's bytes (boot.rst offsets)... */
	unsigned ss = b[0x1f1] ? b[0x1f1] : 4;
	assert_int_equal(h.version, get16(b + 0x206));
	assert_int_equal(h.setup_sects, ss);
	assert_int_equal(h.kernel_off, (ss + 1) * 512);
	assert_int_equal(h.kernel_len, real_size - (ss + 1) * 512);
	assert_int_equal(h.syssize_bytes, get32(b + 0x1f4) * 16);
	assert_int_equal(h.loadflags, b[0x211]);
	assert_int_equal(h.xloadflags, get16(b + 0x236));
	assert_int_equal(h.relocatable, b[0x234] != 0);
	assert_int_equal(h.kernel_alignment, get32(b + 0x230));
	assert_int_equal(h.min_alignment, b[0x235]);
	assert_int_equal(h.pref_address, get64(b + 0x258));
	assert_int_equal(h.init_size, get32(b + 0x260));
	assert_int_equal(h.initrd_addr_max, get32(b + 0x22c));
	assert_int_equal(h.cmdline_size, get32(b + 0x238));
	assert_int_equal(h.hdr_end, 0x202 + b[0x201]);
	/* ...and are sane for any modern x86-64 distribution kernel. */
	assert_true(h.version >= 0x020c);
	assert_true(h.xloadflags & XLF_KERNEL_64);
	assert_true(h.relocatable);
	assert_true(h.kernel_alignment >= 0x1000);
	assert_int_equal(h.kernel_alignment & (h.kernel_alignment - 1), 0);
	assert_true(h.init_size >= h.kernel_len);
	assert_true(h.kernel_off + h.syssize_bytes <= real_size);
	assert_true(h.cmdline_size >= 255);
	assert_true(h.hdr_end > LX_HANDOVER_OFFSET && h.hdr_end <= LX_HDR_MAX_END);
	assert_true(h.loadflags & LX_LOADED_HIGH);
	/* detect agrees, and detection finds the handler. */
	assert_true(format_linux.detect(&k));
	assert_ptr_equal(format_find(&k, NULL), &format_linux);
	assert_ptr_equal(format_find(&k, "linux"), &format_linux);
}

static void test_parse_synthetic(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	struct linux_hdr h;

	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.version, 0x020f);
	assert_int_equal(h.setup_sects, 4);
	assert_int_equal(h.kernel_off, SYN_KOFF);
	assert_int_equal(h.kernel_len, SYN_SIZE - SYN_KOFF);
	assert_int_equal(h.hdr_end, 0x26c);
	assert_int_equal(h.kernel_alignment, 0x200000);
	assert_int_equal(h.pref_address, 0x1000000);
	assert_int_equal(h.init_size, 0x400000);
	assert_int_equal(h.cmdline_size, 100);
	assert_int_equal(h.initrd_addr_max, 0x7fffffff);

	/* setup_sects 0 means 4 (boot.rst). */
	b[LX_SETUP_SECTS] = 0;
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.setup_sects, 4);
	assert_int_equal(h.kernel_off, 5 * 512);
	/* Another count moves the kernel. */
	b[LX_SETUP_SECTS] = 2;
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.kernel_off, 3 * 512);
	assert_int_equal(h.kernel_len, SYN_SIZE - 3 * 512);

	/* A header longer than struct setup_header is clamped. */
	b[LX_JUMP + 1] = 0xff;
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.hdr_end, LX_HDR_MAX_END);

	/* init_size smaller than the kernel: raised to cover it. */
	b[LX_SETUP_SECTS] = 4;
	put32(b + LX_INIT_SIZE, 0x100);
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.init_size, SYN_SIZE - SYN_KOFF);
	free(b);
}

static void expect_parse(const uint8_t *b, size_t head_len, uint64_t size, int code,
			 const char *msg)
{
	struct linux_hdr h;

	assert_int_equal(linux_parse(b, head_len, size, &h), code);
	if (!strstr(err_msg(), msg))
		fail_msg("error \"%s\" does not say \"%s\"", err_msg(), msg);
}

static void test_parse_errors(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);

	/* No "HdrS": a pre-2.00 Image/zImage, refused by name; no 0xAA55: not a bzImage. */
	b[LX_HEADER + 3] = 's';
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_UNSUPP, "older than boot protocol 2.00");
	b[LX_HEADER + 3] = 'S';
	b[LX_BOOT_FLAG] = 0x56;
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_FORMAT, "not a Linux bzImage");
	b[LX_BOOT_FLAG] = 0x55;
	expect_parse(b, SYN_SIZE, SYN_SIZE, 0, "");

	/* Too small to hold a header. */
	expect_parse(b, SYN_SIZE, 1000, E_FORMAT, "too small");
	expect_parse(b, LX_HEADER + 3, SYN_SIZE, E_FORMAT, "too small");
	expect_parse(b, 0, 0, E_FORMAT, "too small");
	expect_parse(b, LX_HDR_MAX_END - 1, SYN_SIZE, E_FORMAT, "setup header truncated");

	/* Truncated: the file ends inside the setup code, or before syssize says. */
	expect_parse(b, SYN_SIZE, SYN_KOFF, E_FORMAT, "inside the setup code");
	expect_parse(b, SYN_SIZE, SYN_SIZE - 16, E_FORMAT, "truncated bzImage");
	/* syssize rounds up to a paragraph: up to 15 bytes short is a whole file (memtest86+). */
	expect_parse(b, SYN_SIZE, SYN_SIZE - 15, 0, "");
	put32(b + LX_SYSSIZE, 0x01000000); /* 256 MiB of kernel in a 12 KiB file */
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_FORMAT, "truncated bzImage");
	put32(b + LX_SYSSIZE, (SYN_SIZE - SYN_KOFF) / 16);

	/* A relocatable kernel needs a power-of-two alignment. */
	put32(b + LX_KERNEL_ALIGNMENT, 0x300000);
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_FORMAT, "kernel_alignment");
	put32(b + LX_KERNEL_ALIGNMENT, 0);
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_FORMAT, "kernel_alignment");
	put32(b + LX_KERNEL_ALIGNMENT, 0x200000);

	/* Protocol 1.x. */
	put16(b + LX_VERSION, 0x0105);
	expect_parse(b, SYN_SIZE, SYN_SIZE, E_UNSUPP, "1.05 is too old");
	free(b);
}

static void test_parse_old_protocol_defaults(void **state)
{
	uint8_t *b = synth(0x0202, 0);
	struct linux_hdr h;

	/* Fields newer than the protocol are not read, whatever the bytes hold. */
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	assert_int_equal(h.xloadflags, 0);
	assert_false(h.relocatable);
	assert_int_equal(h.kernel_alignment, 0x100000);
	assert_int_equal(h.pref_address, 0x100000);
	assert_int_equal(h.init_size, SYN_SIZE - SYN_KOFF);
	assert_int_equal(h.initrd_addr_max, 0x37ffffff);
	assert_int_equal(h.cmdline_size, 255);
	/* Before 2.04 syssize is 16 bits and not checked. */
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE - 16, &h), 0);
	free(b);
}

/* ---- the plan ---- */

static void expect_plan(const struct lp_input *in, int code, const char *msg)
{
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(in, &p), code);
	if (code && !strstr(err_msg(), msg))
		fail_msg("error \"%s\" does not say \"%s\"", err_msg(), msg);
	lp_free(&p);
	assert_null(p.priv);
}

static int plan_mode(const struct lp_input *in)
{
	struct load_plan p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(in, &p), 0);
	int m = p.mode;
	lp_free(&p);
	return m;
}

static void test_plan_unsupported(void **state)
{
	/* No 64-bit entry (before 2.12 xloadflags does not exist; from 2.12 its bit 0 says): the
	 * 32-bit entry, with everything below 4 GiB. */
	uint8_t *b = synth(0x020b, XLF_KERNEL_64);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "", NULL, 0);

	assert_int_equal(plan_mode(&in), LP_MODE_PROT32);
	put16(b + LX_VERSION, 0x020c);
	assert_int_equal(plan_mode(&in), LP_MODE_LONG64);
	put16(b + LX_XLOADFLAGS, XLF_CAN_BE_LOADED_ABOVE_4G);
	assert_int_equal(plan_mode(&in), LP_MODE_PROT32);
	struct load_plan p;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	for (int i = 0; i < p.n_segs; i++)
		assert_true(p.seg[i].max <= 0x100000000ull);
	assert_int_equal(p.entry_off, 0);
	/* boot.rst 32-bit protocol: ESI = boot_params, EBP, EDI, EBX zero. */
	assert_true(p.reg[LP_RSI].used && p.reg[LP_RSI].seg == find_seg(&p, "boot_params"));
	assert_true(p.reg[LP_RBP].used && p.reg[LP_RBP].seg < 0 && !p.reg[LP_RBP].value);
	assert_true(p.reg[LP_RDI].used && p.reg[LP_RDI].seg < 0 && !p.reg[LP_RDI].value);
	assert_true(p.reg[LP_RBX].used && p.reg[LP_RBX].seg < 0 && !p.reg[LP_RBX].value);
	assert_int_equal(p.cs, 0x10);
	assert_int_equal(p.ds, 0x18);
	lp_free(&p);
	/* Forcing the 64-bit entry of a kernel without one is an error, not a silent fallback. */
	in.protocol = "linux64";
	expect_plan(&in, E_UNSUPP, "no 64-bit entry");
	in.protocol = NULL;
	/* A zImage (LOADED_HIGH clear) is refused by name. */
	b[LX_LOADFLAGS] = 0;
	expect_plan(&in, E_UNSUPP, "zImage");
	b[LX_LOADFLAGS] = LX_LOADED_HIGH;
	/* Parse errors come through the plan too. */
	put16(b + LX_XLOADFLAGS, XLF_KERNEL_64);
	in.kernel.size = SYN_SIZE - 16;
	expect_plan(&in, E_FORMAT, "truncated");
	free(b);
}

static void test_plan_cmdline_size(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	char cmd[200];
	struct load_plan p;

	/* cmdline_size counts without the NUL: 100 bytes fit, 101 are refused, never cut. */
	memset(cmd, 'a', 101);
	cmd[101] = 0;
	struct lp_input in = input(syn_file(b, SYN_SIZE), cmd, NULL, 0);
	expect_plan(&in, E_RANGE, "at most 100");
	cmd[100] = 0;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	int s = find_seg(&p, "cmdline");
	assert_true(s >= 0);
	assert_int_equal(p.seg[s].memsz, 101);
	assert_int_equal(p.seg[s].piece[0].len, 101);
	assert_ptr_equal(p.seg[s].piece[0].mem, cmd);
	lp_free(&p);

	/* The real kernel's limit, read from its header. */
	struct lp_file k = real_file();
	size_t lim = get32(real + LX_CMDLINE_SIZE);
	char *big = malloc(lim + 2);
	memset(big, 'x', lim + 1);
	big[lim + 1] = 0;
	in = input(k, big, NULL, 0);
	expect_plan(&in, E_RANGE, "command line");
	big[lim] = 0;
	expect_plan(&in, 0, NULL);
	free(big);
	free(b);
}

/* Checks what holds for every Linux plan; returns the segment indices. */
static void check_plan_shape(const struct load_plan *p, const struct linux_hdr *h,
			     const char *cmdline, int *ks, int *bs, int *cs)
{
	*ks = find_seg(p, "kernel");
	*bs = find_seg(p, "boot_params");
	*cs = find_seg(p, "cmdline");
	assert_true(*ks >= 0 && *bs >= 0 && *cs >= 0);
	assert_string_equal(p->format, "linux");
	assert_non_null(p->finish);

	const struct lp_segment *k = &p->seg[*ks];
	assert_int_equal(k->piece[0].file, 0);
	assert_int_equal(k->piece[0].off, h->kernel_off);
	assert_int_equal(k->piece[0].len, h->kernel_len);
	assert_int_equal(k->piece[0].dst_off, 0);
	assert_int_equal(k->n_pieces, 1);
	/* The room is init_size (the kernel decompresses in place), whole pages. */
	assert_int_equal(k->memsz, ALIGN_UP((uint64_t)h->init_size, 4096));
	assert_true(k->memsz >= h->init_size && k->memsz - h->init_size < 4096);
	assert_true(k->flags & LP_EXEC);
	if (h->relocatable) {
		assert_int_equal(k->place, LP_ANYWHERE);
		assert_int_equal(k->align, h->kernel_alignment);
		assert_true(k->min >= 0x100000);
	} else {
		assert_int_equal(k->place, LP_FIXED);
	}
	/* Preferred address first: exec.c tries addr when it is aligned and inside [min, max). */
	assert_int_equal(k->addr, h->pref_address);

	const struct lp_segment *bp = &p->seg[*bs];
	assert_int_equal(bp->memsz, BP_SIZE);
	assert_int_equal(bp->align, 4096);
	assert_int_equal(bp->piece[0].file, -1);
	assert_int_equal(bp->piece[0].len, BP_SIZE);

	const struct lp_segment *c = &p->seg[*cs];
	assert_int_equal(c->memsz, strlen(cmdline) + 1);
	assert_int_equal(c->piece[0].file, -1);
	assert_ptr_equal(c->piece[0].mem, cmdline);

	/* 64-bit entry: long mode at the load address + 0x200, RSI = boot_params. */
	assert_int_equal(p->mode, LP_MODE_LONG64);
	assert_int_equal(p->entry_seg, *ks);
	assert_int_equal(p->entry_off, 0x200);
	assert_true(p->reg[LP_RSI].used);
	assert_int_equal(p->reg[LP_RSI].seg, *bs);
	assert_int_equal(p->reg[LP_RSI].value, 0);
	for (int r = 0; r < LP_NREGS; r++)
		if (r != LP_RSI)
			assert_false(p->reg[r].used);
	assert_int_equal(p->cs, 0x10);
	assert_int_equal(p->ds, 0x18);
	for (int i = 0; i < p->n_segs; i++)
		assert_true(p->idmap_segs & (1u << i));
	/* exec.c's rules for pieces: in order and inside memsz. */
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		uint64_t at = 0;
		/* setup_data is room finish() fills; every other segment has bytes. */
		assert_true(s->n_pieces >= !!strcmp(s->name, "setup_data") &&
			    s->n_pieces <= LP_MAX_PIECES);
		for (int j = 0; j < s->n_pieces; j++) {
			assert_true(s->piece[j].dst_off >= at);
			assert_true(s->piece[j].dst_off + s->piece[j].len <= s->memsz);
			at = s->piece[j].dst_off + s->piece[j].len;
		}
		if (s->place == LP_ANYWHERE)
			assert_true(s->min < s->max && s->memsz <= s->max - s->min);
	}
}

static void test_plan_real(void **state)
{
	static const char cmdline[] = "console=ttyS0 root=/dev/vda1 quiet";
	static const uint64_t rd[] = {1001, 2000, 7};
	struct lp_input in = input(real_file(), cmdline, rd, 3);
	struct load_plan p;
	struct linux_hdr h;
	int ks, bs, cs;

	assert_int_equal(linux_parse(in.kernel.head, in.kernel.head_len, in.kernel.size, &h), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	check_plan_shape(&p, &h, cmdline, &ks, &bs, &cs);
	assert_int_equal(p.n_segs, 5); /* kernel, boot_params, cmdline, initrd, setup_data */

	const struct lp_segment *k = &p.seg[ks];
	assert_int_equal(k->align, get32(real + LX_KERNEL_ALIGNMENT));
	assert_int_equal(k->addr, get64(real + LX_PREF_ADDRESS));
	assert_int_equal(k->memsz, ALIGN_UP((uint64_t)get32(real + LX_INIT_SIZE), 4096));
	/* The preferred address is one exec.c would really try. */
	assert_true(k->addr % k->align == 0 && k->addr >= k->min && k->addr + k->memsz <= k->max);

	/* Initrds: one segment, each file at a 4-byte aligned offset, below initrd_addr_max. */
	int rs = find_seg(&p, "initrd");
	assert_true(rs >= 0);
	const struct lp_segment *r = &p.seg[rs];
	assert_int_equal(r->n_pieces, 3);
	assert_int_equal(r->piece[0].file, 1);
	assert_int_equal(r->piece[0].dst_off, 0);
	assert_int_equal(r->piece[0].len, 1001);
	assert_int_equal(r->piece[1].file, 2);
	assert_int_equal(r->piece[1].dst_off, 1004);
	assert_int_equal(r->piece[1].len, 2000);
	assert_int_equal(r->piece[2].file, 3);
	assert_int_equal(r->piece[2].dst_off, 3004);
	assert_int_equal(r->piece[2].len, 7);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r->piece[i].off, 0);
	assert_int_equal(r->memsz, 3011);
	assert_int_equal(r->max, (uint64_t)get32(real + LX_INITRD_ADDR_MAX) + 1);
	assert_true(r->flags & LP_TOP_DOWN);
	assert_false(r->flags & LP_EXEC);
	lp_free(&p);
	assert_null(p.priv);
}

static void test_plan_4g(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "", NULL, 0);
	struct load_plan p;
	struct linux_hdr h;
	int ks, bs, cs;

	/* Without XLF_CAN_BE_LOADED_ABOVE_4G everything stays below 4 GiB. */
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	check_plan_shape(&p, &h, "", &ks, &bs, &cs);
	assert_int_equal(p.n_segs, 4); /* no initrd */
	assert_int_equal(find_seg(&p, "initrd"), -1);
	assert_int_equal(p.seg[ks].max, 0x100000000ull);
	assert_int_equal(p.seg[bs].max, 0x100000000ull);
	assert_int_equal(p.seg[cs].max, 0x100000000ull);
	lp_free(&p);

	put16(b + LX_XLOADFLAGS, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.seg[ks].max, UINT64_MAX);
	assert_int_equal(p.seg[bs].max, UINT64_MAX);
	assert_int_equal(p.seg[cs].max, UINT64_MAX);
	lp_free(&p);

	/* Not relocatable: exactly at pref_address. */
	b[LX_RELOCATABLE] = 0;
	assert_int_equal(linux_parse(b, SYN_SIZE, SYN_SIZE, &h), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	check_plan_shape(&p, &h, "", &ks, &bs, &cs);
	assert_int_equal(p.seg[ks].place, LP_FIXED);
	assert_int_equal(p.seg[ks].addr, 0x1000000);
	lp_free(&p);
	free(b);
}

static void test_plan_initrds(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	uint64_t rd[LP_MAX_FILES - 1];
	struct lp_input in;
	struct load_plan p;

	/* The most an entry can have: every one aligned to 4, in order. */
	for (int i = 0; i < LP_MAX_FILES - 1; i++)
		rd[i] = (uint64_t)i * 3 + 1;
	in = input(syn_file(b, SYN_SIZE), "", rd, LP_MAX_FILES - 1);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	const struct lp_segment *r = &p.seg[find_seg(&p, "initrd")];
	assert_int_equal(r->n_pieces, LP_MAX_FILES - 1);
	uint64_t off = 0;
	for (int i = 0; i < LP_MAX_FILES - 1; i++) {
		off = ALIGN_UP(off, 4);
		assert_int_equal(r->piece[i].file, i + 1);
		assert_int_equal(r->piece[i].dst_off, off);
		assert_int_equal(r->piece[i].dst_off % 4, 0);
		off += rd[i];
	}
	assert_int_equal(r->memsz, off);
	assert_int_equal(r->max, 0x80000000ull);
	lp_free(&p);

	/* Empty files only: an error, and lp_free still frees the plan's state. */
	rd[0] = rd[1] = 0;
	in = input(syn_file(b, SYN_SIZE), "", rd, 2);
	expect_plan(&in, E_FORMAT, "empty");
	/* An empty file among others just takes no room. */
	rd[1] = 5;
	in = input(syn_file(b, SYN_SIZE), "", rd, 2);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	r = &p.seg[find_seg(&p, "initrd")];
	assert_int_equal(r->memsz, 5);
	assert_int_equal(r->piece[1].dst_off, 0);
	lp_free(&p);
	free(b);
}

/* ---- finish(): the zero page, after an executor placed and filled the segments ---- */

struct fake_exec {
	uint8_t *buf[LP_MAX_SEGS];
};

/*
 * What stage2/exec.c does: place() sets seg.placed (the physical address) and seg.ptr (where
 * the bytes are now; the same on UEFI, a host buffer here), then fill() copies each piece and
 * zeroes the rest unless LP_NOZERO.
 */
static void fake_exec(struct load_plan *p, struct fake_exec *x, const uint64_t *placed,
		      const uint8_t *const *files)
{
	memset(x, 0, sizeof(*x));
	for (int i = 0; i < p->n_segs; i++) {
		struct lp_segment *s = &p->seg[i];
		x->buf[i] = malloc(s->memsz);
		assert_non_null(x->buf[i]);
		memset(x->buf[i], s->flags & LP_NOZERO ? 0xee : 0, s->memsz);
		s->placed = placed[i];
		s->ptr = x->buf[i];
		for (int j = 0; j < s->n_pieces; j++) {
			const struct lp_piece *pc = &s->piece[j];
			const uint8_t *src = pc->file < 0 ? pc->mem : files[pc->file] + pc->off;
			if (src)
				memcpy(x->buf[i] + pc->dst_off, src, pc->len);
		}
	}
}

static void fake_exec_free(struct fake_exec *x)
{
	for (int i = 0; i < LP_MAX_SEGS; i++)
		free(x->buf[i]);
}

static struct mem_range test_map[] = {
    {0x0, 0x9f000, MEM_RAM},	     {0x9f000, 0x61000, MEM_RESERVED},
    {0x100000, 0x7ee00000, MEM_RAM}, {0x7ef00000, 0x100000, MEM_ACPI},
    {0x7f000000, 0x10000, MEM_NVS},  {0x100000000ull, 0x80000000ull, MEM_RAM},
};

static struct bootenv test_env(void)
{
	return (struct bootenv){
	    .map = test_map,
	    .n_map = (int)ARRAY_SIZE(test_map),
	    .efi_systab = 0x12345678abcdull,
	    .efi_mmap = 0x2000beef000ull,
	    .efi_mmap_size = 48 * 40,
	    .efi_desc_size = 48,
	    .efi_desc_version = 1,
	    .acpi_rsdp = 0x7fbfe014,
	};
}

/* The zero page boot.rst and zero-page.rst ask for, built independently of linux.c. */
static void expected_zero_page(uint8_t *z, const uint8_t *kernel, const struct bootenv *env,
			       uint64_t load, uint64_t cmd, uint64_t rd, uint64_t rd_size)
{
	unsigned hdr_end = MIN(0x202u + kernel[0x201], 0x290u);

	memset(z, 0, BP_SIZE);
	memcpy(z + 0x1f1, kernel + 0x1f1, hdr_end - 0x1f1);
	z[0x210] = 0xff;	  /* type_of_loader: undefined */
	put16(z + 0x1fa, 0xffff); /* vid_mode: normal */
	if (load && !(load >> 32))
		put32(z + 0x214, (uint32_t)load); /* code32_start: where the kernel was loaded */
	put32(z + 0x228, (uint32_t)cmd);
	put32(z + 0x0c8, (uint32_t)(cmd >> 32));
	if (rd_size) {
		put32(z + 0x218, (uint32_t)rd);
		put32(z + 0x0c0, (uint32_t)(rd >> 32));
		put32(z + 0x21c, (uint32_t)rd_size);
		put32(z + 0x0c4, (uint32_t)(rd_size >> 32));
	}
	int n = MIN(env->n_map, 128);
	z[0x1e8] = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		put64(z + 0x2d0 + 20 * i, env->map[i].base);
		put64(z + 0x2d0 + 20 * i + 8, env->map[i].len);
		put32(z + 0x2d0 + 20 * i + 16, env->map[i].type);
	}
	if (env->efi_systab) {
		memcpy(z + 0x1c0, "EL64", 4);
		put32(z + 0x1c4, (uint32_t)env->efi_systab);
		put32(z + 0x1c8, (uint32_t)env->efi_desc_size);
		put32(z + 0x1cc, env->efi_desc_version);
		put32(z + 0x1d0, (uint32_t)env->efi_mmap);
		put32(z + 0x1d4, (uint32_t)env->efi_mmap_size);
		put32(z + 0x1d8, (uint32_t)(env->efi_systab >> 32));
		put32(z + 0x1dc, (uint32_t)(env->efi_mmap >> 32));
	}
	if (get16(kernel + 0x206) >= 0x020e && env->acpi_rsdp)
		put64(z + 0x070, env->acpi_rsdp);
}

static void assert_zero_page(const uint8_t *got, const uint8_t *want)
{
	for (int i = 0; i < BP_SIZE; i++)
		if (got[i] != want[i])
			fail_msg("zero page byte 0x%03x is 0x%02x, expected 0x%02x", i, got[i],
				 want[i]);
}

static void test_finish_real(void **state)
{
	static const char cmdline[] = "console=ttyS0 quiet";
	static uint8_t rd1[1001], rd2[2000];
	static const uint64_t rd[] = {sizeof(rd1), sizeof(rd2)};
	struct lp_input in = input(real_file(), cmdline, rd, 2);
	struct load_plan p;
	struct fake_exec x;
	struct bootenv env = test_env();
	uint8_t want[BP_SIZE];

	memset(rd1, 0x11, sizeof(rd1));
	memset(rd2, 0x22, sizeof(rd2));
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	int ks = find_seg(&p, "kernel"), bs = find_seg(&p, "boot_params");
	int cs = find_seg(&p, "cmdline"), rs = find_seg(&p, "initrd");
	uint64_t placed[LP_MAX_SEGS] = {0};
	placed[ks] = p.seg[ks].addr; /* the preferred address was free */
	placed[bs] = 0x8000;
	placed[cs] = 0x9000;
	placed[rs] = 0x7fe00000; /* top-down, below initrd_addr_max */
	const uint8_t *files[] = {real, rd1, rd2};
	fake_exec(&p, &x, placed, files);

	/* What the executor copied is the plan's zero page: header in, the rest zero. */
	expected_zero_page(want, real, &(struct bootenv){0}, 0, 0, 0, 0);
	assert_zero_page(x.buf[bs], want);

	p.finish(&p, &env);
	expected_zero_page(want, real, &env, p.seg[ks].addr, 0x9000, 0x7fe00000, 3004);
	assert_zero_page(x.buf[bs], want);
	/* Spot checks by name, in case the reference above shares a mistake. */
	uint8_t *z = x.buf[bs];
	assert_memory_equal(z + 0x1f1, real + 0x1f1, 0x1fa - 0x1f1); /* up to vid_mode */
	assert_memory_equal(z + 0x1fc, real + 0x1fc, 0x210 - 0x1fc); /* up to type_of_loader */
	assert_int_equal(get32(z + 0x214), p.seg[ks].addr);	     /* code32_start */
	assert_memory_equal(z + 0x230, real + 0x230, 0x258 - 0x230); /* up to pref_address */
	assert_memory_equal(z + 0x202, "HdrS", 4);
	assert_int_equal(z[0x210], 0xff);
	assert_int_equal(get32(z + 0x228), 0x9000);
	assert_int_equal(get32(z + 0x218), 0x7fe00000);
	assert_int_equal(get32(z + 0x21c), 1004 + 2000);
	assert_int_equal(get32(z + 0x0c0), 0);
	assert_int_equal(z[0x1e8], ARRAY_SIZE(test_map));
	assert_int_equal(get64(z + 0x2d0 + 20 * 5), 0x100000000ull);
	assert_int_equal(get32(z + 0x2d0 + 20 * 3 + 16), MEM_ACPI);
	assert_memory_equal(z + 0x1c0, "EL64", 4);
	assert_int_equal(get32(z + 0x1c4), 0x5678abcd);
	assert_int_equal(get32(z + 0x1d8), 0x1234);
	assert_int_equal(get64(z + 0x070), 0x7fbfe014);
	assert_int_equal(get16(z + 0x206), get16(real + 0x206));

	/* The other segments as the kernel will find them. */
	assert_string_equal((char *)x.buf[cs], cmdline);
	size_t koff = (real[0x1f1] + 1) * 512;
	assert_memory_equal(x.buf[ks], real + koff, real_size - koff);
	assert_int_equal(x.buf[rs][0], 0x11);
	assert_int_equal(x.buf[rs][1000], 0x11);
	assert_int_equal(x.buf[rs][1001], 0); /* padding to the next 4-byte boundary */
	assert_int_equal(x.buf[rs][1003], 0);
	assert_int_equal(x.buf[rs][1004], 0x22);
	assert_int_equal(x.buf[rs][3003], 0x22);
	/* Registers and entry resolve against the placed addresses. */
	assert_int_equal(lp_reg_value(&p, LP_RSI), 0x8000);
	assert_int_equal(lp_entry(&p), p.seg[ks].addr + 0x200);
	fake_exec_free(&x);
	lp_free(&p);
}

static void test_finish_high_and_options(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	/* finish() encodes any 64-bit address; 5 GiB of initrd needs the ext_ size field. */
	static const uint64_t rd[] = {0x100000010ull};
	struct lp_input in = input(syn_file(b, SYN_SIZE), "root=/dev/sda", rd, 1);
	struct load_plan p;
	struct bootenv env = test_env();
	uint8_t zp[BP_SIZE], want[BP_SIZE];

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	int bs = find_seg(&p, "boot_params"), cs = find_seg(&p, "cmdline");
	int rs = find_seg(&p, "initrd"), ks = find_seg(&p, "kernel");
	/* Only the zero page is written by finish(), so only it needs bytes. */
	memset(zp, 0xaa, sizeof(zp));
	p.seg[bs].ptr = zp;
	p.seg[bs].placed = 0x2345000;
	p.seg[cs].placed = 0x1c0001000ull;
	p.seg[rs].placed = 0x2f0000000ull;
	/* Above 4 GiB the kernel has no 32-bit entry: code32_start keeps the header's value. */
	p.seg[ks].placed = 0x140000000ull;
	p.finish(&p, &env);
	expected_zero_page(want, b, &env, 0x140000000ull, 0x1c0001000ull, 0x2f0000000ull,
			   0x100000010ull);
	assert_zero_page(zp, want);
	assert_int_equal(get32(zp + 0x214), 0x100000);
	assert_int_equal(get32(zp + 0x0c8), 1);		 /* ext_cmd_line_ptr */
	assert_int_equal(get32(zp + 0x0c0), 2);		 /* ext_ramdisk_image */
	assert_int_equal(get32(zp + 0x218), 0xf0000000); /* ramdisk_image */
	assert_int_equal(get32(zp + 0x0c4), 1);		 /* ext_ramdisk_size */
	assert_int_equal(get32(zp + 0x21c), 0x10);
	/* Bytes past the setup header (0x26c here) are the kernel's code, not copied. */
	assert_int_equal(zp[0x26c], 0);
	assert_int_equal(zp[0x1f0], 0);

	/* No UEFI system table: no efi_info; no RSDP: no acpi_rsdp_addr. */
	env.efi_systab = 0;
	env.acpi_rsdp = 0;
	p.finish(&p, &env);
	assert_int_equal(get32(zp + 0x1c0), 0);
	assert_int_equal(get32(zp + 0x1c4), 0);
	assert_int_equal(get64(zp + 0x070), 0);
	expected_zero_page(want, b, &env, 0x140000000ull, 0x1c0001000ull, 0x2f0000000ull,
			   0x100000010ull);
	assert_zero_page(zp, want);

	/* The e820 table holds 128 entries; the other 72 go into a SETUP_E820_EXT node at the
	 * head of the setup_data chain (zero-page.rst e820_table, boot.rst setup_data). */
	struct mem_range *big = calloc(2000, sizeof(*big));
	for (int i = 0; i < 2000; i++)
		big[i] =
		    (struct mem_range){(uint64_t)i << 20, 1 << 20, i % 2 ? MEM_RAM : MEM_RESERVED};
	int ss = find_seg(&p, "setup_data");
	assert_true(ss >= 0);
	assert_int_equal(p.seg[ss].n_pieces, 0);
	assert_true(p.seg[ss].memsz >= 16 + 20 * 72);
	uint8_t *sd = calloc(1, p.seg[ss].memsz);
	p.seg[ss].ptr = sd;
	p.seg[ss].placed = 0x3456000;
	env.map = big;
	env.n_map = 200;
	put64(zp + 0x250, 0);
	p.finish(&p, &env);
	assert_int_equal(zp[0x1e8], 128);
	assert_int_equal(get64(zp + 0x2d0 + 20 * 127), 127ull << 20);
	assert_int_equal(get64(zp + 0x250), 0x3456000); /* setup_data -> the node */
	assert_int_equal(get64(sd), 0);			/* next: the end of the chain */
	assert_int_equal(get32(sd + 8), 1);		/* SETUP_E820_EXT */
	assert_int_equal(get32(sd + 12), 72 * 20);
	for (int i = 0; i < 72; i++) {
		assert_int_equal(get64(sd + 16 + 20 * i), (uint64_t)(128 + i) << 20);
		assert_int_equal(get64(sd + 16 + 20 * i + 8), 1 << 20);
		assert_int_equal(get32(sd + 16 + 20 * i + 16), i % 2 ? MEM_RAM : MEM_RESERVED);
	}
	/* Beyond the room reserved, the rest is dropped, not written past it. */
	env.n_map = 2000;
	put64(zp + 0x250, 0);
	p.finish(&p, &env);
	uint32_t len = get32(sd + 12);
	assert_true(16 + len <= p.seg[ss].memsz && len < (2000 - 128) * 20);
	/* 128 entries or fewer: no node, setup_data untouched. */
	env.n_map = 128;
	put64(zp + 0x250, 0);
	p.finish(&p, &env);
	assert_int_equal(get64(zp + 0x250), 0);
	expected_zero_page(want, b, &env, 0x140000000ull, 0x1c0001000ull, 0x2f0000000ull,
			   0x100000010ull);
	assert_zero_page(zp, want);
	free(sd);
	free(big);
	lp_free(&p);

	/* acpi_rsdp_addr exists from protocol 2.14; older kernels do not get it. */
	put16(b + LX_VERSION, 0x020d);
	env = test_env();
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	p.seg[bs].ptr = zp;
	p.finish(&p, &env);
	assert_int_equal(get64(zp + 0x070), 0);
	assert_memory_equal(zp + 0x1c0, "EL64", 4);
	lp_free(&p);

	/* No initrd: the ramdisk fields stay zero. */
	put16(b + LX_VERSION, 0x020f);
	in = input(syn_file(b, SYN_SIZE), "", NULL, 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	p.seg[bs].ptr = zp;
	p.seg[cs].placed = 0x3000;
	p.seg[ks].placed = 0x1000000;
	p.finish(&p, &env);
	expected_zero_page(want, b, &env, 0x1000000, 0x3000, 0, 0);
	assert_zero_page(zp, want);
	lp_free(&p);
	free(b);
}

/*
 * boot.rst relocatable_kernel: a kernel loaded away from the header's code32_start (0x100000, or
 * its pref_address when that is busy) is told where it runs; the 32-bit entry jumps there.
 */
static void test_finish_code32_start(void **state)
{
	uint8_t *b = synth(0x020f, 0); /* an i386 kernel: the 32-bit entry only */
	struct lp_input in = input(syn_file(b, SYN_SIZE), "", NULL, 0);
	struct load_plan p;
	struct bootenv env = test_env();
	uint8_t zp[BP_SIZE];

	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	int ks = find_seg(&p, "kernel"), bs = find_seg(&p, "boot_params");
	assert_int_equal(get32(b + LX_CODE32_START), 0x100000);
	p.seg[bs].ptr = zp;
	p.seg[bs].placed = 0x7000;
	p.seg[ks].placed = 0x3000000; /* pref_address 0x1000000 was busy */
	p.finish(&p, &env);
	assert_int_equal(get32(zp + LX_CODE32_START), 0x3000000);
	assert_int_equal(lp_entry(&p), 0x3000000);
	assert_int_equal(lp_reg_value(&p, LP_RSI), 0x7000);
	/* At pref_address too: code32_start is the load address, not the header's default. */
	p.seg[ks].placed = 0x1000000;
	p.finish(&p, &env);
	assert_int_equal(get32(zp + LX_CODE32_START), 0x1000000);
	lp_free(&p);
	free(b);
}

static void test_finish_framebuffer(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "", NULL, 0);
	struct load_plan p;
	struct bootenv env = test_env();
	uint8_t zp[BP_SIZE];

	env.have_fb = true;
	env.fb = (struct framebuffer){
	    .base = 0x80000000,
	    .size = 1024 * 768 * 4,
	    .width = 1024,
	    .height = 768,
	    .pitch = 4096,
	    .bpp = 32,
	    .red_pos = 16,
	    .red_size = 8,
	    .green_pos = 8,
	    .green_size = 8,
	    .blue_pos = 0,
	    .blue_size = 8,
	    .rsvd_pos = 24,
	    .rsvd_size = 8,
	};
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	p.seg[find_seg(&p, "boot_params")].ptr = zp;
	p.finish(&p, &env);
	/* include/uapi/linux/screen_info.h offsets. */
	assert_int_equal(zp[0x0f], 0x70); /* VIDEO_TYPE_EFI */
	assert_int_equal(get16(zp + 0x12), 1024);
	assert_int_equal(get16(zp + 0x14), 768);
	assert_int_equal(get16(zp + 0x16), 32);
	assert_int_equal(get32(zp + 0x18), 0x80000000);
	assert_int_equal(get32(zp + 0x1c),
			 1024 * 768 * 4); /* lfb_size in bytes for VIDEO_TYPE_EFI */
	assert_int_equal(get16(zp + 0x24), 4096);
	assert_int_equal(zp[0x26], 8);
	assert_int_equal(zp[0x27], 16);
	assert_int_equal(zp[0x29], 8);
	assert_int_equal(zp[0x2b], 0);
	assert_int_equal(zp[0x2d], 24);
	assert_int_equal(get32(zp + 0x36), 0); /* no 64-bit base */
	assert_int_equal(get32(zp + 0x3a), 0);

	env.fb.base = 0x4000000000ull;
	p.finish(&p, &env);
	assert_int_equal(get32(zp + 0x18), 0);
	assert_int_equal(get32(zp + 0x3a), 0x40); /* ext_lfb_base */
	assert_true(get32(zp + 0x36) & 2);	  /* VIDEO_CAPABILITY_64BIT_BASE */
	lp_free(&p);
	free(b);
}

static void test_detect_and_find(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	struct lp_file k = syn_file(b, SYN_SIZE);

	assert_true(format_linux.detect(&k));
	k.head_len = LX_HEADER + 3;
	assert_false(format_linux.detect(&k));
	k.head_len = SYN_SIZE;
	b[LX_HEADER] = 'h';
	assert_false(format_linux.detect(&k));
	assert_null(format_find(&k, NULL));
	assert_non_null(strstr(err_msg(), "syn"));
	/* Forcing the protocol skips detection; an unknown name is refused. */
	assert_ptr_equal(format_find(&k, "linux"), &format_linux);
	assert_null(format_find(&k, "no-such-protocol"));
	assert_non_null(strstr(err_msg(), "no-such-protocol"));
	free(b);
}

/* ---- the 16-bit entry (boot.rst "Running the Kernel") ---- */

/* The executor's part, on the host: the pieces copied into a buffer per segment, placed. */
static uint8_t *place16(struct load_plan *p, const uint64_t *at)
{
	uint8_t *rm = calloc(1, p->seg[0].memsz);

	assert_non_null(rm);
	for (int i = 0; i < p->seg[0].n_pieces; i++) {
		const struct lp_piece *pc = &p->seg[0].piece[i];
		assert_int_equal(pc->file, -1);
		memcpy(rm + pc->dst_off, pc->mem, pc->len);
	}
	for (int i = 0; i < p->n_segs; i++)
		p->seg[i].placed = at[i];
	p->seg[0].ptr = rm;
	return rm;
}

/* The header fields a 16-bit loader writes; everything else of the real-mode code is the file's. */
static void check_rm_code(const uint8_t *rm, const uint8_t *file, unsigned len)
{
	static const struct {
		unsigned off, n;
	} written[] = {
	    {LX_CL_MAGIC, 4},	    {LX_SETUP_SECTS, 1},     {LX_VID_MODE, 2},
	    {LX_TYPE_OF_LOADER, 2}, {LX_SETUP_MOVE_SIZE, 2}, {LX_CODE32_START, 4},
	    {LX_RAMDISK_IMAGE, 8},  {LX_HEAP_END_PTR, 2},    {LX_CMD_LINE_PTR, 4},
	};
	for (unsigned i = 0; i < len; i++) {
		bool w = false;
		for (size_t j = 0; j < ARRAY_SIZE(written); j++)
			w |= i >= written[j].off && i < written[j].off + written[j].n;
		if (!w && rm[i] != file[i])
			fail_msg("real-mode byte 0x%x is 0x%02x, the file has 0x%02x", i, rm[i],
				 file[i]);
	}
}

static void test_plan16_real(void **state)
{
	static const char cmdline[] = "console=ttyS0 root=/dev/vda1 quiet";
	static const uint64_t rd[] = {1001, 2000};
	struct lp_input in = input(real_file(), cmdline, rd, 2);
	struct load_plan p;
	struct linux_hdr h;

	assert_int_equal(linux_parse(in.kernel.head, in.kernel.head_len, in.kernel.size, &h), 0);
	in.protocol = "linux16";
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_REAL16);
	assert_string_equal(p.format, "linux");
	assert_string_equal(p.entry_kind, "16-bit entry (boot.rst \"Running the Kernel\")");
	/* Entry: base / 16 + 0x20 : 0, DS = ES = FS = GS = SS = base / 16, SP = heap_end, cli. */
	assert_int_equal(p.r16.base_seg, 0);
	assert_int_equal(p.r16.cs, 0x20);
	assert_int_equal(p.r16.ip, 0);
	assert_int_equal(p.r16.ds | p.r16.es | p.r16.fs | p.r16.gs | p.r16.ss, 0);
	assert_int_equal(p.r16.sp, 0xe000);
	assert_false(p.r16.sti);
	assert_int_equal(p.entry_seg, 0);
	assert_int_equal(p.entry_off, 0x200);
	assert_int_equal(p.n_segs, 3); /* setup, kernel, initrd: no zero page, no cmdline */

	/* The real-mode segment at 0x10000, the whole 64 KiB: code, heap, command line. */
	const struct lp_segment *rs = &p.seg[0];
	unsigned rm_len = (h.setup_sects + 1) * 512;
	assert_string_equal(rs->name, "setup");
	assert_int_equal(rs->place, LP_FIXED);
	assert_int_equal(rs->addr, 0x10000);
	assert_int_equal(rs->memsz, 0x10000);
	assert_false(rs->flags & LP_NOZERO); /* the heap starts zeroed */
	assert_int_equal(rs->n_pieces, 2);
	assert_int_equal(rs->piece[0].len, rm_len);
	assert_int_equal(rs->piece[0].dst_off, 0);
	assert_int_equal(rs->piece[1].dst_off, 0xe000);
	assert_int_equal(rs->piece[1].len, sizeof(cmdline));
	assert_memory_equal(rs->piece[1].mem, cmdline, sizeof(cmdline));
	const uint8_t *rm = rs->piece[0].mem;
	check_rm_code(rm, real, rm_len);
	assert_int_equal(rm[LX_TYPE_OF_LOADER], 0xff);
	assert_int_equal(rm[LX_LOADFLAGS], real[LX_LOADFLAGS] | LX_CAN_USE_HEAP);
	assert_int_equal(get16(rm + LX_HEAP_END_PTR), 0xe000 - 0x200);
	assert_int_equal(get32(rm + LX_CMD_LINE_PTR), 0x1e000);
	assert_int_equal(get16(rm + LX_VID_MODE), 0xffff);
	assert_int_equal(get16(rm + LX_CL_MAGIC), get16(real + LX_CL_MAGIC)); /* 2.02+: not used */

	/* The protected-mode kernel as for the 32-bit entry: pref_address first, below 4 GiB. */
	const struct lp_segment *k = &p.seg[1];
	assert_string_equal(k->name, "kernel");
	assert_int_equal(k->place, LP_ANYWHERE);
	assert_int_equal(k->addr, h.pref_address);
	assert_int_equal(k->align, h.kernel_alignment);
	assert_int_equal(k->min, 0x100000);
	assert_int_equal(k->max, 0x100000000ull);
	assert_int_equal(k->memsz, ALIGN_UP((uint64_t)h.init_size, 4096));
	assert_true(k->flags & LP_NOZERO);
	assert_int_equal(k->piece[0].off, rm_len);
	assert_int_equal(k->piece[0].len, real_size - rm_len);
	const struct lp_segment *r = &p.seg[2];
	assert_string_equal(r->name, "initrd");
	assert_int_equal(r->max, (uint64_t)h.initrd_addr_max + 1);
	assert_true(r->flags & LP_TOP_DOWN);
	assert_int_equal(r->memsz, 3004);

	/* Once placed: code32_start (relocatable_kernel) and ramdisk_image/size. */
	static const uint64_t at[] = {0x10000, 0x2000000, 0x7000000};
	uint8_t *m = place16(&p, at);
	struct bootenv env;
	memset(&env, 0, sizeof(env));
	p.finish(&p, &env);
	assert_int_equal(get32(m + LX_CODE32_START), 0x2000000);
	assert_int_equal(get32(m + LX_RAMDISK_IMAGE), 0x7000000);
	assert_int_equal(get32(m + LX_RAMDISK_SIZE), 3004);
	check_rm_code(m, real, rm_len);
	assert_string_equal((char *)m + 0xe000, cmdline);
	assert_int_equal(lp_r16_seg(&p, p.r16.cs), 0x1020);
	assert_int_equal(lp_r16_seg(&p, p.r16.ss), 0x1000);
	free(m);
	lp_free(&p);
	assert_null(p.priv);
}

static const struct load_plan *plan16(struct load_plan *p, const struct lp_input *in)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(format_linux.plan(in, p), 0);
	return p;
}

static void test_plan16_old_protocols(void **state)
{
	static const char cmdline[] = "root=/dev/hda1";
	uint8_t *b = synth(0x0201, 0);
	struct lp_input in = input(syn_file(b, SYN_SIZE), cmdline, NULL, 0);
	struct load_plan p;

	/* Under UEFI nothing changes: the 32-bit entry, as before. */
	assert_int_equal(plan_mode(&in), LP_MODE_PROT32);
	/* On BIOS a protocol before 2.02 gets its own setup code, at 0x90000, automatically. */
	in.bios = true;
	plan16(&p, &in);
	assert_int_equal(p.mode, LP_MODE_REAL16);
	assert_non_null(strstr(p.entry_kind, "before 2.02"));
	assert_int_equal(p.seg[0].addr, 0x90000);
	assert_int_equal(p.seg[0].memsz, 0xa000); /* nothing above 0x9a000 */
	assert_int_equal(p.r16.sp, 0x9800);
	const uint8_t *rm = p.seg[0].piece[0].mem;
	/* boot.rst "The Kernel Command Line" before 2.02: magic, offset, setup_move_size. */
	assert_int_equal(get16(rm + LX_CL_MAGIC), 0xa33f);
	assert_int_equal(get16(rm + LX_CL_OFFSET), 0x9800);
	assert_int_equal(get16(rm + LX_SETUP_MOVE_SIZE), 0x9800 + sizeof(cmdline));
	assert_int_equal(p.seg[0].piece[1].dst_off, 0x9800);
	/* 2.01: heap_end_ptr and CAN_USE_HEAP; no cmd_line_ptr (a 2.02 field). */
	assert_int_equal(get16(rm + LX_HEAP_END_PTR), 0x9600);
	assert_true(rm[LX_LOADFLAGS] & LX_CAN_USE_HEAP);
	assert_int_equal(get32(rm + LX_CMD_LINE_PTR), 0);
	check_rm_code(rm, b, 5 * 512);
	/* Not relocatable before 2.05: the kernel at 0x100000, code32_start left alone. */
	assert_int_equal(p.seg[1].place, LP_FIXED);
	assert_int_equal(p.seg[1].addr, 0x100000);
	static const uint64_t at[] = {0x90000, 0x100000};
	uint8_t *m = place16(&p, at);
	p.finish(&p, NULL);
	assert_int_equal(get32(m + LX_CODE32_START), 0x100000);
	assert_int_equal(get32(m + LX_RAMDISK_IMAGE), 0);
	free(m);
	lp_free(&p);

	/* 2.00: no heap_end_ptr yet, so no CAN_USE_HEAP either. */
	put16(b + LX_VERSION, 0x0200);
	rm = plan16(&p, &in)->seg[0].piece[0].mem;
	assert_int_equal(get16(rm + LX_HEAP_END_PTR), 0);
	assert_false(rm[LX_LOADFLAGS] & LX_CAN_USE_HEAP);
	assert_int_equal(get16(rm + LX_CL_MAGIC), 0xa33f);
	lp_free(&p);

	/* Forcing a protected-mode entry wins over the automatic choice. */
	in.protocol = "linux32";
	assert_int_equal(plan_mode(&in), LP_MODE_PROT32);
	in.protocol = NULL;

	/* 2.02: the 0x10000 layout, cmd_line_ptr, no magic. */
	put16(b + LX_VERSION, 0x0202);
	put32(b + LX_CODE32_START, 0);
	plan16(&p, &in);
	assert_non_null(strstr(p.entry_kind, "code32_start is 0"));
	rm = p.seg[0].piece[0].mem;
	assert_int_equal(p.seg[0].addr, 0x10000);
	assert_int_equal(get32(rm + LX_CMD_LINE_PTR), 0x1e000);
	assert_int_equal(get16(rm + LX_CL_MAGIC), get16(b + LX_CL_MAGIC));
	lp_free(&p);
	/* A modern kernel with a 32-bit entry keeps the protected-mode entries on BIOS. */
	put32(b + LX_CODE32_START, 0x100000);
	assert_int_equal(plan_mode(&in), LP_MODE_PROT32);
	free(b);
}

static void test_plan16_zimage(void **state)
{
	uint8_t *b = synth(0x0204, 0);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "ro", NULL, 0);
	struct load_plan p;

	b[LX_LOADFLAGS] = 0; /* LOADED_HIGH clear: a zImage */
	put32(b + LX_CODE32_START, 0x1000);
	/* Under UEFI: refused, naming the only way it boots. */
	expect_plan(&in, E_UNSUPP, "protocol linux16");
	in.bios = true;
	plan16(&p, &in);
	assert_non_null(strstr(p.entry_kind, "zImage"));
	/* boot.rst: real-mode code at 0x90000, the protected-mode code at 0x10000. */
	assert_int_equal(p.seg[0].addr, 0x90000);
	assert_int_equal(p.seg[1].place, LP_FIXED);
	assert_int_equal(p.seg[1].addr, 0x10000);
	assert_int_equal(p.seg[1].memsz, SYN_SIZE - SYN_KOFF);
	const uint8_t *rm = p.seg[0].piece[0].mem;
	assert_int_equal(get32(rm + LX_CMD_LINE_PTR), 0x99800); /* 2.02+, heap_end 0x9800 */
	assert_int_equal(p.r16.sp, 0x9800);
	lp_free(&p);
	/* More than 512 KiB of it would run into its own real-mode code. */
	in.kernel.size = SYN_KOFF + 0x80001;
	put32(b + LX_SYSSIZE, 0x8001);
	uint8_t *big = calloc(1, SYN_KOFF + 0x80001);
	memcpy(big, b, SYN_SIZE);
	in.kernel.head = big;
	expect_plan(&in, E_FORMAT, "does not fit below its real-mode code");
	free(big);
	free(b);
}

static uint16_t vid(const char *cmdline)
{
	uint8_t *b = synth(0x020f, 0);
	struct lp_input in = input(syn_file(b, SYN_SIZE), cmdline, NULL, 0);
	struct load_plan p;

	in.protocol = "linux16";
	uint16_t v = get16((const uint8_t *)plan16(&p, &in)->seg[0].piece[0].mem + LX_VID_MODE);
	lp_free(&p);
	free(b);
	return v;
}

static void test_plan16_vga_and_limits(void **state)
{
	/* boot.rst "Special Command Line Options": vga= goes into vid_mode, C notation. */
	assert_int_equal(vid(""), 0xffff);
	assert_int_equal(vid("quiet vga=0x317 ro"), 0x317);
	assert_int_equal(vid("vga=791"), 791);
	assert_int_equal(vid("vga=0777"), 0777);
	assert_int_equal(vid("vga=ext"), 0xfffe);
	assert_int_equal(vid("vga=ask"), 0xfffd);
	assert_int_equal(vid("vga=ask vga=normal"), 0xffff);
	assert_int_equal(vid("novga=3 xvga=1"), 0xffff);

	uint8_t *b = synth(0x020f, 0);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "vga=0x10000", NULL, 0);
	in.protocol = "linux16";
	expect_plan(&in, E_INVAL, "vga=0x10000: not a video mode");
	in.cmdline = "vga=12z";
	expect_plan(&in, E_INVAL, "vga=12z");
	/* The command line must fit between the heap's end (0xe000) and the segment's. */
	char *cmd = malloc(0x2001);
	memset(cmd, 'x', 0x2000);
	cmd[0x2000] = 0;
	put32(b + LX_CMDLINE_SIZE, 0x10000);
	in.cmdline = cmd;
	expect_plan(&in, E_RANGE, "room for 8191");
	cmd[0x1fff] = 0;
	in.protocol = "linux16";
	struct load_plan p;
	plan16(&p, &in);
	lp_free(&p);
	/* More real-mode code than boot.rst's 32 KiB. */
	in.cmdline = "";
	b[LX_SETUP_SECTS] = 64;
	put32(b + LX_SYSSIZE, 0);
	uint8_t *big = calloc(1, 0x10000);
	memcpy(big, b, SYN_SIZE);
	in.kernel = syn_file(big, 0x10000);
	in.kernel.head_len = 0x10000;
	expect_plan(&in, E_FORMAT, "32 KiB");
	free(big);
	free(cmd);
	free(b);
}

/* A PE/COFF header in the synthetic bzImage, as the EFI stub's header.S lays it out. */
static void add_pe(uint8_t *b, uint16_t stub_major)
{
	const uint32_t pe = 0x40;

	b[0] = 'M', b[1] = 'Z';
	put32(b + 0x3c, pe);
	memset(b + pe, 0, 24 + 112);
	memcpy(b + pe, "PE\0\0", 4);
	put16(b + pe + 4, PE_MACHINE_X64);
	put16(b + pe + 4 + 16, 112); /* SizeOfOptionalHeader */
	put16(b + pe + 24, PE_OPT_PE32PLUS);
	put16(b + pe + 24 + 44, stub_major); /* MajorImageVersion: the stub's version */
	put16(b + pe + 24 + 68, PE_SUBSYSTEM_EFI_APP);
}

static void test_pe_parse(void **state)
{
	struct lp_file k = real_file();
	struct pe_info pe;
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);

	/* Debian's kernel: an x86-64 EFI application with a stub of version 1.0 or later. */
	assert_int_equal(pe_parse(k.head, k.head_len, k.size, &pe), 0);
	assert_true(pe_is_efi_app(&pe));
	assert_true(pe.image_version >> 16 >= 1);
	assert_true(format_efi.detect(&k));
	/* No MZ, a PE offset past the head, a wrong signature, a short optional header. */
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), E_FORMAT);
	add_pe(b, 1);
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), 0);
	assert_int_equal(pe.image_version, 0x10000);
	put32(b + 0x3c, SYN_SIZE - 20);
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), E_FORMAT);
	put32(b + 0x3c, 0xffffffff);
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), E_FORMAT);
	put32(b + 0x3c, 0x40);
	b[0x41] = 'X';
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), E_FORMAT);
	b[0x41] = 'E';
	put16(b + 0x40 + 4 + 16, 60);
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), E_FORMAT);
	put16(b + 0x40 + 4 + 16, 112);
	/* Only x86-64 PE32+ applications are EFI applications baton starts. */
	put16(b + 0x40 + 24 + 68, 11); /* a boot services driver */
	assert_int_equal(pe_parse(b, SYN_SIZE, SYN_SIZE, &pe), 0);
	assert_false(pe_is_efi_app(&pe));
	free(b);
}

static void test_plan_efi_stub(void **state)
{
	static const char cmdline[] = "console=ttyS0 quiet";
	static const uint64_t rd[] = {1001, 2000};
	struct lp_input in = input(real_file(), cmdline, rd, 2);
	struct load_plan p;

	/* Under UEFI, Debian's kernel starts through its EFI stub: the whole file is the image. */
	in.efi = true;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_EFI_IMAGE);
	assert_string_equal(p.format, "linux");
	assert_ptr_equal(p.options, in.cmdline);
	assert_null(p.finish);
	assert_int_equal(p.n_segs, 2);
	assert_int_equal(p.entry_seg, 0);
	const struct lp_segment *im = &p.seg[0];
	assert_string_equal(im->name, "image");
	assert_int_equal(im->memsz, real_size);
	assert_int_equal(im->n_pieces, 1);
	assert_int_equal(im->piece[0].file, 0);
	assert_int_equal(im->piece[0].off, 0);
	assert_int_equal(im->piece[0].len, real_size);
	/* The initrds are served through LoadFile2, concatenated at 4-byte aligned offsets. */
	const struct lp_segment *r = &p.seg[1];
	assert_int_equal(r->place, LP_SERVED);
	assert_int_equal(r->n_pieces, 2);
	assert_int_equal(r->piece[1].dst_off, 1004);
	assert_int_equal(r->memsz, 3004);
	lp_free(&p);

	/* protocol linux64 forces the boot protocol's 64-bit entry; so does a BIOS platform. */
	in.protocol = "linux64";
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_LONG64);
	assert_non_null(p.finish);
	lp_free(&p);
	in.protocol = NULL;
	in.efi = false;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_LONG64);
	lp_free(&p);
	/* protocol linux32: the 32-bit entry of the same kernel. */
	in.protocol = "linux32";
	in.efi = true;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	assert_int_equal(p.entry_off, 0);
	lp_free(&p);
}

static void test_plan_stub_version(void **state)
{
	uint8_t *b = synth(0x020f, XLF_KERNEL_64);
	struct lp_input in = input(syn_file(b, SYN_SIZE), "", NULL, 0);
	struct load_plan p;

	in.efi = true;
	/* No PE header: the boot protocol. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_LONG64);
	lp_free(&p);
	/* A stub older than 1.0 cannot take its initrd from LoadFile2: the boot protocol. */
	add_pe(b, 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_LONG64);
	lp_free(&p);
	add_pe(b, 1);
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_EFI_IMAGE);
	assert_int_equal(p.n_segs, 1);
	lp_free(&p);
	/* The command line limit holds on every path (boot.rst cmdline_size). */
	char longcmd[200];
	memset(longcmd, 'a', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = 0;
	in.cmdline = longcmd;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_linux.plan(&in, &p), E_RANGE);
	lp_free(&p);
	/* The efi handler plans the same file as a plain EFI application, only under UEFI. */
	in.cmdline = "x";
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_efi.plan(&in, &p), 0);
	assert_string_equal(p.format, "efi");
	assert_int_equal(p.mode, LP_MODE_EFI_IMAGE);
	lp_free(&p);
	in.efi = false;
	memset(&p, 0, sizeof(p));
	assert_int_equal(format_efi.plan(&in, &p), E_UNSUPP);
	lp_free(&p);
	/* Detection: a bzImage is Linux first; forced names pick their handler. */
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_linux);
	assert_ptr_equal(format_find(&in.kernel, "linux64"), &format_linux);
	assert_ptr_equal(format_find(&in.kernel, "efi"), &format_efi);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_real),
	    cmocka_unit_test(test_parse_synthetic),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_parse_old_protocol_defaults),
	    cmocka_unit_test(test_plan_unsupported),
	    cmocka_unit_test(test_plan_cmdline_size),
	    cmocka_unit_test(test_plan_real),
	    cmocka_unit_test(test_plan_4g),
	    cmocka_unit_test(test_plan_initrds),
	    cmocka_unit_test(test_finish_real),
	    cmocka_unit_test(test_finish_high_and_options),
	    cmocka_unit_test(test_finish_code32_start),
	    cmocka_unit_test(test_finish_framebuffer),
	    cmocka_unit_test(test_detect_and_find),
	    cmocka_unit_test(test_pe_parse),
	    cmocka_unit_test(test_plan_efi_stub),
	    cmocka_unit_test(test_plan_stub_version),
	    cmocka_unit_test(test_plan16_real),
	    cmocka_unit_test(test_plan16_old_protocols),
	    cmocka_unit_test(test_plan16_zimage),
	    cmocka_unit_test(test_plan16_vga_and_limits),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(real);
	return r;
}
