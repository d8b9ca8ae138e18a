/*
 * Threads: starting, stopping and configuring them, delivering their faults
 * to their fault endpoint, and tearing them down.
 */
#include "kernel.h"

static const char *const fault_names[] = {
    [FAULT_PAGE] = "page fault",
    [FAULT_DIVIDE] = "divide error",
    [FAULT_PRIVILEGED] = "protection fault",
    [FAULT_INVALID] = "invalid instruction",
    [FAULT_DEBUG] = "breakpoint",
    [FAULT_OTHER] = "exception",
};

/*
 * The thread stops; its fault goes, as a call, to its fault endpoint. A
 * reply resumes it. Without a handler the kernel says so and the thread
 * stays stopped: nothing else is affected.
 */
void
thread_fault(struct thread *t, unsigned kind, uint64_t addr, uint64_t error)
{
	t->fault_msg[FAULT_W_KIND] = kind;
	t->fault_msg[FAULT_W_ADDR] = addr;
	t->fault_msg[FAULT_W_IP] = t->regs.rip;
	t->fault_msg[FAULT_W_ERROR] = error;
	t->fault_msg[FAULT_W_SP] = t->regs.rsp;
	t->faulting = true;
	t->regs.vector = 0; /* resume through iret: rcx and r11 are live */
	if (t->fault_ep.obj) {
		ipc_send_to(t, &t->fault_ep, 0, true);
		return;
	}
	kprintf("kernel: unresolved fault: %s at %lx, ip %lx, thread %p\n",
	    fault_names[kind], addr, t->regs.rip, (void *)t);
	t->faulting = false;
	sched_block(t, T_STOPPED, NULL);
}

void
thread_destroy(struct thread *t)
{
	ipc_abort(t);
	sched_remove(t);
	cap_delete(&t->fault_ep);
	if (cpu0.fpu_owner == t)
		cpu0.fpu_owner = NULL;
	if (cpu0.current == t)
		cpu0.current = NULL;
	t->pd->threads--;
	obj_unref(&t->pd->obj);
}

static int
thread_lookup(uint64_t idx, struct thread **out)
{
	struct cap *c;
	int e = cap_lookup(current()->pd, idx, KOBJ_THREAD, RIGHT_SEND, &c);

	if (!e)
		*out = thread_of(c->obj);
	return e;
}

/* Take a thread out of whatever it was doing. */
static void
thread_halt(struct thread *t)
{
	ipc_abort(t);
	t->faulting = false;
	sched_block(t, T_STOPPED, NULL);
}

long
sys_thread_start(uint64_t thread, uint64_t ip, uint64_t sp, uint64_t arg)
{
	struct thread *t;
	int e;

	if ((e = thread_lookup(thread, &t)))
		return e;
	if (ip >= USER_TOP || sp >= USER_TOP)
		return -E_INVAL;
	thread_halt(t);
	t->regs.rip = ip;
	t->regs.rsp = sp;
	t->regs.rdi = arg;
	t->regs.rflags = 0x202;
	t->regs.vector = 0;
	sched_ready(t);
	return 0;
}

long
sys_thread_stop(uint64_t thread)
{
	struct thread *t;
	int e;

	if ((e = thread_lookup(thread, &t)))
		return e;
	thread_halt(t);
	return 0;
}

long
sys_thread_fault(uint64_t thread, uint64_t ep)
{
	struct thread *t;
	struct cap *c = NULL;
	int e;

	if ((e = thread_lookup(thread, &t)))
		return e;
	if (ep &&
	    (e = cap_lookup(current()->pd, ep, KOBJ_ENDPOINT, RIGHT_SEND, &c)))
		return e;
	cap_delete(&t->fault_ep);
	if (c)
		cap_copy(&t->fault_ep, c, RIGHT_SEND, 0);
	obj_reap();
	return 0;
}

long
sys_thread_tls(uint64_t base)
{
	if (base >= USER_TOP)
		return -E_INVAL;
	current()->fs_base = base;
	cpu_set_tls(base);
	return 0;
}
