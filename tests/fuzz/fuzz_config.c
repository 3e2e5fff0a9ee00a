/* fuzz_config.c: libFuzzer target: the baton.cfg parser on arbitrary bytes must never misbehave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

/* Invariants the menu relies on; a violation aborts so that the fuzzer keeps the input. */
static void check(const struct config *cfg, int r)
{
	if (r != 0 && r != E_INVAL)
		abort();
	if ((r == E_INVAL) != (cfg->n_errors > 0) || cfg->n_errors > CFG_MAX_ERRORS)
		abort();
	for (int i = 0; i < cfg->n_errors; i++)
		if (strncmp(cfg->errors[i], "f.cfg:", 6))
			abort();
	if (cfg->timeout < -1 || cfg->timeout > 3600)
		abort();
	for (int i = 0; i < cfg->n_entries; i++) {
		const struct cfg_entry *e = &cfg->entries[i];
		if (!e->title || !*e->title || !e->kernel || !*e->kernel || !e->cmdline)
			abort();
		if (e->n_initrd < 0 || e->n_initrd > CFG_MAX_INITRD)
			abort();
		for (int j = 0; j < e->n_initrd; j++)
			if (!*e->initrd[j] || strpbrk(e->initrd[j], " \t"))
				abort();
	}
	int d = config_default_index(cfg);
	if (d < 0 || (cfg->n_entries && d >= cfg->n_entries) || (!cfg->n_entries && d))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	/* A copy of exactly size bytes: ASan then catches any read past the end. */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	int r = config_parse(text, size, "f.cfg", &cfg);
	check(&cfg, r);
	config_free(&cfg);
	free(text);
	return 0;
}
