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

/* A module's bytes in core's address space, attached on first use. */
const uint8_t *
module_data(const struct boot_module *m)
{
	static struct {
		const struct boot_module *m;
		const uint8_t *data;
	} seen[BOOT_MOD_MAX];
	unsigned i;

	for (i = 0; i < BOOT_MOD_MAX && seen[i].m; i++)
		if (seen[i].m == m)
			return seen[i].data;
	if (i == BOOT_MOD_MAX)
		return NULL;
	uint64_t off = m->base & (PAGE - 1);
	const uint8_t *d = core_attach(m->base - off,
	    (unsigned)((m->size + off + PAGE - 1) / PAGE));

	if (!d)
		return NULL;
	seen[i].m = m;
	seen[i].data = d + off;
	return seen[i].data;
}
