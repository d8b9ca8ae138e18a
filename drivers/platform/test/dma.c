/*
 * test_dma: a driver for QEMU's "edu" device (docs/specs/edu.rst in
 * QEMU), to show the Platform session's DMA buffers (run/dma.run). As
 * role="driver" it gets two buffers and their bus addresses, makes the
 * device copy a pattern from the first into its own buffer and
 * from there into the second, and compares; then it tries what a hostile
 * driver would (sizes of 0 and 2^64-1, more than its session paid,
 * freeing a buffer twice and an address that is not its own) and closes
 * its session with a buffer still held. As role="second" it asks for the
 * same device while the driver holds it, and for core's DMA session,
 * both of which must be refused.
 *
 * <config role="driver|second" quota="65536"/>
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/platform.h>

#include "edu.h"

#define EDU_CMD_START 1u
#define EDU_CMD_TO_RAM 2u
#define EDU_BUFFER 0x40000u /* the device's own buffer, as it sees it */
#define BUF 4096u
/* Debian 12's QEMU refuses a transfer that ends at its buffer's end (an
 * off-by-one that stops the machine): copy half of it. */
#define COPY 2048u

static volatile uint8_t *regs;
static uint64_t pause_sig;

static uint64_t
rd(unsigned off)
{
	return *(volatile uint64_t *)(regs + off);
}

static void
wr(unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

static void
wait_ms(uint64_t ms)
{
	if (pause_sig || !object_create(KOBJ_SIGNAL, &pause_sig))
		sys_sig_wait_for(pause_sig, ms * 1000, NULL);
}

/* One transfer by the device; it takes a while (a timer in QEMU). */
static int
edu_dma(uint64_t src, uint64_t dst, uint64_t cmd)
{
	wr(EDU_DMA_SRC, src);
	wr(EDU_DMA_DST, dst);
	wr(EDU_DMA_COUNT, COPY);
	wr(EDU_DMA_CMD, EDU_CMD_START | cmd);
	for (unsigned i = 0; i < 500; i++) {
		if (!(rd(EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		wait_ms(10);
	}
	return -E_TIMEOUT;
}

/* A DMA buffer of bytes: its capability, mapping and bus address. */
static long
dma_alloc(uint64_t pf, uint64_t bytes, uint64_t *cap, uint64_t *bus, void **p)
{
	uint64_t *w = utcb_self()->msg, slot = slot_alloc();
	long e;

	if (!slot)
		return -E_NOMEM;
	w[0] = bytes;
	if ((e = rpc_call(pf, PLATFORM_DMA_ALLOC, 1, 0, slot, NULL))) {
		slot_free(slot);
		return e;
	}
	*bus = w[0];
	*cap = slot;
	return p ? ds_attach(slot, BUF, 1, p) : 0;
}

static int
expect(const char *what, long got, long want)
{
	if (got == want)
		return 0;
	log_printf("driver: %s: %ld, not %ld", what, got, want);
	return 1;
}

static long
dma_free(uint64_t pf, uint64_t bus)
{
	utcb_self()->msg[0] = bus;
	return rpc_call(pf, PLATFORM_DMA_FREE, 1, 0, 0, NULL);
}

static int
driver(uint64_t quota)
{
	uint64_t *w = utcb_self()->msg, pf, id, a_cap, b_cap, c_cap, a_bus,
		 b_bus, c_bus;
	uint8_t *a, *b;
	void *p;
	long e;
	int bad = 0;

	if (session_open("Platform", "", quota, &pf, &id)) {
		log_printf("driver: no Platform session");
		return 1;
	}
	if (!(regs = edu_map(pf, "driver")))
		return 1;
	/*
	 * The second client asks for the device now, while we hold it, and
	 * ends; after that nothing but our buffers changes core's free RAM,
	 * which the platform driver compares when we close.
	 */
	wait_ms(2000);
	if ((e = dma_alloc(pf, BUF, &a_cap, &a_bus, &p)) ||
	    (a = p, e = dma_alloc(pf, BUF, &b_cap, &b_bus, &p))) {
		log_printf("driver: no DMA buffer: error %ld", -e);
		return 1;
	}
	b = p;
	log_printf("driver: buffers at bus addresses %lx and %lx", a_bus,
	    b_bus);
	for (unsigned i = 0; i < BUF; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	w[0] = 0;
	w[1] = 1;
	if ((e = rpc_call(pf, PLATFORM_BUS_MASTER, 2, 0, 0, NULL)) ||
	    (e = edu_dma(a_bus, EDU_BUFFER, 0)) ||
	    (e = edu_dma(EDU_BUFFER, b_bus, EDU_CMD_TO_RAM))) {
		log_printf("driver: the device's DMA failed: error %ld", -e);
		return 1;
	}
	if (memcmp(a, b, COPY) || b[COPY]) {
		log_printf("driver: the copy differs");
		return 1;
	}
	log_printf("driver: %u bytes through the device and back, the same",
	    COPY);

	/* What a hostile driver asks for. */
	bad +=
	    expect("0 bytes", dma_alloc(pf, 0, &c_cap, &c_bus, NULL), -E_INVAL);
	bad += expect("2^64-1 bytes", dma_alloc(pf, ~0ul, &c_cap, &c_bus, NULL),
	    -E_INVAL);
	bad += expect("beyond the largest buffer",
	    dma_alloc(pf, PLATFORM_DMA_MAX + 1, &c_cap, &c_bus, NULL),
	    -E_INVAL);
	bad += expect("more than the session paid",
	    dma_alloc(pf, quota, &c_cap, &c_bus, NULL), -E_NOMEM);
	bad +=
	    expect("free inside a buffer", dma_free(pf, a_bus + 8), -E_NOENT);
	bad += expect("free address 0", dma_free(pf, 0), -E_NOENT);
	bad += expect("free", dma_free(pf, b_bus), 0);
	bad += expect("free twice", dma_free(pf, b_bus), -E_NOENT);
	/* A freed buffer is gone: our capability to it reaches nothing. */
	bad +=
	    expect("map a freed buffer", ds_attach(b_cap, BUF, 1, &p) < 0, 1);
	log_printf("driver: hostile requests %s",
	    bad ? "NOT all refused" : "all refused");
	/* Closed with buffer a still held: the platform frees it. */
	w[0] = 0;
	w[1] = 0;
	rpc_call(pf, PLATFORM_BUS_MASTER, 2, 0, 0, NULL);
	session_close(pf, id);
	log_printf("driver: session closed");
	return bad ? 1 : 0;
}

static int
second(void)
{
	uint64_t pf, id;
	int e;

	/* Physical addresses are the platform driver's alone. */
	if (!session_open("DMA", "", 0, &pf, &id)) {
		log_printf("second: got core's DMA session");
		return 1;
	}
	wait_ms(300);
	if (!(e = session_open("Platform", "", 4096, &pf, &id))) {
		log_printf("second: got the device the driver holds");
		return 1;
	}
	log_printf("second: refused (error %d)", -e);
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	char role[16] = "driver";
	uint64_t quota = 65536;

	if (!config_load(&cfg)) {
		if (config_attr_copy(config_root(&cfg), "role", role,
			sizeof(role)))
			memcpy(role, "driver", 7);
		config_attr_u64(config_root(&cfg), "quota", 65536, &quota);
	}
	return !strcmp(role, "second") ? second() : driver(quota);
}
