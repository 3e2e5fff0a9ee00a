/* test_termkeys.c: unit tests of stage2/termkeys.c: what terminals send -> keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "termkeys.h"
#include "platform.h"

/* The input: values (bytes, or ConIn's characters and keys), then nothing. */
struct feed {
	const int *v;
	size_t n, at;
};

static int take(void *ctx)
{
	struct feed *f = ctx;

	return f->at < f->n ? f->v[f->at++] : -1;
}

/* Every key the values make, until nothing is left; checks them and that all was read. */
static void keys_of(const int *in, size_t n_in, const int *want, size_t n_want)
{
	struct feed f = {in, n_in, 0};
	struct tk_src s;
	int got[64];
	size_t n = 0;

	tk_init(&s, take, take, &f);
	while (n < 64 && (f.at < f.n || s.held >= 0))
		got[n++] = tk_key(&s);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	assert_int_equal(tk_key(&s), KEY_NONE);
}

/* Bytes as a terminal sends them. */
static void bytes(const char *b, size_t len, const int *want, size_t n_want)
{
	int v[64];

	for (size_t i = 0; i < len; i++)
		v[i] = (unsigned char)b[i];
	keys_of(v, len, want, n_want);
}
#define BYTES(b, ...)                                                                              \
	do {                                                                                       \
		static const int w_[] = {__VA_ARGS__};                                             \
		bytes(b, sizeof(b) - 1, w_, sizeof(w_) / sizeof(w_[0]));                           \
	} while (0)
#define VALUES(in, ...)                                                                            \
	do {                                                                                       \
		static const int w_[] = {__VA_ARGS__};                                             \
		keys_of(in, sizeof(in) / sizeof(in[0]), w_, sizeof(w_) / sizeof(w_[0]));           \
	} while (0)

static void test_cursor_keys(void **state)
{
	/* xterm (CSI and SS3), VT220, PC ANSI (UEFI appendix B.1). */
	BYTES("\033[A\033[B\033[C\033[D", KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT);
	BYTES("\033OA\033OB\033OC\033OD\033OH\033OF", KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT,
	      KEY_HOME, KEY_END);
	BYTES("\033[H\033[F\033[1~\033[4~\033[7~\033[8~", KEY_HOME, KEY_END, KEY_HOME, KEY_END,
	      KEY_HOME, KEY_END);
	BYTES("\033[5~\033[6~\033[3~\033[21~", KEY_PGUP, KEY_PGDN, KEY_DELETE, KEY_F10);
	BYTES("\033[I\033[G\033[X\033[V", KEY_PGUP, KEY_PGDN, KEY_DELETE, KEY_F10);
	/* Modifiers (Ctrl+Right, Shift+Delete) are ignored. */
	BYTES("\033[1;5C\033[3;2~", KEY_RIGHT, KEY_DELETE);
}

static void test_esc(void **state)
{
	BYTES("\033", KEY_ESC);
	/* Alt+x; two Escs; Esc then a sequence. */
	BYTES("\033x", KEY_ESC, 'x');
	BYTES("\033\033", KEY_ESC, KEY_ESC);
	BYTES("\033\033[A", KEY_ESC, KEY_UP);
	/* Unknown sequences are dropped whole; one cut by a character that cannot end it leaves
	 * that character as a key. */
	BYTES("\033[99~a\033[Zb\033Oxc", KEY_NONE, 'a', KEY_NONE, 'b', KEY_NONE, 'c');
	BYTES("\033[12\rd", KEY_NONE, KEY_ENTER, 'd');
	/* A huge parameter does not overflow into a known key. */
	BYTES("\033[99999999999999999993~", KEY_NONE);
}

static void test_utf8(void **state)
{
	BYTES("\303\251\342\202\254\360\237\230\200", 0xe9, 0x20ac, 0x1f600);
	/* A lead byte alone is the Latin-1 character (é from a Latin-1 terminal). */
	BYTES("\351a", 0xe9, 'a');
	BYTES("\303", 0xc3);
	/* Cut short after a continuation byte: U+FFFD, then what cut it. */
	BYTES("\342\202A", 0xfffd, 'A');
	BYTES("\342\202\033[A", 0xfffd, KEY_UP);
	/* Overlong, surrogate, past U+10FFFF. */
	BYTES("\340\200\257\355\240\200\364\220\200\200", 0xfffd, 0xfffd, 0xfffd);
	/* Bytes no character starts with: Latin-1. */
	BYTES("\300\377", 0xc0, 0xff);
}

static void test_controls(void **state)
{
	BYTES("\r\n\177\b\030a", KEY_ENTER, KEY_ENTER, KEY_BACKSPACE, KEY_BACKSPACE, 0x18, 'a');
}

/* ConIn: characters and keys already decoded from scan codes, and EDK2's terminal passing an
 * unknown sequence or UTF-8 on as one character per byte. */
static void test_conin(void **state)
{
	static const int a[] = {0xc3, 0xa9, 0x20ac, KEY_UP, 27, '[', '3', '~'};
	VALUES(a, 0xe9, 0x20ac, KEY_UP, KEY_DELETE);
	/* A key in the middle of a sequence ends it and is kept. */
	static const int b[] = {27, KEY_DOWN, 0xe2, KEY_LEFT, 0xe9};
	VALUES(b, KEY_ESC, KEY_DOWN, 0xe2, KEY_LEFT, 0xe9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cursor_keys), cmocka_unit_test(test_esc),
	    cmocka_unit_test(test_utf8),	cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_conin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
