/*
 * Signals: counting notifications without payload. A submit adds one to the
 * count and ORs the badge of the capability used into the badge set; a wait
 * takes both and resets them. Receivers tell their sources apart by badge,
 * or, for many sources, by giving each its own signal: any number can be
 * bound to one endpoint, where each signal with a count waits once in a
 * FIFO and arrives as a message of its own. The lists run through the
 * signals themselves, so binding costs the kernel no memory.
 */
#include "kernel.h"

static void
pending_remove(struct signal *s)
{
	struct endpoint *ep = s->bound;

	if (!s->queued)
		return;
	if (s->pprev)
		s->pprev->pnext = s->pnext;
	else
		ep->pending = s->pnext;
	if (s->pnext)
		s->pnext->pprev = s->pprev;
	else
		ep->ptail = s->pprev;
	s->pnext = s->pprev = NULL;
	s->queued = false;
}

static void
pending_push(struct endpoint *ep, struct signal *s)
{
	s->pnext = NULL;
	s->pprev = ep->ptail;
	if (ep->ptail)
		ep->ptail->pnext = s;
	else
		ep->pending = s;
	ep->ptail = s;
	s->queued = true;
}

static void
take(struct signal *s, struct thread *t)
{
	t->regs.rax = s->count;
	t->regs.rdi = s->badges;
	s->count = 0;
	s->badges = 0;
	pending_remove(s);
}

/* s becomes a message to t, which waits on the endpoint s is bound to. */
static void
deliver(struct signal *s, struct thread *t)
{
	t->utcb->msg[0] = s->count;
	t->regs.rax = 0;
	t->regs.rdi = MSG_INFO(SIGNAL_LABEL, 1, 0);
	t->regs.rsi = s->badges;
	s->count = 0;
	s->badges = 0;
	pending_remove(s);
}

/* The oldest pending signal bound to ep goes to t, if there is one. */
bool
signal_deliver(struct endpoint *ep, struct thread *t)
{
	if (!ep->pending)
		return false;
	deliver(ep->pending, t);
	return true;
}

/*
 * Receivers only wait on an endpoint whose FIFO is empty, so a signal
 * goes straight to one of them or joins the FIFO, once, until taken.
 */
void
signal_submit(struct signal *s, uint64_t badge)
{
	struct thread *w;

	s->count++;
	s->badges |= badge;
	if ((w = queue_pop(&s->waiters))) {
		take(s, w);
		sched_ready(w);
	} else if (s->bound && !s->queued) {
		if ((w = queue_pop(&s->bound->receivers))) {
			deliver(s, w);
			sched_ready(w);
		} else {
			pending_push(s->bound, s);
		}
	}
}

static void
unbind(struct signal *s)
{
	struct endpoint *ep = s->bound;

	if (!ep)
		return;
	pending_remove(s);
	if (s->bprev)
		s->bprev->bnext = s->bnext;
	else
		ep->bound = s->bnext;
	if (s->bnext)
		s->bnext->bprev = s->bprev;
	s->bnext = s->bprev = NULL;
	s->bound = NULL;
}

/* The endpoint dies: its signals stay, unbound, with their counts. */
void
signal_unbind_all(struct endpoint *ep)
{
	while (ep->bound)
		unbind(ep->bound);
}

void
signal_destroy(struct signal *s)
{
	struct thread *t;

	unbind(s);
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

	if ((err = signal_lookup(sig, RIGHT_RECV, &sc)))
		return err;
	s = (struct signal *)sc->obj;
	if (!ep) {
		unbind(s);
		return 0;
	}
	if ((err = cap_lookup(current()->pd, ep, KOBJ_ENDPOINT, RIGHT_RECV,
		 &ec)))
		return err;
	e = (struct endpoint *)ec->obj;
	if (s->bound)
		return -E_BUSY;
	s->bound = e;
	s->bnext = e->bound;
	s->bprev = NULL;
	if (e->bound)
		e->bound->bprev = s;
	e->bound = s;
	/* A count from before the binding arrives as a message too. */
	if (s->count && !s->waiters.head)
		pending_push(e, s);
	return 0;
}
