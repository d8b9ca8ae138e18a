/*
 * Host unit tests of the packet-stream ring: the protocol in one thread, a
 * million packets between two threads, and a hostile peer that scribbles on
 * the shared region. Every region is a malloc block of exactly its size, so
 * AddressSanitizer reports any access outside it.
 */
#define _POSIX_C_SOURCE 200809L

#include <base/error.h>
#include <base/packet_stream.h>

#include "layout.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #c);                                     \
			exit(1);                                               \
		}                                                              \
	} while (0)

static uint64_t
rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The region size for nslots descriptors and bulk bytes of bulk area. */
static size_t
region_size(uint32_t nslots, size_t bulk)
{
	size_t q = sizeof(struct packet_queue) + nslots * sizeof(struct packet);

	q = (q + PACKET_CACHE_LINE - 1) & ~(size_t)(PACKET_CACHE_LINE - 1);
	return sizeof(struct packet_header) + 2 * q + bulk;
}

/* Records what a side was asked to wake its peer for. */
struct counts {
	unsigned ev[4];
};

static void
count_event(void *ctx, enum packet_event ev)
{
	((struct counts *)ctx)->ev[ev]++;
}

struct pair {
	void *mem;
	size_t size;
	struct packet_source src;
	struct packet_sink snk;
	struct counts src_ev, snk_ev;
};

static void
pair_open(struct pair *p, uint32_t nslots, size_t bulk)
{
	struct packet_notify sn = {count_event, &p->src_ev};
	struct packet_notify kn = {count_event, &p->snk_ev};

	memset(p, 0, sizeof(*p));
	p->size = region_size(nslots, bulk);
	p->mem = malloc(p->size);
	CHECK(p->mem != NULL);
	memset(p->mem, 0xee, p->size);
	CHECK(packet_stream_init_source(&p->src, p->mem, p->size, nslots,
		  &sn) == 0);
	CHECK(packet_stream_attach_sink(&p->snk, p->mem, p->size, &kn) == 0);
	CHECK(p->src.ps.bulk_size == bulk);
}

static void
pair_close(struct pair *p)
{
	free(p->mem);
}

