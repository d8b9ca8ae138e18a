/*
 * The one set of error codes that every Bulkhead interface uses: the kernel's
 * system calls, the component runtime and the session protocols. Functions
 * return 0 or the negative of one of these.
 */
#pragma once

enum error {
	E_OK = 0,
	E_INVAL = 1,    /* an argument is malformed or out of range */
	E_CAP = 2,      /* no capability at that index, or of the wrong type */
	E_RIGHTS = 3,   /* the capability lacks the right for this operation */
	E_PERM = 4,     /* the caller may not do this at all */
	E_BUSY = 5,     /* the object or slot is in use */
	E_NOMEM = 6,    /* not enough memory or quota */
	E_NOTABLE = 7,  /* a page table is missing on the way to the mapping */
	E_EXISTS = 8,   /* something is there already */
	E_NOENT = 9,    /* nothing by that name */
	E_ABORT = 10,   /* the partner vanished before the operation finished */
	E_AGAIN = 11,   /* not now; try again */
	E_NOSYS = 12,   /* no such operation */
	E_DENIED = 13,  /* policy does not allow it */
	E_RANGE = 14,   /* a value does not fit */
	E_IO = 15,      /* a device reported an error */
	E_TIMEOUT = 16, /* the time given ran out first */
	E_MAX
};
