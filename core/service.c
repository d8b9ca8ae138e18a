/*
 * Core's services: it is init's parent (log, exit, sessions), and it
 * provides PD and ROM sessions. Every capability core hands out is a copy
 * of its one endpoint, badged with what it names (kind, generation, index);
 * a capability core receives back is checked to name that endpoint, and a
 * stale generation finds nothing.
 */
#include "core.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/session_table.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/io_mem.h>
#include <session/io_port.h>
#include <session/irq.h>
#include <session/pd.h>
#include <session/rom.h>

enum kind {
	K_CHILD = 1,
	K_PD = 2,
	K_ROM = 3,
	K_DS = 4,
	K_IO = 5,
	K_IRQ = 6,
	K_IOMEM = 7,
	K_FAULT = 8,
	K_PD_OWN = 9, /* a PD's own session: no say over its faults */
};

#define BADGE(kind, gen, idx) \
	(((uint64_t)(kind) << 56) | ((uint64_t)(gen) << 24) | (idx))
#define BADGE_KIND(b) ((unsigned)(((b) >> 56) & 0x7f))
#define BADGE_GEN(b) ((uint32_t)(((b) >> 24) & 0xffffffff))
#define BADGE_IDX(b) ((b)&0xffffff)
#define SESSIONS 256u
/* init's CPU quota (per mille): its own thread's claim, and what is left
 * for the PDs it asks for, with their "cpu" argument. */
#define INIT_CPU (QUOTA_FULL / 4)
#define INIT_CPU_OWN (QUOTA_FULL / 20)

static const struct boot_info *bi;
static struct kobj_ref ep;
static struct pds *init;
static uint64_t rcv_slot;
static uint64_t info_pa, info_len; /* the ROM platform_info */
static struct {
	enum kind kind;
	struct pds *pd;       /* K_PD */
	uint64_t quota;       /* moved from init's quota */
	unsigned cpu;         /* K_PD: CPU budget moved from init's */
	unsigned module;      /* K_ROM */
	uint64_t base, size;  /* K_IO */
	struct pds *io_pd;    /* K_IO: who got the ports */
	unsigned line;        /* K_IRQ */
	bool wc;              /* K_IOMEM: write-combining */
	uint64_t va;          /* K_IOMEM: where it is mapped */
	struct dataspace *ds; /* K_IOMEM: as a dataspace, once asked for */
	struct kobj_ref irq;  /* K_IRQ: the kernel object, once bound */
} sessions[SESSIONS];
/*
 * Which slots are taken, with their generations: every session takes and
 * frees its slot through io_table. Device sessions are badged through the
 * table of their kind (all three share the slots), and core keeps the
 * capability it gave out, to revoke it on close.
 */
static struct session_slot slots[SESSIONS];
static struct session_table io_table = {"core", K_IO, SESSIONS, slots},
			    iomem_table = {"core", K_IOMEM, SESSIONS, slots},
			    irq_table = {"core", K_IRQ, SESSIONS, slots};

/* Reply state, filled by the handlers. */
static uint64_t reply_words, reply_cap_badge, reply_cap_src;
static int reply_cap_kind;
static unsigned reply_cap_rights;

/*
 * The capability to send back. For a dataspace, RIGHT_RECV means that it
 * may be mapped writable: ROM dataspaces go without it.
 */
static void
reply_cap(enum kind kind, uint32_t gen, uint64_t idx, unsigned rights)
{
	reply_cap_kind = kind;
	reply_cap_badge = BADGE(kind, gen, idx);
	reply_cap_rights = rights;
}

/* A device session's capability, kept in its slot until the close. */
static int
reply_device(const struct session_table *t, unsigned s)
{
	uint64_t cap = cap_alloc();

	if (!cap ||
	    sys_cap_derive(ep.slot, 0, cap, RIGHT_SEND | RIGHT_GRANT,
		session_table_badge(t, s))) {
		if (cap)
			cap_free(cap);
		return -E_NOMEM;
	}
	slots[s].cap = cap;
	reply_cap_kind = (int)t->kind;
	reply_cap_src = cap;
	reply_cap_rights = RIGHT_SEND | RIGHT_GRANT;
	return 0;
}

