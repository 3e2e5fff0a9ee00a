/* menu.c: the boot menu on screen and serial: levels, keys, a countdown any key stops, the editor.
 */
#include "core.h"
#include "platform.h"
#include "lineedit.h"
#include "menunav.h"

#define LINE_MAX_COLS 300 /* the widest console line drawn (a 2560-pixel GOP mode has 320) */

/* Where things are on the screen for the level shown; recomputed when the level changes. */
struct layout {
	int cols, rows;
	int list_row; /* the first entry's row */
	bool markers; /* the list scrolls: a row above and below it says how many more */
	int n_err;    /* error lines shown, from err_row */
	int err_row, hint_row, count_row;
};

static struct layout layout(struct menu_nav *m, int n_errors)
{
	struct layout l;

	plat_console_size(&l.cols, &l.rows);
	l.cols = MIN(l.cols, LINE_MAX_COLS);
	/* Rows: title, path, the list, a blank, the errors and a blank, the hint, the countdown.
	 * At most rows - 11 errors, so that at least 3 entries and their markers fit. */
	l.n_err = MIN(n_errors, MAX(1, l.rows - 11));
	int avail = l.rows - 5 - (n_errors ? l.n_err + 1 : 0);
	l.markers = m->n_items > avail;
	int win = MAX(1, l.markers ? avail - 2 : avail);
	l.list_row = l.markers ? 3 : 2;
	mn_resize(m, win);
	int end = l.list_row + MIN(m->n_items, win) + l.markers;
	l.err_row = end + 1;
	l.hint_row = l.err_row + (n_errors ? l.n_err + 1 : 0);
	l.count_row = l.hint_row + 1;
	return l;
}

/* Prints at most cols characters of s, then spaces up to cols (to erase what was there), in one
 * call: each plat_puts() is a round of firmware calls, slow over serial and under emulation. */
static void put_cols(const char *s, int cols)
{
	char buf[LINE_MAX_COLS + 1];

	cols = MAX(0, MIN(cols, LINE_MAX_COLS));
	utf8_show(s, strlen(s), (size_t)cols, buf, sizeof(buf));
	size_t n = strlen(buf);
	memset(buf + n, ' ', (size_t)cols - n);
	buf[cols] = 0;
	plat_puts(buf);
}

static void draw_row(const struct menu_nav *m, const struct layout *l, int pos)
{
	const struct cfg_entry *e = &m->cfg->entries[m->items[pos]];
	char buf[LINE_MAX_COLS + 1];

	if (pos < m->top || pos >= m->top + m->rows)
		return;
	plat_goto(2, l->list_row + pos - m->top);
	plat_highlight(pos == m->sel);
	/* A submenu's title ends in " >": Enter (or Right) opens it. */
	snfmt(buf, sizeof(buf), "%c %s%s", pos == m->sel ? '>' : ' ', e->title,
	      e->submenu ? " >" : "");
	put_cols(buf, l->cols - 3);
	plat_highlight(false);
}

static void draw_list(const struct menu_nav *m, const struct layout *l)
{
	char buf[64];
	int below = m->n_items - m->top - m->rows;

	if (l->markers) {
		plat_goto(2, l->list_row - 1);
		snfmt(buf, sizeof(buf), m->top ? "^ %d more above" : "", m->top);
		put_cols(buf, l->cols - 3);
	}
	for (int i = m->top; i < m->n_items && i < m->top + m->rows; i++)
		draw_row(m, l, i);
	if (l->markers) {
		plat_goto(2, l->list_row + m->rows);
		snfmt(buf, sizeof(buf), below > 0 ? "v %d more below" : "", below);
		put_cols(buf, l->cols - 3);
	}
}

/* The submenus leading to level, outermost first: "Advanced / Older kernels". */
static void put_path(const struct config *cfg, int level, int depth)
{
	if (level < 0 || depth > 16)
		return;
	put_path(cfg, cfg->entries[level].parent, depth + 1);
	if (cfg->entries[level].parent >= 0)
		plat_puts(" / ");
	char buf[61];
	utf8_show(cfg->entries[level].title, strlen(cfg->entries[level].title), 60, buf,
		  sizeof(buf));
	plat_puts(buf);
}

static void draw_all(const struct menu_nav *m, const struct layout *l, char **errors, int n_errors)
{
	plat_clear();
	con_printf("baton %s - choose what to boot\n", BATON_VERSION);
	if (m->level >= 0) {
		plat_puts("Submenu: ");
		put_path(m->cfg, m->level, 0);
	}
	draw_list(m, l);
	/* The list's last line stands for the n_dropped problems it had no room for. */
	int total = n_errors + (m->cfg->n_dropped ? m->cfg->n_dropped - 1 : 0);

	plat_goto(0, l->err_row);
	for (int i = 0; i < l->n_err; i++) {
		if (i == l->n_err - 1 && l->n_err < n_errors)
			con_printf("(%d more errors: `baton check` lists them all)\n", total - i);
		else
			con_printf("%s\n", errors[i]);
	}
	plat_goto(0, l->hint_row);
	con_printf("Enter boots (or opens a submenu), e edits the command line%s.",
		   m->level >= 0 ? ", Esc goes back" : "");
}

static void countdown(const struct layout *l, int secs, const char *title)
{
	char buf[LINE_MAX_COLS + 1];

	plat_goto(0, l->count_row);
	if (secs >= 0)
		snfmt(buf, sizeof(buf), "Booting '%s' in %d s. Press any key to stop.", title,
		      secs);
	else
		buf[0] = 0;
	put_cols(buf, l->cols - 1);
}

/* The editor's line: '<' when it goes on to the left, the text with the cursor's cell
 * highlighted, '>' when it goes on to the right. */
