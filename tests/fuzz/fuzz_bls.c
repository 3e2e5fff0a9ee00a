/* fuzz_bls.c: libFuzzer target: BLS entry files, their names and their order, any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bls.h"

#define MAX_FILES 8

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

/* What the menu relies on for a parsed entry; a violation aborts so the fuzzer keeps it. */
static void check_entry(const struct bls_entry *e)
{
	if (!e->id || !e->file || !e->options || !e->kernel == !e->efi)
		abort();
	if (e->n_initrd < 0 || e->n_initrd > CFG_MAX_INITRD || e->tries_left < -1 ||
	    (e->tries_left < 0) != (e->tries_done < 0) || e->n_warnings > 4)
		abort();
	if (strlen(e->id) > strlen(e->file))
		abort();
}

/*
 * Input: up to MAX_FILES chunks split by NUL bytes; a chunk's first line is the file name,
 * the rest its text. Every good entry is checked, then the list is sorted and the order must
 * be a consistent one (antisymmetric, and sorted by bls_compare).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bls_entry e[MAX_FILES];
	int n = 0;
	size_t at = 0;

	while (at <= size && n < MAX_FILES) {
		size_t end = at;
		while (end < size && data[end])
			end++;
		size_t nl = at;
		while (nl < end && data[nl] != '\n')
			nl++;
		char *name = strndup((const char *)data + at, nl - at);
		size_t tl = nl < end ? end - nl - 1 : 0;
		/* A copy of exactly tl bytes: ASan then catches any read past the end. */
		char *text = malloc(tl ? tl : 1);
		if (!name || !text)
			abort();
		memcpy(text, data + (nl < end ? nl + 1 : end), tl);
		int r = bls_parse(name, text, tl, "x64", &e[n]);
		if (r == 0) {
			check_entry(&e[n]);
			n++;
		} else if (r == E_INVAL) {
			bls_free(&e[n]);
		} else {
			abort();
		}
		free(name);
		free(text);
		at = end + 1;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			if (sgn(bls_compare(&e[i], &e[j])) != -sgn(bls_compare(&e[j], &e[i])))
				abort();
			if (sgn(bls_version_cmp(e[i].id, e[j].id)) !=
			    -sgn(bls_version_cmp(e[j].id, e[i].id)))
				abort();
		}
	bls_sort(e, n);
	for (int i = 0; i + 1 < n; i++)
		if (bls_compare(&e[i], &e[i + 1]) > 0)
			abort();
	for (int i = 0; i < n; i++)
		bls_free(&e[i]);
	return 0;
}
