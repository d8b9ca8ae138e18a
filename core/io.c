/*
 * Device sessions: I/O ports, device memory and interrupt lines, each for
 * one component at a time, never what the kernel drives; and DMA, which
 * tells the one component that holds it (the platform driver) the
 * physical address of a RAM dataspace.
 */
#include "service.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/io_mem.h>
#include <session/io_port.h>
#include <session/dma.h>
#include <session/irq.h>

static bool
overlaps(uint64_t base, uint64_t size, uint64_t b, uint64_t n)
{
	return base < b + n && b < base + size;
}

/*
 * What the kernel drives itself: the local and I/O APICs (core hands out
 * no page of them), the PICs, the PIT's gate port 0x61, the reset ports
 * 0x92 and 0xcf9, the debug-exit port and core's serial port. A component
 * with any of them could take the whole machine down. The PIT's channel
 * ports stay free: the kernel calibrates with them before core runs, and
 * the timer driver drives them after.
 */
static const struct {
	uint64_t base, size;
} kept_mem[] = {{0xfec00000, 0x100000}, {0xfee00000, 0x100000}},
  kept_ports[] = {{0x20, 2}, {0xa0, 2}, {0x4d0, 2}, {0x61, 1}, {0x92, 1},
      {0xcf9, 1}, {EXIT_PORT, 1}, {0x3f8, 8}};

/* Device memory is what the loader did not call RAM; exclusive, too. */
static bool
io_mem_taken(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < sizeof(kept_mem) / sizeof(kept_mem[0]); i++)
		if (overlaps(base, size, kept_mem[i].base, kept_mem[i].size))
			return true;
	for (unsigned i = 0; i < core_boot->nram; i++)
		if (overlaps(base, size, core_boot->ram[i].base,
			core_boot->ram[i].size))
			return true;
	for (unsigned k = 0; k < SESSIONS; k++)
		if (slots[k].used && sessions[k].kind == K_IOMEM &&
		    overlaps(base, size, sessions[k].base, sessions[k].size))
			return true;
	return false;
}

/*
 * Core keeps what the kernel drives; ranges are exclusive. 0xcf9 shares
 * the PCI configuration address register's dword (0xcf8-0xcfb): it goes
 * only with that whole register, to the one driver that takes it first,
 * the platform driver.
 */
static bool
io_taken(uint64_t base, uint64_t size)
{
	bool pci = base == 0xcf8 && (size == 4 || size == 8);

	for (unsigned i = 0; i < sizeof(kept_ports) / sizeof(kept_ports[0]);
	     i++)
		if (overlaps(base, size, kept_ports[i].base,
			kept_ports[i].size) &&
		    !(pci && kept_ports[i].base == 0xcf9))
			return true;
	for (unsigned k = 0; k < SESSIONS; k++)
		if (slots[k].used && sessions[k].kind == K_IO &&
		    overlaps(base, size, sessions[k].base, sessions[k].size))
			return true;
	return false;
}

int
device_call(unsigned s, uint64_t label, uint64_t info)
{
	struct pd_session *p;
	int e;

	if (sessions[s].kind == K_IO && label == IO_PORT_ACCESS) {
		if (!(p = received_pd(info)) || sessions[s].io_pd)
			return -E_CAP;
		if ((e = pds_io(p, sessions[s].base, sessions[s].size, true)))
			return e;
		sessions[s].io_pd = p;
		return 0;
	}
	if (sessions[s].kind == K_IOMEM && label == IO_MEM_MAP) {
		uint64_t va = utcb_self()->msg[0];
		unsigned flags = MAP_W | (sessions[s].wc ? MAP_WC : MAP_UC);

		if (!(p = received_pd(info)) || sessions[s].io_pd)
			return -E_CAP;
		if ((va & (PAGE - 1)) || va >= USER_TOP ||
		    sessions[s].size > USER_TOP - va)
			return -E_INVAL;
		/* A mapping that fails halfway is taken back: device memory
		 * stays mapped only while the session can unmap it. */
		for (uint64_t off = 0; off < sessions[s].size; off += PAGE) {
			if ((e = pd_map(p->pd, va + off, sessions[s].base + off,
				 flags, p))) {
				while (off) {
					off -= PAGE;
					sys_unmap(p->pd, va + off);
				}
				return e;
			}
		}
		sessions[s].io_pd = p;
		sessions[s].va = va;
		return 0;
	}
	if (sessions[s].kind == K_IOMEM && label == IO_MEM_DATASPACE) {
		uint64_t bytes = utcb_self()->msg[0];
		struct dataspace *ds = sessions[s].ds;

		if (!ds) {
			if (!bytes || (bytes & (PAGE - 1)) ||
			    bytes > sessions[s].size)
				return -E_INVAL;
			if (!(ds = ds_device(sessions[s].base, bytes,
				  sessions[s].wc ? MAP_WC : MAP_UC)))
				return -E_NOMEM;
			sessions[s].ds = ds;
		}
		utcb_self()->msg[0] = (uint64_t)ds->pages * PAGE;
		reply_words = 1;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		return 0;
	}
	if (sessions[s].kind == K_DMA && label == DMA_ADDR) {
		struct dataspace *ds = received_ds(info);
		uint64_t *w = utcb_self()->msg;

		/* RAM only: not a boot module, device memory or region map. */
		if (!ds || ds->managed || ds->cache || ds->rom || !ds->owner ||
		    !ds->writable)
			return -E_CAP;
		w[0] = ds->pa;
		w[1] = (uint64_t)ds->pages * PAGE;
		reply_words = 2;
		return 0;
	}
	if (sessions[s].kind == K_DMA && label == DMA_FREE_RAM) {
		utcb_self()->msg[0] = frame_free_count() * PAGE;
		reply_words = 1;
		return 0;
	}
	if (sessions[s].kind == K_IRQ && label == IRQ_SIGH) {
		if (MSG_NCAPS(info) != 1 || sessions[s].irq.slot)
			return -E_INVAL;
		return kobj_new(KOBJ_IRQ, sessions[s].source, core_rcv,
		    &sessions[s].irq);
	}
	if (sessions[s].kind == K_IRQ && label == IRQ_MSI_MESSAGE) {
		if (!(sessions[s].source & IRQ_MSI))
			return -E_INVAL;
		utcb_self()->msg[0] = core_boot->msi_address;
		utcb_self()->msg[1] =
		    IRQ_MSI_VECTOR + (sessions[s].source & 0xff);
		reply_words = 2;
		return 0;
	}
	if (sessions[s].kind == K_IRQ && label == IRQ_ACK)
		return sessions[s].irq.slot
		    ? (int)sys_irq_ack(sessions[s].irq.slot)
		    : -E_INVAL;
	return -E_NOSYS;
}

