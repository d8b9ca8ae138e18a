/*
 * Protection domains as core hands them out: a kernel PD with a RAM quota,
 * the dataspaces (contiguous frames) allocated against that quota, where
 * they are mapped, and the threads. Every frame core spends on a PD (page
 * tables, thread objects, UTCBs) is charged to its quota and recorded, so
 * that destroying the PD gives all of it back.
 */
#include "core.h"

#include <base/elf.h>
#include <base/log.h>
#include <base/string.h>
#include <kernel/syscalls.h>

/* The top page table, then the PD's header and its capability space: about
 * 360 slots (lib/base's runtime uses 320 of them). */
#define PD_PAGES 6u
#define STACK_PAGES 8u

static struct pds pds_pool[PDS_MAX];
static struct dataspace ds_pool[DS_MAX];
static struct mapping map_pool[MAP_MAX];
static struct attachment attach_pool[ATTACH_MAX];
static uint32_t generation;

uint64_t
pds_used_bytes(const struct pds *p)
{
	return p->spent +
	    (uint64_t)(p->nds + p->nmaps + p->nattach) * ENTRY_COST;
}

static int
charge(struct pds *p, uint64_t pages)
{
	if (!p)
		return 0;
	if (pds_used_bytes(p) + pages * PAGE > p->quota)
		return -E_NOMEM;
	p->spent += pages * PAGE;
	return 0;
}

static void
refund(struct pds *p, uint64_t pages)
{
	if (p)
		p->spent -= pages * PAGE;
}

/* One more table entry for p, counted in *n, which stays at most max. */
static int
entry_take(struct pds *p, unsigned *n, unsigned max, const char *what)
{
	if (*n == max || pds_used_bytes(p) + ENTRY_COST > p->quota) {
		log_printf("core: '%s' may have no more %s (%u)", p->label,
		    what, *n);
		return -E_NOMEM;
	}
	(*n)++;
	return 0;
}

/* A frame for the kernel's use on p's behalf, charged and recorded. */
static int
meta_frame(struct pds *p, uint64_t *pa)
{
	int e;

	if (p->nmeta == PDS_META || (e = charge(p, 1)))
		return -E_NOMEM;
	if ((e = frame_alloc(1, pa))) {
		refund(p, 1);
		return e;
	}
	p->meta[p->nmeta++] = *pa;
	return 0;
}

/* Map into a PD, supplying page tables as the kernel asks for them. */
int
pd_map(uint64_t pd, uint64_t va, uint64_t pa, unsigned flags,
    struct pds *tables_to)
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

struct pds *
pds_create(const char *label, uint64_t quota, unsigned cpu)
{
	struct pds *p = NULL;

	for (unsigned i = 0; i < PDS_MAX && !p; i++)
		if (!pds_pool[i].used)
			p = &pds_pool[i];
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->gen = ++generation;
	p->quota = quota;
	p->cpu = cpu;
	fmt_snprintf(p->label, sizeof(p->label), "%s", label);
	if (!(p->pd = cap_alloc()) || charge(p, PD_PAGES) ||
	    frame_alloc(PD_PAGES, &p->pd_pa) ||
	    sys_obj_create(KOBJ_PD, p->pd, p->pd_pa, PD_PAGES, 0, 0)) {
		log_printf("core: cannot create a PD for '%s'", label);
		pds_destroy(p);
		return NULL;
	}
	return p;
}

struct dataspace *
ds_of(uint64_t idx, uint32_t gen)
{
	return idx < DS_MAX && ds_pool[idx].used && ds_pool[idx].gen == gen
	    ? &ds_pool[idx]
	    : NULL;
}

struct pds *
pds_of(uint64_t idx, uint32_t gen)
{
	return idx < PDS_MAX && pds_pool[idx].used && pds_pool[idx].gen == gen
	    ? &pds_pool[idx]
	    : NULL;
}

uint64_t
pds_index(const struct pds *p)
{
	return (uint64_t)(p - pds_pool);
}

uint64_t
pds_free_bytes(const struct pds *p)
{
	return p->quota - pds_used_bytes(p);
}

