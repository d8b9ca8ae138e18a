/*
 * test_nic_hub: a Nic server (include/session/nic.h) that connects its
 * sessions like a switch, to show a session with a stream in each
 * direction (run/packet_nic.run). Each session gets the MAC address
 * 02:00:00:00:00:NN (NN its slot + 1); a frame goes to the session whose
 * address it names, a broadcast or multicast one to every other session.
 * A frame is copied out of the sender's region before it is looked at,
 * and refused if it is shorter than a header or longer than
 * NIC_FRAME_MAX. The hub never waits for a client: a frame for a session
 * whose rx stream is full is dropped and counted, and a session whose
 * peer broke a stream is no longer served. A closed session logs what it
 * did.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/nic.h>

#define SESSIONS 40u

struct session {
	char label[LABEL_MAX];
	uint64_t quota, mac;
	uint64_t sent, refused, delivered, dropped, unknown;
	struct packet_server ps;
	bool held, dead; /* held: pkt waits for room in the tx ack queue */
	struct packet pkt;
	uint64_t link_sigh;
};

static struct session sessions[SESSIONS];
static struct session_slot slots[SESSIONS];
static struct session_table table = {"nic_hub", 0, SESSIONS, slots};
static uint64_t ep, rcv;

static struct packet_source *
rx(struct session *s)
{
	return &s->ps.end[NIC_STREAM_RX].src;
}

static void
broken(struct session *s, struct packet_stream *ps)
{
	if (s->dead)
		return;
	s->dead = true;
	log_printf("'%s': stream broken (%s): no longer served", s->label,
	    packet_fault_name(ps->fault));
}

/* The rx buffers the client gave back. */
static void
reclaim(struct session *s)
{
	struct packet p;
	int e;

	if (!s->ps.end[NIC_STREAM_RX].started)
		return;
	while (!s->dead && (e = packet_get_ack(rx(s), &p)) != -E_AGAIN) {
		if (e == -E_RANGE)
			continue; /* not ours: dropped, counted in the stream */
		if (e) {
			broken(s, &rx(s)->ps);
			return;
		}
		packet_free(rx(s), &p);
	}
}

static bool
serving(const struct session *s)
{
	return !s->dead && s->ps.end[NIC_STREAM_TX].started &&
	    s->ps.end[NIC_STREAM_RX].started;
}

/* A frame into t's rx stream, or dropped. */
static void
deliver(struct session *t, const uint8_t *frame, uint32_t size)
{
	struct packet p;

	if (!serving(t)) {
		t->dropped++;
		return;
	}
	reclaim(t);
	if (packet_alloc(rx(t), size, &p)) {
		t->dropped++;
		return;
	}
	memcpy(packet_content(&rx(t)->ps, &p), frame, size);
	if (packet_submit(rx(t), &p)) {
		packet_free(rx(t), &p);
		t->dropped++;
		return;
	}
	t->delivered++;
}

/* One frame from s: NIC_SENT if the hub took it. */
static uint32_t
forward(struct session *s, const struct packet *p)
{
	static uint8_t frame[NIC_FRAME_MAX];
	const uint8_t *data = packet_content(&s->ps.end[0].snk.ps, p);
	uint64_t dst;
	bool found = false;

	if (!data || p->size < NIC_FRAME_MIN || p->size > NIC_FRAME_MAX) {
		s->refused++;
		return 0;
	}
	memcpy(frame, data, p->size); /* the sender may change it */
	dst = nic_mac(frame);
	s->sent++;
	for (unsigned i = 0; i < SESSIONS; i++) {
		struct session *t = &sessions[i];

		if (t == s || !t->mac)
			continue;
		if ((frame[0] & 1) || t->mac == dst) {
			deliver(t, frame, p->size);
			found = true;
		}
	}
	if (!found)
		s->unknown++;
	return NIC_SENT;
}

static void
streams(struct session *s)
{
	struct packet_sink *tx = &s->ps.end[NIC_STREAM_TX].snk;
	int e;

	reclaim(s);
	while (!s->dead) {
		if (!s->held) {
			if ((e = packet_get(tx, &s->pkt)) == -E_AGAIN)
				return;
			if (e == -E_RANGE) {
				s->refused++;
				continue;
			}
			if (e)
				break;
			s->pkt.op = forward(s, &s->pkt);
			s->held = true;
		}
		if ((e = packet_ack(tx, &s->pkt)) == -E_AGAIN)
			return; /* ACK_READY comes as our signal */
		s->held = false;
		if (e)
			break;
	}
	broken(s, &tx->ps);
}

static int
create(uint64_t info, struct reply *r)
{
	struct session_request req;
	int i;

	if (session_request_get(utcb_self()->msg, MSG_NWORDS(info), &req))
		return -E_INVAL;
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return i;
	uint64_t sig = sessions[i].ps.sig; /* kept for the slot's sessions */

	memset(&sessions[i], 0, sizeof(sessions[i]));
	sessions[i].ps.sig = sig;
	packet_server_init(&sessions[i].ps, 2, 1u << NIC_STREAM_RX);
	sessions[i].quota = req.quota;
	sessions[i].mac = 0x02ul | (uint64_t)(i + 1) << 40;
	fmt_snprintf(sessions[i].label, sizeof(sessions[i].label), "%s",
	    req.label);
	return 0;
}

static void
close(unsigned i)
{
	struct session *s = &sessions[i];

	/* What the client submitted before it closed is handled first: its
	 * signal may still be on its way. */
	if (serving(s))
		streams(s);
	log_printf("'%s' closed: %lu frames sent, %lu refused, %lu to nobody; "
		   "%lu delivered, %lu dropped; %u stream faults",
	    s->label, s->sent, s->refused, s->unknown, s->delivered, s->dropped,
	    s->ps.end[0].snk.ps.nfaults + s->ps.end[1].src.ps.nfaults);
	packet_server_close(&s->ps);
	if (s->link_sigh) {
		sys_cap_delete(s->link_sigh);
		slot_free(s->link_sigh);
	}
	s->mac = 0;
	s->link_sigh = 0;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, label = MSG_LABEL(info);
	struct session *s;
	int i;

	if (!badge && label == ROOT_CREATE) {
		r->error = create(info, r);
		return;
	}
	if (!badge && label == ROOT_CLOSE) {
		if ((i = server_session_close(&table, w[0])) >= 0)
			close((unsigned)i);
		return;
	}
	if ((i = session_table_lookup(&table, badge)) < 0) {
		r->error = i;
		return;
	}
	s = &sessions[i];
	if (label == SIGNAL_LABEL) {
		if (serving(s))
			streams(s);
		return;
	}
	if (packet_server_call(&s->ps, label, info, ep, badge, rcv, s->quota,
		r))
		return;
	switch (label) {
	case NIC_INFO:
		w[0] = s->mac;
		w[1] = NIC_FRAME_MAX;
		w[2] = NIC_LINK_UP;
		r->words = 3;
		return;
	case NIC_LINK_SIGH:
		/* The hub's links never go down; the signal is kept. */
		if (MSG_NCAPS(info) != 1 || s->link_sigh ||
		    !(s->link_sigh = slot_alloc())) {
			r->error = -E_INVAL;
			return;
		}
		r->error =
		    (int)sys_cap_derive(rcv, 0, s->link_sigh, RIGHT_SEND, 0);
		return;
	}
	r->error = -E_NOSYS;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	if (object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    service_announce("Nic", ep)) {
		log_printf("nic_hub: cannot serve");
		return 1;
	}
	log_printf("nic_hub: serving %u sessions", SESSIONS);
	server_loop(ep, rcv, handle);
}
