/* ckutil.c: helpers shared by the elf and pvh conformance checks (freestanding, also host-built).
 */
#include "ckutil.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

const char *ck_token(const char *s, size_t n, const char *key, size_t *vlen)
{
	size_t kl = c_strlen(key);

	for (size_t i = 0; i + kl <= n; i++) {
		if ((i && !is_space(s[i - 1])) || !c_memeq(s + i, key, kl))
			continue;
		size_t e = i + kl;
		while (e < n && !is_space(s[e]))
			e++;
		*vlen = e - i - kl;
		return s + i + kl;
	}
	return NULL;
}

bool ck_num(const char *v, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t x = 0;

	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		base = 16, v += 2, n -= 2;
	if (!n || n > 16)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		x = x * base + d;
	}
	*out = x;
	return true;
}

long ck_expect(const char *s, size_t n, const char *key)
{
	size_t vl;
	uint64_t v;
	const char *p = s ? ck_token(s, n, key, &vl) : NULL;

	if (!p || !ck_num(p, vl, &v) || v > 0x7fffffff)
		return -1;
	return (long)v;
}

const char *ck_sum(const char *s, size_t n, size_t from, size_t *at, uint32_t *got, uint32_t *want)
{
	size_t a;

	*got = *want = 0;
	*at = 0;
	if (n < 13 || !c_memeq(s + n - 13, " sum=", 5))
		return "no \" sum=XXXXXXXX\" at the end";
	a = n - 13;
	*at = a;
	if (a < from)
		return "\" sum=\" before the checksummed text starts";
	for (size_t i = a + 5; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d > 15)
			return "sum= is not 8 hex digits";
		*want = *want << 4 | d;
	}
	*got = fnv1a32(FNV1A_INIT, s + from, a - from);
	return *got == *want ? NULL : "FNV-1a differs";
}

const char *ck_btni(const uint8_t *p, uint64_t size, uint64_t *bad_off)
{
	*bad_off = 0;
	if (size < BTNI_HDR || !c_memeq(p, BTNI_MAGIC, 4) || ld32(p + 12))
		return "no BTNI header";
	if (ld32(p + 8) != size)
		return "size differs from the BTNI length";
	uint32_t s = btni_state(ld32(p + 4)), v = 0;
	for (uint64_t j = BTNI_HDR; j < size; j++) {
		if ((j - BTNI_HDR) % 4 == 0)
			v = xorshift32(&s);
		if (p[j] != (uint8_t)(v >> 8 * ((j - BTNI_HDR) % 4))) {
			*bad_off = j;
			return "a byte differs";
		}
	}
	return NULL;
}

long ck_strnlen(const char *p, size_t max)
{
	for (size_t i = 0; i < max; i++)
		if (!p[i])
			return (long)i;
	return -1;
}

uint8_t ck_sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

void ck_desc(uint64_t d, struct seg *s)
{
	s->base = (d >> 16 & 0xffffff) | (d >> 56 & 0xff) << 24;
	s->limit = (d & 0xffff) | (d >> 48 & 0xf) << 16;
	s->type = d >> 40 & 15;
	s->s = d >> 44 & 1;
	s->dpl = d >> 45 & 3;
	s->p = d >> 47 & 1;
	s->l = d >> 53 & 1;
	s->db = d >> 54 & 1;
	s->g = d >> 55 & 1;
	if (s->g)
		s->limit = s->limit << 12 | 0xfff;
}

const char *ck_rsdp(const uint8_t *p, uint64_t avail)
{
	if (avail < 20 || !c_memeq(p, "RSD PTR ", 8))
		return "no \"RSD PTR \" signature";
	if (ck_sum8(p, 20))
		return "checksum over the first 20 bytes is not 0";
	if (p[15] < 2)
		return NULL;
	uint32_t len = ld32(p + 20);
	if (len < 36 || len > avail)
		return "revision >= 2 but length is not 36 or cannot be read";
	return ck_sum8(p, len) ? "extended checksum is not 0" : NULL;
}