/*
 * The source an IRQ session asks for: "msi=1" takes a free MSI vector;
 * "irq=G" is I/O APIC input G, edge-triggered and active high unless
 * "level=1" and "low=1" say otherwise. Level inputs are shared between
 * sessions that ask for the same mode (one per device on the line),
 * edge inputs are not. Negative: refused.
 */
static int
irq_source(unsigned s, const char *args)
{
	uint64_t g = session_arg(args, "irq", IRQ_GSI_MAX);
	unsigned source = (unsigned)g |
	    (session_arg(args, "level", 0) ? IRQ_LEVEL : 0) |
	    (session_arg(args, "low", 0) ? IRQ_LOW : 0);
	uint64_t used = 0;

	for (unsigned k = 0; k < SESSIONS; k++)
		if (slots[k].used && k != s && sessions[k].kind == K_IRQ &&
		    (sessions[k].source & IRQ_MSI))
			used |= 1ull << (sessions[k].source & 0xff);
	if (session_arg(args, "msi", 0)) {
		for (unsigned n = 0; n < IRQ_MSI_COUNT; n++)
			if (!(used & (1ull << n)))
				return (int)(IRQ_MSI | n);
		return -E_NOMEM;
	}
	if (g >= IRQ_GSI_MAX)
		return -E_RANGE;
	for (unsigned k = 0; k < SESSIONS; k++)
		if (slots[k].used && k != s && sessions[k].kind == K_IRQ &&
		    (sessions[k].source & 0xff) == g &&
		    !(sessions[k].source & IRQ_MSI) &&
		    (!(source & IRQ_LEVEL) || sessions[k].source != source))
			return -E_BUSY;
	return (int)source;
}

int
io_open(unsigned s, const char *service, const struct session_request *r,
    const char *label)
{
	int e;

	if (!strcmp(service, "IO_PORT")) {
		uint64_t base = session_arg(r->args, "base", 0x10000);
		uint64_t size = session_arg(r->args, "size", 0);

		if (!size || base >= 0x10000 || size > 0x10000 - base ||
		    io_taken(base, size)) {
			log_printf("core: I/O ports '%s' refused for '%s'",
			    r->args, label);
			return -E_DENIED;
		}
		sessions[s].kind = K_IO;
		sessions[s].base = base;
		sessions[s].size = size;
		return reply_device(&io_table, s) ? -E_NOMEM : 0;
	}
	if (!strcmp(service, "IO_MEM")) {
		uint64_t base = session_arg(r->args, "base", 0);
		uint64_t size = session_arg(r->args, "size", 0);

		if (!size || (base | size) & (PAGE - 1) || base + size < base ||
		    io_mem_taken(base, size)) {
			log_printf("core: device memory '%s' refused for '%s'",
			    r->args, label);
			return -E_DENIED;
		}
		sessions[s].kind = K_IOMEM;
		sessions[s].base = base;
		sessions[s].size = size;
		sessions[s].wc = session_arg(r->args, "wc", 0);
		return reply_device(&iomem_table, s) ? -E_NOMEM : 0;
	}
	if (!strcmp(service, "DMA")) {
		/* One holder: the platform driver, which asks first. */
		for (unsigned k = 0; k < SESSIONS; k++)
			if (slots[k].used && k != s &&
			    sessions[k].kind == K_DMA) {
				log_printf("core: DMA refused for '%s': held "
					   "by another",
				    label);
				return -E_DENIED;
			}
		sessions[s].kind = K_DMA;
		return reply_device(&dma_table, s) ? -E_NOMEM : 0;
	}
	if ((e = irq_source(s, r->args)) < 0) {
		log_printf("core: IRQ '%s' refused for '%s'", r->args, label);
		return -E_DENIED;
	}
	sessions[s].kind = K_IRQ;
	sessions[s].source = (unsigned)e;
	return reply_device(&irq_table, s) ? -E_NOMEM : 0;
}

/* What the session gave goes: ports, mappings, the dataspace, the IRQ. */
void
io_close(unsigned s)
{
	struct session *d = &sessions[s];

	if (d->kind == K_IO && d->io_pd && d->io_pd->used)
		pds_io(d->io_pd, d->base, d->size, false);
	if (d->kind == K_IOMEM && d->io_pd && d->io_pd->used)
		for (uint64_t off = 0; off < d->size; off += PAGE)
			sys_unmap(d->io_pd->pd, d->va + off);
	if (d->kind == K_IOMEM && d->ds)
		ds_free(d->ds); /* unmapped wherever it is */
	if (d->kind == K_IRQ && d->irq.slot)
		kobj_free(&d->irq);
}
