/* printf-style formatting into a buffer, and log_printf on top of it. */
#include <base/log.h>
#include <base/string.h>

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size, len;
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
put_field(struct out *o, const char *s, size_t n, int width, bool left,
    char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (pad == '0' && n && (*s == '-')) {
		put(o, *s++);
		n--;
	}
	while (!left && fill-- > 0)
		put(o, pad);
	while (n--)
		put(o, *s++);
	while (left && fill-- > 0)
		put(o, ' ');
}

int
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false;
		char pad = ' ';
		int width = 0, longs = 0;

		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		int prec = -1;

		if (*fmt == '.' && fmt[1] == '*') {
			prec = va_arg(ap, int);
			fmt += 2;
		}
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}
		char num[24];
		size_t n = 0;
		uint64_t v;
		bool neg = false;
		unsigned base = 10;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t s =
			    longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			neg = s < 0;
			v = neg ? -(uint64_t)s : (uint64_t)s;
			break;
		}
		case 'u':
			v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			break;
		case 'x':
			v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			base = 16;
			break;
		case 'p':
			v = (uint64_t)va_arg(ap, void *);
			base = 16;
			put(&o, '0');
			put(&o, 'x');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			size_t len = 0;

			if (!s)
				s = "(null)";
			while (s[len] && (prec < 0 || len < (size_t)prec))
				len++;
			put_field(&o, s, len, width, left, ' ');
			continue;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_field(&o, &c, 1, width, left, ' ');
			continue;
		}
		default:
			put(&o, *fmt ? *fmt : '%');
			if (!*fmt)
				fmt--;
			continue;
		}
		char digits[24];
		size_t d = 0;

		do {
			digits[d++] = "0123456789abcdef"[v % base];
			v /= base;
		} while (v);
		if (neg)
			num[n++] = '-';
		while (d)
			num[n++] = digits[--d];
		put_field(&o, num, n, width, left, left ? ' ' : pad);
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int
fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void
log_printf(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	log_write(line, (size_t)n);
}