/* A dataspace capability that came with the message, or NULL. */
static struct dataspace *
received_ds(uint64_t info)
{
	struct utcb *u = utcb_self();
	uint64_t b = u->rcv_badges[0];

	if (MSG_NCAPS(info) != 1 || sys_cap_same(rcv_slot, ep.slot) != 1 ||
	    BADGE_KIND(b) != K_DS)
		return NULL;
	return ds_of(BADGE_IDX(b), BADGE_GEN(b));
}

/* A PD session capability that came with the message, or NULL. */
static struct pds *
received_pd(uint64_t info)
{
	uint64_t b = utcb_self()->rcv_badges[0];

	if (MSG_NCAPS(info) != 1 || sys_cap_same(rcv_slot, ep.slot) != 1 ||
	    (BADGE_KIND(b) != K_PD && BADGE_KIND(b) != K_PD_OWN))
		return NULL;
	return pds_of(BADGE_IDX(b), BADGE_GEN(b));
}

/*
 * A capability into p at slot. A PD session capability goes as the PD's
 * own: whoever gets it runs the PD but cannot replace its fault signal or
 * clear its fault record, which are for the holder of the session.
 */
static int
give(struct pds *p, uint64_t info, uint64_t slot, unsigned rights,
    uint64_t badge)
{
	struct pds *q = received_pd(info);
	uint64_t own;
	int e;

	if (!q)
		return pds_give(p, rcv_slot, slot, rights, badge);
	if (!(own = cap_alloc()))
		return -E_NOMEM;
	e = (int)sys_cap_derive(ep.slot, 0, own, RIGHT_SEND | RIGHT_GRANT,
	    BADGE(K_PD_OWN, q->gen, pds_index(q)));
	if (!e)
		e = pds_give(p, own, slot, rights, 0);
	sys_cap_delete(own);
	cap_free(own);
	return e;
}

static int
pd_call(struct pds *p, bool own, uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg, id;
	struct dataspace *ds;
	int e;

	/* Its faults are for its parent to see, not for the PD to hide. */
	if (own && (label == PD_FAULT_SIGH || label == PD_FAULT)) {
		log_printf("core: '%s' may not replace its fault signal or "
			   "clear its fault",
		    p->label);
		return -E_DENIED;
	}
	switch (label) {
	case PD_ALLOC:
		if ((e = pds_alloc(p, w[0], &ds)))
			return e;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		w[0] = ds->pages;
		reply_words = 1;
		return 0;
	case PD_FREE:
		if (!(ds = received_ds(info)) || ds->owner != p)
			return -E_CAP;
		ds_free(ds);
		return 0;
	case PD_MAP:
		if (!(ds = received_ds(info)))
			return -E_CAP;
		if ((w[1] & MAP_W) &&
		    !((sys_cap_info(rcv_slot) >> 8) & RIGHT_RECV))
			return -E_RIGHTS;
		return pds_map(p, ds, w[0], (unsigned)w[1] & (MAP_W | MAP_X));
	case PD_UNMAP:
		return pds_unmap(p, w[0]);
	case PD_THREAD: {
		struct thread_args a = {.entry = w[0],
		    .sp = w[1],
		    .arg = w[2],
		    .utcb = w[3],
		    .prio = (unsigned)w[4],
		    .quota = (unsigned)w[5],
		    .fault_ep = ep.slot,
		    .badge =
			BADGE(K_FAULT, p->gen, pds_index(p) * PDS_THREADS)};

		/* Priorities and quotas stay within what core gave init. */
		if (a.prio > PRIORITY_MAX / 2)
			a.prio = PRIORITY_MAX / 2;
		if ((e = pds_thread(p, &a, &id)))
			return e;
		w[0] = id;
		reply_words = 1;
		return 0;
	}
	case PD_GIVE:
		if (MSG_NCAPS(info) != 1 || w[0] < CAP_CHILD_FIRST_FREE - 5)
			return -E_INVAL;
		return give(p, info, w[0], (unsigned)w[1], w[2]);
	case PD_STOP:
		return pds_stop(p, w[0]);
	case PD_QUOTA:
		w[0] = p->quota;
		w[1] = p->spent;
		reply_words = 2;
		return 0;
	case PD_OBJECT:
		return pds_object(p, (unsigned)w[0], w[1]);
	case PD_FAULT_SIGH:
		if (MSG_NCAPS(info) != 1)
			return -E_INVAL;
		if (!p->fault_sigh && !(p->fault_sigh = cap_alloc()))
			return -E_NOMEM;
		sys_cap_delete(p->fault_sigh);
		return (int)sys_cap_derive(rcv_slot, 0, p->fault_sigh,
		    RIGHT_SEND, 0);
	case PD_FAULT:
		w[0] = p->fault.kind;
		w[1] = p->fault.addr;
		w[2] = p->fault.ip;
		w[3] = p->fault.thread;
		memset(&p->fault, 0, sizeof(p->fault));
		reply_words = 4;
		return 0;
	case PD_RM_CREATE:
		if ((e = ds_managed(p, w[0], &ds)))
			return e;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		return 0;
	}
	return -E_NOSYS;
}

