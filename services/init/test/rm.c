/*
 * A test component for region maps (managed dataspaces): dataspaces
 * attached into a region map, and a region map attached into another, are
 * reached through one mapping whose pages core maps on first touch. Then a
 * write to a read-only part faults for good, which init reports.
 */
#include <stdbool.h>

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/pd.h>

#define KIB 1024ul

static uint64_t
pd_call(uint64_t label, uint64_t w0, uint64_t *cap)
{
	*cap = slot_alloc();
	utcb_self()->msg[0] = w0;
	return (uint64_t)rpc_call(CAP_PD, label, 1, 0, *cap, NULL);
}

static long
attach(uint64_t rm, uint64_t ds, uint64_t offset, unsigned flags)
{
	utcb_self()->msg[0] = offset;
	utcb_self()->msg[1] = flags;
	return rpc_call(rm, RM_ATTACH, 2, ds, 0, NULL);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t rm, rm2, a, b, c;
	volatile uint8_t *view, *direct, *nested;
	void *p;
	long e;

	if (pd_call(PD_RM_CREATE, 1024 * KIB, &rm) ||
	    pd_call(PD_RM_CREATE, 128 * KIB, &rm2) ||
	    pd_call(PD_ALLOC, 64 * KIB, &a) ||
	    pd_call(PD_ALLOC, 64 * KIB, &b) || pd_call(PD_ALLOC, 4 * KIB, &c)) {
		log_printf("cannot create region maps and dataspaces");
		return 1;
	}
	if ((e = attach(rm, a, 0, MAP_W)) ||
	    (e = attach(rm, b, 512 * KIB, 0)) ||
	    (e = attach(rm2, c, 64 * KIB, MAP_W)) ||
	    (e = attach(rm, rm2, 768 * KIB, MAP_W))) {
		log_printf("attach failed: %ld", -e);
		return 1;
	}
	log_printf("a region map attached into itself: error %ld",
	    -attach(rm, rm, 0, 0));
	if (ds_attach(rm, 1024 * KIB, 1, &p)) {
		log_printf("cannot map the region map");
		return 1;
	}
	view = p;
	for (unsigned i = 0; i < 64 * KIB; i++)
		view[i] = (uint8_t)(i * 7);
	nested = view + 768 * KIB + 64 * KIB;
	nested[100] = 0x5a;
	if (ds_attach(a, 64 * KIB, 0, &p))
		return 1;
	direct = p;
	bool same = true;

	for (unsigned i = 0; i < 64 * KIB; i++)
		same &= direct[i] == (uint8_t)(i * 7);
	if (ds_attach(c, 4 * KIB, 0, &p))
		return 1;
	log_printf("16 pages written through the region map, %s; nested region "
		   "map byte %x; read-only part reads %u",
	    same ? "the same in the dataspace" : "NOT in the dataspace",
	    ((volatile uint8_t *)p)[100], view[512 * KIB]);
	log_printf("writing to the read-only part at %p",
	    (void *)(view + 512 * KIB));
	view[512 * KIB] = 1;
	log_printf("the write went through: wrong");
	return 1;
}
