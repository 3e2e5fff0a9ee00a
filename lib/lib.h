/* lib.h: baton's small internal library (memory, strings, formatting, errors). */
#ifndef BATON_LIB_H
#define BATON_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The freestanding build (stage2) gets these from lib/string.c; the host build gets them from
 * libc. The prototypes are the standard ones, so both agree.
 */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 ((((x) + (a)-1) / (a)) * (a))
#define ALIGN_DOWN(x, a) (((x) / (a)) * (a))
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))

static inline uint16_t get16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t get32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t get64(const void *p)
{
	return get32(p) | (uint64_t)get32((const uint8_t *)p + 4) << 32;
}
static inline void put16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void put32(void *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16((uint8_t *)p + 2, (uint16_t)(v >> 16));
}
static inline void put64(void *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Appends code point c as UTF-8 at out + *n if it fits with a NUL after it in cap bytes. */
bool utf8_put(char *out, size_t *n, size_t cap, uint32_t c);
/*
 * UTF-16 units (UCS-2 with surrogate pairs, as Windows and Joliet write them; a lone surrogate
 * becomes '?'), up to a NUL unit, to NUL-terminated UTF-8 in at most cap bytes; returns the
 * length. Filesystem names: FAT long names, Joliet.
 */
size_t utf16_to_utf8(const uint16_t *u, size_t units, char *out, size_t cap);
/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (filesystem dates). */
int64_t days_from_civil(int64_t y, int64_t m, int64_t d);

/* Case-insensitive ASCII compare (FAT names, config keywords). */
int strcasecmp_ascii(const char *a, const char *b);
/* c lower-cased if it is an ASCII capital letter, else c. */
int ascii_lower(int c);
/* Copies at most n-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy_b(char *dst, const char *src, size_t n);

/*
 * Formatted output into a buffer, a subset of printf: %s %c %d %i %u %x %X %p %% with flags
 * '-', '0', width, '*', precision for %s, and length modifiers l, ll, z. Always terminates;
 * returns the length the full output would have had.
 */
int vsnfmt(char *buf, size_t n, const char *fmt, va_list ap);
int snfmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Errors are values: a negative code returned up the stack, with one human message kept here
 * (the latest wins) that the caller shows on screen and serial, or the host tool on stderr.
 */
enum {
	E_OK = 0,
	E_IO = -1,	/* a device read failed */
	E_NOENT = -2,	/* no such file, volume or entry */
	E_INVAL = -3,	/* bad argument or syntax */
	E_NOMEM = -4,	/* allocation failed */
	E_FORMAT = -5,	/* bytes are not what they should be (not a kernel, truncated) */
	E_RANGE = -6,	/* a size or address out of range */
	E_UNSUPP = -7,	/* valid but not supported */
	E_CORRUPT = -8, /* on-disk structure inconsistent */
};
#define ERR_MSG_MAX 256 /* err_msg()'s buffer, its NUL included */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *err_msg(void);
const char *err_name(int code);

/*
 * Heap for small objects (paths, file handles, config text). The host maps these to malloc and
 * free; stage2 to the firmware's pool. Big buffers (kernels, initrds) come from page allocation.
 */
void *mem_alloc(size_t n);
void *mem_zalloc(size_t n);
void mem_free(void *p);
char *str_dup(const char *s);
char *str_ndup(const char *s, size_t n);

#endif