static const char *
last_element(const char *label)
{
	const char *last = label;

	for (const char *p = label; *p; p++)
		if (!strncmp(p, " -> ", 4))
			last = p + 4;
	return last;
}

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
	for (unsigned i = 0; i < bi->nram; i++)
		if (overlaps(base, size, bi->ram[i].base, bi->ram[i].size))
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

static int
open_kind(uint64_t info, unsigned s)
{
	uint64_t *w = utcb_self()->msg, quota;
	struct session_request r;
	char full[LABEL_MAX];
	const char *service = r.service;

	/* What the slot's last session left must not look taken. */
	memset(&sessions[s], 0, sizeof(sessions[s]));
	if (session_request_get(w, MSG_NWORDS(info), &r))
		return -E_INVAL;
	quota = r.quota;
	fmt_snprintf(full, sizeof(full), r.label[0] ? "init -> %s" : "init",
	    r.label);
	if (!strcmp(service, "PD")) {
		uint64_t cpu = session_arg(r.args, "cpu", 0);
		struct pds *p;

		if (quota > pds_free_bytes(init)) {
			log_printf(
			    "core: no PD for '%s': %lu bytes asked, init "
			    "has %lu",
			    full, quota, pds_free_bytes(init));
			return -E_NOMEM;
		}
		/* CPU quota, like RAM, comes out of init's. */
		if (cpu > init->cpu - init->cpu_given) {
			log_printf("core: PD '%s' refused: cpu %lu per mille, "
				   "init has %u left",
			    full, cpu, init->cpu - init->cpu_given);
			return -E_NOMEM;
		}
		if (!(p = pds_create(full, quota, (unsigned)cpu)))
			return -E_NOMEM;
		init->quota -= quota;
		init->cpu_given += (unsigned)cpu;
		sessions[s].pd = p;
		sessions[s].quota = quota;
		sessions[s].cpu = (unsigned)cpu;
		sessions[s].kind = K_PD;
		reply_cap(K_PD, p->gen, pds_index(p), RIGHT_SEND | RIGHT_GRANT);
	} else if (!strcmp(service, "ROM") &&
	    !strcmp(last_element(full), "platform_info") && info_pa) {
		sessions[s].kind = K_ROM;
		sessions[s].module = bi->nmods;
		reply_cap(K_ROM, 0, bi->nmods, RIGHT_SEND | RIGHT_GRANT);
	} else if (!strcmp(service, "ROM")) {
		const struct boot_module *m =
		    module_find(bi, last_element(full));

		if (!m) {
			log_printf("core: no ROM '%s' for '%s'",
			    last_element(full), full);
			return -E_NOENT;
		}
		sessions[s].kind = K_ROM;
		sessions[s].module = (unsigned)(m - bi->mods);
		reply_cap(K_ROM, 0, sessions[s].module,
		    RIGHT_SEND | RIGHT_GRANT);
	} else if (!strcmp(service, "IO_PORT")) {
		uint64_t base = session_arg(r.args, "base", 0x10000);
		uint64_t size = session_arg(r.args, "size", 0);

		if (!size || base >= 0x10000 || size > 0x10000 - base ||
		    io_taken(base, size)) {
			log_printf("core: I/O ports '%s' refused for '%s'",
			    r.args, full);
			return -E_DENIED;
		}
		sessions[s].kind = K_IO;
		sessions[s].base = base;
		sessions[s].size = size;
		sessions[s].io_pd = NULL;
		if (reply_device(&io_table, s))
			return -E_NOMEM;
	} else if (!strcmp(service, "IO_MEM")) {
		uint64_t base = session_arg(r.args, "base", 0);
		uint64_t size = session_arg(r.args, "size", 0);

		if (!size || (base | size) & (PAGE - 1) || base + size < base ||
		    io_mem_taken(base, size)) {
			log_printf("core: device memory '%s' refused for '%s'",
			    r.args, full);
			return -E_DENIED;
		}
		sessions[s].kind = K_IOMEM;
		sessions[s].base = base;
		sessions[s].size = size;
		sessions[s].wc = session_arg(r.args, "wc", 0);
		sessions[s].io_pd = NULL;
		sessions[s].ds = NULL;
		if (reply_device(&iomem_table, s))
			return -E_NOMEM;
	} else if (!strcmp(service, "IRQ")) {
		uint64_t line = session_arg(r.args, "irq", 16);

		for (unsigned k = 0; k < SESSIONS; k++)
			if (slots[k].used && k != s &&
			    sessions[k].kind == K_IRQ &&
			    sessions[k].line == line)
				line = 16;
		if (line >= 16 || line == 2) {
			log_printf("core: IRQ '%s' refused for '%s'", r.args,
			    full);
			return -E_DENIED;
		}
		memset(&sessions[s].irq, 0, sizeof(sessions[s].irq));
		sessions[s].kind = K_IRQ;
		sessions[s].line = (unsigned)line;
		if (reply_device(&irq_table, s))
			return -E_NOMEM;
	} else {
		log_printf("core: no service '%s' for '%s'", service, full);
		return -E_DENIED;
	}
	w[0] = s;
	reply_words = 1;
	return 0;
}