static void draw_edit_line(struct lineedit *le, size_t width, int row)
{
	char buf[LINE_MAX_COLS + 1];

	le_scroll(le, width);
	size_t at = le->left, col = utf8_count(le->buf, at, le->cur);
	plat_goto(0, row);
	plat_puts(at ? "<" : " ");
	at += utf8_show(le->buf + at, le->cur - at, col, buf, sizeof(buf));
	plat_puts(buf);
	plat_highlight(true);
	if (at < le->len) {
		at += utf8_show(le->buf + at, le->len - at, 1, buf, sizeof(buf));
		plat_puts(buf);
	} else {
		plat_puts(" ");
	}
	plat_highlight(false);
	at += utf8_show(le->buf + at, le->len - at, width - col - 1, buf, sizeof(buf));
	put_cols(buf, (int)(width - col - 1));
	plat_puts(at < le->len ? ">" : " ");
}

/*
 * Edits entry e's command line. LE_BOOT: *line is the edited line (mem_alloc()ed); LE_CANCEL:
 * Esc, nothing kept.
 */
static enum le_result edit(const struct cfg_entry *e, char **line)
{
	struct lineedit le;
	char buf[LINE_MAX_COLS + 1];
	int cols, rows;

	if (le_init(&le, e->cmdline ? e->cmdline : "")) {
		menu_error(e->title, err_msg());
		return LE_CANCEL;
	}
	plat_console_size(&cols, &rows);
	cols = MIN(cols, LINE_MAX_COLS);
	size_t width = (size_t)MAX(cols - 3, 2); /* '<', the text, '>', and the last column free */
	plat_clear();
	utf8_show(e->title, strlen(e->title), (size_t)MAX(cols - 40, 10), buf, sizeof(buf));
	con_printf("baton %s - edit the command line of '%s'\n", BATON_VERSION, buf);
	plat_goto(0, 4);
	con_printf("Enter or Ctrl-X boots it once (the config is not changed), Esc goes back.\n");
	con_printf("Left/Right, Home/End or Ctrl-A/Ctrl-E move; Backspace, Delete erase.\n");
	bool was_full = false;
	for (;;) {
		draw_edit_line(&le, width, 2);
		plat_goto(0, 7);
		if (le.refused)
			snfmt(buf, sizeof(buf),
			      "The command line is at its limit of %u bytes: no more is taken.",
			      (unsigned)le.cap);
		else
			buf[0] = 0;
		if (le.refused || was_full)
			put_cols(buf, cols - 1);
		was_full = le.refused;
		/* Keys typed (or pasted) faster than a redraw are applied first, then drawn once.
		 */
		enum le_result r = le_key(&le, plat_getkey(-1));
		bool refused = le.refused;
		for (int k; r == LE_MORE && (k = plat_getkey(0)) != KEY_NONE;) {
			r = le_key(&le, k);
			refused |= le.refused;
		}
		le.refused = refused;
		if (r == LE_BOOT) {
			*line = le.buf;
			return r;
		}
		if (r == LE_CANCEL) {
			le_free(&le);
			return r;
		}
	}
}

int menu_run(const struct config *cfg, int def, int timeout, char **errors, int n_errors,
	     char **edited)
{
	struct menu_nav m;

	*edited = NULL;
	/* The countdown boots only an entry (config_default_index() never names a submenu; a
	 * config of submenus alone may leave nothing else). */
	bool bootable = def >= 0 && def < cfg->n_entries && !cfg->entries[def].submenu;
	if (!bootable) {
		timeout = -1;
	} else if (timeout == 0) {
		/* As systemd-boot's timeout 0: the default at once, unless a key is already
		 * waiting (held down as the machine starts): then the menu, with no countdown.
		 * That key was pressed before anything was on the screen: it does nothing else. */
		if (plat_getkey(0) == KEY_NONE)
			return def;
		timeout = -1;
	}
	int *items = mem_alloc(sizeof(int) * (size_t)cfg->n_entries);
	if (!items)
		return bootable ? def : 0;
	mn_init(&m, cfg, items, 1, def);
	struct layout l = layout(&m, n_errors);
	draw_all(&m, &l, errors, n_errors);
	int pending = KEY_NONE;
	for (; timeout > 0; timeout--) {
		countdown(&l, timeout, cfg->entries[def].title);
		pending = plat_getkey(1000);
		if (pending != KEY_NONE) {
			countdown(&l, -1, NULL);
			break; /* the key that stopped the countdown also acts */
		}
	}
	if (timeout == 0) {
		mem_free(items);
		return def; /* the countdown ran out: boot the default */
	}
	for (;;) {
		int k = pending != KEY_NONE ? pending : plat_getkey(-1);
		int old_sel = m.sel, old_top = m.top, e;
		pending = KEY_NONE;
		switch (mn_key(&m, k)) {
		case MN_NONE: break;
		case MN_MOVED:
			if (m.top != old_top) {
				draw_list(&m, &l);
			} else {
				draw_row(&m, &l, old_sel);
				draw_row(&m, &l, m.sel);
			}
			break;
		case MN_LEVEL:
			l = layout(&m, n_errors);
			draw_all(&m, &l, errors, n_errors);
			break;
		case MN_BOOT:
			e = mn_entry(&m);
			mem_free(items);
			return e;
		case MN_EDIT:
			e = mn_entry(&m);
			if (edit(&cfg->entries[e], edited) == LE_BOOT) {
				mem_free(items);
				return e;
			}
			l = layout(&m, n_errors);
			draw_all(&m, &l, errors, n_errors);
			break;
		}
	}
}

void menu_error(const char *title, const char *msg)
{
	con_printf("\nerror: cannot boot '%s':\n  %s\n\n", title, msg);
	con_printf("Press any key to return to the menu (returning in 30 s).\n");
	plat_getkey(30000);
}
