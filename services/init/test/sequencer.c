/*
 * A test component that reconfigures a system on a schedule: each <step>
 * of its config waits after_ms (by the kernel's scheduler ticks, so it
 * needs no timer) and then publishes its <config> node as the report
 * "config", which report_rom can hand to an init.
 */
#include <base/config.h>
#include <base/log.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	struct config_node step, inner;
	struct report out;
	unsigned k = 0;

	if (config_load(&cfg) || report_open(&out, "config", 8192)) {
		log_printf("cannot set up");
		return 1;
	}
	for (int e = config_child(config_root(&cfg), "step", &step); !e;
	     e = config_next(step, "step", &step)) {
		uint64_t after = 0,
			 tick_us = (uint64_t)sys_kinfo(KINFO_TICK_US);
		uint64_t until = (uint64_t)sys_kinfo(KINFO_TICKS);
		const char *raw;
		size_t len;

		config_attr_u64(step, "after_ms", 0, &after);
		until += after * 1000 / tick_us;
		while ((uint64_t)sys_kinfo(KINFO_TICKS) < until)
			sys_thread_yield();
		if (config_child(step, "config", &inner))
			continue;
		config_node_raw(inner, &raw, &len);
		if (len > out.size)
			len = out.size;
		memcpy(out.buf, raw, len);
		report_submit(&out, len);
		log_printf("step %u published", ++k);
	}
	log_printf("all steps published");
	sleep_forever();
}
