/*
 * The packet-stream ring: two single-producer single-consumer queues of
 * descriptors and a bulk area in one region that two components share, plus
 * the source's allocator for that area. Each side keeps its own indices and
 * the region's geometry in private memory and checks every value it reads
 * from the region, because the other side may write anything there at any
 * time.
 */
#include <base/error.h>
#include <base/packet_stream.h>
#include <base/string.h>

#include "layout.h"

static uint32_t
load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * Orders this side's last index store before its next index load. Without
 * it, producer and consumer could each miss the other's update, and both go
 * to sleep: the producer without waking the consumer, the consumer on an
 * empty-looking queue.
 */
static void
full_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Field by field with single loads: the copy is what gets checked and used,
 * so the peer cannot change a value between the check and the use, and the
 * compiler may not read the region again in place of the copy.
 */
static void
desc_read(struct packet *d, const struct packet *s)
{
	d->offset = __atomic_load_n(&s->offset, __ATOMIC_RELAXED);
	d->size = __atomic_load_n(&s->size, __ATOMIC_RELAXED);
	d->op = __atomic_load_n(&s->op, __ATOMIC_RELAXED);
	d->tag = __atomic_load_n(&s->tag, __ATOMIC_RELAXED);
	d->arg = __atomic_load_n(&s->arg, __ATOMIC_RELAXED);
}

static void
desc_write(struct packet *d, const struct packet *s)
{
	__atomic_store_n(&d->offset, s->offset, __ATOMIC_RELAXED);
	__atomic_store_n(&d->size, s->size, __ATOMIC_RELAXED);
	__atomic_store_n(&d->op, s->op, __ATOMIC_RELAXED);
	__atomic_store_n(&d->tag, s->tag, __ATOMIC_RELAXED);
	__atomic_store_n(&d->arg, s->arg, __ATOMIC_RELAXED);
}

static void
fault(struct packet_stream *ps, enum packet_fault f)
{
	ps->fault = f;
	ps->nfaults++;
}

static int
kill_stream(struct packet_stream *ps)
{
	ps->dead = true;
	fault(ps, PACKET_FAULT_INDEX);
	return -E_ABORT;
}

static void
wake(struct packet_stream *ps, enum packet_event ev)
{
	if (ps->notify.notify != NULL)
		ps->notify.notify(ps->notify.ctx, ev);
}

static bool
in_bulk(const struct packet_stream *ps, const struct packet *pkt)
{
	return pkt->offset <= ps->bulk_size &&
	    pkt->size <= ps->bulk_size - pkt->offset;
}

/*
 * The peer's index on a queue where we produce (at mine): the consumer can
 * neither pass the producer nor lag more than a ring behind.
 */
static int
read_cons(struct packet_stream *ps, struct packet_queue *q, uint32_t mine,
    uint32_t *cons)
{
	uint32_t c = load_acquire(&q->cons);

	if (mine - c > ps->nslots)
		return kill_stream(ps);
	*cons = c;
	return 0;
}

/* The peer's index on a queue where we consume (at mine). */
static int
read_prod(struct packet_stream *ps, struct packet_queue *q, uint32_t mine,
    uint32_t *prod)
{
	uint32_t p = load_acquire(&q->prod);

	if (p - mine > ps->nslots)
		return kill_stream(ps);
	*prod = p;
	return 0;
}

/*
 * 1 if the producer at mine has a free slot, 0 if not, or an error. Reads
 * the shared index only when the cached one says full, and re-reads after a
 * fence before answering 0, so that a caller who sleeps on 0 is woken.
 */
static int
push_room(struct packet_stream *ps, struct packet_queue *q, uint32_t mine,
    uint32_t *peer)
{
	int r;

	if (ps->dead)
		return -E_ABORT;
	if (mine - *peer < ps->nslots)
		return 1;
	if ((r = read_cons(ps, q, mine, peer)) < 0)
		return r;
	if (mine - *peer < ps->nslots)
		return 1;
	full_fence();
	if ((r = read_cons(ps, q, mine, peer)) < 0)
		return r;
	return mine - *peer < ps->nslots;
}

