/* Validating a static ELF64 executable and walking its loadable segments. */
#include <base/elf.h>
#include <base/error.h>
#include <base/string.h>
#include <kernel/abi.h>

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

#define PT_LOAD 1
#define ET_EXEC 2
#define EM_X86_64 62

int
elf_load(const uint8_t *img, size_t size, uint64_t limit,
    int (*fn)(void *ctx, const struct elf_segment *seg), void *ctx,
    uint64_t *entry, const char **why)
{
	struct elf_header eh;
	int e;

	*why = NULL;
	if (size < sizeof(eh))
		goto bad_header;
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.ident, "\177ELF\2\1", 6) || eh.type != ET_EXEC ||
	    eh.machine != EM_X86_64 ||
	    eh.phentsize != sizeof(struct elf_phdr) || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct elf_phdr) > size - eh.phoff)
		goto bad_header;
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < eh.phnum; i++) {
			struct elf_phdr ph;
			struct elf_segment seg;

			memcpy(&ph, img + eh.phoff + i * sizeof(ph),
			    sizeof(ph));
			if (ph.type != PT_LOAD)
				continue;
			if (ph.offset > size || ph.filesz > size - ph.offset ||
			    ph.filesz > ph.memsz || ph.vaddr >= limit ||
			    ph.memsz > limit - ph.vaddr) {
				*why = "a segment lies outside the file or the "
				       "address space";
				return -E_INVAL;
			}
			if (pass == 0)
				continue; /* check all before loading any */
			seg.vaddr = ph.vaddr;
			seg.memsz = ph.memsz;
			seg.data = img + ph.offset;
			seg.filesz = ph.filesz;
			seg.flags = ((ph.flags & 1) ? MAP_X : 0) |
			    ((ph.flags & 2) ? MAP_W : 0);
			if ((e = fn(ctx, &seg)))
				return e;
		}
	}
	*entry = eh.entry;
	return 0;
bad_header:
	*why = "not an x86_64 ELF executable";
	return -E_INVAL;
}