/* One packet through the whole protocol. */
static void
test_roundtrip(void)
{
	struct pair p;
	struct packet a, b, c;
	char *s, *k;

	pair_open(&p, 4, 4096);
	CHECK(packet_alloc(&p.src, 100, &a) == 0);
	CHECK(a.offset == 0 && a.size == 100 && a.op == 0 && a.tag == 0);
	s = packet_content(&p.src.ps, &a);
	CHECK(s != NULL);
	memcpy(s, "request", 8);
	a.op = 3;
	a.tag = 0x1234;
	a.arg = 99;
	CHECK(!packet_avail(&p.snk));
	CHECK(packet_get(&p.snk, &b) == -E_AGAIN);
	CHECK(packet_submit(&p.src, &a) == 0);
	CHECK(p.src_ev.ev[PACKET_SUBMITTED] == 1);
	CHECK(packet_submit(&p.src, &a) == -E_BUSY);
	CHECK(packet_free(&p.src, &a) == -E_BUSY);

	CHECK(packet_avail(&p.snk));
	CHECK(packet_get(&p.snk, &b) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	k = packet_content(&p.snk.ps, &b);
	CHECK(k == s && strcmp(k, "request") == 0);
	memcpy(k, "reply", 6);
	b.op = 0;
	b.size = 6;
	CHECK(!packet_ack_avail(&p.src));
	CHECK(packet_get_ack(&p.src, &c) == -E_AGAIN);
	CHECK(packet_ack(&p.snk, &b) == 0);
	CHECK(p.snk_ev.ev[PACKET_ACKED] == 1);

	CHECK(packet_ack_avail(&p.src));
	CHECK(packet_get_ack(&p.src, &c) == 0);
	CHECK(c.offset == a.offset && c.size == 6 && c.tag == 0x1234);
	CHECK(strcmp(packet_content(&p.src.ps, &c), "reply") == 0);
	CHECK(packet_free(&p.src, &c) == 0);
	CHECK(packet_free(&p.src, &c) == -E_INVAL);
	CHECK(p.src.nextents == 0);
	CHECK(p.src.ps.nfaults == 0 && p.snk.ps.nfaults == 0);
	pair_close(&p);
}

/* Full queues say so, and the side that empties one wakes the other. */
static void
test_queue_full(void)
{
	struct pair p;
	struct packet pk[6], g[6], x;
	int i;

	pair_open(&p, 4, 4096);
	for (i = 0; i < 5; i++) {
		CHECK(packet_alloc(&p.src, 10, &pk[i]) == 0);
		pk[i].tag = (uint64_t)i;
	}
	for (i = 0; i < 4; i++) {
		CHECK(packet_ready_to_submit(&p.src));
		CHECK(packet_submit(&p.src, &pk[i]) == 0);
	}
	/* Only the first submit found the queue empty. */
	CHECK(p.src_ev.ev[PACKET_SUBMITTED] == 1);
	CHECK(!packet_ready_to_submit(&p.src));
	CHECK(packet_submit(&p.src, &pk[4]) == -E_AGAIN);
	CHECK(p.snk_ev.ev[PACKET_SUBMIT_READY] == 0);
	CHECK(packet_get(&p.snk, &g[0]) == 0 && g[0].tag == 0);
	CHECK(p.snk_ev.ev[PACKET_SUBMIT_READY] == 1);
	CHECK(packet_ready_to_submit(&p.src));
	CHECK(packet_submit(&p.src, &pk[4]) == 0);
	for (i = 1; i < 5; i++)
		CHECK(packet_get(&p.snk, &g[i]) == 0 &&
		    g[i].tag == (uint64_t)i);
	CHECK(packet_get(&p.snk, &x) == -E_AGAIN);
	CHECK(p.snk_ev.ev[PACKET_SUBMIT_READY] == 2);

	/* The sink holds five packets; the ack queue takes four. */
	for (i = 0; i < 4; i++)
		CHECK(packet_ack(&p.snk, &g[i]) == 0);
	CHECK(p.snk_ev.ev[PACKET_ACKED] == 1);
	CHECK(!packet_ready_to_ack(&p.snk));
	CHECK(packet_ack(&p.snk, &g[4]) == -E_AGAIN);
	CHECK(packet_get_ack(&p.src, &x) == 0 && x.tag == 0);
	CHECK(p.src_ev.ev[PACKET_ACK_READY] == 1);
	CHECK(packet_ack(&p.snk, &g[4]) == 0);
	for (i = 1; i < 5; i++) {
		CHECK(packet_get_ack(&p.src, &x) == 0 && x.tag == (uint64_t)i);
		CHECK(packet_free(&p.src, &x) == 0);
	}
	CHECK(packet_free(&p.src, &pk[0]) == 0);
	CHECK(p.src.nextents == 0);
	pair_close(&p);
}

/* First fit: exhaustion, holes that are too small, merging on free. */
static void
test_allocator(void)
{
	struct pair p;
	struct packet pk[PACKET_ALLOC_MAX + 1], x;
	int i;

	pair_open(&p, 4, 4096);
	CHECK(packet_alloc(&p.src, 4097, &x) == -E_NOMEM);
	CHECK(packet_alloc(&p.src, 4096, &x) == 0 && x.offset == 0);
	CHECK(packet_alloc(&p.src, 0, &pk[0]) == -E_NOMEM);
	CHECK(packet_free(&p.src, &x) == 0);

	for (i = 0; i < 64; i++) {
		/* Zero bytes still take a granule, so each has an identity. */
		CHECK(packet_alloc(&p.src, (size_t)(i % 2) * 64, &pk[i]) == 0);
		CHECK(pk[i].offset == (uint64_t)i * 64);
	}
	CHECK(packet_alloc(&p.src, 1, &x) == -E_NOMEM);
	for (i = 0; i < 64; i += 2)
		CHECK(packet_free(&p.src, &pk[i]) == 0);
	/* 2 KiB are free, but in 64-byte holes. */
	CHECK(packet_alloc(&p.src, 65, &x) == -E_NOMEM);
	CHECK(packet_alloc(&p.src, 64, &x) == 0 && x.offset == 0);
	CHECK(packet_free(&p.src, &x) == 0);
	/* Freeing a neighbour makes room for a bigger packet. */
	CHECK(packet_free(&p.src, &pk[1]) == 0);
	CHECK(packet_alloc(&p.src, 150, &x) == 0 && x.offset == 0);
	CHECK(packet_free(&p.src, &x) == 0);
	for (i = 3; i < 64; i += 2)
		CHECK(packet_free(&p.src, &pk[i]) == 0);
	CHECK(p.src.nextents == 0);
	CHECK(packet_alloc(&p.src, 4096, &x) == 0 && x.offset == 0);
	CHECK(packet_free(&p.src, &x) == 0);

	/* Submitting and freeing what was not allocated. */
	CHECK(packet_alloc(&p.src, 100, &x) == 0);
	x.size = 129;
	CHECK(packet_submit(&p.src, &x) == -E_INVAL);
	x.size = 100;
	x.offset = 64;
	CHECK(packet_submit(&p.src, &x) == -E_INVAL);
	CHECK(packet_free(&p.src, &x) == -E_INVAL);
	x.offset = 0;
	CHECK(packet_free(&p.src, &x) == 0);
	pair_close(&p);

	/* The extent table is the other limit. */
	pair_open(&p, 4, (PACKET_ALLOC_MAX + 8) * PACKET_ALIGN);
	for (i = 0; i < PACKET_ALLOC_MAX; i++)
		CHECK(packet_alloc(&p.src, 1, &pk[i]) == 0);
	CHECK(packet_alloc(&p.src, 1, &x) == -E_NOMEM);
	CHECK(packet_free(&p.src, &pk[7]) == 0);
	CHECK(packet_alloc(&p.src, 1, &x) == 0 && x.offset == pk[7].offset);
	pair_close(&p);
}

static void
test_init_args(void)
{
	struct packet_source src;
	struct packet_sink snk;
	size_t size = region_size(8, 4096);
	unsigned char *mem = malloc(size + 8);
	struct packet pkt = {0};

	CHECK(mem != NULL);
	CHECK(packet_stream_init_source(&src, mem, size, 0, NULL) == -E_INVAL);
	CHECK(packet_stream_init_source(&src, mem, size, 3, NULL) == -E_INVAL);
	CHECK(packet_stream_init_source(&src, mem, size, 512, NULL) ==
	    -E_INVAL);
	CHECK(packet_stream_init_source(&src, mem + 4, size, 8, NULL) ==
	    -E_INVAL);
	CHECK(packet_stream_init_source(&src, mem, region_size(8, 0), 8,
		  NULL) == -E_NOMEM);
	/* A bulk area that is not whole granules is cut to them. */
	CHECK(packet_stream_init_source(&src, mem, size + 8, 8, NULL) == 0);
	CHECK(src.ps.bulk_size == 4096);
	CHECK(packet_stream_attach_sink(&snk, mem, size + 8, NULL) == 0);
	CHECK(packet_stream_attach_sink(&snk, mem, size, NULL) == -E_INVAL);

	/* Without notify callbacks the stream works by polling. */
	CHECK(packet_alloc(&src, 10, &pkt) == 0);
	CHECK(packet_submit(&src, &pkt) == 0);
	CHECK(packet_stream_attach_sink(&snk, mem, size + 8, NULL) == 0);
	CHECK(packet_get(&snk, &pkt) == 0 && packet_ack(&snk, &pkt) == 0);
	CHECK(packet_get_ack(&src, &pkt) == 0 && packet_free(&src, &pkt) == 0);

	pkt.offset = 4096;
	pkt.size = 0;
	CHECK(packet_content(&src.ps, &pkt) == src.ps.bulk + 4096);
	pkt.size = 1;
	CHECK(packet_content(&src.ps, &pkt) == NULL);
	pkt.offset = ~0ull;
	CHECK(packet_content(&src.ps, &pkt) == NULL);
	CHECK(packet_content(NULL, &pkt) == NULL);
	free(mem);
}

/* The free-running indices cross 2^32 without a hitch. */
static void
test_wrap(void)
{
	struct pair p;
	struct packet x;
	uint32_t start = 0xfffffff0u;
	int i;

	pair_open(&p, 8, 4096);
	p.src.ps.submit_mine = p.src.ps.submit_peer = start;
	p.src.ps.ack_mine = p.src.ps.ack_peer = start;
	p.snk.ps.submit_mine = p.snk.ps.submit_peer = start;
	p.snk.ps.ack_mine = p.snk.ps.ack_peer = start;
	p.src.ps.submit->prod = p.src.ps.submit->cons = start;
	p.src.ps.ack->prod = p.src.ps.ack->cons = start;
	for (i = 0; i < 100; i++) {
		while (packet_ready_to_submit(&p.src)) {
			CHECK(packet_alloc(&p.src, 32, &x) == 0);
			x.tag = (uint64_t)i;
			CHECK(packet_submit(&p.src, &x) == 0);
		}
		while (packet_get(&p.snk, &x) == 0)
			CHECK(packet_ack(&p.snk, &x) == 0);
		while (packet_get_ack(&p.src, &x) == 0)
			CHECK(packet_free(&p.src, &x) == 0);
	}
	CHECK(p.src.ps.submit_mine < 0x1000);
	CHECK(p.src.nextents == 0 && !p.src.ps.dead && !p.snk.ps.dead);
	pair_close(&p);
}

/*
 * A hostile peer: it writes the region directly. The shared indices and
 * descriptors are what it controls; the victim's private state is not.
 */

static void
evil_push(struct packet_queue *q, uint32_t nslots, const struct packet *d)
{
	uint32_t i = q->prod;

	q->desc[i & (nslots - 1)] = *d;
	q->prod = i + 1;
}

/* The sink's side: bad descriptors are dropped, bad indices kill. */
static void
test_hostile_source(void)
{
	static const struct packet bad[] = {
	    {4096, 1, 0, 0, 0},
	    {4097, 0, 0, 0, 0},
	    {0, 4097, 0, 0, 0},
	    {64, 4096 - 63, 0, 0, 0},
	    {~0ull - 10, 100, 0, 0, 0},
	    {1ull << 40, 64, 0, 0, 0},
	    {1ull << 32, 0, 0, 0, 0},
	    {4000, 0xffffffffu, 0, 0, 0},
	};
	struct packet good = {64, 64, 1, 2, 3}, end = {4096, 0, 0, 0, 0}, x;
	struct packet_queue *sq, *aq;
	struct pair p;
	unsigned i;

	pair_open(&p, 4, 4096);
	sq = p.src.ps.submit;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		evil_push(sq, 4, &bad[i]);
		CHECK(packet_avail(&p.snk));
		CHECK(packet_get(&p.snk, &x) == -E_RANGE);
		CHECK(packet_content(&p.snk.ps, &bad[i]) == NULL);
		CHECK(p.snk.ps.fault == PACKET_FAULT_DESC);
		CHECK(p.snk.ps.nfaults == i + 1 && !p.snk.ps.dead);
		/* The stream goes on. */
		evil_push(sq, 4, &good);
		CHECK(packet_get(&p.snk, &x) == 0);
		CHECK(memcmp(&x, &good, sizeof(x)) == 0);
		CHECK(packet_ack(&p.snk, &x) == 0);
		p.src.ps.ack->cons = p.src.ps.ack->prod;
	}
	evil_push(sq, 4, &end);
	CHECK(packet_get(&p.snk, &x) == 0 && packet_content(&p.snk.ps, &x));
	/* The sink cannot ack outside the bulk either. */
	CHECK(packet_ack(&p.snk, &bad[0]) == -E_INVAL);
	pair_close(&p);

	/* The producer index runs more than a ring ahead... */
	pair_open(&p, 4, 4096);
	sq = p.src.ps.submit;
	sq->prod = 5;
	CHECK(packet_get(&p.snk, &x) == -E_ABORT);
	CHECK(p.snk.ps.dead && p.snk.ps.fault == PACKET_FAULT_INDEX);
	CHECK(strcmp(packet_fault_name(p.snk.ps.fault),
		  "queue index out of range") == 0);
	/* ...and the stream stays dead when it is put back. */
	sq->prod = 0;
	CHECK(!packet_avail(&p.snk) && !packet_ready_to_ack(&p.snk));
	CHECK(packet_get(&p.snk, &x) == -E_ABORT);
	CHECK(packet_ack(&p.snk, &good) == -E_ABORT);
	pair_close(&p);

	/* ...or backwards. */
	pair_open(&p, 4, 4096);
	p.src.ps.submit->prod = 0xffffffffu;
	CHECK(!packet_avail(&p.snk) && p.snk.ps.dead);
	pair_close(&p);

	/* A full ring of whatever the source left there is fine. */
	pair_open(&p, 4, 4096);
	p.src.ps.submit->prod = 4;
	for (i = 0; i < 4; i++)
		CHECK(packet_get(&p.snk, &x) == 0 && x.size == 0);
	CHECK(packet_get(&p.snk, &x) == -E_AGAIN);
	pair_close(&p);

	/* The source's consumer index on the ack queue runs ahead. */
	pair_open(&p, 4, 4096);
	aq = p.src.ps.ack;
	aq->cons = 5;
	CHECK(packet_ack(&p.snk, &good) == -E_ABORT && p.snk.ps.dead);
	pair_close(&p);

	/* Or lags more than a ring behind. */
	pair_open(&p, 4, 4096);
	aq = p.src.ps.ack;
	for (i = 0; i < 4; i++)
		CHECK(packet_ack(&p.snk, &good) == 0);
	CHECK(packet_ack(&p.snk, &good) == -E_AGAIN);
	aq->cons = 0xffffffffu;
	CHECK(!packet_ready_to_ack(&p.snk) && p.snk.ps.dead);
	pair_close(&p);
}

