/*
 * The Block session: a disk, or a part of one, as numbered blocks of one
 * size. BLOCK_INFO tells the geometry; the data moves over the session's
 * packet stream (include/base/packet_session.h), whose region the
 * session's RAM quota pays and in which the client is the source. A
 * packet is one request: op is enum block_op, arg the first block, size
 * the bytes (a whole number of blocks; 0 for a sync), tag the client's
 * own. The server acknowledges every packet it takes, in any order,
 * with BLOCK_DONE or'ed into op when it succeeded (a read's data then in
 * the packet) and without it when it did not: a request past the end, a
 * size that is no whole number of blocks, a write to a read-only device,
 * an operation it does not know, a device error. Several requests may be
 * in flight; a sync is acknowledged once every write acknowledged before
 * it has reached the medium. The labels of the stream's setup are 0x80 and
 * up, the session's own below.
 */
#pragma once

#include <stdint.h>

enum block_label {
	/* -> w0: block size (bytes, a power of two, 512 or more), w1: block
	 * count, w2: BLOCK_WRITEABLE or 0, w3: largest request (bytes) */
	BLOCK_INFO = 1,
};

enum block_op {
	BLOCK_READ = 1,
	BLOCK_WRITE = 2,
	BLOCK_SYNC = 3,
};

#define BLOCK_OP_MASK 0xffu
#define BLOCK_DONE (1u << 31)
#define BLOCK_WRITEABLE 1u
