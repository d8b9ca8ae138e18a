/*
 * virtio_net: the driver of a modern virtio-net device (virtio 1.0 over
 * PCI, QEMU's -device virtio-net-pci), a Nic session server
 * (include/session/nic.h) for one client. See README.md.
 *
 * The device's receive queue (0) and transmit queue (1) hold buffers in
 * DMA memory of the driver's own: a frame is copied between them and the
 * client's streams, so the device never sees the client's memory and the
 * client never sees the device's. One MSI-X vector tells of both queues
 * and of link changes. The driver never waits for its client: a received
 * frame for which the client's rx stream has no room is dropped and
 * counted.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <kernel/syscalls.h>
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
#define IRQ_BADGE (2ul << 56) /* not a session's (their kind is 1) */

struct session {
	char label[LABEL_MAX];
	uint64_t quota;
	struct packet_server ps;
	bool dead;
	uint64_t link_sigh;
	uint64_t sent, refused, received, dropped;
};

static struct session session;
static struct session_slot slots[1];
static struct session_table table = {"virtio_net", 1, 1, slots};
static uint64_t ep, rcv, mac;
static struct virtio_dev dev;
static struct virtq rxq, txq;
static uint8_t *rx_buf, *tx_buf;
static uint64_t rx_bus, tx_bus;
static bool link_up;
static uint64_t dropped_no_client;

/* The transmit buffers: which client packet each carries, if any. */
static struct {
	bool busy;
	struct packet pkt;
} tx_slot[QSIZE];
/* Client packets taken from tx whose acknowledgement waits for room. */
static struct packet acks[QSIZE];
static unsigned nacks;

static bool
serving(void)
{
	return table.slots[0].used && !session.dead &&
	    session.ps.end[NIC_STREAM_TX].started &&
	    session.ps.end[NIC_STREAM_RX].started;
}

static struct packet_sink *
tx(void)
{
	return &session.ps.end[NIC_STREAM_TX].snk;
}

static struct packet_source *
rx(void)
{
	return &session.ps.end[NIC_STREAM_RX].src;
}

static void
broken(struct packet_stream *ps)
{
	if (!session.dead)
		log_printf("'%s': stream broken (%s): no longer served",
		    session.label, packet_fault_name(ps->fault));
	session.dead = true;
}

static bool
link_state(void)
{
	return !(dev.features & F_STATUS) ||
	    (*(volatile uint16_t *)(dev.cfg + NET_STATUS) & 1);
}

/* Acknowledge what the device sent (or we refused) to the client. */
static void
ack(const struct packet *p)
{
	if (nacks < QSIZE)
		acks[nacks++] = *p;
}

static void
acks_flush(void)
{
	unsigned i = 0;
	int e;

	while (serving() && i < nacks) {
		if ((e = packet_ack(tx(), &acks[i])) == -E_AGAIN)
			break;
		if (e) {
			broken(&tx()->ps);
			break;
		}
		i++;
	}
	memmove(acks, acks + i, (nacks - i) * sizeof(acks[0]));
	nacks -= i;
}

/* The client's frames into free transmit buffers. */
static void
transmit(void)
{
	bool kick = false;
	struct packet p;
	int e;

	while (serving() && nacks < QSIZE) {
		unsigned s;

		for (s = 0; s < QSIZE && tx_slot[s].busy; s++)
			;
		if (s == QSIZE)
			break;
		if ((e = packet_get(tx(), &p)) == -E_AGAIN)
			break;
		if (e == -E_RANGE) {
			session.refused++;
			continue;
		}
		if (e) {
			broken(&tx()->ps);
			break;
		}
		const uint8_t *data = packet_content(&tx()->ps, &p);

		if (!data || p.size < NIC_FRAME_MIN || p.size > NIC_FRAME_MAX ||
		    !link_up) {
			session.refused++;
			p.op = 0;
			ack(&p);
			continue;
		}
		memset(tx_buf + s * BUF, 0, HDR);
		memcpy(tx_buf + s * BUF + HDR, data, p.size);
		tx_slot[s].busy = true;
		tx_slot[s].pkt = p;
		virtq_put(&txq, (uint16_t)s, tx_bus + s * BUF, HDR + p.size,
		    false);
		kick = true;
	}
	if (kick)
		virtq_kick(&txq);
	acks_flush(); /* the refused ones */
}

