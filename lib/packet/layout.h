/*
 * The layout of a packet-stream region: the contract between the two
 * components that map it. Private to the library (and its tests); both sides
 * reach it only through <base/packet_stream.h>.
 */
#pragma once

#include <base/packet_stream.h>

#define PACKET_STREAM_MAGIC 0x4b505342u /* "BSPK" in memory */
#define PACKET_STREAM_VERSION 1
#define PACKET_CACHE_LINE 64

/* Written once by the source; the sink copies and checks it on attach. */
struct packet_header {
	uint32_t magic;
	uint32_t version;
	uint32_t nslots;
	uint32_t desc_size;
	uint64_t size; /* of the whole region */
	uint64_t submit_off, ack_off, bulk_off, bulk_size;
	uint64_t reserved;
};

/*
 * A single-producer single-consumer ring. The indices run freely and wrap at
 * 2^32; slot i is desc[i % nslots]. Each index has its own cache line, so the
 * producer and the consumer do not write to the same line.
 */
struct packet_queue {
	uint32_t prod;
	uint8_t pad0[PACKET_CACHE_LINE - 4];
	uint32_t cons;
	uint8_t pad1[PACKET_CACHE_LINE - 4];
	struct packet desc[];
};

_Static_assert(sizeof(struct packet) == 32, "packet descriptor ABI");
_Static_assert(sizeof(struct packet_header) == PACKET_CACHE_LINE,
    "packet header ABI");
_Static_assert(sizeof(struct packet_queue) == 2 * PACKET_CACHE_LINE,
    "packet queue ABI");
