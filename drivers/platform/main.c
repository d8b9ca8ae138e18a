/*
 * The platform driver: the only component that touches PCI configuration
 * space. It enumerates the buses once at start and hands each device to
 * the one client whose label its config's policy names. Device memory,
 * I/O ports and the interrupt line reach the client as core's own session
 * capabilities, opened here for exactly the device's ranges, so the client
 * needs no route to core's IO_MEM, IO_PORT or IRQ services. DMA buffers
 * are RAM the driver allocates from the quota the client paid for its
 * session, and whose bus address it alone may learn from core.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/dma.h>
#include <session/io_mem.h>
#include <session/io_port.h>
#include <session/irq.h>
#include <session/pd.h>
#include <session/platform.h>

#include "pci.h"

#define SESSIONS 8u
#define SESSION_DEVS 8u
#define DMA_PAGE 4096u

/* A core session opened on behalf of a client. */
struct core_session {
	uint64_t cap, id; /* cap 0: none */
};

/* A DMA buffer: our dataspace capability (cap 0: none), where the
 * device sees it, and what it costs the session's quota. */
struct dma_buf {
	uint64_t cap, bus, size, cost;
};

struct session {
	char label[LABEL_MAX];
	unsigned ndevs;
	unsigned dev[SESSION_DEVS]; /* indices into pci_devs */
	/* The RAM quota the client paid (init moved it into our PD) and
	 * what of it its buffers cost; held <= quota always. */
	uint64_t quota, held;
	struct dma_buf buf[PLATFORM_DMA_BUFS];
	/* Core's free RAM before the session's first buffer, for the log
	 * line that shows every buffer came back. */
	bool measured;
	uint64_t ram_before;
};

static struct session sessions[SESSIONS];
static struct session_slot slots[SESSIONS];
static struct session_table table = {"platform", 0, SESSIONS, slots};
/* Per device: its holder (session index + 1, 0: none), core sessions. */
static unsigned owner[PCI_DEVICES];
static struct core_session bar_sessions[PCI_DEVICES][PLATFORM_BARS];
static struct core_session irq_sessions[PCI_DEVICES];
static bool no_msi[PCI_DEVICES]; /* its policy says msi="no" */
static struct isa_irq isa[16];   /* from the MADT */
static struct config config;
static uint64_t ep, rcv;
static struct report devices;    /* <report devices="yes"/> */
static uint64_t dma_cap, dma_id; /* core's DMA session, once opened */
static bool reporting;

/* Takes the device capability back from the client and its holders. */
static void
core_revoke(struct core_session *c)
{
	if (c->cap)
		sys_cap_revoke(c->cap);
}

static void
core_close(struct core_session *c)
{
	if (!c->cap)
		return;
	core_revoke(c);
	session_close(c->cap, c->id);
	slot_free(c->cap);
	c->cap = 0;
}

/* The report "devices": every device found and who holds it. */
static void
report_devices(void)
{
	char *p = devices.buf;
	size_t max = devices.size, n;

	if (!reporting)
		return;
	n = (size_t)fmt_snprintf(p, max, "<devices>\n");
	for (unsigned d = 0; d < pci_ndevs && n < max; d++) {
		const struct pci_dev *v = &pci_devs[d];

		n += (size_t)fmt_snprintf(p + n, max - n,
		    " <device pci=\"%02x:%02x.%x\" vendor=\"0x%04x\" "
		    "device=\"0x%04x\" class=\"0x%06x\"",
		    v->bus, v->slot, v->fn, v->vendor, v->device, v->class);
		if (n < max && v->irq != PLATFORM_NO_IRQ)
			n += (size_t)fmt_snprintf(p + n, max - n, " irq=\"%u\"",
			    v->irq);
		if (n < max && owner[d]) {
			const char *label = sessions[owner[d] - 1].label;

			/* The label is the client's: escaped, it adds nothing.
			 */
			n += (size_t)fmt_snprintf(p + n, max - n, " owner=\"");
			if (n < max)
				n += config_escape(p + n, max - n, label,
				    strlen(label));
			if (n < max)
				n += (size_t)fmt_snprintf(p + n, max - n, "\"");
		}
		if (n < max)
			n += (size_t)fmt_snprintf(p + n, max - n, "/>\n");
	}
	if (n < max)
		n += (size_t)fmt_snprintf(p + n, max - n, "</devices>\n");
	if (n >= max) {
		log_printf("the devices report does not fit %zu bytes", max);
		return;
	}
	report_submit(&devices, n);
}

