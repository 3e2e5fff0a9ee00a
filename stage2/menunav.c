/* menunav.c: the menu's navigation: which level is shown, the selection, paging and the window. */
#include "menunav.h"
#include "platform.h"

#define CLAMP(v, lo, hi) MIN(MAX(v, lo), hi)

/* Keeps the selection in the window and the window on the list. */
static void fit(struct menu_nav *m)
{
	m->sel = m->n_items ? CLAMP(m->sel, 0, m->n_items - 1) : 0;
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + m->rows)
		m->top = m->sel - m->rows + 1;
	m->top = CLAMP(m->top, 0, MAX(0, m->n_items - m->rows));
}

void mn_open(struct menu_nav *m, int level, int select)
{
	const struct config *cfg = m->cfg;

	m->level = level;
	m->n_items = 0;
	m->sel = m->top = m->number = 0;
	for (int i = 0; i < cfg->n_entries; i++) {
		if (cfg->entries[i].parent != level)
			continue;
		if (i == select)
			m->sel = m->n_items;
		m->items[m->n_items++] = i;
	}
	fit(m);
}

void mn_init(struct menu_nav *m, const struct config *cfg, int *items, int rows, int def)
{
	m->cfg = cfg;
	m->items = items;
	m->rows = MAX(1, rows);
	if (def < 0 || def >= cfg->n_entries)
		mn_open(m, -1, -1);
	else
		mn_open(m, cfg->entries[def].parent, def);
}

int mn_entry(const struct menu_nav *m)
{
	return m->n_items ? m->items[m->sel] : -1;
}

void mn_resize(struct menu_nav *m, int rows)
{
	m->rows = MAX(1, rows);
	fit(m);
}

/* Enter on the selection: a submenu opens (unless it is empty), an entry boots. */
static enum mn_result choose(struct menu_nav *m)
{
	int e = mn_entry(m);

	if (e < 0)
		return MN_NONE;
	if (!m->cfg->entries[e].submenu)
		return MN_BOOT;
	for (int i = e + 1; i < m->cfg->n_entries; i++)
		if (m->cfg->entries[i].parent == e) {
			mn_open(m, e, i);
			return MN_LEVEL;
		}
	return MN_NONE;
}

/*
 * Digits pick the entry with that number in the level (1 is the first). They add up while a
 * longer number could still name an entry: with 40 entries, 4 selects the 4th and waits, a 0 then
 * picks the 40th; 5 picks the 5th at once, as no 50th exists.
 */
static enum mn_result digit(struct menu_nav *m, int d)
{
	int n = m->number * 10 + d;

	if (n > m->n_items)
		n = d; /* starts a new number */
	if (n < 1 || n > m->n_items) {
		m->number = 0;
		return MN_NONE;
	}
	m->sel = n - 1;
	fit(m);
	if ((long)n * 10 > m->n_items) {
		m->number = 0;
		enum mn_result r = choose(m);
		return r == MN_NONE ? MN_MOVED : r;
	}
	m->number = n;
	return MN_MOVED;
}

enum mn_result mn_key(struct menu_nav *m, int key)
{
	int sel = m->sel, top = m->top, level = m->level;

	if (key >= '0' && key <= '9')
		return digit(m, key - '0');
	m->number = 0;
	switch (key) {
	case KEY_UP: m->sel--; break;
	case KEY_DOWN: m->sel++; break;
	case KEY_HOME: m->sel = 0; break;
	case KEY_END: m->sel = m->n_items - 1; break;
	/* A page moves the selection and the window together, as far as the list allows. */
	case KEY_PGUP:
		m->sel -= m->rows;
		m->top -= m->rows;
		m->top = MAX(m->top, 0);
		break;
	case KEY_PGDN:
		m->sel += m->rows;
		m->top = CLAMP(m->top + m->rows, 0, MAX(0, m->n_items - m->rows));
		break;
	case KEY_ENTER: return choose(m);
	case KEY_RIGHT:
		if (mn_entry(m) >= 0 && m->cfg->entries[mn_entry(m)].submenu)
			return choose(m);
		return MN_NONE;
	case KEY_ESC:
	case KEY_LEFT:
		if (level < 0)
			return MN_NONE;
		mn_open(m, m->cfg->entries[level].parent, level);
		return MN_LEVEL;
	case 'e':
		if (mn_entry(m) >= 0 && !m->cfg->entries[mn_entry(m)].submenu)
			return MN_EDIT;
		return MN_NONE;
	default: return MN_NONE;
	}
	fit(m);
	return m->sel != sel || m->top != top ? MN_MOVED : MN_NONE;
}
