/* test_menunav.c: unit tests of the menu's navigation (stage2/menunav.c): paging, digits, submenus.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "menunav.h"
#include "platform.h"

static struct cfg_entry ents[64];
static struct config cfg;
static int items[64];
static struct menu_nav m;

/* n entries at the top level. */
static void flat(int n)
{
	memset(ents, 0, sizeof(ents));
	for (int i = 0; i < n; i++)
		ents[i].parent = -1;
	cfg = (struct config){.entries = ents, .n_entries = n};
}

/*
 * 0 A; 1 Sub >; 2   S1; 3   Deeper >; 4     D1; 5     D2; 6   S2; 7 B; 8 Empty > (no entries)
 */
static void tree(void)
{
	static const int parent[] = {-1, -1, 1, 1, 3, 3, 1, -1, -1};
	memset(ents, 0, sizeof(ents));
	for (int i = 0; i < 9; i++)
		ents[i].parent = parent[i];
	ents[1].submenu = ents[3].submenu = ents[8].submenu = true;
	cfg = (struct config){.entries = ents, .n_entries = 9};
}

static void expect(int level, int sel, int top, int entry)
{
	assert_int_equal(m.level, level);
	assert_int_equal(m.sel, sel);
	assert_int_equal(m.top, top);
	assert_int_equal(mn_entry(&m), entry);
}

static void test_lines(void **state)
{
	flat(5);
	mn_init(&m, &cfg, items, 10, 2);
	expect(-1, 2, 0, 2);
	assert_int_equal(mn_key(&m, KEY_UP), MN_MOVED);
	expect(-1, 1, 0, 1);
	assert_int_equal(mn_key(&m, KEY_UP), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_UP), MN_NONE); /* no wrapping */
	expect(-1, 0, 0, 0);
	assert_int_equal(mn_key(&m, KEY_END), MN_MOVED);
	expect(-1, 4, 0, 4);
	assert_int_equal(mn_key(&m, KEY_DOWN), MN_NONE);
	assert_int_equal(mn_key(&m, KEY_HOME), MN_MOVED);
	expect(-1, 0, 0, 0);
	assert_int_equal(mn_key(&m, KEY_ENTER), MN_BOOT);
	assert_int_equal(mn_key(&m, 'e'), MN_EDIT);
	assert_int_equal(mn_key(&m, KEY_ESC), MN_NONE); /* the top level has no way up */
	assert_int_equal(mn_key(&m, KEY_LEFT), MN_NONE);
	assert_int_equal(mn_key(&m, KEY_RIGHT), MN_NONE);
	assert_int_equal(mn_key(&m, 'q'), MN_NONE);
	/* A default out of range starts at the top. */
	mn_init(&m, &cfg, items, 10, 99);
	expect(-1, 0, 0, 0);
}

/* 40 entries, a window of 10: pages move by 10, the window follows the selection. */
static void test_pages(void **state)
{
	flat(40);
	mn_init(&m, &cfg, items, 10, 0);
	assert_int_equal(mn_key(&m, KEY_PGDN), MN_MOVED);
	expect(-1, 10, 10, 10);
	assert_int_equal(mn_key(&m, KEY_DOWN), MN_MOVED);
	expect(-1, 11, 10, 11);
	assert_int_equal(mn_key(&m, KEY_PGDN), MN_MOVED);
	expect(-1, 21, 20, 21);
	assert_int_equal(mn_key(&m, KEY_PGDN), MN_MOVED);
	expect(-1, 31, 30, 31);
	assert_int_equal(mn_key(&m, KEY_PGDN), MN_MOVED); /* the last page: to the end */
	expect(-1, 39, 30, 39);
	assert_int_equal(mn_key(&m, KEY_PGDN), MN_NONE);
	assert_int_equal(mn_key(&m, KEY_PGUP), MN_MOVED);
	expect(-1, 29, 20, 29);
	assert_int_equal(mn_key(&m, KEY_UP), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_PGUP), MN_MOVED);
	expect(-1, 18, 10, 18);
	assert_int_equal(mn_key(&m, KEY_PGUP), MN_MOVED);
	expect(-1, 8, 0, 8);
	assert_int_equal(mn_key(&m, KEY_PGUP), MN_MOVED);
	expect(-1, 0, 0, 0);
	assert_int_equal(mn_key(&m, KEY_PGUP), MN_NONE);
	/* Up above the window scrolls it by one; End shows the last page. */
	mn_init(&m, &cfg, items, 10, 25);
	expect(-1, 25, 16, 25);
	assert_int_equal(mn_key(&m, KEY_END), MN_MOVED);
	expect(-1, 39, 30, 39);
	for (int i = 0; i < 10; i++)
		mn_key(&m, KEY_UP);
	expect(-1, 29, 29, 29);
	/* A smaller window keeps the selection in it. */
	mn_resize(&m, 3);
	expect(-1, 29, 29, 29);
	mn_key(&m, KEY_END);
	mn_resize(&m, 5);
	expect(-1, 39, 35, 39);
	mn_resize(&m, 0);
	assert_int_equal(m.rows, 1);
}

