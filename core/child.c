/*
 * Building a child PD from a boot module: its page tables, ELF segments,
 * stack and UTCB come from frames recorded in the child, so that destroying
 * it gives every page back. The child's capability space holds, at
 * CAP_PARENT, a badged copy of the endpoint its parent serves.
 */
#include "core.h"

#include <base/log.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#define CHILD_PD_PAGES 3u
#define CHILD_STACK_PAGES 8u

struct elf_header {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

int
child_alloc(struct child *c, unsigned n, uint64_t *pa)
{
	if (c->nallocs == CHILD_ALLOCS || frame_alloc(n, pa))
		return -E_NOMEM;
	c->allocs[c->nallocs].pa = *pa;
	c->allocs[c->nallocs++].n = n;
	return 0;
}

int
child_map(struct child *c, uint64_t va, uint64_t pa, unsigned flags)
{
	return pd_map(c->pd, va, pa, flags, c);
}

/* A fresh zeroed page mapped at va in the child. */
static int
child_page(struct child *c, uint64_t va, unsigned flags, uint64_t *pa)
{
	int e;

	if ((e = child_alloc(c, 1, pa)))
		return e;
	phys_zero(*pa, PAGE);
	return child_map(c, va, *pa, flags);
}

static int
load_elf(struct child *c, const struct boot_module *m, const uint8_t *img,
    uint64_t *entry)
{
	const struct elf_header *eh = (const void *)img;
	int e;

	if (m->size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2", 5) ||
	    eh->machine != 62 ||
	    eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf_phdr) >
		m->size) {
		log_printf("core: module '%s' is not an x86_64 ELF executable",
		    m->name);
		return -E_INVAL;
	}
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf_phdr *ph =
		    (const void *)(img + eh->phoff + i * sizeof(*ph));

		if (ph->type != 1)
			continue;
		if (ph->offset + ph->filesz > m->size ||
		    ph->filesz > ph->memsz ||
		    ph->vaddr + ph->memsz >= ROOT_INFO_VA) {
			log_printf("core: segment %u of '%s' is malformed", i,
			    m->name);
			return -E_INVAL;
		}
		unsigned flags = ((ph->flags & 1) ? MAP_X : 0) |
		    ((ph->flags & 2) ? MAP_W : 0);

		for (uint64_t va = ph->vaddr & ~(PAGE - 1);
		     va < ph->vaddr + ph->memsz; va += PAGE) {
			uint64_t pa, lo = va > ph->vaddr ? va : ph->vaddr;
			uint64_t hi = ph->vaddr + ph->filesz;

			if ((e = child_page(c, va, flags, &pa)))
				return e;
			if (hi > va + PAGE)
				hi = va + PAGE;
			if (lo < hi)
				phys_write(pa + (lo - va),
				    img + ph->offset + (lo - ph->vaddr),
				    hi - lo);
		}
	}
	*entry = eh->entry;
	return 0;
}

int
child_create(struct child *c, const struct boot_module *m, uint64_t ep,
    uint64_t badge)
{
	uint64_t pa, thread_pa, entry;
	const uint8_t *img;
	int e;

	memset(c, 0, sizeof(*c));
	memcpy(c->name, m->name, sizeof(c->name) - 1);
	c->pd = cap_alloc();
	c->thread = cap_alloc();
	if (!(img = core_attach(m->base & ~(PAGE - 1),
		  (unsigned)((m->size + (m->base & (PAGE - 1)) + PAGE - 1) /
		      PAGE))))
		return -E_NOMEM;
	img += m->base & (PAGE - 1);
	if ((e = child_alloc(c, CHILD_PD_PAGES, &pa)) ||
	    (e = (int)sys_obj_create(KOBJ_PD, c->pd, pa, CHILD_PD_PAGES, 0)))
		goto fail;
	if ((e = load_elf(c, m, img, &entry)))
		goto fail;
	for (unsigned i = 1; i <= CHILD_STACK_PAGES; i++)
		if ((e = child_page(c, STACK_MAIN_TOP - i * PAGE, MAP_W, &pa)))
			goto fail;
	if ((e = child_page(c, UTCB_MAIN, MAP_W, &c->utcb)) ||
	    (e = child_alloc(c, 1, &thread_pa)) ||
	    (e = (int)sys_obj_create(KOBJ_THREAD, c->thread, thread_pa, c->pd,
		 c->utcb)))
		goto fail;
	if (ep &&
	    (e = (int)sys_cap_derive(ep, c->pd, CAP_PARENT,
		 RIGHT_SEND | RIGHT_GRANT, badge)))
		goto fail;
	/* Faults go to the same endpoint, badged so no child can forge one. */
	if (ep) {
		uint64_t f = cap_alloc();

		e = (int)sys_cap_derive(ep, 0, f, RIGHT_SEND,
		    badge | FAULT_BADGE);
		if (!e)
			e = (int)sys_thread_fault(c->thread, f);
		sys_cap_delete(f);
		cap_free(f);
		if (e)
			goto fail;
	}
	c->entry = entry;
	return 0;
fail:
	log_printf("core: cannot create '%s': error %d", m->name, -e);
	child_destroy(c);
	return e;
}

int
child_start(struct child *c, uint64_t arg, unsigned prio, unsigned quota)
{
	long e = sys_thread_sched(c->thread, prio, quota);

	if (!e)
		e = sys_thread_start(c->thread, c->entry, STACK_MAIN_TOP, arg);
	return (int)e;
}

void
child_destroy(struct child *c)
{
	if (c->thread) {
		sys_cap_delete(c->thread);
		cap_free(c->thread);
	}
	if (c->pd) {
		sys_cap_delete(c->pd);
		cap_free(c->pd);
	}
	for (unsigned i = 0; i < c->nallocs; i++)
		frame_free(c->allocs[i].pa, c->allocs[i].n);
	memset(c, 0, sizeof(*c));
}