/* The slot is taken first, so open_kind sees it as in use. */
static int
open_session(uint64_t info)
{
	int s = session_table_alloc(&io_table), e;

	if (s < 0) {
		log_printf("core: no session for init: all %u in use",
		    SESSIONS);
		return -E_NOMEM;
	}
	if ((e = open_kind(info, (unsigned)s)))
		session_table_free(&io_table, (unsigned)s);
	return e;
}

static int
close_session(uint64_t id)
{
	if (id >= SESSIONS || !slots[id].used)
		return -E_NOENT;
	if (slots[id].cap) {
		/* Every copy of a device session's capability dies with it. */
		sys_cap_revoke(slots[id].cap);
		sys_cap_delete(slots[id].cap);
		cap_free(slots[id].cap);
	}
	if (sessions[id].kind == K_IO && sessions[id].io_pd &&
	    sessions[id].io_pd->used)
		pds_io(sessions[id].io_pd, sessions[id].base, sessions[id].size,
		    false);
	if (sessions[id].kind == K_IOMEM && sessions[id].io_pd &&
	    sessions[id].io_pd->used)
		for (uint64_t off = 0; off < sessions[id].size; off += PAGE)
			sys_unmap(sessions[id].io_pd->pd,
			    sessions[id].va + off);
	if (sessions[id].kind == K_IOMEM && sessions[id].ds)
		ds_free(sessions[id].ds); /* unmapped wherever it is */
	if (sessions[id].kind == K_IRQ && sessions[id].irq.slot)
		kobj_free(&sessions[id].irq);
	if (sessions[id].kind == K_PD) {
		struct pds *p = sessions[id].pd;
		uint64_t before = frame_free_count(), held = p->spent / PAGE;
		char label[LABEL_MAX];

		fmt_snprintf(label, sizeof(label), "%s", p->label);
		pds_destroy(p);
		init->quota += sessions[id].quota;
		init->cpu_given -= sessions[id].cpu;
		if (frame_free_count() - before == held)
			log_printf(
			    "core: '%s' closed, all its %lu KiB returned, "
			    "%lu KiB free",
			    label, held * PAGE / 1024,
			    frame_free_count() * PAGE / 1024);
		else
			log_printf(
			    "core: '%s' closed, but %ld KiB of its %lu KiB "
			    "were not returned",
			    label,
			    (long)(held - (frame_free_count() - before)) *
				(long)PAGE / 1024,
			    held * PAGE / 1024);
	}
	session_table_free(&io_table, (unsigned)id);
	return 0;
}