static void test_digits(void **state)
{
	flat(40);
	mn_init(&m, &cfg, items, 10, 0);
	assert_int_equal(mn_key(&m, '4'), MN_MOVED); /* 40 exists: wait for another digit */
	expect(-1, 3, 0, 3);
	assert_int_equal(mn_key(&m, '0'), MN_BOOT);
	expect(-1, 39, 30, 39);
	assert_int_equal(mn_key(&m, '5'), MN_BOOT); /* no 50th: at once */
	expect(-1, 4, 4, 4);
	assert_int_equal(mn_key(&m, '1'), MN_MOVED);
	assert_int_equal(mn_key(&m, '2'), MN_BOOT);
	assert_int_equal(mn_entry(&m), 11);
	assert_int_equal(mn_key(&m, '0'), MN_NONE); /* there is no entry 0 */
	assert_int_equal(mn_entry(&m), 11);
	/* Another key ends a number. */
	assert_int_equal(mn_key(&m, '3'), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_NONE), MN_NONE);
	assert_int_equal(mn_key(&m, '1'), MN_MOVED);
	assert_int_equal(mn_entry(&m), 0);
	/* A number past the list starts again at the last digit: 4 then 7 is 47, so 7. */
	assert_int_equal(mn_key(&m, '4'), MN_BOOT); /* 14 */
	assert_int_equal(mn_entry(&m), 13);
	assert_int_equal(mn_key(&m, '4'), MN_MOVED);
	assert_int_equal(mn_key(&m, '7'), MN_BOOT);
	assert_int_equal(mn_entry(&m), 6);
	/* With 9 entries or fewer every digit boots at once, as before. */
	flat(3);
	mn_init(&m, &cfg, items, 10, 0);
	assert_int_equal(mn_key(&m, '3'), MN_BOOT);
	assert_int_equal(mn_entry(&m), 2);
	assert_int_equal(mn_key(&m, '4'), MN_NONE);
	assert_int_equal(mn_entry(&m), 2);
}

static void test_submenus(void **state)
{
	tree();
	mn_init(&m, &cfg, items, 10, 0);
	assert_int_equal(m.n_items, 4); /* A, Sub, B, Empty */
	assert_int_equal(mn_key(&m, 'e'), MN_EDIT);
	assert_int_equal(mn_key(&m, KEY_DOWN), MN_MOVED);
	assert_int_equal(mn_key(&m, 'e'), MN_NONE); /* a submenu has no command line */
	assert_int_equal(mn_key(&m, KEY_ENTER), MN_LEVEL);
	expect(1, 0, 0, 2);
	assert_int_equal(m.n_items, 3); /* S1, Deeper, S2 */
	assert_int_equal(mn_key(&m, KEY_DOWN), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_RIGHT), MN_LEVEL);
	expect(3, 0, 0, 4);
	assert_int_equal(mn_key(&m, KEY_RIGHT), MN_NONE); /* an entry: Right does nothing */
	assert_int_equal(mn_key(&m, KEY_DOWN), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_ENTER), MN_BOOT);
	assert_int_equal(mn_entry(&m), 5);
	/* Back up, with the submenu we came from selected. */
	assert_int_equal(mn_key(&m, KEY_ESC), MN_LEVEL);
	expect(1, 1, 0, 3);
	assert_int_equal(mn_key(&m, KEY_LEFT), MN_LEVEL);
	expect(-1, 1, 0, 1);
	/* An empty submenu does not open. */
	assert_int_equal(mn_key(&m, KEY_END), MN_MOVED);
	assert_int_equal(mn_key(&m, KEY_ENTER), MN_NONE);
	expect(-1, 3, 0, 8);
	/* Digits count within the level: 2 in Sub is Deeper, which opens. */
	mn_key(&m, KEY_HOME);
	assert_int_equal(mn_key(&m, '2'), MN_LEVEL);
	expect(1, 0, 0, 2);
	assert_int_equal(mn_key(&m, '2'), MN_LEVEL);
	expect(3, 0, 0, 4);
	assert_int_equal(mn_key(&m, '3'), MN_NONE); /* Deeper has 2 */
	assert_int_equal(mn_key(&m, '2'), MN_BOOT);
	assert_int_equal(mn_entry(&m), 5);
}

/* The default inside a submenu opens it with the default selected. */
static void test_default_inside(void **state)
{
	tree();
	mn_init(&m, &cfg, items, 10, 5);
	expect(3, 1, 0, 5);
	assert_int_equal(mn_key(&m, KEY_ESC), MN_LEVEL);
	assert_int_equal(mn_key(&m, KEY_ESC), MN_LEVEL);
	expect(-1, 1, 0, 1);
	mn_init(&m, &cfg, items, 10, 6);
	expect(1, 2, 0, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines),	   cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_digits),	   cmocka_unit_test(test_submenus),
	    cmocka_unit_test(test_default_inside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
