/*
 * Boot: read what the loader passed, set up the CPU, memory and interrupts,
 * build the root task (core) from the first boot module, and start it. The
 * kernel allocates memory only here, for itself and for the root task;
 * every later allocation is core's, from the RAM it is given in boot_info.
 */
#include "kernel.h"

#include <base/elf.h>

#define ROOT_CAP_PAGES 16u

extern char _kernel_start[], _kernel_end[];
static struct boot_info bi;
static uint64_t phys_top;

bool
kernel_image(uint64_t pa)
{
	return pa >= (uint64_t)_kernel_start - KERNEL_VMA &&
	    pa < (uint64_t)_kernel_end - KERNEL_VMA;
}

/* Memory the kernel can reach through the direct map, outside its image. */
bool
phys_ok(uint64_t pa, uint64_t size)
{
	uint64_t ks = (uint64_t)_kernel_start - KERNEL_VMA;
	uint64_t ke = (uint64_t)_kernel_end - KERNEL_VMA;

	return pa + size > pa && pa + size <= phys_top &&
	    (pa + size <= ks || pa >= ke);
}

/* Take [base, base + size) out of the free RAM list. */
static void
mem_reserve(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	for (unsigned i = 0; i < bi.nfree; i++) {
		struct boot_mem *m = &bi.free[i];
		uint64_t mend = m->base + m->size;

		if (end <= m->base || base >= mend)
			continue;
		if (base > m->base && end < mend && bi.nfree < BOOT_MEM_MAX) {
			bi.free[bi.nfree].base = end;
			bi.free[bi.nfree++].size = mend - end;
		}
		if (base > m->base) {
			m->size = base - m->base;
		} else {
			m->base = end < mend ? end : mend;
			m->size = mend - m->base;
		}
	}
}

/* Boot-time pages from the first GiB, which the boot tables map. */
uint64_t
boot_alloc(uint64_t pages)
{
	for (unsigned i = 0; i < bi.nfree; i++) {
		struct boot_mem *m = &bi.free[i];

		if (m->size >= pages * PAGE_SIZE &&
		    m->base + pages * PAGE_SIZE <= (1ull << 30)) {
			uint64_t pa = m->base;

			m->base += pages * PAGE_SIZE;
			m->size -= pages * PAGE_SIZE;
			return pa;
		}
	}
	panic("boot: out of memory for %lu pages", pages);
}

static void
root_map(struct pd *pd, uint64_t va, uint64_t pa, unsigned flags)
{
	int e;

	while ((e = mmu_map(pd, va, pa, flags)) == -E_NOTABLE)
		mmu_map_table(pd, va, boot_alloc(1));
	assert(e == 0);
}

static uint64_t
root_page(struct pd *pd, uint64_t va, unsigned flags)
{
	uint64_t pa = boot_alloc(1);

	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	root_map(pd, va, pa, flags);
	return pa;
}

static int
root_segment(void *ctx, const struct elf_segment *seg)
{
	struct pd *pd = ctx;

	for (uint64_t va = seg->vaddr & ~PAGE_MASK;
	     va < seg->vaddr + seg->memsz; va += PAGE_SIZE) {
		uint8_t *page = phys_to_virt(root_page(pd, va, seg->flags));
		uint64_t lo = va > seg->vaddr ? va : seg->vaddr;
		uint64_t hi = seg->vaddr + seg->filesz;

		if (hi > va + PAGE_SIZE)
			hi = va + PAGE_SIZE;
		if (lo < hi)
			memcpy(page + (lo - va), seg->data + (lo - seg->vaddr),
			    hi - lo);
	}
	return 0;
}

/* Load the root task's static ELF image; panic on a malformed one. */
static uint64_t
root_load(struct pd *pd, const struct boot_module *m)
{
	uint64_t entry;
	const char *why;

	if (elf_load(phys_to_virt(m->base), m->size, ROOT_INFO_VA, root_segment,
		pd, &entry, &why))
		panic("boot: module '%s': %s", m->name, why);
	return entry;
}

static void
root_start(void)
{
	struct pd *pd =
	    pd_boot_create(boot_alloc(2 + ROOT_CAP_PAGES), 2 + ROOT_CAP_PAGES);
	uint64_t utcb = root_page(pd, ROOT_UTCB_VA, MAP_W);
	struct thread *t =
	    thread_boot_create(pd, boot_alloc(1), utcb, ROOT_UTCB_VA);
	uint64_t info = boot_alloc(1);

	root_map(pd, ROOT_INFO_VA, info, 0);
	for (unsigned i = 1; i <= ROOT_STACK_PAGES; i++)
		root_page(pd, ROOT_STACK_TOP - i * PAGE_SIZE, MAP_W);
	t->regs.rip = root_load(pd, &bi.mods[0]);
	t->regs.rsp = ROOT_STACK_TOP;
	t->regs.rdi = ROOT_INFO_VA;

	/* Last: the free list is final now. */
	bi.magic = BOOT_INFO_MAGIC;
	bi.tsc_khz = apic_tsc_khz();
	bi.msi_address = apic_msi_address();
	bi.caps = pd->ncaps;
	memcpy(phys_to_virt(info), &bi, sizeof(bi));
	sched_set(t, PRIORITY_MAX / 2, QUOTA_FULL / 4);
	sched_ready(t);
}

void kmain(uint32_t magic, uint64_t info);
void
kmain(uint32_t magic, uint64_t info)
{
	bool vga;
	uint64_t total = 0;

	multiboot_parse(magic, info, &bi, &vga);
	console_init(vga);
	kprintf("Bulkhead kernel, booted by multiboot%u\n",
	    magic == 0x2badb002 ? 1 : 2);
	for (unsigned i = 0; i < bi.nfree; i++)
		if (bi.free[i].base + bi.free[i].size > phys_top)
			phys_top = bi.free[i].base + bi.free[i].size;
	if (phys_top < (4ull << 30))
		phys_top = 4ull << 30;
	mem_reserve(0, 0x100000);
	mem_reserve((uint64_t)_kernel_start - KERNEL_VMA,
	    (uint64_t)(_kernel_end - _kernel_start));
	for (unsigned i = 0; i < bi.nmods; i++)
		mem_reserve(bi.mods[i].base & ~PAGE_MASK,
		    bi.mods[i].size + (bi.mods[i].base & PAGE_MASK));
	unsigned n = 0;

	for (unsigned i = 0; i < bi.nfree; i++) {
		uint64_t b = (bi.free[i].base + PAGE_MASK) & ~PAGE_MASK;
		uint64_t e = (bi.free[i].base + bi.free[i].size) & ~PAGE_MASK;

		if (e <= b)
			continue;
		bi.free[n] = (struct boot_mem){b, e - b};
		total += e - b;
		kprintf("memory: %lx-%lx free\n", b, e);
		n++;
	}
	bi.nfree = n;
	kprintf("memory: %lu KiB free in %u regions\n", total / 1024, bi.nfree);
	for (unsigned i = 0; i < bi.nmods; i++)
		kprintf("module %u: %s at %lx, %lu bytes\n", i, bi.mods[i].name,
		    bi.mods[i].base, bi.mods[i].size);
	if (bi.cmdline[0])
		kprintf("command line: %s\n", bi.cmdline);
	mmu_init(&bi);
	cpu_init();
	sched_init();
	apic_init();
	if (bi.nmods == 0) {
		kprintf("kernel: no root task module, nothing to run\n");
		cpu_poweroff(1);
	}
	root_start();
	sched_exit();
}
