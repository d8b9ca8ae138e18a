/*
 * Modern virtio devices (virtio 1.0 over PCI) and their split virtqueues,
 * for the drivers of virtio devices (drivers/nic/virtio_net, later
 * virtio_blk): the device's configuration structures found through its
 * vendor capabilities (read with PLATFORM_CONFIG_READ), its BAR mapped
 * through the Platform session, the feature handshake, the MSI-X vector
 * (entry 0, for the configuration and every queue) as a signal, and
 * virtqueues in DMA buffers. Everything read from the device's rings is
 * checked before use.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_F_VERSION_1 (1ul << 32)

struct virtio_dev {
	uint64_t pf;     /* the Platform session */
	unsigned device; /* in it */
	volatile uint8_t *common, *notify, *cfg;
	uint32_t notify_mult;
	uint64_t irq;      /* core's IRQ session, from the platform */
	uint64_t features; /* negotiated */
};

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define VIRTQ_DESC_WRITE 2u /* the device writes the buffer */

struct virtq {
	struct virtio_dev *dev;
	unsigned index;
	uint16_t size;
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size] */
	volatile uint32_t *used;  /* flags | idx << 16, then id, len pairs */
	uint16_t avail_idx, used_seen;
	volatile uint16_t *doorbell;
	uint64_t ring_ds;
};

/*
 * Opens device of the Platform session pf: maps its configuration, takes
 * its MSI-X vector and binds signal sig to it, resets it and negotiates
 * the features it offers among want (VIRTIO_F_VERSION_1 is required).
 * On an error *why says what is wrong.
 */
int virtio_open(struct virtio_dev *d, uint64_t pf, unsigned device,
    uint64_t want, uint64_t sig, const char **why);
/* Queue index with size entries (a power of two, at most what the device
 * offers), its rings in a DMA buffer, its interrupt at MSI-X entry 0. */
int virtq_setup(struct virtio_dev *d, struct virtq *q, unsigned index,
    uint16_t size);
/* The driver is ready: the device may use its queues. */
int virtio_ready(struct virtio_dev *d);
/* Offers descriptor desc (< size): len bytes at bus address bus. */
void virtq_put(struct virtq *q, uint16_t desc, uint64_t bus, uint32_t len,
    bool device_writes);
void virtq_kick(struct virtq *q);
/* The next descriptor the device is done with, and the bytes it wrote;
 * false when there is none (or the device wrote a descriptor out of
 * range, which is skipped). */
bool virtq_take(struct virtq *q, uint16_t *desc, uint32_t *len);