uint64_t
ds_index(const struct dataspace *ds)
{
	return (uint64_t)(ds - ds_pool);
}

int
pds_alloc(struct pds *p, uint64_t size, struct dataspace **out)
{
	uint64_t pages = (size + PAGE - 1) / PAGE;
	struct dataspace *ds = NULL;
	int e;

	if (!pages || pages > (1u << 20))
		return -E_INVAL;
	for (unsigned i = 0; i < DS_MAX && !ds; i++)
		if (!ds_pool[i].used)
			ds = &ds_pool[i];
	if (!ds)
		return -E_NOMEM;
	/* p is NULL for core's own (kernel tests): nothing to count. */
	if (p && (e = entry_take(p, &p->nds, PDS_DS, "dataspaces")))
		return e;
	if ((e = charge(p, pages)))
		goto no_entry;
	if ((e = frame_alloc((unsigned)pages, &ds->pa)))
		goto no_frames;
	phys_zero(ds->pa, pages * PAGE);
	/* Whole: a slot that held a region map must not stay managed. */
	*ds = (struct dataspace){.used = true,
	    .writable = true,
	    .gen = ++generation,
	    .owner = p,
	    .pa = ds->pa,
	    .pages = (uint32_t)pages};
	*out = ds;
	return 0;
no_frames:
	refund(p, pages);
no_entry:
	if (p)
		p->nds--;
	return e;
}

/*
 * Module's read-only dataspace, made once. Keyed by module, not address:
 * the loader puts a zero-byte module where the next one starts.
 */
struct dataspace *
ds_rom(unsigned module, uint64_t pa, uint64_t size)
{
	for (unsigned i = 0; i < DS_MAX; i++) {
		struct dataspace *ds = &ds_pool[i];

		if (ds->used && ds->rom == module + 1)
			return ds;
	}
	for (unsigned i = 0; i < DS_MAX; i++) {
		struct dataspace *ds = &ds_pool[i];

		if (!ds->used) {
			memset(ds, 0, sizeof(*ds));
			ds->used = true;
			ds->gen = ++generation;
			ds->rom = module + 1;
			ds->pa = pa;
			ds->pages = (uint32_t)((size + PAGE - 1) / PAGE);
			return ds;
		}
	}
	return NULL;
}

/* Device memory as a writable dataspace (an IO_MEM session's), mapped
 * with its cache attribute; its frames are not RAM and never freed. */
struct dataspace *
ds_device(uint64_t pa, uint64_t size, unsigned cache)
{
	for (unsigned i = 0; i < DS_MAX; i++) {
		struct dataspace *ds = &ds_pool[i];

		if (!ds->used) {
			memset(ds, 0, sizeof(*ds));
			ds->used = true;
			ds->writable = true;
			ds->cache = cache;
			ds->gen = ++generation;
			ds->pa = pa;
			ds->pages = (uint32_t)((size + PAGE - 1) / PAGE);
			return ds;
		}
	}
	return NULL;
}

int
pds_map(struct pds *p, struct dataspace *ds, uint64_t va, unsigned flags)
{
	struct mapping *m = NULL;
	int e;

	if ((va & (PAGE - 1)) || va >= USER_TOP ||
	    ds->pages > (USER_TOP - va) / PAGE)
		return -E_INVAL;
	if ((flags & MAP_W) && !ds->writable)
		return -E_RIGHTS;
	flags = (flags & ~(MAP_WC | MAP_UC)) | ds->cache;
	for (unsigned i = 0; i < MAP_MAX && !m; i++)
		if (!map_pool[i].used)
			m = &map_pool[i];
	if (!m)
		return -E_NOMEM;
	if ((e = entry_take(p, &p->nmaps, PDS_MAPS, "mappings")))
		return e;
	/* A region map's pages are mapped as they are touched. */
	for (uint64_t i = 0; !ds->managed && i < ds->pages; i++) {
		if ((e = pd_map(p->pd, va + i * PAGE, ds->pa + i * PAGE, flags,
			 p))) {
			while (i--)
				sys_unmap(p->pd, va + i * PAGE);
			p->nmaps--;
			return e;
		}
	}
	*m = (struct mapping){true, p, ds, va, flags};
	return 0;
}

