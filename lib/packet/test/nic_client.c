/*
 * test_nic_client: clients of a Nic session (include/session/nic.h) for
 * run/packet_nic.run, by <config role="...">:
 *
 *   echo     sends every frame it receives back to where it came from
 *   sender   finds the echo by a broadcast, sends it <config frames="N"/>
 *            frames of every size from 60 to NIC_FRAME_MAX bytes, 16 in
 *            flight, and checks that each comes back whole and in order;
 *            it prints the frames and bytes per second it measured
 *   hostile  attacks the server through its streams (see hostile())
 *   many     opens 30 sessions (60 streams, a signal each side) and
 *            sends a frame from each to the next
 *
 * Frames carry EtherType 0x88b5 (local experiments) and a sequence number.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>
#include <session/nic.h>

#include "../layout.h"

#define REGION (128u * 1024)
#define SLOTS 64u
#define WINDOW 16u
#define QUOTA (2 * REGION + 64 * 1024)

struct nic {
	uint64_t cap, id, mac;
	struct packet_client c;
};

static uint64_t frames = 10000;

static struct packet_source *
tx(struct nic *n)
{
	return &n->c.end[NIC_STREAM_TX].src;
}

static struct packet_sink *
rx(struct nic *n)
{
	return &n->c.end[NIC_STREAM_RX].snk;
}

static int
nic_open(struct nic *n, const char *label)
{
	uint64_t *w = utcb_self()->msg;
	int e;

	memset(n, 0, sizeof(*n));
	if ((e = session_open("Nic", label, QUOTA, &n->cap, &n->id)) ||
	    (e = (int)rpc_call(n->cap, NIC_INFO, 0, 0, 0, NULL)))
		return e;
	n->mac = w[0];
	if ((e = packet_client_open(&n->c, n->cap, NIC_STREAM_TX, true, REGION,
		 SLOTS)) ||
	    (e = packet_client_open(&n->c, n->cap, NIC_STREAM_RX, false, REGION,
		 SLOTS)))
		return e;
	return 0;
}

/* Frame seq: its size and its bytes. */
static uint32_t
frame_size(uint64_t seq)
{
	return 60 + (uint32_t)(seq * 37 % (NIC_FRAME_MAX - 60 + 1));
}

static void
frame_fill(uint8_t *f, uint64_t dst, uint64_t src, uint64_t seq)
{
	uint32_t size = frame_size(seq);

	nic_mac_put(f, dst);
	nic_mac_put(f + 6, src);
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + 14, &seq, 8);
	for (uint32_t i = 22; i < size; i++)
		f[i] = (uint8_t)(seq + i);
}

/* Takes back the tx packets the server acknowledged; how many were sent. */
static unsigned
tx_reclaim(struct nic *n, unsigned *refused)
{
	struct packet p;
	unsigned k = 0;

	while (!packet_get_ack(tx(n), &p)) {
		if (!(p.op & NIC_SENT) && refused)
			(*refused)++;
		packet_free(tx(n), &p);
		k++;
	}
	return k;
}

static int
send_frame(struct nic *n, const uint8_t *f, uint32_t size)
{
	struct packet p;
	int e;

	tx_reclaim(n, NULL);
	if ((e = packet_alloc(tx(n), size, &p)))
		return e;
	memcpy(packet_content(&tx(n)->ps, &p), f, size);
	if ((e = packet_submit(tx(n), &p)))
		packet_free(tx(n), &p);
	return e;
}

static _Noreturn void
echo(struct nic *n)
{
	static uint8_t f[NIC_FRAME_MAX];
	struct packet p;

	log_printf("echo: at %lx", n->mac);
	for (;;) {
		while (!packet_get(rx(n), &p)) {
			const uint8_t *d = packet_content(&rx(n)->ps, &p);
			uint32_t size = p.size;

			if (d && size >= NIC_FRAME_MIN &&
			    size <= NIC_FRAME_MAX) {
				memcpy(f, d, size);
				nic_mac_put(f, nic_mac(d + 6));
				nic_mac_put(f + 6, n->mac);
				while (send_frame(n, f, size) == -E_AGAIN)
					packet_client_wait(&n->c, 100000);
			}
			packet_ack(rx(n), &p);
		}
		tx_reclaim(n, NULL);
		packet_client_wait(&n->c, 0);
	}
}

