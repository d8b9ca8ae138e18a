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

/* How the ring compares with one memcpy of the same bytes. Not a test. */
static void
throughput(uint32_t size, unsigned long n)
{
	static struct run r;
	unsigned char *a = malloc(size), *b = malloc(size);
	double ring, t0, t, mb;

	memset(&r, 0, sizeof(r));
	r.name = "throughput";
	r.npackets = n;
	r.nslots = 64;
	r.bulk = 64 * (size_t)size;
	r.min_size = r.max_size = size;
	ring = run_threads(&r);

	CHECK(a && b);
	memset(a, 1, size);
	t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		a[0] = (unsigned char)i;
		memcpy(b, a, size);
	}
	t = now() - t0;
	CHECK(b[0] == (unsigned char)(n - 1));
	mb = (double)size * n / 1e6;
	printf("  %u-byte packets: ring %.0f MB/s (a copy in and a copy out), "
	       "memcpy %.0f MB/s\n",
	    size, ring, mb / t);
	free(a);
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
	printf("packet stream: two threads\n");
	test_threads();
	printf("packet stream: throughput (informational, sanitizers on)\n");
	throughput(1500, 200000);
	throughput(65536, 20000);
	printf("packet stream: all tests passed\n");
	return 0;
}