/* A PD session's quota moves to new_quota, to or from init's. */
static int
upgrade_session(uint64_t id, uint64_t new_quota)
{
	struct pds *p;

	if (id >= SESSIONS || !slots[id].used || sessions[id].kind != K_PD)
		return -E_NOENT;
	p = sessions[id].pd;
	if (new_quota < pds_used_bytes(p))
		return -E_BUSY;
	if (new_quota > p->quota &&
	    new_quota - p->quota > pds_free_bytes(init)) {
		log_printf("core: PD '%s' not raised to %lu bytes: init has "
			   "%lu to spare",
		    p->label, new_quota, pds_free_bytes(init));
		return -E_NOMEM;
	}
	init->quota = init->quota + p->quota - new_quota;
	sessions[id].quota = new_quota;
	p->quota = new_quota;
	return 0;
}

/*
 * s as a child may show it: a control character (a CR back to the start of
 * the line, an escape sequence) as '?', and in a label a bracket and a tab
 * too, so nothing it sends can end its own prefix or begin another's. A
 * tab in the text stays (cat -n writes them); it starts no line.
 */
static void
log_clean(char *out, const char *s, unsigned n, bool label)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool bad = (c < 0x20 && (label || c != '\t')) || c == 0x7f ||
		    (label && (c == '[' || c == ']'));

		out[i] = bad ? '?' : (char)c;
	}
}

/* Every line of a child's log text on a line of its own, each with the
 * prefix its forwarders wrote, so none can pass for another's line. */
static void
log_child(const struct parent_log *log)
{
	static char label[PARENT_LOG_MAX], line[PARENT_LOG_MAX];
	unsigned at = 0;

	log_clean(label, log->label, log->nlabel, true);
	do {
		unsigned n = 0;

		while (at + n < log->ntext && log->text[at + n] != '\n')
			n++;
		log_clean(line, log->text + at, n, false);
		log_printf(log->nlabel ? "[init -> %.*s] %.*s"
				       : "[init%.*s] %.*s",
		    (int)log->nlabel, label, (int)n, line);
		at += n + 1;
	} while (at < log->ntext);
}

static int
child_call(uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg;

	switch (label) {
	case PARENT_LOG: {
		struct parent_log log;

		if (parent_log_parse(w, MSG_NWORDS(info), &log))
			return -E_INVAL;
		log_child(&log);
		return 0;
	}
	case PARENT_EXIT:
		log_printf("core: init exited with code %ld", (long)w[0]);
		power_off((unsigned)w[0]);
	case PARENT_SESSION:
		return open_session(info);
	case PARENT_CLOSE:
		return close_session(w[0]);
	case PARENT_UPGRADE:
		return upgrade_session(w[0], w[1]);
	}
	return -E_DENIED;
}

/*
 * The ROM "platform_info": what core knows of the machine that has no
 * driver, as a document; today the frame buffer GRUB set up, if any.
 */

static void
platform_info(void)
{
	char text[384];
	int n = fmt_snprintf(text, sizeof(text), "<platform_info>\n");
	uint32_t rsdt;
	uint64_t xsdt = 0;

	if (bi->fb.base)
		n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
		    " <boot_fb base=\"0x%lx\" width=\"%u\" height=\"%u\" "
		    "pitch=\"%u\" bpp=\"%u\"/>\n",
		    bi->fb.base, bi->fb.width, bi->fb.height, bi->fb.pitch,
		    bi->fb.bpp);
	/* The RSDP the boot loader passed (UEFI has none in the BIOS area). */
	if (!memcmp(bi->rsdp, "RSD PTR ", 8)) {
		memcpy(&rsdt, bi->rsdp + 16, 4);
		if (bi->rsdp[15] >= 2)
			memcpy(&xsdt, bi->rsdp + 24, 8);
		n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
		    " <acpi rsdt=\"0x%x\" xsdt=\"0x%lx\"/>\n", rsdt, xsdt);
	}
	n += fmt_snprintf(text + n, sizeof(text) - (size_t)n,
	    "</platform_info>\n");
	if (frame_alloc(1, &info_pa))
		return;
	phys_zero(info_pa, PAGE);
	phys_write(info_pa, text, (uint64_t)n);
	info_len = (uint64_t)n;
}

