/* fuzz_menu.c: libFuzzer target: the line editor on any command line and keys, the menu's
 * navigation over any tree of submenus and keys, and the terminal key decoder on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lineedit.h"
#include "menunav.h"
#include "termkeys.h"
#include "platform.h"

static const int specials[] = {KEY_UP,	      KEY_DOWN, KEY_LEFT,   KEY_RIGHT, KEY_HOME, KEY_END,
			       KEY_PGUP,      KEY_PGDN, KEY_DELETE, KEY_F10,   KEY_ESC,	 KEY_ENTER,
			       KEY_BACKSPACE, 0x7f,	0x18,	    'e'};

/* A key from the input: a byte as it is, 0xf0-0xff a special key, 0xe0-0xef three more bytes
 * for a code point (some past U+10FFFF and surrogates too). */
static int next_key(const uint8_t *d, size_t n, size_t *at)
{
	uint8_t b = d[(*at)++];

	if (b >= 0xf0)
		return specials[b - 0xf0];
	if (b >= 0xe0 && *at + 3 <= n) {
		int k = (b & 1) << 24 | d[*at] << 16 | d[*at + 1] << 8 | d[*at + 2];
		*at += 3;
		return k & 0x1fffff;
	}
	return b;
}

/* Walking the line from its start reaches i. */
static bool boundary(const struct lineedit *le, size_t i)
{
	size_t j = 0;

	while (j < i)
		j = utf8_next(le->buf, le->len, j);
	return j == i;
}

/* The text is everything up to the first NUL; the keys follow it. After every key the line
 * stays within its cap, NUL-terminated, the cursor and the window on character boundaries. */
static void editor(const uint8_t *d, size_t n)
{
	const uint8_t *z = memchr(d, 0, n);
	size_t tl = z ? (size_t)(z - d) : n, at = z ? tl + 1 : n;
	char *text = malloc(tl + 1);
	struct lineedit le;

	memcpy(text, d, tl);
	text[tl] = 0;
	if (le_init(&le, text))
		abort();
	while (at < n) {
		size_t width = 2 + d[at] % 80;
		int k = next_key(d, n, &at);
		enum le_result r = le_key(&le, k);
		if (r == LE_BOOT && !(k == KEY_ENTER || k == 0x18 || k == KEY_F10))
			abort();
		if (le.len > le.cap || le.buf[le.len] || strlen(le.buf) != le.len ||
		    le.cur > le.len || !boundary(&le, le.cur))
			abort();
		le_scroll(&le, width);
		if (le.left > le.cur || !boundary(&le, le.left) ||
		    utf8_count(le.buf, le.left, le.cur) >= width)
			abort();
	}
	le_free(&le);
	free(text);
}

/* Entries from the bytes (each names its parent among the entries before it, or none, and
 * whether it is a submenu), then keys; the selection stays on the level shown, in the window. */
static void navigation(const uint8_t *d, size_t n)
{
	struct cfg_entry e[32] = {0};
	struct config cfg = {.entries = e};
	int items[32], at = 1;
	struct menu_nav m;

	if (n < 2)
		return;
	cfg.n_entries = 1 + d[0] % 32;
	for (int i = 0; i < cfg.n_entries; i++) {
		uint8_t b = (size_t)at < n ? d[at++] : 0;
		e[i].parent = i && b % 3 ? (b >> 2) % i : -1;
		e[i].submenu = b & 0x80;
		if (e[i].parent >= 0 && !e[e[i].parent].submenu)
			e[i].parent = -1;
	}
	mn_init(&m, &cfg, items, 1 + d[1] % 20, d[1] % (cfg.n_entries + 2) - 1);
	for (size_t k = (size_t)at; k < n;) {
		enum mn_result r = mn_key(&m, next_key(d, n, &k));
		int sel = mn_entry(&m);
		if (m.level >= cfg.n_entries || (m.level >= 0 && !e[m.level].submenu))
			abort();
		if (m.n_items && (m.sel < 0 || m.sel >= m.n_items || m.top > m.sel ||
				  m.sel >= m.top + m.rows || e[sel].parent != m.level))
			abort();
		if ((r == MN_BOOT || r == MN_EDIT) && (sel < 0 || e[sel].submenu))
			abort();
	}
}

struct feed {
	const uint8_t *d;
	size_t n, at;
};

static int take(void *ctx)
{
	struct feed *f = ctx;

	return f->at < f->n ? f->d[f->at++] : -1;
}

/* Terminal bytes: every key is a code point (not a surrogate) or a known key, and every byte
 * is read once. */
static void terminal(const uint8_t *d, size_t n)
{
	struct feed f = {d, n, 0};
	struct tk_src s;

	tk_init(&s, take, take, &f);
	while (f.at < f.n || s.held >= 0) {
		size_t before = f.at;
		int held = s.held;
		int k = tk_key(&s);
		if (k < 0 || (k > 0x10ffff && k > KEY_F10) || (k >= 0xd800 && k <= 0xdfff))
			abort();
		if (f.at == before && held < 0) /* nothing taken: it would never end */
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] % 3 == 1)
		editor(data + 1, size - 1);
	else if (data[0] % 3 == 2)
		terminal(data + 1, size - 1);
	else
		navigation(data + 1, size - 1);
	return 0;
}
