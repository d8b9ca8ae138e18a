/*
 * The component's heap: memory from its own PD session, charged to its RAM
 * quota. Small blocks come from 64 KiB chunks in power-of-two classes; big
 * ones get dataspaces of their own and go back to core when freed.
 */
#pragma once

#include <stddef.h>

void *heap_alloc(size_t size);
void heap_free(void *ptr);
