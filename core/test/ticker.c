/*
 * An honest component that logs a tick every 100 ms from a Timer session,
 * forever: while a hostile sibling attacks core and init, its ticks show
 * that both still answer everyone else.
 */
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/timer.h>

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t timer, sig;

	if (object_create(KOBJ_SIGNAL, &sig) || timer_open("", sig, &timer) ||
	    timer_trigger(timer, 100000, 1)) {
		log_printf("no timer");
		return 1;
	}
	for (uint64_t n = 1;; n++) {
		sys_sig_wait(sig, NULL);
		log_printf("tick %lu", n);
	}
}
