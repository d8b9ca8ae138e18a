/*
 * The i8042 controller: its data port 0x60 and status/command port 0x64,
 * commands to the controller and to the devices on its two ports, each
 * bounded by a timeout so that a missing device cannot hang the driver.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA 0x60u
#define I8042_STATUS 0x64u /* read: status; write: command */

#define I8042_OBF 0x01u /* status: a byte waits at the data port */
#define I8042_IBF 0x02u /* status: the controller has not taken our byte */
#define I8042_AUX 0x20u /* status: the waiting byte is the mouse's */

struct ps2_setup {
	/* in */
	bool want_mouse, want_wheel;
	uint8_t leds; /* the keyboard's LEDs to start with */
	/* out */
	bool keyboard, mouse, wheel;
	uint8_t config; /* the configuration byte written last */
};

/* Measure time from now on with the TSC (khz: its frequency). */
void i8042_clock(uint64_t khz);

uint8_t i8042_status(void);
uint8_t i8042_data(void);
/* Writes to the data port once the controller takes it; 0 or -E_IO. */
int i8042_write(uint8_t byte);

/*
 * Sets the controller and its devices up, with interrupts off until the
 * end, when the configuration byte turns them on for the devices found.
 * Returns 0 if there is a controller (even without devices), or -E_IO.
 */
int i8042_setup(struct ps2_setup *s);
