/* selftest.c: what the conformance kernels' host selftests share: capture, verdicts, test files. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "selftest.h"

void cap_putc(void *ctx, char c)
{
	struct capture *k = ctx;

	if (c == '\r')
		return;
	if (k->len + 2 > k->cap) {
		k->cap = k->cap ? 2 * k->cap : 65536;
		k->buf = realloc(k->buf, k->cap);
		if (!k->buf)
			abort();
	}
	k->buf[k->len++] = c;
	k->buf[k->len] = 0;
}

bool has_fail(const char *out, const char *want)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > 6 && !strncmp(l, "FAIL: ", 6) && memmem(l, n, want, strlen(want)))
			return true;
	}
	return false;
}

void st_case(struct st_tally *t, const char *label, int width, const char *want, unsigned min_pass,
	     struct capture *k, const struct report *r)
{
	bool good = want ? has_fail(k->buf, want) : r->failed == 0 && r->passed >= min_pass;

	if (good) {
		t->ok++;
		printf("ok   %-*s %s\n", width, label, want ? "detected" : "clean");
	} else {
		t->bad++;
		printf("UNEXPECTED %s: wanted %s%s%s\n", label,
		       want ? "a failure of \"" : "no failures", want ? want : "",
		       want ? "\"" : "");
	}
	if (t->verbose || !good)
		printf("%s", k->buf);
	free(k->buf);
	k->buf = NULL;
}

void st_image(struct st_tally *t, const char *path, const char *why)
{
	if (why) {
		printf("UNEXPECTED image %s: %s\n", path, why);
		t->bad++;
	} else {
		printf("ok   image %s\n", path);
		t->ok++;
	}
}

int st_summary(const struct st_tally *t, const char *name)
{
	printf("%s: %u passed, %u failed\n", name, t->ok, t->bad);
	return t->bad ? 1 : 0;
}

const void *st_ram_read(void *ctx, uint64_t addr, uint64_t len)
{
	const struct st_ram *ram = ctx;

	if (!addr || addr > ram->size || len > ram->size - addr)
		return NULL;
	return ram->m + addr;
}

void put_btni(uint8_t *p, uint32_t seed, uint32_t len)
{
	uint32_t s = btni_state(seed), v = 0;

	memcpy(p, BTNI_MAGIC, 4);
	st32(p + 4, seed);
	st32(p + 8, len);
	st32(p + 12, 0);
	for (uint32_t i = BTNI_HDR; i < len; i++) {
		if ((i - BTNI_HDR) % 4 == 0)
			v = xorshift32(&s);
		p[i] = (uint8_t)(v >> 8 * ((i - BTNI_HDR) % 4));
	}
}

/* The wider window of the two (Multiboot 1: 4-aligned in 8 KiB; Multiboot 2: 8-aligned in 32 KiB).
 */
bool has_multiboot_magic(const uint8_t *f, size_t n)
{
	for (size_t o = 0; o + 12 <= 32768 && o + 12 <= n; o += 4)
		if (ld32(f + o) == 0x1badb002u || (!(o & 7) && ld32(f + o) == 0xe85250d6u))
			return true;
	return false;
}
