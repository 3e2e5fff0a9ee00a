/* test_lineedit.c: unit tests of the menu's command-line editor (stage2/lineedit.c), key by key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lineedit.h"
#include "platform.h"

#define CTRL(c) ((c)&0x1f)

static struct lineedit le;

static int teardown(void **state)
{
	le_free(&le);
	return 0;
}

static void start(const char *text)
{
	le_free(&le);
	assert_int_equal(le_init(&le, text), 0);
}

/* Applies keys and checks that each keeps editing. */
static void keys(const int *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(le_key(&le, k[i]), LE_MORE);
}
#define KEYS(...)                                                                                  \
	do {                                                                                       \
		static const int k_[] = {__VA_ARGS__};                                             \
		keys(k_, sizeof(k_) / sizeof(k_[0]));                                              \
	} while (0)

static void type(const char *s)
{
	for (; *s; s++)
		assert_int_equal(le_key(&le, (unsigned char)*s), LE_MORE);
}

/* The line and the cursor's byte offset. */
static void expect(const char *text, size_t cur)
{
	assert_string_equal(le.buf, text);
	assert_int_equal(le.len, strlen(text));
	assert_int_equal(le.cur, cur);
}

static void test_init(void **state)
{
	start("root=/dev/sda1 ro");
	expect("root=/dev/sda1 ro", 17);
	assert_int_equal(le.cap, LE_CAP);
	assert_int_equal(le.left, 0);
	start("");
	expect("", 0);
}

/* A line longer than LE_CAP from the config keeps its length as its cap: nothing is cut. */
static void test_init_long(void **state)
{
	char *s = malloc(LE_CAP + 11);
	memset(s, 'x', LE_CAP + 10);
	s[LE_CAP + 10] = 0;
	start(s);
	assert_int_equal(le.cap, LE_CAP + 10);
	assert_int_equal(le.len, LE_CAP + 10);
	KEYS('y');
	assert_true(le.refused);
	assert_int_equal(le.len, LE_CAP + 10);
	KEYS(KEY_BACKSPACE, 'y');
	assert_false(le.refused);
	assert_int_equal(le.buf[LE_CAP + 9], 'y');
	free(s);
}

static void test_move(void **state)
{
	start("abc");
	KEYS(KEY_LEFT);
	expect("abc", 2);
	KEYS(KEY_LEFT, KEY_LEFT, KEY_LEFT); /* stops at the start */
	expect("abc", 0);
	KEYS(KEY_RIGHT);
	expect("abc", 1);
	KEYS(KEY_END);
	expect("abc", 3);
	KEYS(KEY_RIGHT); /* stops at the end */
	expect("abc", 3);
	KEYS(KEY_HOME);
	expect("abc", 0);
	KEYS(CTRL('E'));
	expect("abc", 3);
	KEYS(CTRL('A'));
	expect("abc", 0);
}

static void test_insert(void **state)
{
	start("ac");
	KEYS(KEY_LEFT, 'b');
	expect("abc", 2);
	KEYS(KEY_HOME, '>');
	expect(">abc", 1);
	KEYS(KEY_END);
	type(" quiet");
	expect(">abc quiet", 10);
	/* Control characters and C1 controls are not text. */
	KEYS('\t', CTRL('B'), CTRL('K'), 0x80, 0x9f, KEY_PGUP, KEY_UP, KEY_DOWN, KEY_NONE);
	expect(">abc quiet", 10);
	assert_false(le.refused);
}

static void test_erase(void **state)
{
	start("abcd");
	KEYS(KEY_BACKSPACE);
	expect("abc", 3);
	KEYS(KEY_DELETE); /* nothing after the cursor */
	expect("abc", 3);
	KEYS(KEY_LEFT, KEY_LEFT, KEY_DELETE);
	expect("ac", 1);
	KEYS(KEY_BACKSPACE);
	expect("c", 0);
	KEYS(KEY_BACKSPACE); /* nothing before the cursor */
	expect("c", 0);
	KEYS(0x7f); /* DEL, what most terminals send for Backspace */
	expect("c", 0);
	KEYS(KEY_END, 0x7f);
	expect("", 0);
	KEYS(KEY_DELETE, KEY_BACKSPACE);
	expect("", 0);
}