static bool
policy_matches(struct config_node p, const char *label, const struct pci_dev *d)
{
	uint64_t vendor, device, class;
	char pci[16], at[16];
	bool by_pci = !config_attr_copy(p, "pci", pci, sizeof(pci));

	/* A device goes only to a client the policy names. */
	if (!config_has_label(p) || !config_label_matches(p, label))
		return false;
	if (config_attr_u64(p, "vendor", 0x10000, &vendor) ||
	    config_attr_u64(p, "device", 0x10000, &device) ||
	    config_attr_u64(p, "class", 0x1000000, &class))
		return false;
	/* A policy without vendor, device, class and place names nothing. */
	if (vendor > 0xffff && device > 0xffff && class > 0xffffff && !by_pci)
		return false;
	fmt_snprintf(at, sizeof(at), "%02x:%02x.%x", d->bus, d->slot, d->fn);
	return (!by_pci || !strcmp(pci, at)) &&
	    (vendor > 0xffff || vendor == d->vendor) &&
	    (device > 0xffff || device == d->device) &&
	    (class > 0xffffff || class == d->class);
}

static int
create(uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request req;
	struct session n = {0};
	struct config_node p;
	unsigned held = 0;
	bool msi_ok[SESSION_DEVS];
	int i;

	if (session_request_get(w, MSG_NWORDS(info), &req))
		return -E_INVAL;
	for (unsigned d = 0; d < pci_ndevs; d++) {
		bool named = false;

		bool msi = true;

		for (int e = config_child(config_root(&config), "policy", &p);
		     !e && !named; e = config_next(p, "policy", &p))
			if ((named = policy_matches(p, req.label,
				 &pci_devs[d])) &&
			    config_attr_bool(p, "msi", true, &msi))
				named = false;
		if (!named)
			continue;
		if (owner[d]) {
			held++;
			continue;
		}
		if (n.ndevs < SESSION_DEVS) {
			msi_ok[n.ndevs] = msi;
			n.dev[n.ndevs++] = d;
		}
	}
	if (!n.ndevs) {
		log_printf("denied Platform session for '%s': %s", req.label,
		    held ? "its devices are held by another session"
			 : "no policy names it a present device");
		return -E_DENIED;
	}
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return i;
	fmt_snprintf(n.label, sizeof(n.label), "%s", req.label);
	n.quota = req.quota;
	sessions[i] = n;
	for (unsigned k = 0; k < n.ndevs; k++) {
		const struct pci_dev *d = &pci_devs[n.dev[k]];

		/* A device does DMA only once its driver asks for it. */
		pci_command(d, PCI_CMD_MASTER, false);
		owner[n.dev[k]] = (unsigned)i + 1;
		no_msi[n.dev[k]] = !msi_ok[k];
		log_printf("%04x:%04x at %02x:%02x.%x given to '%s'", d->vendor,
		    d->device, d->bus, d->slot, d->fn, n.label);
	}
	report_devices();
	w[0] = session_table_badge(&table, (unsigned)i); /* the calls took it */
	return 0;
}

/* Core's free RAM in KiB, through the DMA session (0 without one). */
static uint64_t
core_free_kib(void)
{
	if (!dma_cap || rpc_call(dma_cap, DMA_FREE_RAM, 0, 0, 0, NULL))
		return 0;
	return utcb_self()->msg[0] / 1024;
}

/* The buffer goes: every copy of its capability, then the RAM itself
 * (core unmaps it wherever it is mapped). */
static void
dma_release(struct session *s, struct dma_buf *b)
{
	sys_cap_revoke(b->cap);
	rpc_call(CAP_PD, PD_FREE, 0, b->cap, 0, NULL);
	sys_cap_delete(b->cap);
	slot_free(b->cap);
	s->held -= b->cost;
	*b = (struct dma_buf){0};
}

