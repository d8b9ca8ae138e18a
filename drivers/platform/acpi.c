/*
 * The two ACPI tables the platform driver reads: MCFG, which names the
 * base and bus range of PCI Express' memory-mapped configuration space
 * (ECAM), and the MADT ("APIC"), whose interrupt source overrides say
 * which I/O APIC input an ISA line is wired to and in what mode (PCI
 * devices' lines among them). The tables are reached
 * through core's IO_MEM service, one short-lived session per read: the
 * RSDT or XSDT that core's ROM platform_info or the RSDP in the BIOS area
 * (0xe0000-0xfffff) names, then each table's header until one has the signature
 * asked for.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/io_mem.h>
#include <session/pd.h>

#include "pci.h"

#define PEEK_VA 0x28000000ul /* below the runtime's mappings (1 GiB up) */
#define PEEK_MAX (128u * 1024)
#define BIOS_AREA 0xe0000ul
#define BIOS_AREA_SIZE 0x20000u
#define TABLES_MAX 64u

/* Copies len bytes of physical memory at pa (not RAM) into buf. */
static int
peek(uint64_t pa, void *buf, size_t len)
{
	uint64_t base = pa & ~4095ul, size, cap, id;
	char args[64];
	int e;

	size = (pa + len - base + 4095) & ~4095ul;
	if (!len || size > PEEK_MAX)
		return -E_RANGE;
	fmt_snprintf(args, sizeof(args), "base=0x%lx size=0x%lx", base, size);
	if ((e = session_open_args("IO_MEM", "", args, 0, &cap, &id)))
		return e;
	utcb_self()->msg[0] = PEEK_VA;
	if (!(e = (int)rpc_call(cap, IO_MEM_MAP, 1, CAP_PD, 0, NULL)))
		memcpy(buf, (const void *)(PEEK_VA + (pa - base)), len);
	session_close(cap, id);
	slot_free(cap);
	return e;
}

static uint8_t
checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

/*
 * The root table: as core's ROM platform_info names it (from the RSDP the
 * boot loader passed), else from the RSDP in the BIOS area: "RSD PTR " on
 * a 16-byte boundary, its first 20 bytes summing to 0. *width is the size
 * of the root table's entries: 8 for an XSDT, 4 for an RSDT.
 */
static int
find_root(uint64_t *root, unsigned *width)
{
	static uint8_t area[BIOS_AREA_SIZE];
	struct config info;
	struct config_error err;
	struct config_node acpi;
	const void *data;
	size_t size;
	uint64_t xsdt, rsdt;
	int e;

	if (!rom_attach("platform_info", &data, &size) &&
	    !config_parse(&info, data, size, &err) &&
	    !config_child(config_root(&info), "acpi", &acpi) &&
	    !config_attr_u64(acpi, "xsdt", 0, &xsdt) &&
	    !config_attr_u64(acpi, "rsdt", 0, &rsdt) && (xsdt || rsdt)) {
		*root = xsdt ? xsdt : rsdt;
		*width = xsdt ? 8 : 4;
		log_printf("ACPI root table at 0x%lx, from platform_info",
		    *root);
		return 0;
	}

	if ((e = peek(BIOS_AREA, area, sizeof(area))))
		return e;
	for (size_t off = 0; off + 36 <= sizeof(area); off += 16) {
		const uint8_t *p = area + off;

		if (memcmp(p, "RSD PTR ", 8) || checksum(p, 20))
			continue;
		/* ACPI 2.0 and later name a 64-bit XSDT; 1.0 only the RSDT. */
		xsdt = rsdt = 0;
		if (p[15] >= 2)
			memcpy(&xsdt, p + 24, 8);
		memcpy(&rsdt, p + 16, 4);
		*root = xsdt ? xsdt : rsdt;
		*width = xsdt ? 8 : 4;
		log_printf("ACPI root table at 0x%lx, from the BIOS area",
		    *root);
		return 0;
	}
	return -E_NOENT;
}

/* Copies the table with signature sig (checksummed) into buf. */
static int
acpi_table(const char *sig, uint8_t *buf, unsigned max, unsigned *len)
{
	static uint8_t root[36 + 8 * TABLES_MAX];
	uint8_t hdr[36];
	uint64_t root_pa;
	unsigned width, n;
	int e;

	if ((e = find_root(&root_pa, &width)))
		return e;
	if ((e = peek(root_pa, hdr, 36)))
		return e;
	memcpy(len, hdr + 4, 4);
	if (*len < 36 || *len > sizeof(root))
		return -E_INVAL;
	if ((e = peek(root_pa, root, *len)) || checksum(root, *len))
		return e ? e : -E_INVAL;
	n = (*len - 36) / width;
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = 0;

		memcpy(&pa, root + 36 + i * width, width);
		if ((e = peek(pa, hdr, 36)))
			return e;
		if (memcmp(hdr, sig, 4))
			continue;
		memcpy(len, hdr + 4, 4);
		if (*len < 36 || *len > max)
			return -E_INVAL;
		if ((e = peek(pa, buf, *len)) || checksum(buf, *len))
			return e ? e : -E_INVAL;
		return 0;
	}
	return -E_NOENT;
}

int
acpi_mcfg(struct pci_ecam *ecam)
{
	static uint8_t t[4096];
	unsigned len;
	int e;

	/* Header, 8 reserved bytes, then 16-byte entries. */
	if ((e = acpi_table("MCFG", t, sizeof(t), &len)))
		return e;
	if (len < 44 + 16)
		return -E_INVAL;
	if (t[44 + 8] | t[44 + 9]) /* only PCI segment 0 */
		return -E_NOENT;
	memcpy(&ecam->base, t + 44, 8);
	ecam->bus_first = t[44 + 10];
	ecam->bus_last = t[44 + 11];
	return ecam->bus_last < ecam->bus_first ? -E_INVAL : 0;
}

int
acpi_madt(struct isa_irq isa[16])
{
	static uint8_t t[4096];
	unsigned len;
	int e;

	for (unsigned i = 0; i < 16; i++)
		isa[i] = (struct isa_irq){i, false, false, false};
	/* Header, the local APIC's address and flags, then entries of
	 * type, length, ...; type 2 is an interrupt source override. */
	if ((e = acpi_table("APIC", t, sizeof(t), &len)))
		return e;
	for (unsigned off = 44; off + 2 <= len && t[off + 1] >= 2;
	     off += t[off + 1]) {
		uint32_t gsi;
		uint16_t flags;

		if (t[off] != 2 || t[off + 1] < 10 || off + 10 > len ||
		    t[off + 2] != 0 || t[off + 3] >= 16)
			continue;
		memcpy(&gsi, t + off + 4, 4);
		memcpy(&flags, t + off + 8, 2);
		isa[t[off + 3]] = (struct isa_irq){gsi, true,
		    (flags & 0xc) == 0xc, (flags & 3) == 3};
	}
	return 0;
}
