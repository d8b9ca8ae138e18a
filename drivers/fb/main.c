/*
 * The framebuffer driver for QEMU's Bochs-compatible displays (-vga std
 * and -device bochs-display). It gets the device from the platform
 * driver, sets the mode its config asks for and gives one client a back
 * buffer in RAM; FB_REFRESH copies a rectangle of it to the device
 * memory, so the client never holds the device itself. Without such a
 * device it drives the frame buffer the boot loader set up, in its mode.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/framebuffer.h>
#include <session/io_mem.h>
#include <session/io_port.h>
#include <session/pd.h>
#include <session/platform.h>

#include "bochs.h"

#define FB_WIDTH_MAX 1920u
#define FB_HEIGHT_MAX 1080u
#define FB_MIN 64u
#define BOCHS_VENDOR 0x1234u
#define BOCHS_DEVICE 0x1111u
#define CLASS_VGA 0x0300u

/* Device memory goes below the runtime's mapping range (1 GiB up). */
#define VRAM_VA 0x10000000ul
#define VRAM_MAX 0x20000000ul
#define MMIO_VA 0x30000000ul

static struct {
	unsigned width, height; /* the back buffer's stride is width */
	unsigned vstride;       /* the video memory's, in pixels */
	uint32_t *vram;
	uint32_t *back;
	uint64_t back_ds, back_bytes;
	bool direct;      /* config: the client gets the video memory itself */
	uint64_t vram_io; /* the video memory's IO_MEM session */
} fb;
/* One client at a time: a table of one slot. */
static struct session_slot slot;
static struct session_table table = {"fb", 0, 1, &slot};

static uint64_t platform, ep;

static void
refresh(uint64_t x, uint64_t y, uint64_t w, uint64_t h)
{
	if (x >= fb.width || y >= fb.height)
		return;
	if (w > fb.width - x)
		w = fb.width - x;
	if (h > fb.height - y)
		h = fb.height - y;
	for (uint64_t row = y; row < y + h; row++)
		memcpy(fb.vram + row * fb.vstride + x,
		    fb.back + row * fb.width + x, w * 4);
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE) {
		if (slot.used)
			return -E_BUSY;
		return server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT,
			   r) < 0
		    ? -E_NOMEM
		    : 0;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		server_session_close(&table, w[0]);
		return 0;
	}
	if (session_table_lookup(&table, badge) < 0)
		return -E_CAP;
	switch (MSG_LABEL(info)) {
	case FB_MODE:
		w[0] = fb.width;
		w[1] = fb.height;
		w[2] = fb.width;
		w[3] = FB_FORMAT_XRGB8888;
		r->words = 4;
		return 0;
	case FB_DATASPACE:
		r->cap = fb.back_ds;
		r->rights = RIGHT_ALL;
		w[0] = fb.back_bytes;
		r->words = 1;
		return 0;
	case FB_REFRESH:
		if (MSG_NWORDS(info) < 4)
			return -E_INVAL;
		if (!fb.direct) /* direct: the client drew on the screen */
			refresh(w[0], w[1], w[2], w[3]);
		return 0;
	}
	return -E_NOSYS;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	r->error = call(badge, info, r);
}

/* Maps a memory BAR of the device at va; returns its size in *size. */
static int
map_bar(unsigned bar, int wc, uint64_t va, uint64_t max, uint64_t *size)
{
	uint64_t *w = utcb_self()->msg, cap = slot_alloc();
	int e;

	if (!cap)
		return -E_NOMEM;
	w[0] = 0;
	w[1] = bar;
	w[2] = (uint64_t)wc;
	if ((e = (int)rpc_call(platform, PLATFORM_IO_MEM, 3, 0, cap, NULL)))
		return e;
	*size = w[1];
	if (*size > max)
		return -E_RANGE;
	fb.vram_io = cap;
	w[0] = va;
	return (int)rpc_call(cap, IO_MEM_MAP, 1, CAP_PD, 0, NULL);
}

