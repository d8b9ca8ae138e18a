/*
 * The libc test: stdio (with floating point), strings, stdlib (a malloc
 * stress, qsort, strtod), time, errno values and file I/O on the
 * component's RAM file system, argv and environment, and threads (mutexes,
 * condition variables, thread-local storage, join and detach), select and
 * ppoll, each check counted; the verdict is the exit code.
 */
#define _GNU_SOURCE /* ppoll */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <test/check.h>

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void
test_stdio(void)
{
	char b[256];

	snprintf(b, sizeof(b), "%5d|%-5d|%05d", 42, 42, 42);
	CHECK(!strcmp(b, "   42|42   |00042"));
	snprintf(b, sizeof(b), "%x %X %o %#x", 255, 255, 8, 255);
	CHECK(!strcmp(b, "ff FF 10 0xff"));
	snprintf(b, sizeof(b), "%.2f %.0f %g %g", 3.14159, 2.5, 0.0001, 1e20);
	CHECK(!strcmp(b, "3.14 2 0.0001 1e+20"));
	snprintf(b, sizeof(b), "%e", -12345.678);
	CHECK(!strcmp(b, "-1.234568e+04"));
	snprintf(b, sizeof(b), "%.10f", 1.0 / 3.0);
	CHECK(!strcmp(b, "0.3333333333"));
	snprintf(b, sizeof(b), "%s %c %%", "str", 'c');
	CHECK(!strcmp(b, "str c %"));
	snprintf(b, sizeof(b), "%lld %llu", LLONG_MIN, ULLONG_MAX);
	CHECK(!strcmp(b, "-9223372036854775808 18446744073709551615"));
	const char *volatile six = "abcdef";

	CHECK(snprintf(b, 4, "%s", six) == 6 && !strcmp(b, "abc"));
	int i;
	double d;
	char w[16];

	CHECK(sscanf("12 3.5 word", "%d %lf %15s", &i, &d, w) == 3);
	CHECK(i == 12 && d == 3.5 && !strcmp(w, "word"));
	snprintf(b, sizeof(b), "%f %f", INFINITY, -INFINITY);
	CHECK(!strcmp(b, "inf -inf"));
	snprintf(b, sizeof(b), "%f", NAN);
	CHECK(!strcmp(b, "nan") || !strcmp(b, "-nan"));
}

static void
test_string(void)
{
	char b[64] = "hello";

	CHECK(strlen(b) == 5);
	strcat(b, " world");
	CHECK(!strcmp(b, "hello world"));
	CHECK(strchr(b, 'w') == b + 6 && strrchr(b, 'o') == b + 7);
	CHECK(strstr(b, "lo w") == b + 3 && !strstr(b, "xyz"));
	CHECK(strncmp("abc", "abd", 2) == 0 && strcmp("abc", "abd") < 0);
	CHECK(memcmp("\x01\x02", "\x01\x03", 2) < 0);
	char *dup = strdup(b);

	CHECK(dup && !strcmp(dup, b));
	free(dup);
	char t[] = "a,b,,c";
	char *save, *tok = strtok_r(t, ",", &save);

	CHECK(tok && !strcmp(tok, "a"));
	tok = strtok_r(NULL, ",", &save);
	CHECK(tok && !strcmp(tok, "b"));
	memmove(b + 1, b, 5);
	CHECK(!memcmp(b, "hhello", 6));
	CHECK(strspn("aaab", "a") == 3 && strcspn("abc", "c") == 2);
}

