/*
 * Protection domains as core hands them out: a kernel PD with a RAM quota
 * and its threads, endpoints, signals and I/O bitmap. Every frame core
 * spends on a PD (page tables, thread objects, UTCBs) is charged to its
 * quota and recorded, so that destroying the PD gives all of it back. Its
 * dataspaces and mappings are in dataspace.c, its region maps in
 * region_map.c.
 */
#include "core.h"

#include <base/elf.h>
#include <base/log.h>
#include <base/string.h>
#include <kernel/syscalls.h>

/* The top page table, the PD's header, the first pages of its capability
 * space. */
#define PD_PAGES (2u + PDS_CAP_FIRST)
#define STACK_PAGES 8u

static struct pd_session pds_pool[PDS_MAX];
static uint32_t generation;

/* Generations of PDs and dataspaces come from one counter, so no two
 * objects of either kind ever share one. */
uint32_t
gen_next(void)
{
	return ++generation;
}

uint64_t
pds_used_bytes(const struct pd_session *p)
{
	return p->spent +
	    (uint64_t)(p->nds + p->nmaps + p->nattach) * ENTRY_COST;
}

int
pds_charge(struct pd_session *p, uint64_t pages)
{
	if (!p)
		return 0;
	if (pds_used_bytes(p) + pages * PAGE > p->quota)
		return -E_NOMEM;
	p->spent += pages * PAGE;
	return 0;
}

void
pds_refund(struct pd_session *p, uint64_t pages)
{
	if (p)
		p->spent -= pages * PAGE;
}

/* One more table entry for p, counted in *n, which stays at most max. */
int
pds_entry_take(struct pd_session *p, unsigned *n, unsigned max,
    const char *what)
{
	if (*n == max || pds_used_bytes(p) + ENTRY_COST > p->quota) {
		log_printf("core: '%s' may have no more %s (%u)", p->label,
		    what, *n);
		return -E_NOMEM;
	}
	(*n)++;
	return 0;
}

uint64_t
pds_caps_used(const struct pd_session *p)
{
	return (uint64_t)p->slots + p->core_slots;
}

/* A slot of core's that it keeps for p, counted in p's caps quota. */
uint64_t
pds_slot(struct pd_session *p)
{
	uint64_t slot;

	if (pds_caps_used(p) >= p->caps) {
		if (!p->caps_told++)
			log_printf(
			    "core: '%s' is out of capability quota (caps=%lu)",
			    p->label, p->caps);
		return CAP_NULL;
	}
	if ((slot = cap_alloc()))
		p->core_slots++;
	return slot;
}

void
pds_slot_free(struct pd_session *p, uint64_t slot)
{
	sys_cap_delete(slot);
	cap_free(slot);
	p->core_slots--;
}

/* 64 more slots in p's own space: a page of its RAM quota, 64 of its caps. */
int
pds_grow(struct pd_session *p)
{
	uint64_t pa;
	long n;
	int e;

	if (p->ncap_pa == PDS_CAP_PAGES - PDS_CAP_FIRST ||
	    p->caps - pds_caps_used(p) < CAP_PAGE_SLOTS) {
		if (!p->caps_told++)
			log_printf(
			    "core: '%s' may not grow its capability space "
			    "beyond %u slots (caps=%lu, %lu in use)",
			    p->label, p->slots, p->caps, pds_caps_used(p));
		return -E_NOMEM;
	}
	if ((e = pds_charge(p, 1)))
		return e;
	if ((e = frame_alloc(1, &pa))) {
		pds_refund(p, 1);
		return e;
	}
	if ((n = sys_pd_grow(p->pd, pa)) < 0) {
		frame_free(pa, 1);
		pds_refund(p, 1);
		return (int)n;
	}
	p->cap_pa[p->ncap_pa++] = pa;
	p->slots = (unsigned)n;
	return 0;
}

/* A frame for the kernel's use on p's behalf, charged and recorded. */
static int
meta_frame(struct pd_session *p, uint64_t *pa)
{
	int e;

	if (p->nmeta == PDS_META || (e = pds_charge(p, 1)))
		return -E_NOMEM;
	if ((e = frame_alloc(1, pa))) {
		pds_refund(p, 1);
		return e;
	}
	p->meta[p->nmeta++] = *pa;
	return 0;
}

