/*
 * The Nic session: a network interface as Ethernet frames, as a NIC
 * driver or a router gives it to one client. Two packet streams
 * (include/base/packet_session.h), both regions paid by the session's RAM
 * quota: on NIC_STREAM_TX the client is the source and submits the frames
 * it sends, which the server acknowledges once it took them (NIC_SENT
 * or'ed into op) or refused them (a frame shorter than an Ethernet header
 * or longer than NIC_FRAME_MAX, or a link that is down: op without it);
 * on NIC_STREAM_RX the server is the source and submits the frames it
 * received, which the client acknowledges to give the buffer back. A
 * server never waits for a client: a frame for a client whose rx stream
 * is full is dropped and counted. A frame is the destination and source
 * MAC, the EtherType and the payload, without preamble or checksum.
 *
 * Reviewed against Genode's Nic and Uplink sessions: the same two
 * streams and roles, the MAC address and link state as calls, a signal
 * for link changes.
 */
#pragma once

#include <stdint.h>

enum nic_label {
	/* -> w0: the MAC address (its 6 bytes in the low 48 bits, the first
	 * byte lowest), w1: the largest frame (bytes), w2: NIC_LINK_UP or 0 */
	NIC_INFO = 1,
	/* a signal cap: submitted whenever the link goes up or down */
	NIC_LINK_SIGH = 2,
};

enum nic_stream {
	NIC_STREAM_TX =
	    0, /* the client's frames to send; the client's source */
	NIC_STREAM_RX = 1, /* frames received for the client; the server's */
};

/* A MAC address as NIC_INFO gives it, from and to its 6 bytes. */
static inline uint64_t
nic_mac(const uint8_t *b)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < 6; i++)
		m |= (uint64_t)b[i] << (8 * i);
	return m;
}

static inline void
nic_mac_put(uint8_t *b, uint64_t mac)
{
	for (unsigned i = 0; i < 6; i++)
		b[i] = (uint8_t)(mac >> (8 * i));
}

#define NIC_LINK_UP 1u
#define NIC_SENT (1u << 31)
#define NIC_FRAME_MIN 14u   /* an Ethernet header */
#define NIC_FRAME_MAX 1514u /* a header and 1500 bytes of payload */
