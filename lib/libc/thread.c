/*
 * Threads for musl: clone, futexes and thread exit on Bulkhead's kernel
 * threads.
 *
 * A thread is a kernel thread of the component's own PD (PD_THREAD) with a
 * UTCB of its own, so each thread's RPCs use its own message words. It
 * never ends: when its work is done it moves to a small park stack of its
 * own, after which its musl stack may be freed, and waits on its signal
 * for the next clone to hand it work. So the PD's thread slots are spent
 * only by threads that run at the same time.
 *
 * Futexes are a list of waiting threads under one lock; each thread waits
 * on its own signal object, which a waker submits. A signal counts, so a
 * wake between the check and the wait is never lost.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>
#include <session/pd.h>

#include "libc.h"

#define THREADS 32u /* with the main thread */
#define PARK_STACK 2048u
#define CLONE_VFORK 0x4000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_PRIVATE 128
/* Priority and CPU quota asked for: those of a child init starts without
 * "priority" and "cpu" (no claim of its own, as the main thread). */
#define THREAD_PRIO 2u
#define THREAD_CPU 0u

enum state {
	UNUSED,
	RUNNING,
	PARKED
};

struct thread {
	volatile enum state state;
	uint64_t sig; /* its signal: futex wakes and new work */
	/* The work: musl's start function, its argument, stack and TLS. */
	int (*func)(void *);
	void *arg;
	uint64_t stack, tls;
	volatile int *clear_tid; /* CLONE_CHILD_CLEARTID: 0 and wake at exit */
	void *unmap_base;        /* __unmapself: the stack to free at exit */
	size_t unmap_size;
	volatile void *waits_on; /* the futex it waits on, or NULL */
	struct thread *next;     /* in the futex list */
	_Alignas(16) char park[PARK_STACK];
};

/* Index 0 is the main thread, tid 1; thread i has tid i + 1. */
static struct thread threads[THREADS];
static struct thread *waiters;
static volatile int futex_lock;

/* A spin lock that yields: threads of one component share a priority. */
void
libc_lock(volatile int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		sys_thread_yield();
}

void
libc_unlock(volatile int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* The runtime keeps the calling thread's record in its UTCB. */
static struct thread *
self(void)
{
	struct thread *t = (struct thread *)utcb_self()->tls[0];

	return t ? t : &threads[0];
}

long
libc_gettid(void)
{
	return self() - threads + 1;
}

static int
own_signal(struct thread *t)
{
	int e = 0;

	if (!t->sig) {
		libc_lock(&libc_backend_lock);
		e = object_create(KOBJ_SIGNAL, &t->sig);
		libc_unlock(&libc_backend_lock);
	}
	return e;
}

static void
unlink_waiter(struct thread *t)
{
	for (struct thread **p = &waiters; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->waits_on = NULL;
}

static long
futex_wait(volatile int *addr, int val, const struct timespec *timeout)
{
	struct thread *t = self();
	uint64_t n, us = 0;

	if (own_signal(t))
		return -ENOMEM;
	if (timeout) {
		if (timeout->tv_sec < 0 || timeout->tv_nsec < 0)
			return -EINVAL;
		us = (uint64_t)timeout->tv_sec * 1000000u +
		    (uint64_t)timeout->tv_nsec / 1000 + 1;
		if (us > 1ull << 40) /* the kernel's limit, about 12 days */
			us = 1ull << 40;
	}
	libc_lock(&futex_lock);
	if (*addr != val) {
		libc_unlock(&futex_lock);
		return -EAGAIN;
	}
	t->waits_on = addr;
	t->next = waiters;
	waiters = t;
	libc_unlock(&futex_lock);
	if (!timeout) {
		sys_sig_wait(t->sig, &n);
		return 0;
	}
	if (sys_sig_wait_for(t->sig, us, &n) != -E_TIMEOUT)
		return 0;
	libc_lock(&futex_lock);
	if (t->waits_on) {
		unlink_waiter(t);
		libc_unlock(&futex_lock);
		return -ETIMEDOUT;
	}
	libc_unlock(&futex_lock);
	sys_sig_wait(t->sig, &n); /* woken just now: take that wake */
	return 0;
}

/* Wakes up to n waiters on addr, then moves up to move of the rest to to. */
static long
futex_wake(volatile void *addr, long n, volatile void *to, long move)
{
	long woken = 0;

	libc_lock(&futex_lock);
	for (struct thread **p = &waiters; *p;) {
		struct thread *t = *p;

		if (t->waits_on != addr) {
			p = &t->next;
		} else if (woken < n) {
			*p = t->next;
			t->waits_on = NULL;
			sys_sig_submit(t->sig);
			woken++;
		} else if (move > 0) {
			t->waits_on = to;
			move--;
			p = &t->next;
		} else {
			p = &t->next;
		}
	}
	libc_unlock(&futex_lock);
	return woken;
}

long
libc_futex(volatile int *addr, int op, int val, const struct timespec *t,
    volatile int *addr2)
{
	switch (op & ~FUTEX_PRIVATE) {
	case FUTEX_WAIT:
		return futex_wait(addr, val, t);
	case FUTEX_WAKE:
		return futex_wake(addr, val, NULL, 0);
	case FUTEX_REQUEUE:
		/* The fourth argument is a count here, not a timeout. */
		return futex_wake(addr, val, addr2, (long)(uintptr_t)t);
	}
	return -ENOSYS;
}

static _Noreturn void park(struct thread *t);

/* Runs fn(t) on the stack whose top is sp; fn does not return. */
static _Noreturn void
switch_stack(uint64_t sp, void (*fn)(struct thread *), struct thread *t)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call *%1"
			 :
			 : "r"(sp), "r"(fn), "D"(t)
			 : "memory");
	__builtin_unreachable();
}

