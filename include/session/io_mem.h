/*
 * The IO_MEM session, provided by core: a range of device memory
 * ("base=0xb8000 size=0x1000 wc=no"), never RAM, for one component at a
 * time.
 */
#pragma once

#include <base/parent.h>

enum io_mem_label {
	/* the client's own PD session cap; w0: where to map it -> mapped
	 * uncached, or write-combining with wc=yes */
	IO_MEM_MAP = 1,
};
