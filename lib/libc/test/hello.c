/*
 * The first program on musl: stdio with numbers and floating point, the
 * heap, strings and time, checked and printed through the libc backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failed;

static void
check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		failed++;
	}
}

int
main(int argc, char **argv)
{
	char buf[128];
	struct timespec a, b;

	snprintf(buf, sizeof(buf), "%d %x %.3f %e %s", -42, 255, 3.14159,
	    12345.678, "ok");
	check(!strcmp(buf, "-42 ff 3.142 1.234568e+04 ok"), buf);
	char *p = malloc(100000);

	check(p != NULL, "malloc 100000");
	memset(p, 7, 100000);
	check(p[99999] == 7, "heap memory");
	free(p);
	check(strtod("2.5e3", NULL) == 2500.0, "strtod");
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	check(b.tv_sec > a.tv_sec ||
		(b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
	    "monotonic clock");
	printf("hello from musl on Bulkhead: %s, argv[0] %s\n", buf, argv[0]);
	printf("libc checks: %d failed\n", failed);
	return failed ? 1 : 0;
}
