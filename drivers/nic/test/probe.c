/*
 * test_nic_probe: a client of a NIC driver's Nic session on QEMU's user
 * network (restrict=on: nothing leaves QEMU), for run/nic_virtio.run and
 * run/nic_e1000.run (and their q35 variants). It
 * asks the gateway 10.0.2.2 for its MAC address (ARP) and QEMU's DHCP
 * server for an address (a DHCPDISCOVER, answered by a DHCPOFFER), so
 * real frames go both ways through the device. Then it checks that the
 * driver refuses frames that are no Ethernet frames and a second
 * session, and follows the link down and up (the scenario sets it
 * through QMP), asking the gateway again once it is back. Last it breaks
 * its rx stream's index, for which the driver drops its session.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/nic.h>

#include "../../../lib/packet/layout.h"

#define REGION (64u * 1024)
#define SLOTS 32u
#define QUOTA (2 * REGION + 16 * 1024)

static uint64_t nic, mac, link_sig;
static struct packet_client c;
static uint8_t our_mac[6];
static const uint8_t gw_ip[4] = {10, 0, 2, 2}, my_ip[4] = {10, 0, 2, 15};

static struct packet_source *
tx(void)
{
	return &c.end[NIC_STREAM_TX].src;
}

static struct packet_sink *
rx(void)
{
	return &c.end[NIC_STREAM_RX].snk;
}

/* Sends size bytes (as they are; 0 or more); op of its acknowledgement. */
static int
send_raw(const uint8_t *f, uint32_t size, uint32_t *op)
{
	struct packet p;
	int e;

	if ((e = packet_alloc(tx(), size ? size : 1, &p)))
		return e;
	memcpy(packet_content(&tx()->ps, &p), f, size ? size : 1);
	p.size = size;
	if ((e = packet_submit(tx(), &p)))
		return e;
	while ((e = packet_get_ack(tx(), &p)) == -E_AGAIN)
		if (packet_client_wait(&c, 5000000))
			return -E_TIMEOUT;
	*op = p.op;
	packet_free(tx(), &p);
	return e;
}

static void
hdr(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, our_mac, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
}

/*
 * Waits (5 s at most) for a frame for which match says yes; the others
 * that come meanwhile are dropped.
 */
static int
await(bool (*match)(const uint8_t *f, uint32_t size, void *ctx), void *ctx)
{
	static uint8_t f[NIC_FRAME_MAX];
	struct packet p;

	for (unsigned tries = 0; tries < 50; tries++) {
		while (!packet_get(rx(), &p)) {
			const uint8_t *d = packet_content(&rx()->ps, &p);
			uint32_t size =
			    d && p.size <= NIC_FRAME_MAX ? p.size : 0;

			memcpy(f, d, size);
			packet_ack(rx(), &p);
			if (match(f, size, ctx))
				return 0;
		}
		packet_client_wait(&c, 100000);
	}
	return -E_TIMEOUT;
}

static bool
arp_reply(const uint8_t *f, uint32_t size, void *ctx)
{
	if (size < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 ||
	    f[21] != 2 || memcmp(f + 28, gw_ip, 4))
		return false;
	memcpy(ctx, f + 22, 6);
	return true;
}

static int
arp(uint8_t *gw_mac)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t f[60] = {0};
	uint32_t op;

	hdr(f, bcast, 0x0806);
	/* Ethernet, IPv4, 6-byte and 4-byte addresses, a request. */
	memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(f + 22, our_mac, 6);
	memcpy(f + 28, my_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	if (send_raw(f, sizeof(f), &op) || !(op & NIC_SENT))
		return -E_IO;
	return await(arp_reply, gw_mac);
}

static uint16_t
ip_sum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;

	for (unsigned i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#define XID 0x42756c6bu

static bool
dhcp_offer(const uint8_t *f, uint32_t size, void *ctx)
{
	const uint8_t *ip = f + 14, *udp, *b;
	unsigned ihl;

	if (size < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    (ip[0] >> 4) != 4 || ip[9] != 17)
		return false;
	ihl = (ip[0] & 15u) * 4;
	if (ihl < 20 || size < 14 + ihl + 8 + 240)
		return false;
	udp = ip + ihl;
	b = udp + 8;
	if (udp[0] != 0 || udp[1] != 67 || udp[2] != 0 || udp[3] != 68 ||
	    b[0] != 2 || b[4] != (XID >> 24 & 0xff) ||
	    b[5] != (XID >> 16 & 0xff) || b[6] != (XID >> 8 & 0xff) ||
	    b[7] != (XID & 0xff))
		return false;
	memcpy(ctx, b + 16, 4); /* yiaddr */
	return true;
}

static int
dhcp(uint8_t *offered)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t f[14 + 20 + 8 + 300] = {0}, *ip = f + 14, *udp = ip + 20,
				*b = udp + 8;
	uint16_t len = 20 + 8 + 300, sum;
	uint32_t op;

	hdr(f, bcast, 0x0800);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4); /* from 0.0.0.0 to 255.255.255.255 */
	sum = ip_sum(ip, 20);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = (uint8_t)((len - 20) >> 8);
	udp[5] = (uint8_t)(len - 20);
	b[0] = 1; /* BOOTREQUEST, Ethernet, 6 bytes */
	b[1] = 1;
	b[2] = 6;
	b[4] = XID >> 24 & 0xff;
	b[5] = XID >> 16 & 0xff;
	b[6] = XID >> 8 & 0xff;
	b[7] = XID & 0xff;
	memcpy(b + 28, our_mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8);
	if (send_raw(f, sizeof(f), &op) || !(op & NIC_SENT))
		return -E_IO;
	return await(dhcp_offer, offered);
}

