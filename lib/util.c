/* util.c: helpers shared by host and firmware builds (ASCII case folding, bounded copy, errors). */
#include "lib.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int strcasecmp_ascii(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return lower((unsigned char)*a) - lower((unsigned char)*b);
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

static char err_buf[256];

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
