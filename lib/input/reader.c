/*
 * Reading an Input ring without trusting timing: the driver may overwrite
 * events while they are copied, so the head is read again afterwards and
 * every copy that might have been torn is dropped and counted as lost.
 */
#include <input/reader.h>

/* Events at index head - (N - 1) and above are stable until head moves. */
#define STABLE (INPUT_RING_EVENTS - 1)

static uint64_t
load_head(const volatile struct input_ring *ring)
{
	return __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
}

void
input_reader_init(struct input_reader *r, const void *ring)
{
	r->ring = ring;
	r->tail = load_head(r->ring);
}

unsigned
input_read(struct input_reader *r, struct input_event *out, unsigned max,
    uint64_t *lost)
{
	uint64_t head = load_head(r->ring), gone = 0, n, drop;

	if (head < r->tail) /* the driver started again */
		r->tail = head;
	if (head - r->tail > STABLE) {
		gone = head - STABLE - r->tail;
		r->tail = head - STABLE;
	}
	n = head - r->tail < max ? head - r->tail : max;
	for (uint64_t i = 0; i < n; i++) {
		const volatile struct input_event *e =
		    &r->ring->ev[(r->tail + i) % INPUT_RING_EVENTS];

		out[i].type = e->type;
		out[i].reserved = 0;
		out[i].code = e->code;
		out[i].mods = e->mods;
		out[i].dz = e->dz;
		out[i].dx = e->dx;
		out[i].dy = e->dy;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = load_head(r->ring);
	/* Copies below head - STABLE may have been overwritten meanwhile. */
	drop = head - r->tail > STABLE ? head - STABLE - r->tail : 0;
	if (drop > n)
		drop = n;
	for (uint64_t i = drop; i < n; i++)
		out[i - drop] = out[i];
	gone += drop;
	r->tail += n;
	if (lost)
		*lost = gone;
	return (unsigned)(n - drop);
}
