/*
 * Signals, as far as a component without a kernel's signal delivery can
 * have them: what rt_sigaction asked for (a handler, ignore, or the
 * default), raise() and kill() of ourselves (the handler runs at once, as
 * raise promises), and the terminal's interrupt (Ctrl-C in canonical
 * mode): a thread of ours waits for it and, while SIGINT has its default
 * action, ends the program as killed by SIGINT, so that a shell sees
 * 128 + 2. A handler cannot be run at a moment the program did not choose
 * (no thread is stopped), so an interrupt with a handler installed is
 * not delivered.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/terminal.h>

#include "libc.h"

#define SIGNALS 65u
#define WATCH_STACK 4096u

/* The kernel's struct sigaction, as musl passes it. */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned mask[2];
};

static struct k_sigaction actions[SIGNALS];
static uint64_t intr_sig;

long
libc_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
	if (sig < 1 || (unsigned)sig >= SIGNALS)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (old)
		*old = actions[sig];
	if (act)
		actions[sig] = *act;
	return 0;
}

/* The default action is to go on: the signals a process ignores unless
 * asked, and those that continue or stop one (nothing is stopped here). */
bool
libc_signal_ignored_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return true;
	}
	return false;
}

/* Ends the program as killed by sig. */
_Noreturn void
libc_signal_exit(int sig)
{
	if (libc_vfork_child())
		libc_vfork_exit(128 + sig); /* its parent is still us */
	libc_flush_log();
	component_exit(PARENT_EXIT_SIGNAL | sig);
}

/* raise(), kill(getpid()): called with the backend's lock held. */
long
libc_signal_self(int sig)
{
	void (*h)(int);

	if (sig < 0 || (unsigned)sig >= SIGNALS)
		return -EINVAL;
	if (!sig)
		return 0;
	h = actions[sig].handler;
	if (h == SIG_IGN ||
	    (h == SIG_DFL && libc_signal_ignored_by_default(sig)))
		return 0;
	if (h == SIG_DFL)
		libc_signal_exit(sig);
	libc_unlock(&libc_backend_lock);
	h(sig);
	libc_lock(&libc_backend_lock);
	return 0;
}

static int
watch(void *arg)
{
	(void)arg;
	for (;;) {
		sys_sig_wait(intr_sig, NULL);
		libc_lock(&libc_backend_lock);
		if (actions[SIGINT].handler == SIG_DFL)
			libc_signal_exit(SIGINT);
		libc_unlock(&libc_backend_lock);
	}
}

int __bulkhead_clone(int (*func)(void *), void *stack, int flags, void *arg,
    int *ptid, void *tls, int *ctid);

/* The terminal session at cap interrupts us from now on. */
void
libc_signal_terminal(uint64_t cap)
{
	char *stack;

	if (intr_sig)
		return;
	if (object_create(KOBJ_SIGNAL, &intr_sig) ||
	    rpc_call(cap, TERMINAL_INTR_SIGH, 0, intr_sig, 0, NULL) ||
	    !(stack = heap_alloc(WATCH_STACK)) ||
	    __bulkhead_clone(watch, stack + WATCH_STACK, 0, NULL, NULL, NULL,
		NULL) < 0)
		log_printf("libc: Ctrl-C will not interrupt");
}
