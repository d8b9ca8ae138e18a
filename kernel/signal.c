/*
 * Signals: counting notifications without payload. A submit adds one to the
 * count and ORs the badge of the capability used into the badge set; a wait
 * takes both and resets them. Receivers tell their sources apart by badge.
 */
#include "kernel.h"

static void
take(struct signal *s, struct thread *t)
{
	t->regs.rax = s->count;
	t->regs.rdi = s->badges;
	s->count = 0;
	s->badges = 0;
}

void
signal_submit(struct signal *s, uint64_t badge)
{
	struct thread *w;

	s->count++;
	s->badges |= badge;
	if ((w = queue_pop(&s->waiters))) {
		take(s, w);
		sched_ready(w);
	}
}

void
signal_destroy(struct signal *s)
{
	struct thread *t;

	while ((t = queue_pop(&s->waiters))) {
		t->regs.rax = -E_ABORT;
		sched_ready(t);
	}
}

static int
signal_lookup(uint64_t idx, unsigned rights, struct cap **c)
{
	return cap_lookup(current()->pd, idx, KOBJ_SIGNAL, rights, c);
}

long
sys_sig_submit(uint64_t cap)
{
	struct cap *c;
	int e;

	if ((e = signal_lookup(cap, RIGHT_SEND, &c)))
		return e;
	signal_submit((struct signal *)c->obj, c->badge);
	return 0;
}

static long
wait(uint64_t cap, bool block)
{
	struct thread *t = current();
	struct signal *s;
	struct cap *c;
	int e;

	if ((e = signal_lookup(cap, RIGHT_RECV, &c)))
		return e;
	s = (struct signal *)c->obj;
	if (s->count) {
		take(s, t);
		return (long)t->regs.rax;
	}
	if (block)
		sched_block(t, T_SIGNAL, &s->waiters);
	t->regs.rdi = 0;
	return 0;
}

long
sys_sig_wait(uint64_t cap)
{
	return wait(cap, true);
}

long
sys_sig_poll(uint64_t cap)
{
	return wait(cap, false);
}
