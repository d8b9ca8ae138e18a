/*
 * The component's own config: the ROM "config", parsed. Only in
 * components (it uses the runtime); the parser itself runs on the host too.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/runtime.h>

int
config_load(struct config *cfg)
{
	struct config_error err;
	const void *data;
	size_t size;
	char msg[128];

	/* No config and an empty one (init's for a child without a
	 * <config>) mean the same: every default. */
	if (rom_attach("config", &data, &size) || !size)
		data = "<config/>", size = 9;
	if (config_parse(cfg, data, size, &err)) {
		config_error_format(msg, sizeof(msg), "config", &err);
		log_printf("%s", msg);
		return -E_INVAL;
	}
	return 0;
}
