/*
 * The runtime's resources: capability slots, a range of addresses for
 * mapping dataspaces, and RAM and ROMs through the component's PD session
 * (CAP_PD) and its parent.
 */
#include <stdbool.h>

#include <base/error.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/pd.h>
#include <session/report.h>
#include <session/rom.h>

#define SLOTS_MAX (CAP_PAGES_MAX * CAP_PAGE_SLOTS)
#define MAP_BASE 0x40000000ul
#define MAP_TOP 0x7e0000000000ul
#define REGIONS 64u

static uint64_t used_slots[SLOTS_MAX / 64] = {
    (1ul << CAP_CHILD_FIRST_FREE) - 1};
static uint64_t slots; /* in our space now: the kernel says, PD_CAPS grows */
static struct {
	uint64_t va, size;
} regions[REGIONS];

/* The call to core keeps the message our caller may be writing. */
static int
slot_grow(void)
{
	struct utcb *u = utcb_self(), keep = *u;
	long e = rpc_call(CAP_PD, PD_CAPS, 0, 0, 0, NULL);

	/* Beyond our capability quota: a parent that can gives more. */
	if (e == -E_NOMEM && !parent_resource(0, CAP_PAGE_SLOTS))
		e = rpc_call(CAP_PD, PD_CAPS, 0, 0, 0, NULL);
	if (!e)
		slots = u->msg[0];
	*u = keep;
	return (int)e;
}

/*
 * A free slot of our capability space; when all are taken, the space grows
 * by 64 at core, paid from our RAM and capability quota. 0 once core
 * refuses (it logs why).
 */
uint64_t
slot_alloc(void)
{
	if (!slots)
		slots = (uint64_t)sys_kinfo(KINFO_CAPS);
	for (;;) {
		for (uint64_t w = 0; w < slots / 64 && w < SLOTS_MAX / 64;
		     w++) {
			if (used_slots[w] == ~0ul)
				continue;
			uint64_t i =
			    w * 64 + (uint64_t)__builtin_ctzl(~used_slots[w]);

			used_slots[w] |= 1ul << (i % 64);
			return i;
		}
		if (slot_grow())
			return 0;
	}
}

void
slot_free(uint64_t slot)
{
	if (slot >= CAP_CHILD_FIRST_FREE && slot < SLOTS_MAX)
		used_slots[slot / 64] &= ~(1ul << (slot % 64));
}

/* First fit in [MAP_BASE, MAP_TOP) between the regions in use. */
static int
region_take(uint64_t size, uint64_t *va)
{
	uint64_t at = MAP_BASE;
	unsigned i, free = REGIONS;

	size = (size + 4095) & ~4095ul;
	for (i = 0; i < REGIONS && free == REGIONS; i++)
		if (!regions[i].size)
			free = i;
	if (free == REGIONS)
		return -E_NOMEM;
	for (bool moved = true; moved;) {
		moved = false;
		for (i = 0; i < REGIONS; i++) {
			if (regions[i].size &&
			    at < regions[i].va + regions[i].size &&
			    regions[i].va < at + size) {
				at = regions[i].va + regions[i].size;
				moved = true;
			}
		}
	}
	if (at + size > MAP_TOP)
		return -E_NOMEM;
	regions[free].va = at;
	regions[free].size = size;
	*va = at;
	return 0;
}

static void
region_drop(uint64_t va)
{
	for (unsigned i = 0; i < REGIONS; i++)
		if (regions[i].va == va)
			regions[i].size = regions[i].va = 0;
}

int
ds_attach(uint64_t ds, size_t bytes, int writable, void **ptr)
{
	struct utcb *u = utcb_self();
	uint64_t va;
	long e;

	if ((e = region_take(bytes, &va)))
		return (int)e;
	u->msg[0] = va;
	u->msg[1] = writable ? MAP_W : 0;
	if ((e = rpc_call(CAP_PD, PD_MAP, 2, ds, 0, NULL))) {
		region_drop(va);
		return (int)e;
	}
	*ptr = (void *)va;
	return 0;
}

int
ds_detach(void *ptr)
{
	utcb_self()->msg[0] = (uint64_t)ptr;
	region_drop((uint64_t)ptr);
	return (int)rpc_call(CAP_PD, PD_UNMAP, 1, 0, 0, NULL);
}

