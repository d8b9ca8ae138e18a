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
	/* w0: bytes from the start, page-aligned -> a writable dataspace of
	 * that device memory (the same one on every call; w0 then its bytes),
	 * mapped with the session's cache attribute wherever it is attached;
	 * it goes, and is unmapped everywhere, with the session */
	IO_MEM_DATASPACE = 2,
};