/* The registers: I/O ports where a VGA device answers there, else MMIO. */
static int
find_registers(uint64_t class, struct dispi *regs)
{
	uint64_t io, id, size;
	uint16_t version;
	int e;

	if ((class >> 8) == CLASS_VGA &&
	    !session_open_args("IO_PORT", "", "base=0x1ce size=3", 0, &io,
		&id) &&
	    !rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL)) {
		regs->mmio = NULL;
		version = dispi_read(regs, DISPI_ID);
		if (version >= DISPI_ID_MIN && version <= DISPI_ID_MAX) {
			log_printf("Bochs VBE 0x%x through I/O ports", version);
			return 0;
		}
		session_close(io, id);
	}
	if ((e = map_bar(2, 0, MMIO_VA, 0x10000, &size)))
		return e;
	if (size < DISPI_MMIO_OFFSET + 0x20)
		return -E_RANGE;
	regs->mmio = (volatile uint16_t *)(MMIO_VA + DISPI_MMIO_OFFSET);
	version = dispi_read(regs, DISPI_ID);
	if (version < DISPI_ID_MIN || version > DISPI_ID_MAX)
		return -E_IO;
	log_printf("Bochs VBE 0x%x through MMIO", version);
	return 0;
}

static int
read_config(void)
{
	struct config cfg;
	uint64_t w = 1024, h = 768;

	if (config_load(&cfg))
		return -E_INVAL;
	if (config_attr_u64(config_root(&cfg), "width", 1024, &w) ||
	    config_attr_u64(config_root(&cfg), "height", 768, &h)) {
		log_printf("config: width and height must be numbers");
		return -E_INVAL;
	}
	if (w < FB_MIN || w > FB_WIDTH_MAX || h < FB_MIN || h > FB_HEIGHT_MAX) {
		log_printf("config: %lux%lu is outside %ux%u..%ux%u", w, h,
		    FB_MIN, FB_MIN, FB_WIDTH_MAX, FB_HEIGHT_MAX);
		return -E_RANGE;
	}
	fb.width = (unsigned)w;
	fb.height = (unsigned)h;
	if (config_attr_bool(config_root(&cfg), "direct", false, &fb.direct)) {
		log_printf("config: direct must be yes or no");
		return -E_INVAL;
	}
	return 0;
}

/*
 * The Bochs display from the platform driver, in the mode of the config.
 * Returns 1 (having logged why) where there is none to be had.
 */
static int
bochs_display(uint64_t *vram_size)
{
	uint64_t *w = utcb_self()->msg, id;
	struct dispi regs;
	int e;

	if ((e = session_open("Platform", "", 0, &platform, &id))) {
		log_printf("no Platform session: error %d", -e);
		return 1;
	}
	w[0] = 0;
	if ((e = (int)rpc_call(platform, PLATFORM_DEVICE, 1, 0, 0, NULL)) ||
	    (w[0] & 0xffff) != BOCHS_VENDOR ||
	    (w[0] >> 16 & 0xffff) != BOCHS_DEVICE) {
		log_printf("the platform gave no Bochs display (error %d)", -e);
		return 1;
	}
	if ((e = find_registers(w[1], &regs)) ||
	    (e = map_bar(0, 1, VRAM_VA, VRAM_MAX, vram_size))) {
		log_printf("cannot reach the display: error %d", -e);
		return -1;
	}
	fb.vram = (uint32_t *)VRAM_VA;
	fb.vstride = fb.width;
	if ((uint64_t)fb.width * fb.height * 4 > *vram_size ||
	    (e = dispi_set_mode(&regs, fb.width, fb.height))) {
		log_printf("the display refuses %ux%u (%lu KiB video memory)",
		    fb.width, fb.height, *vram_size / 1024);
		return -1;
	}
	return 0;
}

/*
 * The frame buffer the boot loader left, as core's ROM platform_info
 * describes it (<boot_fb base width height pitch bpp/>): mapped through an
 * IO_MEM session, in the mode it has (only 32 bits per pixel).
 */
