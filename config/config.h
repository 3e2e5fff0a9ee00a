/* config.h: baton.cfg, the menu configuration: global options and boot entries. */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include "lib.h"

#define CFG_MAX_INITRD 16
#define CFG_MAX_ERRORS 16

struct cfg_entry {
	char *title;
	/*
	 * A name for `default`, @saved, the one-shot entry and the Boot Loader Interface: the
	 * `id` line; a BLS entry's id (its file name without the boot counter and ".conf"); a
	 * discovered entry's path or name, made a valid id (config_make_id). config_finish()
	 * gives every other entry but submenus one made from its title. NULL: none yet.
	 */
	char *id;
	char *kernel;		      /* path; required, NULL only in a submenu */
	char *initrd[CFG_MAX_INITRD]; /* initrds and modules, loaded in this order */
	char *args[CFG_MAX_INITRD];   /* a `module` line's arguments ("" when none); NULL: initrd */
	int n_initrd;
	char *cmdline;	/* "" when none */
	char *protocol; /* NULL: detect from the kernel's bytes */
	/* The volume this entry's bare /paths are on, as `root` names one; NULL: the config's. */
	char *root;
	/* Where the entry comes from, for messages: "EFI/BOOT/baton.cfg:12",
	 * "loader/entries/a.conf on (hd0,gpt1)", "found on (hd0,gpt2)". NULL: not known. */
	char *source;
	int parent; /* index of the submenu holding the entry; -1: the top level */
	bool
	    submenu; /* a submenu: no kernel; its entries come after it, with parent == its index */
	int line;    /* line of the 'entry' keyword */
};

enum cfg_console { CFG_CONSOLE_BOTH, CFG_CONSOLE_SCREEN, CFG_CONSOLE_SERIAL };

struct config {
	int timeout; /* seconds; -1 waits forever; default 5 */
	/* An id, a title, a glob over both (* and ?), a 1-based number of a top-level entry, or
	 * "@saved"; NULL: the first entry. */
	char *default_entry;
	char *default_where; /* "FILE:LINE" of the `default` line, for config_finish() */
	char *root;	     /* the volume bare /paths are on ("uuid:..."); NULL: the config's */
	/* `serial`: the I/O port of the serial console (0x3f8 is COM1); 0: the platform's
	 * default; -1: off. serial_baud 0: 115200. */
	int serial_port, serial_baud;
	enum cfg_console console;
	/* Set after parsing, from the state file or the Boot Loader Interface: the id "@saved"
	 * stands for, and an entry to boot once, now. NULL: none. */
	char *saved, *oneshot;
	struct cfg_entry *entries;
	int n_entries;
	int cap_entries; /* allocated slots in entries */
	/*
	 * Problems found, each "FILE:LINE: message". Bad lines are skipped, good entries kept.
	 * Past CFG_MAX_ERRORS the last line is "... N more not shown", N = n_dropped: the
	 * problems not in errors (that line's own one too).
	 */
	char *errors[CFG_MAX_ERRORS];
	int n_errors;
	int n_dropped;
};

/*
 * Reads a file an `include` names, as written (a path on the including file's volume, or any
 * form volumes_resolve() takes): 0 and a mem_alloc()ed text, E_NOENT, or an error with
 * err_msg() set.
 */
struct cfg_reader {
	int (*read)(void *ctx, const char *path, char **text, size_t *len);
	void *ctx;
};

/* Parses text (not NUL-terminated; len bytes). Returns 0, or E_INVAL when n_errors > 0. */
int config_parse(const char *text, size_t len, const char *filename, struct config *cfg);
/* The same with `include` working through rd (NULL: an include is an error). */
int config_parse_with(const char *text, size_t len, const char *filename,
		      const struct cfg_reader *rd, struct config *cfg);
void config_free(struct config *cfg);
void config_free_entry(struct cfg_entry *e);
/* Appends *e (BLS and discovered entries), taking its strings; *e is zeroed. 0 or E_NOMEM. */
int config_add_entry(struct config *cfg, struct cfg_entry *e);
/* Adds a line to cfg->errors (the menu shows them), as config_parse() does. */
void config_report(struct config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The entry name picks, or -1: an id, then a title (both exact), then a glob over ids and
 * titles, then a 1-based number counting the top-level entries as the menu shows them.
 * Submenus are never picked.
 */
int config_find(const struct config *cfg, const char *name);
/* An entry a name can pick: not a submenu, and with a title (BLS entries may lack one). */
bool config_pickable(const struct cfg_entry *e);
/* An entry's name for the state file and the Boot Loader Interface: its id, else its title. */
const char *config_entry_name(const struct cfg_entry *e);
/*
 * The entry a Boot Loader Interface variable names, or -1: as systemd-boot, bootctl and logind
 * compare ids, an id with or without ".conf", ASCII case ignored (so "Debian-6.1.conf" names
 * the entry "debian-6.1"). No titles, globs or numbers.
 */
int config_find_bli(const struct config *cfg, const char *name);
/*
 * A new id made from base (a title, a path): what every logind accepts for `systemctl reboot
 * --boot-loader-entry=` (letters, digits and + - _ .), lower case, at most CFG_ID_MADE_MAX
 * bytes, unique in cfg ignoring case ("-2", "-3"... appended). mem_alloc()ed; NULL: no memory.
 */
#define CFG_ID_MADE_MAX 72
char *config_make_id(const struct config *cfg, const char *base);
/* The entry to select: the one-shot entry, else `default` ("@saved": cfg->saved), else (also
 * when those name nothing) the first entry that is not a submenu. */
int config_default_index(const struct config *cfg);

/*
 * Called once every entry is in (baton.cfg and its includes, BLS, discovered): gives each
 * entry without an id (a baton.cfg entry with no `id` line) one made from its title, so that
 * LoaderEntries lists every entry by an id the OS can send back; then reports
 * "FILE:LINE: default 'X' names no entry" when `default` picks nothing ("@saved" is not
 * checked: the saved id may name an entry that is gone, and then the first one is taken).
 */
void config_finish(struct config *cfg);

#endif
