/*
 * The Framebuffer session, provided by the framebuffer driver: one screen
 * mode and a back buffer in RAM that the client draws into; FB_REFRESH
 * copies a rectangle of the back buffer to the screen. A driver configured
 * direct hands out the video memory itself instead (FB_REFRESH then copies
 * nothing), for a client trusted with the screen.
 */
#pragma once

#include <base/parent.h>

/* Pixels are 32 bits, 0x00RRGGBB in memory order of a little-endian word. */
#define FB_FORMAT_XRGB8888 1u

enum framebuffer_label {
	/* -> w0: width, w1: height, w2: stride (pixels per row of the back
	 * buffer), w3: format (FB_FORMAT_*) */
	FB_MODE = 1,
	/* -> a writable RAM dataspace cap, the back buffer; w0: bytes
	 * (stride * height * 4) */
	FB_DATASPACE = 2,
	/* w0: x, w1: y, w2: width, w3: height: copied to the screen, clipped
	 * to the mode; an empty rectangle is no error */
	FB_REFRESH = 3,
};
