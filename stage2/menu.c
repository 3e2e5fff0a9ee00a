/* menu.c: the boot menu on screen and serial: keys, digits, a countdown any key stops. */
#include "core.h"
#include "platform.h"

static void draw(const struct config *cfg, int sel, int top, int rows_avail, char **errors,
		 int n_errors)
{
	plat_clear();
	con_printf("baton %s - choose what to boot\n\n", BATON_VERSION);
	for (int i = top; i < cfg->n_entries && i < top + rows_avail; i++) {
		plat_goto(2, 2 + i - top);
		plat_highlight(i == sel);
		con_printf("%c %s", i == sel ? '>' : ' ', cfg->entries[i].title);
		plat_highlight(false);
	}
	plat_goto(0, 3 + MIN(cfg->n_entries, rows_avail));
	for (int i = 0; i < n_errors; i++)
		con_printf("%s\n", errors[i]);
	con_printf("\nUp/Down select, Enter boots.\n");
}

static void countdown(int secs, const char *title, int row)
{
	plat_goto(0, row);
	if (secs >= 0)
		con_printf("Booting '%s' in %d s. Press any key to stop.   ", title, secs);
	else
		con_printf("%*s", 70, "");
}

int menu_run(const struct config *cfg, int def, int timeout, char **errors, int n_errors)
{
	int cols, rows, sel = def, top = 0;

	plat_console_size(&cols, &rows);
	int rows_avail = MAX(3, rows - 8 - n_errors);
	int hint_row = 5 + MIN(cfg->n_entries, rows_avail) + n_errors;
	if (sel < 0 || sel >= cfg->n_entries)
		sel = 0;
	if (timeout == 0)
		return sel;
	draw(cfg, sel, top, rows_avail, errors, n_errors);
	int pending = KEY_NONE;
	while (timeout > 0) {
		countdown(timeout, cfg->entries[sel].title, hint_row);
		int k = plat_getkey(1000);
		if (k == KEY_NONE) {
			timeout--;
			continue;
		}
		countdown(-1, NULL, hint_row);
		timeout = -1;
		pending = k; /* the key that stopped the countdown also acts */
		break;
	}
	if (timeout == 0)
		return sel; /* the countdown ran out: boot the default */
	for (;;) {
		int k = pending != KEY_NONE ? pending : plat_getkey(-1);
		pending = KEY_NONE;
		int old = sel;
		switch (k) {
		case KEY_UP: sel = sel > 0 ? sel - 1 : sel; break;
		case KEY_DOWN: sel = sel + 1 < cfg->n_entries ? sel + 1 : sel; break;
		case KEY_HOME:
		case KEY_PGUP: sel = 0; break;
		case KEY_END:
		case KEY_PGDN: sel = cfg->n_entries - 1; break;
		case KEY_ENTER: return sel;
		default:
			if (k >= '1' && k <= '9' && k - '1' < cfg->n_entries)
				return k - '1';
		}
		if (sel != old) {
			if (sel < top)
				top = sel;
			if (sel >= top + rows_avail)
				top = sel - rows_avail + 1;
			draw(cfg, sel, top, rows_avail, errors, n_errors);
		}
	}
}

void menu_error(const char *title, const char *msg)
{
	con_printf("\nerror: cannot boot '%s':\n  %s\n\n", title, msg);
	con_printf("Press any key to return to the menu (returning in 30 s).\n");
	plat_getkey(30000);
}
