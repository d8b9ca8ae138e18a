/*
 * A Timer client for the timer's scenarios: a series of one-shot timeouts
 * of varying length, each checked not to fire early (by the timer's clock
 * and by the TSC), with the lateness it saw; with reconnect="yes" it keeps
 * going when the timer driver dies, by opening a new session.
 */
#include <stdbool.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/tsc.h>
#include <session/timer.h>

static uint64_t timer, timer_id, sig, sig_copy;

static int
connect(void)
{
	int e = session_open("Timer", "", 0, &timer, &timer_id);

	if (!e)
		e = (int)rpc_call(timer, TIMER_SIGH, 0, sig_copy, 0, NULL);
	return e;
}

/* One timeout of us microseconds; its lateness, or a negative error. */
static long
timeout(uint64_t us, uint64_t khz)
{
	uint64_t *w = utcb_self()->msg, t0, t1, c0;
	long e;

	if ((e = rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL)))
		return e;
	t0 = w[0];
	c0 = rdtsc();
	w[0] = us;
	w[1] = 0;
	if ((e = rpc_call(timer, TIMER_TRIGGER, 2, 0, 0, NULL)))
		return e;
	/* Poll, so that a timer that died is noticed. */
	while (!sys_sig_poll(sig, NULL))
		if ((e = rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL)))
			return e;
		else
			sys_thread_yield();
	t1 = (rdtsc() - c0) * 1000 / khz;
	if ((e = rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL)))
		return e;
	if (w[0] < t0 + us || t1 < us)
		return -E_RANGE; /* early */
	return (long)(t1 - us);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	uint64_t count = 250, first = 1000,
		 khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	uint64_t max = 0, sum = 0, reconnects = 0;
	bool reconnect = false;

	if (config_load(&cfg))
		return 1;
	config_attr_u64(config_root(&cfg), "count", 250, &count);
	config_attr_u64(config_root(&cfg), "first_us", 1000, &first);
	config_attr_bool(config_root(&cfg), "reconnect", false, &reconnect);
	if (object_create(KOBJ_SIGNAL, &sig) || !(sig_copy = slot_alloc()) ||
	    sys_cap_derive(sig, 0, sig_copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    connect()) {
		log_printf("no timer");
		return 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		long late = timeout(first + (i % 5) * 1000, khz);

		if (late == -E_RANGE) {
			log_printf("timeout %lu fired early", i);
			return 1;
		}
		if (late < 0) {
			if (!reconnect)
				return 1;
			log_printf("timer gone (error %ld), reconnecting",
			    -late);
			session_close(timer, timer_id);
			if (connect())
				return 1;
			/*
			 * The old timer may have fired between the last poll
			 * and its death: that signal is not the new timer's.
			 */
			sys_sig_poll(sig, NULL);
			log_printf("reconnected");
			reconnects++;
			i--;
			continue;
		}
		sum += (uint64_t)late;
		if ((uint64_t)late > max)
			max = (uint64_t)late;
	}
	log_printf("%lu timeouts in order, none early; lateness max %lu us, "
		   "mean %lu us; %lu reconnects",
	    count, max, sum / count, reconnects);
	return 0;
}
