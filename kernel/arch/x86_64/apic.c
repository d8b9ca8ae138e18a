/*
 * Interrupt hardware: the local APIC timer drives the scheduler's tick
 * (calibrated against PIT channel 2); the I/O APIC at its standard address
 * delivers the GSIs, input g as vector 32 + g, and devices write MSIs
 * straight to the local APIC. The 8259 PICs are masked for good.
 */
#include "kernel.h"

#define PIC1 0x20
#define PIC2 0xa0
#define IOAPIC_PA 0xfec00000ull
#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define PIT_HZ 1193182u
#define CALIBRATE_MS 10u
#define RTE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

static volatile uint32_t *lapic, *ioapic;
static uint32_t rte[IRQ_GSI_MAX]; /* low words of the redirection entries */
static unsigned gsis, apic_id;
static uint64_t tsc_khz;

static uint32_t
lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void
lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static void
ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

/* Remapped away from the exceptions, then every line masked. */
static void
pic_off(void)
{
	static const uint8_t init[] = {0x11, 32, 4, 1, 0x11, 40, 2, 1};

	for (unsigned i = 0; i < 4; i++) {
		outb(i ? PIC1 + 1 : PIC1, init[i]);
		outb(i ? PIC2 + 1 : PIC2, init[4 + i]);
	}
	outb(PIC1 + 1, 0xff);
	outb(PIC2 + 1, 0xff);
}

static void
ioapic_init(void)
{
	ioapic = phys_to_virt(IOAPIC_PA);
	ioapic[0] = 1; /* version: the highest entry in bits 16..23 */
	gsis = ((ioapic[4] >> 16) & 0xff) + 1;
	if (gsis > IRQ_GSI_MAX)
		gsis = IRQ_GSI_MAX;
	for (unsigned g = 0; g < gsis; g++)
		irq_gsi_route(g, 0, true);
}

unsigned
irq_gsis(void)
{
	return gsis;
}

/* Input g to this CPU as vector 32 + g, in the mode IRQ_LEVEL/IRQ_LOW. */
void
irq_gsi_route(unsigned g, unsigned mode, bool masked)
{
	rte[g] = (32 + g) | (mode & IRQ_LEVEL ? RTE_LEVEL : 0) |
	    (mode & IRQ_LOW ? RTE_LOW : 0);
	ioapic_write(0x11 + 2 * g, apic_id << 24);
	irq_gsi_mask(g, masked);
}

void
irq_gsi_mask(unsigned g, bool masked)
{
	rte[g] = masked ? rte[g] | RTE_MASKED : rte[g] & ~RTE_MASKED;
	ioapic_write(0x10 + 2 * g, rte[g]);
}

/* Count LAPIC timer ticks and TSC cycles over CALIBRATE_MS of the PIT. */
static uint32_t
calibrate(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                       /* channel 2, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = rdtsc();

	while (!(inb(0x61) & 0x20))
		;
	uint32_t ticks = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);

	tsc_khz = (rdtsc() - t0) / CALIBRATE_MS;
	return ticks / CALIBRATE_MS;
}

void
apic_init(void)
{
	pic_off();
	lapic = phys_to_virt(rdmsr(MSR_APIC_BASE) & ~0xfffull);
	lapic_write(LAPIC_SVR, 0x100 | 0xff);
	apic_id = lapic_read(LAPIC_ID) >> 24;
	ioapic_init();

	uint32_t per_ms = calibrate();

	lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | (1u << 17)); /* periodic */
	lapic_write(LAPIC_TIMER_INIT, per_ms * TICK_US / 1000);
	kprintf("apic: timer %u ticks/ms, TSC %lu kHz, tick %u us, "
		"I/O APIC %u inputs\n",
	    per_ms, tsc_khz, TICK_US, gsis);
}

uint64_t
apic_tsc_khz(void)
{
	return tsc_khz;
}

void
apic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* An MSI to this address reaches this CPU (physical destination). */
uint64_t
apic_msi_address(void)
{
	return 0xfee00000ull | (uint64_t)apic_id << 12;
}
