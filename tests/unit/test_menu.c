/* test_menu.c: unit tests of the menu's screen code (stage2/menu.c) over a fake console. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* The file itself, for its static functions; the platform below is a fake. */
#include "menu.c"

static int n_puts, n_clear;
static char last[1024], printed[8192];
static int keys[16], n_keys, key_at;

void plat_puts(const char *s)
{
	n_puts++;
	snprintf(last, sizeof(last), "%s", s);
}
void plat_clear(void)
{
	n_clear++;
}
void plat_goto(int col, int row)
{
}
void plat_highlight(bool on)
{
}
void plat_console_size(int *cols, int *rows)
{
	*cols = 80;
	*rows = 25;
}
void con_printf(const char *fmt, ...)
{
	size_t k = strlen(printed);
	va_list ap;

	n_puts++;
	va_start(ap, fmt);
	vsnprintf(printed + k, sizeof(printed) - k, fmt, ap);
	va_end(ap);
}
/* The keys queued, then none: a wait for ever with nothing left would hang, so it fails. */
int plat_getkey(int timeout_ms)
{
	if (key_at < n_keys)
		return keys[key_at++];
	if (timeout_ms < 0)
		fail_msg("plat_getkey(-1) with no key left");
	return KEY_NONE;
}

static void reset(void)
{
	n_puts = n_clear = n_keys = key_at = 0;
	last[0] = printed[0] = 0;
}

/* A padded line is one plat_puts(): text, then spaces up to the width. */
static void test_put_cols_one_call(void **state)
{
	reset();
	put_cols("abc", 10);
	assert_int_equal(n_puts, 1);
	assert_string_equal(last, "abc       ");
	reset();
	put_cols("", 300);
	assert_int_equal(n_puts, 1);
	assert_int_equal(strlen(last), 300);
	/* Cut to the width; non-ASCII as one '?' each; wider than a line is a line. */
	reset();
	put_cols("d\xc3\xa9j\xc3\xa0 vu", 4);
	assert_string_equal(last, "d?j?");
	reset();
	put_cols("x", 5000);
	assert_int_equal(strlen(last), LINE_MAX_COLS);
	reset();
	put_cols("x", -3);
	assert_string_equal(last, "");
}

static struct cfg_entry ents[3];
static struct config cfg = {.entries = ents, .n_entries = 3};

static void entries(void)
{
	memset(ents, 0, sizeof(ents));
	for (int i = 0; i < 3; i++) {
		ents[i].parent = -1;
		ents[i].title = (char *)(i == 0 ? "zero" : i == 1 ? "one" : "two");
	}
}

/* timeout 0 and no key waiting: the default, with nothing drawn. */
static void test_timeout0_boots(void **state)
{
	char *edited;

	entries();
	reset();
	assert_int_equal(menu_run(&cfg, 1, 0, NULL, 0, &edited), 1);
	assert_int_equal(n_clear, 0);
	assert_null(edited);
}

/* timeout 0 with a key already waiting (held down): the menu, no countdown; that key does
 * nothing else, the next ones act: Down, Enter boots the entry after the default. */
static void test_timeout0_key_opens_menu(void **state)
{
	char *edited;

	entries();
	reset();
	keys[0] = KEY_ENTER, keys[1] = KEY_DOWN, keys[2] = KEY_ENTER, n_keys = 3;
	assert_int_equal(menu_run(&cfg, 0, 0, NULL, 0, &edited), 1);
	assert_int_equal(n_clear, 1);
	assert_int_equal(key_at, 3);
}

/*
 * More problems than the screen has rows for: the last row counts every one not shown,
 * including those config_report() kept out of the list (n_dropped, which the list's own last
 * line stands for): 19 listed + 7 dropped, 13 shown on 25 rows, 13 more.
 */
static void test_more_errors_counts_dropped(void **state)
{
	char bufs[20][32], *errs[20], *edited;

	entries();
	reset();
	for (int i = 0; i < 20; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "problem %d", i);
		errs[i] = bufs[i];
	}
	snprintf(bufs[19], sizeof(bufs[19]), "... 7 more not shown");
	cfg.n_dropped = 7;
	keys[0] = KEY_ENTER, keys[1] = KEY_ENTER, n_keys = 2;
	menu_run(&cfg, 0, 30, errs, 20, &edited);
	cfg.n_dropped = 0;
	assert_non_null(strstr(printed, "problem 12\n"));
	assert_null(strstr(printed, "problem 13\n"));
	if (!strstr(printed, "(13 more errors"))
		fail_msg("no '(13 more errors' in:\n%s", printed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_cols_one_call),
	    cmocka_unit_test(test_timeout0_boots),
	    cmocka_unit_test(test_timeout0_key_opens_menu),
	    cmocka_unit_test(test_more_errors_counts_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
