/*
 * Host unit test of lib/input: the us and de layouts, names for every code,
 * UTF-8, and the ring reader against a writer that laps it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <input/keymap.h>
#include <input/reader.h>

#include <test/check.h>

static void
test_layouts(void)
{
	const struct keymap *us = keymap_find("us"), *de = keymap_find("de");
	const unsigned S = INPUT_MOD_SHIFT, G = INPUT_MOD_ALTGR;

	CHECK(us && de && !keymap_find("fr") && !keymap_find("u"));
	CHECK(keymap_char(us, KEY_A, 0) == 'a');
	CHECK(keymap_char(us, KEY_A, S) == 'A');
	CHECK(keymap_char(us, KEY_A, INPUT_MOD_CAPS) == 'A');
	CHECK(keymap_char(us, KEY_A, INPUT_MOD_CAPS | S) == 'a');
	CHECK(keymap_char(us, KEY_1, INPUT_MOD_CAPS) == '1');
	CHECK(keymap_char(us, KEY_2, S) == '@');
	CHECK(keymap_char(us, KEY_A, INPUT_MOD_CTRL) == 1);
	CHECK(keymap_char(us, KEY_LEFTBRACE, INPUT_MOD_CTRL) == 0x1b);
	CHECK(keymap_char(us, KEY_A, G) == 'a'); /* no AltGr on us */
	CHECK(keymap_char(us, KEY_ENTER, 0) == '\n');
	CHECK(keymap_char(us, KEY_LEFTSHIFT, 0) == 0);
	CHECK(keymap_char(us, KEY_F1, 0) == 0);
	CHECK(keymap_char(us, KEY_KP1, 0) == 0);
	CHECK(keymap_char(us, KEY_KP1, INPUT_MOD_NUM) == '1');
	CHECK(keymap_char(us, KEY_KPPLUS, 0) == '+');
	CHECK(keymap_char(us, 9999, 0) == 0);
	CHECK(keymap_char(NULL, KEY_A, 0) == 0);

	CHECK(keymap_char(de, KEY_Y, 0) == 'z');
	CHECK(keymap_char(de, KEY_Z, 0) == 'y');
	CHECK(keymap_char(de, KEY_Z, S) == 'Y');
	CHECK(keymap_char(de, KEY_SEMICOLON, 0) == 0xf6);
	CHECK(keymap_char(de, KEY_SEMICOLON, INPUT_MOD_CAPS) == 0xd6);
	CHECK(keymap_char(de, KEY_APOSTROPHE, S) == 0xc4);
	CHECK(keymap_char(de, KEY_LEFTBRACE, 0) == 0xfc);
	CHECK(keymap_char(de, KEY_MINUS, 0) == 0xdf);
	CHECK(keymap_char(de, KEY_2, S) == '"');
	CHECK(keymap_char(de, KEY_3, S) == 0xa7);
	CHECK(keymap_char(de, KEY_7, S) == '/');
	CHECK(keymap_char(de, KEY_0, S) == '=');
	CHECK(keymap_char(de, KEY_Q, G) == '@');
	CHECK(keymap_char(de, KEY_7, G) == '{');
	CHECK(keymap_char(de, KEY_8, G) == '[');
	CHECK(keymap_char(de, KEY_9, G) == ']');
	CHECK(keymap_char(de, KEY_0, G) == '}');
	CHECK(keymap_char(de, KEY_MINUS, G) == '\\');
	CHECK(keymap_char(de, KEY_RIGHTBRACE, G) == '~');
	CHECK(keymap_char(de, KEY_102ND, G) == '|');
	CHECK(keymap_char(de, KEY_E, G) == 0x20ac);
	CHECK(keymap_char(de, KEY_A, G) == 0);
	CHECK(keymap_char(de, KEY_KPDOT, INPUT_MOD_NUM) == ',');
	CHECK(keymap_char(de, KEY_SPACE, 0) == ' ');
	CHECK(!strcmp(keymap_name(de), "de"));
}

static void
test_names_utf8(void)
{
	char b[5];

	for (unsigned c = 1; c < KEY_COUNT; c++)
		CHECK(strcmp(input_code_name(c), "KEY_UNKNOWN") != 0);
	CHECK(!strcmp(input_code_name(KEY_A), "KEY_A"));
	CHECK(!strcmp(input_code_name(KEY_PAUSE), "KEY_PAUSE"));
	CHECK(!strcmp(input_code_name(BTN_MIDDLE), "BTN_MIDDLE"));
	CHECK(!strcmp(input_code_name(KEY_COUNT), "KEY_UNKNOWN"));
	CHECK(!strcmp(input_code_name(0xffff), "KEY_UNKNOWN"));
	CHECK(keymap_utf8('a', b) == 1 && !strcmp(b, "a"));
	CHECK(keymap_utf8(0xf6, b) == 2 && !strcmp(b, "\xc3\xb6"));
	CHECK(keymap_utf8(0x20ac, b) == 3 && !strcmp(b, "\xe2\x82\xac"));
	CHECK(keymap_utf8(0x1f600, b) == 4);
	CHECK(keymap_utf8(0xd800, b) == 0);
	CHECK(keymap_utf8(0x110000, b) == 0);
}

static struct input_ring ring;

static void
write_events(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct input_event *e = &ring.ev[ring.head % INPUT_RING_EVENTS];

		*e = (struct input_event){.type = INPUT_MOTION,
		    .dx = (int32_t)ring.head};
		ring.head++;
	}
}

static void
test_reader(void)
{
	struct input_reader r;
	struct input_event ev[INPUT_RING_EVENTS];
	uint64_t lost;
	unsigned n;

	write_events(5);
	input_reader_init(&r, &ring);
	CHECK(input_read(&r, ev, 8, &lost) == 0 && lost == 0);
	write_events(3);
	n = input_read(&r, ev, 2, &lost);
	CHECK(n == 2 && lost == 0 && ev[0].dx == 5 && ev[1].dx == 6);
	n = input_read(&r, ev, 8, &lost);
	CHECK(n == 1 && lost == 0 && ev[0].dx == 7);
	/* Lapped: the oldest are lost, the rest arrive in order. */
	write_events(INPUT_RING_EVENTS + 10);
	n = input_read(&r, ev, INPUT_RING_EVENTS, &lost);
	CHECK(n == INPUT_RING_EVENTS - 1 && lost == 11);
	CHECK(ev[0].dx == 8 + 11 && ev[n - 1].dx == (int32_t)ring.head - 1);
	CHECK(input_read(&r, ev, 8, &lost) == 0 && lost == 0);
	/* A driver that starts again is followed from where it is. */
	ring.head = 2;
	CHECK(input_read(&r, ev, 8, &lost) == 0);
	write_events(1);
	CHECK(input_read(&r, ev, 8, &lost) == 1 && ev[0].dx == 2);
}

int
main(void)
{
	test_layouts();
	test_names_utf8();
	test_reader();
	printf("test_input_lib: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