static void
tx_done(void)
{
	uint16_t d;
	uint32_t len;

	while (virtq_take(&txq, &d, &len)) {
		if (!tx_slot[d].busy)
			continue;
		tx_slot[d].busy = false;
		tx_slot[d].pkt.op = NIC_SENT;
		session.sent++;
		ack(&tx_slot[d].pkt);
	}
}

static void
rx_reclaim(void)
{
	struct packet p;
	int e;

	while (serving() && (e = packet_get_ack(rx(), &p)) != -E_AGAIN) {
		if (e == -E_RANGE)
			continue;
		if (e) {
			broken(&rx()->ps);
			return;
		}
		packet_free(rx(), &p);
	}
}

/* Frames the device received, to the client; the buffers back. */
static void
receive(void)
{
	bool kick = false;
	struct packet p;
	uint16_t d;
	uint32_t len;

	rx_reclaim();
	while (virtq_take(&rxq, &d, &len)) {
		const uint8_t *frame = rx_buf + d * BUF + HDR;
		uint32_t size = len > HDR && len <= BUF ? len - HDR : 0;

		if (!serving()) {
			dropped_no_client++;
		} else if (size < NIC_FRAME_MIN || size > NIC_FRAME_MAX ||
		    packet_alloc(rx(), size, &p)) {
			session.dropped++;
		} else {
			memcpy(packet_content(&rx()->ps, &p), frame, size);
			if (packet_submit(rx(), &p)) {
				packet_free(rx(), &p);
				session.dropped++;
			} else {
				session.received++;
			}
		}
		virtq_put(&rxq, d, rx_bus + d * BUF, BUF, true);
		kick = true;
	}
	if (kick)
		virtq_kick(&rxq);
}

static void
interrupt(void)
{
	bool up = link_state();

	if (up != link_up) {
		link_up = up;
		log_printf("virtio_net: link %s", up ? "up" : "down");
		if (session.link_sigh)
			sys_sig_submit(session.link_sigh);
	}
	receive();
	tx_done();
	acks_flush();
	transmit();
}

static int
create(uint64_t info, struct reply *r)
{
	struct session_request req;
	uint64_t sig = session.ps.sig;
	int i;

	if (session_request_get(utcb_self()->msg, MSG_NWORDS(info), &req))
		return -E_INVAL;
	if (table.slots[0].used) {
		log_printf("virtio_net: '%s' refused: the device has a client",
		    req.label);
		return -E_BUSY;
	}
	/* Logging is a call: before the reply is in our UTCB. */
	log_printf("virtio_net: serving '%s'", req.label);
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return i;
	memset(&session, 0, sizeof(session));
	session.ps.sig = sig;
	packet_server_init(&session.ps, 2, 1u << NIC_STREAM_RX);
	session.quota = req.quota;
	fmt_snprintf(session.label, sizeof(session.label), "%s", req.label);
	return 0;
}

