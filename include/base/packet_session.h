/*
 * Packet streams (include/base/packet_stream.h) carried by a session: the
 * regions, the notifications and the teardown, the same for every session
 * that moves bulk data (Block, Nic, File_system). A session has one or
 * two streams, each with its source on one side: Block's requests go from
 * the client, a Nic's received frames from the server. The server
 * allocates every region from the RAM the client paid for the session (so
 * the client can never take it away under the server); the source lays it
 * out, the sink checks that layout when it attaches. Each side's
 * notifications go to the other's one signal for the session: the
 * client's is a signal of its own, the server's is bound to its endpoint
 * with the session's badge, so one server loop learns which session's
 * streams moved. See lib/packet/README.md, Sessions.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <base/packet_stream.h>
#include <base/server.h>

/* A session carries up to this many streams, numbered from 0. */
#define PACKET_SESSION_STREAMS 2u

/* Labels 0x80 and up of a session that carries a stream are these. */
enum packet_session_label {
	/* w0: region bytes, w1: stream (0 if absent), w2: descriptors per
	 * queue, for a stream the server is the source of -> the region's
	 * dataspace (writable) */
	PACKET_SESSION_REGION = 0x80,
	/* the client's signal cap, once it laid out the region or attached
	 * to it; w0: stream (0 if absent) -> the signal cap the client
	 * submits for the server */
	PACKET_SESSION_START = 0x81,
};

/* One side of one stream: its source or its sink. */
struct packet_end {
	bool source;
	struct packet_source src;
	struct packet_sink snk;
	uint64_t ds; /* the region */
	void *mem;
	size_t size;
	bool started;
};

/* The client's side of a session's streams. */
struct packet_client {
	struct packet_end end[PACKET_SESSION_STREAMS];
	uint64_t sig, peer; /* our signal (for every stream), the server's */
};

/*
 * Opens stream of the session: asks for a region of size bytes (paid
 * from the session's quota), lays it out with nslots descriptors per
 * queue if we are its source (source), else attaches to the one the
 * server laid out, and starts it. Returns 0 or an error; on error the
 * stream holds nothing.
 */
int packet_client_open(struct packet_client *c, uint64_t session,
    unsigned stream, bool source, size_t size, uint32_t nslots);
/* Waits until the server notifies (us microseconds at most; 0: forever). */
int packet_client_wait(struct packet_client *c, uint64_t us);
/* Unmaps the regions and drops the signals (before closing the session). */
void packet_client_close(struct packet_client *c);

/* The server's side of one session's streams. */
struct packet_server {
	struct packet_end end[PACKET_SESSION_STREAMS];
	unsigned nstreams;
	uint64_t sig, peer; /* our signal (for every stream), the client's */
	uint64_t badged;    /* our signal with the session's badge */
	size_t spent;       /* region bytes of all its streams */
};

/*
 * Sets up a session's streams: nstreams of them, the server the source of
 * those whose bit is set in sources. The signal object of the session
 * slot's last session (s->sig) is kept.
 */
void packet_server_init(struct packet_server *s, unsigned nstreams,
    unsigned sources);
/*
 * Handles the streams' setup calls of a session: returns 1 when label was
 * one of them (r filled), 0 when it was not. max bounds the regions of all
 * its streams together (the session's quota, less what else it pays for);
 * ep is the server's endpoint, badge the session's, rcv where a sent
 * capability arrived. Refuses a stream it does not have, a region beyond
 * max or twice, a start before the region or twice, and a region the
 * client did not lay out.
 */
int packet_server_call(struct packet_server *s, uint64_t label, uint64_t info,
    uint64_t ep, uint64_t badge, uint64_t rcv, size_t max, struct reply *r);
/* Frees the regions (unmapped in the client too) and revokes the client's
 * copy of our signal; the signal object stays for the next session. */
void packet_server_close(struct packet_server *s);
