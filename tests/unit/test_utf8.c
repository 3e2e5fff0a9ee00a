/* test_utf8.c: unit tests of lib/utf8.c: decoding with validation (RFC 3629), UTF-16 out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "utf8.h"

/* Decodes all of s; checks the code points and where each character ends. */
static void decodes(const char *s, size_t len, const uint32_t *want, const size_t *ends, size_t n)
{
	size_t i = 0, k = 0;

	while (i < len) {
		assert_true(k < n);
		assert_int_equal(utf8_get(s, len, &i), want[k]);
		assert_int_equal(i, ends[k]);
		k++;
	}
	assert_int_equal(k, n);
}
#define DECODES(s, want, ends) decodes(s, sizeof(s) - 1, want, ends, sizeof(want) / sizeof(want[0]))

static void test_well_formed(void **state)
{
	/* A, é (2 bytes), € (3), U+1F600 (4), and the ends of each range. */
	static const uint32_t w[] = {'A',   0xe9,  0x20ac, 0x1f600, 0x7f,    0x80,
				     0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff};
	static const size_t e[] = {1, 3, 6, 10, 11, 13, 15, 18, 21, 25, 29};
	DECODES("A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
		"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
		w, e);
}

/* Each malformed sequence is one U+FFFD for its first byte, then decoding goes on. */
static void test_malformed(void **state)
{
	/* A lone continuation byte, then 'a'. */
	static const uint32_t w1[] = {UTF8_BAD, 'a'};
	static const size_t e1[] = {1, 2};
	DECODES("\x80"
		"a",
		w1, e1);
	/* Overlong: C0 80 (NUL), E0 80 AF ('/'), F0 80 80 80: every byte bad (C0 leads nothing,
	 * E0 and F0 carry too little, the continuation bytes alone). */
	static const uint32_t w2[] = {UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD,
				      UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD};
	static const size_t e2[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	DECODES("\xc0\x80\xe0\x80\xaf\xf0\x80\x80\x80", w2, e2);
	/* A surrogate (ED A0 80), past U+10FFFF (F4 90 80 80), F5 and FF lead nothing. */
	static const uint32_t w3[] = {UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD,
				      UTF8_BAD, UTF8_BAD, UTF8_BAD, UTF8_BAD};
	static const size_t e3[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	DECODES("\xed\xa0\x80\xf4\x90\x80\x80\xf5\xff", w3, e3);
	/* Cut short by another character, and by the end of the string. */
	static const uint32_t w4[] = {UTF8_BAD, UTF8_BAD, 'x', UTF8_BAD};
	static const size_t e4[] = {1, 2, 3, 4};
	DECODES("\xe2\x82x\xc3", w4, e4);
}

/* The length bounds the decoding, not a NUL: a sequence is not read past len. */
static void test_len_bound(void **state)
{
	const char s[] = "\xc3\xa9";
	size_t i = 0;

	assert_int_equal(utf8_get(s, 1, &i), UTF8_BAD);
	assert_int_equal(i, 1);
}

static void test_to_utf16(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\xff";
	static const uint16_t want[] = {'a', 0xe9, 0x20ac, 0xd83d, 0xde00, '/', 0xfffd, 0};
	uint16_t out[16];

	memset(out, 0x55, sizeof(out));
	assert_int_equal(utf8_to_utf16(s, strlen(s), NULL, 0), 7);
	assert_int_equal(utf8_to_utf16(s, strlen(s), out, 16), 7);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(out[8], 0x5555);
}

/* A full buffer ends on a whole character: a surrogate pair is never split; still NUL-terminated.
 */
static void test_to_utf16_full(void **state)
{
	const char *s = "ab\xf0\x9f\x98\x80";
	uint16_t out[8];

	memset(out, 0x55, sizeof(out));
	assert_int_equal(utf8_to_utf16(s, strlen(s), out, 4), 4);
	assert_int_equal(out[0], 'a');
	assert_int_equal(out[1], 'b');
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 0x5555);
	assert_int_equal(utf8_to_utf16(s, strlen(s), out, 5), 4);
	assert_int_equal(out[3], 0xde00);
	assert_int_equal(out[4], 0);
	assert_int_equal(utf8_to_utf16(s, strlen(s), out, 1), 4);
	assert_int_equal(out[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_well_formed),	  cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_len_bound),	  cmocka_unit_test(test_to_utf16),
	    cmocka_unit_test(test_to_utf16_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
