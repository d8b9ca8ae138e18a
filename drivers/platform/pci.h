/*
 * PCI configuration space, memory-mapped (ECAM) where ACPI's MCFG names
 * it, else through the legacy mechanism (ports 0xcf8 and 0xcfc): what the
 * platform driver found on the buses, and the accessors its session code
 * needs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <session/platform.h>

#define PCI_DEVICES 32u

#define PCI_COMMAND 0x04u
#define PCI_CMD_IO 0x1u
#define PCI_CMD_MEM 0x2u
#define PCI_CMD_MASTER 0x4u
#define PCI_CMD_INTX_OFF 0x400u

struct pci_bar {
	uint64_t base, size;
	unsigned kind; /* enum platform_bar_kind */
};

struct pci_dev {
	uint8_t bus, slot, fn, irq;
	uint8_t msi, msix; /* offsets of the capabilities, 0: none */
	uint16_t vendor, device, sub_vendor, sub_device;
	uint32_t class; /* class << 16 | subclass << 8 | prog-if */
	struct pci_bar bar[PLATFORM_BARS];
};

/* Memory-mapped configuration space: 1 MiB per bus, 4 KiB per function. */
struct pci_ecam {
	uint64_t base; /* of bus 0, as MCFG gives it */
	unsigned bus_first, bus_last;
};

extern struct pci_dev pci_devs[PCI_DEVICES];
extern unsigned pci_ndevs;

uint32_t pci_read(const struct pci_dev *d, unsigned off);
void pci_write(const struct pci_dev *d, unsigned off, uint32_t v);
/* Sets or clears bits of the command register, leaving status alone. */
void pci_command(const struct pci_dev *d, uint16_t bits, bool on);
/* Uses ECAM for the buses it covers (up to PCI_ECAM_BUSES of them). */
int pci_ecam_use(const struct pci_ecam *ecam);
/* Walks every bus, slot and function; fills pci_devs and logs each. */
void pci_scan(void);
/* ECAM from the ACPI table MCFG (segment 0), read through IO_MEM. */
int acpi_mcfg(struct pci_ecam *ecam);

/* Where an ISA line (or a PCI line in the ISA range) reaches the I/O
 * APIC: the MADT's override, or the same input, edge, active high. */
struct isa_irq {
	uint32_t gsi;
	bool overridden, level, low;
};
int acpi_madt(struct isa_irq isa[16]);

#define PCI_ECAM_BUSES 32u
