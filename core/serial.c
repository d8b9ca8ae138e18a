/*
 * Core's log goes straight to the serial port (COM1, set up by the kernel),
 * one line per call; power_off ends a QEMU run through isa-debug-exit.
 */
#include "core.h"

#include <base/io.h>
#include <base/log.h>
#include <kernel/syscalls.h>

#define COM1 0x3f8

void
serial_init(void)
{
	uint64_t bitmap;

	if (frame_alloc(2, &bitmap) ||
	    sys_pd_io(CAP_SELF_PD, COM1, 8, 1, bitmap) ||
	    sys_pd_io(CAP_SELF_PD, EXIT_PORT, 1, 1, 0))
		for (;;)
			; /* nowhere to say it */
}

static void
putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

void
log_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc('\r');
		putc(s[i]);
	}
	putc('\r');
	putc('\n');
}

void
power_off(unsigned code)
{
	outb(EXIT_PORT, (uint8_t)(EXIT_BASE + code));
	for (;;)
		sys_thread_stop(CAP_SELF_THREAD);
}
