/*
 * The client's side of an Input session's ring (include/session/input.h):
 * events in order, with a count of those the client was too slow for. The
 * reader keeps its position to itself; it never writes the ring.
 */
#pragma once

#include <stdint.h>

#include <session/input.h>

struct input_reader {
	const volatile struct input_ring *ring;
	uint64_t tail; /* the next event to read */
};

/* Start reading at the driver's next event. */
void input_reader_init(struct input_reader *r, const void *ring);

/*
 * Copies up to max events into out and returns how many; *lost (if not
 * NULL) gets the number of events that were overwritten before they could
 * be read. Call it until it returns 0 after each signal.
 */
unsigned input_read(struct input_reader *r, struct input_event *out,
    unsigned max, uint64_t *lost);
