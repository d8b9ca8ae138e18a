/*
 * ROM sessions: a boot module by the last element of the label, and
 * platform_info, what core knows of the machine that has no driver.
 */
#include "service.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/rom.h>

static uint64_t info_pa, info_len; /* the ROM platform_info */

static const char *
last_element(const char *label)
{
	const char *last = label;

	for (const char *p = label; *p; p++)
		if (!strncmp(p, " -> ", 4))
			last = p + 4;
	return last;
}

void
platform_info(void)
{
	char text[384];
	int n = fmt_snprintf(text, sizeof(text), "<platform_info>\n");
	uint32_t rsdt;
	uint64_t xsdt = 0;

	if (core_boot->fb.base)
		n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
		    " <boot_fb base=\"0x%lx\" width=\"%u\" height=\"%u\" "
		    "pitch=\"%u\" bpp=\"%u\"/>\n",
		    core_boot->fb.base, core_boot->fb.width,
		    core_boot->fb.height, core_boot->fb.pitch,
		    core_boot->fb.bpp);
	/* The RSDP the boot loader passed (UEFI has none in the BIOS area). */
	if (!memcmp(core_boot->rsdp, "RSD PTR ", 8)) {
		memcpy(&rsdt, core_boot->rsdp + 16, 4);
		if (core_boot->rsdp[15] >= 2)
			memcpy(&xsdt, core_boot->rsdp + 24, 8);
		n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
		    " <acpi rsdt=\"0x%x\" xsdt=\"0x%lx\"/>\n", rsdt, xsdt);
	}
	n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
	    "</platform_info>\n");
	if (frame_alloc(1, &info_pa))
		return;
	phys_zero(info_pa, PAGE);
	phys_write(info_pa, text, (uint64_t)n);
	info_len = (uint64_t)n;
}

int
rom_call(unsigned module, uint64_t label)
{
	const struct boot_module *m = &core_boot->mods[module];
	struct dataspace *ds;

	if (module == core_boot->nmods) { /* platform_info */
		if (label == ROM_SIGH)
			return 0;
		if (label != ROM_DATASPACE ||
		    !(ds = ds_rom(module, info_pa, info_len)))
			return -E_INVAL;
		reply_cap(K_DS, ds->gen, ds_index(ds),
		    RIGHT_SEND | RIGHT_GRANT);
		utcb_self()->msg[0] = info_len;
		reply_words = 1;
		return 0;
	}

	if (label == ROM_SIGH)
		return 0; /* boot modules never change */
	if (label != ROM_DATASPACE)
		return -E_NOSYS;
	if ((m->base & (PAGE - 1)) || !(ds = ds_rom(module, m->base, m->size)))
		return -E_INVAL;
	reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_SEND | RIGHT_GRANT);
	utcb_self()->msg[0] = m->size;
	reply_words = 1;
	return 0;
}

/* A boot module by the last element of the label, or platform_info. */
int
rom_open(unsigned s, const char *label)
{
	const struct boot_module *m;

	if (!strcmp(last_element(label), "platform_info") && info_pa) {
		sessions[s].kind = K_ROM;
		sessions[s].module = core_boot->nmods;
		return reply_device(&rom_table, s) ? -E_NOMEM : 0;
	}
	if (!(m = module_find(core_boot, last_element(label)))) {
		log_printf("core: no ROM '%s' for '%s'", last_element(label),
		    label);
		return -E_NOENT;
	}
	sessions[s].kind = K_ROM;
	sessions[s].module = (unsigned)(m - core_boot->mods);
	return reply_device(&rom_table, s) ? -E_NOMEM : 0;
}
