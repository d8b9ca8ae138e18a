/*
 * The mouse's byte stream turned into events: 3-byte packets (buttons,
 * motion) or, once the IntelliMouse wheel is switched on, 4-byte packets
 * with the wheel. No I/O here, so the host test can feed it bytes.
 */
#pragma once

#include <stdint.h>

#include <session/input.h>

#define PS2_MOUSE_EVENTS 5u /* at most per packet: 3 buttons, motion, wheel */

struct ps2_mouse {
	unsigned size; /* bytes per packet: 3, or 4 with a wheel */
	unsigned have; /* bytes of the current packet so far */
	uint8_t pkt[4];
	unsigned buttons; /* bit 0 left, 1 right, 2 middle */
	uint64_t dropped; /* bytes dropped to find a packet's start again */
	uint64_t overflows;
};

void ps2_mouse_init(struct ps2_mouse *m, int wheel);

/* Forget a packet begun: the device went quiet in the middle of one. */
void ps2_mouse_restart(struct ps2_mouse *m);

/*
 * Feeds one byte; when it completes a packet, writes up to
 * PS2_MOUSE_EVENTS events (motion first, then buttons, then the wheel), each
 * with mods, and returns how many.
 */
unsigned ps2_mouse_feed(struct ps2_mouse *m, uint8_t byte, unsigned mods,
    struct input_event out[PS2_MOUSE_EVENTS]);
