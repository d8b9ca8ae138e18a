/*
 * A driver's side of the Platform session (include/session/platform.h),
 * what every device driver does with it: map a memory BAR and get DMA
 * buffers.
 */
#pragma once

#include <stdint.h>

/* Memory BAR bar of device, mapped here uncached: where and how large. */
int platform_map_bar(uint64_t pf, unsigned device, unsigned bar,
    volatile uint8_t **p, uint64_t *size);
/* A DMA buffer of bytes: its address here and for the bus. */
int platform_dma(uint64_t pf, uint64_t bytes, void **mem, uint64_t *bus);
