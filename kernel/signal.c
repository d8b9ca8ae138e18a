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

/* A pending signal becomes a message to t, which waits on the endpoint. */
bool
signal_deliver(struct signal *s, struct thread *t)
{
	if (!s || !s->count)
		return false;
	t->utcb->msg[0] = s->count;
	t->regs.rax = 0;
	t->regs.rdi = MSG_INFO(SIGNAL_LABEL, 1, 0);
	t->regs.rsi = s->badges;
	s->count = 0;
	s->badges = 0;
	return true;
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
	} else if (s->bound && (w = queue_pop(&s->bound->receivers))) {
		signal_deliver(s, w);
		sched_ready(w);
	}
}

void
signal_destroy(struct signal *s)
{
	struct thread *t;

	if (s->bound)
		s->bound->bound = NULL;

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

long
sys_sig_bind(uint64_t sig, uint64_t ep)
{
	struct cap *sc, *ec;
	struct endpoint *e;
	struct signal *s;
	int err;

	if ((err = signal_lookup(sig, RIGHT_RECV, &sc)) ||
	    (err = cap_lookup(current()->pd, ep, KOBJ_ENDPOINT, RIGHT_RECV,
		 &ec)))
		return err;
	s = (struct signal *)sc->obj;
	e = (struct endpoint *)ec->obj;
	if (s->bound || e->bound)
		return -E_BUSY;
	s->bound = e;
	e->bound = s;
	return 0;
}
