/*
 * The Nic session of a NIC driver (drivers/nic/...), written once: a
 * device back-end says how to put a frame into a transmit buffer and take
 * received frames, and this serves the device to one client. A frame is
 * copied between the device's buffers and the client's packet streams, so
 * the device never reaches the client's memory. The server never waits
 * for its client: a received frame for which the client's rx stream has
 * no room is dropped and counted; a frame it sends that is no Ethernet
 * frame, or sent while the link is down, is acknowledged without NIC_SENT.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define NIC_DRIVER_TX_MAX 256u

struct nic_device {
	const char *name; /* in log lines */
	uint64_t mac;
	unsigned tx_slots; /* transmit buffers, at most NIC_DRIVER_TX_MAX */
	bool (*link)(void);
	/* The device's interrupt came: what it says is taken (and the line
	 * acknowledged) by the back-end. */
	void (*interrupt)(void);
	/* Frame (len bytes) into free transmit buffer slot, for the device. */
	void (*tx_put)(unsigned slot, const void *frame, uint32_t len);
	void (*tx_kick)(void);
	/* A transmit buffer the device is done with. */
	bool (*tx_done)(unsigned *slot);
	/* The next received frame, valid until rx_back(handle). */
	bool (*rx_take)(const uint8_t **frame, uint32_t *size,
	    unsigned *handle);
	void (*rx_back)(unsigned handle);
	void (*rx_kick)(void);
};

/*
 * The badge the device's interrupt signal must carry on ep, so it is told
 * from the client's: bind a signal to ep and give the device a copy with
 * this badge.
 */
#define NIC_DRIVER_IRQ_BADGE (2ul << 56)

/* The driver's endpoint, and a signal bound to it with that badge for
 * the device's interrupt (to give to IRQ_SIGH or virtio_open). */
int nic_driver_endpoint(uint64_t *ep, uint64_t *irq_sig);

/* Announces "Nic" at ep and serves it; never returns. */
_Noreturn void nic_driver_serve(const struct nic_device *dev, uint64_t ep);
