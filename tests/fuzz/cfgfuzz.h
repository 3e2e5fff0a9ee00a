/* cfgfuzz.h: one fuzz_config input (a config, NUL, the text includes read) and the invariants. */
#ifndef BATON_CFGFUZZ_H
#define BATON_CFGFUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

/*
 * The input is the config up to the first NUL byte; the bytes after it are what every `include`
 * reads, whatever its path, so includes nest, loop and run into the depth and file limits. A
 * path holding "missing" is not found, one starting with '!' fails with a read error.
 */
struct cfgfuzz_files {
	const char *text;
	size_t len;
};

static int cfgfuzz_read(void *ctx, const char *path, char **text, size_t *len)
{
	const struct cfgfuzz_files *f = ctx;

	if (strstr(path, "missing"))
		return E_NOENT;
	if (path[0] == '!')
		return err_set(E_IO, "read error on %s", path);
	*text = mem_alloc(f->len ? f->len : 1);
	if (!*text)
		return E_NOMEM;
	memcpy(*text, f->text, f->len);
	*len = f->len;
	return 0;
}

/* An id logind takes for `systemctl reboot --boot-loader-entry=` (systemd's efi-loader.c). */
static bool cfgfuzz_id_ok(const char *id)
{
	if (!*id || !strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 255)
		return false;
	for (; *id; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
		      (*id >= '0' && *id <= '9') || strchr("._-+", *id)))
			return false;
	return true;
}

/* ASCII case ignored, as the Boot Loader Interface's ids are matched. */
static bool cfgfuzz_same_id(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
		char y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

/*
 * What the menu and the boot flow rely on; a violation aborts so that the fuzzer keeps it.
 * finished: after config_finish(), when every entry but submenus has an id.
 */
static void cfgfuzz_check(const struct config *cfg, int r, bool finished)
{
	if (r != 0 && r != E_INVAL)
		abort();
	if ((r == E_INVAL) != (cfg->n_errors > 0) || cfg->n_errors > CFG_MAX_ERRORS)
		abort();
	/* Past the limit, the last line counts the rest (at least itself and one more). */
	if (cfg->n_dropped && (cfg->n_errors != CFG_MAX_ERRORS || cfg->n_dropped < 2))
		abort();
	/* "FILE:LINE: ..." (an included FILE may hold ':' itself), or "... N more not shown" */
	for (int i = 0; i < cfg->n_errors; i++) {
		if (i == CFG_MAX_ERRORS - 1 && cfg->n_dropped) {
			char want[48];
			snprintf(want, sizeof(want), "... %d more not shown", cfg->n_dropped);
			if (strcmp(cfg->errors[i], want))
				abort();
		} else if (!strstr(cfg->errors[i], ": ")) {
			abort();
		}
	}
	if (cfg->timeout < -1 || cfg->timeout > 3600)
		abort();
	if (!!cfg->default_entry != !!cfg->default_where)
		abort();
	if (cfg->serial_port != -1 && cfg->serial_port != 0 &&
	    (cfg->serial_port < 0x100 || cfg->serial_port > 0xfff8))
		abort();
	if (cfg->serial_baud &&
	    (cfg->serial_baud < 1200 || cfg->serial_baud > 115200 || 115200 % cfg->serial_baud))
		abort();
	if (cfg->console != CFG_CONSOLE_BOTH && cfg->console != CFG_CONSOLE_SCREEN &&
	    cfg->console != CFG_CONSOLE_SERIAL)
		abort();
	for (int i = 0; i < cfg->n_entries; i++) {
		const struct cfg_entry *e = &cfg->entries[i];
		if (!e->title || !*e->title || !e->cmdline || !e->source)
			abort();
		if (e->submenu) {
			/* Never empty: its first entry follows it. */
			if (e->kernel || e->id || i + 1 >= cfg->n_entries ||
			    cfg->entries[i + 1].parent != i)
				abort();
		} else if (!e->kernel || !*e->kernel) {
			abort();
		}
		int depth = 0;
		for (int p = e->parent; p >= 0; p = cfg->entries[p].parent, depth++)
			if (p >= i || !cfg->entries[p].submenu || depth >= 8)
				abort();
		if (e->parent < -1)
			abort();
		if (e->n_initrd < 0 || e->n_initrd > CFG_MAX_INITRD)
			abort();
		for (int j = 0; j < e->n_initrd; j++)
			if (!*e->initrd[j] || strpbrk(e->initrd[j], " \t"))
				abort();
		if (finished && !e->submenu && !e->id)
			abort();
		if (e->id) {
			if (!cfgfuzz_id_ok(e->id))
				abort();
			for (int k = 0; k < i; k++)
				if (cfg->entries[k].id &&
				    (finished ? cfgfuzz_same_id(cfg->entries[k].id, e->id)
					      : !strcmp(cfg->entries[k].id, e->id)))
					abort();
		}
	}
	int d = config_default_index(cfg);
	if (d < 0 || (cfg->n_entries && d >= cfg->n_entries) || (!cfg->n_entries && d))
		abort();
	if (cfg->n_entries && cfg->entries[d].submenu)
		abort();
}

/* Parses one input as the fuzzer gives it; aborts on a broken invariant. */
static void cfgfuzz_one(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t main_len = nul ? (size_t)(nul - data) : size;
	struct cfgfuzz_files files;
	struct cfg_reader rd = {cfgfuzz_read, &files};
	struct config cfg;
	/* Copies of exactly the bytes: ASan then catches any read past either end. */
	char *text = malloc(main_len ? main_len : 1);
	char *inc = malloc(size - main_len + 1);

	if (!text || !inc)
		abort();
	memcpy(text, data, main_len);
	files.len = nul ? size - main_len - 1 : 0;
	memcpy(inc, nul ? nul + 1 : data, files.len);
	files.text = inc;
	int r = config_parse_with(text, main_len, "f.cfg", &rd, &cfg);
	cfgfuzz_check(&cfg, r, false);
	config_finish(&cfg);
	cfgfuzz_check(&cfg, cfg.n_errors ? E_INVAL : 0, true);
	config_free(&cfg);
	free(text);
	free(inc);
}

#endif
