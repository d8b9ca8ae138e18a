/*
 * The kernel's own output: a small printf onto the console, and panic. The
 * kernel prints only at boot, on faults that no one handles and on panic.
 */
#include <stdarg.h>

#include "kernel.h"

static void
put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (n < width--)
		console_putc(pad);
	while (n)
		console_putc(buf[--n]);
}

static void
vkprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;

		if (*++fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			int64_t v =
			    longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width,
			    pad, v < 0);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v =
			    longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);

			put_num(v, *fmt == 'u' ? 10 : 16, width, pad, false);
			break;
		}
		case 'p':
			console_putc('0');
			console_putc('x');
			put_num((uint64_t)va_arg(ap, void *), 16, 0, ' ',
			    false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				console_putc(*s++);
			break;
		}
		case 'c':
			console_putc((char)va_arg(ap, int));
			break;
		default:
			console_putc(*fmt);
			break;
		}
	}
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("PANIC: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	cpu_poweroff(0xff - EXIT_BASE);
}
