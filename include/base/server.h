/*
 * A server's loop: wait on the endpoint, hand each message (calls, and
 * signals bound to the endpoint) to the component's handler, send its
 * reply. The handler says what goes back: an error, message words, and a
 * capability, either a new session (a copy of the endpoint with a badge)
 * or a copy of a capability the server holds (a dataspace).
 */
#pragma once

#include <stdint.h>

struct reply {
	int error;        /* 0 or -E_*: the reply's label */
	unsigned words;   /* message words to send back */
	uint64_t session; /* badge of a new session capability, or 0 */
	uint64_t cap;     /* slot of a capability to copy, or 0 */
	unsigned rights;  /* rights of what goes back */
};

/* rcv: an empty slot where capabilities sent to the server arrive. */
_Noreturn void server_loop(uint64_t ep, uint64_t rcv,
    void (*handle)(uint64_t badge, uint64_t info, struct reply *r));
