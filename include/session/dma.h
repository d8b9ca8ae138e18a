/*
 * The DMA session, provided by core to the one component that holds it
 * (the platform driver, the only one init routes it to): the physical
 * address of a RAM dataspace, which a bus-master device without an IOMMU
 * needs, and core's free RAM.
 */
#pragma once

#include <base/parent.h>

enum dma_label {
	/* a RAM dataspace cap -> w0: its physical address, w1: its size */
	DMA_ADDR = 1,
	/* -> w0: bytes of RAM core has free */
	DMA_FREE_RAM = 2,
};
