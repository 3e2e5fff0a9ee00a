/* test_video.c: unit tests of the display mode choice (formats/video.c) for video requests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "video.h"

/* Modes as a GOP may list them; index 0 is the current one unless a test says otherwise. */
static const struct video_mode modes[] = {
    {1280, 800, 32},  /* 0: the firmware's mode (OVMF's first with QEMU's VGA) */
    {640, 480, 32},   /* 1 */
    {800, 600, 32},   /* 2 */
    {1024, 768, 32},  /* 3 */
    {1280, 1024, 32}, /* 4 */
    {1024, 768, 16},  /* 5 */
    {1920, 1080, 0},  /* 6: PixelBltOnly, no linear framebuffer */
    {800, 600, 16},   /* 7 */
};
#define N ((int)(sizeof(modes) / sizeof(modes[0])))

static int fb(uint32_t w, uint32_t h, uint32_t d)
{
	struct lp_video v = {
	    .prefer = LP_CON_FB, .accept = LP_CON_FB, .width = w, .height = h, .depth = d};

	return video_choose(modes, N, 0, &v);
}

static void test_no_preference_keeps_current(void **state)
{
	assert_int_equal(fb(0, 0, 0), 0);
	struct lp_video v = {.prefer = LP_CON_FB, .accept = LP_CON_FB};
	assert_int_equal(video_choose(modes, N, 2, &v), 2);
}

static void test_exact(void **state)
{
	assert_int_equal(fb(1024, 768, 32), 3);
	assert_int_equal(fb(1024, 768, 16), 5);
	assert_int_equal(fb(800, 600, 16), 7);
	assert_int_equal(fb(640, 480, 32), 1);
	/* Depth 0: any depth, the deepest first. */
	assert_int_equal(fb(1024, 768, 0), 3);
	/* Only a width: the current mode if it has it, else the largest (and deepest) that has. */
	assert_int_equal(fb(1280, 0, 0), 0);
	assert_int_equal(fb(1024, 0, 0), 3);
	/* Only a depth: the current mode when it has it, else the largest that has it. */
	assert_int_equal(fb(0, 0, 32), 0);
	assert_int_equal(fb(0, 0, 16), 5);
}

static void test_exact_prefers_current(void **state)
{
	static const struct video_mode twice[] = {{800, 600, 32}, {1024, 768, 32}, {800, 600, 32}};
	struct lp_video v = {.prefer = LP_CON_FB, .accept = LP_CON_FB, .width = 800, .height = 600};

	assert_int_equal(video_choose(twice, 3, 2, &v), 2); /* no switch needed */
	assert_int_equal(video_choose(twice, 3, 1, &v), 0); /* the first of equals */
}

static void test_same_size_other_depth(void **state)
{
	/* No 24-bit modes: the asked size at the deepest depth there is. */
	assert_int_equal(fb(1024, 768, 24), 3);
	assert_int_equal(fb(640, 480, 16), 1);
}

static void test_largest_not_bigger(void **state)
{
	/* 1100x900 is not offered: 1024x768 is the largest that fits, not the current 1280x800. */
	assert_int_equal(fb(1100, 900, 32), 3);
	/* Among equal sizes, the asked depth. */
	assert_int_equal(fb(1100, 900, 16), 5);
	/* 1920x1080 exists only without a linear framebuffer: the largest usable one below. */
	assert_int_equal(fb(1920, 1080, 32), 4);
	/* Bounded in one dimension only. */
	assert_int_equal(fb(900, 0, 32), 2);
	/* "Not bigger" includes equal in one dimension: 1280x800 for 1280x900 (from 640x480). */
	struct lp_video v = {
	    .prefer = LP_CON_FB, .accept = LP_CON_FB, .width = 1280, .height = 900};
	assert_int_equal(video_choose(modes, N, 1, &v), 0);
}