static void
unmap_range(struct pds *p, uint64_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++)
		sys_unmap(p->pd, va + i * PAGE);
}

/*
 * Unmap pages [first, first + n) of ds, which p has at va. Of a region map
 * only what is attached can be mapped (pds_resolve maps nothing else, and
 * a detach unmaps), so this is linear in the attached pages, not in the
 * region map's size; region maps form a tree of depth RM_DEPTH at most.
 */
static void
unmap_part(struct pds *p, uint64_t va, struct dataspace *ds, uint64_t first,
    uint64_t n, unsigned depth)
{
	if (!ds->managed) {
		unmap_range(p, va + first * PAGE, n);
		return;
	}
	for (unsigned i = 0; depth < RM_DEPTH && i < ATTACH_MAX; i++) {
		struct attachment *a = &attach_pool[i];
		uint64_t lo = a->offset / PAGE, hi = lo + a->ds->pages;

		if (!a->used || a->rm != ds)
			continue;
		lo = lo > first ? lo : first;
		hi = hi < first + n ? hi : first + n;
		if (lo < hi)
			unmap_part(p, va + a->offset, a->ds,
			    lo - a->offset / PAGE, hi - lo, depth + 1);
	}
}

static void
unmap(struct mapping *m)
{
	unmap_part(m->pd, m->va, m->ds, 0, m->ds->pages, 0);
	m->pd->nmaps--;
	m->used = false;
}

/*
 * Unmap [start, start + pages) of ds wherever it is mapped: directly, or
 * inside a region map that is mapped (nested, RM_DEPTH deep at most; a
 * region map sits in one region map at most, so every level up is one).
 */
static void
unmap_everywhere(struct dataspace *ds, uint64_t start, uint64_t pages,
    unsigned depth)
{
	for (unsigned i = 0; i < MAP_MAX; i++)
		if (map_pool[i].used && map_pool[i].ds == ds)
			unmap_part(map_pool[i].pd, map_pool[i].va, ds, start,
			    pages, 0);
	for (unsigned i = 0; depth < RM_DEPTH && i < ATTACH_MAX; i++)
		if (attach_pool[i].used && attach_pool[i].ds == ds)
			unmap_everywhere(attach_pool[i].rm,
			    attach_pool[i].offset / PAGE + start, pages,
			    depth + 1);
}

int
pds_unmap(struct pds *p, uint64_t va)
{
	for (unsigned i = 0; i < MAP_MAX; i++) {
		if (map_pool[i].used && map_pool[i].pd == p &&
		    map_pool[i].va == va) {
			unmap(&map_pool[i]);
			return 0;
		}
	}
	return -E_NOENT;
}

void
ds_free(struct dataspace *ds)
{
	for (unsigned i = 0; i < ATTACH_MAX; i++) {
		struct attachment *a = &attach_pool[i];

		if (a->used && (a->ds == ds || a->rm == ds))
			rm_detach(a->rm, a->offset);
	}
	for (unsigned i = 0; i < MAP_MAX; i++)
		if (map_pool[i].used && map_pool[i].ds == ds)
			unmap(&map_pool[i]);
	if (!ds->managed && !ds->cache && (ds->writable || ds->owner)) {
		frame_free(ds->pa, ds->pages);
		refund(ds->owner, ds->pages);
	}
	if (ds->owner)
		ds->owner->nds--;
	ds->used = false;
}

int
ds_managed(struct pds *p, uint64_t size, struct dataspace **out)
{
	uint64_t pages = (size + PAGE - 1) / PAGE;

	if (!pages || pages > (1u << 28))
		return -E_INVAL;
	for (unsigned i = 0; i < DS_MAX; i++) {
		struct dataspace *ds = &ds_pool[i];

		if (!ds->used) {
			int e = entry_take(p, &p->nds, PDS_DS, "dataspaces");

			if (e)
				return e;
			*ds = (struct dataspace){.used = true,
			    .writable = true,
			    .managed = true,
			    .gen = ++generation,
			    .owner = p,
			    .pages = (uint32_t)pages};
			*out = ds;
			return 0;
		}
	}
	return -E_NOMEM;
}

