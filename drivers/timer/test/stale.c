/*
 * A hostile client for run/walls_stale.run: it keeps a copy of a session
 * capability (Timer; with service="IO_PORT" core's I/O ports base=0x2f8
 * size=8; with service="ROM" the ROM config/@rom names, default "stale",
 * from report_rom, or a boot module from core) past the
 * session's close and uses it after the slot
 * was given to a new session. Both the copy the parent handed over and a
 * copy the client made itself must reach nothing, while the new session
 * works. Exits 0 if so, 1 if a stale capability still reached the timer.
 * With victim="yes" it is the bystander instead: one session's timeouts,
 * fired while the hostile one works, each by its signal. With
 * service="Platform" it keeps the IO_MEM capability of its device's BAR 0
 * past its Platform session's close: that must reach nothing either.
 */
#include <stdbool.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/io_port.h>
#include <session/io_mem.h>
#include <session/pd.h>
#include <session/platform.h>
#include <session/rom.h>
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

/* The service config/@service names: Timer, IO_PORT or ROM; and the ROM. */
static char service[16] = "Timer", rom[32] = "stale";

/* A device capability kept past its Platform session: refused after. */
static int
platform(void)
{
	uint64_t pf, id, mem = slot_alloc(), copy = slot_alloc(), ds,
			 *w = utcb_self()->msg;
	long e;

	if (!mem || !copy || session_open("Platform", "", 0, &pf, &id)) {
		log_printf("stale: no Platform session");
		return 1;
	}
	w[0] = 0; /* device 0, BAR 0, uncached */
	w[1] = 0;
	w[2] = 0;
	if (rpc_call(pf, PLATFORM_IO_MEM, 3, 0, mem, NULL) ||
	    sys_cap_derive(mem, 0, copy, RIGHT_SEND, 0) ||
	    !(ds = slot_alloc())) {
		log_printf("stale: no device memory from the platform driver");
		return 1;
	}
	w[0] = 4096;
	if ((e = rpc_call(copy, IO_MEM_DATASPACE, 1, 0, ds, NULL))) {
		log_printf("stale: the device memory fails (error %ld)", -e);
		return 1;
	}
	sys_cap_delete(ds);
	if (session_close(pf, id)) {
		log_printf("stale: cannot close the Platform session");
		return 1;
	}
	w[0] = 4096;
	if (!(e = rpc_call(mem, IO_MEM_DATASPACE, 1, 0, ds, NULL)) ||
	    !rpc_call(copy, IO_MEM_DATASPACE, 1, 0, ds, NULL)) {
		log_printf("stale: a closed session's capability still works");
		return 1;
	}
	log_printf("stale: closed session's capabilities refused (error %ld)",
	    -e);
	return 0;
}

static int
session_get(uint64_t *cap, uint64_t *id)
{
	if (!strcmp(service, "IO_PORT"))
		return session_open_args("IO_PORT", "", "base=0x2f8 size=8", 0,
		    cap, id);
	if (!strcmp(service, "ROM"))
		return session_open("ROM", rom, 0, cap, id);
	return session_open("Timer", "", 0, cap, id);
}

/* One call that only an open session answers. */
static long
probe(uint64_t cap)
{
	static uint64_t ds;
	long e;

	if (!strcmp(service, "IO_PORT"))
		return rpc_call(cap, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL);
	if (!strcmp(service, "ROM")) {
		if (!ds && !(ds = slot_alloc()))
			return -E_NOMEM;
		if (!(e = rpc_call(cap, ROM_DATASPACE, 0, 0, ds, NULL)))
			sys_cap_delete(ds);
		return e;
	}
	return rpc_call(cap, TIMER_NOW, 0, 0, 0, NULL);
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
	if (config_has_attr(config_root(&cfg), "service") &&
	    config_attr_copy(config_root(&cfg), "service", service,
		sizeof(service)))
		return 1;
	if (config_has_attr(config_root(&cfg), "rom") &&
	    config_attr_copy(config_root(&cfg), "rom", rom, sizeof(rom)))
		return 1;
	if (is_victim)
		return victim();
	if (!strcmp(service, "Platform"))
		return platform();
	if (!copy || session_get(&old, &old_id) ||
	    sys_cap_derive(old, 0, copy, RIGHT_SEND, 0) || probe(copy)) {
		log_printf("stale: no first session");
		return 1;
	}
	/* Close the session the parent's way, but keep our own copy. */
	utcb_self()->msg[0] = old_id;
	if (rpc_call(CAP_PARENT, PARENT_CLOSE, 1, 0, 0, NULL)) {
		log_printf("stale: cannot close the first session");
		return 1;
	}
	if (session_get(&cur, &cur_id)) {
		log_printf("stale: no second session");
		return 1;
	}
	if (!(e = probe(old)) || !probe(copy)) {
		log_printf("stale: a closed session's capability still works");
		return 1;
	}
	log_printf("stale: closed session's capabilities refused (error %ld)",
	    -e);
	if ((e = probe(cur))) {
		log_printf("stale: the new session fails (error %ld)", -e);
		return 1;
	}
	log_printf("stale: the new session works");
	return 0;
}
