/* test_mb2.c: unit tests of the Multiboot 2 handler and the gzip reader on synthetic inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
#include "loadplan.h"
#include "mb2.h"
#include "gzip.h"

extern const struct format format_multiboot2, format_multiboot1;

#define IMG  0x3000
#define HOFF 0x100

static uint8_t img[IMG];
static uint32_t hat; /* where the next header tag goes */

/* ELF32, one PT_LOAD: file 0..0x2000 at 0x200000, memsz 0x3000; entry 0x200400. */
static void elf(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 1, img[5] = 1, img[6] = 1;
	put16(img + 16, 2), put16(img + 18, 3), put32(img + 20, 1);
	put32(img + 24, 0x200400);
	put32(img + 28, 52), put16(img + 42, 32), put16(img + 44, 1);
	uint8_t *ph = img + 52;
	put32(ph, 1), put32(ph + 4, 0), put32(ph + 8, 0x200000), put32(ph + 12, 0x200000);
	put32(ph + 16, 0x2000), put32(ph + 20, 0x3000);
	hat = HOFF + 16;
}

static uint8_t *htag(uint16_t type, uint16_t flags, uint32_t size)
{
	uint8_t *t = img + hat;

	put16(t, type), put16(t + 2, flags), put32(t + 4, size);
	hat += (size + 7) & ~7u;
	return t;
}

/* Closes the header: end tag, length, checksum (3.1.2). */
static struct lp_file close_header(void)
{
	htag(0, 0, 8);
	uint32_t len = hat - HOFF;
	put32(img + HOFF, 0xE85250D6), put32(img + HOFF + 4, 0), put32(img + HOFF + 8, len);
	put32(img + HOFF + 12, (uint32_t) - (0xE85250D6u + len));
	return (struct lp_file){.path = "/k/mb2.elf", .size = IMG, .head = img, .head_len = IMG};
}

static struct lp_input input(struct lp_file k, bool efi)
{
	struct lp_input in;

	memset(&in, 0, sizeof(in));
	in.kernel = k;
	in.cmdline = "a=1";
	in.loader_name = "baton test";
	in.efi = efi;
	in.mods[0] = (struct lp_file){.path = "/k/m", .size = 5000, .args = "seed=7"};
	in.n_mods = 1;
	return in;
}

static int plan(struct lp_input *in, struct load_plan *p)
{
	memset(p, 0, sizeof(*p));
	return format_multiboot2.plan(in, p);
}

static void expect_err(struct lp_input *in, int code, const char *msg)
{
	struct load_plan p;

	assert_int_equal(plan(in, &p), code);
	if (msg && !strstr(err_msg(), msg))
		fail_msg("\"%s\" not in \"%s\"", msg, err_msg());
	lp_free(&p);
}

/* A header whose checksum is wrong is named as such, not booted as the plain ELF around it; a
 * valid Multiboot 1 header beside it does not hide the damage. */
static void test_damaged_header(void **state)
{
	elf();
	struct lp_input in = input(close_header(), false);

	put32(img + HOFF + 12, get32(img + HOFF + 12) ^ 0x100);
	assert_null(format_find(&in.kernel, NULL));
	assert_non_null(strstr(err_msg(), "/k/mb2.elf: its Multiboot 2 header at offset 0x100 has "
					  "a bad checksum"));
	put32(img + 0x800, 0x1BADB002), put32(img + 0x808, (uint32_t)-0x1BADB002);
	assert_null(format_find(&in.kernel, NULL));
	assert_non_null(strstr(err_msg(), "Multiboot 2 header"));
	/* Forced, the handler's own message. */
	assert_ptr_equal(format_find(&in.kernel, "multiboot2"), &format_multiboot2);
	expect_err(&in, E_FORMAT, "valid checksum");
}

/*
 * Magic numbers where no header is are skipped, as GRUB does: a Multiboot 1 kernel or a header
 * found further on is not refused for them; a damaged header after one is named by its offset.
 */
