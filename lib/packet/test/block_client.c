/*
 * test_block_client: a client of a Block session over its packet stream,
 * for run/packet_block.run and run/bench_packet.run.
 *
 * role="client" writes total_mib MiB in 64 KiB requests, cycling over the
 * whole device, with as many requests in flight as the region holds, then
 * reads the device back and checks every block is what the last pass
 * wrote. It prints the write throughput against memcpy in the same run:
 * the stream costs each byte one copy into the packet (here) and one out
 * of it (in the server), so the baseline is the same two copies in one
 * thread.
 *
 * role="hostile" tries what a hostile client would on the session's setup
 * and requests (a region before the start, too big, twice; a start
 * without a region laid out; requests past the end, of broken sizes,
 * of unknown operations), each of which must be refused, and then breaks
 * its stream's queue index, which must make the server drop only it.
 *
 * <config role="client|hostile" total_mib="64" quota="1114112"/>
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
#include <session/block.h>

#include "../layout.h"

#define REQ (64u * 1024)
#define REGION (1024u * 1024)
#define SLOTS 64u

static struct packet_client c;
static uint64_t blk, nblocks, bsize, tsc_khz;
static uint8_t pattern[REQ], mid[REQ];

static void
stamp(uint8_t *p, uint64_t block, uint64_t pass)
{
	uint64_t v = block << 16 | pass;

	memcpy(p, &v, sizeof(v));
}

/* Takes one acknowledgement, waiting for it: its packet, freed. */
static int
one_ack(struct packet *p)
{
	int e;

	while ((e = packet_get_ack(&c.end[0].src, p)) == -E_AGAIN)
		if (packet_client_wait(&c, 5000000)) {
			log_printf("client: no acknowledgement in 5 s");
			return -E_TIMEOUT;
		}
	if (!e && !(p->op & BLOCK_DONE))
		e = -E_IO;
	packet_free(&c.end[0].src, p);
	return e;
}

/* Moves total bytes by requests of op from block 0 on, wrapping at the
 * device's end; reads are checked against what pass wrote. Returns the
 * bytes moved or an error. */
static long
run(uint32_t op, uint64_t total, uint64_t pass)
{
	uint64_t per = REQ / bsize, block = 0, done = 0, sent = 0;
	struct packet p;
	int e;

	while (done < total) {
		while (sent < total && !packet_alloc(&c.end[0].src, REQ, &p)) {
			uint8_t *d = packet_content(&c.end[0].src.ps, &p);

			p.op = op;
			p.arg = block;
			p.tag = pass;
			if (op == BLOCK_WRITE) {
				memcpy(d, pattern, REQ);
				for (uint64_t b = 0; b < per; b++)
					stamp(d + b * bsize, block + b, pass);
			}
			if ((e = packet_submit(&c.end[0].src, &p))) {
				packet_free(&c.end[0].src, &p);
				if (e != -E_AGAIN)
					return e;
				break;
			}
			sent += REQ;
			block = (block + per) % nblocks;
		}
		if ((e = one_ack(&p))) {
			if (e == -E_IO)
				log_printf(
				    "client: request at block %lu failed",
				    p.arg);
			return e;
		}
		if (op == BLOCK_READ) {
			const uint8_t *d = packet_content(&c.end[0].src.ps, &p);

			for (uint64_t b = 0; b < per; b++) {
				uint8_t want[8];

				stamp(want, p.arg + b, pass);
				if (memcmp(d + b * bsize, want, 8) ||
				    memcmp(d + b * bsize + 8,
					pattern + b * bsize + 8, bsize - 8)) {
					log_printf("client: block %lu differs",
					    p.arg + b);
					return -E_IO;
				}
			}
		}
		done += REQ;
	}
	return (long)done;
}

static uint64_t
ms_since(uint64_t t0)
{
	return (rdtsc() - t0) / tsc_khz;
}

static int
client(uint64_t total_mib)
{
	uint64_t total = total_mib << 20, disk = nblocks * bsize, t0, ms,
		 copy_ms;
	long n;

	for (unsigned i = 0; i < REQ; i++)
		pattern[i] = (uint8_t)(i * 13 + 7);
	t0 = rdtsc();
	if ((n = run(BLOCK_WRITE, total, 1)) < 0)
		return 1;
	ms = ms_since(t0);
	if ((n = run(BLOCK_READ, disk, 1)) < 0)
		return 1;
	log_printf("client: %lu MiB written, the device's %lu MiB read back "
		   "as written",
	    total_mib, disk >> 20);
	/* The baseline: the same two copies, in one thread. */
	static uint8_t store[REGION];
	t0 = rdtsc();
	for (uint64_t off = 0; off < total; off += REQ) {
		memcpy(mid, pattern, REQ);
		memcpy(store + off % REGION, mid, REQ);
	}
	copy_ms = ms_since(t0);
	if (!ms)
		ms = 1;
	if (!copy_ms)
		copy_ms = 1;
	log_printf("bench: packet stream %lu MiB/s, memcpy %lu MiB/s, ratio "
		   "%lu.%02lu (%lu MiB in %lu ms)",
	    total_mib * 1000 / ms, total_mib * 1000 / copy_ms, copy_ms / ms,
	    copy_ms * 100 / ms % 100, total_mib, ms);
	return 0;
}

