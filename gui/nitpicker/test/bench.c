/*
 * test_gui_bench: what a full-screen update through nitpicker costs against
 * copying the same bytes with memcpy in the same client. It shows one view
 * of a screen-sized buffer and times GUI_REFRESH of the whole buffer
 * (nitpicker copies it into the framebuffer's back buffer and the driver
 * copies that to the video memory before the call returns), then memcpy
 * of a frame into that buffer (lib/base's memcpy, 8 bytes a step: the
 * fastest plain copy there is under TCG), then a 100x100 refresh. Median of
 * the runs in TSC ticks (under TCG: host time), each figure one "bench:" line.
 *
 * <config runs="15"/>
 */
#include <base/config.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>

#include <gui/client.h>

#define RUNS_MAX 64u

static uint64_t
median(uint64_t *t, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && t[j - 1] > t[j]; j--) {
			uint64_t x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[n / 2];
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	struct gui g;
	uint64_t runs = 15, buf, view, all[5], part[5], khz, bytes, t0;
	uint64_t refresh[RUNS_MAX], copy[RUNS_MAX], small[RUNS_MAX], r, c, s;
	uint64_t src_ds, *m = utcb_self()->msg;
	uint32_t *pix, *src;
	void *p;
	unsigned w, h;
	int e;

	if (!config_load(&cfg))
		config_attr_u64(config_root(&cfg), "runs", 15, &runs);
	if (runs < 1 || runs > RUNS_MAX)
		runs = 15;
	khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	/* The mode first, for the quota: a session just to ask. */
	if ((e = gui_open(&g,
		 GUI_SESSION_QUOTA + gui_buffer_cost(1920, 1080)))) {
		log_printf("no Gui session: error %d", -e);
		return 1;
	}
	w = g.width;
	h = g.height;
	bytes = (uint64_t)w * h * 4;
	if ((e = gui_buffer(&g, w, h, &buf, &pix)) ||
	    (e = ram_alloc(bytes, &p, &src_ds)) ||
	    (e = gui_view(&g, buf, 0, 0, w, h, "", &view))) {
		log_printf("cannot set up: error %d", -e);
		return 1;
	}
	(void)m;
	src = p;
	for (uint64_t i = 0; i < (uint64_t)w * h; i++)
		src[i] = (uint32_t)(i * 2654435761u) & 0xffffff;
	all[0] = part[0] = buf;
	all[1] = all[2] = 0;
	all[3] = w;
	all[4] = h;
	part[1] = w / 2;
	part[2] = h / 2;
	part[3] = part[4] = 100;
	/* Warm up: every page touched, every mapping made. */
	memcpy(pix, src, bytes);
	gui_call(&g, GUI_REFRESH, 5, all);
	for (unsigned i = 0; i < runs; i++) {
		t0 = rdtsc();
		memcpy(pix, src, bytes);
		copy[i] = rdtsc() - t0;
		t0 = rdtsc();
		gui_call(&g, GUI_REFRESH, 5, all);
		refresh[i] = rdtsc() - t0;
		t0 = rdtsc();
		gui_call(&g, GUI_REFRESH, 5, part);
		small[i] = rdtsc() - t0;
	}
	r = median(refresh, (unsigned)runs);
	c = median(copy, (unsigned)runs);
	s = median(small, (unsigned)runs);
	log_printf("%ux%u, %lu runs, TSC %lu kHz", w, h, runs, khz);
	log_printf("bench: gui_refresh_full_ticks %lu ticks", r);
	log_printf("bench: frame_memcpy_ticks %lu ticks", c);
	log_printf("bench: gui_refresh_100x100_ticks %lu ticks", s);
	if (khz) {
		log_printf("bench: gui_refresh_full_us %lu us", r * 1000 / khz);
		log_printf("bench: frame_memcpy_us %lu us", c * 1000 / khz);
		log_printf("bench: gui_refresh_100x100_us %lu us",
		    s * 1000 / khz);
		/* bytes per ms is kB/s: / 1000 again for MB/s. */
		log_printf("bench: gui_refresh_mbs %lu MB/s",
		    r ? bytes * khz / r / 1000 : 0);
		log_printf("bench: frame_memcpy_mbs %lu MB/s",
		    c ? bytes * khz / c / 1000 : 0);
	}
	/* Throughput through nitpicker relative to memcpy's: copy / refresh. */
	log_printf("bench: gui_vs_memcpy_ratio %lu.%03lu ratio", c / r,
	    c * 1000 / r % 1000);
	log_printf("bench done");
	return 0;
}
