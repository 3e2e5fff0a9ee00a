/* report.c: PASS/FAIL reporting and a minimal printf for the conformance kernels (freestanding). */
#include "report.h"

void rp_putc(struct report *r, char c)
{
	if (c == '\n')
		r->putc(r->ctx, '\r');
	r->putc(r->ctx, c);
}

void rp_puts(struct report *r, const char *s)
{
	while (*s)
		rp_putc(r, *s++);
}

static void put_num(struct report *r, uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	for (; width > n; width--)
		rp_putc(r, pad);
	while (n)
		rp_putc(r, buf[--n]);
}

void rp_vprintf(struct report *r, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			rp_putc(r, *fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, lng = 0;
		if (*++fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			rp_puts(r, s ? s : "(null)");
			break;
		}
		case 'c': rp_putc(r, (char)va_arg(ap, int)); break;
		case 'd': {
			int64_t v = lng > 1 ? va_arg(ap, long long)
				    : lng   ? va_arg(ap, long)
					    : va_arg(ap, int);
			put_num(r, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = lng > 1 ? va_arg(ap, unsigned long long)
				     : lng   ? va_arg(ap, unsigned long)
					     : va_arg(ap, unsigned);
			put_num(r, v, *fmt == 'x' ? 16 : 10, width, pad, false);
			break;
		}
		case '%': rp_putc(r, '%'); break;
		case 0: return;
		default: rp_putc(r, '%'); rp_putc(r, *fmt);
		}
	}
}

void rp_printf(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_vprintf(r, fmt, ap);
	va_end(ap);
}

void rp_pass(struct report *r, const char *what)
{
	r->passed++;
	r->last = what;
	rp_printf(r, "PASS: %s\n", what);
}

static void vfail(struct report *r, const char *what, const char *fmt, va_list ap)
{
	r->failed++;
	r->last = what;
	rp_printf(r, "FAIL: %s (", what);
	rp_vprintf(r, fmt, ap);
	rp_puts(r, ")\n");
}

void rp_fail(struct report *r, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, what, fmt, ap);
	va_end(ap);
}

bool rp_check(struct report *r, bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		rp_pass(r, what);
		return true;
	}
	va_start(ap, fmt);
	vfail(r, what, fmt, ap);
	va_end(ap);
	return false;
}

void rp_summary(struct report *r, const char *name)
{
	rp_printf(r, "BATON-CONFORMANCE %s done: %u passed, %u failed\n", name, r->passed,
		  r->failed);
}
