/*
 * Enumerating PCI: every bus, slot and function through configuration
 * mechanism #1, and the size of every BAR by the write-ones probe, done
 * with the device's decoding switched off so that the probe value is
 * never decoded as an address.
 */
#include <base/io.h>
#include <base/log.h>

#include "pci.h"

#define PCI_ADDR 0xcf8u
#define PCI_DATA 0xcfcu

struct pci_dev pci_devs[PCI_DEVICES];
unsigned pci_ndevs;

static uint32_t
addr(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
	return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t
read_at(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
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
	outl(PCI_ADDR, addr(d->bus, d->slot, d->fn, off));
	outl(PCI_DATA, v);
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
	cmd = (uint16_t)pci_read(d, PCI_COMMAND);
	pci_command(d, PCI_CMD_IO | PCI_CMD_MEM, false);
	for (i = 0; i < nbars;)
		i += probe_bar(d, i, nbars);
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
