/*
 * The figure-printing and statistics half of bench.h, linked into every
 * guest benchmark program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

int
bench_icount(void)
{
	const char *s = getenv("BENCH_ICOUNT");

	return s != NULL && strcmp(s, "1") == 0;
}

int
bench_runs(void)
{
	const char *s = getenv("BENCH_RUNS");
	int n;

	if (s == NULL)
		return BENCH_RUNS_DEFAULT;
	n = atoi(s);
	if (n < 1)
		return 1;
	if (n > BENCH_RUNS_MAX)
		return BENCH_RUNS_MAX;
	return n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t
bench_median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	if (n % 2 == 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
bench_ticks(const char *name, uint64_t v)
{
	if (bench_icount())
		printf("bench: linux_%s_insns %llu insns\n", name,
		    (unsigned long long)v);
	else
		printf("bench: linux_%s %llu ticks\n", name,
		    (unsigned long long)v);
	fflush(stdout);
}

void
bench_figure(const char *name, uint64_t v, const char *unit)
{
	printf("bench: linux_%s %llu %s\n", name, (unsigned long long)v, unit);
	fflush(stdout);
}

void
bench_fail(const char *what)
{
	printf("linux-bench: FAILED %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}