static int
expect(const char *what, long got, bool refused)
{
	log_printf("hostile: %s: %s", what,
	    refused == (got != 0) ? "refused" : "NOT refused");
	return refused != (got != 0);
}

/* On a session of its own, closed after. */
static int
hostile(uint64_t quota)
{
	uint64_t *w = utcb_self()->msg, ds = slot_alloc(), sig,
		 copy = slot_alloc(), peer = slot_alloc(), own, id;
	int bad = 0;
	void *mem;

	if (session_open("Block", "setup", quota, &own, &id)) {
		log_printf("hostile: no Block session");
		return 1;
	}
	object_create(KOBJ_SIGNAL, &sig);
	sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0);
	bad += expect("start before a region",
	    rpc_call(own, PACKET_SESSION_START, 0, copy, peer, NULL), true);
	w[0] = ~0ul;
	bad += expect("region of 2^64-1 bytes",
	    rpc_call(own, PACKET_SESSION_REGION, 1, 0, ds, NULL), true);
	w[0] = quota + 4096;
	bad += expect("region beyond the quota",
	    rpc_call(own, PACKET_SESSION_REGION, 1, 0, ds, NULL), true);
	w[0] = REGION;
	if (rpc_call(own, PACKET_SESSION_REGION, 1, 0, ds, NULL) ||
	    ds_attach(ds, REGION, 1, &mem)) {
		log_printf("hostile: no region");
		return 1;
	}
	w[0] = REGION;
	bad += expect("a second region",
	    rpc_call(own, PACKET_SESSION_REGION, 1, 0, peer, NULL), true);
	bad += expect("start with the region not laid out",
	    rpc_call(own, PACKET_SESSION_START, 0, copy, peer, NULL), true);
	ds_detach(mem);
	sys_cap_delete(ds);
	slot_free(ds);
	sys_cap_delete(copy);
	slot_free(copy);
	sys_cap_delete(peer);
	slot_free(peer);
	session_close(own, id);
	log_printf("hostile: setup attacks done");
	return bad;
}

/* Requests the server must refuse, then a broken index. */
static int
hostile_stream(void)
{
	static const struct {
		const char *what;
		uint32_t op, size;
		uint64_t arg;
	} asks[] = {{"a read past the end", BLOCK_READ, REQ, ~0ul - 1},
	    {"a write ending past the end", BLOCK_WRITE, REQ, 0},
	    {"a read of 100 bytes", BLOCK_READ, 100, 0},
	    {"an unknown operation", 99, 512, 0}};
	struct packet p;
	int bad = 0;

	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		if (packet_alloc(&c.end[0].src, asks[i].size, &p))
			return 1;
		p.op = asks[i].op;
		p.arg = asks[i].arg ? asks[i].arg : i == 1 ? nblocks - 1 : 0;
		if (packet_submit(&c.end[0].src, &p) || one_ack(&p) != -E_IO) {
			log_printf("hostile: %s: NOT refused", asks[i].what);
			bad = 1;
		} else {
			log_printf("hostile: %s: refused", asks[i].what);
		}
	}
	/* The submit queue's producer index, far past what the ring holds. */
	struct packet_queue *q =
	    (struct packet_queue *)((uint8_t *)c.end[0].mem +
		PACKET_CACHE_LINE);

	q->prod += 1000;
	sys_sig_submit(c.peer);
	log_printf("hostile: stream index broken");
	return bad;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	char role[16] = "client";
	uint64_t *w = utcb_self()->msg, id, total_mib = 64,
		 quota = REGION + 64 * 1024;
	int bad;

	tsc_khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	if (!config_load(&cfg)) {
		if (config_attr_copy(config_root(&cfg), "role", role,
			sizeof(role)))
			memcpy(role, "client", 7);
		config_attr_u64(config_root(&cfg), "total_mib", 64, &total_mib);
		config_attr_u64(config_root(&cfg), "quota", quota, &quota);
	}
	long e;

	if ((e = session_open("Block", "", quota, &blk, &id)) ||
	    (e = rpc_call(blk, BLOCK_INFO, 0, 0, 0, NULL))) {
		log_printf("%s: no Block session: error %ld", role, -e);
		return 1;
	}
	bsize = w[0];
	nblocks = w[1];
	if (bsize != 512 || !nblocks || REQ % bsize ||
	    nblocks % (REQ / bsize)) {
		log_printf("%s: geometry %lu x %lu not usable", role, bsize,
		    nblocks);
		return 1;
	}
	bad = strcmp(role, "hostile") ? 0 : hostile(quota);
	if (packet_client_open(&c, blk, 0, true, REGION, SLOTS)) {
		log_printf("%s: no packet stream", role);
		return 1;
	}
	log_printf("%s: %lu blocks of %lu bytes, stream of %u KiB", role,
	    nblocks, bsize, REGION / 1024);
	bad += strcmp(role, "hostile") ? client(total_mib) : hostile_stream();
	packet_client_close(&c);
	session_close(blk, id);
	log_printf("%s: done", role);
	return bad ? 1 : 0;
}
