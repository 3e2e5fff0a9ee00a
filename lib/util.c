/* util.c: helpers shared by host and firmware builds (ASCII case folding, bounded copy, errors). */
#include "lib.h"

int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int strcasecmp_ascii(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) - ascii_lower((unsigned char)*b);
}

size_t strlcpy_b(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return len;
}

static char err_buf[ERR_MSG_MAX];

int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	return code;
}

const char *err_msg(void)
{
	return err_buf[0] ? err_buf : "unknown error";
}

const char *err_name(int code)
{
	switch (code) {
	case E_OK: return "ok";
	case E_IO: return "I/O error";
	case E_NOENT: return "not found";
	case E_INVAL: return "invalid";
	case E_NOMEM: return "out of memory";
	case E_FORMAT: return "bad format";
	case E_RANGE: return "out of range";
	case E_UNSUPP: return "unsupported";
	case E_CORRUPT: return "corrupt";
	}
	return "error";
}

void *mem_zalloc(size_t n)
{
	void *p = mem_alloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *str_ndup(const char *s, size_t n)
{
	char *d = mem_alloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

char *str_dup(const char *s)
{
	return str_ndup(s, strlen(s));
}

bool utf8_put(char *out, size_t *n, size_t cap, uint32_t c)
{
	uint8_t b[4];
	size_t k;

	if (c < 0x80) {
		b[0] = (uint8_t)c, k = 1;
	} else if (c < 0x800) {
		b[0] = (uint8_t)(0xc0 | c >> 6), b[1] = (uint8_t)(0x80 | (c & 0x3f)), k = 2;
	} else if (c < 0x10000) {
		b[0] = (uint8_t)(0xe0 | c >> 12), b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (c & 0x3f)), k = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | c >> 18), b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)), b[3] = (uint8_t)(0x80 | (c & 0x3f));
		k = 4;
	}
	if (*n + k >= cap)
		return false;
	memcpy(out + *n, b, k);
	*n += k;
	return true;
}

size_t utf16_to_utf8(const uint16_t *u, size_t units, char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < units && u[i]; i++) {
		uint32_t c = u[i];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < units && u[i + 1] >= 0xdc00 &&
		    u[i + 1] < 0xe000)
			c = 0x10000 + ((c - 0xd800) << 10) + (u[++i] - 0xdc00);
		else if (c >= 0xd800 && c < 0xe000)
			c = '?';
		if (!utf8_put(out, &n, cap, c))
			break;
	}
	if (cap)
		out[n] = 0;
	return n;
}

int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}
