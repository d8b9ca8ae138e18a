/*
 * A small heap over the runtime's RAM dataspaces. Every block has a header
 * saying its class (or, for a big block, its dataspace), so heap_free needs
 * only the pointer. Freed small blocks go to their class's free list;
 * chunks are kept, big blocks are returned at once.
 */
#include <stdint.h>

#include <base/heap.h>
#include <base/runtime.h>
#include <base/string.h>

#define CHUNK (64u * 1024)
#define MIN_SHIFT 4u /* 16 bytes */
#define CLASSES 9u   /* up to 4 KiB */
#define BIG 0xffu

struct header {
	uint64_t ds; /* BIG: the dataspace; else unused */
	uint32_t class;
	uint32_t magic;
};

struct free_block {
	struct free_block *next;
};

#define MAGIC 0x68656170u

static struct free_block *free_lists[CLASSES];
static char *chunk_at, *chunk_end;

static unsigned
class_of(size_t size)
{
	unsigned c = 0;

	while (c < CLASSES && ((size_t)1 << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

void *
heap_alloc(size_t size)
{
	size_t need = size + sizeof(struct header);
	unsigned c;
	struct header *h;

	if (size > (1ul << 40)) /* need would wrap near SIZE_MAX */
		return NULL;
	c = class_of(need);
	if (c == CLASSES) {
		void *p;
		uint64_t ds;

		if (ram_alloc(need, &p, &ds))
			return NULL;
		h = p;
		h->ds = ds;
		h->class = BIG;
	} else if (free_lists[c]) {
		h = (struct header *)free_lists[c];
		free_lists[c] = free_lists[c]->next;
	} else {
		size_t bytes = (size_t)1 << (c + MIN_SHIFT);

		if (!chunk_at || (size_t)(chunk_end - chunk_at) < bytes) {
			void *p;
			uint64_t ds;

			if (ram_alloc(CHUNK, &p, &ds))
				return NULL;
			chunk_at = p;
			chunk_end = chunk_at + CHUNK;
		}
		h = (struct header *)chunk_at;
		chunk_at += bytes;
		h->class = c;
	}
	h->magic = MAGIC;
	memset(h + 1, 0, size);
	return h + 1;
}

void
heap_free(void *ptr)
{
	struct header *h = (struct header *)ptr - 1;

	if (!ptr || h->magic != MAGIC)
		return;
	h->magic = 0;
	if (h->class == BIG) {
		ram_free(h, h->ds);
		return;
	}
	((struct free_block *)h)->next = free_lists[h->class];
	free_lists[h->class] = (struct free_block *)h;
}
