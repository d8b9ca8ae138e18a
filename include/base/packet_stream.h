/*
 * Packet streams: bulk data between two components through one shared memory
 * region, so that NIC, block and file-system sessions move their payload
 * without an IPC per byte. The source allocates packets in the region's bulk
 * area and submits their descriptors; the sink works on them in place and
 * acknowledges them; the source frees them. Everything the library reads from
 * the region was written by the other component and is checked before use.
 * Layout, protocol and error rules are in lib/packet/README.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds that keep each side's private state small and fixed. */
#define PACKET_SLOTS_MAX 256        /* descriptors per queue, a power of two */
#define PACKET_ALLOC_MAX 256        /* packets a source may hold at once */
#define PACKET_ALIGN 64             /* allocation granule in the bulk area */
#define PACKET_BULK_MAX 0x7fffffc0u /* bulk bytes, so sizes fit 31 bits */

/*
 * A packet as the queues carry it and as the API hands it out. Only offset
 * and size mean anything to the stream; op, tag and arg belong to the session
 * protocol (operation and status, the source's cookie, a block number or file
 * position).
 */
struct packet {
	uint64_t offset; /* bytes from the start of the bulk area */
	uint32_t size;
	uint32_t op;
	uint64_t tag;
	uint64_t arg;
};

/* What the other side must be woken for. */
enum packet_event {
	PACKET_SUBMITTED,    /* to the sink: the submit queue is not empty */
	PACKET_ACKED,        /* to the source: the ack queue is not empty */
	PACKET_SUBMIT_READY, /* to the source: the submit queue has room */
	PACKET_ACK_READY,    /* to the sink: the ack queue has room */
};

/*
 * How a stream wakes its peer; the runtime wires it to a kernel signal.
 * notify may be NULL for a peer that polls.
 */
struct packet_notify {
	void (*notify)(void *ctx, enum packet_event ev);
	void *ctx;
};

/* The last way the peer broke the protocol, for the component's log. */
enum packet_fault {
	PACKET_FAULT_NONE,
	PACKET_FAULT_DESC,  /* a descriptor outside the bulk area */
	PACKET_FAULT_ACK,   /* an ack for a packet that was not in flight */
	PACKET_FAULT_INDEX, /* a queue index moved impossibly: stream dead */
};

struct packet_queue;

/*
 * One side's private view of the region; nothing in it is shared, so a peer
 * cannot change it. "mine" is the index this side writes on each queue,
 * "peer" the last value read (and checked) of the one the peer writes.
 */
struct packet_stream {
	struct packet_queue *submit, *ack;
	unsigned char *bulk;
	uint32_t bulk_size;
	uint32_t nslots;
	uint32_t submit_mine, submit_peer;
	uint32_t ack_mine, ack_peer;
	struct packet_notify notify;
	bool dead;
	enum packet_fault fault;
	uint32_t nfaults;
};

/* A bulk range the source handed out; inflight while the sink owns it. */
struct packet_extent {
	uint32_t offset;
	uint32_t size : 31;
	uint32_t inflight : 1;
};

struct packet_source {
	struct packet_stream ps;
	uint32_t nextents;
	struct packet_extent extents[PACKET_ALLOC_MAX]; /* sorted by offset */
};

struct packet_sink {
	struct packet_stream ps;
};

/*
 * Set up the region (mem, size bytes, 8-byte aligned, ideally a whole
 * dataspace) with nslots descriptors per queue; the rest is the bulk area.
 * Returns 0, -E_INVAL for a bad argument or -E_NOMEM if no bulk area fits.
 */
int packet_stream_init_source(struct packet_source *src, void *mem, size_t size,
    uint32_t nslots, const struct packet_notify *notify);

/*
 * Attach to a region a source set up, mapped here at mem with size bytes.
 * The header is checked and copied; -E_INVAL if it does not describe a
 * layout that fits.
 */
int packet_stream_attach_sink(struct packet_sink *snk, void *mem, size_t size,
    const struct packet_notify *notify);

/*
 * Source side. packet_alloc gives a packet of size bytes (op, tag and arg
 * zero) or -E_NOMEM. packet_submit passes it to the sink (-E_AGAIN if the
 * queue is full, -E_INVAL if it was not allocated here, -E_BUSY if it is
 * in flight); its size may shrink, never grow. packet_get_ack takes the
 * next acknowledged packet (-E_AGAIN if none; -E_RANGE if the sink acked
 * something that was not in flight, which is dropped). packet_free returns
 * a packet's range to the allocator.
 */
int packet_alloc(struct packet_source *src, size_t size, struct packet *pkt);
int packet_submit(struct packet_source *src, const struct packet *pkt);
int packet_get_ack(struct packet_source *src, struct packet *pkt);
int packet_free(struct packet_source *src, const struct packet *pkt);
bool packet_ready_to_submit(struct packet_source *src);
bool packet_ack_avail(struct packet_source *src);

/*
 * Sink side. packet_get takes the next submitted packet (-E_AGAIN if none;
 * -E_RANGE if its descriptor lies outside the bulk area, which is dropped).
 * packet_ack hands a packet back, with op, tag and arg set as the protocol
 * wants and a size no larger than it came with, which the source checks
 * (-E_AGAIN if the ack queue is full, -E_INVAL if it is outside the bulk).
 */
int packet_get(struct packet_sink *snk, struct packet *pkt);
int packet_ack(struct packet_sink *snk, const struct packet *pkt);
bool packet_avail(struct packet_sink *snk);
bool packet_ready_to_ack(struct packet_sink *snk);

/*
 * The packet's bytes in this side's mapping, or NULL if [offset, offset +
 * size) is not inside the bulk area. The peer may change them at any time:
 * copy what you check before you check it.
 */
void *packet_content(const struct packet_stream *ps, const struct packet *pkt);

/*
 * Once the peer moved a queue index impossibly, the stream is dead: every
 * queue operation returns -E_ABORT and every query false (alloc, free and
 * content touch no queue and keep working). ps->fault and ps->nfaults say
 * what the peer did; the component logs it and closes the session.
 */
const char *packet_fault_name(enum packet_fault f);
