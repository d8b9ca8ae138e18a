/* What the backend's parts (syscall.c, thread.c) share. */
#pragma once

#include <stddef.h>
#include <time.h>

/*
 * The runtime underneath (slot and heap allocators, the log line) is not
 * thread-safe: every call into it holds this lock, but a futex wait never
 * does.
 */
extern volatile int libc_backend_lock;
void libc_lock(volatile int *l);
void libc_unlock(volatile int *l);

_Noreturn void libc_exit(int code); /* the component, with its code */
long libc_munmap(void *addr, size_t len);
long libc_clock(struct timespec *ts);

/* thread.c */
long libc_gettid(void);
long libc_futex(volatile int *addr, int op, int val, const struct timespec *t,
    volatile int *addr2);
_Noreturn void libc_thread_exit(void);
