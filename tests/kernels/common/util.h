/* util.h: freestanding helpers shared by the conformance kernels and their host tools (no libc). */
#ifndef CONF_UTIL_H
#define CONF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* printf conversions for uint64_t (the kernels' rp_printf and the host's): long is 64-bit only on
 * x86-64; i386 needs "ll". (<inttypes.h> is not there for -m32 without multilib headers.) */
#if __SIZEOF_LONG__ == 8
#define PX64 "lx"
#define PU64 "lu"
#else
#define PX64 "llx"
#define PU64 "llu"
#endif

/* Little-endian loads from unaligned bytes (boot structures are packed). */
static inline uint16_t ld16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t ld32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t ld64(const void *p)
{
	return ld32(p) | (uint64_t)ld32((const uint8_t *)p + 4) << 32;
}

static inline void st16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8);
}

static inline void st32(void *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16((uint8_t *)p + 2, (uint16_t)(v >> 16));
}

static inline void st64(void *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline bool c_memeq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

static inline size_t c_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* FNV-1a, 32-bit: the command-line checksum (the test appends " sum=%08x" of the bytes before it).
 */
#define FNV1A_INIT 0x811c9dc5u
static inline uint32_t fnv1a32(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x01000193u;
	return h;
}

/* CRC-32 (IEEE 802.3, reflected, as UEFI table headers use it). */
static inline uint32_t crc32_ieee(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= b[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/*
 * BTNI test files (initrds, later modules): a 16-byte header "BTNI", u32 seed, u32 total
 * length (header included), u32 reserved (0); then length-16 bytes: the xorshift32 stream
 * started from the seed (0 is replaced by BTNI_SEED0), each 32-bit output little-endian.
 */
#define BTNI_MAGIC "BTNI"
#define BTNI_HDR   16
#define BTNI_SEED0 0x9e3779b9u

static inline uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static inline uint32_t btni_state(uint32_t seed)
{
	return seed ? seed : BTNI_SEED0;
}

#endif
