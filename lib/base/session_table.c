/* Session slots with generations; see include/base/session_table.h. */
#include <base/error.h>
#include <base/log.h>
#include <base/session_table.h>

#define KIND_SHIFT 56
#define GEN_SHIFT 24

int
session_table_alloc(struct session_table *t)
{
	for (unsigned i = 0; i < t->count && i <= SESSION_SLOTS_MAX; i++) {
		struct session_slot *s = &t->slots[i];

		if (s->used)
			continue;
		/* Unsigned wrap is defined; 0 is skipped, it is never valid. */
		if (++s->gen == 0)
			s->gen = 1;
		s->used = true;
		s->cap = 0;
		return (int)i;
	}
	return -E_NOMEM;
}

uint64_t
session_table_badge(const struct session_table *t, unsigned idx)
{
	return (uint64_t)(t->kind & SESSION_KIND_MAX) << KIND_SHIFT |
	    (uint64_t)t->slots[idx].gen << GEN_SHIFT |
	    (idx & SESSION_SLOTS_MAX);
}

int
session_table_find(const struct session_table *t, uint64_t badge)
{
	uint64_t idx = badge & SESSION_SLOTS_MAX;

	if (idx >= t->count || !t->slots[idx].used ||
	    session_table_badge(t, (unsigned)idx) != badge)
		return -E_CAP;
	return (int)idx;
}

int
session_table_lookup(const struct session_table *t, uint64_t badge)
{
	int i = session_table_find(t, badge);

	if (i < 0)
		log_printf("%s: refused stale or forged session badge %lx",
		    t->name, (unsigned long)badge);
	return i;
}

void
session_table_free(struct session_table *t, unsigned idx)
{
	if (idx < t->count) {
		t->slots[idx].used = false;
		t->slots[idx].cap = 0;
	}
}