/* 1 if the consumer at mine has a descriptor waiting, 0 if not, or an error. */
static int
pop_avail(struct packet_stream *ps, struct packet_queue *q, uint32_t mine,
    uint32_t *peer)
{
	int r;

	if (ps->dead)
		return -E_ABORT;
	if (*peer != mine)
		return 1;
	if ((r = read_prod(ps, q, mine, peer)) < 0)
		return r;
	if (*peer != mine)
		return 1;
	full_fence();
	if ((r = read_prod(ps, q, mine, peer)) < 0)
		return r;
	return *peer != mine;
}

/* Publish one descriptor; wake the consumer if it may have seen none. */
static int
push(struct packet_stream *ps, struct packet_queue *q, uint32_t *mine,
    uint32_t *peer, const struct packet *pkt, enum packet_event ev)
{
	uint32_t old = *mine;
	int r;

	if ((r = push_room(ps, q, old, peer)) <= 0)
		return r < 0 ? r : -E_AGAIN;
	desc_write(&q->desc[old & (ps->nslots - 1)], pkt);
	*mine = old + 1;
	store_release(&q->prod, *mine);
	full_fence();
	if ((r = read_cons(ps, q, *mine, peer)) < 0)
		return r;
	if (*peer == old)
		wake(ps, ev);
	return 0;
}

/* Take one descriptor; wake the producer if it may have seen a full ring. */
static int
pop(struct packet_stream *ps, struct packet_queue *q, uint32_t *mine,
    uint32_t *peer, struct packet *pkt, enum packet_event ev)
{
	uint32_t old = *mine;
	int r;

	if ((r = pop_avail(ps, q, old, peer)) <= 0)
		return r < 0 ? r : -E_AGAIN;
	desc_read(pkt, &q->desc[old & (ps->nslots - 1)]);
	*mine = old + 1;
	store_release(&q->cons, *mine);
	full_fence();
	if ((r = read_prod(ps, q, *mine, peer)) < 0)
		return r;
	if (*peer - old >= ps->nslots)
		wake(ps, ev);
	return 0;
}

/*
 * Where everything goes for a region of size bytes with nslots descriptors
 * per queue. Both sides compute it; the sink compares the source's header
 * with its own result instead of trusting it.
 */
static int
layout(uint64_t size, uint32_t nslots, struct packet_header *h)
{
	uint64_t qsize, bulk;

	if (nslots == 0 || nslots > PACKET_SLOTS_MAX ||
	    (nslots & (nslots - 1)) != 0)
		return -E_INVAL;
	qsize = sizeof(struct packet_queue) +
	    (uint64_t)nslots * sizeof(struct packet);
	qsize = (qsize + PACKET_CACHE_LINE - 1) &
	    ~(uint64_t)(PACKET_CACHE_LINE - 1);
	h->magic = PACKET_STREAM_MAGIC;
	h->version = PACKET_STREAM_VERSION;
	h->nslots = nslots;
	h->desc_size = sizeof(struct packet);
	h->size = size;
	h->submit_off = sizeof(struct packet_header);
	h->ack_off = h->submit_off + qsize;
	h->bulk_off = h->ack_off + qsize;
	h->reserved = 0;
	if (size < h->bulk_off + PACKET_ALIGN)
		return -E_NOMEM;
	bulk = size - h->bulk_off;
	if (bulk > PACKET_BULK_MAX)
		bulk = PACKET_BULK_MAX;
	h->bulk_size = bulk & ~(uint64_t)(PACKET_ALIGN - 1);
	return 0;
}

static void
stream_setup(struct packet_stream *ps, unsigned char *base,
    const struct packet_header *h, const struct packet_notify *notify)
{
	memset(ps, 0, sizeof(*ps));
	ps->submit = (struct packet_queue *)(base + h->submit_off);
	ps->ack = (struct packet_queue *)(base + h->ack_off);
	ps->bulk = base + h->bulk_off;
	ps->bulk_size = (uint32_t)h->bulk_size;
	ps->nslots = h->nslots;
	if (notify != NULL)
		ps->notify = *notify;
}