static void
test_stdlib(void)
{
	static void *blocks[1000];
	int v[100];
	unsigned seed = 1;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 1000; i++) {
			seed = seed * 1103515245 + 12345;
			blocks[i] = malloc(1 + seed % 5000);
			if (blocks[i])
				memset(blocks[i], i & 0xff,
				    1 + seed % 5000 < 16 ? 1 : 16);
		}
		int ok = 1;

		for (int i = 0; i < 1000; i++)
			ok &= blocks[i] &&
			    ((unsigned char *)blocks[i])[0] == (i & 0xff);
		CHECK(ok);
		for (int i = 0; i < 1000; i += 2)
			free(blocks[i]);
		for (int i = 1; i < 1000; i += 2)
			free(blocks[i]);
	}
	void *big = malloc(8 << 20);

	CHECK(big != NULL);
	free(big);
	void *r = realloc(NULL, 10);

	r = realloc(r, 100000);
	CHECK(r != NULL);
	free(r);
	CHECK(calloc(10, 10) != NULL);
	for (int i = 0; i < 100; i++)
		v[i] = (i * 37) % 101;
	qsort(v, 100, sizeof(int), cmp_int);
	int sorted = 1;

	for (int i = 1; i < 100; i++)
		sorted &= v[i - 1] <= v[i];
	CHECK(sorted);
	CHECK(strtod("1e-3", NULL) == 0.001 && strtod("-2.5", NULL) == -2.5);
	char *end;

	CHECK(strtol("0x1f rest", &end, 16) == 31 && !strcmp(end, " rest"));
	CHECK(strtoul("777", NULL, 8) == 511);
	CHECK(atoi("-123") == -123 && labs(-5) == 5);
	errno = 0;
	strtol("99999999999999999999", NULL, 10);
	CHECK(errno == ERANGE);
	CHECK(fabs(sqrt(2.0) - 1.41421356) < 1e-8 && floor(-1.5) == -2.0);
	CHECK(fabs(sin(0.5) - 0.479425538604203) < 1e-12);
}

static void
test_time(void)
{
	struct timespec a, b;
	time_t t = 0;
	struct tm tm;
	char buf[64];

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	for (volatile int i = 0; i < 100000; i++)
		;
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(b.tv_sec > a.tv_sec ||
	    (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec));
	CHECK(gmtime_r(&t, &tm) && tm.tm_year == 70 && tm.tm_mday == 1);
	t = 86400 * 365;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	CHECK(!strcmp(buf, "1971-01-01"));
}

static void
test_files(void)
{
	char buf[128];
	struct stat st;
	int fd;

	CHECK(mkdir("/tmp", 0755) == 0);
	CHECK(mkdir("/tmp", 0755) == -1 && errno == EEXIST);
	fd = open("/tmp/a.txt", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 3);
	CHECK(write(fd, "hello, file", 11) == 11);
	CHECK(lseek(fd, 7, SEEK_SET) == 7);
	CHECK(read(fd, buf, sizeof(buf)) == 4 && !memcmp(buf, "file", 4));
	CHECK(lseek(fd, 0, SEEK_END) == 11);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
	CHECK(close(fd) == 0 && close(fd) == -1 && errno == EBADF);
	CHECK(open("/tmp/missing", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 &&
	    errno == EEXIST);
	FILE *f = fopen("/tmp/b.txt", "w");

	CHECK(f != NULL);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "line %d\n", i);
	CHECK(fclose(f) == 0);
	f = fopen("/tmp/b.txt", "r");
	int lines = 0, last = -1;

	while (f && fgets(buf, sizeof(buf), f)) {
		lines++;
		sscanf(buf, "line %d", &last);
	}
	CHECK(lines == 1000 && last == 999);
	if (f)
		fclose(f);
	CHECK(stat("/tmp/b.txt", &st) == 0 && st.st_size == 8890);
	CHECK(rename("/tmp/b.txt", "/tmp/c.txt") == 0);
	CHECK(stat("/tmp/b.txt", &st) == -1 && errno == ENOENT);
	DIR *dir = opendir("/tmp");
	int seen = 0;
	struct dirent *de;

	while (dir && (de = readdir(dir)))
		seen += !strcmp(de->d_name, "a.txt") ||
		    !strcmp(de->d_name, "c.txt");
	CHECK(dir && seen == 2);
	if (dir)
		closedir(dir);
	CHECK(unlink("/tmp/c.txt") == 0 && unlink("/tmp/c.txt") == -1 &&
	    errno == ENOENT);
	CHECK(rmdir("/tmp") == -1 && errno == ENOTEMPTY);
	CHECK(unlink("/tmp/a.txt") == 0 && rmdir("/tmp") == 0);
	CHECK(chdir("/dev") == 0 && getcwd(buf, sizeof(buf)) &&
	    !strcmp(buf, "/dev"));
	fd = open("zero", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0);
	close(fd);
	CHECK(open("/dev/new", O_CREAT | O_WRONLY, 0644) == -1 &&
	    errno == EROFS);
	f = fopen("/data.txt", "r");
	CHECK(f && fgets(buf, sizeof(buf), f) &&
	    !strcmp(buf, "data from a ROM\n"));
	if (f)
		fclose(f);
	CHECK(open("/data.txt", O_WRONLY) == -1 && errno == EROFS);
}