/* The source's side: acks for what was not in flight are refused. */
static void
test_hostile_sink(void)
{
	struct packet a, b, x, y;
	struct packet_queue *aq;
	struct pair p;

	pair_open(&p, 4, 4096);
	aq = p.src.ps.ack;
	CHECK(packet_alloc(&p.src, 100, &a) == 0);
	CHECK(packet_alloc(&p.src, 100, &b) == 0);
	CHECK(packet_submit(&p.src, &a) == 0);

	x = (struct packet){5000, 1, 0, 0, 0};
	evil_push(aq, 4, &x);
	CHECK(packet_get_ack(&p.src, &y) == -E_RANGE);
	CHECK(p.src.ps.fault == PACKET_FAULT_ACK && !p.src.ps.dead);
	/* b was allocated but never submitted. */
	evil_push(aq, 4, &b);
	CHECK(packet_get_ack(&p.src, &y) == -E_RANGE);
	/* a grew on the way. */
	x = a;
	x.size = 129;
	evil_push(aq, 4, &x);
	CHECK(packet_get_ack(&p.src, &y) == -E_RANGE);
	/* An ack at an offset inside a, not at its start. */
	x = a;
	x.offset += 64;
	x.size = 1;
	evil_push(aq, 4, &x);
	CHECK(packet_get_ack(&p.src, &y) == -E_RANGE);
	CHECK(p.src.ps.nfaults == 4);
	/* a, acked twice. */
	evil_push(aq, 4, &a);
	evil_push(aq, 4, &a);
	CHECK(packet_get_ack(&p.src, &y) == 0 && y.offset == a.offset);
	CHECK(packet_get_ack(&p.src, &y) == -E_RANGE);
	CHECK(packet_free(&p.src, &a) == 0);
	CHECK(packet_free(&p.src, &b) == 0);
	CHECK(p.src.nextents == 0 && !p.src.ps.dead);

	/* The ack producer index jumps. */
	aq->prod += 5;
	CHECK(!packet_ack_avail(&p.src) && p.src.ps.dead);
	CHECK(packet_get_ack(&p.src, &y) == -E_ABORT);
	CHECK(packet_alloc(&p.src, 10, &a) == 0);
	CHECK(!packet_ready_to_submit(&p.src));
	CHECK(packet_submit(&p.src, &a) == -E_ABORT);
	/* Nothing went in flight, so the allocation can be returned. */
	CHECK(packet_free(&p.src, &a) == 0);
	pair_close(&p);

	/* The submit consumer index passes the producer. */
	pair_open(&p, 4, 4096);
	p.src.ps.submit->cons = 3;
	CHECK(packet_alloc(&p.src, 10, &a) == 0);
	CHECK(packet_submit(&p.src, &a) == -E_ABORT && p.src.ps.dead);
	CHECK(packet_free(&p.src, &a) == 0);
	pair_close(&p);
}