int
packet_stream_init_source(struct packet_source *src, void *mem, size_t size,
    uint32_t nslots, const struct packet_notify *notify)
{
	struct packet_header h, *shared = mem;
	int r;

	if (src == NULL || mem == NULL || ((uintptr_t)mem & 7) != 0)
		return -E_INVAL;
	if ((r = layout(size, nslots, &h)) < 0)
		return r;
	memset(mem, 0, h.bulk_off);
	shared->version = h.version;
	shared->nslots = h.nslots;
	shared->desc_size = h.desc_size;
	shared->size = h.size;
	shared->submit_off = h.submit_off;
	shared->ack_off = h.ack_off;
	shared->bulk_off = h.bulk_off;
	shared->bulk_size = h.bulk_size;
	store_release(&shared->magic, h.magic);
	stream_setup(&src->ps, mem, &h, notify);
	src->nextents = 0;
	return 0;
}

int
packet_stream_attach_sink(struct packet_sink *snk, void *mem, size_t size,
    const struct packet_notify *notify)
{
	struct packet_header h, want, *shared = mem;

	if (snk == NULL || mem == NULL || ((uintptr_t)mem & 7) != 0 ||
	    size < sizeof(h))
		return -E_INVAL;
	h.magic = load_acquire(&shared->magic);
	h.version = __atomic_load_n(&shared->version, __ATOMIC_RELAXED);
	h.nslots = __atomic_load_n(&shared->nslots, __ATOMIC_RELAXED);
	h.desc_size = __atomic_load_n(&shared->desc_size, __ATOMIC_RELAXED);
	h.size = __atomic_load_n(&shared->size, __ATOMIC_RELAXED);
	h.submit_off = __atomic_load_n(&shared->submit_off, __ATOMIC_RELAXED);
	h.ack_off = __atomic_load_n(&shared->ack_off, __ATOMIC_RELAXED);
	h.bulk_off = __atomic_load_n(&shared->bulk_off, __ATOMIC_RELAXED);
	h.bulk_size = __atomic_load_n(&shared->bulk_size, __ATOMIC_RELAXED);
	if (h.magic != PACKET_STREAM_MAGIC ||
	    h.version != PACKET_STREAM_VERSION ||
	    h.desc_size != sizeof(struct packet) || h.size > size)
		return -E_INVAL;
	if (layout(h.size, h.nslots, &want) < 0)
		return -E_INVAL;
	if (h.submit_off != want.submit_off || h.ack_off != want.ack_off ||
	    h.bulk_off != want.bulk_off || h.bulk_size != want.bulk_size)
		return -E_INVAL;
	stream_setup(&snk->ps, mem, &want, notify);
	return 0;
}

void *
packet_content(const struct packet_stream *ps, const struct packet *pkt)
{
	if (ps == NULL || pkt == NULL || !in_bulk(ps, pkt))
		return NULL;
	return ps->bulk + pkt->offset;
}

/* The source's allocator: first fit over its sorted extents. */

static uint32_t
granules(uint32_t size)
{
	uint64_t n = size ? size : 1;

	return (uint32_t)((n + PACKET_ALIGN - 1) &
	    ~(uint64_t)(PACKET_ALIGN - 1));
}

