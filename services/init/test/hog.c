/*
 * A test component that allocates RAM until its quota refuses, checks that
 * the refusal is E_NOMEM and that freeing returns the quota, then exits
 * and leaves the rest to its parent: everything it held comes back.
 */
#include <base/error.h>
#include <base/log.h>
#include <stdbool.h>

#include <base/heap.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/pd.h>

#define CHUNK (64u * 1024)
#define CHUNKS 256u

/* The heap: many small blocks and a big one, written, checked, reused. */
static bool
heap_check(void)
{
	static unsigned char *blocks[512];
	bool ok = true;
	void *big, *again;

	for (unsigned i = 0; i < 512; i++) {
		if (!(blocks[i] = heap_alloc(100 + i)))
			return false;
		memset(blocks[i], (int)i, 100 + i);
	}
	for (unsigned i = 0; i < 512; i++) {
		for (unsigned k = 0; k < 100 + i; k++)
			ok &= blocks[i][k] == (unsigned char)i;
		heap_free(blocks[i]);
	}
	again = heap_alloc(100);
	big = heap_alloc(300 * 1024);
	bool reused = false;

	for (unsigned i = 0; i < 512; i++)
		reused |= again == blocks[i];
	ok &= big != NULL && reused;
	heap_free(big);
	heap_free(again);
	log_printf(
	    "heap: 512 blocks written and checked, a freed block reused, "
	    "a big block %s",
	    big ? "allocated and freed" : "refused");
	return ok;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	static void *ptr[CHUNKS];
	static uint64_t ds[CHUNKS];
	uint64_t *w = utcb_self()->msg, quota;
	unsigned n = 0, again = 0;
	int e = 0;

	rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
	quota = w[0];
	while (n < CHUNKS && !(e = ram_alloc(CHUNK, &ptr[n], &ds[n]))) {
		((volatile char *)ptr[n])[CHUNK - 1] = 1;
		n++;
	}
	log_printf("allocated %u KiB of a %lu KiB quota, then error %d", n * 64,
	    quota / 1024, -e);
	for (unsigned i = 0; i < n; i++)
		ram_free(ptr[i], ds[i]);
	/* What was freed is available again (page tables stay charged). */
	while (again < n && !ram_alloc(CHUNK, &ptr[again], &ds[again]))
		again++;
	log_printf("after freeing, %u of %u chunks could be allocated again",
	    again, n);
	for (unsigned i = 0; i < again; i++)
		ram_free(ptr[i], ds[i]);
	return e == -E_NOMEM && again + 1 >= n && heap_check() ? 0 : 1;
}
