/*
 * Building a child: its pages are filled through a temporary mapping in
 * our address space and then mapped into the child's PD.
 */
#include <base/child.h>
#include <base/elf.h>
#include <base/env.h>
#include <base/error.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/pd.h>

/* A dataspace of the child's at va, filled with len bytes at offset. */
static int
child_ds(uint64_t pd, uint64_t va, uint64_t bytes, unsigned flags,
    const void *data, uint64_t offset, uint64_t len)
{
	uint64_t *w = utcb_self()->msg, ds = slot_alloc();
	void *p;
	long e;

	if (!ds)
		return -E_NOMEM;
	w[0] = bytes;
	if ((e = rpc_call(pd, PD_ALLOC, 1, 0, ds, NULL)))
		goto out;
	if (len) {
		if ((e = ds_attach(ds, bytes, 1, &p)))
			goto out;
		memcpy((char *)p + offset, data, len);
		ds_detach(p);
	}
	w[0] = va;
	w[1] = flags;
	e = rpc_call(pd, PD_MAP, 2, ds, 0, NULL);
out:
	sys_cap_delete(ds);
	slot_free(ds);
	return (int)e;
}

static int
load_segment(void *ctx, const struct elf_segment *seg)
{
	const struct child_image *ci = ctx;
	uint64_t base = seg->vaddr & ~4095ul;

	return child_ds(ci->pd, base, seg->vaddr + seg->memsz - base,
	    seg->flags, seg->data, seg->vaddr - base, seg->filesz);
}

/* A copy of cap at slot in the child's capability space. */
static int
give(uint64_t pd, uint64_t cap, uint64_t slot, uint64_t badge)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = slot;
	w[1] = RIGHT_SEND | RIGHT_GRANT;
	w[2] = badge;
	return (int)rpc_call(pd, PD_GIVE, 3, cap, 0, NULL);
}

int
child_build(struct child_image *ci)
{
	uint64_t entry, *w = utcb_self()->msg;
	int e;

	ci->why = NULL;
	if ((e = elf_load(ci->elf, ci->elf_size, ROOT_INFO_VA, load_segment, ci,
		 &entry, &ci->why)))
		return e;
	if ((e = child_ds(ci->pd, STACK_MAIN_TOP - ci->stack, ci->stack, MAP_W,
		 NULL, 0, 0)) ||
	    (e = give(ci->pd, ci->parent, CAP_PARENT, ci->parent_badge)) ||
	    (e = give(ci->pd, ci->pd, CAP_PD, 0)))
		return e;
	w[0] = entry;
	w[1] = STACK_MAIN_TOP;
	w[2] = 0;
	w[3] = UTCB_MAIN;
	w[4] = ci->priority;
	w[5] = ci->cpu;
	return (int)rpc_call(ci->pd, PD_THREAD, 6, 0, 0, NULL);
}
