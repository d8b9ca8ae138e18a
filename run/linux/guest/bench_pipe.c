/*
 * Pipe ping-pong between two processes: the classic cross-address-space
 * round trip that Bulkhead's IPC between two components is compared with.
 * One byte goes to the child through one pipe and comes back through another.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ROUND_TRIPS	1000

static void
pong(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

static uint64_t
ping(int out, int in, int n)
{
	uint64_t t0;
	char c = 'x';
	int i;

	t0 = bench_rdtsc();
	for (i = 0; i < n; i++) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
			bench_fail("pipe ping");
	}
	return (bench_rdtsc() - t0) / (uint64_t)n;
}

int
main(void)
{
	uint64_t v[BENCH_RUNS_MAX];
	int to_child[2], to_parent[2], runs, i, status;
	pid_t pid;

	runs = bench_runs();
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		bench_fail("pipe");
	pid = fork();
	if (pid < 0)
		bench_fail("fork");
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		pong(to_child[0], to_parent[1]);
	}
	close(to_child[0]);
	close(to_parent[1]);

	/* A first run warms caches and QEMU's translated code; it is not kept. */
	ping(to_child[1], to_parent[0], ROUND_TRIPS / 10);
	for (i = 0; i < runs; i++)
		v[i] = ping(to_child[1], to_parent[0], ROUND_TRIPS);

	close(to_child[1]);
	waitpid(pid, &status, 0);
	bench_ticks("pipe_rtt", bench_median(v, runs));
	return 0;
}
