/*
 * The libc backend: musl's system calls, implemented on Bulkhead's
 * runtime. Each call returns a result or -errno, as musl expects. What is
 * not implemented yet returns -ENOSYS and is logged once, by name or
 * number: nothing pretends to succeed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include <base/env.h>
#include <base/log.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>

long __bulkhead_syscall(long n, long a, long b, long c, long d, long e, long f);

#define REGIONS 256u

/* stdout and stderr go to the log, a line at a time. */
static char line[256];
static size_t line_len;

static struct {
	void *ptr;
	uint64_t ds;
	size_t len;
} regions[REGIONS];

static void
put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || line_len == sizeof(line)) {
			log_write(line, line_len);
			line_len = 0;
			if (s[i] == '\n')
				continue;
		}
		line[line_len++] = s[i];
	}
}

static long
do_write(long fd, const char *buf, size_t len)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	put(buf, len);
	return (long)len;
}

static long
do_writev(long fd, const struct iovec *iov, long n)
{
	long total = 0;

	for (long i = 0; i < n; i++) {
		long r = do_write(fd, iov[i].iov_base, iov[i].iov_len);

		if (r < 0)
			return r;
		total += r;
	}
	return total;
}

/* Anonymous memory: a dataspace of the component's own. */
static long
do_mmap(long addr, size_t len, long prot, long flags, long fd)
{
	unsigned i;
	void *p;
	uint64_t ds;

	if (!(flags & MAP_ANONYMOUS) || fd != -1 || (flags & MAP_FIXED) || !len)
		return -ENOSYS;
	for (i = 0; i < REGIONS && regions[i].ptr; i++)
		;
	if (i == REGIONS || ram_alloc(len, &p, &ds))
		return -ENOMEM;
	regions[i].ptr = p;
	regions[i].ds = ds;
	regions[i].len = len;
	return (long)p;
}

static long
do_munmap(void *addr, size_t len)
{
	for (unsigned i = 0; i < REGIONS; i++) {
		if (regions[i].ptr == addr) {
			ram_free(addr, regions[i].ds);
			regions[i].ptr = NULL;
			return 0;
		}
	}
	return -EINVAL; /* only whole regions */
}

static long
do_clock_gettime(long clock, struct timespec *ts)
{
	static uint64_t khz;
	uint64_t tsc, ns;

	if (!khz)
		khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	__asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax"
			 : "=a"(tsc)
			 :
			 : "rdx");
	ns = tsc / khz * 1000000 + (tsc % khz) * 1000000 / khz;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

static long
unsupported(long n)
{
	static uint64_t seen[8];

	if (n >= 0 && n < 512 && !(seen[n / 64] & (1ul << (n % 64)))) {
		seen[n / 64] |= 1ul << (n % 64);
		log_printf("libc: system call %ld is not supported", n);
	}
	return -ENOSYS;
}

long
__bulkhead_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	switch (n) {
	case SYS_write:
		return do_write(a, (const char *)b, (size_t)c);
	case SYS_writev:
		return do_writev(a, (const struct iovec *)b, c);
	case SYS_read:
		return a == 0 ? 0 : -EBADF; /* no stdin yet: end of file */
	case SYS_ioctl:
		return -ENOTTY;
	case SYS_exit:
	case SYS_exit_group:
		if (line_len)
			put("\n", 1);
		component_exit((int)a);
	case SYS_mmap:
		return do_mmap(a, (size_t)b, c, d, e);
	case SYS_munmap:
		return do_munmap((void *)a, (size_t)b);
	case SYS_mprotect:
	case SYS_madvise:
		return 0;
	case SYS_brk:
		return 0; /* no break: malloc then takes mmap */
	case SYS_set_thread_area:
		return sys_thread_tls((uint64_t)a) ? -EINVAL : 0;
	case SYS_arch_prctl:
		return a == 0x1002 && !sys_thread_tls((uint64_t)b) ? 0
								   : -EINVAL;
	case SYS_set_tid_address:
	case SYS_gettid:
	case SYS_getpid:
		return 1;
	case SYS_clock_gettime:
		return do_clock_gettime(a, (struct timespec *)b);
	case SYS_rt_sigprocmask:
	case SYS_rt_sigaction:
		return 0;
	}
	(void)f;
	return unsupported(n);
}