/*
 * How many attachments deep region maps reach below ds, or more than
 * RM_DEPTH once rm is among them (a cycle). Linear in the tree below ds.
 */
static unsigned
height(struct dataspace *ds, struct dataspace *rm)
{
	unsigned h = 0;

	if (ds == rm)
		return RM_DEPTH + 1;
	for (unsigned i = 0; ds->managed && i < ATTACH_MAX && h <= RM_DEPTH;
	     i++) {
		struct attachment *a = &attach_pool[i];
		unsigned below;

		if (a->used && a->rm == ds && (below = height(a->ds, rm)) >= h)
			h = below + 1;
	}
	return h;
}

/* The region map that rm is attached in, if any (one at most). */
static struct dataspace *
parent_rm(struct dataspace *rm)
{
	for (unsigned i = 0; i < ATTACH_MAX; i++)
		if (attach_pool[i].used && attach_pool[i].ds == rm)
			return attach_pool[i].rm;
	return NULL;
}

int
rm_attach(struct dataspace *rm, struct dataspace *ds, uint64_t offset,
    unsigned flags)
{
	struct attachment *free = NULL;
	int e;

	if (!rm->managed || (offset & (PAGE - 1)) ||
	    offset / PAGE > rm->pages || ds->pages > rm->pages - offset / PAGE)
		return -E_INVAL;
	if ((flags & MAP_W) && !ds->writable)
		return -E_RIGHTS;
	/* Region maps form a tree of bounded depth, so that every walk
	 * through them is linear in what is attached. */
	if (ds->managed && parent_rm(ds))
		return -E_EXISTS;
	unsigned depth = height(ds, rm) + 1;

	for (struct dataspace *up = rm;
	     depth <= RM_DEPTH && (up = parent_rm(up));)
		depth++;
	if (depth > RM_DEPTH)
		return -E_INVAL;
	for (unsigned i = 0; i < ATTACH_MAX; i++) {
		struct attachment *a = &attach_pool[i];

		if (!a->used) {
			if (!free)
				free = a;
		} else if (a->rm == rm &&
		    offset < a->offset + a->ds->pages * PAGE &&
		    a->offset < offset + ds->pages * PAGE) {
			return -E_EXISTS;
		}
	}
	if (!free)
		return -E_NOMEM;
	if ((e = entry_take(rm->owner, &rm->owner->nattach, PDS_ATTACH,
		 "attachments")))
		return e;
	*free = (struct attachment){true, rm, ds, offset, flags};
	return 0;
}

int
rm_detach(struct dataspace *rm, uint64_t offset)
{
	for (unsigned i = 0; i < ATTACH_MAX; i++) {
		struct attachment *a = &attach_pool[i];

		if (a->used && a->rm == rm && a->offset == offset) {
			unmap_everywhere(rm, offset / PAGE, a->ds->pages, 0);
			rm->owner->nattach--;
			a->used = false;
			return 0;
		}
	}
	return -E_NOENT;
}

/*
 * A page fault at addr in p: if it lies in a region map mapped there, map
 * the page of whatever is attached at that spot, through nested region
 * maps, with the rights of every level.
 */