static int
dma_alloc(struct session *s, uint64_t bytes, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, cost, cap;
	struct dma_buf *b = NULL;
	int e;

	/* The size is the client's: bounded before it is rounded. */
	if (!bytes || bytes > PLATFORM_DMA_MAX)
		return -E_INVAL;
	cost = (bytes + DMA_PAGE - 1) / DMA_PAGE * DMA_PAGE + PLATFORM_DMA_COST;
	if (cost > s->quota - s->held)
		return -E_NOMEM;
	for (unsigned k = 0; k < PLATFORM_DMA_BUFS && !b; k++)
		if (!s->buf[k].cap)
			b = &s->buf[k];
	if (!b)
		return -E_NOMEM;
	if (!dma_cap &&
	    (e = session_open_args("DMA", "", "", 0, &dma_cap, &dma_id))) {
		dma_cap = 0;
		log_printf("no DMA session from core: error %d", -e);
		return -E_DENIED;
	}
	if (!s->measured) {
		s->ram_before = core_free_kib();
		s->measured = true;
	}
	if (!(cap = slot_alloc()))
		return -E_NOMEM;
	w[0] = bytes;
	if ((e = (int)rpc_call(CAP_PD, PD_ALLOC, 1, 0, cap, NULL)))
		goto no_ds;
	if ((e = (int)rpc_call(dma_cap, DMA_ADDR, 0, cap, 0, NULL)))
		goto no_addr;
	*b = (struct dma_buf){cap, w[0], w[1], cost};
	s->held += cost;
	r->cap = cap;
	/* Writable where the client maps it, and passed on to core. */
	r->rights = RIGHT_ALL;
	r->words = 2;
	return 0;
no_addr:
	rpc_call(CAP_PD, PD_FREE, 0, cap, 0, NULL);
	sys_cap_delete(cap);
no_ds:
	slot_free(cap);
	return e;
}

static int
dma_free(struct session *s, uint64_t bus)
{
	for (unsigned k = 0; k < PLATFORM_DMA_BUFS; k++) {
		if (s->buf[k].cap && s->buf[k].bus == bus) {
			dma_release(s, &s->buf[k]);
			return 0;
		}
	}
	return -E_NOENT;
}

/* Neither MSI nor INTx from a device nobody drives. */
static void
irq_off(const struct pci_dev *d)
{
	if (d->msi)
		pci_write(d, d->msi, pci_read(d, d->msi) & ~(1u << 16));
	if (d->msix)
		pci_write(d, d->msix, pci_read(d, d->msix) & ~(1u << 31));
	pci_command(d, PCI_CMD_INTX_OFF, true);
}

static void
session_end(uint64_t id)
{
	struct session *s;
	unsigned freed = 0;
	int i;

	if ((i = server_session_close(&table, id)) < 0)
		return;
	s = &sessions[i];
	for (unsigned k = 0; k < s->ndevs; k++) {
		unsigned d = s->dev[k];

		/* No DMA by a device nobody drives. */
		pci_command(&pci_devs[d], PCI_CMD_MASTER, false);
		owner[d] = 0;
		/* The device capabilities die, wherever the client put them. */
		for (unsigned b = 0; b < PLATFORM_BARS; b++)
			core_close(&bar_sessions[d][b]);
		irq_off(&pci_devs[d]);
		core_close(&irq_sessions[d]);
	}
	/* Bus mastering is off: no device writes the RAM as it goes. */
	for (unsigned k = 0; k < PLATFORM_DMA_BUFS; k++) {
		if (s->buf[k].cap) {
			dma_release(s, &s->buf[k]);
			freed++;
		}
	}
	if (s->measured)
		log_printf("DMA: '%s' closed, %u buffers freed; core free RAM "
			   "%lu KiB (%lu KiB before its first buffer)",
		    s->label, freed, core_free_kib(), s->ram_before);
	report_devices();
}

