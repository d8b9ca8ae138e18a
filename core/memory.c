/*
 * Physical memory as core sees it: a bitmap of the free frames the kernel
 * handed over, and mappings of frames into core's own address space (a
 * scratch window to fill pages, and lasting attachments for pages core
 * shares with children). Page tables that core needs for itself are taken
 * at start-up, so the free figure moves only with what children hold.
 */
#include "core.h"

#include <base/log.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#define FRAME_MAX (1u << 20) /* frames below 4 GiB */
#define SCRATCH_VA 0x7e0000000000ull
#define ATTACH_VA 0x7e0000200000ull
#define ATTACH_PAGES 512u

static uint64_t free_map[FRAME_MAX / 64]; /* 1: free */
static uint64_t nfree;
static uint64_t attached;

static bool
is_free(uint64_t f)
{
	return free_map[f / 64] & (1ull << (f % 64));
}

static void
set_free(uint64_t f, bool free)
{
	if (free)
		free_map[f / 64] |= 1ull << (f % 64);
	else
		free_map[f / 64] &= ~(1ull << (f % 64));
}

/* Frames below first_word * 64 are all in use: scans start there. */
static uint64_t first_word;

int
frame_alloc(unsigned n, uint64_t *pa)
{
	uint64_t run = 0;

	for (uint64_t f = first_word * 64; f < FRAME_MAX; f++) {
		if (!run && !(f % 64) && !free_map[f / 64]) {
			if (f / 64 == first_word)
				first_word++;
			f += 63;
			continue;
		}
		run = is_free(f) ? run + 1 : 0;
		if (run == n) {
			uint64_t first = f + 1 - n;

			for (uint64_t i = first; i <= f; i++)
				set_free(i, false);
			nfree -= n;
			*pa = first * PAGE;
			return 0;
		}
	}
	return -E_NOMEM;
}

void
frame_free(uint64_t pa, unsigned n)
{
	if (pa / PAGE / 64 < first_word)
		first_word = pa / PAGE / 64;
	for (uint64_t f = pa / PAGE; f < pa / PAGE + n; f++) {
		if (is_free(f))
			log_printf("core: frame %lx freed twice", f * PAGE);
		else
			nfree++;
		set_free(f, true);
	}
}

uint64_t
frame_free_count(void)
{
	return nfree;
}

static void *
scratch(uint64_t pa)
{
	if (pd_map(CAP_SELF_PD, SCRATCH_VA, pa & ~(PAGE - 1), MAP_W, NULL))
		return NULL;
	return (void *)(SCRATCH_VA + (pa & (PAGE - 1)));
}

void
phys_write(uint64_t pa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t n = PAGE - (pa & (PAGE - 1));

		if (n > len)
			n = len;
		memcpy(scratch(pa), s, n);
		pa += n;
		s += n;
		len -= n;
	}
	sys_unmap(CAP_SELF_PD, SCRATCH_VA);
}

/* Page by page through a bounce buffer: the scratch window is one page. */
void
phys_copy(uint64_t to, uint64_t from, uint64_t pages)
{
	static uint8_t buf[PAGE];

	for (uint64_t i = 0; i < pages; i++) {
		memcpy(buf, scratch(from + i * PAGE), PAGE);
		memcpy(scratch(to + i * PAGE), buf, PAGE);
	}
	sys_unmap(CAP_SELF_PD, SCRATCH_VA);
}

void
phys_zero(uint64_t pa, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE)
		memset(scratch(pa + off), 0, PAGE);
	sys_unmap(CAP_SELF_PD, SCRATCH_VA);
}

void *
core_attach(uint64_t pa, unsigned pages)
{
	uint64_t va = ATTACH_VA + attached * PAGE;

	if (attached + pages > ATTACH_PAGES)
		return NULL;
	for (unsigned i = 0; i < pages; i++)
		if (pd_map(CAP_SELF_PD, va + i * PAGE, pa + i * PAGE, MAP_W,
			NULL))
			return NULL;
	attached += pages;
	return (void *)va;
}

void
frame_init(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nfree; i++) {
		uint64_t f = bi->free[i].base / PAGE;
		uint64_t end = (bi->free[i].base + bi->free[i].size) / PAGE;

		if (end > FRAME_MAX) {
			log_printf("core: RAM above 4 GiB is not used yet");
			end = FRAME_MAX;
		}
		for (; f < end; f++) {
			set_free(f, true);
			nfree++;
		}
	}
	/* The tables of the scratch window and the attachment area. */
	scratch(0);
	sys_unmap(CAP_SELF_PD, SCRATCH_VA);
	pd_map(CAP_SELF_PD, ATTACH_VA, 0, 0, NULL);
	sys_unmap(CAP_SELF_PD, ATTACH_VA);
}
