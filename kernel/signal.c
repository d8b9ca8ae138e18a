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

/* Threads in a timed wait; unlinked lazily, on a tick, once woken. */
static struct thread *timed;

static void
timed_unlink(struct thread *t)
{
	for (struct thread **p = &timed; *p; p = &(*p)->timed_next)
		if (*p == t) {
			*p = t->timed_next;
			break;
		}
	t->deadline = 0;
}

/* On every tick: a wait whose deadline has come ends with E_TIMEOUT. */
void
signal_tick(uint64_t now)
{
	struct thread **p = &timed, *t;

	while ((t = *p)) {
		if (t->state == T_SIGNAL && now < t->deadline) {
			p = &t->timed_next;
			continue;
		}
		*p = t->timed_next;
		if (t->state == T_SIGNAL) {
			queue_remove(t);
			t->regs.rax = (uint64_t)-E_TIMEOUT;
			t->regs.rdi = 0;
			sched_ready(t);
		}
		t->deadline = 0;
	}
}

/* A thread that goes away leaves the list. */
void
signal_forget(struct thread *t)
{
	if (t->deadline)
		timed_unlink(t);
}

static long
wait(uint64_t cap, bool block, uint64_t us)
{
	struct thread *t = current();
	struct signal *s;
	struct cap *c;
	int e;

	if ((e = signal_lookup(cap, RIGHT_RECV, &c)))
		return e;
	if (t->deadline) /* still listed from an earlier timed wait */
		timed_unlink(t);
	s = (struct signal *)c->obj;
	if (s->count) {
		take(s, t);
		return (long)t->regs.rax;
	}
	t->regs.rdi = 0;
	if (block && us) {
		t->deadline = sched_ticks + (us + TICK_US - 1) / TICK_US + 1;
		t->timed_next = timed;
		timed = t;
	}
	if (block)
		sched_block(t, T_SIGNAL, &s->waiters);
	return 0;
}

long
sys_sig_wait(uint64_t cap)
{
	return wait(cap, true, 0);
}

long
sys_sig_wait_for(uint64_t cap, uint64_t us)
{
	if (!us || us > (1ull << 40))
		return -E_INVAL;
	return wait(cap, true, us);
}

long
sys_sig_poll(uint64_t cap)
{
	return wait(cap, false, 0);
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
