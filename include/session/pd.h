/*
 * The PD session, provided by core: a protection domain with a RAM quota
 * and a capability quota (session argument caps=N, PDS_CAPS_MIN at least).
 * Whoever holds the session capability builds and runs the PD: a parent
 * holds its child's, and gives the child a copy at CAP_PD so that it can
 * allocate memory and map it into itself. Dataspaces are capabilities too;
 * they can be passed on and mapped by whoever holds them.
 */
#pragma once

#include <base/parent.h>

#define CAP_PD 4u /* a component's own PD session */

enum pd_label {
	PD_ALLOC = 1, /* w0: bytes -> dataspace cap; w0: pages */
	PD_FREE = 2,  /* dataspace cap */
	PD_MAP = 3,   /* dataspace cap; w0: address, w1: MAP_W | MAP_X */
	PD_UNMAP = 4, /* w0: address */
	/*
	 * w0: entry, w1: stack, w2: argument, w3: UTCB address, w4: priority,
	 * w5: CPU quota (per mille) -> w0: thread id. Its page faults go to
	 * core, which resolves them from the PD's region maps or tells the
	 * fault signal.
	 */
	PD_THREAD = 5,
	PD_GIVE = 6, /* a cap; w0: slot in the PD, w1: rights, w2: badge */
	PD_STOP = 7, /* w0: thread id */
	/* -> w0: RAM quota, w1: spent (bytes), w2: caps quota, w3: caps used
	 * (slots of its space and those core keeps for it) */
	PD_QUOTA = 8,
	PD_OBJECT =
	    9, /* w0: KOBJ_ENDPOINT or KOBJ_SIGNAL, w1: slot in the PD */
	PD_FAULT_SIGH = 10, /* a signal cap: a thread had a fault core
			     * could not resolve */
	PD_FAULT = 11,      /* -> w0: kind (0: none), w1: address, w2: ip,
			     * w3: thread id, of the last unresolved fault */
	PD_RM_CREATE = 12,  /* w0: bytes -> a managed dataspace (region map) */
	/* 64 more slots in the PD's capability space, paid with a page of
	 * RAM quota and 64 of its caps quota -> w0: its slots now. */
	PD_CAPS = 13,
	/* a dataspace cap; w0: bytes -> a dataspace nobody can change or
	 * free under us: a boot module as it is, else a read-only copy of
	 * its first w0 bytes, paid from our quota; w0: pages */
	PD_COPY = 14,
};

/*
 * A managed dataspace is a region map: dataspaces (managed ones too) are
 * attached into it, and mapping it into a PD maps nothing at once: each
 * page is mapped when a thread first touches it. These calls go to the
 * managed dataspace's own capability.
 */
enum rm_label {
	RM_ATTACH = 1, /* dataspace cap; w0: offset, w1: MAP_W | MAP_X */
	RM_DETACH = 2, /* w0: offset */
};
