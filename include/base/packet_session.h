/*
 * A packet stream (include/base/packet_stream.h) carried by a session:
 * the region, the two notifications and the teardown, the same for every
 * session that moves bulk data (Block, Nic, File_system). The server
 * allocates the region from the RAM the client paid for the session (so
 * the client can never take it away under the server), the client maps
 * it and lays it out as the source, and the server attaches as the sink.
 * Each side's notifications go to the other's signal: the client's is a
 * signal of its own, the server's is bound to its endpoint with the
 * session's badge, so one server loop learns which session's stream
 * moved. See lib/packet/README.md, Sessions.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <base/packet_stream.h>
#include <base/server.h>

/* Labels 0x80 and up of a session that carries a stream are these. */
enum packet_session_label {
	/* w0: region bytes -> the region's dataspace (writable) */
	PACKET_SESSION_REGION = 0x80,
	/* the client's signal cap, once it laid out the region -> the
	 * signal cap the client submits for the server */
	PACKET_SESSION_START = 0x81,
};

/* The client's side: the source. */
struct packet_client {
	struct packet_source src;
	uint64_t ds, sig, peer; /* the region, our signal, the server's */
	void *mem;
	size_t size;
};

/*
 * Asks the session for a region of size bytes (paid from the session's
 * quota), lays it out with nslots descriptors per queue and starts the
 * stream. Returns 0 or an error; on error nothing is left held.
 */
int packet_client_open(struct packet_client *c, uint64_t session, size_t size,
    uint32_t nslots);
/* Waits until the server notifies (us microseconds at most; 0: forever). */
int packet_client_wait(struct packet_client *c, uint64_t us);
/* Unmaps the region and drops the signals (before closing the session). */
void packet_client_close(struct packet_client *c);

/* The server's side of one session: the sink. */
struct packet_server {
	struct packet_sink snk;
	uint64_t ds, sig, peer; /* the region, our signal, the client's */
	uint64_t badged;        /* our signal with the session's badge */
	void *mem;
	size_t size;
	bool started;
};

/*
 * Handles the stream's setup calls of a session: returns 1 when label was
 * one of them (r filled), 0 when it was not. max bounds the region (the
 * session's quota, less what else it pays for); ep is the server's
 * endpoint, badge the session's, rcv where a sent capability arrived.
 * Refuses a region beyond max or twice, a start before the region or
 * twice, and a region the client did not lay out.
 */
int packet_server_call(struct packet_server *s, uint64_t label, uint64_t info,
    uint64_t ep, uint64_t badge, uint64_t rcv, size_t max, struct reply *r);
/* Frees the region (unmapped in the client too) and revokes the client's
 * copy of our signal; the signal object stays for the next session. */
void packet_server_close(struct packet_server *s);
