/* What every root task does first: serial log, frames, slots. */
#include "core.h"

#include <base/log.h>
#include <base/string.h>

void
core_init(const struct boot_info *bi)
{
	caps_init(bi->caps);
	frame_init(bi);
	serial_init();
}

const struct boot_module *
module_find(const struct boot_info *bi, const char *name)
{
	for (unsigned i = 0; i < bi->nmods; i++)
		if (!strcmp(bi->mods[i].name, name))
			return &bi->mods[i];
	return NULL;
}
