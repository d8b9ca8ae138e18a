/*
 * A test component that sends its parent ten heartbeats, 20 ms apart (from
 * a Timer session), then hangs: its parent should notice and restart it.
 */
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/timer.h>

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, timer, id, sig, copy = slot_alloc();

	if (session_open("Timer", "", 0, &timer, &id) ||
	    object_create(KOBJ_SIGNAL, &sig) || !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(timer, TIMER_SIGH, 0, copy, 0, NULL)) {
		log_printf("no timer");
		return 1;
	}
	w[0] = 20000;
	w[1] = 1;
	rpc_call(timer, TIMER_TRIGGER, 2, 0, 0, NULL);
	for (unsigned i = 0; i < 10; i++) {
		sys_sig_wait(sig, NULL);
		rpc_call(CAP_PARENT, PARENT_HEARTBEAT, 0, 0, 0, NULL);
	}
	rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL);
	log_printf("10 heartbeats sent by %lu ms; hanging now", w[0] / 1000);
	sleep_forever();
}