int
pds_resolve(struct pds *p, uint64_t addr, uint64_t error)
{
	for (unsigned i = 0; i < MAP_MAX; i++) {
		struct mapping *m = &map_pool[i];
		struct dataspace *ds = m->ds;
		uint64_t off = addr - m->va;
		unsigned flags = m->flags;

		if (!m->used || m->pd != p || !ds->managed || addr < m->va ||
		    off >= ds->pages * PAGE)
			continue;
		for (unsigned depth = 0; ds->managed && depth < RM_DEPTH;
		     depth++) {
			struct attachment *a = NULL;

			for (unsigned k = 0; k < ATTACH_MAX && !a; k++)
				if (attach_pool[k].used &&
				    attach_pool[k].rm == ds &&
				    off >= attach_pool[k].offset &&
				    off < attach_pool[k].offset +
					    attach_pool[k].ds->pages * PAGE)
					a = &attach_pool[k];
			if (!a)
				return -E_NOENT;
			off -= a->offset;
			flags &= a->flags;
			ds = a->ds;
		}
		if (ds->managed || ((error & 2) && !(flags & MAP_W)) ||
		    ((error & 16) && !(flags & MAP_X)))
			return -E_RIGHTS;
		return pd_map(p->pd, addr & ~(PAGE - 1),
		    ds->pa + (off & ~(PAGE - 1)), flags, p);
	}
	return -E_NOENT;
}

int
pds_give(struct pds *p, uint64_t cap, uint64_t slot, unsigned rights,
    uint64_t badge)
{
	return (int)sys_cap_derive(cap, p->pd, slot, rights, badge);
}

int
pds_thread(struct pds *p, const struct thread_args *a, uint64_t *id)
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
	if (!(p->threads[t] = cap_alloc()))
		return -E_NOMEM;
	if ((e = sys_obj_create(KOBJ_THREAD, p->threads[t], obj, p->pd, utcb,
		 a->utcb))) {
		cap_free(p->threads[t]);
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
pds_object(struct pds *p, unsigned type, uint64_t slot)
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
	if (!(p->objects[i] = cap_alloc()))
		return -E_NOMEM;
	if ((e = sys_obj_create(type, p->objects[i], pa, 0, 0, 0)) ||
	    (e = sys_cap_derive(p->objects[i], p->pd, slot, RIGHT_ALL, 0))) {
		sys_cap_delete(p->objects[i]);
		cap_free(p->objects[i]);
		p->objects[i] = 0;
	}
	return (int)e;
}

/* I/O ports for p's threads; the bitmap is charged to p. */
int
pds_io(struct pds *p, uint64_t base, uint64_t size, bool allow)
{
	int e;

	if (!p->io_pa) {
		if ((e = charge(p, 2)))
			return e;
		if ((e = frame_alloc(2, &p->io_pa))) {
			refund(p, 2);
			return e;
		}
	}
	return (int)sys_pd_io(p->pd, base, size, allow, p->io_pa);
}

int
pds_stop(struct pds *p, uint64_t id)
{
	if (id >= PDS_THREADS || !p->threads[id])
		return -E_NOENT;
	return (int)sys_thread_stop(p->threads[id]);
}

static int
load_segment(void *ctx, const struct elf_segment *seg)
{
	struct pds *p = ctx;
	uint64_t base = seg->vaddr & ~(PAGE - 1);
	struct dataspace *ds;
	int e;

	if ((e = pds_alloc(p, seg->vaddr + seg->memsz - base, &ds)))
		return e;
	phys_write(ds->pa + (seg->vaddr - base), seg->data, seg->filesz);
	return pds_map(p, ds, base, seg->flags);
}

int
pds_load(struct pds *p, const uint8_t *img, uint64_t size, uint64_t *entry)
{
	const char *why;
	int e = elf_load(img, size, ROOT_INFO_VA, load_segment, p, entry, &why);

	if (why)
		log_printf("core: '%s': %s", p->label, why);
	return e;
}

int
pds_start_main(struct pds *p, const struct boot_module *m,
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
pds_destroy(struct pds *p)
{
	for (unsigned t = 0; t < PDS_THREADS; t++) {
		if (p->threads[t]) {
			sys_cap_delete(p->threads[t]);
			cap_free(p->threads[t]);
		}
	}
	for (unsigned i = 0; i < MAP_MAX; i++)
		if (map_pool[i].used && map_pool[i].pd == p)
			map_pool[i].used = false; /* the PD goes as a whole */
	for (unsigned i = 0; i < DS_MAX; i++)
		if (ds_pool[i].used && ds_pool[i].owner == p)
			ds_free(&ds_pool[i]);
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