/*
 * Threads: 8 workers add to a counter under a mutex, each with its own
 * thread-local count; the last one to finish signals the main thread
 * through a condition variable. Twice, so the second round runs on the
 * threads the first one left parked.
 */
#define WORKERS 8
#define ROUNDS 2000

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static long counter;
static int finished;
static _Thread_local long mine;
static pthread_t ids[WORKERS];

static void *
worker(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mutex);
		counter++;
		pthread_mutex_unlock(&mutex);
		mine++;
		if (i % 256 == 0)
			sched_yield();
	}
	pthread_mutex_lock(&mutex);
	if (++finished == WORKERS)
		pthread_cond_signal(&all_done);
	pthread_mutex_unlock(&mutex);
	return (void *)(mine * 100 + (long)arg);
}

static void *
detached(void *arg)
{
	pthread_mutex_lock(&mutex);
	(*(int *)arg)++;
	pthread_cond_signal(&all_done);
	pthread_mutex_unlock(&mutex);
	return NULL;
}

static void
test_threads(void)
{
	for (int round = 0; round < 2; round++) {
		bool ok = true;

		counter = 0;
		finished = 0;
		for (long i = 0; i < WORKERS; i++)
			ok &= !pthread_create(&ids[i], NULL, worker, (void *)i);
		CHECK(ok);
		pthread_mutex_lock(&mutex);
		while (finished < WORKERS)
			pthread_cond_wait(&all_done, &mutex);
		pthread_mutex_unlock(&mutex);
		CHECK(counter == (long)WORKERS * ROUNDS);
		for (long i = 0; i < WORKERS; i++) {
			void *r = NULL;

			ok &= !pthread_join(ids[i], &r) &&
			    (long)r == ROUNDS * 100 + i;
		}
		CHECK(ok);
	}
	CHECK(mine == 0); /* the main thread's own copy */
	CHECK(!pthread_equal(pthread_self(), ids[0]));

	/* A detached thread ends on its own; its stack goes with it. */
	pthread_attr_t attr;
	pthread_t t;
	int ran = 0;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	CHECK(!pthread_create(&t, &attr, detached, &ran));
	pthread_mutex_lock(&mutex);
	while (!ran)
		pthread_cond_wait(&all_done, &mutex);
	pthread_mutex_unlock(&mutex);
	CHECK(ran == 1);

	/* A timed wait that nobody signals times out. */
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 20 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mutex);
	CHECK(pthread_cond_timedwait(&all_done, &mutex, &until) == ETIMEDOUT);
	pthread_mutex_unlock(&mutex);
}

/*
 * select, pselect and ppoll over a pipe (a kind of file in lib/libc/pipe.c):
 * readiness before and after a write, a writer thread waking a select
 * that waits without a timeout, and the refusals: a descriptor that is
 * not open, too many descriptors, a malformed timeout.
 */
static int wake_fd = -1;

static void *
late_writer(void *arg)
{
	(void)arg;
	usleep(10000);
	write(wake_fd, "w", 1);
	return NULL;
}

