/*
 * Formatted output without a libc. fmt_vsnprintf knows %d %i %u %x %p %s %c
 * with the l and ll sizes, a field width, the 0 and - flags, and %.*s.
 * log_printf writes one line through log_write, which each program gets from
 * the library that fits it: core writes to the serial port, others to their
 * parent.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_write(const char *s, size_t n);