/* Opens a core session for the client; the reply carries its cap. */
static int
core_open(const char *service, const char *args, struct core_session *c,
    struct reply *r)
{
	int e;

	core_close(c);
	if ((e = session_open_args(service, "", args, 0, &c->cap, &c->id))) {
		c->cap = 0;
		return e;
	}
	r->cap = c->cap;
	/* Without GRANT the kernel would not pass the copy on. */
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	return 0;
}

/*
 * Entry 0 of the device's MSI-X table (in one of its memory BARs) gets
 * the address and data and is unmasked; the rest stay masked. The table
 * is written through the BAR's core session: the driver's, if it has
 * asked for the BAR already (a session's dataspace is one, whoever asks),
 * else one opened here, which the driver's later PLATFORM_IO_MEM
 * replaces (the device keeps what was written).
 */
static int
msix_program(unsigned dev, uint64_t addr, uint32_t data)
{
	const struct pci_dev *d = &pci_devs[dev];
	uint32_t where = pci_read(d, d->msix + 4u);
	unsigned bir = where & 7u;
	uint64_t off = where & ~7u, *w = utcb_self()->msg, ds;
	struct core_session *c;
	char args[ARGS_MAX];
	void *p;
	int e;

	if (bir >= PLATFORM_BARS ||
	    (d->bar[bir].kind & 0xff) != PLATFORM_BAR_MEM ||
	    off + 16 > d->bar[bir].size || !(ds = slot_alloc()))
		return -E_INVAL;
	c = &bar_sessions[dev][bir];
	if (!c->cap) {
		fmt_snprintf(args, sizeof(args), "base=0x%lx size=0x%lx wc=0",
		    d->bar[bir].base, d->bar[bir].size);
		if ((e = session_open_args("IO_MEM", "", args, 0, &c->cap,
			 &c->id))) {
			c->cap = 0;
			slot_free(ds);
			return e;
		}
	}
	pci_command(d, PCI_CMD_MEM, true);
	w[0] = d->bar[bir].size;
	if ((e = (int)rpc_call(c->cap, IO_MEM_DATASPACE, 1, 0, ds, NULL)) ||
	    (e = ds_attach(ds, (off + 16 + 4095) & ~4095ul, 1, &p))) {
		sys_cap_delete(ds);
		slot_free(ds);
		return e;
	}
	volatile uint32_t *entry = (volatile uint32_t *)((char *)p + off);

	entry[0] = (uint32_t)addr;
	entry[1] = (uint32_t)(addr >> 32);
	entry[2] = data;
	entry[3] = 0;   /* unmasked */
	(void)entry[3]; /* the writes reach the device before we go on */
	ds_detach(p);
	sys_cap_delete(ds);
	slot_free(ds);
	return 0;
}

/*
 * The device's interrupt: an MSI where the device has the capability and
 * its policy allows, programmed here (the driver never writes it), else
 * its INTx line, level-triggered at the I/O APIC input the MADT names for
 * it (active low unless an override says high), shared by every device
 * on the line, each driver with its own core session.
 */
