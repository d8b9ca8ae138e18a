/*
 * The Report session: a component publishes a document (a state report, a
 * config for another component) under its label; report_rom offers the
 * latest version of each as a ROM.
 */
#pragma once

#include <base/parent.h>

enum report_label {
	REPORT_DATASPACE = 1, /* -> a writable dataspace cap; w0: bytes */
	REPORT_SUBMIT = 2, /* w0: bytes of the dataspace that are the report */
};
