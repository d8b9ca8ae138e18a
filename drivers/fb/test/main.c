/*
 * A Framebuffer client for the scenarios: it draws a pattern whose every
 * pixel a scenario can predict (run/fb/gen_runs.py computes the same
 * picture) and refreshes it in pieces: the whole screen, single pixels,
 * clipped and empty rectangles, and one pixel never refreshed, which must
 * not reach the screen.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>
#include <session/framebuffer.h>

#define BORDER 0xffffffu
#define RED 0xff0000u
#define GREEN 0x00ff00u
#define BLUE 0x0000ffu
#define YELLOW 0xffff00u
#define MARKER 0xff00ffu
#define CORNER 0x00ffffu
#define HIDDEN 0x000000u

static uint32_t *pix;
static uint64_t width, height, stride, fb;

static void
fill(uint64_t x, uint64_t y, uint64_t w, uint64_t h, uint32_t c)
{
	for (uint64_t j = y; j < y + h; j++)
		for (uint64_t i = x; i < x + w; i++)
			pix[j * stride + i] = c;
}

static int
refresh(uint64_t x, uint64_t y, uint64_t w, uint64_t h)
{
	uint64_t *m = utcb_self()->msg;

	m[0] = x;
	m[1] = y;
	m[2] = w;
	m[3] = h;
	return (int)rpc_call(fb, FB_REFRESH, 4, 0, 0, NULL);
}

/* A marker pixel, refreshed alone. */
static int
mark(uint64_t x, uint64_t y, uint32_t c)
{
	pix[y * stride + x] = c;
	return refresh(x, y, 1, 1);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *m = utcb_self()->msg, id, ds = slot_alloc(), t0, us;
	uint64_t hw, hh, khz = sys_kinfo(KINFO_TSC_KHZ);
	void *p;
	int e;

	if ((e = session_open("Framebuffer", "", 0, &fb, &id)) ||
	    (e = (int)rpc_call(fb, FB_MODE, 0, 0, 0, NULL))) {
		log_printf("no framebuffer: error %d", -e);
		return 1;
	}
	width = m[0];
	height = m[1];
	stride = m[2];
	if (m[3] != FB_FORMAT_XRGB8888 || stride < width) {
		log_printf("unexpected format %lu, stride %lu", m[3], stride);
		return 1;
	}
	if (!ds || (e = (int)rpc_call(fb, FB_DATASPACE, 0, 0, ds, NULL)) ||
	    m[0] < stride * height * 4 || (e = ds_attach(ds, m[0], 1, &p))) {
		log_printf("no back buffer: error %d", -e);
		return 1;
	}
	pix = p;
	hw = width / 2;
	hh = height / 2;
	fill(0, 0, width, height, BORDER);
	fill(1, 1, hw - 1, hh - 1, RED);
	fill(hw, 1, width - 1 - hw, hh - 1, GREEN);
	fill(1, hh, hw - 1, height - 1 - hh, BLUE);
	fill(hw, hh, width - 1 - hw, height - 1 - hh, YELLOW);
	t0 = rdtsc();
	e = refresh(0, 0, width, height);
	us = (rdtsc() - t0) * 1000 / (khz ? khz : 1);
	log_printf("full-screen refresh %lux%lu: %lu us", width, height, us);
	if (e || mark(width / 4, height / 4, MARKER) ||
	    mark(3 * width / 4, height / 4, MARKER) ||
	    mark(width / 4, 3 * height / 4, MARKER) ||
	    mark(3 * width / 4, 3 * height / 4, MARKER) ||
	    mark(hw, hh, MARKER) || mark(1, 1, CORNER) ||
	    mark(width - 2, height - 2, CORNER)) {
		log_printf("refresh failed");
		return 1;
	}
	/* Drawn but never refreshed: the screen must not show it. */
	pix[(height / 4) * stride + hw + 10] = HIDDEN;
	/* Clipped, empty and far-off rectangles change nothing. */
	if (refresh(width - 1, height - 1, ~0ul, ~0ul) ||
	    refresh(width, 0, 10, 10) || refresh(0, 0, 0, 0) ||
	    refresh(~0ul, ~0ul, ~0ul, ~0ul)) {
		log_printf("a clipped refresh failed");
		return 1;
	}
	log_printf("pattern drawn %lux%lu", width, height);
	sleep_forever();
}