static bool
link(void)
{
	uint64_t *w = utcb_self()->msg;

	return !rpc_call(nic, NIC_INFO, 0, 0, 0, NULL) && (w[2] & NIC_LINK_UP);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, id, cap2, id2, copy = slot_alloc();
	uint8_t gw[6], yi[4], junk[NIC_FRAME_MAX + 2] = {0};
	int bad = 0;

	if (session_open("Nic", "", QUOTA, &nic, &id) ||
	    rpc_call(nic, NIC_INFO, 0, 0, 0, NULL)) {
		log_printf("probe: no Nic session");
		return 1;
	}
	mac = w[0];
	nic_mac_put(our_mac, mac);
	if (packet_client_open(&c, nic, NIC_STREAM_TX, true, REGION, SLOTS) ||
	    packet_client_open(&c, nic, NIC_STREAM_RX, false, REGION, SLOTS) ||
	    object_create(KOBJ_SIGNAL, &link_sig) || !copy ||
	    sys_cap_derive(link_sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(nic, NIC_LINK_SIGH, 0, copy, 0, NULL)) {
		log_printf("probe: no packet streams");
		return 1;
	}
	log_printf("probe: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s",
	    our_mac[0], our_mac[1], our_mac[2], our_mac[3], our_mac[4],
	    our_mac[5], link() ? "up" : "down");
	if (arp(gw)) {
		log_printf("probe: no ARP reply from the gateway");
		return 1;
	}
	log_printf("probe: gateway 10.0.2.2 is at "
		   "%02x:%02x:%02x:%02x:%02x:%02x",
	    gw[0], gw[1], gw[2], gw[3], gw[4], gw[5]);
	if (dhcp(yi)) {
		log_printf("probe: no DHCP offer");
		return 1;
	}
	log_printf("probe: DHCP offers %u.%u.%u.%u", yi[0], yi[1], yi[2],
	    yi[3]);
	/* What is no Ethernet frame is refused, and a second client. */
	static const uint32_t sizes[] = {0, 13, NIC_FRAME_MAX + 1};
	for (unsigned i = 0; i < 3; i++) {
		uint32_t op = NIC_SENT;
		int e = send_raw(junk, sizes[i], &op);

		if (e || (op & NIC_SENT)) {
			log_printf("probe: a frame of %u bytes: NOT refused "
				   "(error %d, op %x)",
			    sizes[i], -e, op);
			bad = 1;
		}
	}
	log_printf("probe: frames of 0, 13 and 1515 bytes: refused");
	if (!session_open("Nic", "second", QUOTA, &cap2, &id2)) {
		log_printf("probe: a second session: NOT refused");
		bad = 1;
	} else {
		log_printf("probe: a second session: refused");
	}
	log_printf("probe: waiting for the link to go down");
	for (bool want = false;;) {
		if (sys_sig_wait_for(link_sig, 30000000, NULL) < 0) {
			log_printf("probe: no link change");
			return 1;
		}
		if (link() != want)
			continue;
		log_printf("probe: link %s", want ? "up" : "down");
		if (want)
			break;
		want = true;
	}
	if (arp(gw)) {
		log_printf("probe: no ARP reply after the link came back");
		return 1;
	}
	log_printf("probe: the gateway answers again");
	/* Last, an attack: the rx ack queue's producer index, which we
	 * write, far off. The driver drops us, not the device. */
	uint8_t *mem = c.end[NIC_STREAM_RX].mem;
	struct packet_queue *ackq = (struct packet_queue *)(mem +
	    ((struct packet_header *)mem)->ack_off);

	ackq->prod += 100000;
	sys_sig_submit(c.peer);
	log_printf("probe: rx stream broken");
	packet_client_close(&c);
	session_close(nic, id);
	return bad;
}
