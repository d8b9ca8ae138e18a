/* The time-stamp counter, for measurements (under icount: instructions). */
#pragma once

#include <stdint.h>

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
