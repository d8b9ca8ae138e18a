/*
 * A server's loop: wait on the endpoint, hand each message (calls, and
 * signals bound to the endpoint) to the component's handler, send its
 * reply. The handler says what goes back: an error, message words, and a
 * copy of a capability the server holds: a dataspace, or a new session's
 * capability, which server_session_open makes and keeps.
 */
#pragma once

#include <stdint.h>

#include <base/session_table.h>

struct reply {
	int error;       /* 0 or -E_*: the reply's label */
	unsigned words;  /* message words to send back */
	uint64_t cap;    /* slot of a capability to copy, or 0 */
	unsigned rights; /* rights of what goes back */
};

/* rcv: an empty slot where capabilities sent to the server arrive. */
_Noreturn void server_loop(uint64_t ep, uint64_t rcv,
    void (*handle)(uint64_t badge, uint64_t info, struct reply *r));

/*
 * Parks the reply to the call being handled in slot, an empty slot of the
 * component's, instead of answering it now: the loop's reply then goes
 * nowhere, and any thread of the component answers later with
 * server_answer. The caller waits, and nobody else is held up. Returns 0,
 * -E_NOENT (no call to park) or -E_EXISTS/-E_CAP (slot not empty or out
 * of range).
 */
int server_defer(uint64_t slot);

/*
 * Answers the call parked in slot with error (0 or -E_*) and, without an
 * error, the first words message words of the calling thread's UTCB. The
 * slot is empty afterwards. Returns 0, or -E_CAP when nothing is parked
 * there: answered already, or the caller stopped or died meanwhile.
 * Deleting the slot instead ends the caller's call with E_ABORT.
 */
int server_answer(uint64_t slot, int error, unsigned words);

/*
 * Opens a session in t: a copy of ep badged with the new slot's badge,
 * kept by the server until server_session_close, goes back to the client
 * through r, and the session id (the badge) in message word 0. Returns
 * the slot or a negative error.
 */
int server_session_open(struct session_table *t, uint64_t ep, unsigned rights,
    struct reply *r);

/*
 * Closes the session the parent names by its id: revokes every copy of its
 * capability, wherever the client put them, and frees the slot. Returns the
 * slot, for the server to release what it held for the session, or -E_CAP.
 * Neither this nor server_session_open logs: the parent is calling us and
 * would not take a log line until we replied.
 */
int server_session_close(struct session_table *t, uint64_t id);