/* The index of the extent at offset, or -1. */
static int
extent_find(const struct packet_source *src, uint64_t offset)
{
	uint32_t lo = 0, hi = src->nextents;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (src->extents[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < src->nextents && src->extents[lo].offset == offset)
		return (int)lo;
	return -1;
}

int
packet_alloc(struct packet_source *src, size_t size, struct packet *pkt)
{
	struct packet_extent *e = src->extents;
	uint32_t i, n = src->nextents, need, start = 0;

	if (size > src->ps.bulk_size)
		return -E_NOMEM;
	need = granules((uint32_t)size);
	if (n == PACKET_ALLOC_MAX)
		return -E_NOMEM;
	for (i = 0; i <= n; i++) {
		uint32_t limit = i < n ? e[i].offset : src->ps.bulk_size;

		if (limit - start >= need)
			break;
		if (i < n)
			start = e[i].offset + granules(e[i].size);
	}
	if (i > n)
		return -E_NOMEM;
	memmove(&e[i + 1], &e[i], (n - i) * sizeof(*e));
	e[i].offset = start;
	e[i].size = (uint32_t)size;
	e[i].inflight = 0;
	src->nextents = n + 1;
	memset(pkt, 0, sizeof(*pkt));
	pkt->offset = start;
	pkt->size = (uint32_t)size;
	return 0;
}

int
packet_free(struct packet_source *src, const struct packet *pkt)
{
	int i = extent_find(src, pkt->offset);

	if (i < 0)
		return -E_INVAL;
	if (src->extents[i].inflight)
		return -E_BUSY;
	src->nextents--;
	memmove(&src->extents[i], &src->extents[i + 1],
	    (src->nextents - (uint32_t)i) * sizeof(src->extents[0]));
	return 0;
}

int
packet_submit(struct packet_source *src, const struct packet *pkt)
{
	struct packet_stream *ps = &src->ps;
	int i = extent_find(src, pkt->offset), r;

	if (i < 0 || pkt->size > src->extents[i].size)
		return -E_INVAL;
	if (src->extents[i].inflight)
		return -E_BUSY;
	r = push(ps, ps->submit, &ps->submit_mine, &ps->submit_peer, pkt,
	    PACKET_SUBMITTED);
	if (r == 0)
		src->extents[i].inflight = 1;
	return r;
}

int
packet_get_ack(struct packet_source *src, struct packet *pkt)
{
	struct packet_stream *ps = &src->ps;
	struct packet p;
	int i, r;

	r = pop(ps, ps->ack, &ps->ack_mine, &ps->ack_peer, &p,
	    PACKET_ACK_READY);
	if (r < 0)
		return r;
	i = extent_find(src, p.offset);
	if (i < 0 || !src->extents[i].inflight ||
	    p.size > src->extents[i].size) {
		fault(ps, PACKET_FAULT_ACK);
		return -E_RANGE;
	}
	src->extents[i].inflight = 0;
	*pkt = p;
	return 0;
}

bool
packet_ready_to_submit(struct packet_source *src)
{
	struct packet_stream *ps = &src->ps;

	return push_room(ps, ps->submit, ps->submit_mine, &ps->submit_peer) > 0;
}

bool
packet_ack_avail(struct packet_source *src)
{
	struct packet_stream *ps = &src->ps;

	return pop_avail(ps, ps->ack, ps->ack_mine, &ps->ack_peer) > 0;
}

/* The sink. */

int
packet_get(struct packet_sink *snk, struct packet *pkt)
{
	struct packet_stream *ps = &snk->ps;
	struct packet p;
	int r;

	r = pop(ps, ps->submit, &ps->submit_mine, &ps->submit_peer, &p,
	    PACKET_SUBMIT_READY);
	if (r < 0)
		return r;
	if (!in_bulk(ps, &p)) {
		fault(ps, PACKET_FAULT_DESC);
		return -E_RANGE;
	}
	*pkt = p;
	return 0;
}

int
packet_ack(struct packet_sink *snk, const struct packet *pkt)
{
	struct packet_stream *ps = &snk->ps;

	if (!in_bulk(ps, pkt))
		return -E_INVAL;
	return push(ps, ps->ack, &ps->ack_mine, &ps->ack_peer, pkt,
	    PACKET_ACKED);
}

bool
packet_avail(struct packet_sink *snk)
{
	struct packet_stream *ps = &snk->ps;

	return pop_avail(ps, ps->submit, ps->submit_mine, &ps->submit_peer) > 0;
}

bool
packet_ready_to_ack(struct packet_sink *snk)
{
	struct packet_stream *ps = &snk->ps;

	return push_room(ps, ps->ack, ps->ack_mine, &ps->ack_peer) > 0;
}

const char *
packet_fault_name(enum packet_fault f)
{
	switch (f) {
	case PACKET_FAULT_NONE:
		return "none";
	case PACKET_FAULT_DESC:
		return "descriptor outside the bulk area";
	case PACKET_FAULT_ACK:
		return "ack for a packet not in flight";
	case PACKET_FAULT_INDEX:
		return "queue index out of range";
	}
	return "unknown";
}