static int
rom_call(unsigned module, uint64_t label)
{
	const struct boot_module *m = &bi->mods[module];
	struct dataspace *ds;

	if (module == bi->nmods) { /* platform_info */
		if (label == ROM_SIGH)
			return 0;
		if (label != ROM_DATASPACE ||
		    !(ds = ds_rom(module, info_pa, info_len)))
			return -E_INVAL;
		reply_cap(K_DS, ds->gen, ds_index(ds),
		    RIGHT_SEND | RIGHT_GRANT);
		utcb_self()->msg[0] = info_len;
		reply_words = 1;
		return 0;
	}

	if (label == ROM_SIGH)
		return 0; /* boot modules never change */
	if (label != ROM_DATASPACE)
		return -E_NOSYS;
	if ((m->base & (PAGE - 1)) || !(ds = ds_rom(module, m->base, m->size)))
		return -E_INVAL;
	reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_SEND | RIGHT_GRANT);
	utcb_self()->msg[0] = m->size;
	reply_words = 1;
	return 0;
}

static int
device_call(unsigned s, uint64_t label, uint64_t info)
{
	struct pds *p;
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
		for (uint64_t off = 0; off < sessions[s].size; off += PAGE)
			if ((e = pd_map(p->pd, va + off, sessions[s].base + off,
				 flags, p)))
				return e;
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
	if (sessions[s].kind == K_IRQ && label == IRQ_SIGH) {
		if (MSG_NCAPS(info) != 1 || sessions[s].irq.slot)
			return -E_INVAL;
		return kobj_new(KOBJ_IRQ, sessions[s].line, rcv_slot,
		    &sessions[s].irq);
	}
	if (sessions[s].kind == K_IRQ && label == IRQ_ACK)
		return sessions[s].irq.slot
		    ? (int)sys_irq_ack(sessions[s].irq.slot)
		    : -E_INVAL;
	return -E_NOSYS;
}

/*
 * A page fault in a region map is resolved and the thread resumes. Any
 * other fault stops the thread and goes to the PD's fault signal, for its
 * parent to fetch with PD_FAULT.
 */
static int
fault(uint64_t badge)
{
	uint64_t *w = utcb_self()->msg, idx = BADGE_IDX(badge);
	struct pds *p = pds_of(idx / PDS_THREADS, BADGE_GEN(badge));
	uint64_t t = idx % PDS_THREADS;

	if (!p || !p->threads[t])
		return -E_CAP;
	if (w[FAULT_W_KIND] == FAULT_PAGE &&
	    !pds_resolve(p, w[FAULT_W_ADDR], w[FAULT_W_ERROR]))
		return 0;
	p->fault = (struct pd_fault){w[FAULT_W_KIND], w[FAULT_W_ADDR],
	    w[FAULT_W_IP], t};
	sys_thread_stop(p->threads[t]);
	if (p->fault_sigh)
		sys_sig_submit(p->fault_sigh);
	else
		log_printf("core: '%s' faulted (kind %lu) at %lx, ip %lx",
		    p->label, w[FAULT_W_KIND], w[FAULT_W_ADDR], w[FAULT_W_IP]);
	return 0;
}

/* Calls on a managed dataspace: attach to and detach from it. */
static int
rm_call(struct dataspace *rm, uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg;
	struct dataspace *ds;

	if (label == RM_DETACH)
		return rm_detach(rm, w[0]);
	if (label != RM_ATTACH)
		return -E_NOSYS;
	if (!(ds = received_ds(info)))
		return -E_CAP;
	if ((w[1] & MAP_W) && !((sys_cap_info(rcv_slot) >> 8) & RIGHT_RECV))
		return -E_RIGHTS;
	return rm_attach(rm, ds, w[0], (unsigned)w[1] & (MAP_W | MAP_X));
}

