/*
 * The Platform session, provided by the platform driver, the one component
 * that reads and writes PCI configuration space. A session holds the
 * devices the driver's policy grants the client's label, numbered from 0.
 * Device resources do not travel as ranges for the client to ask core
 * for: the platform driver opens core's IO_MEM, IO_PORT and IRQ sessions
 * for exactly a device's BARs and line and hands the client the session
 * capability. The client maps or opens it with its own CAP_PD
 * (IO_MEM_MAP, IO_PORT_ACCESS, IRQ_SIGH), so it needs no route to core's
 * device services at all, and closing the Platform session takes every
 * such mapping away again. DMA buffers are RAM dataspaces the platform
 * driver allocates, paid from the session's RAM quota, and whose bus
 * address it tells the client; they go with the session.
 */
#pragma once

#include <base/parent.h>

#define PLATFORM_BARS 6u
#define PLATFORM_NO_IRQ 0xffu

enum platform_label {
	/*
	 * w0: device -> w0: vendor | device << 16, w1: class << 16 |
	 * subclass << 8 | prog-if, w2: bus << 8 | slot << 3 | function,
	 * w3: IRQ line (PLATFORM_NO_IRQ: none), w4: subsystem vendor |
	 * subsystem << 16. E_NOENT past the session's last device.
	 */
	PLATFORM_DEVICE = 1,
	/* w0: device, w1: BAR (0-5) -> w0: base, w1: size, w2: enum
	 * platform_bar_kind | PLATFORM_BAR_PREFETCH */
	PLATFORM_BAR = 2,
	/* w0: device, w1: memory BAR, w2: 1 = write-combining -> core's
	 * IO_MEM session cap for the whole BAR; w0: base, w1: size */
	PLATFORM_IO_MEM = 3,
	/* w0: device, w1: I/O BAR -> core's IO_PORT session cap; w0: base,
	 * w1: size */
	PLATFORM_IO_PORT = 4,
	/*
	 * w0: device -> core's IRQ session cap for the device's interrupt;
	 * w0: enum platform_irq_kind, w1: the I/O APIC input (INTx) or the
	 * vector (MSI). The platform driver programs the device for it.
	 */
	PLATFORM_IRQ = 5,
	/* w0: device, w1: 1 = enable DMA by the device, 0 = disable */
	PLATFORM_BUS_MASTER = 6,
	/*
	 * w0: bytes (1 to PLATFORM_DMA_MAX) -> a writable RAM dataspace,
	 * physically contiguous and zeroed; w0: its bus address, w1: its
	 * size. Paid from the session's RAM quota (its pages plus
	 * PLATFORM_DMA_COST); at most PLATFORM_DMA_BUFS per session.
	 */
	PLATFORM_DMA_ALLOC = 7,
	/* w0: a buffer's bus address -> the buffer is gone, wherever it is
	 * mapped; E_NOENT for an address that is not one of the session's */
	PLATFORM_DMA_FREE = 8,
	/* w0: device, w1: offset (4-aligned, below 0x1000) -> w0: that
	 * dword of its configuration space (all ones past 0x100 without
	 * ECAM). Read only: a driver finds its capabilities (virtio's). */
	PLATFORM_CONFIG_READ = 9,
};

#define PLATFORM_DMA_MAX (4ul << 20)
#define PLATFORM_DMA_BUFS 16u
/* What one buffer costs beyond its pages: core's table entry for it. */
#define PLATFORM_DMA_COST 64u

enum platform_irq_kind {
	PLATFORM_IRQ_INTX = 0, /* level-triggered, maybe shared: ack it */
	PLATFORM_IRQ_MSI = 1,  /* the device's own vector */
	/* MSI-X: entry 0 of the device's table is the vector; the driver
	 * points the device's sources at entry 0 (virtio: msix_config and
	 * every queue_msix_vector = 0) */
	PLATFORM_IRQ_MSIX = 2,
};

enum platform_bar_kind {
	PLATFORM_BAR_NONE = 0,
	PLATFORM_BAR_MEM = 1,
	PLATFORM_BAR_IO = 2,
	PLATFORM_BAR_PREFETCH = 0x100,
};
