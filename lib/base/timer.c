/*
 * The Timer session's client side: every component that waits for time
 * opens the session and hands the driver a send-only copy of its signal
 * the same way.
 */
#include <base/error.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/timer.h>

int
timer_open(const char *label, uint64_t sig, uint64_t *timer)
{
	uint64_t id, copy = slot_alloc();
	long e;

	if (!copy)
		return -E_NOMEM;
	if ((e = session_open("Timer", label, 0, timer, &id)))
		goto out;
	if (!(e = sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0)) &&
	    !(e = rpc_call(*timer, TIMER_SIGH, 0, copy, 0, NULL)))
		return 0; /* the copy stays: the driver's is derived from it */
	session_close(*timer, id);
out:
	sys_cap_delete(copy);
	slot_free(copy);
	return (int)e;
}

int
timer_trigger(uint64_t timer, uint64_t us, int periodic)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = us;
	w[1] = periodic ? 1 : 0;
	return (int)rpc_call(timer, TIMER_TRIGGER, 2, 0, 0, NULL);
}
