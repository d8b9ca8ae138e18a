/*
 * Modern virtio devices over PCI and split virtqueues (virtio/pci.h),
 * after the virtio 1.0 specification: 4.1.4 (capabilities), 3.1.1 (the
 * handshake), 2.4 (split virtqueues).
 */
#include <base/error.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <platform/client.h>
#include <session/irq.h>
#include <session/platform.h>
#include <virtio/pci.h>

#define CAP_VENDOR 0x09u
enum {
	CFG_COMMON = 1,
	CFG_NOTIFY = 2,
	CFG_DEVICE = 4
};

/* The common configuration (4.1.4.3). */
#define DEVICE_FEATURE_SELECT 0x00
#define DEVICE_FEATURE 0x04
#define DRIVER_FEATURE_SELECT 0x08
#define DRIVER_FEATURE 0x0c
#define MSIX_CONFIG 0x10
#define NUM_QUEUES 0x12
#define DEVICE_STATUS 0x14
#define QUEUE_SELECT 0x16
#define QUEUE_SIZE 0x18
#define QUEUE_MSIX_VECTOR 0x1a
#define QUEUE_ENABLE 0x1c
#define QUEUE_NOTIFY_OFF 0x1e
#define QUEUE_DESC 0x20
#define QUEUE_DRIVER 0x28
#define QUEUE_DEVICE 0x30
#define S_ACKNOWLEDGE 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u

#define R8(d, o) (*(volatile uint8_t *)((d)->common + (o)))
#define R16(d, o) (*(volatile uint16_t *)((d)->common + (o)))
#define R32(d, o) (*(volatile uint32_t *)((d)->common + (o)))
#define R64(d, o) (*(volatile uint64_t *)((d)->common + (o)))

static uint32_t
config(struct virtio_dev *d, unsigned off)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = d->device;
	w[1] = off;
	return rpc_call(d->pf, PLATFORM_CONFIG_READ, 2, 0, 0, NULL)
	    ? 0xffffffffu
	    : (uint32_t)w[0];
}

/* The capability of type want: its BAR, offset, length, and at +16. */
static int
find_cap(struct virtio_dev *d, unsigned want, unsigned *bar, uint32_t *off,
    uint32_t *len, uint32_t *extra)
{
	if (!(config(d, 0x04) >> 16 & 0x10))
		return -E_NOENT;
	for (unsigned at = config(d, 0x34) & 0xfc, n = 0; at >= 0x40 && n < 48;
	     n++) {
		uint32_t h = config(d, at);

		if ((h & 0xff) == CAP_VENDOR && (h >> 24 & 0xff) == want) {
			*bar = config(d, at + 4) & 0xff;
			*off = config(d, at + 8);
			*len = config(d, at + 12);
			*extra = want == CFG_NOTIFY ? config(d, at + 16) : 0;
			return *bar < PLATFORM_BARS ? 0 : -E_INVAL;
		}
		at = (h >> 8) & 0xfc;
	}
	return -E_NOENT;
}

/* BAR bar mapped here, once each. */
static int
bar_map(struct virtio_dev *d, unsigned bar, volatile uint8_t **p,
    uint64_t *size)
{
	static struct {
		struct virtio_dev *d;
		unsigned bar;
		volatile uint8_t *p;
		uint64_t size;
	} maps[4];
	unsigned i;
	int e;

	for (i = 0; i < 4 && maps[i].d; i++) {
		if (maps[i].d == d && maps[i].bar == bar) {
			*p = maps[i].p;
			*size = maps[i].size;
			return 0;
		}
	}
	if (i == 4)
		return -E_NOMEM;
	if ((e = platform_map_bar(d->pf, d->device, bar, p, size)))
		return e;
	maps[i].d = d;
	maps[i].bar = bar;
	maps[i].p = *p;
	maps[i].size = *size;
	return 0;
}

/* The structure of type want, len bytes of it at least. */
static int
structure(struct virtio_dev *d, unsigned want, uint32_t need,
    volatile uint8_t **p, uint32_t *extra)
{
	unsigned bar;
	uint32_t off, len;
	uint64_t size;
	int e;

	if ((e = find_cap(d, want, &bar, &off, &len, extra)) ||
	    (e = bar_map(d, bar, p, &size)))
		return e;
	if (len < need || off > size || len > size - off)
		return -E_INVAL;
	*p += off;
	return 0;
}

