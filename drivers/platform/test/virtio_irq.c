/*
 * test_virtio_irq: the interrupt of a modern virtio-net device (virtio
 * 1.0 over PCI, QEMU's virtio-net-pci,disable-legacy=on), for
 * run/irq_msix.run and run/irq_msix_q35.run. It finds the device's
 * common and device configuration through its vendor capabilities (read
 * with PLATFORM_CONFIG_READ), takes the MSI-X vector the platform driver
 * programs, points the device's configuration interrupt at entry 0,
 * negotiates VERSION_1 and STATUS (no queues: nothing is sent) and logs
 * the link state at every configuration interrupt, which QEMU raises when
 * the scenario sets the link down and up.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>
#include <session/io_mem.h>
#include <session/irq.h>
#include <session/platform.h>

#define VIRTIO_VENDOR 0x1af4u
#define VIRTIO_NET_MODERN 0x1041u
#define CAP_VENDOR 0x09u
#define CFG_COMMON 1u
#define CFG_DEVICE 4u
/* Common configuration: offsets and status bits (virtio 1.0, 4.1.4.3). */
#define DEVICE_FEATURE_SELECT 0x00
#define DEVICE_FEATURE 0x04
#define DRIVER_FEATURE_SELECT 0x08
#define DRIVER_FEATURE 0x0c
#define MSIX_CONFIG 0x10
#define DEVICE_STATUS 0x14
#define S_ACKNOWLEDGE 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define F_NET_STATUS (1u << 16)
#define F_VERSION_1 1u /* bit 32: in the second word */
#define NET_STATUS 6   /* in the device configuration */
#define INTERRUPTS 2u

static uint64_t pf;

static uint32_t
config(unsigned off)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = 0;
	w[1] = off;
	return rpc_call(pf, PLATFORM_CONFIG_READ, 2, 0, 0, NULL)
	    ? 0xffffffffu
	    : (uint32_t)w[0];
}

/* The BAR and offset of the vendor capability of type want. */
static int
find_cfg(unsigned want, unsigned *bar, uint32_t *off)
{
	if (!(config(0x04) >> 16 & 0x10))
		return -E_NOENT;
	for (unsigned at = config(0x34) & 0xfc, n = 0; at >= 0x40 && n < 48;
	     n++) {
		uint32_t h = config(at);

		if ((h & 0xff) == CAP_VENDOR && (h >> 24 & 0xff) == want) {
			*bar = config(at + 4) & 0xff;
			*off = config(at + 8);
			return 0;
		}
		at = (h >> 8) & 0xfc;
	}
	return -E_NOENT;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, id, mem = slot_alloc(),
		 ds = slot_alloc(), irq = slot_alloc(), copy = slot_alloc(),
		 sig, size;
	unsigned bar, dbar;
	uint32_t off, doff;
	volatile uint8_t *common, *dev;
	void *p;

	if (!mem || !ds || !irq || !copy ||
	    session_open("Platform", "", 4096, &pf, &id)) {
		log_printf("virtio: no Platform session");
		return 1;
	}
	w[0] = 0;
	if (rpc_call(pf, PLATFORM_DEVICE, 1, 0, 0, NULL) ||
	    w[0] != (VIRTIO_VENDOR | VIRTIO_NET_MODERN << 16)) {
		log_printf("virtio: device 0 is not a modern virtio-net");
		return 1;
	}
	if (find_cfg(CFG_COMMON, &bar, &off) ||
	    find_cfg(CFG_DEVICE, &dbar, &doff) || dbar != bar) {
		log_printf("virtio: no common and device configuration");
		return 1;
	}
	w[0] = 0;
	w[1] = bar;
	w[2] = 0;
	if (rpc_call(pf, PLATFORM_IO_MEM, 3, 0, mem, NULL) ||
	    (size = w[1], w[0] = size,
		rpc_call(mem, IO_MEM_DATASPACE, 1, 0, ds, NULL)) ||
	    ds_attach(ds, size, 1, &p) || off >= size || doff >= size) {
		log_printf("virtio: BAR%u not mapped", bar);
		return 1;
	}
	common = (volatile uint8_t *)p + off;
	dev = (volatile uint8_t *)p + doff;
	w[0] = 0;
	if (rpc_call(pf, PLATFORM_IRQ, 1, 0, irq, NULL) ||
	    w[0] != PLATFORM_IRQ_MSIX) {
		log_printf("virtio: no MSI-X vector");
		return 1;
	}
	log_printf("virtio: MSI-X vector %lu", w[1]);
	if (object_create(KOBJ_SIGNAL, &sig) ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(irq, IRQ_SIGH, 0, copy, 0, NULL)) {
		log_printf("virtio: cannot bind the interrupt");
		return 1;
	}

	/* Reset, then the handshake of virtio 1.0, 3.1.1. */
	common[DEVICE_STATUS] = 0;
	while (common[DEVICE_STATUS])
		;
	common[DEVICE_STATUS] = S_ACKNOWLEDGE | S_DRIVER;
	*(volatile uint32_t *)(common + DEVICE_FEATURE_SELECT) = 1;
	if (!(*(volatile uint32_t *)(common + DEVICE_FEATURE) & F_VERSION_1)) {
		log_printf("virtio: the device does not offer VERSION_1");
		return 1;
	}
	*(volatile uint32_t *)(common + DRIVER_FEATURE_SELECT) = 0;
	*(volatile uint32_t *)(common + DRIVER_FEATURE) = F_NET_STATUS;
	*(volatile uint32_t *)(common + DRIVER_FEATURE_SELECT) = 1;
	*(volatile uint32_t *)(common + DRIVER_FEATURE) = F_VERSION_1;
	common[DEVICE_STATUS] |= S_FEATURES_OK;
	*(volatile uint16_t *)(common + MSIX_CONFIG) = 0;
	if (!(common[DEVICE_STATUS] & S_FEATURES_OK) ||
	    *(volatile uint16_t *)(common + MSIX_CONFIG) != 0) {
		log_printf("virtio: features or MSI-X entry refused");
		return 1;
	}
	common[DEVICE_STATUS] |= S_DRIVER_OK;
	log_printf("virtio: link %s, waiting for configuration interrupts",
	    *(volatile uint16_t *)(dev + NET_STATUS) & 1 ? "up" : "down");
	for (unsigned n = 1; n <= INTERRUPTS; n++) {
		if (sys_sig_wait_for(sig, 30000000, NULL) < 0) {
			log_printf("virtio: no configuration interrupt");
			return 1;
		}
		log_printf("virtio: configuration interrupt %u: link %s", n,
		    *(volatile uint16_t *)(dev + NET_STATUS) & 1 ? "up"
								 : "down");
	}
	log_printf("virtio: %u configuration interrupts through MSI-X",
	    INTERRUPTS);
	return 0;
}