/* Mutated headers are refused, or describe a layout inside the mapping. */
static void
test_hostile_header(void)
{
	struct pair p;
	struct packet_header *h, saved;
	struct packet_sink snk;
	uint64_t seed = 99;
	unsigned i, accepted = 0;

	pair_open(&p, 8, 4096);
	h = p.mem;
	saved = *h;
	CHECK(packet_stream_attach_sink(&snk, p.mem, 8, NULL) == -E_INVAL);
	h->magic ^= 1;
	CHECK(packet_stream_attach_sink(&snk, p.mem, p.size, NULL) == -E_INVAL);
	*h = saved;
	h->nslots = 16;
	CHECK(packet_stream_attach_sink(&snk, p.mem, p.size, NULL) == -E_INVAL);
	*h = saved;
	h->bulk_size += 64;
	CHECK(packet_stream_attach_sink(&snk, p.mem, p.size, NULL) == -E_INVAL);
	*h = saved;
	h->size += 64;
	CHECK(packet_stream_attach_sink(&snk, p.mem, p.size, NULL) == -E_INVAL);
	*h = saved;
	h->bulk_off -= 64;
	CHECK(packet_stream_attach_sink(&snk, p.mem, p.size, NULL) == -E_INVAL);
	*h = saved;

	for (i = 0; i < 100000; i++) {
		unsigned char *b = (unsigned char *)h;
		int flips = 1 + (int)(rnd(&seed) % 3);

		*h = saved;
		while (flips-- > 0)
			b[rnd(&seed) % sizeof(*h)] ^=
			    (unsigned char)(1u << (rnd(&seed) % 8));
		if (packet_stream_attach_sink(&snk, p.mem, p.size, NULL) != 0)
			continue;
		accepted++;
		CHECK(snk.ps.bulk + snk.ps.bulk_size <=
		    (unsigned char *)p.mem + p.size);
		CHECK((unsigned char *)snk.ps.ack >
		    (unsigned char *)snk.ps.submit);
		CHECK((unsigned char *)&snk.ps.ack->desc[snk.ps.nslots] <=
		    snk.ps.bulk);
	}
	/* Flips in the reserved word get through; the checks hold for all. */
	printf("  header mutations: %u of 100000 accepted, all inside\n",
	    accepted);
	pair_close(&p);
}

