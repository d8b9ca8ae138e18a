/*
 * Helpers shared by the Linux baseline's guest programs: reading the TSC,
 * taking medians and printing figures in the one format the host tools
 * parse ("bench: linux_NAME VALUE UNIT").
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Round trips, calls or copies per timed run, and runs per figure. */
#define BENCH_RUNS_DEFAULT	5
#define BENCH_RUNS_MAX		64

static inline uint64_t
bench_rdtsc(void)
{
	uint32_t lo, hi;

	/* The lfence keeps earlier instructions from drifting past the read. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* True when the host ran QEMU with -icount shift=0 (BENCH_ICOUNT=1). */
int	bench_icount(void);

/* Number of timed runs per figure (BENCH_RUNS, default 5). */
int	bench_runs(void);

/* Sorts v in place and returns its median. */
uint64_t bench_median(uint64_t *v, int n);

/*
 * Prints a TSC figure: "bench: linux_NAME V ticks", or under icount, where a
 * tick is one guest instruction, "bench: linux_NAME_insns V insns".
 */
void	bench_ticks(const char *name, uint64_t v);

/* Prints any other figure as it is. */
void	bench_figure(const char *name, uint64_t v, const char *unit);

/* Prints a failure line and exits with status 1. */
void	bench_fail(const char *what);