/* The next echoed frame: 0, or -E_TIMEOUT after us without one. */
static int
receive(struct nic *n, uint8_t *f, uint32_t *size, uint64_t us)
{
	struct packet p;

	for (;;) {
		int e = packet_get(rx(n), &p);

		if (!e) {
			const uint8_t *d = packet_content(&rx(n)->ps, &p);

			*size = d && p.size <= NIC_FRAME_MAX ? p.size : 0;
			if (*size)
				memcpy(f, d, *size);
			packet_ack(rx(n), &p);
			return 0;
		}
		tx_reclaim(n, NULL);
		if (packet_client_wait(&n->c, us))
			return -E_TIMEOUT;
	}
}

static int
sender(struct nic *n)
{
	static uint8_t f[NIC_FRAME_MAX], g[NIC_FRAME_MAX];
	uint64_t next = 0, back = 0, bytes = 0, t0, t1, khz, seq, peer;
	uint32_t size;

	/* The echo may not be there yet: frame 0 to everyone until it comes
	 * back, from the echo's address. */
	frame_fill(f, 0xfffffffffffful, n->mac, 0);
	for (unsigned tries = 0;; tries++) {
		if (tries == 300) {
			log_printf("sender: no echo");
			return 1;
		}
		send_frame(n, f, frame_size(0));
		if (!receive(n, g, &size, 100000) && size >= NIC_FRAME_MIN)
			break;
	}
	peer = nic_mac(g + 6);
	/* Further copies of frame 0 may come back: the echo's rx takes them
	 * before frame 1, so they are skipped below. */
	next = back = 1;
	t0 = rdtsc();
	while (back < frames) {
		while (next < frames && next - back < WINDOW) {
			frame_fill(f, peer, n->mac, next);
			if (send_frame(n, f, frame_size(next)))
				break;
			next++;
		}
		if (receive(n, g, &size, 5000000)) {
			log_printf("sender: frame %lu did not come back", back);
			return 1;
		}
		memcpy(&seq, g + 14, 8);
		if (size == frame_size(0) && seq == 0)
			continue;
		frame_fill(f, n->mac, peer, back);
		if (size != frame_size(back) || seq != back ||
		    memcmp(f, g, size)) {
			log_printf(
			    "sender: frame %lu came back as %lu, %u bytes: "
			    "differs",
			    back, seq, size);
			return 1;
		}
		bytes += size;
		back++;
	}
	t1 = rdtsc();
	khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	log_printf("sender: %lu frames came back whole and in order", frames);
	if (khz && t1 > t0)
		log_printf("bench: nic round trips %lu frames/s, %lu KiB/s",
		    frames * khz * 1000 / (t1 - t0),
		    bytes * 2 * khz * 1000 / (t1 - t0) / 1024);
	return 0;
}

#define CHECK_REFUSED(what, cond)                                     \
	do {                                                          \
		if (cond)                                             \
			log_printf("hostile: %s: refused", what);     \
		else {                                                \
			log_printf("hostile: %s: NOT refused", what); \
			bad = 1;                                      \
		}                                                     \
	} while (0)

/*
 * Setup attacks on a fresh session; bad frames; a flood at a second
 * session of ours that never takes its frames (the server drops them and
 * goes on); then a broken rx stream, after which the server drops our
 * session only.
 */
