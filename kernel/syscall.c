/*
 * The system-call entry in C, and the calls that manage a PD's memory, I/O
 * ports and capability space (core only). The dispatch switch is generated from
 * kernel/syscalls.def.
 */
#include "kernel.h"

void syscall_handler(struct regs *r);

void
syscall_handler(struct regs *r)
{
	struct thread *t = current();
	long ret = syscall_dispatch(r);

	if (current() == t)
		r->rax = (uint64_t)ret;
	sched_exit();
}

static int
pd_lookup(uint64_t idx, struct pd **out)
{
	struct cap *c;
	int e;

	if (!current()->pd->privileged)
		return -E_PERM;
	if ((e = cap_lookup(current()->pd, idx, KOBJ_PD, 0, &c)))
		return e;
	*out = (struct pd *)c->obj;
	return 0;
}

long
sys_map(uint64_t pd, uint64_t va, uint64_t pa, uint64_t flags)
{
	struct pd *p;
	int e;

	if ((e = pd_lookup(pd, &p)))
		return e;
	if (kernel_image(pa))
		return -E_INVAL;
	return mmu_map(p, va, pa, (unsigned)flags);
}

long
sys_map_table(uint64_t pd, uint64_t va, uint64_t pa)
{
	struct pd *p;
	int e;

	if ((e = pd_lookup(pd, &p)))
		return e;
	if (!phys_ok(pa, PAGE_SIZE))
		return -E_INVAL;
	return mmu_map_table(p, va, pa);
}

long
sys_unmap(uint64_t pd, uint64_t va)
{
	struct pd *p;
	int e;

	if ((e = pd_lookup(pd, &p)))
		return e;
	return mmu_unmap(p, va);
}

long
sys_pd_io(uint64_t pd, uint64_t port, uint64_t count, uint64_t allow,
    uint64_t bitmap)
{
	struct pd *p;
	int e;

	if ((e = pd_lookup(pd, &p)))
		return e;
	if (!p->iobitmap && !phys_ok(bitmap, 2 * PAGE_SIZE))
		return -E_INVAL;
	return cpu_pd_io(p, port, count, allow != 0, bitmap);
}

/* One more page of slots for a PD: core donates it from the PD's quota. */
long
sys_pd_grow(uint64_t pd, uint64_t pa)
{
	struct pd *p;
	int e;

	if ((e = pd_lookup(pd, &p)))
		return e;
	if ((pa & PAGE_MASK) || !phys_ok(pa, PAGE_SIZE))
		return -E_INVAL;
	if (p->ncaps / CAPS_PER_PAGE == CAP_PAGES_MAX)
		return -E_NOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	p->cap_page[p->ncaps / CAPS_PER_PAGE] = phys_to_virt(pa);
	p->ncaps += (uint32_t)CAPS_PER_PAGE;
	return p->ncaps;
}
