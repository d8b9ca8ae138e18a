/*
 * Synchronous IPC through endpoints. A call hands the message to a waiting
 * receiver (or queues the caller), then waits for the reply; the receiver
 * remembers the caller as the one its next reply goes to. Message words are
 * copied from UTCB to UTCB; capabilities named in the sender's UTCB are
 * copied, as children of the sender's slots, into the empty slots the
 * receiver offers. The badge of the endpoint capability that was used
 * tells the receiver which of its clients or objects the call is for.
 *
 * A server may park the reply it owes (ipc_defer) in an empty slot of its
 * own and answer it later from any of its threads (ipc_answer). The slot
 * names the caller's own embedded reply object, so parking needs no memory:
 * a caller waits for one reply at a time. The capability cannot be copied
 * or sent; it empties when it is answered or when the caller stops, and
 * deleting it (also by the server's death) ends the caller's call with
 * E_ABORT.
 */
#include "kernel.h"

/*
 * Capabilities named in the sender's UTCB go to the receiver's offer, in
 * order, up to the first that cannot go (no grant right, no empty slot):
 * the count tells the receiver which arrived, as in seL4, so a capability
 * never lands in a slot the receiver offered for another.
 */
static unsigned
transfer_caps(struct thread *from, struct thread *to, unsigned ncaps)
{
	unsigned got = 0;

	for (unsigned i = 0; i < ncaps && i < MSG_CAPS_MAX; i++) {
		struct cap *src, *dst;

		if (cap_lookup(from->pd, from->utcb->snd_caps[i], 0,
			RIGHT_GRANT, &src) ||
		    cap_empty_slot(to->pd, to->utcb->rcv_caps[got], &dst))
			break;
		cap_copy(dst, src, RIGHT_ALL, 0);
		to->utcb->rcv_badges[got++] = src->badge;
	}
	return got;
}

/* The message words, and the receiver's result registers. */
static HOT void
copy_msg(struct thread *to, const uint64_t *words, uint64_t info,
    uint64_t badge, unsigned ncaps)
{
	unsigned n = MSG_NWORDS(info);

	if (n > MSG_WORDS_MAX)
		n = MSG_WORDS_MAX;
	for (unsigned i = 0; i < n; i++)
		to->utcb->msg[i] = words[i];
	to->regs.rax = 0;
	to->regs.rdi = MSG_INFO(MSG_LABEL(info), n, ncaps);
	to->regs.rsi = badge;
}

void
ipc_deliver(struct thread *from, struct thread *to, uint64_t info,
    uint64_t badge)
{
	unsigned ncaps = 0;

	if (from->faulting) {
		copy_msg(to, from->fault_msg,
		    MSG_INFO(FAULT_LABEL, FAULT_WORDS, 0), badge, 0);
		return;
	}
	if (MSG_NCAPS(info))
		ncaps = transfer_caps(from, to, MSG_NCAPS(info));
	copy_msg(to, from->utcb->msg, info, badge, ncaps);
}

/* The sender's message is in; it now waits for the reply, or goes on. */
static void
received(struct thread *r, struct thread *s, bool call)
{
	if (call) {
		r->caller = s;
		s->server = r;
		sched_block(s, s->faulting ? T_FAULT : T_REPLY, NULL);
	} else if (s->state != T_READY) {
		sched_ready(s);
	}
}

int
ipc_send_to(struct thread *s, struct cap *epc, uint64_t info, bool call)
{
	struct endpoint *ep = (struct endpoint *)epc->obj;
	struct thread *r = queue_pop(&ep->receivers);

	if (r) {
		ipc_deliver(s, r, info, epc->badge);
		received(r, s, call);
		sched_ready(r);
		return 0;
	}
	if (!call)
		return -E_AGAIN;
	s->send_info = info;
	s->send_badge = epc->badge;
	s->send_call = call;
	sched_block(s, T_SEND, &ep->senders);
	return 0;
}

static void
ipc_receive(struct thread *r, struct endpoint *ep)
{
	struct thread *s = queue_pop(&ep->senders);

	if (!s) {
		if (!signal_deliver(ep, r))
			sched_block(r, T_RECV, &ep->receivers);
		return;
	}
	ipc_deliver(s, r, s->send_info, s->send_badge);
	received(r, s, s->send_call);
}

/* The reply (or fault resolution) goes to c, which waited for it. */
static void
answer(struct thread *from, struct thread *c, uint64_t info)
{
	if (c->faulting)
		c->faulting = false;
	else
		ipc_deliver(from, c, info, 0);
	sched_ready(c);
}

/* What t waited for is gone; a faulting thread stays stopped. */
static void
abort_wait(struct thread *t)
{
	t->regs.rax = -E_ABORT;
	if (t->faulting)
		sched_block(t, T_STOPPED, NULL);
	else
		sched_ready(t);
}

static int
ipc_reply_to_caller(struct thread *server, uint64_t info)
{
	struct thread *c = server->caller;

	if (!c)
		return -E_NOENT;
	server->caller = NULL;
	c->server = NULL;
	answer(server, c, info);
	return 0;
}

/* A thread's reply object is part of it: a parked call costs no memory. */
static struct thread *
reply_thread(struct kobj *o)
{
	return (struct thread *)((char *)o - offsetof(struct thread, reply));
}

/*
 * The server deleted a parked reply, or its PD died with it: the caller
 * must not wait forever.
 */