/*
 * Random scribbles on the queues while each side carries on. Everything
 * returned must be a known error or a packet whose bytes ASan lets us touch.
 */
static struct packet
random_desc(uint64_t *seed, uint32_t bulk)
{
	static const uint64_t offs[] = {0, 64, 4032, 4096, 4097, 1ull << 32,
	    ~0ull, ~0ull - 63};
	struct packet d = {0};

	d.offset = rnd(seed) % 2 ? offs[rnd(seed) % 8] : rnd(seed) % (bulk + 2);
	d.size = rnd(seed) % 2 ? (uint32_t)rnd(seed)
			       : (uint32_t)(rnd(seed) % (bulk + 2));
	d.tag = rnd(seed);
	return d;
}

static void
test_hostile_fuzz(void)
{
	unsigned long n[3][2] = {{0}}; /* ok, -E_RANGE, -E_ABORT per side */
	uint64_t seed = 1234;
	struct pair p;
	struct packet x, held[8];
	int nheld = 0, i, r;

	/* The sink as victim. */
	pair_open(&p, 8, 4096);
	for (i = 0; i < 200000; i++) {
		struct packet_queue *sq = p.src.ps.submit, *aq = p.src.ps.ack;
		uint64_t k = rnd(&seed) % 16;

		if (k < 4) {
			x = random_desc(&seed, 4096);
			evil_push(sq, 8, &x);
		} else if (k == 4) {
			sq->desc[rnd(&seed) % 8] = random_desc(&seed, 4096);
		} else if (k == 5 && rnd(&seed) % 16 == 0) {
			sq->prod = (uint32_t)rnd(&seed);
		} else if (k == 6) {
			aq->cons = aq->prod - (uint32_t)(rnd(&seed) % 10);
		} else if (k < 11) {
			r = packet_get(&p.snk, &x);
			CHECK(r == 0 || r == -E_RANGE || r == -E_AGAIN ||
			    r == -E_ABORT);
			if (r == 0) {
				unsigned char *c =
				    packet_content(&p.snk.ps, &x);

				CHECK(c != NULL);
				memset(c, 0x11, x.size);
				if (nheld < 8)
					held[nheld++] = x;
			}
			n[0][0] += r == 0;
			n[1][0] += r == -E_RANGE;
			n[2][0] += r == -E_ABORT;
		} else if (k < 14 && nheld > 0) {
			r = packet_ack(&p.snk, &held[nheld - 1]);
			CHECK(r == 0 || r == -E_AGAIN || r == -E_ABORT);
			if (r == 0)
				nheld--;
		} else {
			(void)packet_avail(&p.snk);
			(void)packet_ready_to_ack(&p.snk);
		}
		if (p.snk.ps.dead) {
			CHECK(packet_stream_init_source(&p.src, p.mem, p.size,
				  8, NULL) == 0);
			CHECK(packet_stream_attach_sink(&p.snk, p.mem, p.size,
				  NULL) == 0);
			nheld = 0;
		}
	}
	pair_close(&p);

	/* The source as victim. */
	pair_open(&p, 8, 4096);
	nheld = 0;
	for (i = 0; i < 200000; i++) {
		struct packet_queue *sq = p.src.ps.submit, *aq = p.src.ps.ack;
		uint64_t k = rnd(&seed) % 16;
		uint32_t j;

		if (k < 3) {
			x = random_desc(&seed, 4096);
			evil_push(aq, 8, &x);
		} else if (k < 5 && p.src.nextents > 0) {
			/* Acks for real packets, in flight or not. */
			x = (struct packet){0};
			x.offset =
			    p.src.extents[rnd(&seed) % p.src.nextents].offset;
			x.size = (uint32_t)(rnd(&seed) % 300);
			evil_push(aq, 8, &x);
		} else if (k == 5 && rnd(&seed) % 16 == 0) {
			aq->prod = (uint32_t)rnd(&seed);
		} else if (k == 6) {
			sq->cons = sq->prod - (uint32_t)(rnd(&seed) % 10);
		} else if (k < 9) {
			r = packet_alloc(&p.src, (size_t)(rnd(&seed) % 300),
			    &x);
			CHECK(r == 0 || r == -E_NOMEM);
			if (r == 0) {
				r = packet_submit(&p.src, &x);
				CHECK(r == 0 || r == -E_AGAIN || r == -E_ABORT);
				if (r != 0)
					CHECK(packet_free(&p.src, &x) == 0);
			}
		} else if (k < 14) {
			r = packet_get_ack(&p.src, &x);
			CHECK(r == 0 || r == -E_RANGE || r == -E_AGAIN ||
			    r == -E_ABORT);
			if (r == 0) {
				unsigned char *c =
				    packet_content(&p.src.ps, &x);

				CHECK(c != NULL);
				memset(c, 0x22, x.size);
				CHECK(packet_free(&p.src, &x) == 0);
			}
			n[0][1] += r == 0;
			n[1][1] += r == -E_RANGE;
			n[2][1] += r == -E_ABORT;
		} else {
			(void)packet_ack_avail(&p.src);
			(void)packet_ready_to_submit(&p.src);
		}
		/* The allocator's table stays sorted, disjoint, inside. */
		for (j = 0; j < p.src.nextents; j++) {
			const struct packet_extent *e = &p.src.extents[j];

			CHECK(e->offset + e->size <= p.src.ps.bulk_size);
			if (j > 0)
				CHECK(e[-1].offset +
					(e[-1].size ? e[-1].size : 1) <=
				    e->offset);
		}
		if (p.src.ps.dead) {
			CHECK(packet_stream_init_source(&p.src, p.mem, p.size,
				  8, NULL) == 0);
		}
	}
	pair_close(&p);
	printf("  scribbles: sink got %lu, refused %lu, died %lu times; "
	       "source got %lu acks, refused %lu, died %lu times\n",
	    n[0][0], n[1][0], n[2][0], n[0][1], n[1][1], n[2][1]);
	CHECK(n[0][0] && n[1][0] && n[2][0] && n[0][1] && n[1][1] && n[2][1]);
}