static void
test_select(void)
{
	struct timeval zero = {0, 0};
	struct timespec zero_ts = {0, 0};
	int p[2];
	fd_set r, w;
	char c;

	CHECK(pipe(p) == 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &zero) == 0 &&
	    !FD_ISSET(p[0], &r));
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	CHECK(select(p[1] + 1, NULL, &w, NULL, &zero) == 1 &&
	    FD_ISSET(p[1], &w));
	CHECK(write(p[1], "x", 1) == 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &zero_ts, NULL) == 1 &&
	    FD_ISSET(p[0], &r));
	CHECK(read(p[0], &c, 1) == 1 && c == 'x');
	struct timeval short_wait = {0, 20000};

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &short_wait) == 0);

	/* no timeout: a thread's write wakes us */
	pthread_t t;

	wake_fd = p[1];
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(!pthread_create(&t, NULL, late_writer, NULL));
	CHECK(select(p[0] + 1, &r, NULL, NULL, NULL) == 1 &&
	    FD_ISSET(p[0], &r));
	pthread_join(t, NULL);
	CHECK(read(p[0], &c, 1) == 1 && c == 'w');

	struct pollfd pfd = {.fd = p[0], .events = POLLIN};

	CHECK(ppoll(&pfd, 1, &zero_ts, NULL) == 0 && pfd.revents == 0);
	CHECK(ppoll(&pfd, 1, &(struct timespec){0, 2000000000L}, NULL) == -1 &&
	    errno == EINVAL);

	/* a writer gone: the read end is readable (end of file) */
	close(p[1]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &zero) == 1 &&
	    FD_ISSET(p[0], &r));
	CHECK(read(p[0], &c, 1) == 0);

	/* refusals */
	FD_ZERO(&r);
	FD_SET(p[1], &r); /* closed */
	CHECK(select(p[1] + 1, &r, NULL, NULL, &zero) == -1 && errno == EBADF);
	FD_ZERO(&r);
	FD_SET(60, &r); /* never opened */
	CHECK(select(61, &r, NULL, NULL, &zero) == -1 && errno == EBADF);
	CHECK(select(-1, NULL, NULL, NULL, &zero) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_select, FD_SETSIZE + 1, NULL, NULL, NULL, &zero) ==
		-1 &&
	    errno == EINVAL);
	CHECK(syscall(SYS_select, 0, NULL, NULL, NULL,
		  &(struct timeval){0, 1000000}) == -1 &&
	    errno == EINVAL);
	CHECK(syscall(SYS_pselect6, 0, NULL, NULL, NULL,
		  &(struct timespec){-1, 0}, NULL) == -1 &&
	    errno == EINVAL);
	close(p[0]);

	/* every kind answers stat and getdents with its own type */
	struct stat st;
	DIR *dir = opendir("/dev");
	struct dirent *de;
	int chr = 0;

	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
	while (dir && (de = readdir(dir)))
		chr += de->d_type == DT_CHR;
	CHECK(chr == 3);
	if (dir)
		closedir(dir);
	CHECK(rename("/", "/x") == -1);
}

/* mmap and mprotect honour what they can and refuse the rest. */
static void
test_mmap(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		p[8191] = 1;
		CHECK(mprotect(p, 8192, PROT_READ | PROT_WRITE) == 0);
		CHECK(mprotect(p, 4096, PROT_READ | PROT_EXEC) == -1 &&
		    errno == EACCES);
		CHECK(mprotect(p, 4096, PROT_READ) == -1 && errno == ENOSYS);
		CHECK(p[8191] == 1 && munmap(p, 8192) == 0);
	}
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	    errno == EACCES);
	CHECK(mmap(NULL, 4096, 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		MAP_FAILED &&
	    errno == EINVAL);
}

/* argv and the environment come from the config (run/libc/libc.config). */
static void
test_args(int argc, char **argv)
{
	CHECK(argc == 3 && !strcmp(argv[0], "test_libc") &&
	    !strcmp(argv[1], "one two") && !strcmp(argv[2], "<&>") && !argv[3]);
	CHECK(getenv("HOME") && !strcmp(getenv("HOME"), "/home"));
	CHECK(getenv("LANG") && !strcmp(getenv("LANG"), "C") &&
	    !getenv("PATH"));
}

int
main(int argc, char **argv)
{
	test_args(argc, argv);
	test_stdio();
	test_string();
	test_stdlib();
	test_time();
	test_files();
	test_threads();
	test_select();
	test_mmap();
	printf("libc test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
