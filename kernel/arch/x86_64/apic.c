/*
 * Interrupt hardware: the local APIC timer drives the scheduler's tick
 * (calibrated against PIT channel 2), and the 8259 PICs deliver the 16 ISA
 * and PCI interrupt lines, each masked from its arrival until the driver
 * acknowledges it.
 */
#include "kernel.h"

#define PIC1 0x20
#define PIC2 0xa0
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define TIMER_VECTOR 48
#define PIT_HZ 1193182u
#define CALIBRATE_MS 10u

static volatile uint32_t *lapic;
static uint16_t pic_mask = 0xffff & ~(1u << 2); /* cascade open */
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
pic_init(void)
{
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, 32); /* vectors 32..39 */
	outb(PIC2 + 1, 40); /* vectors 40..47 */
	outb(PIC1 + 1, 4);
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1);
	outb(PIC2 + 1, 1);
	outb(PIC1 + 1, (uint8_t)pic_mask);
	outb(PIC2 + 1, (uint8_t)(pic_mask >> 8));
}

void
irq_line_mask(unsigned line, bool masked)
{
	if (masked)
		pic_mask |= (uint16_t)(1u << line);
	else
		pic_mask &= (uint16_t) ~(1u << line);
	if (line < 8)
		outb(PIC1 + 1, (uint8_t)pic_mask);
	else
		outb(PIC2 + 1, (uint8_t)(pic_mask >> 8));
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
	pic_init();
	lapic = phys_to_virt(rdmsr(MSR_APIC_BASE) & ~0xfffull);
	lapic_write(LAPIC_SVR, 0x100 | 0xff);

	uint32_t per_ms = calibrate();

	lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | (1u << 17)); /* periodic */
	lapic_write(LAPIC_TIMER_INIT, per_ms * TICK_US / 1000);
	kprintf("apic: timer %u ticks/ms, TSC %lu kHz, tick %u us\n", per_ms,
	    tsc_khz, TICK_US);
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

/* A PIC line fired: mask it until the driver acks, and tell the PIC. */
void
pic_irq(unsigned line)
{
	if (line == 7 || line == 15) {
		uint8_t port = line == 7 ? PIC1 : PIC2;

		outb(port, 0x0b);          /* read the in-service register */
		if (!(inb(port) & 0x80)) { /* spurious */
			if (line == 15)
				outb(PIC1, 0x20);
			return;
		}
	}
	irq_line_mask(line, true);
	if (line >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
	irq_raise(line);
}
