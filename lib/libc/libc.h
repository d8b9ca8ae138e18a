/* What the backend's parts (syscall.c, thread.c) share. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
void libc_flush_log(void);          /* a started line of the log */
long libc_munmap(void *addr, size_t len);
long libc_clock(struct timespec *ts);

/* thread.c */
long libc_gettid(void);
long libc_futex(volatile int *addr, int op, int val, const struct timespec *t,
    volatile int *addr2);
_Noreturn void libc_thread_exit(void);

/* spawn.c: starting programs as child components */
long libc_execve(const char *path, char *const *argv, char *const *envp);
long libc_wait4(int pid, int *status, int options);
long libc_kill(long pid, int sig);
int libc_vfork_child(void); /* 1 inside a vfork child */
_Noreturn void libc_vfork_exit(int code);
int libc_clone_vfork(int (*fn)(void *), void *stack, void *arg);
struct config;
void spawn_init(const struct config *cfg); /* <spawn ram="32M"/> */
int libc_getpid(void);                     /* <process pid>, else 1 */
int libc_getppid(void);                    /* <process ppid>, else 0 */

/* signal.c */
struct k_sigaction;
long libc_sigaction(int sig, const struct k_sigaction *act,
    struct k_sigaction *old);
bool libc_signal_ignored_by_default(int sig);
long libc_signal_self(int sig); /* with the backend's lock */
_Noreturn void libc_signal_exit(int sig);
void libc_signal_terminal(uint64_t cap); /* its Ctrl-C interrupts us */