static void test_nothing_fits_keeps_current(void **state)
{
	assert_int_equal(fb(320, 200, 32), 0);
	assert_int_equal(fb(0, 400, 0), 0);
}

static void test_text_keeps_current(void **state)
{
	struct lp_video v = {
	    .prefer = LP_CON_TEXT, .accept = LP_CON_FB | LP_CON_TEXT, .width = 80, .height = 25};

	assert_int_equal(video_choose(modes, N, 3, &v), 3);
}

static void test_unusable_current(void **state)
{
	struct lp_video v = {.prefer = LP_CON_FB, .accept = LP_CON_FB};

	/* A current mode without a linear framebuffer, or none known: the largest usable one. */
	assert_int_equal(video_choose(modes, N, 6, &v), 4);
	assert_int_equal(video_choose(modes, N, -1, &v), 4);
	assert_int_equal(video_choose(modes, N, N, &v), 4);
	/* No usable mode at all. */
	static const struct video_mode blt[] = {{1024, 768, 0}, {0, 0, 32}};
	v.width = 1024, v.height = 768;
	assert_int_equal(video_choose(blt, 2, 0, &v), -1);
	assert_int_equal(video_choose(blt, 0, -1, &v), -1);
}

static void test_mask_bpp(void **state)
{
	assert_int_equal(video_mask_bpp(0xf800, 0x07e0, 0x001f, 0), 16);
	assert_int_equal(video_mask_bpp(0x7c00, 0x03e0, 0x001f, 0), 15);
	assert_int_equal(video_mask_bpp(0xff0000, 0xff00, 0xff, 0), 24);
	assert_int_equal(video_mask_bpp(0xff0000, 0xff00, 0xff, 0xff000000), 32);
	assert_int_equal(video_mask_bpp(0, 0, 0, 0), 0);
}

static void expect_describe(const struct lp_video *v, const char *want)
{
	char b[240];

	video_describe(v, b, sizeof(b));
	if (strcmp(b, want))
		fail_msg("\"%s\", wanted \"%s\"", b, want);
}

static void test_describe(void **state)
{
	struct lp_video v = {.prefer = LP_CON_FB,
			     .accept = LP_CON_FB | LP_CON_TEXT,
			     .width = 1024,
			     .height = 768,
			     .depth = 32,
			     .source = "Multiboot header flag 2"};

	expect_describe(&v, "framebuffer 1024x768x32 preferred, accepts framebuffer or EGA text; "
			    "optional (Multiboot header flag 2)");
	v.height = 0, v.required = true, v.accept = LP_CON_FB, v.source = "tag";
	expect_describe(&v, "framebuffer 1024x*x32 preferred, accepts framebuffer; required (tag)");
	v.width = v.depth = 0;
	expect_describe(&v, "framebuffer (no preferred mode), accepts framebuffer; required (tag)");
	v = (struct lp_video){
	    .prefer = LP_CON_TEXT, .accept = LP_CON_TEXT, .width = 80, .height = 25, .source = "s"};
	expect_describe(&v, "EGA text 80x25 preferred, accepts EGA text; optional (s)");
	v.prefer = 0;
	expect_describe(&v, "no request (the firmware's mode stays)");
	/* A small buffer is cut, not overrun. */
	char small[8];
	memset(small, 'Z', sizeof(small));
	v.prefer = LP_CON_TEXT;
	video_dims(&v, small, 4);
	assert_string_equal(small, "80x");
	assert_int_equal(small[4], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_preference_keeps_current),
	    cmocka_unit_test(test_exact),
	    cmocka_unit_test(test_exact_prefers_current),
	    cmocka_unit_test(test_same_size_other_depth),
	    cmocka_unit_test(test_largest_not_bigger),
	    cmocka_unit_test(test_nothing_fits_keeps_current),
	    cmocka_unit_test(test_text_keeps_current),
	    cmocka_unit_test(test_unusable_current),
	    cmocka_unit_test(test_mask_bpp),
	    cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
