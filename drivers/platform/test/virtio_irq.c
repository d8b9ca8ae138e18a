/*
 * test_virtio_irq: the interrupt of a modern virtio-net device (virtio
 * 1.0 over PCI, QEMU's virtio-net-pci,disable-legacy=on), for
 * run/irq_msix.run and run/irq_msix_q35.run. Through lib/virtio it finds
 * the device's configuration, takes the MSI-X vector the platform driver
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
#include <platform/client.h>
#include <virtio/pci.h>

#define VIRTIO_VENDOR 0x1af4u
#define VIRTIO_NET_MODERN 0x1041u
#define F_NET_STATUS (1ul << 16)
#define NET_STATUS 6 /* in the device configuration */
#define INTERRUPTS 2u

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t pf, sig;
	struct virtio_dev d;
	const char *why;

	if (platform_open_device("virtio", VIRTIO_VENDOR, VIRTIO_NET_MODERN,
		4096, &pf))
		return 1;
	if (object_create(KOBJ_SIGNAL, &sig) ||
	    virtio_open(&d, pf, 0, F_NET_STATUS, sig, &why)) {
		log_printf("virtio: %s", why ? why : "no signal");
		return 1;
	}
	/* No queues: nothing is sent. */
	if (!(d.features & F_NET_STATUS) || virtio_ready(&d)) {
		log_printf("virtio: features refused");
		return 1;
	}
	log_printf("virtio: link %s, waiting for configuration interrupts",
	    *(volatile uint16_t *)(d.cfg + NET_STATUS) & 1 ? "up" : "down");
	for (unsigned n = 1; n <= INTERRUPTS; n++) {
		if (sys_sig_wait_for(sig, 30000000, NULL) < 0) {
			log_printf("virtio: no configuration interrupt");
			return 1;
		}
		log_printf("virtio: configuration interrupt %u: link %s", n,
		    *(volatile uint16_t *)(d.cfg + NET_STATUS) & 1 ? "up"
								   : "down");
	}
	log_printf("virtio: %u configuration interrupts through MSI-X",
	    INTERRUPTS);
	return 0;
}