static void test_results(void **state)
{
	start("x");
	assert_int_equal(le_key(&le, KEY_ENTER), LE_BOOT);
	assert_int_equal(le_key(&le, CTRL('X')), LE_BOOT);
	assert_int_equal(le_key(&le, KEY_F10), LE_BOOT);
	assert_int_equal(le_key(&le, KEY_ESC), LE_CANCEL);
	expect("x", 1); /* none of them changes the line */
}

/* The cap: a character that does not fit whole is refused and said so; never an overflow. */
static void test_cap(void **state)
{
	start("");
	for (int i = 0; i < LE_CAP - 1; i++)
		assert_int_equal(le_key(&le, 'a' + i % 26), LE_MORE);
	assert_int_equal(le.len, LE_CAP - 1);
	assert_false(le.refused);
	KEYS(0xe9); /* two bytes: one is left */
	assert_true(le.refused);
	assert_int_equal(le.len, LE_CAP - 1);
	KEYS('!');
	assert_false(le.refused);
	assert_int_equal(le.len, LE_CAP);
	assert_int_equal(le.buf[LE_CAP - 1], '!');
	assert_int_equal(le.buf[LE_CAP], 0);
	KEYS(KEY_HOME, 'z');
	assert_true(le.refused);
	assert_int_equal(le.buf[0], 'a');
	assert_int_equal(le.cur, 0);
	KEYS(KEY_LEFT); /* any other key clears the message */
	assert_false(le.refused);
	KEYS(KEY_DELETE, 'z');
	assert_false(le.refused);
	assert_int_equal(le.buf[0], 'z');
	assert_int_equal(le.len, LE_CAP);
	assert_int_equal(strlen(le.buf), LE_CAP);
}