static int
boot_framebuffer(uint64_t *vram_size)
{
	uint64_t *w = utcb_self()->msg, base, width, height, pitch, bpp, cap,
		 id;
	struct config cfg;
	struct config_error err;
	struct config_node node;
	const void *data;
	size_t size;
	char args[64];
	int e;

	if ((e = rom_attach("platform_info", &data, &size))) {
		log_printf("no ROM platform_info: error %d", -e);
		return -1;
	}
	if (config_parse(&cfg, data, size, &err) ||
	    config_child(config_root(&cfg), "boot_fb", &node)) {
		log_printf("no boot framebuffer either");
		return -1;
	}
	if (config_attr_u64(node, "base", 0, &base) ||
	    config_attr_u64(node, "width", 0, &width) ||
	    config_attr_u64(node, "height", 0, &height) ||
	    config_attr_u64(node, "pitch", 0, &pitch) ||
	    config_attr_u64(node, "bpp", 0, &bpp) || bpp != 32 ||
	    width < FB_MIN || width > FB_WIDTH_MAX || height < FB_MIN ||
	    height > FB_HEIGHT_MAX || pitch < width * 4 || pitch % 4) {
		log_printf("the boot framebuffer is not one this driver "
			   "takes (32 bpp, %ux%u..%ux%u)",
		    FB_MIN, FB_MIN, FB_WIDTH_MAX, FB_HEIGHT_MAX);
		return -1;
	}
	*vram_size = (pitch * height + 4095) & ~4095ul;
	fmt_snprintf(args, sizeof(args), "base=0x%lx size=0x%lx wc=yes", base,
	    *vram_size);
	if ((e = session_open_args("IO_MEM", "", args, 0, &cap, &id))) {
		log_printf("no IO_MEM session for the boot framebuffer: "
			   "error %d",
		    -e);
		return -1;
	}
	w[0] = VRAM_VA;
	if ((e = (int)rpc_call(cap, IO_MEM_MAP, 1, CAP_PD, 0, NULL))) {
		log_printf("cannot map the boot framebuffer: error %d", -e);
		return -1;
	}
	fb.vram_io = cap;
	fb.vram = (uint32_t *)VRAM_VA;
	fb.width = (unsigned)width;
	fb.height = (unsigned)height;
	fb.vstride = (unsigned)(pitch / 4);
	log_printf("boot framebuffer at 0x%lx", base);
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t rcv, vram_size = 0, *w = utcb_self()->msg;
	int e;
	void *p;

	if (read_config())
		return 1;
	if ((e = bochs_display(&vram_size)) > 0)
		e = boot_framebuffer(&vram_size);
	if (e)
		return 1;
	fb.back_bytes = (uint64_t)fb.width * fb.height * 4;
	if (fb.direct && fb.vstride != fb.width) {
		log_printf("direct: rows of the video memory are not the "
			   "mode's: a back buffer instead");
		fb.direct = false;
	}
	if (fb.direct) {
		/* The client's buffer is the video memory, as a dataspace. */
		w[0] = (fb.back_bytes + 4095) & ~4095ul;
		if (!(fb.back_ds = slot_alloc()) ||
		    (e = (int)rpc_call(fb.vram_io, IO_MEM_DATASPACE, 1, 0,
			 fb.back_ds, NULL))) {
			log_printf("direct: no dataspace of the video memory: "
				   "error %d",
			    -e);
			return 1;
		}
		memset(fb.vram, 0, fb.back_bytes);
	} else {
		if ((e = ram_alloc(fb.back_bytes, &p, &fb.back_ds))) {
			log_printf("no RAM for a %lu KiB back buffer: error %d",
			    fb.back_bytes / 1024, -e);
			return 1;
		}
		fb.back = p;
		refresh(0, 0, fb.width, fb.height);
	}
	log_printf("mode %ux%u, 32 bpp, %lu KiB video memory%s", fb.width,
	    fb.height, vram_size / 1024,
	    fb.direct ? ", the client draws into it" : "");
	if (object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    service_announce("Framebuffer", ep)) {
		log_printf("cannot announce Framebuffer");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
