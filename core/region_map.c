/*
 * Region maps: managed dataspaces whose pages are what is attached into
 * them, mapped on demand when a thread touches them. They form a tree at
 * most RM_DEPTH deep (a region map sits in one other at most), so every
 * walk through them is linear in what is attached.
 */
#include "core.h"

#include <base/string.h>

struct attachment attach_pool[ATTACH_MAX];

int
ds_managed(struct pd_session *p, uint64_t size, struct dataspace **out)
{
	uint64_t pages = (size + PAGE - 1) / PAGE;

	if (!pages || pages > (1u << 28))
		return -E_INVAL;
	for (unsigned i = 0; i < DS_MAX; i++) {
		struct dataspace *ds = &ds_pool[i];

		if (!ds->used) {
			int e =
			    pds_entry_take(p, &p->nds, PDS_DS, "dataspaces");

			if (e)
				return e;
			*ds = (struct dataspace){.used = true,
			    .writable = true,
			    .managed = true,
			    .gen = gen_next(),
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
	if ((e = pds_entry_take(rm->owner, &rm->owner->nattach, PDS_ATTACH,
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
			ds_unmap_everywhere(rm, offset / PAGE, a->ds->pages, 0);
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
pds_resolve(struct pd_session *p, uint64_t addr, uint64_t error)
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
