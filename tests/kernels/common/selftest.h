/* selftest.h: what the conformance kernels' host selftests share: capture, verdicts, test files. */
#ifndef CONF_SELFTEST_H
#define CONF_SELFTEST_H

#include "report.h"

/* A report's output kept in memory, '\r' dropped (cap_putc as the report's putc). */
struct capture {
	char *buf;
	size_t len, cap;
};
void cap_putc(void *ctx, char c);
/* Is there a line "FAIL: ..." containing want? */
bool has_fail(const char *out, const char *want);

/*
 * The case tables. Each selftest defines struct machine (a synthetic boot) and, with MUT, the
 * changes to a good boot; a case names the check that must FAIL then (NULL: none may). bits:
 * the ELF class a case is for (elf-selftest; 0: both).
 */
struct machine;
#define MUT(name) static void name(struct machine *mc)
struct tcase {
	const char *name;
	void (*mut)(struct machine *mc);
	const char *want;
	int bits;
};
/* Designated, so bits may be left out; elf-selftest adds it after want. */
#define GOOD(f, ...)                                                                               \
	{                                                                                          \
		.name = #f, .mut = f, .want = NULL, __VA_ARGS__                                    \
	}
#define BAD(f, w, ...)                                                                             \
	{                                                                                          \
		.name = #f, .mut = f, .want = w, __VA_ARGS__                                       \
	}

/* The selftest's tally and -v. */
struct st_tally {
	unsigned ok, bad;
	bool verbose;
};
/*
 * One synthetic boot's verdict: want NULL asks for no FAIL and at least min_pass PASS lines, else
 * for a FAIL line containing want. Prints "ok   LABEL ..." (LABEL padded to width) or
 * "UNEXPECTED LABEL: ...", then the report when verbose or unexpected, and frees k's buffer.
 */
void st_case(struct st_tally *t, const char *label, int width, const char *want, unsigned min_pass,
	     struct capture *k, const struct report *r);
/* A check of a built image: why is NULL when it is as it should be. */
void st_image(struct st_tally *t, const char *path, const char *why);
/* "NAME: N passed, M failed"; the exit status. */
int st_summary(const struct st_tally *t, const char *name);

/* A synthetic machine's physical memory [0, size). */
struct st_ram {
	uint8_t *m;
	uint64_t size;
};
/* The checks' memory reader over a struct st_ram (ctx): NULL for address 0 and past the end. */
const void *st_ram_read(void *ctx, uint64_t addr, uint64_t len);

/* Writes a BTNI file of len bytes (util.h) at p. */
void put_btni(uint8_t *p, uint32_t seed, uint32_t len);
/* Does a Multiboot 1 or 2 header magic stand where a loader looks (the first 32 KiB)? */
bool has_multiboot_magic(const uint8_t *f, size_t n);

#endif