/*
 * A peer that rewrites descriptors while the sink reads them: the sink must
 * use only the copy it checked. The flipper alternates each slot between a
 * packet in bounds and one far outside.
 */
struct flipper {
	struct packet_queue *q;
	uint32_t nslots;
	int stop;
};

static void *
flip_thread(void *arg)
{
	struct flipper *f = arg;
	uint64_t n = 0;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		struct packet *d = &f->q->desc[n % f->nslots];
		int evil = (int)(n / f->nslots) & 1;

		__atomic_store_n(&d->offset, evil ? 1ull << 40 : 0,
		    __ATOMIC_RELAXED);
		__atomic_store_n(&d->size, evil ? 1u << 30 : 4096,
		    __ATOMIC_RELAXED);
		n++;
	}
	return NULL;
}

static void
test_double_fetch(void)
{
	struct flipper f;
	struct pair p;
	struct packet x;
	unsigned long ok = 0, refused = 0;
	pthread_t t;
	int i, r;

	pair_open(&p, 4, 4096);
	f.q = p.src.ps.submit;
	f.nslots = 4;
	f.stop = 0;
	for (i = 0; i < 4; i++)
		f.q->desc[i] = (struct packet){0, 4096, 0, 0, 0};
	CHECK(pthread_create(&t, NULL, flip_thread, &f) == 0);
	for (i = 0; i < 200000; i++) {
		__atomic_store_n(&f.q->prod, p.snk.ps.submit_mine + 1,
		    __ATOMIC_RELEASE);
		r = packet_get(&p.snk, &x);
		CHECK(r == 0 || r == -E_RANGE);
		if (r == 0) {
			unsigned char *c = packet_content(&p.snk.ps, &x);

			CHECK(c != NULL && x.offset == 0 && x.size == 4096);
			memset(c, 0x33, x.size);
			CHECK(packet_ack(&p.snk, &x) == 0);
			__atomic_store_n(&p.src.ps.ack->cons, p.snk.ps.ack_mine,
			    __ATOMIC_RELEASE);
			ok++;
		} else {
			refused++;
		}
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	printf("  descriptor flipper: %lu taken, %lu refused\n", ok, refused);
	pair_close(&p);
}

/* Two threads, woken only by the stream's notifications. */

struct waiter {
	pthread_mutex_t m;
	pthread_cond_t c;
	int pending;
	unsigned long notified, slept;
};

static void
waiter_notify(void *ctx, enum packet_event ev)
{
	struct waiter *w = ctx;

	pthread_mutex_lock(&w->m);
	w->pending = 1;
	w->notified++;
	pthread_cond_signal(&w->c);
	pthread_mutex_unlock(&w->m);
}

/* Like a kernel signal: remembered until taken. A lost wakeup fails. */
static void
waiter_wait(struct waiter *w)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 20;
	pthread_mutex_lock(&w->m);
	w->slept++;
	while (!w->pending) {
		int r = pthread_cond_timedwait(&w->c, &w->m, &t);

		if (r != 0 && !w->pending) {
			fprintf(stderr, "lost wakeup: no event in 20 s\n");
			exit(1);
		}
	}
	w->pending = 0;
	pthread_mutex_unlock(&w->m);
}