int
virtio_open(struct virtio_dev *d, uint64_t pf, unsigned device, uint64_t want,
    uint64_t sig, const char **why)
{
	uint64_t *w = utcb_self()->msg, copy, offered;
	uint32_t extra;

	memset(d, 0, sizeof(*d));
	d->pf = pf;
	d->device = device;
	if (structure(d, CFG_COMMON, 0x38, &d->common, &extra) ||
	    structure(d, CFG_NOTIFY, 2, &d->notify, &d->notify_mult) ||
	    structure(d, CFG_DEVICE, 1, &d->cfg, &extra)) {
		*why = "no common, notify and device configuration";
		return -E_NOENT;
	}
	w[0] = device;
	if (!(d->irq = slot_alloc()) || !(copy = slot_alloc()) ||
	    rpc_call(pf, PLATFORM_IRQ, 1, 0, d->irq, NULL) ||
	    w[0] != PLATFORM_IRQ_MSIX) {
		*why = "no MSI-X vector";
		return -E_NOENT;
	}
	if (sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(d->irq, IRQ_SIGH, 0, copy, 0, NULL)) {
		*why = "cannot bind the interrupt";
		return -E_NOENT;
	}
	sys_cap_delete(copy);
	slot_free(copy);
	/* Reset, then the handshake (3.1.1). */
	R8(d, DEVICE_STATUS) = 0;
	for (unsigned i = 0; R8(d, DEVICE_STATUS) && i < 1000000; i++)
		;
	R8(d, DEVICE_STATUS) = S_ACKNOWLEDGE | S_DRIVER;
	R32(d, DEVICE_FEATURE_SELECT) = 0;
	offered = R32(d, DEVICE_FEATURE);
	R32(d, DEVICE_FEATURE_SELECT) = 1;
	offered |= (uint64_t)R32(d, DEVICE_FEATURE) << 32;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		*why = "the device does not offer VERSION_1";
		return -E_NOSYS;
	}
	d->features = offered & (want | VIRTIO_F_VERSION_1);
	R32(d, DRIVER_FEATURE_SELECT) = 0;
	R32(d, DRIVER_FEATURE) = (uint32_t)d->features;
	R32(d, DRIVER_FEATURE_SELECT) = 1;
	R32(d, DRIVER_FEATURE) = (uint32_t)(d->features >> 32);
	R8(d, DEVICE_STATUS) |= S_FEATURES_OK;
	R16(d, MSIX_CONFIG) = 0;
	if (!(R8(d, DEVICE_STATUS) & S_FEATURES_OK) || R16(d, MSIX_CONFIG)) {
		*why = "features or MSI-X entry refused";
		return -E_INVAL;
	}
	/* Its DMA reaches all memory: on only while we drive it. */
	w[0] = device;
	w[1] = 1;
	if (rpc_call(pf, PLATFORM_BUS_MASTER, 2, 0, 0, NULL)) {
		*why = "no bus mastering";
		return -E_DENIED;
	}
	return 0;
}

int
virtq_setup(struct virtio_dev *d, struct virtq *q, unsigned index,
    uint16_t size)
{
	uint64_t bus, avail_off = 16ul * size,
		      used_off = (avail_off + 6 + 2ul * size + 4095) & ~4095ul;
	void *mem;
	int e;

	memset(q, 0, sizeof(*q));
	if (index >= R16(d, NUM_QUEUES) || !size || (size & (size - 1)))
		return -E_INVAL;
	R16(d, QUEUE_SELECT) = (uint16_t)index;
	if (size > R16(d, QUEUE_SIZE))
		return -E_INVAL;
	if ((e = platform_dma(d->pf, used_off + 6 + 8ul * size, &mem, &bus)))
		return e;
	q->dev = d;
	q->index = index;
	q->size = size;
	q->desc = mem;
	q->avail = (volatile uint16_t *)((uint8_t *)mem + avail_off);
	q->used = (volatile uint32_t *)((uint8_t *)mem + used_off);
	q->doorbell = (volatile uint16_t *)(d->notify +
	    (uint64_t)R16(d, QUEUE_NOTIFY_OFF) * d->notify_mult);
	R16(d, QUEUE_SIZE) = size;
	R16(d, QUEUE_MSIX_VECTOR) = 0;
	R64(d, QUEUE_DESC) = bus;
	R64(d, QUEUE_DRIVER) = bus + avail_off;
	R64(d, QUEUE_DEVICE) = bus + used_off;
	if (R16(d, QUEUE_MSIX_VECTOR))
		return -E_INVAL;
	R16(d, QUEUE_ENABLE) = 1;
	return 0;
}

int
virtio_ready(struct virtio_dev *d)
{
	R8(d, DEVICE_STATUS) |= S_DRIVER_OK;
	return R8(d, DEVICE_STATUS) & S_DRIVER_OK ? 0 : -E_IO;
}

void
virtq_put(struct virtq *q, uint16_t desc, uint64_t bus, uint32_t len,
    bool device_writes)
{
	if (desc >= q->size)
		return;
	q->desc[desc].addr = bus;
	q->desc[desc].len = len;
	q->desc[desc].flags = device_writes ? VIRTQ_DESC_WRITE : 0;
	q->desc[desc].next = 0;
	q->avail[2 + q->avail_idx % q->size] = desc;
	/* The descriptor before the index that publishes it (x86: stores
	 * are ordered; the compiler must not reorder them). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail[1] = ++q->avail_idx;
}

void
virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*q->doorbell = (uint16_t)q->index;
}

bool
virtq_take(struct virtq *q, uint16_t *desc, uint32_t *len)
{
	for (;;) {
		uint16_t idx = (uint16_t)(q->used[0] >> 16);
		uint32_t id;

		if (idx == q->used_seen)
			return false;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		id = q->used[1 + 2 * (q->used_seen % q->size)];
		*len = q->used[2 + 2 * (q->used_seen % q->size)];
		q->used_seen++;
		if (id < q->size) {
			*desc = (uint16_t)id;
			return true;
		}
	}
}
