/*
 * Enumerating PCI: every bus, slot and function through ECAM or
 * configuration mechanism #1, and the size of every BAR by the write-ones
 * probe, done with the device's decoding switched off so that the probe value
 * is never decoded as an address.
 */
#include <base/error.h>
#include <base/io.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/io_mem.h>
#include <session/pd.h>

#include "pci.h"

#define PCI_ADDR 0xcf8u
#define PCI_DATA 0xcfcu

#define ECAM_VA 0x20000000ul /* below the runtime's mappings */

struct pci_dev pci_devs[PCI_DEVICES];
unsigned pci_ndevs;
/* The buses ECAM reaches, mapped at ECAM_VA from bus ecam_first on. */
static unsigned ecam_first, ecam_count;

int
pci_ecam_use(const struct pci_ecam *ecam)
{
	uint64_t cap, id, size;
	char args[64];
	int e;

	ecam_count = ecam->bus_last - ecam->bus_first + 1;
	if (ecam_count > PCI_ECAM_BUSES)
		ecam_count = PCI_ECAM_BUSES;
	size = (uint64_t)ecam_count << 20;
	fmt_snprintf(args, sizeof(args), "base=0x%lx size=0x%lx",
	    ecam->base + ((uint64_t)ecam->bus_first << 20), size);
	if (!(e = session_open_args("IO_MEM", "", args, 0, &cap, &id))) {
		utcb_self()->msg[0] = ECAM_VA;
		e = (int)rpc_call(cap, IO_MEM_MAP, 1, CAP_PD, 0, NULL);
	}
	if (e) {
		ecam_count = 0;
		return e;
	}
	ecam_first = ecam->bus_first;
	return 0;
}

/* The 32-bit register of the function, if ECAM reaches its bus. */
static volatile uint32_t *
ecam_reg(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
	if (bus < ecam_first || bus - ecam_first >= ecam_count)
		return NULL;
	return (volatile uint32_t *)(ECAM_VA +
	    ((uint64_t)(bus - ecam_first) << 20 | slot << 15 | fn << 12 |
		(off & 0xffc)));
}

