/*
 * The Timer session, provided by the timer driver: a monotonic clock in
 * microseconds and a timeout, one-shot or periodic, delivered as a signal.
 */
#pragma once

#include <base/parent.h>

enum timer_label {
	TIMER_SIGH = 1,    /* the signal cap timeouts fire */
	TIMER_TRIGGER = 2, /* w0: microseconds from now, w1: 1 = periodic */
	TIMER_NOW = 3,     /* -> w0: microseconds since the driver started */
};

/*
 * The client side, in the runtime: a Timer session (label) whose timeouts
 * submit the signal sig (a copy with send rights goes to the driver).
 */
int timer_open(const char *label, uint64_t sig, uint64_t *timer);
/* A timeout us microseconds from now, again every us if periodic. */
int timer_trigger(uint64_t timer, uint64_t us, int periodic);
