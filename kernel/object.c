/*
 * Creating kernel objects in memory that core donates, and tearing them down
 * when the last capability to them goes. Teardown is deferred to a list
 * (obj_reap) so that an object whose death drops the last reference to
 * another never recurses: the kernel stack stays bounded.
 */
#include "kernel.h"

static struct kobj *zombies;

_Static_assert(sizeof(struct thread) <= KOBJ_PAGE, "a thread fits a page");
_Static_assert(sizeof(struct endpoint) <= KOBJ_SMALL, "endpoint size");
_Static_assert(sizeof(struct signal) <= KOBJ_SMALL, "signal size");
_Static_assert(sizeof(struct irq) <= KOBJ_SMALL, "irq size");

void
obj_unref(struct kobj *o)
{
	assert(o->refs > 0);
	if (--o->refs == 0) {
		o->zombie = zombies;
		zombies = o;
	}
}

static void
pd_destroy(struct pd *pd)
{
	for (uint32_t i = 0; i < pd->ncaps; i++)
		cap_delete(cap_at(pd, i));
	mmu_pd_destroy(pd);
	cpu_pd_destroy(pd);
}

void
obj_reap(void)
{
	while (zombies) {
		struct kobj *o = zombies;

		zombies = o->zombie;
		switch (o->type) {
		case KOBJ_PD:
			pd_destroy((struct pd *)o);
			break;
		case KOBJ_THREAD:
			thread_destroy(thread_of(o));
			break;
		case KOBJ_ENDPOINT:
			endpoint_destroy((struct endpoint *)o);
			break;
		case KOBJ_SIGNAL:
			signal_destroy((struct signal *)o);
			break;
		case KOBJ_IRQ:
			irq_destroy((struct irq *)o);
			break;
		}
	}
}

static void
obj_init(struct kobj *o, unsigned type, struct cap *slot)
{
	o->type = (uint8_t)type;
	o->refs = 1;
	memset(slot, 0, sizeof(*slot));
	slot->obj = o;
	slot->rights = RIGHT_ALL;
}

_Static_assert(sizeof(struct pd) <= PAGE_SIZE, "a PD's header fits a page");
_Static_assert(CAPS_PER_PAGE == CAP_PAGE_SLOTS, "a page holds 64 slots");

/* Page 0 is the top page table, page 1 the header, the rest slots. */
static struct pd *
pd_init(uint64_t pa, uint64_t npages)
{
	struct pd *pd = phys_to_virt(pa + PAGE_SIZE);

	memset(pd, 0, (npages - 1) * PAGE_SIZE);
	mmu_pd_init(pd, pa);
	for (uint64_t i = 2; i < npages; i++)
		pd->cap_page[i - 2] = phys_to_virt(pa + i * PAGE_SIZE);
	pd->ncaps = (uint32_t)((npages - 2) * CAPS_PER_PAGE);
	return pd;
}

static struct thread *
thread_init(uint64_t pa, struct pd *pd, uint64_t utcb, uint64_t utcb_va)
{
	struct thread *t = phys_to_virt(pa);

	memset(t, 0, sizeof(*t));
	cpu_thread_init(&t->regs, &t->fpu);
	t->pd = pd;
	pd->obj.refs++;
	pd->threads++;
	t->utcb = phys_to_virt(utcb);
	t->utcb->self = t->gs_base = utcb_va;
	t->state = T_STOPPED;
	return t;
}

struct pd *
pd_boot_create(uint64_t pa, uint64_t npages)
{
	struct pd *pd = pd_init(pa, npages);

	obj_init(&pd->obj, KOBJ_PD, cap_at(pd, CAP_SELF_PD));
	pd->privileged = true;
	return pd;
}

struct thread *
thread_boot_create(struct pd *pd, uint64_t pa, uint64_t utcb, uint64_t utcb_va)
{
	struct thread *t = thread_init(pa, pd, utcb, utcb_va);

	obj_init(&t->obj, KOBJ_THREAD, cap_at(pd, CAP_SELF_THREAD));
	return t;
}

long
sys_obj_create(uint64_t type, uint64_t dst, uint64_t pa, uint64_t a, uint64_t b,
    uint64_t c_)
{
	struct pd *own = current()->pd;
	struct cap *slot, *c;
	struct kobj *o;
	int e;

	if (!own->privileged)
		return -E_PERM;
	if ((e = cap_empty_slot(own, dst, &slot)))
		return e;
	switch (type) {
	case KOBJ_PD:
		if (a < KOBJ_PD_MIN_PAGES || a > 2 + CAP_PAGES_MAX ||
		    (pa & PAGE_MASK) || !phys_ok(pa, a * PAGE_SIZE))
			return -E_INVAL;
		o = &pd_init(pa, a)->obj;
		break;
	case KOBJ_THREAD:
		if ((e = cap_lookup(own, a, KOBJ_PD, 0, &c)))
			return e;
		if ((pa & PAGE_MASK) || (b & PAGE_MASK) || (c_ & PAGE_MASK) ||
		    c_ >= USER_TOP || !phys_ok(pa, PAGE_SIZE) ||
		    !phys_ok(b, PAGE_SIZE))
			return -E_INVAL;
		o = &thread_init(pa, (struct pd *)c->obj, b, c_)->obj;
		break;
	case KOBJ_ENDPOINT:
	case KOBJ_SIGNAL:
		if ((pa & (KOBJ_SMALL - 1)) || !phys_ok(pa, KOBJ_SMALL))
			return -E_INVAL;
		o = phys_to_virt(pa);
		memset(o, 0, KOBJ_SMALL);
		break;
	case KOBJ_IRQ:
		if ((pa & (KOBJ_SMALL - 1)) || !phys_ok(pa, KOBJ_SMALL))
			return -E_INVAL;
		if ((e = cap_lookup(own, b, KOBJ_SIGNAL, RIGHT_SEND, &c)))
			return e;
		if ((e = irq_bind(pa, a, c)))
			return e;
		o = phys_to_virt(pa);
		break;
	default:
		return -E_INVAL;
	}
	obj_init(o, (unsigned)type, slot);
	return 0;
}
