/* utf8.c: UTF-8 decoding with validation, and UTF-8 to UTF-16 (RFC 3629, RFC 2781). */
#include "utf8.h"

/* Continuation bytes after a lead byte (RFC 3629 section 4's table); -1: it leads nothing. */
static int cont_bytes(uint8_t c)
{
	return c < 0x80			? 0
	       : c >= 0xc2 && c <= 0xdf ? 1
	       : c >= 0xe0 && c <= 0xef ? 2
	       : c >= 0xf0 && c <= 0xf4 ? 3
					: -1;
}

uint32_t utf8_get(const char *s, size_t len, size_t *i)
{
	/* The smallest code point each length may carry: below it the form is overlong. */
	static const uint32_t least[] = {0, 0x80, 0x800, 0x10000};
	const uint8_t *p = (const uint8_t *)s + *i;
	int k = cont_bytes(p[0]);
	uint32_t c = p[0];

	(*i)++;
	if (k == 0)
		return c;
	if (k < 0 || (size_t)k >= len - (*i - 1))
		return UTF8_BAD;
	c &= 0x3fu >> k;
	for (int j = 1; j <= k; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return UTF8_BAD;
		c = c << 6 | (p[j] & 0x3fu);
	}
	if (c < least[k] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return UTF8_BAD;
	*i += (size_t)k;
	return c;
}

size_t utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap)
{
	size_t need = 0, put = 0, i = 0;
	bool full = cap == 0;

	while (i < len) {
		uint32_t c = utf8_get(s, len, &i);
		size_t k = c >= 0x10000 ? 2 : 1;
		need += k;
		if (full || put + k >= cap) {
			full = true;
			continue;
		}
		if (k == 2) {
			c -= 0x10000;
			out[put++] = (uint16_t)(0xd800 | c >> 10);
			c = 0xdc00 | (c & 0x3ff);
		}
		out[put++] = (uint16_t)c;
	}
	if (cap)
		out[put] = 0;
	return need;
}
