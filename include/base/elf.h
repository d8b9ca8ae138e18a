/*
 * Reading static ELF64 executables: validation and the loadable segments.
 * Core loads init with it, and init its children; neither trusts the image.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct elf_segment {
	uint64_t vaddr, memsz; /* where it goes, how big in memory */
	const uint8_t *data;   /* file bytes, filesz of them */
	uint64_t filesz;
	unsigned flags; /* MAP_W and MAP_X */
};

/*
 * Calls fn for each loadable segment, in file order, after checking the
 * header and every segment: an x86_64 executable, segments inside the file
 * and below limit, filesz <= memsz. Returns 0 and the entry point, or
 * -E_INVAL with *why set to what is wrong, or fn's first error.
 */
int elf_load(const uint8_t *img, size_t size, uint64_t limit,
    int (*fn)(void *ctx, const struct elf_segment *seg), void *ctx,
    uint64_t *entry, const char **why);
