/*
 * Core's capability slots: which of its slots are in use. Core's space
 * grows a page at a time when it is full; every slot core keeps for a PD
 * is counted against that PD's capability quota (pd_session.c), so the
 * pages are bounded by what core's clients may hold.
 */
#include "core.h"

#include <base/log.h>
#include <kernel/syscalls.h>

#define CAPS_MAX (CAP_PAGES_MAX * CAP_PAGE_SLOTS)

static uint64_t used[CAPS_MAX / 64];
static uint32_t limit;

void
caps_init(uint32_t ncaps)
{
	limit = ncaps < CAPS_MAX ? ncaps : CAPS_MAX;
	for (uint64_t i = 0; i < CAP_ROOT_FIRST_FREE; i++)
		used[0] |= 1ull << i;
}

/* One more page of slots for core itself. */
static int
grow(void)
{
	uint64_t pa;
	long n;

	if (limit == CAPS_MAX || frame_alloc(1, &pa))
		return -E_NOMEM;
	if ((n = sys_pd_grow(CAP_SELF_PD, pa)) < 0) {
		frame_free(pa, 1);
		return (int)n;
	}
	limit = (uint32_t)n;
	return 0;
}

uint64_t
cap_alloc(void)
{
	do {
		for (uint64_t w = 0; w < limit / 64; w++) {
			if (used[w] == ~0ull)
				continue;
			uint64_t i =
			    w * 64 + (uint64_t)__builtin_ctzll(~used[w]);

			used[w] |= 1ull << (i % 64);
			return i;
		}
	} while (!grow());
	log_printf("core: out of capability slots");
	return CAP_NULL;
}

void
cap_free(uint64_t slot)
{
	used[slot / 64] &= ~(1ull << (slot % 64));
}

/* A kernel object in a frame of its own, named by a new slot. */
int
kobj_new(unsigned type, uint64_t a, uint64_t b, struct kobj_ref *o)
{
	long e;

	if (frame_alloc(1, &o->pa))
		return -E_NOMEM;
	if (!(o->slot = cap_alloc())) {
		frame_free(o->pa, 1);
		o->pa = 0;
		return -E_NOMEM;
	}
	/* A failure leaves o empty: whoever holds it must not free it
	 * again (an IRQ session whose IRQ_SIGH sent no signal did). */
	if ((e = sys_obj_create(type, o->slot, o->pa, a, b, 0))) {
		cap_free(o->slot);
		frame_free(o->pa, 1);
		o->slot = o->pa = 0;
	}
	return (int)e;
}

void
kobj_free(struct kobj_ref *o)
{
	sys_cap_delete(o->slot);
	cap_free(o->slot);
	frame_free(o->pa, 1);
}
