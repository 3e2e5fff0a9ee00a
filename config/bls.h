/* bls.h: Boot Loader Specification Type #1 entries (loader/entries/NAME.conf), parsed and sorted.
 */
#ifndef BATON_BLS_H
#define BATON_BLS_H

#include "config.h"

struct bls_entry {
	char *id;      /* the file name without the boot counter and ".conf" */
	char *file;    /* the file name as found */
	char *title;   /* NULL when the entry has none: show the id */
	char *version; /* NULL: none */
	char *machine_id;
	char *sort_key;
	char *kernel; /* the "linux" line; an entry has it or "efi", never both */
	char *efi;
	char *initrd[CFG_MAX_INITRD];
	int n_initrd;
	char *options; /* every options line, joined by one space; "" when none */
	char *architecture;
	/* Boot counting (BLS "Boot counting"): NAME+LEFT[-DONE].conf; -1 when not counted. */
	int tries_left, tries_done;
	/* Why the entry is not shown (another architecture), or NULL. */
	const char *hidden;
	/* Non-fatal problems ("devicetree ignored"), each "FILE:LINE: message". */
	char *warnings[4];
	int n_warnings;
	/* What is only worth a note (an unknown key: BLS lets keys be added), the same way. */
	char *notes[4];
	int n_notes;
	/* The caller's: where the file was read (entries.c: its volume's index). */
	int vol;
};

/*
 * Parses one entry file (text: len bytes, not NUL-terminated). arch: this machine's architecture
 * in the specification's words ("x64", "ia32"). Returns 0, or E_INVAL (err_msg() names the file
 * and the problem) when the entry cannot boot: no linux and no efi, or both.
 */
int bls_parse(const char *file, const char *text, size_t len, const char *arch,
	      struct bls_entry *e);
void bls_free(struct bls_entry *e);

/* The UAPI Version Format Specification's order (systemd's strverscmp_improved): <0, 0, >0. */
int bls_version_cmp(const char *a, const char *b);
/* The menu order of BLS "Sorting": negative when a comes first. */
int bls_compare(const struct bls_entry *a, const struct bls_entry *b);
void bls_sort(struct bls_entry *e, int n);

#endif
