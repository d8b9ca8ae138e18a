/*
 * Programming the Bochs VBE registers, the same sequence whether they sit
 * behind I/O ports or in MMIO: switch off, set the geometry, switch on
 * with the linear framebuffer.
 */
#include <base/io.h>
#include <base/error.h>

#include "bochs.h"

uint16_t
dispi_read(const struct dispi *d, unsigned index)
{
	if (d->mmio)
		return d->mmio[index];
	outw(DISPI_IO_BASE, (uint16_t)index);
	return inw(DISPI_IO_BASE + 1);
}

void
dispi_write(const struct dispi *d, unsigned index, uint16_t v)
{
	if (d->mmio) {
		d->mmio[index] = v;
		return;
	}
	outw(DISPI_IO_BASE, (uint16_t)index);
	outw(DISPI_IO_BASE + 1, v);
}

int
dispi_set_mode(const struct dispi *d, unsigned width, unsigned height)
{
	dispi_write(d, DISPI_ENABLE, 0);
	dispi_write(d, DISPI_XRES, (uint16_t)width);
	dispi_write(d, DISPI_YRES, (uint16_t)height);
	dispi_write(d, DISPI_BPP, 32);
	dispi_write(d, DISPI_VIRT_WIDTH, (uint16_t)width);
	dispi_write(d, DISPI_X_OFFSET, 0);
	dispi_write(d, DISPI_Y_OFFSET, 0);
	dispi_write(d, DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB);
	if (dispi_read(d, DISPI_XRES) != width ||
	    dispi_read(d, DISPI_YRES) != height ||
	    dispi_read(d, DISPI_BPP) != 32 ||
	    !(dispi_read(d, DISPI_ENABLE) & DISPI_ENABLED))
		return -E_IO;
	return 0;
}
