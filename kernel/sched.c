/*
 * Scheduling: fixed priorities with round-robin quanta, bounded by a CPU
 * quota. A thread with claim left (its quota of ticks in this period) runs
 * by priority; one that has spent its claim, or never had a quota, only
 * gets the time that no claiming thread wants, round-robin among equals.
 * So a busy thread can take no more than its quota from threads below it.
 * The running thread stays at the head of its ready queue.
 */
#include "kernel.h"

#define QUANTUM 10u /* ticks */
#define PERIOD 100u /* ticks */

/* runq[0]: threads without claim; runq[p + 1]: claiming at priority p. */
static struct queue runq[PRIORITY_MAX + 2];
static uint32_t runq_mask; /* bit i: runq[i] is not empty */
static struct thread *quota_list;
uint64_t sched_ticks;

void
queue_push(struct queue *q, struct thread *t)
{
	struct thread *h = q->head;

	if (!h) {
		t->qnext = t->qprev = t;
		q->head = t;
		runq_mask |= q->bit;
	} else {
		t->qnext = h;
		t->qprev = h->qprev;
		h->qprev->qnext = t;
		h->qprev = t;
	}
	t->queue = q;
}

void
queue_remove(struct thread *t)
{
	struct queue *q = t->queue;

	if (!q)
		return;
	if (t->qnext == t) {
		q->head = NULL;
		runq_mask &= ~q->bit;
	} else {
		t->qprev->qnext = t->qnext;
		t->qnext->qprev = t->qprev;
		if (q->head == t)
			q->head = t->qnext;
	}
	t->queue = NULL;
}

struct thread *
queue_pop(struct queue *q)
{
	struct thread *t = q->head;

	if (t)
		queue_remove(t);
	return t;
}

void
sched_init(void)
{
	for (unsigned i = 0; i < PRIORITY_MAX + 2; i++)
		runq[i].bit = 1u << i;
}

int
sched_class(const struct thread *t)
{
	return t->claim ? (int)t->prio + 1 : 0;
}

static struct queue *
home(struct thread *t)
{
	return &runq[sched_class(t)];
}

void
sched_ready(struct thread *t)
{
	queue_remove(t);
	t->state = T_READY;
	queue_push(home(t), t);
}

void
sched_block(struct thread *t, enum thread_state s, struct queue *q)
{
	queue_remove(t);
	t->state = s;
	if (q)
		queue_push(q, t);
}

/*
 * The running thread 'from' blocks and 'to', of the same scheduling class
 * and in no queue, runs instead: it takes from's place in the run queue,
 * which keeps the order of the others. The IPC fast path's switch.
 */
HOT void
sched_hand_over(struct thread *from, struct thread *to, enum thread_state s,
    struct queue *q)
{
	struct queue *h = from->queue;

	if (from->qnext == from) {
		to->qnext = to->qprev = to;
	} else {
		to->qnext = from->qnext;
		to->qprev = from->qprev;
		from->qprev->qnext = to;
		from->qnext->qprev = to;
	}
	if (h->head == from)
		h->head = to;
	to->queue = h;
	to->state = T_READY;
	from->queue = NULL;
	from->state = s;
	if (q)
		queue_push(q, from);
}

struct thread *
sched_pick(void)
{
	if (!runq_mask)
		return NULL;
	return runq[31 - __builtin_clz(runq_mask)].head;
}

void
sched_exit(void)
{
	struct thread *t = sched_pick();

	if (!t)
		cpu_idle();
	if (t != cpu0.current)
		cpu_switch_to(t);
	exit_to_user(&t->regs);
}

/* Move a ready thread to the tail of the queue it belongs in now. */
static void
requeue(struct thread *t)
{
	if (t->state == T_READY)
		sched_ready(t);
}

void
sched_set(struct thread *t, unsigned prio, unsigned quota)
{
	struct thread **p;

	for (p = &quota_list; *p && *p != t; p = &(*p)->quota_next)
		;
	if (*p)
		*p = t->quota_next;
	t->prio = prio;
	t->quota = quota * PERIOD / QUOTA_FULL;
	t->claim = t->quota;
	if (t->quota) {
		t->quota_next = quota_list;
		quota_list = t;
	}
	requeue(t);
}

void
sched_remove(struct thread *t)
{
	signal_forget(t);
	sched_set(t, 0, 0);
	queue_remove(t);
}

static void
refill(void)
{
	for (struct thread *t = quota_list; t; t = t->quota_next) {
		bool was = t->claim;

		t->claim = t->quota;
		if (!was)
			requeue(t);
	}
}

void
sched_tick(void)
{
	struct thread *t = cpu0.current;

	sched_ticks++;
	signal_tick(sched_ticks);
	if (t && t->state == T_READY) {
		bool claiming = t->claim;

		if (claiming)
			t->claim--;
		if ((claiming && !t->claim) || ++t->quantum >= QUANTUM) {
			t->quantum = 0;
			requeue(t);
		}
	}
	if (sched_ticks % PERIOD == 0)
		refill();
}

long
sys_thread_yield(void)
{
	current()->quantum = 0;
	requeue(current());
	return 0;
}

long
sys_thread_sched(uint64_t thread, uint64_t prio, uint64_t quota)
{
	struct cap *c;
	int e;

	if (!current()->pd->privileged)
		return -E_PERM;
	if ((e = cap_lookup(current()->pd, thread, KOBJ_THREAD, 0, &c)))
		return e;
	if (prio > PRIORITY_MAX || quota > QUOTA_FULL)
		return -E_RANGE;
	sched_set(thread_of(c->obj), (unsigned)prio, (unsigned)quota);
	return 0;
}

long
sys_kinfo(uint64_t what)
{
	switch (what) {
	case KINFO_TSC_KHZ:
		return (long)apic_tsc_khz();
	case KINFO_TICKS:
		return (long)sched_ticks;
	case KINFO_TICK_US:
		return TICK_US;
	case KINFO_QUANTUM:
		return QUANTUM;
	case KINFO_PERIOD:
		return PERIOD;
	case KINFO_CAPS:
		return current()->pd->ncaps;
	}
	return -E_INVAL;
}
