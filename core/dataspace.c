/*
 * Dataspaces (contiguous frames, boot modules, device memory) and where
 * they are mapped. A dataspace is allocated against its owner's RAM quota
 * and every mapping and dataspace is a table entry charged to the PD that
 * holds it (ENTRY_COST), so no PD can fill the pools for the others.
 */
#include "core.h"

#include <base/log.h>
#include <base/string.h>
#include <kernel/syscalls.h>

struct dataspace ds_pool[DS_MAX];
struct mapping map_pool[MAP_MAX];

struct dataspace *
ds_of(uint64_t idx, uint32_t gen)
{
	return idx < DS_MAX && ds_pool[idx].used && ds_pool[idx].gen == gen
	    ? &ds_pool[idx]
	    : NULL;
}

uint64_t
ds_index(const struct dataspace *ds)
{
	return (uint64_t)(ds - ds_pool);
}

int
pds_alloc(struct pd_session *p, uint64_t size, struct dataspace **out)
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
	if (p && (e = pds_entry_take(p, &p->nds, PDS_DS, "dataspaces")))
		return e;
	if ((e = pds_charge(p, pages)))
		goto no_entry;
	if ((e = frame_alloc((unsigned)pages, &ds->pa)))
		goto no_frames;
	phys_zero(ds->pa, pages * PAGE);
	/* Whole: a slot that held a region map must not stay managed. */
	*ds = (struct dataspace){.used = true,
	    .writable = true,
	    .gen = gen_next(),
	    .owner = p,
	    .pa = ds->pa,
	    .pages = (uint32_t)pages};
	*out = ds;
	return 0;
no_frames:
	pds_refund(p, pages);
no_entry:
	if (p)
		p->nds--;
	return e;
}

/*
 * What PD_COPY gives: the first bytes of src as they are now, in a
 * dataspace nobody else can change or free. A boot module is one already;
 * RAM is copied into a read-only dataspace of p's, paid from its quota.
 * Core does the copy, in one call, so the holder of src cannot free it
 * under the reader (a parent loading a child's binary from a ROM server).
 */
int
pds_copy(struct pd_session *p, struct dataspace *src, uint64_t bytes,
    struct dataspace **out)
{
	uint64_t pages;
	int e;

	if (src->managed || src->cache)
		return -E_INVAL; /* a region map, device memory */
	if (!bytes || bytes > (uint64_t)src->pages * PAGE)
		return -E_INVAL;
	if (src->rom) {
		*out = src;
		return 0;
	}
	pages = (bytes + PAGE - 1) / PAGE;
	if ((e = pds_alloc(p, pages * PAGE, out)))
		return e;
	phys_copy((*out)->pa, src->pa, pages);
	(*out)->writable = false;
	return 0;
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
			ds->gen = gen_next();
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
			ds->gen = gen_next();
			ds->pa = pa;
			ds->pages = (uint32_t)((size + PAGE - 1) / PAGE);
			return ds;
		}
	}
	return NULL;
}

int
pds_map(struct pd_session *p, struct dataspace *ds, uint64_t va, unsigned flags)
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
	if ((e = pds_entry_take(p, &p->nmaps, PDS_MAPS, "mappings")))
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
unmap_range(struct pd_session *p, uint64_t va, uint64_t pages)
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
unmap_part(struct pd_session *p, uint64_t va, struct dataspace *ds,
    uint64_t first, uint64_t n, unsigned depth)
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
void
ds_unmap_everywhere(struct dataspace *ds, uint64_t start, uint64_t pages,
    unsigned depth)
{
	for (unsigned i = 0; i < MAP_MAX; i++)
		if (map_pool[i].used && map_pool[i].ds == ds)
			unmap_part(map_pool[i].pd, map_pool[i].va, ds, start,
			    pages, 0);
	for (unsigned i = 0; depth < RM_DEPTH && i < ATTACH_MAX; i++)
		if (attach_pool[i].used && attach_pool[i].ds == ds)
			ds_unmap_everywhere(attach_pool[i].rm,
			    attach_pool[i].offset / PAGE + start, pages,
			    depth + 1);
}

int
pds_unmap(struct pd_session *p, uint64_t va)
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
		pds_refund(ds->owner, ds->pages);
	}
	if (ds->owner)
		ds->owner->nds--;
	ds->used = false;
}

/* Every mapping and dataspace of p, which goes as a whole: its mappings
 * need no unmapping, its address space dies with it. */
void
ds_release(struct pd_session *p)
{
	for (unsigned i = 0; i < MAP_MAX; i++)
		if (map_pool[i].used && map_pool[i].pd == p)
			map_pool[i].used = false;
	for (unsigned i = 0; i < DS_MAX; i++)
		if (ds_pool[i].used && ds_pool[i].owner == p)
			ds_free(&ds_pool[i]);
}
