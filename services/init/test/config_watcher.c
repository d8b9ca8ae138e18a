/*
 * A test component that shows its config as it changes: it logs the
 * attribute "value" of its config at start and after every new version,
 * and publishes it as the report "seen" when it can.
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
	struct rom rom;
	struct config cfg;
	struct config_error err;
	uint64_t sig, copy = slot_alloc();
	char value[64];

	if (rom_open(&rom, "config") || object_create(KOBJ_SIGNAL, &sig) ||
	    !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rom_sigh(&rom, copy)) {
		log_printf("cannot watch the config");
		return 1;
	}
	struct report seen;
	bool reporting = !report_open(&seen, "seen", 64);

	log_printf("started");
	for (;;) {
		value[0] = 0;
		if (config_parse(&cfg, rom.data, rom.size, &err) ||
		    config_attr_copy(config_root(&cfg), "value", value,
			sizeof(value)))
			log_printf("config without a value");
		else
			log_printf("config value: %s", value);
		/* What it saw, for a test driver to wait on. */
		if (reporting) {
			size_t n = strlen(value);

			memcpy(seen.buf, value, n);
			report_submit(&seen, n);
		}
		sys_sig_wait(sig, NULL);
		rom_update(&rom);
	}
}
