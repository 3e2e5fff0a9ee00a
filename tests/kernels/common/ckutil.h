/* ckutil.h: helpers shared by the elf and pvh conformance checks (tokens, BTNI, RSDP, descriptors).
 */
#ifndef CK_UTIL_H
#define CK_UTIL_H

#include "report.h"

struct range {
	uint64_t lo, hi; /* [lo, hi) */
};

static inline bool rg_overlap(struct range a, struct range b)
{
	return a.lo < b.hi && b.lo < a.hi;
}

/* The value of "key=" as a whole token in s[0, n), or NULL; *vlen gets its length. */
const char *ck_token(const char *s, size_t n, const char *key, size_t *vlen);
/* A decimal or 0x number filling v[0, n) exactly. */
bool ck_num(const char *v, size_t n, uint64_t *out);
/* expect.KEY=N: -1 when absent or not a number. */
long ck_expect(const char *s, size_t n, const char *key);
/*
 * " sum=XXXXXXXX" as the last token of s[0, n): NULL when the FNV-1a of s[from, at) matches
 * (at: where " sum=" starts), else why not. *got, *want for the message.
 */
const char *ck_sum(const char *s, size_t n, size_t from, size_t *at, uint32_t *got, uint32_t *want);
/* A BTNI file of exactly size bytes, every byte as its seed makes it: NULL, or why not. */
const char *ck_btni(const uint8_t *p, uint64_t size, uint64_t *bad_off);
/* NUL-terminated string at p within max bytes: its length, or -1. */
long ck_strnlen(const char *p, size_t max);

/* An RSDP ("RSD PTR ", ACPI 5.2.5.3): 20-byte checksum; revision >= 2: length, extended sum. */
uint8_t ck_sum8(const uint8_t *p, uint64_t n);
/* p has avail readable bytes (20, or 36 and more): NULL when it is a valid RSDP, else why not. */
const char *ck_rsdp(const uint8_t *p, uint64_t avail);

/* A GDT/LDT segment descriptor, decoded (Intel SDM vol. 3 3.4.5). */
struct seg {
	uint64_t base, limit; /* limit in bytes - 1, G applied */
	unsigned type, s, dpl, p, l, db, g;
};
void ck_desc(uint64_t d, struct seg *s);

#endif
