/*
 * What a component finds when it starts: its main thread's UTCB and stack
 * at the same addresses as in the root task, and capabilities at fixed
 * slots. The component runtime builds on this.
 */
#pragma once

#include <kernel/abi.h>

#define UTCB_MAIN ROOT_UTCB_VA
#define STACK_MAIN_TOP ROOT_STACK_TOP

/* Slots in a child's capability space that its parent fills. */
#define CAP_PARENT 3u /* endpoint to the parent, badged with the child */
#define CAP_CHILD_FIRST_FREE 8u

/*
 * The end of a component, called with main's result: a child tells its
 * parent (PARENT_EXIT), core and test root tasks power off.
 */
_Noreturn void component_exit(int code);

/* The calling thread's UTCB: the kernel points each thread's GS there. */
static inline struct utcb *
utcb_self(void)
{
	struct utcb *u;

	__asm__("mov %%gs:%c1, %0"
		: "=r"(u)
		: "i"(__builtin_offsetof(struct utcb, self)));
	return u;
}
