/* Maps QEMU's edu device, device 0 of a Platform session. */
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/io_mem.h>
#include <session/platform.h>

#include "edu.h"

volatile uint8_t *
edu_map(uint64_t pf, const char *who)
{
	uint64_t *w = utcb_self()->msg, mem = slot_alloc(), ds = slot_alloc();
	void *p;

	w[0] = 0;
	if (!mem || !ds || rpc_call(pf, PLATFORM_DEVICE, 1, 0, 0, NULL) ||
	    w[0] != (0x1234u | 0x11e8u << 16)) {
		log_printf("%s: device 0 is not edu", who);
		return NULL;
	}
	w[0] = 0; /* device 0, BAR 0, uncached */
	w[1] = 0;
	w[2] = 0;
	if (rpc_call(pf, PLATFORM_IO_MEM, 3, 0, mem, NULL) ||
	    (w[0] = 4096, rpc_call(mem, IO_MEM_DATASPACE, 1, 0, ds, NULL)) ||
	    ds_attach(ds, 4096, 1, &p)) {
		log_printf("%s: no device memory", who);
		return NULL;
	}
	if ((edu_rd32(p, EDU_ID) & 0xff) != 0xed) {
		log_printf("%s: edu identification %x", who,
		    edu_rd32(p, EDU_ID));
		return NULL;
	}
	return p;
}
