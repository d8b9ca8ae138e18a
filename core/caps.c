/* Core's capability slots: which of its slots are in use. */
#include "core.h"

#include <base/log.h>

#define CAPS_MAX 4096u

static uint64_t used[CAPS_MAX / 64];
static uint32_t limit;

void
caps_init(uint32_t ncaps)
{
	limit = ncaps < CAPS_MAX ? ncaps : CAPS_MAX;
	for (uint64_t i = 0; i < CAP_ROOT_FIRST_FREE; i++)
		used[0] |= 1ull << i;
}

uint64_t
cap_alloc(void)
{
	for (uint64_t i = 0; i < limit; i++) {
		if (!(used[i / 64] & (1ull << (i % 64)))) {
			used[i / 64] |= 1ull << (i % 64);
			return i;
		}
	}
	log_printf("core: out of capability slots");
	return CAP_NULL;
}

void
cap_free(uint64_t slot)
{
	used[slot / 64] &= ~(1ull << (slot % 64));
}
