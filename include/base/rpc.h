/*
 * Calling a server: a label, message words in the UTCB, at most one
 * capability each way. The server answers with its error code as the
 * reply's label (0: done).
 */
#pragma once

#include <base/env.h>
#include <kernel/syscalls.h>

/*
 * Calls cap with the first `words` UTCB words; sends send_cap if not 0 and
 * accepts a capability into recv_slot if not 0. Returns 0, a negative
 * kernel error, or the server's negative error; *info gets the reply's
 * message info.
 */
static inline long
rpc_call(uint64_t cap, uint64_t label, unsigned words, uint64_t send_cap,
    uint64_t recv_slot, uint64_t *info)
{
	struct utcb *u = utcb_self();
	uint64_t i, badge;
	long e;

	u->snd_caps[0] = (uint32_t)send_cap;
	u->rcv_caps[0] = (uint32_t)recv_slot;
	e = sys_ipc_call(cap, MSG_INFO(label, words, send_cap ? 1 : 0), &i,
	    &badge);
	if (e)
		return e;
	if (info)
		*info = i;
	return -(long)MSG_LABEL(i);
}

/* Strings travel as message bytes; these copy them in and out. */
unsigned msg_put_str(uint64_t *words, unsigned at, const char *s, unsigned max);
unsigned msg_get_str(const uint64_t *words, unsigned nwords, unsigned at,
    uint64_t len, char *out, unsigned max);