/* Characters are code points, stored as UTF-8 and moved over and erased whole. */
static void test_utf8(void **state)
{
	start("");
	KEYS(0xe9, 0x20ac, 0x1f600, 'x');
	expect("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 10);
	KEYS(KEY_LEFT, KEY_LEFT);
	expect("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 5);
	KEYS(KEY_LEFT);
	expect("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 2);
	KEYS(KEY_DELETE);
	expect("\xc3\xa9\xf0\x9f\x98\x80x", 2);
	KEYS(KEY_BACKSPACE);
	expect("\xf0\x9f\x98\x80x", 0);
	KEYS(KEY_RIGHT);
	expect("\xf0\x9f\x98\x80x", 4);
	/* A surrogate cannot be UTF-8: U+FFFD stands for it. */
	KEYS(0xd800);
	expect("\xf0\x9f\x98\x80\xef\xbf\xbdx", 7);
}

/* Malformed bytes from the config are characters of one byte each, kept as they are. */
static void test_utf8_malformed(void **state)
{
	start("a\xff\x80\xc3z");
	KEYS(KEY_LEFT, KEY_LEFT);
	assert_int_equal(le.cur, 3);
	KEYS(KEY_BACKSPACE);
	expect("a\xff\xc3z", 2);
	KEYS(KEY_HOME, KEY_RIGHT, KEY_RIGHT, KEY_RIGHT);
	assert_int_equal(le.cur, 3);
	/* A lone lead byte, then an erased character: the lead byte meets continuation bytes and
	 * makes a character with them; the cursor stays on a boundary. */
	start("\xe2x\x82\xac.");
	KEYS(KEY_HOME, KEY_RIGHT);
	assert_int_equal(le.cur, 1);
	KEYS(KEY_DELETE);
	assert_string_equal(le.buf, "\xe2\x82\xac.");
	assert_int_equal(le.cur, 3);
	KEYS(KEY_LEFT);
	assert_int_equal(le.cur, 0);
}

/* Walking forwards and backwards finds the same characters, whatever the bytes. */
static void test_utf8_walk(void **state)
{
	static const unsigned char pool[] = {'a',  0x80, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2,
					     0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xc0, 0x9f, ' '};
	char s[24];
	size_t fw[25];
	unsigned seed = 1;

	for (int round = 0; round < 20000; round++) {
		size_t len = 1 + round % 23, n = 0;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = (char)pool[(seed >> 16) % sizeof(pool)];
		}
		for (size_t i = 0; i < len; i = utf8_next(s, len, i)) {
			fw[n++] = i;
			assert_true(utf8_next(s, len, i) - i <= 4);
		}
		assert_int_equal(utf8_count(s, 0, len), n);
		for (size_t i = len; n--;) {
			i = utf8_prev(s, i);
			assert_int_equal(i, fw[n]);
		}
	}
}

static void test_utf8_show(void **state)
{
	char out[16];

	assert_int_equal(utf8_show("ab\xc3\xa9\x01z", 6, 10, out, sizeof(out)), 6);
	assert_string_equal(out, "ab??z");
	assert_int_equal(utf8_show("ab\xc3\xa9z", 5, 3, out, sizeof(out)), 4);
	assert_string_equal(out, "ab?");
	assert_int_equal(utf8_show("abcdef", 6, 10, out, 4), 3); /* out's size bounds it */
	assert_string_equal(out, "abc");
	assert_int_equal(utf8_show("abc", 3, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

/* A line wider than the screen scrolls so that the cursor stays in the window. */
static void test_scroll(void **state)
{
	start("0123456789abcdefghij"); /* 20 characters, a window of 8 */
	le_scroll(&le, 8);
	assert_int_equal(le.left, 13); /* 7 characters, then the cursor's cell */
	KEYS(KEY_LEFT, KEY_LEFT, KEY_LEFT, KEY_LEFT, KEY_LEFT, KEY_LEFT, KEY_LEFT);
	le_scroll(&le, 8);
	assert_int_equal(le.left, 13);
	KEYS(KEY_LEFT); /* past the left edge: the window moves by half */
	le_scroll(&le, 8);
	assert_int_equal(le.left, 8);
	/* Keys applied before a redraw: Home, then 5 characters typed; the text before the
	 * cursor shows. */
	KEYS(KEY_END);
	le_scroll(&le, 8);
	KEYS(KEY_HOME, 'v', 'w', 'x', 'y', 'z');
	le_scroll(&le, 8);
	assert_int_equal(le.left, 1);
	assert_int_equal(le.cur, 5);
	KEYS(KEY_HOME, KEY_DELETE, KEY_DELETE, KEY_DELETE, KEY_DELETE, KEY_DELETE);
	KEYS(KEY_HOME);
	le_scroll(&le, 8);
	assert_int_equal(le.left, 0);
	KEYS(KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, KEY_RIGHT);
	le_scroll(&le, 8);
	assert_int_equal(le.left, 0);
	KEYS(KEY_RIGHT);
	le_scroll(&le, 8);
	assert_int_equal(le.left, 1);
	/* The window counts characters, not bytes. */
	start("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	le_scroll(&le, 3);
	assert_int_equal(le.left, 4);
	assert_int_equal(utf8_count(le.buf, le.left, le.cur), 2);
	/* Erasing keeps the window on the line. */
	KEYS(KEY_BACKSPACE, KEY_BACKSPACE, KEY_BACKSPACE);
	assert_true(le.left <= le.cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_init, teardown),
	    cmocka_unit_test_teardown(test_init_long, teardown),
	    cmocka_unit_test_teardown(test_move, teardown),
	    cmocka_unit_test_teardown(test_insert, teardown),
	    cmocka_unit_test_teardown(test_erase, teardown),
	    cmocka_unit_test_teardown(test_results, teardown),
	    cmocka_unit_test_teardown(test_cap, teardown),
	    cmocka_unit_test_teardown(test_utf8, teardown),
	    cmocka_unit_test_teardown(test_utf8_malformed, teardown),
	    cmocka_unit_test(test_utf8_walk),
	    cmocka_unit_test(test_utf8_show),
	    cmocka_unit_test_teardown(test_scroll, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
