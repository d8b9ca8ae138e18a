/*
 * Building a child component in a PD session the parent opened: its
 * program from an ELF image in the parent's memory, its stack, its parent
 * endpoint and PD session at the slots a component expects (base/env.h),
 * and its main thread. init starts its children with it, and the libc
 * backend the programs a process starts (execve, posix_spawn).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct child_image {
	uint64_t pd;     /* the child's PD session (pays for it all) */
	const void *elf; /* a static ELF64 executable */
	size_t elf_size;
	uint64_t stack;         /* bytes, a multiple of 4096 */
	uint64_t parent;        /* our endpoint, given to the child ... */
	uint64_t parent_badge;  /* ... with this badge */
	uint64_t priority, cpu; /* of its main thread */
	const char *why;        /* out: what is wrong with the image, or NULL */
};

/* Loads, equips and starts the child; 0 or a negative error. */
int child_build(struct child_image *ci);
