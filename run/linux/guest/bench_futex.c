/*
 * Futex ping-pong, between two threads of one process (no address-space
 * switch) and between two processes sharing one page (a switch on every
 * hand-over). The pair shows what an address-space switch costs under the
 * emulator, apart from the system-call path.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ROUND_TRIPS	1000

/* Values of the shared word: whose turn it is, or the end of the test. */
enum { TURN_PING = 0, TURN_PONG = 1, TURN_STOP = 2 };

struct pingpong {
	atomic_int	turn;
	int		op_wait;
	int		op_wake;
};

static void
futex_wait(struct pingpong *p, int val)
{
	syscall(SYS_futex, &p->turn, p->op_wait, val, NULL, NULL, 0);
}

static void
futex_wake(struct pingpong *p)
{
	syscall(SYS_futex, &p->turn, p->op_wake, 1, NULL, NULL, 0);
}

static void
pong(struct pingpong *p)
{
	int t;

	for (;;) {
		while ((t = atomic_load(&p->turn)) == TURN_PING)
			futex_wait(p, TURN_PING);
		if (t == TURN_STOP)
			return;
		atomic_store(&p->turn, TURN_PING);
		futex_wake(p);
	}
}

static void *
pong_thread(void *arg)
{
	pong(arg);
	return NULL;
}

static uint64_t
ping(struct pingpong *p, int n)
{
	uint64_t t0;
	int i;

	t0 = bench_rdtsc();
	for (i = 0; i < n; i++) {
		atomic_store(&p->turn, TURN_PONG);
		futex_wake(p);
		while (atomic_load(&p->turn) == TURN_PONG)
			futex_wait(p, TURN_PONG);
	}
	return (bench_rdtsc() - t0) / (uint64_t)n;
}

static uint64_t
measure(struct pingpong *p)
{
	uint64_t v[BENCH_RUNS_MAX];
	int runs = bench_runs(), i;

	ping(p, ROUND_TRIPS / 10);
	for (i = 0; i < runs; i++)
		v[i] = ping(p, ROUND_TRIPS);
	atomic_store(&p->turn, TURN_STOP);
	futex_wake(p);
	return bench_median(v, runs);
}

static void
bench_threads(void)
{
	struct pingpong p;
	pthread_t t;
	uint64_t m;

	atomic_init(&p.turn, TURN_PING);
	p.op_wait = FUTEX_WAIT_PRIVATE;
	p.op_wake = FUTEX_WAKE_PRIVATE;
	if (pthread_create(&t, NULL, pong_thread, &p) != 0)
		bench_fail("pthread_create");
	m = measure(&p);
	pthread_join(t, NULL);
	bench_ticks("futex_thread_rtt", m);
}

static void
bench_processes(void)
{
	struct pingpong *p;
	uint64_t m;
	pid_t pid;
	int status;

	/* Shared futexes are keyed by the page, so no PRIVATE flag here. */
	p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail("mmap");
	atomic_init(&p->turn, TURN_PING);
	p->op_wait = FUTEX_WAIT;
	p->op_wake = FUTEX_WAKE;
	pid = fork();
	if (pid < 0)
		bench_fail("fork");
	if (pid == 0) {
		pong(p);
		_exit(0);
	}
	m = measure(p);
	waitpid(pid, &status, 0);
	bench_ticks("futex_proc_rtt", m);
}

int
main(void)
{
	bench_threads();
	bench_processes();
	return 0;
}
