/* menunav.h: the menu's navigation: levels, selection, paging (pure; shared with the unit tests).
 */
#ifndef BATON_MENUNAV_H
#define BATON_MENUNAV_H

#include "lib.h"
#include "config.h"

/* --- the menu's navigation: levels (submenus), selection, the visible window --- */
struct menu_nav {
	const struct config *cfg;
	int *items; /* indexes in cfg->entries of the level's entries (n_entries slots) */
	int n_items;
	int level;  /* the submenu shown (its index in cfg->entries); -1: the top level */
	int sel;    /* the selected position in items */
	int top;    /* the first position shown */
	int rows;   /* positions the window shows (>= 1) */
	int number; /* digits typed so far; 0: none */
};

enum mn_result {
	MN_NONE,  /* nothing changed */
	MN_MOVED, /* the selection or the window moved */
	MN_LEVEL, /* another level is shown */
	MN_BOOT,  /* boot the selected entry */
	MN_EDIT,  /* edit the selected entry's command line */
};

/*
 * Starts on the level holding entry def, with def selected (the top level when def is out of
 * range). items must have cfg->n_entries slots.
 */
void mn_init(struct menu_nav *m, const struct config *cfg, int *items, int rows, int def);
/* Shows a level (-1: the top) with entry `select` selected, or its first entry. */
void mn_open(struct menu_nav *m, int level, int select);
/* The selected entry's index in cfg->entries, or -1 when the level is empty. */
int mn_entry(const struct menu_nav *m);
/* Changes the window's height, keeping the selection in it. */
void mn_resize(struct menu_nav *m, int rows);
/* Applies one key. */
enum mn_result mn_key(struct menu_nav *m, int key);

#endif
