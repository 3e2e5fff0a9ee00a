/* fmt.c: a small printf-style formatter (vsnfmt/snfmt) used for every message baton prints. */
#include "lib.h"

struct out {
	char *buf;
	size_t n, len;
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void emit_pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		emit(o, c);
}

int vsnfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			if (*fmt == 'z')
				lng = 2;
			fmt++;
		}
		char tmp[24];
		const char *s = tmp;
		int slen = 0;
		bool neg = false;
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while (s[slen] && (prec < 0 || slen < prec))
				slen++;
			zero = false;
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			slen = 1;
			zero = false;
			break;
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'p': {
			uint64_t v;
			unsigned base = (*fmt == 'x' || *fmt == 'X' || *fmt == 'p') ? 16 : 10;
			if (*fmt == 'p') {
				v = (uintptr_t)va_arg(ap, void *);
			} else if (*fmt == 'd' || *fmt == 'i') {
				int64_t sv = lng >= 2 ? va_arg(ap, long long)
					     : lng    ? va_arg(ap, long)
						      : va_arg(ap, int);
				neg = sv < 0;
				v = neg ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
			} else {
				v = lng >= 2 ? va_arg(ap, unsigned long long)
				    : lng    ? va_arg(ap, unsigned long)
					     : va_arg(ap, unsigned int);
			}
			const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
			char *p = tmp + sizeof(tmp);
			do {
				*--p = digits[v % base];
				v /= base;
			} while (v);
			s = p;
			slen = (int)(tmp + sizeof(tmp) - p);
			break;
		}
		case '%':
			tmp[0] = '%';
			slen = 1;
			break;
		default: /* unknown conversion: print it as is */
			emit(&o, '%');
			if (!*fmt)
				goto done;
			emit(&o, *fmt);
			continue;
		}
		int pad = width - slen - (neg ? 1 : 0);
		if (!left && !zero)
			emit_pad(&o, ' ', pad);
		if (neg)
			emit(&o, '-');
		if (!left && zero)
			emit_pad(&o, '0', pad);
		for (int i = 0; i < slen; i++)
			emit(&o, s[i]);
		if (left)
			emit_pad(&o, ' ', pad);
	}
done:
	if (n)
		o.buf[o.len < n ? o.len : n - 1] = 0;
	return (int)o.len;
}

int snfmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnfmt(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
