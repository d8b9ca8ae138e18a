/*
 * The ROM session: read-only data by name (the last element of the
 * session's label): boot modules from core, configs from init.
 */
#pragma once

#include <base/parent.h>

enum rom_label {
	ROM_DATASPACE = 1, /* -> a read-only dataspace cap; w0: bytes */
	ROM_SIGH = 2, /* a signal cap, submitted when the content changes */
};