static int
dispatch(uint64_t badge, uint64_t info)
{
	uint64_t label = MSG_LABEL(info), idx = BADGE_IDX(badge);
	struct pds *p;

	if (label == FAULT_LABEL && BADGE_KIND(badge) == K_FAULT)
		return fault(badge);
	if (label == FAULT_LABEL) {
		uint64_t *w = utcb_self()->msg;

		log_printf("core: init faulted (kind %lu) at %lx, ip %lx", w[0],
		    w[1], w[2]);
		power_off(100);
	}
	switch (BADGE_KIND(badge)) {
	case K_CHILD:
		return child_call(label, info);
	case K_PD:
	case K_PD_OWN:
		if (!(p = pds_of(idx, BADGE_GEN(badge))))
			return -E_CAP;
		return pd_call(p, BADGE_KIND(badge) == K_PD_OWN, label, info);
	case K_ROM:
		return idx <= bi->nmods ? rom_call((unsigned)idx, label)
					: -E_CAP;
	case K_DS: {
		struct dataspace *rm = ds_of(idx, BADGE_GEN(badge));

		return rm && rm->managed ? rm_call(rm, label, info) : -E_CAP;
	}
	case K_IO:
	case K_IOMEM:
	case K_IRQ: {
		const struct session_table *t = BADGE_KIND(badge) == K_IO
		    ? &io_table
		    : BADGE_KIND(badge) == K_IOMEM ? &iomem_table
						   : &irq_table;
		int s = session_table_lookup(t, badge);

		if (s < 0 || sessions[s].kind != BADGE_KIND(badge))
			return -E_CAP;
		return device_call((unsigned)s, label, info);
	}
	}
	return -E_CAP;
}

static _Noreturn void
serve(void)
{
	struct utcb *u = utcb_self();
	uint64_t info = MSG_INFO(0, 0, 0), badge, out = 0;

	for (;;) {
		u->rcv_caps[0] = (uint32_t)rcv_slot;
		sys_ipc_reply_wait(ep.slot, info, &info, &badge);
		reply_words = 0;
		reply_cap_kind = 0;
		reply_cap_src = 0;
		int e = dispatch(badge, info);

		sys_cap_delete(rcv_slot);
		if (out) {
			sys_cap_delete(out);
			cap_free(out);
			out = 0;
		}
		if (!e && reply_cap_kind) {
			out = cap_alloc();
			/* A kept session capability carries its own badge. */
			sys_cap_derive(reply_cap_src ? reply_cap_src : ep.slot,
			    0, out, reply_cap_rights, reply_cap_badge);
			u->snd_caps[0] = (uint32_t)out;
		}
		info = MSG_INFO(e < 0 ? -e : 0, e ? 0 : reply_words,
		    !e && reply_cap_kind ? 1 : 0);
	}
}

void
core_run_init(const struct boot_info *info, const struct boot_module *m)
{
	uint64_t id;
	struct thread_args a = {.arg = 0,
	    .prio = PRIORITY_MAX / 2,
	    .quota = INIT_CPU_OWN};

	bi = info;
	if (kobj_new(KOBJ_ENDPOINT, 0, 0, &ep) || !(rcv_slot = cap_alloc()))
		power_off(100);
	platform_info();
	/* init gets all RAM but what core keeps for its own bookkeeping. */
	init = pds_create("init", frame_free_count() * PAGE - CORE_RESERVE,
	    INIT_CPU);
	a.fault_ep = ep.slot;
	a.badge = BADGE(K_CHILD, 0, 0);
	if (!init ||
	    pds_give(init, ep.slot, CAP_PARENT, RIGHT_SEND | RIGHT_GRANT,
		BADGE(K_CHILD, 0, 0)) ||
	    pds_give(init, ep.slot, CAP_PD, RIGHT_SEND | RIGHT_GRANT,
		BADGE(K_PD_OWN, init->gen, pds_index(init))) ||
	    pds_start_main(init, m, &a, &id)) {
		log_printf("core: cannot start init");
		power_off(100);
	}
	serve();
}
