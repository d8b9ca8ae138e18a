/*
 * The kernel's objects and the functions that generic kernel files share.
 * Every object lives in memory that core donated for it; a capability slot
 * names an object with rights and a badge; a derivation tree over the slots
 * lets revoke find every copy made from a capability.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <base/error.h>
#include <kernel/abi.h>

#include "arch.h"

/* Functions on the IPC fast path, inlined across files by LTO. */
#define HOT __attribute__((always_inline)) inline

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
#define assert(c)                                                    \
	((c) ? (void)0                                               \
	     : panic("assertion '%s' failed at %s:%d", #c, __FILE__, \
		   __LINE__))

#include <base/string.h>

/* Every object starts with this header. */
struct kobj {
	uint8_t type;
	uint32_t refs;       /* capability slots that name the object */
	struct kobj *zombie; /* next object waiting to be torn down */
};

/*
 * A capability slot. Copies made by cap_derive (or by IPC transfer) are its
 * children: revoke deletes the subtree, delete moves the children up to the
 * slot's parent so that they stay reachable from the original.
 */
struct cap {
	_Alignas(64) struct kobj *obj; /* NULL: the slot is empty */
	uint64_t badge;
	uint32_t rights;
	struct cap *parent, *child, *next, *prev;
};

/* A FIFO of threads, circular through thread.qnext and qprev. */
struct queue {
	struct thread *head;
	uint32_t bit; /* a run queue's bit in the scheduler's mask */
};

/*
 * A PD's capability space: pages of slots that core donates, the first
 * with the PD and more as it grows (pd_grow); slot i is in page i / 64.
 */
#define CAPS_PER_PAGE (PAGE_SIZE / sizeof(struct cap))

struct pd {
	struct kobj obj;
	uint64_t pml4; /* physical address of the top page table */
	struct cap *cap_page[CAP_PAGES_MAX];
	uint32_t ncaps;        /* slots: CAPS_PER_PAGE times the pages */
	uint32_t threads;      /* threads that run in this PD */
	bool privileged;       /* the root task: may create and map */
	uint8_t *iobitmap;     /* NULL: no I/O ports */
	uint32_t io_lo, io_hi; /* bytes of the bitmap that allow something */
};

enum thread_state {
	T_STOPPED, /* created, faulted without a handler, or stopped */
	T_READY,
	T_SEND,   /* in an endpoint's senders queue */
	T_RECV,   /* in an endpoint's receivers queue */
	T_REPLY,  /* waiting for the reply to its call */
	T_SIGNAL, /* in a signal's waiters queue */
	T_FAULT,  /* waiting for its fault handler's reply */
};

struct thread {
	struct regs regs; /* first: TSS.rsp0 points at its end */
	struct kobj obj;
	struct pd *pd;
	struct utcb *utcb;
	enum thread_state state;
	struct thread *qnext, *qprev;
	struct queue *queue;    /* the queue the thread is in, if any */
	struct thread *caller;  /* a server: whom its next reply goes to */
	struct thread *server;  /* a caller: who holds its reply */
	struct kobj reply;      /* a caller: what a parked reply names */
	struct cap *reply_slot; /* a caller: the slot its reply is parked in */
	uint64_t send_info;     /* in T_SEND: the message info to deliver */
	uint64_t send_badge;
	bool send_call; /* in T_SEND: a call (waits for the reply) */
	bool faulting;  /* its message is the fault below */
	uint64_t fault_msg[FAULT_WORDS];
	struct cap fault_ep; /* where its faults go */
	uint64_t fs_base;
	uint64_t gs_base;  /* its UTCB's address, so user code finds it */
	uint64_t deadline; /* a timed signal wait ends at this tick */
	struct thread *timed_next; /* in the list of timed waits */
	/* Scheduling (sched.c). */
	unsigned prio, quota;    /* quota: ticks of claim per period */
	unsigned claim, quantum; /* ticks left this period and this turn */
	struct thread *quota_next;
	struct fpu fpu;
};

