/*
 * Reads the boot information of multiboot1 (QEMU -kernel) and multiboot2
 * (GRUB) into the one struct boot_info that the rest of the kernel and the
 * root task use: RAM regions, modules, command line, frame buffer, RSDP.
 */
#include "kernel.h"

#define MB1_BOOT_MAGIC 0x2badb002
#define MB2_BOOT_MAGIC 0x36d76289

static void
copy_str(char *dst, const char *src, size_t max)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < max; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

/* A module's name: the basename of the first word of its command line. */
static void
module_add(struct boot_info *bi, uint64_t start, uint64_t end, const char *s)
{
	if (bi->nmods == BOOT_MOD_MAX) {
		kprintf("boot: more than %u modules, ignoring the rest\n",
		    BOOT_MOD_MAX);
		return;
	}
	struct boot_module *m = &bi->mods[bi->nmods++];
	const char *base = s;

	for (const char *p = s; p && *p && *p != ' '; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = 0;

	while (base && base[n] && base[n] != ' ' && n + 1 < BOOT_NAME_MAX)
		n++;
	copy_str(m->name, base, n + 1);
	m->base = start;
	m->size = end - start;
}

static void
ram_add(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type)
{
	if (type != 1 || size == 0)
		return;
	if (bi->nfree == BOOT_MEM_MAX) {
		kprintf("boot: more than %u RAM regions, ignoring the rest\n",
		    BOOT_MEM_MAX);
		return;
	}
	bi->free[bi->nfree].base = base;
	bi->free[bi->nfree++].size = size;
	bi->ram[bi->nram].base = base;
	bi->ram[bi->nram++].size = size;
}

static const void *
low(uint64_t pa)
{
	return (const void *)(pa + KERNEL_VMA);
}

static void
mb1_parse(uint64_t info, struct boot_info *bi, bool *vga_text)
{
	const uint32_t *mb = low(info);
	uint32_t flags = mb[0];

	if (flags & (1 << 2))
		copy_str(bi->cmdline, low(mb[4]), BOOT_CMDLINE_MAX);
	if (flags & (1 << 3)) {
		const uint32_t *mod = low(mb[6]);

		for (uint32_t i = 0; i < mb[5]; i++, mod += 4)
			module_add(bi, mod[0], mod[1], low(mod[2]));
	}
	if (flags & (1 << 6)) {
		const uint8_t *p = low(mb[12]), *end = p + mb[11];

		for (; p < end; p += *(const uint32_t *)p + 4) {
			uint64_t base = *(const uint64_t *)(p + 4);
			uint64_t len = *(const uint64_t *)(p + 12);

			ram_add(bi, base, len, *(const uint32_t *)(p + 20));
		}
	}
	*vga_text = !(flags & (1 << 12)) || ((const uint8_t *)mb)[109] == 2;
}

static void
mb2_parse(uint64_t info, struct boot_info *bi)
{
	const uint8_t *p = low(info), *end = p + *(const uint32_t *)p;

	for (p += 8; p < end;) {
		uint32_t type = *(const uint32_t *)p;
		uint32_t size = *(const uint32_t *)(p + 4);

		if (type == 0)
			break;
		if (type == 1) {
			copy_str(bi->cmdline, (const char *)p + 8,
			    BOOT_CMDLINE_MAX);
		} else if (type == 3) {
			module_add(bi, *(const uint32_t *)(p + 8),
			    *(const uint32_t *)(p + 12), (const char *)p + 16);
		} else if (type == 6) {
			uint32_t esize = *(const uint32_t *)(p + 8);

			for (const uint8_t *e = p + 16; e < p + size;
			     e += esize)
				ram_add(bi, *(const uint64_t *)e,
				    *(const uint64_t *)(e + 8),
				    *(const uint32_t *)(e + 16));
		} else if (type == 8 && p[29] == 1) {
			bi->fb.base = *(const uint64_t *)(p + 8);
			bi->fb.pitch = *(const uint32_t *)(p + 16);
			bi->fb.width = *(const uint32_t *)(p + 20);
			bi->fb.height = *(const uint32_t *)(p + 24);
			bi->fb.bpp = p[28];
		} else if (type == 14 || type == 15) {
			memcpy(bi->rsdp, p + 8, size - 8 < 36 ? size - 8 : 36);
		}
		p += (size + 7) & ~7u;
	}
}

void
multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi,
    bool *vga_text)
{
	*vga_text = false;
	if (magic == MB1_BOOT_MAGIC)
		mb1_parse(info, bi, vga_text);
	else if (magic == MB2_BOOT_MAGIC)
		mb2_parse(info, bi);
	else
		panic("boot: unknown loader magic %x", magic);
}
