/*
 * Page tables. The kernel half of every address space is the same: the
 * kernel image at KERNEL_VMA and a direct map of physical memory at
 * DIRECT_MAP, both supervisor-only. The user half of a PD is built by core
 * alone, one page and one page table at a time, from memory core owns:
 * the kernel never allocates a page table itself after boot.
 */
#include "kernel.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)
#define MIB2 (1ull << 21)

static uint64_t master_pml4;
static uint64_t nx;

extern char _kernel_end[];

static uint64_t *
table(uint64_t pa)
{
	return phys_to_virt(pa & PTE_ADDR);
}

static bool
is_ram(const struct boot_info *bi, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < bi->nfree; i++)
		if (base < bi->free[i].base + bi->free[i].size &&
		    bi->free[i].base < base + size)
			return true;
	return base <
	    0x100000; /* low memory: BIOS and VGA, as the BIOS set it */
}

static uint64_t
boot_table(void)
{
	uint64_t pa = boot_alloc(1);

	memset((void *)(pa + KERNEL_VMA), 0, PAGE_SIZE);
	return pa;
}

/*
 * Builds the kernel half while the boot tables still map the first GiB at
 * KERNEL_VMA, so new tables are written through that window. Boot
 * allocations therefore come from the first GiB.
 */
void
mmu_init(const struct boot_info *bi)
{
	uint64_t top = 4 * GIB;
	uint32_t r[4];

	cpuid(0x80000001, r);
	nx = (r[3] & (1u << 20)) ? PTE_NX : 0;
	for (unsigned i = 0; i < bi->nfree; i++)
		if (bi->free[i].base + bi->free[i].size > top)
			top = bi->free[i].base + bi->free[i].size;
	if (top > 512 * GIB)
		top = 512 * GIB;

	master_pml4 = boot_table();
	uint64_t *pml4 = (uint64_t *)(master_pml4 + KERNEL_VMA);
	uint64_t dpdpt = boot_table();

	pml4[256] = dpdpt | PTE_P | PTE_W;
	for (uint64_t g = 0; g < top; g += GIB) {
		uint64_t pd = boot_table();
		uint64_t *pdv = (uint64_t *)(pd + KERNEL_VMA);

		((uint64_t *)(dpdpt + KERNEL_VMA))[g / GIB] =
		    pd | PTE_P | PTE_W;
		for (uint64_t m = 0; m < 512; m++) {
			uint64_t pa = g + m * MIB2;
			uint64_t attr =
			    is_ram(bi, pa, MIB2) ? 0 : PTE_PCD | PTE_PWT;

			pdv[m] =
			    pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx | attr;
		}
	}

	/* The kernel image, executable, at KERNEL_VMA. */
	uint64_t kpdpt = boot_table(), kpd = boot_table();
	uint64_t end = (uint64_t)_kernel_end - KERNEL_VMA;

	pml4[511] = kpdpt | PTE_P | PTE_W;
	((uint64_t *)(kpdpt + KERNEL_VMA))[510] = kpd | PTE_P | PTE_W;
	for (uint64_t pa = 0; pa < end; pa += MIB2)
		((uint64_t *)(kpd + KERNEL_VMA))[pa / MIB2] =
		    pa | PTE_P | PTE_W | PTE_PS | PTE_G;

	__asm__ volatile("mov %0, %%cr3" : : "r"(master_pml4) : "memory");
	cpu0.cr3 = master_pml4;
}

void
mmu_pd_init(struct pd *pd, uint64_t pml4)
{
	uint64_t *t = phys_to_virt(pml4);

	memset(t, 0, PAGE_SIZE / 2);
	memcpy(t + 256, table(master_pml4) + 256, PAGE_SIZE / 2);
	pd->pml4 = pml4;
}

/* The entry for va at the last level, or NULL and the missing level. */
static uint64_t *
walk(struct pd *pd, uint64_t va, uint64_t **missing)
{
	uint64_t *t = table(pd->pml4);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_P)) {
			*missing = e;
			return NULL;
		}
		t = table(*e);
	}
	return &t[(va >> 12) & 511];
}

static int
check_va(uint64_t va)
{
	return (va & PAGE_MASK) || va >= USER_TOP ? -E_INVAL : 0;
}

static void
flush(struct pd *pd, uint64_t va)
{
	if (cpu0.cr3 == pd->pml4)
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

int
mmu_map(struct pd *pd, uint64_t va, uint64_t pa, unsigned flags)
{
	uint64_t *missing = NULL, *e;

	if (check_va(va) || (pa & PAGE_MASK) || (pa & ~PTE_ADDR) ||
	    (flags & ~(MAP_W | MAP_X | MAP_UC | MAP_WC)))
		return -E_INVAL;
	if (!(e = walk(pd, va, &missing)))
		return -E_NOTABLE;

	uint64_t pte = pa | PTE_P | PTE_U;

	if (flags & MAP_W)
		pte |= PTE_W;
	if (!(flags & MAP_X))
		pte |= nx;
	if (flags & MAP_UC)
		pte |= PTE_PCD | PTE_PWT;
	else if (flags & MAP_WC)
		pte |= PTE_PWT; /* PAT entry 1 is write-combining (cpu.c) */
	bool was = *e & PTE_P;

	*e = pte;
	if (was)
		flush(pd, va);
	return 0;
}

int
mmu_map_table(struct pd *pd, uint64_t va, uint64_t pa)
{
	uint64_t *missing = NULL;

	if (check_va(va) || (pa & PAGE_MASK) || (pa & ~PTE_ADDR))
		return -E_INVAL;
	if (walk(pd, va, &missing))
		return -E_EXISTS;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*missing = pa | PTE_P | PTE_W | PTE_U;
	return 0;
}

int
mmu_unmap(struct pd *pd, uint64_t va)
{
	uint64_t *missing = NULL, *e;

	if (check_va(va))
		return -E_INVAL;
	if (!(e = walk(pd, va, &missing)) || !(*e & PTE_P))
		return -E_NOENT;
	*e = 0;
	flush(pd, va);
	return 0;
}

void
mmu_pd_destroy(struct pd *pd)
{
	if (cpu0.cr3 == pd->pml4) {
		__asm__ volatile("mov %0, %%cr3"
				 :
				 : "r"(master_pml4)
				 : "memory");
		cpu0.cr3 = master_pml4;
	}
}
