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
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include <base/env.h>
#include <base/log.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>

#include "libc.h"
#include "vfs.h"

long __bulkhead_syscall(long n, long a, long b, long c, long d, long e, long f);

volatile int libc_backend_lock;

/* stdout and stderr go to the log, a line at a time. */
static char line[256];
static size_t line_len;

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

long
vfs_log(const char *buf, size_t len)
{
	put(buf, len);
	return (long)len;
}

static long
do_readv(long fd, const struct iovec *iov, long n)
{
	long total = 0;

	for (long i = 0; i < n; i++) {
		long r = vfs_read(fd, iov[i].iov_base, iov[i].iov_len);

		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

static long
do_writev(long fd, const struct iovec *iov, long n)
{
	long total = 0;

	for (long i = 0; i < n; i++) {
		long r = vfs_write(fd, iov[i].iov_base, iov[i].iov_len);

		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

/* The *at calls: only the working directory as the base, for now. */
static bool
cwd_based(long dirfd, const char *path)
{
	return dirfd == AT_FDCWD || path[0] == '/';
}

/*
 * Anonymous memory: pages carved from 1 MiB chunks of the component's RAM,
 * so that many small mappings need few dataspaces (each costs a capability
 * slot); a big mapping gets a dataspace of its own.
 */
#define CHUNK (1ul << 20)
#define CHUNK_PAGES (CHUNK / 4096)
#define CHUNKS 64u
#define BIG 64u

static struct {
	char *base;
	uint64_t ds;
	uint64_t used[CHUNK_PAGES / 64]; /* 1: in use */
} chunks[CHUNKS];

static struct {
	void *ptr;
	uint64_t ds;
	size_t len;
} bigs[BIG];

static bool
page_used(unsigned c, size_t p)
{
	return chunks[c].used[p / 64] & (1ul << (p % 64));
}

static void
mark(unsigned c, size_t first, size_t n, bool used)
{
	for (size_t p = first; p < first + n; p++) {
		if (used)
			chunks[c].used[p / 64] |= 1ul << (p % 64);
		else
			chunks[c].used[p / 64] &= ~(1ul << (p % 64));
	}
}

static void *
chunk_pages(size_t n)
{
	for (unsigned c = 0; c < CHUNKS; c++) {
		if (!chunks[c].base) {
			void *p;

			if (ram_alloc(CHUNK, &p, &chunks[c].ds))
				return NULL;
			chunks[c].base = p;
		}
		for (size_t p = 0, run = 0; p < CHUNK_PAGES; p++) {
			run = page_used(c, p) ? 0 : run + 1;
			if (run == n) {
				mark(c, p + 1 - n, n, true);
				memset(chunks[c].base + (p + 1 - n) * 4096, 0,
				    n * 4096);
				return chunks[c].base + (p + 1 - n) * 4096;
			}
		}
	}
	return NULL;
}

static long
do_mmap(long addr, size_t len, long prot, long flags, long fd)
{
	size_t pages = (len + 4095) / 4096;
	void *p;
	unsigned i;

	if (!(flags & MAP_ANONYMOUS) || fd != -1 || (flags & MAP_FIXED) || !len)
		return -ENOSYS;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	/* Our RAM is never executable (code comes only from ELF images). */
	if (prot & PROT_EXEC)
		return -EACCES;
	if (len > (1ul << 46))
		return -ENOMEM; /* and pages below cannot wrap */
	if (pages <= CHUNK_PAGES / 2)
		return (p = chunk_pages(pages)) ? (long)p : -ENOMEM;
	for (i = 0; i < BIG && bigs[i].ptr; i++)
		;
	if (i == BIG || ram_alloc(len, &bigs[i].ptr, &bigs[i].ds))
		return -ENOMEM;
	bigs[i].len = len;
	return (long)bigs[i].ptr;
}

long
libc_munmap(void *addr, size_t len)
{
	char *a = addr;

	for (unsigned c = 0; c < CHUNKS; c++) {
		if (chunks[c].base && a >= chunks[c].base &&
		    a < chunks[c].base + CHUNK) {
			size_t first = (size_t)(a - chunks[c].base) / 4096;
			size_t n = (len + 4095) / 4096;

			if (first + n > CHUNK_PAGES)
				return -EINVAL;
			mark(c, first, n, false);
			return 0;
		}
	}
	for (unsigned i = 0; i < BIG; i++) {
		if (bigs[i].ptr == addr) {
			ram_free(addr, bigs[i].ds);
			bigs[i].ptr = NULL;
			return 0;
		}
	}
	return -EINVAL; /* only whole big mappings */
}

long
libc_clock(struct timespec *ts)
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

/*
 * Pages are mapped readable and writable, in chunks shared by many
 * mappings, so rights cannot be taken from some of them: mprotect to
 * PROT_READ|PROT_WRITE (what musl's pthread_create asks for after its
 * PROT_NONE reservation) is what we have; execute is refused, and taking
 * rights away is not supported (musl's callers accept ENOSYS).
 */
static long
do_mprotect(long prot)
{
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (prot & PROT_EXEC)
		return -EACCES;
	return prot == (PROT_READ | PROT_WRITE) ? 0 : -ENOSYS;
}

/* select's timeval, checked (a raw call need not come from musl). */
static long
do_select(int n, fd_set *r, fd_set *w, fd_set *x, const struct timeval *tv)
{
	struct timespec t;

	if (!tv)
		return vfs_select(n, r, w, x, NULL);
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	t.tv_sec = tv->tv_sec;
	t.tv_nsec = tv->tv_usec * 1000;
	return vfs_select(n, r, w, x, &t);
}

static long
do_uname(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Bulkhead");
	strcpy(u->nodename, "bulkhead");
	strcpy(u->release, "0.1");
	strcpy(u->version, "0.1");
	strcpy(u->machine, "x86_64");
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

void
libc_flush_log(void)
{
	if (line_len)
		put("\n", 1);
}

_Noreturn void
libc_exit(int code)
{
	if (libc_vfork_child())
		libc_vfork_exit(code);
	libc_flush_log();
	component_exit(code);
}

static long
call(long n, long a, long b, long c, long d, long e)
{
	switch (n) {
	case SYS_write:
		return vfs_write(a, (const char *)b, (size_t)c);
	case SYS_writev:
		return do_writev(a, (const struct iovec *)b, c);
	case SYS_read:
		return vfs_read(a, (char *)b, (size_t)c);
	case SYS_readv:
		return do_readv(a, (const struct iovec *)b, c);
	case SYS_open:
		return vfs_open((const char *)a, (int)b, (int)c);
	case SYS_openat:
		return cwd_based(a, (const char *)b)
		    ? vfs_open((const char *)b, (int)c, (int)d)
		    : -ENOSYS;
	case SYS_close:
		return vfs_close(a);
	case SYS_lseek:
		return vfs_lseek(a, b, (int)c);
	case SYS_fstat:
		return vfs_fstat(a, (struct stat *)b);
	case SYS_stat:
	case SYS_lstat:
		return vfs_stat((const char *)a, (struct stat *)b);
	case SYS_newfstatat:
		if ((d & AT_EMPTY_PATH) && !*(const char *)b)
			return vfs_fstat(a, (struct stat *)c);
		return cwd_based(a, (const char *)b)
		    ? vfs_stat((const char *)b, (struct stat *)c)
		    : -ENOSYS;
	case SYS_access:
		return vfs_stat((const char *)a, &(struct stat){0});
	case SYS_mkdir:
		return vfs_mkdir((const char *)a);
	case SYS_rmdir:
		return vfs_unlink((const char *)a, true);
	case SYS_unlink:
		return vfs_unlink((const char *)a, false);
	case SYS_unlinkat:
		return cwd_based(a, (const char *)b)
		    ? vfs_unlink((const char *)b, c & AT_REMOVEDIR)
		    : -ENOSYS;
	case SYS_rename:
		return vfs_rename((const char *)a, (const char *)b);
	case SYS_getdents64:
		return vfs_getdents(a, (char *)b, (size_t)c);
	case SYS_chdir:
		return vfs_chdir((const char *)a);
	case SYS_getcwd:
		return vfs_getcwd((char *)a, (size_t)b);
	case SYS_dup:
		return vfs_fcntl(a, F_DUPFD, 0);
	case SYS_dup2:
		return vfs_dup(a, b, false);
	case SYS_dup3:
		return a == b ? -EINVAL : vfs_dup(a, b, c & O_CLOEXEC);
	case SYS_fcntl:
		return vfs_fcntl(a, (int)b, c);
	case SYS_pipe:
		return vfs_pipe((int *)a, 0);
	case SYS_pipe2:
		return vfs_pipe((int *)a, (int)b);
	case SYS_execve:
		return libc_execve((const char *)a, (char *const *)b,
		    (char *const *)c);
	case SYS_kill:
		return libc_kill(a, (int)b);
	case SYS_getppid:
		return libc_getppid();
	case SYS_getuid:
	case SYS_geteuid:
	case SYS_getgid:
	case SYS_getegid:
		return 0; /* no users: everyone is root of its own sandbox */
	case SYS_poll:
		return vfs_poll((struct pollfd *)a, (unsigned long)b, (int)c);
	case SYS_ppoll: /* the signal mask: none is ever blocked */
		return vfs_ppoll((struct pollfd *)a, (unsigned long)b,
		    (const struct timespec *)c);
	case SYS_select:
		return do_select((int)a, (fd_set *)b, (fd_set *)c, (fd_set *)d,
		    (const struct timeval *)e);
	case SYS_pselect6:
		return vfs_select((int)a, (fd_set *)b, (fd_set *)c, (fd_set *)d,
		    (const struct timespec *)e);
	case SYS_uname:
		return do_uname((struct utsname *)a);
	case SYS_utimensat:
		/* no times are kept: it exists, or it does not */
		return !b ? vfs_fstat(a, &(struct stat){0})
		    : cwd_based(a, (const char *)b)
		    ? vfs_stat((const char *)b, &(struct stat){0})
		    : -ENOSYS;
	case SYS_umask: {
		static long mask = 022;
		long old = mask;

		mask = a & 0777;
		return old;
	}
	case SYS_prctl:
		return a == PR_SET_NAME ? 0
					: -EINVAL; /* the name is the label */
	case SYS_ioctl:
		return vfs_ioctl(a, (unsigned long)b, (void *)c);
	case SYS_exit_group:
		libc_exit((int)a);
	case SYS_mmap:
		return do_mmap(a, (size_t)b, c, d, e);
	case SYS_munmap:
		return libc_munmap((void *)a, (size_t)b);
	case SYS_mremap:
		/* Mappings do not grow in place or move: musl's realloc then
		 * allocates anew and copies. */
		return -ENOMEM;
	case SYS_mprotect:
		return do_mprotect(c);
	case SYS_madvise:
		return 0;
	case SYS_brk:
		return 0; /* no break: malloc then takes mmap */
	case SYS_set_thread_area:
		return sys_thread_tls((uint64_t)a) ? -EINVAL : 0;
	case SYS_arch_prctl:
		return a == 0x1002 && !sys_thread_tls((uint64_t)b) ? 0
								   : -EINVAL;
	case SYS_getpid:
		return libc_getpid();
	case SYS_clock_gettime:
		return libc_clock((struct timespec *)b);
	case SYS_rt_sigprocmask:
		return 0;
	case SYS_rt_sigaction:
		return libc_sigaction((int)a, (const void *)b, (void *)c);
	case SYS_tkill: /* raise(): any of our threads is all of us */
		return libc_signal_self((int)b);
	case SYS_tgkill:
		return libc_signal_self((int)c);
	}
	return unsupported(n);
}

/* A futex wait that nobody wakes: the kernel's timed signal wait. */
static long
do_sleep(const struct timespec *t)
{
	static volatile int never;

	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000L)
		return -EINVAL;
	libc_futex(&never, 0 /* FUTEX_WAIT */, 0, t, NULL);
	return 0;
}

long
__bulkhead_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	long r;

	/* The calls of threads: they block or end without the lock. */
	switch (n) {
	case SYS_futex:
		return libc_futex((volatile int *)a, (int)b, (int)c,
		    (const struct timespec *)d, (volatile int *)e);
	case SYS_sched_yield:
		sys_thread_yield();
		return 0;
	case SYS_exit:
		libc_thread_exit();
	case SYS_gettid:
	case SYS_set_tid_address:
		return libc_gettid();
	case SYS_wait4:
		return libc_wait4((int)a, (int *)b, (int)c);
	case SYS_nanosleep:
		return do_sleep((const struct timespec *)a);
	case SYS_clock_nanosleep:
		return c & 1 /* TIMER_ABSTIME */
		    ? -EINVAL
		    : do_sleep((const struct timespec *)c);
	}
	(void)f;
	libc_lock(&libc_backend_lock);
	r = call(n, a, b, c, d, e);
	libc_unlock(&libc_backend_lock);
	return r;
}
