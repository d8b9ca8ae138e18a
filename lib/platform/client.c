/* A driver's side of the Platform session (platform/client.h). */
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>
#include <platform/client.h>
#include <session/io_mem.h>
#include <session/platform.h>

int
platform_open_device(const char *driver, uint32_t vendor, uint32_t device,
    uint64_t quota, uint64_t *pf)
{
	uint64_t *w = utcb_self()->msg, id;

	if (session_open("Platform", "", quota, pf, &id)) {
		log_printf("%s: no Platform session", driver);
		return -E_NOENT;
	}
	w[0] = 0;
	if (rpc_call(*pf, PLATFORM_DEVICE, 1, 0, 0, NULL) ||
	    w[0] != (vendor | (uint64_t)device << 16)) {
		log_printf("%s: device 0 is not a %04x:%04x", driver, vendor,
		    device);
		return -E_NOENT;
	}
	return 0;
}

int
platform_map_bar(uint64_t pf, unsigned device, unsigned bar,
    volatile uint8_t **p, uint64_t *size)
{
	uint64_t *w = utcb_self()->msg, mem = slot_alloc(), ds = slot_alloc();
	void *at;

	if (!mem || !ds)
		return -E_NOMEM;
	w[0] = device;
	w[1] = bar;
	w[2] = 0;
	if (rpc_call(pf, PLATFORM_IO_MEM, 3, 0, mem, NULL))
		return -E_NOENT;
	*size = w[1];
	w[0] = *size;
	if (rpc_call(mem, IO_MEM_DATASPACE, 1, 0, ds, NULL) ||
	    ds_attach(ds, *size, 1, &at))
		return -E_NOENT;
	*p = at;
	return 0;
}

int
platform_dma(uint64_t pf, uint64_t bytes, void **mem, uint64_t *bus)
{
	uint64_t *w = utcb_self()->msg, slot = slot_alloc();

	if (!slot)
		return -E_NOMEM;
	w[0] = bytes;
	if (rpc_call(pf, PLATFORM_DMA_ALLOC, 1, 0, slot, NULL)) {
		slot_free(slot);
		return -E_NOMEM;
	}
	*bus = w[0];
	return ds_attach(slot, bytes, 1, mem);
}
