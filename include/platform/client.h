/*
 * A driver's side of the Platform session (include/session/platform.h),
 * what every device driver does with it: map a memory BAR and get DMA
 * buffers.
 */
#pragma once

#include <stdint.h>

/*
 * A Platform session (quota bytes, for DMA buffers) whose device 0 is
 * vendor:device; 0, or an error after a log line naming who (driver).
 */
int platform_open_device(const char *driver, uint32_t vendor, uint32_t device,
    uint64_t quota, uint64_t *pf);
/* Memory BAR bar of device, mapped here uncached: where and how large. */
int platform_map_bar(uint64_t pf, unsigned device, unsigned bar,
    volatile uint8_t **p, uint64_t *size);
/* A DMA buffer of bytes: its address here and for the bus. */
int platform_dma(uint64_t pf, uint64_t bytes, void **mem, uint64_t *bus);
