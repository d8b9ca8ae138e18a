/*
 * Setting up the i8042 and its devices by polling, before interrupts are
 * on: controller self-test, port tests, keyboard reset and scan code set 2
 * (the controller translates it to set 1), mouse reset, the IntelliMouse
 * wheel knock (sample rates 200, 100, 80, then an ID of 3 means a wheel),
 * and streaming. Every wait has a timeout; a device that does not answer
 * is left out, and the other one still works.
 */
#include <base/io.h>
#include <base/error.h>
#include <base/log.h>
#include <base/tsc.h>

#include "controller.h"

/* Controller commands (port 0x64). */
#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_TO_AUX 0xd4

/* The configuration byte. */
#define CFG_KBD_IRQ 0x01
#define CFG_AUX_IRQ 0x02
#define CFG_KBD_OFF 0x10
#define CFG_AUX_OFF 0x20
#define CFG_TRANSLATE 0x40

/* Device commands and answers. */
#define DEV_LEDS 0xed
#define DEV_SCANCODE_SET 0xf0
#define DEV_GET_ID 0xf2
#define DEV_SAMPLE_RATE 0xf3
#define DEV_ENABLE 0xf4
#define DEV_DISABLE 0xf5
#define DEV_DEFAULTS 0xf6
#define DEV_RESET 0xff
#define DEV_ACK 0xfa
#define DEV_RESEND 0xfe
#define DEV_SELF_TEST_OK 0xaa

#define TIMEOUT_MS 50u
#define RESET_MS 1000u /* keyboards may take this long to test themselves */

static uint64_t tsc_khz = 1000000; /* until i8042_clock: 1 GHz */

void
i8042_clock(uint64_t khz)
{
	if (khz)
		tsc_khz = khz;
}

uint8_t
i8042_status(void)
{
	return inb(I8042_STATUS);
}

uint8_t
i8042_data(void)
{
	return inb(I8042_DATA);
}

static bool
wait_status(uint8_t mask, uint8_t want, unsigned ms)
{
	uint64_t end = rdtsc() + ms * tsc_khz;

	do {
		if ((i8042_status() & mask) == want)
			return true;
	} while (rdtsc() < end);
	return false;
}

int
i8042_write(uint8_t byte)
{
	if (!wait_status(I8042_IBF, 0, TIMEOUT_MS))
		return -E_IO;
	outb(I8042_DATA, byte);
	return 0;
}

static int
command(uint8_t cmd)
{
	if (!wait_status(I8042_IBF, 0, TIMEOUT_MS))
		return -E_IO;
	outb(I8042_STATUS, cmd);
	return 0;
}

/* The next byte from the device (aux: the mouse); others are dropped. */
static int
read_from(bool aux, unsigned ms, uint8_t *byte)
{
	uint64_t end = rdtsc() + ms * tsc_khz;

	do {
		uint8_t st = i8042_status();

		if (!(st & I8042_OBF))
			continue;
		*byte = i8042_data();
		if (!!(st & I8042_AUX) == aux)
			return 0;
	} while (rdtsc() < end);
	return -E_IO;
}

/* A byte from the controller itself comes as a keyboard byte. */
static int
command_read(uint8_t cmd, uint8_t *byte)
{
	int e = command(cmd);

	return e ? e : read_from(false, TIMEOUT_MS, byte);
}

static int
write_config(uint8_t config)
{
	int e = command(CMD_WRITE_CONFIG);

	return e ? e : i8042_write(config);
}

static void
flush(void)
{
	for (unsigned i = 0; i < 64 && (i8042_status() & I8042_OBF); i++)
		(void)i8042_data();
}

/* Sends one byte to a device and waits for its acknowledgement. */
static int
device(bool aux, uint8_t byte)
{
	uint8_t answer;
	int e;

	for (unsigned tries = 0; tries < 3; tries++) {
		if ((aux && (e = command(CMD_TO_AUX))) ||
		    (e = i8042_write(byte)) ||
		    (e = read_from(aux, TIMEOUT_MS, &answer)))
			return e;
		if (answer == DEV_ACK)
			return 0;
		if (answer != DEV_RESEND)
			return -E_IO;
	}
	return -E_IO;
}

