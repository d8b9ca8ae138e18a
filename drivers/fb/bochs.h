/*
 * The Bochs VBE ("dispi") display registers, as QEMU's -vga std offers
 * them through I/O ports 0x1ce/0x1cf and -device bochs-display (and
 * -vga std too) as 16-bit MMIO registers at BAR2 + 0x500.
 */
#pragma once

#include <stdint.h>

enum dispi_index {
	DISPI_ID = 0,
	DISPI_XRES = 1,
	DISPI_YRES = 2,
	DISPI_BPP = 3,
	DISPI_ENABLE = 4,
	DISPI_VIRT_WIDTH = 6,
	DISPI_VIRT_HEIGHT = 7,
	DISPI_X_OFFSET = 8,
	DISPI_Y_OFFSET = 9,
};

#define DISPI_ID_MIN 0xb0c0u
#define DISPI_ID_MAX 0xb0c5u
#define DISPI_ENABLED 0x01u
#define DISPI_LFB 0x40u
#define DISPI_IO_BASE 0x1ceu
#define DISPI_MMIO_OFFSET 0x500u

/* Where the registers are: I/O ports (mmio NULL) or mapped MMIO. */
struct dispi {
	volatile uint16_t *mmio;
};

uint16_t dispi_read(const struct dispi *d, unsigned index);
void dispi_write(const struct dispi *d, unsigned index, uint16_t v);
/* Sets width x height at 32 bits per pixel; 0 or -E_IO if the device
 * did not take it. */
int dispi_set_mode(const struct dispi *d, unsigned width, unsigned height);
