/*
 * Core, the root task. It owns all memory, I/O ports and interrupts the
 * kernel does not keep and hands them out as sessions to init, which it
 * starts from the boot module named "init" (service.c).
 */
#include "core.h"

#include <base/env.h>
#include <base/log.h>
#include <kernel/syscalls.h>

int main(const struct boot_info *bi);

int
main(const struct boot_info *bi)
{
	core_init(bi);
	log_printf("core: %lu KiB of RAM free, %u capability slots",
	    frame_free_count() * PAGE / 1024, bi->caps);
	for (unsigned i = 0; i < bi->nmods; i++)
		log_printf("core: module '%s', %lu bytes", bi->mods[i].name,
		    bi->mods[i].size);
	const struct boot_module *init = module_find(bi, "init");

	if (init)
		core_run_init(bi, init);
	if (cmdline_has(bi, "hold")) {
		log_printf("core: no init module; holding");
		for (;;)
			sys_thread_stop(CAP_SELF_THREAD);
	}
	log_printf("core: no init module; powering off");
	power_off(0);
}

void
component_exit(int code)
{
	power_off((unsigned)code);
}
