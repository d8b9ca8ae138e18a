/*
 * The cost of the cheapest real system call: getppid enters the kernel,
 * reads one field and returns (glibc does not cache it).
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#define CALLS	10000

int
main(void)
{
	uint64_t v[BENCH_RUNS_MAX], t0;
	int runs = bench_runs(), i, j;

	for (j = 0; j < CALLS / 10; j++)
		syscall(SYS_getppid);
	for (i = 0; i < runs; i++) {
		t0 = bench_rdtsc();
		for (j = 0; j < CALLS; j++)
			syscall(SYS_getppid);
		v[i] = (bench_rdtsc() - t0) / CALLS;
	}
	bench_ticks("getppid", bench_median(v, runs));
	return 0;
}