static int
irq_open(unsigned dev, struct reply *r)
{
	const struct pci_dev *d = &pci_devs[dev];
	struct core_session *c = &irq_sessions[dev];
	uint64_t *w = utcb_self()->msg;
	char args[48];
	uint64_t vector;
	int e;

	irq_off(d);
	if (d->msix && !no_msi[dev]) {
		if ((e = core_open("IRQ", "msi=1", c, r)))
			return e;
		/* Enabled with the function masked while entry 0 is written. */
		pci_write(d, d->msix, pci_read(d, d->msix) | 3u << 30);
		if ((e = (int)rpc_call(c->cap, IRQ_MSI_MESSAGE, 0, 0, 0,
			 NULL)) ||
		    (vector = w[1],
			e = msix_program(dev, w[0], (uint32_t)w[1]))) {
			irq_off(d);
			core_close(c);
			r->cap = 0;
			return e;
		}
		pci_write(d, d->msix, pci_read(d, d->msix) & ~(1u << 30));
		pci_command(d, PCI_CMD_MASTER, true);
		log_printf("%02x:%02x.%x: MSI-X, vector %lu at entry 0 (bus "
			   "master)",
		    d->bus, d->slot, d->fn, vector);
		w = utcb_self()->msg;
		w[0] = PLATFORM_IRQ_MSIX;
		w[1] = vector;
		r->words = 2;
		return 0;
	}
	if (d->msi && !no_msi[dev]) {
		unsigned at = d->msi, ctl;

		if ((e = core_open("IRQ", "msi=1", c, r)))
			return e;
		if ((e = (int)rpc_call(c->cap, IRQ_MSI_MESSAGE, 0, 0, 0,
			 NULL))) {
			core_close(c);
			r->cap = 0;
			return e;
		}
		/* Address, then the 16-bit data after the high address if
		 * the device takes 64-bit addresses; one message. */
		ctl = pci_read(d, at) >> 16;
		pci_write(d, at + 4, (uint32_t)w[0]);
		if (ctl & 0x80)
			pci_write(d, at + 8, (uint32_t)(w[0] >> 32));
		pci_write(d, at + (ctl & 0x80 ? 12 : 8), (uint16_t)w[1]);
		pci_write(d, at, (pci_read(d, at) & ~(7u << 20)) | 1u << 16);
		/* An MSI is a memory write by the device. */
		pci_command(d, PCI_CMD_MASTER, true);
		vector = w[1];
		log_printf("%02x:%02x.%x: MSI, vector %lu (bus master)", d->bus,
		    d->slot, d->fn, vector);
		w[0] = PLATFORM_IRQ_MSI;
		w[1] = vector;
		r->words = 2;
		return 0;
	}
	if (d->irq == PLATFORM_NO_IRQ)
		return -E_NOENT;
	const struct isa_irq *l = &isa[d->irq];

	fmt_snprintf(args, sizeof(args), "irq=%u level=1 low=%u", l->gsi,
	    l->overridden ? l->low : 1);
	if ((e = core_open("IRQ", args, c, r)))
		return e;
	pci_command(d, PCI_CMD_INTX_OFF, false);
	log_printf("%02x:%02x.%x: INTx, I/O APIC input %u", d->bus, d->slot,
	    d->fn, l->gsi);
	w = utcb_self()->msg; /* the log call used the words */
	w[0] = PLATFORM_IRQ_INTX;
	w[1] = l->gsi;
	r->words = 2;
	return 0;
}