static void test_stray_magic(void **state)
{
	elf();
	struct lp_input in = input(close_header(), false);

	/* Before the header: a wrong architecture, a short length, one past 32 KiB. */
	put32(img + 0x40, 0xE85250D6), put32(img + 0x44, 3), put32(img + 0x48, 16);
	put32(img + 0x60, 0xE85250D6), put32(img + 0x68, 8);
	put32(img + 0x80, 0xE85250D6), put32(img + 0x88, 0x8000 - 0x80 + 8);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_multiboot2);
	/* The same with no Multiboot 2 header but a Multiboot 1 one: a Multiboot 1 kernel. */
	memset(img + HOFF, 0, 16);
	put32(img + 0x800, 0x1BADB002), put32(img + 0x808, (uint32_t)-0x1BADB002);
	assert_ptr_equal(format_find(&in.kernel, NULL), &format_multiboot1);
	/* A damaged header after the stray magics: named by its own offset. */
	elf();
	in = input(close_header(), false);
	put32(img + 0x40, 0xE85250D6), put32(img + 0x44, 3), put32(img + 0x48, 16);
	put32(img + HOFF + 12, get32(img + HOFF + 12) ^ 0x100);
	assert_null(format_find(&in.kernel, NULL));
	assert_non_null(strstr(err_msg(), "Multiboot 2 header at offset 0x100 has a bad checksum"));
}