/* Map into a PD, supplying page tables as the kernel asks for them. */
int
pd_map(uint64_t pd, uint64_t va, uint64_t pa, unsigned flags,
    struct pd_session *tables_to)
{
	long e;
	uint64_t t;

	while ((e = sys_map(pd, va, pa, flags)) == -E_NOTABLE) {
		if (tables_to ? meta_frame(tables_to, &t) : frame_alloc(1, &t))
			return -E_NOMEM;
		if ((e = sys_map_table(pd, va, t)))
			return (int)e;
	}
	return (int)e;
}

struct pd_session *
pds_create(const char *label, uint64_t quota, unsigned cpu, uint64_t caps)
{
	struct pd_session *p = NULL;

	if (caps < PDS_CAPS_MIN) {
		log_printf("core: no PD for '%s': caps=%lu, at least %u needed",
		    label, caps, PDS_CAPS_MIN);
		return NULL;
	}

	for (unsigned i = 0; i < PDS_MAX && !p; i++)
		if (!pds_pool[i].used)
			p = &pds_pool[i];
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->gen = gen_next();
	p->quota = quota;
	p->cpu = cpu;
	p->caps = caps;
	p->slots = PDS_CAP_FIRST * CAP_PAGE_SLOTS;
	fmt_snprintf(p->label, sizeof(p->label), "%s", label);
	if (!(p->pd = pds_slot(p)) || pds_charge(p, PD_PAGES) ||
	    frame_alloc(PD_PAGES, &p->pd_pa) ||
	    sys_obj_create(KOBJ_PD, p->pd, p->pd_pa, PD_PAGES, 0, 0)) {
		log_printf("core: cannot create a PD for '%s'", label);
		pds_destroy(p);
		return NULL;
	}
	return p;
}

struct pd_session *
pds_of(uint64_t idx, uint32_t gen)
{
	return idx < PDS_MAX && pds_pool[idx].used && pds_pool[idx].gen == gen
	    ? &pds_pool[idx]
	    : NULL;
}

uint64_t
pds_index(const struct pd_session *p)
{
	return (uint64_t)(p - pds_pool);
}

uint64_t
pds_free_bytes(const struct pd_session *p)
{
	return p->quota - pds_used_bytes(p);
}

int
pds_give(struct pd_session *p, uint64_t cap, uint64_t slot, unsigned rights,
    uint64_t badge)
{
	return (int)sys_cap_derive(cap, p->pd, slot, rights, badge);
}

int
pds_thread(struct pd_session *p, const struct thread_args *a, uint64_t *id)
{
	uint64_t obj, utcb, fault;
	unsigned t;
	long e;

	for (t = 0; t < PDS_THREADS && p->threads[t]; t++)
		;
	if (t == PDS_THREADS)
		return -E_NOMEM;
	if ((e = meta_frame(p, &utcb)) || (e = meta_frame(p, &obj)))
		return (int)e;
	phys_zero(utcb, PAGE);
	if ((e = pd_map(p->pd, a->utcb, utcb, MAP_W, p)))
		return (int)e;
	if (!(p->threads[t] = pds_slot(p)))
		return -E_NOMEM;
	if ((e = sys_obj_create(KOBJ_THREAD, p->threads[t], obj, p->pd, utcb,
		 a->utcb))) {
		pds_slot_free(p, p->threads[t]);
		p->threads[t] = 0;
		return (int)e;
	}
	/* Faults arrive badged as the thread's PD, with FAULT_LABEL. */
	if (a->fault_ep) {
		fault = cap_alloc();
		e = sys_cap_derive(a->fault_ep, 0, fault, RIGHT_SEND,
		    a->badge + t);
		if (!e)
			e = sys_thread_fault(p->threads[t], fault);
		sys_cap_delete(fault);
		cap_free(fault);
	}
	if (!e) {
		unsigned prio = a->prio, cpu = a->quota;

		if (t == 0)
			p->prio = prio;
		if (prio > p->prio)
			prio = p->prio;
		if (cpu > p->cpu - p->cpu_given)
			cpu = p->cpu - p->cpu_given;
		p->cpu_given += cpu;
		e = sys_thread_sched(p->threads[t], prio, cpu);
	}
	if (!e)
		e = sys_thread_start(p->threads[t], a->entry, a->sp, a->arg);
	*id = t;
	return (int)e;
}

