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
	uint64_t *w = utcb_self()->msg, timer, sig;

	if (object_create(KOBJ_SIGNAL, &sig) || timer_open("", sig, &timer) ||
	    timer_trigger(timer, 20000, 1)) {
		log_printf("no timer");
		return 1;
	}
	for (unsigned i = 0; i < 10; i++) {
		sys_sig_wait(sig, NULL);
		rpc_call(CAP_PARENT, PARENT_HEARTBEAT, 0, 0, 0, NULL);
	}
	rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL);
	log_printf("10 heartbeats sent by %lu ms; hanging now", w[0] / 1000);
	sleep_forever();
}