static void test_plan_and_info(void **state)
{
	elf();
	uint8_t *t = htag(1, 0, 8 + 4 * 3); /* information request: cmdline, mmap, load base */
	put32(t + 8, 1), put32(t + 12, 6), put32(t + 16, 21);
	htag(6, 0, 8);
	struct lp_input in = input(close_header(), false);
	struct load_plan p;

	assert_ptr_equal(format_find(&in.kernel, NULL), &format_multiboot2);
	assert_int_equal(plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	assert_int_equal(p.entry_off, 0x200400);
	assert_int_equal(lp_reg_value(&p, LP_RAX), MB2_BOOT_MAGIC);
	assert_int_equal(p.seg[0].addr, 0x200000);
	assert_int_equal(p.seg[1].align, 4096);
	assert_true(p.seg[1].min >= 0x203000);

	static uint8_t info[65536];
	struct mem_range map[] = {{0, 0x9f000, MEM_RAM}, {0x100000, 0x7f00000, MEM_RAM}};
	struct bootenv env = {.map = map, .n_map = 2};
	int is = p.reg[LP_RBX].seg;
	assert_true(p.seg[is].memsz <= sizeof(info));
	p.seg[is].ptr = info, p.seg[is].placed = 0x300000;
	p.seg[0].placed = 0x200000, p.seg[1].placed = 0x400000;
	p.finish(&p, &env);
	/* 3.6: total_size, reserved, 8-aligned tags up to the end tag. */
	uint32_t total = get32(info), seen = 0;
	assert_int_equal(get32(info + 4), 0);
	for (uint32_t at = 8; at < total; at += (get32(info + at + 4) + 7) & ~7u) {
		uint32_t type = get32(info + at);
		const uint8_t *v = info + at + 8;
		seen |= 1u << type;
		if (type == MB2_TAG_CMDLINE)
			assert_string_equal((const char *)v, "/k/mb2.elf a=1");
		if (type == MB2_TAG_MODULE) {
			assert_int_equal(get32(v), 0x400000);
			assert_int_equal(get32(v + 4), 0x400000 + 5000);
			assert_string_equal((const char *)v + 8, "/k/m seed=7");
		}
		if (type == MB2_TAG_MMAP) {
			assert_int_equal(get32(v), 24);
			assert_int_equal(get32(v + 4), 0);
			assert_int_equal(get64(v + 8 + 24 + 8), 0x7f00000);
		}
		if (type == MB2_TAG_MEMINFO)
			assert_int_equal(get32(v + 4), 0x7f00000 >> 10);
		if (type == MB2_TAG_LOAD_BASE)
			assert_int_equal(get32(v), 0x200000);
		if (type == MB2_TAG_END)
			assert_int_equal(at + 8, total);
	}
	assert_int_equal(seen & 0x20005f,
			 0x20005f); /* end, cmdline, loader, module, meminfo, mmap, base */
	assert_false(seen & (1u << MB2_TAG_EFI_BS));
	lp_free(&p);
}

static void test_required_tags(void **state)
{
	struct lp_input in;

	/* A required information tag baton cannot give (APM) fails, naming it. */
	elf();
	put32(htag(1, 0, 12) + 8, 10);
	in = input(close_header(), false);
	expect_err(&in, E_UNSUPP, "APM table");
	/* The same request marked optional is fine. */
	elf();
	put32(htag(1, 1, 12) + 8, 10);
	in = input(close_header(), false);
	expect_err(&in, 0, NULL);
	/* An unknown required header tag fails; optional ones are skipped. */
	elf();
	htag(42, 0, 8);
	in = input(close_header(), false);
	expect_err(&in, E_UNSUPP, "(42)");
	elf();
	htag(42, 1, 8);
	in = input(close_header(), false);
	expect_err(&in, 0, NULL);
	/* A bad checksum is no header. */
	elf();
	in = input(close_header(), false);
	put32(img + HOFF + 12, 0);
	assert_false(format_multiboot2.detect(&in.kernel));
	/* The EFI memory map cannot be promised with boot services kept (3.6.18). */
	elf();
	htag(7, 0, 8);
	put32(htag(9, 0, 12) + 8, 0x200500);
	put32(htag(1, 0, 12) + 8, MB2_TAG_EFI_MMAP);
	in = input(close_header(), true);
	expect_err(&in, E_UNSUPP, "EFI memory map");
}

static void test_efi_bs_and_reloc(void **state)
{
	elf();
	htag(7, 0, 8);
	put32(htag(9, 0, 12) + 8, 0x200500);
	uint8_t *r = htag(10, 1, 24);
	put32(r + 8, 0x1000000), put32(r + 12, 0xffffffff), put32(r + 16, 0x200000);
	put32(r + 20, 2); /* prefer high addresses */
	struct lp_input in = input(close_header(), true);
	struct load_plan p;

	assert_int_equal(plan(&in, &p), 0);
	/* 3.2: tags 7 and 9 under UEFI: 64-bit, boot services running, at the EFI entry. */
	assert_int_equal(p.mode, LP_MODE_EFI64_BS);
	/* 3.1.14: one block anywhere in [min, max] aligned, highest first; entry relative. */
	assert_int_equal(p.seg[0].place, LP_ANYWHERE);
	assert_int_equal(p.seg[0].min, 0x1000000);
	assert_int_equal(p.seg[0].max, 0x100000000ull);
	assert_int_equal(p.seg[0].align, 0x200000);
	assert_true(p.seg[0].flags & LP_TOP_DOWN);
	assert_int_equal(p.entry_seg, 0);
	assert_int_equal(p.entry_off, 0x500);
	lp_free(&p);
	/* Without UEFI the EFI tags are ignored: the i386 entry, after the firmware. */
	in.efi = false;
	assert_int_equal(plan(&in, &p), 0);
	assert_int_equal(p.mode, LP_MODE_PROT32);
	assert_int_equal(p.entry_off, 0x400);
	lp_free(&p);
}

/* A plan of a header with the tags add() writes; its video request in *v. */
static int video_of(void (*add)(void), struct lp_video *v)
{
	struct load_plan p;

	elf();
	add();
	struct lp_input in = input(close_header(), true);
	int r = plan(&in, &p);
	*v = p.video;
	lp_free(&p);
	return r;
}

static void fb_opt(void)
{
	uint8_t *t = htag(5, 1, 20);
	put32(t + 8, 1024), put32(t + 12, 768), put32(t + 16, 32);
}
static void fb_req(void)
{
	htag(5, 0, 20);
}
static void fb_short(void)
{
	htag(5, 1, 12);
}
static void con(uint16_t flags, uint32_t console_flags)
{
	put32(htag(4, flags, 12) + 8, console_flags);
}
static void con_opt_req_ega(void)
{
	con(1, 3);
}
static void con_req_fb(void)
{
	con(0, 1);
	fb_opt();
}
static void con_req_nothing(void)
{
	con(0, 1);
}
static void con_none(void)
{
	con(0, 0);
}
static void con_req_ega(void)
{
	con(0, 3);
}
static void no_tags(void)
{
}

/* 3.1.9 console flags and 3.1.10 framebuffer tags become the plan's video request. */
static void test_video_request(void **state)
{
	struct lp_video v;

	assert_int_equal(video_of(no_tags, &v), 0);
	assert_int_equal(v.prefer, 0);
	/* An optional framebuffer tag: its mode preferred; EGA text assumed supported. */
	assert_int_equal(video_of(fb_opt, &v), 0);
	assert_int_equal(v.prefer, LP_CON_FB);
	assert_int_equal(v.accept, LP_CON_FB | LP_CON_TEXT);
	assert_int_equal(v.width, 1024);
	assert_int_equal(v.height, 768);
	assert_int_equal(v.depth, 32);
	assert_false(v.required);
	assert_string_equal(v.source, "Multiboot 2 framebuffer tag");
	/* A required one (3.1.3): no console means no boot. */
	assert_int_equal(video_of(fb_req, &v), 0);
	assert_true(v.required);
	assert_int_equal(v.width, 0);
	assert_int_equal(video_of(fb_short, &v), E_FORMAT);
	assert_non_null(strstr(err_msg(), "framebuffer tag too short"));
	/* Console flags: an optional tag's "console required" may be ignored. */
	assert_int_equal(video_of(con_opt_req_ega, &v), 0);
	assert_int_equal(v.prefer, LP_CON_TEXT);
	assert_int_equal(v.accept, LP_CON_TEXT);
	assert_false(v.required);
	/* Required console, no EGA text: only the framebuffer, required. */
	assert_int_equal(video_of(con_req_fb, &v), 0);
	assert_int_equal(v.prefer, LP_CON_FB);
	assert_int_equal(v.accept, LP_CON_FB);
	assert_true(v.required);
	assert_string_equal(v.source, "Multiboot 2 framebuffer and console flags tags");
	assert_int_equal(video_of(con_req_ega, &v), 0);
	assert_int_equal(v.prefer, LP_CON_TEXT);
	assert_int_equal(v.accept, LP_CON_TEXT);
	assert_true(v.required);
	/* A console required, none supported: refused at once. */
	assert_int_equal(video_of(con_req_nothing, &v), E_UNSUPP);
	assert_non_null(strstr(err_msg(), "supports neither EGA text nor a framebuffer"));
	/* Neither required nor supported: no request. */
	assert_int_equal(video_of(con_none, &v), 0);
	assert_int_equal(v.prefer, 0);
}

static int mem_src(void *ctx, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

static void test_gzip(void **state)
{
	static uint8_t raw[200000], gz[220000], out[200000];
	uLongf n = sizeof(gz);
	z_stream z;

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 + (i >> 9));
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = raw, z.avail_in = sizeof(raw), z.next_out = gz, z.avail_out = sizeof(gz);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = z.total_out;
	deflateEnd(&z);

	struct gz *g;
	assert_true(gz_detect(gz, n));
	assert_false(gz_detect(raw, sizeof(raw)));
	assert_int_equal(gz_open(&g, n, mem_src, gz, "t.gz"), 0);
	assert_int_equal(gz_size(g), sizeof(raw));
	/* Forward pieces with gaps, then back to the start, then the rest and the CRC. */
	assert_int_equal(gz_read(g, 100, 1000, out), 0);
	assert_memory_equal(out, raw + 100, 1000);
	assert_int_equal(gz_read(g, 150000, 5000, out), 0);
	assert_memory_equal(out, raw + 150000, 5000);
	assert_int_equal(gz_read(g, 0, sizeof(raw), out), 0);
	assert_memory_equal(out, raw, sizeof(raw));
	assert_int_equal(gz_finish(g), 0);
	/* Past the end. */
	assert_int_equal(gz_read(g, sizeof(raw) - 10, 20, out), E_FORMAT);
	gz_close(g);

	/* A flipped CRC byte in the trailer: found when the stream ends. */
	gz[n - 6] ^= 0xff;
	assert_int_equal(gz_open(&g, n, mem_src, gz, "t.gz"), 0);
	assert_int_equal(gz_read(g, 0, 1000, out), 0);
	assert_int_equal(gz_finish(g), E_CORRUPT);
	assert_non_null(strstr(err_msg(), "incorrect data check"));
	gz_close(g);
	gz[n - 6] ^= 0xff;
	/* Truncated. */
	assert_int_equal(gz_open(&g, n / 2, mem_src, gz, "t.gz"), 0);
	assert_int_equal(gz_read(g, 0, sizeof(raw), out), E_FORMAT);
	assert_non_null(strstr(err_msg(), "truncated"));
	gz_close(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_and_info),    cmocka_unit_test(test_required_tags),
	    cmocka_unit_test(test_efi_bs_and_reloc), cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_video_request),    cmocka_unit_test(test_damaged_header),
	    cmocka_unit_test(test_stray_magic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