/* An endpoint or signal for p, in a frame charged to p, at slot in p. */
int
pds_object(struct pd_session *p, unsigned type, uint64_t slot)
{
	unsigned i;
	uint64_t pa;
	long e;

	if (type != KOBJ_ENDPOINT && type != KOBJ_SIGNAL)
		return -E_INVAL;
	for (i = 0; i < PDS_OBJECTS && p->objects[i]; i++)
		;
	if (i == PDS_OBJECTS)
		return -E_NOMEM;
	if ((e = meta_frame(p, &pa)))
		return (int)e;
	if (!(p->objects[i] = pds_slot(p)))
		return -E_NOMEM;
	if ((e = sys_obj_create(type, p->objects[i], pa, 0, 0, 0)) ||
	    (e = sys_cap_derive(p->objects[i], p->pd, slot, RIGHT_ALL, 0))) {
		pds_slot_free(p, p->objects[i]);
		p->objects[i] = 0;
	}
	return (int)e;
}

/* I/O ports for p's threads; the bitmap is charged to p. */
int
pds_io(struct pd_session *p, uint64_t base, uint64_t size, bool allow)
{
	int e;

	if (!p->io_pa) {
		if ((e = pds_charge(p, 2)))
			return e;
		if ((e = frame_alloc(2, &p->io_pa))) {
			pds_refund(p, 2);
			return e;
		}
	}
	return (int)sys_pd_io(p->pd, base, size, allow, p->io_pa);
}

int
pds_stop(struct pd_session *p, uint64_t id)
{
	if (id >= PDS_THREADS || !p->threads[id])
		return -E_NOENT;
	return (int)sys_thread_stop(p->threads[id]);
}

static int
load_segment(void *ctx, const struct elf_segment *seg)
{
	struct pd_session *p = ctx;
	uint64_t base = seg->vaddr & ~(PAGE - 1);
	struct dataspace *ds;
	int e;

	if ((e = pds_alloc(p, seg->vaddr + seg->memsz - base, &ds)))
		return e;
	phys_write(ds->pa + (seg->vaddr - base), seg->data, seg->filesz);
	return pds_map(p, ds, base, seg->flags);
}

int
pds_load(struct pd_session *p, const uint8_t *img, uint64_t size,
    uint64_t *entry)
{
	const char *why;
	int e = elf_load(img, size, ROOT_INFO_VA, load_segment, p, entry, &why);

	if (why)
		log_printf("core: '%s': %s", p->label, why);
	return e;
}

int
pds_start_main(struct pd_session *p, const struct boot_module *m,
    const struct thread_args *tmpl, uint64_t *id)
{
	struct thread_args a = *tmpl;
	struct dataspace *stack;
	const uint8_t *img;
	int e;

	if (!(img = module_data(m)))
		return -E_NOMEM;
	if ((e = pds_load(p, img, m->size, &a.entry)) ||
	    (e = pds_alloc(p, STACK_PAGES * PAGE, &stack)) ||
	    (e = pds_map(p, stack, STACK_MAIN_TOP - STACK_PAGES * PAGE, MAP_W)))
		return e;
	a.sp = STACK_MAIN_TOP;
	a.utcb = UTCB_MAIN;
	return pds_thread(p, &a, id);
}

void
pds_destroy(struct pd_session *p)
{
	for (unsigned t = 0; t < PDS_THREADS; t++) {
		if (p->threads[t]) {
			sys_cap_delete(p->threads[t]);
			cap_free(p->threads[t]);
		}
	}
	ds_release(p);
	/* Every copy goes too: a dead server's clients get errors, they do
	 * not wait forever on an endpoint nobody serves. */
	for (unsigned i = 0; i < PDS_OBJECTS; i++) {
		if (p->objects[i]) {
			sys_cap_revoke(p->objects[i]);
			sys_cap_delete(p->objects[i]);
			cap_free(p->objects[i]);
		}
	}
	if (p->pd) {
		sys_cap_delete(p->pd);
		cap_free(p->pd);
	}
	if (p->pd_pa)
		frame_free(p->pd_pa, PD_PAGES);
	for (unsigned i = 0; i < p->ncap_pa; i++)
		frame_free(p->cap_pa[i], 1);
	if (p->io_pa)
		frame_free(p->io_pa, 2);
	if (p->fault_sigh) {
		sys_cap_delete(p->fault_sigh);
		cap_free(p->fault_sigh);
	}
	for (unsigned i = 0; i < p->nmeta; i++)
		frame_free(p->meta[i], 1);
	p->used = false;
}
