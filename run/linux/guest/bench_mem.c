/*
 * Memory copies: the bandwidth of copying 64 MiB with the libc memcpy, and
 * the time of one 1920x1080x4 frame copy, the unit a compositor pays per
 * full-screen update.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench.h"

#define BIG_BYTES	(64u << 20)
#define FRAME_BYTES	(1920u * 1080u * 4u)

static void *
buffer(size_t n, int fill)
{
	void *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		bench_fail("mmap");
	/* Touch every page, so that no page fault is timed. */
	memset(p, fill, n);
	return p;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Copies n bytes once and returns the TSC ticks and nanoseconds it took. */
static uint64_t
copy_once(void *dst, const void *src, size_t n, uint64_t *ns)
{
	uint64_t t0, n0, t;

	n0 = now_ns();
	t0 = bench_rdtsc();
	memcpy(dst, src, n);
	/* The copy must happen before the clock is read again. */
	__asm__ volatile("" : : "r"(dst) : "memory");
	t = bench_rdtsc() - t0;
	*ns = now_ns() - n0;
	return t;
}

static void
bench_big(void)
{
	uint64_t ticks[BENCH_RUNS_MAX], ns[BENCH_RUNS_MAX], ns_one;
	int runs = bench_runs(), i;
	char *src, *dst;

	src = buffer(BIG_BYTES, 1);
	dst = buffer(BIG_BYTES, 2);
	copy_once(dst, src, BIG_BYTES, &ns_one);
	for (i = 0; i < runs; i++)
		ticks[i] = copy_once(dst, src, BIG_BYTES, &ns[i]);
	if (dst[BIG_BYTES - 1] != 1)
		bench_fail("memcpy result");
	/*
	 * Under icount the guest clock counts instructions, so a bandwidth
	 * would be one in instructions; give the instruction count instead.
	 */
	if (bench_icount())
		bench_ticks("memcpy_64m", bench_median(ticks, runs));
	else
		bench_figure("memcpy_64m",
		    (uint64_t)BIG_BYTES * 1000u / bench_median(ns, runs),
		    "MB/s");
	munmap(src, BIG_BYTES);
	munmap(dst, BIG_BYTES);
}

static void
bench_frame(void)
{
	uint64_t ticks[BENCH_RUNS_MAX], ns;
	int runs = bench_runs(), i;
	char *src, *dst;

	src = buffer(FRAME_BYTES, 3);
	dst = buffer(FRAME_BYTES, 4);
	copy_once(dst, src, FRAME_BYTES, &ns);
	for (i = 0; i < runs; i++)
		ticks[i] = copy_once(dst, src, FRAME_BYTES, &ns);
	bench_ticks("frame_copy", bench_median(ticks, runs));
	munmap(src, FRAME_BYTES);
	munmap(dst, FRAME_BYTES);
}

int
main(void)
{
	bench_big();
	bench_frame();
	return 0;
}