int
ram_alloc(size_t bytes, void **ptr, uint64_t *ds)
{
	uint64_t slot = slot_alloc();
	long e;

	if (!slot)
		return -E_NOMEM;
	utcb_self()->msg[0] = bytes;
	e = rpc_call(CAP_PD, PD_ALLOC, 1, 0, slot, NULL);
	/* Beyond our quota: a parent that can (the libc's) gives us more. */
	if (e == -E_NOMEM && !parent_resource(bytes, 0)) {
		utcb_self()->msg[0] = bytes;
		e = rpc_call(CAP_PD, PD_ALLOC, 1, 0, slot, NULL);
	}
	if (e || (e = ds_attach(slot, bytes, 1, ptr))) {
		sys_cap_delete(slot);
		slot_free(slot);
		return (int)e;
	}
	*ds = slot;
	return 0;
}

int
ram_free(void *ptr, uint64_t ds)
{
	long e;

	ds_detach(ptr);
	e = rpc_call(CAP_PD, PD_FREE, 0, ds, 0, NULL);
	sys_cap_delete(ds);
	slot_free(ds);
	return (int)e;
}

/* Fetch the ROM's current content and map it; the old mapping goes. */
int
rom_update(struct rom *r)
{
	uint64_t ds = slot_alloc();
	void *p = NULL;
	long e;

	if (!ds)
		return -E_NOMEM;
	if (!(e = rpc_call(r->session, ROM_DATASPACE, 0, 0, ds, NULL))) {
		size_t size = utcb_self()->msg[0];

		if (!(e = ds_attach(ds, size ? size : 1, 0, &p))) {
			if (r->data)
				ds_detach((void *)r->data);
			r->data = p;
			r->size = size;
		}
	}
	sys_cap_delete(ds);
	slot_free(ds);
	return (int)e;
}

int
rom_open(struct rom *r, const char *name)
{
	int e;

	memset(r, 0, sizeof(*r));
	if ((e = session_open("ROM", name, 0, &r->session, &r->id)))
		return e;
	if ((e = rom_update(r)))
		session_close(r->session, r->id);
	return e;
}

/*
 * A change between rom_open and here would come without a signal: fetch
 * again once the signal is registered.
 */
int
rom_sigh(struct rom *r, uint64_t sig)
{
	int e = (int)rpc_call(r->session, ROM_SIGH, 0, sig, 0, NULL);

	return e ? e : rom_update(r);
}

int
rom_attach(const char *name, const void **data, size_t *size)
{
	struct rom r;
	int e = rom_open(&r, name);

	if (!e) {
		*data = r.data;
		*size = r.size;
	}
	return e;
}

int
report_open(struct report *r, const char *label, size_t size)
{
	long e;

	memset(r, 0, sizeof(*r));
	if ((e = session_open("Report", label, size, &r->session, &r->id)))
		return (int)e;
	if (!(r->ds = slot_alloc()))
		return -E_NOMEM;
	if ((e = rpc_call(r->session, REPORT_DATASPACE, 0, 0, r->ds, NULL)) ||
	    (e = ds_attach(r->ds, utcb_self()->msg[0], 1, &r->buf)))
		return (int)e;
	r->size = utcb_self()->msg[0];
	return 0;
}

int
report_submit(struct report *r, size_t len)
{
	utcb_self()->msg[0] = len;
	return (int)rpc_call(r->session, REPORT_SUBMIT, 1, 0, 0, NULL);
}

int
object_create(unsigned type, uint64_t *slot)
{
	struct utcb *u = utcb_self();
	long e;

	if (!(*slot = slot_alloc()))
		return -E_NOMEM;
	u->msg[0] = type;
	u->msg[1] = *slot;
	if ((e = rpc_call(CAP_PD, PD_OBJECT, 2, 0, 0, NULL)))
		slot_free(*slot);
	return (int)e;
}

void
sleep_forever(void)
{
	uint64_t sig;

	if (object_create(KOBJ_SIGNAL, &sig))
		for (;;)
			sys_thread_yield();
	for (;;)
		sys_sig_wait(sig, NULL);
}
