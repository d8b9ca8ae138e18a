/*
 * A hostile Timer client for run/walls_stale.run: it keeps a copy of a
 * session capability past the session's close and uses it after the slot
 * was given to a new session. Both the copy the parent handed over and a
 * copy the client made itself must reach nothing, while the new session
 * works. Exits 0 if so, 1 if a stale capability still reached the timer.
 * With victim="yes" it is the bystander instead: one session's timeouts,
 * fired while the hostile one works, each by its signal.
 */
#include <stdbool.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/timer.h>

#define VICTIM_TIMEOUTS 50u

static int
victim(void)
{
	uint64_t timer, id, sig, copy = slot_alloc(), *w = utcb_self()->msg;
	unsigned i;

	if (!copy || object_create(KOBJ_SIGNAL, &sig) ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    session_open("Timer", "", 0, &timer, &id) ||
	    rpc_call(timer, TIMER_SIGH, 0, copy, 0, NULL)) {
		log_printf("victim: no Timer session");
		return 1;
	}
	for (i = 0; i < VICTIM_TIMEOUTS; i++) {
		w[0] = 1000;
		w[1] = 0;
		if (rpc_call(timer, TIMER_TRIGGER, 2, 0, 0, NULL)) {
			log_printf("victim: the session fails");
			return 1;
		}
		sys_sig_wait(sig, NULL);
	}
	log_printf("victim: %u timeouts fired on one session", i);
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	bool is_victim = false;
	uint64_t old, old_id, copy = slot_alloc(), cur, cur_id;
	long e;

	if (config_load(&cfg))
		return 1;
	config_attr_bool(config_root(&cfg), "victim", false, &is_victim);
	if (is_victim)
		return victim();
	if (!copy || session_open("Timer", "", 0, &old, &old_id) ||
	    sys_cap_derive(old, 0, copy, RIGHT_SEND, 0) ||
	    rpc_call(copy, TIMER_NOW, 0, 0, 0, NULL)) {
		log_printf("stale: no first Timer session");
		return 1;
	}
	/* Close the session the parent's way, but keep our own copy. */
	utcb_self()->msg[0] = old_id;
	if (rpc_call(CAP_PARENT, PARENT_CLOSE, 1, 0, 0, NULL)) {
		log_printf("stale: cannot close the first session");
		return 1;
	}
	if (session_open("Timer", "", 0, &cur, &cur_id)) {
		log_printf("stale: no second Timer session");
		return 1;
	}
	if (!(e = rpc_call(old, TIMER_NOW, 0, 0, 0, NULL)) ||
	    !rpc_call(copy, TIMER_NOW, 0, 0, 0, NULL)) {
		log_printf("stale: a closed session's capability still works");
		return 1;
	}
	log_printf("stale: closed session's capabilities refused (error %ld)",
	    -e);
	if ((e = rpc_call(cur, TIMER_NOW, 0, 0, 0, NULL))) {
		log_printf("stale: the new session fails (error %ld)", -e);
		return 1;
	}
	log_printf("stale: the new session works");
	return 0;
}