#define HELD_MAX 16

struct run {
	const char *name;
	unsigned long npackets;
	uint32_t nslots;
	size_t bulk;
	uint32_t min_size, max_size;
	int verify; /* checksums, random ack order; else plain copies */
	void *mem;
	struct packet_source src;
	struct packet_sink snk;
	struct waiter src_w, snk_w;
	unsigned char *acked; /* one flag per packet */
	unsigned char *srcbuf, *dstbuf;
	uint64_t bytes;
};

static uint64_t
fill(unsigned char *p, uint32_t n, uint64_t seed)
{
	uint64_t s = seed * 2 + 1, h = 0xcbf29ce484222325ull, w;
	uint32_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		w = rnd(&s);
		memcpy(p + i, &w, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	for (; i < n; i++) {
		p[i] = (unsigned char)rnd(&s);
		h = (h ^ p[i]) * 0x100000001b3ull;
	}
	return h;
}

static uint64_t
checksum(const unsigned char *p, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull, w;
	uint32_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void *
source_thread(void *arg)
{
	struct run *r = arg;
	struct packet_source *src = &r->src;
	unsigned long sent = 0, done = 0;
	uint64_t seed = 42;
	struct packet p;
	int e;

	while (done < r->npackets) {
		int progress = 0;

		while ((e = packet_get_ack(src, &p)) == 0) {
			unsigned char *c = packet_content(&src->ps, &p);

			CHECK(c != NULL && p.tag < sent && !r->acked[p.tag]);
			r->acked[p.tag] = 1;
			if (r->verify) {
				CHECK(p.op == 0x600d);
				if (p.size >= 8) {
					uint64_t back;

					memcpy(&back, c, 8);
					CHECK(back == ~p.arg);
				}
			}
			CHECK(packet_free(src, &p) == 0);
			done++;
			progress = 1;
		}
		CHECK(e == -E_AGAIN);
		while (sent < r->npackets && packet_ready_to_submit(src)) {
			uint32_t span = r->max_size - r->min_size + 1;
			uint32_t size =
			    r->min_size + (uint32_t)(rnd(&seed) % span);
			unsigned char *c;

			if ((e = packet_alloc(src, size, &p)) == -E_NOMEM)
				break;
			CHECK(e == 0);
			c = packet_content(&src->ps, &p);
			CHECK(c != NULL);
			if (r->verify)
				p.arg = fill(c, size, sent);
			else
				memcpy(c, r->srcbuf + p.offset, size);
			p.tag = sent;
			CHECK(packet_submit(src, &p) == 0);
			sent++;
			progress = 1;
		}
		if (!progress)
			waiter_wait(&r->src_w);
	}
	return NULL;
}

static void *
sink_thread(void *arg)
{
	struct run *r = arg;
	struct packet_sink *snk = &r->snk;
	struct packet held[HELD_MAX], p;
	unsigned long expect = 0, done = 0;
	uint64_t seed = 7;
	int nheld = 0, e;

	while (done < r->npackets) {
		int progress = 0;

		while (nheld < HELD_MAX && (e = packet_get(snk, &p)) == 0) {
			unsigned char *c = packet_content(&snk->ps, &p);

			CHECK(c != NULL && p.tag == expect);
			expect++;
			if (r->verify) {
				CHECK(checksum(c, p.size) == p.arg);
				p.op = 0x600d;
			} else {
				memcpy(r->dstbuf + p.offset, c, p.size);
			}
			r->bytes += p.size;
			held[nheld++] = p;
			progress = 1;
		}
		while (nheld > 0 && packet_ready_to_ack(snk)) {
			/* Out of order, so the source's frees are too. */
			int i =
			    r->verify ? (int)(rnd(&seed) % (uint64_t)nheld) : 0;
			unsigned char *c = packet_content(&snk->ps, &held[i]);

			if (r->verify && held[i].size >= 8) {
				uint64_t back = ~held[i].arg;

				memcpy(c, &back, 8);
			}
			CHECK(packet_ack(snk, &held[i]) == 0);
			held[i] = held[--nheld];
			done++;
			progress = 1;
			if (nheld < HELD_MAX / 2 && packet_avail(snk))
				break;
		}
		if (!progress)
			waiter_wait(&r->snk_w);
	}
	return NULL;
}

/* Returns the run's MB/s. */
static double
run_threads(struct run *r)
{
	struct packet_notify to_sink = {waiter_notify, &r->snk_w};
	struct packet_notify to_src = {waiter_notify, &r->src_w};
	size_t size = region_size(r->nslots, r->bulk);
	pthread_t a, b;
	double t0, t;

	r->mem = malloc(size);
	r->acked = calloc(r->npackets, 1);
	r->srcbuf = malloc(r->bulk);
	r->dstbuf = malloc(r->bulk);
	CHECK(r->mem && r->acked && r->srcbuf && r->dstbuf);
	memset(r->srcbuf, 0x5a, r->bulk);
	pthread_mutex_init(&r->src_w.m, NULL);
	pthread_cond_init(&r->src_w.c, NULL);
	pthread_mutex_init(&r->snk_w.m, NULL);
	pthread_cond_init(&r->snk_w.c, NULL);
	CHECK(packet_stream_init_source(&r->src, r->mem, size, r->nslots,
		  &to_sink) == 0);
	CHECK(packet_stream_attach_sink(&r->snk, r->mem, size, &to_src) == 0);

	t0 = now();
	CHECK(pthread_create(&a, NULL, source_thread, r) == 0);
	CHECK(pthread_create(&b, NULL, sink_thread, r) == 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	t = now() - t0;

	for (unsigned long i = 0; i < r->npackets; i++)
		CHECK(r->acked[i]);
	CHECK(r->src.nextents == 0);
	CHECK(r->src.ps.nfaults == 0 && r->snk.ps.nfaults == 0);
	printf("  %s: %lu packets, %.1f MB in %.2f s, %.0f MB/s; "
	       "%lu+%lu wakeups, %lu+%lu sleeps\n",
	    r->name, r->npackets, r->bytes / 1e6, t, r->bytes / 1e6 / t,
	    r->src_w.notified, r->snk_w.notified, r->src_w.slept,
	    r->snk_w.slept);
	free(r->mem);
	free(r->acked);
	free(r->srcbuf);
	free(r->dstbuf);
	return r->bytes / 1e6 / t;
}

static void
test_threads(void)
{
	static struct run r;

	memset(&r, 0, sizeof(r));
	r.name = "two threads, random sizes, checksums";
	r.npackets = 1000000;
	r.nslots = 64;
	r.bulk = 256 * 1024;
	r.min_size = 0;
	r.max_size = 2048;
	r.verify = 1;
	run_threads(&r);
}

/*
 * How the ring compares with the same two copies (into the bulk area, out of
 * it) in one thread without it. Informational: nothing is asserted.
 */
static void
throughput(uint32_t size, unsigned long n)
{
	static struct run r;
	size_t span = 64 * (size_t)size;
	unsigned char *a = malloc(span), *m = malloc(span), *b = malloc(span);
	double ring, t0, t;

	memset(&r, 0, sizeof(r));
	r.name = "throughput";
	r.npackets = n;
	r.nslots = 64;
	r.bulk = span;
	r.min_size = r.max_size = size;
	ring = run_threads(&r);

	CHECK(a && m && b);
	memset(a, 1, span);
	t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		size_t off = (i % 64) * size;

		a[off] = (unsigned char)i;
		memcpy(m + off, a + off, size);
		memcpy(b + off, m + off, size);
	}
	t = now() - t0;
	CHECK(b[((n - 1) % 64) * size] == (unsigned char)(n - 1));
	printf("  %u-byte packets: ring %.0f MB/s between two threads, "
	       "the same two memcpys in one thread %.0f MB/s\n",
	    size, ring, (double)size * n / 1e6 / t);
	free(a);
	free(m);
	free(b);
}

int
main(void)
{
	printf("packet stream: single thread\n");
	test_init_args();
	test_roundtrip();
	test_queue_full();
	test_allocator();
	test_wrap();
	printf("packet stream: hostile peer\n");
	test_hostile_source();
	test_hostile_sink();
	test_hostile_header();
	test_hostile_fuzz();
	test_double_fetch();
	printf("packet stream: two threads\n");
	test_threads();
	printf("packet stream: throughput (informational, sanitizers on)\n");
	throughput(1500, 200000);
	throughput(65536, 20000);
	printf("packet stream: all tests passed\n");
	return 0;
}