static int
device_call(struct session *s, uint64_t label)
{
	uint64_t *w = utcb_self()->msg;
	const struct pci_dev *d;

	if (w[0] >= s->ndevs)
		return -E_NOENT;
	d = &pci_devs[s->dev[w[0]]];
	if (label == PLATFORM_BUS_MASTER) {
		pci_command(d, PCI_CMD_MASTER, w[1] != 0);
		return 0;
	}
	w[0] = d->vendor | (uint64_t)d->device << 16;
	w[1] = d->class;
	w[2] = (uint64_t)d->bus << 8 | d->slot << 3 | d->fn;
	w[3] = d->irq;
	w[4] = d->sub_vendor | (uint64_t)d->sub_device << 16;
	return 5;
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, label = MSG_LABEL(info);
	struct session *s;
	const struct pci_bar *b;
	unsigned dev;
	char args[ARGS_MAX];
	int e;

	if (!badge && label == ROOT_CREATE)
		return create(info, r);
	if (!badge && label == ROOT_CLOSE) {
		session_end(w[0]);
		return 0;
	}
	if ((e = session_table_lookup(&table, badge)) < 0)
		return e;
	s = &sessions[e];
	if (label == PLATFORM_DMA_ALLOC || label == PLATFORM_DMA_FREE) {
		if (MSG_NWORDS(info) < 1)
			return -E_INVAL;
		return label == PLATFORM_DMA_ALLOC ? dma_alloc(s, w[0], r)
						   : dma_free(s, w[0]);
	}
	if (MSG_NWORDS(info) < 1 || w[0] >= s->ndevs)
		return -E_NOENT;
	dev = s->dev[w[0]];
	switch (label) {
	case PLATFORM_DEVICE:
	case PLATFORM_BUS_MASTER:
		if ((e = device_call(s, label)) > 0)
			r->words = (unsigned)e;
		return e < 0 ? e : 0;
	case PLATFORM_BAR:
	case PLATFORM_IO_MEM:
	case PLATFORM_IO_PORT:
		if (MSG_NWORDS(info) < 2 || w[1] >= PLATFORM_BARS)
			return -E_INVAL;
		b = &pci_devs[dev].bar[w[1]];
		if (label == PLATFORM_BAR) {
			w[2] = b->kind;
		} else if (label == PLATFORM_IO_MEM) {
			if ((b->kind & 0xff) != PLATFORM_BAR_MEM)
				return -E_INVAL;
			fmt_snprintf(args, sizeof(args),
			    "base=0x%lx size=0x%lx wc=%u", b->base, b->size,
			    MSG_NWORDS(info) > 2 && w[2] ? 1u : 0u);
			if ((e = core_open("IO_MEM", args,
				 &bar_sessions[dev][w[1]], r)))
				return e;
			pci_command(&pci_devs[dev], PCI_CMD_MEM, true);
		} else {
			if ((b->kind & 0xff) != PLATFORM_BAR_IO)
				return -E_INVAL;
			fmt_snprintf(args, sizeof(args),
			    "base=0x%lx size=0x%lx", b->base, b->size);
			if ((e = core_open("IO_PORT", args,
				 &bar_sessions[dev][w[1]], r)))
				return e;
			pci_command(&pci_devs[dev], PCI_CMD_IO, true);
		}
		w[0] = b->base;
		w[1] = b->size;
		r->words = label == PLATFORM_BAR ? 3 : 2;
		return 0;
	case PLATFORM_IRQ:
		return irq_open(dev, r);
	case PLATFORM_CONFIG_READ:
		/* Past 0x100 without ECAM: all ones, as a bus answers. */
		if (MSG_NWORDS(info) < 2 || (w[1] & 3) || w[1] >= 0x1000)
			return -E_INVAL;
		w[0] = pci_read(&pci_devs[dev], (unsigned)w[1]);
		r->words = 1;
		return 0;
	}
	return -E_NOSYS;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	r->error = call(badge, info, r);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t io, id;
	struct config_node node;
	int e;

	if (config_load(&config))
		return 1;
	if (session_open_args("IO_PORT", "", "base=0xcf8 size=8", 0, &io,
		&id) ||
	    rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL)) {
		log_printf("cannot get the PCI configuration ports");
		return 1;
	}
	struct pci_ecam ecam;

	if ((e = acpi_mcfg(&ecam)))
		log_printf("no ECAM (MCFG: code %d): configuration ports only",
		    -e);
	else if ((e = pci_ecam_use(&ecam)))
		log_printf("ECAM at 0x%lx not mapped (code %d): configuration "
			   "ports only",
		    ecam.base, -e);
	else
		log_printf("ECAM at 0x%lx, buses %u-%u", ecam.base,
		    ecam.bus_first,
		    ecam.bus_last < ecam.bus_first + PCI_ECAM_BUSES
			? ecam.bus_last
			: ecam.bus_first + PCI_ECAM_BUSES - 1);
	pci_scan();
	if ((e = acpi_madt(isa)))
		log_printf("no MADT (code %d): ISA lines at their own I/O APIC "
			   "inputs",
		    -e);
	for (unsigned i = 0; i < 16; i++)
		if (isa[i].overridden)
			log_printf(
			    "ISA IRQ %u at I/O APIC input %u, %s, active "
			    "%s",
			    i, isa[i].gsi, isa[i].level ? "level" : "edge",
			    isa[i].low ? "low" : "high");
	if (!config_child(config_root(&config), "report", &node) &&
	    !config_attr_bool(node, "devices", false, &reporting) &&
	    reporting && (e = report_open(&devices, "devices", 8 * 1024))) {
		log_printf("no Report session for the devices: error %d", -e);
		reporting = false;
	}
	report_devices();
	if (object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    service_announce("Platform", ep)) {
		log_printf("cannot announce Platform");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
