/*
 * The IO_PORT session, provided by core: a range of I/O ports, given by the
 * session arguments "base=0x40 size=4", for one component at a time.
 */
#pragma once

#include <base/parent.h>

enum io_port_label {
	/* the client's own PD session cap: its threads may now use the ports */
	IO_PORT_ACCESS = 1,
};