/* On the park stack: the thread's musl stack is no longer in use. */
static void
finish(struct thread *t)
{
	if (t->unmap_base) {
		libc_lock(&libc_backend_lock);
		libc_munmap(t->unmap_base, t->unmap_size);
		libc_unlock(&libc_backend_lock);
	}
	t->unmap_base = NULL;
	if (t->clear_tid) {
		*t->clear_tid = 0;
		futex_wake(t->clear_tid, 1, NULL, 0);
		t->clear_tid = NULL;
	}
	t->state = PARKED;
	park(t);
}

_Noreturn void
libc_thread_exit(void)
{
	struct thread *t = self();

	if (t == &threads[0])
		libc_exit(0);
	switch_stack((uint64_t)(t->park + PARK_STACK), finish, t);
}

/* musl's __unmapself: a detached thread ends and its stack goes. */
_Noreturn void __bulkhead_unmapself(void *base, size_t size);

_Noreturn void
__bulkhead_unmapself(void *base, size_t size)
{
	struct thread *t = self();

	t->unmap_base = base;
	t->unmap_size = size;
	libc_thread_exit();
}

static void
run(struct thread *t)
{
	t->func(t->arg); /* musl's start ends in SYS_exit */
	libc_thread_exit();
}

/* A thread's life: wait for work, run it on its stack, repeat. */
static _Noreturn void
park(struct thread *t)
{
	uint64_t n;

	for (;;) {
		sys_sig_wait(t->sig, &n);
		if (t->state != RUNNING)
			continue;
		sys_thread_tls(t->tls);
		switch_stack(t->stack, run, t);
	}
}

static void
thread_entry(uint64_t arg)
{
	struct thread *t = (struct thread *)arg;

	utcb_self()->tls[0] = (uint64_t)t;
	park(t);
}

/*
 * musl's __clone(func, stack, flags, arg, ptid, tls, ctid), for
 * pthread_create: only a new thread in this component (CLONE_VM and
 * friends, which musl always passes). Returns the tid or -errno.
 */
int __bulkhead_clone(int (*func)(void *), void *stack, int flags, void *arg,
    int *ptid, void *tls, int *ctid);

int
__bulkhead_clone(int (*func)(void *), void *stack, int flags, void *arg,
    int *ptid, void *tls, int *ctid)
{
	struct thread *t = NULL;
	uint64_t *w = utcb_self()->msg;
	bool fresh = false;
	unsigned i;
	int e;

	/* posix_spawn: a child in our address space until it execs. */
	if (flags & CLONE_VFORK)
		return libc_clone_vfork(func, stack, arg);
	/* A parked thread first; else a slot never used. */
	libc_lock(&futex_lock);
	for (i = 1; i < THREADS && threads[i].state != PARKED; i++)
		;
	if (i == THREADS)
		for (i = 1; i < THREADS && threads[i].state != UNUSED; i++)
			;
	if (i < THREADS) {
		t = &threads[i];
		fresh = t->state == UNUSED;
		t->state = RUNNING;
	}
	libc_unlock(&futex_lock);
	if (!t)
		return -EAGAIN;
	t->func = func;
	t->arg = arg;
	t->stack = (uint64_t)stack & ~15ul; /* switch_stack calls from it */
	t->tls = flags & CLONE_SETTLS ? (uint64_t)tls : 0;
	t->clear_tid = flags & CLONE_CHILD_CLEARTID ? ctid : NULL;
	if (flags & CLONE_PARENT_SETTID)
		*ptid = (int)i + 1;
	if (fresh) {
		if (own_signal(t)) {
			t->state = UNUSED;
			return -EAGAIN;
		}
		/* The kernel starts it as if called: the stack 16-aligned
		 * minus the return address. */
		libc_lock(&libc_backend_lock);
		w[0] = (uint64_t)thread_entry;
		w[1] = (uint64_t)(t->park + PARK_STACK) - 8;
		w[2] = (uint64_t)t;
		w[3] = UTCB_MAIN + i * 4096;
		w[4] = THREAD_PRIO;
		w[5] = THREAD_CPU;
		e = (int)rpc_call(CAP_PD, PD_THREAD, 6, 0, 0, NULL);
		libc_unlock(&libc_backend_lock);
		if (e) {
			log_printf("libc: cannot create a thread: error %d",
			    -e);
			t->state = UNUSED;
			return -EAGAIN;
		}
	}
	sys_sig_submit(t->sig);
	return (int)i + 1;
}