/* A thread's header is not its first member: its frame is. */
static inline struct thread *
thread_of(struct kobj *o)
{
	return (struct thread *)((char *)o - offsetof(struct thread, obj));
}

struct endpoint {
	struct kobj obj;
	struct queue senders, receivers;
	struct signal *bound;           /* every signal bound to it */
	struct signal *pending, *ptail; /* FIFO of those with a count */
};

struct signal {
	struct kobj obj;
	uint64_t count, badges;
	struct queue waiters;
	struct endpoint *bound;
	struct signal *bnext, *bprev; /* in bound->bound */
	struct signal *pnext, *pprev; /* in bound->pending, if queued */
	bool queued;
};

struct irq {
	struct kobj obj;
	unsigned source;  /* as obj_create was given it */
	bool pending;     /* level: fired, not yet acknowledged */
	struct irq *next; /* the other objects bound to the source */
	struct cap sig;
};

/* capability.c */
int cap_lookup(struct pd *pd, uint64_t idx, unsigned type, unsigned rights,
    struct cap **out);
int cap_empty_slot(struct pd *pd, uint64_t idx, struct cap **out);

/* Slot idx of pd's space; idx < pd->ncaps. */
static inline struct cap *
cap_at(struct pd *pd, uint64_t idx)
{
	return &pd->cap_page[idx / CAPS_PER_PAGE][idx % CAPS_PER_PAGE];
}
void cap_copy(struct cap *dst, struct cap *src, unsigned rights,
    uint64_t badge);
void cap_delete(struct cap *c);
void cap_revoke(struct cap *c);

/* object.c */
void obj_unref(struct kobj *o);
void obj_reap(void);
struct pd *pd_boot_create(uint64_t obj, uint64_t npages);
struct thread *thread_boot_create(struct pd *pd, uint64_t obj, uint64_t utcb,
    uint64_t utcb_va);

/* sched.c */
extern uint64_t sched_ticks;
void queue_push(struct queue *q, struct thread *t);
struct thread *queue_pop(struct queue *q);
void queue_remove(struct thread *t);
void sched_ready(struct thread *t);
void sched_block(struct thread *t, enum thread_state s, struct queue *q);
void sched_set(struct thread *t, unsigned prio, unsigned quota);
void sched_tick(void);
void sched_remove(struct thread *t);
void sched_init(void);
void sched_hand_over(struct thread *from, struct thread *to,
    enum thread_state s, struct queue *q);
int sched_class(const struct thread *t);
struct thread *sched_pick(void);
_Noreturn void sched_exit(void);
static inline struct thread *
current(void)
{
	return cpu0.current;
}

/* thread.c */
void thread_fault(struct thread *t, unsigned kind, uint64_t addr,
    uint64_t error);
void thread_destroy(struct thread *t);

/* ipc.c */
void ipc_deliver(struct thread *from, struct thread *to, uint64_t info,
    uint64_t badge);
void ipc_abort(struct thread *t);
void ipc_fastpath(struct regs *r);
int ipc_send_to(struct thread *sender, struct cap *ep, uint64_t info,
    bool call);
void endpoint_destroy(struct endpoint *ep);
void reply_drop(struct cap *c);

/* signal.c */
void signal_submit(struct signal *s, uint64_t badge);
bool signal_deliver(struct endpoint *ep, struct thread *t);
void signal_unbind_all(struct endpoint *ep);
void signal_destroy(struct signal *s);
void signal_tick(uint64_t now);
void signal_forget(struct thread *t);

/* irq.c */
int irq_bind(uint64_t pa, uint64_t source, struct cap *sig);
void irq_raise(unsigned v);
void irq_destroy(struct irq *irq);

/* main.c */
uint64_t boot_alloc(uint64_t pages);
bool phys_ok(uint64_t pa, uint64_t size);
bool kernel_image(uint64_t pa);

/* The system calls, generated from kernel/syscalls.def. */
#include <kernel_syscalls.h>
