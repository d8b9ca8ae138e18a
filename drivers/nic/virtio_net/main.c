/*
 * virtio_net: the driver of a modern virtio-net device (virtio 1.0 over
 * PCI, QEMU's -device virtio-net-pci), served as a Nic session by
 * lib/nic (nic/driver.h). See README.md.
 *
 * The device's receive queue (0) and transmit queue (1) hold buffers in
 * DMA memory of the driver's own, each the 12-byte virtio_net_hdr and a
 * frame. One MSI-X vector tells of both queues and of link changes.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <nic/driver.h>
#include <platform/client.h>
#include <session/nic.h>
#include <session/platform.h>
#include <virtio/pci.h>

#define VIRTIO_VENDOR 0x1af4u
#define VIRTIO_NET_MODERN 0x1041u
#define F_MAC (1ul << 5)
#define F_STATUS (1ul << 16)
#define NET_STATUS 6 /* in the device configuration, after the MAC */
#define HDR 12u      /* struct virtio_net_hdr with VERSION_1 */
#define BUF 2048u    /* one buffer: the header and a frame */
#define QSIZE 64u

static struct virtio_dev dev;
static struct virtq rxq, txq;
static uint8_t *rx_buf, *tx_buf;
static uint64_t rx_bus, tx_bus;

static bool
link(void)
{
	return !(dev.features & F_STATUS) ||
	    (*(volatile uint16_t *)(dev.cfg + NET_STATUS) & 1);
}

static void
interrupt(void)
{
	/* MSI-X: nothing to acknowledge, the rings say what happened. */
}

static void
tx_put(unsigned s, const void *frame, uint32_t len)
{
	memset(tx_buf + s * BUF, 0, HDR);
	memcpy(tx_buf + s * BUF + HDR, frame, len);
	virtq_put(&txq, (uint16_t)s, tx_bus + s * BUF, HDR + len, false);
}

static void
tx_kick(void)
{
	virtq_kick(&txq);
}

static bool
tx_done(unsigned *s)
{
	uint16_t d;
	uint32_t len;

	if (!virtq_take(&txq, &d, &len))
		return false;
	*s = d;
	return true;
}

static bool
rx_take(const uint8_t **frame, uint32_t *size, unsigned *h)
{
	uint16_t d;
	uint32_t len;

	if (!virtq_take(&rxq, &d, &len))
		return false;
	*frame = rx_buf + d * BUF + HDR;
	*size = len > HDR && len <= BUF ? len - HDR : 0;
	*h = d;
	return true;
}

static void
rx_back(unsigned h)
{
	virtq_put(&rxq, (uint16_t)h, rx_bus + h * BUF, BUF, true);
}

static void
rx_kick(void)
{
	virtq_kick(&rxq);
}

static struct nic_device nic = {.name = "virtio_net",
    .tx_slots = QSIZE,
    .link = link,
    .interrupt = interrupt,
    .tx_put = tx_put,
    .tx_kick = tx_kick,
    .tx_done = tx_done,
    .rx_take = rx_take,
    .rx_back = rx_back,
    .rx_kick = rx_kick};

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t pf, ep, irq_sig;
	const char *why = NULL;
	void *p;

	if (platform_open_device("virtio_net", VIRTIO_VENDOR, VIRTIO_NET_MODERN,
		2ul << 20, &pf))
		return 1;
	if (nic_driver_endpoint(&ep, &irq_sig)) {
		log_printf("virtio_net: no endpoint");
		return 1;
	}
	if (virtio_open(&dev, pf, 0, F_MAC | F_STATUS, irq_sig, &why) ||
	    virtq_setup(&dev, &rxq, 0, QSIZE) ||
	    virtq_setup(&dev, &txq, 1, QSIZE) ||
	    platform_dma(pf, QSIZE * BUF, &p, &rx_bus) || !(rx_buf = p, 1) ||
	    platform_dma(pf, QSIZE * BUF, &p, &tx_bus)) {
		log_printf("virtio_net: %s", why ? why : "no queues");
		return 1;
	}
	tx_buf = p;
	if (dev.features & F_MAC) {
		uint8_t b[6];

		for (unsigned i = 0; i < 6; i++)
			b[i] = dev.cfg[i];
		nic.mac = nic_mac(b);
	} else {
		nic.mac = 0x02; /* locally administered, 02:00:00:00:00:00 */
	}
	for (uint16_t d = 0; d < QSIZE; d++)
		rx_back(d);
	if (virtio_ready(&dev)) {
		log_printf("virtio_net: the device refused to start");
		return 1;
	}
	rx_kick();
	nic_driver_serve(&nic, ep);
}