static int
device2(bool aux, uint8_t cmd, uint8_t arg)
{
	int e = device(aux, cmd);

	return e ? e : device(aux, arg);
}

static int
reset(bool aux)
{
	uint8_t b;
	int e;

	if ((e = device(aux, DEV_RESET)) || (e = read_from(aux, RESET_MS, &b)))
		return e;
	if (b != DEV_SELF_TEST_OK)
		return -E_IO;
	if (aux) /* the mouse adds its ID, 0 */
		(void)read_from(true, TIMEOUT_MS, &b);
	return 0;
}

static int
keyboard_setup(struct ps2_setup *s)
{
	int e;

	if ((e = reset(false)) || (e = device2(false, DEV_SCANCODE_SET, 2)) ||
	    (e = device2(false, DEV_LEDS, s->leds)) ||
	    (e = device(false, DEV_ENABLE)))
		return e;
	return 0;
}

static int
mouse_setup(struct ps2_setup *s)
{
	uint8_t id = 0;
	int e;

	if ((e = reset(true)) || (e = device(true, DEV_DEFAULTS)))
		return e;
	if (s->want_wheel) {
		if ((e = device2(true, DEV_SAMPLE_RATE, 200)) ||
		    (e = device2(true, DEV_SAMPLE_RATE, 100)) ||
		    (e = device2(true, DEV_SAMPLE_RATE, 80)) ||
		    (e = device(true, DEV_GET_ID)) ||
		    (e = read_from(true, TIMEOUT_MS, &id)))
			return e;
		s->wheel = id == 3;
	}
	if ((e = device2(true, DEV_SAMPLE_RATE, 100)) ||
	    (e = device(true, DEV_ENABLE)))
		return e;
	return 0;
}

int
i8042_setup(struct ps2_setup *s)
{
	uint8_t config, b;
	bool two = false;
	int e;

	s->keyboard = s->mouse = s->wheel = false;
	/* Quiet both devices, then empty what they sent before. */
	if ((e = command(CMD_KBD_DISABLE)) || (e = command(CMD_AUX_DISABLE)))
		return e;
	flush();
	if ((e = command_read(CMD_READ_CONFIG, &config)))
		return e;
	config &= (uint8_t) ~(CFG_KBD_IRQ | CFG_AUX_IRQ | CFG_TRANSLATE);
	if ((e = write_config(config)) || (e = command_read(CMD_SELF_TEST, &b)))
		return e;
	if (b != 0x55) {
		log_printf("i8042: self-test failed (0x%x)", b);
		return -E_IO;
	}
	/* Some controllers reset themselves in the self-test. */
	if ((e = write_config(config)))
		return e;
	/* A second port exists if enabling it clears its "off" bit. */
	if (s->want_mouse && !command(CMD_AUX_ENABLE) &&
	    !command_read(CMD_READ_CONFIG, &b) && !(b & CFG_AUX_OFF)) {
		two = true;
		(void)command(CMD_AUX_DISABLE);
	}
	if (!command_read(CMD_KBD_TEST, &b) && b == 0 &&
	    !command(CMD_KBD_ENABLE))
		s->keyboard = keyboard_setup(s) == 0;
	if (two && !command_read(CMD_AUX_TEST, &b) && b == 0 &&
	    !command(CMD_AUX_ENABLE))
		s->mouse = mouse_setup(s) == 0;
	if (!s->mouse)
		s->wheel = false;
	flush();
	config |= CFG_TRANSLATE;
	config &= (uint8_t) ~(CFG_KBD_OFF | CFG_AUX_OFF);
	if (s->keyboard)
		config |= CFG_KBD_IRQ;
	if (s->mouse)
		config |= CFG_AUX_IRQ;
	else
		config |= CFG_AUX_OFF;
	if (!s->keyboard)
		config |= CFG_KBD_OFF;
	s->config = config;
	return write_config(config);
}
