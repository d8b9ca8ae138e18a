/*
 * The Nic session of a NIC driver (nic/driver.h): one client, its two
 * packet streams, frames copied to and from the device's buffers.
 */
#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <nic/driver.h>
#include <session/nic.h>

struct session {
	char label[LABEL_MAX];
	uint64_t quota;
	struct packet_server ps;
	bool dead;
	uint64_t link_sigh;
	uint64_t sent, refused, received, dropped;
};

static const struct nic_device *dev;
static struct session session;
static struct session_slot slots[1];
static struct session_table table = {"nic", 1, 1, slots};
static uint64_t ep, rcv;
static bool link_up;

/* The transmit buffers: which client packet each carries, if any. */
static struct {
	bool busy;
	struct packet pkt;
} tx_slot[NIC_DRIVER_TX_MAX];
/* Client packets whose acknowledgement waits for room in the ack queue. */
static struct packet acks[NIC_DRIVER_TX_MAX];
static unsigned nacks;

static bool
serving(void)
{
	return slots[0].used && !session.dead &&
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
		log_printf("%s: '%s': stream broken (%s): no longer served",
		    dev->name, session.label, packet_fault_name(ps->fault));
	session.dead = true;
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

	while (serving() && nacks < NIC_DRIVER_TX_MAX) {
		unsigned s;

		for (s = 0; s < dev->tx_slots && tx_slot[s].busy; s++)
			;
		if (s == dev->tx_slots)
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
			acks[nacks++] = p;
			continue;
		}
		tx_slot[s].busy = true;
		tx_slot[s].pkt = p;
		dev->tx_put(s, data, p.size);
		kick = true;
	}
	if (kick)
		dev->tx_kick();
	acks_flush(); /* the refused ones */
}

static void
tx_done(void)
{
	unsigned s;

	while (dev->tx_done(&s)) {
		if (s >= dev->tx_slots || !tx_slot[s].busy)
			continue;
		tx_slot[s].busy = false;
		tx_slot[s].pkt.op = NIC_SENT;
		session.sent++;
		if (nacks < NIC_DRIVER_TX_MAX)
			acks[nacks++] = tx_slot[s].pkt;
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
	const uint8_t *frame;
	bool kick = false;
	struct packet p;
	unsigned h;
	uint32_t size;

	rx_reclaim();
	while (dev->rx_take(&frame, &size, &h)) {
		if (!serving()) {
			/* nobody to give it to */
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
		dev->rx_back(h);
		kick = true;
	}
	if (kick)
		dev->rx_kick();
}

static void
interrupt(void)
{
	bool up;

	dev->interrupt();
	if ((up = dev->link()) != link_up) {
		link_up = up;
		log_printf("%s: link %s", dev->name, up ? "up" : "down");
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
	if (slots[0].used) {
		log_printf("%s: '%s' refused: the device has a client",
		    dev->name, req.label);
		return -E_BUSY;
	}
	/* Logging is a call: before the reply is in our UTCB. */
	log_printf("%s: serving '%s'", dev->name, req.label);
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
	/* Frames in the device's transmit queue finish into nothing. */
	for (unsigned s = 0; s < NIC_DRIVER_TX_MAX; s++)
		tx_slot[s].busy = false;
	nacks = 0;
	log_printf("%s: '%s' closed: %lu frames sent, %lu refused, %lu "
		   "received, %lu dropped",
	    dev->name, session.label, session.sent, session.refused,
	    session.received, session.dropped);
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

	if (label == SIGNAL_LABEL && badge == NIC_DRIVER_IRQ_BADGE) {
		interrupt();
		return;
	}
	if (!badge && label == ROOT_CREATE) {
		r->error = create(info, r);
		return;
	}
	if (!badge && label == ROOT_CLOSE) {
		if (session_table_find(&table, w[0]) < 0)
			return;
		/* What the client did before it closed counts: its signal
		 * may still be on its way. */
		rx_reclaim();
		server_session_close(&table, w[0]);
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
		w[0] = dev->mac;
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

int
nic_driver_endpoint(uint64_t *endpoint, uint64_t *irq_sig)
{
	uint64_t sig;

	if (object_create(KOBJ_ENDPOINT, endpoint) ||
	    object_create(KOBJ_SIGNAL, &sig) || sys_sig_bind(sig, *endpoint) ||
	    !(*irq_sig = slot_alloc()) ||
	    sys_cap_derive(sig, 0, *irq_sig, RIGHT_SEND | RIGHT_GRANT,
		NIC_DRIVER_IRQ_BADGE))
		return -E_NOMEM;
	return 0;
}

_Noreturn void
nic_driver_serve(const struct nic_device *d, uint64_t endpoint)
{
	dev = d;
	ep = endpoint;
	link_up = dev->link();
	log_printf("%s: MAC %02lx:%02lx:%02lx:%02lx:%02lx:%02lx, link %s",
	    dev->name, dev->mac & 0xff, dev->mac >> 8 & 0xff,
	    dev->mac >> 16 & 0xff, dev->mac >> 24 & 0xff, dev->mac >> 32 & 0xff,
	    dev->mac >> 40 & 0xff, link_up ? "up" : "down");
	if (dev->tx_slots > NIC_DRIVER_TX_MAX || !(rcv = slot_alloc()) ||
	    service_announce("Nic", ep)) {
		log_printf("%s: cannot serve", dev->name);
		component_exit(1);
	}
	server_loop(ep, rcv, handle);
}