static uint32_t
addr(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
	return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t
read_at(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
	volatile uint32_t *r = ecam_reg(bus, slot, fn, off);

	if (r)
		return *r;
	if (off >= 0x100)
		return 0xffffffffu; /* beyond what the ports reach */
	outl(PCI_ADDR, addr(bus, slot, fn, off));
	return inl(PCI_DATA);
}

uint32_t
pci_read(const struct pci_dev *d, unsigned off)
{
	return read_at(d->bus, d->slot, d->fn, off);
}

void
pci_write(const struct pci_dev *d, unsigned off, uint32_t v)
{
	volatile uint32_t *r = ecam_reg(d->bus, d->slot, d->fn, off);

	if (r) {
		*r = v;
	} else if (off < 0x100) {
		outl(PCI_ADDR, addr(d->bus, d->slot, d->fn, off));
		outl(PCI_DATA, v);
	}
}

void
pci_command(const struct pci_dev *d, uint16_t bits, bool on)
{
	uint16_t cmd = (uint16_t)pci_read(d, PCI_COMMAND);

	cmd = on ? (uint16_t)(cmd | bits) : (uint16_t)(cmd & ~bits);
	/* Status bits are write-one-to-clear: write zeros there. */
	pci_write(d, PCI_COMMAND, cmd);
}

/* Returns how many BAR registers the BAR at index i used (1 or 2). */
static unsigned
probe_bar(struct pci_dev *d, unsigned i, unsigned nbars)
{
	unsigned off = 0x10 + 4 * i;
	uint32_t lo = pci_read(d, off), mask;
	struct pci_bar *b = &d->bar[i];

	pci_write(d, off, 0xffffffffu);
	mask = pci_read(d, off);
	pci_write(d, off, lo);
	if (lo & 1) {
		mask &= 0xfffcu;
		if (mask) {
			b->kind = PLATFORM_BAR_IO;
			b->base = lo & 0xfffcu;
			b->size = (~mask + 1) & 0xffffu;
		}
		return 1;
	}
	if (((lo >> 1) & 3) == 2 && i + 1 < nbars) {
		uint32_t hi = pci_read(d, off + 4), mask_hi;
		uint64_t m;

		pci_write(d, off + 4, 0xffffffffu);
		mask_hi = pci_read(d, off + 4);
		pci_write(d, off + 4, hi);
		m = (uint64_t)mask_hi << 32 | (mask & ~0xfu);
		if (m) {
			b->kind = PLATFORM_BAR_MEM;
			b->base = (uint64_t)hi << 32 | (lo & ~0xfu);
			b->size = ~m + 1;
		}
		b->kind |= lo & 8 ? PLATFORM_BAR_PREFETCH : 0;
		return 2;
	}
	mask &= ~0xfu;
	if (mask) {
		b->kind =
		    PLATFORM_BAR_MEM | (lo & 8 ? PLATFORM_BAR_PREFETCH : 0);
		b->base = lo & ~0xfu;
		b->size = (uint32_t)(~mask + 1);
	}
	return 1;
}

static void
log_dev(const struct pci_dev *d)
{
	char irq[8] = "none";

	if (d->irq != PLATFORM_NO_IRQ)
		fmt_snprintf(irq, sizeof(irq), "%u", d->irq);
	log_printf("%02x:%02x.%x %04x:%04x class %06x irq %s", d->bus, d->slot,
	    d->fn, d->vendor, d->device, d->class, irq);
	for (unsigned i = 0; i < PLATFORM_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if ((b->kind & 0xff) == PLATFORM_BAR_NONE)
			continue;
		log_printf("  BAR%u %s 0x%lx size 0x%lx%s", i,
		    (b->kind & 0xff) == PLATFORM_BAR_IO ? "io" : "mem", b->base,
		    b->size,
		    b->kind & PLATFORM_BAR_PREFETCH ? " prefetchable" : "");
	}
	if (d->msi)
		log_printf("  MSI at 0x%02x", d->msi);
	if (d->msix)
		log_printf("  MSI-X at 0x%02x, %u vectors", d->msix,
		    (pci_read(d, d->msix) >> 16 & 0x7ff) + 1);
	/* PCI Express capabilities past 0x100 exist only through ECAM. */
	for (unsigned off = 0x100, n = 0; off && n < 48; n++) {
		uint32_t h = pci_read(d, off);

		if (!h || h == 0xffffffffu)
			break;
		log_printf("  extended capability 0x%04x at 0x%03x", h & 0xffff,
		    off);
		off = h >> 20 & 0xffc;
	}
}

static void
add(unsigned bus, unsigned slot, unsigned fn, uint32_t id)
{
	struct pci_dev *d;
	unsigned header, nbars, i;
	uint16_t cmd;

	if (pci_ndevs == PCI_DEVICES) {
		log_printf("more than %u devices: %02x:%02x.%x ignored",
		    PCI_DEVICES, bus, slot, fn);
		return;
	}
	d = &pci_devs[pci_ndevs++];
	d->bus = (uint8_t)bus;
	d->slot = (uint8_t)slot;
	d->fn = (uint8_t)fn;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->class = pci_read(d, 0x08) >> 8;
	header = (pci_read(d, 0x0c) >> 16) & 0x7f;
	nbars = header == 0 ? 6 : header == 1 ? 2 : 0;
	d->irq = PLATFORM_NO_IRQ;
	if (header == 0) {
		uint32_t sub = pci_read(d, 0x2c), intr = pci_read(d, 0x3c);

		d->sub_vendor = (uint16_t)sub;
		d->sub_device = (uint16_t)(sub >> 16);
		/* A line is meaningful only if the device has a pin. */
		if ((intr >> 8) & 0xff && (intr & 0xff) < 16)
			d->irq = (uint8_t)intr;
	}
	/* The capability list, if the status register says there is one:
	 * MSI (0x05) and MSI-X (0x11). */
	if (pci_read(d, PCI_COMMAND) >> 16 & 0x10)
		for (unsigned off = pci_read(d, 0x34) & 0xfc, n = 0;
		     off >= 0x40 && n < 48; n++) {
			uint32_t h = pci_read(d, off);

			if ((h & 0xff) == 0x05)
				d->msi = (uint8_t)off;
			if ((h & 0xff) == 0x11)
				d->msix = (uint8_t)off;
			off = (h >> 8) & 0xfc;
		}
	cmd = (uint16_t)pci_read(d, PCI_COMMAND);
	pci_command(d, PCI_CMD_IO | PCI_CMD_MEM, false);
	for (i = 0; i < nbars;)
		i += probe_bar(d, i, nbars);
	/*
	 * No device masters the bus until the platform hands it to a driver
	 * that asks; a bridge keeps it, to pass its devices' DMA upstream.
	 */
	if (header == 0)
		cmd = (uint16_t)(cmd & ~PCI_CMD_MASTER);
	pci_write(d, PCI_COMMAND, cmd);
	log_dev(d);
}

void
pci_scan(void)
{
	for (unsigned bus = 0; bus < 256; bus++) {
		for (unsigned slot = 0; slot < 32; slot++) {
			uint32_t id = read_at(bus, slot, 0, 0);
			unsigned fns;

			if ((id & 0xffff) == 0xffff)
				continue;
			fns =
			    (read_at(bus, slot, 0, 0x0c) >> 16) & 0x80 ? 8 : 1;
			for (unsigned fn = 0; fn < fns; fn++) {
				if (fn)
					id = read_at(bus, slot, fn, 0);
				if ((id & 0xffff) != 0xffff)
					add(bus, slot, fn, id);
			}
		}
	}
	log_printf("%u PCI devices", pci_ndevs);
}
