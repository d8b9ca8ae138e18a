/*
 * The kernel console: COM1 at 115200 baud, and the VGA text screen when the
 * loader left one (QEMU -kernel with a VGA device). Used for the banner, for
 * unhandled faults and for panics; components log through core.
 */
#include "kernel.h"

#define COM1 0x3f8
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x1f00 /* white on blue */

static uint16_t *vga;
static unsigned vga_pos;

void
console_init(bool vga_text)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* divisor latch */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on */
	outb(COM1 + 4, 0x03);
	if (vga_text) {
		vga = (uint16_t *)(0xb8000 + KERNEL_VMA);
		for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
			vga[i] = VGA_ATTR | ' ';
	}
}

static void
vga_putc(char c)
{
	if (c == '\n')
		vga_pos += VGA_COLS - vga_pos % VGA_COLS;
	else
		vga[vga_pos++] = VGA_ATTR | (uint8_t)c;
	if (vga_pos >= VGA_COLS * VGA_ROWS) {
		memcpy(vga, vga + VGA_COLS, 2 * VGA_COLS * (VGA_ROWS - 1));
		for (unsigned i = 0; i < VGA_COLS; i++)
			vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
		vga_pos -= VGA_COLS;
	}
}

void
console_putc(char c)
{
	if (c == '\n')
		console_putc('\r');
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
	if (vga && c != '\r')
		vga_putc(c);
}