static void
close(void)
{
	/* Frames in the device's queue finish; their acks go nowhere. */
	for (unsigned s = 0; s < QSIZE; s++)
		tx_slot[s].busy = false;
	nacks = 0;
	log_printf("virtio_net: '%s' closed: %lu frames sent, %lu refused, "
		   "%lu received, %lu dropped",
	    session.label, session.sent, session.refused, session.received,
	    session.dropped);
	packet_server_close(&session.ps);
	if (session.link_sigh) {
		sys_cap_delete(session.link_sigh);
		slot_free(session.link_sigh);
		session.link_sigh = 0;
	}
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, label = MSG_LABEL(info);
	int i;

	if (label == SIGNAL_LABEL && badge == IRQ_BADGE) {
		interrupt();
		return;
	}
	if (!badge && label == ROOT_CREATE) {
		r->error = create(info, r);
		return;
	}
	if (!badge && label == ROOT_CLOSE) {
		if (server_session_close(&table, w[0]) >= 0)
			close();
		return;
	}
	if ((i = session_table_lookup(&table, badge)) < 0) {
		r->error = i;
		return;
	}
	if (label == SIGNAL_LABEL) {
		rx_reclaim();
		acks_flush();
		transmit();
		return;
	}
	if (packet_server_call(&session.ps, label, info, ep, badge, rcv,
		session.quota, r))
		return;
	switch (label) {
	case NIC_INFO:
		w[0] = mac;
		w[1] = NIC_FRAME_MAX;
		w[2] = link_up ? NIC_LINK_UP : 0;
		r->words = 3;
		return;
	case NIC_LINK_SIGH:
		if (MSG_NCAPS(info) != 1 || session.link_sigh ||
		    !(session.link_sigh = slot_alloc())) {
			r->error = -E_INVAL;
			return;
		}
		r->error = (int)sys_cap_derive(rcv, 0, session.link_sigh,
		    RIGHT_SEND, 0);
		return;
	}
	r->error = -E_NOSYS;
}

/* Device 0 of our Platform session, its queues full of receive buffers. */
static int
setup(void)
{
	uint64_t *w = utcb_self()->msg, pf, id, sig, badged;
	const char *why = NULL;
	void *p;

	if (session_open("Platform", "", 2ul << 20, &pf, &id)) {
		log_printf("virtio_net: no Platform session");
		return -1;
	}
	w[0] = 0;
	if (rpc_call(pf, PLATFORM_DEVICE, 1, 0, 0, NULL) ||
	    w[0] != (VIRTIO_VENDOR | VIRTIO_NET_MODERN << 16)) {
		log_printf("virtio_net: device 0 is not a modern virtio-net");
		return -1;
	}
	/* The interrupt arrives on our endpoint with its own badge. */
	if (object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    object_create(KOBJ_SIGNAL, &sig) || sys_sig_bind(sig, ep) ||
	    !(badged = slot_alloc()) ||
	    sys_cap_derive(sig, 0, badged, RIGHT_SEND | RIGHT_GRANT,
		IRQ_BADGE)) {
		log_printf("virtio_net: no endpoint");
		return -1;
	}
	if (virtio_open(&dev, pf, 0, F_MAC | F_STATUS, badged, &why) ||
	    virtq_setup(&dev, &rxq, 0, QSIZE) ||
	    virtq_setup(&dev, &txq, 1, QSIZE) ||
	    virtio_dma(&dev, QSIZE * BUF, &p, &rx_bus) || !(rx_buf = p, 1) ||
	    virtio_dma(&dev, QSIZE * BUF, &p, &tx_bus)) {
		log_printf("virtio_net: %s", why ? why : "no queues");
		return -1;
	}
	tx_buf = p;
	if (dev.features & F_MAC) {
		uint8_t b[6];

		for (unsigned i = 0; i < 6; i++)
			b[i] = dev.cfg[i];
		mac = nic_mac(b);
	} else {
		mac = 0x02; /* locally administered, 02:00:00:00:00:00 */
	}
	for (uint16_t d = 0; d < QSIZE; d++)
		virtq_put(&rxq, d, rx_bus + d * BUF, BUF, true);
	if (virtio_ready(&dev)) {
		log_printf("virtio_net: the device refused to start");
		return -1;
	}
	virtq_kick(&rxq);
	link_up = link_state();
	log_printf("virtio_net: MAC %02lx:%02lx:%02lx:%02lx:%02lx:%02lx, "
		   "link %s",
	    mac & 0xff, mac >> 8 & 0xff, mac >> 16 & 0xff, mac >> 24 & 0xff,
	    mac >> 32 & 0xff, mac >> 40 & 0xff, link_up ? "up" : "down");
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	if (setup() || service_announce("Nic", ep))
		return 1;
	server_loop(ep, rcv, handle);
}