void
reply_drop(struct cap *c)
{
	struct thread *t = reply_thread(c->obj);

	t->reply_slot = NULL;
	memset(c, 0, sizeof(*c));
	abort_wait(t);
}

/* t stops taking part in IPC: its caller is told, its server forgets it. */
void
ipc_abort(struct thread *t)
{
	struct thread *c = t->caller;

	if (c) {
		t->caller = NULL;
		c->server = NULL;
		abort_wait(c);
	}
	if (t->server) {
		t->server->caller = NULL;
		t->server = NULL;
	}
	/* A reply parked for t now reaches nothing: its slot empties. */
	if (t->reply_slot) {
		memset(t->reply_slot, 0, sizeof(*t->reply_slot));
		t->reply_slot = NULL;
	}
	if (t->state != T_READY)
		queue_remove(t);
}

void
endpoint_destroy(struct endpoint *ep)
{
	struct thread *t;

	signal_unbind_all(ep);
	while ((t = queue_pop(&ep->senders)) || (t = queue_pop(&ep->receivers)))
		abort_wait(t);
}

/* Kernel labels cannot be sent: a receiver may trust them. */
static int
check_label(uint64_t info)
{
	return MSG_LABEL(info) >= LABEL_KERNEL ? -E_INVAL : 0;
}

static long
send(uint64_t cap, uint64_t info, bool call)
{
	struct cap *c;
	int e;

	if ((e = check_label(info)) ||
	    (e = cap_lookup(current()->pd, cap, KOBJ_ENDPOINT, RIGHT_SEND, &c)))
		return e;
	return ipc_send_to(current(), c, info, call);
}

long
sys_ipc_call(uint64_t cap, uint64_t info)
{
	return send(cap, info, true);
}

long
sys_ipc_send(uint64_t cap, uint64_t info)
{
	return send(cap, info, false);
}

long
sys_ipc_reply_wait(uint64_t cap, uint64_t info)
{
	struct thread *t = current();
	struct cap *c;
	int e;

	if ((e = check_label(info)) ||
	    (e = cap_lookup(t->pd, cap, KOBJ_ENDPOINT, RIGHT_RECV, &c)))
		return e;
	if (t->caller)
		ipc_reply_to_caller(t, info);
	ipc_receive(t, (struct endpoint *)c->obj);
	return 0;
}

long
sys_ipc_reply(uint64_t info)
{
	int e = check_label(info);

	return e ? e : ipc_reply_to_caller(current(), info);
}

long
sys_ipc_defer(uint64_t slot)
{
	struct thread *t = current(), *c = t->caller;
	struct cap *d;
	int e;

	if (!c)
		return -E_NOENT;
	if ((e = cap_empty_slot(t->pd, slot, &d)))
		return e;
	/* A caller waits for one reply at a time, so it is parked once. */
	assert(!c->reply_slot);
	t->caller = NULL;
	c->server = NULL;
	c->reply.type = KOBJ_REPLY;
	c->reply.refs = 1;
	d->obj = &c->reply;
	d->rights = RIGHT_SEND;
	c->reply_slot = d;
	return 0;
}

long
sys_ipc_answer(uint64_t slot, uint64_t info)
{
	struct thread *t = current(), *c;
	struct cap *r;
	int e;

	if ((e = check_label(info)) ||
	    (e = cap_lookup(t->pd, slot, KOBJ_REPLY, RIGHT_SEND, &r)))
		return e;
	c = reply_thread(r->obj);
	c->reply_slot = NULL;
	memset(r, 0, sizeof(*r));
	answer(t, c, info);
	return 0;
}

/*
 * The fast path: a call to a waiting receiver, or a reply to a caller
 * followed by a wait with nobody queued, without capability transfer and
 * to a thread of the caller's own scheduling class. It hands the CPU
 * straight to the partner. It returns only when it does not apply; the
 * general path then does the same work with every case covered.
 */
void
ipc_fastpath(struct regs *r)
{
	struct thread *t = current(), *dst;
	bool call = r->rax == SYS_IPC_CALL;
	uint64_t idx = r->rdi, info = r->rsi;
	struct endpoint *ep;
	struct cap *c;

	if (idx >= t->pd->ncaps || MSG_NCAPS(info) ||
	    MSG_LABEL(info) >= LABEL_KERNEL)
		return;
	c = cap_at(t->pd, idx);
	if (!c->obj || c->obj->type != KOBJ_ENDPOINT ||
	    !(c->rights & (call ? RIGHT_SEND : RIGHT_RECV)))
		return;
	ep = (struct endpoint *)c->obj;
	if (call) {
		dst = ep->receivers.head;
	} else {
		dst = t->caller;
		if (ep->senders.head || (dst && dst->faulting) || ep->pending)
			return;
	}
	if (!dst || sched_class(dst) != sched_class(t))
		return;
	if (call) {
		queue_remove(dst);
		copy_msg(dst, t->utcb->msg, info, c->badge, 0);
		dst->caller = t;
		t->server = dst;
		sched_hand_over(t, dst, T_REPLY, NULL);
	} else {
		t->caller = NULL;
		dst->server = NULL;
		copy_msg(dst, t->utcb->msg, info, 0, 0);
		sched_hand_over(t, dst, T_RECV, &ep->receivers);
	}
	cpu_switch_to(dst);
	exit_to_user(&dst->regs);
}
