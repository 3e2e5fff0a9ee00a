/* config.h: baton.cfg, the menu configuration: global options and boot entries. */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include "lib.h"

#define CFG_MAX_INITRD 16
#define CFG_MAX_ERRORS 8

struct cfg_entry {
	char *title;
	char *kernel;		      /* path, required */
	char *initrd[CFG_MAX_INITRD]; /* initrds and modules, loaded in this order */
	char *args[CFG_MAX_INITRD];   /* a `module` line's arguments ("" when none); NULL: initrd */
	int n_initrd;
	char *cmdline;	/* "" when none */
	char *protocol; /* NULL: detect from the kernel's bytes */
	int line;	/* line of the 'entry' keyword */
};

struct config {
	int timeout;	     /* seconds; -1 waits forever; default 5 */
	char *default_entry; /* a title, or a 1-based number; NULL: the first entry */
	char *root;	     /* the volume bare /paths are on ("uuid:..."); NULL: the config's */
	struct cfg_entry *entries;
	int n_entries;
	/* Problems found, each "FILE:LINE: message". Bad lines are skipped, good entries kept. */
	char *errors[CFG_MAX_ERRORS];
	int n_errors;
};

/* Parses text (not NUL-terminated; len bytes). Returns 0, or E_INVAL when n_errors > 0. */
int config_parse(const char *text, size_t len, const char *filename, struct config *cfg);
void config_free(struct config *cfg);
/* Index of the default entry (0 when unset or not found). */
int config_default_index(const struct config *cfg);

#endif