static int
hostile(void)
{
	uint64_t *w = utcb_self()->msg, cap, id, ds = slot_alloc(), sig,
		 copy = slot_alloc(), peer = slot_alloc();
	static uint8_t f[NIC_FRAME_MAX + 64];
	struct nic a, b;
	unsigned refused = 0, acked = 0;
	int bad = 0;

	if (session_open("Nic", "raw", QUOTA, &cap, &id) ||
	    object_create(KOBJ_SIGNAL, &sig) ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0))
		return 1;
	w[0] = REGION;
	w[1] = 2;
	CHECK_REFUSED("a region for stream 2",
	    rpc_call(cap, PACKET_SESSION_REGION, 2, 0, ds, NULL));
	w[0] = REGION;
	w[1] = NIC_STREAM_RX;
	w[2] = 1000;
	CHECK_REFUSED("an rx region of 1000 slots",
	    rpc_call(cap, PACKET_SESSION_REGION, 3, 0, ds, NULL));
	w[0] = 1;
	CHECK_REFUSED("start of rx before its region",
	    rpc_call(cap, PACKET_SESSION_START, 1, copy, peer, NULL));
	w[0] = QUOTA + 4096;
	w[1] = NIC_STREAM_TX;
	CHECK_REFUSED("a tx region beyond the whole quota",
	    rpc_call(cap, PACKET_SESSION_REGION, 2, 0, ds, NULL));
	w[0] = REGION;
	w[1] = NIC_STREAM_TX;
	if (rpc_call(cap, PACKET_SESSION_REGION, 2, 0, ds, NULL))
		return 1;
	w[0] = 2 * REGION;
	w[1] = NIC_STREAM_RX;
	w[2] = SLOTS;
	CHECK_REFUSED("rx and tx regions beyond the quota",
	    rpc_call(cap, PACKET_SESSION_REGION, 3, 0, peer, NULL));
	w[0] = NIC_STREAM_TX;
	CHECK_REFUSED("start of tx with the region not laid out",
	    rpc_call(cap, PACKET_SESSION_START, 1, copy, peer, NULL));
	session_close(cap, id);

	if (nic_open(&a, "a") || nic_open(&b, "b"))
		return 1;
	/* Frames too short or too long for Ethernet. */
	static const uint32_t sizes[] = {0, 13, NIC_FRAME_MAX + 1, 4000};
	for (unsigned i = 0; i < 4; i++) {
		struct packet p;

		if (packet_alloc(tx(&a), sizes[i] ? sizes[i] : 1, &p))
			return 1;
		p.size = sizes[i];
		if (packet_submit(tx(&a), &p))
			return 1;
	}
	for (unsigned tries = 0; acked < 4 && tries < 50; tries++) {
		acked += tx_reclaim(&a, &refused);
		if (acked < 4)
			packet_client_wait(&a.c, 100000);
	}
	CHECK_REFUSED("frames of 0, 13, 1515 and 4000 bytes",
	    acked == 4 && refused == 4);
	/* b never takes a frame: the server must not wait for it. */
	frame_fill(f, b.mac, a.mac, 1);
	acked = refused = 0;
	for (unsigned i = 0; i < 1000;) {
		if (!send_frame(&a, f, 1000))
			i++;
		else
			packet_client_wait(&a.c, 100000);
	}
	for (unsigned tries = 0; tries < 50 && tx_reclaim(&a, &refused);)
		tries++;
	log_printf("hostile: 1000 frames at a session that never takes them: "
		   "sent");
	/* Then b breaks its rx stream. */
	/* The ack queue's producer index is ours to write: far off. */
	uint8_t *mem = b.c.end[NIC_STREAM_RX].mem;
	struct packet_queue *ackq = (struct packet_queue *)(mem +
	    ((struct packet_header *)mem)->ack_off);

	ackq->prod += 100000;
	sys_sig_submit(b.c.peer);
	log_printf("hostile: rx stream broken");
	return bad;
}

/* More sessions and signals than a PD once had objects (16). */
static int
many(void)
{
	enum {
		N = 30
	};
	static struct nic n[N];
	static uint8_t f[NIC_FRAME_MAX];
	unsigned got = 0;

	for (unsigned i = 0; i < N; i++) {
		char label[16];

		fmt_snprintf(label, sizeof(label), "n%u", i);
		if (nic_open(&n[i], label)) {
			log_printf("many: no Nic session %u", i);
			return 1;
		}
	}
	for (unsigned i = 0; i < N; i++) {
		frame_fill(f, n[(i + 1) % N].mac, n[i].mac, i);
		if (send_frame(&n[i], f, frame_size(i)))
			return 1;
	}
	/* Skipping what others broadcast (the sender looking for its echo). */
	for (unsigned i = 0; i < N; i++) {
		uint64_t from = n[(i + N - 1) % N].mac, seq;
		uint32_t size;

		while (!receive(&n[i], f, &size, 5000000)) {
			if (size < 22 || nic_mac(f + 6) != from)
				continue;
			memcpy(&seq, f + 14, 8);
			got +=
			    seq == (i + N - 1) % N && size == frame_size(seq);
			break;
		}
	}
	log_printf("many: %u sessions, %u of %u frames arrived", N, got, N);
	return got != N;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	char role[16] = "";
	struct nic n;

	if (!config_load(&cfg)) {
		config_attr_copy(config_root(&cfg), "role", role, sizeof(role));
		config_attr_u64(config_root(&cfg), "frames", 10000, &frames);
	}
	if (!strcmp(role, "hostile"))
		return hostile();
	if (!strcmp(role, "many"))
		return many();
	if (nic_open(&n, role)) {
		log_printf("%s: no Nic session", role);
		return 1;
	}
	if (!strcmp(role, "echo"))
		echo(&n);
	if (!strcmp(role, "sender"))
		return sender(&n);
	return 1;
}
