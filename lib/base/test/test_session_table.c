/*
 * Host unit test of the session table: slot reuse gives a new badge and
 * kills the old one, the generation wraps without ever being 0, and hostile
 * badges (other kinds, slots out of range, free slots, set high bits, the
 * small signal badges) name nothing and are logged. Exits non-zero on a
 * failed check.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/session_table.h>

#include <stdio.h>
#include <string.h>

#include <test/check.h>

static char logged[256];
static int lines;

void
log_write(const char *s, size_t n)
{
	if (n >= sizeof(logged))
		n = sizeof(logged) - 1;
	memcpy(logged, s, n);
	logged[n] = 0;
	lines++;
}

static bool
refused(const struct session_table *t, uint64_t badge)
{
	int before = lines;

	return session_table_lookup(t, badge) == -E_CAP &&
	    lines == before + 1 && strstr(logged, t->name) &&
	    strstr(logged, "refused");
}

int
main(void)
{
	struct session_slot slots[4] = {0};
	struct session_table t = {"test_server", 3, 4, slots};
	struct session_slot other_slots[4] = {0};
	struct session_table other = {"other", 4, 4, other_slots};
	uint64_t a, b, stale;
	int i, j;

	/* Every slot once, then none left. */
	for (int k = 0; k < 4; k++)
		CHECK(session_table_alloc(&t) == k);
	CHECK(session_table_alloc(&t) == -E_NOMEM);
	for (unsigned k = 0; k < 4; k++) {
		uint64_t bk = session_table_badge(&t, k);

		CHECK(bk >= 1u << 24);
		CHECK(session_table_lookup(&t, bk) == (int)k);
	}

	/* Slot reuse: the old badge is dead, the new one lives. */
	stale = session_table_badge(&t, 2);
	session_table_free(&t, 2);
	CHECK(refused(&t, stale));
	CHECK((i = session_table_alloc(&t)) == 2);
	a = session_table_badge(&t, 2);
	CHECK(a != stale);
	CHECK(refused(&t, stale));
	CHECK(session_table_lookup(&t, a) == 2);

	/* Wrap: the generation after 0xffffffff is 1, never 0. */
	slots[1].gen = 0xffffffffu;
	b = session_table_badge(&t, 1);
	CHECK(session_table_lookup(&t, b) == 1);
	session_table_free(&t, 1);
	CHECK((j = session_table_alloc(&t)) == 1);
	CHECK(slots[1].gen == 1);
	CHECK(refused(&t, b));
	CHECK(session_table_lookup(&t, session_table_badge(&t, 1)) == 1);
	CHECK(session_table_badge(&t, 1) >= 1u << 24);

	/* Hostile badges name nothing. */
	a = session_table_badge(&t, 0);
	CHECK(refused(&t, 0));
	CHECK(refused(&t, 1));
	CHECK(refused(&t, 2));
	CHECK(refused(&t, ~0ull));
	CHECK(refused(&t, a | 1ull << 63));
	CHECK(refused(&t, (a & ~0xffffffull) | 4));        /* past the end */
	CHECK(refused(&t, (a & ~0xffffffull) | 0xffffff)); /* far past */
	CHECK(refused(&t, a ^ 1ull << 56));                /* another kind */
	CHECK(refused(&t, a & ((1ull << 56) - 1)));        /* no kind */
	CHECK(refused(&t, a + (1ull << 24)));              /* a later gen */
	CHECK(refused(&t, a - (1ull << 24)));              /* an earlier one */
	CHECK(session_table_lookup(&t, a) == 0);

	/* Another table's session is not ours, even in the same slot. */
	CHECK(session_table_alloc(&other) == 0);
	CHECK(refused(&t, session_table_badge(&other, 0)));
	CHECK(session_table_find(&other, a) == -E_CAP);

	/* find is lookup without the log line. */
	lines = 0;
	CHECK(session_table_find(&t, stale) == -E_CAP && lines == 0);

	/* Free of a slot out of range changes nothing. */
	session_table_free(&t, 99);
	CHECK(session_table_lookup(&t, a) == 0);

	/* A table of no slots has none to give. */
	struct session_table none = {"none", 0, 0, NULL};
	CHECK(session_table_alloc(&none) == -E_NOMEM);
	CHECK(refused(&none, a));

	printf("test_session_table: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
