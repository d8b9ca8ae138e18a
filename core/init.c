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

/* Whether the kernel command line has word as one of its words. */
bool
cmdline_has(const struct boot_info *bi, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = bi->cmdline; *p; p++)
		if ((p == bi->cmdline || p[-1] == ' ') &&
		    !strncmp(p, word, n) &&
		    (p[n] == ' ' || p[n] == '=' || !p[n]))
			return true;
	return false;
}
