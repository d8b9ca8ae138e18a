/*
 * /init of the Linux baseline's initramfs: notes the TSC at its entry, runs
 * every benchmark program in turn and powers the machine off through QEMU's
 * isa-debug-exit device with 0x42 + the number of failed programs, the
 * convention of Bulkhead's run tool (run/README.md).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define DEBUG_EXIT_PORT	0xf4
#define DEBUG_EXIT_BASE	0x42
#define CALIBRATE_NS	200000000u

extern char **environ;

static const char *const programs[] = {
	"/bin/bench_pipe",
	"/bin/bench_futex",
	"/bin/bench_sys",
	"/bin/bench_mem",
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Without icount the guest clock follows host real time, so this gives the
 * TSC rate that turns ticks into microseconds.
 */
static void
calibrate(void)
{
	uint64_t n0, t0, n;

	n0 = now_ns();
	t0 = bench_rdtsc();
	while ((n = now_ns()) - n0 < CALIBRATE_NS)
		;
	bench_figure("tsc_mhz", (bench_rdtsc() - t0) * 1000u / (n - n0),
	    "MHz");
}

static int
run(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		printf("linux-bench: FAILED fork for %s\n", path);
		return 1;
	}
	if (pid == 0) {
		execve(path, argv, environ);
		printf("linux-bench: FAILED exec %s\n", path);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("linux-bench: FAILED %s (status 0x%x)\n", path, status);
		return 1;
	}
	return 0;
}

static void
power_off(int failed)
{
	fflush(stdout);
	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0)
		outb((unsigned char)(DEBUG_EXIT_BASE + failed), DEBUG_EXIT_PORT);
	/* Only without the debug-exit device do we get here. */
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int
main(void)
{
	uint64_t tsc = bench_rdtsc();
	size_t i;
	int failed = 0;

	/* This is the first line /init prints; the host times the boot by it. */
	bench_ticks("init_tsc", tsc);
	if (!bench_icount())
		calibrate();
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		failed += run(programs[i]);
	printf("linux-bench: done, %d failed\n", failed);
	power_off(failed);
	return 0;
}
